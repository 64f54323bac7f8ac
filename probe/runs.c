/*
 * runs.c - the targets of the running configuration, their schedule and
 * runs, the admission of their sessions (lib/admit.c, on the clock and
 * random source the daemon gives runs_init), and what a run's end means
 * for alerts.
 *
 * A target's run is a check (lib/check.c). When its DNS audit is due the
 * run audits everything; between audits it resolves only what sessions
 * need (answers come from the resolver's cache while their TTL lasts) and
 * alerts of audit-only findings are left as they are.
 */
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <event2/event.h>

#include "check.h"
#include "log.h"
#include "report.h"
#include "smtprobed.h"
#include "store.h"
#include "util.h"

static void	target_free(struct watch *);

/*
 * Probes asked during a run wait for the next run (t->next); when there
 * will be none, they are told so at once rather than left to time out.
 */
static void
queued_probes_fail(struct watch *t, const char *why)
{
	int	 i;

	for (i = 0; i < t->nnext; i++)
		if (t->d->ctl != NULL)
			ctl_reply_error(t->d->ctl, t->next[i], why);
	t->nnext = 0;
}

/*
 * Sessions' admission: the daemon's cap, the target's cap and spacing
 * per address, through check.h's gate.
 */

static int
gate_acquire(void *arg, const struct sockaddr_storage *ss)
{
	struct watch	*t = arg;

	return admit_acquire(&t->d->admit, &t->admitted, ss);
}

static void
gate_release(void *arg, const struct sockaddr_storage *ss)
{
	struct watch	*t = arg;

	(void)ss;
	admit_release(&t->d->admit, &t->admitted);
}

/*
 * Runs and sessions at once: the configuration's concurrency, unless the
 * descriptors left for probes (smtprobed.c's budget) hold fewer.
 */
static int
concurrency_of(const struct daemon *d, const struct conf_daemon *cd)
{
	if (d->fds.concurrency > 0 && d->fds.concurrency < cd->concurrency)
		return d->fds.concurrency;
	return cd->concurrency;
}

/*
 * A target's sessions at once: a sixteenth of the cap, from 1 to
 * RUN_SESSIONS_MAX, so that eight targets whose servers hold every
 * session to its deadline (tarpits) take at most half of the sessions
 * and the other targets keep their pace.
 */
static int
per_target_of(int concurrency)
{
	int	 n = concurrency / 16;

	return n < 1 ? 1 : n > RUN_SESSIONS_MAX ? RUN_SESSIONS_MAX : n;
}

static void
admission_of(const struct daemon *d, const struct conf_daemon *cd,
    struct admit_params *p)
{
	p->concurrency = concurrency_of(d, cd);
	p->per_target = per_target_of(p->concurrency);
	p->spacing_ms = cd->host_spacing_ms;
	p->jitter_pct = cd->jitter_pct;
	p->jitter_ms = cd->jitter_ms;
}

/*
 * Alerts
 */

/* Ids a run without the full DNS audit can still see. */
static int
minimal_scope(enum finding_id id)
{
	switch (id) {
	case F_DNS_TIMEOUT:
	case F_DNS_SERVFAIL:
	case F_DNS_NXDOMAIN:
	case F_DNS_REFUSED:
	case F_MX_NONE:
	case F_MX_NULL:
	case F_MX_CNAME:
	case F_MX_NO_ADDRESS:
	case F_MX_IP_LITERAL:
	case F_MX_TTL_MISMATCH:
	case F_DANE_MISMATCH:
		return 1;
	default:
		return finding_def(id)->layer != LAYER_DNS;
	}
}

struct emit_ctx {
	struct daemon	*d;
	struct watch	*t;
};

/*
 * An alert's transition, its line already written: to syslog (the log
 * in debug mode), the store and the control clients that follow. A
 * [log] section's alert (domain) names its domain in the event too.
 */
void
runs_alert_say(struct daemon *d, const char *target, const struct alert *a,
    enum alert_event ev, int64_t now, const char *line, int domain)
{
	struct store_alert	 sa;
	json_t			*j;

