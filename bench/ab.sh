#!/usr/bin/env bash
# ab.sh REV [N] [ROUNDS] - the session engine's CPU per probe at REV (the
# baseline) against the working tree, measured in the same run.
#
# Builds lib/libsmtprobe.a of REV in a temporary worktree, links
# bench/probe_bench.c of the working tree against both libraries, starts
# a private Postfix (tests/lib/postfix.sh) and runs N probes with each,
# ROUNDS times, alternating, for a recipient that is accepted and one that
# is refused (550 5.1.1: the refusal path names its cause through the
# knowledge base). Prints the CPU per probe of each and the ratio
# new/baseline per round and overall (median of the rounds); budget:
# within 3 % of the baseline. Run as root after "make" at the top;
# everything is on 127.0.0.1. Output: bench/out/ab/results.txt, the
# report on stdout and in bench/results/ (bench/lib.sh).
set -u
REV=${1:?usage: bench/ab.sh REV [N] [ROUNDS]}
N=${2:-300}
ROUNDS=${3:-7}
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib/common.sh"
. "$T_LIB/ca.sh"
. "$T_LIB/postfix.sh"
. "$TOP/bench/lib.sh"
t_init bench-ab
bench_begin ab "$@"
OUT=$TOP/bench/out/ab
RES=$OUT/results.txt
mkdir -p "$OUT"
echo "baseline=$REV" >"$RES"

git -C "$TOP" worktree add -q --detach "$T_DIR/base" "$REV" || exit 1
t_on_exit "git -C '$TOP' worktree remove --force '$T_DIR/base'"
make -C "$T_DIR/base" -j2 lib/libsmtprobe.a >"$T_DIR/base-build.log" 2>&1 ||
    { echo "cannot build $REV"; exit 1; }
PKG=$(pkg-config --cflags --libs libevent libevent_openssl openssl jansson ldns sqlite3 libsystemd)
for side in base new; do
	lib=$TOP/lib/libsmtprobe.a
	inc=$TOP/lib
	[ $side = base ] && lib=$T_DIR/base/lib/libsmtprobe.a &&
	    inc=$T_DIR/base/lib
	cc -O2 -g -std=c11 -D_GNU_SOURCE -I"$inc" -o "$T_DIR/pb-$side" \
	    "$TOP/bench/probe_bench.c" "$TOP/bench/stats.c" "$lib" $PKG ||
	    exit 1
done
ca_all "$T_DIR/ca" >"$T_DIR/ca.log" 2>&1 || exit 1
pf_setup "$T_DIR/pf" "$T_DIR/ca" && pf_start 2>"$T_DIR/pf.log" || exit 1
T_SHOW_LOGS=()	# a budget that fails is a number, not Postfix's trouble

cpu() {	# cpu SIDE RCPT: microseconds of CPU per probe
	PROBE_BENCH_RCPT=$2 "$T_DIR/pb-$1" cpu -p "$PF_OK" -c "$T_DIR/ca/ca.crt" \
	    -H mx.test.example -n "$N" 2>/dev/null |
	    sed -n 's/^eng\.cpu_us=\([0-9.]*\)$/\1/p'
}
for rcpt in accepted:user@test.example refused:nosuch@test.example; do
	for r in $(seq 1 "$ROUNDS"); do
		b=$(cpu base "${rcpt#*:}")
		n=$(cpu new "${rcpt#*:}")
		echo "# ${rcpt%%:*} recipient, round $r/$ROUNDS"
		{
			echo "${rcpt%%:*}.$r.base_us=$b"
			echo "${rcpt%%:*}.$r.new_us=$n"
			echo "${rcpt%%:*}.$r.ratio=$(python3 -c \
			    "print('%.3f' % ($n / $b))")"
		} >>"$RES"
	done
done
echo
python3 "$TOP/bench/report.py" ab "$RES" "$T_DIR/verdicts" | bench_report
bench_end
while IFS= read -r line; do
	case $line in
	PASS\ *)	pass "bench.${line#PASS }" ;;
	FAIL\ *)	name=${line#FAIL }
			fail "bench.${name%%:*}" "${name#*: }" ;;
	esac
done <"$T_DIR/verdicts"
