/*
 * smtprobed.c - the daemon: every target of the configuration checked on
 * its interval, on one libevent loop; history in the rolling store;
 * alerts with hysteresis to syslog; a control socket; sd_notify.
 *
 * A target's run is a check (lib/check.c). When its DNS audit is due the
 * run audits everything; between audits it resolves only what sessions
 * need (answers come from the resolver's cache while their TTL lasts) and
 * alerts of audit-only findings are left as they are.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include <openssl/rand.h>

#include "alert.h"
#include "check.h"
#include "conf.h"
#include "ctl.h"
#include "dns.h"
#include "log.h"
#include "metrics.h"
#include "report.h"
#include "store.h"
#include "timetable.h"
#include "util.h"

#define DEFAULT_CONF	"/etc/smtprobed/smtprobed.conf"
#define WAITERS_MAX	16		/* control clients waiting on one probe */
#define SPACING_SLOTS	4096		/* addresses remembered for spacing */
#define STOP_MS		4000		/* SIGTERM: flush the store within */

/* A TLS context verifying with the CAs of one ca-file. */
struct tls_pool {
	char		*ca_file;
	struct tls_ctx	*tls;
};

/*
 * One generation of the configuration, held by its targets and by the
 * runs started under it. The trust anchors its ca-files name are read
 * for it (so a reload reads them again) and freed with it, once no run
 * can still start TLS with them.
 */
struct confref {
	struct conf	*conf;
	int		 refs;
	struct tls_pool	*tls;
	int		 ntls;
	struct audit_dkim_key *keys;	/* every target's dkim-key, read with
					   the conf, in the order of its
					   targets (keys_load) */
	size_t		 nkeys;
};

struct watch {
	struct daemon		*d;
	const struct target *ct;
	struct confref		*cref;		/* the conf ct lives in */
	char			*id;
	struct timetable_item	 item;
	int64_t			 next_audit;	/* monotonic ms */
	struct check		*running;
	struct confref		*run_cref;	/* conf the running check uses */
	int			 run_full;
	int64_t			 run_started;	/* wall seconds */
	const struct audit_dkim_key *keys;	/* its dkim-keys, in cref */
	int			 nkeys;
	struct alert_set	 alerts;
	json_t			*last;		/* last report */
	char			*dns_sig;	/* records at the last audit */
	int64_t			 sts_until;	/* wall: an enforce policy is
						   cached until then (RFC 8461
						   5.1: max_age) */
	uint64_t		 runs;
	double			 phase_sum[PH_COUNT];	/* seconds, all runs */
	uint64_t		 phase_count[PH_COUNT];
	uint64_t		 waiters[WAITERS_MAX];	/* on the running run */
	int			 nwaiters;
	uint64_t		 next[WAITERS_MAX];	/* asked during a run: they
							   get the next one */
	int			 nnext;
	int			 gone;		/* removed by a reload */
};

struct spacing {
	char		 addr[INET6_ADDRSTRLEN];
	int64_t		 last;
};

struct daemon {
	struct event_base	*base;
	const char		*conf_path;
	struct confref		*cref;
	struct dns_resolver	*res;
	struct tls_ctx		*tls_default;
	struct store		*store;
	struct ctl_server	*ctl;
	struct metrics		*metrics;
	struct watch		**targets;
	size_t			 ntargets;
	struct watch		**index;	/* open addressing by id hash */
	size_t			 nindex;	/* a power of two, > 2 ntargets */
	struct timetable	 tt;
	struct event		*ev_tick;
	struct event		*ev_watchdog;
	struct event		*ev_sighup, *ev_sigterm, *ev_sigint;
	int			 checks;	/* running checks */
	int			 sessions;	/* running sessions */
	struct spacing		 spacing[SPACING_SLOTS];
	int64_t			 started;	/* wall */
	uint64_t		 probes_run;
	uint64_t		 probes_failed;
	uint64_t		 alerts_raised;
	int			 stopping;
	int			 debug;
	char			 hostname[256];
};

static void	schedule(struct daemon *);
static void	target_free(struct watch *);
static int	run_start(struct watch *, int);

/* ---- small helpers ---- */

static int64_t
now_ms(void)
{
	return util_now_us() / 1000;
}

static uint64_t
rnd(void)
{
	uint64_t	 v = 0;

	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		v = (uint64_t)util_now_us() * 6364136223846793005ULL;
	return v;
}

/* The interval plus jitter: uniform in [0, jitter) on top. */
static int64_t
next_delay(const struct daemon *d, int64_t interval)
{
	const struct conf_daemon *cd = &d->cref->conf->daemon;
	int64_t	 j;

	j = cd->jitter_pct >= 0 ? interval * cd->jitter_pct / 100 :
	    cd->jitter_ms;
	if (j <= 0)
		return interval;
	return interval + (int64_t)(rnd() % (uint64_t)j);
}

static void
keys_free(struct audit_dkim_key *keys, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		dkim_pubkey_free(&keys[i].key);
	free(keys);
}

/*
 * Read the key file of every dkim-key of conf, target after target: a
 * key that cannot be read is an error of the configuration, like a bad
 * line (a comparison is never skipped in silence). Only public keys are
 * kept; a file named by many targets is read once.
 */
static int
keys_load(const char *path, const struct conf *conf,
    struct audit_dkim_key **keysp, size_t *np, char **cause)
{
	struct audit_dkim_key	*keys;
	const struct target *ct;
	const struct target_dkim_key *dk;
	char			*why;
	size_t			 i, j, k, n = 0;
	int			 m;

