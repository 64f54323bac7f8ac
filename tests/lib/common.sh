# common.sh - helpers for the scenario tests (bash; sourced, not run).
#
# A scenario script sources this file, calls t_init once, starts its
# private servers with t_bg, then runs table rows:
#
#	row NAME EXIT [smtprobe arguments...]	run one probe (adds --json)
#	human_row NAME EXIT [arguments...]	the same, and the human report
#	expect CHECK [ARGS...]			one jcheck.py assertion
#	end_row					print PASS/FAIL for the row
#	skip NAME REASON			a row that cannot run here
#
# A JSON row always also checks that the output follows the contract
# (jcheck valid) and that the exit status agrees with its "status".
#
# Everything a run creates lives in one private directory ($T_DIR) that
# is removed on exit unless a row failed or T_KEEP=1. Results are counted
# in $T_COUNTS (one PASS, FAIL or SKIP line per row) so tests/run.sh can
# total several scripts; when run alone a script makes its own counter
# file.

T_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The system's tools first: a pyenv or other shim in front of python3
# costs seconds per start under load, and the tests start it often.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
T_TOP=$(cd "$T_LIB/../.." && pwd)
SMTPROBE=${SMTPROBE:-$T_TOP/probe/smtprobe}
JCHECK="python3 $T_LIB/jcheck.py"
T_PIDS=()		# background processes to stop on exit
T_CLEANUPS=()		# extra commands run on exit, last first
T_FAILED=0
T_PASSED=0
T_SKIPPED=0
T_DIR=

# t_init NAME: private directory, exit trap, counter file.
t_init() {
	T_NAME=$1
	T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/smtprobe-$T_NAME.XXXXXX") ||
	    { echo "FAIL $T_NAME: cannot make a temporary directory"; exit 1; }
	chmod 755 "$T_DIR"
	if [ -z "${T_COUNTS:-}" ]; then
		T_COUNTS=$T_DIR/counts
		T_OWN_COUNTS=1
	fi
	: >>"$T_COUNTS"
	trap t_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	T_START=$(date +%s)
}

# t_on_exit CMD...: run CMD (a string for eval) when the script exits.
t_on_exit() {
	T_CLEANUPS+=("$*")
}

