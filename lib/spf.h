/*
 * spf.h - Sender Policy Framework (RFC 7208): record parsing, the
 * check_host() evaluation against a caller-provided DNS view, and the
 * audit that turns a domain's SPF into findings.
 *
 * Nothing here does I/O. Evaluation reads DNS through a "view" that the
 * caller provides: a lookup function answering (name, type) from what the
 * caller already holds, typically its cache. When an answer is not there
 * yet the view says SPF_DNS_NOT_YET, and spf_check() returns SPF_NEED_DNS
 * with the queries it is waiting for. The caller sends them (from its
 * libevent loop, asynchronously), puts the answers in its cache and calls
 * spf_check() again with the same request: evaluation starts over from the
 * beginning. It is deterministic and cheap (at most 10 DNS-querying terms,
 * typically a few dozen lookups), so re-running it is simpler and safer than
 * suspending a state machine in the middle of an include chain. Each
 * round gets further, because every answer it needed before is now there.
 *
 *	struct spf_outcome o;
 *	while (spf_check(&req, &view, &o) == SPF_NEED_DNS)
 *		fetch o.need.q[0 .. o.need.n - 1] into the cache (async)
 *	use o.result, o.mechanism, o.explanation, o.cause
 *
 * Keep every input of the request the same across rounds (the IP, the
 * sender, and "now", which %{t} reads), or the queries may never settle.
 * The caller owns time: bound the whole check (rounds and waiting; RFC
 * 7208 4.6.4 asks for at least 20 seconds) and call it temperror when
 * that runs out. Even the worst record needs only a few hundred distinct
 * queries.
 *
 * Memory is bounded: records over SPF_RECORD_MAX bytes or SPF_TERMS_MAX
 * terms are permerrors, include/redirect nesting is bounded by the lookup
 * limit (and SPF_DEPTH_MAX), at most SPF_ANSWER_MAX records of an answer
 * are looked at, and macro expansion works in fixed buffers. A check
 * uses about 5 KiB of stack per include level, under 100 KiB in all, and
 * keeps no state between calls.
 */
#ifndef SMTPROBE_SPF_H
#define SMTPROBE_SPF_H

#include <stddef.h>
#include <stdint.h>

struct finding_list;

#define SPF_RECORD_MAX	4096	/* longest SPF record, TXT strings joined */
#define SPF_TERMS_MAX	512	/* most terms in one record */
#define SPF_NAME_MAX	253	/* longest domain name, no trailing dot */
#define SPF_INPUT_MAX	512	/* longest sender, HELO name or domain accepted */
#define SPF_EXPAND_MAX	2048	/* longest macro expansion (domain or explanation) */
#define SPF_LOOKUP_MAX	10	/* DNS-querying terms per check (RFC 7208 4.6.4) */
#define SPF_VOID_MAX	2	/* void lookups per check (RFC 7208 4.6.4) */
#define SPF_NAMES_MAX	10	/* MX names per mx term (more: permerror), PTR
				   names per ptr term or %{p} (more: ignored) */
#define SPF_DEPTH_MAX	12	/* include/redirect nesting */
#define SPF_ANSWER_MAX	4096	/* records of one DNS answer looked at */
#define SPF_NEED_MAX	16	/* queries reported by one SPF_NEED_DNS */

/* The outcome of check_host(), RFC 7208 2.6. */
enum spf_result {
	SPF_RESULT_NONE,
	SPF_RESULT_NEUTRAL,
	SPF_RESULT_PASS,
	SPF_RESULT_FAIL,
	SPF_RESULT_SOFTFAIL,
	SPF_RESULT_TEMPERROR,
	SPF_RESULT_PERMERROR,
};

/* Why a check ended in permerror or temperror. */
enum spf_error {
	SPF_ERR_NONE,
	SPF_ERR_SYNTAX,		/* a record does not parse (cause names the term) */
	SPF_ERR_MULTIPLE,	/* a domain publishes more than one v=spf1 record */
	SPF_ERR_LOOKUP_LIMIT,	/* more than SPF_LOOKUP_MAX DNS-querying terms */
	SPF_ERR_VOID_LIMIT,	/* more than SPF_VOID_MAX void lookups */
	SPF_ERR_MX_LIMIT,	/* an mx term names more than SPF_NAMES_MAX hosts */
	SPF_ERR_INCLUDE_NONE,	/* an include names a domain without SPF */
	SPF_ERR_REDIRECT_NONE,	/* a redirect names a domain without SPF */
	SPF_ERR_DEPTH,		/* include/redirect nested over SPF_DEPTH_MAX */
	SPF_ERR_DNS,		/* a DNS error or timeout (temperror) */
};

/* What a call did. */
enum spf_status {
	SPF_DONE,		/* the outcome is final */
	SPF_NEED_DNS,		/* fetch outcome.need and call again */
	SPF_EINVAL,		/* the request is unusable (bad IP, oversized input) */
	SPF_ENOMEM,		/* memory ran out */
};

