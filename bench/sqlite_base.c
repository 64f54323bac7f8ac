/*
 * sqlite_base.c - the baseline of the store's write rate: the rows one
 * session result makes (a sessions row with an 8-phase JSON array, the
 * latest-per-address upsert, and a finding for one result in four),
 * inserted straight into SQLite with prepared statements, BATCH rows per
 * transaction, WAL with synchronous=NORMAL, from this one thread: no
 * queue, no copy, no writer thread, no JSON built per row. The same
 * tables, columns and indexes as lib/store.c's schema (written here
 * independently). What SQLite on this disk allows; tests/tools/
 * store_bench (the real store) is reported against it.
 *
 *	sqlite_base [-n RESULTS] [-t TARGETS] [-b BATCH] DIR
 *
 * Output: key=value lines (prefix base.).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static const char schema[] =
	"PRAGMA journal_mode = WAL;"
	"PRAGMA synchronous = NORMAL;"
	"CREATE TABLE sessions (id INTEGER PRIMARY KEY, target TEXT NOT NULL,"
	" host TEXT NOT NULL, addr TEXT NOT NULL, port INTEGER NOT NULL,"
	" started_at INTEGER NOT NULL, duration_us INTEGER NOT NULL,"
	" outcome TEXT NOT NULL, last_code INTEGER, worst TEXT NOT NULL,"
	" tls_version TEXT, tls_cipher TEXT, cert_not_after INTEGER,"
	" phases TEXT NOT NULL, transcript TEXT);"
	"CREATE INDEX sessions_target_at ON sessions(target, started_at);"
	"CREATE TABLE findings (id INTEGER PRIMARY KEY, session_id INTEGER,"
	" audit_id INTEGER, target TEXT NOT NULL, at INTEGER NOT NULL,"
	" finding TEXT NOT NULL, layer TEXT NOT NULL, severity TEXT NOT NULL,"
	" host TEXT NOT NULL, addr TEXT NOT NULL, port INTEGER NOT NULL,"
	" evidence TEXT NOT NULL);"
	"CREATE INDEX findings_target_at ON findings(target, at);"
	"CREATE INDEX findings_session ON findings(session_id)"
	" WHERE session_id IS NOT NULL;"
	"CREATE TABLE latest (target TEXT NOT NULL, host TEXT NOT NULL,"
	" addr TEXT NOT NULL, port INTEGER NOT NULL, session_id INTEGER NOT NULL,"
	" at INTEGER NOT NULL, PRIMARY KEY (target, host, addr, port))"
	" WITHOUT ROWID;";

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
check(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "sqlite_base: %s: %s\n", what, sqlite3_errmsg(db));
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	static const char *phase[8] = { "connect", "banner", "ehlo",
	    "starttls", "tls", "ehlo2", "mail", "rcpt" };
	static const int code[8] = { 0, 220, 250, 220, 0, 250, 250, 250 };
	sqlite3		*db;
	sqlite3_stmt	*ss, *sl, *sf;
	char		 path[1100], phases[1024], target[64], host[80], addr[64];
	char		 f[1200];
	long		 n = 200000, ntargets = 10000, i, j, nfind = 0;
	int		 ch, batch = 500, off;
	double		 t0, t1;

	while ((ch = getopt(argc, argv, "b:n:t:")) != -1) {
		switch (ch) {
		case 'b':
			batch = atoi(optarg);
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
	if (argc - optind != 1 || n < 1 || ntargets < 1 || batch < 1) {
usage:
		fprintf(stderr, "usage: sqlite_base [-n RESULTS] [-t TARGETS]"
		    " [-b BATCH] DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/base.db", argv[optind]);
	unlink(path);
	check(NULL, sqlite3_open(path, &db), "open");
	check(db, sqlite3_exec(db, schema, NULL, NULL, NULL), "schema");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO sessions (target, host,"
	    " addr, port, started_at, duration_us, outcome, last_code, worst,"
	    " tls_version, tls_cipher, cert_not_after, phases) VALUES"
	    " (?, ?, ?, 25, ?, 54321, 'ok', 250, ?, 'TLSv1.3',"
	    " 'TLS_AES_256_GCM_SHA384', 1900000000, ?)", -1, &ss, NULL),
	    "prepare sessions");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO latest (target, host,"
	    " addr, port, session_id, at) VALUES (?, ?, ?, 25, ?, ?)"
	    " ON CONFLICT (target, host, addr, port) DO UPDATE SET"
	    " session_id = excluded.session_id, at = excluded.at", -1, &sl,
	    NULL), "prepare latest");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO findings (session_id,"
	    " target, at, finding, layer, severity, host, addr, port, evidence)"
	    " VALUES (?, ?, ?, 'tls.cert.expiring', 'tls', 'warn', ?, ?, 25,"
	    " 'certificate expires in 12 days')", -1, &sf, NULL),
	    "prepare findings");

	/* the phases as the store keeps them: a JSON array, 8 objects */
	off = snprintf(phases, sizeof(phases), "[");
	for (j = 0; j < 8; j++)
		off += snprintf(phases + off, sizeof(phases) - (size_t)off,
		    "%s{\"phase\":\"%s\",\"us\":%ld,\"code\":%d%s}",
		    j ? "," : "", phase[j], 1000 + 37 * j, code[j],
		    j == 1 ? ",\"text\":\"mx.bench.test ESMTP Postfix\"" : "");
	snprintf(phases + off, sizeof(phases) - (size_t)off, "]");

	t0 = now_s();
	for (i = 0; i < n; i++) {
		long		 t = i % ntargets;
		sqlite3_int64	 id;

		if (i % batch == 0)
			check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL),
			    "begin");
		snprintf(target, sizeof(target), "d%ld.bench.test", t);
		snprintf(host, sizeof(host), "mx.d%ld.bench.test", t);
		snprintf(addr, sizeof(addr), "198.51.%ld.%ld", (t / 250) % 256,
		    t % 250 + (i / ntargets) % 2);
		sqlite3_bind_text(ss, 1, target, -1, SQLITE_STATIC);
		sqlite3_bind_text(ss, 2, host, -1, SQLITE_STATIC);
		sqlite3_bind_text(ss, 3, addr, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ss, 4, 1700000000 + i / 100);
		sqlite3_bind_text(ss, 5, i % 4 == 0 ? "warn" : "ok", -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(ss, 6, phases, -1, SQLITE_STATIC);
		check(db, sqlite3_step(ss), "insert session");
		sqlite3_reset(ss);
		id = sqlite3_last_insert_rowid(db);
		sqlite3_bind_text(sl, 1, target, -1, SQLITE_STATIC);
		sqlite3_bind_text(sl, 2, host, -1, SQLITE_STATIC);
		sqlite3_bind_text(sl, 3, addr, -1, SQLITE_STATIC);
		sqlite3_bind_int64(sl, 4, id);
		sqlite3_bind_int64(sl, 5, 1700000000 + i / 100);
		check(db, sqlite3_step(sl), "upsert latest");
		sqlite3_reset(sl);
		if (i % 4 == 0) {
			sqlite3_bind_int64(sf, 1, id);
			sqlite3_bind_text(sf, 2, target, -1, SQLITE_STATIC);
			sqlite3_bind_int64(sf, 3, 1700000000 + i / 100);
			sqlite3_bind_text(sf, 4, host, -1, SQLITE_STATIC);
			sqlite3_bind_text(sf, 5, addr, -1, SQLITE_STATIC);
			check(db, sqlite3_step(sf), "insert finding");
			sqlite3_reset(sf);
			nfind++;
		}
		if (i % batch == batch - 1 || i == n - 1)
			check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
			    "commit");
	}
	t1 = now_s();
	sqlite3_finalize(ss);
	sqlite3_finalize(sl);
	sqlite3_finalize(sf);
	sqlite3_close(db);
	unlink(path);
	snprintf(f, sizeof(f), "%s-wal", path);
	unlink(f);
	snprintf(f, sizeof(f), "%s-shm", path);
	unlink(f);
	printf("base.n=%ld\nbase.batch=%d\nbase.findings=%ld\n", n, batch, nfind);
	printf("base.seconds=%.3f\nbase.rate=%.0f\n", t1 - t0, n / (t1 - t0));
	return 0;
}
