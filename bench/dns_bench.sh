#!/usr/bin/env bash
# dns_bench.sh - the resolver's throughput on one core
# against a local authoritative server. By hand, not by CI. See
# bench/README.md.
#
#	bench/dns_bench.sh [-r RUNS] [-n UNCACHED] [-c CACHED]
#
# Budgets: >= 20 000 cached and >= 2 000 uncached look-ups per second.
#
# A private NSD (tests/lib/nsd.sh) on 127.0.0.1 serves dnsb.example with
# UNCACHED (default 50 000) generated names q0 ... and www. The
# benchmark programs are pinned to one CPU (taskset), NSD's processes to
# another when the machine has two or more. Rows (bench/out/dns_bench,
# 64 look-ups outstanding unless said):
#	cached		CACHED look-ups of www.dnsb.example, all from the cache
#	cached-5000	CACHED look-ups cycling over 5 000 cached names
#	uncached	UNCACHED distinct names: each one a query to NSD
#	uncached p=1	the same one at a time (latency bound)
# and the baseline, measured in the same run: bench/out/udp_flood, the
# same queries written by hand into a UDP socket with the same
# parallelism (what NSD and loopback allow, next to no client work).
# Each row is the median of RUNS (default 3) runs; "core rate" is 1 / the
# CPU time (user + system) the resolver's process spent per look-up:
# the rate one core would sustain if the server were never the limit.
#
# Needs root (NSD), nsd, taskset and tests/tools/dnsq. Output:
# bench/out/dns/results.txt, the report on stdout and in bench/results/
# (bench/lib.sh), PASS/FAIL per budget.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
RUNS=${RUNS:-3}
UNC=${UNC:-50000}
CACHED=${CACHED:-200000}
while getopts "c:n:r:" opt; do
	case $opt in
	c)	CACHED=$OPTARG ;;
	n)	UNC=$OPTARG ;;
	r)	RUNS=$OPTARG ;;
	*)	echo "usage: bench/dns_bench.sh [-r runs] [-n uncached] [-c cached]" >&2
		exit 2 ;;
	esac
done
. "$TOP/tests/lib/common.sh"
. "$T_LIB/nsd.sh"
. "$BENCH/lib.sh"

if [ ! -f "$TOP/lib/libsmtprobe.a" ] || [ ! -x "$TOP/tests/tools/dnsq" ]; then
	echo "bench: run make and make tests/tools/dnsq at the top first" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v nsd >/dev/null ||
    ! command -v taskset >/dev/null; then
	echo "bench: needs root, nsd and taskset" >&2
	exit 1
fi
make -s -C "$BENCH" out/dns_bench out/udp_flood || exit 1

t_init dns-bench
bench_begin dns_bench "$@"
OUT=$BENCH/out/dns
RES=$OUT/results.txt
rm -rf "$OUT"
mkdir -p "$OUT"
: >"$RES"
T0=$(date +%s)
note() {
	echo "# [$(( $(date +%s) - T0 ))s] $*"
}

# CPUs: the client on the last one, NSD on the first
NCPU=$(nproc)
CPU_CLIENT=$((NCPU - 1))
CPU_NSD=0
[ "$NCPU" -lt 2 ] && echo "# one CPU only: client and NSD share it"

note "zone dnsb.example with $UNC names, NSD"
Z=$T_DIR/dnsb.example.zone
{
	# shellcheck disable=SC2016
	printf '$ORIGIN dnsb.example.\n$TTL 3600\n'
	printf '@\tSOA\tns hostmaster 1 3600 900 604800 60\n@\tNS\tns\n'
	printf 'ns\tA\t127.0.0.1\nwww\tA\t192.0.2.1\n'
	awk -v n="$UNC" 'BEGIN { for (i = 0; i < n; i++)
	    printf "q%d\tA\t192.0.2.%d\n", i, i % 250 + 1 }'
} >"$Z"
nsd_setup "$T_DIR/nsd" "$(free_port)" || { fail dns-bench.setup nsd_setup; exit 1; }
nsd_zone dnsb.example "$Z"
nsd_start 2>"$T_DIR/nsd-start.log" ||
    { T_SHOW_LOGS+=("$T_DIR/nsd-start.log"); fail dns-bench.setup "NSD did not start"; exit 1; }

# pin NSD and every process it started (its server child, xfrd)
pin_tree() {
	local pid=$1 cpu=$2 c
	taskset -a -pc "$cpu" "$pid" >/dev/null 2>&1
	for c in $(awk -v p="$pid" '$4 == p { print $1 }' /proc/[0-9]*/stat 2>/dev/null); do
		pin_tree "$c" "$cpu"
	done
}
[ "$NCPU" -ge 2 ] && pin_tree "$NSD_PID" "$CPU_NSD"
echo "host.cpus=$NCPU" >>"$RES"
echo "host.load_before=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES"

PIN=(taskset -c "$CPU_CLIENT")
DB=("${PIN[@]}" "$BENCH/out/dns_bench" -s "$NSD_ADDR" -r "$RUNS")
step() {	# step NAME CMD...: output appended to the results
	local name=$1
	shift
	"$@" >>"$RES" 2>"$T_DIR/$name.err" || {
		echo "$name.failed=$?" >>"$RES"
		sed 's/^/#   /' "$T_DIR/$name.err" | tail -n 5
	}
}
note "baseline: raw UDP queries, $UNC names, 64 outstanding"
step raw "${PIN[@]}" "$BENCH/out/udp_flood" -a 127.0.0.1 -P "$NSD_PORT" \
    -p 64 -r "$RUNS" -t raw 'q%ld.dnsb.example' "$UNC"
note "baseline: raw UDP queries one at a time"
step raw1 "${PIN[@]}" "$BENCH/out/udp_flood" -a 127.0.0.1 -P "$NSD_PORT" \
    -p 1 -r "$RUNS" -t raw1 'q%ld.dnsb.example' "$((UNC / 5))"
note "lib/dns uncached: $UNC distinct names, 64 outstanding"
step unc "${DB[@]}" -p 64 -t unc uncached 'q%ld.dnsb.example' "$UNC"
note "lib/dns uncached one at a time"
step unc1 "${DB[@]}" -p 1 -t unc1 uncached 'q%ld.dnsb.example' "$((UNC / 5))"
note "lib/dns cached: one name x $CACHED"
step cached "${DB[@]}" -p 64 -t cached cached www.dnsb.example "$CACHED"
note "lib/dns cached: 5000 names x $CACHED"
step cmany "${DB[@]}" -p 64 -t cmany cachedmany 'q%ld.dnsb.example' 5000 "$CACHED"
note "lib/dns cached one at a time"
step cached1 "${DB[@]}" -p 1 -t cached1 cached www.dnsb.example "$CACHED"
echo "host.load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES"
note "done"

echo
python3 "$BENCH/report.py" dns "$RES" "$T_DIR/verdicts" | bench_report
bench_end
while IFS= read -r line; do
	case $line in
	PASS\ *)	pass "bench.${line#PASS }" ;;
	FAIL\ *)	name=${line#FAIL }
			fail "bench.${name%%:*}" "${name#*: }" ;;
	esac
done <"$T_DIR/verdicts"
