/*
 * test_txtrec.c - the tag-list tokenizer, version selection, host names
 * and report URIs shared by the record audits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "txtrec.h"

/*
 * A record and what the tokenizer returns for it, as one string:
 * "name=value|" per tag, "!why|" per error.
 */
static const struct {
	const char	*rec;
	int		 flags;
	const char	*want;
} tok[] = {
	{ "v=DKIM1; k=rsa; p=AB CD", TXTREC_FWS,
	    "v=DKIM1|k=rsa|p=AB CD|" },
	{ "  a = 1 ;b=2;", 0, "a=1|b=2|" },
	{ "a=1;;; b=2 ; ", 0, "a=1|b=2|" },
	{ "", 0, "" },
	{ " ; ", 0, "" },
	{ "a=", 0, "a=|" },
	{ "a=x=y", 0, "a=x=y|" },
	{ "a_1=x", 0, "a_1=x|" },
	{ "a", 0, "!\"=\" expected after the tag name|" },
	{ "=x; b=1", 0, "!tag name expected|b=1|" },
	{ "1a=x", 0, "!tag name must start with a letter|" },
	{ "a-b=x", 0, "!\"=\" expected after the tag name|" },
	{ "a=1; a=2; A=3", 0, "a=1|!duplicate tag|A=3|" },
	{ "a=1; A=2", TXTREC_NOCASE, "a=1|!duplicate tag|" },
	{ "p=AB\r\n CD", TXTREC_FWS, "p=AB\r\n CD|" },
	{ "p=AB\r\n CD", 0, "!control or non-ASCII byte in the value|" },
	{ "a=\x80", 0, "!control or non-ASCII byte in the value|" },
	/* RFC 8460/8461 grammar */
	{ "v=TLSRPTv1;rua=mailto:a@b.c", TXTREC_STS,
	    "v=TLSRPTv1|rua=mailto:a@b.c|" },
	{ "1x-y.z_w=ok", TXTREC_STS, "1x-y.z_w=ok|" },
	{ "a =1", TXTREC_STS, "!white space before \"=\"|" },
	{ "a= 1", TXTREC_STS, "!white space after \"=\"|" },
	{ "abcdefghijabcdefghijabcdefghijab=1", TXTREC_STS,
	    "abcdefghijabcdefghijabcdefghijab=1|" },
	{ "abcdefghijabcdefghijabcdefghijabc=1", TXTREC_STS,
	    "!tag name longer than 32 bytes|" },
};

static void
test_tokenizer(void **state)
{
	struct txtrec_iter	 it;
	struct txtrec_tag	 t;
	const char		*why;
	char			 got[512];
	size_t			 i, o;
	int			 r;

	(void)state;
	for (i = 0; i < sizeof(tok) / sizeof(tok[0]); i++) {
		o = 0;
		got[0] = '\0';
		txtrec_init(&it, tok[i].rec, strlen(tok[i].rec), tok[i].flags);
		while ((r = txtrec_next(&it, &t, &why)) != 0) {
			if (r == 1)
				o += (size_t)snprintf(got + o, sizeof(got) - o,
				    "%.*s=%.*s|", (int)t.namelen, t.name,
				    (int)t.vallen, t.val);
			else
				o += (size_t)snprintf(got + o, sizeof(got) - o,
				    "!%s|", why);
			assert_true(o < sizeof(got));
		}
		if (strcmp(got, tok[i].want) != 0) {
			print_error("\"%s\": want %s got %s\n", tok[i].rec,
			    tok[i].want, got);
			fail();
		}
	}
}

static void
test_tokenizer_bounds(void **state)
{
	struct txtrec_iter	 it;
	struct txtrec_tag	 t;
	const char		*why;
	char			 rec[4096];
	size_t			 i, len = 0, good = 0, bad = 0;
	int			 r;

	(void)state;
	/* 2000 bad specs: TXTREC_TAGS_MAX errors, then "too many", then the end. */
	for (i = 0; i < 2000; i++)
		len += (size_t)snprintf(rec + len, sizeof(rec) - len, ";x");
	txtrec_init(&it, rec, len, 0);
	while ((r = txtrec_next(&it, &t, &why)) != 0)
		bad++;
	assert_int_equal(bad, TXTREC_TAGS_MAX + 1);
	assert_string_equal(why, "too many tags");

	/* Good tags are bounded the same way. */
	len = 0;
	for (i = 0; i < 100; i++)
		len += (size_t)snprintf(rec + len, sizeof(rec) - len,
		    "t%zu=1;", i);
	txtrec_init(&it, rec, len, 0);
	bad = 0;
	while ((r = txtrec_next(&it, &t, &why)) != 0) {
		if (r == 1) {
			assert_int_equal(t.index, good);
			good++;
		} else
			bad++;
	}
	assert_int_equal(good, TXTREC_TAGS_MAX);
	assert_int_equal(bad, 1);
}

