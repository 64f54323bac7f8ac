#!/usr/bin/env bash
# postfix.sh - smtprobe check against one private Postfix instance.
#
# One Postfix (tests/lib/postfix.sh) with a listener per situation:
# certificates from a throw-away CA (tests/lib/ca.sh), recipient and
# sender maps for the policy findings, an open relay and a catch-all.
# Each row is one smtprobe run and its assertions; every row checks the
# finding id, its layer, its severity and something specific in the
# evidence (a reply code, a date, a name), plus the exit status.
# Needs root and the postfix package (stopped and unconfigured is fine).

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"

t_init postfix
need_probe
if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null; then
	fail postfix.setup "needs root and the postfix package"
	exit 1
fi
if ! ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1; then
	T_SHOW_LOGS+=("$T_DIR/ca.log")
	fail postfix.setup "test CA: openssl failed"
	exit 1
fi
if ! pf_setup "$T_DIR/pf" "$T_DIR/ca" || ! pf_start 2>"$T_DIR/pf-start.log"
then
	T_SHOW_LOGS+=("$T_DIR/pf-start.log")
	fail postfix.setup "private Postfix did not start"
	exit 1
fi

CA=$T_DIR/ca/ca.crt
MX=mx.test.example
# Every probe: our HELO name, the name the certificates carry, our CA.
B=(--helo probe.test.example --name "$MX" --ca-file "$CA")

# cert_date FILE start|end: the certificate's notBefore/notAfter as
# YYYY-MM-DD (UTC), which a useful evidence line has to show.
cert_date() {
	local d
	d=$(openssl x509 -in "$1" -noout "-${2}date" | cut -d= -f2)
	date -u -d "$d" +%Y-%m-%d
}

# --- healthy ---------------------------------------------------------

row pf.healthy.verify 0 "127.0.0.1:$PF_OK" "${B[@]}" --tls verify \
    --rcpt user@test.example
expect status ok
expect max-severity info
expect session --port "$PF_OK" --outcome ok --count 1
expect tls --version 'TLSv1\.[23]' --verified true --hostname-ok true \
    --days-left-min 300 --key-type EC
expect phase banner --reply 220 --text 'mx\.test\.example ESMTP'
expect phase ehlo --reply 250 --command '^EHLO probe\.test\.example$'
expect phase starttls --reply 220
expect phase tls --error none
expect phase mail --reply 250 --command '^MAIL FROM:<>'
expect phase rcpt --reply 250 --enhanced 2.1.5 --command 'user@test\.example'
expect phase quit --reply 221
expect no-command '^(DATA|BDAT|AUTH)'
end_row

row pf.healthy.host-and-addr 0 "$MX:$PF_OK" --addr 127.0.0.1 \
    --ca-file "$CA" --tls verify --helo probe.test.example
expect status ok
expect session --addr 127.0.0.1 --port "$PF_OK" --outcome ok --count 1
expect tls --verified true --hostname-ok true
end_row

# --- certificates ----------------------------------------------------

row pf.tls.cert.expired 2 "127.0.0.1:$PF_EXPIRED" "${B[@]}"
expect finding tls.cert.expired --layer tls --severity crit \
    --port "$PF_EXPIRED" --evidence "$(cert_date "$T_DIR/ca/expired.crt" end)"
# it ended two days and some minutes ago: two whole days, not three
expect finding tls.cert.expired --evidence '\(2 days ago\)'
expect status crit
expect tls --verified false --days-left-max -2 --days-left-min -2
expect no-finding tls.cert.expiring
expect no-finding tls.cert.hostname
end_row

row pf.tls.cert.not-yet-valid 2 "127.0.0.1:$PF_NOTYET" "${B[@]}"
expect finding tls.cert.not-yet-valid --layer tls --severity crit \
    --evidence "$(cert_date "$T_DIR/ca/notyet.crt" start)"
expect no-finding tls.cert.expired
expect tls --verified false
end_row

row pf.tls.cert.expiring.default 2 "127.0.0.1:$PF_EXPIRING" "${B[@]}"
expect finding tls.cert.expiring --layer tls --severity crit \
    --evidence "$(cert_date "$T_DIR/ca/expiring.crt" end)"
