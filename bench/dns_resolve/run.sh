#!/usr/bin/env bash
# DNS resolution benchmark (bench/README.md "DNS resolution"): queries per second for
#   corofetch   resolver.async_query(name, A), cache off, 100 lookups in flight
#   cares       raw c-ares 1.18.1 ares_query + ares_parse_a_reply, 100 in flight, epoll loop
#   cares-deferred  the same, each next query started after ares_process_fd returns (what a
#               library that never runs user code inside a c-ares callback can do at best)
#   dnsperf     dnsperf -q 100 (one socket, 100 outstanding), same names
#   getaddrinfo glibc, AF_INET, from a pool of 64 threads
# all against one NSD pinned to CPU 0 (clients on CPU 1), alternating rounds (A B C D, D C B A,
# ...), median of the per-round ratios; then cached lookups per second and a burst of 10,000
# lookups started at once (timeouts must be 0).
#
# Usage: bench/dns_resolve/run.sh [BUILD_DIR]   (default /work/build-dns-bench, configured and
#        built here: Release, -DCF_MODULES=dns -DCF_BUILD_BENCH=ON). Needs root (NSD on port 53
#        of a private loopback address, and a private /etc/resolv.conf for glibc through a mount
#        namespace: glibc's resolver cannot use another port). Env: ROUNDS (5), NAMES (5000),
#        TOTAL (100000 lookups a measurement), GAI_TOTAL (20000), BURST (10000).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-/work/build-dns-bench}
rounds=${ROUNDS:-5}
names=${NAMES:-5000}
total=${TOTAL:-100000}
gai_total=${GAI_TOTAL:-20000}
burst=${BURST:-10000}
address=127.53.0.1
server_cpu=0
client_cpu=1

for tool in nsd dnsperf dig taskset unshare python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 2; }
done
if [[ $(id -u) != 0 ]]; then
  echo "run.sh: needs root (port 53 on $address, a private resolv.conf for getaddrinfo)" >&2
  exit 2
fi

# glibc reads /etc/resolv.conf; give this script (and only it) one naming our server.
if [[ -z ${CF_DNS_BENCH_NAMESPACE:-} ]]; then
  exec unshare -m env CF_DNS_BENCH_NAMESPACE=1 bash "$0" "$@"
fi

