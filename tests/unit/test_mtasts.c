/*
 * test_mtasts.c - MTA-STS: the TXT record, the policy file, mx patterns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mtasts.h"
#include "want_findings.h"

#define D	"example.com"
#define R	"_mta-sts.example.com: "
#define P	"https://mta-sts.example.com/.well-known/mta-sts.txt"

struct rcase {
	const char	*name;
	const char	*txt[4];	/* TXT records, NULL-ended */
	int		 ret;		/* mtasts_check_record() */
	const char	*id;		/* rec.id when ret is 1 */
	struct want	 want[WANT_MAX];
};

static const struct rcase rcases[] = {
	{ "valid", { "v=STSv1; id=20240101T000000" }, 1, "20240101T000000",
	    { { 0 } } },
	{ "no space, trailing ;", { "v=STSv1;id=abc;" }, 1, "abc", { { 0 } } },
	{ "space before ;", { "v=STSv1 ;id=abc" }, 1, "abc", { { 0 } } },
	{ "extension", { "v=STSv1; id=abc; x-y.z=val" }, 1, "abc", { { 0 } } },
	{ "32-byte id", { "v=STSv1; id=0123456789abcdef0123456789ABCDEF" }, 1,
	    "0123456789abcdef0123456789ABCDEF", { { 0 } } },
	{ "none", { NULL }, 0, "", { { 0 } } },
	{ "other TXT only", { "v=spf1 -all" }, 0, "", { { 0 } } },
	{ "space around = is not a record", { "v = STSv1; id=abc" }, 0, "",
	    { { 0 } } },
	{ "two records", { "v=STSv1; id=a", "v=STSv1; id=b" }, -1, "",
	    { { F_MTASTS_SYNTAX, SEV_CRIT, R "2 records start with v=STSv1; "
	    "senders use none" } } },
	{ "id missing", { "v=STSv1;" }, -1, "",
	    { { F_MTASTS_SYNTAX, SEV_CRIT, R "id: missing" } } },
	{ "id too long", { "v=STSv1; id=0123456789abcdef0123456789ABCDEFx" },
	    -1, "", { { F_MTASTS_SYNTAX, SEV_CRIT, R "id=\"0123456789abcdef"
	    "0123456789ABCDEFx\": must be 1 to 32 letters and digits" } } },
	{ "id with -", { "v=STSv1; id=2024-01-01" }, -1, "",
	    { { F_MTASTS_SYNTAX, SEV_CRIT, R "id=\"2024-01-01\": must be" } } },
	{ "id empty", { "v=STSv1; id=" }, -1, "",
	    { { F_MTASTS_SYNTAX, SEV_CRIT, R "id=\"\": must be" } } },
	{ "v value", { "v=STSv1 id=abc" }, -1, "",
	    { { F_MTASTS_SYNTAX, SEV_CRIT, R "v=\"STSv1 id=abc\": must be "
	    "exactly STSv1" },
	      { F_MTASTS_SYNTAX, SEV_CRIT, R "id: missing" } } },
	{ "bad extension", { "v=STSv1; id=abc; x=a b" }, -1, "",
	    { { F_MTASTS_SYNTAX, SEV_CRIT, R "x=\"a b\": an extension value" } } },
	{ "tag name over 32", { "v=STSv1; id=abc; "
	    "abcdefghijabcdefghijabcdefghijabc=1" }, -1, "",
	    { { F_MTASTS_SYNTAX, SEV_CRIT, "tag name longer than 32 bytes" } } },
};

static void
test_records(void **state)
{
	struct mtasts_record	 rec;
	struct finding_list	 fl;
	size_t			 i, n, len[4];
	int			 r;

	(void)state;
	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++) {
		memset(&fl, 0, sizeof(fl));
		for (n = 0; n < 4 && rcases[i].txt[n] != NULL; n++)
			len[n] = strlen(rcases[i].txt[n]);
		r = mtasts_check_record(D, rcases[i].txt, len, n, &rec, &fl);
		if (r != rcases[i].ret ||
		    (r == 1 && strcmp(rec.id, rcases[i].id) != 0)) {
			print_error("%s: want %d id %s, got %d id %s\n",
			    rcases[i].name, rcases[i].ret, rcases[i].id, r,
			    rec.id);
			want_dump(&fl);
			fail();
		}
		want_findings(rcases[i].name, &fl, rcases[i].want);
		finding_list_free(&fl);
	}
}

struct pcase {
	const char	*name;
	const char	*body;
	int		 ret;		/* mtasts_parse_policy() */
	enum mtasts_mode mode;
	struct want	 want[WANT_MAX];
};

