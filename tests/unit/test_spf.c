/*
 * test_spf.c - unit tests of lib/spf.c: the record parser (good and bad
 * records, the parts of each term), macro expansion, record selection,
 * check_host() against a small table DNS driven through SPF_NEED_DNS
 * rounds, and the audit's findings. Tables first, one test per table.
 * The RFC 7208 conformance suite runs separately (tests/scenario/
 * spf-suite.sh).
 */
#include <arpa/inet.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "finding.h"
#include "spf.h"
#include "want_findings.h"

/* A byte string with its length, so tables can hold NUL bytes. */
struct bytes {
	const char	*s;
	size_t		 len;
};
#define B(lit)	{ (lit), sizeof(lit) - 1 }

/* --- parser ------------------------------------------------------------ */

struct parse_case {
	struct bytes	 rec;
	int		 nterms;	/* -1: must not parse */
	const char	*why;		/* substring of the cause */
};

static const struct parse_case parse_cases[] = {
	{ B("v=spf1"), 0, NULL },
	{ B("v=spf1 "), 0, NULL },
	{ B("V=SpF1 -ALL"), 1, NULL },
	{ B("v=spf1  a   mx  "), 2, NULL },
	{ B("v=spf1 a mx ptr -all"), 4, NULL },
	{ B("v=spf1 a:%{d} mx:%{d2}.example.com"), 2, NULL },
	{ B("v=spf1 a:foo.example.com/24//64 mx//0 a/0"), 3, NULL },
	{ B("v=spf1 ip4:10.0.0.0/8 ip6:2001:db8::/32 ip6:::ffff:1.2.3.4"), 3,
	    NULL },
	{ B("v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d}"), 1, NULL },
	{ B("v=spf1 include:_spf.example.com ~all"), 2, NULL },
	{ B("v=spf1 redirect=_spf.example.com"), 1, NULL },
	{ B("v=spf1 exp=explain._spf.%{d} -all"), 2, NULL },
	{ B("v=spf1 foo=bar x.y-z_w=%%%_%-"), 2, NULL },
	{ B("v=spf1 moo.cow-far_out=man:dog/cat"), 1, NULL },
	{ B("v=spf1 include=foo.example.com"), 1, NULL },
	{ B("v=spf1 a:foo:bar/baz.example.com"), 1, NULL },
	{ B("v=spf1 a:example.xn--zckzah a:x.example.com."), 2, NULL },
	{ B("v=spf1 a:x.example.com%%"), 1, NULL },

	{ B("v=spf"), -1, "no \"v=spf1\"" },
	{ B("v=spf10"), -1, "no \"v=spf1\"" },
	{ B("spf1 -all"), -1, "no \"v=spf1\"" },
	{ B("v=spf1 -all."), -1, "term \"-all.\": unknown mechanism" },
	{ B("v=spf1 all:x"), -1, "all takes no argument" },
	{ B("v=spf1 -all/8"), -1, "all takes no argument" },
	{ B("v=spf1 a:"), -1, "term \"a:\": empty domain-spec" },
	{ B("v=spf1 ip4:1.2.3.4/33"), -1, "bad CIDR length" },
	{ B("v=spf1 ip4:1.2.3.4/08"), -1, "bad CIDR length" },
	{ B("v=spf1 ip4:1.2.3.4//32"), -1, "bad CIDR length" },
	{ B("v=spf1 ip4:01.2.3.4"), -1, "bad IPv4 network" },
	{ B("v=spf1 ip4:1.2.3"), -1, "bad IPv4 network" },
	{ B("v=spf1 ip4:1.2.3.256"), -1, "bad IPv4 network" },
	{ B("v=spf1 ip4:1.2.3.4:25"), -1, "bad IPv4 network" },
	{ B("v=spf1 ip4"), -1, "':' and a network required" },
	{ B("v=spf1 ip6:::1/129"), -1, "bad CIDR length" },
	{ B("v=spf1 ip6:1::2::3"), -1, "bad IPv6 network" },
	{ B("v=spf1 ip6:1.2.3.4"), -1, "bad IPv6 network" },
	{ B("v=spf1 a/24/64"), -1, "bad CIDR length" },
	{ B("v=spf1 a//"), -1, "bad CIDR length" },
	{ B("v=spf1 a/"), -1, "bad CIDR length" },
	{ B("v=spf1 mx:foo"), -1, "top label" },
	{ B("v=spf1 a:foo.123"), -1, "term \"a:foo.123\"" },
	{ B("v=spf1 a:foo.-com"), -1, "top label" },
	{ B("v=spf1 a:foo.com-"), -1, "top label" },
	{ B("v=spf1 a:museum."), -1, "top label" },
	{ B("v=spf1 a:%{d}."), -1, "top label" },
	{ B("v=spf1 a:foo.example.com/24/64"), -1, "top label" },
	{ B("v=spf1 include"), -1, "':' and a domain-spec required" },
	{ B("v=spf1 include:x.example.com/24"), -1, "top label" },
	{ B("v=spf1 exists:foo.com/24"), -1, "top label" },
	{ B("v=spf1 ptr/24"), -1, "ptr takes only" },
	{ B("v=spf1 +redirect=x.example.com"), -1, "no qualifier" },
	{ B("v=spf1 redirect:x.example.com"), -1, "unknown mechanism" },
	{ B("v=spf1 redirect=a.example.com redirect=b.example.com"), -1,
	    "redirect= appears more than once" },
	{ B("v=spf1 exp=a.example.com exp=b.example.com"), -1,
	    "exp= appears more than once" },
	{ B("v=spf1 exp="), -1, "empty domain-spec" },
	{ B("v=spf1 1x=y"), -1, "starts with a letter" },
	{ B("v=spf1 =y"), -1, "starts with a letter" },
	{ B("v=spf1 foo=%x"), -1, "'%' not followed" },
	{ B("v=spf1 a:%{z}.com"), -1, "unknown macro letter" },
	{ B("v=spf1 a:%{d0}.com"), -1, "zero parts" },
	{ B("v=spf1 a:%{c}.com"), -1, "only for exp= text" },
	{ B("v=spf1 exp=%{t}.example.com"), -1, "only for exp= text" },
	{ B("v=spf1 e=%{c}x"), -1, "only for exp= text" },
	{ B("v=spf1 a:%(d).com"), -1, "'%' not followed" },
	{ B("v=spf1 a:%{d"), -1, "bad macro" },
	{ B("v=spf1 a:%{d}x.com%"), -1, "'%' at the end" },
	{ B("v=spf1 a:%{d*}.com"), -1, "bad macro" },
	{ B("v=spf1 a\tmx"), -1, "term \"a\\x09mx\": byte outside" },
	{ B("v=spf1 a:foo.com\0"), -1, "byte outside printable ASCII" },
	{ B("v=spf1 a:\xc3\xa9.com"), -1, "byte outside printable ASCII" },
};

