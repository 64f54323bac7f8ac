/*
 * logwatch.c - the daemon follows the MTA logs of its [log NAME]
 * sections (issue 13, item 3).
 *
 * Each section has a follower (lib/logtail.c) read on a one-second
 * timer, at most LW_LINES_PER_TICK lines a tick so the probes' loop
 * never stalls. Every failure (lib/logsum.c's causes) of a configured
 * direction and domain is counted per (direction, domain, cause) in a
 * sliding window of the section's log-alert length, by arrival time: a
 * follower that catches up after a restart counts what it reads now.
 * Every interval the window is judged: a (domain, cause) with at least
 * log-alert's count is a finding of the target "log:NAME" with the
 * domain as its host and the direction as its address, and the usual
 * alert model (lib/alert.c) raises and clears its alerts: ALERT and
 * RECOVERED lines, rows in the store, events to followers, like any
 * target's, restored at start.
 *
 * Every event read is also counted per minute (the line's own time),
 * direction, domain, status and cause in a table of pending counts
 * (bounded: LW_PEND_MAX keys, then the domain "other"), which each tick
 * hands to the store (store_add_log) together with the read position:
 * the store's writer thread commits both in one transaction, so a
 * restart goes on from the last position committed and the counts
 * stored are those of exactly the lines before it. At start the window
 * is seeded from the stored minutes, so an alert open before a restart
 * is neither raised again nor cleared for want of counts. A position
 * file of the previous version (STATE_DIR/log-NAME.pos) is read once
 * when the store has none, then removed: the store is the truth.
 */
#include <sys/stat.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "ctl.h"
#include "log.h"
#include "logjournal.h"
#include "logsum.h"
#include "logtail.h"
#include "maillog.h"
#include "metrics.h"
#include "smtprobed.h"
#include "store.h"
#include "util.h"
#include "value.h"

#define LW_LINES_PER_TICK	20000
#define LW_KEYS_MAX		2000	/* (direction, domain, cause) kept */
#define LW_BUCKETS		60	/* a window in 60 slices */
#define LW_PEND_MAX		4096	/* pending counts between two writes */
#define LW_PEND_OTHER		256	/* of which kept for domain "other" */
#define LW_PEND_SLOTS		8192	/* hash slots, a power of 2 */
#define LW_SEED_ROWS		50000	/* stored minutes read at start */
#define LW_SAMPLE_MAX		200	/* of a sample in an alert's fields */
#define LW_ST_VERDICT		MAILLOG_ST_COUNT /* a status of its own */

struct lw_key {
	enum maillog_dir dir;
	char		 domain[LOGSUM_NAME_MAX + 1];
	enum finding_id	 cause;
	int64_t		 stamp[LW_BUCKETS];	/* slice start, ms */
	uint32_t	 count[LW_BUCKETS];
	char		 sample[LOGSUM_SAMPLE_MAX + 1];
};

/* Events of a minute and key not yet handed to the store. */
struct lw_pend {
	int64_t		 minute;		/* its first second */
	uint8_t		 dir;			/* enum maillog_dir */
	uint8_t		 status;		/* maillog_status, LW_ST_VERDICT */
	uint16_t	 cause;			/* F_COUNT: none (a success) */
	uint32_t	 count;
	char		*sample;		/* a failure's latest, or NULL */
	char		 domain[LOGSUM_NAME_MAX + 1];
};

/*
 * A domain label of smtprobe_log_deliveries_total and its counts: the
 * section's configured domain an event's domain belongs to, or, with
 * none configured, one of the first LW_METRIC_DOMAINS domains that
 * failed since the start. A label once given stays (until a reload
 * changes the domains), so no series of the counter ever goes down: the
 * rest is "other", the whole counts less the labelled ones.
 */
typedef uint64_t lw_counts_t[MAILLOG_ST_COUNT][F_COUNT + 1];

struct lw_mdom {
	char		 domain[LOGSUM_NAME_MAX + 1];
	lw_counts_t	 counts[2];	/* out, in */
};

struct logwatch {
	struct daemon	*d;
	char		*name;
	char		*path;			/* what is followed: the file,
						   or "journal[:DIR]" */
	char		 idents[CONF_LOG_IDENTS_MAX * 65]; /* journal: the
						   identifiers, " " between */
	char		 target[80];		/* "log:NAME" */
	char		 posfile[PATH_MAX];
	struct conf_log	 cfg;			/* strings below are ours */
	char		**domains;
	struct logtail	*tail;			/* a file, or */
	struct logjournal *jr;			/* the journal */
	struct event	*ev;
	int64_t		 next_judge;		/* wall ms */
	struct lw_key	*keys;
	size_t		 nkeys;
	struct alert_set alerts;
	struct store_log_pos saved;		/* the position last stored */
	int		 migrate;		/* remove posfile once stored */
	struct lw_pend	*pend;			/* pending counts */
	size_t		 npend, cappend;
	uint32_t	*slots;			/* index + 1 into pend, or 0 */
	uint64_t	 pend_lost;		/* not counted: the table full */
	uint64_t	 lines, failures, unparsable;
	uint64_t	 status[3][MAILLOG_ST_COUNT];	/* by direction */
	/* deliveries since the start by direction, status and cause
	   (F_COUNT: none, a success) for the metrics */
	uint64_t	 counts[3][MAILLOG_ST_COUNT][F_COUNT + 1];
	struct lw_mdom	**mdoms;		/* the domain labels of */
	size_t		 nmdoms;		/* those counts */
};

static void	lw_forget_conf(struct logwatch *);

static int64_t
wall_ms(void)
{
	return util_wall() * 1000;
}

