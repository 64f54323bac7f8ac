/*
 * test_dmarc.c - the DMARC record audit: selection, tag errors,
 * the p=none fallback, the policy of a subdomain, pct=0, organisational
 * domains from the Public Suffix List, external report destinations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dmarc.h"
#include "want_findings.h"

#define D	"example.com"
#define R	"_dmarc.example.com: "

struct dcase {
	const char	*name;
	const char	*txt[4];	/* TXT records at _dmarc.D, NULL-ended */
	int		 ret;		/* dmarc_check() */
	struct want	 want[WANT_MAX];
};

static const struct dcase cases[] = {
	{ "reject", { "v=DMARC1; p=reject; rua=mailto:d@example.com" }, 0,
	    { { 0 } } },
	{ "quarantine, spacing and case", { "V = DMARC1 ; P = Quarantine ;" },
	    0, { { 0 } } },
	{ "no record", { NULL }, -1,
	    { { F_DMARC_NONE, SEV_WARN, R "no TXT record starts with "
	    "v=DMARC1 (0 TXT records)" } } },
	{ "only other TXT", { "v=spf1 -all", "hello" }, -1,
	    { { F_DMARC_NONE, SEV_WARN, "(2 TXT records)" } } },
	{ "DMARC10 is not DMARC1", { "v=DMARC10; p=reject" }, -1,
	    { { F_DMARC_NONE, SEV_WARN, R "no TXT record" } } },
	{ "lowercase version", { "v=dmarc1; p=reject" }, -1,
	    { { F_DMARC_NONE, SEV_WARN, R "no TXT record" } } },
	{ "other TXT ignored", { "google-site-verification=x",
	    "v=DMARC1; p=reject" }, 0, { { 0 } } },
	{ "two records", { "v=DMARC1; p=none", "v=DMARC1; p=reject" }, -1,
	    { { F_DMARC_MULTIPLE, SEV_CRIT, R "2 records start with v=DMARC1, "
	    "receivers apply none: \"v=DMARC1; p=none\", "
	    "\"v=DMARC1; p=reject\"" } } },
	{ "p=none", { "v=DMARC1; p=none; rua=mailto:d@example.com" }, 0,
	    { { F_DMARC_POLICY_NONE, SEV_INFO, R "p=none" } } },
	{ "p missing, no rua", { "v=DMARC1; sp=reject" }, -1,
	    { { F_DMARC_SYNTAX, SEV_CRIT, R "p: missing, and rua has no "
	    "valid URI: receivers ignore the record" } } },
	{ "p missing, rua valid", { "v=DMARC1; rua=mailto:r@example.com" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "p: missing; receivers act as "
	    "if p=none because rua has a valid URI" },
	      { F_DMARC_POLICY_NONE, SEV_INFO, R "acted on as p=none" } } },
	{ "p after rua still sees rua", { "v=DMARC1; rua=mailto:r@example.com;"
	    " p=nne" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "p=\"nne\": not none, quarantine "
	    "or reject; receivers act as if p=none" },
	      { F_DMARC_POLICY_NONE, SEV_INFO, "acted on as p=none" } } },
	{ "bad p", { "v=DMARC1; p=nne" }, -1,
	    { { F_DMARC_SYNTAX, SEV_CRIT, R "p=\"nne\": not none, quarantine "
	    "or reject, and rua has no valid URI" } } },
	{ "bad sp without rua", { "v=DMARC1; p=reject; sp=rejct" }, -1,
	    { { F_DMARC_SYNTAX, SEV_CRIT, R "sp=\"rejct\": not none" } } },
	{ "bad sp with rua", { "v=DMARC1; p=reject; sp=rejct; "
	    "rua=mailto:a@example.com" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "sp=\"rejct\": not none, "
	    "quarantine or reject; receivers act as if p=none" },
	      { F_DMARC_POLICY_NONE, SEV_INFO, "acted on as p=none" } } },
	{ "pct=0 quarantine", { "v=DMARC1; p=quarantine; pct=0" }, 0,
	    { { F_DMARC_POLICY_NONE, SEV_INFO, R "pct=0: p=quarantine is "
	    "enacted on no message, so it protects nothing (RFC 7489 6.6.4: "
	    "receivers handle failing mail as they would without DMARC); "
	    "DMARCbis (RFC 9989) drops pct" } } },
	{ "pct=0 reject", { "v=DMARC1; p=reject; pct=0" }, 0,
	    { { F_DMARC_POLICY_NONE, SEV_INFO, R "pct=0: p=reject is enacted "
	    "on no message, so nothing is rejected (RFC 7489 6.6.4: "
	    "receivers quarantine instead); DMARCbis (RFC 9989) drops "
	    "pct" } } },
	{ "pct=1", { "v=DMARC1; p=reject; pct=1" }, 0, { { 0 } } },
	{ "pct=0 with p=none: one finding", { "v=DMARC1; p=none; pct=0" }, 0,
	    { { F_DMARC_POLICY_NONE, SEV_INFO, R "p=none" } } },
	{ "sp=none on the domain itself", { "v=DMARC1; p=reject; sp=none" },
	    0, { { 0 } } },
	{ "pct over 100", { "v=DMARC1; p=reject; pct=150" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "pct=\"150\": not an integer "
	    "0-100; receivers use 100" } } },
	{ "pct not a number", { "v=DMARC1; p=reject; pct=50%" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "pct=\"50%\": not an integer" } } },
	{ "pct four digits", { "v=DMARC1; p=reject; pct=0050" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "pct=\"0050\"" } } },
	{ "adkim", { "v=DMARC1; p=reject; adkim=x" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "adkim=\"x\": not r or s; "
	    "receivers use r" } } },
	{ "aspf", { "v=DMARC1; p=reject; aspf=strict" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "aspf=\"strict\": not r or s" } } },
	{ "fo", { "v=DMARC1; p=reject; fo=0:x" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "fo=\"0:x\": each option must be "
	    "0, 1, d or s; receivers use 0" } } },
	{ "fo empty item", { "v=DMARC1; p=reject; fo=1:" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "fo=\"1:\"" } } },
	{ "ri over 32 bits", { "v=DMARC1; p=reject; ri=4294967296" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "ri=\"4294967296\": not an "
	    "unsigned 32-bit integer; receivers use 86400" } } },
	{ "rf", { "v=DMARC1; p=reject; rf=iodef" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "rf=\"iodef\": afrf is the only "
	    "report format" } } },
	{ "rua https", { "v=DMARC1; p=reject; rua=https://r.example.net/x" },
	    0, { { F_DMARC_SYNTAX, SEV_WARN, R "rua: \"https://r.example.net/x"
	    "\": receivers need only support mailto:" } } },
	{ "rua without address", { "v=DMARC1; p=reject; rua=mailto:noat" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "rua: \"mailto:noat\": mailto: URI "
	    "without an address" } } },
	{ "rua no scheme", { "v=DMARC1; p=reject; rua=d@example.com" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "rua: \"d@example.com\": URI has "
	    "no scheme" } } },
	{ "rua bad domain", { "v=DMARC1; p=reject; rua=mailto:d@ex_ample.com" },
	    0, { { F_DMARC_SYNTAX, SEV_WARN, "character not allowed in a host "
	    "name" } } },
	{ "rua trailing comma", { "v=DMARC1; p=reject; "
	    "rua=mailto:d@example.com," }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "rua: \"\": empty URI" } } },
	{ "rua size", { "v=DMARC1; p=reject; rua=mailto:d@example.com!10m" },
	    0, { { 0 } } },
	{ "rua bad size", { "v=DMARC1; p=reject; "
	    "ruf=mailto:d@example.com!10x" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "ruf: \"mailto:d@example.com!10x\": "
	    "size limit must be digits" } } },
	{ "rua bad size only, no p", { "v=DMARC1; rua=mailto:d@example.com!" },
	    -1, { { F_DMARC_SYNTAX, SEV_WARN, "size limit" },
	      { F_DMARC_SYNTAX, SEV_CRIT, R "p: missing, and rua has no "
	    "valid URI" } } },
	{ "unknown tag", { "v=DMARC1; p=reject; foo=bar" }, 0,
	    { { F_DMARC_SYNTAX, SEV_INFO, R "foo=\"bar\": unknown tag: "
	    "receivers ignore it" } } },
	{ "duplicate tag", { "v=DMARC1; p=reject; p=none" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "\"p=none\": duplicate tag; "
	    "receivers skip it" } } },
	{ "tag without =", { "v=DMARC1; p=reject; rua" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "\"rua\": \"=\" expected after "
	    "the tag name" } } },
	{ "missing semicolon", { "v=DMARC1 p=reject" }, -1,
	    { { F_DMARC_SYNTAX, SEV_CRIT, R "v=\"DMARC1 p=reject\": must be "
	    "exactly DMARC1" } } },
	{ "control byte", { "v=DMARC1; p=reject; foo=a\001b" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, R "\"foo=a?b\": control or "
	    "non-ASCII byte in the value" } } },
	{ "empty tag-specs", { "v=DMARC1;; p=reject;;" }, 0, { { 0 } } },
};

