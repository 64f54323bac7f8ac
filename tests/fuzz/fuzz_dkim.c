/*
 * fuzz_dkim.c - libFuzzer harness for lib/dkim.c (and txtrec.c).
 *
 * The input is the TXT answer at SELECTOR._domainkey.DOMAIN: records
 * split on LF, each in an exact-size heap copy so a read past its
 * length trips ASan. A usable key is compared with a key made once at
 * start (ed25519: cheap), which runs the key decoding again. The whole
 * input is also read as a signer's PEM key file (dkim_pubkey_read).
 * Invariant breaks abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "dkim.h"

#define NREC	8

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct dkim_pubkey signer;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	EVP_PKEY	*pk;
	BIO		*bio;
	BUF_MEM		*mem;

	(void)argc;
	(void)argv;
	if ((pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL ||
	    (bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) != 1)
		abort();
	BIO_get_mem_ptr(bio, &mem);
	if (dkim_pubkey_read(mem->data, mem->length, &signer, NULL) == -1 ||
	    !signer.from_private)
		abort();
	BIO_free(bio);
	EVP_PKEY_free(pk);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t		*p = data, *end = data + size, *nl;
	char			*txt[NREC], *cause = NULL, *copy;
	struct dkim_pubkey	 pub;
	size_t			 len[NREC], n = 0, i, j;
	struct dkim_key		 key;
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

	r = dkim_check("sel", "example.com", (const char *const *)txt, len, n,
	    &key, &fl);
	if (key.derlen > DKIM_KEY_MAX)
		abort();
	if (r == 0) {
		if (key.revoked || key.derlen == 0 || key.bits <= 0)
			abort();
		if (dkim_key_match("sel", "example.com", &key, &signer,
		    &fl) == -1)
			abort();
	}

	if (size <= DKIM_PEM_MAX) {
		if ((copy = malloc(size ? size : 1)) == NULL)
			abort();
		memcpy(copy, data, size);
		if (dkim_pubkey_read(copy, size, &pub, &cause) == 0) {
			if (pub.pk == NULL || cause != NULL)
				abort();
			dkim_pubkey_free(&pub);
		} else if (pub.pk != NULL || cause == NULL)
			abort();
		free(cause);
		free(copy);
	}
	for (i = 0; i < fl.n; i++) {
		if (fl.v[i].id < F_DKIM_MISSING ||
		    fl.v[i].id > F_DKIM_KEY_MISMATCH)
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
