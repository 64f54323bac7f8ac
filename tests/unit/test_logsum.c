/*
 * test_logsum.c - unit tests of lib/logsum.c: the cause of each kind of
 * log event (through the knowledge base for replies), and the sums:
 * messages against attempts, the qmgr sender joined by queue id, an
 * expiry counted under the cause that kept the message queued, the
 * domain filter, the time window and the bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "logsum.h"

struct cause_case {
	const char	*line;
	const char	*cause;		/* finding id, or NULL: no failure */
	const char	*source;	/* knowledge-base source, or NULL */
};

static const struct cause_case causes[] = {
	{ "Dec  6 09:58:16 mx postfix/smtp[1]: 0C902A722C5: to=<user@grey.test>, relay=127.0.0.1[127.0.0.1]:38291, delay=0.1, delays=0.01/0.07/0.01/0.01, dsn=4.2.0, status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.0 <user@grey.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/greylist.test.html (in reply to RCPT TO command))",
	  "policy.greylisted", "postgrey" },
	{ "Dec  6 09:58:16 mx postfix/smtp[1]: 19896A722C7: to=<user@unknown.test>, relay=127.0.0.1[127.0.0.1]:38661, dsn=5.1.1, status=bounced (host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <user@unknown.test>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))",
	  "policy.rcpt.unknown-user", NULL },
	{ "Dec  6 09:58:16 mx postfix/smtp[1]: 5004FA728E1: to=<user@refused.test>, relay=none, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:27081: Connection refused)",
	  "net.connect.refused", NULL },
	{ "Dec  6 09:58:16 mx postfix/smtp[1]: 5004FA728E1: to=<user@x.test>, relay=none, dsn=4.4.1, status=deferred (connect to mx.x.test[192.0.2.1]:25: Connection timed out)",
	  "net.connect.timeout", NULL },
	{ "Dec  6 09:58:18 mx postfix/smtp[1]: 401D5A728E3: to=<user@silent.test>, relay=127.0.0.1[127.0.0.1]:44813, dsn=4.4.2, status=deferred (conversation with 127.0.0.1[127.0.0.1] timed out while receiving the initial server greeting)",
	  "smtp.banner.timeout", NULL },
	{ "Dec  6 09:58:16 mx postfix/smtp[1]: 57805A722CA: to=<user@notls.test>, relay=127.0.0.1[127.0.0.1]:40629, dsn=4.7.4, status=deferred (TLS is required, but was not offered by host 127.0.0.1[127.0.0.1])",
	  "tls.starttls.missing", NULL },
	{ "Dec  6 09:58:16 mx postfix/smtp[1]: 5D8BFA722CB: to=<user@verify.test>, relay=127.0.0.1[127.0.0.1]:40705, dsn=4.7.5, status=deferred (Server certificate not verified)",
	  "tls.cert.untrusted", NULL },
	{ "Dec  6 09:58:16 mx postfix/smtp[1]: 4F2A81C0F3: to=<a@example.invalid>, relay=none, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found)",
	  "dns.nxdomain", NULL },
	{ "Dec  6 09:58:16 mx postfix/smtp[1]: 0973AA72303: to=<user@ok.test>, relay=127.0.0.1[127.0.0.1]:40705, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as FAKE1)",
	  NULL, NULL },
	{ "Dec  6 09:58:16 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org; from=<x@example.org> to=<a@example.com> proto=ESMTP helo=<h.example.org>",
	  "policy.client.blocklisted", "postfix" },
	{ "Dec  6 09:58:16 mx postfix/smtp[1]: 4F2A81C0F3: to=<a@example.net>, relay=mx.example.net[192.0.2.25]:25, dsn=5.7.1, status=bounced (host mx.example.net[192.0.2.25] said: 550 5.7.1 go away (in reply to MAIL FROM command))",
	  "policy.mail.rejected", NULL },
	{ "Dec  6 10:00:00 mx opendmarc[1]: 4F2A81C0F3: example.org fail",
	  "policy.auth.dmarc", NULL },
	{ "Dec  6 10:00:00 mx policyd-spf[1]: prepend Received-SPF: Softfail (mailfrom) identity=mailfrom; client-ip=192.0.2.7; helo=h; envelope-from=x@example.org; receiver=<UNKNOWN> ",
	  "policy.auth.spf", NULL },
	{ "Dec  6 10:00:00 mx opendkim[1]: 4F2A81C0F3: DKIM verification successful",
	  NULL, NULL },
};

