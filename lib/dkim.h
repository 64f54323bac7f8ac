/*
 * dkim.h - audit of a DKIM key record at SELECTOR._domainkey.DOMAIN
 * (RFC 6376 3.6.1, RFC 8301 key sizes, RFC 8463 ed25519), and a check
 * that the published key is the public half of a signer's private key.
 *
 * Pure logic but for dkim_key_match_file(): the caller resolves the TXT
 * records (each one's strings already joined). Findings go to a
 * finding_list with host = DOMAIN and evidence naming the record, the
 * tag and the value.
 */
#ifndef SMTPROBE_DKIM_H
#define SMTPROBE_DKIM_H

#include <stddef.h>

#include "finding.h"

#define DKIM_RECORD_MAX		8192	/* longer records are refused */
#define DKIM_KEY_MAX		2600	/* bytes of decoded p= kept (16384-bit RSA fits) */
#define DKIM_PEM_MAX		65536	/* bytes of a PEM private key read */
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
 * Compare a usable key with the private key in pem (pemlen bytes, at
 * most DKIM_PEM_MAX; an encrypted key is refused, never prompted for).
 * Returns 1 when the key is its public half, 0 when not (and adds
 * dkim.key-mismatch), -1 when pem holds no private key (*cause, to be
 * freed, says why; nothing is added).
 */
int		 dkim_key_match(const char *selector, const char *domain,
		    const struct dkim_key *key, const char *pem, size_t pemlen,
		    struct finding_list *fl, char **cause);

/* Same with the PEM read from path (regular file, at most DKIM_PEM_MAX bytes). */
int		 dkim_key_match_file(const char *selector, const char *domain,
		    const struct dkim_key *key, const char *path,
		    struct finding_list *fl, char **cause);

#endif
