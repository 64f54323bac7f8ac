#!/usr/bin/env bash
# scripted.sh - smtprobe check against scripted, misbehaving servers.
#
# One tests/lib/fakesmtp.py process serves every mode, each on its own
# port. Each row is one smtprobe run against one mode and asserts the
# finding id, its layer, its severity and something specific in the
# evidence (a reply code, a phase name, a limit), the exit status, and
# where it matters that a deadline was honoured.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/ca.sh"

t_init scripted
need_probe
# and the certificates senders refuse although they verify here at
# security level 0: the name only in the CN, a partial wildcard, SHA-1
if ! { ca_all "$T_DIR/ca" && ca_cert "$T_DIR/ca" cnonly cnonly &&
    ca_cert "$T_DIR/ca" partialwild valid 'm*.test.example' &&
    ca_cert "$T_DIR/ca" sha1 sha1; } >"$T_DIR/ca.log" 2>&1; then
	T_SHOW_LOGS+=("$T_DIR/ca.log")
	fail scripted.setup "test CA: openssl failed"
	exit 1
fi
CA=$T_DIR/ca/ca.crt

MODES=(normal greet421 greet421-toomany greet554 greet554-rbl tarpit drip endless-line
    endless-multiline reset-mid-reply starttls-refused tls-garbage malformed
    ehlo-reject ehlo-helo-reject auth-plaintext mail-timeout slow-ehlo
    tls-old weak-key tls13-client-cert blackhole mail-421 normal@::1
    smtputf8)
# Refusals of the knowledge base (lib/replydb_rows.h), each served at
# one phase by a "script:NAME" listener: the words are the sources' own
# (their rows' examples), at the phase where the session meets them.
cat >"$T_DIR/refusals.json" <<'EOF'
{
 "banner-gmx": {"phase": "banner", "reply": [
  "554-gmx.net (mxgmx104) Nemesis ESMTP Service not available",
  "554-No SMTP service",
  "554-IP address is block listed.",
  "554 For explanation visit https://postmaster.gmx.net/en/case?c=r0201&i=ip&v=127.0.0.1&r=1MNcgj"]},
 "ehlo-name": {"phase": "ehlo", "reply": [
  "501 5.5.2 <probe.test.example>: Helo command rejected: Invalid name"]},
 "mail-null-netease": {"phase": "mail", "reply": [
  "553 Requested action not taken: NULL sender is not allowed"]},
 "mail-null-postfix": {"phase": "mail", "reply": [
  "554 5.7.1 <>: Sender address rejected: Access denied"]},
 "mail-starttls": {"phase": "mail", "reply": [
  "451 5.7.3 STARTTLS is required to send mail"]},
 "rcpt-qq": {"phase": "rcpt", "reply": [
  "550 Ip frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000725"]},
 "rcpt-ms-unknown": {"phase": "rcpt", "reply": [
  "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"]},
 "rcpt-ms-busy": {"phase": "rcpt", "reply": [
  "451 4.7.500 Access denied, please try again later"]},
 "rcpt-helo-delayed": {"phase": "rcpt", "reply": [
  "504 5.5.2 <probe.test.example>: Helo command rejected: need fully-qualified hostname"]},
 "rcpt-netease-rbl": {"phase": "rcpt", "reply": ["450 DT:RBL"]},
 "rcpt-gmail-full": {"phase": "rcpt", "reply": [
  "452-4.2.2 The recipient's inbox is out of storage space. Please direct",
  "452 4.2.2 the recipient to Manage files in your Google Drive storage."]},
 "rcpt-relay": {"phase": "rcpt", "reply": [
  "554 5.7.1 <user@test.example>: Relay access denied"]},
 "rcpt-utf8": {"phase": "rcpt", "reply": [
  "550-5.7.1 垃圾邮件让邮箱小易很烦心，现在您发送的邮件被怀疑为是垃圾邮件，拒绝接收。",
  "550 5.7.1 rejected by system"]},
 "rcpt-gbk": {"phase": "rcpt", "encoding": "gbk", "reply": [
  "550-5.7.1 垃圾邮件让邮箱小易很烦心，现在您发送的邮件被怀疑为是垃圾邮件，拒绝接收。",
  "550 5.7.1 rejected by system"]},
 "banner-yahoo": {"phase": "banner", "reply": [
  "421 4.7.0 [TSS04] Messages from 127.0.0.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"]},
 "banner-yahoo-ts03": {"phase": "banner", "reply": [
  "421 4.7.1 [TS03] All messages from 127.0.0.1 permanently deferred"]},
 "mail-sender-domain": {"phase": "mail", "reply": [
  "450 4.1.8 <probe@nonexistent.test.example>: Sender address rejected: Domain not found"]},
 "rcpt-gmail-inactive": {"phase": "rcpt", "reply": [
  "550-5.2.1 The email account that you tried to reach is inactive. For more",
  "550 5.2.1 information, go to https://support.google.com/mail/?p=DisabledUser"]},
 "rcpt-qq-syntax": {"phase": "rcpt", "reply": ["501 Bad address syntax"]},
 "rcpt-gmail-421": {"phase": "rcpt", "close": true, "reply": [
  "421-4.7.28 Gmail has detected an unusual rate of email originating from your IP address",
  "421 4.7.28 127.0.0.1. To protect our users from spam, email sent from your IP address has been temporarily rate limited."]}
}
EOF
KB=(banner-gmx ehlo-name mail-null-netease mail-null-postfix mail-starttls
    rcpt-qq rcpt-ms-unknown rcpt-ms-busy rcpt-helo-delayed rcpt-netease-rbl
    rcpt-gmail-full rcpt-relay rcpt-utf8 rcpt-gbk rcpt-gmail-421
    banner-yahoo banner-yahoo-ts03 mail-sender-domain rcpt-gmail-inactive
    rcpt-qq-syntax)
