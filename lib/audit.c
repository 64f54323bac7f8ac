/*
 * audit.c - the mail-DNS audit of a domain on the loop.
 *
 * Every lookup is an `aq` in one list, so freeing the audit cancels what
 * is outstanding. Two counters say when to report: `pending` counts
 * every lookup and fetch, `pending_mx` only those a session probe waits
 * for (MX, A/AAAA of MX hosts, TLSA, MTA-STS). A handler may start new
 * lookups before its own is counted down, so a counter reaches zero only
 * when a whole chain has ended. Reports go through an event, so the
 * caller's callback never runs inside a resolver callback.
 *
 * SPF runs spf_audit() over a small answer store: when it needs DNS it
 * says which queries, we fetch them all, and run it again from the start
 * (spf.h explains why re-running is simpler than suspending).
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "audit.h"
#include "dkim.h"
#include "dmarc.h"
#include "dnsname.h"
#include "fetch.h"
#include "log.h"
#include "spf.h"
#include "txtrec.h"
#include "tlsrpt.h"
#include "util.h"

enum aq_kind {
	K_MX, K_A, K_AAAA, K_TLSA, K_PTR, K_FWD, K_DNSBL, K_DNSBL_TXT,
	K_SPF, K_DMARC, K_DMARC_DEST, K_DKIM, K_MTASTS_TXT, K_MTASTS_ADDR,
	K_TLSRPT,
	K_CONTROL,	/* ". NS": does the resolver answer at all? */
};

struct aq {
	struct audit		*a;
	struct dns_req		*req;
	enum aq_kind		 kind;
	int			 mx, ai, idx;	/* which host, address, item */
	int			 mxpath;	/* counts toward MX ready */
	char			 extra[96];	/* e.g. the DNSBL answer */
	TAILQ_ENTRY(aq)		 entry;
};

/* One answer kept for the SPF evaluator. */
struct spf_entry {
	char		 name[SPF_NAME_MAX + 2];
	enum spf_rrtype	 type;
	int		 done;
	enum spf_dns	 st;
	struct spf_rr	*rr;
	size_t		 n;
	char		*blob;		/* names and TXT data the rrs point into */
};

#define SPF_STORE_MAX	128
#define SPF_ROUNDS_MAX	64

struct audit {
	struct event_base	*base;
	struct dns_resolver	*res;
	struct audit_params	 p;
	audit_cb		 cb;
	void			*arg;
	struct audit_result	 r;
	TAILQ_HEAD(, aq)	 q;
	int			 pending;
	int			 pending_mx;
	int			 mx_reported;
	int			 done_reported;
	struct event		*ev_report;
	int64_t			 t0;

	int			 addr_pending[AUDIT_MX_MAX];

	struct dmarc_record	 dmarc;
	char			 dmarc_dom[AUDIT_NAME_MAX]; /* whose record applies */
	struct dmarc_dest	 dests[DMARC_DESTS_MAX];

	int			 mtasts_addr_pending;
	struct sockaddr_storage	 mtasts_ss;
	socklen_t		 mtasts_sslen;
	char			 mtasts_host[AUDIT_NAME_MAX + 16];
	enum dns_status		 mtasts_addr_status;
	struct fetch		*fetch;

	struct spf_entry	 spf[SPF_STORE_MAX];
	size_t			 nspf;
	int			 spf_pending;
	int			 spf_rounds;
	int			 spf_done;
	int64_t			 spf_now;

	int			 spf_seen, dmarc_seen;
	int			 spf_local;	/* an SPF lookup could not be
						   made on this host */
	int			 mtasts_addr_local; /* nor the policy host's
						   address */
	int			 control_asked;
	char			 dead_server[80]; /* a resolver that did not
						   answer, "ADDR:PORT" */
};

static void	lookup(struct audit *, const char *, uint16_t, enum aq_kind,
		    int, int, int, int, const char *);
static void	add(struct audit *, enum finding_id, int, const char *,
		    const char *, int, const char *, ...)
		    __attribute__((format(printf, 7, 8)));
static struct audit_addr *addr_seen(struct audit *, int, const char *);
static void	spf_round(struct audit *);

/* ---- bookkeeping ---- */

/*
 * No lookup was answered: every one timed out or the resolver refused
 * it. A stub resolver asks one recursive resolver, which answers
 * SERVFAIL when the domain's own servers fail; silence or REFUSED on
 * everything is the prober's resolver, not the domain. The findings
 * that silence made (dns.timeout on every record, spf.temperror ...)
 * say nothing about the domain: one probe.resolver replaces them.
 */
static int
dns_layer(const struct finding *f, const void *arg)
{
	(void)arg;
	return finding_def(f->id)->layer == LAYER_DNS;
}

static void
resolver_judge(struct audit *a)
{
	if (a->r.n_local > 0)
		a->r.local_trouble = 1;
	if (a->r.n_live > 0 || a->r.n_dead == 0)
		return;
	a->r.resolver_dead = 1;
	finding_list_drop(&a->r.findings, dns_layer, NULL);
	add(a, F_PROBE_RESOLVER, -1, a->r.domain, NULL, 0, "the resolver%s%s "
	    "did not answer: %d lookup(s) timed out or were refused, none "
	    "was answered; nothing about %s is known", a->dead_server[0] ?
	    " " : "", a->dead_server, a->r.n_dead, a->r.domain);
}

static void
report_ev(evutil_socket_t fd, short what, void *arg)
{
	struct audit	*a = arg;
	size_t		 i, j;

	(void)fd;
	(void)what;
	if (!a->mx_reported && a->pending_mx == 0) {
		if (a->p.dane_required)
			for (i = 0; i < (size_t)a->r.nmx; i++)
				for (j = 0; j < (size_t)a->r.mx[i].ntlsa; j++) {
					struct audit_tlsa *t = &a->r.mx[i].tlsa[j];

					if (t->secure && t->n > 0)
						continue;
					finding_add(&a->r.findings,
					    F_DANE_INSECURE, SEV_CRIT,
					    a->r.mx[i].host, NULL, t->port,
					    "TLS policy dane: no DNSSEC-validated "
					    "TLSA at _%d._tcp.%s (%s%s)", t->port,
					    a->r.mx[i].host,
					    dns_status_name(t->status),
					    t->n > 0 && !t->secure ?
					    ", AD bit not set" : "");
				}
		a->r.mx_ms = (util_now_us() - a->t0) / 1000;
		a->mx_reported = 1;
		a->cb(a, AUDIT_MX_READY, a->arg);
	}
	if (a->mx_reported && !a->done_reported && a->pending == 0 &&
	    !a->control_asked && a->r.n_live == 0 && a->r.n_dead > 0) {
		/*
		 * Nothing was answered. Ask the resolver for the root's NS,
		 * which any recursive resolver answers: if it does, only
		 * this domain's servers are silent (dns.timeout stays); if
		 * not, the resolver itself is (probe.resolver).
		 */
		a->control_asked = 1;
		lookup(a, ".", LDNS_RR_TYPE_NS, K_CONTROL, 0, 0, 0, 0, NULL);
		return;
	}
	if (a->mx_reported && !a->done_reported && a->pending == 0) {
		const char	*hosts[AUDIT_MX_MAX];

		/* the policy may come after the MX hosts: judge them here */
		if (a->r.mtasts_valid) {
			for (i = 0; i < (size_t)a->r.nmx; i++)
				hosts[i] = a->r.mx[i].host;
			if (a->r.nmx > 0 && !a->r.mx[0].implicit)
				mtasts_check_mx(a->r.domain, &a->r.mtasts, hosts,
				    (size_t)a->r.nmx, &a->r.findings);
		}
		for (i = 0; i < (size_t)a->r.nmx; i++)
			for (j = 0; j < (size_t)a->r.mx[i].naddrs; j++) {
				struct audit_addr *ad = &a->r.mx[i].addrs[j];
				struct audit_addr *first = addr_seen(a, (int)i,
				    ad->addr);

				if (first != NULL) {
					util_strlcpy(ad->ptr, first->ptr,
					    sizeof(ad->ptr));
					ad->ptr_status = first->ptr_status;
					ad->fcrdns = first->fcrdns;
					ad->listed = first->listed;
				}
			}
		resolver_judge(a);
		a->r.us = util_now_us() - a->t0;
		a->r.ms = a->r.us / 1000;
		a->done_reported = 1;
		a->cb(a, AUDIT_DONE, a->arg);
	}
}

