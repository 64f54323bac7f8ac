/*
 * fuzz_dmarc.c - libFuzzer harness for lib/dmarc.c (and txtrec.c).
 *
 * The input is the TXT answer at _dmarc.DOMAIN: records split on LF,
 * each in an exact-size heap copy so a read past its length trips ASan.
 * It is judged twice: as the domain's own record and as the record of
 * the organisational domain of a subdomain (RFC 7489 6.6.3). A usable
 * record's report destinations are listed and judged against the same
 * records as the authorisation answer. Invariant breaks abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmarc.h"

#define NREC	8

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_findings(const struct finding_list *fl)
{
	size_t	 i, j;

	for (i = 0; i < fl->n; i++) {
		if (fl->v[i].id < F_DMARC_NONE ||
		    fl->v[i].id > F_DMARC_RUA_UNAUTHORIZED)
			abort();
		if (strlen(fl->v[i].evidence) > FINDING_EVIDENCE_MAX)
			abort();
		for (j = 0; fl->v[i].evidence[j] != '\0'; j++)
			if ((unsigned char)fl->v[i].evidence[j] < 0x20 ||
			    (unsigned char)fl->v[i].evidence[j] > 0x7e)
				abort();
	}
}

static void
check_record(const char *domain, const struct dmarc_record *rec,
    const char *const *txt, const size_t *len, size_t n,
    struct finding_list *fl)
{
	struct dmarc_dest	 d[DMARC_DESTS_MAX];
	size_t			 i, nd, hl, ql;

	if (rec->p < DMARC_P_NONE || rec->p > DMARC_P_REJECT ||
	    rec->sp < DMARC_P_NONE || rec->sp > DMARC_P_REJECT ||
	    (rec->applied != rec->p && rec->applied != rec->sp) ||
	    rec->pct < 0 || rec->pct > 100 ||
	    (rec->adkim != 'r' && rec->adkim != 's') ||
	    (rec->aspf != 'r' && rec->aspf != 's') ||
	    rec->nrua > DMARC_URIS_MAX || rec->nruf > DMARC_URIS_MAX)
		abort();
	nd = dmarc_report_dests(domain, rec, d, DMARC_DESTS_MAX);
	if (nd > DMARC_DESTS_MAX)
		abort();
	for (i = 0; i < nd; i++) {
		hl = strlen(d[i].host);
		ql = strlen(d[i].qname);
		if (hl == 0 || dmarc_same_org(domain, d[i].host))
			abort();
		if (ql > 0 && (ql > TXTREC_HOST_MAX || ql < hl + 16 ||
		    strcmp(d[i].qname + ql - hl, d[i].host) != 0 ||
		    memcmp(d[i].qname + ql - hl - 16, "._report._dmarc.",
		    16) != 0))
			abort();
		if (dmarc_report_check(domain, &d[i], txt, len, n, fl) !=
		    dmarc_report_authorized(txt, len, n) && ql > 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t		*p = data, *end = data + size, *nl;
	char			*txt[NREC];
	size_t			 len[NREC], n = 0;
	struct dmarc_record	 rec;
	struct finding_list	 fl = { 0 };

	while (p < end && n < NREC) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len[n] = (size_t)((nl ? nl : end) - p);
		if ((txt[n] = malloc(len[n] ? len[n] : 1)) == NULL)
			abort();
		memcpy(txt[n], p, len[n]);
		n++;
		p = nl ? nl + 1 : end;
	}

	if (dmarc_check("example.com", "example.com",
	    (const char *const *)txt, len, n, &rec, &fl) == 0)
		check_record("example.com", &rec, (const char *const *)txt,
		    len, n, &fl);
	check_findings(&fl);
	finding_list_free(&fl);

	if (dmarc_check("mail.example.co.uk", "example.co.uk",
	    (const char *const *)txt, len, n, &rec, &fl) == 0) {
		if (rec.applied != rec.sp)
			abort();
		check_record("example.co.uk", &rec, (const char *const *)txt,
		    len, n, &fl);
	}
	check_findings(&fl);
	finding_list_free(&fl);

	while (n > 0)
		free(txt[--n]);
	return 0;
}
