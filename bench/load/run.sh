#!/bin/sh
# cf-load against wrk, h2load (--h1) and hey, alternating rounds in one run (BENCHMARKING.md):
# the same connections, threads and duration, against one nginx serving a small file and
# against the canned-response sink (the clients' own ceiling); the servers pinned to CPU 0, the
# clients to CPU 1. Reports requests/s and client CPU per request (perf stat task-clock) with
# the ratio to wrk, then, outside the timed rounds: pipelined (16) rates, syscalls and heap
# allocations per request in steady state, and memory per connection at 1,000 and 10,000.
#   bench/load/run.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]
set -eu
build=${1:?usage: run.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]}
rounds=${2:-5}
secs=${3:-5}
conns=${4:-50}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../common.sh"
cfload="$build/examples/cf-load"
sink_bin="$build/bench/http_fetch/bench_http_sink"
counter="$build/bench/load/libbench_malloc_count.so"
for f in "$cfload" "$sink_bin" "$counter"; do
  [ -e "$f" ] || { echo "run.sh: $f not built (cmake -DCF_BUILD_BENCH=ON)" >&2; exit 1; }
done
for t in nginx wrk h2load hey perf; do
  command -v $t >/dev/null || { echo "run.sh: $t is not installed (scripts/setup.sh)" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/cf_load_bench.XXXXXX)
sink_pid=""
cleanup() {
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
  stop_nginx
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

mkdir -p "$dir/www"
head -c 1156 /dev/zero | tr '\0' 'x' > "$dir/www/small.txt"  # the sink's body size
start_nginx "$dir/www" "$dir/nginx"
nginx_url="http://127.0.0.1:$nginx_port/small.txt"
taskset -c 0 "$sink_bin" > "$dir/sink.port" &
sink_pid=$!
sleep 0.3
sink_url="http://127.0.0.1:$(cat "$dir/sink.port")/"

# run TOOL URL THREADS: prints "requests/s cpu-us-per-request" (the client pinned to CPU 1).
run() {
  tool=$1 url=$2 threads=$3
  out="$dir/out.txt"
  stat="$dir/stat.txt"
  case $tool in
    cf-load) set -- "$cfload" -c "$conns" -t "$threads" -d "${secs}s" --json "$url" ;;
    wrk) set -- wrk -c "$conns" -t "$threads" -d "${secs}s" "$url" ;;
    h2load) set -- h2load --h1 -c "$conns" -t "$threads" -D "$secs" "$url" ;;
    hey) set -- hey -c "$conns" -z "${secs}s" "$url" ;;
  esac
  taskset -c 1 perf stat -x, -e task-clock -o "$stat" "$@" > "$out" 2>&1
  cpu_ms=$(awk -F, '/task-clock/ {print $1}' "$stat")
  case $tool in
    cf-load) n=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["requests"], j["requests_per_sec"])' "$out") ;;
    wrk) n="$(awk '/requests in/ {print $1}' "$out") $(awk '/Requests\/sec/ {print $2}' "$out")" ;;
    h2load) n="$(awk '/^requests:/ {print $8}' "$out") $(awk '/^finished in/ {print $4}' "$out")" ;;
    hey) n="$(awk '/\[200\]/ {print $2}' "$out") $(awk '/Requests\/sec/ {print $2}' "$out")" ;;
  esac
  echo "$n $cpu_ms" | awk '{ printf "%.0f %.3f\n", $2, ($3 * 1000) / ($1 > 0 ? $1 : 1) }'
}

tools="cf-load wrk h2load hey"
echo "# $rounds rounds of ${secs}s, $conns connections; median requests/s (client CPU us/request)"
for server in nginx sink; do
  url=$nginx_url
  [ $server = sink ] && url=$sink_url
  for threads in 1 2; do
    for t in $tools; do : > "$dir/$t.rps"; : > "$dir/$t.cpu"; done
    r=0
    while [ $r -lt "$rounds" ]; do
      for t in $tools; do
        set -- $(run $t "$url" $threads)
        echo "$1" >> "$dir/$t.rps"
        echo "$2" >> "$dir/$t.cpu"
      done
      r=$((r + 1))
    done
    wrk_rps=$(median < "$dir/wrk.rps")
    line="$server -t$threads:"
    for t in $tools; do
      rps=$(median < "$dir/$t.rps")
      cpu=$(median < "$dir/$t.cpu")
      line="$line  $t $(printf '%.0f' "$rps") (${cpu}us, $(echo "$rps $wrk_rps" | awk '{printf "%.2fx", $1/$2}'))"
    done
    echo "$line"
  done