for k in "${KB[@]}"; do
	MODES+=("script:$k")
done
t_bg fakesmtp python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/ports" \
    --script "$T_DIR/refusals.json" \
    --cert "$T_DIR/ca/valid.crt" --key "$T_DIR/ca/valid.key" \
    --weak-cert "$T_DIR/ca/weak.crt" --weak-key "$T_DIR/ca/weak.key" \
    --lifetime 300 "${MODES[@]}"
T_SHOW_LOGS+=("$T_DIR/fakesmtp.log")
if ! wait_file "$T_DIR/ports" 15; then
	fail scripted.setup "fakesmtp.py did not start"
	exit 1
fi
declare -A P
while read -r mode port; do
	P[$mode]=$port
done <"$T_DIR/ports"
# More well-behaved servers with a certificate from an intermediate CA
# (tests/lib/ca.sh, ca_intermediate): sent without the intermediate, with
# it, with the wrong one, and with an intermediate that has expired.
# And the certificates senders refuse (the SHA-1 one loads only at
# security level 0).
for c in viaint viaint-chain viaint-wrongchain viaold-chain cnonly \
    partialwild sha1; do
	t_bg "fakesmtp-$c" python3 "$T_LIB/fakesmtp.py" \
	    --ready "$T_DIR/ports.$c" --cert "$T_DIR/ca/$c.crt" \
	    --key "$T_DIR/ca/${c%%-*}.key" --lifetime 300 --seclevel0 normal
	T_SHOW_LOGS+=("$T_DIR/fakesmtp-$c.log")
	if ! wait_file "$T_DIR/ports.$c" 15; then
		fail scripted.setup "fakesmtp.py ($c) did not start"
		exit 1
	fi
	read -r _ port <"$T_DIR/ports.$c"
	P[$c]=$port
done

MX=mx.test.example
B=(--helo probe.test.example --name "$MX" --ca-file "$CA")

# --- control: the well-behaved mode is clean -------------------------

row fk.normal 0 "127.0.0.1:${P[normal]}" "${B[@]}" --tls verify \
    --rcpt user@test.example
expect status ok
expect max-severity info
expect session --outcome ok --count 1
expect tls --verified true --hostname-ok true
expect phase banner --reply 220 --text 'fakesmtp normal'
expect phase rcpt --reply 250
expect no-command '^(DATA|BDAT)'
end_row

row fk.ipv6-literal 0 "[::1]:${P[normal@::1]}" "${B[@]}" --tls verify
expect session --addr ::1 --port "${P[normal@::1]}" --outcome ok --count 1
expect status ok
end_row

# --- greeting --------------------------------------------------------

row fk.smtp.banner.4xx 2 "127.0.0.1:${P[greet421]}" "${B[@]}"
expect finding smtp.banner.4xx --layer smtp --severity crit \
    --evidence '421 4\.3\.2'
expect no-finding policy.rate-limited
expect phase banner --reply 421
expect no-phase ehlo
expect transcript '^S: 421 4\.3\.2 Service shutting down'
end_row

row fk.policy.rate-limited 1 "127.0.0.1:${P[greet421-toomany]}" "${B[@]}"
expect finding policy.rate-limited --layer policy --severity warn \
    --evidence '421 4\.7\.0'
expect no-finding smtp.banner.4xx
expect no-phase ehlo
end_row

