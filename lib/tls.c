/*
 * tls.c - the shared client SSL_CTX and handshake inspection.
 *
 * Verification never aborts a handshake: a probe wants to see and report
 * an expired or self-signed certificate, not fail with "TLS error". The
 * verify callback records every problem at every depth and lets the
 * handshake go on; the policy decides afterwards what the problems mean.
 */
#include <sys/stat.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "util.h"

struct tls_ctx {
	SSL_CTX	*ctx;
};

/* ex_data slot on each SSL pointing at the session's struct tls_info */
static int	 info_idx = -1;

static void	 name_str(const X509_NAME *, char *, size_t);

static int
verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL		*ssl;
	struct tls_info	*info;
	X509		*cur;
	char		 name[TLS_NAME_MAX];
	int		 err;

	if (ok)
		return 1;
	ssl = X509_STORE_CTX_get_ex_data(xs,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	info = ssl ? SSL_get_ex_data(ssl, info_idx) : NULL;
	if (info == NULL)
		return 1;
	err = X509_STORE_CTX_get_error(xs);
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		info->verify_flags |= TLS_V_EXPIRED;
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		info->verify_flags |= TLS_V_NOT_YET_VALID;
		break;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_CERT_CHAIN_TOO_LONG:
	case X509_V_ERR_INVALID_CA:
		info->verify_flags |= TLS_V_UNTRUSTED;
		break;
	case X509_V_ERR_DANE_NO_MATCH:
		info->verify_flags |= TLS_V_DANE;
		break;
	default:
		info->verify_flags |= TLS_V_OTHER;
		break;
	}
	if (info->verify_error[0] == '\0') {
		info->verify_err = err;
		info->verify_depth = X509_STORE_CTX_get_error_depth(xs);
		if ((cur = X509_STORE_CTX_get_current_cert(xs)) != NULL) {
			info->verify_cert_ca = X509_check_ca(cur) != 0;
			name_str(X509_get_issuer_name(cur), name, sizeof(name));
			free(info->verify_issuer);
			info->verify_issuer = strdup(name);
		}
		snprintf(info->verify_error, sizeof(info->verify_error),
		    "%s (depth %d)", X509_verify_cert_error_string(err),
		    info->verify_depth);
	}
	return 1;
}

void
tls_init(int oneshot)
{
	uint64_t	 opts = OPENSSL_INIT_NO_LOAD_CONFIG;

	if (getenv("OPENSSL_CONF") != NULL)
		opts = OPENSSL_INIT_LOAD_CONFIG;
	/*
	 * OpenSSL's clean-up at exit frees its tables one by one (about a
	 * twentieth of a one-shot check's CPU); the kernel takes the whole
	 * address space back at once anyway.
	 */
	if (oneshot)
		opts |= OPENSSL_INIT_NO_ATEXIT;
	OPENSSL_init_ssl(opts, NULL);
}

/*
 * Does the directory (or one of a ':'-separated list, as SSL_CERT_DIR
 * may be) hold certificates under their subject hash ("5ad8a5d6.0", as
 * c_rehash and update-ca-certificates write them)? Read a few entries
 * at a time: readdir() would fetch the whole of /etc/ssl/certs (some
 * 400 entries) to look at the first.
 */
static int
hashed_dir(const char *list)
{
	struct dirent64	*de;
	char		 path[1024], buf[1024];
	const char	*p = list, *e;
	size_t		 len;
	ssize_t		 n, off;
	int		 fd, i, found = 0;

	while (!found && *p != '\0') {
		e = p + strcspn(p, ":");
		len = (size_t)(e - p);
		p = *e == ':' ? e + 1 : e;
		if (len == 0 || len >= sizeof(path))
			continue;
		memcpy(path, e - len, len);
		path[len] = '\0';
		if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
			continue;
		while (!found && (n = getdents64(fd, buf, sizeof(buf))) > 0)
			for (off = 0; !found && off < n; off += de->d_reclen) {
				de = (struct dirent64 *)(void *)(buf + off);
				for (i = 0; i < 8; i++)
					if (!isxdigit((unsigned char)de->d_name[i]))
						break;
				found = i == 8 && de->d_name[8] == '.' &&
				    isdigit((unsigned char)de->d_name[9]);
			}
		close(fd);
	}
	return found;
}

