/*
 * conf.h - smtprobed.conf, the daemon's configuration: an INI file read
 * with inih.
 *
 *	[daemon]			the daemon itself (at most once)
 *	[defaults]			per-target keys every target inherits
 *	[domain example.com]		a mail domain: MX, addresses, ports
 *	[host mx.example.net:587]	one mail host (NAME, NAME:PORT, ADDR,
 *					[IPV6] or [IPV6]:PORT)
 *
 * A per-target key is spelled like the long option of `smtprobe check`
 * (tls, ca-file, rcpt, timeout ...). [defaults] must come before the
 * first target section: a target starts as a copy of it, and a key the
 * target gives replaces the inherited value; a repeatable key replaces
 * the whole inherited list, except timeout and slow, which replace
 * phase by phase. interval, dns-interval, alert-after and clear-after
 * that neither the target nor [defaults] gives come from [daemon],
 * which may stand anywhere in the file.
 *
 * Unknown sections and keys, a non-repeatable key given twice in one
 * section, a section or target given twice and every bad value are
 * errors; the first one is reported as "FILE:LINE: [SECTION] KEY: why".
 * Keys, section kinds and keyword values (yes, verify, ipv6 ...) are
 * case-insensitive. Comments are lines starting with '#' or ';', and
 * whatever follows a ';' that comes after a blank.
 *
 * Durations are a number with a unit: ms, s, m, h, d or w (a bare number
 * is seconds; "1.5s" works). Sizes are bytes, or a number with K, M, G
 * or T (binary: 1K = 1024), optionally followed by B or iB. Booleans are
 * yes/no, true/false, on/off or 1/0.
 */
#ifndef SMTPROBE_CONF_H
#define SMTPROBE_CONF_H

#include <sys/types.h>
#include <sys/socket.h>
#include <stdint.h>
#include <stdio.h>

#include "audit.h"
#include "dns.h"
#include "smtp.h"

#define CONF_TARGETS_MAX	100000	/* target sections in one file */
#define CONF_VALUES_MAX		64	/* values of a repeatable key in one
					   section (less for some keys) */
#define CONF_PORTS_MAX		16	/* ports of one target */
#define CONF_LINE_MAX		4096	/* bytes of a line without its newline */
#define CONF_FILE_MAX		(256L * 1024 * 1024)	/* bytes of the file */

/* The recipient of `relay-test = yes` (as for smtprobe check --relay-test). */
#define CONF_RELAY_RCPT		"relay-test@smtprobe-relay.example"

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

enum conf_kind {
	CONF_DOMAIN,		/* [domain NAME] */
	CONF_HOST,		/* [host NAME[:PORT]] */
};

/* dkim-key = SELECTOR=PEMFILE; the file is read by whoever uses it. */
struct conf_dkim_key {
	const char	*selector;
	const char	*path;
	int		 line;		/* where it was given, for errors */
};

/*
 * One target, every key resolved (own, inherited or default). Strings
 * and arrays belong to the conf; NULL and 0 mean "not given" where the
 * comment says so.
 */
struct conf_target {
	enum conf_kind	 kind;
	const char	*id;		/* "domain:example.com",
					   "host:mx.example.net:587",
					   "host:[2001:db8::1]:25": lower case,
					   no final dot, addresses canonical */
	uint64_t	 hash;		/* conf_hash(id): stable, for sharding */
	const char	*host;		/* the domain or host of the section
					   (an IPv6 address without brackets) */
	int		 port;		/* [host H:P]: P; else 0 */
	int		 literal;	/* host is an IP address: no DNS */
	int		 line;		/* line of the section header */

