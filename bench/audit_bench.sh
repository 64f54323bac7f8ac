#!/usr/bin/env bash
# audit_bench.sh - the wall time of one domain check (DNS audit + a
# session probe to each of 2 MX x 2 addresses) against the slowest
# single session probe of the same addresses, measured in the same run.
# By hand, not by CI. See bench/README.md.
#
#	bench/audit_bench.sh [-n ROUNDS] [-w WARMUP]
#
# Budget: the check of the domain without MTA-STS <= 1.5 x the same
# four sessions at once without DNS (medians, in-process): the audit runs
# beside the sessions. Against the slowest single probe it is shown, not
# judged: on loopback four sessions on two CPUs cost about four times
# one. The same through the smtprobe command is shown too (process
# start-up is most of both sides).
#
# Servers, all on loopback, all private to the run and stopped by PID:
#   - Postfix (tests/lib/postfix.sh) with four extra listeners on one
#     port: 127.0.0.1 and 127.0.0.2 as mx1.bench.example, 127.0.0.3 and
#     127.0.0.4 as mx2.bench.example, each with its certificate from a
#     throw-away CA (tests/lib/ca.sh);
#   - NSD (tests/lib/nsd.sh) serving bench.example: MX 10 mx1, MX 20 mx2,
#     two A records each, SPF (mx), DMARC p=reject, DKIM (selector sel1,
#     RSA 2048), MTA-STS TXT, TLS-RPT, and the PTRs of 127.0.0.1-4
#     (forward-confirmed); nosts.bench.example is the same without
#     MTA-STS (a diagnostic row: how much the policy fetch costs);
#   - tests/lib/httpsd.py serving the MTA-STS policy (enforce, both MX)
#     for mta-sts.bench.example.
#
# Two measurements:
#   in-process	bench/out/audit_bench: check_start() on one loop, the
#		full check with a fresh (cold) resolver each round, the
#		singles as `smtprobe check --addr` runs them; rounds
#		alternate which goes first. A second baseline: the four
#		addresses probed at once without DNS (what this machine
#		allows for the sessions alone: on loopback they are CPU
#		bound, client and Postfix sharing the CPUs);
#   process	the smtprobe command itself, wall time of each run
#		(process start-up, CA loading and output included):
#		`smtprobe check DOMAIN` vs `smtprobe check --tls verify
#		--addr ADDR HOST` for each address.
#
# AB_WRAP, when set, is a command the in-process driver runs under
# (e.g. AB_WRAP="perf record -g -o /tmp/audit.perf" for a profile).
#
# Needs root, postfix, nsd, openssl, python3 and tests/tools/dnsq. Run
# "make" at the top first. Output: bench/out/audit/ (results.txt,
# samples), the report on stdout and in bench/results/ (bench/lib.sh),
# PASS/FAIL per budget.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
N=${N:-20}
W=${W:-3}
while getopts "n:w:" opt; do
	case $opt in
	n)	N=$OPTARG ;;
	w)	W=$OPTARG ;;
	*)	echo "usage: bench/audit_bench.sh [-n rounds] [-w warmup]" >&2
		exit 2 ;;
	esac
done
. "$TOP/tests/lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"
. "$T_LIB/nsd.sh"
. "$BENCH/lib.sh"

if [ ! -f "$TOP/lib/libsmtprobe.a" ] || [ ! -x "$TOP/probe/smtprobe" ] ||
    [ ! -x "$TOP/tests/tools/dnsq" ]; then
	echo "bench: run make (and make tests/tools/dnsq) at the top first" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (Postfix, NSD)" >&2
	exit 1
fi
for c in postfix nsd openssl python3; do
	command -v "$c" >/dev/null ||
	    { echo "bench: $c not found" >&2; exit 1; }
done
make -s -C "$BENCH" out/audit_bench || exit 1

t_init audit-bench
bench_begin audit_bench "$@"
OUT=$BENCH/out/audit
RES=$OUT/results.txt
rm -rf "$OUT"
mkdir -p "$OUT/samples"
: >"$RES"
T0=$(date +%s)
note() {
	echo "# [$(( $(date +%s) - T0 ))s] $*"
}
setup_fail() {
	fail audit-bench.setup "$*"
	exit 1
}

# --- certificates, DKIM key ---------------------------------------------

note "test CA, certificates, DKIM key"
C=$T_DIR/ca
{
	ca_all "$C" &&
	ca_cert "$C" mx1 valid mx1.bench.example &&
	ca_cert "$C" mx2 valid mx2.bench.example &&
	ca_cert "$C" sts valid mta-sts.bench.example &&
	openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$T_DIR/dkim.pem"
} >"$T_DIR/certs.log" 2>&1 || { T_SHOW_LOGS+=("$T_DIR/certs.log");
    setup_fail "openssl failed"; }
CA=$C/ca.crt

# --- ports ------------------------------------------------------------

