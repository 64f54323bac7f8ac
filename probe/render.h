/*
 * render.h - the faces of a check report on the command line.
 */
#ifndef SMTPROBE_RENDER_H
#define SMTPROBE_RENDER_H

#include <stdio.h>

#include "check.h"

void		 render_human(FILE *, const struct check_report *, int colour);
int		 render_json(FILE *, const struct check_report *);
void		 render_nagios(FILE *, const struct check_report *);

#endif