/* A position file of the previous version: "DEV INO OFF". */
static int
pos_load(const char *path, struct logtail_pos *pos)
{
	unsigned long long	 dev, ino, off;
	FILE			*f;
	int			 n;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fscanf(f, "%llu %llu %llu", &dev, &ino, &off);
	fclose(f);
	if (n != 3)
		return -1;
	pos->dev = dev;
	pos->ino = ino;
	pos->off = off;
	return 0;
}

static const char *
lw_status_name(int st)
{
	return st == LW_ST_VERDICT ? "verdict" :
	    maillog_status_name((enum maillog_status)st);
}

static void
pend_clear(struct logwatch *w)
{
	size_t	 i;

	for (i = 0; i < w->npend; i++)
		free(w->pend[i].sample);
	w->npend = 0;
	if (w->slots != NULL)
		memset(w->slots, 0, LW_PEND_SLOTS * sizeof(*w->slots));
}

static uint64_t
pend_hash(int64_t minute, int dir, int status, int cause, const char *dom)
{
	uint64_t	 h = util_hash64(dom, strlen(dom));

	h ^= (uint64_t)minute * 0x9e3779b97f4a7c15ULL;
	h ^= ((uint64_t)dir << 56) ^ ((uint64_t)status << 48) ^
	    ((uint64_t)cause << 32);
	return h * 0x100000001b3ULL;
}

/*
 * The pending count of (minute, dir, domain, status, cause), made when
 * new; a new domain past LW_PEND_MAX - LW_PEND_OTHER is counted as
 * "other", and NULL when even that cannot be kept.
 */
static struct lw_pend *
pend_get(struct logwatch *w, int64_t minute, int dir, int status, int cause,
    const char *dom)
{
	struct lw_pend	*p;
	uint64_t	 h;
	size_t		 i, cap;
	int		 again = 1;

	if (w->slots == NULL &&
	    (w->slots = calloc(LW_PEND_SLOTS, sizeof(*w->slots))) == NULL)
		return NULL;
	for (;;) {
		h = pend_hash(minute, dir, status, cause, dom);
		for (i = h & (LW_PEND_SLOTS - 1); w->slots[i] != 0;
		    i = (i + 1) & (LW_PEND_SLOTS - 1)) {
			p = &w->pend[w->slots[i] - 1];
			if (p->minute == minute && p->dir == dir &&
			    p->status == status && p->cause == cause &&
			    strcmp(p->domain, dom) == 0)
				return p;
		}
		if (w->npend < LW_PEND_MAX - LW_PEND_OTHER ||
		    (w->npend < LW_PEND_MAX && !again))
			break;
		if (!again)
			return NULL;
		dom = "other";		/* look for, or make, its row */
		again = 0;
	}
	if (w->npend == w->cappend) {
		cap = w->cappend ? w->cappend * 2 : 64;
		if ((p = reallocarray(w->pend, cap, sizeof(*p))) == NULL)
			return NULL;
		w->pend = p;
		w->cappend = cap;
	}
	p = &w->pend[w->npend++];
	memset(p, 0, sizeof(*p));
	p->minute = minute;
	p->dir = (uint8_t)dir;
	p->status = (uint8_t)status;
	p->cause = (uint16_t)cause;
	util_strlcpy(p->domain, dom, sizeof(p->domain));
	w->slots[i] = (uint32_t)w->npend;
	return p;
}

/* Where the follower is now, as the store keeps it. */
static void
lw_pos(const struct logwatch *w, struct store_log_pos *pos)
{
	struct logtail_pos	 lp;

	memset(pos, 0, sizeof(*pos));
	util_strlcpy(pos->source, w->path, sizeof(pos->source));
	if (w->jr != NULL) {
		util_strlcpy(pos->cursor, logjournal_cursor(w->jr),
		    sizeof(pos->cursor));
		return;
	}
	logtail_pos(w->tail, &lp);
	pos->dev = lp.dev;
	pos->ino = lp.ino;
	pos->off = lp.off;
}

static int
pos_same(const struct store_log_pos *a, const struct store_log_pos *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->off == b->off &&
	    strcmp(a->cursor, b->cursor) == 0 &&
	    strcmp(a->source, b->source) == 0;
}

/*
 * Hand the pending counts and the position to the store, one item: the
 * writer commits them together, or drops them together (queue full,
 * store failing: counted by the store like any dropped row).
 */
static void
lw_flush(struct logwatch *w)
{
	struct store_log_count	*c = NULL;
	struct store_log_pos	 pos;
	size_t			 i;

	lw_pos(w, &pos);
	if (w->npend == 0 && pos_same(&pos, &w->saved))
		return;
	if (w->d->store == NULL) {
		pend_clear(w);
		return;
	}
	if (w->npend > 0 && (c = calloc(w->npend, sizeof(*c))) == NULL) {
		pend_clear(w);
		return;
	}
	for (i = 0; i < w->npend; i++) {
		const struct lw_pend *p = &w->pend[i];

		c[i].minute = p->minute;
		c[i].direction = logsum_dir_name((enum maillog_dir)p->dir);
		c[i].domain = p->domain;
		c[i].status = lw_status_name(p->status);
		c[i].cause = p->cause == F_COUNT ? "" :
		    finding_def((enum finding_id)p->cause)->id;
		c[i].count = p->count;
		c[i].sample = p->sample;
	}
	if (store_add_log(w->d->store, w->name, c, w->npend, &pos) == 0) {
		w->saved = pos;
		if (w->migrate) {
			/* the store has it now: it is the truth */
			if (unlink(w->posfile) == 0)
				log_info("log %s: position moved from %s to "
				    "the store", w->name, w->posfile);
			w->migrate = 0;
		}
	}
	free(c);
	pend_clear(w);
}

/*
 * A domain the log wrote with U-labels (the sender used SMTPUTF8) as
 * its A-labels, the form the configuration keeps: 1, or 0 when it is
 * plain ASCII or not a name.
 */