row fk.smtp.banner.5xx 2 "127.0.0.1:${P[greet554]}" "${B[@]}"
expect finding smtp.banner.5xx --layer smtp --severity crit \
    --evidence '554 5\.7\.1'
expect no-phase ehlo
end_row

# A greeting that refuses the probe's own address (a DNSBL lists it):
# about the prober, not about the mail; a warning that says so.
row fk.policy.client.blocklisted 1 "127.0.0.1:${P[greet554-rbl]}" "${B[@]}"
expect finding policy.client.blocklisted --layer policy --severity warn \
    --evidence "greeting: 554 5\\.7\\.1 Service unavailable; client \\[127\\.0\\.0\\.1\\] blocked using zen\\.spamhaus\\.org; the refusal is of this probe's address 127\\.0\\.0\\.1"
expect no-finding smtp.banner.5xx
expect no-phase ehlo
end_row

row fk.smtp.banner.timeout 2 "127.0.0.1:${P[tarpit]}" "${B[@]}" \
    --timeout banner=1
expect finding smtp.banner.timeout --layer smtp --severity crit \
    --evidence '1000 ?ms|\b1(\.0+)? ?s'
expect phase banner --error timeout --ms-min 900
expect session --outcome timeout
expect_ms_below 5000
end_row

row fk.smtp.banner.slow 1 "127.0.0.1:${P[drip]}" "${B[@]}" --slow banner=0.3
expect finding smtp.banner.slow --layer smtp --severity warn \
    --evidence '[0-9]{3,4} ?ms'
expect no-finding smtp.banner.timeout
expect phase banner --reply 220 --ms-min 300
expect phase quit --reply 221
end_row

row fk.smtp.banner.slow.default 0 "127.0.0.1:${P[drip]}" "${B[@]}"
expect no-finding smtp.banner.slow
end_row

row fk.smtp.reply.malformed 2 "127.0.0.1:${P[malformed]}" "${B[@]}"
expect finding smtp.reply.malformed --layer smtp --severity crit \
    --evidence '2x0'
expect session --outcome protocol
expect_ms_below 5000
end_row

# --- replies ---------------------------------------------------------

row fk.smtp.reply.too-long.line 2 "127.0.0.1:${P[endless-line]}" "${B[@]}"
expect finding smtp.reply.too-long --layer smtp --severity crit \
    --evidence '4096'
expect finding smtp.reply.too-long --evidence 'banner|greeting'
expect session --outcome protocol
expect_ms_below 8000
end_row

row fk.smtp.reply.too-long.lines 2 "127.0.0.1:${P[endless-multiline]}" \
    "${B[@]}"
expect finding smtp.reply.too-long --layer smtp --severity crit \
    --evidence '\b100\b'
expect finding smtp.reply.too-long --evidence 'ehlo'
expect session --outcome protocol
expect_ms_below 8000
end_row

row fk.net.reset 2 "127.0.0.1:${P[reset-mid-reply]}" "${B[@]}"
expect finding net.reset --layer net --severity crit --evidence 'ehlo'
expect session --outcome net
end_row

# --- EHLO, AUTH, phases ----------------------------------------------

row fk.smtp.ehlo.rejected.warn 1 "127.0.0.1:${P[ehlo-reject]}" "${B[@]}"
expect finding smtp.ehlo.rejected --layer smtp --severity warn \
    --evidence '502 5\.5\.2'
expect phase helo --reply 250 --command '^HELO probe\.test\.example$'
expect phase mail --reply 250
end_row

row fk.smtp.ehlo.rejected.crit 2 "127.0.0.1:${P[ehlo-helo-reject]}" "${B[@]}"
expect finding smtp.ehlo.rejected --layer smtp --severity crit \
    --evidence '550'
expect phase helo --reply 550
expect no-phase mail
end_row

row fk.smtp.auth.plaintext 1 "127.0.0.1:${P[auth-plaintext]}" "${B[@]}"
expect finding smtp.auth.plaintext --layer smtp --severity warn \
    --evidence 'PLAIN'
expect finding smtp.auth.plaintext --evidence 'LOGIN'
expect finding tls.starttls.missing --severity warn
expect no-command '^AUTH'
end_row

row fk.smtp.phase.timeout 2 "127.0.0.1:${P[mail-timeout]}" "${B[@]}" \
    --timeout mail=1
expect finding smtp.phase.timeout --layer smtp --severity crit \
    --evidence 'mail'
expect phase mail --error timeout --ms-min 900
expect session --outcome timeout
expect_ms_below 6000
end_row

