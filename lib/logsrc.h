/*
 * logsrc.h - where MTA log lines come from: a file (plain or gzip, read
 * through zlib, which passes a plain file through unchanged) or the
 * systemd journal (sd_journal; each entry rebuilt as the syslog line
 * the MTA would have written, so one parser reads both).
 *
 * Reading streams: one fixed buffer per source, never the whole log in
 * memory. A line longer than LOGSRC_LINE_MAX is skipped to its end and
 * reported as such, never split into pieces that would parse as lines.
 */
#ifndef SMTPROBE_LOGSRC_H
#define SMTPROBE_LOGSRC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "maillog.h"

#define LOGSRC_LINE_MAX	MAILLOG_LINE_MAX

struct logsrc;

enum logsrc_status {
	LOGSRC_LINE,		/* *line, *len hold a line (no newline) */
	LOGSRC_TOO_LONG,	/* a line over LOGSRC_LINE_MAX was skipped */
	LOGSRC_EOF,
	LOGSRC_ERROR,		/* *cause says why; the source is done */
};

/* Open a file (gzip or plain). NULL with *cause (static or allocated
   text the caller frees) on failure. */
struct logsrc	*logsrc_open_file(const char *path, char **cause);

/*
 * Open the local journal, entries of the mail facility (Postfix, Exim
 * and the milters log there), from since (0: the start). Returns NULL
 * with *cause when the journal cannot be opened; an empty journal opens
 * and reads as EOF at once (logsrc_journal_empty tells).
 */
struct logsrc	*logsrc_open_journal(time_t since, char **cause);

/* Did the journal hold no mail entry at all from since on? */
int		 logsrc_journal_empty(struct logsrc *);

/* The next line. The line is valid until the next call. */
enum logsrc_status logsrc_next(struct logsrc *, const char **line,
		    size_t *len, char **cause);

/* The line number of the last line returned (1 for the first). */
uint64_t	 logsrc_lineno(const struct logsrc *);

/* Bytes read so far (uncompressed). */
uint64_t	 logsrc_bytes(const struct logsrc *);

void		 logsrc_close(struct logsrc *);

#endif
