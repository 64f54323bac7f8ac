/*
 * dkim.h - audit of a DKIM key record at SELECTOR._domainkey.DOMAIN
 * (RFC 6376 3.6.1, RFC 8301 key sizes, RFC 8463 ed25519), and a check
 * that the published key is a signer's (its public key, or the public half
 * of its private key).
 *
 * Pure logic but for dkim_pubkey_read_file(): the caller resolves the TXT
 * records (each one's strings already joined). Findings go to a
 * finding_list with host = DOMAIN and evidence naming the record, the
 * tag and the value.
 */
#ifndef SMTPROBE_DKIM_H
#define SMTPROBE_DKIM_H

#include <stddef.h>

#include <openssl/types.h>

#include "finding.h"

#define DKIM_RECORD_MAX		8192	/* longer records are refused */
#define DKIM_KEY_MAX		2600	/* bytes of decoded p= kept (16384-bit RSA fits) */
#define DKIM_PEM_MAX		65536	/* bytes of a PEM key file read */
#define DKIM_ED25519_LEN	32	/* a raw ed25519 public key (RFC 8463 4.2) */

enum dkim_keytype {
	DKIM_K_RSA,		/* k=rsa, the default */
	DKIM_K_ED25519,		/* k=ed25519 */
};

/* A parsed key record. */
struct dkim_key {
	enum dkim_keytype k;		/* key type from k= */
	int		 revoked;	/* p= is empty */
	int		 testing;	/* t= has the y flag */
	int		 strict;	/* t= has the s flag: i= must be d=, no subdomain */
	int		 bits;		/* RSA modulus or 256 for ed25519; 0 when not decoded */
	unsigned char	 der[DKIM_KEY_MAX];	/* p= decoded: DER SubjectPublicKeyInfo
						   or RSAPublicKey, or the raw ed25519 key */
	size_t		 derlen;	/* 0 when p= is empty or not base64 */
};

/*
 * Audit the n TXT records (txt[i] has len[i] bytes) at
 * SELECTOR._domainkey.DOMAIN: none is dkim.missing; each is parsed by
 * dkim_parse(), and more than one is dkim.syntax (warn: verifiers may
 * use any). *key gets the first usable one. Returns 0 when a usable key
 * was found, -1 otherwise.
 */
int		 dkim_check(const char *selector, const char *domain,
		    const char *const *txt, const size_t *len, size_t n,
		    struct dkim_key *key, struct finding_list *fl);

/*
 * Parse one key record. dkim.syntax (crit, naming the tag) when
 * verifiers cannot use the record: v= not first or not DKIM1, a bad
 * tag-list, k= unknown, p= missing, not base64 or not a key of type k,
 * s= without email or "*"; warn when h= excludes sha256 (RFC 8301).
 * Unknown tags and flags are ignored (3.6.1). dkim.revoked for an empty
 * p=; dkim.weak-key crit under 1024 bits, warn under 2048; dkim.testing
 * for t=y. Returns 0 when the key is usable (weak or testing included),
 * -1 otherwise.
 */
int		 dkim_parse(const char *selector, const char *domain,
		    const char *s, size_t len, struct dkim_key *key,
		    struct finding_list *fl);

/*
 * A signer's key, as far as a DKIM record is concerned: its public half.
 */
struct dkim_pubkey {
	EVP_PKEY	*pk;		/* RSA or Ed25519, public part only;
					   NULL when not read */
	int		 from_private;	/* it was read from a private key */
};

/*
 * Read a signer's key from pem (pemlen bytes, at most DKIM_PEM_MAX): a
 * public key, SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", as "openssl
 * pkey -pubout" writes it) or PKCS#1 ("BEGIN RSA PUBLIC KEY"), or an
 * unencrypted private key, of which only the public half is kept (the
 * private key is freed before returning; an encrypted one is refused,
 * never prompted for). The key must be RSA or Ed25519. Returns 0, or -1
 * with *cause (to be freed) saying why; free with dkim_pubkey_free().
 */
int		 dkim_pubkey_read(const char *pem, size_t pemlen,
		    struct dkim_pubkey *, char **cause);

/* Same from path (a regular file of at most DKIM_PEM_MAX bytes); the
 * cause starts with the path. */
int		 dkim_pubkey_read_file(const char *path, struct dkim_pubkey *,
		    char **cause);

/* dst is src, sharing its key (each is freed on its own). */
void		 dkim_pubkey_share(struct dkim_pubkey *dst,
		    const struct dkim_pubkey *src);

void		 dkim_pubkey_free(struct dkim_pubkey *);

/*
 * Compare a usable key record with a signer's key read above. Returns 1
 * when the record publishes it, 0 when not (and adds dkim.key-mismatch).
 */
int		 dkim_key_match(const char *selector, const char *domain,
		    const struct dkim_key *key, const struct dkim_pubkey *pub,
		    struct finding_list *fl);

#endif
