/*
 * logjournal.c - follow the systemd journal through sd_journal
 * (libsystemd opened with dlopen by journal.c when first needed).
 *
 * The journal is asked for the entries of the mail facility or of the
 * identifiers (one disjunction), then each entry's SYSLOG_IDENTIFIER is
 * matched here, since sd_journal matches whole values only and Postfix's
 * carry the service ("postfix/smtp"). New entries and new journal files
 * (journald's rotation) are noticed through sd_journal_get_fd's inotify
 * watches, processed with sd_journal_process at each poll; when they
 * cannot be had, the journal is opened again every LOGJOURNAL_RETRY_S
 * seconds from the cursor instead.
 *
 * The cursor is that of the last entry returned or skipped; it is read
 * (sd_journal_get_cursor allocates) only when the caller asks, once per
 * poll. Going on from a stored cursor: sd_journal_seek_cursor, then the
 * entry there is the one already read (skipped) or, when it is gone
 * (vacuumed), the next one, which is still to be returned.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal.h"
#include "logjournal.h"
#include "util.h"

#define SKIP_MAX	20000	/* entries of other identifiers per call */

struct logjournal {
	const struct journal_api *api;
	char		*dir;		/* NULL: the system's journal */
	char		**idents;
	int		 nidents;
	sd_journal	*j;
	int		 watched;	/* get_fd worked: process() tells news */
	int		 current;	/* on an entry not yet returned */
	int		 moved;		/* the cursor is behind the journal */
	int		 gone;		/* this outage was said */
	int		 head;		/* no journal when we began: all it
					   holds once there is new */
	time_t		 retry;		/* open again then (closed, or not
					   watched) */
	char		 cursor[LOGJOURNAL_CURSOR_MAX + 1];
	char		*line;
	size_t		 cap;
	char		 why[320];
};

static void
lj_close_journal(struct logjournal *lj)
{
	if (lj->j != NULL)
		lj->api->close(lj->j);
	lj->j = NULL;
	lj->current = 0;
}

/* 0 for a directory, else an errno (ENOTDIR for another file). */
static int
dir_error(const char *path)
{
	struct stat	 sb;

	if (stat(path, &sb) == -1)
		return errno;
	return S_ISDIR(sb.st_mode) ? 0 : ENOTDIR;
}

/* Open, match, and go to where reading goes on; -1 with lj->why. */
static int
lj_open_journal(struct logjournal *lj)
{
	const char	*e = NULL;
	char		 m[128];
	int		 r, i;

	if (lj->api == NULL && (lj->api = journal_api(&e)) == NULL) {
		snprintf(lj->why, sizeof(lj->why), "%s", e);
		return -1;
	}
	if (lj->dir != NULL) {
		if ((r = dir_error(lj->dir)) != 0) {
			snprintf(lj->why, sizeof(lj->why), "journal %s: %s",
			    lj->dir, strerror(r));
			return -1;
		}
		r = lj->api->open_directory(&lj->j, lj->dir, 0);
	} else {
		if (dir_error("/run/log/journal") != 0 &&
		    dir_error("/var/log/journal") != 0) {
			snprintf(lj->why, sizeof(lj->why), "no journal here: "
			    "neither /run/log/journal nor /var/log/journal "
			    "exists (is systemd-journald running?)");
			return -1;
		}
		r = lj->api->open(&lj->j, SD_JOURNAL_LOCAL_ONLY);
	}
	if (r < 0) {
		lj->j = NULL;
		snprintf(lj->why, sizeof(lj->why), "journal%s%s: %s",
		    lj->dir ? " " : "", lj->dir ? lj->dir : "", strerror(-r));
		return -1;
	}
	/* LOG_MAIL (2), or one of the identifiers */
	r = lj->api->add_match(lj->j, "SYSLOG_FACILITY=2", 0);
	if (r >= 0)
		r = lj->api->add_disjunction(lj->j);
	for (i = 0; r >= 0 && i < lj->nidents; i++) {
		snprintf(m, sizeof(m), "SYSLOG_IDENTIFIER=%s", lj->idents[i]);
		r = lj->api->add_match(lj->j, m, 0);
	}
	if (r < 0)
		goto fail;
	lj->watched = lj->api->get_fd(lj->j) >= 0;
	lj->retry = lj->watched ? 0 : time(NULL) + LOGJOURNAL_RETRY_S;
	if (lj->cursor[0] != '\0') {
		if ((r = lj->api->seek_cursor(lj->j, lj->cursor)) < 0 ||
		    (r = lj->api->next(lj->j)) < 0)
			goto fail;
		/* the entry read last, or (it is gone) the next one */
		lj->current = r > 0 && lj->api->test_cursor(lj->j,
		    lj->cursor) <= 0;
	} else if (lj->head) {
		if ((r = lj->api->seek_head(lj->j)) < 0)
			goto fail;
	} else {
		/* a new follower starts at the end, the last entry read */
		if ((r = lj->api->seek_tail(lj->j)) < 0 ||
		    (r = lj->api->previous(lj->j)) < 0)
			goto fail;
		lj->moved = r > 0;
		/*
		 * An empty journal: from its head, since sd_journal's tail is
		 * each file's end, and the entries of a file that comes later
		 * would all be behind it.
		 */
		if (r == 0 && (r = lj->api->seek_head(lj->j)) < 0)
			goto fail;
	}
	return 0;
fail:
	snprintf(lj->why, sizeof(lj->why), "journal%s%s: %s", lj->dir ? " " :
	    "", lj->dir ? lj->dir : "", strerror(-r));
	lj_close_journal(lj);
	return -1;
}

