/*
 * tlsrpt.h - audit of the SMTP TLS Reporting record at _smtp._tls.DOMAIN
 * (RFC 8460 3).
 *
 * Pure logic: the caller resolves the TXT records (each one's strings
 * already joined). Findings go to a finding_list with host = DOMAIN and
 * evidence naming the record, the tag or URI and the value.
 */
#ifndef SMTPROBE_TLSRPT_H
#define SMTPROBE_TLSRPT_H

#include <stddef.h>

#include "finding.h"
#include "txtrec.h"

#define TLSRPT_RECORD_MAX	4096	/* longer records are refused */
#define TLSRPT_URIS_MAX		8	/* URIs kept; more are checked, not kept */
#define TLSRPT_URI_MAX		255	/* bytes of a URI kept */

/* One rua= destination. */
struct tlsrpt_uri {
	char		 uri[TLSRPT_URI_MAX + 1];	/* as published (cut to fit) */
	int		 scheme;	/* TXTREC_URI_MAILTO or TXTREC_URI_HTTPS */
	char		 host[TXTREC_HOST_MAX + 1];	/* mail domain or web host, lowercase */
};

/* A parsed record. */
struct tlsrpt_record {
	struct tlsrpt_uri rua[TLSRPT_URIS_MAX];	/* valid rua URIs */
	size_t		 nrua;
};

/*
 * Audit the n TXT records (txt[i] has len[i] bytes) at _smtp._tls.DOMAIN.
 * Only records starting "v=TLSRPTv1" count: none is tlsrpt.none, more
 * than one tlsrpt.syntax (senders then use none, RFC 8460 3); the one is
 * parsed by tlsrpt_parse(). Returns 0 when senders will report (filled
 * in *rec), -1 otherwise.
 */
int		 tlsrpt_check(const char *domain, const char *const *txt,
		    const size_t *len, size_t n, struct tlsrpt_record *rec,
		    struct finding_list *fl);

/*
 * Parse one record: v=TLSRPTv1 first, exactly one rua= with a
 * comma-separated list of mailto: and https: URIs, extensions per the
 * RFC 8460 grammar. Each error is a tlsrpt.syntax naming the tag or the
 * URI (another scheme, a mailto: without a domain...). Returns 0 when
 * the record is valid, -1 otherwise.
 */
int		 tlsrpt_parse(const char *domain, const char *s, size_t len,
		    struct tlsrpt_record *rec, struct finding_list *fl);

#endif