mapfile -t PORTS < <(free_ports 3)
P_NSD=${PORTS[0]}
P_HTTPS=${PORTS[1]}
P_MX=${PORTS[2]}

# --- Postfix: four MX addresses on one port -------------------------------

note "private Postfix: 127.0.0.1-4:$P_MX"
pf_setup "$T_DIR/pf" "$C" || setup_fail "pf_setup failed"
# in_flow_delay: see bench/run.sh (a 1 s pause at RCPT without it)
echo "in_flow_delay = 0s" >>"$PF_CONF/main.cf"
for i in 1 2 3 4; do
	h=mx$(( (i + 1) / 2 ))
	echo "127.0.0.$i:$P_MX	inet n - n - - smtpd" \
	    "-o myhostname=$h.bench.example" \
	    "-o smtpd_tls_cert_file=$PF_DIR/certs/$h.crt" \
	    "-o smtpd_tls_key_file=$PF_DIR/certs/$h.key" >>"$PF_CONF/master.cf"
done
pf_start 2>"$T_DIR/pf-start.log" ||
    { T_SHOW_LOGS+=("$T_DIR/pf-start.log"); setup_fail "Postfix did not start"; }
for i in 1 2 3 4; do
	wait_port "127.0.0.$i" "$P_MX" 10 ||
	    setup_fail "postfix: nothing listens on 127.0.0.$i:$P_MX"
done

# --- zones and NSD ------------------------------------------------------