	int		 ports[CONF_PORTS_MAX];	/* ports; [host H:P]: just P [25] */
	int		 nports;
	enum tls_policy	 tls;		/* tls [may] */
	const char	*helo;		/* helo; NULL: the daemon's host name */
	const char	*mail_from;	/* mail-from; "" is <> [<>] */
	const char	**rcpt;		/* rcpt: expected accepted */
	int		 nrcpt;
	const char	**rcpt_reject;	/* rcpt-reject: expected rejected */
	int		 nrcpt_reject;
	const char	*relay_test;	/* relay-test recipient; NULL [no] */
	const struct smtp_rcpt_test *tests; /* rcpt, rcpt-reject, then the
					   relay test: for smtp_params */
	int		 ntests;
	const char	*ca_file;	/* ca-file; NULL: system store */
	int		 timeout_ms[PH_COUNT]; /* timeout [smtp_params_defaults] */
	int		 slow_ms[PH_COUNT];    /* slow [smtp_params_defaults] */
	int		 expiry_warn_days; /* expiry-warn [21] */
	int		 expiry_crit_days; /* expiry-crit [7] */
	int		 implicit_tls;	/* implicit-tls: TLS first on every port
					   (465 always) [no] */
	const char	*name;		/* name: probe as this name (SNI,
					   certificate); [host] only; NULL */
	const char	**addrs;	/* addr: probe these addresses, no DNS;
					   [host] only, canonical */
	int		 naddrs;
	const char	**dkim_selectors; /* dkim-selector */
	int		 ndkim_selectors;
	const struct conf_dkim_key *dkim_keys; /* dkim-key */
	int		 ndkim_keys;
	const char	**selectors;	/* dkim-selector then the dkim-key
					   selectors, once each: for the audit */
	int		 nselectors;
	const char	**spf_ips;	/* spf-ip, canonical */
	int		 nspf_ips;
	const char	**dnsbl;	/* dnsbl zones, lower case, no final dot */
	int		 ndnsbl;
	int		 mtasts_port;	/* mta-sts-port [443] */
	int		 allow_private;	/* allow-private [no] */
	int		 family;	/* family: AF_UNSPEC [any], AF_INET, AF_INET6 */
	int64_t		 interval_ms;	/* interval [daemon interval] */
	int64_t		 dns_interval_ms; /* dns-interval [daemon dns-interval] */
	int		 alert_after;	/* alert-after [daemon alert-after] */
	int		 clear_after;	/* clear-after [daemon clear-after] */
	int		 dns_only;	/* dns-only: audit, no sessions [no] */
	int		 no_dns;	/* no-dns: only the DNS sessions need [no] */
};

struct conf_index;
struct conf_arena;

struct conf {
	const char		*path;		/* the name errors use */
	struct conf_daemon	 daemon;
	struct conf_target	*targets;	/* in file order */
	size_t			 ntargets;
	struct conf_index	*index;		/* private: id -> target */
	struct conf_arena	*arena;		/* private: every string */
};

/*
 * Read the file at path. Returns 0 with *confp set (free it with
 * conf_free), or -1 with *cause set (to be freed): the first problem,
 * "PATH:LINE: [SECTION] KEY: why", or "PATH: why" when the file cannot
 * be read. The file must be a regular file of at most CONF_FILE_MAX
 * bytes.
 */
int		 conf_load(const char *path, struct conf **confp, char **cause);

/* The same from an open stream; name is what messages call it. */
int		 conf_load_file(FILE *, const char *name, struct conf **confp,
		    char **cause);

void		 conf_free(struct conf *);

/* The target with this id ("domain:example.com"), or NULL. */
const struct conf_target *conf_target_find(const struct conf *,
		    const char *id);

/*
 * 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3)
 * of len bytes: the target hash is conf_hash(id, strlen(id)). It never
 * changes between versions, so a target stays in its shard.
 */
uint64_t	 conf_hash(const char *, size_t len);

/* Is the target in this daemon's shard: hash % N == I - 1? */
int		 conf_target_in_shard(const struct conf *,
		    const struct conf_target *);

/*
 * The session parameters of a target on one port: smtp_params_defaults(),
 * then helo (kept when the target has none: the caller may put its host
 * name there), mail-from, the RCPT tests, tls, expiry thresholds,
 * timeouts and slow thresholds; implicit TLS on 465 or with
 * implicit-tls; submission rules on 465 and 587. The caller sets the
 * address (ss, sslen), host (name or host), tls context and TLSA.
 * Strings point into the conf.
 */
void		 conf_target_smtp_params(const struct conf_target *, int port,
		    struct smtp_params *);

/*
 * The audit parameters of a target: domain (host), family, ports, DKIM
 * selectors, SPF addresses, DNSBL zones, MTA-STS port, allow-private,
 * dane_required, host_mode ([host]) and minimal (no-dns); the fetch
 * timeout as smtprobe check derives it. Left to the caller: tls and
 * dkim_keys (it reads each dkim_keys[i].path into an audit_dkim_pem).
 * A [host] target with addresses (addr or a literal) needs no audit.
 */
void		 conf_target_audit_params(const struct conf_target *,
		    struct audit_params *);

/*
 * The value parsers, for whoever takes the same syntax elsewhere. Each
 * returns 0, or -1 with *why set to a static reason.
 */
int		 conf_parse_duration(const char *, int64_t *ms, const char **why);
int		 conf_parse_size(const char *, uint64_t *bytes, const char **why);
int		 conf_parse_bool(const char *, int *, const char **why);

#endif
