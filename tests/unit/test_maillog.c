/*
 * test_maillog.c - unit tests of lib/maillog.c, the MTA log line parser.
 *
 * Every case is one line and what the parser must take from it. The
 * Postfix lines marked "real" were written by the test suite's own
 * Postfix 3.7.11 relaying to tests/lib/fakesmtp.py's refusal modes
 * (tests/lib/postfix.sh: pf_route, pf_send), copied unchanged. The other
 * lines keep the exact structure their programs write (Postfix's
 * smtp(8), smtpd(8), postscreen(8), cleanup(8); Exim's mainlog flags
 * from the Exim specification's "Log files" chapter; opendkim,
 * opendmarc, policyd-spf, rspamd's default log_format), with names and
 * addresses replaced by documentation ones (RFC 2606, RFC 5737).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "maillog.h"

/*
 * Expected fields: a NULL string is not checked, "" must be absent;
 * -1 in an int is not checked.
 */
struct line_case {
	const char		*name;
	const char		*line;
	enum maillog_parse	 want;
	enum maillog_mta	 mta;
	enum maillog_kind	 kind;
	enum maillog_status	 status;
	enum maillog_phase	 phase;
	enum maillog_failure	 failure;
	int			 code;
	const char		*enh;
	const char		*reply;		/* a substring of the reply */
	const char		*qid;
	const char		*program;
	const char		*rcpt;
	const char		*sender;
	const char		*peer;
	const char		*peer_addr;
	int			 port;
	const char		*dsn;
};

#define OK	MAILLOG_OK
#define PF	MAILLOG_MTA_POSTFIX
#define EX	MAILLOG_MTA_EXIM
#define DLV	MAILLOG_KIND_DELIVERY
#define REJ	MAILLOG_KIND_REJECT

