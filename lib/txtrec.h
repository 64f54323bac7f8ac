/*
 * txtrec.h - what the audits of mail-policy TXT records share (dmarc.c,
 * dkim.c, tlsrpt.c, mtasts.c): a tag-list tokenizer (RFC 6376 3.2 and
 * the RFC 7489, 8460 and 8461 variants of it), record selection by
 * version tag, and checks of domain names and report URIs.
 *
 * Nothing here allocates or does I/O. Input is (pointer, length), so a
 * TXT record with a NUL byte in it is still read whole.
 */
#ifndef SMTPROBE_TXTREC_H
#define SMTPROBE_TXTREC_H

#include <stddef.h>

#include "finding.h"

#define TXTREC_TAGS_MAX	64	/* tag-specs in one record; more is an error */
#define TXTREC_HOST_MAX	253	/* bytes in a domain name, no final dot */
#define TXTREC_EV_MAX	80	/* bytes of a value quoted in evidence */
#define TXTREC_FINDINGS_MAX 32	/* findings from one record or policy; the
				   rest are dropped, the verdict kept */

/* Grammar variants for txtrec_init() and txtrec_has_version(). */
#define TXTREC_FWS	0x1	/* CR and LF count as folding white space (DKIM) */
#define TXTREC_NOCASE	0x2	/* tag names are case-insensitive (DMARC) */
#define TXTREC_STS	0x4	/* RFC 8460/8461: no white space around "=";
				   names (ALPHA/DIGIT) *31(ALPHA/DIGIT/"_"/"-"/".") */

/* One tag=value pair, pointing into the record. */
struct txtrec_tag {
	const char	*name;		/* tag name; on an error, the whole bad tag-spec */
	size_t		 namelen;
	const char	*val;		/* value without surrounding white space */
	size_t		 vallen;	/* may be 0 */
	size_t		 index;		/* 0 for the first tag of the record */
};

/* Tokenizer state; bounded, lives on the caller's stack. */
struct txtrec_iter {
	const char	*s;		/* the record */
	size_t		 len;
	size_t		 off;		/* next byte to read */
	int		 flags;		/* TXTREC_* */
	size_t		 nspecs;	/* tag-specs read so far, good or bad */
	size_t		 ntags;		/* tags returned so far */
	struct {
		const char	*p;
		size_t		 len;
	}		 seen[TXTREC_TAGS_MAX];	/* names, to refuse duplicates */
};

/* Start tokenizing s (len bytes) with the TXTREC_* flags. */
void		 txtrec_init(struct txtrec_iter *, const char *s, size_t len,
		    int flags);

/*
 * Next tag. Returns 1 and fills *tag, 0 at the end, or -1 on a bad
 * tag-spec: *why says what is wrong (a static string) and tag->name
 * spans the bad tag-spec. After -1 the next call goes on with the
 * following tag-spec, except after "too many tags" (tag-spec number
 * TXTREC_TAGS_MAX + 1, good or bad), which ends the record. Empty
 * tag-specs (";;") are skipped as deployed parsers do.
 */
int		 txtrec_next(struct txtrec_iter *, struct txtrec_tag *,
		    const char **why);

/* Is the tag's name equal to name (case rules from the iterator's flags)? */
int		 txtrec_tag_is(const struct txtrec_iter *,
		    const struct txtrec_tag *, const char *name);

/*
 * Does the record start with "v=" version, followed by the end, ";" or
 * white space? White space around "=" is allowed unless TXTREC_STS; "v"
 * may be "V" with TXTREC_NOCASE. The version itself is case-sensitive.
 */
int		 txtrec_has_version(const char *s, size_t len,
		    const char *version, int flags);

/*
 * Count the records txt[0..n) (lengths len[]) that txtrec_has_version();
 * *first gets the index of the first one (untouched when none).
 */
size_t		 txtrec_select(const char *const *txt, const size_t *len,
		    size_t n, const char *version, int flags, size_t *first);

/*
 * Check a domain name: dot-separated LDH labels (RFC 1123) of 1..63
 * bytes, at most TXTREC_HOST_MAX bytes, one final dot allowed. Copies
 * it lowercased, without the final dot, into out (outsz bytes, at least
 * TXTREC_HOST_MAX + 1). Returns 0, or -1 with *why.
 */
int		 txtrec_hostname(const char *s, size_t len, char *out,
		    size_t outsz, const char **why);

/* URI schemes txtrec_uri() tells apart. */
enum txtrec_scheme {
	TXTREC_URI_OTHER,
	TXTREC_URI_MAILTO,
	TXTREC_URI_HTTPS,
	TXTREC_URI_HTTP,
};

/*
 * Check a report URI: a scheme, then only RFC 3986 characters with
 * valid %-escapes. For mailto: (an address with a domain before any
 * "?") and http(s): (an authority with a host name) the domain is copied
 * lowercased into host (hostsz bytes, at least TXTREC_HOST_MAX + 1); it
 * is "" for other schemes. Returns the enum txtrec_scheme, or -1 with *why.
 */
int		 txtrec_uri(const char *s, size_t len, char *host, size_t hostsz,
		    const char **why);

/* Is v a valid RFC 8460/8461 extension value (1*(%x21-3A / %x3C / %x3E-7E))? */
int		 txtrec_sts_extvalue(const char *v, size_t len);

/* Split the next item off a sep-separated list, white space trimmed.
 * *off advances past the separator; returns 0 when the list is done. */
int		 txtrec_list_next(const char *s, size_t len, size_t *off,
		    char sep, const char **item, size_t *itemlen);

/* Bytes of a value to quote in evidence: len, at most TXTREC_EV_MAX. */
int		 txtrec_evlen(size_t len);

/*
 * The head every record audit checks first: at most max bytes, and the
 * "v=" version tag first (txtrec_has_version with flags). On failure it
 * adds finding id at severity sev (-1: the catalogue's) for domain, with
 * evidence naming the record (name, e.g. "_dmarc.example.com") and the
 * text, and returns -1; otherwise 0.
 */
int		 txtrec_check_head(const char *name, const char *domain,
		    const char *s, size_t len, size_t max, const char *version,
		    int flags, enum finding_id id, int sev,
		    struct finding_list *fl);

#endif
