/*
 * txtrec.c - tag-lists, version selection, domain names and report URIs
 * for the mail-policy TXT records.
 *
 * The tag-list grammar is RFC 6376 3.2:
 *	tag-list  = tag-spec *( ";" tag-spec ) [ ";" ]
 *	tag-spec  = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 *	tag-name  = ALPHA *ALNUMPUNC
 *	tag-value = [ tval *( 1*(WSP / FWS) tval ) ]   tval = 1*(%x21-3A / %x3C-7E)
 * DMARC (RFC 7489 6.4) reuses it with plain WSP; TLS-RPT and MTA-STS
 * (RFC 8460 3, RFC 8461 3.1) allow white space only around ";" and take
 * a wider name syntax.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "txtrec.h"

static int
is_wsp(const struct txtrec_iter *it, char c)
{
	if (c == ' ' || c == '\t')
		return 1;
	return (it->flags & TXTREC_FWS) && (c == '\r' || c == '\n');
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_namechar(const struct txtrec_iter *it, char c)
{
	if (is_alpha(c) || is_digit(c) || c == '_')
		return 1;
	return (it->flags & TXTREC_STS) && (c == '-' || c == '.');
}

static int
name_eq(int flags, const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return 0;
	if (flags & TXTREC_NOCASE)
		return strncasecmp(a, b, alen) == 0;
	return memcmp(a, b, alen) == 0;
}

void
txtrec_init(struct txtrec_iter *it, const char *s, size_t len, int flags)
{
	memset(it, 0, sizeof(*it));
	it->s = s;
	it->len = len;
	it->flags = flags;
}

static int
bad(struct txtrec_tag *tag, const char *spec, size_t speclen,
    const char **why, const char *reason)
{
	tag->name = spec;
	tag->namelen = speclen;
	tag->val = NULL;
	tag->vallen = 0;
	*why = reason;
	return -1;
}

int
txtrec_next(struct txtrec_iter *it, struct txtrec_tag *tag, const char **why)
{
	const char	*s = it->s;
	size_t		 start, end, p, q, vend, i;

	for (;;) {
		while (it->off < it->len && is_wsp(it, s[it->off]))
			it->off++;
		if (it->off >= it->len)
			return 0;
		if (s[it->off] != ';')
			break;
		it->off++;
	}
	start = it->off;
	for (end = start; end < it->len && s[end] != ';'; end++)
		;
	it->off = end < it->len ? end + 1 : end;

	/* The spec without trailing white space, for evidence. */
	vend = end;
	while (vend > start && is_wsp(it, s[vend - 1]))
		vend--;

	/* Bad specs count too, so a record of 2000 ";x" ends early. */
	if (it->nspecs++ == TXTREC_TAGS_MAX) {
		it->off = it->len;
		return bad(tag, s + start, vend - start, why, "too many tags");
	}

	for (p = start; p < end && is_namechar(it, s[p]); p++)
		;
	if (p == start)
		return bad(tag, s + start, vend - start, why,
		    "tag name expected");
	if (!is_alpha(s[start]) &&
	    !((it->flags & TXTREC_STS) && is_digit(s[start])))
		return bad(tag, s + start, vend - start, why,
		    "tag name must start with a letter");
	if ((it->flags & TXTREC_STS) && p - start > 32)
		return bad(tag, s + start, vend - start, why,
		    "tag name longer than 32 bytes");

	for (q = p; q < end && is_wsp(it, s[q]); q++)
		;
	if (q == end || s[q] != '=')
		return bad(tag, s + start, vend - start, why,
		    "\"=\" expected after the tag name");
	if ((it->flags & TXTREC_STS) && q != p)
		return bad(tag, s + start, vend - start, why,
		    "white space before \"=\"");
	q++;
	if ((it->flags & TXTREC_STS) && q < end && is_wsp(it, s[q]))
		return bad(tag, s + start, vend - start, why,
		    "white space after \"=\"");
	while (q < vend && is_wsp(it, s[q]))
		q++;

	for (i = q; i < vend; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!is_wsp(it, s[i]) && (c < 0x21 || c > 0x7e))
			return bad(tag, s + start, vend - start, why,
			    "control or non-ASCII byte in the value");
	}

	for (i = 0; i < it->ntags; i++)
		if (name_eq(it->flags, it->seen[i].p, it->seen[i].len,
		    s + start, p - start))
			return bad(tag, s + start, vend - start, why,
			    "duplicate tag");
	it->seen[it->ntags].p = s + start;
	it->seen[it->ntags].len = p - start;

	tag->name = s + start;
	tag->namelen = p - start;
	tag->val = s + q;
	tag->vallen = vend - q;
	tag->index = it->ntags++;
	return 1;
}

