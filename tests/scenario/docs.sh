#!/usr/bin/env bash
# docs.sh - the manual pages are clean and in step with the code.
#
#	docs.lint.PAGE	mandoc -T lint -W warning reports nothing for man/PAGE
#	docs.findings	every id of the table in lib/finding.c has an entry
#			in man/smtprobe-findings.7
#	docs.options	every setting of lib/target.c but the daemon's is
#			an option in `smtprobe check --help`, and every long
#			option that help and `smtprobe help` list is
#			documented in man/smtprobe.1
#	docs.conf-keys	every target setting of lib/target.c and every
#			[daemon] key of lib/conf.c, as tests/tools/vocab
#			prints the tables, has an entry (.It Cm KEY) in
#			man/smtprobed.conf.5
#	docs.ctl-commands
#			every control command of lib/ctl.c's table, as
#			tests/tools/vocab prints it, has an entry in
#			man/smtprobed.8
#	docs.client-commands
#			every control command is a command of smtprobe
#			(smtprobe help) and has an entry in man/smtprobe.1
#	docs.conf-shipped
#			probe/smtprobed -n accepts conf/smtprobed.conf
#			(a SKIP row when either is missing)

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
	skip() {
		local name=$1
		shift
		echo "SKIP $name: $*"
	}
fi

VOCAB=$TOP/tests/tools/vocab

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

# (c) every setting is an option of check, and every option is in the
# rendered smtprobe(1).
check_options() {
	local bin=$TOP/probe/smtprobe page=$TOP/man/smtprobe.1
	local help opts opt text missing=() n=0 name flags

	if [ ! -x "$bin" ] || [ ! -x "$VOCAB" ]; then
		fail docs.options "probe/smtprobe or tests/tools/vocab is not" \
		    "built (make check)"
		return
	fi
	if [ ! -f "$page" ]; then
		fail docs.options "man/smtprobe.1 not found"
		return
	fi
	if ! help=$("$bin" check --help 2>&1); then
		fail docs.options "smtprobe check --help failed: $help"
		return
	fi
	# every setting of a check is in its help, as --NAME
	while read -r name flags; do
		case ",$flags," in *,daemon,*) continue ;; esac
		n=$((n + 1))
		printf '%s\n' "$help" |
		    grep -Eq -- "(^|[^A-Za-z0-9-])--$(ere_quote "$name")([^A-Za-z0-9-]|$)" ||
		    missing+=("--$name (not in smtprobe check --help)")
	done < <("$VOCAB" | awk '$1 == "setting" { print $2, $3 }')
	# the long options check's help and smtprobe's usage list
	opts=$( { printf '%s\n' "$help"; "$bin" help; } |
	    grep -oE -- '--[a-z][a-z0-9-]+' | sort -u)
	# Rendered text, overstrike removed, so "Fl Fl ports" reads --ports.
	text=$(mandoc -T ascii "$page" 2>/dev/null | sed 's/.\x08//g')
	for opt in $opts; do
		n=$((n + 1))
		if ! printf '%s\n' "$text" |
		    grep -Eq -- "$(ere_quote "$opt")([^A-Za-z0-9-]|$)"; then
			missing+=("$opt")
		fi
	done
	if [ $n -eq 0 ]; then
		fail docs.options "no option found"
	elif [ ${#missing[@]} -ne 0 ]; then
		fail docs.options "${#missing[@]} of $n options missing:" \
		    "${missing[*]}"
	else
		pass docs.options
	fi
}

# entries NAME PAGE WHAT ITEM...: every ITEM has an entry in PAGE, an
# .It line naming it with Cm (.It Cm ITEM, or ITEM after other words).
entries() {
	local name=$1 page=$2 what=$3 item missing=() n=0
	local -A have=()
	shift 3

	if [ ! -f "$page" ]; then
		fail "$name" "${page#"$TOP"/} not found"
		return
	fi
	# every word after a Cm on an .It line, read once
	while read -r item; do
		have[$item]=1
	done < <(grep -E '^\.It([[:space:]]|$)' "$page" |
	    grep -oE '[[:space:]]Cm[[:space:]]+[^[:space:]]+' | awk '{ print $2 }')
	for item in "$@"; do
		n=$((n + 1))
		[ -n "${have[$item]:-}" ] || missing+=("$item")
	done
	if [ $n -eq 0 ]; then
		fail "$name" "no $what found in the source"
	elif [ ${#missing[@]} -ne 0 ]; then
		fail "$name" "${#missing[@]} of $n $what without an entry in" \
		    "${page#"$TOP"/}: ${missing[*]}"
	else
		pass "$name"
	fi
}

# The tables of the library, as tests/tools/vocab prints them: the rows
# of kind $1, one name a line (nothing when the tool is missing).
vocab() {
	[ -x "$VOCAB" ] || return 0
	"$VOCAB" | awk -v k="$1" '$1 == k { print $2 }'
}

# (d) every key the configuration parser accepts is in smtprobed.conf(5).
check_conf_keys() {
	local keys

	if [ ! -x "$VOCAB" ]; then
		fail docs.conf-keys "tests/tools/vocab is not built (make check)"
		return
	fi
	keys="$(vocab setting) $(vocab daemon-key)"
	# shellcheck disable=SC2086
	entries docs.conf-keys "$TOP/man/smtprobed.conf.5" "configuration keys" \
	    $keys
}

# (e) every control command is in smtprobed(8).
check_ctl_commands() {
	if [ ! -x "$VOCAB" ]; then
		fail docs.ctl-commands "tests/tools/vocab is not built (make" \
		    "check)"
		return
	fi
	# shellcheck disable=SC2046
	entries docs.ctl-commands "$TOP/man/smtprobed.8" "control commands" \
	    $(vocab ctl)
}

# (f) every control command is a command of smtprobe, in smtprobe(1).
check_client_commands() {
	local bin=$TOP/probe/smtprobe usage cmd missing=()

	if [ ! -x "$VOCAB" ] || [ ! -x "$bin" ]; then
		fail docs.client-commands "probe/smtprobe or tests/tools/vocab" \
		    "is not built (make check)"
		return
	fi
	usage=$("$bin" help)
	for cmd in $(vocab ctl); do
		printf '%s\n' "$usage" | grep -Eq "smtprobe $cmd( |\$)" ||
		    missing+=("$cmd")
	done
	if [ ${#missing[@]} -ne 0 ]; then
		fail docs.client-commands "not in smtprobe help: ${missing[*]}"
		return
	fi
	# shellcheck disable=SC2046
	entries docs.client-commands "$TOP/man/smtprobe.1" "client commands" \
	    $(vocab ctl)
}

# (g) the shipped configuration is valid as shipped.
check_conf_shipped() {
	local bin=$TOP/probe/smtprobed conf=$TOP/conf/smtprobed.conf out

	if [ ! -x "$bin" ]; then
		skip docs.conf-shipped "probe/smtprobed is not built"
		return
	fi
	if [ ! -f "$conf" ]; then
		skip docs.conf-shipped "conf/smtprobed.conf does not exist"
		return
	fi
	if out=$("$bin" -n -f "$conf" 2>&1); then
		pass docs.conf-shipped
	else
		fail docs.conf-shipped "$(printf '%s' "$out" | head -n 3 |
		    tr '\n' ' ')"
	fi
}

lint_pages
check_findings
check_options
check_conf_keys
check_ctl_commands
check_client_commands
check_conf_shipped

if [ -z "${T_DIR:-}" ]; then
	exit "$DOCS_FAILED"
fi
