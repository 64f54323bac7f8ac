/*
 * dns_bench.c - look-ups per second through lib/dns, cached and
 * uncached, for the resolver's budget (20 000 cached and 2 000
 * uncached look-ups per second on one core).
 *
 *	dns_bench -s ADDR:PORT [-p PARALLEL] [-r RUNS] [-t TAG] MODE ARGS
 *
 *	cached NAME N		N look-ups of one name after a first one
 *				has filled the cache
 *	cachedmany FMT K N	K names (FMT with one %ld, e.g.
 *				"q%ld.dnsb.example") looked up once to fill
 *				the cache, then N look-ups cycling over them
 *	uncached FMT N		N distinct names, never asked before: every
 *				look-up is a query to the server
 *
 * PARALLEL look-ups are outstanding at any time (the callback of one
 * starts the next). Each run uses a fresh resolver (default config:
 * cache 10 000 entries; max_inflight raised to PARALLEL). Reported per
 * run and as the median of RUNS: the wall rate, the CPU time of this
 * process (user + system, getrusage) per look-up, and the rate one core
 * would sustain at that CPU cost. Every result must be DNS_OK: anything
 * else is counted in TAG.bad and makes the exit status 1.
 */
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "dns.h"
#include "log.h"

#define RUNS_MAX	32

static struct event_base *base;
static struct dns_resolver *res;
static const char	*fmt, *one;
static long		 k, total, started, finished, bad, parallel = 64;
static int		 cycling;

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void	start_one(void);

/* FMT is PREFIX%ldSUFFIX: the name of number i, without a format string */
static void
name_of(char *buf, size_t sz, const char *pat, long i)
{
	const char	*p = strstr(pat, "%ld");

	if (p == NULL)
		snprintf(buf, sz, "%ld.%s", i, pat);
	else
		snprintf(buf, sz, "%.*s%ld%s", (int)(p - pat), pat, i, p + 3);
}

static void
done_cb(const struct dns_result *r, void *arg)
{
	(void)arg;
	if (r->status != DNS_OK) {
		if (bad++ < 3)
			fprintf(stderr, "dns_bench: %s: %s%s%s\n", r->name,
			    dns_status_name(r->status), r->why ? " " : "",
			    r->why ? r->why : "");
	}
	finished++;
	if (started < total)
		start_one();
	else if (finished == total)
		event_base_loopbreak(base);
}

static void
start_one(void)
{
	char	 name[300];
	long	 i = started++;

	if (one != NULL)
		snprintf(name, sizeof(name), "%s", one);
	else
		name_of(name, sizeof(name), fmt, cycling ? i % k : i);
	if (dns_lookup(res, name, LDNS_RR_TYPE_A, done_cb, NULL) == NULL) {
		fprintf(stderr, "dns_bench: out of memory\n");
		exit(1);
	}
}

/* n look-ups, parallel at a time, from the current name sequence */
static void
batch(long n)
{
	long	 i;

	total = n;
	started = finished = 0;
	for (i = 0; i < parallel && started < total; i++)
		start_one();
	if (total > 0)
		event_base_dispatch(base);
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

static void
usage(void)
{
	fprintf(stderr, "usage: dns_bench -s ADDR:PORT [-p PARALLEL] [-r RUNS]"
	    " [-t TAG]\n"
	    "                 cached NAME N | cachedmany FMT K N | "
	    "uncached FMT N\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct dns_config	 cfg;
	const struct dns_stats	*st;
	double			 rate[RUNS_MAX], cpu_us[RUNS_MAX], core[RUNS_MAX];
	double			 t0, c0, t1, c1;
	const char		*tag = "dns", *mode;
	char			*cause = NULL;
	long			 n = 0, sent = 0, hits = 0;
	int			 ch, runs = 3, r;

	log_init(1, "dns_bench", 0);
	dns_config_init(&cfg);
	while ((ch = getopt(argc, argv, "p:r:s:t:")) != -1) {
		switch (ch) {
		case 'p':
			parallel = atol(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 's':
			if (dns_config_add_server(&cfg, optarg, &cause) == -1) {
				fprintf(stderr, "dns_bench: %s\n", cause);
				return 2;
			}
			break;
		case 't':
			tag = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || cfg.nservers == 0 || parallel < 1 || runs < 1 ||
	    runs > RUNS_MAX)
		usage();
	mode = argv[0];
	if (strcmp(mode, "cached") == 0 && argc == 3) {
		one = argv[1];
		n = atol(argv[2]);
	} else if (strcmp(mode, "cachedmany") == 0 && argc == 4) {
		fmt = argv[1];
		k = atol(argv[2]);
		n = atol(argv[3]);
		cycling = 1;
	} else if (strcmp(mode, "uncached") == 0 && argc == 3) {
		fmt = argv[1];
		n = atol(argv[2]);
	} else
		usage();
	if (n < 1 || (cycling && (k < 1 || (size_t)k > cfg.cache_entries)))
		usage();
	if ((size_t)parallel > cfg.max_inflight)
		cfg.max_inflight = (size_t)parallel;
	if ((base = event_base_new()) == NULL)
		return 1;

	for (r = 0; r < runs; r++) {
		if ((res = dns_resolver_new(base, &cfg, &cause)) == NULL) {
			fprintf(stderr, "dns_bench: %s\n", cause);
			return 1;
		}
		/* fill the cache (not timed) */
		if (one != NULL)
			batch(1);
		else if (cycling)
			batch(k);
		st = dns_resolver_stats(res);
		sent = (long)st->sent;
		hits = (long)st->cache_hits;
		t0 = now_s();
		c0 = cpu_s();
		batch(n);
		t1 = now_s();
		c1 = cpu_s();
		st = dns_resolver_stats(res);
		rate[r] = (double)n / (t1 - t0);
		cpu_us[r] = (c1 - c0) * 1e6 / (double)n;
		core[r] = cpu_us[r] > 0 ? 1e6 / cpu_us[r] : 0;
		printf("%s.run%d.rate=%.0f\n%s.run%d.cpu_us=%.2f\n"
		    "%s.run%d.sent=%ld\n%s.run%d.cache_hits=%ld\n", tag, r,
		    rate[r], tag, r, cpu_us[r], tag, r,
		    (long)st->sent - sent, tag, r, (long)st->cache_hits - hits);
		dns_resolver_free(res);
	}
	printf("%s.n=%ld\n%s.parallel=%ld\n%s.runs=%d\n", tag, n, tag,
	    parallel, tag, runs);
	printf("%s.rate=%.0f\n", tag, median(rate, runs));
	printf("%s.cpu_us=%.2f\n", tag, median(cpu_us, runs));
	printf("%s.core_rate=%.0f\n", tag, median(core, runs));
	printf("%s.bad=%ld\n", tag, bad);
	event_base_free(base);
	return bad ? 1 : 0;
}
