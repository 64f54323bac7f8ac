# postfix.sh - a private Postfix instance for the scenario tests.
# Sourced after common.sh and ca.sh. Needs root (Postfix drops to its
# mail_owner itself) and the Debian postfix package, which may stay
# unconfigured and stopped: nothing under /etc/postfix is changed and the
# system instance is never started or stopped.
#
#	pf_setup DIR CERTDIR	write DIR/etc (main.cf, master.cf, maps),
#				DIR/spool, DIR/data; choose the ports
#	pf_start		start it, wait for every listener (bounded)
#	pf_stop			postfix stop, then kill the master by PID
#
# After pf_setup these hold the ports, all on 127.0.0.1:
#	PF_OK		STARTTLS, valid certificate (from the test CA)
#	PF_EXPIRED PF_NOTYET PF_EXPIRING PF_WRONGNAME PF_SELFSIGNED
#			STARTTLS with that certificate
#	PF_NOTLS	no STARTTLS
#	PF_IMPLICIT	TLS from the first byte (wrapper mode), valid cert
#	PF_RELAY	open relay: mynetworks=127.0.0.0/8, valid cert
#	PF_CATCHALL	accepts any user of test.example, valid cert
#	PF_NOPTR	reject_unknown_client_hostname, delayed to RCPT (the
#			default; main.cf here has smtpd_delay_reject = no): every client
#			here (smtpd_peername_lookup = no) is refused at RCPT
#	PF_HELO		reject_non_fqdn_helo_hostname, delayed to RCPT as
#			smtpd_delay_reject = yes (Postfix's default) does: a
#			HELO name without a dot is refused at RCPT with 504
#	PF_SUBADDR	an address of 127/8 where port 587 is free (port 587
#			is what makes smtprobe treat it as submission), no TLS
#
# Domain test.example (virtual, delivered to discard:):
#	user@test.example		accepted
#	grey@test.example		450 4.7.1 greylisted, try again
#	busy@test.example		451 4.3.0 temporary failure
#	later@test.example		450 4.7.0 deferred by local policy
#	blocked@test.example		550 5.7.1 rejected by policy
#	anything else			550 5.1.1 unknown user
#	MAIL FROM:<rejectsender@test.example>	553 5.7.1
# 127.0.0.0/8 is not in mynetworks (except on PF_RELAY), so relaying to
# another domain is denied.
#
# The same instance is a sending relay too (real delivery log lines and
# real bounces, for smtprobe logs and smtprobe explain):
#
#	pf_route DOMAIN NEXTHOP [TRANSPORT]
#			before pf_start: mail to DOMAIN goes to NEXTHOP
#			(e.g. "[127.0.0.1]:2525", a fakesmtp.py refusal
#			mode) through TRANSPORT: smtp (TLS may, the
#			default), smtp-encrypt (TLS required) or
#			smtp-verify (a certificate trusted by no CA here)
#	pf_send FROM TO [SUBJECT]
#			inject one message with Postfix's sendmail
#	pf_flush	retry the deferred mail now (postqueue -f)
#	pf_wait_idle [SECONDS]	wait until the queue is empty or only
#			holds deferred mail nobody is trying
#
# Delivery attempts are logged to $PF_MAILLOG (maillog_file: real Postfix
# lines, "postfix/smtp[PID]: QUEUEID: to=<...>, relay=..., status=...").
# Timeouts are short (smtp_connect_timeout, smtp_helo_timeout 2s) so
# silent servers fail within the test's time. maximal_queue_lifetime is
# 0 here: mail deferred once is returned to its sender at the next try.
#
# Bounces: mail from any address of sender.test bounces to the Maildir
# $PF_BOUNCES (delivered by Postfix's virtual(8) agent), one file per
# DSN in $PF_BOUNCES/new/, an RFC 3464 multipart/report written by
# Postfix itself. A test that wants DSNs: pf_route a refusing domain,
# pf_send bounces@sender.test user@THAT.DOMAIN, pf_wait_idle (and
# pf_flush for a deferral to expire), then read $PF_BOUNCES/new/*.

