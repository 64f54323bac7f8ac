#!/usr/bin/env bash
# probe.sh - the prober's own trouble is never the target's fault.
#
#	probe.resource		sessions that cannot start (a descriptor limit
#				by prlimit): UNKNOWN, exit 3, never OK
#	probe.resolver		a resolver that answers nothing (a closed port,
#				one that never answers, one that refuses all);
#				a daemon on it: one line, no alert, unknown
#	probe.egress-25-blocked	a network namespace whose nftables drop
#				outgoing TCP 25 while 587 gets through
#	probe.helo-not-fqdn	a HELO name without a dot, given or the host's
#				own (a UTS and mount namespace give the host a
#				short name and an /etc/hosts); smtprobed says
#				it (-n, start) only when a target uses it
# and the other side: a domain whose own servers are silent while the
# resolver answers is still dns.timeout on the domain.
# Needs root (namespaces, nftables); everything stays on loopback.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

t_init probe
need_probe
if [ "$(id -u)" != 0 ]; then
	fail probe.setup "needs root (network and UTS namespaces)"
	exit 1
fi

FAKEDNS="python3 $T_LIB/fakedns.py"
read -r P_DNS P_SILENT P_REFUSE CLOSED <<<"$(free_ports 4 | tr '\n' ' ')"
t_bg fakedns $FAKEDNS --port "$P_DNS" --ready "$T_DIR/dns.ready"
t_bg silent $FAKEDNS --port "$P_SILENT" --silent --ready "$T_DIR/silent.ready"
t_bg refuse $FAKEDNS --port "$P_REFUSE" --refuse --ready "$T_DIR/refuse.ready"
t_bg fakesmtp python3 "$T_LIB/fakesmtp.py" --ready "$T_DIR/fakesmtp.ready" \
    --lifetime 300 normal
for f in dns silent refuse; do
	wait_file "$T_DIR/$f.ready" 10 ||
	    { fail probe.setup "fakedns ($f) did not start"; exit 1; }
done
wait_file "$T_DIR/fakesmtp.ready" 10 || { fail probe.setup "fakesmtp did not start"; exit 1; }
read -r _ P_SMTP <"$T_DIR/fakesmtp.ready"
H=(--helo probe.test.example --tls none)

# --- the resolver ---------------------------------------------------------

# nothing listens: every lookup fails at once
row probe.resolver.closed 3 --resolver "127.0.0.1:$CLOSED" example.com
expect status unknown
expect finding probe.resolver --layer probe --severity warn --blame client \
    --evidence "the resolver 127\\.0\\.0\\.1:$CLOSED did not answer: [0-9]+ lookup\\(s\\) timed out or were refused, none was answered"
expect no-finding dns.timeout
expect no-finding spf.temperror
expect value dns.resolver_answered false
expect value dns.lookups.spf TIMEOUT
expect session --count 0
grep -q "^smtprobe: example.com: the resolver does not answer" "$ROW_ERR" ||
    ROW_WHY+=("no one-line reason on stderr: $(head -c 200 "$ROW_ERR")")
end_row

# a resolver that refuses everything, the root's NS included
row probe.resolver.refused 3 --resolver "127.0.0.1:$P_REFUSE" --dns-only \
    example.com
expect status unknown
expect finding probe.resolver --evidence 'did not answer'
expect no-finding dns.refused
end_row

# one that never answers: the deadline, then the same
ROW_LIMIT=20 row probe.resolver.silent 3 --resolver "127.0.0.1:$P_SILENT" \
    --dns-only example.com
expect finding probe.resolver --layer probe
expect no-finding dns.timeout
expect_ms_below 15000
end_row

# the human report shows the lookups as failed, not as "(none)"
row_raw probe.resolver.human 3 check --resolver "127.0.0.1:$CLOSED" \
    --dns-only example.com
expect_grep '^  SPF       \(lookup failed: TIMEOUT\)$'
expect_grep '^  MX        \(lookup failed: TIMEOUT\)$'
end_row

