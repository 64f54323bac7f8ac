#!/usr/bin/env bash
# explain.sh - smtprobe explain on what an operator already has: replies,
# the log lines a real Postfix writes when servers refuse its mail, and
# the bounces (RFC 3464 DSNs) that Postfix sends back.
#
# The private Postfix (tests/lib/postfix.sh) relays to scripted servers
# (tests/lib/fakesmtp.py --script) that refuse with the sources' own
# words at RCPT or at the end of DATA, to a closed port, to a server
# that hangs up and to one without STARTTLS where TLS is required. Every
# row asserts the cause (finding id), its layer, severity and blame, the
# evidence, and what explain says to run next; the exit status follows
# the worst severity.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"

t_init explain
need_probe

# xrow NAME EXIT INPUT [ARGS...]: smtprobe explain --json ARGS < INPUT
# (INPUT "-" for none: the arguments are the reply).
xrow() {
	local input=$3 t0 t1
	ROW_NAME=$1
	ROW_WANT=$2
	shift 3
	ROW_WHY=()
	ROW_CHECKS=(:: explain-valid)
	ROW_OUT=$T_DIR/$ROW_NAME.json
	ROW_ERR=$T_DIR/$ROW_NAME.err
	ROW_CMD="smtprobe explain --json $* < $input"
	t0=$(date +%s%N)
	if [ "$input" = - ]; then
		timeout -k 2 20 "$SMTPROBE" explain --json "$@" >"$ROW_OUT" \
		    2>"$ROW_ERR" </dev/null
	else
		timeout -k 2 20 "$SMTPROBE" explain --json "$@" >"$ROW_OUT" \
		    2>"$ROW_ERR" <"$input"
	fi
	ROW_RC=$?
	t1=$(date +%s%N)
	ROW_MS=$(( (t1 - t0) / 1000000 ))
	[ "$ROW_RC" = "$ROW_WANT" ] ||
	    ROW_WHY+=("exit status $ROW_RC, expected $ROW_WANT")
}

# erow NAME EXIT INPUT REGEX: explain refuses the input with an error
# that matches REGEX on stderr, and says nothing on stdout.
erow() {
	ROW_NAME=$1
	ROW_WHY=()
	ROW_CHECKS=()
	ROW_OUT=$T_DIR/$1.out
	ROW_ERR=$T_DIR/$1.err
	ROW_CMD="smtprobe explain < $3"
	timeout -k 2 30 "$SMTPROBE" explain <"$3" >"$ROW_OUT" 2>"$ROW_ERR"
	ROW_RC=$?
	[ "$ROW_RC" = "$2" ] || ROW_WHY+=("exit status $ROW_RC, expected $2")
	grep -Eq -- "$4" "$ROW_ERR" ||
	    ROW_WHY+=("stderr does not match /$4/: $(head -c 200 "$ROW_ERR")")
	[ -s "$ROW_OUT" ] && ROW_WHY+=("stdout not empty")
	end_row
}

# --- replies given as arguments or on standard input -------------------

xrow ex.reply.args 2 - 550 5.7.606 Access denied, banned sending IP "[192.0.2.1]"
expect refusal policy.client.blocklisted --layer policy --severity crit \
    --blame client --source microsoft --level row \
    --evidence '^550 5\.7\.606 Access denied, banned sending IP \[192\.0\.2\.1\] \[microsoft 5\.7\.606: "banned sending IP"\]$' \
    --check 'smtprobe check --dns-only --dnsbl .*SENDING-IP'
expect value input reply
end_row

printf '421-4.7.28 Gmail has detected an unusual rate of email originating\n421 4.7.28 from your IP address 192.0.2.1.\n' >"$T_DIR/gmail.txt"
xrow ex.reply.multiline 1 "$T_DIR/gmail.txt"
expect refusal policy.rate-limited --severity warn --blame client \
    --source gmail --evidence 'originating / from your IP address'
expect value refusals.0.reply.code 421
expect value refusals.0.reply.enhanced 4.7.28
expect value refusals.0.permanent false
end_row

