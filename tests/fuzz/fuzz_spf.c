/*
 * fuzz_spf.c - libFuzzer harness for lib/spf.c.
 *
 * The input is, at once:
 *   - an SPF record for spf_parse(), from an exact-size heap copy so a
 *     read past the end trips ASan; a parsed record is checked term by
 *     term;
 *   - a macro-string for spf_macro_expand(), in domain and explanation
 *     mode, for IPv4 and IPv6 clients, into a small buffer so the
 *     overflow paths are reached;
 *   - the TXT record of fuzz.example (split into 255-byte strings) in a
 *     small fixed DNS, where check_host() runs for an IPv4 and an IPv6
 *     client: once against a view that answers everything, once the
 *     daemon's way, by rounds of SPF_NEED_DNS. The two must agree: that
 *     is what makes re-running the evaluation a sound design. Then
 *     spf_audit() runs on the same DNS.
 * Invariant breaks abort().
 */
#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "spf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define ROUNDS_MAX	200
#define FETCHED_MAX	1024
#define ZERR		0

struct zrow {
	const char	*name;
	int		 type;
	const char	*data;		/* address, target, or TXT (one string) */
};

/* The fixed part of the DNS; fuzz.example's TXT is the input. */
static const struct zrow zone[] = {
	{ "fuzz.example", SPF_RR_A, "192.0.2.10" },
	{ "fuzz.example", SPF_RR_AAAA, "2001:db8::10" },
	{ "fuzz.example", SPF_RR_MX, "mx.fuzz.example." },
	{ "fuzz.example", SPF_RR_MX, "." },
	{ "mx.fuzz.example", SPF_RR_A, "192.0.2.11" },
	{ "mx.fuzz.example", SPF_RR_AAAA, "2001:db8::11" },
	{ "10.2.0.192.in-addr.arpa", SPF_RR_PTR, "mx.fuzz.example" },
	{ "10.2.0.192.in-addr.arpa", SPF_RR_PTR, "fuzz.example." },
	{ "inc.fuzz.example", SPF_RR_TXT, "v=spf1 ip4:192.0.2.0/28 a "
	    "mx:%{d2} ptr exists:%{i}.x.fuzz.example ~all" },
	{ "10.2.0.192.x.fuzz.example", SPF_RR_A, "127.0.0.2" },
	{ "redir.fuzz.example", SPF_RR_TXT, "v=spf1 redirect=fuzz.example" },
	{ "loop.fuzz.example", SPF_RR_TXT, "v=spf1 include:loop.fuzz.example" },
	{ "two.fuzz.example", SPF_RR_TXT, "v=spf1 -all" },
	{ "two.fuzz.example", SPF_RR_TXT, "v=spf1 +all" },
	{ "exp.fuzz.example", SPF_RR_TXT, "%{i} %{c} %{p} %{r} %{t} %{L2r-} "
	    "%{h}" },
	{ "err.fuzz.example", ZERR, NULL },
	{ NULL, 0, NULL },
};

struct fview {
	int		 async;
	struct spf_query fetched[FETCHED_MAX];
	size_t		 nfetched;
	const uint8_t	*txt;		/* fuzz.example's TXT RDATA */
	size_t		 txt_len;
	struct spf_rr	 pool[2048];	/* answers of the current call */
	size_t		 npool;
	uint8_t		 txtpool[16384];
	size_t		 ntxt;
};

static int
ieq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if ((*a >= 'A' && *a <= 'Z' ? *a + 32 : *a) !=
		    (*b >= 'A' && *b <= 'Z' ? *b + 32 : *b))
			return 0;
	return *a == *b;
}

static enum spf_dns
fview_lookup(void *arg, const char *name, enum spf_rrtype type,
    struct spf_answer *ans)
{
	struct fview		*v = arg;
	const struct zrow	*z;
	struct spf_rr		*rr;
	size_t			 i, start = v->npool, n;
	int			 found = 0;

