#!/usr/bin/env bash
# logs.sh - smtprobe logs on what a real Postfix wrote.
#
# The private Postfix (tests/lib/postfix.sh) relays test messages, sent
# with its own sendmail, to tests/lib/fakesmtp.py's refusal modes and to
# a few broken next hops (a closed port, a silent server, one without
# STARTTLS, an untrusted certificate); its smtpd refuses two inbound
# recipients. Its maillog_file is rotated the three usual ways on the way:
# "postfix logrotate" (rename and gzip), then copytruncate. Each row runs
# smtprobe logs on that log and checks the causes, counts and proofs, and
# the sent/deferred/bounced counts against pflogsumm's on the same log.
# Exim's format is also tested here on lines written the way its
# specification's "Log files" chapter shows them (a dnslookup router, TLS
# fields, an inbound refusal); tests/scenario/exim.sh runs a real Exim.
# Needs root, the postfix and pflogsumm packages.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"

t_init logs
need_probe
if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null ||
    ! command -v pflogsumm >/dev/null; then
	fail logs.setup "needs root and the postfix and pflogsumm packages"
	exit 1
fi
if ! ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1; then
	T_SHOW_LOGS+=("$T_DIR/ca.log")
	fail logs.setup "test CA: openssl failed"
	exit 1
fi

MODES=(normal rcpt-greylist rcpt-ratelimit rcpt-unknown rcpt-blocklisted
    rcpt-full data-dmarc tarpit hangup)
t_bg fakesmtp python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/ports" \
    --cert "$T_DIR/ca/valid.crt" --key "$T_DIR/ca/valid.key" \
    --lifetime 280 "${MODES[@]}"
t_bg fakesmtp-notls python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/ports2" \
    --lifetime 280 normal
T_SHOW_LOGS+=("$T_DIR/fakesmtp.log")
if ! wait_file "$T_DIR/ports" 15 || ! wait_file "$T_DIR/ports2" 15; then
	fail logs.setup "fakesmtp.py did not start"
	exit 1
fi
declare -A P
while read -r mode port; do
	P[$mode]=$port
done <"$T_DIR/ports"
read -r _ NOTLS <"$T_DIR/ports2"

if ! pf_setup "$T_DIR/pf" "$T_DIR/ca"; then
	fail logs.setup "pf_setup failed"
	exit 1
fi
pf_route ok.test "[127.0.0.1]:${P[normal]}"
pf_route grey.test "[127.0.0.1]:${P[rcpt-greylist]}"
pf_route rate.test "[127.0.0.1]:${P[rcpt-ratelimit]}"
pf_route unknown.test "[127.0.0.1]:${P[rcpt-unknown]}"
pf_route block.test "[127.0.0.1]:${P[rcpt-blocklisted]}"
pf_route full.test "[127.0.0.1]:${P[rcpt-full]}"
pf_route dmarc.test "[127.0.0.1]:${P[data-dmarc]}"
pf_route silent.test "[127.0.0.1]:${P[tarpit]}"
pf_route hangup.test "[127.0.0.1]:${P[hangup]}"
pf_route refused.test "[127.0.0.1]:$(free_port)"
pf_route notls.test "[127.0.0.1]:$NOTLS" smtp-encrypt
pf_route verify.test "[127.0.0.1]:${P[normal]}" smtp-verify
if ! pf_start 2>"$T_DIR/pf-start.log"; then
	T_SHOW_LOGS+=("$T_DIR/pf-start.log")
	fail logs.setup "private Postfix did not start"
	exit 1
fi
LOG=$PF_MAILLOG

# wait_lines N: until the log (all its parts) holds N delivery statuses
# of the routed test domains (bounded).
wait_lines() {
	local want=$1 n=0 got
	while [ $n -lt 300 ]; do
		# one file at a time: zcat -f passes a stream that does not
		# start compressed through whole, gzip members and all
		got=$(for f in "$PF_DIR"/maillog*; do zcat -f "$f"; done \
		    2>/dev/null | grep -ac 'to=<user@[a-z]*\.test>.* status=')
		[ "$got" -ge "$want" ] && pf_wait_idle 10 && return 0
		sleep 0.1
		n=$((n + 1))
	done
	echo "only $got of $want delivery lines" >&2
	return 1
}

