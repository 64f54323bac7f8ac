/*
 * report.h - what one `smtprobe check` run found, for the renderers.
 */
#ifndef SMTPROBE_REPORT_H
#define SMTPROBE_REPORT_H

#include <stdio.h>

#include "audit.h"
#include "finding.h"
#include "smtp.h"

struct report {
	const char		 *target;	/* as given on the command line */
	const char		 *host;		/* the name probed */
	struct smtp_session	**sessions;	/* ended sessions, in start order */
	int			  nsessions;
	struct finding_list	  findings;	/* all findings, sessions' included */
	enum severity		  worst;
	struct audit_result	 *audit;	/* the DNS audit, or NULL */
	int			  unknown;	/* could not probe at all */
	char			  error[512];	/* why, when unknown */
};

/* Status word: "ok", "warn", "crit" or "unknown". */
const char	*report_status(const struct report *);

/* Exit status per the monitoring-plugins convention (0..3). */
int		 report_exit(const struct report *);

void		 render_human(FILE *, const struct report *, int colour);
int		 render_json(FILE *, const struct report *);
void		 render_nagios(FILE *, const struct report *);

#endif