# the resolver answers (the root's NS), only the domain's servers are
# silent: the domain's fault, dns.timeout as before
ROW_LIMIT=20 row probe.resolver.domain-silent 2 --resolver \
    "127.0.0.1:$P_DNS" --dns-only silent-1.test
ROW_CHECKS=(:: valid --domain "${ROW_CHECKS[@]:2}")
expect finding dns.timeout --layer dns --blame target
expect no-finding probe.resolver
expect value dns.resolver_answered true
end_row

# the daemon: one line for the daemon's trouble, no alert for any domain,
# every run unknown (alert-after = 1: one failing run would raise one)
printf '[daemon]\nstate-dir = %s\ncontrol-socket = %s\ninterval = 1s\njitter = 0\nhost-spacing = 0\nalert-after = 1\nresolver = 127.0.0.1:%s\n[defaults]\nhelo = probe.test.example\n[domain a.example]\n[domain b.example]\n[domain c.example]\n' \
    "$T_DIR/rd-state" "$T_DIR/rd.sock" "$CLOSED" >"$T_DIR/rd.conf"
t_bg resolver-daemon "$T_TOP/probe/smtprobed" -d -f "$T_DIR/rd.conf"
RD_PID=$T_BG_PID
ROW_NAME=probe.resolver.daemon
ROW_WHY=()
ROW_CHECKS=()
ROW_OUT=$T_DIR/resolver-daemon.log
ROW_ERR=$ROW_OUT
n=0
until [ "$("$SMTPROBE" -s "$T_DIR/rd.sock" status --json 2>/dev/null |
    sed -n 's/.*"probes_run":\([0-9]*\).*/\1/p')" -ge 9 ] 2>/dev/null ||
    [ $n -ge 150 ]; do
	sleep 0.1
	n=$((n + 1))
done
[ $n -lt 150 ] || ROW_WHY+=("fewer than 9 runs in 15 s")
"$SMTPROBE" -s "$T_DIR/rd.sock" status --json >"$T_DIR/rd-status.json" 2>&1
"$SMTPROBE" -s "$T_DIR/rd.sock" targets >"$T_DIR/rd-targets.txt" 2>&1
grep -q '"open_alerts":0,' "$T_DIR/rd-status.json" ||
    ROW_WHY+=("alerts open: $(cat "$T_DIR/rd-status.json")")
grep -q '"targets_unknown":3,' "$T_DIR/rd-status.json" ||
    ROW_WHY+=("not every target unknown: $(cat "$T_DIR/rd-status.json")")
[ "$(grep -c '^domain:[abc]\.example  *domain  *unknown  *0 ' \
    "$T_DIR/rd-targets.txt")" = 3 ] ||
    ROW_WHY+=("targets: $(cat "$T_DIR/rd-targets.txt")")
grep -q 'ALERT' "$ROW_OUT" && ROW_WHY+=("an ALERT line: $(grep ALERT "$ROW_OUT" | head -n 1)")
n=$(grep -c '^smtprobed: probe trouble, alerts left as they are: [abc]\.example: the resolver does not answer' "$ROW_OUT")
[ "$n" = 1 ] || ROW_WHY+=("$n lines for the resolver, expected one")
t_kill "$RD_PID"
end_row

# --- resources ------------------------------------------------------------

# six descriptors: the loop starts, the session's socket does not
ROW_WRAP="prlimit --nofile=6" row probe.resource.session 3 \
    "127.0.0.1:$CLOSED" "${H[@]}"
expect status unknown
expect finding probe.resource --layer probe --blame client --port "$CLOSED" \
    --evidence "cannot start a session to 127\\.0\\.0\\.1 port $CLOSED: Too many open files; nothing was probed there"
expect no-finding net.connect.refused
end_row

# the same as a plugin: UNKNOWN, never OK
ROW_NAME=probe.resource.nagios
ROW_WHY=()
ROW_CHECKS=()
ROW_OUT=$T_DIR/$ROW_NAME.out
prlimit --nofile=6 "$SMTPROBE" check --nagios "127.0.0.1:$CLOSED" "${H[@]}" \
    >"$ROW_OUT" 2>"$T_DIR/$ROW_NAME.err"