static void
test_cases(void **state)
{
	struct dmarc_record	 rec;
	struct finding_list	 fl;
	size_t			 i, n, len[4];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&fl, 0, sizeof(fl));
		for (n = 0; n < 4 && cases[i].txt[n] != NULL; n++)
			len[n] = strlen(cases[i].txt[n]);
		if (dmarc_check(D, D, cases[i].txt, len, n, &rec, &fl) !=
		    cases[i].ret) {
			print_error("%s: want return %d\n", cases[i].name,
			    cases[i].ret);
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
	const char		*s = "v=DMARC1; p=quarantine; sp=reject; pct=50; "
	    "adkim=s; aspf=S; fo=1:d:s; ri=3600; "
	    "rua=mailto:a@example.com!10m , mailto:b@Other.NET; "
	    "ruf=mailto:f@example.com!2";
	struct dmarc_record	 rec;
	struct finding_list	 fl = { 0 };

	(void)state;
	assert_int_equal(dmarc_parse(D, s, strlen(s), &rec, &fl), 0);
	assert_int_equal(fl.n, 0);
	assert_int_equal(rec.p, DMARC_P_QUARANTINE);
	assert_int_equal(rec.sp, DMARC_P_REJECT);
	assert_int_equal(rec.pct, 50);
	assert_int_equal(rec.adkim, 's');
	assert_int_equal(rec.aspf, 's');
	assert_int_equal(rec.fo, DMARC_FO_1 | DMARC_FO_D | DMARC_FO_S);
	assert_int_equal(rec.ri, 3600);
	assert_int_equal(rec.nrua, 2);
	assert_string_equal(rec.rua[0].uri, "mailto:a@example.com");
	assert_string_equal(rec.rua[0].host, "example.com");
	assert_true(rec.rua[0].size == 10ULL << 20);
	assert_string_equal(rec.rua[1].host, "other.net");
	assert_int_equal(rec.nruf, 1);
	assert_true(rec.ruf[0].size == 2);
	assert_string_equal(dmarc_policy_name(rec.p), "quarantine");
	finding_list_free(&fl);

	/* Defaults; sp follows p. */
	s = "v=DMARC1; p=reject";
	assert_int_equal(dmarc_parse(D, s, strlen(s), &rec, &fl), 0);
	assert_int_equal(rec.sp, DMARC_P_REJECT);
	assert_int_equal(rec.pct, 100);
	assert_int_equal(rec.adkim, 'r');
	assert_int_equal(rec.fo, DMARC_FO_0);
	assert_int_equal(rec.ri, 86400);
	assert_int_equal(rec.nrua, 0);
	finding_list_free(&fl);
}

