#!/usr/bin/env bash
# resolver.sh - lib/dns against private servers on loopback, through
# tests/tools/dnsq. One row per behaviour:
#
#	resolver.*	tests/lib/fakedns.py: scripted answers per name (normal,
#			truncated, silent, SERVFAIL, REFUSED, NXDOMAIN, NODATA,
#			wrong id, wrong question, wrong source...), a second one
#			that never answers and a third that refuses everything;
#			query counts come from the fake's "_count" names
#	nsd.*		a real authoritative NSD with a zone written here
#
# Every server is started by this script on 127.0.0.1 / ::1 high ports
# and stopped by PID on exit.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lib/common.sh
. "$TOP/tests/lib/common.sh"
t_init resolver

DNSQ=${DNSQ:-$TOP/tests/tools/dnsq}
FAKEDNS="python3 $TOP/tests/lib/fakedns.py"

if [ ! -x "$DNSQ" ]; then
	fail resolver.setup "$DNSQ not built (make tests/tools/dnsq)"
	exit 1
fi

# --- rows ------------------------------------------------------------

# q NAME DNSQ-ARGS...: run dnsq (bounded by ROW_LIMIT seconds, default 20);
# dnsq must exit 0 unless ROW_EXIT says otherwise.
q() {
	ROW_NAME=$1
	shift
	ROW_WHY=()
	ROW_OUT=$T_DIR/$ROW_NAME.out
	ROW_ERR=$T_DIR/$ROW_NAME.err
	ROW_CMD="dnsq $*"
	local t0 t1
	t0=$(date +%s%N)
	timeout -k 2 "${ROW_LIMIT:-20}" "$DNSQ" "$@" >"$ROW_OUT" 2>"$ROW_ERR" \
	    </dev/null
	ROW_RC=$?
	t1=$(date +%s%N)
	ROW_MS=$(( (t1 - t0) / 1000000 ))
	if [ "$ROW_RC" = 124 ] || [ "$ROW_RC" = 137 ]; then
		ROW_WHY+=("dnsq did not finish within ${ROW_LIMIT:-20}s")
	elif [ "$ROW_RC" != "${ROW_EXIT:-0}" ]; then
		ROW_WHY+=("dnsq exit status $ROW_RC, expected ${ROW_EXIT:-0}")
	fi
}

# has REGEX: some output line matches.
has() {
	grep -Eq -- "$1" "$ROW_OUT" || ROW_WHY+=("no line matches /$1/")
}

# hasnt REGEX: no output line matches.
hasnt() {
	! grep -Eq -- "$1" "$ROW_OUT" || ROW_WHY+=("a line matches /$1/")
}

# stat NAME VALUE: the resolver counter stat.NAME is VALUE.
stat() {
	has "^stat\.$1=$2\$"
}

# lines REGEX N: exactly N output lines match.
lines() {
	local n
	n=$(grep -Ec -- "$1" "$ROW_OUT")
	[ "$n" = "$2" ] || ROW_WHY+=("$n lines match /$1/, expected $2")
}

# seen NAME 'udp=N tcp=N ...': what the fake server counted for NAME.
seen() {
	local out
	out=$("$DNSQ" -C -s "127.0.0.1:$P_FAKE" "_count.$1" TXT 2>&1 |
	    sed -n 's/^rr=.*TXT[[:space:]]*"\(.*\)"$/\1/p')
	case " $out " in
	*" $2 "*) ;;
	*) ROW_WHY+=("fake server saw \"$out\" for $1, expected \"$2\"") ;;
	esac
}

# --- servers ---------------------------------------------------------

mapfile -t PORTS < <(free_ports 5)
P_FAKE=${PORTS[0]}
P_SILENT=${PORTS[1]}
P_REFUSE=${PORTS[2]}
P_NSD=${PORTS[3]}
P_DEAD=${PORTS[4]}		# nothing listens there

t_bg fakedns $FAKEDNS --port "$P_FAKE" --addr 127.0.0.1 --addr ::1 \
    --ready "$T_DIR/fakedns.ready"
t_bg silent $FAKEDNS --port "$P_SILENT" --silent --ready "$T_DIR/silent.ready"
t_bg refuse $FAKEDNS --port "$P_REFUSE" --refuse --ready "$T_DIR/refuse.ready"
T_SHOW_LOGS=("$T_DIR/fakedns.log")
for f in fakedns silent refuse; do
	if ! wait_file "$T_DIR/$f.ready" 15; then
		fail resolver.setup "fakedns ($f) did not start"
		exit 1
	fi
