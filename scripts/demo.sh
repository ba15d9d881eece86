#!/usr/bin/env bash
# The main job of the README: installs what is missing, builds, then does a browser's first
# journey to a page with no internet. A real nginx serves the bundled sample site
# (examples/sample-site) on a free loopback port, and cf-page loads its page as
# http://gallery.test:PORT/ (the name mapped to 127.0.0.1 with --resolve, as curl does): the
# document, then every image its HTML names, fetched concurrently over keep-alive connections.
# It prints a line per resource and a summary, keeps a copy of the page and its images in
# build-demo/demo-page/ and an HTTP Archive in build-demo/demo-page.har. Extra arguments go to
# cf-page (e.g. --json, --concurrency 2).
#
# It builds what it runs and nothing more: the library and cf-page, optimised, in a build
# directory of its own (DEMO_BUILD_DIR, default build-demo/), without the tests that
# scripts/test.sh builds in build/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${DEMO_BUILD_DIR:-$root/build-demo}
"$root/scripts/setup.sh"
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCF_BUILD_TESTS=OFF \
  -DCF_BUILD_EXAMPLES=ON >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)" --target cf-page

site="$root/examples/sample-site"
prefix=$(mktemp -d)
nginx_pid=""
cleanup() {
  if [[ -n $nginx_pid ]]; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$prefix"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
{
  [[ $(id -u) == 0 ]] && echo "user root;"
  cat <<EOF
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  client_body_temp_path $prefix/body;
  proxy_temp_path $prefix/proxy;
  fastcgi_temp_path $prefix/fastcgi;
  uwsgi_temp_path $prefix/uwsgi;
  scgi_temp_path $prefix/scgi;
  server {
    listen 127.0.0.1:$port;
    server_name gallery.test;
    root $site;
  }
}
EOF
} >"$prefix/nginx.conf"
# /usr/sbin is not on every user's PATH (Debian's default for users leaves it out).
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
listening=""
for _ in $(seq 50); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    listening=yes
    break
  fi
  sleep 0.1
done
if [[ -z $listening ]]; then
  echo "demo: nginx did not start listening on 127.0.0.1:$port:" >&2
  cat "$prefix/error.log" >&2 2>/dev/null || true
  exit 1
fi

rm -rf "$build_dir/demo-page"
status=0
"$build_dir/examples/cf-page" --resolve "gallery.test:$port:127.0.0.1" \
  --save "$build_dir/demo-page" --har "$build_dir/demo-page.har" "$@" \
  "http://gallery.test:$port/" || status=$?
echo "demo: saved the page and its images in $build_dir/demo-page, the HAR in $build_dir/demo-page.har" >&2
exit "$status"
