/*
 * stats.c - measurement helpers shared by the benchmark programs.
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <dlfcn.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

int64_t
stats_now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t
tv_us(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

void
stats_cpu(int who, struct stats_cpu *c)
{
	struct rusage	 ru;

	getrusage(who, &ru);
	c->user_us = tv_us(&ru.ru_utime);
	c->sys_us = tv_us(&ru.ru_stime);
	c->wakeups = ru.ru_nvcsw;
}

void
stats_cpu_sub(const struct stats_cpu *b, const struct stats_cpu *a,
    struct stats_cpu *d)
{
	d->user_us = b->user_us - a->user_us;
	d->sys_us = b->sys_us - a->sys_us;
	d->wakeups = b->wakeups - a->wakeups;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int64_t
stats_percentile(int64_t *v, size_t n, double p)
{
	size_t	 rank;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_i64);
	/* nearest rank: the smallest value with at least p% at or below */
	rank = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

int
stats_save(const char *path, const int64_t *v, size_t n)
{
	FILE	*f;
	size_t	 i;
	int	 rv;

	if ((f = fopen(path, "a")) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		fprintf(f, "%lld\n", (long long)v[i]);
	rv = ferror(f) ? -1 : 0;
	if (fclose(f) == EOF)
		rv = -1;
	return rv;
}

size_t
stats_heap_bytes(void)
{
	struct mallinfo2	 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

size_t
stats_rss_bytes(void)
{
	FILE		*f;
	unsigned long	 size, rss;

	if ((f = fopen("/proc/self/statm", "r")) == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (size_t)sysconf(_SC_PAGESIZE);
}

int
stats_malloc_calls(uint64_t *allocs, uint64_t *frees)
{
	void	(*get)(uint64_t *, uint64_t *);

	/* a data pointer to a function pointer: POSIX allows it for dlsym */
	*(void **)&get = dlsym(RTLD_DEFAULT, "malloc_count_get");
	if (get == NULL)
		return -1;
	get(allocs, frees);
	return 0;
}

int
stats_nofile(long n)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if ((long)rl.rlim_cur >= n)
		return 0;
	if ((long)rl.rlim_max < n)
		rl.rlim_max = (rlim_t)n;
	rl.rlim_cur = (rlim_t)n;
	return setrlimit(RLIMIT_NOFILE, &rl);
}
