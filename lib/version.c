/*
 * version.c - what was built (see version.h). The Makefile passes
 * SMTPROBE_VERSION and SMTPROBE_REVISION to this file alone, so a new
 * commit rebuilds one object, not the tree; other builds (the fuzzers)
 * get "unknown".
 */
#include <stdio.h>

#include <event2/event.h>
#include <jansson.h>
#include <ldns/ldns.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include "version.h"

#ifndef SMTPROBE_VERSION
#define SMTPROBE_VERSION	"unknown"
#endif
#ifndef SMTPROBE_REVISION
#define SMTPROBE_REVISION	"unknown"
#endif

const char *
version_number(void)
{
	return SMTPROBE_VERSION;
}

const char *
version_revision(void)
{
	return SMTPROBE_REVISION[0] != '\0' ? SMTPROBE_REVISION : "unknown";
}

const char *
version_openssl(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

const char *
version_libevent(void)
{
	return event_get_version();
}

const char *
version_ldns(void)
{
	return ldns_version();
}

const char *
version_sqlite(void)
{
	return sqlite3_libversion();
}

const char *
version_jansson(void)
{
	return jansson_version_str();
}

void
version_print(FILE *fp, const char *prog)
{
	fprintf(fp, "%s %s (revision %s)\n", prog, version_number(),
	    version_revision());
	fprintf(fp, "with %s, libevent %s, ldns %s, SQLite %s, jansson %s\n",
	    version_openssl(), version_libevent(), version_ldns(),
	    version_sqlite(), version_jansson());
}