static void
test_parse(void **state)
{
	const struct parse_case	*c;
	struct spf_record	*rec;
	char			*cause;
	size_t			 i;
	int			 r;

	(void)state;
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		c = &parse_cases[i];
		r = spf_parse(c->rec.s, c->rec.len, &rec, &cause);
		if (c->nterms >= 0 && c->why == NULL) {
			if (r != 0)
				print_error("case %zu: %s\n", i, cause);
			assert_int_equal(r, 0);
			assert_int_equal(rec->nterms, c->nterms);
			spf_record_free(rec);
			continue;
		}
		if (r == 0) {
			print_error("case %zu parsed\n", i);
			fail();
		}
		assert_non_null(cause);
		if (strstr(cause, c->why) == NULL) {
			print_error("case %zu: cause \"%s\", want \"%s\"\n", i,
			    cause, c->why);
			fail();
		}
		free(cause);
	}
}

static void
test_parse_terms(void **state)
{
	static const char	 rec_s[] = "v=spf1 -a:foo.example.com/24//64 "
	    "~mx ?ptr:x.example.org +ip4:10.1.2.3/8 ip6:2001:DB8::/32 "
	    "exists:%{i}.x.example.org include:y.example.org "
	    "redirect=z.example.org exp=e.%{d} u=v -all";
	struct spf_record	*rec;
	const struct spf_term	*t;
	uint8_t			 a6[16];

	(void)state;
	assert_int_equal(spf_parse(rec_s, strlen(rec_s), &rec, NULL), 0);
	assert_int_equal(rec->nterms, 11);
	t = rec->terms;
	assert_int_equal(t[0].type, SPF_TERM_A);
	assert_int_equal(t[0].qualifier, '-');
	assert_int_equal(t[0].spec_len, strlen("foo.example.com"));
	assert_memory_equal(t[0].spec, "foo.example.com", t[0].spec_len);
	assert_int_equal(t[0].cidr4, 24);
	assert_int_equal(t[0].cidr6, 64);
	assert_int_equal(t[0].text_len, strlen("-a:foo.example.com/24//64"));
	assert_int_equal(t[1].type, SPF_TERM_MX);
	assert_int_equal(t[1].qualifier, '~');
	assert_null(t[1].spec);
	assert_int_equal(t[1].cidr4, 32);
	assert_int_equal(t[1].cidr6, 128);
	assert_int_equal(t[2].type, SPF_TERM_PTR);
	assert_int_equal(t[2].qualifier, '?');
	assert_int_equal(t[3].type, SPF_TERM_IP4);
	assert_int_equal(t[3].qualifier, '+');
	assert_memory_equal(t[3].addr, "\x0a\x01\x02\x03", 4);
	assert_int_equal(t[3].cidr4, 8);
	assert_int_equal(t[4].type, SPF_TERM_IP6);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::", a6), 1);
	assert_memory_equal(t[4].addr, a6, 16);
	assert_int_equal(t[4].cidr6, 32);
	assert_int_equal(t[5].type, SPF_TERM_EXISTS);
	assert_int_equal(t[6].type, SPF_TERM_INCLUDE);
	assert_int_equal(t[7].type, SPF_TERM_REDIRECT);
	assert_int_equal(t[8].type, SPF_TERM_EXP);
	assert_int_equal(t[9].type, SPF_TERM_MODIFIER);
	assert_int_equal(t[9].name_len, 1);
	assert_memory_equal(t[9].spec, "v", 1);
	assert_int_equal(t[10].type, SPF_TERM_ALL);
	assert_int_equal(rec->redirect, 7);
	assert_int_equal(rec->exp, 8);
	assert_true(rec->has_all);
	assert_true(rec->has_ptr);
	/* a mx ptr exists include; redirect does not count beside "all" */
	assert_int_equal(rec->lookups, 5);
	assert_string_equal(rec->text, rec_s);
	spf_record_free(rec);
}

static void
test_parse_bounds(void **state)
{
	char			*big, *cause;
	struct spf_record	*rec;
	size_t			 n, i;

	(void)state;
	big = malloc(SPF_RECORD_MAX + 2);
	assert_non_null(big);
	memcpy(big, "v=spf1", 6);
	memset(big + 6, ' ', SPF_RECORD_MAX + 2 - 6);
	big[SPF_RECORD_MAX - 1] = 'a';
	assert_int_equal(spf_parse(big, SPF_RECORD_MAX, &rec, &cause), 0);
	assert_int_equal(rec->nterms, 1);
	spf_record_free(rec);
	big[SPF_RECORD_MAX] = 'a';
	assert_int_equal(spf_parse(big, SPF_RECORD_MAX + 1, &rec, &cause), -1);
	assert_non_null(strstr(cause, "longer than"));
	free(cause);
	/* one term over the limit */
	n = 6;
	for (i = 0; i < SPF_TERMS_MAX + 1; i++) {
		big[n++] = ' ';
		big[n++] = 'a';
	}
	assert_int_equal(spf_parse(big, n, &rec, &cause), -1);
	assert_non_null(strstr(cause, "terms"));
	free(cause);
	assert_int_equal(spf_parse(big, n - 2, &rec, &cause), 0);
	assert_int_equal(rec->nterms, SPF_TERMS_MAX);
	spf_record_free(rec);
	free(big);
	assert_true(spf_is_record("v=spf1", 6));
	assert_true(spf_is_record("v=spf1 -all", 11));
	assert_false(spf_is_record("v=spf1-all", 10));
	assert_false(spf_is_record("v=spf", 5));
}

/* --- macros ------------------------------------------------------------ */

