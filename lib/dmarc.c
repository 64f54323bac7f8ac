/*
 * dmarc.c - the DMARC record audit (RFC 7489).
 *
 * Severity follows what receivers do with the record. 6.3: "v" must be
 * first, unknown tags are ignored, and syntax errors in the rest of the
 * record fall back to defaults. 6.6.3 step 6: a missing or invalid p=,
 * or an invalid sp=, makes receivers act as if p=none when rua= holds a
 * valid URI, and drop the record otherwise. So only a record receivers
 * drop is crit; a tag falling back to its default is warn.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libpsl.h>

#include "dmarc.h"
#include "log.h"
#include "util.h"

#define EV(p, n)	txtrec_evlen(n), (p)

/* What one parse knows beyond the record itself. */
struct dmarc_ctx {
	const char		*subject;	/* the domain audited */
	const char		*domain;	/* whose record it is */
	char			 name[300];	/* _dmarc.DOMAIN */
	struct dmarc_record	*rec;
	struct finding_list	*fl;
	size_t			 valid_rua;	/* valid rua URIs, kept or not (6.6.3) */
	size_t			 start;		/* fl->n when the parse began */
};

static const char *const policy_names[] = {
	[DMARC_P_UNSET] = "unset",
	[DMARC_P_NONE] = "none",
	[DMARC_P_QUARANTINE] = "quarantine",
	[DMARC_P_REJECT] = "reject",
};

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	if ((unsigned)p >= sizeof(policy_names) / sizeof(policy_names[0]))
		return "unset";
	return policy_names[p];
}

static int
word_is(const char *v, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(v, word, len) == 0;
}

static enum dmarc_policy
policy_parse(const char *v, size_t len)
{
	if (word_is(v, len, "none"))
		return DMARC_P_NONE;
	if (word_is(v, len, "quarantine"))
		return DMARC_P_QUARANTINE;
	if (word_is(v, len, "reject"))
		return DMARC_P_REJECT;
	return DMARC_P_UNSET;
}

/* 1*DIGIT into *out, refusing anything over max. */
static int
uint_parse(const char *v, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t	 n = 0;
	size_t		 i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (uint64_t)(v[i] - '0');
		if (n > max)
			return -1;
	}
	*out = n;
	return 0;
}

static void
warn_tag(struct dmarc_ctx *c, const struct txtrec_tag *t, const char *why,
    const char *fallback)
{
	finding_add(c->fl, F_DMARC_SYNTAX, SEV_WARN, c->domain, NULL, 0,
	    "%s: %.*s=\"%.*s\": %s; receivers use %s", c->name,
	    (int)t->namelen, t->name, EV(t->val, t->vallen), why, fallback);
}

static void
do_fo(struct dmarc_ctx *c, const struct txtrec_tag *t)
{
	const char	*item;
	size_t		 off = 0, ilen;
	unsigned	 fo = 0;

	while (txtrec_list_next(t->val, t->vallen, &off, ':', &item, &ilen)) {
		if (ilen == 1 && item[0] == '0')
			fo |= DMARC_FO_0;
		else if (ilen == 1 && item[0] == '1')
			fo |= DMARC_FO_1;
		else if (ilen == 1 && (item[0] == 'd' || item[0] == 'D'))
			fo |= DMARC_FO_D;
		else if (ilen == 1 && (item[0] == 's' || item[0] == 'S'))
			fo |= DMARC_FO_S;
		else {
			warn_tag(c, t, "each option must be 0, 1, d or s", "0");
			return;
		}
	}
	c->rec->fo = fo;
}

static void
do_rf(struct dmarc_ctx *c, const struct txtrec_tag *t)
{
	const char	*item;
	size_t		 off = 0, ilen;

	/* afrf is the only format in the registry RFC 7489 11 creates. */
	while (txtrec_list_next(t->val, t->vallen, &off, ':', &item, &ilen))
		if (!word_is(item, ilen, "afrf")) {
			warn_tag(c, t, "afrf is the only report format", "afrf");
			return;
		}
}

