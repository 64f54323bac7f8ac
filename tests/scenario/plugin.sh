#!/usr/bin/env bash
# plugin.sh - smtprobe check --nagios as a monitoring plugin.
#
# Every row runs `smtprobe check --nagios` against the private Postfix
# (tests/lib/postfix.sh) or a scripted server (tests/lib/fakesmtp.py)
# and parses what it printed against the monitoring-plugins guidelines'
# grammar (tests/lib/nagioscheck.py: the status line and its state
# against the exit status, long output, perfdata items and their ranges,
# unique labels, no stray '|'), then asserts on the content: the worst
# finding on the status line with its host and evidence, the others as
# long output, the thresholds in the perfdata, the whole check's
# deadline (-t, default 10 s) and the UNKNOWN status line of a usage
# error.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"

t_init plugin
need_probe
if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null; then
	fail plugin.setup "needs root and the postfix package"
	exit 1
fi
if ! ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1; then
	T_SHOW_LOGS+=("$T_DIR/ca.log")
	fail plugin.setup "test CA: openssl failed"
	exit 1
fi
if ! pf_setup "$T_DIR/pf" "$T_DIR/ca" || ! pf_start 2>"$T_DIR/pf-start.log"
then
	T_SHOW_LOGS+=("$T_DIR/pf-start.log")
	fail plugin.setup "private Postfix did not start"
	exit 1
fi
# A refusal with a '|' in it (as some filters write them): the plugin
# must not let it cut its text.
cat >"$T_DIR/refusals.json" <<'EOF'
{
 "rcpt-pipe": {"phase": "rcpt", "reply": [
  "550 5.7.1 Message rejected | see https://filter.test.example/r?a|b"]}
}
EOF
t_bg fakesmtp python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/fports" \
    --script "$T_DIR/refusals.json" \
    --cert "$T_DIR/ca/valid.crt" --key "$T_DIR/ca/valid.key" \
    --lifetime 300 normal tarpit drip tls-first tls-alert tls-silent-alert \
    slow-replies script:rcpt-pipe
T_SHOW_LOGS+=("$T_DIR/fakesmtp.log")
if ! wait_file "$T_DIR/fports" 15; then
	fail plugin.setup "fakesmtp.py did not start"
	exit 1
fi
declare -A P
while read -r mode port; do
	P[$mode]=$port
done <"$T_DIR/fports"
CLOSED=$(free_port)

CA=$T_DIR/ca/ca.crt
MX=mx.test.example
B=(--helo probe.test.example --name "$MX" --ca-file "$CA")
NAG=(python3 "$T_LIB/nagioscheck.py")

# nag CHECK ARGS... [:: CHECK ARGS...]: the row's output is a plugin's
# (always checked) and these hold.
nag() {
	local out
	if ! out=$("${NAG[@]}" "$ROW_OUT" "$ROW_RC" :: "$@" 2>&1); then
		while IFS= read -r w; do
			ROW_WHY+=("$w")
		done <<<"$out"
	fi
}

# --- healthy: OK, perfdata with thresholds from --slow and --timeout ----

row_raw plug.ok 0 check --nagios "127.0.0.1:$PF_OK" "${B[@]}" --tls verify \
    --slow banner=2 --timeout banner=7 --slow tls=0.5 --expiry-warn 30 \
    --expiry-crit 10
nag state OK :: text "^SMTPROBE OK - 127\.0\.0\.1:$PF_OK: 1 of 1 session\(s\) ok$" \
    :: long-count 0 \
    :: perf check --uom s --crit 10 --min 0 --count 1 \
    :: perf "mx\.test\.example\[127\.0\.0\.1\]:$PF_OK connect" --uom s \
       --warn 5 --crit 30 --min 0 \
    :: perf "mx\.test\.example\[127\.0\.0\.1\]:$PF_OK banner" --uom s \
       --warn 2 --crit 7 --min 0 \
    :: perf "mx\.test\.example\[127\.0\.0\.1\]:$PF_OK tls" --warn 0.5 \
       --crit 300 \
    :: perf "mx\.test\.example\[127\.0\.0\.1\]:$PF_OK time" --crit 600 \
    :: perf "mx\.test\.example\[127\.0\.0\.1\]:$PF_OK cert days" \
       --value-re '3[0-9][0-9]' --uom '' --warn '@~:30' --crit '@~:10'
end_row

# -t sets the whole check's deadline, and the perfdata say so
row_raw plug.t-perf 0 check --nagios -t 25 "127.0.0.1:$PF_OK" "${B[@]}" \
    --timeout session=40
nag state OK :: perf check --crit 25 :: perf '.* time' --crit 40
end_row

# --- the worst finding heads the status line, the others follow -------

# expiring in 3 days: crit under --expiry-crit 10, and the name is wrong
row_raw plug.crit.status-line 2 check --nagios "127.0.0.1:$PF_EXPIRING" \
    --helo probe.test.example --name other.test.example --ca-file "$CA" \
    --expiry-warn 30 --expiry-crit 10
