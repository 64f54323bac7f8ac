#!/usr/bin/env bash
# daemon_bench.sh - smtprobed with 10 000 targets. By hand, not by CI.
# See bench/README.md.
#
#	bench/daemon_bench.sh [-n TARGETS] [-i IDLE_S] [-b BIG] [-T]
#
# Budgets: the daemon's CPU while idle between probes < 1% of a core,
# its RSS < 200 MiB, and the scheduler's work per due target O(log n).
# (The store's write rate is bench/store_bench.sh's.)
#
# Everything stays on loopback and is stopped by PID:
#   - bench/out/smtp_responder answers SMTP politely (no TLS) on TARGETS
#     addresses 127.1.0.1, 127.1.0.2 ... (250 per /24), one port: every
#     target has an address of its own, so per-host spacing never
#     delays a probe;
#   - smtprobed (-d, logs in the run directory), one [host ADDR:PORT]
#     section per address, tls = none, interval 10m: new targets are
#     spread over the first tenth of their interval (smtprobed.c
#     install()), so the first probes come as a burst over ~60 s, and
#     the next ones 10 minutes later: the loop is idle in between.
#
# Measurements, each against a baseline taken in the same run:
#   daemon	a 1-target daemon first (baseline: RSS and idle CPU of the
#		same binary and configuration), then the TARGETS daemon:
#		start-up time, CPU and probes/s during the burst, then CPU
#		over IDLE_S (default 60) seconds from /proc/PID/stat with no
#		probe and no control request in the window (checked with
#		the status command after it), wake-ups (context switches)
#		per thread, RSS and peak RSS; the control "reload" round
#		trip (the loop is blocked meanwhile), the SIGTERM exit time
#   reload	(-b BIG, default 30 000; 0 skips) reload round trips of
#		daemons with TARGETS and with BIG targets (interval 30d so
#		nothing runs): how reload time grows with the target count
#   scheduler	bench/out/tt_bench: lib/timetable pop+put per due target
#		at n = 1e3 ... 1e6 (wall time, and instructions per cycle
#		under callgrind when valgrind is installed): -T skips
#
# Needs root (many descriptors), python3, and "make" run at the top
# (probe/smtprobed). Output: bench/out/daemon/ (results.txt, samples),
# the report on stdout and in bench/results/ (bench/lib.sh), PASS/FAIL
# per budget.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
N=${TARGETS:-10000}
IDLE=${IDLE:-60}
BIG=${BIG:-30000}
DO_TT=1
while getopts "b:i:n:T" opt; do
	case $opt in
	b)	BIG=$OPTARG ;;
	i)	IDLE=$OPTARG ;;
	n)	N=$OPTARG ;;
	T)	DO_TT=0 ;;
	*)	echo "usage: bench/daemon_bench.sh [-n targets] [-i idle_s]" \
		    "[-b big] [-T]" >&2
		exit 2 ;;
	esac
done
SMTPROBED=${SMTPROBED:-$TOP/probe/smtprobed}
INTERVAL_S=${INTERVAL_S:-600}	# 10m: the first runs spread over 60 s

. "$TOP/tests/lib/common.sh"
. "$BENCH/lib.sh"

if [ ! -x "$SMTPROBED" ] || [ ! -f "$TOP/lib/libsmtprobe.a" ]; then
	echo "bench: run make at the top first" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (descriptors for $N listeners)" >&2
	exit 1
fi
if [ "$N" -gt 62500 ] || [ "$BIG" -gt 100000 ]; then
	echo "bench: at most 62 500 targets (addresses), 100 000 for -b" >&2
	exit 2
fi
make -s -C "$BENCH" out/smtp_responder out/tt_bench || exit 1

t_init daemon-bench
bench_begin daemon_bench "$@"
OUT=$BENCH/out/daemon
RES=$OUT/results.txt
rm -rf "$OUT"
mkdir -p "$OUT"
: >"$RES"
T0=$(date +%s)
CLK=$(getconf CLK_TCK)
CTL="python3 $BENCH/ctl.py"
note() {
	echo "# [$(( $(date +%s) - T0 ))s] $*"
}
r() {		# r KEY VALUE: one result line
	echo "$1=$2" >>"$RES"
}
die() {
	fail "daemon-bench.setup" "$*"
	exit 1
}

