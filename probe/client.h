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

#include <jansson.h>

/*
 * Send req (its "cmd" set) to the daemon at sock (NULL: $SMTPROBED_SOCKET
 * or the default) and print the reply, as JSON when json. Returns the
 * exit status: 0, 1 when the daemon answered an error, 3 when it could
 * not be asked.
 */
int	client_request(const struct ctl_command *cmd, const char *sock,
	    json_t *req, int json);

/*
 * A usage line per command ("       smtprobe status ..."), but skip's,
 * which the caller runs as a command of its own (logs --daemon).
 */
void	client_usage(FILE *, const char *skip);

#endif
