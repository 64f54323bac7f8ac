/*
 * dkim.c - the DKIM key record audit (RFC 6376 3.6.1).
 *
 * RFC 6376 3.2: tag names and values are case-sensitive, a duplicate tag
 * invalidates the whole tag-list, and 3.6.1: unknown tags and unknown
 * t= flags are ignored. p= is base64 with folding white space; for rsa
 * it should hold a SubjectPublicKeyInfo (what "openssl rsa -pubout"
 * writes and what verifiers expect), though 3.6.1 names RSAPublicKey, so
 * both are accepted. RFC 8463 4.2: an ed25519 p= is the raw 32-byte key.
 * RFC 8301 3.2: verifiers must refuse RSA keys under 1024 bits.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "dkim.h"
#include "util.h"
#include "txtrec.h"

#define EV(p, n)	txtrec_evlen(n), (p)
#define KEY_EV		24	/* bytes of p= quoted in evidence */

struct dkim_ctx {
	const char		*domain;
	char			 name[600];	/* SELECTOR._domainkey.DOMAIN */
	struct finding_list	*fl;
};

static int
fail(char **cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		if (vasprintf(cause, fmt, ap) == -1)
			*cause = NULL;
		va_end(ap);
	}
	return -1;
}

static void
crit(struct dkim_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
crit(struct dkim_ctx *c, const char *fmt, ...)
{
	char	 buf[FINDING_EVIDENCE_MAX];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	finding_add(c->fl, F_DKIM_SYNTAX, SEV_CRIT, c->domain, NULL, 0,
	    "%s: %s", c->name, buf);
}

/* base64string of RFC 6376 3.6.1: base64 with white space anywhere. */
static int
b64_decode(const char *s, size_t len, unsigned char *out, size_t outsz,
    size_t *outlen, const char **why)
{
	uint32_t	 acc = 0;
	size_t		 i, o = 0, nchars = 0;
	int		 nacc = 0, pad = 0, v;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
		    s[i] == '\n')
			continue;
		nchars++;
		if (s[i] == '=') {
			if (++pad > 2) {
				*why = "more than two \"=\" of padding";
				return -1;
			}
			continue;
		}
		if (pad) {
			*why = "data after \"=\" padding";
			return -1;
		}
		if ((v = util_b64_value((unsigned char)s[i])) == -1) {
			*why = "not a base64 character";
			return -1;
		}
		acc = acc << 6 | (uint32_t)v;
		if (++nacc == 4) {
			if (outsz - o < 3) {
				*why = "key longer than the largest kept";
				return -1;
			}
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
			nacc = 0;
		}
	}
	if (nchars % 4 != 0) {
		*why = "base64 length is not a multiple of 4";
		return -1;
	}
	if (nacc > 0) {
		if (outsz - o < 2) {
			*why = "key longer than the largest kept";
			return -1;
		}
		/* nacc + pad == 4 here: 2 chars carry 1 byte, 3 carry 2. */
		acc <<= 6 * (4 - nacc);
		out[o++] = (unsigned char)(acc >> 16);
		if (nacc == 3)
			out[o++] = (unsigned char)(acc >> 8);
	}
	*outlen = o;
	return 0;
}