expect tls --verified true --days-left-min 2 --days-left-max 4
end_row

row pf.tls.cert.expiring.crit1 1 "127.0.0.1:$PF_EXPIRING" "${B[@]}" \
    --expiry-crit 1
expect finding tls.cert.expiring --layer tls --severity warn \
    --evidence "$(cert_date "$T_DIR/ca/expiring.crt" end)"
expect status warn
end_row

row pf.tls.cert.expiring.below-thresholds 0 "127.0.0.1:$PF_EXPIRING" \
    "${B[@]}" --expiry-warn 2 --expiry-crit 1
expect no-finding tls.cert.expiring
expect status ok
end_row

row pf.tls.cert.hostname.may 1 "127.0.0.1:$PF_WRONGNAME" "${B[@]}"
expect finding tls.cert.hostname --layer tls --severity warn \
    --evidence 'other\.example'
expect finding tls.cert.hostname --evidence 'mx\.test\.example'
expect no-finding tls.cert.untrusted
expect tls --verified true --hostname-ok false
end_row

row pf.tls.cert.hostname.verify 2 "127.0.0.1:$PF_WRONGNAME" "${B[@]}" \
    --tls verify
expect finding tls.cert.hostname --layer tls --severity crit \
    --evidence 'other\.example'
end_row

row pf.tls.cert.untrusted.selfsigned 1 "127.0.0.1:$PF_SELFSIGNED" "${B[@]}"
expect finding tls.cert.untrusted --layer tls --severity warn \
    --evidence 'self[- ]signed'
expect no-finding tls.cert.hostname
expect tls --verified false --hostname-ok true
end_row

row pf.tls.cert.untrusted.selfsigned.verify 2 "127.0.0.1:$PF_SELFSIGNED" \
    "${B[@]}" --tls verify
expect finding tls.cert.untrusted --layer tls --severity crit \
    --evidence 'self[- ]signed'
end_row

# The valid certificate, but the system trust store instead of our CA.
row pf.tls.cert.untrusted.no-ca-file 2 "127.0.0.1:$PF_OK" --name "$MX" \
    --tls verify
expect finding tls.cert.untrusted --layer tls --severity crit \
    --evidence 'local issuer|smtprobe test CA'
expect no-finding tls.cert.hostname
expect tls --verified false
end_row

# --- STARTTLS and implicit TLS ---------------------------------------

row pf.tls.starttls.missing.may 1 "127.0.0.1:$PF_NOTLS" "${B[@]}"
expect finding tls.starttls.missing --layer tls --severity warn \
    --port "$PF_NOTLS" --evidence 'STARTTLS'
expect tls --null
expect no-phase starttls
expect phase mail --reply 250
expect status warn
end_row

row pf.tls.starttls.missing.encrypt 2 "127.0.0.1:$PF_NOTLS" "${B[@]}" \
    --tls encrypt
expect finding tls.starttls.missing --layer tls --severity crit \
    --evidence 'STARTTLS'
end_row

row pf.tls.starttls.missing.verify 2 "127.0.0.1:$PF_NOTLS" "${B[@]}" \
    --tls verify
expect finding tls.starttls.missing --layer tls --severity crit \
    --evidence 'STARTTLS'
end_row

# Port 587 is submission: TLS required whatever --tls says.
row pf.tls.starttls.missing.submission 2 "$PF_SUBADDR:587" "${B[@]}"
expect finding tls.starttls.missing --layer tls --severity crit \
    --port 587 --addr "$PF_SUBADDR" --evidence 'STARTTLS'
end_row

row pf.tls.implicit 0 "127.0.0.1:$PF_IMPLICIT" "${B[@]}" --implicit-tls \
    --tls verify --rcpt user@test.example
expect status ok
expect tls --version 'TLSv1\.[23]' --verified true --hostname-ok true
expect no-phase starttls
expect phase banner --reply 220 --text 'mx\.test\.example'
expect phase rcpt --reply 250
end_row

# --- recipients and senders ------------------------------------------

row pf.policy.rcpt.unknown-user 2 "127.0.0.1:$PF_OK" "${B[@]}" \
    --rcpt nosuch@test.example
