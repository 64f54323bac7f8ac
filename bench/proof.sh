#!/usr/bin/env bash
# proof.sh - the engine and smtprobed against the other probers and the
# bare handshake, in one run, by hand, not by CI. See bench/README.md,
# "proof.sh".
#
#	bench/proof.sh [-P] [-n N] [-r CHUNKS] [-j CONC] [-t TP_N] [-k K]
#	    [-s SCHED_S]
#
# In one run, against one private Postfix on 127.0.0.1
# (tests/lib/postfix.sh; default_process_limit raised for CONC):
#
#  cpu	CPU per STARTTLS probe, N probes per row in CHUNKS interleaved
#	rounds (default 1200 in 6): the engine (bench/out/probe_bench),
#	smtprobed as deployed (its own process, "probe" over the control
#	socket, one [host] target, store on), prometheus-blackbox-exporter
#	(its own process, /probe over HTTP, a tcp module doing what the
#	upstream smtp_starttls example does; and, as a diagnostic, the
#	same without STARTTLS), the bare handshake (bench/out/raw_tls,
#	and `openssl s_time -new` for 2 s a chunk, the budget's baseline)
#	and check_smtp -S (N/3 per row); then, as
#	deployed, one probe a second: smtprobed left to its own schedule
#	(interval 1s) for SCHED_S seconds (default 40) and, in the same
#	window, the exporter asked once a second as often, and what each
#	costs per second when nothing is asked (IDLE_S, default 10); and
#	smtprobed at scale: MANY [host] targets (default 400, all this
#	Postfix) due every second with concurrency 1, more than one loop
#	can probe in a second, so it probes back to back on its own
#	schedule, in CHUNKS rounds of MANY_S/CHUNKS seconds (MANY_S
#	default 30), each followed by `openssl s_time -new` for 2 s while
#	the daemon is stopped (SIGSTOP): the daemon as deployed, against
#	the bare handshake next to it. The long-running probers are measured from
#	/proc/PID/stat by bench/proof_drive.py, whose own CPU is not
#	counted. Postfix's log tells every row's handshakes full or resumed.
#  tp	STARTTLS probes per second with CONC sessions at once (default
#	200), TP_N probes (default 2000), errors counted.
#  mem	RSS per session with K sessions held (default 5000) against a
#	tarpit: plain, and inside TLS (implicit TLS to a server that
#	completes the handshake and never greets).
#  -P	(diagnostic, PROFILE=1) after the CPU rows, N/CHUNKS more probes of
#	the engine, smtprobed and blackbox_exporter under perf record
#	(cpu-clock samples), their split by library and function in
#	bench/out/proof/profile.*.txt; not part of any figure.
#
# Needs root, the postfix, prometheus-blackbox-exporter,
# monitoring-plugins-standard and openssl packages, python3, and "make"
# at the top. Output: bench/out/proof/results.txt (key=value), the
# report in bench/results/proof-DATE-MACHINE-COMMIT.txt (bench/lib.sh),
# one PASS/FAIL line per budget.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
N=${N:-1200}
CHUNKS=${CHUNKS:-6}
CONC=${CONC:-200}
TP_N=${TP_N:-2000}
K=${K:-5000}
SCHED_S=${SCHED_S:-40}
MANY=${MANY:-400}
MANY_S=${MANY_S:-30}
IDLE_S=${IDLE_S:-10}
PROFILE=${PROFILE:-0}
CHECK_SMTP=/usr/lib/nagios/plugins/check_smtp
BLACKBOX=${BLACKBOX:-prometheus-blackbox-exporter}
SMTPROBED=${SMTPROBED:-$TOP/probe/smtprobed}

while getopts "Pj:k:n:r:s:t:" opt; do
	case $opt in
	P)	PROFILE=1 ;;
	j)	CONC=$OPTARG ;;
	k)	K=$OPTARG ;;
	n)	N=$OPTARG ;;
	r)	CHUNKS=$OPTARG ;;
	s)	SCHED_S=$OPTARG ;;
	t)	TP_N=$OPTARG ;;
	*)	echo "usage: bench/proof.sh [-P] [-n probes] [-r chunks]" \
		    "[-j concurrency] [-t tp-probes] [-k sessions]" \
		    "[-s sched-seconds]" >&2
		exit 2 ;;
	esac