/* hyphenated-word = ALPHA [ *(ALPHA / DIGIT / "-") (ALPHA / DIGIT) ] */
static int
hyphenated_word(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
		return 0;
	for (i = 1; i < len; i++)
		if (!(((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return s[len - 1] != '-';
}

static int
word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

/*
 * A colon list (h=, s=, t=) of hyphenated-words, "*" allowed when star.
 * Calls back per item; returns -1 and the bad item on a syntax error.
 */
static int
colon_list(const struct txtrec_tag *t, int star, const char **bad,
    size_t *badlen, void (*each)(const char *, size_t, void *), void *arg)
{
	const char	*item;
	size_t		 off = 0, ilen;

	while (txtrec_list_next(t->val, t->vallen, &off, ':', &item, &ilen)) {
		if (!hyphenated_word(item, ilen) &&
		    !(star && ilen == 1 && item[0] == '*')) {
			*bad = item;
			*badlen = ilen;
			return -1;
		}
		each(item, ilen, arg);
	}
	return 0;
}

static void
each_h(const char *item, size_t len, void *arg)
{
	if (word_is(item, len, "sha256"))
		*(int *)arg = 1;
}

static void
each_s(const char *item, size_t len, void *arg)
{
	if (word_is(item, len, "email") || word_is(item, len, "*"))
		*(int *)arg = 1;
}

static void
each_t(const char *item, size_t len, void *arg)
{
	struct dkim_key	*key = arg;

	if (word_is(item, len, "y"))
		key->testing = 1;
	else if (word_is(item, len, "s"))
		key->strict = 1;
}

/* The key of a parsed record as an EVP_PKEY, or NULL with *why. */
static EVP_PKEY *
key_pkey(const struct dkim_key *key, char *why, size_t whysz)
{
	const unsigned char	*p;
	EVP_PKEY		*pk;

	if (key->k == DKIM_K_ED25519) {
		if (key->derlen != DKIM_ED25519_LEN) {
			snprintf(why, whysz, "%zu bytes, where an ed25519 key "
			    "is 32 raw bytes (RFC 8463 4.2)", key->derlen);
			return NULL;
		}
		pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
		    key->der, key->derlen);
		ERR_clear_error();
		if (pk == NULL)
			snprintf(why, whysz, "not an ed25519 public key");
		return pk;
	}

	p = key->der;
	pk = d2i_PUBKEY(NULL, &p, (long)key->derlen);
	if (pk != NULL && p != key->der + key->derlen) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	if (pk != NULL && EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
		snprintf(why, whysz, "holds an %s key, where k=rsa",
		    EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) :
		    "unknown");
		EVP_PKEY_free(pk);
		ERR_clear_error();
		return NULL;
	}
	if (pk == NULL) {
		p = key->der;
		pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)key->derlen);
		if (pk != NULL && p != key->der + key->derlen) {
			EVP_PKEY_free(pk);
			pk = NULL;
		}
	}
	ERR_clear_error();
	if (pk == NULL)
		snprintf(why, whysz, "not a DER RSA public key");
	return pk;
}

static void
key_evidence(char *buf, size_t sz, const char *p, size_t len)
{
	snprintf(buf, sz, "p=\"%.*s%s\"", (int)(len < KEY_EV ? len : KEY_EV),
	    p, len > KEY_EV ? "..." : "");
}