row fk.smtp.phase.slow 1 "127.0.0.1:${P[slow-ehlo]}" "${B[@]}" --slow ehlo=0.3
expect finding smtp.phase.slow --layer smtp --severity warn --evidence 'ehlo'
expect phase ehlo --reply 250 --ms-min 650
expect no-finding smtp.phase.timeout
end_row

row fk.smtp.phase.slow.default 0 "127.0.0.1:${P[slow-ehlo]}" "${B[@]}"
expect no-finding smtp.phase.slow
end_row

# A 421 that ends the session must be reported as the reply it is, not
# as a dropped connection, in clear text and inside TLS alike.
# (4.3.2, "System not accepting network messages": the server's own
# state, not a policy of it.)
row fk.smtp.server.error.421 1 "127.0.0.1:${P[mail-421]}" "${B[@]}" --tls none
expect finding smtp.server.error --layer smtp --severity warn \
    --evidence '421 4\.3\.2'
expect no-finding net.reset
expect phase mail --reply 421
end_row

row fk.smtp.server.error.421.tls 1 "127.0.0.1:${P[mail-421]}" "${B[@]}" \
    --tls verify
expect finding smtp.server.error --layer smtp --severity warn \
    --evidence '421 4\.3\.2'
expect no-finding net.reset
expect phase mail --reply 421
expect tls --verified true
end_row

# --- refusals sorted by the knowledge base, at every phase -------------

R=(--rcpt user@test.example)
row fk.kb.banner.gmx 1 "127.0.0.1:${P[script:banner-gmx]}" "${B[@]}"
expect finding policy.client.blocklisted --layer policy --severity warn \
    --blame client \
    --evidence '^greeting: 554 gmx\.net \(mxgmx104\) .* / No SMTP service / IP address is block listed.*this probe.s address 127\.0\.0\.1.*\[gmx: "IP address is block listed"\]$' \
    --hint 'GMX postmaster'
expect no-finding smtp.banner.5xx
expect no-phase ehlo
end_row

# the HELO name refused at EHLO: no HELO fallback with the same name
row fk.kb.ehlo.helo-name 1 "127.0.0.1:${P[script:ehlo-name]}" "${B[@]}"
expect finding policy.helo.rejected --layer policy --severity warn \
    --blame client --evidence 'Helo command rejected: Invalid name.*\[postfix 5\.5\.2'
expect no-finding smtp.ehlo.rejected
expect no-phase helo
expect no-phase mail
end_row

# MAIL FROM:<> refused: the server loses its bounces (RFC 5321 4.5.5)
row fk.kb.mail.null-sender 2 "127.0.0.1:${P[script:mail-null-netease]}" \
    "${B[@]}" "${R[@]}"
expect finding policy.null-sender.rejected --layer policy --severity crit \
    --blame target --evidence '^MAIL FROM:<>: 553 Requested action not taken: NULL sender is not allowed \[netease'
expect no-finding policy.mail.rejected
expect no-phase rcpt
end_row

row fk.kb.mail.null-sender.generic 2 \
    "127.0.0.1:${P[script:mail-null-postfix]}" "${B[@]}" "${R[@]}"
expect finding policy.null-sender.rejected --layer policy --severity crit \
    --evidence '554 5\.7\.1 <>: Sender address rejected: Access denied'
end_row

# the same words to a real sender are a refusal of that sender
row fk.kb.mail.sender 2 "127.0.0.1:${P[script:mail-null-postfix]}" \
    "${B[@]}" "${R[@]}" --mail-from probe@test.example
expect finding policy.mail.rejected --layer policy --severity crit \
    --evidence 'MAIL FROM:<probe@test\.example>: 554 5\.7\.1'
expect no-finding policy.null-sender.rejected
end_row

# an inconsistent reply (451 with 5.7.3): temporary by its basic code
row fk.kb.mail.starttls-required 1 "127.0.0.1:${P[script:mail-starttls]}" \
    "${B[@]}" "${R[@]}" --tls none
expect finding tls.starttls.required --layer tls --severity warn \
    --blame client \
    --evidence "451 5\.7\.3 STARTTLS is required to send mail .*microsoft 5\.7\.3.*class disagrees with 451.*temporary"
end_row

row fk.kb.rcpt.qq-rate 1 "127.0.0.1:${P[script:rcpt-qq]}" "${B[@]}" "${R[@]}"
expect finding policy.rate-limited --layer policy --severity warn \
    --evidence '^RCPT TO:<user@test\.example>: 550 Ip frequency limited.*\[qq: "Ip frequency limited"\]'
expect no-finding policy.rcpt.rejected
end_row

