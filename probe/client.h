/*
 * client.h - the smtprobe subcommands that talk to a running smtprobed.
 */
#ifndef SMTPROBE_CLIENT_H
#define SMTPROBE_CLIENT_H

/* argv[0] is the subcommand. Returns the exit status. */
int	client_main(int argc, char **argv);

#endif
