/*
 * runchild.c - run a command N times, one after the other, and report
 * the CPU its processes used per run.
 *
 *	runchild -t TAG [-n N] [-w WARM] [-x EXIT] [-o FILE] [-S FILE] --
 *	    CMD [ARG...]
 *
 * The CPU figure is the growth of getrusage(RUSAGE_CHILDREN) over the
 * N runs divided by N: user + system time of each child (and of any
 * grandchild it waited for), from fork to exit, exec and dynamic
 * linking included, which is what a monitoring system pays per check.
 * The child's stdout goes to FILE (default /dev/null), stderr is kept.
 * A run is "ok" when it exits with EXIT (default 0). -S appends the wall
 * time of every run (us) to FILE. Output: key=value
 * lines prefixed with TAG.
 */
#include <sys/resource.h>
#include <sys/wait.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "stats.h"

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: runchild -t tag [-n count] [-w warm-up] "
	    "[-x exit] [-o file]\n"
	    "                [-S samples-file] -- command [arg ...]\n");
	exit(2);
}

/* Run argv once; its exit status, or 128 + signal. */
static int
run_once(char **argv, const char *out)
{
	pid_t	 pid;
	int	 st, fd;

	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if ((fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644)) == -1)
			err(127, "%s", out);
		dup2(fd, STDOUT_FILENO);
		close(fd);
		execvp(argv[0], argv);
		err(127, "%s", argv[0]);
	}
	while (waitpid(pid, &st, 0) == -1)
		;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int
main(int argc, char *argv[])
{
	struct stats_cpu	 c0, c1, cd;
	const char		*tag = NULL, *out = "/dev/null", *samples = NULL;
	int64_t			*wall, t0;
	int			 ch, n = 100, warm = 3, want = 0, i, ok = 0, rc;
	int			 last_bad = -1;

	while ((ch = getopt(argc, argv, "n:o:S:t:w:x:")) != -1) {
		switch (ch) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'S':
			samples = optarg;
			break;
		case 't':
			tag = optarg;
			break;
		case 'w':
			warm = atoi(optarg);
			break;
		case 'x':
			want = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (tag == NULL || argc < 1 || n <= 0 || warm < 0)
		usage();
	if ((wall = calloc((size_t)n, sizeof(*wall))) == NULL)
		err(1, "calloc");

	for (i = 0; i < warm; i++)
		run_once(argv, "/dev/null");
	stats_cpu(RUSAGE_CHILDREN, &c0);
	for (i = 0; i < n; i++) {
		t0 = stats_now_us();
		rc = run_once(argv, out);
		wall[i] = stats_now_us() - t0;
		if (rc == want)
			ok++;
		else
			last_bad = rc;
	}
	stats_cpu(RUSAGE_CHILDREN, &c1);
	stats_cpu_sub(&c1, &c0, &cd);

	if (samples != NULL && stats_save(samples, wall, (size_t)n) == -1)
		err(1, "%s", samples);
	printf("%s.n=%d\n%s.ok=%d\n", tag, n, tag, ok);
	if (last_bad != -1)
		printf("%s.bad_exit=%d\n", tag, last_bad);
	printf("%s.cpu_user_us=%.1f\n", tag, (double)cd.user_us / n);
	printf("%s.cpu_sys_us=%.1f\n", tag, (double)cd.sys_us / n);
	printf("%s.cpu_us=%.1f\n", tag, (double)(cd.user_us + cd.sys_us) / n);
	printf("%s.wakeups=%.1f\n", tag, (double)cd.wakeups / n);
	printf("%s.wall_med_us=%lld\n", tag,
	    (long long)stats_percentile(wall, (size_t)n, 50));
	printf("%s.wall_p99_us=%lld\n", tag,
	    (long long)stats_percentile(wall, (size_t)n, 99));
	free(wall);
	return ok == n ? 0 : 1;
}
