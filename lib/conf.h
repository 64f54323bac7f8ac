/*
 * conf.h - smtprobed.conf, the daemon's configuration: an INI file.
 *
 *	[daemon]			the daemon itself (at most once)
 *	[defaults]			settings every target inherits
 *	[domain example.com]		a mail domain: MX, addresses, ports
 *	[host mx.example.net:587]	one mail host (NAME, NAME:PORT, ADDR,
 *					[IPV6] or [IPV6]:PORT)
 *	[log mail]			an MTA log followed (struct conf_log)
 *
 * The keys of [defaults] and of target sections are the settings of
 * target.h, spelled like the long options of `smtprobe check`. [defaults]
 * must come before the first target section: a target starts as a copy
 * of it, and a key the target gives replaces the inherited value; a
 * repeatable key replaces the whole inherited list, except timeout and
 * slow, which replace phase by phase. The settings marked TS_DAEMON
 * (interval, dns-interval, alert-after, clear-after) may stand in
 * [daemon] too, which may stand anywhere in the file: they are the
 * fallback of targets that neither give them nor inherit them.
 *
 * Unknown sections and keys, a non-repeatable key given twice in one
 * section, a section or target given twice and every bad value are
 * errors; the first one is reported as "FILE:LINE: [SECTION] KEY: why".
 * Keys, section kinds and keyword values (yes, verify, ipv6 ...) are
 * case-insensitive. Comments are lines starting with '#' or ';', and
 * whatever follows a ';' that comes after a blank. Values are in the
 * syntax of value.h; a relative path is taken from the directory of the
 * file.
 */
#ifndef SMTPROBE_CONF_H
#define SMTPROBE_CONF_H

#include <sys/types.h>
#include <sys/socket.h>
#include <stdint.h>
#include <stdio.h>

#include "dns.h"
#include "target.h"

#define CONF_TARGETS_MAX	100000	/* target sections in one file */
#define CONF_LINE_MAX		4096	/* bytes of a line without its newline */
#define CONF_FILE_MAX		(256L * 1024 * 1024)	/* bytes of the file */

/* [daemon]: defaults in brackets. */
struct conf_daemon {
	const char	*state_dir;	/* [/var/lib/smtprobed] */
	const char	*control_socket; /* [/run/smtprobed/control.sock] */
	mode_t		 control_mode;	/* [0660] */
	const char	*control_group;	/* group name or number; NULL [none] */
	int		 syslog_facility; /* LOG_DAEMON, LOG_LOCAL0 ... [daemon] */
	int		 concurrency;	/* sessions and audits at once [64] */
	int64_t		 interval_ms;	/* probe interval of a target that
					   gives none, nor [defaults] [5m] */
	int		 jitter_pct;	/* random delay, percent of the
					   interval [10%]; -1: jitter_ms */
	int64_t		 jitter_ms;	/* random delay when jitter_pct is -1 */
	int64_t		 dns_interval_ms; /* DNS audit interval, the same way [1h] */
	int64_t		 host_spacing_ms; /* least time between two sessions to
					   one address [2s] */
	struct dns_server resolvers[DNS_MAX_SERVERS];
	int		 nresolvers;	/* 0: /etc/resolv.conf [none] */
	int64_t		 store_retention_ms; /* history kept [30d] */
	uint64_t	 store_max_size; /* bytes of the store [256M] */
	const char	*metrics;	/* "ADDR:PORT" as written; NULL [off] */
	struct sockaddr_storage metrics_ss; /* metrics, parsed */
	socklen_t	 metrics_sslen;
	int		 alert_after;	/* failing probes that raise an alert [2] */
	int		 clear_after;	/* passing probes that clear it [2] */
	int64_t		 renotify_ms;	/* repeat an open alert; 0: never [1d] */
	unsigned	 shard_index;	/* this daemon probes the targets of */
	unsigned	 shard_count;	/*   shard I of N, 1-based [1/1] */
};

#define CONF_LOGS_MAX		32	/* [log] sections */
#define CONF_LOG_DOMAINS_MAX	64	/* domain = values in one */
#define CONF_LOG_IDENTS_MAX	16	/* journal = identifiers in one */

