/*
 * test_admit.c - unit tests of lib/admit.c on virtual time: the clock
 * is a variable the test moves and the random source a list the test
 * writes, so spacing, the caps, jitter and the spread of first runs are
 * checked to the millisecond without waiting.
 *
 * Each scenario is a table of steps: move the clock, ask for a session
 * of an owner (a target) to an address and expect "now" (0) or a wait,
 * end a session, or ask for a delay with the next random number given.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "admit.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* The virtual world: a clock and the next random number. */
struct world {
	int64_t		 now;
	uint64_t	 rnd;
	int		 draws;		/* random numbers taken */
};

static int64_t
w_now(void *arg)
{
	return ((struct world *)arg)->now;
}

static uint64_t
w_random(void *arg)
{
	struct world	*w = arg;

	w->draws++;
	return w->rnd;
}

enum op {
	AT,		/* the clock is at ms */
	ACQ,		/* owner asks for a session to addr: want 0 or a wait */
	REL,		/* a session of owner ends */
	NEXT,		/* admit_next_delay(ms) with random rnd: want */
	FIRST,		/* admit_first_delay(ms) with random rnd: want */
	SET,		/* new parameters: spacing ms, concurrency want */
};

struct step {
	enum op		 op;
	int		 owner;		/* 0 .. 3 */
	const char	*addr;		/* "192.0.2.1", "2001:db8::1", with a
					   port as ":25" after a space */
	int64_t		 ms;
	uint64_t	 rnd;
	int64_t		 want;
};

struct scenario {
	const char		*name;
	struct admit_params	 p;
	const struct step	*steps;
	size_t			 nsteps;
};

/* "ADDR" or "ADDR PORT" into ss. */
static void
addr_of(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;
	char			 a[64];
	const char		*sp = strchr(s, ' ');
	int			 port = sp ? atoi(sp + 1) : 25;

	snprintf(a, sizeof(a), "%.*s", sp ? (int)(sp - s) : (int)strlen(s), s);
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
	} else
		fail_msg("%s: not an address", s);
}

static void
run(const struct scenario *sc)
{
	static struct admit	 a;	/* 32 KiB of slots: not on the stack */
	struct admit_owner	 owner[4];
	struct admit_env	 env;
	struct admit_params	 p = sc->p;
	struct world		 w;
	struct sockaddr_storage	 ss;
	size_t			 i;
	int64_t			 got = 0;

	memset(&w, 0, sizeof(w));
	memset(owner, 0, sizeof(owner));
	env.now_ms = w_now;
	env.random = w_random;
	env.arg = &w;
	admit_init(&a, &sc->p, &env);
	for (i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];

		switch (st->op) {
		case AT:
			w.now = st->ms;
			continue;
		case ACQ:
			addr_of(st->addr, &ss);
			got = admit_acquire(&a, &owner[st->owner], &ss);
			break;
		case REL:
			admit_release(&a, &owner[st->owner]);
			continue;
		case NEXT:
			w.rnd = st->rnd;
			got = admit_next_delay(&a, st->ms);
			break;
		case FIRST:
			w.rnd = st->rnd;
			got = admit_first_delay(&a, st->ms);
			break;
		case SET:
			p.spacing_ms = st->ms;
			p.concurrency = (int)st->want;
			admit_set_params(&a, &p);
			continue;
		}
		if (got != st->want)
			fail_msg("%s, step %zu (t=%lld): got %lld, want %lld",
			    sc->name, i, (long long)w.now, (long long)got,
			    (long long)st->want);
	}
}

#define SCENARIO(name, p, steps)	{ name, p, steps, N(steps) }

/*
 * Spacing: two sessions to one address start at least spacing apart,
 * whatever the port; other addresses are not held back; a refused
 * session does not move the time.
 */