static void
settle(struct audit *a)
{
	if ((!a->mx_reported && a->pending_mx == 0) ||
	    (!a->done_reported && a->pending == 0))
		event_active(a->ev_report, EV_TIMEOUT, 0);
}

static void
add(struct audit *a, enum finding_id id, int sev, const char *host,
    const char *addr, int port, const char *fmt, ...)
{
	char	 buf[FINDING_EVIDENCE_MAX];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	finding_add(&a->r.findings, id, sev, host, addr, port, "%s", buf);
}

/*
 * A lookup this host could not make (no descriptor, no memory, its
 * queue full): the prober's trouble, never the domain's.
 */
static int
local_failure(const struct dns_result *res)
{
	return res->status == DNS_ERROR && res->why != NULL &&
	    (strcmp(res->why, "local-error") == 0 ||
	    strcmp(res->why, "out-of-memory") == 0 ||
	    strcmp(res->why, "queue-full") == 0);
}

/* A failed lookup is a finding of its own (dns.timeout, ...). */
static int
dns_failed(struct audit *a, const struct dns_result *res, const char *host,
    const char *what)
{
	/*
	 * What mail delivery depends on (MX, addresses, TLSA, policy
	 * records) fails crit; side lookups (PTR, blocklists, report
	 * authorisations) warn.
	 */
	static const char *side[] = { "PTR", "DMARC report authorisation",
	    "forward of PTR", NULL };
	int	 sev = -1, i;

	for (i = 0; side[i] != NULL; i++)
		if (strcmp(what, side[i]) == 0)
			sev = SEV_WARN;
	enum finding_id	 id = dns_status_finding(res->status);
	char		 ev[300];

	if (res->status == DNS_OK || res->status == DNS_NODATA ||
	    res->status == DNS_NXDOMAIN)
		return 0;
	if (local_failure(res)) {
		dns_result_evidence(res, ev, sizeof(ev));
		add(a, F_PROBE_RESOURCE, -1, host, NULL, 0, "%s: the lookup "
		    "could not be made on this host: %s", what, ev);
		return 1;
	}
	if (id == F_COUNT)
		id = F_DNS_SERVFAIL;
	dns_result_evidence(res, ev, sizeof(ev));
	add(a, id, sev, host, NULL, 0, "%s: %s", what, ev);
	return 1;
}

static void
name_nodot(const char *in, char *out, size_t sz)
{
	size_t	 n;

	util_strlcpy(out, in, sz);
	n = strlen(out);
	if (n > 1 && out[n - 1] == '.')
		out[n - 1] = '\0';
	for (n = 0; out[n] != '\0'; n++)
		if (out[n] >= 'A' && out[n] <= 'Z')
			out[n] = (char)(out[n] - 'A' + 'a');
}

static void
rdf_name(const ldns_rdf *rdf, char *out, size_t sz)
{
	char	*s = ldns_rdf2str(rdf);

	if (s == NULL) {
		out[0] = '\0';
		return;
	}
	name_nodot(s, out, sz);
	free(s);
}

/* The TXT records of an answer, each one's strings joined. */
struct txts {
	char	*s[64];
	size_t	 len[64];
	size_t	 n;
};

static void
txts_get(const struct dns_result *res, struct txts *t)
{
	size_t	 i, j, total;

	t->n = 0;
	if (res->status != DNS_OK || res->rrs == NULL)
		return;
	for (i = 0; i < ldns_rr_list_rr_count(res->rrs) && t->n < 64; i++) {
		const ldns_rr	*rr = ldns_rr_list_rr(res->rrs, i);
		char		*buf;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT)
			continue;
		for (total = 0, j = 0; j < ldns_rr_rd_count(rr); j++)
			total += ldns_rdf_size(ldns_rr_rdf(rr, j));
		if ((buf = malloc(total + 1)) == NULL)
			break;
		t->len[t->n] = 0;
		for (j = 0; j < ldns_rr_rd_count(rr); j++) {
			const ldns_rdf	*d = ldns_rr_rdf(rr, j);
			const uint8_t	*p = ldns_rdf_data(d);
			size_t		 l = ldns_rdf_size(d);

			/* character-string: a length byte, then the bytes */
			if (l == 0 || (size_t)p[0] + 1 > l)
				continue;
			memcpy(buf + t->len[t->n], p + 1, p[0]);
			t->len[t->n] += p[0];
		}
		buf[t->len[t->n]] = '\0';
		t->s[t->n++] = buf;
	}
}

static void
txts_free(struct txts *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	t->n = 0;
}

/* The first TXT record starting with prefix, copied, or NULL. */
static char *
txts_pick(const struct txts *t, const char *prefix)
{
	size_t	 i, pl = strlen(prefix);

	for (i = 0; i < t->n; i++)
		if (t->len[i] >= pl && strncasecmp(t->s[i], prefix, pl) == 0)
			return util_sanitize(t->s[i], t->len[i], 2048);
	return NULL;
}

/* ---- addresses ---- */

int
audit_addr_private(const char *addr)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	uint32_t	 v;

	if (inet_pton(AF_INET, addr, &a4) == 1) {
		v = ntohl(a4.s_addr);
		return (v >> 24) == 0 || (v >> 24) == 10 || (v >> 24) == 127 ||
		    (v >> 20) == 0xac1 ||		/* 172.16/12 */
		    (v >> 16) == 0xc0a8 ||		/* 192.168/16 */
		    (v >> 16) == 0xa9fe ||		/* 169.254/16 */
		    (v >> 22) == (100u << 2 | 1) ||	/* 100.64/10 */
		    (v >> 8) == 0xc00000 ||		/* 192.0.0/24 */
		    (v >> 8) == 0xc00002 ||		/* 192.0.2/24 */
		    (v >> 8) == 0xc63364 ||		/* 198.51.100/24 */
		    (v >> 8) == 0xcb0071 ||		/* 203.0.113/24 */
		    (v >> 17) == (0xc612 >> 1) ||	/* 198.18/15 */
		    (v >> 28) >= 0xe;			/* multicast, reserved */
	}
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return 0;
	if (IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_UNSPECIFIED(&a6) ||
	    IN6_IS_ADDR_LINKLOCAL(&a6) || IN6_IS_ADDR_MULTICAST(&a6) ||
	    IN6_IS_ADDR_SITELOCAL(&a6))
		return 1;
	if ((a6.s6_addr[0] & 0xfe) == 0xfc)		/* fc00::/7 */
		return 1;
	if (a6.s6_addr[0] == 0x20 && a6.s6_addr[1] == 0x01 &&
	    a6.s6_addr[2] == 0x0d && a6.s6_addr[3] == 0xb8)	/* 2001:db8::/32 */
		return 1;
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		char	 v4[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &a6.s6_addr[12], v4, sizeof(v4));
		return audit_addr_private(v4);
	}
	return 0;
}

