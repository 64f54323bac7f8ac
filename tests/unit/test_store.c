/*
 * test_store.c - unit tests of lib/store.c: schema, file mode, the write
 * and read round trip, batching, the queue bound, retention by age and by
 * size, a full or failing disk and a read-only directory. Each test has
 * its own database in a fresh temporary directory; the database is also
 * inspected with a connection of the test's own, as an operator's
 * sqlite3 would.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "check.h"
#include "finding.h"
#include "log.h"
#include "smtp.h"
#include "store.h"

struct fixture {
	char	 dir[64];
	char	 path[96];
};

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/history.db", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	char		 p[128];
	const char	*sfx[] = { "", "-wal", "-shm", "-journal" };
	size_t		 i;

	chmod(fx->dir, 0700);
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", fx->path, sfx[i]);
		unlink(p);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* One integer from the database, through a connection of our own. */
static int64_t
q1(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* One text from the database (static buffer). */
static const char *
qs(const char *path, const char *sql)
{
	static char	 buf[512];
	sqlite3		*db;
	sqlite3_stmt	*s;

	buf[0] = '\0';
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(buf, sizeof(buf), "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return buf;
}

static void
qexec(const char *path, const char *sql)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static struct store *
open_store(struct fixture *fx, struct store_params *p)
{
	struct store_params	 d;
	struct store		*st;
	char			*cause = NULL;

	if (p == NULL) {
		store_params_defaults(&d);
		p = &d;
	}
	p->path = fx->path;
	st = store_open(p, &cause);
	if (st == NULL)
		fail_msg("store_open: %s", cause ? cause : "?");
	return st;
}

/* A session as lib/smtp leaves it: banner to QUIT, or refused at RCPT. */
struct fake {
	struct smtp_result	 r;
	struct smtp_step	 steps[8];
	struct finding_list	 fl;
	struct tls_cert		 chain[1];	/* r.tls.chain points here */
	char			 transcript[64]; /* r.transcript points here */
};

static void
fake_session(struct fake *f, const char *addr, int port, int refused)
{
	static const struct {
		enum smtp_phase	 ph;
		int		 code;
		char		*text;
	} ok[] = {
		{ PH_CONNECT, 0, NULL },
		{ PH_BANNER, 220, "mx.example.test ESMTP" },
		{ PH_EHLO, 250, "mx.example.test / PIPELINING / STARTTLS" },
		{ PH_STARTTLS, 220, "2.0.0 Ready" },
		{ PH_TLS, 0, NULL },
		{ PH_EHLO2, 250, "mx.example.test / PIPELINING" },
		{ PH_MAIL, 250, "2.1.0 Ok" },
		{ PH_RCPT, 250, "2.1.5 Ok" },
	};
	int	 i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 8; i++) {
		f->steps[i].phase = ok[i].ph;
		f->steps[i].start_us = i * 1000;
		f->steps[i].dur_us = 1000 + i;
		f->steps[i].code = ok[i].code;
		f->steps[i].text = ok[i].text;
	}
	f->r.steps = f->steps;
	f->r.nsteps = 8;
	snprintf(f->r.remote, sizeof(f->r.remote), "%s", addr);
	f->r.port = port;
	f->r.total_us = 12345;
	f->r.outcome = SMTP_OK;
	f->r.tls_used = 1;
	snprintf(f->r.tls.version, sizeof(f->r.tls.version), "TLSv1.3");
	snprintf(f->r.tls.cipher, sizeof(f->r.tls.cipher),
	    "TLS_AES_256_GCM_SHA384");
	f->r.tls.chain = f->chain;
	f->r.tls.nchain = 1;
	f->r.tls.chain[0].not_after = 1900000000;
	if (refused) {
		f->steps[7].code = 550;
		f->steps[7].enh = (struct enhcode){ 5, 1, 1 };
		f->steps[7].text = "5.1.1 <x@example.test>: \"no\" such\\user";
		f->r.outcome = SMTP_REFUSED;
		f->r.transcript = f->transcript;
		f->r.transcript_len = (size_t)snprintf(f->transcript,
		    sizeof(f->transcript), "S: 220 mx\nC: QUIT\n");
		finding_add(&f->fl, F_POLICY_RCPT_UNKNOWN_USER, -1,
		    "mx.example.test", addr, port, "RCPT TO: 550 5.1.1 \"no\"");
	}
}

/*
 * Wait until the counters show exactly rows written in batches with
 * queued waiting; -1 (with what was seen last) if they never do.
 */
static int
wait_counters(struct store *st, uint64_t rows, uint64_t batches,
    uint64_t queued, int ms)
{
	struct store_counters	 c;
	int			 i;

	for (i = 0; i < ms / 10; i++) {
		store_counters(st, &c);
		if (c.rows == rows && c.batches == batches &&
		    c.queued == queued)
			return 0;
		usleep(10000);
	}
	print_message("rows %llu batches %llu queued %llu\n",
	    (unsigned long long)c.rows, (unsigned long long)c.batches,
	    (unsigned long long)c.queued);
	return -1;
}

static int
wait_rows(struct store *st, uint64_t rows, int ms)
{
	struct store_counters	 c;
	int			 i;

	for (i = 0; i < ms / 10; i++) {
		store_counters(st, &c);
		if (c.rows >= rows)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* --- schema and file --- */

static void
test_schema(void **state)
{
	struct fixture	*fx = *state;
	struct store	*st = open_store(fx, NULL);
	const char	*tables[] = { "schema_version", "sessions", "audits",
			    "findings", "alert_events", "alerts", "latest",
			    "log_minutes", "log_positions" };
	const char	*indexes[] = { "sessions_target_at", "audits_target_at",
			    "findings_target_at", "alert_events_target_at",
			    "log_minutes_key" };
	char		 sql[256];
	size_t		 i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_schema"
		    " WHERE type = 'table' AND name = '%s'", tables[i]);
		assert_int_equal(q1(fx->path, sql), 1);
	}
	for (i = 0; i < sizeof(indexes) / sizeof(indexes[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_schema"
		    " WHERE type = 'index' AND name = '%s'", indexes[i]);
		assert_int_equal(q1(fx->path, sql), 1);
	}
	assert_int_equal(q1(fx->path, "SELECT max(version) FROM"
	    " schema_version"), STORE_SCHEMA_VERSION);
	assert_string_equal(qs(fx->path, "PRAGMA journal_mode"), "wal");
	store_close(st);

	/* reopening keeps the version, adds no row */
	st = open_store(fx, NULL);
	store_close(st);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM schema_version"),
	    STORE_SCHEMA_VERSION);
}


static void
test_query_plan(void **state)
{
	struct fixture	*fx = *state;
	struct store	*st = open_store(fx, NULL);
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		 plan[1024] = "";

	store_close(st);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN"
	    " SELECT * FROM sessions WHERE target = 'a' AND started_at >= 5"
	    " ORDER BY started_at DESC", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		strncat(plan, (const char *)sqlite3_column_text(s, 3),
		    sizeof(plan) - strlen(plan) - 1);
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_non_null(strstr(plan, "USING INDEX sessions_target_at"));
	assert_null(strstr(plan, "TEMP B-TREE"));
}

static void
test_newer_schema(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	char			*cause = NULL;

	store_close(open_store(fx, NULL));
	qexec(fx->path, "INSERT INTO schema_version VALUES (99, 0)");
	store_params_defaults(&p);
	p.path = fx->path;
	assert_null(store_open(&p, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "newer"));
	assert_non_null(strstr(cause, fx->path));
	free(cause);
}

static void
test_not_a_store(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	char			*cause = NULL;

	qexec(fx->path, "CREATE TABLE something (x)");
	store_params_defaults(&p);
	p.path = fx->path;
	assert_null(store_open(&p, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "not an smtprobed store"));
	free(cause);
}

static void
assert_mode(const char *path, mode_t want)
{
	struct stat	 sb;

	if (stat(path, &sb) == -1)
		fail_msg("%s: %s", path, strerror(errno));
	if ((sb.st_mode & 07777) != want)
		fail_msg("%s: mode %04o, want %04o", path,
		    (unsigned)(sb.st_mode & 07777), (unsigned)want);
}

static void
test_file_mode(void **state)
{
	struct fixture	*fx = *state;
	struct store	*st;
	struct fake	 f;
	char		 p[128];
	mode_t		 old;
	mode_t		 masks[] = { 022, 077, 0 };
	size_t		 i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		old = umask(masks[i]);
		st = open_store(fx, NULL);
		fake_session(&f, "192.0.2.1", 25, 0);
		assert_int_equal(store_add_session(st, "example.test",
		    "mx.example.test", 1000, &f.r, NULL), 0);
		assert_int_equal(store_flush(st, 5000), 0);
		assert_mode(fx->path, 0640);
		snprintf(p, sizeof(p), "%s-wal", fx->path);
		assert_mode(p, 0640);
		snprintf(p, sizeof(p), "%s-shm", fx->path);
		assert_mode(p, 0640);
		store_close(st);
		umask(old);
		unlink(fx->path);
		snprintf(p, sizeof(p), "%s-wal", fx->path);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", fx->path);
		unlink(p);
	}
}