# --- /proc helpers ----------------------------------------------------------

cpu_ticks() {	# user + system ticks of every thread of PID
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
kb() {		# kb PID FIELD: VmRSS, VmHWM ... in kB
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}
ctxsw() {	# ctxsw PID: "TID:switches" per thread (voluntary + not)
	local t
	for t in /proc/"$1"/task/*; do
		awk -v t="${t##*/}" '/^voluntary_ctxt_switches/ { v = $2 }
		    /^nonvoluntary_ctxt_switches/ { n = $2 }
		    END { print t ":" v + n }' "$t/status"
	done
}
now_ms() {
	echo $(( ${EPOCHREALTIME/./} / 1000 ))
}

# gen_conf FILE COUNT PORT INTERVAL STATE SOCKET [SPREAD_PORTS]: COUNT
# [host ADDR:PORT] targets; with SPREAD_PORTS the port varies too (more
# targets than addresses).
gen_conf() {
	{
		cat <<EOF
# smtprobed configuration written by bench/daemon_bench.sh
[daemon]
state-dir = $5
control-socket = $6
interval = $4
jitter = 10%
# no DNS is needed (every target is an address); keep it on loopback
resolver = 127.0.0.1:9
[defaults]
tls = none
helo = bench.example
EOF
		awk -v n="$2" -v p="$3" -v sp="${7:-0}" 'BEGIN {
		    for (i = 0; i < n; i++) {
			a = i % 10000
			printf "[host 127.1.%d.%d:%d]\n", int(a / 250),
			    a % 250 + 1, sp ? p + int(i / 10000) : p
		    } }'
	} >"$1"
}

# start_daemon NAME CONF: start it, wait for its control socket; sets
# DPID and START_MS (exec to the first reply to "status").
start_daemon() {
	local t0 sock
	sock=$(sed -n 's/^control-socket = //p' "$2")
	t0=$(now_ms)
	t_bg "$1" "$SMTPROBED" -d -f "$2"
	DPID=$T_BG_PID
	$CTL "$sock" status --wait 120 --get ok >/dev/null ||
	    { T_SHOW_LOGS+=("$T_DIR/$1.log"); die "$1 did not start"; }
	START_MS=$(( $(now_ms) - t0 ))
}

# stop_daemon: SIGTERM, wait (at most 30 s); sets STOP_MS
stop_daemon() {
	local t0 n=0
	t0=$(now_ms)
	kill -TERM "$DPID" 2>/dev/null
	while kill -0 "$DPID" 2>/dev/null && [ $n -lt 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	STOP_MS=$(( $(now_ms) - t0 ))
	t_kill "$DPID"
}

# idle_window PID SECONDS PREFIX: CPU and wake-ups over the window
idle_window() {
	local pid=$1 secs=$2 p=$3 c0 c1 t0 t1 s0 s1
	s0=$(ctxsw "$pid")
	c0=$(cpu_ticks "$pid")
	t0=$(now_ms)
	sleep "$secs"
	c1=$(cpu_ticks "$pid")
	t1=$(now_ms)
	s1=$(ctxsw "$pid")
	r "$p.idle_s" "$(( (t1 - t0) / 1000 ))"
	r "$p.idle_ticks" "$((c1 - c0))"
	r "$p.idle_cpu_pct" "$(awk -v c=$((c1 - c0)) -v hz="$CLK" \
	    -v ms=$((t1 - t0)) 'BEGIN { printf "%.3f", c / hz * 100000 / ms }')"
	# wake-ups per second, per thread (a thread that came and went is
	# left out)
	r "$p.idle_wakeups" "$(join -t: <(sort <<<"$s0") <(sort <<<"$s1") |
	    awk -F: -v ms=$((t1 - t0)) '{ printf "%s%s:%.1f/s", sep, $1,
	    ($3 - $2) * 1000 / ms; sep = " " }')"
}

echo "host.cpus=$(nproc)" >>"$RES"
echo "host.load_before=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES"
echo "host.clk_tck=$CLK" >>"$RES"

# --- the SMTP responder --------------------------------------------------------