int
dkim_parse(const char *selector, const char *domain, const char *s,
    size_t len, struct dkim_key *key, struct finding_list *fl)
{
	struct dkim_ctx		 c;
	struct txtrec_iter	 it;
	struct txtrec_tag	 t, pt, ht, st;
	const char		*why, *bad;
	char			 pev[KEY_EV + 8], kwhy[128];
	size_t			 badlen;
	EVP_PKEY		*pk;
	int			 r, h_sha256 = 0, s_email = 0;

	memset(key, 0, sizeof(*key));
	memset(&c, 0, sizeof(c));
	memset(&pt, 0, sizeof(pt));
	memset(&ht, 0, sizeof(ht));
	memset(&st, 0, sizeof(st));
	c.domain = domain;
	c.fl = fl;
	snprintf(c.name, sizeof(c.name), "%s._domainkey.%s", selector, domain);

	if (len > DKIM_RECORD_MAX) {
		crit(&c, "\"%.*s\": record is %zu bytes, over %d", EV(s, len),
		    len, DKIM_RECORD_MAX);
		return -1;
	}
	txtrec_init(&it, s, len, TXTREC_FWS);
	while ((r = txtrec_next(&it, &t, &why)) != 0) {
		if (r == -1) {
			crit(&c, "\"%.*s\": %s; verifiers ignore the record",
			    EV(t.name, t.namelen), why);
			return -1;
		}
		if (word_is(t.name, t.namelen, "v")) {
			if (t.index != 0) {
				crit(&c, "v=\"%.*s\": v must be the first tag",
				    EV(t.val, t.vallen));
				return -1;
			}
			if (!word_is(t.val, t.vallen, "DKIM1")) {
				crit(&c, "v=\"%.*s\": not DKIM1; verifiers "
				    "ignore the record", EV(t.val, t.vallen));
				return -1;
			}
		} else if (word_is(t.name, t.namelen, "k")) {
			if (word_is(t.val, t.vallen, "rsa"))
				key->k = DKIM_K_RSA;
			else if (word_is(t.val, t.vallen, "ed25519"))
				key->k = DKIM_K_ED25519;
			else {
				crit(&c, "k=\"%.*s\": unknown key type (rsa or "
				    "ed25519); verifiers cannot use the key",
				    EV(t.val, t.vallen));
				return -1;
			}
		} else if (word_is(t.name, t.namelen, "h")) {
			ht = t;
			if (colon_list(&t, 0, &bad, &badlen, each_h,
			    &h_sha256) == -1) {
				crit(&c, "h=\"%.*s\": \"%.*s\" is not a hash "
				    "name", EV(t.val, t.vallen),
				    EV(bad, badlen));
				return -1;
			}
		} else if (word_is(t.name, t.namelen, "s")) {
			st = t;
			if (colon_list(&t, 1, &bad, &badlen, each_s,
			    &s_email) == -1) {
				crit(&c, "s=\"%.*s\": \"%.*s\" is not a "
				    "service type", EV(t.val, t.vallen),
				    EV(bad, badlen));
				return -1;
			}
		} else if (word_is(t.name, t.namelen, "t")) {
			if (colon_list(&t, 0, &bad, &badlen, each_t,
			    key) == -1) {
				crit(&c, "t=\"%.*s\": \"%.*s\" is not a flag",
				    EV(t.val, t.vallen), EV(bad, badlen));
				return -1;
			}
		} else if (word_is(t.name, t.namelen, "p")) {
			pt = t;
		}
		/* n= is free text; other tags are ignored (3.6.1). */
	}

	/* pt, ht and st have val NULL when their tag is absent. */
	if (st.val != NULL && !s_email) {
		crit(&c, "s=\"%.*s\": neither email nor \"*\": the key is not "
		    "for email", EV(st.val, st.vallen));
		return -1;
	}
	if (pt.val == NULL) {
		crit(&c, "p: missing; verifiers ignore the record");
		return -1;
	}
	key_evidence(pev, sizeof(pev), pt.val, pt.vallen);
	if (b64_decode(pt.val, pt.vallen, key->der, sizeof(key->der),
	    &key->derlen, &why) == -1) {
		crit(&c, "%s: %s", pev, why);
		return -1;
	}
	if (key->derlen == 0) {
		key->revoked = 1;
		finding_add(fl, F_DKIM_REVOKED, -1, domain, NULL, 0,
		    "%s: p=\"\": the key is revoked", c.name);
		return -1;
	}

	if ((pk = key_pkey(key, kwhy, sizeof(kwhy))) == NULL) {
		crit(&c, "%s: %s", pev, kwhy);
		return -1;
	}
	/* OpenSSL says 253 for ed25519; DKIM speaks of a 256-bit key. */
	key->bits = key->k == DKIM_K_ED25519 ? 256 : EVP_PKEY_get_bits(pk);
	EVP_PKEY_free(pk);

	if (key->k == DKIM_K_RSA && key->bits < 1024)
		finding_add(fl, F_DKIM_WEAK_KEY, SEV_CRIT, domain, NULL, 0,
		    "%s: %s: %d-bit RSA key; verifiers refuse keys under 1024 "
		    "bits (RFC 8301)", c.name, pev, key->bits);
	else if (key->k == DKIM_K_RSA && key->bits < 2048)
		finding_add(fl, F_DKIM_WEAK_KEY, SEV_WARN, domain, NULL, 0,
		    "%s: %s: %d-bit RSA key, under 2048 bits", c.name, pev,
		    key->bits);
	if (ht.val != NULL && !h_sha256)
		finding_add(fl, F_DKIM_SYNTAX, SEV_WARN, domain, NULL, 0,
		    "%s: h=\"%.*s\": sha256 is not allowed, and verifiers "
		    "refuse sha1 (RFC 8301)", c.name, EV(ht.val, ht.vallen));
	if (key->testing)
		finding_add(fl, F_DKIM_TESTING, -1, domain, NULL, 0,
		    "%s: t=y: verifiers treat failures as unsigned mail",
		    c.name);
	return 0;
}

