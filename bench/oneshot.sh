#!/usr/bin/env bash
# oneshot.sh - what one `smtprobe check HOST` costs in CPU, against
# `check_smtp -S` on the same server in the same run, by hand, not by
# CI. See bench/README.md.
#
#	bench/oneshot.sh [-n N] [-r CHUNKS]
#
# Starts a private Postfix on 127.0.0.1 (tests/lib/postfix.sh) and runs,
# one process per probe, N of each (default 400) in CHUNKS rounds
# (default N/10: ten runs of each per round, the order of the four
# reversed every other round, so that the load of a shared machine
# falls on each alike), against its STARTTLS listener:
#
#   nagios    check_smtp -H 127.0.0.1 -p PORT -S (connect, greeting,
#             EHLO, STARTTLS, handshake, EHLO, QUIT)
#   default   smtprobe check 127.0.0.1:PORT: the default trust store
#             (no --ca-file), TLS policy may; the test CA is not in the
#             store, so the chain is looked up there and found untrusted
#             (exit 1, tls.cert.untrusted warn)
#   cafile    the same with --ca-file CA --name mx.test.example
#             (verified, exit 0)
#   notls     smtprobe check --tls none 127.0.0.1:PORT (no TLS at all:
#             a reference, not judged)
#
# CPU per probe is user + system time of the child from fork to exit
# (bench/runchild.c); with valgrind installed, the instructions of one
# run of each under callgrind follow (a figure machine load does not
# move). Budgets, on the CPU times: default <= 1.0x nagios (the goal is
# below it), cafile <= 1.2x nagios. Results: bench/out/oneshot/results.txt
# (key=value), the report on stdout and in bench/results/ (bench/lib.sh),
# one PASS/FAIL line per budget (exit 1 when one fails).
# Needs root, the postfix package and monitoring-plugins-standard; run
# "make" at the top first.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
N=${N:-400}
CHUNKS=${CHUNKS:-}
CHECK_SMTP=/usr/lib/nagios/plugins/check_smtp

while getopts "n:r:" opt; do
	case $opt in
	n)	N=$OPTARG ;;
	r)	CHUNKS=$OPTARG ;;
	*)	echo "usage: bench/oneshot.sh [-n probes] [-r chunks]" >&2
		exit 2 ;;
	esac
done
CHUNKS=${CHUNKS:-$((N / 10))}
[ "$CHUNKS" -ge 1 ] || CHUNKS=1
PER=$((N / CHUNKS))
if [ "$PER" -lt 1 ]; then
	echo "bench: N must be at least CHUNKS" >&2
	exit 2
fi

. "$TOP/tests/lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"
. "$BENCH/lib.sh"

if [ ! -x "$TOP/probe/smtprobe" ]; then
	echo "bench: run make at the top first" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null; then
	echo "bench: needs root and the postfix package" >&2
	exit 1
fi
if [ ! -x "$CHECK_SMTP" ]; then
	echo "bench: $CHECK_SMTP missing (monitoring-plugins-standard)" >&2
	exit 1
fi
make -s -C "$BENCH" out/runchild || exit 1

t_init oneshot
bench_begin oneshot "$@"
OUT=$BENCH/out/oneshot
RES=$OUT/results.txt
mkdir -p "$OUT"
: >"$RES"

if ! ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1; then
	T_SHOW_LOGS+=("$T_DIR/ca.log")
	fail oneshot.setup "test CA: openssl failed"
	exit 1
fi
if ! pf_setup "$T_DIR/pf" "$T_DIR/ca"; then
	fail oneshot.setup "pf_setup failed"
	exit 1
fi
# in_flow_delay: see run.sh (no RCPT is sent here, but MAIL is)
echo "in_flow_delay = 0s" >>"$PF_CONF/main.cf"
if ! pf_start 2>"$T_DIR/pf-start.log"; then
	T_SHOW_LOGS+=("$T_DIR/pf-start.log")
	fail oneshot.setup "private Postfix did not start"
	exit 1
fi
T_SHOW_LOGS=()
CA=$T_DIR/ca/ca.crt
{
	echo "host.cpus=$(nproc)"
	echo "host.load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "host.openssl=$(openssl version | cut -d' ' -f1-2)"
	echo "host.cert_dir=$(openssl version -d | cut -d'"' -f2)/certs"
	echo "host.bundle_certs=$(grep -c 'BEGIN CERTIFICATE' \
	    /etc/ssl/certs/ca-certificates.crt 2>/dev/null)"
} >>"$RES"

SP=("$TOP/probe/smtprobe" check --helo bench.test.example)
NAGIOS=("$CHECK_SMTP" -H 127.0.0.1 -p "$PF_OK" -S -F bench.test.example
    -t 10)
DEFAULT=("${SP[@]}" "127.0.0.1:$PF_OK")
CAFILE=("${SP[@]}" --ca-file "$CA" --name mx.test.example
    "127.0.0.1:$PF_OK")
NOTLS=("${SP[@]}" --tls none "127.0.0.1:$PF_OK")

# row TAG EXIT CMD...: PER runs of CMD in this chunk
row() {
	local tag=$1 want=$2
	shift 2
	"$BENCH/out/runchild" -t "$tag.$c" -n "$PER" -w 2 -x "$want" -- \
	    "$@" >>"$RES" 2>"$T_DIR/$tag.err" ||
	    echo "$tag.$c.failed=1" >>"$RES"
}

echo "# $CHUNKS rounds of check_smtp, smtprobe (default store," \
    "--ca-file, --tls none) x $PER each"
for ((c = 1; c <= CHUNKS; c++)); do
	if ((c % 2)); then
		row nagios 0 "${NAGIOS[@]}"
		row default 1 "${DEFAULT[@]}"
		row cafile 0 "${CAFILE[@]}"
		row notls 0 "${NOTLS[@]}"
	else
		row notls 0 "${NOTLS[@]}"
		row cafile 0 "${CAFILE[@]}"
		row default 1 "${DEFAULT[@]}"
		row nagios 0 "${NAGIOS[@]}"
	fi
	((c % 10 == 0)) && echo "# round $c/$CHUNKS"
done
echo "host.load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES"

# Instructions of one run of each under callgrind (user space, the
# dynamic loader included): the same figure on a busy machine as on an
# idle one, where the CPU times above move by 10 % from chunk to chunk.
if command -v valgrind >/dev/null; then
	for tag in nagios default cafile notls; do
		case $tag in
		nagios)  cmd=("${NAGIOS[@]}") ;;
		default) cmd=("${DEFAULT[@]}") ;;
		cafile)  cmd=("${CAFILE[@]}") ;;
		notls)   cmd=("${NOTLS[@]}") ;;
		esac
		ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		    "${cmd[@]}" 2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' |
		    tr -d ,)
		[ -n "$ir" ] && echo "$tag.ir=$ir" >>"$RES"
	done
fi

echo
python3 "$BENCH/report.py" oneshot "$RES" "$T_DIR/verdicts" | bench_report
bench_end
while IFS= read -r line; do
	case $line in
	PASS\ *)	pass "bench.${line#PASS }" ;;
	FAIL\ *)	name=${line#FAIL }
			fail "bench.${name%%:*}" "${name#*: }" ;;
	esac
done <"$T_DIR/verdicts"
