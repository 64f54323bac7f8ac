/*
 * exporter.c - what /metrics says about the daemon and its targets, in
 * families of Prometheus samples (probe/metrics.c serves them and knows
 * the format). Every family of ours is named smtprobe_*; the process_*
 * families are those every Prometheus client library exports, so the
 * dashboards made for them work here too.
 */
#include <sys/resource.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "dns.h"
#include "metrics.h"
#include "smtprobed.h"
#include "store.h"
#include "version.h"

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
	TM_ALERTS, TM_STATUS, TM_LASTRUN, TM_INTERVAL, TM_AUDIT, TM_COUNT
};

static const struct {
	const char	*name;
	const char	*help;
} tgt_metrics[TM_COUNT] = {
	{ "smtprobe_alerts_open", "Open alerts of the target" },
	{ "smtprobe_status", "Status of the last run, an enum: 0 ok, 1 warn, "
	    "2 crit, 3 unknown" },
	{ "smtprobe_last_run_timestamp_seconds", "When the last run started, "
	    "unix time" },
	{ "smtprobe_interval_seconds", "Time from the end of a run to the "
	    "start of the next (its interval setting)" },
	{ "smtprobe_audit_duration_seconds", "Wall time of the DNS audit of "
	    "the last run" },
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
		if (m == TM_INTERVAL) {
			metrics_sample(o, tgt_metrics[m].name, l,
			    (double)t->ct->interval_ms / 1000.0);
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
				    json_number_value(json_object_get(dns, "ms")) /
				    1000.0);
			break;
		}
	}
}

/*
 * The process_* families of the Prometheus client libraries, from the
 * process's own /proc entries (all a unit with ProcSubset=pid leaves):
 * CPU time, memory, descriptors, and when it started.
 */
static void
process_render(struct evbuffer *o, struct daemon *d)
{
	struct rlimit	 rl;
	struct dirent	*de;
	DIR		*dir;
	FILE		*fp;
	char		 buf[1024], *p;
	unsigned long	 utime = 0, stime = 0, vsize = 0;
	long		 rss = 0, ticks = sysconf(_SC_CLK_TCK);
	long		 page = sysconf(_SC_PAGESIZE);
	int		 fds = -1, ok = 0;

	/* after "(comm)": state, then fields 4 on; utime is field 14 */
	if ((fp = fopen("/proc/self/stat", "re")) != NULL) {
		if (fgets(buf, sizeof(buf), fp) != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
		    "%lu %lu %*d %*d %*d %*d %*d %*d %*u %lu %ld", &utime, &stime,
		    &vsize, &rss) == 4)
			ok = 1;
		fclose(fp);
	}
	if ((dir = opendir("/proc/self/fd")) != NULL) {
		fds = -1;	/* the directory's own descriptor */
		while ((de = readdir(dir)) != NULL)
			fds += de->d_name[0] != '.';
		closedir(dir);
	}
	metrics_family(o, "process_start_time_seconds", "gauge",
	    "When the process started, unix time");
	metrics_sample(o, "process_start_time_seconds", NULL,
	    (double)d->started);
	if (ok && ticks > 0) {
		metrics_family(o, "process_cpu_seconds_total", "counter",
		    "CPU time the process has used, user and system, in seconds");
		metrics_sample(o, "process_cpu_seconds_total", NULL,
		    (double)(utime + stime) / (double)ticks);
		metrics_family(o, "process_virtual_memory_bytes", "gauge",
		    "Virtual memory the process has mapped, in bytes");
		metrics_sample(o, "process_virtual_memory_bytes", NULL,
		    (double)vsize);
		metrics_family(o, "process_resident_memory_bytes", "gauge",
		    "Memory of the process resident in RAM, in bytes");
		metrics_sample(o, "process_resident_memory_bytes", NULL,
		    (double)rss * (double)page);
	}
	if (fds >= 0) {
		metrics_family(o, "process_open_fds", "gauge",
		    "Descriptors the process has open");
		metrics_sample(o, "process_open_fds", NULL, fds);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		metrics_family(o, "process_max_fds", "gauge",
		    "Descriptors the process may open (soft limit)");
		metrics_sample(o, "process_max_fds", NULL, (double)rl.rlim_cur);
	}
}

void
exporter_render(struct evbuffer *o, void *arg)
{
	struct daemon		*d = arg;
	struct store_counters	 sc;
	const struct dns_stats	*ds = dns_resolver_stats(d->res);
	size_t			 i, k;
	int			 m, ph, followers = 0;
	json_t			*f, *counts, *v;
	const char		*key;

	{
		/* as Prometheus's own *_build_info: constant 1, labels say */
		const char	*lb[] = { "version", version_number(),
		    "revision", version_revision(), "openssl",
		    version_openssl(), "libevent", version_libevent(), NULL };

		metrics_family(o, "smtprobe_build_info", "gauge", "What "
		    "smtprobed was built from, in its labels; always 1");
		metrics_sample(o, "smtprobe_build_info", lb, 1);
	}
	for (m = 0; m < SM_COUNT; m++)
		render_session_family(o, d, (enum sess_metric)m);
	for (m = 0; m < TM_COUNT; m++)
		render_target_family(o, d, (enum tgt_metric)m);
	logwatch_metrics(d, o);

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
	process_render(o, d);
	{
		/* the daemon's own figures: one unlabelled sample each */
		const struct {
			const char	*name, *type, *help;
			double		 v;
		} own[] = {
			{ "smtprobe_targets", "gauge", "Targets scheduled",
			    (double)d->ntargets },
			{ "smtprobe_probes_total", "counter", "Runs ended",
			    (double)d->probes_run },
			{ "smtprobe_probes_failed_total", "counter",
			    "Runs that ended crit or unknown",
			    (double)d->probes_failed },
			{ "smtprobe_checks_in_flight", "gauge", "Runs now",
			    d->checks },
			{ "smtprobe_sessions_in_flight", "gauge",
			    "Sessions now", d->admit.sessions },
			{ "smtprobe_alerts_raised_total", "counter",
			    "Alerts raised", (double)d->alerts_raised },
			{ "smtprobe_dns_lookups_total", "counter",
			    "DNS look-ups asked of the resolver",
			    (double)ds->lookups },
			{ "smtprobe_dns_cache_hits_total", "counter",
			    "DNS look-ups answered from the cache",
			    (double)ds->cache_hits },
			{ "smtprobe_dns_queries_sent_total", "counter",
			    "DNS messages sent", (double)ds->sent },
			{ "smtprobe_dns_timeouts_total", "counter",
			    "DNS queries that timed out", (double)ds->timeouts },
			{ "smtprobe_store_rows_total", "counter",
			    "Rows committed to the store", (double)sc.rows },
			{ "smtprobe_store_errors_total", "counter",
			    "Failed store transactions", (double)sc.errors },
			{ "smtprobe_store_dropped_total", "counter",
			    "Rows lost (queue full or write failed)",
			    (double)sc.dropped },
			{ "smtprobe_store_size_bytes", "gauge",
			    "Size of the store database", (double)sc.db_bytes },
			{ "smtprobe_store_failing", "gauge",
			    "1 while results cannot be written to the store",
			    sc.failing },
			{ "smtprobe_store_corrupt", "gauge",
			    "1 while the store database is corrupt",
			    sc.corrupt },
			{ "smtprobe_control_clients", "gauge",
			    "Control socket clients connected",
			    d->ctl ? ctl_clients(d->ctl, &followers) : 0 },
			{ "smtprobe_metrics_scrapes_total", "counter",
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

