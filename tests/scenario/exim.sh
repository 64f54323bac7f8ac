#!/usr/bin/env bash
# exim.sh - smtprobe logs and smtprobed's [log] section on what a real
# Exim wrote.
#
# A private Exim (tests/lib/exim.sh: Debian's exim4-daemon-light,
# unpacked by make deps, run in a mount namespace of its own beside the
# system's Postfix) relays test messages to tests/lib/fakesmtp.py's
# refusal modes and to broken next hops (a closed port, a silent server,
# one that hangs up, one without STARTTLS where TLS is required, a
# certificate no CA here trusts), retries them in a forced queue run, and
# refuses two inbound recipients in an SMTP session of its own (-bs). Its
# mainlog is rotated twice the way Debian's logrotate does it (rename,
# then the older file compressed). A daemon's [log] section follows the
# mainlog from before the first message, is killed (SIGKILL) in the
# middle and started again after the second rotation; what it stored
# must equal what smtprobe logs reads from the rotated files, every line
# counted once. Needs root and make deps (the unpacked Exim).

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/exim.sh"

t_init exim
need_probe
if ! ex_available; then
	skip exim.setup "needs root, unshare and Exim unpacked in $EXIM_ROOT (make deps or make exim)"
	exit 0
fi
if ! ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1; then
	T_SHOW_LOGS+=("$T_DIR/ca.log")
	fail exim.setup "test CA: openssl failed"
	exit 1
fi
SMTPROBED=$T_TOP/probe/smtprobed

# Each domain its own address of 127/8, as each would have its own MX:
# Exim keeps retry times and passes connections on per host address.
# DOMAIN MODE ADDRESS [TRANSPORT]; the modes of the second server
# (-notls) offer no STARTTLS.
ROUTES="ok.test normal 127.0.0.21
grey.test rcpt-greylist 127.0.0.22
rate.test rcpt-ratelimit 127.0.0.23
unknown.test rcpt-unknown 127.0.0.24
block.test rcpt-blocklisted 127.0.0.25
full.test rcpt-full 127.0.0.26
dmarc.test data-dmarc 127.0.0.27
silent.test tarpit 127.0.0.28
hangup.test hangup 127.0.0.29
verify.test normal 127.0.0.30 remote_verify
notls.test -notls 127.0.0.31 remote_encrypt
sender.test -notls 127.0.0.32"
MODES=()
NOTLS_MODES=()
while read -r d mode addr _; do
	case $mode in
	-notls) NOTLS_MODES+=("normal@$addr") ;;
	*) MODES+=("$mode@$addr") ;;
	esac
done <<<"$ROUTES"
t_bg fakesmtp python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/ports" \
    --cert "$T_DIR/ca/valid.crt" --key "$T_DIR/ca/valid.key" \
    --lifetime 280 "${MODES[@]}"
t_bg fakesmtp-notls python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/ports2" \
    --lifetime 280 "${NOTLS_MODES[@]}"
T_SHOW_LOGS+=("$T_DIR/fakesmtp.log")
if ! wait_file "$T_DIR/ports" 15 || ! wait_file "$T_DIR/ports2" 15; then
	fail exim.setup "fakesmtp.py did not start"
	exit 1