/* "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] after a URI (6.4). */
static int
size_parse(const char *v, size_t len, uint64_t *out)
{
	uint64_t	 mult = 1, n;

	if (len > 0) {
		switch (v[len - 1]) {
		case 'k': case 'K':
			mult = 1ULL << 10;
			break;
		case 'm': case 'M':
			mult = 1ULL << 20;
			break;
		case 'g': case 'G':
			mult = 1ULL << 30;
			break;
		case 't': case 'T':
			mult = 1ULL << 40;
			break;
		}
		if (mult != 1)
			len--;
	}
	if (uint_parse(v, len, UINT64_MAX / 10 / mult, &n) == -1)
		return -1;
	*out = n * mult;
	return 0;
}

/* A rua/ruf URI problem; bounded, so 2000 bad URIs are not 2000 findings. */
static void
uri_warn(struct dmarc_ctx *c, const struct txtrec_tag *t, const char *item,
    size_t ilen, const char *why)
{
	if (c->fl->n - c->start >= TXTREC_FINDINGS_MAX)
		return;
	finding_add(c->fl, F_DMARC_SYNTAX, SEV_WARN, c->domain, NULL, 0,
	    "%s: %.*s: \"%.*s\": %s", c->name, (int)t->namelen, t->name,
	    EV(item, ilen), why);
}

/* Parse a rua/ruf list into v; returns the valid URIs, kept or not. */
static size_t
do_uris(struct dmarc_ctx *c, const struct txtrec_tag *t, struct dmarc_uri *v,
    size_t *nv)
{
	struct dmarc_uri	 u;
	const char		*item, *bang, *why;
	size_t			 off = 0, ilen, ulen, nvalid = 0;
	int			 scheme;

	while (txtrec_list_next(t->val, t->vallen, &off, ',', &item, &ilen)) {
		memset(&u, 0, sizeof(u));
		bang = memchr(item, '!', ilen);
		ulen = bang ? (size_t)(bang - item) : ilen;
		if (bang && size_parse(bang + 1, ilen - ulen - 1,
		    &u.size) == -1) {
			uri_warn(c, t, item, ilen, "size limit must be digits "
			    "with an optional k, m, g or t; receivers skip the "
			    "URI");
			continue;
		}
		scheme = txtrec_uri(item, ulen, u.host, sizeof(u.host), &why);
		if (scheme == -1) {
			uri_warn(c, t, item, ilen, why);
			continue;
		}
		nvalid++;
		if (scheme != TXTREC_URI_MAILTO) {
			u.host[0] = '\0';
			uri_warn(c, t, item, ilen, "receivers need only support "
			    "mailto: (RFC 7489 6.2), so reports may not come");
		}
		if (*nv < DMARC_URIS_MAX) {
			/* Bounded copy: the URI is kept for evidence only. */
			util_sanitize_buf(u.uri, sizeof(u.uri), item, ulen);
			v[(*nv)++] = u;
		}
	}
	return nvalid;
}

/* A p= or sp= problem: receivers fall back to p=none or drop the record. */
static int
policy_problem(struct dmarc_ctx *c, const char *tag, const char *val,
    size_t vallen)
{
	char	 what[TXTREC_EV_MAX + 64];

	if (val == NULL)
		snprintf(what, sizeof(what), "%s: missing", tag);
	else
		snprintf(what, sizeof(what), "%s=\"%.*s\": not none, "
		    "quarantine or reject", tag, EV(val, vallen));
	if (c->valid_rua > 0) {
		finding_add(c->fl, F_DMARC_SYNTAX, SEV_WARN, c->domain, NULL,
		    0, "%s: %s; receivers act as if p=none because rua has a "
		    "valid URI (RFC 7489 6.6.3)", c->name, what);
		return 0;
	}
	finding_add(c->fl, F_DMARC_SYNTAX, SEV_CRIT, c->domain, NULL, 0,
	    "%s: %s, and rua has no valid URI: receivers ignore the record "
	    "(RFC 7489 6.6.3)", c->name, what);
	return -1;
}

