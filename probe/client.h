/*
 * client.h - the smtprobe commands that talk to a running smtprobed: one
 * per row of the control commands' table (lib/ctl.h).
 */
#ifndef SMTPROBE_CLIENT_H
#define SMTPROBE_CLIENT_H

#include <stdio.h>

struct ctl_command;

/* Run cmd; argv[0] is its name. Returns the exit status. */
int	client_main(const struct ctl_command *cmd, int argc, char **argv);

/* A usage line per command, for smtprobe's usage. */
void	client_usage(FILE *);

#endif