PORT=$(free_port 127.1.0.1)
note "smtp_responder on $N addresses 127.1.x.y:$PORT"
t_bg responder "$BENCH/out/smtp_responder" -P "$PORT" -n "$N" -r "$T_DIR/responder.ready"
STUB_PID=$T_BG_PID
wait_file "$T_DIR/responder.ready" 60 ||
    { T_SHOW_LOGS+=("$T_DIR/responder.log"); die "smtp_responder did not start"; }

# --- baseline: one target -------------------------------------------------------

note "baseline: smtprobed with 1 target (interval 20s)"
mkdir -p "$T_DIR/one"
gen_conf "$T_DIR/one.conf" 1 "$PORT" 20s "$T_DIR/one/state" "$T_DIR/one/ctl.sock"
start_daemon one "$T_DIR/one.conf"
r one.start_ms "$START_MS"
sleep 3		# its first (only) probe comes within 2 s
r one.probes_before "$($CTL "$T_DIR/one/ctl.sock" status --get probes_run |
    sed -n 's/^probes_run=//p')"
idle_window "$DPID" 15 one
r one.probes_after "$($CTL "$T_DIR/one/ctl.sock" status --get probes_run |
    sed -n 's/^probes_run=//p')"
r one.rss_kb "$(kb "$DPID" VmRSS)"
r one.hwm_kb "$(kb "$DPID" VmHWM)"
stop_daemon
r one.stop_ms "$STOP_MS"

# --- TARGETS targets ------------------------------------------------------------

note "smtprobed with $N targets, interval ${INTERVAL_S}s: first runs over" \
    "$((INTERVAL_S / 10)) s"
mkdir -p "$T_DIR/big"
CONF=$T_DIR/big.conf
SOCK=$T_DIR/big/ctl.sock
gen_conf "$CONF" "$N" "$PORT" "${INTERVAL_S}s" "$T_DIR/big/state" "$SOCK"
t0=$(now_ms)
"$SMTPROBED" -n -f "$CONF" >/dev/null 2>"$T_DIR/check.err" ||
    { T_SHOW_LOGS+=("$T_DIR/check.err"); die "smtprobed -n rejects the configuration"; }
r d.check_ms "$(( $(now_ms) - t0 ))"
start_daemon daemon "$CONF"
r d.start_ms "$START_MS"
r d.rss_start_kb "$(kb "$DPID" VmRSS)"
c0=$(cpu_ticks "$DPID")
b0=$(now_ms)
deadline=$(( $(date +%s) + INTERVAL_S / 10 + 120 ))
: >"$OUT/burst.txt"
while :; do
	st=$($CTL "$SOCK" status --get probes_run in_flight store.queued store.rows)
	pr=$(sed -n 's/^probes_run=//p' <<<"$st")
	echo "$(( $(now_ms) - b0 )) $pr $(cpu_ticks "$DPID") $(kb "$DPID" VmRSS)" \
	    >>"$OUT/burst.txt"
	[ "${pr:-0}" -ge "$N" ] && break
	if [ "$(date +%s)" -gt "$deadline" ]; then
		r d.burst_incomplete "$pr"
		break
	fi
	sleep 2
done
b1=$(now_ms)
c1=$(cpu_ticks "$DPID")
r d.burst_s "$(awk -v ms=$((b1 - b0)) 'BEGIN { printf "%.1f", ms / 1000 }')"
r d.burst_probes "$pr"
r d.burst_rate "$(awk -v n="$pr" -v ms=$((b1 - b0)) 'BEGIN { printf "%.0f", n * 1000 / ms }')"
r d.burst_cpu_pct "$(awk -v c=$((c1 - c0)) -v hz="$CLK" -v ms=$((b1 - b0)) \
    'BEGIN { printf "%.2f", c / hz * 100000 / ms }')"
r d.burst_cpu_ms_per_probe "$(awk -v c=$((c1 - c0)) -v hz="$CLK" -v n="$pr" \
    'BEGIN { printf "%.3f", n ? c / hz * 1000 / n : 0 }')"
# the store catches up, then nothing is due for ~9 minutes
for ((i = 0; i < 100; i++)); do
	q=$($CTL "$SOCK" status --get store.queued | sed -n 's/^store.queued=//p')
	[ "${q:-1}" = 0 ] && break
	sleep 0.1
