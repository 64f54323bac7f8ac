/*
 * store.c - the rolling history in SQLite, written by one thread.
 *
 * The loop thread only copies a result into an item and links it on a
 * queue under a mutex; the writer thread takes items in batches and
 * commits each batch in one transaction with statements prepared once.
 * WAL with synchronous=NORMAL means a commit does not wait for fsync (a
 * checkpoint does) and a killed process loses nothing committed: what
 * can be lost is what was still queued, at most the last batch.
 *
 * Retention: every retain_interval_ms the writer deletes the oldest rows
 * of each history table, at most RETAIN_CHUNK per table per transaction
 * and goes back to writing in between, so neither the readers (who never
 * wait in WAL anyway) nor the queue wait on a long delete. "Oldest" is
 * the order of the rowid, which is the order of insertion; a chunk is
 * the first RETAIN_CHUNK rowids, of which those older than the cut-off
 * go. By size: the live bytes are (page_count - freelist_count) *
 * page_size; when over the limit, the writer finds the earliest time
 * reached by the first chunk of any table (a chunk is then at most half
 * the table) and deletes every row up to it in every table, never more
 * than that chunk of each, until the live bytes are 5% under the limit:
 * a limit too small for the newest rows keeps the newest rows. The
 * file does not shrink: freed pages go to the free list and are reused
 * by the next inserts, so it stays near the size the limit allows (plus
 * the WAL, bounded by journal_size_limit). VACUUM shrinks it offline.
 * A round that deletes nothing doubles the wait before the next, up to
 * 64 rounds (and a quarter of the age kept): an idle daemon does not
 * open a write transaction every second to find nothing. Writing 1% of
 * the size limit brings the next round back to the short interval.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "log.h"
#include "reply.h"
#include "report.h"
#include "smtp.h"
#include "store.h"
#include "util.h"

#define RETAIN_CHUNK		500	/* rows per table per retention round */
#define RETRY_MS		1000	/* between two attempts while failing */
#define WRITE_BUSY_MS		5000	/* the writer waits this long for a lock */
#define WAL_LIMIT		(16 * 1024 * 1024) /* journal_size_limit */
#define LATEST_TRIM_MS		60000	/* latest rows of gone sessions */

/*
 * Schema. Each entry takes the previous version to the next; a new
 * version is a new entry (never an edit of an old one), applied in the
 * same transaction as its row in schema_version.
 */
static const char *const store_migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE sessions ("
	" id INTEGER PRIMARY KEY,"
	" target TEXT NOT NULL,"
	" host TEXT NOT NULL,"
	" addr TEXT NOT NULL,"
	" port INTEGER NOT NULL,"
	" started_at INTEGER NOT NULL,"
	" duration_us INTEGER NOT NULL,"
	" outcome TEXT NOT NULL,"
	" last_code INTEGER,"
	" worst TEXT NOT NULL,"
	" tls_version TEXT,"
	" tls_cipher TEXT,"
	" cert_not_after INTEGER,"
	" phases TEXT NOT NULL,"
	" transcript TEXT);"
	"CREATE INDEX sessions_target_at ON sessions(target, started_at);"
	"CREATE TABLE audits ("
	" id INTEGER PRIMARY KEY,"
	" target TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" duration_ms INTEGER NOT NULL,"
	" worst TEXT NOT NULL,"
	" records TEXT);"
	"CREATE INDEX audits_target_at ON audits(target, at);"
	"CREATE TABLE findings ("
	" id INTEGER PRIMARY KEY,"
	" session_id INTEGER,"
	" audit_id INTEGER,"
	" target TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" finding TEXT NOT NULL,"
	" layer TEXT NOT NULL,"
	" severity TEXT NOT NULL,"
	" host TEXT NOT NULL,"
	" addr TEXT NOT NULL,"
	" port INTEGER NOT NULL,"
	" evidence TEXT NOT NULL);"
	"CREATE INDEX findings_target_at ON findings(target, at);"
	"CREATE INDEX findings_session ON findings(session_id)"
	" WHERE session_id IS NOT NULL;"
	"CREATE INDEX findings_audit ON findings(audit_id)"
	" WHERE audit_id IS NOT NULL;"
	"CREATE TABLE alert_events ("
	" id INTEGER PRIMARY KEY,"
	" target TEXT NOT NULL,"
	" host TEXT NOT NULL,"
	" addr TEXT NOT NULL,"
	" port INTEGER NOT NULL,"
	" finding TEXT NOT NULL,"
	" layer TEXT NOT NULL,"
	" event TEXT NOT NULL CHECK (event IN"
	"  ('raised', 'cleared', 'renotified')),"
	" at INTEGER NOT NULL,"
	" since INTEGER NOT NULL,"
	" severity TEXT NOT NULL,"
	" evidence TEXT NOT NULL,"
	" duration INTEGER);"
	"CREATE INDEX alert_events_target_at ON alert_events(target, at);"
	"CREATE TABLE alerts ("
	" target TEXT NOT NULL,"
	" host TEXT NOT NULL,"
	" addr TEXT NOT NULL,"
	" port INTEGER NOT NULL,"
	" finding TEXT NOT NULL,"
	" layer TEXT NOT NULL,"
	" severity TEXT NOT NULL,"
	" since INTEGER NOT NULL,"
	" notified INTEGER NOT NULL,"
	" evidence TEXT NOT NULL,"
	" PRIMARY KEY (target, host, addr, port, finding)) WITHOUT ROWID;"
	"CREATE TABLE latest ("
	" target TEXT NOT NULL,"
	" host TEXT NOT NULL,"
	" addr TEXT NOT NULL,"
	" port INTEGER NOT NULL,"
	" session_id INTEGER NOT NULL,"
	" at INTEGER NOT NULL,"
	" PRIMARY KEY (target, host, addr, port)) WITHOUT ROWID;",
	/* 1 -> 2: the MTA logs followed, counted per minute, and where
	   each is read on */
	"CREATE TABLE log_minutes ("
	" id INTEGER PRIMARY KEY,"
	" log TEXT NOT NULL,"
	" minute INTEGER NOT NULL,"
	" direction TEXT NOT NULL,"
	" domain TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" cause TEXT NOT NULL,"
	" count INTEGER NOT NULL,"
	" sample TEXT);"
	"CREATE UNIQUE INDEX log_minutes_key ON log_minutes(log, minute,"
	" direction, domain, status, cause);"
	"CREATE TABLE log_positions ("
	" log TEXT PRIMARY KEY,"
	" source TEXT NOT NULL,"
	" dev INTEGER,"
	" ino INTEGER,"
	" off INTEGER,"
	" cursor TEXT,"
	" at INTEGER NOT NULL) WITHOUT ROWID;",
};
#define STORE_NMIGRATIONS \
	((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

/* The history tables retention trims, with their time column. */
static const struct {
	const char	*table;
	const char	*at;
} store_history_tables[] = {
	{ "sessions", "started_at" },
	{ "audits", "at" },
	{ "findings", "at" },
	{ "alert_events", "at" },
	{ "log_minutes", "minute" },
};
#define NHIST	((int)(sizeof(store_history_tables) / \
		    sizeof(store_history_tables[0])))

enum row_kind {
	ROW_SESSION,
	ROW_AUDIT,
	ROW_FINDING,
	ROW_ALERT,
	ROW_LOG_COUNT,
	ROW_LOG_POS,
};

/*
 * One row to insert. Strings are owned (NULL stands for SQL NULL where
 * the column allows it, "" otherwise).
 */
struct row {
	enum row_kind	 kind;
	int		 parent;	/* finding: index of its session or audit
					   row in the item, -1 for none */
	int64_t		 rowid;		/* session, audit: once inserted */
	int64_t		 at;
	int64_t		 duration;	/* us (session), ms (audit) */
	int64_t		 since;		/* alert */
	int64_t		 notified;	/* alert */
	int64_t		 not_after;	/* session: 0 when unknown */
	int		 port;
	int		 code;		/* session: last reply code, 0 none */
	enum severity	 severity;	/* worst (session, audit), or own */
	enum store_alert_event event;
	const char	*outcome;	/* static */
	char		*host;
	char		*addr;
	char		*finding;	/* finding, alert: dotted id */
	char		*evidence;
	char		*tls_version;	/* session: NULL without TLS */
	char		*tls_cipher;
	char		*json;		/* session phases, audit records */
	char		*transcript;	/* session: NULL when it reached QUIT */
	/*
	 * log count: at the minute, duration the count, host the domain,
	 * finding the cause, evidence the sample (or NULL), and dir,
	 * status; log position: host the source, json the cursor (or
	 * NULL), at when, and dev, ino, off
	 */
	char		*dir;
	char		*status;
	uint64_t	 dev, ino, off;
};

#define ITEM_INLINE_ROWS	2

/*
 * What one store_add_* call queued: committed together. A session with a
 * finding fits in one allocation: the rows inline, the strings in an
 * arena sized for them; anything more spills to the heap. Built in the loop thread, freed
 * in the writer's, so fewer allocations also means less contention on
 * the allocator between the two.
 */
struct item {
	struct item	*next;
	char		*target;
	struct row	*rows;		/* inline, or on the heap */
	int		 nrows;
	int		 caprows;
	size_t		 bytes;
	uint64_t	 seq;
	int64_t		 queued_ms;
	int		 oom;		/* a copy failed: dropped when queued */
	size_t		 used;		/* of arena */
	size_t		 arena_cap;
	struct row	 inline_rows[ITEM_INLINE_ROWS];
	char		 arena[];
};

/* Statements of the writer connection. */
enum {
	W_BEGIN,
	W_COMMIT,
	W_ROLLBACK,
	W_SESSION,
	W_LATEST,
	W_AUDIT,
	W_FINDING,
	W_ALERT_EVENT,
	W_ALERT_SET,
	W_ALERT_DEL,
	W_PAGES,
	W_FREE,
	W_LATEST_TRIM,
	W_LOG_COUNT,
	W_LOG_POS,
	W_COUNT
};

