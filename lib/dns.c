/*
 * dns.c - the asynchronous stub resolver.
 *
 * A lookup is a request (struct dns_req) on a query (struct dns_query):
 * identical lookups in flight share one query. A query waits in a FIFO
 * until one of max_inflight slots is free, then makes attempts, one at a
 * time: server after server, tries rounds, each attempt on a fresh UDP
 * socket (so the source port is as random as the id) bounded by try_ms,
 * the whole query bounded by query_ms from its first send. A truncated
 * answer repeats the attempt over TCP to the same server. An answer must
 * come from the server's address and port and carry our id and our
 * question; anything else is dropped, counted, and the attempt goes on
 * listening.
 *
 * NOERROR and NXDOMAIN end the query. SERVFAIL, REFUSED and the other
 * failure rcodes are kept and the next server is asked; when none does
 * better the last of them is the result, which beats a timeout as
 * evidence. Queries and answers are ldns packets; the sockets are ours,
 * driven by raw events on the caller's loop.
 *
 * Answers are cached as wire bytes (bounded in entries and bytes, least
 * recently used evicted first) and parsed again on a hit, with their TTLs
 * counted down.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <errno.h>
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "dns.h"
#include "log.h"
#include "util.h"

#define DNS_UDP_BUF	65536	/* the largest datagram payload fits */
#define DNS_UDP_BURST	32	/* datagrams read per wake-up */
#define DNS_TCP_MSGS	16	/* dropped messages before a TCP attempt fails */
#define DNS_NAME_TEXT	1024	/* presentation name: 255 octets, escaped */
#define DNS_CENTRY_COST	160	/* bytes of bookkeeping per cache entry */

/* Tree key shared by queries and cache entries: their first member. */
struct dns_key {
	char		*name;		/* canonical presentation form */
	uint16_t	 type;
};

TAILQ_HEAD(dns_req_list, dns_req);
TAILQ_HEAD(dns_query_list, dns_query);
TAILQ_HEAD(dns_centry_list, dns_centry);

struct dns_req {
	struct dns_resolver	*r;
	struct dns_query	*q;	/* the query it waits for, or NULL */
	TAILQ_ENTRY(dns_req)	 entry;	/* in q->reqs, or in r->ready */
	dns_cb			 cb;
	void			*arg;
	/* Delivered from the loop without a query (cache hit, error): */
	struct event		*ev;
	enum dns_status		 status;
	const char		*why;
	char			*name;
	uint16_t		 type;
	uint8_t			*wire;	/* copy of the cached answer */
	size_t			 len;
	uint32_t		 age;	/* seconds the answer spent cached */
	uint32_t		 left;	/* seconds it had left */
	int			 tcp;
	size_t			 srv;
};

enum dns_qstate {
	Q_WAITING,		/* queued for an in-flight slot */
	Q_ACTIVE,		/* attempts under way */
	Q_DONE,			/* delivering its result */
};

struct dns_query {
	struct dns_key		 key;		/* first: the tree key */
	struct dns_resolver	*r;
	enum dns_qstate		 state;
	ldns_rdf		*qname;
	struct dns_req_list	 reqs;
	TAILQ_ENTRY(dns_query)	 entry;		/* in r->active or r->waiting */
	struct event		*ev_timer;	/* attempt deadline; the first kick */
	uint8_t			*wire;		/* the query; id set per attempt */
	size_t			 wirelen;
	int			 edns;		/* wire carries an OPT record */
	uint16_t		 id;		/* of the current attempt */
	int			 attempts;	/* started, TCP repeats excluded */
	int			 max_attempts;
	size_t			 srv;		/* server of the current attempt */
	uint32_t		 answered;	/* servers that gave a failure rcode */
	int			 had_timeout;	/* some attempt ran out of time */
	int			 net_error;	/* errno of the last socket error */
	int64_t			 start_us;
	int64_t			 deadline_us;
	/* The current attempt. */
	int			 fd;		/* -1 between attempts */
	int			 tcp;
	struct event		*ev_io;
	uint8_t			*tcp_out;	/* length-prefixed query */
	size_t			 tcp_outlen;
	size_t			 tcp_off;
	uint8_t			 tcp_hdr[2];
	size_t			 tcp_hdrgot;
	uint8_t			*tcp_in;
	size_t			 tcp_need;
	size_t			 tcp_got;
	int			 tcp_msgs;
	/* The last failure answer, the result if no server does better. */
	uint8_t			*saved;
	size_t			 savedlen;
	int			 saved_tcp;
	size_t			 saved_srv;
};

struct dns_centry {
	struct dns_key		 key;		/* first: the tree key */
	TAILQ_ENTRY(dns_centry)	 lru;
	uint8_t			*wire;
	size_t			 len;
	size_t			 cost;		/* counted in cache_bytes */
	int64_t			 stored_us;
	int64_t			 expire_us;
	int			 tcp;
	size_t			 srv;
};

struct dns_resolver {
	struct event_base	*base;
	struct dns_config	 cfg;
	char			 srvname[DNS_MAX_SERVERS][DNS_SERVER_STRLEN];
	struct dns_stats	 st;
	void			*qtree;		/* queries by key (tsearch) */
	struct dns_query_list	 active;
	struct dns_query_list	 waiting;
	struct dns_req_list	 ready;		/* immediate deliveries */
	void			*ctree;		/* cache entries by key */
	struct dns_centry_list	 lru;		/* most recently used first */
	uint8_t			*buf;		/* one datagram */
	uint8_t			 rnd[64];	/* CSPRNG bytes for ids */
	size_t			 rndleft;
};

static void	query_next(struct dns_query *);
static void	query_timer_cb(evutil_socket_t, short, void *);

/*
 * Names, findings, evidence
 */

static const char *const dns_status_names[DNS_STATUS_COUNT] = {
	[DNS_OK] = "OK",
	[DNS_NODATA] = "NODATA",
	[DNS_NXDOMAIN] = "NXDOMAIN",
	[DNS_SERVFAIL] = "SERVFAIL",
	[DNS_REFUSED] = "REFUSED",
	[DNS_FORMERR] = "FORMERR",
	[DNS_TIMEOUT] = "TIMEOUT",
	[DNS_ERROR] = "ERROR",
};

const char *
dns_status_name(enum dns_status s)
{
	if ((unsigned)s >= DNS_STATUS_COUNT)
		return "?";
	return dns_status_names[s];
}

enum finding_id
dns_status_finding(enum dns_status s)
{
	switch (s) {
	case DNS_TIMEOUT:
		return F_DNS_TIMEOUT;
	case DNS_SERVFAIL:
		return F_DNS_SERVFAIL;
	case DNS_NXDOMAIN:
		return F_DNS_NXDOMAIN;
	case DNS_REFUSED:
		return F_DNS_REFUSED;
	default:
		return F_COUNT;
	}
}

int
dns_result_evidence(const struct dns_result *res, char *buf, size_t sz)
{
	char	*t;
	int	 n;

	t = ldns_rr_type2str((ldns_rr_type)res->type);
	n = snprintf(buf, sz, "name=%s type=%s status=%s%s%s ms=%lld",
	    res->name != NULL ? res->name : "", t != NULL ? t : "?",
	    dns_status_name(res->status),
	    res->server != NULL && *res->server ? " server=" : "",
	    res->server != NULL ? res->server : "", (long long)res->ms);
	free(t);
	if (n < 0)
		return n;
	if (res->status != DNS_OK && res->rcode > 0) {
		int	 m = snprintf(buf + ((size_t)n < sz ? (size_t)n : sz),
		    (size_t)n < sz ? sz - (size_t)n : 0, " rcode=%d", res->rcode);

		n += m > 0 ? m : 0;
	}
	if (res->why != NULL) {
		int	 m = snprintf(buf + ((size_t)n < sz ? (size_t)n : sz),
		    (size_t)n < sz ? sz - (size_t)n : 0, " why=%s", res->why);

		n += m > 0 ? m : 0;
	}
	return n;
}

