#!/usr/bin/env bash
# store.sh - the rolling store (lib/store.c) against kill -9, SIGTERM and a
# full disk, through tests/tools/store_crash (its throughput is a
# benchmark: bench/store_bench.sh). One row per behaviour:
#
#	store.kill9.N		a writer killed at a random moment, N times on
#				the same database: integrity_check ok (the
#				tool's and sqlite3's), every session up to the
#				last "committed" there, no hole, a session and
#				its finding together
#	store.kill9-retention.N	the same with retention by size trimming
#				while it is killed: no hole, newest kept
#	store.sigterm		SIGTERM: everything queued is written
#	store.mode		database, -wal and -shm are mode 0640
#	store.disk-full		a tmpfs that fills up (private mount
#				namespace): writes fail and are counted, the
#				writer goes on, and resumes once there is room
#	store.sqlite3-shell	SKIP when the sqlite3 shell is missing: the
#				verify rows then have only the tool's
#				integrity_check, not the shell's too
#
# Everything lives in this script's private directory; the only
# processes are the writers it starts, stopped by PID.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lib/common.sh
. "$TOP/tests/lib/common.sh"
t_init store

CRASH=${STORE_CRASH:-$TOP/tests/tools/store_crash}

if [ ! -x "$CRASH" ]; then
	fail store.setup "$CRASH not built (make ${CRASH#"$TOP"/})"
	exit 1
fi
HAVE_SQLITE3=0
if command -v sqlite3 >/dev/null 2>&1; then
	HAVE_SQLITE3=1
else
	skip store.sqlite3-shell "sqlite3 (package sqlite3) missing: no second" \
	    "integrity_check by the sqlite3 shell"
fi

# rand_sleep MIN_MS SPAN_MS: sleep MIN_MS plus a random part of SPAN_MS.
rand_sleep() {
	local ms=$(($1 + RANDOM % $2))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
}

# last_committed LOG: the last "committed N" (0 when none).
last_committed() {
	local n
	n=$(sed -n 's/^committed \([0-9]*\)$/\1/p' "$1" | tail -n 1)
	echo "${n:-0}"
}

# verify NAME DB ARGS...: one row from "store_crash verify DB ARGS..."
# and, when present, the sqlite3 shell's own integrity_check.
verify() {
	local name=$1 db=$2 out ic why=
	shift 2
	out=$T_DIR/$name.verify
	if ! "$CRASH" verify "$db" "$@" >"$out" 2>&1; then
		why="store_crash verify: $(grep -v '^verdict' "$out" |
		    tr '\n' ' ')"
	fi
	if [ "$HAVE_SQLITE3" = 1 ]; then
		ic=$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)
		[ "$ic" = ok ] || why="${why:+$why; }sqlite3 integrity_check: $ic"
	fi
	if [ -z "$why" ]; then
		pass "$name"
	else
		T_SHOW_LOGS=("$out" "$T_DIR/$name.log")
		fail "$name" "$why"
		T_SHOW_LOGS=()
	fi
}

# kill_round NAME DB [write options]: start a writer, let it commit at
# least once, kill -9 it at a random moment, verify.
kill_round() {
	local name=$1 db=$2 pid committed
	shift 2
	t_bg "$name" "$CRASH" write "$db" "$@"
	pid=$T_BG_PID
	if ! wait_file "$T_DIR/$name.log" 20; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		fail "$name" "the writer committed nothing in 20 s"
		return
	fi
	rand_sleep 50 1500
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	committed=$(last_committed "$T_DIR/$name.log")
	verify "$name" "$db" "$committed" "${VERIFY_OPTS[@]}"
}

# --- file modes ----------------------------------------------------------

# The files a killed writer leaves, as it left them (a clean close, or
# anything that opens the database after, removes the WAL). The umask is
# the loosest, to see that the mode is the store's, not the umask's.
DBM=$T_DIR/mode.db
(umask 000 && exec "$CRASH" write "$DBM") >"$T_DIR/store.mode.log" 2>&1 &
pid=$!
T_PIDS+=("$pid")
if wait_file "$T_DIR/store.mode.log" 20; then
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	why=
	for f in "$DBM" "$DBM-wal" "$DBM-shm"; do
		if [ ! -e "$f" ]; then
			why="${why:+$why; }${f##*/} missing"
		elif [ "$(stat -c %a "$f")" != 640 ]; then
			why="${why:+$why; }${f##*/} mode $(stat -c %a "$f")"
		fi
	done
	if [ -z "$why" ]; then pass store.mode; else fail store.mode "$why"; fi
else
	kill -KILL "$pid" 2>/dev/null
	fail store.mode "the writer committed nothing in 20 s"
fi

# --- kill -9 while writing --------------------------------------------

DB=$T_DIR/history.db
VERIFY_OPTS=()
for i in 1 2 3 4 5; do
	kill_round "store.kill9.$i" "$DB"
done

