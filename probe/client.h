/*
 * client.h - the smtprobe commands that talk to a running smtprobed: one
 * per row of the control commands' table (lib/ctl.h).
 */
#ifndef SMTPROBE_CLIENT_H
#define SMTPROBE_CLIENT_H

#include <stdio.h>

struct ctl_command;

/*
 * Run cmd; argv[0] is its name. sock is the control socket given before
 * the command (-s), or NULL. Returns the exit status.
 */
int	client_main(const struct ctl_command *cmd, int argc, char **argv,
	    const char *sock);

/*
 * A usage line per command ("       smtprobe status ..."), but skip's,
 * which the caller runs as a command of its own (logs --daemon).
 */
void	client_usage(FILE *, const char *skip);

#endif