/* The same address under an earlier MX host: checked there already. */
static struct audit_addr *
addr_seen(struct audit *a, int mi, const char *addr)
{
	int	 m, i;

	for (m = 0; m < mi; m++)
		for (i = 0; i < a->r.mx[m].naddrs; i++)
			if (strcmp(a->r.mx[m].addrs[i].addr, addr) == 0)
				return &a->r.mx[m].addrs[i];
	return NULL;
}

static void
addr_found(struct audit *a, int mi, const char *addr, int family)
{
	struct audit_mx		*m = &a->r.mx[mi];
	struct audit_addr	*ad;
	char			 qn[DNSNAME_BUFSZ];
	int			 i, ai;

	for (i = 0; i < m->naddrs; i++)
		if (strcmp(m->addrs[i].addr, addr) == 0)
			return;
	if (m->naddrs == AUDIT_ADDRS_MAX)
		return;
	ai = m->naddrs++;
	ad = &m->addrs[ai];
	memset(ad, 0, sizeof(*ad));
	util_strlcpy(ad->addr, addr, sizeof(ad->addr));
	ad->family = family;
	ad->ptr_status = DNS_ERROR;
	if (a->p.minimal || addr_seen(a, mi, addr) != NULL)
		return;
	if (!a->p.allow_private && audit_addr_private(addr))
		add(a, F_MX_PRIVATE_ADDRESS, -1, m->host, addr, 0,
		    "%s %s has address %s, which is not reachable from the "
		    "Internet", m->implicit || a->r.host_mode ? "host" : "MX",
		    m->host, addr);
	if (dnsname_reverse(addr, qn, sizeof(qn)) == 0)
		lookup(a, qn, LDNS_RR_TYPE_PTR, K_PTR, mi, ai, 0, 0, NULL);
	for (i = 0; i < a->p.ndnsbl; i++)
		if (dnsname_dnsbl(addr, a->p.dnsbl_zones[i], qn, sizeof(qn)) == 0)
			lookup(a, qn, LDNS_RR_TYPE_A, K_DNSBL, mi, ai, i, 0, NULL);
}

/* ---- lookups ---- */

static void
aq_done(struct audit *a, struct aq *q)
{
	TAILQ_REMOVE(&a->q, q, entry);
	a->pending--;
	if (q->mxpath)
		a->pending_mx--;
	free(q);
	settle(a);
}

static void	on_answer(const struct dns_result *, void *);

static void
lookup(struct audit *a, const char *name, uint16_t type, enum aq_kind kind,
    int mx, int ai, int idx, int mxpath, const char *extra)
{
	struct aq	*q;

	if ((q = calloc(1, sizeof(*q))) == NULL) {
		log_warnx("audit: out of memory");
		return;
	}
	q->a = a;
	q->kind = kind;
	q->mx = mx;
	q->ai = ai;
	q->idx = idx;
	q->mxpath = mxpath;
	if (extra != NULL)
		util_strlcpy(q->extra, extra, sizeof(q->extra));
	TAILQ_INSERT_TAIL(&a->q, q, entry);
	a->pending++;
	if (mxpath)
		a->pending_mx++;
	if ((q->req = dns_lookup(a->res, name, type, on_answer, q)) == NULL) {
		log_warnx("audit: cannot look up %s", name);
		aq_done(a, q);
	}
}

static void
host_added(struct audit *a, int mi)
{
	struct audit_mx	*m = &a->r.mx[mi];
	char		 qn[AUDIT_NAME_MAX + 16];
	int		 i;

	a->addr_pending[mi] = 0;
	if (a->p.family != AF_INET6) {
		a->addr_pending[mi]++;
		lookup(a, m->host, LDNS_RR_TYPE_A, K_A, mi, 0, 0, 1, NULL);
	}
	if (a->p.family != AF_INET) {
		a->addr_pending[mi]++;
		lookup(a, m->host, LDNS_RR_TYPE_AAAA, K_AAAA, mi, 0, 0, 1, NULL);
	}
	/* TLSA even in minimal runs: DANE decides how sessions go */
	for (i = 0; i < a->p.nports && i < AUDIT_PORTS_MAX; i++) {
		m->tlsa[i].port = a->p.ports[i];
		m->tlsa[i].status = DNS_ERROR;
		m->ntlsa = i + 1;
		snprintf(qn, sizeof(qn), "_%d._tcp.%s", a->p.ports[i], m->host);
		lookup(a, qn, LDNS_RR_TYPE_TLSA, K_TLSA, mi, 0, i, 1, NULL);
	}
}

static int
mx_cmp(const void *x, const void *y)
{
	const struct audit_mx	*a = x, *b = y;

	return a->pref - b->pref;
}

static void
on_mx(struct audit *a, const struct dns_result *res)
{
	size_t		 i, n;
	uint32_t	 ttl0 = 0;
	int		 ttl_differs = 0, nulls = 0;
	struct in6_addr	 dummy;

	a->r.mx_status = res->status;
	if (res->status == DNS_NXDOMAIN) {
		add(a, F_DNS_NXDOMAIN, -1, a->r.domain, NULL, 0,
		    "%s does not exist (NXDOMAIN for MX); no mail can be "
		    "delivered", a->r.domain);
		return;
	}
	if (dns_failed(a, res, a->r.domain, "MX"))
		return;
	if (res->status == DNS_NODATA) {
		/* RFC 5321 5.1: the domain itself is the implicit MX */
		add(a, F_MX_NONE, -1, a->r.domain, NULL, 0, "no MX record at "
		    "%s; senders use its A/AAAA records", a->r.domain);
		util_strlcpy(a->r.mx[0].host, a->r.domain, AUDIT_NAME_MAX);
		a->r.mx[0].implicit = 1;
		a->r.nmx = 1;
		host_added(a, 0);
		return;
	}
	n = ldns_rr_list_rr_count(res->rrs);
	for (i = 0; i < n; i++) {
		const ldns_rr	*rr = ldns_rr_list_rr(res->rrs, i);
		struct audit_mx	*m;
		char		 host[AUDIT_NAME_MAX];

		if (ldns_rr_rd_count(rr) < 2)
			continue;
		if (i == 0)
			ttl0 = ldns_rr_ttl(rr);
		else if (ldns_rr_ttl(rr) != ttl0)
			ttl_differs = 1;
		rdf_name(ldns_rr_rdf(rr, 1), host, sizeof(host));
		if (strcmp(host, ".") == 0 || host[0] == '\0') {
			nulls++;
			continue;
		}
		if (a->r.nmx == AUDIT_MX_MAX)
			continue;
		m = &a->r.mx[a->r.nmx];
		memset(m, 0, sizeof(*m));
		util_strlcpy(m->host, host, sizeof(m->host));
		m->pref = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		if (inet_pton(AF_INET, host, &dummy) == 1 ||
		    inet_pton(AF_INET6, host, &dummy) == 1) {
			add(a, F_MX_IP_LITERAL, -1, a->r.domain, NULL, 0,
			    "MX %d %s is an address, not a host name", m->pref,
			    host);
			continue;
		}
		a->r.nmx++;
	}
	if (nulls > 0 && a->r.nmx == 0) {
		a->r.null_mx = 1;
		add(a, F_MX_NULL, -1, a->r.domain, NULL, 0, "MX 0 . at %s: "
		    "the domain accepts no mail (RFC 7505)", a->r.domain);
	} else if (nulls > 0)
		add(a, F_MX_NULL, SEV_WARN, a->r.domain, NULL, 0, "a null MX "
		    "(\".\") beside %d other MX record(s): RFC 7505 3 wants it "
		    "alone", a->r.nmx);
	if (ttl_differs)
		add(a, F_MX_TTL_MISMATCH, -1, a->r.domain, NULL, 0, "the MX "
		    "records of %s carry different TTLs (first %u)", a->r.domain,
		    ttl0);
	qsort(a->r.mx, (size_t)a->r.nmx, sizeof(a->r.mx[0]), mx_cmp);
	for (i = 0; i < (size_t)a->r.nmx; i++)
		host_added(a, (int)i);
}

