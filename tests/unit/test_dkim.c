/*
 * test_dkim.c - the DKIM key record audit and the key match. Keys are
 * generated at start with OpenSSL, none is committed.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "dkim.h"
#include "want_findings.h"

#define SEL	"sel"
#define D	"example.com"
#define R	"sel._domainkey.example.com: "

/* The test keys: generated once, each with its p= forms and a PEM. */
enum { K_RSA2048, K_RSA1024, K_RSA512, K_ED25519, K_EC, K_OTHER2048,
    K_COUNT };

struct tkey {
	EVP_PKEY	*pk;
	char		 spki[4096];	/* base64 SubjectPublicKeyInfo */
	char		 pkcs1[4096];	/* base64 RSAPublicKey (RSA only) */
	char		 raw[64];	/* base64 raw key (ed25519 only) */
	char		*pem;		/* PKCS#8 private key */
	size_t		 pemlen;
	char		*pub;		/* SubjectPublicKeyInfo ("openssl pkey
					   -pubout") */
	size_t		 publen;
};

static struct tkey keys[K_COUNT];

static void
b64(char *out, const unsigned char *der, int len)
{
	EVP_EncodeBlock((unsigned char *)out, der, len);
}

static int
make_key(struct tkey *k, EVP_PKEY *pk)
{
	unsigned char	*der = NULL;
	BIO		*bio;
	BUF_MEM		*mem;
	int		 len;

	k->pk = pk;
	if (pk == NULL || (len = i2d_PUBKEY(pk, &der)) <= 0)
		return -1;
	b64(k->spki, der, len);
	OPENSSL_free(der);
	der = NULL;
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA) {
		if ((len = i2d_PublicKey(pk, &der)) <= 0)
			return -1;
		b64(k->pkcs1, der, len);
		OPENSSL_free(der);
	}
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519) {
		unsigned char	 raw[32];
		size_t		 rawlen = sizeof(raw);

		if (EVP_PKEY_get_raw_public_key(pk, raw, &rawlen) != 1)
			return -1;
		b64(k->raw, raw, (int)rawlen);
	}
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) != 1)
		return -1;
	BIO_get_mem_ptr(bio, &mem);
	k->pemlen = mem->length;
	k->pem = malloc(mem->length + 1);
	memcpy(k->pem, mem->data, mem->length);
	k->pem[k->pemlen] = '\0';
	BIO_free(bio);
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(bio, pk) != 1)
		return -1;
	BIO_get_mem_ptr(bio, &mem);
	k->publen = mem->length;
	k->pub = malloc(mem->length + 1);
	memcpy(k->pub, mem->data, mem->length);
	k->pub[k->publen] = '\0';
	BIO_free(bio);
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	if (make_key(&keys[K_RSA2048], EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)2048)) == -1 ||
	    make_key(&keys[K_RSA1024], EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)1024)) == -1 ||
	    make_key(&keys[K_RSA512], EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)512)) == -1 ||
	    make_key(&keys[K_ED25519], EVP_PKEY_Q_keygen(NULL, NULL,
	    "ED25519")) == -1 ||
	    make_key(&keys[K_EC], EVP_PKEY_Q_keygen(NULL, NULL, "EC",
	    "P-256")) == -1 ||
	    make_key(&keys[K_OTHER2048], EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)2048)) == -1)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < K_COUNT; i++) {
		EVP_PKEY_free(keys[i].pk);
		free(keys[i].pem);
		free(keys[i].pub);
	}
	return 0;
}

/* Which form of which key replaces the "%s" of a record template. */
enum form { F_NONE, F_SPKI, F_PKCS1, F_RAW, F_FOLDED };

struct kcase {
	const char	*name;
	const char	*tmpl[3];	/* TXT records, "%s" for the key; NULL-ended */
	int		 key;
	enum form	 form;
	int		 ret;		/* dkim_check() */
	int		 bits;		/* key.bits when ret is 0 */
	struct want	 want[WANT_MAX];
};

