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

#include "value.h"

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

int
value_name(const char *s, char *out)
{
	size_t	 len = strlen(s), i, label = 0;
	int	 digits = 1;

	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > VALUE_NAME_MAX)
		return -1;
	for (i = 0; i <= len; i++) {
		unsigned char	 c = i < len ? (unsigned char)s[i] : '.';

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return -1;
			label = 0;
			if (i < len) {
				digits = 1;
				out[i] = '.';
			}
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return -1;
		if (c == '-' && label == 0)
			return -1;
		if (!isdigit(c))
			digits = 0;
		if (++label > 63)
			return -1;
		out[i] = (char)tolower(c);
	}
	if (digits)
		return -1;
	out[len] = '\0';
	return 0;
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
value_mailbox(const char *s)
{
	return value_printable(s) && strpbrk(s, "<>") == NULL &&
	    strlen(s) <= VALUE_MAILBOX_MAX;
}

int
value_selector(const char *s)
{
	return *s != '\0' && value_printable(s) && strpbrk(s, "./\\") == NULL &&
	    strlen(s) <= VALUE_SELECTOR_MAX;
}
