#!/bin/sh
# Builds and runs the URL parsing benchmark pinned to CPU 1 (BENCHMARKING.md): corofetch, curl's
# URL API and uriparser over the same 5000 URLs, 7 alternating rounds, median ratios at the end.
# Usage: bench/url_parse/run.sh [BUILD_DIR] [extra url_parse_bench options]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../../build-bench"}
[ $# -gt 0 ] && shift
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$here/../.." -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCF_BUILD_BENCH=ON \
    -DCF_BUILD_TESTS=OFF -DCF_BUILD_EXAMPLES=OFF >/dev/null
fi
cmake --build "$build" --target url_parse_bench -j2 >/dev/null
exec taskset -c 1 "$build/bench/url_parse/url_parse_bench" --rounds 7 "$@"