/*
 * Configuration
 */

static int	 dns_cause(char **, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
dns_cause(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	if (cause == NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;
	va_end(ap);
	return -1;
}

void
dns_config_init(struct dns_config *c)
{
	memset(c, 0, sizeof(*c));
	c->try_ms = 2000;
	c->tries = 2;
	c->query_ms = 10000;
	c->max_inflight = 64;
	c->max_waiting = 65536;
	c->cache_entries = 10000;
	c->cache_bytes = 16 * 1024 * 1024;
	c->max_ttl = 86400;
	c->neg_ttl = 3600;
	c->fail_ttl = 0;
	c->udp_size = 1232;	/* DNS flag day 2020: no IP fragmentation */
}

/* Strict decimal port 1..65535. */
static int
dns_parse_port(const char *s, uint16_t *port)
{
	unsigned long	 v = 0;
	size_t		 i;

	if (*s == '\0' || strlen(s) > 5)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* An IPv6 address with an optional %scope (interface name or index). */
static int
dns_parse_v6(const char *s, size_t len, struct sockaddr_in6 *sin6)
{
	char		 buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	char		*pct, *end;
	unsigned long	 idx;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((pct = strchr(buf, '%')) != NULL) {
		*pct++ = '\0';
		if (*pct == '\0')
			return -1;
		errno = 0;
		idx = strtoul(pct, &end, 10);
		if (*end != '\0' || errno != 0 || idx > UINT32_MAX)
			idx = if_nametoindex(pct);
		if (idx == 0)
			return -1;
		sin6->sin6_scope_id = (uint32_t)idx;
	}
	if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1)
		return -1;
	sin6->sin6_family = AF_INET6;
	return 0;
}

int
dns_server_parse(const char *spec, struct dns_server *srv, char **cause)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&srv->ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&srv->ss;
	const char		*end, *colon;
	char			 host[INET_ADDRSTRLEN];
	uint16_t		 port = 53;
	size_t			 len, ncolon = 0;

	memset(srv, 0, sizeof(*srv));
	len = strlen(spec);
	if (len == 0 || len > 128)
		return dns_cause(cause, "bad nameserver \"%.128s\"", spec);
	for (end = spec; *end != '\0'; end++)
		ncolon += *end == ':';

	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL ||
		    dns_parse_v6(spec + 1, (size_t)(end - spec - 1), sin6) == -1)
			goto bad;
		if (end[1] == ':') {
			if (dns_parse_port(end + 2, &port) == -1)
				goto badport;
		} else if (end[1] != '\0')
			goto bad;
	} else if (ncolon >= 2) {
		if (dns_parse_v6(spec, len, sin6) == -1)
			goto bad;
	} else {
		colon = strchr(spec, ':');
		len = colon != NULL ? (size_t)(colon - spec) : len;
		if (len == 0 || len >= sizeof(host))
			goto bad;
		memcpy(host, spec, len);
		host[len] = '\0';
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			goto bad;
		if (colon != NULL && dns_parse_port(colon + 1, &port) == -1)
			goto badport;
		sin->sin_family = AF_INET;
	}
	if (srv->ss.ss_family == AF_INET) {
		sin->sin_port = htons(port);
		srv->sslen = sizeof(*sin);
	} else {
		sin6->sin6_port = htons(port);
		srv->sslen = sizeof(*sin6);
	}
	return 0;
badport:
	memset(srv, 0, sizeof(*srv));
	return dns_cause(cause, "bad port in nameserver \"%s\"", spec);
bad:
	memset(srv, 0, sizeof(*srv));
	return dns_cause(cause, "nameserver \"%s\" is not a numeric address "
	    "(ADDR, ADDR:PORT, IPV6 or [IPV6]:PORT)", spec);
}

void
dns_server_str(const struct dns_server *srv, char *buf, size_t sz)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	char				 a[INET6_ADDRSTRLEN];

	if (sz == 0)
		return;
	buf[0] = '\0';
	if (srv->ss.ss_family == AF_INET) {
		sin = (const struct sockaddr_in *)&srv->ss;
		if (inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) != NULL)
			snprintf(buf, sz, "%s:%u", a, ntohs(sin->sin_port));
	} else if (srv->ss.ss_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)&srv->ss;
		if (inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a)) == NULL)
			return;
		if (sin6->sin6_scope_id != 0)
			snprintf(buf, sz, "[%s%%%u]:%u", a,
			    (unsigned)sin6->sin6_scope_id,
			    ntohs(sin6->sin6_port));
		else
			snprintf(buf, sz, "[%s]:%u", a, ntohs(sin6->sin6_port));
	}
}

int
dns_config_add_server(struct dns_config *c, const char *spec, char **cause)
{
	struct dns_server	 srv;

	if (c->nservers >= DNS_MAX_SERVERS)
		return dns_cause(cause, "more than %d nameservers",
		    DNS_MAX_SERVERS);
	if (dns_server_parse(spec, &srv, cause) == -1)
		return -1;
	c->servers[c->nservers++] = srv;
	return 0;
}

/* "timeout:N" and "attempts:N", bounded like the C library does. */
static void
dns_resolv_option(struct dns_config *c, const char *opt)
{
	const char	*v;
	char		*end;
	long		 n;

	if ((v = strchr(opt, ':')) == NULL)
		return;
	errno = 0;
	n = strtol(v + 1, &end, 10);
	if (*end != '\0' || errno != 0 || end == v + 1 || n < 0)
		return;
	if (strncmp(opt, "timeout:", 8) == 0)
		c->try_ms = (int)(n < 1 ? 1 : n > 30 ? 30 : n) * 1000;
	else if (strncmp(opt, "attempts:", 9) == 0)
		c->tries = (int)(n < 1 ? 1 : n > 5 ? 5 : n);
}

int
dns_config_resolv_conf(struct dns_config *c, const char *path, char **cause)
{
	FILE		*f;
	char		 line[1024], *kw, *arg, *save, *why = NULL;
	size_t		 len;
	int		 lineno = 0, ch, seen = 0, rc = 0;

	if ((f = fopen(path, "re")) == NULL)
		return dns_cause(cause, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			rc = dns_cause(cause, "%s:%d: line too long", path,
			    lineno);
			break;
		}
		kw = strtok_r(line, " \t\r\n", &save);
		if (kw == NULL || *kw == '#' || *kw == ';')
			continue;
		if (strcmp(kw, "nameserver") == 0) {
			if ((arg = strtok_r(NULL, " \t\r\n", &save)) == NULL) {
				rc = dns_cause(cause, "%s:%d: nameserver "
				    "without an address", path, lineno);
				break;
			}
			seen = 1;
			if (c->nservers >= DNS_MAX_SERVERS)
				continue;
			if (dns_config_add_server(c, arg, &why) == -1) {
				rc = dns_cause(cause, "%s:%d: %s", path, lineno,
				    why != NULL ? why : "bad nameserver");
				free(why);
				break;
			}
		} else if (strcmp(kw, "options") == 0) {
			while ((arg = strtok_r(NULL, " \t\r\n", &save)) != NULL)
				dns_resolv_option(c, arg);
		}
	}
	if (rc == 0 && ferror(f))
		rc = dns_cause(cause, "%s: read error", path);
	fclose(f);
	if (rc == 0 && !seen && c->nservers == 0)
		rc = dns_config_add_server(c, "127.0.0.1", cause);
	return rc;
}

/*
 * Answers
 */

static int
dns_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Two names in wire form, compared without case. Label lengths are below
 * 64 and so never letters: equal bytes mean equal labels.
 */