static const char *const store_wsql[W_COUNT] = {
	[W_BEGIN] = "BEGIN IMMEDIATE",
	[W_COMMIT] = "COMMIT",
	[W_ROLLBACK] = "ROLLBACK",
	[W_SESSION] = "INSERT INTO sessions (target, host, addr, port,"
	    " started_at, duration_us, outcome, last_code, worst, tls_version,"
	    " tls_cipher, cert_not_after, phases, transcript)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14)",
	[W_LATEST] = "INSERT INTO latest (target, host, addr, port,"
	    " session_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT (target, host, addr, port) DO UPDATE SET"
	    " session_id = excluded.session_id, at = excluded.at",
	[W_AUDIT] = "INSERT INTO audits (target, at, duration_ms, worst,"
	    " records) VALUES (?1, ?2, ?3, ?4, ?5)",
	[W_FINDING] = "INSERT INTO findings (session_id, audit_id, target, at,"
	    " finding, layer, severity, host, addr, port, evidence)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[W_ALERT_EVENT] = "INSERT INTO alert_events (target, host, addr, port,"
	    " finding, layer, event, at, since, severity, evidence, duration)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[W_ALERT_SET] = "INSERT INTO alerts (target, host, addr, port,"
	    " finding, layer, severity, since, notified, evidence)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	    " ON CONFLICT (target, host, addr, port, finding) DO UPDATE SET"
	    " layer = excluded.layer, severity = excluded.severity,"
	    " since = excluded.since, notified = excluded.notified,"
	    " evidence = excluded.evidence",
	[W_ALERT_DEL] = "DELETE FROM alerts WHERE target = ?1 AND host = ?2"
	    " AND addr = ?3 AND port = ?4 AND finding = ?5",
	[W_PAGES] = "PRAGMA page_count",
	[W_FREE] = "PRAGMA freelist_count",
	[W_LATEST_TRIM] = "DELETE FROM latest WHERE session_id <"
	    " (SELECT min(id) FROM sessions)",
	[W_LOG_COUNT] = "INSERT INTO log_minutes (log, minute, direction,"
	    " domain, status, cause, count, sample)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT (log, minute, direction, domain, status, cause)"
	    " DO UPDATE SET count = count + excluded.count,"
	    " sample = coalesce(excluded.sample, sample)",
	[W_LOG_POS] = "INSERT INTO log_positions (log, source, dev, ino, off,"
	    " cursor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (log) DO UPDATE SET source = excluded.source,"
	    " dev = excluded.dev, ino = excluded.ino, off = excluded.off,"
	    " cursor = excluded.cursor, at = excluded.at",
};

struct store {
	char			*path;
	struct store_params	 p;
	sqlite3			*wdb;		/* writer thread only */
	sqlite3			*rdb;		/* the caller's thread */
	sqlite3_stmt		*ws[W_COUNT];
	sqlite3_stmt		*wdel[NHIST];	/* retention chunk delete */
	sqlite3_stmt		*whead[NHIST];	/* time reached by a chunk */
	int64_t			 page_size;

	pthread_t		 thread;
	int			 started;
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;		/* to the writer */
	pthread_cond_t		 done;		/* from the writer */

	/* under mu */
	struct item		*head, *tail;
	size_t			 q_rows;
	size_t			 q_bytes;
	uint64_t		 enq_seq;	/* last item queued */
	uint64_t		 done_seq;	/* last item committed or dropped */
	int			 flushers;	/* store_flush() waiting */
	int			 stopping;
	int			 exited;	/* the writer is done */
	int64_t			 retain_age;
	int64_t			 retain_bytes;
	int			 retain_changed;
	uint64_t		 qfull_unreported;
	struct store_counters	 c;

	/* writer thread only */
	int			 failing;
	int			 fail_logged;	/* this failure was reported */
	int			 corrupt_logged; /* and as a corrupt file */
	int64_t			 fail_since_ms;
	int64_t			 fail_report_ms;
	int64_t			 retry_ms;
	char			 werr[160];	/* what SQLite said of the last
						   failure (writer_error) */
	uint64_t		 fail_dropped;	/* since the last report */
	uint64_t		 fail_dropped_all; /* since failing */
	int			 reopen;	/* the connection needs reopening */
	int64_t			 qfull_report_ms;
	int64_t			 next_retain_ms;
	int			 trimming;	/* over the size limit */
	int			 floor_said;	/* limit below the newest rows */
	int			 retain_backoff; /* multiplier of retain_interval_ms */
	int64_t			 retain_written; /* queued bytes committed since
						    the last round */
	int64_t			 latest_trim_ms;
	int			 sessions_trimmed;
};

static int64_t
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
set_cause(char **cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_cause(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;
	va_end(ap);
}

/* --- JSON text built by hand (the loop thread, no allocation per byte) --- */

struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

static void
buf_grow(struct buf *b, size_t more)
{
	size_t	 cap;
	char	*p;

	if (b->oom || b->len + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->oom = 1;
		return;
	}
	b->p = p;
	b->cap = cap;
}

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	char	 tmp[128];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n :
		    sizeof(tmp) - 1);
}

/*
 * A JSON string. Server text is sanitised before it gets here, but a
 * byte over 0x7f is written as \u00XX all the same, so the text is
 * valid JSON whatever it holds.
 */
static void
buf_jstr(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	char	 esc[7];

	buf_add(b, "\"", 1);
	for (; *u != '\0'; u++) {
		size_t	 run = 0;

		while (u[run] >= 0x20 && u[run] < 0x7f && u[run] != '"' &&
		    u[run] != '\\')
			run++;
		if (run > 0) {
			buf_add(b, (const char *)u, run);
			u += run - 1;
			continue;
		}
		if (*u == '"' || *u == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*u;
			buf_add(b, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*u >> 4];
			esc[5] = hex[*u & 0xf];
			buf_add(b, esc, 6);
		}
	}
	buf_add(b, "\"", 1);
}

/*
 * The phases of a session as a compact JSON array, in a buffer of the
 * calling thread's, valid until its next call; NULL when out of memory.
 */
static const char *
phases_json(const struct smtp_result *r)
{
	static _Thread_local struct buf b;
	char		 e[16];
	int		 i;

	b.len = 0;
	b.oom = 0;
	buf_add(&b, "[", 1);
	for (i = 0; i < r->nsteps; i++) {
		const struct smtp_step	*s = &r->steps[i];
		int			 failed;

		failed = s->code >= 400 || s->error != NULL;
		if (i > 0)
			buf_add(&b, ",", 1);
		buf_add(&b, "{\"name\":", 8);
		buf_jstr(&b, smtp_phase_name(s->phase));
		buf_printf(&b, ",\"us\":%" PRId64, s->dur_us);
		if (s->code != 0)
			buf_printf(&b, ",\"code\":%d", s->code);
		if (s->enh.cls != 0) {
			buf_add(&b, ",\"enhanced\":", 12);
			buf_jstr(&b, reply_enhcode_str(&s->enh, e, sizeof(e)));
		}
		/* The greeting names the server; a failure says why. */
		if (s->text != NULL && (failed || s->phase == PH_BANNER)) {
			buf_add(&b, ",\"text\":", 8);
			buf_jstr(&b, s->text);
		}
		if (s->error != NULL) {
			buf_add(&b, ",\"error\":", 9);
			buf_jstr(&b, s->error);
		}
		buf_add(&b, "}", 1);
	}
	buf_add(&b, "]", 1);
	return b.oom ? NULL : b.p;
}

/* --- items (built in the caller's thread) --- */

static int
in_arena(const struct item *it, const char *p)
{
	return p >= it->arena && p < it->arena + it->arena_cap;
}

/* A copy of s (NULL: "") in the arena, or on the heap when it is full. */
static char *
item_str(struct item *it, const char *s)
{
	size_t	 n;
	char	*d;

	if (s == NULL)
		s = "";
	n = strlen(s) + 1;
	if (it->used + n <= it->arena_cap) {
		d = it->arena + it->used;
		it->used += n;
	} else {
		if ((d = malloc(n)) == NULL) {
			it->oom = 1;
			return NULL;
		}
		it->bytes += n;
	}
	memcpy(d, s, n);
	return d;
}

static void
item_strfree(struct item *it, char *p)
{
	if (p != NULL && !in_arena(it, p))
		free(p);
}

/* An item whose arena holds arena bytes of strings besides the target. */
static struct item *
item_new(const char *target, size_t arena)
{
	struct item	*it;

	if (target == NULL)
		target = "";
	arena += strlen(target) + 1;
	/* Not calloc: the arena needs no clearing. */
	if ((it = malloc(sizeof(*it) + arena)) == NULL)
		return NULL;
	memset(it, 0, sizeof(*it));
	it->arena_cap = arena;
	it->rows = it->inline_rows;
	it->caprows = ITEM_INLINE_ROWS;
	it->bytes = sizeof(*it) + arena;
	it->target = item_str(it, target);
	return it;
}

static struct row *
item_row(struct item *it, enum row_kind kind)
{
	struct row	*r;

	if (it->nrows == it->caprows) {
		int	 cap = it->caprows * 2;

		if ((r = calloc((size_t)cap, sizeof(*r))) == NULL) {
			it->oom = 1;
			return NULL;
		}
		memcpy(r, it->rows, (size_t)it->nrows * sizeof(*r));
		if (it->rows != it->inline_rows)
			free(it->rows);
		it->rows = r;
		it->caprows = cap;
		it->bytes += (size_t)cap * sizeof(*r);
	}
	r = &it->rows[it->nrows++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->parent = -1;
	return r;
}

static void
item_free(struct item *it)
{
	int	 i;

	if (it == NULL)
		return;
	for (i = 0; i < it->nrows; i++) {
		struct row	*r = &it->rows[i];

		item_strfree(it, r->host);
		item_strfree(it, r->addr);
		item_strfree(it, r->finding);
		item_strfree(it, r->evidence);
		item_strfree(it, r->tls_version);
		item_strfree(it, r->tls_cipher);
		item_strfree(it, r->json);
		item_strfree(it, r->transcript);
		item_strfree(it, r->dir);
		item_strfree(it, r->status);
	}
	if (it->rows != it->inline_rows)
		free(it->rows);
	item_strfree(it, it->target);
	free(it);
}

static size_t
slen(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 1;
}

/* Arena bytes a finding's strings take. */
static size_t
finding_size(const struct finding *f)
{
	const struct finding_def *d = finding_def(f->id);

	return (d != NULL ? slen(d->id) : 2) + slen(f->host) + slen(f->addr) +
	    slen(f->evidence);
}

static size_t
findings_size(const struct finding_list *fl)
{
	size_t	 i, n = 0;

	for (i = 0; fl != NULL && i < fl->n; i++)
		n += finding_size(&fl->v[i]);
	return n;
}

/* Arena bytes a session's strings take, phases (as built) included. */
static size_t
session_size(const char *host, const struct smtp_result *sr,
    const char *phases)
{
	size_t	 n = slen(host) + slen(sr->remote) + slen(phases);

	if (sr->tls_used)
		n += slen(sr->tls.version) + slen(sr->tls.cipher);
	if (sr->outcome != SMTP_OK && sr->transcript_len > 0)
		n += slen(sr->transcript);
	return n;
}

static void
item_finding(struct item *it, int parent, int64_t at, const struct finding *f)
{
	struct row	*r;

	if ((r = item_row(it, ROW_FINDING)) == NULL)
		return;
	r->parent = parent;
	r->at = at;
	r->finding = item_str(it, finding_def(f->id) != NULL ?
	    finding_def(f->id)->id : "?");
	r->severity = f->severity;
	r->host = item_str(it, f->host);
	r->addr = item_str(it, f->addr);
	r->port = f->port;
	r->evidence = item_str(it, f->evidence);
}

/*
 * A session row; returns its index in the item, -1 when out of memory.
 * phases is phases_json(sr).
 */
static int
item_session(struct item *it, const char *host, int64_t at,
    const struct smtp_result *sr, const char *phases, enum severity worst)
{
	struct row	*r;
	int		 i, idx;

	if ((r = item_row(it, ROW_SESSION)) == NULL)
		return -1;
	idx = it->nrows - 1;
	r->at = at;
	r->host = item_str(it, host);
	r->addr = item_str(it, sr->remote);
	r->port = sr->port;
	r->duration = sr->total_us;
	r->outcome = smtp_outcome_name(sr->outcome);
	for (i = sr->nsteps - 1; i >= 0; i--)
		if (sr->steps[i].code != 0) {
			r->code = sr->steps[i].code;
			break;
		}
	r->severity = worst;
	if (sr->tls_used) {
		r->tls_version = item_str(it, sr->tls.version);
		r->tls_cipher = item_str(it, sr->tls.cipher);
		if (sr->tls.nchain > 0)
			r->not_after = sr->tls.chain[0].not_after;
	}
	if (phases == NULL)
		it->oom = 1;
	else
		r->json = item_str(it, phases);
	if (sr->outcome != SMTP_OK && sr->transcript_len > 0)
		r->transcript = item_str(it, sr->transcript);
	return idx;
}

static int
item_audit(struct item *it, int64_t at, int64_t duration_ms,
    const json_t *records, enum severity worst)
{
	struct row	*r;

	if ((r = item_row(it, ROW_AUDIT)) == NULL)
		return -1;
	r->at = at;
	r->duration = duration_ms;
	r->severity = worst;
	if (records != NULL) {
		char	*j = json_dumps(records, JSON_COMPACT |
		    JSON_SORT_KEYS | JSON_ENCODE_ANY);

		if (j == NULL)
			it->oom = 1;
		else
			r->json = item_str(it, j);
		free(j);
	}
	return it->nrows - 1;
}

/*
 * Queue an item (taking it) or drop it when the queue is full, out of
 * memory or closing. Returns 0 or -1.
 */
static int
store_queue(struct store *st, struct item *it)
{
	int	 rv = -1;

	if (it == NULL) {
		pthread_mutex_lock(&st->mu);
		st->c.dropped++;
		st->qfull_unreported++;
		pthread_mutex_unlock(&st->mu);
		return -1;
	}
	pthread_mutex_lock(&st->mu);
	if (it->oom || st->stopping ||
	    st->q_rows + (size_t)it->nrows > (size_t)st->p.queue_max ||
	    st->q_bytes + it->bytes > st->p.queue_bytes_max) {
		st->c.dropped += (uint64_t)it->nrows;
		st->qfull_unreported += (uint64_t)it->nrows;
	} else {
		it->seq = ++st->enq_seq;
		it->queued_ms = mono_ms();
		if (st->tail != NULL)
			st->tail->next = it;
		else
			st->head = it;
		st->tail = it;
		st->q_rows += (size_t)it->nrows;
		st->q_bytes += it->bytes;
		if (st->q_rows >= (size_t)st->p.batch_rows ||
		    st->head == it)
			pthread_cond_signal(&st->work);
		it = NULL;
		rv = 0;
	}
	pthread_mutex_unlock(&st->mu);
	item_free(it);
	return rv;
}

int
store_add_session(struct store *st, const char *target, const char *host,
    int64_t started_at, const struct smtp_result *r,
    const struct finding_list *fl)
{
	struct item	*it;
	const char	*phases = phases_json(r);
	size_t		 i;
	int		 s;

	if ((it = item_new(target, session_size(host, r, phases) +
	    findings_size(fl))) != NULL) {
		s = item_session(it, host, started_at, r, phases,
		    fl != NULL ? finding_worst(fl) : SEV_OK);
		for (i = 0; fl != NULL && i < fl->n && s >= 0; i++)
			item_finding(it, s, started_at, &fl->v[i]);
	}
	return store_queue(st, it);
}

int
store_add_audit(struct store *st, const char *target, int64_t at,
    int64_t duration_ms, const json_t *records,
    const struct finding_list *fl)
{
	struct item	*it;
	size_t		 i;
	int		 a;

	if ((it = item_new(target, findings_size(fl))) != NULL) {
		a = item_audit(it, at, duration_ms, records,
		    fl != NULL ? finding_worst(fl) : SEV_OK);
		for (i = 0; fl != NULL && i < fl->n && a >= 0; i++)
			item_finding(it, a, at, &fl->v[i]);
	}
	return store_queue(st, it);
}

static int
streq0(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

int
store_add_check(struct store *st, const struct check_report *rep,
    int64_t started_at)
{
	struct item			*it;
	const struct smtp_result	*r;
	enum severity			*worst = NULL;
	int				*sidx = NULL;
	int				 audit = -1, ns = rep->nsessions, i;
	size_t				 f;

	if ((it = item_new(rep->target, findings_size(&rep->findings))) ==
	    NULL)
		return store_queue(st, NULL);
	if (ns > 0 && ((worst = calloc((size_t)ns, sizeof(*worst))) == NULL ||
	    (sidx = calloc((size_t)ns, sizeof(*sidx))) == NULL))
		it->oom = 1;
	/* Which session each finding belongs to decides its worst. */
	for (f = 0; !it->oom && f < rep->findings.n; f++) {
		const struct finding	*fi = &rep->findings.v[f];

		for (i = 0; i < ns; i++) {
			r = smtp_session_result(rep->sessions[i]);
			if (fi->port == r->port && streq0(fi->addr, r->remote)) {
				if (fi->severity > worst[i])
					worst[i] = fi->severity;
				break;
			}
		}
	}
	if (!it->oom && rep->audit != NULL) {
		json_t		*dns = report_dns_json(rep);
		enum severity	 aw = SEV_OK;

		for (f = 0; f < rep->findings.n; f++) {
			const struct finding	*fi = &rep->findings.v[f];

			for (i = 0; i < ns; i++) {
				r = smtp_session_result(rep->sessions[i]);
				if (fi->port == r->port &&
				    streq0(fi->addr, r->remote))
					break;
			}
			if (i == ns && fi->severity > aw)
				aw = fi->severity;
		}
		audit = item_audit(it, started_at, rep->audit->ms, dns, aw);
		json_decref(dns);
	}
	for (i = 0; !it->oom && i < ns; i++) {
		r = smtp_session_result(rep->sessions[i]);
		sidx[i] = item_session(it,
		    smtp_session_params(rep->sessions[i])->host, started_at, r,
		    phases_json(r), worst[i]);
	}
	for (f = 0; !it->oom && f < rep->findings.n; f++) {
		const struct finding	*fi = &rep->findings.v[f];
		int			 parent = audit;

		for (i = 0; i < ns; i++) {
			r = smtp_session_result(rep->sessions[i]);
			if (fi->port == r->port && streq0(fi->addr, r->remote)) {
				parent = sidx[i];
				break;
			}
		}
		item_finding(it, parent, started_at, fi);
	}
	free(worst);
	free(sidx);
	return store_queue(st, it);
}

int
store_add_alert(struct store *st, const struct store_alert *a)
{
	struct item	*it;
	struct row	*r;

	if ((it = item_new(a->target, slen(a->host) + slen(a->addr) +
	    slen(a->finding) + slen(a->evidence))) != NULL &&
	    (r = item_row(it, ROW_ALERT)) != NULL) {
		r->host = item_str(it, a->host);
		r->addr = item_str(it, a->addr);
		r->port = a->port;
		r->finding = item_str(it, a->finding);
		r->severity = a->severity;
		r->event = a->event;
		r->at = a->at;
		r->since = a->since;
		r->notified = a->notified;
		r->evidence = item_str(it, a->evidence);
	}
	return store_queue(st, it);
}

int
store_add_log(struct store *st, const char *log,
    const struct store_log_count *c, size_t n, const struct store_log_pos *pos)
{
	struct item	*it;
	struct row	*r;
	size_t		 i, arena = 0;

	for (i = 0; i < n; i++)
		arena += slen(c[i].direction) + slen(c[i].domain) +
		    slen(c[i].status) + slen(c[i].cause) + slen(c[i].sample);
	if (pos != NULL)
		arena += slen(pos->source) + slen(pos->cursor);
	if ((it = item_new(log, arena)) == NULL)
		return store_queue(st, NULL);
	for (i = 0; i < n && !it->oom; i++) {
		if ((r = item_row(it, ROW_LOG_COUNT)) == NULL)
			break;
		r->at = c[i].minute;
		r->duration = c[i].count;
		r->dir = item_str(it, c[i].direction);
		r->host = item_str(it, c[i].domain);
		r->status = item_str(it, c[i].status);
		r->finding = item_str(it, c[i].cause);
		if (c[i].sample != NULL)
			r->evidence = item_str(it, c[i].sample);
	}
	if (pos != NULL && !it->oom && (r = item_row(it, ROW_LOG_POS)) !=
	    NULL) {
		r->host = item_str(it, pos->source);
		if (pos->cursor[0] != '\0')
			r->json = item_str(it, pos->cursor);
		r->dev = pos->dev;
		r->ino = pos->ino;
		r->off = pos->off;
		r->at = (int64_t)time(NULL);
	}
	return store_queue(st, it);
}

/* --- the writer connection --- */

static const char *
layer_of(const char *finding)
{
	enum finding_id	 id = finding_lookup(finding);

	return id == F_COUNT ? "" : finding_layer_name(finding_def(id)->layer);
}

static const char *
event_name(enum store_alert_event e)
{
	switch (e) {
	case STORE_RAISED:
		return "raised";
	case STORE_CLEARED:
		return "cleared";
	case STORE_RENOTIFIED:
		return "renotified";
	}
	return "?";
}

static int
exec1(sqlite3 *db, const char *sql, char **cause, const char *path)
{
	char	*err = NULL;
	int	 rc;

	if ((rc = sqlite3_exec(db, sql, NULL, NULL, &err)) != SQLITE_OK) {
		set_cause(cause, "%s: %s", path, err != NULL ? err :
		    sqlite3_errstr(rc));
		sqlite3_free(err);
	}
	return rc;
}

static int
pragma_int(sqlite3 *db, const char *sql, int64_t *v)
{
	sqlite3_stmt	*s;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*v = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Create or migrate the schema, in one transaction. */
static int
store_migrate(struct store *st, char **cause)
{
	sqlite3		*db = st->wdb;
	int64_t		 v = 0, from, ntables = 0, has_version = 0;
	char		 sql[128];
	int		 rc;

	if ((rc = exec1(db, "BEGIN IMMEDIATE", cause, st->path)) != SQLITE_OK)
		return -1;
	if (pragma_int(db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE type = 'table'", &ntables) != SQLITE_OK ||
	    pragma_int(db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE type = 'table' AND name = 'schema_version'",
	    &has_version) != SQLITE_OK) {
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(db));
		goto fail;
	}
	if (!has_version && ntables > 0) {
		set_cause(cause, "%s: not an smtprobed store (tables but no"
		    " schema_version)", st->path);
		goto fail;
	}
	if (!has_version) {
		if (exec1(db, "CREATE TABLE schema_version ("
		    " version INTEGER NOT NULL, applied_at INTEGER NOT NULL)",
		    cause, st->path) != SQLITE_OK)
			goto fail;
	} else if (pragma_int(db, "SELECT coalesce(max(version), 0)"
	    " FROM schema_version", &v) != SQLITE_OK) {
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(db));
		goto fail;
	}
	if (v > STORE_NMIGRATIONS) {
		set_cause(cause, "%s: schema version %" PRId64 " is newer than"
		    " this smtprobed's (%d)", st->path, v, STORE_NMIGRATIONS);
		goto fail;
	}
	from = v;
	for (; v < STORE_NMIGRATIONS; v++) {
		if (exec1(db, store_migrations[v], cause, st->path) !=
		    SQLITE_OK)
			goto fail;
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version"
		    " VALUES (%" PRId64 ", %lld)", v + 1, (long long)time(NULL));
		if (exec1(db, sql, cause, st->path) != SQLITE_OK)
			goto fail;
		/* a new file is made, not migrated */
		if (from > 0)
			log_info("store: %s: schema migrated to version %"
			    PRId64, st->path, v + 1);
	}
	if (exec1(db, "COMMIT", cause, st->path) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static void
writer_close_db(struct store *st)
{
	int	 i;

	for (i = 0; i < W_COUNT; i++) {
		sqlite3_finalize(st->ws[i]);
		st->ws[i] = NULL;
	}
	for (i = 0; i < NHIST; i++) {
		sqlite3_finalize(st->wdel[i]);
		sqlite3_finalize(st->whead[i]);
		st->wdel[i] = st->whead[i] = NULL;
	}
	sqlite3_close(st->wdb);
	st->wdb = NULL;
}

/*
 * Open the writer connection: WAL, synchronous=NORMAL, the schema, the
 * statements. Every pragma is checked: a WAL that cannot be set up (a
 * read-only directory: no -wal or -shm) is an error, not a silent
 * fallback to a rollback journal.
 */
static int
writer_open_db(struct store *st, char **cause)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		 sql[512];
	const char	*mode;
	int		 rc, i;

	rc = sqlite3_open_v2(st->path, &st->wdb, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	db = st->wdb;
	if (rc != SQLITE_OK) {
		set_cause(cause, "%s: %s", st->path, db != NULL ?
		    sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, WRITE_BUSY_MS);
	if (sqlite3_db_readonly(db, "main") == 1) {
		set_cause(cause, "%s: read-only", st->path);
		goto fail;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &s,
	    NULL) != SQLITE_OK) {
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(db));
		goto fail;
	}
	rc = sqlite3_step(s);
	mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) :
	    NULL;
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		set_cause(cause, "%s: cannot use WAL: %s", st->path,
		    rc == SQLITE_ROW ? (mode ? mode : "?") : sqlite3_errmsg(db));
		sqlite3_finalize(s);
		goto fail;
	}
	sqlite3_finalize(s);
	snprintf(sql, sizeof(sql), "PRAGMA synchronous = NORMAL;"
	    " PRAGMA journal_size_limit = %d;", WAL_LIMIT);
	if (exec1(db, sql, cause, st->path) != SQLITE_OK)
		goto fail;
	if (st->p.max_pages > 0) {
		snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %" PRId64,
		    st->p.max_pages);
		if (exec1(db, sql, cause, st->path) != SQLITE_OK)
			goto fail;
	}
	if (store_migrate(st, cause) == -1)
		goto fail;
	if (pragma_int(db, "PRAGMA page_size", &st->page_size) != SQLITE_OK) {
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(db));
		goto fail;
	}
	for (i = 0; i < W_COUNT; i++)
		if (sqlite3_prepare_v3(db, store_wsql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->ws[i], NULL) != SQLITE_OK) {
			set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(db));
			goto fail;
		}
	for (i = 0; i < NHIST; i++) {
		const char	*t = store_history_tables[i].table;
		const char	*at = store_history_tables[i].at;

		/*
		 * The oldest chunk by rowid below id ?2, and of it what is
		 * before ?1.
		 */
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id IN"
		    " (SELECT id FROM (SELECT id, %s AS t FROM %s"
		    " WHERE id < ?2 ORDER BY id LIMIT %d) WHERE t < ?1)",
		    t, at, t, RETAIN_CHUNK);
		if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT,
		    &st->wdel[i], NULL) != SQLITE_OK)
			goto fail_msg;
		/*
		 * The first id, how many rows a size round may take (a
		 * chunk, at most half the table, none of a table of one)
		 * and the time the last of them reaches.
		 */
		snprintf(sql, sizeof(sql), "SELECT lo, k, (SELECT %s FROM %s"
		    " WHERE id >= lo + k - 1 ORDER BY id LIMIT 1) FROM"
		    " (SELECT lo, min(%d, (hi - lo + 1) / 2) AS k FROM"
		    " (SELECT min(id) AS lo, max(id) AS hi FROM %s))",
		    at, t, RETAIN_CHUNK, t);
		if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT,
		    &st->whead[i], NULL) != SQLITE_OK)
			goto fail_msg;
	}
	return 0;