int
txtrec_tag_is(const struct txtrec_iter *it, const struct txtrec_tag *tag,
    const char *name)
{
	return name_eq(it->flags, tag->name, tag->namelen, name, strlen(name));
}

int
txtrec_has_version(const char *s, size_t len, const char *version, int flags)
{
	size_t	 off = 0, vlen = strlen(version);
	int	 sts = (flags & TXTREC_STS) != 0;

	if (len == 0 || !(s[0] == 'v' || ((flags & TXTREC_NOCASE) &&
	    s[0] == 'V')))
		return 0;
	off = 1;
	while (!sts && off < len && (s[off] == ' ' || s[off] == '\t'))
		off++;
	if (off >= len || s[off] != '=')
		return 0;
	off++;
	while (!sts && off < len && (s[off] == ' ' || s[off] == '\t'))
		off++;
	if (len - off < vlen || memcmp(s + off, version, vlen) != 0)
		return 0;
	off += vlen;
	return off == len || s[off] == ';' || s[off] == ' ' || s[off] == '\t';
}

size_t
txtrec_select(const char *const *txt, const size_t *len, size_t n,
    const char *version, int flags, size_t *first)
{
	size_t	 i, count = 0;

	for (i = 0; i < n; i++) {
		if (txt[i] == NULL ||
		    !txtrec_has_version(txt[i], len[i], version, flags))
			continue;
		if (count++ == 0)
			*first = i;
	}
	return count;
}

int
txtrec_hostname(const char *s, size_t len, char *out, size_t outsz,
    const char **why)
{
	size_t	 i, label = 0;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0) {
		*why = "empty domain name";
		return -1;
	}
	if (len > TXTREC_HOST_MAX || len >= outsz) {
		*why = "domain name longer than 253 bytes";
		return -1;
	}
	for (i = 0; i < len; i++) {
		char	 c = s[i];

		if (c == '.') {
			if (label == 0) {
				*why = "empty label in domain name";
				return -1;
			}
			if (s[i - 1] == '-') {
				*why = "label ends with \"-\"";
				return -1;
			}
			label = 0;
		} else if (is_alpha(c) || is_digit(c) || c == '-') {
			if (c == '-' && label == 0) {
				*why = "label starts with \"-\"";
				return -1;
			}
			if (++label > 63) {
				*why = "label longer than 63 bytes";
				return -1;
			}
		} else {
			*why = "character not allowed in a host name";
			return -1;
		}
		out[i] = (char)tolower((unsigned char)c);
	}
	if (s[len - 1] == '-') {
		*why = "label ends with \"-\"";
		return -1;
	}
	out[len] = '\0';
	return 0;
}

static int
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3986 2.2 and 2.3: reserved and unreserved characters. */
static int
is_urichar(char c)
{
	return is_alpha(c) || is_digit(c) || strchr("-._~:/?#[]@!$&'()*+,;=",
	    c) != NULL;
}

static int
uri_host(const char *s, size_t len, char *host, size_t hostsz,
    const char **why)
{
	if (txtrec_hostname(s, len, host, hostsz, why) == -1)
		return -1;
	/* A final dot is fine in DNS but not in an address or authority. */
	if (s[len - 1] == '.') {
		*why = "domain name ends with \".\"";
		return -1;
	}
	return 0;
}

