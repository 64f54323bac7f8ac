/*
 * logquery.c - the control command logs: what the followed MTA logs
 * showed, from the store's minutes (log_minutes), so that the answer
 * covers what the store retains, across restarts, and not only what
 * was read since the daemon started.
 *
 * The minutes are read LQ_PAGE rows at a time, one page per turn of the
 * loop (a zero timer), so a long range never holds up the probes; every
 * page is one short read transaction (store_log_read). Each (direction,
 * domain, status, cause) is added up in a table of at most
 * LQ_GROUPS_MAX keys, the domains past it counted as "other". When the
 * last log has been read the reply is made: per log what logwatch_json
 * says of it now (lines read, the window) and "stored": its domains,
 * most failed first, each with its events by status and its causes.
 * At most LQ_JOBS_MAX queries run at once; a client that went away
 * loses its reply (ctl_reply drops it), the query still ends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "ctl.h"
#include "log.h"
#include "smtprobed.h"
#include "store.h"
#include "util.h"

#define LQ_PAGE		2000		/* rows read per turn of the loop */
#define LQ_GROUPS_MAX	10000		/* keys added up per log */
#define LQ_SLOTS	32768		/* hash slots, a power of 2 */
#define LQ_JOBS_MAX	4		/* queries at once */
#define LQ_LIMIT	100		/* domains per log, by default */
#define LQ_LIMIT_MAX	1000

struct lq_group {
	char		 dir[4];
	char		 status[16];
	char		 cause[64];
	char		*domain;
	uint64_t	 count;
	int64_t		 first, last;	/* minutes */
	char		*sample;	/* of the latest minute that had one */
	int64_t		 sample_at;
};

struct logquery {
	struct daemon		*d;
	struct ctl_server	*srv;
	uint64_t		 id;		/* the client */
	struct event		*ev;
	int64_t			 since, until;
	char			 domain[STORE_LOG_DOMAIN_MAX + 1]; /* "": all */
	int			 limit;
	char			 only[80];	/* the log asked for, or "" */
	char			**names;	/* the logs to read */
	size_t			 nnames, cur;	/* the log being read */
	struct store_log_cursor	 pos;
	json_t			*stored;	/* name -> its "stored" */
	struct lq_group		*g;
	size_t			 ng;
	uint32_t		*slots;
	uint64_t		 rows, folded;
	size_t			 bytes_left;	/* of the reply's domains, all
						   logs together */
	char			*error;		/* the store could not be read */
	struct logquery		*next;
};

static struct logquery	*queries;	/* running */
static int		 nqueries;

static void
lq_groups_clear(struct logquery *q)
{
	size_t	 i;

	for (i = 0; i < q->ng; i++) {
		free(q->g[i].domain);
		free(q->g[i].sample);
	}
	q->ng = 0;
	q->rows = q->folded = 0;
	memset(q->slots, 0, LQ_SLOTS * sizeof(*q->slots));
}

static void
lq_free(struct logquery *q)
{
	struct logquery	**pp;
	size_t		  i;

	for (pp = &queries; *pp != NULL; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			nqueries--;
			break;
		}
	if (q->ev != NULL)
		event_free(q->ev);
	if (q->slots != NULL)
		lq_groups_clear(q);
	for (i = 0; i < q->nnames; i++)
		free(q->names[i]);
	free(q->names);
	free(q->g);
	free(q->slots);
	free(q->error);
	json_decref(q->stored);
	free(q);
}

static int
domain_in(const char *dom, const char *want)
{
	size_t	 n = strlen(dom), k = strlen(want);

	return want[0] == '\0' || (n >= k && strcasecmp(dom + n - k, want) ==
	    0 && (n == k || dom[n - k - 1] == '.'));
}

