/*
 * version.h - what was built: the version of smtprobe, the source
 * revision it was built from, and the libraries it runs with, for
 * --version and the smtprobe_build_info metric.
 */
#ifndef SMTPROBE_VERSION_H
#define SMTPROBE_VERSION_H

#include <stdio.h>

/* The version, "0.1" (the Makefile's VERSION). */
const char	*version_number(void);

/*
 * The revision of the source: what `git describe --always --dirty` said
 * when it was built (a commit id, "-dirty" with local changes), or
 * "unknown" outside a git tree.
 */
const char	*version_revision(void);

/* The versions of OpenSSL, libevent, ldns, SQLite and jansson in use. */
const char	*version_openssl(void);
const char	*version_libevent(void);
const char	*version_ldns(void);
const char	*version_sqlite(void);
const char	*version_jansson(void);

/*
 * "PROG VERSION (revision REV)" and a line of the libraries, as
 * --version prints them.
 */
void		 version_print(FILE *, const char *prog);

#endif