static const struct line_case cases[] = {
	/* --- real: Postfix 3.7.11 in the test suite (maillog_file) --- */
	{ "real sent",
	  "Dec 06 09:58:16 mx postfix/smtp[27487]: 0973AA72303: to=<user@ok.test>, relay=127.0.0.1[127.0.0.1]:40705, delay=0.09, delays=0.02/0.05/0.01/0.01, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as FAKE1)",
	  OK, PF, DLV, MAILLOG_ST_SENT, MAILLOG_PH_NONE, MAILLOG_FAIL_NONE,
	  250, "2.0.0", "Ok: queued as FAKE1", "0973AA72303", "smtp",
	  "user@ok.test", "", "127.0.0.1", "127.0.0.1", 40705, "2.0.0" },
	{ "real greylisted",
	  "Dec 06 09:58:16 mx postfix/smtp[27487]: 0C902A722C5: to=<user@grey.test>, relay=127.0.0.1[127.0.0.1]:38291, delay=0.1, delays=0.01/0.07/0.01/0.01, dsn=4.2.0, status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.0 <user@grey.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/greylist.test.html (in reply to RCPT TO command))",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_RCPT, MAILLOG_FAIL_NONE,
	  450, "4.2.0", "Greylisted, see http://postgrey.schweikert.ch/help/greylist.test.html",
	  "0C902A722C5", "smtp", "user@grey.test", "", "127.0.0.1",
	  "127.0.0.1", 38291, "4.2.0" },
	{ "real rate limited",
	  "Dec 06 09:58:16 mx postfix/smtp[27494]: 13273A728DF: to=<user@rate.test>, relay=127.0.0.1[127.0.0.1]:38997, delay=0.09, delays=0.02/0.05/0.02/0, dsn=4.2.1, status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. Please resend your message at a later time. (in reply to RCPT TO command))",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_RCPT, MAILLOG_FAIL_NONE,
	  450, "4.2.1", "at a later time.", NULL, NULL, "user@rate.test",
	  NULL, NULL, NULL, -1, "4.2.1" },
	{ "real unknown user",
	  "Dec 06 09:58:16 mx postfix/smtp[27500]: 19896A722C7: to=<user@unknown.test>, relay=127.0.0.1[127.0.0.1]:38661, delay=0.08, delays=0.01/0.04/0.02/0.01, dsn=5.1.1, status=bounced (host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <user@unknown.test>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))",
	  OK, PF, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_RCPT, MAILLOG_FAIL_NONE,
	  550, "5.1.1", "User unknown in virtual mailbox table", NULL, NULL,
	  "user@unknown.test", NULL, NULL, NULL, -1, "5.1.1" },
	{ "real blocklisted client",
	  "Dec 06 09:58:16 mx postfix/smtp[27487]: 2BACFA728E4: to=<user@block.test>, relay=127.0.0.1[127.0.0.1]:35445, delay=0.03, delays=0.02/0/0.01/0, dsn=5.7.1, status=bounced (host 127.0.0.1[127.0.0.1] said: 554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org (in reply to RCPT TO command))",
	  OK, PF, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_RCPT, MAILLOG_FAIL_NONE,
	  554, "5.7.1", "blocked using zen.spamhaus.org", NULL, NULL, NULL,
	  NULL, NULL, NULL, -1, NULL },
	{ "real mailbox full",
	  "Dec 06 09:58:16 mx postfix/smtp[27494]: 33E14A722C9: to=<user@full.test>, relay=127.0.0.1[127.0.0.1]:38815, delay=0.01, delays=0.01/0/0/0, dsn=5.2.2, status=bounced (host 127.0.0.1[127.0.0.1] said: 552 5.2.2 <user@full.test>: Mailbox full (in reply to RCPT TO command))",
	  OK, PF, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_RCPT, MAILLOG_FAIL_NONE,
	  552, "5.2.2", "Mailbox full", NULL, NULL, NULL, NULL, NULL, NULL,
	  -1, NULL },
	/* found by fuzz_maillog: "(in reply to command))" names none */
	{ "in reply to no command",
	  "Dec 06 09:58:16 mx postfix/smtp[27494]: 33E14A722C9: to=<user@full.test>, relay=127.0.0.1[127.0.0.1]:38815, delay=/0, dsn=5.2.2, status=bounced (host 127.0.0.1[127.0.0.1] said: 552 5.2.2 <from: <ll.test>: Mailbox full (in reply to RCPT TOox full (in reply to command))",
	  OK, PF, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_NONE, MAILLOG_FAIL_NONE,
	  552, "5.2.2", NULL, NULL, NULL, NULL, NULL, NULL, NULL, -1, NULL },
	{ "real DMARC at end of DATA",
	  "Dec 06 09:58:41 mx postfix/smtp[28312]: DE2D1A729E0: to=<user@dmarc.test>, relay=127.0.0.1[127.0.0.1]:46195, delay=0.02, delays=0/0/0.01/0, dsn=5.7.26, status=bounced (host 127.0.0.1[127.0.0.1] said: 550 5.7.26 Unauthenticated email from sender.test is not accepted due to domain's DMARC policy. Please contact the administrator of sender.test domain if this was a legitimate mail. (in reply to end of DATA command))",
	  OK, PF, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_EOD, MAILLOG_FAIL_NONE,
	  550, "5.7.26", "DMARC policy", NULL, NULL, NULL, NULL, NULL, NULL,
	  -1, "5.7.26" },
	{ "real lost connection at the greeting",
	  "Dec 06 09:58:16 mx postfix/smtp[27494]: 46FF1A722C9: to=<user@hangup.test>, relay=127.0.0.1[127.0.0.1]:43835, delay=0.01, delays=0.01/0/0/0, dsn=4.4.2, status=deferred (lost connection with 127.0.0.1[127.0.0.1] while receiving the initial server greeting)",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_BANNER,
	  MAILLOG_FAIL_LOST_CONNECTION, 0, "", "", NULL, NULL, NULL, NULL,
	  "127.0.0.1", "127.0.0.1", 43835, "4.4.2" },
	{ "real connection refused",
	  "Dec 06 09:58:16 mx postfix/smtp[27500]: 5004FA728E1: to=<user@refused.test>, relay=none, delay=0.01, delays=0.01/0/0/0, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:27081: Connection refused)",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_CONNECT,
	  MAILLOG_FAIL_CONNECT_REFUSED, 0, "", "", NULL, NULL,
	  "user@refused.test", NULL, "127.0.0.1", "127.0.0.1", 27081,
	  "4.4.1" },
	{ "real TLS required",
	  "Dec 06 09:58:16 mx postfix/smtp[27540]: 57805A722CA: to=<user@notls.test>, relay=127.0.0.1[127.0.0.1]:40629, delay=0.02, delays=0.01/0.01/0/0, dsn=4.7.4, status=deferred (TLS is required, but was not offered by host 127.0.0.1[127.0.0.1])",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_STARTTLS,
	  MAILLOG_FAIL_TLS_REQUIRED, 0, "", "", NULL, NULL, NULL, NULL,
	  "127.0.0.1", "127.0.0.1", 40629, "4.7.4" },
	{ "real certificate not verified",
	  "Dec 06 09:58:16 mx postfix/smtp[27547]: 5D8BFA722CB: to=<user@verify.test>, relay=127.0.0.1[127.0.0.1]:40705, delay=0.03, delays=0.01/0.01/0.01/0, dsn=4.7.5, status=deferred (Server certificate not verified)",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_TLS,
	  MAILLOG_FAIL_TLS_CERT, 0, "", "", NULL, NULL, NULL, NULL, NULL,
	  NULL, -1, "4.7.5" },
	{ "real silence at the greeting",
	  "Dec 06 09:58:18 mx postfix/smtp[27487]: 401D5A728E3: to=<user@silent.test>, relay=127.0.0.1[127.0.0.1]:44813, delay=2, delays=0.02/0/2/0, dsn=4.4.2, status=deferred (conversation with 127.0.0.1[127.0.0.1] timed out while receiving the initial server greeting)",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_BANNER,
	  MAILLOG_FAIL_TIMEOUT, 0, "", "", NULL, NULL, NULL, NULL, NULL,
	  NULL, -1, NULL },
	{ "real local delivery",
	  "Dec 06 09:58:41 mx postfix/virtual[28324]: CC652A729D8: to=<bounces@sender.test>, relay=virtual, delay=0.02, delays=0/0.01/0/0.01, dsn=2.0.0, status=sent (delivered to maildir)",
	  OK, PF, DLV, MAILLOG_ST_SENT, MAILLOG_PH_NONE, MAILLOG_FAIL_NONE,
	  0, "", "", NULL, "virtual", "bounces@sender.test", NULL, "virtual",
	  "", 0, NULL },
	{ "real qmgr sender",
	  "Dec 06 09:58:16 mx postfix/qmgr[27436]: 0973AA72303: from=<bounces@sender.test>, size=302, nrcpt=1 (queue active)",
	  OK, PF, MAILLOG_KIND_SENDER, MAILLOG_ST_NONE, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_NONE, 0, "", "", "0973AA72303", "qmgr", "",
	  "bounces@sender.test", "", "", 0, "" },
	{ "real qmgr null sender",
	  "Dec 06 09:58:16 mx postfix/qmgr[27436]: 23F9DA728E2: from=<>, size=2466, nrcpt=1 (queue active)",
	  OK, PF, MAILLOG_KIND_SENDER, MAILLOG_ST_NONE, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_NONE, 0, "", "", "23F9DA728E2", NULL, NULL, NULL,
	  NULL, NULL, -1, NULL },
	{ "real expired",
	  "Dec 06 09:58:16 mx postfix/qmgr[27436]: 0C902A722C5: from=<bounces@sender.test>, status=expired, returned to sender",
	  OK, PF, MAILLOG_KIND_EXPIRED, MAILLOG_ST_EXPIRED, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_NONE, 0, "", "", "0C902A722C5", "qmgr", "",
	  "bounces@sender.test", NULL, NULL, -1, NULL },
	{ "real NOQUEUE reject",
	  "Dec 06 09:58:29 mx postfix/smtpd[27701]: NOQUEUE: reject: RCPT from unknown[127.0.0.1]: 550 5.1.1 <nosuch@test.example>: Recipient address rejected: User unknown in virtual mailbox table; from=<someone@far.example> to=<nosuch@test.example> proto=ESMTP helo=<client.test.example>",
	  OK, PF, REJ, MAILLOG_ST_REJECTED, MAILLOG_PH_RCPT, MAILLOG_FAIL_NONE,
	  550, "5.1.1", "User unknown in virtual mailbox table", "", "smtpd",
	  "nosuch@test.example", "someone@far.example", "unknown",
	  "127.0.0.1", 0, "" },
	{ "real not a delivery (TLS)",
	  "Dec 06 09:58:16 mx postfix/smtp[27487]: Untrusted TLS connection established to 127.0.0.1[127.0.0.1]:40705: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature ECDSA (prime256v1) server-digest SHA256",
	  OK, PF, MAILLOG_KIND_OTHER, MAILLOG_ST_NONE, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_NONE, 0, "", "", "", "smtp", "", "", "", "", 0, "" },
	{ "real bounce notice",
	  "Dec 06 09:58:16 mx postfix/bounce[27501]: 0C902A722C5: sender non-delivery notification: 23F9DA728E2",
	  OK, PF, MAILLOG_KIND_OTHER, MAILLOG_ST_NONE, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_NONE, 0, "", "", "0C902A722C5", "bounce", NULL, NULL,
	  NULL, NULL, -1, NULL },

	/* --- Postfix, structure as smtp(8), smtpd(8) ... write it --- */
	{ "rfc3339 stamp, connect timeout",
	  "2026-12-06T09:58:16.123456+01:00 mx1 postfix/smtp[2101]: 4F2A81C0F3: to=<ann@example.net>, relay=none, delay=30, delays=0.01/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.net[192.0.2.25]:25: Connection timed out)",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_CONNECT,
	  MAILLOG_FAIL_CONNECT_TIMEOUT, 0, "", "", "4F2A81C0F3", "smtp",
	  "ann@example.net", NULL, "mx.example.net", "192.0.2.25", 25,
	  "4.4.1" },
	{ "ipv6 relay, network unreachable",
	  "Dec  6 09:58:16 mx1 postfix/smtp[2101]: 4F2A81C0F3: to=<ann@example.net>, relay=none, delay=0.1, delays=0.01/0/0.1/0, dsn=4.4.1, status=deferred (connect to mx.example.net[2001:db8::25]:25: Network is unreachable)",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_CONNECT,
	  MAILLOG_FAIL_NO_ROUTE, 0, "", "", NULL, NULL, NULL, NULL,
	  "mx.example.net", "2001:db8::25", 25, NULL },
	{ "suspended delivery keeps the cause",
	  "Dec  6 09:58:16 mx1 postfix/smtp[2101]: 4F2A81C0F3: to=<ann@example.net>, relay=none, delay=900, delays=900/0/0/0, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to mx.example.net[192.0.2.25]:25: No route to host)",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_CONNECT,
	  MAILLOG_FAIL_NO_ROUTE, 0, "", "", NULL, NULL, NULL, NULL, NULL,
	  NULL, -1, NULL },
	{ "host not found",
	  "Dec  6 09:58:16 mx1 postfix/smtp[2101]: 4F2A81C0F3: to=<ann@example.invalid>, relay=none, delay=0.2, delays=0.01/0/0.2/0, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found)",
	  OK, PF, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_HOST_NOT_FOUND, 0, "", "", NULL, NULL, NULL, NULL,
	  NULL, NULL, -1, "5.4.4" },
	{ "refused to talk (greeting reply)",
	  "Dec  6 09:58:16 mx1 postfix/smtp[2101]: 4F2A81C0F3: to=<ann@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=0.3, delays=0.01/0/0.3/0, dsn=5.7.1, status=bounced (host mx.example.net[192.0.2.25] refused to talk to me: 554 5.7.1 Service unavailable; Client host [198.51.100.4] blocked using zen.spamhaus.org)",
	  OK, PF, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_BANNER,
	  MAILLOG_FAIL_NONE, 554, "5.7.1", "blocked using zen.spamhaus.org",
	  NULL, NULL, NULL, NULL, "mx.example.net", "192.0.2.25", 25, NULL },
	{ "starttls refused",
	  "Dec  6 09:58:16 mx1 postfix/smtp[2101]: 4F2A81C0F3: to=<ann@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=0.3, delays=0.01/0/0.3/0, dsn=4.7.0, status=deferred (TLS is required, but host mx.example.net[192.0.2.25] refused to start TLS: 454 4.7.0 TLS not available due to local problem)",
	  OK, PF, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_STARTTLS,
	  MAILLOG_FAIL_TLS_REQUIRED, 454, "4.7.0", "TLS not available", NULL,
	  NULL, NULL, NULL, NULL, NULL, -1, NULL },
	{ "orig_to and multi-instance syslog name",
	  "Dec  6 09:58:16 mx1 postfix-out/smtp[2101]: 4F2A81C0F3: to=<ann@example.net>, orig_to=<sales@example.com>, relay=mx.example.net[192.0.2.25]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 OK 1700000000 q1-20020a05)",
	  OK, PF, DLV, MAILLOG_ST_SENT, MAILLOG_PH_NONE, MAILLOG_FAIL_NONE,
	  250, "2.0.0", NULL, NULL, "smtp", "ann@example.net", NULL,
	  "mx.example.net", "192.0.2.25", 25, NULL },
	{ "postscreen DNSBL",
	  "Feb 25 08:59:30 mx1 postfix/postscreen[8815]: NOQUEUE: reject: RCPT from [192.0.2.235]:14880: 550 5.7.1 Service unavailable; client [192.0.2.235] blocked using b.barracudacentral.org; from=<x@example.org>, to=<ann@example.com>, proto=ESMTP, helo=<host.example.org>",
	  OK, PF, REJ, MAILLOG_ST_REJECTED, MAILLOG_PH_RCPT, MAILLOG_FAIL_NONE,
	  550, "5.7.1", "blocked using b.barracudacentral.org", "",
	  "postscreen", "ann@example.com", "x@example.org", "",
	  "192.0.2.235", 14880, "" },
	{ "smtpd DNSBL with a reason",
	  "Sep 25 20:08:27 mx1 postfix/smtpd[2571]: NOQUEUE: reject: RCPT from unknown[192.0.2.251]: 554 5.7.1 Service unavailable; Client host [192.0.2.251] blocked using cbl.abuseat.org; Blocked - see http://cbl.abuseat.org/lookup.cgi?ip=192.0.2.251; from=<x@example.org> to=<ann@example.com> proto=ESMTP helo=<host.example.org>",
	  OK, PF, REJ, MAILLOG_ST_REJECTED, MAILLOG_PH_RCPT, MAILLOG_FAIL_NONE,
	  554, "5.7.1", "lookup.cgi?ip=192.0.2.251", NULL, NULL,
	  "ann@example.com", "x@example.org", "unknown", "192.0.2.251", 0,
	  NULL },
	{ "SPF reject by policyd-spf via smtpd",
	  "Jul 30 11:47:24 mx1 postfix/smtpd[28224]: NOQUEUE: reject: RCPT from host.example.org[192.0.2.24]: 550 5.7.1 <ann@example.com>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=x@example.org;ip=192.0.2.24;r=ann@example.com; from=<x@example.org> to=<ann@example.com> proto=ESMTP helo=<[192.0.2.24]>",
	  OK, PF, REJ, MAILLOG_ST_REJECTED, MAILLOG_PH_RCPT, MAILLOG_FAIL_NONE,
	  550, "5.7.1", "SPF fail - not authorized", NULL, NULL,
	  "ann@example.com", "x@example.org", "host.example.org",
	  "192.0.2.24", 0, NULL },
	{ "milter-reject without a basic code",
	  "Dec  6 09:58:16 mx1 postfix/cleanup[3001]: 4F2A81C0F3: milter-reject: END-OF-MESSAGE from mail.example.org[192.0.2.7]: 5.7.1 rejected by DMARC policy for example.org; from=<x@example.org> to=<ann@example.com> proto=ESMTP helo=<mail.example.org>",
	  OK, PF, REJ, MAILLOG_ST_REJECTED, MAILLOG_PH_EOD, MAILLOG_FAIL_NONE,
	  550, "5.7.1", "rejected by DMARC policy for example.org",
	  "4F2A81C0F3", "cleanup", "ann@example.com", "x@example.org",
	  "mail.example.org", "192.0.2.7", 0, NULL },
	{ "cleanup header reject (reply after the fields)",
	  "Dec  6 09:58:16 mx1 postfix/cleanup[3001]: 4F2A81C0F3: reject: header Subject: win big from mail.example.org[192.0.2.7]; from=<x@example.org> to=<ann@example.com> proto=ESMTP helo=<mail.example.org>: 5.7.1 message content rejected",
	  OK, PF, REJ, MAILLOG_ST_REJECTED, MAILLOG_PH_EOD, MAILLOG_FAIL_NONE,
	  550, "5.7.1", "message content rejected", NULL, NULL,
	  "ann@example.com", "x@example.org", "mail.example.org",
	  "192.0.2.7", 0, NULL },
	{ "warning lines are not deliveries",
	  "Dec  6 09:58:16 mx1 postfix/smtpd[2571]: warning: hostname host.example.org does not resolve to address 192.0.2.9",
	  OK, PF, MAILLOG_KIND_OTHER, MAILLOG_ST_NONE, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_NONE, 0, "", "", "", NULL, "", "", "", "", 0, "" },

	/* --- Exim mainlog (flags of the specification's "Log files") --- */
	{ "exim arrival",
	  "2026-12-06 10:15:48 1MUiyS-0002Mt-Jr <= ann@example.com H=mail.example.com [192.0.2.72]:39926 P=esmtpa S=964 id=abc@example.com",
	  OK, EX, MAILLOG_KIND_SENDER, MAILLOG_ST_NONE, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_NONE, 0, "", "", "1MUiyS-0002Mt-Jr", "", "",
	  "ann@example.com", "mail.example.com", "192.0.2.72", 39926, "" },
	{ "exim delivery",
	  "2026-12-06 15:06:10 1ajLoq-0001wC-Pk => bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.27] X=TLSv1.2:ECDHE-RSA-AES128-GCM-SHA256:128 CV=yes C=\"250 2.0.0 OK 1458889573 vy4si17489309pab.124 - gsmtp\"",
	  OK, EX, DLV, MAILLOG_ST_SENT, MAILLOG_PH_NONE, MAILLOG_FAIL_NONE,
	  250, "2.0.0", "OK 1458889573", "1ajLoq-0001wC-Pk", NULL,
	  "bob@example.net", "", "mx.example.net", "192.0.2.27", 0, "" },
	{ "exim bounce after RCPT",
	  "2026-12-06 14:26:40 1haaEv-000EiQ-0m ** bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.218] X=TLSv1.2:AES128-SHA256:128 CV=yes: SMTP error from remote mail server after RCPT TO:<bob@example.net>: 550 Mailbox not found.",
	  OK, EX, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_RCPT, MAILLOG_FAIL_NONE,
	  550, "", "Mailbox not found.", "1haaEv-000EiQ-0m", NULL,
	  "bob@example.net", NULL, "mx.example.net", "192.0.2.218", 0, NULL },
	{ "exim deferral with a greylisting reply",
	  "2026-12-06 10:00:01 1ZoVVC-0015eV-0i == bob@example.net R=dnslookup T=remote_smtp defer (-44) H=mx.example.net [192.0.2.12]: SMTP error from remote mail server after RCPT TO:<bob@example.net>: 451 4.7.1 Greylisted, please try again later",
	  OK, EX, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_RCPT,
	  MAILLOG_FAIL_NONE, 451, "4.7.1", "Greylisted", NULL, NULL,
	  "bob@example.net", NULL, "mx.example.net", "192.0.2.12", 0, NULL },
	{ "exim deferral, connection refused",
	  "2026-12-06 10:00:01 1ZoVVC-0015eV-0i == bob@example.net R=dnslookup T=remote_smtp defer (111): Connection refused",
	  OK, EX, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_CONNECT,
	  MAILLOG_FAIL_CONNECT_REFUSED, 0, "", "", NULL, NULL,
	  "bob@example.net", NULL, NULL, NULL, -1, NULL },
	{ "exim deferral, closed at EHLO, with parent address",
	  "2026-12-06 10:30:42 1e4Ssq-00024N-Sp == bob@example.net <Bob@example.net> R=lookuphost T=remote_smtp defer (-18): Remote host mx1.example.net [192.0.2.51] closed connection in response to EHLO example.com",
	  OK, EX, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_HELO,
	  MAILLOG_FAIL_LOST_CONNECTION, 0, "", "", NULL, NULL,
	  "bob@example.net", NULL, NULL, NULL, -1, NULL },
	/* --- real: Exim 4.96 (Debian's exim4-daemon-light) in the test
	   suite (tests/scenario/exim.sh) --- */
	{ "real exim silent server: the message, not errno, names the timeout",
	  "2026-12-06 13:47:40 1xaCaX-0004jA-1U == user@silent.test R=test_route T=remote defer (110): Connection timed out H=127.0.0.1 [127.0.0.1]: SMTP timeout after initial connection",
	  OK, EX, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_BANNER,
	  MAILLOG_FAIL_TIMEOUT, 0, "", "", "1xaCaX-0004jA-1U", NULL,
	  "user@silent.test", NULL, "127.0.0.1", "127.0.0.1", 0, NULL },
	{ "real exim closed at the greeting",
	  "2026-12-06 13:47:40 1xaCaa-0004mr-1q == user@hangup.test R=test_route T=remote defer (-18) H=127.0.0.1 [127.0.0.1]: Remote host closed connection in response to initial connection",
	  OK, EX, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_BANNER,
	  MAILLOG_FAIL_LOST_CONNECTION, 0, "", "", NULL, NULL,
	  "user@hangup.test", NULL, "127.0.0.1", "127.0.0.1", 0, NULL },
	{ "real exim TLS required, not offered",
	  "2026-12-06 13:47:40 1xaCaa-0004nA-2R == user@notls.test R=test_route T=remote_encrypt defer (-38) H=127.0.0.1 [127.0.0.1]: a TLS session is required, but the server did not offer TLS support",
	  OK, EX, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_STARTTLS,
	  MAILLOG_FAIL_TLS_REQUIRED, 0, "", "", NULL, NULL,
	  "user@notls.test", NULL, NULL, "127.0.0.1", 0, NULL },
	{ "real exim certificate not verified",
	  "2026-12-06 13:47:40 1xaCaa-0004nL-2i == user@verify.test R=test_route T=remote_verify defer (-37) H=127.0.0.1 [127.0.0.1]: TLS session: (certificate verification failed): certificate invalid",
	  OK, EX, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_TLS,
	  MAILLOG_FAIL_TLS_CERT, 0, "", "", NULL, NULL,
	  "user@verify.test", NULL, NULL, "127.0.0.1", 0, NULL },
	{ "real exim refusal at end of data over TLS",
	  "2026-12-06 13:47:37 1xaCaX-0004ip-0o ** user@dmarc.test R=test_route T=remote H=127.0.0.1 [127.0.0.1] X=TLS1.3:ECDHE_SECP256R1__ECDSA_SECP256R1_SHA256__AES_256_GCM:256 CV=no: SMTP error from remote mail server after end of data: 550 5.7.26 Unauthenticated email from sender.test is not accepted due to domain's DMARC policy. Please contact the administrator of sender.test domain if this was a legitimate mail.",
	  OK, EX, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_EOD, MAILLOG_FAIL_NONE,
	  550, "5.7.26", "DMARC policy", NULL, NULL, "user@dmarc.test",
	  NULL, "127.0.0.1", "127.0.0.1", 0, NULL },
	{ "real exim TLS noise after QUIT is not a delivery",
	  "2026-12-06 13:47:36 1xaCaW-0004gL-0G H=127.0.0.1 [127.0.0.1] TLS error on connection (recv): Error in the pull function.",
	  OK, EX, MAILLOG_KIND_OTHER, MAILLOG_ST_NONE, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_NONE, 0, "", "", NULL, NULL, "", "", NULL, NULL, -1, "" },
	{ "exim bounce with errno before the message",
	  "2026-12-06 13:47:40 1xaCaX-0004jA-1U ** user@silent.test R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.7]: Connection timed out: SMTP timeout after EHLO mx.example.com",
	  OK, EX, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_HELO,
	  MAILLOG_FAIL_TIMEOUT, 0, "", "", NULL, NULL, "user@silent.test",
	  NULL, "mx.example.net", "192.0.2.7", 0, NULL },
	{ "exim deferral with errno only, host after it",
	  "2026-12-06 13:47:40 1xaCaX-0004jA-1U == user@far.test R=dnslookup T=remote_smtp defer (113): No route to host H=mx.far.test [192.0.2.8]",
	  OK, EX, DLV, MAILLOG_ST_DEFERRED, MAILLOG_PH_CONNECT,
	  MAILLOG_FAIL_NO_ROUTE, 0, "", "", NULL, NULL, "user@far.test",
	  NULL, "mx.far.test", "192.0.2.8", 0, NULL },
	{ "exim unroutable",
	  "2026-12-06 10:15:48 1MUiyS-0002Mt-Jr ** bob@example.invalid: Unrouteable address",
	  OK, EX, DLV, MAILLOG_ST_BOUNCED, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_HOST_NOT_FOUND, 0, "", "", NULL, NULL,
	  "bob@example.invalid", NULL, NULL, NULL, -1, NULL },
	{ "exim refusal of a recipient (no message id)",
	  "2026-12-06 10:00:01 H=(host.example.org) [192.0.2.9] F=<x@example.org> rejected RCPT <ann@example.com>: relay not permitted",
	  OK, EX, REJ, MAILLOG_ST_REJECTED, MAILLOG_PH_RCPT,
	  MAILLOG_FAIL_NONE, 550, "", "relay not permitted", "", NULL,
	  "ann@example.com", "x@example.org", "", "192.0.2.9", 0, NULL },
	{ "exim temporary refusal",
	  "2026-12-06 10:00:01 H=mail.example.org [192.0.2.9]:51234 F=<x@example.org> temporarily rejected RCPT <ann@example.com>: greylisted",
	  OK, EX, REJ, MAILLOG_ST_REJECTED, MAILLOG_PH_RCPT,
	  MAILLOG_FAIL_NONE, 450, "", "greylisted", "", NULL,
	  "ann@example.com", "x@example.org", "mail.example.org",
	  "192.0.2.9", 51234, NULL },
	{ "exim through syslog",
	  "Feb 19 22:41:21 ns1 exim[47995]: 1PqsgA-000CU6-GO => bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.16] X=TLSv1:RC4-SHA:128 C=\"250 2.0.0 OK 1298144479 e6sm1688320fav.8\"",
	  OK, EX, DLV, MAILLOG_ST_SENT, MAILLOG_PH_NONE, MAILLOG_FAIL_NONE,
	  250, "2.0.0", NULL, "1PqsgA-000CU6-GO", "exim", "bob@example.net",
	  NULL, "mx.example.net", "192.0.2.16", 0, NULL },
	{ "exim queue run is not a delivery",
	  "2026-12-06 09:22:26 Start queue run: pid=3713",
	  OK, EX, MAILLOG_KIND_OTHER, MAILLOG_ST_NONE, MAILLOG_PH_NONE,
	  MAILLOG_FAIL_NONE, 0, "", "", "", NULL, "", "", "", "", 0, "" },

};

