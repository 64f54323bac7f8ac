/*
 * dnsname.c - reverse and DNSBL query names, name comparison.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dnsname.h"

#define DNSNAME_MAX	253	/* text of a name without its final dot */

/*
 * The address labels, least significant first, each followed by a dot;
 * *v6 tells which family. Returns the length, or -1.
 */
static int
dnsname_prefix(const char *addr, char *buf, size_t sz, int *v6)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 a[16];
	size_t			 o = 0;
	int			 i, n;

	if (addr == NULL)
		return -1;
	if (inet_pton(AF_INET, addr, a) == 1) {
		*v6 = 0;
		n = snprintf(buf, sz, "%u.%u.%u.%u.", a[3], a[2], a[1], a[0]);
		return n < 0 || (size_t)n >= sz ? -1 : n;
	}
	if (inet_pton(AF_INET6, addr, a) != 1)
		return -1;
	*v6 = 1;
	if (sz < 16 * 4 + 1)
		return -1;
	for (i = 15; i >= 0; i--) {
		buf[o++] = hex[a[i] & 0x0f];
		buf[o++] = '.';
		buf[o++] = hex[a[i] >> 4];
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return (int)o;
}

int
dnsname_reverse(const char *addr, char *buf, size_t sz)
{
	char	 p[16 * 4 + 1];
	int	 v6, n;

	if (dnsname_prefix(addr, p, sizeof(p), &v6) == -1)
		return -1;
	n = snprintf(buf, sz, "%s%s", p, v6 ? "ip6.arpa." : "in-addr.arpa.");
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

/* Letters, digits, '-' and '_' in labels of 1 to 63 (RFC 1035 2.3.4). */
static int
dnsname_zone_ok(const char *z, size_t len)
{
	size_t	 i, label = 0;
	char	 c;

	if (len == 0 || len > DNSNAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = z[i];
		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}

int
dnsname_dnsbl(const char *addr, const char *zone, char *buf, size_t sz)
{
	char	 p[16 * 4 + 1];
	size_t	 zlen;
	int	 v6, plen, n;

	if (zone == NULL || (plen = dnsname_prefix(addr, p, sizeof(p), &v6)) == -1)
		return -1;
	zlen = strlen(zone);
	if (zlen > 0 && zone[zlen - 1] == '.')
		zlen--;
	if (!dnsname_zone_ok(zone, zlen) || (size_t)plen + zlen > DNSNAME_MAX)
		return -1;
	n = snprintf(buf, sz, "%s%.*s.", p, (int)zlen, zone);
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

static int
dnsname_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
dnsname_equal(const char *a, const char *b)
{
	size_t	 la, lb, i;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la > 1 && a[la - 1] == '.')
		la--;
	if (lb > 1 && b[lb - 1] == '.')
		lb--;
	if (la != lb)
		return 0;
	for (i = 0; i < la; i++)
		if (dnsname_lower((unsigned char)a[i]) !=
		    dnsname_lower((unsigned char)b[i]))
			return 0;
	return 1;
}