PF_DIR=
PF_STARTED=0

# pf_free_addr PORT: an address of 127.0.0.0/8, drawn at random (never
# 127.0.0.1), on which TCP port PORT can be bound now: a fixed port needs
# an address nobody else (another test, a system listener) holds it on.
pf_free_addr() {
	python3 - "$1" <<'EOF'
import random, socket, sys
port = int(sys.argv[1])
for _ in range(200):
    a = "127.%d.%d.%d" % (random.randint(1, 254), random.randint(0, 255),
                          random.randint(1, 254))
    s = socket.socket()
    try:
        s.bind((a, port))
    except OSError:
        continue
    finally:
        s.close()
    print(a)
    sys.exit(0)
sys.exit("pf_free_addr: port %d is taken on every address tried" % port)
EOF
}

pf_setup() {
	local dir=$1 certs=$2 ports
	PF_DIR=$dir
	PF_CONF=$dir/etc
	mkdir -p "$PF_CONF" "$dir/spool" "$dir/data" || return 1
	# The queue and data directories must be reachable by the postfix
	# user; mktemp makes 0700 directories.
	chmod 755 "$dir" "$dir/spool"
	chown postfix "$dir/data" && chmod 700 "$dir/data" || return 1
	ports=($(free_ports 12)) || return 1
	PF_OK=${ports[0]}
	PF_EXPIRED=${ports[1]}
	PF_NOTYET=${ports[2]}
	PF_EXPIRING=${ports[3]}
	PF_WRONGNAME=${ports[4]}
	PF_SELFSIGNED=${ports[5]}
	PF_NOTLS=${ports[6]}
	PF_IMPLICIT=${ports[7]}
	PF_RELAY=${ports[8]}
	PF_CATCHALL=${ports[9]}
	PF_NOPTR=${ports[10]}
	PF_HELO=${ports[11]}
	PF_SUBADDR=$(pf_free_addr 587) || return 1
	PF_MAILLOG=$dir/maillog
	PF_BOUNCES=$dir/mail/sender.test/bounces
	printf 'sender.test\tvirtual:\n' >"$dir/transport"
	mkdir -p "$dir/mail" && chown nobody "$dir/mail" || return 1

	# Certificates are copied so that postfix (running as its own user
	# for smtpd) can read them whatever the test dir's mode.
	mkdir -p "$dir/certs"
	cp "$certs"/*.crt "$certs"/*.key "$dir/certs/" || return 1
	chmod 644 "$dir/certs"/*

	cat >"$PF_CONF/main.cf" <<EOF
# Private test instance (tests/lib/postfix.sh); not a system config.
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.test.example
mydomain = test.example
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 192.0.2.254/32
smtpd_peername_lookup = no
# no flow-control pause before each transaction (1 s by default)
in_flow_delay = 0s
smtpd_banner = \$myhostname ESMTP smtprobe-test
biff = no
# No local delivery: no alias or local recipient lookups.
alias_maps =
alias_database =
local_recipient_maps =
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
# Nothing is ever delivered.
virtual_mailbox_domains = test.example, sender.test
virtual_mailbox_maps = texthash:$PF_CONF/vmailbox
virtual_transport = discard:
# The sending relay (pf_route, pf_send): bounces to sender.test land in
# a Maildir; mail to the routed test domains goes out over SMTP.
transport_maps = texthash:$dir/transport
virtual_mailbox_base = $dir/mail
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
smtp_tls_security_level = may
smtp_tls_loglevel = 1
smtp_connect_timeout = 2s
smtp_helo_timeout = 2s
maximal_queue_lifetime = 0
bounce_queue_lifetime = 0
delay_warning_time = 0
smtp_dns_support_level = disabled
default_transport = discard:
relay_transport = discard:
local_transport = discard:
# Reject at MAIL FROM, not only at RCPT TO.
smtpd_delay_reject = no
smtpd_sender_restrictions = check_sender_access texthash:$PF_CONF/sender_access
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:$PF_CONF/rcpt_access
unknown_virtual_mailbox_reject_code = 550
smtpd_tls_cert_file = $dir/certs/valid.crt
smtpd_tls_key_file = $dir/certs/valid.key
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_session_cache_database =
# No anti-abuse delays: a probe's session must be quick.
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 100
smtpd_client_connection_rate_limit = 0
smtpd_client_connection_count_limit = 0
anvil_rate_time_unit = 60s
smtpd_helo_required = no
disable_vrfy_command = yes
EOF

	cat >"$PF_CONF/vmailbox" <<EOF
user@test.example	x
grey@test.example	x
busy@test.example	x
later@test.example	x
blocked@test.example	x
bounces@sender.test	sender.test/bounces/
EOF
	cat >"$PF_CONF/rcpt_access" <<EOF
grey@test.example	450 4.7.1 greylisted, try again
busy@test.example	451 4.3.0 temporary failure
later@test.example	450 4.7.0 deferred by local policy
blocked@test.example	550 5.7.1 rejected by policy
EOF
	cat >"$PF_CONF/sender_access" <<EOF
rejectsender@test.example	553 5.7.1 sender rejected by policy
EOF

	local c=$dir/certs tlsopt
	tlsopt() {	# tlsopt NAME: -o options for that certificate
		echo "-o smtpd_tls_cert_file=$c/$1.crt -o smtpd_tls_key_file=$c/$1.key"
	}
	cat >"$PF_CONF/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$PF_OK	inet n - n - - smtpd
127.0.0.1:$PF_EXPIRED	inet n - n - - smtpd $(tlsopt expired)
127.0.0.1:$PF_NOTYET	inet n - n - - smtpd $(tlsopt notyet)
127.0.0.1:$PF_EXPIRING	inet n - n - - smtpd $(tlsopt expiring)
127.0.0.1:$PF_WRONGNAME	inet n - n - - smtpd $(tlsopt wrongname)
127.0.0.1:$PF_SELFSIGNED	inet n - n - - smtpd $(tlsopt selfsigned)
127.0.0.1:$PF_NOTLS	inet n - n - - smtpd -o smtpd_tls_security_level=none
127.0.0.1:$PF_IMPLICIT	inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt
127.0.0.1:$PF_RELAY	inet n - n - - smtpd -o mynetworks=127.0.0.0/8
127.0.0.1:$PF_CATCHALL	inet n - n - - smtpd -o smtpd_reject_unlisted_recipient=no
127.0.0.1:$PF_NOPTR	inet n - n - - smtpd -o smtpd_client_restrictions=reject_unknown_client_hostname -o smtpd_delay_reject=yes
127.0.0.1:$PF_HELO	inet n - n - - smtpd -o smtpd_helo_restrictions=reject_non_fqdn_helo_hostname -o smtpd_delay_reject=yes
$PF_SUBADDR:587	inet n - n - - smtpd -o smtpd_tls_security_level=none
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
smtp-encrypt unix -     -       n       -       -       smtp -o smtp_tls_security_level=encrypt
smtp-verify unix -      -       n       -       -       smtp -o smtp_tls_security_level=secure -o smtp_tls_CAfile=
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	unset -f tlsopt
}

# pf_mkqueue: the queue subdirectories, with the owner, group and mode
# the installed Postfix lists in its postfix-files (what post-install
# create-missing does, in a fraction of the time).
pf_mkqueue() {
	local files meta path type owner group mode rest
	meta=$(postconf -d -h meta_directory 2>/dev/null)
	files=${meta:-/etc/postfix}/postfix-files
	[ -r "$files" ] || { echo "pf_mkqueue: no $files" >&2; return 1; }
	while IFS=: read -r path type owner group mode rest; do
		case $path:$type in
		'$queue_directory/'*:d) ;;
		*) continue ;;
		esac
		path=$PF_DIR/spool/${path#\$queue_directory/}
		[ "$owner" = '$mail_owner' ] && owner=postfix
		case $group in
		'$setgid_group') group=postdrop ;;
		-) group= ;;
		esac
		mkdir -p "$path" &&
		chown "$owner${group:+:$group}" "$path" &&
		chmod "$mode" "$path" || return 1
	done <"$files"
}

# pf_cmd ARGS...: the postfix command for our instance, bounded.
pf_cmd() {
	timeout -k 2 30 postfix -c "$PF_CONF" "$@"
}

pf_start() {
	local p
	T_SHOW_LOGS+=("$PF_MAILLOG" "$PF_DIR/postfix.log")
	pf_mkqueue || return 1
	# "postfix check" validates the configuration (and would create
	# missing queue directories, slowly); "set-permissions" is not used:
	# it would also reset modes of the system's Postfix files.
	if ! pf_cmd check >>"$PF_DIR/postfix.log" 2>&1; then
		echo "postfix check failed:" >&2
		tail -n 20 "$PF_DIR/postfix.log" >&2
		return 1
	fi
	t_on_exit pf_stop
	PF_STARTED=1	# from here on pf_stop has something to do
	# The checks just ran; quick-start tells postfix-script to skip
	# running them a second time.
	: >"$PF_DIR/spool/quick-start"
	if ! pf_cmd start >>"$PF_DIR/postfix.log" 2>&1; then
		echo "postfix start failed:" >&2
		tail -n 20 "$PF_DIR/postfix.log" "$PF_MAILLOG" >&2 2>/dev/null
		return 1
	fi
	for p in $PF_OK $PF_EXPIRED $PF_NOTYET $PF_EXPIRING $PF_WRONGNAME \
	    $PF_SELFSIGNED $PF_NOTLS $PF_IMPLICIT $PF_RELAY $PF_CATCHALL \
	    $PF_NOPTR $PF_HELO; do
		wait_port 127.0.0.1 "$p" 10 ||
		    { echo "postfix: nothing listens on 127.0.0.1:$p" >&2; return 1; }
	done
	wait_port "$PF_SUBADDR" 587 10 ||
	    { echo "postfix: nothing listens on $PF_SUBADDR:587" >&2; return 1; }
}

pf_route() {
	printf '%s\t%s:%s\n' "$1" "${3:-smtp}" "$2" >>"$PF_DIR/transport"
}

pf_send() {
	printf 'From: %s\nTo: %s\nSubject: %s\n\nA test message.\n' \
	    "$1" "$2" "${3:-smtprobe test}" |
	    timeout -k 2 20 sendmail -C "$PF_CONF" -f "$1" "$2"
}

pf_flush() {
	timeout -k 2 20 postqueue -c "$PF_CONF" -f
}

# The queue is idle when nothing is in incoming, active or maildrop.
pf_wait_idle() {
	local limit=${1:-20} n=0 q=$PF_DIR/spool
	while [ $n -lt $((limit * 10)) ]; do
		if [ -z "$(find "$q/maildrop" "$q/incoming" "$q/active" \
		    -type f 2>/dev/null | head -n 1)" ]; then
			return 0
		fi
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

pf_stop() {
	local pid
	[ "$PF_STARTED" = 1 ] || return 0
	PF_STARTED=0
	pid=$(sed -n '1s/[^0-9]//gp' "$PF_DIR/spool/pid/master.pid" 2>/dev/null)
	pf_cmd stop >>"$PF_DIR/postfix.log" 2>&1
	# postfix stop returns before master has exited; wait a little,
	# then kill that master (and only it) if it is still there.
	if [ -n "$pid" ]; then
		local n=0
		while kill -0 "$pid" 2>/dev/null && [ $n -lt 30 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		kill -KILL "$pid" 2>/dev/null
	fi
	return 0
}
