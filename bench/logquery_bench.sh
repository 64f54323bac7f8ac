#!/usr/bin/env bash
# logquery_bench.sh - the control command logs on a large store: how long
# smtprobe logs --daemon takes over ROWS stored minute rows, whether it
# reads every one, and how long the daemon's other answers wait meanwhile
# (status asked in a loop; the query reads 2000 rows per turn of the
# loop, so they should not wait for it). Run by hand, never by CI:
#
#	make && bench/logquery_bench.sh [ROWS]	(default 1000000)
#
# Needs sqlite3 (no root). The store is written in $TMPDIR (removed
# afterwards unless KEEP=1). Output: bench/out/logquery/results.txt
# (key=value), the report on stdout and in bench/results/
# (bench/lib.sh); exit 1 when a budget fails.
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
ROWS=${1:-1000000}
SMTPROBE=./probe/smtprobe
SMTPROBED=./probe/smtprobed
[ -x "$SMTPROBE" ] && [ -x "$SMTPROBED" ] ||
    { echo "build first: make" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "needs sqlite3" >&2; exit 2; }
DIR=$(mktemp -d "${TMPDIR:-/tmp}/smtprobe-logquery.XXXXXX")
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	[ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"
}
trap cleanup EXIT
bench_begin logquery_bench "$@"
OUT=bench/out/logquery
RES=$OUT/results.txt
mkdir -p "$OUT" "$DIR/state"
: >"$DIR/mail.log"
cat >"$DIR/d.conf" <<EOF
[daemon]
state-dir = $DIR/state
control-socket = $DIR/d.sock
store-max-size = 4G
[log mail]
path = $DIR/mail.log
EOF

start() {
	"$SMTPROBED" -d -f "$DIR/d.conf" >>"$DIR/d.log" 2>&1 &
	PID=$!
	for _ in $(seq 50); do
		"$SMTPROBE" status -s "$DIR/d.sock" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "smtprobed did not answer; its log:" >&2
	cat "$DIR/d.log" >&2
	exit 1
}

# the schema, then the rows: 2000 domains, 4 statuses, a minute each
start
kill "$PID"
wait "$PID" 2>/dev/null
PID=
now=$(date +%s)
sqlite3 "$DIR/state/smtprobed.db" "
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS - 1)
INSERT INTO log_minutes (log, minute, direction, domain, status, cause, count, sample)
SELECT 'mail', $now - 86400 + (i / 8000) * 60, 'out', 'd' || (i % 2000) || '.example',
       CASE (i / 2000) % 4 WHEN 0 THEN 'sent' WHEN 1 THEN 'deferred'
            WHEN 2 THEN 'bounced' ELSE 'expired' END,
       CASE (i / 2000) % 4 WHEN 0 THEN '' ELSE 'policy.greylisted' END,
       1 + i % 7, CASE (i / 2000) % 4 WHEN 0 THEN NULL
            ELSE '450 4.2.0 Greylisted, see http://postgrey.example/' END
  FROM n;" || exit 1
echo "# $ROWS rows stored, $(stat -c %s "$DIR/state/smtprobed.db") bytes"
start

t0=$(date +%s%N)
"$SMTPROBE" logs --daemon --json -s "$DIR/d.sock" >"$DIR/out.json" &
Q=$!
: >"$DIR/lat"
while kill -0 "$Q" 2>/dev/null; do
	a=$(date +%s%N)
	"$SMTPROBE" status -s "$DIR/d.sock" >/dev/null 2>&1
	b=$(date +%s%N)
	echo $(((b - a) / 1000000)) >>"$DIR/lat"
done
wait "$Q"
t1=$(date +%s%N)
{
	echo "rows=$ROWS"
	echo "db_bytes=$(stat -c %s "$DIR/state/smtprobed.db")"
	echo "query_ms=$(((t1 - t0) / 1000000))"
	echo "status_ms=$(paste -sd, "$DIR/lat")"
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["logs"][0]["stored"]
print("read=%d\ndomains=%d\ntruncated=%s" % (s["rows"], len(s["domains"]),
      s["truncated"]))' "$DIR/out.json"
} >"$RES"
echo
python3 bench/report.py logquery "$RES" "$DIR/verdicts" | bench_report
bench_end
! grep -q '^FAIL' "$DIR/verdicts"
