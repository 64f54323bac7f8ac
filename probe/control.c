/*
 * control.c - the daemon's side of the control commands: a handler per
 * row of lib/ctl.h's table, on the daemon's state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dns.h"
#include "finding.h"
#include "smtprobed.h"
#include "store.h"
#include "util.h"

_Static_assert(CTL_HISTORY_LIMIT_MAX <= STORE_LIMIT_MAX, "history's limit");

static json_t *
status_json(struct daemon *d)
{
	struct store_counters	 sc;
	const struct dns_stats	*ds = d->res ? dns_resolver_stats(d->res) : NULL;
	json_t			*o;
	const char		*st;
	size_t			 i;
	int			 open = 0, unknown = 0, followers = 0, clients;

	for (i = 0; i < d->ntargets; i++) {
		open += d->targets[i]->alerts.nopen;
		/* a target whose last run could not look is not healthy */
		st = d->targets[i]->last == NULL ? NULL : json_string_value(
		    json_object_get(d->targets[i]->last, "status"));
		unknown += st != NULL && strcmp(st, "unknown") == 0;
	}
	memset(&sc, 0, sizeof(sc));
	if (d->store != NULL)
		store_counters(d->store, &sc);
	clients = d->ctl ? ctl_clients(d->ctl, &followers) : 0;
	o = json_pack("{s:b,s:I,s:i,s:i,s:I,s:I,s:I,s:i,s:i,s:i,s:I,"
	    "s:{s:I,s:I,s:I,s:I,s:I,s:b},s:{s:I,s:I,s:I},s:{s:i,s:i}}",
	    "ok", 1, "uptime", (json_int_t)(util_wall() - d->started),
	    "targets", (int)d->ntargets, "targets_unknown", unknown,
	    "probes_run", (json_int_t)d->probes_run,
	    "probes_failed", (json_int_t)d->probes_failed,
	    "probes_unknown", (json_int_t)d->probes_unknown,
	    "in_flight", d->checks, "sessions_in_flight", d->admit.sessions,
	    "open_alerts", open, "alerts_raised", (json_int_t)d->alerts_raised,
	    "store", "size", (json_int_t)sc.db_bytes, "rows",
	    (json_int_t)sc.rows, "errors", (json_int_t)sc.errors, "dropped",
	    (json_int_t)sc.dropped, "queued", (json_int_t)sc.queued,
	    "failing", sc.failing,
	    "dns", "lookups", (json_int_t)(ds ? ds->lookups : 0), "cache_hits",
	    (json_int_t)(ds ? ds->cache_hits : 0), "sent",
	    (json_int_t)(ds ? ds->sent : 0),
	    "control", "clients", clients, "followers", followers);
	/* a failing store says since when and what SQLite said */
	if (o != NULL && sc.failing) {
		json_t	*f = json_pack("{s:I,s:s,s:b}", "failing_since",
		    (json_int_t)sc.failing_since, "error", sc.error, "corrupt",
		    sc.corrupt);

		json_object_update(json_object_get(o, "store"), f);
		json_decref(f);
	}
	/* the [log] sections followed, with their windows' counts */
	if (o != NULL && d->nlogs > 0) {
		json_t	*logs = json_array();

		logwatch_json(d, logs);
		json_object_set_new(o, "logs", logs);
	}
	return o;
}

/*
 * A page of targets, in the order of the file: those after the one
 * named by the request's "cursor" (from the first without one), at most
 * CTL_TARGETS_PAGE of them and about CTL_PAGE_BYTES; "next" names the
 * last one given when more follow.
 */
