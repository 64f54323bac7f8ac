/*
 * test_reply.c - unit tests of lib/reply.c: the RFC 5321 4.2 line
 * parser, RFC 3463 enhanced codes and text bounding (what a refusal
 * means is tested in test_replydb.c). Tables first, one test function
 * per table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reply.h"

/* A byte string with its length, so tables can hold NUL bytes. */
struct bytes {
	const char	*s;
	size_t		 len;
};
#define B(lit)	{ (lit), sizeof(lit) - 1 }
#define BEND	{ NULL, 0 }

#define LINES_MAX_CASE	6

/*
 * One reply fed line by line. Every line but the last must answer
 * REPLY_MORE; the last answers want. For REPLY_MALFORMED, why is a
 * substring of the reason; the reply must then hold the state from the
 * lines before.
 */
struct feed_case {
	const char		*name;
	struct bytes		 lines[LINES_MAX_CASE + 1];
	enum reply_status	 want;
	int			 code;
	const char		*enh;
	int			 nlines;
	const char		*text;
	const char		*why;
};

static const struct feed_case feed_cases[] = {
	/* well-formed single-line replies */
	{ "greeting", { B("220 mx.example.com ESMTP Postfix"), BEND },
	    REPLY_DONE, 220, "", 1, "mx.example.com ESMTP Postfix", NULL },
	{ "enhanced", { B("250 2.1.0 Ok"), BEND },
	    REPLY_DONE, 250, "2.1.0", 1, "Ok", NULL },
	{ "code only", { B("250"), BEND },
	    REPLY_DONE, 250, "", 1, "", NULL },
	{ "code and space", { B("250 "), BEND },
	    REPLY_DONE, 250, "", 1, "", NULL },
	{ "enhanced code only", { B("250 2.0.0"), BEND },
	    REPLY_DONE, 250, "2.0.0", 1, "", NULL },
	{ "354 has no enhanced class", { B("354 3.0.0 go ahead"), BEND },
	    REPLY_DONE, 354, "", 1, "3.0.0 go ahead", NULL },
	{ "lowest code", { B("200 x"), BEND },
	    REPLY_DONE, 200, "", 1, "x", NULL },
	{ "highest code", { B("559 x"), BEND },
	    REPLY_DONE, 559, "", 1, "x", NULL },
	{ "421 rate limit", { B("421 4.7.0 Try again later, closing connection."), BEND },
	    REPLY_DONE, 421, "4.7.0", 1, "Try again later, closing connection.", NULL },
	{ "enhanced class mismatch kept as text", { B("550 4.7.1 No"), BEND },
	    REPLY_DONE, 550, "", 1, "4.7.1 No", NULL },
	{ "enhanced trailing garbage kept as text", { B("250 2.1.0x Ok"), BEND },
	    REPLY_DONE, 250, "", 1, "2.1.0x Ok", NULL },

	/* multi-line replies */
	{ "ehlo", { B("250-mx.example.com"), B("250-PIPELINING"),
	    B("250-SIZE 10240000"), B("250 8BITMIME"), BEND },
	    REPLY_DONE, 250, "", 4,
	    "mx.example.com / PIPELINING / SIZE 10240000 / 8BITMIME", NULL },
	{ "multi-line enhanced", { B("550-5.7.1 first"), B("550 5.7.1 second"), BEND },
	    REPLY_DONE, 550, "5.7.1", 2, "first / second", NULL },
	{ "enhanced from the first line only", { B("550-5.7.1 first"),
	    B("550 5.7.2 second"), BEND },
	    REPLY_DONE, 550, "5.7.1", 2, "first / second", NULL },
	{ "enhanced on a later line only", { B("451-first"), B("451 4.7.1 second"), BEND },
	    REPLY_DONE, 451, "", 2, "first / second", NULL },
	{ "last line 250 without text", { B("250-mx.example.com"), B("250"), BEND },
	    REPLY_DONE, 250, "", 2, "mx.example.com", NULL },
	{ "empty first line text", { B("250-"), B("250 Ok"), BEND },
	    REPLY_DONE, 250, "", 2, "Ok", NULL },
	{ "unterminated", { B("250-a"), B("250-b"), BEND },
	    REPLY_MORE, 250, "", 2, "a / b", NULL },

	/* bad codes */
	{ "empty line", { B(""), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "shorter" },
	{ "two bytes", { B("25"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "shorter" },
	{ "two digits and space", { B("25 Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "three digits" },
	{ "letter in code", { B("2x0 Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "three digits" },
	{ "first digit 6", { B("600 Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "three digits" },
	{ "first digit 1", { B("199 Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "three digits" },
	{ "first digit 0", { B("050 Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "three digits" },
	{ "second digit 6", { B("260 Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "three digits" },
	{ "third digit letter", { B("25a Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "three digits" },
	{ "leading space", { B(" 250 Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "three digits" },
	{ "text only", { B("Hello there"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "three digits" },

	/* bad separators */
	{ "four digits", { B("2500 Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "space or hyphen" },
	{ "letter separator", { B("250x Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "space or hyphen" },
	{ "underscore separator", { B("250_Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "space or hyphen" },
	{ "tab separator", { B("250\tOk"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "space or hyphen" },
	{ "CR separator", { B("250\r"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "space or hyphen" },
	{ "bad separator on a continuation", { B("250-a"), B("250+b"), BEND },
	    REPLY_MALFORMED, 250, "", 1, "a", "space or hyphen" },

	/* mixed codes across lines */
	{ "mixed codes", { B("250-a"), B("251 b"), BEND },
	    REPLY_MALFORMED, 250, "", 1, "a", "different codes" },
	{ "mixed classes", { B("250-a"), B("550 b"), BEND },
	    REPLY_MALFORMED, 250, "", 1, "a", "different codes" },
	{ "mixed codes on the third line", { B("220-a"), B("220-b"), B("221 c"), BEND },
	    REPLY_MALFORMED, 220, "", 2, "a / b", "different codes" },

	/* control bytes */
	{ "CR in text", { B("250 a\rb"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "control byte" },
	{ "LF in text", { B("250 a\nb"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "control byte" },
	{ "NUL in text", { B("250 a\0b"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "control byte" },
	{ "SOH in text", { B("250 a\x01" "b"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "control byte" },
	{ "ESC in text", { B("250 \x1b[31mred"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "control byte" },
	{ "DEL in text", { B("250 a\x7f"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "control byte" },
	{ "control byte in enhanced code", { B("250 2.\x01.0 Ok"), BEND },
	    REPLY_MALFORMED, 0, "", 0, "", "control byte" },
	{ "control byte on a continuation", { B("250-a"), B("250 b\x07"), BEND },
	    REPLY_MALFORMED, 250, "", 1, "a", "control byte" },

	/* tolerated bytes are sanitised in the text */
	{ "TAB in text", { B("250 a\tb"), BEND },
	    REPLY_DONE, 250, "", 1, "a?b", NULL },
	{ "UTF-8 in text", { B("250 caf\xc3\xa9 ok"), BEND },
	    REPLY_DONE, 250, "", 1, "caf? ok", NULL },
	{ "8-bit run", { B("250 \x80\x81\x82\xff"), BEND },
	    REPLY_DONE, 250, "", 1, "?", NULL },
	{ "literal question marks kept", { B("250 why??"), BEND },
	    REPLY_DONE, 250, "", 1, "why??", NULL },
};

static void
fail_row(const char *row, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void
fail_row(const char *row, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("row \"%s\": %s", row, msg);
	abort();	/* not reached: fail_msg longjmps */
}

/* The reply's invariants, whatever was fed. */
static void
check_invariants(const char *row, const struct reply *r)
{
	if (r->textlen > REPLY_TEXT_MAX)
		fail_row(row, "textlen %zu over %d", r->textlen, REPLY_TEXT_MAX);
	if (strlen(r->text) != r->textlen)
		fail_row(row, "strlen(text) %zu != textlen %zu",
		    strlen(r->text), r->textlen);
	if (r->nlines < 0 || r->nlines > REPLY_LINES_MAX)
		fail_row(row, "nlines %d", r->nlines);
	for (size_t i = 0; i < r->textlen; i++)
		if ((unsigned char)r->text[i] < 0x20 ||
		    (unsigned char)r->text[i] > 0x7e)
			fail_row(row, "byte 0x%02x at %zu of the text",
			    (unsigned char)r->text[i], i);
}

static void
test_feed_table(void **state)
{
	(void)state;
	for (size_t t = 0; t < sizeof(feed_cases) / sizeof(feed_cases[0]); t++) {
		const struct feed_case	*c = &feed_cases[t];
		struct reply		 r;
		enum reply_status	 st = REPLY_MORE;
		const char		*why = NULL;
		char			 enh[32];
		size_t			 i;

		reply_init(&r);
		for (i = 0; c->lines[i].s != NULL; i++) {
			char	*copy;

			/* exact-size copy: an over-read shows under ASan */
			if ((copy = malloc(c->lines[i].len + 1)) == NULL)
				fail_row(c->name, "malloc");
			memcpy(copy, c->lines[i].s, c->lines[i].len);
			st = reply_feed(&r, copy, c->lines[i].len, &why);
			free(copy);
			if (c->lines[i + 1].s != NULL && st != REPLY_MORE)
				fail_row(c->name, "line %zu: status %d, want MORE",
				    i, st);
		}
		if (st != c->want)
			fail_row(c->name, "status %d, want %d", st, c->want);
		if (r.code != c->code)
			fail_row(c->name, "code %d, want %d", r.code, c->code);
		if (r.nlines != c->nlines)
			fail_row(c->name, "nlines %d, want %d", r.nlines,
			    c->nlines);
		reply_enhcode_str(&r.enh, enh, sizeof(enh));
		if (strcmp(enh, c->enh) != 0)
			fail_row(c->name, "enhanced \"%s\", want \"%s\"", enh,
			    c->enh);
		if (strcmp(r.text, c->text) != 0)
			fail_row(c->name, "text \"%s\", want \"%s\"", r.text,
			    c->text);
		if (c->why == NULL && why != NULL)
			fail_row(c->name, "why \"%s\", want none", why);
		if (c->why != NULL &&
		    (why == NULL || strstr(why, c->why) == NULL))
			fail_row(c->name, "why \"%s\", want \"%s\"",
			    why ? why : "(null)", c->why);
		check_invariants(c->name, &r);
	}
}

/* Fill buf with "250-" or "250 " and pad to len bytes with 'a'. */
static void
make_line(char *buf, size_t len, char sep)
{
	memcpy(buf, "250", 3);
	buf[3] = sep;
	memset(buf + 4, 'a', len - 4);
}

static void
test_line_length(void **state)
{
	struct reply	 r;
	const char	*why;
	char		*buf;

	(void)state;
	if ((buf = malloc(REPLY_LINE_MAX + 1)) == NULL)
		fail();

	/* exactly REPLY_LINE_MAX bytes is still a line */
	make_line(buf, REPLY_LINE_MAX, ' ');
	reply_init(&r);
	assert_int_equal(reply_feed(&r, buf, REPLY_LINE_MAX, &why), REPLY_DONE);
	assert_null(why);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.nlines, 1);
	check_invariants("4096", &r);

	/* one more byte is too long, and leaves the reply untouched */
	make_line(buf, REPLY_LINE_MAX + 1, ' ');
	reply_init(&r);
	assert_int_equal(reply_feed(&r, buf, REPLY_LINE_MAX + 1, &why),
	    REPLY_TOO_LONG);
	assert_int_equal(r.nlines, 0);
	assert_int_equal(r.code, 0);
	assert_int_equal(r.textlen, 0);

	/* too long wins over malformed: the length is checked first */
	memset(buf, 'x', REPLY_LINE_MAX + 1);
	reply_init(&r);
	assert_int_equal(reply_feed(&r, buf, REPLY_LINE_MAX + 1, &why),
	    REPLY_TOO_LONG);

	/* a too-long continuation keeps the lines before it */
	reply_init(&r);
	assert_int_equal(reply_feed(&r, "250-first", 9, &why), REPLY_MORE);
	make_line(buf, REPLY_LINE_MAX + 1, ' ');
	assert_int_equal(reply_feed(&r, buf, REPLY_LINE_MAX + 1, &why),
	    REPLY_TOO_LONG);
	assert_int_equal(r.nlines, 1);
	assert_string_equal(r.text, "first");
	free(buf);
}

static void
test_line_count(void **state)
{
	struct reply	 r;
	const char	*why;
	int		 i;

	(void)state;
	/* exactly REPLY_LINES_MAX lines */
	reply_init(&r);
	for (i = 0; i < REPLY_LINES_MAX - 1; i++)
		assert_int_equal(reply_feed(&r, "250-x", 5, &why), REPLY_MORE);
	assert_int_equal(reply_feed(&r, "250 end", 7, &why), REPLY_DONE);
	assert_int_equal(r.nlines, REPLY_LINES_MAX);
	check_invariants("100 lines", &r);

	/* line REPLY_LINES_MAX + 1 is one too many */
	reply_init(&r);
	for (i = 0; i < REPLY_LINES_MAX; i++)
		assert_int_equal(reply_feed(&r, "250-x", 5, &why), REPLY_MORE);
	assert_int_equal(reply_feed(&r, "250 end", 7, &why), REPLY_TOO_MANY);
	assert_int_equal(r.nlines, REPLY_LINES_MAX);
	/* and stays so for any further line, well-formed or not */
	assert_int_equal(reply_feed(&r, "junk", 4, &why), REPLY_TOO_MANY);
	check_invariants("101 lines", &r);

	/* reply_init starts over */
	reply_init(&r);
	assert_int_equal(reply_feed(&r, "221 bye", 7, &why), REPLY_DONE);
	assert_int_equal(r.code, 221);
	assert_int_equal(r.nlines, 1);
	assert_string_equal(r.text, "bye");
}

/* reply_feed must not read past len: the rest of the buffer is junk. */
static void
test_feed_bounded(void **state)
{
	struct reply	 r;
	const char	*why;

	(void)state;
	reply_init(&r);
	assert_int_equal(reply_feed(&r, "250 Ok\r\nJUNK", 6, &why), REPLY_DONE);
	assert_string_equal(r.text, "Ok");
	reply_init(&r);
	assert_int_equal(reply_feed(&r, "250-\x01", 4, &why), REPLY_MORE);
	reply_init(&r);
	assert_int_equal(reply_feed(&r, "250x", 3, &why), REPLY_DONE);
	assert_int_equal(r.code, 250);
	reply_init(&r);
	assert_int_equal(reply_feed(&r, "250 5.1.1 x", 5, &why), REPLY_DONE);
	assert_string_equal(r.text, "5");
}

struct enh_case {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	int		 code_class;
	size_t		 want;		/* bytes consumed, 0: rejected */
	int		 cls, subject, detail;
};

static const struct enh_case enh_cases[] = {
	{ "2.0.0 Ok",		0, 2, 6, 2, 0, 0 },
	{ "2.0.0",		0, 2, 5, 2, 0, 0 },
	{ "4.7.0",		0, 4, 5, 4, 7, 0 },
	{ "5.7.1 Relay denied",	0, 5, 6, 5, 7, 1 },
	{ "5.1.10 x",		0, 5, 7, 5, 1, 10 },
	{ "4.7.500 busy",	0, 4, 8, 4, 7, 500 },
	{ "5.999.999 x",	0, 5, 10, 5, 999, 999 },
	{ "5.01.001 x",		0, 5, 9, 5, 1, 1 },
	{ "5.1.1 x",		0, 0, 6, 5, 1, 1 },	/* no class check */
	{ "5.1.12",		5, 5, 5, 5, 1, 1 },	/* len stops the detail */
	{ "5.1.1",		4, 5, 0, 0, 0, 0 },	/* len cuts the detail */
	/* class */
	{ "5.1.1 x",		0, 4, 0, 0, 0, 0 },
	{ "4.1.1 x",		0, 5, 0, 0, 0, 0 },
	{ "2.1.1 x",		0, 5, 0, 0, 0, 0 },
	{ "3.0.0 x",		0, 3, 0, 0, 0, 0 },
	{ "3.0.0 x",		0, 0, 0, 0, 0, 0 },
	{ "1.0.0 x",		0, 0, 0, 0, 0, 0 },
	{ "6.0.0 x",		0, 0, 0, 0, 0, 0 },
	{ "51.1.1 x",		0, 5, 0, 0, 0, 0 },
	{ ".1.1 x",		0, 5, 0, 0, 0, 0 },
	/* missing or long fields */
	{ "5.1 x",		0, 5, 0, 0, 0, 0 },
	{ "5.1",		0, 5, 0, 0, 0, 0 },
	{ "5.1. x",		0, 5, 0, 0, 0, 0 },
	{ "5..1 x",		0, 5, 0, 0, 0, 0 },
	{ "5.1.",		0, 5, 0, 0, 0, 0 },
	{ "5.",			0, 5, 0, 0, 0, 0 },
	{ "",			0, 5, 0, 0, 0, 0 },
	{ "5.1000.1 x",		0, 5, 0, 0, 0, 0 },
	{ "5.1.1000 x",		0, 5, 0, 0, 0, 0 },
	{ "5.1.1.1 x",		0, 5, 0, 0, 0, 0 },
	/* trailing garbage */
	{ "5.1.1x",		0, 5, 0, 0, 0, 0 },
	{ "5.1.1.",		0, 5, 0, 0, 0, 0 },
	{ "5.1.1-",		0, 5, 0, 0, 0, 0 },
	{ "5.1.1\tx",		0, 5, 0, 0, 0, 0 },
	{ "5.1.1:",		0, 5, 0, 0, 0, 0 },
	{ "5.a.1 x",		0, 5, 0, 0, 0, 0 },
	{ "5.1.a x",		0, 5, 0, 0, 0, 0 },
	{ "5 1 1 x",		0, 5, 0, 0, 0, 0 },
};

static void
test_enhcode_parse(void **state)
{
	(void)state;
	for (size_t t = 0; t < sizeof(enh_cases) / sizeof(enh_cases[0]); t++) {
		const struct enh_case	*c = &enh_cases[t];
		struct enhcode		 e = { -1, -1, -1 };
		size_t			 len, got;
		char			*copy;

		len = c->len ? c->len : strlen(c->in);
		if ((copy = malloc(len + 1)) == NULL)
			fail();
		memcpy(copy, c->in, len);
		got = reply_enhcode_parse(copy, len, c->code_class, &e);
		free(copy);
		if (got != c->want)
			fail_row(c->in, "class %d: consumed %zu, want %zu",
			    c->code_class, got, c->want);
		if (c->want == 0) {
			/* a rejected code leaves the struct alone */
			if (e.cls != -1 || e.subject != -1 || e.detail != -1)
				fail_row(c->in, "struct written on rejection");
			continue;
		}
		if (e.cls != c->cls || e.subject != c->subject ||
		    e.detail != c->detail)
			fail_row(c->in, "got %d.%d.%d, want %d.%d.%d", e.cls,
			    e.subject, e.detail, c->cls, c->subject, c->detail);
	}
}

static void
test_enhcode_str(void **state)
{
	struct enhcode	 none = { 0, 0, 0 }, e471 = { 4, 7, 1 },
			 big = { 5, 999, 999 };
	char		 buf[16], small[4];

	(void)state;
	assert_string_equal(reply_enhcode_str(&e471, buf, sizeof(buf)), "4.7.1");
	assert_string_equal(reply_enhcode_str(&big, buf, sizeof(buf)),
	    "5.999.999");
	memset(buf, 'x', sizeof(buf));
	assert_string_equal(reply_enhcode_str(&none, buf, sizeof(buf)), "");
	/* bounded by the buffer and returns it */
	assert_ptr_equal(reply_enhcode_str(&big, small, sizeof(small)), small);
	assert_string_equal(small, "5.9");
}

struct text_case {
	const char	*line;
	const char	*want;
};

static const struct text_case text_cases[] = {
	{ "250 Ok",			"Ok" },
	{ "250-2.1.0 Ok",		"Ok" },
	{ "250 2.1.0",			"" },
	{ "250 2.1.0 ",			"" },
	{ "250",			"" },
	{ "250 ",			"" },
	{ "250-",			"" },
	{ "550 2.1.0 wrong class",	"2.1.0 wrong class" },
	{ "550 5.1.1x garbage",		"5.1.1x garbage" },
	{ "250  two spaces",		" two spaces" },
};

static void
test_line_text(void **state)
{
	(void)state;
	for (size_t t = 0; t < sizeof(text_cases) / sizeof(text_cases[0]); t++) {
		const struct text_case	*c = &text_cases[t];
		size_t			 len = strlen(c->line), outlen = 99;
		const char		*p;

		p = reply_line_text(c->line, len, &outlen);
		if (p < c->line || p + outlen != c->line + len)
			fail_row(c->line, "text not a suffix of the line");
		if (outlen != strlen(c->want) ||
		    memcmp(p, c->want, outlen) != 0)
			fail_row(c->line, "text \"%.*s\", want \"%s\"",
			    (int)outlen, p, c->want);
	}
}

/* Text bounding: REPLY_TEXT_MAX bytes, a cut ends in "...". */
static void
test_text_bound(void **state)
{
	struct reply	 r;
	const char	*why;
	char		 line[REPLY_TEXT_MAX * 2], want[REPLY_TEXT_MAX + 1];
	size_t		 n;

	(void)state;
	/* text of exactly REPLY_TEXT_MAX bytes is kept whole */
	make_line(line, 4 + REPLY_TEXT_MAX, ' ');
	reply_init(&r);
	assert_int_equal(reply_feed(&r, line, 4 + REPLY_TEXT_MAX, &why),
	    REPLY_DONE);
	assert_int_equal(r.textlen, REPLY_TEXT_MAX);
	assert_int_equal(r.text[REPLY_TEXT_MAX - 1], 'a');
	check_invariants("512", &r);

	/* one more byte is cut, ending in "..." */
	make_line(line, 4 + REPLY_TEXT_MAX + 1, ' ');
	reply_init(&r);
	assert_int_equal(reply_feed(&r, line, 4 + REPLY_TEXT_MAX + 1, &why),
	    REPLY_DONE);
	assert_int_equal(r.textlen, REPLY_TEXT_MAX);
	memset(want, 'a', REPLY_TEXT_MAX - 3);
	memcpy(want + REPLY_TEXT_MAX - 3, "...", 4);
	assert_string_equal(r.text, want);

	/* a second line cut to fit after " / " */
	n = REPLY_TEXT_MAX - 7;
	make_line(line, 4 + n, '-');
	reply_init(&r);
	assert_int_equal(reply_feed(&r, line, 4 + n, &why), REPLY_MORE);
	assert_int_equal(reply_feed(&r, "250 bcdefgh", 11, &why), REPLY_DONE);
	assert_int_equal(r.textlen, REPLY_TEXT_MAX);
	assert_string_equal(r.text + n, " / b...");
	check_invariants("cut second line", &r);

	/*
	 * Little room left after the first line. Whatever happens, text and
	 * textlen agree; with no room for " / " and a byte the cut shows as
	 * "..." at the end.
	 */
	{
		static const struct {
			size_t		 n;	/* bytes of text on the first line */
			size_t		 keep;	/* of them kept */
			const char	*tail;	/* what follows */
		} room[] = {
			{ REPLY_TEXT_MAX - 7, REPLY_TEXT_MAX - 7, " / m..." },
			{ REPLY_TEXT_MAX - 6, REPLY_TEXT_MAX - 6, " / mor" },
			{ REPLY_TEXT_MAX - 5, REPLY_TEXT_MAX - 5, " / mo" },
			{ REPLY_TEXT_MAX - 4, REPLY_TEXT_MAX - 4, " / m" },
			{ REPLY_TEXT_MAX - 3, REPLY_TEXT_MAX - 3, "..." },
			{ REPLY_TEXT_MAX - 2, REPLY_TEXT_MAX - 3, "..." },
			{ REPLY_TEXT_MAX - 1, REPLY_TEXT_MAX - 3, "..." },
			{ REPLY_TEXT_MAX, REPLY_TEXT_MAX, "" },
		};

		for (size_t t = 0; t < sizeof(room) / sizeof(room[0]); t++) {
			char	 row[32];

			n = room[t].n;
			snprintf(row, sizeof(row), "first line %zu", n);
			make_line(line, 4 + n, '-');
			reply_init(&r);
			assert_int_equal(reply_feed(&r, line, 4 + n, &why),
			    REPLY_MORE);
			assert_int_equal(reply_feed(&r, "250-moremore", 12, &why),
			    REPLY_MORE);
			assert_int_equal(reply_feed(&r, "250 end", 7, &why),
			    REPLY_DONE);
			assert_int_equal(r.nlines, 3);
			check_invariants(row, &r);
			if (r.textlen != REPLY_TEXT_MAX)
				fail_row(row, "textlen %zu", r.textlen);
			memset(want, 'a', room[t].keep);
			want[room[t].keep] = '\0';
			if (strncmp(r.text, want, room[t].keep) != 0 ||
			    strcmp(r.text + room[t].keep, room[t].tail) != 0)
				fail_row(row, "text ends \"%s\", want \"%s\"",
				    r.text + room[t].keep, room[t].tail);
		}
	}

	/* many short lines fill the text and stop cleanly */
	reply_init(&r);
	for (n = 0; n < 60; n++)
		assert_int_equal(reply_feed(&r, "250-0123456789", 14, &why),
		    REPLY_MORE);
	assert_int_equal(reply_feed(&r, "250 0123456789", 14, &why), REPLY_DONE);
	assert_int_equal(r.nlines, 61);
	check_invariants("many lines", &r);
	/* 39 lines take 39 * 10 + 38 * 3 = 504 bytes; the 40th is cut */
	assert_int_equal(r.textlen, REPLY_TEXT_MAX);
	assert_string_equal(r.text + 504, " / 01...");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_table),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_line_count),
		cmocka_unit_test(test_feed_bounded),
		cmocka_unit_test(test_enhcode_parse),
		cmocka_unit_test(test_enhcode_str),
		cmocka_unit_test(test_line_text),
		cmocka_unit_test(test_text_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
