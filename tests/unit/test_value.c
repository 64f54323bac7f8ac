/*
 * test_value.c - unit tests of lib/value.c, the value syntax of
 * smtprobed.conf and of smtprobe check: durations, sizes, booleans,
 * numbers, days, ports, names (internationalized ones too), addresses,
 * mailboxes, selectors, text for messages, and durations written back.
 * One table per parser.
 */
#include <sys/socket.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "value.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * value_duration / value_size / value_bool
 */

struct duration_case {
	const char	*in;
	int64_t		 ms;		/* -1: must fail */
};

static const struct duration_case duration_cases[] = {
	{ "0", 0 },
	{ "90", 90000 },
	{ "90s", 90000 },
	{ "500ms", 500 },
	{ "5m", 300000 },
	{ "5M", 300000 },
	{ "2h", 7200000 },
	{ "30d", 2592000000LL },
	{ "1w", 604800000 },
	{ "1.5s", 1500 },
	{ "0.25m", 15000 },
	{ "1.0001s", 1000 },	/* below a millisecond: cut */
	{ "106751991167d", 106751991167LL * 86400000 },
	{ "9223372036854775807ms", INT64_MAX },
	{ "9223372036854775808ms", -1 },
	{ "106751991168d", -1 },
	{ "99999999999999999999", -1 },
	{ "15250284452w", 15250284452LL * 604800000 },
	{ "15250284453w", -1 },
	{ "", -1 },
	{ "s", -1 },
	{ "-5s", -1 },
	{ "+5s", -1 },
	{ " 5s", -1 },
	{ "5 s", -1 },
	{ "5sec", -1 },
	{ "5y", -1 },
	{ "1.s", -1 },
	{ ".5s", -1 },
	{ "1.1234567891s", -1 },
	{ "1e3", -1 },
	{ "0x10", -1 },
	{ "5m30s", -1 },
};

static void
test_duration(void **state)
{
	const char	*why;
	size_t		 i;
	int64_t		 ms;

	(void)state;
	for (i = 0; i < N(duration_cases); i++) {
		const struct duration_case *c = &duration_cases[i];
		int	 rv;

		why = NULL;
		ms = -7;
		rv = value_duration(c->in, &ms, &why);
		if (c->ms == -1) {
			if (rv != -1)
				fail_msg("\"%s\": parsed as %lld", c->in,
				    (long long)ms);
			assert_non_null(why);
			assert_int_equal(ms, -7);
		} else if (rv != 0 || ms != c->ms)
			fail_msg("\"%s\": rv %d ms %lld, want %lld", c->in, rv,
			    (long long)ms, (long long)c->ms);
	}
	assert_int_equal(value_duration("99999999999999999999", &ms,
	    &why), -1);
	assert_string_equal(why, "too large");
}

struct size_case {
	const char	*in;
	uint64_t	 bytes;
	int		 ok;
};

static const struct size_case size_cases[] = {
	{ "0", 0, 1 },
	{ "4096", 4096, 1 },
	{ "100B", 100, 1 },
	{ "1K", 1024, 1 },
	{ "1k", 1024, 1 },
	{ "1KB", 1024, 1 },
	{ "1KiB", 1024, 1 },
	{ "256M", 256ULL << 20, 1 },
	{ "256MB", 256ULL << 20, 1 },
	{ "1G", 1ULL << 30, 1 },
	{ "2T", 2ULL << 40, 1 },
	{ "16777215T", 16777215ULL << 40, 1 },
	{ "16777216T", 0, 0 },
	{ "18446744073709551615", UINT64_MAX, 1 },
	{ "18446744073709551616", 0, 0 },
	{ "99999999999999999999999", 0, 0 },
	{ "", 0, 0 },
	{ "M", 0, 0 },
	{ "1Ki", 0, 0 },
	{ "1P", 0, 0 },
	{ "1.5G", 0, 0 },
	{ "-1", 0, 0 },
	{ "1 G", 0, 0 },
	{ "1GG", 0, 0 },
	{ "1iB", 0, 0 },
};