done
PER=$((N / CHUNKS))
PER_NAG=$((PER / 3 > 0 ? PER / 3 : 1))
if [ "$PER" -lt 1 ] || [ "$K" -lt 1 ] || [ "$CONC" -lt 1 ] ||
    [ "$TP_N" -lt "$CONC" ]; then
	echo "bench: N at least CHUNKS, TP_N at least CONC, K at least 1" >&2
	exit 2
fi

. "$TOP/tests/lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"
. "$BENCH/lib.sh"

if [ ! -f "$TOP/lib/libsmtprobe.a" ] || [ ! -x "$SMTPROBED" ]; then
	echo "bench: run make at the top first" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null; then
	echo "bench: needs root and the postfix package" >&2
	exit 1
fi
for f in "$CHECK_SMTP" "$(command -v "$BLACKBOX")"; do
	if [ ! -x "$f" ]; then
		echo "bench: needs $CHECK_SMTP (monitoring-plugins-standard)" \
		    "and prometheus-blackbox-exporter" >&2
		exit 1
	fi
done
make -s -C "$BENCH" || exit 1

t_init proof
bench_begin proof "$@"
OUT=$BENCH/out/proof
RES=$OUT/results.txt
BIN=$BENCH/out
DRIVE=(python3 "$BENCH/proof_drive.py")
rm -rf "$OUT"
mkdir -p "$OUT"
: >"$RES"
T0=$(date +%s)

note() {
	echo "# [$(( $(date +%s) - T0 ))s] $*"
}
r() {		# r KEY VALUE: one result line
	echo "$1=$2" >>"$RES"
}

# step NAME CMD...: run CMD, stdout appended to the results, stderr in
# $T_DIR/NAME.err; a failure is recorded as NAME.failed=STATUS.
step() {
	local name=$1 rc
	shift
	"$@" >>"$RES" 2>"$T_DIR/$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		r "$name.failed" "$rc"
		echo "# $name exited with status $rc:"
		tail -n 5 "$T_DIR/$name.err" | sed 's/^/#   /'
	fi
	return 0
}

# Full or resumed handshakes, from Postfix's own log (smtpd_tls_loglevel
# 1): every handshake logs "TLS connection established", and a full one
# ends with "server-digest ...", the digest of the signature the server
# made with its key; a resumed one made no signature and logs none.
# tls_mark: where the log ends now (after postlogd has caught up).
tls_mark() {
	sleep 0.3
	wc -l <"$PF_MAILLOG"
}
# tls_count TAG FROM: the handshakes logged since line FROM
tls_count() {
	local est full lines
	# one read of the log: Postfix may still be writing to it
	lines=$(tail -n +"$(($2 + 1))" "$PF_MAILLOG" |
	    grep 'TLS connection established from')
	est=$(grep -c . <<<"$lines")
	full=$(grep -c 'server-digest ' <<<"$lines")
	r "$1.tls_handshakes" "$est"
	r "$1.tls_resumed" "$((est - full))"
}
# measured TAG CMD...: step TAG CMD, with its handshakes counted
measured() {
	local tag=$1 m
	shift
	m=$(tls_mark)
	step "$tag" "$@"
	tls_count "$tag" "$m"
}

# CPU, all of it, of the machine: "busy total" in ticks from /proc/stat
sys_ticks() {
	awk '$1 == "cpu" { b = $2 + $3 + $4 + $7 + $8 + $9;
	    print b, b + $5 + $6 }' /proc/stat
}

loadavg() {
	cut -d' ' -f1-3 /proc/loadavg
}

# --- Postfix ----------------------------------------------------------

note "test CA and private Postfix"
ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1 ||
    { fail proof.setup "test CA: openssl failed"; exit 1; }
pf_setup "$T_DIR/pf" "$T_DIR/ca" || { fail proof.setup "pf_setup"; exit 1; }
# CONC sessions at once need CONC smtpd processes on one listener: the
# master.cf rows leave maxproc to default_process_limit (100).
cat >>"$PF_CONF/main.cf" <<EOF
# bench/proof.sh: $CONC sessions at once on one listener
default_process_limit = $((CONC + 50))
EOF
pf_start 2>"$T_DIR/pf-start.log" ||
    { fail proof.setup "private Postfix did not start"; exit 1; }