static struct lq_group *
lq_group(struct logquery *q, const struct store_log_count *c,
    const char *dom)
{
	struct lq_group	*g;
	uint64_t	 h;
	size_t		 i;
	int		 again = 1;

	for (;;) {
		h = util_hash64(dom, strlen(dom)) ^
		    util_hash64(c->cause, strlen(c->cause)) * 31 ^
		    util_hash64(c->status, strlen(c->status)) * 7 ^
		    (uint64_t)(c->direction[0] == 'i');
		for (i = h & (LQ_SLOTS - 1); q->slots[i] != 0;
		    i = (i + 1) & (LQ_SLOTS - 1)) {
			g = &q->g[q->slots[i] - 1];
			if (strcmp(g->domain, dom) == 0 &&
			    strcmp(g->cause, c->cause) == 0 &&
			    strcmp(g->status, c->status) == 0 &&
			    strcmp(g->dir, c->direction) == 0)
				return g;
		}
		/* "other" has room kept: a key per (direction, status,
		   cause) at most, fewer than the slots left over */
		if (q->ng < LQ_GROUPS_MAX - 1000 || (!again && q->ng <
		    LQ_GROUPS_MAX))
			break;
		if (!again)
			return NULL;
		q->folded++;
		dom = "other";
		again = 0;
	}
	g = &q->g[q->ng];
	memset(g, 0, sizeof(*g));
	if ((g->domain = strdup(dom)) == NULL)
		return NULL;
	util_strlcpy(g->dir, c->direction, sizeof(g->dir));
	util_strlcpy(g->status, c->status, sizeof(g->status));
	util_strlcpy(g->cause, c->cause, sizeof(g->cause));
	g->first = c->minute;
	q->slots[i] = (uint32_t)++q->ng;
	return g;
}

static int
lq_row(const struct store_log_count *c, void *arg)
{
	struct logquery	*q = arg;
	struct lq_group	*g;

	q->rows++;
	if (!domain_in(c->domain, q->domain))
		return 0;
	if ((g = lq_group(q, c, c->domain)) == NULL)
		return 0;
	g->count += c->count > 0 ? (uint64_t)c->count : 0;
	if (c->minute < g->first)
		g->first = c->minute;
	if (c->minute > g->last)
		g->last = c->minute;
	if (c->sample != NULL && (g->sample == NULL ||
	    c->minute >= g->sample_at)) {
		free(g->sample);
		g->sample = strdup(c->sample);
		g->sample_at = c->minute;
	}
	return 0;
}

static int
cmp_dir_domain(const void *a, const void *b)
{
	const struct lq_group *x = *(const struct lq_group *const *)a;
	const struct lq_group *y = *(const struct lq_group *const *)b;
	int	 c;

	if ((c = strcmp(x->dir, y->dir)) != 0)
		return -c;		/* "out" first */
	if ((c = strcmp(x->domain, y->domain)) != 0)
		return c;
	/* a domain's causes: most first */
	return x->count < y->count ? 1 : x->count > y->count ? -1 :
	    strcmp(x->cause, y->cause);
}

static int
cmp_domains(const void *a, const void *b)
{
	json_t		*x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t	 fx = json_integer_value(json_object_get(x, "failed"));
	json_int_t	 fy = json_integer_value(json_object_get(y, "failed"));
	json_int_t	 ex = json_integer_value(json_object_get(x, "events"));
	json_int_t	 ey = json_integer_value(json_object_get(y, "events"));

	if (fx != fy)
		return fx < fy ? 1 : -1;
	if (ex != ey)
		return ex < ey ? 1 : -1;
	return strcmp(json_string_value(json_object_get(x, "domain")),
	    json_string_value(json_object_get(y, "domain")));
}

/*
 * The groups of the log just read as its "stored" object: a domain per
 * (direction, domain), most failed first, at most limit of them, and
 * while the reply's domains of every log stay within CTL_PAGE_BYTES of
 * JSON (truncated says so), far from the client's bound.
 */
