/*
 * client.c - the commands of a running smtprobed, one per row of
 * lib/ctl.h's table (status, targets, show, history, probe, follow,
 * reload): one request over its control socket, the reply as a table
 * (its printer, below) or as JSON with --json.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "client.h"
#include "ctl.h"
#include "store.h"
#include "value.h"
#include "version.h"

#define DEFAULT_SOCKET	"/run/smtprobed/control.sock"

struct reply_ctx {
	const struct ctl_command *cmd;
	int		 json;
	int		 status;	/* exit status */
	int		 stopped;	/* the reply ended the request */
};

static const char *
when(json_int_t t, char *buf, size_t sz)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, sz, "-");
	else
		strftime(buf, sz, "%Y-%m-%d %H:%M:%SZ", &tm);
	return buf;
}

static const char *
str(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "-";
}

static json_int_t
num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* "3d 4h", "2h 5m", "12m 3s", "42s": the two largest units. */
static const char *
duration_words(json_int_t secs, char *buf, size_t sz)
{
	static const struct {
		const char	*unit;
		json_int_t	 s;
	} u[] = { { "d", 86400 }, { "h", 3600 }, { "m", 60 }, { "s", 1 } };
	size_t	 i;

	if (secs < 0)
		secs = 0;
	for (i = 0; i < 3 && secs < u[i].s; i++)
		;
	if (i == 3 || secs % u[i].s / u[i + 1].s == 0)
		snprintf(buf, sz, "%lld%s", (long long)(secs / u[i].s),
		    u[i].unit);
	else
		snprintf(buf, sz, "%lld%s %lld%s", (long long)(secs / u[i].s),
		    u[i].unit, (long long)(secs % u[i].s / u[i + 1].s),
		    u[i + 1].unit);
	return buf;
}

/* "812 bytes", "1.5 KiB", "256.0 MiB" (binary units, as store-max-size). */
static const char *
size_words(json_int_t bytes, char *buf, size_t sz)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double	 v = (double)bytes;
	int	 i = -1;

	if (bytes < 1024) {
		snprintf(buf, sz, "%lld bytes", (long long)bytes);
		return buf;
	}
	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	snprintf(buf, sz, "%.1f %s", v, unit[i]);
	return buf;
}

static void
print_status(json_t *r)
{
	json_t		*st = json_object_get(r, "store");
	json_int_t	 up = num(r, "uptime");
	char		 w[32], d[64], b[32];

	printf("uptime        %s (since %s)\n", duration_words(up, d,
	    sizeof(d)), when((json_int_t)time(NULL) - up, w, sizeof(w)));
	printf("targets       %lld", (long long)num(r, "targets"));
	if (num(r, "targets_unknown") > 0)
		printf(" (%lld unknown: their last run could not look)",
		    (long long)num(r, "targets_unknown"));
	printf("\n");
	printf("probes run    %lld (%lld failed, %lld unknown)\n",
	    (long long)num(r, "probes_run"), (long long)num(r, "probes_failed"),
	    (long long)num(r, "probes_unknown"));
	printf("in flight     %lld checks, %lld sessions\n", (long long)num(r,
	    "in_flight"), (long long)num(r, "sessions_in_flight"));
	printf("open alerts   %lld\n", (long long)num(r, "open_alerts"));
	/* the counts are the daemon's since it started, not the file's */
	printf("store         %s; since start %lld rows written, %lld write "
	    "errors, %lld dropped\n",
	    size_words(num(st, "size"), b, sizeof(b)),
	    (long long)num(st, "rows"), (long long)num(st, "errors"),
	    (long long)num(st, "dropped"));
	if (json_is_true(json_object_get(st, "failing"))) {
		const char	*e = json_string_value(json_object_get(st,
				    "error"));

		printf("store         FAILING since %s, results not stored: "
		    "%s\n", when(num(st, "failing_since"), w, sizeof(w)),
		    e != NULL ? e : "?");
	}
}

