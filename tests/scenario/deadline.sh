#!/usr/bin/env bash
# deadline.sh - every session and every check has an overall deadline,
# and a few slow targets cannot starve the others (issue 10 item 4).
#
#	deadline.session.*	a scripted server answers every command 0.3 s
#				late, each within its phase's deadline; with
#				64 RCPT tests the session would last a minute:
#				timeout session= ends it (smtp.session.timeout)
#	deadline.defaults	every session and every check is bounded
#				unless told otherwise (10m, 15m)
#	deadline.daemon.session	the same server under smtprobed: the session's
#				deadline ends each run in time, and its finding
#				raises an alert like any other
#	deadline.daemon.overran	a run cut by its own deadline is reported as
#				such (status unknown, the error, the log line)
#				and neither raises nor clears alerts
#	deadline.daemon.fair.*	eight targets whose servers never greet, four
#				sessions wanted each, under concurrency 16: a
#				target has 1 session at once (a sixteenth), so
#				they hold 8, and a ninth target is probed at
#				once instead of waiting for their deadlines
#
# Scripted servers (tests/lib/fakesmtp.py) on loopback only.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/drow.sh"

t_init deadline
need_probe
SMTPROBED=${SMTPROBED:-$T_TOP/probe/smtprobed}
if [ ! -x "$SMTPROBED" ]; then
	fail deadline.setup "$SMTPROBED not built (make probe/smtprobed)"
	exit 1
fi
# Run copies: a rebuild while the test runs must not swap the programs.
mkdir -p "$T_DIR/bin" && cp "$SMTPROBE" "$SMTPROBED" "$T_DIR/bin/" || {
	fail deadline.setup "cannot copy the programs to $T_DIR/bin"
	exit 1
}
SMTPROBE=$T_DIR/bin/smtprobe
SMTPROBED=$T_DIR/bin/smtprobed

t_bg fakesmtp python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/ports" \
    --lifetime 280 slow-replies normal tarpit tarpit tarpit tarpit
T_SHOW_LOGS+=("$T_DIR/fakesmtp.log")
if ! wait_file "$T_DIR/ports" 15; then
	fail deadline.setup "fakesmtp.py did not start"
	exit 1
fi
SLOW=$(sed -n 's/^slow-replies //p' "$T_DIR/ports")
NORMAL=$(sed -n 's/^normal //p' "$T_DIR/ports")
TARPITS=$(sed -n 's/^tarpit //p' "$T_DIR/ports" | paste -sd,)

# 64 RCPT tests: the most a target may have
R=()
for i in $(seq 1 64); do
	R+=(--rcpt "user$i@test.example")
done
B=(--helo probe.test.example --tls none)

# --- one session, many slow replies ------------------------------------

row deadline.session.bounded 2 "127.0.0.1:$SLOW" "${B[@]}" "${R[@]}" \
    --timeout all=5 --timeout session=3
expect finding smtp.session.timeout --layer smtp --severity crit \
    --evidence 'the session did not end within 3s \(timeout session=\): cut waiting for the reply to (RCPT TO:<user[0-9]+@test\.example>|MAIL FROM:<>|RSET), with [0-9] of 64 RCPT test\(s\) answered'
expect no-finding smtp.phase.timeout
expect session --outcome timeout --count 1
expect_ms_below 5000
end_row

# the control: the same server, few tests, no deadline reached
row deadline.session.control 0 "127.0.0.1:$SLOW" "${B[@]}" \
    --rcpt user1@test.example --timeout all=5 --timeout session=30
expect no-finding smtp.session.timeout
expect session --outcome ok
end_row

# the session's deadline is the crit threshold of its time in perfdata
row_raw deadline.session.perfdata 2 check --nagios "127.0.0.1:$SLOW" \
    "${B[@]}" "${R[@]}" --timeout session=2
grep -Eq "^SMTPROBE CRITICAL - .*smtp\\.session\\.timeout .*'127\\.0\\.0\\.1:$SLOW time'=[0-9.]+s;;2;0" \
    "$ROW_OUT" || ROW_WHY+=("status line or perfdata: $(head -c 300 "$ROW_OUT")")
end_row

row_raw deadline.defaults 0 check -n "127.0.0.1:$SLOW"
expect_grep '^timeout = session=10m$'
expect_grep '^timeout = 15m$'
end_row

row_raw deadline.defaults.nagios 0 check -n --nagios "127.0.0.1:$SLOW"
expect_grep '^timeout = 10s$'
end_row

# --- the daemon ---------------------------------------------------------

