/*
 * test_ehlo.c - unit tests of lib/ehlo.c: EHLO keywords, SIZE, AUTH
 * lists, plaintext detection, the server name and bounds on hostile
 * lines. Each table row is one EHLO reply fed line by line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ehlo.h"

#define ALL_FLAGS (EHLO_STARTTLS | EHLO_SIZE | EHLO_PIPELINING | \
	EHLO_8BITMIME | EHLO_SMTPUTF8 | EHLO_CHUNKING | \
	EHLO_ENHANCEDSTATUSCODES | EHLO_AUTH | EHLO_REQUIRETLS | EHLO_DSN)

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

/* Feed one line from an exact-size heap copy, so over-reads show. */
static void
feed(struct ehlo_caps *c, const char *line, size_t len)
{
	char	*copy;

	if ((copy = malloc(len + 1)) == NULL)
		fail();
	memcpy(copy, line, len);
	ehlo_feed(c, copy, len);
	free(copy);
}

/* What ehlo_caps must satisfy whatever was fed. */
static void
check_invariants(const char *row, const struct ehlo_caps *c)
{
	size_t	 i;

	if ((c->flags & ~(uint32_t)ALL_FLAGS) != 0)
		fail_row(row, "unknown flag bits 0x%x", c->flags);
	if (strlen(c->auth) > EHLO_AUTH_MAX)
		fail_row(row, "auth is %zu bytes", strlen(c->auth));
	if (strlen(c->name) > EHLO_NAME_MAX)
		fail_row(row, "name is %zu bytes", strlen(c->name));
	if (!c->size_given && c->size != 0)
		fail_row(row, "size %llu without size_given",
		    (unsigned long long)c->size);
	if (c->auth[0] != '\0' && !(c->flags & EHLO_AUTH))
		fail_row(row, "mechanisms without the AUTH flag");
	for (i = 0; c->auth[i] != '\0'; i++)
		if (c->auth[i] < 0x21 && c->auth[i] != ' ')
			fail_row(row, "byte 0x%02x in auth", c->auth[i]);
	if (c->auth[0] == ' ' || (i > 0 && c->auth[i - 1] == ' ') ||
	    strstr(c->auth, "  ") != NULL)
		fail_row(row, "auth \"%s\" badly spaced", c->auth);
	for (i = 0; c->name[i] != '\0'; i++)
		if ((unsigned char)c->name[i] < 0x21 ||
		    (unsigned char)c->name[i] > 0x7e)
			fail_row(row, "byte 0x%02x in name",
			    (unsigned char)c->name[i]);
}

struct ehlo_case {
	const char	*name;
	const char	*lines[10];	/* NULL-terminated */
	uint32_t	 flags;
	unsigned long long size;
	int		 size_given;
	const char	*auth;
	int		 plaintext;
	const char	*server;	/* name kept from the first line */
};

