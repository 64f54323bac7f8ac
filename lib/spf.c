/*
 * spf.c - SPF, RFC 7208: the record parser, check_host() against the
 * caller's DNS view, macro expansion and the audit.
 *
 * Evaluation never waits: a lookup the view cannot answer yet unwinds
 * the whole check with E_PENDING and the caller runs it again later (see
 * spf.h). So nothing here keeps state between calls, and a DNS answer is
 * only read while the view guarantees it (until spf_check() returns).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnsname.h"
#include "finding.h"
#include "spf.h"

/* Internal results of a mechanism or check; spf_result values are >= 0. */
#define NOMATCH		0
#define MATCH		1
#define E_TEMP		(-1)	/* temperror, cause set */
#define E_PERM		(-2)	/* permerror, cause set */
#define E_PENDING	(-3)	/* an answer is not in the view yet */
#define E_NOMEM		(-4)
#define FETCHED		100	/* fetch_record() found a record */

/* Results of macro expansion. */
#define X_PENDING	(-1)	/* %{p} needs an answer not in the view yet */
#define X_OVERFLOW	(-2)	/* longer than the output buffer */
#define X_SYNTAX	(-3)	/* not a macro-string */

#define VAL_MAX		1024	/* one macro value before transformation */
#define SHOW_MAX	64	/* a term quoted in a message */

/* The client address. */
struct ip {
	int		 v6;		/* 0: IPv4 in a[0..3] */
	uint8_t		 a[16];
};

/* One check: the request made usable, the counters, where results go. */
struct ctx {
	const struct spf_dns_view *dns;
	struct spf_outcome *out;	/* NULL outside spf_check() */
	struct spf_needs *need;		/* NULL: do not collect */
	struct ip	 ip;
	char		 ctext[INET6_ADDRSTRLEN];	/* %{c} */
	char		 sender[2 * SPF_INPUT_MAX + 16];/* %{s}: local@domain */
	size_t		 local_len;	/* %{l} is sender[0 .. local_len) */
	const char	*odomain;	/* %{o}, inside sender */
	const char	*helo;		/* %{h} */
	const char	*receiver;	/* %{r} */
	char		 tbuf[24];	/* %{t} */
	const char	*p_fixed;	/* %{p} without DNS (spf_macro_expand) */
	char		 domain[SPF_INPUT_MAX + 1];	/* the <domain> asked */
	int		 explain;
	int		 lookups;
	int		 voids;
};

/* One token of a macro-string. */
struct mtok {
	int		 macro;		/* 0: literal bytes, 1: a %{...} */
	int		 expand;	/* a macro-expand ("%{..}", "%%", "%_", "%-") */
	const char	*lit;		/* the bytes a literal stands for */
	size_t		 litlen;
	int		 letter;	/* lower-case macro letter */
	int		 upper;		/* URL-escape the value (upper-case letter) */
	unsigned int	 keep;		/* right-hand parts kept, 0: all */
	int		 reverse;
	const char	*delim;		/* delimiter characters, NULL: "." */
	size_t		 ndelim;
};

static int	check_host(struct ctx *, const char *, int, int);
static int	seterr(struct ctx *, int, enum spf_error, const char *,
		    const char *, ...) __attribute__((format(printf, 5, 6)));

/* ASCII only: the locale must not change what a record means. */
static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Does s (len bytes) equal the lower-case literal lit, ignoring case? */
static int
ci_eq(const char *s, size_t len, const char *lit)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (lit[i] == '\0' || lower((unsigned char)s[i]) != lit[i])
			return 0;
	return lit[len] == '\0';
}

/* Is name equal to dom or a subdomain of it? */
static int
name_within(const char *name, const char *dom)
{
	size_t	 n = strlen(name), d = strlen(dom);

	if (n == d)
		return dnsname_equal(name, dom);
	if (n < d + 1 || name[n - d - 1] != '.')
		return 0;
	return dnsname_equal(name + n - d, dom);
}

