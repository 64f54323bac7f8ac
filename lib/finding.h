/*
 * finding.h - the catalogue of findings and the list a probe fills.
 *
 * Every problem smtprobe reports is a finding: a stable id from the table
 * in finding.c, a layer, a severity, the host/address/port it concerns,
 * the evidence (reply, record, error) and a one-line remediation hint.
 */
#ifndef SMTPROBE_FINDING_H
#define SMTPROBE_FINDING_H

#include <stddef.h>

enum layer {
	LAYER_NET,
	LAYER_DNS,
	LAYER_TLS,
	LAYER_SMTP,
	LAYER_POLICY,
	LAYER_PROBE,	/* the prober itself: its name, resolver, resources */
};

/*
 * Whose fault a finding is: the target (the domain, server or mailbox
 * checked, or that refused mail) or the client (the side that connects:
 * this probe's own address, name, resolver and resources; in `smtprobe
 * explain` and `smtprobe logs`, the sending server).
 */
enum blame {
	BLAME_TARGET,
	BLAME_CLIENT,
};

/* Ordered: a larger value is worse. */
enum severity {
	SEV_OK,
	SEV_INFO,
	SEV_WARN,
	SEV_CRIT,
};

/* One per catalogue row; the order matches the table in finding.c. */
enum finding_id {
	F_NET_CONNECT_REFUSED,
	F_NET_CONNECT_TIMEOUT,
	F_NET_UNREACHABLE,
	F_NET_RESET,
	F_NET_IPV6_BROKEN,

	F_DNS_TIMEOUT,
	F_DNS_SERVFAIL,
	F_DNS_NXDOMAIN,
	F_DNS_REFUSED,
	F_MX_NONE,
	F_MX_NULL,
	F_MX_CNAME,
	F_MX_NO_ADDRESS,
	F_MX_IP_LITERAL,
	F_MX_PRIVATE_ADDRESS,
	F_MX_TTL_MISMATCH,
	F_PTR_MISSING,
	F_PTR_MISMATCH,
	F_SPF_NONE,
	F_SPF_MULTIPLE,
	F_SPF_SYNTAX,
	F_SPF_LOOKUP_LIMIT,
	F_SPF_VOID_LIMIT,
	F_SPF_PERMISSIVE,
	F_SPF_PTR,
	F_SPF_NOT_AUTHORIZED,
	F_SPF_TEMPERROR,
	F_DMARC_NONE,
	F_DMARC_MULTIPLE,
	F_DMARC_SYNTAX,
	F_DMARC_POLICY_NONE,
	F_DMARC_RUA_UNAUTHORIZED,
	F_DKIM_MISSING,
	F_DKIM_SYNTAX,
	F_DKIM_REVOKED,
	F_DKIM_WEAK_KEY,
	F_DKIM_TESTING,
	F_DKIM_KEY_MISMATCH,
	F_MTASTS_SYNTAX,
	F_MTASTS_POLICY_FETCH,
	F_MTASTS_POLICY_SYNTAX,
	F_MTASTS_MX_MISMATCH,
	F_MTASTS_TESTING,
	F_TLSRPT_NONE,
	F_TLSRPT_SYNTAX,
	F_DANE_MISMATCH,
	F_DANE_INSECURE,
	F_DNSBL_LISTED,
	F_DNSBL_ZONE_ERROR,
	F_DNS_CHANGED,

	F_TLS_STARTTLS_MISSING,
	F_TLS_STARTTLS_REFUSED,
	F_TLS_HANDSHAKE,
	F_TLS_CERT_EXPIRED,
	F_TLS_CERT_NOT_YET_VALID,
	F_TLS_CERT_EXPIRING,
	F_TLS_CERT_HOSTNAME,
	F_TLS_CERT_UNTRUSTED,
	F_TLS_PROTOCOL_OLD,
	F_TLS_KEY_WEAK,

	F_SMTP_BANNER_4XX,
	F_SMTP_BANNER_5XX,
	F_SMTP_BANNER_TIMEOUT,
	F_SMTP_BANNER_SLOW,
	F_SMTP_REPLY_MALFORMED,
	F_SMTP_REPLY_TOO_LONG,
	F_SMTP_EHLO_REJECTED,
	F_SMTP_AUTH_PLAINTEXT,
	F_SMTP_PHASE_TIMEOUT,
	F_SMTP_PHASE_SLOW,
	F_SMTP_SMTPUTF8_MISSING,