	if (d->debug)
		log_info("%s", line);
	else
		syslog(ev == ALERT_CLEARED ? LOG_NOTICE : LOG_WARNING, "%s", line);
	if (ev == ALERT_RAISED)
		d->alerts_raised++;
	memset(&sa, 0, sizeof(sa));
	sa.target = target;
	sa.host = a->host;
	sa.addr = a->addr;
	sa.port = a->port;
	sa.finding = finding_def(a->id)->id;
	sa.severity = a->severity;
	sa.event = ev == ALERT_RAISED ? STORE_RAISED : ev == ALERT_CLEARED ?
	    STORE_CLEARED : STORE_RENOTIFIED;
	sa.at = now;
	sa.since = a->raised_at;
	sa.notified = a->notified_at;
	sa.evidence = a->evidence;
	if (d->store != NULL)
		store_add_alert(d->store, &sa);
	if (d->ctl == NULL)
		return;
	j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:I,s:s}", "event",
	    "alert", "transition", alert_event_name(ev), "target", target,
	    "host", a->host, "addr", a->addr, "port", a->port, "finding",
	    finding_def(a->id)->id, "severity",
	    finding_severity_name(a->severity), "at", (json_int_t)now, "line",
	    line);
	if (j != NULL && domain)
		json_object_set_new(j, "domain", json_string(a->host));
	ctl_broadcast(d->ctl, j);
}

static void
on_alert(const struct alert *a, enum alert_event ev, int64_t now, void *arg)
{
	struct emit_ctx		*e = arg;
	char			 line[1024];

	alert_format(a, ev, e->t->id, now, line, sizeof(line));
	runs_alert_say(e->d, e->t->id, a, ev, now, line, 0);
}

/* dns.changed: the record sets differ from the previous audit. */
static void
dns_changed(struct watch *t, struct check_report *rep)
{
	json_t	*sig;
	char	*s;

	if ((sig = report_dns_json(rep)) != NULL) {
		json_object_del(sig, "ms");
		s = json_dumps(sig, JSON_COMPACT | JSON_SORT_KEYS);
		if (s != NULL && t->dns_sig != NULL && strcmp(s, t->dns_sig))
			finding_add(&rep->findings, F_DNS_CHANGED, -1,
			    rep->name, NULL, 0, "the DNS records of %s differ "
			    "from the previous audit", rep->name);
		if (s != NULL) {
			free(t->dns_sig);
			t->dns_sig = s;
		}
		json_decref(sig);
	}
}

/*
 * Runs
 */