static int
a_labels(struct maillog_str ds, char *out, size_t sz)
{
	char	 u[LOGSUM_NAME_MAX + 1], a[VALUE_NAME_MAX + 1];
	size_t	 i;
	int	 high = 0;

	if (ds.p == NULL || ds.len == 0 || ds.len >= sizeof(u))
		return 0;
	for (i = 0; i < ds.len; i++)
		high |= (unsigned char)ds.p[i] >= 0x80;
	if (!high)
		return 0;
	memcpy(u, ds.p, ds.len);
	u[ds.len] = '\0';
	if (value_name(u, a, NULL) == -1 || strlen(a) >= sz)
		return 0;
	util_strlcpy(out, a, sz);
	return 1;
}

static int
domain_wanted(const struct logwatch *w, const char *dom)
{
	size_t	 n = strlen(dom), i, k, best = 0;
	int	 which = 0;

	if (w->cfg.ndomains == 0)
		return -1;
	/* the configured domain that says most: b.a.example before a.example */
	for (i = 0; i < (size_t)w->cfg.ndomains; i++) {
		k = strlen(w->domains[i]);
		if (n >= k && k > best &&
		    strcasecmp(dom + n - k, w->domains[i]) == 0 &&
		    (n == k || dom[n - k - 1] == '.')) {
			best = k;
			which = (int)i + 1;
		}
	}
	return which;
}

#define LW_METRIC_DOMAINS	20	/* domain labels of a log, the rest
					   is "other" (unless configured) */

/*
 * The counts of dom's metric label: which is domain_wanted()'s answer
 * (-1: no domain configured), failed whether this event is a failure.
 * NULL: counted as "other" only.
 */
static struct lw_mdom *
mdom_get(struct logwatch *w, const char *dom, int which, int failed)
{
	struct lw_mdom	*m;
	size_t		 i, cap;

	if (which > 0)
		dom = w->domains[which - 1];
	for (i = 0; i < w->nmdoms; i++)
		if (strcmp(w->mdoms[i]->domain, dom) == 0)
			return w->mdoms[i];
	if (which < 0 && (!failed || w->nmdoms >= LW_METRIC_DOMAINS))
		return NULL;
	cap = which < 0 ? LW_METRIC_DOMAINS : (size_t)w->cfg.ndomains;
	if (w->mdoms == NULL &&
	    (w->mdoms = calloc(cap, sizeof(*w->mdoms))) == NULL)
		return NULL;
	if (w->nmdoms >= cap)
		return NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	util_strlcpy(m->domain, dom, sizeof(m->domain));
	w->mdoms[w->nmdoms++] = m;
	return m;
}

static void
mdom_clear(struct logwatch *w)
{
	size_t	 i;

	for (i = 0; i < w->nmdoms; i++)
		free(w->mdoms[i]);
	free(w->mdoms);
	w->mdoms = NULL;
	w->nmdoms = 0;
}

static struct lw_key *
key_find(struct logwatch *w, enum maillog_dir dir, const char *dom,
    enum finding_id cause)
{
	size_t	 i;

	for (i = 0; i < w->nkeys; i++)
		if (w->keys[i].dir == dir && w->keys[i].cause == cause &&
		    strcmp(w->keys[i].domain, dom) == 0)
			return &w->keys[i];
	return NULL;
}

static struct lw_key *
key_get(struct logwatch *w, enum maillog_dir dir, const char *dom,
    enum finding_id cause)
{
	struct lw_key	*k;
	size_t		 i;

	for (i = 0; i < w->nkeys; i++)
		if (w->keys[i].dir == dir && w->keys[i].cause == cause &&
		    strcmp(w->keys[i].domain, dom) == 0)
			return &w->keys[i];
	if (w->nkeys == LW_KEYS_MAX) {
		dom = "other";
		for (i = 0; i < w->nkeys; i++)
			if (w->keys[i].dir == dir && w->keys[i].cause == cause &&
			    strcmp(w->keys[i].domain, dom) == 0)
				return &w->keys[i];
		return NULL;
	}
	if ((k = reallocarray(w->keys, w->nkeys + 1, sizeof(*k))) == NULL)
		return NULL;
	w->keys = k;
	k = &w->keys[w->nkeys++];
	memset(k, 0, sizeof(*k));
	k->dir = dir;
	util_strlcpy(k->domain, dom, sizeof(k->domain));
	k->cause = cause;
	return k;
}

static int64_t
slice_ms(const struct logwatch *w)
{
	int64_t	 s = w->cfg.alert_window_ms / LW_BUCKETS;

	return s > 0 ? s : 1;
}

static uint64_t
key_count(const struct logwatch *w, const struct lw_key *k, int64_t now)
{
	uint64_t	 n = 0;
	size_t		 i;

	for (i = 0; i < LW_BUCKETS; i++)
		if (k->count[i] && k->stamp[i] > now - w->cfg.alert_window_ms)
			n += k->count[i];
	return n;
}

/* Count n in the slice of now. */
static void
bump_n(struct lw_key *k, int64_t now, int64_t sl, uint32_t n)
{
	int64_t	 start = now - now % sl;
	size_t	 b = (size_t)((now / sl) % LW_BUCKETS);

	if (k->stamp[b] != start) {
		k->stamp[b] = start;
		k->count[b] = 0;
	}
	k->count[b] += n;
}

static void
bump(struct lw_key *k, int64_t now, int64_t sl)
{
	bump_n(k, now, sl, 1);
}

/*
 * A sample for the store and the alert's fields: printable ASCII, no
 * double quote (the alert line quotes it), at most LW_SAMPLE_MAX bytes.
 */
