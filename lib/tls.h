/*
 * tls.h - the shared OpenSSL client context and the inspection of a
 * finished handshake: protocol, cipher, group, peer chain, verification
 * against the trust store, host name, validity and key strength.
 */
#ifndef SMTPROBE_TLS_H
#define SMTPROBE_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "finding.h"

struct tls_ctx;

#define TLS_NAME_MAX	256
#define TLS_SANS_MAX	512
#define TLS_CHAIN_MAX	8

/* One certificate of the peer chain, leaf first. */
struct tls_cert {
	char		 subject[TLS_NAME_MAX];
	char		 issuer[TLS_NAME_MAX];
	char		 sans[TLS_SANS_MAX];	/* DNS names, comma separated */
	int64_t		 not_before;		/* unix time */
	int64_t		 not_after;		/* unix time */
	char		 key_type[16];		/* "RSA", "EC", "ED25519", ... */
	int		 key_bits;
};

/* Verification problems, collected from every depth of the chain. */
#define TLS_V_EXPIRED		0x01
#define TLS_V_NOT_YET_VALID	0x02
#define TLS_V_UNTRUSTED		0x04	/* no path to a trust anchor */
#define TLS_V_OTHER		0x08	/* any other X.509 error */
#define TLS_V_DANE		0x10	/* no TLSA record matched */
#define TLS_V_WEAK_SIG		0x20	/* a certificate sent is signed with a
					   digest senders refuse (SHA-1, MD5) */

/* Why the host name does not match, when it does not. */
enum tls_name_why {
	TLS_NAME_OTHER,		/* no SAN DNS name matches it */
	TLS_NAME_CN_ONLY,	/* only the subject CN names it */
	TLS_NAME_PARTIAL,	/* only a partial wildcard ("m*.example") does */
};

/* What the TLS policy needs: the severities of tls_findings() follow. */
enum tls_need {
	TLS_NEED_NONE,		/* opportunistic: a sender falls back */
	TLS_NEED_ENCRYPT,	/* TLS required, not a verified certificate */
	TLS_NEED_VERIFY,	/* a verified certificate required */
};

/* One TLSA record (RFC 6698 2.1), data borrowed. */
struct tls_tlsa {
	uint8_t			 usage;		/* 0..3; SMTP uses 2 and 3 (RFC 7672 3.1) */
	uint8_t			 selector;	/* 0 full cert, 1 SubjectPublicKeyInfo */
	uint8_t			 mtype;		/* 0 exact, 1 SHA-256, 2 SHA-512 */
	const unsigned char	*data;
	size_t			 len;
};

struct tls_info {
	char		 version[16];		/* "TLSv1.3" */
	int		 version_num;		/* TLS1_3_VERSION ... */
	char		 cipher[64];
	char		 group[32];		/* key exchange group, "" if unknown */
	int		 nchain;
	struct tls_cert	*chain;		/* nchain entries, allocated by
					   tls_inspect (a plain session pays
					   nothing); tls_info_free releases */
	int		 verify_flags;		/* TLS_V_* */
	char		 verify_error[128];	/* first X.509 error, "" when none */
	int		 verify_err;		/* its X509_V_ERR_* code, 0 if none */
	int		 verify_depth;		/* and the depth it was seen at */
	int		 verify_cert_ca;	/* the certificate there is a CA */
	char		*verify_issuer;		/* and its issuer's name, or NULL
					   (allocated; tls_info_free) */
	int		 verified;		/* chain verifies to a trust anchor */
	int		 hostname_ok;		/* a SAN DNS name of the leaf names
					   the host probed (never the CN, no
					   partial wildcard: RFC 9525) */
	enum tls_name_why hostname_why;	/* and why not */
	char		 hostname[TLS_NAME_MAX]; /* the name checked */
	int		 weak_sig_depth;	/* TLS_V_WEAK_SIG: the certificate's
					   depth in the chain verified */
	char		 weak_sig_subject[TLS_NAME_MAX]; /* its subject */
	char		 weak_sig[48];		/* its signature algorithm */
	int		 days_left;		/* leaf notAfter - now, whole
					   days toward 0 (-2: 2 days past) */
	int		 dane_checked;	/* TLSA records were given to the handshake */
	int		 dane_usable;	/* of which usable for SMTP (DANE-TA/DANE-EE) */
	int		 dane_ok;	/* a TLSA record matched the chain */
	int		 dane_depth;	/* depth of the matching certificate, -1 if none */
	char		*dane_spki;	/* no match: SHA-256 of the server's public
					   key (the data of a "3 1 1" record), hex,
					   allocated; tls_info_free */
	int		 dane_ee;	/* the match is a DANE-EE(3) record: the
					   certificate's dates do not count
					   (RFC 7672 3.1.1) */
};

/*
 * Initialise OpenSSL; call it first, before any other OpenSSL function.
 * The system's OpenSSL configuration (openssl.cnf) is read only when
 * OPENSSL_CONF names a file: the probe's TLS settings are its own
 * (tls_ctx_new), the same on every machine, and a one-shot check does
 * not pay for reading a file that would not change them. oneshot: the
 * process ends after one check, and OpenSSL does not free its state at
 * exit.
 */
void		 tls_init(int oneshot);

/*
 * Make the client context shared by every session: no session cache or
 * tickets (every probe does a full handshake and sees the certificate),
 * every protocol from TLS 1.0 and security level 0, so weak servers
 * still complete a handshake and can be reported. ca_file NULL uses the
 * system trust store. Returns NULL with *cause set.
 */
struct tls_ctx	*tls_ctx_new(const char *ca_file, char **cause);
void		 tls_ctx_free(struct tls_ctx *);

/*
 * Can path serve as a ca-file: a regular file that can be read, holding
 * at least one PEM certificate, every one of them well formed? 0, or -1
 * with why (sz bytes) in plain words: "No such file or directory",
 * "holds no PEM certificate", "certificate 3 does not parse".
 */
int		 tls_ca_file_check(const char *path, char *why, size_t sz);

/*
 * A new SSL for one session, with SNI set to host (unless an address).
 * info is cleared and collects the verification problems seen during the
 * handshake; it must outlive the SSL.
 */
SSL		*tls_ssl_new(struct tls_ctx *, const char *host,
		    struct tls_info *info);

/*
 * Arm DANE (RFC 7672) on ssl before the handshake: name is the MX host
 * (the TLSA base domain), usable records are added, PKIX-TA/PKIX-EE ones
 * are skipped as RFC 7672 3.1.3 says. Returns the number of usable
 * records added (0: DANE not armed) and records it in info.
 */
int		 tls_ssl_dane(SSL *, const char *name, const struct tls_tlsa *,
		    int n, struct tls_info *info);

/*
 * Release what the handshake and tls_inspect allocated (the chain, the
 * issuer name of a verification error, the key digest of a DANE
 * mismatch); info stays usable.
 */
void		 tls_info_free(struct tls_info *);

/* Fill info from a completed handshake, checking the name host. */
void		 tls_inspect(SSL *, const char *host, struct tls_info *);

/*
 * Turn an inspected handshake into findings for host/addr/port. need:
 * what the policy needs; certificate problems are crit when it needs a
 * verified certificate, an old protocol when it needs TLS at all (else
 * warn).
 */
void		 tls_findings(const struct tls_info *, enum tls_need need,
		    int expiry_warn_days, int expiry_crit_days,
		    const char *host, const char *addr, int port,
		    struct finding_list *);

/* The last OpenSSL error as text, into buf. */
const char	*tls_last_error(char *buf, size_t sz);

#endif
