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
 * domain as its host, and the usual alert model (lib/alert.c) raises and
 * clears its alerts, ALERT and RECOVERED lines like any target's.
 *
 * The read position (device, inode, offset) is kept in STATE_DIR/
 * log-NAME.pos, written after each batch, so a restart neither re-reads
 * nor skips lines.
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

#include "log.h"
#include "logsum.h"
#include "logtail.h"
#include "maillog.h"
#include "metrics.h"
#include "smtprobed.h"
#include "util.h"
#include "value.h"

#define LW_LINES_PER_TICK	20000
#define LW_KEYS_MAX		2000	/* (direction, domain, cause) kept */
#define LW_BUCKETS		60	/* a window in 60 slices */

struct lw_key {
	enum maillog_dir dir;
	char		 domain[LOGSUM_NAME_MAX + 1];
	enum finding_id	 cause;
	int64_t		 stamp[LW_BUCKETS];	/* slice start, ms */
	uint32_t	 count[LW_BUCKETS];
	char		 sample[LOGSUM_SAMPLE_MAX + 1];
};

struct logwatch {
	struct daemon	*d;
	char		*name;
	char		*path;
	char		 target[80];		/* "log:NAME" */
	char		 posfile[PATH_MAX];
	struct conf_log	 cfg;			/* strings below are ours */
	char		**domains;
	struct logtail	*tail;
	struct event	*ev;
	int64_t		 next_judge;		/* wall ms */
	struct lw_key	*keys;
	size_t		 nkeys;
	struct alert_set alerts;
	struct logtail_pos saved;
	uint64_t	 lines, failures, unparsable;
	uint64_t	 status[3][MAILLOG_ST_COUNT];	/* by direction */
	/* deliveries since the start by direction, status and cause
	   (F_COUNT: none, a success) for the metrics */
	uint64_t	 counts[3][MAILLOG_ST_COUNT][F_COUNT + 1];
};

static int64_t
wall_ms(void)
{
	return util_wall() * 1000;
}

