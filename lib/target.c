/*
 * target.c - the settings of a target: one table, one setter, one
 * translation into check parameters.
 *
 * A row's setter checks the syntax and the limits of a value and stores
 * it; it never looks at where the value came from, so a key of
 * smtprobed.conf and the long option of the same name cannot drift
 * apart. Where a setting may stand (a [host] section, [daemon], the
 * command line) is the caller's business; so is the form of a message
 * ("FILE:LINE: [SECTION] KEY: why" or "smtprobe: --KEY: why").
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "target.h"
#include "util.h"

#define QUOTE_MAX	72	/* bytes of a value quoted in a message */

_Static_assert(PH_COUNT <= 32, "a bit per phase");

/*
 * Messages
 */

/* A value quoted in a message: printable, bounded; two live at once. */
static const char *
q(struct target_input *in, const char *s)
{
	char	*b = in->quote[in->qi];

	in->qi ^= 1;
	value_display(b, QUOTE_MAX + 1, s);
	return b;
}

static int __attribute__((format(printf, 2, 3)))
fail(struct target_input *in, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(in->why, sizeof(in->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* "[1s, 30d]", or "(0, 1h]" when the least is a millisecond. */
static const char *
range(const struct target_setting *s, char *buf, size_t sz)
{
	char	 lo[32], hi[32];

	if (s->lo == 1)
		snprintf(buf, sz, "(0, %s]", value_duration_str(s->hi, hi,
		    sizeof(hi)));
	else
		snprintf(buf, sz, "[%s, %s]", s->lo == 0 ? "0" :
		    value_duration_str(s->lo, lo, sizeof(lo)),
		    value_duration_str(s->hi, hi, sizeof(hi)));
	return buf;
}

/*
 * Storage
 */

static char *
tdup(struct target_input *in, const char *s)
{
	char	*d;

	if ((d = arena_strdup(in->arena, s)) == NULL)
		fail(in, "out of memory");
	return d;
}

/*
 * Room for one more element in an array of n of size sz that grows in
 * the arena: 4, 8, 16 ... The first value of a setting in an input
 * starts a new array, which leaves the inherited one to [defaults].
 */
static void *
grow(struct target_input *in, const void *v, int n, size_t sz)
{
	void	*nv;
	size_t	 cap;

	if (n > 0 && (n < 4 || (n & (n - 1)) != 0))
		return (void *)(uintptr_t)v;
	cap = n == 0 ? 4 : (size_t)n * 2;
	if ((nv = arena_alloc(in->arena, cap * sz)) == NULL) {
		fail(in, "out of memory");
		return NULL;
	}
	if (n > 0)
		memcpy(nv, v, (size_t)n * sz);
	return nv;
}

static int
first(const struct target_input *in, const struct target_setting *s)
{
	return in->count[s - target_settings] == 1;
}

static int
list_add(struct target_input *in, const struct target_setting *s,
    const char ***v, int *n, const char *str)
{
	const char	**nv;
	char		 *d;

	if (first(in, s)) {
		*v = NULL;
		*n = 0;
	}
	if ((d = tdup(in, str)) == NULL ||
	    (nv = grow(in, *v, *n, sizeof(*nv))) == NULL)
		return -1;
	nv[(*n)++] = d;
	*v = nv;
	return 0;
}

/*
 * Values
 */

static int
get_duration(struct target_input *in, const struct target_setting *s,
    const char *v, int64_t *out)
{
	const char	*why;
	char		 r[80];
	int64_t		 ms;

	if (value_duration(v, &ms, &why) == -1)
		return fail(in, "\"%s\" is %s", q(in, v), why);
	if (ms < s->lo || ms > s->hi)
		return fail(in, "\"%s\" is not in %s", q(in, v),
		    range(s, r, sizeof(r)));
	*out = ms;
	return 0;
}

static int
get_bool(struct target_input *in, const char *v, int *out)
{
	const char	*why;

	if (value_bool(v, out, &why) == -1)
		return fail(in, "\"%s\" is %s", q(in, v), why);
	return 0;
}

/* Without a domain a server qualifies the address with its own. */
#define NO_DOMAIN	"(LOCAL@DOMAIN, the domain a name or an address " \
			"literal such as [192.0.2.1]: without one a server " \
			"takes the address for one of its own users)"

/* An address into out (VALUE_MAILBOX_MAX + 1), its domain as A-labels. */
static int
get_mailbox(struct target_input *in, const char *v, char *out)
{
	const char	*why;

	if (value_mailbox(v, out, &why) == -1) {
		if (why != NULL)
			return fail(in, "\"%s\" is not an address: %s", q(in, v),
			    why);
		return fail(in, "\"%s\" is not an address (printable, no blanks "
		    "or angle brackets, at most %d bytes)", q(in, v),
		    VALUE_MAILBOX_MAX);
	}
	if (!value_mailbox_domain(out))
		return fail(in, "\"%s\" is not an address with a domain "
		    NO_DOMAIN, q(in, v));
	return 0;
}

static int
get_selector(struct target_input *in, const char *v)
{
	if (!value_selector(v))
		return fail(in, "\"%s\" is not a DKIM selector (printable, no "
		    "'.', '/' or '\\', at most %d bytes)", q(in, v),
		    VALUE_SELECTOR_MAX);
	return 0;
}

/*
 * A path into the arena: absolute as given, or relative to the input's
 * base (the directory of the file, or of the command line).
 */
static const char *
get_path(struct target_input *in, const char *v)
{
	char	*d;
	size_t	 bl, vl = strlen(v);

	if (v[0] != '/' && in->base == NULL) {
		fail(in, "\"%s\" is not an absolute path", q(in, v));
		return NULL;
	}
	bl = v[0] == '/' ? 0 : strlen(in->base);
	if (bl + 1 + vl > PATH_MAX - 1) {
		fail(in, "longer than %d bytes", PATH_MAX - 1);
		return NULL;
	}
	if (bl == 0)
		return tdup(in, v);
	if ((d = arena_alloc(in->arena, bl + 1 + vl + 1)) == NULL) {
		fail(in, "out of memory");
		return NULL;
	}
	snprintf(d, bl + 1 + vl + 1, "%s%s%s", in->base,
	    in->base[bl - 1] == '/' ? "" : "/", v);
	return d;
}

/*
 * Setters, one per kind of value
 */

#define SET(fn) static int fn(struct target_input *in, \
    const struct target_setting *s, struct target *t, const char *v)

SET(set_ports)
{
	char		 tok[16];
	const char	*p = v, *e;
	size_t		 len;
	int		 port, n = 0, i, ports[TARGET_PORTS_MAX];

	(void)s;
	if (t->port != 0)
		return fail(in, "the target gives its port already");
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strcspn(p, ",");
		len = (size_t)(e - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(tok))
			return fail(in, "\"%s\" is not a list of ports such as "
			    "25,587", q(in, v));
		memcpy(tok, p, len);
		tok[len] = '\0';
		if ((port = value_port(tok)) == -1)
			return fail(in, "\"%s\" is not a port", q(in, tok));
		for (i = 0; i < n; i++)
			if (ports[i] == port)
				return fail(in, "port %d given twice", port);
		if (n == TARGET_PORTS_MAX)
			return fail(in, "more than %d ports", TARGET_PORTS_MAX);
		ports[n++] = port;
		if (*e == '\0')
			break;
		p = e + 1;
	}
	memcpy(t->ports, ports, sizeof(ports[0]) * (size_t)n);
	t->nports = n;
	return 0;
}

SET(set_tls)
{
	int	 pol;

	(void)s;
	if ((pol = smtp_tls_policy_lookup(v)) == -1)
		return fail(in, "\"%s\" is not none, may, encrypt, verify or "
		    "dane", q(in, v));
	t->tls = (enum tls_policy)pol;
	return 0;
}

SET(set_helo)
{
	char	 n[VALUE_NAME_MAX + 1];

	(void)s;
	/* a name typed with U-labels is sent with A-labels (RFC 5890) */
	if (value_mailbox_utf8(v) && value_name(v, n, NULL) == 0)
		v = n;
	if (!value_printable(v) || strlen(v) > VALUE_HELO_MAX)
		return fail(in, "\"%s\" is not an EHLO name (printable, no "
		    "blanks, at most %d bytes)", q(in, v), VALUE_HELO_MAX);
	return (t->helo = tdup(in, v)) ? 0 : -1;
}

SET(set_mail_from)
{
	char	 a[VALUE_MAILBOX_MAX + 1];

	(void)s;
	/* the null reverse-path, RFC 5321 4.5.5 */
	if (*v == '\0' || strcmp(v, "<>") == 0) {
		t->mail_from = "";
		return 0;
	}
	if (get_mailbox(in, v, a) == -1)
		return -1;
	return (t->mail_from = tdup(in, a)) ? 0 : -1;
}

SET(set_rcpt)
{
	char	 a[VALUE_MAILBOX_MAX + 1];

	if (get_mailbox(in, v, a) == -1)
		return -1;
	return list_add(in, s, &t->rcpt, &t->nrcpt, a);
}

SET(set_rcpt_reject)
{
	char	 a[VALUE_MAILBOX_MAX + 1];

	if (get_mailbox(in, v, a) == -1)
		return -1;
	return list_add(in, s, &t->rcpt_reject, &t->nrcpt_reject, a);
}

SET(set_relay_test)
{
	char		 a[VALUE_MAILBOX_MAX + 1];
	const char	*why;
	int		 b;

	(void)s;
	if (value_bool(v, &b, &why) == 0) {
		t->relay_test = b ? TARGET_RELAY_RCPT : NULL;
		return 0;
	}
	if (value_mailbox(v, a, &why) == -1)
		return fail(in, "\"%s\" is not yes, no or an address%s%s",
		    q(in, v), why ? ": " : "", why ? why : "");
	if (!value_mailbox_domain(a))
		return fail(in, "\"%s\" is not yes, no or an address with a "
		    "domain " NO_DOMAIN, q(in, v));
	return (t->relay_test = tdup(in, a)) ? 0 : -1;
}

SET(set_ca_file)
{
	(void)s;
	t->ca_file_line = in->line;
	return (t->ca_file = get_path(in, v)) ? 0 : -1;
}

/*
 * "PHASE=DURATION" into ms[]. A phase given explicitly wins over "all",
 * whatever the order; "ehlo" also sets "ehlo2" (the EHLO inside TLS)
 * unless ehlo2 is given.
 */
static int
set_phase(struct target_input *in, const struct target_setting *s,
    const char *v, int *ms, uint32_t *explicit, uint32_t *implied, int *all)
{
	const char	*eq = strchr(v, '=');
	char		 name[16];
	int64_t		 d;
	int		 ph, i;

	if (eq == NULL || eq == v || (size_t)(eq - v) >= sizeof(name))
		return fail(in, "\"%s\" is not PHASE=DURATION (e.g. "
		    "banner=30s)", q(in, v));
	memcpy(name, v, (size_t)(eq - v));
	name[eq - v] = '\0';
	if (get_duration(in, s, eq + 1, &d) == -1)
		return -1;
	if (strcasecmp(name, "all") == 0) {
		if (*all)
			return fail(in, "phase all given twice");
		*all = 1;
		for (i = 0; i < PH_COUNT; i++)
			if (!((*explicit | *implied) & (1u << i)))
				ms[i] = (int)d;
		return 0;
	}
	if ((ph = smtp_phase_lookup(name)) == -1)
		return fail(in, "unknown phase \"%s\" (connect, banner, ehlo, "
		    "helo, starttls, tls, ehlo2, mail, rcpt, rset, quit, all or "
		    "session; a duration alone is the whole check's)",
		    q(in, name));
	if (*explicit & (1u << ph))
		return fail(in, "phase %s given twice", smtp_phase_name(ph));
	*explicit |= 1u << ph;
	ms[ph] = (int)d;
	if (ph == PH_EHLO && !(*explicit & (1u << PH_EHLO2))) {
		ms[PH_EHLO2] = (int)d;
		*implied |= 1u << PH_EHLO2;
	}
	return 0;
}

/*
 * "PHASE=DURATION" as set_phase(), "session=DURATION" for the whole of
 * each session, or a DURATION alone: the deadline of the whole check
 * (what -t of the monitoring plugins means).
 */
SET(set_timeout)
{
	if (strncasecmp(v, "session=", 8) == 0) {
		if (in->tmo_session)
			return fail(in, "session given twice");
		in->tmo_session = 1;
		return get_duration(in, s, v + 8, &t->session_timeout_ms);
	}
	if (strchr(v, '=') == NULL) {
		if (in->tmo_check)
			return fail(in, "the whole check's deadline given "
			    "twice");
		in->tmo_check = 1;
		return get_duration(in, s, v, &t->check_timeout_ms);
	}
	return set_phase(in, s, v, t->timeout_ms, &in->tmo_explicit,
	    &in->tmo_implied, &in->tmo_all);
}

SET(set_slow)
{
	return set_phase(in, s, v, t->slow_ms, &in->slow_explicit,
	    &in->slow_implied, &in->slow_all);
}

static int
set_days(struct target_input *in, const struct target_setting *s,
    const char *v, int *out)
{
	if (value_days(v, (int)s->hi, out) == -1)
		return fail(in, "\"%s\" is not a number of days from 0 to %d",
		    q(in, v), (int)s->hi);
	return 0;
}

SET(set_expiry_warn)
{
	return set_days(in, s, v, &t->expiry_warn_days);
}

SET(set_expiry_crit)
{
	return set_days(in, s, v, &t->expiry_crit_days);
}

SET(set_implicit_tls)
{
	(void)s;
	return get_bool(in, v, &t->implicit_tls);
}

SET(set_name)
{
	char		 n[VALUE_NAME_MAX + 1];
	const char	*why;

	(void)s;
	if (value_name(v, n, &why) == -1)
		return fail(in, "\"%s\" is not a host name%s%s", q(in, v),
		    why ? ": " : "", why ? why : "");
	return (t->name = tdup(in, n)) ? 0 : -1;
}

static int
get_addr(struct target_input *in, const char *v, char *a)
{
	int	 fam;

	if (value_addr(v, a, &fam) == -1)
		return fail(in, "\"%s\" is not an IPv4 or IPv6 address",
		    q(in, v));
	return 0;
}

SET(set_addr)
{
	char	 a[VALUE_ADDR_STRLEN];

	if (get_addr(in, v, a) == -1)
		return -1;
	return list_add(in, s, &t->addrs, &t->naddrs, a);
}

SET(set_dkim_selector)
{
	if (get_selector(in, v) == -1)
		return -1;
	return list_add(in, s, &t->dkim_selectors, &t->ndkim_selectors, v);
}

SET(set_dkim_key)
{
	struct target_dkim_key	*dk;
	const char		*eq = strchr(v, '=');
	const char		*path;
	char			 sel[VALUE_SELECTOR_MAX + 1];
	char			*ds;

	if (eq == NULL || eq == v || (size_t)(eq - v) >= sizeof(sel) ||
	    eq[1] == '\0')
		return fail(in, "\"%s\" is not SELECTOR=PEMFILE", q(in, v));
	memcpy(sel, v, (size_t)(eq - v));
	sel[eq - v] = '\0';
	if (get_selector(in, sel) == -1 || (path = get_path(in, eq + 1)) ==
	    NULL)
		return -1;
	if (first(in, s)) {
		t->dkim_keys = NULL;
		t->ndkim_keys = 0;
	}
	if ((ds = tdup(in, sel)) == NULL ||
	    (dk = grow(in, t->dkim_keys, t->ndkim_keys, sizeof(*dk))) == NULL)
		return -1;
	dk[t->ndkim_keys].selector = ds;
	dk[t->ndkim_keys].path = path;
	dk[t->ndkim_keys].line = in->line;
	t->ndkim_keys++;
	t->dkim_keys = dk;
	return 0;
}

SET(set_spf_ip)
{
	char	 a[VALUE_ADDR_STRLEN];

	if (get_addr(in, v, a) == -1)
		return -1;
	return list_add(in, s, &t->spf_ips, &t->nspf_ips, a);
}

SET(set_dnsbl)
{
	char		 n[VALUE_NAME_MAX + 1];
	const char	*why;

	if (value_name(v, n, &why) == -1)
		return fail(in, "\"%s\" is not a DNS zone name%s%s", q(in, v),
		    why ? ": " : "", why ? why : "");
	return list_add(in, s, &t->dnsbl, &t->ndnsbl, n);
}

SET(set_mta_sts_port)
{
	int	 port;

	(void)s;
	if ((port = value_port(v)) == -1)
		return fail(in, "\"%s\" is not a port", q(in, v));
	t->mtasts_port = port;
	return 0;
}

SET(set_allow_private)
{
	(void)s;
	return get_bool(in, v, &t->allow_private);
}

static const struct {
	const char	*name;
	int		 family;
} families[] = {
	{ "any", AF_UNSPEC }, { "ipv4", AF_INET }, { "ipv6", AF_INET6 },
};

SET(set_family)
{
	size_t	 i;

	(void)s;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (strcasecmp(v, families[i].name) == 0) {
			t->family = families[i].family;
			return 0;
		}
	return fail(in, "\"%s\" is not any, ipv4 or ipv6", q(in, v));
}

SET(set_dns_only)
{
	(void)s;
	return get_bool(in, v, &t->dns_only);
}

SET(set_no_dns)
{
	(void)s;
	return get_bool(in, v, &t->no_dns);
}

SET(set_interval)
{
	return get_duration(in, s, v, &t->interval_ms);
}

SET(set_dns_interval)
{
	return get_duration(in, s, v, &t->dns_interval_ms);
}

static int
set_count(struct target_input *in, const struct target_setting *s,
    const char *v, int *out)
{
	long long	 n;

	if (value_number(v, s->lo, s->hi, &n) == -1)
		return fail(in, "\"%s\" is not a number from %lld to %lld",
		    q(in, v), (long long)s->lo, (long long)s->hi);
	*out = (int)n;
	return 0;
}

SET(set_alert_after)
{
	return set_count(in, s, v, &t->alert_after);
}

SET(set_clear_after)
{
	return set_count(in, s, v, &t->clear_after);
}

/*
 * Printers: "name = value" lines that the setter reads back
 */

#define PRINT(fn) static void fn(FILE *fp, const struct target_setting *s, \
    const struct target *t)