	F_POLICY_MAIL_REJECTED,
	F_POLICY_RCPT_REJECTED,
	F_POLICY_RCPT_UNKNOWN_USER,
	F_POLICY_RCPT_ACCEPTED,
	F_POLICY_GREYLISTED,
	F_POLICY_DEFERRED,
	F_POLICY_RATE_LIMITED,
	F_POLICY_OPEN_RELAY,
	F_POLICY_CLIENT_REJECTED,
	F_POLICY_REJECTED,
	F_POLICY_CLIENT_BLOCKLISTED,
	F_POLICY_CLIENT_REPUTATION,
	F_POLICY_CLIENT_REVERSE_DNS,
	F_POLICY_HELO_REJECTED,
	F_POLICY_SENDER_UNKNOWN_DOMAIN,
	F_POLICY_NULL_SENDER_REJECTED,
	F_POLICY_RCPT_MAILBOX_FULL,
	F_POLICY_RCPT_MAILBOX_DISABLED,
	F_POLICY_RCPT_RELAY_DENIED,
	F_POLICY_AUTH_SPF,
	F_POLICY_AUTH_DKIM,
	F_POLICY_AUTH_DMARC,
	F_POLICY_AUTH_FAILED,
	F_POLICY_CONTENT_SPAM,
	F_POLICY_CONTENT_REJECTED,
	F_POLICY_MESSAGE_TOO_LARGE,
	F_SMTP_SERVER_ERROR,
	F_SMTP_COMMAND_REJECTED,
	F_SMTP_AUTH_FAILED,
	F_TLS_STARTTLS_REQUIRED,

	F_PROBE_RESOURCE,
	F_PROBE_RESOLVER,
	F_PROBE_HELO_NOT_FQDN,
	F_PROBE_EGRESS_25_BLOCKED,

	F_SMTP_BANNER_TLS,
	F_SMTP_SESSION_TIMEOUT,

	F_COUNT
};

/* A row of the catalogue. */
struct finding_def {
	const char	*id;		/* stable dotted name, e.g. "tls.cert.expired" */
	enum layer	 layer;
	enum severity	 severity;	/* the usual severity; a check may raise or lower it */
	const char	*summary;	/* what it means, one line */
	const char	*hint;		/* what to do about it, one line */
	enum blame	 blame;		/* whose fault it is */
};

/* One finding as reported. Strings are owned by the finding. */
struct finding {
	enum finding_id	 id;
	enum severity	 severity;
	char		*host;		/* the name probed or audited, or NULL */
	char		*addr;		/* numeric address, or NULL */
	int		 port;		/* 0 when not about a port */
	char		*evidence;	/* sanitised, bounded */
	const char	*hint;		/* a static remedy more precise than the
					   catalogue's (a knowledge-base row's),
					   or NULL for the catalogue's */
};

/* A growable list of findings. */
struct finding_list {
	struct finding	*v;
	size_t		 n;
	size_t		 cap;
};

/* Longest evidence string kept, in bytes (longer is cut with "..."). */
#define FINDING_EVIDENCE_MAX	512

/* The catalogue row of an id. */
const struct finding_def *finding_def(enum finding_id);

/* Look an id up by its dotted name; returns F_COUNT when unknown. */
enum finding_id	 finding_lookup(const char *);

/* The whole catalogue, F_COUNT rows, in table order. */
const struct finding_def *finding_table(void);

const char	*finding_layer_name(enum layer);
const char	*finding_blame_name(enum blame);	/* "target", "client" */

/* The hint of a finding: its own, else its catalogue row's. */
const char	*finding_hint(const struct finding *);
const char	*finding_severity_name(enum severity);

/* Status word for a worst severity: "ok", "warn", "crit" ("info" maps to "ok"). */
const char	*finding_status_name(enum severity);

/*
 * Append a finding. sev < 0 takes the catalogue's severity. host and addr
 * may be NULL, port may be 0. The evidence is formatted, sanitised (no
 * control bytes) and bounded to FINDING_EVIDENCE_MAX. Returns the new
 * finding, or NULL if memory ran out (the list is unchanged).
 */
struct finding	*finding_add(struct finding_list *, enum finding_id, int sev,
		    const char *host, const char *addr, int port,
		    const char *fmt, ...)
		    __attribute__((format(printf, 7, 8)));

/* Is there a finding with this id in the list? */
const struct finding *finding_find(const struct finding_list *, enum finding_id);

/* The worst severity in the list (SEV_OK when empty). */
enum severity	 finding_worst(const struct finding_list *);

/* Move every finding of src to the end of dst; src is left empty. */
int		 finding_list_move(struct finding_list *dst, struct finding_list *src);

/*
 * Drop every finding for which drop(f, arg) is true, keeping the order
 * of the rest.
 */
void		 finding_list_drop(struct finding_list *,
		    int (*drop)(const struct finding *, const void *arg),
		    const void *arg);

/* Order by severity, worst first, keeping the order within a severity. */
void		 finding_list_sort(struct finding_list *);

void		 finding_list_free(struct finding_list *);

#endif
