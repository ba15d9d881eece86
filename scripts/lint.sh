#!/usr/bin/env bash
# Checks the code against .clang-format and .clang-tidy (tidy on the library and tools, using
# the compile_commands.json of BUILD_DIR, default build/, a g++ build: Asio 1.22 needs to be told
# that clang has coroutines). Exit status non-zero on any finding.
#   scripts/lint.sh              # format, and tidy without the clang static analyzer (CI)
#   scripts/lint.sh --analyzer   # also clang-analyzer-*: about three times the cost on
#                                # coroutine-heavy files, so run by hand, not in CI
set -euo pipefail
checks=(--checks=-clang-analyzer-*)
if [ "${1:-}" = "--analyzer" ]; then
  checks=()
elif [ $# -gt 0 ]; then
  echo "usage: scripts/lint.sh [--analyzer]" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
cd "$root"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run -Werror "${sources[@]}"
mapfile -t tidy_sources < <(git ls-files 'lib/*.cpp' 'examples/*.cpp')
if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "lint: no $build_dir/compile_commands.json; run scripts/build.sh first" >&2
  exit 1
fi
# Findings are counted in our files only: the analyzer also reports paths that end inside
# Asio's awaitable frames, which are not ours to change.
findings=$(printf '%s\n' "${tidy_sources[@]}" |
  xargs -P "$(nproc)" -n 4 clang-tidy -p "$build_dir" --quiet "${checks[@]}" \
    --extra-arg=-DASIO_HAS_CO_AWAIT=1 --extra-arg=-DASIO_HAS_STD_COROUTINE=1 2>/dev/null |
  grep -E "^$root/.*: (warning|error): " || true)
if [ -n "$findings" ]; then
  echo "$findings"
  exit 1
fi
echo "lint: clean"
