/*
 * util.h - small helpers shared by every module: sanitising server text,
 * clocks, bounded string copies.
 */
#ifndef SMTPROBE_UTIL_H
#define SMTPROBE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copy at most len bytes of s into a new NUL-terminated string of at
 * most max bytes (plus the NUL), replacing CR, LF, TAB and every other
 * control or non-ASCII byte by '?' ... except that a run of them keeps a
 * single replacement, and a cut string ends in "...". Returns NULL only
 * when memory runs out.
 */
char		*util_sanitize(const char *s, size_t len, size_t max);

/* Same, into a caller's buffer of size sz (always NUL-terminated). */
size_t		 util_sanitize_buf(char *dst, size_t sz, const char *s, size_t len);

/* Monotonic clock in microseconds. */
int64_t		 util_now_us(void);

/* Wall clock, seconds since the epoch. */
int64_t		 util_wall(void);

/* Copy with truncation; returns strlen(src) like BSD strlcpy. */
size_t		 util_strlcpy(char *dst, const char *src, size_t sz);

/*
 * This host's fully qualified name, as Postfix's myhostname: the name
 * gethostname() gives when it has a dot, else the canonical name that
 * /etc/hosts gives it (the first name of its line), else the short name.
 * Reads only /etc/hosts (hosts): no DNS, so it never waits. Returns 1
 * when the name has a dot, 0 when not, -1 when there is no name.
 */
int		 util_fqdn(char *buf, size_t sz, const char *hosts);

/* The value of a base64 character (RFC 4648 4), -1 for any other. */
int		 util_b64_value(int c);

/* Case-insensitive substring search (ASCII). */
const char	*util_strcasestr(const char *hay, const char *needle);

/*
 * 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3)
 * of len bytes. It never changes between versions: target ids hash with
 * it into shards (smtprobed.conf(5)).
 */
uint64_t	 util_hash64(const void *, size_t len);

#endif
