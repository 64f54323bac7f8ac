#!/usr/bin/env bash
# ctlgroup.sh - control-group as the shipped unit runs the daemon.
#
# The daemon runs as an unprivileged user of its own (uid 61234, as
# DynamicUser= makes one), member of no group but its own, and sees only
# its own processes in /proc (mounted hidepid=invisible, as
# ProtectProc=invisible does): it can neither chown its socket to the
# control group nor read a client's groups from /proc/PID/status.
#
#	ctlgroup.activated.*	the socket made by systemd-socket-activate (as
#				smtprobed.socket makes it: root, mode 0660,
#				group 4242 as SocketGroup= gives it) and handed
#				over: a member by a supplementary group and one
#				by the primary group are served, a user outside
#				it cannot connect; the daemon serves the
#				socket's group without control-group being set,
#				leaves the socket in place when it stops, and
#				refuses to start when control-group names
#				another group
#	ctlgroup.own.*		no systemd: the daemon makes the socket; a member
#				of the group (SupplementaryGroups=) gives it the
#				group, and with mode 0666 its own peer check
#				(SO_PEERCRED, SO_PEERGROUPS) serves members and
#				refuses others; not a member, it says what to do
#	ctlgroup.unit.*		the shipped units hand the socket over, and
#				smtprobed(8) claims of the unit only what it has
#
# Users and groups are numbers only (setpriv), nothing is added to
# /etc/passwd. Needs root, util-linux (setpriv, unshare) and
# systemd-socket-activate.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$T_LIB/drow.sh"

t_init ctlgroup
need_probe
SMTPROBED=${SMTPROBED:-$T_TOP/probe/smtprobed}
for c in setpriv unshare systemd-socket-activate; do
	if ! command -v "$c" >/dev/null; then
		fail ctlgroup.setup "$c missing"
		exit 1
	fi
done
if [ "$(id -u)" != 0 ] || [ ! -x "$SMTPROBED" ]; then
	fail ctlgroup.setup "needs root and a built smtprobed"
	exit 1
fi
mkdir -p "$T_DIR/bin" && cp "$SMTPROBE" "$SMTPROBED" "$T_DIR/bin/" &&
    chmod 755 "$T_DIR/bin" || {
	fail ctlgroup.setup "cannot copy the programs"
	exit 1
}
SMTPROBE=$T_DIR/bin/smtprobe
SMTPROBED=$T_DIR/bin/smtprobed

DAEMON=61234		# the daemon's user and group
GROUP=4242		# the control group
OTHER=4243
CLOSED=$(free_port)

# as_daemon ARGS...: ARGS as the daemon's user, /proc showing only its own
as_daemon() {
	unshare -m sh -c 'mount -t proc -o hidepid=invisible proc /proc &&
	    exec "$@"' sh setpriv --reuid="$DAEMON" --regid="$DAEMON" "$@"
}

# conf NAME SOCKET [KEY = VALUE lines...]
conf() {
	local name=$1 sock=$2
	shift 2
	mkdir -p "$T_DIR/$name"
	chown "$DAEMON:$DAEMON" "$T_DIR/$name"
	{
		printf '[daemon]\nstate-dir = %s/%s/state\n' "$T_DIR" "$name"
		printf 'control-socket = %s\ninterval = 1h\n' "$sock"
		printf '%s\n' "$@"
		printf '\n[host 127.0.0.1:%s]\ntls = none\n' "$CLOSED"
	} >"$T_DIR/$name.conf"
	chmod 644 "$T_DIR/$name.conf"
}

# client NAME SOCKET SETPRIV-ARGS...: smtprobe status --json as that user
client() {
	local name=$1 sock=$2
	shift 2
	drow "$name"
	ROW_OUT=$T_DIR/$name.out
	ROW_ERR=$T_DIR/$name.err
	ROW_CMD="setpriv $* smtprobe status --json -s $sock"
	timeout 15 setpriv "$@" "$SMTPROBE" status --json -s "$sock" \
	    >"$ROW_OUT" 2>"$ROW_ERR"
	ROW_RC=$?
}