/* DNS record types the evaluator asks for (IANA numbers). */
enum spf_rrtype {
	SPF_RR_A = 1,
	SPF_RR_PTR = 12,
	SPF_RR_MX = 15,
	SPF_RR_TXT = 16,
	SPF_RR_AAAA = 28,
};

/* What the view knows about (name, type). */
enum spf_dns {
	SPF_DNS_ANSWER,		/* records follow (an empty answer counts as NODATA) */
	SPF_DNS_NXDOMAIN,	/* RCODE 3 */
	SPF_DNS_NODATA,		/* RCODE 0, no record of the type */
	SPF_DNS_ERROR,		/* SERVFAIL, REFUSED, timeout...: temperror */
	SPF_DNS_NOT_YET,	/* not fetched yet: the check returns SPF_NEED_DNS */
};

/*
 * One record of an answer; which fields are used depends on the type.
 * CNAMEs are the view's business: answer for the name asked, as a
 * resolver does.
 */
struct spf_rr {
	uint8_t		 addr[16];	/* A: 4 bytes, AAAA: 16, network order */
	const char	*name;		/* MX exchange, PTR target: text form, with
					   or without the trailing dot; "" or "." is
					   the root (null MX) */
	const uint8_t	*txt;		/* TXT: the RDATA as on the wire, a series
					   of <length byte><bytes> strings */
	size_t		 txt_len;	/* bytes at txt */
	unsigned int	 pref;		/* MX preference (not used for matching) */
};

/* The records of one answer. */
struct spf_answer {
	const struct spf_rr *rr;
	size_t		 n;
};

/*
 * The caller's DNS. lookup() fills *ans when it returns SPF_DNS_ANSWER;
 * the records must stay valid until spf_check() or spf_audit() returns.
 * Names are given without a trailing dot, in the case the record wrote
 * them: compare them without regard to ASCII case. A name is one to 253
 * bytes of printable ASCII (a macro can put spaces or '%' in it).
 */
struct spf_dns_view {
	enum spf_dns	(*lookup)(void *arg, const char *name,
			    enum spf_rrtype type, struct spf_answer *ans);
	void		*arg;
};

/* A query evaluation is waiting for. */
struct spf_query {
	char		 name[SPF_NAME_MAX + 1];
	enum spf_rrtype	 type;
};

/* The queries one SPF_NEED_DNS waits for (no duplicates). */
struct spf_needs {
	struct spf_query q[SPF_NEED_MAX];
	size_t		 n;
};

/*
 * One check_host() request. Strings are NUL-terminated, at most
 * SPF_INPUT_MAX bytes, without control characters.
 */
struct spf_request {
	const char	*ip;		/* client address, IPv4 or IPv6 text; an
					   IPv4-mapped IPv6 address is IPv4 */
	const char	*sender;	/* MAIL FROM without <>; NULL or "" for the
					   null sender (postmaster@helo is checked) */
	const char	*helo;		/* HELO/EHLO name, for %{h}; may be NULL */
	const char	*domain;	/* domain to check; NULL: the sender's */
	const char	*receiver;	/* %{r}; NULL: "unknown" */
	int64_t		 now;		/* %{t}, seconds since the epoch; keep it
					   fixed across rounds; 0: the clock */
	int		 explain;	/* on fail, fetch and expand exp= */
};

#define SPF_TEXT_MAX	256	/* cause and mechanism buffers */

/* What spf_check() found. */
struct spf_outcome {
	enum spf_result	 result;
	enum spf_error	 error;		/* for permerror and temperror */
	char		 cause[SPF_TEXT_MAX];	/* why, for a person; "" if none */
	char		 err_domain[SPF_NAME_MAX + 1]; /* domain of the bad record
					   or failed lookup; "" if none */
	char		 mechanism[SPF_TEXT_MAX]; /* the term that matched, as
					   written ("-all", "include:x"); "" when
					   no mechanism matched (the default) */
	char		 mech_domain[SPF_NAME_MAX + 1]; /* whose record holds it */
	char		 explanation[SPF_EXPAND_MAX + 1]; /* exp= text on fail,
					   when asked for and usable; else "" */
	int		 lookups;	/* DNS-querying terms evaluated */
	int		 voids;		/* void lookups met */
	struct spf_needs need;		/* for SPF_NEED_DNS */
};

/* The kinds of term. */
enum spf_term_type {
	SPF_TERM_ALL,
	SPF_TERM_INCLUDE,
	SPF_TERM_A,
	SPF_TERM_MX,
	SPF_TERM_PTR,
	SPF_TERM_IP4,
	SPF_TERM_IP6,
	SPF_TERM_EXISTS,
	SPF_TERM_REDIRECT,	/* modifiers from here on */
	SPF_TERM_EXP,
	SPF_TERM_MODIFIER,	/* an unknown modifier, kept and ignored */
};