nag state CRITICAL \
    :: text "^SMTPROBE CRITICAL - 127\.0\.0\.1:$PF_EXPIRING: tls\.cert\.expiring other\.test\.example \[127\.0\.0\.1\]:$PF_EXPIRING: .*[0-9]{4}-[0-9]{2}-[0-9]{2}.*\(\+1 more\)$" \
    :: long '^hint: renew the certificate' \
    :: long "^WARNING: tls\.cert\.hostname other\.test\.example \[127\.0\.0\.1\]:$PF_EXPIRING: .*does not name other\.test\.example \(hint: " \
    :: long-count 2 \
    :: perf ".* cert days" --value-re '[234]' --warn '@~:30' --crit '@~:10'
end_row

# a server's '|' does not cut the text: shown as '/'
row_raw plug.pipe-in-reply 2 check --nagios \
    "127.0.0.1:${P[script:rcpt-pipe]}" "${B[@]}" --rcpt user@test.example
nag state CRITICAL :: text 'Message rejected / see https://filter\.test\.example/r\?a/b' \
    :: perf '.* time' --count 1
end_row

# two sessions to one address and port: labels made unique
row_raw plug.labels-unique 0 check --nagios "$MX:$PF_OK" --addr 127.0.0.1 \
    --addr 127.0.0.1 --ca-file "$CA" --helo probe.test.example
nag state OK :: perf "mx\.test\.example\[127\.0\.0\.1\]:$PF_OK time" \
    --count 1 :: perf "mx\.test\.example\[127\.0\.0\.1\]:$PF_OK time #2" \
    --count 1 :: text '2 of 2 session'
end_row

# --- the whole check's deadline ----------------------------------------

# a server that answers every command in time but a session that drags
# on past the deadline (0.3 s a reply, 12 RCPT tests): nothing found by
# then, UNKNOWN, and the status line says what was cut
RS=()
for i in $(seq 1 12); do
	RS+=(--rcpt "user$i@test.example")
done
row_raw plug.deadline.unknown 3 check --nagios -t 2 \
    "127.0.0.1:${P[slow-replies]}" "${B[@]}" "${RS[@]}"
nag state UNKNOWN \
    :: text "^SMTPROBE UNKNOWN - 127\.0\.0\.1: the check did not end within 2s: 1 session\(s\) cut: mx\.test\.example \[127\.0\.0\.1\]:${P[slow-replies]} in [a-z]+, 0 not started$" \
    :: perf check --crit 2
expect_ms_below 4500
end_row

# a server silent for half the check's time or more: its silence is the
# finding (what check_smtp -t calls a CRITICAL socket timeout), not an
# UNKNOWN; the evidence says the check's deadline cut the wait
row_raw plug.deadline.silent 2 check --nagios -t 2 \
    "127.0.0.1:${P[tarpit]}" "${B[@]}"
nag state CRITICAL \
    :: text "^SMTPROBE CRITICAL - 127\.0\.0\.1:${P[tarpit]}: smtp\.banner\.timeout mx\.test\.example \[127\.0\.0\.1\]:${P[tarpit]}: no complete greeting within 2\.[0-9] s \(cut there by the check's deadline of 2s\)" \
    :: perf check --crit 2
expect_ms_below 4500
end_row

# a refused port and a dragging session: CRITICAL for the refusal, and
# the long output says the check was cut
row_raw plug.deadline.findings-so-far 2 check --nagios -t 2 127.0.0.1 \
    -p "${P[slow-replies]},$CLOSED" "${B[@]}" "${RS[@]}"
nag state CRITICAL :: text "net\.connect\.refused .*\[127\.0\.0\.1\]:$CLOSED" \
    :: long '^UNKNOWN: 127\.0\.0\.1: the check did not end within 2s: 1 session\(s\) cut'
expect_ms_below 4500
end_row

# the JSON report of a cut check: the session's outcome, the error
row plug.deadline.json 3 "127.0.0.1:${P[slow-replies]}" "${B[@]}" \
    "${RS[@]}" -t 1.5
expect status unknown
expect_grep "\"overran\": true"
expect session --outcome cut --count 1
expect_grep '"error": "cut"'
expect_ms_below 4000
end_row

# and of a silent one: the session timed out, the check did not overrun
row plug.deadline.json-silent 2 "127.0.0.1:${P[tarpit]}" "${B[@]}" -t 1.5
expect finding smtp.banner.timeout --layer smtp --severity crit \
    --evidence "no complete greeting within 1\.[0-9] s \(cut there by the check's deadline of 1500ms\)"
expect_nogrep "\"overran\""
expect session --outcome timeout --count 1
expect phase banner --error timeout
expect_ms_below 4000
end_row