row fk.kb.rcpt.ms-unknown 2 "127.0.0.1:${P[script:rcpt-ms-unknown]}" \
    "${B[@]}" "${R[@]}"
expect finding policy.rcpt.unknown-user --layer policy --severity crit \
    --blame target --evidence 'RESOLVER\.ADR\.RecipientNotFound.*\[microsoft 5\.1\.10'
end_row

# Exchange Online's 4.7.500: throttling, not greylisting
row fk.kb.rcpt.ms-throttle 1 "127.0.0.1:${P[script:rcpt-ms-busy]}" \
    "${B[@]}" "${R[@]}"
expect finding policy.rate-limited --layer policy --severity warn \
    --evidence '451 4\.7\.500 Access denied, please try again later'
expect no-finding policy.greylisted
end_row

# Postfix delays a HELO refusal to RCPT: still the HELO name's fault
row fk.kb.rcpt.helo-delayed 1 "127.0.0.1:${P[script:rcpt-helo-delayed]}" \
    "${B[@]}" "${R[@]}"
expect finding policy.helo.rejected --layer policy --severity warn \
    --blame client --evidence 'RCPT TO:<user@test\.example>: 504 5\.5\.2 .*need fully-qualified hostname.*HELO probe\.test\.example'
expect no-finding policy.rcpt.rejected
end_row

row fk.kb.rcpt.netease-rbl 1 "127.0.0.1:${P[script:rcpt-netease-rbl]}" \
    "${B[@]}" "${R[@]}"
expect finding policy.client.blocklisted --layer policy --severity warn \
    --blame client --evidence '450 DT:RBL.*\[netease: "DT:RBL"\]'
expect no-finding policy.deferred
end_row

row fk.kb.rcpt.mailbox-full 1 "127.0.0.1:${P[script:rcpt-gmail-full]}" \
    "${B[@]}" "${R[@]}"
expect finding policy.rcpt.mailbox-full --layer policy --severity warn \
    --evidence '452 4\.2\.2 .*out of storage space.*\[gmail 4\.2\.2: "inbox is out of storage space"\]' \
    --hint 'free Google storage'
end_row

# the domain's own recipient refused as relaying: the MX is wrong
row fk.kb.rcpt.relay-denied 2 "127.0.0.1:${P[script:rcpt-relay]}" \
    "${B[@]}" "${R[@]}"
expect finding policy.rcpt.relay-denied --layer policy --severity crit \
    --blame target --evidence 'Relay access denied'
expect no-finding policy.rcpt.rejected
end_row

# Chinese text, as UTF-8 and as GBK: one cause either way
for enc in utf8 gbk; do
	row "fk.kb.rcpt.$enc" 2 "127.0.0.1:${P[script:rcpt-$enc]}" \
	    "${B[@]}" "${R[@]}"
	expect finding policy.content.spam --layer policy --severity crit \
	    --blame client \
	    --evidence '550 5\.7\.1 \?+ / rejected by system \[netease 5\.7\.1: the receiver judged .*spam'
	end_row
done

row fk.kb.banner.reputation 1 "127.0.0.1:${P[script:banner-yahoo]}" "${B[@]}"
expect finding policy.client.reputation --layer policy --severity warn \
    --blame client --evidence '^greeting: 421 4\.7\.0 \[TSS04\] .*\[yahoo 4\.7\.0: "\[TSS04\]"\]$'
expect no-finding smtp.banner.4xx
end_row

# a 421 whose words say permanent (Yahoo's TS03): temporary by its code,
# so retried, but retrying will not help, and the evidence says so (the
# severity is the catalogue's: a refusal of the prober is a warning)
row fk.kb.banner.says-permanent 1 "127.0.0.1:${P[script:banner-yahoo-ts03]}" \
    "${B[@]}"
expect finding policy.client.reputation --layer policy --severity warn \
    --blame client --evidence '^greeting: 421 4\.7\.1 \[TS03\] All messages from 127\.0\.0\.1 permanently deferred.*\[yahoo 4\.7\.1: "\[TS03\]"\] \(421 is temporary but the text says permanent: senders retry, in vain until the cause is fixed\)$'
expect no-finding smtp.banner.4xx
end_row

row fk.kb.mail.sender-domain 1 "127.0.0.1:${P[script:mail-sender-domain]}" \
    "${B[@]}" "${R[@]}" --mail-from probe@nonexistent.test.example
expect finding policy.sender.unknown-domain --layer policy --severity warn \
    --blame client --evidence 'MAIL FROM:<probe@nonexistent\.test\.example>: 450 4\.1\.8 .*Domain not found \[postfix 4\.1\.8'
expect no-finding policy.deferred
end_row