send() {	# send DOMAIN [COUNT]
	local i
	for ((i = 0; i < ${2:-1}; i++)); do
		pf_send bounces@sender.test "user@$1" "to $1 #$i" || return 1
	done
}

# Batch A: every situation once, some twice.
for d in ok.test ok.test grey.test grey.test rate.test unknown.test \
    unknown.test block.test full.test dmarc.test silent.test hangup.test \
    refused.test notls.test verify.test; do
	send "$d" || { fail logs.setup "sendmail failed"; exit 1; }
done
if ! wait_lines 15 2>"$T_DIR/wait.log"; then
	T_SHOW_LOGS+=("$T_DIR/wait.log")
	fail logs.setup "Postfix did not log every delivery"
	exit 1
fi
# Two inbound refusals by this Postfix's smtpd.
python3 - "$PF_OK" >"$T_DIR/inbound.log" 2>&1 <<'EOF'
import smtplib, sys
for rcpt in ("nosuch@test.example", "nobody@test.example"):
    s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
    s.ehlo("client.test.example")
    s.mail("someone@far.example")
    print(s.rcpt(rcpt))
    s.quit()
EOF

# Rotation 1: Postfix's own (rename, then gzip the old file).
pf_cmd logrotate >>"$PF_DIR/postfix.log" 2>&1
n=0
while ! ls "$PF_DIR"/maillog.*.gz >/dev/null 2>&1 && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
# Batch B, then rotation 2: copytruncate.
send ok.test && send unknown.test
wait_lines 17 2>>"$T_DIR/wait.log"
cp "$LOG" "$LOG.1" && : >"$LOG"
# Batch C, in the live file.
send grey.test
wait_lines 18 2>>"$T_DIR/wait.log"

# j ROW JSON-FILE CHECKS...: assertions on smtprobe logs --json output:
#   D:DIR:DOMAIN:KEY=N	the domain's count (sent, deferred, ...)
#   C:DIR:DOMAIN:CAUSE:KEY=V	a cause row's field (messages, attempts,
#				deferred, bounced, expired, source, check)
#   N:DIR:DOMAIN:CAUSE	no such cause row
#   L:KEY=N		line counts
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
    if kind == "N":
        if row is not None:
            bad.append("%s: present" % spec)
        continue
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

# lrow NAME EXIT ARGS...: one smtprobe logs run.
lrow() {
	local name=$1 want=$2
	shift 2
	row_raw "$name" "$want" logs "$@"
}

expect_json() {
	local out
	if ! out=$(jcheck "$ROW_OUT" "$@" 2>&1); then
		ROW_WHY+=("$out")
	fi
}

# --- the whole log, rotated three ways --------------------------------

ROTATED=$(ls "$PF_DIR"/maillog.*.gz 2>/dev/null | head -n 1)
ROW_NAME=logs.rotation.files
ROW_WHY=()
ROW_CHECKS=()
[ -n "$ROTATED" ] || ROW_WHY+=("postfix logrotate left no .gz file")
[ -s "$LOG.1" ] || ROW_WHY+=("the copytruncate copy is empty")
end_row