static void
test_causes(void **state)
{
	struct maillog_event	 ev;
	const char		*src, *rem, *url;
	enum finding_id		 id;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		const struct cause_case *t = &causes[i];

		assert_int_equal(maillog_parse_line(t->line, strlen(t->line),
		    &ev, NULL), MAILLOG_OK);
		id = logsum_cause(&ev, &src, &rem, &url);
		if (t->cause == NULL) {
			if (id != F_COUNT)
				fail_msg("case %zu: %s, expected no failure", i,
				    finding_def(id)->id);
			continue;
		}
		if (id == F_COUNT || strcmp(finding_def(id)->id, t->cause) != 0)
			fail_msg("case %zu: %s, expected %s", i, id == F_COUNT ?
			    "none" : finding_def(id)->id, t->cause);
		assert_non_null(rem);
		if (t->source != NULL && (src == NULL ||
		    strcmp(src, t->source) != 0))
			fail_msg("case %zu: source %s, expected %s", i,
			    src ? src : "none", t->source);
	}
}

static void
feed(struct logsum *s, const char *line)
{
	(void)logsum_feed(s, line, strlen(line));
}

static const struct logsum_row *
find_row(struct logsum *s, const char *domain, const char *cause)
{
	const struct logsum_row *const *rows;
	size_t			 n, i;

	rows = logsum_rows(s, &n);
	for (i = 0; i < n; i++)
		if (strcmp(rows[i]->domain, domain) == 0 &&
		    strcmp(finding_def(rows[i]->cause)->id, cause) == 0)
			return rows[i];
	return NULL;
}

#define Q1 "Dec  6 09:58:16 mx postfix/qmgr[1]: AAAAA11111: from=<bob@Sender.TEST>, size=302, nrcpt=1 (queue active)"
#define D1 "Dec  6 09:58:17 mx postfix/smtp[2]: AAAAA11111: to=<u@grey.test>, relay=h[192.0.2.1]:25, dsn=4.2.0, status=deferred (host h[192.0.2.1] said: 450 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/x.html (in reply to RCPT TO command))"
#define D1B "Dec  6 10:08:17 mx postfix/smtp[2]: AAAAA11111: to=<u@grey.test>, relay=h[192.0.2.1]:25, dsn=4.2.0, status=deferred (host h[192.0.2.1] said: 450 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/x.html (in reply to RCPT TO command))"
#define E1 "Dec  6 10:09:00 mx postfix/qmgr[1]: AAAAA11111: from=<bob@sender.test>, status=expired, returned to sender"
#define D2 "Dec  6 09:59:00 mx postfix/smtp[2]: BBBBB22222: to=<v@GREY.test>, relay=h[192.0.2.1]:25, dsn=4.2.0, status=deferred (host h[192.0.2.1] said: 450 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/x.html (in reply to RCPT TO command))"
#define S1 "Dec  6 09:59:30 mx postfix/smtp[2]: CCCCC33333: to=<w@ok.test>, relay=h[192.0.2.2]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)"

static void
test_sums(void **state)
{
	struct logsum_params	 p;
	struct logsum		*s;
	const struct logsum_row	*r;
	const struct logsum_domain *const *d;
	const struct logsum_lines *l;
	size_t			 n;

	(void)state;
	setenv("TZ", "UTC", 1);
	memset(&p, 0, sizeof(p));
	p.now = 1796551096;	/* 2026-12-06 09:58:16 UTC */
	s = logsum_new(&p);
	assert_non_null(s);
	feed(s, Q1);
	feed(s, D1);
	feed(s, D1B);		/* the same message again: one message */
	feed(s, D2);		/* another message; the domain's case folds */
	feed(s, S1);
	feed(s, E1);
	feed(s, "garbage");
	feed(s, "Dec  6 09:58:16 mx dovecot[1]: imap-login: x");
	r = find_row(s, "grey.test", "policy.greylisted");
	assert_non_null(r);
	assert_int_equal(r->messages, 2);
	assert_int_equal(r->attempts, 3);
	assert_int_equal(r->status[MAILLOG_ST_DEFERRED], 3);
	assert_int_equal(r->status[MAILLOG_ST_EXPIRED], 1);
	assert_string_equal(r->sender_domain, "sender.test");
	assert_string_equal(r->source, "postgrey");
	assert_int_equal(r->first, 1796551097);
	assert_int_equal(r->last, 1796551740);	/* the expiry, 10:09:00 */
	assert_non_null(strstr(r->sample, "450 4.2.0 Greylisted"));
	d = logsum_domains(s, &n);
	assert_int_equal(n, 2);
	assert_string_equal(d[0]->domain, "grey.test");	/* failures first */
	assert_int_equal(d[0]->status[MAILLOG_ST_DEFERRED], 3);
	assert_int_equal(d[0]->status[MAILLOG_ST_EXPIRED], 1);
	assert_string_equal(d[1]->domain, "ok.test");
	assert_int_equal(d[1]->status[MAILLOG_ST_SENT], 1);
	l = logsum_lines(s);
	assert_int_equal(l->read, 8);
	assert_int_equal(l->unparsable, 1);
	assert_int_equal(l->foreign, 1);
	logsum_free(s);

	/* the domain filter and the window */
	p.domain = "ok.test";
	s = logsum_new(&p);
	feed(s, D1);
	feed(s, S1);
	d = logsum_domains(s, &n);
	assert_int_equal(n, 1);
	assert_string_equal(d[0]->domain, "ok.test");
	logsum_free(s);
	/* an internationalized domain written in either form is one */
	p.domain = "xn--fsqu00a.test";
	s = logsum_new(&p);
	feed(s, "Dec  6 09:59:30 mx postfix/smtp[2]: DDDDD44444: to=<w@xn--fsqu00a.test>, relay=h[192.0.2.2]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)");
	feed(s, "Dec  6 09:59:31 mx postfix/smtp[2]: EEEEE55555: to=<w@mx.\xe4\xbe\x8b\xe5\xad\x90.test>, relay=h[192.0.2.2]:25, dsn=2.0.0, status=sent (250 2.0.0 Ok)");
	feed(s, S1);
	d = logsum_domains(s, &n);
	assert_int_equal(n, 2);
	assert_string_equal(d[0]->domain, "mx.xn--fsqu00a.test");
	assert_string_equal(d[1]->domain, "xn--fsqu00a.test");
	logsum_free(s);
	p.domain = NULL;
	p.since = 1796551100;	/* after D1, before S1 */
	s = logsum_new(&p);
	feed(s, D1);
	feed(s, S1);
	assert_int_equal(logsum_lines(s)->out_of_range, 1);
	assert_null(find_row(s, "grey.test", "policy.greylisted"));
	logsum_free(s);
}

