#!/usr/bin/env bash
# replydb_bench.sh - what naming a refusal costs: the knowledge base of
# refusals against parsing the same replies and against matching every
# pattern, in one run (bench/replydb_bench.c says how). By hand, not by
# CI. See bench/README.md.
#
#	bench/replydb_bench.sh [-n ROUNDS]
#
# Budgets: under 2 us per reply classified, no allocation. Run "make" at
# the top first. Output: bench/out/replydb/results.txt, the report on
# stdout and in bench/results/ (bench/lib.sh).

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
ROUNDS=${ROUNDS:-500}
while getopts "n:" opt; do
	case $opt in
	n)	ROUNDS=$OPTARG ;;
	*)	echo "usage: bench/replydb_bench.sh [-n rounds]" >&2
		exit 2 ;;
	esac
done

. "$TOP/tests/lib/common.sh"
. "$BENCH/lib.sh"

if [ ! -f "$TOP/lib/libsmtprobe.a" ]; then
	echo "bench: run make at the top first" >&2
	exit 1
fi
make -s -C "$BENCH" out/replydb_bench out/malloc_count.so || exit 1

t_init replydb-bench
bench_begin replydb_bench "$@"
OUT=$BENCH/out/replydb
RES=$OUT/results.txt
mkdir -p "$OUT"
{
	echo "host.cpus=$(nproc)"
	echo "host.load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RES"
# "replydb k=v k=v" lines, one key=value a line
LD_PRELOAD="$BENCH/out/malloc_count.so" "$BENCH/out/replydb_bench" \
    -n "$ROUNDS" 2>"$T_DIR/replydb.err" | tr ' ' '\n' | grep = |
    sed 's/^/replydb./' >>"$RES"
[ "${PIPESTATUS[0]}" = 0 ] || echo "replydb.failed=${PIPESTATUS[0]}" >>"$RES"
echo "host.load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES"

python3 "$BENCH/report.py" replydb "$RES" "$T_DIR/verdicts" | bench_report
bench_end
while IFS= read -r line; do
	case $line in
	PASS\ *)	pass "bench.${line#PASS }" ;;
	FAIL\ *)	name=${line#FAIL }
			fail "bench.${name%%:*}" "${name#*: }" ;;
	esac
done <"$T_DIR/verdicts"
