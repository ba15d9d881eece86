#!/usr/bin/env bash
# The main job of the README: installs what is missing, builds, and runs the journey corofetch
# can do so far. Today that is its first step, taking the seed's five example URLs apart
# (cf-url); the page loader will replace it with a whole page load against the bundled site.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
"$build_dir/examples/cf-url" \
  "http://user:password@www.cyber.co.kr:80/dir/file.html" \
  "ftp://user:password@ftp.cyber.co.kr:21/dir/file1.html" \
  "file://localhost/c:/path/file1/zip" \
  "mailto:tone@cyber.co.kr" \
  "news:comp.protocols.tcp-ip"