struct macro_case {
	const char	*ip;
	const char	*sender;
	const char	*ms;
	int		 explain;
	const char	*want;		/* NULL: must fail */
};

#define RFC_SENDER	"strong-bad@email.example.com"

static const struct macro_case macro_cases[] = {
	/* RFC 7208 7.4 */
	{ "192.0.2.3", RFC_SENDER, "%{s}", 0, RFC_SENDER },
	{ "192.0.2.3", RFC_SENDER, "%{o}", 0, "email.example.com" },
	{ "192.0.2.3", RFC_SENDER, "%{d}", 0, "email.example.com" },
	{ "192.0.2.3", RFC_SENDER, "%{d4}", 0, "email.example.com" },
	{ "192.0.2.3", RFC_SENDER, "%{d3}", 0, "email.example.com" },
	{ "192.0.2.3", RFC_SENDER, "%{d2}", 0, "example.com" },
	{ "192.0.2.3", RFC_SENDER, "%{d1}", 0, "com" },
	{ "192.0.2.3", RFC_SENDER, "%{dr}", 0, "com.example.email" },
	{ "192.0.2.3", RFC_SENDER, "%{d2r}", 0, "example.email" },
	{ "192.0.2.3", RFC_SENDER, "%{l}", 0, "strong-bad" },
	{ "192.0.2.3", RFC_SENDER, "%{l-}", 0, "strong.bad" },
	{ "192.0.2.3", RFC_SENDER, "%{lr}", 0, "strong-bad" },
	{ "192.0.2.3", RFC_SENDER, "%{lr-}", 0, "bad.strong" },
	{ "192.0.2.3", RFC_SENDER, "%{l1r-}", 0, "strong" },
	{ "192.0.2.3", RFC_SENDER, "%{ir}.%{v}._spf.%{d2}", 0,
	    "3.2.0.192.in-addr._spf.example.com" },
	{ "192.0.2.3", RFC_SENDER, "%{lr-}.lp._spf.%{d2}", 0,
	    "bad.strong.lp._spf.example.com" },
	{ "192.0.2.3", RFC_SENDER, "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", 0,
	    "bad.strong.lp.3.2.0.192.in-addr._spf.example.com" },
	{ "192.0.2.3", RFC_SENDER, "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", 0,
	    "3.2.0.192.in-addr.strong.lp._spf.example.com" },
	{ "192.0.2.3", RFC_SENDER, "%{d2}.trusted-domains.example.net", 0,
	    "example.com.trusted-domains.example.net" },
	{ "2001:db8::cb01", RFC_SENDER, "%{ir}.%{v}._spf.%{d2}", 0,
	    "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2"
	    ".ip6._spf.example.com" },
	/* escapes, upper case, delimiters, bounds of the part count */
	{ "192.0.2.3", RFC_SENDER, "a%%b%_c%-d", 0, "a%b c%20d" },
	{ "192.0.2.3", "a b&c=d~e@x.example", "%{L}", 0, "a%20b%26c%3Dd~e" },
	{ "192.0.2.3", "a+b-c.d@x.example", "%{l+-.}", 0, "a.b.c.d" },
	{ "192.0.2.3", "a+b-c.d@x.example", "%{l2r+-}", 0, "b.a" },
	{ "192.0.2.3", RFC_SENDER, "%{d99}", 0, "email.example.com" },
	{ "192.0.2.3", RFC_SENDER, "%{d001}", 0, "com" },
	{ "192.0.2.3", RFC_SENDER, "%{D}", 0, "email.example.com" },
	{ "192.0.2.3", "a..b@x.example", "%{lr}", 0, "b..a" },
	{ "192.0.2.3", "@x.example", "%{l}@%{o}", 0, "postmaster@x.example" },
	{ "192.0.2.3", "", "%{s}", 0, "postmaster@helo.example" },
	{ "192.0.2.3", RFC_SENDER, "%{h}", 0, "helo.example" },
	{ "::ffff:192.0.2.3", RFC_SENDER, "%{i} %{v}", 1, "192.0.2.3 in-addr" },
	{ "2001:db8::1", RFC_SENDER, "%{c}", 1, "2001:db8::1" },
	{ "192.0.2.3", RFC_SENDER, "%{r} %{t}", 1, "unknown 1400000000" },
	{ "192.0.2.3", RFC_SENDER, "%{p}", 0, "mx.example.com" },
	/* errors */
	{ "192.0.2.3", RFC_SENDER, "%{c}", 0, NULL },
	{ "192.0.2.3", RFC_SENDER, "a b", 0, NULL },
	{ "192.0.2.3", RFC_SENDER, "%{d0}", 0, NULL },
	{ "192.0.2.3", RFC_SENDER, "%{x}", 1, NULL },
	{ "192.0.2.3", RFC_SENDER, "%{d", 0, NULL },
	{ "192.0.2.3", RFC_SENDER, "%", 0, NULL },
	{ "192.0.2.3", RFC_SENDER, "%a", 0, NULL },
	{ "192.0.2.3", RFC_SENDER, "\x7f", 1, NULL },
	{ "not-an-ip", RFC_SENDER, "x", 0, NULL },
};

static void
test_macro(void **state)
{
	const struct macro_case	*c;
	struct spf_request	 req;
	char			 out[SPF_EXPAND_MAX + 1], *cause;
	size_t			 i;
	int			 r;

	(void)state;
	for (i = 0; i < sizeof(macro_cases) / sizeof(macro_cases[0]); i++) {
		c = &macro_cases[i];
		memset(&req, 0, sizeof(req));
		req.ip = c->ip;
		req.sender = c->sender;
		req.helo = "helo.example";
		req.now = 1400000000;
		r = spf_macro_expand(&req, NULL, "mx.example.com", c->ms,
		    strlen(c->ms), c->explain, out, sizeof(out), &cause);
		if (c->want == NULL) {
			if (r >= 0) {
				print_error("case %zu: \"%s\" expanded to "
				    "\"%s\"\n", i, c->ms, out);
				fail();
			}
			assert_non_null(cause);
			free(cause);
			continue;
		}
		if (r < 0) {
			print_error("case %zu: \"%s\": %s\n", i, c->ms, cause);
			fail();
		}
		if (strcmp(out, c->want) != 0) {
			print_error("case %zu: \"%s\" gave \"%s\", want "
			    "\"%s\"\n", i, c->ms, out, c->want);
			fail();
		}
		assert_int_equal((size_t)r, strlen(out));
	}
}