expect finding policy.rcpt.unknown-user --layer policy --severity crit \
    --evidence '550 5\.1\.1'
expect finding policy.rcpt.unknown-user --evidence 'nosuch@test\.example'
expect no-finding policy.rcpt.rejected
expect phase rcpt --reply 550 --enhanced 5.1.1
end_row

row pf.policy.greylisted 1 "127.0.0.1:$PF_OK" "${B[@]}" \
    --rcpt grey@test.example
expect finding policy.greylisted --layer policy --severity warn \
    --evidence '450 4\.7\.1'
expect no-finding policy.deferred
expect phase rcpt --reply 450 --enhanced 4.7.1
end_row

# reject_unknown_client_hostname: this probe's address has no name here,
# so Postfix refuses it at RCPT with 4.7.25 ("cannot find your
# hostname"): a refusal of the prober, not greylisting nor a deferral.
row pf.policy.client.reverse-dns 1 "127.0.0.1:$PF_NOPTR" "${B[@]}" \
    --rcpt user@test.example
expect finding policy.client.reverse-dns --layer policy --severity warn \
    --evidence "RCPT TO:<user@test\\.example>: 450 4\\.7\\.25 Client host rejected: cannot find your hostname.*; the refusal is of this probe's address 127\\.0\\.0\\.1"
expect no-finding policy.greylisted
expect no-finding policy.deferred
expect phase rcpt --reply 450 --enhanced 4.7.25
end_row

# reject_non_fqdn_helo_hostname, delayed to RCPT (Postfix's default): a
# short HELO name is refused at RCPT with 504 5.5.2. The probe's own
# name is at fault, said twice: the name (probe.helo-not-fqdn) and the
# refusal (policy.helo.rejected), both blaming the client; never a
# recipient refusal of the target.
row pf.policy.helo.not-fqdn 1 "127.0.0.1:$PF_HELO" --name "$MX" \
    --ca-file "$CA" --helo shorty --rcpt user@test.example
expect finding probe.helo-not-fqdn --layer probe --severity warn \
    --blame client --evidence '^HELO name "shorty" has no dot'
expect finding policy.helo.rejected --layer policy --severity warn \
    --blame client --evidence 'RCPT TO:<user@test\.example>: 504 5\.5\.2 <shorty>: Helo command rejected: need fully-qualified hostname'
expect no-finding policy.rcpt.rejected
expect no-finding policy.rcpt.unknown-user
expect phase ehlo --reply 250 --command '^EHLO shorty$'
expect phase rcpt --reply 504 --enhanced 5.5.2
end_row
# the same server and a fully qualified name: accepted
row pf.policy.helo.fqdn 0 "127.0.0.1:$PF_HELO" "${B[@]}" \
    --rcpt user@test.example
expect no-finding policy.helo.rejected
expect no-finding probe.helo-not-fqdn
expect phase rcpt --reply 250
end_row

# 4.3.0: the server's own mail system is in trouble (the registry's
# X.3.x), not a policy deferral.
row pf.smtp.server.error 1 "127.0.0.1:$PF_OK" "${B[@]}" \
    --rcpt busy@test.example
expect finding smtp.server.error --layer smtp --severity warn \
    --evidence '451 4\.3\.0 .*\[rfc3463 4\.3\.0: Other or undefined mail system status\]'
expect no-finding policy.deferred
expect no-finding policy.greylisted
expect no-finding policy.rate-limited
end_row

# 4.7.0 with words no row knows: a deferral and no more.
row pf.policy.deferred 1 "127.0.0.1:$PF_OK" "${B[@]}" \
    --rcpt later@test.example
expect finding policy.deferred --layer policy --severity warn \
    --evidence '450 4\.7\.0 .*deferred by local policy'
expect no-finding policy.greylisted
expect no-finding policy.rate-limited
end_row

row pf.policy.rcpt.rejected 2 "127.0.0.1:$PF_OK" "${B[@]}" \
    --rcpt blocked@test.example
expect finding policy.rcpt.rejected --layer policy --severity crit \
    --evidence '550 5\.7\.1'
expect no-finding policy.rcpt.unknown-user
end_row