static void
lw_sample(char *dst, size_t sz, const struct maillog_event *ev)
{
	char	 raw[LOGSUM_SAMPLE_MAX + 1];
	size_t	 i;

	if (sz > LW_SAMPLE_MAX + 1)
		sz = LW_SAMPLE_MAX + 1;
	if (ev->code)
		snprintf(raw, sizeof(raw), "%d %.*s%s%.*s", ev->code,
		    (int)ev->enh.len, ev->enh.p ? ev->enh.p : "",
		    ev->enh.len ? " " : "", (int)(ev->reply.len > 256 ? 256 :
		    ev->reply.len), ev->reply.p ? ev->reply.p : "");
	else
		snprintf(raw, sizeof(raw), "%.*s", (int)(ev->detail.len > 256 ?
		    256 : ev->detail.len), ev->detail.p ? ev->detail.p : "");
	util_sanitize_buf(dst, sz, raw, strlen(raw));
	for (i = 0; dst[i] != '\0'; i++)
		if (dst[i] == '"')
			dst[i] = '\'';
}

/* One line of the log, read at now (wall ms). */
static void
lw_line(struct logwatch *w, const char *line, size_t len, int64_t now)
{
	struct maillog_event	 ev;
	struct maillog_str	 ds;
	struct lw_key		*k;
	struct lw_pend		*p;
	struct lw_mdom		*m;
	const char		*src, *rem, *url;
	enum finding_id		 cause;
	char			 dom[LOGSUM_NAME_MAX + 1];
	char			 smp[LW_SAMPLE_MAX + 1];
	int64_t			 sl, t;
	size_t			 i;
	int			 status, which;

	w->lines++;
	switch (maillog_parse_line(line, len, &ev, NULL)) {
	case MAILLOG_OK:
		break;
	case MAILLOG_FOREIGN:
		return;
	default:
		w->unparsable++;
		return;
	}
	if (ev.kind != MAILLOG_KIND_DELIVERY && ev.kind != MAILLOG_KIND_REJECT &&
	    ev.kind != MAILLOG_KIND_VERDICT)
		return;
	if (w->cfg.direction != 0 && (int)ev.dir != w->cfg.direction)
		return;
	if (ev.dir != MAILLOG_DIR_OUT && ev.dir != MAILLOG_DIR_IN)
		return;
	if (ev.kind == MAILLOG_KIND_DELIVERY)
		ds = maillog_domain(ev.rcpt);
	else {
		ds = ev.domain.len ? ev.domain : maillog_domain(ev.sender);
		if (ds.len == 0)
			ds = ev.peer_addr;
	}
	if (!a_labels(ds, dom, sizeof(dom)))
		util_sanitize_buf(dom, sizeof(dom), ds.p ? ds.p : "unknown",
		    ds.p ? ds.len : 7);
	for (i = 0; dom[i]; i++)
		if (dom[i] >= 'A' && dom[i] <= 'Z')
			dom[i] = (char)(dom[i] - 'A' + 'a');
	if ((which = domain_wanted(w, dom)) == 0)
		return;
	if (ev.status < MAILLOG_ST_COUNT)
		w->status[ev.dir][ev.status]++;
	cause = logsum_cause(&ev, &src, &rem, &url);
	if (ev.status < MAILLOG_ST_COUNT) {
		w->counts[ev.dir][ev.status][cause]++;
		if ((m = mdom_get(w, dom, which, cause != F_COUNT)) != NULL)
			m->counts[ev.dir - 1][ev.status][cause]++;
	}
	smp[0] = '\0';
	if (cause != F_COUNT)
		lw_sample(smp, sizeof(smp), &ev);

	/* the minute of the line's own time; of now when it has none */
	t = (int64_t)maillog_time(&ev.ts, (time_t)(now / 1000));
	if (t < 0 || t > now / 1000 + 86400)
		t = now / 1000;
	status = ev.kind == MAILLOG_KIND_VERDICT ? LW_ST_VERDICT :
	    (int)ev.status;
	if ((p = pend_get(w, t - t % 60, ev.dir, status, cause, dom)) ==
	    NULL)
		w->pend_lost++;
	else {
		p->count++;
		if (smp[0] != '\0') {
			free(p->sample);
			p->sample = strdup(smp);
		}
	}

	sl = slice_ms(w);
	/* every attempt of the domain, for log-alert-ratio (cause F_COUNT) */
	if (w->cfg.alert_ratio > 0 && ev.kind != MAILLOG_KIND_VERDICT &&
	    ev.failure != MAILLOG_FAIL_NO_ATTEMPT &&
	    (k = key_get(w, ev.dir, dom, F_COUNT)) != NULL)
		bump(k, now, sl);
	if (cause == F_COUNT)
		return;
	w->failures++;
	if ((k = key_get(w, ev.dir, dom, cause)) == NULL)
		return;
	bump(k, now, sl);
	util_strlcpy(k->sample, smp, sizeof(k->sample));
}

static void
on_alert(const struct alert *a, enum alert_event ev, int64_t now, void *arg)
{
	struct logwatch		*w = arg;
	char			 line[1024];

	alert_format_log(a, ev, w->target, now, line, sizeof(line));
	runs_alert_say(w->d, w->target, a, ev, now, line, 1);
}

int
logwatch_restore_alert(struct daemon *d, const struct store_alert *sa)
{
	enum finding_id	 id = finding_lookup(sa->finding);
	size_t		 i;

	for (i = 0; i < d->nlogs; i++) {
		struct logwatch	*w = d->logs[i];

		if (w == NULL || strcmp(w->target, sa->target) != 0 ||
		    id == F_COUNT)
			continue;
		alert_restore(&w->alerts, sa->host, sa->addr, 0, id, 1,
		    w->cfg.alert_after, 0, sa->severity, sa->evidence,
		    sa->since, sa->since, sa->notified);
		return 1;
	}
	return 0;
}

