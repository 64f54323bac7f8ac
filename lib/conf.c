/*
 * conf.c - smtprobed.conf: inih splits the lines into keys and values,
 * this file knows the sections, keys and values.
 *
 * Every line reaches inih through conf_reader(), never straight from
 * the file, for three reasons:
 *
 * - Line numbers. inih's handler gets one only when the library was
 *   built with INI_HANDLER_LINENO, which its header does not tell (the
 *   Debian build passes one, its header declares the 4-argument
 *   handler). The reader counts the lines itself, and since inih
 *   finishes a line before it asks for the next one, the line counted
 *   last is the one the handler is called for.
 * - Lengths. inih's line buffer is fixed when the library is built (200
 *   bytes by default) and a longer line comes back as several. The
 *   reader takes lines of up to CONF_LINE_MAX bytes; the value of a line
 *   too long for inih's buffer travels beside it (inih sees "KEY=\1",
 *   and "\1" cannot come from the file: control bytes are refused).
 * - Sections. inih keeps at most 49 bytes of a section name and cuts
 *   the rest silently, less than a domain name may need. The reader
 *   parses section headers itself and hands inih an empty line instead.
 *
 * The reader also strips the leading blanks of every line, so no build's
 * multi-line continuation ("  more" after "key = value") can apply, and
 * it stops the parse (returns NULL, as at the end of the file) at the
 * first error. Values are trimmed and cut at an inline comment here as
 * well, so a long line and a short one read the same.
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

#include <ini.h>

#include "conf.h"
#include "util.h"

#define MS_SEC		1000LL
#define MS_MIN		(60 * MS_SEC)
#define MS_HOUR		(60 * MS_MIN)
#define MS_DAY		(24 * MS_HOUR)

#define SECT_SHOW	96	/* bytes of a section name in messages */
#define QUOTE_MAX	72	/* bytes of a value quoted in a message */
#define NAME_MAX_LEN	253	/* a DNS name without its final dot */

/*
 * Storage of every string and array of one conf: freed at once, so a
 * target can share what it inherits from [defaults].
 */
struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;
	size_t			 used;
	_Alignas(max_align_t) unsigned char data[];
};

struct conf_arena {
	struct arena_chunk	*head;
};

#define ARENA_CHUNK	(64 * 1024)

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
};

/* Where a key may appear. */
#define W_DAEMON	0x1
#define W_DEFAULTS	0x2
#define W_DOMAIN	0x4
#define W_HOST		0x8
#define W_TARGET	(W_DEFAULTS | W_DOMAIN | W_HOST)

struct parse {
	struct conf		*conf;
	FILE			*fp;
	const char		*name;		/* the file, for messages */
	int			 lineno;	/* lines read so far */
	long			 bytes;
	int			 eof;
	const char		*longval;	/* value of a line too long for inih */
	char			*cause;		/* the first error */
	int			 cause_line;

	enum sect		 sect;
	char			 sectname[SECT_SHOW]; /* "domain example.com" */
	int			 sectline;
	int			 daemon_line;	/* [daemon] seen here, or 0 */
	int			 defaults_line;
	struct conf_target	 defaults;	/* what a new target starts from */
	struct conf_target	*cur;		/* defaults or the last target */
	size_t			 cap;		/* room in conf->targets */

	uint64_t		 set;		/* keys given in this section */
	int			 keyline[64];	/* where each was first given */
	int			 count[64];	/* values given */
	int			 first;		/* the key's first value here */
	uint32_t		 tmo_explicit, tmo_implied, slow_explicit,
				 slow_implied;
	int			 tmo_all, slow_all;
	int			 resolver_none;
	uint64_t		 bits_tests;	/* rcpt, rcpt-reject, relay-test */
	uint64_t		 bits_dkim;	/* dkim-selector, dkim-key */

	char			 line[CONF_LINE_MAX + 1];
	char			 val[CONF_LINE_MAX + 1];
	char			 why[512];
	char			 quote[2][QUOTE_MAX + 4];
	int			 qi;
};

struct key {
	const char	*name;
	unsigned	 where;		/* W_* */
	int		 max;		/* 0: once a section; else values */
	int		 empty_ok;
	int		 (*set)(struct parse *, const char *);
};

static const struct key	*key_find(const char *);
static int		 conf_handler(void *, const char *, const char *,
			    const char *);
static int		 key_index(const struct key *);

/*
 * Memory
 */

static void *
arena_alloc(struct conf_arena *a, size_t n)
{
	struct arena_chunk	*c = a->head;
	size_t			 al = _Alignof(max_align_t), sz;
	void			*r;

	n = (n + al - 1) & ~(al - 1);
	if (n == 0)
		n = al;
	if (c == NULL || c->size - c->used < n) {
		sz = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		if ((c = calloc(1, sizeof(*c) + sz)) == NULL)
			return NULL;
		c->size = sz;
		c->next = a->head;
		a->head = c;
	}
	r = c->data + c->used;
	c->used += n;
	return r;
}

static char *
arena_strdup(struct conf_arena *a, const char *s)
{
	size_t	 len = strlen(s);
	char	*d;

	if ((d = arena_alloc(a, len + 1)) != NULL)
		memcpy(d, s, len + 1);
	return d;
}

static void
arena_free(struct conf_arena *a)
{
	struct arena_chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

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
	p->cause_line = line;
}

static void
oom(struct parse *p)
{
	error_at(p, p->lineno, "out of memory");
}

