/*
 * value.c - the syntax of setting values (see value.h).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <dlfcn.h>
#include <pthread.h>

#include <idn2.h>

#include "value.h"

/*
 * libidn2 (and libunistring under it) is opened when a name first needs
 * it, not at every start: smtprobe is a process per check, and the
 * dynamic loader is a good part of a one-shot's cost (see dmarc.c).
 */
#define LIBIDN2	"libidn2.so.0"

static pthread_once_t	 idn_once = PTHREAD_ONCE_INIT;
static const char	*idn_error;	/* why it could not be opened */
static __typeof__(idn2_to_ascii_8z)	*idnlib_ascii;
static __typeof__(idn2_to_unicode_8z8z)	*idnlib_unicode;
static __typeof__(idn2_strerror)	*idnlib_strerror;
static __typeof__(idn2_free)		*idnlib_free;

static void
idn_load(void)
{
	void	*h;

	if ((h = dlopen(LIBIDN2, RTLD_NOW | RTLD_LOCAL)) == NULL ||
	    (idnlib_ascii = (__typeof__(idn2_to_ascii_8z) *)dlsym(h,
	    "idn2_to_ascii_8z")) == NULL ||
	    (idnlib_unicode = (__typeof__(idn2_to_unicode_8z8z) *)dlsym(h,
	    "idn2_to_unicode_8z8z")) == NULL ||
	    (idnlib_strerror = (__typeof__(idn2_strerror) *)dlsym(h,
	    "idn2_strerror")) == NULL ||
	    (idnlib_free = (__typeof__(idn2_free) *)dlsym(h, "idn2_free")) ==
	    NULL) {
		idnlib_ascii = NULL;
		idn_error = LIBIDN2 " cannot be loaded: internationalized "
		    "names cannot be converted";
	}
}