# --nagios alone bounds the check by 10 s: a filtered port is CRITICAL
# within it (no TCP answer in the 10 s), as check_smtp says it
ROW_LIMIT=20 row_raw plug.deadline.default 2 check --nagios \
    "127.0.0.1:${P[tarpit]}" "${B[@]}"
nag state CRITICAL :: text 'smtp\.banner\.timeout .*within 10\.[0-9] s \(cut there by the check.s deadline of 10s\)' \
    :: perf check --crit 10
expect_ms_below 13000
end_row

# --- an implicit-TLS listener probed as plain SMTP ---------------------

# Postfix in wrapper mode: silent; the second connection's ClientHello
# gets a handshake after 2 s
row_raw plug.implicit-tls.handshake 2 check --nagios \
    "127.0.0.1:$PF_IMPLICIT" "${B[@]}"
nag state CRITICAL \
    :: text "smtp\.banner\.tls mx\.test\.example \[127\.0\.0\.1\]:$PF_IMPLICIT: port $PF_IMPLICIT speaks TLS from the first byte" \
    :: long '^hint: probe it with implicit-tls = yes \(--implicit-tls\)'
expect_ms_below 5000
end_row

row plug.implicit-tls.json 2 "127.0.0.1:$PF_IMPLICIT" "${B[@]}"
expect finding smtp.banner.tls --layer smtp --severity crit \
    --evidence 'no greeting after 2\.0 s, and a second connection.s TLS ClientHello was answered \(a TLSv1\.[23] handshake completed\)' \
    --hint 'implicit-tls = yes'
expect no-finding smtp.banner.timeout
expect phase banner --error tls
expect session --outcome protocol
end_row

# ... and the same port with --implicit-tls is healthy
row plug.implicit-tls.set 0 "127.0.0.1:$PF_IMPLICIT" "${B[@]}" \
    --implicit-tls --tls verify
expect no-finding smtp.banner.tls
expect session --outcome ok
end_row

row plug.implicit-tls.scripted 2 "127.0.0.1:${P[tls-first]}" "${B[@]}"
expect finding smtp.banner.tls --evidence 'handshake completed'
end_row

# a TLS alert where the greeting should be: at once, no second connection
row plug.implicit-tls.alert 2 "127.0.0.1:${P[tls-alert]}" "${B[@]}"
expect finding smtp.banner.tls --layer smtp --severity crit \
    --evidence "port ${P[tls-alert]} speaks TLS from the first byte .*: the server sent an alert of TLS 1\.2 instead of a greeting"
expect no-finding net.reset
expect_ms_below 1500
end_row

# silent, and the ClientHello is answered with an alert
row plug.implicit-tls.silent-alert 2 "127.0.0.1:${P[tls-silent-alert]}" \
    "${B[@]}"
expect finding smtp.banner.tls \
    --evidence 'answered with a TLS alert \(.*handshake failure'
expect_ms_below 5000
end_row

# a slow greeting is not taken for TLS: the second connection gets
# nothing or a plain greeting, and the first one goes on
row plug.implicit-tls.not-drip 0 "127.0.0.1:${P[drip]}" "${B[@]}"
expect no-finding smtp.banner.tls
expect phase banner --reply 220
end_row

# --- UNKNOWN always prints a status line --------------------------------

row_raw plug.unknown.usage 3 check --nagios --tls sometimes "127.0.0.1:$PF_OK"
nag state UNKNOWN :: text '^SMTPROBE UNKNOWN - --tls: "sometimes" is not none'
expect_stderr 'sometimes'
end_row

row_raw plug.unknown.option 3 check --frobnicate --nagios "127.0.0.1:$PF_OK"
nag state UNKNOWN :: text 'wrong usage'
end_row

row_raw plug.unknown.ca-file 3 check --nagios --ca-file "$T_DIR/none.pem" \
    "127.0.0.1:$PF_OK"
nag state UNKNOWN :: text 'none\.pem'
end_row

# the checker itself can fail: a bare '|' in the text, a label twice,
# a range that is none, a state that disagrees with the exit status
bad() {
	local name=$1 rc=$2 text=$3
	printf '%s\n' "$text" >"$T_DIR/$name.out"
	if "${NAG[@]}" "$T_DIR/$name.out" "$rc" >/dev/null 2>&1; then
		fail "plug.checker.$name" "nagioscheck.py accepted: $text"
	else
		pass "plug.checker.$name"
	fi
}
bad bare-pipe 2 "SMTPROBE CRITICAL - x: 550 a | b | 'time'=1s;;;0"
bad label-twice 0 "SMTPROBE OK - x | 'a'=1s 'a'=2s"
bad bad-range 0 "SMTPROBE OK - x | 'a'=1s;5x;;0"
bad bad-uom 0 "SMTPROBE OK - x | 'a'=1sec"
bad state 1 "SMTPROBE OK - x | 'a'=1s"
bad long-pipe 0 "$(printf 'SMTPROBE OK - x | a=1\nline | b=2 | c=3')"