static json_t *
lq_stored(struct logquery *q)
{
	struct lq_group	**v = NULL;
	json_t		 *doms, **dv = NULL, *arr, *o;
	size_t		  i, j, nd = 0, bytes = 0;
	int		  cut = q->folded > 0;

	doms = json_array();
	if (q->ng > 0 && ((v = calloc(q->ng, sizeof(*v))) == NULL ||
	    (dv = calloc(q->ng, sizeof(*dv))) == NULL)) {
		free(v);
		json_decref(doms);
		return NULL;
	}
	for (i = 0; i < q->ng; i++)
		v[i] = &q->g[i];
	if (q->ng > 0)
		qsort(v, q->ng, sizeof(*v), cmp_dir_domain);
	for (i = 0; i < q->ng; i = j) {
		json_t		*st = json_object(), *causes = json_array();
		json_int_t	 events = 0, failed = 0;

		for (j = i; j < q->ng && strcmp(v[j]->dir, v[i]->dir) == 0 &&
		    strcmp(v[j]->domain, v[i]->domain) == 0; j++) {
			const struct lq_group *g = v[j];
			json_int_t	 had = json_integer_value(
					    json_object_get(st, g->status));

			events += (json_int_t)g->count;
			json_object_set_new(st, g->status,
			    json_integer(had + (json_int_t)g->count));
			if (g->cause[0] == '\0')
				continue;
			failed += (json_int_t)g->count;
			json_array_append_new(causes, json_pack(
			    "{s:s,s:s,s:I,s:I,s:I,s:s?}", "cause", g->cause,
			    "status", g->status, "count", (json_int_t)g->count,
			    "first", (json_int_t)g->first, "last",
			    (json_int_t)g->last + 59, "sample", g->sample));
		}
		dv[nd++] = json_pack("{s:s,s:s,s:I,s:I,s:o,s:o}", "direction",
		    v[i]->dir, "domain", v[i]->domain, "events", events,
		    "failed", failed, "status", st, "causes", causes);
	}
	if (nd > 0)
		qsort(dv, nd, sizeof(*dv), cmp_domains);
	for (i = 0; i < nd; i++) {
		bytes = json_dumpb(dv[i], NULL, 0, JSON_COMPACT) + 1;
		if ((int)i >= q->limit || bytes > q->bytes_left) {
			cut = 1;
			json_decref(dv[i]);
			continue;
		}
		q->bytes_left -= bytes;
		json_array_append_new(doms, dv[i]);
	}
	free(v);
	free(dv);
	arr = doms;
	o = json_pack("{s:I,s:o,s:I,s:b,s:o}", "since", (json_int_t)q->since,
	    "until", q->until > 0 ? json_integer(q->until) : json_null(),
	    "rows", (json_int_t)q->rows, "truncated", cut, "domains", arr);
	return o;
}

/* The reply: each log as the daemon follows it, with its stored part. */
static void
lq_reply(struct logquery *q)
{
	json_t	*logs = json_array(), *l, *st, *r;
	size_t	 i;

	logwatch_json(q->d, logs);
	json_array_foreach(logs, i, l) {
		const char *name = json_string_value(json_object_get(l, "log"));

		if (q->only[0] != '\0' && strcmp(name, q->only) != 0) {
			json_array_remove(logs, i);
			i--;		/* wraps to the next 0 */
			continue;
		}
		/* null: not read (the store failed first) */
		st = json_object_get(q->stored, name);
		json_object_set(l, "stored", st != NULL ? st : json_null());
	}
	r = json_pack("{s:b,s:o}", "ok", 1, "logs", logs);
	if (q->error != NULL)
		json_object_set_new(r, "store_error", json_string(q->error));
	ctl_reply(q->srv, q->id, r);
}

/* One page of the log being read; the next turn, or the reply. */
static void
lq_step(evutil_socket_t fd, short what, void *arg)
{
	struct logquery	*q = arg;
	struct timeval	 now = { 0, 0 };
	char		*cause = NULL;
	json_t		*o;

	(void)fd;
	(void)what;
	if (q->cur < q->nnames && q->d->store != NULL && q->error == NULL) {
		if (store_log_read(q->d->store, q->names[q->cur], q->since,
		    q->until, 0, &q->pos, LQ_PAGE, lq_row, q, &cause) == -1) {
			/* as a failing store answers history: said, not hidden */
			q->error = cause != NULL ? cause : strdup("?");
			cause = NULL;
		}
		if (q->pos.done || q->error != NULL) {
			if ((o = lq_stored(q)) != NULL)
				json_object_set_new(q->stored, q->names[q->cur],
				    o);
			lq_groups_clear(q);
			memset(&q->pos, 0, sizeof(q->pos));
			q->cur++;
		}
		if (q->cur < q->nnames && q->error == NULL) {
			event_add(q->ev, &now);
			return;
		}
	}
	if (q->d->store == NULL && q->error == NULL)
		q->error = strdup("no store");
	lq_reply(q);
	lq_free(q);
}