# the code on the first line only; continuation lines without it
printf '550 5.1.1 The email account that you tried to reach does not exist.\nPlease try double-checking the recipient'"'"'s email address.\n' >"$T_DIR/gmail-nocode.txt"
xrow ex.reply.first-line-code 2 "$T_DIR/gmail-nocode.txt"
expect refusal policy.rcpt.unknown-user --severity crit --blame target \
    --source gmail
end_row

# no code at all: read as a permanent refusal, and said so
xrow ex.reply.no-code 2 - Ip frequency limited
expect refusal policy.rate-limited --source qq
expect value refusals.0.reply.code null
expect value refusals.0.action assumed
end_row

# inconsistent: 451 with a 5.x.x code is temporary (the basic code)
xrow ex.reply.inconsistent 1 - 451 5.7.3 STARTTLS is required to send mail
expect refusal tls.starttls.required --layer tls --severity warn \
    --blame client --source microsoft
expect value refusals.0.permanent false
end_row

# a 421 whose words say permanent: temporary by its code (senders retry),
# critical because retrying will not help, and said so
xrow ex.reply.says-permanent 2 - 421 4.7.1 "[TS03]" All messages from 192.0.2.1 permanently deferred
expect refusal policy.client.reputation --severity crit --source yahoo
expect value refusals.0.permanent false
end_row
xrow ex.reply.says-not-permanent 1 - 421 4.7.0 This is not a permanent error
expect refusal policy.deferred --severity warn
end_row

# only the registry: X.2.2, then only the basic code
xrow ex.reply.enhanced 2 - 552 5.2.2 no words anyone knows
expect refusal policy.rcpt.mailbox-full --level enhanced --source rfc3463 \
    --evidence 'rfc3463 5\.2\.2: Mailbox full'
end_row
xrow ex.reply.basic 1 - 450 no words anyone knows
expect refusal policy.deferred --level basic --source rfc5321
end_row

# X.4.1 (no answer from host) in a server's own reply is about its next
# hop, not the connection to it (Zoho's 541 5.4.1 refuses by policy);
# in the sending MTA's own DSN it is the timeout it met
xrow ex.reply.hop 2 - 541 5.4.1 no words anyone knows
expect refusal policy.rejected --level enhanced --source rfc3463
end_row
cat >"$T_DIR/dsn441.eml" <<'EOF'
From: MAILER-DAEMON@relay.example (Mail Delivery System)
To: bounces@sender.example
Subject: Delayed Mail (still being retried)
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

Your message could not be delivered yet.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example

Final-Recipient: rfc822; user@far.example
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Local; no answer from the next hop

--B1--
EOF
xrow ex.dsn.hop 1 "$T_DIR/dsn441.eml"
expect value input dsn
expect refusal net.connect.timeout --layer net --severity warn \
    --level enhanced --recipient user@far.example
end_row
# qmail-send's bounce: its own failures carry qmail's "(#5.1.1)", the
# server's refusal is quoted after "Remote host said:"
cat >"$T_DIR/qmail.txt" <<'EOF'
Hi. This is the qmail-send program at mail.example.net.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<nobody@example.net>:
Sorry, no mailbox here by that name. (#5.1.1)

<x@nx.example>:
Sorry, I couldn't find any host named nx.example. (#5.1.2)

<y@slow.example>:
Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)

<dave@example.com>:
192.0.2.1 does not like recipient.
Remote host said: 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)
Giving up on 192.0.2.1.

--- Below this line is a copy of the message.
EOF
xrow ex.dsn.qmail 2 "$T_DIR/qmail.txt"
expect value input bounce
expect refusal policy.rcpt.unknown-user --recipient nobody@example.net \
    --source generic
expect refusal dns.nxdomain --recipient x@nx.example --layer dns
expect refusal net.connect.timeout --recipient y@slow.example \
    --severity warn
expect refusal policy.rcpt.relay-denied --recipient dave@example.com \
    --source generic
