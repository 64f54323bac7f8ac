/*
 * smtprobe.c - the command line: `smtprobe check HOST[:PORT]`.
 *
 * The host name is resolved before the loop starts (the asynchronous
 * resolver arrives with domain mode); then every address and port gets a
 * session probe, concurrently on one libevent loop, and one report.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "finding.h"
#include "log.h"
#include "report.h"
#include "smtp.h"
#include "tls.h"
#include "util.h"

#define MAX_ADDRS	32
#define MAX_PORTS	16
#define MAX_RCPTS	64
#define MAX_INFLIGHT	16
#define DEFAULT_RELAY_RCPT "smtprobe-relay-test@example.net"

enum out_mode { OUT_HUMAN, OUT_JSON, OUT_NAGIOS };

struct check {
	struct event_base	*base;
	struct smtp_params	 proto;		/* shared parameters */
	struct sockaddr_storage	 addrs[MAX_ADDRS];
	socklen_t		 addrlens[MAX_ADDRS];
	int			 naddrs;
	int			 ports[MAX_PORTS];
	int			 nports;
	int			 implicit_all;	/* --implicit-tls */
	struct report		 rep;
	int			 next;		/* next (addr, port) to start */
	int			 inflight;
	int			 ended;
};

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr,
	    "usage: smtprobe check [-46v] [-p ports] [--tls none|may|encrypt|verify]\n"
	    "                [--helo name] [--mail-from addr] [--rcpt addr]\n"
	    "                [--rcpt-reject addr] [--relay-test[=addr]] [--ca-file file]\n"
	    "                [--timeout phase=seconds] [--slow phase=seconds]\n"
	    "                [--expiry-warn days] [--expiry-crit days] [--implicit-tls]\n"
	    "                [--name name] [--addr address] [--json | --nagios]\n"
	    "                host[:port]\n");
	exit(3);
}

static __attribute__((noreturn, format(printf, 1, 2))) void
die_usage(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "smtprobe: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(3);
}

static int
parse_port(const char *s)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < 1 || v > 65535)
		return -1;
	return (int)v;
}

static void
parse_ports(struct check *c, const char *list)
{
	char	*dup, *tok, *save = NULL;
	int	 port;

	if ((dup = strdup(list)) == NULL)
		fatal("strdup");
	c->nports = 0;
	for (tok = strtok_r(dup, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((port = parse_port(tok)) == -1)
			die_usage("-p: bad port \"%s\"", tok);
		if (c->nports == MAX_PORTS)
			die_usage("-p: more than %d ports", MAX_PORTS);
		c->ports[c->nports++] = port;
	}
	free(dup);
	if (c->nports == 0)
		die_usage("-p: no port given");
}

static double
parse_seconds(const char *opt, const char *s)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || !(v > 0) || v > 3600)
		die_usage("%s: \"%s\" is not a number of seconds in (0, 3600]",
		    opt, s);
	return v;
}

/* "phase=seconds" or "all=seconds" into ms[] */
static void
parse_phase_secs(const char *opt, const char *arg, int *ms)
{
	char		 name[32];
	const char	*eq = strchr(arg, '=');
	int		 ph, i, v;

	if (eq == NULL || (size_t)(eq - arg) >= sizeof(name))
		die_usage("%s: expected PHASE=SECONDS, got \"%s\"", opt, arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	v = (int)(parse_seconds(opt, eq + 1) * 1000 + 0.5);
	if (v < 1)
		v = 1;
	if (strcmp(name, "all") == 0) {
		for (i = 0; i < PH_COUNT; i++)
			ms[i] = v;
		return;
	}
	if ((ph = smtp_phase_lookup(name)) == -1)
		die_usage("%s: unknown phase \"%s\" (connect, banner, ehlo, helo,"
		    " starttls, tls, ehlo2, mail, rcpt, rset, quit or all)", opt,
		    name);
	ms[ph] = v;
	/* the second EHLO is an EHLO too */
	if (ph == PH_EHLO)
		ms[PH_EHLO2] = v;
}

static int
parse_days(const char *opt, const char *s)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < 0 || v > 3650)
		die_usage("%s: \"%s\" is not a number of days", opt, s);
	return (int)v;
}