/* Do two paths name the same file (after symbolic links)? */
static int
same_file(const char *a, const char *b)
{
	char	 ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) != NULL && realpath(b, rb) != NULL &&
	    strcmp(ra, rb) == 0;
}

/*
 * The system trust store, as SSL_CTX_set_default_verify_paths() finds it
 * (SSL_CERT_DIR, SSL_CERT_FILE, else OpenSSL's built-in paths), but
 * looked up lazily: that function reads the whole bundle file (some 140
 * certificates, 25 ms of CPU here) before the first handshake, which was
 * most of what a one-shot `smtprobe check` cost. The hashed directory is
 * read one issuer at a time, when a chain asks for it; update-ca-
 * certificates writes the same certificates there and into the bundle.
 * The bundle is read only when there is no hashed directory, or when
 * SSL_CERT_FILE names another file than the default bundle (then both).
 */
static int
load_system_store(SSL_CTX *ctx, char *why, size_t sz)
{
	const char	*dir, *file, *envfile;
	char		 e[128];

	if ((dir = getenv(X509_get_default_cert_dir_env())) == NULL)
		dir = X509_get_default_cert_dir();
	file = X509_get_default_cert_file();
	envfile = getenv(X509_get_default_cert_file_env());
	if (!hashed_dir(dir)) {
		if (envfile != NULL)
			file = envfile;
		if (SSL_CTX_load_verify_file(ctx, file) == 1)
			return 0;
		snprintf(why, sz, "%s: cannot load the system trust store "
		    "(and %s holds no hashed certificates): %s", file, dir,
		    tls_last_error(e, sizeof(e)));
		return -1;
	}
	if (SSL_CTX_load_verify_dir(ctx, dir) != 1) {
		snprintf(why, sz, "%s: cannot use the system trust store: %s",
		    dir, tls_last_error(e, sizeof(e)));
		return -1;
	}
	if (envfile != NULL && !same_file(envfile, file) &&
	    SSL_CTX_load_verify_file(ctx, envfile) != 1) {
		snprintf(why, sz, "%s (SSL_CERT_FILE): cannot load it: %s",
		    envfile, tls_last_error(e, sizeof(e)));
		return -1;
	}
	return 0;
}

struct tls_ctx *
tls_ctx_new(const char *ca_file, char **cause)
{
	struct tls_ctx	*t;
	static char	 buf[256];

	*cause = NULL;
	if (info_idx == -1 &&
	    (info_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL)) == -1) {
		*cause = "SSL_get_ex_new_index failed";
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		*cause = "SSL_CTX_new failed";
		free(t);
		return NULL;
	}
	/*
	 * Accept what a lenient MTA accepts so weak servers complete the
	 * handshake and become findings (tls.protocol.old, tls.key.weak).
	 */
	SSL_CTX_set_security_level(t->ctx, 0);
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_VERSION);
	SSL_CTX_set_cipher_list(t->ctx, "ALL:@SECLEVEL=0");
	/* A full handshake every probe: the certificate is seen each time. */
	SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_OFF);
	/* thousands of idle sessions: no read/write buffers while idle */
	SSL_CTX_set_mode(t->ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_options(t->ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, verify_cb);
	if (SSL_CTX_dane_enable(t->ctx) <= 0) {
		*cause = "SSL_CTX_dane_enable failed";
		tls_ctx_free(t);
		return NULL;
	}
	if (ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(t->ctx, ca_file, NULL) != 1) {
			char	 why[128];

			/* in plain words, not OpenSSL's codes, when we can */
			if (tls_ca_file_check(ca_file, why, sizeof(why)) == 0)
				tls_last_error(why, sizeof(why));
			snprintf(buf, sizeof(buf), "%s: cannot load CA file: %s",
			    ca_file, why);
			*cause = buf;
			tls_ctx_free(t);
			return NULL;
		}
	} else if (load_system_store(t->ctx, buf, sizeof(buf)) == -1) {
		*cause = buf;
		tls_ctx_free(t);
		return NULL;
	}
	return t;
}