fail_msg:
	set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(db));
fail:
	writer_close_db(st);
	return -1;
}

/* SQLite text binding of a string that may be NULL (SQL NULL). */
static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static int
step_done(sqlite3_stmt *s)
{
	int	 rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
write_session(struct store *st, const char *target, struct row *r)
{
	sqlite3_stmt	*s = st->ws[W_SESSION];
	int		 rc;

	bind_text(s, 1, target);
	bind_text(s, 2, r->host);
	bind_text(s, 3, r->addr);
	sqlite3_bind_int(s, 4, r->port);
	sqlite3_bind_int64(s, 5, r->at);
	sqlite3_bind_int64(s, 6, r->duration);
	bind_text(s, 7, r->outcome);
	if (r->code != 0)
		sqlite3_bind_int(s, 8, r->code);
	bind_text(s, 9, finding_severity_name(r->severity));
	bind_text(s, 10, r->tls_version);
	bind_text(s, 11, r->tls_cipher);
	if (r->not_after != 0)
		sqlite3_bind_int64(s, 12, r->not_after);
	bind_text(s, 13, r->json != NULL ? r->json : "[]");
	bind_text(s, 14, r->transcript);
	if ((rc = step_done(s)) != SQLITE_OK)
		return rc;
	r->rowid = sqlite3_last_insert_rowid(st->wdb);

	s = st->ws[W_LATEST];
	bind_text(s, 1, target);
	bind_text(s, 2, r->host);
	bind_text(s, 3, r->addr);
	sqlite3_bind_int(s, 4, r->port);
	sqlite3_bind_int64(s, 5, r->rowid);
	sqlite3_bind_int64(s, 6, r->at);
	return step_done(s);
}

static int
write_audit(struct store *st, const char *target, struct row *r)
{
	sqlite3_stmt	*s = st->ws[W_AUDIT];
	int		 rc;

	bind_text(s, 1, target);
	sqlite3_bind_int64(s, 2, r->at);
	sqlite3_bind_int64(s, 3, r->duration);
	bind_text(s, 4, finding_severity_name(r->severity));
	bind_text(s, 5, r->json);
	if ((rc = step_done(s)) == SQLITE_OK)
		r->rowid = sqlite3_last_insert_rowid(st->wdb);
	return rc;
}

static int
write_finding(struct store *st, const struct item *it, const struct row *r)
{
	sqlite3_stmt		*s = st->ws[W_FINDING];
	const struct row	*p = r->parent >= 0 ? &it->rows[r->parent] : NULL;

	/* A parent that could not be written leaves the finding alone. */
	if (p != NULL && p->rowid != 0)
		sqlite3_bind_int64(s, p->kind == ROW_SESSION ? 1 : 2, p->rowid);
	bind_text(s, 3, it->target);
	sqlite3_bind_int64(s, 4, r->at);
	bind_text(s, 5, r->finding);
	bind_text(s, 6, layer_of(r->finding));
	bind_text(s, 7, finding_severity_name(r->severity));
	bind_text(s, 8, r->host);
	bind_text(s, 9, r->addr);
	sqlite3_bind_int(s, 10, r->port);
	bind_text(s, 11, r->evidence);
	return step_done(s);
}

static int
write_alert(struct store *st, const char *target, const struct row *r)
{
	sqlite3_stmt	*s = st->ws[W_ALERT_EVENT];
	const char	*layer = layer_of(r->finding);
	int		 rc;

	bind_text(s, 1, target);
	bind_text(s, 2, r->host);
	bind_text(s, 3, r->addr);
	sqlite3_bind_int(s, 4, r->port);
	bind_text(s, 5, r->finding);
	bind_text(s, 6, layer);
	bind_text(s, 7, event_name(r->event));
	sqlite3_bind_int64(s, 8, r->at);
	sqlite3_bind_int64(s, 9, r->since);
	bind_text(s, 10, finding_severity_name(r->severity));
	bind_text(s, 11, r->evidence);
	if (r->event == STORE_CLEARED)
		sqlite3_bind_int64(s, 12, r->at - r->since);
	if ((rc = step_done(s)) != SQLITE_OK)
		return rc;

	if (r->event == STORE_CLEARED) {
		s = st->ws[W_ALERT_DEL];
		bind_text(s, 1, target);
		bind_text(s, 2, r->host);
		bind_text(s, 3, r->addr);
		sqlite3_bind_int(s, 4, r->port);
		bind_text(s, 5, r->finding);
		return step_done(s);
	}
	s = st->ws[W_ALERT_SET];
	bind_text(s, 1, target);
	bind_text(s, 2, r->host);
	bind_text(s, 3, r->addr);
	sqlite3_bind_int(s, 4, r->port);
	bind_text(s, 5, r->finding);
	bind_text(s, 6, layer);
	bind_text(s, 7, finding_severity_name(r->severity));
	sqlite3_bind_int64(s, 8, r->since);
	sqlite3_bind_int64(s, 9, r->notified != 0 ? r->notified : r->at);
	bind_text(s, 10, r->evidence);
	return step_done(s);
}

static int
write_log_count(struct store *st, const char *log, const struct row *r)
{
	sqlite3_stmt	*s = st->ws[W_LOG_COUNT];

	bind_text(s, 1, log);
	sqlite3_bind_int64(s, 2, r->at);
	bind_text(s, 3, r->dir);
	bind_text(s, 4, r->host);
	bind_text(s, 5, r->status);
	bind_text(s, 6, r->finding);
	sqlite3_bind_int64(s, 7, r->duration);
	bind_text(s, 8, r->evidence);
	return step_done(s);
}

static int
write_log_pos(struct store *st, const char *log, const struct row *r)
{
	sqlite3_stmt	*s = st->ws[W_LOG_POS];

	bind_text(s, 1, log);
	bind_text(s, 2, r->host);
	/* SQLite integers are signed: the bits are kept, read back as such */
	sqlite3_bind_int64(s, 3, (int64_t)r->dev);
	sqlite3_bind_int64(s, 4, (int64_t)r->ino);
	sqlite3_bind_int64(s, 5, (int64_t)r->off);
	bind_text(s, 6, r->json);
	sqlite3_bind_int64(s, 7, r->at);
	return step_done(s);
}

/*
 * Errors of one row (a constraint, a value too big) skip that row; any
 * other error (full, read-only, I/O, busy, out of memory) fails the
 * whole batch.
 */
static int
row_error(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
	case SQLITE_TOOBIG:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		return 1;
	}
	return 0;
}