static void
on_addr(struct audit *a, struct aq *q, const struct dns_result *res)
{
	struct audit_mx	*m = &a->r.mx[q->mx];
	char		 addr[INET6_ADDRSTRLEN];
	size_t		 i;
	uint32_t	 ttl0 = 0;
	int		 family = q->kind == K_A ? AF_INET : AF_INET6;

	if (q->kind == K_A)
		m->a_status = res->status;
	else
		m->aaaa_status = res->status;
	dns_failed(a, res, m->host, q->kind == K_A ? "A" : "AAAA");
	if (res->cname != NULL && m->cname[0] == '\0') {
		name_nodot(res->cname, m->cname, sizeof(m->cname));
		if (!m->implicit && !a->r.host_mode)
			add(a, F_MX_CNAME, -1, m->host, NULL, 0, "MX target %s "
			    "is an alias (CNAME) for %s", m->host, m->cname);
	}
	for (i = 0; res->status == DNS_OK && i < ldns_rr_list_rr_count(res->rrs);
	    i++) {
		const ldns_rr	*rr = ldns_rr_list_rr(res->rrs, i);
		const ldns_rdf	*d = ldns_rr_rdf(rr, 0);

		if (d == NULL)
			continue;
		if (i == 0)
			ttl0 = ldns_rr_ttl(rr);
		else if (ldns_rr_ttl(rr) != ttl0)
			add(a, F_MX_TTL_MISMATCH, -1, m->host, NULL, 0,
			    "the %s records of %s carry different TTLs "
			    "(%u and %u)", q->kind == K_A ? "A" : "AAAA",
			    m->host, ttl0, ldns_rr_ttl(rr));
		if (family == AF_INET && ldns_rdf_size(d) == 4)
			inet_ntop(AF_INET, ldns_rdf_data(d), addr, sizeof(addr));
		else if (family == AF_INET6 && ldns_rdf_size(d) == 16)
			inet_ntop(AF_INET6, ldns_rdf_data(d), addr, sizeof(addr));
		else
			continue;
		addr_found(a, q->mx, addr, family);
	}
	if (--a->addr_pending[q->mx] > 0 || m->naddrs > 0)
		return;
	/* both families answered, nothing usable */
	if ((m->a_status == DNS_OK || m->a_status == DNS_NODATA ||
	    m->a_status == DNS_NXDOMAIN) &&
	    (m->aaaa_status == DNS_OK || m->aaaa_status == DNS_NODATA ||
	    m->aaaa_status == DNS_NXDOMAIN || a->p.family == AF_INET))
		add(a, F_MX_NO_ADDRESS, -1, m->host, NULL, 0, "%s %s has no "
		    "%s (A: %s, AAAA: %s)", m->implicit || a->r.host_mode ?
		    "host" : "MX target",
		    m->host, a->p.family == AF_INET ? "IPv4 address" :
		    a->p.family == AF_INET6 ? "IPv6 address" : "address",
		    dns_status_name(m->a_status),
		    a->p.family == AF_INET ? "not asked" :
		    dns_status_name(m->aaaa_status));
}

static void
on_tlsa(struct audit *a, struct aq *q, const struct dns_result *res)
{
	struct audit_mx		*m = &a->r.mx[q->mx];
	struct audit_tlsa	*t = &m->tlsa[q->idx];
	size_t			 i, total = 0, off = 0, n;

	t->status = res->status;
	t->secure = res->ad;
	if (res->status == DNS_NXDOMAIN || res->status == DNS_NODATA)
		return;
	if (dns_failed(a, res, m->host, "TLSA"))
		return;
	n = ldns_rr_list_rr_count(res->rrs);
	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(res->rrs, i);

		if (ldns_rr_rd_count(rr) == 4)
			total += ldns_rdf_size(ldns_rr_rdf(rr, 3));
	}
	if ((t->blob = malloc(total + 1)) == NULL)
		return;
	for (i = 0; i < n && t->n < AUDIT_TLSA_MAX; i++) {
		const ldns_rr	*rr = ldns_rr_list_rr(res->rrs, i);
		struct tls_tlsa	*v = &t->v[t->n];
		size_t		 l;

		if (ldns_rr_rd_count(rr) != 4)
			continue;
		v->usage = ldns_rdf2native_int8(ldns_rr_rdf(rr, 0));
		v->selector = ldns_rdf2native_int8(ldns_rr_rdf(rr, 1));
		v->mtype = ldns_rdf2native_int8(ldns_rr_rdf(rr, 2));
		l = ldns_rdf_size(ldns_rr_rdf(rr, 3));
		memcpy(t->blob + off, ldns_rdf_data(ldns_rr_rdf(rr, 3)), l);
		v->data = t->blob + off;
		v->len = l;
		off += l;
		t->n++;
	}
	if (t->n > 0 && !t->secure)
		add(a, F_DANE_INSECURE, a->p.dane_required ? SEV_CRIT : -1,
		    m->host, NULL, t->port, "%d TLSA record(s) at _%d._tcp.%s "
		    "without the AD bit: senders cannot use them", t->n, t->port,
		    m->host);
}

static void
on_ptr(struct audit *a, struct aq *q, const struct dns_result *res)
{
	struct audit_mx		*m = &a->r.mx[q->mx];
	struct audit_addr	*ad = &m->addrs[q->ai];

	ad->ptr_status = res->status;
	if (res->status == DNS_NXDOMAIN || res->status == DNS_NODATA) {
		add(a, F_PTR_MISSING, -1, m->host, ad->addr, 0, "no PTR for %s "
		    "(%s)", ad->addr, dns_status_name(res->status));
		return;
	}
	if (dns_failed(a, res, m->host, "PTR"))
		return;
	rdf_name(ldns_rr_rdf(ldns_rr_list_rr(res->rrs, 0), 0), ad->ptr,
	    sizeof(ad->ptr));
	lookup(a, ad->ptr, ad->family == AF_INET ? LDNS_RR_TYPE_A :
	    LDNS_RR_TYPE_AAAA, K_FWD, q->mx, q->ai, 0, 0, NULL);
}