static int
dns_dname_equal(const ldns_rdf *a, const ldns_rdf *b)
{
	const uint8_t	*x, *y;
	size_t		 n, i;

	if (a == NULL || b == NULL ||
	    ldns_rdf_get_type(a) != LDNS_RDF_TYPE_DNAME ||
	    ldns_rdf_get_type(b) != LDNS_RDF_TYPE_DNAME)
		return 0;
	if ((n = ldns_rdf_size(a)) != ldns_rdf_size(b))
		return 0;
	x = ldns_rdf_data(a);
	y = ldns_rdf_data(b);
	for (i = 0; i < n; i++)
		if (dns_lower(x[i]) != dns_lower(y[i]))
			return 0;
	return 1;
}

/* The rcode with the EDNS extension bits (RFC 6891 6.1.3). */
static int
dns_full_rcode(const ldns_pkt *pkt)
{
	int	 rc = ldns_pkt_get_rcode(pkt);

	if (ldns_pkt_edns(pkt))
		rc |= (int)ldns_pkt_edns_extended_rcode(pkt) << 4;
	return rc;
}

/*
 * Step over the name at *pos: labels up to the root label or a
 * compression pointer, as they lie in the message (pointers are not
 * followed). -1 when it runs past len or uses a reserved label type.
 */
static int
dns_wire_skip_name(const uint8_t *wire, size_t len, size_t *pos)
{
	size_t	 p = *pos;
	uint8_t	 c;

	for (;;) {
		if (p >= len)
			return -1;
		c = wire[p];
		if (c == 0) {
			*pos = p + 1;
			return 0;
		}
		if ((c & 0xc0) == 0xc0) {
			if (len - p < 2)
				return -1;
			*pos = p + 2;
			return 0;
		}
		if ((c & 0xc0) != 0)
			return -1;
		p += 1 + (size_t)c;
	}
}

/*
 * 1 when a record of the message is a TSIG, 0 when none is, -1 when the
 * records run past its end (ldns would refuse it too).
 */
static int
dns_wire_has_tsig(const uint8_t *wire, size_t len)
{
	size_t		 pos = LDNS_HEADER_SIZE, i, n;
	uint16_t	 rdlen;

	n = LDNS_QDCOUNT(wire);
	for (i = 0; i < n; i++) {
		if (dns_wire_skip_name(wire, len, &pos) == -1 || len - pos < 4)
			return -1;
		pos += 4;
	}
	n = (size_t)LDNS_ANCOUNT(wire) + LDNS_NSCOUNT(wire) +
	    LDNS_ARCOUNT(wire);
	for (i = 0; i < n; i++) {
		/* type, class, TTL, RDLENGTH */
		if (dns_wire_skip_name(wire, len, &pos) == -1 ||
		    len - pos < 10)
			return -1;
		if (ldns_read_uint16(wire + pos) == LDNS_RR_TYPE_TSIG)
			return 1;
		rdlen = ldns_read_uint16(wire + pos + 8);
		pos += 10;
		if (len - pos < rdlen)
			return -1;
		pos += rdlen;
	}
	return 0;
}

enum dns_check
dns_wire_parse(const uint8_t *wire, size_t len, ldns_pkt **pktp)
{
	*pktp = NULL;
	if (len < LDNS_HEADER_SIZE)
		return DNS_CHECK_MALFORMED;
	/*
	 * We never sign a query, so a TSIG record (RFC 8945) is never in an
	 * answer of ours. ldns 1.8.3 keeps one TSIG per packet and loses
	 * the memory of any earlier one (ldns_pkt_set_tsig() does not free
	 * what it replaces): a leak per hostile answer if it got that far.
	 */
	switch (dns_wire_has_tsig(wire, len)) {
	case 1:
		return DNS_CHECK_TSIG;
	case -1:
		return DNS_CHECK_MALFORMED;
	}
	if (ldns_wire2pkt(pktp, wire, len) != LDNS_STATUS_OK ||
	    *pktp == NULL) {
		*pktp = NULL;
		return DNS_CHECK_MALFORMED;
	}
	return DNS_CHECK_OK;
}

enum dns_check
dns_answer_check(const uint8_t *wire, size_t len, uint16_t id,
    const ldns_rdf *qname, uint16_t qtype, ldns_pkt **pktp)
{
	ldns_pkt	*pkt = NULL;
	ldns_rr_list	*qs;
	ldns_rr		*qr;
	enum dns_check	 chk;
	int		 rc;

	*pktp = NULL;
	if (len < LDNS_HEADER_SIZE)
		return DNS_CHECK_MALFORMED;
	/* Cheap checks on the header first: a flood costs no parsing. */
	if ((uint16_t)(wire[0] << 8 | wire[1]) != id)
		return DNS_CHECK_ID;
	if (!LDNS_QR_WIRE(wire) || LDNS_OPCODE_WIRE(wire) != LDNS_PACKET_QUERY)
		return DNS_CHECK_MALFORMED;
	if ((chk = dns_wire_parse(wire, len, &pkt)) != DNS_CHECK_OK)
		return chk;
	rc = ldns_pkt_get_rcode(pkt);
	qs = ldns_pkt_question(pkt);
	if (qs == NULL || ldns_rr_list_rr_count(qs) == 0) {
		if (rc == LDNS_RCODE_FORMERR || rc == LDNS_RCODE_NOTIMPL)
			goto ok;
		goto question;
	}
	if (ldns_rr_list_rr_count(qs) != 1)
		goto question;
	qr = ldns_rr_list_rr(qs, 0);
	if (ldns_rr_get_type(qr) != qtype ||
	    ldns_rr_get_class(qr) != LDNS_RR_CLASS_IN ||
	    !dns_dname_equal(ldns_rr_owner(qr), qname))
		goto question;
ok:
	*pktp = pkt;
	return DNS_CHECK_OK;
question:
	ldns_pkt_free(pkt);
	return DNS_CHECK_QUESTION;
}

/* The first record of type in list owned by name (class IN). */
static ldns_rr *
dns_find_rr(const ldns_rr_list *l, const ldns_rdf *name, ldns_rr_type type)
{
	ldns_rr	*rr;
	size_t	 i, n = l != NULL ? ldns_rr_list_rr_count(l) : 0;

	for (i = 0; i < n; i++) {
		rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == type &&
		    ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
		    dns_dname_equal(ldns_rr_owner(rr), name))
			return rr;
	}
	return NULL;
}

/*
 * RFC 2308 5: a negative answer lives for the lesser of the SOA's own
 * TTL and its MINIMUM field; without an SOA it is not to be cached.
 */
static uint32_t
dns_negative_ttl(const ldns_pkt *pkt)
{
	const ldns_rr_list	*ns = ldns_pkt_authority(pkt);
	const ldns_rr		*rr;
	const ldns_rdf		*min;
	uint32_t		 ttl, m;
	size_t			 i, n = ns != NULL ? ldns_rr_list_rr_count(ns) : 0;

	for (i = 0; i < n; i++) {
		rr = ldns_rr_list_rr(ns, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
		    ldns_rr_rd_count(rr) != 7)
			continue;
		min = ldns_rr_rdf(rr, 6);
		if (min == NULL || ldns_rdf_size(min) != 4)
			continue;
		ttl = ldns_rr_ttl(rr);
		m = ldns_rdf2native_int32(min);
		return m < ttl ? m : ttl;
	}
	return 0;
}

static enum dns_status
dns_rcode_status(int rc)
{
	switch (rc) {
	case LDNS_RCODE_NOERROR:
		return DNS_OK;
	case LDNS_RCODE_NXDOMAIN:
		return DNS_NXDOMAIN;
	case LDNS_RCODE_SERVFAIL:
		return DNS_SERVFAIL;
	case LDNS_RCODE_REFUSED:
		return DNS_REFUSED;
	case LDNS_RCODE_FORMERR:
		return DNS_FORMERR;
	default:
		return DNS_ERROR;
	}
}

