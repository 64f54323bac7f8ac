#!/usr/bin/env bash
# logidle_bench.sh - what following a log adds to smtprobed's idle CPU
# (issue 13 item 5: "following a log adds nothing measurable to the
# daemon's idle CPU"). By hand, not by CI. See bench/README.md.
#
#	make && bench/logidle_bench.sh [-t SECONDS] [-r RATE]
#
# Three daemons of this tree's probe/smtprobed run side by side over the
# same window of SECONDS (default 120), each with its own state
# directory and control socket, the same [daemon] settings (jitter 0,
# resolver 127.0.0.1:9 given explicitly, never asked) and the same three
# [host] targets on a loopback port nothing listens on, interval 30d:
# their first runs fall at random within three days, so nothing is due
# in the window (checked: probes_run before and after). They differ in
# one section:
#   base	no [log] section: the baseline
#   idle	[log mail] following a file nothing writes to
#   busy	[log mail] following a file bench/maillog_pace.py appends
#		RATE (default 5) Postfix lines a second to, one write each
# The CPU of each is utime + stime of /proc/PID/stat (every thread, in
# clock ticks) read at the start and the end of the window: the time
# the daemon itself ran, whatever else loads the machine; also the sum
# of its threads' /proc/PID/task/*/schedstat (nanoseconds) and their
# context switches. Control requests (lines read, probes run) are made
# just before the window and just after it, never inside.
#
# Budget: busy - base, and idle - base, < 0.1% of one core over the
# window (report.py LOGIDLE_PCT); every line written was read.
#
# Needs python3 and "make" run at the top (no root). Only loopback.
# Output: bench/out/logidle/results.txt (key=value), the report on
# stdout and in bench/results/ (bench/lib.sh); exit 1 when a budget
# fails, the run directory (daemons' logs) then kept.

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
SECS=120
RATE=5
while getopts "r:t:" opt; do
	case $opt in
	r)	RATE=$OPTARG ;;
	t)	SECS=$OPTARG ;;
	*)	echo "usage: bench/logidle_bench.sh [-t seconds] [-r lines/s]" >&2
		exit 2 ;;
	esac
done
case $SECS$RATE in
*[!0-9]*)	echo "bench: -t and -r take whole numbers" >&2; exit 2 ;;
esac
if [ "$SECS" -lt 10 ] || [ "$RATE" -lt 1 ] || [ "$RATE" -gt 10000 ]; then
	echo "bench: -t at least 10 seconds, -r from 1 to 10000 lines/s" >&2
	exit 2
fi
SMTPROBED=${SMTPROBED:-$TOP/probe/smtprobed}
SETTLE=3	# seconds after the start: start-up work out of the window

. "$TOP/tests/lib/common.sh"
. "$BENCH/lib.sh"

if [ ! -x "$SMTPROBED" ]; then
	echo "bench: run make at the top first" >&2
	exit 1
fi

t_init logidle-bench
bench_begin logidle_bench "$@"
OUT=$BENCH/out/logidle
RES=$OUT/results.txt
rm -rf "$OUT"
mkdir -p "$OUT"
: >"$RES"
CTL="python3 $BENCH/ctl.py"
CLK=$(getconf CLK_TCK)
NAMES="base idle busy"
declare -A DPID

r() {		# r KEY VALUE: one result line
	echo "$1=$2" >>"$RES"
}
die() {
	fail "logidle-bench.setup" "$*"
	exit 1
}
now_ms() {
	echo $(( ${EPOCHREALTIME/./} / 1000 ))
}

# snap NAME PREFIX: the CPU of daemon NAME so far
snap() {
	local pid=${DPID[$1]}
	r "$1.$2.ticks" "$(awk '{ print $14 + $15 }' "/proc/$pid/stat")"
	r "$1.$2.sched_ns" "$(cat /proc/"$pid"/task/*/schedstat |
	    awk '{ s += $1 } END { printf "%.0f", s }')"
	r "$1.$2.ctxsw" "$(cat /proc/"$pid"/task/*/status | awk '
	    /^(non)?voluntary_ctxt_switches/ { s += $2 } END { print s }')"
	r "$1.$2.threads" "$(ls /proc/"$pid"/task | wc -l)"
}

