# exim.sh - a private Exim as a sending relay, beside the system's Postfix
# (bash; sourced after common.sh, not run).
#
# Debian's exim4-daemon-light conflicts with postfix through apt (both
# provide mail-transport-agent), so `make deps` unpacks it, with the
# libraries it needs that are not installed, into EXIM_ROOT without
# installing it (tests/lib/exim-fetch.sh). Its binary runs as the
# caller (root) and as its user, Debian-exim, whose name is compiled in
# and looked up at start, and it execs itself again (exim_path) for
# deliveries and bounces, as that user too. So every run is in a mount
# namespace of its own (unshare -m) in which /etc/passwd and /etc/group
# are copies with Debian-exim added and /etc/ld.so.cache also knows
# EXIM_ROOT's libraries; nothing of the system is changed. Its
# configuration (-C) routes each test domain to a port on 127.0.0.1, and
# it writes a real mainlog, $EX_MAINLOG. Exim notes "exim user lost
# privilege for using -C option" there: the price of a configuration not
# in its trusted list (/etc/exim4/trusted_configs, which is not there).
#
#	ex_available		the unpacked Exim is there and this is root
#	ex_setup DIR		spool, log and configuration under DIR
#	ex_route DOMAIN ADDR PORT [TRANSPORT]
#				mail to DOMAIN goes to ADDR:PORT (an address
#				of 127/8: Exim keeps retry times and passes
#				open connections on per host address, so each
#				domain of a test wants its own) through
#				TRANSPORT: remote (TLS when offered, not
#				verified; the default), remote_encrypt (TLS
#				required) or remote_verify (TLS and a
#				certificate the system's CAs trust, which the
#				test CA's is not)
#	ex_send FROM TO		inject one message, delivered before it returns
#				(-odi)
#	ex_run ARGS...		exim4 ARGS with the private configuration
#				(-qff: a forced queue run; -bs -oMa ADDR: an
#				inbound SMTP session on stdin, as from ADDR)
#
# Inbound, its ACL refuses a recipient of test.example other than user
# ("Unknown user") and defers grey@ any domain ("greylisted, please try
# again later").
#
# A test that wants Exim's bounces delivered routes the senders' domain
# too. A host that failed is tried again after a second (the retry rule
# F,1h,1s), not after Exim's usual quarter of an hour, so the next
# message to it is an attempt, not "retry time not reached".

EXIM_ROOT=${EXIM_ROOT:-/var/cache/smtprobe/exim/root}
EX_UID=64990
EX_GID=64990
EX_DIR=
EX_MAINLOG=

ex_available() {
	[ -x "$EXIM_ROOT/usr/sbin/exim4" ] && [ "$(id -u)" = 0 ] &&
	    command -v unshare >/dev/null
}

ex_setup() {
	local libdir
	EX_DIR=$1
	EX_MAINLOG=$EX_DIR/log/mainlog
	mkdir -p "$EX_DIR/spool" "$EX_DIR/log" || return 1
	# the directories Exim writes are its user's; the way to them too
	chmod 755 "$EX_DIR"
	chown "$EX_UID:$EX_GID" "$EX_DIR/spool" "$EX_DIR/log" || return 1
	{ grep -v '^Debian-exim:' /etc/passwd &&
	    echo "Debian-exim:x:$EX_UID:$EX_GID::/nonexistent:/usr/sbin/nologin"
	} >"$EX_DIR/passwd" || return 1
	{ grep -v '^Debian-exim:' /etc/group && echo "Debian-exim:x:$EX_GID:"
	} >"$EX_DIR/group" || return 1
	# -X: no link is made or changed in the system's directories
	libdir=$EXIM_ROOT/usr/lib/x86_64-linux-gnu
	[ -d "$libdir" ] || libdir=$EXIM_ROOT/usr/lib
	ldconfig -X -C "$EX_DIR/ld.so.cache" "$libdir" >"$EX_DIR/ldconfig.log" 2>&1 ||
	    return 1
	: >"$EX_DIR/routes"
	: >"$EX_DIR/ports"
	: >"$EX_DIR/transports"
	cat >"$EX_DIR/exim.conf" <<EOF
# Private test instance (tests/lib/exim.sh); not a system config.
exim_path = $EXIM_ROOT/usr/sbin/exim4
spool_directory = $EX_DIR/spool
log_file_path = $EX_DIR/log/%slog
primary_hostname = mx.test.example
qualify_domain = test.example
keep_environment =
# a bounce that cannot be delivered is dropped, not frozen
ignore_bounce_errors_after = 0s
timeout_frozen_after = 1m
# inbound (ex_run -bs): the test's own SMTP session, read as it comes
smtp_enforce_sync = false
acl_smtp_rcpt = acl_rcpt

begin acl

acl_rcpt:
  defer   local_parts = grey
          message = greylisted, please try again later
  deny    domains = test.example
          !local_parts = user
          message = Unknown user
  accept

begin routers

test_route:
  driver = manualroute
  domains = lsearch;$EX_DIR/routes
  route_data = \${lookup{\$domain}lsearch{$EX_DIR/routes}}
  transport = \${lookup{\$domain}lsearch{$EX_DIR/transports}{\$value}{remote}}
  self = send

begin transports

remote:
  driver = smtp
  port = \${lookup{\$domain}lsearch{$EX_DIR/ports}}
  connect_timeout = 3s
  command_timeout = 3s
  allow_localhost

remote_encrypt:
  driver = smtp
  port = \${lookup{\$domain}lsearch{$EX_DIR/ports}}
  connect_timeout = 3s
  command_timeout = 3s
  allow_localhost
  hosts_require_tls = *

remote_verify:
  driver = smtp
  port = \${lookup{\$domain}lsearch{$EX_DIR/ports}}
  connect_timeout = 3s
  command_timeout = 3s
  allow_localhost
  hosts_require_tls = *
  tls_verify_hosts = *
  tls_verify_certificates = system

begin retry

* * F,1h,1s
EOF
	chmod 644 "$EX_DIR/exim.conf" "$EX_DIR/routes" "$EX_DIR/ports" \
	    "$EX_DIR/transports" "$EX_DIR/passwd" "$EX_DIR/group" \
	    "$EX_DIR/ld.so.cache"
}

ex_route() {
	printf '%s: %s\n' "$1" "$2" >>"$EX_DIR/routes"
	printf '%s: %s\n' "$1" "$3" >>"$EX_DIR/ports"
	if [ -n "${4:-}" ]; then
		printf '%s: %s\n' "$1" "$4" >>"$EX_DIR/transports"
	fi
}

ex_run() {
	timeout -k 2 30 unshare -m sh -c '
		dir=$1 root=$2
		shift 2
		mount --bind "$dir/passwd" /etc/passwd &&
		mount --bind "$dir/group" /etc/group &&
		mount --bind "$dir/ld.so.cache" /etc/ld.so.cache &&
		exec "$root/usr/sbin/exim4" -C "$dir/exim.conf" "$@"' \
	    sh "$EX_DIR" "$EXIM_ROOT" "$@"
}

ex_send() {
	printf 'From: <%s>\nTo: <%s>\nSubject: %s\n\nA test message.\n' \
	    "$1" "$2" "${3:-smtprobe test}" | ex_run -odi -f "$1" "$2"
}