static const struct ehlo_case ehlo_cases[] = {
	/* every keyword alone */
	{ "STARTTLS", { "250-mx", "250 STARTTLS", NULL },
	    EHLO_STARTTLS, 0, 0, "", 0, "mx" },
	{ "SIZE", { "250-mx", "250 SIZE", NULL },
	    EHLO_SIZE, 0, 0, "", 0, "mx" },
	{ "PIPELINING", { "250-mx", "250 PIPELINING", NULL },
	    EHLO_PIPELINING, 0, 0, "", 0, "mx" },
	{ "8BITMIME", { "250-mx", "250 8BITMIME", NULL },
	    EHLO_8BITMIME, 0, 0, "", 0, "mx" },
	{ "SMTPUTF8", { "250-mx", "250 SMTPUTF8", NULL },
	    EHLO_SMTPUTF8, 0, 0, "", 0, "mx" },
	{ "CHUNKING", { "250-mx", "250 CHUNKING", NULL },
	    EHLO_CHUNKING, 0, 0, "", 0, "mx" },
	{ "ENHANCEDSTATUSCODES", { "250-mx", "250 ENHANCEDSTATUSCODES", NULL },
	    EHLO_ENHANCEDSTATUSCODES, 0, 0, "", 0, "mx" },
	{ "AUTH", { "250-mx", "250 AUTH", NULL },
	    EHLO_AUTH, 0, 0, "", 0, "mx" },
	{ "REQUIRETLS", { "250-mx", "250 REQUIRETLS", NULL },
	    EHLO_REQUIRETLS, 0, 0, "", 0, "mx" },
	{ "DSN", { "250-mx", "250 DSN", NULL },
	    EHLO_DSN, 0, 0, "", 0, "mx" },

	/* a real Postfix reply */
	{ "postfix", { "250-mx.example.com", "250-PIPELINING",
	    "250-SIZE 10240000", "250-VRFY", "250-ETRN", "250-STARTTLS",
	    "250-ENHANCEDSTATUSCODES", "250 8BITMIME", NULL },
	    EHLO_PIPELINING | EHLO_SIZE | EHLO_STARTTLS |
	    EHLO_ENHANCEDSTATUSCODES | EHLO_8BITMIME,
	    10240000, 1, "", 0, "mx.example.com" },
	{ "all", { "250-mx.example.com Hello client.example [192.0.2.1]",
	    "250-STARTTLS", "250-SIZE 35882577", "250-PIPELINING",
	    "250-8BITMIME", "250-SMTPUTF8", "250-CHUNKING",
	    "250-ENHANCEDSTATUSCODES", "250-AUTH LOGIN", NULL },
	    ALL_FLAGS & ~(uint32_t)(EHLO_REQUIRETLS | EHLO_DSN),
	    35882577, 1, "LOGIN", 1, "mx.example.com" },

	/* keywords are case-insensitive */
	{ "lower case", { "250-mx", "250-starttls", "250-pipelining",
	    "250 dsn", NULL },
	    EHLO_STARTTLS | EHLO_PIPELINING | EHLO_DSN, 0, 0, "", 0, "mx" },
	{ "mixed case", { "250-mx", "250-StartTls", "250-Size 1000",
	    "250 Auth plain Login", NULL },
	    EHLO_STARTTLS | EHLO_SIZE | EHLO_AUTH, 1000, 1, "PLAIN LOGIN", 1,
	    "mx" },

	/* keywords are whole words */
	{ "near misses", { "250-mx", "250-STARTTLSX", "250-STARTTL",
	    "250-XSTARTTLS", "250-8BITMIMEX", "250-AUTHX PLAIN",
	    "250-X-EXPS LOGIN", "250 SIZES 100", NULL },
	    0, 0, 0, "", 0, "mx" },
	{ "leading space", { "250-mx", "250- STARTTLS", NULL },
	    0, 0, 0, "", 0, "mx" },
	{ "keyword with parameters", { "250-mx", "250-STARTTLS now",
	    "250 DSN x y", NULL },
	    EHLO_STARTTLS | EHLO_DSN, 0, 0, "", 0, "mx" },

	/* SIZE */
	{ "SIZE 0", { "250-mx", "250 SIZE 0", NULL },
	    EHLO_SIZE, 0, 1, "", 0, "mx" },
	{ "SIZE max", { "250-mx", "250 SIZE 18446744073709551615", NULL },
	    EHLO_SIZE, 18446744073709551615ULL, 1, "", 0, "mx" },
	{ "SIZE overflow", { "250-mx", "250 SIZE 18446744073709551616", NULL },
	    EHLO_SIZE, 0, 0, "", 0, "mx" },
	{ "SIZE negative", { "250-mx", "250 SIZE -1", NULL },
	    EHLO_SIZE, 0, 0, "", 0, "mx" },
	{ "SIZE plus", { "250-mx", "250 SIZE +10", NULL },
	    EHLO_SIZE, 0, 0, "", 0, "mx" },
	{ "SIZE two spaces", { "250-mx", "250 SIZE  10", NULL },
	    EHLO_SIZE, 0, 0, "", 0, "mx" },
	{ "SIZE letters", { "250-mx", "250 SIZE abc", NULL },
	    EHLO_SIZE, 0, 0, "", 0, "mx" },
	{ "SIZE trailing junk", { "250-mx", "250 SIZE 123abc", NULL },
	    EHLO_SIZE, 0, 0, "", 0, "mx" },
	{ "SIZE hex", { "250-mx", "250 SIZE 0x100", NULL },
	    EHLO_SIZE, 0, 0, "", 0, "mx" },
	{ "SIZE empty", { "250-mx", "250 SIZE ", NULL },
	    EHLO_SIZE, 0, 0, "", 0, "mx" },
	{ "SIZE=", { "250-mx", "250 SIZE=1000", NULL },
	    EHLO_SIZE, 0, 0, "", 0, "mx" },
	{ "SIZE twice", { "250-mx", "250-SIZE 1000", "250 SIZE 2000", NULL },
	    EHLO_SIZE, 2000, 1, "", 0, "mx" },
	{ "SIZE then bare SIZE", { "250-mx", "250-SIZE 1000", "250 SIZE", NULL },
	    EHLO_SIZE, 1000, 1, "", 0, "mx" },

	/* AUTH and AUTH= */
	{ "AUTH PLAIN LOGIN", { "250-mx", "250 AUTH PLAIN LOGIN", NULL },
	    EHLO_AUTH, 0, 0, "PLAIN LOGIN", 1, "mx" },
	{ "AUTH= only", { "250-mx", "250 AUTH=LOGIN PLAIN", NULL },
	    EHLO_AUTH, 0, 0, "LOGIN PLAIN", 1, "mx" },
	{ "AUTH and AUTH=", { "250-mx", "250-AUTH=PLAIN LOGIN",
	    "250 AUTH PLAIN LOGIN CRAM-MD5", NULL },
	    EHLO_AUTH, 0, 0, "PLAIN LOGIN CRAM-MD5", 1, "mx" },
	{ "AUTH= after AUTH", { "250-mx", "250-AUTH LOGIN",
	    "250 AUTH=login", NULL },
	    EHLO_AUTH, 0, 0, "LOGIN", 1, "mx" },
	{ "duplicates in one line", { "250-mx",
	    "250 AUTH PLAIN plain PLAIN LOGIN", NULL },
	    EHLO_AUTH, 0, 0, "PLAIN LOGIN", 1, "mx" },
	{ "substring is not a duplicate", { "250-mx",
	    "250 AUTH CRAM-MD5 MD5 CRAM", NULL },
	    EHLO_AUTH, 0, 0, "CRAM-MD5 MD5 CRAM", 0, "mx" },
	{ "prefix is not a duplicate", { "250-mx",
	    "250 AUTH SCRAM-SHA-256 SCRAM-SHA-1 SCRAM", NULL },
	    EHLO_AUTH, 0, 0, "SCRAM-SHA-256 SCRAM-SHA-1 SCRAM", 0, "mx" },
	{ "extra spaces and tabs", { "250-mx",
	    "250 AUTH   PLAIN\t\tLOGIN  ", NULL },
	    EHLO_AUTH, 0, 0, "PLAIN LOGIN", 1, "mx" },
	{ "AUTH with a trailing space", { "250-mx", "250 AUTH ", NULL },
	    EHLO_AUTH, 0, 0, "", 0, "mx" },
	{ "control byte in a mechanism", { "250-mx", "250 AUTH PL\x01" "AIN", NULL },
	    EHLO_AUTH, 0, 0, "PL?AIN", 0, "mx" },

	/* plaintext detection */
	{ "PLAIN alone", { "250-mx", "250 AUTH PLAIN", NULL },
	    EHLO_AUTH, 0, 0, "PLAIN", 1, "mx" },
	{ "LOGIN alone", { "250-mx", "250 AUTH LOGIN", NULL },
	    EHLO_AUTH, 0, 0, "LOGIN", 1, "mx" },
	{ "LOGIN last", { "250-mx", "250 AUTH CRAM-MD5 LOGIN", NULL },
	    EHLO_AUTH, 0, 0, "CRAM-MD5 LOGIN", 1, "mx" },
	{ "no clear mechanism", { "250-mx",
	    "250 AUTH SCRAM-SHA-256 CRAM-MD5 XOAUTH2 OAUTHBEARER", NULL },
	    EHLO_AUTH, 0, 0, "SCRAM-SHA-256 CRAM-MD5 XOAUTH2 OAUTHBEARER", 0,
	    "mx" },
	{ "look-alikes", { "250-mx", "250 AUTH PLAINX XPLAIN LOGIN2 NTLM",
	    NULL },
	    EHLO_AUTH, 0, 0, "PLAINX XPLAIN LOGIN2 NTLM", 0, "mx" },
	{ "mechanism glued", { "250-mx", "250 AUTH LOGINPLAIN", NULL },
	    EHLO_AUTH, 0, 0, "LOGINPLAIN", 0, "mx" },

	/* garbage lines are ignored, and still counted */
	{ "garbage", { "250-mx", "", "2", "250", "250-", "250-    ",
	    "250-=", "nonsense line", NULL },
	    0, 0, 0, "", 0, "mx" },
	{ "control bytes", { "250-mx", "250-\x01\x02\x03", "250 \xff\xfe", NULL },
	    0, 0, 0, "", 0, "mx" },

	/* the name comes from the first line only */
	{ "name with greeting", { "250-mx.example.com Hello [192.0.2.1]",
	    "250 other.example.com", NULL },
	    0, 0, 0, "", 0, "mx.example.com" },
	{ "single line", { "250 mx.example.com", NULL },
	    0, 0, 0, "", 0, "mx.example.com" },
	{ "keyword on the first line is the name", { "250-STARTTLS",
	    "250 SIZE 10", NULL },
	    EHLO_SIZE, 10, 1, "", 0, "STARTTLS" },
	{ "empty first line", { "250-", "250 STARTTLS", NULL },
	    EHLO_STARTTLS, 0, 0, "", 0, "" },
	{ "bare first line", { "250", "250 STARTTLS", NULL },
	    EHLO_STARTTLS, 0, 0, "", 0, "" },
	{ "control byte in the name", { "250-mx\r\n.example", "250 DSN", NULL },
	    EHLO_DSN, 0, 0, "", 0, "mx?.example" },
	{ "address literal", { "250-[192.0.2.1] hi", "250 DSN", NULL },
	    EHLO_DSN, 0, 0, "", 0, "[192.0.2.1]" },
};

