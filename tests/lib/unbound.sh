# unbound.sh - a private validating unbound for the scenario tests,
# in front of the private NSD (tests/lib/nsd.sh). Sourced after
# common.sh. Needs the Debian unbound package; nothing under
# /etc/unbound is read or changed and the system service is left alone.
# unbound runs as the invoking user (root in the tests), without
# chroot, in the foreground, on a high loopback port; stopped by PID.
#
#	ub_setup DIR PORT	write DIR/unbound.conf: validator + iterator,
#				no root trust anchor, no remote control
#	ub_stub ZONE ADDR@PORT	send the queries for ZONE to that server
#				(no recursion from the root: only stub
#				zones resolve)
#	ub_anchor "DS-RR"	a trust anchor, as a DS record in text form
#	ub_start		check the configuration, start, wait until
#				it answers (bounded)
#
# After ub_start: UB_ADDR is "127.0.0.1:PORT", for --resolver.

UB_DIR=

ub_setup() {
	UB_DIR=$1
	UB_PORT=$2
	UB_ADDR=127.0.0.1:$UB_PORT
	mkdir -p "$UB_DIR" || return 1
	: >"$UB_DIR/stubs.conf"
	: >"$UB_DIR/anchors.conf"
	cat >"$UB_DIR/unbound.conf" <<-EOF
	# Private test instance (tests/lib/unbound.sh); not a system config.
	server:
		interface: 127.0.0.1
		port: $UB_PORT
		do-ip6: no
		username: ""
		chroot: ""
		directory: "$UB_DIR"
		pidfile: "$UB_DIR/unbound.pid"
		use-syslog: no
		logfile: ""
		verbosity: 1
		val-log-level: 2
		num-threads: 1
		so-reuseport: no
		access-control: 127.0.0.0/8 allow
		# the authoritative server is on loopback
		do-not-query-localhost: no
		module-config: "validator iterator"
		# no built-in answers for the reverse zone of 127/8: NSD has it
		local-zone: "127.in-addr.arpa." nodefault
		qname-minimisation: no
		harden-dnssec-stripped: yes
		# the test changes nothing while it runs; a short cache anyway
		cache-max-ttl: 60
		cache-max-negative-ttl: 5
		include: "$UB_DIR/anchors.conf"
	include: "$UB_DIR/stubs.conf"
	remote-control:
		control-enable: no
	EOF
}

ub_stub() {
	printf 'stub-zone:\n\tname: "%s"\n\tstub-addr: %s\n' "$1" "$2" \
	    >>"$UB_DIR/stubs.conf"
}

ub_anchor() {
	printf '\ttrust-anchor: "%s"\n' "$1" >>"$UB_DIR/anchors.conf"
}

ub_start() {
	local n=0
	[ -x "$T_TOP/tests/tools/dnsq" ] ||
	    { echo "ub_start: tests/tools/dnsq not built" >&2; return 1; }
	if ! unbound-checkconf "$UB_DIR/unbound.conf" \
	    >"$UB_DIR/checkconf.log" 2>&1; then
		cat "$UB_DIR/checkconf.log" >&2
		return 1
	fi
	t_bg unbound unbound -d -c "$UB_DIR/unbound.conf"
	UB_PID=$T_BG_PID
	T_SHOW_LOGS+=("$T_DIR/unbound.log")
	# Any answer will do (REFUSED or SERVFAIL too): it is up.
	while [ $n -lt 100 ]; do
		if "$T_TOP/tests/tools/dnsq" -C -t 300 -a 1 -s "$UB_ADDR" \
		    localhost A 2>/dev/null | grep -q '^status=OK'; then
			return 0
		fi
		kill -0 "$UB_PID" 2>/dev/null || break
		sleep 0.1
		n=$((n + 1))
	done
	echo "unbound did not answer on $UB_ADDR" >&2
	tail -n 20 "$T_DIR/unbound.log" >&2 2>/dev/null
	return 1
}