end_row
xrow ex.reply.zoho 2 - 541 5.4.1 Mail rejected by destination domain
expect refusal policy.rejected --source zoho --blame target
end_row

# GBK on standard input (NetEase's bounce words)
printf '550 5.7.1 \xc0\xac\xbb\xf8\xd3\xca\xbc\xfe\xc8\xc3\xd3\xca\xcf\xe4\xd0\xa1\xd2\xd7\xba\xdc\xb7\xb3\xd0\xc4\xa3\xac\xcf\xd6\xd4\xda\xc4\xfa\xb7\xa2\xcb\xcd\xb5\xc4\xd3\xca\xbc\xfe\xb1\xbb\xbb\xb3\xd2\xc9\xce\xaa\xca\xc7\xc0\xac\xbb\xf8\xd3\xca\xbc\xfe\n' >"$T_DIR/gbk.txt"
xrow ex.reply.gbk 2 "$T_DIR/gbk.txt"
expect refusal policy.content.spam --source netease --blame client
end_row

# authentication failed: the relay's login, nothing to probe
xrow ex.reply.auth 2 - 535 5.7.8 Username and Password not accepted.
expect refusal smtp.auth.failed --layer smtp --blame client
expect value refusals.0.check null
end_row

# Exim's log lines (mainlog, as the Exim specification's "Log files"
# chapter lays them out): a greylisting deferral after RCPT, a refused
# connection with no reply, a bounce after RCPT; one refusal each
cat >"$T_DIR/exim.log" <<'EOF'
2026-12-06 10:00:01 1ZoVVC-0015eV-0i == bob@example.net R=dnslookup T=remote_smtp defer (-44) H=mx.example.net [192.0.2.12]: SMTP error from remote mail server after RCPT TO:<bob@example.net>: 451 4.7.1 Greylisted, please try again later
2026-12-06 10:00:01 1ZoVVC-0015eV-0i == carol@example.net R=dnslookup T=remote_smtp defer (111): Connection refused
2026-12-06 14:26:40 1haaEv-000EiQ-0m ** dave@example.org R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.218] X=TLSv1.2:AES128-SHA256:128 CV=yes: SMTP error from remote mail server after RCPT TO:<dave@example.org>: 550 5.1.1 <dave@example.org>: Recipient address rejected: User unknown in local recipient table
EOF
xrow ex.log.exim 2 "$T_DIR/exim.log"
expect value input log
expect refusal policy.greylisted --recipient bob@example.net --severity warn \
    --count 1 --host mx.example.net --command 'RCPT TO:<bob@example\.net>'
expect refusal net.connect.refused --recipient carol@example.net \
    --layer net --severity warn
expect refusal policy.rcpt.unknown-user --recipient dave@example.org \
    --severity crit --host mx.example.org --source postfix \
    --evidence '^RCPT TO:<dave@example\.org>: 550 5\.1\.1 .*User unknown in local recipient table'
expect value refusals.2.recipient dave@example.org
end_row
# the bounce's line alone, as an operator greps it
grep ' \*\* ' "$T_DIR/exim.log" >"$T_DIR/exim-one.log"
xrow ex.log.exim.one 2 "$T_DIR/exim-one.log"
expect refusal policy.rcpt.unknown-user --recipient dave@example.org
end_row

# a bounce naming more recipients than are read: the first 64 are
# explained, and the rest is said to be left out, not dropped in silence
{
	printf 'From: MAILER-DAEMON@relay.example\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/report; report-type=delivery-status; boundary="B2"\n\n'
	printf -- '--B2\nContent-Type: message/delivery-status\n\n'
	printf 'Reporting-MTA: dns; relay.example\n\n'
	for i in $(seq 1 100); do
		printf 'Final-Recipient: rfc822; u%d@far.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n\n' "$i"
	done
	printf -- '--B2--\n'
} >"$T_DIR/many.eml"
xrow ex.dsn.many-recipients 2 "$T_DIR/many.eml"
expect value recipients_not_read true
expect value refusals.63.recipient u64@far.example
expect refusal policy.rcpt.unknown-user --count 64
end_row
ROW_NAME=ex.dsn.many-recipients.human
ROW_WHY=()
ROW_CHECKS=()
ROW_OUT=$T_DIR/$ROW_NAME.out
timeout -k 2 20 "$SMTPROBE" explain <"$T_DIR/many.eml" >"$ROW_OUT" 2>&1
grep -qx '(the bounce names more than 64 recipients: the rest were not read)' \
    "$ROW_OUT" || ROW_WHY+=("no line saying the other recipients were not read")