#define OK_TAIL	"mx: mail.example.com\nmax_age: 604800\n"

static const struct pcase pcases[] = {
	{ "enforce, LF", "version: STSv1\nmode: enforce\n" OK_TAIL, 0,
	    MTASTS_MODE_ENFORCE, { { 0 } } },
	{ "CRLF, no final newline", "version: STSv1\r\nmode: enforce\r\n"
	    "mx: mail.example.com\r\nmax_age: 86400", 0, MTASTS_MODE_ENFORCE,
	    { { 0 } } },
	{ "any order, spacing, extension", "max_age:86400 \nmx:\t*.example.net"
	    "\nfoo_bar: some value here\nmode:  enforce\nversion: STSv1\n", 0,
	    MTASTS_MODE_ENFORCE, { { 0 } } },
	{ "testing", "version: STSv1\nmode: testing\n" OK_TAIL, 0,
	    MTASTS_MODE_TESTING,
	    { { F_MTASTS_TESTING, SEV_INFO, P ": mode: testing" } } },
	{ "none needs no mx", "version: STSv1\nmode: none\nmax_age: 0\n", 0,
	    MTASTS_MODE_NONE, { { 0 } } },
	{ "bad version", "version: STSv2\nmode: enforce\n" OK_TAIL, -1,
	    MTASTS_MODE_ENFORCE, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, P
	    " line 1: \"version: STSv2\": version must be STSv1" } } },
	{ "bad mode", "version: STSv1\nmode: enforcing\n" OK_TAIL, -1,
	    MTASTS_MODE_UNSET, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, P
	    " line 2: \"mode: enforcing\": mode must be enforce, testing or "
	    "none" } } },
	{ "mode is case-sensitive", "version: STSv1\nmode: Enforce\n" OK_TAIL,
	    -1, MTASTS_MODE_UNSET, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT,
	    "line 2: \"mode: Enforce\"" } } },
	{ "max_age over a year", "version: STSv1\nmode: enforce\n"
	    "mx: mail.example.com\nmax_age: 31557601\n", -1,
	    MTASTS_MODE_ENFORCE, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, P
	    " line 4: \"max_age: 31557601\": max_age is over 31557600" } } },
	{ "max_age a year", "version: STSv1\nmode: enforce\n"
	    "mx: mail.example.com\nmax_age: 31557600\n", 0,
	    MTASTS_MODE_ENFORCE, { { 0 } } },
	{ "max_age 11 digits", "version: STSv1\nmode: none\n"
	    "max_age: 00000000001\n", -1, MTASTS_MODE_NONE,
	    { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, "line 3: \"max_age: "
	    "00000000001\": max_age must be 1 to 10 digits" } } },
	{ "max_age sign", "version: STSv1\nmode: none\nmax_age: -1\n", -1,
	    MTASTS_MODE_NONE, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT,
	    "max_age must be 1 to 10 digits" } } },
	{ "wildcard inside", "version: STSv1\nmode: enforce\n"
	    "mx: mail.*.example.com\nmax_age: 86400\n", -1,
	    MTASTS_MODE_ENFORCE, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, P
	    " line 3: \"mx: mail.*.example.com\": character not allowed in "
	    "a host name" },
	      { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, P ": mx: missing; in mode "
	    "enforce no MX host can match" } } },
	{ "bare wildcard", "version: STSv1\nmode: enforce\nmx: *\n"
	    "mx: mail.example.com\nmax_age: 86400\n", -1, MTASTS_MODE_ENFORCE,
	    { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, "line 3: \"mx: *\"" } } },
	{ "mx with final dot", "version: STSv1\nmode: enforce\n"
	    "mx: mail.example.com.\nmx: mx2.example.com\nmax_age: 86400\n",
	    -1, MTASTS_MODE_ENFORCE, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT,
	    "line 3: \"mx: mail.example.com.\": mx: a pattern must not end "
	    "with \".\"" } } },
	{ "missing fields", "mx: mail.example.com\n", -1, MTASTS_MODE_UNSET,
	    { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, P ": version: missing" },
	      { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, P ": mode: missing" },
	      { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, P ": max_age: missing" } } },
	{ "empty body", "", -1, MTASTS_MODE_UNSET,
	    { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, "version: missing" },
	      { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, "mode: missing" },
	      { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, "max_age: missing" } } },
	{ "repeated mode, first kept", "version: STSv1\nmode: enforce\n"
	    "mode: testing\n" OK_TAIL, -1, MTASTS_MODE_ENFORCE,
	    { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, "line 3: \"mode: testing\": "
	    "repeated key" } } },
	{ "no colon", "version: STSv1\nmode: enforce\nhello world\n" OK_TAIL,
	    -1, MTASTS_MODE_ENFORCE, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT,
	    "line 3: \"hello world\": no \":\" after a key" } } },
	{ "space before colon", "version : STSv1\nmode: none\nmax_age: 1\n",
	    -1, MTASTS_MODE_NONE, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT,
	    "line 1: \"version : STSv1\": a key is 1 to 32 letters" },
	      { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, "version: missing" } } },
	{ "blank line", "version: STSv1\n\nmode: enforce\n" OK_TAIL, 0,
	    MTASTS_MODE_ENFORCE, { { F_MTASTS_POLICY_SYNTAX, SEV_WARN,
	    P " line 2: \"\": blank line" } } },
	{ "empty value", "version: STSv1\nmode: none\nmax_age: 1\nfoo:\n", -1,
	    MTASTS_MODE_NONE, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT,
	    "line 4: \"foo:\": empty value" } } },
	{ "control byte", "version: STSv1\nmode: none\nmax_age: 1\n"
	    "foo: a\033b\n", -1, MTASTS_MODE_NONE,
	    { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, "line 4: \"foo: a?b\": "
	    "control byte in the value" } } },
	{ "bare CR inside", "version: STSv1\r\r\nmode: none\nmax_age: 1\n", -1,
	    MTASTS_MODE_NONE, { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT,
	    "line 1: \"version: STSv1?\": control byte" } } },
	{ "enforce without mx", "version: STSv1\nmode: enforce\n"
	    "max_age: 86400\n", -1, MTASTS_MODE_ENFORCE,
	    { { F_MTASTS_POLICY_SYNTAX, SEV_CRIT, P ": mx: missing; in mode "
	    "enforce no MX host can match" } } },
	{ "UTF-8 extension value", "version: STSv1\nmode: none\nmax_age: 1\n"
	    "note: caf\xc3\xa9\n", 0, MTASTS_MODE_NONE, { { 0 } } },
};

