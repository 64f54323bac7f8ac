#!/usr/bin/env bash
# limits.sh - smtprobed starved of descriptors, never lying about it.
#
#	limits.fd.unknown.*	the descriptor limit of a running daemon lowered
#				(prlimit --pid) below what it holds: its runs
#				cannot start a session, are unknown in status,
#				targets and show, and an alert open for a closed
#				port is neither cleared (no RECOVERED while the
#				port is still closed) nor raised again; the
#				limit given back, the runs look again and the
#				alert is the same one
#	limits.fd.accept-paused.* meanwhile, control clients and /metrics
#				scrapes keep coming: both listeners pause
#				accepting and say so once each (no flood of
#				accept() errors, no spinning), and serve the
#				waiting clients once the limit is given back
#	limits.fd.raised	the soft limit is raised to the hard one at start
#	limits.fd.low.*		started with few descriptors (soft = hard), the
#				daemon shares them out: fewer runs at once, and
#				a flood of control clients cannot take those the
#				probes need
#	limits.metrics.slowloris.* 200 connections to /metrics that send a
#				header byte a second and never end their
#				request: scrapes are answered at once all the
#				while, the probes keep their pace, and no such
#				connection outlives the deadline of a request
#	limits.ctl.history.*	a history of 10 000 sessions: a request gets one
#				page (100 rows, well under a client's output
#				bound) and a cursor; readers that never read
#				hold a page each, and status is answered at
#				once meanwhile; smtprobe history --limit 10000
#				pages through it all
#	limits.ctl.reload-queued a probe queued behind a running run is told at
#				once when a reload removes its target
#	limits.ctl.refused-logged a hundred connections refused for their
#				credentials: one log line
#
# Everything runs on loopback, against a port nobody listens on. A
# connection made before the limit is lowered (tests/lib/ctlpipe.py)
# asks the daemon while it cannot accept new ones.
# Needs root (prlimit on another process) and util-linux's prlimit.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/drow.sh"

t_init limits
need_probe
SMTPROBED=${SMTPROBED:-$T_TOP/probe/smtprobed}
if [ ! -x "$SMTPROBED" ]; then
	fail limits.setup "$SMTPROBED not built (make probe/smtprobed)"
	exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v prlimit >/dev/null; then
	fail limits.setup "needs root and util-linux's prlimit"
	exit 1
fi
# Run copies: a rebuild while the test runs must not swap the programs.
mkdir -p "$T_DIR/bin" && cp "$SMTPROBE" "$SMTPROBED" "$T_DIR/bin/" || {
	fail limits.setup "cannot copy the programs to $T_DIR/bin"
	exit 1
}
SMTPROBE=$T_DIR/bin/smtprobe
SMTPROBED=$T_DIR/bin/smtprobed

read -r CLOSED M_FD M_LORIS <<<"$(free_ports 3 | tr '\n' ' ')"
PY=python3

# conf NAME [KEY = VALUE lines...]: a daemon of its own (state in
# $T_DIR/NAME, socket $T_DIR/NAME.sock) probing the closed port every
# $INTERVAL (1s).
conf() {
	local name=$1
	shift
	cat <<EOF
[daemon]
state-dir = $T_DIR/$name
control-socket = $T_DIR/$name.sock
interval = ${INTERVAL:-1s}
jitter = 0
host-spacing = 0
alert-after = 2
clear-after = 2
EOF
	printf '%s\n' "$@"
	cat <<EOF

[host 127.0.0.1:$CLOSED]
name = mx.test.example
tls = none
helo = probe.test.example
timeout = all=2s
EOF
}

# lowest_free_fd PID: the lowest descriptor number PID does not hold, at
# the quietest of a few looks (a session's socket comes and goes).
lowest_free_fd() {
	local k best= i
	for i in 1 2 3 4 5; do
		k=0
		while [ -L "/proc/$1/fd/$k" ]; do
			k=$((k + 1))
		done
		[ -z "$best" ] || [ "$k" -lt "$best" ] && best=$k
		sleep 0.05
	done
	echo "$best"
}