static json_t *
targets_json(struct daemon *d, json_t *req, const char **why)
{
	json_t		*a, *cur = json_object_get(req, "cursor");
	size_t		 i = 0, n, bytes = 0;
	int64_t		 now = admit_now(&d->admit);
	struct watch	*t;

	if (cur != NULL && !json_is_null(cur)) {
		if (!json_is_string(cur)) {
			*why = "\"cursor\" is not a target id";
			return NULL;
		}
		if ((t = runs_find(d, json_string_value(cur))) == NULL) {
			*why = "the target of \"cursor\" is gone (the "
			    "configuration was reloaded): ask from the start";
			return NULL;
		}
		for (i = 0; i < d->ntargets && d->targets[i] != t; i++)
			;
		i++;		/* the page starts after it */
	}
	a = json_array();
	for (n = 0; i < d->ntargets && n < CTL_TARGETS_PAGE &&
	    bytes < CTL_PAGE_BYTES; i++, n++) {
		json_t	*st, *row;

		t = d->targets[i];
		st = t->last ? json_object_get(t->last, "status") : NULL;
		row = json_pack("{s:s,s:s,s:I,s:O,s:I,s:i,s:b,s:I}", "target",
		    t->id, "kind", t->ct->kind == TARGET_DOMAIN ? "domain" :
		    "host", "interval_s", (json_int_t)(t->ct->interval_ms / 1000),
		    "status", st ? st : json_null(),
		    "last_run", (json_int_t)(t->last ? json_integer_value(
		    json_object_get(t->last, "at")) : 0),
		    "open_alerts", t->alerts.nopen,
		    "running", t->running != NULL,
		    "next_run_in_s", (json_int_t)(timetable_queued(&t->item) ?
		    (t->item.due - now) / 1000 : 0));
		bytes += json_dumpb(row, NULL, 0, JSON_COMPACT) + 1;
		json_array_append_new(a, row);
	}
	return json_pack("{s:b,s:o,s:o}", "ok", 1, "targets", a, "next",
	    i < d->ntargets && i > 0 ? json_string(d->targets[i - 1]->id) :
	    json_null());
}

static json_t *
show_json(struct watch *t)
{
	json_t			*al = json_array();
	const struct alert	*a;

	LIST_FOREACH(a, &t->alerts.alerts, entry)
		json_array_append_new(al, json_pack("{s:s,s:s,s:i,s:s,s:s,"
		    "s:s,s:b,s:i,s:i,s:I,s:s}", "host", a->host, "addr", a->addr,
		    "port", a->port, "finding", finding_def(a->id)->id,
		    "layer", finding_layer_name(finding_def(a->id)->layer),
		    "severity", finding_severity_name(a->severity),
		    "open", a->open, "fails", a->fails, "passes", a->passes,
		    "since", (json_int_t)(a->open ? a->raised_at : a->first_seen),
		    "evidence", a->evidence));
	return json_pack("{s:b,s:s,s:o,s:O}", "ok", 1, "target", t->id,
	    "alerts", al, "last", t->last ? t->last : json_null());
}

/*
 * The handlers of the control commands (lib/ctl.h's table), one each.
 * t is the request's target for the commands that take one (the server
 * has checked that it names one; whether it exists is ours to say).
 */
typedef void (*ctl_handler)(struct daemon *, struct ctl_server *,
    uint64_t id, json_t *req, struct watch *t);

static void
h_status(struct daemon *d, struct ctl_server *s, uint64_t id, json_t *req,
    struct watch *t)
{
	(void)req;
	(void)t;
	ctl_reply(s, id, status_json(d));
}

static void
h_targets(struct daemon *d, struct ctl_server *s, uint64_t id, json_t *req,
    struct watch *t)
{
	const char	*why = NULL;
	json_t		*o;

	(void)t;
	if ((o = targets_json(d, req, &why)) == NULL)
		ctl_reply_error(s, id, why != NULL ? why : "out of memory");
	else
		ctl_reply(s, id, o);
}

static void
h_show(struct daemon *d, struct ctl_server *s, uint64_t id, json_t *req,
    struct watch *t)
{
	(void)d;
	(void)req;
	ctl_reply(s, id, show_json(t));
}

static const char *const history_kinds[STORE_H_KINDS] = {
	[STORE_H_SESSIONS] = "sessions",
	[STORE_H_AUDITS] = "audits",
	[STORE_H_ALERTS] = "alerts",
};

/*
 * The request's "cursor" (where the page before ended) as the store's:
 * for each kind, [at, id] to go on before, null when it is done, absent
 * to start from the newest. -1 when it is not one.
 */
static int
history_cursor(json_t *j, struct store_cursor *cur)
{
	const char	*key;
	json_t		*v;
	int		 k;

	memset(cur, 0, sizeof(*cur));
	if (!json_is_object(j))
		return -1;
	json_object_foreach(j, key, v) {
		for (k = 0; k < STORE_H_KINDS && strcmp(key, history_kinds[k]);
		    k++)
			;
		if (k == STORE_H_KINDS)
			return -1;
		if (json_is_null(v))
			cur->k[k].done = 1;
		else if (json_is_array(v) && json_array_size(v) == 2 &&
		    json_is_integer(json_array_get(v, 0)) &&
		    json_is_integer(json_array_get(v, 1))) {
			cur->k[k].started = 1;
			cur->k[k].at = json_integer_value(json_array_get(v, 0));
			cur->k[k].id = json_integer_value(json_array_get(v, 1));
		} else
			return -1;
	}
	return 0;
}

