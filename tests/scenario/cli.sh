#!/usr/bin/env bash
# cli.sh - the command lines as their users expect them: help, version,
# options before or after the command, target names as written, exit
# statuses of probe and follow, the forms of --since, --until, --limit,
# and what status and targets print. One private smtprobed on loopback
# (its resolver a dead loopback port), a tarpit from fakesmtp.py.
#
#	cli.help.*		--help, -h and help on smtprobe, each command
#				and smtprobed: standard output, exit 0, every
#				command listed
#	cli.version.*		-V and --version on both, and after every
#				command of smtprobe
#	cli.usage.*		a bad option is named with its command
#	cli.socket.*		-s before or after the command, --socket=
#	cli.check.domain-id.*	smtprobe check domain:NAME (host:NAME), the
#				prefix in any case
#	cli.check.operands.*	one target; a yes/no value given apart
#	cli.conf-check.*	smtprobed -n: missing or bad ca-file and dkim-key,
#				unknown control-group, reversed expiry, addresses
#				without a domain, quoted values, no targets
#	cli.lock.*		a second daemon on one state directory
#	cli.name.*		target names as the user writes them
#	cli.probe.exit.*	probe exits with the result's status: ok,
#				warn, crit, unknown (no resolver), no target
#	cli.follow.gone		follow says the daemon went, exit 3
#	cli.ca-file.read-once	a ca-file gone after start is not read at runs
#	cli.history.*		--since/--until/--limit forms, or refusals;
#				an empty range said in words
#	cli.status.human	uptime and sizes in words
#	cli.targets.running	a target in a run shows as running
#	cli.dns-audit.*		show and history say which runs audited the
#				DNS and which used the records of an earlier
#				audit (a private NSD)

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

t_init cli
need_probe
SMTPROBED=$T_TOP/probe/smtprobed
VOCAB=$T_TOP/tests/tools/vocab
if [ ! -x "$SMTPROBED" ] || [ ! -x "$VOCAB" ]; then
	fail cli.setup "probe/smtprobed or tests/tools/vocab not built (make check)"
	exit 1
fi