# ask FD OUT REQUEST: one request over the ctlpipe.py connection on FD;
# its reply is appended to OUT (and left in $T_DIR/ask.json).
ask() {
	local n
	n=$(wc -l <"$2")
	printf '%s\n' "$3" >&"$1"
	for _ in $(seq 1 120); do
		[ "$(wc -l <"$2")" -gt "$n" ] && break
		sleep 0.1
	done
	tail -n 1 "$2" >"$T_DIR/ask.json"
}

ID=host:127.0.0.1:$CLOSED

# --- a run that cannot start a session is unknown, never health ---------

conf fd "metrics = 127.0.0.1:$M_FD" >"$T_DIR/fd.conf"
t_bg fd "$SMTPROBED" -d -f "$T_DIR/fd.conf"
FD_PID=$T_BG_PID
T_SHOW_LOGS=("$T_DIR/fd.log")
drow limits.fd.unknown.setup
wait_answer "$T_DIR/fd.sock" 10 || why "the daemon does not answer"
wait_grep "$T_DIR/fd.log" "^smtprobed: ALERT target=$(re "$ID") .*finding=net\\.connect\\.refused " 15 ||
    why "no ALERT for the closed port"
SINCE=$(sed -nE "s/^smtprobed: ALERT target=$(re "$ID") .* since=([^ ]+) .*/\\1/p" \
    "$T_DIR/fd.log" | head -n 1)
mkfifo "$T_DIR/pipe.in"
python3 "$T_LIB/ctlpipe.py" "$T_DIR/fd.sock" --ready "$T_DIR/pipe.ready" \
    <"$T_DIR/pipe.in" >"$T_DIR/pipe.out" 2>"$T_DIR/pipe.err" &
PIPE_PID=$!
T_PIDS+=("$PIPE_PID")
exec 7>"$T_DIR/pipe.in"
wait_file "$T_DIR/pipe.ready" 10 || why "ctlpipe.py did not connect"
dend

# Not one descriptor more: every socket(2) of a session fails (EMFILE).
K=$(lowest_free_fd "$FD_PID")
L_LIMIT=$(wc -l <"$T_DIR/fd.log")
prlimit --pid "$FD_PID" --nofile="$K": || fail limits.fd.unknown.setup "prlimit"
# clients keep coming all the while: they wait in the listen queues
python3 "$T_LIB/ctlhostile.py" flood "$T_DIR/fd.sock" 20 \
    >"$T_DIR/flood-limited.json" 2>&1 &
FLOOD_PID=$!
python3 "$T_LIB/httphold.py" get "$M_FD" 10 15 >"$T_DIR/get-limited.json" \
    2>&1 &
GET_PID=$!
T_PIDS+=("$FLOOD_PID" "$GET_PID")
sleep 1
CPU0=$(awk '{ print $14 + $15 }' "/proc/$FD_PID/stat")
sleep 4		# five runs at least, clear-after = 2
CPU1=$(awk '{ print $14 + $15 }' "/proc/$FD_PID/stat")

drow limits.fd.unknown.status
ROW_OUT=$T_DIR/ask-status.json
: >"$ROW_OUT"
ask 7 "$T_DIR/pipe.out" '{"cmd":"status"}'
cp "$T_DIR/ask.json" "$ROW_OUT"
cq match 0.ok true
cq match 0.targets_unknown 1
cq ge 0.probes_unknown 3
cq match 0.open_alerts 1
dend

drow limits.fd.unknown.targets
ROW_OUT=$T_DIR/ask-targets.json
ask 7 "$T_DIR/pipe.out" '{"cmd":"targets"}'
cp "$T_DIR/ask.json" "$ROW_OUT"
cq some 0.targets "target=$(re "$ID")" status=unknown open_alerts=1
dend

drow limits.fd.unknown.show
ROW_OUT=$T_DIR/ask-show.json
ask 7 "$T_DIR/pipe.out" "{\"cmd\":\"show\",\"target\":\"$ID\"}"
cp "$T_DIR/ask.json" "$ROW_OUT"
cq match 0.last.status unknown
cq some 0.last.findings id=probe.resource "port=$CLOSED" \
    'evidence=cannot start a session to 127\.0\.0\.1 port [0-9]+: Too many open files.*'
