/*
 * test_tlsrpt.c - the TLS-RPT record audit: selection, rua URIs, grammar.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tlsrpt.h"
#include "want_findings.h"

#define D	"example.com"
#define R	"_smtp._tls.example.com: "

struct tcase {
	const char	*name;
	const char	*txt[4];	/* TXT records, NULL-ended */
	int		 ret;		/* tlsrpt_check() */
	size_t		 nrua;		/* valid URIs kept */
	struct want	 want[WANT_MAX];
};

static const struct tcase cases[] = {
	{ "mailto", { "v=TLSRPTv1; rua=mailto:tlsrpt@example.com" }, 0, 1,
	    { { 0 } } },
	{ "https", { "v=TLSRPTv1;rua=https://reports.example.net/v1" }, 0, 1,
	    { { 0 } } },
	{ "two URIs, spaced", { "v=TLSRPTv1; rua=mailto:a@example.com , "
	    "https://r.example.net:8443/tlsrpt?x=1;" }, 0, 2, { { 0 } } },
	{ "extension", { "v=TLSRPTv1; rua=mailto:a@example.com; ext_1.x=ok" },
	    0, 1, { { 0 } } },
	{ "other TXT ignored", { "v=spf1 -all",
	    "v=TLSRPTv1; rua=mailto:a@example.com" }, 0, 1, { { 0 } } },
	{ "no record", { NULL }, -1, 0,
	    { { F_TLSRPT_NONE, SEV_INFO, R "no TXT record starts with "
	    "v=TLSRPTv1 (0 TXT records)" } } },
	{ "version is case-sensitive", { "v=tlsrptv1; rua=mailto:a@example.com"
	    }, -1, 0, { { F_TLSRPT_NONE, SEV_INFO, "(1 TXT records)" } } },
	{ "TLSRPTv10", { "v=TLSRPTv10; rua=mailto:a@example.com" }, -1, 0,
	    { { F_TLSRPT_NONE, SEV_INFO, R "no TXT record" } } },
	{ "two records", { "v=TLSRPTv1; rua=mailto:a@example.com",
	    "v=TLSRPTv1; rua=mailto:b@example.com" }, -1, 0,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, R "2 records start with v=TLSRPTv1; "
	    "senders use none" } } },
	{ "rua missing", { "v=TLSRPTv1;" }, -1, 0,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, R "rua: missing" } } },
	{ "ftp scheme", { "v=TLSRPTv1; rua=ftp://r.example.net/" }, -1, 0,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, R "rua: URI \"ftp://r.example.net/\": "
	    "the scheme must be mailto: or https:" } } },
	{ "http scheme", { "v=TLSRPTv1; rua=mailto:a@example.com,"
	    "http://r.example.net/" }, -1, 1,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, R "rua: URI \"http://r.example.net/\""
	    ": the scheme must be mailto: or https:" } } },
	{ "mailto without domain", { "v=TLSRPTv1; rua=mailto:tlsrpt" }, -1, 0,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, R "rua: URI \"mailto:tlsrpt\": mailto: "
	    "URI without an address" } } },
	{ "https without host", { "v=TLSRPTv1; rua=https:/x" }, -1, 0,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, "without \"//\" and a host" } } },
	{ "https bad port", { "v=TLSRPTv1; rua=https://r.example.net:x/" }, -1,
	    0, { { F_TLSRPT_SYNTAX, SEV_WARN, "bad port in URI" } } },
	{ "bad escape", { "v=TLSRPTv1; rua=mailto:a%2@example.com" }, -1, 0,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, "bad %-escape in URI" } } },
	{ "empty rua", { "v=TLSRPTv1; rua=" }, -1, 0,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, R "rua: URI \"\": empty URI" } } },
	{ "space before =", { "v=TLSRPTv1; rua =mailto:a@example.com" }, -1, 0,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, R "\"rua =mailto:a@example.com\": "
	    "white space before \"=\"" },
	      { F_TLSRPT_SYNTAX, SEV_WARN, R "rua: missing" } } },
	{ "space after =", { "v=TLSRPTv1; rua= mailto:a@example.com" }, -1, 0,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, "white space after \"=\"" },
	      { F_TLSRPT_SYNTAX, SEV_WARN, R "rua: missing" } } },
	{ "duplicate rua", { "v=TLSRPTv1; rua=mailto:a@example.com; "
	    "rua=mailto:b@example.com" }, -1, 1,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, R "\"rua=mailto:b@example.com\": "
	    "duplicate tag" } } },
	{ "bad extension value", { "v=TLSRPTv1; rua=mailto:a@example.com; "
	    "x=a=b" }, -1, 1,
	    { { F_TLSRPT_SYNTAX, SEV_WARN, R "x=\"a=b\": an extension value "
	    "must be printable" } } },
	{ "missing semicolon", { "v=TLSRPTv1 rua=mailto:a@example.com" }, -1,
	    0, { { F_TLSRPT_SYNTAX, SEV_WARN, R "v=\"TLSRPTv1 rua=mailto:"
	    "a@example.com\": must be exactly TLSRPTv1" },
	      { F_TLSRPT_SYNTAX, SEV_WARN, R "rua: missing" } } },
};