static void
test_macro_overflow(void **state)
{
	struct spf_request	 req;
	char			 out[32], *cause;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.ip = "192.0.2.3";
	req.sender = RFC_SENDER;
	assert_int_equal(spf_macro_expand(&req, NULL, NULL, "%{s}", 4, 0, out,
	    16, &cause), -1);
	assert_string_equal(cause, "expansion too long");
	free(cause);
	assert_int_equal(spf_macro_expand(&req, NULL, NULL, "%{d}", 4, 0, out,
	    18, &cause), 17);
	assert_string_equal(out, "email.example.com");
}

/* --- record selection -------------------------------------------------- */

static void
test_select(void **state)
{
	struct spf_rr		 rr[4];
	struct spf_answer	 ans = { rr, 0 };
	char			 out[64];
	size_t			 len;

	(void)state;
	memset(rr, 0, sizeof(rr));
	rr[0].txt = (const uint8_t *)"\x06v=spf1\x03 mx";
	rr[0].txt_len = 11;
	rr[1].txt = (const uint8_t *)"\x0bgoogle-site";
	rr[1].txt_len = 12;
	ans.n = 2;
	assert_int_equal(spf_select(&ans, out, sizeof(out), &len),
	    SPF_SELECT_ONE);
	assert_string_equal(out, "v=spf1 mx");
	assert_int_equal(len, 9);
	/* strings joined without a space: "v=spf1" "mx" is not a record */
	rr[0].txt = (const uint8_t *)"\x06v=spf1\x02mx";
	rr[0].txt_len = 10;
	assert_int_equal(spf_select(&ans, out, sizeof(out), &len),
	    SPF_SELECT_NONE);
	/* split inside the version */
	rr[0].txt = (const uint8_t *)"\x03v=s\x07pf1 -al\x01l";
	rr[0].txt_len = 14;
	assert_int_equal(spf_select(&ans, out, sizeof(out), &len),
	    SPF_SELECT_ONE);
	assert_string_equal(out, "v=spf1 -all");
	assert_int_equal(spf_select(&ans, out, 11, &len),
	    SPF_SELECT_TOO_LONG);
	/* two records, whatever their case */
	rr[2].txt = (const uint8_t *)"\x0bV=SPF1 +all";
	rr[2].txt_len = 12;
	ans.n = 3;
	assert_int_equal(spf_select(&ans, out, sizeof(out), &len),
	    SPF_SELECT_MULTIPLE);
	/* malformed RDATA is no record; an empty one neither */
	rr[2].txt_len = 5;
	assert_int_equal(spf_select(&ans, out, sizeof(out), &len),
	    SPF_SELECT_ONE);
	rr[2].txt = NULL;
	rr[2].txt_len = 0;
	assert_int_equal(spf_select(&ans, out, sizeof(out), &len),
	    SPF_SELECT_ONE);
}

/* --- a table DNS ------------------------------------------------------- */

#define ZERR	0	/* every query for the name fails (SERVFAIL) */

/* One record: A/AAAA address, MX/PTR target, TXT with '|' between strings. */
struct zrow {
	const char	*name;
	int		 type;
	const char	*data;
};

struct tview {
	const struct zrow *zone;
	int		 async;		/* NOT_YET until fetched */
	struct spf_query fetched[256];
	size_t		 nfetched;
	struct spf_rr	 pool[512];	/* answers of the current check */
	size_t		 npool;
	uint8_t		 txt[16384];
	size_t		 ntxt;
	int		 calls;
};

static int
ieq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return 0;
	return *a == *b;
}

static void
zrow_rr(struct tview *v, const struct zrow *z, struct spf_rr *rr)
{
	const char	*s, *bar;
	size_t		 n;

	memset(rr, 0, sizeof(*rr));
	switch (z->type) {
	case SPF_RR_A:
		assert_int_equal(inet_pton(AF_INET, z->data, rr->addr), 1);
		break;
	case SPF_RR_AAAA:
		assert_int_equal(inet_pton(AF_INET6, z->data, rr->addr), 1);
		break;
	case SPF_RR_MX:
	case SPF_RR_PTR:
		rr->name = z->data;
		break;
	case SPF_RR_TXT:
		rr->txt = v->txt + v->ntxt;
		for (s = z->data;; s = bar + 1) {
			bar = strchr(s, '|');
			n = bar != NULL ? (size_t)(bar - s) : strlen(s);
			assert_true(n < 256 && v->ntxt + n + 1 <= sizeof(v->txt));
			v->txt[v->ntxt++] = (uint8_t)n;
			memcpy(v->txt + v->ntxt, s, n);
			v->ntxt += n;
			if (bar == NULL)
				break;
		}
		rr->txt_len = (size_t)(v->txt + v->ntxt - rr->txt);
		break;
	}
}

static enum spf_dns
tview_lookup(void *arg, const char *name, enum spf_rrtype type,
    struct spf_answer *ans)
{
	struct tview		*v = arg;
	const struct zrow	*z;
	size_t			 i, start = v->npool;
	int			 found = 0;

	v->calls++;
	if (v->async) {
		for (i = 0; i < v->nfetched; i++)
			if (v->fetched[i].type == type &&
			    ieq(v->fetched[i].name, name))
				break;
		if (i == v->nfetched)
			return SPF_DNS_NOT_YET;
	}
	for (z = v->zone; z->name != NULL; z++) {
		if (!ieq(z->name, name))
			continue;
		found = 1;
		if (z->type == ZERR)
			return SPF_DNS_ERROR;
		if (z->type != (int)type)
			continue;
		assert_true(v->npool < sizeof(v->pool) / sizeof(v->pool[0]));
		zrow_rr(v, z, &v->pool[v->npool++]);
	}
	if (!found)
		return SPF_DNS_NXDOMAIN;
	if (v->npool == start)
		return SPF_DNS_NODATA;
	ans->rr = v->pool + start;
	ans->n = v->npool - start;
	return SPF_DNS_ANSWER;
}

static void
tview_fetch(struct tview *v, const struct spf_needs *need)
{
	size_t	 i;

	for (i = 0; i < need->n; i++) {
		assert_true(v->nfetched < sizeof(v->fetched) /
		    sizeof(v->fetched[0]));
		v->fetched[v->nfetched++] = need->q[i];
	}
}