	*keysp = NULL;
	*np = 0;
	for (i = 0; i < conf->ntargets; i++)
		n += (size_t)conf->targets[i].ndkim_keys;
	if (n == 0)
		return 0;
	if ((keys = calloc(n, sizeof(*keys))) == NULL) {
		*cause = strdup("out of memory");
		return -1;
	}
	for (i = 0, k = 0; i < conf->ntargets; i++) {
		ct = &conf->targets[i];
		for (m = 0; m < ct->ndkim_keys; m++, k++) {
			dk = &ct->dkim_keys[m];
			keys[k].selector = dk->selector;
			keys[k].path = dk->path;
			for (j = 0; j < k; j++)
				if (strcmp(keys[j].path, dk->path) == 0)
					break;
			if (j < k) {
				dkim_pubkey_share(&keys[k].key, &keys[j].key);
				continue;
			}
			if (dkim_pubkey_read_file(dk->path, &keys[k].key,
			    &why) == -1) {
				if (asprintf(cause, "%s:%d: dkim-key: %s", path,
				    dk->line, why != NULL ? why :
				    "out of memory") == -1)
					*cause = NULL;
				free(why);
				keys_free(keys, k);
				return -1;
			}
			if (keys[k].key.from_private)
				log_info("%s:%d: dkim-key: %s is a private key: "
				    "only its public half is kept; the public "
				    "key is enough (openssl pkey -pubout)", path,
				    dk->line, dk->path);
		}
	}
	*keysp = keys;
	*np = n;
	return 0;
}

static void
confref_put(struct confref *r)
{
	int	 i;

	if (r != NULL && --r->refs == 0) {
		for (i = 0; i < r->ntls; i++) {
			tls_ctx_free(r->tls[i].tls);
			free(r->tls[i].ca_file);
		}
		free(r->tls);
		keys_free(r->keys, r->nkeys);
		conf_free(r->conf);
		free(r);
	}
}

/* The context verifying with ca_file, read once per configuration. */
static struct tls_ctx *
tls_for(struct daemon *d, struct confref *r, const char *ca_file)
{
	struct tls_pool	*np;
	struct tls_ctx	*t;
	char		*cause;
	int		 i;

	if (ca_file == NULL)
		return d->tls_default;
	for (i = 0; i < r->ntls; i++)
		if (strcmp(r->tls[i].ca_file, ca_file) == 0)
			return r->tls[i].tls;
	if ((t = tls_ctx_new(ca_file, &cause)) == NULL) {
		log_warnx("%s; using the system trust store", cause);
		return d->tls_default;
	}
	if ((np = reallocarray(r->tls, (size_t)r->ntls + 1, sizeof(*np))) ==
	    NULL) {
		tls_ctx_free(t);
		return d->tls_default;
	}
	r->tls = np;
	r->tls[r->ntls].ca_file = strdup(ca_file);
	r->tls[r->ntls].tls = t;
	if (r->tls[r->ntls].ca_file == NULL) {
		tls_ctx_free(t);
		return d->tls_default;
	}
	return r->tls[r->ntls++].tls;
}

/* ---- sessions' admission: global cap, spacing per address ---- */

static int
gate_acquire(void *arg, const struct sockaddr_storage *ss)
{
	struct daemon	*d = arg;
	char		 a[INET6_ADDRSTRLEN] = "";
	int64_t		 now = now_ms();
	int64_t		 gap = d->cref->conf->daemon.host_spacing_ms;
	uint64_t	 h;
	struct spacing	*sp;

	if (d->sessions >= d->cref->conf->daemon.concurrency)
		return 50;
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
		    a, sizeof(a));
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		    a, sizeof(a));
	h = conf_hash(a, strlen(a)) % SPACING_SLOTS;
	sp = &d->spacing[h];
	/* one slot per hash: a collision only spaces two addresses more */
	if (gap > 0 && sp->last != 0 && now - sp->last < gap)
		return (int)(gap - (now - sp->last));
	util_strlcpy(sp->addr, a, sizeof(sp->addr));
	sp->last = now;
	d->sessions++;
	return 0;
}

static void
gate_release(void *arg, const struct sockaddr_storage *ss)
{
	struct daemon	*d = arg;

	(void)ss;
	d->sessions--;
}

/* ---- alerts ---- */

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

static void
on_alert(const struct alert *a, enum alert_event ev, int64_t now, void *arg)
{
	struct emit_ctx		*e = arg;
	struct store_alert	 sa;
	char			 line[1024];

	alert_format(a, ev, e->t->id, now, line, sizeof(line));
	if (e->d->debug)
		log_info("%s", line);
	else
		syslog(ev == ALERT_CLEARED ? LOG_NOTICE : LOG_WARNING, "%s", line);
	if (ev == ALERT_RAISED)
		e->d->alerts_raised++;
	memset(&sa, 0, sizeof(sa));
	sa.target = e->t->id;
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
	if (e->d->store != NULL)
		store_add_alert(e->d->store, &sa);
	if (e->d->ctl != NULL)
		ctl_broadcast(e->d->ctl, json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,"
		    "s:s,s:s,s:I,s:s}", "event", "alert", "transition",
		    alert_event_name(ev), "target", e->t->id, "host", a->host,
		    "addr", a->addr, "port", a->port, "finding",
		    finding_def(a->id)->id, "severity",
		    finding_severity_name(a->severity), "at", (json_int_t)now,
		    "line", line));
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