void
tls_ctx_free(struct tls_ctx *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

static int
is_ip_literal(const char *s)
{
	unsigned char	 buf[16];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

SSL *
tls_ssl_new(struct tls_ctx *t, const char *host, struct tls_info *info)
{
	SSL	*ssl;

	if (t == NULL || (ssl = SSL_new(t->ctx)) == NULL)
		return NULL;
	tls_info_free(info);
	memset(info, 0, sizeof(*info));
	SSL_set_ex_data(ssl, info_idx, info);
	/* RFC 6066 3: no IP literals in SNI */
	if (host != NULL && *host != '\0' && !is_ip_literal(host)) {
		char	 sni[TLS_NAME_MAX];

		/* the macro casts away const; OpenSSL copies the name */
		util_strlcpy(sni, host, sizeof(sni));
		SSL_set_tlsext_host_name(ssl, sni);
	}
	return ssl;
}

int
tls_ssl_dane(SSL *ssl, const char *name, const struct tls_tlsa *v, int n,
    struct tls_info *info)
{
	int	 i, added = 0;

	info->dane_checked = n > 0;
	info->dane_depth = -1;
	if (n <= 0 || SSL_dane_enable(ssl, name) <= 0)
		return 0;
	/* RFC 7672 3.1.3: no name checks for DANE-EE(3) */
	SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	for (i = 0; i < n; i++) {
		if (v[i].usage != 2 && v[i].usage != 3)
			continue;
		if (SSL_dane_tlsa_add(ssl, v[i].usage, v[i].selector,
		    v[i].mtype, v[i].data, v[i].len) > 0)
			added++;
	}
	info->dane_usable = added;
	ERR_clear_error();
	return added;
}

static void
name_str(const X509_NAME *n, char *buf, size_t sz)
{
	BIO	*b;
	int	 len;

	buf[0] = '\0';
	if (n == NULL || (b = BIO_new(BIO_s_mem())) == NULL)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_read(b, buf, (int)sz - 1);
	buf[len > 0 ? len : 0] = '\0';
	util_sanitize_buf(buf, sz, buf, strlen(buf));
	BIO_free(b);
}

static int64_t
asn1_time_unix(const ASN1_TIME *t)
{
	struct tm	 tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

static void
sans_str(X509 *x, char *buf, size_t sz)
{
	GENERAL_NAMES	*gens;
	int		 i;
	size_t		 used = 0;

	buf[0] = '\0';
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (gens == NULL)
		return;
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME	*g = sk_GENERAL_NAME_value(gens, i);
		char			 one[256];

		if (g->type == GEN_DNS) {
			const unsigned char *d =
			    ASN1_STRING_get0_data(g->d.dNSName);
			util_sanitize_buf(one, sizeof(one), (const char *)d,
			    (size_t)ASN1_STRING_length(g->d.dNSName));
		} else if (g->type == GEN_IPADD) {
			const unsigned char *d =
			    ASN1_STRING_get0_data(g->d.iPAddress);
			int l = ASN1_STRING_length(g->d.iPAddress);

			if (l == 4)
				inet_ntop(AF_INET, d, one, sizeof(one));
			else if (l == 16)
				inet_ntop(AF_INET6, d, one, sizeof(one));
			else
				continue;
		} else
			continue;
		if (used + strlen(one) + 2 >= sz)
			break;
		if (used > 0)
			buf[used++] = ',';
		used += util_strlcpy(buf + used, one, sz - used);
	}
	GENERAL_NAMES_free(gens);
}

static void
cert_fill(X509 *x, struct tls_cert *c)
{
	EVP_PKEY	*pk;
	int		 id;

	name_str(X509_get_subject_name(x), c->subject, sizeof(c->subject));
	name_str(X509_get_issuer_name(x), c->issuer, sizeof(c->issuer));
	sans_str(x, c->sans, sizeof(c->sans));
	c->not_before = asn1_time_unix(X509_get0_notBefore(x));
	c->not_after = asn1_time_unix(X509_get0_notAfter(x));
	if ((pk = X509_get0_pubkey(x)) == NULL)
		return;
	c->key_bits = EVP_PKEY_get_bits(pk);
	id = EVP_PKEY_get_base_id(pk);
	switch (id) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		util_strlcpy(c->key_type, "RSA", sizeof(c->key_type));
		break;
	case EVP_PKEY_EC:
		util_strlcpy(c->key_type, "EC", sizeof(c->key_type));
		break;
	case EVP_PKEY_ED25519:
		util_strlcpy(c->key_type, "ED25519", sizeof(c->key_type));
		break;
	case EVP_PKEY_ED448:
		util_strlcpy(c->key_type, "ED448", sizeof(c->key_type));
		break;
	case EVP_PKEY_DSA:
		util_strlcpy(c->key_type, "DSA", sizeof(c->key_type));
		break;
	default:
		util_strlcpy(c->key_type, OBJ_nid2sn(id) ? OBJ_nid2sn(id) :
		    "unknown", sizeof(c->key_type));
		break;
	}
}

void
tls_info_free(struct tls_info *info)
{
	free(info->chain);
	info->chain = NULL;
	info->nchain = 0;
	free(info->verify_issuer);
	info->verify_issuer = NULL;
	free(info->dane_spki);
	info->dane_spki = NULL;
}

/* SHA-256 of x's SubjectPublicKeyInfo in hex (TLSA 3 1 1 data), or NULL. */
static char *
spki_sha256_hex(X509 *x)
{
	unsigned char	*der = NULL, md[SHA256_DIGEST_LENGTH];
	char		*hex;
	int		 len, i;

	if ((len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der)) <= 0)
		return NULL;
	if (EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL) != 1 ||
	    (hex = malloc(2 * sizeof(md) + 1)) == NULL) {
		OPENSSL_free(der);
		return NULL;
	}
	OPENSSL_free(der);
	for (i = 0; i < (int)sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hex;
}

