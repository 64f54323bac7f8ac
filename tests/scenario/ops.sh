#!/usr/bin/env bash
# ops.sh - what an operator installs and scrapes.
#
#	ops.install		make install into a DESTDIR puts every file in
#				its FHS place; make uninstall removes them and
#				keeps the configuration
#	ops.install.prefix-local
#				with PREFIX=/usr/local the daemon reads its
#				configuration where make install put it
#	ops.unit.verify		systemd-analyze verify is clean on the units (service
#				and socket)
#	ops.unit.security	systemd-analyze security --offline rates it <= 1.5
#	ops.metrics.*		a running smtprobed serves /metrics that promtool
#				accepts, with the families the dashboard and the
#				rules use, one prefix (smtprobe_) besides the
#				process_* of the client libraries, the audit's
#				duration below the millisecond; a page at /,
#				405 with Allow for another method, 404 elsewhere,
#				400 for headers over 4 KiB, 413 for a body
#	ops.rules		promtool check rules on the shipped rules
#	ops.rules.unit		promtool test rules (tests/lib/rules.test.yml):
#				each state raises its one alert
#	ops.scrape-config	promtool check config on the shipped example
#	ops.dashboard		the shipped Grafana dashboard is JSON whose
#				queries use only metrics the daemon exports
#	ops.shard		shard = 1/2 and 2/2 split one config: disjoint,
#				complete, stable across restarts

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

t_init ops
need_probe
SMTPROBED=$T_TOP/probe/smtprobed

# ---- install ----
D=$T_DIR/destdir
if make -s -C "$T_TOP" install PREFIX=/usr DESTDIR="$D" >"$T_DIR/install.log" 2>&1
then
	missing=
	for f in usr/bin/smtprobe usr/sbin/smtprobed \
	    usr/lib/systemd/system/smtprobed.service \
	    usr/lib/systemd/system/smtprobed.socket \
	    etc/smtprobed/smtprobed.conf; do
		[ -f "$D/$f" ] || missing="$missing $f"
	done
	for m in "$T_TOP"/man/*.[1-8]; do
		s=${m##*.}
		[ -f "$D/usr/share/man/man$s/${m##*/}" ] ||
		    missing="$missing man$s/${m##*/}"
	done
	[ -x "$D/usr/sbin/smtprobed" ] || missing="$missing (smtprobed not executable)"
	grep -q '^ExecStart=/usr/sbin/smtprobed -f /etc/smtprobed/smtprobed.conf$' \
	    "$D/usr/lib/systemd/system/smtprobed.service" ||
	    missing="$missing (ExecStart path)"
	if [ -z "$missing" ]; then
		make -s -C "$T_TOP" uninstall PREFIX=/usr DESTDIR="$D" \
		    >>"$T_DIR/install.log" 2>&1
		left=$(find "$D" -type f | sed "s|^$D/||" | sort | tr '\n' ' ')
		if [ "$left" = "etc/smtprobed/smtprobed.conf " ]; then
			pass ops.install
		else
			fail ops.install "after uninstall, left: $left"
		fi
	else
		fail ops.install "missing:$missing"
	fi
else
	T_SHOW_LOGS+=("$T_DIR/install.log")
	fail ops.install "make install failed"
fi

# ---- PREFIX=/usr/local: installed and read from the same place ----
L=$T_DIR/localdest
if make -s -C "$T_TOP" install PREFIX=/usr/local DESTDIR="$L" \
    >"$T_DIR/install-local.log" 2>&1; then
	why_local=
	[ -f "$L/usr/local/etc/smtprobed/smtprobed.conf" ] ||
	    why_local="$why_local no usr/local/etc/smtprobed/smtprobed.conf;"
	"$L/usr/local/sbin/smtprobed" -h 2>&1 |
	    grep -q -- '-f FILE .*\[/usr/local/etc/smtprobed/smtprobed\.conf\]' ||
	    why_local="$why_local smtprobed -h does not name /usr/local/etc/smtprobed/smtprobed.conf;"
	grep -q '^ExecStart=/usr/local/sbin/smtprobed -f /usr/local/etc/smtprobed/smtprobed.conf$' \
	    "$L/usr/local/lib/systemd/system/smtprobed.service" ||
	    why_local="$why_local ExecStart is not /usr/local's;"
	# what make install put there is what it reads without -f
	if [ -z "$why_local" ] && command -v unshare >/dev/null 2>&1; then
		out=$(unshare -m sh -c "mount --bind '$L/usr/local/etc' /usr/local/etc &&
		    '$L/usr/local/sbin/smtprobed' -n" 2>/dev/null) ||
		    why_local="$why_local smtprobed -n without -f: $out;"
		case $out in
		"/usr/local/etc/smtprobed/smtprobed.conf: configuration ok"*) ;;
		*) why_local="$why_local smtprobed -n without -f said: $out;" ;;
		esac
	fi
	if [ -z "$why_local" ]; then
		pass ops.install.prefix-local
	else
		fail ops.install.prefix-local "$why_local"
	fi