rc=$?
[ $rc = 3 ] || ROW_WHY+=("exit status $rc, expected 3")
grep -q '^SMTPROBE UNKNOWN - ' "$ROW_OUT" ||
    ROW_WHY+=("no UNKNOWN status line: $(head -c 200 "$ROW_OUT")")
grep -q 'probe\.resource' "$ROW_OUT" || ROW_WHY+=("probe.resource not named")
end_row

# five: not even the event loop; still a status line and UNKNOWN
ROW_NAME=probe.resource.loop
ROW_WHY=()
ROW_OUT=$T_DIR/$ROW_NAME.out
prlimit --nofile=5 "$SMTPROBE" check --nagios "127.0.0.1:$CLOSED" "${H[@]}" \
    >"$ROW_OUT" 2>"$T_DIR/$ROW_NAME.err"
rc=$?
[ $rc = 3 ] || ROW_WHY+=("exit status $rc, expected 3")
grep -q '^SMTPROBE UNKNOWN - .*cannot start' "$ROW_OUT" ||
    ROW_WHY+=("no UNKNOWN status line: $(head -c 200 "$ROW_OUT")")
end_row

# six descriptors and a domain: the loop starts, the resolver's sockets
# do not (local-error): the prober's trouble, never the domain's DNS
ROW_WRAP="prlimit --nofile=6" row probe.resource.dns 3 --resolver \
    "127.0.0.1:$P_DNS" --dns-only ok.test
ROW_CHECKS=(:: valid --domain "${ROW_CHECKS[@]:2}")
expect status unknown
expect finding probe.resource --layer probe --blame client \
    --evidence '^MX: the lookup could not be made on this host: name=ok\.test\. type=MX status=ERROR .*why=local-error$'
expect finding probe.resource --layer probe --blame client \
    --evidence '^SPF TXT: the lookup could not be made on this host: name=ok\.test\. type=TXT .*why=local-error$'
expect no-finding dns.servfail
expect no-finding dns.timeout
expect no-finding mx.none
expect no-finding spf.temperror
end_row

# --- outbound port 25 filtered on the probing network ----------------------

NS=smtprobe-egress-$$
if ! command -v nft >/dev/null || ! ip netns add "$NS" 2>"$T_DIR/netns.err"; then
	fail probe.egress.setup "no network namespace or nft: $(cat "$T_DIR/netns.err" 2>/dev/null)"
else
	t_on_exit "ip netns del $NS"
	ip netns exec "$NS" ip link set lo up
	ip netns exec "$NS" nft add table inet egress &&
	ip netns exec "$NS" nft add chain inet egress out \
	    '{ type filter hook output priority 0; }' &&
	ip netns exec "$NS" nft add rule inet egress out tcp dport 25 drop ||
	    fail probe.egress.setup "nft rules"
	# a mail server on 25 and 587 of the namespace's own loopback
	for port in 25 587; do
		t_bg "egress-$port" ip netns exec "$NS" python3 \
		    "$T_LIB/fakesmtp.py" --port "$port" --lifetime 120 \
		    --ready "$T_DIR/egress-$port.ready" normal
		wait_file "$T_DIR/egress-$port.ready" 10 ||
		    fail probe.egress.setup "fakesmtp on $port did not start"
	done

	ROW_WRAP="ip netns exec $NS" row probe.egress-25-blocked 3 \
	    -H 127.0.0.1 "${H[@]}" --timeout connect=2
	expect status unknown
	expect finding probe.egress-25-blocked --layer probe --blame client \
	    --port 25 --evidence 'port 25 timed out at the TCP connect on every address probed \(1: 127\.0\.0\.1\) while port 587 of 127\.0\.0\.1 answered'
	expect no-finding net.connect.timeout
	expect_ms_below 9000
	end_row

	# the filter gone: port 25 is probed as usual
	ip netns exec "$NS" nft flush ruleset
	ROW_WRAP="ip netns exec $NS" row probe.egress-open 0 -H 127.0.0.1 \
	    "${H[@]}" --timeout connect=2
	expect status ok
	expect no-finding probe.egress-25-blocked
	expect session --port 25 --outcome ok
	end_row

	# the whole host silent (587 too): the target's timeout, not egress
	ip netns exec "$NS" nft add table inet egress &&
	ip netns exec "$NS" nft add chain inet egress out \
	    '{ type filter hook output priority 0; }' &&
	ip netns exec "$NS" nft add rule inet egress out tcp dport '{ 25, 465, 587 }' drop
	ROW_WRAP="ip netns exec $NS" row probe.egress-host-down 2 -H 127.0.0.1 \
	    "${H[@]}" --timeout connect=2
	expect finding net.connect.timeout --port 25 --blame target
	expect no-finding probe.egress-25-blocked
	end_row