/* --- round trip --- */

static void
test_round_trip(void **state)
{
	struct fixture		*fx = *state;
	struct store		*st = open_store(fx, NULL);
	struct fake		 ok, bad;
	struct finding_list	 afl = { NULL, 0, 0 };
	struct store_alert	 a;
	json_t			*h, *s, *ph, *f, *rec;
	char			*cause = NULL;
	size_t			 i;
	int			 seen550 = 0;

	fake_session(&ok, "192.0.2.1", 25, 0);
	fake_session(&bad, "192.0.2.2", 25, 1);
	assert_int_equal(store_add_session(st, "example.test",
	    "mx.example.test", 1000, &ok.r, &ok.fl), 0);
	assert_int_equal(store_add_session(st, "example.test",
	    "mx.example.test", 1001, &bad.r, &bad.fl), 0);
	finding_add(&afl, F_SPF_NONE, -1, "example.test", NULL, 0,
	    "no SPF record");
	rec = json_pack("{s:s,s:[s]}", "spf", "v=spf1 -all", "mx",
	    "mx.example.test");
	assert_int_equal(store_add_audit(st, "example.test", 999, 42, rec,
	    &afl), 0);
	memset(&a, 0, sizeof(a));
	a.target = "example.test";
	a.host = "mx.example.test";
	a.addr = "192.0.2.2";
	a.port = 25;
	a.finding = "policy.rcpt.unknown-user";
	a.severity = SEV_CRIT;
	a.event = STORE_RAISED;
	a.at = a.since = a.notified = 1001;
	a.evidence = "RCPT TO: 550";
	assert_int_equal(store_add_alert(st, &a), 0);
	assert_int_equal(store_flush(st, 5000), 0);

	h = store_history(st, "example.test", 0, 0, 100, &cause);
	if (h == NULL)
		fail_msg("history: %s", cause);
	s = json_object_get(h, "sessions");
	assert_int_equal(json_array_size(s), 2);
	/* newest first */
	s = json_array_get(json_object_get(h, "sessions"), 0);
	assert_int_equal(json_integer_value(json_object_get(s, "at")), 1001);
	assert_string_equal(json_string_value(json_object_get(s, "addr")),
	    "192.0.2.2");
	assert_string_equal(json_string_value(json_object_get(s, "outcome")),
	    "refused");
	assert_int_equal(json_integer_value(json_object_get(s, "code")), 550);
	assert_string_equal(json_string_value(json_object_get(s, "worst")),
	    "crit");
	assert_int_equal(json_integer_value(json_object_get(s,
	    "duration_us")), 12345);
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(s, "tls"), "version")), "TLSv1.3");
	assert_int_equal(json_integer_value(json_object_get(
	    json_object_get(s, "tls"), "not_after")), 1900000000);
	assert_non_null(strstr(json_string_value(json_object_get(s,
	    "transcript")), "C: QUIT"));
	ph = json_object_get(s, "phases");
	assert_int_equal(json_array_size(ph), 8);
	for (i = 0; i < json_array_size(ph); i++) {
		json_t	*x = json_array_get(ph, i);

		assert_non_null(json_string_value(json_object_get(x, "name")));
		assert_true(json_is_integer(json_object_get(x, "us")));
		if (json_integer_value(json_object_get(x, "code")) == 550) {
			seen550 = 1;
			/* quotes and backslashes survive the JSON */
			assert_string_equal(json_string_value(json_object_get(
			    x, "text")), bad.steps[7].text);
			assert_string_equal(json_string_value(json_object_get(
			    x, "enhanced")), "5.1.1");
		}
	}
	assert_true(seen550);
	f = json_object_get(s, "findings");
	assert_int_equal(json_array_size(f), 1);
	f = json_array_get(f, 0);
	assert_string_equal(json_string_value(json_object_get(f, "id")),
	    "policy.rcpt.unknown-user");
	assert_string_equal(json_string_value(json_object_get(f, "layer")),
	    "policy");
	assert_string_equal(json_string_value(json_object_get(f, "evidence")),
	    "RCPT TO: 550 5.1.1 \"no\"");
	assert_int_equal(json_integer_value(json_object_get(f, "port")), 25);

	/* the session that reached QUIT: no transcript, no findings */
	s = json_array_get(json_object_get(h, "sessions"), 1);
	assert_true(json_is_null(json_object_get(s, "transcript")));
	assert_int_equal(json_array_size(json_object_get(s, "findings")), 0);
	assert_string_equal(json_string_value(json_object_get(s, "worst")),
	    "ok");

	s = json_array_get(json_object_get(h, "audits"), 0);
	assert_non_null(s);
	assert_int_equal(json_integer_value(json_object_get(s, "duration_ms")),
	    42);
	assert_true(json_equal(json_object_get(s, "records"), rec));
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(json_object_get(s, "findings"), 0), "id")),
	    "spf.none");

	s = json_array_get(json_object_get(h, "alerts"), 0);
	assert_string_equal(json_string_value(json_object_get(s, "event")),
	    "raised");
	assert_string_equal(json_string_value(json_object_get(s, "layer")),
	    "policy");
	assert_false(json_is_true(json_object_get(h, "truncated")));
	json_decref(h);

	/* audit_last gives the records back */
	h = store_audit_last(st, "example.test", &cause);
	assert_true(json_equal(h, rec));
	json_decref(h);
	h = store_audit_last(st, "other.test", &cause);
	assert_true(json_is_null(h));
	json_decref(h);

	/* the findings table has target and at for queries of its own */
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM findings"
	    " WHERE target = 'example.test' AND at >= 999"), 2);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM findings f"
	    " JOIN sessions s ON s.id = f.session_id WHERE s.port = 25"), 1);

	json_decref(rec);
	finding_list_free(&afl);
	finding_list_free(&bad.fl);
	store_close(st);
}