row pf.policy.mail.rejected 2 "127.0.0.1:$PF_OK" "${B[@]}" \
    --mail-from rejectsender@test.example --rcpt user@test.example
expect finding policy.mail.rejected --layer policy --severity crit \
    --evidence '553 5\.7\.1'
expect phase mail --reply 553 --command 'rejectsender@test\.example'
end_row

# Several tests in one session: RSET between them, one finding each.
row pf.policy.several-rcpts 2 "127.0.0.1:$PF_OK" "${B[@]}" \
    --rcpt user@test.example --rcpt grey@test.example \
    --rcpt nosuch@test.example
expect finding policy.greylisted --count 1 --evidence 'grey@test\.example'
expect finding policy.rcpt.unknown-user --count 1 \
    --evidence 'nosuch@test\.example'
expect phase rset --reply 250
expect session --outcome ok --count 1
end_row

row pf.policy.rcpt-reject.as-expected 0 "127.0.0.1:$PF_OK" "${B[@]}" \
    --rcpt-reject nosuch@test.example
expect status ok
expect no-finding policy.rcpt.accepted
expect no-finding policy.rcpt.unknown-user
expect phase rcpt --reply 550
end_row

row pf.policy.rcpt.accepted 1 "127.0.0.1:$PF_CATCHALL" "${B[@]}" \
    --rcpt-reject nosuch@test.example
expect finding policy.rcpt.accepted --layer policy --severity warn \
    --evidence 'nosuch@test\.example'
expect phase rcpt --reply 250
end_row

row pf.policy.open-relay 2 "127.0.0.1:$PF_RELAY" "${B[@]}" --relay-test
expect finding policy.open-relay --layer policy --severity crit \
    --port "$PF_RELAY" --evidence 'smtprobe-relay\.example'
expect phase rcpt --reply 250 --command 'smtprobe-relay\.example'
end_row

row pf.policy.open-relay.address 2 "127.0.0.1:$PF_RELAY" "${B[@]}" \
    --relay-test=someone@elsewhere.example
expect finding policy.open-relay --layer policy --severity crit \
    --evidence 'someone@elsewhere\.example'
end_row

row pf.policy.relay-denied 0 "127.0.0.1:$PF_OK" "${B[@]}" --relay-test
expect status ok
expect no-finding policy.open-relay
expect no-finding policy.rcpt.rejected
expect phase rcpt --reply 554 --enhanced 5.7.1
end_row

# --- network ---------------------------------------------------------

CLOSED=$(free_port)
row pf.net.connect.refused 2 "127.0.0.1:$CLOSED" "${B[@]}"
expect finding net.connect.refused --layer net --severity crit \
    --port "$CLOSED" --evidence 'refused'
expect session --outcome net --count 1
expect no-phase banner
end_row

# Postfix listens on 127.0.0.1 only: ::1 is refused, v4 works. (The
# exit status is not asserted: the refused ::1 session is itself a crit
# net.connect.refused finding.)
row pf.net.ipv6.broken - "$MX:$PF_OK" --addr 127.0.0.1 --addr ::1 \
    --ca-file "$CA" --tls verify
expect finding net.ipv6.broken --layer net --severity warn --count 1 \
    --evidence '::1'
expect finding net.connect.refused --layer net --addr ::1 --evidence refused
expect session --addr ::1 --outcome net --count 1
expect session --addr 127.0.0.1 --outcome ok --count 1
end_row

row pf.net.v4-only.no-ipv6-finding 0 "$MX:$PF_OK" --addr 127.0.0.1 -4 \
    --ca-file "$CA" --tls verify --helo probe.test.example
expect no-finding net.ipv6.broken
expect session --count 1
end_row

# Two ports of one host in one run.
row pf.ports.two 1 127.0.0.1 -p "$PF_OK,$PF_NOTLS" "${B[@]}"
expect session --port "$PF_OK" --outcome ok --count 1
expect session --port "$PF_NOTLS" --count 1
expect finding tls.starttls.missing --port "$PF_NOTLS" --count 1 \
    --evidence STARTTLS
expect no-finding tls.starttls.missing --port "$PF_OK"
end_row

# --- the system trust store -------------------------------------------

