/*
 * logs.h - `smtprobe logs`: what real mail saw, from the MTA's log.
 */
#ifndef SMTPROBE_LOGS_H
#define SMTPROBE_LOGS_H

#define LOGS_USAGE \
    "       smtprobe logs [-v] [--since duration] [--until time]\n" \
    "                      [--domain domain] [--json] [--probe]\n" \
    "                      [--spf-ip addr] [--journal | file ...]\n" \
    "       smtprobe logs --daemon [-s socket] [--json] [--since duration]\n" \
    "                      [--until time] [--domain domain] [--log name]\n" \
    "                      [--limit n]\n"

/* argv[0] is "logs". Returns the exit status. */
int		 logs_main(int argc, char **argv);

#endif
