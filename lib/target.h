/*
 * target.h - a target and its settings.
 *
 * A target is a mail domain (its MX hosts, or the domain itself when it
 * has none, every address of each) or one mail host. Every setting a
 * target can have is one row of target_settings[]: its name, which is
 * both the key of smtprobed.conf and the long option of `smtprobe
 * check`, the syntax of its value with its limits, how often it may be
 * given, its default and one line of help. The configuration reader and
 * the command line both give values to target_set() and both turn a
 * target into what a check needs with target_check_params(), so a
 * setting means the same thing wherever it is written.
 */
#ifndef SMTPROBE_TARGET_H
#define SMTPROBE_TARGET_H

#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "smtp.h"
#include "value.h"

struct arena;

#define TARGET_PORTS_MAX	16	/* ports of one target */
#define TARGET_VALUES_MAX	64	/* values of a repeatable setting (less
					   for some), and RCPT tests in all */
#define TARGET_ID_MAX		(VALUE_NAME_MAX + 16) /* "domain:" NAME, or
					   "host:[" IPV6 "]:" PORT */
#define TARGET_WHY_MAX		512	/* a reason, with a quoted value */

/* The recipient of relay-test = yes. */
#define TARGET_RELAY_RCPT	"relay-test@smtprobe-relay.example"

enum target_kind {
	TARGET_DOMAIN,		/* [domain NAME], smtprobe check NAME */
	TARGET_HOST,		/* [host NAME[:PORT]], smtprobe check -H */
};

/* dkim-key = SELECTOR=PEMFILE; the file is read by whoever uses it. */
struct target_dkim_key {
	const char	*selector;
	const char	*path;
	int		 line;		/* where it was given (target_input.line),
					   for errors */
};

/*
 * One target, every setting resolved (own, inherited or default).
 * Strings and arrays live in the arena of whoever built the target; NULL
 * and 0 mean "not given" where the comment says so. Defaults in
 * brackets.
 */
struct target {
	enum target_kind kind;
	const char	*id;		/* "domain:example.com",
					   "host:mx.example.net:587",
					   "host:[2001:db8::1]:25": lower case,
					   no final dot, addresses canonical */
	uint64_t	 hash;		/* util_hash64(id): stable, for sharding */
	const char	*host;		/* the domain or host (an IPv6 address
					   without brackets) */
	int		 port;		/* host:PORT: PORT; else 0 */
	int		 literal;	/* host is an IP address: no DNS */
	int		 line;		/* smtprobed.conf: line of the section
					   header; else 0 */

	int		 ports[TARGET_PORTS_MAX]; /* ports; host:PORT: PORT [25] */
	int		 nports;
	enum tls_policy	 tls;		/* tls [may] */
	const char	*helo;		/* helo; NULL: the caller's host name */
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
	int		 ca_file_line;	/* where it was given (target_input.line),
					   for errors */
	int		 timeout_ms[PH_COUNT]; /* timeout [smtp_params_defaults] */
	int64_t		 session_timeout_ms; /* timeout session=DURATION: the
					   deadline of each session [10m] */
	int64_t		 check_timeout_ms; /* timeout DURATION (no phase): the
					   whole check's deadline [15m;
					   smtprobe check --nagios: 10s] */
	int		 slow_ms[PH_COUNT];    /* slow [smtp_params_defaults] */
	int		 expiry_warn_days; /* expiry-warn [21] */
	int		 expiry_crit_days; /* expiry-crit [7] */
	int		 implicit_tls;	/* implicit-tls: TLS first on every port
					   (465 always) [no] */
	const char	*name;		/* name: the name certificates must show
					   and SNI; host targets only; NULL */
	const char	**addrs;	/* addr: probe these addresses, no DNS;
					   host targets only, canonical */
	int		 naddrs;
	const char	**dkim_selectors; /* dkim-selector */
	int		 ndkim_selectors;
	const struct target_dkim_key *dkim_keys; /* dkim-key */
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
	int		 family;	/* family: AF_UNSPEC [any], AF_INET,
					   AF_INET6 */
	int64_t		 interval_ms;	/* interval; 0: the daemon's */
	int64_t		 dns_interval_ms; /* dns-interval; 0: the daemon's */
	int		 alert_after;	/* alert-after; 0: the daemon's */
	int		 clear_after;	/* clear-after; 0: the daemon's */
	int		 dns_only;	/* dns-only: audit, no sessions [no] */
	int		 no_dns;	/* no-dns: only what sessions need [no] */
};

struct target_input;
struct target_setting;

/* How a setting may be given (target_setting.flags). */
#define TS_BOOL		0x01	/* takes a boolean: on the command line
				   --NAME alone means yes */