# In shell order (maillog, maillog.1, maillog.DATE.gz): read oldest first.
lrow logs.summary 1 --json "$LOG" "$LOG.1" ${ROTATED:+"$ROTATED"}
expect_json \
    D:out:ok.test:sent=3 \
    D:out:grey.test:deferred=3 D:out:grey.test:expired=3 \
    C:out:grey.test:policy.greylisted:messages=3 \
    C:out:grey.test:policy.greylisted:source=postgrey \
    C:out:grey.test:policy.greylisted:check=None \
    C:out:rate.test:policy.rate-limited:deferred=1 \
    C:out:rate.test:policy.rate-limited:source=gmail \
    D:out:unknown.test:bounced=3 \
    C:out:unknown.test:policy.rcpt.unknown-user:messages=3 \
    C:out:unknown.test:policy.rcpt.unknown-user:phase=rcpt \
    C:out:block.test:policy.client.blocklisted:bounced=1 \
    C:out:full.test:policy.rcpt.mailbox-full:bounced=1 \
    C:out:dmarc.test:policy.auth.dmarc:phase=end-of-data \
    C:out:dmarc.test:policy.auth.dmarc:sender_domain=sender.test \
    "C:out:dmarc.test:policy.auth.dmarc:check=smtprobe check --dns-only sender.test" \
    C:out:silent.test:smtp.banner.timeout:failure=timeout \
    C:out:hangup.test:net.reset:failure=lost-connection \
    C:out:hangup.test:net.reset:phase=banner \
    C:out:refused.test:net.connect.refused:deferred=1 \
    "C:out:refused.test:net.connect.refused:check=smtprobe check refused.test" \
    C:out:notls.test:tls.starttls.missing:deferred=1 \
    C:out:verify.test:tls.cert.untrusted:deferred=1 \
    D:in:far.example:rejected=2 \
    C:in:far.example:policy.rcpt.unknown-user:messages=2 \
    "C:in:far.example:policy.rcpt.unknown-user:sample=~User unknown in virtual mailbox table" \
    N:out:ok.test:policy.deferred \
    L:unparsable=0 L:too_long=0
end_row

# The sending address given: the SPF/DMARC proof evaluates it.
lrow logs.spf-ip 1 --json --spf-ip 192.0.2.10 --domain dmarc.test "$LOG" \
    "$LOG.1" ${ROTATED:+"$ROTATED"}
expect_json "C:out:dmarc.test:policy.auth.dmarc:check=smtprobe check --dns-only --spf-ip 192.0.2.10 sender.test"
end_row

# The same files in another order give the same counts.
lrow logs.order 1 --json ${ROTATED:+"$ROTATED"} "$LOG" "$LOG.1"
expect_json D:out:grey.test:deferred=3 D:out:grey.test:expired=3 \
    D:out:unknown.test:bounced=3 D:out:ok.test:sent=3
end_row

lrow logs.human 1 "$LOG" "$LOG.1" ${ROTATED:+"$ROTATED"}
expect_grep '^to grey\.test: deferred 3 expired 3'
expect_grep '^  warn  policy\.greylisted: 3 messages, 3 attempts'
expect_grep 'sample: 450 4\.2\.0 <user@grey\.test>: Recipient address rejected: Greylisted'
expect_grep 'check:  smtprobe check refused\.test'
expect_grep '^from far\.example: rejected 2'
end_row

# --- pflogsumm on the same log ----------------------------------------

zcat -f ${ROTATED:+"$ROTATED"} "$LOG.1" "$LOG" >"$T_DIR/whole.log"
pflogsumm "$T_DIR/whole.log" >"$T_DIR/pflogsumm.out" 2>&1
lrow logs.pflogsumm 1 --json "$T_DIR/whole.log"
if ! out=$(python3 - "$ROW_OUT" "$T_DIR/pflogsumm.out" 2>&1 <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1]))
ours = {d["domain"]: d for d in doc["domains"] if d["direction"] == "out"}
text = open(sys.argv[2]).read()
bad = []
grand = {}
for k in ("delivered", "deferred", "bounced"):
    m = re.search(r"^\s*(\d+)\s+%s\b" % k, text, re.M)
    grand[k] = int(m.group(1)) if m else None
m = re.search(r"(\d+)\s+deferrals\)", text)
grand["deferrals"] = int(m.group(1)) if m else None
tot = lambda k: sum(d[k] for d in ours.values())
if grand["delivered"] != tot("sent"):
    bad.append("delivered: pflogsumm %s, ours %d" % (grand["delivered"],
               tot("sent")))
if grand["bounced"] != tot("bounced"):
    bad.append("bounced: pflogsumm %s, ours %d" % (grand["bounced"],
               tot("bounced")))
if grand["deferrals"] != tot("deferred"):
    bad.append("deferrals: pflogsumm %s, ours %d" % (grand["deferrals"],
               tot("deferred")))