static void
test_size(void **state)
{
	const char	*why;
	uint64_t	 b;
	size_t		 i;

	(void)state;
	for (i = 0; i < N(size_cases); i++) {
		const struct size_case *c = &size_cases[i];
		int	 rv;

		b = 7;
		rv = value_size(c->in, &b, &why);
		if (!c->ok) {
			if (rv != -1)
				fail_msg("\"%s\": parsed as %llu", c->in,
				    (unsigned long long)b);
			assert_int_equal(b, 7);
		} else if (rv != 0 || b != c->bytes)
			fail_msg("\"%s\": rv %d bytes %llu", c->in, rv,
			    (unsigned long long)b);
	}
}

static void
test_bool(void **state)
{
	static const char *yes[] = { "yes", "YES", "true", "True", "on", "1" };
	static const char *no[] = { "no", "No", "false", "FALSE", "off", "0" };
	static const char *bad[] = { "", "y", "n", "2", "yes please", "nope",
	    "onn" };
	const char	*why;
	size_t		 i;
	int		 b;

	(void)state;
	for (i = 0; i < N(yes); i++) {
		b = 7;
		assert_int_equal(value_bool(yes[i], &b, &why), 0);
		assert_int_equal(b, 1);
	}
	for (i = 0; i < N(no); i++) {
		b = 7;
		assert_int_equal(value_bool(no[i], &b, &why), 0);
		assert_int_equal(b, 0);
	}
	for (i = 0; i < N(bad); i++) {
		b = 7;
		assert_int_equal(value_bool(bad[i], &b, &why), -1);
		assert_int_equal(b, 7);
	}
}

/*
 * value_number / value_port / value_days
 */

struct number_case {
	const char	*in;
	long long	 min, max, want;	/* want -1: must fail */
};

static const struct number_case number_cases[] = {
	{ "0", 0, 10, 0 },
	{ "10", 0, 10, 10 },
	{ "11", 0, 10, -1 },
	{ "007", 0, 10, 7 },
	{ "", 0, 10, -1 },
	{ "-1", -5, 10, -1 },		/* digits only, even where -1 fits */
	{ "+1", 0, 10, -1 },
	{ " 1", 0, 10, -1 },
	{ "1 ", 0, 10, -1 },
	{ "0x1", 0, 10, -1 },
	{ "9223372036854775807", 0, 9223372036854775807LL,
	    9223372036854775807LL },
	{ "9223372036854775808", 0, 9223372036854775807LL, -1 },
};

static void
test_number(void **state)
{
	size_t		 i;
	long long	 v;

	(void)state;
	for (i = 0; i < N(number_cases); i++) {
		const struct number_case *c = &number_cases[i];
		int	 rv;

		v = -7;
		rv = value_number(c->in, c->min, c->max, &v);
		if (c->want == -1 ? rv != -1 || v != -7 : rv != 0 ||
		    v != c->want)
			fail_msg("\"%s\" in [%lld, %lld]: rv %d v %lld", c->in,
			    c->min, c->max, rv, v);
	}
	assert_int_equal(value_port("1"), 1);
	assert_int_equal(value_port("65535"), 65535);
	assert_int_equal(value_port("0"), -1);
	assert_int_equal(value_port("65536"), -1);
	assert_int_equal(value_port("smtp"), -1);
}

static void
test_days(void **state)
{
	static const struct {
		const char	*in;
		int		 want;
	} cases[] = {
		{ "0", 0 }, { "21", 21 }, { "21d", 21 }, { "21D", 21 },
		{ "3650", 3650 }, { "3651", -1 }, { "d", -1 }, { "7days", -1 },
		{ "", -1 }, { "1.5", -1 }, { "-1", -1 }, { "1234567d", -1 },
	};
	size_t	 i;
	int	 d;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		d = -7;
		if (cases[i].want == -1) {
			if (value_days(cases[i].in, 3650, &d) != -1 || d != -7)
				fail_msg("\"%s\": accepted", cases[i].in);
		} else if (value_days(cases[i].in, 3650, &d) != 0 ||
		    d != cases[i].want)
			fail_msg("\"%s\": %d, want %d", cases[i].in, d,
			    cases[i].want);
	}
}

/*
 * value_name / value_addr
 */

struct name_case {
	const char	*in;
	const char	*want;		/* NULL: must fail */
};