cq none 0.last.findings id=net.connect.refused
cq some 0.alerts finding=net.connect.refused open=true
dend

drow limits.fd.unknown.no-recovered
tail -n +"$((L_LIMIT + 1))" "$T_DIR/fd.log" >"$T_DIR/fd-limited.log"
nogrep_row "$T_DIR/fd-limited.log" "(RECOVERED|ALERT) target="
grep_row "$T_DIR/fd-limited.log" "^smtprobed: probe trouble, alerts left as they are: "
# every run fails to start alike: said once a minute, not once a run
N_START=$(grep -c "cannot start a session" "$T_DIR/fd-limited.log")
[ "$N_START" -le 1 ] ||
    why "$N_START lines 'cannot start a session' in 5 s (at most 1 a minute)"
dend

# Out of descriptors, accept(2) fails and the connection stays queued: the
# listeners pause instead of trying again at once (libevent alone logs
# "Error from accept() call" tens of thousands of times a second).
drow limits.fd.accept-paused.once
for l in control metrics; do
	n=$(grep -c "^smtprobed: $l: cannot accept a connection: Too many open files; accepting paused" "$T_DIR/fd.log")
	[ "$n" = 1 ] || why "$n \"$l: cannot accept\" lines, expected 1"
done
nogrep_row "$T_DIR/fd.log" "Error from accept"
[ $((CPU1 - CPU0)) -le 100 ] ||
    why "$((CPU1 - CPU0)) ticks of CPU in 4 s while it could not accept"
dend

# The limit given back: the waiting clients are served; the port is
# looked at again, still closed: the same alert (same since), never
# cleared in between.
prlimit --pid "$FD_PID" --nofile=1024:
exec 7>&-

drow limits.fd.accept-paused.served
wait "$FLOOD_PID"
wait "$GET_PID"
ROW_OUT=$T_DIR/flood-limited.json
cq match 0.ok 20
cq match 0.hung 0
$CTLQ "$T_DIR/get-limited.json" match 0.ok 10 :: match 0.hung 0 \
    >"$T_DIR/get-limited.why" 2>&1 ||
    why "/metrics: $(cat "$T_DIR/get-limited.why")"
for l in control metrics; do
	wait_grep "$T_DIR/fd.log" "^smtprobed: $l: accepting connections again \(paused [0-9]+ times?\)$" 5 ||
	    why "no \"$l: accepting connections again\" line"
done
dend

sleep 2
drow limits.fd.unknown.after
ROW_OUT=$T_DIR/after-show.json
timeout 10 "$SMTPROBE" show "$ID" --json -s "$T_DIR/fd.sock" >"$ROW_OUT" 2>&1
cq match 0.last.status crit
cq some 0.alerts finding=net.connect.refused open=true
nogrep_row "$T_DIR/fd.log" "RECOVERED target="
n=$(grep -c "ALERT target=$(re "$ID") " "$T_DIR/fd.log")
[ "$n" = 1 ] || why "$n ALERT lines, expected the first one only"
[ -n "$SINCE" ] && grep_row "$T_DIR/fd.log" "ALERT .* since=$SINCE " "the alert"
dend
t_kill "$FD_PID"

# --- the soft limit raised, caps sized from it ---------------------------

drow limits.fd.raised
conf raised >"$T_DIR/raised.conf"
t_bg raised prlimit --nofile=256:4096 "$SMTPROBED" -d -f "$T_DIR/raised.conf"
R_PID=$T_BG_PID
wait_answer "$T_DIR/raised.sock" 10 || why "the daemon does not answer"
grep_row "$T_DIR/raised.log" "^smtprobed: descriptors: limit 4096 \(raised\), [0-9]+ held: at most 64 runs, [0-9]+ DNS queries, 64 control clients and 32 metrics connections at once$"
m=$(awk '/^Max open files/ { print $4, $5 }' "/proc/$R_PID/limits")
[ "$m" = "4096 4096" ] || why "limits of the process: $m, expected 4096 4096"
dend
t_kill "$R_PID"

