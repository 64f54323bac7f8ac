#!/usr/bin/env bash
# newcomer.sh - the first hour of someone who just cloned the tree: the
# quick start is two commands, a fresh clone builds with them, and `make
# demo` shows what it promises and ends cleanly on Ctrl-C.
#
#	newcomer.quick-start	README's quick start is `make deps && make
#				demo` and `make check`
#	newcomer.clone		a fresh clone has what the build needs
#				(make -n all check demo deps succeed in it, and
#				nothing it builds is tracked by git)
#	newcomer.demo.*		make demo on this tree: alerts for the broken
#				domains within a minute, what show says of
#				them (lame.example's two SPF records), and
#				Ctrl-C (SIGINT to the terminal's process group)
#				stops everything it started, removes its
#				directory, exits 0, with no test tally or
#				make error on the way out

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

t_init newcomer
need_probe

ROW_WHY=()
why() {
	ROW_WHY+=("$*")
}
# done_row NAME: PASS, or FAIL with the reasons gathered
done_row() {
	local w all=
	for w in "${ROW_WHY[@]}"; do
		all=${all:+$all; }$w
	done
	if [ -z "$all" ]; then
		pass "$1"
	else
		fail "$1" "$all"
	fi
	ROW_WHY=()
}

# ---- the quick start -------------------------------------------------

qs=$(sed -n '/^## Quick start/,/^## /p' "$T_TOP/README.md" |
    grep -E '^    make ' | sed -E 's/ +#.*//; s/^ +//')
if [ "$qs" = "$(printf 'make deps && make demo\nmake check')" ]; then
	pass newcomer.quick-start
else
	fail newcomer.quick-start "README's quick start is: $(echo "$qs" | tr '\n' '|')"
fi

# ---- a fresh clone ---------------------------------------------------------

if git -C "$T_TOP" rev-parse --git-dir >/dev/null 2>&1; then
	C=$T_DIR/clone
	if ! git clone -q "$T_TOP" "$C" 2>"$T_DIR/clone.log"; then
		why "git clone failed: $(head -n 3 "$T_DIR/clone.log")"
	else
		for goal in all check demo deps; do
			make -s -n -C "$C" "$goal" >"$T_DIR/make-n-$goal.log" 2>&1 ||
			    why "make -n $goal fails in a fresh clone:" \
			    "$(tail -n 3 "$T_DIR/make-n-$goal.log")"
		done
		grep -q 'apt-get install' "$T_DIR/make-n-deps.log" ||
		    why "make deps does not install the packages"
		# what the build makes is never tracked (a stale copy would
		# stand in for the real one)
		tracked=$(git -C "$C" ls-files | grep -E '\.(o|a|d)$|^probe/smtprobed?$|^\.build-' |
		    tr '\n' ' ')
		[ -z "$tracked" ] || why "build outputs tracked by git: $tracked"
	fi
	done_row newcomer.clone
else
	skip newcomer.clone "$T_TOP is not a git tree"
fi

# ---- make demo, then Ctrl-C -----------------------------------------------

if [ "$(id -u)" != 0 ] || ! command -v postfix >/dev/null ||
    ! command -v nsd >/dev/null; then
	fail newcomer.demo "needs root, postfix and nsd (make deps)"
	exit 1
fi
OUT=$T_DIR/demo.out
T_SHOW_LOGS+=("$OUT")
# a process group of its own, as a terminal gives a foreground job
setsid make -C "$T_TOP" demo >"$OUT" 2>&1 </dev/null &
DEMO=$!
T_PIDS+=("$DEMO")
alerted() {	# every broken domain has its ALERT line
	local d
	for d in expired relay lame; do
		grep -q "^smtprobed: ALERT target=domain:$d\\.example " "$OUT" ||
		    return 1
	done
}
n=0
until alerted || [ $n -ge 900 ]; do
	sleep 0.1
	n=$((n + 1))
done
SOCK=$(sed -n 's/^smtprobed: started: .*, control \([^,]*\), store .*/\1/p' "$OUT")
DDIR=$(dirname "${SOCK:-/nonexistent/x}")
for d in expired relay lame; do
	grep -q "^smtprobed: ALERT target=domain:$d\\.example " "$OUT" ||
	    why "no ALERT line for $d.example within 90 s"
done
done_row newcomer.demo.alerts

# what the README and the demo say each broken domain shows, in a run
# with the full DNS audit (probe), as the demo prints the commands
for d in expired lame relay; do
	"$SMTPROBE" probe --json -s "$SOCK" "$d.example" >"$T_DIR/$d.json" \
	    2>&1
done
for f in expired:tls.cert.expired expired:spf.permissive \
    lame:mx.no-address lame:spf.multiple relay:policy.open-relay \
    relay:dmarc.policy-none; do
	grep -q "\"id\":\"${f#*:}\"" "$T_DIR/${f%%:*}.json" ||
	    why "${f%%:*}.example: no ${f#*:}: $(head -c 200 "$T_DIR/${f%%:*}.json")"
done
grep -q "show expired.example -s " "$OUT" ||
    why "the demo does not print a show command with a plain name"
done_row newcomer.demo.findings

# Ctrl-C: SIGINT to the whole process group, as the terminal sends it
kill -INT -- "-$DEMO" 2>/dev/null
n=0
while kill -0 "$DEMO" 2>/dev/null && [ $n -lt 200 ]; do
	sleep 0.1
	n=$((n + 1))
done
if kill -0 "$DEMO" 2>/dev/null; then
	why "make demo still runs 20 s after Ctrl-C"
	kill -KILL -- "-$DEMO" 2>/dev/null
else
	wait "$DEMO"
	rc=$?
	[ "$rc" = 0 ] || why "make demo exited $rc after Ctrl-C"
fi
left=$(ps -o pid=,args= -g "$DEMO" 2>/dev/null | tr '\n' ' ')
[ -z "$left" ] || why "left running: $left"
left=$(pgrep -af "$DDIR" | tr '\n' ' ')
[ -z "$left" ] || why "left running: $left"
[ ! -e "$DDIR" ] || why "$DDIR was not removed"
grep -q '^smtprobed: stopped$' "$OUT" || why "smtprobed did not say it stopped"
grep -q '^demo: smtprobed stopped; stopping Postfix and NSD' "$OUT" ||
    why "the demo did not say it stops"
NOISE='^# demo:|passed, [0-9]+ failed|^make(\[[0-9]+\])?: \*\*\*|Interrupt'
grep -Eq "$NOISE" "$OUT" &&
    why "noise on the way out: $(grep -E "$NOISE" "$OUT" | head -n 3 | tr '\n' ' ')"
done_row newcomer.demo.ctrl-c
