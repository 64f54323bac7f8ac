/*
 * fuzz_ehlo.c - libFuzzer harness for lib/ehlo.c.
 *
 * The input is the lines of an EHLO reply, split on LF (a CR before it
 * is dropped), each fed to ehlo_feed from an exact-size heap copy. The
 * result is checked against the bounds the header promises; a break
 * aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ehlo.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define ALL_FLAGS (EHLO_STARTTLS | EHLO_SIZE | EHLO_PIPELINING | \
	EHLO_8BITMIME | EHLO_SMTPUTF8 | EHLO_CHUNKING | \
	EHLO_ENHANCEDSTATUSCODES | EHLO_AUTH | EHLO_REQUIRETLS | EHLO_DSN)

static void
check(const struct ehlo_caps *c, int nlines)
{
	char		 buf[160];
	const char	*a, *b;
	size_t		 i, l, sz;
	uint32_t	 bit;

	if (c->nlines != nlines || (c->flags & ~(uint32_t)ALL_FLAGS) != 0)
		abort();
	if (strlen(c->name) > EHLO_NAME_MAX || strlen(c->auth) > EHLO_AUTH_MAX)
		abort();
	if (!c->size_given && c->size != 0)
		abort();
	if (c->size_given && !(c->flags & EHLO_SIZE))
		abort();
	if (c->auth[0] != '\0' && !(c->flags & EHLO_AUTH))
		abort();
	for (i = 0; c->name[i] != '\0'; i++)
		if ((unsigned char)c->name[i] <= 0x20 ||
		    (unsigned char)c->name[i] > 0x7e)
			abort();
	/* auth: upper-case printable words, single spaces, no duplicates */
	for (i = 0; c->auth[i] != '\0'; i++) {
		unsigned char	 ch = (unsigned char)c->auth[i];

		if (ch < 0x20 || ch > 0x7e || (ch >= 'a' && ch <= 'z'))
			abort();
		if (ch == ' ' && (i == 0 || c->auth[i + 1] == '\0' ||
		    c->auth[i + 1] == ' '))
			abort();
	}
	for (a = c->auth; *a != '\0'; a += l + (a[l] == ' ')) {
		l = strcspn(a, " ");
		for (b = a + l + (a[l] == ' '); *b != '\0';
		    b += strcspn(b, " ") + (b[strcspn(b, " ")] == ' '))
			if (strcspn(b, " ") == l && strncmp(a, b, l) == 0)
				abort();
	}
	(void)ehlo_auth_plaintext(c);
	for (sz = 0; sz < sizeof(buf); sz += 7) {
		ehlo_flags_str(c->flags, buf, sz);
		if (sz > 0 && strlen(buf) >= sz)
			abort();
	}
	for (bit = 1; bit != 0; bit <<= 1)
		if ((ehlo_flag_name(bit) != NULL) != ((bit & ALL_FLAGS) != 0))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ehlo_caps c;
	const uint8_t	*p = data, *end = data + size, *nl;
	char		*line;
	size_t		 len;
	int		 n = 0;

	ehlo_init(&c);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl ? nl : end) - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if ((line = malloc(len ? len : 1)) == NULL)
			abort();
		memcpy(line, p, len);
		ehlo_feed(&c, line, len);
		free(line);
		n++;
		p = nl ? nl + 1 : end;
	}
	check(&c, n);
	return 0;
}
