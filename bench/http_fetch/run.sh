#!/bin/sh
# Fetching the same small files from one local nginx: corofetch's client against curl, in the
# same run, alternating rounds (BENCHMARKING.md). nginx is pinned to CPU 0, every client to
# CPU 1. Sequential: bench_http_fetch --concurrency 1 (one keep-alive connection) against one
# curl process given the whole list (it reuses its connection). Concurrent: --concurrency C
# against curl --parallel --parallel-max C. Then, outside the timed rounds: syscalls per
# request in steady state (perf stat raw_syscalls:sys_enter, the difference between a long and
# a short run divided by the extra requests) for both clients, and heap allocations per request
# (bench_http_fetch's operator new counter).
#   bench/http_fetch/run.sh BUILD_DIR [ROUNDS] [REQUESTS] [CONCURRENCY]
set -eu
build=${1:?usage: run.sh BUILD_DIR [ROUNDS] [REQUESTS] [CONCURRENCY]}
rounds=${2:-5}
requests=${3:-20000}
conc=${4:-8}
bin="$build/bench/http_fetch/bench_http_fetch"
[ -x "$bin" ] || { echo "run.sh: $bin not built (cmake -DCF_BUILD_BENCH=ON, target bench_http_fetch)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "run.sh: nginx not installed (nginx-light)" >&2; exit 1; }
command -v curl >/dev/null || { echo "run.sh: curl not installed" >&2; exit 1; }

dir=$(mktemp -d /tmp/cf_http_fetch_bench.XXXXXX)
nginx_pid=""
sink_pid=""
cleanup() {
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# 50 small files, 200 to 2,150 bytes.
mkdir -p "$dir/www/f" "$dir/logs"
i=0
while [ $i -lt 50 ]; do
  head -c $((200 + i * 39)) /dev/zero | tr '\0' 'x' > "$dir/www/f/$i.html"
  i=$((i + 1))
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
user=""
[ "$(id -u)" = 0 ] && user="user root;"
cat > "$dir/nginx.conf" <<CONF
$user
worker_processes 1;
worker_cpu_affinity 01;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  default_type text/html;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port backlog=4096;
    root $dir/www;
  }
}
CONF
taskset -c 0 nginx -c "$dir/nginx.conf" -p "$dir/" -g 'daemon off;' &
nginx_pid=$!
n=0
until curl -s -o /dev/null "http://127.0.0.1:$port/f/0.html"; do
  n=$((n + 1)); [ $n -gt 100 ] && { echo "run.sh: nginx did not start" >&2; cat "$dir/error.log" >&2; exit 1; }
  sleep 0.05
done

# The URL list: $requests URLs cycling over the 50 files, for both clients.
i=0
: > "$dir/urls.txt"
: > "$dir/curl.cfg"
while [ $i -lt 50 ]; do echo "http://127.0.0.1:$port/f/$i.html" >> "$dir/urls.txt"; i=$((i + 1)); done
awk -v n="$requests" '{u[NR]=$0} END {for (i = 0; i < n; i++) {print "url = \"" u[i % NR + 1] "\""; print "output = \"/dev/null\""}}' "$dir/urls.txt" > "$dir/curl.cfg"