done

F=127.0.0.1:$P_FAKE

# --- the fake server -------------------------------------------------

q resolver.udp -s "$F" ok-udp.test A
has '^status=OK name=ok-udp\.test\. type=1 rcode=0 ad=0 aa=1 ttl=300 cache=0 tcp=0 '
lines '^rr=ok-udp\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.[12]$' 2
stat sent 1
stat retries 0
# EDNS0 and the AD bit went out with the query (RFC 6891, RFC 6840 5.7)
seen ok-udp.test 'udp=1 tcp=0 edns=1 ad=1'
end_row

q resolver.types -s "$F" ok-types.test MX
has '^rr=ok-types\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+MX[[:space:]]+10 mx1\.ok-types\.test\.$'
has '^rr=ok-types\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+MX[[:space:]]+20 mx2\.ok-types\.test\.$'
end_row

q resolver.truncated-tcp -s "$F" tc-1.test A
has '^status=OK .* tcp=1 '
lines '^rr=tc-1\.test\.' 2
stat tcp_fallbacks 1
stat sent 2
seen tc-1.test 'udp=1 tcp=1'
end_row

q resolver.truncated-big -s "$F" big-1.test A
has '^status=OK .* tcp=1 '
lines '^rr=big-1\.test\.' 60
stat tcp_fallbacks 1
end_row

ROW_LIMIT=10 q resolver.timeout -s "$F" -t 200 -a 2 silent-1.test A
has '^status=TIMEOUT .* why=no-answer$'
has '^finding=dns\.timeout$'
stat try_timeouts 2
stat retries 1
stat timeouts 1
expect_ms_below 1500
seen silent-1.test 'udp=2 tcp=0'
end_row

ROW_LIMIT=10 q resolver.deadline -s "$F" -t 200 -a 10 -T 500 silent-2.test A
has '^status=TIMEOUT '
stat try_timeouts 3
expect_ms_below 1200
end_row

q resolver.servfail -s "$F" -n 2 servfail-1.test A
has '^status=SERVFAIL .* rcode=2 '
has '^finding=dns\.servfail$'
hasnt '^rr='
# not cached: the second lookup asks again
stat cache_hits 0
seen servfail-1.test 'udp=2 tcp=0'
end_row

q resolver.refused -s "$F" refused-1.test A
has '^status=REFUSED .* rcode=5 '
has '^finding=dns\.refused$'
end_row

q resolver.formerr -s "$F" formerr-1.test A
has '^status=FORMERR .* why=server-formerr$'
hasnt '^finding='
end_row

q resolver.nxdomain -s "$F" -n 2 nx-1.test A
has '^status=NXDOMAIN .* ttl=60 cache=0 '
has '^status=NXDOMAIN .* cache=1 '
has '^finding=dns\.nxdomain$'
# negative caching (RFC 2308): one query for two lookups
stat cache_hits 1
seen nx-1.test 'udp=1 tcp=0'
end_row

q resolver.nodata -s "$F" -n 2 nodata-1.test A
has '^status=NODATA .* rcode=0 .* ttl=60 cache=0 '
has '^status=NODATA .* cache=1 '
hasnt '^finding='
hasnt '^rr='
seen nodata-1.test 'udp=1 tcp=0'
end_row

q resolver.wrong-id -s "$F" badid-1.test A
has '^status=OK '
lines '^rr=' 2
hasnt '203\.0\.113\.66'
stat dropped_id 1
stat sent 1
end_row

q resolver.wrong-question -s "$F" badq-1.test A
has '^status=OK '
lines '^rr=badq-1\.test\.' 2
hasnt '203\.0\.113\.66'
stat dropped_question 1
stat sent 1
end_row

# The socket is connected: the kernel drops the datagram from the other
# port before the resolver could count it. It must not be taken.
q resolver.wrong-source -s "$F" badsrc-1.test A
has '^status=OK '
hasnt '203\.0\.113\.66'
stat sent 1
stat retries 0
end_row

q resolver.cache-hit -s "$F" -n 3 ok-cache.test A
lines '^status=OK .* cache=0 ' 1
lines '^status=OK .* cache=1 .* ms=0 ' 2
lines '^rr=ok-cache\.test\.' 6
stat cache_hits 2
stat sent 1
seen ok-cache.test 'udp=1 tcp=0'
end_row