static void
test_policies(void **state)
{
	struct mtasts_policy	 pol;
	struct finding_list	 fl;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		memset(&fl, 0, sizeof(fl));
		if (mtasts_parse_policy(D, pcases[i].body,
		    strlen(pcases[i].body), &pol, &fl) != pcases[i].ret ||
		    pol.mode != pcases[i].mode) {
			print_error("%s: want %d mode %s, got mode %s\n",
			    pcases[i].name, pcases[i].ret,
			    mtasts_mode_name(pcases[i].mode),
			    mtasts_mode_name(pol.mode));
			want_dump(&fl);
			fail();
		}
		want_findings(pcases[i].name, &fl, pcases[i].want);
		finding_list_free(&fl);
	}
}

static void
test_policy_fields(void **state)
{
	const char		*b = "version: STSv1\r\nmode: enforce\r\n"
	    "mx: Mail.Example.COM\r\nmx: *.Example.NET\r\nmax_age: 604800\r\n";
	struct mtasts_policy	 pol;
	struct finding_list	 fl = { 0 };

	(void)state;
	assert_int_equal(mtasts_parse_policy(D, b, strlen(b), &pol, &fl), 0);
	assert_int_equal(fl.n, 0);
	assert_int_equal(pol.mode, MTASTS_MODE_ENFORCE);
	assert_int_equal(pol.max_age, 604800);
	assert_int_equal(pol.nmx, 2);
	assert_string_equal(pol.mx[0], "mail.example.com");
	assert_string_equal(pol.mx[1], "*.example.net");
	assert_string_equal(mtasts_mode_name(pol.mode), "enforce");
}

