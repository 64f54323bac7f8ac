/*
 * smtprobed.h - what the daemon's files share: the daemon, its targets as
 * it watches them, and the generations of the configuration they belong
 * to.
 *
 *	smtprobed.c	life cycle: start, configuration generations,
 *			reload, signals, watchdog, stop
 *	runs.c		targets, their schedule, runs and admission (on
 *			lib/admit.c), alerts
 *	control.c	the handlers of the control commands
 *	exporter.c	what /metrics says (metrics.c serves it)
 */
#ifndef SMTPROBE_SMTPROBED_H
#define SMTPROBE_SMTPROBED_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "admit.h"
#include "alert.h"
#include "audit.h"
#include "conf.h"
#include "ctl.h"
#include "smtp.h"
#include "timetable.h"

#define WAITERS_MAX	16	/* control clients waiting on one probe */
#define RUN_SESSIONS_MAX	8	/* sessions at once of one target, at
				   most: one domain's many MX do not fill
				   the loop (runs.c: a sixteenth of the
				   concurrency, 1 to this) */

struct event;
struct event_base;
struct evbuffer;
struct dns_resolver;
struct metrics;
struct store;
struct store_alert;
struct tls_ctx;

/* A TLS context verifying with the CAs of one ca-file. */
struct tls_pool {
	char		*ca_file;
	struct tls_ctx	*tls;		/* NULL: the file failed (said once) */
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
	struct watch	**watch;	/* conf->targets[i] as watched, or NULL
					   (another shard's): the daemon finds
					   targets by id through conf's index */
};

/* A target as the daemon watches it. */
struct watch {
	struct daemon		*d;
	const struct target	*ct;
	struct confref		*cref;		/* the conf ct lives in */
	char			*id;
	struct timetable_item	 item;
	int64_t			 next_audit;	/* monotonic ms */
	struct check		*running;
	struct confref		*run_cref;	/* conf the running check uses */
	int			 run_full;
	int64_t			 run_started;	/* wall seconds */
	struct admit_owner	 admitted;	/* its sessions now */
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

/*
 * Descriptors, shared out at start (smtprobed.c): what the daemon holds
 * and a reserve first, then caps on what clients may take, so that the
 * probes and the store always have theirs.
 */
struct fd_budget {
	unsigned long long limit;	/* RLIMIT_NOFILE, soft, after raising */
	int		 held;		/* open once started */
	int		 concurrency;	/* runs and sessions at once, at most */
	int		 dns;		/* DNS queries at once */
	int		 ctl_clients;	/* control clients at once */
	int		 metrics_conns;	/* metrics connections at once */
};

struct daemon {
	struct event_base	*base;
	const char		*conf_path;
	struct confref		*cref;		/* the running configuration */
	struct dns_resolver	*res;
	struct tls_ctx		*tls_default;
	struct store		*store;
	struct ctl_server	*ctl;
	struct metrics		*metrics;
	struct watch		**targets;	/* in this shard, in file order */
	size_t			 ntargets;
	struct logwatch		**logs;		/* [log] sections followed */
	size_t			 nlogs;
	struct timetable	 tt;
	struct admit		 admit;		/* sessions' admission, delays */
	struct fd_budget	 fds;
	struct event		*ev_tick;
	struct event		*ev_watchdog;
	struct event		*ev_sighup, *ev_sigterm, *ev_sigint;
	int			 checks;	/* running checks */
	int64_t			 started;	/* wall */
	uint64_t		 probes_run;
	uint64_t		 probes_failed;	/* crit or unknown */
	uint64_t		 probes_unknown;	/* could not look (probe.*) */
	uint64_t		 alerts_raised;
	int			 stopping;
	int			 debug;
	char			 hostname[256];
};

/* smtprobed.c */

/* The context verifying with ca_file in generation r (read once). */
struct tls_ctx	*smtprobed_tls(struct daemon *, struct confref *,
		    const char *ca_file);

/* Drop a reference to a generation; the last one frees it. */
void		 smtprobed_confref_put(struct confref *);

/* Read the configuration again; -1 with *why (to free) keeps the old. */
int		 smtprobed_reload(struct daemon *, char **why);

/* runs.c */

/* Admission and the schedule's timer: once, before the first install. */
void		 runs_init(struct daemon *, const struct admit_env *);

/*
 * Make conf the running configuration (keys: its dkim-keys, owned from
 * now on): targets that stay keep their history, alert state and
 * schedule; new ones get a first run; removed ones go, after their run.
 */
int		 runs_install(struct daemon *, struct conf *,
		    struct audit_dkim_key *keys, size_t nkeys);

/* The target with this id, or NULL. */
struct watch	*runs_find(struct daemon *, const char *id);
void		 runs_alert_say(struct daemon *, const char *target,
		    const struct alert *, enum alert_event, int64_t now,
		    const char *line, int domain);

/* Start what is due, up to the cap; wake when the next one is due. */
void		 runs_schedule(struct daemon *);

/* Start a run now, with the full audit when full; -1 when it cannot. */
int		 runs_start(struct watch *, int full);

/* Stop every run in flight (SIGTERM: a cut-short run is recorded as
 * nothing). */
void		 runs_stop(struct daemon *);

/* Free every target and the schedule's timer (at exit). */
void		 runs_free(struct daemon *);

/* store_alerts_load()'s callback: an open alert of the last run. */
int		 runs_restore_alert(const struct store_alert *, void *daemon);

/* control.c */

/* ctl_listen()'s callback. */
void		 control_request(struct ctl_server *, uint64_t id,
		    const struct ctl_command *, json_t *req, void *daemon);

/* The name of a control command without a handler, or NULL. */
const char	*control_unhandled(void);

/* exporter.c */

/* metrics_listen()'s callback: every family of /metrics. */
void		 exporter_render(struct evbuffer *, void *daemon);

/* logwatch.c: the [log] sections followed; install also on reload. */
int		 logwatch_install(struct daemon *, const struct conf *);

void		 logwatch_free(struct daemon *);

/* One object per followed log, its window's counts, appended to out. */
void		 logwatch_json(struct daemon *, json_t *out);

/* Its metrics, for exporter.c. */
void		 logwatch_metrics(struct daemon *, struct evbuffer *);

/*
 * Descriptors the [log] sections of c take: two for a file (itself,
 * and the old one across a rotation), LOGWATCH_JOURNAL_FDS for the
 * journal (a descriptor per journal file sd_journal has open, and its
 * inotify).
 */
#define LOGWATCH_JOURNAL_FDS	64
int		 logwatch_fds(const struct conf *);

/* The name of the i-th followed log, or NULL. */
const char	*logwatch_name(struct daemon *, size_t i);

/* logquery.c: the control command logs, answered from the store. */
void		 logquery_start(struct daemon *, struct ctl_server *,
		    uint64_t id, json_t *req);

/* Drop the queries still running (at exit). */
void		 logquery_free_all(void);

/*
 * store_alerts_load()'s callback for the alerts of a followed log
 * ("log:NAME"): 1 when the log is followed and the alert restored.
 */
int		 logwatch_restore_alert(struct daemon *,
		    const struct store_alert *);

#endif