fi
declare -A P	# ADDRESS -> port
while read -r spec port; do
	P[${spec#*@}]=$port
done < <(cat "$T_DIR/ports" "$T_DIR/ports2")

if ! ex_setup "$T_DIR/exim"; then
	T_SHOW_LOGS+=("$T_DIR/exim/ldconfig.log")
	fail exim.setup "ex_setup failed"
	exit 1
fi
LOG=$EX_MAINLOG
while read -r d _ addr transport; do
	ex_route "$d" "$addr" "${P[$addr]}" $transport
done <<<"$ROUTES"
# nothing listens there
ex_route refused.test 127.0.0.33 "$(free_port)"
T_SHOW_LOGS+=("$T_DIR/send.log" "$LOG" "$T_DIR/exim/log/paniclog")

send() {	# send DOMAIN...: one message to each, delivered at once
	local d
	for d in "$@"; do
		ex_send bounces@sender.test "user@$d" "to $d" \
		    >>"$T_DIR/send.log" 2>&1 || return 1
	done
}

# --- the daemon follows the mainlog from before the first message -----

DSOCK=$T_DIR/d.sock
MPORT=$(free_port)
cat >"$T_DIR/d.conf" <<EOF
[daemon]
state-dir = $T_DIR/dstate
control-socket = $DSOCK
metrics = 127.0.0.1:$MPORT
[log exim]
path = $LOG
log-alert = 3/10m
interval = 1s
EOF
# dlog_wait REGEX SECONDS: until the daemon's stderr matches
dlog_wait() {
	local n=0
	while [ $n -lt $(($2 * 10)) ]; do
		grep -Eq -- "$1" "$T_DIR/smtprobed.log" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}
t_bg smtprobed "$SMTPROBED" -d -f "$T_DIR/d.conf"
DPID=$T_BG_PID
T_SHOW_LOGS+=("$T_DIR/smtprobed.log")
if ! dlog_wait "log exim: (following|.*waiting)" 10; then
	fail exim.setup "smtprobed did not start following the mainlog"
	exit 1
fi

# --- real mail ---------------------------------------------------------

ROW_NAME=exim.relay
ROW_WHY=()
ROW_CHECKS=()
# Batch A: every situation once, some twice.
send ok.test ok.test grey.test grey.test rate.test unknown.test \
    unknown.test block.test full.test dmarc.test silent.test hangup.test \
    refused.test notls.test verify.test || ROW_WHY+=("exim refused a message")
# Two inbound recipients refused by Exim's own ACL, one for a while.
printf '%s\r\n' "EHLO client.test.example" "MAIL FROM:<someone@far.example>" \
    "RCPT TO:<nosuch@test.example>" "RCPT TO:<grey@test.example>" QUIT |
    ex_run -bs -oMa 127.0.0.9 >"$T_DIR/inbound.log" 2>&1
grep -q '^550 ' "$T_DIR/inbound.log" && grep -q '^451 ' "$T_DIR/inbound.log" ||
    ROW_WHY+=("the inbound session was not refused as configured")
T_SHOW_LOGS+=("$T_DIR/inbound.log")
for want in ' => user@ok\.test R=test_route T=remote H=127\.0\.0\.21 \[127\.0\.0\.21\] X=TLS' \
    ' == user@grey\.test R=test_route T=remote defer \(-44\) H=127\.0\.0\.22 \[127\.0\.0\.22\]: SMTP error from remote mail server after RCPT TO:<user@grey\.test>: 450 4\.2\.0 ' \
    ' \*\* user@unknown\.test R=test_route T=remote H=127\.0\.0\.24 \[127\.0\.0\.24\] X=TLS.*: 550 5\.1\.1 ' \
    ' == user@silent\.test R=test_route T=remote defer \(110\): Connection timed out H=127\.0\.0\.28 \[127\.0\.0\.28\]: SMTP timeout after initial connection$' \
    ' == user@refused\.test R=test_route T=remote defer \(111\): Connection refused$' \
    ' => bounces@sender\.test ' \
    ' rejected RCPT <nosuch@test\.example>: Unknown user$' \
    ' temporarily rejected RCPT <grey@test\.example>: greylisted, please try again later$'; do
	grep -Eq -- "$want" "$LOG" || ROW_WHY+=("no line /$want/ in the mainlog")
done
end_row

# Rotation 1, as Debian's logrotate for exim4-base: the file is renamed,
# Exim (a process per message here) makes a new one.
mv "$LOG" "$LOG.1"
# Batch B.
send ok.test unknown.test || ROW_WHY+=("exim refused a message")

# dstored: the daemon's stored counts, as "domain status count" lines
dstored() {
	"$SMTPROBE" logs --daemon --json -s "$DSOCK" --limit 1000 \
	    >"$T_DIR/dstored.json" 2>"$T_DIR/dstored.err" || return 1
	python3 - "$T_DIR/dstored.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for d in r["logs"][0]["stored"]["domains"]:
    for st, n in sorted(d["status"].items()):
        if n:
            print(d["direction"], d["domain"], st, n)
EOF
}
# wait_stored LINE SECONDS: until dstored prints LINE
wait_stored() {
	local n=0
	while [ $n -lt $(($2 * 5)) ]; do
		dstored 2>/dev/null | grep -qx -- "$1" && return 0
		sleep 0.2
		n=$((n + 1))
	done
	return 1
}

ROW_NAME=exim.daemon.follow
ROW_WHY=()
wait_stored "out unknown.test bounced 3" 20 ||
    ROW_WHY+=("the store does not hold 3 bounces of unknown.test: $(dstored 2>&1 | tr '\n' ';')")
wait_stored "out ok.test sent 3" 5 || ROW_WHY+=("the store does not hold 3 sent to ok.test")
end_row

ROW_NAME=exim.daemon.alert
ROW_WHY=()
dlog_wait 'ALERT target=log:exim domain=unknown\.test direction=out finding=policy\.rcpt\.unknown-user .*count=3 window=10m sample="550 5\.1\.1 <user@unknown\.test>: Recipient address rejected: User unknown in virtual mailbox table"' 10 ||
    ROW_WHY+=("no ALERT for unknown.test's three bounces")
grep -q 'ALERT target=log:exim domain=block\.test' "$T_DIR/smtprobed.log" &&
    ROW_WHY+=("an ALERT for block.test's single bounce (log-alert = 3/10m)")
end_row

ROW_NAME=exim.daemon.metrics
ROW_WHY=()
python3 -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1],
      timeout=10).read().decode())' "$MPORT" >"$T_DIR/metrics.out" 2>&1
