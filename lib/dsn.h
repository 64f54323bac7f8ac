/*
 * dsn.h - a bounce, read: the refused recipients of a delivery status
 * notification (RFC 3464 inside an RFC 6522 multipart/report) or of a
 * plain-text bounce (Postfix, Exim, Sendmail, qmail, Exchange, Gmail,
 * Coremail), each with the remote server's reply and what it answered.
 *
 * The parser takes the whole message in memory (the caller bounds its
 * size), decodes base64 and quoted-printable parts, follows nested
 * multiparts to a bounded depth and keeps bounded copies; it never
 * fails on what it does not understand, it just finds nothing there.
 */
#ifndef SMTPROBE_DSN_H
#define SMTPROBE_DSN_H

#include <stddef.h>

#define DSN_RCPTS_MAX	64	/* recipients kept from one bounce */
#define DSN_TEXT_MAX	2048	/* bytes of a diagnostic kept */
#define DSN_DEPTH_MAX	8	/* nested multiparts followed */

/* One recipient of the bounce. Empty strings when not said. */
struct dsn_rcpt {
	char	 rcpt[256];		/* Final-Recipient, or the address the
					   text names */
	char	 action[16];		/* failed, delayed, delivered,
					   relayed, expanded */
	char	 status[16];		/* Status: "5.1.1" */
	char	 remote_mta[256];	/* the server that answered */
	char	 remote_addr[64];	/* its address, when written */
	char	 command[32];		/* what the reply answered: "RCPT TO",
					   "MAIL FROM", "DATA", "end of data"
					   ... */
	char	 diag_type[16];		/* Diagnostic-Code type: "smtp", "x-unix" */
	int	 code;			/* the reply's basic code, 0 none */
	char	 diag[DSN_TEXT_MAX];	/* the reply or the reason as given:
					   lines unfolded, joined by '\n',
					   8-bit bytes as they are */
	size_t	 diaglen;
};

struct dsn_report {
	int		 kind;		/* DSN_KIND_* */
	char		 reporting_mta[256];
	/* from the returned message's headers, when it came back */
	char		 from_domain[256];	/* From: */
	char		 env_from[256];		/* Return-Path: / X-Postfix-Sender */
	char		 dkim_domain[256];	/* DKIM-Signature d= */
	char		 dkim_selector[64];	/* DKIM-Signature s= */
	struct dsn_rcpt	 rcpts[DSN_RCPTS_MAX];
	int		 nrcpts;
	int		 truncated;		/* more recipients than kept */
};

enum {
	DSN_KIND_NONE,		/* nothing found */
	DSN_KIND_REPORT,	/* an RFC 3464 delivery-status report */
	DSN_KIND_TEXT,		/* a plain-text bounce */
};

/*
 * Does buf look like a mail message (a header block: "Name: value"
 * lines, then an empty line or the end)?
 */
int		 dsn_is_message(const char *buf, size_t len);

/*
 * Read a bounce message. Returns the number of recipients found (0 when
 * the message holds no refusal it can read).
 */
int		 dsn_parse(const char *buf, size_t len, struct dsn_report *);

/*
 * The recipients of a plain text (a bounce's body without MIME, or a
 * copy pasted from one): the same as dsn_parse for a text part.
 */
int		 dsn_parse_text(const char *buf, size_t len, struct dsn_report *);

#endif