row fk.kb.rcpt.mailbox-disabled 2 \
    "127.0.0.1:${P[script:rcpt-gmail-inactive]}" "${B[@]}" "${R[@]}"
expect finding policy.rcpt.mailbox-disabled --layer policy --severity crit \
    --blame target --evidence '550 5\.2\.1 The email account that you tried to reach is inactive.*\[gmail 5\.2\.1'
end_row

row fk.kb.rcpt.command 1 "127.0.0.1:${P[script:rcpt-qq-syntax]}" \
    "${B[@]}" "${R[@]}"
expect finding smtp.command.rejected --layer smtp --severity warn \
    --blame target --evidence 'RCPT TO:<user@test\.example>: 501 Bad address syntax \[qq: "Bad address syntax"\]'
expect no-finding policy.rcpt.rejected
end_row

# a 421 that closes the connection at RCPT: the reply is the finding
row fk.kb.rcpt.421-close 1 "127.0.0.1:${P[script:rcpt-gmail-421]}" \
    "${B[@]}" "${R[@]}"
expect finding policy.rate-limited --layer policy --severity warn \
    --evidence '421 4\.7\.28 Gmail has detected an unusual rate.*\[gmail 4\.7\.28: "Gmail has detected an unusual rate"\]'
expect no-finding net.reset
expect session --outcome refused
end_row

# --- TLS -------------------------------------------------------------

row fk.tls.starttls.refused.may 1 "127.0.0.1:${P[starttls-refused]}" \
    "${B[@]}"
expect finding tls.starttls.refused --layer tls --severity warn \
    --evidence '454 4\.7\.0'
expect phase starttls --reply 454
expect no-finding tls.starttls.missing
end_row

row fk.tls.starttls.refused.encrypt 2 "127.0.0.1:${P[starttls-refused]}" \
    "${B[@]}" --tls encrypt
expect finding tls.starttls.refused --layer tls --severity crit \
    --evidence '454 4\.7\.0'
end_row

row fk.tls.handshake.may 1 "127.0.0.1:${P[tls-garbage]}" "${B[@]}"
expect finding tls.handshake --layer tls --severity warn \
    --evidence 'wrong version|record|packet|protocol'
expect phase starttls --reply 220
end_row

row fk.tls.handshake.verify 2 "127.0.0.1:${P[tls-garbage]}" "${B[@]}" \
    --tls verify
expect finding tls.handshake --layer tls --severity crit \
    --evidence 'wrong version|record|packet|protocol'
expect session --outcome tls
end_row

row fk.tls.protocol.old 1 "127.0.0.1:${P[tls-old]}" "${B[@]}"
expect finding tls.protocol.old --layer tls --severity warn \
    --evidence 'TLSv1(\.1)?\b'
expect finding tls.protocol.old \
    --evidence 'senders on OpenSSL 3 at its default security level cannot complete this handshake \(TLS 1\.2 at least\)$'
expect tls --version 'TLSv1(\.1)?'
expect no-finding tls.handshake
end_row

# Where TLS is required, a server that speaks only TLS 1.0/1.1 gets no
# mail from OpenSSL 3 senders at all: critical.
row fk.tls.protocol.old.encrypt 2 "127.0.0.1:${P[tls-old]}" "${B[@]}" \
    --tls encrypt
expect finding tls.protocol.old --layer tls --severity crit \
    --evidence 'cannot complete this handshake \(TLS 1\.2 at least\), and the policy requires TLS$'
expect no-finding tls.handshake
end_row

# TLS 1.3 and a server that wants a client certificate: the client's
# handshake is over when the server refuses it, with the alert
# certificate_required on the first read. A handshake failure named by
# its alert, not a connection reset.
row fk.tls.handshake.certificate-required 2 \
    "127.0.0.1:${P[tls13-client-cert]}" "${B[@]}" --tls encrypt
expect finding tls.handshake --layer tls --severity crit \
    --evidence 'handshake refused by the server after the client.s Finished, before any data \(TLSv1\.3, during ehlo2?\): the server sent the TLS alert certificate_required \(116\)'
expect no-finding net.reset
expect session --outcome tls
end_row

row fk.tls.handshake.certificate-required.may 1 \
    "127.0.0.1:${P[tls13-client-cert]}" "${B[@]}"
expect finding tls.handshake --layer tls --severity warn \
    --evidence 'certificate_required \(116\)'
expect no-finding net.reset
end_row

# The name only in the subject CN: senders match SAN DNS names only.
row fk.tls.cert.hostname.cn-only 2 "127.0.0.1:${P[cnonly]}" "${B[@]}" \
    --tls verify
