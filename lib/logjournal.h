/*
 * logjournal.h - follow the systemd journal, for the daemon's [log]
 * sections with journal = IDENTIFIER...: the entries of those syslog
 * identifiers, each rebuilt as the syslog line the program would have
 * written ("2026-12-06T09:58:16.123456+00:00 HOST IDENT[PID]: MESSAGE",
 * its realtime stamp in UTC), so lib/maillog.c parses both alike.
 *
 * An identifier matches SYSLOG_IDENTIFIER equal to it or starting with
 * it and a '/' (Postfix logs as "postfix/smtp", "postfix/qmgr", a second
 * instance as "postfix-out/smtp"). Entries of the mail facility and of
 * the identifiers are asked of sd_journal, the rest is sorted out here.
 *
 * A follower never blocks: the journal is read when the caller polls
 * (sd_journal_process, then entries), and its position is the cursor of
 * the last entry returned, for the caller to store. A journal that is
 * not there (libsystemd missing, no journal directory, a directory that
 * cannot be opened) is reported once (LOGTAIL_GONE, as for a file) and
 * looked for again every LOGJOURNAL_RETRY_S seconds.
 */
#ifndef SMTPROBE_LOGJOURNAL_H
#define SMTPROBE_LOGJOURNAL_H

#include <stddef.h>

#include "logtail.h"

#define LOGJOURNAL_RETRY_S	10
#define LOGJOURNAL_CURSOR_MAX	1024

struct logjournal;

/*
 * Follow the journal in dir (its files, as journalctl --directory; NULL:
 * the system's) for idents[0..n). With cursor (the one of an entry
 * returned earlier), go on after that entry; without (NULL or ""), at
 * the journal's end (a new follower does not read the past). Never fails
 * for a journal that is not there (when it comes, it is read from its
 * start); NULL only when memory runs out.
 */
struct logjournal *logjournal_open(const char *dir,
		    const char *const *idents, int n, const char *cursor);

/*
 * The next entry of the identifiers, as a line valid until the next
 * call: LOGTAIL_LINE, LOGTAIL_TOO_LONG (a MESSAGE over LOGTAIL_LINE_MAX,
 * skipped), LOGTAIL_AGAIN (nothing now) or LOGTAIL_GONE (*cause: why
 * the journal cannot be read; said once per outage). Reads at most what
 * is there; the caller bounds the entries per poll.
 */
enum logtail_status logjournal_next(struct logjournal *, const char **line,
		    size_t *len, const char **cause);

/* The cursor after the last entry returned, or the one given; "": none. */
const char	*logjournal_cursor(struct logjournal *);

void		 logjournal_close(struct logjournal *);

#endif