int
dkim_check(const char *selector, const char *domain, const char *const *txt,
    const size_t *len, size_t n, struct dkim_key *key,
    struct finding_list *fl)
{
	struct dkim_key	 tmp;
	size_t		 i;
	int		 found = 0;

	memset(key, 0, sizeof(*key));
	if (n == 0) {
		finding_add(fl, F_DKIM_MISSING, -1, domain, NULL, 0,
		    "%s._domainkey.%s: no TXT record", selector, domain);
		return -1;
	}
	if (n > 1)
		finding_add(fl, F_DKIM_SYNTAX, SEV_WARN, domain, NULL, 0,
		    "%s._domainkey.%s: %zu TXT records; verifiers may use "
		    "any one (RFC 6376 3.6.2.2)", selector, domain, n);
	for (i = 0; i < n; i++) {
		if (txt[i] == NULL)
			continue;
		if (dkim_parse(selector, domain, txt[i], len[i], &tmp,
		    fl) == 0 && !found) {
			*key = tmp;
			found = 1;
		}
	}
	return found ? 0 : -1;
}

/* A key a DKIM record can hold (RFC 6376 3.3, RFC 8463). */
static int
pubkey_kind_ok(EVP_PKEY *pk, char **cause)
{
	int	 id = EVP_PKEY_get_base_id(pk);

	if (id == EVP_PKEY_RSA || id == EVP_PKEY_ED25519)
		return 0;
	return fail(cause, "an %s key, where a DKIM key is RSA or Ed25519",
	    EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) :
	    "unknown");
}

/* The public half of priv, as a key of its own (priv is left alone). */
static EVP_PKEY *
public_half(EVP_PKEY *priv)
{
	unsigned char		*der = NULL;
	const unsigned char	*p;
	EVP_PKEY		*pk;
	int			 len;

	if ((len = i2d_PUBKEY(priv, &der)) <= 0)
		return NULL;
	p = der;
	pk = d2i_PUBKEY(NULL, &p, len);
	OPENSSL_free(der);
	return pk;
}

#define PUBOUT_HINT	"; a public key is enough (openssl pkey -in KEY -pubout)"

/*
 * The key of one PEM block, or NULL with *cause; *skip when the block
 * holds no key (parameters, a certificate) and the next one should be
 * looked at. A private key's DER is decoded here and freed at once.
 */
static EVP_PKEY *
pem_block_key(const char *name, const char *header, const unsigned char *data,
    long len, int *from_private, int *skip, char **cause)
{
	const unsigned char	*p = data;
	EVP_PKEY		*pk = NULL, *priv;

	*skip = 0;
	*from_private = 0;
	if (strcmp(name, PEM_STRING_PUBLIC) == 0)
		pk = d2i_PUBKEY(NULL, &p, len);
	else if (strcmp(name, PEM_STRING_RSA_PUBLIC) == 0)
		pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
	else if (strcmp(name, PEM_STRING_PKCS8) == 0 ||
	    strstr(header, "ENCRYPTED") != NULL) {
		fail(cause, "an encrypted private key: no passphrase is asked "
		    "for" PUBOUT_HINT);
		return NULL;
	} else if (strstr(name, "PRIVATE KEY") != NULL) {
		*from_private = 1;
		if ((priv = d2i_AutoPrivateKey(NULL, &p, len)) != NULL) {
			pk = public_half(priv);
			EVP_PKEY_free(priv);
		}
	} else {
		*skip = 1;
		return NULL;
	}
	ERR_clear_error();
	if (pk == NULL)
		fail(cause, "its \"%s\" block does not decode", name);
	return pk;
}

