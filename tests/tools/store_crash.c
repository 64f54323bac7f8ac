/*
 * store_crash - write to a store as fast as it takes, to be killed; then
 * check what a restart finds. For tests/scenario/store.sh.
 *
 *	store_crash write DB [-a AGE] [-s BYTES] [-e SECONDS] [-R RATE] [-q]
 *		Write sessions of target crash.test, each with one finding,
 *		plus an alert transition every 100 and an audit every 500,
 *		until killed or sent SIGTERM. A session's duration_us is its
 *		sequence number, going on from the largest in DB. After
 *		each store_flush() it prints "committed N": every session up
 *		to N is on disk ("flushed N" once anything was dropped). On SIGTERM it closes the store and prints
 *		"closed N". With -q it prints "stats rows=... dropped=...
 *		errors=... failing=..." every 200 ms as well. -a and -s set
 *		the retention (seconds, bytes), -e the store's error_interval
 *		(1 s by default here), -R paces the writes to RATE sessions a
 *		second.
 *
 *	store_crash verify DB [COMMITTED] [-r] [-H]
 *		PRAGMA integrity_check must say ok; the sessions must hold
 *		every sequence number from their smallest to their largest
 *		(a batch is all or nothing, and the oldest go first), the
 *		largest at least COMMITTED, from 1 unless -r (retention ran);
 *		without -r every session has exactly its one finding. -H
 *		allows holes (a full disk drops batches). Prints what it saw
 *		as key=value lines; exits 0 when all holds, 1 otherwise.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "finding.h"
#include "log.h"
#include "smtp.h"
#include "store.h"

#define TARGET		"crash.test"
#define FLUSH_EVERY	5000

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: store_crash write DB [-a AGE] [-s BYTES]"
	    " [-e SECONDS] [-R RATE] [-q]\n"
	    "       store_crash verify DB [COMMITTED] [-r] [-H]\n");
	exit(2);
}

/* One integer from a query, -1 on error (with a message). */
static int64_t
q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "store_crash: %s: %s\n", sql,
		    sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int64_t
last_seq(const char *path)
{
	sqlite3	*db;
	int64_t	 v = 0;

	if (access(path, F_OK) == -1)
		return 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK) {
		sqlite3_busy_timeout(db, 5000);
		v = q1(db, "SELECT coalesce(max(duration_us), 0) FROM sessions"
		    " WHERE target = '" TARGET "'");
	}
	sqlite3_close(db);
	return v < 0 ? 0 : v;
}

static int
do_write(int argc, char **argv)
{
	struct store_params	 p;
	struct store		*st;
	struct store_counters	 c;
	struct smtp_step	 steps[6];
	struct smtp_result	 r;
	struct finding_list	 fl = { NULL, 0, 0 };
	struct store_alert	 a;
	struct timespec		 ts;
	json_t			*rec;
	const char		*path = argv[0];
	char			*cause = NULL, addr[64];
	int64_t			 seq, age = 0, bytes = 0, now, last_stats = 0;
	int64_t			 rate = 0, start, written = 0;
	int			 ch, quiet_stats = 0, i, open_alert = 0;
	int			 err_interval = 1;

	optind = 1;
	while ((ch = getopt(argc, argv, "a:e:qR:s:")) != -1)
		switch (ch) {
		case 'a':
			age = strtoll(optarg, NULL, 10);
			break;
		case 'e':
			err_interval = atoi(optarg);
			break;
		case 'R':
			rate = strtoll(optarg, NULL, 10);
			break;
		case 'q':
			quiet_stats = 1;
			break;
		case 's':
			bytes = strtoll(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	signal(SIGTERM, on_term);
	seq = last_seq(path);
	store_params_defaults(&p);
	p.path = path;
	p.retain_age = age;
	p.retain_bytes = bytes;
	p.retain_interval_ms = 100;
	p.error_interval = err_interval;
	if ((st = store_open(&p, &cause)) == NULL) {
		fprintf(stderr, "store_crash: %s\n", cause);
		return 1;
	}

	memset(&r, 0, sizeof(r));
	memset(steps, 0, sizeof(steps));
	steps[0].phase = PH_CONNECT;
	steps[1].phase = PH_BANNER;
	steps[1].code = 220;
	steps[1].text = "mx.crash.test ESMTP";
	steps[2].phase = PH_EHLO;
	steps[2].code = 250;
	steps[3].phase = PH_MAIL;
	steps[3].code = 250;
	steps[4].phase = PH_RCPT;
	steps[4].code = 450;
	steps[4].text = "4.7.1 greylisted, try again later";
	steps[5].phase = PH_QUIT;
	steps[5].code = 221;
	for (i = 0; i < 6; i++)
		steps[i].dur_us = 100 * (i + 1);
	r.steps = steps;
	r.nsteps = 6;
	r.port = 25;
	r.outcome = SMTP_OK;
	rec = json_pack("{s:[s],s:s}", "mx", "mx.crash.test", "spf",
	    "v=spf1 mx -all");

	clock_gettime(CLOCK_MONOTONIC, &ts);
	start = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	while (!stop) {
		if (rate > 0) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
			if (written >= (now - start) * rate / 1000) {
				usleep(1000);
				continue;
			}
		}
		written++;
		seq++;
		snprintf(addr, sizeof(addr), "192.0.2.%d", (int)(seq % 200) + 1);
		snprintf(r.remote, sizeof(r.remote), "%s", addr);
		r.total_us = seq;
		finding_add(&fl, F_POLICY_GREYLISTED, -1, "mx.crash.test", addr,
		    25, "RCPT TO: 450 4.7.1 greylisted (seq %" PRId64 ")", seq);
		store_add_session(st, TARGET, "mx.crash.test", time(NULL), &r,
		    &fl);
		finding_list_free(&fl);
		if (seq % 100 == 0) {
			memset(&a, 0, sizeof(a));
			a.target = TARGET;
			a.host = "mx.crash.test";
			a.addr = "192.0.2.1";
			a.port = 25;
			a.finding = "policy.greylisted";
			a.severity = SEV_WARN;
			a.event = open_alert ? STORE_CLEARED : STORE_RAISED;
			a.at = a.since = a.notified = time(NULL);
			a.evidence = "450 4.7.1";
			store_add_alert(st, &a);
			open_alert = !open_alert;
		}
		if (seq % 500 == 0)
			store_add_audit(st, TARGET, time(NULL), 12, rec, NULL);
		if (seq % FLUSH_EVERY == 0 && store_flush(st, 10000) == 0) {
			/* Flushed is committed only when nothing was dropped. */
			store_counters(st, &c);
			printf("%s %" PRId64 "\n", c.dropped == 0 ? "committed" :
			    "flushed", seq);
			fflush(stdout);
		}
		/* Stay under the queue bound: a dropped row is a hole. */
		for (;;) {
			store_counters(st, &c);
			if (c.queued < (uint64_t)p.queue_max / 2 || stop)
				break;
			usleep(1000);
		}
		if (quiet_stats) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
			if (now - last_stats >= 200) {
				printf("stats rows=%" PRIu64 " dropped=%" PRIu64
				    " errors=%" PRIu64 " failing=%d\n", c.rows,
				    c.dropped, c.errors, c.failing);
				fflush(stdout);
				last_stats = now;
			}
		}
	}
	/* Everything queued is to be written, however long it takes. */
	store_flush(st, -1);
	store_close(st);
	json_decref(rec);
	printf("closed %" PRId64 "\n", seq);
	return 0;
}

