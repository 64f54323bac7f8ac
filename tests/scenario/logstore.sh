#!/usr/bin/env bash
# logstore.sh - smtprobed's [log] sections and the store: the counts per
# minute, the read position and the alerts of a followed log survive a
# restart, a kill -9 and a corrupt file the way the rest of the store
# does; the control command logs answers from the store; the ALERT line
# carries domain=, count=, window= and sample= as fields.
#
# The log is written by the test, Postfix's own format with RFC 3339
# stamps (the Postfix-written log is tests/scenario/logs.sh's), so each
# count is known exactly: a restart must neither count a line twice nor
# skip one.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

t_init logstore
need_probe
SMTPROBED=$T_TOP/probe/smtprobed
PY=python3
LOG=$T_DIR/mail.log
SOCK=$T_DIR/d.sock
STATE=$T_DIR/state
DB=$STATE/smtprobed.db
: >"$LOG"
mkdir -p "$STATE"

conf() {	# conf STATE_DIR SOCKET [more [log] keys...]
	local st=$1 sock=$2
	shift 2
	printf '[daemon]\nstate-dir = %s\ncontrol-socket = %s\n' "$st" "$sock"
	printf '[log mail]\npath = %s\nlog-alert = 3/10m\ninterval = 1s\n' "$LOG"
	printf 'alert-after = 1\nclear-after = 1\n'
	printf '%s\n' "$@"
}

# line DOMAIN deferred|sent [AGE_SECONDS]: a Postfix delivery line
line() {
	local t n=$RANDOM$RANDOM
	t=$(TZ=UTC date -d "@$(($(date +%s) - ${3:-0}))" +%Y-%m-%dT%H:%M:%S.000000+00:00)
	if [ "$2" = sent ]; then
		echo "$t mx postfix/smtp[2748]: A$n: to=<user@$1>, relay=127.0.0.1[127.0.0.1]:2525, delay=0.1, delays=0/0/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as B$n)"
	else
		echo "$t mx postfix/smtp[2748]: A$n: to=<user@$1>, relay=127.0.0.1[127.0.0.1]:2525, delay=0.1, delays=0/0/0/0, dsn=4.2.0, status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.0 <user@$1>: Recipient address rejected: \"Greylisted\", see http://postgrey.example/help (in reply to RCPT TO command))"
	fi
}

add() {	# add DOMAIN STATUS N [AGE]: N lines to the log
	local i
	for ((i = 0; i < $3; i++)); do
		line "$1" "$2" "${4:-0}"
	done >>"$LOG"
}

start() {	# start NAME CONF: a daemon, until its socket answers
	t_bg "$1" "$SMTPROBED" -d -f "$2"
	DPID=$T_BG_PID
	T_SHOW_LOGS=("$T_DIR/$1.log")
	local n=0
	until "$SMTPROBE" status -s "$SOCK" >/dev/null 2>&1; do
		[ $n -ge 100 ] && return 1
		sleep 0.1
		n=$((n + 1))
	done
}

# lq PYEXPR: the logs reply (r) of the running daemon satisfies PYEXPR;
# waits up to 10 s for it (the store's writer commits within 100 ms).
# stored(d, s) is the count of status s of out-domain d in the store,
# window(d) the count in the window.
lq() {
	local n=0
	while :; do
		"$SMTPROBE" logs --daemon --json -s "$SOCK" >"$T_DIR/lq.json" \
		    2>"$T_DIR/lq.err"
		$PY - "$T_DIR/lq.json" "$1" <<'EOF' && return 0
import json, sys
r = json.load(open(sys.argv[1]))
l = r["logs"][0]
def stored(d, s):
    for x in (l.get("stored") or {}).get("domains", []):
        if x["domain"] == d and x["direction"] == "out":
            return x["status"].get(s, 0)
    return 0
def window(d):
    return sum(x["count"] for x in l["window"] if x["domain"] == d)
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
		[ $n -ge 50 ] && { ROW_WHY+=("logs reply: not $1: $(head -c 600 "$T_DIR/lq.json")"); return 1; }
		sleep 0.2
		n=$((n + 1))
	done
}