static const struct name_case name_cases[] = {
	{ "example.com", "example.com" },
	{ "Example.COM.", "example.com" },
	{ "localhost", "localhost" },
	{ "_dmarc.x-y.example", "_dmarc.x-y.example" },
	{ "a1.b2", "a1.b2" },
	{ "1.2.3.x", "1.2.3.x" },
	{ "1.2.3.4", NULL },		/* an address, not a name */
	{ "1.2.3", NULL },
	{ "", NULL },
	{ ".", NULL },
	{ "a..b", NULL },
	{ ".a", NULL },
	{ "a.b..", NULL },
	{ "-a.example", NULL },
	{ "a-.example", NULL },
	{ "a b.example", NULL },
	{ "bad_name!.com", NULL },
	/* U-labels become A-labels (IDNA2008, UTS #46 mapping) */
	{ "caf\xc3\xa9.example", "xn--caf-dma.example" },
	{ "例子.test", "xn--fsqu00a.test" },
	{ "用户.例子.中国.", "xn--zouo53b.xn--fsqu00a.xn--fiqs8s" },
	{ "Bücher.Example", "xn--bcher-kva.example" },
	{ "ＥＸＡＭＰＬＥ。测试", "example.xn--0zwm56d" },	/* width, 。 */
	{ "faß.de", "xn--fa-hia.de" },		/* non-transitional */
	{ "_dmarc.例子.test", "_dmarc.xn--fsqu00a.test" },
	{ "xn--fsqu00a.TEST", "xn--fsqu00a.test" },	/* A-label checked */
	{ "xn--zz.test", NULL },		/* not Punycode */
	{ "-例子.test", NULL },
	{ "例子..test", NULL },
	{ "例 子.test", NULL },
	{ "caf\xe9.example", NULL },		/* Latin-1, not UTF-8 */
	{ "a\xe2\x80\xae" "b.例子", NULL },	/* RIGHT-TO-LEFT OVERRIDE */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
	    NULL },			/* a label of 64 */
};

static void
test_name(void **state)
{
	char	 out[VALUE_NAME_MAX + 1], big[300];
	size_t	 i;
	int	 rv;

	(void)state;
	for (i = 0; i < N(name_cases); i++) {
		rv = value_name(name_cases[i].in, out, NULL);
		if (name_cases[i].want == NULL ? rv != -1 : rv != 0 ||
		    strcmp(out, name_cases[i].want) != 0)
			fail_msg("\"%s\": rv %d", name_cases[i].in, rv);
	}
	/* 253 bytes of name, with or without the final dot; not 254 */
	memset(big, 'a', sizeof(big));
	for (i = 63; i < 253; i += 64)
		big[i] = '.';
	big[253] = '\0';
	assert_int_equal(value_name(big, out, NULL), 0);
	big[253] = '.';
	big[254] = '\0';
	assert_int_equal(value_name(big, out, NULL), 0);
	big[253] = 'a';
	assert_int_equal(value_name(big, out, NULL), -1);
}

/* Why a name is refused: libidn2's reason for IDNA, none for syntax. */
static void
test_name_why(void **state)
{
	char		 out[VALUE_NAME_MAX + 1];
	const char	*why = "x";

	(void)state;
	assert_int_equal(value_name("a..b", out, &why), -1);
	assert_null(why);
	assert_int_equal(value_name("xn--zz.test", out, &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why, "punycode"));
	assert_int_equal(value_name("-例子.test", out, &why), -1);
	assert_non_null(strstr(why, "hyphen"));
	assert_int_equal(value_name("例子..test", out, &why), -1);
	assert_string_equal(why, "an empty label");
	assert_int_equal(value_name("例子.123", out, &why), -1);
	assert_string_equal(why, "digits only in the last label");
	assert_int_equal(value_name("例子.test", out, &why), 0);
	assert_null(why);
}

static void
test_name_unicode(void **state)
{
	static const struct {
		const char	*in, *want;
		int		 rv;
	} cases[] = {
		{ "xn--fsqu00a.test", "例子.test", 1 },
		{ "mx.xn--zouo53b.xn--fsqu00a.xn--fiqs8s",
		    "mx.用户.例子.中国", 1 },
		{ "example.com", "example.com", 0 },
		{ "xn--zz.test", "xn--zz.test", 0 },	/* does not decode */
		{ "", "", 0 },
	};
	char	 out[VALUE_NAME_MAX * 4 + 1], small[8];
	size_t	 i;
	int	 rv;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		rv = value_name_unicode(cases[i].in, out, sizeof(out));
		if (rv != cases[i].rv || strcmp(out, cases[i].want) != 0)
			fail_msg("\"%s\": %d \"%s\"", cases[i].in, rv, out);
	}
	/* too small for the U-labels: a copy, cut */
	assert_int_equal(value_name_unicode("xn--fsqu00a.test", small,
	    sizeof(small)), 0);
	assert_string_equal(small, "xn--fsq");
}

