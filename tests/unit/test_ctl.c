/*
 * test_ctl.c - unit tests of lib/ctl.c's table of control commands and
 * its request parser: every row in enum order, named as a request's
 * "cmd" may be, with a timeout that fits it; and requests as lines.
 * The protocol over a socket is tests/scenario/daemon.sh's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctl.h"

static void
test_table(void **state)
{
	const char	*c;
	int		 i, j;

	(void)state;
	for (i = 0; i < CTL_NCMDS; i++) {
		const struct ctl_command *cc = &ctl_commands[i];

		assert_int_equal(cc->cmd, i);
		assert_non_null(cc->name);
		assert_true(strlen(cc->name) > 0 && strlen(cc->name) <= 17);
		for (c = cc->name; *c != '\0'; c++)
			assert_true(*c >= 'a' && *c <= 'z');
		assert_ptr_equal(ctl_command_find(cc->name), cc);
		assert_true(cc->help != NULL && *cc->help != '\0');
		/* a stream has no deadline; every other reply has one */
		if (cc->flags & CTL_STREAM)
			assert_int_equal(cc->timeout_ms, 0);
		else
			assert_true(cc->timeout_ms >= CTL_TIMEOUT_MS);
		/* a range is of a target's history */
		if (cc->flags & CTL_RANGE)
			assert_true(cc->flags & CTL_TARGET);
		for (j = 0; j < i; j++)
			assert_string_not_equal(ctl_commands[j].name, cc->name);
	}
	assert_int_equal(ctl_command_find("probe")->timeout_ms,
	    CTL_PROBE_TIMEOUT_MS);
	assert_null(ctl_command_find("frobnicate"));
	assert_null(ctl_command_find(""));
	assert_null(ctl_command_find("STATUS"));
}

static void
test_parse(void **state)
{
	static const struct {
		const char	*line;
		const char	*cmd;	/* NULL: refused with why */
		const char	*why;
	} cases[] = {
		{ "{\"cmd\":\"status\"}", "status", NULL },
		{ "{\"cmd\":\"frobnicate\"}", "frobnicate", NULL },
		{ "{\"cmd\":\"show\",\"target\":\"domain:a.example\"}", "show",
		    NULL },
		{ "not json", NULL, "not JSON" },
		{ "{\"cmd\":\"a\",\"cmd\":\"b\"}", NULL, "not JSON" },
		{ "[\"status\"]", NULL, "expected an object with \"cmd\"" },
		{ "{\"cmd\":5}", NULL, "expected an object with \"cmd\"" },
		{ "{\"cmd\":\"Status\"}", NULL, "\"cmd\" is not a command name" },
		{ "{\"cmd\":\"abcdefghijklmnopqr\"}", NULL,
		    "\"cmd\" is not a command name" },
	};
	const char	*cmd, *why;
	json_t		*req;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = NULL;
		req = ctl_parse_request(cases[i].line, strlen(cases[i].line),
		    &cmd, &why);
		if (cases[i].cmd != NULL) {
			assert_non_null(req);
			assert_string_equal(cmd, cases[i].cmd);
			json_decref(req);
		} else {
			assert_null(req);
			assert_null(cmd);
			assert_string_equal(why, cases[i].why);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