static void
run_done(struct check *chk, void *arg)
{
	struct watch		*t = arg;
	struct daemon		*d = t->d;
	struct check_report	*rep = check_report(chk);
	struct emit_ctx		 e = { d, t };
	const struct target *ct = t->ct;
	struct alert_params	 ap;
	json_t			*o;
	const char		*status;
	int			 i, full = t->run_full;
	json_int_t		 audited_at;

	d->checks--;
	d->probes_run++;
	status = check_status(rep);
	if (strcmp(status, "crit") == 0 || strcmp(status, "unknown") == 0)
		d->probes_failed++;
	if (strcmp(status, "unknown") == 0)
		d->probes_unknown++;
	t->runs++;
	if (full)
		dns_changed(t, rep);
	/*
	 * A sender caches the policy for max_age and keeps it when a
	 * refresh fails; runs that fetch none (minimal ones) apply it too,
	 * so a finding's severity does not flip between full and minimal.
	 */
	if (full && rep->audit != NULL) {
		if (rep->audit->mtasts_valid)
			t->sts_until = rep->audit->mtasts.mode ==
			    MTASTS_MODE_ENFORCE ? t->run_started +
			    (int64_t)rep->audit->mtasts.max_age : 0;
		else if (rep->audit->mtasts_txt == NULL)
			t->sts_until = 0;	/* no longer published */
	}
	/*
	 * A run that could not look (this host's descriptors, memory,
	 * resolver or network) says nothing about the target: it neither
	 * raises nor clears its alerts. The daemon says it once a minute.
	 */
	if (rep->incomplete) {
		static int64_t	 said;

		if (util_wall() - said >= 60) {
			said = util_wall();
			log_warnx("probe trouble, alerts left as they are: %s",
			    rep->error);
		}
	} else if (rep->overran) {
		/* cut by its deadline: what it did not see is not health */
		log_warnx("%s: run overran, alerts left as they are: %s",
		    t->id, rep->error);
	} else if (!t->gone) {
		ap.raise_after = ct->alert_after;
		ap.clear_after = ct->clear_after;
		ap.renotify = d->cref->conf->daemon.renotify_ms / 1000;
		alert_observe(&t->alerts, &rep->findings, full ? NULL :
		    minimal_scope, &ap, util_wall(), on_alert, &e);
	}
	if (d->store != NULL)
		store_add_check(d->store, rep, t->run_started);
	for (i = 0; i < rep->nsessions; i++) {
		const struct smtp_result *r = smtp_session_result(rep->sessions[i]);
		int			  k;

		for (k = 0; k < r->nsteps; k++) {
			t->phase_sum[r->steps[k].phase] += r->steps[k].dur_us / 1e6;
			t->phase_count[r->steps[k].phase]++;
		}
	}
	/* the whole report only for whoever asked for this probe */
	if (t->nwaiters > 0 && d->ctl != NULL) {
		o = report_json(rep);
		json_object_set_new(o, "full_audit", json_boolean(full));
		json_object_set_new(o, "at", json_integer(t->run_started));
		for (i = 0; i < t->nwaiters; i++)
			ctl_reply(d->ctl, t->waiters[i], json_pack("{s:b,s:O}",
			    "ok", 1, "result", o));
		json_decref(o);
	}
	t->nwaiters = 0;
	if (d->ctl != NULL)
		ctl_broadcast(d->ctl, json_pack("{s:s,s:s,s:s,s:i,s:I,s:b}",
		    "event", "result", "target", t->id, "status",
		    status, "findings", (int)rep->findings.n, "ms",
		    (json_int_t)rep->ms, "full_audit", full));
	/*
	 * What a target keeps of its last run, for show and /metrics. The
	 * whole report (phases, replies, chains, records) goes to the store
	 * and to whoever asked; kept for 10 000 domains it would cost
	 * gigabytes.
	 */
	/* when the records were last audited: this run, or one before */
	audited_at = rep->audit != NULL && !rep->audit->minimal ?
	    t->run_started : t->last != NULL ? json_integer_value(
	    json_object_get(t->last, "audited_at")) : 0;
	json_decref(t->last);
	t->last = report_summary_json(rep);
	json_object_set_new(t->last, "at", json_integer(t->run_started));
	json_object_set_new(t->last, "full_audit", json_boolean(full));
	if (audited_at > 0)
		json_object_set_new(t->last, "audited_at",
		    json_integer(audited_at));
	check_free(chk);
	t->running = NULL;
	smtprobed_confref_put(t->run_cref);
	t->run_cref = NULL;
	if (!t->gone && t->nnext > 0) {
		/* a probe asked during that run wants one that starts after */
		memcpy(t->waiters, t->next, sizeof(t->next[0]) * (size_t)t->nnext);
		t->nwaiters = t->nnext;
		t->nnext = 0;
		timetable_remove(&d->tt, &t->item);
		if (runs_start(t, 1) == 0) {
			runs_schedule(d);
			return;
		}
		for (i = 0; i < t->nwaiters; i++)
			ctl_reply_error(d->ctl, t->waiters[i],
			    "cannot start the check");
		t->nwaiters = 0;
	}
	if (t->gone) {
		target_free(t);
	} else if (!timetable_queued(&t->item))
		timetable_put(&d->tt, &t->item, admit_now(&d->admit) +
		    admit_next_delay(&d->admit, t->ct->interval_ms));
	runs_schedule(d);
}

static void
build_params(struct watch *t, struct check_params *p, int full)
{
	/* sessions at once: the target's cap is admission's (per_target_of) */
	target_check_params(t->ct, t->d->hostname, p);
	p->audit.dkim_keys = t->keys;
	p->audit.ndkim_keys = t->nkeys;
	if (!full)
		p->audit.minimal = 1;
	p->sts_enforce = util_wall() < t->sts_until;
}