/*
 * check_host() the daemon's way (rounds of SPF_NEED_DNS) and at once; the
 * two must agree. Returns the rounds taken.
 */
static int
check(const struct zrow *zone, struct spf_request *req,
    struct spf_outcome *o)
{
	struct tview		*v;
	struct spf_dns_view	 view;
	struct spf_outcome	*d;
	enum spf_status		 st;
	int			 rounds;

	v = calloc(1, sizeof(*v));
	d = calloc(1, sizeof(*d));
	assert_non_null(v);
	assert_non_null(d);
	v->zone = zone;
	v->async = 1;
	view.lookup = tview_lookup;
	view.arg = v;
	for (rounds = 1; rounds < 100; rounds++) {
		v->npool = v->ntxt = 0;
		if ((st = spf_check(req, &view, o)) != SPF_NEED_DNS)
			break;
		assert_true(o->need.n > 0);
		tview_fetch(v, &o->need);
	}
	assert_int_equal(st, SPF_DONE);
	v->async = 0;
	v->npool = v->ntxt = 0;
	assert_int_equal(spf_check(req, &view, d), SPF_DONE);
	assert_int_equal(d->result, o->result);
	assert_string_equal(d->mechanism, o->mechanism);
	assert_string_equal(d->explanation, o->explanation);
	assert_string_equal(d->cause, o->cause);
	free(d);
	free(v);
	return rounds;
}

/* --- check_host() ------------------------------------------------------ */

static const struct zrow zone1[] = {
	{ "example.com", SPF_RR_TXT, "v=spf1 ip4:192.0.2.0/24 "
	    "include:_spf.example.com ~all exp=why.example.com" },
	{ "example.com", SPF_RR_TXT, "google-site-verification=x" },
	{ "example.com", SPF_RR_A, "198.51.100.1" },
	{ "example.com", SPF_RR_MX, "mx1.example.com." },
	{ "example.com", SPF_RR_MX, "mx2.example.com" },
	{ "example.com", SPF_RR_MX, "mx3.example.com" },
	{ "why.example.com", SPF_RR_TXT, "%{i} is not one of %{d}'s|"
	    " senders" },
	{ "_spf.example.com", SPF_RR_TXT, "v=spf1 mx:%{d2}/28 a:%{d2} ?all" },
	{ "mx1.example.com", SPF_RR_A, "203.0.113.1" },
	{ "mx2.example.com", SPF_RR_A, "203.0.113.17" },
	{ "mx3.example.com", SPF_RR_AAAA, "2001:db8:5::1" },
	{ "strict.example", SPF_RR_TXT, "v=spf1 a -all exp=why.example.com" },
	{ "strict.example", SPF_RR_A, "198.51.100.2" },
	{ "redir.example", SPF_RR_TXT, "v=spf1 redirect=strict.example" },
	{ "redir-none.example", SPF_RR_TXT, "v=spf1 redirect=nx.example" },
	{ "inc-none.example", SPF_RR_TXT, "v=spf1 include:nx.example -all" },
	{ "inc-err.example", SPF_RR_TXT, "v=spf1 include:err.example -all" },
	{ "a-err.example", SPF_RR_TXT, "v=spf1 a:err.example -all" },
	{ "err.example", ZERR, NULL },
	{ "two.example", SPF_RR_TXT, "v=spf1 -all" },
	{ "two.example", SPF_RR_TXT, "v=spf1 +all" },
	{ "bad.example", SPF_RR_TXT, "v=spf1 a:foo.123 -all" },
	{ "ten.example", SPF_RR_TXT, "v=spf1 a a a a a a a a a a ip4:192.0.2.9"
	    " -all" },
	{ "ten.example", SPF_RR_A, "198.51.100.3" },
	{ "eleven.example", SPF_RR_TXT, "v=spf1 a a a a a a a a a a a "
	    "ip4:192.0.2.9 -all" },
	{ "eleven.example", SPF_RR_A, "198.51.100.3" },
	{ "void.example", SPF_RR_TXT, "v=spf1 a:nx1.example mx:nx2.example "
	    "exists:nx3.example -all" },
	{ "void2.example", SPF_RR_TXT, "v=spf1 a:nx1.example mx:nx2.example "
	    "-all" },
	{ "mx11.example", SPF_RR_TXT, "v=spf1 mx -all" },
	{ "mx11.example", SPF_RR_MX, "a.mx11.example" },
	{ "mx11.example", SPF_RR_MX, "b.mx11.example" },
	{ "mx11.example", SPF_RR_MX, "c.mx11.example" },
	{ "mx11.example", SPF_RR_MX, "d.mx11.example" },
	{ "mx11.example", SPF_RR_MX, "e.mx11.example" },
	{ "mx11.example", SPF_RR_MX, "f.mx11.example" },
	{ "mx11.example", SPF_RR_MX, "g.mx11.example" },
	{ "mx11.example", SPF_RR_MX, "h.mx11.example" },
	{ "mx11.example", SPF_RR_MX, "i.mx11.example" },
	{ "mx11.example", SPF_RR_MX, "j.mx11.example" },
	{ "mx11.example", SPF_RR_MX, "k.mx11.example" },
	{ "nullmx.example", SPF_RR_TXT, "v=spf1 mx ?all" },
	{ "nullmx.example", SPF_RR_MX, "." },
	{ "ptr.example", SPF_RR_TXT, "v=spf1 ptr -all" },
	{ "9.2.0.192.in-addr.arpa", SPF_RR_PTR, "other.example" },
	{ "9.2.0.192.in-addr.arpa", SPF_RR_PTR, "host.ptr.example" },
	{ "host.ptr.example", SPF_RR_A, "192.0.2.9" },
	{ "helo.example", SPF_RR_TXT, "v=spf1 a -all" },
	{ "helo.example", SPF_RR_A, "192.0.2.9" },
	{ NULL, 0, NULL },
};

struct check_case {
	const char	*ip;
	const char	*sender;
	enum spf_result	 result;
	const char	*mechanism;
	enum spf_error	 error;
	const char	*text;		/* substring of cause or explanation */
	int		 rounds;	/* 0: not checked */
};

