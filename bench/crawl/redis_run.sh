#!/usr/bin/env bash
# Distributed crawl through Redis: 1, 2 and 4 workers (redis_bench processes, each its own
# event loop, client and Redis connection) crawl one job on a delayed origin
# (bench_crawl_origin: 20 ms a response, 50 host names), against one redis-server (no
# persistence). For each count: pages/s and its ratio to one worker; Redis commands a page sent
# by the workers (client side: EVALSHA mostly); round trips a page (writes of pipelined
# commands, client side); operations Redis ran a page (INFO commandstats, which also counts the
# calls inside the Lua scripts); Redis memory a seen URL (INFO memory after the crawl: the
# queues are empty then, so it is the seen-set and the hosts' state, plus fixed costs such as
# the scripts) and the seen-set's own keys a seen URL (MEMORY USAGE). Then a kill: two workers,
# one killed with SIGKILL in the middle; how long until its leased URLs were taken again, and
# whether any was lost.
#
# What bounds the speed-up on this site, whatever the workers: host K is first linked from host
# K-1's first page, so the hosts are found one after another (each one robots.txt and one page,
# about 45 ms, later than the one before), and each host's PAGES pages take at least PAGES /
# PER_HOST x DELAY. With the defaults the last host starts after about 2.2 s and needs 2 s,
# while one worker at CONCURRENCY 32 needs 10000 / (32 / 20 ms) = 6.25 s at best: 2 workers can
# be at most about 1.5x one on it, on an idle machine. More PAGES lift that bound.
#
# Build:  cmake -S . -B build-bench -G Ninja -DCF_BUILD_BENCH=ON
#         ninja -C build-bench redis_bench bench_crawl_origin
# Run:    BUILD_DIR=build-bench bench/crawl/redis_run.sh
# Knobs:  PAGES (per host, 200), HOSTS (50), DELAY (ms, 20), CONCURRENCY (per worker, 32),
#         PER_HOST (2), WORKERS ("1 2 4"), LEASE (s, for the kill, 3)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
bin=$build/bench/crawl/redis_bench
origin_bin=$build/bench/crawl/bench_crawl_origin
pages=${PAGES:-200}
hosts=${HOSTS:-50}
delay=${DELAY:-20}
concurrency=${CONCURRENCY:-32}
per_host=${PER_HOST:-2}
workers=${WORKERS:-"1 2 4"}
lease=${LEASE:-3}
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"

for f in "$bin" "$origin_bin"; do
  [ -x "$f" ] || { echo "redis_run: build $f first (see the top of this script)" >&2; exit 1; }