static void
check_str(const char *what, const char *name, struct maillog_str got,
    const char *want)
{
	if (want == NULL)
		return;
	if (*want == '\0') {
		if (got.len != 0) {
			print_error("%s: %s: expected none, got \"%.*s\"\n",
			    name, what, (int)got.len, got.p);
			fail();
		}
		return;
	}
	if (got.p == NULL || got.len != strlen(want) ||
	    memcmp(got.p, want, got.len) != 0) {
		print_error("%s: %s: expected \"%s\", got \"%.*s\"\n", name,
		    what, want, (int)got.len, got.p ? got.p : "");
		fail();
	}
}

static void
test_lines(void **state)
{
	const struct line_case	*t;
	struct maillog_event	 ev;
	enum maillog_parse	 r;
	const char		*why;
	char			*copy;
	size_t			 i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = &cases[i];
		/* an exact-size heap copy: a read past the end trips ASan */
		len = strlen(t->line);
		copy = malloc(len ? len : 1);
		assert_non_null(copy);
		memcpy(copy, t->line, len);
		r = maillog_parse_line(copy, len, &ev, &why);
		if (r != t->want) {
			print_error("%s: parse %d, expected %d (%s)\n", t->name,
			    r, t->want, why ? why : "");
			fail();
		}
		if (r == MAILLOG_BAD && why == NULL) {
			print_error("%s: BAD without a reason\n", t->name);
			fail();
		}
		if (r != MAILLOG_OK) {
			free(copy);
			continue;
		}
		if (ev.mta != t->mta || ev.kind != t->kind ||
		    ev.status != t->status || ev.phase != t->phase ||
		    ev.failure != t->failure ||
		    (t->code != -1 && ev.code != t->code)) {
			print_error("%s: got mta %s kind %s status %s phase %s "
			    "failure %s code %d\n", t->name,
			    maillog_mta_name(ev.mta), maillog_kind_name(ev.kind),
			    maillog_status_name(ev.status),
			    maillog_phase_name(ev.phase),
			    maillog_failure_name(ev.failure), ev.code);
			fail();
		}
		check_str("enh", t->name, ev.enh, t->enh);
		if (t->reply != NULL && *t->reply != '\0' &&
		    (ev.reply.p == NULL || memmem(ev.reply.p, ev.reply.len,
		    t->reply, strlen(t->reply)) == NULL)) {
			print_error("%s: reply \"%.*s\" lacks \"%s\"\n", t->name,
			    (int)ev.reply.len, ev.reply.p ? ev.reply.p : "",
			    t->reply);
			fail();
		}
		if (t->reply != NULL && *t->reply == '\0')
			check_str("reply", t->name, ev.reply, "");
		check_str("qid", t->name, ev.qid, t->qid);
		check_str("program", t->name, ev.program, t->program);
		check_str("rcpt", t->name, ev.rcpt, t->rcpt);
		check_str("sender", t->name, ev.sender, t->sender);
		check_str("peer", t->name, ev.peer, t->peer);
		check_str("peer_addr", t->name, ev.peer_addr, t->peer_addr);
		check_str("dsn", t->name, ev.dsn, t->dsn);
		if (t->port != -1 && ev.peer_port != t->port) {
			print_error("%s: port %d, expected %d\n", t->name,
			    ev.peer_port, t->port);
			fail();
		}
		if ((ev.kind == MAILLOG_KIND_DELIVERY ||
		    ev.kind == MAILLOG_KIND_EXPIRED) &&
		    ev.dir != MAILLOG_DIR_OUT)
			fail_msg("%s: outbound event not OUT", t->name);
		if (ev.kind == MAILLOG_KIND_REJECT && ev.dir != MAILLOG_DIR_IN)
			fail_msg("%s: refusal not IN", t->name);
		/* every piece is inside the line (the command was once -1) */
		if (ev.command.p != NULL && (ev.command.p < copy ||
		    ev.command.len > len ||
		    ev.command.p + ev.command.len > copy + len))
			fail_msg("%s: command outside the line", t->name);
		free(copy);
	}
}