	if (name == NULL || strlen(name) > SPF_NAME_MAX || name[0] == '\0')
		abort();
	if (v->async) {
		for (i = 0; i < v->nfetched; i++)
			if (v->fetched[i].type == type &&
			    ieq(v->fetched[i].name, name))
				break;
		if (i == v->nfetched)
			return SPF_DNS_NOT_YET;
	}
	if (ieq(name, "fuzz.example") && type == SPF_RR_TXT) {
		if (v->npool == sizeof(v->pool) / sizeof(v->pool[0]))
			return SPF_DNS_ERROR;
		rr = &v->pool[v->npool++];
		memset(rr, 0, sizeof(*rr));
		rr->txt = v->txt;
		rr->txt_len = v->txt_len;
		found = 1;
	}
	for (z = zone; z->name != NULL; z++) {
		if (!ieq(z->name, name))
			continue;
		found = 1;
		if (z->type == ZERR)
			return SPF_DNS_ERROR;
		if (z->type != (int)type)
			continue;
		if (v->npool == sizeof(v->pool) / sizeof(v->pool[0]))
			return SPF_DNS_ERROR;
		rr = &v->pool[v->npool++];
		memset(rr, 0, sizeof(*rr));
		switch (type) {
		case SPF_RR_A:
			inet_pton(AF_INET, z->data, rr->addr);
			break;
		case SPF_RR_AAAA:
			inet_pton(AF_INET6, z->data, rr->addr);
			break;
		case SPF_RR_MX:
		case SPF_RR_PTR:
			rr->name = z->data;
			break;
		case SPF_RR_TXT:
			n = strlen(z->data);
			if (n > 255 || v->ntxt + n + 1 > sizeof(v->txtpool))
				abort();
			rr->txt = v->txtpool + v->ntxt;
			rr->txt_len = n + 1;
			v->txtpool[v->ntxt++] = (uint8_t)n;
			memcpy(v->txtpool + v->ntxt, z->data, n);
			v->ntxt += n;
			break;
		}
	}
	if (!found)
		return SPF_DNS_NXDOMAIN;
	if (v->npool == start)
		return SPF_DNS_NODATA;
	ans->rr = v->pool + start;
	ans->n = v->npool - start;
	return SPF_DNS_ANSWER;
}

static void
fview_fetch(struct fview *v, const struct spf_needs *need)
{
	size_t	 i, j;

	if (need->n == 0 || need->n > SPF_NEED_MAX)
		abort();
	for (i = 0; i < need->n; i++) {
		if (memchr(need->q[i].name, '\0', sizeof(need->q[i].name)) ==
		    NULL)
			abort();
		for (j = 0; j < v->nfetched; j++)
			if (v->fetched[j].type == need->q[i].type &&
			    ieq(v->fetched[j].name, need->q[i].name))
				abort();	/* asked again for what it has */
		if (v->nfetched < FETCHED_MAX)
			v->fetched[v->nfetched++] = need->q[i];
	}
}

static void
check_record(const struct spf_record *rec)
{
	const struct spf_term	*t;
	size_t			 i;

	if (rec->nterms > SPF_TERMS_MAX || rec->len > SPF_RECORD_MAX ||
	    rec->text[rec->len] != '\0')
		abort();
	if (rec->redirect >= (int)rec->nterms || rec->exp >= (int)rec->nterms)
		abort();
	for (i = 0; i < rec->nterms; i++) {
		t = &rec->terms[i];
		if (t->text < rec->text ||
		    t->text + t->text_len > rec->text + rec->len ||
		    t->text_len == 0)
			abort();
		if (t->spec != NULL && (t->spec < t->text ||
		    t->spec + t->spec_len > t->text + t->text_len))
			abort();
		if (strchr("+-~?", t->qualifier) == NULL || t->qualifier == 0)
			abort();
		if (t->cidr4 < 0 || t->cidr4 > 32 || t->cidr6 < 0 ||
		    t->cidr6 > 128)
			abort();
		if (memchr(t->text, ' ', t->text_len) != NULL)
			abort();
	}
}

static void
check_text(const char *s, size_t sz)
{
	if (memchr(s, '\0', sz) == NULL)
		abort();
}

static void
check_outcome(const struct spf_outcome *o)
{
	if ((unsigned)o->result > SPF_RESULT_PERMERROR ||
	    (unsigned)o->error > SPF_ERR_DNS)
		abort();
	check_text(o->cause, sizeof(o->cause));
	check_text(o->err_domain, sizeof(o->err_domain));
	check_text(o->mechanism, sizeof(o->mechanism));
	check_text(o->mech_domain, sizeof(o->mech_domain));
	check_text(o->explanation, sizeof(o->explanation));
	if ((o->result == SPF_RESULT_PERMERROR ||
	    o->result == SPF_RESULT_TEMPERROR) != (o->error != SPF_ERR_NONE))
		abort();
	if (o->lookups > SPF_LOOKUP_MAX + 1 || o->voids > SPF_VOID_MAX + 1)
		abort();
}

