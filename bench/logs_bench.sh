#!/usr/bin/env bash
# logs_bench.sh - smtprobe logs on a generated Postfix log (issue 13,
# item 5): lines per second on one core and peak RSS, against pflogsumm
# on the same file in the same run. Run by hand, never by CI:
#
#	make && bench/logs_bench.sh [SIZE_MB]	(default 1024: a 1 GiB log)
#
# Needs python3, pflogsumm and GNU time (/usr/bin/time). The log is
# written to $TMPDIR (removed afterwards unless KEEP=1), read once first
# so both readers find it in the page cache. smtprobe logs runs
# single-threaded: its CPU time is its time on one core.
set -eu
cd "$(dirname "$0")/.."
SIZE=${1:-1024}
SMTPROBE=${SMTPROBE:-./probe/smtprobe}
[ -x "$SMTPROBE" ] || { echo "build first: make" >&2; exit 2; }
command -v pflogsumm >/dev/null || { echo "needs pflogsumm" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/smtprobe-logbench.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
log=$work/mail.log

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
python3 - "$lines" "$work/smtprobe.time" "$work/pflogsumm.time" \
    "$work/smtprobe.out" <<'PY'
import json, sys
lines = int(sys.argv[1])
def kv(path):
    # GNU time's line is the last ("Command exited ..." may come first)
    f = open(path).read().splitlines()[-1].split()
    return {k: float(v) for k, v in (x.split("=") for x in f[1:])}
s, p = kv(sys.argv[2]), kv(sys.argv[3])
doc = json.load(open(sys.argv[4]))
cpu_s = s["user"] + s["sys"]
cpu_p = p["user"] + p["sys"]
print("lines                 %d (read by smtprobe: %d, unparsable %d)" % (
    lines, doc["lines"]["read"], doc["lines"]["unparsable"]))
print("smtprobe logs         %.2f s wall, %.2f s CPU, %.0f lines/s (CPU), "
      "peak RSS %.1f MiB" % (s["wall"], cpu_s, lines / cpu_s,
                             s["maxrss_kb"] / 1024))
print("pflogsumm             %.2f s wall, %.2f s CPU, %.0f lines/s (CPU), "
      "peak RSS %.1f MiB" % (p["wall"], cpu_p, lines / cpu_p,
                             p["maxrss_kb"] / 1024))
print("smtprobe / pflogsumm  %.1fx lines/s" % (cpu_p / cpu_s))
print("budget                >= 1e6 lines/s, >= 10x pflogsumm, < 64 MiB")
PY
