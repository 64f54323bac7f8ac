#!/usr/bin/env bash
# daemon.sh - smtprobed against a private Postfix, all on loopback.
#
# Several daemons run in the foreground, each with its own state
# directory, store and control socket under $T_DIR:
#
#   d1	syslog mode: ALERT/RECOVERED lines go through syslog(3) to a
#	test-owned datagram socket (tests/lib/syslogd.py) bound at /dev/log
#	(or, when a real syslog owns /dev/log, bound over it in a private
#	mount namespace); every control command, reload, hostile clients
#	(tests/lib/ctlhostile.py), SIGTERM
#   d2	-d mode: the same lines on stderr; probe of a slow server
#   d3	hundreds of targets writing hard; kill -9, restart, a follower
#	that never reads, SIGTERM under load
#   d4	store-retention 3s: old rows go while it runs; started over a
#	stale socket file; re-notification; peer credentials
#
# Postfix gets three listeners of our own that the test breaks and heals:
# one removed from master.cf (net.connect.refused), one whose certificate
# file is swapped for an expired one (tls.cert.expired), one whose
# recipient map loses user@test.example (policy.rcpt.unknown-user).
# Scripted servers greet with control bytes and 3000 bytes of text, or
# slowly. Replies are checked with tests/lib/ctlq.py.
# Needs root, postfix, sqlite3, python3, openssl, and util-linux's unshare
# (only when /dev/log exists) and setpriv (peer credential rows).

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"

t_init daemon
need_probe
SMTPROBED=${SMTPROBED:-$T_TOP/probe/smtprobed}
PY=python3	# common.sh puts the system's first in PATH
CTLQ="$PY $T_LIB/ctlq.py"
HOSTILE="$PY $T_LIB/ctlhostile.py"

if [ ! -x "$SMTPROBED" ]; then
	fail daemon.setup "$SMTPROBED not built (make probe/smtprobed)"
	exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null ||
    ! command -v sqlite3 >/dev/null; then
	fail daemon.setup "needs root and the postfix and sqlite3 packages"
	exit 1
fi
# Run copies: a rebuild while the test runs must not swap the programs
# under it (or leave them missing for a moment).
if ! mkdir -p "$T_DIR/bin" || ! cp "$SMTPROBE" "$T_DIR/bin/smtprobe" ||
    ! cp "$SMTPROBED" "$T_DIR/bin/smtprobed"; then
	fail daemon.setup "cannot copy the programs to $T_DIR/bin"
	exit 1
fi
SMTPROBE=$T_DIR/bin/smtprobe
SMTPROBED=$T_DIR/bin/smtprobed

# --- rows that are not one smtprobe check ----------------------------

CQ=()

# drow NAME: start a row; why REASON marks it failed; dend ends it.
drow() {
	ROW_NAME=$1
	ROW_WHY=()
	ROW_CHECKS=()
	ROW_OUT=
	ROW_ERR=
	ROW_CMD=
	CQ=()
}

why() {
	ROW_WHY+=("$*")
}

# cq CHECK ARGS...: a ctlq.py assertion on $ROW_OUT, run by dend.
cq() {
	CQ+=(:: "$@")
}

dend() {
	local out w
	if [ ${#CQ[@]} -gt 0 ]; then
		if ! out=$($CTLQ "$ROW_OUT" "${CQ[@]}" 2>&1); then
			while IFS= read -r w; do
				ROW_WHY+=("$w")
			done <<<"${out:-ctlq failed}"
		fi
	fi
	CQ=()
	end_row
}

# cli NAME SOCKET ARGS...: start row NAME with "smtprobe ARGS -s SOCKET";
# output in $ROW_OUT and $ROW_ERR, exit status in $ROW_RC, time in $ROW_MS.
cli() {
	local name=$1 sock=$2 t0 t1
	shift 2
	drow "$name"
	ROW_OUT=$T_DIR/$name.out
	ROW_ERR=$T_DIR/$name.err
	ROW_CMD="smtprobe $* -s $sock"
	t0=$(date +%s%N)
	timeout -k 2 "${ROW_LIMIT:-30}" "$SMTPROBE" "$@" -s "$sock" \
	    >"$ROW_OUT" 2>"$ROW_ERR" </dev/null
	ROW_RC=$?
	t1=$(date +%s%N)
	ROW_MS=$(( (t1 - t0) / 1000000 ))
}

want_rc() {
	[ "$ROW_RC" = "$1" ] || why "exit status $ROW_RC, expected $1"
}

# grep_row FILE REGEX [WHAT]: the row fails unless FILE matches.
grep_row() {
	grep -Eq -- "$2" "$1" 2>/dev/null ||
	    why "${3:-${1#$T_DIR/}} does not match /$2/"
}

nogrep_row() {
	if grep -Eq -- "$2" "$1" 2>/dev/null; then
		why "${3:-${1#$T_DIR/}} matches /$2/: $(grep -Em1 -- "$2" "$1" |
		    cut -c1-200)"
	fi
}

# wait_grep FILE REGEX SECONDS: until FILE has a line matching REGEX.
wait_grep() {
	local n=0
	while [ $n -lt $(($3 * 10)) ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# re STRING: STRING as an extended regex matching itself.
re() {
	local s=$1 out= c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[].[\\*^\$\(\)+?{}\|]) out+="\\$c" ;;
		*) out+=$c ;;
		esac
	done
	printf '%s' "$out"
}

# jval FILE PATH: one value of a JSON document (PATH as for ctlq.py),
# printed as text; empty when missing.
jval() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
try:
    v = json.loads(open(sys.argv[1]).readline())
    for p in sys.argv[2].split("."):
        v = v[int(p)] if isinstance(v, list) else v[p]
    print(v if isinstance(v, str) else json.dumps(v))
except Exception:
    pass
EOF
}

# status_of SOCKET KEY: one top-level number of a live status reply.
status_of() {
	timeout 10 "$SMTPROBE" status --json -s "$1" 2>/dev/null |
	    sed -nE "s/.*\"$2\":([0-9]+).*/\\1/p"
}

# wait_status SOCKET PATH MIN SECONDS: until the status field is >= MIN.
wait_status() {
	local n=0 v
	while [ $n -lt $(($4 * 5)) ]; do
		v=$(status_of "$1" "$2")
		[ -n "$v" ] && [ "$v" -ge "$3" ] 2>/dev/null && return 0
		sleep 0.2
		n=$((n + 1))
	done
	return 1
}