/*
 * Values
 */

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* A decimal number in [min, max], digits only. */
static int
parse_num(const char *s, long long min, long long max, long long *out)
{
	long long	 v = 0;

	if (!all_digits(s))
		return -1;
	for (; *s != '\0'; s++) {
		if (v > (LLONG_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_port(const char *s)
{
	long long	 v;

	return parse_num(s, 1, 65535, &v) == 0 ? (int)v : -1;
}

int
conf_parse_bool(const char *s, int *out, const char **why)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t		 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	*why = "not yes, no, true, false, on, off, 1 or 0";
	return -1;
}

int
conf_parse_duration(const char *s, int64_t *ms, const char **why)
{
	static const struct {
		const char	*unit;
		int64_t		 ms;
	} units[] = {
		{ "ms", 1 }, { "s", MS_SEC }, { "", MS_SEC }, { "m", MS_MIN },
		{ "h", MS_HOUR }, { "d", MS_DAY }, { "w", 7 * MS_DAY },
	};
	const char	*e = s;
	int64_t		 whole = 0, frac = 0, scale = 1, mult = -1, v;
	size_t		 i;

	*why = "not a duration (a number and ms, s, m, h, d or w)";
	if (!isdigit((unsigned char)*e))
		return -1;
	for (; isdigit((unsigned char)*e); e++) {
		if (whole > (INT64_MAX - (*e - '0')) / 10)
			goto big;
		whole = whole * 10 + (*e - '0');
	}
	if (*e == '.') {
		e++;
		if (!isdigit((unsigned char)*e))
			return -1;
		for (; isdigit((unsigned char)*e); e++) {
			if (scale == 1000000000)
				return -1;	/* more decimals than sense */
			frac = frac * 10 + (*e - '0');
			scale *= 10;
		}
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcasecmp(e, units[i].unit) == 0)
			mult = units[i].ms;
	if (mult == -1)
		return -1;
	if (whole > INT64_MAX / mult)
		goto big;
	v = whole * mult;
	/* frac < 1e9 and mult <= 6.048e8: the product fits */
	if (v > INT64_MAX - frac * mult / scale)
		goto big;
	*ms = v + frac * mult / scale;
	return 0;
big:
	*why = "too large";
	return -1;
}

int
conf_parse_size(const char *s, uint64_t *bytes, const char **why)
{
	const char	*e = s;
	uint64_t	 v = 0, mult = 1;
	int		 shift = 0;

	*why = "not a size (bytes, or a number and K, M, G or T)";
	if (!isdigit((unsigned char)*e))
		return -1;
	for (; isdigit((unsigned char)*e); e++) {
		if (v > (UINT64_MAX - (uint64_t)(*e - '0')) / 10)
			goto big;
		v = v * 10 + (uint64_t)(*e - '0');
	}
	switch (*e) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	}
	if (shift != 0) {
		e++;
		if (*e == 'i' || *e == 'I')
			e++;
	}
	if (*e == 'b' || *e == 'B')
		e++;
	if (*e != '\0' || (e[-1] == 'i' || e[-1] == 'I'))
		return -1;	/* junk, or "Ki" without B */
	mult <<= shift;
	if (v > UINT64_MAX / mult)
		goto big;
	*bytes = v * mult;
	return 0;
big:
	*why = "too large";
	return -1;
}

/*
 * A host or domain name, lower case and without its final dot into out
 * (NAME_MAX_LEN + 1 bytes). Letters, digits, '-' and '_' (SRV-style and
 * DKIM names have it), a label 1 to 63 long and not starting or ending
 * in '-' (RFC 1123 2.1); the last label not all digits (that is an
 * address, or nothing).
 */
static int
name_norm(const char *s, char *out)
{
	size_t	 len = strlen(s), i, label = 0;
	int	 digits = 1;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > NAME_MAX_LEN)
		return -1;
	for (i = 0; i <= len; i++) {
		unsigned char	 c = i < len ? (unsigned char)s[i] : '.';

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return -1;
			label = 0;
			if (i < len) {
				digits = 1;
				out[i] = '.';
			}
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return -1;
		if (c == '-' && label == 0)
			return -1;
		if (!isdigit(c))
			digits = 0;
		if (++label > 63)
			return -1;
		out[i] = (char)tolower(c);
	}
	if (digits)
		return -1;
	out[len] = '\0';
	return 0;
}

/* A numeric address, canonical into out (INET6_ADDRSTRLEN bytes). */
static int
addr_norm(const char *s, char *out, int *family)
{
	unsigned char	 b[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, s, b) == 1) {
		*family = AF_INET;
		inet_ntop(AF_INET, b, out, INET6_ADDRSTRLEN);
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		*family = AF_INET6;
		inet_ntop(AF_INET6, b, out, INET6_ADDRSTRLEN);
		return 0;
	}
	return -1;
}

