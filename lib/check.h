/*
 * check.h - one check of one target, as both programs run it: the DNS
 * audit (domain or host), then a session probe to every address and
 * port, concurrently on the caller's loop, ending in one report.
 * `smtprobe check` runs one; smtprobed runs thousands on a schedule.
 */
#ifndef SMTPROBE_CHECK_H
#define SMTPROBE_CHECK_H

#include <sys/socket.h>

#include "audit.h"
#include "dns.h"
#include "finding.h"
#include "smtp.h"
#include "tls.h"

struct event_base;
struct check;

#define CHECK_ADDRS_MAX		32
#define CHECK_PORTS_MAX		16

struct check_params {
	const char		*target;	/* as the user wrote it */
	const char		*name;		/* domain, or host name probed */
	const char		*cert_name;	/* host mode: the name certificates
						   must show (--name), or NULL */
	int			 host_mode;	/* name is one host, not a domain */
	struct sockaddr_storage	 addrs[CHECK_ADDRS_MAX]; /* given addresses */
	socklen_t		 addrlens[CHECK_ADDRS_MAX];
	int			 naddrs;
	int			 use_addrs;	/* probe exactly addrs: no DNS */
	int			 ports[CHECK_PORTS_MAX];
	int			 nports;
	int			 implicit_all;	/* implicit TLS on every port */
	int			 dns_only;	/* audit, no session */
	int			 max_inflight;	/* sessions at once (0: 16) */
	int64_t			 timeout_ms;	/* the whole check's deadline,
						   from its start; 0: none */
	int			 note_helo;	/* report a HELO name without a
						   dot (probe.helo-not-fqdn):
						   the one-shot command does, the
						   daemon logs it once instead */
	int			 sts_enforce;	/* an MTA-STS policy in enforce
						   mode, fetched by an earlier
						   run and not expired, applies
						   when this run fetches none */
	struct smtp_params	 proto;		/* per-session parameters; host,
						   address and policy are set
						   per session */
	struct audit_params	 audit;		/* domain, family, ports and tls
						   are filled in by check_start */
};

/*
 * Admission of sessions, for callers that share limits across checks
 * (smtprobed: a global cap, and spacing per address). acquire returns 0
 * when the session may start now (and counts it), or the milliseconds
 * to wait before asking again; release is called when it ends.
 */
struct check_gate {
	int	(*acquire)(void *arg, const struct sockaddr_storage *);
	void	(*release)(void *arg, const struct sockaddr_storage *);
	void	*arg;
};

struct check_report {
	const char		 *target;
	const char		 *name;
	struct smtp_session	**sessions;	/* ended sessions, in start order */
	int			  nsessions;
	struct finding_list	  findings;	/* everything, worst first */
	enum severity		  worst;
	struct audit_result	 *audit;	/* the DNS audit, or NULL */
	int			  unknown;	/* could not check at all */
	int			  incomplete;	/* some of it could not be looked
						   at for the prober's own trouble
						   (its resources, resolver or
						   network: probe.* findings):
						   the run is UNKNOWN, whatever
						   else it found */
	int			  overran;	/* the check's deadline (timeout_ms)
						   cut it short: unknown is set,
						   error says what was left;
						   sessions cut are outcome
						   SMTP_CUT */
	char			  error[512];	/* why, when unknown */
	int64_t			  ms;		/* start to end */
	int64_t			  timeout_ms;	/* the deadline it ran under
						   (check_params), 0: none */
};

typedef void (*check_done_cb)(struct check *, void *arg);

/*
 * Start a check. res may be NULL only when use_addrs is set. gate may be
 * NULL (no shared limits). done runs once, from the loop. Returns NULL
 * with *cause when it cannot start.
 */
struct check	*check_start(struct event_base *, struct dns_resolver *,
		    struct tls_ctx *, const struct check_params *,
		    const struct check_gate *, check_done_cb, void *arg,
		    const char **cause);

/* The report; complete once done has run. */
struct check_report *check_report(struct check *);

/* Stop what runs (no callback) or release an ended check. */
void		 check_free(struct check *);

/* "ok", "warn", "crit" or "unknown". */
const char	*check_status(const struct check_report *);

/* Exit status per the monitoring-plugins convention (0..3). */
int		 check_exit(const struct check_report *);

#endif
