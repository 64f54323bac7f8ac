/*
 * replydb_bench.c - what naming a refusal costs: the knowledge base of
 * refusals (lib/replydb.c) against two baselines measured in the same
 * run.
 *
 *	replydb_bench [-n ROUNDS]
 *
 * The replies are every row's example (the refusals the table knows),
 * then as many that no row knows (the same replies with their words
 * scrambled: the worst case, every bucket of the index probed for
 * nothing). Each round classifies all of them.
 *
 *	parse	reply_feed() of the same replies, line by line: what every
 *		reply costs the session engine anyway
 *	naive	the same table matched the obvious way, strcasestr() of
 *		every pattern over the lower-cased reply: the design the
 *		bucket index replaces
 *
 * Prints key=value lines: ns per reply for each, the ratios, and the
 * allocations per classification (with bench/out/malloc_count.so
 * preloaded; "n/a" without it). Budget: under 2 us per reply, no
 * allocation.
 */
#include <dlfcn.h>
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "replydb.h"

struct sample {
	char	*text;		/* the reply, lines joined by \n */
	size_t	 len;
	int	 code;		/* for replies published without one */
};

static int64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
allocs(uint64_t *n)
{
	static void	(*get)(uint64_t *, uint64_t *);
	uint64_t	 bytes;

	if (get == NULL)
		get = (void (*)(uint64_t *, uint64_t *))dlsym(RTLD_DEFAULT,
		    "malloc_count_get");
	*n = 0;
	if (get != NULL)
		get(n, &bytes);
}

/* The same bytes with letters rotated: the shape stays, words go. */
static char *
scramble(const char *s)
{
	char	*d = strdup(s), *p;

	if (d == NULL)
		err(1, "strdup");
	for (p = d + 4; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)('a' + (*p - 'a' + 7) % 26);
		else if (*p >= 'A' && *p <= 'Z')
			*p = (char)('A' + (*p - 'A' + 11) % 26);
	}
	return d;
}

/* The naive matcher: every pattern, strcasestr over the reply. */
static int
naive(const struct replydb_row *t, size_t n, const char *text)
{
	size_t	 i;
	int	 hit = -1;

	for (i = 0; i < n; i++)
		if (t[i].pattern != NULL && strcasestr(text, t[i].pattern))
			hit = (int)i;
	return hit;
}

static int
parse_reply(const char *text)
{
	struct reply	 r;
	const char	*p = text, *nl, *why;
	size_t		 len;

	reply_init(&r);
	for (;;) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (reply_feed(&r, p, len, &why) != REPLY_MORE || nl == NULL)
			break;
		p = nl + 1;
	}
	return r.code;
}

int
main(int argc, char *argv[])
{
	const struct replydb_row *t;
	struct replydb_match	  m;
	struct sample		 *s;
	size_t			  n, ns, i;
	int			  rounds = 2000, r, ch, sink = 0;
	int64_t			  t0, t_cls, t_parse, t_naive, t_known;
	uint64_t		  a0, a1;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		switch (ch) {
		case 'n':
			rounds = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: replydb_bench [-n rounds]\n");
			return 2;
		}
	}
	if (rounds < 1)
		rounds = 1;
	t = replydb_table(&n);
	if ((s = calloc(2 * n, sizeof(*s))) == NULL)
		err(1, "calloc");
	for (i = 0; i < n; i++) {
		s[i].text = strdup(t[i].example);
		s[n + i].text = scramble(t[i].example);
		if (s[i].text == NULL)
			err(1, "strdup");
		s[i].len = strlen(s[i].text);
		s[n + i].len = s[i].len;
		/* replies published without a code get the row's */
		if (!(t[i].example[0] >= '4' && t[i].example[0] <= '5'))
			s[i].code = s[n + i].code = t[i].code ? t[i].code : 550;
	}
	ns = 2 * n;
	/* the index is built on first use: not part of the cost per reply */
	replydb_classify(550, "warm up", 7, &m);

	allocs(&a0);
	t0 = now_ns();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++)
			sink += replydb_classify(s[i].code, s[i].text, s[i].len,
			    &m) + (int)m.cause;
	t_known = now_ns() - t0;
	t0 = now_ns();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < ns; i++)
			sink += replydb_classify(s[i].code, s[i].text, s[i].len,
			    &m) + (int)m.cause;
	t_cls = now_ns() - t0;
	allocs(&a1);
	t0 = now_ns();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < ns; i++)
			sink += parse_reply(s[i].text);
	t_parse = now_ns() - t0;
	t0 = now_ns();
	for (r = 0; r < rounds / 10 + 1; r++)
		for (i = 0; i < ns; i++)
			sink += naive(t, n, s[i].text);
	t_naive = (now_ns() - t0) * rounds / (rounds / 10 + 1);

	printf("replydb rows=%zu replies=%zu rounds=%d\n", n, ns, rounds);
	printf("replydb classify_ns=%.0f known_ns=%.0f\n",
	    (double)t_cls / ((double)rounds * ns),
	    (double)t_known / ((double)rounds * n));
	printf("replydb parse_ns=%.0f naive_ns=%.0f\n",
	    (double)t_parse / ((double)rounds * ns),
	    (double)t_naive / ((double)rounds * ns));
	printf("replydb classify_over_parse=%.2f naive_over_classify=%.1f\n",
	    (double)t_cls / (double)t_parse, (double)t_naive / (double)t_cls);
	if (dlsym(RTLD_DEFAULT, "malloc_count_get") != NULL)
		printf("replydb allocs_per_classify=%.4f\n", (double)(a1 - a0) /
		    ((double)rounds * (double)(n + ns)));
	else
		printf("replydb allocs_per_classify=n/a\n");
	printf("replydb budget_2us=%s\n", (double)t_cls /
	    ((double)rounds * ns) < 2000 ? "ok" : "MISSED");
	return sink == 42 ? 1 : 0;
}