else
	T_SHOW_LOGS+=("$T_DIR/install-local.log")
	fail ops.install.prefix-local "make install PREFIX=/usr/local failed"
fi

# ---- the unit ----
if command -v systemd-analyze >/dev/null 2>&1; then
	U=$T_DIR/unitroot
	# installed under a prefix of its own so verify finds the binaries
	make -s -C "$T_TOP" install PREFIX="$U/usr" >"$T_DIR/install2.log" 2>&1
	unit=$U/usr/lib/systemd/system/smtprobed.service
	if out=$(systemd-analyze verify --man=no "$unit" \
	    "${unit%.service}.socket" 2>&1) && [ -z "$out" ]
	then
		pass ops.unit.verify
	else
		fail ops.unit.verify "$out"
	fi
	out=$(systemd-analyze security --offline=yes "$unit" 2>&1 | tail -n 1)
	level=$(printf '%s\n' "$out" | sed -n 's/.*exposure level for smtprobed.service: \([0-9.]*\).*/\1/p')
	if [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 1.5) }'; then
		pass ops.unit.security
	else
		fail ops.unit.security "exposure ${level:-?} (want <= 1.5): $out"
	fi
else
	fail ops.unit.verify "systemd-analyze not installed"
fi

# ---- metrics ----
scrape() {	# scrape URL [METHOD]: body on stdout, "HTTP CODE" on stderr
	python3 - "$1" "${2:-GET}" <<-'EOF'
	import sys, urllib.request, urllib.error
	try:
	    q = urllib.request.Request(sys.argv[1], method=sys.argv[2])
	    r = urllib.request.urlopen(q, timeout=5)
	    sys.stdout.write(r.read().decode())
	    sys.stderr.write("HTTP %d %s\n" % (r.status, r.headers.get("Content-Type")))
	except urllib.error.HTTPError as e:
	    sys.stderr.write("HTTP %d Allow: %s\n" % (e.code, e.headers.get("Allow")))
	EOF
}

read -r MPORT CPORT DEAD <<<"$(free_ports 3 | tr '\n' ' ')"
mkdir -p "$T_DIR/m"
cat >"$T_DIR/m/smtprobed.conf" <<EOF
[daemon]
state-dir = $T_DIR/m/state
control-socket = $T_DIR/m/control.sock
metrics = 127.0.0.1:$MPORT
interval = 1s
jitter = 0
host-spacing = 0
alert-after = 1
# loopback only: a resolver that is not there answers at once
resolver = 127.0.0.1:$DEAD

[host 127.0.0.1:$DEAD]