# crow NAME EXIT CMD...: run CMD (smtprobe or smtprobed), stdout and
# stderr apart; the row fails on another exit status (- for any).
crow() {
	ROW_NAME=$1
	local want=$2
	shift 2
	ROW_WHY=()
	ROW_CHECKS=()
	ROW_OUT=$T_DIR/$ROW_NAME.out
	ROW_ERR=$T_DIR/$ROW_NAME.err
	ROW_CMD="$*"
	timeout -k 2 "${ROW_LIMIT:-30}" "$@" >"$ROW_OUT" 2>"$ROW_ERR" \
	    </dev/null
	ROW_RC=$?
	if [ "$want" != - ] && [ "$ROW_RC" != "$want" ]; then
		ROW_WHY+=("exit status $ROW_RC, expected $want")
	fi
}
why() {
	ROW_WHY+=("$*")
}
# out_has REGEX / err_has REGEX / err_empty
out_has() {
	grep -Eq -- "$1" "$ROW_OUT" || why "stdout does not match /$1/"
}
err_has() {
	grep -Eq -- "$1" "$ROW_ERR" || why "stderr does not match /$1/"
}
err_empty() {
	[ ! -s "$ROW_ERR" ] || why "stderr is not empty"
}
re() {	# a literal string as an extended regular expression
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# ---- help and version ----------------------------------------------

CMDS="check explain logs $("$VOCAB" | awk '$1 == "ctl" { print $2 }' | tr '\n' ' ')"
for how in --help -h help; do
	crow "cli.help.smtprobe.$how" 0 "$SMTPROBE" "$how"
	err_empty
	for c in $CMDS; do
		out_has "^  $c +[a-z]"
		out_has "^ +(usage: )?smtprobe $c( |$)"
	done
	end_row
done
crow cli.help.smtprobe.none 3 "$SMTPROBE"
err_has '^usage: smtprobe '
end_row
crow cli.help.smtprobe.unknown 3 "$SMTPROBE" frobnicate
err_has 'unknown command "frobnicate"'
end_row
for c in $CMDS; do
	for how in --help -h; do
		crow "cli.help.$c.$how" 0 "$SMTPROBE" "$c" "$how"
		err_empty
		out_has "^usage: smtprobe $c( |$)"
		end_row
	done
	crow "cli.help.$c.help" 0 "$SMTPROBE" help "$c"
	out_has "^usage: smtprobe $c( |$)"
	end_row
done
for how in --help -h; do
	crow "cli.help.smtprobed.$how" 0 "$SMTPROBED" "$how"
	err_empty
	out_has '^usage: smtprobed '
	out_has '^  -f FILE +the configuration \[/'
	end_row
done
crow cli.help.smtprobed.bad 2 "$SMTPROBED" --frobnicate
err_has '^usage: smtprobed '
end_row

VERS='[0-9]+\.[0-9]+[0-9.]* \(revision [0-9a-z.-]+\)$'
for how in -V --version; do
	crow "cli.version.smtprobe.$how" 0 "$SMTPROBE" "$how"
	out_has "^smtprobe $VERS"
	out_has '^with OpenSSL .*libevent .*SQLite '
	end_row
	crow "cli.version.smtprobed.$how" 0 "$SMTPROBED" "$how"
	out_has "^smtprobed $VERS"
	end_row
	# after the command too: a monitoring system asks the plugin
	# (smtprobe check -V), a user any command
	for c in $CMDS; do
		crow "cli.version.$c.$how" 0 "$SMTPROBE" "$c" "$how"
		err_empty
		out_has "^smtprobe $VERS"
		end_row
	done
done

# getopt's complaints name the command, as "smtprobe status: ..."
for c in $CMDS; do
	crow "cli.usage.$c.bad-option" 3 "$SMTPROBE" "$c" --frobnicate
	err_has "^smtprobe $c: unrecognized option '--frobnicate'\$"
	err_has "^usage: smtprobe $c( |\$)"
	end_row
done
crow cli.usage.status.missing-argument 3 "$SMTPROBE" status -s
err_has "^smtprobe status: option requires an argument -- 's'\$"
end_row

# ---- check domain:NAME ---------------------------------------------

crow cli.check.domain-id.print 0 "$SMTPROBE" check -n domain:Good.Example.
out_has '^\[domain good\.example\]$'
end_row
# the prefixes in any case, as show and probe take them
crow cli.check.domain-id.case 0 "$SMTPROBE" check -n DOMAIN:Good.Example.
out_has '^\[domain good\.example\]$'
end_row
crow cli.check.host-id.case 0 "$SMTPROBE" check -n Host:MX.Good.Example:2526
out_has '^\[host mx\.good\.example:2526\]$'
end_row
crow cli.check.domain-id.with-host 3 "$SMTPROBE" check -n -H domain:good.example
err_has 'exclude'
end_row
crow cli.check.domain-id.host-setting 3 "$SMTPROBE" check -n \
    --addr 127.0.0.1 domain:good.example
err_has '--addr: a setting of a host'
end_row

# one target; a yes/no setting's value follows "=" (optional: given
# apart it is a second target), said so rather than a bare usage
crow cli.check.operands.two 3 "$SMTPROBE" check -n a.example b.example
err_has '^smtprobe: one target at a time: "a\.example" and "b\.example" were given$'
end_row
crow cli.check.operands.relay-test-apart 3 "$SMTPROBE" check -n \
    --relay-test victim@example.org mx.example.net
err_has '^smtprobe: --relay-test takes its value after "=" \(--relay-test=victim@example\.org\): apart, "victim@example\.org" is read as a second target$'
end_row
crow cli.check.operands.bool-after 3 "$SMTPROBE" check -n mx.example.net \
    --implicit-tls yes
err_has '^smtprobe: --implicit-tls takes its value after "="'
end_row
crow cli.check.operands.bool-alone 0 "$SMTPROBE" check -n --relay-test \
    mx.example.net
out_has '^\[domain mx\.example\.net\]$'
out_has '^relay-test = relay-test@smtprobe-relay\.example$'
end_row

# the same words from smtprobe check, not OpenSSL's codes
for f in nosuch.pem text.pem; do
	printf 'not a certificate\n' >"$T_DIR/text.pem"
	crow "cli.check.ca-file.$f" 3 "$SMTPROBE" check --tls verify \
	    --ca-file "$T_DIR/$f" 127.0.0.1:25
	err_has "$f: cannot load CA file: (No such file or directory|holds no PEM certificate)\$"
	grep -q 'error:[0-9A-F]\{8\}' "$ROW_ERR" && why "an OpenSSL error code"
	end_row
done

# ---- smtprobed -n: what the daemon could not use -------------------

CONFN=0
# nrow NAME EXIT REGEX [LINE...]: smtprobed -n on a file of LINEs (a
# [host] section first unless the first line is a section); stderr (or
# stdout for exit 0) must match REGEX
nrow() {
	local name=$1 want=$2 rx=$3 f
	shift 3
	CONFN=$((CONFN + 1))
	f=$T_DIR/n$CONFN.conf
	{
		case ${1:-} in
		\[*) ;;
		*) echo "[host 127.0.0.1:25]" ;;
		esac
		printf '%s\n' "$@"
	} >"$f"
	crow "cli.conf-check.$name" "$want" "$SMTPROBED" -n -f "$f"
	if [ "$want" = 0 ]; then
		out_has "configuration ok"
	else
		[ ! -s "$ROW_OUT" ] || why "something on standard output"
	fi
	[ -z "$rx" ] || err_has "$rx"
	end_row
}
CA_OK=/etc/ssl/certs/ca-certificates.crt
printf 'not a certificate\n' >"$T_DIR/text.pem"
printf -- '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' \
    >"$T_DIR/cut.pem"
{ cat "$CA_OK"; cat "$T_DIR/cut.pem"; } >"$T_DIR/half.pem"
nrow ok 0 '' "ca-file = $CA_OK"
nrow ca-file.missing 1 "n[0-9]+\\.conf:2: ca-file: $T_DIR/nosuch\\.pem: No such file or directory\$" \
    "ca-file = $T_DIR/nosuch.pem"