static void
print_targets(json_t *r)
{
	json_t	*a = json_object_get(r, "targets"), *t;
	size_t	 i;
	char	 w[32], n[80], d[64];
	int	 running;

	printf("%-40s %-7s %-8s %6s %-21s %s\n", "TARGET", "KIND", "STATUS",
	    "ALERTS", "LAST RUN", "NEXT");
	json_array_foreach(a, i, t) {
		running = json_is_true(json_object_get(t, "running"));
		if (running)
			snprintf(n, sizeof(n), "running now");
		else
			snprintf(n, sizeof(n), "in %s", duration_words(num(t,
			    "next_run_in_s"), d, sizeof(d)));
		printf("%-40s %-7s %-8s %6lld %-21s %s\n", str(t, "target"),
		    str(t, "kind"), running ? "running" : str(t, "status"),
		    (long long)num(t, "open_alerts"),
		    when(num(t, "last_run"), w, sizeof(w)), n);
	}
}

static void
print_findings(json_t *last)
{
	json_t	*fa = json_object_get(last, "findings"), *f;
	size_t	 i;

	json_array_foreach(fa, i, f)
		printf("  %-4s %-26s %s %s:%lld\n       %s\n", str(f, "severity"),
		    str(f, "id"), str(f, "host"), str(f, "addr"),
		    (long long)num(f, "port"), str(f, "evidence"));
}

static void
print_show(json_t *r)
{
	json_t	*al = json_object_get(r, "alerts"), *a;
	json_t	*last = json_object_get(r, "last");
	size_t	 i;
	char	 w[32];

	printf("%s: %s\n", str(r, "target"), json_is_object(last) ?
	    str(last, "status") : "not run yet");
	if (json_array_size(al) > 0) {
		printf("\nALERT  %-26s %-30s %-5s %-4s %s\n", "FINDING", "HOST",
		    "PORT", "SEV", "SINCE");
		json_array_foreach(al, i, a)
			printf("%-6s %-26s %-30s %-5lld %-4s %s\n",
			    json_is_true(json_object_get(a, "open")) ? "open" :
			    "pend", str(a, "finding"), str(a, "host"),
			    (long long)num(a, "port"), str(a, "severity"),
			    when(num(a, "since"), w, sizeof(w)));
	}
	if (json_is_object(last)) {
		json_t	*ss = json_object_get(last, "sessions"), *s;
		json_t	*dns = json_object_get(last, "dns");
		char	 aw[32];

		/* a minimal run judged with the records of an earlier audit */
		printf("\nlast run %s", when(num(last, "at"), w, sizeof(w)));
		if (!json_is_object(dns))
			printf(", no DNS (addresses given)\n");
		else if (!json_is_true(json_object_get(dns, "minimal")))
			printf(", DNS audited\n");
		else if (num(last, "audited_at") > 0)
			printf(", DNS not audited again: records as of %s\n",
			    when(num(last, "audited_at"), aw, sizeof(aw)));
		else
			printf(", DNS not audited (MX and addresses only)\n");
		json_array_foreach(ss, i, s)
			printf("  %s [%s]:%lld %s\n", str(s, "host"),
			    str(s, "addr"), (long long)num(s, "port"),
			    str(s, "outcome"));
		print_findings(last);
	}
}

/* A session's DNS column: "audited", "cached" (a minimal run) or "-". */
static const char *
audit_word(json_t *full)
{
	if (json_is_true(full))
		return "audited";
	if (json_is_false(full))
		return "cached";
	return "-";
}