/*
 * Keep what SQLite said of the failure rc now: a ROLLBACK after it
 * leaves the connection saying "not an error".
 */
static void
writer_error(struct store *st, int rc)
{
	const char	*m = NULL;

	if (st->wdb != NULL && sqlite3_errcode(st->wdb) != SQLITE_OK)
		m = sqlite3_errmsg(st->wdb);
	snprintf(st->werr, sizeof(st->werr), "%s", m != NULL ? m :
	    sqlite3_errstr(rc));
}

/*
 * Write a batch in one transaction. Returns SQLITE_OK with *rows and
 * *bad set, or the error that failed it (rolled back, st->werr saying
 * what it was).
 */
static int
write_batch(struct store *st, struct item *list, uint64_t *rows,
    uint64_t *bad)
{
	struct item	*it;
	int		 i, rc;

	*rows = *bad = 0;
	if ((rc = step_done(st->ws[W_BEGIN])) != SQLITE_OK)
		return rc;
	for (it = list; it != NULL; it = it->next) {
		for (i = 0; i < it->nrows; i++) {
			struct row	*r = &it->rows[i];

			switch (r->kind) {
			case ROW_SESSION:
				rc = write_session(st, it->target, r);
				break;
			case ROW_AUDIT:
				rc = write_audit(st, it->target, r);
				break;
			case ROW_FINDING:
				rc = write_finding(st, it, r);
				break;
			case ROW_ALERT:
				rc = write_alert(st, it->target, r);
				break;
			case ROW_LOG_COUNT:
				rc = write_log_count(st, it->target, r);
				break;
			case ROW_LOG_POS:
				rc = write_log_pos(st, it->target, r);
				break;
			}
			if (rc == SQLITE_OK)
				(*rows)++;
			else if (row_error(rc)) {
				log_warnx("store: %s: row of %s not written: %s",
				    st->path, it->target, sqlite3_errmsg(st->wdb));
				(*bad)++;
			} else
				goto fail;
		}
	}
	if ((rc = step_done(st->ws[W_COMMIT])) == SQLITE_OK)
		return SQLITE_OK;
fail:
	writer_error(st, rc);
	if (!sqlite3_get_autocommit(st->wdb))
		step_done(st->ws[W_ROLLBACK]);
	return rc;
}

