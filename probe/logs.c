/*
 * logs.c - `smtprobe logs`: read the MTA's log (files, rotated and
 * gzip-compressed ones, or the systemd journal), sum every delivery,
 * refusal and verdict up per direction, domain and cause (lib/logsum.c),
 * and join each cause to the smtprobe check that proves it; --probe runs
 * those checks and prints their findings under the cause.
 *
 * Exit status: 0 nothing failed, 1 failures were seen, 3 usage error or
 * no input could be read.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "client.h"
#include "ctl.h"
#include "finding.h"
#include "logs.h"
#include "logsrc.h"
#include "logsum.h"
#include "util.h"
#include "value.h"
#include "version.h"

#define DEFAULT_LOG	"/var/log/mail.log"
#define ROTATIONS_MAX	100		/* FILE.1 .. FILE.99[.gz] */
#define FILES_MAX	1024
#define SHOW_BAD_MAX	100		/* unparsable lines shown with -v */
#define PROBES_MAX	20		/* --probe: checks run at most */
#define PROBE_SECONDS	120
#define PROBE_OUT_MAX	(4 * 1024 * 1024)

struct opts {
	time_t		 since, until;
	const char	*domain;	/* A-labels */
	int		 json;
	int		 verbose;
	int		 probe;
	int		 journal;	/* --journal: the journal only */
	const char	*spf_ip;
	const char	*self;		/* our binary, for --probe */
	int		 daemon;	/* --daemon: ask smtprobed */
	const char	*socket;	/* its control socket (-s) */
	int		 limit;		/* --limit: domains per log */
	const char	*log;		/* --log: only this [log] */
};

/* One check proving a cause, and (with --probe) what it found. */
struct proof {
	char		*cmd;		/* as printed */
	char		*argv[16];	/* as run; argv[0] unused */
	int		 argc;
	json_t		*findings;	/* from its --json, or NULL */
	char		*error;		/* why it could not run, or NULL */
};

static __attribute__((noreturn)) void
logs_usage(void)
{
	/* LOGS_USAGE starts "      smtprobe logs ...": "usage:" takes
	 * the place of the indent */
	fprintf(stderr, "usage:%s", &LOGS_USAGE[sizeof("      ") - 1]);
	exit(3);
}

/* smtprobe logs --help: on standard output, exit 0. */
static __attribute__((noreturn)) void
logs_help(void)
{
	printf("usage:%s\n"
	    "What real mail saw, from the MTA's log (Postfix, Exim and their "
	    "milters): failures\nper direction, domain and cause, worst "
	    "first, with the check that proves each.\nFiles may be rotated "
	    "or gzip-compressed; without one, the journal, else\n"
	    DEFAULT_LOG "*.\n\n"
	    "Options:\n"
	    "  --since DURATION  only what was logged in the last DURATION "
	    "(90m, 12h, 7d)\n"
	    "  --until TIME      only up to TIME (ISO 8601, @SECONDS or a "
	    "DURATION ago)\n"
	    "  --domain DOMAIN   only mail to or from DOMAIN\n"
	    "  --json            one JSON object\n"
	    "  --probe           run the checks that prove each cause\n"
	    "  --spf-ip ADDR     this host's sending address, for the SPF "
	    "proofs\n"
	    "  --journal         read the systemd journal\n"
	    "  --daemon          ask a running smtprobed what its [log] "
	    "sections saw, from\n"
	    "                    its store (with -s SOCKET, --json, --since, "
	    "--until,\n"
	    "                    --domain, --log NAME, --limit N domains)\n"
	    "  -v                also list the lines that were not "
	    "understood\n"
	    "  -V, --version     the version, and exit\n"
	    "  -h, --help        this help\n", &LOGS_USAGE[sizeof("      ") - 1]);
	exit(0);
}

static __attribute__((noreturn, format(printf, 1, 2))) void
logs_die(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "smtprobe logs: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(3);
}

/* "90s", "30m", "12h", "7d", "2w" or plain seconds. */
static time_t
parse_duration(const char *opt, const char *s)
{
	char		*end;
	long long	 v;
	long long	 mul = 1;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		logs_die("%s: \"%s\" is not a duration (e.g. 90m, 12h, 7d)",
		    opt, s);
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	case 'w':
		mul = 7 * 86400;
		break;
	default:
		logs_die("%s: \"%s\" is not a duration (e.g. 90m, 12h, 7d)",
		    opt, s);
	}
	if (*end != '\0' && end[1] != '\0')
		logs_die("%s: \"%s\" is not a duration (e.g. 90m, 12h, 7d)",
		    opt, s);
	if (v > 100LL * 365 * 86400 / mul)
		logs_die("%s: \"%s\" is too long", opt, s);
	return (time_t)(v * mul);
}

static long long
parse_count(const char *opt, const char *s, long long lo, long long hi)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < lo || v > hi)
		logs_die("%s: \"%s\" is not a number from %lld to %lld", opt,
		    s, lo, hi);
	return v;
}

/* "2026-12-06T10:00:00[+01:00|Z]", "2026-12-06 10:00[:00]", "2026-12-06"
   (local time without an offset), "@EPOCH" or a DURATION ago. */