static void
test_ehlo_table(void **state)
{
	(void)state;
	for (size_t t = 0; t < sizeof(ehlo_cases) / sizeof(ehlo_cases[0]); t++) {
		const struct ehlo_case	*e = &ehlo_cases[t];
		struct ehlo_caps	 c;
		int			 n;

		ehlo_init(&c);
		for (n = 0; e->lines[n] != NULL; n++)
			feed(&c, e->lines[n], strlen(e->lines[n]));
		if (c.nlines != n)
			fail_row(e->name, "nlines %d, want %d", c.nlines, n);
		if (c.flags != e->flags)
			fail_row(e->name, "flags 0x%x, want 0x%x", c.flags,
			    e->flags);
		if (c.size != e->size || c.size_given != e->size_given)
			fail_row(e->name, "size %llu/%d, want %llu/%d",
			    (unsigned long long)c.size, c.size_given, e->size,
			    e->size_given);
		if (strcmp(c.auth, e->auth) != 0)
			fail_row(e->name, "auth \"%s\", want \"%s\"", c.auth,
			    e->auth);
		if (ehlo_auth_plaintext(&c) != e->plaintext)
			fail_row(e->name, "plaintext %d, want %d",
			    ehlo_auth_plaintext(&c), e->plaintext);
		if (strcmp(c.name, e->server) != 0)
			fail_row(e->name, "name \"%s\", want \"%s\"", c.name,
			    e->server);
		check_invariants(e->name, &c);
	}
}