nrow ca-file.no-certificate 1 ':2: ca-file: .*/text\.pem: holds no PEM certificate$' \
    "ca-file = $T_DIR/text.pem"
nrow ca-file.bad-certificate 1 ':2: ca-file: .*/cut\.pem: certificate 1 does not parse$' \
    "ca-file = $T_DIR/cut.pem"
nrow ca-file.bad-after-good 1 ':2: ca-file: .*/half\.pem: certificate [0-9]+ does not parse$' \
    "ca-file = $T_DIR/half.pem"
nrow ca-file.directory 1 ':2: ca-file: /etc/ssl: not a regular file$' \
    "ca-file = /etc/ssl"
nrow ca-file.inherited 1 ':2: ca-file: .*/text\.pem: holds no PEM certificate$' \
    "[defaults]" "ca-file = $T_DIR/text.pem" "[host 127.0.0.1:25]"
nrow dkim-key.missing 1 ':2: dkim-key: .*/nosuch\.pub: No such file or directory$' \
    "dkim-key = s1=$T_DIR/nosuch.pub"
nrow dkim-key.directory 1 ':2: dkim-key: /etc: not a regular file$' \
    "dkim-key = s1=/etc"
nrow control-group.unknown 1 '\[daemon\] control-group: no group "no-such-group-4711" on this system$' \
    "[daemon]" "control-group = no-such-group-4711" "[host 127.0.0.1:25]"
nrow control-group.number 0 '' "[daemon]" "control-group = 4711" \
    "[host 127.0.0.1:25]"