/* Bytes of a name handed to libidn2: more cannot map to 253 of DNS. */
#define IDN_INPUT_MAX	1024

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int
value_number(const char *s, long long min, long long max, long long *out)
{
	long long	 v = 0;

	if (!all_digits(s))
		return -1;
	for (; *s != '\0'; s++) {
		if (v > (LLONG_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
value_port(const char *s)
{
	long long	 v;

	return value_number(s, 1, 65535, &v) == 0 ? (int)v : -1;
}

int
value_days(const char *s, int max, int *days)
{
	char		 num[8];
	size_t		 len = strlen(s);
	long long	 n;

	if (len > 1 && (s[len - 1] == 'd' || s[len - 1] == 'D'))
		len--;
	if (len >= sizeof(num))
		return -1;
	memcpy(num, s, len);
	num[len] = '\0';
	if (value_number(num, 0, max, &n) == -1)
		return -1;
	*days = (int)n;
	return 0;
}

int
value_bool(const char *s, int *out, const char **why)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t		 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	*why = "not yes, no, true, false, on, off, 1 or 0";
	return -1;
}

static const struct {
	const char	*unit;
	int64_t		 ms;
} units[] = {
	{ "ms", 1 }, { "s", VALUE_MS_SEC }, { "", VALUE_MS_SEC },
	{ "m", VALUE_MS_MIN }, { "h", VALUE_MS_HOUR }, { "d", VALUE_MS_DAY },
	{ "w", 7 * VALUE_MS_DAY },
};

int
value_duration(const char *s, int64_t *ms, const char **why)
{
	const char	*e = s;
	int64_t		 whole = 0, frac = 0, scale = 1, mult = -1, v;
	size_t		 i;

	*why = "not a duration (a number and ms, s, m, h, d or w)";
	if (!isdigit((unsigned char)*e))
		return -1;
	for (; isdigit((unsigned char)*e); e++) {
		if (whole > (INT64_MAX - (*e - '0')) / 10)
			goto big;
		whole = whole * 10 + (*e - '0');
	}
	if (*e == '.') {
		e++;
		if (!isdigit((unsigned char)*e))
			return -1;
		for (; isdigit((unsigned char)*e); e++) {
			if (scale == 1000000000)
				return -1;	/* more decimals than sense */
			frac = frac * 10 + (*e - '0');
			scale *= 10;
		}
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcasecmp(e, units[i].unit) == 0)
			mult = units[i].ms;
	if (mult == -1)
		return -1;
	if (whole > INT64_MAX / mult)
		goto big;
	v = whole * mult;
	/* frac < 1e9 and mult <= 6.048e8: the product fits */
	if (v > INT64_MAX - frac * mult / scale)
		goto big;
	*ms = v + frac * mult / scale;
	return 0;
big:
	*why = "too large";
	return -1;
}

const char *
value_duration_str(int64_t ms, char *buf, size_t sz)
{
	static const struct {
		const char	*unit;
		int64_t		 ms;
	} big[] = {
		{ "w", 7 * VALUE_MS_DAY }, { "d", VALUE_MS_DAY },
		{ "h", VALUE_MS_HOUR }, { "m", VALUE_MS_MIN },
		{ "s", VALUE_MS_SEC },
	};
	size_t	 i;

	/* weeks only when days would not say it as well: "14d", not "2w" */
	for (i = 1; i < sizeof(big) / sizeof(big[0]); i++)
		if (ms != 0 && ms % big[i].ms == 0) {
			snprintf(buf, sz, "%lld%s", (long long)(ms / big[i].ms),
			    big[i].unit);
			return buf;
		}
	snprintf(buf, sz, "%lldms", (long long)ms);
	return buf;
}

int
value_size(const char *s, uint64_t *bytes, const char **why)
{
	const char	*e = s;
	uint64_t	 v = 0, mult = 1;
	int		 shift = 0;

	*why = "not a size (bytes, or a number and K, M, G or T)";
	if (!isdigit((unsigned char)*e))
		return -1;
	for (; isdigit((unsigned char)*e); e++) {
		if (v > (UINT64_MAX - (uint64_t)(*e - '0')) / 10)
			goto big;
		v = v * 10 + (uint64_t)(*e - '0');
	}
	switch (*e) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	}
	if (shift != 0) {
		e++;
		if (*e == 'i' || *e == 'I')
			e++;
	}
	if (*e == 'b' || *e == 'B')
		e++;
	if (*e != '\0' || (e[-1] == 'i' || e[-1] == 'I'))
		return -1;	/* junk, or "Ki" without B */
	mult <<= shift;
	if (v > UINT64_MAX / mult)
		goto big;
	*bytes = v * mult;
	return 0;
big:
	*why = "too large";
	return -1;
}

/*
 * The ASCII syntax of value_name(), on a name already in A-labels: 0, or
 * -1 with *why saying what is wrong.
 */
static int
name_ascii(const char *s, char *out, const char **why)
{
	size_t	 len = strlen(s), i, label = 0;
	int	 digits = 1;

	if (len > 0 && s[len - 1] == '.')
		len--;
	*why = len == 0 ? "empty" : "longer than 253 bytes";
	if (len == 0 || len > VALUE_NAME_MAX)
		return -1;
	for (i = 0; i <= len; i++) {
		unsigned char	 c = i < len ? (unsigned char)s[i] : '.';

		if (c == '.') {
			*why = label == 0 ? "an empty label" :
			    "a label ending in '-'";
			if (label == 0 || s[i - 1] == '-')
				return -1;
			label = 0;
			if (i < len) {
				digits = 1;
				out[i] = '.';
			}
			continue;
		}
		*why = "a character other than a letter, digit, '-' or '_'";
		if (!isalnum(c) && c != '-' && c != '_')
			return -1;
		*why = "a label starting with '-'";
		if (c == '-' && label == 0)
			return -1;
		if (!isdigit(c))
			digits = 0;
		*why = "a label longer than 63 bytes";
		if (++label > 63)
			return -1;
		out[i] = (char)tolower(c);
	}
	*why = "digits only in the last label";
	if (digits)
		return -1;
	*why = NULL;
	out[len] = '\0';
	return 0;
}

/* A byte outside ASCII, or a label starting "xn--" (an A-label). */
static int
name_idn(const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			return 1;
	for (p = s; p != NULL; p = strchr(p, '.')) {
		if (*p == '.')
			p++;
		if (strncasecmp(p, "xn--", 4) == 0)
			return 1;
	}
	return 0;
}

int
value_name(const char *s, char *out, const char **why)
{
	const char	*w;
	char		*a = NULL;
	int		 rc;

	if (why != NULL)
		*why = NULL;
	/* plain names keep the callers' own words, as before IDNA */
	if (!name_idn(s))
		return name_ascii(s, out, &w);
	if (strlen(s) > IDN_INPUT_MAX)
		return -1;
	/*
	 * IDNA2008 lookup with UTS #46 preprocessing (case and width
	 * folded, 。 as a dot), non-transitional so ß and ς stay as typed:
	 * what browsers and MTAs do with a name a user writes. libidn2
	 * also checks A-labels given as such (Punycode, round trip).
	 */
	pthread_once(&idn_once, idn_load);
	if (idnlib_ascii == NULL) {
		if (why != NULL)
			*why = idn_error;
		return -1;
	}
	rc = idnlib_ascii(s, &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		if (why != NULL)
			*why = idnlib_strerror(rc);
		return -1;
	}
	rc = name_ascii(a, out, &w);
	idnlib_free(a);
	if (rc == -1 && why != NULL)
		*why = w;
	return rc;
}

int
value_name_unicode(const char *name, char *out, size_t sz)
{
	char	*u = NULL;
	int	 rc = 0;

	if (sz == 0)
		return 0;
	if (name_idn(name) && strlen(name) <= VALUE_NAME_MAX + 1) {
		pthread_once(&idn_once, idn_load);
		if (idnlib_ascii != NULL &&
		    idnlib_unicode(name, &u, 0) == IDN2_OK &&
		    strlen(u) < sz && strcmp(u, name) != 0) {
			memcpy(out, u, strlen(u) + 1);
			rc = 1;
		}
		if (u != NULL)
			idnlib_free(u);
	}
	if (rc == 0) {
		strncpy(out, name, sz - 1);
		out[sz - 1] = '\0';
	}
	return rc;
}

/*
 * The code point of the UTF-8 sequence at s into *cp: its length, or 0
 * for an invalid one (overlong, surrogate, beyond U+10FFFF, cut short).
 */
static size_t
utf8_char(const unsigned char *s, uint32_t *cp)
{
	size_t		 n, i;
	uint32_t	 c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * Not for display: controls (C0, DEL, C1), the bidirectional marks and
 * overrides that reorder what surrounds them, and line separators.
 */
static int
cp_hidden(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c ||
	    c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

/* White space beyond ASCII's: not in an address (nor is ASCII's). */
static int
cp_blank(uint32_t c)
{
	return c == ' ' || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200b) || c == 0x202f || c == 0x205f ||
	    c == 0x3000;
}

char *
value_display(char *out, size_t sz, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0, n;
	uint32_t		 c;
	int			 bad = 0;

	if (sz == 0)
		return out;
	while (*p != '\0') {
		n = utf8_char(p, &c);
		if (n == 0 || cp_hidden(c)) {
			if (n == 0)
				n = 1;
			if (bad) {	/* a run is one '?' */
				p += n;
				continue;
			}
			bad = 1;
			p += n;
			n = 1;
			if (o + 1 >= sz)
				goto cut;
			out[o++] = '?';
			continue;
		}
		bad = 0;
		if (o + n >= sz)
			goto cut;
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
	return out;
cut:
	/* back to a character boundary with room for "..." */
	if (sz > 4) {
		n = o;		/* bytes written */
		if (o > sz - 4)
			o = sz - 4;
		while (o > 0 && o < n && ((unsigned char)out[o] & 0xc0) == 0x80)
			o--;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o < sz ? o : sz - 1] = '\0';
	return out;
}

int
value_addr(const char *s, char *out, int *family)
{
	unsigned char	 b[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, s, b) == 1) {
		*family = AF_INET;
		inet_ntop(AF_INET, b, out, VALUE_ADDR_STRLEN);
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		*family = AF_INET6;
		inet_ntop(AF_INET6, b, out, VALUE_ADDR_STRLEN);
		return 0;
	}
	return -1;
}

int
value_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

int
value_mailbox_utf8(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

int
value_mailbox(const char *s, char *out, const char **why)
{
	const unsigned char	*p;
	const char		*at;
	char			 dom[VALUE_NAME_MAX + 1];
	size_t			 len = strlen(s), n, local;
	uint32_t		 c;

	*why = NULL;
	if (len > IDN_INPUT_MAX)
		return -1;
	for (p = (const unsigned char *)s; *p != '\0'; p += n)
		if ((n = utf8_char(p, &c)) == 0 || cp_hidden(c) ||
		    cp_blank(c) || c == '<' || c == '>') {
			if (n == 0)
				*why = "not valid UTF-8";
			return -1;
		}
	if (!value_mailbox_utf8(s) && strstr(s, "@xn--") == NULL &&
	    strstr(s, ".xn--") == NULL) {
		if (len > VALUE_MAILBOX_MAX)
			return -1;
		memcpy(out, s, len + 1);
		return 0;
	}
	/*
	 * RFC 6531: the domain goes as A-labels, which every server takes;
	 * a UTF-8 local part needs SMTPUTF8, decided per session.
	 */
	if ((at = strrchr(s, '@')) == NULL || at == s) {
		*why = "an internationalized address needs LOCAL@DOMAIN";
		return -1;
	}
	local = (size_t)(at - s);
	if (at[1] == '[') {
		if (value_mailbox_utf8(at + 1)) {
			*why = "an address literal is ASCII";
			return -1;
		}
		if (len > VALUE_MAILBOX_MAX)
			return -1;
		memcpy(out, s, len + 1);
		return 0;
	}
	if (value_name(at + 1, dom, why) == -1) {
		if (*why == NULL)
			*why = "the domain is not a host name";
		return -1;
	}
	if (local + 1 + strlen(dom) > VALUE_MAILBOX_MAX)
		return -1;
	memcpy(out, s, local + 1);
	memcpy(out + local + 1, dom, strlen(dom) + 1);
	return 0;
}

int
value_mailbox_domain(const char *s)
{
	const char	*at = strrchr(s, '@'), *d;
	char		 lit[VALUE_ADDR_STRLEN + 8], n[VALUE_NAME_MAX + 1];
	const char	*why;
	size_t		 len;
	int		 fam;

	if (at == NULL || at == s)
		return 0;
	d = at + 1;
	len = strlen(d);
	if (d[0] != '[')
		return len > 0 && d[len - 1] != '.' &&
		    value_name(d, n, &why) == 0;
	/* an address literal, RFC 5321 4.1.3 */
	if (len < 3 || d[len - 1] != ']' || len - 2 >= sizeof(lit))
		return 0;
	memcpy(lit, d + 1, len - 2);
	lit[len - 2] = '\0';
	if (strncasecmp(lit, "IPv6:", 5) == 0)
		return value_addr(lit + 5, n, &fam) == 0 && fam == AF_INET6;
	return value_addr(lit, n, &fam) == 0 && fam == AF_INET;
}

int
value_selector(const char *s)
{
	return *s != '\0' && value_printable(s) && strpbrk(s, "./\\") == NULL &&
	    strlen(s) <= VALUE_SELECTOR_MAX;
}

/* Exactly n digits at s, as a number in [lo, hi]; -1 if not. */
static int
digits(const char *s, int n, int lo, int hi)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < lo || v > hi ? -1 : v;
}

/* Days in month mon (1-12) of year. */
static int
month_days(int year, int mon)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (mon == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return days[mon - 1];
}

int
value_time(const char *s, int64_t now, int64_t *t, const char **why)
{
	static const char *what = "not a time (a duration ago such as 2h or "
	    "7d, an ISO 8601 time such as 2026-12-06T10:00:00Z, or @SECONDS "
	    "since the epoch)";
	struct tm	 tm;
	const char	*p = s;
	int64_t		 ms, v;
	long long	 n;
	int		 off = 0, local = 0, sign;

	*why = what;
	if (*s == '@') {
		if (value_number(s + 1, 0, INT64_MAX / 2, &n) == -1)
			return -1;
		*t = n;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
		if ((tm.tm_year = digits(s, 4, 1970, 9999)) == -1 ||
		    (tm.tm_mon = digits(s + 5, 2, 1, 12)) == -1 ||
		    (tm.tm_mday = digits(s + 8, 2, 1, 31)) == -1)
			return -1;
		if (tm.tm_mday > month_days(tm.tm_year, tm.tm_mon))
			return -1;	/* no 31 February folded into March */
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		p = s + 10;
		if (*p == 'T' || *p == 't' || *p == ' ') {
			if ((tm.tm_hour = digits(p + 1, 2, 0, 23)) == -1 ||
			    p[3] != ':' ||
			    (tm.tm_min = digits(p + 4, 2, 0, 59)) == -1)
				return -1;
			p += 6;
			if (*p == ':') {
				if ((tm.tm_sec = digits(p + 1, 2, 0, 60)) == -1)
					return -1;
				p += 3;
			}
		}
		if (*p == '\0')
			local = 1;
		else if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
			off = 0;
		else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if ((off = digits(p + 1, 2, 0, 23)) == -1)
				return -1;
			p += 3;
			if (*p == ':')
				p++;
			if ((v = digits(p, 2, 0, 59)) == -1 || p[2] != '\0')
				return -1;
			off = sign * (off * 3600 + (int)v * 60);
		} else
			return -1;
		if (local) {
			tm.tm_isdst = -1;
			*t = mktime(&tm);
		} else
			*t = (int64_t)timegm(&tm) - off;
		return 0;
	}
	if (all_digits(s)) {
		*why = "ambiguous: a duration needs its unit (60s, 2h, 7d) and "
		    "seconds since the epoch an @ (@1764000000)";
		return -1;
	}
	if (value_duration(s, &ms, why) == -1) {
		if (*why != NULL && strcmp(*why, "too large") != 0)
			*why = what;
		return -1;
	}
	*t = now - ms / 1000;
	return 0;
}
