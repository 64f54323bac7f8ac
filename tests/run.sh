#!/usr/bin/env bash
# run.sh - run the test tiers and total them.
#
#	tests/run.sh [unit|scenario]	(both when no argument)
#
# unit:     every built tests/unit/test_* binary (cmocka); each test case
#           counts, read from cmocka's TAP output.
# scenario: every tests/scenario/*.sh; each PASS/FAIL/SKIP row counts
#           (the scripts share one counter file through T_COUNTS).
# A row that cannot run here (a tool or a privilege missing) is a SKIP
# row: it is listed again at the end and counted apart.
# Ends with "N skipped", then the last line, "N passed, N failed" (what
# CI reads); exit status 1 when anything failed (a skip alone is not a
# failure here; .ci/run fails on it). Run as root from the top of a built tree (make check
# does both).

# make calls "sh tests/run.sh": this script needs bash.
if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
what=${1:-all}
case $what in
unit | scenario | all) ;;
*)
	echo "usage: tests/run.sh [unit|scenario]" >&2
	exit 2
	;;
esac

passed=0
failed=0
skipped=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/smtprobe-run.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

# A scenario or unit binary must not hang the whole run.
SCRIPT_LIMIT=${SCRIPT_LIMIT:-300}

run_unit() {
	local src bin name out rc p f s line
	for src in tests/unit/test_*.c; do
		[ -e "$src" ] || continue
		bin=${src%.c}
		name=${bin##*/}
		if [ ! -x "$bin" ]; then
			echo "FAIL unit.$name: not built (make unit)"
			failed=$((failed + 1))
			continue
		fi
		out=$WORK/$name.out
		CMOCKA_MESSAGE_OUTPUT=TAP timeout -k 5 "$SCRIPT_LIMIT" \
		    "./$bin" >"$out" 2>&1
		rc=$?
		p=0
		f=0
		s=0
		while IFS= read -r line; do
			case $line in
			*"ok "*"# SKIP"*)
				# cmocka: "not ok N # SKIP name"
				s=$((s + 1))
				line=${line##*# SKIP}
				echo "SKIP unit.$name.${line# }"
				echo "SKIP unit.$name.${line# }" >>"$WORK/skips"
				;;
			"ok "*)
				p=$((p + 1))
				echo "PASS unit.$name.${line#ok * - }"
				;;
			"not ok "*)
				f=$((f + 1))
				echo "FAIL unit.$name.${line#not ok * - }"
				;;
			esac
		done <"$out"
		if [ $((p + f + s)) -eq 0 ]; then
			# Not TAP (an older cmocka): count its own report.
			p=$(grep -c '^\[       OK \]' "$out")
			f=$(grep -c '^\[  FAILED  \] [^0-9]' "$out")
			f=$((f / 2))	# listed once when run, once in the summary
			grep -E '^\[ +(OK|FAILED) +\]' "$out" | sed 's/^/    /'
		fi
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "FAIL unit.$name: exit status $rc with no failed case"
			f=1
		fi
		if [ "$f" -ne 0 ]; then
			sed 's/^/    | /' "$out" | tail -n 40
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
	done
}

run_scenario() {
	local s name counts before_p before_f before_s p f k rc
	counts=$WORK/counts
	: >"$counts"
	for s in tests/scenario/*.sh; do
		[ -e "$s" ] || continue
		name=${s##*/}
		name=${name%.sh}
		before_p=$(grep -c '^PASS' "$counts")
		before_f=$(grep -c '^FAIL' "$counts")
		before_s=$(grep -c '^SKIP' "$counts")
		echo "# scenario $name"
		T_COUNTS=$counts timeout -k 10 "$SCRIPT_LIMIT" bash "$s"
		rc=$?
		p=$(( $(grep -c '^PASS' "$counts") - before_p ))
		f=$(( $(grep -c '^FAIL' "$counts") - before_f ))
		k=$(( $(grep -c '^SKIP' "$counts") - before_s ))
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
				echo "FAIL scenario.$name: killed after ${SCRIPT_LIMIT}s"
			else
				echo "FAIL scenario.$name: exit status $rc, no row failed"
			fi
			echo "FAIL scenario.$name" >>"$counts"
		elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$k" -eq 0 ]; then
			echo "FAIL scenario.$name: ran no row"
			echo "FAIL scenario.$name" >>"$counts"
		fi
	done
	passed=$((passed + $(grep -c '^PASS' "$counts")))
	failed=$((failed + $(grep -c '^FAIL' "$counts")))
	skipped=$((skipped + $(grep -c '^SKIP' "$counts")))
	grep '^SKIP' "$counts" >>"$WORK/skips"
}

case $what in
unit) run_unit ;;
scenario) run_scenario ;;
all)
	run_unit
	run_scenario
	;;
esac

if [ -s "$WORK/skips" ]; then
	echo "# skipped, not run here:"
	sed 's/^SKIP /#   /' "$WORK/skips"
fi
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
