/*
 * store_bench - how many session results per second the store commits,
 * in its batches, and how long reads take meanwhile. A benchmark, not a
 * test: it prints numbers (issue 4 asks for at least 20 000 results per
 * second).
 *
 *	store_bench [-n RESULTS] [-t TARGETS] [-d DIR] [-b BATCH]
 *
 * Each result is a session of 8 phases, like a probe that reached QUIT;
 * one in four carries a finding. Targets are spread over -t names (10
 * 000 by default), each with two addresses. The producer stays under
 * the queue bound so nothing is dropped; the clock runs from the first
 * result queued to the end of store_flush(). Every 1000 results a read
 * (the history of one target, limit 50) is timed from this thread, as
 * the daemon's loop would run it. The CPU time of the writer thread
 * (the process's less this thread's) gives a second figure that does
 * not depend on what else the machine runs.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "finding.h"
#include "log.h"
#include "smtp.h"
#include "store.h"

static double
cpu_s(int who)
{
	struct rusage	 ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct store_params	 p;
	struct store		*st;
	struct store_counters	 c;
	struct smtp_step	 steps[8];
	struct smtp_result	 r;
	static struct tls_cert leaf;
	struct finding_list	 fl = { NULL, 0, 0 };
	static const enum smtp_phase ph[8] = { PH_CONNECT, PH_BANNER, PH_EHLO,
	    PH_STARTTLS, PH_TLS, PH_EHLO2, PH_MAIL, PH_RCPT };
	static const int codes[8] = { 0, 220, 250, 220, 0, 250, 250, 250 };
	char			 dir[256], path[300], target[64], host[80];
	char			*cause = NULL;
	const char		*tmp = getenv("TMPDIR");
	double			 t0, t1, rt, rmax = 0, rsum = 0, qt, qsum = 0;
	double			 cpu0, cpu0_main, cpu_writer;
	long			 n = 200000, ntargets = 10000, i, nreads = 0;
	int			 ch, keep = 0, batch = 0, rv;
	json_t			*h;

	snprintf(dir, sizeof(dir), "%s/store_bench.%ld.%ld", tmp ? tmp : "/tmp",
	    (long)getpid(), (long)time(NULL));
	while ((ch = getopt(argc, argv, "b:d:n:t:")) != -1)
		switch (ch) {
		case 'b':
			batch = atoi(optarg);
			break;
		case 'd':
			snprintf(dir, sizeof(dir), "%s", optarg);
			keep = 1;
			break;
		case 'n':
			n = atol(optarg);
			break;
		case 't':
			ntargets = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: store_bench [-n RESULTS]"
			    " [-t TARGETS] [-d DIR] [-b BATCH]\n");
			return 2;
		}
	if (n <= 0 || ntargets <= 0)
		return 2;
	log_init(1, "store_bench", 0);
	if (!keep && mkdir(dir, 0700) == -1) {
		perror(dir);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/bench.db", dir);

	store_params_defaults(&p);
	p.path = path;
	if (batch > 0)
		p.batch_rows = batch;
	if ((st = store_open(&p, &cause)) == NULL) {
		fprintf(stderr, "store_bench: %s\n", cause);
		return 1;
	}
	memset(&r, 0, sizeof(r));
	memset(steps, 0, sizeof(steps));
	for (i = 0; i < 8; i++) {
		steps[i].phase = ph[i];
		steps[i].code = codes[i];
		steps[i].dur_us = 1000 + 37 * i;
	}
	steps[1].text = "mx.bench.test ESMTP Postfix";
	r.steps = steps;
	r.nsteps = 8;
	r.port = 25;
	r.outcome = SMTP_OK;
	r.total_us = 54321;
	r.tls_used = 1;
	snprintf(r.tls.version, sizeof(r.tls.version), "TLSv1.3");
	snprintf(r.tls.cipher, sizeof(r.tls.cipher), "TLS_AES_256_GCM_SHA384");
	r.tls.chain = &leaf;	/* tls_inspect allocates it in a real session */
	r.tls.nchain = 1;
	r.tls.chain[0].not_after = 1900000000;

	t0 = now_s();
	cpu0 = cpu_s(RUSAGE_SELF);
	cpu0_main = cpu_s(RUSAGE_THREAD);
	for (i = 0; i < n; i++) {
		long	 t = i % ntargets;

		snprintf(target, sizeof(target), "d%ld.bench.test", t);
		snprintf(host, sizeof(host), "mx.d%ld.bench.test", t);
		snprintf(r.remote, sizeof(r.remote), "198.51.%ld.%ld",
		    (t / 250) % 256, t % 250 + (i / ntargets) % 2);
		if (i % 4 == 0)
			finding_add(&fl, F_TLS_CERT_EXPIRING, -1, host, r.remote,
			    25, "certificate expires in 12 days");
		qt = now_s();
		rv = store_add_session(st, target, host, 1700000000 + i / 100,
		    &r, &fl);
		qsum += now_s() - qt;
		if (rv == -1) {
			fprintf(stderr, "store_bench: dropped at %ld\n", i);
			return 1;
		}
		finding_list_free(&fl);
		if (i % 1000 == 999) {
			snprintf(target, sizeof(target), "d%ld.bench.test",
			    (i * 7) % ntargets);
			rt = now_s();
			h = store_history(st, target, 0, 0, 50, &cause);
			rt = now_s() - rt;
			if (h == NULL) {
				fprintf(stderr, "store_bench: %s\n", cause);
				return 1;
			}
			json_decref(h);
			rsum += rt;
			nreads++;
			if (rt > rmax)
				rmax = rt;
		}
		for (;;) {
			store_counters(st, &c);
			if (c.queued < (uint64_t)p.queue_max / 2)
				break;
			usleep(500);
		}
	}
	if (store_flush(st, -1) == -1)
		return 1;
	t1 = now_s();
	cpu_writer = (cpu_s(RUSAGE_SELF) - cpu0) -
	    (cpu_s(RUSAGE_THREAD) - cpu0_main);
	store_counters(st, &c);
	printf("store_bench: %ld results (%" PRIu64 " rows) in %.2f s:"
	    " %.0f results/s, %.0f rows/s; %" PRIu64 " batches, %" PRIu64
	    " dropped, %" PRIu64 " errors, database %" PRId64 " bytes\n",
	    n, c.rows, t1 - t0, n / (t1 - t0), c.rows / (t1 - t0), c.batches,
	    c.dropped, c.errors, c.db_bytes);
	printf("store_bench: %ld reads (history, limit 50) while writing:"
	    " mean %.2f ms, max %.2f ms\n", nreads,
	    nreads ? rsum / nreads * 1000 : 0.0, rmax * 1000);
	printf("store_bench: writer thread %.2f CPU s: %.0f results per CPU"
	    " second; queueing %.2f us per result in the caller\n",
	    cpu_writer, cpu_writer > 0 ? n / cpu_writer : 0.0, qsum / n * 1e6);
	store_close(st);
	if (!keep) {
		char	 f[320];

		unlink(path);
		snprintf(f, sizeof(f), "%s-wal", path);
		unlink(f);
		snprintf(f, sizeof(f), "%s-shm", path);
		unlink(f);
		rmdir(dir);
	}
	return c.dropped == 0 && c.errors == 0 &&
	    c.rows >= (uint64_t)n ? 0 : 1;
}