t_cleanup() {
	local rc=$? i
	trap - EXIT
	for ((i = ${#T_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${T_CLEANUPS[$i]}" >/dev/null 2>&1
	done
	for i in "${T_PIDS[@]}"; do
		t_kill "$i"
	done
	if [ -n "$T_DIR" ] && [ -s "$T_DIR/.command-not-found" ]; then
		fail "$T_NAME.commands" "the test calls $(sort -u \
		    "$T_DIR/.command-not-found" | paste -sd, -), which do(es) not exist"
	fi
	if [ -n "$T_DIR" ]; then
		# T_QUIET: not a test (the demo): no tally
		[ -n "${T_QUIET:-}" ] ||
		    echo "# $T_NAME: $T_PASSED passed, $T_FAILED failed," \
		    "$T_SKIPPED skipped in $(( $(date +%s) - T_START ))s"
		if [ "$T_FAILED" -ne 0 ] || [ "${T_KEEP:-0}" = 1 ]; then
			echo "# logs kept in $T_DIR"
		else
			rm -rf "$T_DIR"
		fi
	fi
	[ "$T_FAILED" -ne 0 ] && rc=1
	exit "$rc"
}

# t_kill PID: TERM, wait up to 2 s, then KILL. Only our own children.
t_kill() {
	local pid=$1 n=0
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null && [ $n -lt 20 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# t_bg NAME CMD...: start CMD in the background, output in $T_DIR/NAME.log.
# Sets T_BG_PID.
t_bg() {
	local name=$1
	shift
	"$@" >"$T_DIR/$name.log" 2>&1 </dev/null &
	T_BG_PID=$!
	T_PIDS+=("$T_BG_PID")
}

# free_ports N [ADDR]: print N distinct free ports, one a line, free for
# both TCP and UDP. They are drawn at random from outside the kernel's
# ephemeral range (ip_local_port_range): a port that bind(0) hands out
# can be taken a moment later by any outgoing connection on the machine
# (a test's own client, a previous session's TIME_WAIT), and a server
# started afterwards then fails with "Address already in use". Ports
# handed out earlier in this test (listed in $T_DIR/.free_ports: not a
# name a test uses for its own ready files; callers use
# $(...), so a shell variable would not last) are not handed out again.
free_ports() {
	local out given=
	[ -n "$T_DIR" ] && [ -f "$T_DIR/.free_ports" ] &&
	    given=$(cat "$T_DIR/.free_ports")
	out=$(python3 - "$1" "${2:-127.0.0.1}" "$given" <<'EOF'
import random, socket, sys
n, addr, given = int(sys.argv[1]), sys.argv[2], set(sys.argv[3].split())
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        lo, hi = (int(x) for x in f.read().split())
except (OSError, ValueError):
    lo, hi = 32768, 60999
if lo > 11024:
    pool = range(10000, lo)
elif hi < 64511:
    pool = range(hi + 1, 65536)
else:
    pool = range(1024, 65536)
socks, ports = [], []
for _ in range(20000):
    if len(ports) == n:
        break
    p = random.choice(pool)
    if str(p) in given or p in ports:
        continue
    t = socket.socket(fam, socket.SOCK_STREAM)
    u = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        t.bind((addr, p))
        u.bind((addr, p))
    except OSError:
        t.close()
        u.close()
        continue
    socks += [t, u]
    ports.append(p)
if len(ports) != n:
    sys.exit("free_ports: no %d free ports on %s" % (n, addr))
for p in ports:
    print(p)
EOF
) || return 1
	[ -n "$T_DIR" ] && printf '%s\n' "$out" >>"$T_DIR/.free_ports"
	printf '%s\n' "$out"
}

free_port() {
	free_ports 1 "${1:-127.0.0.1}"
}

# wait_port ADDR PORT [SECONDS]: wait until something listens there,
# without connecting (a connection would show in the server's log) and
# without iproute2: the kernel's /proc/net/tcp{,6} tables are enough.
wait_port() {
	local addr=$1 port=$2 limit=${3:-10} n=0 want hexport a b c d
	hexport=$(printf '%04X' "$port")
	case $addr in
	*:*)	want=":$hexport"	# IPv6: match the port only
		;;
	*)	IFS=. read -r a b c d <<<"$addr"
		# /proc prints the address as a host-order word (x86, arm64:
		# little endian)
		want="$(printf '%02X%02X%02X%02X' "$d" "$c" "$b" "$a"):$hexport"
		;;
	esac
	while [ $n -lt $((limit * 10)) ]; do
		# state 0A is LISTEN; $2 is ADDR:PORT in hex
		if awk -v w="$want" '$4 == "0A" &&
		    substr($2, length($2) - length(w) + 1) == w { f = 1 }
		    END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
		then
			return 0
		fi
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# wait_file FILE [SECONDS]: wait until FILE exists and is not empty.
wait_file() {
	local f=$1 limit=${2:-10} n=0
	while [ $n -lt $((limit * 10)) ]; do
		[ -s "$f" ] && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# need_probe: stop the script (one FAIL) if the binary is missing.
need_probe() {
	if [ ! -x "$SMTPROBE" ]; then
		fail "$T_NAME" "$SMTPROBE not built (run make)"
		exit 1
	fi
}

# --- counting --------------------------------------------------------

# Logs shown with a failure: set by the script (files in $T_DIR).
T_SHOW_LOGS=()

pass() {
	echo "PASS $1"
	echo "PASS $1" >>"$T_COUNTS"
	T_PASSED=$((T_PASSED + 1))
}

# skip NAME REASON: a row that could not run here (a tool or a privilege
# is missing). It is neither a pass nor a failure: it is printed as SKIP,
# counted (tests/run.sh reports the count) and fails CI (.ci/run), which
# has every tool the tests need.
skip() {
	local name=$1
	shift
	echo "SKIP $name: $*"
	echo "SKIP $name" >>"$T_COUNTS"
	T_SKIPPED=$((T_SKIPPED + 1))
}

# fail NAME REASON: print the reason, then the tail of the logs and the
# probe output of the row, indented, so a CI log explains itself.
fail() {
	local name=$1 f
	shift
	echo "FAIL $name: $*"
	echo "FAIL $name" >>"$T_COUNTS"
	T_FAILED=$((T_FAILED + 1))
	if [ -n "${ROW_CMD:-}" ]; then
		echo "    command: $ROW_CMD"
		echo "    exit status: $ROW_RC"
	fi
	for f in "${ROW_OUT:-}" "${ROW_ERR:-}" "${T_SHOW_LOGS[@]}"; do
		[ -n "$f" ] && [ -s "$f" ] || continue
		echo "    --- ${f#$T_DIR/} (tail)"
		tail -n "${T_TAIL:-25}" "$f" | cut -c1-300 | sed 's/^/    | /'
	done
}

# --- table rows ------------------------------------------------------

ROW_NAME=
ROW_WHY=()
ROW_CHECKS=()

# row NAME EXIT ARGS...: run "smtprobe check --json ARGS..." bounded by
# ROW_LIMIT seconds (default 30); EXIT is the expected exit status or
# "-" for any. With ROW_WRAP set (e.g. "unshare -n") the probe runs
# under that command.
row() {
	ROW_NAME=$1
	local want=$2
	shift 2
	ROW_WHY=()
	# Every JSON row: the document follows the contract and the exit
	# status agrees with its "status".
	ROW_CHECKS=(:: valid)
	ROW_OUT=$T_DIR/$ROW_NAME.json
	ROW_ERR=$T_DIR/$ROW_NAME.err
	ROW_CMD="${ROW_WRAP:+$ROW_WRAP }smtprobe check --json $*"
	local t0 t1
	t0=$(date +%s%N)
	timeout -k 2 "${ROW_LIMIT:-30}" ${ROW_WRAP:-} "$SMTPROBE" check --json \
	    "$@" >"$ROW_OUT" 2>"$ROW_ERR" </dev/null
	ROW_RC=$?
	t1=$(date +%s%N)
	ROW_MS=$(( (t1 - t0) / 1000000 ))
	if [ "$ROW_RC" = 124 ] || [ "$ROW_RC" = 137 ]; then
		ROW_WHY+=("smtprobe did not finish within ${ROW_LIMIT:-30}s")
	else
		ROW_CHECKS+=(:: exit "$ROW_RC")
		if [ "$want" != - ] && [ "$ROW_RC" != "$want" ]; then
			ROW_WHY+=("exit status $ROW_RC, expected $want")
		fi
	fi
}

# human_row NAME EXIT ARGS...: "smtprobe check ARGS" twice, with --json
# (as row) and as the human report ($T_DIR/NAME.txt): both exit EXIT and
# the report says what the JSON says (tests/lib/humancheck.py). The
# target must answer the same both times.
human_row() {
	local name=$1 want=$2 txt rc out w
	shift 2
	row "$name" "$want" "$@"
	txt=$T_DIR/$name.txt
	timeout -k 2 "${ROW_LIMIT:-30}" ${ROW_WRAP:-} "$SMTPROBE" check "$@" \
	    >"$txt" 2>"$T_DIR/$name.txt.err" </dev/null
	rc=$?
	if [ "$want" != - ] && [ "$rc" != "$want" ]; then
		ROW_WHY+=("human report: exit status $rc, expected $want")
	fi
	if ! out=$(python3 "$T_LIB/humancheck.py" "$ROW_OUT" "$txt" 2>&1); then
		while IFS= read -r w; do
			ROW_WHY+=("human report: $w")
		done <<<"${out:-humancheck failed}"
	fi
}

# row_raw NAME EXIT ARGS...: like row but without "check --json" (usage
# errors and other output modes); ROW_WRAP as for row.
row_raw() {
	ROW_NAME=$1
	local want=$2
	shift 2
	ROW_WHY=()
	ROW_CHECKS=()
	ROW_OUT=$T_DIR/$ROW_NAME.out
	ROW_ERR=$T_DIR/$ROW_NAME.err
	ROW_CMD="${ROW_WRAP:+$ROW_WRAP }smtprobe $*"
	local t0 t1
	t0=$(date +%s%N)
	timeout -k 2 "${ROW_LIMIT:-30}" ${ROW_WRAP:-} "$SMTPROBE" "$@" \
	    >"$ROW_OUT" 2>"$ROW_ERR" </dev/null
	ROW_RC=$?
	t1=$(date +%s%N)
	ROW_MS=$(( (t1 - t0) / 1000000 ))
	if [ "$want" != - ] && [ "$ROW_RC" != "$want" ]; then
		ROW_WHY+=("exit status $ROW_RC, expected $want")
	fi
}

# expect CHECK ARGS...: one jcheck.py assertion on the row's output.
# They are collected and run together by end_row (one Python start-up
# per row, not per assertion).
expect() {
	ROW_CHECKS+=(:: "$@")
}

# expect_ms_below MS: the whole run took less than MS milliseconds
# (catches a deadline that is not honoured).
expect_ms_below() {
	if [ -z "${ROW_MS:-}" ]; then
		ROW_WHY+=("no time measured for this row")
	elif [ "$ROW_MS" -ge "$1" ]; then
		ROW_WHY+=("took ${ROW_MS} ms, expected < $1 ms")
	fi
}

# expect_grep REGEX: the row's stdout matches (for non-JSON modes).
expect_grep() {
	if ! grep -Eq -- "$1" "$ROW_OUT"; then
		ROW_WHY+=("output does not match /$1/")
	fi
}

# expect_nogrep REGEX: the row's stdout does not match.
expect_nogrep() {
	if grep -Eq -- "$1" "$ROW_OUT"; then
		ROW_WHY+=("output matches /$1/")
	fi
}

# expect_stderr REGEX
expect_stderr() {
	if ! grep -Eq -- "$1" "$ROW_ERR"; then
		ROW_WHY+=("stderr does not match /$1/")
	fi
}

# A misspelt helper in a row (expect_nogerp ...) must fail that row, not
# print "command not found" and let it pass: bash runs this handler in a
# subshell, so it leaves a note that end_row reads.
command_not_found_handle() {
	if [ -n "${T_DIR:-}" ] && [ -d "$T_DIR" ]; then
		printf '%s\n' "$1" >>"$T_DIR/.command-not-found"
	fi
	printf '%s: command not found\n' "$1" >&2
	return 127
}

end_row() {
	local why= w out
	if [ -s "${T_DIR:-/nonexistent}/.command-not-found" ]; then
		while IFS= read -r w; do
			ROW_WHY+=("the test calls $w, which does not exist")
		done <"$T_DIR/.command-not-found"
		: >"$T_DIR/.command-not-found"
	fi
	if [ ${#ROW_CHECKS[@]} -gt 0 ]; then
		if ! out=$($JCHECK "$ROW_OUT" "${ROW_CHECKS[@]}" 2>&1); then
			while IFS= read -r w; do
				ROW_WHY+=("$w")
			done <<<"${out:-jcheck failed}"
		fi
	fi
	for w in "${ROW_WHY[@]}"; do
		why=${why:+$why; }$w
	done
	if [ -z "$why" ]; then
		pass "$ROW_NAME"
	else
		fail "$ROW_NAME" "$why"
	fi
	ROW_CMD=
	ROW_OUT=
	ROW_ERR=
	ROW_MS=
	ROW_CHECKS=()
}
