/*
 * conf.c - smtprobed.conf: lines, sections, the keys of [daemon], and
 * the targets with their index by id. The settings of targets are
 * target.c's; this file only says where they may stand.
 *
 * The file is read line by line here, not with an INI library. The
 * reader has to count lines for its messages, take lines up to
 * CONF_LINE_MAX bytes, refuse NUL and control bytes, strip a UTF-8 byte
 * order mark and CRs, and parse section headers holding a domain name of
 * 253 bytes: inih (used until issue 11) did none of these the way we
 * need (its line numbers, line length and section length depend on how
 * the library was built), so every line went through a reader that did
 * them first, and what was left for inih was splitting "KEY = VALUE",
 * which is a dozen lines below. A line is a comment ('#' or ';' first),
 * a section header, or KEY '=' VALUE (':' works as '='); a ';' after a
 * blank starts a comment, in the value or before the '='. The first
 * error ends the reading.
 */
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "arena.h"
#include "conf.h"
#include "util.h"
#include "value.h"

#define SECT_SHOW	96	/* bytes of a section name in messages */
#define QUOTE_MAX	72	/* bytes of a value quoted in a message */
#define DKEYS_MAX	16	/* [daemon] keys, a slot each in struct parse */

/* Open addressing on the id hash; a slot holds a target index plus 1. */
struct conf_index {
	uint32_t	*slot;
	size_t		 size;		/* a power of two, or 0 */
};

enum sect {
	SECT_NONE,
	SECT_DAEMON,
	SECT_DEFAULTS,
	SECT_DOMAIN,
	SECT_HOST,
	SECT_LOG,
};

struct parse {
	struct conf		*conf;
	FILE			*fp;
	const char		*name;		/* the file, for messages */
	const char		*base;		/* its directory, or NULL */
	int			 lineno;	/* lines read so far */
	long			 bytes;
	char			*cause;		/* the first error */

	enum sect		 sect;
	char			 sectname[SECT_SHOW]; /* "domain example.com" */
	int			 sectline;
	int			 daemon_line;	/* [daemon] seen here, or 0 */
	int			 defaults_line;
	struct target		 defaults;	/* what a new target starts from */
	struct target		 fallback;	/* [daemon]'s target settings */
	struct target		*cur;		/* defaults, fallback or the last
						   target */
	size_t			 cap;		/* room in conf->targets */
	struct target_input	 in;		/* the section's target settings */

	/* [daemon] keys given in this section: where first, how many */
	int			 dline[DKEYS_MAX];
	int			 dcount[DKEYS_MAX];
	int			 first;		/* the key's first value here */
	int			 resolver_none;
	/* target settings: where first given in this section */
	int			 tline[TARGET_SETTINGS_MAX];

	char			 line[CONF_LINE_MAX + 1];
	char			 val[CONF_LINE_MAX + 1];
	char			 why[512];
	char			 quote[2][QUOTE_MAX + 4];
	int			 qi;
};

/* A key of [daemon] that is not a target setting. */
struct key {
	const char	*name;
	int		 max;		/* 0: once a section; else values */
	int		 (*set)(struct parse *, const char *);
};

/*
 * Messages
 */

/* A value quoted in a message: printable, bounded; two live at once. */
static const char *
q(struct parse *p, const char *s)
{
	char	*b = p->quote[p->qi];

	p->qi ^= 1;
	util_sanitize_buf(b, QUOTE_MAX + 1, s, strlen(s));
	return b;
}

static int __attribute__((format(printf, 2, 3)))
fail(struct parse *p, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* Keep the first error: "FILE:LINE: " then the text. */
static void __attribute__((format(printf, 3, 4)))
error_at(struct parse *p, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	if (p->cause != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (asprintf(&p->cause, "%s:%d: %s", p->name, line, msg) == -1)
		p->cause = NULL;
	if (p->cause == NULL && (p->cause = strdup("out of memory")) == NULL)
		abort();	/* no way to say anything */
}

static char *
pdup(struct parse *p, const char *s)
{
	char	*d;

	if ((d = arena_strdup(p->conf->arena, s)) == NULL)
		fail(p, "out of memory");
	return d;
}

static int
check_path(struct parse *p, const char *v, size_t max)
{
	if (v[0] != '/')
		return fail(p, "\"%s\" is not an absolute path", q(p, v));
	if (strlen(v) > max)
		return fail(p, "longer than %zu bytes", max);
	return 0;
}

static int
set_duration(struct parse *p, const char *v, int64_t min, int64_t max,
    const char *range, int64_t *out)
{
	const char	*why;
	int64_t		 ms;

	if (value_duration(v, &ms, &why) == -1)
		return fail(p, "\"%s\" is %s", q(p, v), why);
	if (ms < min || ms > max)
		return fail(p, "\"%s\" is not in %s", q(p, v), range);
	*out = ms;
	return 0;
}

static int
set_int(struct parse *p, const char *v, long long min, long long max,
    int *out)
{
	long long	 n;

	if (value_number(v, min, max, &n) == -1)
		return fail(p, "\"%s\" is not a number from %lld to %lld",
		    q(p, v), min, max);
	*out = (int)n;
	return 0;
}

static struct conf_daemon *
D(struct parse *p)
{
	return &p->conf->daemon;
}

/*
 * [daemon] keys
 */

static int
k_state_dir(struct parse *p, const char *v)
{
	if (check_path(p, v, PATH_MAX - 1) == -1)
		return -1;
	return (D(p)->state_dir = pdup(p, v)) ? 0 : -1;
}

static int
k_control_socket(struct parse *p, const char *v)
{
	struct sockaddr_un	 sun;

	if (check_path(p, v, sizeof(sun.sun_path) - 1) == -1)
		return -1;
	return (D(p)->control_socket = pdup(p, v)) ? 0 : -1;
}

static int
k_control_mode(struct parse *p, const char *v)
{
	size_t		 len = strlen(v), i;
	unsigned	 m = 0;

	if (len < 3 || len > 4 || (len == 4 && v[0] != '0'))
		goto bad;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '7')
			goto bad;
		m = m * 8 + (unsigned)(v[i] - '0');
	}
	D(p)->control_mode = (mode_t)m;
	return 0;
bad:
	return fail(p, "\"%s\" is not an octal mode such as 0660", q(p, v));
}

