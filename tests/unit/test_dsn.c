/*
 * test_dsn.c - unit tests of lib/dsn.c: delivery status notifications
 * and plain-text bounces, each case a bounce in the form its MTA writes
 * it (the layout and wording of Postfix's bounce(8) templates, Exim's,
 * Sendmail's, qmail-send's, Gmail's, Exchange's and Coremail's bounce
 * messages) and the recipients that must come out of it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dsn.h"

struct want {
	const char	*rcpt;
	int		 code;
	const char	*status;	/* NULL: not checked */
	const char	*command;	/* NULL: not checked; "": none */
	const char	*remote;	/* NULL: not checked */
	const char	*addr;		/* NULL: not checked */
	const char	*diag;		/* substring of diag, NULL: none */
};

struct dsn_case {
	const char	*name;
	const char	*msg;
	int		 kind;
	int		 n;
	struct want	 w[3];
	const char	*from_domain;
	const char	*env_from;
	const char	*dkim_selector;
};

/* Postfix: two recipients, a folded Diagnostic-Code, a wrapped text. */
#define POSTFIX_DSN \
"Return-Path: <>\n" \
"From: Mail Delivery System <MAILER-DAEMON@mx.test.example>\n" \
"Subject: Undelivered Mail Returned to Sender\n" \
"To: bounces@sender.test\n" \
"MIME-Version: 1.0\n" \
"Content-Type: multipart/report; report-type=delivery-status;\n" \
"\tboundary=\"1AC87A77735.1796552459/mx.test.example\"\n" \
"Content-Transfer-Encoding: 8bit\n" \
"\n" \
"This is a MIME-encapsulated message.\n" \
"\n" \
"--1AC87A77735.1796552459/mx.test.example\n" \
"Content-Description: Notification\n" \
"Content-Type: text/plain; charset=utf-8\n" \
"Content-Transfer-Encoding: 8bit\n" \
"\n" \
"This is the mail system at host mx.test.example.\n" \
"\n" \
"                   The mail system\n" \
"\n" \
"<user@spf.test>: host 127.0.0.1[127.0.0.1] said: 550-5.7.27 This message was\n" \
"    blocked because it didn't pass SPF authentication. 550 5.7.27 Gmail\n" \
"    requires bulk email senders to authenticate their email with SPF. (in reply\n" \
"    to end of DATA command)\n" \
"\n" \
"<other@example.com>: host mx.example.com[192.0.2.7] said: 550 5.1.1\n" \
"    <other@example.com>: Recipient address rejected: User unknown in virtual\n" \
"    mailbox table (in reply to RCPT TO command)\n" \
"\n" \
"--1AC87A77735.1796552459/mx.test.example\n" \
"Content-Description: Delivery report\n" \
"Content-Type: message/delivery-status\n" \
"\n" \
"Reporting-MTA: dns; mx.test.example\n" \
"X-Postfix-Queue-ID: 1AC87A77735\n" \
"X-Postfix-Sender: rfc822; bounces@sender.test\n" \
"Arrival-Date: Sun,  6 Dec 2026 10:20:59 +0000 (UTC)\n" \
"\n" \
"Final-Recipient: rfc822; user@spf.test\n" \
"Original-Recipient: rfc822;user@spf.test\n" \
"Action: failed\n" \
"Status: 5.7.27\n" \
"Remote-MTA: dns; 127.0.0.1\n" \
"Diagnostic-Code: smtp; 550-5.7.27 This message was blocked because it didn't\n" \
"    pass SPF authentication. 550 5.7.27 Gmail requires bulk email senders to\n" \
"    authenticate their email with SPF.\n" \
"\n" \
"Final-Recipient: rfc822; other@example.com\n" \
"Action: failed\n" \
"Status: 5.1.1\n" \
"Remote-MTA: dns; mx.example.com\n" \
"Diagnostic-Code: smtp; 550 5.1.1 <other@example.com>: Recipient address\n" \
"    rejected: User unknown in virtual mailbox table\n" \
"\n" \
"--1AC87A77735.1796552459/mx.test.example\n" \
"Content-Description: Undelivered Message Headers\n" \
"Content-Type: text/rfc822-headers\n" \
"\n" \
"Return-Path: <bounces@sender.test>\n" \
"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.test;\n" \
"\ts=mail2026; t=1796552459; bh=abc=; h=From:To:Subject; b=xyz=\n" \
"From: Alice <alice@news.sender.test>\n" \
"To: user@spf.test\n" \
"Subject: to spf\n" \
"\n" \
"--1AC87A77735.1796552459/mx.test.example--\n"

