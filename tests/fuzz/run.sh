#!/bin/sh
# run.sh SECONDS - run every built fuzzer (tests/fuzz/build/fuzz_*) for
# SECONDS each, on a scratch copy of its seed corpus (corpus/NAME) so the
# checked-in seeds stay small. Crash inputs land in build/artifacts/.
# One PASS/FAIL line per fuzzer, then "N passed, N failed" (the line
# .ci/run counts). Exits 1 if any fuzzer fails, 2 on usage or when
# nothing is built.
set -u

secs=${1:-}
case $secs in
''|*[!0-9]*)
	echo "usage: sh tests/fuzz/run.sh SECONDS" >&2
	exit 2 ;;
esac

dir=$(cd "$(dirname "$0")" && pwd)
build=$dir/build
art=$build/artifacts
mkdir -p "$art" || exit 2

set -- "$build"/fuzz_*
if [ ! -x "$1" ]; then
	echo "run.sh: no fuzzers in $build; run make fuzz-build" >&2
	echo "0 passed, 1 failed"
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/smtprobe-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# UBSan in the fuzz build recovers by default: make it fatal here.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS

passed=0
failed=0
for bin in "$@"; do
	name=${bin##*/fuzz_}
	corpus=$work/$name
	log=$work/$name.log
	mkdir -p "$corpus"
	if [ -d "$dir/corpus/$name" ]; then
		cp "$dir/corpus/$name"/* "$corpus"/ 2>/dev/null
	fi
	dict=
	[ -f "$dir/fuzz_$name.dict" ] && dict=-dict=$dir/fuzz_$name.dict
	# max_len above REPLY_LINE_MAX so the too-long paths are reached
	"$bin" -max_total_time="$secs" -max_len=8192 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$art/fuzz_$name-" $dict "$corpus" \
	    >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		echo "FAIL fuzz_$name (exit $rc):"
		# the sanitizer's report, without the shadow-byte dump
		sed -n '/ERROR: \|runtime error:\|deadly signal/,/^SUMMARY:/p' \
		    "$log" | head -n 40
		tail -n 8 "$log"
		sed -n 's/.*Test unit written to /  artifact: /p' "$log"
	else
		passed=$((passed + 1))
		echo "PASS fuzz_$name: ${runs:-?} runs in ${secs}s," \
		    "${rate:-?} exec/s, cov ${cov:-?}," \
		    "corpus $(ls "$corpus" | wc -l) inputs"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
