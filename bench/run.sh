#!/usr/bin/env bash
# run.sh - the CPU, latency and memory benchmark of smtprobe's session
# engine, by hand, not by CI. See bench/README.md.
#
#	bench/run.sh [-n N] [-k K] [-r CHUNKS]
#
# N probes per measurement (default 500; the smtprobe-process row, a
# reference, does N/5), K sessions held for the memory figures (default
# 1000), CHUNKS rounds in which the CPU measurements are interleaved
# (default 5) so that a change in machine load hits every row alike.
# The environment variables N, K, CHUNKS, CLI_N (smtprobe-process runs)
# and CG_N (probes under callgrind, 0 to skip) do the same.
#
# Starts a private Postfix on 127.0.0.1 (tests/lib/postfix.sh: STARTTLS
# and implicit-TLS listeners, one EC P-256 certificate from a throw-away
# CA), so it needs root and the postfix package, plus check_smtp from
# monitoring-plugins and the openssl command. Run "make" at the top
# first. Results: bench/out/engine/results.txt (key=value, every
# program's output), bench/out/engine/samples/ (wall times), and the
# report in bench/results/engine-DATE-MACHINE-COMMIT.txt (bench/lib.sh).
# Ends with one PASS/FAIL line per budget.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
N=${N:-500}
K=${K:-1000}
CHUNKS=${CHUNKS:-5}
CONC=16
CHECK_SMTP=/usr/lib/nagios/plugins/check_smtp

while getopts "k:n:r:" opt; do
	case $opt in
	k)	K=$OPTARG ;;
	n)	N=$OPTARG ;;
	r)	CHUNKS=$OPTARG ;;
	*)	echo "usage: bench/run.sh [-n probes] [-k sessions] [-r chunks]" >&2
		exit 2 ;;
	esac
done
CLI_N=${CLI_N:-$((N / 5))}
CG_N=${CG_N:-20}
PER=$((N / CHUNKS))
PER_CLI=$((CLI_N / CHUNKS))
if [ "$PER" -lt 1 ] || [ "$PER_CLI" -lt 1 ] || [ "$K" -lt 1 ]; then
	echo "bench: N and CLI_N must be at least CHUNKS, K at least 1" >&2
	exit 2
fi

. "$TOP/tests/lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"
. "$BENCH/lib.sh"

if [ ! -f "$TOP/lib/libsmtprobe.a" ] || [ ! -x "$TOP/probe/smtprobe" ]; then
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
make -s -C "$BENCH" || exit 1

t_init bench
bench_begin engine "$@"
OUT=$BENCH/out/engine
RES=$OUT/results.txt
SAMP=$OUT/samples
BIN=$BENCH/out
rm -rf "$SAMP"
mkdir -p "$SAMP"
: >"$RES"
T0=$(date +%s)

# note MSG: a progress line with the seconds since the start
note() {
	echo "# [$(( $(date +%s) - T0 ))s] $*"
}

# step NAME CMD...: run CMD, its stdout appended to the results, its
# stderr in $T_DIR/NAME.err; a failure is recorded as NAME.failed=STATUS
# and the report fails the rows it leaves incomplete.
step() {
	local name=$1 rc
	shift
	"$@" >>"$RES" 2>"$T_DIR/$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "$name.failed=$rc" >>"$RES"
		echo "# $name exited with status $rc:"
		tail -n 5 "$T_DIR/$name.err" | sed 's/^/#   /'
	fi
	return 0
}

loadavg() {
	cut -d' ' -f1-3 /proc/loadavg
}

# --- the servers ----------------------------------------------------

note "test CA and private Postfix"
if ! ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1; then
	T_SHOW_LOGS+=("$T_DIR/ca.log")
	fail bench.setup "test CA: openssl failed"
	exit 1
fi
if ! pf_setup "$T_DIR/pf" "$T_DIR/ca"; then
	fail bench.setup "pf_setup failed"
	exit 1
fi
# Postfix's in-flow control (in_flow_delay, 1 s by default) makes smtpd
# pause before it opens a queue file at the first RCPT when no flow token
# is available, and tokens come back as the queue manager moves mail,
# which probes never send: with the test configuration every probe's
# RCPT took 1.0 s. The scenario tests can afford that; a benchmark of
# wall time cannot.
echo "in_flow_delay = 0s" >>"$PF_CONF/main.cf"
if ! pf_start 2>"$T_DIR/pf-start.log"; then
	T_SHOW_LOGS+=("$T_DIR/pf-start.log")
	fail bench.setup "private Postfix did not start"
	exit 1
fi
# A budget that fails is a number, not a Postfix problem: no mail log
# under every FAIL line (it stays in the kept directory).
T_SHOW_LOGS=()

CA=$T_DIR/ca/ca.crt
CERT=$T_DIR/ca/valid.crt
KEY=$T_DIR/ca/valid.key
{
	echo "host.cpus=$(nproc)"
	echo "host.load_before=$(loadavg)"
	echo "host.openssl=$(openssl version | cut -d' ' -f1-2)"
	echo "host.postfix=Postfix $(postconf -d -h mail_version 2>/dev/null)"
	echo "host.keytype=$(openssl x509 -in "$CERT" -noout -text |
	    sed -n 's/^ *ASN1 OID: //p;s/^ *Public Key Algorithm: //p' |
	    paste -sd' ')"
} >>"$RES"

ENG=("$BIN/probe_bench" cpu -p "$PF_OK" -c "$CA" -H mx.test.example)
RAW=("$BIN/raw_tls" -p "$PF_IMPLICIT" -c "$CA" -H mx.test.example)
NAGIOS=("$CHECK_SMTP" -H 127.0.0.1 -p "$PF_OK" -S -F bench.test.example
    -f bench@test.example -C "RCPT TO:<user@test.example>" -R 250 -t 10)
