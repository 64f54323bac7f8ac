/*
 * reply.h - SMTP reply parsing (RFC 5321 4.2) with RFC 3463 enhanced
 * status codes. The parser is fed one line at a time (without CRLF) and
 * keeps only bounded state: no allocation per line or per byte.
 */
#ifndef SMTPROBE_REPLY_H
#define SMTPROBE_REPLY_H

#include <stddef.h>

/* Hard bounds: a longer line or reply is a finding, not an overrun. */
#define REPLY_LINE_MAX		4096	/* bytes in one reply line, CRLF excluded */
#define REPLY_LINES_MAX		100	/* lines in one reply */
#define REPLY_TEXT_MAX		512	/* sanitised text kept per reply */
#define REPLY_RAW_MAX		1024	/* raw text kept of a 4xx/5xx reply */

/* An RFC 3463 enhanced status code, class.subject.detail. */
struct enhcode {
	int	 cls;		/* 2, 4 or 5; 0 when absent */
	int	 subject;	/* 0..999 */
	int	 detail;	/* 0..999 */
};

struct reply {
	int		 code;		/* three-digit code, e.g. 250 */
	struct enhcode	 enh;		/* from the first line; cls 0 if none */
	int		 nlines;	/* lines seen */
	size_t		 textlen;
	char		 text[REPLY_TEXT_MAX + 1]; /* sanitised, lines joined by " / " */
	/*
	 * A 4xx or 5xx reply's text as sent (8-bit bytes kept: UTF-8 or
	 * GBK; control bytes dropped), every line after its codes, lines
	 * joined by a space, cut at REPLY_RAW_MAX: what the knowledge base of
	 * refusals (replydb.h) matches. Empty for 2xx and 3xx replies.
	 */
	size_t		 rawlen;
	char		 raw[REPLY_RAW_MAX + 1];
	char		 enh_written[16]; /* the enhanced code of the first
					   line as written, even when its
					   class disagrees with the code
					   (451 5.7.3); "" when none */
};

enum reply_status {
	REPLY_MORE,		/* a continuation line was taken: feed the next */
	REPLY_DONE,		/* the last line was taken: the reply is complete */
	REPLY_MALFORMED,	/* the line breaks RFC 5321 4.2 syntax */
	REPLY_TOO_LONG,		/* the line is over REPLY_LINE_MAX */
	REPLY_TOO_MANY,		/* the reply is over REPLY_LINES_MAX lines */
};

/* Reset a reply before feeding the first line of the next one. */
void		 reply_init(struct reply *);

/*
 * Feed one line (without its CRLF). The text after the code of each line
 * is appended to r->text (bounded). On REPLY_MALFORMED the reason is put
 * in *why (a static string).
 */
enum reply_status reply_feed(struct reply *r, const char *line, size_t len,
		    const char **why);

/*
 * Parse an enhanced status code at the start of s (len bytes): digits,
 * dots, then a space or the end. Class must be 2, 4 or 5 and match
 * the reply's first digit when code_class is not 0. Returns the bytes
 * consumed (code and trailing space) or 0 when there is no valid code.
 */
size_t		 reply_enhcode_parse(const char *s, size_t len, int code_class,
		    struct enhcode *);

/* Format "4.7.1" (or "" when absent) into buf. */
const char	*reply_enhcode_str(const struct enhcode *, char *buf, size_t sz);

/* Text of the line after "NNN-" or "NNN " (and after an enhanced code). */
const char	*reply_line_text(const char *line, size_t len, size_t *outlen);

#endif