int
dns_result_fill(struct dns_result *res, ldns_pkt *pkt, const ldns_rdf *qname,
    uint16_t qtype)
{
	const ldns_rr_list	*an = ldns_pkt_answer(pkt);
	const ldns_rdf		*cur = qname;
	ldns_rr			*rr;
	uint32_t		 ttl = UINT32_MAX;
	size_t			 i, n = an != NULL ? ldns_rr_list_rr_count(an) : 0;
	int			 hops, chained = 0;
	char			*p;

	res->pkt = pkt;
	res->rrs = NULL;
	res->cname = NULL;
	res->ttl = 0;
	res->rcode = dns_full_rcode(pkt);
	res->ad = ldns_pkt_ad(pkt);
	res->aa = ldns_pkt_aa(pkt);
	res->status = dns_rcode_status(res->rcode);
	if (res->status == DNS_FORMERR)
		res->why = "server-formerr";
	else if (res->status == DNS_ERROR)
		res->why = "unexpected-rcode";

	/*
	 * Follow the chain inside this answer only: a resolver returns the
	 * whole of it (RFC 1034 4.3.2). The rcode speaks for the last name
	 * (RFC 6604 3).
	 */
	if (qtype != LDNS_RR_TYPE_CNAME) {
		for (hops = 0; hops < DNS_CNAME_MAX; hops++) {
			rr = dns_find_rr(an, cur, LDNS_RR_TYPE_CNAME);
			if (rr == NULL || ldns_rr_rd_count(rr) < 1 ||
			    ldns_rr_rdf(rr, 0) == NULL ||
			    ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) !=
			    LDNS_RDF_TYPE_DNAME)
				break;
			if (ldns_rr_ttl(rr) < ttl)
				ttl = ldns_rr_ttl(rr);
			cur = ldns_rr_rdf(rr, 0);
			chained = 1;
		}
	}
	if (chained) {
		if ((res->cname = ldns_rdf2str(cur)) == NULL)
			goto nomem;
		for (p = res->cname; *p != '\0'; p++)
			*p = (char)dns_lower((unsigned char)*p);
	}
	if (res->status == DNS_OK) {
		for (i = 0; i < n; i++) {
			rr = ldns_rr_list_rr(an, i);
			if (ldns_rr_get_type(rr) != qtype ||
			    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
			    !dns_dname_equal(ldns_rr_owner(rr), cur))
				continue;
			if (res->rrs == NULL &&
			    (res->rrs = ldns_rr_list_new()) == NULL)
				goto nomem;
			if (!ldns_rr_list_push_rr(res->rrs, rr))
				goto nomem;
			if (ldns_rr_ttl(rr) < ttl)
				ttl = ldns_rr_ttl(rr);
		}
		if (res->rrs != NULL)
			res->ttl = ttl;
		else
			res->status = DNS_NODATA;
	}
	if (res->status == DNS_NODATA || res->status == DNS_NXDOMAIN) {
		res->ttl = dns_negative_ttl(pkt);
		if (chained && ttl < res->ttl)
			res->ttl = ttl;
	}
	return 0;
nomem:
	dns_result_release(res);
	res->status = DNS_ERROR;
	res->why = "out-of-memory";
	return -1;
}

void
dns_result_release(struct dns_result *res)
{
	if (res->rrs != NULL)
		ldns_rr_list_free(res->rrs);	/* shallow: records are in pkt */
	free(res->cname);
	res->rrs = NULL;
	res->cname = NULL;
}

/*
 * Keys, names, ids
 */