done

echo "# pipelined 16 deep, -t1, median of $rounds"
for server in nginx sink; do
  url=$nginx_url
  [ $server = sink ] && url=$sink_url
  : > "$dir/p_cf"; : > "$dir/p_wrk"
  r=0
  while [ $r -lt "$rounds" ]; do
    taskset -c 1 "$cfload" -c "$conns" -t 1 -d "${secs}s" --pipeline 16 --json "$url" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["requests_per_sec"])' >> "$dir/p_cf"
    taskset -c 1 wrk -c "$conns" -t 1 -d "${secs}s" -s "$here/pipeline.lua" "$url" -- 16 |
      awk '/Requests\/sec/ {print $2}' >> "$dir/p_wrk"
    r=$((r + 1))
  done
  a=$(median < "$dir/p_cf"); b=$(median < "$dir/p_wrk")
  echo "$server: cf-load $(printf '%.0f' "$a")  wrk $(printf '%.0f' "$b")  ratio $(echo "$a $b" | awk '{printf "%.2fx", $1/$2}')"
done

echo "# syscalls per request, sink, -t1 (perf stat raw_syscalls:sys_enter)"
for t in cf-load wrk; do
  case $t in
    cf-load) set -- "$cfload" -c "$conns" -t 1 -d "${secs}s" --json "$sink_url" ;;
    wrk) set -- wrk -c "$conns" -t 1 -d "${secs}s" "$sink_url" ;;
  esac
  taskset -c 1 perf stat -x, -e raw_syscalls:sys_enter -o "$dir/sys.txt" "$@" > "$dir/out.txt" 2>&1
  calls=$(awk -F, '/raw_syscalls/ {print $1}' "$dir/sys.txt")
  case $t in
    cf-load) n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"])' "$dir/out.txt") ;;
    wrk) n=$(awk '/requests in/ {print $1}' "$dir/out.txt") ;;
  esac
  echo "$t: $(echo "$calls $n" | awk '{printf "%.2f", $1/$2}') ($calls syscalls, $n requests)"
done

echo "# heap allocations per request in steady state, sink, -t1 (a short and a long run)"
allocs() {  # allocs SECONDS TOOL: prints "allocations requests"
  tool=$2
  case $2 in
    cf-load) set -- "$cfload" -c "$conns" -t 1 -d "$1s" --json "$sink_url" ;;
    wrk) set -- wrk -c "$conns" -t 1 -d "$1s" "$sink_url" ;;
  esac
  MALLOC_COUNT_FILE="$dir/allocs.txt" LD_PRELOAD="$counter" taskset -c 1 "$@" > "$dir/out.txt" 2>&1
  case $tool in
    cf-load) n=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["requests"] + j["in_flight_at_end"] + j["warmup_requests"])' "$dir/out.txt") ;;
    wrk) n=$(awk '/requests in/ {print $1}' "$dir/out.txt") ;;
  esac
  echo "$(cat "$dir/allocs.txt") $n"
}
for t in cf-load wrk; do
  set -- $(allocs 1 $t) $(allocs 4 $t)
  echo "$t: $(echo "$1 $2 $3 $4" | awk '{printf "%.4f", ($3-$1)/($4-$2)}') per request ($1 allocations for $2 requests, $3 for $4)"
done

echo "# memory per connection: (peak RSS at 10,000 connections - at 1,000) / 9,000, sink"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
rss() {  # rss TOOL CONNECTIONS: the client's VmHWM in KiB after 3 s of a 4 s run
  case $1 in
    cf-load) taskset -c 1 "$cfload" -c "$2" -t 1 -d 4s --json "$sink_url" > "$dir/out.txt" 2>&1 & ;;
    wrk) taskset -c 1 wrk -c "$2" -t 1 -d 4s "$sink_url" > "$dir/out.txt" 2>&1 & ;;
  esac
  pid=$!
  sleep 3
  awk '/VmHWM/ {print $2}' "/proc/$pid/status"
  wait $pid || true
}
for t in cf-load wrk; do
  a=$(rss $t 1000); b=$(rss $t 10000)
  echo "$t: $(echo "$a $b" | awk '{printf "%.0f", ($2-$1)*1024/9000}') bytes per connection (peak RSS $a KiB at 1,000, $b KiB at 10,000)"
done