static void
test_history_bounds(void **state)
{
	struct fixture	*fx = *state;
	struct store	*st = open_store(fx, NULL);
	struct fake	 f;
	json_t		*h, *s;
	char		*cause = NULL;
	int		 i;

	fake_session(&f, "192.0.2.1", 25, 0);
	for (i = 0; i < 30; i++) {
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    1000 + i, &f.r, NULL), 0);
		assert_int_equal(store_add_session(st, "b.test", "mx.b.test",
		    1000 + i, &f.r, NULL), 0);
	}
	assert_int_equal(store_flush(st, 5000), 0);

	h = store_history(st, "a.test", 1010, 1019, 100, &cause);
	assert_non_null(h);
	s = json_object_get(h, "sessions");
	assert_int_equal(json_array_size(s), 10);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(s, 0), "at")), 1019);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(s, 9), "at")), 1010);
	assert_false(json_is_true(json_object_get(h, "truncated")));
	json_decref(h);

	h = store_history(st, "a.test", 0, 0, 3, &cause);
	s = json_object_get(h, "sessions");
	assert_int_equal(json_array_size(s), 3);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(s, 2), "at")), 1027);
	assert_true(json_is_true(json_object_get(h, "truncated")));
	json_decref(h);

	h = store_history(st, "nothing.test", 0, 0, 3, &cause);
	assert_int_equal(json_array_size(json_object_get(h, "sessions")), 0);
	json_decref(h);
	store_close(st);
}

/*
 * Paged: several sessions share a second (one run, many MX), so a page
 * ends at (at, id), not at a time; every row comes once, newest first,
 * whatever the page size, and a page keeps to its bytes (one row at
 * least, so that it moves on).
 */
static void
test_history_pages(void **state)
{
	struct fixture		*fx = *state;
	struct store		*st = open_store(fx, NULL);
	struct store_cursor	 cur, next;
	struct fake		 f;
	json_t			*h, *s, *row;
	char			*cause = NULL, *dump;
	int64_t			 last_at, last_id;
	size_t			 i, j;
	int			 n, seen, pages, rows, sizes[][2] = {
				    { 1, 1 << 20 }, { 7, 1 << 20 },
				    { 100, 1 << 20 }, { 100, 2000 },
				    { 100, 1 } };

	fake_session(&f, "192.0.2.1", 25, 0);
	for (n = 0; n < 45; n++)
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    1000 + n / 4, &f.r, NULL), 0);
	assert_int_equal(store_flush(st, 5000), 0);

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		rows = sizes[i][0];
		seen = 0;
		pages = 0;
		last_at = INT64_MAX;
		last_id = INT64_MAX;
		h = store_history_page(st, "a.test", 0, 0, NULL, rows,
		    (size_t)sizes[i][1], &next, &cause);
		for (;;) {
			assert_non_null(h);
			pages++;
			s = json_object_get(h, "sessions");
			assert_true(json_array_size(s) >= 1);
			assert_true(json_array_size(s) <= (size_t)rows);
			dump = json_dumps(h, JSON_COMPACT);
			/* within the bytes, or a single row */
			assert_true(strlen(dump) <= (size_t)sizes[i][1] + 400 ||
			    json_array_size(s) == 1);
			free(dump);
			json_array_foreach(s, j, row) {
				int64_t at = json_integer_value(
				    json_object_get(row, "at"));
				int64_t id = json_integer_value(
				    json_object_get(row, "id"));

				assert_true(at < last_at ||
				    (at == last_at && id < last_id));
				last_at = at;
				last_id = id;
				seen++;
			}
			json_decref(h);
			if (!next.k[STORE_H_SESSIONS].done) {
				cur = next;
				h = store_history_page(st, "a.test", 0, 0, &cur,
				    rows, (size_t)sizes[i][1], &next, &cause);
				continue;
			}
			break;
		}
		assert_int_equal(seen, 45);
		/* 45 rows: pages of rows rows (of one, when bytes are few) */
		if (sizes[i][1] >= 1 << 20)
			assert_int_equal(pages, (45 + rows - 1) / rows);
		else if (sizes[i][1] == 1)
			assert_int_equal(pages, 45);
		assert_int_equal(last_at, 1000);
		assert_true(next.k[STORE_H_AUDITS].done);
		assert_true(next.k[STORE_H_ALERTS].done);
	}
	store_close(st);
}

static void
test_latest(void **state)
{
	struct fixture	*fx = *state;
	struct store	*st = open_store(fx, NULL);
	struct fake	 f;
	json_t		*l, *s;
	char		*cause = NULL;
	const char	*addrs[] = { "192.0.2.1", "192.0.2.2", "2001:db8::1" };
	int		 i, j;

	for (i = 0; i < 5; i++)
		for (j = 0; j < 3; j++) {
			fake_session(&f, addrs[j], 25, 0);
			assert_int_equal(store_add_session(st, "a.test",
			    "mx.a.test", 100 * i + j, &f.r, NULL), 0);
		}
	fake_session(&f, addrs[0], 587, 0);
	assert_int_equal(store_add_session(st, "a.test", "mx.a.test", 7,
	    &f.r, NULL), 0);
	assert_int_equal(store_add_session(st, "b.test", "mx.b.test", 8,
	    &f.r, NULL), 0);
	assert_int_equal(store_flush(st, 5000), 0);

	l = store_latest(st, "a.test", 100, &cause);
	assert_non_null(l);
	s = json_object_get(l, "sessions");
	assert_int_equal(json_array_size(s), 4);
	for (i = 0; i < 4; i++) {
		json_t	*x = json_array_get(s, (size_t)i);
		int64_t	 at = json_integer_value(json_object_get(x, "at"));

		assert_string_equal(json_string_value(json_object_get(x,
		    "target")), "a.test");
		if (json_integer_value(json_object_get(x, "port")) == 587)
			assert_int_equal(at, 7);
		else
			assert_true(at >= 400);
	}
	json_decref(l);
	l = store_latest(st, NULL, 100, &cause);
	assert_int_equal(json_array_size(json_object_get(l, "sessions")), 5);
	json_decref(l);
	l = store_latest(st, NULL, 2, &cause);
	assert_int_equal(json_array_size(json_object_get(l, "sessions")), 2);
	json_decref(l);
	store_close(st);
}

/* --- a whole check, as smtprobed hands it over --- */