static const struct kcase cases[] = {
	{ "rsa 2048", { "v=DKIM1; k=rsa; p=%s" }, K_RSA2048, F_SPKI, 0, 2048,
	    { { 0 } } },
	{ "no v, no k", { "p=%s" }, K_RSA2048, F_SPKI, 0, 2048, { { 0 } } },
	{ "RSAPublicKey form", { "v=DKIM1; p=%s" }, K_RSA2048, F_PKCS1, 0,
	    2048, { { 0 } } },
	{ "folded base64", { "v=DKIM1; p=%s" }, K_RSA2048, F_FOLDED, 0, 2048,
	    { { 0 } } },
	{ "rsa 1024", { "v=DKIM1; p=%s" }, K_RSA1024, F_SPKI, 0, 1024,
	    { { F_DKIM_WEAK_KEY, SEV_WARN, R "p=\"MIGfMA0GCSqGSIb3DQEBAQUA"
	    "...\": 1024-bit RSA key, under 2048 bits" } } },
	{ "rsa 512", { "v=DKIM1; p=%s" }, K_RSA512, F_SPKI, 0, 512,
	    { { F_DKIM_WEAK_KEY, SEV_CRIT, R "p=\"MFwwDQYJKoZIhvcNAQEBBQAD"
	    "...\": 512-bit RSA key; verifiers refuse keys under 1024 "
	    "bits" } } },
	{ "ed25519", { "v=DKIM1; k=ed25519; p=%s" }, K_ED25519, F_RAW, 0, 256,
	    { { 0 } } },
	{ "ed25519 as SPKI", { "v=DKIM1; k=ed25519; p=%s" }, K_ED25519, F_SPKI,
	    -1, 0, { { F_DKIM_SYNTAX, SEV_CRIT, R "p=\"MCowBQYDK2VwAyEA",
	    }, { 0 } } },
	{ "EC key with k=rsa", { "v=DKIM1; p=%s" }, K_EC, F_SPKI, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, "...\": holds an EC key, where "
	    "k=rsa" } } },
	{ "missing", { NULL }, K_RSA2048, F_NONE, -1, 0,
	    { { F_DKIM_MISSING, SEV_CRIT, R "no TXT record" } } },
	{ "revoked", { "v=DKIM1; p=" }, K_RSA2048, F_NONE, -1, 0,
	    { { F_DKIM_REVOKED, SEV_WARN, R "p=\"\": the key is revoked" } } },
	{ "revoked, white space", { "v=DKIM1; k=rsa; p= ; t=y" }, K_RSA2048,
	    F_NONE, -1, 0, { { F_DKIM_REVOKED, SEV_WARN, R "p=\"\"" } } },
	{ "testing", { "v=DKIM1; t=y; p=%s" }, K_RSA2048, F_SPKI, 0, 2048,
	    { { F_DKIM_TESTING, SEV_INFO, R "t=y" } } },
	{ "testing among flags", { "v=DKIM1; t=s:y:future; p=%s" }, K_RSA2048,
	    F_SPKI, 0, 2048, { { F_DKIM_TESTING, SEV_INFO, R "t=y" } } },
	{ "t=s alone", { "v=DKIM1; t=s; p=%s" }, K_RSA2048, F_SPKI, 0, 2048,
	    { { 0 } } },
	{ "bad flag", { "v=DKIM1; t=y:; p=%s" }, K_RSA2048, F_SPKI, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, R "t=\"y:\": \"\" is not a flag" } } },
	{ "v not first", { "k=rsa; v=DKIM1; p=%s" }, K_RSA2048, F_SPKI, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, R "v=\"DKIM1\": v must be the first "
	    "tag" } } },
	{ "v=DKIM2", { "v=DKIM2; p=%s" }, K_RSA2048, F_SPKI, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, R "v=\"DKIM2\": not DKIM1" } } },
	{ "v is case-sensitive", { "v=dkim1; p=%s" }, K_RSA2048, F_SPKI, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, R "v=\"dkim1\": not DKIM1" } } },
	{ "unknown k", { "v=DKIM1; k=dsa; p=%s" }, K_RSA2048, F_SPKI, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, R "k=\"dsa\": unknown key type" } } },
	{ "k=rsa with ed25519 raw key", { "k=rsa; p=%s" }, K_ED25519, F_RAW,
	    -1, 0, { { F_DKIM_SYNTAX, SEV_CRIT, "not a DER RSA public key" } } },
	{ "p missing", { "v=DKIM1; k=rsa" }, K_RSA2048, F_NONE, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, R "p: missing" } } },
	{ "bad base64 char", { "v=DKIM1; p=MIIB!AAA" }, K_RSA2048, F_NONE, -1,
	    0, { { F_DKIM_SYNTAX, SEV_CRIT, R "p=\"MIIB!AAA\": not a base64 "
	    "character" } } },
	{ "base64 length", { "v=DKIM1; p=MIIBA" }, K_RSA2048, F_NONE, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, "not a multiple of 4" } } },
	{ "base64 padding", { "v=DKIM1; p=AA=A" }, K_RSA2048, F_NONE, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, "data after \"=\" padding" } } },
	{ "garbage key", { "v=DKIM1; p=AAAA" }, K_RSA2048, F_NONE, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, R "p=\"AAAA\": not a DER RSA public "
	    "key" } } },
	{ "h=sha1 only", { "v=DKIM1; h=sha1; p=%s" }, K_RSA2048, F_SPKI, 0,
	    2048, { { F_DKIM_SYNTAX, SEV_WARN, R "h=\"sha1\": sha256 is not "
	    "allowed" } } },
	{ "h=sha1:sha256", { "v=DKIM1; h=sha1 : sha256; p=%s" }, K_RSA2048,
	    F_SPKI, 0, 2048, { { 0 } } },
	{ "bad h", { "v=DKIM1; h=sha_256; p=%s" }, K_RSA2048, F_SPKI, -1, 0,
	    { { F_DKIM_SYNTAX, SEV_CRIT, R "h=\"sha_256\": \"sha_256\" is not "
	    "a hash name" } } },
	{ "s=*", { "v=DKIM1; s=*; p=%s" }, K_RSA2048, F_SPKI, 0, 2048,
	    { { 0 } } },
	{ "s without email", { "v=DKIM1; s=tlsrpt; p=%s" }, K_RSA2048, F_SPKI,
	    -1, 0, { { F_DKIM_SYNTAX, SEV_CRIT, R "s=\"tlsrpt\": neither email "
	    "nor \"*\"" } } },
	{ "unknown tags ignored", { "v=DKIM1; g=*; x=y; n=a note; p=%s" },
	    K_RSA2048, F_SPKI, 0, 2048, { { 0 } } },
	{ "duplicate tag", { "v=DKIM1; p=%s; p=AAAA" }, K_RSA2048, F_SPKI, -1,
	    0, { { F_DKIM_SYNTAX, SEV_CRIT, R "\"p=AAAA\": duplicate tag; "
	    "verifiers ignore the record" } } },
	{ "tag-name syntax", { "v=DKIM1; 1x=y; p=%s" }, K_RSA2048, F_SPKI, -1,
	    0, { { F_DKIM_SYNTAX, SEV_CRIT, R "\"1x=y\": tag name must start "
	    "with a letter" } } },
	{ "two records", { "v=DKIM1; p=", "v=DKIM1; p=%s" }, K_RSA2048,
	    F_SPKI, 0, 2048,
	    { { F_DKIM_SYNTAX, SEV_WARN, R "2 TXT records; verifiers may use "
	    "any one" },
	      { F_DKIM_REVOKED, SEV_WARN, R "p=\"\"" } } },
};

