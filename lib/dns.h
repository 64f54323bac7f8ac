/*
 * dns.h - the asynchronous stub resolver.
 *
 * Queries go to the configured recursive resolvers (or, in tests, to an
 * authoritative server) over UDP with EDNS0, and over TCP when an answer
 * comes back truncated. Everything runs on the caller's libevent loop:
 * no call here blocks, and every answer, including a cache hit or an
 * invalid name, reaches the callback from the loop, never from inside
 * dns_lookup().
 *
 * The outcome of a lookup is one status of a closed set. NOERROR with
 * data, NOERROR without (NODATA), NXDOMAIN, SERVFAIL, REFUSED and a
 * timeout are distinct, so the finding made from them can be precise.
 * The AD bit of every answer is kept (also through the cache); it is what
 * DANE needs to trust a TLSA record (RFC 7672 2.2).
 */
#ifndef SMTPROBE_DNS_H
#define SMTPROBE_DNS_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "finding.h"

struct event_base;
struct dns_resolver;
struct dns_req;

/* Nameservers in one configuration; more are an error. */
#define DNS_MAX_SERVERS		8

/* Longest "ADDR:PORT" text dns_server_str() writes, with the NUL. */
#define DNS_SERVER_STRLEN	64

/* CNAME records followed inside one answer before giving up. */
#define DNS_CNAME_MAX		16

enum dns_status {
	DNS_OK,		/* NOERROR with records of the type asked */
	DNS_NODATA,	/* NOERROR, the name exists without such records */
	DNS_NXDOMAIN,	/* the name does not exist */
	DNS_SERVFAIL,	/* the server could not answer (DNSSEC failure too) */
	DNS_REFUSED,	/* the server refused to answer */
	DNS_FORMERR,	/* the server could not parse the query */
	DNS_TIMEOUT,	/* no server answered: before the deadline ("no-answer"),
			   or every attempt failed at the socket, e.g. ICMP
			   unreachable or TCP refused ("unreachable") */
	DNS_ERROR,	/* another rcode, or a failure of this host (bad
			   name, out of memory or descriptors): see why */
	DNS_STATUS_COUNT
};

/* One nameserver: address and port (53 unless given). */
struct dns_server {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
};

/*
 * Resolver settings. dns_config_init() fills the defaults in brackets
 * and no server; add servers with dns_config_add_server() or
 * dns_config_resolv_conf().
 */
struct dns_config {
	struct dns_server servers[DNS_MAX_SERVERS]; /* tried in this order */
	size_t		 nservers;
	int		 try_ms;	/* wait for one attempt [2000] */
	int		 tries;		/* rounds over all servers [2] */
	int		 query_ms;	/* whole query, from its first send [10000] */
	size_t		 max_inflight;	/* distinct queries on the wire [64] */
	size_t		 max_waiting;	/* queries queued behind them [65536] */
	size_t		 cache_entries;	/* 0 disables the cache [10000] */
	size_t		 cache_bytes;	/* answer bytes kept [16 MiB] */
	uint32_t	 max_ttl;	/* positive answers kept at most [86400] */
	uint32_t	 neg_ttl;	/* NXDOMAIN/NODATA kept at most [3600] */
	uint32_t	 fail_ttl;	/* SERVFAIL/REFUSED kept [0: not kept] */
	uint16_t	 udp_size;	/* EDNS0 payload size; 0 sends no EDNS [1232] */
};

/*
 * The outcome of a lookup, valid only during the callback. The packet
 * and the lists point into one answer owned by the resolver.
 */
