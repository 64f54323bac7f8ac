/*
 * vocab - print the tables the documentation is checked against
 * (tests/scenario/docs.sh, tests/scenario/settings.sh), one row a line:
 *
 *	setting NAME FLAGS	a target setting of lib/target.c; FLAGS is
 *				"-" or a comma list of bool, empty, host,
 *				daemon (the TS_* of target.h)
 *	daemon-key NAME		a [daemon] key of lib/conf.c that is not a
 *				target setting
 *	ctl NAME FLAGS		a control command of lib/ctl.c; FLAGS is "-"
 *				or a comma list of target, range, stream
 *
 * It reads the tables themselves, so a row added to one is checked
 * without teaching the checks anything.
 */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "ctl.h"
#include "target.h"

struct flag {
	unsigned	 bit;
	const char	*name;
};

static const struct flag setting_flags[] = {
	{ TS_BOOL, "bool" }, { TS_EMPTY, "empty" }, { TS_HOST, "host" },
	{ TS_DAEMON, "daemon" }, { 0, NULL },
};

static const struct flag ctl_flags[] = {
	{ CTL_TARGET, "target" }, { CTL_RANGE, "range" },
	{ CTL_STREAM, "stream" }, { 0, NULL },
};

static const char *
flags(const struct flag *names, unsigned f, char *buf, size_t sz)
{
	size_t	 i;

	buf[0] = '\0';
	for (i = 0; names[i].name != NULL; i++)
		if (f & names[i].bit)
			snprintf(buf + strlen(buf), sz - strlen(buf), "%s%s",
			    buf[0] ? "," : "", names[i].name);
	return buf[0] ? buf : "-";
}

int
main(void)
{
	const char	*k;
	char		 b[64];
	int		 i;

	for (i = 0; i < target_nsettings; i++)
		printf("setting %s %s\n", target_settings[i].name,
		    flags(setting_flags, target_settings[i].flags, b,
		    sizeof(b)));
	for (i = 0; (k = conf_daemon_key(i)) != NULL; i++)
		printf("daemon-key %s\n", k);
	for (i = 0; i < CTL_NCMDS; i++)
		printf("ctl %s %s\n", ctl_commands[i].name, flags(ctl_flags,
		    ctl_commands[i].flags, b, sizeof(b)));
	return ferror(stdout) ? 1 : 0;
}
