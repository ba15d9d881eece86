#!/bin/sh
# Crawl benchmark (BENCHMARKING.md: peers in the same run, alternating rounds, servers pinned to
# CPU 0 and crawlers to CPU 1).
#  1. A generated static site of PAGES pages (each links to four others; all reachable from
#     /p/0.html) on a pinned nginx, crawled whole by cf-crawl, Scrapy (scrapy_spider.py),
#     wget2 -r, wget -r and httrack, each with CONCURRENCY requests at once (wget has one), no
#     delay, robots.txt off: pages/s and crawler CPU seconds per 1,000 pages (perf stat
#     task-clock), medians of ROUNDS, with the ratios to Scrapy and to wget2.
#  2. The same number of pages under 50 host names on an origin that answers every request
#     20 ms late (bench_crawl_origin), crawled by cf-crawl with --per-host 2 from each host's
#     first page: the time against the ideal, pages / (50 hosts * 2) * 20 ms. The peers have no
#     way to map 50 names to 127.0.0.1 without DNS (cf-crawl --resolve), so this part is
#     cf-crawl alone.
#  3. Memory per seen URL: the seen-set's heap for 1,000,000 URLs (the unit test that measures
#     it), and cf-crawl's peak RSS over the pages of part 1.
#   bench/crawl/run.sh BUILD_DIR [PAGES] [ROUNDS] [CONCURRENCY]
set -eu
build=${1:?usage: run.sh BUILD_DIR [PAGES] [ROUNDS] [CONCURRENCY]}
pages=${2:-10000}
rounds=${3:-3}
conc=${4:-16}
hosts=50
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../common.sh"
cfcrawl="$build/examples/cf-crawl"
origin_bin="$build/bench/crawl/bench_crawl_origin"
for f in "$cfcrawl" "$origin_bin"; do
  [ -x "$f" ] || { echo "run.sh: $f not built (cmake -DCF_BUILD_BENCH=ON; ninja cf-crawl bench_crawl_origin)" >&2; exit 1; }
done
for t in nginx perf scrapy wget2 wget httrack taskset; do
  command -v $t >/dev/null || { echo "run.sh: $t is not installed (scripts/setup.sh)" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/cf_crawl_bench.XXXXXX)
origin_pid=""
cleanup() {
  [ -n "$origin_pid" ] && kill "$origin_pid" 2>/dev/null
  stop_nginx
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# The site: page i links to i+1, 7i+3, 13i+5 and 31i+11 (mod PAGES), about 1.5 KB each.
python3 - "$dir/www" "$pages" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(root, "p"), exist_ok=True)
filler = "<p>" + "A paragraph of text about nothing in particular, as pages have. " * 12 + "</p>\n"
for i in range(n):
    links = "".join(f'<li><a href="/p/{j}.html">page {j}</a></li>\n'
                    for j in ((i + 1) % n, (i * 7 + 3) % n, (i * 13 + 5) % n, (i * 31 + 11) % n))
    with open(os.path.join(root, "p", f"{i}.html"), "w") as f:
        f.write(f"<!doctype html><html><head><title>Page {i}</title></head><body>\n"
                f"<h1>Page {i}</h1>\n{filler}<ul>\n{links}</ul>\n</body></html>\n")
with open(os.path.join(root, "index.html"), "w") as f:
    f.write('<a href="/p/0.html">start</a>\n')
PY
start_nginx "$dir/www" "$dir/nginx"
seed="http://127.0.0.1:$nginx_port/p/0.html"

# crawl TOOL: crawls the site on CPU 1; prints "pages seconds cpu_seconds".
crawl() {
  tool=$1
  out="$dir/out"
  rm -rf "$out"
  mkdir -p "$out"
  case $tool in
    cf-crawl) set -- "$cfcrawl" --allow-private loopback --no-robots --delay 0 --per-host "$conc" --concurrency "$conc" \
                --json --jsonl "$out/pages.jsonl" "$seed" ;;
    scrapy) set -- scrapy runspider "$here/scrapy_spider.py" -a start="$seed" \
              -a count_file="$out/count" -s CONCURRENT_REQUESTS="$conc" \
              -s CONCURRENT_REQUESTS_PER_DOMAIN="$conc" ;;
    wget2) set -- wget2 -r -l inf --robots=off --max-threads="$conc" -q -P "$out" "$seed" ;;
    wget) set -- wget -r -l inf -e robots=off -q -P "$out" "$seed" ;;
    httrack) set -- httrack "$seed" -O "$out" -s0 -c"$conc" -%c10000 -%! -r99999 -q -Q -I0 -C0 ;;
  esac
  t0=$(date +%s.%N)
  taskset -c 1 perf stat -x, -e task-clock -o "$dir/stat" "$@" > "$dir/log" 2>&1 || true
  t1=$(date +%s.%N)
  cpu_ms=$(awk -F, '/task-clock/ {print $1}' "$dir/stat")
  case $tool in
    cf-crawl) n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fetched"])' "$dir/log") ;;
    scrapy) n=$(cat "$out/count" 2>/dev/null || echo 0) ;;
    *) n=$(find "$out" -path '*/p/*.html' | wc -l) ;;
  esac
  [ "$n" -eq "$pages" ] || echo "run.sh: $tool fetched $n pages of $pages (log: $(head -c 300 "$dir/log"))" >&2
  echo "$n $t0 $t1 $cpu_ms" | awk '{ printf "%d %.3f %.3f\n", $1, $3 - $2, $4 / 1000 }'
}