static void
on_fwd(struct audit *a, struct aq *q, const struct dns_result *res)
{
	struct audit_mx		*m = &a->r.mx[q->mx];
	struct audit_addr	*ad = &m->addrs[q->ai];
	char			 addr[INET6_ADDRSTRLEN], seen[200] = "";
	size_t			 i;

	for (i = 0; res->status == DNS_OK &&
	    i < ldns_rr_list_rr_count(res->rrs); i++) {
		const ldns_rdf *d = ldns_rr_rdf(ldns_rr_list_rr(res->rrs, i), 0);

		if (d == NULL || (ldns_rdf_size(d) != 4 && ldns_rdf_size(d) != 16))
			continue;
		inet_ntop(ldns_rdf_size(d) == 4 ? AF_INET : AF_INET6,
		    ldns_rdf_data(d), addr, sizeof(addr));
		if (strcmp(addr, ad->addr) == 0) {
			ad->fcrdns = 1;
			return;
		}
		if (strlen(seen) + strlen(addr) + 3 < sizeof(seen)) {
			strcat(seen, seen[0] ? ", " : "");
			strcat(seen, addr);
		}
	}
	add(a, F_PTR_MISMATCH, -1, m->host, ad->addr, 0, "PTR of %s is %s, "
	    "which resolves to %s: not forward-confirmed", ad->addr, ad->ptr,
	    seen[0] ? seen : dns_status_name(res->status));
}

static void
on_dnsbl(struct audit *a, struct aq *q, const struct dns_result *res)
{
	struct audit_mx		*m = &a->r.mx[q->mx];
	struct audit_addr	*ad = &m->addrs[q->ai];
	const char		*zone = a->p.dnsbl_zones[q->idx];
	char			 codes[96] = "", addr[INET_ADDRSTRLEN];
	size_t			 i;
	int			 listed = 0, bad = 0;
	char			 qn[DNSNAME_BUFSZ];

	if (res->status == DNS_NXDOMAIN || res->status == DNS_NODATA)
		return;
	if (local_failure(res)) {
		char	 what[300];

		snprintf(what, sizeof(what), "blocklist %s", zone);
		dns_failed(a, res, m->host, what);
		return;
	}
	if (res->status != DNS_OK && res->status != DNS_NODATA &&
	    res->status != DNS_NXDOMAIN) {
		char	 ev[300];
		enum finding_id id = dns_status_finding(res->status);

		dns_result_evidence(res, ev, sizeof(ev));
		add(a, id == F_COUNT ? F_DNS_SERVFAIL : id, SEV_WARN, m->host,
		    ad->addr, 0, "blocklist %s: %s", zone, ev);
		return;
	}
	for (i = 0; i < ldns_rr_list_rr_count(res->rrs); i++) {
		const ldns_rdf	*d = ldns_rr_rdf(ldns_rr_list_rr(res->rrs, i), 0);
		const uint8_t	*b;

		if (d == NULL || ldns_rdf_size(d) != 4)
			continue;
		b = ldns_rdf_data(d);
		inet_ntop(AF_INET, b, addr, sizeof(addr));
		/* RFC 5782 2.3: 127.0.0.x lists; 127.255.255.x are the list's
		 * own error codes; anything outside 127/8 is a broken or
		 * hijacked zone (wildcards, NXDOMAIN rewriting) */
		if (b[0] == 127 && !(b[1] == 255 && b[2] == 255))
			listed = 1;
		else
			bad = 1;
		if (strlen(codes) + strlen(addr) + 2 < sizeof(codes)) {
			strcat(codes, codes[0] ? "," : "");
			strcat(codes, addr);
		}
	}
	if (bad)
		add(a, F_DNSBL_ZONE_ERROR, -1, m->host, ad->addr, 0,
		    "%s answered %s for %s: an error code or a broken zone, "
		    "not a listing", zone, codes, ad->addr);
	else if (listed && dnsname_dnsbl(ad->addr, zone, qn, sizeof(qn)) == 0) {
		ad->listed++;
		lookup(a, qn, LDNS_RR_TYPE_TXT, K_DNSBL_TXT, q->mx, q->ai,
		    q->idx, 0, codes);
	}
}

static void
on_dnsbl_txt(struct audit *a, struct aq *q, const struct dns_result *res)
{
	struct audit_mx		*m = &a->r.mx[q->mx];
	struct audit_addr	*ad = &m->addrs[q->ai];
	struct txts		 t;

	txts_get(res, &t);
	add(a, F_DNSBL_LISTED, -1, m->host, ad->addr, 0, "%s is listed on %s "
	    "(%s): %.*s", ad->addr, a->p.dnsbl_zones[q->idx], q->extra,
	    t.n > 0 ? (int)(t.len[0] > 200 ? 200 : t.len[0]) : 9,
	    t.n > 0 ? t.s[0] : "no reason");
	txts_free(&t);
}

/* ---- DMARC, DKIM, TLS-RPT ---- */

static void
on_dmarc(struct audit *a, struct aq *q, const struct dns_result *res)
{
	struct txts	 t;
	size_t		 n, i, first;
	char		 qn[AUDIT_NAME_MAX + 16], org[AUDIT_NAME_MAX];
	const char	*dom = a->r.domain;

	if (dns_failed(a, res, a->r.domain, "DMARC TXT"))
		return;
	if (dmarc_org_domain(a->r.domain, org, sizeof(org)) == -1)
		util_strlcpy(org, a->r.domain, sizeof(org));
	if (q->idx)
		dom = org;
	txts_get(res, &t);
	/* RFC 7489 6.6.3: no record here, ask the organisational domain */
	if (q->idx == 0 && txtrec_select((const char *const *)t.s, t.len, t.n,
	    "DMARC1", TXTREC_NOCASE, &first) == 0 &&
	    strcasecmp(org, a->r.domain) != 0) {
		txts_free(&t);
		snprintf(qn, sizeof(qn), "_dmarc.%s", org);
		lookup(a, qn, LDNS_RR_TYPE_TXT, K_DMARC, 0, 0, 1, 0, NULL);
		return;
	}
	a->r.dmarc = txts_pick(&t, "v=DMARC1");
	util_strlcpy(a->dmarc_dom, dom, sizeof(a->dmarc_dom));
	if (a->r.dmarc != NULL)
		util_strlcpy(a->r.dmarc_domain, dom,
		    sizeof(a->r.dmarc_domain));
	if (dmarc_check(a->r.domain, dom, (const char *const *)t.s, t.len,
	    t.n, &a->dmarc, &a->r.findings) == 0) {
		n = dmarc_report_dests(dom, &a->dmarc, a->dests,
		    DMARC_DESTS_MAX);
		for (i = 0; i < n; i++) {
			if (a->dests[i].qname[0] == '\0') {
				/* no name to ask: unauthorised by construction */
				dmarc_report_check(dom, &a->dests[i],
				    NULL, NULL, 0, &a->r.findings);
				continue;
			}
			util_strlcpy(qn, a->dests[i].qname, sizeof(qn));
			lookup(a, qn, LDNS_RR_TYPE_TXT, K_DMARC_DEST, 0, 0,
			    (int)i, 0, NULL);
		}
	}
	txts_free(&t);
}

static void
on_dmarc_dest(struct audit *a, struct aq *q, const struct dns_result *res)
{
	struct txts	 t;

	if (dns_failed(a, res, a->r.domain, "DMARC report authorisation"))
		return;
	txts_get(res, &t);
	dmarc_report_check(a->dmarc_dom, &a->dests[q->idx],
	    (const char *const *)t.s, t.len, t.n, &a->r.findings);
	txts_free(&t);
}