/* A scripted SMTP server for one connection: RCPT is refused. */
static void *
fake_smtp(void *arg)
{
	int	 lfd = *(int *)arg, fd;
	FILE	*in;
	char	 line[512];

	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return NULL;
	if ((in = fdopen(dup(fd), "r")) == NULL) {
		close(fd);
		return NULL;
	}
#define SAY(s)	(void)!write(fd, s, sizeof(s) - 1)
	SAY("220 fake.test ESMTP\r\n");
	while (fgets(line, sizeof(line), in) != NULL) {
		if (strncasecmp(line, "EHLO", 4) == 0)
			SAY("250-fake.test\r\n250 8BITMIME\r\n");
		else if (strncasecmp(line, "MAIL", 4) == 0)
			SAY("250 2.1.0 Ok\r\n");
		else if (strncasecmp(line, "RCPT", 4) == 0)
			SAY("550 5.1.1 <x@fake.test>: Recipient address"
			    " rejected: User unknown\r\n");
		else if (strncasecmp(line, "RSET", 4) == 0)
			SAY("250 2.0.0 Ok\r\n");
		else if (strncasecmp(line, "QUIT", 4) == 0) {
			SAY("221 2.0.0 Bye\r\n");
			break;
		} else
			SAY("502 5.5.2 Error\r\n");
	}
#undef SAY
	fclose(in);
	close(fd);
	return NULL;
}

static void
check_done(struct check *c, void *arg)
{
	(void)c;
	*(int *)arg = 1;
}

static void
test_check_report(void **state)
{
	struct fixture			*fx = *state;
	struct store			*st = open_store(fx, NULL);
	struct sockaddr_in		 sin;
	socklen_t			 sl = sizeof(sin);
	struct check_params		 cp;
	struct smtp_rcpt_test		 rt = { "x@fake.test",
					    RCPT_EXPECT_ACCEPT };
	struct event_base		*base;
	struct check			*c;
	struct check_report		*rep;
	struct audit_result		 ar;
	pthread_t			 th;
	const char			*cause = NULL;
	char				 sql[256];
	int				 lfd, one = 1, done = 0, port;

	/* the server on 127.0.0.1; 127.0.0.2 on the same port refuses */
	assert_true((lfd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&th, NULL, fake_smtp, &lfd), 0);

	memset(&cp, 0, sizeof(cp));
	cp.target = "fake.test";
	cp.name = "mx.fake.test";
	cp.host_mode = 1;
	cp.use_addrs = 1;
	cp.naddrs = 2;
	memcpy(&cp.addrs[0], &sin, sizeof(sin));
	cp.addrlens[0] = sizeof(sin);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1);
	memcpy(&cp.addrs[1], &sin, sizeof(sin));
	cp.addrlens[1] = sizeof(sin);
	cp.ports[0] = port;
	cp.nports = 1;
	smtp_params_defaults(&cp.proto);
	cp.proto.tls_policy = TLSPOL_NONE;
	cp.proto.rcpts = &rt;
	cp.proto.nrcpts = 1;
	assert_non_null(base = event_base_new());
	c = check_start(base, NULL, NULL, &cp, NULL, check_done, &done,
	    &cause);
	if (c == NULL)
		fail_msg("check_start: %s", cause);
	event_base_dispatch(base);
	assert_true(done);
	pthread_join(th, NULL);
	close(lfd);

	/* as if it had an audit, with a finding of its own */
	rep = check_report(c);
	assert_int_equal(rep->nsessions, 2);
	memset(&ar, 0, sizeof(ar));
	snprintf(ar.domain, sizeof(ar.domain), "fake.test");
	ar.ms = 7;
	rep->audit = &ar;
	finding_add(&rep->findings, F_SPF_NONE, -1, "fake.test", NULL, 0,
	    "no SPF record");
	assert_int_equal(store_add_check(st, rep, 5000), 0);
	rep->audit = NULL;
	check_free(c);
	event_base_free(base);
	assert_int_equal(store_flush(st, 5000), 0);
	store_close(st);

	assert_int_equal(q1(fx->path, "SELECT count(*) FROM sessions"
	    " WHERE target = 'fake.test' AND started_at = 5000"), 2);
	assert_string_equal(qs(fx->path, "SELECT outcome FROM sessions"
	    " WHERE addr = '127.0.0.1'"), "ok");
	assert_int_equal(q1(fx->path, "SELECT last_code FROM sessions"
	    " WHERE addr = '127.0.0.1'"), 221);
	assert_string_equal(qs(fx->path, "SELECT host FROM sessions"
	    " WHERE addr = '127.0.0.1'"), "mx.fake.test");
	assert_string_equal(qs(fx->path, "SELECT outcome FROM sessions"
	    " WHERE addr = '127.0.0.2'"), "net");
	/* each session's findings hang on it, the rest on the audit */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM findings f JOIN"
	    " sessions s ON s.id = f.session_id WHERE s.addr = '127.0.0.1'"
	    " AND f.finding LIKE 'policy.rcpt.%%' AND f.port = %d", port);
	assert_int_equal(q1(fx->path, sql), 1);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM findings f JOIN"
	    " sessions s ON s.id = f.session_id WHERE s.addr = '127.0.0.2'"
	    " AND f.finding = 'net.connect.refused'"), 1);
	assert_string_equal(qs(fx->path, "SELECT worst FROM sessions"
	    " WHERE addr = '127.0.0.2'"), "crit");
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM findings f JOIN"
	    " audits a ON a.id = f.audit_id WHERE f.finding = 'spf.none'"), 1);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM findings"
	    " WHERE session_id IS NULL AND audit_id IS NULL"), 0);
	assert_string_equal(qs(fx->path, "SELECT json_extract(records,"
	    " '$.domain') FROM audits"), "fake.test");
	assert_int_equal(q1(fx->path, "SELECT duration_ms FROM audits"), 7);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM latest"
	    " WHERE target = 'fake.test'"), 2);
}

/* --- alerts --- */

struct seen_alerts {
	int	 n;
	char	 finding[4][64];
	int64_t	 notified[4];
	int64_t	 since[4];
	enum severity sev[4];
};

static int
collect_alert(const struct store_alert *a, void *arg)
{
	struct seen_alerts	*s = arg;

	if (s->n < 4) {
		snprintf(s->finding[s->n], sizeof(s->finding[0]), "%s",
		    a->finding);
		s->notified[s->n] = a->notified;
		s->since[s->n] = a->since;
		s->sev[s->n] = a->severity;
	}
	s->n++;
	return 0;
}

static void
alert(struct store *st, const char *finding, enum store_alert_event ev,
    int64_t at, int64_t since)
{
	struct store_alert	 a;

	memset(&a, 0, sizeof(a));
	a.target = "example.test";
	a.host = "mx.example.test";
	a.addr = "192.0.2.1";
	a.port = 25;
	a.finding = finding;
	a.severity = SEV_CRIT;
	a.event = ev;
	a.at = at;
	a.since = since;
	a.notified = at;
	a.evidence = "evidence";
	assert_int_equal(store_add_alert(st, &a), 0);
}

static void
test_alerts_survive_restart(void **state)
{
	struct fixture		*fx = *state;
	struct store		*st = open_store(fx, NULL);
	struct seen_alerts	 seen;
	char			*cause = NULL;

	alert(st, "tls.cert.expired", STORE_RAISED, 100, 100);
	alert(st, "net.connect.refused", STORE_RAISED, 110, 110);
	alert(st, "net.connect.refused", STORE_RENOTIFIED, 200, 110);
	alert(st, "tls.cert.expired", STORE_CLEARED, 300, 100);
	store_close(st);

	st = open_store(fx, NULL);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_alerts_load(st, collect_alert, &seen, &cause),
	    1);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.finding[0], "net.connect.refused");
	assert_int_equal(seen.since[0], 110);
	assert_int_equal(seen.notified[0], 200);
	assert_int_equal(seen.sev[0], SEV_CRIT);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM alert_events"), 4);
	assert_int_equal(q1(fx->path, "SELECT duration FROM alert_events"
	    " WHERE event = 'cleared'"), 200);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM alert_events"
	    " WHERE duration IS NULL"), 3);
	store_close(st);
}

