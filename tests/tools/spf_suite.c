/*
 * spf_suite.c - run the RFC 7208 conformance suite (tests/spf) against
 * lib/spf.c.
 *
 *	python3 tests/spf/yaml2json.py | tests/tools/spf_suite [-v] -
 *
 * Input is the suite as JSON (an array of scenarios). Each scenario's
 * zonedata becomes a table-driven DNS with the suite's conventions:
 * names compare without case; "TIMEOUT" makes a query time out unless a
 * record of the type asked comes before it in the list; SPF-type records
 * stand as TXT unless the name has TXT records of its own ("TXT: NONE"
 * counts as having TXT, with no record); a record may be a list of
 * strings (one TXT RR of several strings); CNAMEs are followed as a
 * resolver would, and a loop is a DNS error.
 *
 * Every test is evaluated the way the daemon does it: the view starts
 * empty and answers SPF_DNS_NOT_YET, the driver "fetches" what
 * spf_check() asked for into its cache and runs the check again, until
 * it is done. The same test is also evaluated against a view that
 * answers everything at once; both must agree.
 *
 * Prints "PASS scenario/test" or "FAIL scenario/test: why" per test, then
 * "spf-suite: N of M tests pass". Exit 0 when every test passes, 1 when
 * one fails, 2 on bad input.
 */
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "spf.h"

#define ROUNDS_MAX	200	/* NEED_DNS rounds before a test is a failure */
#define CNAME_MAX	8

enum ztype {
	Z_A, Z_AAAA, Z_MX, Z_TXT, Z_SPF, Z_PTR, Z_CNAME, Z_TIMEOUT,
	Z_NONE,			/* "TXT: NONE": the name has TXT, no record */
};

struct zentry {
	enum ztype	 type;
	struct spf_rr	 rr;		/* A, AAAA, MX, TXT/SPF, PTR */
	char		*target;	/* CNAME, MX and PTR names (rr.name) */
	uint8_t		*txt;		/* TXT/SPF wire RDATA (rr.txt) */
};

struct znode {
	char		*name;		/* lower case, no final dot */
	struct zentry	*e;
	size_t		 n;
	int		 has_txt;
};

struct zone {
	struct znode	*v;
	size_t		 n;
};

/* One cached answer, as a resolver's cache would hold it. */
struct centry {
	char		*name;
	enum spf_rrtype	 type;
	enum spf_dns	 st;
	struct spf_rr	*rr;
	size_t		 n;
};

struct view {
	const struct zone *zone;
	int		 direct;	/* answer from the zone, never NOT_YET */
	struct centry	*c;
	size_t		 n, cap;
};

static int	 verbose;

static void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, sz)) == NULL) {
		perror("calloc");
		exit(2);
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL) {
		perror("strdup");
		exit(2);
	}
	return p;
}

