/*
 * journal.c - libsystemd's journal functions through dlopen(), once.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "journal.h"

#define LIBSYSTEMD	"libsystemd.so.0"

static pthread_once_t		 once = PTHREAD_ONCE_INIT;
static struct journal_api	 api;
static const struct journal_api	*loaded;
static char			 why[256];

static void *
sym(void *h, const char *name)
{
	void	*p = dlsym(h, name);

	if (p == NULL && why[0] == '\0')
		snprintf(why, sizeof(why), "%s: no %s", LIBSYSTEMD, name);
	return p;
}

static void
load(void)
{
	const char	*e;
	void		*h;

	/* never closed: the process keeps reading as long as it runs */
	if ((h = dlopen(LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(why, sizeof(why), "cannot load %s (the journal is "
		    "read with libsystemd): %s", LIBSYSTEMD, e != NULL ? e :
		    "unknown error");
		return;
	}
	api.open = sym(h, "sd_journal_open");
	api.close = sym(h, "sd_journal_close");
	api.add_match = sym(h, "sd_journal_add_match");
	api.seek_head = sym(h, "sd_journal_seek_head");
	api.seek_realtime_usec = sym(h, "sd_journal_seek_realtime_usec");
	api.next = sym(h, "sd_journal_next");
	api.get_data = sym(h, "sd_journal_get_data");
	api.get_realtime_usec = sym(h, "sd_journal_get_realtime_usec");
	api.open_directory = sym(h, "sd_journal_open_directory");
	api.add_disjunction = sym(h, "sd_journal_add_disjunction");
	api.seek_tail = sym(h, "sd_journal_seek_tail");
	api.previous = sym(h, "sd_journal_previous");
	api.seek_cursor = sym(h, "sd_journal_seek_cursor");
	api.test_cursor = sym(h, "sd_journal_test_cursor");
	api.get_cursor = sym(h, "sd_journal_get_cursor");
	api.get_fd = sym(h, "sd_journal_get_fd");
	api.process = sym(h, "sd_journal_process");
	if (why[0] == '\0')
		loaded = &api;
}

const struct journal_api *
journal_api(const char **cause)
{
	pthread_once(&once, load);
	if (loaded == NULL)
		*cause = why;
	return loaded;
}