/* --- batching and the queue --- */

/* A store of version 1 (before the [log] tables) is migrated, rows kept. */
static void
test_migrate_v1(void **state)
{
	struct fixture	*fx = *state;
	struct store	*st = open_store(fx, NULL);
	struct store_log_pos pos;

	alert(st, "tls.cert.expired", STORE_RAISED, 1000, 1000);
	store_close(st);
	qexec(fx->path, "DROP TABLE log_minutes; DROP TABLE log_positions;"
	    " DELETE FROM schema_version WHERE version > 1");
	assert_int_equal(q1(fx->path, "SELECT max(version) FROM"
	    " schema_version"), 1);
	st = open_store(fx, NULL);
	assert_int_equal(store_log_position(st, "mail", &pos, NULL), 0);
	store_close(st);
	assert_int_equal(q1(fx->path, "SELECT max(version) FROM"
	    " schema_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM alerts"), 1);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name = 'log_minutes'"), 1);
}

static int
log_row(const struct store_log_count *c, void *arg)
{
	char	*out = arg;
	size_t	 n = strlen(out);

	snprintf(out + n, 2048 - n, "%lld %s %s %s %s %lld %s|",
	    (long long)c->minute, c->direction, c->domain, c->status,
	    c->cause[0] ? c->cause : "-", (long long)c->count,
	    c->sample ? c->sample : "NULL");
	return 0;
}

/*
 * Counts of a [log] add up per minute and key, the latest sample kept;
 * the position goes with them; reads come in minute order a page at a
 * time, either way, and a range bounds them.
 */
static void
test_log_counts(void **state)
{
	struct fixture		*fx = *state;
	struct store		*st = open_store(fx, NULL);
	struct store_log_pos	 pos, got;
	struct store_log_cursor	 cur;
	struct store_log_count	 c[] = {
		{ 120, "out", "grey.test", "deferred", "policy.greylisted", 2,
		    "450 4.2.0 Greylisted" },
		{ 120, "out", "ok.test", "sent", "", 5, NULL },
		{ 60, "in", "far.example", "rejected",
		    "policy.rcpt.unknown-user", 1, "550 5.1.1 no" },
		{ 180, "out", "grey.test", "deferred", "policy.greylisted", 1,
		    NULL },
	};
	char			 out[2048];
	int			 n, pages;

	memset(&pos, 0, sizeof(pos));
	snprintf(pos.source, sizeof(pos.source), "/var/log/mail.log");
	pos.dev = 2049;
	pos.ino = UINT64_MAX - 7;	/* over INT64_MAX: the bits are kept */
	pos.off = 4096;
	assert_int_equal(store_add_log(st, "mail", c, 4, &pos), 0);
	/* the same minute and key again: added; a NULL sample keeps it */
	c[0].count = 3;
	c[0].sample = NULL;
	pos.off = 8192;
	assert_int_equal(store_add_log(st, "mail", c, 1, &pos), 0);
	assert_int_equal(store_add_log(st, "other", c + 1, 1, NULL), 0);
	assert_int_equal(store_flush(st, 5000), 0);

	assert_int_equal(store_log_position(st, "mail", &got, NULL), 1);
	assert_string_equal(got.source, "/var/log/mail.log");
	assert_true(got.dev == 2049 && got.ino == UINT64_MAX - 7 &&
	    got.off == 8192);
	assert_string_equal(got.cursor, "");
	assert_int_equal(store_log_position(st, "other", &got, NULL), 0);

	/* oldest first, two rows a page */
	memset(&cur, 0, sizeof(cur));
	out[0] = '\0';
	for (pages = 0; !cur.done && pages < 10; pages++) {
		n = store_log_read(st, "mail", 0, 0, 0, &cur, 2, log_row, out,
		    NULL);
		assert_true(n >= 0 && n <= 2);
	}
	assert_int_equal(pages, 3);	/* 2 + 2 + nothing left */
	assert_string_equal(out,
	    "60 in far.example rejected policy.rcpt.unknown-user 1 550 5.1.1 no|"
	    "120 out grey.test deferred policy.greylisted 5 450 4.2.0 Greylisted|"
	    "120 out ok.test sent - 5 NULL|"
	    "180 out grey.test deferred policy.greylisted 1 NULL|");
	/* newest first, within a range */
	memset(&cur, 0, sizeof(cur));
	out[0] = '\0';
	while (!cur.done)
		assert_true(store_log_read(st, "mail", 100, 150, 1, &cur, 1,
		    log_row, out, NULL) >= 0);
	assert_string_equal(out,
	    "120 out ok.test sent - 5 NULL|"
	    "120 out grey.test deferred policy.greylisted 5 450 4.2.0 Greylisted|");
	store_close(st);

	/* a journal cursor, and the position of another source replaced */
	st = open_store(fx, NULL);
	memset(&pos, 0, sizeof(pos));
	snprintf(pos.source, sizeof(pos.source), "journal:postfix");
	snprintf(pos.cursor, sizeof(pos.cursor), "s=0123;i=42;b=abc;m=1;t=2;x=3");
	assert_int_equal(store_add_log(st, "mail", NULL, 0, &pos), 0);
	assert_int_equal(store_flush(st, 5000), 0);
	assert_int_equal(store_log_position(st, "mail", &got, NULL), 1);
	assert_string_equal(got.source, "journal:postfix");
	assert_string_equal(got.cursor, "s=0123;i=42;b=abc;m=1;t=2;x=3");
	assert_true(got.off == 0 && got.at > 0);
	store_close(st);
}

static int
log_count_row(const struct store_log_count *c, void *arg)
{
	int64_t	*sum = arg;

	sum[0]++;
	sum[1] += c->count;
	/* in key order: never before the previous row */
	if (c->minute < sum[2])
		sum[3]++;
	sum[2] = c->minute;
	return 0;
}

/*
 * Many rows of a few minutes, read in pages of an odd size that end in
 * the middle of a minute, with domains of different lengths (the
 * cursor's strings change while a page is read): every row once.
 */
