/*
 * test_conf.c - unit tests of lib/conf.c: one row per error class with
 * the exact FILE:LINE message, every key of a full file, defaults and
 * inheritance, repeatable keys, target ids and hashes, sharding, line
 * handling (long lines, CRLF, BOM, comments), limits, what a target of
 * the file gives a check, and the shipped conf/smtprobed.conf. The
 * value syntax is test_value.c's, the settings table test_target.c's.
 * Tables first, one test function per table.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* Load text (len bytes) as the file "t.conf". */
static int
load_len(const char *text, size_t len, struct conf **c, char **cause)
{
	FILE	*fp;
	int	 rv;

	assert_non_null(fp = tmpfile());
	assert_int_equal(fwrite(text, 1, len, fp), len);
	rewind(fp);
	rv = conf_load_file(fp, "t.conf", c, cause);
	fclose(fp);
	if (rv == 0) {
		assert_non_null(*c);
		assert_null(*cause);
	} else {
		assert_null(*c);
		assert_non_null(*cause);
	}
	return rv;
}

static struct conf *
load_ok(const char *text)
{
	struct conf	*c;
	char		*cause = NULL;

	if (load_len(text, strlen(text), &c, &cause) != 0)
		fail_msg("unexpected error: %s\n--- in:\n%s", cause, text);
	return c;
}

static char *
load_err(const char *text, size_t len)
{
	struct conf	*c;
	char		*cause = NULL;

	if (load_len(text, len, &c, &cause) == 0) {
		conf_free(c);
		fail_msg("no error for:\n%s", text);
	}
	return cause;
}

/* A text built with printf: the big rows. */
static char * __attribute__((format(printf, 1, 2)))
text(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	assert_int_not_equal(vasprintf(&s, fmt, ap), -1);
	va_end(ap);
	return s;
}

/* head, then n times pre INDEX post, then tail. */
static char *
lines(const char *head, const char *pre, int n, const char *post,
    const char *tail)
{
	size_t	 sz = strlen(head) + strlen(tail) + (size_t)n *
		    (strlen(pre) + strlen(post) + 12) + 1, o;
	char	*s;
	int	 i;

	assert_non_null(s = malloc(sz));
	o = (size_t)snprintf(s, sz, "%s", head);
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(s + o, sz - o, "%s%d%s", pre, i, post);
	snprintf(s + o, sz - o, "%s", tail);
	return s;
}

/*
 * Every error class: the exact message. A want ending in '*' is a
 * prefix (the rest comes from another module).
 */

struct error_case {
	const char	*in;
	const char	*want;
};

#define SECTS	"[daemon], [defaults], [domain NAME], [host NAME[:PORT]] or " \
	"[log NAME]"