static int
dns_key_cmp(const void *a, const void *b)
{
	const struct dns_key	*x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Parse a name; the canonical text (lower case, final dot) in *text. */
static ldns_rdf *
dns_canon(const char *name, char **text)
{
	ldns_rdf	*d;
	size_t		 len;

	*text = NULL;
	if (name == NULL)
		return NULL;
	len = strlen(name);
	if (len == 0 || len > DNS_NAME_TEXT)
		return NULL;
	if ((d = ldns_dname_new_frm_str(name)) == NULL)
		return NULL;
	ldns_dname2canonical(d);
	if ((*text = ldns_rdf2str(d)) == NULL) {
		ldns_rdf_deep_free(d);
		return NULL;
	}
	return d;
}

/* Types that are not data one can ask a resolver for. */
static int
dns_type_ok(uint16_t type)
{
	switch (type) {
	case 0:
	case LDNS_RR_TYPE_OPT:
	case LDNS_RR_TYPE_TSIG:
	case LDNS_RR_TYPE_TKEY:
	case LDNS_RR_TYPE_IXFR:
	case LDNS_RR_TYPE_AXFR:
	case LDNS_RR_TYPE_MAILB:
	case LDNS_RR_TYPE_MAILA:
		return 0;
	default:
		return 1;
	}
}

/* A message id from the CSPRNG (RFC 5452 4.3). */
static int
dns_random_id(struct dns_resolver *r, uint16_t *id)
{
	if (r->rndleft < 2) {
		if (RAND_bytes(r->rnd, sizeof(r->rnd)) != 1)
			return -1;
		r->rndleft = sizeof(r->rnd);
	}
	r->rndleft -= 2;
	*id = (uint16_t)(r->rnd[r->rndleft] << 8 | r->rnd[r->rndleft + 1]);
	return 0;
}

static int
dns_sockaddr_equal(const struct sockaddr_storage *a, socklen_t alen,
    const struct dns_server *b)
{
	const struct sockaddr_in	*x4, *y4;
	const struct sockaddr_in6	*x6, *y6;

	if (alen < sizeof(sa_family_t) || a->ss_family != b->ss.ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		x4 = (const struct sockaddr_in *)a;
		y4 = (const struct sockaddr_in *)&b->ss;
		return alen >= sizeof(*x4) && x4->sin_port == y4->sin_port &&
		    x4->sin_addr.s_addr == y4->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		x6 = (const struct sockaddr_in6 *)a;
		y6 = (const struct sockaddr_in6 *)&b->ss;
		return alen >= sizeof(*x6) && x6->sin6_port == y6->sin6_port &&
		    memcmp(&x6->sin6_addr, &y6->sin6_addr,
		    sizeof(x6->sin6_addr)) == 0;
	}
	return 0;
}

/*
 * Cache
 */

static void
cache_remove(struct dns_resolver *r, struct dns_centry *e)
{
	tdelete(&e->key, &r->ctree, dns_key_cmp);
	TAILQ_REMOVE(&r->lru, e, lru);
	r->st.cache_entries--;
	r->st.cache_bytes -= e->cost;
	free(e->key.name);
	free(e->wire);
	free(e);
}

/* A live entry for key, now most recently used; expired ones go. */
static struct dns_centry *
cache_get(struct dns_resolver *r, const struct dns_key *key, int64_t now)
{
	void			*p;
	struct dns_centry	*e;

	if ((p = tfind(key, &r->ctree, dns_key_cmp)) == NULL)
		return NULL;
	e = *(struct dns_centry **)p;
	if (now >= e->expire_us) {
		cache_remove(r, e);
		return NULL;
	}
	TAILQ_REMOVE(&r->lru, e, lru);
	TAILQ_INSERT_HEAD(&r->lru, e, lru);
	return e;
}

static void
cache_put(struct dns_resolver *r, const struct dns_key *key,
    const uint8_t *wire, size_t len, uint32_t ttl, int tcp, size_t srv)
{
	struct dns_centry	*e, *old;
	int64_t			 now = util_now_us();
	size_t			 cost;

	if (r->cfg.cache_entries == 0 || ttl == 0)
		return;
	cost = len + strlen(key->name) + DNS_CENTRY_COST;
	if (cost > r->cfg.cache_bytes)
		return;
	if ((old = cache_get(r, key, now)) != NULL)
		cache_remove(r, old);
	while (!TAILQ_EMPTY(&r->lru) &&
	    (r->st.cache_entries >= r->cfg.cache_entries ||
	    r->st.cache_bytes + cost > r->cfg.cache_bytes)) {
		old = TAILQ_LAST(&r->lru, dns_centry_list);
		if (now < old->expire_us)
			r->st.cache_evictions++;
		cache_remove(r, old);
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return;
	e->key.type = key->type;
	e->key.name = strdup(key->name);
	e->wire = malloc(len);
	if (e->key.name == NULL || e->wire == NULL)
		goto fail;
	memcpy(e->wire, wire, len);
	e->len = len;
	e->cost = cost;
	e->stored_us = now;
	e->expire_us = now + (int64_t)ttl * 1000000;
	e->tcp = tcp;
	e->srv = srv;
	if (tsearch(&e->key, &r->ctree, dns_key_cmp) == NULL)
		goto fail;
	TAILQ_INSERT_HEAD(&r->lru, e, lru);
	r->st.cache_entries++;
	r->st.cache_bytes += cost;
	return;
fail:
	free(e->key.name);
	free(e->wire);
	free(e);
}

void
dns_cache_flush(struct dns_resolver *r)
{
	struct dns_centry	*e;

	while ((e = TAILQ_FIRST(&r->lru)) != NULL)
		cache_remove(r, e);
}

/* How long a result may be cached. */
static uint32_t
dns_cache_ttl(const struct dns_resolver *r, const struct dns_result *res)
{
	switch (res->status) {
	case DNS_OK:
		return res->ttl < r->cfg.max_ttl ? res->ttl : r->cfg.max_ttl;
	case DNS_NODATA:
	case DNS_NXDOMAIN:
		return res->ttl < r->cfg.neg_ttl ? res->ttl : r->cfg.neg_ttl;
	case DNS_SERVFAIL:
	case DNS_REFUSED:
		/* RFC 2308 7.1 allows up to five minutes. */
		return r->cfg.fail_ttl < 300 ? r->cfg.fail_ttl : 300;
	default:
		return 0;
	}
}

/* Count the TTLs of every record down by age seconds. */
static void
dns_age_list(ldns_rr_list *l, uint32_t age)
{
	ldns_rr	*rr;
	size_t	 i, n = l != NULL ? ldns_rr_list_rr_count(l) : 0;

	for (i = 0; i < n; i++) {
		rr = ldns_rr_list_rr(l, i);
		ldns_rr_set_ttl(rr, ldns_rr_ttl(rr) > age ?
		    ldns_rr_ttl(rr) - age : 0);
	}
}

/*
 * Requests
 */

static void
req_free(struct dns_req *req)
{
	if (req->ev != NULL)
		event_free(req->ev);
	free(req->name);
	free(req->wire);
	free(req);
}

/* Deliver a request that has no query: a cache hit or an early error. */
static void
req_fire(evutil_socket_t fd, short what, void *arg)
{
	struct dns_req		*req = arg;
	struct dns_resolver	*r = req->r;
	struct dns_result	 res;
	ldns_pkt		*pkt = NULL;
	ldns_rdf		*qname = NULL;

	(void)fd;
	(void)what;
	TAILQ_REMOVE(&r->ready, req, entry);
	memset(&res, 0, sizeof(res));
	res.name = req->name;
	res.type = req->type;
	res.rcode = -1;
	res.server = "";
	res.status = req->status;
	res.why = req->why;
	if (req->wire != NULL) {
		res.from_cache = 1;
		res.tcp = req->tcp;
		res.server = r->srvname[req->srv];
		/* It parsed when it was stored; failing now is memory. */
		if ((qname = ldns_dname_new_frm_str(req->name)) == NULL ||
		    dns_wire_parse(req->wire, req->len, &pkt) != DNS_CHECK_OK) {
			res.status = DNS_ERROR;
			res.why = "out-of-memory";
		} else {
			dns_age_list(ldns_pkt_answer(pkt), req->age);
			dns_age_list(ldns_pkt_authority(pkt), req->age);
			dns_age_list(ldns_pkt_additional(pkt), req->age);
			dns_result_fill(&res, pkt, qname, req->type);
			if (res.ttl > req->left)
				res.ttl = req->left;
		}
	}
	r->st.status[res.status]++;
	req->cb(&res, req->arg);
	dns_result_release(&res);
	ldns_pkt_free(pkt);
	ldns_rdf_deep_free(qname);
	req_free(req);
}

/* Queue req for delivery from the loop. */
static int
req_defer(struct dns_resolver *r, struct dns_req *req)
{
	if ((req->ev = evtimer_new(r->base, req_fire, req)) == NULL)
		return -1;
	TAILQ_INSERT_TAIL(&r->ready, req, entry);
	event_active(req->ev, EV_TIMEOUT, 1);
	return 0;
}

/*
 * Queries
 */

/* The query message: RD, and AD to ask for the AD bit (RFC 6840 5.7). */
static int
query_build(struct dns_query *q)
{
	ldns_rdf	*n;
	ldns_pkt	*p;
	uint8_t		*w = NULL;
	size_t		 len = 0;
	ldns_status	 s;

	if ((n = ldns_rdf_clone(q->qname)) == NULL)
		return -1;
	p = ldns_pkt_query_new(n, (ldns_rr_type)q->key.type, LDNS_RR_CLASS_IN,
	    LDNS_RD | LDNS_AD);
	if (p == NULL)
		return -1;
	if (q->edns)
		ldns_pkt_set_edns_udp_size(p, q->r->cfg.udp_size);
	ldns_pkt_set_id(p, 0);
	s = ldns_pkt2wire(&w, p, &len);
	ldns_pkt_free(p);
	if (s != LDNS_STATUS_OK || w == NULL || len < LDNS_HEADER_SIZE ||
	    len > UINT16_MAX) {
		free(w);
		return -1;
	}
	free(q->wire);
	q->wire = w;
	q->wirelen = len;
	return 0;
}

/* Errors of this host rather than of the path to the server. */
static int
dns_err_local(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOBUFS ||
	    err == ENOMEM || err == EIO;
}

static void
attempt_close(struct dns_query *q)
{
	if (q->ev_io != NULL) {
		event_free(q->ev_io);
		q->ev_io = NULL;
	}
	if (q->fd != -1) {
		close(q->fd);
		q->fd = -1;
	}
	evtimer_del(q->ev_timer);
	free(q->tcp_out);
	free(q->tcp_in);
	q->tcp_out = q->tcp_in = NULL;
	q->tcp_outlen = q->tcp_off = q->tcp_hdrgot = 0;
	q->tcp_need = q->tcp_got = 0;
	q->tcp_msgs = 0;
	q->tcp = 0;
}

/* The attempt's deadline: try_ms, but never past the query's. */
static void
attempt_arm(struct dns_query *q)
{
	struct timeval	 tv;
	int64_t		 left, t;

	left = q->deadline_us - util_now_us();
	t = (int64_t)q->r->cfg.try_ms * 1000;
	if (left < t)
		t = left > 0 ? left : 0;
	tv.tv_sec = (time_t)(t / 1000000);
	tv.tv_usec = (suseconds_t)(t % 1000000);
	evtimer_add(q->ev_timer, &tv);
}

static void
attempt_fail(struct dns_query *q, int err)
{
	struct dns_resolver	*r = q->r;

	r->st.net_errors++;
	q->net_error = err;
	log_debug("dns: name=%s type=%u server=%s error=\"%s\"", q->key.name,
	    q->key.type, r->srvname[q->srv], strerror(err));
	attempt_close(q);
	query_next(q);
}

static void	udp_read_cb(evutil_socket_t, short, void *);
static void	tcp_write_cb(evutil_socket_t, short, void *);
static void	tcp_read_cb(evutil_socket_t, short, void *);

static int
attempt_socket(struct dns_query *q, int type)
{
	const struct dns_server	*srv = &q->r->cfg.servers[q->srv];
	int			 fd;

	fd = socket(srv->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (const struct sockaddr *)&srv->ss, srv->sslen) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One UDP attempt to q->srv on a fresh connected socket: the kernel picks
 * a random source port (RFC 5452 9.2) and drops datagrams from any other
 * peer; we check the peer again anyway.
 */
static int
attempt_udp(struct dns_query *q)
{
	struct dns_resolver	*r = q->r;
	ssize_t			 n;
	int			 fd, err;

	if (dns_random_id(r, &q->id) == -1) {
		q->net_error = EIO;
		return -1;
	}
	q->wire[0] = (uint8_t)(q->id >> 8);
	q->wire[1] = (uint8_t)q->id;
	if ((fd = attempt_socket(q, SOCK_DGRAM)) == -1) {
		q->net_error = errno;
		return -1;
	}
	n = send(fd, q->wire, q->wirelen, 0);
	if (n != (ssize_t)q->wirelen) {
		err = n == -1 ? errno : EMSGSIZE;
		close(fd);
		q->net_error = err;
		return -1;
	}
	q->ev_io = event_new(r->base, fd, EV_READ | EV_PERSIST, udp_read_cb, q);
	if (q->ev_io == NULL || event_add(q->ev_io, NULL) == -1) {
		if (q->ev_io != NULL)
			event_free(q->ev_io);
		q->ev_io = NULL;
		close(fd);
		q->net_error = ENOMEM;
		return -1;
	}
	q->fd = fd;
	q->tcp = 0;
	r->st.sent++;
	return 0;
}

/* The same question over TCP to the same server (RFC 7766 5). */
static int
attempt_tcp(struct dns_query *q)
{
	struct dns_resolver	*r = q->r;
	int			 fd;

	if (dns_random_id(r, &q->id) == -1) {
		q->net_error = EIO;
		return -1;
	}
	q->wire[0] = (uint8_t)(q->id >> 8);
	q->wire[1] = (uint8_t)q->id;
	if ((q->tcp_out = malloc(q->wirelen + 2)) == NULL) {
		q->net_error = ENOMEM;
		return -1;
	}
	q->tcp_out[0] = (uint8_t)(q->wirelen >> 8);
	q->tcp_out[1] = (uint8_t)q->wirelen;
	memcpy(q->tcp_out + 2, q->wire, q->wirelen);
	q->tcp_outlen = q->wirelen + 2;
	q->tcp_off = 0;
	if ((fd = attempt_socket(q, SOCK_STREAM)) == -1) {
		q->net_error = errno;
		attempt_close(q);
		return -1;
	}
	q->fd = fd;
	q->tcp = 1;
	q->ev_io = event_new(r->base, fd, EV_WRITE | EV_PERSIST, tcp_write_cb,
	    q);
	if (q->ev_io == NULL || event_add(q->ev_io, NULL) == -1) {
		q->net_error = ENOMEM;
		attempt_close(q);
		return -1;
	}
	r->st.sent++;
	return 0;
}

static void
query_unlink(struct dns_query *q)
{
	struct dns_resolver	*r = q->r;

	tdelete(&q->key, &r->qtree, dns_key_cmp);
	if (q->state == Q_ACTIVE) {
		TAILQ_REMOVE(&r->active, q, entry);
		r->st.inflight--;
	} else if (q->state == Q_WAITING) {
		TAILQ_REMOVE(&r->waiting, q, entry);
		r->st.waiting--;
	}
	q->state = Q_DONE;
}

static void
query_free(struct dns_query *q)
{
	attempt_close(q);
	if (q->ev_timer != NULL)
		event_free(q->ev_timer);
	ldns_rdf_deep_free(q->qname);
	free(q->key.name);
	free(q->wire);
	free(q->saved);
	free(q);
}

static void
query_activate(struct dns_query *q)
{
	struct dns_resolver	*r = q->r;

	q->state = Q_ACTIVE;
	TAILQ_INSERT_TAIL(&r->active, q, entry);
	if (++r->st.inflight > r->st.inflight_peak)
		r->st.inflight_peak = r->st.inflight;
	q->start_us = util_now_us();
	q->deadline_us = q->start_us + (int64_t)r->cfg.query_ms * 1000;
	/* The first attempt is sent from the loop like every other. */
	event_active(q->ev_timer, EV_TIMEOUT, 1);
}

/* Start queued queries while there are free slots. */
static void
dns_pump(struct dns_resolver *r)
{
	struct dns_query	*q;

	while (r->st.inflight < r->cfg.max_inflight &&
	    (q = TAILQ_FIRST(&r->waiting)) != NULL) {
		TAILQ_REMOVE(&r->waiting, q, entry);
		r->st.waiting--;
		query_activate(q);
	}
}

/*
 * The end of a query: deliver one result to every request. pkt (with
 * its wire bytes, to be cached) is NULL when no server answered.
 */
static void
query_done(struct dns_query *q, ldns_pkt *pkt, const uint8_t *wire,
    size_t len, int tcp, size_t srv)
{
	struct dns_resolver	*r = q->r;
	struct dns_result	 res;
	struct dns_req		*req;

	memset(&res, 0, sizeof(res));
	res.name = q->key.name;
	res.type = q->key.type;
	res.rcode = -1;
	res.tcp = tcp;
	res.ms = (util_now_us() - q->start_us) / 1000;
	res.server = q->attempts > 0 ? r->srvname[srv] : "";
	if (pkt != NULL) {
		dns_result_fill(&res, pkt, q->qname, q->key.type);
		cache_put(r, &q->key, wire, len, dns_cache_ttl(r, &res), tcp,
		    srv);
	} else if (!q->had_timeout && dns_err_local(q->net_error)) {
		/* Out of descriptors or memory here: not the servers' fault. */
		res.status = DNS_ERROR;
		res.why = "local-error";
	} else {
		/*
		 * No answer at all. When every attempt failed at the socket
		 * (ICMP unreachable, TCP refused) it ends early, but for the
		 * operator it is the same finding: nobody answered.
		 */
		res.status = DNS_TIMEOUT;
		res.why = q->had_timeout || q->net_error == 0 ? "no-answer" :
		    "unreachable";
		r->st.timeouts++;
	}
	log_debug("dns: name=%s type=%u status=%s attempts=%d ms=%lld",
	    q->key.name, q->key.type, dns_status_name(res.status), q->attempts,
	    (long long)res.ms);

	query_unlink(q);
	attempt_close(q);
	/* A callback may cancel the requests still in the list. */
	while ((req = TAILQ_FIRST(&q->reqs)) != NULL) {
		TAILQ_REMOVE(&q->reqs, req, entry);
		req->q = NULL;
		r->st.status[res.status]++;
		req->cb(&res, req->arg);
		req_free(req);
	}
	dns_result_release(&res);
	ldns_pkt_free(pkt);
	query_free(q);
	dns_pump(r);
}

/* Attempts are over: the last failure answer, or a timeout. */
static void
query_end(struct dns_query *q)
{
	ldns_pkt	*pkt = NULL;
	uint8_t		*w;

	if (q->saved != NULL &&
	    dns_wire_parse(q->saved, q->savedlen, &pkt) == DNS_CHECK_OK) {
		w = q->saved;
		q->saved = NULL;	/* query_done() frees q */
		query_done(q, pkt, w, q->savedlen, q->saved_tcp, q->saved_srv);
		free(w);
		return;
	}
	query_done(q, NULL, NULL, 0, 0, q->srv);
}

/* Start the next attempt, or end the query. */
static void
query_next(struct dns_query *q)
{
	struct dns_resolver	*r = q->r;
	size_t			 ns = r->cfg.nservers, i, s;
	uint32_t		 all = (uint32_t)((1ull << ns) - 1);

	for (;;) {
		/* Less than a millisecond left is no time for an attempt. */
		if (q->attempts >= q->max_attempts ||
		    q->deadline_us - util_now_us() < 1000 ||
		    (q->answered & all) == all) {
			query_end(q);
			return;
		}
		/* Servers in order, skipping those that gave a failure. */
		s = q->attempts == 0 ? 0 : q->srv + 1;
		for (i = 0; i < ns; i++, s++)
			if (!(q->answered & (1u << (s % ns))))
				break;
		q->srv = s % ns;
		if (q->attempts++ > 0)
			r->st.retries++;
		if (attempt_udp(q) == 0) {
			attempt_arm(q);
			return;
		}
		r->st.net_errors++;
		log_debug("dns: name=%s type=%u server=%s send error=\"%s\"",
		    q->key.name, q->key.type, r->srvname[q->srv],
		    strerror(q->net_error));
	}
}

static void
query_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_query	*q = arg;

	(void)fd;
	(void)what;
	if (q->fd != -1) {
		q->r->st.try_timeouts++;
		q->had_timeout = 1;
		log_debug("dns: name=%s type=%u server=%s%s try timeout",
		    q->key.name, q->key.type, q->r->srvname[q->srv],
		    q->tcp ? " tcp" : "");
		attempt_close(q);
	}
	query_next(q);
}

enum answer_verdict {
	ANSWER_DROPPED,		/* not ours: keep listening */
	ANSWER_TAKEN,		/* the attempt is over; q may be gone */
};

/* An answer arrived on the current attempt. */
static enum answer_verdict
query_answer(struct dns_query *q, const uint8_t *wire, size_t len)
{
	struct dns_resolver	*r = q->r;
	ldns_pkt		*pkt;
	int			 rc;

	switch (dns_answer_check(wire, len, q->id, q->qname, q->key.type,
	    &pkt)) {
	case DNS_CHECK_OK:
		break;
	case DNS_CHECK_ID:
		r->st.dropped_id++;
		log_debug("dns: name=%s server=%s dropped=id", q->key.name,
		    r->srvname[q->srv]);
		return ANSWER_DROPPED;
	case DNS_CHECK_QUESTION:
		r->st.dropped_question++;
		log_debug("dns: name=%s server=%s dropped=question",
		    q->key.name, r->srvname[q->srv]);
		return ANSWER_DROPPED;
	case DNS_CHECK_TSIG:
		r->st.dropped_malformed++;
		log_debug("dns: name=%s server=%s dropped=tsig", q->key.name,
		    r->srvname[q->srv]);
		return ANSWER_DROPPED;
	default:
		r->st.dropped_malformed++;
		log_debug("dns: name=%s server=%s dropped=malformed",
		    q->key.name, r->srvname[q->srv]);
		return ANSWER_DROPPED;
	}

	if (!q->tcp && ldns_pkt_tc(pkt)) {
		ldns_pkt_free(pkt);
		r->st.tcp_fallbacks++;
		attempt_close(q);
		if (attempt_tcp(q) == 0)
			attempt_arm(q);
		else {
			r->st.net_errors++;
			query_next(q);
		}
		return ANSWER_TAKEN;
	}

	rc = dns_full_rcode(pkt);
	/*
	 * A server that does not know EDNS answers FORMERR or NOTIMP without
	 * an OPT record; ask it again without one (RFC 6891 7).
	 */
	if (q->edns && !ldns_pkt_edns(pkt) &&
	    (rc == LDNS_RCODE_FORMERR || rc == LDNS_RCODE_NOTIMPL)) {
		ldns_pkt_free(pkt);
		r->st.edns_fallbacks++;
		attempt_close(q);
		q->edns = 0;
		if (query_build(q) == 0 && attempt_udp(q) == 0)
			attempt_arm(q);
		else {
			r->st.net_errors++;
			query_next(q);
		}
		return ANSWER_TAKEN;
	}

	if (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN) {
		query_done(q, pkt, wire, len, q->tcp, q->srv);
		return ANSWER_TAKEN;
	}

	/* A failure answer: keep it, and see whether another server does better. */
	free(q->saved);
	if ((q->saved = malloc(len)) != NULL) {
		memcpy(q->saved, wire, len);
		q->savedlen = len;
		q->saved_tcp = q->tcp;
		q->saved_srv = q->srv;
	}
	q->answered |= 1u << q->srv;
	ldns_pkt_free(pkt);
	attempt_close(q);
	query_next(q);
	return ANSWER_TAKEN;
}

static void
udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_query	*q = arg;
	struct dns_resolver	*r = q->r;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	ssize_t			 n;
	int			 i;

	(void)what;
	for (i = 0; i < DNS_UDP_BURST; i++) {
		fromlen = sizeof(from);
		n = recvfrom(fd, r->buf, DNS_UDP_BUF, 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			/* ICMP port unreachable and the like */
			attempt_fail(q, errno);
			return;
		}
		if (!dns_sockaddr_equal(&from, fromlen,
		    &r->cfg.servers[q->srv])) {
			r->st.dropped_source++;
			continue;
		}
		if (query_answer(q, r->buf, (size_t)n) == ANSWER_TAKEN)
			return;
	}
}

static void
tcp_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_query	*q = arg;
	ssize_t			 n;

	(void)what;
	n = send(fd, q->tcp_out + q->tcp_off, q->tcp_outlen - q->tcp_off,
	    MSG_NOSIGNAL);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		attempt_fail(q, errno);
		return;
	}
	q->tcp_off += (size_t)n;
	if (q->tcp_off < q->tcp_outlen)
		return;
	event_free(q->ev_io);
	q->ev_io = event_new(q->r->base, fd, EV_READ | EV_PERSIST, tcp_read_cb,
	    q);
	if (q->ev_io == NULL || event_add(q->ev_io, NULL) == -1)
		attempt_fail(q, ENOMEM);
}

