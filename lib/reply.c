/*
 * reply.c - strict SMTP reply parsing.
 *
 * RFC 5321 4.2: Reply-code is %x32-35 %x30-35 %x30-39, then "-" on every
 * line but the last and SP (or nothing) on the last; every line of a
 * multi-line reply carries the same code. Text is TAB and %d32-126; we
 * tolerate 8-bit bytes (SMTPUTF8 servers send them) but not other control
 * bytes, which have no business in a reply and corrupt logs.
 */
#include <stdio.h>
#include <string.h>

#include "reply.h"
#include "util.h"

void
reply_init(struct reply *r)
{
	r->code = 0;
	memset(&r->enh, 0, sizeof(r->enh));
	r->nlines = 0;
	r->textlen = 0;
	r->text[0] = '\0';
	r->rawlen = 0;
	r->raw[0] = '\0';
	r->enh_written[0] = '\0';
}

static int
digits(const char *s, size_t len, size_t *used, int *val)
{
	size_t	 i;
	int	 v = 0;

	for (i = 0; i < len && i < 3 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	if (i == 0 || (i < len && s[i] >= '0' && s[i] <= '9'))
		return -1;
	*used = i;
	*val = v;
	return 0;
}

size_t
reply_enhcode_parse(const char *s, size_t len, int code_class,
    struct enhcode *e)
{
	size_t	 off = 0, n;
	int	 cls, sub, det;

	if (len < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') ||
	    s[1] != '.')
		return 0;
	cls = s[0] - '0';
	off = 2;
	if (digits(s + off, len - off, &n, &sub) == -1)
		return 0;
	off += n;
	if (off >= len || s[off] != '.')
		return 0;
	off++;
	if (digits(s + off, len - off, &n, &det) == -1)
		return 0;
	off += n;
	if (off < len && s[off] != ' ')
		return 0;
	if (code_class != 0 && code_class != cls)
		return 0;
	if (off < len)
		off++;
	e->cls = cls;
	e->subject = sub;
	e->detail = det;
	return off;
}

const char *
reply_enhcode_str(const struct enhcode *e, char *buf, size_t sz)
{
	if (e->cls == 0)
		util_strlcpy(buf, "", sz);
	else
		snprintf(buf, sz, "%d.%d.%d", e->cls, e->subject, e->detail);
	return buf;
}

const char *
reply_line_text(const char *line, size_t len, size_t *outlen)
{
	struct enhcode	 e;
	size_t		 off;

	if (len <= 4) {
		*outlen = 0;
		return line + len;
	}
	off = 4;
	off += reply_enhcode_parse(line + off, len - off, line[0] - '0', &e);
	*outlen = len - off;
	return line + off;
}

static void
append_text(struct reply *r, const char *t, size_t n)
{
	size_t	 room;

	if (r->textlen >= REPLY_TEXT_MAX || n == 0)
		return;
	if (r->textlen > 0) {
		room = REPLY_TEXT_MAX - r->textlen;
		if (room < 4) {
			/* no room for " / " and a byte: show the cut */
			memcpy(r->text + REPLY_TEXT_MAX - 3, "...", 4);
			r->textlen = REPLY_TEXT_MAX;
			return;
		}
		memcpy(r->text + r->textlen, " / ", 3);
		r->textlen += 3;
	}
	room = REPLY_TEXT_MAX + 1 - r->textlen;
	r->textlen += util_sanitize_buf(r->text + r->textlen, room, t, n);
}

/*
 * Keep a refusal's text as sent for the knowledge base: the line after
 * its codes (an enhanced code of any class), control bytes but TAB
 * dropped (reply_feed refused the rest), 8-bit bytes kept.
 */
static void
append_raw(struct reply *r, const char *line, size_t len)
{
	struct enhcode	 e;
	size_t		 off = len > 4 ? 4 : len, i;

	off += reply_enhcode_parse(line + off, len - off, 0, &e);
	/* a space: providers wrap one sentence over several lines */
	if (r->rawlen > 0 && r->rawlen < REPLY_RAW_MAX)
		r->raw[r->rawlen++] = ' ';
	for (i = off; i < len && r->rawlen < REPLY_RAW_MAX; i++)
		r->raw[r->rawlen++] = line[i];
	r->raw[r->rawlen] = '\0';
}

enum reply_status
reply_feed(struct reply *r, const char *line, size_t len, const char **why)
{
	const char	*t;
	size_t		 i, tlen;
	int		 code;
	char		 sep;

	*why = NULL;
	if (len > REPLY_LINE_MAX)
		return REPLY_TOO_LONG;
	if (r->nlines >= REPLY_LINES_MAX)
		return REPLY_TOO_MANY;
	if (len < 3) {
		*why = "line shorter than a reply code";
		return REPLY_MALFORMED;
	}
	if (line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '5' ||
	    line[2] < '0' || line[2] > '9') {
		*why = "reply code is not three digits 2-5, 0-5, 0-9";
		return REPLY_MALFORMED;
	}
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	sep = len > 3 ? line[3] : ' ';
	if (sep != ' ' && sep != '-') {
		*why = "no space or hyphen after the reply code";
		return REPLY_MALFORMED;
	}
	if (r->nlines > 0 && code != r->code) {
		*why = "lines of a multi-line reply carry different codes";
		return REPLY_MALFORMED;
	}
	for (i = 4; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			*why = "control byte in reply text";
			return REPLY_MALFORMED;
		}
	}
	if (r->nlines == 0) {
		struct enhcode	 any;

		r->code = code;
		if (len > 4) {
			reply_enhcode_parse(line + 4, len - 4, line[0] - '0',
			    &r->enh);
			/* 451 5.7.3: the class disagrees; kept as written */
			if (reply_enhcode_parse(line + 4, len - 4, 0, &any) > 0)
				reply_enhcode_str(&any, r->enh_written,
				    sizeof(r->enh_written));
		}
	}
	if (code >= 400)
		append_raw(r, line, len);
	r->nlines++;
	t = reply_line_text(line, len, &tlen);
	append_text(r, t, tlen);
	return sep == '-' ? REPLY_MORE : REPLY_DONE;
}