static void
test_display(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "例子.test", "例子.test" },
		{ "a\r\nb", "a?b" },			/* a run is one '?' */
		{ "a\xe2\x80\xae" "b", "a?b" },		/* bidi override */
		{ "a\xc2\x85" "b", "a?b" },		/* C1 control NEL */
		{ "caf\xe9", "caf?" },			/* not UTF-8 */
		{ "\xc0\xafx", "?x" },			/* overlong '/' */
		{ "\xed\xa0\x80x", "?x" },		/* a surrogate */
	};
	char	 out[64], small[9];
	size_t	 i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		if (strcmp(value_display(out, sizeof(out), cases[i].in),
		    cases[i].want) != 0)
			fail_msg("\"%s\": \"%s\"", cases[i].in, out);
	/* cut on a character boundary, "..." added */
	assert_string_equal(value_display(small, sizeof(small),
	    "例子例子例子"), "例...");
	assert_string_equal(value_display(small, sizeof(small), "abcdefgh"),
	    "abcdefgh");
	assert_string_equal(value_display(small, sizeof(small), "abcdefghi"),
	    "abcde...");
	/* the cut right after what was written: nothing past it is read */
	memset(small, 0x80, sizeof(small));
	assert_string_equal(value_display(small, sizeof(small),
	    "abcde\xf0\x9f\x98\x80"), "abcde...");
}

static void
test_addr(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
		int		 family;
	} cases[] = {
		{ "192.0.2.1", "192.0.2.1", AF_INET },
		{ "2001:DB8:0:0::1", "2001:db8::1", AF_INET6 },
		{ "::ffff:192.0.2.1", "::ffff:192.0.2.1", AF_INET6 },
		{ "192.0.2", NULL, 0 },
		{ "[::1]", NULL, 0 },
		{ "192.0.2.1:25", NULL, 0 },
		{ "mx.example.com", NULL, 0 },
		{ "", NULL, 0 },
	};
	char	 out[VALUE_ADDR_STRLEN];
	size_t	 i;
	int	 fam, rv;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		fam = -1;
		rv = value_addr(cases[i].in, out, &fam);
		if (cases[i].want == NULL ? rv != -1 : rv != 0 ||
		    strcmp(out, cases[i].want) != 0 || fam != cases[i].family)
			fail_msg("\"%s\": rv %d", cases[i].in, rv);
	}
}

/*
 * value_mailbox / value_selector / value_printable
 */

static void
test_words(void **state)
{
	static const struct {
		const char	*in;
		int		 mailbox, selector, printable;
	} cases[] = {
		{ "postmaster@example.com", 1, 0, 1 },
		{ "a.b@example.com", 1, 0, 1 },
		{ "s2026", 1, 1, 1 },
		{ "", 1, 0, 1 },	/* the empty reverse-path is mail-from's */
		{ "a b", 0, 0, 0 },
		{ "a\tb", 0, 0, 0 },
		{ "<a@b>", 0, 1, 1 },
		{ "a/b", 1, 0, 1 },
		{ "a\\b", 1, 0, 1 },
		{ "caf\xc3\xa9", 0, 0, 0 },	/* UTF-8 needs @DOMAIN */
		{ "a\x7f", 0, 0, 0 },
	};
	char		 big[300], out[VALUE_MAILBOX_MAX + 1];
	const char	*why;
	size_t		 i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		if ((value_mailbox(cases[i].in, out, &why) == 0) !=
		    cases[i].mailbox ||
		    value_selector(cases[i].in) != cases[i].selector ||
		    value_printable(cases[i].in) != cases[i].printable)
			fail_msg("\"%s\"", cases[i].in);
	}
	memset(big, 'a', sizeof(big));
	big[VALUE_MAILBOX_MAX] = '\0';
	assert_int_equal(value_mailbox(big, out, &why), 0);
	big[VALUE_MAILBOX_MAX] = 'a';
	big[VALUE_MAILBOX_MAX + 1] = '\0';
	assert_int_equal(value_mailbox(big, out, &why), -1);
	big[VALUE_SELECTOR_MAX] = '\0';
	assert_true(value_selector(big));
	big[VALUE_SELECTOR_MAX] = 'a';
	big[VALUE_SELECTOR_MAX + 1] = '\0';
	assert_false(value_selector(big));
}

