/*
 * logtail.c - follow a log file across rename and copytruncate
 * rotations, complete lines only, with a storable position.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logtail.h"
#include "util.h"

#define BUF_SIZE	(LOGTAIL_LINE_MAX * 4)

struct logtail {
	char		*path;
	int		 fd;		/* -1: not open (missing, unreadable) */
	uint64_t	 dev, ino;	/* of fd */
	uint64_t	 base;		/* file offset of buf[0] */
	char		*buf;
	size_t		 start, fill;	/* unread: buf[start, fill) */
	int		 skipping;	/* inside a too-long line */
	int		 gone_said;	/* GONE reported for this outage */
	unsigned	 rotations;
	char		 cause[300];
};

static void
set_cause(struct logtail *t, const char *what, int err)
{
	snprintf(t->cause, sizeof(t->cause), "%s: %s%s%s", t->path, what,
	    err ? ": " : "", err ? strerror(err) : "");
}

/* Open the path (read only); its identity into t. */
static int
open_path(const char *path, struct stat *st)
{
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		close(fd);
		/* a directory or a FIFO at the path (open() itself never
		   says EINVAL with these flags): said as such */
		errno = EINVAL;
		return -1;
	}
	return fd;
}

static void
use_fd(struct logtail *t, int fd, const struct stat *st, uint64_t off)
{
	if (t->fd != -1)
		close(t->fd);
	t->fd = fd;
	t->dev = (uint64_t)st->st_dev;
	t->ino = (uint64_t)st->st_ino;
	t->base = off;
	t->start = t->fill = 0;
	t->skipping = 0;
	(void)lseek(fd, (off_t)off, SEEK_SET);
}

struct logtail *
logtail_open(const char *path, const struct logtail_pos *pos)
{
	struct logtail	*t;
	struct stat	 st, old;
	char		 prev[4096];
	int		 fd, ofd;

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->path = strdup(path)) == NULL ||
	    (t->buf = malloc(BUF_SIZE)) == NULL) {
		if (t != NULL)
			free(t->path);
		free(t);
		return NULL;
	}
	t->fd = -1;
	if ((fd = open_path(path, &st)) == -1) {
		/* wait for it; a file that appears is read from its start */
		return t;
	}
	if (pos == NULL) {
		use_fd(t, fd, &st, (uint64_t)st.st_size);
		return t;
	}
	if ((uint64_t)st.st_dev == pos->dev && (uint64_t)st.st_ino == pos->ino) {
		if ((uint64_t)st.st_size >= pos->off)
			use_fd(t, fd, &st, pos->off);
		else {
			/* truncated (copytruncate) while nobody followed */
			t->rotations++;
			use_fd(t, fd, &st, 0);
		}
		return t;
	}
	/* renamed while nobody followed: finish the old file first */
	snprintf(prev, sizeof(prev), "%s.1", path);
	if ((ofd = open_path(prev, &old)) != -1 &&
	    (uint64_t)old.st_dev == pos->dev &&
	    (uint64_t)old.st_ino == pos->ino &&
	    (uint64_t)old.st_size >= pos->off) {
		close(fd);
		use_fd(t, ofd, &old, pos->off);
		return t;
	}
	if (ofd != -1)
		close(ofd);
	t->rotations++;
	use_fd(t, fd, &st, 0);
	return t;
}

/* At the end of the open file: has it been rotated? 1 when reading
   should go on (from a new start), 0 when it is just the end for now. */
static int
rotated(struct logtail *t)
{
	struct stat	 st, cur;
	int		 fd;

	if (fstat(t->fd, &cur) == -1)
		return 0;
	if ((uint64_t)cur.st_size < t->base + t->fill) {
		/* copytruncate: shorter than what we read */
		t->rotations++;
		use_fd(t, t->fd, &cur, 0);
		return 1;
	}
	if ((fd = open_path(t->path, &st)) == -1) {
		if (cur.st_nlink == 0) {
			/* deleted, not renamed: nothing more will come */
			close(t->fd);
			t->fd = -1;
		}
		return 0;	/* renamed, the new one not there yet */
	}
	if ((uint64_t)st.st_dev == t->dev && (uint64_t)st.st_ino == t->ino) {
		close(fd);
		return 0;
	}
	/* renamed: the old file is read to its end; now the new one */
	t->rotations++;
	use_fd(t, fd, &st, 0);
	return 1;
}