# 64 descriptors, soft and hard: about 15 held, 24 kept back, a few
# for control clients; the 64 runs configured become 4.
conf low "concurrency = 64" >"$T_DIR/low.conf"
t_bg low prlimit --nofile=64:64 "$SMTPROBED" -d -f "$T_DIR/low.conf"
LOW_PID=$T_BG_PID
T_SHOW_LOGS=("$T_DIR/low.log")
drow limits.fd.low.budget
wait_answer "$T_DIR/low.sock" 10 || why "the daemon does not answer"
grep_row "$T_DIR/low.log" "^smtprobed: descriptors: limit 64, [0-9]+ held: at most [1-9] runs, [0-9]+ DNS queries, [0-9]+ control clients and 2 metrics connections at once$"
grep_row "$T_DIR/low.log" "^smtprobed: concurrency 64: at most [1-9] at once, for the descriptors left \(limit 64\); raise the limit"
dend

drow limits.fd.low.flood
ROW_OUT=$T_DIR/flood-low.json
python3 "$T_LIB/ctlhostile.py" flood "$T_DIR/low.sock" 100 >"$ROW_OUT" 2>&1
cq match 0.hung 0
cq ge 0.ok 1
cq match '0.messages.too many clients' '[1-9][0-9]*'
kill -0 "$LOW_PID" 2>/dev/null || why "the daemon is gone"
dend

drow limits.fd.low.probes
wait_grep "$T_DIR/low.log" "^smtprobed: ALERT target=$(re "$ID") .*finding=net\.connect\.refused " 10 ||
    why "no ALERT for the closed port"
ROW_OUT=$T_DIR/low-status.json
for _ in $(seq 1 50); do
	timeout 10 "$SMTPROBE" status --json -s "$T_DIR/low.sock" >"$ROW_OUT" 2>&1
	grep -q '"probes_run":[4-9]' "$ROW_OUT" && break
	sleep 0.2
done
cq ge 0.probes_run 4
cq match 0.probes_unknown 0
nogrep_row "$T_DIR/low.log" "probe\.resource|cannot start a session|Too many open files"
dend
t_kill "$LOW_PID"

# --- /metrics against slow-loris clients -------------------------------

# status_field SOCKET KEY: one top-level number of a status reply.
status_field() {
	timeout 10 "$SMTPROBE" status --json -s "$1" 2>/dev/null |
	    sed -nE "s/.*\"$2\":([0-9]+).*/\\1/p"
}

conf loris "metrics = 127.0.0.1:$M_LORIS" >"$T_DIR/loris.conf"
t_bg loris "$SMTPROBED" -d -f "$T_DIR/loris.conf"
LORIS_PID=$T_BG_PID
T_SHOW_LOGS=("$T_DIR/loris.log")
drow limits.metrics.slowloris.setup
wait_answer "$T_DIR/loris.sock" 10 || why "the daemon does not answer"
wait_port 127.0.0.1 "$M_LORIS" 10 || why "nothing listens on $M_LORIS"
python3 "$T_LIB/httphold.py" loris "$M_LORIS" 200 14 \
    --ready "$T_DIR/loris.ready" >"$T_DIR/loris.json" 2>&1 &
LORIS_CLI=$!
T_PIDS+=("$LORIS_CLI")
wait_file "$T_DIR/loris.ready" 15 || why "the slow clients did not connect"
grep -qx 200 "$T_DIR/loris.ready" ||
    why "$(cat "$T_DIR/loris.ready") slow clients connected, expected 200"
dend
P0=$(status_field "$T_DIR/loris.sock" probes_run)
sleep 1

drow limits.metrics.slowloris.scrape
ROW_OUT=$T_DIR/loris-get.json
python3 "$T_LIB/httphold.py" get "$M_LORIS" 5 5 >"$ROW_OUT" 2>&1
cq match 0.ok 5
cq le 0.max_ms 2000
dend

sleep 4
drow limits.metrics.slowloris.probes
P1=$(status_field "$T_DIR/loris.sock" probes_run)
[ $((${P1:-0} - ${P0:-0})) -ge 3 ] ||
    why "$((${P1:-0} - ${P0:-0})) runs in 5 s, interval 1 s"