fi
unset ROW_WRAP

# --- the HELO name ----------------------------------------------------------

row probe.helo-not-fqdn.given 1 "127.0.0.1:$P_SMTP" --helo localhost --tls none
expect finding probe.helo-not-fqdn --layer probe --severity warn \
    --blame client --evidence '^HELO name "localhost" has no dot'
expect phase ehlo --command '^EHLO localhost$'
end_row

row probe.helo-fqdn.given 0 "127.0.0.1:$P_SMTP" --helo probe.test.example \
    --tls none
expect no-finding probe.helo-not-fqdn
end_row

# the default is the host's FQDN, from /etc/hosts when the name is short
printf '127.0.0.1 localhost\n127.0.1.1 shorty.test.example shorty\n' \
    >"$T_DIR/hosts"
row_ns() {	# row_ns NAME EXIT HOSTS ARGS...: smtprobe check --json in a
		# UTS and mount namespace whose host is "shorty"
	local name=$1 want=$2 hosts=$3
	shift 3
	ROW_NAME=$name
	ROW_WHY=()
	ROW_CHECKS=(:: valid)
	ROW_OUT=$T_DIR/$name.json
	ROW_ERR=$T_DIR/$name.err
	timeout -k 2 20 unshare -mu sh -c 'mount --bind "$1" /etc/hosts &&
	    hostname shorty && shift && exec "$@"' sh "$hosts" "$SMTPROBE" \
	    check --json "$@" >"$ROW_OUT" 2>"$ROW_ERR"
	ROW_RC=$?
	[ "$ROW_RC" = "$want" ] || ROW_WHY+=("exit status $ROW_RC, expected $want")
}
unset ROW_WRAP
row_ns probe.helo-default.fqdn 0 "$T_DIR/hosts" "127.0.0.1:$P_SMTP" --tls none
expect phase ehlo --command '^EHLO shorty\.test\.example$'
expect no-finding probe.helo-not-fqdn
end_row

printf '127.0.0.1 localhost\n' >"$T_DIR/hosts-short"
row_ns probe.helo-default.short 1 "$T_DIR/hosts-short" "127.0.0.1:$P_SMTP" \
    --tls none
expect phase ehlo --command '^EHLO shorty$'
expect finding probe.helo-not-fqdn --evidence '^HELO name "shorty" has no dot'
end_row

# smtprobed says it once, at start (and -n, and on reload), and only
# when a target greets with the host's short name: not when every target
# has a helo of its own, nor when /etc/hosts gives the FQDN
SMTPROBED=$T_TOP/probe/smtprobed
# daemon_ns NAME HOSTS ARGS...: smtprobed ARGS in the namespace of row_ns
daemon_ns() {
	local name=$1 hosts=$2
	shift 2
	ROW_NAME=$name
	ROW_WHY=()
	ROW_CHECKS=()
	ROW_OUT=$T_DIR/$name.out
	ROW_ERR=$T_DIR/$name.err
	timeout -k 2 20 unshare -mu sh -c 'mount --bind "$1" /etc/hosts &&
	    hostname shorty && shift && exec "$@"' sh "$hosts" "$SMTPROBED" \
	    "$@" >"$ROW_OUT" 2>"$ROW_ERR"
	ROW_RC=$?
	[ "$ROW_RC" = 0 ] || ROW_WHY+=("exit status $ROW_RC, expected 0")
}
printf '[host 127.0.0.1:%s]\n[host 127.0.0.1:%s]\nhelo = probe.test.example\n' \
    "$P_SMTP" "$CLOSED" >"$T_DIR/helo-some.conf"
