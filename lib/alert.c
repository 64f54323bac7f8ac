/*
 * alert.c - hysteresis over runs.
 *
 * A finding that shows in fewer than N consecutive runs never reaches
 * the operator (a single timeout is noise); one that stops showing must
 * stay away M runs before the alert clears (no flapping). A pending
 * episode that passes once is forgotten.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "util.h"

void
alert_set_init(struct alert_set *s)
{
	LIST_INIT(&s->alerts);
	s->gen = 0;
	s->nopen = 0;
}

static void
alert_free(struct alert *a)
{
	free(a->host);
	free(a->addr);
	free(a);
}

void
alert_set_free(struct alert_set *s)
{
	struct alert	*a;

	while ((a = LIST_FIRST(&s->alerts)) != NULL) {
		LIST_REMOVE(a, entry);
		alert_free(a);
	}
	s->nopen = 0;
}

void
alert_withdraw_all(struct alert_set *s, int64_t now, alert_emit_cb cb,
    void *arg)
{
	struct alert	*a;

	LIST_FOREACH(a, &s->alerts, entry) {
		if (!a->open)
			continue;
		a->open = 0;
		a->withdrawn = 1;
		s->nopen--;
		cb(a, ALERT_CLEARED, now, arg);
	}
}

static int
same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static struct alert *
find(struct alert_set *s, const char *host, const char *addr, int port,
    enum finding_id id)
{
	struct alert	*a;

	LIST_FOREACH(a, &s->alerts, entry)
		if (a->id == id && a->port == port && same(a->host, host) &&
		    same(a->addr, addr))
			return a;
	return NULL;
}

static struct alert *
create(struct alert_set *s, const char *host, const char *addr, int port,
    enum finding_id id)
{
	struct alert	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->host = strdup(host ? host : "");
	a->addr = strdup(addr ? addr : "");
	if (a->host == NULL || a->addr == NULL) {
		alert_free(a);
		return NULL;
	}
	a->port = port;
	a->id = id;
	LIST_INSERT_HEAD(&s->alerts, a, entry);
	return a;
}

void
alert_observe(struct alert_set *s, const struct finding_list *fl,
    int (*in_scope)(enum finding_id), const struct alert_params *p,
    int64_t now, alert_emit_cb cb, void *arg)
{
	struct alert	*a, *next;
	size_t		 i;
	int		 n = p->raise_after > 0 ? p->raise_after : 1;
	int		 m = p->clear_after > 0 ? p->clear_after : 1;

	s->gen++;
	for (i = 0; i < fl->n; i++) {
		const struct finding *f = &fl->v[i];

		if (f->severity < SEV_WARN || (in_scope && !in_scope(f->id)))
			continue;
		a = find(s, f->host, f->addr, f->port, f->id);
		if (a == NULL && (a = create(s, f->host, f->addr, f->port,
		    f->id)) == NULL)
			continue;
		if (a->gen == s->gen)
			continue;	/* the same finding twice in one run */
		a->gen = s->gen;
		a->passes = 0;
		if (a->fails++ == 0 && !a->open)
			a->first_seen = now;
		a->severity = f->severity;
		util_sanitize_buf(a->evidence, sizeof(a->evidence),
		    f->evidence, strlen(f->evidence));
		if (!a->open && a->fails >= n) {
			a->open = 1;
			a->raised_at = now;
			a->notified_at = now;
			a->repeats = 0;
			s->nopen++;
			cb(a, ALERT_RAISED, now, arg);
		} else if (a->open && p->renotify > 0 &&
		    now - a->notified_at >= p->renotify) {
			a->notified_at = now;
			a->repeats++;
			cb(a, ALERT_RENOTIFIED, now, arg);
		}
	}
	for (a = LIST_FIRST(&s->alerts); a != NULL; a = next) {
		next = LIST_NEXT(a, entry);
		if (a->gen == s->gen || (in_scope && !in_scope(a->id)))
			continue;
		a->fails = 0;
		a->passes++;
		if (a->open && a->passes >= m) {
			a->open = 0;
			s->nopen--;
			cb(a, ALERT_CLEARED, now, arg);
		}
		if (!a->open) {
			LIST_REMOVE(a, entry);
			alert_free(a);
		}
	}
}

struct alert *
alert_restore(struct alert_set *s, const char *host, const char *addr,
    int port, enum finding_id id, int open, int fails, int passes,
    enum severity sev, const char *evidence, int64_t first_seen,
    int64_t raised_at, int64_t notified_at)
{
	struct alert	*a;

	if ((unsigned)id >= F_COUNT)
		return NULL;
	if ((a = find(s, host, addr, port, id)) == NULL &&
	    (a = create(s, host, addr, port, id)) == NULL)
		return NULL;
	if (open && !a->open)
		s->nopen++;
	a->open = open != 0;
	a->fails = fails;
	a->passes = passes;
	a->severity = sev;
	util_sanitize_buf(a->evidence, sizeof(a->evidence), evidence ?
	    evidence : "", evidence ? strlen(evidence) : 0);
	a->first_seen = first_seen;
	a->raised_at = raised_at;
	a->notified_at = notified_at;
	return a;
}