/* "v=DKIM1; p=%s" with the key form filled in, "%s" used once at most. */
static char *
record(const char *tmpl, const struct tkey *k, enum form form)
{
	char		 folded[8192];
	const char	*v = "", *pct;
	char		*out;
	size_t		 i, o = 0;

	switch (form) {
	case F_SPKI:
		v = k->spki;
		break;
	case F_PKCS1:
		v = k->pkcs1;
		break;
	case F_RAW:
		v = k->raw;
		break;
	case F_FOLDED:
		/* RFC 6376 3.6.1: FWS may sit anywhere in the base64. */
		for (i = 0; k->spki[i] != '\0'; i++) {
			if (i > 0 && i % 64 == 0) {
				memcpy(folded + o, i % 128 ? " " : "\r\n\t",
				    i % 128 ? 1 : 3);
				o += i % 128 ? 1 : 3;
			}
			folded[o++] = k->spki[i];
		}
		folded[o] = '\0';
		v = folded;
		break;
	case F_NONE:
		break;
	}
	/* Not a printf format: the templates are data (-Wformat=2). */
	if ((out = malloc(strlen(tmpl) + strlen(v) + 1)) == NULL)
		return NULL;
	if ((pct = strstr(tmpl, "%s")) == NULL) {
		strcpy(out, tmpl);
		return out;
	}
	memcpy(out, tmpl, (size_t)(pct - tmpl));
	strcpy(out + (pct - tmpl), v);
	strcat(out, pct + 2);
	return out;
}

