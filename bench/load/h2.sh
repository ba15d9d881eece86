#!/bin/sh
# Issue 14's load target: cf-load -m against h2load -m on one nginx speaking HTTP/2, the same
# connections, streams per connection, threads and duration, alternating rounds in one run
# (BENCHMARKING.md); the server pinned to CPU 0, the clients to CPU 1. h2c (prior knowledge,
# as h2load speaks to http:// URLs) and TLS (ALPN h2), then h2c against bench_h2_sink (canned
# responses: the clients' own ceiling). Reports requests/s and client CPU per request (perf
# stat task-clock), the server's CPU per request (its /proc ticks: when they add up to about
# the run's length, the server is the bottleneck), and cf-load's ratio to h2load.
#   bench/load/h2.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS] [STREAMS]
#   TARGETS=sink-h2c bench/load/h2.sh ...    only some rows (nginx-h2c nginx-tls sink-h2c)
set -eu
build=${1:?usage: h2.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS] [STREAMS]}
rounds=${2:-5}
secs=${3:-5}
conns=${4:-10}
streams=${5:-10}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../common.sh"
cfload="$build/examples/cf-load"
sink_bin="$build/bench/load/bench_h2_sink"
for f in "$cfload" "$sink_bin"; do
  [ -x "$f" ] || { echo "h2.sh: $f not built (cmake -DCF_BUILD_BENCH=ON)" >&2; exit 1; }
done
for t in nginx h2load perf openssl; do
  command -v $t >/dev/null || { echo "h2.sh: $t is not installed (scripts/setup.sh)" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/cf_load_h2_bench.XXXXXX)
nginx_pid=""
sink_pid=""
cleanup() {
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

mkdir -p "$dir/www" "$dir/logs"
head -c 1156 /dev/zero | tr '\0' 'x' > "$dir/www/small.txt"  # bench/load/run.sh's body size
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
h2c_port=$(free_port)
tls_port=$(free_port)
user=""
[ "$(id -u)" = 0 ] && user="user root;"
# bench/common.sh's settings, with HTTP/2 on both listeners; no GOAWAY during a run.
cat > "$dir/nginx.conf" <<CONF
$user
worker_processes 1;
worker_cpu_affinity 01;
worker_rlimit_nofile 30000;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 25000; }
http {
  access_log off;
  sendfile off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  default_type text/html;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$h2c_port http2 backlog=4096;
    listen 127.0.0.1:$tls_port ssl http2 backlog=4096;
    ssl_certificate $dir/cert.pem;
    ssl_certificate_key $dir/key.pem;
    http2_max_concurrent_streams 128;
    root $dir/www;
  }
}
CONF
taskset -c 0 nginx -c "$dir/nginx.conf" -p "$dir" &
nginx_pid=$!
n=0
until curl -s -o /dev/null --http2-prior-knowledge "http://127.0.0.1:$h2c_port/small.txt"; do
  n=$((n + 1)); [ $n -gt 100 ] && { echo "h2.sh: nginx did not start" >&2; cat "$dir/error.log" >&2; exit 1; }; sleep 0.05
done

taskset -c 0 "$sink_bin" > "$dir/sink.port" &
sink_pid=$!
sleep 0.3
worker=$(pgrep -f "nginx: worker process" -P "$nginx_pid" | head -1)
ticks=$(getconf CLK_TCK)
server_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run TOOL URL THREADS SERVER_PID: prints "requests/s client-cpu-us-per-request
# server-cpu-us-per-request" (the client pinned to CPU 1, the server to CPU 0).
run() {
  tool=$1 url=$2 threads=$3 server=$4
  out="$dir/out.txt"
  stat="$dir/stat.txt"
  case $tool in
    cf-load)
      flag=--http2-prior-knowledge
      case $url in https:*) flag=--http2 ;; esac
      set -- "$cfload" -c "$conns" -t "$threads" -m "$streams" -d "${secs}s" "$flag" \
        --cacert "$dir/cert.pem" --json "$url" ;;
    h2load) set -- h2load -c "$conns" -t "$threads" -m "$streams" -D "$secs" "$url" ;;
  esac
  before=$(server_cpu "$server")
  taskset -c 1 perf stat -x, -e task-clock -o "$stat" "$@" > "$out" 2>&1
  server_ms=$(( ($(server_cpu "$server") - before) * 1000 / ticks ))
  cpu_ms=$(awk -F, '/task-clock/ {print $1}' "$stat")
  case $tool in
    cf-load) n=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["requests"], j["requests_per_sec"], j["http2_connects"])' "$out") ;;
    h2load) n="$(awk '/^requests:/ {print $8}' "$out") $(awk '/^finished in/ {print $4}' "$out") $(grep -c '^Application protocol: h2' "$out")" ;;
  esac
  set -- $n
  if [ "${3:-0}" = 0 ]; then
    echo "h2.sh: $tool did not speak HTTP/2:" >&2; cat "$out" >&2; exit 1
  fi
  echo "$1 $2 $cpu_ms $server_ms" |
    awk '{ n = ($1 > 0 ? $1 : 1); printf "%.0f %.3f %.3f\n", $2, $3 * 1000 / n, $4 * 1000 / n }'
}

tools="cf-load h2load"
echo "# $rounds rounds of ${secs}s, $conns connections x $streams streams; median requests/s (client CPU, server CPU per request)"
for target in ${TARGETS:-nginx-h2c nginx-tls sink-h2c}; do
  case $target in
    nginx-h2c) url="http://127.0.0.1:$h2c_port/small.txt" server=$worker ;;
    nginx-tls) url="https://127.0.0.1:$tls_port/small.txt" server=$worker ;;
    sink-h2c) url="http://127.0.0.1:$(cat "$dir/sink.port")/" server=$sink_pid ;;
  esac
  for threads in 1 2; do
    for t in $tools; do : > "$dir/$t.rps"; : > "$dir/$t.cpu"; : > "$dir/$t.srv"; done
    r=0
    while [ $r -lt "$rounds" ]; do
      order=$tools
      [ $((r % 2)) -eq 1 ] && order="h2load cf-load"
      for t in $order; do
        set -- $(run $t "$url" $threads "$server")
        echo "$1" >> "$dir/$t.rps"
        echo "$2" >> "$dir/$t.cpu"
        echo "$3" >> "$dir/$t.srv"
      done
      r=$((r + 1))
    done
    base=$(median < "$dir/h2load.rps")
    line="$target -t$threads:"
    for t in $tools; do
      rps=$(median < "$dir/$t.rps")
      cpu=$(median < "$dir/$t.cpu")
      srv=$(median < "$dir/$t.srv")
      line="$line  $t $(printf '%.0f' "$rps") (${cpu}us, server ${srv}us, $(echo "$rps $base" | awk '{printf "%.2fx", $1/$2}'))"
    done
    echo "$line"
  done
done
