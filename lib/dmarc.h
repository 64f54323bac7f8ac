/*
 * dmarc.h - audit of the DMARC record at _dmarc.DOMAIN (RFC 7489 6.3,
 * 6.4, 6.6.3) and of its external report destinations (7.1).
 *
 * Pure logic: the caller resolves the TXT records (each one's strings
 * already joined) and hands them in; findings go to a finding_list with
 * host = DOMAIN and evidence naming the record, the tag and the value.
 * Organisational domains (RFC 7489 3.2) come from the Public Suffix List
 * through libpsl: the newer of the list built into libpsl and the one the
 * publicsuffix package installs, read once per process.
 */
#ifndef SMTPROBE_DMARC_H
#define SMTPROBE_DMARC_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "txtrec.h"

#define DMARC_RECORD_MAX	4096	/* longer records are refused */
#define DMARC_URIS_MAX		8	/* URIs kept per rua/ruf; more are checked, not kept */
#define DMARC_URI_MAX		255	/* bytes of a URI kept for evidence */
#define DMARC_DESTS_MAX		(2 * DMARC_URIS_MAX)

enum dmarc_policy {
	DMARC_P_UNSET,		/* no valid value */
	DMARC_P_NONE,
	DMARC_P_QUARANTINE,
	DMARC_P_REJECT,
};

/* fo= options, as bits. */
#define DMARC_FO_0	0x1	/* report when all mechanisms fail (the default) */
#define DMARC_FO_1	0x2	/* report when any mechanism fails */
#define DMARC_FO_D	0x4	/* report DKIM failures */
#define DMARC_FO_S	0x8	/* report SPF failures */

/* One reporting URI of rua= or ruf=. */
struct dmarc_uri {
	char		 uri[DMARC_URI_MAX + 1];	/* as published, without "!size" */
	char		 host[TXTREC_HOST_MAX + 1];	/* mailto: domain, lowercase; "" otherwise */
	uint64_t	 size;		/* "!size" limit in bytes; 0 when none */
};

/* A parsed record; tags that are absent or invalid hold their defaults. */
struct dmarc_record {
	enum dmarc_policy p;		/* effective p=: DMARC_P_NONE on the 6.6.3 fallback */
	enum dmarc_policy sp;		/* sp=, else p */
	enum dmarc_policy applied;	/* for the subject: p, or sp when the
					   record is its organisational domain's */
	int		 pct;		/* 0..100, default 100 */
	char		 adkim;		/* 'r' or 's', default 'r' */
	char		 aspf;		/* 'r' or 's', default 'r' */
	unsigned	 fo;		/* DMARC_FO_* bits, default DMARC_FO_0 */
	uint32_t	 ri;		/* report interval in seconds, default 86400 */
	struct dmarc_uri rua[DMARC_URIS_MAX];	/* valid aggregate-report URIs */
	size_t		 nrua;
	struct dmarc_uri ruf[DMARC_URIS_MAX];	/* valid failure-report URIs */
	size_t		 nruf;
};

/* An external report destination and the name that must authorise it. */
struct dmarc_dest {
	const char	*tag;		/* "rua" or "ruf" (static) */
	char		 uri[DMARC_URI_MAX + 1];	/* the first URI naming it */
	char		 host[TXTREC_HOST_MAX + 1];	/* the destination domain */
	char		 qname[TXTREC_HOST_MAX + 1];	/* DOMAIN._report._dmarc.HOST; "" if over 253 bytes */
};

/*
 * Audit the n TXT records at _dmarc.DOMAIN (txt[i] has len[i] bytes) as
 * the policy of SUBJECT, the domain audited: DOMAIN itself, or its
 * organisational domain when SUBJECT has no record (RFC 7489 6.6.3).
 * Only records starting "v=DMARC1" count: none is dmarc.none, more than
 * one is dmarc.multiple; the one is parsed as dmarc_parse() does, except
 * that for a SUBJECT other than DOMAIN the policy judged is sp= (6.3).
 * Returns 0 when receivers apply a record (filled in *rec), -1 when they
 * apply none.
 */
int		 dmarc_check(const char *subject, const char *domain,
		    const char *const *txt, const size_t *len, size_t n,
		    struct dmarc_record *rec, struct finding_list *fl);

/*
 * Parse one record. dmarc.syntax is crit when receivers drop the record
 * (v not first or not DMARC1; p or sp missing or invalid without a valid
 * rua URI), warn when a tag is ignored or its default used (bad value,
 * malformed or duplicate tag-spec, p/sp invalid with the p=none fallback
 * of 6.6.3, a URI scheme other than mailto:), info for an unknown tag
 * (ignored, 6.3). dmarc.policy-none when the effective policy is none,
 * or when pct=0 has receivers enact it on no message (6.6.4). Returns 0
 * when receivers apply the record, -1 otherwise.
 */
int		 dmarc_parse(const char *domain, const char *s, size_t len,
		    struct dmarc_record *rec, struct finding_list *fl);

/*
 * The organisational domain of DOMAIN (RFC 7489 3.2): its longest public
 * suffix on the Public Suffix List plus one label, so example.co.uk for
 * mail.example.co.uk and example.com.cn for a.b.example.com.cn (a name
 * under a suffix the list does not know takes its last label as the
 * suffix). A public suffix, a single label and a name without a list are
 * their own organisational domain. Written lowercase, without a final
 * dot, to out (outlen bytes). Returns 0, or -1 when DOMAIN is longer
 * than TXTREC_HOST_MAX or out too small (out is then "").
 */
int		 dmarc_org_domain(const char *domain, char *out,
		    size_t outlen);

/*
 * Are two domains in the same organisation: the same organisational
 * domain, case and a final dot ignored? Names too long for DNS are
 * compared whole.
 */
int		 dmarc_same_org(const char *a, const char *b);

/*
 * List the external destinations of rec's rua and ruf mailto: URIs (RFC
 * 7489 7.1): each destination domain whose organisation differs from
 * DOMAIN's, once, with the TXT name to query. Fills at most max entries
 * of out and returns how many.
 */
size_t		 dmarc_report_dests(const char *domain,
		    const struct dmarc_record *rec, struct dmarc_dest *out,
		    size_t max);

/* Does the TXT answer at a dest's qname authorise it (a record starting v=DMARC1)? */
int		 dmarc_report_authorized(const char *const *txt,
		    const size_t *len, size_t n);

/*
 * Judge the TXT answer (n records; n = 0 for NXDOMAIN or no TXT) at
 * dest->qname: adds dmarc.rua-unauthorized unless it authorises the
 * destination. Returns 1 when authorised, 0 when not. DNS failures are
 * the resolver's to report; do not call this for them.
 */
int		 dmarc_report_check(const char *domain,
		    const struct dmarc_dest *dest, const char *const *txt,
		    const size_t *len, size_t n, struct finding_list *fl);

const char	*dmarc_policy_name(enum dmarc_policy);

#endif