sec = text.split("Host/Domain Summary: Message Delivery", 1)[1]
sec = sec.split("Host/Domain Summary: Messages Received", 1)[0]
rows = 0
for line in sec.splitlines():
    m = re.match(r"\s*(\d+)\s+(\d+[km]?)\s+(\d+)\s+\S+ \S\s+\S+ \S\s+(\S+)$",
                 line)
    if not m:
        continue
    rows += 1
    sent, defers, dom = int(m.group(1)), int(m.group(3)), m.group(4)
    d = ours.get(dom)
    if d is None or d["sent"] != sent or d["deferred"] != defers:
        bad.append("%s: pflogsumm sent %d deferred %d, ours %s" % (
            dom, sent, defers, d and (d["sent"], d["deferred"])))
if rows < 9:
    bad.append("only %d domain rows in pflogsumm's output" % rows)
print("; ".join(bad) or "ok")
sys.exit(1 if bad else 0)
EOF
); then
	ROW_WHY+=("$out")
fi
T_SHOW_LOGS+=("$T_DIR/pflogsumm.out")
end_row

# --- filters ----------------------------------------------------------

lrow logs.domain 1 --json --domain grey.test "$T_DIR/whole.log"
expect_json D:out:grey.test:deferred=3 N:out:unknown.test:policy.rcpt.unknown-user
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["domains"]
sys.exit(0 if [x["domain"] for x in d] == ["grey.test"] else 1)' "$ROW_OUT"
then :; else ROW_WHY+=("other domains than grey.test listed"); fi
end_row

lrow logs.since 1 --json --since 1h "$T_DIR/whole.log"
expect_json D:out:grey.test:deferred=3 L:out_of_range=0
end_row

lrow logs.until-nothing 0 --json --until @1000 "$T_DIR/whole.log"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
sys.exit(0 if d["domains"] == [] and d["lines"]["out_of_range"] > 30 else 1)' \
    "$ROW_OUT"; then :; else ROW_WHY+=("lines before 1970 were counted"); fi
end_row

# --- bad input --------------------------------------------------------

{
	head -n 20 "$T_DIR/whole.log"
	echo "this is not a log line"
	head -c 3000 /dev/urandom | tr -d '\n'
	echo
	python3 -c 'print("Dec  6 10:00:00 mx postfix/smtp[1]: " + "x" * (1 << 20))'
	echo "Dec  6 10:00:00 mx postfix/smtp[1]: 4F2A81C0F3: to=<a@b.test>, relay=none"
	tail -n 20 "$T_DIR/whole.log"
	printf 'Dec  6 10:00:00 mx postfix/smtp[1]: 4F2A81C0F3: to=<cut'
} >"$T_DIR/bad.log"
lrow logs.bad.garbage - --json "$T_DIR/bad.log"
expect_json L:too_long=1
if python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["lines"]
sys.exit(0 if l["unparsable"] >= 3 and l["events"] > 3 else 1)' "$ROW_OUT"
then :; else ROW_WHY+=("garbage not counted as unparsable"); fi
end_row

lrow logs.bad.verbose - -v "$T_DIR/bad.log"
expect_stderr 'bad\.log:21: no timestamp: this is not a log line'
expect_stderr 'bad\.log:[0-9]+: line longer than 16384 bytes'
expect_stderr 'delivery line: no status='
expect_grep 'unparsable'
end_row

gzip -c "$T_DIR/whole.log" | head -c 2000 >"$T_DIR/cut.log.gz"
lrow logs.bad.cut-gzip - --json "$T_DIR/cut.log.gz" "$LOG"
expect_stderr 'cut\.log\.gz: read: compressed data is damaged or cut short'
end_row

lrow logs.bad.missing 3 "$T_DIR/no-such-file"
expect_stderr 'no-such-file: No such file or directory'
expect_stderr 'no log could be read'
end_row

lrow logs.bad.directory 3 "$T_DIR"
expect_stderr 'is a directory'
end_row

lrow logs.bad.usage 3 --since yesterday "$LOG"
expect_stderr '--since: "yesterday" is not a duration'
end_row

# A journal without mail entries (no journald here, or none logged to
# LOG_MAIL): said so, nothing read, exit 3.
if [ -z "$(journalctl -q -n 1 SYSLOG_FACILITY=2 2>/dev/null)" ]; then
	lrow logs.bad.no-journal 3 --journal
	expect_stderr 'the journal holds no mail log entries'
	expect_stderr 'no log could be read'
	end_row
