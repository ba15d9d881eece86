#!/usr/bin/env bash
# The test command of the README: installs what is missing, builds, runs every test tier
# (unit, integration, system with real nginx and DNS servers, fuzz corpus replay, install).
# Extra arguments go to ctest (e.g. -L unit, -R url).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
"$root/scripts/build.sh" ${CF_CMAKE_ARGS:-}
cd "$build_dir"
ctest --output-on-failure --parallel "$(nproc)" "$@"