static void
on_dkim(struct audit *a, struct aq *q, const struct dns_result *res)
{
	const char	*sel = a->p.dkim_selectors[q->idx];
	struct dkim_key	 key;
	struct txts	 t;
	int		 i;

	if (dns_failed(a, res, a->r.domain, "DKIM TXT"))
		return;
	txts_get(res, &t);
	if (t.n > 0)
		a->r.dkim[q->idx].record = util_sanitize(t.s[0], t.len[0], 2048);
	memset(&key, 0, sizeof(key));
	if (dkim_check(sel, a->r.domain, (const char *const *)t.s, t.len, t.n,
	    &key, &a->r.findings) == 0) {
		for (i = 0; i < a->p.ndkim_keys; i++) {
			const struct audit_dkim_key *k = &a->p.dkim_keys[i];

			if (strcmp(k->selector, sel) == 0)
				dkim_key_match(sel, a->r.domain, &key, &k->key,
				    &a->r.findings);
		}
	}
	txts_free(&t);
}

static void
on_tlsrpt(struct audit *a, const struct dns_result *res)
{
	struct tlsrpt_record	 rec;
	struct txts		 t;

	if (dns_failed(a, res, a->r.domain, "TLS-RPT TXT"))
		return;
	txts_get(res, &t);
	a->r.tlsrpt = txts_pick(&t, "v=TLSRPTv1");
	tlsrpt_check(a->r.domain, (const char *const *)t.s, t.len, t.n, &rec,
	    &a->r.findings);
	txts_free(&t);
}

/* ---- MTA-STS ---- */

static void
on_fetch(struct fetch *f, const struct fetch_result *fr, void *arg)
{
	struct audit	*a = arg;

	(void)f;
	if (fr->status == FETCH_OK) {
		a->r.mtasts_body = util_sanitize(fr->body, fr->len, 4096);
		if (mtasts_parse_policy(a->r.domain, fr->body, fr->len,
		    &a->r.mtasts, &a->r.findings) == 0)
			a->r.mtasts_valid = 1;
	} else
		add(a, F_MTASTS_POLICY_FETCH, -1, a->r.domain, NULL, 0,
		    "https://%s/.well-known/mta-sts.txt: %s", a->mtasts_host,
		    fr->error);
	a->pending--;
	settle(a);
}

static void
mtasts_fetch(struct audit *a)
{
	struct fetch_params	 fp;
	const char		*cause;

	if (a->mtasts_sslen == 0 && a->mtasts_addr_local)
		return;		/* this host's trouble, said already */
	if (a->mtasts_sslen == 0) {
		add(a, F_MTASTS_POLICY_FETCH, -1, a->r.domain, NULL, 0,
		    "%s has no address (%s): the policy cannot be fetched",
		    a->mtasts_host, dns_status_name(a->mtasts_addr_status));
		return;
	}
	memset(&fp, 0, sizeof(fp));
	memcpy(&fp.ss, &a->mtasts_ss, sizeof(fp.ss));
	fp.sslen = a->mtasts_sslen;
	fp.host = a->mtasts_host;
	fp.path = "/.well-known/mta-sts.txt";
	fp.tls = a->p.tls;
	fp.timeout_ms = a->p.fetch_timeout_ms > 0 ? a->p.fetch_timeout_ms :
	    10000;
	fp.max_body = MTASTS_POLICY_MAX;
	a->fetch = fetch_start(a->base, &fp, on_fetch, a, &cause);
	if (a->fetch == NULL) {
		add(a, F_MTASTS_POLICY_FETCH, -1, a->r.domain, NULL, 0,
		    "https://%s/.well-known/mta-sts.txt: %s", a->mtasts_host,
		    cause);
		return;
	}
	a->pending++;
}

static void
on_mtasts_txt(struct audit *a, const struct dns_result *res)
{
	struct mtasts_record	 rec;
	struct txts		 t;

	if (dns_failed(a, res, a->r.domain, "MTA-STS TXT"))
		return;
	txts_get(res, &t);
	a->r.mtasts_txt = txts_pick(&t, "v=STSv1");
	if (mtasts_check_record(a->r.domain, (const char *const *)t.s, t.len,
	    t.n, &rec, &a->r.findings) == 1) {
		snprintf(a->mtasts_host, sizeof(a->mtasts_host), "mta-sts.%s",
		    a->r.domain);
		a->mtasts_addr_pending = 0;
		a->mtasts_addr_status = DNS_NXDOMAIN;
		if (a->p.family != AF_INET6) {
			a->mtasts_addr_pending++;
			lookup(a, a->mtasts_host, LDNS_RR_TYPE_A, K_MTASTS_ADDR,
			    0, 0, AF_INET, 0, NULL);
		}
		if (a->p.family != AF_INET) {
			a->mtasts_addr_pending++;
			lookup(a, a->mtasts_host, LDNS_RR_TYPE_AAAA,
			    K_MTASTS_ADDR, 0, 0, AF_INET6, 0, NULL);
		}
	}
	txts_free(&t);
}

static void
on_mtasts_addr(struct audit *a, struct aq *q, const struct dns_result *res)
{
	const ldns_rdf	*d;
	int		 port = a->p.mtasts_port > 0 ? a->p.mtasts_port : 443;

	if (local_failure(res) && !a->mtasts_addr_local++)
		dns_failed(a, res, a->r.domain, "MTA-STS policy host");
	if (res->status != DNS_OK && a->mtasts_addr_status != DNS_OK)
		a->mtasts_addr_status = res->status;
	/* prefer IPv4: the first answer with an address wins otherwise */
	if (res->status == DNS_OK && (a->mtasts_sslen == 0 ||
	    (q->idx == AF_INET && a->mtasts_ss.ss_family == AF_INET6))) {
		d = ldns_rr_rdf(ldns_rr_list_rr(res->rrs, 0), 0);
		memset(&a->mtasts_ss, 0, sizeof(a->mtasts_ss));
		if (q->idx == AF_INET && d && ldns_rdf_size(d) == 4) {
			struct sockaddr_in *s4 = (void *)&a->mtasts_ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			memcpy(&s4->sin_addr, ldns_rdf_data(d), 4);
			a->mtasts_sslen = sizeof(*s4);
		} else if (q->idx == AF_INET6 && d && ldns_rdf_size(d) == 16) {
			struct sockaddr_in6 *s6 = (void *)&a->mtasts_ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			memcpy(&s6->sin6_addr, ldns_rdf_data(d), 16);
			a->mtasts_sslen = sizeof(*s6);
		}
		a->mtasts_addr_status = DNS_OK;
	}
	if (--a->mtasts_addr_pending == 0)
		mtasts_fetch(a);
}

/* ---- SPF ---- */

static struct spf_entry *
spf_find(struct audit *a, const char *name, enum spf_rrtype type)
{
	size_t	 i, l = strlen(name);

	while (l > 0 && name[l - 1] == '.')
		l--;
	for (i = 0; i < a->nspf; i++)
		if (a->spf[i].type == type &&
		    strlen(a->spf[i].name) == l &&
		    strncasecmp(a->spf[i].name, name, l) == 0)
			return &a->spf[i];
	return NULL;
}

static enum spf_dns
spf_view(void *arg, const char *name, enum spf_rrtype type,
    struct spf_answer *ans)
{
	struct audit		*a = arg;
	struct spf_entry	*e = spf_find(a, name, type);

