#!/bin/sh
# A page and its images from one local nginx: cf-page against wget -p (which finds the images
# in the HTML as cf-page does, and fetches them one after the other on one connection), and
# against aria2c and curl --parallel, which are handed the page's URL list ready-made (they do
# not read HTML: they get that work for free). Every tool saves what it fetches under
# /dev/shm, in the same run, alternating rounds (BENCHMARKING.md); nginx is pinned to CPU 0,
# the tools to CPU 1. A measurement is LOADS loads of the page by one tool, each a fresh
# process (so process start and the first connections count for every tool alike).
#   bench/page_load/run.sh BUILD_DIR [ROUNDS] [LOADS] [IMAGES] [CONCURRENCY]
set -eu
build=${1:?usage: run.sh BUILD_DIR [ROUNDS] [LOADS] [IMAGES] [CONCURRENCY]}
rounds=${2:-5}
loads=${3:-20}
images=${4:-200}
conc=${5:-16}
root=$(cd "$(dirname "$0")/../.." && pwd)
cf_page="$build/examples/cf-page"
[ -x "$cf_page" ] || { echo "run.sh: $cf_page not built" >&2; exit 1; }
for tool in nginx wget aria2c curl python3 taskset; do
  command -v $tool >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/cf_page_bench.XXXXXX)
out=$(mktemp -d /dev/shm/cf_page_bench.XXXXXX)
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$dir" "$out"
}
trap cleanup EXIT INT TERM

# The site: the sample site's images copied under IMAGES names, and one page naming them all.
mkdir -p "$dir/www/img"
python3 - "$root/examples/sample-site" "$dir/www" "$images" <<'PY'
import pathlib, shutil, sys
site, www, n = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
sources = sorted((site / "img").glob("*.png")) + sorted((site / "img").glob("*.svg"))
tags = []
for i in range(n):
    src = sources[i % len(sources)]
    name = f"img/i{i:04d}{src.suffix}"
    shutil.copyfile(src, www / name)
    tags.append(f'<img src="{name}" alt="image {i}">')
(www / "index.html").write_text(
    "<!DOCTYPE html><html><head><title>bench page</title></head><body>\n"
    + "\n".join(tags) + "\n</body></html>\n")
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
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
  include /etc/nginx/mime.types;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
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
taskset -c 0 nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 50 ] || { echo "run.sh: nginx did not start" >&2; exit 1; }; sleep 0.1
done

# The URL list the list-fed tools get: the page and its images.
echo "$base/" > "$dir/urls.txt"
i=0
while [ $i -lt "$images" ]; do
  f=$(ls "$dir/www/img" | sed -n "$((i + 1))p")
  echo "$base/img/$f" >> "$dir/urls.txt"
  i=$((i + 1))
done
# curl gets each URL with its output name ("index.html" for the page).
awk '{ n = $0; sub(".*/", "", n); if (n == "") n = "index.html"; print "url = " $0; print "output = " n }' \
  "$dir/urls.txt" > "$dir/curl.cfg"
bytes=$(du -cb "$dir/www/index.html" "$dir/www/img" | tail -1 | cut -f1)

# One load by one tool, into a fresh folder under /dev/shm.
load() {
  rm -rf "$out/$1"; mkdir -p "$out/$1"
  case $1 in
    cf-page) taskset -c 1 "$cf_page" -q --concurrency "$conc" --per-host "$conc" \
               --save "$out/$1" "$base/" ;;
    wget) taskset -c 1 wget -q -p -nd -P "$out/$1" "$base/" ;;
    aria2c) taskset -c 1 aria2c -q -j "$conc" --max-connection-per-server=1 \
              --allow-overwrite=true -d "$out/$1" -i "$dir/urls.txt" ;;
    curl) (cd "$out/$1" && taskset -c 1 curl -s --no-progress-meter --parallel --parallel-max "$conc" \
              -K "$dir/curl.cfg") ;;
  esac
}

# Microseconds for LOADS loads by one tool; checks that every file came.
measure() {
  start=$(date +%s%N)
  n=0
  while [ $n -lt "$loads" ]; do load "$1"; n=$((n + 1)); done
  end=$(date +%s%N)
  got=$(find "$out/$1" -type f | wc -l)
  [ "$got" -eq $((images + 1)) ] || { echo "run.sh: $1 saved $got files, not $((images + 1))" >&2; exit 1; }
  echo $(((end - start) / 1000))  # microseconds
}

tools="cf-page wget aria2c curl"
echo "page with $images images ($bytes bytes in all), $loads loads per measurement, concurrency $conc, $rounds rounds"
: > "$dir/results"
r=0
while [ $r -lt "$rounds" ]; do
  order=$tools
  [ $((r % 2)) -eq 1 ] && order=$(echo "$tools" | tr ' ' '\n' | tac | tr '\n' ' ')
  for t in $order; do
    s=$(measure "$t")
    echo "$r $t $s" >> "$dir/results"
  done
  r=$((r + 1))
done
python3 - "$dir/results" "$loads" <<'PY'
import collections, statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
loads = int(sys.argv[2])
by_round = collections.defaultdict(dict)
for r, tool, s in rows:
    by_round[r][tool] = float(s) / 1e6
tools = ["cf-page", "wget", "aria2c", "curl"]
print(f"{'tool':10} {'median ms/page':>15} {'pages/s':>9} {'cf-page speed-up (median of rounds)':>38}")
for t in tools:
    ms = statistics.median(v[t] for v in by_round.values()) / loads * 1000
    ratios = [v[t] / v["cf-page"] for v in by_round.values()]
    print(f"{t:10} {ms:15.1f} {1000 / ms:9.1f} {statistics.median(ratios):30.2f}x "
          f"(min {min(ratios):.2f} max {max(ratios):.2f})")
PY