/* An integer member >= 0 of the request, or def; -1 when not one. */
static int
req_int(json_t *req, const char *k, int64_t def, int64_t *out)
{
	json_t	*v = json_object_get(req, k);

	if (v == NULL || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

void
logquery_start(struct daemon *d, struct ctl_server *srv, uint64_t id,
    json_t *req)
{
	struct logquery	*q;
	struct timeval	 now = { 0, 0 };
	json_t		*jl = json_object_get(req, "log");
	json_t		*jd = json_object_get(req, "domain");
	const char	*why = NULL;
	int64_t		 limit;
	size_t		 i;

	if (nqueries >= LQ_JOBS_MAX) {
		ctl_reply_error(srv, id, "busy: other logs queries are running;"
		    " ask again later");
		return;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL) {
		ctl_reply_error(srv, id, "out of memory");
		return;
	}
	q->d = d;
	q->srv = srv;
	q->id = id;
	q->bytes_left = CTL_PAGE_BYTES;
	if (req_int(req, "since", 0, &q->since) == -1)
		why = "\"since\" is not a time (seconds since the epoch)";
	else if (req_int(req, "until", 0, &q->until) == -1)
		why = "\"until\" is not a time (seconds since the epoch)";
	else if (req_int(req, "limit", LQ_LIMIT, &limit) == -1 || limit < 1 ||
	    limit > LQ_LIMIT_MAX)
		why = "\"limit\" is not a number of domains from 1 to 1000";
	else if (jd != NULL && !json_is_null(jd) && (!json_is_string(jd) ||
	    json_string_length(jd) > STORE_LOG_DOMAIN_MAX))
		why = "\"domain\" is not a domain";
	else if (jl != NULL && !json_is_null(jl) && !json_is_string(jl))
		why = "\"log\" is not the name of a [log] section";
	if (why != NULL) {
		ctl_reply_error(srv, id, why);
		free(q);
		return;
	}
	q->limit = (int)limit;
	if (jd != NULL && json_is_string(jd)) {
		util_strlcpy(q->domain, json_string_value(jd),
		    sizeof(q->domain));
		for (i = 0; q->domain[i] != '\0'; i++)
			if (q->domain[i] >= 'A' && q->domain[i] <= 'Z')
				q->domain[i] = (char)(q->domain[i] - 'A' + 'a');
	}
	if ((q->names = calloc(d->nlogs + 1, sizeof(*q->names))) == NULL ||
	    (q->slots = calloc(LQ_SLOTS, sizeof(*q->slots))) == NULL ||
	    (q->g = calloc(LQ_GROUPS_MAX, sizeof(*q->g))) == NULL ||
	    (q->stored = json_object()) == NULL ||
	    (q->ev = evtimer_new(d->base, lq_step, q)) == NULL)
		goto oom;
	for (i = 0; i < d->nlogs; i++) {
		const char *name = logwatch_name(d, i);

		if (name == NULL || (jl != NULL && json_is_string(jl) &&
		    strcmp(name, json_string_value(jl)) != 0))
			continue;
		if ((q->names[q->nnames] = strdup(name)) == NULL)
			goto oom;
		q->nnames++;
	}
	if (jl != NULL && json_is_string(jl))
		util_strlcpy(q->only, json_string_value(jl), sizeof(q->only));
	if (q->only[0] != '\0' && q->nnames == 0) {
		ctl_reply_error(srv, id, "no such [log] section");
		lq_free(q);
		return;
	}
	q->next = queries;
	queries = q;
	nqueries++;
	event_add(q->ev, &now);
	return;
oom:
	ctl_reply_error(srv, id, "out of memory");
	lq_free(q);
}

void
logquery_free_all(void)
{
	while (queries != NULL)
		lq_free(queries);
}
