#!/usr/bin/env bash
# Fuzzes every target in tests/fuzz/ with libFuzzer under AddressSanitizer and
# UndefinedBehaviorSanitizer (clang), SECONDS_PER_TARGET each (default 600: issue 16 asks for
# ten minutes a target), then adds to tests/fuzz/corpus/<name>/ the inputs it found that add coverage
# (libFuzzer -merge=1): commit them, and ctest replays them from then on. Not a CI
# step: an hour and a half of CPU. A crash stops the script; its input is left in
# $BUILD_DIR/findings/<name>/ and the report on stderr.
#   scripts/fuzz.sh [TARGET...]            # every target, or those named (e.g. url_parse)
#   SECONDS_PER_TARGET=60 JOBS=2 scripts/fuzz.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build-fuzz}
seconds=${SECONDS_PER_TARGET:-600}
jobs=${JOBS:-1}
"$root/scripts/setup.sh"
CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DCF_BUILD_FUZZERS=ON \
  -DCF_SANITIZE=address,undefined -DCF_BUILD_EXAMPLES=OFF >/dev/null

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cd "$root/tests/fuzz" && ls -- *_fuzz.cpp | sed 's/_fuzz\.cpp$//')
fi
cmake --build "$build_dir" --parallel "$(nproc)" --target "${targets[@]/%/_fuzzer}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for name in "${targets[@]}"; do
  corpus=$root/tests/fuzz/corpus/$name
  scratch=$build_dir/fuzz-corpus/$name
  findings=$build_dir/findings/$name
  mkdir -p "$corpus" "$scratch" "$findings"
  before=$(find "$corpus" -type f | wc -l)
  echo "fuzz: $name for ${seconds}s ($before seed inputs)" >&2
  # New inputs go to the scratch folder; the committed corpus is only read.
  "$build_dir/tests/fuzz/${name}_fuzzer" "$scratch" "$corpus" -max_total_time="$seconds" \
    -jobs="$jobs" -workers="$jobs" -artifact_prefix="$findings/" -print_final_stats=1 \
    >"$build_dir/fuzz-$name.log" 2>&1 || {
    echo "fuzz: $name found a failure; see $build_dir/fuzz-$name.log and $findings/" >&2
    tail -40 "$build_dir/fuzz-$name.log" >&2
    exit 1
  }
  # Minimize: of what this run found, only the inputs that add coverage to the committed
  # corpus join it (the seeds keep their names).
  "$build_dir/tests/fuzz/${name}_fuzzer" -merge=1 "$corpus" "$scratch" \
    >>"$build_dir/fuzz-$name.log" 2>&1
  after=$(find "$corpus" -type f | wc -l)
  runs=$(grep -h "stat::number_of_executed_units" "$build_dir/fuzz-$name.log" |
    awk '{s += $2} END {print s + 0}')
  echo "fuzz: $name: $runs runs, no finding; corpus $before -> $after inputs" >&2
done