T_SHOW_LOGS=()

CA=$T_DIR/ca/ca.crt
CERT=$T_DIR/ca/valid.crt
KEY=$T_DIR/ca/valid.key
{
	echo "host.cpus=$(nproc)"
	echo "host.load_before=$(loadavg)"
	echo "host.openssl=$(openssl version | cut -d' ' -f1-2)"
	echo "host.postfix=Postfix $(postconf -d -h mail_version 2>/dev/null)"
	echo "host.blackbox=$("$BLACKBOX" --version 2>&1 |
	    sed -n 's/.*version \([0-9.]*\).*/\1/p;s/.*go: *\(go[0-9.]*\).*/\1/p' |
	    paste -sd' ')"
	echo "host.n=$N"
	echo "host.chunks=$CHUNKS"
} >>"$RES"

# --- prometheus-blackbox-exporter -------------------------------------

# The module does what the upstream smtp_starttls example does: greeting,
# EHLO, STARTTLS, TLS, EHLO, QUIT, the certificate verified against the
# test CA for mx.test.example (as the engine verifies it). Written from
# the exporter's CONFIGURATION.md (tcp_probe, tls_config); nothing in it
# keeps TLS sessions (the tcp prober makes a new tls.Config per probe;
# tls_config has no session cache option).
BB_PORT=$(free_port)
cat >"$T_DIR/blackbox.yml" <<EOF
modules:
  smtp_starttls:
    prober: tcp
    timeout: 10s
    tcp:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      query_response:
        - expect: "^220 "
        - send: "EHLO bench.test.example"
        - expect: "^250-STARTTLS"
        - send: "STARTTLS"
        - expect: "^220 "
          starttls: true
        - send: "EHLO bench.test.example"
        - expect: "^250 "
        - send: "QUIT"
      tls_config:
        ca_file: $CA
        server_name: mx.test.example
  smtp_plain:
    prober: tcp
    timeout: 10s
    tcp:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      query_response:
        - expect: "^220 "
        - send: "EHLO bench.test.example"
        - expect: "^250 "
        - send: "QUIT"
EOF
"$BLACKBOX" --config.file="$T_DIR/blackbox.yml" --config.check \
    >"$T_DIR/blackbox-check.log" 2>&1 ||
    { T_SHOW_LOGS+=("$T_DIR/blackbox-check.log");
      fail proof.setup "blackbox config refused"; exit 1; }
note "prometheus-blackbox-exporter on 127.0.0.1:$BB_PORT"
t_bg blackbox "$BLACKBOX" --config.file="$T_DIR/blackbox.yml" \
    --web.listen-address="127.0.0.1:$BB_PORT"
BB_PID=$T_BG_PID
wait_port 127.0.0.1 "$BB_PORT" 10 ||
    { T_SHOW_LOGS+=("$T_DIR/blackbox.log");
      fail proof.setup "blackbox exporter did not start"; exit 1; }
BB_URL="http://127.0.0.1:$BB_PORT/probe?module=smtp_starttls&target=127.0.0.1:$PF_OK"
# diagnostic: the same exporter and Postfix, the conversation without TLS
BB_PLAIN="http://127.0.0.1:$BB_PORT/probe?module=smtp_plain&target=127.0.0.1:$PF_OK"

# --- smtprobed --------------------------------------------------------