static time_t
parse_time(const char *opt, const char *s, time_t now)
{
	struct tm	 tm;
	const char	*rest;
	char		*end;
	long long	 v;

	if (*s == '@') {
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (errno || end == s + 1 || *end != '\0' || v < 0)
			logs_die("%s: bad \"%s\"", opt, s);
		return (time_t)v;
	}
	memset(&tm, 0, sizeof(tm));
	if ((rest = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return now - parse_duration(opt, s);
	if (*rest == 'T' || *rest == ' ') {
		const char *r2 = strptime(rest + 1, "%H:%M:%S", &tm);

		if (r2 == NULL)
			r2 = strptime(rest + 1, "%H:%M", &tm);
		if (r2 == NULL)
			logs_die("%s: bad time in \"%s\"", opt, s);
		rest = r2;
	}
	if (*rest == '\0') {
		tm.tm_isdst = -1;
		return mktime(&tm);
	}
	if (strcmp(rest, "Z") == 0)
		return timegm(&tm);
	if ((rest[0] == '+' || rest[0] == '-') && strlen(rest) >= 5) {
		int	 h, m, sign = rest[0] == '-' ? -1 : 1;

		if (sscanf(rest + 1, "%2d:%2d", &h, &m) == 2 ||
		    sscanf(rest + 1, "%2d%2d", &h, &m) == 2)
			return timegm(&tm) - sign * (h * 3600 + m * 60);
	}
	logs_die("%s: bad time zone in \"%s\"", opt, s);
}

/* --- which files, in which order -------------------------------------- */

struct logfile {
	char	*path;
	int	 group;		/* files of one rotation set */
	int	 gen;		/* 0 the live file, N for FILE.N[.gz] */
	char	 date[32];	/* FILE.20261206-101531[.gz] (postfix
				   logrotate, logrotate's dateext), or "" */
	int	 order;		/* as given */
};

/*
 * The base name and generation of "mail.log.3.gz", "mail.log.1", or
 * the date of "maillog.20261206-101531.gz" (postfix logrotate) and
 * "mail.log-20261206" (logrotate's dateext).
 */
static void
rotation_of(const char *path, char *base, size_t sz, int *gen, char *date,
    size_t dsz)
{
	size_t		 n;
	char		*dot, *end;
	const char	*sep;
	long		 v;

	util_strlcpy(base, path, sz);
	*gen = 0;
	date[0] = '\0';
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".gz") == 0)
		base[n - 3] = '\0';
	/* a date after '.' or '-' */
	for (sep = ".-"; *sep; sep++) {
		dot = strrchr(base, *sep);
		if (dot != NULL && strspn(dot + 1, "0123456789") >= 8 &&
		    strspn(dot + 1, "0123456789-_") == strlen(dot + 1) &&
		    strlen(dot + 1) < dsz) {
			util_strlcpy(date, dot + 1, dsz);
			*dot = '\0';
			return;
		}
	}
	if ((dot = strrchr(base, '.')) == NULL || dot[1] == '\0')
		return;
	v = strtol(dot + 1, &end, 10);
	if (*end == '\0' && v > 0 && v < 10000) {
		*dot = '\0';
		*gen = (int)v;
	}
}

static int
file_cmp(const void *a, const void *b)
{
	const struct logfile *x = a, *y = b;

	int	 xl = x->gen == 0 && x->date[0] == '\0';
	int	 yl = y->gen == 0 && y->date[0] == '\0';

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (xl != yl)
		return xl ? 1 : -1;			/* the live file last */
	if (x->date[0] && y->date[0] && strcmp(x->date, y->date) != 0)
		return strcmp(x->date, y->date);	/* oldest date first */
	if ((x->date[0] != '\0') != (y->date[0] != '\0'))
		return x->date[0] ? -1 : 1;
	if (x->gen != y->gen)
		return x->gen > y->gen ? -1 : 1;	/* highest N first */
	return x->order < y->order ? -1 : 1;
}

/*
 * The files in reading order: a rotation set (FILE, FILE.1, FILE.2.gz
 * ...) oldest first, sets in the order given. With expand, a FILE's
 * existing rotations are added (the default log).
 */
static size_t
order_files(char **paths, size_t n, int expand, time_t since,
    struct logfile *out)
{
	char	 bases[FILES_MAX][PATH_MAX];
	size_t	 nb = 0, no = 0, i, j;
	int	 gen, g;
	char	 base[PATH_MAX], cand[PATH_MAX + 16];
	struct stat st;

	for (i = 0; i < n && no < FILES_MAX; i++) {
		rotation_of(paths[i], base, sizeof(base), &gen,
		    out[no].date, sizeof(out[no].date));
		for (j = 0; j < nb; j++)
			if (strcmp(bases[j], base) == 0)
				break;
		if (j == nb && nb < FILES_MAX)
			util_strlcpy(bases[nb++], base, PATH_MAX);
		g = (int)j;
		out[no].path = strdup(paths[i]);
		out[no].group = g;
		out[no].gen = gen;
		out[no].order = (int)no;
		no++;
		if (!expand)
			continue;
		for (gen = 1; gen < ROTATIONS_MAX && no < FILES_MAX; gen++) {
			const char *sfx[] = { "", ".gz" };
			size_t	    k;

			for (k = 0; k < 2; k++) {
				snprintf(cand, sizeof(cand), "%s.%d%s", base, gen,
				    sfx[k]);
				if (stat(cand, &st) == -1)
					continue;
				/* all of it older than --since: skip */
				if (since > 0 && st.st_mtime < since)
					continue;
				out[no].path = strdup(cand);
				out[no].group = g;
				out[no].gen = gen;
				out[no].date[0] = '\0';
				out[no].order = (int)no;
				no++;
			}
		}
	}
	for (i = 0; i < no; i++)
		if (out[i].path == NULL)
			logs_die("out of memory");
	qsort(out, no, sizeof(*out), file_cmp);
	return no;
}

