#!/usr/bin/env bash
# Configures and builds corofetch into BUILD_DIR (default: build/) with Ninja; extra arguments go
# to the cmake configure step (e.g. -DCF_SANITIZE=address,undefined). Incremental: a second run
# only rebuilds what changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
# -g1: line tables, enough for backtraces and perf; full debug information makes every
# coroutine-heavy unit about a fifth slower to compile. Later arguments override both.
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