expect finding tls.cert.hostname --layer tls --severity crit \
    --evidence 'subject=CN=mx\.test\.example SAN=\(none\) does not name mx\.test\.example: the name is only in the subject CN, which senders do not read'
expect tls --verified true --hostname-ok false
expect session --outcome tls
end_row

row fk.tls.cert.hostname.cn-only.may 1 "127.0.0.1:${P[cnonly]}" "${B[@]}"
expect finding tls.cert.hostname --layer tls --severity warn \
    --evidence 'only in the subject CN'
end_row

# A partial wildcard (m*.test.example) matches no sender's check.
row fk.tls.cert.hostname.partial-wildcard 2 "127.0.0.1:${P[partialwild]}" \
    "${B[@]}" --tls verify
expect finding tls.cert.hostname --layer tls --severity crit \
    --evidence 'SAN=m\*\.test\.example does not name mx\.test\.example: only a partial wildcard SAN'
expect tls --hostname-ok false
end_row

# A chain signed with SHA-1 verifies at security level 0 (the probe's),
# but OpenSSL 3 senders that verify refuse it: critical when the policy
# verifies, a warning otherwise.
row fk.tls.cert.untrusted.sha1 2 "127.0.0.1:${P[sha1]}" "${B[@]}" \
    --tls verify
expect finding tls.cert.untrusted --layer tls --severity crit \
    --evidence 'the certificate at depth 0 \(subject=CN=mx\.test\.example\) is signed with ecdsa-with-SHA1: senders that verify with OpenSSL 3 refuse the chain \(CA signature digest algorithm too weak\)'
expect no-finding tls.cert.hostname
expect tls --verified false --hostname-ok true
expect session --outcome tls
end_row

row fk.tls.cert.untrusted.sha1.may 1 "127.0.0.1:${P[sha1]}" "${B[@]}"
expect finding tls.cert.untrusted --layer tls --severity warn \
    --evidence 'ecdsa-with-SHA1'
end_row

row fk.tls.key.weak 1 "127.0.0.1:${P[weak-key]}" "${B[@]}"
expect finding tls.key.weak --layer tls --severity warn --evidence '1024'
expect finding tls.key.weak --evidence 'RSA'
expect tls --key-type RSA --key-bits 1024
expect no-finding tls.handshake
end_row

# A server that sends its certificate without the intermediate CA that
# issued it: untrusted, and the evidence says the intermediate is missing.
row fk.tls.cert.untrusted.no-intermediate 2 "127.0.0.1:${P[viaint]}" \
    "${B[@]}" --tls verify
expect finding tls.cert.untrusted --layer tls --severity crit \
    --evidence 'local issuer.*issuer=CN=smtprobe test intermediate'
expect finding tls.cert.untrusted \
    --evidence 'chain sent: 1 certificate, without CN=smtprobe test intermediate, the issuer of the one at depth 0: the intermediate certificate is missing'
expect no-finding tls.cert.hostname
expect tls --verified false --hostname-ok true
end_row

# The same certificate sent with another intermediate of the same CA
# (not its issuer): the evidence names the intermediate that is missing.
row fk.tls.cert.untrusted.wrong-intermediate 2 \
    "127.0.0.1:${P[viaint-wrongchain]}" "${B[@]}" --tls verify
expect finding tls.cert.untrusted --layer tls --severity crit \
    --evidence 'chain sent: 2 certificates, without CN=smtprobe test intermediate, the issuer of the one at depth 0: the intermediate certificate is missing'
end_row

# A valid certificate sent with the intermediate that issued it, whose
# validity has ended: expired, and the evidence names the intermediate,
# not the server's own certificate.
row fk.tls.cert.expired.intermediate 2 "127.0.0.1:${P[viaold-chain]}" \
    "${B[@]}"
expect finding tls.cert.expired --layer tls --severity crit \
    --evidence 'expired intermediate: subject=CN=smtprobe expired intermediate notAfter=[0-9-]+T[0-9:]+Z \(2 days ago\), certificate 2 of 2'
expect finding tls.cert.expired --evidence "server's own certificate is valid until"
expect no-finding tls.cert.untrusted
expect no-finding tls.cert.expiring
end_row

# The same certificate sent with its intermediate verifies.
row fk.tls.cert.chain-complete 0 "127.0.0.1:${P[viaint-chain]}" "${B[@]}" \
    --tls verify
expect no-finding tls.cert.untrusted
expect tls --verified true --hostname-ok true
expect status ok
end_row