# Retention by size at work when the kill comes: the oldest go, but
# never from the middle, and nothing committed is lost from the end.
DB2=$T_DIR/retained.db
VERIFY_OPTS=(-r)
for i in 1 2 3; do
	kill_round "store.kill9-retention.$i" "$DB2" -s 2000000
done

# --- SIGTERM: flush and close ------------------------------------------

DB3=$T_DIR/term.db
t_bg store.sigterm "$CRASH" write "$DB3"
pid=$T_BG_PID
if wait_file "$T_DIR/store.sigterm.log" 20; then
	rand_sleep 100 500
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	closed=$(sed -n 's/^closed \([0-9]*\)$/\1/p' "$T_DIR/store.sigterm.log")
	if [ -z "$closed" ]; then
		fail store.sigterm "no \"closed\" line after SIGTERM"
	else
		# every session queued before the close is there
		verify store.sigterm "$DB3" "$closed"
		n=$(sed -n 's/^sessions=\([0-9]*\) .*/\1/p' \
		    "$T_DIR/store.sigterm.verify")
		if [ "$n" != "$closed" ]; then
			fail store.sigterm-all "$n sessions, $closed queued"
		else
			pass store.sigterm-all
		fi
	fi
else
	kill -KILL "$pid" 2>/dev/null
	fail store.sigterm "the writer committed nothing in 20 s"
fi

# --- a full disk ---------------------------------------------------------

# A 1 MiB tmpfs in a private mount namespace fills up at 2000 sessions a
# second. Once the writer reports the disk full (a "stats" line with
# failing=1) and has written a few more stats lines while failing, the
# tmpfs is grown to 64 MiB; once it reports writing again and a stats
# line with failing=0 follows, it is stopped. The writer must keep going
# throughout, log the failure once (the interval is 10 s here) and its
# end once, and write again. Each wait is bounded (20 s).
MNT=$T_DIR/mnt
mkdir -p "$MNT"
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	unshare -m bash -c '
		# until [ LINES of the log after line FROM match RE ] (bounded)
		wait_log() {
			local n=0
			until [ "$(tail -n +"$1" "$L" | grep -cE "$2")" -ge "$3" ]
			do
				[ $n -ge 200 ] && return 1
				sleep 0.1
				n=$((n + 1))
			done
		}
		L=$3
		mount -t tmpfs -o size=1m,mode=0755 tmpfs "$1" || exit 99
		"$2" write "$1/h.db" -q -R 2000 -e 10 >"$L" 2>&1 &
		p=$!
		# full, and still failing a few stats lines (0.6 s) later
		wait_log 1 "^stats .* failing=1" 3 ||
		    echo "wait: the disk never filled" >>"$L"
		mount -o remount,size=64m "$1"
		from=$(($(wc -l <"$L") + 1))
		wait_log "$from" "writing again" 1 &&
		    wait_log "$from" "^stats .* failing=0" 1 ||
		    echo "wait: writing did not resume" >>"$L"
		kill -TERM $p
		wait $p
		echo "exit=$?" >>"$L"
		"$2" verify "$1/h.db" -H >"$4" 2>&1
		echo "verify=$?" >>"$4"
		umount "$1"
	' _ "$MNT" "$CRASH" "$T_DIR/store.disk-full.log" \
	    "$T_DIR/store.disk-full.verify"
	rc=$?
	L=$T_DIR/store.disk-full.log
	T_SHOW_LOGS=("$L" "$T_DIR/store.disk-full.verify")
	if [ $rc = 99 ]; then
		skip store.disk-full "cannot mount a tmpfs here"
	elif grep -q '^wait: ' "$L"; then
		fail store.disk-full "$(grep '^wait: ' "$L" | tr '\n' ' ')"
	elif ! grep -q '^stats .* failing=1' "$L"; then
		fail store.disk-full "the writer never saw the disk full"
	elif ! grep -q 'cannot write: database or disk is full' "$L"; then
		fail store.disk-full "no log line for the full disk"
	elif [ "$(grep -c 'cannot write' "$L")" != 1 ]; then
		fail store.disk-full "the failure was logged" \
		    "$(grep -c 'cannot write' "$L") times, once expected"
	elif ! grep -q '^exit=0$' "$L" || ! grep -q '^closed ' "$L"; then
		fail store.disk-full "the writer did not go on to a clean exit"
	elif [ "$(grep -c 'writing again' "$L")" != 1 ] ||
	    [ "$(grep '^stats' "$L" | tail -n 1 | sed 's/.*failing=//')" != 0 ]
	then
		fail store.disk-full "writing did not resume with room on disk"
	elif ! grep -q '^verify=0$' "$T_DIR/store.disk-full.verify"; then
		fail store.disk-full "database damaged after the full disk"
	else
		pass store.disk-full
	fi
	T_SHOW_LOGS=()
else
	skip store.disk-full "needs root and a mount namespace"
fi