/*
 * The first certificate of the chain whose signature a verifying OpenSSL
 * 3 sender refuses at its default security level 1 (80 bits: SHA-1
 * counts 63 there, MD5 39): X509_V_ERR_CA_MD_TOO_WEAK, "CA signature
 * digest algorithm too weak". We accept it at level 0 to see the rest.
 * The chain is the one the verifier built, as a sender's would (a
 * certificate sent but not on the path does not count), else the one
 * sent; a self-signed certificate's own signature is not checked (a
 * trust anchor is trusted for itself).
 */
static void
weak_signature(SSL *ssl, struct tls_info *info)
{
	STACK_OF(X509)	*chain = SSL_get0_verified_chain(ssl);
	X509		*x;
	int		 i, md, sec, nid;

	if (chain == NULL || sk_X509_num(chain) == 0)
		chain = SSL_get_peer_cert_chain(ssl);
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		x = sk_X509_value(chain, i);
		if (X509_get_extension_flags(x) & EXFLAG_SS)
			continue;
		if (X509_get_signature_info(x, &md, NULL, &sec, NULL) != 1 ||
		    sec >= 80)
			continue;
		nid = X509_get_signature_nid(x);
		info->verify_flags |= TLS_V_WEAK_SIG;
		info->weak_sig_depth = i;
		util_strlcpy(info->weak_sig, OBJ_nid2ln(nid) ? OBJ_nid2ln(nid) :
		    OBJ_nid2sn(md) ? OBJ_nid2sn(md) : "?",
		    sizeof(info->weak_sig));
		name_str(X509_get_subject_name(x), info->weak_sig_subject,
		    sizeof(info->weak_sig_subject));
		if (info->verify_error[0] == '\0') {
			info->verify_err = X509_V_ERR_CA_MD_TOO_WEAK;
			info->verify_depth = i;
			snprintf(info->verify_error, sizeof(info->verify_error),
			    "%s (depth %d)", X509_verify_cert_error_string(
			    X509_V_ERR_CA_MD_TOO_WEAK), i);
		}
		return;
	}
	ERR_clear_error();
}