static int
lc(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int
name_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (lc((unsigned char)*a) != lc((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* A name as the zone keys it: lower case, without the final dot. */
static char *
zname(const char *s)
{
	char	*p = xstrdup(s);
	size_t	 i, n = strlen(p);

	if (n > 0 && p[n - 1] == '.')
		p[n - 1] = '\0';
	for (i = 0; p[i] != '\0'; i++)
		p[i] = (char)lc((unsigned char)p[i]);
	return p;
}

/*
 * A JSON string as the bytes the suite means: it writes raw bytes as
 * "\x80" in YAML, which arrive as code points U+0000..U+00FF; map those
 * back to single bytes and leave other characters as UTF-8.
 */
static size_t
suite_bytes(const json_t *s, uint8_t *out, size_t outsz)
{
	const unsigned char	*p = (const unsigned char *)json_string_value(s);
	size_t			 len = json_string_length(s), i = 0, o = 0;

	while (i < len && o < outsz) {
		if (p[i] >= 0xc2 && p[i] <= 0xc3 && i + 1 < len &&
		    (p[i + 1] & 0xc0) == 0x80) {
			out[o++] = (uint8_t)(((p[i] & 0x03) << 6) |
			    (p[i + 1] & 0x3f));
			i += 2;
		} else
			out[o++] = p[i++];
	}
	return o;
}

/* Append one TXT character-string (split at 255 bytes) to RDATA. */
static void
txt_append(struct zentry *e, size_t *cap, const uint8_t *b, size_t n)
{
	size_t	 c;

	do {
		c = n > 255 ? 255 : n;
		if (e->rr.txt_len + 1 + c > *cap) {
			*cap = (*cap + c + 1) * 2;
			if ((e->txt = realloc(e->txt, *cap)) == NULL) {
				perror("realloc");
				exit(2);
			}
		}
		e->txt[e->rr.txt_len++] = (uint8_t)c;
		memcpy(e->txt + e->rr.txt_len, b, c);
		e->rr.txt_len += c;
		b += c;
		n -= c;
	} while (n > 0);
}

static int
txt_load(struct zentry *e, const json_t *v)
{
	uint8_t		 buf[65536];
	size_t		 cap = 0, i, n;

	if (json_is_string(v)) {
		if (strcmp(json_string_value(v), "NONE") == 0) {
			e->type = Z_NONE;
			return 0;
		}
		n = suite_bytes(v, buf, sizeof(buf));
		txt_append(e, &cap, buf, n);
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			if (!json_is_string(json_array_get(v, i)))
				return -1;
			n = suite_bytes(json_array_get(v, i), buf, sizeof(buf));
			txt_append(e, &cap, buf, n);
		}
	} else
		return -1;
	e->rr.txt = e->txt;
	if (e->txt == NULL)
		e->rr.txt = (const uint8_t *)"";
	return 0;
}

static int
entry_load(struct zentry *e, json_t *item)
{
	const char	*key;
	json_t		*v;
	int		 af;

	memset(e, 0, sizeof(*e));
	if (json_is_string(item)) {
		if (strcmp(json_string_value(item), "TIMEOUT") != 0)
			return -1;
		e->type = Z_TIMEOUT;
		return 0;
	}
	if (!json_is_object(item) || json_object_size(item) != 1)
		return -1;
	json_object_foreach(item, key, v) {
		if (strcmp(key, "A") == 0 || strcmp(key, "AAAA") == 0) {
			e->type = key[1] == '\0' ? Z_A : Z_AAAA;
			af = e->type == Z_A ? AF_INET : AF_INET6;
			if (!json_is_string(v) ||
			    inet_pton(af, json_string_value(v), e->rr.addr) != 1)
				return -1;
		} else if (strcmp(key, "MX") == 0) {
			e->type = Z_MX;
			if (!json_is_array(v) || json_array_size(v) != 2 ||
			    !json_is_integer(json_array_get(v, 0)) ||
			    !json_is_string(json_array_get(v, 1)))
				return -1;
			e->rr.pref = (unsigned int)json_integer_value(
			    json_array_get(v, 0));
			e->target = xstrdup(json_string_value(
			    json_array_get(v, 1)));
			e->rr.name = e->target;
		} else if (strcmp(key, "PTR") == 0 ||
		    strcmp(key, "CNAME") == 0) {
			e->type = key[0] == 'P' ? Z_PTR : Z_CNAME;
			if (!json_is_string(v))
				return -1;
			e->target = xstrdup(json_string_value(v));
			e->rr.name = e->target;
		} else if (strcmp(key, "TXT") == 0 || strcmp(key, "SPF") == 0) {
			e->type = key[0] == 'T' ? Z_TXT : Z_SPF;
			if (txt_load(e, v) == -1)
				return -1;
		} else
			return -1;
	}
	return 0;
}

static int
zone_load(struct zone *z, json_t *zd)
{
	const char	*key;
	json_t		*list;
	struct znode	*nd;
	size_t		 i;

	memset(z, 0, sizeof(*z));
	if (zd == NULL)
		return 0;
	if (!json_is_object(zd))
		return -1;
	z->v = xcalloc(json_object_size(zd), sizeof(*z->v));
	json_object_foreach(zd, key, list) {
		if (!json_is_array(list))
			return -1;
		nd = &z->v[z->n++];
		nd->name = zname(key);
		nd->e = xcalloc(json_array_size(list), sizeof(*nd->e));
		for (i = 0; i < json_array_size(list); i++) {
			if (entry_load(&nd->e[nd->n], json_array_get(list, i))
			    == -1) {
				fprintf(stderr, "spf_suite: bad zone entry %zu "
				    "of %s\n", i, key);
				return -1;
			}
			if (nd->e[nd->n].type == Z_TXT ||
			    nd->e[nd->n].type == Z_NONE)
				nd->has_txt = 1;
			nd->n++;
		}
	}
	return 0;
}

static void
zone_free(struct zone *z)
{
	size_t	 i, j;

	for (i = 0; i < z->n; i++) {
		for (j = 0; j < z->v[i].n; j++) {
			free(z->v[i].e[j].target);
			free(z->v[i].e[j].txt);
		}
		free(z->v[i].e);
		free(z->v[i].name);
	}
	free(z->v);
	memset(z, 0, sizeof(*z));
}

static const struct znode *
zone_find(const struct zone *z, const char *name)
{
	char	*k = zname(name);
	size_t	 i;

	for (i = 0; i < z->n; i++)
		if (strcmp(z->v[i].name, k) == 0)
			break;
	free(k);
	return i < z->n ? &z->v[i] : NULL;
}

static enum ztype
ztype_of(enum spf_rrtype t)
{
	switch (t) {
	case SPF_RR_A:
		return Z_A;
	case SPF_RR_AAAA:
		return Z_AAAA;
	case SPF_RR_MX:
		return Z_MX;
	case SPF_RR_TXT:
		return Z_TXT;
	case SPF_RR_PTR:
		return Z_PTR;
	}
	return Z_NONE;
}

/*
 * Answer (name, type) from the zone. *rr is allocated (the caller frees
 * it) when records are returned.
 */
static enum spf_dns
zone_resolve(const struct zone *z, const char *name, enum spf_rrtype type,
    struct spf_rr **rr, size_t *n)
{
	const struct znode	*nd;
	const char		*cur = name, *cname;
	enum ztype		 want = ztype_of(type), et;
	size_t			 i;
	int			 hops, seen;

	*rr = NULL;
	*n = 0;
	for (hops = 0; hops <= CNAME_MAX; hops++) {
		if ((nd = zone_find(z, cur)) == NULL)
			return SPF_DNS_NXDOMAIN;
		cname = NULL;
		seen = 0;
		*rr = xcalloc(nd->n, sizeof(**rr));
		for (i = 0; i < nd->n; i++) {
			et = nd->e[i].type;
			if (et == Z_TIMEOUT) {
				if (!seen) {
					free(*rr);
					*rr = NULL;
					return SPF_DNS_ERROR;
				}
				break;
			}
			if (et == Z_SPF && !nd->has_txt)
				et = Z_TXT;
			if (et == want) {
				seen = 1;
				(*rr)[(*n)++] = nd->e[i].rr;
			} else if (et == Z_CNAME)
				cname = nd->e[i].target;
		}
		if (*n > 0)
			return SPF_DNS_ANSWER;
		free(*rr);
		*rr = NULL;
		if (cname == NULL)
			return SPF_DNS_NODATA;
		cur = cname;
	}
	return SPF_DNS_ERROR;		/* CNAME loop */
}

static struct centry *
cache_add(struct view *v, const char *name, enum spf_rrtype type)
{
	struct centry	*ce;

	if (v->n == v->cap) {
		v->cap = v->cap * 2 + 16;
		if ((v->c = realloc(v->c, v->cap * sizeof(*v->c))) == NULL) {
			perror("realloc");
			exit(2);
		}
	}
	ce = &v->c[v->n++];
	ce->name = xstrdup(name);
	ce->type = type;
	ce->st = zone_resolve(v->zone, ce->name, ce->type, &ce->rr, &ce->n);
	return ce;
}

/*
 * The view: the cache, as the daemon's would be. Answers stay until the
 * test ends, as spf.h requires for the duration of spf_check().
 */
static enum spf_dns
view_lookup(void *arg, const char *name, enum spf_rrtype type,
    struct spf_answer *ans)
{
	struct view	*v = arg;
	struct centry	*ce = NULL;
	size_t		 i;

	for (i = 0; i < v->n && ce == NULL; i++)
		if (v->c[i].type == type && name_eq(v->c[i].name, name))
			ce = &v->c[i];
	if (ce == NULL && !v->direct)
		return SPF_DNS_NOT_YET;
	if (ce == NULL)
		ce = cache_add(v, name, type);
	ans->rr = ce->rr;
	ans->n = ce->n;
	return ce->st;
}

/* The caller's side of SPF_NEED_DNS: fetch each query into the cache. */
static void
view_fetch(struct view *v, const struct spf_needs *need)
{
	size_t	 i;

	for (i = 0; i < need->n; i++)
		cache_add(v, need->q[i].name, need->q[i].type);
}

static void
view_clear(struct view *v)
{
	size_t	 i;

	for (i = 0; i < v->n; i++) {
		free(v->c[i].name);
		free(v->c[i].rr);
	}
	free(v->c);
	v->c = NULL;
	v->n = v->cap = 0;
}

static const char *
str(const json_t *t, const char *key)
{
	const json_t	*v = json_object_get(t, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Is the result one of those the test accepts? */
static int
result_ok(const json_t *want, enum spf_result got)
{
	size_t	 i;

	if (json_is_string(want))
		return strcmp(json_string_value(want),
		    spf_result_name(got)) == 0;
	for (i = 0; json_is_array(want) && i < json_array_size(want); i++)
		if (json_is_string(json_array_get(want, i)) &&
		    strcmp(json_string_value(json_array_get(want, i)),
		    spf_result_name(got)) == 0)
			return 1;
	return 0;
}

static void
want_text(const json_t *want, char *buf, size_t sz)
{
	size_t	 i, o = 0;

	if (json_is_string(want)) {
		snprintf(buf, sz, "%s", json_string_value(want));
		return;
	}
	buf[0] = '\0';
	for (i = 0; json_is_array(want) && i < json_array_size(want); i++)
		o += (size_t)snprintf(buf + o, o < sz ? sz - o : 0, "%s%s",
		    i ? "|" : "", json_string_value(json_array_get(want, i)));
}

/* Scenario descriptions as path components: "Record lookup" -> record-lookup. */
static void
slug(const char *s, char *buf, size_t sz)
{
	size_t	 o = 0;
	int	 dash = 0;

	for (; *s != '\0' && o + 2 < sz; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    (*s >= 'A' && *s <= 'Z')) {
			if (dash && o > 0)
				buf[o++] = '-';
			buf[o++] = (char)lc((unsigned char)*s);
			dash = 0;
		} else
			dash = 1;
	}
	buf[o] = '\0';
}

static int
run_test(const struct zone *z, const char *scen, const char *name,
    const json_t *t)
{
	struct spf_request	 req;
	struct spf_outcome	*o, *d;
	struct view		 v;
	enum spf_status		 st;
	const json_t		*want = json_object_get(t, "result");
	const char		*exp = str(t, "explanation");
	char			 wbuf[128], why[2 * SPF_EXPAND_MAX + 1024];
	int			 rounds, ok = 0;

	o = xcalloc(1, sizeof(*o));
	d = xcalloc(1, sizeof(*d));
	memset(&req, 0, sizeof(req));
	req.ip = str(t, "host");
	req.sender = str(t, "mailfrom");
	req.helo = str(t, "helo");
	req.now = 1400000000;		/* fixed across rounds: %{t} */
	req.explain = 1;
	memset(&v, 0, sizeof(v));
	v.zone = z;
	why[0] = '\0';

	for (rounds = 0; rounds < ROUNDS_MAX; rounds++) {
		if ((st = spf_check(&req, &(struct spf_dns_view){ view_lookup,
		    &v }, o)) != SPF_NEED_DNS)
			break;
		if (o->need.n == 0) {
			snprintf(why, sizeof(why), "SPF_NEED_DNS without a "
			    "query");
			goto done;
		}
		view_fetch(&v, &o->need);
	}
	if (st != SPF_DONE) {
		snprintf(why, sizeof(why), "status %d after %d rounds (%s)",
		    (int)st, rounds, o->cause);
		goto done;
	}
	/* The same check against a view that has every answer at once. */
	view_clear(&v);
	v.direct = 1;
	if (spf_check(&req, &(struct spf_dns_view){ view_lookup, &v }, d) !=
	    SPF_DONE || d->result != o->result ||
	    strcmp(d->mechanism, o->mechanism) != 0 ||
	    strcmp(d->explanation, o->explanation) != 0) {
		snprintf(why, sizeof(why), "re-run gives %s \"%s\", direct "
		    "gives %s \"%s\"", spf_result_name(o->result),
		    o->mechanism, spf_result_name(d->result), d->mechanism);
		goto done;
	}
	want_text(want, wbuf, sizeof(wbuf));
	if (!result_ok(want, o->result)) {
		snprintf(why, sizeof(why), "result %s, want %s (%s%s%s)",
		    spf_result_name(o->result), wbuf, o->mechanism,
		    o->cause[0] ? "; " : "", o->cause);
		goto done;
	}
	/* "DEFAULT": no explanation from the domain, the checker's own. */
	if (exp != NULL && (strcmp(exp, "DEFAULT") == 0 ?
	    o->explanation[0] != '\0' : strcmp(exp, o->explanation) != 0)) {
		snprintf(why, sizeof(why), "explanation \"%s\", want \"%s\"",
		    o->explanation, exp);
		goto done;
	}
	ok = 1;
 done:
	if (ok) {
		printf("PASS %s/%s", scen, name);
		if (verbose)
			printf(" (%s, %d rounds, \"%s\"%s%s)",
			    spf_result_name(o->result), rounds + 1,
			    o->mechanism, o->cause[0] ? ", " : "", o->cause);
		printf("\n");
	} else
		printf("FAIL %s/%s: %s\n", scen, name, why);
	view_clear(&v);
	free(o);
	free(d);
	return ok;
}

int
main(int argc, char **argv)
{
	json_t		*root, *scen, *tests, *t;
	json_error_t	 err;
	struct zone	 z;
	const char	*path, *key, *desc;
	char		 sname[128];
	size_t		 i, total = 0, passed = 0;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = 1;
		argc--;
		argv++;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: spf_suite [-v] suite.json|-\n");
		return 2;
	}
	path = argv[1];
	if (strcmp(path, "-") == 0)
		root = json_loadf(stdin, JSON_ALLOW_NUL, &err);
	else
		root = json_load_file(path, JSON_ALLOW_NUL, &err);
	if (root == NULL || !json_is_array(root)) {
		fprintf(stderr, "spf_suite: %s:%d: %s\n", path, err.line,
		    root == NULL ? err.text : "not an array of scenarios");
		return 2;
	}
	json_array_foreach(root, i, scen) {
		desc = str(scen, "description");
		slug(desc != NULL ? desc : "scenario", sname, sizeof(sname));
		if (zone_load(&z, json_object_get(scen, "zonedata")) == -1) {
			fprintf(stderr, "spf_suite: %s: bad zonedata\n", sname);
			return 2;
		}
		tests = json_object_get(scen, "tests");
		json_object_foreach(tests, key, t) {
			total++;
			passed += (size_t)run_test(&z, sname, key, t);
		}
		zone_free(&z);
	}
	json_decref(root);
	printf("spf-suite: %zu of %zu tests pass\n", passed, total);
	return passed == total && total > 0 ? 0 : 1;
}
