/*
 * test_alert.c - hysteresis, re-notification, scope and the syslog line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "alert.h"

struct rec {
	int	 raised, cleared, renotified;
	char	 last[1024];
};

static void
emit(const struct alert *a, enum alert_event ev, int64_t now, void *arg)
{
	struct rec	*r = arg;

	if (ev == ALERT_RAISED)
		r->raised++;
	else if (ev == ALERT_CLEARED)
		r->cleared++;
	else
		r->renotified++;
	alert_format(a, ev, "example.com", now, r->last, sizeof(r->last));
}

static void
run(struct alert_set *s, int show, const struct alert_params *p, int64_t now,
    struct rec *r)
{
	struct finding_list	 fl = { 0 };

	if (show)
		finding_add(&fl, F_TLS_CERT_EXPIRED, -1, "mx.example.com",
		    "192.0.2.1", 25, "notAfter=2020-01-01\r\nInjected: x \"q\"");
	finding_add(&fl, F_POLICY_GREYLISTED, SEV_INFO, "mx.example.com",
	    "192.0.2.1", 25, "info never alerts");
	alert_observe(s, &fl, NULL, p, now, emit, r);
	finding_list_free(&fl);
}

static void
test_hysteresis(void **state)
{
	struct alert_params	 p = { 3, 2, 0 };
	struct alert_set	 s;
	struct rec		 r = { 0 };

	(void)state;
	alert_set_init(&s);
	run(&s, 1, &p, 100, &r);
	run(&s, 1, &p, 200, &r);
	assert_int_equal(r.raised, 0);
	run(&s, 0, &p, 300, &r);	/* a pass resets the episode */
	run(&s, 1, &p, 400, &r);
	run(&s, 1, &p, 500, &r);
	assert_int_equal(r.raised, 0);
	run(&s, 1, &p, 600, &r);
	assert_int_equal(r.raised, 1);
	assert_int_equal(s.nopen, 1);
	assert_non_null(strstr(r.last, "ALERT target=example.com "
	    "host=mx.example.com addr=192.0.2.1 port=25 "
	    "finding=tls.cert.expired severity=crit layer=tls since="));
	assert_null(strchr(r.last, '\n'));
	assert_null(strchr(r.last, '\r'));
	assert_non_null(strstr(r.last, "evidence=\"notAfter=2020-01-01?"
	    "Injected: x 'q'\""));
	run(&s, 0, &p, 700, &r);
	assert_int_equal(r.cleared, 0);
	run(&s, 1, &p, 800, &r);	/* flaps back: still open, no new raise */
	run(&s, 0, &p, 900, &r);
	run(&s, 0, &p, 1000, &r);
	assert_int_equal(r.raised, 1);
	assert_int_equal(r.cleared, 1);
	assert_int_equal(s.nopen, 0);
	assert_non_null(strstr(r.last, "RECOVERED target=example.com"));
	assert_non_null(strstr(r.last, "duration=400s"));
	alert_set_free(&s);
}

static void
test_renotify_and_restore(void **state)
{
	struct alert_params	 p = { 1, 1, 60 };
	struct alert_set	 s;
	struct rec		 r = { 0 };

	(void)state;
	alert_set_init(&s);
	assert_non_null(alert_restore(&s, "mx.example.com", "192.0.2.1", 25,
	    F_TLS_CERT_EXPIRED, 1, 5, 0, SEV_CRIT, "old", 10, 20, 20));
	assert_int_equal(s.nopen, 1);
	run(&s, 1, &p, 50, &r);		/* restored open: no second raise */
	assert_int_equal(r.raised, 0);
	assert_int_equal(r.renotified, 0);
	run(&s, 1, &p, 81, &r);
	assert_int_equal(r.renotified, 1);
	assert_non_null(strstr(r.last, "repeat=1"));
	run(&s, 0, &p, 90, &r);
	assert_int_equal(r.cleared, 1);
	assert_non_null(strstr(r.last, "duration=70s"));
	alert_set_free(&s);
}

static int
only_dns(enum finding_id id)
{
	return finding_def(id)->layer == LAYER_DNS;
}