now() { date +%s.%N; }
rate() { awk -v n="$requests" -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", n / (b - a)}'; }

run_cf() {  # urls concurrency -> requests/s (from the program's own clock)
  taskset -c 1 "$bin" --urls "$1" --requests "$requests" --concurrency "$2" |
    sed -n 's/.* rps=\([0-9]*\) .*/\1/p'
}
run_curl() {  # config parallelism -> requests/s (wall clock of the whole process)
  cfg=$1
  if [ "$2" = 1 ]; then set --; else set -- --parallel --parallel-max "$2"; fi
  t0=$(now)
  taskset -c 1 curl -s --fail "$@" -K "$cfg"
  t1=$(now)
  rate "$t0" "$t1"
}
compare() {  # label urls config: alternating rounds, sequential then concurrent
  for mode in 1 "$conc"; do
    ratios=""
    r=1
    while [ $r -le "$rounds" ]; do
      if [ $((r % 2)) = 1 ]; then a=$(run_cf "$2" "$mode"); b=$(run_curl "$3" "$mode"); else b=$(run_curl "$3" "$mode"); a=$(run_cf "$2" "$mode"); fi
      ratio=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", a / b}')
      echo "$1 concurrency $mode round $r: corofetch $a req/s, curl $b req/s, ratio $ratio"
      ratios="$ratios $ratio"
      r=$((r + 1))
    done
    median=$(echo "$ratios" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}')
    echo "$1 concurrency $mode: median ratio corofetch/curl = $median"
  done
}

echo "nginx on CPU 0 (port $port), clients on CPU 1; $requests requests per run, $rounds rounds"
compare nginx "$dir/urls.txt" "$dir/curl.cfg"

# The same against the canned-response sink server (the clients' own ceiling).
sink="$build/bench/http_fetch/bench_http_sink"
if [ -x "$sink" ]; then
  taskset -c 0 "$sink" > "$dir/sink.port" &
  sink_pid=$!
  n=0
  until [ -s "$dir/sink.port" ]; do n=$((n + 1)); [ $n -gt 100 ] && break; sleep 0.05; done
  sport=$(cat "$dir/sink.port")
  sed "s/:$port\//:$sport\//" "$dir/urls.txt" > "$dir/sink_urls.txt"
  sed "s/:$port\//:$sport\//" "$dir/curl.cfg" > "$dir/sink_curl.cfg"
  echo "sink server on CPU 0 (port $sport)"
  compare sink "$dir/sink_urls.txt" "$dir/sink_curl.cfg"
  kill "$sink_pid"; wait "$sink_pid" 2>/dev/null || true
  sink_pid=""
else
  echo "bench_http_sink not built: sink comparison skipped"
fi

# Steady state per request, from perf stat counters: (count at 2N - count at N) / N, for
# syscalls (raw_syscalls:sys_enter) and client CPU (task-clock, in microseconds).
if perf stat -e raw_syscalls:sys_enter true >/dev/null 2>&1; then
  counters() {  # command... -> "syscalls task_clock_ms"
    perf stat -x, -e raw_syscalls:sys_enter,task-clock "$@" 2>&1 >/dev/null |
      awk -F, '/raw_syscalls/ {s=$1} /task-clock/ {t=$1} END {print s, t}'
  }
  half=$((requests / 2))
  awk -v n="$half" '{u[NR]=$0} END {for (i = 0; i < n; i++) {print "url = \"" u[i % NR + 1] "\""; print "output = \"/dev/null\""}}' "$dir/urls.txt" > "$dir/curl_half.cfg"
  for mode in 1 "$conc"; do
    a1=$(counters taskset -c 1 "$bin" --urls "$dir/urls.txt" --requests "$half" --concurrency "$mode")
    a2=$(counters taskset -c 1 "$bin" --urls "$dir/urls.txt" --requests "$requests" --concurrency "$mode")
    if [ "$mode" = 1 ]; then set --; else set -- --parallel --parallel-max "$mode"; fi
    c1=$(counters taskset -c 1 curl -s "$@" -K "$dir/curl_half.cfg")
    c2=$(counters taskset -c 1 curl -s "$@" -K "$dir/curl.cfg")
    echo "$a1 $a2 $c1 $c2" | awk -v m="$mode" -v n="$half" '{
      printf "concurrency %s per request: syscalls corofetch %.2f, curl %.2f; CPU us corofetch %.2f, curl %.2f\n",
        m, ($3 - $1) / n, ($7 - $5) / n, ($4 - $2) * 1000 / n, ($8 - $6) * 1000 / n}'
  done
else
  echo "perf raw_syscalls unavailable: syscalls not measured"
fi

for mode in 1 "$conc"; do
  echo "concurrency $mode, corofetch details: $(taskset -c 1 "$bin" --urls "$dir/urls.txt" --requests "$requests" --concurrency "$mode")"
done