# wait_running SOCKET TARGET SECONDS: until targets shows TARGET running.
wait_running() {
	local n=0
	while [ $n -lt $(($3 * 10)) ]; do
		timeout 5 "$SMTPROBE" targets --json -s "$1" \
		    >"$T_DIR/wait-running.json" 2>/dev/null &&
		    $CTLQ "$T_DIR/wait-running.json" some 0.targets \
		    "target=$(re "$2")" running=true >/dev/null && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# wait_status_le SOCKET KEY MAX SECONDS: until the status number KEY <= MAX.
wait_status_le() {
	local n=0 v
	while [ $n -lt $(($4 * 5)) ]; do
		v=$(status_of "$1" "$2")
		[ -n "$v" ] && [ "$v" -le "$3" ] 2>/dev/null && return 0
		sleep 0.2
		n=$((n + 1))
	done
	return 1
}

# wait_drained SOCKET SECONDS: until the store writer has no row queued,
# so what status counts and history reads includes every run so far.
wait_drained() {
	local n=0 v
	while [ $n -lt $(($2 * 5)) ]; do
		v=$(status_of "$1" queued)
		[ "$v" = 0 ] && return 0
		sleep 0.2
		n=$((n + 1))
	done
	return 1
}

# wait_answer SOCKET SECONDS: until the daemon answers status.
wait_answer() {
	local n=0
	while [ $n -lt $(($2 * 10)) ]; do
		timeout 5 "$SMTPROBE" status -s "$1" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# wait_exit PID SECONDS: until our child PID is gone (1 if it is not);
# its exit status in WAIT_RC. Not in a $(...): only this shell can wait.
wait_exit() {
	local n=0
	WAIT_RC=
	while kill -0 "$1" 2>/dev/null && [ $n -lt $(($2 * 20)) ]; do
		sleep 0.05
		n=$((n + 1))
	done
	kill -0 "$1" 2>/dev/null && return 1
	wait "$1" 2>/dev/null
	WAIT_RC=$?
}

epoch() {
	date -u -d "$1" +%s 2>/dev/null
}

# --- servers ---------------------------------------------------------

if ! ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1; then
	T_SHOW_LOGS+=("$T_DIR/ca.log")
	fail daemon.setup "test CA: openssl failed"
	exit 1
fi
CA=$T_DIR/ca/ca.crt
read -r P_DOWN P_CERT P_RCPT EVIL1 EVIL2 SLOW CLOSED < <(free_ports 7 | tr '\n' ' ')

if ! pf_setup "$T_DIR/pf" "$T_DIR/ca"; then
	fail daemon.setup "pf_setup failed"
	exit 1
fi
# Our listeners: each one is broken and healed on its own.
cp "$PF_DIR/certs/valid.crt" "$PF_DIR/certs/swap.crt"
cp "$PF_DIR/certs/valid.key" "$PF_DIR/certs/swap.key"
cp "$PF_CONF/vmailbox" "$PF_CONF/vmailbox_rcpt"
cat >>"$PF_CONF/master.cf" <<EOF
127.0.0.1:$P_DOWN	inet n - n - - smtpd
127.0.0.1:$P_CERT	inet n - n - - smtpd -o smtpd_tls_cert_file=$PF_DIR/certs/swap.crt -o smtpd_tls_key_file=$PF_DIR/certs/swap.key
127.0.0.1:$P_RCPT	inet n - n - - smtpd -o virtual_mailbox_maps=texthash:$PF_CONF/vmailbox_rcpt
EOF
if ! pf_start 2>"$T_DIR/pf-start.log" ||
    ! wait_port 127.0.0.1 "$P_DOWN" 10 || ! wait_port 127.0.0.1 "$P_CERT" 10 ||
    ! wait_port 127.0.0.1 "$P_RCPT" 10; then
	T_SHOW_LOGS+=("$T_DIR/pf-start.log")
	fail daemon.setup "private Postfix did not start"
	exit 1
fi
T_SHOW_LOGS=()	# Postfix's log would bury the daemon's: it stays in $T_DIR

# Scripted servers: two greet with control bytes in their text (the
# alert lines must not carry them); one (slow) greets after 3 s and then
# accepts everything, so that a run of it is in flight for a while.
cat >"$T_DIR/evil.py" <<'EOF'
import socket, sys, threading, time
GREET = {
    0: b"554 5.7.1 go \"away\" " + b"z" * 3000 +
       b" \x1b[2J\x07\x01\x7f\xff bye\r\n",
    1: b"554-5.7.1 one\x00two\rthree\r\n554 5.7.1 four\x08five\r\n",
}
def slow(c):
    time.sleep(3)
    c.sendall(b"220 slow.test.example ESMTP\r\n")
    f = c.makefile("rb")
    for line in f:
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            c.sendall(b"250-slow.test.example\r\n250 8BITMIME\r\n")
        elif verb == b"QUIT":
            c.sendall(b"221 2.0.0 bye\r\n")
            return
        elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            c.sendall(b"250 2.0.0 ok\r\n")
        else:
            c.sendall(b"502 5.5.2 no\r\n")
def conn(i, c):
    try:
        c.settimeout(10)
        if i in GREET:
            c.sendall(GREET[i])
            c.recv(512)
        else:
            slow(c)
    except OSError:
        pass
    c.close()
def serve(i, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=conn, args=(i, c), daemon=True).start()
for i, p in enumerate(sys.argv[1:]):
    threading.Thread(target=serve, args=(i, int(p)), daemon=True).start()
threading.Event().wait(900)
EOF
t_bg evil "$PY" "$T_DIR/evil.py" "$EVIL1" "$EVIL2" "$SLOW"
for p in "$EVIL1" "$EVIL2" "$SLOW"; do
	if ! wait_port 127.0.0.1 "$p" 10; then
		fail daemon.setup "scripted servers did not start"
		exit 1
	fi
done

# --- the log socket --------------------------------------------------

SYSLOG=$T_DIR/syslog.log
if [ -e /dev/log ] || [ -L /dev/log ]; then
	# a real syslog: ours goes over it, in the daemon's namespace only
	if ! command -v unshare >/dev/null; then
		fail daemon.setup "/dev/log exists and unshare is missing"
		exit 1
	fi
	LOGSOCK=$T_DIR/log.sock
	LOG_NS=1
else
	LOGSOCK=/dev/log
	LOG_NS=0
fi
t_bg syslogd "$PY" "$T_LIB/syslogd.py" "$LOGSOCK" "$SYSLOG" \
    --ready "$T_DIR/syslog.ready" --lifetime 900
SYSLOGD_PID=$T_BG_PID
if ! wait_file "$T_DIR/syslog.ready" 10; then
	T_SHOW_LOGS+=("$T_DIR/syslogd.log")
	fail daemon.setup "log socket listener did not start"
	exit 1
fi
if [ "$LOG_NS" = 0 ]; then
	# syslogd.py removes the socket when it ends; should it die harder,
	# remove it here, but only if it is still the one it bound
	LOGINO=$(stat -c %i /dev/log)
	t_on_exit "t_kill $SYSLOGD_PID; [ -S /dev/log ] &&" \
	    "[ \"\$(stat -c %i /dev/log)\" = $LOGINO ] && rm -f /dev/log"
fi

# --- configurations --------------------------------------------------

# conf_daemon NAME [KEY = VALUE lines...]: the [daemon] section of
# daemon NAME (state in $T_DIR/NAME, socket $T_DIR/NAME.sock) and the
# [defaults] every target here shares.
conf_daemon() {
	local name=$1
	shift
	cat <<EOF
# smtprobed test configuration ($name), written by tests/scenario/daemon.sh
[daemon]
state-dir = $T_DIR/$name
control-socket = $T_DIR/$name.sock
interval = 1s
jitter = 0
host-spacing = 0
alert-after = 2
clear-after = 2
EOF
	printf '%s\n' "$@"
	cat <<EOF

[defaults]
helo = probe.test.example
ca-file = $CA
tls = verify
rcpt = user@test.example
timeout = all=5s
EOF
}

# conf_host PORT [KEY = VALUE lines...]: [host 127.0.0.1:PORT], probed as
# mx.test.example (the name the certificates carry).
conf_host() {
	local port=$1
	shift
	printf '\n[host 127.0.0.1:%s]\nname = mx.test.example\n' "$port"
	printf '%s\n' "$@"
}

id_of() {
	echo "host:127.0.0.1:$1"
}

D1_CONF=$T_DIR/d1.conf
D1_SOCK=$T_DIR/d1.sock
D2_SOCK=$T_DIR/d2.sock
D4_SOCK=$T_DIR/d4.sock
ID_OK=$(id_of "$PF_OK")
ID_DOWN=$(id_of "$P_DOWN")
ID_CERT=$(id_of "$P_CERT")
ID_RCPT=$(id_of "$P_RCPT")
ID_EVIL1=$(id_of "$EVIL1")
ID_EVIL2=$(id_of "$EVIL2")
ID_CATCH=$(id_of "$PF_CATCHALL")
ID_IMPL=$(id_of "$PF_IMPLICIT")
ID_SLOW=$(id_of "$SLOW")

# d1, first version: six targets
d1_conf_v1() {
	conf_daemon d1
	conf_host "$PF_OK"
	conf_host "$P_DOWN"
	conf_host "$P_CERT"
	conf_host "$P_RCPT"
	conf_host "$EVIL1"
	conf_host "$EVIL2"
}
# v2: the healthy PF_OK target removed, the catch-all added
d1_conf_v2() {
	conf_daemon d1
	conf_host "$P_DOWN"
	conf_host "$P_CERT"
	conf_host "$P_RCPT"
	conf_host "$EVIL1"
	conf_host "$EVIL2"
	conf_host "$PF_CATCHALL"
}
# v3: v2 and the implicit TLS listener
d1_conf_v3() {
	d1_conf_v2
	conf_host "$PF_IMPLICIT" "implicit-tls = yes"
}

d1_conf_v1 >"$D1_CONF"
{
	conf_daemon d2
	conf_host "$P_DOWN"
	conf_host "$P_CERT"
	conf_host "$P_RCPT"
	conf_host "$EVIL1"
	conf_host "$SLOW" "interval = 30s" "tls = may"
} >"$T_DIR/d2.conf"
{
	conf_daemon d4 "store-retention = 3s" "renotify = 4s" \
	    "control-mode = 0666" "control-group = nogroup"
	printf '\n[host 127.0.0.1:%s]\n' "$CLOSED"
	printf '\n[host r2.test.example:%s]\naddr = 127.0.0.1\n' "$CLOSED"
} >"$T_DIR/d4.conf"

# --- smtprobed -n ----------------------------------------------------

drow daemon.conf.check.valid
ROW_OUT=$T_DIR/n-valid.out
"$SMTPROBED" -n -f "$D1_CONF" >"$ROW_OUT" 2>&1
ROW_RC=$?
want_rc 0
grep_row "$ROW_OUT" "$(re "$D1_CONF"): configuration ok, 6 target"
dend

# An unknown key on a known line: the message names file:line and key.
{
	d1_conf_v1
	printf '\n[host 127.0.0.1:%s]\nfrobnicate = yes\n' "$PF_NOTLS"
} >"$T_DIR/bad-key.conf"
BAD_KEY_LINE=$(grep -n '^frobnicate' "$T_DIR/bad-key.conf" | cut -d: -f1)
drow daemon.conf.check.unknown-key
ROW_OUT=$T_DIR/n-badkey.out
"$SMTPROBED" -n -f "$T_DIR/bad-key.conf" >"$ROW_OUT" 2>&1
ROW_RC=$?
want_rc 1
grep_row "$ROW_OUT" "$(re "$T_DIR/bad-key.conf"):$BAD_KEY_LINE: .*frobnicate"
dend

# A bad duration in [daemon].
{
	conf_daemon bad "store-retention = soon"
	conf_host "$PF_OK"
} >"$T_DIR/bad-dur.conf"
BAD_DUR_LINE=$(grep -n '^store-retention' "$T_DIR/bad-dur.conf" | cut -d: -f1)
drow daemon.conf.check.bad-duration
ROW_OUT=$T_DIR/n-baddur.out
"$SMTPROBED" -n -f "$T_DIR/bad-dur.conf" >"$ROW_OUT" 2>&1
ROW_RC=$?
want_rc 1
grep_row "$ROW_OUT" "$(re "$T_DIR/bad-dur.conf"):$BAD_DUR_LINE: .*store-retention.*soon"
dend

# dkim-key: the public key is all the comparison with DNS needs; a
# private key is read too (only its public half is kept, and the log
# says so); a file that holds no key is an error naming file:line, never
# a comparison skipped.
openssl genpkey -algorithm ED25519 -out "$T_DIR/dkim.key" 2>/dev/null
openssl pkey -in "$T_DIR/dkim.key" -pubout -out "$T_DIR/dkim.pub" 2>/dev/null
printf 'not a key\n' >"$T_DIR/notakey.pem"
for k in pub:dkim.pub key:dkim.key notakey:notakey.pem; do
	{
		d1_conf_v1
		printf '\n[domain dkim.test.example]\ndkim-key = s1=%s\n' \
		    "$T_DIR/${k#*:}"
	} >"$T_DIR/dkim-${k%%:*}.conf"
done
DKIM_LINE=$(grep -n '^dkim-key' "$T_DIR/dkim-pub.conf" | cut -d: -f1)

drow daemon.conf.check.dkim-key.public
ROW_OUT=$T_DIR/n-dkim-pub.out
"$SMTPROBED" -n -f "$T_DIR/dkim-pub.conf" >"$ROW_OUT" 2>&1
ROW_RC=$?
want_rc 0
grep_row "$ROW_OUT" "configuration ok, 7 target"
nogrep_row "$ROW_OUT" "private"
dend

drow daemon.conf.check.dkim-key.private
ROW_OUT=$T_DIR/n-dkim-key.out
"$SMTPROBED" -n -f "$T_DIR/dkim-key.conf" >"$ROW_OUT" 2>&1
ROW_RC=$?
want_rc 0
grep_row "$ROW_OUT" "configuration ok, 7 target"
grep_row "$ROW_OUT" "^smtprobed: $(re "$T_DIR/dkim-key.conf"):$DKIM_LINE: dkim-key: $(re "$T_DIR/dkim.key") is a private key: only its public half is kept"
dend

drow daemon.conf.check.dkim-key.unreadable
ROW_OUT=$T_DIR/n-dkim-notakey.out
"$SMTPROBED" -n -f "$T_DIR/dkim-notakey.conf" >"$ROW_OUT" 2>&1
ROW_RC=$?
want_rc 1
grep_row "$ROW_OUT" "^smtprobed: $(re "$T_DIR/dkim-notakey.conf"):$DKIM_LINE: dkim-key: $(re "$T_DIR/notakey.pem"): no PEM key in it"
nogrep_row "$ROW_OUT" "configuration ok"
dend

drow daemon.conf.check.missing-file
ROW_OUT=$T_DIR/n-missing.out
"$SMTPROBED" -n -f "$T_DIR/nosuch.conf" >"$ROW_OUT" 2>&1
ROW_RC=$?
want_rc 1
grep_row "$ROW_OUT" "$(re "$T_DIR/nosuch.conf")"
dend

# --- not running -----------------------------------------------------

cli daemon.client.not-running "$T_DIR/nobody.sock" status
want_rc 3
grep_row "$ROW_ERR" 'is smtprobed running'
dend

$HOSTILE stale "$T_DIR/stale.sock"
cli daemon.client.stale-socket "$T_DIR/stale.sock" targets --json
want_rc 3
grep_row "$ROW_ERR" 'refused.*is smtprobed running'
dend

# --- start d1 (syslog), d2 (-d) and d4 (retention, stale socket) ------

# start_logged NAME ARGS...: smtprobed ARGS, syslog(3) to our listener.
# The PID is the daemon's (unshare and sh exec it).
# When the /dev/log there was at the start is gone by then (another
# test's listener, which ended), ours listens at /dev/log too: a bind
# mount needs the name to exist.
DEVLOG_OWN=0
start_logged() {
	local name=$1 ino
	shift
	if [ "$LOG_NS" = 1 ] && [ "$DEVLOG_OWN" = 0 ] && [ ! -e /dev/log ] &&
	    [ ! -L /dev/log ]; then
		t_bg syslogd-devlog "$PY" "$T_LIB/syslogd.py" /dev/log \
		    "$SYSLOG" --ready "$T_DIR/devlog.ready" --lifetime 900
		if wait_file "$T_DIR/devlog.ready" 5; then
			DEVLOG_OWN=1
			ino=$(stat -c %i /dev/log)
			t_on_exit "t_kill $T_BG_PID; [ -S /dev/log ] &&" \
			    "[ \"\$(stat -c %i /dev/log)\" = $ino ] &&" \
			    "rm -f /dev/log"
		fi
	fi
	if [ "$LOG_NS" = 1 ] && [ "$DEVLOG_OWN" = 0 ]; then
		t_bg "$name" unshare -m sh -c \
		    'mount --bind "$0" /dev/log && exec "$@"' \
		    "$LOGSOCK" "$SMTPROBED" "$@"
	else
		t_bg "$name" "$SMTPROBED" "$@"
	fi
}

T_SHOW_LOGS+=("$SYSLOG" "$T_DIR/d1.log" "$T_DIR/d2.log")
T_START_D=$(date +%s)
start_logged d1 -f "$D1_CONF"
D1_PID=$T_BG_PID
t_bg d2 "$SMTPROBED" -d -f "$T_DIR/d2.conf"
D2_PID=$T_BG_PID
$HOSTILE stale "$D4_SOCK"
t_bg d4 "$SMTPROBED" -d -f "$T_DIR/d4.conf"
D4_PID=$T_BG_PID

if ! wait_answer "$D1_SOCK" 10 || ! wait_answer "$D2_SOCK" 10; then
	fail daemon.start "smtprobed did not answer on its control socket"
	exit 1
fi
SL="^<[0-9]+>[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} smtprobed\\[$D1_PID\\]: "

drow daemon.start.syslog
wait_grep "$SYSLOG" "${SL}started: 6 target" 5 ||
    why "no \"started\" line from smtprobed[$D1_PID] in the captured syslog"
[ -s "$T_DIR/d1.log" ] && why "syslog mode wrote to stderr: $(head -c 200 "$T_DIR/d1.log")"
dend

drow daemon.start.stale-socket
wait_answer "$D4_SOCK" 5 || why "d4 does not answer on $D4_SOCK (a stale socket file was there)"
grep_row "$T_DIR/d4.log" 'started: 2 target'
dend

# Modes: the socket 0660 by default (0666 and group nogroup when the
# configuration says so), the database 0640, the state directory 0750.
drow daemon.start.modes
m=$(stat -c '%a %U %G' "$D1_SOCK")
[ "$m" = "660 root root" ] || why "$D1_SOCK is $m, expected 660 root root"
m=$(stat -c '%a %U %G' "$D4_SOCK")
[ "$m" = "666 root nogroup" ] || why "$D4_SOCK is $m, expected 666 root nogroup"
m=$(stat -c %a "$T_DIR/d1/smtprobed.db")
[ "$m" = 640 ] || why "the database is mode $m, expected 640"
m=$(stat -c %a "$T_DIR/d1")
[ "$m" = 750 ] || why "the state directory is mode $m, expected 750"
dend

# Peer credentials: d4's socket is world-writable, so the check is the
# daemon's own: root, its user, or its group (nogroup) only.
if command -v setpriv >/dev/null; then
	drow daemon.ctl.peercred.group-allowed
	ROW_OUT=$T_DIR/peercred-group.out
	ROW_CMD="setpriv --reuid=nobody --regid=nogroup smtprobe status"
	timeout 10 setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$SMTPROBE" status --json -s "$D4_SOCK" >"$ROW_OUT" 2>&1
	ROW_RC=$?
	want_rc 0
	cq match 0.ok true
	dend

	# a member by a supplementary group is one too (SO_PEERGROUPS)
	drow daemon.ctl.peercred.supplementary-group
	ROW_OUT=$T_DIR/peercred-supplementary.out
	ROW_CMD="setpriv --reuid=nobody --regid=daemon --groups=nogroup smtprobe status"
	timeout 10 setpriv --reuid=nobody --regid=daemon --groups=nogroup \
	    "$SMTPROBE" status --json -s "$D4_SOCK" >"$ROW_OUT" 2>&1
	ROW_RC=$?
	want_rc 0
	cq match 0.ok true
	dend

	drow daemon.ctl.peercred.refused
	ROW_OUT=$T_DIR/peercred-refused.out
	ROW_CMD="setpriv --reuid=nobody --regid=daemon smtprobe status"
	timeout 10 setpriv --reuid=nobody --regid=daemon --clear-groups \
	    "$SMTPROBE" status -s "$D4_SOCK" >"$ROW_OUT" 2>&1
	ROW_RC=$?
	want_rc 1
	grep_row "$ROW_OUT" 'permission denied'
	nogrep_row "$ROW_OUT" 'uptime'
	grep_row "$T_DIR/d4.log" 'control: uid 65534 refused'
	dend
else
	skip daemon.ctl.peercred.group-allowed "setpriv (util-linux) missing"
	skip daemon.ctl.peercred.refused "setpriv (util-linux) missing"
fi

# --- d1 healthy: every control command ---------------------------------

# Both scripted servers alert after two runs; by then every target ran.
wait_grep "$SYSLOG" "${SL}ALERT target=$(re "$ID_EVIL2") " 15
wait_status "$D1_SOCK" probes_run 12 10

# Followers from here to the end of d1: JSON and human.
FOLLOW_J=$T_DIR/follow.json
FOLLOW_H=$T_DIR/follow.txt
"$SMTPROBE" follow --json -s "$D1_SOCK" >"$FOLLOW_J" \
    2>"$T_DIR/follow-json.err" </dev/null &
FOLLOW_J_PID=$!
"$SMTPROBE" follow -s "$D1_SOCK" >"$FOLLOW_H" 2>"$T_DIR/follow-human.err" \
    </dev/null &
FOLLOW_H_PID=$!
T_PIDS+=("$FOLLOW_J_PID" "$FOLLOW_H_PID")

wait_drained "$D1_SOCK" 10
cli daemon.ctl.status "$D1_SOCK" status --json
want_rc 0
cq lines eq 1
cq match 0.version 1
cq match 0.ok true
cq type 0.uptime int
cq range 0.uptime 0 300
cq match 0.targets 6
cq ge 0.probes_run 12
cq type 0.in_flight int
cq range 0.in_flight 0 6
cq match 0.open_alerts 2
cq type 0.store object
cq ge 0.store.size 4096
cq ge 0.store.rows 12
cq match 0.store.errors 0
cq match 0.store.dropped 0
dend

cli daemon.ctl.status.human "$D1_SOCK" status
want_rc 0
# humanised: "3m 12s (since 2026-...Z)", "56.0 KiB"
grep_row "$ROW_OUT" '^uptime +[0-9]+[smh]( [0-9]+[smh])? \(since 20[0-9-]+ [0-9:]+Z\)$'
grep_row "$ROW_OUT" '^targets +6$'
grep_row "$ROW_OUT" '^probes run +[0-9]+'
grep_row "$ROW_OUT" '^in flight +[0-9]+'
grep_row "$ROW_OUT" '^open alerts +2$'
grep_row "$ROW_OUT" '^store +[0-9.]+ (bytes|KiB|MiB|GiB); since start [0-9]+ rows written'
dend

cli daemon.ctl.targets "$D1_SOCK" targets --json
want_rc 0
cq match 0.ok true
cq match 0.version 1
cq len 0.targets eq 6
for id in "$ID_OK" "$ID_DOWN" "$ID_CERT" "$ID_RCPT"; do
	cq some 0.targets "target=$(re "$id")" kind=host interval_s=1 \
	    status=ok open_alerts=0
done
cq some 0.targets "target=$(re "$ID_EVIL1")" status=crit open_alerts=1
cq some 0.targets "target=$(re "$ID_EVIL2")" status=crit open_alerts=1
cq range 0.targets.*.last_run "$T_START_D" "$(( $(date +%s) + 1 ))"
dend

cli daemon.ctl.targets.human "$D1_SOCK" targets
want_rc 0
grep_row "$ROW_OUT" '^TARGET +KIND +STATUS +ALERTS +LAST RUN +NEXT'
# a target in a run says so (interval 1s: it may well be)
grep_row "$ROW_OUT" "^$(re "$ID_OK") +host +(ok|running) +0 +20[0-9-]+ [0-9:]+Z +(in [0-9]+s|running now)$"
grep_row "$ROW_OUT" "^$(re "$ID_EVIL1") +host +crit +1 "
dend

cli daemon.ctl.show.healthy "$D1_SOCK" show "$ID_OK" --json
want_rc 0
cq match 0.ok true
cq match 0.target "$(re "$ID_OK")"
cq len 0.alerts eq 0
cq match 0.last.status ok
cq some 0.last.sessions "port=$PF_OK" addr=127.0.0.1 outcome=ok
cq range 0.last.at "$T_START_D" "$(( $(date +%s) + 1 ))"
dend

cli daemon.ctl.show.alerting "$D1_SOCK" show "$ID_EVIL1" --json
want_rc 0
cq some 0.alerts host=mx.test.example addr=127.0.0.1 "port=$EVIL1" \
    'finding=smtp\..*' layer=smtp severity=crit open=true \
    'fails=([2-9]|[1-9][0-9]+)' \
    'evidence=.*go .away. zzz.*'
cq match 0.last.status crit
dend

cli daemon.ctl.show.human "$D1_SOCK" show "$ID_EVIL1"
want_rc 0
grep_row "$ROW_OUT" "^$(re "$ID_EVIL1"): crit$"
grep_row "$ROW_OUT" "^open +smtp\.[a-z.]+ +mx\.test\.example +$EVIL1 +crit +20"
grep_row "$ROW_OUT" '^last run 20'
dend

cli daemon.ctl.show.no-such-target "$D1_SOCK" show host:nosuch.example:25
want_rc 1
grep_row "$ROW_ERR" '^smtprobe: show: no such target "host:nosuch\.example:25"; see `smtprobe targets`'
dend

cli daemon.ctl.show.usage "$D1_SOCK" show
want_rc 3
grep_row "$ROW_ERR" 'usage'
dend

# probe: d2's slow target runs every 30 s and its first run is over by
# now: a probe starts a run (3 s, the server's greeting delay) and
# replies with it.
T_PROBE0=$(date +%s)
cli daemon.ctl.probe "$D2_SOCK" probe "$ID_SLOW" --json
# the result's status, as smtprobe check exits: ok 0, warn 1
case $(jval "$ROW_OUT" result.status) in
ok) want_rc 0 ;;
warn) want_rc 1 ;;
*) why "status $(jval "$ROW_OUT" result.status)" ;;
esac
[ "$ROW_MS" -ge 2500 ] && [ "$ROW_MS" -lt 15000 ] ||
    why "probe took $ROW_MS ms; the session alone takes 3 s"