static const struct step spacing_steps[] = {
	{ AT, 0, NULL, 1000, 0, 0 },
	{ ACQ, 0, "192.0.2.1", 0, 0, 0 },
	{ ACQ, 1, "192.0.2.1 587", 0, 0, 2000 },	/* same address */
	{ ACQ, 1, "192.0.2.2", 0, 0, 0 },		/* another one */
	{ ACQ, 1, "2001:db8::1", 0, 0, 0 },
	{ AT, 0, NULL, 1500, 0, 0 },
	{ ACQ, 2, "192.0.2.1", 0, 0, 1500 },		/* the rest of it */
	{ ACQ, 2, "2001:db8::1", 0, 0, 1500 },
	{ AT, 0, NULL, 2999, 0, 0 },
	{ ACQ, 2, "192.0.2.1", 0, 0, 1 },
	{ AT, 0, NULL, 3000, 0, 0 },
	{ ACQ, 2, "192.0.2.1", 0, 0, 0 },		/* spacing reached */
	{ ACQ, 3, "192.0.2.1", 0, 0, 2000 },		/* from the new start */
	/* a shorter spacing applies from the next session on */
	{ SET, 0, NULL, 500, 0, 100 },
	{ AT, 0, NULL, 4999, 0, 0 },
	{ ACQ, 3, "192.0.2.1", 0, 0, 1 },
	{ AT, 0, NULL, 5000, 0, 0 },
	{ ACQ, 3, "192.0.2.1", 0, 0, 0 },
	{ AT, 0, NULL, 5499, 0, 0 },
	{ ACQ, 3, "192.0.2.1", 0, 0, 1 },
	/* no spacing: back to back, even at time 0 of the clock */
	{ SET, 0, NULL, 0, 0, 100 },
	{ AT, 0, NULL, 6000, 0, 0 },
	{ ACQ, 0, "192.0.2.9", 0, 0, 0 },
	{ ACQ, 0, "192.0.2.9", 0, 0, 0 },
};

static const struct step spacing_zero_steps[] = {
	{ ACQ, 0, "192.0.2.1", 0, 0, 0 },		/* at time 0 */
	{ ACQ, 0, "192.0.2.1", 0, 0, 0 },
	{ ACQ, 1, "192.0.2.1", 0, 0, 0 },
};

/*
 * The cap on sessions at once: the next waits ADMIT_RETRY_MS, whoever
 * asks, until one ends; a wait counts nothing.
 */
static const struct step cap_steps[] = {
	{ AT, 0, NULL, 10, 0, 0 },
	{ ACQ, 0, "192.0.2.1", 0, 0, 0 },
	{ ACQ, 1, "192.0.2.2", 0, 0, 0 },
	{ ACQ, 2, "192.0.2.3", 0, 0, 0 },
	{ ACQ, 3, "192.0.2.4", 0, 0, ADMIT_RETRY_MS },
	{ ACQ, 0, "192.0.2.5", 0, 0, ADMIT_RETRY_MS },
	{ REL, 1, NULL, 0, 0, 0 },
	{ ACQ, 3, "192.0.2.4", 0, 0, 0 },		/* its turn now */
	{ ACQ, 3, "192.0.2.6", 0, 0, ADMIT_RETRY_MS },
	{ REL, 0, NULL, 0, 0, 0 },
	{ REL, 2, NULL, 0, 0, 0 },
	{ REL, 3, NULL, 0, 0, 0 },
	{ REL, 3, NULL, 0, 0, 0 },			/* one too many: no harm */
	{ ACQ, 0, "192.0.2.7", 0, 0, 0 },
	{ ACQ, 0, "192.0.2.8", 0, 0, 0 },
	{ ACQ, 0, "192.0.2.9", 0, 0, 0 },
	{ ACQ, 1, "192.0.2.10", 0, 0, ADMIT_RETRY_MS },
	/* a reload lowers the cap: nobody starts until under it */
	{ SET, 0, NULL, 0, 0, 2 },
	{ REL, 0, NULL, 0, 0, 0 },
	{ ACQ, 1, "192.0.2.10", 0, 0, ADMIT_RETRY_MS },
	{ REL, 0, NULL, 0, 0, 0 },
	{ ACQ, 1, "192.0.2.10", 0, 0, 0 },
};

/* The cap per target: one target waits, another starts. */
static const struct step per_target_steps[] = {
	{ AT, 0, NULL, 10, 0, 0 },
	{ ACQ, 0, "192.0.2.1", 0, 0, 0 },
	{ ACQ, 0, "192.0.2.2", 0, 0, 0 },
	{ ACQ, 0, "192.0.2.3", 0, 0, ADMIT_RETRY_MS },
	{ ACQ, 1, "192.0.2.3", 0, 0, 0 },
	{ ACQ, 1, "192.0.2.4", 0, 0, 0 },
	{ ACQ, 1, "192.0.2.5", 0, 0, ADMIT_RETRY_MS },
	{ REL, 0, NULL, 0, 0, 0 },
	{ ACQ, 1, "192.0.2.5", 0, 0, ADMIT_RETRY_MS },	/* still 1's cap */
	{ ACQ, 0, "192.0.2.6", 0, 0, 0 },
	{ ACQ, 2, "192.0.2.7", 0, 0, ADMIT_RETRY_MS },	/* the global cap */
};

