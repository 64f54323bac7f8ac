/*
 * audit.h - the DNS audit of a mail domain, run on the libevent loop
 * with lib/dns: MX (implicit and null MX included), the addresses of
 * every MX host, TLSA per MX and port, PTR and forward-confirmed reverse
 * DNS, SPF, DMARC, DKIM, MTA-STS (TXT and the HTTPS policy), TLS-RPT and
 * DNS blocklists. Every lookup runs in parallel; the record checks are
 * the pure modules spf.c, dmarc.c, dkim.c, mtasts.c and tlsrpt.c.
 *
 * The audit reports twice: once when everything a session probe needs
 * is known (MX hosts, addresses, TLSA), so probes can start while the
 * rest of the audit goes on (the MTA-STS policy included), and once at
 * the end.
 */
#ifndef SMTPROBE_AUDIT_H
#define SMTPROBE_AUDIT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "dkim.h"
#include "dns.h"
#include "finding.h"
#include "mtasts.h"
#include "tls.h"

struct event_base;
struct audit;

#define AUDIT_MX_MAX		16	/* MX hosts followed (in preference order) */
#define AUDIT_ADDRS_MAX		16	/* addresses kept per MX host */
#define AUDIT_PORTS_MAX		8	/* ports whose TLSA records are fetched */
#define AUDIT_TLSA_MAX		16	/* TLSA records kept per name */
#define AUDIT_SELECTORS_MAX	16	/* DKIM selectors */
#define AUDIT_NAME_MAX		256

/* A signer's key (dkim-key), read before the loop starts. */
struct audit_dkim_key {
	const char		*selector;
	const char		*path;		/* where it was read */
	struct dkim_pubkey	 key;		/* its public half */
};

struct audit_params {
	const char		 *domain;
	int			  family;	/* AF_UNSPEC, AF_INET or AF_INET6 */
	const int		 *ports;	/* ports the sessions will probe */
	int			  nports;
	const char *const	 *dkim_selectors;
	int			  ndkim;
	const struct audit_dkim_key *dkim_keys;
	int			  ndkim_keys;
	const char *const	 *spf_ips;	/* sending addresses to evaluate */
	int			  nspf_ips;
	const char *const	 *dnsbl_zones;
	int			  ndnsbl;
	struct tls_ctx		 *tls;		/* for the MTA-STS fetch */
	int			  mtasts_port;	/* 443 unless testing */
	int			  fetch_timeout_ms;
	int			  allow_private; /* private/loopback MX addresses are fine */
	int			  dane_required; /* TLS policy dane */
	int			  host_mode;	/* domain is one mail host: no MX
						   and no domain records */
	int			  literal;	/* host mode, and the host is an
						   address: its PTR, forward
						   confirmation and blocklists
						   only (a sending address) */
	int			  minimal;	/* only what sessions need to
						   connect: MX and addresses */
};

struct audit_tlsa {
	int		 port;
	enum dns_status	 status;
	int		 secure;	/* answer had AD set */
	int		 n;
	struct tls_tlsa	 v[AUDIT_TLSA_MAX];
	unsigned char	*blob;		/* storage of every record's data */
};

struct audit_addr {
	char		 addr[INET6_ADDRSTRLEN];
	int		 family;
	char		 ptr[AUDIT_NAME_MAX];	/* first PTR name, "" if none */
	enum dns_status	 ptr_status;
	int		 fcrdns;		/* the PTR name resolves back */
	int		 listed;		/* DNSBL listings */
};

struct audit_mx {
	char		 host[AUDIT_NAME_MAX];	/* no trailing dot */
	int		 pref;
	int		 implicit;		/* RFC 5321 5.1: the domain itself */
	char		 cname[AUDIT_NAME_MAX];	/* alias target, "" if none */
	enum dns_status	 a_status, aaaa_status;
	struct audit_addr addrs[AUDIT_ADDRS_MAX];
	int		 naddrs;
	struct audit_tlsa tlsa[AUDIT_PORTS_MAX];
	int		 ntlsa;
};

struct audit_result {
	char		 domain[AUDIT_NAME_MAX];
	enum dns_status	 mx_status;
	int		 host_mode;	/* one host: no MX, no domain records */
	int		 minimal;	/* only what sessions need (MX and
					   addresses): the records were not
					   audited again (audit_params.minimal) */
	int		 null_mx;
	struct audit_mx	 mx[AUDIT_MX_MAX];
	int		 nmx;
	char		*spf;		/* the SPF record, or NULL */
	char		*dmarc;		/* the DMARC record, or NULL */
	char		 dmarc_domain[AUDIT_NAME_MAX]; /* where it was found: the
					   domain or its organisational
					   domain; "" without a record */
	char		*tlsrpt;
	char		*mtasts_txt;
	char		*mtasts_body;	/* the policy as fetched */
	int		 mtasts_valid;	/* a policy applies */
	struct mtasts_policy mtasts;
	struct {
		char	 selector[64];
		char	*record;	/* NULL when none */
	}		 dkim[AUDIT_SELECTORS_MAX];
	int		 ndkim;
	struct finding_list findings;
	/* how each record's lookup ended (DNS_OK also for "not asked") */
	enum dns_status	 spf_status, dmarc_status, tlsrpt_status,
			 mtasts_status;
	enum dns_status	 dkim_status[AUDIT_SELECTORS_MAX];
	/* the prober's own resolver and host */
	int		 n_live;	/* lookups a server answered */
	int		 n_dead;	/* lookups that timed out or were
					   refused by the resolver */
	int		 n_local;	/* lookups this host could not make */
	int		 resolver_dead;	/* no lookup was answered at all: the
					   dns findings are replaced by one
					   probe.resolver */
	int		 local_trouble;	/* probe.resource: a lookup could not
					   be made here */
	int64_t		 ms;		/* first lookup to the end */
	int64_t		 us;		/* the same in microseconds */
	int64_t		 mx_ms;		/* first lookup to "MX ready" */
};

enum audit_stage {
	AUDIT_MX_READY,		/* mx[], addresses and TLSA known */
	AUDIT_DONE,		/* everything answered */
};

typedef void (*audit_cb)(struct audit *, enum audit_stage, void *arg);

/*
 * Start auditing p->domain with resolver res. cb runs twice, from the
 * loop: AUDIT_MX_READY then AUDIT_DONE. Strings in p must live as long
 * as the audit. Returns NULL with *cause on failure to start.
 */
struct audit	*audit_start(struct event_base *, struct dns_resolver *,
		    const struct audit_params *, audit_cb, void *arg,
		    const char **cause);

struct audit_result *audit_result(struct audit *);

/*
 * After the session probes: compare the name a server gave in its
 * greeting or EHLO with the PTR of its address (ptr.mismatch, info).
 */
void		 audit_check_greeting(struct audit *, const char *addr,
		    int port, const char *name);

/*
 * Cancel what is outstanding (lookups, the policy fetch) and call back no
 * more; the result so far stays until audit_free. For a deadline.
 */
void		 audit_stop(struct audit *);

/* Cancel what is outstanding and free everything. */
void		 audit_free(struct audit *);

/* Is the address private, loopback, link-local or otherwise unroutable? */
int		 audit_addr_private(const char *addr);

#endif
