/*
 * dnsq - look names up through lib/dns, for tests and measurements.
 *
 *	dnsq [-CqUv] [-s ADDR[:PORT]]... [-f resolv.conf] [-t try_ms]
 *	     [-a tries] [-T query_ms] [-m max_inflight] [-c cache_entries]
 *	     [-n count] [-p parallel] [-w ms] [-k ms] name [type]
 *
 * Prints one "status=..." line per result with its records as "rr=..."
 * lines, then the resolver counters as "stat.NAME=N" and the rate. -n
 * repeats the lookup (one at a time unless -p), -U makes every name
 * distinct ("qN." prepended) so nothing is cached or coalesced, -C turns
 * the cache off (-c bounds it), -w waits ms between lookups made one at
 * a time, -q prints only the first result, -k frees the resolver
 * after ms with lookups still outstanding. Exit 0 when every lookup got
 * a result, 1 otherwise, 2 on usage errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "dns.h"
#include "finding.h"
#include "log.h"
#include "util.h"

static struct dns_resolver *resolver;
static struct event_base *base;
static const char	*qname;
static uint16_t		 qtype;
static long		 total = 1, started, finished, parallel = 1;
static int		 quiet, unique;
static long		 wait_ms;
static struct event	*wait_ev;

static void	start_one(void);

static void
usage(void)
{
	fprintf(stderr, "usage: dnsq [-CqUv] [-s ADDR[:PORT]]... "
	    "[-f resolv.conf] [-t try_ms] [-a tries]\n"
	    "            [-T query_ms] [-m max_inflight] [-c cache_entries] "
	    "[-n count]\n"
	    "            [-p parallel] [-w ms] [-k ms] name [type]\n");
	exit(2);
}

static long
number(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		fprintf(stderr, "dnsq: bad number \"%s\"\n", s);
		exit(2);
	}
	return v;
}

static void
print_result(const struct dns_result *res)
{
	enum finding_id	 f;
	char		 ev[512], *s;
	size_t		 i, n;

	printf("status=%s name=%s type=%u rcode=%d ad=%d aa=%d ttl=%u "
	    "cache=%d tcp=%d server=%s ms=%lld cname=%s why=%s\n",
	    dns_status_name(res->status), res->name, res->type, res->rcode,
	    res->ad, res->aa, res->ttl, res->from_cache, res->tcp,
	    *res->server ? res->server : "-", (long long)res->ms,
	    res->cname != NULL ? res->cname : "-",
	    res->why != NULL ? res->why : "-");
	n = res->rrs != NULL ? ldns_rr_list_rr_count(res->rrs) : 0;
	for (i = 0; i < n; i++) {
		if ((s = ldns_rr2str(ldns_rr_list_rr(res->rrs, i))) == NULL)
			continue;
		s[strcspn(s, "\n")] = '\0';
		printf("rr=%s\n", s);
		free(s);
	}
	dns_result_evidence(res, ev, sizeof(ev));
	printf("evidence=%s\n", ev);
	if ((f = dns_status_finding(res->status)) != F_COUNT)
		printf("finding=%s\n", finding_def(f)->id);
}

static void
done_cb(const struct dns_result *res, void *arg)
{
	(void)arg;
	if (!quiet || finished == 0)
		print_result(res);
	finished++;
	if (started < total && wait_ms > 0) {
		struct timeval	 tv = { wait_ms / 1000, (wait_ms % 1000) * 1000 };

		evtimer_add(wait_ev, &tv);
	} else if (started < total)
		start_one();
	else if (finished == total)
		event_base_loopexit(base, NULL);
}

static void
start_one(void)
{
	char	 name[1100];

	if (unique)
		snprintf(name, sizeof(name), "q%ld.%s", started, qname);
	else
		snprintf(name, sizeof(name), "%s", qname);
	started++;
	if (dns_lookup(resolver, name, qtype, done_cb, NULL) == NULL) {
		fprintf(stderr, "dnsq: out of memory\n");
		exit(1);
	}
}

static void
wait_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	start_one();
}

static void
kill_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	event_base_loopexit(base, NULL);
}

static void
print_stats(const struct dns_stats *st)
{
	int	 i;

#define P(f)	printf("stat." #f "=%llu\n", (unsigned long long)st->f)
	P(lookups); P(cache_hits); P(cache_misses); P(coalesced); P(queued);
	P(sent); P(retries); P(tcp_fallbacks); P(edns_fallbacks);
	P(try_timeouts); P(timeouts); P(net_errors); P(dropped_id);
	P(dropped_question); P(dropped_source); P(dropped_malformed);
	P(cache_evictions); P(inflight); P(inflight_peak); P(waiting);
	P(cache_entries); P(cache_bytes);
#undef P
	for (i = 0; i < DNS_STATUS_COUNT; i++)
		printf("stat.status.%s=%llu\n", dns_status_name(i),
		    (unsigned long long)st->status[i]);
}

int
main(int argc, char *argv[])
{
	struct dns_config	 cfg;
	struct event		*kill_ev = NULL;
	struct timeval		 tv;
	const char		*resolv = NULL;
	char			*cause = NULL;
	int64_t			 t0, t1;
	long			 kill_ms = -1, i;
	int			 ch, nocache = 0;

	dns_config_init(&cfg);
	while ((ch = getopt(argc, argv, "Ca:c:f:k:m:n:p:qs:T:t:Uvw:")) != -1) {
		switch (ch) {
		case 'C':
			nocache = 1;
			break;
		case 'a':
			cfg.tries = (int)number(optarg, 1, 16);
			break;
		case 'c':
			cfg.cache_entries = (size_t)number(optarg, 0, 10000000);
			break;
		case 'f':
			resolv = optarg;
			break;
		case 'k':
			kill_ms = number(optarg, 0, 3600000);
			break;
		case 'm':
			cfg.max_inflight = (size_t)number(optarg, 1, 100000);
			break;
		case 'n':
			total = number(optarg, 1, 100000000);
			break;
		case 'p':
			parallel = number(optarg, 1, 100000);
			break;
		case 'q':
			quiet = 1;
			break;
		case 's':
			if (dns_config_add_server(&cfg, optarg, &cause) == -1) {
				fprintf(stderr, "dnsq: %s\n", cause);
				return 2;
			}
			break;
		case 'T':
			cfg.query_ms = (int)number(optarg, 1, 3600000);
			break;
		case 't':
			cfg.try_ms = (int)number(optarg, 1, 600000);
			break;
		case 'U':
			unique = 1;
			break;
		case 'v':
			log_setverbose(1);
			break;
		case 'w':
			wait_ms = number(optarg, 0, 600000);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2)
		usage();
	qname = argv[0];
	qtype = LDNS_RR_TYPE_A;
	if (argc == 2 && (qtype = (uint16_t)ldns_get_rr_type_by_name(argv[1]))
	    == 0) {
		fprintf(stderr, "dnsq: unknown type \"%s\"\n", argv[1]);
		return 2;
	}
	if (nocache)
		cfg.cache_entries = 0;
	if ((resolv != NULL || cfg.nservers == 0) &&
	    dns_config_resolv_conf(&cfg, resolv ? resolv : "/etc/resolv.conf",
	    &cause) == -1) {
		fprintf(stderr, "dnsq: %s\n", cause);
		return 1;
	}
	if ((base = event_base_new()) == NULL) {
		fprintf(stderr, "dnsq: event_base_new failed\n");
		return 1;
	}
	if ((resolver = dns_resolver_new(base, &cfg, &cause)) == NULL) {
		fprintf(stderr, "dnsq: %s\n", cause);
		return 1;
	}
	if ((wait_ev = evtimer_new(base, wait_cb, NULL)) == NULL) {
		fprintf(stderr, "dnsq: evtimer_new failed\n");
		return 1;
	}
	if (kill_ms >= 0) {
		kill_ev = evtimer_new(base, kill_cb, NULL);
		tv.tv_sec = kill_ms / 1000;
		tv.tv_usec = (kill_ms % 1000) * 1000;
		evtimer_add(kill_ev, &tv);
	}

	t0 = util_now_us();
	for (i = 0; i < parallel && started < total; i++)
		start_one();
	event_base_dispatch(base);
	t1 = util_now_us();

	print_stats(dns_resolver_stats(resolver));
	printf("lookups=%ld finished=%ld elapsed_ms=%lld rate=%.0f\n", started,
	    finished, (long long)((t1 - t0) / 1000),
	    t1 > t0 ? (double)finished * 1e6 / (double)(t1 - t0) : 0.0);
	dns_resolver_free(resolver);
	if (kill_ev != NULL)
		event_free(kill_ev);
	event_free(wait_ev);
	event_base_free(base);
	return finished == total ? 0 : 1;
}