end_row

# Postfix's own DNS failures (dns_strerror): "Host not found, try again"
# (TRY_AGAIN: a failed lookup) is the DNS servers' trouble, "Host not
# found" (HOST_NOT_FOUND) the name's absence; both in one wording
printf '%s\n' 'Dec  6 10:00:00 relay postfix/smtp[123]: ABCDEF: to=<u@dest.example>, relay=none, delay=1, status=deferred (Host or domain name not found. Name service error for name=dest.example type=MX: Host not found, try again)' >"$T_DIR/dns-tryagain.log"
xrow ex.log.dns.try-again 1 "$T_DIR/dns-tryagain.log"
expect refusal dns.servfail --layer dns --severity warn --recipient u@dest.example
end_row
printf '%s\n' 'Dec  6 10:00:00 relay postfix/smtp[123]: ABCDEF: to=<u@dest.example>, relay=none, delay=1, status=bounced (Host or domain name not found. Name service error for name=dest.example type=A: Host not found)' >"$T_DIR/dns-notfound.log"
xrow ex.log.dns.not-found 2 "$T_DIR/dns-notfound.log"
expect refusal dns.nxdomain --layer dns --recipient u@dest.example
end_row

# Exim's dnslookup router, the lookup failed: DNS trouble, not a refusal
printf '%s\n' '2026-12-06 10:00:01 1ZoVVC-0015eV-0i == bob@example.net R=dnslookup defer (-1): host lookup did not complete' >"$T_DIR/exim-dns.log"
xrow ex.log.exim.dns 1 "$T_DIR/exim-dns.log"
expect refusal dns.servfail --layer dns --severity warn --recipient bob@example.net
end_row

# --- bad input -----------------------------------------------------------

: >"$T_DIR/empty"
erow ex.bad.empty 3 "$T_DIR/empty" 'empty input'
printf '550 5.1.1 x\0y\n' >"$T_DIR/nul"
erow ex.bad.binary 3 "$T_DIR/nul" 'binary input \(a NUL byte at offset 11\)'
head -c 34000000 /dev/urandom | base64 -w 76 >"$T_DIR/huge"
erow ex.bad.huge 3 "$T_DIR/huge" 'over 32 MiB'
{ printf 'x%.0s' $(seq 1 1000); } >/dev/null
python3 -c 'import sys; sys.stdout.write("a" * 1048576 + "\n")' >"$T_DIR/longline"
erow ex.bad.long-line 3 "$T_DIR/longline" 'no refusal found'
printf 'hello world\nnothing here\n' >"$T_DIR/words"
erow ex.bad.words 3 "$T_DIR/words" "no refusal found"
# a file named as the argument is not read: said so, and how to give it
ROW_NAME=ex.bad.file-argument
ROW_WHY=()
ROW_CHECKS=()
ROW_OUT=$T_DIR/$ROW_NAME.out
ROW_ERR=$T_DIR/$ROW_NAME.err
printf '550 5.1.1 <u@example.com>: Recipient address rejected: User unknown\n' \
    >"$T_DIR/reply.txt"
timeout -k 2 20 "$SMTPROBE" explain "$T_DIR/reply.txt" >"$ROW_OUT" \
    2>"$ROW_ERR" </dev/null