struct dns_result {
	enum dns_status	 status;
	const char	*name;		/* the name asked: lower case, final dot */
	uint16_t	 type;		/* the type asked, LDNS_RR_TYPE_* */
	int		 rcode;		/* header rcode of the answer, -1 without one */
	int		 ad;		/* the answer had AD set (validated data) */
	int		 aa;		/* the answer had AA set (authoritative) */
	int		 from_cache;	/* served from the cache */
	int		 tcp;		/* the answer came over TCP */
	uint32_t	 ttl;		/* DNS_OK: least TTL of rrs and the CNAME
					   chain; NODATA/NXDOMAIN: negative TTL
					   (RFC 2308 5), 0 without SOA; counts down
					   while cached */
	ldns_pkt	*pkt;		/* the whole answer, NULL without one */
	ldns_rr_list	*rrs;		/* records of the type asked for the final
					   name of the CNAME chain (shallow: the
					   records live in pkt); non-empty exactly
					   when status is DNS_OK, else NULL */
	char		*cname;		/* final target when the name is an alias
					   (chain followed in the answer), or NULL */
	const char	*server;	/* "ADDR:PORT" that answered, or "" */
	const char	*why;		/* a short reason for DNS_FORMERR,
					   DNS_TIMEOUT and DNS_ERROR, else NULL */
	int64_t		 ms;		/* first send to answer; 0 from the cache */
};

/*
 * Lookup callback. The result and everything it points to are freed
 * when the callback returns. The callback may start lookups and cancel
 * other requests, but must not free the resolver.
 */
typedef void	(*dns_cb)(const struct dns_result *, void *arg);

/* Counters since dns_resolver_new(). */
struct dns_stats {
	uint64_t	 lookups;		/* dns_lookup() calls */
	uint64_t	 cache_hits;
	uint64_t	 cache_misses;
	uint64_t	 coalesced;		/* joined an identical query in flight */
	uint64_t	 queued;		/* waited for an in-flight slot */
	uint64_t	 sent;			/* messages sent, UDP and TCP */
	uint64_t	 retries;		/* attempts after the first */
	uint64_t	 tcp_fallbacks;		/* truncated over UDP, asked over TCP */
	uint64_t	 edns_fallbacks;	/* FORMERR to EDNS, asked without */
	uint64_t	 try_timeouts;		/* attempts that got no answer in time */
	uint64_t	 timeouts;		/* queries that ended DNS_TIMEOUT */
	uint64_t	 net_errors;		/* socket errors (ICMP refused, reset) */
	uint64_t	 dropped_id;		/* answers with a wrong id */
	uint64_t	 dropped_question;	/* answers to another question */
	uint64_t	 dropped_source;	/* answers from another address/port */
	uint64_t	 dropped_malformed;	/* do not parse, or carry TSIG */
	uint64_t	 cache_evictions;	/* live entries pushed out by the bounds */
	uint64_t	 status[DNS_STATUS_COUNT]; /* results delivered, by status */
	uint64_t	 inflight;		/* now: queries on the wire */
	uint64_t	 inflight_peak;
	uint64_t	 waiting;		/* now: queries queued */
	uint64_t	 cache_entries;		/* now */
	uint64_t	 cache_bytes;		/* now */
};

/* Defaults, no server. */
void		 dns_config_init(struct dns_config *);

/*
 * Parse "ADDR", "ADDR:PORT", "IPV6", "[IPV6]" or "[IPV6]:PORT" (an IPv6
 * address may carry "%scope"). Numeric only: a host name is an error,
 * since resolving it would need the resolver. Returns 0, or -1 with
 * *cause set (to be freed).
 */
int		 dns_server_parse(const char *, struct dns_server *, char **cause);

/* The server as "ADDR:PORT" or "[IPV6]:PORT" into buf (always terminated). */
void		 dns_server_str(const struct dns_server *, char *buf, size_t sz);

/* Parse and append a server; -1 with *cause when bad or too many. */
int		 dns_config_add_server(struct dns_config *, const char *,
		    char **cause);

/*
 * Read a resolv.conf(5) file at start-up (it blocks: never from the
 * loop). "nameserver" lines add servers (the first DNS_MAX_SERVERS;
 * more are ignored, as the C library does beyond its own limit);
 * "options timeout:N attempts:N" set try_ms and tries; "search",
 * "domain" and the rest are ignored: names here are always absolute.
 * Without any nameserver line the server is 127.0.0.1, like the C
 * library. Returns 0, or -1 with *cause naming path:line.
 */
int		 dns_config_resolv_conf(struct dns_config *, const char *path,
		    char **cause);

/*
 * A resolver on base. The configuration is copied. Returns NULL with
 * *cause set when the configuration is unusable or memory runs out.
 */