cq lines eq 1
cq match 0.ok true
cq match 0.version 1
cq match 0.result.target "$(re "$ID_SLOW")"
cq match 0.result.status '(ok|warn)'
cq match 0.result.full_audit true
cq range 0.result.at "$T_PROBE0" "$(( $(date +%s) + 1 ))"
cq some 0.result.sessions "port=$SLOW" outcome=ok
dend

# A probe while a run is in flight: "run now" means a run that starts
# after the request, not the one already under way. The second request
# is sent once the daemon shows the first one's run under way; its run
# can only start when that one has ended, after the server's 3 s
# greeting, so the two runs' start times are 3 s apart or more.
T_PROBE0=$(date +%s)
"$SMTPROBE" probe "$ID_SLOW" --json -s "$D2_SOCK" >"$T_DIR/probe-first.json" \
    2>&1 </dev/null &
PROBE_FIRST=$!
RUNNING=0
wait_running "$D2_SOCK" "$ID_SLOW" 10 && RUNNING=1
T_PROBE1=$(date +%s)
cli daemon.ctl.probe.in-flight "$D2_SOCK" probe "$ID_SLOW" --json
[ "$ROW_RC" = 0 ] || [ "$ROW_RC" = 1 ] || why "exit status $ROW_RC (ok or warn)"
[ "$RUNNING" = 1 ] ||
    why "the first probe's run never showed as running (targets --json)"
wait "$PROBE_FIRST"
A=$(jval "$T_DIR/probe-first.json" result.at)
B=$(jval "$ROW_OUT" result.at)
if [ -z "$A" ] || [ -z "$B" ]; then
	why "no result.at in the replies (first: \"$A\", second: \"$B\")"