static void
print_history(json_t *r)
{
	json_t	*h = json_object_get(r, "history"), *e, *a;
	size_t	 i;
	char	 w[32];

	/* nothing: say so, an empty screen reads as a failure */
	if (json_array_size(json_object_get(h, "sessions")) == 0 &&
	    json_array_size(json_object_get(h, "audits")) == 0 &&
	    json_array_size(json_object_get(h, "alerts")) == 0) {
		printf("%s: no sessions, audits or alert events in the store",
		    str(h, "target"));
		if (num(h, "since") > 0)
			printf(" since %s", when(num(h, "since"), w, sizeof(w)));
		if (json_is_integer(json_object_get(h, "until")))
			printf(" until %s", when(num(h, "until"), w, sizeof(w)));
		printf("\n");
		return;
	}
	/* DNS: whether the session's run audited the records again */
	a = json_object_get(h, "sessions");
	if (json_array_size(a) > 0)
		printf("%-21s %-30s %-39s %5s %-8s %5s %-4s %8s %s\n", "WHEN",
		    "HOST", "ADDR", "PORT", "OUTCOME", "CODE", "SEV", "MS",
		    "DNS");
	json_array_foreach(a, i, e)
		printf("%-21s %-30s %-39s %5lld %-8s %5lld %-4s %8.1f %s\n",
		    when(num(e, "at"), w, sizeof(w)), str(e, "host"),
		    str(e, "addr"), (long long)num(e, "port"),
		    str(e, "outcome"), (long long)num(e, "code"),
		    str(e, "worst"), num(e, "duration_us") / 1000.0,
		    audit_word(json_object_get(e, "full_audit")));
	a = json_object_get(h, "audits");
	if (json_array_size(a) > 0)
		printf("\n%-21s %-8s %8s %s\n", "AUDIT", "SEV", "MS", "KIND");
	json_array_foreach(a, i, e)
		printf("%-21s %-8s %8lld %s\n", when(num(e, "at"), w, sizeof(w)),
		    str(e, "worst"), (long long)num(e, "duration_ms"),
		    json_is_false(json_object_get(e, "full_audit")) ?
		    "minimal: MX and addresses, records not audited again" :
		    json_is_true(json_object_get(e, "full_audit")) ? "full" :
		    "-");
	a = json_object_get(h, "alerts");
	if (json_array_size(a) > 0)
		printf("\n%-21s %-10s %-26s %-30s %5s %s\n", "ALERT EVENT",
		    "EVENT", "FINDING", "HOST", "PORT", "SEV");
	json_array_foreach(a, i, e)
		printf("%-21s %-10s %-26s %-30s %5lld %s\n",
		    when(num(e, "at"), w, sizeof(w)), str(e, "event"),
		    str(e, "finding"), str(e, "host"), (long long)num(e, "port"),
		    str(e, "severity"));
	if (json_is_true(json_object_get(h, "truncated")))
		printf("(more: use --since/--until/--limit)\n");
}

static void
print_event(json_t *r)
{
	char	 w[32];

	if (strcmp(str(r, "event"), "alert") == 0)
		printf("%s\n", str(r, "line"));
	else if (strcmp(str(r, "event"), "result") == 0)
		printf("%s RESULT target=%s status=%s findings=%lld ms=%lld\n",
		    when(time(NULL), w, sizeof(w)), str(r, "target"),
		    str(r, "status"), (long long)num(r, "findings"),
		    (long long)num(r, "ms"));
	fflush(stdout);
}

static void
print_probe(json_t *r)
{
	json_t	*res = json_object_get(r, "result");

	printf("%s: %s\n", str(res, "target"), str(res, "status"));
	print_findings(res);
}

/* A result's status as check's exit status: the plugins' convention. */
static int
status_exit(const char *st)
{
	if (st == NULL)
		return 3;
	if (strcmp(st, "ok") == 0)
		return 0;
	if (strcmp(st, "warn") == 0)
		return 1;
	if (strcmp(st, "crit") == 0)
		return 2;
	return 3;
}

static void
print_follow(json_t *r)
{
	(void)r;
	fprintf(stderr, "following; ^C to stop\n");
}

static void
print_reload(json_t *r)
{
	printf("reloaded: %lld target(s)\n", (long long)num(r, "targets"));
}

/* One stored domain: its events by status, then its causes. */
static void
print_stored_domain(json_t *dm)
{
	json_t		*c;
	const char	*k;
	json_t		*v;
	size_t		 i;
	char		 w1[32], w2[32];
	int		 first = 1;

	printf("  %-3s %-30s %6lld events, %lld failed (",
	    str(dm, "direction"), str(dm, "domain"),
	    (long long)num(dm, "events"), (long long)num(dm, "failed"));
	json_object_foreach(json_object_get(dm, "status"), k, v) {
		printf("%s%s %lld", first ? "" : ", ", k,
		    (long long)json_integer_value(v));
		first = 0;
	}
	printf(")\n");
	json_array_foreach(json_object_get(dm, "causes"), i, c)
		printf("      %-28s %-8s %6lld  %s .. %s  %s\n", str(c, "cause"),
		    str(c, "status"), (long long)num(c, "count"),
		    when(num(c, "first"), w1, sizeof(w1)),
		    when(num(c, "last"), w2, sizeof(w2)), str(c, "sample"));
}