/* Internationalized addresses (RFC 6531): A-labels, UTF-8 local parts. */
static void
test_mailbox_idn(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;	/* NULL: refused */
		int		 utf8;	/* needs SMTPUTF8 */
	} cases[] = {
		{ "用户@例子.中国", "用户@xn--fsqu00a.xn--fiqs8s", 1 },
		{ "postmaster@例子.test", "postmaster@xn--fsqu00a.test", 0 },
		{ "user@Bücher.Example.", "user@xn--bcher-kva.example", 0 },
		{ "a@b@例子.test", "a@b@xn--fsqu00a.test", 0 },	/* last @ */
		{ "δοκιμή@xn--fsqu00a.test", "δοκιμή@xn--fsqu00a.test", 1 },
		{ "user@xn--fsqu00a.test", "user@xn--fsqu00a.test", 0 },
		{ "user@XN--fsqu00a.test", "user@XN--fsqu00a.test", 0 },
		{ "用户@[192.0.2.1]", "用户@[192.0.2.1]", 1 },
		{ "user@.xn--zz.test", NULL, 0 },
		{ "用户", NULL, 0 },			/* no domain */
		{ "@例子.test", NULL, 0 },
		{ "用户@例子..test", NULL, 0 },
		{ "用 户@例子.test", NULL, 0 },		/* ideographic space */
		{ "用户\xc2\xa0@例子.test", NULL, 0 },	/* no-break space */
		{ "a\xe2\x80\xae@例子.test", NULL, 0 },	/* bidi override */
		{ "caf\xe9@example.com", NULL, 0 },	/* not UTF-8 */
		{ "<用户@例子.test>", NULL, 0 },
		{ "用户@[例子]", NULL, 0 },
	};
	char		 out[VALUE_MAILBOX_MAX + 1], big[400];
	const char	*why;
	size_t		 i;
	int		 rv;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		rv = value_mailbox(cases[i].in, out, &why);
		if (cases[i].want == NULL ? rv != -1 : rv != 0 ||
		    strcmp(out, cases[i].want) != 0 ||
		    value_mailbox_utf8(out) != cases[i].utf8)
			fail_msg("\"%s\": rv %d \"%s\"", cases[i].in, rv,
			    rv == 0 ? out : "");
	}
	assert_int_equal(value_mailbox("用户", out, &why), -1);
	assert_non_null(why);
	assert_int_equal(value_mailbox("caf\xe9@x.test", out, &why), -1);
	assert_string_equal(why, "not valid UTF-8");

	/* At most VALUE_MAILBOX_MAX bytes once the domain is converted. */
	memset(big, 'a', sizeof(big));
	/* "@xn--fsqu00a.test" is 17 bytes, "@例子.test" 12 */
	strcpy(big + VALUE_MAILBOX_MAX - 17, "@例子.test");
	assert_int_equal(value_mailbox(big, out, &why), 0);
	assert_int_equal(strlen(out), VALUE_MAILBOX_MAX);
	strcpy(big + VALUE_MAILBOX_MAX - 16, "@例子.test");
	assert_int_equal(value_mailbox(big, out, &why), -1);
}