static void
test_scope(void **state)
{
	struct alert_params	 p = { 1, 1, 0 };
	struct alert_set	 s;
	struct rec		 r = { 0 };
	struct finding_list	 fl = { 0 };

	(void)state;
	alert_set_init(&s);
	run(&s, 1, &p, 1, &r);
	assert_int_equal(r.raised, 1);
	/* a run that only covers DNS does not clear a TLS alert */
	alert_observe(&s, &fl, only_dns, &p, 2, emit, &r);
	assert_int_equal(r.cleared, 0);
	alert_observe(&s, &fl, NULL, &p, 3, emit, &r);
	assert_int_equal(r.cleared, 1);
	alert_set_free(&s);
}

static void
test_withdraw(void **state)
{
	struct alert_params	 p = { 1, 1, 0 };
	struct alert_set	 s;
	struct rec		 r = { 0 };

	(void)state;
	alert_set_init(&s);
	run(&s, 1, &p, 100, &r);
	assert_int_equal(s.nopen, 1);
	alert_withdraw_all(&s, 160, emit, &r);
	assert_int_equal(r.cleared, 1);
	assert_int_equal(s.nopen, 0);
	assert_non_null(strstr(r.last, "RECOVERED target=example.com "));
	assert_non_null(strstr(r.last, " duration=60s reason=removed"));
	/* nothing open: nothing more to say */
	alert_withdraw_all(&s, 170, emit, &r);
	assert_int_equal(r.cleared, 1);
	alert_set_free(&s);
}


/*
 * A [log] alert's line: domain= and direction= instead of host= addr=
 * port=, the evidence's fields as they are; bytes outside printable
 * ASCII replaced, and a quote left open by the 300-byte cut closed.
 */
static void
test_format_log(void **state)
{
	struct alert_params	 p = { 1, 1, 0 };
	struct alert_set	 s;
	struct finding_list	 fl = { 0 };
	struct alert		*a;
	struct rec		 r = { 0 };
	char			 line[1024], ev[400];

	(void)state;
	alert_set_init(&s);
	finding_add(&fl, F_POLICY_RATE_LIMITED, SEV_WARN, "qq.com", "out", 0,
	    "count=35 window=10m sample=\"550 Ip frequency limited\r\nX\"");
	alert_observe(&s, &fl, NULL, &p, 1000, emit, &r);
	finding_list_free(&fl);
	a = LIST_FIRST(&s.alerts);
	assert_non_null(a);
	alert_format_log(a, ALERT_RAISED, "log:mail", 1000, line, sizeof(line));
	assert_string_equal(line, "ALERT target=log:mail domain=qq.com "
	    "direction=out finding=policy.rate-limited severity=warn "
	    "layer=policy since=1970-01-01T00:16:40Z count=35 window=10m "
	    "sample=\"550 Ip frequency limited?X\"");
	alert_format_log(a, ALERT_CLEARED, "log:mail", 1060, line,
	    sizeof(line));
	assert_string_equal(line, "RECOVERED target=log:mail domain=qq.com "
	    "direction=out finding=policy.rate-limited severity=warn "
	    "layer=policy since=1970-01-01T00:16:40Z duration=60s");

	/* a sample cut inside its quotes is closed */
	memset(ev, 'x', sizeof(ev));
	memcpy(ev, "count=1 window=1m sample=\"", 26);
	ev[sizeof(ev) - 1] = '\0';
	finding_add(&fl, F_POLICY_GREYLISTED, SEV_WARN, "b.test", "in", 0,
	    "%s", ev);
	alert_observe(&s, &fl, NULL, &p, 2000, emit, &r);
	finding_list_free(&fl);
	LIST_FOREACH(a, &s.alerts, entry)
		if (a->id == F_POLICY_GREYLISTED)
			break;
	assert_non_null(a);
	alert_format_log(a, ALERT_RAISED, "log:mail", 2000, line, sizeof(line));
	assert_non_null(strstr(line, " domain=b.test direction=in "));
	assert_int_equal(line[strlen(line) - 1], '"');
	assert_non_null(strstr(line, "...\""));
	alert_set_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_renotify_and_restore),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_withdraw),
		cmocka_unit_test(test_format_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
