/*
 * maillog.h - one line of an MTA's log (Postfix, Exim, and the milters
 * and policy services that log beside them) as a delivery event.
 *
 * The parser is a pure function of the line: it allocates nothing,
 * keeps no state and copies nothing. Every string of an event is a
 * slice of the caller's line (struct maillog_str: pointer and length,
 * not NUL-terminated), valid as long as the line is. Lines longer than
 * MAILLOG_LINE_MAX are refused, so the work per line is bounded.
 *
 * What one line cannot say is left to the caller: Postfix logs a
 * message's sender (qmgr "from=<...>") on another line than each of its
 * delivery attempts, and the two are joined by queue id; a classic
 * syslog timestamp has no year (maillog_time() takes a reference time).
 */
#ifndef SMTPROBE_MAILLOG_H
#define SMTPROBE_MAILLOG_H

#include <stddef.h>
#include <time.h>

/* Longest line parsed, in bytes (without its newline). */
#define MAILLOG_LINE_MAX	16384

/* A slice of the caller's line; p is NULL and len 0 when absent. */
struct maillog_str {
	const char	*p;
	size_t		 len;
};

enum maillog_mta {
	MAILLOG_MTA_NONE,
	MAILLOG_MTA_POSTFIX,	/* postfix/..., postfix-INSTANCE/... */
	MAILLOG_MTA_EXIM,	/* Exim's mainlog, or exim[PID]: in syslog */
	MAILLOG_MTA_MILTER,	/* opendkim, opendmarc, policyd-spf, rspamd */
};

enum maillog_kind {
	MAILLOG_KIND_OTHER,	/* a line of a known program, nothing to
				   count (connect, TLS, removed, stats) */
	MAILLOG_KIND_DELIVERY,	/* a delivery attempt of one recipient */
	MAILLOG_KIND_SENDER,	/* a queued message's sender (Postfix qmgr
				   "from=<...>, size=", Exim "<=") */
	MAILLOG_KIND_EXPIRED,	/* a message returned to its sender after
				   its queue lifetime (no recipient) */
	MAILLOG_KIND_REJECT,	/* an inbound refusal by this server */
	MAILLOG_KIND_VERDICT,	/* a milter's or policy service's verdict */
};

enum maillog_dir {
	MAILLOG_DIR_NONE,
	MAILLOG_DIR_OUT,	/* this server delivering (or not) */
	MAILLOG_DIR_IN,		/* this server receiving (or refusing) */
};

enum maillog_status {
	MAILLOG_ST_NONE,
	MAILLOG_ST_SENT,
	MAILLOG_ST_DEFERRED,
	MAILLOG_ST_BOUNCED,
	MAILLOG_ST_EXPIRED,
	MAILLOG_ST_REJECTED,	/* inbound; the code says 4xx or 5xx */
	MAILLOG_ST_OTHER,	/* a status word we do not count
				   (deliverable, undeliverable ...) */
	MAILLOG_ST_COUNT
};

/* The command a reply answered, or the step a failure happened in. */
enum maillog_phase {
	MAILLOG_PH_NONE,
	MAILLOG_PH_CONNECT,
	MAILLOG_PH_BANNER,	/* the initial server greeting */
	MAILLOG_PH_HELO,	/* EHLO, HELO or LHLO */
	MAILLOG_PH_STARTTLS,
	MAILLOG_PH_TLS,		/* the TLS handshake */
	MAILLOG_PH_MAIL,
	MAILLOG_PH_RCPT,
	MAILLOG_PH_DATA,	/* the DATA (or BDAT) command */
	MAILLOG_PH_EOD,		/* the message body and its end */
	MAILLOG_PH_OTHER,
	MAILLOG_PH_COUNT
};

/* What went wrong before (or instead of) a reply. */
enum maillog_failure {
	MAILLOG_FAIL_NONE,		/* a reply says it all, or success */
	MAILLOG_FAIL_CONNECT_REFUSED,
	MAILLOG_FAIL_CONNECT_TIMEOUT,
	MAILLOG_FAIL_NO_ROUTE,		/* no route to host, network unreachable */
	MAILLOG_FAIL_LOST_CONNECTION,
	MAILLOG_FAIL_TIMEOUT,		/* the conversation timed out */
	MAILLOG_FAIL_HOST_NOT_FOUND,	/* the next hop's name did not resolve */
	MAILLOG_FAIL_TLS_REQUIRED,	/* TLS required, not offered or refused */
	MAILLOG_FAIL_TLS_CERT,		/* certificate not verified/trusted */
	MAILLOG_FAIL_TLS_HANDSHAKE,
	MAILLOG_FAIL_OTHER,		/* some other text, no reply */
	MAILLOG_FAIL_NO_ATTEMPT,	/* none made (Exim's "retry time not
					   reached"): an earlier line's cause */
	MAILLOG_FAIL_COUNT
};

/* Which check a verdict line reports. */
enum maillog_auth {
	MAILLOG_AUTH_NONE,
	MAILLOG_AUTH_SPF,
	MAILLOG_AUTH_DKIM,
	MAILLOG_AUTH_DMARC,
	MAILLOG_AUTH_SPAM,		/* a content filter's action (rspamd) */
};