static void
print_logs(json_t *r)
{
	json_t	*l, *w, *st, *dm;
	size_t	 i, j;
	char	 t[32];

	if (json_array_size(json_object_get(r, "logs")) == 0)
		printf("no [log] section is followed\n");
	if (json_object_get(r, "store_error") != NULL)
		fprintf(stderr, "smtprobe: logs: the store could not be read: "
		    "%s\n", str(r, "store_error"));
	json_array_foreach(json_object_get(r, "logs"), i, l) {
		printf("log %s  %s: %lld lines, %lld failures, %lld unparsable"
		    " since the daemon started; window %llds\n",
		    str(l, "log"), str(l, "path"), (long long)num(l, "lines"),
		    (long long)num(l, "failures"),
		    (long long)num(l, "unparsable"),
		    (long long)num(l, "window_s"));
		json_array_foreach(json_object_get(l, "window"), j, w)
			printf("  %-3s %-30s %-28s %6lld  %s\n",
			    str(w, "direction"), str(w, "domain"),
			    str(w, "cause"), (long long)num(w, "count"),
			    str(w, "sample"));
		st = json_object_get(l, "stored");
		if (!json_is_object(st))
			continue;
		printf(" stored since %s: %lld minutes' rows%s\n",
		    num(st, "since") > 0 ? when(num(st, "since"), t,
		    sizeof(t)) : "the oldest kept", (long long)num(st, "rows"),
		    json_is_true(json_object_get(st, "truncated")) ?
		    " (truncated: use --since, --domain or --limit)" : "");
		json_array_foreach(json_object_get(st, "domains"), j, dm)
			print_stored_domain(dm);
	}
}

/* The printer of each command's reply (lib/ctl.h's table). */
static void (*const printers[CTL_NCMDS])(json_t *) = {
	[CTL_STATUS] = print_status,
	[CTL_TARGETS] = print_targets,
	[CTL_SHOW] = print_show,
	[CTL_HISTORY] = print_history,
	[CTL_PROBE] = print_probe,
	[CTL_FOLLOW] = print_follow,
	[CTL_RELOAD] = print_reload,
	[CTL_LOGS] = print_logs,
};

static int
on_reply(json_t *r, void *arg)
{
	struct reply_ctx	*c = arg;
	char			*s;

	if (c->json) {
		if ((s = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER)) !=
		    NULL) {
			printf("%s\n", s);
			free(s);
		}
		fflush(stdout);
	}
	if (json_object_get(r, "event") != NULL) {
		if (!c->json)
			print_event(r);
		return 0;
	}
	if (!json_is_true(json_object_get(r, "ok"))) {
		fprintf(stderr, "smtprobe: %s: %s\n", c->cmd->name,
		    str(r, "error"));
		/* probe is a plugin: what it cannot tell is UNKNOWN */
		c->status = c->cmd->cmd == CTL_PROBE ? 3 : 1;
		c->stopped = 1;
		return 1;
	}
	if (!c->json)
		printers[c->cmd->cmd](r);
	if (c->cmd->cmd == CTL_PROBE)
		c->status = status_exit(json_string_value(json_object_get(
		    json_object_get(r, "result"), "status")));
	c->stopped = !(c->cmd->flags & CTL_STREAM);
	return c->stopped;
}

/* "smtprobe history TARGET [--since T] ...", without "usage: ". */
static void
usage_line(FILE *fp, const struct ctl_command *c)
{
	fprintf(fp, "smtprobe %s [-s socket] [--json]%s%s\n", c->name,
	    c->flags & CTL_RANGE ? " [--since time] [--until time]\n"
	    "                      [--limit n]" : "",
	    c->flags & CTL_TARGET ? " target" : "");
}

