/*
 * logsrc.c - MTA log lines from a file (gzip or plain) or the journal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "journal.h"
#include "logsrc.h"
#include "util.h"

#define BUF_SIZE	(256 * 1024)	/* a read; lines are at most 16 KiB */

/* libsystemd's journal functions, once a journal has been opened */
static const struct journal_api *J;

struct logsrc {
	gzFile		 gz;		/* a file, or NULL for the journal */
	sd_journal	*j;
	int		 j_any;		/* the journal gave an entry */

	char		*buf;		/* file: BUF_SIZE bytes */
	size_t		 off, fill;	/* unread bytes are buf[off, fill) */
	int		 eof;
	int		 skipping;	/* inside a too-long line */

	uint64_t	 lineno;
	uint64_t	 bytes;
	char		*jline;		/* journal: the rebuilt line */
};

/* "a: b" for *cause; NULL when memory is out. */
static char *
cause_fmt(const char *a, const char *b)
{
	char	*s;

	if (asprintf(&s, "%s: %s", a, b) == -1)
		return NULL;
	return s;
}

struct logsrc *
logsrc_open_file(const char *path, char **cause)
{
	struct logsrc	*s;
	struct stat	 st;
	int		 fd;

	*cause = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = cause_fmt(path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		*cause = cause_fmt(path, S_ISDIR(st.st_mode) ?
		    "is a directory" : strerror(errno));
		close(fd);
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->buf = malloc(BUF_SIZE)) == NULL) {
		free(s);
		close(fd);
		*cause = cause_fmt(path, "out of memory");
		return NULL;
	}
	/* zlib reads a file that is not gzip as it is */
	if ((s->gz = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		free(s->buf);
		free(s);
		*cause = cause_fmt(path, "cannot read");
		return NULL;
	}
	(void)gzbuffer(s->gz, 128 * 1024);
	return s;
}

struct logsrc *
logsrc_open_journal(time_t since, char **cause)
{
	struct logsrc	*s;
	const char	*why;
	int		 r;

	*cause = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		*cause = cause_fmt("journal", "out of memory");
		return NULL;
	}
	if (J == NULL && (J = journal_api(&why)) == NULL) {
		*cause = cause_fmt("journal", why);
		free(s);
		return NULL;
	}
	if ((r = J->open(&s->j, SD_JOURNAL_LOCAL_ONLY)) < 0) {
		*cause = cause_fmt("journal", strerror(-r));
		free(s);
		return NULL;
	}
	/* LOG_MAIL (2): Postfix, Exim, opendkim ... log there */
	if ((r = J->add_match(s->j, "SYSLOG_FACILITY=2", 0)) < 0 ||
	    (r = since > 0 ? J->seek_realtime_usec(s->j,
	    (uint64_t)since * 1000000) : J->seek_head(s->j)) < 0) {
		*cause = cause_fmt("journal", strerror(-r));
		logsrc_close(s);
		return NULL;
	}
	return s;
}

int
logsrc_journal_empty(struct logsrc *s)
{
	return s->j != NULL && !s->j_any;
}

/* A journal field's value, or NULL. */
static int
jfield(sd_journal *j, const char *name, const char **v, size_t *len)
{
	const void	*d;
	size_t		 l, n = strlen(name);

	if (J->get_data(j, name, &d, &l) < 0 || l <= n ||
	    ((const char *)d)[n] != '=')
		return -1;
	*v = (const char *)d + n + 1;
	*len = l - n - 1;
	return 0;
}

/*
 * The next journal entry as "2026-12-06T09:58:16.123456+00:00 HOST
 * IDENT[PID]: MESSAGE". Its time is the entry's realtime stamp in UTC.
 */