/* Printable ASCII without blanks. */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* What smtprobe check takes for MAIL FROM and RCPT TO. */
static int
check_mailbox(struct parse *p, const char *v)
{
	if (!printable(v) || strpbrk(v, "<>") != NULL || strlen(v) > 254)
		return fail(p, "\"%s\" is not an address (printable ASCII, no "
		    "blanks or angle brackets, at most 254 bytes)", q(p, v));
	return 0;
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
check_selector(struct parse *p, const char *v)
{
	if (!printable(v) || strpbrk(v, "./\\") != NULL || strlen(v) > 63)
		return fail(p, "\"%s\" is not a DKIM selector (printable, no "
		    "'.', '/' or '\\', at most 63 bytes)", q(p, v));
	return 0;
}

static char *
pdup(struct parse *p, const char *s)
{
	char	*d;

	if ((d = arena_strdup(p->conf->arena, s)) == NULL)
		fail(p, "out of memory");
	return d;
}

/*
 * Room for one more element in an array of n of size sz that grows in
 * the arena: 4, 8, 16 ... Starting over on the first value of a key in
 * a section leaves the inherited array to [defaults].
 */
static void *
grow(struct parse *p, const void *v, int n, size_t sz)
{
	void	*nv;
	size_t	 cap;

	if (n > 0 && (n < 4 || (n & (n - 1)) != 0))
		return (void *)(uintptr_t)v;
	cap = n == 0 ? 4 : (size_t)n * 2;
	if ((nv = arena_alloc(p->conf->arena, cap * sz)) == NULL) {
		fail(p, "out of memory");
		return NULL;
	}
	if (n > 0)
		memcpy(nv, v, (size_t)n * sz);
	return nv;
}

static int
list_add(struct parse *p, const char ***v, int *n, const char *s)
{
	const char	**nv;
	char		 *d;

	if (p->first) {
		*v = NULL;
		*n = 0;
	}
	if ((d = pdup(p, s)) == NULL ||
	    (nv = grow(p, *v, *n, sizeof(*nv))) == NULL)
		return -1;
	nv[(*n)++] = d;
	*v = nv;
	return 0;
}

static int
set_duration(struct parse *p, const char *v, int64_t min, int64_t max,
    const char *range, int64_t *out)
{
	const char	*why;
	int64_t		 ms;

	if (conf_parse_duration(v, &ms, &why) == -1)
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

	if (parse_num(v, min, max, &n) == -1)
		return fail(p, "\"%s\" is not a number from %lld to %lld",
		    q(p, v), min, max);
	*out = (int)n;
	return 0;
}

static int
set_bool(struct parse *p, const char *v, int *out)
{
	const char	*why;

	if (conf_parse_bool(v, out, &why) == -1)
		return fail(p, "\"%s\" is %s", q(p, v), why);
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
		if (parse_num(num, 0, 100, &pct) == -1)
			goto bad;
		D(p)->jitter_pct = (int)pct;
		D(p)->jitter_ms = 0;
		return 0;
	}
	if (set_duration(p, v, 0, MS_DAY, "[0, 1d] (or give a percentage)",
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
	return set_duration(p, v, 0, MS_HOUR, "[0, 1h]",
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
	if (!printable(v) || strlen(v) >= DNS_SERVER_STRLEN)
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
	return set_duration(p, v, MS_SEC, 3650 * MS_DAY, "[1s, 3650d]",
	    &D(p)->store_retention_ms);
}

static int
k_store_max_size(struct parse *p, const char *v)
{
	const char	*why;
	uint64_t	 b;

	if (conf_parse_size(v, &b, &why) == -1)
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
	if (alen == 0 || alen >= sizeof(a) || (port = parse_port(colon + 1)) == -1)
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
	return set_duration(p, v, MS_SEC, 365 * MS_DAY, "[1s, 365d] (or off)",
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
	if (parse_num(slash + 1, 1, 65536, &n) == -1 ||
	    parse_num(i, 1, n, &idx) == -1)
		goto bad;
	D(p)->shard_index = (unsigned)idx;
	D(p)->shard_count = (unsigned)n;
	return 0;
bad:
	return fail(p, "\"%s\" is not I/N with 1 <= I <= N <= 65536",
	    q(p, v));
}

/*
 * Keys of [daemon] and the targets both: [daemon] gives the fallback.
 */

static int
k_interval(struct parse *p, const char *v)
{
	return set_duration(p, v, MS_SEC, 30 * MS_DAY, "[1s, 30d]",
	    p->sect == SECT_DAEMON ? &D(p)->interval_ms : &p->cur->interval_ms);
}

static int
k_dns_interval(struct parse *p, const char *v)
{
	return set_duration(p, v, MS_SEC, 30 * MS_DAY, "[1s, 30d]",
	    p->sect == SECT_DAEMON ? &D(p)->dns_interval_ms :
	    &p->cur->dns_interval_ms);
}

static int
k_alert_after(struct parse *p, const char *v)
{
	return set_int(p, v, 1, 1000, p->sect == SECT_DAEMON ?
	    &D(p)->alert_after : &p->cur->alert_after);
}

static int
k_clear_after(struct parse *p, const char *v)
{
	return set_int(p, v, 1, 1000, p->sect == SECT_DAEMON ?
	    &D(p)->clear_after : &p->cur->clear_after);
}

/*
 * Per-target keys
 */

static int
k_ports(struct parse *p, const char *v)
{
	struct conf_target	*t = p->cur;
	char			 tok[16];
	const char		*s = v, *e;
	size_t			 len;
	int			 port, n = 0, i;

	if (t->port != 0)
		return fail(p, "the section gives the port already");
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strcspn(s, ",");
		len = (size_t)(e - s);
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(tok))
			return fail(p, "\"%s\" is not a list of ports such as "
			    "25,587", q(p, v));
		memcpy(tok, s, len);
		tok[len] = '\0';
		if ((port = parse_port(tok)) == -1)
			return fail(p, "\"%s\" is not a port", q(p, tok));
		for (i = 0; i < n; i++)
			if (t->ports[i] == port)
				return fail(p, "port %d given twice", port);
		if (n == CONF_PORTS_MAX)
			return fail(p, "more than %d ports", CONF_PORTS_MAX);
		t->ports[n++] = port;
		if (*e == '\0')
			break;
		s = e + 1;
	}
	t->nports = n;
	return 0;
}

static int
k_tls(struct parse *p, const char *v)
{
	int	 pol;

	if ((pol = smtp_tls_policy_lookup(v)) == -1)
		return fail(p, "\"%s\" is not none, may, encrypt, verify or dane",
		    q(p, v));
	p->cur->tls = (enum tls_policy)pol;
	return 0;
}

static int
k_helo(struct parse *p, const char *v)
{
	if (!printable(v) || strlen(v) > 255)
		return fail(p, "\"%s\" is not an EHLO name (printable, no "
		    "blanks, at most 255 bytes)", q(p, v));
	return (p->cur->helo = pdup(p, v)) ? 0 : -1;
}

static int
k_mail_from(struct parse *p, const char *v)
{
	/* the null reverse-path, RFC 5321 4.5.5 */
	if (*v == '\0' || strcmp(v, "<>") == 0) {
		p->cur->mail_from = "";
		return 0;
	}
	if (check_mailbox(p, v) == -1)
		return -1;
	return (p->cur->mail_from = pdup(p, v)) ? 0 : -1;
}

static int
k_rcpt(struct parse *p, const char *v)
{
	if (check_mailbox(p, v) == -1)
		return -1;
	return list_add(p, &p->cur->rcpt, &p->cur->nrcpt, v);
}

static int
k_rcpt_reject(struct parse *p, const char *v)
{
	if (check_mailbox(p, v) == -1)
		return -1;
	return list_add(p, &p->cur->rcpt_reject, &p->cur->nrcpt_reject, v);
}

static int
k_relay_test(struct parse *p, const char *v)
{
	const char	*why;
	int		 b;

	if (conf_parse_bool(v, &b, &why) == 0) {
		p->cur->relay_test = b ? CONF_RELAY_RCPT : NULL;
		return 0;
	}
	if (check_mailbox(p, v) == -1)
		return fail(p, "\"%s\" is not yes, no or an address", q(p, v));
	return (p->cur->relay_test = pdup(p, v)) ? 0 : -1;
}

static int
k_ca_file(struct parse *p, const char *v)
{
	if (check_path(p, v, PATH_MAX - 1) == -1)
		return -1;
	return (p->cur->ca_file = pdup(p, v)) ? 0 : -1;
}

/*
 * "PHASE=DURATION" into ms[]. A phase given explicitly wins over "all",
 * whatever the order; "ehlo" also sets "ehlo2" (the EHLO inside TLS)
 * unless ehlo2 is given, as smtprobe check does.
 */
static int
set_phase(struct parse *p, const char *v, int *ms, uint32_t *explicit,
    uint32_t *implied, int *all)
{
	const char	*eq = strchr(v, '=');
	char		 name[16];
	int64_t		 d;
	int		 ph, i;

	if (eq == NULL || eq == v || (size_t)(eq - v) >= sizeof(name))
		return fail(p, "\"%s\" is not PHASE=DURATION (e.g. banner=30s)",
		    q(p, v));
	memcpy(name, v, (size_t)(eq - v));
	name[eq - v] = '\0';
	if (set_duration(p, eq + 1, 1, MS_HOUR, "(0, 1h]", &d) == -1)
		return -1;
	if (strcasecmp(name, "all") == 0) {
		if (*all)
			return fail(p, "phase all given twice");
		*all = 1;
		for (i = 0; i < PH_COUNT; i++)
			if (!((*explicit | *implied) & (1u << i)))
				ms[i] = (int)d;
		return 0;
	}
	if ((ph = smtp_phase_lookup(name)) == -1)
		return fail(p, "unknown phase \"%s\" (connect, banner, ehlo, "
		    "helo, starttls, tls, ehlo2, mail, rcpt, rset, quit or all)",
		    q(p, name));
	if (*explicit & (1u << ph))
		return fail(p, "phase %s given twice", smtp_phase_name(ph));
	*explicit |= 1u << ph;
	ms[ph] = (int)d;
	if (ph == PH_EHLO && !(*explicit & (1u << PH_EHLO2))) {
		ms[PH_EHLO2] = (int)d;
		*implied |= 1u << PH_EHLO2;
	}
	return 0;
}

static int
k_timeout(struct parse *p, const char *v)
{
	return set_phase(p, v, p->cur->timeout_ms, &p->tmo_explicit,
	    &p->tmo_implied, &p->tmo_all);
}

static int
k_slow(struct parse *p, const char *v)
{
	return set_phase(p, v, p->cur->slow_ms, &p->slow_explicit,
	    &p->slow_implied, &p->slow_all);
}

static int
set_days(struct parse *p, const char *v, int *out)
{
	char		 num[8];
	size_t		 len = strlen(v);
	long long	 n;

	if (len > 1 && (v[len - 1] == 'd' || v[len - 1] == 'D'))
		len--;
	if (len >= sizeof(num))
		goto bad;
	memcpy(num, v, len);
	num[len] = '\0';
	if (parse_num(num, 0, 3650, &n) == -1)
		goto bad;
	*out = (int)n;
	return 0;
bad:
	return fail(p, "\"%s\" is not a number of days from 0 to 3650",
	    q(p, v));
}

static int
k_expiry_warn(struct parse *p, const char *v)
{
	return set_days(p, v, &p->cur->expiry_warn_days);
}

static int
k_expiry_crit(struct parse *p, const char *v)
{
	return set_days(p, v, &p->cur->expiry_crit_days);
}

static int
k_implicit_tls(struct parse *p, const char *v)
{
	return set_bool(p, v, &p->cur->implicit_tls);
}

static int
k_name(struct parse *p, const char *v)
{
	char	 n[NAME_MAX_LEN + 1];

	if (name_norm(v, n) == -1)
		return fail(p, "\"%s\" is not a host name", q(p, v));
	return (p->cur->name = pdup(p, n)) ? 0 : -1;
}

static int
k_addr(struct parse *p, const char *v)
{
	char	 a[INET6_ADDRSTRLEN];
	int	 fam;

	if (addr_norm(v, a, &fam) == -1)
		return fail(p, "\"%s\" is not an IPv4 or IPv6 address", q(p, v));
	return list_add(p, &p->cur->addrs, &p->cur->naddrs, a);
}

static int
k_dkim_selector(struct parse *p, const char *v)
{
	if (check_selector(p, v) == -1)
		return -1;
	return list_add(p, &p->cur->dkim_selectors, &p->cur->ndkim_selectors,
	    v);
}

static int
k_dkim_key(struct parse *p, const char *v)
{
	struct conf_target	*t = p->cur;
	struct conf_dkim_key	*dk;
	const char		*eq = strchr(v, '=');
	char			 sel[64];
	char			*s, *path;

	if (eq == NULL || eq == v || (size_t)(eq - v) >= sizeof(sel))
		return fail(p, "\"%s\" is not SELECTOR=PEMFILE", q(p, v));
	memcpy(sel, v, (size_t)(eq - v));
	sel[eq - v] = '\0';
	if (check_selector(p, sel) == -1 ||
	    check_path(p, eq + 1, PATH_MAX - 1) == -1)
		return -1;
	if (p->first) {
		t->dkim_keys = NULL;
		t->ndkim_keys = 0;
	}
	if ((s = pdup(p, sel)) == NULL || (path = pdup(p, eq + 1)) == NULL ||
	    (dk = grow(p, t->dkim_keys, t->ndkim_keys, sizeof(*dk))) == NULL)
		return -1;
	dk[t->ndkim_keys].selector = s;
	dk[t->ndkim_keys].path = path;
	dk[t->ndkim_keys].line = p->lineno;
	t->ndkim_keys++;
	t->dkim_keys = dk;
	return 0;
}

static int
k_spf_ip(struct parse *p, const char *v)
{
	char	 a[INET6_ADDRSTRLEN];
	int	 fam;

	if (addr_norm(v, a, &fam) == -1)
		return fail(p, "\"%s\" is not an IPv4 or IPv6 address", q(p, v));
	return list_add(p, &p->cur->spf_ips, &p->cur->nspf_ips, a);
}

static int
k_dnsbl(struct parse *p, const char *v)
{
	char	 n[NAME_MAX_LEN + 1];

	if (name_norm(v, n) == -1)
		return fail(p, "\"%s\" is not a DNS zone name", q(p, v));
	return list_add(p, &p->cur->dnsbl, &p->cur->ndnsbl, n);
}

static int
k_mta_sts_port(struct parse *p, const char *v)
{
	int	 port;

	if ((port = parse_port(v)) == -1)
		return fail(p, "\"%s\" is not a port", q(p, v));
	p->cur->mtasts_port = port;
	return 0;
}

static int
k_allow_private(struct parse *p, const char *v)
{
	return set_bool(p, v, &p->cur->allow_private);
}

static int
k_family(struct parse *p, const char *v)
{
	if (strcasecmp(v, "any") == 0)
		p->cur->family = AF_UNSPEC;
	else if (strcasecmp(v, "ipv4") == 0)
		p->cur->family = AF_INET;
	else if (strcasecmp(v, "ipv6") == 0)
		p->cur->family = AF_INET6;
	else
		return fail(p, "\"%s\" is not any, ipv4 or ipv6", q(p, v));
	return 0;
}

static int
k_dns_only(struct parse *p, const char *v)
{
	return set_bool(p, v, &p->cur->dns_only);
}

static int
k_no_dns(struct parse *p, const char *v)
{
	return set_bool(p, v, &p->cur->no_dns);
}

/* Every key; at most 64 (a bit each in parse.set). */
static const struct key keys[] = {
	{ "state-dir",		W_DAEMON, 0, 0, k_state_dir },
	{ "control-socket",	W_DAEMON, 0, 0, k_control_socket },
	{ "control-mode",	W_DAEMON, 0, 0, k_control_mode },
	{ "control-group",	W_DAEMON, 0, 0, k_control_group },
	{ "syslog-facility",	W_DAEMON, 0, 0, k_syslog_facility },
	{ "concurrency",	W_DAEMON, 0, 0, k_concurrency },
	{ "jitter",		W_DAEMON, 0, 0, k_jitter },
	{ "host-spacing",	W_DAEMON, 0, 0, k_host_spacing },
	{ "resolver",		W_DAEMON, DNS_MAX_SERVERS, 0, k_resolver },
	{ "store-retention",	W_DAEMON, 0, 0, k_store_retention },
	{ "store-max-size",	W_DAEMON, 0, 0, k_store_max_size },
	{ "metrics",		W_DAEMON, 0, 0, k_metrics },
	{ "renotify",		W_DAEMON, 0, 0, k_renotify },
	{ "shard",		W_DAEMON, 0, 0, k_shard },
	{ "interval",		W_DAEMON | W_TARGET, 0, 0, k_interval },
	{ "dns-interval",	W_DAEMON | W_TARGET, 0, 0, k_dns_interval },
	{ "alert-after",	W_DAEMON | W_TARGET, 0, 0, k_alert_after },
	{ "clear-after",	W_DAEMON | W_TARGET, 0, 0, k_clear_after },
	{ "ports",		W_TARGET, 0, 0, k_ports },
	{ "tls",		W_TARGET, 0, 0, k_tls },
	{ "helo",		W_TARGET, 0, 0, k_helo },
	{ "mail-from",		W_TARGET, 0, 1, k_mail_from },
	{ "rcpt",		W_TARGET, CONF_VALUES_MAX, 0, k_rcpt },
	{ "rcpt-reject",	W_TARGET, CONF_VALUES_MAX, 0, k_rcpt_reject },
	{ "relay-test",		W_TARGET, 0, 0, k_relay_test },
	{ "ca-file",		W_TARGET, 0, 0, k_ca_file },
	{ "timeout",		W_TARGET, PH_COUNT + 1, 0, k_timeout },
	{ "slow",		W_TARGET, PH_COUNT + 1, 0, k_slow },
	{ "expiry-warn",	W_TARGET, 0, 0, k_expiry_warn },
	{ "expiry-crit",	W_TARGET, 0, 0, k_expiry_crit },
	{ "implicit-tls",	W_TARGET, 0, 0, k_implicit_tls },
	{ "name",		W_HOST, 0, 0, k_name },
	{ "addr",		W_HOST, 32, 0, k_addr },
	{ "dkim-selector",	W_TARGET, AUDIT_SELECTORS_MAX, 0,
				k_dkim_selector },
	{ "dkim-key",		W_TARGET, AUDIT_SELECTORS_MAX, 0, k_dkim_key },
	{ "spf-ip",		W_TARGET, 32, 0, k_spf_ip },
	{ "dnsbl",		W_TARGET, 32, 0, k_dnsbl },
	{ "mta-sts-port",	W_TARGET, 0, 0, k_mta_sts_port },
	{ "allow-private",	W_TARGET, 0, 0, k_allow_private },
	{ "family",		W_TARGET, 0, 0, k_family },
	{ "dns-only",		W_TARGET, 0, 0, k_dns_only },
	{ "no-dns",		W_TARGET, 0, 0, k_no_dns },
};

_Static_assert(sizeof(keys) / sizeof(keys[0]) <= 64, "a bit per key");
_Static_assert(PH_COUNT <= 32, "a bit per phase");

static const struct key *
key_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcasecmp(name, keys[i].name) == 0)
			return &keys[i];
	return NULL;
}

