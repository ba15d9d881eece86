#!/bin/sh
# Runs the response-parsing benchmark pinned to one CPU (BENCHMARKING.md): corofetch's
# response_parser and raw llhttp alternate, round after round, in the same process.
#   bench/http_parse/run.sh BUILD_DIR [ROUNDS]
set -eu
build=${1:?usage: run.sh BUILD_DIR [ROUNDS]}
rounds=${2:-9}
bin="$build/bench/http_parse/bench_http_parse"
[ -x "$bin" ] || { echo "run.sh: $bin not built (cmake -DCF_BUILD_BENCH=ON, target bench_http_parse)" >&2; exit 1; }
exec taskset -c 1 "$bin" --rounds "$rounds"