	if (e == NULL || !e->done)
		return SPF_DNS_NOT_YET;
	ans->rr = e->rr;
	ans->n = e->n;
	return e->st;
}

static void
spf_fill(struct spf_entry *e, const struct dns_result *res)
{
	size_t	 i, n, blob = 0, off = 0;

	e->done = 1;
	switch (res->status) {
	case DNS_OK:
		e->st = SPF_DNS_ANSWER;
		break;
	case DNS_NODATA:
		e->st = SPF_DNS_NODATA;
		return;
	case DNS_NXDOMAIN:
		e->st = SPF_DNS_NXDOMAIN;
		return;
	default:
		e->st = SPF_DNS_ERROR;
		return;
	}
	n = ldns_rr_list_rr_count(res->rrs);
	if (n > SPF_ANSWER_MAX)
		n = SPF_ANSWER_MAX;
	for (i = 0; i < n; i++) {
		const ldns_rr	*rr = ldns_rr_list_rr(res->rrs, i);
		size_t		 j;

		for (j = 0; j < ldns_rr_rd_count(rr); j++)
			blob += ldns_rdf_size(ldns_rr_rdf(rr, j)) * 4 + 8;
	}
	e->rr = calloc(n ? n : 1, sizeof(*e->rr));
	e->blob = malloc(blob + 1);
	if (e->rr == NULL || e->blob == NULL) {
		e->st = SPF_DNS_ERROR;
		return;
	}
	for (i = 0; i < n; i++) {
		const ldns_rr	*rr = ldns_rr_list_rr(res->rrs, i);
		struct spf_rr	*o = &e->rr[e->n];
		const ldns_rdf	*d;
		char		*s;
		size_t		 j, l;

		switch (e->type) {
		case SPF_RR_A:
		case SPF_RR_AAAA:
			d = ldns_rr_rdf(rr, 0);
			l = e->type == SPF_RR_A ? 4 : 16;
			if (d == NULL || ldns_rdf_size(d) != l)
				continue;
			memcpy(o->addr, ldns_rdf_data(d), l);
			break;
		case SPF_RR_MX:
		case SPF_RR_PTR:
			d = ldns_rr_rdf(rr, e->type == SPF_RR_MX ? 1 : 0);
			if (d == NULL || (s = ldns_rdf2str(d)) == NULL)
				continue;
			l = strlen(s);
			if (off + l + 1 > blob) {
				free(s);
				continue;
			}
			memcpy(e->blob + off, s, l + 1);
			o->name = e->blob + off;
			off += l + 1;
			free(s);
			if (e->type == SPF_RR_MX)
				o->pref = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
			break;
		case SPF_RR_TXT:
			o->txt = (const uint8_t *)e->blob + off;
			for (j = 0; j < ldns_rr_rd_count(rr); j++) {
				d = ldns_rr_rdf(rr, j);
				l = ldns_rdf_size(d);
				if (off + l > blob)
					break;
				memcpy(e->blob + off, ldns_rdf_data(d), l);
				off += l;
				o->txt_len += l;
			}
			break;
		}
		e->n++;
	}
}

static void
on_spf(struct audit *a, struct aq *q, const struct dns_result *res)
{
	/*
	 * A lookup this host could not make is not the domain's temporary
	 * error: said as the prober's trouble, and the evaluation's
	 * spf.temperror dropped (spf_round).
	 */
	if (local_failure(res) && !a->spf_local++)
		dns_failed(a, res, a->r.domain, "SPF TXT");
	if ((size_t)q->idx < a->nspf)
		spf_fill(&a->spf[q->idx], res);
	if (--a->spf_pending == 0)
		spf_round(a);
}

static int
spf_temperror(const struct finding *f, const void *arg)
{
	(void)arg;
	return f->id == F_SPF_TEMPERROR;
}

static void
spf_round(struct audit *a)
{
	struct spf_audit_req	 req;
	struct spf_dns_view	 view = { spf_view, a };
	struct spf_needs	 need;
	struct finding_list	 fl;
	enum spf_status		 st;
	size_t			 i;

	memset(&fl, 0, sizeof(fl));
	memset(&req, 0, sizeof(req));
	req.domain = a->r.domain;
	req.ips = a->p.spf_ips;
	req.nips = (size_t)a->p.nspf_ips;
	req.now = a->spf_now;
	st = spf_audit(&req, &view, &fl, &need);
	if (st == SPF_DONE) {
		struct spf_entry *e = spf_find(a, a->r.domain, SPF_RR_TXT);

		if (e != NULL && e->st == SPF_DNS_ANSWER) {
			struct spf_answer	 ans = { e->rr, e->n };
			char			 rec[SPF_RECORD_MAX + 1];
			size_t			 rl;

			if (spf_select(&ans, rec, sizeof(rec), &rl) ==
			    SPF_SELECT_ONE)
				a->r.spf = util_sanitize(rec, rl, 2048);
		}
		if (a->spf_local)
			finding_list_drop(&fl, spf_temperror, NULL);
		finding_list_move(&a->r.findings, &fl);
		a->spf_done = 1;
		return;
	}
	finding_list_free(&fl);
	if (st != SPF_NEED_DNS || ++a->spf_rounds > SPF_ROUNDS_MAX) {
		add(a, F_SPF_TEMPERROR, -1, a->r.domain, NULL, 0, "SPF evaluation "
		    "of %s stopped (%s)", a->r.domain, st == SPF_NEED_DNS ?
		    "too many rounds" : st == SPF_ENOMEM ? "out of memory" :
		    "invalid request");
		return;
	}
	for (i = 0; i < need.n; i++) {
		struct spf_entry *e;

		if (spf_find(a, need.q[i].name, need.q[i].type) != NULL)
			continue;
		if (a->nspf == SPF_STORE_MAX) {
			add(a, F_SPF_TEMPERROR, -1, a->r.domain, NULL, 0,
			    "SPF evaluation of %s needs over %d lookups",
			    a->r.domain, SPF_STORE_MAX);
			return;
		}
		e = &a->spf[a->nspf];
		memset(e, 0, sizeof(*e));
		util_strlcpy(e->name, need.q[i].name, sizeof(e->name));
		e->type = need.q[i].type;
		a->spf_pending++;
		lookup(a, e->name, (uint16_t)e->type, K_SPF, 0, 0,
		    (int)a->nspf++, 0, NULL);
	}
	if (a->spf_pending == 0) {
		/* nothing new to fetch yet more needed: would loop forever */
		add(a, F_SPF_TEMPERROR, -1, a->r.domain, NULL, 0,
		    "SPF evaluation of %s made no progress", a->r.domain);
	}
}

/* ---- dispatch ---- */

