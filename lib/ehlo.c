/*
 * ehlo.c - EHLO keyword parsing.
 *
 * Keywords are case-insensitive (RFC 5321 4.1.1.1). "AUTH=LOGIN PLAIN"
 * is the pre-standard form some servers still send beside "AUTH".
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ehlo.h"
#include "util.h"

static const struct {
	const char	*kw;
	uint32_t	 flag;
} keywords[] = {
	{ "STARTTLS",		 EHLO_STARTTLS },
	{ "SIZE",		 EHLO_SIZE },
	{ "PIPELINING",		 EHLO_PIPELINING },
	{ "8BITMIME",		 EHLO_8BITMIME },
	{ "SMTPUTF8",		 EHLO_SMTPUTF8 },
	{ "CHUNKING",		 EHLO_CHUNKING },
	{ "ENHANCEDSTATUSCODES", EHLO_ENHANCEDSTATUSCODES },
	{ "AUTH",		 EHLO_AUTH },
	{ "REQUIRETLS",		 EHLO_REQUIRETLS },
	{ "DSN",		 EHLO_DSN },
};

void
ehlo_init(struct ehlo_caps *c)
{
	memset(c, 0, sizeof(*c));
}

static void
add_auth(struct ehlo_caps *c, const char *p, size_t n)
{
	size_t	 i, l, start;
	char	 mech[64];

	i = 0;
	while (i < n) {
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		start = i;
		while (i < n && p[i] != ' ' && p[i] != '\t')
			i++;
		l = i - start;
		if (l == 0 || l >= sizeof(mech))
			continue;
		util_sanitize_buf(mech, sizeof(mech), p + start, l);
		for (size_t k = 0; mech[k]; k++)
			mech[k] = (char)toupper((unsigned char)mech[k]);
		/* skip duplicates from "AUTH" and "AUTH=" lines */
		{
			const char	*hit = c->auth;
			size_t		 ml = strlen(mech);
			int		 dup = 0;

			while ((hit = strstr(hit, mech)) != NULL) {
				if ((hit == c->auth || hit[-1] == ' ') &&
				    (hit[ml] == ' ' || hit[ml] == '\0')) {
					dup = 1;
					break;
				}
				hit += ml;
			}
			if (dup)
				continue;
		}
		if (strlen(c->auth) + l + 2 > sizeof(c->auth))
			return;
		if (c->auth[0] != '\0')
			strcat(c->auth, " ");
		strcat(c->auth, mech);
	}
}

void
ehlo_feed(struct ehlo_caps *c, const char *line, size_t len)
{
	const char	*p;
	size_t		 n, kl, i;

	c->nlines++;
	if (len <= 4)
		return;
	p = line + 4;
	n = len - 4;
	if (c->nlines == 1) {
		/* "250-mx.example.com Hello ..." : keep the domain */
		for (kl = 0; kl < n && p[kl] != ' '; kl++)
			;
		util_sanitize_buf(c->name, sizeof(c->name), p, kl);
		return;
	}
	for (kl = 0; kl < n && p[kl] != ' ' && p[kl] != '='; kl++)
		;
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strlen(keywords[i].kw) != kl ||
		    strncasecmp(p, keywords[i].kw, kl) != 0)
			continue;
		c->flags |= keywords[i].flag;
		if (keywords[i].flag == EHLO_AUTH && kl < n)
			add_auth(c, p + kl + 1, n - kl - 1);
		if (keywords[i].flag == EHLO_SIZE && kl < n && p[kl] == ' ') {
			char		 num[24];
			char		*end;
			unsigned long long v;

			util_sanitize_buf(num, sizeof(num), p + kl + 1,
			    n - kl - 1);
			/*
			 * RFC 1870: 1*20DIGIT. strtoull alone would take
			 * "-1" (as 2^64-1), "+1", blanks and overflow.
			 */
			errno = 0;
			v = strtoull(num, &end, 10);
			if (isdigit((unsigned char)num[0]) && *end == '\0' &&
			    errno == 0) {
				c->size = v;
				c->size_given = 1;
			}
		}
		return;
	}
}

int
ehlo_auth_plaintext(const struct ehlo_caps *c)
{
	static const char *clear[] = { "PLAIN", "LOGIN" };
	size_t	 i, l;
	const char *hit;

	if (!(c->flags & EHLO_AUTH))
		return 0;
	for (i = 0; i < sizeof(clear) / sizeof(clear[0]); i++) {
		l = strlen(clear[i]);
		for (hit = c->auth; (hit = strstr(hit, clear[i])) != NULL;
		    hit += l)
			if ((hit == c->auth || hit[-1] == ' ') &&
			    (hit[l] == ' ' || hit[l] == '\0'))
				return 1;
	}
	return 0;
}

const char *
ehlo_flag_name(uint32_t flag)
{
	size_t	 i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (keywords[i].flag == flag)
			return keywords[i].kw;
	return NULL;
}

const char *
ehlo_flags_str(uint32_t flags, char *buf, size_t sz)
{
	size_t	 i;

	if (sz == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (!(flags & keywords[i].flag))
			continue;
		if (buf[0] != '\0' && strlen(buf) + 1 < sz)
			strcat(buf, " ");
		if (strlen(buf) + strlen(keywords[i].kw) < sz)
			strcat(buf, keywords[i].kw);
	}
	return buf;
}