# dconf FILE INTERVAL: one [host] target, the same probe as the engine's
# (verified STARTTLS, MAIL, RCPT), no DNS, no spacing between sessions
dconf() {
	cat >"$1" <<EOF
# bench/proof.sh
[daemon]
state-dir = $T_DIR/state
control-socket = $T_DIR/ctl.sock
interval = $2
dns-interval = 30d
jitter = 0
host-spacing = 0
resolver = 127.0.0.1:9
[defaults]
tls = verify
ca-file = $CA
helo = bench.test.example
rcpt = user@test.example
no-dns = yes
[host 127.0.0.1:$PF_OK]
name = mx.test.example
EOF
}
# dstart NAME CONF: start smtprobed, wait for its control socket; DPID
dstart() {
	local n=0
	rm -f "$T_DIR/ctl.sock"
	t_bg "$1" "$SMTPROBED" -d -f "$2"
	DPID=$T_BG_PID
	while ! python3 - "$T_DIR/ctl.sock" <<'EOF' 2>/dev/null; do
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b'{"cmd":"status"}\n')
sys.exit(0 if s.recv(4096) else 1)
EOF
		n=$((n + 1))
		if [ $n -gt 100 ] || ! kill -0 "$DPID" 2>/dev/null; then
			T_SHOW_LOGS+=("$T_DIR/$1.log")
			fail proof.setup "smtprobed did not start"
			exit 1
		fi
		sleep 0.1
	done
}
mkdir -p "$T_DIR/state"
dconf "$T_DIR/d-ctl.conf" 30d
note "smtprobed, control socket $T_DIR/ctl.sock"
dstart smtprobed "$T_DIR/d-ctl.conf"
TARGET="host:127.0.0.1:$PF_OK"

# --- CPU per probe, interleaved ---------------------------------------

ENG=("$BIN/probe_bench" cpu -p "$PF_OK" -c "$CA" -H mx.test.example)
RAW=("$BIN/raw_tls" -p "$PF_IMPLICIT" -c "$CA" -H mx.test.example)
NAGIOS=("$CHECK_SMTP" -H 127.0.0.1 -p "$PF_OK" -S -F bench.test.example
    -f bench@test.example -C "RCPT TO:<user@test.example>" -R 250 -t 10)

# stime TAG: `openssl s_time -new` for 2 s, full handshakes on the
# implicit-TLS port verified with the CA; its CPU over the handshakes it
# reports (TAG.conns).
stime() {
	measured "$1" "$BIN/runchild" -t "$1" -n 1 -w 0 -o "$T_DIR/$1.out" \
	    -- openssl s_time -connect "127.0.0.1:$PF_IMPLICIT" -new -time 2 \
	    -CAfile "$CA" -verify 1
	r "$1.conns" "$(sed -n \
	    's/^\([0-9][0-9]*\) connections in [0-9.]*s;.*/\1/p' \
	    "$T_DIR/$1.out" | head -n 1)"
}
for ((c = 1; c <= CHUNKS; c++)); do
	note "chunk $c/$CHUNKS: engine, raw, smtprobed, blackbox (TLS," \
	    "plain) x $PER, s_time 2 s," \
	    "check_smtp x $PER_NAG"
	measured "eng.$c" "${ENG[@]}" -n "$PER" -w 5 -t "eng.$c"
	measured "raw.$c" "${RAW[@]}" -n "$PER" -w 5 -t "raw.$c"
	measured "dmn.$c" "${DRIVE[@]}" ctl -t "dmn.$c" -p "$DPID" \
	    -n "$PER" -w 5 "$T_DIR/ctl.sock" "$TARGET"
	measured "bbx.$c" "${DRIVE[@]}" http -t "bbx.$c" -p "$BB_PID" \
	    -n "$PER" -w 5 "$BB_URL"
	measured "bbxplain.$c" "${DRIVE[@]}" http -t "bbxplain.$c" \
	    -p "$BB_PID" -n "$PER" -w 5 "$BB_PLAIN"
	stime "stime.$c"
	measured "nagios.$c" "$BIN/runchild" -t "nagios.$c" -n "$PER_NAG" \
	    -w 1 -- "${NAGIOS[@]}"