static const struct error_case error_cases[] = {
	/* structure */
	{ "[foo]\n", "t.conf:1: [foo]: unknown section (expected " SECTS ")" },
	{ "# c\n[Host]\n", "t.conf:2: [Host]: missing the host name or address" },
	{ "[domain]\n", "t.conf:1: [domain]: missing the domain name" },
	{ "[daemon x]\n", "t.conf:1: [daemon]: takes no name" },
	{ "[defaults x]\n", "t.conf:1: [defaults]: takes no name" },
	{ "[domain example.com\n", "t.conf:1: section header without ']'" },
	{ "[domain a.example b]\n", "t.conf:1: expected " SECTS },
	{ "[daemon] x\n", "t.conf:1: junk after the section header" },
	{ "[host [::1\n", "t.conf:1: missing ']' after the IPv6 address" },
	{ "tls = may\n", "t.conf:1: tls: key outside any section ([daemon], "
	    "[defaults], [domain NAME], [host NAME] or [log NAME])" },
	/* [log NAME] */
	{ "[log]\n", "t.conf:1: [log]: the name must be 1 to 64 bytes" },
	{ "[log a/b]\npath = /x\n", "t.conf:1: [log a/b]: the name may hold "
	    "letters, digits, '.', '_' and '-'" },
	{ "[log m]\ndirection = out\n", "t.conf:1: [log m]: path (a file) or "
	    "journal (identifiers) is missing" },
	{ "[log m]\npath = /x\njournal = postfix\n", "t.conf:1: [log m]: path "
	    "and journal exclude each other" },
	{ "[log m]\npath = /x\njournal-directory = /j\n", "t.conf:1: [log m]: "
	    "journal-directory without journal" },
	{ "[log m]\njournal = postfix ex:im\n", "t.conf:2: [log m] journal: "
	    "\"ex:im\": an identifier may hold letters, digits, '.', '_', '@', "
	    "'/' and '-'" },
	{ "[log m]\njournal = a b c d e f g h i j k l m n o p q\n", "t.conf:2: "
	    "[log m] journal: more than 16 identifiers" },
	{ "[log m]\npath = /x\n[log m]\npath = /y\n", "t.conf:3: [log m]: "
	    "log m already defined at line 1" },
	{ "[log m]\npath = /x\ntls = may\n", "t.conf:3: [log m] tls: unknown "
	    "key (a [log] section takes path, journal, journal-directory, "
	    "direction, domain, log-alert, log-alert-ratio, interval, "
	    "alert-after, clear-after)" },
	{ "[log m]\npath = /x\nlog-alert-ratio = 50\n", "t.conf:3: [log m] "
	    "log-alert-ratio: \"50\": expected a percentage, e.g. 50%" },
	{ "[log m]\npath = /x\nlog-alert-ratio = 0%\n", "t.conf:3: [log m] "
	    "log-alert-ratio: \"0%\": must be 1% to 100%" },
	{ "[log m]\npath = /x\ndirection = sideways\n", "t.conf:3: [log m] "
	    "direction: \"sideways\": expected out, in or both" },
	{ "[log m]\npath = /x\nlog-alert = 10\n", "t.conf:3: [log m] "
	    "log-alert: \"10\": expected COUNT/WINDOW, e.g. 10/10m" },
	{ "[log m]\npath = /x\nlog-alert = 0/10m\n", "t.conf:3: [log m] "
	    "log-alert: \"0/10m\": the count must be 1 to 1000000" },
	{ "[log m]\npath = /x\nlog-alert = 5/30d\n", "t.conf:3: [log m] "
	    "log-alert: \"5/30d\": the window must be 1s to 7d" },
	{ "[log m]\npath = /x\ndomain = -bad-\n", "t.conf:3: [log m] domain: "
	    "\"-bad-\": not a domain name" },
	{ "[log m]\npath = /x\npath = /y\n", "t.conf:3: [log m] path: given "
	    "twice in this section (first at line 2)" },
	{ "[daemon]\nconcurrency\n",
	    "t.conf:2: expected KEY = VALUE, [SECTION] or a comment" },
	/* a ';' after a blank starts a comment, before the '=' too */
	{ "[daemon]\n\nfoo ; = 1\n[defaults]\ntls = bad\n",
	    "t.conf:3: expected KEY = VALUE, [SECTION] or a comment" },
	{ "[daemon]\n\x01\n", "t.conf:2: control character 0x01" },
	{ "[daemon]\nstate-dir = /a\x1b[0m\n",
	    "t.conf:2: control character 0x1b" },
	{ "[daemon]\r\nstate-dir = /a\rb\r\n", "t.conf:2: control character "
	    "0x0d" },
	{ "[daemon]\nfoo = 1\n", "t.conf:2: [daemon] foo: unknown key" },
	{ "[daemon]\nconcurrency = 4\n\nCONCURRENCY = 5\n",
	    "t.conf:4: [daemon] concurrency: given twice in this section "
	    "(first at line 2)" },
	{ "[daemon]\n[domain a.example]\n[daemon]\n",
	    "t.conf:3: [daemon]: given twice (first at line 1)" },
	{ "[defaults]\n[defaults]\n",
	    "t.conf:2: [defaults]: given twice (first at line 1)" },
	{ "[daemon]\n[domain a.example]\n[defaults]\n",
	    "t.conf:3: [defaults]: must come before the first target section "
	    "(line 2)" },
	{ "[domain a.example]\n[domain A.Example.]\n",
	    "t.conf:2: [domain A.Example.]: target domain:a.example already "
	    "defined at line 1" },
	{ "[host [2001:db8::1]:25]\n[host [2001:DB8:0::0:1]:25]\n",
	    "t.conf:2: [host [2001:DB8:0::0:1]:25]: target host:[2001:db8::1]:25 "
	    "already defined at line 1" },
	{ "[host MX.example.net]\n[host mx.example.net.]\n",
	    "t.conf:2: [host mx.example.net.]: target host:mx.example.net "
	    "already defined at line 1" },
	{ "[daemon]\ntls = may\n", "t.conf:2: [daemon] tls: not a key of "
	    "[daemon] (per-target keys go in [defaults] or a target section)" },
	{ "[defaults]\nstate-dir = /x\n", "t.conf:2: [defaults] state-dir: not "
	    "a key of [defaults] (only in [daemon])" },
	{ "[domain example.com]\nname = x.example\n", "t.conf:2: [domain "
	    "example.com] name: not a key of a [domain] section (only in a "
	    "[host] section)" },
	{ "[defaults]\naddr = 192.0.2.1\n", "t.conf:2: [defaults] addr: not a "
	    "key of [defaults] (only in a [host] section)" },
	{ "[defaults]\nhelo =\n", "t.conf:2: [defaults] helo: empty value" },
	{ "[defaults]\nhelo = ; a comment\n",
	    "t.conf:2: [defaults] helo: empty value" },
	/* section names */
	{ "[domain bad_name!.com]\n", "t.conf:1: [domain bad_name!.com]: "
	    "\"bad_name!.com\" is not a domain name" },
	{ "[domain a..example]\n", "t.conf:1: [domain a..example]: "
	    "\"a..example\" is not a domain name" },
	{ "[domain 1.2.3]\n", "t.conf:1: [domain 1.2.3]: \"1.2.3\" is not a "
	    "domain name" },
	{ "[domain 192.0.2.1]\n", "t.conf:1: [domain 192.0.2.1]: an address "
	    "is not a domain: use [host 192.0.2.1]" },
	{ "[domain [::1]]\n", "t.conf:1: [domain [::1]]: an address is not a "
	    "domain: use [host [::1]]" },
	{ "[host mx.example.net:0]\n", "t.conf:1: [host mx.example.net:0]: "
	    "\"0\" is not a port" },
	{ "[host mx.example.net:]\n", "t.conf:1: [host mx.example.net:]: "
	    "\"\" is not a port" },
	{ "[host mx.example.net:65536]\n", "t.conf:1: [host "
	    "mx.example.net:65536]: \"65536\" is not a port" },
	{ "[host [zz::1]:25]\n", "t.conf:1: [host [zz::1]:25]: \"zz::1\" is not "
	    "an IPv6 address" },
	{ "[host [192.0.2.1]:25]\n", "t.conf:1: [host [192.0.2.1]:25]: "
	    "\"192.0.2.1\" is not an IPv6 address" },
	{ "[host 2001:db8::1:25:]\n", "t.conf:1: [host 2001:db8::1:25:]: "
	    "\"2001:db8::1:25:\" is not an IPv6 address (write [IPV6]:PORT "
	    "for a port)" },
	{ "[host mx_ex@mple]\n", "t.conf:1: [host mx_ex@mple]: \"mx_ex@mple\" "
	    "is not a host name or address" },
	/* values */
	{ "[domain example.com]\ntls = strict\n", "t.conf:2: [domain "
	    "example.com] tls: \"strict\" is not none, may, encrypt, verify or "
	    "dane" },
	{ "[defaults]\nimplicit-tls = maybe\n", "t.conf:2: [defaults] "
	    "implicit-tls: \"maybe\" is not yes, no, true, false, on, off, 1 "
	    "or 0" },
	{ "[daemon]\ninterval = 5 minutes\n", "t.conf:2: [daemon] interval: "
	    "\"5 minutes\" is not a duration (a number and ms, s, m, h, d or w)" },
	{ "[daemon]\ninterval = 99999999999999999999d\n", "t.conf:2: [daemon] "
	    "interval: \"99999999999999999999d\" is too large" },
	{ "[daemon]\ninterval = 31d\n", "t.conf:2: [daemon] interval: \"31d\" "
	    "is not in [1s, 30d]" },
	{ "[domain a.example]\ninterval = 500ms\n", "t.conf:2: [domain "
	    "a.example] interval: \"500ms\" is not in [1s, 30d]" },
	{ "[daemon]\ndns-interval = 0\n", "t.conf:2: [daemon] dns-interval: "
	    "\"0\" is not in [1s, 30d]" },
	{ "[daemon]\nstore-max-size = 99999999999T\n", "t.conf:2: [daemon] "
	    "store-max-size: \"99999999999T\" is too large" },
	{ "[daemon]\nstore-max-size = 17T\n", "t.conf:2: [daemon] "
	    "store-max-size: \"17T\" is not in [64K, 16T]" },
	{ "[daemon]\nstore-max-size = 256 MB\n", "t.conf:2: [daemon] "
	    "store-max-size: \"256 MB\" is not a size (bytes, or a number and "
	    "K, M, G or T)" },
	{ "[daemon]\nstore-retention = 0\n", "t.conf:2: [daemon] "
	    "store-retention: \"0\" is not in [1s, 3650d]" },
	{ "[daemon]\nstate-dir = var/lib\n", "t.conf:2: [daemon] state-dir: "
	    "\"var/lib\" is not an absolute path" },
	{ "[daemon]\ncontrol-socket = /run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaa\n", "t.conf:2: [daemon] control-socket: longer than 107 "
	    "bytes" },
	{ "[daemon]\ncontrol-mode = 0999\n", "t.conf:2: [daemon] control-mode: "
	    "\"0999\" is not an octal mode such as 0660" },
	{ "[daemon]\ncontrol-mode = 1777\n", "t.conf:2: [daemon] control-mode: "
	    "\"1777\" is not an octal mode such as 0660" },
	{ "[daemon]\ncontrol-mode = 66\n", "t.conf:2: [daemon] control-mode: "
	    "\"66\" is not an octal mode such as 0660" },
	{ "[daemon]\ncontrol-group = -wheel\n", "t.conf:2: [daemon] "
	    "control-group: \"-wheel\" is not a group name, a number or none" },
	{ "[daemon]\ncontrol-group = a b\n", "t.conf:2: [daemon] "
	    "control-group: \"a b\" is not a group name, a number or none" },
	{ "[daemon]\nsyslog-facility = kern\n", "t.conf:2: [daemon] "
	    "syslog-facility: \"kern\" is not a syslog facility (daemon, mail, "
	    "user, local0 to local7, auth, authpriv, cron, ftp, lpr, news, "
	    "syslog or uucp)" },
	{ "[daemon]\nconcurrency = 0\n", "t.conf:2: [daemon] concurrency: "
	    "\"0\" is not a number from 1 to 10000" },
	{ "[daemon]\nconcurrency = -4\n", "t.conf:2: [daemon] concurrency: "
	    "\"-4\" is not a number from 1 to 10000" },
	{ "[daemon]\njitter = 150%\n", "t.conf:2: [daemon] jitter: \"150%\" is "
	    "not a percentage from 0% to 100%" },
	{ "[daemon]\njitter = 2d\n", "t.conf:2: [daemon] jitter: \"2d\" is not "
	    "in [0, 1d] (or give a percentage)" },
	{ "[daemon]\nhost-spacing = 2h\n", "t.conf:2: [daemon] host-spacing: "
	    "\"2h\" is not in [0, 1h]" },
	{ "[daemon]\nresolver = localhost\n", "t.conf:2: [daemon] resolver: "
	    "nameserver \"localhost\" is not a numeric address*" },
	{ "[daemon]\nresolver = 127.0.0.1 ; x\nresolver = 127.0.0.1\t53\n",
	    "t.conf:3: [daemon] resolver: \"127.0.0.1?53\" is not ADDR, "
	    "ADDR:PORT, IPV6 or [IPV6]:PORT" },
	{ "[daemon]\nresolver = 127.0.0.1\nresolver = none\n", "t.conf:3: "
	    "[daemon] resolver: none (use /etc/resolv.conf) excludes other "
	    "resolvers" },
	{ "[daemon]\nresolver = none\nresolver = ::1\n", "t.conf:3: [daemon] "
	    "resolver: none (use /etc/resolv.conf) excludes other resolvers" },
	{ "[daemon]\nmetrics = localhost:9100\n", "t.conf:2: [daemon] metrics: "
	    "\"localhost:9100\" is not off, ADDR:PORT or [IPV6]:PORT" },
	{ "[daemon]\nmetrics = 127.0.0.1\n", "t.conf:2: [daemon] metrics: "
	    "\"127.0.0.1\" is not off, ADDR:PORT or [IPV6]:PORT" },
	{ "[daemon]\nmetrics = ::1:9100\n", "t.conf:2: [daemon] metrics: "
	    "\"::1:9100\" is not off, ADDR:PORT or [IPV6]:PORT" },
	{ "[daemon]\nalert-after = 0\n", "t.conf:2: [daemon] alert-after: "
	    "\"0\" is not a number from 1 to 1000" },
	{ "[defaults]\nclear-after = 1001\n", "t.conf:2: [defaults] "
	    "clear-after: \"1001\" is not a number from 1 to 1000" },
	{ "[daemon]\nrenotify = 10ms\n", "t.conf:2: [daemon] renotify: "
	    "\"10ms\" is not in [1s, 365d] (or off)" },
	{ "[daemon]\nshard = 3/2\n", "t.conf:2: [daemon] shard: \"3/2\" is not "
	    "I/N with 1 <= I <= N <= 65536" },
	{ "[daemon]\nshard = 0/2\n", "t.conf:2: [daemon] shard: \"0/2\" is not "
	    "I/N with 1 <= I <= N <= 65536" },
	{ "[daemon]\nshard = 1\n", "t.conf:2: [daemon] shard: \"1\" is not "
	    "I/N with 1 <= I <= N <= 65536" },
	{ "[defaults]\nports = 25,,587\n", "t.conf:2: [defaults] ports: "
	    "\"25,,587\" is not a list of ports such as 25,587" },
	{ "[defaults]\nports = 25, 70000\n", "t.conf:2: [defaults] ports: "
	    "\"70000\" is not a port" },
	{ "[defaults]\nports = 25,587,25\n", "t.conf:2: [defaults] ports: port "
	    "25 given twice" },
	{ "[defaults]\nports = 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\n",
	    "t.conf:2: [defaults] ports: more than 16 ports" },
	{ "[host mx.example.net:587]\nports = 25\n", "t.conf:2: [host "
	    "mx.example.net:587] ports: the target gives its port already" },
	{ "[defaults]\nhelo = mx example\n", "t.conf:2: [defaults] helo: \"mx "
	    "example\" is not an EHLO name (printable, no blanks, at most 255 "
	    "bytes)" },
	{ "[defaults]\nmail-from = <a@example.com>\n", "t.conf:2: [defaults] "
	    "mail-from: \"<a@example.com>\" is not an address (printable, "
	    "no blanks or angle brackets, at most 254 bytes)" },
	{ "[defaults]\nrcpt = a b@example.com\n", "t.conf:2: [defaults] rcpt: "
	    "\"a b@example.com\" is not an address (printable, no blanks or "
	    "angle brackets, at most 254 bytes)" },
	/* UTF-8 is an internationalized address (RFC 6531); Latin-1 is not */
	{ "[defaults]\nrcpt-reject = caf\xe9@example.com\n", "t.conf:2: "
	    "[defaults] rcpt-reject: \"caf?@example.com\" is not an address: "
	    "not valid UTF-8" },
	{ "[defaults]\nrcpt = \xe7\x94\xa8\xe6\x88\xb7@-x.test\n",
	    "t.conf:2: [defaults] rcpt: \"\xe7\x94\xa8\xe6\x88\xb7@-x.test\" "
	    "is not an address: the domain is not a host name" },
	{ "[domain \xe4\xbe\x8b\xe5\xad\x90-.test]\n", "t.conf:1: "
	    "[domain ?-.test]: \"\xe4\xbe\x8b\xe5\xad\x90-.test\" is not a "
	    "domain name: string start/ends with forbidden hyphen" },
	{ "[defaults]\nrelay-test = <x>\n", "t.conf:2: [defaults] relay-test: "
	    "\"<x>\" is not yes, no or an address" },
	/* without a domain a server takes the address for its own user */
#define NODOM	"(LOCAL@DOMAIN, the domain a name or an address literal " \
		"such as [192.0.2.1]: without one a server takes the address " \
		"for one of its own users)"
	{ "[defaults]\nrelay-test = postmaster\n", "t.conf:2: [defaults] "
	    "relay-test: \"postmaster\" is not yes, no or an address with a "
	    "domain " NODOM },
	{ "[domain a.example]\nrcpt = postmaster\n", "t.conf:2: [domain "
	    "a.example] rcpt: \"postmaster\" is not an address with a domain "
	    NODOM },
	{ "[defaults]\nrcpt-reject = nobody@\n", "t.conf:2: [defaults] "
	    "rcpt-reject: \"nobody@\" is not an address with a domain " NODOM },
	{ "[defaults]\nmail-from = probe\n", "t.conf:2: [defaults] "
	    "mail-from: \"probe\" is not an address with a domain " NODOM },
	{ "[domain a.example]\nrelay-test = x@mx.A.example\n", "t.conf:1: "
	    "[domain a.example]: relay-test: x@mx.A.example is in the domain "
	    "probed, whose servers accept it as their own: that is no relay "
	    "(give an address elsewhere, or yes)" },
	/* quotes are not the syntax: they would be part of the value */
	{ "[defaults]\nhelo = \"mx.example\"\n", "t.conf:2: [defaults] helo: "
	    "value in quotes (\"mx.example\"): they would be part of it; "
	    "write it without them" },
	{ "[daemon]\nstate-dir = '/srv/x'\n", "t.conf:2: [daemon] state-dir: "
	    "value in quotes ('/srv/x'): they would be part of it; write it "
	    "without them" },
	{ "[defaults]\nexpiry-warn = 5\nexpiry-crit = 10\n", "t.conf:1: "
	    "[defaults]: expiry-crit (10 days) is more than expiry-warn (5 "
	    "days): a certificate would be critical before it is a warning" },
	{ "[defaults]\nexpiry-warn = 10\n[domain a.example]\nexpiry-crit = "
	    "11\n", "t.conf:3: [domain a.example]: expiry-crit (11 days) is "
	    "more than expiry-warn (10 days): a certificate would be critical "
	    "before it is a warning" },
	{ "[defaults]\nrelay-test = x@a.example\n[domain a.example]\n",
	    "t.conf:3: [domain a.example]: relay-test: x@a.example is in the "
	    "domain probed, whose servers accept it as their own: that is no "
	    "relay (give an address elsewhere, or yes)" },
	{ "[defaults]\nca-file = ca.pem\n", "t.conf:2: [defaults] ca-file: "
	    "\"ca.pem\" is not an absolute path" },
	{ "[defaults]\ntimeout = 30x\n", "t.conf:2: [defaults] timeout: \"30x\" "
	    "is not a duration (a number and ms, s, m, h, d or w)" },
	{ "[defaults]\ntimeout = =30\n", "t.conf:2: [defaults] timeout: \"=30\" "
	    "is not PHASE=DURATION (e.g. banner=30s)" },
	{ "[defaults]\ntimeout = 10s\ntimeout = 20s\n", "t.conf:3: [defaults] "
	    "timeout: the whole check's deadline given twice" },
	{ "[defaults]\ntimeout = 2h\n", "t.conf:2: [defaults] timeout: \"2h\" "
	    "is not in (0, 1h]" },
	{ "[defaults]\ntimeout = greeting=30\n", "t.conf:2: [defaults] timeout: "
	    "unknown phase \"greeting\" (connect, banner, ehlo, helo, starttls, "
	    "tls, ehlo2, mail, rcpt, rset, quit, all or session; a duration "
	    "alone is the whole check's)" },
	{ "[defaults]\ntimeout = session=1m\ntimeout = session=2m\n",
	    "t.conf:3: [defaults] timeout: session given twice" },
	{ "[defaults]\ntimeout = session=later\n", "t.conf:2: [defaults] "
	    "timeout: \"later\" is not a duration (a number and ms, s, m, h, d "
	    "or w)" },
	{ "[defaults]\ntimeout = banner=30\ntimeout = BANNER=60\n", "t.conf:3: "
	    "[defaults] timeout: phase banner given twice" },
	{ "[defaults]\nslow = all=1\nslow = all=2\n", "t.conf:3: [defaults] "
	    "slow: phase all given twice" },
	{ "[defaults]\ntimeout = banner=2h\n", "t.conf:2: [defaults] timeout: "
	    "\"2h\" is not in (0, 1h]" },
	{ "[defaults]\nslow = rcpt=0\n", "t.conf:2: [defaults] slow: \"0\" is "
	    "not in (0, 1h]" },
	{ "[defaults]\nexpiry-warn = 4000\n", "t.conf:2: [defaults] "
	    "expiry-warn: \"4000\" is not a number of days from 0 to 3650" },
	{ "[defaults]\nexpiry-crit = 7days\n", "t.conf:2: [defaults] "
	    "expiry-crit: \"7days\" is not a number of days from 0 to 3650" },
	{ "[host mx.example.net]\nname = -\n", "t.conf:2: [host mx.example.net] "
	    "name: \"-\" is not a host name" },
	{ "[host mx.example.net]\naddr = 192.0.2\n", "t.conf:2: [host "
	    "mx.example.net] addr: \"192.0.2\" is not an IPv4 or IPv6 address" },
	{ "[defaults]\ndkim-selector = a.b\n", "t.conf:2: [defaults] "
	    "dkim-selector: \"a.b\" is not a DKIM selector (printable, no '.', "
	    "'/' or '\\', at most 63 bytes)" },
	{ "[defaults]\ndkim-key = sel\n", "t.conf:2: [defaults] dkim-key: "
	    "\"sel\" is not SELECTOR=PEMFILE" },
	{ "[defaults]\ndkim-key = =/k.pem\n", "t.conf:2: [defaults] dkim-key: "
	    "\"=/k.pem\" is not SELECTOR=PEMFILE" },
	{ "[defaults]\ndkim-key = sel=k.pem\n", "t.conf:2: [defaults] "
	    "dkim-key: \"k.pem\" is not an absolute path" },
	{ "[defaults]\nspf-ip = mx.example.com\n", "t.conf:2: [defaults] "
	    "spf-ip: \"mx.example.com\" is not an IPv4 or IPv6 address" },
	{ "[defaults]\ndnsbl = bad zone\n", "t.conf:2: [defaults] dnsbl: "
	    "\"bad zone\" is not a DNS zone name" },
	{ "[defaults]\nmta-sts-port = https\n", "t.conf:2: [defaults] "
	    "mta-sts-port: \"https\" is not a port" },
	{ "[defaults]\nfamily = inet6\n", "t.conf:2: [defaults] family: "
	    "\"inet6\" is not any, ipv4 or ipv6" },
	{ "[defaults]\ndns-only = sure\n", "t.conf:2: [defaults] dns-only: "
	    "\"sure\" is not yes, no, true, false, on, off, 1 or 0" },
	/* whole sections, reported at their header */
	{ "[domain example.com]\ndns-only = yes\nno-dns = yes\n", "t.conf:1: "
	    "[domain example.com]: dns-only and no-dns exclude each other" },
	{ "[defaults]\ndns-only = yes\n[domain a.example]\nno-dns = on\n"
	    "[domain b.example]\n", "t.conf:3: [domain a.example]: dns-only and "
	    "no-dns exclude each other" },
	{ "[host mx.example.net]\naddr = 192.0.2.1\ndns-only = 1\n", "t.conf:1: "
	    "[host mx.example.net]: dns-only audits the target, a name or an "
	    "address, not the addresses of addr" },
	/* a quoted value is bounded and printable */
	{ "[defaults]\ntls = 0123456789012345678901234567890123456789"
	    "01234567890123456789012345678901234567890123456789\n", "t.conf:2: "
	    "[defaults] tls: \"012345678901234567890123456789012345678901234567"
	    "890123456789012345678...\" is not none, may, encrypt, verify or "
	    "dane" },
};