static enum logsrc_status
journal_next(struct logsrc *s, const char **line, size_t *len, char **cause)
{
	const char	*msg, *ident, *pid, *host;
	size_t		 lm, li, lp, lh;
	uint64_t	 usec;
	time_t		 sec;
	struct tm	 tm;
	char		 ts[64];
	int		 r, n;

	for (;;) {
		if ((r = J->next(s->j)) < 0) {
			*cause = cause_fmt("journal", strerror(-r));
			return LOGSRC_ERROR;
		}
		if (r == 0)
			return LOGSRC_EOF;
		s->j_any = 1;
		if (jfield(s->j, "MESSAGE", &msg, &lm) == -1)
			continue;
		if (jfield(s->j, "SYSLOG_IDENTIFIER", &ident, &li) == -1) {
			ident = "unknown";
			li = 7;
		}
		if (jfield(s->j, "SYSLOG_PID", &pid, &lp) == -1 &&
		    jfield(s->j, "_PID", &pid, &lp) == -1) {
			pid = "0";
			lp = 1;
		}
		if (jfield(s->j, "_HOSTNAME", &host, &lh) == -1) {
			host = "localhost";
			lh = 9;
		}
		if (J->get_realtime_usec(s->j, &usec) < 0)
			continue;
		break;
	}
	s->lineno++;
	if (lm > LOGSRC_LINE_MAX) {
		s->bytes += lm;
		return LOGSRC_TOO_LONG;
	}
	sec = (time_t)(usec / 1000000);
	if (gmtime_r(&sec, &tm) == NULL)
		return LOGSRC_TOO_LONG;
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	free(s->jline);
	n = asprintf(&s->jline, "%s.%06u+00:00 %.*s %.*s[%.*s]: %.*s", ts,
	    (unsigned)(usec % 1000000), (int)(lh > 255 ? 255 : lh), host,
	    (int)(li > 255 ? 255 : li), ident, (int)(lp > 20 ? 20 : lp), pid,
	    (int)lm, msg);
	if (n < 0) {
		s->jline = NULL;
		*cause = cause_fmt("journal", "out of memory");
		return LOGSRC_ERROR;
	}
	s->bytes += lm;
	*line = s->jline;
	*len = (size_t)n;
	return LOGSRC_LINE;
}

/* Refill: keep the unread tail, read after it. */
static int
refill(struct logsrc *s, char **cause)
{
	int	 n, err;

	if (s->off > 0) {
		memmove(s->buf, s->buf + s->off, s->fill - s->off);
		s->fill -= s->off;
		s->off = 0;
	}
	if (s->eof || s->fill == BUF_SIZE)
		return 0;
	n = gzread(s->gz, s->buf + s->fill, (unsigned)(BUF_SIZE - s->fill));
	if (n < 0) {
		const char *m = gzerror(s->gz, &err);

		*cause = cause_fmt("read", err == Z_ERRNO ?
		    strerror(errno) : m);
		return -1;
	}
	if (n == 0) {
		/* a cut or damaged gzip member is an error zlib keeps to
		   itself until asked */
		(void)gzerror(s->gz, &err);
		if (err != Z_OK) {
			*cause = cause_fmt("read",
			    "compressed data is damaged or cut short");
			return -1;
		}
		s->eof = 1;
	}
	s->fill += (size_t)n;
	s->bytes += (uint64_t)n;
	return 0;
}

enum logsrc_status
logsrc_next(struct logsrc *s, const char **line, size_t *len, char **cause)
{
	char	*nl;
	size_t	 avail;

	*cause = NULL;
	if (s->j != NULL)
		return journal_next(s, line, len, cause);
	for (;;) {
		avail = s->fill - s->off;
		nl = memchr(s->buf + s->off, '\n', avail);
		if (nl != NULL) {
			char	*p = s->buf + s->off;

			s->off = (size_t)(nl - s->buf) + 1;
			if (s->skipping) {
				s->skipping = 0;
				continue;	/* the end of a long line */
			}
			s->lineno++;
			if ((size_t)(nl - p) > LOGSRC_LINE_MAX)
				return LOGSRC_TOO_LONG;
			*line = p;
			*len = (size_t)(nl - p);
			return LOGSRC_LINE;
		}
		if (avail > LOGSRC_LINE_MAX && !s->skipping) {
			/* no newline within the bound: drop what we have */
			s->lineno++;
			s->skipping = 1;
			s->off = s->fill;
			return LOGSRC_TOO_LONG;
		}
		if (s->skipping)
			s->off = s->fill;
		if (s->eof) {
			if (avail == 0 || s->skipping)
				return LOGSRC_EOF;
			/* a last line without its newline */
			s->lineno++;
			*line = s->buf + s->off;
			*len = avail;
			s->off = s->fill;
			return LOGSRC_LINE;
		}
		if (refill(s, cause) == -1)
			return LOGSRC_ERROR;
	}
}

uint64_t
logsrc_lineno(const struct logsrc *s)
{
	return s->lineno;
}

uint64_t
logsrc_bytes(const struct logsrc *s)
{
	return s->bytes;
}

void
logsrc_close(struct logsrc *s)
{
	if (s == NULL)
		return;
	if (s->gz != NULL)
		gzclose(s->gz);
	if (s->j != NULL)
		J->close(s->j);
	free(s->buf);
	free(s->jline);
	free(s);
}