note "NSD on 127.0.0.1:$P_NSD"
Z=$T_DIR/zones
mkdir -p "$Z"
txt() {		# TXT rdata in character-strings of at most 255 bytes
	local s=$1 out=
	while [ ${#s} -gt 255 ]; do
		out+="\"${s:0:255}\" "
		s=${s:255}
	done
	printf '%s"%s"' "$out" "$s"
}
soa() {
	# shellcheck disable=SC2016
	printf '$ORIGIN %s.\n$TTL 300\n' "$1"
	printf '@\tSOA\tns.bench.example. hostmaster.bench.example. 1 3600 900 604800 60\n'
	printf '@\tNS\tns.bench.example.\n'
}
DKIM_P=$(openssl pkey -in "$T_DIR/dkim.pem" -pubout -outform DER | base64 -w0)
{
	soa bench.example
	cat <<EOF
ns		A	127.0.0.1
mx1		A	127.0.0.1
mx1		A	127.0.0.2
mx2		A	127.0.0.3
mx2		A	127.0.0.4
mta-sts		A	127.0.0.1
EOF
	for d in @ nosts; do
		cat <<EOF
$d		MX	10 mx1.bench.example.
$d		MX	20 mx2.bench.example.
$d		TXT	"v=spf1 mx -all"
EOF
		s=${d#@}; s=${s:+.$s}
		cat <<EOF
_dmarc$s	TXT	"v=DMARC1; p=reject; rua=mailto:dmarc@bench.example"
_smtp._tls$s	TXT	"v=TLSRPTv1; rua=mailto:tls@bench.example"
sel1._domainkey$s	TXT	$(txt "v=DKIM1; k=rsa; p=$DKIM_P")
EOF
	done
	printf '_mta-sts\tTXT\t"v=STSv1; id=20240101"\n'
} >"$Z/bench.example.zone"
{
	soa 127.in-addr.arpa
	printf '1.0.0\tPTR\tmx1.bench.example.\n2.0.0\tPTR\tmx1.bench.example.\n'
	printf '3.0.0\tPTR\tmx2.bench.example.\n4.0.0\tPTR\tmx2.bench.example.\n'
} >"$Z/127.in-addr.arpa.zone"
nsd_setup "$T_DIR/nsd" "$P_NSD" || setup_fail "nsd_setup failed"
nsd_zone bench.example "$Z/bench.example.zone"
nsd_zone 127.in-addr.arpa "$Z/127.in-addr.arpa.zone"
nsd_start 2>"$T_DIR/nsd-start.log" ||
    { T_SHOW_LOGS+=("$T_DIR/nsd-start.log"); setup_fail "NSD did not start"; }

# --- MTA-STS policy server ------------------------------------------------

note "MTA-STS policy on 127.0.0.1:$P_HTTPS"
mkdir -p "$T_DIR/www"
printf 'version: STSv1\nmode: enforce\nmx: mx1.bench.example\nmx: mx2.bench.example\nmax_age: 86400\n' \
    >"$T_DIR/www/mta-sts.bench.example"
t_bg httpsd python3 "$T_LIB/httpsd.py" --port "$P_HTTPS" --root "$T_DIR/www" \
    --default "$C/sts.crt,$C/sts.key" --ready "$T_DIR/httpsd.ready"
wait_file "$T_DIR/httpsd.ready" 10 || setup_fail "httpsd did not start"

# --- sanity: the healthy domain is healthy ----------------------------------

FULL=("$TOP/probe/smtprobe" check --json --resolver "127.0.0.1:$P_NSD"
    --allow-private --ca-file "$CA" --mta-sts-port "$P_HTTPS"
    --dkim-selector sel1 --helo bench.example -p "$P_MX")
single() {	# single ADDR HOST: the command of one single probe
	S=("$TOP/probe/smtprobe" check --json --tls verify --ca-file "$CA"
	    --helo bench.example -p "$P_MX" --addr "$1" "$2")
}
ADDRS=(127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4)
HOSTS=(mx1.bench.example mx1.bench.example mx2.bench.example mx2.bench.example)

note "sanity: smtprobe check bench.example"
"${FULL[@]}" bench.example >"$OUT/full.json" 2>"$T_DIR/full.err"
rc=$?
python3 - "$OUT/full.json" >"$T_DIR/sanity.txt" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print("status", d.get("status"))
sess = d.get("sessions") or []
print("sessions", len(sess))
for s in sess:
    print("session", s.get("addr"), s.get("host"), s.get("outcome"),
          (s.get("tls") or {}).get("verified"))
for f in d.get("findings") or []:
    print("finding", f.get("id"), f.get("severity"), f.get("evidence"))
EOF
cat "$T_DIR/sanity.txt" | sed 's/^/#   /'
if [ "$rc" -ne 0 ] || ! grep -q '^sessions 4$' "$T_DIR/sanity.txt"; then
	T_SHOW_LOGS+=("$T_DIR/full.err" "$OUT/full.json")
	setup_fail "smtprobe check bench.example: exit $rc, expected 0 and 4 sessions"
fi

# --- in-process ------------------------------------------------------------

AB=("$BENCH/out/audit_bench" -s "127.0.0.1:$P_NSD" -c "$CA" -p "$P_MX"
    -m "$P_HTTPS" -k sel1 -n "$N" -w "$W" -S "$OUT/samples")
for i in 0 1 2 3; do
	AB+=(-a "${HOSTS[$i]}=${ADDRS[$i]}")
done
note "in-process: $W warm-up + $N rounds (full check of bench.example and" \
    "nosts.bench.example, 4 singles)"
# AB_WRAP: a command to run it under, e.g. "perf record -g -o FILE"
${AB_WRAP:-} "${AB[@]}" bench.example nosts.bench.example \
    2>"$T_DIR/audit_bench.err" |
    sed 's/^/inproc./' >>"$RES"
[ "${PIPESTATUS[0]}" = 0 ] || echo "inproc.failed=1" >>"$RES"

# --- the smtprobe command ---------------------------------------------------

# timed TAG CMD...: run CMD, append its wall time (ms) to samples/TAG.txt
timed() {
	local tag=$1 t0 t1 rc
	shift
	t0=${EPOCHREALTIME/./}
	"$@" >"$T_DIR/cli.out" 2>>"$T_DIR/cli.err"
	rc=$?
	t1=${EPOCHREALTIME/./}
	echo "$(( (t1 - t0) / 1000 )).$(( (t1 - t0) % 1000 / 100 ))" \
	    >>"$OUT/samples/cli.$tag.txt"
	[ "$rc" = 0 ] || echo "cli.$tag.failed=$rc" >>"$RES"
	LAST_MS=$(( (t1 - t0) / 1000 ))
}
note "process: $W warm-up + $N rounds of smtprobe check (full, 4 singles)"
for ((r = -W; r < N; r++)); do
	max=0
	run_full() {
		timed full "${FULL[@]}" bench.example
		full=$LAST_MS
	}
	[ $((r & 1)) = 0 ] && run_full
	for i in 0 1 2 3; do
		single "${ADDRS[$i]}" "${HOSTS[$i]}"
		timed "single.${ADDRS[$i]}" "${S[@]}"
		[ "$LAST_MS" -gt "$max" ] && max=$LAST_MS
	done
	[ $((r & 1)) = 1 ] && run_full
	if [ "$r" -lt 0 ]; then	# warm-up: forget
		rm -f "$OUT"/samples/cli.*.txt
		sed -i '/^cli\..*failed=/d' "$RES"
		continue
	fi
	echo "$max" >>"$OUT/samples/cli.single.max.txt"
	echo "$full $max" >>"$OUT/samples/cli.pairs.txt"
done
echo "host.cpus=$(nproc)" >>"$RES"
echo "host.load=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES"
note "done"

# --- report ------------------------------------------------------------------

echo
python3 "$BENCH/report.py" audit "$RES" "$OUT/samples" "$T_DIR/verdicts" |
    bench_report
bench_end
while IFS= read -r line; do
	case $line in
	PASS\ *)	pass "bench.${line#PASS }" ;;
	FAIL\ *)	name=${line#FAIL }
			fail "bench.${name%%:*}" "${name#*: }" ;;
	esac
done <"$T_DIR/verdicts"