static void
test_cases(void **state)
{
	struct dkim_key		 key;
	struct finding_list	 fl;
	const struct kcase	*c;
	char			*txt[3];
	size_t			 i, n, len[3];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		memset(&fl, 0, sizeof(fl));
		for (n = 0; n < 3 && c->tmpl[n] != NULL; n++) {
			txt[n] = record(c->tmpl[n], &keys[c->key], c->form);
			assert_non_null(txt[n]);
			len[n] = strlen(txt[n]);
		}
		if (dkim_check(SEL, D, (const char *const *)txt, len, n, &key,
		    &fl) != c->ret || (c->ret == 0 && key.bits != c->bits)) {
			print_error("%s: want return %d bits %d, got bits %d\n",
			    c->name, c->ret, c->bits, key.bits);
			want_dump(&fl);
			fail();
		}
		want_findings(c->name, &fl, c->want);
		finding_list_free(&fl);
		while (n > 0)
			free(txt[--n]);
	}
}

static void
test_fields(void **state)
{
	struct dkim_key		 key;
	struct finding_list	 fl = { 0 };
	char			*s;

	(void)state;
	s = record("v=DKIM1; k=ed25519; t=y:s; p=%s", &keys[K_ED25519], F_RAW);
	assert_int_equal(dkim_parse(SEL, D, s, strlen(s), &key, &fl), 0);
	assert_int_equal(key.k, DKIM_K_ED25519);
	assert_int_equal(key.testing, 1);
	assert_int_equal(key.strict, 1);
	assert_int_equal(key.revoked, 0);
	assert_int_equal(key.derlen, DKIM_ED25519_LEN);
	assert_int_equal(key.bits, 256);
	free(s);
	finding_list_free(&fl);

	assert_int_equal(dkim_parse(SEL, D, "p=", 2, &key, &fl), -1);
	assert_int_equal(key.revoked, 1);
	assert_int_equal(key.derlen, 0);
	finding_list_free(&fl);
}

static void
test_bounds(void **state)
{
	struct dkim_key		 key;
	struct finding_list	 fl = { 0 };
	char			*s;
	size_t			 len;

	(void)state;
	len = DKIM_RECORD_MAX + 1;
	s = malloc(len);
	assert_non_null(s);
	memcpy(s, "v=DKIM1; p=", 11);
	memset(s + 11, 'A', len - 11);
	assert_int_equal(dkim_parse(SEL, D, s, len, &key, &fl), -1);
	assert_int_equal(fl.n, 1);
	assert_non_null(strstr(fl.v[0].evidence, "record is 8193 bytes, "
	    "over 8192"));
	finding_list_free(&fl);

	/* A p= decoding to more than DKIM_KEY_MAX bytes. */
	len = 11 + (DKIM_KEY_MAX / 3 + 4) * 4;
	assert_int_equal(dkim_parse(SEL, D, s, len, &key, &fl), -1);
	assert_int_equal(fl.n, 1);
	assert_non_null(strstr(fl.v[0].evidence, "key longer than the "
	    "largest kept"));
	finding_list_free(&fl);
	free(s);

	/* A NUL byte is refused, not a terminator. */
	assert_int_equal(dkim_parse(SEL, D, "v=DKIM1; p=AA\0A", 15, &key,
	    &fl), -1);
	assert_int_equal(fl.v[0].id, F_DKIM_SYNTAX);
	finding_list_free(&fl);
}

/* Read a signer's key from a string, or fail the test. */
static void
pub_read(const char *pem, size_t len, struct dkim_pubkey *pub, int priv)
{
	char	*cause = NULL;

	assert_int_equal(dkim_pubkey_read(pem, len, pub, &cause), 0);
	assert_null(cause);
	assert_non_null(pub->pk);
	assert_int_equal(pub->from_private, priv);
}

/* A PEM of the key pk written by writer, as a string to free. */
static char *
pem_of(EVP_PKEY *pk, int (*writer)(BIO *, EVP_PKEY *), size_t *len)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	BUF_MEM	*mem;
	char	*s;

	assert_non_null(bio);
	assert_int_equal(writer(bio, pk), 1);
	BIO_get_mem_ptr(bio, &mem);
	s = malloc(mem->length + 1);
	memcpy(s, mem->data, mem->length);
	s[mem->length] = '\0';
	*len = mem->length;
	BIO_free(bio);
	return s;
}

