/*
 * util.c - sanitising, clocks and bounded copies.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

size_t
util_sanitize_buf(char *dst, size_t sz, const char *s, size_t len)
{
	size_t		 i, o = 0;
	unsigned char	 c;
	int		 cut = 0, run = 0;

	if (sz == 0)
		return 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e) {
			/* a run (CRLF, a UTF-8 sequence) is one '?' */
			if (run)
				continue;
			run = 1;
			c = '?';
		} else
			run = 0;
		if (o + 1 >= sz) {
			cut = 1;
			break;
		}
		dst[o++] = (char)c;
	}
	if (cut && sz > 4) {
		o = sz - 4;
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return o;
}

char *
util_sanitize(const char *s, size_t len, size_t max)
{
	char	*d;

	if ((d = malloc(max + 1)) == NULL)
		return NULL;
	util_sanitize_buf(d, max + 1, s, len);
	return d;
}

int64_t
util_now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
util_wall(void)
{
	return (int64_t)time(NULL);
}

size_t
util_strlcpy(char *dst, const char *src, size_t sz)
{
	size_t	 n = strlen(src);

	if (sz > 0) {
		size_t	 c = n < sz - 1 ? n : sz - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

const char *
util_strcasestr(const char *hay, const char *needle)
{
	size_t	 n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return n == 0 ? hay : NULL;
}

uint64_t
util_hash64(const void *p, size_t len)
{
	const unsigned char	*s = p;
	uint64_t		 h = 0xcbf29ce484222325ULL;
	size_t			 i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int
util_fqdn(char *buf, size_t sz, const char *hosts)
{
	char	 name[256], line[1024], *tok, *save, *canon;
	FILE	*fp;
	int	 found = 0;

	if (sz == 0 || gethostname(name, sizeof(name)) != 0)
		return -1;
	name[sizeof(name) - 1] = '\0';
	if (name[0] == '\0')
		return -1;
	if (strchr(name, '.') != NULL) {
		util_strlcpy(buf, name, sz);
		return 1;
	}
	util_strlcpy(buf, name, sz);
	if ((fp = fopen(hosts != NULL ? hosts : "/etc/hosts", "re")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "#\n")] = '\0';
		if (strtok_r(line, " \t", &save) == NULL)	/* the address */
			continue;
		canon = NULL;
		while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
			if (canon == NULL)
				canon = tok;
			if (strcasecmp(tok, name) == 0) {
				found = 1;
				break;
			}
		}
		if (found && canon != NULL && strchr(canon, '.') != NULL)
			util_strlcpy(buf, canon, sz);
	}
	fclose(fp);
	return strchr(buf, '.') != NULL;
}

int
util_b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}
