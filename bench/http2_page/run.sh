#!/bin/sh
# Issue 14's page: 72 images behind a 20 ms origin (bench/page/origin.py: every response after
# 20 ms, as from a distant server), served through nginx with HTTP/2 on TLS proxying to the
# origin over keep-alive. Loaded by cf-page over HTTP/2 (ALPN, one connection), by cf-page over
# HTTP/1.1 at 6 per host (--http1.1 --per-host 6, as a browser), and by curl --http2 --parallel
# handed the 73 URLs ready-made (it reads no HTML: that work is free for it; it multiplexes on
# one connection), and by curl doing the page's journey in two steps (the HTML, then the images
# list). Same run, alternating order (BENCHMARKING.md); nginx and the origin are
# pinned to CPU 0, the tools to CPU 1; files are saved under /dev/shm.
#   bench/http2_page/run.sh BUILD_DIR [ROUNDS] [LOADS]
set -eu
build=${1:?usage: run.sh BUILD_DIR [ROUNDS] [LOADS]}
rounds=${2:-5}
loads=${3:-10}
here=$(cd "$(dirname "$0")" && pwd)
cf_page="$build/examples/cf-page"
[ -x "$cf_page" ] || { echo "run.sh: $cf_page not built" >&2; exit 1; }
for tool in nginx curl python3 taskset openssl; do
  command -v $tool >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/cf_h2_page_bench.XXXXXX)
out=$(mktemp -d /dev/shm/cf_h2_page_bench.XXXXXX)
origin_pid=""
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [ -n "$origin_pid" ] && kill "$origin_pid" 2>/dev/null && wait "$origin_pid" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$dir" "$out"
}
trap cleanup EXIT INT TERM

# The page and its 72 images (2 KiB each).
python3 - "$dir/www" <<'PY'
import pathlib, sys
www = pathlib.Path(sys.argv[1])
(www / "img").mkdir(parents=True)
png = bytes.fromhex("89504e470d0a1a0a") + b"\0" * 2048
for i in range(72):
    (www / f"img/i{i:02d}.png").write_bytes(png)
body = "\n".join(f'<img src="img/i{i:02d}.png" alt="{i}">' for i in range(72))
(www / "index.html").write_text("<!DOCTYPE html><html><head><title>h2 bench</title></head><body>\n"
                                + body + "\n</body></html>\n")
PY

# A self-signed certificate for 127.0.0.1 (the tools are given it as their CA).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null

taskset -c 0 python3 "$here/../page/origin.py" "$dir/www" 20 > "$dir/origin.port" &
origin_pid=$!
n=0
until [ -s "$dir/origin.port" ]; do
  n=$((n + 1)); [ $n -gt 100 ] && { echo "run.sh: origin did not start" >&2; exit 1; }; sleep 0.05
done
origin_port=$(cat "$dir/origin.port")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
user=""
[ "$(id -u)" = 0 ] && user="user root;"
mkdir -p "$dir/logs"
cat > "$dir/nginx.conf" <<CONF
$user
worker_processes 1;
worker_cpu_affinity 01;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  upstream origin { server 127.0.0.1:$origin_port; keepalive 128; }
  server {
    listen 127.0.0.1:$port ssl http2;
    ssl_certificate $dir/cert.pem;
    ssl_certificate_key $dir/key.pem;
    http2_max_concurrent_streams 128;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
nginx -c "$dir/nginx.conf" -p "$dir" &
nginx_pid=$!
n=0
until curl -s -o /dev/null --cacert "$dir/cert.pem" "https://127.0.0.1:$port/index.html"; do
  n=$((n + 1)); [ $n -gt 100 ] && { echo "run.sh: nginx did not start" >&2; cat "$dir/error.log" >&2; exit 1; }; sleep 0.05
done
base="https://127.0.0.1:$port"
version=$(curl -s -o /dev/null -w '%{http_version}' --cacert "$dir/cert.pem" "$base/index.html")
[ "$version" = 2 ] || { echo "run.sh: nginx does not answer over HTTP/2 ($version)" >&2; exit 1; }

(cd "$dir/www" && find . -type f | sed 's|^\./||' | sort) | while read -r f; do
  echo "url = $base/$f"; echo "output = $(echo "$f" | tr / _)"
done > "$dir/curl.cfg"
awk -v skip="url = $base/index.html" '$0 == skip { getline; next } { print }' "$dir/curl.cfg" > "$dir/curl_images.cfg"

load() {
  rm -rf "$out/$1"; mkdir -p "$out/$1"
  case $1 in
    cf-page-h2) taskset -c 1 "$cf_page" -q --cacert "$dir/cert.pem" --concurrency 100 \
                  --save "$out/$1" "$base/" ;;
    cf-page-h1) taskset -c 1 "$cf_page" -q --http1.1 --cacert "$dir/cert.pem" --concurrency 6 \
                  --per-host 6 --save "$out/$1" "$base/" ;;
    curl-h2) (cd "$out/$1" && taskset -c 1 curl -s --http2 --cacert "$dir/cert.pem" --parallel \
                --parallel-max 100 -K "$dir/curl.cfg") ;;
    # The page's journey with curl: the HTML first, then the images it names (the list is
    # still handed over ready-made).
    curl-h2-2step) (cd "$out/$1" && taskset -c 1 curl -s --http2 --cacert "$dir/cert.pem" \
                      -o index.html "$base/index.html" &&
                    taskset -c 1 curl -s --http2 --cacert "$dir/cert.pem" --parallel \
                      --parallel-max 100 -K "$dir/curl_images.cfg") ;;
  esac
}

# Microseconds for LOADS loads by one tool, and the files it saved.
measure() {
  start=$(date +%s%N)
  n=0
  while [ $n -lt "$loads" ]; do load "$1"; n=$((n + 1)); done
  end=$(date +%s%N)
  echo "$(((end - start) / 1000)) $(find "$out/$1" -type f | wc -l)"
}

tools="cf-page-h2 cf-page-h1 curl-h2 curl-h2-2step"
echo "72 images behind a 20 ms origin through nginx HTTP/2 (TLS), $loads loads per measurement, $rounds rounds"
: > "$dir/results"
r=0
while [ $r -lt "$rounds" ]; do
  order=$tools
  [ $((r % 2)) -eq 1 ] && order=$(echo "$tools" | tr ' ' '\n' | tac | tr '\n' ' ')
  for t in $order; do
    m=$(measure "$t")
    files=${m#* }
    [ "$files" -eq 73 ] || { echo "run.sh: $t saved $files files, not 73" >&2; exit 1; }
    echo "$r $t $m" >> "$dir/results"
  done
  r=$((r + 1))
done
python3 - "$dir/results" "$loads" <<'PY'
import collections, statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
loads = int(sys.argv[2])
by_round = collections.defaultdict(dict)
for r, tool, us, n in rows:
    by_round[r][tool] = float(us) / 1e6
print(f"{'tool':13} {'median ms/page':>15} {'time / cf-page-h2 (median of rounds)':>38}")
for t in ["cf-page-h2", "cf-page-h1", "curl-h2", "curl-h2-2step"]:
    ms = statistics.median(v[t] for v in by_round.values()) / loads * 1000
    ratios = [v[t] / v["cf-page-h2"] for v in by_round.values()]
    print(f"{t:13} {ms:15.1f} {statistics.median(ratios):28.2f}x (min {min(ratios):.2f} max {max(ratios):.2f})")
PY
