#!/usr/bin/env bash
# docs.sh - the manual pages are clean and in step with the code.
#
#	docs.lint.PAGE	mandoc -T lint -W warning reports nothing for man/PAGE
#	docs.findings	every id of the table in lib/finding.c has an entry
#			in man/smtprobe-findings.7
#	docs.options	every long option of probe/smtprobe.c's getopt_long
#			table is documented in man/smtprobe.1 (skipped with a
#			notice until probe/smtprobe.c exists)

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

if [ -f "$TOP/tests/lib/common.sh" ]; then
	# shellcheck source=tests/lib/common.sh
	. "$TOP/tests/lib/common.sh"
	t_init docs
else
	DOCS_FAILED=0
	pass() {
		echo "PASS $1"
	}
	fail() {
		local name=$1
		shift
		echo "FAIL $name: $*"
		DOCS_FAILED=1
	}
fi

# Escape a literal string for use in an extended regular expression.
ere_quote() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# (a) lint, one row per page.
lint_pages() {
	local page out n=0

	if ! command -v mandoc >/dev/null 2>&1; then
		fail docs.lint "mandoc is not installed"
		return
	fi
	for page in "$TOP"/man/*.[1-8]; do
		[ -f "$page" ] || continue
		n=$((n + 1))
		if out=$(mandoc -T lint -W warning "$page" 2>&1) &&
		    [ -z "$out" ]; then
			pass "docs.lint.${page##*/}"
		else
			fail "docs.lint.${page##*/}" \
			    "$(printf '%s' "$out" | head -n 5 | tr '\n' ' ')"
		fi
	done
	[ $n -gt 0 ] || fail docs.lint "no manual page in man/"
}

# (b) every finding id has an entry (an .It line naming it).
check_findings() {
	local src=$TOP/lib/finding.c page=$TOP/man/smtprobe-findings.7
	local ids id missing=() n=0

	if [ ! -f "$src" ]; then
		fail docs.findings "lib/finding.c not found"
		return
	fi
	if [ ! -f "$page" ]; then
		fail docs.findings "man/smtprobe-findings.7 not found"
		return
	fi
	# Table rows look like: [F_X] = { "layer.what.ever", N, SEV_...
	ids=$(grep -oE '=[[:space:]]*\{[[:space:]]*"[a-z0-9-]+(\.[a-z0-9-]+)+"' \
	    "$src" | sed -E 's/.*"([^"]+)"/\1/')
	for id in $ids; do
		n=$((n + 1))
		if ! grep -Eq "^\.It([[:space:]].*)?[[:space:]]$(ere_quote "$id")([[:space:]]|$)" \
		    "$page"; then
			missing+=("$id")
		fi
	done
	if [ $n -eq 0 ]; then
		fail docs.findings "no finding id found in lib/finding.c"
	elif [ ${#missing[@]} -ne 0 ]; then
		fail docs.findings "${#missing[@]} of $n ids without an entry:" \
		    "${missing[*]}"
	else
		pass docs.findings
	fi
}

# (c) every long option is in the rendered smtprobe(1).
check_options() {
	local src=$TOP/probe/smtprobe.c page=$TOP/man/smtprobe.1
	local opts opt text missing=() n=0

	if [ ! -f "$src" ]; then
		echo "# docs.options: skipped, probe/smtprobe.c does not exist yet"
		return
	fi
	if [ ! -f "$page" ]; then
		fail docs.options "man/smtprobe.1 not found"
		return
	fi
	# The entries of the struct option array(s): { "name", ...
	opts=$(awk '/struct[[:space:]]+option[[:space:]]/ { on = 1 }
	    on { print } on && /};/ { on = 0 }' "$src" |
	    grep -oE '\{[[:space:]]*"[A-Za-z0-9-]+"[[:space:]]*,' |
	    sed -E 's/.*"([^"]+)".*/\1/' | sort -u)
	# Rendered text, overstrike removed, so "Fl Fl ports" reads --ports.
	text=$(mandoc -T ascii "$page" 2>/dev/null | sed 's/.\x08//g')
	for opt in $opts; do
		n=$((n + 1))
		if ! printf '%s\n' "$text" |
		    grep -Eq -- "--$(ere_quote "$opt")([^A-Za-z0-9-]|$)"; then
			missing+=("--$opt")
		fi
	done
	if [ $n -eq 0 ]; then
		fail docs.options "no long option found in probe/smtprobe.c"
	elif [ ${#missing[@]} -ne 0 ]; then
		fail docs.options "${#missing[@]} of $n long options not in" \
		    "smtprobe(1): ${missing[*]}"
	else
		pass docs.options
	fi
}

lint_pages
check_findings
check_options

if [ -z "${T_DIR:-}" ]; then
	exit "$DOCS_FAILED"
fi