# the domains that failed have a label of their own, those that only
# succeeded are "other" (no domain configured)
grep -Eq '^smtprobe_log_deliveries_total\{log="exim",direction="out",domain="unknown\.test",status="bounced",cause="policy\.rcpt\.unknown-user"\} 3$' \
    "$T_DIR/metrics.out" || ROW_WHY+=("no deliveries counter of 3 for unknown.test's bounces")
grep -Eq '^smtprobe_log_deliveries_total\{log="exim",direction="out",domain="silent\.test",status="deferred",cause="smtp\.banner\.timeout"\} 1$' \
    "$T_DIR/metrics.out" || ROW_WHY+=("no deliveries counter for the silent server")
grep -Eq '^smtprobe_log_deliveries_total\{log="exim",direction="out",domain="other",status="sent",cause="none"\} ([3-9]|[1-9][0-9])$' \
    "$T_DIR/metrics.out" || ROW_WHY+=("no deliveries counter of other domains' mail sent")
grep -q 'smtprobe_log_deliveries_total{[^}]*domain="ok\.test"' "$T_DIR/metrics.out" &&
    ROW_WHY+=("ok.test, which never failed, has a domain label")
grep -Eq '^smtprobe_log_alert\{log="exim",direction="out",domain="unknown\.test",cause="policy\.rcpt\.unknown-user",severity="crit"\} 1$' \
    "$T_DIR/metrics.out" || ROW_WHY+=("no open alert for unknown.test in the metrics")
grep -q '^smtprobe_log_alert{[^}]*domain="block\.test"' "$T_DIR/metrics.out" &&
    ROW_WHY+=("an open alert for block.test in the metrics (one bounce)")
T_SHOW_LOGS+=("$T_DIR/metrics.out")
end_row

# Killed in the middle; mail goes on while it is down, the mainlog is
# rotated again (the older file compressed), then it starts again.
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
send grey.test refused.test || ROW_WHY+=("exim refused a message")
mv "$LOG.1" "$LOG.2" && gzip "$LOG.2"
mv "$LOG" "$LOG.1"
send ok.test
# every deferred message retried once, in a forced queue run
ex_run -qff >>"$T_DIR/send.log" 2>&1
mv "$T_DIR/smtprobed.log" "$T_DIR/smtprobed-1.log"
T_SHOW_LOGS+=("$T_DIR/smtprobed-1.log")
t_bg smtprobed "$SMTPROBED" -d -f "$T_DIR/d.conf"
DPID=$T_BG_PID