sq() {	# sq SQL: one query of the store, waiting out the writer's locks
	sqlite3 -cmd ".timeout 5000" "$DB" "$@" 2>&1
}

begin() {
	ROW_NAME=$1
	ROW_WHY=()
	ROW_CHECKS=()
}

conf "$STATE" "$SOCK" >"$T_DIR/d.conf"

# --- alert line and stored counts --------------------------------------

begin logstore.alert.fields
start d1 "$T_DIR/d.conf" || ROW_WHY+=("smtprobed did not answer")
add grey.test deferred 3
add ok.test sent 1
n=0
until grep -q 'ALERT target=log:mail' "$T_DIR/d1.log" || [ $n -ge 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
# the issue's form: domain=, count=, window=, sample= as fields; the
# server's double quotes become single ones, the sample is closed
grep -Eq '^smtprobed: ALERT target=log:mail domain=grey\.test direction=out finding=policy\.greylisted severity=warn layer=policy since=[0-9TZ:-]+ count=3 window=10m sample="450 4\.2\.0 <user@grey\.test>: Recipient address rejected: '"'"'Greylisted'"'"', see http://postgrey\.example/help"$' \
    "$T_DIR/d1.log" || ROW_WHY+=("no ALERT line with domain=, count=, window=, sample=")
grep -q 'ALERT.* host=' "$T_DIR/d1.log" && ROW_WHY+=("host= in a [log] ALERT line")
end_row

begin logstore.stored
lq 'stored("grey.test", "deferred") == 3 and stored("ok.test", "sent") == 1 and window("grey.test") == 3'
$PY - "$T_DIR/lq.json" <<'EOF' || ROW_WHY+=("the stored cause is not as expected")
import json, sys
r = json.load(open(sys.argv[1]))
d = [x for x in r["logs"][0]["stored"]["domains"] if x["domain"] == "grey.test"][0]
c = d["causes"][0]
ok = (d["failed"] == 3 and d["events"] == 3 and c["cause"] == "policy.greylisted"
      and c["status"] == "deferred" and c["count"] == 3
      and c["sample"].startswith("450 4.2.0 <user@grey.test>")
      and c["first"] <= c["last"])
# most failed first
ok = ok and r["logs"][0]["stored"]["domains"][0]["domain"] == "grey.test"
sys.exit(0 if ok else 1)
EOF
"$SMTPROBE" logs --daemon --json --limit 1 -s "$SOCK" >"$T_DIR/limit.json" 2>&1
$PY - "$T_DIR/limit.json" <<'EOF' || ROW_WHY+=("--limit 1 is not one domain, truncated")
import json, sys
st = json.load(open(sys.argv[1]))["logs"][0]["stored"]
sys.exit(0 if len(st["domains"]) == 1 and st["truncated"] is True else 1)
EOF
"$SMTPROBE" logs --daemon -s "$SOCK" >"$T_DIR/human.out" 2>&1
grep -Eq '^  out grey\.test +3 events, 3 failed \(deferred 3\)$' "$T_DIR/human.out" ||
    ROW_WHY+=("the human form lacks grey.test's stored line")
grep -Eq '^      policy\.greylisted +deferred +3 ' "$T_DIR/human.out" ||
    ROW_WHY+=("the human form lacks the cause line")
[ "$(sq "SELECT sum(count) FROM log_minutes WHERE log = 'mail'")" = 4 ] ||
    ROW_WHY+=("log_minutes does not sum to 4")
[ "$(sq "SELECT count(*) FROM alerts WHERE target = 'log:mail' AND host = 'grey.test' AND addr = 'out'")" = 1 ] ||
    ROW_WHY+=("the open alert is not in the store")
end_row

# --- a restart: exactly once, the alert and the window kept ------------

begin logstore.restart
t_kill "$DPID"
add grey.test deferred 2	# while it is down
add ok.test sent 1
start d2 "$T_DIR/d.conf" || ROW_WHY+=("smtprobed did not answer again")
lq 'stored("grey.test", "deferred") == 5 and stored("ok.test", "sent") == 2'
# the 3 of before seeded from the store, the 2 read now
lq 'window("grey.test") == 5'
sleep 1.5
grep -q 'ALERT target=log:mail' "$T_DIR/d2.log" &&
    ROW_WHY+=("the open alert was raised again after the restart")
grep -q 'RECOVERED target=log:mail' "$T_DIR/d2.log" &&
    ROW_WHY+=("the open alert was cleared by the restart")
end_row

# --- kill -9 in the middle of reading: still exactly once --------------

begin logstore.kill9
add grey.test deferred 400
add ok.test sent 600
sleep 0.3
{ kill -KILL "$DPID"; wait "$DPID"; } 2>/dev/null
add ok.test sent 7
start d3 "$T_DIR/d.conf" || ROW_WHY+=("smtprobed did not answer after kill -9")
lq 'stored("grey.test", "deferred") == 405 and stored("ok.test", "sent") == 609'
end_row

# --- the range: a line's own time decides its minute --------------------

begin logstore.since
add old.test deferred 2 7200	# written two hours ago
lq 'stored("old.test", "deferred") == 2'
"$SMTPROBE" logs --daemon --json --since 1h -s "$SOCK" >"$T_DIR/since.json" 2>&1
$PY - "$T_DIR/since.json" <<'EOF' || ROW_WHY+=("--since 1h shows the lines of two hours ago")
import json, sys
r = json.load(open(sys.argv[1]))
doms = [x["domain"] for x in r["logs"][0]["stored"]["domains"]]
sys.exit(0 if "grey.test" in doms and "old.test" not in doms else 1)
EOF
"$SMTPROBE" logs --daemon --json --domain OLD.test -s "$SOCK" >"$T_DIR/dom.json" 2>&1
$PY - "$T_DIR/dom.json" <<'EOF' || ROW_WHY+=("--domain does not select old.test alone")
import json, sys
r = json.load(open(sys.argv[1]))
doms = [x["domain"] for x in r["logs"][0]["stored"]["domains"]]
sys.exit(0 if doms == ["old.test"] else 1)
EOF
end_row

row_raw logstore.bad.log 1 logs --daemon --log nosuch -s "$SOCK"
expect_stderr 'no such \[log\] section'
end_row
row_raw logstore.bad.limit 3 logs --daemon --limit 0 -s "$SOCK"
expect_stderr '--limit: "0" is not a number from 1 to 1000'
end_row
row_raw logstore.bad.file 3 logs --daemon -s "$SOCK" /var/log/mail.log
expect_stderr '--daemon reads no file'
end_row
row_raw logstore.bad.socket-without-daemon 3 logs --limit 5 "$LOG"
end_row
t_kill "$DPID"

# --- a position file of the previous version, read once ----------------

begin logstore.migrate
STATE2=$T_DIR/state2
mkdir -p "$STATE2"
: >"$T_DIR/m.log"
for i in 1 2 3; do line a.test deferred; done >>"$T_DIR/m.log"
read -r dev ino < <(stat -c '%d %i' "$T_DIR/m.log")
off=$(stat -c %s "$T_DIR/m.log")
for i in 1 2; do line b.test deferred; done >>"$T_DIR/m.log"
echo "$dev $ino $off" >"$STATE2/log-mail.pos"
sed "s|^path = .*|path = $T_DIR/m.log|" <(conf "$STATE2" "$SOCK") >"$T_DIR/m.conf"
DB_SAVE=$DB
DB=$STATE2/smtprobed.db
start m1 "$T_DIR/m.conf" || ROW_WHY+=("smtprobed did not answer")
lq 'stored("b.test", "deferred") == 2 and stored("a.test", "deferred") == 0'
[ -e "$STATE2/log-mail.pos" ] && ROW_WHY+=("the position file is still there")
grep -q "log mail: going on from $STATE2/log-mail.pos" "$T_DIR/m1.log" ||
    ROW_WHY+=("the migration is not logged")
[ "$(sq "SELECT off FROM log_positions WHERE log = 'mail'")" = "$(stat -c %s "$T_DIR/m.log")" ] ||
    ROW_WHY+=("the store's position is not the end of the file")
# and a restart now goes on from the store
t_kill "$DPID"
line b.test deferred >>"$T_DIR/m.log"
start m2 "$T_DIR/m.conf" || ROW_WHY+=("smtprobed did not answer again")
lq 'stored("b.test", "deferred") == 3'
t_kill "$DPID"
DB=$DB_SAVE
end_row

# --- a corrupt store: said, the window still answers, alerts go on -----

begin logstore.corrupt
ROOT=$(sq "SELECT rootpage FROM sqlite_schema WHERE name = 'log_minutes'")
PAGE=$(sq "PRAGMA page_size")
if [ -z "$ROOT" ] || [ -z "$PAGE" ]; then
	ROW_WHY+=("no log_minutes table (root '$ROOT', page '$PAGE')")
else
	yes 'this is not a b-tree page' | head -c "$PAGE" |
	    dd of="$DB" bs="$PAGE" seek=$((ROOT - 1)) count=1 conv=notrunc \
	    2>/dev/null
fi
start d4 "$T_DIR/d.conf" || ROW_WHY+=("smtprobed did not answer")
add bad.test deferred 3
n=0
until grep -q 'ALERT target=log:mail domain=bad\.test' "$T_DIR/d4.log" ||
    [ $n -ge 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
grep -q 'ALERT target=log:mail domain=bad\.test' "$T_DIR/d4.log" ||
    ROW_WHY+=("no ALERT with a corrupt store")
"$SMTPROBE" logs --daemon --json -s "$SOCK" >"$T_DIR/corrupt.json" 2>&1
$PY - "$T_DIR/corrupt.json" <<'EOF' || ROW_WHY+=("logs with a corrupt store: $(head -c 400 "$T_DIR/corrupt.json")")
import json, sys
r = json.load(open(sys.argv[1]))
ok = (r["ok"] and "malformed" in r.get("store_error", "") and
      any(x["domain"] == "bad.test" and x["count"] == 3
          for x in r["logs"][0]["window"]))
sys.exit(0 if ok else 1)
EOF
"$SMTPROBE" logs --daemon -s "$SOCK" >/dev/null 2>"$T_DIR/corrupt.err"
grep -q 'the store could not be read: .*malformed' "$T_DIR/corrupt.err" ||
    ROW_WHY+=("the human form does not say the store failed")
"$SMTPROBE" status --json -s "$SOCK" >"$T_DIR/status.json" 2>&1
$PY - "$T_DIR/status.json" <<'EOF' || ROW_WHY+=("status does not say the store is corrupt")
import json, sys
s = json.load(open(sys.argv[1]))["store"]
sys.exit(0 if s.get("failing") and s.get("corrupt") else 1)
EOF
n=$(grep -c 'the database is corrupt' "$T_DIR/d4.log")
[ "$n" = 1 ] || ROW_WHY+=("the corruption is said $n times, not once")
t_kill "$DPID"
end_row



# --- the journal (journal = IDENTIFIER...) ------------------------------
#
# No journald runs here: systemd-journal-remote writes real journal
# files from entries in the journal export format into a directory the
# section reads (journal-directory), as sd_journal_open_directory reads
# those of a remote host.

JREMOTE=/lib/systemd/systemd-journal-remote
JD=$T_DIR/journal
JSOCK=$T_DIR/j.sock
JSTATE=$T_DIR/jstate
mkdir -p "$JSTATE"
CLOSED=$(free_port)
jconf() {	# jconf IDENTIFIERS
	printf '[daemon]\nstate-dir = %s\ncontrol-socket = %s\n' "$JSTATE" "$JSOCK"
	printf '[log j]\njournal = %s\njournal-directory = %s\n' "$1" "$JD"
	printf 'log-alert = 3/10m\ninterval = 1s\nalert-after = 1\nclear-after = 1\n'
	printf '[host 127.0.0.1:%s]\ninterval = 1s\n' "$CLOSED"
}
# jent IDENT DOMAIN [FILE]: one entry, through journal-remote, into FILE
jent() {
	local msg
	if [ "$1" = exim ]; then
		# Exim through syslog: its mainlog line without the time
		msg="1MUiyU-0002Mv-$(printf %02d $((RANDOM % 100))) == user@$2 R=dnslookup T=remote_smtp defer (-44) H=mx.$2 [192.0.2.218]: SMTP error from remote mail server after RCPT TO:<user@$2>: 450 4.2.0 <user@$2>: Recipient address rejected: Greylisted"
	else
		msg=$(line "$2" deferred | sed 's/^[^ ]* [^ ]* [^ ]* //')
	fi
	printf '__REALTIME_TIMESTAMP=%s\n_HOSTNAME=mx\nSYSLOG_IDENTIFIER=%s\nSYSLOG_PID=%s\nSYSLOG_FACILITY=2\nPRIORITY=6\nMESSAGE=%s\n\n' \
	    "$(date +%s%6N)" "$1" "$RANDOM" "$msg" |
	    "$JREMOTE" --output="$JD/${3:-a}.journal" --split-mode=none - \
	    >>"$T_DIR/jremote.log" 2>&1
}
jlq() {	# jlq PYEXPR: as lq, of the journal's daemon
	local s=$SOCK
	SOCK=$JSOCK
	lq "$1"
	SOCK=$s
}
probes_run() {
	"$SMTPROBE" status --json -s "$JSOCK" 2>/dev/null |
	    $PY -c 'import json,sys; print(json.load(sys.stdin)["probes_run"])' 2>/dev/null || echo 0
}

jconf postfix >"$T_DIR/j.conf"
begin logstore.journal.missing
SOCK_SAVE=$SOCK
SOCK=$JSOCK
start j1 "$T_DIR/j.conf" || ROW_WHY+=("smtprobed did not answer")
SOCK=$SOCK_SAVE
sleep 3
n=$(grep -c "log j: journal $JD: No such file or directory" "$T_DIR/j1.log")
[ "$n" = 1 ] || ROW_WHY+=("a missing journal said $n times, not once")
p1=$(probes_run)
sleep 2.5
p2=$(probes_run)
[ "$p2" -gt "$p1" ] || ROW_WHY+=("the probes stalled: $p1 then $p2 runs")
end_row

begin logstore.journal.follow
if [ ! -x "$JREMOTE" ]; then
	ROW_WHY+=("needs $JREMOTE (the systemd-journal-remote package)")
else
	mkdir -p "$JD"
	jent postfix/smtp grey.test
	jent postfix/smtp grey.test
	jent exim grey.test			# not followed
	jent postfix-out/smtp grey.test		# another instance
	jent postfix/smtp grey.test
	# the journal came after the start: looked for again within 10 s,
	# then read from its start
	jlq 'stored("grey.test", "deferred") == 3'
	n=0
	until grep -q 'ALERT target=log:j domain=grey\.test' "$T_DIR/j1.log" ||
	    [ $n -ge 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	grep -Eq 'ALERT target=log:j domain=grey\.test direction=out finding=policy\.greylisted .* count=3 window=10m sample="450 4\.2\.0 ' \
	    "$T_DIR/j1.log" || ROW_WHY+=("no ALERT from the journal")
	# appended to the file the follower has open
	jent postfix/smtp ok.test
	jlq 'stored("ok.test", "deferred") == 1'
fi
end_row

begin logstore.journal.restart
t_kill "$DPID"
jent postfix/smtp grey.test
jent postfix/smtp grey.test b		# a new file, as after a rotation
SOCK=$JSOCK
start j2 "$T_DIR/j.conf" || ROW_WHY+=("smtprobed did not answer again")
SOCK=$SOCK_SAVE
jlq 'stored("grey.test", "deferred") == 5 and stored("ok.test", "deferred") == 1'
[ "$(sqlite3 -cmd '.timeout 5000' "$JSTATE/smtprobed.db" \
    "SELECT source || ' ' || (cursor LIKE 's=%;i=%') FROM log_positions WHERE log = 'j'")" = "journal:$JD 1" ] ||
    ROW_WHY+=("no journal cursor in the store")
grep -q 'ALERT target=log:j' "$T_DIR/j2.log" &&
    ROW_WHY+=("the open alert was raised again after the restart")
end_row

begin logstore.journal.kill9
for i in 1 2 3 4 5 6 7 8 9 10; do jent postfix/smtp many.test; done
{ kill -KILL "$DPID"; wait "$DPID"; } 2>/dev/null
jent postfix/smtp many.test
SOCK=$JSOCK
start j3 "$T_DIR/j.conf" || ROW_WHY+=("smtprobed did not answer after kill -9")
SOCK=$SOCK_SAVE
jlq 'stored("many.test", "deferred") == 11 and stored("grey.test", "deferred") == 5'
end_row

begin logstore.journal.reload
jconf "postfix exim" >"$T_DIR/j.conf"
"$SMTPROBE" reload -s "$JSOCK" >"$T_DIR/reload.out" 2>&1 ||
    ROW_WHY+=("reload failed: $(cat "$T_DIR/reload.out")")
jent exim exim.test
jent postfix/smtp grey.test
# exim's entries now, Postfix's not read twice
jlq 'stored("exim.test", "deferred") == 1 and stored("grey.test", "deferred") == 6'
end_row
t_kill "$DPID"

# a [log] section is a file or the journal, not both
printf '[daemon]\nstate-dir = %s\n[log both]\npath = %s\njournal = postfix\n' \
    "$JSTATE" "$LOG" >"$T_DIR/bad.conf"
begin logstore.journal.conf
"$SMTPROBED" -n -f "$T_DIR/bad.conf" >"$T_DIR/bad.out" 2>&1
rc=$?
[ "$rc" = 1 ] || ROW_WHY+=("smtprobed -n exited $rc, not 1")
grep -q "bad.conf:3: \[log both\]: path and journal exclude each other" \
    "$T_DIR/bad.out" || ROW_WHY+=("no FILE:LINE error: $(cat "$T_DIR/bad.out")")
end_row

# --- the domain label of smtprobe_log_deliveries_total -----------------

# No domain configured: the first 20 domains that fail get a label of
# their own and keep it; the rest, and every domain that only succeeded,
# is "other", so a series never goes down.
begin logstore.metrics.domains
LOG=$T_DIR/many.log
MSTATE=$T_DIR/mstate
MPORT=$(free_port)
: >"$LOG"
mkdir -p "$MSTATE"
printf '[daemon]\nstate-dir = %s\ncontrol-socket = %s\nmetrics = 127.0.0.1:%s\n[log mail]\npath = %s\ninterval = 1s\n' \
    "$MSTATE" "$T_DIR/m.sock" "$MPORT" "$LOG" >"$T_DIR/m.conf"
SOCK=$T_DIR/m.sock
start m1 "$T_DIR/m.conf" || ROW_WHY+=("smtprobed did not answer")
add ok.test sent 2
for i in $(seq 1 22); do
	add "d$i.test" deferred 1
done
add d1.test deferred 1
# mcheck PYEXPR: the deliveries counter (c[(domain, status)]) satisfies it
mcheck() {
	local n=0
	while :; do
		$PY - "$MPORT" "$1" >"$T_DIR/mcheck.out" 2>&1 <<'EOF' && return 0
import re, sys, urllib.request
text = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1],
                              timeout=10).read().decode()
c = {}
for m in re.finditer(r'^smtprobe_log_deliveries_total\{log="mail",'
                     r'direction="out",domain="([^"]*)",status="([a-z]+)",'
                     r'cause="([a-z.-]+)"\} (\d+)$', text, re.M):
    c[(m.group(1), m.group(2))] = c.get((m.group(1), m.group(2)), 0) + \
        int(m.group(4))
named = sorted(d for d, s in c if d != "other")
print(c)
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
		[ $n -ge 50 ] && { ROW_WHY+=("metrics: not $1: $(tail -c 600 "$T_DIR/mcheck.out")"); return 1; }
		sleep 0.2
		n=$((n + 1))
	done
}
mcheck 'len(named) == 20 and c[("d1.test", "deferred")] == 2 and c[("d20.test", "deferred")] == 1 and "d21.test" not in named and c[("other", "deferred")] == 2 and c[("other", "sent")] == 2'
# later failures of d21 stay in "other"; d2 goes on in its own series
add d21.test deferred 3
add d2.test deferred 1
mcheck 'len(named) == 20 and c[("other", "deferred")] == 5 and c[("d2.test", "deferred")] == 2'
end_row
t_kill "$DPID"
SOCK=$SOCK_SAVE

# --- a followed file that goes away, or is not a file --------------------

# Deleted while followed: said once while the probes go on; when a file
# comes back at the path it is read from its start. A directory at the
# path is said once, in plain words.
begin logstore.file.gone
GLOG=$T_DIR/gone.log
GSTATE=$T_DIR/gstate
mkdir -p "$GSTATE"
mkdir "$T_DIR/dir.log"
{
	printf '[daemon]\nstate-dir = %s\ncontrol-socket = %s\n' "$GSTATE" "$T_DIR/g.sock"
	printf '[log gone]\npath = %s\ninterval = 1s\n' "$GLOG"
	printf '[log dir]\npath = %s\ninterval = 1s\n' "$T_DIR/dir.log"
	printf '[host 127.0.0.1:%s]\ninterval = 1s\n' "$(free_port)"
} >"$T_DIR/g.conf"
: >"$GLOG"
SOCK=$T_DIR/g.sock
start g1 "$T_DIR/g.conf" || ROW_WHY+=("smtprobed did not answer")
LOG=$GLOG
add gone.test deferred 2
lq 'stored("gone.test", "deferred") == 2'
rm -f "$GLOG"
gprobes() {
	"$SMTPROBE" status --json -s "$SOCK" 2>/dev/null |
	    $PY -c 'import json,sys; print(json.load(sys.stdin)["probes_run"])' 2>/dev/null || echo 0
}
p1=$(gprobes)
sleep 3.5
p2=$(gprobes)
[ "$p2" -gt "$p1" ] || ROW_WHY+=("the probes stalled: $p1 then $p2 runs")
n=$(grep -c "log gone: $GLOG: deleted" "$T_DIR/g1.log")
[ "$n" = 1 ] || ROW_WHY+=("a deleted log said $n times, not once")
n=$(grep -c "log dir: $T_DIR/dir.log: not a regular file" "$T_DIR/g1.log")
[ "$n" = 1 ] || ROW_WHY+=("a directory at the path said $n times, not once: $(grep 'log dir' "$T_DIR/g1.log" | head -3)")
add gone.test deferred 3
lq 'stored("gone.test", "deferred") == 5'
end_row
t_kill "$DPID"
SOCK=$SOCK_SAVE