/*
 * Whether the leaf names host as senders check it: SAN DNS names only,
 * never the subject CN (RFC 9525; RFC 8461 4.2 for MTA-STS), and no
 * partial wildcard ("m*.example.com"). When it does not, why: a check
 * that also reads the CN, or allows partial wildcards, tells.
 */
static int
host_matches(X509 *leaf, const char *host, enum tls_name_why *why)
{
	const unsigned int strict = X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;

	*why = TLS_NAME_OTHER;
	if (X509_check_host(leaf, host, 0, strict, NULL) == 1)
		return 1;
	if (X509_check_host(leaf, host, 0,
	    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL) == 1)
		*why = TLS_NAME_PARTIAL;
	else if (X509_check_host(leaf, host, 0,
	    X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT |
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1)
		*why = TLS_NAME_CN_ONLY;
	ERR_clear_error();
	return 0;
}

void
tls_inspect(SSL *ssl, const char *host, struct tls_info *info)
{
	STACK_OF(X509)	*chain;
	X509		*leaf;
	int		 i, nid, n;
	const char	*g;
	int64_t		 now = util_wall();

	util_strlcpy(info->version, SSL_get_version(ssl), sizeof(info->version));
	info->version_num = SSL_version(ssl);
	util_strlcpy(info->cipher, SSL_get_cipher_name(ssl),
	    sizeof(info->cipher));
	nid = SSL_get_negotiated_group(ssl);
	if (nid != 0 && (g = SSL_group_to_name(ssl, nid)) != NULL)
		util_strlcpy(info->group, g, sizeof(info->group));
	chain = SSL_get_peer_cert_chain(ssl);
	n = chain != NULL ? sk_X509_num(chain) : 0;
	if (n < 1)
		n = 1;
	if (n > TLS_CHAIN_MAX)
		n = TLS_CHAIN_MAX;
	/* as many records as the peer sent: a held session keeps them */
	free(info->chain);
	info->nchain = 0;
	if ((info->chain = calloc((size_t)n, sizeof(*info->chain))) == NULL)
		return;
	for (i = 0; chain != NULL && i < sk_X509_num(chain) &&
	    i < TLS_CHAIN_MAX; i++)
		cert_fill(sk_X509_value(chain, i), &info->chain[info->nchain++]);
	leaf = SSL_get0_peer_certificate(ssl);
	if (leaf != NULL && info->nchain == 0)
		cert_fill(leaf, &info->chain[info->nchain++]);
	weak_signature(ssl, info);

	info->verified = leaf != NULL && info->verify_flags == 0 &&
	    SSL_get_verify_result(ssl) == X509_V_OK;
	if (leaf != NULL && SSL_get_verify_result(ssl) != X509_V_OK &&
	    info->verify_flags == 0) {
		info->verify_flags |= TLS_V_OTHER;
		info->verify_err = (int)SSL_get_verify_result(ssl);
		util_strlcpy(info->verify_error, X509_verify_cert_error_string(
		    SSL_get_verify_result(ssl)), sizeof(info->verify_error));
	}
	if (info->dane_usable > 0) {
		info->dane_ok = SSL_get0_dane_authority(ssl, NULL, NULL) >= 0;
		info->dane_depth = info->dane_ok ?
		    SSL_get0_dane_authority(ssl, NULL, NULL) : -1;
		if (info->dane_ok) {
			uint8_t			 usage = 0;

			/* DANE authenticated the peer: PKIX does not apply */
			info->verify_flags &= ~(TLS_V_UNTRUSTED | TLS_V_OTHER);
			SSL_get0_dane_tlsa(ssl, &usage, NULL, NULL, NULL,
			    NULL);
			info->dane_ee = usage == 3;	/* DANE-EE */
			/* DANE-EE matches the key: no signature is checked */
			if (info->dane_ee)
				info->verify_flags &= ~TLS_V_WEAK_SIG;
			/* nor, for DANE-EE, the certificate's dates */
			info->verified = (info->verify_flags & ~(info->dane_ee ?
			    TLS_V_EXPIRED | TLS_V_NOT_YET_VALID : 0)) == 0;
		} else {
			info->verify_flags |= TLS_V_DANE;
			if (leaf != NULL)
				info->dane_spki = spki_sha256_hex(leaf);
		}
	}
	if (host != NULL)
		util_strlcpy(info->hostname, host, sizeof(info->hostname));
	if (leaf != NULL && host != NULL && *host != '\0') {
		if (is_ip_literal(host))
			info->hostname_ok = X509_check_ip_asc(leaf, host, 0) == 1;
		else
			info->hostname_ok = host_matches(leaf, host,
			    &info->hostname_why);
	}
	if (info->dane_ok)
		info->hostname_ok = 1;
	if (info->nchain > 0) {
		int64_t left = info->chain[0].not_after - now;

		/* whole days, as a calendar counts them: 2 days and 16
		   minutes past is -2 */
		info->days_left = (int)(left / 86400);
		/* judge validity by the clock, whatever the verifier said */
		if (info->chain[0].not_after != 0 && info->chain[0].not_after < now)
			info->verify_flags |= TLS_V_EXPIRED;
		if (info->chain[0].not_before > now)
			info->verify_flags |= TLS_V_NOT_YET_VALID;
	}
}

static const char *
iso_time(int64_t t, char *buf, size_t sz)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL)
		util_strlcpy(buf, "?", sz);
	else
		strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/*
 * Why the chain the server sent does not verify, in words, for the
 * evidence of tls.cert.untrusted ("" when the error says it all). A
 * server must send its certificate and every intermediate up to (not
 * including) a root the client trusts. When no issuer was found for a
 * certificate that is not a CA (the server's own), the server did not
 * send the intermediate that issued it (none, or the wrong one); when
 * the certificate is a CA, the chain was complete up to a root that is
 * not trusted here.
 */