static int
write_pkcs1_public(BIO *bio, EVP_PKEY *pk)
{
	unsigned char	*der = NULL;
	int		 len, r;

	if ((len = i2d_PublicKey(pk, &der)) <= 0)
		return 0;
	r = PEM_write_bio(bio, PEM_STRING_RSA_PUBLIC, "", der, len);
	OPENSSL_free(der);
	return r > 0;
}

static int
write_traditional(BIO *bio, EVP_PKEY *pk)
{
	return PEM_write_bio_PrivateKey_traditional(bio, pk, NULL, NULL, 0,
	    NULL, NULL);
}

static int
write_encrypted(BIO *bio, EVP_PKEY *pk)
{
	return PEM_write_bio_PrivateKey(bio, pk, EVP_aes_128_cbc(),
	    (const unsigned char *)"secret", 6, NULL, NULL);
}

static void
test_key_match(void **state)
{
	struct dkim_key		 key, ed;
	struct dkim_pubkey	 pub, shared;
	struct finding_list	 fl = { 0 };
	char			*s, *cause, path[] = "/tmp/test_dkim.XXXXXX";
	size_t			 len;
	int			 fd;

	(void)state;
	s = record("p=%s", &keys[K_RSA2048], F_SPKI);
	assert_int_equal(dkim_parse(SEL, D, s, strlen(s), &key, &fl), 0);
	free(s);
	s = record("k=ed25519; p=%s", &keys[K_ED25519], F_RAW);
	assert_int_equal(dkim_parse(SEL, D, s, strlen(s), &ed, &fl), 0);
	free(s);

	/* The public key, as "openssl pkey -pubout" writes it. */
	pub_read(keys[K_RSA2048].pub, keys[K_RSA2048].publen, &pub, 0);
	assert_int_equal(dkim_key_match(SEL, D, &key, &pub, &fl), 1);
	dkim_pubkey_share(&shared, &pub);
	dkim_pubkey_free(&pub);
	assert_int_equal(dkim_key_match(SEL, D, &key, &shared, &fl), 1);
	dkim_pubkey_free(&shared);
	pub_read(keys[K_ED25519].pub, keys[K_ED25519].publen, &pub, 0);
	assert_int_equal(dkim_key_match(SEL, D, &ed, &pub, &fl), 1);
	dkim_pubkey_free(&pub);

	/* PKCS#1 "RSA PUBLIC KEY", after a block that is not a key. */
	s = pem_of(keys[K_RSA2048].pk, write_pkcs1_public, &len);
	{
		char	*t;

		assert_true(asprintf(&t, "-----BEGIN X509 CRL-----\nAAAA\n"
		    "-----END X509 CRL-----\n%s", s) > 0);
		pub_read(t, strlen(t), &pub, 0);
		free(t);
	}
	free(s);
	assert_int_equal(dkim_key_match(SEL, D, &key, &pub, &fl), 1);
	dkim_pubkey_free(&pub);

	/* Private keys, PKCS#8 and traditional: only the public half. */
	pub_read(keys[K_RSA2048].pem, keys[K_RSA2048].pemlen, &pub, 1);
	assert_int_equal(dkim_key_match(SEL, D, &key, &pub, &fl), 1);
	{
		BIGNUM	*d = NULL;

		/* the private exponent is there in the key read, not kept */
		assert_int_equal(EVP_PKEY_get_bn_param(keys[K_RSA2048].pk,
		    "d", &d), 1);
		BN_clear_free(d);
		d = NULL;
		assert_int_equal(EVP_PKEY_get_bn_param(pub.pk, "d", &d), 0);
		assert_null(d);
	}
	dkim_pubkey_free(&pub);
	s = pem_of(keys[K_RSA2048].pk, write_traditional, &len);
	assert_non_null(strstr(s, "BEGIN RSA PRIVATE KEY"));
	pub_read(s, len, &pub, 1);
	free(s);
	assert_int_equal(dkim_key_match(SEL, D, &key, &pub, &fl), 1);
	dkim_pubkey_free(&pub);
	pub_read(keys[K_ED25519].pem, keys[K_ED25519].pemlen, &pub, 1);
	assert_int_equal(dkim_key_match(SEL, D, &ed, &pub, &fl), 1);
	dkim_pubkey_free(&pub);
	assert_int_equal(fl.n, 0);

	/* Another RSA key, and a key of another type. */
	pub_read(keys[K_OTHER2048].pub, keys[K_OTHER2048].publen, &pub, 0);
	assert_int_equal(dkim_key_match(SEL, D, &key, &pub, &fl), 0);
	dkim_pubkey_free(&pub);
	pub_read(keys[K_RSA1024].pem, keys[K_RSA1024].pemlen, &pub, 1);
	assert_int_equal(dkim_key_match(SEL, D, &ed, &pub, &fl), 0);
	dkim_pubkey_free(&pub);
	{
		const struct want w[] = {
			{ F_DKIM_KEY_MISMATCH, SEV_CRIT, R "p: the 2048-bit RSA "
			    "key in DNS is not the public half of the 2048-bit "
			    "RSA signing key" },
			{ F_DKIM_KEY_MISMATCH, SEV_CRIT, R "p: the 256-bit "
			    "ED25519 key in DNS is not the public half of the "
			    "1024-bit RSA signing key" },
			{ 0 },
		};

		want_findings("mismatch", &fl, w);
	}
	finding_list_free(&fl);

	/* A revoked record matches nothing. */
	assert_int_equal(dkim_parse(SEL, D, "p=", 2, &ed, &fl), -1);
	finding_list_free(&fl);
	pub_read(keys[K_RSA2048].pub, keys[K_RSA2048].publen, &pub, 0);
	assert_int_equal(dkim_key_match(SEL, D, &ed, &pub, &fl), 0);
	assert_non_null(strstr(fl.v[0].evidence, "no usable key"));
	dkim_pubkey_free(&pub);
	finding_list_free(&fl);

	/* What is not a usable key is an error that says why. */
	{
		static const struct {
			const char	*pem;	/* NULL: see below */
			const char	*why;
		} bad[] = {
			{ "hello", "no PEM key in it (a public key starts "
			    "\"-----BEGIN PUBLIC KEY-----\"); a public key is "
			    "enough (openssl pkey -in KEY -pubout)" },
			{ "", "empty; a public key is enough" },
			{ "-----BEGIN PUBLIC KEY-----\nAAAA\n"
			    "-----END PUBLIC KEY-----\n",
			    "its \"PUBLIC KEY\" block does not decode" },
			{ "-----BEGIN PRIVATE KEY-----\nAAAA\n"
			    "-----END PRIVATE KEY-----\n",
			    "its \"PRIVATE KEY\" block does not decode" },
			{ NULL, "an EC key, where a DKIM key is RSA or "
			    "Ed25519" },
			{ NULL, "an encrypted private key: no passphrase is "
			    "asked for; a public key is enough" },
		};
		size_t	 i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (bad[i].pem != NULL)
				s = strdup(bad[i].pem);
			else if (strstr(bad[i].why, "EC") != NULL)
				s = strdup(keys[K_EC].pub);
			else
				s = pem_of(keys[K_RSA2048].pk, write_encrypted,
				    &len);
			cause = NULL;
			pub.pk = (EVP_PKEY *)1;
			assert_int_equal(dkim_pubkey_read(s, strlen(s), &pub,
			    &cause), -1);
			assert_null(pub.pk);
			assert_non_null(cause);
			if (strncmp(cause, bad[i].why, strlen(bad[i].why)) != 0)
				fail_msg("case %zu: \"%s\", expected \"%s\"", i,
				    cause, bad[i].why);
			free(cause);
			free(s);
		}
	}

	/* From a file. */
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, keys[K_RSA2048].pub,
	    keys[K_RSA2048].publen), (ssize_t)keys[K_RSA2048].publen);
	close(fd);
	assert_int_equal(dkim_pubkey_read_file(path, &pub, &cause), 0);
	assert_int_equal(dkim_key_match(SEL, D, &key, &pub, &fl), 1);
	assert_int_equal(dkim_key_match(SEL, D, &ed, &pub, &fl), 0);
	assert_int_equal(fl.n, 1);
	dkim_pubkey_free(&pub);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd != -1);
	assert_int_equal(write(fd, "junk\n", 5), 5);
	close(fd);
	assert_int_equal(dkim_pubkey_read_file(path, &pub, &cause), -1);
	assert_true(strncmp(cause, path, strlen(path)) == 0);
	assert_non_null(strstr(cause, ": no PEM key in it"));
	free(cause);
	unlink(path);
	assert_int_equal(dkim_pubkey_read_file(path, &pub, &cause), -1);
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	assert_int_equal(dkim_pubkey_read_file("/tmp", &pub, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	finding_list_free(&fl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_key_match),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