struct logjournal *
logjournal_open(const char *dir, const char *const *idents, int n,
    const char *cursor)
{
	struct logjournal	*lj;
	int			 i;

	if ((lj = calloc(1, sizeof(*lj))) == NULL)
		return NULL;
	if ((dir != NULL && (lj->dir = strdup(dir)) == NULL) ||
	    (lj->idents = calloc((size_t)n + 1, sizeof(*lj->idents))) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((lj->idents[i] = strdup(idents[i])) == NULL)
			goto fail;
		lj->nidents++;
	}
	if (cursor != NULL)
		util_strlcpy(lj->cursor, cursor, sizeof(lj->cursor));
	return lj;
fail:
	logjournal_close(lj);
	return NULL;
}

void
logjournal_close(struct logjournal *lj)
{
	int	 i;

	if (lj == NULL)
		return;
	lj_close_journal(lj);
	for (i = 0; i < lj->nidents; i++)
		free(lj->idents[i]);
	free(lj->idents);
	free(lj->dir);
	free(lj->line);
	free(lj);
}

/* A field's value, or -1. */
static int
field(struct logjournal *lj, const char *name, const char **v, size_t *len)
{
	const void	*d;
	size_t		 l, n = strlen(name);

	if (lj->api->get_data(lj->j, name, &d, &l) < 0 || l <= n ||
	    ((const char *)d)[n] != '=')
		return -1;
	*v = (const char *)d + n + 1;
	*len = l - n - 1;
	return 0;
}

/* Is ident (len bytes) one of ours: equal, or one and '/' before more? */
static int
ident_wanted(const struct logjournal *lj, const char *ident, size_t len)
{
	size_t	 k;
	int	 i;

	for (i = 0; i < lj->nidents; i++) {
		k = strlen(lj->idents[i]);
		if (len >= k && memcmp(ident, lj->idents[i], k) == 0 &&
		    (len == k || ident[k] == '/'))
			return 1;
	}
	return 0;
}