static int
add_numeric(struct check *c, const char *s)
{
	struct sockaddr_in	*s4;
	struct sockaddr_in6	*s6;
	struct sockaddr_storage	*ss;

	if (c->naddrs == MAX_ADDRS)
		die_usage("more than %d addresses", MAX_ADDRS);
	ss = &c->addrs[c->naddrs];
	memset(ss, 0, sizeof(*ss));
	s4 = (struct sockaddr_in *)ss;
	s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		c->addrlens[c->naddrs++] = sizeof(*s4);
		return 0;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		c->addrlens[c->naddrs++] = sizeof(*s6);
		return 0;
	}
	return -1;
}

/*
 * Resolve the host before the loop runs. Failure is a DNS finding on
 * the report, not a usage error.
 */
static void
resolve(struct check *c, const char *host, int family)
{
	struct addrinfo	 hints, *res, *ai;
	int		 e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		if (e == EAI_NONAME || e == EAI_NODATA)
			finding_add(&c->rep.findings, F_DNS_NXDOMAIN, -1, host,
			    NULL, 0, "%s: %s", host, gai_strerror(e));
		else if (e == EAI_AGAIN)
			finding_add(&c->rep.findings, F_DNS_SERVFAIL, -1, host,
			    NULL, 0, "%s: %s", host, gai_strerror(e));
		else {
			c->rep.unknown = 1;
			snprintf(c->rep.error, sizeof(c->rep.error),
			    "cannot resolve %s: %s", host, gai_strerror(e));
		}
		return;
	}
	for (ai = res; ai != NULL && c->naddrs < MAX_ADDRS; ai = ai->ai_next) {
		int	 dup = 0, i;

		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		for (i = 0; i < c->naddrs; i++)
			if (c->addrlens[i] == ai->ai_addrlen &&
			    memcmp(&c->addrs[i], ai->ai_addr, ai->ai_addrlen) == 0)
				dup = 1;
		if (dup)
			continue;
		memcpy(&c->addrs[c->naddrs], ai->ai_addr, ai->ai_addrlen);
		c->addrlens[c->naddrs++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
}

static void	start_more(struct check *);

static void
session_done(struct smtp_session *s, void *arg)
{
	struct check	*c = arg;

	(void)s;
	c->inflight--;
	c->ended++;
	start_more(c);
	if (c->inflight == 0 && c->next >= c->naddrs * c->nports)
		event_base_loopexit(c->base, NULL);
}

static void
start_more(struct check *c)
{
	struct smtp_params	 p;
	struct smtp_session	*s;
	const char		*cause;
	int			 ai, pi, port;

	while (c->inflight < MAX_INFLIGHT && c->next < c->naddrs * c->nports) {
		ai = c->next / c->nports;
		pi = c->next % c->nports;
		port = c->ports[pi];
		p = c->proto;
		memcpy(&p.ss, &c->addrs[ai], sizeof(p.ss));
		p.sslen = c->addrlens[ai];
		if (p.ss.ss_family == AF_INET)
			((struct sockaddr_in *)&p.ss)->sin_port = htons(port);
		else
			((struct sockaddr_in6 *)&p.ss)->sin6_port = htons(port);
		p.implicit_tls = c->implicit_all || port == 465;
		/* 465 is submissions, RFC 8314; 587 is submission, RFC 6409 */
		p.submission = port == 587 || port == 465;
		s = smtp_session_start(c->base, &p, session_done, c, &cause);
		c->next++;
		if (s == NULL) {
			log_warnx("cannot start a session: %s", cause);
			continue;
		}
		c->rep.sessions[c->rep.nsessions++] = s;
		c->inflight++;
	}
}

/*
 * net.ipv6.broken: on one port, every IPv6 address failed at the network
 * level while an IPv4 address connected.
 */
static void
check_ipv6(struct check *c)
{
	int	 pi, i;

	for (pi = 0; pi < c->nports; pi++) {
		int	 v4ok = 0, v6 = 0, v6bad = 0;
		char	 ev[300] = "";

		for (i = 0; i < c->rep.nsessions; i++) {
			const struct smtp_params *p =
			    smtp_session_params(c->rep.sessions[i]);
			const struct smtp_result *r =
			    smtp_session_result(c->rep.sessions[i]);

			if (r->port != c->ports[pi])
				continue;
			if (p->ss.ss_family == AF_INET && r->outcome != SMTP_NET &&
			    !(r->outcome == SMTP_TIMEOUT && r->nsteps <= 1))
				v4ok = 1;
			if (p->ss.ss_family == AF_INET6) {
				v6++;
				if (r->outcome == SMTP_NET ||
				    (r->outcome == SMTP_TIMEOUT &&
				    r->nsteps <= 1)) {
					v6bad++;
					if (strlen(ev) + strlen(r->remote) + 4 <
					    sizeof(ev)) {
						strcat(ev, ev[0] ? ", " : "");
						strcat(ev, r->remote);
					}
				}
			}
		}
		if (v4ok && v6 > 0 && v6bad == v6)
			finding_add(&c->rep.findings, F_NET_IPV6_BROKEN, -1,
			    c->rep.host, NULL, c->ports[pi], "port %d: IPv6 "
			    "%s failed to connect while IPv4 works",
			    c->ports[pi], ev);
	}
}

static int
cmd_check(int argc, char **argv)
{
	static struct smtp_rcpt_test rcpts[MAX_RCPTS];
	enum {
		O_TLS = 256, O_HELO, O_MAILFROM, O_RCPT, O_RCPTREJ, O_RELAY,
		O_CAFILE, O_TIMEOUT, O_SLOW, O_EXPW, O_EXPC, O_IMPLICIT,
		O_NAME, O_ADDR, O_JSON, O_NAGIOS,
	};
	static const struct option longopts[] = {
		{ "ports",	 required_argument, NULL, 'p' },
		{ "tls",	 required_argument, NULL, O_TLS },
		{ "helo",	 required_argument, NULL, O_HELO },
		{ "mail-from",	 required_argument, NULL, O_MAILFROM },
		{ "rcpt",	 required_argument, NULL, O_RCPT },
		{ "rcpt-reject", required_argument, NULL, O_RCPTREJ },
		{ "relay-test",	 optional_argument, NULL, O_RELAY },
		{ "ca-file",	 required_argument, NULL, O_CAFILE },
		{ "timeout",	 required_argument, NULL, O_TIMEOUT },
		{ "slow",	 required_argument, NULL, O_SLOW },
		{ "expiry-warn", required_argument, NULL, O_EXPW },
		{ "expiry-crit", required_argument, NULL, O_EXPC },
		{ "implicit-tls", no_argument,	    NULL, O_IMPLICIT },
		{ "name",	 required_argument, NULL, O_NAME },
		{ "addr",	 required_argument, NULL, O_ADDR },
		{ "json",	 no_argument,	    NULL, O_JSON },
		{ "nagios",	 no_argument,	    NULL, O_NAGIOS },
		{ NULL, 0, NULL, 0 }
	};
	static struct check c;
	static char	 hostbuf[256], helobuf[256];
	const char	*ca_file = NULL, *name = NULL, *relay = NULL;
	const char	*addrs[MAX_ADDRS];
	char		*cause, *target, *colon;
	struct tls_ctx	*tls = NULL;
	enum out_mode	 out = OUT_HUMAN;
	int		 ch, family = AF_UNSPEC, naddrs = 0, nr = 0, i, rv;
	int		 ports_given = 0, relay_test = 0, pol;

	memset(&c, 0, sizeof(c));
	smtp_params_defaults(&c.proto);
	if (gethostname(helobuf, sizeof(helobuf)) == 0 && helobuf[0] != '\0')
		c.proto.helo = helobuf;
	c.ports[0] = 25;
	c.nports = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "46p:v", longopts, NULL)) != -1) {
		switch (ch) {
		case '4':
			family = AF_INET;
			break;
		case '6':
			family = AF_INET6;
			break;
		case 'p':
			parse_ports(&c, optarg);
			ports_given = 1;
			break;
		case 'v':
			log_setverbose(1);
			break;
		case O_TLS:
			if ((pol = smtp_tls_policy_lookup(optarg)) == -1 ||
			    pol == TLSPOL_DANE)
				die_usage("--tls: \"%s\" is not none, may, encrypt"
				    " or verify", optarg);
			c.proto.tls_policy = (enum tls_policy)pol;
			break;
		case O_HELO:
			c.proto.helo = optarg;
			break;
		case O_MAILFROM:
			c.proto.mail_from = optarg;
			break;
		case O_RCPT:
		case O_RCPTREJ:
			if (nr == MAX_RCPTS)
				die_usage("more than %d RCPT tests", MAX_RCPTS);
			rcpts[nr].addr = optarg;
			rcpts[nr++].expect = ch == O_RCPT ? RCPT_EXPECT_ACCEPT :
			    RCPT_EXPECT_REJECT;
			break;
		case O_RELAY:
			relay_test = 1;
			relay = optarg;
			break;
		case O_CAFILE:
			ca_file = optarg;
			break;
		case O_TIMEOUT:
			parse_phase_secs("--timeout", optarg, c.proto.timeout_ms);
			break;
		case O_SLOW:
			parse_phase_secs("--slow", optarg, c.proto.slow_ms);
			break;
		case O_EXPW:
			c.proto.expiry_warn_days = parse_days("--expiry-warn",
			    optarg);
			break;
		case O_EXPC:
			c.proto.expiry_crit_days = parse_days("--expiry-crit",
			    optarg);
			break;
		case O_IMPLICIT:
			c.implicit_all = 1;
			break;
		case O_NAME:
			name = optarg;
			break;
		case O_ADDR:
			if (naddrs == MAX_ADDRS)
				die_usage("more than %d --addr", MAX_ADDRS);
			addrs[naddrs++] = optarg;
			break;
		case O_JSON:
			out = OUT_JSON;
			break;
		case O_NAGIOS:
			out = OUT_NAGIOS;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	if (relay_test) {
		if (nr == MAX_RCPTS)
			die_usage("more than %d RCPT tests", MAX_RCPTS);
		rcpts[nr].addr = relay ? relay : DEFAULT_RELAY_RCPT;
		rcpts[nr++].expect = RCPT_EXPECT_RELAY_REJECT;
	}
	for (i = 0; i < nr; i++)
		if (strpbrk(rcpts[i].addr, "<>\r\n ") != NULL ||
		    strlen(rcpts[i].addr) > 254)
			die_usage("bad recipient address \"%s\"", rcpts[i].addr);
	if (strpbrk(c.proto.mail_from, "<>\r\n ") != NULL ||
	    strlen(c.proto.mail_from) > 254)
		die_usage("--mail-from: bad address \"%s\"", c.proto.mail_from);
	if (strpbrk(c.proto.helo, "\r\n ") != NULL || *c.proto.helo == '\0' ||
	    strlen(c.proto.helo) > 255)
		die_usage("--helo: bad name \"%s\"", c.proto.helo);
	c.proto.rcpts = rcpts;
	c.proto.nrcpts = nr;

	/* host[:port], [v6]:port, or a bare IPv6 address */
	target = argv[0];
	if (strlen(target) >= sizeof(hostbuf))
		die_usage("host name too long");
	if (target[0] == '[') {
		char *rb = strchr(target, ']');

		if (rb == NULL)
			die_usage("\"%s\": missing ']'", target);
		memcpy(hostbuf, target + 1, (size_t)(rb - target - 1));
		hostbuf[rb - target - 1] = '\0';
		if (rb[1] == ':') {
			if ((c.ports[0] = parse_port(rb + 2)) == -1)
				die_usage("\"%s\": bad port", target);
			if (!ports_given)
				c.nports = 1;
			else
				die_usage("give the port either in HOST:PORT or "
				    "with -p");
		} else if (rb[1] != '\0')
			die_usage("\"%s\": junk after ']'", target);
	} else if ((colon = strchr(target, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		memcpy(hostbuf, target, (size_t)(colon - target));
		hostbuf[colon - target] = '\0';
		if (ports_given)
			die_usage("give the port either in HOST:PORT or with -p");
		if ((c.ports[0] = parse_port(colon + 1)) == -1)
			die_usage("\"%s\": bad port", target);
		c.nports = 1;
	} else
		util_strlcpy(hostbuf, target, sizeof(hostbuf));
	if (hostbuf[0] == '\0')
		die_usage("empty host");

	c.rep.target = argv[0];
	c.rep.host = name ? name : hostbuf;
	c.proto.host = c.rep.host;

	for (i = 0; i < naddrs; i++)
		if (add_numeric(&c, addrs[i]) == -1)
			die_usage("--addr: \"%s\" is not an IPv4 or IPv6 address",
			    addrs[i]);
	if (naddrs == 0 && add_numeric(&c, hostbuf) == -1)
		resolve(&c, hostbuf, family);
	/* -4 / -6 filter explicit and literal addresses too */
	if (family != AF_UNSPEC) {
		int	 j = 0;

		for (i = 0; i < c.naddrs; i++)
			if (c.addrs[i].ss_family == family) {
				c.addrs[j] = c.addrs[i];
				c.addrlens[j++] = c.addrlens[i];
			}
		c.naddrs = j;
	}
	if (c.naddrs == 0 && c.rep.findings.n == 0 && !c.rep.unknown) {
		c.rep.unknown = 1;
		snprintf(c.rep.error, sizeof(c.rep.error),
		    "%s has no %saddress", hostbuf, family == AF_INET ? "IPv4 " :
		    family == AF_INET6 ? "IPv6 " : "");
	}

	/* even with --tls none: port 465 speaks TLS from the first byte */
	if ((tls = tls_ctx_new(ca_file, &cause)) == NULL) {
		fprintf(stderr, "smtprobe: %s\n", cause);
		return 3;
	}
	c.proto.tls = tls;

	signal(SIGPIPE, SIG_IGN);
	if ((c.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	c.rep.sessions = calloc((size_t)(c.naddrs * c.nports) + 1,
	    sizeof(*c.rep.sessions));
	if (c.rep.sessions == NULL)
		fatal("calloc");
	start_more(&c);
	if (c.inflight > 0)
		event_base_dispatch(c.base);

	for (i = 0; i < c.rep.nsessions; i++)
		smtp_session_take_findings(c.rep.sessions[i], &c.rep.findings);
	check_ipv6(&c);
	c.rep.worst = finding_worst(&c.rep.findings);

	switch (out) {
	case OUT_JSON:
		render_json(stdout, &c.rep);
		break;
	case OUT_NAGIOS:
		render_nagios(stdout, &c.rep);
		break;
	default:
		render_human(stdout, &c.rep, isatty(STDOUT_FILENO) &&
		    getenv("NO_COLOR") == NULL);
		break;
	}
	fflush(stdout);
	rv = report_exit(&c.rep);

	for (i = 0; i < c.rep.nsessions; i++)
		smtp_session_free(c.rep.sessions[i]);
	free(c.rep.sessions);
	finding_list_free(&c.rep.findings);
	tls_ctx_free(tls);
	event_base_free(c.base);
	return rv;
}

int
main(int argc, char *argv[])
{
	log_init(1, "smtprobe", 0);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		usage();
	fprintf(stderr, "smtprobe: unknown command \"%s\"\n", argv[1]);
	usage();
}
