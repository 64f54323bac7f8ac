# nsd.sh - a private authoritative NSD for the scenario tests. Sourced
# after common.sh. Needs the Debian nsd package (installed, the system
# instance may stay stopped: nothing under /etc/nsd is read or changed).
# NSD runs as the invoking user (root in the tests), without chroot, in
# the foreground, on a high loopback port; it is stopped by PID on exit.
#
#	nsd_setup DIR PORT	write DIR/nsd.conf (zones are added after)
#	nsd_zone NAME FILE	serve zone NAME from FILE (an absolute path)
#	nsd_start		check the configuration, start, wait until
#				every zone answers its SOA (bounded)
#
# After nsd_start: NSD_ADDR is "127.0.0.1:PORT", for --resolver.
# nsd_start needs tests/tools/dnsq (make tests/tools/dnsq) to ask.

NSD_DIR=
NSD_ZONES=()

nsd_setup() {
	NSD_DIR=$1
	NSD_PORT=$2
	NSD_ADDR=127.0.0.1:$NSD_PORT
	NSD_ZONES=()
	mkdir -p "$NSD_DIR" || return 1
	cat >"$NSD_DIR/nsd.conf" <<-EOF
	# Private test instance (tests/lib/nsd.sh); not a system config.
	server:
		ip-address: 127.0.0.1
		port: $NSD_PORT
		username: ""
		chroot: ""
		zonesdir: "$NSD_DIR"
		database: ""
		zonelistfile: "$NSD_DIR/zone.list"
		xfrdfile: "$NSD_DIR/xfrd.state"
		xfrdir: "$NSD_DIR"
		pidfile: "$NSD_DIR/nsd.pid"
		logfile: "$NSD_DIR/nsd.log"
		server-count: 1
		hide-version: yes
		# a burst of test queries must not turn into TC or drops
		rrl-ratelimit: 0
		rrl-whitelist-ratelimit: 0
	remote-control:
		control-enable: no
	EOF
}

nsd_zone() {
	NSD_ZONES+=("$1")
	printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "$1" "$2" \
	    >>"$NSD_DIR/nsd.conf"
}

# nsd_soa_ok ZONE: the zone's SOA comes back with the AA bit.
nsd_soa_ok() {
	"$T_TOP/tests/tools/dnsq" -C -t 300 -a 1 -s "$NSD_ADDR" "$1" SOA \
	    2>/dev/null | grep -q '^status=OK .* aa=1 '
}

nsd_start() {
	local z n=0 missing
	[ -x "$T_TOP/tests/tools/dnsq" ] ||
	    { echo "nsd_start: tests/tools/dnsq not built" >&2; return 1; }
	if ! nsd-checkconf "$NSD_DIR/nsd.conf" >"$NSD_DIR/checkconf.log" 2>&1
	then
		cat "$NSD_DIR/checkconf.log" >&2
		return 1
	fi
	t_bg nsd nsd -d -c "$NSD_DIR/nsd.conf"
	NSD_PID=$T_BG_PID
	T_SHOW_LOGS+=("$T_DIR/nsd.log" "$NSD_DIR/nsd.log")
	# Listening, and every zone loaded: a zone that does not parse is
	# left out (REFUSED), which must stop the tests here.
	while [ $n -lt 100 ]; do
		missing=
		for z in "${NSD_ZONES[@]}"; do
			nsd_soa_ok "$z" || { missing=$z; break; }
		done
		[ -z "$missing" ] && return 0
		kill -0 "$NSD_PID" 2>/dev/null || break
		sleep 0.1
		n=$((n + 1))
	done
	echo "nsd: zone ${missing:-?} not served on $NSD_ADDR" >&2
	tail -n 20 "$NSD_DIR/nsd.log" "$T_DIR/nsd.log" >&2 2>/dev/null
	return 1
}