/* Live and total size, into the counters (writer thread, mu not held). */
static void
update_size(struct store *st)
{
	int64_t	 pages = 0, freep = 0;

	if (st->wdb == NULL)
		return;
	if (sqlite3_step(st->ws[W_PAGES]) == SQLITE_ROW)
		pages = sqlite3_column_int64(st->ws[W_PAGES], 0);
	sqlite3_reset(st->ws[W_PAGES]);
	if (sqlite3_step(st->ws[W_FREE]) == SQLITE_ROW)
		freep = sqlite3_column_int64(st->ws[W_FREE], 0);
	sqlite3_reset(st->ws[W_FREE]);
	pthread_mutex_lock(&st->mu);
	st->c.db_bytes = pages * st->page_size;
	st->c.used_bytes = (pages - freep) * st->page_size;
	pthread_mutex_unlock(&st->mu);
}

/*
 * A write or retention failure: counted always, logged at most once per
 * error_interval, however often the disk comes and goes in between.
 */
static void
writer_failed(struct store *st, int rc, const char *what, uint64_t dropped)
{
	const char	*msg = st->werr[0] != '\0' ? st->werr :
			    sqlite3_errstr(rc);
	int64_t		 now = mono_ms();
	int		 corrupt = 0;

	if (!st->failing) {
		st->failing = 1;
		st->fail_logged = 0;
		st->corrupt_logged = 0;
		st->fail_since_ms = now;
		st->fail_dropped_all = 0;
	}
	st->fail_dropped += dropped;
	st->fail_dropped_all += dropped;
	/* A read-only or vanished file may come back writable after reopening. */
	switch (rc & 0xff) {
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		corrupt = 1;
		/* FALLTHROUGH */
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
		st->reopen = 1;
		break;
	}
	if (corrupt && !st->corrupt_logged) {
		/* It does not heal by itself: said once, with the way out. */
		log_warnx("store: %s: the database is corrupt (cannot %s: %s);"
		    " probing and alerting go on, their results are not"
		    " stored (%" PRIu64 " rows so far); stop smtprobed and"
		    " repair the file (sqlite3 .recover) or move it away",
		    st->path, what, msg, st->fail_dropped);
		st->fail_logged = st->corrupt_logged = 1;
		st->fail_report_ms = now;
		st->fail_dropped = 0;
	} else if (!corrupt && (st->fail_report_ms < 0 ||
	    now - st->fail_report_ms >= (int64_t)st->p.error_interval * 1000)) {
		if (!st->fail_logged)
			log_warnx("store: %s: cannot %s: %s; results are"
			    " dropped until it can (%" PRIu64 " so far)",
			    st->path, what, msg, st->fail_dropped);
		else
			log_warnx("store: %s: still cannot %s: %s; %" PRIu64
			    " rows dropped in %" PRId64 " s", st->path, what,
			    msg, st->fail_dropped,
			    (now - st->fail_report_ms) / 1000);
		st->fail_logged = 1;
		st->fail_report_ms = now;
		st->fail_dropped = 0;
	}
	st->retry_ms = now + RETRY_MS;
	pthread_mutex_lock(&st->mu);
	st->c.errors++;
	st->c.dropped += dropped;
	if (!st->c.failing)
		st->c.failing_since = (int64_t)time(NULL);
	st->c.failing = 1;
	st->c.corrupt = corrupt;
	snprintf(st->c.error, sizeof(st->c.error), "%s: %s", what, msg);
	pthread_mutex_unlock(&st->mu);
	st->werr[0] = '\0';
}

static void
writer_recovered(struct store *st)
{
	if (!st->failing)
		return;
	if (st->fail_logged) {
		log_info("store: %s: writing again after %" PRId64 " s; %"
		    PRIu64 " rows were dropped", st->path,
		    (mono_ms() - st->fail_since_ms) / 1000,
		    st->fail_dropped_all);
		st->fail_dropped = 0;
	}
	st->failing = 0;
	pthread_mutex_lock(&st->mu);
	st->c.failing = 0;
	st->c.corrupt = 0;
	st->c.failing_since = 0;
	st->c.error[0] = '\0';
	pthread_mutex_unlock(&st->mu);
}

/* Reopen the connection after a read-only or I/O failure. */
static int
writer_reopen(struct store *st)
{
	char	*cause = NULL;

	st->reopen = 0;
	writer_close_db(st);
	if (writer_open_db(st, &cause) == -1) {
		log_debug("store: reopen: %s", cause ? cause : "failed");
		snprintf(st->werr, sizeof(st->werr), "reopen: %s", cause ?
		    cause : "failed");
		free(cause);
		return -1;
	}
	return 0;
}

/* Commit a batch taken off the queue, or drop it. */
static void
writer_commit(struct store *st, struct item *batch, int nitems)
{
	struct item	*it, *next;
	uint64_t	 rows = 0, bad = 0, nrows = 0;
	int		 rc = SQLITE_CANTOPEN;

	for (it = batch; it != NULL; it = it->next)
		nrows += (uint64_t)it->nrows;
	if ((!st->reopen || writer_reopen(st) == 0) && st->wdb != NULL)
		rc = write_batch(st, batch, &rows, &bad);
	else if (st->werr[0] == '\0')
		writer_error(st, rc);
	if (rc == SQLITE_OK) {
		writer_recovered(st);
		pthread_mutex_lock(&st->mu);
		st->c.rows += rows;
		st->c.batches++;
		st->c.errors += bad;
		st->c.dropped += bad;
		pthread_mutex_unlock(&st->mu);
		update_size(st);
	} else
		writer_failed(st, rc, "write", nrows);
	(void)nitems;
	for (it = batch; it != NULL; it = next) {
		next = it->next;
		item_free(it);
	}
}

/*
 * One retention round: at most RETAIN_CHUNK rows per table, in one
 * transaction. Returns 1 when there is more to delete now.
 */
static int
writer_retain(struct store *st, int64_t age, int64_t max_bytes)
{
	int64_t		 cut = INT64_MIN, deleted = 0, h, used;
	int64_t		 below[NHIST];
	int		 i, rc, more = 0, full = 0;

	if (st->wdb == NULL)
		return 0;
	update_size(st);
	pthread_mutex_lock(&st->mu);
	used = st->c.used_bytes;
	pthread_mutex_unlock(&st->mu);
	if (age > 0)
		cut = (int64_t)time(NULL) - age;
	for (i = 0; i < NHIST; i++)
		below[i] = INT64_MAX;
	if (max_bytes > 0) {
		if (used > max_bytes)
			st->trimming = 1;
		else if (used <= max_bytes - max_bytes / 20)
			st->trimming = st->floor_said = 0;
	} else
		st->trimming = st->floor_said = 0;
	if (st->trimming) {
		/*
		 * The earliest time any table's oldest chunk reaches; a
		 * round takes at most half of a table and never its last
		 * row, so a limit below what the newest rows need keeps
		 * them instead of emptying the store.
		 */
		int64_t	 horizon = INT64_MAX;

		for (i = 0; i < NHIST; i++) {
			sqlite3_stmt	*s = st->whead[i];

			if (sqlite3_step(s) == SQLITE_ROW &&
			    sqlite3_column_type(s, 0) != SQLITE_NULL) {
				int64_t	 lo = sqlite3_column_int64(s, 0);
				int64_t	 k = sqlite3_column_int64(s, 1);

				below[i] = lo + k;
				if (k > 0 &&
				    sqlite3_column_type(s, 2) != SQLITE_NULL) {
					h = sqlite3_column_int64(s, 2);
					if (h < horizon)
						horizon = h;
				}
			}
			sqlite3_reset(s);
		}
		if (horizon != INT64_MAX && horizon + 1 > cut) {
			cut = horizon + 1;
			full = 1;
		} else if (horizon == INT64_MAX && !st->floor_said) {
			log_warnx("store: %s: store-max-size %" PRId64
			    " bytes is below what the newest rows take"
			    " (%" PRId64 " bytes); they are kept", st->path,
			    max_bytes, used);
			st->floor_said = 1;
		}
	}
	if (cut == INT64_MIN)
		return 0;
	if ((rc = step_done(st->ws[W_BEGIN])) != SQLITE_OK)
		goto fail;
	for (i = 0; i < NHIST; i++) {
		sqlite3_stmt	*s = st->wdel[i];
		int		 n;

		sqlite3_bind_int64(s, 1, cut);
		sqlite3_bind_int64(s, 2, below[i]);
		if ((rc = step_done(s)) != SQLITE_OK)
			goto fail;
		n = sqlite3_changes(st->wdb);
		deleted += n;
		if (n == RETAIN_CHUNK)
			more = 1;
		if (i == 0 && n > 0)
			st->sessions_trimmed = 1;
	}
	if (st->sessions_trimmed && mono_ms() >= st->latest_trim_ms) {
		if ((rc = step_done(st->ws[W_LATEST_TRIM])) != SQLITE_OK)
			goto fail;
		st->sessions_trimmed = 0;
		st->latest_trim_ms = mono_ms() + LATEST_TRIM_MS;
	}
	if ((rc = step_done(st->ws[W_COMMIT])) != SQLITE_OK)
		goto fail;
	pthread_mutex_lock(&st->mu);
	st->c.deleted += (uint64_t)deleted;
	pthread_mutex_unlock(&st->mu);
	if (deleted > 0)
		log_debug("store: retention removed %" PRId64 " rows%s",
		    deleted, full ? " (size)" : "");
	/* Over the size limit and something went: measure again soon. */
	return more || (full && deleted > 0);
fail:
	writer_error(st, rc);
	if (!sqlite3_get_autocommit(st->wdb))
		step_done(st->ws[W_ROLLBACK]);
	writer_failed(st, rc, "apply retention", 0);
	return 0;
}