static json_t *
history_next(const struct store_cursor *cur)
{
	json_t	*o = json_object();
	int	 k;

	for (k = 0; k < STORE_H_KINDS; k++) {
		const struct store_cursor_kind *c = &cur->k[k];

		if (c->done)
			json_object_set_new(o, history_kinds[k], json_null());
		else if (c->started)
			json_object_set_new(o, history_kinds[k], json_pack("[I,I]",
			    (json_int_t)c->at, (json_int_t)c->id));
	}
	return o;
}

/*
 * A page of a target's history: at most "limit" rows of each kind (100
 * by default, CTL_HISTORY_PAGE at most) and about CTL_PAGE_BYTES, from
 * "cursor" on; "next" is the cursor of the page after, null at the end.
 * A long history is read in many short steps between the other work of
 * the loop, and a reply never nears the client's output bound.
 */
static void
h_history(struct daemon *d, struct ctl_server *s, uint64_t id, json_t *req,
    struct watch *t)
{
	json_t		*js = json_object_get(req, "since");
	json_t		*ju = json_object_get(req, "until");
	json_t		*jl = json_object_get(req, "limit");
	json_t		*cj = json_object_get(req, "cursor"), *h;
	json_int_t	 since = json_integer_value(js);
	json_int_t	 until = ju ? json_integer_value(ju) : INT64_MAX;
	json_int_t	 limit = jl ? json_integer_value(jl) : 100;
	struct store_cursor from, next;
	char		*cause = NULL, msg[128];

	/* what was asked is answered, or refused: never quietly changed */
	if ((js != NULL && (!json_is_integer(js) || since < 0)) ||
	    (ju != NULL && (!json_is_integer(ju) || until < 0))) {
		ctl_reply_error(s, id, "\"since\" and \"until\" are seconds "
		    "since the epoch");
		return;
	}
	if (until < since) {
		ctl_reply_error(s, id, "\"until\" is before \"since\"");
		return;
	}
	if (jl != NULL && (!json_is_integer(jl) || limit < 1 ||
	    limit > CTL_HISTORY_LIMIT_MAX)) {
		snprintf(msg, sizeof(msg), "\"limit\" is not a number from 1 "
		    "to %d", CTL_HISTORY_LIMIT_MAX);
		ctl_reply_error(s, id, msg);
		return;
	}
	if (cj != NULL && history_cursor(cj, &from) == -1) {
		ctl_reply_error(s, id, "\"cursor\" is not one a history reply "
		    "gave");
		return;
	}
	/* a page; what more limit asks for comes with "next" */
	if (d->store == NULL ||
	    (h = store_history_page(d->store, t->id, since, until,
	    cj != NULL ? &from : NULL, limit > CTL_HISTORY_PAGE ?
	    CTL_HISTORY_PAGE : (int)limit, CTL_PAGE_BYTES, &next,
	    &cause)) == NULL) {
		ctl_reply_error(s, id, cause ? cause : "no store");
		free(cause);
		return;
	}
	json_object_set_new(h, "next", json_is_true(json_object_get(h,
	    "truncated")) ? history_next(&next) : json_null());
	ctl_reply(s, id, json_pack("{s:b,s:s,s:o}", "ok", 1, "target", t->id,
	    "history", h));
}

/* Run the target now and reply when the run ends, or after the running one. */
static void
h_probe(struct daemon *d, struct ctl_server *s, uint64_t id, json_t *req,
    struct watch *t)
{
	(void)req;
	if (t->running != NULL) {
		if (t->nnext == WAITERS_MAX) {
			ctl_reply_error(s, id, "too many waiting for this target");
			return;
		}
		t->next[t->nnext++] = id;
		return;
	}
	if (t->nwaiters == WAITERS_MAX) {
		ctl_reply_error(s, id, "too many waiting for this target");
		return;
	}
	t->waiters[t->nwaiters++] = id;
	timetable_remove(&d->tt, &t->item);
	if (runs_start(t, 1) == -1) {
		t->nwaiters--;
		ctl_reply_error(s, id, "cannot start the check");
		timetable_put(&d->tt, &t->item, admit_now(&d->admit) + t->ct->interval_ms);
	}
}