static void
test_version(void **state)
{
	static const struct {
		const char	*rec, *version;
		int		 flags, want;
	} t[] = {
		{ "v=DMARC1; p=none", "DMARC1", TXTREC_NOCASE, 1 },
		{ "v=DMARC1", "DMARC1", TXTREC_NOCASE, 1 },
		{ "V = DMARC1 p=none", "DMARC1", TXTREC_NOCASE, 1 },
		{ "V=DMARC1", "DMARC1", 0, 0 },
		{ "v=DMARC10", "DMARC1", TXTREC_NOCASE, 0 },
		{ "v=dmarc1", "DMARC1", TXTREC_NOCASE, 0 },
		{ " v=DMARC1", "DMARC1", TXTREC_NOCASE, 0 },
		{ "v=DMARC", "DMARC1", TXTREC_NOCASE, 0 },
		{ "v=STSv1;id=1", "STSv1", TXTREC_STS, 1 },
		{ "v= STSv1;id=1", "STSv1", TXTREC_STS, 0 },
		{ "v =STSv1;id=1", "STSv1", TXTREC_STS, 0 },
		{ "", "STSv1", TXTREC_STS, 0 },
	};
	const char	*txt[] = { "x", "v=STSv1; id=a", NULL, "v=STSv1" };
	size_t		 len[] = { 1, 13, 0, 7 }, i, first = 99;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (txtrec_has_version(t[i].rec, strlen(t[i].rec), t[i].version,
		    t[i].flags) != t[i].want) {
			print_error("\"%s\" %s: want %d\n", t[i].rec,
			    t[i].version, t[i].want);
			fail();
		}
	assert_int_equal(txtrec_select(txt, len, 4, "STSv1", TXTREC_STS,
	    &first), 2);
	assert_int_equal(first, 1);
	first = 99;
	assert_int_equal(txtrec_select(txt, len, 1, "STSv1", TXTREC_STS,
	    &first), 0);
	assert_int_equal(first, 99);
}

static void
test_hostname(void **state)
{
	static const struct {
		const char	*in, *out;	/* out NULL: refused */
	} t[] = {
		{ "Mail.Example.COM", "mail.example.com" },
		{ "mail.example.com.", "mail.example.com" },
		{ "a-b.c0", "a-b.c0" },
		{ "localhost", "localhost" },
		{ "", NULL },
		{ ".", NULL },
		{ "a..b", NULL },
		{ ".a", NULL },
		{ "-a.b", NULL },
		{ "a-.b", NULL },
		{ "a.b-", NULL },
		{ "a_b.c", NULL },
		{ "*.example.com", NULL },
		{ "a b", NULL },
		{ "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd"
		    ".com", NULL },
	};
	char		 out[TXTREC_HOST_MAX + 1], big[300];
	const char	*why;
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = txtrec_hostname(t[i].in, strlen(t[i].in), out, sizeof(out),
		    &why);
		if ((t[i].out == NULL) != (r == -1) ||
		    (r == 0 && strcmp(out, t[i].out) != 0)) {
			print_error("\"%s\": want %s got %d %s\n", t[i].in,
			    t[i].out ? t[i].out : "refused", r,
			    r == 0 ? out : why);
			fail();
		}
	}
	/* 253 bytes pass, 254 do not. */
	memset(big, 'a', sizeof(big));
	for (i = 50; i < 253; i += 51)
		big[i] = '.';
	assert_int_equal(txtrec_hostname(big, 253, out, sizeof(out), &why), 0);
	big[253] = 'a';
	assert_int_equal(txtrec_hostname(big, 254, out, sizeof(out), &why), -1);
	assert_string_equal(why, "domain name longer than 253 bytes");
	/* A NUL is not a terminator. */
	assert_int_equal(txtrec_hostname("a\0b", 3, out, sizeof(out), &why),
	    -1);
}

