/*
 * explain.h - a refusal the user already has, explained: the cause of a
 * reply, a log line's delivery failure or a bounce's recipient, with the
 * knowledge base's source, reference and remedy, and the smtprobe
 * command that checks the cause further.
 *
 * `smtprobe explain` and the mail log reader build items from what they
 * read and call explain_classify(); the knowledge base (replydb.h)
 * decides, so a cause is named the same wherever it was seen.
 */
#ifndef SMTPROBE_EXPLAIN_H
#define SMTPROBE_EXPLAIN_H

#include <stddef.h>

#include "finding.h"
#include "replydb.h"

#define EXPLAIN_TEXT_MAX	2048

/* One refused (or deferred) delivery, as read. Empty when not said. */
struct explain_item {
	const char	*input;		/* "reply", "postfix", "exim", "dsn",
					   "bounce" */
	char		 rcpt[256];	/* the recipient refused */
	char		 sender[256];	/* the envelope sender; "<>" for the
					   null sender */
	char		 remote[256];	/* the server that answered */
	char		 remote_addr[64];
	char		 command[32];	/* what the reply answered */
	char		 status[16];	/* a DSN's Status or Postfix's dsn= */
	char		 action[16];	/* failed, delayed, bounced ... */
	int		 code;		/* the reply's basic code, 0: none */
	char		 text[EXPLAIN_TEXT_MAX]; /* the reply after its code,
					   or the failure in words */

	/* filled by explain_classify */
	int		 ok;		/* a success: nothing to explain */
	int		 known;		/* a cause was found */
	struct replydb_match m;		/* when the reply was classified */
	enum finding_id	 id;
	enum severity	 sev;		/* crit permanent, warn temporary */
	const char	*remedy;
	char		 check[600];	/* smtprobe command, "" when none */
};

/* What the bounce tells of the message, for the check commands. */
struct explain_ctx {
	const char	*from_domain;	/* header From: domain */
	const char	*env_from;	/* envelope sender */
	const char	*dkim_domain;	/* DKIM-Signature d= */
	const char	*dkim_selector;	/* DKIM-Signature s= */
	const char	*client_ip;	/* the sending address, if known */
};

/*
 * Classify an item: its reply through the knowledge base (named after
 * the command it answered), or, without a reply, the failure its words
 * state (timeouts, refused connections, name errors, TLS). ctx may be
 * NULL.
 */
void		 explain_classify(struct explain_item *,
		    const struct explain_ctx *);

/*
 * The cause of a delivery failure stated without a reply code, from its
 * words ("Connection timed out", "Host or domain name not found",
 * "certificate verification failed" ...); F_COUNT when none is known.
 */
enum finding_id	 explain_failure(const char *text, size_t len, int permanent);

/*
 * The reply as one line: continuation lines without the codes they
 * repeat, joined by " / " (as findings show replies).
 */
const char	*explain_text_line(const struct explain_item *, char *buf,
		    size_t sz);

/*
 * Text for a person or for JSON: valid UTF-8 as it is; else read as
 * GB18030 (GBK, GB2312: what Chinese providers send) and converted;
 * else with every byte outside ASCII as '?'. Control bytes become
 * spaces.
 */
const char	*explain_utf8(const char *in, char *out, size_t sz);

/* The evidence line of an item: command, reply and label. */
const char	*explain_evidence(const struct explain_item *, char *buf,
		    size_t sz);

#endif
