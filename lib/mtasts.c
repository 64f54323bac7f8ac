/*
 * mtasts.c - the MTA-STS audit (RFC 8461).
 *
 * 3.1: the TXT record is tag=value like TLS-RPT, case-sensitive, no
 * white space around "="; with more than one "v=STSv1" record senders
 * use none. 3.2: the policy is "key: value" lines ended by LF or CRLF;
 *	sts-policy-field-delim   = ":" *WSP
 *	sts-policy-max-age-value = 1*10(DIGIT)      (at most 31557600)
 *	sts-policy-mx-value      = ["*."] Domain
 *	sts-policy-ext-value     = sts-policy-vchar [*(%x20 / sts-policy-vchar)
 *				   sts-policy-vchar]
 * and keys are case-sensitive. 4.1: a "*." pattern stands for exactly
 * one label.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mtasts.h"
#include "util.h"

#define EV(p, n)	txtrec_evlen(n), (p)

static const char *const mode_names[] = {
	[MTASTS_MODE_UNSET] = "unset",
	[MTASTS_MODE_ENFORCE] = "enforce",
	[MTASTS_MODE_TESTING] = "testing",
	[MTASTS_MODE_NONE] = "none",
};

const char *
mtasts_mode_name(enum mtasts_mode m)
{
	if ((unsigned)m >= sizeof(mode_names) / sizeof(mode_names[0]))
		return "unset";
	return mode_names[m];
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

int
mtasts_parse_record(const char *domain, const char *s, size_t len,
    struct mtasts_record *rec, struct finding_list *fl)
{
	struct txtrec_iter	 it;
	struct txtrec_tag	 t;
	const char		*why;
	char			 name[300];
	size_t			 i;
	int			 r, bad = 0, has_id = 0;

	memset(rec, 0, sizeof(*rec));
	snprintf(name, sizeof(name), "_mta-sts.%s", domain);
	if (txtrec_check_head(name, domain, s, len, MTASTS_RECORD_MAX,
	    "STSv1", TXTREC_STS, F_MTASTS_SYNTAX, -1, fl) == -1)
		return -1;

	txtrec_init(&it, s, len, TXTREC_STS);
	while ((r = txtrec_next(&it, &t, &why)) != 0) {
		if (r == -1) {
			finding_add(fl, F_MTASTS_SYNTAX, -1, domain, NULL, 0,
			    "%s: \"%.*s\": %s", name, EV(t.name, t.namelen),
			    why);
			bad = 1;
		} else if (txtrec_tag_is(&it, &t, "v")) {
			if (!word_is(t.val, t.vallen, "STSv1")) {
				finding_add(fl, F_MTASTS_SYNTAX, -1, domain,
				    NULL, 0, "%s: v=\"%.*s\": must be exactly "
				    "STSv1", name, EV(t.val, t.vallen));
				bad = 1;
			}
		} else if (txtrec_tag_is(&it, &t, "id")) {
			has_id = 1;
			for (i = 0; i < t.vallen && is_alnum(t.val[i]); i++)
				;
			if (t.vallen == 0 || t.vallen > MTASTS_ID_MAX ||
			    i != t.vallen) {
				finding_add(fl, F_MTASTS_SYNTAX, -1, domain,
				    NULL, 0, "%s: id=\"%.*s\": must be 1 to 32 "
				    "letters and digits", name,
				    EV(t.val, t.vallen));
				bad = 1;
			} else {
				memcpy(rec->id, t.val, t.vallen);
				rec->id[t.vallen] = '\0';
			}
		} else if (!txtrec_sts_extvalue(t.val, t.vallen)) {
			finding_add(fl, F_MTASTS_SYNTAX, -1, domain, NULL, 0,
			    "%s: %.*s=\"%.*s\": an extension value must be "
			    "printable, without space, \"=\" or \";\"", name,
			    EV(t.name, t.namelen), EV(t.val, t.vallen));
			bad = 1;
		}
	}
	if (!has_id) {
		finding_add(fl, F_MTASTS_SYNTAX, -1, domain, NULL, 0,
		    "%s: id: missing; senders cannot tell policy versions "
		    "apart and ignore the record", name);
		bad = 1;
	}
	return bad ? -1 : 0;
}

int
mtasts_check_record(const char *domain, const char *const *txt,
    const size_t *len, size_t n, struct mtasts_record *rec,
    struct finding_list *fl)
{
	size_t	 first = 0, count;

	memset(rec, 0, sizeof(*rec));
	count = txtrec_select(txt, len, n, "STSv1", TXTREC_STS, &first);
	if (count == 0)
		return 0;
	if (count > 1) {
		finding_add(fl, F_MTASTS_SYNTAX, -1, domain, NULL, 0,
		    "_mta-sts.%s: %zu records start with v=STSv1; senders "
		    "use none (RFC 8461 3.1)", domain, count);
		return -1;
	}
	return mtasts_parse_record(domain, txt[first], len[first], rec,
	    fl) == 0 ? 1 : -1;
}

/* One policy line being parsed. */
struct pline {
	const char		*domain;
	const char		*name;	/* the policy URL */
	struct finding_list	*fl;
	size_t			 no;	/* line number, from 1 */
	const char		*s;	/* the line, without its terminator */
	size_t			 len;
};

