/*
 * journal.h - the systemd journal's reading functions, loaded when
 * first needed.
 *
 * libsystemd and what it links (libgcrypt, liblzma, libzstd, liblz4,
 * libcap, libgpg-error: seven libraries) would be mapped and relocated
 * at every start of smtprobe, a process per check for a monitoring
 * system, while only `smtprobe logs` and a daemon's [log] section read
 * the journal. So libsystemd is opened with dlopen() the first time the
 * journal is read; the functions keep sd-journal.h's types.
 */
#ifndef SMTPROBE_JOURNAL_H
#define SMTPROBE_JOURNAL_H

#include <systemd/sd-journal.h>

struct journal_api {
	__typeof__(sd_journal_open)			*open;
	__typeof__(sd_journal_close)			*close;
	__typeof__(sd_journal_add_match)		*add_match;
	__typeof__(sd_journal_seek_head)		*seek_head;
	__typeof__(sd_journal_seek_realtime_usec)	*seek_realtime_usec;
	__typeof__(sd_journal_next)			*next;
	__typeof__(sd_journal_get_data)			*get_data;
	__typeof__(sd_journal_get_realtime_usec)	*get_realtime_usec;
	/* following (the daemon's [log] sections) */
	__typeof__(sd_journal_open_directory)		*open_directory;
	__typeof__(sd_journal_add_disjunction)		*add_disjunction;
	__typeof__(sd_journal_seek_tail)		*seek_tail;
	__typeof__(sd_journal_previous)			*previous;
	__typeof__(sd_journal_seek_cursor)		*seek_cursor;
	__typeof__(sd_journal_test_cursor)		*test_cursor;
	__typeof__(sd_journal_get_cursor)		*get_cursor;
	__typeof__(sd_journal_get_fd)			*get_fd;
	__typeof__(sd_journal_process)			*process;
};

/*
 * The functions, libsystemd loaded on the first call (thread-safe), or
 * NULL with *cause set to a static string (libsystemd missing, or too
 * old to have them).
 */
const struct journal_api *journal_api(const char **cause);

#endif