static void
test_log_pages(void **state)
{
	struct fixture		*fx = *state;
	struct store		*st = open_store(fx, NULL);
	struct store_log_cursor	 cur;
	struct store_log_count	*c;
	char			(*dom)[32];
	int64_t			 sum[4];
	int			 i, n = 3000, newest;

	c = calloc((size_t)n, sizeof(*c));
	dom = calloc((size_t)n, sizeof(*dom));
	assert_non_null(c);
	assert_non_null(dom);
	for (i = 0; i < n; i++) {
		snprintf(dom[i], sizeof(dom[i]), "d%d.example", i % 700);
		c[i] = (struct store_log_count){ 60 * (i / 1000), i % 2 ? "in" :
		    "out", dom[i], (i / 700) % 2 ? "sent" : "deferred",
		    (i / 700) % 2 ? "" : "policy.greylisted", 1, NULL };
	}
	assert_int_equal(store_add_log(st, "mail", c, (size_t)n, NULL), 0);
	assert_int_equal(store_flush(st, 5000), 0);
	n = (int)q1(fx->path, "SELECT count(*) FROM log_minutes");
	assert_true(n > 2000);
	for (newest = 0; newest < 2; newest++) {
		memset(&cur, 0, sizeof(cur));
		memset(sum, 0, sizeof(sum));
		sum[2] = newest ? INT64_MIN : 0;
		while (!cur.done)
			assert_true(store_log_read(st, "mail", 0, 0, newest,
			    &cur, 333, log_count_row, sum, NULL) >= 0);
		assert_int_equal(sum[0], n);
		assert_int_equal(sum[1], 3000);
		if (!newest)
			assert_int_equal(sum[3], 0);
	}
	store_close(st);
	free(c);
	free(dom);
}

/*
 * Counts and position are one transaction: on a full disk both are
 * dropped (a restart reads those lines again and counts them once),
 * and retention trims the minutes by age like the rest of the history.
 */
static void
test_log_atomic_retention(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	struct store		*st;
	struct store_counters	 sc;
	struct store_log_pos	 pos, got;
	struct store_log_count	 c[200];
	char			 dom[200][32];
	int64_t			 now = (int64_t)time(NULL), pages;
	int			 i;

	st = open_store(fx, NULL);
	store_close(st);
	pages = q1(fx->path, "PRAGMA page_count");
	store_params_defaults(&p);
	p.max_pages = pages + 2;
	st = open_store(fx, &p);
	memset(&pos, 0, sizeof(pos));
	snprintf(pos.source, sizeof(pos.source), "/var/log/mail.log");
	pos.off = 1;
	assert_int_equal(store_add_log(st, "mail", NULL, 0, &pos), 0);
	assert_int_equal(store_flush(st, 5000), 0);
	for (i = 0; i < 200; i++) {
		snprintf(dom[i], sizeof(dom[i]), "d%03d.example.test", i);
		c[i] = (struct store_log_count){ now - now % 60, "out", dom[i],
		    "deferred", "policy.greylisted", 1,
		    "450 4.2.0 Greylisted, come back later, a long reply" };
	}
	pos.off = 999;
	assert_int_equal(store_add_log(st, "mail", c, 200, &pos), 0);
	assert_int_equal(store_flush(st, 5000), 0);
	store_counters(st, &sc);
	assert_true(sc.failing);
	assert_true(sc.dropped >= 201);
	assert_int_equal(store_log_position(st, "mail", &got, NULL), 1);
	assert_true(got.off == 1);	/* not 999: the counts were lost too */
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM log_minutes"), 0);
	store_close(st);

	st = open_store(fx, NULL);
	for (i = 0; i < 200; i++)
		c[i].minute = i < 150 ? now - 3 * 86400 : now - 60;
	assert_int_equal(store_add_log(st, "mail", c, 200, &pos), 0);
	assert_int_equal(store_flush(st, 5000), 0);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM log_minutes"), 200);
	store_set_retention(st, 86400, 0);
	for (i = 0; i < 500; i++) {
		store_counters(st, &sc);
		if (sc.deleted >= 150)
			break;
		usleep(10000);
	}
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM log_minutes"), 50);
	/* the position is state, not history: kept */
	assert_int_equal(store_log_position(st, "mail", &got, NULL), 1);
	assert_true(got.off == 999);
	store_close(st);
}

static void
test_batching(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	struct store		*st;
	struct store_counters	 c;
	struct fake		 f;
	int			 i;

	store_params_defaults(&p);
	p.flush_ms = 60000;
	p.batch_rows = 100;
	st = open_store(fx, &p);
	fake_session(&f, "192.0.2.1", 25, 0);
	for (i = 0; i < 250; i++)
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    i, &f.r, NULL), 0);
	/*
	 * Two full batches go at once; the rest waits for flush_ms. The
	 * state waited for is that one exactly: had the 50 gone early, it
	 * would never be seen (rows would pass 200 first).
	 */
	assert_int_equal(wait_counters(st, 200, 2, 50, 5000), 0);
	assert_int_equal(store_flush(st, 5000), 0);
	store_counters(st, &c);
	assert_int_equal(c.rows, 250);
	assert_int_equal(c.batches, 3);
	assert_int_equal(c.queued, 0);
	assert_int_equal(c.dropped, 0);
	assert_true(c.db_bytes > 0);
	store_close(st);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM sessions"), 250);
}

static void
test_flush_timer(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	struct store		*st;
	struct fake		 f;

	store_params_defaults(&p);
	p.flush_ms = 50;
	st = open_store(fx, &p);
	fake_session(&f, "192.0.2.1", 25, 0);
	assert_int_equal(store_add_session(st, "a.test", "mx.a.test", 1, &f.r,
	    NULL), 0);
	/* no store_flush: the timer alone commits it */
	assert_int_equal(wait_rows(st, 1, 3000), 0);
	store_close(st);
}

static void
test_queue_bound(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	struct store		*st;
	struct store_counters	 c;
	struct fake		 f;
	int			 i, ok = 0, dropped = 0;

	store_params_defaults(&p);
	p.flush_ms = 60000;
	p.batch_rows = 100000;
	p.queue_max = 10;
	st = open_store(fx, &p);
	fake_session(&f, "192.0.2.1", 25, 0);
	for (i = 0; i < 15; i++) {
		if (store_add_session(st, "a.test", "mx.a.test", i, &f.r,
		    NULL) == 0)
			ok++;
		else
			dropped++;
	}
	assert_int_equal(ok, 10);
	assert_int_equal(dropped, 5);
	store_counters(st, &c);
	assert_int_equal(c.dropped, 5);
	assert_int_equal(c.queued, 10);
	assert_int_equal(store_flush(st, 5000), 0);
	store_counters(st, &c);
	assert_int_equal(c.rows, 10);
	store_close(st);
}

static void
test_close_drains(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	struct store		*st;
	struct fake		 f;
	int			 i;

	store_params_defaults(&p);
	p.flush_ms = 60000;
	st = open_store(fx, &p);
	fake_session(&f, "192.0.2.1", 25, 1);
	for (i = 0; i < 100; i++)
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    i, &f.r, &f.fl), 0);
	store_close(st);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM sessions"), 100);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM findings"), 100);
	/* the last close checkpointed and removed the WAL */
	{
		char	 w[128];

		snprintf(w, sizeof(w), "%s-wal", fx->path);
		assert_int_equal(access(w, F_OK), -1);
	}
	finding_list_free(&f.fl);
}

/*
 * close_ms bounds store_close(): what is left after it is dropped, at
 * most the batch under way is still written. The writer is held on its
 * first batch (another connection holds the database) while the rows are
 * queued, so none is written before the close: what is written after it
 * is what the deadline let through, counted, not timed.
 */
struct release {
	sqlite3		*db;
	int		 ms;
	int		 rc;
};

/* Ends the test's exclusive transaction after a while. */
static void *
commit_later(void *arg)
{
	struct release	*r = arg;

	usleep((useconds_t)r->ms * 1000);
	r->rc = sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	return NULL;
}