static void
line(FILE *fp, const struct target_setting *s, const char *v)
{
	fprintf(fp, "%s = %s\n", s->name, v);
}

static void
lines(FILE *fp, const struct target_setting *s, const char *const *v, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		line(fp, s, v[i]);
}

static const char *
yesno(int b)
{
	return b ? "yes" : "no";
}

PRINT(print_ports)
{
	int	 i;

	fprintf(fp, "%s = ", s->name);
	for (i = 0; i < t->nports; i++)
		fprintf(fp, "%s%d", i ? "," : "", t->ports[i]);
	fputc('\n', fp);
}

PRINT(print_tls)
{
	line(fp, s, smtp_tls_policy_name(t->tls));
}

PRINT(print_helo)
{
	if (t->helo != NULL)
		line(fp, s, t->helo);
}

PRINT(print_mail_from)
{
	line(fp, s, *t->mail_from == '\0' ? "<>" : t->mail_from);
}

PRINT(print_rcpt)
{
	lines(fp, s, t->rcpt, t->nrcpt);
}

PRINT(print_rcpt_reject)
{
	lines(fp, s, t->rcpt_reject, t->nrcpt_reject);
}

PRINT(print_relay_test)
{
	line(fp, s, t->relay_test == NULL ? "no" : t->relay_test);
}