/* Lines that must not parse as mail events. */
struct bad_case {
	const char		*name;
	const char		*line;
	enum maillog_parse	 want;
};

static const struct bad_case bad_cases[] = {
	{ "empty", "", MAILLOG_BAD },
	{ "garbage", "hello world", MAILLOG_BAD },
	{ "month without a clock", "Dec  6 junk", MAILLOG_BAD },
	{ "bad day", "Dec 32 09:58:16 mx postfix/smtp[1]: x", MAILLOG_BAD },
	{ "no program", "Dec  6 09:58:16 mx", MAILLOG_BAD },
	{ "unterminated pid", "Dec  6 09:58:16 mx postfix/smtp[12: x",
	  MAILLOG_BAD },
	{ "delivery without status",
	  "Dec  6 09:58:16 mx postfix/smtp[1]: 4F2A81C0F3: to=<a@example.net>, relay=none",
	  MAILLOG_BAD },
	{ "unterminated address",
	  "Dec  6 09:58:16 mx postfix/smtp[1]: 4F2A81C0F3: to=<a@example.net, status=sent",
	  MAILLOG_BAD },
	{ "bad rfc3339", "2026-13-06T09:58:16Z mx postfix/smtp[1]: x",
	  MAILLOG_BAD },
	{ "another program", "Dec  6 09:58:16 mx dovecot[1]: imap-login: Login",
	  MAILLOG_FOREIGN },
};

