/*
 * test_target.c - unit tests of lib/target.c: the settings table itself
 * (every row complete, names unique, defaults as help states them),
 * every setting printed and read back, the setter's statuses, target
 * identities, relative paths, and what target_check_params makes of a
 * target. The same settings read from smtprobed.conf are test_conf.c's;
 * read from the command line, tests/scenario/settings.sh compares both.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arena.h"
#include "target.h"
#include "util.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

struct fixture {
	struct arena		*arena;
	struct target_input	 in;
	struct target		 t;
};

static int
setup(void **state)
{
	struct fixture	*f;

	assert_non_null(f = calloc(1, sizeof(*f)));
	assert_non_null(f->arena = arena_new());
	target_input_init(&f->in, f->arena, NULL);
	f->in.whole = 1;
	target_defaults(&f->t);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	arena_free(f->arena);
	free(f);
	return 0;
}

/* A fresh input and target, of kind and id arg. */
static void
fresh(struct fixture *f, enum target_kind kind, const char *arg)
{
	target_input_init(&f->in, f->arena, NULL);
	f->in.whole = 1;
	target_defaults(&f->t);
	if (target_ident(&f->t, &f->in, kind, arg) != 0)
		fail_msg("%s: %s", arg, f->in.why);
}

static void
set_ok(struct fixture *f, const char *name, const char *v)
{
	if (target_set(&f->t, &f->in, name, v) != TARGET_OK)
		fail_msg("%s = %s: %s", name, v, f->in.why);
}

/* target_print into a new string. */
static char *
printed(const struct target *t)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	assert_non_null(fp = open_memstream(&buf, &len));
	target_print(fp, t);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/*
 * Every row is complete: a name fit for a key and a long option, the
 * value's syntax, a default, one line of help, a setter and a printer.
 */
static void
test_table(void **state)
{
	int	 i, j;

	(void)state;
	assert_true(target_nsettings > 20);
	assert_true(target_nsettings <= TARGET_SETTINGS_MAX);
	for (i = 0; i < target_nsettings; i++) {
		const struct target_setting *s = &target_settings[i];
		const char *c;

		assert_non_null(s->name);
		for (c = s->name; *c != '\0'; c++)
			if (!islower((unsigned char)*c) && *c != '-')
				fail_msg("%s: not a key and option name",
				    s->name);
		assert_true(s->arg != NULL && *s->arg != '\0');
		assert_true(s->dflt != NULL && *s->dflt != '\0');
		if (s->help == NULL || *s->help == '\0' ||
		    strchr(s->help, '\n') != NULL || strlen(s->help) > 80)
			fail_msg("%s: help is not one line", s->name);
		assert_non_null(s->set);
		assert_non_null(s->print);
		assert_true(s->max >= 0);
		assert_true(s->lo <= s->hi);
		assert_ptr_equal(target_setting_find(s->name), s);
		for (j = 0; j < i; j++)
			assert_string_not_equal(target_settings[j].name, s->name);
	}
	assert_ptr_equal(target_setting_find("TLS"), target_setting_find("tls"));
	assert_null(target_setting_find("frobnicate"));
	assert_null(target_setting_find(""));
}

/*
 * A default given as a value is the default: setting it changes nothing
 * that target_print shows (a repeatable setting has none: no value). The rows below must have such a default, so
 * the test cannot pass by skipping them all.
 */
static void
test_defaults(void **state)
{
	static const char *valued[] = {
		"tls", "mail-from", "relay-test", "expiry-warn", "expiry-crit",
		"implicit-tls", "mta-sts-port", "allow-private", "family",
		"dns-only", "no-dns",
	};
	struct fixture	*f = *state;
	char		*want, *got;
	size_t		 k;
	int		 i, n = 0;

	fresh(f, TARGET_DOMAIN, "example.com");
	want = printed(&f->t);
	for (i = 0; i < target_nsettings; i++) {
		const struct target_setting *s = &target_settings[i];

		if (s->max > 0)
			continue;	/* a list: its default is no value */
		fresh(f, TARGET_DOMAIN, "example.com");
		if (target_set(&f->t, &f->in, s->name, s->dflt) != TARGET_OK) {
			for (k = 0; k < N(valued); k++)
				if (strcmp(valued[k], s->name) == 0)
					fail_msg("%s: default \"%s\" refused: "
					    "%s", s->name, s->dflt, f->in.why);
			continue;
		}
		assert_int_equal(target_end(&f->t, &f->in), 0);
		got = printed(&f->t);
		if (strcmp(got, want) != 0)
			fail_msg("%s = %s is not the default:\n%s\nwant\n%s",
			    s->name, s->dflt, got, want);
		free(got);
		n++;
	}
	assert_int_equal(n, (int)N(valued));
	free(want);
}