static int
line_error(const struct pline *l, int sev, const char *why)
{
	finding_add(l->fl, F_MTASTS_POLICY_SYNTAX, sev, l->domain, NULL, 0,
	    "%s line %zu: \"%.*s\": %s", l->name, l->no, EV(l->s, l->len),
	    why);
	return -1;
}

static int
mx_pattern(const struct pline *l, const char *v, size_t vlen,
    struct mtasts_policy *pol)
{
	char		 host[TXTREC_HOST_MAX + 1];
	const char	*why;
	size_t		 off = 0;

	if (vlen >= 2 && v[0] == '*' && v[1] == '.')
		off = 2;
	if (vlen > off && v[vlen - 1] == '.')
		return line_error(l, -1, "mx: a pattern must not end with "
		    "\".\"");
	if (txtrec_hostname(v + off, vlen - off, host, sizeof(host),
	    &why) == -1)
		return line_error(l, -1, why);
	if (pol->nmx == MTASTS_MX_MAX)
		return line_error(l, -1, "more than 64 mx lines");
	snprintf(pol->mx[pol->nmx++], sizeof(pol->mx[0]), "%s%s",
	    off ? "*." : "", host);
	return 0;
}

/* Keys that appear once, as bits of the parse's "seen" set. */
static const char *const once[] = { "version", "mode", "max_age" };

/*
 * Parse one "key: value" line into pol. A key of once[] counts as seen
 * even when its value is bad, so it is reported once, and a repeat does
 * not overwrite the first. Returns -1 when the line breaks the policy.
 */