static int
key_index(const struct key *k)
{
	return (int)(k - keys);
}

static uint64_t
key_bit(const char *name)
{
	return 1ULL << key_index(key_find(name));
}

/*
 * Targets and the id index
 */

uint64_t
conf_hash(const char *s, size_t len)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
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

const struct conf_target *
conf_target_find(const struct conf *c, const char *id)
{
	size_t	 n = index_lookup(c, id, conf_hash(id, strlen(id)));

	return n == SIZE_MAX ? NULL : &c->targets[n];
}

int
conf_target_in_shard(const struct conf *c, const struct conf_target *t)
{
	if (c->daemon.shard_count <= 1)
		return 1;
	return t->hash % c->daemon.shard_count == c->daemon.shard_index - 1;
}

/*
 * [host ARG]: NAME, NAME:PORT, IPV4, IPV4:PORT, IPV6, [IPV6], [IPV6]:PORT.
 * Host (canonical) into host, at least NAME_MAX_LEN + 1 bytes.
 */
static int
host_parse(struct parse *p, char *s, char *host, int *port, int *literal)
{
	char	*c, *rb;
	int	 fam;

	*port = 0;
	*literal = 0;
	if (s[0] == '[') {
		if ((rb = strchr(s, ']')) == NULL)
			return fail(p, "missing ']' after the IPv6 address");
		*rb = '\0';
		if (addr_norm(s + 1, host, &fam) == -1 || fam != AF_INET6)
			return fail(p, "\"%s\" is not an IPv6 address",
			    q(p, s + 1));
		*literal = 1;
		if (rb[1] == ':') {
			if ((*port = parse_port(rb + 2)) == -1)
				return fail(p, "\"%s\" is not a port",
				    q(p, rb + 2));
		} else if (rb[1] != '\0')
			return fail(p, "junk after the IPv6 address");
		return 0;
	}
	c = strchr(s, ':');
	if (c != NULL && strchr(c + 1, ':') != NULL) {
		if (addr_norm(s, host, &fam) == -1)
			return fail(p, "\"%s\" is not an IPv6 address (write "
			    "[IPV6]:PORT for a port)", q(p, s));
		*literal = 1;
		return 0;
	}
	if (c != NULL) {
		*c = '\0';
		if ((*port = parse_port(c + 1)) == -1)
			return fail(p, "\"%s\" is not a port", q(p, c + 1));
	}
	if (addr_norm(s, host, &fam) == 0) {
		*literal = 1;
		return 0;
	}
	if (name_norm(s, host) == -1)
		return fail(p, "\"%s\" is not a host name or address", q(p, s));
	return 0;
}

