/*
 * tlsrpt.c - the TLS-RPT record audit (RFC 8460 3).
 *
 *	tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
 *	field-delim   = *WSP ";" *WSP
 *	tlsrpt-rua    = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
 * Names and "v=TLSRPTv1" are case-sensitive and take no white space
 * around "=". RFC 8460 defines mailto: and https: destinations only, so
 * another scheme gets no report and is flagged.
 */
#include <stdio.h>
#include <string.h>

#include "tlsrpt.h"
#include "util.h"

#define EV(p, n)	txtrec_evlen(n), (p)

static void
rua(const char *domain, const char *name, const struct txtrec_tag *t,
    struct tlsrpt_record *rec, struct finding_list *fl, int *bad)
{
	struct tlsrpt_uri	 u;
	const char		*item, *why;
	size_t			 off = 0, ilen, start = fl->n;
	int			 scheme;

	while (txtrec_list_next(t->val, t->vallen, &off, ',', &item, &ilen)) {
		memset(&u, 0, sizeof(u));
		scheme = txtrec_uri(item, ilen, u.host, sizeof(u.host), &why);
		if (scheme == TXTREC_URI_MAILTO || scheme == TXTREC_URI_HTTPS) {
			u.scheme = scheme;
			util_sanitize_buf(u.uri, sizeof(u.uri), item, ilen);
			if (rec->nrua < TLSRPT_URIS_MAX)
				rec->rua[rec->nrua++] = u;
			continue;
		}
		if (scheme != -1)
			why = "the scheme must be mailto: or https:";
		*bad = 1;
		/* Bounded: 2000 bad URIs are not 2000 findings. */
		if (fl->n - start >= TXTREC_FINDINGS_MAX)
			continue;
		finding_add(fl, F_TLSRPT_SYNTAX, -1, domain, NULL, 0,
		    "%s: rua: URI \"%.*s\": %s", name, EV(item, ilen), why);
	}
}

int
tlsrpt_parse(const char *domain, const char *s, size_t len,
    struct tlsrpt_record *rec, struct finding_list *fl)
{
	struct txtrec_iter	 it;
	struct txtrec_tag	 t;
	const char		*why;
	char			 name[300];
	int			 r, bad = 0, has_rua = 0;

	memset(rec, 0, sizeof(*rec));
	snprintf(name, sizeof(name), "_smtp._tls.%s", domain);
	if (txtrec_check_head(name, domain, s, len, TLSRPT_RECORD_MAX,
	    "TLSRPTv1", TXTREC_STS, F_TLSRPT_SYNTAX, -1, fl) == -1)
		return -1;

	txtrec_init(&it, s, len, TXTREC_STS);
	while ((r = txtrec_next(&it, &t, &why)) != 0) {
		if (r == -1) {
			finding_add(fl, F_TLSRPT_SYNTAX, -1, domain, NULL, 0,
			    "%s: \"%.*s\": %s", name, EV(t.name, t.namelen),
			    why);
			bad = 1;
		} else if (txtrec_tag_is(&it, &t, "v")) {
			/* First by txtrec_has_version(); exact here. */
			if (t.vallen != 8 || memcmp(t.val, "TLSRPTv1", 8) != 0) {
				finding_add(fl, F_TLSRPT_SYNTAX, -1, domain,
				    NULL, 0, "%s: v=\"%.*s\": must be exactly "
				    "TLSRPTv1", name, EV(t.val, t.vallen));
				bad = 1;
			}
		} else if (txtrec_tag_is(&it, &t, "rua")) {
			has_rua = 1;
			rua(domain, name, &t, rec, fl, &bad);
		} else if (!txtrec_sts_extvalue(t.val, t.vallen)) {
			finding_add(fl, F_TLSRPT_SYNTAX, -1, domain, NULL, 0,
			    "%s: %.*s=\"%.*s\": an extension value must be "
			    "printable, without space, \"=\" or \";\"", name,
			    EV(t.name, t.namelen), EV(t.val, t.vallen));
			bad = 1;
		}
	}
	if (!has_rua) {
		finding_add(fl, F_TLSRPT_SYNTAX, -1, domain, NULL, 0,
		    "%s: rua: missing; senders have nowhere to report", name);
		bad = 1;
	}
	return bad ? -1 : 0;
}

int
tlsrpt_check(const char *domain, const char *const *txt, const size_t *len,
    size_t n, struct tlsrpt_record *rec, struct finding_list *fl)
{
	size_t	 first = 0, count;

	memset(rec, 0, sizeof(*rec));
	count = txtrec_select(txt, len, n, "TLSRPTv1", TXTREC_STS, &first);
	if (count == 0) {
		finding_add(fl, F_TLSRPT_NONE, -1, domain, NULL, 0,
		    "_smtp._tls.%s: no TXT record starts with v=TLSRPTv1 "
		    "(%zu TXT records)", domain, n);
		return -1;
	}
	if (count > 1) {
		finding_add(fl, F_TLSRPT_SYNTAX, -1, domain, NULL, 0,
		    "_smtp._tls.%s: %zu records start with v=TLSRPTv1; "
		    "senders use none (RFC 8460 3)", domain, count);
		return -1;
	}
	return tlsrpt_parse(domain, txt[first], len[first], rec, fl);
}
