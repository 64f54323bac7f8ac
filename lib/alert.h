/*
 * alert.h - alert state with hysteresis, per (target, host, address,
 * port, finding). An alert is raised after N consecutive runs that show
 * the finding, cleared after M consecutive runs that don't, and
 * re-notified every R while open. The caller turns the transitions into
 * syslog lines (alert_format) and rows in the store.
 */
#ifndef SMTPROBE_ALERT_H
#define SMTPROBE_ALERT_H

#include <stdint.h>
#include <sys/queue.h>

#include "finding.h"

#define ALERT_EVIDENCE_MAX	300	/* sanitised evidence kept */

struct alert {
	char		*host;		/* "" when the finding has none */
	char		*addr;		/* "" when none */
	int		 port;		/* 0 when none */
	enum finding_id	 id;
	int		 open;		/* raised and not yet cleared */
	int		 fails;		/* consecutive runs showing it */
	int		 passes;	/* consecutive runs not showing it */
	enum severity	 severity;	/* of the latest showing */
	char		 evidence[ALERT_EVIDENCE_MAX + 1];
	int64_t		 first_seen;	/* first showing of this episode */
	int64_t		 raised_at;	/* when it was raised (open) */
	int64_t		 notified_at;	/* last ALERT line */
	int		 repeats;	/* re-notifications so far */
	int		 gen;		/* run that last showed it */
	int		 withdrawn;	/* closed because the target went */
	LIST_ENTRY(alert) entry;
};

/* The alerts of one target. */
struct alert_set {
	LIST_HEAD(, alert) alerts;
	int		 gen;		/* runs observed */
	int		 nopen;
};

struct alert_params {
	int		 raise_after;	/* N failing runs, >= 1 */
	int		 clear_after;	/* M passing runs, >= 1 */
	int64_t		 renotify;	/* seconds; 0 never */
};

enum alert_event {
	ALERT_RAISED,
	ALERT_CLEARED,
	ALERT_RENOTIFIED,
};

typedef void (*alert_emit_cb)(const struct alert *, enum alert_event,
    int64_t now, void *arg);

void		 alert_set_init(struct alert_set *);
void		 alert_set_free(struct alert_set *);

/*
 * Observe one run's findings. Findings of severity warn or worse for
 * which in_scope(id) is true count as showing; alerts of the set in
 * scope that the run does not show count as passing. in_scope NULL
 * means every id (a complete run). Transitions are emitted through cb.
 */
void		 alert_observe(struct alert_set *, const struct finding_list *,
		    int (*in_scope)(enum finding_id),
		    const struct alert_params *, int64_t now, alert_emit_cb cb,
		    void *arg);

/*
 * The target is gone (a reload removed it): every open alert is closed
 * through cb as ALERT_CLEARED, its line saying reason=removed, so what
 * pairs ALERT with RECOVERED lines is not left with one open forever.
 */
void		 alert_withdraw_all(struct alert_set *, int64_t now,
		    alert_emit_cb cb, void *arg);

/* Put back a stored alert at start-up. Returns it, or NULL (no memory). */
struct alert	*alert_restore(struct alert_set *, const char *host,
		    const char *addr, int port, enum finding_id, int open,
		    int fails, int passes, enum severity, const char *evidence,
		    int64_t first_seen, int64_t raised_at, int64_t notified_at);

/*
 * One syslog line, key=value fields, for target:
 * ALERT target=... host=... addr=... port=... finding=... severity=...
 * layer=... since=ISO8601 evidence="..." (repeat=N for a re-notification)
 * RECOVERED ... duration=SECONDS (reason=removed: the target was removed)
 * Values are sanitised: no CR, LF, control bytes or double quotes.
 */
int		 alert_format(const struct alert *, enum alert_event,
		    const char *target, int64_t now, char *buf, size_t sz);

/*
 * The line of an alert of a followed MTA log (target "log:NAME"), whose
 * host is a domain, whose address is the direction ("out", "in") and
 * whose evidence is itself fields (count=N window=W sample="..."):
 * ALERT target=log:mail domain=D direction=out finding=... severity=...
 * layer=... since=ISO8601 count=N window=W sample="..."
 * RECOVERED target=log:mail domain=D direction=out finding=... severity=...
 * layer=... since=ISO8601 duration=SECONDS (reason=removed)
 * The evidence keeps its fields: bytes outside printable ASCII are
 * replaced, and a quote left open by a cut is closed.
 */
int		 alert_format_log(const struct alert *, enum alert_event,
		    const char *target, int64_t now, char *buf, size_t sz);

const char	*alert_event_name(enum alert_event);

#endif