static void
test_bounds(void **state)
{
	struct dmarc_record	 rec;
	struct finding_list	 fl = { 0 };
	char			*s;
	size_t			 i, len;

	(void)state;
	/* Longer than DMARC_RECORD_MAX. */
	len = DMARC_RECORD_MAX + 1;
	s = malloc(len);
	assert_non_null(s);
	memcpy(s, "v=DMARC1; p=reject; x=", 22);
	memset(s + 22, 'a', len - 22);
	assert_int_equal(dmarc_parse(D, s, len, &rec, &fl), -1);
	assert_int_equal(fl.n, 1);
	assert_int_equal(fl.v[0].id, F_DMARC_SYNTAX);
	assert_int_equal(fl.v[0].severity, SEV_CRIT);
	assert_non_null(strstr(fl.v[0].evidence, "record is 4097 bytes, "
	    "over 4096"));
	finding_list_free(&fl);

	/* 300 distinct bad URIs make a bounded number of findings. */
	len = 0;
	len += (size_t)sprintf(s, "v=DMARC1; p=reject; rua=");
	for (i = 0; i < 300; i++)
		len += (size_t)sprintf(s + len, "%su%zu", i ? "," : "", i);
	assert_int_equal(dmarc_parse(D, s, len, &rec, &fl), 0);
	assert_int_equal(fl.n, TXTREC_FINDINGS_MAX);
	finding_list_free(&fl);

	/* More URIs than kept: the first DMARC_URIS_MAX are. */
	len = (size_t)sprintf(s, "v=DMARC1; p=reject; rua=");
	for (i = 0; i < DMARC_URIS_MAX + 3; i++)
		len += (size_t)sprintf(s + len, "%smailto:r@d%zu.example",
		    i ? "," : "", i);
	assert_int_equal(dmarc_parse(D, s, len, &rec, &fl), 0);
	assert_int_equal(fl.n, 0);
	assert_int_equal(rec.nrua, DMARC_URIS_MAX);
	finding_list_free(&fl);

	/* A NUL inside the record is a byte like any other. */
	assert_int_equal(dmarc_parse(D, "v=DMARC1; p=reject; x=\0", 23, &rec,
	    &fl), 0);
	assert_int_equal(fl.n, 1);
	assert_int_equal(fl.v[0].severity, SEV_WARN);
	finding_list_free(&fl);
	free(s);
}