/* Judge the window: a finding per (domain, cause) over the threshold. */
static void
lw_judge(struct logwatch *w, int64_t now)
{
	struct finding_list	 fl;
	struct alert_params	 ap;
	const struct finding_def *fd;
	char			 win[32];
	uint64_t		 n;
	size_t			 i;
	int			 sev;

	memset(&fl, 0, sizeof(fl));
	value_duration_str(w->cfg.alert_window_ms, win, sizeof(win));
	for (i = 0; i < w->nkeys; i++) {
		const struct lw_key *k = &w->keys[i];
		const struct lw_key *all;
		uint64_t	 tries;

		if (k->cause == F_COUNT ||
		    (n = key_count(w, k, now)) < (uint64_t)w->cfg.alert_count)
			continue;
		if (w->cfg.alert_ratio > 0) {
			/* also this share of the domain's attempts */
			all = key_find(w, k->dir, k->domain, F_COUNT);
			tries = all ? key_count(w, all, now) : 0;
			if (tries > 0 && n * 100 < tries *
			    (uint64_t)w->cfg.alert_ratio)
				continue;
		}
		fd = finding_def(k->cause);
		sev = fd->severity < SEV_WARN ? SEV_WARN : (int)fd->severity;
		/* the address is the direction: a key of its own */
		(void)finding_add(&fl, k->cause, sev, k->domain,
		    logsum_dir_name(k->dir), 0,
		    "count=%llu window=%s sample=\"%s\"",
		    (unsigned long long)n, win, k->sample);
	}
	memset(&ap, 0, sizeof(ap));
	ap.raise_after = w->cfg.alert_after;
	ap.clear_after = w->cfg.clear_after;
	ap.renotify = 0;
	alert_observe(&w->alerts, &fl, NULL, &ap, now / 1000, on_alert, w);
	finding_list_free(&fl);
}

static void
lw_tick(evutil_socket_t fd, short what, void *arg)
{
	struct logwatch		*w = arg;
	enum logtail_status	 st;
	const char		*line, *cause;
	size_t			 len;
	int64_t			 now = wall_ms();
	int			 n;

	(void)fd;
	(void)what;
	for (n = 0; n < LW_LINES_PER_TICK; n++) {
		st = w->jr != NULL ? logjournal_next(w->jr, &line, &len,
		    &cause) : logtail_next(w->tail, &line, &len, &cause);
		if (st == LOGTAIL_AGAIN)
			break;
		if (st == LOGTAIL_GONE) {
			log_warnx("log %s: %s", w->name, cause);
			break;
		}
		if (st == LOGTAIL_TOO_LONG) {
			w->lines++;
			w->unparsable++;
			continue;
		}
		lw_line(w, line, len, now);
	}
	lw_flush(w);
	if (now >= w->next_judge) {
		lw_judge(w, now);
		w->next_judge = now + w->cfg.interval_ms;
	}
}

static void
lw_free(struct logwatch *w)
{
	int	 i;

	if (w == NULL)
		return;
	if (w->ev != NULL)
		event_free(w->ev);
	if (w->tail != NULL || w->jr != NULL) {
		lw_flush(w);
		logtail_close(w->tail);
		logjournal_close(w->jr);
	}
	pend_clear(w);
	free(w->pend);
	free(w->slots);
	for (i = 0; i < w->cfg.ndomains; i++)
		free(w->domains[i]);
	free(w->domains);
	mdom_clear(w);
	alert_set_free(&w->alerts);
	free(w->keys);
	free(w->name);
	free(w->path);
	free(w);
}

/* A stored minute into the window, as if read at its last second. */
struct lw_seed {
	struct logwatch	*w;
	int64_t		 now;		/* wall ms */
	size_t		 rows;
};

static int
lw_seed_row(const struct store_log_count *c, void *arg)
{
	struct lw_seed	*sd = arg;
	struct logwatch	*w = sd->w;
	struct lw_key	*k;
	enum maillog_dir dir;
	enum finding_id	 cause;
	int64_t		 t = c->minute * 1000 + 59999;
	uint32_t	 n = c->count > UINT32_MAX ? UINT32_MAX :
			    (uint32_t)(c->count < 0 ? 0 : c->count);

	sd->rows++;
	if (t > sd->now)
		t = sd->now;
	if (t <= sd->now - w->cfg.alert_window_ms || n == 0)
		return 0;
	dir = strcmp(c->direction, "out") == 0 ? MAILLOG_DIR_OUT :
	    strcmp(c->direction, "in") == 0 ? MAILLOG_DIR_IN : MAILLOG_DIR_NONE;
	if (dir == MAILLOG_DIR_NONE || !domain_wanted(w, c->domain))
		return 0;
	cause = c->cause[0] == '\0' ? F_COUNT : finding_lookup(c->cause);
	if (w->cfg.alert_ratio > 0 && strcmp(c->status, "verdict") != 0 &&
	    (k = key_get(w, dir, c->domain, F_COUNT)) != NULL)
		bump_n(k, t, slice_ms(w), n);
	if (cause == F_COUNT || (k = key_get(w, dir, c->domain, cause)) ==
	    NULL)
		return 0;
	bump_n(k, t, slice_ms(w), n);
	/* newest first: the first sample met is the latest */
	if (k->sample[0] == '\0' && c->sample != NULL)
		util_strlcpy(k->sample, c->sample, sizeof(k->sample));
	return 0;
}

/*
 * The window as the stored minutes have it, newest first, at most
 * LW_SEED_ROWS of them: what was read before a restart still counts.
 */