enum logtail_status
logtail_next(struct logtail *t, const char **line, size_t *len,
    const char **cause)
{
	struct stat	 st;
	size_t		 budget = LOGTAIL_READ_MAX;
	ssize_t		 n;
	char		*nl;
	int		 fd;

	*cause = NULL;
	for (;;) {
		if (t->fd == -1) {
			if ((fd = open_path(t->path, &st)) == -1) {
				if (t->gone_said)
					return LOGTAIL_AGAIN;
				t->gone_said = 1;
				set_cause(t, errno == ENOENT ? "no such file" :
				    errno == EINVAL ? "not a regular file" :
				    "cannot read", errno == ENOENT ||
				    errno == EINVAL ? 0 : errno);
				*cause = t->cause;
				return LOGTAIL_GONE;
			}
			t->gone_said = 0;
			use_fd(t, fd, &st, 0);
		}
		nl = memchr(t->buf + t->start, '\n', t->fill - t->start);
		if (nl != NULL) {
			char	*p = t->buf + t->start;

			t->start = (size_t)(nl - t->buf) + 1;
			if (t->skipping) {
				t->skipping = 0;
				continue;
			}
			if ((size_t)(nl - p) > LOGTAIL_LINE_MAX)
				return LOGTAIL_TOO_LONG;
			*line = p;
			*len = (size_t)(nl - p);
			if (*len > 0 && p[*len - 1] == '\r')
				(*len)--;
			return LOGTAIL_LINE;
		}
		if (t->fill - t->start > LOGTAIL_LINE_MAX) {
			int	 was = t->skipping;

			t->skipping = 1;
			t->base += t->fill;
			t->start = t->fill = 0;
			if (!was)
				return LOGTAIL_TOO_LONG;
		}
		if (budget == 0)
			return LOGTAIL_AGAIN;
		/* keep the unread tail at the front, read after it */
		if (t->start > 0) {
			memmove(t->buf, t->buf + t->start, t->fill - t->start);
			t->base += t->start;
			t->fill -= t->start;
			t->start = 0;
		}
		n = read(t->fd, t->buf + t->fill, BUF_SIZE - t->fill);
		if (n > 0) {
			t->fill += (size_t)n;
			budget = (size_t)n >= budget ? 0 : budget - (size_t)n;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			set_cause(t, "read", errno);
			close(t->fd);
			t->fd = -1;
			t->gone_said = 1;
			*cause = t->cause;
			return LOGTAIL_GONE;
		}
		/* the end: a last line without newline is complete only
		   when the file has been rotated away */
		if (t->fill > t->start) {
			struct stat	 cur, now;

			if (fstat(t->fd, &cur) == 0 &&
			    (stat(t->path, &now) == -1 ||
			    now.st_ino != cur.st_ino || now.st_dev != cur.st_dev)) {
				*line = t->buf + t->start;
				*len = t->fill - t->start;
				t->start = t->fill;
				if (!t->skipping)
					return LOGTAIL_LINE;
				t->skipping = 0;
			}
		}
		if (!rotated(t)) {
			if (t->fd == -1) {
				t->gone_said = 1;
				set_cause(t, "deleted", 0);
				*cause = t->cause;
				return LOGTAIL_GONE;
			}
			return LOGTAIL_AGAIN;
		}
	}
}

void
logtail_pos(const struct logtail *t, struct logtail_pos *pos)
{
	pos->dev = t->dev;
	pos->ino = t->ino;
	pos->off = t->base + t->start;
}

unsigned
logtail_rotations(const struct logtail *t)
{
	return t->rotations;
}

void
logtail_close(struct logtail *t)
{
	if (t == NULL)
		return;
	if (t->fd != -1)
		close(t->fd);
	free(t->path);
	free(t->buf);
	free(t);
}