/*
 * Take everything queued off the queue (mu held) as done, to be dropped
 * and freed by the caller.
 */
static struct item *
queue_take_all(struct store *st, uint64_t *rows)
{
	struct item	*list = st->head;
	struct item	*it;

	*rows = st->q_rows;
	for (it = list; it != NULL; it = it->next)
		st->done_seq = it->seq;
	st->head = st->tail = NULL;
	st->q_rows = 0;
	st->q_bytes = 0;
	return list;
}

static void *
writer_main(void *arg)
{
	struct store	*st = arg;
	struct item	*batch, *it, *next, *drop;
	struct timespec	 ts;
	int64_t		 now, wake, age, maxb;
	uint64_t	 last_seq, rows;
	int		 due, retain_due, more, nitems;
	uint64_t	 del0;
	int64_t		 cap;

	pthread_mutex_lock(&st->mu);
	for (;;) {
		now = mono_ms();
		due = 0;
		if (st->head != NULL) {
			if (st->stopping || st->flushers > 0 ||
			    st->q_rows >= (size_t)st->p.batch_rows ||
			    now - st->head->queued_ms >= st->p.flush_ms)
				due = 1;
			/* While failing, try once per RETRY_MS. */
			if (st->failing && now < st->retry_ms &&
			    !st->stopping && st->flushers == 0)
				due = 0;
		}
		if (st->retain_changed) {
			st->retain_changed = 0;
			st->next_retain_ms = now;
		}
		/*
		 * A backed-off round comes early once 1% of the size limit
		 * has been written since the last: the limit is overshot by
		 * at most that much, not by a minute of writing.
		 */
		if (st->retain_bytes > 0 && st->retain_written >=
		    st->retain_bytes / 100 && st->next_retain_ms > now +
		    st->p.retain_interval_ms)
			st->next_retain_ms = now + st->p.retain_interval_ms;
		retain_due = (st->retain_age > 0 || st->retain_bytes > 0) &&
		    now >= st->next_retain_ms && !st->stopping;
		if (st->qfull_unreported > 0 && now - st->qfull_report_ms >=
		    (int64_t)st->p.error_interval * 1000) {
			log_warnx("store: %s: queue full, %" PRIu64 " rows"
			    " dropped", st->path, st->qfull_unreported);
			st->qfull_unreported = 0;
			st->qfull_report_ms = now;
		}
		if (!due && !retain_due) {
			if (st->stopping && st->head == NULL)
				break;
			wake = now + 60000;
			if (st->head != NULL) {
				if (st->failing)
					wake = st->retry_ms;
				else if (st->head->queued_ms + st->p.flush_ms <
				    wake)
					wake = st->head->queued_ms +
					    st->p.flush_ms;
			}
			if ((st->retain_age > 0 || st->retain_bytes > 0) &&
			    st->next_retain_ms < wake)
				wake = st->next_retain_ms;
			if (wake <= now)
				wake = now + 1;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += (wake - now) / 1000;
			ts.tv_nsec += ((wake - now) % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&st->work, &st->mu, &ts);
			continue;
		}
		if (due) {
			/* Take whole items up to batch_rows rows. */
			batch = st->head;
			rows = 0;
			nitems = 0;
			last_seq = 0;
			for (it = st->head; it != NULL; it = it->next) {
				rows += (uint64_t)it->nrows;
				nitems++;
				last_seq = it->seq;
				st->q_bytes -= it->bytes;
				st->retain_written += (int64_t)it->bytes;
				if (rows >= (uint64_t)st->p.batch_rows ||
				    it->next == NULL)
					break;
			}
			st->head = it->next;
			it->next = NULL;
			if (st->head == NULL)
				st->tail = NULL;
			st->q_rows -= rows;
			st->c.queued = st->q_rows;
			pthread_mutex_unlock(&st->mu);

			writer_commit(st, batch, nitems);

			pthread_mutex_lock(&st->mu);
			st->done_seq = last_seq;
			drop = NULL;
			if (st->failing) {
				/* What waits now would fail the same way. */
				drop = queue_take_all(st, &rows);
				st->c.dropped += rows;
				st->fail_dropped += rows;
				st->fail_dropped_all += rows;
			}
			st->c.queued = st->q_rows;
			pthread_cond_broadcast(&st->done);
			pthread_mutex_unlock(&st->mu);
			for (it = drop; it != NULL; it = next) {
				next = it->next;
				item_free(it);
			}
			pthread_mutex_lock(&st->mu);
		}
		now = mono_ms();
		if (retain_due && now >= st->next_retain_ms) {
			age = st->retain_age;
			maxb = st->retain_bytes;
			pthread_mutex_unlock(&st->mu);
			if (st->reopen)
				writer_reopen(st);
			del0 = st->c.deleted;
			more = writer_retain(st, age, maxb);
			pthread_mutex_lock(&st->mu);
			st->retain_written = 0;
			/*
			 * A round that deleted nothing doubles the wait, up to
			 * a minute: an idle daemon must not wake its store
			 * every second to find nothing old enough. Trimming
			 * for size keeps the short interval.
			 */
			if (more || st->c.deleted != del0 || st->trimming)
				st->retain_backoff = 1;
			else if (st->retain_backoff < 64)
				st->retain_backoff *= 2;
			st->next_retain_ms = more ? now : now +
			    (int64_t)st->p.retain_interval_ms *
			    st->retain_backoff;
			/* never wait more than a quarter of the age kept */
			cap = age > 0 && age * 250 < 60000 ? age * 250 : 60000;
			if (cap < st->p.retain_interval_ms)
				cap = st->p.retain_interval_ms;
			if (!more && st->next_retain_ms > now + cap)
				st->next_retain_ms = now + cap;
		}
	}
	st->exited = 1;
	pthread_cond_broadcast(&st->done);
	pthread_mutex_unlock(&st->mu);
	update_size(st);
	writer_close_db(st);
	return NULL;
}

/* --- open and close --- */

void
store_params_defaults(struct store_params *p)
{
	memset(p, 0, sizeof(*p));
	p->queue_max = 100000;
	p->queue_bytes_max = 64 * 1024 * 1024;
	p->batch_rows = 500;
	p->flush_ms = 100;
	p->retain_interval_ms = 1000;
	p->error_interval = 60;
	p->read_busy_ms = 100;
	p->close_ms = 1000;
}

/*
 * Create the file ourselves, mode 0640 whatever the umask: SQLite would
 * create it 0644 & ~umask, and gives the -wal and -shm files the mode
 * of the database file, so this one mode covers all three.
 */
static int
store_create_file(const char *path, char **cause)
{
	int	 fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0640);
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;
		set_cause(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0640) == -1) {
		set_cause(cause, "%s: fchmod: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static int
store_open_reader(struct store *st, char **cause)
{
	int	 rc;

	/*
	 * Read-write but query_only: a read-only connection cannot recover
	 * a WAL left by a crash when it happens to be the first one in.
	 */
	rc = sqlite3_open_v2(st->path, &st->rdb, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		set_cause(cause, "%s: %s", st->path, st->rdb != NULL ?
		    sqlite3_errmsg(st->rdb) : sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_busy_timeout(st->rdb, st->p.read_busy_ms);
	if (exec1(st->rdb, "PRAGMA query_only = ON", cause, st->path) !=
	    SQLITE_OK)
		return -1;
	return 0;
}

struct store *
store_open(const struct store_params *p, char **cause)
{
	struct store		*st;
	pthread_condattr_t	 ca;
	sigset_t		 all, old;
	int			 rc;

	if (cause != NULL)
		*cause = NULL;
	if (p->path == NULL || *p->path == '\0') {
		set_cause(cause, "store: no database path");
		return NULL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->path = strdup(p->path)) == NULL) {
		free(st);
		set_cause(cause, "%s: out of memory", p->path);
		return NULL;
	}
	st->p = *p;
	st->retain_backoff = 1;
	if (st->p.queue_max <= 0)
		st->p.queue_max = 100000;
	if (st->p.queue_bytes_max == 0)
		st->p.queue_bytes_max = 64 * 1024 * 1024;
	if (st->p.batch_rows <= 0)
		st->p.batch_rows = 500;
	if (st->p.flush_ms <= 0)
		st->p.flush_ms = 100;
	if (st->p.retain_interval_ms <= 0)
		st->p.retain_interval_ms = 1000;
	if (st->p.error_interval <= 0)
		st->p.error_interval = 60;
	if (st->p.read_busy_ms < 0)
		st->p.read_busy_ms = 0;
	if (st->p.close_ms < 0)
		st->p.close_ms = 0;
	st->retain_age = p->retain_age > 0 ? p->retain_age : 0;
	st->retain_bytes = p->retain_bytes > 0 ? p->retain_bytes : 0;
	st->fail_report_ms = -1;
	pthread_mutex_init(&st->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&st->work, &ca);
	pthread_cond_init(&st->done, &ca);
	pthread_condattr_destroy(&ca);

	if (store_create_file(st->path, cause) == -1 ||
	    writer_open_db(st, cause) == -1 ||
	    store_open_reader(st, cause) == -1)
		goto fail;
	update_size(st);

	/* The writer takes no signal: they are the loop's business. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&st->thread, NULL, writer_main, st);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		set_cause(cause, "%s: cannot start the writer: %s", st->path,
		    strerror(rc));
		goto fail;
	}
	st->started = 1;
	return st;
fail:
	writer_close_db(st);
	sqlite3_close(st->rdb);
	pthread_cond_destroy(&st->work);
	pthread_cond_destroy(&st->done);
	pthread_mutex_destroy(&st->mu);
	free(st->path);
	free(st);
	return NULL;
}

void
store_close(struct store *st)
{
	struct item	*drop = NULL, *it, *next;
	struct timespec	 ts;
	uint64_t	 rows = 0;

	if (st == NULL)
		return;
	/*
	 * The reader goes first so that the writer's is the last
	 * connection: its close checkpoints the WAL and removes it, in the
	 * writer thread.
	 */
	sqlite3_close(st->rdb);
	st->rdb = NULL;
	if (st->started) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += st->p.close_ms / 1000;
		ts.tv_nsec += (long)(st->p.close_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&st->mu);
		st->stopping = 1;
		pthread_cond_signal(&st->work);
		while (!st->exited)
			if (pthread_cond_timedwait(&st->done, &st->mu, &ts) ==
			    ETIMEDOUT) {
				/* Past the deadline: what still waits is lost. */
				drop = queue_take_all(st, &rows);
				st->c.dropped += rows;
				break;
			}
		pthread_mutex_unlock(&st->mu);
		if (rows > 0)
			log_warnx("store: %s: %" PRIu64 " rows not written at"
			    " close (%d ms)", st->path, rows, st->p.close_ms);
		for (it = drop; it != NULL; it = next) {
			next = it->next;
			item_free(it);
		}
		pthread_join(st->thread, NULL);
	}
	writer_close_db(st);
	pthread_cond_destroy(&st->work);
	pthread_cond_destroy(&st->done);
	pthread_mutex_destroy(&st->mu);
	free(st->path);
	free(st);
}

int
store_flush(struct store *st, int timeout_ms)
{
	struct timespec	 ts;
	uint64_t	 want;
	int		 rv = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (timeout_ms >= 0) {
		ts.tv_sec += timeout_ms / 1000;
		ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
	}
	pthread_mutex_lock(&st->mu);
	want = st->enq_seq;
	st->flushers++;
	pthread_cond_signal(&st->work);
	while (st->done_seq < want && !(st->stopping && st->head == NULL)) {
		if (timeout_ms < 0)
			pthread_cond_wait(&st->done, &st->mu);
		else if (pthread_cond_timedwait(&st->done, &st->mu, &ts) ==
		    ETIMEDOUT) {
			rv = st->done_seq < want ? -1 : 0;
			break;
		}
	}
	st->flushers--;
	pthread_mutex_unlock(&st->mu);
	return rv;
}

void
store_set_retention(struct store *st, int64_t age_seconds, int64_t max_bytes)
{
	pthread_mutex_lock(&st->mu);
	st->retain_age = age_seconds > 0 ? age_seconds : 0;
	st->retain_bytes = max_bytes > 0 ? max_bytes : 0;
	st->retain_changed = 1;
	pthread_cond_signal(&st->work);
	pthread_mutex_unlock(&st->mu);
}

void
store_counters(struct store *st, struct store_counters *c)
{
	pthread_mutex_lock(&st->mu);
	*c = st->c;
	c->queued = st->q_rows;
	pthread_mutex_unlock(&st->mu);
}

/* --- reads --- */

static json_t *
col_text(sqlite3_stmt *s, int i)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);
	json_t		*j;

	if (t == NULL)
		return json_null();
	/* Invalid UTF-8 (a hand-edited database) is shown, not refused. */
	if ((j = json_string(t)) == NULL)
		j = json_string("?");
	return j;
}