static void
test_init(void **state)
{
	struct ehlo_caps	 c;

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	ehlo_init(&c);
	assert_int_equal(c.flags, 0);
	assert_int_equal(c.size, 0);
	assert_int_equal(c.size_given, 0);
	assert_int_equal(c.nlines, 0);
	assert_string_equal(c.auth, "");
	assert_string_equal(c.name, "");
	assert_int_equal(ehlo_auth_plaintext(&c), 0);

	/* a clear mechanism without the AUTH flag is not offered */
	strcpy(c.auth, "PLAIN");
	assert_int_equal(ehlo_auth_plaintext(&c), 0);
	c.flags = EHLO_AUTH;
	assert_int_equal(ehlo_auth_plaintext(&c), 1);
}

/* Very long lines are bounded, never overrun. */
static void
test_long_lines(void **state)
{
	struct ehlo_caps	 c;
	char			*line, *want;
	size_t			 len = 8192, i, o;

	(void)state;
	if ((line = malloc(len)) == NULL || (want = malloc(len)) == NULL)
		fail();

	/* a long name is cut to EHLO_NAME_MAX, ending "..." */
	memcpy(line, "250-", 4);
	memset(line + 4, 'n', len - 4);
	ehlo_init(&c);
	feed(&c, line, len);
	assert_int_equal(strlen(c.name), EHLO_NAME_MAX);
	assert_string_equal(c.name + EHLO_NAME_MAX - 3, "...");
	assert_int_equal(c.name[0], 'n');

	/* a name of exactly EHLO_NAME_MAX bytes is kept whole */
	ehlo_init(&c);
	feed(&c, line, 4 + EHLO_NAME_MAX);
	assert_int_equal(strlen(c.name), EHLO_NAME_MAX);
	assert_int_equal(c.name[EHLO_NAME_MAX - 1], 'n');

	/* a long keyword matches nothing */
	feed(&c, line, len);
	assert_int_equal(c.flags, 0);

	/* a keyword followed by a long parameter still counts */
	memcpy(line, "250-STARTTLS ", 13);
	feed(&c, line, len);
	assert_int_equal(c.flags, EHLO_STARTTLS);

	/* a long SIZE number is not a size */
	memcpy(line, "250-SIZE ", 9);
	memset(line + 9, '9', len - 9);
	feed(&c, line, len);
	assert_int_equal(c.flags, EHLO_STARTTLS | EHLO_SIZE);
	assert_int_equal(c.size_given, 0);
	assert_int_equal(c.size, 0);
	check_invariants("long", &c);

	/*
	 * A long AUTH list keeps whole mechanisms up to EHLO_AUTH_MAX
	 * bytes: "AUTH M000 M001 ..." (5 bytes each with the space).
	 */
	o = (size_t)snprintf(line, len, "250 AUTH");
	for (i = 0; o + 6 < len; i++)
		o += (size_t)snprintf(line + o, len - o, " M%03zu", i % 1000);
	ehlo_init(&c);
	feed(&c, "250-mx", 6);
	feed(&c, line, o);
	want[0] = '\0';
	for (i = 0; strlen(want) + (i ? 5 : 4) <= EHLO_AUTH_MAX; i++)
		snprintf(want + strlen(want), len - strlen(want), "%sM%03zu",
		    i ? " " : "", i);
	assert_string_equal(c.auth, want);
	check_invariants("auth list", &c);

	/* a mechanism of 64 bytes or more is dropped, the rest kept */
	o = (size_t)snprintf(line, len, "250 AUTH ");
	memset(line + o, 'A', 64);
	o += 64;
	o += (size_t)snprintf(line + o, len - o, " PLAIN ");
	memset(line + o, 'B', 63);
	o += 63;
	ehlo_init(&c);
	feed(&c, "250-mx", 6);
	feed(&c, line, o);
	memset(want, 'B', 63);
	want[63] = '\0';
	assert_int_equal(strncmp(c.auth, "PLAIN ", 6), 0);
	assert_string_equal(c.auth + 6, want);
	assert_int_equal(ehlo_auth_plaintext(&c), 1);

	/* AUTH on many lines stops at the bound too */
	ehlo_init(&c);
	feed(&c, "250-mx", 6);
	for (i = 0; i < 200; i++) {
		char	 one[32];
		int	 n = snprintf(one, sizeof(one), "250-AUTH=X%zu", i);

		feed(&c, one, (size_t)n);
	}
	assert_true(strlen(c.auth) <= EHLO_AUTH_MAX);
	assert_true(strlen(c.auth) > EHLO_AUTH_MAX - 6);
	assert_int_equal(strncmp(c.auth, "X0 X1 X2 ", 9), 0);
	assert_int_equal(c.nlines, 201);
	check_invariants("auth lines", &c);

	free(line);
	free(want);
}