static void
lw_seed(struct logwatch *w)
{
	struct store_log_cursor	 cur;
	struct lw_seed		 sd = { w, wall_ms(), 0 };
	int64_t			 since;
	char			*cause = NULL;

	if (w->d->store == NULL)
		return;
	since = (sd.now - w->cfg.alert_window_ms) / 1000 - 60;
	memset(&cur, 0, sizeof(cur));
	while (!cur.done && sd.rows < LW_SEED_ROWS)
		if (store_log_read(w->d->store, w->name, since, 0, 1, &cur,
		    1000, lw_seed_row, &sd, &cause) == -1) {
			log_warnx("log %s: the window is not seeded from the "
			    "store: %s", w->name, cause ? cause : "?");
			free(cause);
			return;
		}
	if (sd.rows > 0)
		log_debug("log %s: window seeded from %zu stored minutes",
		    w->name, sd.rows);
}

/* What a section follows, as the store names it: the file, or the
   journal ("journal", "journal:DIR"). */
static void
lw_source(const struct conf_log *cl, char *buf, size_t sz)
{
	if (cl->nidents == 0)
		util_strlcpy(buf, cl->path, sz);
	else if (cl->journal_dir != NULL)
		snprintf(buf, sz, "journal:%s", cl->journal_dir);
	else
		util_strlcpy(buf, "journal", sz);
}

static void
lw_idents(const struct conf_log *cl, char *buf, size_t sz)
{
	int	 i;

	buf[0] = '\0';
	for (i = 0; i < cl->nidents; i++)
		snprintf(buf + strlen(buf), sz - strlen(buf), "%s%s",
		    i ? " " : "", cl->idents[i]);
}

/*
 * Where to go on, into *pos: the store's position of this source; else,
 * once, the position file of the previous version (a file's); else
 * nothing (-1): the file's or the journal's end (a new follower does
 * not read the past).
 */
static int
lw_start_pos(struct logwatch *w, struct store_log_pos *pos)
{
	struct logtail_pos	 lp;
	char			*cause = NULL;
	int			 got = 0;

	if (w->d->store != NULL &&
	    (got = store_log_position(w->d->store, w->name, pos, &cause)) ==
	    -1) {
		log_warnx("log %s: cannot read its position from the store: "
		    "%s", w->name, cause ? cause : "?");
		free(cause);
	}
	if (got == 1 && strcmp(pos->source, w->path) == 0) {
		w->saved = *pos;	/* nothing to write until it moves */
		/* a file left by the previous version is stale now */
		(void)unlink(w->posfile);
		return 0;
	}
	if (got == 1)
		log_info("log %s: the stored position is of %s, not of %s",
		    w->name, pos->source, w->path);
	memset(pos, 0, sizeof(*pos));
	if (w->cfg.nidents == 0 && pos_load(w->posfile, &lp) == 0) {
		log_info("log %s: going on from %s, read once: the store keeps "
		    "the position from now on", w->name, w->posfile);
		pos->dev = lp.dev;
		pos->ino = lp.ino;
		pos->off = lp.off;
		w->migrate = 1;
		return 0;
	}
	return -1;
}

/* Open the follower of the file or the journal, from pos or the end. */
static int
lw_open_src(struct logwatch *w, const struct store_log_pos *pos)
{
	struct logtail_pos	 lp;

	if (w->cfg.nidents > 0) {
		w->jr = logjournal_open(w->cfg.journal_dir, w->cfg.idents,
		    w->cfg.nidents, pos != NULL ? pos->cursor : NULL);
		return w->jr != NULL ? 0 : -1;
	}
	if (pos != NULL) {
		lp.dev = pos->dev;
		lp.ino = pos->ino;
		lp.off = pos->off;
	}
	w->tail = logtail_open(w->path, pos != NULL ? &lp : NULL);
	return w->tail != NULL ? 0 : -1;
}

static struct logwatch *
lw_new(struct daemon *d, const struct conf *c, const struct conf_log *cl)
{
	struct logwatch		*w;
	struct store_log_pos	 pos;
	struct timeval		 tv = { 1, 0 };
	char			 src[STORE_LOG_SOURCE_MAX + 1];
	int			 i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->d = d;
	w->cfg = *cl;
	alert_set_init(&w->alerts);
	lw_source(cl, src, sizeof(src));
	lw_idents(cl, w->idents, sizeof(w->idents));
	if ((w->name = strdup(cl->name)) == NULL ||
	    (w->path = strdup(src)) == NULL ||
	    (w->domains = calloc((size_t)cl->ndomains + 1,
	    sizeof(*w->domains))) == NULL)
		goto fail;
	for (i = 0; i < cl->ndomains; i++)
		if ((w->domains[i] = strdup(cl->domains[i])) == NULL) {
			w->cfg.ndomains = i;
			goto fail;
		}
	snprintf(w->target, sizeof(w->target), "log:%s", cl->name);
	snprintf(w->posfile, sizeof(w->posfile), "%s/log-%s.pos",
	    c->daemon.state_dir, cl->name);
	if (lw_open_src(w, lw_start_pos(w, &pos) == 0 ? &pos : NULL) == -1)
		goto fail;
	lw_forget_conf(w);
	/*
	 * A position not from the store goes there at once (a migrated
	 * one, then its file is removed; a new follower's end of file, so
	 * that a restart before the first line still goes on from here).
	 */
	lw_flush(w);
	lw_seed(w);
	w->next_judge = wall_ms() + w->cfg.interval_ms;
	if ((w->ev = event_new(d->base, -1, EV_PERSIST, lw_tick, w)) == NULL ||
	    event_add(w->ev, &tv) == -1)
		goto fail;
	if (w->jr != NULL)
		log_info("log %s: following the journal%s%s: %s", w->name,
		    cl->journal_dir ? " in " : "",
		    cl->journal_dir ? cl->journal_dir : "", w->idents);
	else
		log_info("log %s: following %s", w->name, w->path);
	return w;
fail:
	lw_free(w);
	return NULL;
}

/*
 * The configuration's strings go with its generation: the follower
 * keeps copies of what it needs (name, source, domains, identifiers).
 */