CLI=("$TOP/probe/smtprobe" check --json --tls verify --ca-file "$CA"
    --name mx.test.example --helo bench.test.example
    --rcpt user@test.example "127.0.0.1:$PF_OK")

# --- CPU and wall time, interleaved ---------------------------------

for ((c = 1; c <= CHUNKS; c++)); do
	note "chunk $c/$CHUNKS: engine, engine+quickack, raw TLS," \
	    "check_smtp x $PER, smtprobe check x $PER_CLI"
	step "eng.$c" "${ENG[@]}" -n "$PER" -w 5 -t "eng.$c" \
	    -S "$SAMP/eng.txt"
	step "engqa.$c" env LD_PRELOAD="$BIN/quickack.so" "${ENG[@]}" \
	    -n "$PER" -w 5 -t "engqa.$c" -S "$SAMP/engqa.txt"
	step "raw.$c" "${RAW[@]}" -n "$PER" -w 5 -t "raw.$c" \
	    -S "$SAMP/raw.txt"
	step "nagios.$c" "$BIN/runchild" -t "nagios.$c" -n "$PER" -w 1 \
	    -S "$SAMP/nagios.txt" -- "${NAGIOS[@]}"
	step "cli.$c" "$BIN/runchild" -t "cli.$c" -n "$PER_CLI" -w 1 \
	    -S "$SAMP/cli.txt" -- "${CLI[@]}"
done

note "engine, $CONC sessions at once x $N"
step eng16 "${ENG[@]}" -n "$N" -j "$CONC" -w "$CONC" -t eng16 \
    -S "$SAMP/eng16.txt"

IDLE_N=$(( N / 10 > 0 ? N / 10 : 1 ))
note "raw TLS after 40 ms idle x $IDLE_N (diagnostic)"
step rawidle "${RAW[@]}" -n "$IDLE_N" -w 5 -s 40 -t rawidle

note "openssl s_time -new, 3 s"
step stime "$BIN/runchild" -t stime -n 1 -w 0 -o "$T_DIR/stime.out" -- \
    openssl s_time -connect "127.0.0.1:$PF_IMPLICIT" -new -time 3 \
    -CAfile "$CA" -verify 1
conns=$(sed -n 's/^\([0-9][0-9]*\) connections in [0-9.]*s;.*/\1/p' \
    "$T_DIR/stime.out" | head -n 1)
[ -n "$conns" ] && echo "stime.conns=$conns" >>"$RES"

# --- allocations ----------------------------------------------------

note "allocations per probe (malloc_count.so)"
step alloc env LD_PRELOAD="$BIN/malloc_count.so" "${ENG[@]}" -n 100 -w 5 \
    -t alloc
step rawalloc env LD_PRELOAD="$BIN/malloc_count.so" "${RAW[@]}" -n 100 \
    -w 5 -t rawalloc
step lines env LD_PRELOAD="$BIN/malloc_count.so" "$BIN/probe_bench" lines \
    -n 200

# --- memory ---------------------------------------------------------

note "memory: $K plain sessions, then $K inside TLS, held by a tarpit"
step memplain "$BIN/probe_bench" mem -k "$K"
step memtls "$BIN/probe_bench" mem -T -k "$K" -c "$CA" -C "$CERT" -K "$KEY"

# --- instructions (optional) ----------------------------------------

# cg_ir PROG ARGS...: user-space instructions of one run under callgrind.
# The programs are run from copies without DWARF (valgrind 3.19 cannot
# read gcc 12's DWARF 5); symbols stay.
cg_ir() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
	    2>&1 >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,
}

if [ "$CG_N" -gt 0 ] && command -v valgrind >/dev/null &&
    command -v objcopy >/dev/null; then
	note "instructions per probe under callgrind (difference of two runs)"
	objcopy --strip-debug "$BIN/probe_bench" "$T_DIR/probe_bench.cg"
	objcopy --strip-debug "$BIN/raw_tls" "$T_DIR/raw_tls.cg"
	e1=$(cg_ir "$T_DIR/probe_bench.cg" "${ENG[@]:1}" -n 3 -w 2)
	e2=$(cg_ir "$T_DIR/probe_bench.cg" "${ENG[@]:1}" -n $((3 + CG_N)) -w 2)
	r1=$(cg_ir "$T_DIR/raw_tls.cg" "${RAW[@]:1}" -n 3 -w 2)
	r2=$(cg_ir "$T_DIR/raw_tls.cg" "${RAW[@]:1}" -n $((3 + CG_N)) -w 2)
	if [ -n "$e1" ] && [ -n "$e2" ] && [ -n "$r1" ] && [ -n "$r2" ]; then
		echo "cg.eng_ir=$(( (e2 - e1) / CG_N ))" >>"$RES"
		echo "cg.raw_ir=$(( (r2 - r1) / CG_N ))" >>"$RES"
	fi
fi

echo "host.load_after=$(loadavg)" >>"$RES"
note "done"

# --- report ---------------------------------------------------------

echo
python3 "$BENCH/report.py" engine "$RES" "$SAMP" "$T_DIR/verdicts" |
    bench_report
bench_end
while IFS= read -r line; do
	case $line in
	PASS\ *)	pass "bench.${line#PASS }" ;;
	FAIL\ *)	name=${line#FAIL }
			fail "bench.${name%%:*}" "${name#*: }" ;;
	esac
done <"$T_DIR/verdicts"
while IFS= read -r line; do
	fail "bench.step.${line%%.failed=*}" "exited with status ${line#*=}"
done < <(grep '\.failed=' "$RES")