# --- smtprobe logs on the rotated files --------------------------------

# jcheck JSON CHECKS...: as in logs.sh
#   D:DIR:DOMAIN:KEY=N		the domain's count (sent, deferred, ...)
#   C:DIR:DOMAIN:CAUSE:KEY=V	a cause row's field
#   L:KEY=N			line counts
jcheck() {
	python3 - "$@" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
bad = []
def dom(d, name):
    for x in doc["domains"]:
        if x["direction"] == d and x["domain"] == name:
            return x
    return None
for spec in sys.argv[2:]:
    kind, _, rest = spec.partition(":")
    if kind == "L":
        k, v = rest.split("=", 1)
        if str(doc["lines"][k]) != v:
            bad.append("%s: got %s" % (spec, doc["lines"][k]))
        continue
    parts = rest.split(":")
    d = dom(parts[0], parts[1])
    if kind == "D":
        k, v = parts[2].split("=", 1)
        if d is None or str(d[k]) != v:
            bad.append("%s: got %s" % (spec, d and d[k]))
        continue
    row = None
    for c in (d or {}).get("causes", []):
        if c["cause"] == parts[2]:
            row = c
    k, v = ":".join(parts[3:]).split("=", 1)
    if row is None:
        bad.append("%s: no such cause (%s)" % (spec, [c["cause"] for c in
                   (d or {}).get("causes", [])]))
    elif str(row.get(k)) != v and not (v.startswith("~") and
                                       v[1:] in str(row.get(k))):
        bad.append("%s: got %r" % (spec, row.get(k)))
if bad:
    print("; ".join(bad))
    sys.exit(1)
EOF
}
expect_json() {
	local out
	if ! out=$(jcheck "$ROW_OUT" "$@" 2>&1); then
		ROW_WHY+=("$out")
	fi
}

ROW_NAME=exim.rotation.files
ROW_WHY=()
ROW_CHECKS=()
[ -s "$LOG.2.gz" ] && [ -s "$LOG.1" ] && [ -s "$LOG" ] ||
    ROW_WHY+=("not three parts: $(ls "$T_DIR/exim/log" | tr '\n' ' ')")
end_row

row_raw exim.logs.summary 1 logs --json "$LOG.2.gz" "$LOG.1" "$LOG"
expect_json \
    D:out:ok.test:sent=4 \
    C:out:grey.test:policy.greylisted:messages=3 \
    C:out:grey.test:policy.greylisted:deferred=6 \
    C:out:grey.test:policy.greylisted:phase=rcpt \
    C:out:grey.test:policy.greylisted:source=postgrey \
    C:out:rate.test:policy.rate-limited:deferred=2 \
    C:out:rate.test:policy.rate-limited:source=gmail \
    D:out:unknown.test:bounced=3 \
    C:out:unknown.test:policy.rcpt.unknown-user:messages=3 \
    C:out:unknown.test:policy.rcpt.unknown-user:phase=rcpt \
    C:out:block.test:policy.client.blocklisted:bounced=1 \
    C:out:full.test:policy.rcpt.mailbox-full:bounced=1 \
    C:out:dmarc.test:policy.auth.dmarc:phase=end-of-data \
    C:out:dmarc.test:policy.auth.dmarc:sender_domain=sender.test \
    C:out:silent.test:smtp.banner.timeout:deferred=2 \
    C:out:silent.test:smtp.banner.timeout:phase=banner \
    C:out:hangup.test:net.reset:phase=banner \
    C:out:hangup.test:net.reset:deferred=2 \
    C:out:refused.test:net.connect.refused:messages=2 \
    C:out:refused.test:net.connect.refused:deferred=4 \
    "C:out:refused.test:net.connect.refused:check=smtprobe check refused.test" \
    C:out:notls.test:tls.starttls.missing:deferred=2 \
    C:out:verify.test:tls.cert.untrusted:deferred=2 \
    D:out:sender.test:sent=6 \
    D:in:far.example:rejected=2 \
    C:in:far.example:policy.rcpt.unknown-user:messages=1 \
    C:in:far.example:policy.greylisted:messages=1 \
    L:unparsable=0 L:too_long=0
