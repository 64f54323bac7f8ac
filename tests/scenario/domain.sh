#!/usr/bin/env bash
# domain.sh - `smtprobe check DOMAIN` (domain mode) against a real
# authoritative NSD serving zones written here, the private Postfix, a
# loopback HTTPS server for MTA-STS policies, the scripted DNS server
# and, for DNSSEC, a validating unbound in front of NSD. One row per
# finding id the audit produces, each asserting id, layer, severity and
# the evidence (the record, term or answer that caused it):
#
#	domain.healthy.*	test.example: two MX hosts (127.0.0.1 and
#				127.0.0.2, both Postfix, certificates from
#				the test CA), PTRs, SPF, DMARC p=reject,
#				DKIM, MTA-STS enforce, TLS-RPT: no finding
#				above info
#	domain.<id>		one broken name each under bad.example,
#				otherwise like the "base" domain there,
#				which yields no finding at all
#	domain.dnssec.*		sec.example, signed with ldns-signzone, seen
#				through unbound: DANE pass, mismatch, and
#				--tls dane without TLSA; bogus.example,
#				signed but anchored to another key: SERVFAIL
#	domain.dns.timeout/servfail	tests/lib/fakedns.py as the resolver
#
# Certificates, DKIM keys and DNSSEC keys are made at run time, never
# kept. Every server listens on loopback only and is stopped by PID.
# Needs root, postfix, nsd, unbound, ldnsutils and tests/tools/dnsq.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"
. "$T_LIB/nsd.sh"
. "$T_LIB/unbound.sh"

t_init domain
need_probe
DNSQ=$T_TOP/tests/tools/dnsq

setup_fail() {
	T_SHOW_LOGS+=("$T_DIR/setup.log")
	fail domain.setup "$*"
	exit 1
}

[ "$(id -u)" = 0 ] || setup_fail "needs root"
for c in postfix nsd unbound ldns-keygen ldns-signzone ldns-key2ds openssl; do
	command -v "$c" >/dev/null ||
	    setup_fail "$c not found (apt-get install postfix nsd unbound ldnsutils)"
done
[ -x "$DNSQ" ] || setup_fail "$DNSQ not built (make tests/tools/dnsq)"

# --- certificates and keys ------------------------------------------

C=$T_DIR/ca
CA=$C/ca.crt
K=$T_DIR/keys
mkdir -p "$K"
STS_CERTS="test.example stsenf.bad.example stspolsyntax.bad.example
    stsmxmis.bad.example ststesting.bad.example stsnofile.bad.example"
certs() {
	local n
	ca_all "$C" && ca_cert "$C" mx2 valid mx2.test.example || return 1
	for n in $STS_CERTS; do
		ca_cert "$C" "sts-$n" valid "mta-sts.$n" || return 1
	done
}
certs >>"$T_DIR/setup.log" 2>&1 || setup_fail "test CA: openssl failed"