bench=$build/bench/dns_resolve/bench_dns_resolve
if [[ ! -x $bench || $root/bench/dns_resolve/main.cpp -nt $bench ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCF_MODULES=dns \
    -DCF_BUILD_BENCH=ON -DCF_BUILD_TESTS=OFF -DCF_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$build" --target bench_dns_resolve -j2 >/dev/null
fi

work=$(mktemp -d /tmp/cf-dns-bench-XXXXXX)
nsd_pid=
cleanup() {
  if [[ -n $nsd_pid ]]; then
    kill "$nsd_pid" 2>/dev/null || true
    wait "$nsd_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A zone of max(NAMES, BURST) A records h00000.bench.test ... (TTL 1 h, so cached lookups stay
# cached), dnsperf's input over the first NAMES, another over all of them for the burst.
count=$(( names > burst ? names : burst ))
{
  echo '$ORIGIN bench.test.'
  echo '$TTL 3600'
  echo '@ IN SOA ns1.bench.test. hostmaster.bench.test. 1 7200 900 1209600 300'
  echo '@ IN NS ns1.bench.test.'
  echo 'ns1 IN A 127.0.0.1'
  for ((i = 0; i < count; i++)); do
    printf 'h%05d IN A 127.%d.%d.%d\n' "$i" $(( (i >> 16) & 255 )) $(( (i >> 8) & 255 )) $(( i & 255 ))
  done
} >"$work/bench.zone"
for ((i = 0; i < count; i++)); do printf 'h%05d.bench.test A\n' "$i"; done >"$work/all.txt"
head -n "$names" "$work/all.txt" >"$work/names.txt"

cat >"$work/nsd.conf" <<EOF
server:
  ip-address: $address@53
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$work"
  database: ""
  pidfile: "$work/nsd.pid"
  logfile: "$work/nsd.log"
  xfrdfile: "$work/xfrd.state"
  xfrdir: "$work"
  zonelistfile: "$work/zone.list"
  server-count: 1
  verbosity: 0
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "bench.test"
  zonefile: "bench.zone"
EOF
taskset -c "$server_cpu" nsd -d -c "$work/nsd.conf" >"$work/nsd.out" 2>&1 &
nsd_pid=$!
for ((i = 0; i < 100; i++)); do
  dig @"$address" +tries=1 +time=1 +short h00000.bench.test A 2>/dev/null | grep -q . && break
  sleep 0.1
done
dig @"$address" +tries=1 +time=1 +short h00000.bench.test A | grep -q . ||
  { echo "run.sh: nsd did not start:" >&2; cat "$work/nsd.out" >&2; exit 2; }

echo "nameserver $address" >"$work/resolv.conf"
echo "options timeout:2 attempts:2" >>"$work/resolv.conf"
mount --bind "$work/resolv.conf" /etc/resolv.conf

client() { taskset -c "$client_cpu" "$@"; }

# Each function prints one "mode=... qps=..." line.
run_dnsperf() {
  local passes=$(( (total + names - 1) / names ))
  local out
  out=$(client dnsperf -s "$address" -p 53 -d "$work/names.txt" -c 1 -q 100 -n "$passes" -t 2 2>&1)
  local qps lost sent completed
  qps=$(awk '/Queries per second/ {print $4}' <<<"$out")
  sent=$(awk '/Queries sent:/ {print $3}' <<<"$out")
  completed=$(awk '/Queries completed:/ {print $3}' <<<"$out")
  lost=$(awk '/Queries lost:/ {print $3}' <<<"$out")
  echo "mode=dnsperf queries=$completed sent=$sent timeouts=$lost qps=$qps"
}
run_bench() {
  local mode=$1
  shift
  client "$bench" --mode "$mode" --server "$address:53" --names "$work/names.txt" "$@"
}

log=$work/results.txt
: >"$log"
order=(dnsperf corofetch cares cares-deferred getaddrinfo)
for ((round = 1; round <= rounds; round++)); do
  if ((round % 2 == 0)); then
    sequence=("${order[@]}")
  else
    sequence=()
    for ((k = ${#order[@]} - 1; k >= 0; k--)); do sequence+=("${order[k]}"); done
  fi
  for what in "${sequence[@]}"; do
    case $what in
      dnsperf) line=$(run_dnsperf) ;;
      corofetch | cares | cares-deferred) line=$(run_bench "$what" --total "$total" --outstanding 100) ;;
      getaddrinfo) line=$(run_bench getaddrinfo --total "$gai_total" --threads 64) ;;
    esac
    echo "round=$round $line" | tee -a "$log"
  done
  line=$(run_bench resolve --total "$total" --outstanding 100)
  echo "round=$round $line" | tee -a "$log"
  line=$(run_bench cached --total 2000000)
  echo "round=$round $line" | tee -a "$log"
done
line=$(client "$bench" --mode burst --server "$address:53" --names "$work/all.txt" --total "$burst")
echo "round=1 $line" | tee -a "$log"

python3 - "$log" <<'EOF'
import statistics, sys
rows = []
for line in open(sys.argv[1]):
    rows.append(dict(kv.split("=", 1) for kv in line.split()))
def values(mode, key="qps"):
    return {int(r["round"]): float(r[key]) for r in rows if r["mode"] == mode and key in r}
modes = ("dnsperf", "corofetch", "cares", "cares-deferred", "getaddrinfo", "resolve", "cached", "burst")
qps = {m: values(m) for m in modes}
cpu = {m: values(m, "cpu_us_per_query") for m in modes if m != "dnsperf"}
def med(d): return statistics.median(d.values()) if d else float("nan")
def ratio(a, b):
    common = sorted(set(qps[a]) & set(qps[b]))
    return statistics.median(qps[a][r] / qps[b][r] for r in common) if common else float("nan")
print()
print("| client | median queries/s | client CPU us/query |")
print("|---|---|---|")
for m, label in (("corofetch", "corofetch async_query (cache off)"), ("resolve", "corofetch async_resolve IPv4 (cache off)"),
                 ("cares", "raw c-ares ares_query"), ("cares-deferred", "raw c-ares, next query after ares_process_fd"),
                 ("dnsperf", "dnsperf -q 100"),
                 ("getaddrinfo", "glibc getaddrinfo, 64 threads"), ("cached", "corofetch cached lookups"),
                 ("burst", "corofetch, 10,000 at once")):
    c = f"{med(cpu[m]):.2f}" if m in cpu and cpu[m] else "-"
    print(f"| {label} | {med(qps[m]):,.0f} | {c} |")
print()
print(f"median ratios: corofetch/dnsperf {ratio('corofetch', 'dnsperf'):.2f}x, "
      f"corofetch/cares {ratio('corofetch', 'cares'):.2f}x, corofetch/cares-deferred {ratio('corofetch', 'cares-deferred'):.2f}x, cares/dnsperf {ratio('cares', 'dnsperf'):.2f}x, "
      f"corofetch/getaddrinfo {ratio('corofetch', 'getaddrinfo'):.1f}x, resolve/getaddrinfo {ratio('resolve', 'getaddrinfo'):.1f}x")
bad = [r for r in rows if int(float(r.get("timeouts", 0))) or int(float(r.get("errors", 0)))]
burst = [r for r in rows if r["mode"] == "burst"]
for r in burst:
    print(f"burst: {r['queries']} lookups started at once, ok={r['ok']} timeouts={r['timeouts']} errors={r['errors']} in {float(r['seconds']):.2f} s")
print("runs with timeouts or errors:", len(bad))
for r in bad: print("  ", " ".join(f"{k}={v}" for k, v in r.items()))
EOF