/* The current entry as a syslog line; LOGTAIL_AGAIN: not one of ours. */
static enum logtail_status
lj_line(struct logjournal *lj, const char **line, size_t *len)
{
	const char	*msg, *ident, *pid, *host;
	size_t		 lm, li, lp, lh, need;
	uint64_t	 usec;
	time_t		 sec;
	struct tm	 tm;
	char		 ts[64], *p;
	int		 n;

	if (field(lj, "SYSLOG_IDENTIFIER", &ident, &li) == -1 ||
	    !ident_wanted(lj, ident, li) ||
	    field(lj, "MESSAGE", &msg, &lm) == -1 ||
	    lj->api->get_realtime_usec(lj->j, &usec) < 0)
		return LOGTAIL_AGAIN;
	if (lm > LOGTAIL_LINE_MAX)
		return LOGTAIL_TOO_LONG;
	if (field(lj, "SYSLOG_PID", &pid, &lp) == -1 &&
	    field(lj, "_PID", &pid, &lp) == -1) {
		pid = "0";
		lp = 1;
	}
	if (field(lj, "_HOSTNAME", &host, &lh) == -1) {
		host = "localhost";
		lh = 9;
	}
	if (lh > 255)
		lh = 255;
	if (li > 255)
		li = 255;
	if (lp > 20)
		lp = 20;
	sec = (time_t)(usec / 1000000);
	if (gmtime_r(&sec, &tm) == NULL)
		return LOGTAIL_AGAIN;
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	need = strlen(ts) + 16 + lh + li + lp + lm + 8;
	if (need > lj->cap) {
		if ((p = realloc(lj->line, need)) == NULL)
			return LOGTAIL_TOO_LONG;	/* skipped, counted */
		lj->line = p;
		lj->cap = need;
	}
	n = snprintf(lj->line, lj->cap, "%s.%06u+00:00 %.*s %.*s[%.*s]: %.*s",
	    ts, (unsigned)(usec % 1000000), (int)lh, host, (int)li, ident,
	    (int)lp, pid, (int)lm, msg);
	if (n < 0 || (size_t)n >= lj->cap)
		return LOGTAIL_TOO_LONG;
	*line = lj->line;
	*len = (size_t)n;
	return LOGTAIL_LINE;
}

enum logtail_status
logjournal_next(struct logjournal *lj, const char **line, size_t *len,
    const char **cause)
{
	enum logtail_status	 st;
	time_t			 now = time(NULL);
	int			 r, skipped = 0;

	/* not watched: opened again now and then, to see new files */
	if (lj->j != NULL && !lj->watched && now >= lj->retry &&
	    !lj->current) {
		(void)logjournal_cursor(lj);
		lj_close_journal(lj);
	}
	if (lj->j == NULL) {
		if (now < lj->retry)
			return LOGTAIL_AGAIN;
		if (lj_open_journal(lj) == -1) {
			lj->retry = now + LOGJOURNAL_RETRY_S;
			lj->head = 1;
			if (lj->gone)
				return LOGTAIL_AGAIN;
			lj->gone = 1;
			*cause = lj->why;
			return LOGTAIL_GONE;
		}
		lj->gone = 0;
		/* what came since the last poll */
		(void)lj->api->process(lj->j);
	}
	for (;;) {
		if (lj->current) {
			lj->current = 0;
			r = 1;
		} else if ((r = lj->api->next(lj->j)) < 0) {
			snprintf(lj->why, sizeof(lj->why), "journal: %s",
			    strerror(-r));
			(void)logjournal_cursor(lj);
			lj_close_journal(lj);
			lj->retry = now + LOGJOURNAL_RETRY_S;
			lj->gone = 1;
			*cause = lj->why;
			return LOGTAIL_GONE;
		}
		if (r == 0) {
			/* nothing now: new entries and files at the next poll */
			(void)lj->api->process(lj->j);
			return LOGTAIL_AGAIN;
		}
		lj->moved = 1;
		if ((st = lj_line(lj, line, len)) != LOGTAIL_AGAIN)
			return st;
		if (++skipped >= SKIP_MAX)
			return LOGTAIL_AGAIN;	/* the rest at the next poll */
	}
}

const char *
logjournal_cursor(struct logjournal *lj)
{
	char	*c = NULL;

	if (lj->moved && lj->j != NULL && !lj->current &&
	    lj->api->get_cursor(lj->j, &c) >= 0 && c != NULL) {
		util_strlcpy(lj->cursor, c, sizeof(lj->cursor));
		lj->moved = 0;
	}
	free(c);
	return lj->cursor;
}