# DKIM keys: the signing key of the healthy domain, another one (a
# mismatch), and three short ones.
for k in good:2048 other:2048 weak512:512 weak1024:1024 weak1536:1536; do
	openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:${k#*:}" \
	    -out "$K/${k%%:*}.pem" >>"$T_DIR/setup.log" 2>&1 ||
	    setup_fail "openssl genpkey ${k#*:} failed"
done

# The public keys alone, as "openssl pkey -pubout" writes them: all a
# comparison with DNS needs.
for k in good other; do
	openssl pkey -in "$K/$k.pem" -pubout -out "$K/$k.pub" \
	    >>"$T_DIR/setup.log" 2>&1 || setup_fail "openssl pkey -pubout failed"
done
# A private key under a passphrase: never prompted for.
openssl pkey -in "$K/good.pem" -aes128 -passout pass:secret \
    -out "$K/good-encrypted.pem" >>"$T_DIR/setup.log" 2>&1 ||
    setup_fail "openssl pkey -aes128 failed"

# dkim_p NAME: the public key of $K/NAME.pem as DKIM's p= (base64 DER).
dkim_p() {
	openssl pkey -in "$K/$1.pem" -pubout -outform DER | base64 -w0
}

# spki_sha256 CRT: TLSA 3 1 1 data for a certificate.
spki_sha256() {
	openssl x509 -in "$1" -noout -pubkey |
	    openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1
}

# txt STRING: TXT rdata, split in character-strings of at most 255 bytes.
txt() {
	local s=$1 out=
	while [ ${#s} -gt 255 ]; do
		out+="\"${s:0:255}\" "
		s=${s:255}
	done
	printf '%s"%s"' "$out" "$s"
}

# --- servers: ports ---------------------------------------------------

mapfile -t PORTS < <(free_ports 4)
P_NSD=${PORTS[0]}
P_UB=${PORTS[1]}
P_HTTPS=${PORTS[2]}
P_FAKE=${PORTS[3]}

# --- Postfix -----------------------------------------------------------

# The private Postfix, plus a second MX host: 127.0.0.2 on the same port
# as PF_OK, with its own name and certificate.
pf_setup "$T_DIR/pf" "$C" || setup_fail "pf_setup failed"
cat >>"$PF_CONF/master.cf" <<EOF
127.0.0.2:$PF_OK	inet n - n - - smtpd -o myhostname=mx2.test.example -o smtpd_tls_cert_file=$PF_DIR/certs/mx2.crt -o smtpd_tls_key_file=$PF_DIR/certs/mx2.key
EOF
pf_start 2>>"$T_DIR/setup.log" || setup_fail "private Postfix did not start"
wait_port 127.0.0.2 "$PF_OK" 10 ||
    setup_fail "postfix: nothing listens on 127.0.0.2:$PF_OK"

# --- zones -------------------------------------------------------------

Z=$T_DIR/zones
mkdir -p "$Z"
DIGEST=$(spki_sha256 "$C/valid.crt")	# the certificate on PF_OK
DIGEST_EXP=$(spki_sha256 "$C/expired.crt")	# the one on PF_EXPIRED

soa() {
	# shellcheck disable=SC2016
	printf '$ORIGIN %s.\n$TTL 300\n' "$1"
	printf '@\tSOA\tns.test.example. hostmaster.test.example. 1 3600 900 604800 60\n'
	printf '@\tNS\tns.test.example.\n'
}

# The healthy domain.
{
	soa test.example
	cat <<EOF
ns		A	127.0.0.1
@		MX	10 mx
@		MX	20 mx2
mx		A	127.0.0.1
mx2		A	127.0.0.2
@		TXT	"v=spf1 mx -all"
_dmarc		TXT	"v=DMARC1; p=reject; rua=mailto:dmarc-reports@test.example"
_mta-sts	TXT	"v=STSv1; id=2024010101"
mta-sts		A	127.0.0.1
_smtp._tls	TXT	"v=TLSRPTv1; rua=mailto:tls-reports@test.example"
fallback	MX	10 mx
fallback	TXT	"v=spf1 mx:test.example -all"
_smtp._tls.fallback	TXT	"v=TLSRPTv1; rua=mailto:tls-reports@test.example"
good._domainkey		TXT	$(txt "v=DKIM1; k=rsa; p=$(dkim_p good)")
testing._domainkey	TXT	$(txt "v=DKIM1; k=rsa; t=y; p=$(dkim_p good)")
weak512._domainkey	TXT	$(txt "v=DKIM1; k=rsa; p=$(dkim_p weak512)")
weak1024._domainkey	TXT	$(txt "v=DKIM1; k=rsa; p=$(dkim_p weak1024)")
weak1536._domainkey	TXT	$(txt "v=DKIM1; k=rsa; p=$(dkim_p weak1536)")
revoked._domainkey	TXT	"v=DKIM1; k=rsa; p="
broken._domainkey	TXT	"v=DKIM1; k=rsa; p=@@not-base64@@"
EOF
} >"$Z/test.example.zone"

# The reverse zone of 127/8: 127.0.0.3 has no PTR, 127.0.0.4's PTR
# names a host with another address.
{
	soa 127.in-addr.arpa
	cat <<EOF
1.0.0		PTR	mx.test.example.
2.0.0		PTR	mx2.test.example.
4.0.0		PTR	wrongptr.bad.example.
EOF
} >"$Z/127.in-addr.arpa.zone"

# std LABEL [mx] [spf] [dmarc] [tlsrpt]: the records of the "base"
# domain for LABEL.bad.example, except those named.
std() {
	local d=$1 skip=" ${*:2} "
	[[ $skip == *" mx "* ]] || printf '%s\tMX\t10 mx.test.example.\n' "$d"
	[[ $skip == *" spf "* ]] ||
	    printf '%s\tTXT\t"v=spf1 ip4:127.0.0.1 -all"\n' "$d"
	[[ $skip == *" dmarc "* ]] ||
	    printf '_dmarc.%s\tTXT\t"v=DMARC1; p=reject; rua=mailto:dmarc@bad.example"\n' "$d"
	[[ $skip == *" tlsrpt "* ]] ||
	    printf '_smtp._tls.%s\tTXT\t"v=TLSRPTv1; rua=mailto:tls@bad.example"\n' "$d"
}

# sts LABEL [A-ADDRESS]: a valid _mta-sts record, mta-sts.LABEL at the
# address (none: no address record).
sts() {
	printf '_mta-sts.%s\tTXT\t"v=STSv1; id=20240101"\n' "$1"
	[ -n "${2:-}" ] && printf 'mta-sts.%s\tA\t%s\n' "$1" "$2"
	return 0
}

{
	soa bad.example
	std base
	# no record at all: nxdomain.bad.example does not exist
	std nomx mx
	printf 'nomx\tA\t127.0.0.1\n'
	std nullmx mx
	printf 'nullmx\tMX\t0 .\n'
	std nullmix
	printf 'nullmix\tMX\t0 .\n'
	std mxcname mx
	printf 'mxcname\tMX\t10 alias.bad.example.\nalias\tCNAME\tmx.test.example.\n'
	std mxnoaddr mx
	printf 'mxnoaddr\tMX\t10 noaddr.bad.example.\nnoaddr\tTXT\t"no address here"\n'
	# -4 and -6: an MX with only an IPv6 address, and one with both
	std v6only mx
	printf 'v6only\tMX\t10 v6.bad.example.\nv6\tAAAA\t::1\n'
	std dual mx
	printf 'dual\tMX\t10 dualmx.bad.example.\n'
	printf 'dualmx\tA\t127.0.0.1\ndualmx\tAAAA\t::1\n'
	# -H: a name with an address of its own and an MX without one
	std hmode mx
	printf 'hmode\tA\t127.0.0.1\nhmode\tMX\t10 noaddr.bad.example.\n'
	std mxliteral mx
	printf 'mxliteral\tMX\t10 127.0.0.1.\n'
	std mxttl mx
	printf 'mxttl\t300\tMX\t10 mx.test.example.\nmxttl\t900\tMX\t20 mx2.test.example.\n'
	std ptrmissing mx
	printf 'ptrmissing\tMX\t10 noptr.bad.example.\nnoptr\tA\t127.0.0.3\n'
	std ptrmismatch mx
	printf 'ptrmismatch\tMX\t10 badptr.bad.example.\nbadptr\tA\t127.0.0.4\n'
	printf 'wrongptr\tA\t127.0.0.5\n'
	std spfnone spf
	std spfmulti spf
	printf 'spfmulti\tTXT\t"v=spf1 ip4:127.0.0.1 -all"\n'
	printf 'spfmulti\tTXT\t"v=spf1 mx -all"\n'
	std spfsyntax spf
	printf 'spfsyntax\tTXT\t"v=spf1 ip4:127.0.0.300 -all"\n'
	std spflookups spf
	printf 'spflookups\tTXT\t"v=spf1'
	for i in 1 2 3 4 5 6 7 8 9 10 11; do
		printf ' a:l%d.bad.example' "$i"
	done
	printf ' -all"\n'
	for i in 1 2 3 4 5 6 7 8 9 10 11; do
		printf 'l%d\tA\t127.0.0.1\n' "$i"
	done
	std spfvoid spf
	printf 'spfvoid\tTXT\t"v=spf1 a:void1.bad.example a:void2.bad.example a:void3.bad.example ip4:127.0.0.1 -all"\n'
	std spfplusall spf
	printf 'spfplusall\tTXT\t"v=spf1 ip4:127.0.0.1 +all"\n'
	std spfneutral spf
	printf 'spfneutral\tTXT\t"v=spf1 ip4:127.0.0.1 ?all"\n'
	std spfsoft spf
	printf 'spfsoft\tTXT\t"v=spf1 ip4:127.0.0.1 ~all"\n'
	std spfptr spf
	printf 'spfptr\tTXT\t"v=spf1 ptr -all"\n'
	std spftemp spf
	# example.org is not served here: NSD refuses, the include fails
	printf 'spftemp\tTXT\t"v=spf1 ip4:127.0.0.1 include:spf.example.org -all"\n'
	std dmarcnone dmarc
	std dmarcmulti dmarc
	printf '_dmarc.dmarcmulti\tTXT\t"v=DMARC1; p=reject"\n'
	printf '_dmarc.dmarcmulti\tTXT\t"v=DMARC1; p=none"\n'
	std dmarcsyntax dmarc
	printf '_dmarc.dmarcsyntax\tTXT\t"v=DMARC1; p=bogus"\n'
	std dmarcpnone dmarc
	printf '_dmarc.dmarcpnone\tTXT\t"v=DMARC1; p=none; rua=mailto:dmarc@bad.example"\n'
	std dmarcrua dmarc
	printf '_dmarc.dmarcrua\tTXT\t"v=DMARC1; p=reject; rua=mailto:agg@example.net"\n'
	std dmarcruaok dmarc
	printf '_dmarc.dmarcruaok\tTXT\t"v=DMARC1; p=reject; rua=mailto:agg@example.net"\n'
	std stssyntax
	printf '_mta-sts.stssyntax\tTXT\t"v=STSv1; id=not_an-id!"\n'
	std stsnoaddr
	sts stsnoaddr
	std stsnosrv
	sts stsnosrv 127.0.0.9
	std stsbadcert
	sts stsbadcert 127.0.0.1
	std stsnofile
	sts stsnofile 127.0.0.1
	std stspolsyntax
	sts stspolsyntax 127.0.0.1
	std stsmxmis
	sts stsmxmis 127.0.0.1
	std ststesting
	sts ststesting 127.0.0.1
	std stsenf
	sts stsenf 127.0.0.1
	std tlsrptnone tlsrpt
	std tlsrptsyntax tlsrpt
	printf '_smtp._tls.tlsrptsyntax\tTXT\t"v=TLSRPTv1; rua=ftp://reports.bad.example/"\n'
	std daneinsecure mx
	printf 'daneinsecure\tMX\t10 mxtlsa.bad.example.\nmxtlsa\tA\t127.0.0.1\n'
	printf '_%s._tcp.mxtlsa\tTLSA\t3 1 1 %s\n' "$PF_OK" "$DIGEST"
	std v6 mx
	printf 'v6\tMX\t10 v6mx.bad.example.\nv6mx\tA\t127.0.0.1\nv6mx\tAAAA\t::1\n'
} >"$Z/bad.example.zone"

# The report destination of dmarcrua and dmarcruaok: only the second
# is authorised.
{
	soa example.net
	printf 'dmarcruaok.bad.example._report._dmarc\tTXT\t"v=DMARC1"\n'
} >"$Z/example.net.zone"

# Public suffixes of two labels (RFC 7489 3.2): the organisational
# domain of mail.example.com.cn is example.com.cn, not com.cn, whose
# own record is a trap a two-label guess would fall into (p=reject: the
# sp=none of example.com.cn would go unseen). rua.com.cn sends reports
# to other.com.cn, another organisation that has not agreed. Under
# co.uk: pct=0 at example.co.uk, reports within the organisation, and
# a trap at co.uk (p=none, which would hide pct=0).
{
	soa com.cn
	printf '_dmarc\tTXT\t"v=DMARC1; p=reject"\n'
	std example dmarc
	printf '_dmarc.example\tTXT\t"v=DMARC1; p=reject; sp=none; rua=mailto:dmarc@example.com.cn"\n'
	std mail.example dmarc
	std rua dmarc
	printf '_dmarc.rua\tTXT\t"v=DMARC1; p=reject; rua=mailto:agg@other.com.cn"\n'
} >"$Z/com.cn.zone"
{
	soa co.uk
	printf '_dmarc\tTXT\t"v=DMARC1; p=none"\n'
	std example dmarc
	printf '_dmarc.example\tTXT\t"v=DMARC1; p=quarantine; pct=0; rua=mailto:agg@reports.example.co.uk"\n'
	std mail.example dmarc
} >"$Z/co.uk.zone"

# An internationalized domain: 例子.test is xn--fsqu00a.test in DNS
# (RFC 5890); its MX is the private Postfix.
{
	soa xn--fsqu00a.test
	cat <<EOF
@		MX	10 mx.test.example.
@		TXT	"v=spf1 ip4:127.0.0.1 -all"
_dmarc		TXT	"v=DMARC1; p=reject; rua=mailto:dmarc@xn--fsqu00a.test"
_smtp._tls	TXT	"v=TLSRPTv1; rua=mailto:tls@xn--fsqu00a.test"
EOF
} >"$Z/xn--fsqu00a.test.zone"

# Blocklists (RFC 5782): 127.0.0.1 listed with a reason; a list that
# answers its error code; a list that answers outside 127/8.
{
	soa bl.example
	printf '1.0.0.127.listed\tA\t127.0.0.2\n'
	printf '1.0.0.127.listed\tTXT\t"listed for testing, see https://bl.example/127.0.0.1"\n'
	printf '1.0.0.127.errcode\tA\t127.255.255.254\n'
	printf '1.0.0.127.hijack\tA\t192.0.2.1\n'
} >"$Z/bl.example.zone"

# The signed zone: sec.example (DANE passes), wrongtlsa (a TLSA digest
# the certificate does not have), notlsa (no TLSA at all), expiredee
# (DANE-EE matches a certificate that has expired).
{
	soa sec.example
	for d in @ wrongtlsa notlsa expiredee; do
		printf '%s\tTXT\t"v=spf1 ip4:127.0.0.1 -all"\n' "$d"
	done
	cat <<EOF
@		MX	10 mx
mx		A	127.0.0.1
_$PF_OK._tcp.mx	TLSA	3 1 1 $DIGEST
_dmarc		TXT	"v=DMARC1; p=reject; rua=mailto:dmarc@sec.example"
_smtp._tls	TXT	"v=TLSRPTv1; rua=mailto:tls@sec.example"
wrongtlsa	MX	10 mxw
mxw		A	127.0.0.1
_$PF_OK._tcp.mxw	TLSA	3 1 1 $(printf '%064d' 0 | tr 0 a)
_dmarc.wrongtlsa	TXT	"v=DMARC1; p=reject; rua=mailto:dmarc@sec.example"
_smtp._tls.wrongtlsa	TXT	"v=TLSRPTv1; rua=mailto:tls@sec.example"
notlsa		MX	10 mxn
mxn		A	127.0.0.1
_dmarc.notlsa	TXT	"v=DMARC1; p=reject; rua=mailto:dmarc@sec.example"
_smtp._tls.notlsa	TXT	"v=TLSRPTv1; rua=mailto:tls@sec.example"
expiredee	MX	10 mxe
mxe		A	127.0.0.1
_$PF_EXPIRED._tcp.mxe	TLSA	3 1 1 $DIGEST_EXP
_dmarc.expiredee	TXT	"v=DMARC1; p=reject; rua=mailto:dmarc@sec.example"
_smtp._tls.expiredee	TXT	"v=TLSRPTv1; rua=mailto:tls@sec.example"
EOF
} >"$Z/sec.example.zone"

# bogus.example: signed, but the trust anchor is the DS of another key,
# so a validator finds no chain of trust (SERVFAIL).
{
	soa bogus.example
	printf '@\tMX\t10 mx.test.example.\n'
} >"$Z/bogus.example.zone"

# sign ZONE: one ECDSA key (SEP flag) signs everything; ZONE.ds is the
# DS of that key. ldns-keygen writes its files in the current directory.
sign() {
	local key
	key=$(ldns-keygen -a ECDSAP256SHA256 -k "$1") &&
	ldns-signzone -f "$1.zone.signed" "$1.zone" "$key" &&
	ldns-key2ds -n -2 "$key.key" >"$1.ds"
}
if ! (cd "$Z" && sign sec.example && sign bogus.example &&
    ldns-key2ds -n -2 "$(ldns-keygen -a ECDSAP256SHA256 -k bogus.example).key" \
    >bogus.example.wrong.ds) >>"$T_DIR/setup.log" 2>&1
then
	setup_fail "ldns-keygen/ldns-signzone failed"
fi

# A zone the daemon rows change while smtprobed watches it (TTL 1 s, so
# its resolver asks again at every audit): chg_zone SERIAL SPF-TEXT.
chg_zone() {
	{
		# shellcheck disable=SC2016
		printf '$ORIGIN changes.example.\n$TTL 1\n'
		printf '@\tSOA\tns.test.example. hostmaster.test.example. %d 3600 900 604800 1\n' "$1"
		printf '@\tNS\tns.test.example.\n@\tMX\t10 mx.test.example.\n'
		printf '@\tTXT\t"%s"\n' "$2"
		printf '_dmarc\tTXT\t"v=DMARC1; p=reject"\n'
		printf 'good._domainkey\tTXT\t%s\n' "$(txt "v=DKIM1; k=rsa; p=$(dkim_p good)")"
		printf 'stale._domainkey\tTXT\t%s\n' "$(txt "v=DKIM1; k=rsa; p=$(dkim_p good)")"
	} >"$Z/changes.example.zone.new" &&
	    mv "$Z/changes.example.zone.new" "$Z/changes.example.zone"
}
chg_zone 1 "v=spf1 ip4:127.0.0.1 -all"

nsd_setup "$T_DIR/nsd" "$P_NSD" || setup_fail "nsd_setup failed"
nsd_zone changes.example "$Z/changes.example.zone"
for z in test.example 127.in-addr.arpa bad.example example.net bl.example \
    com.cn co.uk xn--fsqu00a.test; do
	nsd_zone "$z" "$Z/$z.zone"
done
nsd_zone sec.example "$Z/sec.example.zone.signed"
nsd_zone bogus.example "$Z/bogus.example.zone.signed"
nsd_start 2>>"$T_DIR/setup.log" || setup_fail "nsd did not serve the zones"

# --- the MTA-STS policies ---------------------------------------------

W=$T_DIR/www
mkdir -p "$W"
policy() {	# policy HOST MODE MX...: a policy file served for HOST
	local host=$1 mode=$2 m
	shift 2
	{
		printf 'version: STSv1\nmode: %s\n' "$mode"
		for m in "$@"; do
			printf 'mx: %s\n' "$m"
		done
		printf 'max_age: 86400\n'
	} >"$W/$host"
}
policy mta-sts.test.example enforce mx.test.example '*.test.example'
policy mta-sts.stsenf.bad.example enforce mx.test.example
policy mta-sts.stsmxmis.bad.example enforce mail.elsewhere.example
policy mta-sts.ststesting.bad.example testing mx.test.example
policy mta-sts.stsbadcert.bad.example enforce mx.test.example
printf 'version: STSv1\nmode: sometimes\nmx: mx.test.example\nmax_age: 86400\n' \
    >"$W/mta-sts.stspolsyntax.bad.example"
# no file for mta-sts.stsnofile.bad.example: 404

HARGS=(--port "$P_HTTPS" --root "$W" --ready "$T_DIR/httpsd.ready"
    --default "$C/wrongname.crt,$C/wrongname.key")
for n in $STS_CERTS; do
	HARGS+=(--cert "mta-sts.$n=$C/sts-$n.crt,$C/sts-$n.key")
done
t_bg httpsd python3 "$T_LIB/httpsd.py" "${HARGS[@]}"
T_SHOW_LOGS+=("$T_DIR/httpsd.log")
wait_file "$T_DIR/httpsd.ready" 10 || setup_fail "httpsd did not start"

# --- the scripted DNS server ------------------------------------------

t_bg fakedns python3 "$T_LIB/fakedns.py" --port "$P_FAKE" \
    --ready "$T_DIR/fakedns.ready"
wait_file "$T_DIR/fakedns.ready" 10 || setup_fail "fakedns did not start"

# --- a mail server on ::1 (for -6) ---------------------------------------

t_bg fakesmtp6 python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/fakesmtp6.ready" \
    --lifetime 300 normal@::1
T_SHOW_LOGS+=("$T_DIR/fakesmtp6.log")
wait_file "$T_DIR/fakesmtp6.ready" 10 || setup_fail "fakesmtp.py on ::1 did not start"
read -r _ P_V6 <"$T_DIR/fakesmtp6.ready"

# --- a mail server of TLS 1.0/1.1 only (the MTA-STS rows) ----------------

t_bg fakesmtpold python3 "$T_LIB/fakesmtp.py" \
    --ready "$T_DIR/fakesmtpold.ready" --cert "$C/valid.crt" \
    --key "$C/valid.key" --lifetime 300 tls-old
T_SHOW_LOGS+=("$T_DIR/fakesmtpold.log")
wait_file "$T_DIR/fakesmtpold.ready" 10 ||
    setup_fail "fakesmtp.py (tls-old) did not start"
read -r _ P_TLSOLD <"$T_DIR/fakesmtpold.ready"

# --- unbound -------------------------------------------------------------

ub_setup "$T_DIR/unbound" "$P_UB" || setup_fail "ub_setup failed"
for z in sec.example bogus.example test.example 127.in-addr.arpa; do
	ub_stub "$z" "127.0.0.1@$P_NSD"
done
ub_anchor "$(tr -s ' \t' ' ' <"$Z/sec.example.ds")"
ub_anchor "$(tr -s ' \t' ' ' <"$Z/bogus.example.wrong.ds")"
ub_start 2>>"$T_DIR/setup.log" || setup_fail "unbound did not start"

# --- rows ----------------------------------------------------------------

# drow NAME EXIT ARGS...: a domain-mode row. Findings about the domain's
# records have no address and port: "valid --domain" lets them be null.
drow() {
	row "$@"
	ROW_CHECKS=(:: valid --domain "${ROW_CHECKS[@]:2}")
}

# dhuman NAME EXIT ARGS...: drow, and the human report of the same check
# says what the JSON says.
dhuman() {
	human_row "$@"
	ROW_CHECKS=(:: valid --domain "${ROW_CHECKS[@]:2}")
}

# qrow NAME DNSQ-ARGS...: look a name up with dnsq; qhas checks a line.
qrow() {
	ROW_NAME=$1
	shift
	ROW_WHY=()
	ROW_CHECKS=()
	ROW_OUT=$T_DIR/$ROW_NAME.out
	ROW_ERR=$T_DIR/$ROW_NAME.err
	ROW_CMD="dnsq $*"
	timeout -k 2 20 "$DNSQ" -C "$@" >"$ROW_OUT" 2>"$ROW_ERR" </dev/null
	ROW_RC=$?
	[ "$ROW_RC" = 0 ] || ROW_WHY+=("dnsq exit status $ROW_RC")
}
qhas() {
	grep -Eq -- "$1" "$ROW_OUT" || ROW_WHY+=("no line matches /$1/")
}

N=(--resolver "$NSD_ADDR")
# Every audit: our resolver, test addresses are fine, our CA, the
# HTTPS port for policies, our HELO name.
R=("${N[@]}" --allow-private --ca-file "$CA" --mta-sts-port "$P_HTTPS"
    --helo probe.test.example)
B=bad.example

# --- the healthy domain -------------------------------------------------

drow domain.healthy 0 test.example "${R[@]}" -p "$PF_OK" \
    --dkim-key "good=$K/good.pem" --spf-ip 127.0.0.1 --dnsbl clean.bl.example
expect status ok
expect max-severity info
expect session --addr 127.0.0.1 --port "$PF_OK" --outcome ok --count 1
expect session --addr 127.0.0.2 --port "$PF_OK" --outcome ok --count 1
expect session --count 2
expect tls --addr 127.0.0.1 --verified true --hostname-ok true
expect tls --addr 127.0.0.2 --verified true --hostname-ok true
expect phase ehlo2 --addr 127.0.0.2 --reply 250
expect value dns.mx_status OK
expect value dns.mx.0.host mx.test.example
expect value dns.mx.0.pref 10
expect value dns.mx.0.addrs.0.addr 127.0.0.1
expect value dns.mx.0.addrs.0.ptr mx.test.example
expect value dns.mx.0.addrs.0.fcrdns true
expect value dns.mx.1.host mx2.test.example
expect value dns.mx.1.addrs.0.ptr mx2.test.example
expect value dns.mx.1.addrs.0.fcrdns true
expect value dns.mx.0.tlsa.0.status NXDOMAIN
expect value dns.spf 'v=spf1 mx -all'
expect value dns.dmarc 'v=DMARC1; p=reject; rua=mailto:dmarc-reports@test\.example'
expect value dns.dkim.good 'v=DKIM1; k=rsa; p=MIIB.*'
expect value dns.mta_sts 'v=STSv1; id=2024010101'
expect value dns.mta_sts_policy.mode enforce
expect value dns.mta_sts_policy.mx '\["mx\.test\.example", "\*\.test\.example"\]'
expect value dns.tls_rpt 'v=TLSRPTv1; rua=mailto:tls-reports@test\.example'
expect value dns.mx.0.addrs.0.dnsbl_listings 0
expect no-command '^(DATA|BDAT|AUTH)'
end_row

# The human report (smtprobe check without --json) says what the JSON
# of the same check says: the DNS section, every session with its phases
# and TLS, the findings with evidence and hint (tests/lib/humancheck.py).
dhuman domain.human.healthy 0 test.example "${R[@]}" -p "$PF_OK" \
    --dkim-key "good=$K/good.pem" --spf-ip 127.0.0.1 --dnsbl clean.bl.example
expect session --count 2
end_row

dhuman domain.human.findings 2 ptrmismatch.$B "${R[@]}" -p "$PF_OK"
expect finding ptr.mismatch
expect finding net.connect.refused --addr 127.0.0.4
end_row

# -4 and -6: an MX with an IPv4 and an IPv6 address, a mail server on
# ::1 only (127.0.0.1 refuses that port). Each flag keeps its family.
drow domain.family.both 2 dual.$B "${R[@]}" -p "$P_V6"
expect session --addr ::1 --port "$P_V6" --outcome ok --count 1
expect session --addr 127.0.0.1 --port "$P_V6" --outcome net --count 1
end_row

drow domain.family.6 1 dual.$B "${R[@]}" -p "$P_V6" -6
expect session --addr ::1 --port "$P_V6" --outcome ok --count 1
expect session --count 1
expect no-finding net.connect.refused
# the server on ::1 offers no STARTTLS: the one warning
expect finding tls.starttls.missing --addr ::1 --severity warn
end_row

drow domain.family.4 2 dual.$B "${R[@]}" -p "$P_V6" -4
expect session --addr 127.0.0.1 --port "$P_V6" --outcome net --count 1
expect session --count 1
expect finding net.connect.refused --addr 127.0.0.1 --port "$P_V6"
end_row

# An MX with no address in the family asked for is that MX's fault.
drow domain.family.4-none 2 v6only.$B "${R[@]}" -p "$P_V6" -4
expect finding mx.no-address --layer dns --severity crit \
    --evidence 'v6\.bad\.example has no IPv4 address \(A: NODATA, AAAA: not asked\)'
expect session --count 0
end_row

# An address given that the family excludes leaves nothing to probe:
# UNKNOWN (exit 3), with the reason, never an OK without a session.
human_row domain.family.no-address-left 3 -4 "[::1]:$P_V6"
expect status unknown
expect session --count 0
expect value error '::1: no address left to probe'
end_row

human_row domain.family.no-address-left.6 3 -6 "127.0.0.1:$P_V6"
expect status unknown
expect value error '127\.0\.0\.1: no address left to probe'
end_row

# -H: the name is a host, probed at its own address; its MX (which has
# no address) is not looked at. Without -H it is a domain: that MX.
drow domain.host-flag.without 2 hmode.$B "${R[@]}" -p "$PF_OK"
expect finding mx.no-address --evidence 'noaddr\.bad\.example'
expect session --count 0
end_row

dhuman domain.host-flag 1 -H hmode.$B "${R[@]}" -p "$PF_OK"
expect value dns.host_mode true
expect value dns.mx.0.host 'hmode\.bad\.example'
expect session --addr 127.0.0.1 --port "$PF_OK" --outcome ok --count 1
expect no-finding mx.no-address
# the certificate names mx.test.example, the host probed is hmode
expect finding tls.cert.hostname --severity warn --port "$PF_OK"
end_row

# --dns-only: the audit, no session.
drow domain.dns-only 0 test.example "${R[@]}" -p "$PF_OK" --dns-only
expect session --count 0
expect max-severity info
expect value dns.mx.1.addrs.0.addr 127.0.0.2
expect value dns.mta_sts_policy.mode enforce
end_row

# --no-dns: MX and addresses only: the broken DMARC record is never
# read, private addresses are not judged, no PTR is asked.
drow domain.no-dns 0 dmarcsyntax.$B "${N[@]}" --ca-file "$CA" \
    -p "$PF_OK" --no-dns --helo probe.test.example
expect session --addr 127.0.0.1 --outcome ok --count 1
expect no-finding dmarc.syntax
expect no-finding mx.private-address
expect max-severity info
expect value dns.dmarc null
expect value dns.spf null
expect value dns.mx.0.addrs.0.ptr null
end_row

# The reference for every bad.example row: no finding at all.
drow domain.base 0 base.$B "${R[@]}" --dns-only
expect max-severity none
expect value dns.mx.0.host mx.test.example
end_row

# --- DNS answers ----------------------------------------------------------

ROW_LIMIT=20 drow domain.dns.timeout 2 silent-1.test \
    --resolver "127.0.0.1:$P_FAKE" --allow-private --dns-only
expect finding dns.timeout --layer dns --severity crit \
    --evidence '^MX: name=silent-1\.test\.? type=MX status=TIMEOUT '
expect value dns.mx_status TIMEOUT
# two tries of 2 s, all lookups in parallel
expect_ms_below 8000
end_row

drow domain.dns.servfail 2 servfail-1.test --resolver "127.0.0.1:$P_FAKE" \
    --allow-private --dns-only
expect finding dns.servfail --layer dns --severity crit \
    --evidence '^MX: name=servfail-1\.test\.? type=MX status=SERVFAIL .*rcode=2'
end_row

drow domain.dns.nxdomain 2 nxdomain.$B "${R[@]}" --dns-only
expect finding dns.nxdomain --layer dns --severity crit \
    --evidence 'nxdomain\.bad\.example does not exist \(NXDOMAIN for MX\)'
expect value dns.mx_status NXDOMAIN
expect session --count 0
end_row

# The resolver refuses this domain's names and answers others (the
# root's NS): the domain's trouble. (A resolver that refuses everything
# is the prober's: tests/scenario/probe.sh.)
drow domain.dns.refused 2 refused-1.test --resolver "127.0.0.1:$P_FAKE" \
    --allow-private --dns-only
expect finding dns.refused --layer dns --severity crit --blame target \
    --evidence '^MX: name=refused-1\.test\.? type=MX status=REFUSED .*rcode=5'
expect no-finding probe.resolver
end_row

# --- MX ----------------------------------------------------------------------

drow domain.mx.none 1 nomx.$B "${R[@]}" -p "$PF_OK"
expect finding mx.none --layer dns --severity warn \
    --evidence 'no MX record at nomx\.bad\.example'
expect value dns.mx.0.implicit true
expect value dns.mx.0.host nomx.bad.example
# RFC 5321 5.1: the domain's own address is probed
expect session --addr 127.0.0.1 --port "$PF_OK" --count 1
end_row

drow domain.mx.null 0 nullmx.$B "${R[@]}" -p "$PF_OK"
expect finding mx.null --layer dns --severity info \
    --evidence 'MX 0 \. at nullmx\.bad\.example'
expect value dns.null_mx true
expect session --count 0
expect status ok
end_row

drow domain.mx.null.beside-others 1 nullmix.$B "${R[@]}" --dns-only
expect finding mx.null --layer dns --severity warn \
    --evidence 'null MX.*beside 1 other'
expect value dns.null_mx false
end_row

drow domain.mx.cname 1 mxcname.$B "${R[@]}" --dns-only
expect finding mx.cname --layer dns --severity warn \
    --evidence 'alias\.bad\.example is an alias \(CNAME\) for mx\.test\.example'
expect value dns.mx.0.cname mx.test.example
expect max-severity warn
end_row

drow domain.mx.no-address 2 mxnoaddr.$B "${R[@]}" --dns-only
expect finding mx.no-address --layer dns --severity crit \
    --evidence 'noaddr\.bad\.example has no address \(A: NODATA, AAAA: NODATA\)'
end_row

drow domain.mx.ip-literal 2 mxliteral.$B "${R[@]}" --dns-only
expect finding mx.ip-literal --layer dns --severity crit \
    --evidence 'MX 10 127\.0\.0\.1 is an address'
end_row

# without --allow-private: every test address is loopback
drow domain.mx.private-address 2 test.example "${N[@]}" --ca-file "$CA" \
    --mta-sts-port "$P_HTTPS" --dns-only
expect finding mx.private-address --layer dns --severity crit \
    --addr 127.0.0.1 --evidence 'MX mx\.test\.example has address 127\.0\.0\.1'
expect finding mx.private-address --addr 127.0.0.2 \
    --evidence 'mx2\.test\.example has address 127\.0\.0\.2'
end_row

drow domain.mx.ttl-mismatch 0 mxttl.$B "${R[@]}" --dns-only
expect finding mx.ttl-mismatch --layer dns --severity info \
    --evidence 'MX records of mxttl\.bad\.example carry different TTLs'
end_row

# --- PTR ---------------------------------------------------------------------

drow domain.ptr.missing 1 ptrmissing.$B "${R[@]}" --dns-only
expect finding ptr.missing --layer dns --severity warn --addr 127.0.0.3 \
    --evidence 'no PTR for 127\.0\.0\.3 \(NXDOMAIN\)'
expect value dns.mx.0.addrs.0.ptr null
expect max-severity warn
end_row

drow domain.ptr.mismatch 1 ptrmismatch.$B "${R[@]}" --dns-only
expect finding ptr.mismatch --layer dns --severity warn --addr 127.0.0.4 \
    --evidence 'PTR of 127\.0\.0\.4 is wrongptr\.bad\.example, which resolves to 127\.0\.0\.5'
expect value dns.mx.0.addrs.0.fcrdns false
expect max-severity warn
end_row

# --- SPF -----------------------------------------------------------------------

drow domain.spf.none 1 spfnone.$B "${R[@]}" --dns-only
expect finding spf.none --layer dns --severity warn \
    --evidence 'no v=spf1 TXT record at spfnone\.bad\.example'
expect value dns.spf null
expect max-severity warn
end_row

drow domain.spf.multiple 2 spfmulti.$B "${R[@]}" --dns-only
expect finding spf.multiple --layer dns --severity crit \
    --evidence 'spfmulti\.bad\.example publishes more than one v=spf1'
end_row

drow domain.spf.syntax 2 spfsyntax.$B "${R[@]}" --dns-only
expect finding spf.syntax --layer dns --severity crit \
    --evidence '127\.0\.0\.300'
end_row

drow domain.spf.lookup-limit 2 spflookups.$B "${R[@]}" --dns-only
expect finding spf.lookup-limit --layer dns --severity crit \
    --evidence '11 DNS-querying terms .*more than 10'
end_row

drow domain.spf.void-limit 2 spfvoid.$B "${R[@]}" --dns-only \
    --spf-ip 127.0.0.1
expect finding spf.void-limit --layer dns --severity crit \
    --evidence 'more than 2 void lookups.*void3\.bad\.example'
end_row

drow domain.spf.permissive.plus-all 2 spfplusall.$B "${R[@]}" --dns-only
expect finding spf.permissive --layer dns --severity crit \
    --evidence '"\+all" in the SPF record of spfplusall\.bad\.example'
end_row

drow domain.spf.permissive.neutral 1 spfneutral.$B "${R[@]}" --dns-only
expect finding spf.permissive --layer dns --severity warn \
    --evidence '"\?all" in the SPF record of spfneutral\.bad\.example'
expect max-severity warn
end_row

drow domain.spf.ptr 0 spfptr.$B "${R[@]}" --dns-only
expect finding spf.ptr --layer dns --severity info \
    --evidence '"ptr" in the SPF record of spfptr\.bad\.example'
expect max-severity info
end_row

drow domain.spf.not-authorized 2 base.$B "${R[@]}" --dns-only \
    --spf-ip 192.0.2.77 --spf-ip 127.0.0.1
expect finding spf.not-authorized --layer dns --severity crit \
    --addr 192.0.2.77 --count 1 \
    --evidence 'ip=192\.0\.2\.77 result=fail mechanism="-all"'
expect no-finding spf.not-authorized --addr 127.0.0.1
end_row

drow domain.spf.not-authorized.softfail 1 spfsoft.$B "${R[@]}" --dns-only \
    --spf-ip 192.0.2.77
expect finding spf.not-authorized --layer dns --severity warn \
    --evidence 'ip=192\.0\.2\.77 result=softfail'
end_row

drow domain.spf.temperror 1 spftemp.$B "${R[@]}" --dns-only
expect finding spf.temperror --layer dns --severity warn \
    --evidence 'spf\.example\.org'
expect max-severity warn
end_row

# --- DMARC -------------------------------------------------------------------

# RFC 7489 6.6.3: without a record the organisational domain's
# applies; bad.example has none either.
drow domain.dmarc.none 1 dmarcnone.$B "${R[@]}" --dns-only
expect finding dmarc.none --layer dns --severity warn \
    --evidence '_dmarc\.dmarcnone\.bad\.example: no TXT record starts with v=DMARC1, nor at _dmarc\.bad\.example, its organisational domain'"'"'s'
expect value dns.dmarc null
expect value dns.dmarc_domain null
expect max-severity warn
end_row

# test.example has a record: its subdomain falls back to it.
drow domain.dmarc.org-fallback 0 fallback.test.example "${R[@]}" --dns-only
expect no-finding dmarc.none
expect value dns.dmarc 'v=DMARC1; p=reject; rua=mailto:dmarc-reports@test\.example'
expect value dns.dmarc_domain test.example
expect max-severity none
end_row

# The organisational domain from the Public Suffix List (RFC 7489 3.2)
# and, for a subdomain, its sp= (6.3): sp=none at example.com.cn leaves
# mail.example.com.cn unprotected.
drow domain.dmarc.psl-com-cn 0 mail.example.com.cn "${R[@]}" --dns-only
expect finding dmarc.policy-none --layer dns --severity info \
    --evidence '_dmarc\.example\.com\.cn: sp=none, the policy of mail\.example\.com\.cn, which has no record'
expect value dns.dmarc 'v=DMARC1; p=reject; sp=none; rua=mailto:dmarc@example\.com\.cn'
expect value dns.dmarc_domain example.com.cn
expect max-severity info
end_row

# The organisational domain itself: p=reject applies, sp=none does not.
drow domain.dmarc.psl-org-itself 0 example.com.cn "${R[@]}" --dns-only
expect no-finding dmarc.policy-none
expect value dns.dmarc_domain example.com.cn
expect max-severity none
end_row

# other.com.cn is another organisation: its consent is asked for.
drow domain.dmarc.psl-rua 1 rua.com.cn "${R[@]}" --dns-only
expect finding dmarc.rua-unauthorized --layer dns --severity warn \
    --evidence 'rua="mailto:agg@other\.com\.cn".*rua\.com\.cn\._report\._dmarc\.other\.com\.cn'
expect max-severity warn
end_row

# pct=0 at example.co.uk, seen from its subdomain; the reports stay in
# the organisation (reports.example.co.uk), so no consent is needed.
drow domain.dmarc.psl-co-uk-pct0 0 mail.example.co.uk "${R[@]}" --dns-only
expect finding dmarc.policy-none --layer dns --severity info \
    --evidence '_dmarc\.example\.co\.uk: pct=0: p=quarantine is enacted on no message, the policy of mail\.example\.co\.uk.*protects nothing.*DMARCbis \(RFC 9989\) drops pct'
expect no-finding dmarc.rua-unauthorized
expect value dns.dmarc_domain example.co.uk
expect max-severity info
end_row

drow domain.dmarc.multiple 2 dmarcmulti.$B "${R[@]}" --dns-only
expect finding dmarc.multiple --layer dns --severity crit \
    --evidence '2 records start with v=DMARC1.*p=(reject|none)'
end_row

drow domain.dmarc.syntax 2 dmarcsyntax.$B "${R[@]}" --dns-only
expect finding dmarc.syntax --layer dns --severity crit \
    --evidence 'p="bogus": not none, quarantine or reject'
end_row

drow domain.dmarc.policy-none 0 dmarcpnone.$B "${R[@]}" --dns-only
expect finding dmarc.policy-none --layer dns --severity info \
    --evidence '_dmarc\.dmarcpnone\.bad\.example: p=none'
end_row

drow domain.dmarc.rua-unauthorized 1 dmarcrua.$B "${R[@]}" --dns-only
expect finding dmarc.rua-unauthorized --layer dns --severity warn \
    --evidence 'rua="mailto:agg@example\.net".*dmarcrua\.bad\.example\._report\._dmarc\.example\.net'
expect max-severity warn
end_row

drow domain.dmarc.rua-authorized 0 dmarcruaok.$B "${R[@]}" --dns-only
expect max-severity none
end_row

# --- internationalized names (RFC 5890, 6531) --------------------------------

# Typed with U-labels: looked up with A-labels, both forms reported. The
# private Postfix offers SMTPUTF8, so a recipient with a UTF-8 local
# part is asked about in a transaction declared SMTPUTF8 and refused as
# unknown (5.1.1), not for want of the declaration (553 5.6.7).
drow domain.idn 0 例子.test "${R[@]}" -p "$PF_OK" \
    --rcpt-reject 用户@test.example
expect status ok
expect value target 例子\.test
expect value name xn--fsqu00a\.test
expect value name_unicode 例子\.test
expect value dns.mx.0.host mx.test.example
expect value dns.spf 'v=spf1 ip4:127\.0\.0\.1 -all'
expect value dns.dmarc_domain xn--fsqu00a.test
expect no-finding dns.nxdomain
expect no-finding smtp.smtputf8.missing
expect phase mail --command '^MAIL FROM:<> SMTPUTF8$' --reply 250
expect phase rcpt --command '^RCPT TO:<\?@test\.example>$' --reply 550 \
    --enhanced 5.1.1
expect max-severity info
end_row

# Typed with A-labels: the same name, its U-labels shown.
drow domain.idn.a-label 0 XN--FSQU00A.test. "${R[@]}" --dns-only
expect value name xn--fsqu00a\.test
expect value name_unicode 例子\.test
expect value dns.spf 'v=spf1 ip4:127\.0\.0\.1 -all'
end_row

# The human report shows both forms.
row_raw domain.idn.human 0 check "${R[@]}" --dns-only 例子.test
expect_grep '^smtprobe check 例子\.test \(xn--fsqu00a\.test\): ok'
expect_grep '^DNS xn--fsqu00a\.test = 例子\.test '
end_row

# A name IDNA refuses is a usage error that says why; nothing is asked.
row_raw domain.idn.invalid 3 check "${R[@]}" --dns-only 例子-.test
expect_stderr '"例子-\.test" is not a domain name: string start/ends with forbidden hyphen'
end_row

# --- DKIM --------------------------------------------------------------------

drow domain.dkim.missing 2 test.example "${R[@]}" --dns-only \
    --dkim-selector nosuch
expect finding dkim.missing --layer dns --severity crit \
    --evidence 'nosuch\._domainkey\.test\.example: no TXT record'
expect value dns.dkim.nosuch null
end_row

drow domain.dkim.syntax 2 test.example "${R[@]}" --dns-only \
    --dkim-selector broken
expect finding dkim.syntax --layer dns --severity crit \
    --evidence 'broken\._domainkey\.test\.example.*p='
end_row

drow domain.dkim.revoked 1 test.example "${R[@]}" --dns-only \
    --dkim-selector revoked
expect finding dkim.revoked --layer dns --severity warn \
    --evidence 'revoked\._domainkey\.test\.example: p="": the key is revoked'
expect max-severity warn
end_row

# RFC 8301 3.2: verifiers refuse RSA keys under 1024 bits (crit);
# under 2048 is a warning (smtprobe-findings(7))
drow domain.dkim.weak-key.512 2 test.example "${R[@]}" --dns-only \
    --dkim-selector weak512
expect finding dkim.weak-key --layer dns --severity crit \
    --evidence 'weak512\._domainkey.*512-bit RSA key; verifiers refuse'
end_row

drow domain.dkim.weak-key.1024 1 test.example "${R[@]}" --dns-only \
    --dkim-selector weak1024
expect finding dkim.weak-key --layer dns --severity warn \
    --evidence 'weak1024\._domainkey.*1024-bit RSA key, under 2048 bits'
expect max-severity warn
end_row

drow domain.dkim.weak-key.1536 1 test.example "${R[@]}" --dns-only \
    --dkim-selector weak1536
expect finding dkim.weak-key --layer dns --severity warn \
    --evidence 'weak1536\._domainkey.*1536-bit RSA key'
expect max-severity warn
end_row

drow domain.dkim.testing 0 test.example "${R[@]}" --dns-only \
    --dkim-key "testing=$K/good.pem"
expect finding dkim.testing --layer dns --severity info \
    --evidence 'testing\._domainkey\.test\.example: t=y'
expect no-finding dkim.key-mismatch
expect max-severity info
end_row

drow domain.dkim.key-mismatch 2 test.example "${R[@]}" --dns-only \
    --dkim-key "good=$K/other.pem"
expect finding dkim.key-mismatch --layer dns --severity crit \
    --evidence 'good\._domainkey\.test\.example: p: the 2048-bit RSA key in DNS is not the public half'
end_row

# The public key is compared like the private one: equal is OK, another
# key is a mismatch.
drow domain.dkim.key-public 0 test.example "${R[@]}" --dns-only \
    --dkim-key "good=$K/good.pub"
expect no-finding dkim.key-mismatch
expect max-severity info
end_row

drow domain.dkim.key-mismatch.public 2 test.example "${R[@]}" --dns-only \
    --dkim-key "good=$K/other.pub"
expect finding dkim.key-mismatch --layer dns --severity crit \
    --evidence 'good\._domainkey\.test\.example: p: the 2048-bit RSA key in DNS is not the public half of the 2048-bit RSA signing key'
end_row

# A file that holds no key the comparison can use is a usage error
# (exit 3), never an OK without the comparison.
row_raw domain.dkim.key-unreadable.certificate 3 check --json test.example \
    "${R[@]}" --dns-only --dkim-key "good=$CA"
expect_stderr "^smtprobe: --dkim-key: $CA: no PEM key in it \(a public key starts \"-----BEGIN PUBLIC KEY-----\"\)"
end_row

row_raw domain.dkim.key-unreadable.encrypted 3 check --json test.example \
    "${R[@]}" --dns-only --dkim-key "good=$K/good-encrypted.pem"
expect_stderr "^smtprobe: --dkim-key: $K/good-encrypted\.pem: an encrypted private key: no passphrase is asked for; a public key is enough"
end_row

# --- MTA-STS ------------------------------------------------------------------

drow domain.mtasts.syntax 2 stssyntax.$B "${R[@]}" --dns-only
expect finding mtasts.syntax --layer dns --severity crit \
    --evidence 'id="not_an-id!": must be 1 to 32 letters and digits'
expect value dns.mta_sts_policy null
end_row

drow domain.mtasts.policy-fetch.no-address 2 stsnoaddr.$B "${R[@]}" \
    --dns-only
expect finding mtasts.policy-fetch --layer dns --severity crit \
    --evidence 'mta-sts\.stsnoaddr\.bad\.example has no address'
end_row

drow domain.mtasts.policy-fetch.no-server 2 stsnosrv.$B "${R[@]}" --dns-only
expect finding mtasts.policy-fetch --layer dns --severity crit \
    --evidence 'https://mta-sts\.stsnosrv\.bad\.example/\.well-known/mta-sts\.txt: .*(refused|failed)'
expect value dns.mta_sts_policy null
end_row

drow domain.mtasts.policy-fetch.bad-cert 2 stsbadcert.$B "${R[@]}" --dns-only
expect finding mtasts.policy-fetch --layer dns --severity crit \
    --evidence 'certificate of mta-sts\.stsbadcert\.bad\.example not valid.*name does not match'
expect value dns.mta_sts_policy null
end_row

drow domain.mtasts.policy-fetch.untrusted 2 test.example "${N[@]}" \
    --allow-private --mta-sts-port "$P_HTTPS" --dns-only
expect finding mtasts.policy-fetch --layer dns --severity crit \
    --evidence 'certificate of mta-sts\.test\.example not valid'
end_row

drow domain.mtasts.policy-fetch.404 2 stsnofile.$B "${R[@]}" --dns-only
expect finding mtasts.policy-fetch --layer dns --severity crit \
    --evidence 'HTTP status 404'
end_row

drow domain.mtasts.policy-syntax 2 stspolsyntax.$B "${R[@]}" --dns-only
expect finding mtasts.policy-syntax --layer dns --severity crit \
    --evidence 'line 2: "mode: sometimes": mode must be enforce, testing or none'
end_row

drow domain.mtasts.mx-mismatch 2 stsmxmis.$B "${R[@]}" --dns-only
expect finding mtasts.mx-mismatch --layer dns --severity crit \
    --evidence 'MX mx\.test\.example matches no mx pattern \(mail\.elsewhere\.example\); mode enforce'
expect value dns.mta_sts_policy.mode enforce
end_row

drow domain.mtasts.testing 0 ststesting.$B "${R[@]}" -p "$PF_OK"
expect finding mtasts.testing --layer dns --severity info \
    --evidence 'mode: testing'
expect value dns.mta_sts_policy.mode testing
expect session --outcome ok --count 1
expect max-severity info
end_row

# MTA-STS enforce: a certificate without the MX name fails delivery
# (RFC 8461 5), where without a policy it is only a warning.
drow domain.mtasts.enforce.wrong-name 2 stsenf.$B "${R[@]}" \
    -p "$PF_WRONGNAME"
# the sessions do not wait for the policy: the finding is made crit after
expect finding tls.cert.hostname --layer tls --severity crit \
    --port "$PF_WRONGNAME" --evidence 'other\.example.*does not name mx\.test\.example.*MTA-STS policy in enforce mode'
expect value dns.mta_sts_policy.mode enforce
end_row

# MTA-STS enforce and an MX of TLS 1.0/1.1 only: senders on OpenSSL 3
# complete no handshake and may not fall back to plain text (RFC 8461 5)
drow domain.mtasts.enforce.tls-old 2 stsenf.$B "${R[@]}" -p "$P_TLSOLD"
expect finding tls.protocol.old --layer tls --severity crit \
    --port "$P_TLSOLD" --evidence 'negotiated TLSv1(\.1)? .*MTA-STS policy in enforce mode'
expect value dns.mta_sts_policy.mode enforce
end_row
drow domain.mtasts.none.tls-old 1 base.$B "${R[@]}" -p "$P_TLSOLD"
expect finding tls.protocol.old --layer tls --severity warn --port "$P_TLSOLD"
end_row

drow domain.mtasts.none.wrong-name 1 base.$B "${R[@]}" -p "$PF_WRONGNAME"
expect finding tls.cert.hostname --layer tls --severity warn \
    --evidence 'other\.example'
expect value dns.mta_sts_policy null
end_row

# --- TLS-RPT -------------------------------------------------------------------

drow domain.tlsrpt.none 0 tlsrptnone.$B "${R[@]}" --dns-only
expect finding tlsrpt.none --layer dns --severity info \
    --evidence '_smtp\._tls\.tlsrptnone\.bad\.example'
expect value dns.tls_rpt null
end_row

drow domain.tlsrpt.syntax 1 tlsrptsyntax.$B "${R[@]}" --dns-only
expect finding tlsrpt.syntax --layer dns --severity warn \
    --evidence 'ftp://reports\.bad\.example/'
expect max-severity warn
end_row

# --- DANE without DNSSEC -----------------------------------------------------

drow domain.dane.insecure 1 daneinsecure.$B "${R[@]}" -p "$PF_OK"
expect finding dane.insecure --layer dns --severity warn --port "$PF_OK" \
    --evidence "1 TLSA record\\(s\\) at _${PF_OK}\\._tcp\\.mxtlsa\\.bad\\.example without the AD bit"
expect value dns.mx.0.tlsa.0.secure false
expect value dns.mx.0.tlsa.0.records.0.data "$DIGEST"
# the records are not used: PKIX decides (the name does not match)
expect no-finding dane.mismatch
expect finding tls.cert.hostname --severity warn
end_row

drow domain.dane.insecure.required 2 daneinsecure.$B "${R[@]}" -p "$PF_OK" \
    --tls dane
expect finding dane.insecure --layer dns --severity crit --port "$PF_OK" \
    --evidence 'without the AD bit'
end_row

# --- blocklists ----------------------------------------------------------------

drow domain.dnsbl.listed 2 test.example "${R[@]}" --dns-only \
    --dnsbl listed.bl.example
expect finding dnsbl.listed --layer dns --severity crit --addr 127.0.0.1 \
    --count 1 --evidence '127\.0\.0\.1 is listed on listed\.bl\.example \(127\.0\.0\.2\): listed for testing, see https://bl\.example/127\.0\.0\.1'
expect value dns.mx.0.addrs.0.dnsbl_listings 1
expect value dns.mx.1.addrs.0.dnsbl_listings 0
end_row

drow domain.dnsbl.zone-error.code 1 test.example "${R[@]}" --dns-only \
    --dnsbl errcode.bl.example
expect finding dnsbl.zone-error --layer dns --severity warn --addr 127.0.0.1 \
    --evidence 'errcode\.bl\.example answered 127\.255\.255\.254 for 127\.0\.0\.1'
expect no-finding dnsbl.listed
expect max-severity warn
end_row

drow domain.dnsbl.zone-error.outside-127 1 test.example "${R[@]}" --dns-only \
    --dnsbl hijack.bl.example
expect finding dnsbl.zone-error --layer dns --severity warn --addr 127.0.0.1 \
    --evidence 'hijack\.bl\.example answered 192\.0\.2\.1 for 127\.0\.0\.1'
expect no-finding dnsbl.listed
end_row

# A sending address audited alone (what smtprobe explain suggests for a
# refusal of the client): its PTR, forward confirmation and blocklists,
# no MX, no session
drow domain.dnsbl.address 2 127.0.0.1 "${R[@]}" --dns-only \
    --dnsbl listed.bl.example
expect finding dnsbl.listed --layer dns --severity crit --addr 127.0.0.1 \
    --count 1 --evidence '127\.0\.0\.1 is listed on listed\.bl\.example \(127\.0\.0\.2\)'
expect value dns.host_mode true
expect value dns.mx.0.addrs.0.ptr mx.test.example
expect value dns.mx.0.addrs.0.fcrdns true
expect no-finding ptr.missing
expect session --count 0
end_row
drow domain.dnsbl.address.no-ptr 1 -H 127.0.0.3 "${R[@]}" \
    --dns-only --dnsbl listed.bl.example
expect finding ptr.missing --addr 127.0.0.3
expect no-finding dnsbl.listed
expect session --count 0
end_row

# --- IPv6 in domain mode --------------------------------------------------------

# v6mx has A 127.0.0.1 and AAAA ::1; Postfix listens on IPv4 only.
drow domain.net.ipv6.broken 2 v6.$B "${R[@]}" -p "$PF_OK"
expect finding net.ipv6.broken --layer net --severity warn --count 1 \
    --port "$PF_OK" --evidence '::1'
expect finding net.connect.refused --addr ::1 --evidence refused
expect session --addr 127.0.0.1 --outcome ok --count 1
expect session --addr ::1 --outcome net --count 1
end_row

# --- DNSSEC: signed zone, validating resolver ----------------------------------

U=(--resolver "$UB_ADDR" --allow-private --helo probe.test.example)

qrow domain.dnssec.ad-set -s "$UB_ADDR" sec.example SOA
qhas '^status=OK name=sec\.example\. .* ad=1 '
AD_OK=$([ ${#ROW_WHY[@]} = 0 ] && echo 1)
end_row

qrow domain.dnssec.ad-unsigned -s "$UB_ADDR" test.example SOA
qhas '^status=OK name=test\.example\. .* ad=0 '
end_row

qrow domain.dnssec.tlsa-secure -s "$UB_ADDR" "_$PF_OK._tcp.mx.sec.example" TLSA
qhas '^status=OK .* ad=1 '
qhas "^rr=_$PF_OK\\._tcp\\.mx\\.sec\\.example\\..*TLSA[[:space:]]+3 1 1 $DIGEST\$"
end_row

# What follows relies on unbound validating: say so once if it does not.
if [ "${AD_OK:-}" != 1 ]; then
	fail domain.dnssec.dane "not run: unbound sets no AD bit for the signed zone"
	exit 1
fi

# DANE-EE alone authenticates the server: no --ca-file (the test CA is
# not trusted), the certificate's name is not the MX name.
drow domain.dnssec.dane.pass 0 sec.example "${U[@]}" -p "$PF_OK" --tls dane
expect value dns.mx.0.tlsa.0.secure true
expect value dns.mx.0.tlsa.0.records.0.data "$DIGEST"
expect session --outcome ok --count 1
expect tls --verified true --hostname-ok true
expect no-finding dane.mismatch
expect no-finding dane.insecure
expect no-finding tls.cert.untrusted
expect status ok
end_row

# DANE-EE ignores the certificate's dates (RFC 7672 3.1.1): expired is
# reported, as a warning, and the session goes on.
drow domain.dnssec.dane.ee-expired 1 expiredee.sec.example "${U[@]}" \
    -p "$PF_EXPIRED" --tls dane
expect finding tls.cert.expired --layer tls --severity warn \
    --evidence 'subject=CN=mx\.test\.example; a DANE-EE\(3\) TLSA record authenticates it'
expect tls --verified true
expect session --outcome ok --count 1
expect no-finding dane.mismatch
expect no-finding tls.cert.untrusted
end_row

drow domain.dnssec.dane.mismatch 2 wrongtlsa.sec.example "${U[@]}" \
    -p "$PF_OK" --ca-file "$CA"
expect value dns.mx.0.tlsa.0.secure true
expect finding dane.mismatch --layer dns --severity crit --port "$PF_OK" \
    --evidence 'none of 1 usable TLSA record\(s\) matches the chain of subject=.*mx\.test\.example'
expect finding dane.mismatch \
    --evidence "\\(1 certificate sent\\); the server's key matches \"3 1 1 $DIGEST\"\$"
expect session --outcome tls --count 1
expect tls --verified false
end_row

drow domain.dnssec.dane.required-no-tlsa 2 notlsa.sec.example "${U[@]}" \
    -p "$PF_OK" --tls dane --ca-file "$CA"
expect finding dane.insecure --layer dns --severity crit --port "$PF_OK" \
    --evidence "TLS policy dane: no DNSSEC-validated TLSA at _${PF_OK}\\._tcp\\.mxn\\.sec\\.example"
expect no-finding dane.mismatch
end_row

# A signed zone whose trust anchor is another key's DS: the validator
# answers SERVFAIL, as for a broken chain of trust in the wild.
qrow domain.dnssec.bogus-servfail -s "$UB_ADDR" bogus.example MX
qhas '^status=SERVFAIL name=bogus\.example\. .* rcode=2 '
end_row

drow domain.dnssec.bogus 2 bogus.example "${U[@]}" --dns-only
expect finding dns.servfail --layer dns --severity crit \
    --evidence '^MX: name=bogus\.example\.? type=MX status=SERVFAIL '
expect value dns.mx_status SERVFAIL
end_row

# --- smtprobed: a cached MTA-STS enforce policy in minimal runs ----------
# The daemon fetches the policy in full runs only (dns-interval); the
# runs in between must still treat the wrong-name certificate as a
# sender following the cached policy would: crit, not warn.
SMTPROBED=${SMTPROBED:-$T_TOP/probe/smtprobed}
D_SOCK=$T_DIR/stsd.sock
mkdir -p "$T_DIR/stsd"
cat >"$T_DIR/stsd.conf" <<EOC
[daemon]
state-dir = $T_DIR/stsd
control-socket = $D_SOCK
interval = 1s
dns-interval = 1h
jitter = 0
host-spacing = 0
resolver = $NSD_ADDR
[defaults]
ca-file = $CA
helo = probe.test.example
allow-private = yes
mta-sts-port = $P_HTTPS
[domain stsenf.$B]
ports = $PF_WRONGNAME
EOC
t_bg stsd "$SMTPROBED" -d -f "$T_DIR/stsd.conf"
STSD_PID=$T_BG_PID
ROW_CMD="smtprobed -d -f $T_DIR/stsd.conf; smtprobe show domain:stsenf.$B --json"
# the first run is full, then minimal ones: wait for one of those
n=0
while [ $n -lt 150 ]; do
	"$SMTPROBE" show "domain:stsenf.$B" --json -s "$D_SOCK" \
	    >"$T_DIR/stsd-show.json" 2>"$T_DIR/stsd-show.err" &&
	python3 - "$T_DIR/stsd-show.json" <<'EOP' && break
import json, sys
d = json.load(open(sys.argv[1]))
last = d.get("last") or {}
sys.exit(0 if last.get("full_audit") is False else 1)
EOP
	sleep 0.1
	n=$((n + 1))
done
if why=$(python3 - "$T_DIR/stsd-show.json" 2>&1 <<'EOP'
import json, sys
d = json.load(open(sys.argv[1]))
last = d.get("last") or {}
if last.get("full_audit") is not False:
    sys.exit("no minimal run yet: %s" % json.dumps(last)[:300])
f = [x for x in last.get("findings", []) if x.get("id") == "tls.cert.hostname"]
if not f:
    sys.exit("a minimal run without tls.cert.hostname: %s" %
             json.dumps(last.get("findings"))[:300])
if f[0].get("severity") != "crit":
    sys.exit("tls.cert.hostname is %s in a minimal run, expected crit "
             "(cached enforce policy)" % f[0].get("severity"))
if "MTA-STS policy in enforce mode" not in (f[0].get("evidence") or ""):
    sys.exit("evidence does not name the policy: %s" % f[0].get("evidence"))
EOP
); then
	pass domain.daemon.mtasts-cached-enforce
else
	fail domain.daemon.mtasts-cached-enforce "$why"
fi
ROW_CMD=
kill -TERM "$STSD_PID" 2>/dev/null

# --- smtprobed: its own dkim-key, and dns.changed --------------------------
# A daemon watching changes.example: every run a full audit (dns-interval
# 1 s, records with TTL 1 s). It reads two signing keys from its own
# configuration: good's is the key in DNS, stale's is not. Then a record
# changes: the first audit to see it says dns.changed, once.
CHG_SOCK=$T_DIR/chgd.sock
CHG=domain:changes.example
mkdir -p "$T_DIR/chgd"
cat >"$T_DIR/chgd.conf" <<EOC
[daemon]
state-dir = $T_DIR/chgd
control-socket = $CHG_SOCK
interval = 1s
dns-interval = 1s
jitter = 0
host-spacing = 0
resolver = $NSD_ADDR
[defaults]
ca-file = $CA
helo = probe.test.example
allow-private = yes
[domain changes.example]
ports = $PF_OK
dkim-key = good=$K/good.pem
dkim-key = stale=$K/other.pem
EOC
t_bg chgd "$SMTPROBED" -d -f "$T_DIR/chgd.conf"
CHGD_PID=$T_BG_PID
T_SHOW_LOGS+=("$T_DIR/chgd.log")

# chg_run AFTER: wait (15 s at most) for a full run that started after
# AFTER (unix seconds); its "show" reply in $T_DIR/chg-show.json, its
# start in CHG_AT. 1 when none came.
chg_run() {
	local n=0
	CHG_AT=
	while [ $n -lt 150 ]; do
		if "$SMTPROBE" show "$CHG" --json -s "$CHG_SOCK" \
		    >"$T_DIR/chg-show.json" 2>/dev/null; then
			CHG_AT=$(python3 - "$T_DIR/chg-show.json" "$1" <<'EOP'
import json, sys
last = json.load(open(sys.argv[1])).get("last") or {}
if last.get("full_audit") and last.get("at", 0) > int(sys.argv[2]):
    print(last["at"])
EOP
)
			[ -n "$CHG_AT" ] && return 0
		fi
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}
CTLQ="python3 $T_LIB/ctlq.py"

# chg_check NAME CTLQ-CHECKS...: one row on the last "show" reply.
chg_check() {
	local name=$1 out
	shift
	ROW_CMD="smtprobed -d -f chgd.conf; smtprobe show $CHG --json"
	ROW_OUT=$T_DIR/chg-show.json
	if [ -z "$CHG_AT" ]; then
		fail "$name" "no full run of $CHG within 15 s"
	elif out=$($CTLQ "$ROW_OUT" "$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$out"
	fi
	cp "$ROW_OUT" "$T_DIR/$name.json"
	ROW_CMD=
	ROW_OUT=
}

chg_run 0
chg_check domain.daemon.dkim-key \
    some 0.last.findings id=dkim\.key-mismatch layer=dns severity=crit \
    'evidence=stale\._domainkey\.changes\.example: p: the 2048-bit RSA key in DNS is not the public half of the 2048-bit RSA signing key.*' \
    :: none 0.last.findings 'evidence=good\._domainkey.*' \
    :: none 0.last.findings id=dns\.changed

# Two more audits of the same records, then a record changes; two audits
# after the old answers expired (TTL 1 s), the store holds every audit
# and its findings: dns.changed in exactly one audit, the first to see
# the new record, none before it or after it.
chg_run "$CHG_AT"
chg_run "$CHG_AT"
T_HUP=$(date +%s)
chg_zone 2 "v=spf1 ip4:127.0.0.1 ip4:127.0.0.2 -all"
kill -HUP "$NSD_PID"
n=0
until "$DNSQ" -C -s "$NSD_ADDR" changes.example TXT 2>/dev/null |
    grep -q 'ip4:127\.0\.0\.2' || [ $n -ge 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ $n -ge 100 ] && fail domain.daemon.dns.reload "NSD did not serve the new zone"
T_CHG=$(date +%s)
chg_run $((T_CHG + 1))
chg_run "$CHG_AT"
n=0
until "$SMTPROBE" status --json -s "$CHG_SOCK" 2>/dev/null |
    grep -q '"queued":0[,}]' || [ $n -ge 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
ROW_CMD="smtprobed -d -f chgd.conf; the audits table of its store"
if why=$(python3 - "$T_DIR/chgd/smtprobed.db" "$T_HUP" "$CHG_AT" <<'EOP' 2>&1
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
t_hup, t_last = int(sys.argv[2]), int(sys.argv[3])
rows = db.execute(
    "SELECT a.id, a.at, f.layer, f.severity, f.evidence FROM audits a"
    " LEFT JOIN findings f ON f.audit_id = a.id AND f.finding = 'dns.changed'"
    " WHERE a.target = 'domain:changes.example' ORDER BY a.id").fetchall()
hit = [i for i, r in enumerate(rows) if r[2] is not None]
seen = " ".join("%d%s" % (r[1], "*" if r[2] else "") for r in rows)
if len(hit) != 1:
    sys.exit("%d audits with dns.changed, 1 expected (audits: %s)" %
             (len(hit), seen))
i = hit[0]
a_id, at, layer, sev, ev = rows[i]
if at < t_hup or i < 3:
    sys.exit("dns.changed in the audit at %d, before the change at %d "
             "(audits: %s)" % (at, t_hup, seen))
if rows[-1][1] < t_last or i == len(rows) - 1:
    sys.exit("no audit after the one that saw the change (audits: %s)" % seen)
want = "the DNS records of changes.example differ from the previous audit"
if (layer, sev, ev) != ("dns", "info", want):
    sys.exit("dns.changed is %s/%s %r" % (layer, sev, ev))
EOP
); then
	pass domain.daemon.dns.changed
else
	fail domain.daemon.dns.changed "$why"
fi
ROW_CMD=
kill -TERM "$CHGD_PID" 2>/dev/null