[ "$(status_field "$T_DIR/loris.sock" probes_unknown)" = 0 ] ||
    why "unknown runs"
dend

drow limits.metrics.slowloris.deadline
wait "$LORIS_CLI"
ROW_OUT=$T_DIR/loris.json
cq match 0.open 0
cq le 0.held_max_ms $((10000 + 2000))
grep_row "$T_DIR/loris.log" "^smtprobed: metrics: 32 connections at once, the most allowed: the oldest closed to make room \\([0-9]+ so far\\)$"
n=$(grep -c 'connections at once, the most allowed' "$T_DIR/loris.log")
[ "$n" = 1 ] || why "$n lines about the connections closed to make room, expected 1"
dend
t_kill "$LORIS_PID"

# --- the control socket's memory: a long history ---------------------------

# A store with 10 000 sessions of one target, each with a 2000-byte
# transcript and a finding (23 MB as JSON), made by the daemon (schema)
# and filled by sqlite3 while it is stopped.
INTERVAL=1h conf hist >"$T_DIR/hist.conf"
H_DB=$T_DIR/hist/smtprobed.db
t_bg hist0 "$SMTPROBED" -d -f "$T_DIR/hist.conf"
H_PID=$T_BG_PID
wait_answer "$T_DIR/hist.sock" 10
t_kill "$H_PID"
NOW=$(date +%s)
sqlite3 "$H_DB" "BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO sessions (target, host, addr, port, started_at, duration_us,
    outcome, worst, phases, transcript)
SELECT '$ID', 'mx.test.example', '127.0.0.1', $CLOSED, $NOW - 20000 + i / 2,
    1000, 'refused', 'crit', '[]', replace(hex(zeroblob(1000)), '00', 'xy')
FROM n;
INSERT INTO findings (session_id, target, at, finding, layer, severity, host,
    addr, port, evidence)
SELECT id, target, started_at, 'net.connect.refused', 'net', 'crit', host,
    addr, port, 'connect to 127.0.0.1 port $CLOSED: Connection refused'
FROM sessions;
COMMIT;" >"$T_DIR/hist-fill.log" 2>&1
t_bg hist "$SMTPROBED" -d -f "$T_DIR/hist.conf"
H_PID=$T_BG_PID
T_SHOW_LOGS=("$T_DIR/hist.log")
drow limits.ctl.history.setup
wait_answer "$T_DIR/hist.sock" 10 || why "the daemon does not answer"
n=$(sqlite3 "$H_DB" "SELECT count(*) FROM sessions WHERE target = '$ID'")
[ "$n" = 10000 ] || why "$n sessions in the store: $(cat "$T_DIR/hist-fill.log")"
dend

# One request, one page: the rows, a cursor for the rest, a short line.
drow limits.ctl.history.page
ROW_OUT=$T_DIR/hist-page.json
printf '{"cmd":"history","target":"%s","limit":10000}\n' "$ID" |
    timeout 10 $PY "$T_LIB/ctlpipe.py" "$T_DIR/hist.sock" >"$ROW_OUT" 2>&1
cq match 0.ok true
cq len 0.history.sessions eq 100
cq match 0.history.limit 100
cq match 0.history.truncated true
cq type 0.history.next.sessions list
cq match 0.history.next.audits null
n=$(head -n 1 "$ROW_OUT" | wc -c)
[ "$n" -le 1048576 ] || why "a reply of $n bytes"
dend

# The cursor given back: the next 100, older, none twice.
drow limits.ctl.history.cursor
ROW_OUT=$T_DIR/hist-page2.json
$PY - "$T_DIR/hist-page.json" "$ID" >"$T_DIR/hist-req2.json" <<'PYEOF'
import json, sys
r = json.loads(open(sys.argv[1]).readline())
print(json.dumps({"cmd": "history", "target": sys.argv[2], "limit": 100,
                  "cursor": r["history"]["next"]}))
PYEOF
timeout 10 $PY "$T_LIB/ctlpipe.py" "$T_DIR/hist.sock" <"$T_DIR/hist-req2.json" \
    >"$ROW_OUT" 2>&1