done
command -v redis-server >/dev/null || { echo "redis_run: redis-server is not installed" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$work" \
  --daemonize no --logfile "$work/redis.log" &
pids+=($!)
cli() { redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }
for _ in $(seq 100); do cli PING >/dev/null 2>&1 && break; sleep 0.05; done
redis_url="redis://127.0.0.1:$redis_port/0"

"$origin_bin" --delay-ms "$delay" --hosts "$hosts" --pages "$pages" > "$work/origin.out" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/origin.out" ] && break; sleep 0.05; done
read -r origin_port < "$work/origin.out"
expected=$(( hosts * pages ))  # every page of every host is reachable from h0's /p/0.html
echo "origin: $hosts hosts x $pages pages = $expected URLs, ${delay} ms a response"
echo "workers: concurrency $concurrency each, per-host $per_host (all workers together)"

info_field() { cli INFO "$1" | tr -d '\r' | awk -F: -v k="$2" '$1 == k { print $2 }'; }
commands_total() {
  cli INFO commandstats | tr -d '\r' |
    awk -F'[:=,]' '/^cmdstat_/ && $1 != "cmdstat_info" && $1 != "cmdstat_config" { s += $3 } END { print s + 0 }'
}
json_sum() {  # FIELD FILE...: the sum of a numeric field over the workers' JSON lines
  _key=$1
  shift
  awk -v k="\"$_key\":" '{ i = index($0, k); if (i) { v = substr($0, i + length(k)); s += v + 0 } } END { print s + 0 }' "$@"
}
reset_job() { cli --scan --pattern "cf:{$1}:*" | xargs -r -n 500 redis-cli -h 127.0.0.1 -p "$redis_port" UNLINK >/dev/null; }

start_worker() {  # job id lease out
  "$bin" --redis "$redis_url" --job "$1" --port "$origin_port" --hosts "$hosts" \
    --concurrency "$concurrency" --per-host "$per_host" --id "$2" --lease "$3" \
    --expected "$expected" > "$4" &
}

printf '\n%-8s %7s %8s %8s %7s %10s %11s %10s %11s %11s\n' workers pages seconds pages/s ratio \
  "cmds/page" "rtrips/page" "ops/page" "B/seen-url" "seen-set B"
base_rate=""
for w in $workers; do
  job="bench-$w"
  reset_job "$job"
  cli CONFIG RESETSTAT >/dev/null
  mem_before=$(info_field memory used_memory)
  start=$(date +%s.%N)
  run_pids=()
  for i in $(seq "$w"); do
    start_worker "$job" "$i" 60 "$work/run-$w-$i.json"
    run_pids+=($!)
  done
  for p in "${run_pids[@]}"; do wait "$p" || { echo "redis_run: a worker failed" >&2; exit 1; }; done
  end=$(date +%s.%N)
  got=$(json_sum pages "$work"/run-"$w"-*.json)
  trips=$(json_sum round_trips "$work"/run-"$w"-*.json)
  sent=$(json_sum commands "$work"/run-"$w"-*.json)
  ops=$(commands_total)
  mem_after=$(info_field memory used_memory)
  seen=$(cli HGET "cf:{$job}:stats" seen)
  # The seen-set alone: MEMORY USAGE of its bucket keys.
  set_bytes=$(cli --scan --pattern "cf:{$job}:s:*" | awk '{ print "MEMORY USAGE " $0 " SAMPLES 0" }' |
    cli | awk '{ s += $1 } END { print s + 0 }')
  [ "$got" -eq "$expected" ] || echo "redis_run: $w workers fetched $got of $expected URLs" >&2
  rate=$(echo "$got / ($end - $start)" | bc -l)
  [ -n "$base_rate" ] || base_rate=$rate
  printf '%-8s %7s %8.2f %8.0f %6.2fx %10.2f %11.2f %10.1f %11.1f %11.1f\n' "$w" "$got" \
    "$(echo "$end - $start" | bc -l)" "$rate" "$(echo "$rate / $base_rate" | bc -l)" \
    "$(echo "$sent / $got" | bc -l)" "$(echo "$trips / $got" | bc -l)" "$(echo "$ops / $got" | bc -l)" \
    "$(echo "($mem_after - $mem_before) / $seen" | bc -l)" "$(echo "$set_bytes / $seen" | bc -l)"
  reset_job "$job"
done

# A worker killed with SIGKILL a third of the way: the other finishes, its leases included.
job="bench-kill"
reset_job "$job"
start_worker "$job" 1 "$lease" "$work/kill-1.json"
victim=$!
start_worker "$job" 2 "$lease" "$work/kill-2.json"
survivor=$!
until [ "$(cli HGET "cf:{$job}:stats" fetched)" -ge $(( expected / 3 )) ] 2>/dev/null; do sleep 0.05; done
kill -9 "$victim"
killed_at=$(date +%s.%N)
sleep 0.1  # the survivor's own leases turn over; what stays out past the lease is the victim's
held=$(cli HGET "cf:{$job}:stats" leased)
until [ "$(cli HGET "cf:{$job}:stats" expired || echo 0)" -ge 1 ] 2>/dev/null; do sleep 0.02; done
recovered_at=$(date +%s.%N)
wait "$survivor" || { echo "redis_run: the surviving worker failed" >&2; exit 1; }
finished_at=$(date +%s.%N)
fetched=$(cli HGET "cf:{$job}:stats" fetched)
failed=$(cli HGET "cf:{$job}:stats" failed)
expired=$(cli HGET "cf:{$job}:stats" expired)
echo
echo "kill: leases out at the kill $held (both workers), expired and queued again $expired;"
printf 'kill: first expired lease queued again %.2f s after the kill (lease %s s); crawl done %.2f s after\n' \
  "$(echo "$recovered_at - $killed_at" | bc -l)" "$lease" "$(echo "$finished_at - $killed_at" | bc -l)"
echo "kill: URLs ended $(( fetched + failed )) of $expected: $([ $(( fetched + failed )) -eq "$expected" ] && echo nothing lost || echo LOST SOME)"