fi

# --- Exim's format ----------------------------------------------------

cat >"$T_DIR/exim.log" <<'EOF'
2026-12-06 10:15:48 1MUiyS-0002Mt-Jr <= ann@example.com H=mail.example.com [192.0.2.72]:39926 P=esmtpa S=964 id=abc@example.com
2026-12-06 10:15:50 1MUiyS-0002Mt-Jr => bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.27] X=TLSv1.2:ECDHE-RSA-AES128-GCM-SHA256:128 CV=yes C="250 2.0.0 OK 1458889573"
2026-12-06 10:15:50 1MUiyS-0002Mt-Jr Completed
2026-12-06 10:16:00 1MUiyT-0002Mu-Ab <= ann@example.com H=mail.example.com [192.0.2.72]:39930 P=esmtpa S=964 id=abd@example.com
2026-12-06 10:16:01 1MUiyT-0002Mu-Ab ** carl@example.org R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.218]: SMTP error from remote mail server after RCPT TO:<carl@example.org>: 550 5.1.1 <carl@example.org>: Recipient address rejected: User unknown in virtual mailbox table
2026-12-06 10:16:02 1MUiyU-0002Mv-Cd == dora@example.org R=dnslookup T=remote_smtp defer (-44) H=mx.example.org [192.0.2.218]: SMTP error from remote mail server after RCPT TO:<dora@example.org>: 450 4.2.0 <dora@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html
2026-12-06 10:16:03 1MUiyV-0002Mw-Ef == eve@example.info R=dnslookup T=remote_smtp defer (111): Connection refused
2026-12-06 10:16:04 H=(helo.example.biz) [192.0.2.9] F=<spam@example.biz> rejected RCPT <ann@example.com>: relay not permitted
EOF
lrow logs.exim 1 --json "$T_DIR/exim.log"
expect_json D:out:example.net:sent=1 \
    C:out:example.org:policy.rcpt.unknown-user:bounced=1 \
    C:out:example.org:policy.greylisted:deferred=1 \
    C:out:example.info:net.connect.refused:deferred=1 \
    D:in:example.biz:rejected=1 L:unparsable=0
end_row

# --- smtprobed follows the log ([log] section) ------------------------

SMTPROBED=$T_TOP/probe/smtprobed
DSOCK=$T_DIR/d.sock
MPORT=$(free_port)
cat >"$T_DIR/d.conf" <<EOF
[daemon]
state-dir = $T_DIR/dstate
control-socket = $DSOCK
metrics = 127.0.0.1:$MPORT
[log mail]
path = $LOG
domain = grey.test
log-alert = 2/15s
log-alert-ratio = 50%
interval = 1s
alert-after = 1
clear-after = 1
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
dstatus() {	# the first "logs" member of the status reply
	"$SMTPROBE" status --json -s "$DSOCK" 2>/dev/null |
	    python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["logs"][0]))'
}

t_bg smtprobed "$SMTPROBED" -d -f "$T_DIR/d.conf"
DPID=$T_BG_PID
T_SHOW_LOGS+=("$T_DIR/smtprobed.log")
ROW_NAME=logs.daemon.alert
ROW_WHY=()
ROW_CHECKS=()
if ! dlog_wait "log mail: following $LOG" 10; then
	ROW_WHY+=("smtprobed did not start following the log")
else
	send grey.test && send grey.test && send ok.test
	wait_lines 21 2>>"$T_DIR/wait.log"
	dlog_wait 'ALERT target=log:mail domain=grey\.test direction=out finding=policy\.greylisted .*count=2 window=15s sample="450 4\.2\.0' 15 ||
	    ROW_WHY+=("no ALERT for grey.test")
	grep -q 'ALERT target=log:mail domain=ok\.test' "$T_DIR/smtprobed.log" &&
	    ROW_WHY+=("an alert for a domain not configured")
fi
end_row