/* ---- runs ---- */

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
	int			 i, full = t->run_full;

	d->checks--;
	d->probes_run++;
	if (rep->worst >= SEV_CRIT || rep->unknown)
		d->probes_failed++;
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
	if (!t->gone) {
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
		    check_status(rep), "findings", (int)rep->findings.n, "ms",
		    (json_int_t)rep->ms, "full_audit", full));
	/*
	 * What a target keeps of its last run, for show and /metrics. The
	 * whole report (phases, replies, chains, records) goes to the store
	 * and to whoever asked; kept for 10 000 domains it would cost
	 * gigabytes.
	 */
	json_decref(t->last);
	t->last = report_summary_json(rep);
	json_object_set_new(t->last, "at", json_integer(t->run_started));
	json_object_set_new(t->last, "full_audit", json_boolean(full));
	check_free(chk);
	t->running = NULL;
	confref_put(t->run_cref);
	t->run_cref = NULL;
	if (!t->gone && t->nnext > 0) {
		/* a probe asked during that run wants one that starts after */
		memcpy(t->waiters, t->next, sizeof(t->next[0]) * (size_t)t->nnext);
		t->nwaiters = t->nnext;
		t->nnext = 0;
		timetable_remove(&d->tt, &t->item);
		if (run_start(t, 1) == 0) {
			schedule(d);
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
		timetable_put(&d->tt, &t->item, now_ms() + next_delay(d,
		    t->ct->interval_ms));
	schedule(d);
}

static void
build_params(struct watch *t, struct check_params *p, int full)
{
	target_check_params(t->ct, t->d->hostname, p);
	/* a per-target cap keeps one domain's many MX from filling the loop */
	p->max_inflight = 8;
	p->audit.dkim_keys = t->keys;
	p->audit.ndkim_keys = t->nkeys;
	if (!full)
		p->audit.minimal = 1;
	p->sts_enforce = util_wall() < t->sts_until;
}

static int
run_start(struct watch *t, int force_full)
{
	struct daemon		*d = t->d;
	struct check_params	 p;
	struct check_gate	 g = { gate_acquire, gate_release, d };
	const char		*cause;
	int64_t			 now = now_ms();
	int			 full;

	full = force_full || now >= t->next_audit;
	build_params(t, &p, full);
	t->running = check_start(d->base, d->res, tls_for(d, t->cref, t->ct->ca_file),
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
	schedule(arg);
}

/* Start what is due, up to the cap; sleep until the next due time. */
static void
schedule(struct daemon *d)
{
	struct timetable_item	*it;
	struct watch		*t;
	struct timeval		 tv;
	int64_t			 now = now_ms(), wait;
	int			 cap = d->cref->conf->daemon.concurrency;

	if (d->stopping)
		return;
	while (d->checks < cap && (it = timetable_pop_due(&d->tt, now)) != NULL) {
		t = it->data;
		if (t->running != NULL)
			continue;	/* rescheduled when it ends */
		if (run_start(t, 0) == -1)
			timetable_put(&d->tt, &t->item, now + next_delay(d,
			    t->ct->interval_ms));
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

/* ---- targets ---- */

static struct watch *
target_find(struct daemon *d, const char *id)
{
	size_t	 i;

	if (d->nindex == 0)
		return NULL;
	/* linear probing from the id's hash: O(1) per look-up at reload */
	for (i = conf_hash(id, strlen(id)) & (d->nindex - 1);
	    d->index[i] != NULL; i = (i + 1) & (d->nindex - 1))
		if (strcmp(d->index[i]->id, id) == 0)
			return d->index[i];
	return NULL;
}

/* Rebuild the id index for targets[0..n). -1 when memory runs out. */
static int
index_build(struct daemon *d, struct watch **v, size_t n)
{
	struct watch	**ix;
	size_t		  sz = 16, i, k;

	while (sz < 2 * n + 1)
		sz *= 2;
	if ((ix = calloc(sz, sizeof(*ix))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		for (k = conf_hash(v[i]->id, strlen(v[i]->id)) & (sz - 1);
		    ix[k] != NULL; k = (k + 1) & (sz - 1))
			;
		ix[k] = v[i];
	}
	free(d->index);
	d->index = ix;
	d->nindex = sz;
	return 0;
}

static void
target_free(struct watch *t)
{
	if (t->running != NULL) {
		t->gone = 1;	/* run_done frees it */
		return;
	}
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
static int
install(struct daemon *d, struct conf *conf, struct audit_dkim_key *keys,
    size_t nkeys)
{
	struct confref	*cref;
	struct watch	**nt, *t;
	size_t		 i, n = 0, k = 0;
	int64_t		 now = now_ms();

	if ((cref = calloc(1, sizeof(*cref))) == NULL)
		return -1;
	if ((nt = calloc(conf->ntargets + 1, sizeof(*nt))) == NULL) {
		free(cref);
		return -1;
	}
	cref->conf = conf;
	cref->refs = 1;
	cref->keys = keys;
	cref->nkeys = nkeys;
	for (i = 0; i < conf->ntargets; i++) {
		const struct target *ct = &conf->targets[i];

		k += (size_t)ct->ndkim_keys;
		if (!conf_target_in_shard(conf, ct))
			continue;
		if ((t = target_find(d, ct->id)) != NULL && !t->gone) {
			t->ct = ct;
			t->cref = cref;
			t->gone = 2;	/* mark: kept */
		} else if ((t = target_new(d, ct, cref)) != NULL) {
			/* the first run within a tenth of the interval: soon
			 * after start, but never all at once */
			timetable_put(&d->tt, &t->item, now + (int64_t)(rnd() %
			    (uint64_t)(ct->interval_ms > 1000 ? ct->interval_ms :
			    1000) / 10));
		} else
			continue;
		/* a running check keeps the keys of its own generation */
		t->keys = ct->ndkim_keys > 0 ?
		    &cref->keys[k - (size_t)ct->ndkim_keys] : NULL;
		t->nkeys = ct->ndkim_keys;
		/* load trust anchors now, not in the middle of a run */
		tls_for(d, cref, ct->ca_file);
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
			t->gone = 1;
			target_free(t);
		}
	}
	for (i = 0; i < n; i++)
		nt[i]->gone = 0;
	free(d->targets);
	d->targets = nt;
	d->ntargets = n;
	if (index_build(d, nt, n) == -1)
		fatalx("out of memory");
	if (d->cref != NULL)
		confref_put(d->cref);
	d->cref = cref;
	return 0;
}

/* ---- alert state from the store at start ---- */

static int
restore_alert(const struct store_alert *sa, void *arg)
{
	struct daemon	*d = arg;
	struct watch	*t = target_find(d, sa->target);
	enum finding_id	 id = finding_lookup(sa->finding);

	if (t == NULL || id == F_COUNT)
		return 0;
	alert_restore(&t->alerts, sa->host, sa->addr, sa->port, id, 1,
	    t->ct->alert_after, 0, sa->severity, sa->evidence, sa->since,
	    sa->since, sa->notified);
	return 0;
}

/* ---- control ---- */

static json_t *
status_json(struct daemon *d)
{
	struct store_counters	 sc;
	const struct dns_stats	*ds = d->res ? dns_resolver_stats(d->res) : NULL;
	json_t			*o;
	size_t			 i;
	int			 open = 0, followers = 0, clients;

	for (i = 0; i < d->ntargets; i++)
		open += d->targets[i]->alerts.nopen;
	memset(&sc, 0, sizeof(sc));
	if (d->store != NULL)
		store_counters(d->store, &sc);
	clients = d->ctl ? ctl_clients(d->ctl, &followers) : 0;
	o = json_pack("{s:b,s:I,s:i,s:I,s:I,s:i,s:i,s:i,s:I,"
	    "s:{s:I,s:I,s:I,s:I,s:I,s:b},s:{s:I,s:I,s:I},s:{s:i,s:i}}",
	    "ok", 1, "uptime", (json_int_t)(util_wall() - d->started),
	    "targets", (int)d->ntargets,
	    "probes_run", (json_int_t)d->probes_run,
	    "probes_failed", (json_int_t)d->probes_failed,
	    "in_flight", d->checks, "sessions_in_flight", d->sessions,
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
	return o;
}

static json_t *
targets_json(struct daemon *d)
{
	json_t	*a = json_array();
	size_t	 i;
	int64_t	 now = now_ms();

	for (i = 0; i < d->ntargets; i++) {
		struct watch	*t = d->targets[i];
		json_t		*st = t->last ? json_object_get(t->last, "status") :
				    NULL;

		json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:O,s:I,s:i,"
		    "s:b,s:I}", "target", t->id, "kind",
		    t->ct->kind == TARGET_DOMAIN ? "domain" : "host",
		    "interval_s", (json_int_t)(t->ct->interval_ms / 1000),
		    "status", st ? st : json_null(),
		    "last_run", (json_int_t)(t->last ? json_integer_value(
		    json_object_get(t->last, "at")) : 0),
		    "open_alerts", t->alerts.nopen,
		    "running", t->running != NULL,
		    "next_run_in_s", (json_int_t)(timetable_queued(&t->item) ?
		    (t->item.due - now) / 1000 : 0)));
	}
	return json_pack("{s:b,s:o}", "ok", 1, "targets", a);
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

static int	reload(struct daemon *, char **why);

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
	(void)req;
	(void)t;
	ctl_reply(s, id, targets_json(d));
}

static void
h_show(struct daemon *d, struct ctl_server *s, uint64_t id, json_t *req,
    struct watch *t)
{
	(void)d;
	(void)req;
	ctl_reply(s, id, show_json(t));
}

static void
h_history(struct daemon *d, struct ctl_server *s, uint64_t id, json_t *req,
    struct watch *t)
{
	json_int_t	 since = json_integer_value(json_object_get(req, "since"));
	json_int_t	 until = json_integer_value(json_object_get(req, "until"));
	json_int_t	 limit = json_integer_value(json_object_get(req, "limit"));
	char		*cause = NULL;
	json_t		*h;

	if (d->store == NULL ||
	    (h = store_history(d->store, t->id, since, until ? until :
	    INT64_MAX, limit <= 0 ? 100 : limit > STORE_LIMIT_MAX ?
	    STORE_LIMIT_MAX : (int)limit, &cause)) == NULL) {
		ctl_reply_error(s, id, cause ? cause : "no store");
		free(cause);
	} else
		ctl_reply(s, id, json_pack("{s:b,s:s,s:o}", "ok", 1,
		    "target", t->id, "history", h));
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
	if (run_start(t, 1) == -1) {
		t->nwaiters--;
		ctl_reply_error(s, id, "cannot start the check");
		timetable_put(&d->tt, &t->item, now_ms() + t->ct->interval_ms);
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
	if (reload(d, &why) == 0)
		ctl_reply(s, id, json_pack("{s:b,s:i}", "ok", 1, "targets",
		    (int)d->ntargets));
	else {
		ctl_reply_error(s, id, why ? why : "reload failed");
		free(why);
	}
}

static const ctl_handler handlers[CTL_NCMDS] = {
	[CTL_STATUS] = h_status,
	[CTL_TARGETS] = h_targets,
	[CTL_SHOW] = h_show,
	[CTL_HISTORY] = h_history,
	[CTL_PROBE] = h_probe,
	[CTL_FOLLOW] = h_follow,
	[CTL_RELOAD] = h_reload,
};

static void
on_request(struct ctl_server *s, uint64_t id, const struct ctl_command *cmd,
    json_t *req, void *arg)
{
	struct daemon	*d = arg;
	struct watch	*t = NULL;

	if (cmd->flags & CTL_TARGET) {
		t = target_find(d, json_string_value(json_object_get(req,
		    "target")));
		if (t == NULL) {
			ctl_reply_error(s, id, "no such target");
			return;
		}
	}
	handlers[cmd->cmd](d, s, id, req, t);
}

/* ---- life cycle ---- */

static int
reload(struct daemon *d, char **why)
{
	struct conf		*conf = NULL;
	struct audit_dkim_key	*keys;
	size_t			 nkeys;
	char			*cause = NULL;

	sd_notify(0, "RELOADING=1");
	if (conf_load(d->conf_path, &conf, &cause) == -1 ||
	    keys_load(d->conf_path, conf, &keys, &nkeys, &cause) == -1) {
		conf_free(conf);
		log_warnx("reload: %s; keeping the running configuration",
		    cause);
		if (why != NULL)
			*why = cause;
		else
			free(cause);
		sd_notify(0, "READY=1");
		return -1;
	}
	if (install(d, conf, keys, nkeys) == -1) {
		keys_free(keys, nkeys);
		conf_free(conf);
		if (why != NULL)
			*why = strdup("out of memory");
		sd_notify(0, "READY=1");
		return -1;
	}
	store_set_retention(d->store, conf->daemon.store_retention_ms / 1000,
	    (int64_t)conf->daemon.store_max_size);
	log_info("reloaded %s: %zu targets", d->conf_path, d->ntargets);
	sd_notify(0, "READY=1");
	schedule(d);
	return 0;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon	*d = arg;
	size_t		 i;

	(void)what;
	if (sig == SIGHUP) {
		reload(d, NULL);
		return;
	}
	log_info("stopping on signal %d", (int)sig);
	sd_notify(0, "STOPPING=1");
	d->stopping = 1;
	/* end what is in flight: a cut-short run is recorded as nothing */
	for (i = 0; i < d->ntargets; i++)
		if (d->targets[i]->running != NULL) {
			check_free(d->targets[i]->running);
			d->targets[i]->running = NULL;
			confref_put(d->targets[i]->run_cref);
			d->targets[i]->run_cref = NULL;
		}
	event_base_loopexit(d->base, NULL);
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

/* ---- metrics ---- */

enum sess_metric {
	SM_UP, SM_DURATION, SM_REPLY, SM_NOTAFTER, SM_VERIFIED, SM_DANE,
	SM_COUNT
};

static const struct {
	const char	*name;
	const char	*help;
} sess_metrics[SM_COUNT] = {
	{ "smtprobe_up", "1 if the last session to the address and port "
	    "reached QUIT, else 0" },
	{ "smtprobe_session_duration_seconds", "Wall time of the last session" },
	{ "smtprobe_last_reply_code", "Last SMTP reply code of the last "
	    "session (0: none)" },
	{ "smtprobe_tls_cert_not_after_timestamp_seconds", "notAfter of the "
	    "server certificate, unix time" },
	{ "smtprobe_tls_verified", "1 if the certificate chain and name "
	    "verified in the last session" },
	{ "smtprobe_dane_verified", "1 if a DNSSEC-validated TLSA record "
	    "matched in the last session" },
};

/* One family over every session of every target: samples stay grouped. */
static void
render_session_family(struct evbuffer *o, struct daemon *d, enum sess_metric m)
{
	json_t		*se, *tls, *dane;
	size_t		 i, j;
	char		 port[16];
	const char	*outcome;

	metrics_family(o, sess_metrics[m].name, "gauge", sess_metrics[m].help);
	for (j = 0; j < d->ntargets; j++) {
		if (d->targets[j]->last == NULL)
			continue;
		json_array_foreach(json_object_get(d->targets[j]->last,
		    "sessions"), i, se) {
			const char *l[] = { "target", d->targets[j]->id, "host",
			    json_string_value(json_object_get(se, "host")),
			    "addr", json_string_value(json_object_get(se, "addr")),
			    "port", port, NULL };

			if (l[3] == NULL || l[5] == NULL)
				continue;
			snprintf(port, sizeof(port), "%lld", (long long)
			    json_integer_value(json_object_get(se, "port")));
			tls = json_object_get(se, "tls");
			dane = json_object_get(tls, "dane");
			switch (m) {
			case SM_UP:
				outcome = json_string_value(json_object_get(se,
				    "outcome"));
				metrics_sample(o, sess_metrics[m].name, l,
				    outcome != NULL && strcmp(outcome, "ok") == 0);
				break;
			case SM_DURATION:
				metrics_sample(o, sess_metrics[m].name, l,
				    json_real_value(json_object_get(se, "ms")) /
				    1000.0);
				break;
			case SM_REPLY:
				metrics_sample(o, sess_metrics[m].name, l,
				    (double)json_integer_value(json_object_get(se,
				    "code")));
				break;
			case SM_NOTAFTER:
				if (json_integer_value(json_object_get(tls,
				    "not_after")) > 0)
					metrics_sample(o, sess_metrics[m].name, l,
					    (double)json_integer_value(
					    json_object_get(tls, "not_after")));
				break;
			case SM_VERIFIED:
				if (json_is_object(tls))
					metrics_sample(o, sess_metrics[m].name, l,
					    json_is_true(json_object_get(tls,
					    "verified")) && json_is_true(
					    json_object_get(tls, "hostname_ok")));
				break;
			default:
				if (json_integer_value(json_object_get(dane,
				    "usable")) > 0)
					metrics_sample(o, sess_metrics[m].name, l,
					    json_is_true(json_object_get(dane,
					    "ok")));
				break;
			}
		}
	}
}

/* A per-target family: value(t) for each target that has one. */
enum tgt_metric {
	TM_ALERTS, TM_STATUS, TM_LASTRUN, TM_AUDIT, TM_COUNT
};

static const struct {
	const char	*name;
	const char	*help;
} tgt_metrics[TM_COUNT] = {
	{ "smtprobe_alerts_open", "Open alerts of the target" },
	{ "smtprobe_status", "Worst severity of the last run: 0 ok, 1 warn, "
	    "2 crit, 3 unknown" },
	{ "smtprobe_last_run_timestamp_seconds", "When the last run started, "
	    "unix time" },
	{ "smtprobe_audit_duration_seconds", "Wall time of the last DNS audit" },
};

static void
render_target_family(struct evbuffer *o, struct daemon *d, enum tgt_metric m)
{
	size_t		 i;
	const char	*st;

	metrics_family(o, tgt_metrics[m].name, "gauge", tgt_metrics[m].help);
	for (i = 0; i < d->ntargets; i++) {
		struct watch	*t = d->targets[i];
		const char	*l[] = { "target", t->id, NULL };
		json_t		*dns;

		if (m == TM_ALERTS) {
			metrics_sample(o, tgt_metrics[m].name, l, t->alerts.nopen);
			continue;
		}
		if (t->last == NULL)
			continue;
		switch (m) {
		case TM_STATUS:
			st = json_string_value(json_object_get(t->last, "status"));
			metrics_sample(o, tgt_metrics[m].name, l, st == NULL ? 3 :
			    strcmp(st, "ok") == 0 ? 0 : strcmp(st, "warn") == 0 ?
			    1 : strcmp(st, "crit") == 0 ? 2 : 3);
			break;
		case TM_LASTRUN:
			metrics_sample(o, tgt_metrics[m].name, l, (double)
			    json_integer_value(json_object_get(t->last, "at")));
			break;
		default:
			dns = json_object_get(t->last, "dns");
			if (json_is_object(dns))
				metrics_sample(o, tgt_metrics[m].name, l,
				    json_integer_value(json_object_get(dns, "ms")) /
				    1000.0);
			break;
		}
	}
}

static void
render_metrics(struct evbuffer *o, void *arg)
{
	struct daemon		*d = arg;
	struct store_counters	 sc;
	const struct dns_stats	*ds = dns_resolver_stats(d->res);
	size_t			 i, k;
	int			 m, ph, followers = 0, open = 0;
	json_t			*f, *counts, *v;
	const char		*key;

	for (m = 0; m < SM_COUNT; m++)
		render_session_family(o, d, (enum sess_metric)m);
	for (m = 0; m < TM_COUNT; m++)
		render_target_family(o, d, (enum tgt_metric)m);

	metrics_family(o, "smtprobe_phase_duration_seconds", "summary",
	    "Duration of session phases, all sessions of the target");
	for (i = 0; i < d->ntargets; i++)
		for (ph = 0; ph < PH_COUNT; ph++) {
			struct watch	*t = d->targets[i];
			const char	*l[] = { "target", t->id, "phase",
			    smtp_phase_name((enum smtp_phase)ph), NULL };

			if (t->phase_count[ph] == 0)
				continue;
			metrics_sample(o, "smtprobe_phase_duration_seconds_sum",
			    l, t->phase_sum[ph]);
			metrics_sample(o, "smtprobe_phase_duration_seconds_count",
			    l, (double)t->phase_count[ph]);
		}

	metrics_family(o, "smtprobe_mtasts_mode", "gauge", "1 for the MTA-STS "
	    "mode of the domain's policy");
	for (i = 0; i < d->ntargets; i++) {
		json_t	*dns = d->targets[i]->last == NULL ? NULL :
		    json_object_get(d->targets[i]->last, "dns");
		const char *lm[] = { "target", d->targets[i]->id, "mode",
		    json_string_value(json_object_get(dns, "mta_sts_mode")),
		    NULL };

		if (lm[3] != NULL)
			metrics_sample(o, "smtprobe_mtasts_mode", lm, 1);
	}

	/* one series per (target, id, severity): a count, never a duplicate */
	metrics_family(o, "smtprobe_findings", "gauge", "Findings of the last "
	    "run, by id and severity");
	for (i = 0; i < d->ntargets; i++) {
		struct watch	*t = d->targets[i];

		open += t->alerts.nopen;
		if (t->last == NULL || (counts = json_object()) == NULL)
			continue;
		json_array_foreach(json_object_get(t->last, "findings"), k, f) {
			char	 kb[128];

			snprintf(kb, sizeof(kb), "%s %s",
			    json_string_value(json_object_get(f, "id")) ?
			    json_string_value(json_object_get(f, "id")) : "?",
			    json_string_value(json_object_get(f, "severity")) ?
			    json_string_value(json_object_get(f, "severity")) :
			    "?");
			json_object_set_new(counts, kb, json_integer(1 +
			    json_integer_value(json_object_get(counts, kb))));
		}
		json_object_foreach(counts, key, v) {
			char		 id[128];
			const char	*sp = strchr(key, ' ');
			const char	*lf[] = { "target", t->id, "finding", id,
			    "severity", sp ? sp + 1 : "?", NULL };

			snprintf(id, sizeof(id), "%.*s", sp ? (int)(sp - key) :
			    (int)strlen(key), key);
			metrics_sample(o, "smtprobe_findings", lf,
			    (double)json_integer_value(v));
		}
		json_decref(counts);
	}

	memset(&sc, 0, sizeof(sc));
	store_counters(d->store, &sc);
	{
		/* the daemon's own figures: one unlabelled sample each */
		const struct {
			const char	*name, *type, *help;
			double		 v;
		} own[] = {
			{ "smtprobed_start_time_seconds", "gauge",
			    "When the daemon started, unix time",
			    (double)d->started },
			{ "smtprobed_targets", "gauge", "Targets scheduled",
			    (double)d->ntargets },
			{ "smtprobed_probes_total", "counter", "Runs ended",
			    (double)d->probes_run },
			{ "smtprobed_probes_failed_total", "counter",
			    "Runs that ended crit or unknown",
			    (double)d->probes_failed },
			{ "smtprobed_checks_in_flight", "gauge", "Runs now",
			    d->checks },
			{ "smtprobed_sessions_in_flight", "gauge",
			    "Sessions now", d->sessions },
			{ "smtprobed_alerts_open", "gauge", "Open alerts",
			    open },
			{ "smtprobed_alerts_raised_total", "counter",
			    "Alerts raised", (double)d->alerts_raised },
			{ "smtprobed_dns_lookups_total", "counter",
			    "DNS look-ups asked of the resolver",
			    (double)ds->lookups },
			{ "smtprobed_dns_cache_hits_total", "counter",
			    "DNS look-ups answered from the cache",
			    (double)ds->cache_hits },
			{ "smtprobed_dns_queries_sent_total", "counter",
			    "DNS messages sent", (double)ds->sent },
			{ "smtprobed_dns_timeouts_total", "counter",
			    "DNS queries that timed out", (double)ds->timeouts },
			{ "smtprobed_store_rows_total", "counter",
			    "Rows committed to the store", (double)sc.rows },
			{ "smtprobed_store_errors_total", "counter",
			    "Failed store transactions", (double)sc.errors },
			{ "smtprobed_store_dropped_total", "counter",
			    "Rows lost (queue full or write failed)",
			    (double)sc.dropped },
			{ "smtprobed_store_size_bytes", "gauge",
			    "Size of the store database", (double)sc.db_bytes },
			{ "smtprobed_store_failing", "gauge",
			    "1 while results cannot be written to the store",
			    sc.failing },
			{ "smtprobed_store_corrupt", "gauge",
			    "1 while the store database is corrupt",
			    sc.corrupt },
			{ "smtprobed_control_clients", "gauge",
			    "Control socket clients connected",
			    d->ctl ? ctl_clients(d->ctl, &followers) : 0 },
			{ "smtprobed_metrics_scrapes_total", "counter",
			    "Scrapes of this endpoint", d->metrics ?
			    (double)metrics_scrapes(d->metrics) + 1 : 1 },
		};
		size_t	 oi;

		for (oi = 0; oi < sizeof(own) / sizeof(own[0]); oi++) {
			metrics_family(o, own[oi].name, own[oi].type,
			    own[oi].help);
			metrics_sample(o, own[oi].name, NULL, own[oi].v);
		}
	}
}

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: smtprobed [-dnv] [-f file]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static struct daemon	 d;
	struct store_params	 sp;
	struct ctl_config	 cc;
	struct dns_config	 dc;
	struct conf		*conf = NULL;
	const struct conf_daemon *cd;
	struct audit_dkim_key	*keys;
	char			*cause = NULL, path[4096];
	uint64_t		 wd_usec = 0;
	size_t			 i, nkeys;
	int			 ch, check_only = 0;

	d.conf_path = DEFAULT_CONF;
	while ((ch = getopt(argc, argv, "df:nv")) != -1) {
		switch (ch) {
		case 'd':
			d.debug = 1;
			break;
		case 'f':
			d.conf_path = optarg;
			break;
		case 'n':
			check_only = 1;
			break;
		case 'v':
			log_setverbose(1);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	/* until the configuration says where: what reading it logs */
	log_init(1, "smtprobed", LOG_DAEMON);
	if (conf_load(d.conf_path, &conf, &cause) == -1 ||
	    keys_load(d.conf_path, conf, &keys, &nkeys, &cause) == -1) {
		fprintf(stderr, "smtprobed: %s\n", cause);
		free(cause);
		conf_free(conf);
		return 1;
	}
	if (check_only) {
		printf("%s: configuration ok, %zu target(s)\n", d.conf_path,
		    conf->ntargets);
		keys_free(keys, nkeys);
		conf_free(conf);
		return 0;
	}
	cd = &conf->daemon;
	log_init(d.debug, "smtprobed", cd->syslog_facility);
	if (!d.debug)
		openlog("smtprobed", LOG_PID | LOG_NDELAY, cd->syslog_facility);
	if (gethostname(d.hostname, sizeof(d.hostname)) != 0 ||
	    d.hostname[0] == '\0')
		util_strlcpy(d.hostname, "localhost", sizeof(d.hostname));
	signal(SIGPIPE, SIG_IGN);
	d.started = util_wall();
	if ((d.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	timetable_init(&d.tt);
	if ((d.tls_default = tls_ctx_new(NULL, &cause)) == NULL)
		fatalx("%s", cause);

	dns_config_init(&dc);
	for (i = 0; i < (size_t)cd->nresolvers; i++)
		dc.servers[dc.nservers++] = cd->resolvers[i];
	if (dc.nservers == 0 &&
	    dns_config_resolv_conf(&dc, "/etc/resolv.conf", &cause) == -1)
		fatalx("%s", cause);
	dc.max_inflight = 256;
	if ((d.res = dns_resolver_new(d.base, &dc, &cause)) == NULL)
		fatalx("resolver: %s", cause);

	if (mkdir(cd->state_dir, 0750) == -1 && errno != EEXIST)
		fatal("%s", cd->state_dir);
	store_params_defaults(&sp);
	snprintf(path, sizeof(path), "%s/smtprobed.db", cd->state_dir);
	sp.path = path;
	sp.retain_age = cd->store_retention_ms / 1000;
	sp.retain_bytes = (int64_t)cd->store_max_size;
	if ((d.store = store_open(&sp, &cause)) == NULL)
		fatalx("store: %s", cause);

	if (install(&d, conf, keys, nkeys) == -1)
		fatalx("out of memory");
	if (store_alerts_load(d.store, restore_alert, &d, &cause) == -1) {
		log_warnx("store: cannot load the alert state: %s", cause);
		free(cause);
	}

	memset(&cc, 0, sizeof(cc));
	cc.path = cd->control_socket;
	cc.mode = cd->control_mode;
	cc.gid = (gid_t)-1;
	if (cd->control_group != NULL) {
		struct group	*gr = getgrnam(cd->control_group);
		char		*end;
		long		 g = strtol(cd->control_group, &end, 10);

		if (gr != NULL)
			cc.gid = gr->gr_gid;
		else if (*end == '\0' && g >= 0)
			cc.gid = (gid_t)g;
		else
			fatalx("control-group: no group \"%s\"",
			    cd->control_group);
	}
	{
		char	*dir = strdup(cd->control_socket), *sl;

		if (dir != NULL && (sl = strrchr(dir, '/')) != NULL && sl != dir) {
			*sl = '\0';
			if (mkdir(dir, 0755) == -1 && errno != EEXIST)
				log_warn("%s", dir);
		}
		free(dir);
	}
	for (i = 0; i < CTL_NCMDS; i++)
		if (handlers[i] == NULL)
			fatalx("control command %s has no handler",
			    ctl_commands[i].name);
	if ((d.ctl = ctl_listen(d.base, &cc, on_request, &d, &cause)) == NULL)
		fatalx("control socket: %s", cause);

	if (cd->metrics != NULL && (d.metrics = metrics_listen(d.base,
	    &cd->metrics_ss, cd->metrics_sslen, render_metrics, &d,
	    &cause)) == NULL)
		fatalx("%s", cause);

	d.ev_tick = evtimer_new(d.base, tick_cb, &d);
	d.ev_sighup = evsignal_new(d.base, SIGHUP, on_signal, &d);
	d.ev_sigterm = evsignal_new(d.base, SIGTERM, on_signal, &d);
	d.ev_sigint = evsignal_new(d.base, SIGINT, on_signal, &d);
	if (d.ev_tick == NULL || d.ev_sighup == NULL || d.ev_sigterm == NULL ||
	    d.ev_sigint == NULL)
		fatalx("out of memory");
	evsignal_add(d.ev_sighup, NULL);
	evsignal_add(d.ev_sigterm, NULL);
	evsignal_add(d.ev_sigint, NULL);
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0) {
		struct timeval tv = { (time_t)(wd_usec / 2000000),
		    (suseconds_t)((wd_usec / 2) % 1000000) };

		d.ev_watchdog = event_new(d.base, -1, EV_PERSIST, watchdog_cb,
		    &d);
		if (d.ev_watchdog != NULL)
			event_add(d.ev_watchdog, &tv);
	}
	log_info("started: %zu target(s), control %s, store %s", d.ntargets,
	    cd->control_socket, path);
	sd_notify(0, "READY=1");
	schedule(&d);
	event_base_dispatch(d.base);

	/* SIGTERM: the store gets what was queued, within the deadline */
	if (store_flush(d.store, STOP_MS) == -1)
		log_warnx("store: not everything was written before the "
		    "deadline");
	ctl_close(d.ctl);
	metrics_close(d.metrics);
	for (i = 0; i < d.ntargets; i++) {
		d.targets[i]->running = NULL;
		target_free(d.targets[i]);
	}
	free(d.targets);
	free(d.index);
	store_close(d.store);
	confref_put(d.cref);
	timetable_free(&d.tt);
	dns_resolver_free(d.res);
	tls_ctx_free(d.tls_default);
	event_free(d.ev_tick);
	event_free(d.ev_sighup);
	event_free(d.ev_sigterm);
	event_free(d.ev_sigint);
	if (d.ev_watchdog)
		event_free(d.ev_watchdog);
	event_base_free(d.base);
	log_info("stopped");
	return 0;
}