cq len 0.history.sessions eq 100
last=$($PY -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["history"]["sessions"][-1]["id"])' "$T_DIR/hist-page.json" 2>/dev/null)
first=$($PY -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["history"]["sessions"][0]["id"])' "$ROW_OUT" 2>/dev/null)
[ -n "$last" ] && [ -n "$first" ] && [ "$first" -lt "$last" ] ||
    why "page 2 starts at session ${first:-?}, page 1 ended at ${last:-?}"
printf '{"cmd":"history","target":"%s","cursor":{"sessions":"x"}}\n' "$ID" |
    timeout 10 $PY "$T_LIB/ctlpipe.py" "$T_DIR/hist.sock" \
    >"$T_DIR/hist-badcursor.json" 2>&1
$CTLQ "$T_DIR/hist-badcursor.json" match 0.ok false :: match 0.error \
    '"cursor" is not one a history reply gave' >"$T_DIR/hist-bad.why" 2>&1 ||
    why "a bad cursor: $(cat "$T_DIR/hist-bad.why")"
dend

# Five clients ask for all of it and never read, one reads it all: status
# is answered at once all the while (one page is a few milliseconds).
cat >"$T_DIR/nonreaders.py" <<'PYEOF'
import json, socket, sys, time
path, target = sys.argv[1], sys.argv[2]
socks = []
for _ in range(5):
    s = socket.socket(socket.AF_UNIX)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(path)
    s.sendall(json.dumps({"cmd": "history", "target": target,
                          "limit": 10000}).encode() + b"\n")
    socks.append(s)
time.sleep(8)
PYEOF
cat >"$T_DIR/latency.py" <<'PYEOF'
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
worst, buf = 0.0, b""
end = time.monotonic() + float(sys.argv[2])
n = 0
while time.monotonic() < end:
    t0 = time.monotonic()
    s.sendall(b'{"cmd":"status"}\n')
    while b"\n" not in buf:
        buf += s.recv(65536)
    line, _, buf = buf.partition(b"\n")
    assert json.loads(line)["ok"]
    worst = max(worst, time.monotonic() - t0)
    n += 1
    time.sleep(0.05)
print(json.dumps({"requests": n, "worst_ms": int(worst * 1000)}))
PYEOF
drow limits.ctl.history.status-meanwhile
ROW_OUT=$T_DIR/hist-latency.json
$PY "$T_DIR/nonreaders.py" "$T_DIR/hist.sock" "$ID" &
NR_PID=$!
T_PIDS+=("$NR_PID")
t0=$(date +%s%N)
timeout 60 "$SMTPROBE" history "$ID" --limit 10000 --json \
    -s "$T_DIR/hist.sock" >"$T_DIR/hist-all.json" 2>"$T_DIR/hist-all.err" &
ALL_PID=$!
$PY "$T_DIR/latency.py" "$T_DIR/hist.sock" 4 >"$ROW_OUT" 2>&1
cq ge 0.requests 20
cq le 0.worst_ms 500
dend

drow limits.ctl.history.all
wait "$ALL_PID"
rc=$?
t1=$(date +%s%N)
ROW_OUT=$T_DIR/hist-all.json
[ "$rc" = 0 ] || why "smtprobe history: exit status $rc: $(head -c 200 "$T_DIR/hist-all.err")"
cq lines eq 1
cq len 0.history.sessions eq 10000
cq match 0.history.limit 10000
cq some 0.history.sessions.9999.findings id=net.connect.refused
$PY - "$ROW_OUT" >"$T_DIR/hist-order.txt" 2>&1 <<'PYEOF'
import json, sys
s = json.loads(open(sys.argv[1]).readline())["history"]["sessions"]
k = [(x["at"], x["id"]) for x in s]
assert k == sorted(k, reverse=True), "not newest first"
assert len(set(x["id"] for x in s)) == len(s), "a session twice"
PYEOF
[ $? = 0 ] || why "$(tail -n 1 "$T_DIR/hist-order.txt")"
echo "smtprobe history --limit 10000: $(( (t1 - t0) / 1000000 )) ms" \
    >"$T_DIR/hist-all.ms"