/* --- reading --------------------------------------------------------- */

struct readstate {
	struct logsum	*sum;
	const struct opts *o;
	unsigned	 shown_bad;
	uint64_t	 bytes;
	int		 sources;	/* read, at least in part */
	int		 failed;	/* could not be read at all */
};

static void
show_bad(struct readstate *rs, const char *where, uint64_t lineno,
    const char *line, size_t len, const char *why)
{
	char	 buf[201];

	if (!rs->o->verbose || rs->shown_bad++ >= SHOW_BAD_MAX)
		return;
	util_sanitize_buf(buf, sizeof(buf), line, len);
	fprintf(stderr, "%s:%llu: %s: %s\n", where,
	    (unsigned long long)lineno, why, buf);
}

static void
read_source(struct readstate *rs, struct logsrc *src, const char *where)
{
	enum logsrc_status	 st;
	const char		*line;
	size_t			 len;
	char			*cause;

	rs->sources++;
	for (;;) {
		st = logsrc_next(src, &line, &len, &cause);
		if (st == LOGSRC_EOF)
			break;
		if (st == LOGSRC_ERROR) {
			fprintf(stderr, "smtprobe logs: %s: %s (after line "
			    "%llu)\n", where, cause ? cause : "read error",
			    (unsigned long long)logsrc_lineno(src));
			free(cause);
			break;
		}
		if (st == LOGSRC_TOO_LONG) {
			logsum_too_long(rs->sum);
			show_bad(rs, where, logsrc_lineno(src), "", 0,
			    "line longer than 16384 bytes, skipped");
			continue;
		}
		if (logsum_feed(rs->sum, line, len) == MAILLOG_BAD) {
			const char		*why = NULL;
			struct maillog_event	 ev;

			(void)maillog_parse_line(line, len, &ev, &why);
			show_bad(rs, where, logsrc_lineno(src), line, len,
			    why ? why : "bad timestamp");
		}
	}
	rs->bytes += logsrc_bytes(src);
}

static void
read_file(struct readstate *rs, const char *path)
{
	struct logsrc	*src;
	char		*cause;

	if ((src = logsrc_open_file(path, &cause)) == NULL) {
		fprintf(stderr, "smtprobe logs: %s\n", cause ? cause : path);
		free(cause);
		rs->failed++;
		return;
	}
	read_source(rs, src, path);
	logsrc_close(src);
}

/* 1: the journal was read; 0: it holds no mail; -1: no journal. */
static int
read_journal(struct readstate *rs, int quiet)
{
	struct logsrc	*src;
	char		*cause;
	int		 rv;

	if ((src = logsrc_open_journal(rs->o->since, &cause)) == NULL) {
		if (!quiet)
			fprintf(stderr, "smtprobe logs: %s\n",
			    cause ? cause : "journal: cannot open");
		free(cause);
		return -1;
	}
	read_source(rs, src, "journal");
	rv = logsrc_journal_empty(src) ? 0 : 1;
	logsrc_close(src);
	if (rv == 0)
		rs->sources--;
	return rv;
}

/* --- proofs ---------------------------------------------------------- */

static int
is_auth_cause(enum finding_id id)
{
	const char	*n = finding_def(id)->id;

	return strncmp(n, "policy.auth.", 12) == 0 ||
	    strncmp(n, "spf.", 4) == 0 || strncmp(n, "dkim.", 5) == 0 ||
	    strncmp(n, "dmarc.", 6) == 0;
}

static int
is_client_cause(enum finding_id id)
{
	return id == F_POLICY_CLIENT_BLOCKLISTED ||
	    id == F_POLICY_CLIENT_REPUTATION ||
	    id == F_POLICY_CLIENT_REVERSE_DNS ||
	    id == F_POLICY_CLIENT_REJECTED || id == F_POLICY_HELO_REJECTED;
}

static int
is_destination_cause(enum finding_id id)
{
	const struct finding_def *d = finding_def(id);

	return d->layer == LAYER_NET || d->layer == LAYER_TLS ||
	    id == F_DNS_NXDOMAIN || id == F_SMTP_BANNER_4XX ||
	    id == F_SMTP_BANNER_5XX || id == F_SMTP_BANNER_TIMEOUT ||
	    id == F_SMTP_PHASE_TIMEOUT;
}

/* An IPv4 address the refusal names about us ("[192.0.2.1]", "ip=..."). */
static int
ip_in_text(const char *t, char *out, size_t sz)
{
	const char	*p;
	unsigned	 a, b, c, d;
	char		 tail;

	for (p = t; *p; p++) {
		if (*p != '[' && !(p[0] == '=' && p > t && p[-1] == 'p'))
			continue;
		if (sscanf(p + 1, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d,
		    &tail) == 5 && a < 256 && b < 256 && c < 256 && d < 256 &&
		    (tail == ']' || tail == ';' || tail == ' ')) {
			snprintf(out, sz, "%u.%u.%u.%u", a, b, c, d);
			return 1;
		}
	}
	return 0;
}