int
runs_start(struct watch *t, int force_full)
{
	struct daemon		*d = t->d;
	struct check_params	 p;
	struct check_gate	 g = { gate_acquire, gate_release, t };
	const char		*cause;
	int64_t			 now = admit_now(&d->admit);
	int			 full;

	full = force_full || now >= t->next_audit;
	build_params(t, &p, full);
	t->running = check_start(d->base, d->res, smtprobed_tls(d, t->cref, t->ct->ca_file),
	    &p, &g, run_done, t, &cause);
	if (t->running == NULL) {
		log_warnx("%s: cannot start a check: %s", t->id, cause);
		return -1;
	}
	if (full)
		t->next_audit = now + t->ct->dns_interval_ms;
	t->run_full = full;
	t->run_started = util_wall();
	t->run_cref = t->cref;
	t->run_cref->refs++;
	d->checks++;
	return 0;
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	runs_schedule(arg);
}

/* Start what is due, up to the cap; sleep until the next due time. */
void
runs_schedule(struct daemon *d)
{
	struct timetable_item	*it;
	struct watch		*t;
	struct timeval		 tv;
	int64_t			 now = admit_now(&d->admit), wait;
	int			 cap = concurrency_of(d, &d->cref->conf->daemon);

	if (d->stopping)
		return;
	while (d->checks < cap && (it = timetable_pop_due(&d->tt, now)) != NULL) {
		t = it->data;
		if (t->running != NULL)
			continue;	/* rescheduled when it ends */
		if (runs_start(t, 0) == -1)
			timetable_put(&d->tt, &t->item, now +
			    admit_next_delay(&d->admit, t->ct->interval_ms));
	}
	evtimer_del(d->ev_tick);
	if (d->checks >= cap || (it = timetable_peek(&d->tt)) == NULL)
		return;		/* a run ending calls us again */
	wait = it->due - now;
	if (wait < 0)
		wait = 0;
	tv.tv_sec = wait / 1000;
	tv.tv_usec = (wait % 1000) * 1000;
	evtimer_add(d->ev_tick, &tv);
}

/*
 * Targets
 */

struct watch *
runs_find(struct daemon *d, const char *id)
{
	const struct target	*ct;

	if (d->cref == NULL || id == NULL ||
	    (ct = conf_target_find(d->cref->conf, id)) == NULL)
		return NULL;
	return d->cref->watch[ct - d->cref->conf->targets];
}

static void
target_free(struct watch *t)
{
	if (t->running != NULL) {
		t->gone = 1;	/* run_done frees it */
		return;
	}
	queued_probes_fail(t, "the target was removed by a reload");
	timetable_remove(&t->d->tt, &t->item);
	alert_set_free(&t->alerts);
	json_decref(t->last);
	free(t->dns_sig);
	free(t->id);
	free(t);
}

static struct watch *
target_new(struct daemon *d, const struct target *ct,
    struct confref *cref)
{
	struct watch	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->id = strdup(ct->id)) == NULL) {
		free(t);
		return NULL;
	}
	t->d = d;
	t->ct = ct;
	t->cref = cref;
	alert_set_init(&t->alerts);
	timetable_item_init(&t->item, t);
	return t;
}

/*
 * Install a configuration: targets that stay keep their history, alert
 * state and schedule; new ones start at random within the first tenth
 * of their interval, so thousands never fire at once; removed ones go
 * (after their run).
 */