# TTLs count down while cached: the answer as the resolver would give it
ROW_LIMIT=10 q resolver.cache-ttl-ages -s "$F" -n 2 -w 1100 ok-age.test A
has '^status=OK .* ttl=300 cache=0 '
has '^status=OK .* ttl=(299|298) cache=1 '
lines '^rr=ok-age\.test\.[[:space:]]+(299|298)[[:space:]]' 2
end_row

q resolver.cache-bound -s "$F" -q -c 10 -n 30 -U ok-evict.test A
stat cache_entries 10
stat cache_evictions 20
stat status.OK 30
end_row

q resolver.ttl0-not-cached -s "$F" -n 2 ttl0-1.test A
stat cache_hits 0
seen ttl0-1.test 'udp=2 tcp=0'
end_row

q resolver.cname -s "$F" alias-1.test A
has '^status=OK .* ttl=100 .* cname=ok\.alias-1\.test\. '
lines '^rr=ok\.alias-1\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A' 2
end_row

q resolver.cname-loop -s "$F" loop-1.test A
has '^status=NODATA .* cname=loop-1\.test\. '
end_row

q resolver.ad-bit -s "$F" -n 2 ad-1.test A
has '^status=OK .* ad=1 .* cache=0 '
has '^status=OK .* ad=1 .* cache=1 '
end_row

q resolver.edns-fallback -s "$F" noedns-1.test A
has '^status=OK '
stat edns_fallbacks 1
seen noedns-1.test 'udp=2 tcp=0 edns=1'
end_row

q resolver.coalesce -s "$F" -q -n 20 -p 20 ok-co.test A
lines '^status=OK' 1
stat coalesced 19
stat sent 1
stat status.OK 20
seen ok-co.test 'udp=1 tcp=0'
end_row

q resolver.inflight-bound -s "$F" -q -m 4 -n 50 -p 50 -U ok-bound.test A
stat inflight_peak 4
stat queued 46
stat status.OK 50
has '^lookups=50 finished=50 '
end_row

q resolver.ipv6 -s "[::1]:$P_FAKE" ok-v6.test AAAA
has "^status=OK .* server=\\[::1\\]:$P_FAKE "
has '^rr=ok-v6\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+AAAA[[:space:]]+2001:db8::1$'
end_row

ROW_LIMIT=10 q resolver.retry-next-server -s "127.0.0.1:$P_SILENT" -s "$F" \
    -t 300 ok-retry.test A
has "^status=OK .* server=127\\.0\\.0\\.1:$P_FAKE "
stat try_timeouts 1
stat retries 1
stat sent 2
expect_ms_below 2000
end_row

q resolver.refused-next-server -s "127.0.0.1:$P_REFUSE" -s "$F" \
    ok-refused.test A
has "^status=OK .* server=127\\.0\\.0\\.1:$P_FAKE "
stat retries 1
stat try_timeouts 0
end_row

q resolver.refused-everywhere -s "127.0.0.1:$P_REFUSE" \
    -s "[::1]:$P_FAKE" -a 3 refused-2.test A
has '^status=REFUSED '
# each server asked once: a REFUSED is not worth asking again
stat sent 2
end_row

# ICMP port unreachable ends the attempt at once, long before try_ms.
q resolver.dead-server -s "127.0.0.1:$P_DEAD" -s "$F" -t 3000 ok-dead.test A
has "^status=OK .* server=127\\.0\\.0\\.1:$P_FAKE "
stat net_errors 1
expect_ms_below 2000
end_row

# Nobody there at all: no answer, known at once.
q resolver.unreachable -s "127.0.0.1:$P_DEAD" -s "[::1]:$P_DEAD" -t 3000 \
    ok-unreach.test A
has '^status=TIMEOUT .* why=unreachable$'
has '^finding=dns\.timeout$'
stat net_errors 4
expect_ms_below 2000
end_row

printf 'nameserver 127.0.0.1:%s\noptions timeout:1 attempts:1\n' "$P_FAKE" \
    >"$T_DIR/resolv.conf"
q resolver.resolv-conf -f "$T_DIR/resolv.conf" ok-resolv.test A
has "^status=OK .* server=127\\.0\\.0\\.1:$P_FAKE "
end_row

q resolver.invalid-name -s "$F" 'bad..name' A
has '^status=ERROR .* why=invalid-name$'
stat sent 0
end_row

# Freed with 100 queries on the wire: no callback, no crash, no leak
# (under ASan the leak check fails the run).
ROW_EXIT=1 q resolver.free-outstanding -s "127.0.0.1:$P_SILENT" -n 100 \
    -p 100 -U -k 100 ok-free.test A
