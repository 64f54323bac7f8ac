/*
 * explain.h - `smtprobe explain`: a refusal the user already has.
 */
#ifndef SMTPROBE_PROBE_EXPLAIN_H
#define SMTPROBE_PROBE_EXPLAIN_H

/* argv[0] is "explain". Returns the exit status (0..3). */
int	cmd_explain(int argc, char **argv);

#endif