const char *
alert_event_name(enum alert_event e)
{
	switch (e) {
	case ALERT_RAISED:
		return "raised";
	case ALERT_CLEARED:
		return "cleared";
	default:
		return "renotified";
	}
}

/* A value for key=value: sanitised, no quotes, no spaces unless quoted. */
static void
value(char *dst, size_t sz, const char *s)
{
	size_t	 i;

	util_sanitize_buf(dst, sz, s, strlen(s));
	for (i = 0; dst[i] != '\0'; i++)
		if (dst[i] == '"')
			dst[i] = '\'';
}

static void
word(char *dst, size_t sz, const char *s)
{
	size_t	 i;

	value(dst, sz, *s ? s : "-");
	for (i = 0; dst[i] != '\0'; i++)
		if (dst[i] == ' ' || dst[i] == '=')
			dst[i] = '_';
}

int
alert_format(const struct alert *a, enum alert_event ev, const char *target,
    int64_t now, char *buf, size_t sz)
{
	const struct finding_def *d = finding_def(a->id);
	char		 t[300], h[300], ad[64], e[ALERT_EVIDENCE_MAX + 1];
	char		 since[32];
	struct tm	 tm;
	time_t		 tt = (time_t)(ev == ALERT_CLEARED ? a->raised_at :
			    a->raised_at ? a->raised_at : now);

	word(t, sizeof(t), target);
	word(h, sizeof(h), a->host);
	word(ad, sizeof(ad), a->addr);
	value(e, sizeof(e), a->evidence);
	if (gmtime_r(&tt, &tm) == NULL)
		util_strlcpy(since, "-", sizeof(since));
	else
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (ev == ALERT_CLEARED)
		return snprintf(buf, sz, "RECOVERED target=%s host=%s addr=%s "
		    "port=%d finding=%s severity=%s layer=%s since=%s "
		    "duration=%llds%s", t, h, ad, a->port, d->id,
		    finding_severity_name(a->severity),
		    finding_layer_name(d->layer), since,
		    (long long)(now - a->raised_at),
		    a->withdrawn ? " reason=removed" : "");
	return snprintf(buf, sz, "ALERT target=%s host=%s addr=%s port=%d "
	    "finding=%s severity=%s layer=%s since=%s evidence=\"%s\"%s%.0d",
	    t, h, ad, a->port, d->id, finding_severity_name(a->severity),
	    finding_layer_name(d->layer), since, e,
	    ev == ALERT_RENOTIFIED ? " repeat=" : "",
	    ev == ALERT_RENOTIFIED ? a->repeats : 0);
}

/* The since= of a line: when the alert was raised, in UTC. */
static void
since_str(const struct alert *a, enum alert_event ev, int64_t now, char *buf,
    size_t sz)
{
	struct tm	 tm;
	time_t		 tt = (time_t)(ev == ALERT_CLEARED ? a->raised_at :
			    a->raised_at ? a->raised_at : now);

	if (gmtime_r(&tt, &tm) == NULL)
		util_strlcpy(buf, "-", sz);
	else
		strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
alert_format_log(const struct alert *a, enum alert_event ev,
    const char *target, int64_t now, char *buf, size_t sz)
{
	const struct finding_def *d = finding_def(a->id);
	char		 t[300], h[300], dir[16], e[ALERT_EVIDENCE_MAX + 2];
	char		 since[32];
	size_t		 i, quotes = 0, n;

	word(t, sizeof(t), target);
	word(h, sizeof(h), a->host);
	word(dir, sizeof(dir), a->addr);
	since_str(a, ev, now, since, sizeof(since));
	if (ev == ALERT_CLEARED)
		return snprintf(buf, sz, "RECOVERED target=%s domain=%s "
		    "direction=%s finding=%s severity=%s layer=%s since=%s "
		    "duration=%llds%s", t, h, dir, d->id,
		    finding_severity_name(a->severity),
		    finding_layer_name(d->layer), since,
		    (long long)(now - a->raised_at),
		    a->withdrawn ? " reason=removed" : "");
	/* fields as they are: printable ASCII, quotes paired */
	n = util_sanitize_buf(e, ALERT_EVIDENCE_MAX + 1, a->evidence,
	    strlen(a->evidence));
	for (i = 0; i < n; i++)
		quotes += e[i] == '"';
	if (quotes % 2) {
		e[n++] = '"';
		e[n] = '\0';
	}
	return snprintf(buf, sz, "ALERT target=%s domain=%s direction=%s "
	    "finding=%s severity=%s layer=%s since=%s %s%s%.0d", t, h, dir,
	    d->id, finding_severity_name(a->severity),
	    finding_layer_name(d->layer), since, e,
	    ev == ALERT_RENOTIFIED ? " repeat=" : "",
	    ev == ALERT_RENOTIFIED ? a->repeats : 0);
}