static const struct dsn_case cases[] = {
	{ "postfix dsn", POSTFIX_DSN, DSN_KIND_REPORT, 2, {
	    { "user@spf.test", 550, "5.7.27", "end of DATA", "127.0.0.1",
	      "127.0.0.1", "didn't pass SPF authentication" },
	    { "other@example.com", 550, "5.1.1", "RCPT TO", "mx.example.com",
	      "192.0.2.7", "User unknown in virtual mailbox table" } },
	  "news.sender.test", "bounces@sender.test", "mail2026" },

	/* Exim's bounce (its default bounce_message_text and layout) */
	{ "exim", "From: Mail Delivery System <Mailer-Daemon@mail.example.net>\n"
	  "To: alice@example.net\n"
	  "Subject: Mail delivery failed: returning message to sender\n"
	  "\n"
	  "This message was created automatically by mail delivery software.\n"
	  "\n"
	  "A message that you sent could not be delivered to one or more of its\n"
	  "recipients. This is a permanent error. The following address(es) failed:\n"
	  "\n"
	  "  bob@example.com\n"
	  "    host mx.example.com [192.0.2.1]\n"
	  "    SMTP error from remote mail server after RCPT TO:<bob@example.com>:\n"
	  "    550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown\n"
	  "\n"
	  "------ This is a copy of the message, including all the headers. ------\n",
	  DSN_KIND_TEXT, 1, {
	    { "bob@example.com", 550, NULL, "RCPT TO", "mx.example.com",
	      "192.0.2.1", "Recipient address rejected: User unknown" } },
	  NULL, NULL, NULL },

	/* Sendmail: the reason, then the transcript quoting it again */
	{ "sendmail", "Subject: Returned mail: see transcript for details\n"
	  "From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.net>\n"
	  "\n"
	  "   ----- The following addresses had permanent fatal errors -----\n"
	  "<carol@example.com>\n"
	  "    (reason: 550 5.1.1 <carol@example.com>... User unknown)\n"
	  "\n"
	  "   ----- Transcript of session follows -----\n"
	  "... while talking to mx.example.com.:\n"
	  ">>> RCPT To:<carol@example.com>\n"
	  "<<< 550 5.1.1 <carol@example.com>... User unknown\n"
	  "550 5.1.1 carol@example.com... User unknown\n",
	  DSN_KIND_TEXT, 1, {
	    { "carol@example.com", 550, NULL, NULL, NULL, NULL,
	      "User unknown" } }, NULL, NULL, NULL },

	/* qmail-send */
	{ "qmail", "Hi. This is the qmail-send program at mail.example.net.\n"
	  "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
	  "This is a permanent error; I've given up. Sorry it didn't work out.\n"
	  "\n"
	  "<dave@example.com>:\n"
	  "192.0.2.1 does not like recipient.\n"
	  "Remote host said: 550 5.1.1 <dave@example.com>: Recipient address rejected: User unknown\n"
	  "Giving up on 192.0.2.1.\n",
	  DSN_KIND_TEXT, 1, {
	    { "dave@example.com", 550, NULL, "", NULL, NULL,
	      "Recipient address rejected: User unknown" } },
	  NULL, NULL, NULL },

	/*
	 * qmail-send, failures of its own: the status in qmail's "(#5.1.1)"
	 * (qmail-local.c, qmail-remote.c), beside a server's quoted reply;
	 * "Remote host said:" names no host
	 */
	{ "qmail-local", "Hi. This is the qmail-send program at mail.example.net.\n"
	  "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
	  "This is a permanent error; I've given up. Sorry it didn't work out.\n"
	  "\n"
	  "<nobody@example.net>:\n"
	  "Sorry, no mailbox here by that name. (#5.1.1)\n"
	  "\n"
	  "<x@nx.example>:\n"
	  "Sorry, I couldn't find any host named nx.example. (#5.1.2)\n"
	  "\n"
	  "<dave@example.com>:\n"
	  "192.0.2.1 does not like recipient.\n"
	  "Remote host said: 550 5.1.1 <dave@example.com>: Recipient address rejected: User unknown\n"
	  "Giving up on 192.0.2.1.\n",
	  DSN_KIND_TEXT, 3, {
	    { "dave@example.com", 550, NULL, "", "", NULL,
	      "Recipient address rejected: User unknown" },
	    { "nobody@example.net", 0, "5.1.1", "", NULL, NULL,
	      "no mailbox here by that name. (#5.1.1)" },
	    { "x@nx.example", 0, "5.1.2", "", NULL, NULL,
	      "couldn't find any host named nx.example" } },
	  NULL, NULL, NULL },

	/* Gmail's own bounce */
	{ "gmail", "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
	  "Subject: Delivery Status Notification (Failure)\n"
	  "\n"
	  "** Address not found **\n"
	  "\n"
	  "Your message wasn't delivered to erin@example.com because the address couldn't be found, or is unable to receive mail.\n"
	  "\n"
	  "The response from the remote server was:\n"
	  "550 5.1.1 The email account that you tried to reach does not exist.\n",
	  DSN_KIND_TEXT, 1, {
	    { "erin@example.com", 550, NULL, NULL, NULL, NULL,
	      "does not exist" } }, NULL, NULL, NULL },

	/* Exchange's non-delivery report, its administrators' part */
	{ "exchange", "Subject: Undeliverable: hello\n"
	  "From: postmaster@example.net\n"
	  "\n"
	  "Delivery has failed to these recipients or groups:\n"
	  "\n"
	  "Diagnostic information for administrators:\n"
	  "\n"
	  "Generating server: mail.example.net\n"
	  "\n"
	  "frank@example.com\n"
	  "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n",
	  DSN_KIND_TEXT, 1, {
	    { "frank@example.com", 550, NULL, NULL, NULL, NULL,
	      "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup" } },
	  NULL, NULL, NULL },

	/* a report inside multipart/mixed, a quoted-printable text part */
	{ "nested qp", "From: MAILER-DAEMON@mail.example.net\n"
	  "Content-Type: multipart/mixed; boundary=outer\n"
	  "\n"
	  "--outer\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"inner\"\n"
	  "\n"
	  "--inner\n"
	  "Content-Type: text/plain\n"
	  "Content-Transfer-Encoding: quoted-printable\n"
	  "\n"
	  "<grace@example.com>: host mx.example.com[192.0.2.9] said: 452 4.2.2 =\n"
	  "Mailbox full (in reply to RCPT TO command)\n"
	  "\n"
	  "--inner\n"
	  "Content-Type: message/delivery-status\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "UmVwb3J0aW5nLU1UQTogZG5zOyBtYWlsLmV4YW1wbGUubmV0CgpGaW5hbC1SZWNpcGllbnQ6IHJm\n"
	  "YzgyMjsgZ3JhY2VAZXhhbXBsZS5jb20KQWN0aW9uOiBkZWxheWVkClN0YXR1czogNC4yLjIKUmVt\n"
	  "b3RlLU1UQTogZG5zOyBteC5leGFtcGxlLmNvbQpEaWFnbm9zdGljLUNvZGU6IHNtdHA7IDQ1MiA0\n"
	  "LjIuMiBNYWlsYm94IGZ1bGwK\n"
	  "--inner--\n"
	  "--outer--\n",
	  DSN_KIND_REPORT, 1, {
	    { "grace@example.com", 452, "4.2.2", "RCPT TO", "mx.example.com",
	      "192.0.2.9", "Mailbox full" } }, NULL, NULL, NULL },

	/* a delivered recipient: a report with nothing refused in it */
	{ "delivered", "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n"
	  "\n"
	  "--b\n"
	  "Content-Type: message/delivery-status\n"
	  "\n"
	  "Reporting-MTA: dns; mail.example.net\n"
	  "\n"
	  "Final-Recipient: rfc822; henry@example.com\n"
	  "Action: delivered\n"
	  "Status: 2.0.0\n"
	  "--b--\n",
	  DSN_KIND_REPORT, 1, {
	    { "henry@example.com", 0, "2.0.0", "", NULL, NULL, NULL } },
	  NULL, NULL, NULL },

	/* NetEase (Coremail): the reason in Chinese, GB2312 in base64 */
	{ "coremail", "From: Postmaster@163.com\n"
	  "Subject: =?GB2312?B?z7XNs83L0MU=?=\n"
	  "MIME-Version: 1.0\n"
	  "Content-Type: text/plain; charset=gb2312\n"
	  "Content-Transfer-Encoding: base64\n"
	  "\n"
	  "zcvQxdSt0vIvCkJvdW5jZSByZWFzb24gOiAJCtPJ09q21Le9t/7O8cb3srvOyLaoo6y78tXfy6u3\n"
	  "vbf+zvHG9834wufBrL3T1srBv7K7vNGjrLvy1d+3wLvwx725/cLLo6y2+M7et6jBrL3Tyc+21Le9\n"
	  "t/7O8cb3oaMKQ2FuIG5vdCBjb25uZWN0IHRvIHJlY2lwaWVudCdzIHNlcnZlciBiZWNhdXNlIG9m\n"
	  "IHVuc3RhYmxlIG5ldHdvcmsgb3IgZmlyZXdhbGwgZmlsdGVyLgo=\n",
	  DSN_KIND_TEXT, 1, {
	    { "", 0, NULL, NULL, NULL, NULL,
	      "Can not connect to recipient's server" } },
	  NULL, NULL, NULL },

	/* nothing a bounce: no recipient */
	{ "not a bounce", "From: a@example.com\nSubject: hello\n\nHi there.\n",
	  DSN_KIND_NONE, 0, { { NULL, 0, NULL, NULL, NULL, NULL, NULL } },
	  NULL, NULL, NULL },
};

