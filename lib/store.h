/*
 * store.h - the rolling history of smtprobed in SQLite: session probes,
 * DNS audits, their findings, alert transitions and the open alerts.
 *
 * Writes never wait for the disk: store_add_* copy what they are given
 * into a bounded queue and return. One writer thread, the only one that
 * writes, takes the queue in batches (every flush_ms, or as soon as
 * batch_rows rows wait) and commits each batch in one transaction. The
 * database is in WAL mode with synchronous=NORMAL: a killed process
 * loses nothing committed, so a kill -9 costs at most what was still
 * queued (the last batch). The same thread enforces retention by age
 * and by size, oldest rows first, a few hundred rows per transaction so
 * that no lock is held for long.
 *
 * When the disk is full, read-only or failing, the rows of the batch
 * that could not be committed are dropped and counted, the failure is
 * logged once per error_interval, and the writer tries again with the
 * next batch: the caller never sees it, except in the counters. A
 * corrupt database is logged once, with what SQLite found and what to
 * do, since it does not heal by itself; it stays in the counters.
 *
 * Reads use a second connection (WAL readers do not wait for the
 * writer) and are meant for the caller's own thread, one call at a
 * time; every read is bounded by a limit.
 *
 * The MTA logs the daemon follows ([log] sections) keep here their
 * events counted per minute, direction, domain, status and cause, and
 * the position they read on; both are written in one transaction, so a
 * restart neither counts a line twice nor skips one.
 *
 * Times are seconds since the epoch; durations are named with their
 * unit (duration_us, duration_ms). The schema is in store.c and in
 * smtprobed.conf(5).
 */
#ifndef SMTPROBE_STORE_H
#define SMTPROBE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "finding.h"

struct smtp_result;
struct check_report;
struct store;

/* The schema version this code writes (table schema_version). */
#define STORE_SCHEMA_VERSION	2

/* Most rows one read returns, whatever limit is asked for. */
#define STORE_LIMIT_MAX		10000

struct store_params {
	const char	*path;		/* database file, created mode 0640 */
	int		 queue_max;	/* rows waiting at most; more are dropped */
	size_t		 queue_bytes_max; /* bytes waiting at most */
	int		 batch_rows;	/* rows per transaction at most */
	int		 flush_ms;	/* longest a queued row waits */
	int64_t		 retain_age;	/* seconds kept; 0: no limit by age */
	int64_t		 retain_bytes;	/* live bytes kept; 0: no limit by size */
	int		 retain_interval_ms; /* how often retention is checked */
	int		 error_interval; /* seconds between two reports of
					   the same failure */
	int		 read_busy_ms;	/* longest a read waits for a lock */
	int		 close_ms;	/* longest store_close() writes */
	int64_t		 max_pages;	/* PRAGMA max_page_count, 0 to leave
					   it; tests use it to fill the "disk" */
};

/*
 * Defaults: queue 100000 rows and 64 MiB, batches of 500 rows, flush
 * every 100 ms, no retention, retention checked every second, errors
 * reported every 60 s, reads wait at most 100 ms, close writes for at
 * most 1 s. path is NULL.
 */
void		 store_params_defaults(struct store_params *);

/*
 * Open (creating the file mode 0640 and the schema when needed, or
 * migrating an older schema) and start the writer thread. Returns NULL
 * with *cause (to be freed) naming the file when the database cannot be
 * opened or written, or was made by a newer smtprobed.
 */
struct store	*store_open(const struct store_params *, char **cause);

/*
 * Write what is queued, wait for the writer to end and close. Rows
 * queued before the call are committed, or dropped and counted when the
 * disk fails or close_ms passes first (then at most the batch being
 * written is still waited for): after SIGTERM, store_flush() with what
 * is left of the deadline, then store_close(). NULL is fine.
 */
void		 store_close(struct store *);

/*
 * Wait until every row queued before the call is committed or dropped,
 * at most timeout_ms (< 0: no limit). For SIGTERM and tests. Returns 0,
 * or -1 on timeout.
 */
int		 store_flush(struct store *, int timeout_ms);

/*
 * Change the retention while running (SIGHUP). 0 disables a limit. The
 * writer applies it at its next retention check.
 */
void		 store_set_retention(struct store *, int64_t age_seconds,
		    int64_t max_bytes);

/* --- writes: copy, queue, return; 0 queued, -1 dropped (counted) --- */