dend
wait "$NR_PID" 2>/dev/null
kill -0 "$H_PID" 2>/dev/null || fail limits.ctl.history.alive "the daemon is gone"
t_kill "$H_PID"

# --- a queued probe whose target a reload removes ------------------------

# A server that never greets: a run of it takes the banner timeout (3 s).
t_bg tarpit $PY "$T_LIB/fakesmtp.py" --ready "$T_DIR/tarpit.ports" \
    --lifetime 120 tarpit
wait_file "$T_DIR/tarpit.ports" 10
read -r _ P_TARPIT <"$T_DIR/tarpit.ports"
ID_TARPIT=host:127.0.0.1:$P_TARPIT
rl_conf() {
	INTERVAL=1h conf rl "control-mode = 0666" "control-group = 4242"
	[ "$1" = with ] && printf '\n[host 127.0.0.1:%s]\ntls = none\nhelo = probe.test.example\ntimeout = all=3s\n' "$P_TARPIT"
}
rl_conf with >"$T_DIR/rl.conf"
t_bg rl "$SMTPROBED" -d -f "$T_DIR/rl.conf"
RL_PID=$T_BG_PID
T_SHOW_LOGS=("$T_DIR/rl.log")
wait_answer "$T_DIR/rl.sock" 10

drow limits.ctl.reload-queued
# the first asks for a run, the second comes while it runs: it waits for
# the next one, which the reload takes away
timeout 20 "$SMTPROBE" probe "$ID_TARPIT" --json -s "$T_DIR/rl.sock" \
    >"$T_DIR/probe1.json" 2>"$T_DIR/probe1.err" &
P1=$!
sleep 0.5
timeout 20 "$SMTPROBE" probe "$ID_TARPIT" --json -s "$T_DIR/rl.sock" \
    >"$T_DIR/probe2.json" 2>"$T_DIR/probe2.err" &
P2=$!
sleep 0.5
rl_conf without >"$T_DIR/rl.conf"
t0=$(date +%s%N)
timeout 10 "$SMTPROBE" reload -s "$T_DIR/rl.sock" >"$T_DIR/rl-reload.out" 2>&1 ||
    why "reload: $(cat "$T_DIR/rl-reload.out")"
wait "$P2"
rc2=$?
t1=$(date +%s%N)
wait "$P1"
rc1=$?
# probe exits as a plugin: what it cannot tell is UNKNOWN (3)
[ "$rc2" = 3 ] || why "the queued probe: exit status $rc2, expected 3"
$CTLQ "$T_DIR/probe2.json" match 0.ok false :: match 0.error \
    'the target was removed by a reload' >"$T_DIR/probe2.why" 2>&1 ||
    why "the queued probe: $(cat "$T_DIR/probe2.why")"
[ $(( (t1 - t0) / 1000000 )) -le 1500 ] ||
    why "the queued probe was answered $(( (t1 - t0) / 1000000 )) ms after the reload"
# the running run goes on: whoever asked for it gets it
[ "$rc1" = 2 ] || why "the running probe: exit status $rc1 (crit is 2): $(head -c 200 "$T_DIR/probe1.err")"
$CTLQ "$T_DIR/probe1.json" match 0.result.status crit :: some \
    0.result.findings id=smtp.banner.timeout >"$T_DIR/probe1.why" 2>&1 ||
    why "the running probe: $(cat "$T_DIR/probe1.why")"
dend

# --- refusals logged once a minute, not once each --------------------------

drow limits.ctl.refused-logged
ROW_OUT=$T_DIR/refused.json
timeout 30 setpriv --reuid=12345 --regid=12345 --clear-groups \
    $PY "$T_LIB/ctlhostile.py" flood "$T_DIR/rl.sock" 100 >"$ROW_OUT" 2>&1
cq match 0.clients 100
cq match '0.messages.permission denied' 100
n=$(grep -c 'control: uid 12345 refused' "$T_DIR/rl.log")
[ "$n" = 1 ] || why "$n lines for 100 refused connections, expected 1"
dend
t_kill "$RL_PID"