# the control command logs (smtprobe logs --daemon) and the metrics; the
# store's writer commits what was read within 100 ms: asked again a few
# times
for try in 1 2 3 4 5 6 7 8 9 10; do
	row_raw logs.daemon.ctl 0 logs --daemon --json -s "$DSOCK"
	grep -q '"stored":{[^}]*"domains":\[{' "$ROW_OUT" && break
	sleep 0.5
done
python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
w = r["logs"][0]["window"]
ok = r["logs"][0]["log"] == "mail" and any(x["domain"] == "grey.test" and
    x["cause"] == "policy.greylisted" and x["count"] >= 2 for x in w)
# and from the store: what the daemon read of real Postfix lines
st = r["logs"][0]["stored"]["domains"]
ok = ok and any(x["domain"] == "grey.test" and x["status"].get("deferred", 0) >= 2
    and x["causes"][0]["cause"] == "policy.greylisted" for x in st)
sys.exit(0 if ok else 1)' "$ROW_OUT" || ROW_WHY+=("no grey.test row in the window or the store")
end_row
ROW_NAME=logs.daemon.metrics
ROW_WHY=()
python3 -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1],
      timeout=10).read().decode())' "$MPORT" >"$T_DIR/metrics.out" 2>&1
grep -Eq '^smtprobe_log_deliveries_total\{log="mail",direction="out",domain="grey\.test",status="deferred",cause="policy\.greylisted"\} [2-9]' \
    "$T_DIR/metrics.out" || ROW_WHY+=("no deliveries counter for grey.test's deferrals")
grep -Eq '^smtprobe_log_window_failures\{log="mail",direction="out",domain="grey\.test",cause="policy\.greylisted"\} [2-9]' \
    "$T_DIR/metrics.out" || ROW_WHY+=("no window gauge for grey.test")
grep -Eq '^smtprobe_log_lines_total\{log="mail"\} [0-9]' "$T_DIR/metrics.out" ||
    ROW_WHY+=("no lines counter")
grep -Eq '^smtprobe_log_alert\{log="mail",direction="out",domain="grey\.test",cause="policy\.greylisted",severity="warn"\} 1$' \
    "$T_DIR/metrics.out" || ROW_WHY+=("no open alert for grey.test in the metrics")
T_SHOW_LOGS+=("$T_DIR/metrics.out")
end_row

ROW_NAME=logs.daemon.recovered
ROW_WHY=()
dlog_wait 'RECOVERED target=log:mail domain=grey\.test direction=out finding=policy\.greylisted' 30 ||
    ROW_WHY+=("no RECOVERED once the window emptied")
python3 -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1],
      timeout=10).read().decode())' "$MPORT" >"$T_DIR/metrics2.out" 2>&1
grep -q '^# TYPE smtprobe_log_alert gauge' "$T_DIR/metrics2.out" &&
    ! grep -q '^smtprobe_log_alert{' "$T_DIR/metrics2.out" ||
    ROW_WHY+=("the recovered alert is still in the metrics")
end_row

ROW_NAME=logs.daemon.restart
ROW_WHY=()
t_kill "$DPID"
[ "$(sqlite3 -cmd '.timeout 5000' "$T_DIR/dstate/smtprobed.db" \
    "SELECT count(*) FROM log_positions WHERE log = 'mail'")" = 1 ] ||
    ROW_WHY+=("no position in the store")
# while it is down: one more message, after a copytruncate
cp "$LOG" "$LOG.2" && : >"$LOG"
send grey.test
wait_lines 22 2>>"$T_DIR/wait.log"
mv "$T_DIR/smtprobed.log" "$T_DIR/smtprobed-1.log"
t_bg smtprobed "$SMTPROBED" -d -f "$T_DIR/d.conf"
DPID=$T_BG_PID
if dlog_wait "log mail: following" 10 && sleep 2 &&
    st=$(dstatus) && [ -n "$st" ]; then
	# the lines of one message after the truncation, not the whole log
	python3 -c 'import json,sys; l=json.loads(sys.argv[1])
sys.exit(0 if 3 <= l["lines"] <= 30 and l["failures"] == 1 else 1)' "$st" ||
	    ROW_WHY+=("after the restart: $st")
else
	ROW_WHY+=("no status after the restart")
fi
t_kill "$DPID"
end_row
