/*
 * test_finding.c - unit tests of lib/finding.c: the catalogue (ids,
 * layers, texts, the ids the CLI contract names) and the finding list
 * (add, sanitising, bounds, severities, find, worst, move, free).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "finding.h"

static void
fail_row(const char *row, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void
fail_row(const char *row, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("row \"%s\": %s", row, msg);
	abort();	/* not reached: fail_msg longjmps */
}

/* Lower-case words of [a-z0-9-], joined by single dots, at least two. */
static int
dotted(const char *id)
{
	const char	*p;
	int		 dots = 0, word = 0;

	for (p = id; *p != '\0'; p++) {
		if (*p == '.') {
			if (word == 0)
				return 0;
			dots++;
			word = 0;
		} else if ((*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-') {
			if (word == 0 && *p == '-')
				return 0;
			word++;
		} else
			return 0;
	}
	return dots >= 1 && word > 0;
}

/* The layer an id's first word belongs to. */
static int
layer_of_prefix(const char *id, enum layer *l)
{
	static const struct {
		const char	*prefix;
		enum layer	 layer;
	} prefixes[] = {
		{ "net.", LAYER_NET },
		{ "tls.", LAYER_TLS },
		{ "smtp.", LAYER_SMTP },
		{ "policy.", LAYER_POLICY },
		{ "probe.", LAYER_PROBE },
		{ "dns.", LAYER_DNS }, { "mx.", LAYER_DNS },
		{ "ptr.", LAYER_DNS }, { "spf.", LAYER_DNS },
		{ "dmarc.", LAYER_DNS }, { "dkim.", LAYER_DNS },
		{ "mtasts.", LAYER_DNS }, { "tlsrpt.", LAYER_DNS },
		{ "dane.", LAYER_DNS }, { "dnsbl.", LAYER_DNS },
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(id, prefixes[i].prefix,
		    strlen(prefixes[i].prefix)) == 0) {
			*l = prefixes[i].layer;
			return 1;
		}
	return 0;
}

static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static void
test_table_rows(void **state)
{
	const struct finding_def	*t = finding_table();
	int				 i, j;

	(void)state;
	assert_non_null(t);
	for (i = 0; i < F_COUNT; i++) {
		const struct finding_def	*d = &t[i];
		char				 row[16];
		enum layer			 l;

		snprintf(row, sizeof(row), "%d", i);
		if (d->id == NULL)
			fail_row(row, "no id");
		if (!dotted(d->id))
			fail_row(d->id, "not a dotted lower-case id");
		if (d->summary == NULL || d->summary[0] == '\0' ||
		    !printable(d->summary))
			fail_row(d->id, "empty or unprintable summary");
		if (d->hint == NULL || d->hint[0] == '\0' || !printable(d->hint))
			fail_row(d->id, "empty or unprintable hint");
		/* one line each: rendered after "id: " in human output */
		if (strlen(d->summary) > 120 || strlen(d->hint) > 120)
			fail_row(d->id, "summary or hint over 120 bytes");
		if (strcmp(d->summary, d->hint) == 0)
			fail_row(d->id, "hint repeats the summary");
		if (d->severity < SEV_INFO || d->severity > SEV_CRIT)
			fail_row(d->id, "severity %d", d->severity);
		if (strcmp(finding_layer_name(d->layer), "?") == 0)
			fail_row(d->id, "layer %d", d->layer);
		/* the prober's own trouble is never the target's fault */
		if (d->layer == LAYER_PROBE && d->blame != BLAME_CLIENT)
			fail_row(d->id, "a probe.* finding that blames the target");
		if (!layer_of_prefix(d->id, &l))
			fail_row(d->id, "unknown first word");
		if (l != d->layer)
			fail_row(d->id, "layer %s, the id says %s",
			    finding_layer_name(d->layer), finding_layer_name(l));
		for (j = 0; j < i; j++)
			if (strcmp(t[j].id, d->id) == 0)
				fail_row(d->id, "duplicate of row %d", j);
		if (finding_def((enum finding_id)i) != d)
			fail_row(d->id, "finding_def is not the table row");
	}
	assert_null(finding_def(F_COUNT));
	assert_null(finding_def((enum finding_id)-1));
	assert_null(finding_def((enum finding_id)1000));
}

static void
test_lookup(void **state)
{
	static const char *unknown[] = { "", "tls", "tls.cert", "tls.cert.",
	    "TLS.CERT.EXPIRED", "tls.cert.expired ", " tls.cert.expired",
	    "tls.cert.expiredx", "tls.cert.expire", "net.connect.refused\n",
	    "nope.nope" };
	const struct finding_def	*t = finding_table();
	int				 i;

	(void)state;
	for (i = 0; i < F_COUNT; i++)
		if (finding_lookup(t[i].id) != (enum finding_id)i)
			fail_row(t[i].id, "lookup gives %d, want %d",
			    finding_lookup(t[i].id), i);
	for (size_t k = 0; k < sizeof(unknown) / sizeof(unknown[0]); k++)
		if (finding_lookup(unknown[k]) != F_COUNT)
			fail_row(unknown[k], "found, want F_COUNT");
}

/* Every id the CLI contract names, with the severity it fixes. */
static void
test_contract_ids(void **state)
{
	static const struct {
		const char	*id;
		enum finding_id	 want;
		int		 sev;	/* -1: the contract leaves it open */
	} ids[] = {
		{ "net.connect.refused", F_NET_CONNECT_REFUSED, -1 },
		{ "net.connect.timeout", F_NET_CONNECT_TIMEOUT, -1 },
		{ "net.unreachable", F_NET_UNREACHABLE, -1 },
		{ "net.reset", F_NET_RESET, -1 },
		{ "net.ipv6.broken", F_NET_IPV6_BROKEN, -1 },
		{ "smtp.banner.4xx", F_SMTP_BANNER_4XX, -1 },
		{ "smtp.banner.5xx", F_SMTP_BANNER_5XX, -1 },
		{ "smtp.banner.timeout", F_SMTP_BANNER_TIMEOUT, -1 },
		{ "smtp.banner.slow", F_SMTP_BANNER_SLOW, -1 },
		{ "smtp.reply.malformed", F_SMTP_REPLY_MALFORMED, -1 },
		{ "smtp.reply.too-long", F_SMTP_REPLY_TOO_LONG, -1 },
		{ "smtp.ehlo.rejected", F_SMTP_EHLO_REJECTED, SEV_WARN },
		{ "smtp.auth.plaintext", F_SMTP_AUTH_PLAINTEXT, -1 },
		{ "smtp.phase.timeout", F_SMTP_PHASE_TIMEOUT, -1 },
		{ "smtp.phase.slow", F_SMTP_PHASE_SLOW, -1 },
		{ "tls.starttls.missing", F_TLS_STARTTLS_MISSING, -1 },
		{ "tls.starttls.refused", F_TLS_STARTTLS_REFUSED, -1 },
		{ "tls.handshake", F_TLS_HANDSHAKE, -1 },
		{ "tls.cert.expired", F_TLS_CERT_EXPIRED, SEV_CRIT },
		{ "tls.cert.not-yet-valid", F_TLS_CERT_NOT_YET_VALID, SEV_CRIT },
		{ "tls.cert.expiring", F_TLS_CERT_EXPIRING, SEV_WARN },
		{ "tls.cert.hostname", F_TLS_CERT_HOSTNAME, -1 },
		{ "tls.cert.untrusted", F_TLS_CERT_UNTRUSTED, -1 },
		{ "tls.protocol.old", F_TLS_PROTOCOL_OLD, -1 },
		{ "tls.key.weak", F_TLS_KEY_WEAK, -1 },
		{ "policy.mail.rejected", F_POLICY_MAIL_REJECTED, -1 },
		{ "policy.rcpt.rejected", F_POLICY_RCPT_REJECTED, -1 },
		{ "policy.rcpt.unknown-user", F_POLICY_RCPT_UNKNOWN_USER, -1 },
		{ "policy.rcpt.accepted", F_POLICY_RCPT_ACCEPTED, -1 },
		{ "policy.greylisted", F_POLICY_GREYLISTED, -1 },
		{ "policy.rate-limited", F_POLICY_RATE_LIMITED, -1 },
		{ "policy.deferred", F_POLICY_DEFERRED, -1 },
		{ "policy.open-relay", F_POLICY_OPEN_RELAY, SEV_CRIT },
		{ "policy.client-rejected", F_POLICY_CLIENT_REJECTED, SEV_WARN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		enum finding_id	 id = finding_lookup(ids[i].id);

		if (id != ids[i].want)
			fail_row(ids[i].id, "lookup gives %d, want %d", id,
			    ids[i].want);
		if (ids[i].sev >= 0 &&
		    finding_def(id)->severity != (enum severity)ids[i].sev)
			fail_row(ids[i].id, "severity %s, want %s",
			    finding_severity_name(finding_def(id)->severity),
			    finding_severity_name((enum severity)ids[i].sev));
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(finding_layer_name(LAYER_NET), "net");
	assert_string_equal(finding_layer_name(LAYER_DNS), "dns");
	assert_string_equal(finding_layer_name(LAYER_TLS), "tls");
	assert_string_equal(finding_layer_name(LAYER_SMTP), "smtp");
	assert_string_equal(finding_layer_name(LAYER_POLICY), "policy");
	assert_string_equal(finding_layer_name(LAYER_PROBE), "probe");
	assert_string_equal(finding_layer_name((enum layer)6), "?");
	assert_string_equal(finding_layer_name((enum layer)-1), "?");

	assert_string_equal(finding_severity_name(SEV_OK), "ok");
	assert_string_equal(finding_severity_name(SEV_INFO), "info");
	assert_string_equal(finding_severity_name(SEV_WARN), "warn");
	assert_string_equal(finding_severity_name(SEV_CRIT), "crit");
	assert_string_equal(finding_severity_name((enum severity)4), "?");
	assert_string_equal(finding_severity_name((enum severity)-1), "?");

	/* the JSON "status" of the contract: info maps to ok */
	assert_string_equal(finding_status_name(SEV_OK), "ok");
	assert_string_equal(finding_status_name(SEV_INFO), "ok");
	assert_string_equal(finding_status_name(SEV_WARN), "warn");
	assert_string_equal(finding_status_name(SEV_CRIT), "crit");
}

static void
test_add(void **state)
{
	struct finding_list	 fl = { NULL, 0, 0 };
	struct finding		*f;
	char			 host[] = "mx.example.com", addr[] = "192.0.2.1";

	(void)state;
	f = finding_add(&fl, F_SMTP_BANNER_4XX, -1, host, addr, 2525,
	    "reply=%d text=%s", 421, "busy");
	assert_non_null(f);
	assert_int_equal(fl.n, 1);
	assert_ptr_equal(f, &fl.v[0]);
	assert_int_equal(f->id, F_SMTP_BANNER_4XX);
	assert_int_equal(f->severity, SEV_CRIT);
	assert_int_equal(f->port, 2525);
	assert_string_equal(f->evidence, "reply=421 text=busy");
	/* strings are copies owned by the finding */
	assert_string_equal(f->host, "mx.example.com");
	assert_string_equal(f->addr, "192.0.2.1");
	assert_ptr_not_equal(f->host, host);
	assert_ptr_not_equal(f->addr, addr);
	host[0] = 'X';
	addr[0] = 'X';
	assert_string_equal(fl.v[0].host, "mx.example.com");
	assert_string_equal(fl.v[0].addr, "192.0.2.1");

	/* NULL host, addr and format */
	f = finding_add(&fl, F_DNS_TIMEOUT, -1, NULL, NULL, 0, NULL);
	assert_non_null(f);
	assert_null(f->host);
	assert_null(f->addr);
	assert_int_equal(f->port, 0);
	assert_non_null(f->evidence);
	assert_string_equal(f->evidence, "");

	/* a bad id adds nothing */
	assert_null(finding_add(&fl, F_COUNT, -1, NULL, NULL, 0, "x"));
	assert_null(finding_add(&fl, (enum finding_id)-1, -1, NULL, NULL, 0,
	    "x"));
	assert_int_equal(fl.n, 2);

	finding_list_free(&fl);
	assert_null(fl.v);
	assert_int_equal(fl.n, 0);
	assert_int_equal(fl.cap, 0);
	/* freeing an empty list again is harmless */
	finding_list_free(&fl);
}

static void
test_severity_override(void **state)
{
	static const struct {
		enum finding_id	 id;
		int		 sev;
		enum severity	 want;
	} cases[] = {
		{ F_TLS_CERT_EXPIRING, -1, SEV_WARN },
		{ F_TLS_CERT_EXPIRING, SEV_CRIT, SEV_CRIT },	/* raise */
		{ F_TLS_STARTTLS_MISSING, SEV_CRIT, SEV_CRIT },
		{ F_TLS_STARTTLS_REFUSED, SEV_WARN, SEV_WARN },	/* lower */
		{ F_SMTP_EHLO_REJECTED, SEV_CRIT, SEV_CRIT },
		{ F_MX_NULL, -1, SEV_INFO },
		{ F_MX_NULL, SEV_OK, SEV_OK },
		{ F_NET_RESET, -5, SEV_CRIT },		/* any negative: catalogue */
	};
	struct finding_list	 fl = { NULL, 0, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct finding	*f;

		f = finding_add(&fl, cases[i].id, cases[i].sev, NULL, NULL, 0,
		    "%zu", i);
		if (f == NULL || f->severity != cases[i].want)
			fail_row(finding_def(cases[i].id)->id,
			    "sev %d gives %d, want %d", cases[i].sev,
			    f ? (int)f->severity : -1, cases[i].want);
	}
	finding_list_free(&fl);
}

struct evidence_case {
	const char	*name;
	const char	*in;
	const char	*want;
};

static const struct evidence_case evidence_cases[] = {
	{ "plain", "550 5.7.1 Relay denied", "550 5.7.1 Relay denied" },
	{ "CRLF", "line one\r\nline two", "line one?line two" },
	{ "lone CR and LF", "a\rb\nc", "a?b?c" },
	{ "header injection", "x\r\nX-Evil: 1\r\n", "x?X-Evil: 1?" },
	{ "TAB", "a\tb", "a?b" },
	{ "ESC", "\x1b[31mred\x1b[0m", "?[31mred?[0m" },
	{ "DEL", "a\x7f" "b", "a?b" },
	{ "C1 and 8-bit", "caf\xc3\xa9 \x85", "caf? ?" },
	{ "literal question marks", "why???", "why???" },
	{ "mark then control", "a?\r", "a??" },
	{ "empty", "", "" },
};

static void
test_evidence_sanitised(void **state)
{
	struct finding_list	 fl = { NULL, 0, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(evidence_cases) / sizeof(evidence_cases[0]);
	    i++) {
		const struct evidence_case	*c = &evidence_cases[i];
		struct finding			*f;

		f = finding_add(&fl, F_SMTP_REPLY_MALFORMED, -1, NULL, NULL, 0,
		    "%s", c->in);
		if (f == NULL)
			fail_row(c->name, "finding_add failed");
		if (strcmp(f->evidence, c->want) != 0)
			fail_row(c->name, "evidence \"%s\", want \"%s\"",
			    f->evidence, c->want);
	}
	finding_list_free(&fl);
}

static void
test_evidence_bound(void **state)
{
	static const struct {
		size_t		 len;	/* bytes of evidence formatted */
		size_t		 keep;	/* of them kept before "..." */
		int		 cut;
	} cases[] = {
		{ 0, 0, 0 },
		{ FINDING_EVIDENCE_MAX - 1, FINDING_EVIDENCE_MAX - 1, 0 },
		{ FINDING_EVIDENCE_MAX, FINDING_EVIDENCE_MAX, 0 },
		{ FINDING_EVIDENCE_MAX + 1, FINDING_EVIDENCE_MAX - 3, 1 },
		{ FINDING_EVIDENCE_MAX * 2, FINDING_EVIDENCE_MAX - 3, 1 },
		{ FINDING_EVIDENCE_MAX * 8, FINDING_EVIDENCE_MAX - 3, 1 },
	};
	struct finding_list	 fl = { NULL, 0, 0 };
	char			*in;

	(void)state;
	if ((in = malloc(FINDING_EVIDENCE_MAX * 8 + 1)) == NULL)
		fail();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct finding	*f;
		char		 row[32];
		size_t		 k;

		snprintf(row, sizeof(row), "%zu bytes", cases[i].len);
		memset(in, 'e', cases[i].len);
		in[cases[i].len] = '\0';
		f = finding_add(&fl, F_NET_RESET, -1, NULL, NULL, 0, "%s", in);
		if (f == NULL)
			fail_row(row, "finding_add failed");
		if (strlen(f->evidence) != cases[i].keep + (cases[i].cut ? 3 : 0))
			fail_row(row, "evidence is %zu bytes",
			    strlen(f->evidence));
		for (k = 0; k < cases[i].keep; k++)
			if (f->evidence[k] != 'e')
				fail_row(row, "byte %zu is 0x%02x", k,
				    (unsigned char)f->evidence[k]);
		if (cases[i].cut && strcmp(f->evidence + k, "...") != 0)
			fail_row(row, "cut evidence ends \"%s\"",
			    f->evidence + k);
	}
	/* the bound holds for controls that sanitising turns into '?' */
	memset(in, '\n', FINDING_EVIDENCE_MAX * 2);
	for (size_t k = 0; k < FINDING_EVIDENCE_MAX * 2; k += 2)
		in[k] = 'x';
	in[FINDING_EVIDENCE_MAX * 2] = '\0';
	assert_non_null(finding_add(&fl, F_NET_RESET, -1, NULL, NULL, 0, "%s",
	    in));
	assert_int_equal(strlen(fl.v[fl.n - 1].evidence), FINDING_EVIDENCE_MAX);
	assert_int_equal(strncmp(fl.v[fl.n - 1].evidence, "x?x?", 4), 0);
	assert_string_equal(fl.v[fl.n - 1].evidence + FINDING_EVIDENCE_MAX - 3,
	    "...");
	free(in);
	finding_list_free(&fl);
}

/* Growth past the first allocation keeps every finding intact. */
static void
test_many(void **state)
{
	struct finding_list	 fl = { NULL, 0, 0 };
	char			 want[32];
	size_t			 i;

	(void)state;
	for (i = 0; i < 100; i++)
		assert_non_null(finding_add(&fl, (enum finding_id)(i % F_COUNT),
		    -1, "h", NULL, (int)i, "n=%zu", i));
	assert_int_equal(fl.n, 100);
	assert_true(fl.cap >= 100);
	for (i = 0; i < 100; i++) {
		snprintf(want, sizeof(want), "n=%zu", i);
		assert_int_equal(fl.v[i].id, (enum finding_id)(i % F_COUNT));
		assert_int_equal(fl.v[i].port, (int)i);
		assert_string_equal(fl.v[i].evidence, want);
		assert_string_equal(fl.v[i].host, "h");
	}
	finding_list_free(&fl);
}

static void
test_find_and_worst(void **state)
{
	struct finding_list	 fl = { NULL, 0, 0 };
	const struct finding	*f;

	(void)state;
	assert_null(finding_find(&fl, F_NET_RESET));
	assert_int_equal(finding_worst(&fl), SEV_OK);

	finding_add(&fl, F_MX_NULL, -1, NULL, NULL, 0, "first");
	assert_int_equal(finding_worst(&fl), SEV_INFO);
	finding_add(&fl, F_TLS_CERT_EXPIRING, -1, NULL, NULL, 0, "one");
	finding_add(&fl, F_TLS_CERT_EXPIRING, -1, NULL, NULL, 0, "two");
	assert_int_equal(finding_worst(&fl), SEV_WARN);

	/* the first of several */
	f = finding_find(&fl, F_TLS_CERT_EXPIRING);
	assert_non_null(f);
	assert_ptr_equal(f, &fl.v[1]);
	assert_string_equal(f->evidence, "one");
	assert_null(finding_find(&fl, F_NET_RESET));

	/* a crit lowered to info does not count as crit */
	finding_add(&fl, F_NET_RESET, SEV_INFO, NULL, NULL, 0, "lowered");
	assert_int_equal(finding_worst(&fl), SEV_WARN);
	assert_non_null(finding_find(&fl, F_NET_RESET));
	finding_add(&fl, F_TLS_CERT_EXPIRING, SEV_CRIT, NULL, NULL, 0, "raised");
	assert_int_equal(finding_worst(&fl), SEV_CRIT);
	finding_list_free(&fl);

	/* severity OK findings leave the worst at OK */
	finding_add(&fl, F_MX_NULL, SEV_OK, NULL, NULL, 0, "ok");
	assert_int_equal(finding_worst(&fl), SEV_OK);
	finding_list_free(&fl);
}

static int
drop_all(const struct finding *f, const void *arg)
{
	(void)f;
	(void)arg;
	return 1;
}

static void
test_move(void **state)
{
	struct finding_list	 dst = { NULL, 0, 0 }, src = { NULL, 0, 0 };
	char			*ev;

	(void)state;
	/* empty into empty */
	assert_int_equal(finding_list_move(&dst, &src), 0);
	assert_int_equal(dst.n, 0);
	assert_int_equal(src.n, 0);

	/* into an empty list: pointers move, nothing is copied */
	finding_add(&src, F_NET_RESET, -1, "a", NULL, 0, "s0");
	finding_add(&src, F_MX_NULL, -1, NULL, "192.0.2.1", 0, "s1");
	ev = src.v[0].evidence;
	assert_int_equal(finding_list_move(&dst, &src), 0);
	assert_int_equal(dst.n, 2);
	assert_ptr_equal(dst.v[0].evidence, ev);
	assert_string_equal(dst.v[1].evidence, "s1");
	assert_string_equal(dst.v[1].addr, "192.0.2.1");
	assert_null(src.v);
	assert_int_equal(src.n, 0);
	assert_int_equal(src.cap, 0);

	/* appended after what dst holds, in order */
	for (int i = 0; i < 9; i++)
		finding_add(&src, F_TLS_KEY_WEAK, -1, NULL, NULL, i, "t%d", i);
	assert_int_equal(finding_list_move(&dst, &src), 0);
	assert_int_equal(dst.n, 11);
	assert_true(dst.cap >= 11);
	assert_string_equal(dst.v[0].evidence, "s0");
	assert_string_equal(dst.v[1].evidence, "s1");
	for (int i = 0; i < 9; i++) {
		assert_int_equal(dst.v[2 + i].id, F_TLS_KEY_WEAK);
		assert_int_equal(dst.v[2 + i].port, i);
	}
	assert_int_equal(src.n, 0);
	assert_null(src.v);

	/* the emptied source is usable again */
	finding_add(&src, F_NET_RESET, -1, NULL, NULL, 0, "again");
	assert_int_equal(src.n, 1);
	/* a source emptied by a drop still holds its array: freed too
	   (the SPF audit's temperrors dropped on a local failure leaked) */
	finding_list_drop(&src, drop_all, NULL);
	assert_int_equal(src.n, 0);
	assert_non_null(src.v);
	assert_int_equal(finding_list_move(&dst, &src), 0);
	assert_null(src.v);
	assert_int_equal(src.cap, 0);
	finding_add(&src, F_NET_RESET, -1, NULL, NULL, 0, "again");
	assert_int_equal(src.n, 1);
	/* and dst still grows after a move */
	finding_add(&dst, F_NET_RESET, -1, NULL, NULL, 0, "last");
	assert_int_equal(dst.n, 12);
	assert_string_equal(dst.v[11].evidence, "last");
	assert_int_equal(finding_worst(&dst), SEV_CRIT);

	finding_list_free(&src);
	finding_list_free(&dst);
	assert_null(dst.v);
	assert_int_equal(dst.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_contract_ids),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_severity_override),
		cmocka_unit_test(test_evidence_sanitised),
		cmocka_unit_test(test_evidence_bound),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_find_and_worst),
		cmocka_unit_test(test_move),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