/* The record of the organisational domain, judged for a subdomain. */
#define SUB	"mail.example.com.cn"
#define ORG	"example.com.cn"
#define RO	"_dmarc.example.com.cn: "
#define OF	", the policy of mail.example.com.cn, which has no record and " \
		"gets its organisational domain's (RFC 7489 6.6.3)"

static const struct dcase subcases[] = {
	{ "sp=none", { "v=DMARC1; p=reject; sp=none" }, 0,
	    { { F_DMARC_POLICY_NONE, SEV_INFO, RO "sp=none" OF } } },
	{ "sp=reject, p=none", { "v=DMARC1; p=none; sp=reject" }, 0,
	    { { 0 } } },
	{ "p=none, no sp", { "v=DMARC1; p=none" }, 0,
	    { { F_DMARC_POLICY_NONE, SEV_INFO, RO "p=none (no sp=)" OF } } },
	{ "p=reject, no sp", { "v=DMARC1; p=reject" }, 0, { { 0 } } },
	{ "sp=quarantine, pct=0", { "v=DMARC1; p=reject; sp=quarantine; "
	    "pct=0" }, 0,
	    { { F_DMARC_POLICY_NONE, SEV_INFO, RO "pct=0: sp=quarantine is "
	    "enacted on no message" OF ", so it protects nothing" } } },
	{ "bad sp, rua: fallback", { "v=DMARC1; p=reject; sp=x; "
	    "rua=mailto:d@example.com.cn" }, 0,
	    { { F_DMARC_SYNTAX, SEV_WARN, RO "sp=\"x\"" },
	      { F_DMARC_POLICY_NONE, SEV_INFO, RO "acted on as p=none (RFC "
	    "7489 6.6.3 fallback)" OF } } },
	{ "none at either", { "v=spf1 -all" }, -1,
	    { { F_DMARC_NONE, SEV_WARN, "_dmarc.mail.example.com.cn: no TXT "
	    "record starts with v=DMARC1, nor at _dmarc.example.com.cn, its "
	    "organisational domain's (1 TXT records there)" } } },
};

static void
test_subdomain(void **state)
{
	struct dmarc_record	 rec;
	struct finding_list	 fl;
	size_t			 i, n, len[4];

	(void)state;
	for (i = 0; i < sizeof(subcases) / sizeof(subcases[0]); i++) {
		memset(&fl, 0, sizeof(fl));
		for (n = 0; n < 4 && subcases[i].txt[n] != NULL; n++)
			len[n] = strlen(subcases[i].txt[n]);
		if (dmarc_check(SUB, ORG, subcases[i].txt, len, n, &rec,
		    &fl) != subcases[i].ret) {
			print_error("%s: want return %d\n", subcases[i].name,
			    subcases[i].ret);
			want_dump(&fl);
			fail();
		}
		want_findings(subcases[i].name, &fl, subcases[i].want);
		finding_list_free(&fl);
	}

	/* applied: sp for the subdomain, p for the domain itself. */
	{
		const char	*s[] = { "v=DMARC1; p=reject; sp=none" };
		size_t		 l[] = { strlen(s[0]) };

		memset(&fl, 0, sizeof(fl));
		assert_int_equal(dmarc_check(SUB, ORG, s, l, 1, &rec, &fl), 0);
		assert_int_equal(rec.applied, DMARC_P_NONE);
		assert_int_equal(dmarc_check("Example.COM.CN.", ORG, s, l, 1,
		    &rec, &fl), 0);
		assert_int_equal(rec.applied, DMARC_P_REJECT);
		finding_list_free(&fl);
	}
}