int
txtrec_uri(const char *s, size_t len, char *host, size_t hostsz,
    const char **why)
{
	size_t	 i, colon, a, e, at;
	int	 scheme;

	if (hostsz > 0)
		host[0] = '\0';
	if (len == 0) {
		*why = "empty URI";
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || !(is_urichar(s[i]) || s[i] == '%')) {
			*why = "character not allowed in a URI";
			return -1;
		}
		if (s[i] == '%' && (i + 2 >= len || !is_hex(s[i + 1]) ||
		    !is_hex(s[i + 2]))) {
			*why = "bad %-escape in URI";
			return -1;
		}
	}
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	if (!is_alpha(s[0])) {
		*why = "URI has no scheme";
		return -1;
	}
	for (colon = 1; colon < len && (is_alpha(s[colon]) ||
	    is_digit(s[colon]) || s[colon] == '+' || s[colon] == '-' ||
	    s[colon] == '.'); colon++)
		;
	if (colon == len || s[colon] != ':') {
		*why = "URI has no scheme";
		return -1;
	}
	if (colon == 6 && strncasecmp(s, "mailto", 6) == 0)
		scheme = TXTREC_URI_MAILTO;
	else if (colon == 5 && strncasecmp(s, "https", 5) == 0)
		scheme = TXTREC_URI_HTTPS;
	else if (colon == 4 && strncasecmp(s, "http", 4) == 0)
		scheme = TXTREC_URI_HTTP;
	else
		return TXTREC_URI_OTHER;

	a = colon + 1;
	if (scheme == TXTREC_URI_MAILTO) {
		/* RFC 6068: addr-spec, then optional "?" headers. */
		for (e = a; e < len && s[e] != '?'; e++)
			;
		for (at = e; at > a && s[at - 1] != '@'; at--)
			;
		if (at == a) {
			*why = "mailto: URI without an address";
			return -1;
		}
		if (at - 1 == a) {
			*why = "mailto: address without a local part";
			return -1;
		}
		if (uri_host(s + at, e - at, host, hostsz, why) == -1)
			return -1;
		return scheme;
	}

	/* http(s): "//" authority; authority = [ userinfo "@" ] host [ ":" port ] */
	if (len - a < 2 || s[a] != '/' || s[a + 1] != '/') {
		*why = "http(s) URI without \"//\" and a host";
		return -1;
	}
	a += 2;
	for (e = a; e < len && s[e] != '/' && s[e] != '?' && s[e] != '#'; e++)
		;
	for (at = e; at > a && s[at - 1] != '@'; at--)
		;
	if (at > a)
		a = at;
	for (i = a; i < e && s[i] != ':'; i++)
		;
	if (i < e) {
		size_t	 p;

		for (p = i + 1; p < e && is_digit(s[p]); p++)
			;
		if (p != e || p - i - 1 > 5) {
			*why = "bad port in URI";
			return -1;
		}
	}
	if (i == a) {
		*why = "http(s) URI without a host";
		return -1;
	}
	if (uri_host(s + a, i - a, host, hostsz, why) == -1)
		return -1;
	return scheme;
}

int
txtrec_sts_extvalue(const char *v, size_t len)
{
	size_t	 i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x21 || c > 0x7e || c == ';' || c == '=')
			return 0;
	}
	return 1;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
txtrec_list_next(const char *s, size_t len, size_t *off, char sep,
    const char **item, size_t *itemlen)
{
	size_t	 b, e, end;

	if (*off > len)
		return 0;
	for (end = *off; end < len && s[end] != sep; end++)
		;
	b = *off;
	e = end;
	while (b < e && is_space(s[b]))
		b++;
	while (e > b && is_space(s[e - 1]))
		e--;
	*item = s + b;
	*itemlen = e - b;
	*off = end + 1;		/* past len when this was the last item */
	return 1;
}

int
txtrec_evlen(size_t len)
{
	return (int)(len < TXTREC_EV_MAX ? len : TXTREC_EV_MAX);
}

int
txtrec_check_head(const char *name, const char *domain, const char *s,
    size_t len, size_t max, const char *version, int flags,
    enum finding_id id, int sev, struct finding_list *fl)
{
	if (len > max) {
		finding_add(fl, id, sev, domain, NULL, 0,
		    "%s: \"%.*s\": record is %zu bytes, over %zu", name,
		    txtrec_evlen(len), s, len, max);
		return -1;
	}
	if (!txtrec_has_version(s, len, version, flags)) {
		finding_add(fl, id, sev, domain, NULL, 0,
		    "%s: \"%.*s\": v: the record must start with v=%s", name,
		    txtrec_evlen(len), s, version);
		return -1;
	}
	return 0;
}
