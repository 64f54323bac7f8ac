/*
 * value.h - the syntax of setting values, one definition for
 * smtprobed.conf and the command line of smtprobe check.
 *
 * Durations are a number with a unit: ms, s, m, h, d or w (a bare number
 * is seconds; "1.5s" works). Sizes are bytes, or a number with K, M, G
 * or T (binary: 1K = 1024), optionally followed by B or iB. Booleans are
 * yes/no, true/false, on/off or 1/0. Numbers are decimal digits only (no
 * sign, no blank). Keywords are compared without regard to case.
 *
 * The parsers return 0, or -1 with *why set to a static phrase that
 * completes "VALUE is ...": "not a duration (...)", "too large".
 */
#ifndef SMTPROBE_VALUE_H
#define SMTPROBE_VALUE_H

#include <stddef.h>
#include <stdint.h>

#define VALUE_NAME_MAX		253	/* a DNS name without its final dot */
#define VALUE_MAILBOX_MAX	254	/* an address for MAIL FROM or RCPT TO */
#define VALUE_HELO_MAX		255	/* an EHLO argument */
#define VALUE_SELECTOR_MAX	63	/* a DKIM selector */
#define VALUE_ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */

#define VALUE_MS_SEC		1000LL
#define VALUE_MS_MIN		(60 * VALUE_MS_SEC)
#define VALUE_MS_HOUR		(60 * VALUE_MS_MIN)
#define VALUE_MS_DAY		(24 * VALUE_MS_HOUR)

int	value_duration(const char *, int64_t *ms, const char **why);
int	value_size(const char *, uint64_t *bytes, const char **why);
int	value_bool(const char *, int *, const char **why);

/* A decimal number in [min, max]; 0 or -1 (no reason: say the range). */
int	value_number(const char *, long long min, long long max,
	    long long *);

/* A TCP port, 1 to 65535: the port, or -1. */
int	value_port(const char *);

/*
 * A whole number of days from 0 to max, optionally followed by "d"
 * (as "21" or "21d"): 0, or -1.
 */
int	value_days(const char *, int max, int *days);

/*
 * A host or domain name, lower case and without its final dot, into out
 * (VALUE_NAME_MAX + 1 bytes). Letters, digits, '-' and '_' (SRV-style
 * and DKIM names have it), a label 1 to 63 long and not starting or
 * ending in '-' (RFC 1123 2.1); the last label not all digits (that is
 * an address, or nothing). A name with U-labels (例子.test) is written
 * with A-labels (xn--fsqu00a.test): IDNA2008 with the UTS #46 mapping,
 * non-transitional (RFC 5890, 5891; libidn2); A-labels given as such
 * are checked the same way. 0, or -1; why (may be NULL) is then NULL
 * for a plain ASCII name, or for an internationalized one the reason
 * (libidn2's words when IDNA refuses it).
 */
int	value_name(const char *, char *out, const char **why);

/*
 * For display: name with its A-labels as U-labels (xn--fsqu00a.test as
 * 例子.test) into out (sz bytes). 1 when it had A-labels and they
 * decode, else 0 with out a copy (cut to fit).
 */
int	value_name_unicode(const char *name, char *out, size_t sz);

/*
 * A user's text for a message: valid UTF-8 kept when printable, every
 * control byte, invalid sequence, C1 control or bidirectional override
 * as one '?', cut to sz - 1 bytes on a character boundary with "..."
 * when longer. Returns out.
 */
char	*value_display(char *out, size_t sz, const char *s);

/*
 * A numeric IPv4 or IPv6 address (no brackets), as inet_ntop writes it,
 * into out (VALUE_ADDR_STRLEN bytes), and its family. 0, or -1.
 */
int	value_addr(const char *, char *out, int *family);

/* Printable ASCII without blanks (the empty string is): 1 if so. */
int	value_printable(const char *);

/*
 * What MAIL FROM and RCPT TO take, into out (VALUE_MAILBOX_MAX + 1
 * bytes): printable ASCII without blanks or angle brackets, kept as
 * given; or an internationalized address (RFC 6531), whose domain after
 * the last '@' goes through value_name() (U-labels become A-labels) and
 * whose local part may be UTF-8 (then only SMTPUTF8 servers take it),
 * without blanks or controls. At most VALUE_MAILBOX_MAX bytes once
 * converted. 0, or -1 with *why NULL (not printable ASCII, blanks,
 * brackets or too long) or a reason.
 */
int	value_mailbox(const char *, char *out, const char **why);

/* Does an address need SMTPUTF8 (a byte outside ASCII)? 1 if so. */
int	value_mailbox_utf8(const char *);

/*
 * A mailbox with its domain, as RCPT TO and a non-null MAIL FROM need it
 * (RFC 5321 4.1.2): LOCAL@DOMAIN, the local part not empty, the domain a
 * host name as value_name() takes it but without a final dot, or an
 * address literal ([192.0.2.1], [IPv6:2001:db8::1]). Without a domain a
 * server takes the address as one of its own users ("postmaster"). 1 if
 * so; the syntax of the whole is value_mailbox()'s.
 */
int	value_mailbox_domain(const char *);

/* A DKIM selector: printable, no '.', '/' or '\', 1 to 63 bytes. 1 if so. */
int	value_selector(const char *);

/*
 * A point in time, into *t (seconds since the epoch): a duration before
 * now, with its unit ("90m", "2d": a bare number is refused, since it
 * could mean seconds ago or seconds since the epoch), "@SECONDS" since
 * the epoch (as date +%s prints them), or an ISO 8601 date and time,
 * "2026-12-06", "2026-12-06T10:00", "2026-12-06T10:00:00Z",
 * "2026-12-06 10:00:00+01:00" (a space for the T; local time without a
 * zone). 0, or -1 with *why completing "VALUE is ...".
 */
int	value_time(const char *, int64_t now, int64_t *t, const char **why);

/*
 * A duration as the parsers read it back, in its largest whole unit
 * ("30d", "1h", "1500ms"), into buf. Returns buf.
 */
const char *value_duration_str(int64_t ms, char *buf, size_t sz);

#endif
