/*
 * want_findings.h - for the record-audit unit tests: compare a finding
 * list with an expected one (id, severity, an evidence substring), in
 * order, and print both on a mismatch. Include after <cmocka.h>.
 */
#ifndef SMTPROBE_WANT_FINDINGS_H
#define SMTPROBE_WANT_FINDINGS_H

#include <stdio.h>
#include <string.h>

#include "finding.h"

#define WANT_MAX	8

/* One expected finding; a row ends at the first with ev == NULL. */
struct want {
	enum finding_id	 id;
	enum severity	 sev;
	const char	*ev;	/* must occur in the evidence */
};

static void
want_dump(const struct finding_list *fl)
{
	size_t	 i;

	for (i = 0; i < fl->n; i++)
		print_error("  got  %s %s \"%s\"\n",
		    finding_def(fl->v[i].id)->id,
		    finding_severity_name(fl->v[i].severity),
		    fl->v[i].evidence);
}

static void
want_findings(const char *name, const struct finding_list *fl,
    const struct want *w)
{
	size_t	 n = 0, i;

	while (n < WANT_MAX && w[n].ev != NULL)
		n++;
	for (i = 0; i < n && i < fl->n; i++)
		if (fl->v[i].id != w[i].id || fl->v[i].severity != w[i].sev ||
		    strstr(fl->v[i].evidence, w[i].ev) == NULL)
			break;
	if (i == n && fl->n == n)
		return;
	print_error("%s: finding %zu differs\n", name, i);
	for (i = 0; i < n; i++)
		print_error("  want %s %s \"%s\"\n", finding_def(w[i].id)->id,
		    finding_severity_name(w[i].sev), w[i].ev);
	want_dump(fl);
	fail();
}

#endif