static json_t *
col_int(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(s, i));
}

/* A column holding JSON text, parsed; JSON null when absent or broken. */
static json_t *
col_json(sqlite3_stmt *s, int i)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);
	json_t		*j;

	if (t == NULL || (j = json_loads(t, JSON_DECODE_ANY, NULL)) == NULL)
		return json_null();
	return j;
}

static int
clamp_limit(int limit)
{
	if (limit <= 0 || limit > STORE_LIMIT_MAX)
		return STORE_LIMIT_MAX;
	return limit;
}

#define FINDING_COLS	"finding, layer, severity, host, addr, port, evidence"

static json_t *
finding_json(sqlite3_stmt *s, int c)
{
	json_t	*o = json_object();

	json_object_set_new(o, "id", col_text(s, c));
	json_object_set_new(o, "layer", col_text(s, c + 1));
	json_object_set_new(o, "severity", col_text(s, c + 2));
	json_object_set_new(o, "host", col_text(s, c + 3));
	json_object_set_new(o, "addr", col_text(s, c + 4));
	json_object_set_new(o, "port", col_int(s, c + 5));
	json_object_set_new(o, "evidence", col_text(s, c + 6));
	return o;
}

/* The findings of one session or audit, by its id (fs is bound to it). */
static int
findings_of(sqlite3_stmt *fs, int64_t id, json_t **out)
{
	json_t	*a = json_array();
	int	 rc;

	sqlite3_bind_int64(fs, 1, id);
	while ((rc = sqlite3_step(fs)) == SQLITE_ROW)
		json_array_append_new(a, finding_json(fs, 0));
	sqlite3_reset(fs);
	*out = a;
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

#define SESSION_COLS	"s.id, s.target, s.host, s.addr, s.port," \
	" s.started_at, s.duration_us, s.outcome, s.last_code, s.worst," \
	" s.tls_version, s.tls_cipher, s.cert_not_after, s.phases," \
	" s.transcript"

static json_t *
session_json(sqlite3_stmt *s, int with_target)
{
	json_t	*o = json_object(), *tls;

	json_object_set_new(o, "id", col_int(s, 0));
	if (with_target)
		json_object_set_new(o, "target", col_text(s, 1));
	json_object_set_new(o, "host", col_text(s, 2));
	json_object_set_new(o, "addr", col_text(s, 3));
	json_object_set_new(o, "port", col_int(s, 4));
	json_object_set_new(o, "at", col_int(s, 5));
	json_object_set_new(o, "duration_us", col_int(s, 6));
	json_object_set_new(o, "outcome", col_text(s, 7));
	json_object_set_new(o, "code", col_int(s, 8));
	json_object_set_new(o, "worst", col_text(s, 9));
	if (sqlite3_column_type(s, 10) != SQLITE_NULL) {
		tls = json_object();
		json_object_set_new(tls, "version", col_text(s, 10));
		json_object_set_new(tls, "cipher", col_text(s, 11));
		json_object_set_new(tls, "not_after", col_int(s, 12));
	} else
		tls = json_null();
	json_object_set_new(o, "tls", tls);
	json_object_set_new(o, "phases", col_json(s, 13));
	json_object_set_new(o, "transcript", col_text(s, 14));
	return o;
}

/* Run a read transaction's statements; every read goes through here. */
static int
read_begin(struct store *st, char **cause)
{
	if (st->rdb == NULL) {
		set_cause(cause, "%s: closed", st->path);
		return -1;
	}
	/* One snapshot for the whole answer. */
	if (exec1(st->rdb, "BEGIN", cause, st->path) != SQLITE_OK)
		return -1;
	return 0;
}

static void
read_end(struct store *st)
{
	if (!sqlite3_get_autocommit(st->rdb))
		sqlite3_exec(st->rdb, "COMMIT", NULL, NULL, NULL);
}

static int
prep(struct store *st, const char *sql, sqlite3_stmt **s, char **cause)
{
	if (sqlite3_prepare_v2(st->rdb, sql, -1, s, NULL) != SQLITE_OK) {
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(st->rdb));
		*s = NULL;
		return -1;
	}
	return 0;
}

/* Step a list query, appending rows made by fn; returns rows or -1. */
static int
read_sessions(struct store *st, sqlite3_stmt *q, sqlite3_stmt *fs,
    int with_target, json_t *arr, char **cause)
{
	json_t	*o, *f;
	int	 rc, n = 0;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		o = session_json(q, with_target);
		if (findings_of(fs, sqlite3_column_int64(q, 0), &f) !=
		    SQLITE_OK) {
			json_decref(f);
			json_decref(o);
			rc = SQLITE_ERROR;
			break;
		}
		json_object_set_new(o, "findings", f);
		json_array_append_new(arr, o);
		n++;
	}
	if (rc != SQLITE_DONE) {
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(st->rdb));
		return -1;
	}
	return n;
}

/*
 * One kind of history row, read a page at a time: its query (newest
 * first, from a position on), and how a row becomes JSON. ?1 target, ?2
 * since, ?3 until, ?4 the rows wanted, ?5 whether to start before
 * (?6 at, ?7 id) rather than at the newest.
 */
struct history_kind {
	const char	*name;		/* in the answer */
	const char	*sql;
	const char	*findings;	/* the findings of a row, or NULL */
	int		 at_col;	/* the columns of the position */
	int		 id_col;
	json_t		*(*row)(sqlite3_stmt *);
};

#define PAGE_FROM(at, id) \
	" AND (?5 = 0 OR " at " < ?6 OR (" at " = ?6 AND " id " < ?7))"

static json_t *
history_session(sqlite3_stmt *q)
{
	return session_json(q, 0);
}

static json_t *
history_audit(sqlite3_stmt *q)
{
	json_t	*x = json_object();

	json_object_set_new(x, "id", col_int(q, 0));
	json_object_set_new(x, "at", col_int(q, 1));
	json_object_set_new(x, "duration_ms", col_int(q, 2));
	json_object_set_new(x, "worst", col_text(q, 3));
	json_object_set_new(x, "records", col_json(q, 4));
	return x;
}

static json_t *
history_alert(sqlite3_stmt *q)
{
	json_t	*x = json_object();

	json_object_set_new(x, "at", col_int(q, 0));
	json_object_set_new(x, "event", col_text(q, 1));
	json_object_set_new(x, "host", col_text(q, 2));
	json_object_set_new(x, "addr", col_text(q, 3));
	json_object_set_new(x, "port", col_int(q, 4));
	json_object_set_new(x, "finding", col_text(q, 5));
	json_object_set_new(x, "layer", col_text(q, 6));
	json_object_set_new(x, "severity", col_text(q, 7));
	json_object_set_new(x, "since", col_int(q, 8));
	json_object_set_new(x, "duration", col_int(q, 9));
	json_object_set_new(x, "evidence", col_text(q, 10));
	return x;
}

static const struct history_kind history_kinds[STORE_H_KINDS] = {
	[STORE_H_SESSIONS] = { "sessions",
	    "SELECT " SESSION_COLS " FROM sessions s"
	    " WHERE s.target = ?1 AND s.started_at BETWEEN ?2 AND ?3"
	    PAGE_FROM("s.started_at", "s.id")
	    " ORDER BY s.started_at DESC, s.id DESC LIMIT ?4",
	    "SELECT " FINDING_COLS " FROM findings"
	    " WHERE session_id = ?1 ORDER BY id", 5, 0, history_session },
	[STORE_H_AUDITS] = { "audits",
	    "SELECT id, at, duration_ms, worst, records FROM audits"
	    " WHERE target = ?1 AND at BETWEEN ?2 AND ?3"
	    PAGE_FROM("at", "id")
	    " ORDER BY at DESC, id DESC LIMIT ?4",
	    "SELECT " FINDING_COLS " FROM findings"
	    " WHERE audit_id = ?1 ORDER BY id", 1, 0, history_audit },
	[STORE_H_ALERTS] = { "alerts",
	    "SELECT at, event, host, addr, port, finding, layer,"
	    " severity, since, duration, evidence, id FROM alert_events"
	    " WHERE target = ?1 AND at BETWEEN ?2 AND ?3"
	    PAGE_FROM("at", "id")
	    " ORDER BY at DESC, id DESC LIMIT ?4",
	    NULL, 0, 11, history_alert },
};

/*
 * Up to rows rows of kind k into arr, from where *cur says, while the
 * page (*left bytes to go) has room; at least one row when the page is
 * still empty (*first), so every page moves on. *cur is where the next
 * page starts, done when nothing is left. -1 with *cause.
 */
static int
history_kind_page(struct store *st, const struct history_kind *hk,
    const char *target, int64_t since, int64_t until, int rows,
    size_t *left, int *first, json_t *arr, struct store_cursor_kind *cur,
    char **cause)
{
	sqlite3_stmt	*q = NULL, *fs = NULL;
	json_t		*o, *f;
	size_t		 n;
	int		 rc, got = 0;

	if (cur->done)
		return 0;
	if (prep(st, hk->sql, &q, cause) == -1 || (hk->findings != NULL &&
	    prep(st, hk->findings, &fs, cause) == -1))
		goto fail;
	bind_text(q, 1, target);
	sqlite3_bind_int64(q, 2, since);
	sqlite3_bind_int64(q, 3, until);
	sqlite3_bind_int(q, 4, rows + 1);	/* one more: is there more? */
	sqlite3_bind_int(q, 5, cur->started);
	sqlite3_bind_int64(q, 6, cur->at);
	sqlite3_bind_int64(q, 7, cur->id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (got == rows)
			break;		/* the one more: there is more */
		o = hk->row(q);
		if (fs != NULL) {
			if (findings_of(fs, sqlite3_column_int64(q, 0), &f) !=
			    SQLITE_OK) {
				json_decref(f);
				json_decref(o);
				rc = SQLITE_ERROR;
				break;
			}
			json_object_set_new(o, "findings", f);
		}
		n = json_dumpb(o, NULL, 0, JSON_COMPACT) + 1;
		if (n > *left && !*first) {
			json_decref(o);
			break;		/* the page is full */
		}
		*left = n > *left ? 0 : *left - n;
		*first = 0;
		json_array_append_new(arr, o);
		cur->started = 1;
		cur->at = sqlite3_column_int64(q, hk->at_col);
		cur->id = sqlite3_column_int64(q, hk->id_col);
		got++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(st->rdb));
		goto fail;
	}
	if (rc == SQLITE_DONE)
		cur->done = 1;		/* all there was fitted */
	sqlite3_finalize(q);
	sqlite3_finalize(fs);
	return 0;
