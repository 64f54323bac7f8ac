/*
 * dnsname.h - names the DNS code asks for: reverse names (PTR) and DNS
 * blocklist queries, and comparing names.
 */
#ifndef SMTPROBE_DNSNAME_H
#define SMTPROBE_DNSNAME_H

#include <stddef.h>

/* Room for any name these helpers write, with the final dot and NUL. */
#define DNSNAME_BUFSZ	256

/*
 * The reverse name of a numeric address: "2.1.0.192.in-addr.arpa." for
 * 192.0.1.2 (RFC 1035 3.5), 32 nibbles then "ip6.arpa." for IPv6 (RFC
 * 3596 2.5). An IPv4-mapped IPv6 address stays IPv6. Returns 0, or -1
 * when addr is not an address or buf is too small.
 */
int	dnsname_reverse(const char *addr, char *buf, size_t sz);

/*
 * The DNSBL query name for addr in zone: "2.1.0.192.zen.example." for
 * IPv4 (RFC 5782 2.1), nibbles for IPv6 (RFC 5782 2.4). zone may end in
 * a dot or not. Returns 0, or -1 when addr is not an address, zone is
 * empty or not a plausible name, the result is over 253 characters
 * without its final dot, or buf is too small.
 */
int	dnsname_dnsbl(const char *addr, const char *zone, char *buf, size_t sz);

/* Equal names: ASCII case ignored, one final dot ignored. */
int	dnsname_equal(const char *, const char *);

#endif