/*
 * Every setting away from its default, printed, then each printed line
 * read back into a fresh target: the same print.
 */
static const char *const everything[][2] = {
	{ "ports", "25, 465,587" },
	{ "tls", "verify" },
	{ "helo", "probe.example.org" },
	{ "mail-from", "probe@example.org" },
	{ "rcpt", "postmaster@example.com" },
	{ "rcpt", "abuse@example.com" },
	{ "rcpt-reject", "nobody@example.com" },
	{ "relay-test", "yes" },
	{ "ca-file", "/etc/ssl/ca.pem" },
	{ "timeout", "connect=5s" },
	{ "timeout", "all=20" },
	{ "timeout", "ehlo=1.5" },
	{ "timeout", "45s" },
	{ "timeout", "session=90s" },
	{ "slow", "banner=2s" },
	{ "expiry-warn", "30d" },
	{ "expiry-crit", "10" },
	{ "implicit-tls", "on" },
	{ "name", "MX.example.net." },
	{ "addr", "192.0.2.8" },
	{ "addr", "2001:DB8::8" },
	{ "dkim-selector", "s1" },
	{ "dkim-key", "s2=/etc/dkim/s2.pem" },
	{ "spf-ip", "192.0.2.25" },
	{ "dnsbl", "ZEN.example." },
	{ "mta-sts-port", "8443" },
	{ "allow-private", "true" },
	{ "family", "IPv6" },
	{ "no-dns", "1" },
	{ "interval", "15m" },
	{ "dns-interval", "6h" },
	{ "alert-after", "5" },
	{ "clear-after", "6" },
};

static void
test_print_back(void **state)
{
	struct fixture	*f = *state;
	char		*one, *two, *copy, *line, *eq, *save = NULL;
	size_t		 i;
	int		 k, seen[TARGET_SETTINGS_MAX];

	memset(seen, 0, sizeof(seen));
	fresh(f, TARGET_HOST, "192.0.2.7");
	for (i = 0; i < N(everything); i++) {
		set_ok(f, everything[i][0], everything[i][1]);
		seen[target_setting_find(everything[i][0]) - target_settings] = 1;
	}
	for (k = 0; k < target_nsettings; k++)
		if (!seen[k] && strcmp(target_settings[k].name, "dns-only"))
			fail_msg("%s: not in the table of this test",
			    target_settings[k].name);
	assert_int_equal(target_end(&f->t, &f->in), 0);
	one = printed(&f->t);
	assert_non_null(strstr(one, "name = mx.example.net\n"));
	assert_non_null(strstr(one, "addr = 2001:db8::8\n"));
	assert_non_null(strstr(one, "relay-test = " TARGET_RELAY_RCPT "\n"));
	assert_non_null(strstr(one, "timeout = all=20s\n"));
	assert_non_null(strstr(one, "timeout = connect=5s\n"));
	assert_non_null(strstr(one, "timeout = ehlo=1500ms\n"));
	assert_non_null(strstr(one, "timeout = ehlo2=1500ms\n"));
	/* a duration alone: the whole check's deadline */
	assert_non_null(strstr(one, "timeout = 45s\n"));
	assert_non_null(strstr(one, "timeout = session=90s\n"));
	assert_int_equal(f->t.check_timeout_ms, 45000);

	fresh(f, TARGET_HOST, "192.0.2.7");
	assert_non_null(copy = strdup(one));
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		assert_non_null(eq = strstr(line, " = "));
		*eq = '\0';
		set_ok(f, line, eq + 3);
		*eq = ' ';
	}
	assert_int_equal(target_end(&f->t, &f->in), 0);
	two = printed(&f->t);
	assert_string_equal(two, one);
	free(copy);
	free(one);
	free(two);
}