# conf NAME [KEY = VALUE lines...]: [daemon] of its own, then the lines
conf() {
	local name=$1
	shift
	cat <<EOF
[daemon]
state-dir = $T_DIR/$name
control-socket = $T_DIR/$name.sock
jitter = 0
host-spacing = 0
alert-after = 1
clear-after = 1
EOF
	printf '%s\n' "$@"
}

# both targets: 64 RCPT tests ([defaults])
{
	conf d1 "interval = 2s"
	echo
	echo "[defaults]"
	for r in "${R[@]}"; do
		[ "$r" = --rcpt ] || echo "rcpt = $r"
	done
	cat <<EOF

[host 127.0.0.1:$SLOW]
name = slow.test.example
tls = none
helo = probe.test.example
timeout = session=2s

[host slow2.test.example:$SLOW]
addr = 127.0.0.1
tls = none
helo = probe.test.example
timeout = 2s
timeout = session=1m
EOF
} >"$T_DIR/d1.conf"
t_bg d1 "$SMTPROBED" -d -f "$T_DIR/d1.conf"
T_SHOW_LOGS=("$T_DIR/d1.log" "$T_DIR/fakesmtp.log")
ID1=host:127.0.0.1:$SLOW
ID2=host:slow2.test.example:$SLOW

drow deadline.daemon.session
wait_answer "$T_DIR/d1.sock" 10 || why "the daemon does not answer"
wait_grep "$T_DIR/d1.log" "^smtprobed: ALERT target=$(re "$ID1") .*finding=smtp\\.session\\.timeout " 20 ||
    why "no ALERT for smtp.session.timeout"
ROW_OUT=$T_DIR/show1.json
timeout 10 "$SMTPROBE" show "$ID1" -s "$T_DIR/d1.sock" --json >"$ROW_OUT" 2>&1
grep -q '"smtp.session.timeout"' "$ROW_OUT" || why "show: no smtp.session.timeout"
dend

drow deadline.daemon.overran
wait_grep "$T_DIR/d1.log" "^smtprobed: $(re "$ID2"): run overran, alerts left as they are: slow2\\.test\\.example: the check did not end within 2s: 1 session\\(s\\) cut: " 20 ||
    why "no 'run overran' line"
ROW_OUT=$T_DIR/show2.json
timeout 10 "$SMTPROBE" show "$ID2" -s "$T_DIR/d1.sock" --json >"$ROW_OUT" 2>&1
grep -q '"status": *"unknown"' "$ROW_OUT" || why "show: the run is not unknown"
grep -q 'did not end within 2s' "$ROW_OUT" || why "show: no error saying so"
nogrep_row "$T_DIR/d1.log" "ALERT target=$(re "$ID2") "
dend

# --- fair shares: tarpits cannot starve the others ---------------------

{
	conf d2 "interval = 30s" "concurrency = 16"
	for i in 1 2 3 4 5 6 7 8; do
		cat <<EOF

[host tarpit$i.test.example]
addr = 127.0.0.1
ports = $TARPITS
tls = none
helo = probe.test.example
timeout = banner=40s
EOF
	done
	cat <<EOF

[host 127.0.0.1:$NORMAL]
name = mx.test.example
tls = none
helo = probe.test.example
interval = 1h
EOF
} >"$T_DIR/d2.conf"
t_bg d2 "$SMTPROBED" -d -f "$T_DIR/d2.conf"
T_SHOW_LOGS=("$T_DIR/d2.log")

drow deadline.daemon.fair.tarpits-hold
wait_answer "$T_DIR/d2.sock" 10 || why "the daemon does not answer"
# the eight tarpit targets start within 3 s and hold their sessions
sleep 4
n=$(grep -c "^[0-9.]* tarpit#[0-9]* connected from" "$T_DIR/fakesmtp.log")
[ "$n" -ge 8 ] || why "$n connections to the tarpits, expected 8 at least"
dend

# a probe of the healthy target now: answered at once, not after the
# tarpits' 40 s
cli() {
	local t0 t1
	ROW_OUT=$T_DIR/$1.out
	ROW_ERR=$T_DIR/$1.err
	t0=$(date +%s%N)
	timeout -k 2 30 "$SMTPROBE" "${@:2}" >"$ROW_OUT" 2>"$ROW_ERR" \
	    </dev/null
	ROW_RC=$?
	t1=$(date +%s%N)
	ROW_MS=$(( (t1 - t0) / 1000000 ))
}
drow deadline.daemon.fair.others-served
cli fair probe "host:127.0.0.1:$NORMAL" -s "$T_DIR/d2.sock" --json
[ "$ROW_RC" = 0 ] || why "probe: exit status $ROW_RC"
grep -q '"status": *"ok"' "$ROW_OUT" || why "probe: not ok"
expect_ms_below 10000
dend
