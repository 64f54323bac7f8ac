/*
 * fuzz_reply.c - libFuzzer harness for lib/reply.c.
 *
 * The input is a server's byte stream: split on LF (a CR before it is
 * dropped, as the transport does), each line fed to reply_feed from an
 * exact-size heap copy so that any read past len trips ASan. A reply
 * that completes or fails is checked and the parser started over, as
 * the session engine does. Every complete 4xx/5xx reply is also
 * classified by the knowledge base of refusals (replydb.h), and the
 * whole input once more as one free-text refusal, as `smtprobe explain`
 * does. Invariant breaks abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "replydb.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_match(int code, int rc, const struct replydb_match *m)
{
	char	 label[256];

	if (rc == -1) {
		if (code >= 400 && code <= 599)
			abort();
		return;
	}
	if (code < 400 || m->cause >= F_COUNT || m->remedy == NULL ||
	    m->source == NULL || m->meaning == NULL ||
	    (m->level == REPLYDB_ROW) != (m->row != NULL) ||
	    m->permanent != (code >= 500))
		abort();
	replydb_label(m, label, sizeof(label));
}

static void
check(const struct reply *r)
{
	struct replydb_match	 m;
	char			 buf[32];
	size_t			 i;

	if (r->textlen > REPLY_TEXT_MAX || strlen(r->text) != r->textlen)
		abort();
	for (i = 0; i < r->textlen; i++)
		if ((unsigned char)r->text[i] < 0x20 ||
		    (unsigned char)r->text[i] > 0x7e)
			abort();
	if (r->nlines < 0 || r->nlines > REPLY_LINES_MAX)
		abort();
	if (r->nlines > 0 && (r->code < 200 || r->code > 559))
		abort();
	if (r->enh.cls != 0) {
		if (r->enh.cls != r->code / 100 ||
		    r->enh.subject < 0 || r->enh.subject > 999 ||
		    r->enh.detail < 0 || r->enh.detail > 999)
			abort();
	}
	reply_enhcode_str(&r->enh, buf, sizeof(buf));
	if (r->rawlen > REPLY_RAW_MAX || r->raw[r->rawlen] != '\0')
		abort();
	check_match(r->code, replydb_classify_reply(r, &m), &m);
}

static void
one_line(struct reply *r, const char *line, size_t len)
{
	enum reply_status	 st;
	struct enhcode		 e;
	const char		*why, *t;
	size_t			 n, tlen;
	int			 before = r->nlines;

	/* the helpers on their own, on every line */
	n = reply_enhcode_parse(line, len, 0, &e);
	if (n > len)
		abort();
	t = reply_line_text(line, len, &tlen);
	if (t < line || t + tlen != line + len)
		abort();

	st = reply_feed(r, line, len, &why);
	switch (st) {
	case REPLY_MORE:
		if (why != NULL || r->nlines != before + 1)
			abort();
		check(r);
		break;
	case REPLY_DONE:
		if (why != NULL || r->nlines != before + 1)
			abort();
		check(r);
		reply_init(r);
		break;
	case REPLY_MALFORMED:
		if (why == NULL || r->nlines != before)
			abort();
		check(r);
		reply_init(r);
		break;
	case REPLY_TOO_LONG:
	case REPLY_TOO_MANY:
		if (r->nlines != before)
			abort();
		check(r);
		reply_init(r);
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replydb_match	 m;
	struct reply		 r;
	const uint8_t		*p = data, *end = data + size, *nl;
	char			*line;
	size_t			 len;
	int			 rc;

	/* the whole input as one refusal, code and all, as explain has it */
	if ((line = malloc(size ? size : 1)) == NULL)
		abort();
	memcpy(line, data, size);
	rc = replydb_classify(0, line, size, &m);
	if (rc == 0)
		check_match(m.permanent ? 500 : 400, 0, &m);
	free(line);

	reply_init(&r);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl ? nl : end) - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if ((line = malloc(len ? len : 1)) == NULL)
			abort();
		memcpy(line, p, len);
		one_line(&r, line, len);
		free(line);
		p = nl ? nl + 1 : end;
	}
	return 0;
}