static void
check_error(const char *in, size_t len, const char *want)
{
	char	*cause = load_err(in, len);
	size_t	 wl = strlen(want);

	if (wl > 0 && want[wl - 1] == '*') {
		if (strncmp(cause, want, wl - 1) != 0)
			fail_msg("in:\n%s\ngot:  %s\nwant: %s", in, cause, want);
	} else if (strcmp(cause, want) != 0)
		fail_msg("in:\n%s\ngot:  %s\nwant: %s", in, cause, want);
	free(cause);
}

static void
test_errors(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < N(error_cases); i++)
		check_error(error_cases[i].in, strlen(error_cases[i].in),
		    error_cases[i].want);
}

/* Errors the table cannot hold: NUL, sizes, counts. */
static void
test_errors_built(void **state)
{
	char	*s, *big;

	(void)state;
	check_error("[daemon]\nstate-dir = /a\0b\n", 24, "t.conf:2: NUL byte");

	assert_non_null(big = malloc(CONF_LINE_MAX + 2));
	memset(big, '#', CONF_LINE_MAX + 1);
	big[CONF_LINE_MAX + 1] = '\0';
	s = text("[daemon]\n%s\n", big);
	check_error(s, strlen(s), "t.conf:2: line longer than 4096 bytes");
	free(s);
	big[CONF_LINE_MAX] = '\0';	/* exactly the most: fine */
	s = text("[daemon]\n%s\n[foo]\n", big);
	check_error(s, strlen(s), "t.conf:3: [foo]: unknown section (expected "
	    SECTS ")");
	free(s);
	free(big);

	s = lines("[defaults]\n", "rcpt = u", 65, "@example.com\n", "");
	check_error(s, strlen(s), "t.conf:66: [defaults] rcpt: more than 64 "
	    "values in this section");
	free(s);
	s = lines("[defaults]\nrelay-test = yes\n", "rcpt = u", 64,
	    "@example.com\n", "");
	check_error(s, strlen(s), "t.conf:1: [defaults]: more than 64 RCPT "
	    "tests (rcpt, rcpt-reject and relay-test)");
	free(s);
	s = lines("[defaults]\n", "dkim-selector = s", 17, "\n", "");
	check_error(s, strlen(s), "t.conf:18: [defaults] dkim-selector: more "
	    "than 16 values in this section");
	free(s);
	s = lines("[domain a.example]\ndkim-key = k=/k.pem\n",
	    "dkim-selector = s", 16, "\n", "");
	check_error(s, strlen(s), "t.conf:1: [domain a.example]: more than 16 "
	    "DKIM selectors (dkim-selector and dkim-key)");
	free(s);
	s = lines("[daemon]\n", "resolver = 127.0.0.", 9, "\n", "");
	check_error(s, strlen(s), "t.conf:10: [daemon] resolver: more than 8 "
	    "values in this section");
	free(s);
	s = lines("[host mx.example.net]\n", "addr = 192.0.2.", 33, "\n", "");
	check_error(s, strlen(s), "t.conf:34: [host mx.example.net] addr: more "
	    "than 32 values in this section");
	free(s);
}