static const char *
untrusted_why(const struct tls_info *info, char *buf, size_t sz)
{
	buf[0] = '\0';
	if (info->verify_issuer == NULL)
		return buf;
	switch (info->verify_err) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		if (!info->verify_cert_ca)
			snprintf(buf, sz, "; chain sent: %d certificate%s,"
			    " without %s, the issuer of the one at depth %d:"
			    " the intermediate certificate is missing (or that"
			    " is a private CA not trusted here)", info->nchain,
			    info->nchain == 1 ? "" : "s", info->verify_issuer,
			    info->verify_depth);
		else
			snprintf(buf, sz, "; chain sent: %d certificate%s,"
			    " complete up to the CA at depth %d, issued by %s,"
			    " which is not a root trusted here", info->nchain,
			    info->nchain == 1 ? "" : "s", info->verify_depth,
			    info->verify_issuer);
		break;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		snprintf(buf, sz, "; chain sent: %d certificates, ending in a"
		    " root that is not trusted here", info->nchain);
		break;
	default:
		break;
	}
	return buf;
}

/* Why an out-of-date certificate matched by DANE-EE is not critical. */
#define DANE_EE_DATES	"; a DANE-EE(3) TLSA record authenticates it and" \
	" DANE ignores its dates (RFC 7672 3.1.1): DANE senders deliver," \
	" senders that check it against CAs (MTA-STS) do not"

/*
 * The server's certificate is valid but the verifier found an expired
 * one above it: an intermediate the server still sends (its chain file
 * was not updated when the CA replaced it), or one of the chain built
 * here (a root of the trust store).
 */
/* "2 days ago": whole days elapsed since t (2 days and 16 minutes: 2). */
static const char *
ago(int64_t t, int64_t now, char *buf, size_t sz)
{
	int64_t	 d = (now - t) / 86400;

	if (d < 1)
		snprintf(buf, sz, "less than a day ago");
	else
		snprintf(buf, sz, "%lld day%s ago", (long long)d, d == 1 ? "" :
		    "s");
	return buf;
}

