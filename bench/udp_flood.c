/*
 * udp_flood.c - the baseline of the uncached resolver rate: the same
 * distinct A queries (with EDNS0, RD set, as lib/dns sends them) written
 * by hand into one connected UDP socket, PARALLEL outstanding, answers
 * only counted (id, rcode and answer count read from the header). What
 * the server and loopback allow from one core with next to no client
 * work; lib/dns's uncached rate is reported against it.
 *
 *	udp_flood -a ADDR -P PORT [-p PARALLEL] [-r RUNS] [-t TAG] FMT N
 *
 * FMT has one %ld (e.g. "q%ld.dnsb.example"); names 0..N-1 are asked.
 * An answer lost for 1 s counts as lost and its slot is refilled.
 * Output: key=value lines, medians over RUNS.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUNS_MAX	32

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* FMT is PREFIX%ldSUFFIX: the name of number i, without a format string */
static void
name_of(char *buf, size_t sz, const char *pat, long i)
{
	const char	*p = strstr(pat, "%ld");

	if (p == NULL)
		snprintf(buf, sz, "%ld.%s", i, pat);
	else
		snprintf(buf, sz, "%.*s%ld%s", (int)(p - pat), pat, i, p + 3);
}

/* A query for name/A/IN with an OPT record (1232 bytes); its length. */
static size_t
build(uint8_t *buf, size_t sz, uint16_t id, const char *name)
{
	size_t		 off = 12, l;
	const char	*p = name, *dot;

	if (sz < 512)
		return 0;
	memset(buf, 0, 12);
	buf[0] = id >> 8;
	buf[1] = id & 0xff;
	buf[2] = 0x01;			/* RD */
	buf[5] = 1;			/* QDCOUNT */
	buf[11] = 1;			/* ARCOUNT: OPT */
	while (*p != '\0') {
		dot = strchr(p, '.');
		l = dot ? (size_t)(dot - p) : strlen(p);
		if (l == 0 || l > 63 || off + l + 1 > 300)
			return 0;
		buf[off++] = (uint8_t)l;
		memcpy(buf + off, p, l);
		off += l;
		p += l;
		if (*p == '.')
			p++;
	}
	buf[off++] = 0;
	buf[off++] = 0; buf[off++] = 1;	/* A */
	buf[off++] = 0; buf[off++] = 1;	/* IN */
	/* OPT: root, type 41, class = payload size, ttl 0, rdlen 0 */
	buf[off++] = 0;
	buf[off++] = 0; buf[off++] = 41;
	buf[off++] = 1232 >> 8; buf[off++] = 1232 & 0xff;
	memset(buf + off, 0, 6);
	off += 6;
	return off;
}

static int
cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct timeval		 tv = { 1, 0 };
	uint8_t			 q[512], a[4096];
	char			 name[300];
	const char		*addr = "127.0.0.1", *tag = "raw", *fmt;
	double			 rate[RUNS_MAX], cpu_us[RUNS_MAX], t0, c0, t1, c1;
	long			 n, next, out, done, lost, bad;
	int			 ch, fd, port = 53, parallel = 64, runs = 3, r;
	ssize_t			 len;
	size_t			 ql;

	while ((ch = getopt(argc, argv, "a:P:p:r:t:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'P':
			port = atoi(optarg);
			break;
		case 'p':
			parallel = atoi(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 't':
			tag = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || parallel < 1 || runs < 1 || runs > RUNS_MAX) {
usage:
		fprintf(stderr, "usage: udp_flood -a ADDR -P PORT [-p PARALLEL]"
		    " [-r RUNS] [-t TAG] FMT N\n");
		return 2;
	}
	fmt = argv[0];
	n = atol(argv[1]);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1 || n < 1)
		goto usage;
	bad = 0;
	for (r = 0; r < runs; r++) {
		if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
		    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
		    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ==
		    -1) {
			perror("udp_flood: socket");
			return 1;
		}
		next = out = done = lost = 0;
		t0 = now_s();
		c0 = cpu_s();
		while (done + lost < n) {
			while (out < parallel && next < n) {
				name_of(name, sizeof(name), fmt, next);
				ql = build(q, sizeof(q), (uint16_t)next, name);
				if (ql == 0 || send(fd, q, ql, 0) != (ssize_t)ql) {
					perror("udp_flood: send");
					return 1;
				}
				next++;
				out++;
			}
			len = recv(fd, a, sizeof(a), 0);
			if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				lost += out;
				out = 0;
				continue;
			}
			if (len < 12)
				continue;
			/* QR, NOERROR, at least one answer */
			if (!(a[2] & 0x80) || (a[3] & 0x0f) != 0 ||
			    (a[6] == 0 && a[7] == 0))
				bad++;
			done++;
			out--;
		}
		t1 = now_s();
		c1 = cpu_s();
		close(fd);
		rate[r] = (double)done / (t1 - t0);
		cpu_us[r] = (c1 - c0) * 1e6 / (double)n;
		printf("%s.run%d.rate=%.0f\n%s.run%d.lost=%ld\n", tag, r, rate[r],
		    tag, r, lost);
		if (lost > 0)
			bad += lost;
	}
	printf("%s.n=%ld\n%s.parallel=%d\n%s.runs=%d\n", tag, n, tag, parallel,
	    tag, runs);
	printf("%s.rate=%.0f\n%s.cpu_us=%.2f\n%s.bad=%ld\n", tag,
	    median(rate, runs), tag, median(cpu_us, runs), tag, bad);
	return bad ? 1 : 0;
}