PRINT(print_ca_file)
{
	if (t->ca_file != NULL)
		line(fp, s, t->ca_file);
}

/* "all=" the most common value, then every phase that differs. */
static void
print_phases(FILE *fp, const struct target_setting *s, const int *ms)
{
	char	 b[32];
	int	 i, j, n, best = 0, bestn = 0;

	for (i = 0; i < PH_COUNT; i++) {
		for (n = 0, j = 0; j < PH_COUNT; j++)
			n += ms[j] == ms[i];
		if (n > bestn) {
			best = ms[i];
			bestn = n;
		}
	}
	fprintf(fp, "%s = all=%s\n", s->name, value_duration_str(best, b,
	    sizeof(b)));
	for (i = 0; i < PH_COUNT; i++)
		if (ms[i] != best)
			fprintf(fp, "%s = %s=%s\n", s->name, smtp_phase_name(
			    (enum smtp_phase)i), value_duration_str(ms[i], b,
			    sizeof(b)));
}

PRINT(print_timeout)
{
	char	 b[32];

	print_phases(fp, s, t->timeout_ms);
	fprintf(fp, "%s = session=%s\n", s->name,
	    value_duration_str(t->session_timeout_ms, b, sizeof(b)));
	line(fp, s, value_duration_str(t->check_timeout_ms, b, sizeof(b)));
}