static int
target_begin(struct parse *p, enum conf_kind kind, const char *arg,
    size_t len)
{
	struct conf		*c = p->conf;
	struct conf_target	*t, *nt;
	char			 buf[NAME_MAX_LEN + 16], host[NAME_MAX_LEN + 1];
	char			 id[NAME_MAX_LEN + 32];
	size_t			 n;
	uint64_t		 h;
	int			 port = 0, literal = 0, fam;

	if (len >= sizeof(buf)) {
		fail(p, "name longer than %d bytes", NAME_MAX_LEN);
		return -1;
	}
	memcpy(buf, arg, len);
	buf[len] = '\0';
	if (kind == CONF_DOMAIN) {
		if (addr_norm(buf, host, &fam) == 0 || buf[0] == '[')
			return fail(p, "an address is not a domain: use [host "
			    "%s]", q(p, buf));
		if (name_norm(buf, host) == -1)
			return fail(p, "\"%s\" is not a domain name", q(p, buf));
		snprintf(id, sizeof(id), "domain:%s", host);
	} else {
		if (host_parse(p, buf, host, &port, &literal) == -1)
			return -1;
		snprintf(id, sizeof(id), "host:%s%s%s", strchr(host, ':') ?
		    "[" : "", host, strchr(host, ':') ? "]" : "");
		if (port != 0)
			snprintf(id + strlen(id), sizeof(id) - strlen(id), ":%d",
			    port);
	}
	h = conf_hash(id, strlen(id));
	if ((n = index_lookup(c, id, h)) != SIZE_MAX)
		return fail(p, "target %s already defined at line %d", id,
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
	t = &c->targets[c->ntargets];
	*t = p->defaults;
	t->kind = kind;
	t->hash = h;
	t->port = port;
	t->literal = literal;
	t->line = p->lineno;
	if ((t->id = pdup(p, id)) == NULL || (t->host = pdup(p, host)) == NULL)
		return -1;
	if (index_add(c, c->ntargets) == -1)
		return fail(p, "out of memory");
	c->ntargets++;
	p->cur = t;
	return 0;
}

/*
 * What a target section adds up to, checked when it ends: the RCPT
 * tests in order, the selectors the audit asks for.
 */
static int
target_end(struct parse *p)
{
	struct conf_target	*t = p->cur;
	struct smtp_rcpt_test	*tests;
	const char		**sel;
	int			 n, i, j;

	if (t->port != 0) {
		t->ports[0] = t->port;
		t->nports = 1;
	}
	if (t->dns_only && t->no_dns)
		return fail(p, "dns-only and no-dns exclude each other");
	if (t->dns_only && (t->literal || t->naddrs > 0))
		return fail(p, "dns-only needs a name to audit, not addresses");

	if ((p->set & p->bits_tests) || p->sect == SECT_DEFAULTS) {
		n = t->nrcpt + t->nrcpt_reject + (t->relay_test != NULL);
		if (n > CONF_VALUES_MAX)
			return fail(p, "more than %d RCPT tests (rcpt, "
			    "rcpt-reject and relay-test)", CONF_VALUES_MAX);
		tests = NULL;
		if (n > 0 && (tests = arena_alloc(p->conf->arena,
		    (size_t)n * sizeof(*tests))) == NULL)
			return fail(p, "out of memory");
		n = 0;
		for (i = 0; i < t->nrcpt; i++) {
			tests[n].addr = t->rcpt[i];
			tests[n++].expect = RCPT_EXPECT_ACCEPT;
		}
		for (i = 0; i < t->nrcpt_reject; i++) {
			tests[n].addr = t->rcpt_reject[i];
			tests[n++].expect = RCPT_EXPECT_REJECT;
		}
		if (t->relay_test != NULL) {
			tests[n].addr = t->relay_test;
			tests[n++].expect = RCPT_EXPECT_RELAY_REJECT;
		}
		t->tests = tests;
		t->ntests = n;
	}

	if ((p->set & p->bits_dkim) || p->sect == SECT_DEFAULTS) {
		n = t->ndkim_selectors + t->ndkim_keys;
		sel = NULL;
		if (n > 0 && (sel = arena_alloc(p->conf->arena,
		    (size_t)n * sizeof(*sel))) == NULL)
			return fail(p, "out of memory");
		n = 0;
		for (i = 0; i < t->ndkim_selectors + t->ndkim_keys; i++) {
			const char *s = i < t->ndkim_selectors ?
			    t->dkim_selectors[i] :
			    t->dkim_keys[i - t->ndkim_selectors].selector;

			for (j = 0; j < n; j++)
				if (strcmp(sel[j], s) == 0)
					break;
			if (j == n)
				sel[n++] = s;
		}
		if (n > AUDIT_SELECTORS_MAX)
			return fail(p, "more than %d DKIM selectors "
			    "(dkim-selector and dkim-key)", AUDIT_SELECTORS_MAX);
		t->selectors = sel;
		t->nselectors = n;
	}
	return 0;
}

static int
section_end(struct parse *p)
{
	if (p->sect != SECT_DEFAULTS && p->sect != SECT_DOMAIN &&
	    p->sect != SECT_HOST)
		return 0;
	if (target_end(p) == -1) {
		error_at(p, p->sectline, "[%s]: %s", p->sectname, p->why);
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
	    "[domain NAME] or [host NAME[:PORT]]";
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
	p->set = 0;
	memset(p->count, 0, sizeof(p->count));
	p->tmo_explicit = p->tmo_implied = p->slow_explicit =
	    p->slow_implied = 0;
	p->tmo_all = p->slow_all = 0;
	p->resolver_none = 0;

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
		p->cur = daemon ? NULL : &p->defaults;
		return 0;
	}
	if (KIND("domain") || KIND("host")) {
		enum conf_kind	 kind = KIND("domain") ? CONF_DOMAIN : CONF_HOST;

		if (al == 0)
			error_at(p, p->lineno, "[%s]: missing the %s",
			    p->sectname, kind == CONF_DOMAIN ? "domain name" :
			    "host name or address");
		else if (target_begin(p, kind, a, al) == -1)
			error_at(p, p->lineno, "[%s]: %s", p->sectname, p->why);
		if (p->cause != NULL)
			return -1;
		p->sect = kind == CONF_DOMAIN ? SECT_DOMAIN : SECT_HOST;
		return 0;
	}
#undef KIND
	error_at(p, p->lineno, "[%s]: unknown section (%s)", p->sectname,
	    expect);
	return -1;
}

/*
 * inih's side
 */

/*
 * Hand inih the next line (see the top of the file). Returns NULL at
 * the end of the file and after an error, which ends the parse.
 */
static char *
conf_reader(char *buf, int num, void *arg)
{
	struct parse	*p = arg;
	size_t		 len = 0, room, klen;
	char		*s, *sep;
	int		 c;

	p->longval = NULL;
	if (p->cause != NULL || p->eof)
		return NULL;
	if (num < 8) {
		error_at(p, p->lineno, "inih's line buffer is too small");
		return NULL;
	}
	for (;;) {
		if ((c = getc(p->fp)) == EOF) {
			if (ferror(p->fp)) {
				error_at(p, p->lineno + 1, "read error: %s",
				    strerror(errno));
				return NULL;
			}
			p->eof = 1;
			if (len == 0)
				return NULL;
			break;
		}
		if (++p->bytes > CONF_FILE_MAX) {
			error_at(p, p->lineno + 1, "the file is larger than "
			    "%ld bytes", CONF_FILE_MAX);
			return NULL;
		}
		if (c == '\n')
			break;
		if (c == '\0') {
			error_at(p, p->lineno + 1, "NUL byte");
			return NULL;
		}
		if (len == CONF_LINE_MAX) {
			error_at(p, p->lineno + 1, "line longer than %d bytes",
			    CONF_LINE_MAX);
			return NULL;
		}
		p->line[len++] = (char)c;
	}
	p->lineno++;
	if (len > 0 && p->line[len - 1] == '\r')
		len--;
	p->line[len] = '\0';
	s = p->line;
	if (p->lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;		/* a UTF-8 byte order mark */
	for (sep = s; *sep != '\0'; sep++)
		if (((unsigned char)*sep < 0x20 && *sep != '\t') ||
		    (unsigned char)*sep == 0x7f) {
			error_at(p, p->lineno, "control character 0x%02x",
			    (unsigned char)*sep);
			return NULL;
		}
	while (*s == ' ' || *s == '\t')
		s++;

	if (*s == '\0' || *s == '#' || *s == ';') {
		strcpy(buf, "\n");
		return buf;
	}
	if (*s == '[') {
		if (section_begin(p, s) == -1)
			return NULL;
		strcpy(buf, "\n");
		return buf;
	}
	if ((sep = strpbrk(s, "=:")) == NULL) {
		error_at(p, p->lineno, "expected KEY = VALUE, [SECTION] or a "
		    "comment");
		return NULL;
	}
	room = (size_t)num - 2;		/* the newline and the NUL */
	len = strlen(s);
	if (len <= room) {
		memcpy(buf, s, len);
		strcpy(buf + len, "\n");
		return buf;
	}
	/* too long for inih: the key goes through, the value beside it */
	klen = (size_t)(sep - s);
	if (klen + 2 > room) {
		/* no key is that long: the handler says which is unknown */
		*sep = '\0';
		conf_handler(p, NULL, s, "");
		return NULL;
	}
	memcpy(buf, s, klen);
	strcpy(buf + klen, "=\001\n");
	p->longval = sep + 1;
	return buf;
}

/*
 * The value as inih leaves it: an inline comment (';' after a blank, the
 * blank before the value included) cut, blanks trimmed.
 */
static void
value_norm(const char *v, char *out, size_t sz)
{
	const char	*s = v, *e;
	int		 blank = 0;
	size_t		 len;

	for (e = v; *e != '\0'; e++) {
		if (*e == ';' && blank)
			break;
		blank = *e == ' ' || *e == '\t';
	}
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	len = (size_t)(e - s);
	if (len >= sz)
		len = sz - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

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
	default:
		return "?";
	}
}

/* Called by inih for every KEY = VALUE (section is ours: see the reader). */
static int
conf_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct parse		*p = user;
	const struct key	*k;
	unsigned		 where;
	int			 i;

	(void)section;
	if (p->cause != NULL)
		return 0;
	if (name == NULL)
		return 1;	/* a build that reports new sections */
	if (value == NULL) {
		error_at(p, p->lineno, "expected KEY = VALUE");
		return 0;
	}
	if (p->longval != NULL && strcmp(value, "\001") == 0)
		value = p->longval;
	value_norm(value, p->val, sizeof(p->val));

	if (p->sect == SECT_NONE) {
		error_at(p, p->lineno, "%s: key outside any section "
		    "([daemon], [defaults], [domain NAME] or [host NAME])",
		    q(p, name));
		return 0;
	}
	if ((k = key_find(name)) == NULL) {
		error_at(p, p->lineno, "[%s] %s: unknown key", p->sectname,
		    q(p, name));
		return 0;
	}
	where = p->sect == SECT_DAEMON ? W_DAEMON : p->sect == SECT_DEFAULTS ?
	    W_DEFAULTS : p->sect == SECT_DOMAIN ? W_DOMAIN : W_HOST;
	if (!(k->where & where)) {
		error_at(p, p->lineno, "[%s] %s: not a key of %s (%s)",
		    p->sectname, k->name, sect_kind(p->sect),
		    k->where == W_DAEMON ? "only in [daemon]" :
		    k->where == W_HOST ? "only in a [host] section" :
		    "per-target keys go in [defaults] or a target section");
		return 0;
	}
	i = key_index(k);
	p->first = !(p->set & (1ULL << i));
	if (!p->first && k->max == 0) {
		error_at(p, p->lineno, "[%s] %s: given twice in this section "
		    "(first at line %d)", p->sectname, k->name, p->keyline[i]);
		return 0;
	}
	if (k->max > 0 && p->count[i] == k->max) {
		error_at(p, p->lineno, "[%s] %s: more than %d values in this "
		    "section", p->sectname, k->name, k->max);
		return 0;
	}
	if (p->first)
		p->keyline[i] = p->lineno;
	p->set |= 1ULL << i;
	p->count[i]++;
	if (p->val[0] == '\0' && !k->empty_ok) {
		error_at(p, p->lineno, "[%s] %s: empty value", p->sectname,
		    k->name);
		return 0;
	}
	if (k->set(p, p->val) == -1) {
		error_at(p, p->lineno, "[%s] %s: %s", p->sectname, k->name,
		    p->why);
		return 0;
	}
	return 1;
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
	d->interval_ms = 5 * MS_MIN;
	d->jitter_pct = 10;
	d->dns_interval_ms = MS_HOUR;
	d->host_spacing_ms = 2 * MS_SEC;
	d->store_retention_ms = 30 * MS_DAY;
	d->store_max_size = 256ULL << 20;
	d->alert_after = 2;
	d->clear_after = 2;
	d->renotify_ms = MS_DAY;
	d->shard_index = 1;
	d->shard_count = 1;
}