done
# prof NAME CMD...: perf samples of CMD (perf record -- CMD), or with
# NAME=PID:CMD of process PID while CMD runs; the split by library and
# by function in $OUT/profile.NAME.txt
prof() {
	local name=$1 pid= pp data=$T_DIR/perf.$1
	shift
	case $name in *:*) pid=${name%%:*}; name=${name#*:}; data=$T_DIR/perf.$name ;; esac
	if [ -n "$pid" ]; then
		perf record -e cpu-clock -F 1999 -g -o "$data" -p "$pid" \
		    >/dev/null 2>&1 &
		pp=$!
		sleep 0.5
		"$@" >"$T_DIR/prof.$name.out" 2>&1
		kill -INT "$pp"
		wait "$pp"
	else
		perf record -e cpu-clock -F 1999 -g -o "$data" -- "$@" \
		    >"$T_DIR/prof.$name.out" 2>/dev/null
	fi
	{
		echo "# $name: $PER probes; samples by library, and what they" \
		    "make per probe (1 sample = 1/1999 s)"
		perf report -i "$data" --no-children --sort dso -g none -n \
		    --stdio --percent-limit 1 2>/dev/null | grep -v '^#' |
		    awk -v n="$PER" 'NF >= 3 { printf "%9s %8.0f us/probe  %s\n",
		    $1, $2 / 1999 * 1e6 / n, $3 }'
		echo "# $name: samples by function (>= 1.5%)"
		perf report -i "$data" --no-children --sort dso,sym -g none \
		    --stdio --percent-limit 1.5 2>/dev/null | grep -v '^#' |
		    grep -v '^$'
	} >"$OUT/profile.$name.txt"
}
if [ "$PROFILE" = 1 ] && command -v perf >/dev/null; then
	note "profiles: $PER probes each under perf record (diagnostic)"
	prof eng "${ENG[@]}" -n "$PER" -w 5 -t prof.eng
	prof "$DPID:dmn" "${DRIVE[@]}" ctl -t prof.dmn -p "$DPID" -n "$PER" \
	    -w 0 "$T_DIR/ctl.sock" "$TARGET"
	prof "$BB_PID:bbx" "${DRIVE[@]}" http -t prof.bbx -p "$BB_PID" \
	    -n "$PER" -w 0 "$BB_URL"
fi

note "idle: smtprobed (1 target, nothing due) and blackbox_exporter," \
    "nothing asked, $IDLE_S s"
step dmnidle "${DRIVE[@]}" idle -t dmnidle -p "$DPID" -s "$IDLE_S" &
ip=$!
step bbxidle "${DRIVE[@]}" idle -t bbxidle -p "$BB_PID" -s "$IDLE_S"
wait "$ip"	# that one only: the servers are children too
r bbx.rss_kb "$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$BB_PID/status")"
r dmn.rss_kb "$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$DPID/status")"
t_kill "$DPID"

# As deployed, one probe a second: smtprobed on its own schedule and the
# exporter asked once a second, measured together in the same window (the
# exporter half a second after smtprobed's first run in it), so that
# whatever else the machine does then weighs on both alike. Their
# handshakes are counted together, on the smtprobed row.
note "one a second, together: smtprobed on its own schedule (interval" \
    "1s) and blackbox_exporter paced, $SCHED_S s"
rm -rf "$T_DIR/state" && mkdir -p "$T_DIR/state"
dconf "$T_DIR/d-sched.conf" 1s
dstart smtprobed-sched "$T_DIR/d-sched.conf"
sleep 2		# the first run (a full one) falls before the window
m=$(tls_mark)
step sched "${DRIVE[@]}" sched -t sched -p "$DPID" -s "$SCHED_S" \
    "$T_DIR/ctl.sock" &
sp=$!
sleep 0.5
step bbxpaced "${DRIVE[@]}" http -t bbxpaced -p "$BB_PID" -n "$SCHED_S" \
    -w 0 -i 1 "$BB_URL"
wait "$sp"
tls_count sched "$m"
t_kill "$BB_PID"
t_kill "$DPID"

# smtprobed at scale, in CHUNKS rounds: the daemon runs (SIGCONT) for
# MANY_S / CHUNKS seconds, is stopped (SIGSTOP), and `openssl s_time -new`
# runs for 2 s; the ratio is taken between windows that follow each
# other, so a slow spell of the machine falls on both sides.
MANY_W=$(( MANY_S / CHUNKS > 2 ? MANY_S / CHUNKS : 2 ))
note "smtprobed on its own schedule, $MANY targets, back to back:" \
    "$CHUNKS rounds of $MANY_W s, each followed by s_time -new for 2 s"