/*
 * Two length bytes, then the message (RFC 1035 4.2.2). The length is at
 * most 65535, so is what we allocate; what the server sends beyond the
 * message we asked for is read as further messages, each dropped.
 */
static void
tcp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dns_query	*q = arg;
	ssize_t			 n;

	(void)what;
	for (;;) {
		if (q->tcp_hdrgot < 2) {
			n = recv(fd, q->tcp_hdr + q->tcp_hdrgot,
			    2 - q->tcp_hdrgot, 0);
			if (n <= 0)
				goto err;
			if ((q->tcp_hdrgot += (size_t)n) < 2)
				continue;
			q->tcp_need = (size_t)q->tcp_hdr[0] << 8 | q->tcp_hdr[1];
			q->tcp_got = 0;
			if (q->tcp_need < LDNS_HEADER_SIZE) {
				q->r->st.dropped_malformed++;
				attempt_fail(q, EPROTO);
				return;
			}
			if ((q->tcp_in = malloc(q->tcp_need)) == NULL) {
				attempt_fail(q, ENOMEM);
				return;
			}
		}
		n = recv(fd, q->tcp_in + q->tcp_got, q->tcp_need - q->tcp_got, 0);
		if (n <= 0)
			goto err;
		if ((q->tcp_got += (size_t)n) < q->tcp_need)
			continue;
		if (query_answer(q, q->tcp_in, q->tcp_need) == ANSWER_TAKEN)
			return;
		free(q->tcp_in);
		q->tcp_in = NULL;
		q->tcp_hdrgot = 0;
		if (++q->tcp_msgs >= DNS_TCP_MSGS) {
			attempt_fail(q, EPROTO);
			return;
		}
	}