static void
h_follow(struct daemon *d, struct ctl_server *s, uint64_t id, json_t *req,
    struct watch *t)
{
	(void)d;
	(void)req;
	(void)t;
	ctl_follow(s, id);
	ctl_reply(s, id, json_pack("{s:b,s:b}", "ok", 1, "following", 1));
}

static void
h_reload(struct daemon *d, struct ctl_server *s, uint64_t id, json_t *req,
    struct watch *t)
{
	char	*why = NULL;

	(void)req;
	(void)t;
	if (smtprobed_reload(d, &why) == 0)
		ctl_reply(s, id, json_pack("{s:b,s:i}", "ok", 1, "targets",
		    (int)d->ntargets));
	else {
		ctl_reply_error(s, id, why ? why : "reload failed");
		free(why);
	}
}

static void
h_logs(struct daemon *d, struct ctl_server *s, uint64_t id, json_t *req,
    struct watch *t)
{
	(void)t;
	logquery_start(d, s, id, req);
}

static const ctl_handler handlers[CTL_NCMDS] = {
	[CTL_STATUS] = h_status,
	[CTL_TARGETS] = h_targets,
	[CTL_SHOW] = h_show,
	[CTL_HISTORY] = h_history,
	[CTL_PROBE] = h_probe,
	[CTL_FOLLOW] = h_follow,
	[CTL_RELOAD] = h_reload,
	[CTL_LOGS] = h_logs,
};

/* conf_target_match()'s keep: a target of this daemon's shard. */
static int
watched(const struct target *ct, void *arg)
{
	struct daemon	*d = arg;

	return d->cref->watch[ct - d->cref->conf->targets] != NULL;
}

#define CANDIDATES_MAX	8	/* ids named when a name is ambiguous */

/*
 * The target a request names, written as the user wrote it (an id, or a
 * section header's name: case, a final dot and a missing port do not
 * matter while only one target fits), or NULL with why: none fits (and
 * the nearest id), or several do (and which).
 */
static struct watch *
find_target(struct daemon *d, const char *name, char *why, size_t sz)
{
	const struct target	*found[CANDIDATES_MAX], *closest;
	char			 shown[96];
	size_t			 o;
	int			 n, i;

	util_sanitize_buf(shown, sizeof(shown), name, strlen(name));
	n = d->cref == NULL ? 0 : conf_target_match(d->cref->conf, name,
	    watched, d, found, CANDIDATES_MAX, &closest);
	if (n == 1)
		return d->cref->watch[found[0] - d->cref->conf->targets];
	if (n == 0) {
		snprintf(why, sz, "no such target \"%s\"; see `smtprobe "
		    "targets`%s%s%s", shown, closest ? " (did you mean " : "",
		    closest ? closest->id : "", closest ? "?)" : "");
		return NULL;
	}
	o = (size_t)snprintf(why, sz, "\"%s\" is ambiguous: it is ", shown);
	for (i = 0; i < n && i < CANDIDATES_MAX && o < sz; i++)
		o += (size_t)snprintf(why + o, sz - o, "%s%s", i == 0 ? "" :
		    i == n - 1 ? " and " : ", ", found[i]->id);
	if (o < sz)
		snprintf(why + o, sz - o, "%s; give one of them",
		    n > CANDIDATES_MAX ? " and more" : "");
	return NULL;
}

void
control_request(struct ctl_server *s, uint64_t id, const struct ctl_command *cmd,
    json_t *req, void *arg)
{
	struct daemon	*d = arg;
	struct watch	*t = NULL;
	char		 why[1024];

	if (cmd->flags & CTL_TARGET) {
		t = find_target(d, json_string_value(json_object_get(req,
		    "target")), why, sizeof(why));
		if (t == NULL) {
			ctl_reply_error(s, id, why);
			return;
		}
	}
	handlers[cmd->cmd](d, s, id, req, t);
}

const char *
control_unhandled(void)
{
	int	 i;

	for (i = 0; i < CTL_NCMDS; i++)
		if (handlers[i] == NULL)
			return ctl_commands[i].name;
	return NULL;
}