rm -rf "$T_DIR/state" && mkdir -p "$T_DIR/state"
{
	dconf /dev/stdout 1s | sed '/^\[host /,$d;s/^jitter = 0$/jitter = 0\nconcurrency = 1/'
	for ((i = 1; i <= MANY; i++)); do
		printf '[host mx%d.bench.example]\naddr = 127.0.0.1\n' "$i"
		printf 'ports = %s\nname = mx.test.example\n' "$PF_OK"
	done
} >"$T_DIR/d-many.conf"
dstart smtprobed-many "$T_DIR/d-many.conf"
# every target's first run (a full one) falls before the window
sleep $(( MANY / 150 + 2 ))
for ((c = 1; c <= CHUNKS; c++)); do
	kill -CONT "$DPID"
	measured "many.$c" "${DRIVE[@]}" sched -t "many.$c" -p "$DPID" \
	    -s "$MANY_W" "$T_DIR/ctl.sock"
	kill -STOP "$DPID"
	stime "stimem.$c"
done
kill -CONT "$DPID"
t_kill "$DPID"

# --- throughput -------------------------------------------------------

note "throughput: $TP_N probes, $CONC at once"
read -r b0 a0 < <(sys_ticks)
m=$(tls_mark)
w0=$(wc -l <"$PF_MAILLOG")
step tp "${ENG[@]}" -n "$TP_N" -j "$CONC" -w "$CONC" -t tp
read -r b1 a1 < <(sys_ticks)
tls_count tp "$m"
r tp.machine_busy_pct "$(awk -v b=$((b1 - b0)) -v a=$((a1 - a0)) \
    'BEGIN { printf "%.1f", a ? 100 * b / a : 0 }')"
r tp.pf_limit_warnings "$(tail -n +"$((w0 + 1))" "$PF_MAILLOG" |
    grep -c 'process limit')"
r tp.pf_warnings "$(tail -n +"$((w0 + 1))" "$PF_MAILLOG" |
    grep -c 'warning:')"

# --- memory -----------------------------------------------------------

note "memory: $K plain sessions, then $K inside TLS, held by a tarpit"
step memplain "$BIN/probe_bench" mem -k "$K"
step memtls "$BIN/probe_bench" mem -T -k "$K" -c "$CA" -C "$CERT" -K "$KEY"
# where the bytes go: the same, with every allocation site accounted
# (a backtrace per allocation is slow: fewer sessions, same make-up)
if [ -f "$BIN/heapsite.so" ]; then
	note "memory by allocation site (heapsite.so)"
	for kind in plain tls; do
		rm -f "$T_DIR/hs.$kind".*
		HK=$(( K < 1000 ? K : 1000 ))
		args=(-k "$HK")
		if [ $kind = tls ]; then
			HK=$(( K < 300 ? K : 300 ))
			args=(-T -k "$HK" -c "$CA" -C "$CERT" -K "$KEY")
		fi
		HEAPSITE_OUT="$T_DIR/hs.$kind" LD_PRELOAD="$BIN/heapsite.so" \
		    "$BIN/probe_bench" mem "${args[@]}" >/dev/null \
		    2>"$T_DIR/hs.$kind.err"
		python3 "$BENCH/heapsite.py" -k "$HK" -e "$BIN/probe_bench" \
		    "$T_DIR/hs.$kind.1" "$T_DIR/hs.$kind.2" \
		    >"$OUT/sites.$kind.txt" 2>>"$T_DIR/hs.$kind.err" ||
		    echo "# heapsite $kind failed (see $T_DIR/hs.$kind.err)"
	done
fi

r host.load_after "$(loadavg)"
note "done"

# --- report -----------------------------------------------------------

echo
python3 "$BENCH/report.py" proof "$RES" "$OUT" "$T_DIR/verdicts" |
    bench_report
bench_end
while IFS= read -r line; do
	case $line in
	PASS\ *)	pass "proof.${line#PASS }" ;;
	FAIL\ *)	name=${line#FAIL }
			fail "proof.${name%%:*}" "${name#*: }" ;;
	esac
done <"$T_DIR/verdicts"
while IFS= read -r line; do
	fail "proof.step.${line%%.failed=*}" "exited with status ${line#*=}"
done < <(grep '\.failed=' "$RES")