static int
do_verify(int argc, char **argv)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	const char	*path = argv[0], *ic = "?";
	int64_t		 committed = 0, lo, hi, n, orphans, perfect;
	int		 ch, retention = 0, holes = 0, bad = 0, i;

	for (i = 1; i < argc && argv[i][0] != '-'; i++)
		committed = strtoll(argv[i], NULL, 10);
	optind = i;
	while ((ch = getopt(argc, argv, "Hr")) != -1)
		switch (ch) {
		case 'H':
			holes = 1;
			break;
		case 'r':
			retention = 1;
			break;
		default:
			usage();
		}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		printf("open=%s\n", sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) ==
	    SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		ic = (const char *)sqlite3_column_text(s, 0);
	printf("integrity=%s\n", ic);
	if (strcmp(ic, "ok") != 0)
		bad = 1;
	sqlite3_finalize(s);

	lo = q1(db, "SELECT coalesce(min(duration_us), 0) FROM sessions");
	hi = q1(db, "SELECT coalesce(max(duration_us), 0) FROM sessions");
	n = q1(db, "SELECT count(*) FROM sessions");
	printf("sessions=%" PRId64 " min=%" PRId64 " max=%" PRId64
	    " committed=%" PRId64 "\n", n, lo, hi, committed);
	if (hi < committed) {
		printf("lost: sessions up to %" PRId64 " were committed, the"
		    " largest is %" PRId64 "\n", committed, hi);
		bad = 1;
	}
	if (!holes && n > 0 && n != hi - lo + 1) {
		printf("holes: %" PRId64 " sessions between %" PRId64 " and %"
		    PRId64 "\n", n, lo, hi);
		bad = 1;
	}
	if (!retention && !holes && n > 0 && lo != 1) {
		printf("oldest: %" PRId64 ", expected 1\n", lo);
		bad = 1;
	}
	if (!retention) {
		/* a session and its finding are committed together */
		orphans = q1(db, "SELECT count(*) FROM findings f LEFT JOIN"
		    " sessions s ON s.id = f.session_id WHERE s.id IS NULL");
		perfect = q1(db, "SELECT count(*) FROM sessions s WHERE"
		    " (SELECT count(*) FROM findings f"
		    " WHERE f.session_id = s.id) = 1");
		printf("orphan_findings=%" PRId64 " sessions_with_finding=%"
		    PRId64 "\n", orphans, perfect);
		if (orphans != 0 || perfect != n)
			bad = 1;
	}
	printf("open_alerts=%" PRId64 " alert_events=%" PRId64 " audits=%"
	    PRId64 "\n", q1(db, "SELECT count(*) FROM alerts"),
	    q1(db, "SELECT count(*) FROM alert_events"),
	    q1(db, "SELECT count(*) FROM audits"));
	if (q1(db, "SELECT count(*) FROM alerts") > 1)
		bad = 1;
	sqlite3_close(db);
	printf("verdict=%s\n", bad ? "bad" : "good");
	return bad;
}

int
main(int argc, char **argv)
{
	log_init(1, "store_crash", 0);
	if (argc < 3)
		usage();
	if (strcmp(argv[1], "write") == 0)
		return do_write(argc - 2, argv + 2);
	if (strcmp(argv[1], "verify") == 0)
		return do_verify(argc - 2, argv + 2);
	usage();
	return 2;
}
