/*
 * replydb.h - the knowledge base of refusals: what a 4xx/5xx reply means.
 *
 * One table (replydb.c) of rows, each from a named source (a provider
 * such as gmail or qq, or an MTA or filter such as postfix or postgrey)
 * with what it matches (basic code, enhanced code, a case-insensitive
 * text pattern), the cause (a finding id), a one-line remedy and the
 * source's public reference. A reply is classified in three steps:
 *
 *	1. the best matching row of the table (text pattern, codes);
 *	2. else the meaning of its RFC 3463 enhanced status code, from
 *	   the IANA registry (every registered code has a default cause);
 *	3. else the class of its basic code (RFC 5321 4.2.1).
 *
 * The session engine, `smtprobe explain` and the log reader all classify
 * through here, so a cause is named once wherever a refusal was seen.
 * Classification allocates nothing and keeps no state between calls; the
 * pattern index is built once, on first use (thread-safe).
 */
#ifndef SMTPROBE_REPLYDB_H
#define SMTPROBE_REPLYDB_H

#include <stddef.h>

#include "finding.h"
#include "reply.h"

/* One row of the knowledge base. */
struct replydb_row {
	const char	*source;	/* "gmail", "postfix", "generic" ... */
	int		 code;		/* basic code it needs, 0: any */
	const char	*enh;		/* enhanced code it needs ("5.7.1"),
					   or NULL: any */
	const char	*pattern;	/* case-insensitive UTF-8 text the
					   reply must contain, or NULL */
	enum finding_id	 cause;
	const char	*remedy;	/* one line, the source's own advice
					   put in our words */
	const char	*url;		/* the source's reference, or NULL */
	const char	*example;	/* a real reply from the source, for
					   the tests and the man page */
};

/* How deep the classification had to go. */
enum replydb_level {
	REPLYDB_ROW,		/* a row of the table matched */
	REPLYDB_ENHANCED,	/* the enhanced status code decided */
	REPLYDB_BASIC,		/* only the basic code's class was known */
};

struct replydb_match {
	enum replydb_level	 level;
	const struct replydb_row *row;	/* the row, at REPLYDB_ROW; else NULL */
	enum finding_id		 cause;
	/*
	 * The cause says no more than "refused" or "deferred": the caller
	 * names it after the command refused (policy.rcpt.rejected,
	 * policy.mail.rejected ...) when it knows the command.
	 */
	int			 generic;
	int			 permanent;	/* 5xx: do not retry (the basic
						   code decides, RFC 3463 2) */
	int			 inconsistent;	/* the enhanced code's class
						   disagrees with the basic
						   code (e.g. 451 5.7.3) */
	int			 says_permanent; /* a 4xx whose words say the
						   refusal is permanent (Yahoo's
						   421 [TS03] "permanently
						   deferred"): still temporary
						   by its code, but retrying
						   will not help */
	const char		*source;	/* row's source, else "rfc3463"
						   or "rfc5321" */
	char			 enh[16];	/* enhanced code seen ("" none),
						   as written */
	const char		*meaning;	/* registry title of the enhanced
						   code, or of the basic code */
	const char		*remedy;	/* never NULL */
	const char		*url;		/* NULL when none */
};

/*
 * Classify a reply: basic code (200..599), the enhanced code as written
 * in the text (parsed here, even when its class disagrees with code),
 * and the text of every line (raw bytes, lines separated by '\n'; UTF-8
 * or GBK; the codes at the start of each line may be left in or taken
 * out). text may be NULL. Returns 0, or -1 when code is not a 4xx or
 * 5xx (m is then untouched).
 */
int		 replydb_classify(int code, const char *text, size_t len,
		    struct replydb_match *m);

/*
 * The same for what the sending MTA wrote of its own attempt, with no
 * server's reply (a DSN's Status and X-Postfix diagnostic): code is the
 * status's class as 450 or 550. The network codes X.4.1-X.4.4 then name
 * their cause (a timeout, a reset, a failed lookup, no route); in a
 * server's reply they name none.
 */
int		 replydb_classify_local(int code, const char *text, size_t len,
		    struct replydb_match *m);

/* The same for a reply read by reply_feed() (its raw text). */
int		 replydb_classify_reply(const struct reply *r,
		    struct replydb_match *m);

/* The command a refusal answered, as far as it matters for its name. */
enum replydb_cmd {
	REPLYDB_CMD_NONE,	/* not known (a reply on its own) */
	REPLYDB_CMD_BANNER,	/* the greeting */
	REPLYDB_CMD_HELO,	/* EHLO, HELO, LHLO */
	REPLYDB_CMD_MAIL,
	REPLYDB_CMD_RCPT,
	REPLYDB_CMD_DATA,	/* DATA, BDAT and the end of the data */
	REPLYDB_CMD_OTHER,	/* STARTTLS, RSET, QUIT, AUTH ... */
};

/*
 * The finding a classified refusal makes when it answered cmd: the
 * match's cause, or, when that says no more than "refused" or
 * "deferred", the command's own id (smtp.banner.5xx, smtp.ehlo.rejected,
 * policy.mail.rejected, policy.rcpt.rejected, policy.deferred ...). A
 * cause that blames the client keeps its id at every command; a
 * permanent refusal of MAIL FROM:<> (null_sender) that names no client
 * cause is policy.null-sender.rejected (RFC 5321 4.5.5).
 */
enum finding_id	 replydb_finding(const struct replydb_match *m,
		    enum replydb_cmd cmd, int null_sender);

/* "RCPT TO", "rcpt", "MAIL FROM", "end of data", "greeting" ... */
enum replydb_cmd replydb_cmd_lookup(const char *command);

/* Does the cause refuse the client itself (its address or its name)? */
int		 replydb_refuses_client(enum finding_id);

/* The whole table, in table order; *n gets the row count. */
const struct replydb_row *replydb_table(size_t *n);

/* The registry title of an enhanced code (class ignored), or NULL. */
const char	*replydb_enh_meaning(int subject, int detail);

/* "gmail 4.7.28: <meaning>" - a short label for evidence. */
const char	*replydb_label(const struct replydb_match *m, char *buf,
		    size_t sz);

#endif
