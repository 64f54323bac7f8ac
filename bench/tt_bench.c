/*
 * tt_bench.c - the scheduler's work per due target (its budget: O(log n)):
 * lib/timetable.h with n targets queued, timed over the daemon's cycle
 * for one due target: timetable_pop_due() of the earliest, then
 * timetable_put() at its next due time (interval plus jitter).
 *
 *	tt_bench [-o OPS] [-r RUNS] N...
 *
 * Each target is a 128-byte struct with the item inside (the daemon's
 * struct target is larger), so a big heap misses the caches as the
 * daemon's would. Due times start uniform over one interval; OPS cycles
 * are timed (default 2 000 000) after n untimed ones, RUNS times
 * (default 5); the median is reported as ns per cycle, also divided by
 * log2(n), and as growth against the first n given (the baseline).
 * For contrast a linear-scan scheduler (the earliest found by looking at
 * every target, the O(n) design a heap replaces) is timed for
 * n <= 100 000 with fewer cycles.
 *
 * Wall time per cycle also grows with cache and TLB misses once the
 * targets no longer fit in the caches; the work itself is counted with
 * -H under callgrind (daemon_bench.sh runs it twice per n with different
 * OPS: the difference of the instruction counts over the difference of
 * OPS is the instructions per cycle, set-up excluded).
 *
 *	tt_bench -H [-o OPS] N	one heap run, nothing printed
 *
 * Output: key=value lines.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "timetable.h"

#define INTERVAL	600000		/* ms: 10 minutes */
#define JITTER		60000
#define RUNS_MAX	32

struct target {
	struct timetable_item	 item;
	char			 pad[128 - sizeof(struct timetable_item)];
};

static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static double
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ns per pop+put cycle with n targets queued */
static double
heap_run(long n, long ops)
{
	struct timetable	 tt;
	struct target		*t;
	struct timetable_item	*it;
	double			 t0, t1;
	long			 i;

	if ((t = calloc((size_t)n, sizeof(*t))) == NULL) {
		perror("tt_bench");
		exit(1);
	}
	timetable_init(&tt);
	for (i = 0; i < n; i++) {
		timetable_item_init(&t[i].item, &t[i]);
		if (timetable_put(&tt, &t[i].item, (int64_t)(rnd() % INTERVAL))
		    == -1)
			exit(1);
	}
	/* untimed: let the heap reach its steady shape */
	for (i = 0; i < n; i++) {
		it = timetable_pop_due(&tt, INT64_MAX);
		timetable_put(&tt, it, it->due + INTERVAL +
		    (int64_t)(rnd() % JITTER));
	}
	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		it = timetable_pop_due(&tt, INT64_MAX);
		timetable_put(&tt, it, it->due + INTERVAL +
		    (int64_t)(rnd() % JITTER));
	}
	t1 = now_ns();
	if (tt.n != (size_t)n) {
		fprintf(stderr, "tt_bench: %zu queued, expected %ld\n", tt.n, n);
		exit(1);
	}
	timetable_free(&tt);
	free(t);
	return (t1 - t0) / (double)ops;
}

/* The O(n) contrast: the earliest due found by a scan of every target. */
static double
scan_run(long n, long ops)
{
	int64_t	*due;
	double	 t0, t1;
	long	 i, j, m;

	if ((due = malloc((size_t)n * sizeof(*due))) == NULL)
		exit(1);
	for (i = 0; i < n; i++)
		due[i] = (int64_t)(rnd() % INTERVAL);
	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		for (m = 0, j = 1; j < n; j++)
			if (due[j] < due[m])
				m = j;
		due[m] += INTERVAL + (int64_t)(rnd() % JITTER);
	}
	t1 = now_ns();
	free(due);
	return (t1 - t0) / (double)ops;
}

int
main(int argc, char *argv[])
{
	double	 v[RUNS_MAX], ns, base = 0, base_log = 0, s;
	long	 ops = 2000000, n;
	int	 ch, runs = 5, a, r, once = 0;

	while ((ch = getopt(argc, argv, "Ho:r:")) != -1) {
		switch (ch) {
		case 'H':
			once = 1;
			break;
		case 'o':
			ops = atol(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind == argc || ops < 1 || runs < 1 || runs > RUNS_MAX) {
usage:
		fprintf(stderr, "usage: tt_bench [-o OPS] [-r RUNS] N...\n"
		    "       tt_bench -H [-o OPS] N\n");
		return 2;
	}
	if (once) {
		if (argc - optind != 1 || (n = atol(argv[optind])) < 2)
			goto usage;
		heap_run(n, ops);
		return 0;
	}
	for (a = optind; a < argc; a++) {
		n = atol(argv[a]);
		if (n < 2)
			goto usage;
		for (r = 0; r < runs; r++)
			v[r] = heap_run(n, ops);
		ns = median(v, runs);
		if (a == optind) {
			base = ns;
			base_log = log2((double)n);
		}
		printf("tt.%ld.ns=%.1f\n", n, ns);
		printf("tt.%ld.ns_per_log2n=%.2f\n", n, ns / log2((double)n));
		printf("tt.%ld.growth=%.2f\n", n, ns / base);
		printf("tt.%ld.log_growth=%.2f\n", n, log2((double)n) / base_log);
		if (n <= 100000) {
			long	 sops = 20000000 / n;

			for (r = 0; r < 3; r++)
				v[r] = scan_run(n, sops < 20 ? 20 : sops);
			s = median(v, 3);
			printf("tt.%ld.scan_ns=%.1f\n", n, s);
		}
		fflush(stdout);
	}
	return 0;
}
