/*
 * store_bench.c - session results per second through lib/store.h
 * (queue, writer thread, batched transactions), the rows shaped like
 * sqlite_base's (its baseline, run by store_bench.sh in the same run): a
 * STARTTLS session of 8 phases with a one-certificate chain, a finding
 * for one result in four, TARGETS targets with two addresses each.
 *
 *	store_bench [-n RESULTS] [-t TARGETS] [-b BATCH] [-R] DIR
 *
 * The clock runs from the first store_add_session() to the end of
 * store_flush(); the producer backs off (1 ms sleeps) while more than
 * half the queue waits, so nothing is dropped. The writer thread's CPU
 * is the process's less the producer's (RUSAGE_THREAD). With -R, every
 * 1000 results the producer reads one target's history (limit 50), as
 * the daemon's loop does for a control request, and the reads are timed
 * (they slow the writes down: the rate is judged on runs without -R).
 * Output: key=value lines (prefix store.); exit 1 when a row was dropped
 * or a write failed.
 */
#include <sys/resource.h>
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
#include "tls.h"

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu_of(int who)
{
	struct rusage	 ru;

	getrusage(who, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int
main(int argc, char *argv[])
{
	static const enum smtp_phase phase[8] = { PH_CONNECT, PH_BANNER,
	    PH_EHLO, PH_STARTTLS, PH_TLS, PH_EHLO2, PH_MAIL, PH_QUIT };
	static const int code[8] = { 0, 220, 250, 220, 0, 250, 250, 221 };
	struct store_params	 sp;
	struct store_counters	 sc;
	struct store		*st;
	struct smtp_step	 steps[8];
	struct smtp_result	 res;
	struct tls_cert		 leaf;
	struct finding_list	 none = { NULL, 0, 0 }, one = { NULL, 0, 0 };
	char			 path[1100], target[64], host[80];
	char			*cause = NULL;
	long			 n = 200000, ntargets = 10000, i, nreads = 0;
	int			 ch, batch = 0, reads = 0;
	double			 t0, t1, c0, m0, cpu_all, cpu_main;
	double			 r0, rsum = 0, rmax = 0;

	while ((ch = getopt(argc, argv, "b:n:Rt:")) != -1) {
		switch (ch) {
		case 'b':
			batch = atoi(optarg);
			break;
		case 'R':
			reads = 1;
			break;
		case 'n':
			n = atol(optarg);
			break;
		case 't':
			ntargets = atol(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1 || n < 1 || ntargets < 1) {
usage:
		fprintf(stderr, "usage: store_bench [-n RESULTS] [-t TARGETS]"
		    " [-b BATCH] [-R] DIR\n");
		return 2;
	}
	log_init(1, "store_bench", 0);
	snprintf(path, sizeof(path), "%s/store.db", argv[optind]);
	store_params_defaults(&sp);
	sp.path = path;
	if (batch > 0)
		sp.batch_rows = batch;
	if ((st = store_open(&sp, &cause)) == NULL) {
		fprintf(stderr, "store_bench: %s\n", cause);
		return 1;
	}

	memset(steps, 0, sizeof(steps));
	for (i = 0; i < 8; i++) {
		steps[i].phase = phase[i];
		steps[i].code = code[i];
		steps[i].dur_us = 900 + 41 * i;
	}
	steps[1].text = "mx.bench.test ESMTP Postfix";
	memset(&leaf, 0, sizeof(leaf));
	snprintf(leaf.subject, sizeof(leaf.subject), "CN=mx.bench.test");
	snprintf(leaf.issuer, sizeof(leaf.issuer), "CN=bench CA");
	leaf.not_before = 1700000000;
	leaf.not_after = 1900000000;
	memset(&res, 0, sizeof(res));
	res.steps = steps;
	res.nsteps = 8;
	res.port = 25;
	res.outcome = SMTP_OK;
	res.total_us = 48000;
	res.tls_used = 1;
	snprintf(res.tls.version, sizeof(res.tls.version), "TLSv1.3");
	snprintf(res.tls.cipher, sizeof(res.tls.cipher),
	    "TLS_AES_256_GCM_SHA384");
	res.tls.nchain = 1;
	res.tls.chain = &leaf;

	t0 = now_s();
	c0 = cpu_of(RUSAGE_SELF);
	m0 = cpu_of(RUSAGE_THREAD);
	for (i = 0; i < n; i++) {
		long	 t = i % ntargets;
		int	 with = i % 4 == 0;

		snprintf(target, sizeof(target), "t%ld.bench.test", t);
		snprintf(host, sizeof(host), "mx.t%ld.bench.test", t);
		snprintf(res.remote, sizeof(res.remote), "198.18.%ld.%ld",
		    t / 200, t % 200 + (i / ntargets) % 2 * 50);
		if (with)
			finding_add(&one, F_TLS_CERT_EXPIRING, -1, host,
			    res.remote, 25, "certificate expires in 12 days");
		if (store_add_session(st, target, host, 1700000000 + i / 100,
		    &res, with ? &one : &none) == -1) {
			fprintf(stderr, "store_bench: dropped at %ld\n", i);
			return 1;
		}
		if (with)
			finding_list_free(&one);
		if (reads && i % 1000 == 500) {
			json_t	*h;

			r0 = now_s();
			h = store_history(st, target, 0, INT64_MAX, 50, &cause);
			r0 = now_s() - r0;
			if (h == NULL) {
				fprintf(stderr, "store_bench: history: %s\n",
				    cause);
				return 1;
			}
			json_decref(h);
			rsum += r0;
			if (r0 > rmax)
				rmax = r0;
			nreads++;
		}
		if (i % 1000 == 999)
			for (;;) {
				store_counters(st, &sc);
				if (sc.queued < (uint64_t)sp.queue_max / 2)
					break;
				usleep(1000);
			}
	}
	if (store_flush(st, -1) == -1) {
		fprintf(stderr, "store_bench: flush failed\n");
		return 1;
	}
	t1 = now_s();
	cpu_all = cpu_of(RUSAGE_SELF) - c0;
	cpu_main = cpu_of(RUSAGE_THREAD) - m0;
	store_counters(st, &sc);
	printf("store.n=%ld\nstore.rows=%" PRIu64 "\nstore.batches=%" PRIu64
	    "\nstore.dropped=%" PRIu64 "\nstore.errors=%" PRIu64 "\n", n,
	    sc.rows, sc.batches, sc.dropped, sc.errors);
	printf("store.seconds=%.3f\nstore.rate=%.0f\n", t1 - t0,
	    (double)n / (t1 - t0));
	printf("store.producer_us=%.2f\n", cpu_main * 1e6 / (double)n);
	printf("store.cpu_rate=%.0f\n", cpu_all - cpu_main > 0 ?
	    (double)n / (cpu_all - cpu_main) : 0.0);
	if (nreads > 0)
		printf("store.reads=%ld\nstore.read_mean_ms=%.3f\n"
		    "store.read_max_ms=%.3f\n", nreads, rsum / nreads * 1e3,
		    rmax * 1e3);
	store_close(st);
	return sc.dropped == 0 && sc.errors == 0 ? 0 : 1;
}