static const struct check_case check_cases[] = {
	{ "192.0.2.77", "a@example.com", SPF_RESULT_PASS,
	    "ip4:192.0.2.0/24", SPF_ERR_NONE, NULL, 2 },
	/* mx/28 of the include: the three MX hosts are asked in one round */
	{ "203.0.113.30", "a@example.com", SPF_RESULT_PASS,
	    "include:_spf.example.com", SPF_ERR_NONE, NULL, 5 },
	{ "::ffff:203.0.113.1", "a@example.com", SPF_RESULT_PASS,
	    "include:_spf.example.com", SPF_ERR_NONE, NULL, 0 },
	{ "2001:db8:5::1", "a@EXAMPLE.com", SPF_RESULT_PASS,
	    "include:_spf.example.com", SPF_ERR_NONE, NULL, 0 },
	{ "198.51.100.1", "a@example.com", SPF_RESULT_PASS,
	    "include:_spf.example.com", SPF_ERR_NONE, NULL, 0 },
	{ "198.51.100.9", "a@example.com", SPF_RESULT_SOFTFAIL, "~all",
	    SPF_ERR_NONE, NULL, 0 },
	{ "198.51.100.9", "a@strict.example", SPF_RESULT_FAIL, "-all",
	    SPF_ERR_NONE, "198.51.100.9 is not one of strict.example's senders",
	    0 },
	{ "2001:db8::9", "a@strict.example", SPF_RESULT_FAIL, "-all",
	    SPF_ERR_NONE, "2.0.0.1.0.D.B.8.0.0.0.0", 0 },
	{ "198.51.100.2", "a@redir.example", SPF_RESULT_PASS, "a",
	    SPF_ERR_NONE, NULL, 0 },
	{ "198.51.100.9", "a@redir.example", SPF_RESULT_FAIL, "-all",
	    SPF_ERR_NONE, "not one of strict.example's", 0 },
	{ "198.51.100.9", "a@nx.example", SPF_RESULT_NONE, "", SPF_ERR_NONE,
	    NULL, 0 },
	{ "198.51.100.9", "a@single", SPF_RESULT_NONE, "", SPF_ERR_NONE, NULL,
	    1 },
	{ "198.51.100.9", "a@redir-none.example", SPF_RESULT_PERMERROR, "",
	    SPF_ERR_REDIRECT_NONE, "nx.example has no SPF record", 0 },
	{ "198.51.100.9", "a@inc-none.example", SPF_RESULT_PERMERROR, "",
	    SPF_ERR_INCLUDE_NONE, "\"include:nx.example\" in inc-none.example",
	    0 },
	{ "198.51.100.9", "a@inc-err.example", SPF_RESULT_TEMPERROR, "",
	    SPF_ERR_DNS, "TXT lookup for err.example failed", 0 },
	{ "198.51.100.9", "a@a-err.example", SPF_RESULT_TEMPERROR, "",
	    SPF_ERR_DNS, "A lookup for err.example failed", 0 },
	{ "198.51.100.9", "a@err.example", SPF_RESULT_TEMPERROR, "",
	    SPF_ERR_DNS, "TXT lookup", 0 },
	{ "198.51.100.9", "a@two.example", SPF_RESULT_PERMERROR, "",
	    SPF_ERR_MULTIPLE, "more than one SPF record", 0 },
	{ "198.51.100.9", "a@bad.example", SPF_RESULT_PERMERROR, "",
	    SPF_ERR_SYNTAX, "term \"a:foo.123\"", 0 },
	{ "192.0.2.9", "a@ten.example", SPF_RESULT_PASS, "ip4:192.0.2.9",
	    SPF_ERR_NONE, NULL, 0 },
	{ "192.0.2.9", "a@eleven.example", SPF_RESULT_PERMERROR, "",
	    SPF_ERR_LOOKUP_LIMIT, "more than 10 DNS-querying terms", 0 },
	{ "192.0.2.9", "a@void.example", SPF_RESULT_PERMERROR, "",
	    SPF_ERR_VOID_LIMIT, "at \"exists:nx3.example\"", 0 },
	{ "192.0.2.9", "a@void2.example", SPF_RESULT_FAIL, "-all",
	    SPF_ERR_NONE, NULL, 0 },
	{ "192.0.2.9", "a@mx11.example", SPF_RESULT_PERMERROR, "",
	    SPF_ERR_MX_LIMIT, "11 MX records", 0 },
	{ "192.0.2.9", "a@nullmx.example", SPF_RESULT_NEUTRAL, "?all",
	    SPF_ERR_NONE, NULL, 0 },
	/* only the PTR name within the target is validated */
	{ "192.0.2.9", "a@ptr.example", SPF_RESULT_PASS, "ptr", SPF_ERR_NONE,
	    NULL, 4 },
	{ "192.0.2.10", "a@ptr.example", SPF_RESULT_FAIL, "-all",
	    SPF_ERR_NONE, NULL, 0 },
	/* the null sender is postmaster@helo */
	{ "192.0.2.9", "", SPF_RESULT_PASS, "a", SPF_ERR_NONE, NULL, 0 },
	{ "192.0.2.9", NULL, SPF_RESULT_PASS, "a", SPF_ERR_NONE, NULL, 0 },
};

static void
test_check(void **state)
{
	const struct check_case	*c;
	struct spf_request	 req;
	struct spf_outcome	*o;
	size_t			 i;
	int			 rounds;

	(void)state;
	o = calloc(1, sizeof(*o));
	assert_non_null(o);
	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		c = &check_cases[i];
		memset(&req, 0, sizeof(req));
		req.ip = c->ip;
		req.sender = c->sender;
		req.helo = "helo.example";
		req.now = 1400000000;
		req.explain = 1;
		rounds = check(zone1, &req, o);
		if (o->result != c->result || o->error != c->error ||
		    strcmp(o->mechanism, c->mechanism) != 0 ||
		    (c->text != NULL && strstr(o->cause, c->text) == NULL &&
		    strstr(o->explanation, c->text) == NULL) ||
		    (c->rounds != 0 && rounds != c->rounds)) {
			print_error("case %zu (%s %s): %s/%s \"%s\" cause \"%s\" "
			    "exp \"%s\" in %d rounds\n", i, c->ip, c->sender,
			    spf_result_name(o->result),
			    spf_error_name(o->error), o->mechanism, o->cause,
			    o->explanation, rounds);
			fail();
		}
	}
	free(o);
}