int
runs_install(struct daemon *d, struct conf *conf, struct audit_dkim_key *keys,
    size_t nkeys)
{
	struct confref	*cref;
	struct watch	**nt, *t;
	struct admit_params ap;
	size_t		 i, n = 0, k = 0;
	int64_t		 now = admit_now(&d->admit);

	if ((cref = calloc(1, sizeof(*cref))) == NULL)
		return -1;
	if ((nt = calloc(conf->ntargets + 1, sizeof(*nt))) == NULL ||
	    (cref->watch = calloc(conf->ntargets + 1,
	    sizeof(*cref->watch))) == NULL) {
		free(nt);
		free(cref);
		return -1;
	}
	admission_of(d, &conf->daemon, &ap);
	if (concurrency_of(d, &conf->daemon) < conf->daemon.concurrency)
		log_warnx("concurrency %d: at most %d at once, for the "
		    "descriptors left (limit %llu); raise the limit (systemd: "
		    "LimitNOFILE=)", conf->daemon.concurrency,
		    d->fds.concurrency, (unsigned long long)d->fds.limit);
	admit_set_params(&d->admit, &ap);
	cref->conf = conf;
	cref->refs = 1;
	cref->keys = keys;
	cref->nkeys = nkeys;
	for (i = 0; i < conf->ntargets; i++) {
		const struct target *ct = &conf->targets[i];

		k += (size_t)ct->ndkim_keys;
		if (!conf_target_in_shard(conf, ct))
			continue;
		if ((t = runs_find(d, ct->id)) != NULL && !t->gone) {
			t->ct = ct;
			t->cref = cref;
			t->gone = 2;	/* mark: kept */
		} else if ((t = target_new(d, ct, cref)) != NULL) {
			/* the first run within a tenth of the interval: soon
			 * after start, but never all at once */
			timetable_put(&d->tt, &t->item, now +
			    admit_first_delay(&d->admit, ct->interval_ms));
		} else
			continue;
		/* a running check keeps the keys of its own generation */
		t->keys = ct->ndkim_keys > 0 ?
		    &cref->keys[k - (size_t)ct->ndkim_keys] : NULL;
		t->nkeys = ct->ndkim_keys;
		/* load trust anchors now, not in the middle of a run */
		smtprobed_tls(d, cref, ct->ca_file);
		cref->watch[i] = t;
		nt[n++] = t;
	}
	for (i = 0; i < d->ntargets; i++) {
		t = d->targets[i];
		if (t->gone == 2)
			t->gone = 0;
		else {
			struct emit_ctx	 e = { d, t };

			/* its open alerts end here, said so */
			alert_withdraw_all(&t->alerts, util_wall(), on_alert,
			    &e);
			/* a probe waiting for its next run gets none; one
			 * waiting for the running run still gets that */
			queued_probes_fail(t, "the target was removed by a "
			    "reload");
			t->gone = 1;
			target_free(t);
		}
	}
	for (i = 0; i < n; i++)
		nt[i]->gone = 0;
	free(d->targets);
	d->targets = nt;
	d->ntargets = n;
	if (d->cref != NULL)
		smtprobed_confref_put(d->cref);
	d->cref = cref;
	return 0;
}

int
runs_restore_alert(const struct store_alert *sa, void *arg)
{
	struct daemon	*d = arg;
	struct watch	*t = runs_find(d, sa->target);
	enum finding_id	 id = finding_lookup(sa->finding);

	if (t == NULL) {
		(void)logwatch_restore_alert(d, sa);	/* "log:NAME" */
		return 0;
	}
	if (id == F_COUNT)
		return 0;
	alert_restore(&t->alerts, sa->host, sa->addr, sa->port, id, 1,
	    t->ct->alert_after, 0, sa->severity, sa->evidence, sa->since,
	    sa->since, sa->notified);
	return 0;
}

void
runs_init(struct daemon *d, const struct admit_env *env)
{
	struct admit_params	 p;

	memset(&p, 0, sizeof(p));	/* runs_install sets them */
	admit_init(&d->admit, &p, env);
	timetable_init(&d->tt);
	if ((d->ev_tick = evtimer_new(d->base, tick_cb, d)) == NULL)
		fatalx("out of memory");
}

void
runs_stop(struct daemon *d)
{
	size_t	 i;

	for (i = 0; i < d->ntargets; i++)
		if (d->targets[i]->running != NULL) {
			check_free(d->targets[i]->running);
			d->targets[i]->running = NULL;
			smtprobed_confref_put(d->targets[i]->run_cref);
			d->targets[i]->run_cref = NULL;
		}
}

void
runs_free(struct daemon *d)
{
	size_t	 i;

	for (i = 0; i < d->ntargets; i++) {
		d->targets[i]->running = NULL;
		target_free(d->targets[i]);
	}
	free(d->targets);
	d->targets = NULL;
	d->ntargets = 0;
	timetable_free(&d->tt);
	event_free(d->ev_tick);
	d->ev_tick = NULL;
}
