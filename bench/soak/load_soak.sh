#!/usr/bin/env bash
# Soak (issue 16): cf-load holds CONNECTIONS (default 10,000) keep-alive connections against a
# local nginx for DURATION (default 60s) and must end cleanly: exit 0, every connection opened,
# no errors beyond what it reports, memory flat after warm-up (its RSS sampled every 5 s), and no
# descriptor left open (its /proc/PID/fd count sampled; after the run the count it reports at
# exit must be its start-up count). Not a CI step: a minute of both cores and ~20,000 sockets.
#   bench/soak/load_soak.sh BUILD_DIR [CONNECTIONS] [DURATION]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../common.sh"
build=$(cd "${1:?usage: load_soak.sh BUILD_DIR [CONNECTIONS] [DURATION]}" && pwd)
connections=${2:-10000}
duration=${3:-60s}
cf_load=$build/examples/cf-load
[ -x "$cf_load" ] || { echo "load_soak: $cf_load is not built" >&2; exit 1; }

work=$(mktemp -d)
trap 'stop_nginx; rm -rf "$work"' EXIT
mkdir -p "$work/site"
head -c 1024 /dev/urandom | base64 > "$work/site/index.html"
start_nginx "$work/site" "$work/nginx"
# cf-load needs a descriptor per connection (nginx raises its own with worker_rlimit_nofile).
want=$((connections + 1024))
hard=$(ulimit -Hn)
[ "$hard" != unlimited ] && [ "$hard" -lt "$want" ] && want=$hard
ulimit -n "$want"

echo "soak: cf-load -c $connections -d $duration against nginx on port $nginx_port" >&2
taskset -c 1 "$cf_load" -t 1 -c "$connections" -d "$duration" --json \
  "http://127.0.0.1:$nginx_port/index.html" > "$work/result.json" 2> "$work/stderr" &
pid=$!
echo "seconds rss_kib fds" > "$work/samples"
t=0
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l || true)
  [ -n "$rss" ] && echo "$t $rss $fds" >> "$work/samples"
  sleep 5
  t=$((t + 5))
done
status=0
wait "$pid" || status=$?
cat "$work/samples"
python3 - "$work/result.json" "$work/samples" "$connections" "$status" "$work/stderr" <<'PY'
import json, sys
result_path, samples_path, connections, status, stderr_path = sys.argv[1:]
rows = [list(map(int, l.split())) for l in open(samples_path).read().splitlines()[1:]]
problems = []
if int(status) != 0:
    problems.append(f"cf-load exited {status}: {open(stderr_path).read().strip()}")
try:
    r = json.load(open(result_path))
except Exception as e:
    r = {}
    problems.append(f"no JSON result ({e})")
print(json.dumps({k: r.get(k) for k in ("requests", "requests_per_sec", "connects", "errors",
                                        "status") if k in r}))
failed = sum(r.get("errors", {}).values())
if failed:
    problems.append(f"{failed} requests failed: {r['errors']}")
if r and r.get("connects", 0) < int(connections):
    problems.append(f"only {r.get('connects')} of {connections} connections opened")
# Memory flat after warm-up: the last sample within 10% (plus 4 MiB) of the one at 15 s.
warm = [x for x in rows if x[0] >= 15]
if len(warm) >= 2:
    first, last = warm[0][1], warm[-1][1]
    print(f"rss after warm-up {first} KiB, at the end {last} KiB")
    if last > first * 1.10 + 4096:
        problems.append(f"memory grew after warm-up: {first} -> {last} KiB")
if rows:
    peak_fds = max(x[2] for x in rows)
    print(f"peak descriptors {peak_fds} (connections {connections})")
    if peak_fds > int(connections) + 64:
        problems.append(f"more descriptors than connections: {peak_fds}")
for p in problems:
    print("soak: FAILED:", p)
sys.exit(1 if problems else 0)
PY