err:
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	attempt_fail(q, n == 0 ? ECONNRESET : errno);
}

static struct dns_query *
query_new(struct dns_resolver *r, char *name, ldns_rdf *qname, uint16_t type)
{
	struct dns_query	*q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->r = r;
	q->key.name = name;
	q->key.type = type;
	q->qname = qname;
	q->fd = -1;
	q->state = Q_DONE;	/* not linked anywhere yet */
	q->edns = r->cfg.udp_size > 0;
	q->max_attempts = r->cfg.tries * (int)r->cfg.nservers;
	TAILQ_INIT(&q->reqs);
	if ((q->ev_timer = evtimer_new(r->base, query_timer_cb, q)) == NULL ||
	    query_build(q) == -1 ||
	    tsearch(&q->key, &r->qtree, dns_key_cmp) == NULL) {
		q->key.name = NULL;	/* the caller's on failure */
		q->qname = NULL;
		query_free(q);
		return NULL;
	}
	return q;
}

/*
 * The resolver
 */

struct dns_resolver *
dns_resolver_new(struct event_base *base, const struct dns_config *cfg,
    char **cause)
{
	struct dns_resolver	*r;
	size_t			 i;

	if (cfg->nservers == 0 || cfg->nservers > DNS_MAX_SERVERS) {
		dns_cause(cause, "no nameserver configured");
		return NULL;
	}
	if (cfg->try_ms < 1 || cfg->try_ms > 600000 || cfg->tries < 1 ||
	    cfg->tries > 16 || cfg->query_ms < 1 || cfg->query_ms > 3600000) {
		dns_cause(cause, "resolver timeouts out of range");
		return NULL;
	}
	if (cfg->max_inflight == 0) {
		dns_cause(cause, "resolver max_inflight is 0");
		return NULL;
	}
	if (cfg->udp_size != 0 && cfg->udp_size < 512) {
		dns_cause(cause, "EDNS0 UDP size %u below 512", cfg->udp_size);
		return NULL;
	}
	for (i = 0; i < cfg->nservers; i++) {
		if (cfg->servers[i].ss.ss_family != AF_INET &&
		    cfg->servers[i].ss.ss_family != AF_INET6) {
			dns_cause(cause, "nameserver %zu has no address", i + 1);
			return NULL;
		}
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->buf = malloc(DNS_UDP_BUF)) == NULL) {
		free(r);
		dns_cause(cause, "out of memory");
		return NULL;
	}
	r->base = base;
	r->cfg = *cfg;
	for (i = 0; i < cfg->nservers; i++)
		dns_server_str(&cfg->servers[i], r->srvname[i],
		    sizeof(r->srvname[i]));
	TAILQ_INIT(&r->active);
	TAILQ_INIT(&r->waiting);
	TAILQ_INIT(&r->ready);
	TAILQ_INIT(&r->lru);
	return r;
}