nrow expiry.reversed 1 'expiry-crit \(10 days\) is more than expiry-warn \(5 days\)' \
    "expiry-warn = 5" "expiry-crit = 10"
nrow relay-test.no-domain 1 ':2: \[host 127\.0\.0\.1:25\] relay-test: "postmaster" is not yes, no or an address with a domain' \
    "relay-test = postmaster"
nrow rcpt.no-domain 1 ':2: \[host 127\.0\.0\.1:25\] rcpt: "postmaster" is not an address with a domain' \
    "rcpt = postmaster"
nrow quotes.double 1 ":2: \\[host 127\\.0\\.0\\.1:25\\] helo: value in quotes \\(\"mx\\.example\"\\): they would be part of it" \
    'helo = "mx.example"'
nrow quotes.single 1 ":3: \\[daemon\\] state-dir: value in quotes \\('/var/lib/x'\\)" \
    "[daemon]" "" "state-dir = '/var/lib/x'"
nrow no-targets 0 'no targets: there is nothing to probe' "[daemon]"

# A key file the daemon's user cannot read (not root: root reads all).
mkdir -p "$T_DIR/pub"
chmod 0711 "$T_DIR"
chmod 0755 "$T_DIR/pub"
cp "$T_DIR/text.pem" "$T_DIR/pub/secret.pem"
chmod 0600 "$T_DIR/pub/secret.pem"
printf '[host 127.0.0.1:25]\ndkim-key = s1=%s\n' "$T_DIR/pub/secret.pem" \
    >"$T_DIR/pub/k.conf"
chmod 0644 "$T_DIR/pub/k.conf"
crow cli.conf-check.dkim-key.unreadable 1 setpriv --reuid=nobody \
    --regid=nogroup --clear-groups "$SMTPROBED" -n -f "$T_DIR/pub/k.conf"
err_has ':2: dkim-key: .*/secret\.pem: Permission denied$'
end_row
printf '[host 127.0.0.1:25]\nca-file = %s\n' "$T_DIR/pub/secret.pem" \
    >"$T_DIR/pub/c.conf"
chmod 0644 "$T_DIR/pub/c.conf"
crow cli.conf-check.ca-file.unreadable 1 setpriv --reuid=nobody \
    --regid=nogroup --clear-groups "$SMTPROBED" -n -f "$T_DIR/pub/c.conf"
err_has ':2: ca-file: .*/secret\.pem: Permission denied$'
end_row
chmod 0700 "$T_DIR"

# ---- a daemon ----------------------------------------------------------

read -r DEAD1 DEAD2 DEAD6 DNS <<<"$(free_ports 4 | tr '\n' ' ')"
t_bg fakesmtp python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/fake.ready" tarpit \
    normal@127.0.0.2
T_SHOW_LOGS+=("$T_DIR/fakesmtp.log")
if ! wait_file "$T_DIR/fake.ready" 10; then
	fail cli.setup "fakesmtp.py did not start"
	exit 1
fi
TARPIT=$(awk '$1 == "tarpit" { print $2 }' "$T_DIR/fake.ready")
NORMAL=$(awk '$1 == "normal@127.0.0.2" { print $2 }' "$T_DIR/fake.ready")

SOCK=$T_DIR/d.sock
cat >"$T_DIR/d.conf" <<EOF
[daemon]
state-dir = $T_DIR/state
control-socket = $SOCK
interval = 1h
jitter = 0
host-spacing = 0
# loopback only: a resolver that is not there
resolver = 127.0.0.1:$DNS

[defaults]
timeout = all=20s

