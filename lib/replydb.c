/*
 * replydb.c - the knowledge base of refusals: one row per published
 * reply of a provider, an MTA or a filter, with the cause it means.
 *
 * Each row names its source, the codes and the case-insensitive text it
 * matches, the cause (a finding id), a remedy in our own words and the
 * source's public reference. Its example is a reply the source really
 * sends (quoted from its error-code page, or built from the format
 * string in its source code with example values): tests/unit/
 * test_replydb.c classifies every example and checks that it lands on
 * its row's cause. Matching is in replydb_match.c.
 *
 * Rows with a pattern match on the text (codes then break ties); rows
 * without one need their codes to match exactly. When no row matches,
 * the enhanced status code's registered meaning decides, then the basic
 * code's class.
 */
#include <stddef.h>

#include "replydb.h"

#define R(src, code, enh, pat, cause, remedy, url, ex) \
	{ src, code, enh, pat, cause, remedy, url, ex }

static const struct replydb_row rows[] = {
#include "replydb_rows.h"
};

const struct replydb_row *
replydb_table(size_t *n)
{
	*n = sizeof(rows) / sizeof(rows[0]);
	return rows;
}
