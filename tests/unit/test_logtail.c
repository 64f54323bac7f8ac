/*
 * test_logtail.c - unit tests of lib/logtail.c: lines as they are
 * written, a line waiting for its newline, rotation by rename and by
 * copytruncate, a restart from a stored position (also after a rename
 * nobody saw), a file that vanishes and comes back, a line too long.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "logtail.h"

static char	 dir[64], path[128], path1[128];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_logtail.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/mail.log", dir);
	snprintf(path1, sizeof(path1), "%s/mail.log.1", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	unlink(path1);
	rmdir(dir);
	return 0;
}

static void
append(const char *p, const char *text)
{
	FILE	*f = fopen(p, "a");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The lines available now, joined by '|', into buf. */
static const char *
drain(struct logtail *t, char *buf, size_t sz, int *gone)
{
	const char		*line, *cause;
	size_t			 len, n = 0;
	enum logtail_status	 st;

	buf[0] = '\0';
	*gone = 0;
	while ((st = logtail_next(t, &line, &len, &cause)) != LOGTAIL_AGAIN) {
		if (st == LOGTAIL_GONE) {
			assert_non_null(cause);
			(*gone)++;
			continue;
		}
		if (st == LOGTAIL_TOO_LONG) {
			line = "<long>";
			len = 6;
		}
		n += (size_t)snprintf(buf + n, sz - n, "%s%.*s", n ? "|" : "",
		    (int)len, line);
		assert_true(n < sz);
	}
	return buf;
}

static void
test_follow(void **state)
{
	struct logtail		*t;
	struct logtail_pos	 pos;
	char			 buf[4096];
	int			 gone;

	(void)state;
	append(path, "old 1\nold 2\n");
	t = logtail_open(path, NULL);	/* starts at the end */
	assert_non_null(t);
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "");
	append(path, "a\nb\npart");
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "a|b");
	append(path, "ial\n");
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "partial");

	/* rename: the rest of the old file, then the new one */
	append(path, "c\n");
	assert_int_equal(rename(path, path1), 0);
	append(path1, "d\n");		/* the writer still had it open */
	append(path, "e\n");
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "c|d|e");
	assert_int_equal(logtail_rotations(t), 1);

	/* copytruncate */
	append(path, "f\n");
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "f");
	assert_int_equal(truncate(path, 0), 0);
	append(path, "g\n");
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "g");
	assert_int_equal(logtail_rotations(t), 2);

	/* a restart from the stored position reads on, no more, no less */
	logtail_pos(t, &pos);
	logtail_close(t);
	append(path, "h\n");
	t = logtail_open(path, &pos);
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "h");
	logtail_pos(t, &pos);
	logtail_close(t);

	/* a rename while nobody followed: the old file's rest first */
	append(path, "i\n");
	unlink(path1);
	assert_int_equal(rename(path, path1), 0);
	append(path, "j\n");
	t = logtail_open(path, &pos);
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "i|j");

	/* vanished: said once; back: read from its start */
	unlink(path);
	unlink(path1);
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "");
	assert_int_equal(gone, 1);
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "");
	assert_int_equal(gone, 0);
	append(path, "k\n");
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "k");
	logtail_close(t);
}

static void
test_long_and_missing(void **state)
{
	struct logtail	*t;
	char		 buf[4096], *big;
	int		 gone;
	size_t		 n = LOGTAIL_LINE_MAX * 3;
	FILE		*f;

	(void)state;
	unlink(path);
	t = logtail_open(path, NULL);	/* missing: waited for */
	assert_non_null(t);
	assert_string_equal(drain(t, buf, sizeof(buf), &gone), "");
	assert_int_equal(gone, 1);
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("before\n", f);
	fwrite(big, 1, n, f);
	fputs("\nafter\n", f);
	fclose(f);
	free(big);
	assert_string_equal(drain(t, buf, sizeof(buf), &gone),
	    "before|<long>|after");
	logtail_close(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_and_missing, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