/*
 * One session probe of target: host is the name probed, started_at when
 * it started, r its result. findings are the session's own findings
 * (r->findings unless they were taken out), or NULL for none. The
 * phases are kept as a JSON array (name, us, code, enhanced code; text
 * and error when the phase failed or for the greeting); the transcript
 * only when the session did not reach QUIT.
 */
int		 store_add_session(struct store *, const char *target,
		    const char *host, int64_t started_at,
		    const struct smtp_result *r,
		    const struct finding_list *findings);

/*
 * One DNS audit of target: records is a JSON summary of what was seen
 * (e.g. the "dns" object of report_json()), or NULL; findings
 * the audit's findings, or NULL.
 */
int		 store_add_audit(struct store *, const char *target, int64_t at,
		    int64_t duration_ms, const json_t *records,
		    const struct finding_list *findings);

/*
 * A whole check (lib/check.h) as one unit, committed together: the
 * audit when there was one, every session, and each finding of
 * rep->findings attached to the session of its address and port, else
 * to the audit, else to the check alone (no session, no audit).
 */
int		 store_add_check(struct store *, const struct check_report *rep,
		    int64_t started_at);

enum store_alert_event {
	STORE_RAISED,
	STORE_CLEARED,
	STORE_RENOTIFIED,
};

/*
 * An alert transition, and after it the state of the open alert. The key
 * is (target, host, addr, port, finding); "" and 0 for what does not
 * apply. Strings are borrowed.
 */
struct store_alert {
	const char		*target;
	const char		*host;
	const char		*addr;
	int			 port;
	const char		*finding;	/* dotted id, "tls.cert.expired" */
	enum severity		 severity;
	enum store_alert_event	 event;
	int64_t			 at;		/* of this transition */
	int64_t			 since;		/* when the alert was raised */
	int64_t			 notified;	/* last raise or re-notification */
	const char		*evidence;	/* sanitised, or NULL */
};

/*
 * Record a transition in alert_events and the alert's state in alerts
 * (raised, renotified: the open alert is written; cleared: removed), in
 * one transaction, so the open alerts are known after a restart.
 */
int		 store_add_alert(struct store *, const struct store_alert *);

/* --- the MTA logs followed ([log] sections) --- */

#define STORE_LOG_SOURCE_MAX	1024	/* the path or "journal:IDENT ..." */
#define STORE_LOG_CURSOR_MAX	1024	/* a journal cursor */
#define STORE_LOG_DOMAIN_MAX	255

/*
 * Where a log is read on: a file's device, inode and offset (the
 * position lib/logtail.h keeps), or a journal cursor. source says what
 * was followed, so a position of another file or of the journal is not
 * taken for this one's.
 */
struct store_log_pos {
	char		 source[STORE_LOG_SOURCE_MAX + 1];
	uint64_t	 dev;
	uint64_t	 ino;
	uint64_t	 off;
	char		 cursor[STORE_LOG_CURSOR_MAX + 1]; /* "": none */
	int64_t		 at;		/* when it was stored (reads) */
};

/*
 * Events of one minute, direction, domain, status and cause. Strings
 * are borrowed (by store_add_log) or valid during the callback (reads).
 */
struct store_log_count {
	int64_t		 minute;	/* its first second */
	const char	*direction;	/* "out", "in" */
	const char	*domain;
	const char	*status;	/* "sent", "deferred", "rejected" ...;
					   "verdict" for a milter's */
	const char	*cause;		/* a finding id; "" for a success */
	int64_t		 count;
	const char	*sample;	/* the latest reply or error, or NULL */
};

/*
 * Add n counts of log (to the stored ones of the same minute and key)
 * and, when pos is not NULL, set its position, in one transaction: the
 * counts of the lines up to pos and pos are committed together or not
 * at all.
 */
int		 store_add_log(struct store *, const char *log,
		    const struct store_log_count *, size_t n,
		    const struct store_log_pos *pos);

/*
 * The stored position of log: 1 with *pos filled, 0 when there is none,
 * -1 with *cause when the database cannot be read.
 */
int		 store_log_position(struct store *, const char *log,
		    struct store_log_pos *pos, char **cause);

/* Where a read of the counts goes on; zeroed: from the start. */
struct store_log_cursor {
	int		 started;
	int		 done;		/* nothing is left */
	int64_t		 minute;	/* the last row given */
	char		 direction[8];
	char		 domain[STORE_LOG_DOMAIN_MAX + 1];
	char		 status[16];
	char		 cause[64];
};

typedef int	(*store_log_cb)(const struct store_log_count *, void *arg);