# ask NAME PREFIX: what daemon NAME has done (a control request)
ask() {
	local st
	st=$($CTL "$T_DIR/$1.sock" status --get probes_run in_flight \
	    logs.0.lines logs.0.unparsable) || die "$1 did not answer"
	r "$1.$2.probes_run" "$(sed -n 's/^probes_run=//p' <<<"$st")"
	r "$1.$2.in_flight" "$(sed -n 's/^in_flight=//p' <<<"$st")"
	r "$1.$2.lines" "$(sed -n 's/^logs\.0\.lines=//p' <<<"$st")"
	r "$1.$2.unparsable" "$(sed -n 's/^logs\.0\.unparsable=//p' <<<"$st")"
}

r host.cpus "$(nproc)"
r host.clk_tck "$CLK"
r host.load_before "$(cut -d' ' -f1-3 /proc/loadavg)"
r secs "$SECS"
r rate "$RATE"

# a port nothing listens on: the targets would be refused at once
PORT=$(free_port) || die "no free port"
for n in $NAMES; do
	mkdir -p "$T_DIR/$n"
	: >"$T_DIR/$n.log-file"
	{
		cat <<EOF
# smtprobed configuration written by bench/logidle_bench.sh ($n)
[daemon]
state-dir = $T_DIR/$n
control-socket = $T_DIR/$n.sock
interval = 30d
jitter = 0
resolver = 127.0.0.1:9
[defaults]
tls = none
helo = bench.example
[host 127.0.0.1:$PORT]
[host 127.0.0.2:$PORT]
[host 127.0.0.3:$PORT]
EOF
		[ "$n" = base ] || printf '[log mail]\npath = %s\n' \
		    "$T_DIR/$n.log-file"
	} >"$T_DIR/$n.conf"
	t_bg "$n" "$SMTPROBED" -d -f "$T_DIR/$n.conf"
	DPID[$n]=$T_BG_PID
	T_SHOW_LOGS+=("$T_DIR/$n.log")
done
for n in $NAMES; do
	$CTL "$T_DIR/$n.sock" status --wait 30 >/dev/null ||
	    die "$n did not start"
done
t_bg writer python3 "$BENCH/maillog_pace.py" "$RATE" "$T_DIR/busy.log-file"
WPID=$T_BG_PID
sleep "$SETTLE"

echo "# base, idle and busy ($RATE lines/s) side by side for $SECS s"
for n in $NAMES; do
	ask "$n" before
done
r written.before "$(wc -l <"$T_DIR/busy.log-file")"
t0=$(now_ms)
for n in $NAMES; do
	snap "$n" t0
done
sleep "$SECS"
for n in $NAMES; do
	snap "$n" t1
done
t1=$(now_ms)
r written.after "$(wc -l <"$T_DIR/busy.log-file")"
for n in $NAMES; do
	ask "$n" after
	r "$n.rss_kb" "$(awk '$1 == "VmRSS:" { print $2 }' \
	    "/proc/${DPID[$n]}/status")"
done
r window_ms "$((t1 - t0))"

# every line written read: the writer stops, the follower's next tick
t_kill "$WPID"
sleep 2
r written.total "$(wc -l <"$T_DIR/busy.log-file")"
ask busy end
for n in $NAMES; do
	t_kill "${DPID[$n]}"
done
r host.load_after "$(cut -d' ' -f1-3 /proc/loadavg)"

echo
python3 "$BENCH/report.py" logidle "$RES" "$T_DIR/verdicts" | bench_report
bench_end
while IFS= read -r line; do
	case $line in
	PASS\ *)	pass "bench.${line#PASS }" ;;
	FAIL\ *)	name=${line#FAIL }
			fail "bench.${name%%:*}" "${name#*: }" ;;
	esac
done <"$T_DIR/verdicts"