/* 100 000 targets load; one more is an error at its header. */
static void
test_target_limit(void **state)
{
	struct conf	*c;
	char		*s;

	(void)state;
	s = lines("[defaults]\ninterval = 1h\n", "[domain d", CONF_TARGETS_MAX,
	    ".example]\n", "");
	c = load_ok(s);
	assert_int_equal(c->ntargets, CONF_TARGETS_MAX);
	assert_string_equal(c->targets[CONF_TARGETS_MAX - 1].id,
	    "domain:d99999.example");
	assert_int_equal(c->targets[CONF_TARGETS_MAX - 1].line,
	    CONF_TARGETS_MAX + 2);
	assert_int_equal(c->targets[77].interval_ms, 3600000);
	assert_ptr_equal(conf_target_find(c, "domain:d4242.example"),
	    &c->targets[4242]);
	conf_free(c);
	free(s);
	s = lines("[defaults]\ninterval = 1h\n", "[domain d",
	    CONF_TARGETS_MAX + 1, ".example]\n", "");
	check_error(s, strlen(s), "t.conf:100003: [domain d100000.example]: "
	    "more than 100000 targets");
	free(s);
}

/*
 * Defaults: an empty file, and a target that gives nothing.
 */
static void
test_defaults(void **state)
{
	struct conf			*c;
	const struct conf_daemon	*d;
	const struct target	*t;
	struct smtp_params		 sp;
	int				 i;

	(void)state;
	c = load_ok("");
	d = &c->daemon;
	assert_string_equal(c->path, "t.conf");
	assert_int_equal(c->ntargets, 0);
	assert_string_equal(d->state_dir, "/var/lib/smtprobed");
	assert_string_equal(d->control_socket, "/run/smtprobed/control.sock");
	assert_int_equal(d->control_mode, 0660);
	assert_null(d->control_group);
	assert_int_equal(d->syslog_facility, LOG_DAEMON);
	assert_int_equal(d->concurrency, 64);
	assert_int_equal(d->interval_ms, 300000);
	assert_int_equal(d->jitter_pct, 10);
	assert_int_equal(d->dns_interval_ms, 3600000);
	assert_int_equal(d->host_spacing_ms, 2000);
	assert_int_equal(d->nresolvers, 0);
	assert_int_equal(d->store_retention_ms, 30LL * 86400000);
	assert_int_equal(d->store_max_size, 256ULL << 20);
	assert_null(d->metrics);
	assert_int_equal(d->alert_after, 2);
	assert_int_equal(d->clear_after, 2);
	assert_int_equal(d->renotify_ms, 86400000);
	assert_int_equal(d->shard_index, 1);
	assert_int_equal(d->shard_count, 1);
	conf_free(c);

	c = load_ok("[domain example.com]\n");
	assert_int_equal(c->ntargets, 1);
	t = &c->targets[0];
	smtp_params_defaults(&sp);
	assert_int_equal(t->kind, TARGET_DOMAIN);
	assert_string_equal(t->id, "domain:example.com");
	assert_string_equal(t->host, "example.com");
	assert_int_equal(t->port, 0);
	assert_int_equal(t->literal, 0);
	assert_int_equal(t->line, 1);
	assert_int_equal(t->nports, 1);
	assert_int_equal(t->ports[0], 25);
	assert_int_equal(t->tls, TLSPOL_MAY);
	assert_null(t->helo);
	assert_string_equal(t->mail_from, "");
	assert_int_equal(t->nrcpt, 0);
	assert_int_equal(t->nrcpt_reject, 0);
	assert_null(t->relay_test);
	assert_int_equal(t->ntests, 0);
	assert_null(t->ca_file);
	for (i = 0; i < PH_COUNT; i++) {
		assert_int_equal(t->timeout_ms[i], sp.timeout_ms[i]);
		assert_int_equal(t->slow_ms[i], sp.slow_ms[i]);
	}
	assert_int_equal(t->timeout_ms[PH_CONNECT], 30000);
	assert_int_equal(t->expiry_warn_days, 21);
	assert_int_equal(t->expiry_crit_days, 7);
	assert_int_equal(t->implicit_tls, 0);
	assert_null(t->name);
	assert_int_equal(t->naddrs, 0);
	assert_int_equal(t->ndkim_selectors + t->ndkim_keys + t->nselectors +
	    t->nspf_ips + t->ndnsbl, 0);
	assert_int_equal(t->mtasts_port, 443);
	assert_int_equal(t->allow_private, 0);
	assert_int_equal(t->family, AF_UNSPEC);
	assert_int_equal(t->interval_ms, 300000);
	assert_int_equal(t->dns_interval_ms, 3600000);
	assert_int_equal(t->alert_after, 2);
	assert_int_equal(t->clear_after, 2);
	assert_int_equal(t->dns_only, 0);
	assert_int_equal(t->no_dns, 0);
	conf_free(c);
}

/* [log] sections: a file, or the journal by identifiers. */
static void
test_log_sections(void **state)
{
	struct conf	*c;

	(void)state;
	c = load_ok("[log file]\npath = /var/log/mail.log\n"
	    "[log j]\njournal = postfix  exim4\njournal = opendkim\n"
	    "journal-directory = /var/log/journal/remote\n"
	    "[log sys]\njournal = postfix-out\n");
	assert_int_equal(c->nlogs, 3);
	assert_string_equal(c->logs[0].path, "/var/log/mail.log");
	assert_int_equal(c->logs[0].nidents, 0);
	assert_null(c->logs[0].journal_dir);
	assert_null(c->logs[1].path);
	assert_int_equal(c->logs[1].nidents, 3);
	assert_string_equal(c->logs[1].idents[0], "postfix");
	assert_string_equal(c->logs[1].idents[1], "exim4");
	assert_string_equal(c->logs[1].idents[2], "opendkim");
	assert_string_equal(c->logs[1].journal_dir, "/var/log/journal/remote");
	assert_int_equal(c->logs[2].nidents, 1);
	assert_null(c->logs[2].journal_dir);
	conf_free(c);
}

