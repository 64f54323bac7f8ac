/*
 * logsum.h - what real mail saw: MTA log lines (maillog.h) summed up per
 * direction, domain and cause.
 *
 * Fed one line at a time, it keeps only bounded state: a row per
 * (direction, domain, cause) with counts, first and last time, one
 * sample reply and the cause's source and remedy; per domain the counts
 * by status; a bounded table joining a Postfix queue id to its sender
 * (qmgr logs "from=" on its own line) and to its last failure (so an
 * "expired" line lands on the cause that kept the message in the
 * queue); and a bounded set of (message, cause) pairs to count the
 * messages affected, not the attempts. Nothing grows with the log's
 * length beyond LOGSUM_*_MAX.
 *
 * Causes are finding ids (finding.h), chosen by the knowledge base of
 * refusals for a reply, or from the failure before any reply (connect
 * refused: net.connect.refused ...).
 */
#ifndef SMTPROBE_LOGSUM_H
#define SMTPROBE_LOGSUM_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "finding.h"
#include "maillog.h"

#define LOGSUM_DOMAINS_MAX	20000	/* more go to the domain "other" */
#define LOGSUM_ROWS_MAX		50000
#define LOGSUM_SAMPLE_MAX	300	/* bytes of a sample reply */
#define LOGSUM_NAME_MAX		255

struct logsum_params {
	time_t		 now;		/* the reference for year-less stamps */
	time_t		 since;		/* 0: no lower bound */
	time_t		 until;		/* 0: no upper bound */
	const char	*domain;	/* only this domain and its subdomains
					   (A-labels: a domain the log wrote
					   with U-labels is kept with its
					   A-labels), or NULL */
};

/* Line counts. */
struct logsum_lines {
	uint64_t	 read;
	uint64_t	 events;	/* deliveries, refusals, verdicts counted */
	uint64_t	 other;		/* mail lines with nothing to count */
	uint64_t	 foreign;	/* lines of other programs */
	uint64_t	 unparsable;	/* BAD: not a log line we read */
	uint64_t	 too_long;
	uint64_t	 out_of_range;	/* outside --since/--until */
};

/* One cause seen for one domain in one direction. */
struct logsum_row {
	enum maillog_dir	 dir;
	const char		*domain;
	enum finding_id		 cause;
	uint64_t		 status[MAILLOG_ST_COUNT];	/* attempts */
	uint64_t		 attempts;
	uint64_t		 messages;	/* distinct messages */
	int			 messages_capped; /* the set was full: at least */
	time_t			 first, last;
	char			 sample[LOGSUM_SAMPLE_MAX + 1];	/* "450 4.2.0 ..." */
	enum maillog_phase	 phase;		/* of the sample */
	enum maillog_failure	 failure;	/* of the sample */
	char			 peer[LOGSUM_NAME_MAX + 1];	/* relay or client */
	char			 peer_addr[64];
	char			 sender_domain[LOGSUM_NAME_MAX + 1]; /* a from=
							   domain seen with it */
	char			 client_ip[64];	/* inbound: the client */
	const char		*source;	/* knowledge-base source, or NULL */
	const char		*remedy;	/* never NULL */
	const char		*url;		/* or NULL */
};

/* One domain in one direction: counts by status. */
struct logsum_domain {
	enum maillog_dir	 dir;
	const char		*domain;
	uint64_t		 status[MAILLOG_ST_COUNT];
	uint64_t		 failed_messages;	/* sum over its rows */
	time_t			 first, last;
};

struct logsum;

struct logsum	*logsum_new(const struct logsum_params *);
void		 logsum_free(struct logsum *);

/*
 * Take one line (without its newline). Returns its parse result (so
 * the caller can show unparsable lines); everything is counted here.
 */
enum maillog_parse logsum_feed(struct logsum *, const char *line, size_t len);

/* Count a line the reader had to cut (over MAILLOG_LINE_MAX). */
void		 logsum_too_long(struct logsum *);

const struct logsum_lines *logsum_lines(const struct logsum *);

/*
 * The rows, ordered by messages affected (most first), then attempts;
 * *n gets their number. Valid until the next logsum_feed.
 */
const struct logsum_row *const *logsum_rows(struct logsum *, size_t *n);

/* The domains, ordered by failed messages, then by all attempts. */
const struct logsum_domain *const *logsum_domains(struct logsum *, size_t *n);

/*
 * The cause of one event (a delivery that did not succeed, a refusal, a
 * failed verdict), with the knowledge base's source, remedy and
 * reference. Returns F_COUNT for an event that is no failure.
 */
enum finding_id	 logsum_cause(const struct maillog_event *ev,
		    const char **source, const char **remedy, const char **url);

/* "out" or "in". */
const char	*logsum_dir_name(enum maillog_dir);

#endif