static void
test_check_need(void **state)
{
	struct spf_request	 req;
	struct spf_outcome	*o;
	struct tview		*v;
	struct spf_dns_view	 view;

	(void)state;
	o = calloc(1, sizeof(*o));
	v = calloc(1, sizeof(*v));
	assert_non_null(o);
	assert_non_null(v);
	v->zone = zone1;
	v->async = 1;
	view.lookup = tview_lookup;
	view.arg = v;
	memset(&req, 0, sizeof(req));
	req.ip = "203.0.113.30";
	req.sender = "a@example.com";

	/* The first round wants the record, and reports nothing else. */
	assert_int_equal(spf_check(&req, &view, o), SPF_NEED_DNS);
	assert_int_equal(o->need.n, 1);
	assert_string_equal(o->need.q[0].name, "example.com");
	assert_int_equal(o->need.q[0].type, SPF_RR_TXT);
	assert_int_equal(o->result, SPF_RESULT_NONE);
	assert_string_equal(o->mechanism, "");
	tview_fetch(v, &o->need);
	assert_int_equal(spf_check(&req, &view, o), SPF_NEED_DNS);
	assert_int_equal(o->need.n, 1);
	assert_string_equal(o->need.q[0].name, "_spf.example.com");
	tview_fetch(v, &o->need);
	assert_int_equal(spf_check(&req, &view, o), SPF_NEED_DNS);
	assert_int_equal(o->need.q[0].type, SPF_RR_MX);
	tview_fetch(v, &o->need);
	/* All three MX hosts at once, without duplicates. */
	assert_int_equal(spf_check(&req, &view, o), SPF_NEED_DNS);
	assert_int_equal(o->need.n, 3);
	assert_string_equal(o->need.q[0].name, "mx1.example.com");
	assert_string_equal(o->need.q[2].name, "mx3.example.com");
	assert_int_equal(o->need.q[2].type, SPF_RR_A);
	tview_fetch(v, &o->need);
	assert_int_equal(spf_check(&req, &view, o), SPF_DONE);
	assert_int_equal(o->result, SPF_RESULT_PASS);
	assert_int_equal(o->lookups, 2);

	/* Unusable requests. */
	req.ip = "192.0.2.300";
	assert_int_equal(spf_check(&req, &view, o), SPF_EINVAL);
	assert_int_equal(o->result, SPF_RESULT_TEMPERROR);
	req.ip = "192.0.2.1";
	req.sender = "a\r\n@example.com";
	assert_int_equal(spf_check(&req, &view, o), SPF_EINVAL);
	req.ip = NULL;
	assert_int_equal(spf_check(&req, &view, o), SPF_EINVAL);
	free(v);
	free(o);
}

/* --- audit ------------------------------------------------------------- */

struct audit_case {
	const char	*name;
	const struct zrow *zone;
	const char	*domain;
	const char	*ips[3];
	struct want	 want[WANT_MAX + 1];
};

static const struct zrow za_ok[] = {
	{ "ok.example", SPF_RR_TXT, "v=spf1 ip4:198.51.100.0/24 "
	    "include:_s.ok.example -all" },
	{ "_s.ok.example", SPF_RR_TXT, "v=spf1 ip6:2001:db8:1::/48 ~all" },
	{ NULL, 0, NULL },
};

static const struct zrow za_bad[] = {
	{ "none.example", SPF_RR_TXT, "v=DMARC1; p=none" },
	{ "two.example", SPF_RR_TXT, "v=spf1 -all" },
	{ "two.example", SPF_RR_TXT, "v=spf1 mx -all" },
	{ "open.example", SPF_RR_TXT, "v=spf1 mx +all" },
	{ "soft.example", SPF_RR_TXT, "v=spf1 ip4:198.51.100.0/24 ?all" },
	{ "incopen.example", SPF_RR_TXT, "v=spf1 include:all.example -all" },
	{ "all.example", SPF_RR_TXT, "v=spf1 +all" },
	{ "neg.example", SPF_RR_TXT, "v=spf1 -include:all.example -all" },
	{ "soft2.example", SPF_RR_TXT, "v=spf1 ip4:198.51.100.0/24 ~all" },
	{ "ptrinc.example", SPF_RR_TXT, "v=spf1 include:p.example -all" },
	{ "p.example", SPF_RR_TXT, "v=spf1 ptr:p.example ?all" },
	{ "syn.example", SPF_RR_TXT, "v=spf1 include:s.example -all" },
	{ "s.example", SPF_RR_TXT, "v=spf1 ip4:1.2.3.4/33 -all" },
	{ "incnone.example", SPF_RR_TXT, "v=spf1 include:none.example -all" },
	{ "many.example", SPF_RR_TXT, "v=spf1 a mx include:m1.example "
	    "include:m2.example -all" },
	{ "many.example", SPF_RR_A, "198.51.100.1" },
	{ "many.example", SPF_RR_MX, "mx.many.example" },
	{ "mx.many.example", SPF_RR_A, "198.51.100.2" },
	{ "m1.example", SPF_RR_TXT, "v=spf1 a a a a ?all" },
	{ "m1.example", SPF_RR_A, "198.51.100.3" },
	{ "m2.example", SPF_RR_TXT, "v=spf1 exists:%{i}.m2.example a a ?all" },
	{ "m2.example", SPF_RR_A, "198.51.100.4" },
	{ "void.example", SPF_RR_TXT, "v=spf1 a:x.void.example "
	    "a:y.void.example a:z.void.example -all" },
	{ "tmp.example", SPF_RR_TXT, "v=spf1 include:err.example -all" },
	{ "err.example", ZERR, NULL },
	{ "wide.example", SPF_RR_TXT, "v=spf1 ip4:0.0.0.0/0 -all" },
	{ NULL, 0, NULL },
};