/* Every key once, with values other than the defaults. */
static const char full_conf[] =
    "# every key\n"
    "[daemon]\n"
    "state-dir = /srv/smtprobed\n"
    "control-socket = /run/x/ctl.sock\n"
    "control-mode = 0600\n"
    "control-group = smtprobe\n"
    "syslog-facility = local3\n"
    "concurrency = 200\n"
    "interval = 90s\n"
    "jitter = 30s\n"
    "dns-interval = 2h\n"
    "host-spacing = 500ms\n"
    "resolver = 127.0.0.1\n"
    "resolver = [::1]:5353\n"
    "store-retention = 90d\n"
    "store-max-size = 1G\n"
    "metrics = [::1]:9100\n"
    "alert-after = 3\n"
    "clear-after = 4\n"
    "renotify = off\n"
    "shard = 2/3\n"
    "\n"
    "[defaults]\n"
    "ports = 25, 465,587\n"
    "tls = verify\n"
    "helo = probe.example.org\n"
    "mail-from = probe@example.org\n"
    "rcpt = postmaster@example.com\n"
    "rcpt = abuse@example.com\n"
    "rcpt-reject = nobody@example.com\n"
    "relay-test = relay@elsewhere.example\n"
    "ca-file = /etc/ssl/ca.pem\n"
    "timeout = all=20\n"
    "timeout = connect=5s\n"
    "slow = banner=2s\n"
    "expiry-warn = 30d\n"
    "expiry-crit = 10\n"
    "implicit-tls = yes\n"
    "dkim-selector = s1\n"
    "dkim-selector = s2\n"
    "dkim-key = s2=/etc/dkim/s2.pem\n"
    "dkim-key = s3=/etc/dkim/s3.pem\n"
    "spf-ip = 192.0.2.25\n"
    "spf-ip = 2001:DB8::25\n"
    "dnsbl = ZEN.example.\n"
    "mta-sts-port = 8443\n"
    "allow-private = true\n"
    "family = ipv6\n"
    "interval = 15m\n"
    "dns-interval = 6h\n"
    "alert-after = 5\n"
    "clear-after = 6\n"
    "no-dns = on\n"
    "\n"
    "[host 192.0.2.7:2525]\n"
    "name = mx.example.net\n"
    "addr = 192.0.2.8\n"
    "addr = 2001:db8:0:0::8\n"
    "dns-only = no\n";

static void
test_full(void **state)
{
	struct conf			*c;
	const struct conf_daemon	*d;
	const struct target	*t;
	const struct sockaddr_in6	*s6;
	char				 buf[DNS_SERVER_STRLEN];
	int				 i;

	(void)state;
	c = load_ok(full_conf);
	d = &c->daemon;
	assert_string_equal(d->state_dir, "/srv/smtprobed");
	assert_string_equal(d->control_socket, "/run/x/ctl.sock");
	assert_int_equal(d->control_mode, 0600);
	assert_string_equal(d->control_group, "smtprobe");
	assert_int_equal(d->syslog_facility, LOG_LOCAL3);
	assert_int_equal(d->concurrency, 200);
	assert_int_equal(d->interval_ms, 90000);
	assert_int_equal(d->jitter_pct, -1);
	assert_int_equal(d->jitter_ms, 30000);
	assert_int_equal(d->dns_interval_ms, 7200000);
	assert_int_equal(d->host_spacing_ms, 500);
	assert_int_equal(d->nresolvers, 2);
	dns_server_str(&d->resolvers[0], buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1:53");
	dns_server_str(&d->resolvers[1], buf, sizeof(buf));
	assert_string_equal(buf, "[::1]:5353");
	assert_int_equal(d->store_retention_ms, 90LL * 86400000);
	assert_int_equal(d->store_max_size, 1ULL << 30);
	assert_string_equal(d->metrics, "[::1]:9100");
	s6 = (const struct sockaddr_in6 *)&d->metrics_ss;
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 9100);
	assert_int_equal(d->metrics_sslen, sizeof(*s6));
	assert_int_equal(d->alert_after, 3);
	assert_int_equal(d->clear_after, 4);
	assert_int_equal(d->renotify_ms, 0);
	assert_int_equal(d->shard_index, 2);
	assert_int_equal(d->shard_count, 3);

	assert_int_equal(c->ntargets, 1);
	t = &c->targets[0];
	assert_int_equal(t->kind, TARGET_HOST);
	assert_string_equal(t->id, "host:192.0.2.7:2525");
	assert_string_equal(t->host, "192.0.2.7");
	assert_int_equal(t->port, 2525);
	assert_int_equal(t->literal, 1);
	assert_int_equal(t->line, 55);
	assert_int_equal(t->nports, 1);		/* the section's port wins */
	assert_int_equal(t->ports[0], 2525);
	assert_int_equal(t->tls, TLSPOL_VERIFY);
	assert_string_equal(t->helo, "probe.example.org");
	assert_string_equal(t->mail_from, "probe@example.org");
	assert_int_equal(t->nrcpt, 2);
	assert_string_equal(t->rcpt[0], "postmaster@example.com");
	assert_string_equal(t->rcpt[1], "abuse@example.com");
	assert_int_equal(t->nrcpt_reject, 1);
	assert_string_equal(t->rcpt_reject[0], "nobody@example.com");
	assert_string_equal(t->relay_test, "relay@elsewhere.example");
	assert_int_equal(t->ntests, 4);
	assert_string_equal(t->tests[0].addr, "postmaster@example.com");
	assert_int_equal(t->tests[0].expect, RCPT_EXPECT_ACCEPT);
	assert_string_equal(t->tests[1].addr, "abuse@example.com");
	assert_int_equal(t->tests[1].expect, RCPT_EXPECT_ACCEPT);
	assert_string_equal(t->tests[2].addr, "nobody@example.com");
	assert_int_equal(t->tests[2].expect, RCPT_EXPECT_REJECT);
	assert_string_equal(t->tests[3].addr, "relay@elsewhere.example");
	assert_int_equal(t->tests[3].expect, RCPT_EXPECT_RELAY_REJECT);
	assert_string_equal(t->ca_file, "/etc/ssl/ca.pem");
	for (i = 0; i < PH_COUNT; i++)
		assert_int_equal(t->timeout_ms[i], i == PH_CONNECT ? 5000 :
		    20000);
	assert_int_equal(t->slow_ms[PH_BANNER], 2000);
	assert_int_equal(t->slow_ms[PH_RCPT], 5000);
	assert_int_equal(t->expiry_warn_days, 30);
	assert_int_equal(t->expiry_crit_days, 10);
	assert_int_equal(t->implicit_tls, 1);
	assert_string_equal(t->name, "mx.example.net");
	assert_int_equal(t->naddrs, 2);
	assert_string_equal(t->addrs[0], "192.0.2.8");
	assert_string_equal(t->addrs[1], "2001:db8::8");
	assert_int_equal(t->ndkim_selectors, 2);
	assert_int_equal(t->ndkim_keys, 2);
	assert_string_equal(t->dkim_keys[0].selector, "s2");
	assert_string_equal(t->dkim_keys[0].path, "/etc/dkim/s2.pem");
	assert_string_equal(t->dkim_keys[1].selector, "s3");
	assert_string_equal(t->dkim_keys[1].path, "/etc/dkim/s3.pem");
	assert_int_equal(t->nselectors, 3);
	assert_string_equal(t->selectors[0], "s1");
	assert_string_equal(t->selectors[1], "s2");
	assert_string_equal(t->selectors[2], "s3");
	assert_int_equal(t->nspf_ips, 2);
	assert_string_equal(t->spf_ips[0], "192.0.2.25");
	assert_string_equal(t->spf_ips[1], "2001:db8::25");
	assert_int_equal(t->ndnsbl, 1);
	assert_string_equal(t->dnsbl[0], "zen.example");
	assert_int_equal(t->mtasts_port, 8443);
	assert_int_equal(t->allow_private, 1);
	assert_int_equal(t->family, AF_INET6);
	assert_int_equal(t->interval_ms, 900000);
	assert_int_equal(t->dns_interval_ms, 6 * 3600000);
	assert_int_equal(t->alert_after, 5);
	assert_int_equal(t->clear_after, 6);
	assert_int_equal(t->dns_only, 0);
	assert_int_equal(t->no_dns, 1);
	conf_free(c);
}

/*
 * Inheritance: [defaults] into targets, a target's own key replacing,
 * lists replaced whole, timeouts phase by phase, [daemon] as the last
 * fallback wherever it stands.
 */