int
dkim_pubkey_read(const char *pem, size_t pemlen, struct dkim_pubkey *pub,
    char **cause)
{
	BIO		*bio;
	EVP_PKEY	*pk = NULL;
	char		*name = NULL, *header = NULL;
	unsigned char	*data = NULL;
	long		 len;
	int		 skip = 1, priv = 0, blocks = 0;

	memset(pub, 0, sizeof(*pub));
	if (cause != NULL)
		*cause = NULL;
	if (pem == NULL || pemlen == 0)
		return fail(cause, "empty" PUBOUT_HINT);
	if (pemlen > DKIM_PEM_MAX)
		return fail(cause, "%zu bytes, over %d", pemlen, DKIM_PEM_MAX);
	if ((bio = BIO_new_mem_buf(pem, (int)pemlen)) == NULL) {
		ERR_clear_error();
		return fail(cause, "out of memory");
	}
	/* The first block that is a key, public or private. */
	while (skip && blocks < 16 &&
	    PEM_read_bio(bio, &name, &header, &data, &len) == 1) {
		blocks++;
		pk = pem_block_key(name, header, data, len, &priv, &skip,
		    cause);
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_clear_free(data, (size_t)len);
		name = header = NULL;
		data = NULL;
	}
	BIO_free(bio);
	ERR_clear_error();
	if (skip)
		return fail(cause, "no PEM key in it (a public key starts "
		    "\"-----BEGIN PUBLIC KEY-----\")" PUBOUT_HINT);
	if (pk == NULL)
		return -1;
	if (pubkey_kind_ok(pk, cause) == -1) {
		EVP_PKEY_free(pk);
		return -1;
	}
	pub->pk = pk;
	pub->from_private = priv;
	return 0;
}

int
dkim_pubkey_read_file(const char *path, struct dkim_pubkey *pub,
    char **cause)
{
	struct stat	 st;
	char		*buf, *why = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, r, saved;

	memset(pub, 0, sizeof(*pub));
	if (cause != NULL)
		*cause = NULL;
	/* O_NONBLOCK: a FIFO must not hang open(); files read as usual. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return fail(cause, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		return fail(cause, "%s: %s", path, strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(cause, "%s: not a regular file", path);
	}
	if ((buf = malloc(DKIM_PEM_MAX + 1)) == NULL) {
		close(fd);
		return fail(cause, "out of memory");
	}
	/* Read to EOF, bounded: the file may have grown since fstat. */
	while ((n = read(fd, buf + len, DKIM_PEM_MAX + 1 - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			close(fd);
			explicit_bzero(buf, len);
			free(buf);
			return fail(cause, "%s: %s", path, strerror(saved));
		}
		len += (size_t)n;
		if (len > DKIM_PEM_MAX)
			break;
	}
	close(fd);
	if (len > DKIM_PEM_MAX)
		r = fail(cause, "%s: larger than %d bytes", path, DKIM_PEM_MAX);
	else if ((r = dkim_pubkey_read(buf, len, pub, &why)) == -1)
		fail(cause, "%s: %s", path, why != NULL ? why : "out of memory");
	free(why);
	/* it may have held a private key */
	explicit_bzero(buf, len);
	free(buf);
	return r;
}

void
dkim_pubkey_share(struct dkim_pubkey *dst, const struct dkim_pubkey *src)
{
	*dst = *src;
	if (dst->pk != NULL)
		EVP_PKEY_up_ref(dst->pk);
}

void
dkim_pubkey_free(struct dkim_pubkey *pub)
{
	EVP_PKEY_free(pub->pk);
	pub->pk = NULL;
}

int
dkim_key_match(const char *selector, const char *domain,
    const struct dkim_key *key, const struct dkim_pubkey *pub,
    struct finding_list *fl)
{
	EVP_PKEY	*dns = NULL;
	char		 why[128];
	int		 r;

	if (key->revoked || key->derlen == 0)
		snprintf(why, sizeof(why), "the record holds no usable key");
	else if ((dns = key_pkey(key, why, sizeof(why))) != NULL) {
		r = EVP_PKEY_eq(dns, pub->pk);
		ERR_clear_error();
		if (r == 1) {
			EVP_PKEY_free(dns);
			return 1;
		}
		snprintf(why, sizeof(why), "the %d-bit %s key in DNS is not "
		    "the public half of the %d-bit %s signing key",
		    key->bits, EVP_PKEY_get0_type_name(dns),
		    EVP_PKEY_get_bits(pub->pk),
		    EVP_PKEY_get0_type_name(pub->pk));
	}
	finding_add(fl, F_DKIM_KEY_MISMATCH, -1, domain, NULL, 0,
	    "%s._domainkey.%s: p: %s", selector, domain, why);
	EVP_PKEY_free(dns);
	return 0;
}