#define TS_EMPTY	0x02	/* an empty value means something */
#define TS_HOST		0x04	/* host targets only: in a [host] section;
				   on the command line it selects host mode */
#define TS_DAEMON	0x08	/* the daemon's schedule and alerts: also in
				   [daemon], as every target's fallback; not
				   a setting of smtprobe check */

struct target_setting {
	const char	*name;		/* key and long option */
	const char	*arg;		/* the value as help shows it */
	int		 max;		/* 0: once; else at most max values */
	unsigned	 flags;		/* TS_* */
	int64_t		 lo, hi;	/* limits of a number or duration (ms),
					   inclusive; 0, 0 for other values */
	const char	*dflt;		/* the default, in words or a value */
	const char	*help;		/* one line */
	int		(*set)(struct target_input *,
			    const struct target_setting *, struct target *,
			    const char *value);
	void		(*print)(FILE *, const struct target_setting *,
			    const struct target *);
};

extern const struct target_setting target_settings[];
extern const int target_nsettings;

#define TARGET_SETTINGS_MAX	48	/* rows the input state has room for */

/*
 * What one section of smtprobed.conf, or one command line, has given so
 * far: which settings and how many values, phases of timeout and slow,
 * and why the last value was refused. Values are copied to arena.
 */
struct target_input {
	struct arena	*arena;
	const char	*base;		/* directory a relative path is taken
					   from; NULL: paths must be absolute */
	int		 whole;		/* end: rebuild every derived list, not
					   only those of settings given */
	int		 line;		/* where the next value comes from (a
					   line of smtprobed.conf), or 0 */
	int		 count[TARGET_SETTINGS_MAX]; /* values given, per row */
	uint32_t	 tmo_explicit, tmo_implied, slow_explicit,
			 slow_implied;	/* phases given, a bit each */
	int		 tmo_all, slow_all;
	int		 tmo_check;	/* the whole check's deadline given */
	int		 tmo_session;	/* session= given */
	char		 why[TARGET_WHY_MAX];
	char		 quote[2][80];
	int		 qi;
};

enum target_status {
	TARGET_OK,
	TARGET_UNKNOWN,		/* no such setting */
	TARGET_TWICE,		/* given once already, and it takes one */
	TARGET_MANY,		/* more values than the setting takes */
	TARGET_EMPTY,		/* an empty value where one is needed */
	TARGET_BAD,		/* the value is refused: why says why */
};

/* Start an input; base as in struct target_input. */
void		 target_input_init(struct target_input *, struct arena *,
		    const char *base);

/* The row of a setting (case ignored), or NULL. */
const struct target_setting *target_setting_find(const char *name);

/* What smtprobe check does when nothing says otherwise. */
void		 target_defaults(struct target *);

/*
 * The identity of a target from its argument: a domain name, or for a
 * host NAME, NAME:PORT, IPV4, IPV4:PORT, IPV6, [IPV6] or [IPV6]:PORT.
 * Sets kind, id, hash, host, port and literal (strings in the input's
 * arena) and leaves the settings alone. 0, or -1 with in->why.
 */
int		 target_ident(struct target *, struct target_input *,
		    enum target_kind, const char *arg);

/*
 * Give setting name the value v. TARGET_OK, or why not (in->why says it
 * in words for TARGET_BAD, and in general words for the others). The
 * first value of a repeatable setting in an input replaces the list the
 * target had (inherited from [defaults]); timeout and slow replace
 * phase by phase, an explicit phase winning over "all" whatever the
 * order. Where a setting may stand (TS_HOST, TS_DAEMON) is for the
 * caller to say.
 */
enum target_status target_set(struct target *, struct target_input *,
		    const char *name, const char *v);

/*
 * Once an input is over: the port of host:PORT, the checks that concern
 * several settings (dns-only with no-dns or with addresses), the RCPT
 * tests in order and the DKIM selectors the audit asks for. 0, or -1
 * with in->why.
 */
int		 target_end(struct target *, struct target_input *);

/* Every setting as "name = value" lines, in table order. */
void		 target_print(FILE *, const struct target *);

/*
 * What a check of the target needs: name, mode, addresses (no DNS when
 * the target gives them, filtered by family), ports, the session
 * parameters (helo is the target's or default_helo), the audit
 * parameters (DKIM selectors, SPF addresses, DNSBL zones, MTA-STS port,
 * allow-private, no-dns). Left to the caller: the signers' keys of
 * dkim-key (audit.dkim_keys, read from the files the target names),
 * max_inflight and sts_enforce. Strings point into the target.
 */
void		 target_check_params(const struct target *,
		    const char *default_helo, struct check_params *);

#endif