static void
evaluate(struct fview *v, const char *ip, const char *sender)
{
	struct spf_request	 req;
	struct spf_dns_view	 view = { fview_lookup, v };
	static struct spf_outcome o, d;
	enum spf_status		 st;
	int			 rounds;

	memset(&req, 0, sizeof(req));
	req.ip = ip;
	req.sender = sender;
	req.helo = "helo.fuzz.example";
	req.now = 1400000000;
	req.explain = 1;

	v->async = 0;
	v->npool = v->ntxt = 0;
	if (spf_check(&req, &view, &d) != SPF_DONE)
		abort();
	check_outcome(&d);

	v->async = 1;
	v->nfetched = 0;
	for (rounds = 0; rounds < ROUNDS_MAX; rounds++) {
		v->npool = v->ntxt = 0;
		if ((st = spf_check(&req, &view, &o)) != SPF_NEED_DNS)
			break;
		fview_fetch(v, &o.need);
	}
	if (st != SPF_DONE)
		abort();
	check_outcome(&o);
	if (o.result != d.result || o.error != d.error ||
	    strcmp(o.mechanism, d.mechanism) != 0 ||
	    strcmp(o.explanation, d.explanation) != 0 ||
	    strcmp(o.cause, d.cause) != 0)
		abort();
}

static void
audit(struct fview *v)
{
	static const char *const ips[] = { "192.0.2.10", "2001:db8::99" };
	struct spf_audit_req	 req = { "fuzz.example", ips, 2, 1400000000 };
	struct spf_dns_view	 view = { fview_lookup, v };
	struct finding_list	 fl;
	struct spf_needs	 need;
	enum spf_status		 st;
	size_t			 i;
	int			 rounds;

	memset(&fl, 0, sizeof(fl));
	v->async = 1;
	v->nfetched = 0;
	for (rounds = 0; rounds < ROUNDS_MAX; rounds++) {
		v->npool = v->ntxt = 0;
		if ((st = spf_audit(&req, &view, &fl, &need)) != SPF_NEED_DNS)
			break;
		if (fl.n != 0)
			abort();
		fview_fetch(v, &need);
	}
	if (st != SPF_DONE)
		abort();
	for (i = 0; i < fl.n; i++)
		if (strlen(fl.v[i].evidence) > FINDING_EVIDENCE_MAX)
			abort();
	finding_list_free(&fl);
}

static void
expand(const char *s, size_t len)
{
	struct spf_request	 req;
	char			 out[256], *cause;
	int			 r, explain, k;
	static const char *const ips[] = { "192.0.2.10", "2001:db8::10" };

	for (k = 0; k < 2; k++) {
		memset(&req, 0, sizeof(req));
		req.ip = ips[k];
		req.sender = k ? "" : "a-b+c.d@x.fuzz.example";
		req.helo = "helo.fuzz.example";
		req.now = 1400000000;
		for (explain = 0; explain < 2; explain++) {
			r = spf_macro_expand(&req, NULL, "mx.fuzz.example", s,
			    len, explain, out, sizeof(out), &cause);
			if (r >= 0 && ((size_t)r >= sizeof(out) ||
			    strlen(out) != (size_t)r))
				abort();
			if (r < 0)
				free(cause);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fview	 v;
	struct spf_record	*rec;
	uint8_t			*wire;
	char			*copy, *cause;
	size_t			 i, o, n;

	if ((copy = malloc(size ? size : 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	if (spf_parse(copy, size, &rec, &cause) == 0) {
		check_record(rec);
		spf_record_free(rec);
	} else {
		if (cause == NULL)
			abort();
		free(cause);
	}
	expand(copy, size);
	free(copy);

	/* The input as fuzz.example's TXT: 255-byte strings. */
	if ((wire = malloc(size + size / 255 + 1)) == NULL)
		abort();
	for (i = o = 0; i < size || o == 0; i += n) {
		n = size - i > 255 ? 255 : size - i;
		wire[o++] = (uint8_t)n;
		memcpy(wire + o, data + i, n);
		o += n;
		if (n == 0)
			break;
	}
	memset(&v, 0, sizeof(v));
	v.txt = wire;
	v.txt_len = o;
	evaluate(&v, "192.0.2.10", "postmaster@fuzz.example");
	evaluate(&v, "2001:db8::99", "a-b@fuzz.example");
	evaluate(&v, "192.0.2.77", "x@redir.fuzz.example");
	audit(&v);
	free(wire);
	return 0;
}