/* Copy with truncation, always NUL-terminated. */
static void
copy(char *dst, size_t sz, const char *src, size_t len)
{
	if (sz == 0)
		return;
	if (len > sz - 1)
		len = sz - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Quote a term for a message: bounded, control and 8-bit bytes as \xHH. */
static const char *
show(char *buf, size_t sz, const char *s, size_t len)
{
	size_t	 i, o = 0;

	for (i = 0; i < len && o + 8 < sz; i++) {
		unsigned char	 ch = (unsigned char)s[i];

		if (i == SHOW_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (ch < 0x20 || ch > 0x7e || ch == '\\')
			o += (size_t)snprintf(buf + o, sz - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
	return buf;
}

const char *
spf_result_name(enum spf_result r)
{
	static const char *const names[] = {
		"none", "neutral", "pass", "fail", "softfail", "temperror",
		"permerror",
	};

	if ((size_t)r < sizeof(names) / sizeof(names[0]))
		return names[r];
	return "?";
}

const char *
spf_error_name(enum spf_error e)
{
	static const char *const names[] = {
		"none", "syntax", "multiple", "lookup-limit", "void-limit",
		"mx-limit", "include-none", "redirect-none", "depth", "dns",
	};

	if ((size_t)e < sizeof(names) / sizeof(names[0]))
		return names[e];
	return "?";
}

const char *
spf_rrtype_name(enum spf_rrtype t)
{
	switch (t) {
	case SPF_RR_A:
		return "A";
	case SPF_RR_PTR:
		return "PTR";
	case SPF_RR_MX:
		return "MX";
	case SPF_RR_TXT:
		return "TXT";
	case SPF_RR_AAAA:
		return "AAAA";
	}
	return "?";
}

/*
 * Macro-strings, RFC 7208 7.1.
 *
 * Read the token at s[*ip]. Returns 1 with a token, 0 at the end, -1 on a
 * syntax error with *why set. explain: an explain-string, where spaces
 * and the letters c, r and t are allowed.
 */
static int
mtok_next(const char *s, size_t len, size_t *ip, int explain, struct mtok *t,
    const char **why)
{
	size_t		 i = *ip;
	unsigned int	 v;
	int		 ch, digits;

	if (i >= len)
		return 0;
	memset(t, 0, sizeof(*t));
	ch = (unsigned char)s[i];
	if (ch != '%') {
		if (ch < 0x20 || ch > 0x7e || (ch == ' ' && !explain)) {
			*why = ch == ' ' ? "space in a domain-spec" :
			    "byte outside printable ASCII";
			return -1;
		}
		t->lit = s + i;
		t->litlen = 1;
		*ip = i + 1;
		return 1;
	}
	if (i + 1 >= len) {
		*why = "'%' at the end";
		return -1;
	}
	t->expand = 1;
	switch (s[i + 1]) {
	case '%':
		t->lit = "%";
		t->litlen = 1;
		*ip = i + 2;
		return 1;
	case '_':
		t->lit = " ";
		t->litlen = 1;
		*ip = i + 2;
		return 1;
	case '-':
		t->lit = "%20";
		t->litlen = 3;
		*ip = i + 2;
		return 1;
	case '{':
		break;
	default:
		*why = "'%' not followed by '{', '%', '_' or '-'";
		return -1;
	}
	i += 2;
	if (i >= len) {
		*why = "unterminated macro";
		return -1;
	}
	ch = (unsigned char)s[i++];
	t->macro = 1;
	t->letter = lower(ch);
	t->upper = ch != t->letter;
	if (t->letter == 0 || strchr("slodiphcrtv", t->letter) == NULL) {
		*why = "unknown macro letter";
		return -1;
	}
	if (!explain && strchr("crt", t->letter) != NULL) {
		*why = "macro letters c, r and t are only for exp= text";
		return -1;
	}
	/* transformers = *DIGIT [ "r" ]; a number must not be zero. */
	v = 0;
	digits = 0;
	while (i < len && is_digit((unsigned char)s[i])) {
		if (v < 100000)
			v = v * 10 + (unsigned int)(s[i] - '0');
		digits = 1;
		i++;
	}
	if (digits && v == 0) {
		*why = "macro keeps zero parts";
		return -1;
	}
	t->keep = v;
	if (i < len && lower((unsigned char)s[i]) == 'r') {
		t->reverse = 1;
		i++;
	}
	t->delim = s + i;
	while (i < len && strchr(".-+,/_=", s[i]) != NULL && s[i] != '\0')
		i++;
	t->ndelim = (size_t)(s + i - t->delim);
	if (t->ndelim == 0)
		t->delim = NULL;
	if (i >= len || s[i] != '}') {
		*why = "bad macro transformer or delimiter";
		return -1;
	}
	*ip = i + 1;
	return 1;
}

/*
 * Validate a macro-string (or explain-string). *tail gets the offset where
 * the literal text after the last macro-expand begins.
 */
static int
macro_check(const char *s, size_t len, int explain, size_t *tail,
    const char **why)
{
	struct mtok	 t;
	size_t		 i = 0;
	int		 r;

	if (tail != NULL)
		*tail = 0;
	while ((r = mtok_next(s, len, &i, explain, &t, why)) == 1)
		if (t.expand && tail != NULL)
			*tail = i;
	return r;
}

/* Does the macro-string use this macro letter? */
static int
macro_uses(const char *s, size_t len, int letter)
{
	struct mtok	 t;
	const char	*why;
	size_t		 i = 0;

	while (mtok_next(s, len, &i, 1, &t, &why) == 1)
		if (t.macro && t.letter == letter)
			return 1;
	return 0;
}

/*
 * toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
 */
static int
toplabel_ok(const char *s, size_t len)
{
	size_t	 i;
	int	 alpha = 0, dash = 0;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '-')
			dash = 1;
		else if (is_alpha((unsigned char)s[i]))
			alpha = 1;
		else if (!is_digit((unsigned char)s[i]))
			return 0;
	}
	if (dash)
		return is_alnum((unsigned char)s[0]) &&
		    is_alnum((unsigned char)s[len - 1]);
	return alpha;
}

/* domain-spec = macro-string domain-end (RFC 7208 7.1, 12). */
static int
domain_spec_check(const char *s, size_t len, const char **why)
{
	size_t	 tail, n, i;

	if (len == 0) {
		*why = "empty domain-spec";
		return -1;
	}
	if (macro_check(s, len, 0, &tail, why) == -1)
		return -1;
	if (tail == len)
		return 0;		/* domain-end = macro-expand */
	/* domain-end = "." toplabel [ "." ], all literal */
	n = len;
	if (s[n - 1] == '.')
		n--;
	for (i = n; i > tail; i--)
		if (s[i - 1] == '.')
			break;
	if (i == tail || !toplabel_ok(s + i, n - i)) {
		*why = "domain-spec does not end in a top label or a macro";
		return -1;
	}
	return 0;
}

/* A CIDR length: "0" or digits without a leading zero, at most max. */
static int
cidr_num(const char *s, size_t len, int max)
{
	size_t	 i;
	int	 v = 0;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ], all of s. */
static int
dual_cidr(const char *s, size_t len, int *c4, int *c6)
{
	size_t	 i = 0, j;

	if (len >= 2 && s[0] == '/' && s[1] != '/') {
		for (j = 1; j < len && s[j] != '/'; j++)
			;
		if ((*c4 = cidr_num(s + 1, j - 1, 32)) == -1)
			return -1;
		i = j;
	}
	if (i == len)
		return 0;
	if (len - i < 3 || s[i] != '/' || s[i + 1] != '/')
		return -1;
	return (*c6 = cidr_num(s + i + 2, len - i - 2, 128)) == -1 ? -1 : 0;
}

/*
 * Where a dual-cidr-length starts at the end of "domain-spec[cidr]": a
 * '/' is a valid macro-literal, so only a trailing "/digits" or
 * "//digits" (or both) is taken as the CIDR part.
 */
static size_t
cidr_tail(const char *s, size_t len)
{
	size_t	 n = len, j;

	for (j = n; j > 0 && is_digit((unsigned char)s[j - 1]); j--)
		;
	if (j == n || j == 0 || s[j - 1] != '/')
		return n;
	if (j >= 2 && s[j - 2] == '/') {
		n = j - 2;
		for (j = n; j > 0 && is_digit((unsigned char)s[j - 1]); j--)
			;
		if (j == n || j == 0 || s[j - 1] != '/')
			return n;
	}
	return j - 1;
}

/* ip4-network, dotted quad without leading zeros (RFC 7208 12). */
static int
ip4_parse(const char *s, size_t len, uint8_t *a)
{
	size_t	 i = 0, j;
	int	 k, v;

	for (k = 0; k < 4; k++) {
		if (k > 0) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
		for (j = i; j < len && is_digit((unsigned char)s[j]); j++)
			if (j - i == 3)
				return -1;
		if (j == i || (j - i > 1 && s[i] == '0'))
			return -1;
		for (v = 0; i < j; i++)
			v = v * 10 + (s[i] - '0');
		if (v > 255)
			return -1;
		a[k] = (uint8_t)v;
	}
	return i == len ? 0 : -1;
}

static int
ip6_parse(const char *s, size_t len, uint8_t *a)
{
	char	 buf[INET6_ADDRSTRLEN];
	size_t	 i;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	for (i = 0; i < len; i++)
		if (!is_digit((unsigned char)s[i]) && s[i] != ':' &&
		    s[i] != '.' && (s[i] == '\0' ||
		    strchr("abcdefABCDEF", s[i]) == NULL))
			return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, a) == 1 ? 0 : -1;
}

static const struct {
	const char		*name;
	enum spf_term_type	 type;
} mechanisms[] = {
	{ "all",	SPF_TERM_ALL },
	{ "include",	SPF_TERM_INCLUDE },
	{ "a",		SPF_TERM_A },
	{ "mx",		SPF_TERM_MX },
	{ "ptr",	SPF_TERM_PTR },
	{ "ip4",	SPF_TERM_IP4 },
	{ "ip6",	SPF_TERM_IP6 },
	{ "exists",	SPF_TERM_EXISTS },
};

/* The ip4/ip6 argument: network and an optional single CIDR length. */
static int
ip_arg(struct spf_term *t, const char *s, size_t len, const char **why)
{
	size_t	 n;
	int	 v6 = t->type == SPF_TERM_IP6;

	for (n = 0; n < len && s[n] != '/'; n++)
		;
	if ((v6 ? ip6_parse(s, n, t->addr) : ip4_parse(s, n, t->addr)) == -1) {
		*why = v6 ? "bad IPv6 network" : "bad IPv4 network";
		return -1;
	}
	if (n == len)
		return 0;
	if ((v6 ? (t->cidr6 = cidr_num(s + n + 1, len - n - 1, 128)) :
	    (t->cidr4 = cidr_num(s + n + 1, len - n - 1, 32))) == -1) {
		*why = "bad CIDR length";
		return -1;
	}
	return 0;
}

/* Parse one term (RFC 7208 4.6.1, 5, 6); *why says what is wrong. */
static int
term_parse(struct spf_term *t, const char *s, size_t len, const char **why)
{
	const char	*rest;
	size_t		 i, n, q0, rlen;

	memset(t, 0, sizeof(*t));
	t->text = s;
	t->text_len = len;
	t->cidr4 = 32;
	t->cidr6 = 128;
	t->qualifier = '+';
	q0 = 0;
	if (len > 0 && s[0] != '\0' && strchr("+-~?", s[0]) != NULL) {
		t->qualifier = s[0];
		q0 = 1;
	}
	for (n = q0; n < len && (is_alnum((unsigned char)s[n]) ||
	    s[n] == '-' || s[n] == '_' || s[n] == '.'); n++)
		;
	if (n < len && s[n] == '=') {
		/* modifier = name "=" ..., name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
		if (q0) {
			*why = "a modifier takes no qualifier";
			return -1;
		}
		if (n == 0 || !is_alpha((unsigned char)s[0])) {
			*why = "a modifier name starts with a letter";
			return -1;
		}
		t->name = s;
		t->name_len = n;
		t->spec = s + n + 1;
		t->spec_len = len - n - 1;
		if (ci_eq(s, n, "redirect"))
			t->type = SPF_TERM_REDIRECT;
		else if (ci_eq(s, n, "exp"))
			t->type = SPF_TERM_EXP;
		else {
			t->type = SPF_TERM_MODIFIER;
			return macro_check(t->spec, t->spec_len, 0, NULL, why);
		}
		return domain_spec_check(t->spec, t->spec_len, why);
	}
	for (i = 0; i < sizeof(mechanisms) / sizeof(mechanisms[0]); i++)
		if (ci_eq(s + q0, n - q0, mechanisms[i].name))
			break;
	if (i == sizeof(mechanisms) / sizeof(mechanisms[0])) {
		*why = "unknown mechanism";
		return -1;
	}
	t->type = mechanisms[i].type;
	rest = s + n;
	rlen = len - n;
	switch (t->type) {
	case SPF_TERM_ALL:
		if (rlen != 0) {
			*why = "all takes no argument";
			return -1;
		}
		return 0;
	case SPF_TERM_INCLUDE:
	case SPF_TERM_EXISTS:
		if (rlen == 0 || rest[0] != ':') {
			*why = "':' and a domain-spec required";
			return -1;
		}
		t->spec = rest + 1;
		t->spec_len = rlen - 1;
		return domain_spec_check(t->spec, t->spec_len, why);
	case SPF_TERM_PTR:
		if (rlen == 0)
			return 0;
		if (rest[0] != ':') {
			*why = "ptr takes only \":domain\"";
			return -1;
		}
		t->spec = rest + 1;
		t->spec_len = rlen - 1;
		return domain_spec_check(t->spec, t->spec_len, why);
	case SPF_TERM_A:
	case SPF_TERM_MX:
		if (rlen == 0)
			return 0;
		if (rest[0] == ':') {
			t->spec = rest + 1;
			t->spec_len = cidr_tail(rest + 1, rlen - 1);
			if (domain_spec_check(t->spec, t->spec_len, why) == -1)
				return -1;
			rest += 1 + t->spec_len;
			rlen -= 1 + t->spec_len;
		}
		if (dual_cidr(rest, rlen, &t->cidr4, &t->cidr6) == -1) {
			*why = "bad CIDR length";
			return -1;
		}
		return 0;
	case SPF_TERM_IP4:
	case SPF_TERM_IP6:
		if (rlen == 0 || rest[0] != ':') {
			*why = "':' and a network required";
			return -1;
		}
		return ip_arg(t, rest + 1, rlen - 1, why);
	default:
		break;
	}
	*why = "unknown mechanism";
	return -1;
}

int
spf_is_record(const char *text, size_t len)
{
	return len >= 6 && ci_eq(text, 6, "v=spf1") &&
	    (len == 6 || text[6] == ' ');
}

void
spf_record_free(struct spf_record *rec)
{
	if (rec == NULL)
		return;
	free(rec->terms);
	free(rec->text);
	free(rec);
}

/*
 * Parse a record; on error -1 with the reason in err. *nomem is set when
 * the error is memory.
 */
static struct spf_record *
record_parse(const char *text, size_t len, char *err, size_t errsz,
    int *nomem)
{
	struct spf_record	*rec;
	struct spf_term		*t;
	const char		*why;
	char			 q[SHOW_MAX * 4 + 8];
	size_t			 i, j, k, n;
	int			 redirects = 0, exps = 0;

	*nomem = 0;
	if (len > SPF_RECORD_MAX) {
		snprintf(err, errsz, "record longer than %d bytes",
		    SPF_RECORD_MAX);
		return NULL;
	}
	if (!spf_is_record(text, len)) {
		snprintf(err, errsz, "not an SPF record (no \"v=spf1\")");
		return NULL;
	}
	/* Terms are separated by spaces only (4.6.1): any other byte is in a term. */
	for (n = 0, i = 6; i < len; i = j) {
		for (; i < len && text[i] == ' '; i++)
			;
		for (j = i; j < len && text[j] != ' '; j++)
			;
		if (j > i)
			n++;
	}
	if (n > SPF_TERMS_MAX) {
		snprintf(err, errsz, "more than %d terms", SPF_TERMS_MAX);
		return NULL;
	}
	if ((rec = calloc(1, sizeof(*rec))) == NULL ||
	    (rec->text = malloc(len + 1)) == NULL ||
	    (n > 0 && (rec->terms = calloc(n, sizeof(*rec->terms))) == NULL)) {
		spf_record_free(rec);
		*nomem = 1;
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	memcpy(rec->text, text, len);
	rec->text[len] = '\0';
	rec->len = len;
	rec->redirect = rec->exp = -1;
	for (i = 6; i < len; i = j) {
		for (; i < len && text[i] == ' '; i++)
			;
		for (j = i; j < len && text[j] != ' '; j++)
			;
		if (j == i)
			continue;
		t = &rec->terms[rec->nterms];
		for (k = i; k < j; k++)
			if ((unsigned char)text[k] < 0x21 ||
			    (unsigned char)text[k] > 0x7e)
				break;
		why = "byte outside printable ASCII";
		if (k < j || term_parse(t, rec->text + i, j - i, &why) == -1) {
			snprintf(err, errsz, "term \"%s\": %s",
			    show(q, sizeof(q), text + i, j - i), why);
			spf_record_free(rec);
			return NULL;
		}
		switch (t->type) {
		case SPF_TERM_REDIRECT:
			redirects++;
			rec->redirect = (int)rec->nterms;
			break;
		case SPF_TERM_EXP:
			exps++;
			rec->exp = (int)rec->nterms;
			break;
		case SPF_TERM_ALL:
			rec->has_all = 1;
			break;
		case SPF_TERM_PTR:
			rec->has_ptr = 1;
			/* FALLTHROUGH */
		case SPF_TERM_INCLUDE:
		case SPF_TERM_A:
		case SPF_TERM_MX:
		case SPF_TERM_EXISTS:
			rec->lookups++;
			break;
		default:
			break;
		}
		if (t->spec != NULL && macro_uses(t->spec, t->spec_len, 'p'))
			rec->has_ptr = 1;
		rec->nterms++;
	}
	/* RFC 7208 6: redirect and exp at most once each. */
	if (redirects > 1 || exps > 1) {
		snprintf(err, errsz, "%s= appears more than once",
		    redirects > 1 ? "redirect" : "exp");
		spf_record_free(rec);
		return NULL;
	}
	if (rec->redirect >= 0 && !rec->has_all)
		rec->lookups++;
	return rec;
}

int
spf_parse(const char *text, size_t len, struct spf_record **out, char **cause)
{
	char	 err[SPF_TEXT_MAX];
	int	 nomem;

	if (cause != NULL)
		*cause = NULL;
	if ((*out = record_parse(text, len, err, sizeof(err), &nomem)) != NULL)
		return 0;
	if (nomem)
		errno = ENOMEM;
	else if (cause != NULL)
		*cause = strdup(err);
	return -1;
}

/*
 * Join the character-strings of a TXT RDATA into out (at most outsz - 1
 * bytes, NUL-terminated when outsz > 0). Returns the full joined length,
 * which may be more than was copied, or -1 for malformed RDATA.
 */
static long
txt_join(const struct spf_rr *rr, char *out, size_t outsz)
{
	size_t	 i = 0, o = 0, n, c;

	if (rr->txt == NULL && rr->txt_len > 0)
		return -1;
	while (i < rr->txt_len) {
		n = rr->txt[i++];
		if (n > rr->txt_len - i)
			return -1;
		if (outsz > 0 && o < outsz - 1) {
			c = n < outsz - 1 - o ? n : outsz - 1 - o;
			memcpy(out + o, rr->txt + i, c);
		}
		o += n;
		i += n;
	}
	if (outsz > 0)
		out[o < outsz - 1 ? o : outsz - 1] = '\0';
	return (long)o;
}

/* Find the one v=spf1 record (RFC 7208 4.5); *idx and *jlen describe it. */
static enum spf_select
txt_select(const struct spf_answer *ans, size_t *idx, size_t *jlen)
{
	char	 head[8];
	size_t	 i, n, found = 0;
	long	 l;

	n = ans->rr == NULL ? 0 : ans->n;
	if (n > SPF_ANSWER_MAX)
		n = SPF_ANSWER_MAX;
	for (i = 0; i < n; i++) {
		if ((l = txt_join(&ans->rr[i], head, sizeof(head))) < 0 ||
		    !spf_is_record(head, (size_t)l < 7 ? (size_t)l : 7))
			continue;
		if (found++ == 0) {
			*idx = i;
			*jlen = (size_t)l;
		}
	}
	if (found == 0)
		return SPF_SELECT_NONE;
	return found == 1 ? SPF_SELECT_ONE : SPF_SELECT_MULTIPLE;
}

enum spf_select
spf_select(const struct spf_answer *ans, char *out, size_t outsz,
    size_t *outlen)
{
	enum spf_select	 r;
	size_t		 idx = 0, jlen = 0;

	*outlen = 0;
	if (outsz > 0)
		out[0] = '\0';
	if ((r = txt_select(ans, &idx, &jlen)) != SPF_SELECT_ONE)
		return r;
	if (jlen > SPF_RECORD_MAX || jlen + 1 > outsz)
		return SPF_SELECT_TOO_LONG;
	txt_join(&ans->rr[idx], out, outsz);
	*outlen = jlen;
	return SPF_SELECT_ONE;
}

/*
 * Names. A query name is 1 to 253 bytes of labels of 1 to 63 printable
 * ASCII bytes; a macro can legitimately put spaces in it.
 */
static int
name_valid(const char *s, size_t len)
{
	size_t	 i, label = 0;

	if (len == 0 || len > SPF_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e ||
		    ++label > 63)
			return 0;
	}
	return label > 0;
}

/*
 * An expanded domain-spec made a query name in place: one trailing dot
 * dropped, then, over 253 bytes, labels removed from the left (RFC 7208
 * 7.3). Returns -1 for a name that cannot exist in DNS.
 */
static int
name_prepare(char *s)
{
	size_t	 len = strlen(s);
	char	*dot;

	if (len > 0 && s[len - 1] == '.')
		s[--len] = '\0';
	while (len > SPF_NAME_MAX) {
		if ((dot = memchr(s, '.', len)) == NULL)
			return -1;
		len -= (size_t)(dot + 1 - s);
		memmove(s, dot + 1, len + 1);
	}
	return name_valid(s, len) ? 0 : -1;
}

/* A name from a DNS answer (MX, PTR) into dst, SPF_NAME_MAX + 1 bytes. */
static int
name_from_dns(const char *src, char *dst)
{
	size_t	 len;

	if (src == NULL)
		return -1;
	len = strnlen(src, SPF_NAME_MAX + 2);
	if (len > 0 && src[len - 1] == '.')
		len--;
	if (!name_valid(src, len))
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/*
 * Initial processing (RFC 7208 4.3): a <domain> that is malformed or not
 * a multi-label name makes the result "none". dst: SPF_NAME_MAX + 1.
 */
static int
domain_check(const char *src, char *dst)
{
	size_t	 len = strlen(src);

	if (len > 0 && src[len - 1] == '.')
		len--;
	if (len == 0 || src[0] == '[' || !name_valid(src, len) ||
	    memchr(src, '.', len) == NULL)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/* The reverse-lookup name of the client address, without a final dot. */
static void
reverse_name(const struct ctx *c, char *buf, size_t sz)
{
	size_t	 n;

	if (dnsname_reverse(c->ctext, buf, sz) == -1) {
		buf[0] = '\0';
		return;
	}
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '.')
		buf[n - 1] = '\0';
}

static int
cidr_match(const uint8_t *net, const uint8_t *ip, int bits)
{
	int	 full = bits / 8, rem = bits % 8;

	if (memcmp(net, ip, (size_t)full) != 0)
		return 0;
	if (rem == 0)
		return 1;
	return ((net[full] ^ ip[full]) & (0xff << (8 - rem)) & 0xff) == 0;
}

/* Errors: the first one set is the innermost, the one that ended the check. */
static int
seterr(struct ctx *c, int ret, enum spf_error e, const char *dom,
    const char *fmt, ...)
{
	va_list	 ap;

	if (c->out == NULL || c->out->error != SPF_ERR_NONE)
		return ret;
	c->out->error = e;
	copy(c->out->err_domain, sizeof(c->out->err_domain), dom, strlen(dom));
	va_start(ap, fmt);
	vsnprintf(c->out->cause, sizeof(c->out->cause), fmt, ap);
	va_end(ap);
	return ret;
}

#define perm(c, e, dom, ...)	seterr(c, E_PERM, e, dom, __VA_ARGS__)
#define temp(c, dom, ...)	seterr(c, E_TEMP, SPF_ERR_DNS, dom, __VA_ARGS__)

/* The term as written, for messages. */
#define TERM(t, buf)	show(buf, sizeof(buf), (t)->text, (t)->text_len)

static void
need_add(struct ctx *c, const char *name, enum spf_rrtype type)
{
	struct spf_needs	*nd = c->need;
	size_t			 i;

	if (nd == NULL)
		return;
	for (i = 0; i < nd->n; i++)
		if (nd->q[i].type == type && dnsname_equal(nd->q[i].name, name))
			return;
	if (nd->n == SPF_NEED_MAX)
		return;
	copy(nd->q[nd->n].name, sizeof(nd->q[nd->n].name), name, strlen(name));
	nd->q[nd->n].type = type;
	nd->n++;
}

/* Ask the view; NOT_YET answers are noted as needed. */
static enum spf_dns
dq(struct ctx *c, const char *name, enum spf_rrtype type,
    struct spf_answer *ans)
{
	enum spf_dns	 r;

	memset(ans, 0, sizeof(*ans));
	if (c->dns == NULL || c->dns->lookup == NULL)
		return SPF_DNS_ERROR;
	r = c->dns->lookup(c->dns->arg, name, type, ans);
	switch (r) {
	case SPF_DNS_ANSWER:
		if (ans->rr == NULL || ans->n == 0) {
			ans->n = 0;
			return SPF_DNS_NODATA;
		}
		if (ans->n > SPF_ANSWER_MAX)
			ans->n = SPF_ANSWER_MAX;
		return r;
	case SPF_DNS_NOT_YET:
		need_add(c, name, type);
		break;
	case SPF_DNS_NXDOMAIN:
	case SPF_DNS_NODATA:
	case SPF_DNS_ERROR:
		break;
	default:
		r = SPF_DNS_ERROR;
		break;
	}
	ans->rr = NULL;
	ans->n = 0;
	return r;
}

static enum spf_rrtype
addr_type(const struct ctx *c)
{
	return c->ip.v6 ? SPF_RR_AAAA : SPF_RR_A;
}

/* Does any address of the answer match the client within the CIDR length? */
static int
addr_match(const struct ctx *c, const struct spf_answer *ans, int c4, int c6)
{
	size_t	 i;

	for (i = 0; i < ans->n; i++)
		if (cidr_match(ans->rr[i].addr, c->ip.a, c->ip.v6 ? c6 : c4))
			return 1;
	return 0;
}

/*
 * Is name a validated name of the client (RFC 7208 5.5): does it have an
 * address equal to the client's? A DNS error skips the name.
 */
static int
validate(struct ctx *c, const char *name)
{
	struct spf_answer	 ans;

	switch (dq(c, name, addr_type(c), &ans)) {
	case SPF_DNS_NOT_YET:
		return E_PENDING;
	case SPF_DNS_ANSWER:
		return addr_match(c, &ans, 32, 128) ? MATCH : NOMATCH;
	default:
		return NOMATCH;
	}
}

/*
 * %{p} (RFC 7208 7.3): a validated name of the client, preferring <domain>
 * itself, then a subdomain of it, then any; "unknown" when there is none
 * or the PTR lookup fails. Only the first SPF_NAMES_MAX names count.
 */
static int
p_value(struct ctx *c, const char *domain, char *out, size_t outsz)
{
	struct spf_answer	 ans;
	char			 rev[80], name[SPF_NAME_MAX + 1];
	size_t			 i, n;
	int			 rank, r, pending = 0;

	if (c->p_fixed != NULL) {
		copy(out, outsz, c->p_fixed, strlen(c->p_fixed));
		return 0;
	}
	reverse_name(c, rev, sizeof(rev));
	switch (dq(c, rev, SPF_RR_PTR, &ans)) {
	case SPF_DNS_NOT_YET:
		return X_PENDING;
	case SPF_DNS_ANSWER:
		break;
	default:
		copy(out, outsz, "unknown", 7);
		return 0;
	}
	n = ans.n < SPF_NAMES_MAX ? ans.n : SPF_NAMES_MAX;
	for (rank = 0; rank < 3; rank++) {
		for (i = 0; i < n; i++) {
			if (name_from_dns(ans.rr[i].name, name) == -1)
				continue;
			if ((dnsname_equal(name, domain) ? 0 :
			    name_within(name, domain) ? 1 : 2) != rank)
				continue;
			if ((r = validate(c, name)) == E_PENDING)
				pending = 1;
			else if (r == MATCH && !pending) {
				copy(out, outsz, name, strlen(name));
				return 0;
			}
		}
	}
	if (pending)
		return X_PENDING;
	copy(out, outsz, "unknown", 7);
	return 0;
}

/* The value of one macro letter, before transformers. */
static int
macro_value(struct ctx *c, int letter, const char *domain, char *v,
    size_t vsz, size_t *vlen)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const char		*s = NULL;
	size_t			 o = 0;
	int			 k, r;

	switch (letter) {
	case 's':
		s = c->sender;
		break;
	case 'l':
		if (c->local_len >= vsz)
			return X_OVERFLOW;
		memcpy(v, c->sender, c->local_len);
		*vlen = c->local_len;
		return 0;
	case 'o':
		s = c->odomain;
		break;
	case 'd':
		s = domain;
		break;
	case 'h':
		s = c->helo;
		break;
	case 'c':
		s = c->ctext;
		break;
	case 'r':
		s = c->receiver;
		break;
	case 't':
		s = c->tbuf;
		break;
	case 'v':
		s = c->ip.v6 ? "ip6" : "in-addr";
		break;
	case 'i':
		if (!c->ip.v6) {
			*vlen = (size_t)snprintf(v, vsz, "%u.%u.%u.%u",
			    c->ip.a[0], c->ip.a[1], c->ip.a[2], c->ip.a[3]);
			return 0;
		}
		/*
		 * Dotted nibbles. Case is not significant in DNS; upper case
		 * is what the RFC 7208 test suite expects in explanations.
		 */
		for (k = 0; k < 16; k++) {
			v[o++] = hex[c->ip.a[k] >> 4];
			v[o++] = '.';
			v[o++] = hex[c->ip.a[k] & 0xf];
			v[o++] = k == 15 ? '\0' : '.';
		}
		*vlen = o - 1;
		return 0;
	case 'p':
		if ((r = p_value(c, domain, v, vsz)) != 0)
			return r;
		*vlen = strlen(v);
		return 0;
	default:
		return X_SYNTAX;
	}
	*vlen = strlen(s);
	if (*vlen >= vsz)
		return X_OVERFLOW;
	memcpy(v, s, *vlen);
	return 0;
}

static int
put(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	if (n >= outsz - *o)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	return 0;
}

/* URL escaping for upper-case macro letters (RFC 7208 7.3, RFC 3986). */
static int
put_escaped(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 e[3];
	size_t			 i;
	unsigned char		 ch;

	for (i = 0; i < n; i++) {
		ch = (unsigned char)s[i];
		if (is_alnum(ch) || ch == '-' || ch == '.' || ch == '_' ||
		    ch == '~') {
			if (put(out, outsz, o, s + i, 1) == -1)
				return -1;
			continue;
		}
		e[0] = '%';
		e[1] = hex[ch >> 4];
		e[2] = hex[ch & 0xf];
		if (put(out, outsz, o, e, 3) == -1)
			return -1;
	}
	return 0;
}

/*
 * Apply the transformers (RFC 7208 7.3): split on the delimiters, reverse,
 * keep the right-hand parts, join with dots, and URL-escape for an
 * upper-case letter.
 */
static int
transform(const struct mtok *t, const char *v, size_t vlen, char *out,
    size_t outsz, size_t *o)
{
	uint16_t	 st[VAL_MAX + 1], en[VAL_MAX + 1];
	size_t		 np = 0, start = 0, j, keep, k, idx;
	int		 d;

	for (j = 0; j <= vlen; j++) {
		if (j < vlen) {
			d = t->delim == NULL ? v[j] == '.' :
			    memchr(t->delim, v[j], t->ndelim) != NULL;
			if (!d)
				continue;
		}
		st[np] = (uint16_t)start;
		en[np] = (uint16_t)j;
		np++;
		start = j + 1;
	}
	keep = t->keep != 0 && t->keep < np ? t->keep : np;
	for (k = 0; k < keep; k++) {
		/* Reversed, the kept right-hand parts are the first ones. */
		idx = t->reverse ? keep - 1 - k : np - keep + k;
		if (k > 0 && put(out, outsz, o, ".", 1) == -1)
			return X_OVERFLOW;
		if ((t->upper ? put_escaped(out, outsz, o, v + st[idx],
		    en[idx] - st[idx]) : put(out, outsz, o, v + st[idx],
		    en[idx] - st[idx])) == -1)
			return X_OVERFLOW;
	}
	return 0;
}

/*
 * Expand a macro-string into out (NUL-terminated). Returns the length, or
 * X_PENDING, X_OVERFLOW, X_SYNTAX.
 */
static int
expand(struct ctx *c, const char *s, size_t len, const char *domain,
    int explain, char *out, size_t outsz)
{
	struct mtok	 t;
	char		 v[VAL_MAX];
	const char	*why;
	size_t		 i = 0, o = 0, vlen;
	int		 r;

	if (outsz == 0)
		return X_OVERFLOW;
	while ((r = mtok_next(s, len, &i, explain, &t, &why)) == 1) {
		if (!t.macro) {
			if (put(out, outsz, &o, t.lit, t.litlen) == -1)
				return X_OVERFLOW;
			continue;
		}
		if ((r = macro_value(c, t.letter, domain, v, sizeof(v),
		    &vlen)) != 0)
			return r;
		if ((r = transform(&t, v, vlen, out, outsz, &o)) != 0)
			return r;
	}
	if (r == -1)
		return X_SYNTAX;
	out[o] = '\0';
	return (int)o;
}

static int
count_lookup(struct ctx *c, const struct spf_term *t, const char *domain)
{
	char	 q[SHOW_MAX * 4 + 8];

	if (++c->lookups <= SPF_LOOKUP_MAX)
		return 0;
	return perm(c, SPF_ERR_LOOKUP_LIMIT, domain,
	    "more than %d DNS-querying terms (at \"%s\" in %s)",
	    SPF_LOOKUP_MAX, TERM(t, q), domain);
}

/* A void lookup (RFC 7208 4.6.4): no match, unless over the limit. */
static int
void_lookup(struct ctx *c, const struct spf_term *t, const char *domain)
{
	char	 q[SHOW_MAX * 4 + 8];

	if (++c->voids <= SPF_VOID_MAX)
		return NOMATCH;
	return perm(c, SPF_ERR_VOID_LIMIT, domain,
	    "more than %d void lookups (at \"%s\" in %s)", SPF_VOID_MAX,
	    TERM(t, q), domain);
}

/*
 * The target name of a term: its domain-spec expanded, or the current
 * domain. Returns 1 with the name in out, 0 when it cannot exist in DNS
 * (treated as a name that does not exist), or E_*. A %{p} in a term's
 * domain-spec costs a lookup of its own (RFC 7208 4.6.4).
 */
static int
target(struct ctx *c, const struct spf_term *t, const char *domain,
    char *out, size_t outsz)
{
	int	 r;

	if (t->spec == NULL) {
		copy(out, outsz, domain, strlen(domain));
		return 1;
	}
	if (macro_uses(t->spec, t->spec_len, 'p') &&
	    (r = count_lookup(c, t, domain)) != 0)
		return r;
	if ((r = expand(c, t->spec, t->spec_len, domain, 0, out, outsz)) < 0)
		return r == X_PENDING ? E_PENDING : 0;
	return name_prepare(out) == 0 ? 1 : 0;
}

/* a and exists: one address lookup. */
static int
mech_a(struct ctx *c, const struct spf_term *t, const char *domain)
{
	struct spf_answer	 ans;
	enum spf_rrtype		 type;
	char			 name[SPF_EXPAND_MAX + 1], q[SHOW_MAX * 4 + 8];
	int			 r;

	if ((r = count_lookup(c, t, domain)) != 0)
		return r;
	if ((r = target(c, t, domain, name, sizeof(name))) <= 0)
		return r == 0 ? void_lookup(c, t, domain) : r;
	/* exists always asks for A, whatever the client's family (5.7). */
	type = t->type == SPF_TERM_EXISTS ? SPF_RR_A : addr_type(c);
	switch (dq(c, name, type, &ans)) {
	case SPF_DNS_NOT_YET:
		return E_PENDING;
	case SPF_DNS_ERROR:
		return temp(c, name, "%s lookup for %s failed (at \"%s\" in %s)",
		    spf_rrtype_name(type), name, TERM(t, q), domain);
	case SPF_DNS_ANSWER:
		if (t->type == SPF_TERM_EXISTS)
			return MATCH;
		return addr_match(c, &ans, t->cidr4, t->cidr6) ? MATCH :
		    NOMATCH;
	default:
		return void_lookup(c, t, domain);
	}
}

static int
mech_mx(struct ctx *c, const struct spf_term *t, const char *domain)
{
	struct spf_answer	 ans, aa;
	char			 name[SPF_EXPAND_MAX + 1], host[SPF_NAME_MAX + 1];
	char			 q[SHOW_MAX * 4 + 8];
	size_t			 i;
	int			 r, pending = 0;

	if ((r = count_lookup(c, t, domain)) != 0)
		return r;
	if ((r = target(c, t, domain, name, sizeof(name))) <= 0)
		return r == 0 ? void_lookup(c, t, domain) : r;
	switch (dq(c, name, SPF_RR_MX, &ans)) {
	case SPF_DNS_NOT_YET:
		return E_PENDING;
	case SPF_DNS_ERROR:
		return temp(c, name, "MX lookup for %s failed (at \"%s\" in %s)",
		    name, TERM(t, q), domain);
	case SPF_DNS_ANSWER:
		break;
	default:
		return void_lookup(c, t, domain);
	}
	/* The MX set is the publisher's own: too many is a permerror (4.6.4). */
	if (ans.n > SPF_NAMES_MAX)
		return perm(c, SPF_ERR_MX_LIMIT, domain,
		    "%s has %zu MX records, more than %d (at \"%s\" in %s)",
		    name, ans.n, SPF_NAMES_MAX, TERM(t, q), domain);
	/*
	 * Hosts in order. Past a pending lookup the loop only collects the
	 * other queries it will need, so one round fetches them all.
	 */
	for (i = 0; i < ans.n; i++) {
		if (name_from_dns(ans.rr[i].name, host) == -1)
			continue;	/* the null MX "." too (RFC 7505) */
		switch (dq(c, host, addr_type(c), &aa)) {
		case SPF_DNS_NOT_YET:
			pending = 1;
			break;
		case SPF_DNS_ERROR:
			if (!pending)
				return temp(c, host, "%s lookup for MX host %s "
				    "failed (at \"%s\" in %s)",
				    spf_rrtype_name(addr_type(c)), host,
				    TERM(t, q), domain);
			break;
		case SPF_DNS_ANSWER:
			if (!pending && addr_match(c, &aa, t->cidr4, t->cidr6))
				return MATCH;
			break;
		default:
			break;
		}
	}
	return pending ? E_PENDING : NOMATCH;
}

/*
 * ptr (RFC 7208 5.5). DNS errors make it not match rather than temperror,
 * and a missing PTR is not counted as a void lookup: the PTR records are
 * the client's, not the publisher's.
 */
static int
mech_ptr(struct ctx *c, const struct spf_term *t, const char *domain)
{
	struct spf_answer	 ans;
	char			 name[SPF_EXPAND_MAX + 1], host[SPF_NAME_MAX + 1];
	char			 rev[80];
	size_t			 i, n;
	int			 r, pending = 0;

	if ((r = count_lookup(c, t, domain)) != 0)
		return r;
	if ((r = target(c, t, domain, name, sizeof(name))) <= 0)
		return r;
	reverse_name(c, rev, sizeof(rev));
	switch (dq(c, rev, SPF_RR_PTR, &ans)) {
	case SPF_DNS_NOT_YET:
		return E_PENDING;
	case SPF_DNS_ANSWER:
		break;
	default:
		return NOMATCH;
	}
	n = ans.n < SPF_NAMES_MAX ? ans.n : SPF_NAMES_MAX;
	for (i = 0; i < n; i++) {
		/* Only names within the target can match: validate just those. */
		if (name_from_dns(ans.rr[i].name, host) == -1 ||
		    !name_within(host, name))
			continue;
		if ((r = validate(c, host)) == E_PENDING)
			pending = 1;
		else if (r == MATCH && !pending)
			return MATCH;
	}
	return pending ? E_PENDING : NOMATCH;
}

static int
mech_include(struct ctx *c, const struct spf_term *t, const char *domain,
    int depth)
{
	char	 name[SPF_EXPAND_MAX + 1], q[SHOW_MAX * 4 + 8];
	int	 r;

	if ((r = count_lookup(c, t, domain)) != 0)
		return r;
	if ((r = target(c, t, domain, name, sizeof(name))) < 0)
		return r;
	if (r == 0)
		return perm(c, SPF_ERR_INCLUDE_NONE, domain,
		    "\"%s\" in %s: not a usable domain name", TERM(t, q),
		    domain);
	/* RFC 7208 5.2: only pass matches; none is a permerror. */
	switch ((r = check_host(c, name, depth + 1, 0))) {
	case SPF_RESULT_PASS:
		return MATCH;
	case SPF_RESULT_FAIL:
	case SPF_RESULT_SOFTFAIL:
	case SPF_RESULT_NEUTRAL:
		return NOMATCH;
	case SPF_RESULT_TEMPERROR:
		return E_TEMP;
	case SPF_RESULT_PERMERROR:
		return E_PERM;
	case SPF_RESULT_NONE:
		return perm(c, SPF_ERR_INCLUDE_NONE, domain,
		    "\"%s\" in %s: %s has no SPF record", TERM(t, q), domain,
		    name);
	default:
		return r;
	}
}

static int
mech_eval(struct ctx *c, const struct spf_term *t, const char *domain,
    int depth)
{
	switch (t->type) {
	case SPF_TERM_ALL:
		return MATCH;
	case SPF_TERM_INCLUDE:
		return mech_include(c, t, domain, depth);
	case SPF_TERM_A:
	case SPF_TERM_EXISTS:
		return mech_a(c, t, domain);
	case SPF_TERM_MX:
		return mech_mx(c, t, domain);
	case SPF_TERM_PTR:
		return mech_ptr(c, t, domain);
	case SPF_TERM_IP4:
		return !c->ip.v6 && cidr_match(t->addr, c->ip.a, t->cidr4) ?
		    MATCH : NOMATCH;
	case SPF_TERM_IP6:
		return c->ip.v6 && cidr_match(t->addr, c->ip.a, t->cidr6) ?
		    MATCH : NOMATCH;
	default:
		return NOMATCH;
	}
}

/*
 * exp= (RFC 7208 6.2): any problem, DNS or syntax, means no explanation.
 * The lookup is not subject to the limits. Returns 0 or E_PENDING.
 */
static int
explain(struct ctx *c, const struct spf_record *rec, const char *domain)
{
	const struct spf_term	*t = &rec->terms[rec->exp];
	struct spf_answer	 ans;
	char			 name[SPF_EXPAND_MAX + 1];
	char			 text[SPF_EXPAND_MAX + 1];
	const char		*why;
	long			 len;
	int			 r;

	if ((r = expand(c, t->spec, t->spec_len, domain, 0, name,
	    sizeof(name))) < 0)
		return r == X_PENDING ? E_PENDING : 0;
	if (name_prepare(name) == -1)
		return 0;
	switch (dq(c, name, SPF_RR_TXT, &ans)) {
	case SPF_DNS_NOT_YET:
		return E_PENDING;
	case SPF_DNS_ANSWER:
		break;
	default:
		return 0;
	}
	if (ans.n != 1 ||
	    (len = txt_join(&ans.rr[0], text, sizeof(text))) < 0 ||
	    (size_t)len >= sizeof(text) ||
	    macro_check(text, (size_t)len, 1, NULL, &why) == -1)
		return 0;
	r = expand(c, text, (size_t)len, domain, 1, c->out->explanation,
	    sizeof(c->out->explanation));
	if (r < 0)
		c->out->explanation[0] = '\0';
	return r == X_PENDING ? E_PENDING : 0;
}

/* The record of a domain, selected and parsed; or a result, or E_*. */
static int
fetch_record(struct ctx *c, const char *domain, struct spf_record **recp)
{
	struct spf_answer	 ans;
	char			 err[SPF_TEXT_MAX], *buf;
	size_t			 idx = 0, jlen = 0;
	int			 nomem;

	*recp = NULL;
	switch (dq(c, domain, SPF_RR_TXT, &ans)) {
	case SPF_DNS_NOT_YET:
		return E_PENDING;
	case SPF_DNS_ERROR:
		temp(c, domain, "TXT lookup for %s failed", domain);
		return SPF_RESULT_TEMPERROR;
	case SPF_DNS_ANSWER:
		break;
	default:
		return SPF_RESULT_NONE;
	}
	switch (txt_select(&ans, &idx, &jlen)) {
	case SPF_SELECT_NONE:
		return SPF_RESULT_NONE;
	case SPF_SELECT_MULTIPLE:
		perm(c, SPF_ERR_MULTIPLE, domain,
		    "%s publishes more than one SPF record", domain);
		return SPF_RESULT_PERMERROR;
	default:
		break;
	}
	if (jlen > SPF_RECORD_MAX) {
		perm(c, SPF_ERR_SYNTAX, domain, "SPF record of %s: longer "
		    "than %d bytes", domain, SPF_RECORD_MAX);
		return SPF_RESULT_PERMERROR;
	}
	if ((buf = malloc(jlen + 1)) == NULL)
		return E_NOMEM;
	txt_join(&ans.rr[idx], buf, jlen + 1);
	*recp = record_parse(buf, jlen, err, sizeof(err), &nomem);
	free(buf);
	if (*recp != NULL)
		return FETCHED;
	if (nomem)
		return E_NOMEM;
	perm(c, SPF_ERR_SYNTAX, domain, "SPF record of %s: %s", domain, err);
	return SPF_RESULT_PERMERROR;
}

static enum spf_result
qualifier_result(char q)
{
	switch (q) {
	case '-':
		return SPF_RESULT_FAIL;
	case '~':
		return SPF_RESULT_SOFTFAIL;
	case '?':
		return SPF_RESULT_NEUTRAL;
	default:
		return SPF_RESULT_PASS;
	}
}

/*
 * check_host(<ip>, <domain>, <sender>), RFC 7208 4. top: not inside an
 * include, so the matching term and exp= are the check's own. Returns an
 * spf_result, E_PENDING or E_NOMEM.
 */
static int
check_host(struct ctx *c, const char *domain_in, int depth, int top)
{
	struct spf_record	*rec;
	const struct spf_term	*t;
	char			 domain[SPF_NAME_MAX + 1];
	char			 name[SPF_EXPAND_MAX + 1], q[SHOW_MAX * 4 + 8];
	size_t			 i;
	int			 r, res;

	if (domain_check(domain_in, domain) == -1)
		return SPF_RESULT_NONE;
	if (depth > SPF_DEPTH_MAX) {
		perm(c, SPF_ERR_DEPTH, domain, "includes and redirects "
		    "nested more than %d deep at %s", SPF_DEPTH_MAX, domain);
		return SPF_RESULT_PERMERROR;
	}
	if ((r = fetch_record(c, domain, &rec)) != FETCHED)
		return r;
	for (i = 0; i < rec->nterms; i++) {
		t = &rec->terms[i];
		if (t->type >= SPF_TERM_REDIRECT)
			continue;
		if ((r = mech_eval(c, t, domain, depth)) == NOMATCH)
			continue;
		switch (r) {
		case MATCH:
			res = qualifier_result(t->qualifier);
			if (top && c->out != NULL) {
				copy(c->out->mechanism,
				    sizeof(c->out->mechanism), t->text,
				    t->text_len);
				copy(c->out->mech_domain,
				    sizeof(c->out->mech_domain), domain,
				    strlen(domain));
			}
			if (res == SPF_RESULT_FAIL && top && c->explain &&
			    rec->exp >= 0 && c->out != NULL &&
			    explain(c, rec, domain) == E_PENDING)
				res = E_PENDING;
			break;
		case E_TEMP:
			res = SPF_RESULT_TEMPERROR;
			break;
		case E_PERM:
			res = SPF_RESULT_PERMERROR;
			break;
		default:
			res = r;
			break;
		}
		spf_record_free(rec);
		return res;
	}
	/* No match: redirect= if there is no "all" (RFC 7208 6.1), else neutral. */
	if (rec->redirect < 0 || rec->has_all) {
		spf_record_free(rec);
		return SPF_RESULT_NEUTRAL;
	}
	t = &rec->terms[rec->redirect];
	TERM(t, q);
	if ((r = count_lookup(c, t, domain)) == 0)
		r = target(c, t, domain, name, sizeof(name));
	spf_record_free(rec);
	if (r == E_PERM)
		return SPF_RESULT_PERMERROR;
	if (r < 0)
		return r;
	if (r == 0) {
		perm(c, SPF_ERR_REDIRECT_NONE, domain,
		    "\"%s\" in %s: not a usable domain name", q, domain);
		return SPF_RESULT_PERMERROR;
	}
	if ((r = check_host(c, name, depth + 1, top)) == SPF_RESULT_NONE) {
		perm(c, SPF_ERR_REDIRECT_NONE, domain,
		    "\"%s\" in %s: %s has no SPF record", q, domain, name);
		return SPF_RESULT_PERMERROR;
	}
	return r;
}

/* Printable, bounded request strings. */
static int
input_ok(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return 1;
	for (i = 0; s[i] != '\0'; i++)
		if (i == SPF_INPUT_MAX || (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] == 0x7f)
			return 0;
	return 1;
}

static int
ctx_init(struct ctx *c, const struct spf_request *req, const char **why)
{
	const char	*at, *local, *dom;
	size_t		 llen;
	struct in_addr	 a4;
	int64_t		 now;

	memset(c, 0, sizeof(*c));
	if (req == NULL || req->ip == NULL) {
		*why = "no client address";
		return -1;
	}
	if (inet_pton(AF_INET, req->ip, &a4) == 1)
		memcpy(c->ip.a, &a4, 4);
	else if (inet_pton(AF_INET6, req->ip, c->ip.a) == 1) {
		/* An IPv4-mapped address is IPv4 (RFC 7208 5, 5.6). */
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
		    0, 0, 0xff, 0xff };

		if (memcmp(c->ip.a, mapped, 12) == 0)
			memmove(c->ip.a, c->ip.a + 12, 4);
		else
			c->ip.v6 = 1;
	} else {
		*why = "client address is not an IP address";
		return -1;
	}
	if (!c->ip.v6)
		memset(c->ip.a + 4, 0, 12);
	inet_ntop(c->ip.v6 ? AF_INET6 : AF_INET, c->ip.a, c->ctext,
	    sizeof(c->ctext));
	if (!input_ok(req->sender) || !input_ok(req->helo) ||
	    !input_ok(req->domain) || !input_ok(req->receiver)) {
		*why = "sender, HELO, domain or receiver too long or with "
		    "control characters";
		return -1;
	}
	c->helo = req->helo != NULL ? req->helo : "";
	/* A null sender is postmaster@helo; no local-part is postmaster (4.3). */
	if (req->sender == NULL || req->sender[0] == '\0') {
		local = "postmaster";
		llen = strlen(local);
		dom = c->helo;
	} else if ((at = strrchr(req->sender, '@')) == NULL) {
		local = "postmaster";
		llen = strlen(local);
		dom = req->sender;
	} else {
		local = req->sender;
		llen = (size_t)(at - req->sender);
		if (llen == 0) {
			local = "postmaster";
			llen = strlen(local);
		}
		dom = at + 1;
	}
	snprintf(c->sender, sizeof(c->sender), "%.*s@%s", (int)llen, local,
	    dom);
	c->local_len = llen;
	c->odomain = c->sender + llen + 1;
	copy(c->domain, sizeof(c->domain), req->domain != NULL ? req->domain :
	    c->odomain, strlen(req->domain != NULL ? req->domain : c->odomain));
	c->receiver = req->receiver != NULL ? req->receiver : "unknown";
	now = req->now != 0 ? req->now : (int64_t)time(NULL);
	snprintf(c->tbuf, sizeof(c->tbuf), "%lld", (long long)now);
	c->explain = req->explain;
	return 0;
}

enum spf_status
spf_check(const struct spf_request *req, const struct spf_dns_view *dns,
    struct spf_outcome *out)
{
	struct ctx	 c;
	const char	*why;
	int		 r;

	memset(out, 0, sizeof(*out));
	if (ctx_init(&c, req, &why) == -1) {
		out->result = SPF_RESULT_TEMPERROR;
		copy(out->cause, sizeof(out->cause), why, strlen(why));
		return SPF_EINVAL;
	}
	c.dns = dns;
	c.out = out;
	c.need = &out->need;
	r = check_host(&c, c.domain, 0, 1);
	out->lookups = c.lookups;
	out->voids = c.voids;
	if (r == E_PENDING) {
		struct spf_needs	 need = out->need;

		memset(out, 0, sizeof(*out));
		out->need = need;
		return SPF_NEED_DNS;
	}
	if (r == E_NOMEM || r < 0) {
		out->result = SPF_RESULT_TEMPERROR;
		copy(out->cause, sizeof(out->cause), "out of memory", 13);
		return SPF_ENOMEM;
	}
	out->result = (enum spf_result)r;
	return SPF_DONE;
}

int
spf_macro_expand(const struct spf_request *req, const char *domain,
    const char *p, const char *ms, size_t len, int explain, char *out,
    size_t outsz, char **cause)
{
	struct ctx	 c;
	const char	*why;
	int		 r;

	if (cause != NULL)
		*cause = NULL;
	if (ctx_init(&c, req, &why) == -1)
		goto fail;
	c.p_fixed = p != NULL ? p : "unknown";
	if (macro_check(ms, len, explain, NULL, &why) == -1)
		goto fail;
	if ((r = expand(&c, ms, len, domain != NULL ? domain : c.domain,
	    explain, out, outsz)) >= 0)
		return r;
	why = "expansion too long";
 fail:
	if (cause != NULL)
		*cause = strdup(why);
	return -1;
}

/*
 * The audit. Findings go to a list of its own and reach the caller's only
 * when the audit is complete, so a round that ends in SPF_NEED_DNS leaves
 * nothing behind.
 */

#define AUDIT_VISITS_MAX	32	/* records the walk reads */

/* Addresses a sane record does not authorise (RFC 5737, RFC 3849). */
static const char *const audit_probes[] = { "192.0.2.1", "2001:db8::1" };

struct audit {
	const struct spf_audit_req *req;
	struct ctx		 c;	/* the walk's DNS and needs */
	struct finding_list	 found;
	int			 pending;
	int			 nomem;
	int			 lookups;	/* DNS-querying terms on the walk */
	int			 visits;
};

static int
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return dnsname_equal(a, b);
}

/* Add a finding unless one with the same id, host and address is there. */
static void __attribute__((format(printf, 6, 7)))
audit_add(struct audit *a, enum finding_id id, int sev, const char *host,
    const char *addr, const char *fmt, ...)
{
	char	 ev[FINDING_EVIDENCE_MAX + 1];
	va_list	 ap;
	size_t	 i;

	for (i = 0; i < a->found.n; i++)
		if (a->found.v[i].id == id &&
		    str_same(a->found.v[i].host, host) &&
		    str_same(a->found.v[i].addr, addr))
			return;
	va_start(ap, fmt);
	vsnprintf(ev, sizeof(ev), fmt, ap);
	va_end(ap);
	if (finding_add(&a->found, id, sev, host, addr, 0, "%s", ev) == NULL)
		a->nomem = 1;
}

/* The first term that uses ptr or %{p}, for the evidence. */
static const struct spf_term *
ptr_term(const struct spf_record *rec)
{
	size_t	 i;

	for (i = 0; i < rec->nterms; i++)
		if (rec->terms[i].type == SPF_TERM_PTR ||
		    (rec->terms[i].spec != NULL &&
		    macro_uses(rec->terms[i].spec, rec->terms[i].spec_len, 'p')))
			return &rec->terms[i];
	return NULL;
}

/*
 * Walk the record of domain and, statically, every include and redirect
 * whose target has no macro. chain: the record decides the domain's
 * result (the top record and its redirects); passing: a pass here makes
 * the audited domain pass (reached by "+include" from the chain). from:
 * the term that led here, for messages ("include:x in y"). Returns -1
 * when the domain has no usable record (none, several, a DNS error),
 * else 0.
 */
static int
audit_walk(struct audit *a, const char *domain_in, int depth, int chain,
    int passing, const char *from, const char *from_domain)
{
	struct spf_answer	 ans;
	struct spf_record	*rec;
	const struct spf_term	*t;
	char			 domain[SPF_NAME_MAX + 1], tgt[SPF_NAME_MAX + 2];
	char			 err[SPF_TEXT_MAX], q[SHOW_MAX * 4 + 8];
	char			 via[SHOW_MAX * 4 + SPF_NAME_MAX + 16], *buf;
	const char		*top = a->req->domain;
	size_t			 i, idx = 0, jlen = 0;
	int			 nomem, seen_all = 0, sev;

	if (a->visits >= AUDIT_VISITS_MAX || depth > SPF_DEPTH_MAX)
		return 0;
	a->visits++;
	if (domain_check(domain_in, domain) == -1) {
		if (from != NULL)
			audit_add(a, F_SPF_SYNTAX, -1, from_domain, NULL,
			    "%s: not a usable domain name (permerror)", from);
		return -1;
	}
	switch (dq(&a->c, domain, SPF_RR_TXT, &ans)) {
	case SPF_DNS_NOT_YET:
		a->pending = 1;
		return 0;
	case SPF_DNS_ERROR:
		audit_add(a, F_SPF_TEMPERROR, -1, domain, NULL,
		    "TXT lookup for %s failed%s%s", domain,
		    from != NULL ? " for " : "", from != NULL ? from : "");
		return -1;
	case SPF_DNS_ANSWER:
		break;
	default:
		ans.n = 0;
		break;
	}
	switch (txt_select(&ans, &idx, &jlen)) {
	case SPF_SELECT_NONE:
		if (from == NULL)
			audit_add(a, F_SPF_NONE, -1, domain, NULL,
			    "no v=spf1 TXT record at %s", domain);
		else
			audit_add(a, F_SPF_SYNTAX, -1, from_domain, NULL,
			    "%s: %s has no SPF record (permerror)", from,
			    domain);
		return -1;
	case SPF_SELECT_MULTIPLE:
		audit_add(a, F_SPF_MULTIPLE, -1, domain, NULL,
		    "%s publishes more than one v=spf1 TXT record%s%s", domain,
		    from != NULL ? ", reached by " : "",
		    from != NULL ? from : "");
		return -1;
	default:
		break;
	}
	if (jlen > SPF_RECORD_MAX) {
		audit_add(a, F_SPF_SYNTAX, -1, domain, NULL, "SPF record of %s: "
		    "longer than %d bytes", domain, SPF_RECORD_MAX);
		return 0;
	}
	if ((buf = malloc(jlen + 1)) == NULL) {
		a->nomem = 1;
		return 0;
	}
	txt_join(&ans.rr[idx], buf, jlen + 1);
	rec = record_parse(buf, jlen, err, sizeof(err), &nomem);
	free(buf);
	if (rec == NULL) {
		if (nomem)
			a->nomem = 1;
		else
			audit_add(a, F_SPF_SYNTAX, -1, domain, NULL,
			    "SPF record of %s: %s", domain, err);
		return 0;
	}
	if (rec->has_ptr && (t = ptr_term(rec)) != NULL)
		audit_add(a, F_SPF_PTR, -1, domain, NULL, "\"%s\" in the SPF "
		    "record of %s%s%s", TERM(t, q), domain,
		    from != NULL ? ", reached by " : "",
		    from != NULL ? from : "");
	for (i = 0; i < rec->nterms && !seen_all; i++) {
		t = &rec->terms[i];
		if (t->spec != NULL && t->type != SPF_TERM_EXP &&
		    t->type != SPF_TERM_MODIFIER &&
		    (t->type != SPF_TERM_REDIRECT || !rec->has_all) &&
		    macro_uses(t->spec, t->spec_len, 'p'))
			a->lookups++;
		switch (t->type) {
		case SPF_TERM_ALL:
			/* Terms after the first "all" are never reached. */
			seen_all = 1;
			if (chain && (t->qualifier == '+' ||
			    t->qualifier == '?')) {
				sev = t->qualifier == '+' ? SEV_CRIT : -1;
				audit_add(a, F_SPF_PERMISSIVE, sev, top, NULL,
				    "\"%s\" in the SPF record of %s: %s",
				    TERM(t, q), domain, t->qualifier == '+' ?
				    "every address passes" :
				    "any other address is neutral");
			} else if (passing && t->qualifier == '+')
				audit_add(a, F_SPF_PERMISSIVE, SEV_CRIT, top,
				    NULL, "\"%s\" in the SPF record of %s, "
				    "reached by %s: every address passes",
				    TERM(t, q), domain, from);
			break;
		case SPF_TERM_A:
		case SPF_TERM_MX:
		case SPF_TERM_PTR:
		case SPF_TERM_EXISTS:
			a->lookups++;
			break;
		case SPF_TERM_INCLUDE:
			a->lookups++;
			if (memchr(t->spec, '%', t->spec_len) != NULL ||
			    t->spec_len >= sizeof(tgt))
				break;
			copy(tgt, sizeof(tgt), t->spec, t->spec_len);
			snprintf(via, sizeof(via), "\"%s\" in %s", TERM(t, q),
			    domain);
			(void)audit_walk(a, tgt, depth + 1, 0,
			    (chain || passing) && t->qualifier == '+', via,
			    domain);
			break;
		default:
			break;
		}
	}
	if (rec->redirect >= 0 && !rec->has_all) {
		t = &rec->terms[rec->redirect];
		a->lookups++;
		if (memchr(t->spec, '%', t->spec_len) == NULL &&
		    t->spec_len < sizeof(tgt)) {
			copy(tgt, sizeof(tgt), t->spec, t->spec_len);
			snprintf(via, sizeof(via), "\"%s\" in %s", TERM(t, q),
			    domain);
			(void)audit_walk(a, tgt, depth + 1, chain, passing, via,
			    domain);
		}
	}
	spf_record_free(rec);
	return 0;
}

static void
needs_merge(struct spf_needs *dst, const struct spf_needs *src)
{
	size_t	 i, j;

	for (i = 0; i < src->n; i++) {
		for (j = 0; j < dst->n; j++)
			if (dst->q[j].type == src->q[i].type &&
			    dnsname_equal(dst->q[j].name, src->q[i].name))
				break;
		if (j == dst->n && dst->n < SPF_NEED_MAX)
			dst->q[dst->n++] = src->q[i];
	}
}

/* Findings from a permerror or temperror of a check. */
static void
audit_error(struct audit *a, const struct spf_outcome *o, const char *ip,
    int probe)
{
	const char	*who = probe ? "the test address " : "";
	const char	*host = o->err_domain[0] != '\0' ? o->err_domain :
			    a->req->domain;

	switch (o->error) {
	case SPF_ERR_LOOKUP_LIMIT:
		audit_add(a, F_SPF_LOOKUP_LIMIT, -1, a->req->domain, NULL,
		    "check_host() for %s%s: %s", who, ip, o->cause);
		break;
	case SPF_ERR_VOID_LIMIT:
		audit_add(a, F_SPF_VOID_LIMIT, -1, a->req->domain, NULL,
		    "check_host() for %s%s: %s", who, ip, o->cause);
		break;
	case SPF_ERR_MULTIPLE:
		audit_add(a, F_SPF_MULTIPLE, -1, host, NULL, "%s", o->cause);
		break;
	case SPF_ERR_DNS:
		audit_add(a, F_SPF_TEMPERROR, -1, host, NULL,
		    "check_host() for %s%s: %s", who, ip, o->cause);
		break;
	case SPF_ERR_NONE:
		break;
	default:
		audit_add(a, F_SPF_SYNTAX, -1, host, NULL, "%s (permerror)",
		    o->cause);
		break;
	}
}

/* check_host() for one address. probe: an address nobody should authorise. */
static enum spf_status
audit_check(struct audit *a, const char *ip, int probe,
    const struct spf_dns_view *dns, struct spf_needs *need)
{
	struct spf_request	 req;
	struct spf_outcome	*o;
	enum spf_status		 st;
	char			 sender[SPF_INPUT_MAX + 16];

	if ((o = malloc(sizeof(*o))) == NULL)
		return SPF_ENOMEM;
	memset(&req, 0, sizeof(req));
	snprintf(sender, sizeof(sender), "postmaster@%s", a->req->domain);
	req.ip = ip;
	req.sender = sender;
	req.helo = a->req->domain;
	req.domain = a->req->domain;
	req.now = a->req->now;
	st = spf_check(&req, dns, o);
	switch (st) {
	case SPF_NEED_DNS:
		needs_merge(need, &o->need);
		a->pending = 1;
		break;
	case SPF_DONE:
		if (o->result == SPF_RESULT_PERMERROR ||
		    o->result == SPF_RESULT_TEMPERROR)
			audit_error(a, o, ip, probe);
		else if (probe && o->result == SPF_RESULT_PASS)
			audit_add(a, F_SPF_PERMISSIVE, SEV_CRIT,
			    a->req->domain, NULL, "ip=%s result=pass "
			    "mechanism=\"%s\" in %s: a documentation address "
			    "is authorised", ip, o->mechanism, o->mech_domain);
		else if (!probe && (o->result == SPF_RESULT_FAIL ||
		    o->result == SPF_RESULT_SOFTFAIL))
			audit_add(a, F_SPF_NOT_AUTHORIZED,
			    o->result == SPF_RESULT_SOFTFAIL ? SEV_WARN : -1,
			    a->req->domain, ip, "ip=%s result=%s "
			    "mechanism=\"%s\" in %s", ip,
			    spf_result_name(o->result), o->mechanism,
			    o->mech_domain);
		break;
	case SPF_EINVAL:
		/* An address that does not parse: the configuration's to report. */
		st = SPF_DONE;
		break;
	case SPF_ENOMEM:
		break;
	}
	free(o);
	return st;
}

enum spf_status
spf_audit(const struct spf_audit_req *req, const struct spf_dns_view *dns,
    struct finding_list *out, struct spf_needs *need)
{
	struct audit	 a;
	size_t		 i;
	int		 stop;

	memset(need, 0, sizeof(*need));
	if (req == NULL || req->domain == NULL || !input_ok(req->domain) ||
	    (req->nips > 0 && req->ips == NULL))
		return SPF_EINVAL;
	memset(&a, 0, sizeof(a));
	a.req = req;
	a.c.dns = dns;
	a.c.need = need;

	/* No record, several, or no answer: the checks have nothing to add. */
	stop = audit_walk(&a, req->domain, 0, 1, 0, NULL, NULL) == -1;
	if (!stop && !a.pending && a.lookups > SPF_LOOKUP_MAX)
		audit_add(&a, F_SPF_LOOKUP_LIMIT, -1, req->domain, NULL,
		    "%d DNS-querying terms in the SPF record of %s and its "
		    "includes, more than %d", a.lookups, req->domain,
		    SPF_LOOKUP_MAX);
	/* Every check runs even when one waits, so one round asks for all. */
	for (i = 0; !stop && i < req->nips + 2 && !a.nomem; i++)
		if (audit_check(&a, i < req->nips ? req->ips[i] :
		    audit_probes[i - req->nips], i >= req->nips, dns, need) ==
		    SPF_ENOMEM)
			a.nomem = 1;
	if (a.nomem) {
		finding_list_free(&a.found);
		return SPF_ENOMEM;
	}
	if (a.pending) {
		finding_list_free(&a.found);
		return SPF_NEED_DNS;
	}
	if (finding_list_move(out, &a.found) == -1) {
		finding_list_free(&a.found);
		return SPF_ENOMEM;
	}
	finding_list_free(&a.found);
	return SPF_DONE;
}