rc=$?
[ $rc = 3 ] || ROW_WHY+=("exit status $rc, expected 3")
grep -qF "smtprobe explain: $T_DIR/reply.txt is a file: give it on standard input (smtprobe explain < $T_DIR/reply.txt)" \
    "$ROW_ERR" || ROW_WHY+=("no hint: $(head -c 300 "$ROW_ERR")")
end_row

# --- a real Postfix relaying to refusing servers -------------------------

if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null; then
	fail explain.setup "needs root and the postfix package"
	exit 1
fi
if ! ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1; then
	T_SHOW_LOGS+=("$T_DIR/ca.log")
	fail explain.setup "test CA: openssl failed"
	exit 1
fi

cat >"$T_DIR/refusals.json" <<'EOF'
{
 "unknown-ms": {"phase": "rcpt", "reply": [
  "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"]},
 "helo": {"phase": "rcpt", "reply": [
  "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname"]},
 "relay": {"phase": "rcpt", "reply": [
  "554 5.7.1 <user@relay.test>: Relay access denied"]},
 "qq": {"phase": "rcpt", "reply": [
  "550 Ip frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000725"]},
 "mailfrom": {"phase": "mail", "reply": [
  "553 5.7.1 <bounces@sender.test>: Sender address rejected: not owned by user alice"]},
 "spf": {"phase": "data", "reply": [
  "550-5.7.27 This message was blocked because it didn't pass SPF authentication.",
  "550 5.7.27 Gmail requires bulk email senders to authenticate their email with SPF."]},
 "dkim": {"phase": "data", "reply": [
  "550 5.7.30 This message was blocked because it didn't pass DKIM authentication. Gmail requires bulk email senders to authenticate their email with DKIM."]},
 "unauth": {"phase": "data", "reply": [
  "550-5.7.26 This email has been blocked because the sender is unauthenticated.",
  "550 5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM."]},
 "spam": {"phase": "data", "reply": [
  "550-5.7.1 This message is likely unsolicited email. To reduce the amount of spam",
  "550 5.7.1 sent to Gmail, this message has been blocked."]},
 "virus": {"phase": "data", "reply": [
  "554 5.7.1 clamav: virus found: \"Win.Test.EICAR_HDB-1\""]},
 "size": {"phase": "data", "reply": [
  "552 5.3.4 Your message exceeded Google's message size limits. To view our message size guidelines, go to Send attachments with your Gmail message."]},
 "policy": {"phase": "data", "reply": ["550 5.7.1 Delivery not authorized"]},
 "server": {"phase": "data", "reply": [
  "421 4.3.0 Temporary System Problem. Try again later."]}
}
EOF
SCRIPTS=(unknown-ms helo relay qq mailfrom spf dkim unauth spam virus size
    policy server)
MODES=(rcpt-full rcpt-blocklisted data-dmarc hangup normal)
for k in "${SCRIPTS[@]}"; do
	MODES+=("script:$k")
done
t_bg fakesmtp python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/ports" \
    --script "$T_DIR/refusals.json" --lifetime 300 "${MODES[@]}"
T_SHOW_LOGS+=("$T_DIR/fakesmtp.log")
if ! wait_file "$T_DIR/ports" 15; then
	fail explain.setup "fakesmtp.py did not start"
	exit 1