static const struct audit_case audit_cases[] = {
	{ "clean", za_ok, "ok.example", { "198.51.100.7", "2001:db8:1::25" },
	    { { 0, 0, NULL } } },
	/* a softfail in an include does not match: the top -all fails */
	{ "fail", za_ok, "ok.example",
	    { "203.0.113.9", "2001:db8:2::25" }, {
	    { F_SPF_NOT_AUTHORIZED, SEV_CRIT, "ip=203.0.113.9 result=fail "
	      "mechanism=\"-all\" in ok.example" },
	    { F_SPF_NOT_AUTHORIZED, SEV_CRIT, "ip=2001:db8:2::25 result=fail" },
	    { 0, 0, NULL } } },
	{ "softfail", za_bad, "soft2.example", { "203.0.113.9" }, {
	    { F_SPF_NOT_AUTHORIZED, SEV_WARN, "ip=203.0.113.9 result=softfail "
	      "mechanism=\"~all\" in soft2.example" }, { 0, 0, NULL } } },
	{ "none", za_bad, "none.example", { NULL }, {
	    { F_SPF_NONE, SEV_WARN, "no v=spf1 TXT record at none.example" },
	    { 0, 0, NULL } } },
	{ "nxdomain", za_bad, "nx.example", { "198.51.100.7" }, {
	    { F_SPF_NONE, SEV_WARN, "nx.example" }, { 0, 0, NULL } } },
	{ "multiple", za_bad, "two.example", { "198.51.100.7" }, {
	    { F_SPF_MULTIPLE, SEV_CRIT, "more than one" }, { 0, 0, NULL } } },
	{ "+all", za_bad, "open.example", { NULL }, {
	    { F_SPF_PERMISSIVE, SEV_CRIT, "\"+all\" in the SPF record of "
	      "open.example: every address passes" }, { 0, 0, NULL } } },
	{ "?all", za_bad, "soft.example", { "198.51.100.7" }, {
	    { F_SPF_PERMISSIVE, SEV_WARN, "\"?all\"" }, { 0, 0, NULL } } },
	{ "+all by include", za_bad, "incopen.example", { NULL }, {
	    { F_SPF_PERMISSIVE, SEV_CRIT, "\"+all\" in the SPF record of "
	      "all.example, reached by \"include:all.example\" in "
	      "incopen.example" }, { 0, 0, NULL } } },
	/* -include of +all fails everyone: not permissive */
	{ "-include of +all", za_bad, "neg.example", { "198.51.100.7" }, {
	    { F_SPF_NOT_AUTHORIZED, SEV_CRIT, "mechanism=\"-include:all.example"
	      "\"" }, { 0, 0, NULL } } },
	{ "ptr in include", za_bad, "ptrinc.example", { NULL }, {
	    { F_SPF_PTR, SEV_INFO, "\"ptr:p.example\" in the SPF record of "
	      "p.example, reached by \"include:p.example\" in ptrinc.example" },
	    { 0, 0, NULL } } },
	{ "syntax in include", za_bad, "syn.example", { "198.51.100.7" }, {
	    { F_SPF_SYNTAX, SEV_CRIT, "SPF record of s.example: term "
	      "\"ip4:1.2.3.4/33\": bad CIDR length" }, { 0, 0, NULL } } },
	{ "include without SPF", za_bad, "incnone.example", { NULL }, {
	    { F_SPF_SYNTAX, SEV_CRIT, "\"include:none.example\" in "
	      "incnone.example: none.example has no SPF record" },
	    { 0, 0, NULL } } },
	/*
	 * The IPv6 test address also finds that "a" on names with only A
	 * records are void lookups for an IPv6 client (NODATA, 4.6.4).
	 */
	{ "lookup limit", za_bad, "many.example", { "198.51.100.4" }, {
	    { F_SPF_LOOKUP_LIMIT, SEV_CRIT, "11 DNS-querying terms in the SPF "
	      "record of many.example" },
	    { F_SPF_VOID_LIMIT, SEV_CRIT, "check_host() for the test address "
	      "2001:db8::1: more than 2 void lookups (at \"a\" in m1.example)" },
	    { 0, 0, NULL } } },
	{ "void limit", za_bad, "void.example", { NULL }, {
	    { F_SPF_VOID_LIMIT, SEV_CRIT, "check_host() for the test address "
	      "192.0.2.1: more than 2 void lookups" }, { 0, 0, NULL } } },
	{ "temperror", za_bad, "tmp.example", { "198.51.100.7" }, {
	    { F_SPF_TEMPERROR, SEV_WARN, "TXT lookup for err.example failed "
	      "for \"include:err.example\" in tmp.example" },
	    { 0, 0, NULL } } },
	{ "the whole Internet", za_bad, "wide.example", { NULL }, {
	    { F_SPF_PERMISSIVE, SEV_CRIT, "ip=192.0.2.1 result=pass "
	      "mechanism=\"ip4:0.0.0.0/0\" in wide.example" },
	    { 0, 0, NULL } } },
};

static void
test_audit(void **state)
{
	const struct audit_case	*c;
	struct spf_audit_req	 req;
	struct finding_list	 fl;
	struct spf_needs	 need;
	struct spf_dns_view	 view;
	struct tview		*v;
	enum spf_status		 st;
	size_t			 i, n;
	int			 rounds;

	(void)state;
	v = calloc(1, sizeof(*v));
	assert_non_null(v);
	view.lookup = tview_lookup;
	view.arg = v;
	for (i = 0; i < sizeof(audit_cases) / sizeof(audit_cases[0]); i++) {
		c = &audit_cases[i];
		memset(v, 0, sizeof(*v));
		memset(&fl, 0, sizeof(fl));
		v->zone = c->zone;
		v->async = 1;
		for (n = 0; n < 3 && c->ips[n] != NULL; n++)
			;
		memset(&req, 0, sizeof(req));
		req.domain = c->domain;
		req.ips = c->ips;
		req.nips = n;
		req.now = 1400000000;
		for (rounds = 0; rounds < 100; rounds++) {
			v->npool = v->ntxt = 0;
			if ((st = spf_audit(&req, &view, &fl, &need)) !=
			    SPF_NEED_DNS)
				break;
			/* nothing is reported before the audit is complete */
			assert_int_equal(fl.n, 0);
			assert_true(need.n > 0);
			tview_fetch(v, &need);
		}
		assert_int_equal(st, SPF_DONE);
		want_findings(c->name, &fl, c->want);
		finding_list_free(&fl);
	}
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_terms),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_macro),
		cmocka_unit_test(test_macro_overflow),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_need),
		cmocka_unit_test(test_audit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