end_row

row_raw exim.logs.human 1 logs "$LOG.2.gz" "$LOG.1" "$LOG"
expect_grep '^to grey\.test: deferred 6'
expect_grep '^  warn  policy\.greylisted: 3 messages, 6 attempts'
expect_grep 'sample: 450 4\.2\.0 <user@grey\.test>: Recipient address rejected: Greylisted'
expect_grep '^  crit  smtp\.banner\.timeout: 1 message, 2 attempts'
expect_grep 'check:  smtprobe check silent\.test'
expect_grep '^from far\.example: rejected 2'
end_row

row_raw exim.logs.domain 1 logs --json --domain refused.test "$LOG.2.gz" \
    "$LOG.1" "$LOG"
expect_json C:out:refused.test:net.connect.refused:deferred=4
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["domains"]
sys.exit(0 if [x["domain"] for x in d] == ["refused.test"] else 1)' "$ROW_OUT" ||
    ROW_WHY+=("other domains than refused.test listed")
end_row

# --- the daemon after SIGKILL and a rotation while it was down ---------

# Its store holds what smtprobe logs read, every line once: what it had
# read before the kill, the rest of the renamed file (now mainlog.1),
# then the new one.
ROW_NAME=exim.daemon.restart
ROW_WHY=()
python3 - "$T_DIR/exim.logs.summary.out" >"$T_DIR/want.txt" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for d in sorted(doc["domains"], key=lambda x: (x["direction"], x["domain"])):
    for st in ("sent", "deferred", "bounced", "expired", "rejected"):
        if d.get(st):
            print(d["direction"], d["domain"], st, d[st])
EOF
ok=0
for _ in $(seq 60); do
	dstored 2>/dev/null | sort >"$T_DIR/got.txt"
	if [ -s "$T_DIR/want.txt" ] && sort "$T_DIR/want.txt" | cmp -s - "$T_DIR/got.txt"; then
		ok=1
		break
	fi
	sleep 0.25
done
if [ $ok = 0 ]; then
	ROW_WHY+=("stored: $(diff <(sort "$T_DIR/want.txt") "$T_DIR/got.txt" | grep '^[<>]' | tr '\n' ';')")
fi
grep -q "ALERT target=log:exim domain=unknown\.test" "$T_DIR/smtprobed.log" &&
    ROW_WHY+=("unknown.test's ALERT said again after the restart")
end_row

# The window after the restart was filled again from the store: grey.test's
# two deferrals read before the kill count with the four after it (a
# window of only what was read since the start would hold four), and the
# alert they make is raised (the count on its line is the window's when
# it was judged, which may be before the last file was read).
ROW_NAME=exim.daemon.window-restored
ROW_WHY=()
ok=0
for _ in $(seq 50); do
	"$SMTPROBE" logs --daemon --json -s "$DSOCK" >"$T_DIR/window.json" 2>&1
	if python3 -c 'import json,sys
w = json.load(open(sys.argv[1]))["logs"][0]["window"]
sys.exit(0 if any(x["domain"] == "grey.test" and
    x["cause"] == "policy.greylisted" and x["count"] == 6 for x in w) else 1)' \
	    "$T_DIR/window.json" 2>/dev/null; then
		ok=1
		break
	fi
	sleep 0.2
done
[ $ok = 1 ] || ROW_WHY+=("the window does not hold grey.test's six deferrals: $(head -c 400 "$T_DIR/window.json")")
dlog_wait 'ALERT target=log:exim domain=grey\.test direction=out finding=policy\.greylisted .*count=[3-6] window=10m' 10 ||
    ROW_WHY+=("no ALERT for grey.test's deferrals")
end_row
t_kill "$DPID"