static void
on_answer(const struct dns_result *res, void *arg)
{
	struct aq	*q = arg;
	struct audit	*a = q->a;

	q->req = NULL;
	/* does the prober's resolver answer at all? */
	if (local_failure(res))
		a->r.n_local++;
	else if (!res->from_cache && (res->status == DNS_TIMEOUT ||
	    res->status == DNS_REFUSED)) {
		a->r.n_dead++;
		if (res->server != NULL && res->server[0] != '\0')
			util_strlcpy(a->dead_server, res->server,
			    sizeof(a->dead_server));
	} else
		a->r.n_live++;
	switch (q->kind) {
	case K_SPF:
		if (!a->spf_seen++)
			a->r.spf_status = res->status;
		break;
	case K_DMARC:
		if (!a->dmarc_seen++)
			a->r.dmarc_status = res->status;
		break;
	case K_TLSRPT:
		a->r.tlsrpt_status = res->status;
		break;
	case K_MTASTS_TXT:
		a->r.mtasts_status = res->status;
		break;
	case K_DKIM:
		if (q->idx >= 0 && q->idx < AUDIT_SELECTORS_MAX)
			a->r.dkim_status[q->idx] = res->status;
		break;
	default:
		break;
	}
	switch (q->kind) {
	case K_MX:
		on_mx(a, res);
		break;
	case K_A:
	case K_AAAA:
		on_addr(a, q, res);
		break;
	case K_TLSA:
		on_tlsa(a, q, res);
		break;
	case K_PTR:
		on_ptr(a, q, res);
		break;
	case K_FWD:
		on_fwd(a, q, res);
		break;
	case K_DNSBL:
		on_dnsbl(a, q, res);
		break;
	case K_DNSBL_TXT:
		on_dnsbl_txt(a, q, res);
		break;
	case K_SPF:
		on_spf(a, q, res);
		break;
	case K_DMARC:
		on_dmarc(a, q, res);
		break;
	case K_DMARC_DEST:
		on_dmarc_dest(a, q, res);
		break;
	case K_DKIM:
		on_dkim(a, q, res);
		break;
	case K_MTASTS_TXT:
		on_mtasts_txt(a, res);
		break;
	case K_MTASTS_ADDR:
		on_mtasts_addr(a, q, res);
		break;
	case K_TLSRPT:
		on_tlsrpt(a, res);
		break;
	case K_CONTROL:
		break;		/* counted above */
	}
	aq_done(a, q);
}

struct audit *
audit_start(struct event_base *base, struct dns_resolver *res,
    const struct audit_params *p, audit_cb cb, void *arg, const char **cause)
{
	struct audit	*a;
	char		 qn[AUDIT_NAME_MAX + 64];
	int		 i;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	a->base = base;
	a->res = res;
	a->p = *p;
	a->cb = cb;
	a->arg = arg;
	TAILQ_INIT(&a->q);
	name_nodot(p->domain, a->r.domain, sizeof(a->r.domain));
	if ((a->ev_report = evtimer_new(base, report_ev, a)) == NULL) {
		free(a);
		*cause = "out of memory";
		return NULL;
	}
	a->t0 = util_now_us();
	a->spf_now = util_wall();
	a->r.minimal = p->minimal;

	if (p->host_mode) {
		a->r.host_mode = 1;
		util_strlcpy(a->r.mx[0].host, a->r.domain, AUDIT_NAME_MAX);
		a->r.nmx = 1;
		a->r.mx_status = DNS_OK;
		if (p->literal) {
			struct in6_addr	 x;
			int		 fam = inet_pton(AF_INET, a->r.domain,
					    &x) == 1 ? AF_INET : AF_INET6;

			/* an address as it is: nothing to resolve */
			a->r.mx[0].a_status = fam == AF_INET ? DNS_OK :
			    DNS_NODATA;
			a->r.mx[0].aaaa_status = fam == AF_INET6 ? DNS_OK :
			    DNS_NODATA;
			addr_found(a, 0, a->r.domain, fam);
		} else
			host_added(a, 0);
		settle(a);
		return a;
	}
	lookup(a, a->r.domain, LDNS_RR_TYPE_MX, K_MX, 0, 0, 0, 1, NULL);
	if (p->minimal) {
		settle(a);
		return a;
	}
	snprintf(qn, sizeof(qn), "_mta-sts.%s", a->r.domain);
	/* not on the MX path: sessions do not wait for the policy fetch */
	lookup(a, qn, LDNS_RR_TYPE_TXT, K_MTASTS_TXT, 0, 0, 0, 0, NULL);
	snprintf(qn, sizeof(qn), "_dmarc.%s", a->r.domain);
	lookup(a, qn, LDNS_RR_TYPE_TXT, K_DMARC, 0, 0, 0, 0, NULL);
	snprintf(qn, sizeof(qn), "_smtp._tls.%s", a->r.domain);
	lookup(a, qn, LDNS_RR_TYPE_TXT, K_TLSRPT, 0, 0, 0, 0, NULL);
	for (i = 0; i < p->ndkim && i < AUDIT_SELECTORS_MAX; i++) {
		util_strlcpy(a->r.dkim[i].selector, p->dkim_selectors[i],
		    sizeof(a->r.dkim[i].selector));
		a->r.ndkim = i + 1;
		snprintf(qn, sizeof(qn), "%s._domainkey.%s", p->dkim_selectors[i],
		    a->r.domain);
		lookup(a, qn, LDNS_RR_TYPE_TXT, K_DKIM, 0, 0, i, 0, NULL);
	}
	spf_round(a);
	settle(a);
	return a;
}

struct audit_result *
audit_result(struct audit *a)
{
	return &a->r;
}

void
audit_check_greeting(struct audit *a, const char *addr, int port,
    const char *name)
{
	char	 n[AUDIT_NAME_MAX];
	int	 i, j;

	if (name == NULL || *name == '\0')
		return;
	name_nodot(name, n, sizeof(n));
	for (i = 0; i < a->r.nmx; i++)
		for (j = 0; j < a->r.mx[i].naddrs; j++) {
			struct audit_addr *ad = &a->r.mx[i].addrs[j];

			if (strcmp(ad->addr, addr) != 0 || ad->ptr[0] == '\0')
				continue;
			if (strcasecmp(ad->ptr, n) != 0)
				add(a, F_PTR_MISMATCH, SEV_INFO,
				    a->r.mx[i].host, addr, port, "the server "
				    "calls itself %s but the PTR of %s is %s",
				    n, addr, ad->ptr);
			return;
		}
}

void
audit_stop(struct audit *a)
{
	struct aq	*q;

	while ((q = TAILQ_FIRST(&a->q)) != NULL) {
		TAILQ_REMOVE(&a->q, q, entry);
		if (q->req != NULL)
			dns_req_cancel(q->req);
		free(q);
	}
	fetch_free(a->fetch);
	a->fetch = NULL;
	event_del(a->ev_report);
	if (!a->done_reported)
		a->r.ms = (util_now_us() - a->t0) / 1000;
	a->mx_reported = 1;
	a->done_reported = 1;
}

void
audit_free(struct audit *a)
{
	struct aq	*q;
	size_t		 i;
	int		 m, t;

	if (a == NULL)
		return;
	while ((q = TAILQ_FIRST(&a->q)) != NULL) {
		TAILQ_REMOVE(&a->q, q, entry);
		if (q->req != NULL)
			dns_req_cancel(q->req);
		free(q);
	}
	fetch_free(a->fetch);
	event_free(a->ev_report);
	for (i = 0; i < a->nspf; i++) {
		free(a->spf[i].rr);
		free(a->spf[i].blob);
	}
	for (m = 0; m < a->r.nmx; m++)
		for (t = 0; t < a->r.mx[m].ntlsa; t++)
			free(a->r.mx[m].tlsa[t].blob);
	free(a->r.spf);
	free(a->r.dmarc);
	free(a->r.tlsrpt);
	free(a->r.mtasts_txt);
	free(a->r.mtasts_body);
	for (m = 0; m < a->r.ndkim; m++)
		free(a->r.dkim[m].record);
	finding_list_free(&a->r.findings);
	free(a);
}
