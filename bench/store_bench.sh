#!/usr/bin/env bash
# store_bench.sh - the store's write rate against SQLite alone, in one
# run. By hand, not by CI. See bench/README.md.
#
#	bench/store_bench.sh [-n RESULTS] [-r ROUNDS]
#
# ROUNDS (default 5) rounds, each: bench/out/sqlite_base (the rows of
# RESULTS session results, default 200 000, straight into SQLite, 500
# per transaction, one thread) and bench/out/store_bench (the same rows
# through lib/store.h: the queue, the writer thread, its batches of 500),
# in alternating order, each into a fresh database in the same directory
# (same disk). Then one store_bench run with reads while it writes (-R).
#
# Budget: the store's rate (median) at least 0.8 x SQLite's (median) in
# the same run.
#
# Needs "make" at the top. Output: bench/out/store/results.txt, the
# report on stdout and in bench/results/ (bench/lib.sh), PASS/FAIL per
# budget. The databases go to $TMPDIR (default /tmp): set it to the disk
# the daemon's state directory is on to measure that disk.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
N=${N:-200000}
ROUNDS=${ROUNDS:-5}
while getopts "n:r:" opt; do
	case $opt in
	n)	N=$OPTARG ;;
	r)	ROUNDS=$OPTARG ;;
	*)	echo "usage: bench/store_bench.sh [-n results] [-r rounds]" >&2
		exit 2 ;;
	esac
done

. "$TOP/tests/lib/common.sh"
. "$BENCH/lib.sh"

if [ ! -f "$TOP/lib/libsmtprobe.a" ]; then
	echo "bench: run make at the top first" >&2
	exit 1
fi
make -s -C "$BENCH" out/store_bench out/sqlite_base || exit 1

t_init store-bench
bench_begin store_bench "$@"
OUT=$BENCH/out/store
RES=$OUT/results.txt
rm -rf "$OUT"
mkdir -p "$OUT"
{
	echo "host.cpus=$(nproc)"
	echo "host.load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "host.sqlite=$(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
} >"$RES"

# run TAG K PROG ARGS...: one run into a fresh directory, its key=value
# lines renamed TAG.K.*; a failure is TAG.K.failed.
run() {
	local tag=$1 k=$2 prog=$3 d=$T_DIR/db.$1.$2
	shift 3
	mkdir -p "$d"
	"$BENCH/out/$prog" "$@" "$d" 2>>"$T_DIR/$prog.err" |
	    sed -E "s/^(store|base)\\./$tag.$k./" >>"$RES"
	[ "${PIPESTATUS[0]}" = 0 ] || echo "$tag.$k.failed=${PIPESTATUS[0]}" >>"$RES"
	rm -rf "$d"
}

for ((k = 1; k <= ROUNDS; k++)); do
	echo "# round $k/$ROUNDS: sqlite_base and store_bench, $N results each"
	if ((k % 2)); then
		run base "$k" sqlite_base -n "$N" -t 10000 -b 500
		run store "$k" store_bench -n "$N" -t 10000
	else
		run store "$k" store_bench -n "$N" -t 10000
		run base "$k" sqlite_base -n "$N" -t 10000 -b 500
	fi
done
echo "# store_bench with reads while writing"
run reads 0 store_bench -n "$N" -t 10000 -R
sed -i 's/^reads\.0\./reads./' "$RES"
echo "host.load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES"

echo
python3 "$BENCH/report.py" store "$RES" "$T_DIR/verdicts" | bench_report
bench_end
while IFS= read -r line; do
	case $line in
	PASS\ *)	pass "bench.${line#PASS }" ;;
	FAIL\ *)	name=${line#FAIL }
			fail "bench.${name%%:*}" "${name#*: }" ;;
	esac
done <"$T_DIR/verdicts"
