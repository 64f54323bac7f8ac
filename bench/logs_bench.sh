#!/usr/bin/env bash
# logs_bench.sh - smtprobe logs on a generated Postfix log: lines per
# second on one core and peak RSS, against pflogsumm on the same file in
# the same run. Run by hand, never by CI:
#
#	make && bench/logs_bench.sh [SIZE_MB]	(default 1024: a 1 GiB log)
#
# Needs python3, pflogsumm and GNU time (/usr/bin/time). The log is
# written to $TMPDIR (removed afterwards unless KEEP=1), read once first
# so both readers find it in the page cache. smtprobe logs runs
# single-threaded: its CPU time is its time on one core. Output:
# bench/out/logs/results.txt (key=value), the report on stdout and in
# bench/results/ (bench/lib.sh); exit 1 when a budget fails.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
SIZE=${1:-1024}
SMTPROBE=${SMTPROBE:-./probe/smtprobe}
[ -x "$SMTPROBE" ] || { echo "build first: make" >&2; exit 2; }
command -v pflogsumm >/dev/null || { echo "needs pflogsumm" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/smtprobe-logbench.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
log=$work/mail.log
bench_begin logs_bench "$@"
OUT=bench/out/logs
RES=$OUT/results.txt
mkdir -p "$OUT"

echo "# generating a ${SIZE} MiB Postfix log"
python3 bench/maillog_gen.py "$SIZE" "$log"
lines=$(wc -l <"$log")
bytes=$(stat -c %s "$log")
cat "$log" >/dev/null

# run NAME CMD...: GNU time's wall, user, system and max RSS
run() {
	local name=$1
	shift
	/usr/bin/time -f "$name wall=%e user=%U sys=%S maxrss_kb=%M" \
	    -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" ||
	    true
	cat "$work/$name.time"
}

echo "# $lines lines, $bytes bytes"
run smtprobe "$SMTPROBE" logs --json "$log"
run pflogsumm pflogsumm "$log"
{
	echo "lines=$lines"
	echo "bytes=$bytes"
	# GNU time's line is the last ("Command exited ..." may come first)
	for who in smtprobe pflogsumm; do
		tail -n 1 "$work/$who.time" | tr ' ' '\n' | sed -n "s/^/$who./p" |
		    grep =
	done
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["lines"]
print("read=%d\nunparsable=%d" % (d["read"], d["unparsable"]))' \
	    "$work/smtprobe.out"
} >"$RES"
echo
python3 bench/report.py logs "$RES" "$work/verdicts" | bench_report
bench_end
! grep -q '^FAIL' "$work/verdicts"