elif [ "$A" -lt "$T_PROBE0" ] || [ "$B" -lt $((A + 3)) ]; then
	why "runs started at $A (first probe, sent at $T_PROBE0) and $B" \
	    "(second, sent at $T_PROBE1): the second is not a run after the first"
fi
cq match 0.ok true
cq range 0.result.at "$T_PROBE1" "$(( $(date +%s) + 1 ))"
dend

cli daemon.ctl.probe.human "$D1_SOCK" probe "$ID_EVIL2"
want_rc 2	# crit, as smtprobe check would exit
grep_row "$ROW_OUT" "^$(re "$ID_EVIL2"): crit$"
grep_row "$ROW_OUT" "^  crit smtp\."
dend

cli daemon.ctl.probe.no-such-target "$D1_SOCK" probe host:nosuch.example:25
want_rc 3	# a plugin that cannot tell is UNKNOWN
grep_row "$ROW_ERR" 'no such target'
dend

# history: --since/--until/--limit are applied by the store.
T_HNOW=$(date +%s)
wait_drained "$D1_SOCK" 10
cli daemon.ctl.history "$D1_SOCK" history "$ID_OK" --json \
    --since "@$T_START_D" --until "@$T_HNOW" --limit 2
want_rc 0
cq match 0.ok true
cq match 0.target "$(re "$ID_OK")"
cq len 0.history.sessions eq 2
cq match 0.history.truncated true
cq range 0.history.sessions.*.at "$T_START_D" "$T_HNOW"
cq all 0.history.sessions.*.port "$PF_OK"
cq all 0.history.sessions.*.outcome ok
cq len 0.history.sessions.0.phases ge 3
dend

cli daemon.ctl.history.limit "$D1_SOCK" history "$ID_EVIL1" --json --limit 1
want_rc 0
cq len 0.history.sessions eq 1
cq some 0.history.sessions.0.findings 'id=smtp\..*' severity=crit
cq some 0.history.alerts event=raised 'finding=smtp\..*' severity=crit
dend

# More than the most (10000) is refused, never quietly made the most:
# by the command, and by the daemon when a client sends it.
cli daemon.ctl.history.limit-above-max "$D1_SOCK" history "$ID_OK" --json \
    --limit 20000
want_rc 3
grep_row "$ROW_ERR" 'limit: "20000" is not a number from 1 to 10000'
dend
drow daemon.ctl.history.limit-above-max.daemon
ROW_OUT=$T_DIR/limit-max.json
printf '{"cmd":"history","target":"%s","limit":20000}\n{"cmd":"history","target":"%s","limit":0}\n' \
    "$ID_OK" "$ID_OK" | $PY -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read()); s.shutdown(socket.SHUT_WR)
f = s.makefile("rb")
for _ in range(2): sys.stdout.write(f.readline().decode())' "$D1_SOCK" >"$ROW_OUT" 2>&1
cq match 0.ok false
cq match 0.error '"limit" is not a number from 1 to 10000'
cq match 1.ok false
cq match 1.error '"limit" is not a number from 1 to 10000'
dend

cli daemon.ctl.history.future "$D1_SOCK" history "$ID_OK" --json \
    --since "@$(( T_HNOW + 3600 ))"
want_rc 0
cq match 0.ok true
cq len 0.history.sessions eq 0
dend

cli daemon.ctl.history.until-past "$D1_SOCK" history "$ID_OK" --json \
    --until "@$(( T_START_D - 3600 ))"
want_rc 0
cq len 0.history.sessions eq 0
dend

cli daemon.ctl.history.human "$D1_SOCK" history "$ID_OK" --limit 3
want_rc 0
# a table: a header, then one row per session: when, host, addr, port, outcome
grep -q '^WHEN  *HOST  *ADDR  *PORT  *OUTCOME' "$ROW_OUT" ||
    why "no session table header"
[ "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}Z .* ok +[0-9]+ ' \
    "$ROW_OUT")" -eq 3 ] ||
    why "expected 3 session rows printed"
dend

cli daemon.ctl.history.bad-number "$D1_SOCK" history "$ID_OK" --limit many
want_rc 3
grep_row "$ROW_ERR" 'limit.*many.*not a number'
dend

# --- break the three listeners -------------------------------------------

pf_break() {
	sed -i "s/^127\\.0\\.0\\.1:$P_DOWN\\t/#&/" "$PF_CONF/master.cf"
	cp "$PF_DIR/certs/expired.crt" "$PF_DIR/certs/swap.crt"
	cp "$PF_DIR/certs/expired.key" "$PF_DIR/certs/swap.key"
	grep -v '^user@' "$PF_CONF/vmailbox" >"$PF_CONF/vmailbox_rcpt"
	pf_cmd reload >>"$PF_DIR/postfix.log" 2>&1
}

pf_heal() {
	sed -i "s/^#\\(127\\.0\\.0\\.1:$P_DOWN\\t\\)/\\1/" "$PF_CONF/master.cf"
	cp "$PF_DIR/certs/valid.crt" "$PF_DIR/certs/swap.crt"
	cp "$PF_DIR/certs/valid.key" "$PF_DIR/certs/swap.key"
	cp "$PF_CONF/vmailbox" "$PF_CONF/vmailbox_rcpt"
	pf_cmd reload >>"$PF_DIR/postfix.log" 2>&1
}

# Syslog lines of d1 at a priority: daemon.warning (28) for ALERT,
# daemon.notice (29) for RECOVERED.
slp() {
	echo "^<$1>[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} smtprobed\\[$D1_PID\\]: "
}
ISO='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
declare -A SINCE SINCE_ISO

# alert_row ROW FILE PREFIX ID PORT FINDING LAYER EVIDENCE-REGEX NOT-BEFORE
# One ALERT line for (ID, FINDING) in FILE, every field as expected,
# "since" not before NOT-BEFORE, nothing but printable ASCII. Remembers
# since in SINCE[FILE:ID] (epoch) and SINCE_ISO[FILE:ID] for rec_row.
alert_row() {
	local row=$1 file=$2 pfx=$3 id=$4 port=$5 f=$6 layer=$7 ev=$8 lo=$9
	local any full lines n s sn
	drow "$row"
	any="${pfx}ALERT target=$(re "$id") .*finding=$(re "$f") "
	full="${pfx}ALERT target=$(re "$id") host=mx\\.test\\.example"
	full+=" addr=127\\.0\\.0\\.1 port=$port finding=$(re "$f") severity=crit"
	full+=" layer=$layer since=($ISO) evidence=\"($ev)\"\$"
	lines=$(grep -E -- "$any" "$file")
	n=$(grep -Ec -- "$any" "$file")
	if [ "$n" != 1 ]; then
		why "$n ALERT lines for $id $f, expected 1"
	fi
	if ! grep -Eq -- "$full" <<<"$lines"; then
		why "ALERT line not as expected: $(head -n1 <<<"$lines" | cut -c1-400)"
	fi
	if LC_ALL=C grep -q '[^[:print:]]\|\\x[0-9a-f][0-9a-f]' <<<"$lines"; then
		why "control bytes in the ALERT line"
	fi
	s=$(sed -nE "s/.* since=($ISO) .*/\\1/p" <<<"$lines" | head -n1)
	SINCE_ISO[$file:$id]=$s
	sn=$(epoch "$s")
	SINCE[$file:$id]=$sn
	if [ -z "$sn" ] || [ "$sn" -lt $((lo - 1)) ] ||
	    [ "$sn" -gt "$(date +%s)" ]; then
		why "since=$s is not between the break ($lo) and now"
	fi
	dend
}

# rec_row ROW FILE PREFIX ID PORT FINDING LAYER HEALED-AT
rec_row() {
	local row=$1 file=$2 pfx=$3 id=$4 port=$5 f=$6 layer=$7 healed=$8
	local any full lines n d now sn
	drow "$row"
	now=$(date +%s)
	any="${pfx}RECOVERED target=$(re "$id") .*finding=$(re "$f") "
	full="${pfx}RECOVERED target=$(re "$id") host=mx\\.test\\.example"
	full+=" addr=127\\.0\\.0\\.1 port=$port finding=$(re "$f") severity=crit"
	full+=" layer=$layer since=$(re "${SINCE_ISO[$file:$id]}") duration=([0-9]+)s\$"
	lines=$(grep -E -- "$any" "$file")
	n=$(grep -Ec -- "$any" "$file")
	[ "$n" = 1 ] || why "$n RECOVERED lines for $id $f, expected 1"
	if ! grep -Eq -- "$full" <<<"$lines"; then
		why "RECOVERED line not as expected (since ${SINCE_ISO[$file:$id]}):" \
		    "$(head -n1 <<<"$lines" | cut -c1-400)"
	fi
	if LC_ALL=C grep -q '[^[:print:]]\|\\x[0-9a-f][0-9a-f]' <<<"$lines"; then
		why "control bytes in the RECOVERED line"
	fi
	d=$(sed -nE 's/.* duration=([0-9]+)s$/\1/p' <<<"$lines" | head -n1)
	sn=${SINCE[$file:$id]:-0}
	if [ -z "$d" ] || [ "$d" -lt $((healed - sn - 1)) ] ||
	    [ "$d" -gt $((now - sn + 1)) ]; then
		why "duration=${d}s, expected from $((healed - sn)) to" \
		    "$((now - sn))"
	fi
	dend
}

# after_runs FOLLOW-JSON ID TRANSITION N: in the follow stream, the
# alert event came with the N-th consecutive failing (raised) or passing
# (cleared) result of ID: N - 1 such results before it (the N-th result
# is broadcast after its alert), and a result of the other kind before
# those. Results carry no finding ids: a run cut short by the breakage
# (the listener closed mid-session) fails with another finding, so one
# more failing result is allowed before "raised"; "cleared" is exact.
after_runs() {
	"$PY" - "$@" <<'EOF'
import json, sys
path, target, trans, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ev = [json.loads(l) for l in open(path) if l.strip()]
ev = [e for e in ev if e.get("target") == target]
idx = [i for i, e in enumerate(ev) if e.get("event") == "alert" and
       e.get("transition") == trans]
if len(idx) != 1:
    print("%d %s alert events for %s, expected 1" % (len(idx), trans, target))
    sys.exit(1)
bad = (lambda s: s != "ok") if trans == "raised" else (lambda s: s == "ok")
run = 0
i = idx[0] - 1
while i >= 0 and ev[i].get("event") != "result":
    i -= 1
while i >= 0:
    e = ev[i]
    if e.get("event") == "result":
        if not bad(e.get("status")):
            break
        run += 1
    i -= 1
if i < 0:
    print("no result of the other kind before the %s event" % trans)
    sys.exit(1)
if run < n - 1 or run > (n if trans == "raised" else n - 1):
    print("%s after %d consecutive results, expected %d (+ the one after it)"
          % (trans, run, n - 1))
    sys.exit(1)
EOF
}

L_BREAK=$(wc -l <"$SYSLOG")
T_BREAK=$(date +%s)
pf_break
for id in "$ID_DOWN" "$ID_CERT" "$ID_RCPT"; do
	wait_grep "$SYSLOG" "$(slp 28)ALERT target=$(re "$id") " 20
	wait_grep "$T_DIR/d2.log" "^smtprobed: ALERT target=$(re "$id") " 10
done
EXPIRED_END=$(date -u -d "$(openssl x509 -in "$T_DIR/ca/expired.crt" \
    -noout -enddate | cut -d= -f2)" +%Y-%m-%dT%H:%M:%SZ)
EV_DOWN="connect to 127\\.0\\.0\\.1 port $P_DOWN: Connection refused"
EV_CERT=".*notAfter=$EXPIRED_END.*CN=mx\\.test\\.example.*"
EV_RCPT=".*550 5\\.1\\.1.*user@test\\.example.*"

