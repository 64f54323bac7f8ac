/*
 * logtail.h - follow a growing log file across its rotations, for the
 * daemon's [log] sections.
 *
 * A follower reads complete lines only (a line still being written
 * waits for its newline), never blocks (the file is read when the
 * caller polls), and keeps a position - device, inode and the offset of
 * the first byte not yet returned as a line - that the caller stores so
 * that a restart neither re-reads nor skips lines.
 *
 * Rotation is noticed on every poll:
 *   - by rename (logrotate's default, postfix logrotate): the path names
 *     another inode; the old file is read to its end, then the new one
 *     from its start;
 *   - by copytruncate: the file is shorter than the offset; it is read
 *     again from its start.
 * A position whose inode is no longer at the path is looked for at
 * PATH.1 (the rename rotation that happened while nobody followed):
 * its rest is read first. A path that vanishes or cannot be read is
 * reported once (LOGTAIL_GONE) and tried again on each poll.
 */
#ifndef SMTPROBE_LOGTAIL_H
#define SMTPROBE_LOGTAIL_H

#include <stddef.h>
#include <stdint.h>

#include "maillog.h"

#define LOGTAIL_LINE_MAX	MAILLOG_LINE_MAX

/* Where reading goes on: the file and the offset in it. */
struct logtail_pos {
	uint64_t	 dev;
	uint64_t	 ino;
	uint64_t	 off;
};

enum logtail_status {
	LOGTAIL_LINE,		/* *line, *len: one line, no newline */
	LOGTAIL_TOO_LONG,	/* a line over LOGTAIL_LINE_MAX was skipped */
	LOGTAIL_AGAIN,		/* nothing complete now: poll later */
	LOGTAIL_GONE,		/* the path is missing or unreadable (said
				   once per outage; *cause tells) */
};

struct logtail;

/*
 * Follow path. With pos (a position stored earlier), go on from there;
 * without, start at the file's current end (a new follower does not
 * read the past). Never fails for a missing file (it is waited for);
 * NULL only when memory runs out.
 */
struct logtail	*logtail_open(const char *path, const struct logtail_pos *pos);

/*
 * The next complete line. Reads at most a bounded amount per call
 * (LOGTAIL_READ_MAX bytes), so a caller on an event loop stays
 * responsive: AGAIN means "nothing more now". *cause, on GONE, is a
 * static or internal string valid until the next call.
 */
enum logtail_status logtail_next(struct logtail *, const char **line,
		    size_t *len, const char **cause);

/* The position after the last line returned. */
void		 logtail_pos(const struct logtail *, struct logtail_pos *);

/* Rotations noticed so far (rename, copytruncate). */
unsigned	 logtail_rotations(const struct logtail *);

void		 logtail_close(struct logtail *);

#define LOGTAIL_READ_MAX	(1024 * 1024)

#endif
