#!/usr/bin/env bash
# settings.sh - every setting is accepted and refused the same way by
# `smtprobe check` and by smtprobed.conf.
#
# The settings come from the table itself (tests/tools/vocab prints
# lib/target.c's rows). For each row of the cases below, the same values
# are given three ways:
#
#	smtprobe check -n --NAME=VALUE ... TARGET
#	smtprobe check -n -o NAME=VALUE ... TARGET
#	[domain TARGET] or [host TARGET] with NAME = VALUE lines, read by
#	tests/tools/confdump (conf_load, then target_print)
#
# A value the case accepts (+) must be accepted by all three, with the
# same settings printed (smtprobe check -n prints what confdump prints);
# a value it refuses (-) must be refused by all three, with the same
# reason (the configuration adds "in this section ..." to the reasons
# that concern repeats). A boolean given as yes is also tried as --NAME
# alone. Every setting of the table needs at least one case of each
# kind (settings.coverage), so a new row cannot go untested; the
# daemon's own settings must be refused by the command line and taken
# by the file.
#
# Rows: settings.NAME.N, settings.coverage, settings.daemon.NAME

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lib/common.sh
. "$TOP/tests/lib/common.sh"
t_init settings

VOCAB=$TOP/tests/tools/vocab
CONFDUMP=$TOP/tests/tools/confdump
for b in "$SMTPROBE" "$VOCAB" "$CONFDUMP"; do
	if [ ! -x "$b" ]; then
		fail settings "${b#"$TOP"/} is not built (make check)"
		exit 1
	fi
done

# Cases: EXPECT NAME=VALUE [NAME=VALUE ...], tab-separated; the first
# name gives the row its name; \t in a value is a tab. A host setting
# makes the target a host.
CASES=$(cat <<'EOF'
+	ports=25,587
+	ports=465
-	ports=25,25
-	ports=0
-	ports=25,,587
-	ports=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
+	tls=VERIFY
+	tls=none
-	tls=sometimes
-	tls=may	tls=verify
+	helo=probe.example.org
+	helo=probe.例子.test
-	helo=probe\ttab.example
-	helo=
+	mail-from=<>
+	mail-from=
+	mail-from=probe@example.org
+	mail-from=发件人@例子.test
-	mail-from=<probe@example.org>
-	mail-from=probe
+	rcpt=postmaster@example.com	rcpt=abuse@example.com
+	rcpt=postmaster@[192.0.2.1]	rcpt=postmaster@[IPv6:2001:db8::1]
-	rcpt=a b@example.com
+	rcpt=café@example.com
+	rcpt=用户@例子.中国	rcpt=postmaster@Bücher.Example
-	rcpt=用户
-	rcpt=用户@例子..test
-	rcpt=用户@-例子.test
-	rcpt=用‮户@例子.test
-	rcpt=用户　名@例子.test
-	rcpt=postmaster
-	rcpt=postmaster@
-	rcpt=@example.com
-	rcpt=postmaster@example.com.
+	rcpt-reject=nobody@example.com
+	rcpt-reject=nobody@例子.test
-	rcpt-reject=<nobody>
-	rcpt-reject=nobody
+	relay-test=yes
+	relay-test=no
+	relay-test=someone@elsewhere.example
+	relay-test=someone@Bücher.example
-	relay-test=<x>
-	relay-test=postmaster
-	relay-test=someone@example.com
-	relay-test=someone@mx.Example.COM
+	ca-file=/etc/ssl/certs/ca-certificates.crt
+	ca-file=ca.pem
-	ca-file=
+	timeout=banner=30s
+	timeout=banner=30
+	timeout=connect=1.5
+	timeout=all=60	timeout=banner=30
+	timeout=banner=30	timeout=all=60
+	timeout=ehlo=10	timeout=ehlo2=5
+	timeout=30
+	timeout=2m	timeout=banner=30
+	timeout=session=3m
+	timeout=SESSION=90	timeout=20m
-	timeout=banner=soon
-	timeout=lunch=1
-	timeout=banner=2h
-	timeout=30x
-	timeout=2h
-	timeout=30	timeout=40
-	timeout=session=2h
-	timeout=session=
-	timeout=session=1m	timeout=session=2m
-	timeout=banner=1	timeout=banner=2
+	slow=ehlo=0.3
+	slow=all=1m
-	slow=rcpt=0
-	slow=all=1	slow=all=2
+	expiry-warn=30d
+	expiry-warn=30
-	expiry-warn=4000
-	expiry-warn=30 days
+	expiry-crit=0
+	expiry-crit=21
-	expiry-crit=7days
-	expiry-crit=30
-	expiry-warn=5	expiry-crit=6
+	implicit-tls=yes
+	implicit-tls=off
-	implicit-tls=maybe
+	name=MX.example.net.
+	name=mx.例子.test
-	name=mx.xn--zz.test
-	name=-
-	name=not a name
+	addr=192.0.2.8	addr=2001:DB8::8
-	addr=192.0.2
-	addr=mx.example.net
+	dkim-selector=s1	dkim-selector=s2
-	dkim-selector=a.b
-	dkim-selector=s1	dkim-selector=s2	dkim-selector=s3	dkim-selector=s4	dkim-selector=s5	dkim-selector=s6	dkim-selector=s7	dkim-selector=s8	dkim-selector=s9	dkim-selector=s10	dkim-selector=s11	dkim-selector=s12	dkim-selector=s13	dkim-selector=s14	dkim-selector=s15	dkim-selector=s16	dkim-selector=s17
+	dkim-key=s1=/etc/dkim/s1.pem
+	dkim-key=s1=keys/s1.pem
-	dkim-key=s1
-	dkim-key==/k.pem
+	spf-ip=192.0.2.25
+	spf-ip=2001:DB8::25
-	spf-ip=mx.example.com
+	dnsbl=zen.example.
+	dnsbl=黑名单.example
-	dnsbl=not a zone!!
-	dnsbl=bad_zone!.example
+	mta-sts-port=8443
-	mta-sts-port=https
-	mta-sts-port=65536
+	allow-private=true
-	allow-private=sure
+	family=ipv6
+	family=Any
-	family=inet6
-	family=ipv4	family=ipv6
+	dns-only=yes
-	dns-only=sure
-	dns-only=yes	no-dns=yes
+	no-dns=1
-	no-dns=2
EOF
)