# where_lines syslog|stderr PRI: $file and $pfx, the lines of d1 in the
# captured syslog at PRI, or of d2 (-d) on its stderr.
where_lines() {
	case $1 in
	syslog)	file=$SYSLOG; pfx=$(slp "$2") ;;
	stderr)	file=$T_DIR/d2.log; pfx='^smtprobed: ' ;;
	esac
}

for how in syslog stderr; do
	where_lines "$how" 28
	alert_row "daemon.alert.net.connect.refused.$how" "$file" "$pfx" \
	    "$ID_DOWN" "$P_DOWN" net.connect.refused net "$EV_DOWN" "$T_BREAK"
	alert_row "daemon.alert.tls.cert.expired.$how" "$file" "$pfx" \
	    "$ID_CERT" "$P_CERT" tls.cert.expired tls "$EV_CERT" "$T_BREAK"
	alert_row "daemon.alert.policy.rcpt.unknown-user.$how" "$file" "$pfx" \
	    "$ID_RCPT" "$P_RCPT" policy.rcpt.unknown-user policy "$EV_RCPT" \
	    "$T_BREAK"
done

# Nothing alerted for the three before the break.
drow daemon.alert.not-before-break
head -n "$L_BREAK" "$SYSLOG" >"$T_DIR/syslog-before-break"
for id in "$ID_DOWN" "$ID_CERT" "$ID_RCPT" "$ID_OK"; do
	nogrep_row "$T_DIR/syslog-before-break" "ALERT target=$(re "$id") "
done
dend

# Server text with ESC, BEL, NUL, CR, DEL and 0xff in it: the lines carry
# it sanitised, and not one datagram from smtprobed had a control byte.
for how in syslog stderr; do
	where_lines "$how" 28
	drow "daemon.alert.sanitised.$how"
	grep_row "$file" "${pfx}ALERT target=$(re "$ID_EVIL1") host=mx\\.test\\.example addr=127\\.0\\.0\\.1 port=$EVIL1 finding=smtp\\.[a-z.]+ severity=crit layer=smtp since=$ISO evidence=\"[^\"]*go .away. zzzz[^\"]*\"\$"
	# 3000 bytes of server text: the evidence stays bounded
	grep_row "$file" "${pfx}ALERT target=$(re "$ID_EVIL1") .* evidence=\"[^\"]{1,300}\"\$"
	n=$(grep -E "${pfx}ALERT target=$(re "$ID_EVIL1") " "$file" | wc -L)
	[ "$n" -le 1024 ] || why "an ALERT line of $n bytes"
	if [ "$how" = syslog ]; then
		grep_row "$file" "${pfx}ALERT target=$(re "$ID_EVIL2") .*evidence=\"[^\"]*one[^\"]*two[^\"]*\"\$"
		nogrep_row "$SYSLOG.ctl" 'smtprobed'
		nogrep_row "$file" 'smtprobed\[[0-9]+\]: .*\\x[0-9a-f]{2}'
	else
		if LC_ALL=C grep -q '[^[:print:]]' "$file"; then
			why "a control byte in d2's stderr: $(LC_ALL=C grep -m1 '[^[:print:]]' "$file" | cat -v | cut -c1-200)"
		fi
	fi
	dend
done

for id in "$ID_DOWN" "$ID_CERT" "$ID_RCPT"; do
	drow "daemon.alert.after-runs.raised.${id##*:}"
	out=$(after_runs "$FOLLOW_J" "$id" raised 2) || why "$out"
	dend
done

cli daemon.ctl.show.open "$D1_SOCK" show "$ID_DOWN" --json
want_rc 0
cq some 0.alerts host=mx.test.example addr=127.0.0.1 "port=$P_DOWN" \
    finding=net.connect.refused layer=net severity=crit open=true \
    'fails=([2-9]|[1-9][0-9]+)' "since=${SINCE[$SYSLOG:$ID_DOWN]}" \
    "evidence=$EV_DOWN"
cq match 0.last.status crit
cq some 0.last.findings id=net.connect.refused "port=$P_DOWN"
dend

cli daemon.ctl.status.open "$D1_SOCK" status --json
cq match 0.open_alerts 5
dend

wait_drained "$D1_SOCK" 10
cli daemon.ctl.history.alerts "$D1_SOCK" history "$ID_CERT" --json \
    --since "@$T_BREAK"
want_rc 0
cq some 0.history.alerts event=raised finding=tls.cert.expired \
    "since=${SINCE[$SYSLOG:$ID_CERT]}" severity=crit layer=tls
cq some 0.history.sessions.*.findings id=tls.cert.expired severity=crit
cq range 0.history.sessions.*.at "$T_BREAK" "$(( $(date +%s) + 1 ))"
dend

# --- reload while alerts are open -------------------------------------

# conf_lines FILE REGEX: the line number of the first line matching.
conf_line() {
	grep -n -- "$2" "$1" | head -n1 | cut -d: -f1
}

# alert lines of d1 so far, per target: a reload must add none
count_alerts() {
	grep -Ec "$(slp 28)ALERT target=$(re "$1") " "$SYSLOG"
}

P0=$(status_of "$D1_SOCK" probes_run)
L_RELOAD=$(wc -l <"$SYSLOG")
T_RELOAD=$(date +%s)
d1_conf_v2 >"$D1_CONF"
kill -HUP "$D1_PID"

drow daemon.reload.sighup.logged
wait_grep "$SYSLOG" "$(slp 30)reloaded $(re "$D1_CONF"): 6 targets" 10 ||
    why "no \"reloaded ... 6 targets\" line at daemon.info"
dend

cli daemon.reload.sighup.targets "$D1_SOCK" targets --json
want_rc 0
cq len 0.targets eq 6
cq none 0.targets "target=$(re "$ID_OK")"
cq some 0.targets "target=$(re "$ID_CATCH")"
cq some 0.targets "target=$(re "$ID_DOWN")" open_alerts=1
dend

cli daemon.reload.sighup.removed-target "$D1_SOCK" show "$ID_OK"
want_rc 1
grep_row "$ROW_ERR" 'no such target'
dend

cli daemon.reload.sighup.alert-kept "$D1_SOCK" show "$ID_DOWN" --json
want_rc 0
cq some 0.alerts finding=net.connect.refused open=true \
    "since=${SINCE[$SYSLOG:$ID_DOWN]}"
cq match 0.last.status crit
dend

wait_drained "$D1_SOCK" 10
cli daemon.reload.sighup.history-kept "$D1_SOCK" history "$ID_DOWN" --json \
    --since "@$T_START_D" --until "@$(( T_RELOAD - 1 ))" --limit 1000
want_rc 0
cq len 0.history.sessions ge 4
cq some 0.history.sessions outcome=ok
cq some 0.history.alerts event=raised finding=net.connect.refused
dend

# Two more runs of everything (six targets), then: no new ALERT line for
# the open alerts, none cleared, and the new target ran. Without those
# runs the row would hold of an idle daemon: they must have happened.
RAN=0
wait_status "$D1_SOCK" probes_run $((P0 + 12)) 15 && RAN=1
drow daemon.reload.sighup.no-new-alert
[ "$RAN" = 1 ] || why "fewer than 12 runs after the reload in 15 s" \
    "($(status_of "$D1_SOCK" probes_run) in all, $P0 before)"
for id in "$ID_DOWN" "$ID_CERT" "$ID_RCPT" "$ID_EVIL1" "$ID_EVIL2"; do
	n=$(count_alerts "$id")
	[ "$n" = 1 ] || why "$n ALERT lines for $id after the reload, expected 1"
done
tail -n +"$((L_RELOAD + 1))" "$SYSLOG" >"$T_DIR/syslog-after-reload"
nogrep_row "$T_DIR/syslog-after-reload" "smtprobed\\[$D1_PID\\]: (RECOVERED|ALERT) "
ROW_OUT=$T_DIR/reload-status.json
"$SMTPROBE" status --json -s "$D1_SOCK" >"$ROW_OUT" 2>&1
cq match 0.open_alerts 5
cq match 0.targets 6
dend

cli daemon.reload.new-target-runs "$D1_SOCK" show "$ID_CATCH" --json
want_rc 0
cq match 0.last.status ok
cq range 0.last.at "$T_RELOAD" "$(( $(date +%s) + 1 ))"
dend

d1_conf_v3 >"$D1_CONF"
cli daemon.reload.ctl.valid "$D1_SOCK" reload --json
want_rc 0
cq lines eq 1
cq match 0.ok true
cq match 0.targets 7
cq match 0.version 1
dend

cli daemon.reload.ctl.valid.human "$D1_SOCK" reload
want_rc 0
grep_row "$ROW_OUT" '^reloaded: 7 target\(s\)$'
dend

cli daemon.reload.ctl.targets "$D1_SOCK" targets --json
cq len 0.targets eq 7
cq some 0.targets "target=$(re "$ID_IMPL")"
cq some 0.targets "target=$(re "$ID_DOWN")" open_alerts=1
dend

# An invalid file: the error names file:line; the running configuration
# stays (seven targets, alerts open).
{
	d1_conf_v3
	printf '\n[host 127.0.0.1:%s]\ninterval = soon\n' "$PF_NOTLS"
} >"$D1_CONF"
BAD_LINE=$(conf_line "$D1_CONF" '^interval = soon')
kill -HUP "$D1_PID"
drow daemon.reload.sighup.invalid
wait_grep "$SYSLOG" "$(slp 28)reload: $(re "$D1_CONF"):$BAD_LINE: .*interval.*soon.*keeping the running configuration" 10 ||
    why "no \"reload: $D1_CONF:$BAD_LINE: ... keeping\" line at daemon.warning"
ROW_OUT=$T_DIR/reload-invalid-targets.json
"$SMTPROBE" targets --json -s "$D1_SOCK" >"$ROW_OUT" 2>&1
cq len 0.targets eq 7
cq none 0.targets "target=$(re "$(id_of "$PF_NOTLS")")"
cq some 0.targets "target=$(re "$ID_DOWN")" open_alerts=1
dend

cli daemon.reload.ctl.invalid "$D1_SOCK" reload
want_rc 1
grep_row "$ROW_ERR" "^smtprobe: reload: $(re "$D1_CONF"):$BAD_LINE: .*interval"
dend

cli daemon.reload.ctl.invalid.json "$D1_SOCK" reload --json
want_rc 1
cq match 0.ok false
cq match 0.version 1
cq match 0.error "$(re "$D1_CONF"):$BAD_LINE: .*interval.*"
dend

cli daemon.reload.ctl.invalid.kept "$D1_SOCK" status --json
want_rc 0
cq match 0.targets 7
cq match 0.open_alerts 5
dend

# A dkim-key file that holds no key fails the reload the same way.
{
	d1_conf_v3
	printf '\n[host 127.0.0.1:%s]\ndkim-key = s1=%s\n' "$PF_NOTLS" \
	    "$T_DIR/notakey.pem"
} >"$D1_CONF"
BAD_LINE=$(conf_line "$D1_CONF" '^dkim-key')
cli daemon.reload.ctl.dkim-key-unreadable "$D1_SOCK" reload
want_rc 1
grep_row "$ROW_ERR" "^smtprobe: reload: $(re "$D1_CONF"):$BAD_LINE: dkim-key: $(re "$T_DIR/notakey.pem"): no PEM key in it"
dend
d1_conf_v3 >"$D1_CONF"

# --- heal: RECOVERED -------------------------------------------------

T_HEAL=$(date +%s)
pf_heal
for id in "$ID_DOWN" "$ID_CERT" "$ID_RCPT"; do
	wait_grep "$SYSLOG" "$(slp 29)RECOVERED target=$(re "$id") " 20
	wait_grep "$T_DIR/d2.log" "^smtprobed: RECOVERED target=$(re "$id") " 10