static void
test_uri(void **state)
{
	static const struct {
		const char	*uri;
		int		 scheme;	/* -1: refused */
		const char	*host;		/* or the reason */
	} t[] = {
		{ "mailto:dmarc@Example.COM", TXTREC_URI_MAILTO, "example.com" },
		{ "MAILTO:a@b.example?subject=x", TXTREC_URI_MAILTO,
		    "b.example" },
		{ "mailto:a%40b@c.example", TXTREC_URI_MAILTO, "c.example" },
		{ "https://r.example.net/v1", TXTREC_URI_HTTPS, "r.example.net" },
		{ "https://u:p@R.example.net:8443", TXTREC_URI_HTTPS,
		    "r.example.net" },
		{ "http://r.example.net?x", TXTREC_URI_HTTP, "r.example.net" },
		{ "ftp://x.example/", TXTREC_URI_OTHER, "" },
		{ "urn:x", TXTREC_URI_OTHER, "" },
		{ "", -1, "empty URI" },
		{ "mailto:", -1, "mailto: URI without an address" },
		{ "mailto:@b.example", -1, "mailto: address without a local "
		    "part" },
		{ "mailto:a@", -1, "empty domain name" },
		{ "mailto:a@b.example.", -1, "domain name ends with \".\"" },
		{ "mailto:a@[192.0.2.1]", -1, "character not allowed in a host "
		    "name" },
		{ "https:/x", -1, "http(s) URI without \"//\" and a host" },
		{ "https://", -1, "http(s) URI without a host" },
		{ "https://:443/", -1, "http(s) URI without a host" },
		{ "https://h.example:44x/", -1, "bad port in URI" },
		{ "https://h.example:123456/", -1, "bad port in URI" },
		{ "a@b.example", -1, "URI has no scheme" },
		{ "1x:y", -1, "URI has no scheme" },
		{ "mailto:a b@c.example", -1, "character not allowed in a URI" },
		{ "mailto:a%4@c.example", -1, "bad %-escape in URI" },
		{ "mailto:a@c.example%", -1, "bad %-escape in URI" },
	};
	char		 host[TXTREC_HOST_MAX + 1];
	const char	*why;
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		why = "";
		r = txtrec_uri(t[i].uri, strlen(t[i].uri), host, sizeof(host),
		    &why);
		if (r != t[i].scheme ||
		    strcmp(r == -1 ? why : host, t[i].host) != 0) {
			print_error("\"%s\": want %d \"%s\" got %d \"%s\"\n",
			    t[i].uri, t[i].scheme, t[i].host, r,
			    r == -1 ? why : host);
			fail();
		}
	}
	assert_int_equal(txtrec_uri("mailto:a@b\0c", 12, host, sizeof(host),
	    &why), -1);
}

static void
test_lists(void **state)
{
	const char	*item, *s = " a , b,,c ,";
	char		 got[64];
	size_t		 off = 0, ilen, o = 0;

	(void)state;
	while (txtrec_list_next(s, strlen(s), &off, ',', &item, &ilen))
		o += (size_t)snprintf(got + o, sizeof(got) - o, "[%.*s]",
		    (int)ilen, item);
	assert_string_equal(got, "[a][b][][c][]");

	off = 0;
	assert_int_equal(txtrec_list_next("", 0, &off, ':', &item, &ilen), 1);
	assert_int_equal(ilen, 0);
	assert_int_equal(txtrec_list_next("", 0, &off, ':', &item, &ilen), 0);

	assert_true(txtrec_sts_extvalue("a!:<>~", 6));
	assert_false(txtrec_sts_extvalue("", 0));
	assert_false(txtrec_sts_extvalue("a=b", 3));
	assert_false(txtrec_sts_extvalue("a b", 3));
	assert_false(txtrec_sts_extvalue("a;b", 3));
	assert_false(txtrec_sts_extvalue("\x80", 1));

	assert_int_equal(txtrec_evlen(5), 5);
	assert_int_equal(txtrec_evlen(100000), TXTREC_EV_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokenizer),
		cmocka_unit_test(test_tokenizer_bounds),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