static void
test_flag_names(void **state)
{
	static const struct {
		uint32_t	 flag;
		const char	*name;
	} names[] = {
		{ EHLO_STARTTLS, "STARTTLS" },
		{ EHLO_SIZE, "SIZE" },
		{ EHLO_PIPELINING, "PIPELINING" },
		{ EHLO_8BITMIME, "8BITMIME" },
		{ EHLO_SMTPUTF8, "SMTPUTF8" },
		{ EHLO_CHUNKING, "CHUNKING" },
		{ EHLO_ENHANCEDSTATUSCODES, "ENHANCEDSTATUSCODES" },
		{ EHLO_AUTH, "AUTH" },
		{ EHLO_REQUIRETLS, "REQUIRETLS" },
		{ EHLO_DSN, "DSN" },
	};
	uint32_t	 seen = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char	*n = ehlo_flag_name(names[i].flag);

		if (n == NULL || strcmp(n, names[i].name) != 0)
			fail_row(names[i].name, "ehlo_flag_name gives %s",
			    n ? n : "NULL");
		/* one bit per flag, no two alike */
		if ((names[i].flag & (names[i].flag - 1)) != 0 ||
		    (seen & names[i].flag) != 0)
			fail_row(names[i].name, "flag 0x%x not a new bit",
			    names[i].flag);
		seen |= names[i].flag;
	}
	assert_int_equal(seen, ALL_FLAGS);
	assert_null(ehlo_flag_name(0));
	assert_null(ehlo_flag_name(0x400));
	assert_null(ehlo_flag_name(EHLO_SIZE | EHLO_DSN));
}