static int
policy_line(const struct pline *l, struct mtasts_policy *pol, unsigned *seen)
{
	const char	*v;
	size_t		 k, vlen, i;
	uint64_t	 age = 0;
	unsigned	 bit = 0;

	if (l->len == 0) {
		line_error(l, SEV_WARN, "blank line; strict senders may "
		    "refuse the policy");
		return 0;
	}
	for (k = 0; k < l->len && l->s[k] != ':'; k++)
		;
	if (k == l->len)
		return line_error(l, -1, "no \":\" after a key");
	for (i = 0; i < k && (is_alnum(l->s[i]) || l->s[i] == '_' ||
	    l->s[i] == '-' || l->s[i] == '.'); i++)
		;
	if (i != k || k == 0 || k > 32 || !is_alnum(l->s[0]))
		return line_error(l, -1, "a key is 1 to 32 letters, digits, "
		    "\"_\", \"-\" or \".\" and starts with a letter or digit");
	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (word_is(l->s, k, once[i])) {
			bit = 1U << i;
			if (*seen & bit)
				return line_error(l, -1, "repeated key");
			*seen |= bit;
		}

	v = l->s + k + 1;
	vlen = l->len - k - 1;
	while (vlen > 0 && (v[0] == ' ' || v[0] == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (vlen == 0)
		return line_error(l, -1, "empty value");
	for (i = 0; i < vlen; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return line_error(l, -1, "control byte in the value");

	if (word_is(l->s, k, "version")) {
		if (!word_is(v, vlen, "STSv1"))
			return line_error(l, -1, "version must be STSv1");
	} else if (word_is(l->s, k, "mode")) {
		if (word_is(v, vlen, "enforce"))
			pol->mode = MTASTS_MODE_ENFORCE;
		else if (word_is(v, vlen, "testing"))
			pol->mode = MTASTS_MODE_TESTING;
		else if (word_is(v, vlen, "none"))
			pol->mode = MTASTS_MODE_NONE;
		else
			return line_error(l, -1, "mode must be enforce, "
			    "testing or none");
	} else if (word_is(l->s, k, "max_age")) {
		for (i = 0; i < vlen && i <= 10 && v[i] >= '0' && v[i] <= '9';
		    i++)
			age = age * 10 + (uint64_t)(v[i] - '0');
		if (i != vlen || vlen > 10)
			return line_error(l, -1, "max_age must be 1 to 10 "
			    "digits");
		if (age > MTASTS_MAX_AGE_MAX)
			return line_error(l, -1, "max_age is over 31557600 "
			    "seconds (one year)");
		pol->max_age = (uint32_t)age;
	} else if (word_is(l->s, k, "mx"))
		return mx_pattern(l, v, vlen, pol);
	/* Other keys are extensions, ignored (3.2). */
	return 0;
}

int
mtasts_parse_policy(const char *domain, const char *body, size_t len,
    struct mtasts_policy *pol, struct finding_list *fl)
{
	struct pline	 l;
	char		 name[320];
	size_t		 off = 0, e, i, start = fl->n;
	unsigned	 seen = 0;
	int		 bad = 0;

	memset(pol, 0, sizeof(*pol));
	snprintf(name, sizeof(name), "https://mta-sts.%s/.well-known/"
	    "mta-sts.txt", domain);
	memset(&l, 0, sizeof(l));
	l.domain = domain;
	l.name = name;
	l.fl = fl;

	if (len > MTASTS_POLICY_MAX) {
		finding_add(fl, F_MTASTS_POLICY_SYNTAX, -1, domain, NULL, 0,
		    "%s: policy is %zu bytes, over %d", name, len,
		    MTASTS_POLICY_MAX);
		return -1;
	}
	while (off < len) {
		for (e = off; e < len && body[e] != '\n'; e++)
			;
		l.no++;
		l.s = body + off;
		l.len = e - off;
		if (l.len > 0 && l.s[l.len - 1] == '\r')
			l.len--;
		off = e < len ? e + 1 : e;
		if (policy_line(&l, pol, &seen) == -1)
			bad = 1;
		/* Bounded: a hostile body must not make 30000 findings. */
		if (fl->n - start >= TXTREC_FINDINGS_MAX && off < len) {
			finding_add(fl, F_MTASTS_POLICY_SYNTAX, -1, domain,
			    NULL, 0, "%s: more than %d problems; lines after "
			    "%zu not checked", name, TXTREC_FINDINGS_MAX, l.no);
			return -1;
		}
	}

	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (!(seen & (1U << i))) {
			finding_add(fl, F_MTASTS_POLICY_SYNTAX, -1, domain,
			    NULL, 0, "%s: %s: missing", name, once[i]);
			bad = 1;
		}
	if ((pol->mode == MTASTS_MODE_ENFORCE ||
	    pol->mode == MTASTS_MODE_TESTING) && pol->nmx == 0) {
		finding_add(fl, F_MTASTS_POLICY_SYNTAX, -1, domain, NULL, 0,
		    "%s: mx: missing; in mode %s no MX host can match", name,
		    mtasts_mode_name(pol->mode));
		bad = 1;
	}
	if (bad)
		return -1;
	if (pol->mode == MTASTS_MODE_TESTING)
		finding_add(fl, F_MTASTS_TESTING, -1, domain, NULL, 0,
		    "%s: mode: testing: senders report failures but deliver "
		    "anyway", name);
	return 0;
}

/* RFC 8461 4.1, with host and pattern already free of a final dot. */
static int
pattern_match(const char *pat, const char *host, size_t hlen)
{
	size_t	 plen = strlen(pat), i;

	if (plen >= 2 && pat[0] == '*' && pat[1] == '.') {
		/* ".example.com" must end the host after one whole label. */
		pat++;
		plen--;
		if (hlen <= plen || strncasecmp(host + hlen - plen, pat,
		    plen) != 0)
			return 0;
		for (i = 0; i < hlen - plen; i++)
			if (host[i] == '.')
				return 0;
		return 1;
	}
	return plen == hlen && strncasecmp(pat, host, hlen) == 0;
}

int
mtasts_mx_match(const struct mtasts_policy *pol, const char *mxhost)
{
	size_t	 hlen = strlen(mxhost), i;

	if (hlen > 0 && mxhost[hlen - 1] == '.')
		hlen--;
	if (hlen == 0 || mxhost[0] == '.')
		return 0;
	for (i = 0; i < pol->nmx && i < MTASTS_MX_MAX; i++)
		if (pattern_match(pol->mx[i], mxhost, hlen))
			return 1;
	return 0;
}

size_t
mtasts_check_mx(const char *domain, const struct mtasts_policy *pol,
    const char *const *mx, size_t n, struct finding_list *fl)
{
	char	 pats[256];
	size_t	 i, o = 0, miss = 0;
	int	 sev;

	if (pol->mode == MTASTS_MODE_ENFORCE)
		sev = SEV_CRIT;
	else if (pol->mode == MTASTS_MODE_TESTING)
		sev = SEV_WARN;
	else
		return 0;

	pats[0] = '\0';
	for (i = 0; i < pol->nmx && o < sizeof(pats); i++)
		o += (size_t)snprintf(pats + o, sizeof(pats) - o, "%s%s",
		    i ? ", " : "", pol->mx[i]);
	for (i = 0; i < n; i++) {
		if (mx[i] == NULL || mtasts_mx_match(pol, mx[i]))
			continue;
		miss++;
		finding_add(fl, F_MTASTS_MX_MISMATCH, sev, domain, NULL, 0,
		    "https://mta-sts.%s/.well-known/mta-sts.txt: MX %s matches "
		    "no mx pattern (%s); mode %s", domain, mx[i], pats,
		    mtasts_mode_name(pol->mode));
	}
	return miss;
}