static void
chain_expired(const struct tls_info *info, const char *host,
    const char *addr, int port, struct finding_list *fl)
{
	const struct tls_cert	*c;
	char			 t1[32], t2[32], a[32];
	int64_t			 now = util_wall();
	int			 i;

	iso_time(info->chain[0].not_after, t2, sizeof(t2));
	for (i = 1; i < info->nchain; i++) {
		c = &info->chain[i];
		if (c->not_after == 0 || c->not_after >= now)
			continue;
		finding_add(fl, F_TLS_CERT_EXPIRED, -1, host, addr, port,
		    "the chain sent has an expired intermediate: subject=%s"
		    " notAfter=%s (%s), certificate %d of %d; the"
		    " server's own certificate is valid until %s: replace the"
		    " intermediate with the CA's current one", c->subject,
		    iso_time(c->not_after, t1, sizeof(t1)),
		    ago(c->not_after, now, a, sizeof(a)), i + 1,
		    info->nchain, t2);
		return;
	}
	finding_add(fl, F_TLS_CERT_EXPIRED, -1, host, addr, port,
	    "%s in the chain built here, above the %d certificate%s sent;"
	    " the server's own certificate is valid until %s",
	    info->verify_error, info->nchain, info->nchain == 1 ? "" : "s",
	    t2);
}

/* Why the leaf does not name the host, for tls.cert.hostname. */
static const char *
hostname_why(const struct tls_info *info)
{
	switch (info->hostname_why) {
	case TLS_NAME_CN_ONLY:
		return ": the name is only in the subject CN, which senders"
		    " do not read (RFC 9525; MTA-STS, RFC 8461 4.2): it must"
		    " be a SAN DNS name";
	case TLS_NAME_PARTIAL:
		return ": only a partial wildcard SAN (a '*' beside other"
		    " characters in the label) would match it, which senders"
		    " refuse";
	default:
		return "";
	}
}

void
tls_findings(const struct tls_info *info, enum tls_need need, int warn_days,
    int crit_days, const char *host, const char *addr, int port,
    struct finding_list *fl)
{
	const struct tls_cert	*leaf;
	char			 t1[32], a[32], why[TLS_NAME_MAX * 2 + 200];
	int64_t			 now = util_wall();
	int			 sev_req = need == TLS_NEED_VERIFY ? SEV_CRIT :
				    SEV_WARN;