static void
test_flags_str(void **state)
{
	char	 buf[256];
	size_t	 sz;

	(void)state;
	assert_string_equal(ehlo_flags_str(ALL_FLAGS, buf, sizeof(buf)),
	    "STARTTLS SIZE PIPELINING 8BITMIME SMTPUTF8 CHUNKING "
	    "ENHANCEDSTATUSCODES AUTH REQUIRETLS DSN");
	assert_string_equal(ehlo_flags_str(0, buf, sizeof(buf)), "");
	assert_string_equal(ehlo_flags_str(EHLO_DSN | EHLO_STARTTLS, buf,
	    sizeof(buf)), "STARTTLS DSN");
	/* unknown bits are ignored */
	assert_string_equal(ehlo_flags_str(0x80000000u | EHLO_AUTH, buf,
	    sizeof(buf)), "AUTH");
	/* exactly enough room */
	assert_string_equal(ehlo_flags_str(EHLO_STARTTLS | EHLO_SIZE, buf, 14),
	    "STARTTLS SIZE");
	assert_string_equal(ehlo_flags_str(EHLO_STARTTLS, buf, 9), "STARTTLS");
	assert_string_equal(ehlo_flags_str(EHLO_STARTTLS, buf, 8), "");

	/* every size stays inside the buffer */
	for (sz = 0; sz < 120; sz++) {
		memset(buf, 'Z', sizeof(buf));
		ehlo_flags_str(ALL_FLAGS, buf, sz);
		if (sz > 0 && strlen(buf) >= sz)
			fail_msg("size %zu: \"%s\" overruns", sz, buf);
		for (size_t k = sz; k < sizeof(buf); k++)
			if (buf[k] != 'Z')
				fail_msg("size %zu: byte %zu written", sz, k);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ehlo_table),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_flags_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
