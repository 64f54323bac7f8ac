#!/usr/bin/env bash
# logquery_bench.sh - the control command logs on a large store: how long
# smtprobe logs --daemon takes over N stored minute rows, and how long
# the daemon's other answers wait meanwhile (status asked in a loop; the
# query reads 2000 rows per turn of the loop, so they should not wait
# for it). By hand, never in CI:
#
#	bench/logquery_bench.sh [ROWS]		(default 1000000)
#
# Prints: rows, the query's wall time, rows/s, and the slowest and
# median status answer while it ran.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-1000000}
DIR=$(mktemp -d /tmp/logquery_bench.XXXXXX)
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT
mkdir "$DIR/state"
: >"$DIR/mail.log"
cat >"$DIR/d.conf" <<EOF
[daemon]
state-dir = $DIR/state
control-socket = $DIR/d.sock
store-max-size = 4G
[log mail]
path = $DIR/mail.log
EOF

# the schema, then the rows: 2000 domains, 4 statuses, a minute each
"$TOP/probe/smtprobed" -d -f "$DIR/d.conf" >"$DIR/d.log" 2>&1 &
PID=$!
for _ in $(seq 50); do
	"$TOP/probe/smtprobe" status -s "$DIR/d.sock" >/dev/null 2>&1 && break
	sleep 0.1
done
kill "$PID"
wait "$PID" 2>/dev/null
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
  FROM n;"

echo "database: $(stat -c %s "$DIR/state/smtprobed.db") bytes for $ROWS rows"
"$TOP/probe/smtprobed" -d -f "$DIR/d.conf" >>"$DIR/d.log" 2>&1 &
PID=$!
for _ in $(seq 50); do
	"$TOP/probe/smtprobe" status -s "$DIR/d.sock" >/dev/null 2>&1 && break
	sleep 0.1
done

t0=$(date +%s%N)
"$TOP/probe/smtprobe" logs --daemon --json -s "$DIR/d.sock" >"$DIR/out.json" &
Q=$!
: >"$DIR/lat"
while kill -0 "$Q" 2>/dev/null; do
	a=$(date +%s%N)
	"$TOP/probe/smtprobe" status -s "$DIR/d.sock" >/dev/null 2>&1
	b=$(date +%s%N)
	echo $(( (b - a) / 1000000 )) >>"$DIR/lat"
done
wait "$Q"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
sort -n "$DIR/lat" | awk -v rows="$ROWS" -v ms="$ms" '
	{ v[NR] = $1 }
	END {
		printf "rows %d: logs --daemon %d ms (%.0f rows/s); status while it ran: %d answers, median %d ms, slowest %d ms\n",
		    rows, ms, rows / (ms / 1000.0), NR, v[int((NR + 1) / 2)], v[NR]
	}'
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["logs"][0]["stored"]; print("stored rows read:", s["rows"], "domains shown:", len(s["domains"]), "truncated:", s["truncated"])' "$DIR/out.json"