static void
lw_forget_conf(struct logwatch *w)
{
	int	 i;

	w->cfg.path = NULL;
	w->cfg.journal_dir = NULL;
	for (i = 0; i < CONF_LOG_IDENTS_MAX; i++)
		w->cfg.idents[i] = NULL;
	for (i = 0; i < CONF_LOG_DOMAINS_MAX; i++)
		w->cfg.domains[i] = NULL;
}

/*
 * Other identifiers for the same journal: the follower is opened again
 * with them from where it is (its counts handed to the store first).
 */
static int
lw_reidents(struct logwatch *w, const struct conf_log *cl)
{
	struct logjournal	*jr;
	char			 ids[sizeof(w->idents)];

	lw_idents(cl, ids, sizeof(ids));
	if (w->jr == NULL || strcmp(ids, w->idents) == 0)
		return 0;
	lw_flush(w);
	if ((jr = logjournal_open(cl->journal_dir, cl->idents, cl->nidents,
	    logjournal_cursor(w->jr))) == NULL)
		return -1;
	logjournal_close(w->jr);
	w->jr = jr;
	util_strlcpy(w->idents, ids, sizeof(w->idents));
	log_info("log %s: following the journal's %s", w->name, w->idents);
	return 0;
}

/* Take the domains of a new configuration (ours are copies). */
static int
lw_domains(struct logwatch *w, const struct conf_log *cl)
{
	char	**nd;
	int	  i, same;

	if ((nd = calloc((size_t)cl->ndomains + 1, sizeof(*nd))) == NULL)
		return -1;
	for (i = 0; i < cl->ndomains; i++)
		if ((nd[i] = strdup(cl->domains[i])) == NULL) {
			while (i-- > 0)
				free(nd[i]);
			free(nd);
			return -1;
		}
	/* other domains, other labels (each series gone starts again) */
	same = cl->ndomains == w->cfg.ndomains;
	for (i = 0; same && i < cl->ndomains; i++)
		same = strcmp(nd[i], w->domains[i]) == 0;
	if (!same)
		mdom_clear(w);
	for (i = 0; i < w->cfg.ndomains; i++)
		free(w->domains[i]);
	free(w->domains);
	w->domains = nd;
	return 0;
}

int
logwatch_install(struct daemon *d, const struct conf *c)
{
	struct logwatch	**nv, *w;
	char		  src[STORE_LOG_SOURCE_MAX + 1];
	size_t		  i, j;

	if ((nv = calloc(c->nlogs + 1, sizeof(*nv))) == NULL)
		return -1;
	for (i = 0; i < c->nlogs; i++) {
		const struct conf_log *cl = &c->logs[i];

		/* the same name and source: keep the follower and alerts */
		lw_source(cl, src, sizeof(src));
		for (j = 0; j < d->nlogs; j++) {
			w = d->logs[j];
			if (w != NULL && strcmp(w->name, cl->name) == 0 &&
			    strcmp(w->path, src) == 0 &&
			    lw_domains(w, cl) == 0) {
				w->cfg = *cl;
				lw_forget_conf(w);
				(void)lw_reidents(w, cl);
				nv[i] = w;
				d->logs[j] = NULL;
				break;
			}
		}
		if (nv[i] == NULL && (nv[i] = lw_new(d, c, cl)) == NULL)
			log_warnx("log %s: cannot follow %s", cl->name, src);
	}
	for (j = 0; j < d->nlogs; j++)
		if (d->logs[j] != NULL) {
			alert_withdraw_all(&d->logs[j]->alerts,
			    wall_ms() / 1000, on_alert, d->logs[j]);
			lw_free(d->logs[j]);
		}
	free(d->logs);
	d->logs = nv;
	d->nlogs = c->nlogs;
	return 0;
}

int
logwatch_fds(const struct conf *c)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < c->nlogs; i++)
		n += c->logs[i].nidents > 0 ? LOGWATCH_JOURNAL_FDS : 2;
	return n;
}

const char *
logwatch_name(struct daemon *d, size_t i)
{
	return i < d->nlogs && d->logs[i] != NULL ? d->logs[i]->name : NULL;
}

void
logwatch_free(struct daemon *d)
{
	size_t	 i;

	logquery_free_all();
	for (i = 0; i < d->nlogs; i++)
		lw_free(d->logs[i]);
	free(d->logs);
	d->logs = NULL;
	d->nlogs = 0;
}

void
logwatch_json(struct daemon *d, json_t *out)
{
	size_t	 i, j;
	int64_t	 now = wall_ms();

	for (i = 0; i < d->nlogs; i++) {
		struct logwatch	*w = d->logs[i];
		json_t		*jl, *arr;

		if (w == NULL)
			continue;
		arr = json_array();
		for (j = 0; j < w->nkeys; j++) {
			const struct lw_key *k = &w->keys[j];
			uint64_t	 n = key_count(w, k, now);

			if (n == 0 || k->cause == F_COUNT)
				continue;
			json_array_append_new(arr, json_pack(
			    "{s:s,s:s,s:s,s:I,s:s}", "direction",
			    logsum_dir_name(k->dir), "domain", k->domain,
			    "cause", finding_def(k->cause)->id, "count",
			    (json_int_t)n, "sample", k->sample));
		}
		jl = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:o}", "log", w->name,
		    "path", w->path, "lines", (json_int_t)w->lines,
		    "failures", (json_int_t)w->failures, "unparsable",
		    (json_int_t)w->unparsable, "window_s",
		    (json_int_t)(w->cfg.alert_window_ms / 1000), "window", arr);
		json_array_append_new(out, jl);
	}
}

static int
key_cmp_count(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a >> 32, y = *(const uint64_t *)b >> 32;

	return x > y ? -1 : x < y;
}