/* What a target is when nobody says otherwise: smtprobe check's defaults. */
static void
target_defaults(struct conf_target *t)
{
	struct smtp_params	 sp;

	smtp_params_defaults(&sp);
	memset(t, 0, sizeof(*t));
	t->ports[0] = 25;
	t->nports = 1;
	t->tls = sp.tls_policy;
	t->mail_from = sp.mail_from;
	memcpy(t->timeout_ms, sp.timeout_ms, sizeof(t->timeout_ms));
	memcpy(t->slow_ms, sp.slow_ms, sizeof(t->slow_ms));
	t->expiry_warn_days = sp.expiry_warn_days;
	t->expiry_crit_days = sp.expiry_crit_days;
	t->mtasts_port = 443;
	t->family = AF_UNSPEC;
	/* interval, dns-interval, alert-after, clear-after: 0, [daemon]'s */
}

int
conf_load_file(FILE *fp, const char *name, struct conf **confp, char **cause)
{
	struct parse	*p;
	struct conf	*c;
	size_t		 i;
	int		 rv;

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
	if ((c->arena = calloc(1, sizeof(*c->arena))) == NULL ||
	    (c->index = calloc(1, sizeof(*c->index))) == NULL ||
	    (c->path = arena_strdup(c->arena, name)) == NULL) {
		oom(p);
		goto out;
	}
	daemon_defaults(&c->daemon);
	target_defaults(&p->defaults);
	p->bits_tests = key_bit("rcpt") | key_bit("rcpt-reject") |
	    key_bit("relay-test");
	p->bits_dkim = key_bit("dkim-selector") | key_bit("dkim-key");

	rv = ini_parse_stream(conf_reader, p, conf_handler, p);
	/*
	 * inih reports the first line it could not parse, ours included; a
	 * line before our first error is one only inih saw as bad.
	 */
	if (rv > 0 && (p->cause == NULL || rv < p->cause_line)) {
		free(p->cause);
		p->cause = NULL;
		error_at(p, rv, "expected KEY = VALUE, [SECTION] or a comment");
	} else if (rv < 0 && p->cause == NULL)
		error_at(p, p->lineno, "out of memory");
	if (p->cause == NULL)
		section_end(p);
	if (p->cause != NULL)
		goto out;

	for (i = 0; i < c->ntargets; i++) {
		struct conf_target *t = &c->targets[i];

		if (t->interval_ms == 0)
			t->interval_ms = c->daemon.interval_ms;
		if (t->dns_interval_ms == 0)
			t->dns_interval_ms = c->daemon.dns_interval_ms;
		if (t->alert_after == 0)
			t->alert_after = c->daemon.alert_after;
		if (t->clear_after == 0)
			t->clear_after = c->daemon.clear_after;
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
conf_load(const char *path, struct conf **confp, char **cause)
{
	struct stat	 st;
	FILE		*fp;
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
	rv = conf_load_file(fp, path, confp, cause);
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
	arena_free(c->arena);
	free(c);
}

/*
 * Shared with smtprobe check
 */

void
conf_target_smtp_params(const struct conf_target *t, int port,
    struct smtp_params *p)
{
	smtp_params_defaults(p);
	if (t->helo != NULL)
		p->helo = t->helo;
	p->mail_from = t->mail_from;
	p->rcpts = t->tests;
	p->nrcpts = t->ntests;
	p->tls_policy = t->tls;
	/* 465 is submissions, RFC 8314; 587 is submission, RFC 6409 */
	p->implicit_tls = t->implicit_tls || port == 465;
	p->submission = port == 587 || port == 465;
	p->expiry_warn_days = t->expiry_warn_days;
	p->expiry_crit_days = t->expiry_crit_days;
	memcpy(p->timeout_ms, t->timeout_ms, sizeof(p->timeout_ms));
	memcpy(p->slow_ms, t->slow_ms, sizeof(p->slow_ms));
}

void
conf_target_audit_params(const struct conf_target *t,
    struct audit_params *a)
{
	memset(a, 0, sizeof(*a));
	a->domain = t->host;
	a->family = t->family;
	a->ports = t->ports;
	a->nports = t->nports;
	a->dkim_selectors = t->selectors;
	a->ndkim = t->nselectors;
	a->spf_ips = t->spf_ips;
	a->nspf_ips = t->nspf_ips;
	a->dnsbl_zones = t->dnsbl;
	a->ndnsbl = t->ndnsbl;
	a->mtasts_port = t->mtasts_port;
	a->fetch_timeout_ms = t->timeout_ms[PH_CONNECT] < 10000 ?
	    t->timeout_ms[PH_CONNECT] * 2 : 20000;
	a->allow_private = t->allow_private;
	a->dane_required = t->tls == TLSPOL_DANE;
	a->host_mode = t->kind == CONF_HOST;
	a->minimal = t->no_dns;
}