/* [log NAME]: an MTA log the daemon follows; defaults in brackets. */
struct conf_log {
	const char	*name;		/* [A-Za-z0-9._-], at most 64 bytes */
	const char	*path;		/* the log file, or NULL when: */
	const char	*idents[CONF_LOG_IDENTS_MAX]; /* journal = the syslog
					   identifiers followed in the journal
					   (one of path and journal is
					   required) */
	int		 nidents;
	const char	*journal_dir;	/* journal-directory: its files, or
					   NULL for the system's journal */
	int		 direction;	/* 0 both, 1 out, 2 in (maillog_dir)
					   [both] */
	const char	*domains[CONF_LOG_DOMAINS_MAX];	/* only these (and
					   their subdomains); none: all */
	int		 ndomains;
	int		 alert_count;	/* failures of one (domain, cause) in */
	int64_t		 alert_window_ms; /* the window that are a finding
					   (log-alert = N/WINDOW) [10/10m] */
	int		 alert_ratio;	/* and at least this percentage of
					   the domain's attempts in the
					   window (log-alert-ratio) [0: any] */
	int64_t		 interval_ms;	/* how often the window is judged
					   (a run of the alert model) [1m] */
	int		 alert_after;	/* judgements showing it that raise
					   the alert [1] */
	int		 clear_after;	/* judgements not showing it that
					   clear it [2] */
	int		 line;
};

struct conf_index;
struct arena;

struct conf {
	const char		*path;		/* the name errors use */
	struct conf_daemon	 daemon;
	struct target		*targets;	/* in file order */
	size_t			 ntargets;
	struct conf_log		*logs;		/* [log] sections, in file order */
	size_t			 nlogs;
	struct conf_index	*index;		/* private: id -> target */
	struct arena		*arena;		/* private: every string */
};

/*
 * Read the file at path. Returns 0 with *confp set (free it with
 * conf_free), or -1 with *cause set (to be freed): the first problem,
 * "PATH:LINE: [SECTION] KEY: why", or "PATH: why" when the file cannot
 * be read. The file must be a regular file of at most CONF_FILE_MAX
 * bytes.
 */
int		 conf_load(const char *path, struct conf **confp, char **cause);

/*
 * The same from an open stream; name is what messages call it. There is
 * no directory to take a relative path from: paths must be absolute.
 */
int		 conf_load_file(FILE *, const char *name, struct conf **confp,
		    char **cause);

void		 conf_free(struct conf *);

/* The target with this id ("domain:example.com"), or NULL. */
const struct target *conf_target_find(const struct conf *, const char *id);

/*
 * The targets a user means by name, written as in a section header or
 * as an id, case and a final dot ignored: "domain:example.com",
 * "Example.COM.", "host:mx.example.net:587", "127.0.0.1:2526",
 * "[2001:db8::25]:25". A name that is both a [domain] and a [host]
 * matches both; a host name or address without a port matches every
 * [host] target on that host, whatever its port, when none matches
 * exactly. Targets keep() says 0 of are left out (NULL: none). The
 * first max matches go into found (in file order); returns how many
 * there are. With none, *closest is the target whose id is nearest to
 * the name (at most 3 edits, fewer than half its length), or NULL.
 */
int		 conf_target_match(const struct conf *, const char *name,
		    int (*keep)(const struct target *, void *), void *arg,
		    const struct target **found, int max,
		    const struct target **closest);

/* util_hash64 of len bytes: the hash of a target id, for sharding. */
uint64_t	 conf_hash(const char *, size_t len);

/* Is the target in this daemon's shard: hash % N == I - 1? */
int		 conf_target_in_shard(const struct conf *,
		    const struct target *);

/*
 * The keys of [daemon] that are not target settings, in the order of
 * the table: the name of key i, or NULL past the last one.
 */
const char	*conf_daemon_key(int i);

/* The keys of a [log] section, the same way. */
const char	*conf_log_key(int i);

#endif