struct dns_resolver *dns_resolver_new(struct event_base *,
		    const struct dns_config *, char **cause);

/*
 * Free the resolver, its sockets, queries and cache. Requests still
 * outstanding are dropped without their callback. Not from a callback.
 */
void		 dns_resolver_free(struct dns_resolver *);

/*
 * Look up name (presentation format, absolute whether or not it ends in
 * a dot; no search list) for type in class IN. cb runs exactly once,
 * from the loop, unless the request is cancelled first: with a cached
 * answer, the answer of an identical query already in flight, a fresh
 * answer, or an error (an invalid name is DNS_ERROR). Returns the
 * request handle, valid until the callback starts, or NULL only when
 * memory runs out (and then cb never runs).
 */
struct dns_req	*dns_lookup(struct dns_resolver *, const char *name,
		    uint16_t type, dns_cb cb, void *arg);

/* Cancel a request before its callback; the callback will not run. */
void		 dns_req_cancel(struct dns_req *);

const struct dns_stats *dns_resolver_stats(const struct dns_resolver *);

/* Drop every cached answer. */
void		 dns_cache_flush(struct dns_resolver *);

/* "OK", "NODATA", "NXDOMAIN", "SERVFAIL", "REFUSED", "FORMERR", "TIMEOUT", "ERROR". */
const char	*dns_status_name(enum dns_status);

/*
 * The finding a failed lookup makes by itself: dns.timeout,
 * dns.servfail, dns.nxdomain, dns.refused. F_COUNT for the rest: OK and
 * NODATA are answers (whether NODATA is a problem is the caller's
 * question, e.g. spf.none), FORMERR and ERROR have no catalogue row yet.
 */
enum finding_id	 dns_status_finding(enum dns_status);

/*
 * Evidence for a finding: "name=N type=T status=S server=A ms=M", plus
 * "why=..." when there is a reason. Always terminated; returns the length
 * it wanted, like snprintf.
 */
int		 dns_result_evidence(const struct dns_result *, char *buf,
		    size_t sz);

/*
 * The answer path, exported for the resolver and its fuzz harness.
 */

/* Why an answer was accepted or dropped. */
enum dns_check {
	DNS_CHECK_OK,
	DNS_CHECK_MALFORMED,	/* short, not a response, or does not parse */
	DNS_CHECK_ID,		/* another message id */
	DNS_CHECK_QUESTION,	/* another question (name, type or class) */
	DNS_CHECK_TSIG,		/* carries a TSIG record: never ours */
};

/*
 * Parse a DNS message with ldns, refusing one that carries a TSIG record
 * before ldns sees it (ldns 1.8.3 leaks all but the last of several).
 * DNS_CHECK_OK with *pkt to free with ldns_pkt_free(), or
 * DNS_CHECK_MALFORMED / DNS_CHECK_TSIG with *pkt NULL.
 */
enum dns_check	 dns_wire_parse(const uint8_t *wire, size_t len,
		    ldns_pkt **pkt);

/*
 * Match an answer to the query with id, qname and qtype: the id, QR,
 * opcode QUERY and exactly our question, except that a FORMERR or
 * NOTIMP reply may omit the question (RFC 6891 7, servers that cannot
 * parse EDNS echo none). On DNS_CHECK_OK *pkt holds the parsed answer,
 * to be freed with ldns_pkt_free(); otherwise *pkt is NULL.
 */
enum dns_check	 dns_answer_check(const uint8_t *wire, size_t len,
		    uint16_t id, const ldns_rdf *qname, uint16_t qtype,
		    ldns_pkt **pkt);

/*
 * Fill status, rcode, ad, aa, ttl, pkt, rrs and cname of res from an
 * accepted answer to (qname, qtype); other fields are left alone. The
 * result borrows pkt. Returns 0, or -1 when memory runs out (status is
 * then DNS_ERROR). Release with dns_result_release().
 */
int		 dns_result_fill(struct dns_result *, ldns_pkt *,
		    const ldns_rdf *qname, uint16_t qtype);

/* Free what dns_result_fill() allocated (not pkt). */
void		 dns_result_release(struct dns_result *);

#endif
