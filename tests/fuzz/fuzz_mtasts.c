/*
 * fuzz_mtasts.c - libFuzzer harness for lib/mtasts.c (and txtrec.c).
 *
 * The first byte picks the parser. Odd: the rest is a policy body,
 * parsed from an exact-size heap copy (a read past its length trips
 * ASan); a valid policy must match its own patterns, and every line of
 * the body is tried as an MX host. Even: the rest is the TXT answer at
 * _mta-sts.DOMAIN, records split on LF. Invariant breaks abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mtasts.h"

#define NREC	8

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_findings(const struct finding_list *fl)
{
	size_t	 i, j;

	for (i = 0; i < fl->n; i++) {
		if (fl->v[i].id != F_MTASTS_SYNTAX &&
		    fl->v[i].id != F_MTASTS_POLICY_SYNTAX &&
		    fl->v[i].id != F_MTASTS_TESTING &&
		    fl->v[i].id != F_MTASTS_MX_MISMATCH)
			abort();
		for (j = 0; fl->v[i].evidence[j] != '\0'; j++)
			if ((unsigned char)fl->v[i].evidence[j] < 0x20 ||
			    (unsigned char)fl->v[i].evidence[j] > 0x7e)
				abort();
	}
}

static void
policy(const uint8_t *data, size_t size, struct finding_list *fl)
{
	struct mtasts_policy	 pol;
	const uint8_t		*p, *end = data + size, *nl;
	char			*body, *host, probe[TXTREC_HOST_MAX + 3];
	const char		*mx[1];
	size_t			 i, len;
	int			 r;

	if ((body = malloc(size ? size : 1)) == NULL)
		abort();
	memcpy(body, data, size);
	r = mtasts_parse_policy("example.com", body, size, &pol, fl);
	free(body);
	if (pol.nmx > MTASTS_MX_MAX)
		abort();
	if (r != 0)
		return;
	if (pol.mode == MTASTS_MODE_UNSET || pol.max_age > MTASTS_MAX_AGE_MAX)
		abort();
	for (i = 0; i < pol.nmx; i++) {
		if (strncmp(pol.mx[i], "*.", 2) == 0) {
			if (strlen(pol.mx[i]) + 1 > TXTREC_HOST_MAX)
				continue;
			probe[0] = 'a';
			strcpy(probe + 1, pol.mx[i] + 1);
		} else
			strcpy(probe, pol.mx[i]);
		if (!mtasts_mx_match(&pol, probe))
			abort();
	}
	for (p = data; p < end; p = nl ? nl + 1 : end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl ? nl : end) - p);
		if ((host = malloc(len + 1)) == NULL)
			abort();
		memcpy(host, p, len);
		host[len] = '\0';
		mx[0] = host;
		(void)mtasts_check_mx("example.com", &pol, mx, 1, fl);
		free(host);
	}
}

static void
records(const uint8_t *data, size_t size, struct finding_list *fl)
{
	const uint8_t		*p = data, *end = data + size, *nl;
	char			*txt[NREC];
	size_t			 len[NREC], n = 0, i;
	struct mtasts_record	 rec;
	int			 r;

	while (p < end && n < NREC) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len[n] = (size_t)((nl ? nl : end) - p);
		if ((txt[n] = malloc(len[n] ? len[n] : 1)) == NULL)
			abort();
		memcpy(txt[n], p, len[n]);
		n++;
		p = nl ? nl + 1 : end;
	}
	r = mtasts_check_record("example.com", (const char *const *)txt, len,
	    n, &rec, fl);
	if (r == 1) {
		if (rec.id[0] == '\0' || strlen(rec.id) > MTASTS_ID_MAX)
			abort();
		for (i = 0; rec.id[i] != '\0'; i++)
			if (!((rec.id[i] >= '0' && rec.id[i] <= '9') ||
			    ((rec.id[i] | 0x20) >= 'a' &&
			    (rec.id[i] | 0x20) <= 'z')))
				abort();
	}
	if ((r == -1) != (fl->n > 0))
		abort();
	while (n > 0)
		free(txt[--n]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct finding_list	 fl = { 0 };

	if (size == 0)
		return 0;
	if (data[0] & 1)
		policy(data + 1, size - 1, &fl);
	else
		records(data + 1, size - 1, &fl);
	check_findings(&fl);
	finding_list_free(&fl);
	return 0;
}