/*
 * Jitter: the interval plus the random number modulo the jitter, a
 * percentage of the interval or a duration; none when it is 0.
 */
static const struct step jitter_pct_steps[] = {
	{ NEXT, 0, NULL, 60000, 0, 60000 },
	{ NEXT, 0, NULL, 60000, 5999, 65999 },		/* 10 %: below 6 s */
	{ NEXT, 0, NULL, 60000, 6000, 60000 },
	{ NEXT, 0, NULL, 60000, UINT64_MAX, 60000 + UINT64_MAX % 6000 },
	{ NEXT, 0, NULL, 5, 123, 5 },			/* 10 % of 5 ms: 0 */
};

static const struct step jitter_ms_steps[] = {
	{ NEXT, 0, NULL, 60000, 29999, 89999 },
	{ NEXT, 0, NULL, 1000, 29999, 30999 },		/* whatever the interval */
	{ NEXT, 0, NULL, 1000, 30000, 1000 },
};

static const struct step no_jitter_steps[] = {
	{ NEXT, 0, NULL, 60000, 12345, 60000 },
};

/* First runs: within the first tenth of the interval, of 1 s at least. */
static const struct step first_steps[] = {
	{ FIRST, 0, NULL, 300000, 0, 0 },
	{ FIRST, 0, NULL, 300000, 299999, 29999 },
	{ FIRST, 0, NULL, 300000, 300000, 0 },
	{ FIRST, 0, NULL, 300000, 123456789, 123456789 % 300000 / 10 },
	{ FIRST, 0, NULL, 10, 999, 99 },		/* 1 s at least */
	{ FIRST, 0, NULL, 10, 1000, 0 },
};

#define P(conc, per, spacing, pct, jms) \
	{ conc, per, spacing, pct, jms }

static const struct scenario scenarios[] = {
	SCENARIO("spacing", P(100, 0, 2000, 10, 0), spacing_steps),
	SCENARIO("spacing at zero", P(100, 0, 0, 10, 0), spacing_zero_steps),
	SCENARIO("concurrency cap", P(3, 0, 0, 10, 0), cap_steps),
	SCENARIO("per-target cap", P(4, 2, 0, 10, 0), per_target_steps),
	SCENARIO("jitter percent", P(1, 0, 0, 10, 0), jitter_pct_steps),
	SCENARIO("jitter duration", P(1, 0, 0, -1, 30000), jitter_ms_steps),
	SCENARIO("no jitter", P(1, 0, 0, 0, 0), no_jitter_steps),
	SCENARIO("first run", P(1, 0, 0, 10, 0), first_steps),
};

static void
test_scenarios(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < N(scenarios); i++)
		run(&scenarios[i]);
}

/*
 * The schedule as the daemon runs it, on virtual time: 1000 targets
 * start within the first tenth of their interval and then come back
 * every interval plus up to 10 %; with a real random source no second
 * ever starts more than a few of them, and every target runs.
 */
static uint64_t
xorshift(void *arg)
{
	uint64_t	*x = arg;

	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static int64_t
zero(void *arg)
{
	(void)arg;
	return 0;
}

static void
test_spread(void **state)
{
	static struct admit	 a;
	static int		 per_second[600];
	struct admit_params	 p = { 64, 8, 2000, 10, 0 };
	struct admit_env	 env = { zero, xorshift, NULL };
	uint64_t		 seed = 0x9e3779b97f4a7c15ULL;
	int64_t			 due;
	int			 i, k, most = 0, total = 0;

	(void)state;
	env.arg = &seed;
	admit_init(&a, &p, &env);
	memset(per_second, 0, sizeof(per_second));
	for (i = 0; i < 1000; i++) {
		due = admit_first_delay(&a, 300000);
		assert_true(due >= 0 && due < 30000);
		for (k = 0; due < 600000; k++) {
			per_second[due / 1000]++;
			total++;
			/* a run takes 2 s, then the interval and jitter */
			due += 2000 + admit_next_delay(&a, 300000);
		}
		assert_int_equal(k, 2);
	}
	for (i = 0; i < 600; i++)
		if (per_second[i] > most)
			most = per_second[i];
	assert_int_equal(total, 2000);
	/* 1000 in the first 30 s is 33 a second; a burst would be far more */
	if (most > 70)
		fail_msg("%d runs in one second", most);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