static int
k_control_group(struct parse *p, const char *v)
{
	size_t	 i, len = strlen(v);

	if (strcasecmp(v, "none") == 0) {
		D(p)->control_group = NULL;
		return 0;
	}
	/* POSIX portable names (and a number: a gid) */
	if (len > 32 || v[0] == '-')
		goto bad;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '_' &&
		    v[i] != '.' && v[i] != '-')
			goto bad;
	return (D(p)->control_group = pdup(p, v)) ? 0 : -1;
bad:
	return fail(p, "\"%s\" is not a group name, a number or none",
	    q(p, v));
}

static int
k_syslog_facility(struct parse *p, const char *v)
{
	static const struct {
		const char	*name;
		int		 fac;
	} facs[] = {
		{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
		{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON },
		{ "ftp", LOG_FTP }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
		{ "news", LOG_NEWS }, { "syslog", LOG_SYSLOG },
		{ "user", LOG_USER }, { "uucp", LOG_UUCP },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(facs) / sizeof(facs[0]); i++)
		if (strcasecmp(v, facs[i].name) == 0) {
			D(p)->syslog_facility = facs[i].fac;
			return 0;
		}
	return fail(p, "\"%s\" is not a syslog facility (daemon, mail, user, "
	    "local0 to local7, auth, authpriv, cron, ftp, lpr, news, syslog "
	    "or uucp)", q(p, v));
}

static int
k_concurrency(struct parse *p, const char *v)
{
	return set_int(p, v, 1, 10000, &D(p)->concurrency);
}

static int
k_jitter(struct parse *p, const char *v)
{
	size_t	 len = strlen(v);
	char		 num[8];
	long long	 pct;

	if (len > 1 && v[len - 1] == '%') {
		if (len - 1 >= sizeof(num))
			goto bad;
		memcpy(num, v, len - 1);
		num[len - 1] = '\0';
		if (value_number(num, 0, 100, &pct) == -1)
			goto bad;
		D(p)->jitter_pct = (int)pct;
		D(p)->jitter_ms = 0;
		return 0;
	}
	if (set_duration(p, v, 0, VALUE_MS_DAY, "[0, 1d] (or give a percentage)",
	    &D(p)->jitter_ms) == -1)
		return -1;
	D(p)->jitter_pct = -1;
	return 0;
bad:
	return fail(p, "\"%s\" is not a percentage from 0%% to 100%%",
	    q(p, v));
}

static int
k_host_spacing(struct parse *p, const char *v)
{
	return set_duration(p, v, 0, VALUE_MS_HOUR, "[0, 1h]",
	    &D(p)->host_spacing_ms);
}

static int
k_resolver(struct parse *p, const char *v)
{
	struct conf_daemon	*d = D(p);
	char			*cause = NULL;

	if (p->first) {
		d->nresolvers = 0;
		p->resolver_none = 0;
	}
	if (strcasecmp(v, "none") == 0) {
		if (!p->first)
			return fail(p, "none (use /etc/resolv.conf) excludes "
			    "other resolvers");
		p->resolver_none = 1;
		return 0;
	}
	if (p->resolver_none)
		return fail(p, "none (use /etc/resolv.conf) excludes other "
		    "resolvers");
	if (d->nresolvers == DNS_MAX_SERVERS)
		return fail(p, "more than %d resolvers", DNS_MAX_SERVERS);
	/* dns.c quotes the value whole: give it only a plausible one */
	if (!value_printable(v) || strlen(v) >= DNS_SERVER_STRLEN)
		return fail(p, "\"%s\" is not ADDR, ADDR:PORT, IPV6 or "
		    "[IPV6]:PORT", q(p, v));
	if (dns_server_parse(v, &d->resolvers[d->nresolvers], &cause) == -1) {
		if (cause != NULL)
			util_sanitize_buf(p->why, sizeof(p->why), cause,
			    strlen(cause));
		else
			fail(p, "bad resolver");
		free(cause);
		return -1;
	}
	d->nresolvers++;
	return 0;
}

static int
k_store_retention(struct parse *p, const char *v)
{
	return set_duration(p, v, VALUE_MS_SEC, 3650 * VALUE_MS_DAY, "[1s, 3650d]",
	    &D(p)->store_retention_ms);
}

static int
k_store_max_size(struct parse *p, const char *v)
{
	const char	*why;
	uint64_t	 b;

	if (value_size(v, &b, &why) == -1)
		return fail(p, "\"%s\" is %s", q(p, v), why);
	if (b < 64 * 1024 || b > (16ULL << 40))
		return fail(p, "\"%s\" is not in [64K, 16T]", q(p, v));
	D(p)->store_max_size = b;
	return 0;
}

/* "ADDR:PORT" or "[IPV6]:PORT", numeric, the port required. */
static int
k_metrics(struct parse *p, const char *v)
{
	struct conf_daemon	*d = D(p);
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&d->metrics_ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&d->metrics_ss;
	char			 a[INET6_ADDRSTRLEN + 2];
	const char		*colon, *addr = v;
	size_t			 alen;
	int			 port;

	if (strcasecmp(v, "off") == 0) {
		d->metrics = NULL;
		return 0;
	}
	if ((colon = strrchr(v, ':')) == NULL)
		goto bad;
	alen = (size_t)(colon - v);
	if (v[0] == '[') {
		if (alen < 2 || v[alen - 1] != ']')
			goto bad;
		addr = v + 1;
		alen -= 2;
	}
	if (alen == 0 || alen >= sizeof(a) || (port = value_port(colon + 1)) == -1)
		goto bad;
	memcpy(a, addr, alen);
	a[alen] = '\0';
	memset(&d->metrics_ss, 0, sizeof(d->metrics_ss));
	if (v[0] != '[' && inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		d->metrics_sslen = sizeof(*s4);
	} else if (v[0] == '[' && inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		d->metrics_sslen = sizeof(*s6);
	} else
		goto bad;
	return (d->metrics = pdup(p, v)) ? 0 : -1;
bad:
	return fail(p, "\"%s\" is not off, ADDR:PORT or [IPV6]:PORT", q(p, v));
}

static int
k_renotify(struct parse *p, const char *v)
{
	if (strcasecmp(v, "off") == 0 || strcmp(v, "0") == 0) {
		D(p)->renotify_ms = 0;
		return 0;
	}
	return set_duration(p, v, VALUE_MS_SEC, 365 * VALUE_MS_DAY, "[1s, 365d] (or off)",
	    &D(p)->renotify_ms);
}

static int
k_shard(struct parse *p, const char *v)
{
	const char	*slash = strchr(v, '/');
	char		 i[16];
	long long	 idx, n;

	if (slash == NULL || (size_t)(slash - v) >= sizeof(i))
		goto bad;
	memcpy(i, v, (size_t)(slash - v));
	i[slash - v] = '\0';
	if (value_number(slash + 1, 1, 65536, &n) == -1 ||
	    value_number(i, 1, n, &idx) == -1)
		goto bad;
	D(p)->shard_index = (unsigned)idx;
	D(p)->shard_count = (unsigned)n;
	return 0;
bad:
	return fail(p, "\"%s\" is not I/N with 1 <= I <= N <= 65536",
	    q(p, v));
}

/* Every [daemon] key that is not a target setting. */
static const struct key keys[] = {
	{ "state-dir",		0, k_state_dir },
	{ "control-socket",	0, k_control_socket },
	{ "control-mode",	0, k_control_mode },
	{ "control-group",	0, k_control_group },
	{ "syslog-facility",	0, k_syslog_facility },
	{ "concurrency",	0, k_concurrency },
	{ "jitter",		0, k_jitter },
	{ "host-spacing",	0, k_host_spacing },
	{ "resolver",		DNS_MAX_SERVERS, k_resolver },
	{ "store-retention",	0, k_store_retention },
	{ "store-max-size",	0, k_store_max_size },
	{ "metrics",		0, k_metrics },
	{ "renotify",		0, k_renotify },
	{ "shard",		0, k_shard },
};

#define NKEYS	((int)(sizeof(keys) / sizeof(keys[0])))
_Static_assert(sizeof(keys) / sizeof(keys[0]) <= DKEYS_MAX, "a slot per key");

static const struct key *
key_find(const char *name)
{
	int	 i;

	for (i = 0; i < NKEYS; i++)
		if (strcasecmp(name, keys[i].name) == 0)
			return &keys[i];
	return NULL;
}

const char *
conf_daemon_key(int i)
{
	return i >= 0 && i < NKEYS ? keys[i].name : NULL;
}

/*
 * [log NAME] sections
 */

static struct conf_log *
cur_log(struct parse *p)
{
	return &p->conf->logs[p->conf->nlogs - 1];
}

/* A file of a [log] section: a relative one is the configuration's. */
static int
log_file(struct parse *p, const char *v, const char **dst)
{
	char	 buf[PATH_MAX];

	if (*v != '/' && p->base == NULL)
		return fail(p, "a relative path needs a configuration file "
		    "to be relative to");
	if (*v != '/' && (size_t)snprintf(buf, sizeof(buf), "%s/%s", p->base,
	    v) >= sizeof(buf))
		return fail(p, "path too long");
	if ((*dst = arena_strdup(p->conf->arena, *v == '/' ? v : buf)) == NULL)
		return fail(p, "out of memory");
	return 0;
}

static int
l_path(struct parse *p, const char *v)
{
	return log_file(p, v, &cur_log(p)->path);
}

/*
 * journal = IDENTIFIER ...: the syslog identifiers (SYSLOG_IDENTIFIER,
 * "postfix" also matching Postfix's "postfix/smtp") to follow in the
 * journal; repeatable, 16 in all.
 */
static int
l_journal(struct parse *p, const char *v)
{
	struct conf_log	*l = cur_log(p);
	const char	*e;
	char		 id[65];
	size_t		 n;

	for (; *v != '\0'; v = e) {
		v += strspn(v, " \t");
		if (*v == '\0')
			break;
		n = strcspn(v, " \t");
		e = v + n;
		if (n >= sizeof(id))
			return fail(p, "an identifier is 1 to 64 bytes");
		memcpy(id, v, n);
		id[n] = '\0';
		if (strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._@/-") != n)
			return fail(p, "\"%s\": an identifier may hold letters, "
			    "digits, '.', '_', '@', '/' and '-'", q(p, id));
		if (l->nidents == CONF_LOG_IDENTS_MAX)
			return fail(p, "more than %d identifiers",
			    CONF_LOG_IDENTS_MAX);
		if ((l->idents[l->nidents++] = arena_strdup(p->conf->arena,
		    id)) == NULL)
			return fail(p, "out of memory");
	}
	return 0;
}

static int
l_journal_dir(struct parse *p, const char *v)
{
	return log_file(p, v, &cur_log(p)->journal_dir);
}

static int
l_direction(struct parse *p, const char *v)
{
	if (strcasecmp(v, "both") == 0)
		cur_log(p)->direction = 0;
	else if (strcasecmp(v, "out") == 0)
		cur_log(p)->direction = 1;
	else if (strcasecmp(v, "in") == 0)
		cur_log(p)->direction = 2;
	else
		return fail(p, "\"%s\": expected out, in or both", q(p, v));
	return 0;
}

static int
l_domain(struct parse *p, const char *v)
{
	struct conf_log	*l = cur_log(p);
	char		 name[VALUE_NAME_MAX + 1];
	const char	*why;

	if (value_name(v, name, &why) == -1)
		return fail(p, "\"%s\": not a domain name%s%s", q(p, v),
		    why ? ": " : "", why ? why : "");
	if ((l->domains[l->ndomains++] = arena_strdup(p->conf->arena,
	    name)) == NULL)
		return fail(p, "out of memory");
	return 0;
}

/* "N/WINDOW": N failures within WINDOW. */
static int
l_log_alert(struct parse *p, const char *v)
{
	struct conf_log	*l = cur_log(p);
	const char	*sl = strchr(v, '/'), *why;
	char		 num[32];
	long long	 n;
	int64_t		 ms;

	if (sl == NULL || (size_t)(sl - v) >= sizeof(num))
		return fail(p, "\"%s\": expected COUNT/WINDOW, e.g. 10/10m",
		    q(p, v));
	memcpy(num, v, (size_t)(sl - v));
	num[sl - v] = '\0';
	if (value_number(num, 1, 1000000, &n) == -1)
		return fail(p, "\"%s\": the count must be 1 to 1000000", q(p, v));
	if (value_duration(sl + 1, &ms, &why) == -1)
		return fail(p, "\"%s\": window %s", q(p, v), why);
	if (ms < VALUE_MS_SEC || ms > 7 * VALUE_MS_DAY)
		return fail(p, "\"%s\": the window must be 1s to 7d", q(p, v));
	l->alert_count = (int)n;
	l->alert_window_ms = ms;
	return 0;
}

/* "PERCENT%": the share of a domain's attempts that must fail. */
static int
l_log_alert_ratio(struct parse *p, const char *v)
{
	char		 num[16];
	size_t		 n = strlen(v);
	long long	 r;

	if (n < 2 || n >= sizeof(num) || v[n - 1] != '%')
		return fail(p, "\"%s\": expected a percentage, e.g. 50%%",
		    q(p, v));
	memcpy(num, v, n - 1);
	num[n - 1] = '\0';
	if (value_number(num, 1, 100, &r) == -1)
		return fail(p, "\"%s\": must be 1%% to 100%%", q(p, v));
	cur_log(p)->alert_ratio = (int)r;
	return 0;
}

static int
l_interval(struct parse *p, const char *v)
{
	const char	*why;
	int64_t		 ms;

	if (value_duration(v, &ms, &why) == -1)
		return fail(p, "\"%s\": %s", q(p, v), why);
	if (ms < VALUE_MS_SEC || ms > VALUE_MS_HOUR)
		return fail(p, "\"%s\": must be 1s to 1h", q(p, v));
	cur_log(p)->interval_ms = ms;
	return 0;
}

static int
l_count(struct parse *p, const char *v, int *out)
{
	long long	 n;

	if (value_number(v, 1, 1000, &n) == -1)
		return fail(p, "\"%s\": must be 1 to 1000", q(p, v));
	*out = (int)n;
	return 0;
}

static int
l_alert_after(struct parse *p, const char *v)
{
	return l_count(p, v, &cur_log(p)->alert_after);
}

static int
l_clear_after(struct parse *p, const char *v)
{
	return l_count(p, v, &cur_log(p)->clear_after);
}

static const struct key log_keys[] = {
	{ "path",		0, l_path },
	{ "journal",		CONF_LOG_IDENTS_MAX, l_journal },
	{ "journal-directory",	0, l_journal_dir },
	{ "direction",		0, l_direction },
	{ "domain",		CONF_LOG_DOMAINS_MAX, l_domain },
	{ "log-alert",		0, l_log_alert },
	{ "log-alert-ratio",	0, l_log_alert_ratio },
	{ "interval",		0, l_interval },
	{ "alert-after",	0, l_alert_after },
	{ "clear-after",	0, l_clear_after },
};

#define NLOGKEYS	((int)(sizeof(log_keys) / sizeof(log_keys[0])))
_Static_assert(sizeof(log_keys) / sizeof(log_keys[0]) <= DKEYS_MAX,
    "a slot per key");

const char *
conf_log_key(int i)
{
	return i >= 0 && i < NLOGKEYS ? log_keys[i].name : NULL;
}

static const struct key *
log_key_find(const char *name)
{
	int	 i;

	for (i = 0; i < NLOGKEYS; i++)
		if (strcasecmp(name, log_keys[i].name) == 0)
			return &log_keys[i];
	return NULL;
}

static int
log_begin(struct parse *p, const char *a, size_t al)
{
	struct conf	*c = p->conf;
	struct conf_log	*nl, *l;
	size_t		 i;
	char		 name[65];

	if (al == 0 || al >= sizeof(name))
		return fail(p, "the name must be 1 to 64 bytes");
	memcpy(name, a, al);
	name[al] = '\0';
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != al)
		return fail(p, "the name may hold letters, digits, '.', '_' "
		    "and '-'");
	for (i = 0; i < c->nlogs; i++)
		if (strcmp(c->logs[i].name, name) == 0)
			return fail(p, "log %s already defined at line %d",
			    name, c->logs[i].line);
	if (c->nlogs == CONF_LOGS_MAX)
		return fail(p, "more than %d [log] sections", CONF_LOGS_MAX);
	if ((nl = reallocarray(c->logs, c->nlogs + 1, sizeof(*nl))) == NULL)
		return fail(p, "out of memory");
	c->logs = nl;
	l = &c->logs[c->nlogs++];
	memset(l, 0, sizeof(*l));
	if ((l->name = arena_strdup(c->arena, name)) == NULL)
		return fail(p, "out of memory");
	l->alert_count = 10;
	l->alert_window_ms = 10 * VALUE_MS_MIN;
	l->interval_ms = VALUE_MS_MIN;
	l->alert_after = 1;
	l->clear_after = 2;
	l->line = p->lineno;
	return 0;
}

/* A [log] key: repeats, then its handler. */
/*
 * A key of a section's own table, its index i: the bookkeeping of
 * repeats (given twice, more values than it takes), then its handler.
 */
static void
apply_key(struct parse *p, const struct key *k, int i, const char *v)
{
	p->first = p->dcount[i] == 0;
	if (!p->first && k->max == 0) {
		error_at(p, p->lineno, "[%s] %s: given twice in this section "
		    "(first at line %d)", p->sectname, k->name, p->dline[i]);
		return;
	}
	if (k->max > 0 && p->dcount[i] == k->max) {
		error_at(p, p->lineno, "[%s] %s: more than %d values in this "
		    "section", p->sectname, k->name, k->max);
		return;
	}
	if (p->first)
		p->dline[i] = p->lineno;
	p->dcount[i]++;
	if (*v == '\0')
		error_at(p, p->lineno, "[%s] %s: empty value", p->sectname,
		    k->name);
	else if (k->set(p, v) == -1)
		error_at(p, p->lineno, "[%s] %s: %s", p->sectname, k->name,
		    p->why);
}

static void
log_key(struct parse *p, const struct key *k, const char *v)
{
	apply_key(p, k, (int)(k - log_keys), v);
}

/*
 * Targets and the id index
 */

uint64_t
conf_hash(const char *s, size_t len)
{
	return util_hash64(s, len);
}

static size_t
index_lookup(const struct conf *c, const char *id, uint64_t h)
{
	const struct conf_index	*x = c->index;
	size_t			 i;
	uint32_t		 s;

	if (x->size == 0)
		return SIZE_MAX;
	for (i = h & (x->size - 1); (s = x->slot[i]) != 0;
	    i = (i + 1) & (x->size - 1))
		if (c->targets[s - 1].hash == h &&
		    strcmp(c->targets[s - 1].id, id) == 0)
			return s - 1;
	return SIZE_MAX;
}

/* Index target n; grows to keep the table at most half full. */
static int
index_add(struct conf *c, size_t n)
{
	struct conf_index	*x = c->index;
	uint32_t		*slot;
	size_t			 size, i, k;

	if ((n + 1) * 2 > x->size) {
		size = x->size ? x->size * 2 : 64;
		if ((slot = calloc(size, sizeof(*slot))) == NULL)
			return -1;
		for (k = 0; k < x->size; k++) {
			if (x->slot[k] == 0)
				continue;
			for (i = c->targets[x->slot[k] - 1].hash & (size - 1);
			    slot[i] != 0; i = (i + 1) & (size - 1))
				;
			slot[i] = x->slot[k];
		}
		free(x->slot);
		x->slot = slot;
		x->size = size;
	}
	for (i = c->targets[n].hash & (x->size - 1); x->slot[i] != 0;
	    i = (i + 1) & (x->size - 1))
		;
	x->slot[i] = (uint32_t)n + 1;
	return 0;
}

const struct target *
conf_target_find(const struct conf *c, const char *id)
{
	size_t	 n = index_lookup(c, id, conf_hash(id, strlen(id)));

	return n == SIZE_MAX ? NULL : &c->targets[n];
}

/*
 * Edit distance of a and b (insert, delete, replace a byte), or k + 1
 * when it is more than k: a band of k either side of the diagonal, so
 * a look-up among many targets stays linear.
 */
static int
distance(const char *a, const char *b, int k)
{
	int	 row[2][VALUE_NAME_MAX + 32];
	int	*prev = row[0], *cur = row[1], *x;
	int	 la = (int)strlen(a), lb = (int)strlen(b), i, j, lo, hi, v;
	int	 best;

	if (la > VALUE_NAME_MAX + 30 || lb > VALUE_NAME_MAX + 30 ||
	    abs(la - lb) > k)
		return k + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		lo = i - k > 1 ? i - k : 1;
		hi = i + k < lb ? i + k : lb;
		/* outside the band: more than k */
		cur[lo - 1] = lo == 1 ? i : k + 1;
		if (hi < lb)
			cur[hi + 1] = k + 1;
		best = cur[lo - 1];
		for (j = lo; j <= hi; j++) {
			v = prev[j - 1] + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		if (best > k)
			return k + 1;
		x = prev;
		prev = cur;
		cur = x;
	}
	return prev[lb] > k ? k + 1 : prev[lb];
}

static int
match_add(const struct target *t, int (*keep)(const struct target *, void *),
    void *arg, const struct target **found, int max, int n)
{
	int	 i;

	if (t == NULL || (keep != NULL && !keep(t, arg)))
		return n;
	for (i = 0; i < n && i < max; i++)
		if (found[i] == t)
			return n;
	if (n < max)
		found[n] = t;
	return n + 1;
}

int
conf_target_match(const struct conf *c, const char *name,
    int (*keep)(const struct target *, void *), void *arg,
    const struct target **found, int max, const struct target **closest)
{
	struct target_input	 in;
	struct target		 t;
	struct arena		*a;
	const char		*rest = name, *id;
	char			 want[TARGET_ID_MAX + 1];
	size_t			 i, len;
	int			 n = 0, k, d, best, domain = 1, host = 1;
	int			 exact;

	*closest = NULL;
	if (strncasecmp(name, "domain:", 7) == 0) {
		rest = name + 7;
		host = 0;
	} else if (strncasecmp(name, "host:", 5) == 0) {
		rest = name + 5;
		domain = 0;
	}
	if ((a = arena_new()) == NULL)
		return 0;
	target_input_init(&in, a, NULL);
	/* the ids the name stands for, as a section header makes them */
	memset(&t, 0, sizeof(t));
	if (domain && target_ident(&t, &in, TARGET_DOMAIN, rest) == 0)
		n = match_add(conf_target_find(c, t.id), keep, arg, found, max,
		    n);
	memset(&t, 0, sizeof(t));
	if (host && target_ident(&t, &in, TARGET_HOST, rest) == 0) {
		exact = match_add(conf_target_find(c, t.id), keep, arg, found,
		    max, n) > n;
		if (exact)
			n++;
		/*
		 * A host without its port: every port of it, unless a
		 * section names the host so ([host 2001:db8::1] beside
		 * [host [2001:db8::1]:465]): that one is meant.
		 */
		for (i = 0; !exact && t.port == 0 && i < c->ntargets; i++)
			if (c->targets[i].kind == TARGET_HOST &&
			    strcmp(c->targets[i].host, t.host) == 0)
				n = match_add(&c->targets[i], keep, arg, found,
				    max, n);
	}
	arena_free(a);
	if (n > 0)
		return n;

	/* none: the nearest id, compared without its kind */
	util_strlcpy(want, rest, sizeof(want));
	len = strlen(want);
	if (len > 0 && want[len - 1] == '.')
		want[--len] = '\0';
	k = len / 2 > 3 ? 3 : (int)(len + 1) / 2 - 1;
	best = k + 1;
	for (i = 0; k >= 0 && i < c->ntargets; i++) {
		if (keep != NULL && !keep(&c->targets[i], arg))
			continue;
		id = strchr(c->targets[i].id, ':') + 1;
		d = distance(want, id, best - 1 < k ? best - 1 : k);
		if (d < best) {
			best = d;
			*closest = &c->targets[i];
		}
	}
	return 0;
}

int
conf_target_in_shard(const struct conf *c, const struct target *t)
{
	if (c->daemon.shard_count <= 1)
		return 1;
	return t->hash % c->daemon.shard_count == c->daemon.shard_index - 1;
}

static int
target_begin(struct parse *p, enum target_kind kind, const char *arg,
    size_t len)
{
	struct conf	*c = p->conf;
	struct target	 t, *nt;
	char		 buf[VALUE_NAME_MAX + 16];
	size_t		 n;

	if (len >= sizeof(buf))
		return fail(p, "name longer than %d bytes", VALUE_NAME_MAX);
	memcpy(buf, arg, len);
	buf[len] = '\0';
	t = p->defaults;
	if (target_ident(&t, &p->in, kind, buf) == -1)
		return fail(p, "%s", p->in.why);
	if ((n = index_lookup(c, t.id, t.hash)) != SIZE_MAX)
		return fail(p, "target %s already defined at line %d", t.id,
		    c->targets[n].line);
	if (c->ntargets == CONF_TARGETS_MAX)
		return fail(p, "more than %d targets", CONF_TARGETS_MAX);
	if (c->ntargets == p->cap) {
		n = p->cap ? p->cap * 2 : 16;
		if ((nt = reallocarray(c->targets, n, sizeof(*nt))) == NULL)
			return fail(p, "out of memory");
		c->targets = nt;
		p->cap = n;
	}
	t.line = p->lineno;
	c->targets[c->ntargets] = t;
	if (index_add(c, c->ntargets) == -1)
		return fail(p, "out of memory");
	p->cur = &c->targets[c->ntargets++];
	return 0;
}

/* What a section of target settings adds up to, checked at its end. */
static int
section_end(struct parse *p)
{
	if (p->sect == SECT_LOG) {
		const struct conf_log *l = cur_log(p);
		const char *why = NULL;

		if (l->path == NULL && l->nidents == 0)
			why = "path (a file) or journal (identifiers) is missing";
		else if (l->path != NULL && l->nidents > 0)
			why = "path and journal exclude each other";
		else if (l->journal_dir != NULL && l->nidents == 0)
			why = "journal-directory without journal";
		if (why != NULL) {
			error_at(p, p->sectline, "[%s]: %s", p->sectname, why);
			return -1;
		}
	}
	if (p->sect != SECT_DEFAULTS && p->sect != SECT_DOMAIN &&
	    p->sect != SECT_HOST)
		return 0;
	if (target_end(p->cur, &p->in) == -1) {
		error_at(p, p->sectline, "[%s]: %s", p->sectname, p->in.why);
		return -1;
	}
	return 0;
}

/*
 * A "[...]" line: [daemon], [defaults], [domain NAME] or [host ARG],
 * blanks allowed inside the brackets, a comment after them.
 */
static int
section_begin(struct parse *p, char *s)
{
	static const char *expect = "expected [daemon], [defaults], "
	    "[domain NAME], [host NAME[:PORT]] or [log NAME]";
	char		*k, *a = NULL, *e;
	size_t		 kl, al = 0;
	char		 show[SECT_SHOW * 2];

	if (section_end(p) == -1)
		return -1;
	p->sect = SECT_NONE;
	e = s + 1;
	while (*e == ' ' || *e == '\t')
		e++;
	k = e;
	while (isalpha((unsigned char)*e))
		e++;
	kl = (size_t)(e - k);
	if (*e == ' ' || *e == '\t') {
		while (*e == ' ' || *e == '\t')
			e++;
		a = e;
		if (*e == '[') {
			if ((e = strchr(e, ']')) == NULL) {
				error_at(p, p->lineno, "missing ']' after the "
				    "IPv6 address");
				return -1;
			}
			e++;
			if (*e == ':')
				while (isdigit((unsigned char)*++e))
					;
		} else
			while (*e != '\0' && *e != ']' && *e != ' ' &&
			    *e != '\t')
				e++;
		al = (size_t)(e - a);
		while (*e == ' ' || *e == '\t')
			e++;
	}
	if (*e != ']') {
		error_at(p, p->lineno, "%s", strchr(e, ']') == NULL ?
		    "section header without ']'" : expect);
		return -1;
	}
	e++;
	while (*e == ' ' || *e == '\t')
		e++;
	if (*e != '\0' && *e != '#' && *e != ';') {
		error_at(p, p->lineno, "junk after the section header");
		return -1;
	}
	snprintf(show, sizeof(show), "%.*s%s%.*s", (int)kl, k, al ? " " : "",
	    (int)al, a ? a : "");
	util_sanitize_buf(p->sectname, sizeof(p->sectname), show, strlen(show));
	p->sectline = p->lineno;
	memset(p->dline, 0, sizeof(p->dline));
	memset(p->dcount, 0, sizeof(p->dcount));
	memset(p->tline, 0, sizeof(p->tline));
	p->resolver_none = 0;
	target_input_init(&p->in, p->conf->arena, p->base);

#define KIND(w)	(kl == strlen(w) && strncasecmp(k, (w), kl) == 0)
	if (KIND("daemon") || KIND("defaults")) {
		int	 daemon = KIND("daemon");
		int	*seen = daemon ? &p->daemon_line : &p->defaults_line;

		if (al != 0)
			error_at(p, p->lineno, "[%s]: takes no name",
			    daemon ? "daemon" : "defaults");
		else if (*seen)
			error_at(p, p->lineno, "[%s]: given twice (first at "
			    "line %d)", p->sectname, *seen);
		else if (!daemon && p->conf->ntargets > 0)
			error_at(p, p->lineno, "[defaults]: must come before "
			    "the first target section (line %d)",
			    p->conf->targets[0].line);
		if (p->cause != NULL)
			return -1;
		*seen = p->lineno;
		p->sect = daemon ? SECT_DAEMON : SECT_DEFAULTS;
		p->cur = daemon ? &p->fallback : &p->defaults;
		/* [defaults] is what targets start from: all of it */
		p->in.whole = !daemon;
		return 0;
	}
	if (KIND("domain") || KIND("host")) {
		enum target_kind kind = KIND("domain") ? TARGET_DOMAIN :
		    TARGET_HOST;

		if (al == 0)
			error_at(p, p->lineno, "[%s]: missing the %s",
			    p->sectname, kind == TARGET_DOMAIN ? "domain name" :
			    "host name or address");
		else if (target_begin(p, kind, a, al) == -1)
			error_at(p, p->lineno, "[%s]: %s", p->sectname, p->why);
		if (p->cause != NULL)
			return -1;
		p->sect = kind == TARGET_DOMAIN ? SECT_DOMAIN : SECT_HOST;
		return 0;
	}
	if (KIND("log")) {
		if (log_begin(p, a, al) == -1) {
			error_at(p, p->lineno, "[%s]: %s", p->sectname, p->why);
			return -1;
		}
		p->sect = SECT_LOG;
		return 0;
	}
#undef KIND
	error_at(p, p->lineno, "[%s]: unknown section (%s)", p->sectname,
	    expect);
	return -1;
}

/*
 * KEY = VALUE lines
 */

static const char *
sect_kind(enum sect s)
{
	switch (s) {
	case SECT_DAEMON:
		return "[daemon]";
	case SECT_DEFAULTS:
		return "[defaults]";
	case SECT_DOMAIN:
		return "a [domain] section";
	case SECT_HOST:
		return "a [host] section";
	case SECT_LOG:
		return "a [log] section";
	default:
		return "?";
	}
}

static void
not_here(struct parse *p, const char *key, const char *only)
{
	error_at(p, p->lineno, "[%s] %s: not a key of %s (%s)", p->sectname,
	    key, sect_kind(p->sect), only);
}

/* A [daemon] key: the bookkeeping of repeats, then its handler. */
static void
daemon_key(struct parse *p, const struct key *k, const char *v)
{
	int	 i = (int)(k - keys);

	if (p->sect != SECT_DAEMON) {
		not_here(p, k->name, "only in [daemon]");
		return;
	}
	apply_key(p, k, i, v);
}

/* A target setting, in [defaults], a target section or [daemon]. */
static void
target_key(struct parse *p, const struct target_setting *s, const char *v)
{
	int	 i = (int)(s - target_settings);

	if (p->sect == SECT_DAEMON && !(s->flags & TS_DAEMON)) {
		not_here(p, s->name, "per-target keys go in [defaults] or a "
		    "target section");
		return;
	}
	if ((s->flags & TS_HOST) && p->sect != SECT_HOST) {
		not_here(p, s->name, "only in a [host] section");
		return;
	}
	if (p->tline[i] == 0)
		p->tline[i] = p->lineno;
	p->in.line = p->lineno;
	switch (target_set(p->cur, &p->in, s->name, v)) {
	case TARGET_OK:
		break;
	case TARGET_TWICE:
		error_at(p, p->lineno, "[%s] %s: given twice in this section "
		    "(first at line %d)", p->sectname, s->name, p->tline[i]);
		break;
	case TARGET_MANY:
		error_at(p, p->lineno, "[%s] %s: more than %d values in this "
		    "section", p->sectname, s->name, s->max);
		break;
	default:
		error_at(p, p->lineno, "[%s] %s: %s", p->sectname, s->name,
		    p->in.why);
		break;
	}
}

/*
 * KEY = VALUE (':' for '='): the key up to the separator, trimmed; the
 * value after it, cut at an inline comment (';' after a blank) and
 * trimmed. A ';' after a blank before the separator makes the line
 * something else.
 */
static void
key_line(struct parse *p, char *s)
{
	const struct target_setting	*ts;
	const struct key		*k;
	char				*e, *v, *ke;
	int				 blank = 0;

	for (e = s; *e != '\0' && *e != '=' && *e != ':'; e++) {
		if (*e == ';' && blank)
			break;
		blank = *e == ' ' || *e == '\t';
	}
	if (*e != '=' && *e != ':') {
		error_at(p, p->lineno, "expected KEY = VALUE, [SECTION] or a "
		    "comment");
		return;
	}
	for (ke = e; ke > s && (ke[-1] == ' ' || ke[-1] == '\t'); ke--)
		;
	*ke = '\0';
	blank = 0;
	for (e = v = e + 1; *e != '\0'; e++) {
		if (*e == ';' && blank)
			break;
		blank = *e == ' ' || *e == '\t';
	}
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	memcpy(p->val, v, (size_t)(e - v) + 1);

	if (p->sect == SECT_NONE)
		error_at(p, p->lineno, "%s: key outside any section ([daemon], "
		    "[defaults], [domain NAME], [host NAME] or [log NAME])",
		    q(p, s));
	else if ((key_find(s) != NULL || target_setting_find(s) != NULL ||
	    log_key_find(s) != NULL) &&
	    (p->val[0] == '"' || p->val[0] == '\''))
		/* no quoting here: the quotes would be part of the value */
		error_at(p, p->lineno, "[%s] %s: value in quotes (%s): they "
		    "would be part of it; write it without them", p->sectname,
		    q(p, s), q(p, p->val));
	else if (p->sect == SECT_LOG) {
		if ((k = log_key_find(s)) != NULL)
			log_key(p, k, p->val);
		else
			error_at(p, p->lineno, "[%s] %s: unknown key (a [log] "
			    "section takes path, journal, journal-directory, "
			    "direction, domain, log-alert, log-alert-ratio, "
			    "interval, alert-after, clear-after)", p->sectname,
			    q(p, s));
	} else if ((k = key_find(s)) != NULL)
		daemon_key(p, k, p->val);
	else if ((ts = target_setting_find(s)) != NULL)
		target_key(p, ts, p->val);
	else
		error_at(p, p->lineno, "[%s] %s: unknown key", p->sectname,
		    q(p, s));
}

/*
 * Reading
 */

/* The next line into p->line; 0, or -1 at the end or an error. */
static int
read_line(struct parse *p)
{
	size_t	 len = 0;
	int	 c;

	for (;;) {
		if ((c = getc(p->fp)) == EOF) {
			if (ferror(p->fp)) {
				error_at(p, p->lineno + 1, "read error: %s",
				    strerror(errno));
				return -1;
			}
			if (len == 0)
				return -1;
			break;
		}
		if (++p->bytes > CONF_FILE_MAX) {
			error_at(p, p->lineno + 1, "the file is larger than "
			    "%ld bytes", CONF_FILE_MAX);
			return -1;
		}
		if (c == '\n')
			break;
		if (c == '\0') {
			error_at(p, p->lineno + 1, "NUL byte");
			return -1;
		}
		if (len == CONF_LINE_MAX) {
			error_at(p, p->lineno + 1, "line longer than %d bytes",
			    CONF_LINE_MAX);
			return -1;
		}
		p->line[len++] = (char)c;
	}
	p->lineno++;
	if (len > 0 && p->line[len - 1] == '\r')
		len--;
	p->line[len] = '\0';
	return 0;
}

static void
parse_lines(struct parse *p)
{
	char	*s, *e;

	while (p->cause == NULL && read_line(p) == 0) {
		s = p->line;
		if (p->lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;		/* a UTF-8 byte order mark */
		for (e = s; *e != '\0'; e++)
			if (((unsigned char)*e < 0x20 && *e != '\t') ||
			    (unsigned char)*e == 0x7f)
				break;
		if (*e != '\0') {
			error_at(p, p->lineno, "control character 0x%02x",
			    (unsigned char)*e);
			return;
		}
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[')
			section_begin(p, s);
		else
			key_line(p, s);
	}
}

/*
 * Loading
 */

static void
daemon_defaults(struct conf_daemon *d)
{
	memset(d, 0, sizeof(*d));
	d->state_dir = "/var/lib/smtprobed";
	d->control_socket = "/run/smtprobed/control.sock";
	d->control_mode = 0660;
	d->syslog_facility = LOG_DAEMON;
	d->concurrency = 64;
	d->interval_ms = 5 * VALUE_MS_MIN;
	d->jitter_pct = 10;
	d->dns_interval_ms = VALUE_MS_HOUR;
	d->host_spacing_ms = 2 * VALUE_MS_SEC;
	d->store_retention_ms = 30 * VALUE_MS_DAY;
	d->store_max_size = 256ULL << 20;
	d->alert_after = 2;
	d->clear_after = 2;
	d->renotify_ms = VALUE_MS_DAY;
	d->shard_index = 1;
	d->shard_count = 1;
}

static int
load(FILE *fp, const char *name, const char *base, struct conf **confp,
    char **cause)
{
	struct parse	*p;
	struct conf	*c;
	struct conf_daemon *d;
	size_t		 i;

	*confp = NULL;
	*cause = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		free(p);
		*cause = strdup("out of memory");
		return -1;
	}
	p->conf = c;
	p->fp = fp;
	p->name = name;
	p->base = base;
	if ((c->arena = arena_new()) == NULL ||
	    (c->index = calloc(1, sizeof(*c->index))) == NULL ||
	    (c->path = arena_strdup(c->arena, name)) == NULL) {
		error_at(p, 0, "out of memory");
		goto out;
	}
	d = &c->daemon;
	daemon_defaults(d);
	target_defaults(&p->defaults);
	memset(&p->fallback, 0, sizeof(p->fallback));

	parse_lines(p);
	if (p->cause == NULL)
		section_end(p);
	if (p->cause != NULL)
		goto out;

	/* [daemon]'s target settings, then every target's fallback */
	if (p->fallback.interval_ms != 0)
		d->interval_ms = p->fallback.interval_ms;
	if (p->fallback.dns_interval_ms != 0)
		d->dns_interval_ms = p->fallback.dns_interval_ms;
	if (p->fallback.alert_after != 0)
		d->alert_after = p->fallback.alert_after;
	if (p->fallback.clear_after != 0)
		d->clear_after = p->fallback.clear_after;
	for (i = 0; i < c->ntargets; i++) {
		struct target *t = &c->targets[i];

		if (t->interval_ms == 0)
			t->interval_ms = d->interval_ms;
		if (t->dns_interval_ms == 0)
			t->dns_interval_ms = d->dns_interval_ms;
		if (t->alert_after == 0)
			t->alert_after = d->alert_after;
		if (t->clear_after == 0)
			t->clear_after = d->clear_after;
	}
out:
	if (p->cause != NULL) {
		*cause = p->cause;
		conf_free(c);
		free(p);
		return -1;
	}
	*confp = c;
	free(p);
	return 0;
}

int
conf_load_file(FILE *fp, const char *name, struct conf **confp, char **cause)
{
	return load(fp, name, NULL, confp, cause);
}

/* The directory of path, absolute, into buf; NULL when it cannot be. */
static const char *
dir_of(const char *path, char *buf, size_t sz)
{
	const char	*sl = strrchr(path, '/');
	char		 cwd[PATH_MAX];
	int		 n;

	if (sl == path)
		return "/";
	if (path[0] == '/')
		n = snprintf(buf, sz, "%.*s", (int)(sl - path), path);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	else if (sl == NULL)
		n = snprintf(buf, sz, "%s", cwd);
	else
		n = snprintf(buf, sz, "%s/%.*s", cwd, (int)(sl - path), path);
	return n < 0 || (size_t)n >= sz ? NULL : buf;
}

int
conf_load(const char *path, struct conf **confp, char **cause)
{
	struct stat	 st;
	FILE		*fp;
	char		 dir[PATH_MAX];
	int		 rv;

	*confp = NULL;
	*cause = NULL;
	if ((fp = fopen(path, "re")) == NULL) {
		if (asprintf(cause, "%s: %s", path, strerror(errno)) == -1)
			*cause = NULL;
		return -1;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_FILE_MAX) {
		if (asprintf(cause, "%s: not a regular file of at most %ld "
		    "bytes", path, CONF_FILE_MAX) == -1)
			*cause = NULL;
		fclose(fp);
		return -1;
	}
	rv = load(fp, path, dir_of(path, dir, sizeof(dir)), confp, cause);
	fclose(fp);
	return rv;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	if (c->index != NULL)
		free(c->index->slot);
	free(c->index);
	free(c->targets);
	free(c->logs);
	arena_free(c->arena);
	free(c);
}