fail:
	sqlite3_finalize(q);
	sqlite3_finalize(fs);
	return -1;
}

json_t *
store_history_page(struct store *st, const char *target, int64_t since,
    int64_t until, const struct store_cursor *from, int rows, size_t bytes,
    struct store_cursor *next, char **cause)
{
	json_t	*o, *arr[STORE_H_KINDS];
	size_t	 left = bytes;
	int	 k, first = 1, more = 0;

	if (cause != NULL)
		*cause = NULL;
	rows = clamp_limit(rows);
	if (until <= 0)
		until = INT64_MAX;
	if (from != NULL)
		*next = *from;
	else
		memset(next, 0, sizeof(*next));
	if (read_begin(st, cause) == -1)
		return NULL;
	o = json_object();
	json_object_set_new(o, "target", json_string(target));
	json_object_set_new(o, "since", json_integer(since));
	json_object_set_new(o, "until", until == INT64_MAX ? json_null() :
	    json_integer(until));
	json_object_set_new(o, "limit", json_integer(rows));
	for (k = 0; k < STORE_H_KINDS; k++)
		json_object_set_new(o, history_kinds[k].name,
		    arr[k] = json_array());
	for (k = 0; k < STORE_H_KINDS; k++) {
		if (history_kind_page(st, &history_kinds[k], target, since,
		    until, rows, &left, &first, arr[k], &next->k[k],
		    cause) == -1) {
			read_end(st);
			json_decref(o);
			return NULL;
		}
		more |= !next->k[k].done;
	}
	read_end(st);
	json_object_set_new(o, "truncated", json_boolean(more));
	return o;
}

json_t *
store_history(struct store *st, const char *target, int64_t since,
    int64_t until, int limit, char **cause)
{
	struct store_cursor	 next;

	return store_history_page(st, target, since, until, NULL, limit,
	    SIZE_MAX, &next, cause);
}

json_t *
store_latest(struct store *st, const char *target, int limit, char **cause)
{
	sqlite3_stmt	*q = NULL, *fs = NULL;
	json_t		*o, *sess;

	if (cause != NULL)
		*cause = NULL;
	limit = clamp_limit(limit);
	if (read_begin(st, cause) == -1)
		return NULL;
	o = json_object();
	json_object_set_new(o, "sessions", sess = json_array());
	/* Two statements: "?1 IS NULL OR" would keep the key from use. */
	if (prep(st, target != NULL ?
	    "SELECT " SESSION_COLS " FROM latest l"
	    " JOIN sessions s ON s.id = l.session_id WHERE l.target = ?1"
	    " ORDER BY l.target, l.host, l.addr, l.port LIMIT ?2" :
	    "SELECT " SESSION_COLS " FROM latest l"
	    " JOIN sessions s ON s.id = l.session_id"
	    " ORDER BY l.target, l.host, l.addr, l.port LIMIT ?2", &q,
	    cause) == -1 || prep(st, "SELECT " FINDING_COLS " FROM findings"
	    " WHERE session_id = ?1 ORDER BY id", &fs, cause) == -1)
		goto fail;
	bind_text(q, 1, target);
	sqlite3_bind_int(q, 2, limit);
	if (read_sessions(st, q, fs, 1, sess, cause) == -1)
		goto fail;
	sqlite3_finalize(q);
	sqlite3_finalize(fs);
	read_end(st);
	return o;
fail:
	sqlite3_finalize(q);
	sqlite3_finalize(fs);
	read_end(st);
	json_decref(o);
	return NULL;
}

json_t *
store_audit_last(struct store *st, const char *target, char **cause)
{
	sqlite3_stmt	*q = NULL;
	json_t		*j = NULL;
	int		 rc;

	if (cause != NULL)
		*cause = NULL;
	if (read_begin(st, cause) == -1)
		return NULL;
	if (prep(st, "SELECT records FROM audits WHERE target = ?1"
	    " ORDER BY at DESC, id DESC LIMIT 1", &q, cause) == -1)
		goto done;
	bind_text(q, 1, target);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		j = col_json(q, 0);
	else if (rc == SQLITE_DONE)
		j = json_null();
	else
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(st->rdb));
done:
	sqlite3_finalize(q);
	read_end(st);
	return j;
}

static enum severity
severity_lookup(const char *s)
{
	enum severity	 v;

	for (v = SEV_OK; v <= SEV_CRIT; v++)
		if (s != NULL && strcmp(finding_severity_name(v), s) == 0)
			return v;
	return SEV_WARN;
}

static const char *
text_or_empty(sqlite3_stmt *s, int i)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);

	return t != NULL ? t : "";
}

int
store_alerts_load(struct store *st, store_alert_cb cb, void *arg,
    char **cause)
{
	sqlite3_stmt		*q = NULL;
	struct store_alert	 a;
	int			 rc, n = 0;

	if (cause != NULL)
		*cause = NULL;
	if (read_begin(st, cause) == -1)
		return -1;
	if (prep(st, "SELECT target, host, addr, port, finding, severity,"
	    " since, notified, evidence FROM alerts ORDER BY since, target",
	    &q, cause) == -1) {
		read_end(st);
		return -1;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		a.target = text_or_empty(q, 0);
		a.host = text_or_empty(q, 1);
		a.addr = text_or_empty(q, 2);
		a.port = sqlite3_column_int(q, 3);
		a.finding = text_or_empty(q, 4);
		a.severity = severity_lookup(text_or_empty(q, 5));
		a.event = STORE_RAISED;
		a.since = sqlite3_column_int64(q, 6);
		a.at = a.since;
		a.notified = sqlite3_column_int64(q, 7);
		a.evidence = text_or_empty(q, 8);
		n++;
		if (cb(&a, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(st->rdb));
		n = -1;
	}
	sqlite3_finalize(q);
	read_end(st);
	return n;
}

/* --- the MTA logs followed --- */

int
store_log_position(struct store *st, const char *log,
    struct store_log_pos *pos, char **cause)
{
	sqlite3_stmt	*q = NULL;
	int		 rc, rv = -1;

	if (cause != NULL)
		*cause = NULL;
	memset(pos, 0, sizeof(*pos));
	if (read_begin(st, cause) == -1)
		return -1;
	if (prep(st, "SELECT source, dev, ino, off, cursor, at"
	    " FROM log_positions WHERE log = ?1", &q, cause) == -1)
		goto done;
	bind_text(q, 1, log);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		util_strlcpy(pos->source, text_or_empty(q, 0),
		    sizeof(pos->source));
		pos->dev = (uint64_t)sqlite3_column_int64(q, 1);
		pos->ino = (uint64_t)sqlite3_column_int64(q, 2);
		pos->off = (uint64_t)sqlite3_column_int64(q, 3);
		util_strlcpy(pos->cursor, text_or_empty(q, 4),
		    sizeof(pos->cursor));
		pos->at = sqlite3_column_int64(q, 5);
		rv = 1;
	} else if (rc == SQLITE_DONE)
		rv = 0;
	else
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(st->rdb));
done:
	sqlite3_finalize(q);
	read_end(st);
	return rv;
}

#define LOG_COLS	"minute, direction, domain, status, cause, count, sample"

int
store_log_read(struct store *st, const char *log, int64_t since,
    int64_t until, int newest, struct store_log_cursor *cur, int rows,
    store_log_cb cb, void *arg, char **cause)
{
	struct store_log_count	 c;
	sqlite3_stmt		*q = NULL;
	int			 rc, n = 0, stop = 0;

	if (cause != NULL)
		*cause = NULL;
	if (cur->done)
		return 0;
	rows = clamp_limit(rows);
	if (until <= 0)
		until = INT64_MAX;
	/*
	 * The key's index orders the rows; a page goes on after (before)
	 * the last row given, and its minute narrows the range so that
	 * only that minute's rows are skipped one by one.
	 */
	if (cur->started && !newest && cur->minute > since)
		since = cur->minute;
	if (cur->started && newest && cur->minute < until)
		until = cur->minute;
	if (read_begin(st, cause) == -1)
		return -1;
	if (prep(st, newest ?
	    "SELECT " LOG_COLS " FROM log_minutes"
	    " WHERE log = ?1 AND minute BETWEEN ?2 AND ?3 AND (?4 = 0 OR"
	    " (minute, direction, domain, status, cause) <"
	    " (?5, ?6, ?7, ?8, ?9))"
	    " ORDER BY minute DESC, direction DESC, domain DESC, status DESC,"
	    " cause DESC LIMIT ?10" :
	    "SELECT " LOG_COLS " FROM log_minutes"
	    " WHERE log = ?1 AND minute BETWEEN ?2 AND ?3 AND (?4 = 0 OR"
	    " (minute, direction, domain, status, cause) >"
	    " (?5, ?6, ?7, ?8, ?9))"
	    " ORDER BY minute, direction, domain, status, cause LIMIT ?10",
	    &q, cause) == -1) {
		read_end(st);
		return -1;
	}
	bind_text(q, 1, log);
	sqlite3_bind_int64(q, 2, since);
	sqlite3_bind_int64(q, 3, until);
	/* copies: the cursor moves on while the statement still runs */
	sqlite3_bind_int(q, 4, cur->started);
	sqlite3_bind_int64(q, 5, cur->minute);
	sqlite3_bind_text(q, 6, cur->direction, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 7, cur->domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 8, cur->status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 9, cur->cause, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 10, rows);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		c.minute = sqlite3_column_int64(q, 0);
		c.direction = text_or_empty(q, 1);
		c.domain = text_or_empty(q, 2);
		c.status = text_or_empty(q, 3);
		c.cause = text_or_empty(q, 4);
		c.count = sqlite3_column_int64(q, 5);
		c.sample = (const char *)sqlite3_column_text(q, 6);
		cur->started = 1;
		cur->minute = c.minute;
		util_strlcpy(cur->direction, c.direction,
		    sizeof(cur->direction));
		util_strlcpy(cur->domain, c.domain, sizeof(cur->domain));
		util_strlcpy(cur->status, c.status, sizeof(cur->status));
		util_strlcpy(cur->cause, c.cause, sizeof(cur->cause));
		n++;
		stop = cb(&c, arg) != 0;
	}
	if (!stop && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		set_cause(cause, "%s: %s", st->path, sqlite3_errmsg(st->rdb));
		n = -1;
	} else if (!stop && n < rows)
		cur->done = 1;
	sqlite3_finalize(q);
	read_end(st);
	return n;
}