done
sleep 1
st=$($CTL "$SOCK" status --get probes_run in_flight store.rows)
r d.probes_before "$(sed -n 's/^probes_run=//p' <<<"$st")"
r d.store_rows "$(sed -n 's/^store.rows=//p' <<<"$st")"
note "idle: $IDLE s without a probe or a control request"
idle_window "$DPID" "$IDLE" d
st=$($CTL "$SOCK" status --get probes_run in_flight probes_failed)
r d.probes_after "$(sed -n 's/^probes_run=//p' <<<"$st")"
r d.in_flight_after "$(sed -n 's/^in_flight=//p' <<<"$st")"
r d.probes_failed "$(sed -n 's/^probes_failed=//p' <<<"$st")"
r d.rss_kb "$(kb "$DPID" VmRSS)"
r d.hwm_kb "$(kb "$DPID" VmHWM)"
r d.threads "$(ls /proc/"$DPID"/task | wc -l)"
note "reload ($N targets) and SIGTERM"
r d.reload_ms "$($CTL "$SOCK" reload | sed -n 's/^ms=//p')"
r d.status_after_reload_ms "$($CTL "$SOCK" status | sed -n 's/^ms=//p')"
stop_daemon
r d.stop_ms "$STOP_MS"
t_kill "$STUB_PID"
sed -n 's/^responder\./responder./p' "$T_DIR/responder.log" >>"$RES"

# --- reload scaling -------------------------------------------------------------

if [ "$BIG" -gt 0 ]; then
	for n in "$N" "$BIG"; do
		note "reload with $n targets (interval 30d: nothing runs)"
		mkdir -p "$T_DIR/r$n"
		gen_conf "$T_DIR/r$n.conf" "$n" "$PORT" 30d "$T_DIR/r$n/state" \
		    "$T_DIR/r$n/ctl.sock" 1
		t0=$(now_ms)
		"$SMTPROBED" -n -f "$T_DIR/r$n.conf" >/dev/null 2>&1
		r "reload.$n.check_ms" "$(( $(now_ms) - t0 ))"
		start_daemon "r$n" "$T_DIR/r$n.conf"
		r "reload.$n.start_ms" "$START_MS"
		for k in 1 2; do
			r "reload.$n.reload$k.ms" "$($CTL "$T_DIR/r$n/ctl.sock" \
			    reload | sed -n 's/^ms=//p')"
		done
		r "reload.$n.rss_kb" "$(kb "$DPID" VmRSS)"
		stop_daemon
	done
fi

# --- the scheduler --------------------------------------------------------------

if [ "$DO_TT" = 1 ]; then
	note "scheduler: tt_bench n = 1e3 .. 1e6 (wall time)"
	"$BENCH/out/tt_bench" -o 1000000 -r 3 1000 10000 100000 1000000 \
	    >>"$RES" 2>"$T_DIR/tt.err" || r tt.failed "$?"
	if command -v valgrind >/dev/null && command -v objcopy >/dev/null; then
		note "scheduler: instructions per pop+put under callgrind"
		# valgrind 3.19 cannot read gcc 12's DWARF 5: symbols only
		objcopy --strip-debug "$BENCH/out/tt_bench" "$T_DIR/tt.cg"
		ir() {
			valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			    "$T_DIR/tt.cg" -H -o "$1" "$2" 2>&1 |
			    sed -n 's/.*refs: *//p' | tr -d ,
		}
		for n in 1000 10000 100000 1000000; do
			a=$(ir 10000 "$n")
			b=$(ir 60000 "$n")
			[ -n "$a" ] && [ -n "$b" ] &&
			    r "tt.$n.ir" "$(( (b - a) / 50000 ))"
		done
	fi
fi
echo "host.load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RES"
note "done"

# --- report ---------------------------------------------------------------------

echo
python3 "$BENCH/report.py" daemon "$RES" "$OUT/burst.txt" "$T_DIR/verdicts" |
    bench_report
bench_end
while IFS= read -r line; do
	case $line in
	PASS\ *)	pass "bench.${line#PASS }" ;;
	FAIL\ *)	name=${line#FAIL }
			fail "bench.${name%%:*}" "${name#*: }" ;;
	esac
done <"$T_DIR/verdicts"