static void
test_cases(void **state)
{
	struct tlsrpt_record	 rec;
	struct finding_list	 fl;
	size_t			 i, n, len[4];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&fl, 0, sizeof(fl));
		for (n = 0; n < 4 && cases[i].txt[n] != NULL; n++)
			len[n] = strlen(cases[i].txt[n]);
		if (tlsrpt_check(D, cases[i].txt, len, n, &rec, &fl) !=
		    cases[i].ret || rec.nrua != cases[i].nrua) {
			print_error("%s: want return %d nrua %zu, got nrua "
			    "%zu\n", cases[i].name, cases[i].ret,
			    cases[i].nrua, rec.nrua);
			want_dump(&fl);
			fail();
		}
		want_findings(cases[i].name, &fl, cases[i].want);
		finding_list_free(&fl);
	}
}

static void
test_fields(void **state)
{
	const char		*s = "v=TLSRPTv1; rua=mailto:TLS@Example.COM,"
	    "https://user@Reports.Example.NET:443/v1";
	struct tlsrpt_record	 rec;
	struct finding_list	 fl = { 0 };

	(void)state;
	assert_int_equal(tlsrpt_parse(D, s, strlen(s), &rec, &fl), 0);
	assert_int_equal(fl.n, 0);
	assert_int_equal(rec.nrua, 2);
	assert_int_equal(rec.rua[0].scheme, TXTREC_URI_MAILTO);
	assert_string_equal(rec.rua[0].host, "example.com");
	assert_string_equal(rec.rua[0].uri, "mailto:TLS@Example.COM");
	assert_int_equal(rec.rua[1].scheme, TXTREC_URI_HTTPS);
	assert_string_equal(rec.rua[1].host, "reports.example.net");
}

static void
test_bounds(void **state)
{
	struct tlsrpt_record	 rec;
	struct finding_list	 fl = { 0 };
	char			*s;
	size_t			 i, len;

	(void)state;
	s = malloc(TLSRPT_RECORD_MAX + 1);
	assert_non_null(s);
	/* distinct bad URIs: identical findings are merged by finding_add */
	len = (size_t)sprintf(s, "v=TLSRPTv1; rua=");
	for (i = 0; i < 300; i++)
		len += (size_t)sprintf(s + len, "%su%zu", i ? "," : "", i);
	assert_int_equal(tlsrpt_parse(D, s, len, &rec, &fl), -1);
	assert_int_equal(fl.n, TXTREC_FINDINGS_MAX);
	finding_list_free(&fl);

	memset(s + len, 'x', TLSRPT_RECORD_MAX + 1 - len);
	assert_int_equal(tlsrpt_parse(D, s, TLSRPT_RECORD_MAX + 1, &rec, &fl),
	    -1);
	assert_int_equal(fl.n, 1);
	assert_non_null(strstr(fl.v[0].evidence, "over 4096"));
	finding_list_free(&fl);

	/* More tags than the tokenizer keeps. */
	len = (size_t)sprintf(s, "v=TLSRPTv1; rua=mailto:a@example.com");
	for (i = 0; i < 100; i++)
		len += (size_t)sprintf(s + len, "; x%zu=y", i);
	assert_int_equal(tlsrpt_parse(D, s, len, &rec, &fl), -1);
	assert_int_equal(fl.n, 1);
	assert_non_null(strstr(fl.v[0].evidence, "too many tags"));
	finding_list_free(&fl);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