PRINT(print_slow)
{
	print_phases(fp, s, t->slow_ms);
}

PRINT(print_expiry_warn)
{
	fprintf(fp, "%s = %d\n", s->name, t->expiry_warn_days);
}

PRINT(print_expiry_crit)
{
	fprintf(fp, "%s = %d\n", s->name, t->expiry_crit_days);
}

PRINT(print_implicit_tls)
{
	line(fp, s, yesno(t->implicit_tls));
}

PRINT(print_name)
{
	if (t->name != NULL)
		line(fp, s, t->name);
}

PRINT(print_addr)
{
	lines(fp, s, t->addrs, t->naddrs);
}

PRINT(print_dkim_selector)
{
	lines(fp, s, t->dkim_selectors, t->ndkim_selectors);
}

PRINT(print_dkim_key)
{
	int	 i;

	for (i = 0; i < t->ndkim_keys; i++)
		fprintf(fp, "%s = %s=%s\n", s->name, t->dkim_keys[i].selector,
		    t->dkim_keys[i].path);
}

PRINT(print_spf_ip)
{
	lines(fp, s, t->spf_ips, t->nspf_ips);
}

PRINT(print_dnsbl)
{
	lines(fp, s, t->dnsbl, t->ndnsbl);
}

PRINT(print_mta_sts_port)
{
	fprintf(fp, "%s = %d\n", s->name, t->mtasts_port);
}

