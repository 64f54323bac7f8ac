/*
 * ehlo.h - EHLO capability parsing (RFC 5321 4.1.1.1 and the extension
 * RFCs). Fed one reply line at a time, so nothing but the result is kept.
 */
#ifndef SMTPROBE_EHLO_H
#define SMTPROBE_EHLO_H

#include <stddef.h>
#include <stdint.h>

#define EHLO_STARTTLS		0x0001	/* RFC 3207 */
#define EHLO_SIZE		0x0002	/* RFC 1870 */
#define EHLO_PIPELINING		0x0004	/* RFC 2920 */
#define EHLO_8BITMIME		0x0008	/* RFC 6152 */
#define EHLO_SMTPUTF8		0x0010	/* RFC 6531 */
#define EHLO_CHUNKING		0x0020	/* RFC 3030 */
#define EHLO_ENHANCEDSTATUSCODES 0x0040	/* RFC 2034 */
#define EHLO_AUTH		0x0080	/* RFC 4954 */
#define EHLO_REQUIRETLS		0x0100	/* RFC 8689 */
#define EHLO_DSN		0x0200	/* RFC 3461 */

#define EHLO_AUTH_MAX		128	/* bytes of AUTH mechanism list kept */
#define EHLO_NAME_MAX		255	/* bytes of the server's EHLO name kept */

struct ehlo_caps {
	uint32_t	 flags;			/* EHLO_* bits */
	uint64_t	 size;			/* SIZE value, 0 when none or unlimited */
	int		 size_given;		/* SIZE came with a number */
	char		 auth[EHLO_AUTH_MAX + 1]; /* mechanisms, space separated, upper case */
	char		 name[EHLO_NAME_MAX + 1]; /* domain from the first line */
	int		 nlines;		/* lines seen */
};

void		 ehlo_init(struct ehlo_caps *);

/*
 * Feed one line of a 250 EHLO reply (the whole line, code included, no
 * CRLF). The first line carries the server's name; later lines each
 * carry one keyword with parameters. Unknown keywords are ignored.
 */
void		 ehlo_feed(struct ehlo_caps *, const char *line, size_t len);

/* Does the AUTH list contain a mechanism sending the password in clear? */
int		 ehlo_auth_plaintext(const struct ehlo_caps *);

/* Names of the flags set, space separated, into buf. */
const char	*ehlo_flags_str(uint32_t flags, char *buf, size_t sz);

/* Name of a single flag, or NULL. */
const char	*ehlo_flag_name(uint32_t flag);

#endif
