#!/usr/bin/env bash
# Installs every Debian 12 package corofetch needs to build, test and benchmark: the libraries
# (DESIGN.md's table) and the real peers the tests and benchmarks run (nginx, unbound, nsd, dig,
# wrk, curl, ...). Idempotent: when everything is there it only checks, quietly and quickly.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config python3 clang libclang-rt-14-dev clang-format clang-tidy doxygen
  # libraries
  libasio-dev libc-ares-dev node-llhttp libfmt-dev catch2 libssl-dev zlib1g-dev libgumbo-dev
  libcli11-dev nlohmann-json3-dev libidn2-dev libunistring-dev libexpat1-dev libpsl-dev publicsuffix
  libhiredis-dev libnghttp2-dev
  # benchmark peers that are libraries
  libcurl4-openssl-dev liburiparser-dev
  # real servers and peer tools for system tests and benchmarks
  nginx-light unbound nsd dnsutils dns-root-data wrk curl wget aria2 dnsperf python3-aiohttp openssl
  nghttp2-client hey linux-perf redis-server wget2 httrack python3-scrapy python3-pyftpdlib python3-aiosmtpd
  python3-h2
)

# The peer readers the tests check outputs with (HdrHistogram logs, WARC, HAR), from the npm
# registry into tests/npm/node_modules; without npm those comparisons are skipped, not failed.
install_npm_checkers() {
  local dir
  dir=$(cd "$(dirname "$0")/../tests/npm" && pwd)
  command -v npm >/dev/null || return 0
  [ "$dir/node_modules/.installed" -nt "$dir/package-lock.json" ] && return 0
  echo "setup: npm ci in tests/npm" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && touch node_modules/.installed) ||
    echo "setup: npm ci failed; the tests will skip their comparisons with npm readers" >&2
}
install_npm_checkers

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
# policy-rc.d keeps the packages' own services (nginx, unbound, nsd) from starting on port 80/53:
# the tests start their own instances on loopback ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${sudo_cmd[@]}" chmod +x /usr/sbin/policy-rc.d
  trap '"${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