/* The DNSBL zone a refusal names ("blocked using zen.spamhaus.org"). */
static int
zone_in_text(const char *t, char *out, size_t sz)
{
	const char	*p = util_strcasestr(t, "blocked using ");
	size_t		 n = 0;

	if (p == NULL)
		return 0;
	p += 14;
	while (p[n] && p[n] != ';' && p[n] != ' ' && p[n] != ',' && n < 253)
		n++;
	if (n == 0 || n >= sz || memchr(p, '.', n) == NULL)
		return 0;
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

static int
safe_arg(const char *s)
{
	return *s != '\0' && *s != '-' && strpbrk(s, " \t'\"\\;$`|&<>()*?[]") ==
	    NULL && strlen(s) < 256;
}

static void
proof_add(struct proof *p, const char *arg)
{
	if (p->argc < 15)
		p->argv[p->argc++] = strdup(arg);
	p->argv[p->argc] = NULL;
}

/* The check proving a row's cause, or 0 when there is none to run. */
static int
proof_for(const struct logsum_row *r, const struct opts *o, struct proof *p)
{
	char		 ip[64] = "", zone[256] = "", host[256] = "";
	const char	*dom = NULL;
	size_t		 i, len = 0;

	memset(p, 0, sizeof(*p));
	p->argv[p->argc++] = strdup("smtprobe");
	proof_add(p, "check");
	if (is_auth_cause(r->cause) && r->sender_domain[0] != '\0') {
		/* the sending domain's DNS, with the sending address */
		proof_add(p, "--dns-only");
		if (r->dir == MAILLOG_DIR_IN && r->client_ip[0])
			util_strlcpy(ip, r->client_ip, sizeof(ip));
		else if (o->spf_ip != NULL)
			util_strlcpy(ip, o->spf_ip, sizeof(ip));
		else
			(void)ip_in_text(r->sample, ip, sizeof(ip));
		if (ip[0] && safe_arg(ip)) {
			proof_add(p, "--spf-ip");
			proof_add(p, ip);
		}
		dom = r->sender_domain;
	} else if (is_client_cause(r->cause) && r->dir == MAILLOG_DIR_OUT) {
		/* our own address: its name's addresses, PTR and DNSBLs */
		if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0' ||
		    strchr(host, '.') == NULL)
			goto none;
		proof_add(p, "-H");
		proof_add(p, "--dns-only");
		if (zone_in_text(r->sample, zone, sizeof(zone)) &&
		    safe_arg(zone)) {
			proof_add(p, "--dnsbl");
			proof_add(p, zone);
		}
		dom = host;
	} else if (is_destination_cause(r->cause) &&
	    r->dir == MAILLOG_DIR_OUT)
		dom = r->domain;	/* a probe of the destination's MX */
	if (dom == NULL || !safe_arg(dom) || strcmp(dom, "other") == 0 ||
	    strcmp(dom, "unknown") == 0)
		goto none;
	proof_add(p, dom);
	for (i = 0; i < (size_t)p->argc; i++)
		len += strlen(p->argv[i]) + 1;
	if ((p->cmd = malloc(len + 1)) == NULL)
		goto none;
	p->cmd[0] = '\0';
	for (i = 0; i < (size_t)p->argc; i++) {
		strcat(p->cmd, p->argv[i]);
		if (i + 1 < (size_t)p->argc)
			strcat(p->cmd, " ");
	}
	return 1;
none:
	for (i = 0; i < (size_t)p->argc; i++)
		free(p->argv[i]);
	memset(p, 0, sizeof(*p));
	return 0;
}

static void
proof_free(struct proof *p)
{
	int	 i;

	for (i = 0; i < p->argc; i++)
		free(p->argv[i]);
	free(p->cmd);
	free(p->error);
	json_decref(p->findings);
}

/* Run one proof (our own binary, --json), bounded in time and output. */
static void
proof_run(struct proof *p, const char *self)
{
	int		 fds[2], status;
	pid_t		 pid;
	char		*out = NULL;
	size_t		 n = 0, cap = 0;
	ssize_t		 r;
	json_t		*doc;
	json_error_t	 jerr;
	char		*argv[20];
	int		 i, k = 0;
	time_t		 deadline = time(NULL) + PROBE_SECONDS;

	argv[k++] = (char *)(uintptr_t)self;
	argv[k++] = p->argv[1];		/* check */
	argv[k++] = (char *)(uintptr_t)"--json";
	for (i = 2; i < p->argc; i++)
		argv[k++] = p->argv[i];
	argv[k] = NULL;
	if (pipe(fds) == -1 || (pid = fork()) == -1) {
		p->error = strdup(strerror(errno));
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) == -1)
			_exit(3);
		alarm(PROBE_SECONDS);
		execv(self, argv);
		_exit(3);
	}
	close(fds[1]);
	for (;;) {
		if (n + 65536 > cap) {
			char *nb;

			if (cap >= PROBE_OUT_MAX ||
			    (nb = realloc(out, cap + 65536 + 1)) == NULL)
				break;
			out = nb;
			cap += 65536;
		}
		r = read(fds[0], out + n, cap - n);
		if (r <= 0 || time(NULL) > deadline)
			break;
		n += (size_t)r;
	}
	close(fds[0]);
	kill(pid, SIGKILL);	/* gone already, unless it hung */
	(void)waitpid(pid, &status, 0);
	if (out == NULL || n == 0) {
		p->error = strdup("the check printed nothing");
		free(out);
		return;
	}
	doc = json_loadb(out, n, 0, &jerr);
	free(out);
	if (doc == NULL || !json_is_array(json_object_get(doc, "findings"))) {
		p->error = strdup("the check's output is not a report");
		json_decref(doc);
		return;
	}
	p->findings = json_incref(json_object_get(doc, "findings"));
	json_decref(doc);
}