# The whole chain, but its root is not in the trust store used (the
# system's, no --ca-file): the evidence names the CA the chain ends in.
row fk.tls.cert.untrusted.root 2 "127.0.0.1:${P[viaint-chain]}" \
    --helo probe.test.example --name "$MX" --tls verify
expect finding tls.cert.untrusted --layer tls --severity crit \
    --evidence 'chain sent: 2 certificates, complete up to the CA at depth 1, issued by CN=smtprobe test CA, which is not a root trusted here'
expect no-finding tls.cert.hostname
end_row

# --- SMTPUTF8 (RFC 6531) ----------------------------------------------

# A recipient with a UTF-8 local part and a U-label domain: the domain
# goes as A-labels, the transaction that carries it is declared with
# SMTPUTF8 (the server refuses it undeclared: 553 5.6.7), the ASCII
# recipient's is not.
row fk.smtputf8.offered 0 "127.0.0.1:${P[smtputf8]}" "${B[@]}" \
    --rcpt '用户@例子.中国' --rcpt user@test.example
expect status ok
expect no-finding smtp.smtputf8.missing
expect no-finding policy.rcpt.rejected
expect phase mail --command '^MAIL FROM:<> SMTPUTF8$' --reply 250
expect phase mail --command '^MAIL FROM:<>$' --reply 250
expect phase rcpt --command '^RCPT TO:<\?@xn--fsqu00a\.xn--fiqs8s>$' \
    --reply 250
expect phase rcpt --command '^RCPT TO:<user@test\.example>$' --reply 250
end_row

# Without SMTPUTF8 the UTF-8 recipient is not sent (the server would
# refuse it: 501 5.1.3), the others are tested, and the absence is a
# warning that names the recipient left out.
row fk.smtputf8.missing 1 "127.0.0.1:${P[normal]}" "${B[@]}" \
    --rcpt '用户@例子.中国' --rcpt user@test.example
expect finding smtp.smtputf8.missing --layer smtp --severity warn \
    --evidence 'SMTPUTF8 not offered \(EHLO: [^)]*8BITMIME[^)]*\): 1 recipient\(s\) not tested, they need it \(RFC 6531\): RCPT TO:<\?@xn--fsqu00a\.xn--fiqs8s>'
expect no-finding policy.rcpt.rejected
expect no-command 'SMTPUTF8|xn--fsqu00a'
expect phase rcpt --command '^RCPT TO:<user@test\.example>$' --reply 250
end_row

# A UTF-8 sender: no transaction at all without SMTPUTF8.
row fk.smtputf8.missing.sender 1 "127.0.0.1:${P[normal]}" "${B[@]}" \
    --mail-from '发件人@例子.test' --rcpt user@test.example
expect finding smtp.smtputf8.missing --layer smtp --severity warn \
    --evidence 'MAIL FROM:<\?@xn--fsqu00a\.test> needs it \(RFC 6531\), no recipient tested'
expect no-phase mail
expect no-phase rcpt
expect phase quit --reply 221
end_row

# ... and with it, a transaction declared SMTPUTF8 for every recipient.
row fk.smtputf8.sender 0 "127.0.0.1:${P[smtputf8]}" "${B[@]}" \
    --mail-from '发件人@例子.test' --rcpt user@test.example
expect no-finding smtp.smtputf8.missing
expect phase mail --command '^MAIL FROM:<\?@xn--fsqu00a\.test> SMTPUTF8$' \
    --reply 250
expect phase rcpt --reply 250
end_row

# No such address configured: the absence is only worth knowing.
row fk.smtputf8.missing.info 0 "127.0.0.1:${P[normal]}" "${B[@]}" \
    --rcpt user@test.example
expect finding smtp.smtputf8.missing --layer smtp --severity info \
    --evidence 'SMTPUTF8 not offered .*: mail to an address with a non-ASCII local part cannot be delivered here'
expect no-command SMTPUTF8
expect status ok
end_row

# --- network ---------------------------------------------------------

row fk.net.connect.timeout 2 "127.0.0.1:${P[blackhole]}" "${B[@]}" \
    --timeout connect=1
expect finding net.connect.timeout --layer net --severity crit \
    --evidence "${P[blackhole]}"
expect no-finding net.connect.refused
expect phase connect --error timeout --ms-min 900
expect_ms_below 5000
end_row

# A network namespace of its own, loopback down: connect() fails with
# ENETUNREACH at once.
ROW_WRAP="unshare -n" row fk.net.unreachable 2 127.0.0.1:25 "${B[@]}"
expect finding net.unreachable --layer net --severity crit \
    --evidence 'unreachable'
expect no-finding net.connect.refused
expect session --outcome net
expect_ms_below 5000
end_row
