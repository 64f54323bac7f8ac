#!/usr/bin/env bash
# demo.sh - `make demo`: smtprobed against a local mail world, offline.
#
# Starts, on loopback only: a throw-away CA, a private Postfix with a
# listener per situation (tests/lib/postfix.sh), a private NSD serving
# one healthy domain and a few broken ones, then smtprobed in the
# foreground with a demo configuration. Ask it questions from another
# terminal with the commands it prints. Ctrl-C stops everything.
# Needs root (Postfix, NSD) and `make deps`.

. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"
. "$T_LIB/nsd.sh"

T_KEEP=${T_KEEP:-0}
T_QUIET=1
t_init demo
# Ctrl-C reaches every process of the terminal's group: smtprobed stops
# on its own and this script goes on after it (bash acts on SIGINT only
# when its child did not handle it), then the EXIT trap stops Postfix and
# NSD and removes the directory; a demo stopped so ends with 0, also
# when Ctrl-C comes while it sets up.
trap 'echo; echo "demo: stopping"; exit 0' INT
SMTPROBED=$T_TOP/probe/smtprobed
for b in "$SMTPROBE" "$SMTPROBED" "$T_TOP/tests/tools/dnsq"; do
	[ -x "$b" ] || { echo "demo: $b not built (make)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "demo: run as root (Postfix, NSD)" >&2; exit 1; }

echo "demo: making a test CA and starting a private Postfix..."
ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1 ||
    { echo "demo: openssl failed, see $T_DIR/ca.log" >&2; exit 1; }
pf_setup "$T_DIR/pf" "$T_DIR/ca" && pf_start 2>"$T_DIR/pf.log" ||
    { cat "$T_DIR/pf.log" >&2; exit 1; }

echo "demo: starting a private NSD with the demo zones..."
nsd_setup "$T_DIR/nsd" "$(free_port)" || exit 1
zone() {	# zone NAME BODY...: a zone file with SOA and NS, then BODY
	local name=$1 f=$T_DIR/nsd/$1.zone
	shift
	{
		printf '$ORIGIN %s.\n$TTL 300\n' "$name"
		printf '@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n' \
		    "$name" "$name"
		printf '@ NS ns.%s.\nns A 127.0.0.1\n' "$name"
		printf '%s\n' "$@"
	} >"$f"
	nsd_zone "$name" "$f"
}
# The MX host all demo domains share: its certificate names it.
zone test.example 'mx A 127.0.0.1'
zone 127.in-addr.arpa '1.0.0 PTR mx.test.example.'
zone good.example '@ MX 10 mx.test.example.' \
    '@ TXT "v=spf1 ip4:127.0.0.1 -all"' \
    '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.example"' \
    '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls@good.example"'
zone expired.example '@ MX 10 mx.test.example.' \
    '@ TXT "v=spf1 +all"'
# two SPF records (two TXT records, each "v=spf1 ...": spf.multiple)
zone lame.example '@ MX 10 mx.lame.example.' \
    '@ TXT "v=spf1 -all"' \
    '@ TXT "v=spf1 mx -all"'
zone relay.example '@ MX 10 mx.test.example.' \
    '@ TXT "v=spf1 mx -all"' \
    '_dmarc TXT "v=DMARC1; p=none"'
nsd_start || exit 1

CONF=$T_DIR/smtprobed.conf
cat >"$CONF" <<EOF
# smtprobed demo configuration (tests/demo.sh): everything on loopback.
[daemon]
state-dir = $T_DIR/state
control-socket = $T_DIR/control.sock
interval = 10s
dns-interval = 1m
jitter = 10%
host-spacing = 0
alert-after = 2
clear-after = 2
resolver = $NSD_ADDR

[defaults]
ca-file = $T_DIR/ca/ca.crt
helo = demo.test.example
allow-private = yes

# healthy: STARTTLS with a valid certificate, SPF, DMARC p=reject, TLS-RPT
[domain good.example]
ports = $PF_OK
rcpt = user@test.example

# the certificate has expired, and SPF ends in +all
[domain expired.example]
ports = $PF_EXPIRED

# the MX host has no address, two SPF records
[domain lame.example]

# an open relay, DMARC p=none
[domain relay.example]
ports = $PF_RELAY
relay-test = yes

# a host without STARTTLS, and a catch-all that accepts unknown users
[host 127.0.0.1:$PF_NOTLS]
[host 127.0.0.1:$PF_CATCHALL]
name = mx.test.example
rcpt-reject = no-such-user@test.example
EOF
"$SMTPROBED" -n -f "$CONF" || exit 1

cat <<EOF

demo: smtprobed runs in the foreground with $CONF
      (Postfix on 127.0.0.1, NSD on $NSD_ADDR; nothing leaves this machine)

      In another terminal:
        $SMTPROBE status  -s $T_DIR/control.sock
        $SMTPROBE targets -s $T_DIR/control.sock
        $SMTPROBE show expired.example -s $T_DIR/control.sock
        $SMTPROBE probe lame.example -s $T_DIR/control.sock
        $SMTPROBE follow  -s $T_DIR/control.sock
        $SMTPROBE check --resolver $NSD_ADDR --ca-file $T_DIR/ca/ca.crt \\
            --allow-private -p $PF_OK good.example

      ALERT and RECOVERED lines appear below as they happen. Ctrl-C stops
      everything.

EOF
"$SMTPROBED" -d -f "$CONF"
echo "demo: smtprobed stopped; stopping Postfix and NSD, removing $T_DIR"