/* --- output ---------------------------------------------------------- */

static void
fmt_time(time_t t, char *buf, size_t sz)
{
	struct tm	 tm;

	if (t <= 0 || localtime_r(&t, &tm) == NULL) {
		util_strlcpy(buf, "-", sz);
		return;
	}
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

static const char *const status_cols[] = {
	NULL, "sent", "deferred", "bounced", "expired", "rejected", "other",
};

static uint64_t
row_failures(const struct logsum_row *r)
{
	return r->status[MAILLOG_ST_DEFERRED] + r->status[MAILLOG_ST_BOUNCED] +
	    r->status[MAILLOG_ST_EXPIRED] + r->status[MAILLOG_ST_REJECTED];
}

/*
 * The rows of each domain: row indexes ordered by (direction, domain),
 * each domain's rows keeping their order (most messages first).
 */
static const struct logsum_row *const *idx_rows;

static int
idx_cmp(const void *a, const void *b)
{
	size_t			 i = *(const size_t *)a, j = *(const size_t *)b;
	const struct logsum_row	*x = idx_rows[i], *y = idx_rows[j];
	int			 c;

	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	if ((c = strcmp(x->domain, y->domain)) != 0)
		return c;
	return i < j ? -1 : i > j;
}

static size_t *
row_index(const struct logsum_row *const *rows, size_t nr)
{
	size_t	*idx, i;

	if ((idx = calloc(nr ? nr : 1, sizeof(*idx))) == NULL)
		logs_die("out of memory");
	for (i = 0; i < nr; i++)
		idx[i] = i;
	idx_rows = rows;
	qsort(idx, nr, sizeof(*idx), idx_cmp);
	return idx;
}

/* The first position in idx of domain d's rows (nr when none). */
static size_t
rows_of(const struct logsum_row *const *rows, const size_t *idx, size_t nr,
    const struct logsum_domain *d)
{
	size_t	 lo = 0, hi = nr, mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = rows[idx[mid]]->dir != d->dir ?
		    (rows[idx[mid]]->dir < d->dir ? -1 : 1) :
		    strcmp(rows[idx[mid]]->domain, d->domain);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static json_t *
json_time(time_t t)
{
	char	 buf[64];

	fmt_time(t, buf, sizeof(buf));
	return json_string(buf);
}

/* One JSON document, written one domain at a time (bounded memory). */
static void
out_json(struct logsum *sum, struct proof *proofs, int *has_proof,
    const struct readstate *rs)
{
	const struct logsum_lines	*l = logsum_lines(sum);
	const struct logsum_domain	*const *doms;
	const struct logsum_row		*const *rows;
	json_t				*jd, *jl, *causes, *jr;
	size_t				 nd, nr, i, j, k, *idx;
	char				*txt;

	doms = logsum_domains(sum, &nd);
	rows = logsum_rows(sum, &nr);
	idx = row_index(rows, nr);
	jl = json_object();
	json_object_set_new(jl, "read", json_integer((json_int_t)l->read));
	json_object_set_new(jl, "events", json_integer((json_int_t)l->events));
	json_object_set_new(jl, "other", json_integer((json_int_t)l->other));
	json_object_set_new(jl, "foreign",
	    json_integer((json_int_t)l->foreign));
	json_object_set_new(jl, "unparsable",
	    json_integer((json_int_t)l->unparsable));
	json_object_set_new(jl, "too_long",
	    json_integer((json_int_t)l->too_long));
	json_object_set_new(jl, "out_of_range",
	    json_integer((json_int_t)l->out_of_range));
	json_object_set_new(jl, "bytes", json_integer((json_int_t)rs->bytes));
	txt = json_dumps(jl, JSON_PRESERVE_ORDER | JSON_COMPACT);
	printf("{\"lines\":%s,", txt ? txt : "{}");
	free(txt);
	json_decref(jl);
	jl = json_pack("{s:o,s:o}", "since", rs->o->since ?
	    json_time(rs->o->since) : json_null(), "until", rs->o->until ?
	    json_time(rs->o->until) : json_null());
	txt = json_dumps(jl, JSON_PRESERVE_ORDER | JSON_COMPACT);
	/* the two members without their braces */
	if (txt != NULL && strlen(txt) > 2)
		printf("%.*s,", (int)strlen(txt) - 2, txt + 1);
	free(txt);
	json_decref(jl);
	printf("\"domains\":[");
	for (i = 0; i < nd; i++) {
		const struct logsum_domain *d = doms[i];

		jd = json_object();
		json_object_set_new(jd, "direction",
		    json_string(logsum_dir_name(d->dir)));
		json_object_set_new(jd, "domain", json_string(d->domain));
		for (k = 1; k < MAILLOG_ST_COUNT; k++)
			json_object_set_new(jd, status_cols[k],
			    json_integer((json_int_t)d->status[k]));
		json_object_set_new(jd, "failed_messages",
		    json_integer((json_int_t)d->failed_messages));
		json_object_set_new(jd, "first", json_time(d->first));
		json_object_set_new(jd, "last", json_time(d->last));
		causes = json_array();
		for (j = rows_of(rows, idx, nr, d); j < nr &&
		    rows[idx[j]]->dir == d->dir &&
		    strcmp(rows[idx[j]]->domain, d->domain) == 0; j++) {
			const struct logsum_row		*r = rows[idx[j]];
			const struct finding_def	*fd;
			size_t				 x = idx[j];

			fd = finding_def(r->cause);
			jr = json_object();
			json_object_set_new(jr, "cause", json_string(fd->id));
			json_object_set_new(jr, "layer",
			    json_string(finding_layer_name(fd->layer)));
			json_object_set_new(jr, "severity",
			    json_string(finding_severity_name(fd->severity)));
			json_object_set_new(jr, "messages",
			    json_integer((json_int_t)r->messages));
			json_object_set_new(jr, "messages_at_least",
			    json_boolean(r->messages_capped));
			json_object_set_new(jr, "attempts",
			    json_integer((json_int_t)r->attempts));
			for (k = 2; k < MAILLOG_ST_COUNT - 1; k++)
				json_object_set_new(jr, status_cols[k],
				    json_integer((json_int_t)r->status[k]));
			json_object_set_new(jr, "first", json_time(r->first));
			json_object_set_new(jr, "last", json_time(r->last));
			json_object_set_new(jr, "sample", json_string(r->sample));
			json_object_set_new(jr, "phase",
			    json_string(maillog_phase_name(r->phase)));
			json_object_set_new(jr, "failure",
			    json_string(maillog_failure_name(r->failure)));
			json_object_set_new(jr, "peer", json_string(r->peer));
			json_object_set_new(jr, "peer_addr",
			    json_string(r->peer_addr));
			json_object_set_new(jr, "sender_domain",
			    json_string(r->sender_domain));
			json_object_set_new(jr, "source", r->source ?
			    json_string(r->source) : json_null());
			json_object_set_new(jr, "remedy", json_string(r->remedy ?
			    r->remedy : fd->hint));
			json_object_set_new(jr, "url", r->url ?
			    json_string(r->url) : json_null());
			if (has_proof[x]) {
				json_object_set_new(jr, "check",
				    json_string(proofs[x].cmd));
				if (proofs[x].findings != NULL)
					json_object_set(jr, "check_findings",
					    proofs[x].findings);
				if (proofs[x].error != NULL)
					json_object_set_new(jr, "check_error",
					    json_string(proofs[x].error));
			} else
				json_object_set_new(jr, "check", json_null());
			json_array_append_new(causes, jr);
		}
		json_object_set_new(jd, "causes", causes);
		txt = json_dumps(jd, JSON_PRESERVE_ORDER | JSON_COMPACT);
		if (txt == NULL)
			logs_die("out of memory");
		printf("%s%s", i ? ",\n" : "\n", txt);
		free(txt);
		json_decref(jd);
	}
	printf("\n]}\n");
	free(idx);
}

static void
print_findings(json_t *f)
{
	size_t	 i;
	json_t	*v;

	if (json_array_size(f) == 0) {
		printf("          (no finding: the check sees nothing wrong "
		    "now)\n");
		return;
	}
	json_array_foreach(f, i, v) {
		const char *id = json_string_value(json_object_get(v, "id"));
		const char *sev = json_string_value(json_object_get(v,
		    "severity"));
		const char *ev = json_string_value(json_object_get(v,
		    "evidence"));

		if (i >= 10) {
			printf("          ... and %zu more\n",
			    json_array_size(f) - i);
			break;
		}
		printf("          %-5s %s: %s\n", sev ? sev : "?", id ? id : "?",
		    ev ? ev : "");
	}
}

static void
out_human(struct logsum *sum, struct proof *proofs, int *has_proof,
    const struct readstate *rs)
{
	const struct logsum_lines	*l = logsum_lines(sum);
	const struct logsum_domain	*const *doms;
	const struct logsum_row		*const *rows;
	size_t				 nd, nr, i, j, k, p, *idx;
	char				 t1[64], t2[64];
	int				 any = 0;

	doms = logsum_domains(sum, &nd);
	rows = logsum_rows(sum, &nr);
	idx = row_index(rows, nr);
	printf("%llu lines read: %llu mail events, %llu other mail lines, "
	    "%llu of other programs, %llu unparsable%s",
	    (unsigned long long)l->read, (unsigned long long)l->events,
	    (unsigned long long)l->other, (unsigned long long)l->foreign,
	    (unsigned long long)(l->unparsable + l->too_long),
	    l->unparsable + l->too_long > 0 && !rs->o->verbose ?
	    " (-v shows them)" : "");
	if (l->out_of_range)
		printf(", %llu outside the time range or domain",
		    (unsigned long long)l->out_of_range);
	printf("\n");
	for (i = 0; i < nd; i++) {
		const struct logsum_domain *d = doms[i];

		printf("\n%s %s:", d->dir == MAILLOG_DIR_OUT ? "to" : "from",
		    d->domain);
		for (k = 1; k < MAILLOG_ST_COUNT - 1; k++)
			if (d->status[k] > 0)
				printf(" %s %llu", status_cols[k],
				    (unsigned long long)d->status[k]);
		fmt_time(d->first, t1, sizeof(t1));
		fmt_time(d->last, t2, sizeof(t2));
		printf("  (%s .. %s)\n", t1, t2);
		for (p = rows_of(rows, idx, nr, d); p < nr &&
		    rows[idx[p]]->dir == d->dir &&
		    strcmp(rows[idx[p]]->domain, d->domain) == 0; p++) {
			const struct logsum_row		*r = rows[idx[p]];
			const struct finding_def	*fd;

			j = idx[p];
			any = 1;
			fd = finding_def(r->cause);
			printf("  %-5s %s: %s%llu message%s, %llu attempt%s",
			    finding_severity_name(fd->severity), fd->id,
			    r->messages_capped ? "at least " : "",
			    (unsigned long long)r->messages,
			    r->messages == 1 ? "" : "s",
			    (unsigned long long)r->attempts,
			    r->attempts == 1 ? "" : "s");
			for (k = 2; k < MAILLOG_ST_COUNT - 1; k++)
				if (r->status[k] > 0)
					printf(", %s %llu", status_cols[k],
					    (unsigned long long)r->status[k]);
			printf("\n");
			fmt_time(r->first, t1, sizeof(t1));
			fmt_time(r->last, t2, sizeof(t2));
			printf("        seen:   %s .. %s\n", t1, t2);
			if (r->peer_addr[0])
				printf("        %s:   %s[%s]\n",
				    r->dir == MAILLOG_DIR_OUT ? "host" : "peer",
				    r->peer, r->peer_addr);
			printf("        sample: %s\n", r->sample);
			if (r->source != NULL)
				printf("        source: %s%s%s\n", r->source,
				    r->url ? " " : "", r->url ? r->url : "");
			printf("        remedy: %s\n",
			    r->remedy ? r->remedy : fd->hint);
			if (has_proof[j]) {
				printf("        check:  %s\n", proofs[j].cmd);
				if (proofs[j].error != NULL)
					printf("          (could not run: %s)\n",
					    proofs[j].error);
				else if (proofs[j].findings != NULL)
					print_findings(proofs[j].findings);
			}
		}
	}
	if (!any)
		printf("\nno failure in this log\n");
	free(idx);
}

int
logs_main(int argc, char **argv)
{
	enum { O_SINCE = 256, O_UNTIL, O_DOMAIN, O_JSON, O_PROBE, O_SPFIP,
	    O_JOURNAL, O_SOCKET, O_LIMIT, O_LOG };
	static const struct option longopts[] = {
		{ "since",	required_argument, NULL, O_SINCE },
		{ "until",	required_argument, NULL, O_UNTIL },
		{ "domain",	required_argument, NULL, O_DOMAIN },
		{ "json",	no_argument,	   NULL, O_JSON },
		{ "probe",	no_argument,	   NULL, O_PROBE },
		{ "spf-ip",	required_argument, NULL, O_SPFIP },
		{ "journal",	no_argument,	   NULL, O_JOURNAL },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "socket",	required_argument, NULL, O_SOCKET },
		{ "limit",	required_argument, NULL, O_LIMIT },
		{ "log",	required_argument, NULL, O_LOG },
		{ NULL, 0, NULL, 0 }
	};
	static struct logfile	 files[FILES_MAX];
	struct opts		 o;
	struct logsum_params	 sp;
	struct readstate	 rs;
	struct proof		*proofs;
	int			*has_proof;
	const struct logsum_row	*const *rows;
	const struct logsum_lines *l;
	char			*deflt[] = { (char *)(uintptr_t)DEFAULT_LOG };
	char			 self[PATH_MAX];
	size_t			 nfiles, i, j, nr;
	time_t			 now = time(NULL);
	int			 ch, nprobes = 0, failures = 0;
	ssize_t			 sl;

	memset(&o, 0, sizeof(o));
	/* --daemon: the same question to a running smtprobed's [log]s */
	for (i = 1; i < (size_t)argc; i++)
		if (strcmp(argv[i], "--daemon") == 0) {
			for (; i + 1 < (size_t)argc; i++)
				argv[i] = argv[i + 1];
			argc--;
			o.daemon = 1;
			break;
		}
	optind = 1;
	while ((ch = getopt_long(argc, argv, o.daemon ? "hs:V" : "hvV",
	    longopts, NULL)) != -1) {
		if (!o.daemon && (ch == O_SOCKET || ch == O_LIMIT ||
		    ch == O_LOG))
			logs_usage();	/* only with --daemon */
		if (o.daemon && (ch == O_PROBE || ch == O_SPFIP ||
		    ch == O_JOURNAL))
			logs_die("--daemon answers from the daemon's store: "
			    "no --probe, --spf-ip or --journal");
		switch (ch) {
		case 'h':
			logs_help();
		case 'V':
			version_print(stdout, "smtprobe");
			exit(0);
		case 's':
		case O_SOCKET:
			o.socket = optarg;
			break;
		case O_LIMIT:
			o.limit = (int)parse_count("--limit", optarg, 1, 1000);
			break;
		case O_LOG:
			if (!safe_arg(optarg) || strlen(optarg) > 64)
				logs_die("--log: \"%s\" is not the name of a"
				    " [log] section", optarg);
			o.log = optarg;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case O_SINCE:
			o.since = now - parse_duration("--since", optarg);
			break;
		case O_UNTIL:
			o.until = parse_time("--until", optarg, now);
			break;
		case O_DOMAIN: {
			static char	 a[VALUE_NAME_MAX + 1];
			const char	*why = NULL;

			/* U-labels typed are matched as their A-labels */
			if (!safe_arg(optarg) || strchr(optarg, '.') == NULL ||
			    value_name(optarg, a, &why) == -1)
				logs_die("--domain: \"%s\" is not a domain%s%s",
				    optarg, why ? ": " : "", why ? why : "");
			o.domain = a;
			break;
		}
		case O_JSON:
			o.json = 1;
			break;
		case O_PROBE:
			o.probe = 1;
			break;
		case O_SPFIP: {
			unsigned char b[16];

			if (inet_pton(AF_INET, optarg, b) != 1 &&
			    inet_pton(AF_INET6, optarg, b) != 1)
				logs_die("--spf-ip: \"%s\" is not an address",
				    optarg);
			o.spf_ip = optarg;
			break;
		}
		case O_JOURNAL:
			o.journal = 1;
			break;
		default:
			logs_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.since && o.until && o.until < o.since)
		logs_die("--until is before --since");
	if (o.daemon) {
		json_t	*req;
		int	 rv;

		if (argc > 0)
			logs_die("--daemon reads no file: the daemon follows "
			    "its [log] sections");
		req = json_pack("{s:s}", "cmd", "logs");
		if (o.since)
			json_object_set_new(req, "since",
			    json_integer(o.since));
		if (o.until)
			json_object_set_new(req, "until",
			    json_integer(o.until));
		if (o.domain)
			json_object_set_new(req, "domain",
			    json_string(o.domain));
		if (o.limit)
			json_object_set_new(req, "limit",
			    json_integer(o.limit));
		if (o.log)
			json_object_set_new(req, "log", json_string(o.log));
		rv = client_request(ctl_command_find("logs"), o.socket, req,
		    o.json);
		json_decref(req);
		return rv;
	}
	if (o.journal && argc > 0)
		logs_die("--journal and FILE exclude each other");
	if (argc > FILES_MAX)
		logs_die("more than %d files", FILES_MAX);
	if (o.since && o.until && o.until < o.since)
		logs_die("--until is before --since");

	memset(&sp, 0, sizeof(sp));
	sp.now = now;
	sp.since = o.since;
	sp.until = o.until;
	sp.domain = o.domain;
	memset(&rs, 0, sizeof(rs));
	rs.o = &o;
	if ((rs.sum = logsum_new(&sp)) == NULL)
		logs_die("out of memory");

	if (o.journal) {
		if (read_journal(&rs, 0) == 0)
			fprintf(stderr, "smtprobe logs: the journal holds no "
			    "mail log entries%s\n", o.since ? " in that time" :
			    "");
	} else if (argc > 0) {
		nfiles = order_files(argv, (size_t)argc, 0, 0, files);
		for (i = 0; i < nfiles; i++) {
			read_file(&rs, files[i].path);
			free(files[i].path);
		}
	} else if (read_journal(&rs, 1) != 1) {
		/* no journal with mail in it: the classic file and its
		   rotations */
		nfiles = order_files(deflt, 1, 1, o.since, files);
		for (i = 0; i < nfiles; i++) {
			read_file(&rs, files[i].path);
			free(files[i].path);
		}
	}
	if (rs.sources == 0) {
		fprintf(stderr, "smtprobe logs: no log could be read\n");
		logsum_free(rs.sum);
		return 3;
	}

	rows = logsum_rows(rs.sum, &nr);
	proofs = calloc(nr ? nr : 1, sizeof(*proofs));
	has_proof = calloc(nr ? nr : 1, sizeof(*has_proof));
	if (proofs == NULL || has_proof == NULL)
		logs_die("out of memory");
	sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[sl > 0 ? sl : 0] = '\0';
	for (j = 0; j < nr; j++) {
		if (row_failures(rows[j]) > 0 ||
		    rows[j]->status[MAILLOG_ST_NONE] > 0)
			failures = 1;
		has_proof[j] = proof_for(rows[j], &o, &proofs[j]);
		if (!has_proof[j] || !o.probe)
			continue;
		/* the same check for several causes runs once */
		for (i = 0; i < j; i++)
			if (has_proof[i] && strcmp(proofs[i].cmd,
			    proofs[j].cmd) == 0)
				break;
		if (i < j) {
			if (proofs[i].findings)
				proofs[j].findings =
				    json_incref(proofs[i].findings);
			if (proofs[i].error)
				proofs[j].error = strdup(proofs[i].error);
		} else if (nprobes++ < PROBES_MAX && self[0])
			proof_run(&proofs[j], self);
	}
	if (nr > 0)
		failures = 1;
	if (o.json)
		out_json(rs.sum, proofs, has_proof, &rs);
	else
		out_human(rs.sum, proofs, has_proof, &rs);
	fflush(stdout);
	l = logsum_lines(rs.sum);
	if (o.verbose && rs.shown_bad > SHOW_BAD_MAX)
		fprintf(stderr, "smtprobe logs: %u more unparsable lines not "
		    "shown\n", rs.shown_bad - SHOW_BAD_MAX);
	(void)l;
	for (j = 0; j < nr; j++)
		if (has_proof[j])
			proof_free(&proofs[j]);
	free(proofs);
	free(has_proof);
	logsum_free(rs.sum);
	return failures ? 1 : 0;
}