static void
test_policy_bounds(void **state)
{
	struct mtasts_policy	 pol;
	struct finding_list	 fl = { 0 };
	char			*b;
	size_t			 i, len;

	(void)state;
	b = malloc(MTASTS_POLICY_MAX + 2);
	assert_non_null(b);

	/* Over the size cap: refused whole. */
	memset(b, '\n', MTASTS_POLICY_MAX + 1);
	assert_int_equal(mtasts_parse_policy(D, b, MTASTS_POLICY_MAX + 1, &pol,
	    &fl), -1);
	assert_int_equal(fl.n, 1);
	assert_non_null(strstr(fl.v[0].evidence, P ": policy is 65537 bytes, "
	    "over 65536"));
	finding_list_free(&fl);

	/* 60000 blank lines: a bounded number of findings. */
	assert_int_equal(mtasts_parse_policy(D, b, 60000, &pol, &fl), -1);
	assert_int_equal(fl.n, TXTREC_FINDINGS_MAX + 1);
	assert_non_null(strstr(fl.v[TXTREC_FINDINGS_MAX].evidence,
	    "more than 32 problems; lines after 32 not checked"));
	finding_list_free(&fl);

	/* More mx lines than kept. */
	len = (size_t)sprintf(b, "version: STSv1\nmode: enforce\n"
	    "max_age: 1\n");
	for (i = 0; i <= MTASTS_MX_MAX; i++)
		len += (size_t)sprintf(b + len, "mx: mx%zu.example.com\n", i);
	assert_int_equal(mtasts_parse_policy(D, b, len, &pol, &fl), -1);
	assert_int_equal(pol.nmx, MTASTS_MX_MAX);
	assert_int_equal(fl.n, 1);
	assert_non_null(strstr(fl.v[0].evidence, "line 68: \"mx: "
	    "mx64.example.com\": more than 64 mx lines"));
	finding_list_free(&fl);

	/* A NUL byte in the body is a control byte, not an end. */
	assert_int_equal(mtasts_parse_policy(D, "version: STSv1\0\n", 16,
	    &pol, &fl), -1);
	assert_int_equal(fl.v[0].id, F_MTASTS_POLICY_SYNTAX);
	assert_non_null(strstr(fl.v[0].evidence, "control byte"));
	finding_list_free(&fl);
	free(b);
}

static void
test_mx_match(void **state)
{
	static const struct {
		const char	*pattern, *host;
		int		 match;
	} t[] = {
		{ "mail.example.com", "mail.example.com", 1 },
		{ "mail.example.com", "MAIL.Example.com.", 1 },
		{ "mail.example.com", "mail2.example.com", 0 },
		{ "mail.example.com", "example.com", 0 },
		{ "mail.example.com", "xmail.example.com", 0 },
		{ "*.example.com", "mail.example.com", 1 },
		{ "*.example.com", "Mail.Example.Com.", 1 },
		{ "*.example.com", "example.com", 0 },
		{ "*.example.com", "a.b.example.com", 0 },
		{ "*.example.com", "mailexample.com", 0 },
		{ "*.example.com", ".example.com", 0 },
		{ "*.example.com", "", 0 },
		{ "*.example.com", ".", 0 },
	};
	struct mtasts_policy	 pol;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&pol, 0, sizeof(pol));
		pol.mode = MTASTS_MODE_ENFORCE;
		strcpy(pol.mx[0], t[i].pattern);
		pol.nmx = 1;
		if (mtasts_mx_match(&pol, t[i].host) != t[i].match) {
			print_error("%s vs \"%s\": want %d\n", t[i].pattern,
			    t[i].host, t[i].match);
			fail();
		}
	}
}

static void
test_check_mx(void **state)
{
	const char		*b = "version: STSv1\nmode: enforce\n"
	    "mx: mail.example.com\nmx: *.example.net\nmax_age: 86400\n";
	const char		*mx[] = { "mail.example.com.", "a.example.net.",
	    "backup.example.org.", "a.b.example.net." };
	struct mtasts_policy	 pol;
	struct finding_list	 fl = { 0 };

	(void)state;
	assert_int_equal(mtasts_parse_policy(D, b, strlen(b), &pol, &fl), 0);
	assert_int_equal(mtasts_check_mx(D, &pol, mx, 4, &fl), 2);
	{
		const struct want w[] = {
			{ F_MTASTS_MX_MISMATCH, SEV_CRIT, P ": MX "
			    "backup.example.org. matches no mx pattern "
			    "(mail.example.com, *.example.net); mode enforce" },
			{ F_MTASTS_MX_MISMATCH, SEV_CRIT, P ": MX "
			    "a.b.example.net. matches no mx pattern" },
			{ 0 },
		};

		want_findings("enforce", &fl, w);
	}
	finding_list_free(&fl);

	pol.mode = MTASTS_MODE_TESTING;
	assert_int_equal(mtasts_check_mx(D, &pol, mx, 3, &fl), 1);
	assert_int_equal(fl.n, 1);
	assert_int_equal(fl.v[0].severity, SEV_WARN);
	assert_non_null(strstr(fl.v[0].evidence, "mode testing"));
	finding_list_free(&fl);

	pol.mode = MTASTS_MODE_NONE;
	assert_int_equal(mtasts_check_mx(D, &pol, mx, 4, &fl), 0);
	assert_int_equal(fl.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_policy_fields),
		cmocka_unit_test(test_policy_bounds),
		cmocka_unit_test(test_mx_match),
		cmocka_unit_test(test_check_mx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