/*
 * The counts of log with since <= minute <= until (until 0: no end), in
 * minute order (newest first when newest), at most rows of them from
 * *cur on, each through cb (returning non-zero stops: the row is taken
 * as given). *cur moves on; cur->done once every row has been given.
 * Returns the rows given, or -1 with *cause. Each call is one short
 * read, so a long range is read in steps.
 */
int		 store_log_read(struct store *, const char *log, int64_t since,
		    int64_t until, int newest, struct store_log_cursor *cur,
		    int rows, store_log_cb cb, void *arg, char **cause);

/* --- reads: from one thread, bounded by limit (<= STORE_LIMIT_MAX) --- */

/*
 * History of target between since and until (inclusive; until 0 means
 * no end), newest first, at most limit of each kind:
 *	{"target", "since", "until", "limit", "truncated",
 *	 "sessions": [...], "audits": [...], "alerts": [...]}
 * A session is {"id", "host", "addr", "port", "at", "duration_us",
 * "outcome", "code", "worst", "tls": {"version", "cipher", "not_after"}
 * or null, "phases", "transcript", "findings": [...]}; a finding {"id",
 * "layer", "severity", "host", "addr", "port", "evidence"}; an audit
 * {"id", "at", "duration_ms", "worst", "records", "findings"}; an
 * alert transition {"at", "event", "host", "addr", "port", "finding",
 * "layer", "severity", "since", "duration", "evidence"}. Returns NULL
 * with *cause (to be freed) when the database cannot be read.
 */
json_t		*store_history(struct store *, const char *target,
		    int64_t since, int64_t until, int limit, char **cause);

/*
 * The same a page at a time, so that a long history is read in short
 * steps: where a page ends, per kind of row, newest first.
 */
enum store_history_kind {
	STORE_H_SESSIONS,
	STORE_H_AUDITS,
	STORE_H_ALERTS,
	STORE_H_KINDS
};

struct store_cursor_kind {
	int		 done;		/* no row of this kind is left */
	int		 started;	/* go on before (at, id); else from the
					   newest */
	int64_t		 at, id;	/* the last row given */
};

struct store_cursor {
	struct store_cursor_kind k[STORE_H_KINDS];
};

/*
 * A page of the history of target between since and until: from from
 * (NULL: the newest of each kind), at most rows rows of each kind, and
 * rows only while the page's JSON stays within about bytes (at least one
 * row, so that every page moves on). *next is where the next page
 * starts; "truncated" in the answer says whether there is one. The
 * answer is store_history()'s. NULL with *cause when the database
 * cannot be read.
 */
json_t		*store_history_page(struct store *, const char *target,
		    int64_t since, int64_t until, const struct store_cursor *from,
		    int rows, size_t bytes, struct store_cursor *next,
		    char **cause);

/*
 * The latest session per (host, addr, port) of target (every target
 * when NULL), at most limit: {"sessions": [...]} as in store_history,
 * each with its "target".
 */
json_t		*store_latest(struct store *, const char *target, int limit,
		    char **cause);

/* The records of the latest audit of target, or JSON null; NULL on error. */
json_t		*store_audit_last(struct store *, const char *target,
		    char **cause);

/*
 * Call cb for every open alert (event STORE_RAISED, strings valid during
 * the call), e.g. at start-up to restore the alert state. cb returns 0
 * to go on. Returns the number of alerts seen, or -1 with *cause.
 */
typedef int	(*store_alert_cb)(const struct store_alert *, void *arg);
int		 store_alerts_load(struct store *, store_alert_cb cb, void *arg,
		    char **cause);

/* --- counters --- */

struct store_counters {
	uint64_t	 queued;	/* rows waiting now */
	uint64_t	 rows;		/* rows committed */
	uint64_t	 batches;	/* transactions committed */
	uint64_t	 errors;	/* failed transactions and statements */
	uint64_t	 dropped;	/* rows lost: queue full, or write failed */
	uint64_t	 deleted;	/* rows removed by retention */
	int64_t		 db_bytes;	/* page_count * page_size */
	int64_t		 used_bytes;	/* db_bytes less the free pages */
	int		 failing;	/* the last write failed */
	int		 corrupt;	/* and SQLite says the file is corrupt */
	int64_t		 failing_since;	/* when the failure began, 0: none */
	char		 error[192];	/* what SQLite said about it, with what
					   failed ("write: database disk image
					   is malformed"); "" when not failing */
};

void		 store_counters(struct store *, struct store_counters *);

#endif
