#!/usr/bin/env bash
# spf-suite.sh - lib/spf.c against the RFC 7208 conformance suite
# (tests/spf/rfc7208-tests.yml, openspf.org release 2014.04).
#
#	spf.SCENARIO/TEST	one row per test of the suite: the result is
#				one the suite accepts, the explanation is the
#				one it gives (if any), and evaluating by
#				SPF_NEED_DNS rounds agrees with evaluating
#				against a view that has every answer at once
#	spf-suite		the suite could be converted and run at all
#
# Needs python3 with PyYAML (Debian: python3-yaml) to turn the YAML into
# JSON, and tests/tools/spf_suite (built here if missing).

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

if [ -f "$TOP/tests/lib/common.sh" ]; then
	# shellcheck source=tests/lib/common.sh
	. "$TOP/tests/lib/common.sh"
	t_init spf-suite
else
	SPF_FAILED=0
	T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/smtprobe-spf.XXXXXX") || exit 1
	trap 'rm -rf "$T_DIR"' EXIT
	pass() {
		echo "PASS $1"
	}
	fail() {
		local name=$1
		shift
		echo "FAIL $name: $*"
		SPF_FAILED=1
	}
fi

suite=$TOP/tests/spf/rfc7208-tests.yml
driver=$TOP/tests/tools/spf_suite

run_suite() {
	local py='' p verdict rest out=$T_DIR/spf-suite.out rc

	# pyenv's python3 may come first on PATH without PyYAML: prefer
	# Debian's, which python3-yaml serves.
	for p in /usr/bin/python3 python3; do
		if "$p" -c 'import yaml' >/dev/null 2>&1; then
			py=$p
			break
		fi
	done
	if [ -z "$py" ]; then
		fail spf-suite "no python3 with PyYAML (apt-get install python3-yaml)"
		return
	fi
	if [ ! -x "$driver" ] &&
	    ! make -C "$TOP" -s tests/tools/spf_suite >"$T_DIR/make.log" 2>&1; then
		fail spf-suite "cannot build tests/tools/spf_suite:" \
		    "$(tail -n 5 "$T_DIR/make.log")"
		return
	fi
	if ! "$py" "$TOP/tests/spf/yaml2json.py" "$suite" \
	    >"$T_DIR/suite.json" 2>"$T_DIR/yaml.err"; then
		fail spf-suite "yaml2json.py: $(tail -n 3 "$T_DIR/yaml.err")"
		return
	fi
	"$driver" "$T_DIR/suite.json" >"$out" 2>"$T_DIR/driver.err"
	rc=$?
	while read -r verdict rest; do
		case $verdict in
		PASS)
			pass "spf.$rest" ;;
		FAIL)
			fail "spf.${rest%%: *}" "${rest#*: }" ;;
		spf-suite:)
			echo "# spf-suite: $rest" ;;
		esac
	done <"$out"
	# 1 is "some test failed", already reported row by row.
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		fail spf-suite "spf_suite exited $rc: $(tail -n 3 "$T_DIR/driver.err")"
	elif ! grep -q '^spf-suite: ' "$out"; then
		fail spf-suite "spf_suite did not finish"
	fi
}

run_suite

if [ -z "${T_NAME:-}" ]; then
	exit "$SPF_FAILED"
fi
