#!/bin/sh
# A page with 100 requisites behind a 20 ms origin (bench/page/origin.py: every response after
# 20 ms, as from a distant server): cf-page --requisites all, which finds them in the HTML and
# in the CSS as it goes, against wget -p (which also reads the HTML and the CSS, one request at
# a time on one connection) and curl --parallel, handed the list of the 101 URLs ready-made (it
# reads no HTML: that work is free for it). cf-page and curl run at the same per-host limit,
# PER_HOST connections (the origin is one host). Same run, alternating order (BENCHMARKING.md);
# the origin is pinned to CPU 0, the tools to CPU 1; files are saved under /dev/shm.
#   bench/page/run.sh BUILD_DIR [ROUNDS] [LOADS] [PER_HOST]
set -eu
build=${1:?usage: run.sh BUILD_DIR [ROUNDS] [LOADS] [PER_HOST]}
rounds=${2:-5}
loads=${3:-5}
per_host=${4:-6}
here=$(cd "$(dirname "$0")" && pwd)
cf_page="$build/examples/cf-page"
[ -x "$cf_page" ] || { echo "run.sh: $cf_page not built" >&2; exit 1; }
for tool in wget curl python3 taskset; do
  command -v $tool >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/cf_page_req_bench.XXXXXX)
out=$(mktemp -d /dev/shm/cf_page_req_bench.XXXXXX)
origin_pid=""
cleanup() {
  [ -n "$origin_pid" ] && kill "$origin_pid" 2>/dev/null && wait "$origin_pid" 2>/dev/null
  rm -rf "$dir" "$out"
}
trap cleanup EXIT INT TERM

# The page: 2 stylesheets (one imported) naming 30 images and 2 fonts, 10 scripts, an icon and
# 55 images in the HTML: 100 requisites, 40 of them found only in CSS.
python3 - "$dir/www" <<'PY'
import pathlib, sys
www = pathlib.Path(sys.argv[1])
for d in ("css", "js", "img", "fonts"):
    (www / d).mkdir(parents=True, exist_ok=True)
png = bytes.fromhex("89504e470d0a1a0a") + b"\0" * 2048
urls = []
for i in range(30):
    (www / f"img/c{i:02d}.png").write_bytes(png)
for i in range(55):
    (www / f"img/h{i:02d}.png").write_bytes(png)
for i in range(2):
    (www / f"fonts/f{i}.woff2").write_bytes(b"wOF2" + b"\0" * 4096)
for i in range(10):
    (www / f"js/s{i}.js").write_text(f"var s{i} = {i};\n" * 50)
(www / "favicon.png").write_bytes(png)
css = ['@import "extra.css";']
css += [f".c{i} {{ background: url(../img/c{i:02d}.png) }}" for i in range(20)]
(www / "css/main.css").write_text("\n".join(css) + "\n")
extra = [f"@font-face {{ font-family: F{i}; src: url(../fonts/f{i}.woff2) format('woff2') }}" for i in range(2)]
extra += [f".e{i} {{ background-image: url('/img/c{i:02d}.png') }}" for i in range(20, 30)]
(www / "css/extra.css").write_text("\n".join(extra) + "\n")
head = ['<link rel="stylesheet" href="css/main.css">', '<link rel="icon" href="favicon.png">']
head += [f'<script src="js/s{i}.js"></script>' for i in range(10)]
body = [f'<img src="img/h{i:02d}.png" alt="{i}">' for i in range(55)]
(www / "index.html").write_text("<!DOCTYPE html><html><head><title>bench</title>" + "".join(head)
                                + "</head><body>\n" + "\n".join(body) + "\n</body></html>\n")
PY
requisites=$(find "$dir/www" -type f ! -name index.html | wc -l)
[ "$requisites" -eq 100 ] || { echo "run.sh: the page has $requisites requisites" >&2; exit 1; }

taskset -c 0 python3 "$here/origin.py" "$dir/www" 20 > "$dir/origin.port" &
origin_pid=$!
n=0
until [ -s "$dir/origin.port" ]; do
  n=$((n + 1)); [ $n -gt 100 ] && { echo "run.sh: origin did not start" >&2; exit 1; }; sleep 0.05
done
base="http://127.0.0.1:$(cat "$dir/origin.port")"

# curl's list: the page and every requisite, each to its own file.
(cd "$dir/www" && find . -type f | sed 's|^\./||' | sort) | while read -r f; do
  echo "url = $base/$f"; echo "output = $(echo "$f" | tr / _)"
done > "$dir/curl.cfg"

load() {
  rm -rf "$out/$1"; mkdir -p "$out/$1"
  case $1 in
    cf-page) taskset -c 1 "$cf_page" -q --requisites all --concurrency "$per_host" \
               --per-host "$per_host" --save "$out/$1" "$base/" ;;
    wget) taskset -c 1 wget -q -p -P "$out/$1" "$base/" ;;
    curl) (cd "$out/$1" && taskset -c 1 curl -s --no-progress-meter --parallel --parallel-max "$per_host" \
             -K "$dir/curl.cfg") ;;
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

tools="cf-page wget curl"
echo "page with $requisites requisites behind a 20 ms origin, $loads loads per measurement, $per_host per host, $rounds rounds"
: > "$dir/results"
r=0
while [ $r -lt "$rounds" ]; do
  order=$tools
  [ $((r % 2)) -eq 1 ] && order=$(echo "$tools" | tr ' ' '\n' | tac | tr '\n' ' ')
  for t in $order; do
    m=$(measure "$t")
    files=${m#* }
    # cf-page and curl must bring every file; wget -p brings what it finds (listed below).
    if [ "$t" != wget ] && [ "$files" -ne $((requisites + 1)) ]; then
      echo "run.sh: $t saved $files files, not $((requisites + 1))" >&2; exit 1
    fi
    echo "$r $t $m" >> "$dir/results"
  done
  r=$((r + 1))
done
python3 - "$dir/results" "$loads" <<'PY'
import collections, statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
loads = int(sys.argv[2])
by_round = collections.defaultdict(dict)
files = {}
for r, tool, us, n in rows:
    by_round[r][tool] = float(us) / 1e6
    files[tool] = int(n)
print(f"{'tool':8} {'median ms/page':>15} {'time / cf-page (median of rounds)':>36} {'files':>6}")
for t in ["cf-page", "wget", "curl"]:
    ms = statistics.median(v[t] for v in by_round.values()) / loads * 1000
    ratios = [v[t] / v["cf-page"] for v in by_round.values()]
    print(f"{t:8} {ms:15.1f} {statistics.median(ratios):26.2f}x (min {min(ratios):.2f} max {max(ratios):.2f}) {files[t]:6}")
PY
# What wget -p left out, by name (the last load's copy against the site).
(cd "$dir/www" && find . -type f | sed 's|^\./||' | sort) > "$dir/site.txt"
(cd "$out/wget"/* && find . -type f | sed 's|^\./||' | sort) > "$dir/wget.txt"
missing=$(comm -23 "$dir/site.txt" "$dir/wget.txt" | tr '\n' ' ')
[ -z "$missing" ] || echo "wget -p did not fetch: $missing"