/*
 * Whether each audit, and the sessions of its run, audited the DNS
 * again or only looked up what the sessions needed (a minimal run):
 * "full_audit" from the records' "minimal", given to the sessions of
 * the same run (the same "at": the run's start). Both lists are newest
 * first, so one pass over each. Rows stored before the records said so,
 * and sessions of runs without an audit (or whose audit the limit left
 * out), get no "full_audit".
 */
static void
mark_audits(json_t *h)
{
	json_t		*aud = json_object_get(h, "audits");
	json_t		*ses, *a, *x, *min;
	json_int_t	 at;
	size_t		 i, j = 0, na = json_array_size(aud);

	json_array_foreach(aud, i, a) {
		min = json_object_get(json_object_get(a, "records"), "minimal");
		if (json_is_boolean(min))
			json_object_set_new(a, "full_audit",
			    json_boolean(!json_is_true(min)));
	}
	ses = json_object_get(h, "sessions");
	json_array_foreach(ses, i, x) {
		at = json_integer_value(json_object_get(x, "at"));
		while (j < na && json_integer_value(json_object_get(
		    json_array_get(aud, j), "at")) > at)
			j++;
		if (j < na && json_integer_value(json_object_get(
		    json_array_get(aud, j), "at")) == at &&
		    (a = json_object_get(json_array_get(aud, j),
		    "full_audit")) != NULL)
			json_object_set(x, "full_audit", a);
	}
}

/*
 * Commands answered a page at a time (CTL_PAGED): ask for page after
 * page and print them as one reply, as if the daemon had sent it at
 * once: targets to the last one, history to --limit rows of each kind
 * (100 by default, STORE_LIMIT_MAX at most), as it always was.
 */
struct pager {
	json_t		*page;		/* the last reply */
};

static int
on_page(json_t *r, void *arg)
{
	struct pager	*p = arg;

	json_decref(p->page);
	p->page = json_incref(r);
	return 1;
}

/* Append the rows of src[key] to dst[key], up to limit; 1 if some were
 * left out. */
static int
append_rows(json_t *dst, json_t *src, const char *key, size_t limit)
{
	json_t	*d = json_object_get(dst, key), *v;
	size_t	 i;

	json_array_foreach(json_object_get(src, key), i, v) {
		if (json_array_size(d) >= limit)
			return 1;
		json_array_append(d, v);
	}
	return 0;
}

static int
paged(const char *sock, const struct ctl_command *cmd, json_t *req,
    struct reply_ctx *c, char *err, size_t errsz)
{
	static const char *const kinds[] = { "sessions", "audits", "alerts" };
	struct pager	 p = { NULL };
	json_t		*all = NULL, *body = NULL, *next, *abody = NULL;
	json_int_t	 limit = 0, want;
	size_t		 k, least;
	int		 cut = 0, rv = -1;