done

for how in syslog stderr; do
	where_lines "$how" 29
	rec_row "daemon.recovered.net.connect.refused.$how" "$file" "$pfx" \
	    "$ID_DOWN" "$P_DOWN" net.connect.refused net "$T_HEAL"
	rec_row "daemon.recovered.tls.cert.expired.$how" "$file" "$pfx" \
	    "$ID_CERT" "$P_CERT" tls.cert.expired tls "$T_HEAL"
	rec_row "daemon.recovered.policy.rcpt.unknown-user.$how" "$file" \
	    "$pfx" "$ID_RCPT" "$P_RCPT" policy.rcpt.unknown-user policy \
	    "$T_HEAL"
done

for id in "$ID_DOWN" "$ID_CERT" "$ID_RCPT"; do
	drow "daemon.recovered.after-runs.${id##*:}"
	out=$(after_runs "$FOLLOW_J" "$id" cleared 2) || why "$out"
	dend
done

cli daemon.ctl.show.recovered "$D1_SOCK" show "$ID_DOWN" --json
want_rc 0
cq len 0.alerts eq 0
cq match 0.last.status ok
dend

cli daemon.ctl.status.recovered "$D1_SOCK" status --json
cq match 0.open_alerts 2
dend

drow daemon.store.alert-transitions
ROW_OUT=$T_DIR/store-transitions.txt
sqlite3 "$T_DIR/d1/smtprobed.db" "SELECT event, finding, since, \
    coalesce(duration, '-') FROM alert_events WHERE target = '$ID_DOWN' \
    ORDER BY id; SELECT 'open', count(*) FROM alerts WHERE target = \
    '$ID_DOWN';" >"$ROW_OUT" 2>&1
D=$(sed -nE "s/.* RECOVERED target=$(re "$ID_DOWN") .* duration=([0-9]+)s\$/\\1/p" "$SYSLOG")
[ "$(cat "$ROW_OUT")" = "raised|net.connect.refused|${SINCE[$SYSLOG:$ID_DOWN]}|-
cleared|net.connect.refused|${SINCE[$SYSLOG:$ID_DOWN]}|$D
open|0" ] || why "alert_events/alerts of $ID_DOWN: $(tr '\n' ' ' <"$ROW_OUT")"
dend

drow daemon.ctl.follow.json
ROW_OUT=$FOLLOW_J
ROW_ERR=$T_DIR/follow-json.err
cq match 0.ok true
cq match 0.following true
cq match 0.version 1
cq some '*' event=alert transition=raised "target=$(re "$ID_DOWN")" \
    host=mx.test.example addr=127.0.0.1 "port=$P_DOWN" \
    finding=net.connect.refused severity=crit \
    "line=ALERT target=$(re "$ID_DOWN") .*" 'version=1'
cq some '*' event=alert transition=cleared "target=$(re "$ID_CERT")" \
    finding=tls.cert.expired "line=RECOVERED target=$(re "$ID_CERT") .*"
cq some '*' event=result "target=$(re "$ID_RCPT")" status=crit \
    'findings=[1-9][0-9]*' 'ms=[0-9]+' full_audit=false
cq some '*' event=result "target=$(re "$ID_CATCH")" status=ok
cq some '*' event=result "target=$(re "$ID_IMPL")" status=ok
kill -0 "$FOLLOW_J_PID" 2>/dev/null || why "smtprobe follow --json ended"
dend

drow daemon.ctl.follow.human
ROW_OUT=$FOLLOW_H
ROW_ERR=$T_DIR/follow-human.err
grep_row "$ROW_ERR" '^following; \^C to stop$'
grep_row "$ROW_OUT" "^ALERT target=$(re "$ID_DOWN") host=mx\\.test\\.example .*finding=net\\.connect\\.refused "
grep_row "$ROW_OUT" "^RECOVERED target=$(re "$ID_DOWN") .*duration=[0-9]+s\$"
grep_row "$ROW_OUT" "^20[0-9-]+ [0-9:]+Z RESULT target=$(re "$ID_OK") status=ok findings=0 ms=[0-9]+\$"
kill -0 "$FOLLOW_H_PID" 2>/dev/null || why "smtprobe follow ended"
dend

# --- hostile control clients (d1) ----------------------------------------

drow daemon.hostile.garbage
ROW_OUT=$T_DIR/hostile-garbage.json
ROW_ERR=$T_DIR/hostile-garbage.err
$HOSTILE garbage "$D1_SOCK" >"$ROW_OUT" 2>"$ROW_ERR"
cq lines eq 14
cq none '*' 'noreply=.*'
cq none '*' 'notjson=.*'
for i in $(seq 0 12); do
	cq match "$i.ok" false
	cq type "$i.error" str
	cq match "$i.version" 1
done
cq match 0.error 'not JSON'
cq match 1.error 'not JSON'
cq match 4.error '.*cmd.*'
cq match 6.error 'unknown command.*'
cq match 7.error '.*target.*missing'
cq match 8.error 'no such target .*'
cq match 9.error '.*target.*'
cq match 13.ok true
cq type 13.uptime int
cq match 13.targets 7
dend

drow daemon.hostile.long-line
ROW_OUT=$T_DIR/hostile-longline.json
ROW_ERR=$T_DIR/hostile-longline.err
$HOSTILE longline "$D1_SOCK" 1048576 >"$ROW_OUT" 2>"$ROW_ERR"
cq match 0.closed true
cq nomatch 0.reply.ok true
cq le 0.bytes 4096
dend

cli daemon.hostile.long-line.after "$D1_SOCK" status --json
want_rc 0
cq match 0.ok true
dend

drow daemon.hostile.flood
ROW_OUT=$T_DIR/hostile-flood.json
ROW_ERR=$T_DIR/hostile-flood.err
$HOSTILE flood "$D1_SOCK" 1000 >"$ROW_OUT" 2>"$ROW_ERR"
cq match 0.clients 1000
cq match 0.hung 0
# at most 64 clients at once (two of them the followers): the others
# are told so, none is left hanging
cq ge 0.ok 50
cq len 0.messages le 1
cq match '0.messages.too many clients' '[1-9][0-9]*'
kill -0 "$D1_PID" 2>/dev/null || why "smtprobed (d1) is gone"
dend

# The flood's clients are gone: the daemon let go of them too (it sees
# each hang-up on its next read; the status client and the two
# followers are what stays).
wait_status_le "$D1_SOCK" clients 3 10
cli daemon.hostile.flood.after "$D1_SOCK" status --json
want_rc 0
cq match 0.ok true
cq le 0.control.clients 3
cq match 0.control.followers 2
dend

# A second daemon on d1's socket refuses to start and leaves it alone.
sed "s|^control-socket = .*|control-socket = $D1_SOCK|" "$T_DIR/d2.conf" |
    sed "s|^state-dir = .*|state-dir = $T_DIR/second|" >"$T_DIR/second.conf"
drow daemon.hostile.second-daemon
ROW_OUT=$T_DIR/second.log
timeout -k 2 10 "$SMTPROBED" -d -f "$T_DIR/second.conf" >"$ROW_OUT" 2>&1 </dev/null
ROW_RC=$?
ROW_CMD="smtprobed -d -f second.conf"
case $ROW_RC in
0 | 124 | 137) why "exit status $ROW_RC: it started (or hung)" ;;
esac
grep_row "$ROW_OUT" "$(re "$D1_SOCK"): another daemon answers there"
[ -S "$D1_SOCK" ] || why "$D1_SOCK was removed"
wait_answer "$D1_SOCK" 5 || why "d1 no longer answers"
dend

: >"$T_DIR/not-a-socket"
sed "s|^control-socket = .*|control-socket = $T_DIR/not-a-socket|" \
    "$T_DIR/second.conf" >"$T_DIR/notsock.conf"
drow daemon.hostile.socket-path-is-a-file
ROW_OUT=$T_DIR/notsock.log
ROW_CMD="smtprobed -d -f notsock.conf"
timeout -k 2 10 "$SMTPROBED" -d -f "$T_DIR/notsock.conf" >"$ROW_OUT" 2>&1 </dev/null
ROW_RC=$?
case $ROW_RC in
0 | 124 | 137) why "exit status $ROW_RC: it started (or hung)" ;;
esac
grep_row "$ROW_OUT" "not-a-socket: exists and is not a socket"
[ -f "$T_DIR/not-a-socket" ] && [ ! -S "$T_DIR/not-a-socket" ] ||
    why "the regular file was replaced"
dend

# --- SIGTERM: d1 and d2 ------------------------------------------------

# term_row ROW PID SOCKET DB LOG [LOG-REGEX-PREFIX]: SIGTERM; gone within
# 5 s with status 0, "stopped" logged, socket removed, the store closed
# cleanly (no WAL left) and intact.
term_row() {
	local row=$1 pid=$2 sock=$3 db=$4 log=$5 pfx=${6:-^smtprobed: }
	local t0 t1 rc ms
	drow "$row"
	t0=$(date +%s%N)
	kill -TERM "$pid"
	wait_exit "$pid" 5
	rc=$WAIT_RC
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
	if [ -z "$rc" ]; then
		why "still running 5 s after SIGTERM"
		kill -KILL "$pid" 2>/dev/null
	else
		[ "$rc" = 0 ] || why "exit status $rc after SIGTERM"
		[ "$ms" -le 5000 ] || why "took $ms ms to exit"
	fi
	wait_grep "$log" "${pfx}stopped\$" 2 || why "no \"stopped\" line"
	grep_row "$log" "${pfx}stopping on signal 15\$"
	[ -e "$sock" ] && why "$sock left behind"
	[ -s "$db-wal" ] && why "$db-wal left behind ($(stat -c %s "$db-wal") bytes)"
	[ "$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)" = ok ] ||
	    why "integrity_check of $db is not ok"
	TERM_MS=$ms
}

# The last probe before SIGTERM must be in the store after it.
"$SMTPROBE" probe "$ID_EVIL2" --json -s "$D1_SOCK" >"$T_DIR/last-probe.json" 2>&1
LAST_AT=$(jval "$T_DIR/last-probe.json" result.at)
term_row daemon.sigterm.d1 "$D1_PID" "$D1_SOCK" "$T_DIR/d1/smtprobed.db" \
    "$SYSLOG" "$(slp 30)"
n=$(sqlite3 "$T_DIR/d1/smtprobed.db" "SELECT count(*) FROM sessions WHERE \
    target = '$ID_EVIL2' AND started_at >= ${LAST_AT:-0}" 2>&1)
[ "${n:-0}" -ge 1 ] 2>/dev/null || why "the last probe (at $LAST_AT) is not in the store"
dend

# The daemon went away: follow says so and is not a success.
drow daemon.ctl.follow.ends-with-daemon
for p in "$FOLLOW_J_PID" "$FOLLOW_H_PID"; do
	wait_exit "$p" 3 || { why "smtprobe follow still running"; continue; }
	[ "$WAIT_RC" = 3 ] || why "smtprobe follow exit status $WAIT_RC, expected 3"
done
for f in follow-json.err follow-human.err; do
	grep_row "$T_DIR/$f" '^smtprobe: follow: .* closed the connection: the daemon stopped or restarted$'
done
dend

term_row daemon.sigterm.d2 "$D2_PID" "$D2_SOCK" "$T_DIR/d2/smtprobed.db" \
    "$T_DIR/d2.log"
dend

# --- kill -9 during heavy writes, then restart (d3) ---------------------