printf '[defaults]\nhelo = probe.test.example\n[host 127.0.0.1:%s]\n[host 127.0.0.1:%s]\n' \
    "$P_SMTP" "$CLOSED" >"$T_DIR/helo-all.conf"
daemon_ns probe.helo-not-fqdn.daemon-n "$T_DIR/hosts-short" -n -f \
    "$T_DIR/helo-some.conf"
expect_stderr '^smtprobed: probe\.helo-not-fqdn: this host.s name "shorty" is not fully qualified; 1 target\(s\) without a helo setting greet with it'
end_row
daemon_ns probe.helo-not-fqdn.daemon-n-all-given "$T_DIR/hosts-short" -n -f \
    "$T_DIR/helo-all.conf"
grep -q 'helo-not-fqdn' "$ROW_ERR" &&
    ROW_WHY+=("said with every target's helo given: $(cat "$ROW_ERR")")
end_row
daemon_ns probe.helo-not-fqdn.daemon-n-fqdn "$T_DIR/hosts" -n -f \
    "$T_DIR/helo-some.conf"
grep -q 'helo-not-fqdn' "$ROW_ERR" &&
    ROW_WHY+=("said with the FQDN in /etc/hosts: $(cat "$ROW_ERR")")
end_row
# a target that only audits DNS never greets: not counted
printf '[host 127.0.0.1:%s]\nhelo = probe.test.example\n[domain example.com]\ndns-only = yes\n' \
    "$P_SMTP" >"$T_DIR/helo-dnsonly.conf"
daemon_ns probe.helo-not-fqdn.daemon-n-dns-only "$T_DIR/hosts-short" -n -f \
    "$T_DIR/helo-dnsonly.conf"
grep -q 'helo-not-fqdn' "$ROW_ERR" &&
    ROW_WHY+=("said for a target that never greets: $(cat "$ROW_ERR")")
end_row
# a daemon started: the line is there at start, or not
for c in some all; do
	cat "$T_DIR/helo-$c.conf" >"$T_DIR/helo-$c-d.conf"
	printf '[daemon]\nstate-dir = %s\ncontrol-socket = %s\ninterval = 1h\nresolver = 127.0.0.1:%s\n' \
	    "$T_DIR/helo-$c-state" "$T_DIR/helo-$c.sock" "$CLOSED" \
	    >>"$T_DIR/helo-$c-d.conf"
	t_bg "helo-$c" unshare -mu sh -c 'mount --bind "$1" /etc/hosts &&
	    hostname shorty && shift && exec "$@"' sh "$T_DIR/hosts-short" \
	    "$SMTPROBED" -d -f "$T_DIR/helo-$c-d.conf"
	ROW_NAME=probe.helo-not-fqdn.daemon-start-$c
	ROW_WHY=()
	ROW_CHECKS=()
	ROW_OUT=$T_DIR/helo-$c.log
	ROW_ERR=$ROW_OUT
	n=0
	until grep -q '^smtprobed: started: 2 target' "$ROW_OUT" 2>/dev/null ||
	    [ $n -ge 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ $n -lt 100 ] || ROW_WHY+=("the daemon did not start")
	if [ $c = some ]; then
		expect_stderr '^smtprobed: probe\.helo-not-fqdn: this host.s name "shorty" is not fully qualified; 1 target\(s\)'
	elif grep -q 'helo-not-fqdn' "$ROW_OUT"; then
		ROW_WHY+=("said with every target's helo given")
	fi
	t_kill "$T_BG_PID"
	end_row
done