has '^lookups=100 finished=0 '
stat inflight 64
stat waiting 36
[ -s "$ROW_ERR" ] && ROW_WHY+=("stderr not empty")
end_row

# --- a real authoritative server -------------------------------------

nsd_start() {
	local d=$T_DIR/nsd n=0
	mkdir -p "$d"
	cat >"$d/nsd.conf" <<-EOF
	server:
		ip-address: 127.0.0.1
		ip-address: ::1
		port: $P_NSD
		username: ""
		chroot: ""
		zonesdir: "$d"
		database: ""
		zonelistfile: "$d/zone.list"
		xfrdfile: "$d/xfrd.state"
		xfrdir: "$d"
		pidfile: "$d/nsd.pid"
		logfile: "$d/nsd.log"
		server-count: 1
		hide-version: yes
		# response rate limiting would turn a burst into TC and drops
		rrl-ratelimit: 0
		rrl-whitelist-ratelimit: 0
	remote-control:
		control-enable: no
	zone:
		name: "example.test"
		zonefile: "example.test.zone"
	EOF
	cat >"$d/example.test.zone" <<-'EOF'
	$ORIGIN example.test.
	$TTL 3600
	@	IN SOA ns1 hostmaster 2024010101 3600 900 604800 300
	@	IN NS ns1
	@	IN MX 10 mx1
	@	IN MX 20 mx2
	@	IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
	ns1	IN A 192.0.2.53
	mx1	300 IN A 192.0.2.25
	mx1	300 IN AAAA 2001:db8::25
	mx2	IN A 192.0.2.26
	www	600 IN CNAME mx1
	EOF
	if ! nsd-checkconf "$d/nsd.conf" >"$d/checkconf.log" 2>&1; then
		T_SHOW_LOGS=("$d/checkconf.log")
		return 1
	fi
	t_bg nsd nsd -d -c "$d/nsd.conf"
	T_SHOW_LOGS=("$T_DIR/nsd.log" "$d/nsd.log")
	# listening, and the zone loaded
	while [ $n -lt 100 ]; do
		if "$DNSQ" -C -t 200 -a 1 -s "127.0.0.1:$P_NSD" example.test SOA \
		    2>/dev/null | grep -q '^status=OK'; then
			return 0
		fi
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

N=127.0.0.1:$P_NSD
if ! command -v nsd >/dev/null 2>&1; then
	fail nsd.setup "nsd is not installed (apt-get install nsd)"
elif ! nsd_start; then
	fail nsd.setup "nsd did not answer on port $P_NSD"
else
	q nsd.a -s "$N" mx1.example.test A
	has '^status=OK .* ad=0 aa=1 ttl=300 '
	has '^rr=mx1\.example\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.25$'
	end_row

	q nsd.aaaa -s "[::1]:$P_NSD" mx1.example.test AAAA
	has "^status=OK .* server=\\[::1\\]:$P_NSD "
	has '^rr=mx1\.example\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+AAAA[[:space:]]+2001:db8::25$'
	end_row

	q nsd.mx -s "$N" example.test MX
	has '^status=OK .* ttl=3600 '
	has '^rr=example\.test\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+MX[[:space:]]+10 mx1\.example\.test\.$'
	has '^rr=example\.test\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+MX[[:space:]]+20 mx2\.example\.test\.$'
	end_row

	q nsd.txt -s "$N" example.test TXT
	has '^rr=example\.test\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+TXT[[:space:]]+"v=spf1 ip4:192\.0\.2\.0/24 -all"$'
	end_row

	q nsd.cname -s "$N" www.example.test A
	has '^status=OK .* ttl=300 .* cname=mx1\.example\.test\. '
	has '^rr=mx1\.example\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.25$'
	end_row

	q nsd.cname-type -s "$N" WWW.Example.Test CNAME
	has '^status=OK name=www\.example\.test\. .* ttl=600 .* cname=- '
	has '^rr=www\.example\.test\.[[:space:]]+600[[:space:]]+IN[[:space:]]+CNAME[[:space:]]+mx1\.example\.test\.$'
	end_row

	q nsd.nxdomain -s "$N" -n 2 nope.example.test A
	has '^status=NXDOMAIN .* ttl=300 cache=0 '
	has '^status=NXDOMAIN .* cache=1 '
	stat sent 1
	end_row

	q nsd.nodata -s "$N" mx2.example.test AAAA
	has '^status=NODATA .* ttl=300 '
	end_row

	q nsd.refused -s "$N" example.org A
	has '^status=REFUSED '
	end_row
fi