# Without --ca-file the store is looked up in the hashed directory
# (SSL_CERT_DIR here: the test CA alone, under its subject hash), the
# bundle file only when the directory holds no hashed certificate; and
# a check that cannot speak TLS reads no store at all.
mkdir -p "$T_DIR/store" "$T_DIR/nostore"
cp "$CA" "$T_DIR/store/ca.pem"
if ! openssl rehash "$T_DIR/store" >"$T_DIR/rehash.log" 2>&1; then
	T_SHOW_LOGS+=("$T_DIR/rehash.log")
	fail postfix.setup "openssl rehash failed"
fi
S=(--helo probe.test.example --name "$MX" --tls verify "127.0.0.1:$PF_OK")

ROW_WRAP="env -u SSL_CERT_FILE SSL_CERT_DIR=$T_DIR/store" \
    row pf.truststore.hashed-dir 0 "${S[@]}"
expect tls --verified true --hostname-ok true
end_row

ROW_WRAP="env SSL_CERT_DIR=$T_DIR/nostore SSL_CERT_FILE=$CA" \
    row pf.truststore.bundle-fallback 0 "${S[@]}"
expect tls --verified true
end_row

ROW_WRAP="env SSL_CERT_DIR=$T_DIR/store SSL_CERT_FILE=$T_DIR/none.pem" \
    row_raw pf.truststore.bad-file 3 check "${S[@]}"
expect_stderr 'none\.pem \(SSL_CERT_FILE\): cannot load it'
end_row

# --tls none and a plain port: no TLS context, so a store that cannot
# be read does not matter (with TLS it is exit 3)
ROW_WRAP="env SSL_CERT_DIR=$T_DIR/nostore SSL_CERT_FILE=$T_DIR/none.pem" \
    row pf.truststore.tls-none 0 "127.0.0.1:$PF_OK" --tls none \
    --helo probe.test.example
expect session --outcome ok --count 1
expect no-phase starttls
end_row

ROW_WRAP="env SSL_CERT_DIR=$T_DIR/nostore SSL_CERT_FILE=$T_DIR/none.pem" \
    row_raw pf.truststore.unreadable 3 check "127.0.0.1:$PF_OK" \
    --helo probe.test.example
expect_stderr 'none\.pem: cannot load the system trust store \(and .*nostore holds no hashed certificates\)'
end_row
ROW_WRAP=

# --- exit status and other output modes ------------------------------

# The human report says what the JSON of the same check says: sessions,
# phases with their replies and commands, TLS (verified or not, the name
# and whether it matches), findings with evidence and hint.
human_row pf.human.ok 0 "127.0.0.1:$PF_OK" "${B[@]}"
expect tls --verified true --hostname-ok true
end_row

human_row pf.human.expired 2 "127.0.0.1:$PF_EXPIRED" "${B[@]}" --tls verify
expect finding tls.cert.expired --severity crit
expect tls --verified false
end_row

human_row pf.human.refused 1 "127.0.0.1:$PF_NOPTR" "${B[@]}" \
    --rcpt user@test.example
expect session --outcome ok
expect finding policy.client.reverse-dns
end_row

row_raw pf.nagios.ok 0 check --nagios "127.0.0.1:$PF_OK" "${B[@]}"
expect_grep '^SMTPROBE OK'
expect_grep '\|.*='
end_row

row_raw pf.nagios.crit 2 check --nagios "127.0.0.1:$PF_EXPIRED" "${B[@]}"
expect_grep '^SMTPROBE CRITICAL.*tls\.cert\.expired'
end_row

row_raw pf.usage.bad-tls-policy 3 check --tls sometimes "127.0.0.1:$PF_OK"
expect_stderr 'sometimes|tls'
end_row

row_raw pf.usage.bad-timeout 3 check --timeout banner=soon "127.0.0.1:$PF_OK"
expect_stderr 'banner|timeout'
end_row

row_raw pf.usage.unknown-phase 3 check --timeout lunch=1 "127.0.0.1:$PF_OK"
expect_stderr 'lunch'
end_row

row_raw pf.usage.no-host 3 check --json
end_row

row_raw pf.usage.unknown-option 3 check --frobnicate "127.0.0.1:$PF_OK"
end_row