static void
test_inherit(void **state)
{
	struct conf			*c;
	const struct target	*a, *b, *h;

	(void)state;
	c = load_ok(
	    "[defaults]\n"
	    "tls = encrypt\n"
	    "rcpt = pm@example.com\n"
	    "rcpt = abuse@example.com\n"
	    "dnsbl = bl.example\n"
	    "timeout = banner=60\n"
	    "timeout = ehlo=40\n"
	    "slow = all=3s\n"
	    "interval = 10m\n"
	    "[domain a.example]\n"
	    "[domain b.example]\n"
	    "tls = none\n"
	    "rcpt = other@b.example\n"
	    "dnsbl = bl2.example\n"
	    "dnsbl = bl3.example\n"
	    "timeout = connect=3\n"
	    "timeout = ehlo2=9\n"
	    "slow = banner=1\n"
	    "alert-after = 7\n"
	    "[host mx.example.net]\n"
	    "rcpt-reject = x@example.net\n"
	    "relay-test = yes\n"
	    "timeout = all=11\n"
	    "[daemon]\n"
	    "interval = 1m\n"
	    "dns-interval = 3h\n"
	    "alert-after = 4\n"
	    "clear-after = 5\n");
	assert_int_equal(c->ntargets, 3);
	a = conf_target_find(c, "domain:a.example");
	b = conf_target_find(c, "domain:b.example");
	h = conf_target_find(c, "host:mx.example.net");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(h);
	assert_null(conf_target_find(c, "domain:c.example"));
	assert_null(conf_target_find(c, "a.example"));

	/* a: everything from [defaults], the rest from [daemon] */
	assert_int_equal(a->tls, TLSPOL_ENCRYPT);
	assert_int_equal(a->nrcpt, 2);
	assert_string_equal(a->rcpt[1], "abuse@example.com");
	assert_int_equal(a->ntests, 2);
	assert_int_equal(a->ndnsbl, 1);
	assert_int_equal(a->timeout_ms[PH_BANNER], 60000);
	assert_int_equal(a->timeout_ms[PH_EHLO], 40000);
	assert_int_equal(a->timeout_ms[PH_EHLO2], 40000);
	assert_int_equal(a->timeout_ms[PH_CONNECT], 30000);
	assert_int_equal(a->slow_ms[PH_BANNER], 3000);
	assert_int_equal(a->slow_ms[PH_QUIT], 3000);
	assert_int_equal(a->interval_ms, 600000);
	assert_int_equal(a->dns_interval_ms, 3 * 3600000);
	assert_int_equal(a->alert_after, 4);
	assert_int_equal(a->clear_after, 5);

	/* b: its own values replace; lists whole; phases one by one */
	assert_int_equal(b->tls, TLSPOL_NONE);
	assert_int_equal(b->nrcpt, 1);
	assert_string_equal(b->rcpt[0], "other@b.example");
	assert_int_equal(b->ntests, 1);
	assert_string_equal(b->tests[0].addr, "other@b.example");
	assert_int_equal(b->ndnsbl, 2);
	assert_string_equal(b->dnsbl[0], "bl2.example");
	assert_string_equal(b->dnsbl[1], "bl3.example");
	assert_int_equal(b->timeout_ms[PH_CONNECT], 3000);
	assert_int_equal(b->timeout_ms[PH_BANNER], 60000);
	assert_int_equal(b->timeout_ms[PH_EHLO], 40000);
	assert_int_equal(b->timeout_ms[PH_EHLO2], 9000);
	assert_int_equal(b->slow_ms[PH_BANNER], 1000);
	assert_int_equal(b->slow_ms[PH_RCPT], 3000);
	assert_int_equal(b->alert_after, 7);
	assert_int_equal(b->clear_after, 5);

	/* h: RCPT tests rebuilt from inherited and own lists */
	assert_int_equal(h->nrcpt, 2);
	assert_int_equal(h->nrcpt_reject, 1);
	assert_string_equal(h->relay_test, TARGET_RELAY_RCPT);
	assert_int_equal(h->ntests, 4);
	assert_string_equal(h->tests[0].addr, "pm@example.com");
	assert_int_equal(h->tests[2].expect, RCPT_EXPECT_REJECT);
	assert_string_equal(h->tests[3].addr, TARGET_RELAY_RCPT);
	assert_int_equal(h->tests[3].expect, RCPT_EXPECT_RELAY_REJECT);
	assert_int_equal(h->timeout_ms[PH_CONNECT], 11000);
	assert_int_equal(h->timeout_ms[PH_BANNER], 11000);
	assert_int_equal(h->timeout_ms[PH_EHLO2], 11000);

	/* the defaults' lists are untouched by b's */
	assert_string_equal(a->rcpt[0], "pm@example.com");
	assert_string_equal(a->dnsbl[0], "bl.example");
	conf_free(c);

	/* relay-test = no in a target drops an inherited relay test */
	c = load_ok("[defaults]\nrelay-test = yes\n[domain a.example]\n"
	    "relay-test = no\n[domain b.example]\n");
	assert_int_equal(c->targets[0].ntests, 0);
	assert_null(c->targets[0].relay_test);
	assert_int_equal(c->targets[1].ntests, 1);
	conf_free(c);
}

/* timeout/slow: "all" and explicit phases in either order. */
struct phase_case {
	const char	*lines;
	int		 connect, banner, ehlo, ehlo2;
};

static const struct phase_case phase_cases[] = {
	{ "timeout = all=60\ntimeout = banner=30\n", 60, 30, 60, 60 },
	{ "timeout = banner=30\ntimeout = all=60\n", 60, 30, 60, 60 },
	{ "timeout = ehlo=10\ntimeout = all=60\n", 60, 60, 10, 10 },
	{ "timeout = all=60\ntimeout = ehlo=10\n", 60, 60, 10, 10 },
	{ "timeout = ehlo2=5\ntimeout = ehlo=10\n", 30, 300, 10, 5 },
	{ "timeout = ehlo=10\ntimeout = ehlo2=5\n", 30, 300, 10, 5 },
	{ "timeout = ehlo2=5\ntimeout = all=1m\n", 60, 60, 60, 5 },
	{ "timeout = Connect=1.5\n", 1, 300, 300, 300 },	/* ms below */
};

static void
test_phases(void **state)
{
	struct conf	*c;
	char		*s;
	size_t		 i;

	(void)state;
	for (i = 0; i < N(phase_cases); i++) {
		const struct phase_case *pc = &phase_cases[i];
		const struct target *t;

		s = text("[domain a.example]\n%s", pc->lines);
		c = load_ok(s);
		t = &c->targets[0];
		if (i == N(phase_cases) - 1) {
			assert_int_equal(t->timeout_ms[PH_CONNECT], 1500);
		} else
			assert_int_equal(t->timeout_ms[PH_CONNECT],
			    pc->connect * 1000);
		assert_int_equal(t->timeout_ms[PH_BANNER], pc->banner * 1000);
		assert_int_equal(t->timeout_ms[PH_EHLO], pc->ehlo * 1000);
		assert_int_equal(t->timeout_ms[PH_EHLO2], pc->ehlo2 * 1000);
		conf_free(c);
		free(s);
	}
}

/*
 * Target ids: normalised, so two spellings of one target are one.
 */
struct id_case {
	const char	*section;
	const char	*id;
	const char	*host;
	int		 port, literal;
};

static const struct id_case id_cases[] = {
	{ "[domain example.com]", "domain:example.com", "example.com", 0, 0 },
	{ "[domain Example.COM.]", "domain:example.com", "example.com", 0, 0 },
	{ "[DOMAIN  example.com ]", "domain:example.com", "example.com", 0, 0 },
	{ "[domain localhost]", "domain:localhost", "localhost", 0, 0 },
	{ "[domain _dmarc.x-y.example]", "domain:_dmarc.x-y.example",
	    "_dmarc.x-y.example", 0, 0 },
	{ "[host mx.example.net]", "host:mx.example.net", "mx.example.net",
	    0, 0 },
	{ "[host MX.example.net.:587]", "host:mx.example.net:587",
	    "mx.example.net", 587, 0 },
	{ "[host 192.0.2.1]", "host:192.0.2.1", "192.0.2.1", 0, 1 },
	{ "[host 192.0.2.1:25]", "host:192.0.2.1:25", "192.0.2.1", 25, 1 },
	{ "[host 2001:DB8::1]", "host:[2001:db8::1]", "2001:db8::1", 0, 1 },
	{ "[host [2001:db8:0::1]]", "host:[2001:db8::1]", "2001:db8::1", 0, 1 },
	{ "[host [2001:db8::1]:465]", "host:[2001:db8::1]:465", "2001:db8::1",
	    465, 1 },
	{ "[host [::ffff:192.0.2.1]:25]", "host:[::ffff:192.0.2.1]:25",
	    "::ffff:192.0.2.1", 25, 1 },
	{ "[ host\t[::1]:25\t] ; comment ]", "host:[::1]:25", "::1", 25, 1 },
	{ "[host mx.example.net:587] # comment", "host:mx.example.net:587",
	    "mx.example.net", 587, 0 },
};

static void
test_ids(void **state)
{
	struct conf	*c;
	char		*s;
	size_t		 i;

	(void)state;
	for (i = 0; i < N(id_cases); i++) {
		const struct id_case	*ic = &id_cases[i];
		const struct target *t;

		s = text("%s\n", ic->section);
		c = load_ok(s);
		assert_int_equal(c->ntargets, 1);
		t = &c->targets[0];
		if (strcmp(t->id, ic->id) != 0)
			fail_msg("%s: id %s, want %s", ic->section, t->id,
			    ic->id);
		assert_string_equal(t->host, ic->host);
		assert_int_equal(t->port, ic->port);
		assert_int_equal(t->literal, ic->literal);
		assert_int_equal(t->hash, conf_hash(ic->id, strlen(ic->id)));
		assert_ptr_equal(conf_target_find(c, ic->id), t);
		conf_free(c);
		free(s);
	}
}