static void
test_close_deadline(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	struct store_counters	 c;
	struct store		*st;
	struct fake		 f;
	struct release		 rel;
	pthread_t		 th;
	sqlite3			*db;
	int64_t			 n;
	int			 i;

	store_params_defaults(&p);
	p.flush_ms = 60000;
	p.close_ms = 0;
	st = open_store(fx, &p);
	fake_session(&f, "192.0.2.1", 25, 0);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL),
	    SQLITE_OK);
	for (i = 0; i < 20000; i++)
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    i, &f.r, NULL), 0);
	store_counters(st, &c);
	assert_int_equal(c.rows, 0);
	/*
	 * Closed while the writer still waits for the lock, which is let
	 * go a moment later (the writer's busy timeout is longer): close
	 * does not wait for the queue, so only the batch under way is
	 * written, however the threads are scheduled.
	 */
	rel.db = db;
	rel.ms = 100;
	assert_int_equal(pthread_create(&th, NULL, commit_later, &rel), 0);
	store_close(st);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(rel.rc, SQLITE_OK);
	sqlite3_close(db);
	n = q1(fx->path, "SELECT count(*) FROM sessions");
	if (n > p.batch_rows)
		fail_msg("%lld rows written after a close with close_ms 0; "
		    "at most %d (the batch under way) expected", (long long)n,
		    p.batch_rows);
	assert_string_equal(qs(fx->path, "PRAGMA integrity_check"), "ok");
}

/* --- retention --- */

static void
test_retention_age(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	struct store		*st;
	struct store_counters	 c;
	struct fake		 old, young;
	int64_t			 now = (int64_t)time(NULL);
	int			 i;

	store_params_defaults(&p);
	p.retain_interval_ms = 20;
	st = open_store(fx, &p);
	fake_session(&old, "192.0.2.1", 25, 1);
	fake_session(&young, "192.0.2.1", 25, 1);
	for (i = 0; i < 1200; i++)
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    now - 10 * 86400 + i, &old.r, &old.fl), 0);
	alert(st, "tls.cert.expired", STORE_RAISED, now - 9 * 86400,
	    now - 9 * 86400);
	for (i = 0; i < 50; i++)
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    now - 60 + i, &young.r, &young.fl), 0);
	assert_int_equal(store_flush(st, 5000), 0);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM sessions"), 1250);

	store_set_retention(st, 86400, 0);
	for (i = 0; i < 500; i++) {
		store_counters(st, &c);
		if (c.deleted >= 1200 * 2 + 1)
			break;
		usleep(10000);
	}
	store_counters(st, &c);
	assert_int_equal(c.deleted, 1200 * 2 + 1);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM sessions"), 50);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM findings"), 50);
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM alert_events"), 0);
	/* the open alert is state, not history: kept */
	assert_int_equal(q1(fx->path, "SELECT count(*) FROM alerts"), 1);
	assert_true(q1(fx->path, "SELECT min(started_at) FROM sessions") >=
	    now - 60);
	store_close(st);
	finding_list_free(&old.fl);
	finding_list_free(&young.fl);
}

static void
test_retention_size(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	struct store		*st;
	struct store_counters	 c;
	struct fake		 f;
	int64_t			 max = 512 * 1024, lo, hi, n;
	int			 i;

	store_params_defaults(&p);
	p.retain_interval_ms = 20;
	st = open_store(fx, &p);
	fake_session(&f, "192.0.2.1", 25, 1);
	for (i = 1; i <= 20000; i++) {
		/* duration_us carries the sequence number */
		f.r.total_us = i;
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    1000000 + i / 10, &f.r, &f.fl), 0);
	}
	assert_int_equal(store_flush(st, 10000), 0);
	store_counters(st, &c);
	assert_true(c.used_bytes > 4 * max);

	store_set_retention(st, 0, max);
	for (i = 0; i < 1000; i++) {
		store_counters(st, &c);
		if (c.used_bytes <= max && c.deleted > 0)
			break;
		usleep(10000);
	}
	store_counters(st, &c);
	if (c.used_bytes > max)
		fail_msg("used %" PRId64 " bytes, limit %" PRId64,
		    c.used_bytes, max);
	store_close(st);

	lo = q1(fx->path, "SELECT min(duration_us) FROM sessions");
	hi = q1(fx->path, "SELECT max(duration_us) FROM sessions");
	n = q1(fx->path, "SELECT count(*) FROM sessions");
	/* the newest are all there, the oldest went, nothing in between */
	assert_int_equal(hi, 20000);
	assert_true(lo > 1);
	assert_int_equal(n, hi - lo + 1);
	assert_true(q1(fx->path, "SELECT count(*) FROM findings") <= n + 500);
	assert_int_equal(q1(fx->path, "SELECT min(at) FROM findings") >=
	    q1(fx->path, "SELECT min(started_at) FROM sessions") - 1, 1);
	/* the pages freed are reused, not grown: live data under the cap */
	assert_true(q1(fx->path, "PRAGMA freelist_count") > 0);
	assert_string_equal(qs(fx->path, "PRAGMA integrity_check"), "ok");
	finding_list_free(&f.fl);
}

/*
 * A size limit the store cannot meet (below what its schema and newest
 * rows take): retention deletes the oldest rows, at most half of a
 * table at a time, and never empties a table: the newest runs stay.
 */
static void
test_retention_size_floor(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	struct store		*st;
	struct store_counters	 c;
	struct fake		 f;
	int64_t			 n;
	int			 i;

	store_params_defaults(&p);
	p.retain_interval_ms = 10;
	st = open_store(fx, &p);
	fake_session(&f, "192.0.2.1", 25, 1);
	for (i = 1; i <= 300; i++) {
		f.r.total_us = i;
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    1000000 + i, &f.r, &f.fl), 0);
	}
	assert_int_equal(store_flush(st, 10000), 0);
	store_set_retention(st, 0, 4096);
	for (i = 0; i < 100; i++) {
		store_counters(st, &c);
		if (c.deleted > 0 && i >= 50)
			break;
		usleep(10000);
	}
	store_counters(st, &c);
	assert_true(c.deleted > 0);
	store_close(st);
	n = q1(fx->path, "SELECT count(*) FROM sessions");
	assert_true(n >= 1 && n < 300);
	assert_int_equal(q1(fx->path, "SELECT max(duration_us) FROM sessions"),
	    300);
	assert_true(q1(fx->path, "SELECT count(*) FROM findings") >= 1);
	finding_list_free(&f.fl);
}

/* --- a full or failing disk --- */