[domain audit.example]
dns-only = yes
interval = 1h
EOF
t_bg smtprobed-metrics "$SMTPROBED" -d -f "$T_DIR/m/smtprobed.conf"
MPID=$T_BG_PID
if wait_port 127.0.0.1 "$MPORT"; then
	# let one run end so per-target families have samples
	n=0
	until "$SMTPROBE" status -s "$T_DIR/m/control.sock" --json 2>/dev/null |
	    grep -q '"probes_run":[1-9]' || [ $n -ge 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	scrape "http://127.0.0.1:$MPORT/metrics" >"$T_DIR/m/metrics.txt" \
	    2>"$T_DIR/m/http.txt"
	if grep -q '^HTTP 200 text/plain; version=0.0.4' "$T_DIR/m/http.txt"; then
		pass ops.metrics.http
	else
		fail ops.metrics.http "$(cat "$T_DIR/m/http.txt")"
	fi
	if command -v promtool >/dev/null 2>&1; then
		if out=$(promtool check metrics <"$T_DIR/m/metrics.txt" 2>&1); then
			pass ops.metrics.promtool
		else
			fail ops.metrics.promtool "$out"
		fi
	else
		fail ops.metrics.promtool "promtool (package prometheus) missing"
	fi
	want="smtprobe_up{target=\"host:127.0.0.1:$DEAD\",host=\"127.0.0.1\",addr=\"127.0.0.1\",port=\"$DEAD\"} 0"
	missing=
	grep -qF "$want" "$T_DIR/m/metrics.txt" || missing="$missing smtprobe_up"
	grep -q "^smtprobe_findings{target=\"host:127.0.0.1:$DEAD\",finding=\"net.connect.refused\",severity=\"crit\"} 1$" \
	    "$T_DIR/m/metrics.txt" || missing="$missing smtprobe_findings"
	for fam in smtprobe_status smtprobe_alerts_open \
	    smtprobe_phase_duration_seconds_count smtprobe_probes_total \
	    smtprobe_store_rows_total smtprobe_dns_lookups_total \
	    smtprobe_control_clients smtprobe_checks_in_flight \
	    smtprobe_interval_seconds 'smtprobe_build_info{version="' \
	    process_start_time_seconds process_cpu_seconds_total \
	    process_resident_memory_bytes process_open_fds; do
		grep -qF "$fam" "$T_DIR/m/metrics.txt" || missing="$missing $fam"
	done
	if [ -z "$missing" ]; then
		pass ops.metrics.families
	else
		fail ops.metrics.families "missing:$missing"
	fi
	# one prefix, and the client libraries' process_*
	other=$(sed -n 's/^# TYPE \([^ ]*\) .*/\1/p' "$T_DIR/m/metrics.txt" |
	    grep -vE '^(smtprobe_|process_)' | tr '\n' ' ')
	if [ -z "$other" ]; then
		pass ops.metrics.prefix
	else
		fail ops.metrics.prefix "families outside smtprobe_ and process_: $other"
	fi
	st=$(sed -n 's/^process_start_time_seconds \([0-9]*\)$/\1/p' "$T_DIR/m/metrics.txt")
	if [ -n "$st" ] && [ "$st" -le "$(date +%s)" ] &&
	    [ "$st" -ge "$(( $(date +%s) - 300 ))" ]; then
		pass ops.metrics.start-time
	else
		fail ops.metrics.start-time "process_start_time_seconds \"$st\""
	fi
	# the audit's duration in seconds below the millisecond: one of three
	# runs that take some microseconds shows more than three decimals
	sub=
	for i in 1 2 3; do
		"$SMTPROBE" probe -s "$T_DIR/m/control.sock" audit.example \
		    >/dev/null 2>&1
		v=$(scrape "http://127.0.0.1:$MPORT/metrics" 2>/dev/null |
		    sed -n 's/^smtprobe_audit_duration_seconds{target="domain:audit.example"} //p')
		case $v in
		*.[0-9][0-9][0-9][0-9]* | *e-*) sub=$v; break ;;
		esac
	done
	if [ -n "$sub" ]; then
		pass ops.metrics.audit-duration
	else
		fail ops.metrics.audit-duration "last value \"$v\": whole milliseconds"
	fi
	scrape "http://127.0.0.1:$MPORT/other" >/dev/null 2>"$T_DIR/m/http404.txt"
	if grep -q '^HTTP 404' "$T_DIR/m/http404.txt"; then
		pass ops.metrics.404
	else
		fail ops.metrics.404 "$(cat "$T_DIR/m/http404.txt")"
	fi
	for path in /metrics /; do
		scrape "http://127.0.0.1:$MPORT$path" POST >/dev/null \
		    2>"$T_DIR/m/http405.txt"
		if grep -q '^HTTP 405 Allow: GET, HEAD$' "$T_DIR/m/http405.txt"; then
			pass "ops.metrics.405$path"
		else
			fail "ops.metrics.405$path" "$(cat "$T_DIR/m/http405.txt")"
		fi
	done
	# small request limits: 4 KiB of headers, no body; the daemon goes
	# on answering
	python3 - "$MPORT" >"$T_DIR/m/limits.txt" 2>&1 <<'EOF'
import socket, sys
port = int(sys.argv[1])
def ask(data):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(data)
    except OSError:
        pass
    out = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            out += b
    except OSError:
        pass
    s.close()
    return out.split(b"\r\n", 1)[0].decode("latin-1")
print("headers", ask(b"GET /metrics HTTP/1.0\r\nX-Pad: " + b"a" * 5000 +
                     b"\r\n\r\n"))
print("body", ask(b"GET /metrics HTTP/1.0\r\nContent-Length: 10\r\n\r\n" +
                  b"0123456789"))
