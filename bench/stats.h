/*
 * stats.h - what every benchmark program measures the same way: CPU
 * time from getrusage, a monotonic clock, percentiles of a sample, the
 * heap in use (mallinfo2) and the resident set size.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* What getrusage() says about a target: CPU time and how often it slept. */
struct stats_cpu {
	int64_t	 user_us;
	int64_t	 sys_us;
	int64_t	 wakeups;	/* voluntary context switches: waits for I/O */
};

/* Monotonic clock in microseconds. */
int64_t		 stats_now_us(void);

/* CPU used so far by who (RUSAGE_SELF or RUSAGE_CHILDREN). */
void		 stats_cpu(int who, struct stats_cpu *);

/* b - a, field by field. */
void		 stats_cpu_sub(const struct stats_cpu *b,
		    const struct stats_cpu *a, struct stats_cpu *d);

/*
 * The p-th percentile (0..100, nearest rank) of n samples; v is sorted
 * in place. 0 when n is 0.
 */
int64_t		 stats_percentile(int64_t *v, size_t n, double p);

/*
 * Append n samples to the file path, one decimal number a line (so runs
 * in several chunks can be pooled for percentiles). -1 on error.
 */
int		 stats_save(const char *path, const int64_t *v, size_t n);

/* Heap bytes in use: mallinfo2() uordblks + hblkhd (all arenas). */
size_t		 stats_heap_bytes(void);

/* Resident set size of this process in bytes (/proc/self/statm). */
size_t		 stats_rss_bytes(void);

/*
 * The malloc-counting shim (malloc_count.so) when it is preloaded:
 * allocation and free calls so far. Returns -1 when it is not loaded.
 */
int		 stats_malloc_calls(uint64_t *allocs, uint64_t *frees);

/* Raise RLIMIT_NOFILE to at least n; -1 with errno on failure. */
int		 stats_nofile(long n);

#endif