static void
test_org_domain(void **state)
{
	static const struct {
		const char	*in, *org;
	} t[] = {
		/* Suffixes of two labels (RFC 7489 3.2): the cases. */
		{ "example.com.cn", "example.com.cn" },
		{ "mail.example.com.cn", "example.com.cn" },
		{ "a.b.example.edu.cn", "example.edu.cn" },
		{ "www.example.co.uk", "example.co.uk" },
		{ "x.example.com.au", "example.com.au" },
		{ "a.b.example.com", "example.com" },
		{ "Mail.Example.CO.UK.", "example.co.uk" },
		/* A suffix is its own; so is a single label. */
		{ "com.cn", "com.cn" },
		{ "co.uk", "co.uk" },
		{ "com", "com" },
		{ "localhost", "localhost" },
		/* Not on the list: the last label is the suffix ("*"). */
		{ "a.b.example.test", "example.test" },
		{ "sub.bad.example", "bad.example" },
		/* A-labels: xn--fiqs8s is .中国 on the list. */
		{ "mail.xn--fsqu00a.xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s" },
		{ "", "" },
	};
	char	 out[TXTREC_HOST_MAX + 1], longname[300];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(dmarc_org_domain(t[i].in, out, sizeof(out)),
		    0);
		if (strcmp(out, t[i].org) != 0) {
			print_error("%s: want %s, got %s\n", t[i].in, t[i].org,
			    out);
			fail();
		}
	}
	/* Too long for DNS, or for out. */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(dmarc_org_domain(longname, out, sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(dmarc_org_domain("mail.example.com", out, 8), -1);
}

static void
test_same_org(void **state)
{
	static const struct {
		const char	*a, *b;
		int		 same;
	} t[] = {
		{ "example.com", "example.com", 1 },
		{ "a.example.com", "example.com", 1 },
		{ "example.com.", "EXAMPLE.COM", 1 },
		{ "x.y.example.com", "z.example.com", 1 },
		{ "example.com", "example.net", 0 },
		{ "example.com", "vendor.com", 0 },
		{ "com", "example.com", 0 },
		{ "localhost", "localhost", 1 },
		/* Public suffixes of two labels: each registrant is its own. */
		{ "a.example.co.uk", "b.other.co.uk", 0 },
		{ "a.example.co.uk", "reports.example.co.uk", 1 },
		{ "example.com.cn", "other.com.cn", 0 },
		{ "mail.example.com.cn", "EXAMPLE.com.cn.", 1 },
		{ "example.edu.cn", "example.com.cn", 0 },
		{ "example.com.au", "vendor.com.au", 0 },
		{ "com.cn", "example.com.cn", 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (dmarc_same_org(t[i].a, t[i].b) != t[i].same) {
			print_error("%s vs %s: want %d\n", t[i].a, t[i].b,
			    t[i].same);
			fail();
		}
}

static void
test_report_dests(void **state)
{
	const char		*s = "v=DMARC1; p=reject; "
	    "rua=mailto:a@example.com,mailto:b@sub.example.com,"
	    "mailto:c@Reports.Vendor.net,mailto:d@vendor.net,"
	    "https://r.other.org/; ruf=mailto:e@reports.vendor.net,"
	    "mailto:f@fail.example.org";
	struct dmarc_record	 rec;
	struct dmarc_dest	 d[DMARC_DESTS_MAX];
	struct finding_list	 fl = { 0 };
	size_t			 n;

	(void)state;
	assert_int_equal(dmarc_parse("Example.COM.", s, strlen(s), &rec, &fl),
	    0);
	finding_list_free(&fl);
	n = dmarc_report_dests("Example.COM.", &rec, d, DMARC_DESTS_MAX);
	assert_int_equal(n, 3);
	assert_string_equal(d[0].tag, "rua");
	assert_string_equal(d[0].host, "reports.vendor.net");
	assert_string_equal(d[0].uri, "mailto:c@Reports.Vendor.net");
	assert_string_equal(d[0].qname,
	    "example.com._report._dmarc.reports.vendor.net");
	assert_string_equal(d[1].host, "vendor.net");
	assert_string_equal(d[2].tag, "ruf");
	assert_string_equal(d[2].qname,
	    "example.com._report._dmarc.fail.example.org");
	/* max bounds the output. */
	assert_int_equal(dmarc_report_dests("example.com", &rec, d, 1), 1);

	/* Under com.cn, every registrant is an organisation of its own. */
	s = "v=DMARC1; p=reject; rua=mailto:a@reports.example.com.cn,"
	    "mailto:b@other.com.cn";
	assert_int_equal(dmarc_parse("example.com.cn", s, strlen(s), &rec,
	    &fl), 0);
	assert_int_equal(fl.n, 0);
	n = dmarc_report_dests("example.com.cn", &rec, d, DMARC_DESTS_MAX);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].host, "other.com.cn");
	assert_string_equal(d[0].qname,
	    "example.com.cn._report._dmarc.other.com.cn");
}

static void
test_report_check(void **state)
{
	struct dmarc_dest	 d;
	struct finding_list	 fl = { 0 };
	const char		*yes[] = { "v=spf1 -all", "v=DMARC1" };
	const char		*no[] = { "v=spf1 -all" };
	size_t			 yeslen[] = { 11, 8 }, nolen[] = { 11 };
	char			 longdom[300];

	(void)state;
	memset(&d, 0, sizeof(d));
	d.tag = "rua";
	strcpy(d.uri, "mailto:c@reports.vendor.net");
	strcpy(d.host, "reports.vendor.net");
	strcpy(d.qname, "example.com._report._dmarc.reports.vendor.net");

	assert_int_equal(dmarc_report_check(D, &d, yes, yeslen, 2, &fl), 1);
	assert_int_equal(fl.n, 0);
	assert_int_equal(dmarc_report_authorized(yes, yeslen, 2), 1);
	assert_int_equal(dmarc_report_authorized(no, nolen, 1), 0);

	assert_int_equal(dmarc_report_check(D, &d, no, nolen, 1, &fl), 0);
	assert_int_equal(dmarc_report_check(D, &d, NULL, NULL, 0, &fl), 0);
	{
		const struct want w[] = {
			{ F_DMARC_RUA_UNAUTHORIZED, SEV_WARN, R
			    "rua=\"mailto:c@reports.vendor.net\": no TXT record "
			    "starting v=DMARC1 at example.com._report._dmarc."
			    "reports.vendor.net (1 TXT records): "
			    "reports.vendor.net has not agreed" },
			{ F_DMARC_RUA_UNAUTHORIZED, SEV_WARN, "(0 TXT records)" },
			{ 0 },
		};

		want_findings("unauthorized", &fl, w);
	}
	finding_list_free(&fl);

	/* RFC 7489 7.1: a name too long for DNS cannot authorise. */
	{
		const char		*s = "v=DMARC1; p=reject; "
		    "rua=mailto:a@reports.vendor.net";
		struct dmarc_record	 rec;
		struct dmarc_dest	 dd[2];

		memset(longdom, 'a', 240);
		strcpy(longdom + 240, ".example.com");
		assert_int_equal(dmarc_parse(longdom, s, strlen(s), &rec, &fl),
		    0);
		assert_int_equal(dmarc_report_dests(longdom, &rec, dd, 2), 1);
		assert_string_equal(dd[0].qname, "");
		assert_int_equal(dmarc_report_check(longdom, &dd[0], yes,
		    yeslen, 2, &fl), 0);
		assert_int_equal(fl.n, 1);
		assert_int_equal(fl.v[0].id, F_DMARC_RUA_UNAUTHORIZED);
		assert_non_null(strstr(fl.v[0].evidence, "longer than 253"));
		finding_list_free(&fl);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_subdomain),
		cmocka_unit_test(test_org_domain),
		cmocka_unit_test(test_same_org),
		cmocka_unit_test(test_report_dests),
		cmocka_unit_test(test_report_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
