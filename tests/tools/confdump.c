/*
 * confdump - print the targets of a smtprobed.conf as conf.c resolved
 * them, each as a section with every setting (target_print), which is
 * what `smtprobe check -n` prints for a command line:
 *
 *	confdump FILE
 *
 * Exit 0, or 1 with conf_load's message on standard error.
 * tests/scenario/settings.sh compares the two.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "target.h"

int
main(int argc, char *argv[])
{
	struct conf	*c;
	char		*cause;
	size_t		 i, kl;

	if (argc != 2) {
		fprintf(stderr, "usage: confdump FILE\n");
		return 2;
	}
	if (conf_load(argv[1], &c, &cause) == -1) {
		fprintf(stderr, "%s\n", cause != NULL ? cause : "out of memory");
		free(cause);
		return 1;
	}
	for (i = 0; i < c->ntargets; i++) {
		const struct target *t = &c->targets[i];

		kl = t->kind == TARGET_DOMAIN ? 6 : 4;
		printf("[%.*s %s]\n", (int)kl, t->id, t->id + kl + 1);
		target_print(stdout, t);
	}
	conf_free(c);
	return ferror(stdout) ? 1 : 0;
}
