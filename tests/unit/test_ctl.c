/*
 * test_ctl.c - unit tests of lib/ctl.c's table of control commands and
 * its request parser: every row in enum order, named as a request's
 * "cmd" may be, with a timeout that fits it; and requests as lines.
 * Then the server's memory bound on a loop of its own: a reply too large
 * is an error, a follower that does not read is dropped. The rest of
 * the protocol over a socket is tests/scenario/daemon.sh's.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <event2/event.h>

#include "ctl.h"
#include "target.h"

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
	/*
	 * probe waits for a run in flight and then its own: the client
	 * must outwait twice the longest whole-check deadline the
	 * "timeout" setting takes
	 */
	for (i = 0; i < target_nsettings; i++)
		if (strcmp(target_settings[i].name, "timeout") == 0)
			break;
	assert_true(i < target_nsettings);
	assert_true((int64_t)CTL_PROBE_TIMEOUT_MS >
	    2 * target_settings[i].hi);
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

/* --- the server on a loop of its own --- */

struct srv {
	struct event_base	*base;
	struct ctl_server	*s;
	char			 path[108];
	size_t			 blob;		/* bytes in the reply */
	uint64_t		 last;		/* the last client's id */
};

static void
on_request(struct ctl_server *s, uint64_t id, const struct ctl_command *cmd,
    json_t *req, void *arg)
{
	struct srv	*v = arg;
	char		*big;

	(void)req;
	v->last = id;
	if (cmd->cmd == CTL_FOLLOW) {
		ctl_follow(s, id);
		ctl_reply(s, id, json_pack("{s:b}", "ok", 1));
		return;
	}
	big = malloc(v->blob + 1);
	assert_non_null(big);
	memset(big, 'x', v->blob);
	big[v->blob] = '\0';
	ctl_reply(s, id, json_pack("{s:b,s:s}", "ok", 1, "blob", big));
	free(big);
}

static int
srv_setup(void **state)
{
	static struct srv	 v;
	struct ctl_config	 cc;
	char			*cause = NULL;

	memset(&v, 0, sizeof(v));
	snprintf(v.path, sizeof(v.path), "/tmp/test_ctl.%ld.sock",
	    (long)getpid());
	v.base = event_base_new();
	memset(&cc, 0, sizeof(cc));
	cc.path = v.path;
	cc.mode = 0600;
	cc.gid = (gid_t)-1;
	v.s = ctl_listen(v.base, &cc, on_request, &v, &cause);
	assert_non_null(v.s);
	*state = &v;
	return 0;
}

static int
srv_teardown(void **state)
{
	struct srv	*v = *state;

	ctl_close(v->s);
	event_base_free(v->base);
	return 0;
}

/* A client: connected, req sent, non-blocking, receive buffer rcvbuf. */
static int
client(struct srv *v, const char *req, int rcvbuf)
{
	struct sockaddr_un	 sun;
	int			 fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", v->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* Turn the loop until fd has a whole line (or 5 s): that line, parsed. */
static json_t *
reply_of(struct srv *v, int fd)
{
	static char	 buf[4 * 1024 * 1024];
	size_t		 len = 0;
	ssize_t		 n;
	char		*nl;
	int		 i;

	for (i = 0; i < 5000; i++) {
		event_base_loop(v->base, EVLOOP_NONBLOCK);
		while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
			len += (size_t)n;
		buf[len] = '\0';
		if ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			return json_loads(buf, 0, NULL);
		}
		if (n == 0)
			break;
		usleep(1000);
	}
	return NULL;
}

static void
test_reply_bound(void **state)
{
	struct srv	*v = *state;
	json_t		*r;
	int		 fd;

	/* under the bound: sent */
	v->blob = 1000;
	fd = client(v, "{\"cmd\":\"status\"}\n", 0);
	r = reply_of(v, fd);
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(strlen(json_string_value(json_object_get(r, "blob"))),
	    1000);
	json_decref(r);
	close(fd);

	/* over it: refused, never buffered, and said so */
	v->blob = CTL_OUTPUT_MAX;
	fd = client(v, "{\"cmd\":\"status\"}\n", 0);
	r = reply_of(v, fd);
	assert_non_null(r);
	assert_false(json_is_true(json_object_get(r, "ok")));
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")),
	    "reply too large"));
	assert_int_equal(json_integer_value(json_object_get(r, "version")),
	    CTL_VERSION);
	json_decref(r);
	/* and the client is still served */
	v->blob = 10;
	assert_int_equal(write(fd, "{\"cmd\":\"status\"}\n", 17), 17);
	r = reply_of(v, fd);
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
	close(fd);
}

static void
test_follower_bound(void **state)
{
	struct srv	*v = *state;
	json_t		*r;
	char		*ev, buf[65536];
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd, i, followers;

	fd = client(v, "{\"cmd\":\"follow\"}\n", 4096);
	r = reply_of(v, fd);
	assert_non_null(r);
	json_decref(r);
	assert_int_equal(ctl_clients(v->s, &followers), 1);
	assert_int_equal(followers, 1);
	/* 32 MiB of events to a client that reads none of them */
	ev = malloc(64 * 1024);
	memset(ev, 'e', 64 * 1024 - 1);
	ev[64 * 1024 - 1] = '\0';
	for (i = 0; i < 512 && ctl_clients(v->s, NULL) > 0; i++) {
		ctl_broadcast(v->s, json_pack("{s:s}", "event", ev));
		event_base_loop(v->base, EVLOOP_NONBLOCK);
	}
	free(ev);
	/* dropped at the bound: what it can still read is the bound and
	 * what the kernel held, far from what was broadcast */
	assert_int_equal(ctl_clients(v->s, NULL), 0);
	assert_true((size_t)i * 64 * 1024 < 2 * CTL_OUTPUT_MAX);
	for (i = 0; i < 5000; i++) {
		if ((n = read(fd, buf, sizeof(buf))) > 0)
			got += (size_t)n;
		else if (n == 0 || errno != EAGAIN)
			break;		/* closed: all read */
		else
			usleep(1000);
		event_base_loop(v->base, EVLOOP_NONBLOCK);
	}
	assert_true(i < 5000);
	assert_true(got <= 2 * CTL_OUTPUT_MAX);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_reply_bound, srv_setup,
		    srv_teardown),
		cmocka_unit_test_setup_teardown(test_follower_bound, srv_setup,
		    srv_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