static void
test_bad(void **state)
{
	const struct bad_case	*t;
	struct maillog_event	 ev;
	const char		*why;
	char			*copy;
	size_t			 i, len;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		t = &bad_cases[i];
		len = strlen(t->line);
		copy = malloc(len ? len : 1);
		assert_non_null(copy);
		memcpy(copy, t->line, len);
		why = NULL;
		if (maillog_parse_line(copy, len, &ev, &why) != t->want)
			fail_msg("%s: not %d", t->name, t->want);
		if (t->want == MAILLOG_BAD && why == NULL)
			fail_msg("%s: no reason", t->name);
		free(copy);
	}
}

/* Verdicts of the milters and policy services. */
struct verdict_case {
	const char		*name;
	const char		*line;
	enum maillog_kind	 kind;
	enum maillog_auth	 auth;
	enum maillog_result	 result;
	const char		*domain;
	const char		*qid;
	const char		*client_ip;
};

static const struct verdict_case verdicts[] = {
	{ "opendkim pass",
	  "Dec  6 10:00:00 mx1 opendkim[812]: 4F2A81C0F3: DKIM verification successful",
	  MAILLOG_KIND_VERDICT, MAILLOG_AUTH_DKIM, MAILLOG_RES_PASS, NULL,
	  "4F2A81C0F3", NULL },
	{ "opendkim bad signature",
	  "Dec  6 10:00:00 mx1 opendkim[812]: 4F2A81C0F3: bad signature data",
	  MAILLOG_KIND_VERDICT, MAILLOG_AUTH_DKIM, MAILLOG_RES_FAIL, NULL,
	  "4F2A81C0F3", NULL },
	{ "opendkim key retrieval",
	  "Dec  6 10:00:00 mx1 opendkim[812]: 4F2A81C0F3: key retrieval failed (s=mail, d=example.org)",
	  MAILLOG_KIND_VERDICT, MAILLOG_AUTH_DKIM, MAILLOG_RES_TEMPERROR,
	  "example.org", "4F2A81C0F3", NULL },
	{ "opendkim signing is no verdict",
	  "Dec  6 10:00:00 mx1 opendkim[812]: 4F2A81C0F3: DKIM-Signature field added (s=mail, d=example.com)",
	  MAILLOG_KIND_OTHER, MAILLOG_AUTH_DKIM, MAILLOG_RES_NONE, NULL,
	  NULL, NULL },
	{ "opendmarc fail",
	  "Dec  6 10:00:00 mx1 opendmarc[813]: 4F2A81C0F3: example.org fail",
	  MAILLOG_KIND_VERDICT, MAILLOG_AUTH_DMARC, MAILLOG_RES_FAIL,
	  "example.org", "4F2A81C0F3", NULL },
	{ "policyd-spf prepend",
	  "Dec  6 10:00:00 mx1 policyd-spf[900]: prepend Received-SPF: Softfail (mailfrom) identity=mailfrom; client-ip=192.0.2.7; helo=mail.example.org; envelope-from=x@example.org; receiver=<UNKNOWN> ",
	  MAILLOG_KIND_VERDICT, MAILLOG_AUTH_SPF, MAILLOG_RES_SOFTFAIL,
	  "example.org", "", "192.0.2.7" },
	{ "policyd-spf reject",
	  "Dec  6 10:00:00 mx1 policyd-spf[900]: 550 5.7.23 Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=x@example.org;ip=192.0.2.7;r=<UNKNOWN>",
	  MAILLOG_KIND_VERDICT, MAILLOG_AUTH_SPF, MAILLOG_RES_FAIL,
	  "example.org", "", NULL },
	{ "rspamd reject (syslog)",
	  "Dec  6 10:00:00 mx1 rspamd[1234]: <ed2abb>; task; rspamd_task_write_log: id: <m1@example.org>, qid: <4F2A81C0F3>, ip: 192.0.2.7, from: <x@example.org>, (default: T (reject): [16.50/15.00] [BAYES_SPAM(5.10){99.99%;}]), len: 2048, time: 310.2ms real, 20.1ms virtual, dns req: 12",
	  MAILLOG_KIND_VERDICT, MAILLOG_AUTH_SPAM, MAILLOG_RES_FAIL,
	  "example.org", "4F2A81C0F3", "192.0.2.7" },
	{ "rspamd own log, no action",
	  "2026-12-06 16:41:59 #45015(normal) <ed2abb>; task; rspamd_task_write_log: id: <m2@example.org>, qid: <4F2A81C0F4>, ip: 192.0.2.8, from: <y@example.org>, (default: F (no action): [1.20/15.00] [R_SPF_ALLOW(-0.20){+ip4:192.0.2.0/24;}]), len: 1024, time: 100.0ms real, 10.0ms virtual, dns req: 3",
	  MAILLOG_KIND_VERDICT, MAILLOG_AUTH_SPAM, MAILLOG_RES_PASS,
	  "example.org", "4F2A81C0F4", "192.0.2.8" },
};