fi
declare -A P
while read -r mode port; do
	P[${mode#script:}]=$port
done <"$T_DIR/ports"
CLOSED=$(free_ports 1)

if ! pf_setup "$T_DIR/pf" "$T_DIR/ca"; then
	fail explain.setup "pf_setup failed"
	exit 1
fi
# one test domain per refusal: mail to user@NAME.test goes to its server
for k in "${SCRIPTS[@]}" rcpt-full rcpt-blocklisted data-dmarc hangup; do
	pf_route "$k.test" "[127.0.0.1]:${P[$k]}"
done
pf_route closed.test "[127.0.0.1]:$CLOSED"
pf_route notls.test "[127.0.0.1]:${P[normal]}" smtp-encrypt
if ! pf_start 2>"$T_DIR/pf-start.log"; then
	T_SHOW_LOGS+=("$T_DIR/pf-start.log")
	fail explain.setup "private Postfix did not start"
	exit 1
fi
ALL=("${SCRIPTS[@]}" rcpt-full rcpt-blocklisted data-dmarc hangup closed notls)
for k in "${ALL[@]}"; do
	pf_send bounces@sender.test "user@$k.test" "to $k" ||
	    fail "explain.send.$k" "sendmail failed"
done
pf_wait_idle 30
# temporary refusals bounce at the next try (maximal_queue_lifetime 0)
pf_flush
pf_wait_idle 30
sleep 0.5
LOG=$PF_MAILLOG

# One delivery as an operator greps it: the lines of its queue id (the
# sender's qmgr line, the attempts); and the last attempt's line alone.
for k in "${ALL[@]}"; do
	grep -F "to=<user@$k.test>" "$LOG" | grep -F 'status=' | tail -n 1 \
	    >"$T_DIR/line.$k.test"
	qid=$(sed -n 's/.*: \([0-9A-F]\{6,\}\): to=.*/\1/p' \
	    "$T_DIR/line.$k.test")
	if [ -n "$qid" ]; then
		grep -F "$qid: " "$LOG" >"$T_DIR/qid.$k.test"
	else
		: >"$T_DIR/qid.$k.test"
	fi
done

# lrow KEY EXIT ID [refusal options...]: the log line of user@KEY.test
lrow() {
	local k=$1 rc=$2 id=$3
	shift 3
	xrow "ex.log.$k" "$rc" "$T_DIR/line.$k.test"
	[ -s "$T_DIR/line.$k.test" ] ||
	    ROW_WHY+=("no log line for user@$k.test")
	expect value input log
	expect refusal "$id" --recipient "user@$k.test" "$@"
	end_row
}

lrow unknown-ms 2 policy.rcpt.unknown-user --command 'RCPT( TO)?' \
    --source microsoft --host 127.0.0.1 \
    --check "^smtprobe check --rcpt user@unknown-ms\\.test unknown-ms\\.test$"
lrow helo 2 policy.helo.rejected --blame client --command 'RCPT( TO)?' \
    --check 'smtprobe check --helo YOUR-HOST-FQDN -H 127\.0\.0\.1'
lrow relay 2 policy.rcpt.relay-denied --blame target
lrow qq 2 policy.rate-limited --source qq
lrow mailfrom 2 policy.mail.rejected --command 'MAIL( FROM)?' --source postfix
lrow spf 2 policy.auth.spf --blame client --command '.*DATA.*' \
    --check '^smtprobe check --dns-only --spf-ip SENDING-IP SENDER-DOMAIN$'
xrow ex.log.qid.spf 2 "$T_DIR/qid.spf.test"
expect refusal policy.auth.spf --recipient user@spf.test \
    --check '^smtprobe check --dns-only --spf-ip SENDING-IP sender\.test$'
end_row
lrow dkim 2 policy.auth.dkim --source gmail \
    --check 'smtprobe check --dns-only --dkim-selector SELECTOR FROM-DOMAIN'

# with its queue id's lines the sender is known (qmgr from=)
xrow ex.log.qid.dkim 2 "$T_DIR/qid.dkim.test"
expect refusal policy.auth.dkim --recipient user@dkim.test \
    --check '^smtprobe check --dns-only --dkim-selector SELECTOR sender\.test$'
expect value refusals.0.sender bounces@sender\.test
end_row
lrow unauth 2 policy.auth.failed --source gmail
lrow data-dmarc 2 policy.auth.dmarc --source gmail
lrow spam 2 policy.content.spam --source gmail
lrow virus 2 policy.content.rejected --source rspamd
lrow size 2 policy.message.too-large --source gmail
lrow policy 2 policy.rejected --command '.*DATA.*'
lrow server 1 smtp.server.error --severity warn --source gmail
lrow rcpt-full 2 policy.rcpt.mailbox-full
lrow rcpt-blocklisted 2 policy.client.blocklisted --blame client
lrow closed 1 net.connect.refused --layer net --severity warn \
    --evidence 'Connection refused' \
    --check '^smtprobe check closed\.test$'
lrow hangup 1 net.reset --layer net \
    --evidence 'lost connection .*initial server greeting'
lrow notls 1 tls.starttls.missing --layer tls \
    --evidence 'TLS is required, but was not offered' \
    --check 'smtprobe check --tls verify -H 127\.0\.0\.1'

# the whole log at once: one refusal per failed delivery
xrow ex.log.whole 2 "$LOG"
expect value input log
expect refusal policy.rcpt.unknown-user --count 1
expect refusal policy.auth.spf --count 1
expect refusal net.connect.refused --recipient user@closed.test
end_row

# --- the DSNs this Postfix sent back --------------------------------------

# drow KEY EXIT ID [refusal options...]: the bounce of user@KEY.test
drow() {
	local k=$1 rc=$2 id=$3 f
	shift 3
	f=$(grep -l -F "Final-Recipient: rfc822; user@$k.test" \
	    "$PF_BOUNCES"/new/* 2>/dev/null | head -n 1)
	xrow "ex.dsn.$k" "$rc" "${f:-/dev/null}"
	[ -n "$f" ] || ROW_WHY+=("no DSN for user@$k.test in $PF_BOUNCES/new")
	expect value input dsn
	expect refusal "$id" --recipient "user@$k.test" "$@"
	end_row
}

drow unknown-ms 2 policy.rcpt.unknown-user --command 'RCPT TO' \
    --source microsoft --host 127.0.0.1
drow helo 2 policy.helo.rejected --command 'RCPT TO' --blame client
drow spf 2 policy.auth.spf --command 'end of DATA' --source gmail \
    --evidence 'SPF authentication.*\[gmail 5\.7\.27'
drow data-dmarc 2 policy.auth.dmarc --command 'end of DATA' \
    --check 'smtprobe check --dns-only --spf-ip SENDING-IP --dkim-selector SELECTOR sender\.test'
drow size 2 policy.message.too-large --source gmail
drow rcpt-full 2 policy.rcpt.mailbox-full --command 'RCPT TO'
drow closed 1 net.connect.refused --layer net
drow server 1 smtp.server.error --severity warn

# the human-readable part alone: a plain-text bounce
f=$(grep -l -F "Final-Recipient: rfc822; user@unknown-ms.test" \
    "$PF_BOUNCES"/new/* 2>/dev/null | head -n 1)
if [ -n "$f" ]; then
	sed -n '/^This is the mail system/,/^--/p' "$f" >"$T_DIR/plain.txt"
fi
xrow ex.bounce.plain 2 "$T_DIR/plain.txt"
expect value input bounce
expect refusal policy.rcpt.unknown-user --recipient user@unknown-ms.test \
    --command 'RCPT TO' --source microsoft
end_row

# human output names the cause, the source and the command to run
ROW_NAME=ex.human
ROW_WHY=()
ROW_CHECKS=()
ROW_OUT=$T_DIR/ex.human.out
ROW_ERR=$T_DIR/ex.human.err
"$SMTPROBE" explain <"$T_DIR/line.unknown-ms.test" >"$ROW_OUT" 2>"$ROW_ERR"
[ $? = 2 ] || ROW_WHY+=("exit status not 2")
for re in '^user@unknown-ms\.test: refused by .* after RCPT' \
    '^  reply    550 5\.1\.10 RESOLVER\.ADR\.RecipientNotFound' \
    '^  cause    policy\.rcpt\.unknown-user \(policy, crit, blame: target\)' \
    '^  source   microsoft 5\.1\.10: "RESOLVER\.ADR\.RecipientNotFound"' \
    '^  check    smtprobe check --rcpt user@unknown-ms\.test unknown-ms\.test$'; do
	grep -Eq -- "$re" "$ROW_OUT" || ROW_WHY+=("output does not match /$re/")
done
end_row