# The reason of a refusal, without who says it: "smtprobe: --tls: " or
# "smtprobe: -o tls: ", "FILE:LINE: [SECTION] tls: " or "FILE:1:
# [SECTION]: " go.
why_cli() {
	sed -E -e 's/^smtprobe: //' -e 's/^(--[a-z-]+|-o [a-z-]+): //' "$1"
}
why_conf() {
	sed -E -e 's/^[^[]*\[[^]]*\]//' -e 's/^ [a-z-]+//' -e 's/^: //' "$1"
}

is_host_setting() {
	"$VOCAB" | awk -v n="$1" '$1 == "setting" && $2 == n && \
	    $3 ~ /(^|,)host(,|$)/ { f = 1 } END { exit !f }'
}

declare -A GOOD BAD
n=0
D=$T_DIR
while IFS= read -r line; do
	[ -n "$line" ] || continue
	IFS=$'\t' read -r -a f <<<"$line"
	want=${f[0]}
	pairs=("${f[@]:1}")
	pairs=("${pairs[@]//\\t/$'\t'}")	# \t in a case is a tab
	first=${pairs[0]%%=*}
	n=$((n + 1))
	rname=settings.$first.$n
	[ "$want" = + ] && GOOD[$first]=1 || BAD[$first]=1

	host=0
	for p in "${pairs[@]}"; do
		is_host_setting "${p%%=*}" && host=1
	done
	if [ $host = 1 ]; then
		tgt=(-H mx.example.net)
		sect="[host mx.example.net]"
	else
		tgt=(example.com)
		sect="[domain example.com]"
	fi
	long=()
	opts=()
	{
		echo "$sect"
		for p in "${pairs[@]}"; do
			long+=("--$p")
			opts+=(-o "$p")
			echo "${p%%=*} = ${p#*=}"
		done
	} >"$D/c.conf"
	(cd "$D" && "$SMTPROBE" check -n "${long[@]}" "${tgt[@]}") \
	    >"$D/long.out" 2>"$D/long.err"
	rl=$?
	(cd "$D" && "$SMTPROBE" check -n "${opts[@]}" "${tgt[@]}") \
	    >"$D/o.out" 2>"$D/o.err"
	ro=$?
	"$CONFDUMP" "$D/c.conf" >"$D/conf.out" 2>"$D/conf.err"
	rc=$?
	ROW_CMD="smtprobe check -n ${long[*]} ${tgt[*]}  |  ${opts[*]}  |  $(tr '\n' ' ' <"$D/c.conf")"
	ROW_RC="$rl $ro $rc"
	ROW_OUT=$D/long.out
	ROW_ERR=$D/long.err
	T_SHOW_LOGS=("$D/o.err" "$D/conf.err" "$D/conf.out")
	if [ "$want" = + ]; then
		# the daemon's fallbacks (interval ...) are the file's only
		grep -vE '^(interval|dns-interval|alert-after|clear-after) = ' \
		    "$D/conf.out" >"$D/conf.cmp"
		if [ $rl -ne 0 ] || [ $ro -ne 0 ] || [ $rc -ne 0 ]; then
			fail "$rname" "refused (exit $rl, $ro, $rc)"
		elif ! cmp -s "$D/long.out" "$D/o.out"; then
			fail "$rname" "--NAME=VALUE and -o NAME=VALUE differ"
		elif ! cmp -s "$D/long.out" "$D/conf.cmp"; then
			fail "$rname" "the command line and the file differ:" \
			    "$(diff "$D/long.out" "$D/conf.cmp" | tr '\n' ' ')"
		else
			pass "$rname"
		fi
		# a boolean alone is yes
		if [ ${#pairs[@]} = 1 ] && [ "${pairs[0]#*=}" = yes ] &&
		    "$VOCAB" | grep -qE "^setting $first (.*,)?bool(,|$)"; then
			(cd "$D" && "$SMTPROBE" check -n "--$first" "${tgt[@]}") \
			    >"$D/alone.out" 2>&1
			if cmp -s "$D/alone.out" "$D/long.out"; then
				pass "$rname.alone"
			else
				fail "$rname.alone" "--$first is not --$first=yes"
			fi
		fi
	else
		wl=$(why_cli "$D/long.err")
		wo=$(why_cli "$D/o.err")
		wc=$(why_conf "$D/conf.err")
		if [ $rl -ne 3 ] || [ $ro -ne 3 ] || [ $rc -ne 1 ]; then
			fail "$rname" "not refused (exit $rl, $ro, $rc)"
		elif [ -z "$wl" ] || [ "$wl" != "$wo" ]; then
			fail "$rname" "reasons differ: \"$wl\" and \"$wo\""
		elif [ "${wc#"$wl"}" = "$wc" ]; then
			fail "$rname" "the file says \"$wc\", the command line" \
			    "\"$wl\""
		else
			pass "$rname"
		fi
	fi
	ROW_CMD=
	ROW_OUT=
	ROW_ERR=
	T_SHOW_LOGS=()
done <<<"$CASES"

# A target named with U-labels: the same A-labels on the command line and
# in the file; a name IDNA refuses: the same reason from both.
for c in "+ 例子.test xn--fsqu00a.test" "+ Bücher.Example. xn--bcher-kva.example" \
    "- 例子..test" "- xn--zz.test" "- -例子.test"; do
	read -r want name alabel <<<"$c"
	n=$((n + 1))
	rname=settings.idn-target.$n
	printf '[domain %s]\n' "$name" >"$D/c.conf"
	"$SMTPROBE" check -n -- "$name" >"$D/long.out" 2>"$D/long.err"
	rl=$?
	"$CONFDUMP" "$D/c.conf" >"$D/conf.out" 2>"$D/conf.err"
	rc=$?
	ROW_CMD="smtprobe check -n $name  |  [domain $name]"
	ROW_RC="$rl $rc"
	ROW_OUT=$D/long.out
	ROW_ERR=$D/long.err
	T_SHOW_LOGS=("$D/conf.err" "$D/conf.out")
	if [ "$want" = + ]; then
		grep -vE '^(interval|dns-interval|alert-after|clear-after) = ' \
		    "$D/conf.out" >"$D/conf.cmp"
		if [ $rl -ne 0 ] || [ $rc -ne 0 ]; then
			fail "$rname" "refused (exit $rl, $rc)"
		elif [ "$(head -n 1 "$D/long.out")" != "[domain $alabel]" ]; then
			fail "$rname" "printed $(head -n 1 "$D/long.out")," \
			    "not [domain $alabel]"
		elif ! cmp -s "$D/long.out" "$D/conf.cmp"; then
			fail "$rname" "the command line and the file differ"
		else
			pass "$rname"
		fi
	else
		wl=$(sed -e 's/^smtprobe: //' "$D/long.err")
		wc=$(why_conf "$D/conf.err")
		if [ $rl -ne 3 ] || [ $rc -ne 1 ]; then
			fail "$rname" "not refused (exit $rl, $rc)"
		elif [[ $wl != *"is not a domain name: "* ]]; then
			fail "$rname" "no IDNA reason: \"$wl\""
		elif [[ $wc != *"${wl#*is not a domain name}"* ]]; then
			fail "$rname" "the file says \"$wc\", the command line" \
			    "\"$wl\""
		else
			pass "$rname"
		fi
	fi
done
ROW_CMD=
ROW_OUT=
ROW_ERR=
T_SHOW_LOGS=()

# Every setting has a case it takes and a case it refuses; the daemon's
# are refused by the command line and taken by the file.
missing=()
while read -r name flags; do
	case ",$flags," in
	*,daemon,*)
		printf '[daemon]\n%s = 2\n[domain example.com]\n%s = 3\n' \
		    "$name" "$name" >"$D/d.conf"
		"$SMTPROBE" check -n -o "$name=2" example.com >/dev/null \
		    2>"$D/d.err"
		ro=$?
		"$SMTPROBE" check -n "--$name=2" example.com >/dev/null 2>&1
		rl=$?
		"$CONFDUMP" "$D/d.conf" >"$D/d.out" 2>&1
		rc=$?
		if [ $ro -eq 3 ] && [ $rl -eq 3 ] && [ $rc -eq 0 ] &&
		    grep -q "smtprobed.conf" "$D/d.err"; then
			pass "settings.daemon.$name"
		else
			fail "settings.daemon.$name" "exit $ro, $rl, $rc:" \
			    "$(cat "$D/d.err" "$D/d.out")"
		fi
		;;
	*)
		[ -n "${GOOD[$name]:-}" ] || missing+=("$name(+)")
		[ -n "${BAD[$name]:-}" ] || missing+=("$name(-)")
		;;
	esac
done < <("$VOCAB" | awk '$1 == "setting" { print $2, $3 }')
if [ ${#missing[@]} -eq 0 ]; then
	pass settings.coverage
else
	fail settings.coverage "settings without cases: ${missing[*]}"
fi