static void
test_cases(void **state)
{
	struct dsn_report	*r;
	size_t			 i;
	int			 j, n;

	(void)state;
	r = malloc(sizeof(*r));
	assert_non_null(r);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dsn_case *c = &cases[i];

		n = dsn_parse(c->msg, strlen(c->msg), r);
		if (n != c->n || r->kind != c->kind)
			fail_msg("%s: %d recipients, kind %d; want %d, %d",
			    c->name, n, r->kind, c->n, c->kind);
		for (j = 0; j < c->n; j++) {
			const struct want	*w = &c->w[j];
			const struct dsn_rcpt	*d = &r->rcpts[j];

			if (strcmp(d->rcpt, w->rcpt) != 0)
				fail_msg("%s #%d: rcpt \"%s\"", c->name, j,
				    d->rcpt);
			if (d->code != w->code)
				fail_msg("%s #%d: code %d", c->name, j, d->code);
			if (w->status && strcmp(d->status, w->status) != 0)
				fail_msg("%s #%d: status \"%s\"", c->name, j,
				    d->status);
			if (w->command && strcmp(d->command, w->command) != 0)
				fail_msg("%s #%d: command \"%s\"", c->name, j,
				    d->command);
			if (w->remote && strcmp(d->remote_mta, w->remote) != 0)
				fail_msg("%s #%d: remote \"%s\"", c->name, j,
				    d->remote_mta);
			if (w->addr && strcmp(d->remote_addr, w->addr) != 0)
				fail_msg("%s #%d: addr \"%s\"", c->name, j,
				    d->remote_addr);
			if (w->diag && strstr(d->diag, w->diag) == NULL)
				fail_msg("%s #%d: diag \"%s\"", c->name, j,
				    d->diag);
			if (d->diaglen != strlen(d->diag))
				fail_msg("%s #%d: diaglen", c->name, j);
		}
		if (c->from_domain && strcmp(r->from_domain, c->from_domain))
			fail_msg("%s: from_domain \"%s\"", c->name,
			    r->from_domain);
		if (c->env_from && strcmp(r->env_from, c->env_from))
			fail_msg("%s: env_from \"%s\"", c->name, r->env_from);
		if (c->dkim_selector && strcmp(r->dkim_selector,
		    c->dkim_selector))
			fail_msg("%s: dkim_selector \"%s\"", c->name,
			    r->dkim_selector);
	}
	free(r);
}