/* What target_set says about a value it does not take. */
static void
test_status(void **state)
{
	struct fixture	*f = *state;
	int		 i;
	char		 v[32];

	fresh(f, TARGET_DOMAIN, "example.com");
	assert_int_equal(target_set(&f->t, &f->in, "frob", "1"),
	    TARGET_UNKNOWN);
	assert_int_equal(target_set(&f->t, &f->in, "tls", "strict"),
	    TARGET_BAD);
	assert_string_equal(f->in.why, "\"strict\" is not none, may, encrypt, "
	    "verify or dane");
	/* a refused value counts: the setting was given */
	assert_int_equal(target_set(&f->t, &f->in, "tls", "may"), TARGET_TWICE);
	assert_string_equal(f->in.why, "given twice");
	assert_int_equal(target_set(&f->t, &f->in, "helo", ""), TARGET_EMPTY);
	assert_int_equal(target_set(&f->t, &f->in, "mail-from", ""), TARGET_OK);
	assert_string_equal(f->t.mail_from, "");
	for (i = 0; i < 32; i++) {
		snprintf(v, sizeof(v), "192.0.2.%d", i);
		assert_int_equal(target_set(&f->t, &f->in, "spf-ip", v),
		    TARGET_OK);
	}
	assert_int_equal(target_set(&f->t, &f->in, "spf-ip", "192.0.2.99"),
	    TARGET_MANY);
	assert_string_equal(f->in.why, "more than 32 values");
	assert_int_equal(f->t.nspf_ips, 32);

	/* the whole: a port of the id, exclusive settings, counts */
	fresh(f, TARGET_HOST, "mx.example.net:587");
	assert_int_equal(target_set(&f->t, &f->in, "ports", "25"), TARGET_BAD);
	assert_string_equal(f->in.why, "the target gives its port already");
	assert_int_equal(target_end(&f->t, &f->in), 0);
	assert_int_equal(f->t.nports, 1);
	assert_int_equal(f->t.ports[0], 587);
	fresh(f, TARGET_DOMAIN, "example.com");
	set_ok(f, "dns-only", "yes");
	set_ok(f, "no-dns", "yes");
	assert_int_equal(target_end(&f->t, &f->in), -1);
	assert_string_equal(f->in.why, "dns-only and no-dns exclude each other");
	/* an address audited alone, but not the addresses of addr */
	fresh(f, TARGET_HOST, "192.0.2.1");
	set_ok(f, "dns-only", "yes");
	assert_int_equal(target_end(&f->t, &f->in), 0);
	fresh(f, TARGET_HOST, "mx.example.net");
	set_ok(f, "dns-only", "yes");
	set_ok(f, "addr", "192.0.2.1");
	assert_int_equal(target_end(&f->t, &f->in), -1);
	assert_string_equal(f->in.why, "dns-only audits the target, a name or "
	    "an address, not the addresses of addr");
	fresh(f, TARGET_DOMAIN, "example.com");
	for (i = 0; i < 16; i++) {
		snprintf(v, sizeof(v), "s%d", i);
		set_ok(f, "dkim-selector", v);
	}
	set_ok(f, "dkim-key", "s0=/k.pem");
	assert_int_equal(target_end(&f->t, &f->in), 0);
	assert_int_equal(f->t.nselectors, 16);
	set_ok(f, "dkim-key", "s16=/k.pem");
	assert_int_equal(target_end(&f->t, &f->in), -1);
	assert_string_equal(f->in.why, "more than 16 DKIM selectors "
	    "(dkim-selector and dkim-key)");
}

/* Paths: absolute, or from the input's base when it has one. */
static void
test_paths(void **state)
{
	struct fixture	*f = *state;

	fresh(f, TARGET_DOMAIN, "example.com");
	assert_int_equal(target_set(&f->t, &f->in, "ca-file", "ca.pem"),
	    TARGET_BAD);
	assert_string_equal(f->in.why, "\"ca.pem\" is not an absolute path");
	fresh(f, TARGET_DOMAIN, "example.com");
	f->in.base = "/etc/smtprobed";
	set_ok(f, "ca-file", "ca.pem");
	assert_string_equal(f->t.ca_file, "/etc/smtprobed/ca.pem");
	set_ok(f, "dkim-key", "s1=keys/s1.pem");
	assert_string_equal(f->t.dkim_keys[0].path, "/etc/smtprobed/keys/s1.pem");
	set_ok(f, "dkim-key", "s2=/abs/s2.pem");
	assert_string_equal(f->t.dkim_keys[1].path, "/abs/s2.pem");
	f->in.base = "/";
	set_ok(f, "dkim-key", "s3=k.pem");
	assert_string_equal(f->t.dkim_keys[2].path, "/k.pem");
}