/* smtprobe_log_deliveries_total of one domain label, out and in. */
static void
deliveries_samples(struct evbuffer *o, const struct logwatch *w,
    const char *domain, lw_counts_t counts[2])
{
	int	 dir, st, c;

	for (dir = 1; dir <= 2; dir++)
		for (st = 1; st < MAILLOG_ST_COUNT; st++)
			for (c = 0; c <= F_COUNT; c++) {
				const char *l[] = { "log", w->name,
				    "direction", logsum_dir_name(
				    (enum maillog_dir)dir), "domain", domain,
				    "status", maillog_status_name(
				    (enum maillog_status)st), "cause",
				    c == F_COUNT ? "none" : finding_def(
				    (enum finding_id)c)->id, NULL };

				if (counts[dir - 1][st][c] != 0)
					metrics_sample(o,
					    "smtprobe_log_deliveries_total", l,
					    (double)counts[dir - 1][st][c]);
			}
}

/*
 * The metrics of the followed logs: lines read, deliveries by direction,
 * domain, status and cause since the start (the domain label that of
 * struct lw_mdom), the open alerts, and the window's failures by domain,
 * with a bounded domain label: the configured domains, or the 20
 * domains with most failures and "other" for the rest.
 */
void
logwatch_metrics(struct daemon *d, struct evbuffer *o)
{
	size_t	 i, j;
	int	 dir, st, c;
	int64_t	 now = wall_ms();

	/* the families are there without [log] too: rules can name them */
	metrics_family(o, "smtprobe_log_lines_total", "counter",
	    "Lines read from the MTA log of a [log] section");
	for (i = 0; i < d->nlogs; i++) {
		const char *l[] = { "log", d->logs[i] ? d->logs[i]->name : "",
		    NULL };

		if (d->logs[i] != NULL)
			metrics_sample(o, "smtprobe_log_lines_total", l,
			    (double)d->logs[i]->lines);
	}
	metrics_family(o, "smtprobe_log_deliveries_total", "counter",
	    "Deliveries, refusals and verdicts read, by direction, domain "
	    "(bounded), status and cause (none for a success)");
	for (i = 0; i < d->nlogs; i++) {
		struct logwatch	*w = d->logs[i];
		lw_counts_t	*rest;

		if (w == NULL)
			continue;
		/* the labelled domains, then "other": the rest of the counts */
		if ((rest = calloc(2, sizeof(*rest))) == NULL)
			continue;
		for (dir = 1; dir <= 2; dir++)
			memcpy(rest[dir - 1], w->counts[dir], sizeof(*rest));
		for (j = 0; j < w->nmdoms; j++) {
			deliveries_samples(o, w, w->mdoms[j]->domain,
			    w->mdoms[j]->counts);
			for (dir = 0; dir < 2; dir++)
				for (st = 0; st < MAILLOG_ST_COUNT; st++)
					for (c = 0; c <= F_COUNT; c++)
						rest[dir][st][c] -= w->mdoms[j]->
						    counts[dir][st][c];
		}
		deliveries_samples(o, w, "other", rest);
		free(rest);
	}
	/* the daemon's own [log] alerts: what the alert rule follows, so
	   that it fires with log-alert's threshold and hysteresis */
	metrics_family(o, "smtprobe_log_alert", "gauge",
	    "1 while a [log] section's alert is open, by direction, domain, "
	    "cause and severity");
	for (i = 0; i < d->nlogs; i++) {
		struct logwatch	*w = d->logs[i];
		struct alert	*a;

		if (w == NULL)
			continue;
		LIST_FOREACH(a, &w->alerts.alerts, entry) {
			const char *l[] = { "log", w->name, "direction",
			    a->addr, "domain", a->host, "cause",
			    finding_def(a->id)->id, "severity",
			    finding_severity_name(a->severity), NULL };

			if (a->open)
				metrics_sample(o, "smtprobe_log_alert", l, 1);
		}
	}
	metrics_family(o, "smtprobe_log_window_failures", "gauge",
	    "Failures of a domain and cause in the window of log-alert");
	for (i = 0; i < d->nlogs; i++) {
		struct logwatch	*w = d->logs[i];
		uint64_t	*order, other[3][F_COUNT];
		size_t		 shown;

		if (w == NULL || w->nkeys == 0)
			continue;
		/* count << 32 | key index, most first */
		if ((order = calloc(w->nkeys, sizeof(*order))) == NULL)
			continue;
		for (j = 0; j < w->nkeys; j++)
			order[j] = key_count(w, &w->keys[j], now) << 32 | j;
		qsort(order, w->nkeys, sizeof(*order), key_cmp_count);
		memset(other, 0, sizeof(other));
		shown = 0;
		for (j = 0; j < w->nkeys; j++) {
			const struct lw_key *k = &w->keys[order[j] & 0xffffffff];
			uint64_t	 n = order[j] >> 32;
			const char	*l[] = { "log", w->name, "direction",
			    logsum_dir_name(k->dir), "domain", k->domain,
			    "cause", k->cause == F_COUNT ? "" :
			    finding_def(k->cause)->id, NULL };

			if (n == 0 || k->cause == F_COUNT)
				continue;
			if (w->cfg.ndomains == 0 && shown >= LW_METRIC_DOMAINS) {
				other[k->dir][k->cause] += n;
				continue;
			}
			shown++;
			metrics_sample(o, "smtprobe_log_window_failures", l,
			    (double)n);
		}
		for (dir = 1; dir <= 2; dir++)
			for (c = 0; c < F_COUNT; c++) {
				const char *l[] = { "log", w->name, "direction",
				    logsum_dir_name((enum maillog_dir)dir),
				    "domain", "other", "cause",
				    finding_def((enum finding_id)c)->id, NULL };

				if (other[dir][c] == 0)
					continue;
				metrics_sample(o, "smtprobe_log_window_failures",
				    l, (double)other[dir][c]);
			}
		free(order);
	}
}