static void
test_disk_full(void **state)
{
	struct fixture		*fx = *state;
	struct store_params	 p;
	struct store		*st;
	struct store_counters	 c;
	struct fake		 f;
	uint64_t		 rows;
	int			 i;

	store_params_defaults(&p);
	p.max_pages = 200;		/* a "disk" of 800 KiB */
	p.retain_interval_ms = 20;
	st = open_store(fx, &p);
	fake_session(&f, "192.0.2.1", 25, 1);
	for (i = 0; i < 20000; i++)
		/* the caller never sees the disk */
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    1000 + i, &f.r, &f.fl), 0);
	assert_int_equal(store_flush(st, 10000), 0);
	store_counters(st, &c);
	assert_true(c.errors > 0);
	assert_true(c.dropped > 0);
	assert_true(c.rows > 0);
	assert_int_equal(c.failing, 1);
	assert_int_equal(c.corrupt, 0);
	assert_true(c.failing_since > 0);
	/* SQLite's own words, not the "not an error" left by ROLLBACK */
	assert_string_equal(c.error, "write: database or disk is full");
	assert_int_equal(c.rows + c.dropped, 2 * 20000);
	assert_int_equal(c.queued, 0);

	/* space comes back (here: retention frees pages): writing resumes */
	store_set_retention(st, 0, 256 * 1024);
	rows = c.rows;
	for (i = 0; i < 300; i++) {
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    100000 + i, &f.r, &f.fl), 0);
		usleep(10000);
		store_counters(st, &c);
		if (!c.failing && c.rows > rows)
			break;
	}
	assert_int_equal(store_flush(st, 10000), 0);
	store_counters(st, &c);
	assert_int_equal(c.failing, 0);
	assert_int_equal(c.failing_since, 0);
	assert_string_equal(c.error, "");
	assert_true(c.rows > rows);
	store_close(st);
	assert_string_equal(qs(fx->path, "PRAGMA integrity_check"), "ok");
	assert_true(q1(fx->path, "SELECT max(started_at) FROM sessions") >=
	    100000);
	finding_list_free(&f.fl);
}

/*
 * A corrupted page: the root of the sessions table overwritten. The
 * store opens, every write fails, and the counters say it is corrupt in
 * SQLite's words, with every row it could not write counted.
 */
static void
test_corrupt_page(void **state)
{
	struct fixture		*fx = *state;
	struct store		*st;
	struct store_counters	 c;
	struct fake		 f;
	char			 page[65536];
	int64_t			 root, size;
	int			 fd, i;

	store_close(open_store(fx, NULL));
	root = q1(fx->path, "SELECT rootpage FROM sqlite_master"
	    " WHERE name = 'sessions'");
	size = q1(fx->path, "PRAGMA page_size");
	assert_true(root > 1);
	assert_true(size > 0 && size <= (int64_t)sizeof(page));
	memset(page, 'x', (size_t)size);
	assert_true((fd = open(fx->path, O_WRONLY)) != -1);
	assert_int_equal(pwrite(fd, page, (size_t)size, (root - 1) * size),
	    size);
	close(fd);

	st = open_store(fx, NULL);
	fake_session(&f, "192.0.2.1", 25, 1);
	for (i = 0; i < 10; i++)
		assert_int_equal(store_add_session(st, "a.test", "mx.a.test",
		    1000 + i, &f.r, &f.fl), 0);
	assert_int_equal(store_flush(st, 10000), 0);
	store_counters(st, &c);
	assert_int_equal(c.failing, 1);
	assert_int_equal(c.corrupt, 1);
	assert_true(c.failing_since > 0);
	assert_string_equal(c.error, "write: database disk image is malformed");
	assert_int_equal(c.rows, 0);
	assert_int_equal(c.dropped, 2 * 10);
	assert_true(c.errors > 0);
	store_close(st);
	finding_list_free(&f.fl);
}

/*
 * The file system refuses to grow the files (RLIMIT_FSIZE: write(2)
 * fails with EFBIG, SQLite reports an I/O error) and later allows it
 * again. In a child, as the limit is per process.
 */
static void
test_disk_ioerr(void **state)
{
	struct fixture	*fx = *state;
	pid_t		 pid;
	int		 status;

	store_close(open_store(fx, NULL));
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct store_params	 p;
		struct store		*st;
		struct store_counters	 c;
		struct rlimit		 rl, old;
		struct fake		 f;
		uint64_t		 rows;
		char			*cause = NULL;
		int			 i;

		signal(SIGXFSZ, SIG_IGN);
		store_params_defaults(&p);
		p.path = fx->path;
		if ((st = store_open(&p, &cause)) == NULL)
			_exit(10);
		getrlimit(RLIMIT_FSIZE, &old);
		rl = old;
		rl.rlim_cur = 256 * 1024;
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(11);
		fake_session(&f, "192.0.2.1", 25, 1);
		for (i = 0; i < 20000; i++)
			if (store_add_session(st, "a.test", "mx.a.test", i,
			    &f.r, &f.fl) == -1)
				_exit(12);
		store_flush(st, 10000);
		store_counters(st, &c);
		if (c.errors == 0 || c.dropped == 0 || !c.failing)
			_exit(13);
		rows = c.rows;
		setrlimit(RLIMIT_FSIZE, &old);
		for (i = 0; i < 300; i++) {
			store_add_session(st, "a.test", "mx.a.test", 100000 + i,
			    &f.r, &f.fl);
			usleep(10000);
			store_counters(st, &c);
			if (!c.failing && c.rows > rows)
				break;
		}
		store_flush(st, 10000);
		store_counters(st, &c);
		if (c.failing || c.rows <= rows)
			_exit(14);
		store_close(st);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(qs(fx->path, "PRAGMA integrity_check"), "ok");
	assert_true(q1(fx->path, "SELECT max(started_at) FROM sessions") >=
	    100000);
}

/*
 * A read-only directory: no database can be created in it, and an
 * existing database in it cannot be used (WAL needs -wal and -shm
 * beside it). Root ignores permissions, so as root the check runs in a
 * child that becomes nobody.
 */
static int
try_open(const char *path, char *cause, size_t sz)
{
	struct store_params	 p;
	struct store		*st;
	char			*c = NULL;

	store_params_defaults(&p);
	p.path = path;
	if ((st = store_open(&p, &c)) != NULL) {
		store_close(st);
		return 0;
	}
	snprintf(cause, sz, "%s", c ? c : "");
	free(c);
	return -1;
}

static void
readonly_case(struct fixture *fx, int existing)
{
	char	 cause[512] = "";
	pid_t	 pid;
	int	 status, rc;

	if (existing) {
		store_close(open_store(fx, NULL));
		chmod(fx->path, 0644);
	}
	chmod(fx->dir, 0555);
	if (geteuid() != 0) {
		rc = try_open(fx->path, cause, sizeof(cause));
		chmod(fx->dir, 0700);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(cause, fx->path));
		return;
	}
	chmod(fx->dir, 0755);		/* nobody may enter, not write */
	fflush(NULL);
	if ((pid = fork()) == 0) {
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(10);
		if (try_open(fx->path, cause, sizeof(cause)) == 0)
			_exit(11);
		if (strstr(cause, fx->path) == NULL)
			_exit(12);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	chmod(fx->dir, 0700);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	if (!existing)
		assert_int_equal(access(fx->path, F_OK), -1);
}

static void
test_readonly_dir_new(void **state)
{
	readonly_case(*state, 0);
}

static void
test_readonly_dir_existing(void **state)
{
	readonly_case(*state, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_plan, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_a_store, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_mode, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_history_bounds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_history_pages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_latest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_report, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_alerts_survive_restart,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_log_counts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_log_pages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_log_atomic_retention,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_batching, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flush_timer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queue_bound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_drains, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_close_deadline, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_retention_age, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_retention_size_floor,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disk_ioerr, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_readonly_dir_new, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_readonly_dir_existing,
		    setup, teardown),
	};

	log_init(1, "test_store", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