# Hundreds of targets on a closed port: each run is a refused connection,
# so the daemon writes as fast as it can schedule (a session and a
# finding per run, every target every second) and every target has an
# open alert.
N3=${D3_TARGETS:-600}
D3_SOCK=$T_DIR/d3.sock
D3_DB=$T_DIR/d3/smtprobed.db
{
	conf_daemon d3
	for i in $(seq 1 "$N3"); do
		printf '\n[host t%d.test.example:%s]\naddr = 127.0.0.1\n' "$i" "$CLOSED"
	done
} >"$T_DIR/d3.conf"
ID_T1="host:t1.test.example:$CLOSED"
sq() {	# sq DB SQL: one query, waiting out the writer's locks
	sqlite3 -cmd ".timeout 5000" "$@" 2>&1
}

T_SHOW_LOGS=("$T_DIR/d3.log")
t_bg d3 "$SMTPROBED" -d -f "$T_DIR/d3.conf"
D3_PID=$T_BG_PID
wait_answer "$D3_SOCK" 10
wait_status "$D3_SOCK" open_alerts "$N3" 20
wait_status "$D3_SOCK" probes_run $((N3 * 4)) 20
PRE_SESSIONS=$(sq "$D3_DB" "SELECT count(*) FROM sessions")
sq "$D3_DB" "SELECT target || ' ' || since FROM alerts ORDER BY target" \
    >"$T_DIR/d3-alerts-before"
sleep 1		# writing all the while
kill -KILL "$D3_PID"
wait "$D3_PID" 2>/dev/null
T_KILL=$(date +%s)

drow daemon.kill9.integrity
ROW_OUT=$T_DIR/kill9-integrity.txt
sq "$D3_DB" "PRAGMA integrity_check" >"$ROW_OUT"
[ "$(cat "$ROW_OUT")" = ok ] || why "integrity_check: $(head -c 300 "$ROW_OUT")"
[ "${PRE_SESSIONS:-0}" -ge "$N3" ] 2>/dev/null ||
    why "only ${PRE_SESSIONS} sessions in the store while it ran"
dend

drow daemon.kill9.history-kept
n=$(sq "$D3_DB" "SELECT count(*) FROM sessions")
[ "$n" -ge "${PRE_SESSIONS:-1}" ] 2>/dev/null ||
    why "$n sessions after kill -9, $PRE_SESSIONS were committed before"
sq "$D3_DB" "SELECT target || ' ' || since FROM alerts ORDER BY target" \
    >"$T_DIR/d3-alerts-after"
if ! diff <(cut -d' ' -f1 "$T_DIR/d3-alerts-before") \
    <(cut -d' ' -f1 "$T_DIR/d3-alerts-after") >/dev/null; then
	[ "$(comm -23 "$T_DIR/d3-alerts-before" "$T_DIR/d3-alerts-after" |
	    wc -l)" = 0 ] || why "open alerts committed before the kill are gone"
fi
[ "$(wc -l <"$T_DIR/d3-alerts-after")" -ge "$N3" ] ||
    why "$(wc -l <"$T_DIR/d3-alerts-after") open alerts stored, expected $N3"
dend

# Restart over the socket file kill -9 left.
drow daemon.kill9.restart
[ -S "$D3_SOCK" ] || why "no socket file left by kill -9 (nothing stale to remove)"
t_bg d3b "$SMTPROBED" -d -f "$T_DIR/d3.conf"
D3_PID=$T_BG_PID
T_SHOW_LOGS=("$T_DIR/d3b.log")
wait_answer "$D3_SOCK" 15 || why "restarted d3 does not answer"
grep_row "$T_DIR/d3b.log" "started: $N3 target"
nogrep_row "$T_DIR/d3b.log" 'cannot load the alert state'
dend

RAN=0
wait_status "$D3_SOCK" probes_run $((N3 * 2)) 20 && RAN=1
cli daemon.kill9.alerts-restored "$D3_SOCK" status --json
# "no new ALERT" below means something only after runs that could raise
[ "$RAN" = 1 ] || why "fewer than $((N3 * 2)) runs after the restart in 20 s"
want_rc 0
cq match 0.open_alerts "$N3"
cq match 0.targets "$N3"
# no new ALERT line for an alert the store had open
sed 's/ .*//; s/.*/ALERT target=& /' "$T_DIR/d3-alerts-after" \
    >"$T_DIR/d3-alert-patterns"
if grep -qFf "$T_DIR/d3-alert-patterns" "$T_DIR/d3b.log"; then
	why "$(grep -cFf "$T_DIR/d3-alert-patterns" "$T_DIR/d3b.log") ALERT" \
	    "lines for alerts restored open, e.g. $(grep -m1 -Ff \
	    "$T_DIR/d3-alert-patterns" "$T_DIR/d3b.log" | cut -c1-200)"
fi
dend

T1_SINCE=$(sed -n "s/^$(re "$ID_T1") //p" "$T_DIR/d3-alerts-after")
cli daemon.kill9.show-restored "$D3_SOCK" show "$ID_T1" --json
want_rc 0
cq some 0.alerts finding=net.connect.refused open=true "since=$T1_SINCE" \
    host=t1.test.example addr=127.0.0.1 "port=$CLOSED"
dend

cli daemon.kill9.history-client "$D3_SOCK" history "$ID_T1" --json \
    --until "@$T_KILL" --limit 10000
want_rc 0
cq len 0.history.sessions ge 3
cq range 0.history.sessions.*.at "$T_START_D" "$T_KILL"
cq some 0.history.alerts event=raised finding=net.connect.refused \
    "since=$T1_SINCE"
dend

# A follower that never reads, while results stream (every target every
# second) and its own requests pile up replies: dropped, daemon goes on.
drow daemon.hostile.follower-never-reads
ROW_OUT=$T_DIR/hostile-nonreader.json
ROW_ERR=$T_DIR/hostile-nonreader.err
$HOSTILE nonreader "$D3_SOCK" 150 >"$ROW_OUT" 2>"$ROW_ERR"
cq match 0.dropped true
grep_row "$T_DIR/d3b.log" 'control: client [0-9]+ does not read \([0-9]+ bytes unread, at most 1048576\), dropped'
kill -0 "$D3_PID" 2>/dev/null || why "smtprobed (d3) is gone"
dend

cli daemon.hostile.follower-never-reads.after "$D3_SOCK" status --json
want_rc 0
cq match 0.control.followers 0
cq le 0.control.clients 1
dend

term_row daemon.sigterm.under-load "$D3_PID" "$D3_SOCK" "$D3_DB" \
    "$T_DIR/d3b.log"
dend

# --- retention (d4, store-retention = 3s, running all along) ----------

D4_DB=$T_DIR/d4/smtprobed.db
drow daemon.retention.trimmed
ROW_OUT=$T_DIR/retention.txt
NOW=$(date +%s)
sq "$D4_DB" "SELECT count(*), coalesce(min(started_at), 0), \
    coalesce(max(id), 0) FROM sessions; \
    SELECT count(*), coalesce(min(at), 0) FROM findings; \
    SELECT count(*) FROM alert_events WHERE at < $((NOW - 6)); \
    SELECT count(*) FROM alerts;" >"$ROW_OUT"
{
	IFS='|' read -r s_n s_min s_max
	IFS='|' read -r f_n f_min
	read -r ev_n
	read -r al_n
} <"$ROW_OUT"
[ $((NOW - T_START_D)) -ge 20 ] || why "d4 ran only $((NOW - T_START_D)) s"
[ "${s_n:-0}" -gt 0 ] || why "no session left: retention must keep the last 3 s"
[ "${s_min:-0}" -ge $((NOW - 6)) ] ||
    why "oldest session from $((NOW - s_min)) s ago, retention is 3 s"
[ "${s_max:-0}" -gt $((s_n * 3)) ] ||
    why "session ids up to $s_max but $s_n rows: nothing was trimmed"
[ "${f_min:-0}" -ge $((NOW - 6)) ] ||
    why "oldest finding from $((NOW - f_min)) s ago"
[ "${ev_n:-1}" = 0 ] || why "$ev_n alert transitions older than 6 s kept"
[ "${al_n:-0}" = 2 ] || why "$al_n open alerts in the store, expected 2 (state is not history)"
dend

cli daemon.retention.alert-state-kept "$D4_SOCK" show "$(id_of "$CLOSED")" --json
want_rc 0
cq some 0.alerts finding=net.connect.refused open=true
dend

cli daemon.retention.history "$D4_SOCK" history "$(id_of "$CLOSED")" --json \
    --limit 10000
want_rc 0
cq len 0.history.sessions ge 1
cq range 0.history.sessions.*.at "$((NOW - 6))" "$((NOW + 60))"
dend

# Re-notification every 4 s while open: "repeat=N" lines, same since.
drow daemon.alert.renotify
ROW_OUT=$T_DIR/d4.log
pat="^smtprobed: ALERT target=$(re "$(id_of "$CLOSED")") .*finding=net\\.connect\\.refused "
first=$(grep -E "$pat" "$ROW_OUT" | head -n1)
s0=$(sed -nE "s/.* since=($ISO) .*/\\1/p" <<<"$first")
grep -Eq 'evidence="[^"]*"$' <<<"$first" || why "first ALERT line has a repeat field: $first"
n=$(grep -Ec "${pat}.* since=$s0 evidence=\"[^\"]*\" repeat=[0-9]+\$" "$ROW_OUT")
el=$(( $(date +%s) - T_START_D ))
[ "$n" -ge $((el / 6 - 1)) ] && [ "$n" -le $((el / 4 + 1)) ] ||
    why "$n re-notifications in ${el}s with renotify = 4s"
grep_row "$ROW_OUT" "${pat}.* repeat=1\$"
grep_row "$ROW_OUT" "${pat}.* repeat=2\$"
dend

term_row daemon.sigterm.d4 "$D4_PID" "$D4_SOCK" "$D4_DB" "$T_DIR/d4.log"
dend

# --- a reload reads a ca-file again ------------------------------------
# The file a target names is first another CA's: the certificate is
# untrusted. The right CA is put in its place: after a reload (and
# without a restart) the same target verifies.
D5_SOCK=$T_DIR/d5.sock
drow daemon.reload.ca-file.setup
if ! ca_init "$T_DIR/otherca" >"$T_DIR/otherca.log" 2>&1 ||
    ! cp "$T_DIR/otherca/ca.crt" "$T_DIR/d5-ca.pem"; then
	why "another CA: openssl failed ($T_DIR/otherca.log)"
fi
{
	conf_daemon d5
	conf_host "$PF_OK" "ca-file = $T_DIR/d5-ca.pem" "interval = 1h"
} >"$T_DIR/d5.conf"
t_bg d5 "$SMTPROBED" -d -f "$T_DIR/d5.conf"
D5_PID=$T_BG_PID
wait_answer "$D5_SOCK" 10 || why "d5 did not answer on $D5_SOCK"
dend

cli daemon.reload.ca-file.before "$D5_SOCK" probe "$ID_OK" --json
cq match 0.ok true
cq some 0.result.findings id=tls\.cert\.untrusted
cq all 0.result.sessions.*.tls.verified false
dend

# a second failing run raises the alert (alert-after = 2)
drow daemon.reload.ca-file.alert
"$SMTPROBE" probe "$ID_OK" --json -s "$D5_SOCK" >"$T_DIR/d5-probe2.json" 2>&1
wait_grep "$T_DIR/d5.log" "^smtprobed: ALERT target=$(re "$ID_OK") .*finding=tls\.cert\.untrusted " 5 ||
    why "no ALERT line for tls.cert.untrusted after two runs"
dend

cp "$CA" "$T_DIR/d5-ca.pem"
cli daemon.reload.ca-file.reload "$D5_SOCK" reload --json
want_rc 0
dend