	if (cmd->cmd == CTL_HISTORY) {
		limit = json_integer_value(json_object_get(req, "limit"));
		if (limit <= 0)
			limit = 100;
		if (limit > STORE_LIMIT_MAX)
			limit = STORE_LIMIT_MAX;
	}
	for (;;) {
		if (cmd->cmd == CTL_HISTORY) {
			/* what the kind with the fewest rows still wants */
			least = all == NULL ? 0 : (size_t)limit;
			for (k = 0; all != NULL && k < 3; k++)
				if (json_array_size(json_object_get(abody,
				    kinds[k])) < least)
					least = json_array_size(json_object_get(
					    abody, kinds[k]));
			want = (json_int_t)((size_t)limit - least);
			if (want > CTL_HISTORY_PAGE)
				want = CTL_HISTORY_PAGE;
			json_object_set_new(req, "limit", json_integer(want));
		}
		if (ctl_request(sock, req, cmd->timeout_ms, on_page, &p, err,
		    errsz) == -1)
			goto out;
		if (p.page == NULL || !json_is_true(json_object_get(p.page,
		    "ok"))) {
			/* an error: as any reply */
			if (p.page != NULL)
				on_reply(p.page, c);
			rv = 0;
			goto out;
		}
		body = cmd->cmd == CTL_HISTORY ? json_object_get(p.page,
		    "history") : p.page;
		next = json_object_get(body, "next");
		if (all == NULL) {
			all = json_deep_copy(p.page);
			abody = cmd->cmd == CTL_HISTORY ? json_object_get(all,
			    "history") : all;
		} else if (cmd->cmd == CTL_HISTORY) {
			for (k = 0; k < 3; k++)
				cut |= append_rows(abody, body, kinds[k],
				    (size_t)limit);
		} else
			append_rows(abody, body, "targets", (size_t)-1);
		if (next == NULL || json_is_null(next))
			break;
		if (cmd->cmd == CTL_HISTORY) {
			for (k = 0; k < 3; k++)
				if (json_array_size(json_object_get(abody,
				    kinds[k])) < (size_t)limit &&
				    !json_is_null(json_object_get(next,
				    kinds[k])))
					break;
			if (k == 3) {
				cut = 1;	/* every kind has its limit */
				break;
			}
		}
		json_object_set(req, "cursor", next);
	}
	/* one reply, as the daemon would have given it whole */
	json_object_del(abody, "next");
	if (cmd->cmd == CTL_HISTORY) {
		json_object_set_new(abody, "limit", json_integer(limit));
		json_object_set_new(abody, "truncated", json_boolean(cut ||
		    !json_is_null(json_object_get(body, "next"))));
		mark_audits(abody);
	}
	on_reply(all, c);
	rv = 0;
out:
	json_decref(p.page);
	json_decref(all);
	return rv;
}

void
client_usage(FILE *fp, const char *skip)
{
	int	 i;

	for (i = 0; i < CTL_NCMDS; i++) {
		if (skip != NULL && strcmp(ctl_commands[i].name, skip) == 0)
			continue;
		fputs("       ", fp);
		usage_line(fp, &ctl_commands[i]);
	}
}

static __attribute__((noreturn)) void
usage(const struct ctl_command *c)
{
	fputs("usage: ", stderr);
	usage_line(stderr, c);
	fprintf(stderr, "       smtprobe %s --help\n", c->name);
	exit(3);
}

/* `smtprobe COMMAND --help`: on standard output, exit 0. */
static __attribute__((noreturn)) void
help(const struct ctl_command *c)
{
	printf("usage: ");
	usage_line(stdout, c);
	printf("\nA request to the running smtprobed:\n  %s.\n", c->help);
	if (c->flags & CTL_TARGET)
		printf("TARGET is written as in smtprobed.conf or as `smtprobe "
		    "targets` lists it:\ndomain:example.com, example.com, "
		    "host:mx.example.net:587, 127.0.0.1:2526\n(case and a "
		    "final dot do not matter).\n");
	printf("\nOptions:\n"
	    "  -s, --socket SOCKET  the daemon's control socket (default "
	    "$SMTPROBED_SOCKET,\n"
	    "                       else %s); also before the command\n"
	    "  --json               the daemon's replies, one JSON object a "
	    "line\n", DEFAULT_SOCKET);
	if (c->flags & CTL_RANGE)
		printf("  --since TIME         rows from TIME on: a duration ago "
		    "(2h, 7d), an ISO 8601\n"
		    "                       time (2026-12-06T10:00:00Z) or "
		    "@SECONDS since the epoch\n"
		    "  --until TIME         rows up to TIME, written the same "
		    "way\n"
		    "  --limit N            at most N rows of each kind, 1 to "
		    "%d [100]\n", CTL_HISTORY_LIMIT_MAX);
	printf("  -V, --version        the version, and exit\n"
	    "  -h, --help           this help\n");
	if (c->cmd == CTL_PROBE)
		printf("\nExit status: the result's, as smtprobe check: 0 ok, 1 "
		    "warn, 2 crit, 3 unknown\n(also when the daemon cannot "
		    "run it).\n");
	exit(0);
}