want_rc() {
	[ "$ROW_RC" = "$1" ] || why "exit status $ROW_RC, expected $1"
}

MEMBER=(--reuid=5001 --regid=5001 --groups="$GROUP")
PRIMARY=(--reuid=5002 --regid="$GROUP" --clear-groups)
OUTSIDER=(--reuid=5003 --regid=5003 --clear-groups)

# --- the socket from systemd ------------------------------------------------

# activated NAME SOCKET: systemd-socket-activate listening on SOCKET, the
# daemon (as its own user) started at the first connection; the socket
# given mode 0660 and group $GROUP first, as smtprobed.socket would.
activated() {
	local name=$1 sock=$2
	mkdir -p "$(dirname "$sock")"
	t_bg "$name" systemd-socket-activate -l "$sock" \
	    "$(command -v unshare)" -m sh -c \
	    'mount -t proc -o hidepid=invisible proc /proc && exec "$@"' sh \
	    setpriv --reuid="$DAEMON" --regid="$DAEMON" --clear-groups \
	    "$SMTPROBED" -d -f "$T_DIR/$name.conf"
	ACT_PID=$T_BG_PID
	local n=0
	until [ -S "$sock" ] || [ $n -ge 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	chgrp "$GROUP" "$sock" && chmod 0660 "$sock"
}

SOCK_A=$T_DIR/run-a/control.sock
conf act "$SOCK_A"
activated act "$SOCK_A"
T_SHOW_LOGS=("$T_DIR/act.log")

# the first connection starts the daemon
client ctlgroup.activated.member-supplementary "$SOCK_A" "${MEMBER[@]}"
want_rc 0
cq match 0.ok true
dend

client ctlgroup.activated.member-primary "$SOCK_A" "${PRIMARY[@]}"
want_rc 0
cq match 0.ok true
dend

# the file's permissions keep it out before the daemon is asked
client ctlgroup.activated.outsider "$SOCK_A" "${OUTSIDER[@]}"
want_rc 3
grep_row "$ROW_ERR" 'Permission denied'
dend

drow ctlgroup.activated.daemon
ROW_OUT=$T_DIR/act.log
grep_row "$ROW_OUT" "^smtprobed: control socket $(re "$SOCK_A") from systemd, mode 660, group $GROUP: its members are served$"
u=$(awk '/^Uid:/ { print $2 }' "/proc/$ACT_PID/status" 2>/dev/null)
[ "$u" = "$DAEMON" ] || why "the daemon runs as uid ${u:-?}, expected $DAEMON"
[ -n "$(ls /proc/"$ACT_PID"/fd/ 2>/dev/null)" ] || why "the daemon is gone"
dend

drow ctlgroup.activated.socket-kept
kill -TERM "$ACT_PID"
n=0
while kill -0 "$ACT_PID" 2>/dev/null && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
grep_row "$T_DIR/act.log" '^smtprobed: stopped$'
m=$(stat -c '%a %g' "$SOCK_A" 2>/dev/null)
[ "$m" = "660 $GROUP" ] ||
    why "after the stop the socket is '${m:-gone}', expected '660 $GROUP' (systemd's to remove)"
dend

# control-group naming another group than the socket's: a clear refusal
SOCK_M=$T_DIR/run-m/control.sock
conf mis "$SOCK_M" "control-group = $OTHER"
activated mis "$SOCK_M"
drow ctlgroup.activated.mismatch
ROW_OUT=$T_DIR/mis.log
timeout 10 setpriv "${MEMBER[@]}" "$SMTPROBE" status -s "$SOCK_M" \
    >/dev/null 2>&1
n=0
while kill -0 "$ACT_PID" 2>/dev/null && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
wait "$ACT_PID" 2>/dev/null
rc=$?
[ "$rc" = 3 ] || why "exit status $rc, expected 3"
grep_row "$ROW_OUT" "control-group $OTHER: the socket systemd made \\($(re "$SOCK_M")\\) has group $GROUP instead; give it that group with SocketGroup= in smtprobed.socket"
dend

# --- the daemon makes the socket ----------------------------------------------

# a member of the group (SupplementaryGroups=): it can give the socket
# the group; mode 0666 leaves the check to the daemon itself
mkdir -p "$T_DIR/run-o" && chown "$DAEMON:$DAEMON" "$T_DIR/run-o"
SOCK_O=$T_DIR/run-o/control.sock
conf own "$SOCK_O" "control-group = $GROUP" "control-mode = 0666"
t_bg own unshare -m sh -c \
    'mount -t proc -o hidepid=invisible proc /proc && exec "$@"' sh \
    setpriv --reuid="$DAEMON" --regid="$DAEMON" --groups="$GROUP" \
    "$SMTPROBED" -d -f "$T_DIR/own.conf"
OWN_PID=$T_BG_PID
T_SHOW_LOGS=("$T_DIR/own.log")
wait_answer "$SOCK_O" 10

drow ctlgroup.own.socket
m=$(stat -c '%a %u %g' "$SOCK_O" 2>/dev/null)
[ "$m" = "666 $DAEMON $GROUP" ] ||
    why "the socket is '${m:-missing}', expected '666 $DAEMON $GROUP'"
dend

client ctlgroup.own.member-supplementary "$SOCK_O" "${MEMBER[@]}"
want_rc 0
cq match 0.ok true
dend

client ctlgroup.own.member-primary "$SOCK_O" "${PRIMARY[@]}"
want_rc 0
cq match 0.ok true
dend

# connects (0666), refused by the daemon's own check
client ctlgroup.own.outsider "$SOCK_O" "${OUTSIDER[@]}"
want_rc 1
grep_row "$ROW_ERR" 'permission denied'
grep_row "$T_DIR/own.log" '^smtprobed: control: uid 5003 refused$'
dend
t_kill "$OWN_PID"

# not a member: it cannot give the socket the group, and says what to do
mkdir -p "$T_DIR/run-n" && chown "$DAEMON:$DAEMON" "$T_DIR/run-n"
conf notm "$T_DIR/run-n/control.sock" "control-group = $GROUP"
drow ctlgroup.own.not-member
ROW_OUT=$T_DIR/notm.log
timeout 10 setpriv --reuid="$DAEMON" --regid="$DAEMON" --clear-groups \
    "$SMTPROBED" -d -f "$T_DIR/notm.conf" >"$ROW_OUT" 2>&1
rc=$?
[ "$rc" = 3 ] || why "exit status $rc, expected 3"
grep_row "$ROW_OUT" "cannot give it group $GROUP \\(Operation not permitted\\): the daemon must run as root or as a member of the group \\(systemd: let smtprobed.socket make the socket, with SocketGroup=, or give the service SupplementaryGroups=\\)"
[ -e "$T_DIR/run-n/control.sock" ] && why "a socket was left behind"
dend

# --- the shipped units ---------------------------------------------------------

drow ctlgroup.unit.socket
U=$T_TOP/systemd
grep_row "$U/smtprobed.socket" '^ListenStream=/run/smtprobed/control.sock$'
grep_row "$U/smtprobed.socket" '^SocketMode=0660$'
grep_row "$U/smtprobed.service" '^Requires=smtprobed.socket$'
# the socket is systemd's: no runtime directory of the service's own that
# a stop would remove with the socket in it
nogrep_row "$U/smtprobed.service" '^RuntimeDirectory='
dend

# every Directive=value smtprobed(8) says the unit has, it has
drow ctlgroup.unit.man-claims
ROW_OUT=$T_DIR/claims.txt
sed -n '/^\.Sh SYSTEMD/,/^\.Sh /p' "$T_TOP/man/smtprobed.8" |
    grep -oE '^\.Cm [A-Z][A-Za-z]+=[^ ]+' | sed 's/^\.Cm //' |
    sort -u >"$ROW_OUT"
[ -s "$ROW_OUT" ] || why "no unit settings found in smtprobed(8)"
while IFS= read -r c; do
	grep -qxF -- "$c" "$U/smtprobed.service" "$U/smtprobed.socket" ||
	    grep -qF -- "$c" "$U/smtprobed.service" "$U/smtprobed.socket" ||
	    why "smtprobed(8) says the unit has $c; it does not"
done <"$ROW_OUT"
dend
