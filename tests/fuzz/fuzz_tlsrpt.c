/*
 * fuzz_tlsrpt.c - libFuzzer harness for lib/tlsrpt.c (and txtrec.c).
 *
 * The input is the TXT answer at _smtp._tls.DOMAIN: records split on
 * LF, each in an exact-size heap copy so a read past its length trips
 * ASan. Invariant breaks abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlsrpt.h"

#define NREC	8

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t		*p = data, *end = data + size, *nl;
	char			*txt[NREC];
	size_t			 len[NREC], n = 0, i, j;
	struct tlsrpt_record	 rec;
	struct finding_list	 fl = { 0 };
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

	r = tlsrpt_check("example.com", (const char *const *)txt, len, n, &rec,
	    &fl);
	if (rec.nrua > TLSRPT_URIS_MAX || (r == 0 && (rec.nrua == 0 ||
	    fl.n != 0)) || (r == -1 && fl.n == 0))
		abort();
	for (i = 0; i < rec.nrua; i++)
		if ((rec.rua[i].scheme != TXTREC_URI_MAILTO &&
		    rec.rua[i].scheme != TXTREC_URI_HTTPS) ||
		    rec.rua[i].host[0] == '\0')
			abort();
	for (i = 0; i < fl.n; i++) {
		if (fl.v[i].id != F_TLSRPT_NONE && fl.v[i].id != F_TLSRPT_SYNTAX)
			abort();
		for (j = 0; fl.v[i].evidence[j] != '\0'; j++)
			if ((unsigned char)fl.v[i].evidence[j] < 0x20 ||
			    (unsigned char)fl.v[i].evidence[j] > 0x7e)
				abort();
	}
	finding_list_free(&fl);

	while (n > 0)
		free(txt[--n]);
	return 0;
}