[domain expired.example]
[host expired.example]
[host 127.0.0.1:$DEAD1]
[host 127.0.0.1:$DEAD2]
[host [::1]:$DEAD6]
[host 127.0.0.1:$TARPIT]
# names that are one target each; a healthy server (ok without TLS, warn
# with TLS may: STARTTLS is not offered)
[domain only.example]
[host mx.only.example:$NORMAL]
addr = 127.0.0.2
tls = none
helo = probe.test.example
[host 127.0.0.2:$NORMAL]
helo = probe.test.example
# read once per configuration (removed once the daemon runs)
ca-file = $T_DIR/ca-once.pem
EOF
cp /etc/ssl/certs/ca-certificates.crt "$T_DIR/ca-once.pem"
t_bg smtprobed "$SMTPROBED" -d -f "$T_DIR/d.conf"
DPID=$T_BG_PID
T_SHOW_LOGS+=("$T_DIR/smtprobed.log")
n=0
until "$SMTPROBE" status -s "$SOCK" >/dev/null 2>&1 || [ $n -ge 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
if [ $n -ge 50 ]; then
	fail cli.setup "smtprobed does not answer on $SOCK"
	exit 1
fi

# ---- one state directory, one daemon -----------------------------------

sed "s|^control-socket = .*|control-socket = $T_DIR/second.sock|" \
    "$T_DIR/d.conf" >"$T_DIR/second.conf"
crow cli.lock.second-daemon 3 "$SMTPROBED" -d -f "$T_DIR/second.conf"
err_has "state-dir $(re "$T_DIR/state") is in use by another smtprobed \\(pid $DPID\\): .*/smtprobed\\.lock is locked"
[ -e "$T_DIR/second.sock" ] && why "the second daemon made its socket"
"$SMTPROBE" status -s "$SOCK" >/dev/null 2>&1 || why "the first one stopped answering"
end_row

# the trust anchors were read at start: runs do not read the file again
rm -f "$T_DIR/ca-once.pem"

# ---- the socket before or after the command -------------------------

crow cli.socket.before 0 "$SMTPROBE" -s "$SOCK" status --json
out_has '"ok":true'
end_row
crow cli.socket.after 0 "$SMTPROBE" status --json -s "$SOCK"
out_has '"ok":true'
end_row
crow cli.socket.long 0 "$SMTPROBE" --socket="$SOCK" targets --json
out_has '"ok":true'
end_row
crow cli.socket.after-target 0 "$SMTPROBE" show "127.0.0.1:$DEAD1" --json \
    --socket "$SOCK"
out_has '"ok":true'
end_row
crow cli.socket.before-logs-daemon 0 "$SMTPROBE" -s "$SOCK" logs --daemon \
    --json
out_has '"ok":true'
end_row
crow cli.socket.not-for-check 3 "$SMTPROBE" -s "$SOCK" check -n example.com
err_has 'check does not talk to the daemon'
end_row

# ---- target names ------------------------------------------------------

# name ROWNAME NAME ID: `show NAME` answers for target ID
name() {
	crow "cli.name.$1" 0 "$SMTPROBE" -s "$SOCK" show --json "$2"
	out_has "\"target\":\"$(re "$3")\""
	end_row
}
name domain-id domain:expired.example domain:expired.example
name domain-id-case 'DOMAIN:Expired.Example.' domain:expired.example
name host-id host:expired.example host:expired.example
name host-port "127.0.0.1:$DEAD1" "host:127.0.0.1:$DEAD1"
name host-id-port "host:127.0.0.1:$DEAD2" "host:127.0.0.1:$DEAD2"
name ipv6-brackets "[::1]:$DEAD6" "host:[::1]:$DEAD6"
name ipv6-no-port "::1" "host:[::1]:$DEAD6"
name ipv6-long "[0:0::1]:$DEAD6" "host:[::1]:$DEAD6"
# a name that is one target, as the user writes it
name domain-bare only.example domain:only.example
name domain-case-dot Only.Example. domain:only.example
name host-name-port "MX.Only.Example.:$NORMAL" "host:mx.only.example:$NORMAL"
name host-name-no-port mx.only.example "host:mx.only.example:$NORMAL"
for c in history probe; do
	crow "cli.name.$c.case-dot" - "$SMTPROBE" -s "$SOCK" "$c" --json \
	    MX.Only.Example.
	out_has "\"target\":\"host:mx\\.only\\.example:$NORMAL\""
	end_row
done

# a name that is a [domain] and a [host], and a host with two ports
crow cli.name.ambiguous.kind 1 "$SMTPROBE" -s "$SOCK" show Expired.Example.
err_has '"Expired\.Example\." is ambiguous: it is domain:expired\.example and host:expired\.example; give one of them'
end_row
crow cli.name.ambiguous.port 1 "$SMTPROBE" -s "$SOCK" show 127.0.0.1
err_has "ambiguous: it is host:127\\.0\\.0\\.1:$DEAD1, host:127\\.0\\.0\\.1:$DEAD2 and host:127\\.0\\.0\\.1:$TARPIT"
end_row
crow cli.name.wrong.closest 1 "$SMTPROBE" -s "$SOCK" show expird.example
err_has '^smtprobe: show: no such target "expird\.example"; see `smtprobe targets` \(did you mean domain:expired\.example\?\)$'
end_row
crow cli.name.wrong.far 1 "$SMTPROBE" -s "$SOCK" show nothing.like.it
err_has '^smtprobe: show: no such target "nothing\.like\.it"; see `smtprobe targets`$'
end_row
crow cli.name.wrong.port 1 "$SMTPROBE" -s "$SOCK" show "127.0.0.1:1"
err_has 'no such target "127\.0\.0\.1:1"'
end_row

# ---- probe and its exit status -------------------------------------

crow cli.probe.exit.crit 2 "$SMTPROBE" -s "$SOCK" probe "127.0.0.1:$DEAD1"
out_has "^host:127\\.0\\.0\\.1:$DEAD1: crit$"
out_has 'net\.connect\.refused'
end_row
crow cli.probe.exit.ok 0 "$SMTPROBE" -s "$SOCK" probe mx.only.example
out_has "^host:mx\\.only\\.example:$NORMAL: ok$"
end_row
crow cli.probe.exit.warn 1 "$SMTPROBE" -s "$SOCK" probe "127.0.0.2:$NORMAL"
out_has "^host:127\\.0\\.0\\.2:$NORMAL: warn$"
out_has 'tls\.starttls\.missing'
end_row
# the ca-file it names is gone since the daemon started: nothing said
# at a run, the anchors of the configuration serve (said once, at
# start or reload, when it cannot be read then: cli.conf-check.*)
crow cli.ca-file.read-once 1 "$SMTPROBE" -s "$SOCK" probe "127.0.0.2:$NORMAL"
out_has "^host:127\\.0\\.0\\.2:$NORMAL: warn$"
grep -q 'ca-file\|ca-once' "$T_DIR/smtprobed.log" &&
    why "the daemon read the ca-file at a run: $(grep 'ca-file\|ca-once' "$T_DIR/smtprobed.log" | head -n 2)"
end_row
# the resolver is a dead port: the daemon could not look
crow cli.probe.exit.unknown 3 "$SMTPROBE" -s "$SOCK" probe Only.Example.
out_has '^domain:only\.example: unknown$'
out_has 'probe\.resolver'
end_row
crow cli.probe.exit.no-target 3 "$SMTPROBE" -s "$SOCK" probe nosuch.example
err_has 'no such target'
end_row

# ---- history: forms of time, the limit -----------------------------

for s in 1h 90m 2d @0 "$(date -u +%Y-%m-%d)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$(date +%Y-%m-%dT%H:%M)" "$(date +'%Y-%m-%d %H:%M:%S%:z')"; do
	crow "cli.history.since.${s//[^0-9A-Za-z@]/_}" 0 "$SMTPROBE" -s "$SOCK" \
	    history --json --since "$s" "127.0.0.1:$DEAD1"
	out_has '"ok":true'
	end_row
done
# the daemon gets the point in time the form says (once the store's
# writer has written the probe of a moment ago)
n=0
until "$SMTPROBE" -s "$SOCK" status --json 2>/dev/null | grep -q '"queued":0' ||
    [ $n -ge 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
NOW=$(date +%s)
crow cli.history.since.iso-is-epoch 0 "$SMTPROBE" -s "$SOCK" history --json \
    --since "$(date -u -d @$((NOW - 60)) +%Y-%m-%dT%H:%M:%SZ)" \
    --until "@$((NOW + 60))" "127.0.0.1:$DEAD1"
out_has '"ok":true'
n=$(grep -c '"at"' "$ROW_OUT")
[ "$n" -ge 1 ] || why "the probe of a moment ago is not in the history"
end_row
for bad in 1700000000 soon 2026-13-01 2026-02-30 "2026-12-06T25:00" -1h; do
	crow "cli.history.since.refused.${bad//[^0-9A-Za-z]/_}" 3 "$SMTPROBE" \
	    -s "$SOCK" history --since "$bad" "127.0.0.1:$DEAD1"
	err_has "history --since: \"$(re "$bad")\" is (not a time|ambiguous)"
	end_row
done
# nothing in the range: said, not an empty screen
crow cli.history.empty 0 "$SMTPROBE" -s "$SOCK" history --since @1 \
    --until @2 "127.0.0.1:$DEAD1"
out_has "^host:127\\.0\\.0\\.1:$DEAD1: no sessions, audits or alert events in the store since 1970-01-01 00:00:01Z until 1970-01-01 00:00:02Z\$"
end_row
crow cli.history.until-before-since 3 "$SMTPROBE" -s "$SOCK" history \
    --since 1h --until 2h "127.0.0.1:$DEAD1"
err_has '--until is before --since'
end_row
for l in 0 10001 -5 many; do
	crow "cli.history.limit.refused.${l//-/minus}" 3 "$SMTPROBE" -s "$SOCK" \
	    history --limit "$l" "127.0.0.1:$DEAD1"
	err_has "--limit: \"$(re "$l")\" is not a number from 1 to 10000"
	end_row
done
for l in 1 10000; do
	crow "cli.history.limit.$l" 0 "$SMTPROBE" -s "$SOCK" history --json \
	    --limit "$l" "127.0.0.1:$DEAD1"
	out_has "\"limit\":$l"
	end_row
done

# ---- status and targets as people read them ------------------------

crow cli.status.human 0 "$SMTPROBE" -s "$SOCK" status
out_has '^uptime +[0-9]+[smhd]( [0-9]+[smhd])? \(since 20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8}Z\)$'
out_has '^store +[0-9.]+ (bytes|KiB|MiB|GiB); since start [0-9]+ rows written, 0 write errors, 0 dropped$'
end_row

# A probe of the tarpit holds a run open (its banner deadline is 20 s):
# targets shows it running.
"$SMTPROBE" -s "$SOCK" probe "127.0.0.1:$TARPIT" >/dev/null 2>&1 &
TP=$!
T_PIDS+=("$TP")
n=0
until "$SMTPROBE" -s "$SOCK" targets --json 2>/dev/null |
    grep -q "\"target\":\"host:127.0.0.1:$TARPIT\"[^}]*\"running\":true" ||
    [ $n -ge 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
crow cli.targets.running 0 "$SMTPROBE" -s "$SOCK" targets
out_has "^host:127\\.0\\.0\\.1:$TARPIT +host +running +0 +- +running now$"
out_has "^host:127\\.0\\.0\\.1:$DEAD1 +host +crit +0 +20[0-9-]+ [0-9:]+Z +in [0-9]+[smh]( [0-9]+[smh])?$"
end_row

# ---- runs that did not audit the DNS again ---------------------------

# A second daemon, on a private NSD: a domain whose MX is 127.0.0.1 on a
# closed port, a run a second, the records audited once an hour: the
# first run audits, the next ones only look up MX and addresses.
. "$T_LIB/nsd.sh"
if nsd_setup "$T_DIR/nsd" "$(free_port)" >"$T_DIR/nsd-setup.log" 2>&1; then
	printf '$ORIGIN min.test.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n@ MX 10 mx\nmx A 127.0.0.1\n@ TXT "v=spf1 -all"\n' \
	    >"$T_DIR/nsd/min.test.zone"
	nsd_zone min.test "$T_DIR/nsd/min.test.zone"
fi
if nsd_start >>"$T_DIR/nsd-setup.log" 2>&1; then
	cat >"$T_DIR/m.conf" <<EOF
[daemon]
state-dir = $T_DIR/mstate
control-socket = $T_DIR/m.sock
interval = 1s
dns-interval = 1h
jitter = 0
host-spacing = 0
resolver = $NSD_ADDR

[domain min.test]
ports = $DEAD1
allow-private = yes
EOF
	t_bg smtprobed-m "$SMTPROBED" -d -f "$T_DIR/m.conf"
	n=0
	until [ "$("$SMTPROBE" -s "$T_DIR/m.sock" status --json 2>/dev/null |
	    sed -n 's/.*"probes_run":\([0-9]*\).*/\1/p')" -ge 3 ] 2>/dev/null ||
	    [ $n -ge 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	sleep 1		# the store's writer
	crow cli.dns-audit.show 0 "$SMTPROBE" -s "$T_DIR/m.sock" show min.test
	out_has '^last run 20[0-9-]+ [0-9:]+Z, DNS not audited again: records as of 20[0-9-]+ [0-9:]+Z$'
	end_row
	crow cli.dns-audit.history 0 "$SMTPROBE" -s "$T_DIR/m.sock" history min.test
	out_has '^WHEN +HOST +ADDR +PORT +OUTCOME +CODE +SEV +MS +DNS$'
	out_has "^20[0-9-]+ [0-9:]+Z +mx\\.min\\.test +127\\.0\\.0\\.1 +$DEAD1 .* cached$"
	out_has "^20[0-9-]+ [0-9:]+Z +mx\\.min\\.test +127\\.0\\.0\\.1 +$DEAD1 .* audited$"
	out_has '^AUDIT +SEV +MS +KIND$'
	out_has ' full$'
	out_has ' minimal: MX and addresses, records not audited again$'
	end_row
	crow cli.dns-audit.history-json 0 "$SMTPROBE" -s "$T_DIR/m.sock" history \
	    --json min.test
	python3 - "$ROW_OUT" >"$T_DIR/marks" 2>&1 <<'PY' || why "$(cat "$T_DIR/marks")"
import json, sys
h = json.load(open(sys.argv[1]))["history"]
full = {a["at"]: a["full_audit"] for a in h["audits"]}
assert True in full.values() and False in full.values(), full
for s in h["sessions"]:
    assert s["full_audit"] == full[s["at"]], (s["at"], s.get("full_audit"))
assert any(not a["full_audit"] and a["records"]["minimal"] for a in h["audits"])
PY
	end_row
else
	fail cli.dns-audit "NSD did not start: $(tail -n 3 "$T_DIR/nsd-setup.log")"
fi

# ---- follow: the daemon goes away ------------------------------------

"$SMTPROBE" -s "$SOCK" follow >"$T_DIR/follow.out" 2>"$T_DIR/follow.err" &
FP=$!
T_PIDS+=("$FP")
sleep 0.5
kill -TERM "$DPID" 2>/dev/null
ROW_NAME=cli.follow.gone
ROW_WHY=()
ROW_OUT=$T_DIR/follow.out
ROW_ERR=$T_DIR/follow.err
n=0
while kill -0 "$FP" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
if kill -0 "$FP" 2>/dev/null; then
	why "follow still runs 10 s after the daemon stopped"
	kill "$FP" 2>/dev/null
else
	wait "$FP"
	rc=$?
	[ "$rc" = 3 ] || why "exit status $rc, expected 3"
	err_has '^smtprobe: follow: .* closed the connection: the daemon stopped or restarted$'
fi
end_row