static void
test_verdicts(void **state)
{
	const struct verdict_case *t;
	struct maillog_event	 ev;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		t = &verdicts[i];
		if (maillog_parse_line(t->line, strlen(t->line), &ev, NULL) !=
		    MAILLOG_OK)
			fail_msg("%s: not parsed", t->name);
		if (ev.mta != MAILLOG_MTA_MILTER || ev.kind != t->kind ||
		    ev.auth != t->auth || ev.result != t->result)
			fail_msg("%s: got mta %s kind %s auth %s result %s",
			    t->name, maillog_mta_name(ev.mta),
			    maillog_kind_name(ev.kind), maillog_auth_name(ev.auth),
			    maillog_result_name(ev.result));
		check_str("domain", t->name, ev.domain, t->domain);
		check_str("qid", t->name, ev.qid, t->qid);
		check_str("client_ip", t->name, ev.client_ip, t->client_ip);
		if (ev.kind == MAILLOG_KIND_VERDICT && ev.dir != MAILLOG_DIR_IN)
			fail_msg("%s: verdict not IN", t->name);
	}
}

/* Timestamps: the forms, the offset, the year of a classic stamp. */
static void
test_time(void **state)
{
	struct maillog_event	 ev;
	time_t			 ref, t;
	const char		*l;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	l = "2026-12-06T09:58:16.5+01:00 mx postfix/qmgr[1]: x";
	assert_int_equal(maillog_parse_line(l, strlen(l), &ev, NULL), OK);
	assert_int_equal(ev.ts.has_tz, 1);
	assert_int_equal(ev.ts.tz_min, 60);
	/* 2026-12-06 08:58:16 UTC */
	assert_int_equal(maillog_time(&ev.ts, 0), 1796547496);
	l = "2026-12-06T09:58:16+0000 mx postfix/qmgr[1]: x";
	assert_int_equal(maillog_parse_line(l, strlen(l), &ev, NULL), OK);
	assert_int_equal(maillog_time(&ev.ts, 0), 1796551096);

	/* no year: read on 2027-01-02, December is last year's */
	l = "Dec 31 23:59:59 mx postfix/qmgr[1]: x";
	assert_int_equal(maillog_parse_line(l, strlen(l), &ev, NULL), OK);
	assert_int_equal(ev.ts.year, 0);
	ref = 1798848000;	/* 2027-01-02 00:00:00 UTC */
	t = maillog_time(&ev.ts, ref);
	assert_int_equal(t, 1798761599);	/* 2026-12-31 23:59:59 */
	/* the same line read on 2026-12-31 12:00 is this year's */
	assert_int_equal(maillog_time(&ev.ts, 1798718400), 1798761599);
	/* a one-digit day padded with a space */
	l = "Jan  2 00:00:01 mx postfix/qmgr[1]: x";
	assert_int_equal(maillog_parse_line(l, strlen(l), &ev, NULL), OK);
	assert_int_equal(maillog_time(&ev.ts, ref), 1798848001);

	/* Exim's local time with its log_timezone offset */
	l = "2026-12-06 10:00:00 -0130 Start queue run: pid=1";
	assert_int_equal(maillog_parse_line(l, strlen(l), &ev, NULL), OK);
	assert_int_equal(ev.ts.tz_min, -90);
	assert_int_equal(maillog_time(&ev.ts, 0), 1796551200 + 5400);
}