/* One term of a parsed record. Pointers point into the record's text. */
struct spf_term {
	enum spf_term_type type;
	char		 qualifier;	/* '+', '-', '~' or '?' (mechanisms) */
	const char	*text;		/* the term as written */
	size_t		 text_len;
	const char	*name;		/* modifier name */
	size_t		 name_len;
	const char	*spec;		/* domain-spec or macro-string, NULL if none */
	size_t		 spec_len;
	uint8_t		 addr[16];	/* ip4 (4 bytes) or ip6 network */
	int		 cidr4;		/* prefix length for IPv4, 32 if not given */
	int		 cidr6;		/* prefix length for IPv6, 128 if not given */
};

/* A parsed record. */
struct spf_record {
	char		*text;		/* a NUL-terminated copy of the record */
	size_t		 len;
	struct spf_term	*terms;
	size_t		 nterms;
	int		 redirect;	/* index of redirect=, -1 if none */
	int		 exp;		/* index of exp=, -1 if none */
	int		 has_all;	/* an "all" mechanism is present */
	int		 lookups;	/* DNS-querying terms written in it */
	int		 has_ptr;	/* a ptr mechanism or %{p} is used */
};

/*
 * Parse one record (version and terms, RFC 7208 4.6 and 12) of len bytes
 * (NUL bytes in it are an error). On success *out is set and 0 returned.
 * On error -1 is returned and *cause, if cause is not NULL, is set to an
 * allocated message naming the bad term (or to NULL if memory ran out:
 * errno is ENOMEM then).
 */
int		 spf_parse(const char *text, size_t len, struct spf_record **out,
		    char **cause);
void		 spf_record_free(struct spf_record *);

/* Does this string start an SPF record ("v=spf1" then a space or the end)? */
int		 spf_is_record(const char *text, size_t len);

/* What record selection (RFC 7208 4.5) found among TXT records. */
enum spf_select {
	SPF_SELECT_NONE,	/* no v=spf1 record */
	SPF_SELECT_ONE,		/* exactly one, copied out */
	SPF_SELECT_MULTIPLE,	/* more than one: permerror */
	SPF_SELECT_TOO_LONG,	/* one, longer than outsz - 1 or SPF_RECORD_MAX */
};

/*
 * Select the SPF record among the TXT records of an answer, joining the
 * strings of each without separator. The one record is copied to out,
 * NUL-terminated, its length in *outlen.
 */
enum spf_select	 spf_select(const struct spf_answer *, char *out, size_t outsz,
		    size_t *outlen);

/*
 * check_host() for a request, RFC 7208 4 to 6. On SPF_DONE the outcome is
 * final; on SPF_NEED_DNS out->need lists the queries to fetch before
 * calling again. SPF_EINVAL and SPF_ENOMEM leave a temperror outcome with
 * a cause.
 */
enum spf_status	 spf_check(const struct spf_request *,
		    const struct spf_dns_view *, struct spf_outcome *out);

/*
 * Expand a macro-string (RFC 7208 7) without DNS: %{p} becomes p (NULL:
 * "unknown"), %{d} becomes domain. explain allows the explanation-only
 * letters c, r, t and spaces. Domain truncation is not applied. Returns
 * the length written to out (NUL-terminated), or -1 with an allocated
 * *cause (when cause is not NULL) for a syntax error, an unusable request
 * or an expansion longer than outsz - 1.
 */
int		 spf_macro_expand(const struct spf_request *, const char *domain,
		    const char *p, const char *ms, size_t len, int explain,
		    char *out, size_t outsz, char **cause);

const char	*spf_result_name(enum spf_result);	/* "pass", "fail"... */
const char	*spf_error_name(enum spf_error);	/* "syntax", "void-limit"... */
const char	*spf_rrtype_name(enum spf_rrtype);	/* "A", "TXT"... */

/* The configuration of one SPF audit. */
struct spf_audit_req {
	const char	*domain;	/* the domain audited */
	const char *const *ips;		/* its configured sending addresses */
	size_t		 nips;
	int64_t		 now;		/* as in spf_request */
};

/*
 * Audit a domain's SPF and add findings to out (only on SPF_DONE):
 * spf.none, spf.multiple, spf.syntax (naming the term and the domain),
 * spf.lookup-limit, spf.void-limit, spf.permissive (+all or ?all, or an
 * address of TEST-NET passes), spf.ptr (ptr or %{p} anywhere, includes
 * too), spf.not-authorized (a configured address gets fail or softfail;
 * the evidence names the address, the result and the mechanism) and
 * spf.temperror. The record tree is walked statically (every include and
 * redirect without macros, bounded) and check_host() is run for each
 * configured address and for two documentation addresses (192.0.2.1,
 * 2001:db8::1) that a sane record does not authorise, so limits are
 * measured on a walk through the whole record. Same re-run contract as
 * spf_check(): on SPF_NEED_DNS fetch need and call again.
 */
enum spf_status	 spf_audit(const struct spf_audit_req *,
		    const struct spf_dns_view *, struct finding_list *out,
		    struct spf_needs *need);

#endif