static void
pos_save(struct logwatch *w)
{
	struct logtail_pos	 pos;
	char			 tmp[PATH_MAX + 8];
	FILE			*f;

	logtail_pos(w->tail, &pos);
	if (memcmp(&pos, &w->saved, sizeof(pos)) == 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", w->posfile);
	if ((f = fopen(tmp, "w")) == NULL) {
		log_warn("%s", tmp);
		return;
	}
	fprintf(f, "%llu %llu %llu\n", (unsigned long long)pos.dev,
	    (unsigned long long)pos.ino, (unsigned long long)pos.off);
	if (fclose(f) != 0 || rename(tmp, w->posfile) == -1) {
		log_warn("%s", w->posfile);
		unlink(tmp);
		return;
	}
	w->saved = pos;
}

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
	size_t	 n = strlen(dom), i, k;

	if (w->cfg.ndomains == 0)
		return 1;
	for (i = 0; i < (size_t)w->cfg.ndomains; i++) {
		k = strlen(w->domains[i]);
		if (n >= k && strcasecmp(dom + n - k, w->domains[i]) == 0 &&
		    (n == k || dom[n - k - 1] == '.'))
			return 1;
	}
	return 0;
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

/* Count one in the slice of now. */
static void
bump(struct lw_key *k, int64_t now, int64_t sl)
{
	int64_t	 start = now - now % sl;
	size_t	 b = (size_t)((now / sl) % LW_BUCKETS);

	if (k->stamp[b] != start) {
		k->stamp[b] = start;
		k->count[b] = 0;
	}
	k->count[b]++;
}

/* One line of the log. */
static void
lw_line(struct logwatch *w, const char *line, size_t len, int64_t now)
{
	struct maillog_event	 ev;
	struct maillog_str	 ds;
	struct lw_key		*k;
	const char		*src, *rem, *url;
	enum finding_id		 cause;
	char			 dom[LOGSUM_NAME_MAX + 1];
	int64_t			 sl;
	size_t			 i;

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
	if (!domain_wanted(w, dom))
		return;
	if (ev.dir <= MAILLOG_DIR_IN && ev.status < MAILLOG_ST_COUNT)
		w->status[ev.dir][ev.status]++;
	cause = logsum_cause(&ev, &src, &rem, &url);
	if (ev.dir <= MAILLOG_DIR_IN && ev.status < MAILLOG_ST_COUNT)
		w->counts[ev.dir][ev.status][cause]++;
	sl = slice_ms(w);
	/* every attempt of the domain, for log-alert-ratio (cause F_COUNT) */
	if (w->cfg.alert_ratio > 0 && ev.kind != MAILLOG_KIND_VERDICT &&
	    (k = key_get(w, ev.dir, dom, F_COUNT)) != NULL)
		bump(k, now, sl);
	if (cause == F_COUNT)
		return;
	w->failures++;
	if ((k = key_get(w, ev.dir, dom, cause)) == NULL)
		return;
	bump(k, now, sl);
	if (ev.code)
		snprintf(k->sample, sizeof(k->sample), "%d %.*s%s%.*s",
		    ev.code, (int)ev.enh.len, ev.enh.p ? ev.enh.p : "",
		    ev.enh.len ? " " : "", (int)(ev.reply.len > 256 ? 256 :
		    ev.reply.len), ev.reply.p ? ev.reply.p : "");
	else
		util_sanitize_buf(k->sample, sizeof(k->sample),
		    ev.detail.p ? ev.detail.p : "", ev.detail.len);
}

static void
on_alert(const struct alert *a, enum alert_event ev, int64_t now, void *arg)
{
	struct logwatch	*w = arg;
	char		 line[1024];

	alert_format(a, ev, w->target, now, line, sizeof(line));
	if (w->d->debug)
		log_info("%s", line);
	else
		syslog(ev == ALERT_CLEARED ? LOG_NOTICE : LOG_WARNING, "%s", line);
	if (ev == ALERT_RAISED)
		w->d->alerts_raised++;
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
		(void)finding_add(&fl, k->cause, sev, k->domain, NULL, 0,
		    "direction=%s count=%llu window=%s sample=\"%s\"",
		    logsum_dir_name(k->dir), (unsigned long long)n, win,
		    k->sample);
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
		st = logtail_next(w->tail, &line, &len, &cause);
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
	pos_save(w);
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
	if (w->tail != NULL) {
		pos_save(w);
		logtail_close(w->tail);
	}
	for (i = 0; i < w->cfg.ndomains; i++)
		free(w->domains[i]);
	free(w->domains);
	alert_set_free(&w->alerts);
	free(w->keys);
	free(w->name);
	free(w->path);
	free(w);
}

static struct logwatch *
lw_new(struct daemon *d, const struct conf *c, const struct conf_log *cl)
{
	struct logwatch		*w;
	struct logtail_pos	 pos;
	struct timeval		 tv = { 1, 0 };
	int			 i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->d = d;
	w->cfg = *cl;
	alert_set_init(&w->alerts);
	if ((w->name = strdup(cl->name)) == NULL ||
	    (w->path = strdup(cl->path)) == NULL ||
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
	w->tail = logtail_open(w->path, pos_load(w->posfile, &pos) == 0 ?
	    &pos : NULL);
	if (w->tail == NULL)
		goto fail;
	logtail_pos(w->tail, &w->saved);
	w->next_judge = wall_ms() + w->cfg.interval_ms;
	if ((w->ev = event_new(d->base, -1, EV_PERSIST, lw_tick, w)) == NULL ||
	    event_add(w->ev, &tv) == -1)
		goto fail;
	log_info("log %s: following %s", w->name, w->path);
	return w;
fail:
	lw_free(w);
	return NULL;
}

/* Take the domains of a new configuration (ours are copies). */
static int
lw_domains(struct logwatch *w, const struct conf_log *cl)
{
	char	**nd;
	int	  i;

	if ((nd = calloc((size_t)cl->ndomains + 1, sizeof(*nd))) == NULL)
		return -1;
	for (i = 0; i < cl->ndomains; i++)
		if ((nd[i] = strdup(cl->domains[i])) == NULL) {
			while (i-- > 0)
				free(nd[i]);
			free(nd);
			return -1;
		}
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
	size_t		  i, j;

	if ((nv = calloc(c->nlogs + 1, sizeof(*nv))) == NULL)
		return -1;
	for (i = 0; i < c->nlogs; i++) {
		const struct conf_log *cl = &c->logs[i];

		/* the same name and file: keep the follower and its alerts */
		for (j = 0; j < d->nlogs; j++) {
			w = d->logs[j];
			if (w != NULL && strcmp(w->name, cl->name) == 0 &&
			    strcmp(w->path, cl->path) == 0 &&
			    lw_domains(w, cl) == 0) {
				w->cfg = *cl;
				nv[i] = w;
				d->logs[j] = NULL;
				break;
			}
		}
		if (nv[i] == NULL && (nv[i] = lw_new(d, c, cl)) == NULL)
			log_warnx("log %s: cannot follow %s", cl->name,
			    cl->path);
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

void
logwatch_free(struct daemon *d)
{
	size_t	 i;

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

#define LW_METRIC_DOMAINS	20	/* domain labels of a log, the rest
					   is "other" (unless configured) */

static int
key_cmp_count(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a >> 32, y = *(const uint64_t *)b >> 32;

	return x > y ? -1 : x < y;
}

/*
 * The metrics of the followed logs: lines read, deliveries by direction,
 * status and cause since the start, and the window's failures by domain,
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
	    "Deliveries, refusals and verdicts read, by direction, status and "
	    "cause (none for a success)");
	for (i = 0; i < d->nlogs; i++) {
		struct logwatch	*w = d->logs[i];

		if (w == NULL)
			continue;
		for (dir = 1; dir <= 2; dir++)
			for (st = 1; st < MAILLOG_ST_COUNT; st++)
				for (c = 0; c <= F_COUNT; c++) {
					const char *l[] = { "log", w->name,
					    "direction", logsum_dir_name(
					    (enum maillog_dir)dir), "status",
					    maillog_status_name(
					    (enum maillog_status)st), "cause",
					    c == F_COUNT ? "none" :
					    finding_def((enum finding_id)c)->id,
					    NULL };

					if (w->counts[dir][st][c] == 0)
						continue;
					metrics_sample(o,
					    "smtprobe_log_deliveries_total", l,
					    (double)w->counts[dir][st][c]);
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