/* --since and --until: a time as smtprobed.conf writes durations, or ISO. */
static json_int_t
parse_time(const struct ctl_command *c, const char *opt, const char *s)
{
	const char	*why;
	int64_t		 t;

	if (value_time(s, (int64_t)time(NULL), &t, &why) == -1) {
		fprintf(stderr, "smtprobe: %s %s: \"%s\" is %s\n", c->name, opt,
		    s, why);
		exit(3);
	}
	if (t < 0)
		t = 0;
	return (json_int_t)t;
}

int
client_request(const struct ctl_command *cmd, const char *sock, json_t *req,
    int json)
{
	struct reply_ctx c;
	char		 err[512];

	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	c.json = json;
	if (sock == NULL && (sock = getenv("SMTPROBED_SOCKET")) == NULL)
		sock = DEFAULT_SOCKET;
	signal(SIGPIPE, SIG_IGN);
	if (ctl_request(sock, req, cmd->timeout_ms, on_reply, &c, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "smtprobe: %s\n", err);
		return 3;
	}
	return c.status;
}

int
client_main(const struct ctl_command *cmd, int argc, char **argv,
    const char *sock)
{
	static const struct option longopts[] = {
		{ "socket",	required_argument, NULL, 's' },
		{ "json",	no_argument,	   NULL, 'j' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "since",	required_argument, NULL, 'S' },
		{ "until",	required_argument, NULL, 'U' },
		{ "limit",	required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct reply_ctx c;
	json_t		*req;
	long long	 n;
	char		 err[512];
	int		 ch, needs_target;

	if (printers[cmd->cmd] == NULL)
		abort();	/* a row of the table without a printer */
	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	if (sock == NULL && (sock = getenv("SMTPROBED_SOCKET")) == NULL)
		sock = DEFAULT_SOCKET;
	req = json_pack("{s:s}", "cmd", cmd->name);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "hs:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		case 'j':
			c.json = 1;
			break;
		case 'h':
			json_decref(req);
			help(cmd);
		case 'V':
			json_decref(req);
			version_print(stdout, "smtprobe");
			exit(0);
		case 'S':
		case 'U':
			if (!(cmd->flags & CTL_RANGE))
				usage(cmd);
			json_object_set_new(req, ch == 'S' ? "since" : "until",
			    json_integer(parse_time(cmd, ch == 'S' ? "--since" :
			    "--until", optarg)));
			break;
		case 'l':
			if (!(cmd->flags & CTL_RANGE))
				usage(cmd);
			if (value_number(optarg, 1, CTL_HISTORY_LIMIT_MAX,
			    &n) == -1) {
				fprintf(stderr, "smtprobe: %s --limit: \"%s\" is "
				    "not a number from 1 to %d\n", cmd->name,
				    optarg, CTL_HISTORY_LIMIT_MAX);
				exit(3);
			}
			json_object_set_new(req, "limit", json_integer(n));
			break;
		default:
			usage(cmd);
		}
	}
	argc -= optind;
	argv += optind;
	needs_target = (cmd->flags & CTL_TARGET) != 0;
	if (argc != needs_target)
		usage(cmd);
	if (needs_target)
		json_object_set_new(req, "target", json_string(argv[0]));
	if (json_integer_value(json_object_get(req, "until")) != 0 &&
	    json_integer_value(json_object_get(req, "until")) <
	    json_integer_value(json_object_get(req, "since"))) {
		fprintf(stderr, "smtprobe: %s: --until is before --since\n",
		    cmd->name);
		exit(3);
	}
	signal(SIGPIPE, SIG_IGN);
	if ((cmd->flags & CTL_PAGED) ? paged(sock, cmd, req, &c, err,
	    sizeof(err)) == -1 : ctl_request(sock, req, cmd->timeout_ms,
	    on_reply, &c, err, sizeof(err)) == -1) {
		fprintf(stderr, "smtprobe: %s\n", err);
		json_decref(req);
		return 3;
	}
	json_decref(req);
	/* a stream ends when the daemon goes: say so, it is not a success */
	if (!c.stopped) {
		fprintf(stderr, "smtprobe: %s: %s closed the connection: the "
		    "daemon stopped or restarted\n", cmd->name, sock);
		return 3;
	}
	return c.status;
}