static void
rec_defaults(struct dmarc_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->pct = 100;
	rec->adkim = 'r';
	rec->aspf = 'r';
	rec->fo = DMARC_FO_0;
	rec->ri = 86400;
}

/* Is the name the same, case and a final dot ignored? */
static int
name_equal(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/*
 * The policy receivers apply to the subject, judged once the record is
 * parsed. RFC 7489 6.3: sp= is for subdomains, and a subdomain without a
 * record of its own gets its organisational domain's (6.6.3), so there
 * sp= (else p=) is the subject's policy; on the organisational domain
 * itself it is p=. 6.6.4: receivers enact the policy on pct percent of
 * the failing mail, none with pct=0: quarantine then falls back to the
 * receiver's usual handling, reject to quarantine at most.
 */
static void
judge(struct dmarc_ctx *c, int fallback, int sp_given)
{
	struct dmarc_record	*rec = c->rec;
	int			 sub = !name_equal(c->subject, c->domain);
	const char		*tag = sub && sp_given ? "sp" : "p";
	char			 whose[TXTREC_HOST_MAX + 96] = "";

	rec->applied = sub ? rec->sp : rec->p;
	if (sub)
		snprintf(whose, sizeof(whose), ", the policy of %s, which has "
		    "no record and gets its organisational domain's (RFC 7489 "
		    "6.6.3)", c->subject);
	if (fallback)
		finding_add(c->fl, F_DMARC_POLICY_NONE, -1, c->domain, NULL, 0,
		    "%s: acted on as p=none (RFC 7489 6.6.3 fallback)%s",
		    c->name, whose);
	else if (rec->applied == DMARC_P_NONE)
		finding_add(c->fl, F_DMARC_POLICY_NONE, -1, c->domain, NULL, 0,
		    "%s: %s=none%s%s", c->name, tag,
		    sub && !sp_given ? " (no sp=)" : "", whose);
	else if (rec->pct == 0)
		finding_add(c->fl, F_DMARC_POLICY_NONE, -1, c->domain, NULL, 0,
		    "%s: pct=0: %s=%s is enacted on no message%s, so %s (RFC "
		    "7489 6.6.4: %s); DMARCbis (RFC 9989) drops pct, and t=y "
		    "is its way to mark a policy under test", c->name, tag,
		    dmarc_policy_name(rec->applied), whose,
		    rec->applied == DMARC_P_REJECT ? "nothing is rejected" :
		    "it protects nothing",
		    rec->applied == DMARC_P_REJECT ? "receivers quarantine "
		    "instead" : "receivers handle failing mail as they would "
		    "without DMARC");
}

static int
parse(const char *subject, const char *domain, const char *s, size_t len,
    struct dmarc_record *rec, struct finding_list *fl)
{
	struct dmarc_ctx	 c;
	struct txtrec_iter	 it;
	struct txtrec_tag	 t, pt, spt;
	const char		*why;
	uint64_t		 n;
	int			 r, bad = 0, fallback = 0;
	enum dmarc_policy	 sp = DMARC_P_UNSET;

	memset(&c, 0, sizeof(c));
	c.subject = subject;
	c.domain = domain;
	c.rec = rec;
	c.fl = fl;
	c.start = fl->n;
	snprintf(c.name, sizeof(c.name), "_dmarc.%s", domain);
	rec_defaults(rec);
	memset(&pt, 0, sizeof(pt));
	memset(&spt, 0, sizeof(spt));

	if (txtrec_check_head(c.name, domain, s, len, DMARC_RECORD_MAX,
	    "DMARC1", TXTREC_NOCASE, F_DMARC_SYNTAX, SEV_CRIT, fl) == -1)
		return -1;

	txtrec_init(&it, s, len, TXTREC_NOCASE);
	while ((r = txtrec_next(&it, &t, &why)) != 0) {
		if (r == -1) {
			finding_add(fl, F_DMARC_SYNTAX, SEV_WARN, domain, NULL,
			    0, "%s: \"%.*s\": %s; receivers skip it", c.name,
			    EV(t.name, t.namelen), why);
			continue;
		}
		if (txtrec_tag_is(&it, &t, "v")) {
			/* First by txtrec_has_version(); "DMARC1" is exact. */
			if (t.vallen != 6 || memcmp(t.val, "DMARC1", 6) != 0) {
				finding_add(fl, F_DMARC_SYNTAX, SEV_CRIT,
				    domain, NULL, 0, "%s: v=\"%.*s\": must be "
				    "exactly DMARC1: receivers ignore the "
				    "record", c.name, EV(t.val, t.vallen));
				bad = 1;
			}
		} else if (txtrec_tag_is(&it, &t, "p")) {
			pt = t;
			rec->p = policy_parse(t.val, t.vallen);
		} else if (txtrec_tag_is(&it, &t, "sp")) {
			spt = t;
			sp = policy_parse(t.val, t.vallen);
		} else if (txtrec_tag_is(&it, &t, "pct")) {
			if (uint_parse(t.val, t.vallen, 100, &n) == -1 ||
			    t.vallen > 3)
				warn_tag(&c, &t, "not an integer 0-100", "100");
			else
				rec->pct = (int)n;
		} else if (txtrec_tag_is(&it, &t, "adkim") ||
		    txtrec_tag_is(&it, &t, "aspf")) {
			char *mode = txtrec_tag_is(&it, &t, "adkim") ?
			    &rec->adkim : &rec->aspf;

			if (word_is(t.val, t.vallen, "r") ||
			    word_is(t.val, t.vallen, "s"))
				*mode = (char)(t.val[0] | 0x20);
			else
				warn_tag(&c, &t, "not r or s", "r");
		} else if (txtrec_tag_is(&it, &t, "fo")) {
			do_fo(&c, &t);
		} else if (txtrec_tag_is(&it, &t, "ri")) {
			if (uint_parse(t.val, t.vallen, UINT32_MAX, &n) == -1)
				warn_tag(&c, &t, "not an unsigned 32-bit integer",
				    "86400");
			else
				rec->ri = (uint32_t)n;
		} else if (txtrec_tag_is(&it, &t, "rf")) {
			do_rf(&c, &t);
		} else if (txtrec_tag_is(&it, &t, "rua")) {
			c.valid_rua += do_uris(&c, &t, rec->rua, &rec->nrua);
		} else if (txtrec_tag_is(&it, &t, "ruf")) {
			(void)do_uris(&c, &t, rec->ruf, &rec->nruf);
		} else {
			finding_add(fl, F_DMARC_SYNTAX, SEV_INFO, domain, NULL,
			    0, "%s: %.*s=\"%.*s\": unknown tag: receivers "
			    "ignore it", c.name, EV(t.name, t.namelen),
			    EV(t.val, t.vallen));
		}
	}
	if (bad)
		return -1;

	/*
	 * RFC 7489 6.6.3 step 6, once rua is known whatever the tag order.
	 * pt.val and spt.val are NULL when the tag is absent.
	 */
	if (rec->p == DMARC_P_UNSET) {
		if (policy_problem(&c, "p", pt.val, pt.vallen) == -1)
			return -1;
		fallback = 1;
	}
	if (spt.val != NULL && sp == DMARC_P_UNSET) {
		if (policy_problem(&c, "sp", spt.val, spt.vallen) == -1)
			return -1;
		fallback = 1;
	}
	if (fallback) {
		rec->p = DMARC_P_NONE;
		sp = DMARC_P_NONE;
	}
	rec->sp = sp != DMARC_P_UNSET ? sp : rec->p;
	judge(&c, fallback, spt.val != NULL);
	return 0;
}

int
dmarc_parse(const char *domain, const char *s, size_t len,
    struct dmarc_record *rec, struct finding_list *fl)
{
	return parse(domain, domain, s, len, rec, fl);
}

int
dmarc_check(const char *subject, const char *domain, const char *const *txt,
    const size_t *len, size_t n, struct dmarc_record *rec,
    struct finding_list *fl)
{
	size_t	 first = 0, second, count;

	rec_defaults(rec);
	count = txtrec_select(txt, len, n, "DMARC1", TXTREC_NOCASE, &first);
	if (count == 0 && !name_equal(subject, domain)) {
		finding_add(fl, F_DMARC_NONE, -1, domain, NULL, 0,
		    "_dmarc.%s: no TXT record starts with v=DMARC1, nor at "
		    "_dmarc.%s, its organisational domain's (%zu TXT records "
		    "there)", subject, domain, n);
		return -1;
	}
	if (count == 0) {
		finding_add(fl, F_DMARC_NONE, -1, domain, NULL, 0,
		    "_dmarc.%s: no TXT record starts with v=DMARC1 "
		    "(%zu TXT records)", domain, n);
		return -1;
	}
	if (count > 1) {
		for (second = first + 1; second < n; second++)
			if (txt[second] != NULL && txtrec_has_version(
			    txt[second], len[second], "DMARC1", TXTREC_NOCASE))
				break;
		finding_add(fl, F_DMARC_MULTIPLE, -1, domain, NULL, 0,
		    "_dmarc.%s: %zu records start with v=DMARC1, receivers "
		    "apply none: \"%.*s\", \"%.*s\"", domain, count,
		    EV(txt[first], len[first]), EV(txt[second], len[second]));
		return -1;
	}
	return parse(subject, domain, txt[first], len[first], rec, fl);
}

#define LIBPSL	"libpsl.so.5"

static pthread_once_t	 psl_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t	*psl;
static __typeof__(psl_registrable_domain) *psl_registrable;

static void
psl_load(void)
{
	__typeof__(psl_latest)	*latest;
	__typeof__(psl_builtin)	*builtin;
	const char		*e;
	void			*h;

	/*
	 * libpsl (with libidn2 and libunistring) is opened here, when a
	 * domain's audit first needs it, not at every start: smtprobe is
	 * a process per check, and a check of one host never asks.
	 */
	if ((h = dlopen(LIBPSL, RTLD_NOW | RTLD_LOCAL)) == NULL ||
	    (latest = (__typeof__(psl_latest) *)dlsym(h, "psl_latest")) ==
	    NULL || (builtin = (__typeof__(psl_builtin) *)dlsym(h,
	    "psl_builtin")) == NULL || (psl_registrable =
	    (__typeof__(psl_registrable_domain) *)dlsym(h,
	    "psl_registrable_domain")) == NULL) {
		e = dlerror();
		log_warnx("%s: %s; organisational domains (DMARC) are taken "
		    "as the domain itself", LIBPSL, e != NULL ? e :
		    "cannot load it");
		return;
	}
	/*
	 * The newer of the list compiled into libpsl and the one of the
	 * publicsuffix package, which Debian updates more often. Loaded
	 * once and kept: the list changes with a package upgrade, after
	 * which the daemon is restarted like any other.
	 */
	psl = latest(NULL);
	if (psl == NULL)
		psl = builtin();
}

int
dmarc_org_domain(const char *domain, char *out, size_t outlen)
{
	char		 name[TXTREC_HOST_MAX + 1];
	const char	*reg = NULL;
	size_t		 len = strlen(domain), i;

	if (outlen > 0)
		out[0] = '\0';
	if (len > 0 && domain[len - 1] == '.')
		len--;
	if (len > TXTREC_HOST_MAX || len >= outlen)
		return -1;
	/* libpsl wants lowercase; A-labels (xn--) are on its list too. */
	for (i = 0; i < len; i++)
		name[i] = domain[i] >= 'A' && domain[i] <= 'Z' ?
		    (char)(domain[i] | 0x20) : domain[i];
	name[len] = '\0';
	pthread_once(&psl_once, psl_load);
	if (psl != NULL)
		reg = psl_registrable(psl, name);
	util_strlcpy(out, reg != NULL ? reg : name, outlen);
	return 0;
}

int
dmarc_same_org(const char *a, const char *b)
{
	char	 oa[TXTREC_HOST_MAX + 1], ob[TXTREC_HOST_MAX + 1];

	if (dmarc_org_domain(a, oa, sizeof(oa)) == -1 ||
	    dmarc_org_domain(b, ob, sizeof(ob)) == -1)
		return name_equal(a, b);
	return strcmp(oa, ob) == 0;
}

static void
add_dests(const char *domain, const char *tag, const struct dmarc_uri *v,
    size_t nv, struct dmarc_dest *out, size_t max, size_t *n)
{
	size_t	 i, j, dlen;
	int	 w;

	dlen = strlen(domain);
	if (dlen > 0 && domain[dlen - 1] == '.')
		dlen--;
	for (i = 0; i < nv && *n < max; i++) {
		if (v[i].host[0] == '\0' || dmarc_same_org(domain, v[i].host))
			continue;
		for (j = 0; j < *n; j++)
			if (strcmp(out[j].host, v[i].host) == 0)
				break;
		if (j < *n)
			continue;
		out[*n].tag = tag;
		util_strlcpy(out[*n].uri, v[i].uri, sizeof(out[*n].uri));
		util_strlcpy(out[*n].host, v[i].host, sizeof(out[*n].host));
		/* RFC 7489 7.1: too long a name means no authorisation. */
		w = snprintf(out[*n].qname, sizeof(out[*n].qname),
		    "%.*s._report._dmarc.%s", (int)(dlen < 300 ? dlen : 300),
		    domain, v[i].host);
		if (w < 0 || (size_t)w >= sizeof(out[*n].qname))
			out[*n].qname[0] = '\0';
		else
			for (j = 0; j < dlen; j++)
				if (out[*n].qname[j] >= 'A' &&
				    out[*n].qname[j] <= 'Z')
					out[*n].qname[j] |= 0x20;
		(*n)++;
	}
}

size_t
dmarc_report_dests(const char *domain, const struct dmarc_record *rec,
    struct dmarc_dest *out, size_t max)
{
	size_t	 n = 0;

	add_dests(domain, "rua", rec->rua, rec->nrua, out, max, &n);
	add_dests(domain, "ruf", rec->ruf, rec->nruf, out, max, &n);
	return n;
}

int
dmarc_report_authorized(const char *const *txt, const size_t *len, size_t n)
{
	size_t	 first;

	return txtrec_select(txt, len, n, "DMARC1", TXTREC_NOCASE, &first) > 0;
}

int
dmarc_report_check(const char *domain, const struct dmarc_dest *dest,
    const char *const *txt, const size_t *len, size_t n,
    struct finding_list *fl)
{
	if (dest->qname[0] == '\0') {
		finding_add(fl, F_DMARC_RUA_UNAUTHORIZED, -1, domain, NULL, 0,
		    "_dmarc.%s: %s=\"%s\": DOMAIN._report._dmarc.%s is "
		    "longer than 253 bytes: the destination cannot authorise "
		    "the reports", domain, dest->tag, dest->uri, dest->host);
		return 0;
	}
	if (dmarc_report_authorized(txt, len, n))
		return 1;
	finding_add(fl, F_DMARC_RUA_UNAUTHORIZED, -1, domain, NULL, 0,
	    "_dmarc.%s: %s=\"%s\": no TXT record starting v=DMARC1 at %s "
	    "(%zu TXT records): %s has not agreed to take the reports",
	    domain, dest->tag, dest->uri, dest->qname, n, dest->host);
	return 0;
}