print("after", ask(b"GET /metrics HTTP/1.0\r\n\r\n"))
EOF
	if grep -qx 'headers HTTP/1.1 400 Bad Request' "$T_DIR/m/limits.txt" &&
	    grep -qx 'body HTTP/1.1 413 Request Entity Too Large' \
	    "$T_DIR/m/limits.txt" &&
	    grep -qx 'after HTTP/1.0 200 OK' "$T_DIR/m/limits.txt"; then
		pass ops.metrics.request-limits
	else
		fail ops.metrics.request-limits "$(cat "$T_DIR/m/limits.txt")"
	fi
	scrape "http://127.0.0.1:$MPORT/" >"$T_DIR/m/index.html" \
	    2>"$T_DIR/m/httpindex.txt"
	if grep -q '^HTTP 200 text/html' "$T_DIR/m/httpindex.txt" &&
	    grep -q '<a href="/metrics">' "$T_DIR/m/index.html"; then
		pass ops.metrics.index
	else
		fail ops.metrics.index "$(cat "$T_DIR/m/httpindex.txt" "$T_DIR/m/index.html")"
	fi
	# every metric the rules and the dashboard name is one we export;
	# a file that names none (moved, renamed, or the pattern gone stale)
	# is a failure, not a vacuous pass
	used=
	unknown=
	for f in "$T_TOP/conf/prometheus/smtprobe.rules.yml" \
	    "$T_TOP/conf/grafana/smtprobe.json"; do
		u=$(grep -ohE '\bsmtprobed?_[a-z_]+' "$f" 2>/dev/null | sort -u)
		[ -n "$u" ] || unknown="$unknown (no metric name in ${f#$T_TOP/})"
		used="$used $u"
	done
	for u in $(printf '%s\n' $used | sort -u); do
		grep -q "^# TYPE ${u%_sum} \|^# TYPE ${u%_count} \|^# TYPE $u " \
		    "$T_DIR/m/metrics.txt" || unknown="$unknown $u"
	done
	if [ -z "$unknown" ]; then
		pass ops.dashboard.metrics
	else
		fail ops.dashboard.metrics "not exported:$unknown"
	fi
else
	T_SHOW_LOGS+=("$T_DIR/smtprobed-metrics.log")
	fail ops.metrics.http "smtprobed did not listen on $MPORT"
fi
t_kill "$MPID"

if command -v promtool >/dev/null 2>&1 &&
    out=$(promtool check rules "$T_TOP/conf/prometheus/smtprobe.rules.yml" 2>&1)
then
	pass ops.rules
else
	fail ops.rules "${out:-promtool missing}"
fi
if command -v promtool >/dev/null 2>&1 &&
    out=$(cd "$T_TOP/tests/lib" && promtool test rules rules.test.yml 2>&1)
then
	pass ops.rules.unit
else
	fail ops.rules.unit "${out:-promtool missing}"
fi
if command -v promtool >/dev/null 2>&1 &&
    out=$(cd "$T_TOP/conf/prometheus" && promtool check config prometheus.yml 2>&1) &&
    grep -q 'job_name: smtprobed$' "$T_TOP/conf/prometheus/prometheus.yml" &&
    grep -q 'up{job="smtprobed"}' "$T_TOP/conf/prometheus/smtprobe.rules.yml"
then
	pass ops.scrape-config
else
	fail ops.scrape-config "${out:-promtool missing, or the job is not smtprobed}"
fi
if python3 -m json.tool "$T_TOP/conf/grafana/smtprobe.json" >/dev/null 2>&1
then
	pass ops.dashboard.json
else
	fail ops.dashboard.json "not valid JSON"
fi

# ---- sharding ----
shard_targets() {	# shard_targets I/N: the ids that shard runs
	local dir=$T_DIR/shard$2
	mkdir -p "$dir"
	{
		printf '[daemon]\nstate-dir = %s/state\n' "$dir"
		printf 'control-socket = %s/control.sock\n' "$dir"
		printf 'interval = 1h\nshard = %s\n\n' "$1"
		for i in $(seq 1 40); do
			printf '[host 127.0.0.%d:%d]\n' "$((i + 1))" "$DEAD"
		done
	} >"$dir/smtprobed.conf"
	t_bg "smtprobed-shard$2" "$SMTPROBED" -d -f "$dir/smtprobed.conf"
	local pid=$T_BG_PID n=0
	until [ -S "$dir/control.sock" ] || [ $n -ge 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	"$SMTPROBE" targets -s "$dir/control.sock" --json 2>/dev/null |
	    python3 -c 'import json,sys
for t in json.load(sys.stdin)["targets"]: print(t["target"])' | sort
	t_kill "$pid"
}
a=$(shard_targets 1/2 a)
b=$(shard_targets 2/2 b)
a2=$(shard_targets 1/2 c)
na=$(printf '%s\n' "$a" | grep -c .)
nb=$(printf '%s\n' "$b" | grep -c .)
both=$(comm -12 <(printf '%s\n' "$a") <(printf '%s\n' "$b") | grep -c .)
if [ "$((na + nb))" -eq 40 ] && [ "$both" -eq 0 ] && [ "$na" -gt 5 ] &&
    [ "$nb" -gt 5 ] && [ "$a" = "$a2" ]; then
	pass ops.shard
else
	fail ops.shard "1/2 has $na, 2/2 has $nb, $both in both (want 40 in all, none twice, stable)"
fi