	/*
	 * OpenSSL 3 at its default security level does not speak TLS 1.0
	 * or 1.1 at all: such senders cannot complete this handshake, and
	 * where TLS is required that is no delivery.
	 */
	if (info->version_num != 0 && info->version_num < TLS1_2_VERSION)
		finding_add(fl, F_TLS_PROTOCOL_OLD, need >= TLS_NEED_ENCRYPT ?
		    SEV_CRIT : -1, host, addr, port, "negotiated %s with cipher"
		    " %s: senders on OpenSSL 3 at its default security level"
		    " cannot complete this handshake (TLS 1.2 at least)%s",
		    info->version, info->cipher, need >= TLS_NEED_ENCRYPT ?
		    ", and the policy requires TLS" : "");
	if (info->nchain == 0) {
		finding_add(fl, F_TLS_CERT_UNTRUSTED, sev_req, host, addr, port,
		    "server presented no certificate (cipher %s)", info->cipher);
		return;
	}
	leaf = &info->chain[0];
	if ((info->verify_flags & TLS_V_EXPIRED) && leaf->not_after != 0 &&
	    leaf->not_after < now)
		finding_add(fl, F_TLS_CERT_EXPIRED, info->dane_ee ? SEV_WARN :
		    -1, host, addr, port, "notAfter=%s (%s) subject=%s%s",
		    iso_time(leaf->not_after, t1, sizeof(t1)),
		    ago(leaf->not_after, now, a, sizeof(a)), leaf->subject,
		    info->dane_ee ? DANE_EE_DATES : "");
	else if (info->verify_flags & TLS_V_EXPIRED)
		chain_expired(info, host, addr, port, fl);
	else if (info->verify_flags & TLS_V_NOT_YET_VALID)
		finding_add(fl, F_TLS_CERT_NOT_YET_VALID, info->dane_ee ?
		    SEV_WARN : -1, host, addr, port, "notBefore=%s subject=%s%s",
		    iso_time(leaf->not_before, t1, sizeof(t1)), leaf->subject,
		    info->dane_ee ? DANE_EE_DATES : "");
	else if (info->days_left <= crit_days || info->days_left <= warn_days)
		finding_add(fl, F_TLS_CERT_EXPIRING,
		    info->days_left <= crit_days ? SEV_CRIT : SEV_WARN,
		    host, addr, port, "notAfter=%s (%d days left) subject=%s",
		    iso_time(leaf->not_after, t1, sizeof(t1)), info->days_left,
		    leaf->subject);
	if (info->verify_flags & TLS_V_DANE)
		finding_add(fl, F_DANE_MISMATCH, -1, host, addr, port,
		    "none of %d usable TLSA record(s) matches the chain of "
		    "subject=%s issuer=%s (%d certificate%s sent); the "
		    "server's key matches \"3 1 1 %s\"", info->dane_usable,
		    leaf->subject, leaf->issuer, info->nchain,
		    info->nchain == 1 ? "" : "s",
		    info->dane_spki != NULL ? info->dane_spki : "?");
	if (info->verify_flags & (TLS_V_UNTRUSTED | TLS_V_OTHER))
		finding_add(fl, F_TLS_CERT_UNTRUSTED, sev_req, host, addr, port,
		    "%s; issuer=%s%s", info->verify_error, leaf->issuer,
		    untrusted_why(info, why, sizeof(why)));
	if (info->verify_flags & TLS_V_WEAK_SIG)
		finding_add(fl, F_TLS_CERT_UNTRUSTED, sev_req, host, addr, port,
		    "the certificate at depth %d (subject=%s) is signed with"
		    " %s: senders that verify with OpenSSL 3 refuse the chain"
		    " (CA signature digest algorithm too weak)",
		    info->weak_sig_depth, info->weak_sig_subject,
		    info->weak_sig);
	if (!info->hostname_ok && info->hostname[0] != '\0')
		finding_add(fl, F_TLS_CERT_HOSTNAME, sev_req, host, addr, port,
		    "certificate for subject=%s SAN=%s does not name %s%s",
		    leaf->subject, leaf->sans[0] ? leaf->sans : "(none)",
		    info->hostname, hostname_why(info));
	if ((strcmp(leaf->key_type, "RSA") == 0 ||
	    strcmp(leaf->key_type, "DSA") == 0) && leaf->key_bits < 2048)
		finding_add(fl, F_TLS_KEY_WEAK,
		    leaf->key_bits < 1024 ? SEV_CRIT : SEV_WARN, host, addr,
		    port, "%s key of %d bits (subject=%s)", leaf->key_type,
		    leaf->key_bits, leaf->subject);
	else if (strcmp(leaf->key_type, "EC") == 0 && leaf->key_bits < 224)
		finding_add(fl, F_TLS_KEY_WEAK, -1, host, addr, port,
		    "EC key of %d bits (subject=%s)", leaf->key_bits,
		    leaf->subject);
}

const char *
tls_last_error(char *buf, size_t sz)
{
	unsigned long	 e;

	e = ERR_peek_last_error();
	if (e == 0)
		util_strlcpy(buf, "unknown error", sz);
	else
		ERR_error_string_n(e, buf, sz);
	ERR_clear_error();
	return buf;
}

int
tls_ca_file_check(const char *path, char *why, size_t sz)
{
	struct stat	 st;
	X509		*x;
	FILE		*fp;
	unsigned long	 e;
	int		 n = 0;

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(why, sz, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(why, sz, "not a regular file");
		fclose(fp);
		return -1;
	}
	ERR_clear_error();
	while ((x = PEM_read_X509(fp, NULL, NULL, NULL)) != NULL) {
		X509_free(x);
		n++;
	}
	/* the end of the file shows as "no start line"; anything else is bad */
	e = ERR_peek_last_error();
	if (ferror(fp))
		snprintf(why, sz, "%s", strerror(errno));
	else if (e != 0 && !(ERR_GET_LIB(e) == ERR_LIB_PEM &&
	    ERR_GET_REASON(e) == PEM_R_NO_START_LINE))
		snprintf(why, sz, "certificate %d does not parse", n + 1);
	else if (n == 0)
		snprintf(why, sz, "holds no PEM certificate");
	else
		why[0] = '\0';
	ERR_clear_error();
	fclose(fp);
	return why[0] == '\0' ? 0 : -1;
}