/* Hostile input: bounded, never a crash; too many recipients cut. */
static void
test_bounds(void **state)
{
	struct dsn_report	*r;
	char			*big, *p;
	size_t			 n = 0, cap = 1 << 20;
	int			 i;

	(void)state;
	r = malloc(sizeof(*r));
	big = malloc(cap);
	assert_non_null(r);
	assert_non_null(big);
	p = big;
	n += (size_t)sprintf(p, "Content-Type: multipart/report; boundary=x\n\n"
	    "--x\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; a\n\n");
	for (i = 0; i < DSN_RCPTS_MAX + 10; i++)
		n += (size_t)sprintf(big + n, "Final-Recipient: rfc822; u%d@b\n"
		    "Action: failed\nStatus: 5.1.1\n\n", i);
	n += (size_t)sprintf(big + n, "--x--\n");
	assert_int_equal(dsn_parse(big, n, r), DSN_RCPTS_MAX);
	assert_true(r->truncated);
	/* a 1 MB line of one header, an unterminated boundary */
	memcpy(big, "Subject: ", 9);
	memset(big + 9, 'a', cap - 10);
	big[cap - 1] = '\n';
	(void)dsn_parse(big, cap, r);
	memcpy(big, "Content-Type: multipart/report; boundary=\"", 42);
	(void)dsn_parse(big, cap, r);
	/* nested deeper than followed */
	n = 0;
	for (i = 0; i < 40; i++)
		n += (size_t)sprintf(big + n, "Content-Type: multipart/mixed; "
		    "boundary=b%d\n\n--b%d\n", i, i);
	assert_int_equal(dsn_parse(big, n, r), 0);
	free(big);
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