enum maillog_result {
	MAILLOG_RES_NONE,		/* no verdict (or none published) */
	MAILLOG_RES_PASS,
	MAILLOG_RES_FAIL,		/* fail, or a reject action */
	MAILLOG_RES_SOFTFAIL,		/* SPF softfail; a filter's soft reject
					   or add-header action */
	MAILLOG_RES_NEUTRAL,
	MAILLOG_RES_TEMPERROR,
	MAILLOG_RES_PERMERROR,
	MAILLOG_RES_COUNT
};

/* A line's own time, as written. */
struct maillog_stamp {
	int	 year;		/* 0: not written (classic syslog) */
	int	 mon;		/* 1..12 */
	int	 mday;		/* 1..31 */
	int	 hour, min, sec;
	int	 has_tz;	/* the offset below was written */
	int	 tz_min;	/* offset east of UTC, minutes */
};

struct maillog_event {
	enum maillog_mta	 mta;
	enum maillog_kind	 kind;
	enum maillog_dir	 dir;
	struct maillog_stamp	 ts;
	struct maillog_str	 node;		/* the logging host's name */
	struct maillog_str	 program;	/* "smtp", "smtpd", "postscreen",
						   "opendkim", "exim" ... (the last
						   part of "postfix/submission/smtpd") */
	struct maillog_str	 qid;		/* queue or message id; absent
						   for NOQUEUE */

	/* addresses, without their angle brackets */
	struct maillog_str	 rcpt;		/* to=, Exim's delivery address */
	struct maillog_str	 orig_rcpt;	/* orig_to=, Exim's <parent> */
	struct maillog_str	 sender;	/* from= where this line has it */

	/* the other side: the relay delivered to, or the client refused */
	struct maillog_str	 peer;		/* host name ("unknown", "none") */
	struct maillog_str	 peer_addr;	/* numeric address */
	int			 peer_port;	/* 0 when not written */
	struct maillog_str	 helo;		/* inbound: the client's HELO */
	struct maillog_str	 proto;		/* inbound: SMTP, ESMTP ... */

	enum maillog_status	 status;
	struct maillog_str	 dsn;		/* Postfix dsn=, "5.1.1" */
	struct maillog_str	 detail;	/* the whole explanation (Postfix's
						   parenthesised text, Exim's error) */

	/* the remote (or, inbound, our own) reply, when there was one */
	int			 code;		/* 0: no reply code written */
	struct maillog_str	 enh;		/* "5.1.1", or absent */
	struct maillog_str	 reply;		/* the reply's text after code and
						   enhanced code */
	enum maillog_phase	 phase;		/* the command it answered */
	struct maillog_str	 command;	/* that command as logged:
						   "RCPT TO", "RCPT" ... */
	enum maillog_failure	 failure;

	/* verdict lines */
	enum maillog_auth	 auth;
	enum maillog_result	 result;
	struct maillog_str	 domain;	/* the domain judged (d=, header
						   From domain), when logged */
	struct maillog_str	 client_ip;	/* policyd-spf client-ip=, rspamd ip: */
};

enum maillog_parse {
	MAILLOG_OK,		/* ev is filled (kind may be OTHER) */
	MAILLOG_FOREIGN,	/* a well-formed syslog line of a program
				   that is not a mail program */
	MAILLOG_BAD,		/* not a log line we can read, or a mail
				   program's line that breaks its format */
	MAILLOG_TOO_LONG,	/* over MAILLOG_LINE_MAX */
};

/*
 * Parse one line (without its newline; a trailing CR is ignored).
 * Never reads outside line[0..len). On MAILLOG_BAD *why, when why is
 * not NULL, gets a static reason. ev is always reset first.
 */
enum maillog_parse maillog_parse_line(const char *line, size_t len,
		    struct maillog_event *ev, const char **why);

/*
 * The event's time as a time_t. A stamp without an offset is local
 * time (the TZ environment). A stamp without a year takes the year
 * that puts it closest to ref, not more than a day after it (a log
 * read in January holds December's lines). Returns (time_t)-1 when the
 * stamp is not a valid date.
 */
time_t		 maillog_time(const struct maillog_stamp *ts, time_t ref);

/* The domain of an address ("user@Example.COM" -> "Example.COM"); an
   address without '@' has none (len 0). */
struct maillog_str maillog_domain(struct maillog_str addr);

/* Does s equal the NUL-terminated word w (case-insensitively)? */
int		 maillog_str_eq(struct maillog_str s, const char *w);

/* Names for output and the tests: "sent", "rcpt", "connect-refused" ... */
const char	*maillog_status_name(enum maillog_status);
const char	*maillog_phase_name(enum maillog_phase);
const char	*maillog_failure_name(enum maillog_failure);
const char	*maillog_kind_name(enum maillog_kind);
const char	*maillog_mta_name(enum maillog_mta);
const char	*maillog_auth_name(enum maillog_auth);
const char	*maillog_result_name(enum maillog_result);

#endif