tools=${TOOLS:-cf-crawl scrapy wget2 wget httrack}  # e.g. TOOLS="cf-crawl wget2"
echo "# 1. $pages-page site on nginx, $conc at once (wget: 1), robots off, no delay; median of $rounds"
for t in $tools; do : > "$dir/$t.rate"; : > "$dir/$t.cpu"; done
r=0
while [ "$r" -lt "$rounds" ]; do
  for t in $tools; do
    set -- $(crawl "$t")
    echo "$1 $2" | awk '{ printf "%.1f\n", $1 / $2 }' >> "$dir/$t.rate"
    echo "$1 $3" | awk '{ printf "%.4f\n", $2 * 1000 / ($1 > 0 ? $1 : 1) }' >> "$dir/$t.cpu"
  done
  r=$((r + 1))
done
# A peer left out of TOOLS has no figures: its ratios print as nan.
for t in scrapy wget2; do [ -f "$dir/$t.rate" ] || { : > "$dir/$t.rate"; : > "$dir/$t.cpu"; }; done
scrapy_rate=$(median < "$dir/scrapy.rate"); scrapy_cpu=$(median < "$dir/scrapy.cpu")
wget2_rate=$(median < "$dir/wget2.rate"); wget2_cpu=$(median < "$dir/wget2.cpu")
printf '%-9s %10s %18s %14s %14s %16s %16s\n' tool pages/s "CPU s/1000 pages" "rate/scrapy" "rate/wget2" "pages/CPU-s/scrapy" "pages/CPU-s/wget2"
for t in $tools; do
  rate=$(median < "$dir/$t.rate"); cpu=$(median < "$dir/$t.cpu")
  echo "$t $rate $cpu $scrapy_rate $scrapy_cpu $wget2_rate $wget2_cpu" | awk '{
    printf "%-9s %10.1f %18.3f %13.2fx %13.2fx %17.2fx %16.2fx\n", $1, $2, $3, $2 / $4, $2 / $6, $5 / $3, $7 / $3 }'
done

echo "# 2. $pages pages under $hosts host names, every answer 20 ms late, --per-host 2; median of $rounds"
per_host_pages=$((pages / hosts))
taskset -c 0 "$origin_bin" --delay-ms 20 --hosts "$hosts" --pages "$per_host_pages" > "$dir/origin.port" &
origin_pid=$!
n=0
until [ -s "$dir/origin.port" ]; do n=$((n + 1)); [ $n -gt 100 ] && { echo "run.sh: origin did not start" >&2; exit 1; }; sleep 0.05; done
oport=$(cat "$dir/origin.port")
set --
k=0
while [ "$k" -lt "$hosts" ]; do
  set -- "$@" --resolve "h$k.bench.test:$oport:127.0.0.1" "http://h$k.bench.test:$oport/p/0.html"
  k=$((k + 1))
done
: > "$dir/delayed.s"
r=0
while [ "$r" -lt "$rounds" ]; do
  taskset -c 1 "$cfcrawl" --allow-private loopback --no-robots --delay 0 --per-host 2 --concurrency 256 --scope domain \
    --json "$@" > "$dir/delayed.json" 2> "$dir/delayed.err" || true
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["fetched"], j["seconds"])' \
    "$dir/delayed.json" > "$dir/delayed.one"
  read -r fetched secs < "$dir/delayed.one"
  [ "$fetched" -eq $((per_host_pages * hosts)) ] || echo "run.sh: fetched $fetched of $((per_host_pages * hosts))" >&2
  echo "$secs" >> "$dir/delayed.s"
  r=$((r + 1))
done
secs=$(median < "$dir/delayed.s")
echo "$secs $per_host_pages $hosts" | awk '{ ideal = $2 / 2 * 0.020;
  printf "cf-crawl: %.3f s for %d pages; ideal %.3f s (%d pages per host / 2 at once * 20 ms): %.1f%% over\n",
         $1, $2 * $3, ideal, $2, ($1 / ideal - 1) * 100 }'
kill "$origin_pid" 2>/dev/null; wait "$origin_pid" 2>/dev/null || true; origin_pid=""

echo "# 3. memory per seen URL"
seen_test="$build/tests/unit_crawl_tests"
if [ -x "$seen_test" ]; then
  "$seen_test" "seen_set: bytes per seen URL for a million URLs" 2>&1 | grep -E "bytes of heap per seen URL" | sed 's/^ *//'
else
  echo "seen-set: $seen_test not built (ninja unit_crawl_tests) - skipped"
fi
taskset -c 1 "$cfcrawl" --allow-private loopback --no-robots --delay 0 --per-host "$conc" --concurrency "$conc" --json "$seed" > "$dir/rss.json" || true
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("cf-crawl: peak RSS %d KiB after %d pages (%d URLs seen): %.0f bytes per page, all of the process" % (j["max_rss_kib"], j["fetched"], j["seen"], j["max_rss_kib"] * 1024 / max(1, j["fetched"])))' "$dir/rss.json"