/* value_mailbox_domain: LOCAL@DOMAIN, a name or an address literal. */
static void
test_mailbox_domain(void **state)
{
	static const struct {
		const char	*in;
		int		 ok;
	} cases[] = {
		{ "postmaster@example.com", 1 },
		{ "a@b@example.com", 1 },	/* the last '@' ends the local part */
		{ "u@localhost", 1 },
		{ "u@[192.0.2.1]", 1 },
		{ "u@[IPv6:2001:db8::1]", 1 },
		{ "u@[ipv6:::1]", 1 },
		{ "postmaster", 0 },		/* a server's own user */
		{ "yes", 0 },
		{ "", 0 },
		{ "@example.com", 0 },
		{ "u@", 0 },
		{ "u@example.com.", 0 },
		{ "u@-x.example", 0 },
		{ "u@192.0.2.1", 0 },		/* an address is a literal */
		{ "u@[::1]", 0 },		/* IPv6 needs its tag */
		{ "u@[IPv6:192.0.2.1]", 0 },
		{ "u@[192.0.2]", 0 },
		{ "u@[192.0.2.1", 0 },
		{ "u@[]", 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		if (value_mailbox_domain(cases[i].in) != cases[i].ok)
			fail_msg("\"%s\": want %d", cases[i].in, cases[i].ok);
}

/* value_time: a duration ago, @SECONDS, ISO 8601; bare numbers refused. */
static void
test_time(void **state)
{
	static const struct {
		const char	*in;
		int64_t		 t;		/* -1: refused */
	} cases[] = {
		{ "@0", 0 },
		{ "@1764000000", 1764000000 },
		{ "1h", 1000000000 - 3600 },
		{ "90m", 1000000000 - 5400 },
		{ "7d", 1000000000 - 7 * 86400 },
		{ "1.5s", 1000000000 - 1 },
		{ "2026-12-06T10:00:00Z", 1796551200 },
		{ "2026-12-06t10:00:00z", 1796551200 },
		{ "2026-12-06 10:00:00Z", 1796551200 },
		{ "2026-12-06T10:00Z", 1796551200 },
		{ "2026-12-06T11:00:00+01:00", 1796551200 },
		{ "2026-12-06T11:00:00+0100", 1796551200 },
		{ "2026-12-06T08:30:00-01:30", 1796551200 },
		{ "2024-02-29T00:00:00Z", 1709164800 },
		{ "1764000000", -1 },	/* seconds ago or since the epoch? */
		{ "0", -1 },
		{ "", -1 },
		{ "@", -1 },
		{ "@-1", -1 },
		{ "@1e9", -1 },
		{ "soon", -1 },
		{ "-1h", -1 },
		{ "1 h", -1 },
		{ "2026-13-01", -1 },
		{ "2026-02-29", -1 },
		{ "2026-02-30T00:00Z", -1 },
		{ "2026-12-06T24:00Z", -1 },
		{ "2026-12-06T10:60Z", -1 },
		{ "2026-12-06T10", -1 },
		{ "2026-12-06T10:00:00+25:00", -1 },
		{ "2026-12-06T10:00:00 UTC", -1 },
		{ "2026-12-6", -1 },
		{ "1969-12-31", -1 },
		{ "99999999999999999999d", -1 },
	};
	const char	*why;
	int64_t		 t;
	size_t		 i;
	int		 rv;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		why = NULL;
		t = -7;
		rv = value_time(cases[i].in, 1000000000, &t, &why);
		if (cases[i].t == -1) {
			if (rv != -1 || why == NULL)
				fail_msg("\"%s\": taken as %lld", cases[i].in,
				    (long long)t);
		} else if (rv != 0 || t != cases[i].t)
			fail_msg("\"%s\": %d, %lld, want %lld (%s)",
			    cases[i].in, rv, (long long)t,
			    (long long)cases[i].t, why ? why : "");
	}
	/* without a zone: local time, as mktime has it */
	assert_int_equal(setenv("TZ", "UTC+2", 1), 0);
	tzset();
	assert_int_equal(value_time("2026-12-06T08:00", 0, &t, &why), 0);
	assert_int_equal(t, 1796551200);
	assert_int_equal(value_time("2026-12-06", 0, &t, &why), 0);
	assert_int_equal(t, 1796522400);	/* 02:00Z: POSIX UTC+2 is behind */
	unsetenv("TZ");
	tzset();
}

/* A duration written back reads as the same duration. */
static void
test_duration_str(void **state)
{
	static const struct {
		int64_t		 ms;
		const char	*want;
	} cases[] = {
		{ 0, "0ms" }, { 1, "1ms" }, { 1500, "1500ms" }, { 1000, "1s" },
		{ 90000, "90s" }, { 300000, "5m" }, { 3600000, "1h" },
		{ 86400000, "1d" }, { 30LL * 86400000, "30d" },
		{ 14LL * 86400000, "14d" },
	};
	char	 b[32];
	size_t	 i;
	int64_t	 ms;
	const char *why;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		assert_string_equal(value_duration_str(cases[i].ms, b,
		    sizeof(b)), cases[i].want);
		assert_int_equal(value_duration(b, &ms, &why), 0);
		assert_int_equal(ms, cases[i].ms);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_name_why),
		cmocka_unit_test(test_name_unicode),
		cmocka_unit_test(test_display),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_mailbox_idn),
		cmocka_unit_test(test_mailbox_domain),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_duration_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