/*
 * Exim's "retry time not reached": no attempt was made, so the line has
 * no cause of its own; it is the message's last attempt's, and counts no
 * attempt (it was a plain policy.deferred per queue run, which blamed the
 * remote's policy and could raise a [log] alert of its own).
 */
#define X0 "2026-12-06 10:00:00 1tXyZa-000001-AB <= a@src.test U=x P=local S=100"
#define X1 "2026-12-06 10:00:01 1tXyZa-000001-AB == u@dst.test R=dnslookup T=remote_smtp defer (-44) H=mx.dst.test [192.0.2.5]: SMTP error from remote mail server after RCPT TO:<u@dst.test>: 450 4.2.0 <u@dst.test>: Recipient address rejected: Greylisted"
#define X2 "2026-12-06 10:05:00 1tXyZa-000001-AB == u@dst.test R=dnslookup T=remote_smtp defer (-53): retry time not reached for any host"
#define X3 "2026-12-06 10:05:00 1tXyZb-000002-CD == v@dst.test R=dnslookup T=remote_smtp defer (-53): retry time not reached for any host"

static void
test_no_attempt(void **state)
{
	struct logsum_params	 p;
	struct logsum		*s;
	const struct logsum_row	*r;
	const struct logsum_domain *const *d;
	struct maillog_event	 ev;
	const char		*src, *rem, *url;
	size_t			 n;

	(void)state;
	assert_int_equal(maillog_parse_line(X2, strlen(X2), &ev, NULL),
	    MAILLOG_OK);
	assert_int_equal(ev.failure, MAILLOG_FAIL_NO_ATTEMPT);
	assert_int_equal(logsum_cause(&ev, &src, &rem, &url), F_COUNT);
	memset(&p, 0, sizeof(p));
	p.now = 1796551096;
	s = logsum_new(&p);
	assert_non_null(s);
	feed(s, X0);
	feed(s, X1);
	feed(s, X2);
	feed(s, X2);
	feed(s, X3);		/* no earlier attempt seen: no cause */
	r = find_row(s, "dst.test", "policy.greylisted");
	assert_non_null(r);
	assert_int_equal(r->attempts, 1);
	assert_int_equal(r->messages, 1);
	assert_int_equal(r->status[MAILLOG_ST_DEFERRED], 3);
	(void)logsum_rows(s, &n);
	assert_int_equal(n, 1);
	d = logsum_domains(s, &n);
	assert_int_equal(n, 1);
	assert_int_equal(d[0]->status[MAILLOG_ST_DEFERRED], 4);
	logsum_free(s);
}

/* Many domains: the table stops at its bound, the rest is "other". */
static void
test_bounds(void **state)
{
	struct logsum_params	 p;
	struct logsum		*s;
	const struct logsum_domain *const *d;
	char			 line[512];
	size_t			 n, i;
	int			 other = 0;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.now = 1796551096;
	s = logsum_new(&p);
	assert_non_null(s);
	for (i = 0; i < LOGSUM_DOMAINS_MAX + 50; i++) {
		snprintf(line, sizeof(line), "Dec  6 09:58:16 mx postfix/smtp"
		    "[1]: A%09zu: to=<u@d%zu.test>, relay=none, dsn=4.4.1, "
		    "status=deferred (connect to h[192.0.2.1]:25: Connection "
		    "refused)", i, i);
		feed(s, line);
	}
	d = logsum_domains(s, &n);
	assert_true(n <= LOGSUM_DOMAINS_MAX + 1);
	for (i = 0; i < n; i++)
		if (strcmp(d[i]->domain, "other") == 0)
			other = 1;
	assert_true(other);
	logsum_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_causes),
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_no_attempt),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
