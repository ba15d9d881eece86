#!/usr/bin/env bash
# Generates the API reference from the public headers' /// comments with doxygen (Debian's, which
# scripts/setup.sh installs) into build/docs/html (DOCS_DIR, default build/docs). Doxygen's
# warnings are printed; extra arguments are "NAME=VALUE" Doxyfile settings appended to
# docs/Doxyfile (e.g. WARN_AS_ERROR=FAIL_ON_WARNINGS, as the "docs" ctest runs it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
docs_dir=${DOCS_DIR:-$root/build/docs}
if ! command -v doxygen >/dev/null; then
  echo "docs: doxygen is not installed; scripts/setup.sh installs it" >&2
  exit 1
fi
cd "$root"
mkdir -p "$docs_dir"
# The version is the one the project() call of CMakeLists.txt declares.
CF_VERSION=$(sed -n 's/^project(corofetch VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
export CF_VERSION CF_DOCS_DIR=$docs_dir
{
  cat docs/Doxyfile
  printf '%s\n' "$@"
} | doxygen -
echo "docs: $docs_dir/html/index.html" >&2