static void
dns_drop_query(struct dns_query *q)
{
	struct dns_req	*req;

	while ((req = TAILQ_FIRST(&q->reqs)) != NULL) {
		TAILQ_REMOVE(&q->reqs, req, entry);
		req_free(req);
	}
	query_unlink(q);
	query_free(q);
}

void
dns_resolver_free(struct dns_resolver *r)
{
	struct dns_query	*q;
	struct dns_req		*req;

	if (r == NULL)
		return;
	while ((q = TAILQ_FIRST(&r->active)) != NULL)
		dns_drop_query(q);
	while ((q = TAILQ_FIRST(&r->waiting)) != NULL)
		dns_drop_query(q);
	while ((req = TAILQ_FIRST(&r->ready)) != NULL) {
		TAILQ_REMOVE(&r->ready, req, entry);
		req_free(req);
	}
	dns_cache_flush(r);
	free(r->buf);
	free(r);
}

const struct dns_stats *
dns_resolver_stats(const struct dns_resolver *r)
{
	return &r->st;
}

/* A request answered from the loop without a query. */
static struct dns_req *
dns_lookup_error(struct dns_resolver *r, struct dns_req *req,
    const char *why)
{
	req->status = DNS_ERROR;
	req->why = why;
	if (req_defer(r, req) == -1) {
		req_free(req);
		return NULL;
	}
	return req;
}

struct dns_req *
dns_lookup(struct dns_resolver *r, const char *name, uint16_t type,
    dns_cb cb, void *arg)
{
	struct dns_req		*req;
	struct dns_query	*q;
	struct dns_centry	*e;
	struct dns_key		 key;
	ldns_rdf		*qname;
	void			*p;
	int64_t			 now;
	uint32_t		 left;

	if ((req = calloc(1, sizeof(*req))) == NULL)
		return NULL;
	req->r = r;
	req->cb = cb;
	req->arg = arg;
	req->type = type;
	r->st.lookups++;

	if ((qname = dns_canon(name, &key.name)) == NULL) {
		req->name = name != NULL ?
		    util_sanitize(name, strlen(name), 255) : strdup("");
		if (req->name == NULL) {
			free(req);
			return NULL;
		}
		return dns_lookup_error(r, req, "invalid-name");
	}
	key.type = type;
	if (!dns_type_ok(type)) {
		ldns_rdf_deep_free(qname);
		req->name = key.name;
		return dns_lookup_error(r, req, "bad-type");
	}

	now = util_now_us();
	if ((e = cache_get(r, &key, now)) != NULL) {
		ldns_rdf_deep_free(qname);
		r->st.cache_hits++;
		req->name = key.name;
		if ((req->wire = malloc(e->len)) == NULL)
			return dns_lookup_error(r, req, "out-of-memory");
		memcpy(req->wire, e->wire, e->len);
		req->len = e->len;
		req->age = (uint32_t)((now - e->stored_us) / 1000000);
		left = (uint32_t)((e->expire_us - now + 999999) / 1000000);
		req->left = left;
		req->tcp = e->tcp;
		req->srv = e->srv;
		if (req_defer(r, req) == -1) {
			req_free(req);
			return NULL;
		}
		return req;
	}
	r->st.cache_misses++;

	if ((p = tfind(&key, &r->qtree, dns_key_cmp)) != NULL) {
		ldns_rdf_deep_free(qname);
		free(key.name);
		q = *(struct dns_query **)p;
		r->st.coalesced++;
		req->q = q;
		TAILQ_INSERT_TAIL(&q->reqs, req, entry);
		return req;
	}

	if (r->st.inflight >= r->cfg.max_inflight &&
	    r->st.waiting >= r->cfg.max_waiting) {
		ldns_rdf_deep_free(qname);
		req->name = key.name;
		return dns_lookup_error(r, req, "queue-full");
	}
	if ((q = query_new(r, key.name, qname, type)) == NULL) {
		ldns_rdf_deep_free(qname);
		req->name = key.name;
		return dns_lookup_error(r, req, "out-of-memory");
	}
	req->q = q;
	TAILQ_INSERT_TAIL(&q->reqs, req, entry);
	if (r->st.inflight < r->cfg.max_inflight)
		query_activate(q);
	else {
		q->state = Q_WAITING;
		TAILQ_INSERT_TAIL(&r->waiting, q, entry);
		r->st.waiting++;
		r->st.queued++;
	}
	return req;
}

void
dns_req_cancel(struct dns_req *req)
{
	struct dns_resolver	*r;
	struct dns_query	*q;

	if (req == NULL)
		return;
	r = req->r;
	if ((q = req->q) != NULL) {
		TAILQ_REMOVE(&q->reqs, req, entry);
		/* Nobody waits for it any more: free its slot. */
		if (q->state != Q_DONE && TAILQ_EMPTY(&q->reqs)) {
			query_unlink(q);
			query_free(q);
			dns_pump(r);
		}
	} else
		TAILQ_REMOVE(&r->ready, req, entry);
	req_free(req);
}