cli daemon.reload.ca-file.after "$D5_SOCK" probe "$ID_OK" --json
cq match 0.ok true
cq none 0.result.findings id=tls\.cert\.untrusted
cq all 0.result.sessions.*.tls.verified true
dend
# A reload that removes the target closes its open alert with a
# RECOVERED line that says why, and the daemon no longer counts it open.
{
	conf_daemon d5
	conf_host "$CLOSED" "interval = 1h"
} >"$T_DIR/d5.conf"
cli daemon.reload.removed-target.recovered "$D5_SOCK" reload --json
want_rc 0
wait_grep "$T_DIR/d5.log" "^smtprobed: RECOVERED target=$(re "$ID_OK") .*finding=tls\.cert\.untrusted .*duration=[0-9]+s reason=removed\$" 5 ||
    why "no RECOVERED ... reason=removed line for the removed target"
dend
drow daemon.reload.removed-target.status
ROW_OUT=$T_DIR/d5-status.json
"$SMTPROBE" status --json -s "$D5_SOCK" >"$ROW_OUT" 2>&1
cq match 0.open_alerts 0
cq match 0.targets 1
dend
kill -TERM "$D5_PID" 2>/dev/null
wait_exit "$D5_PID" 5

# --- a corrupted database page (d6) ----------------------------------

# A store with the schema and nothing else (the only target waits an
# hour for its first run), then the root page of the sessions table
# overwritten with text: opening works, every write fails as corrupt.
# The daemon says so once, with what SQLite found, goes on probing and
# alerting, counts what it could not write, and says in status and in
# the metrics that the store is failing.
D6_SOCK=$T_DIR/d6.sock
D6_DB=$T_DIR/d6/smtprobed.db
D6_METRICS=$(free_port)
ID_D6=$(id_of "$CLOSED")
{
	conf_daemon d6 "metrics = 127.0.0.1:$D6_METRICS"
	conf_host "$CLOSED" "interval = 1h"
} >"$T_DIR/d6.conf"
t_bg d6-schema "$SMTPROBED" -d -f "$T_DIR/d6.conf"
D6_PID=$T_BG_PID
wait_answer "$D6_SOCK" 10
kill -TERM "$D6_PID" 2>/dev/null
wait_exit "$D6_PID" 5
D6_ROOT=$(sq "$D6_DB" "SELECT rootpage FROM sqlite_master WHERE name = 'sessions'")
D6_PAGE=$(sq "$D6_DB" "PRAGMA page_size")
drow daemon.store.corrupt.setup
[ -n "$D6_ROOT" ] && [ -n "$D6_PAGE" ] ||
    why "no sessions table in $D6_DB (root '$D6_ROOT', page size '$D6_PAGE')"
yes 'this is not a b-tree page' | head -c "${D6_PAGE:-4096}" |
    dd of="$D6_DB" bs="${D6_PAGE:-4096}" seek=$((${D6_ROOT:-2} - 1)) count=1 \
    conv=notrunc 2>/dev/null
grep_row <(sqlite3 "$D6_DB" 'PRAGMA integrity_check' 2>&1) \
    "Page ${D6_ROOT:-2}" "integrity_check of the damaged file"
dend

{
	conf_daemon d6 "metrics = 127.0.0.1:$D6_METRICS"
	conf_host "$CLOSED"
} >"$T_DIR/d6.conf"
t_bg d6 "$SMTPROBED" -d -f "$T_DIR/d6.conf"
D6_PID=$T_BG_PID
T_SHOW_LOGS+=("$T_DIR/d6.log")
wait_answer "$D6_SOCK" 10
wait_status "$D6_SOCK" probes_run 5 15

drow daemon.store.corrupt.logged-once
grep_row "$T_DIR/d6.log" "^smtprobed: store: $(re "$D6_DB"): the database is corrupt \\(cannot (write|apply retention): database disk image is malformed\\); probing and alerting go on, their results are not stored .*sqlite3 \\.recover"
n=$(grep -c 'store: ' "$T_DIR/d6.log")
[ "$n" = 1 ] || why "$n store lines in d6.log, expected 1"
nogrep_row "$T_DIR/d6.log" 'not an error'
dend

drow daemon.store.corrupt.alerting
grep_row "$T_DIR/d6.log" "^smtprobed: ALERT target=$(re "$ID_D6") .*finding=net\\.connect\\.refused "
dend

cli daemon.store.corrupt.status "$D6_SOCK" status --json
want_rc 0
cq ge 0.probes_run 5
cq match 0.open_alerts 1
cq match 0.store.failing true
cq match 0.store.corrupt true
cq match 0.store.error '(write|apply retention): database disk image is malformed'
cq ge 0.store.dropped 5
cq ge 0.store.failing_since 1
dend

cli daemon.store.corrupt.status.human "$D6_SOCK" status
want_rc 0
grep_row "$ROW_OUT" '^store +FAILING since [0-9-]+ [0-9:]+Z, results not stored: (write|apply retention): database disk image is malformed$'
dend

drow daemon.store.corrupt.metrics
ROW_OUT=$T_DIR/d6-metrics.txt
$PY -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
    "http://127.0.0.1:$D6_METRICS/metrics" >"$ROW_OUT" 2>&1
grep_row "$ROW_OUT" '^smtprobe_store_failing 1$'
grep_row "$ROW_OUT" '^smtprobe_store_corrupt 1$'
grep_row "$ROW_OUT" '^smtprobe_store_dropped_total [1-9][0-9]*$'
dend
kill -TERM "$D6_PID" 2>/dev/null
wait_exit "$D6_PID" 5

# --- [daemon] keys at work: syslog-facility, concurrency, store-max-size ---

# syslog-facility: the lines go out as local3 (facility 19): <158> is
# local3.info ("started"), <156> local3.warning (ALERT).
{
	conf_daemon d7 "syslog-facility = local3"
	conf_host "$CLOSED" "interval = 1s"
} >"$T_DIR/d7.conf"
start_logged d7 -f "$T_DIR/d7.conf"
D7_PID=$T_BG_PID
drow daemon.syslog-facility
d7p() {
	echo "^<$1>[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} smtprobed\\[$D7_PID\\]: "
}
wait_grep "$SYSLOG" "$(d7p 158)started: 1 target" 10 ||
    why "no local3.info \"started\" line from smtprobed[$D7_PID]"
wait_grep "$SYSLOG" "$(d7p 156)ALERT target=$(re "$(id_of "$CLOSED")") " 10 ||
    why "no local3.warning ALERT line from smtprobed[$D7_PID]"
ROW_OUT=$T_DIR/d7-syslog.txt
grep -E "smtprobed\\[$D7_PID\\]: " "$SYSLOG" >"$ROW_OUT"
# nothing of it at another facility (daemon is 3: <24> to <31>)
nogrep_row "$ROW_OUT" '^<(2[4-9]|3[01])>'
dend
kill -TERM "$D7_PID" 2>/dev/null
wait_exit "$D7_PID" 5

# concurrency: four targets due within a second (a first run comes within
# a tenth of the interval) on the server that greets after 3 s; with
# concurrency = 2 two run, then the other two. Sampled every 0.1 s until
# the four have run: in flight (runs and sessions) reaches the cap and
# never passes it.
{
	conf_daemon d8 "concurrency = 2"
	for i in 1 2 3 4; do
		printf '\n[host c%d.test.example:%s]\naddr = 127.0.0.1\n' "$i" "$SLOW"
		printf 'tls = may\ninterval = 10s\n'
	done
} >"$T_DIR/d8.conf"
D8_SOCK=$T_DIR/d8.sock
t_bg d8 "$SMTPROBED" -d -f "$T_DIR/d8.conf"
D8_PID=$T_BG_PID
drow daemon.concurrency
wait_answer "$D8_SOCK" 10 || why "d8 did not answer"
ROW_OUT=$T_DIR/d8-samples.txt
ROW_CMD="smtprobe status --json (every 0.1 s, 12 s at most)"
"$PY" - "$SMTPROBE" "$D8_SOCK" >"$ROW_OUT" 2>&1 <<'EOP'
import json, subprocess, sys, time
runs = sessions = done = 0
end = time.time() + 12
while time.time() < end and done < 4:
    out = subprocess.run([sys.argv[1], "status", "--json", "-s", sys.argv[2]],
                         capture_output=True, text=True, timeout=5).stdout
    try:
        st = json.loads(out)
    except ValueError:
        continue
    runs = max(runs, st["in_flight"])
    sessions = max(sessions, st["sessions_in_flight"])
    done = st["probes_run"]
    time.sleep(0.1)
print("max_in_flight=%d max_sessions_in_flight=%d probes_run=%d" %
      (runs, sessions, done))
EOP
grep_row "$ROW_OUT" '^max_in_flight=2 max_sessions_in_flight=2 probes_run=4$'
dend
kill -TERM "$D8_PID" 2>/dev/null
wait_exit "$D8_PID" 5

# store-max-size: 100 targets refused every second write about 40 KiB a
# second; with store-max-size = 256K retention deletes the oldest runs
# (the sessions kept are fewer than the runs made) and keeps the pages in
# use near the limit, sampled every 0.5 s while 1200 runs are made. The
# file does not shrink, but its free pages are reused: it stays small.
{
	conf_daemon d9 "store-max-size = 256K"
	for i in $(seq 1 100); do
		printf '\n[host m%d.test.example:%s]\naddr = 127.0.0.1\n' "$i" "$CLOSED"
	done
} >"$T_DIR/d9.conf"
D9_SOCK=$T_DIR/d9.sock
t_bg d9 "$SMTPROBED" -d -f "$T_DIR/d9.conf"
D9_PID=$T_BG_PID
drow daemon.store-max-size
wait_answer "$D9_SOCK" 10 || why "d9 did not answer"
ROW_OUT=$T_DIR/d9-samples.txt
ROW_CMD="smtprobe status --json and the store's pages, every 0.5 s"
"$PY" - "$SMTPROBE" "$D9_SOCK" "$T_DIR/d9/smtprobed.db" >"$ROW_OUT" 2>&1 <<'EOP'
import json, sqlite3, subprocess, sys, time

def status():
    out = subprocess.run([sys.argv[1], "status", "--json", "-s", sys.argv[2]],
                         capture_output=True, text=True, timeout=5).stdout
    return json.loads(out)

def store():
    db = sqlite3.connect("file:%s?mode=ro" % sys.argv[3], uri=True)
    q = lambda s: db.execute(s).fetchone()[0]
    live = (q("PRAGMA page_count") - q("PRAGMA freelist_count")) * \
        q("PRAGMA page_size")
    n = q("SELECT count(*) FROM sessions")
    db.close()
    return live, n

max_live = max_size = runs = 0
end = time.time() + 40
while time.time() < end and runs < 1200:
    st = status()
    runs = st["probes_run"]
    max_size = max(max_size, st["store"]["size"])
    max_live = max(max_live, store()[0])
    time.sleep(0.5)
for _ in range(50):		# what was queued is written
    st = status()
    if st["store"]["queued"] == 0:
        break
    time.sleep(0.1)
live, kept = store()
print("runs=%d kept=%d max_live=%d max_size=%d dropped=%d" % (
    st["probes_run"], kept, max(max_live, live), max_size,
    st["store"]["dropped"]))
EOP
read -r runs kept max_live max_size dropped < <(sed -E 's/[a-z_]+=//g' "$ROW_OUT")
if [ -z "$dropped" ]; then
	why "no samples: $(head -c 300 "$ROW_OUT")"
else
	[ "$runs" -ge 1200 ] || why "only $runs runs in 40 s"
	[ "$kept" -lt "$runs" ] || why "$kept sessions kept of $runs runs: none deleted"
	[ "$max_live" -le $((384 * 1024)) ] ||
	    why "$max_live bytes in use at most, over 1.5 x 256 KiB"
	[ "$max_size" -le $((512 * 1024)) ] || why "the file grew to $max_size bytes"
	[ "$dropped" = 0 ] || why "$dropped rows dropped"
fi
dend
kill -TERM "$D9_PID" 2>/dev/null
wait_exit "$D9_PID" 5
