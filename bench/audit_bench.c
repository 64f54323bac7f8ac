/*
 * audit_bench.c - the domain check's wall-time budget measured in-process: one
 * full check of a domain (lib/check.c: the DNS audit and a session probe
 * to every MX address, on one loop) against the slowest single-address
 * session probe of the same addresses, alternating, round after round.
 *
 *	audit_bench -s ADDR:PORT -c CA -p PORT [-m STS_PORT] [-k SELECTOR]...
 *		    [-n ROUNDS] [-w WARMUP] -a HOST=ADDR... DOMAIN...
 *
 * Every full check gets a fresh resolver, so its DNS is cold, as in one
 * `smtprobe check DOMAIN`; the TLS context (CA file loaded once) is
 * shared, as in one process. A single probe is what `smtprobe check
 * --tls verify --addr ADDR HOST` runs: no DNS, certificate checked
 * against HOST. The rounds alternate the order (full first, singles
 * first) so that a drift in machine load hits both.
 *
 * Output: key=value lines. For each DOMAIN (tag d0, d1 ...):
 *	dN.domain, dN.sessions, dN.ok (sessions that reached QUIT),
 *	dN.status (worst finding), dN.full_ms / dN.mx_ms / dN.audit_ms /
 *	dN.sess_max_ms (medians: whole check; audit start to "sessions may
 *	start"; whole audit; slowest session inside the check)
 *	dN.report_json_bytes / dN.report_heap_bytes: the report of one
 *	check as compact JSON text, and the heap its jansson tree holds
 *	(what smtprobed keeps in memory per target between runs);
 * and for the singles: single.ADDR_ms (median of each), single.max_ms
 * (median over rounds of the slowest single in the round), and per
 * domain dN.ratio (median of per-round full/slowest-single) and
 * dN.ratio_of_medians. A second baseline, conc.ms: every address probed
 * at once without DNS (one check per MX host, started together), what
 * this machine allows for the sessions alone; dN.vs_conc is the full
 * check against it. single.cpu_ms, conc.cpu_ms and dN.cpu_ms: CPU time
 * of this process (user + system) during each. Samples (ms, one a
 * line) go to -S DIR when given.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "check.h"
#include "dns.h"
#include "log.h"
#include "report.h"
#include "smtp.h"
#include "tls.h"

#define MAX_ADDRS	16
#define MAX_DOMAINS	8
#define MAX_SEL		8
#define MAX_ROUNDS	1000

struct addr {
	char			 host[256];
	char			 text[64];
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	double			 ms[MAX_ROUNDS];
};

static struct event_base *base;
static struct tls_ctx	*tls;
static struct dns_config dcfg;
static const char	*selectors[MAX_SEL];
static int		 nsel, port, sts_port = 443;
static struct addr	 addrs[MAX_ADDRS];
static int		 naddrs;

static void
usage(void)
{
	fprintf(stderr, "usage: audit_bench -s ADDR:PORT -c CA -p PORT "
	    "[-m STS_PORT] [-k SEL]... [-n ROUNDS] [-w WARMUP] [-S DIR]\n"
	    "                   -a HOST=ADDR... DOMAIN...\n");
	exit(2);
}

static double	 run_ms, run_cpu_ms;	/* of the last run() */
static double	 t_end;

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
cpu_ms(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void
done_cb(struct check *c, void *arg)
{
	(void)c;
	(void)arg;
	t_end = now_ms();
	event_base_loopbreak(base);
}

/*
 * Run one check to its end on the loop; the caller frees it. run_ms is
 * check_start() to the done callback (the report's own ms has a 1 ms
 * resolution), run_cpu_ms the CPU time this process used meanwhile.
 */
static struct check *
run(struct check_params *p, struct dns_resolver *res)
{
	struct check	*c;
	const char	*cause;
	double		 t0, c0;

	t0 = now_ms();
	c0 = cpu_ms();
	if ((c = check_start(base, res, tls, p, NULL, done_cb, NULL,
	    &cause)) == NULL) {
		fprintf(stderr, "audit_bench: check_start: %s\n", cause);
		exit(1);
	}
	event_base_dispatch(base);
	run_ms = t_end - t0;
	run_cpu_ms = cpu_ms() - c0;
	return c;
}

static void
base_params(struct check_params *p)
{
	memset(p, 0, sizeof(*p));
	smtp_params_defaults(&p->proto);
	p->proto.helo = "bench.example";
	p->ports[0] = port;
	p->nports = 1;
	p->max_inflight = 16;
}

struct full {
	double	 ms, cpu_ms, mx_ms, audit_ms, sess_max_ms;
	int	 sessions, ok;
	char	 status[16];
	size_t	 json_bytes;	/* the report as compact JSON text */
	size_t	 json_heap;	/* heap the report's jansson tree holds */
};

static size_t
heap_bytes(void)
{
	struct mallinfo2	 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void
full_check(const char *domain, struct full *f)
{
	struct check_params	 p;
	struct dns_resolver	*res;
	struct check		*c;
	struct check_report	*rep;
	char			*cause;
	int			 i;

	base_params(&p);
	p.target = domain;
	p.name = domain;
	p.audit.dkim_selectors = selectors;
	p.audit.ndkim = nsel;
	p.audit.mtasts_port = sts_port;
	p.audit.fetch_timeout_ms = 20000;
	p.audit.allow_private = 1;
	if ((res = dns_resolver_new(base, &dcfg, &cause)) == NULL) {
		fprintf(stderr, "audit_bench: resolver: %s\n", cause);
		exit(1);
	}
	c = run(&p, res);
	rep = check_report(c);
	f->ms = run_ms;
	f->cpu_ms = run_cpu_ms;
	f->mx_ms = rep->audit ? (double)rep->audit->mx_ms : -1;
	f->audit_ms = rep->audit ? (double)rep->audit->ms : -1;
	f->sessions = rep->nsessions;
	f->ok = 0;
	f->sess_max_ms = 0;
	for (i = 0; i < rep->nsessions; i++) {
		const struct smtp_result *r = smtp_session_result(rep->sessions[i]);

		if (r->outcome == SMTP_OK)
			f->ok++;
		if (r->total_us / 1000.0 > f->sess_max_ms)
			f->sess_max_ms = r->total_us / 1000.0;
	}
	snprintf(f->status, sizeof(f->status), "%s", check_status(rep));
	/* what smtprobed keeps per target after a run (its t->last) */
	{
		size_t	 h0 = heap_bytes();
		json_t	*o = report_json(rep);
		char	*txt;

		f->json_heap = heap_bytes() - h0;
		txt = json_dumps(o, JSON_COMPACT);
		f->json_bytes = txt ? strlen(txt) : 0;
		free(txt);
		json_decref(o);
	}
	check_free(c);
	dns_resolver_free(res);
}

static double
single_check(struct addr *a, int *ok, double *cpu)
{
	struct check_params	 p;
	struct check		*c;
	struct check_report	*rep;
	double			 ms;

	base_params(&p);
	p.target = a->host;
	p.name = a->host;
	p.host_mode = 1;
	p.use_addrs = 1;
	memcpy(&p.addrs[0], &a->ss, sizeof(a->ss));
	p.addrlens[0] = a->sslen;
	p.naddrs = 1;
	p.proto.tls_policy = TLSPOL_VERIFY;
	c = run(&p, NULL);
	rep = check_report(c);
	ms = run_ms;
	*cpu = run_cpu_ms;
	*ok = rep->nsessions == 1 &&
	    smtp_session_result(rep->sessions[0])->outcome == SMTP_OK;
	check_free(c);
	return ms;
}

static int	 conc_pending;

static void
conc_done_cb(struct check *c, void *arg)
{
	(void)c;
	(void)arg;
	if (--conc_pending == 0) {
		t_end = now_ms();
		event_base_loopbreak(base);
	}
}

/*
 * Every address probed at once, without DNS: one check per MX host
 * (its addresses given, certificate checked against the host), all
 * started together on the loop. What this machine allows for the
 * sessions of a full check alone.
 */
static double
conc_check(int *ok, double *cpu)
{
	struct check_params	 p[MAX_ADDRS];
	struct check		*c[MAX_ADDRS];
	const char		*cause;
	double			 t0, c0;
	int			 ng = 0, i, g, k;

	for (i = 0; i < naddrs; i++) {
		for (g = 0; g < ng; g++)
			if (strcmp(p[g].name, addrs[i].host) == 0)
				break;
		if (g == ng) {
			base_params(&p[g]);
			p[g].target = addrs[i].host;
			p[g].name = addrs[i].host;
			p[g].host_mode = 1;
			p[g].use_addrs = 1;
			p[g].proto.tls_policy = TLSPOL_VERIFY;
			ng++;
		}
		memcpy(&p[g].addrs[p[g].naddrs], &addrs[i].ss,
		    sizeof(addrs[i].ss));
		p[g].addrlens[p[g].naddrs++] = addrs[i].sslen;
	}
	conc_pending = ng;
	t0 = now_ms();
	c0 = cpu_ms();
	for (g = 0; g < ng; g++)
		if ((c[g] = check_start(base, NULL, tls, &p[g], NULL,
		    conc_done_cb, NULL, &cause)) == NULL) {
			fprintf(stderr, "audit_bench: check_start: %s\n", cause);
			exit(1);
		}
	event_base_dispatch(base);
	*cpu = cpu_ms() - c0;
	*ok = 1;
	for (g = 0; g < ng; g++) {
		struct check_report *rep = check_report(c[g]);

		for (k = 0; k < rep->nsessions; k++)
			if (smtp_session_result(rep->sessions[k])->outcome !=
			    SMTP_OK)
				*ok = 0;
		if (rep->nsessions != p[g].naddrs)
			*ok = 0;
		check_free(c[g]);
	}
	return t_end - t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(const double *v, int n)
{
	double	*s, m;

	if (n == 0 || (s = malloc(sizeof(*v) * (size_t)n)) == NULL)
		return 0;
	memcpy(s, v, sizeof(*v) * (size_t)n);
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

static void
save(const char *dir, const char *name, const double *v, int n)
{
	char	 path[1024];
	FILE	*f;
	int	 i;

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return;
	for (i = 0; i < n; i++)
		fprintf(f, "%.3f\n", v[i]);
	fclose(f);
}

int
main(int argc, char *argv[])
{
	static double	 full_ms[MAX_DOMAINS][MAX_ROUNDS];
	static double	 mx_ms[MAX_DOMAINS][MAX_ROUNDS];
	static double	 audit_ms[MAX_DOMAINS][MAX_ROUNDS];
	static double	 smax_ms[MAX_DOMAINS][MAX_ROUNDS];
	static double	 ratio[MAX_DOMAINS][MAX_ROUNDS];
	static double	 single_max[MAX_ROUNDS];
	static double	 conc_ms[MAX_ROUNDS], conc_cpu[MAX_ROUNDS];
	static double	 full_cpu[MAX_DOMAINS][MAX_ROUNDS];
	static double	 single_cpu[MAX_ROUNDS * MAX_ADDRS];
	int		 nscpu = 0;
	double		 cpu;
	struct full	 f;
	const char	*ca = NULL, *sdir = NULL;
	char		**domains;
	char		*cause = NULL, *eq, name[300];
	int		 ch, rounds = 20, warm = 3, ndom, r, d, i, ok, bad = 0;

	log_init(1, "audit_bench", 0);
	dns_config_init(&dcfg);
	while ((ch = getopt(argc, argv, "a:c:k:m:n:p:S:s:w:")) != -1) {
		switch (ch) {
		case 'a':
			if (naddrs == MAX_ADDRS || (eq = strchr(optarg, '=')) ==
			    NULL || (size_t)(eq - optarg) >= sizeof(addrs[0].host))
				usage();
			memcpy(addrs[naddrs].host, optarg, (size_t)(eq - optarg));
			snprintf(addrs[naddrs].text, sizeof(addrs[0].text), "%s",
			    eq + 1);
			{
				struct sockaddr_in *s4 = (void *)&addrs[naddrs].ss;
				struct sockaddr_in6 *s6 = (void *)&addrs[naddrs].ss;

				if (inet_pton(AF_INET, eq + 1, &s4->sin_addr) == 1) {
					s4->sin_family = AF_INET;
					addrs[naddrs].sslen = sizeof(*s4);
				} else if (inet_pton(AF_INET6, eq + 1,
				    &s6->sin6_addr) == 1) {
					s6->sin6_family = AF_INET6;
					addrs[naddrs].sslen = sizeof(*s6);
				} else
					usage();
			}
			naddrs++;
			break;
		case 'c':
			ca = optarg;
			break;
		case 'k':
			if (nsel == MAX_SEL)
				usage();
			selectors[nsel++] = optarg;
			break;
		case 'm':
			sts_port = atoi(optarg);
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'S':
			sdir = optarg;
			break;
		case 's':
			if (dns_config_add_server(&dcfg, optarg, &cause) == -1) {
				fprintf(stderr, "audit_bench: %s\n", cause);
				return 2;
			}
			break;
		case 'w':
			warm = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > MAX_DOMAINS || naddrs == 0 || port <= 0 ||
	    dcfg.nservers == 0 || rounds < 1 || rounds > MAX_ROUNDS ||
	    warm < 0)
		usage();
	domains = argv;
	ndom = argc;
	if ((tls = tls_ctx_new(ca, &cause)) == NULL) {
		fprintf(stderr, "audit_bench: %s\n", cause);
		return 1;
	}
	if ((base = event_base_new()) == NULL)
		return 1;

	for (r = -warm; r < rounds; r++) {
		int	 singles_first = r & 1;
		double	 mx = 0;

		if (!singles_first)
			for (d = 0; d < ndom; d++) {
				full_check(domains[d], &f);
				if (r >= 0) {
					full_ms[d][r] = f.ms;
					full_cpu[d][r] = f.cpu_ms;
					mx_ms[d][r] = f.mx_ms;
					audit_ms[d][r] = f.audit_ms;
					smax_ms[d][r] = f.sess_max_ms;
				}
				if (f.ok != f.sessions || f.sessions != naddrs)
					bad++;
			}
		for (i = 0; i < naddrs; i++) {
			double ms = single_check(&addrs[i], &ok, &cpu);

			if (!ok)
				bad++;
			if (r >= 0) {
				addrs[i].ms[r] = ms;
				single_cpu[nscpu++] = cpu;
			}
			if (ms > mx)
				mx = ms;
		}
		if (r >= 0)
			single_max[r] = mx;
		{
			double ms = conc_check(&ok, &cpu);

			if (!ok)
				bad++;
			if (r >= 0) {
				conc_ms[r] = ms;
				conc_cpu[r] = cpu;
			}
		}
		if (singles_first)
			for (d = 0; d < ndom; d++) {
				full_check(domains[d], &f);
				if (r >= 0) {
					full_ms[d][r] = f.ms;
					full_cpu[d][r] = f.cpu_ms;
					mx_ms[d][r] = f.mx_ms;
					audit_ms[d][r] = f.audit_ms;
					smax_ms[d][r] = f.sess_max_ms;
				}
				if (f.ok != f.sessions || f.sessions != naddrs)
					bad++;
			}
		if (r >= 0)
			for (d = 0; d < ndom; d++)
				ratio[d][r] = mx > 0 ? full_ms[d][r] / mx : 0;
	}

	printf("rounds=%d\nwarmup=%d\naddrs=%d\nfailed_checks=%d\n", rounds,
	    warm, naddrs, bad);
	for (i = 0; i < naddrs; i++) {
		printf("single.%s_ms=%.2f\n", addrs[i].text,
		    median(addrs[i].ms, rounds));
		snprintf(name, sizeof(name), "single.%s", addrs[i].text);
		save(sdir, name, addrs[i].ms, rounds);
	}
	printf("single.max_ms=%.2f\n", median(single_max, rounds));
	printf("single.cpu_ms=%.2f\n", median(single_cpu, nscpu));
	printf("conc.ms=%.2f\nconc.cpu_ms=%.2f\n", median(conc_ms, rounds),
	    median(conc_cpu, rounds));
	save(sdir, "conc", conc_ms, rounds);
	save(sdir, "single.max", single_max, rounds);
	for (d = 0; d < ndom; d++) {
		/* one more check tells what a check finds */
		full_check(domains[d], &f);
		printf("d%d.domain=%s\n", d, domains[d]);
		printf("d%d.sessions=%d\nd%d.ok=%d\nd%d.status=%s\n", d,
		    f.sessions, d, f.ok, d, f.status);
		printf("d%d.report_json_bytes=%zu\nd%d.report_heap_bytes=%zu\n",
		    d, f.json_bytes, d, f.json_heap);
		printf("d%d.full_ms=%.2f\n", d, median(full_ms[d], rounds));
		printf("d%d.cpu_ms=%.2f\n", d, median(full_cpu[d], rounds));
		printf("d%d.mx_ms=%.2f\n", d, median(mx_ms[d], rounds));
		printf("d%d.audit_ms=%.2f\n", d, median(audit_ms[d], rounds));
		printf("d%d.sess_max_ms=%.2f\n", d, median(smax_ms[d], rounds));
		printf("d%d.ratio=%.3f\n", d, median(ratio[d], rounds));
		printf("d%d.ratio_of_medians=%.3f\n", d,
		    median(full_ms[d], rounds) / median(single_max, rounds));
		printf("d%d.vs_conc=%.3f\n", d,
		    median(full_ms[d], rounds) / median(conc_ms, rounds));
		snprintf(name, sizeof(name), "d%d.full", d);
		save(sdir, name, full_ms[d], rounds);
		snprintf(name, sizeof(name), "d%d.mx", d);
		save(sdir, name, mx_ms[d], rounds);
	}
	tls_ctx_free(tls);
	event_base_free(base);
	return bad ? 1 : 0;
}