PRINT(print_allow_private)
{
	line(fp, s, yesno(t->allow_private));
}

PRINT(print_family)
{
	size_t	 i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].family == t->family)
			line(fp, s, families[i].name);
}

PRINT(print_dns_only)
{
	line(fp, s, yesno(t->dns_only));
}

PRINT(print_no_dns)
{
	line(fp, s, yesno(t->no_dns));
}

static void
print_ms(FILE *fp, const struct target_setting *s, int64_t ms)
{
	char	 b[32];

	if (ms != 0)
		line(fp, s, value_duration_str(ms, b, sizeof(b)));
}

PRINT(print_interval)
{
	print_ms(fp, s, t->interval_ms);
}

PRINT(print_dns_interval)
{
	print_ms(fp, s, t->dns_interval_ms);
}

PRINT(print_alert_after)
{
	if (t->alert_after != 0)
		fprintf(fp, "%s = %d\n", s->name, t->alert_after);
}

PRINT(print_clear_after)
{
	if (t->clear_after != 0)
		fprintf(fp, "%s = %d\n", s->name, t->clear_after);
}

/*
 * The table
 */

#define SEC	VALUE_MS_SEC
#define HOUR	VALUE_MS_HOUR
#define DAY	VALUE_MS_DAY
#define ROW(n, arg, max, fl, lo, hi, dflt, help, f) \
	{ n, arg, max, fl, lo, hi, dflt, help, set_##f, print_##f }

const struct target_setting target_settings[] = {
	ROW("ports", "PORT[,PORT...]", 0, 0, 0, 0, "25, or the port of "
	    "HOST:PORT", "TCP ports to probe, at most 16, none twice", ports),
	ROW("tls", "none|may|encrypt|verify|dane", 0, 0, 0, 0, "may",
	    "how much TLS to demand", tls),
	ROW("helo", "NAME", 0, 0, 0, 0, "the local host name",
	    "argument of EHLO and HELO", helo),
	ROW("mail-from", "ADDRESS", 0, TS_EMPTY, 0, 0, "<>",
	    "envelope sender of MAIL FROM (<> or empty: the null sender)",
	    mail_from),
	ROW("rcpt", "ADDRESS", TARGET_VALUES_MAX, 0, 0, 0, "none",
	    "a recipient the server must accept", rcpt),
	ROW("rcpt-reject", "ADDRESS", TARGET_VALUES_MAX, 0, 0, 0, "none",
	    "a recipient the server must reject (catch-all test)", rcpt_reject),
	ROW("relay-test", "yes|no|ADDRESS", 0, TS_BOOL, 0, 0, "no",
	    "open-relay test: a recipient elsewhere, which must be refused",
	    relay_test),
	ROW("ca-file", "FILE", 0, 0, 0, 0, "the system trust store",
	    "PEM trust anchors for the sessions and the MTA-STS fetch",
	    ca_file),
	ROW("timeout", "[PHASE=|session=]DURATION", PH_COUNT + 3, 0, 1, HOUR,
	    "connect=30s, the other phases 5m, session=10m; the whole check "
	    "15m (10s with --nagios)",
	    "deadline of a phase (all: the others), a session, or alone of "
	    "the whole check", timeout),
	ROW("slow", "PHASE=DURATION", PH_COUNT + 1, 0, 1, HOUR,
	    "banner=10s, the other phases 5s",
	    "time after which a phase is reported slow", slow),
	ROW("expiry-warn", "DAYS", 0, 0, 0, 3650, "21",
	    "warn when the certificate expires within DAYS", expiry_warn),
	ROW("expiry-crit", "DAYS", 0, 0, 0, 3650, "7",
	    "critical when the certificate expires within DAYS", expiry_crit),
	ROW("implicit-tls", "yes|no", 0, TS_BOOL, 0, 0, "no",
	    "TLS from the first byte on every port (465 always)", implicit_tls),
	ROW("name", "NAME", 0, TS_HOST, 0, 0, "the host probed",
	    "host name for SNI and the certificate check", name),
	ROW("addr", "ADDRESS", CHECK_ADDRS_MAX, TS_HOST, 0, 0, "from DNS",
	    "probe this address, with no DNS at all", addr),
	ROW("dkim-selector", "SELECTOR", AUDIT_SELECTORS_MAX, 0, 0, 0, "none",
	    "check the DKIM key record of SELECTOR", dkim_selector),
	ROW("dkim-key", "SELECTOR=PEMFILE", AUDIT_SELECTORS_MAX, 0, 0, 0,
	    "none", "check that SELECTOR publishes the key of this private key",
	    dkim_key),
	ROW("spf-ip", "ADDRESS", 32, 0, 0, 0, "none",
	    "an address the domain sends from, which SPF must authorise",
	    spf_ip),
	ROW("dnsbl", "ZONE", 32, 0, 0, 0, "none",
	    "a DNS blocklist to look every MX address up in", dnsbl),
	ROW("mta-sts-port", "PORT", 0, 0, 1, 65535, "443",
	    "port of the MTA-STS policy server (for tests)", mta_sts_port),
	ROW("allow-private", "yes|no", 0, TS_BOOL, 0, 0, "no",
	    "do not report private and loopback addresses", allow_private),
	ROW("family", "any|ipv4|ipv6", 0, 0, 0, 0, "any",
	    "address families to probe", family),
	ROW("dns-only", "yes|no", 0, TS_BOOL, 0, 0, "no",
	    "the DNS audit only, no session", dns_only),
	ROW("no-dns", "yes|no", 0, TS_BOOL, 0, 0, "no",
	    "no audit: resolve only what the sessions need", no_dns),
	ROW("interval", "DURATION", 0, TS_DAEMON, SEC, 30 * DAY,
	    "[daemon] interval, 5m",
	    "time from the end of a run to the start of the next", interval),
	ROW("dns-interval", "DURATION", 0, TS_DAEMON, SEC, 30 * DAY,
	    "[daemon] dns-interval, 1h", "time between two full DNS audits",
	    dns_interval),
	ROW("alert-after", "NUMBER", 0, TS_DAEMON, 1, 1000,
	    "[daemon] alert-after, 2", "failing runs in a row that raise an "
	    "alert", alert_after),
	ROW("clear-after", "NUMBER", 0, TS_DAEMON, 1, 1000,
	    "[daemon] clear-after, 2", "passing runs in a row that clear it",
	    clear_after),
};

#undef ROW

const int target_nsettings = (int)(sizeof(target_settings) /
    sizeof(target_settings[0]));

_Static_assert(sizeof(target_settings) / sizeof(target_settings[0]) <=
    TARGET_SETTINGS_MAX, "room in target_input.count");

const struct target_setting *
target_setting_find(const char *name)
{
	int	 i;

	for (i = 0; i < target_nsettings; i++)
		if (strcasecmp(name, target_settings[i].name) == 0)
			return &target_settings[i];
	return NULL;
}

static int
given(const struct target_input *in, const char *name)
{
	return in->count[target_setting_find(name) - target_settings] > 0;
}

/*
 * Inputs and targets
 */

void
target_input_init(struct target_input *in, struct arena *a, const char *base)
{
	memset(in, 0, sizeof(*in));
	in->arena = a;
	in->base = base;
}

void
target_defaults(struct target *t)
{
	struct smtp_params	 sp;

	smtp_params_defaults(&sp);
	memset(t, 0, sizeof(*t));
	t->ports[0] = 25;
	t->nports = 1;
	t->tls = sp.tls_policy;
	t->mail_from = sp.mail_from;
	memcpy(t->timeout_ms, sp.timeout_ms, sizeof(t->timeout_ms));
	t->session_timeout_ms = sp.session_timeout_ms;
	/* every check is bounded, sessions queued behind slow ones too */
	t->check_timeout_ms = 15 * VALUE_MS_MIN;
	memcpy(t->slow_ms, sp.slow_ms, sizeof(t->slow_ms));
	t->expiry_warn_days = sp.expiry_warn_days;
	t->expiry_crit_days = sp.expiry_crit_days;
	t->mtasts_port = 443;
	t->family = AF_UNSPEC;
	/* interval, dns-interval, alert-after, clear-after: 0, [daemon]'s */
}

/*
 * A host argument: NAME, NAME:PORT, IPV4, IPV4:PORT, IPV6, [IPV6],
 * [IPV6]:PORT. The host (canonical) into host, VALUE_NAME_MAX + 1 bytes.
 */
static int
host_parse(struct target_input *in, char *s, char *host, int *port,
    int *literal)
{
	char		*c, *rb;
	const char	*why;
	int		 fam;

	*port = 0;
	*literal = 0;
	if (s[0] == '[') {
		if ((rb = strchr(s, ']')) == NULL)
			return fail(in, "missing ']' after the IPv6 address");
		*rb = '\0';
		if (value_addr(s + 1, host, &fam) == -1 || fam != AF_INET6)
			return fail(in, "\"%s\" is not an IPv6 address",
			    q(in, s + 1));
		*literal = 1;
		if (rb[1] == ':') {
			if ((*port = value_port(rb + 2)) == -1)
				return fail(in, "\"%s\" is not a port",
				    q(in, rb + 2));
		} else if (rb[1] != '\0')
			return fail(in, "junk after the IPv6 address");
		return 0;
	}
	c = strchr(s, ':');
	if (c != NULL && strchr(c + 1, ':') != NULL) {
		if (value_addr(s, host, &fam) == -1)
			return fail(in, "\"%s\" is not an IPv6 address (write "
			    "[IPV6]:PORT for a port)", q(in, s));
		*literal = 1;
		return 0;
	}
	if (c != NULL) {
		*c = '\0';
		if ((*port = value_port(c + 1)) == -1)
			return fail(in, "\"%s\" is not a port", q(in, c + 1));
	}
	if (value_addr(s, host, &fam) == 0) {
		*literal = 1;
		return 0;
	}
	if (value_name(s, host, &why) == -1)
		return fail(in, "\"%s\" is not a host name or address%s%s",
		    q(in, s), why ? ": " : "", why ? why : "");
	return 0;
}

int
target_ident(struct target *t, struct target_input *in,
    enum target_kind kind, const char *arg)
{
	/* room for a name typed with U-labels, longer than its A-labels */
	char		 buf[4 * VALUE_NAME_MAX + 16], host[VALUE_NAME_MAX + 1];
	char		 id[TARGET_ID_MAX + 1];
	const char	*why;
	int		 port = 0, literal = 0, fam;
	size_t		 len = strlen(arg);

	if (len >= sizeof(buf))
		return fail(in, "name longer than %d bytes", VALUE_NAME_MAX);
	memcpy(buf, arg, len + 1);
	if (kind == TARGET_DOMAIN) {
		if (value_addr(buf, host, &fam) == 0 || buf[0] == '[')
			return fail(in, "an address is not a domain: use [host "
			    "%s]", q(in, buf));
		if (value_name(buf, host, &why) == -1)
			return fail(in, "\"%s\" is not a domain name%s%s",
			    q(in, buf), why ? ": " : "", why ? why : "");
		snprintf(id, sizeof(id), "domain:%s", host);
	} else {
		if (host_parse(in, buf, host, &port, &literal) == -1)
			return -1;
		snprintf(id, sizeof(id), "host:%s%s%s", strchr(host, ':') ?
		    "[" : "", host, strchr(host, ':') ? "]" : "");
		if (port != 0)
			snprintf(id + strlen(id), sizeof(id) - strlen(id), ":%d",
			    port);
	}
	t->kind = kind;
	t->port = port;
	t->literal = literal;
	t->hash = util_hash64(id, strlen(id));
	if ((t->id = tdup(in, id)) == NULL || (t->host = tdup(in, host)) == NULL)
		return -1;
	return 0;
}

enum target_status
target_set(struct target *t, struct target_input *in, const char *name,
    const char *v)
{
	const struct target_setting	*s;
	int				 i;

	if ((s = target_setting_find(name)) == NULL) {
		fail(in, "unknown setting");
		return TARGET_UNKNOWN;
	}
	i = (int)(s - target_settings);
	if (in->count[i] > 0 && s->max == 0) {
		fail(in, "given twice");
		return TARGET_TWICE;
	}
	if (s->max > 0 && in->count[i] == s->max) {
		fail(in, "more than %d values", s->max);
		return TARGET_MANY;
	}
	in->count[i]++;
	if (*v == '\0' && !(s->flags & TS_EMPTY)) {
		fail(in, "empty value");
		return TARGET_EMPTY;
	}
	if (s->set(in, s, t, v) == -1)
		return TARGET_BAD;
	return TARGET_OK;
}

/* Is name domain, or under it (case and a final dot ignored)? */
static int
in_domain(const char *name, const char *domain)
{
	size_t	 nl = strlen(name), dl = strlen(domain);

	if (nl > 0 && name[nl - 1] == '.')
		nl--;
	if (dl > 0 && domain[dl - 1] == '.')
		dl--;
	if (nl < dl || strncasecmp(name + nl - dl, domain, dl) != 0)
		return 0;
	return nl == dl || name[nl - dl - 1] == '.';
}

int
target_end(struct target *t, struct target_input *in)
{
	struct smtp_rcpt_test	*tests;
	const char		**sel;
	int			 n, i, j;

	if (t->port != 0) {
		t->ports[0] = t->port;
		t->nports = 1;
	}
	if (t->dns_only && t->no_dns)
		return fail(in, "dns-only and no-dns exclude each other");
	if (t->dns_only && t->naddrs > 0)
		return fail(in, "dns-only audits the target, a name or an "
		    "address, not the addresses of addr");
	if (t->expiry_crit_days > t->expiry_warn_days)
		return fail(in, "expiry-crit (%d days) is more than expiry-warn "
		    "(%d days): a certificate would be critical before it is a "
		    "warning", t->expiry_crit_days, t->expiry_warn_days);
	/* [defaults] has no host */
	if (t->kind == TARGET_DOMAIN && t->host != NULL &&
	    t->relay_test != NULL &&
	    in_domain(strrchr(t->relay_test, '@') + 1, t->host))
		return fail(in, "relay-test: %s is in the domain probed, whose "
		    "servers accept it as their own: that is no relay (give an "
		    "address elsewhere, or yes)", q(in, t->relay_test));

	/* untouched lists stay shared with [defaults] */
	if (in->whole || given(in, "rcpt") || given(in, "rcpt-reject") ||
	    given(in, "relay-test")) {
		n = t->nrcpt + t->nrcpt_reject + (t->relay_test != NULL);
		if (n > TARGET_VALUES_MAX)
			return fail(in, "more than %d RCPT tests (rcpt, "
			    "rcpt-reject and relay-test)", TARGET_VALUES_MAX);
		tests = NULL;
		if (n > 0 && (tests = arena_alloc(in->arena,
		    (size_t)n * sizeof(*tests))) == NULL)
			return fail(in, "out of memory");
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

	if (in->whole || given(in, "dkim-selector") || given(in, "dkim-key")) {
		n = t->ndkim_selectors + t->ndkim_keys;
		sel = NULL;
		if (n > 0 && (sel = arena_alloc(in->arena,
		    (size_t)n * sizeof(*sel))) == NULL)
			return fail(in, "out of memory");
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
			return fail(in, "more than %d DKIM selectors "
			    "(dkim-selector and dkim-key)", AUDIT_SELECTORS_MAX);
		t->selectors = sel;
		t->nselectors = n;
	}
	return 0;
}

void
target_print(FILE *fp, const struct target *t)
{
	int	 i;

	for (i = 0; i < target_nsettings; i++)
		target_settings[i].print(fp, &target_settings[i], t);
}

/*
 * What a check needs
 */

/* A numeric address into ss; 0, or -1 (or not the family asked for). */
static int
sockaddr_of(const char *a, int family, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family != AF_INET6 && inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		*len = sizeof(*s4);
		return 0;
	}
	if (family != AF_INET && inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

void
target_check_params(const struct target *t, const char *default_helo,
    struct check_params *p)
{
	struct audit_params	*a = &p->audit;
	int			 i;

	memset(p, 0, sizeof(*p));
	p->target = t->id;
	p->name = t->host;
	/* name: what certificates must show, and SNI; not what is looked up */
	p->cert_name = t->name;
	p->host_mode = t->kind == TARGET_HOST;
	for (i = 0; i < t->nports && i < CHECK_PORTS_MAX; i++)
		p->ports[i] = t->ports[i];
	p->nports = i;
	p->implicit_all = t->implicit_tls;
	p->dns_only = t->dns_only;

	smtp_params_defaults(&p->proto);
	if (t->helo != NULL)
		p->proto.helo = t->helo;
	else if (default_helo != NULL)
		p->proto.helo = default_helo;
	p->proto.host = t->name != NULL ? t->name : t->host;
	p->proto.mail_from = t->mail_from;
	p->proto.rcpts = t->tests;
	p->proto.nrcpts = t->ntests;
	p->proto.tls_policy = t->tls;
	p->proto.expiry_warn_days = t->expiry_warn_days;
	p->proto.expiry_crit_days = t->expiry_crit_days;
	memcpy(p->proto.timeout_ms, t->timeout_ms, sizeof(p->proto.timeout_ms));
	p->proto.session_timeout_ms = t->session_timeout_ms;
	p->timeout_ms = t->check_timeout_ms;
	memcpy(p->proto.slow_ms, t->slow_ms, sizeof(p->proto.slow_ms));

	/* addresses given (addr, or a literal): no DNS at all */
	p->use_addrs = t->naddrs > 0 || t->literal;
	for (i = 0; i < t->naddrs && p->naddrs < CHECK_ADDRS_MAX; i++)
		if (sockaddr_of(t->addrs[i], t->family, &p->addrs[p->naddrs],
		    &p->addrlens[p->naddrs]) == 0)
			p->naddrs++;
	if (t->naddrs == 0 && t->literal &&
	    sockaddr_of(t->host, t->family, &p->addrs[0], &p->addrlens[0]) == 0)
		p->naddrs = 1;

	a->family = t->family;
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
	a->minimal = t->no_dns;
}