/* Bounds: a long line is refused whole, a cut line parses what it has. */
static void
test_bounds(void **state)
{
	struct maillog_event	 ev;
	char			*big;
	const char		*l, *why = NULL;
	size_t			 n = MAILLOG_LINE_MAX + 1;

	(void)state;
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	assert_int_equal(maillog_parse_line(big, n, &ev, &why),
	    MAILLOG_TOO_LONG);
	assert_non_null(why);
	free(big);

	/* cut in the middle of the explanation: status kept, no crash */
	l = "Dec  6 09:58:16 mx postfix/smtp[1]: 4F2A81C0F3: to=<a@example.net>, relay=mx.example.net[192.0.2.1]:25, dsn=5.1.1, status=bounced (host mx.example.net[192.0.2.1] said: 550 5.1";
	assert_int_equal(maillog_parse_line(l, strlen(l), &ev, NULL), OK);
	assert_int_equal(ev.status, MAILLOG_ST_BOUNCED);
	assert_int_equal(ev.code, 550);

	/* a NUL inside the line is just a byte: another program here */
	assert_int_equal(maillog_parse_line("Dec  6 09:58:16 mx p\0x[1]: y",
	    28, &ev, NULL), MAILLOG_FOREIGN);

	/* domains */
	{
		struct maillog_str a = { "Ann@Example.COM", 15 }, d;

		d = maillog_domain(a);
		assert_int_equal(d.len, 11);
		assert_true(maillog_str_eq(d, "example.com"));
		a.len = 3;
		assert_int_equal(maillog_domain(a).len, 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