/* Identities as smtprobe check and [host]/[domain] sections give them. */
static void
test_ident(void **state)
{
	static const struct {
		enum target_kind kind;
		const char	*arg, *id, *why;
	} cases[] = {
		{ TARGET_DOMAIN, "Example.COM.", "domain:example.com", NULL },
		{ TARGET_HOST, "mx.example.net:2525", "host:mx.example.net:2525",
		    NULL },
		{ TARGET_HOST, "2001:db8::25", "host:[2001:db8::25]", NULL },
		{ TARGET_HOST, "[2001:db8::25]:25", "host:[2001:db8::25]:25",
		    NULL },
		{ TARGET_DOMAIN, "192.0.2.1", NULL, "an address is not a "
		    "domain: use [host 192.0.2.1]" },
		{ TARGET_DOMAIN, "not a zone!!", NULL, "\"not a zone!!\" is "
		    "not a domain name" },
		{ TARGET_HOST, "mx.example.net:0", NULL, "\"0\" is not a port" },
		{ TARGET_HOST, "[::1", NULL, "missing ']' after the IPv6 "
		    "address" },
	};
	struct fixture	*f = *state;
	size_t		 i;
	int		 rv;

	for (i = 0; i < N(cases); i++) {
		target_input_init(&f->in, f->arena, NULL);
		target_defaults(&f->t);
		rv = target_ident(&f->t, &f->in, cases[i].kind, cases[i].arg);
		if (cases[i].id != NULL) {
			assert_int_equal(rv, 0);
			assert_string_equal(f->t.id, cases[i].id);
			assert_int_equal(f->t.hash, util_hash64(f->t.id,
			    strlen(f->t.id)));
		} else {
			assert_int_equal(rv, -1);
			assert_string_equal(f->in.why, cases[i].why);
		}
	}
}

/* target_check_params: addresses, family, names, helo. */
static void
test_check_params(void **state)
{
	struct fixture		*f = *state;
	struct check_params	 p;
	const struct sockaddr_in6 *s6;

	/* addresses given: used as given, filtered by family */
	fresh(f, TARGET_HOST, "mx.example.net:2525");
	set_ok(f, "addr", "192.0.2.8");
	set_ok(f, "addr", "2001:db8::8");
	set_ok(f, "name", "cert.example.net");
	assert_int_equal(target_end(&f->t, &f->in), 0);
	target_check_params(&f->t, NULL, &p);
	assert_string_equal(p.target, "host:mx.example.net:2525");
	assert_string_equal(p.name, "mx.example.net");
	assert_string_equal(p.cert_name, "cert.example.net");
	assert_string_equal(p.proto.host, "cert.example.net");
	assert_int_equal(p.host_mode, 1);
	assert_int_equal(p.use_addrs, 1);
	assert_int_equal(p.naddrs, 2);
	assert_int_equal(p.nports, 1);
	assert_int_equal(p.ports[0], 2525);
	assert_string_equal(p.proto.helo, "localhost");
	/* every check and session is bounded unless told otherwise */
	assert_int_equal(p.timeout_ms, 15 * 60 * 1000);
	assert_int_equal(p.proto.session_timeout_ms, 10 * 60 * 1000);
	set_ok(f, "timeout", "7s");
	set_ok(f, "timeout", "session=3s");
	target_check_params(&f->t, NULL, &p);
	assert_int_equal(p.timeout_ms, 7000);
	assert_int_equal(p.proto.session_timeout_ms, 3000);
	set_ok(f, "family", "ipv6");
	target_check_params(&f->t, "me.example", &p);
	assert_int_equal(p.use_addrs, 1);
	assert_int_equal(p.naddrs, 1);
	s6 = (const struct sockaddr_in6 *)&p.addrs[0];
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(p.addrlens[0], sizeof(*s6));
	assert_string_equal(p.proto.helo, "me.example");

	/* a literal of the other family: nothing left, and the check says */
	fresh(f, TARGET_HOST, "192.0.2.1");
	set_ok(f, "family", "ipv6");
	assert_int_equal(target_end(&f->t, &f->in), 0);
	target_check_params(&f->t, NULL, &p);
	assert_int_equal(p.use_addrs, 1);
	assert_int_equal(p.naddrs, 0);

	/* a domain: DNS, the audit's settings */
	fresh(f, TARGET_DOMAIN, "example.com");
	set_ok(f, "helo", "own.example");
	set_ok(f, "timeout", "connect=12s");
	set_ok(f, "dkim-selector", "a");
	set_ok(f, "dkim-key", "b=/b.pem");
	set_ok(f, "dkim-key", "a=/a.pem");
	assert_int_equal(target_end(&f->t, &f->in), 0);
	target_check_params(&f->t, "me.example", &p);
	assert_int_equal(p.host_mode, 0);
	assert_int_equal(p.use_addrs, 0);
	assert_null(p.cert_name);
	assert_string_equal(p.proto.helo, "own.example");
	assert_int_equal(p.audit.fetch_timeout_ms, 20000);
	assert_int_equal(p.audit.ndkim, 2);
	assert_string_equal(p.audit.dkim_selectors[0], "a");
	assert_string_equal(p.audit.dkim_selectors[1], "b");
	assert_null(p.audit.dkim_keys);	/* the PEM are the caller's */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_print_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ident, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_params, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