/* FNV-1a 64 test vectors, and shards that partition the targets. */
static void
test_hash_shard(void **state)
{
	struct conf	*c, *s3[3];
	char		*s, *t;
	size_t		 i;
	int		 k, in;

	(void)state;
	assert_true(conf_hash("", 0) == 0xcbf29ce484222325ULL);
	assert_true(conf_hash("a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(conf_hash("foobar", 6) == 0x85944171f73967e8ULL);
	/* a target id, and only len bytes of it count */
	assert_true(conf_hash("domain:example.com", 18) ==
	    0x4a5a77705808a462ULL);
	assert_true(conf_hash("domain:example.comX", 18) ==
	    0x4a5a77705808a462ULL);

	s = lines("", "[domain d", 300, ".example]\n", "");
	c = load_ok(s);
	for (i = 0; i < c->ntargets; i++)
		assert_true(conf_target_in_shard(c, &c->targets[i]));
	for (k = 0; k < 3; k++) {
		t = text("[daemon]\nshard = %d/3\n%s", k + 1, s);
		s3[k] = load_ok(t);
		free(t);
	}
	for (i = 0; i < c->ntargets; i++) {
		in = 0;
		for (k = 0; k < 3; k++) {
			const struct target *x = &s3[k]->targets[i];

			assert_string_equal(x->id, c->targets[i].id);
			if (conf_target_in_shard(s3[k], x)) {
				in++;
				assert_int_equal(x->hash % 3, k);
			}
		}
		assert_int_equal(in, 1);	/* exactly one shard */
	}
	/* and each shard gets some */
	for (k = 0; k < 3; k++) {
		in = 0;
		for (i = 0; i < s3[k]->ntargets; i++)
			in += conf_target_in_shard(s3[k], &s3[k]->targets[i]);
		assert_true(in > 50 && in < 150);
		conf_free(s3[k]);
	}
	conf_free(c);
	free(s);
}

/*
 * Lines: long ones, CRLF, BOM, comments, blanks, "key: value", and the
 * line numbers that follow them.
 */
static void
test_lines(void **state)
{
	struct conf			*c;
	const struct target	*t;
	char				*s, path[600], label[64];
	int				 i;

	(void)state;
	/* a 253-byte domain in a section header (inih kept 49) */
	memset(label, 'a', 63);
	label[63] = '\0';
	s = text("[domain %s.%s.%s.%.61s]\n", label, label, label, label);
	c = load_ok(s);
	assert_int_equal(strlen(c->targets[0].host), 253);
	assert_int_equal(strlen(c->targets[0].id), 7 + 253);
	conf_free(c);
	free(s);

	/* a value of thousands of bytes, its inline comment, then an error */
	path[0] = '\0';
	for (i = 0; i < 50; i++)
		strcat(path, "/dir");
	strcat(path, "/ca.pem");
	s = text("[defaults]\n   ca-file   =  %s   ; the CA\n"
	    "helo:x.example\n[domain a.example]\ntls = bogus\n", path);
	check_error(s, strlen(s), "t.conf:5: [domain a.example] tls: \"bogus\" "
	    "is not none, may, encrypt, verify or dane");
	free(s);
	s = text("[defaults]\n   ca-file   =  %s   ; the CA\n"
	    "helo:x.example\n[domain a.example]\n", path);
	c = load_ok(s);
	t = &c->targets[0];
	assert_string_equal(t->ca_file, path);
	assert_string_equal(t->helo, "x.example");
	assert_int_equal(t->line, 4);
	conf_free(c);
	free(s);
	/* a long line that is only a comment, a long unknown key */
	s = lines("[daemon]\n#", "----", 100, "",
	    "\n[domain a.example]\n");
	c = load_ok(s);
	assert_int_equal(c->targets[0].line, 3);
	conf_free(c);
	free(s);
	s = lines("[daemon]\n", "k", 100, "", " = 1\n");
	check_error(s, strlen(s), "t.conf:2: [daemon] k0k1k2k3k4k5k6k7k8k9k10k11"
	    "k12k13k14k15k16k17k18k19k20k21k22k23k24k25k...: unknown key");
	free(s);

	/* CRLF, a BOM, comments, indentation, ':' */
	c = load_ok("\xef\xbb\xbf# smtprobed\r\n"
	    "; old style\r\n"
	    "[daemon]   ; trailing\r\n"
	    "\tconcurrency : 9 ; nine\r\n"
	    "  # indented comment\r\n"
	    "[domain a.example]\r\n"
	    "\r\n"
	    "    rcpt = a@a.example\r\n"
	    "    rcpt = b@a.example\r\n"
	    "[domain b.example]");
	assert_int_equal(c->daemon.concurrency, 9);
	assert_int_equal(c->ntargets, 2);
	assert_int_equal(c->targets[0].line, 6);
	assert_int_equal(c->targets[0].nrcpt, 2);	/* no continuation */
	assert_string_equal(c->targets[0].rcpt[1], "b@a.example");
	assert_int_equal(c->targets[1].line, 10);
	conf_free(c);

	/* a ';' without a blank before it is part of the value */
	c = load_ok("[defaults]\nrcpt = a;b@example.com\n[domain x.example]\n");
	assert_string_equal(c->targets[0].rcpt[0], "a;b@example.com");
	conf_free(c);
	/* the null sender, three ways */
	for (i = 0; i < 3; i++) {
		static const char *mf[] = { "<>", "", "  " };

		s = text("[domain x.example]\nmail-from = %s\n", mf[i]);
		c = load_ok(s);
		assert_string_equal(c->targets[0].mail_from, "");
		conf_free(c);
		free(s);
	}
}

/* conf_load: a file, a missing one, a directory. */
static void
test_load_path(void **state)
{
	struct conf	*c;
	char		 dir[64], path[96], rel[128], cwd[4096], *cause;
	FILE		*fp;

	(void)state;
	/* a directory of this run's own (pid and time: no other run's) */
	snprintf(dir, sizeof(dir), "/tmp/test_conf.%ld.%ld", (long)getpid(),
	    (long)time(NULL));
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/smtprobed.conf", dir);

	assert_int_equal(conf_load(path, &c, &cause), -1);
	assert_null(c);
	assert_non_null(strstr(cause, "smtprobed.conf: No such file"));
	free(cause);
	assert_int_equal(conf_load(dir, &c, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);

	assert_non_null(fp = fopen(path, "w"));
	fputs("[daemon]\n\n[domain a.example]\ntls = x\n", fp);
	fclose(fp);
	assert_int_equal(conf_load(path, &c, &cause), -1);
	assert_true(strncmp(cause, path, strlen(path)) == 0);
	assert_string_equal(cause + strlen(path), ":4: [domain a.example] tls: "
	    "\"x\" is not none, may, encrypt, verify or dane");
	free(cause);

	assert_non_null(fp = fopen(path, "w"));
	fputs("[daemon]\n\n[domain a.example]\ntls = dane\n", fp);
	fclose(fp);
	assert_int_equal(conf_load(path, &c, &cause), 0);
	assert_null(cause);
	assert_string_equal(c->path, path);
	assert_int_equal(c->targets[0].tls, TLSPOL_DANE);
	conf_free(c);
	conf_free(NULL);

	/* a relative path is taken from the file's directory */
	assert_non_null(fp = fopen(path, "w"));
	fputs("[defaults]\nca-file = ca.pem\n[domain a.example]\n"
	    "dkim-key = s1=keys/s1.pem\ndkim-key = s2=/k/s2.pem\n", fp);
	fclose(fp);
	assert_int_equal(conf_load(path, &c, &cause), 0);
	snprintf(rel, sizeof(rel), "%s/ca.pem", dir);
	assert_string_equal(c->targets[0].ca_file, rel);
	snprintf(rel, sizeof(rel), "%s/keys/s1.pem", dir);
	assert_string_equal(c->targets[0].dkim_keys[0].path, rel);
	assert_string_equal(c->targets[0].dkim_keys[1].path, "/k/s2.pem");
	conf_free(c);
	/* ... or from the working directory's, for a relative file name */
	assert_int_equal(getcwd(cwd, sizeof(cwd)) != NULL, 1);
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(conf_load("smtprobed.conf", &c, &cause), 0);
	snprintf(rel, sizeof(rel), "%s/ca.pem", dir);
	assert_string_equal(c->targets[0].ca_file, rel);
	conf_free(c);
	assert_int_equal(chdir(cwd), 0);

	unlink(path);
	rmdir(dir);
}

/*
 * The shipped file loads, as shipped, with no target (nothing probed
 * after make install); its example targets, uncommented, load as they
 * say.
 */
static void
test_shipped(void **state)
{
	static const char *paths[] = { "conf/smtprobed.conf",
	    "../../conf/smtprobed.conf", "../conf/smtprobed.conf" };
	struct conf			*c = NULL;
	const struct target	*d, *h;
	char				*cause = NULL, line[CONF_LINE_MAX + 2];
	char				*text = NULL;
	size_t				 i, len = 0;
	FILE				*fp, *mem;
	int				 examples = 0;

	(void)state;
	for (i = 0; i < N(paths); i++)
		if (access(paths[i], R_OK) == 0)
			break;
	if (i == N(paths))
		fail_msg("conf/smtprobed.conf not found from here");
	if (conf_load(paths[i], &c, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(c->ntargets, 0);
	/* the daemon keys are commented out: their defaults hold */
	assert_string_equal(c->daemon.state_dir, "/var/lib/smtprobed");
	assert_int_equal(c->daemon.concurrency, 64);
	conf_free(c);

	/* from the first example section on, "#key" lines uncommented */
	assert_non_null(fp = fopen(paths[i], "r"));
	assert_non_null(mem = open_memstream(&text, &len));
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "#[", 2) == 0)
			examples = 1;
		if (examples && line[0] == '#' && line[1] != ' ' &&
		    line[1] != '\n')
			fputs(line + 1, mem);
		else
			fputs(line, mem);
	}
	fclose(fp);
	fclose(mem);
	c = load_ok(text);
	free(text);
	assert_int_equal(c->ntargets, 2);
	d = conf_target_find(c, "domain:example.com");
	h = conf_target_find(c, "host:mx.example.net:587");
	assert_non_null(d);
	assert_non_null(h);
	assert_int_equal(d->ntests, 3);
	assert_int_equal(d->interval_ms, 600000);
	assert_int_equal(h->tls, TLSPOL_VERIFY);
	assert_int_equal(h->timeout_ms[PH_BANNER], 60000);
	assert_int_equal(h->timeout_ms[PH_TLS], 20000);
	assert_int_equal(h->interval_ms, 300000);
	assert_int_equal(h->no_dns, 1);
	conf_free(c);
}

/* What smtprobe's sessions and audits get from a target. */
/*
 * A target from the file into check parameters (target_check_params is
 * tested for itself in test_target.c): what conf resolved gets there.
 */
static void
test_params(void **state)
{
	struct conf		*c;
	const struct target	*t, *h;
	struct check_params	 p;
	const struct audit_params *ap = &p.audit;

	(void)state;
	c = load_ok("[defaults]\n"
	    "timeout = connect=4\n"
	    "[domain a.example]\n"
	    "ports = 25,465,587\n"
	    "tls = dane\n"
	    "helo = me.example\n"
	    "rcpt-reject = no@a.example\n"
	    "dkim-selector = s1\n"
	    "dkim-key = s1=/k1.pem\n"
	    "spf-ip = 192.0.2.1\n"
	    "dnsbl = bl.example\n"
	    "mta-sts-port = 4443\n"
	    "allow-private = yes\n"
	    "family = ipv4\n"
	    "expiry-warn = 9\n"
	    "[host mx.a.example]\n"
	    "no-dns = yes\n"
	    "implicit-tls = yes\n");
	t = &c->targets[0];
	h = &c->targets[1];

	target_check_params(t, "daemon.example", &p);
	assert_string_equal(p.target, "domain:a.example");
	assert_string_equal(p.name, "a.example");
	assert_int_equal(p.host_mode, 0);
	assert_int_equal(p.use_addrs, 0);
	assert_int_equal(p.nports, 3);
	assert_int_equal(p.ports[2], 587);
	assert_string_equal(p.proto.helo, "me.example");
	assert_string_equal(p.proto.mail_from, "");
	assert_ptr_equal(p.proto.rcpts, t->tests);
	assert_int_equal(p.proto.nrcpts, 1);
	assert_int_equal(p.proto.rcpts[0].expect, RCPT_EXPECT_REJECT);
	assert_int_equal(p.proto.tls_policy, TLSPOL_DANE);
	assert_int_equal(p.implicit_all, 0);
	assert_int_equal(p.proto.expiry_warn_days, 9);
	assert_int_equal(p.proto.timeout_ms[PH_CONNECT], 4000);
	assert_int_equal(ap->family, AF_INET);
	assert_int_equal(ap->ndkim, 1);
	assert_string_equal(ap->dkim_selectors[0], "s1");
	assert_null(ap->dkim_keys);
	assert_int_equal(ap->nspf_ips, 1);
	assert_string_equal(ap->spf_ips[0], "192.0.2.1");
	assert_int_equal(ap->ndnsbl, 1);
	assert_string_equal(ap->dnsbl_zones[0], "bl.example");
	assert_int_equal(ap->mtasts_port, 4443);
	assert_int_equal(ap->fetch_timeout_ms, 8000);
	assert_int_equal(ap->allow_private, 1);
	assert_int_equal(ap->minimal, 0);

	target_check_params(h, "daemon.example", &p);
	assert_string_equal(p.name, "mx.a.example");
	assert_int_equal(p.host_mode, 1);
	assert_string_equal(p.proto.helo, "daemon.example");
	assert_int_equal(p.implicit_all, 1);
	assert_int_equal(p.proto.tls_policy, TLSPOL_MAY);
	assert_int_equal(ap->minimal, 1);
	assert_int_equal(ap->fetch_timeout_ms, 8000);
	conf_free(c);
}

/* A keep() that leaves out the second target (another shard's). */
static int
not_second(const struct target *t, void *arg)
{
	return t != &((const struct conf *)arg)->targets[1];
}

/* conf_target_match: names as users write them. */
static void
test_target_match(void **state)
{
	static const struct {
		const char	*name;
		const char	*want;	/* ids, blank-separated; "" none */
		const char	*closest; /* with none: the nearest, or NULL */
	} cases[] = {
		{ "domain:example.com", "domain:example.com", NULL },
		{ "Example.COM.", "domain:example.com", NULL },
		{ "DOMAIN:example.com.", "domain:example.com", NULL },
		{ "host:mx.example.net:587", "host:mx.example.net:587", NULL },
		{ "MX.example.net:587", "host:mx.example.net:587", NULL },
		{ "mx.example.net", "host:mx.example.net:587 "
		    "host:mx.example.net:25", NULL },
		{ "127.0.0.1:2526", "host:127.0.0.1:2526", NULL },
		{ "127.0.0.1", "host:127.0.0.1:2526", NULL },
		{ "[2001:db8::25]:25", "host:[2001:db8::25]:25", NULL },
		{ "2001:DB8:0::25", "host:[2001:db8::25]:25", NULL },
		{ "both.example", "domain:both.example host:both.example",
		    NULL },
		{ "host:both.example", "host:both.example", NULL },
		/* a section of the host without a port is the host's name */
		{ "mx2.example.net", "host:mx2.example.net", NULL },
		{ "mx2.example.net:465", "host:mx2.example.net:465", NULL },
		{ "2001:db8::1", "host:[2001:db8::1]", NULL },
		{ "[2001:db8::1]:465", "host:[2001:db8::1]:465", NULL },
		{ "exmaple.com", "", "domain:example.com" },
		{ "example.co", "", "domain:example.com" },
		{ "127.0.0.1:2527", "", "host:127.0.0.1:2526" },
		{ "mx.example.net:26", "", "host:mx.example.net:25" },
		{ "nothing.like.it", "", NULL },
		{ "x", "", NULL },
		{ "", "", NULL },
		{ "domain:", "", NULL },
		{ "host:[::1", "", NULL },
	};
	struct conf		*c;
	const struct target	*found[4], *closest;
	char			 got[512];
	size_t			 i, o;
	int			 n, j;

	(void)state;
	c = load_ok("[domain example.com]\n[host mx.example.net:587]\n"
	    "[host mx.example.net:25]\n[host 127.0.0.1:2526]\n"
	    "[host [2001:db8::25]:25]\n[domain both.example]\n"
	    "[host both.example]\n[host mx2.example.net:465]\n"
	    "[host mx2.example.net]\n[host [2001:db8::1]:465]\n"
	    "[host 2001:db8::1]\n");
	for (i = 0; i < N(cases); i++) {
		n = conf_target_match(c, cases[i].name, NULL, NULL, found, 4,
		    &closest);
		got[0] = '\0';
		for (j = 0, o = 0; j < n && j < 4; j++)
			o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s",
			    j ? " " : "", found[j]->id);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("\"%s\": matched \"%s\", want \"%s\"",
			    cases[i].name, got, cases[i].want);
		if (n == 0 && (closest == NULL) != (cases[i].closest == NULL))
			fail_msg("\"%s\": closest %s, want %s", cases[i].name,
			    closest ? closest->id : "none", cases[i].closest ?
			    cases[i].closest : "none");
		if (n == 0 && closest != NULL &&
		    strcmp(closest->id, cases[i].closest) != 0)
			fail_msg("\"%s\": closest %s, want %s", cases[i].name,
			    closest->id, cases[i].closest);
	}
	/* keep() leaves a target out, of matches and of suggestions */
	assert_int_equal(conf_target_match(c, "mx.example.net", not_second, c,
	    found, 4, &closest), 1);
	assert_string_equal(found[0]->id, "host:mx.example.net:25");
	assert_int_equal(conf_target_match(c, "mx.example.net:587", not_second,
	    c, found, 4, &closest), 0);
	assert_non_null(closest);
	assert_string_equal(closest->id, "host:mx.example.net:25");
	/* more matches than room: the count, the first ones */
	assert_int_equal(conf_target_match(c, "mx.example.net", NULL, NULL,
	    found, 1, &closest), 2);
	assert_string_equal(found[0]->id, "host:mx.example.net:587");
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_errors_built),
		cmocka_unit_test(test_target_limit),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_log_sections),
		cmocka_unit_test(test_inherit),
		cmocka_unit_test(test_phases),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_hash_shard),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_load_path),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_target_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
