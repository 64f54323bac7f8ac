/*
 * smtprobe.c - the command line: `smtprobe check TARGET`.
 *
 * A domain target is audited (lib/audit.c: MX, addresses, TLSA, the
 * mail-DNS records) and every address of every MX host gets a session
 * probe on every port; a host target (-H, "host:", HOST:PORT, an
 * address, --addr) is probed directly. Everything runs on one libevent
 * loop with the asynchronous resolver: nothing blocks.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "audit.h"
#include "check.h"
#include "client.h"
#include "dns.h"
#include "finding.h"
#include "log.h"
#include "render.h"
#include "smtp.h"
#include "tls.h"
#include "util.h"

#define MAX_ADDRS	CHECK_ADDRS_MAX
#define MAX_PORTS	CHECK_PORTS_MAX
#define MAX_RCPTS	64
#define MAX_LIST	32	/* selectors, SPF addresses, DNSBL zones */
#define DEFAULT_RELAY_RCPT "relay-test@smtprobe-relay.example"
#define RESOLV_CONF	"/etc/resolv.conf"

enum out_mode { OUT_HUMAN, OUT_JSON, OUT_NAGIOS };

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr,
	    "usage: smtprobe check [-46Hv] [-p ports] [--tls none|may|encrypt|verify|dane]\n"
	    "                [--helo name] [--mail-from addr] [--rcpt addr]\n"
	    "                [--rcpt-reject addr] [--relay-test[=addr]] [--ca-file file]\n"
	    "                [--timeout phase=seconds] [--slow phase=seconds]\n"
	    "                [--expiry-warn days] [--expiry-crit days] [--implicit-tls]\n"
	    "                [--name name] [--addr address] [--json | --nagios]\n"
	    "                [--resolver addr[:port]] [--dns-only | --no-dns]\n"
	    "                [--dkim-selector sel] [--dkim-key sel=pemfile]\n"
	    "                [--spf-ip addr] [--dnsbl zone] [--mta-sts-port port]\n"
	    "                [--allow-private] domain | host[:port]\n");
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
parse_ports(struct check_params *c, const char *list)
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
add_numeric(struct check_params *c, const char *s)
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

static void
check_done(struct check *chk, void *arg)
{
	(void)chk;
	event_base_loopexit(arg, NULL);
}

/* A signer's key for --dkim-key: one that cannot be read is a usage error. */
static void
read_key(const char *path, struct dkim_pubkey *key)
{
	char	*cause = NULL;

	if (dkim_pubkey_read_file(path, key, &cause) == -1)
		die_usage("--dkim-key: %s", cause != NULL ? cause :
		    "out of memory");
}

static int
cmd_check(int argc, char **argv)
{
	static struct smtp_rcpt_test rcpts[MAX_RCPTS];
	enum {
		O_TLS = 256, O_HELO, O_MAILFROM, O_RCPT, O_RCPTREJ, O_RELAY,
		O_CAFILE, O_TIMEOUT, O_SLOW, O_EXPW, O_EXPC, O_IMPLICIT,
		O_NAME, O_ADDR, O_JSON, O_NAGIOS, O_RESOLVER, O_DNSONLY,
		O_NODNS, O_DKIMSEL, O_DKIMKEY, O_SPFIP, O_DNSBL, O_MTASTSPORT,
		O_ALLOWPRIV,
	};
	static const struct option longopts[] = {
		{ "ports",	 required_argument, NULL, 'p' },
		{ "host",	 no_argument,	    NULL, 'H' },
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
		{ "resolver",	 required_argument, NULL, O_RESOLVER },
		{ "dns-only",	 no_argument,	    NULL, O_DNSONLY },
		{ "no-dns",	 no_argument,	    NULL, O_NODNS },
		{ "dkim-selector", required_argument, NULL, O_DKIMSEL },
		{ "dkim-key",	 required_argument, NULL, O_DKIMKEY },
		{ "spf-ip",	 required_argument, NULL, O_SPFIP },
		{ "dnsbl",	 required_argument, NULL, O_DNSBL },
		{ "mta-sts-port", required_argument, NULL, O_MTASTSPORT },
		{ "allow-private", no_argument,	    NULL, O_ALLOWPRIV },
		{ NULL, 0, NULL, 0 }
	};
	static struct check_params c;
	static char	 hostbuf[256], helobuf[256];
	static const char *selectors[MAX_LIST], *spf_ips[MAX_LIST];
	static const char *dnsbl[MAX_LIST];
	static struct audit_dkim_key keys[MAX_LIST];
	static struct dns_config dcfg;
	struct audit_params *ap = &c.audit;
	struct dns_resolver *res = NULL;
	struct event_base *base;
	struct check	*chk;
	struct check_report *rep;
	const char	*ca_file = NULL, *name = NULL, *relay = NULL;
	const char	*addrs[MAX_ADDRS], *acause;
	char		*cause, *target, *colon;
	struct tls_ctx	*tls = NULL;
	enum out_mode	 out = OUT_HUMAN;
	int		 ch, family = AF_UNSPEC, naddrs = 0, nr = 0, i, rv;
	int		 ports_given = 0, relay_test = 0, pol, host_mode = 0;
	int		 nsel = 0, nspf = 0, nbl = 0, nkeys = 0, mtasts_port = 443;
	int		 no_dns = 0, allow_private = 0, nresolvers = 0;
	int		 literal = 0;

	memset(&c, 0, sizeof(c));
	smtp_params_defaults(&c.proto);
	dns_config_init(&dcfg);
	if (gethostname(helobuf, sizeof(helobuf)) == 0 && helobuf[0] != '\0')
		c.proto.helo = helobuf;
	c.ports[0] = 25;
	c.nports = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "46Hp:v", longopts, NULL)) != -1) {
		switch (ch) {
		case '4':
			family = AF_INET;
			break;
		case '6':
			family = AF_INET6;
			break;
		case 'H':
			host_mode = 1;
			break;
		case 'p':
			parse_ports(&c, optarg);
			ports_given = 1;
			break;
		case 'v':
			log_setverbose(1);
			break;
		case O_TLS:
			if ((pol = smtp_tls_policy_lookup(optarg)) == -1)
				die_usage("--tls: \"%s\" is not none, may, encrypt,"
				    " verify or dane", optarg);
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
		case O_RESOLVER:
			if (dns_config_add_server(&dcfg, optarg, &cause) == -1)
				die_usage("--resolver: %s", cause);
			nresolvers++;
			break;
		case O_DNSONLY:
			c.dns_only = 1;
			break;
		case O_NODNS:
			no_dns = 1;
			break;
		case O_DKIMSEL:
			if (nsel == MAX_LIST)
				die_usage("more than %d --dkim-selector", MAX_LIST);
			if (strpbrk(optarg, " ./\\") != NULL || !*optarg ||
			    strlen(optarg) > 63)
				die_usage("--dkim-selector: bad selector \"%s\"",
				    optarg);
			selectors[nsel++] = optarg;
			break;
		case O_DKIMKEY: {
			char *eq = strchr(optarg, '=');

			if (eq == NULL || eq == optarg || eq[1] == '\0')
				die_usage("--dkim-key: expected SELECTOR=PEMFILE");
			if (nkeys == MAX_LIST)
				die_usage("more than %d --dkim-key", MAX_LIST);
			*eq = '\0';
			keys[nkeys].selector = optarg;
			keys[nkeys].path = eq + 1;
			read_key(eq + 1, &keys[nkeys].key);
			nkeys++;
			for (i = 0; i < nsel; i++)
				if (strcmp(selectors[i], optarg) == 0)
					break;
			if (i == nsel && nsel < MAX_LIST)
				selectors[nsel++] = optarg;
			break;
		}
		case O_SPFIP: {
			unsigned char	 b[16];

			if (nspf == MAX_LIST)
				die_usage("more than %d --spf-ip", MAX_LIST);
			if (inet_pton(AF_INET, optarg, b) != 1 &&
			    inet_pton(AF_INET6, optarg, b) != 1)
				die_usage("--spf-ip: \"%s\" is not an address",
				    optarg);
			spf_ips[nspf++] = optarg;
			break;
		}
		case O_DNSBL:
			if (nbl == MAX_LIST)
				die_usage("more than %d --dnsbl", MAX_LIST);
			dnsbl[nbl++] = optarg;
			break;
		case O_MTASTSPORT:
			if ((mtasts_port = parse_port(optarg)) == -1)
				die_usage("--mta-sts-port: bad port \"%s\"", optarg);
			break;
		case O_ALLOWPRIV:
			allow_private = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	if (c.dns_only && no_dns)
		die_usage("--dns-only and --no-dns exclude each other");
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

	/* host:NAME, host[:port], [v6]:port, a bare IPv6 address, a domain */
	target = argv[0];
	if (strncmp(target, "host:", 5) == 0) {
		host_mode = 1;
		target += 5;
	}
	if (strlen(target) >= sizeof(hostbuf))
		die_usage("host name too long");
	if (target[0] == '[') {
		char *rb = strchr(target, ']');

		if (rb == NULL)
			die_usage("\"%s\": missing ']'", target);
		memcpy(hostbuf, target + 1, (size_t)(rb - target - 1));
		hostbuf[rb - target - 1] = '\0';
		if (rb[1] == ':') {
			if (ports_given)
				die_usage("give the port either in HOST:PORT or "
				    "with -p");
			if ((c.ports[0] = parse_port(rb + 2)) == -1)
				die_usage("\"%s\": bad port", target);
			c.nports = 1;
		} else if (rb[1] != '\0')
			die_usage("\"%s\": junk after ']'", target);
		host_mode = 1;
	} else if ((colon = strchr(target, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		memcpy(hostbuf, target, (size_t)(colon - target));
		hostbuf[colon - target] = '\0';
		if (ports_given)
			die_usage("give the port either in HOST:PORT or with -p");
		if ((c.ports[0] = parse_port(colon + 1)) == -1)
			die_usage("\"%s\": bad port", target);
		c.nports = 1;
		host_mode = 1;
	} else
		util_strlcpy(hostbuf, target, sizeof(hostbuf));
	if (hostbuf[0] == '\0')
		die_usage("empty host");

	c.target = argv[0];
	/* --name: what certificates must show and SNI, not what is resolved */
	c.name = hostbuf;
	c.cert_name = name;
	c.proto.host = name ? name : hostbuf;

	/* addresses given: probe exactly those, no DNS at all */
	for (i = 0; i < naddrs; i++)
		if (add_numeric(&c, addrs[i]) == -1)
			die_usage("--addr: \"%s\" is not an IPv4 or IPv6 address",
			    addrs[i]);
	if (naddrs == 0 && add_numeric(&c, hostbuf) == 0)
		literal = 1;
	if (naddrs > 0 || literal || name != NULL)
		host_mode = 1;
	if (c.dns_only && (naddrs > 0 || literal))
		die_usage("--dns-only needs a domain or host name");
	if (family != AF_UNSPEC) {
		int	 j = 0;

		for (i = 0; i < c.naddrs; i++)
			if (c.addrs[i].ss_family == family) {
				c.addrs[j] = c.addrs[i];
				c.addrlens[j++] = c.addrlens[i];
			}
		c.naddrs = j;
	}

	/* even with --tls none: port 465 speaks TLS from the first byte */
	if ((tls = tls_ctx_new(ca_file, &cause)) == NULL) {
		fprintf(stderr, "smtprobe: %s\n", cause);
		return 3;
	}

	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	c.use_addrs = naddrs > 0 || literal;
	c.host_mode = host_mode;
	if (!c.use_addrs) {
		if (nresolvers == 0 &&
		    dns_config_resolv_conf(&dcfg, RESOLV_CONF, &cause) == -1)
			die_usage("%s", cause);
		if ((res = dns_resolver_new(base, &dcfg, &cause)) == NULL) {
			fprintf(stderr, "smtprobe: resolver: %s\n", cause);
			return 3;
		}
	}
	ap->family = family;
	ap->dkim_selectors = selectors;
	ap->ndkim = nsel;
	ap->dkim_keys = keys;
	ap->ndkim_keys = nkeys;
	ap->spf_ips = spf_ips;
	ap->nspf_ips = nspf;
	ap->dnsbl_zones = dnsbl;
	ap->ndnsbl = nbl;
	ap->mtasts_port = mtasts_port;
	ap->fetch_timeout_ms = c.proto.timeout_ms[PH_CONNECT] < 10000 ?
	    c.proto.timeout_ms[PH_CONNECT] * 2 : 20000;
	ap->allow_private = allow_private;
	ap->minimal = no_dns;
	if ((chk = check_start(base, res, tls, &c, NULL, check_done, base,
	    &acause)) == NULL) {
		fprintf(stderr, "smtprobe: %s\n", acause);
		return 3;
	}
	event_base_dispatch(base);
	rep = check_report(chk);

	switch (out) {
	case OUT_JSON:
		render_json(stdout, rep);
		break;
	case OUT_NAGIOS:
		render_nagios(stdout, rep);
		break;
	default:
		render_human(stdout, rep, isatty(STDOUT_FILENO) &&
		    getenv("NO_COLOR") == NULL);
		break;
	}
	fflush(stdout);
	rv = check_exit(rep);

	check_free(chk);
	dns_resolver_free(res);
	tls_ctx_free(tls);
	event_base_free(base);
	for (i = 0; i < nkeys; i++)
		dkim_pubkey_free(&keys[i].key);
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
	if (strcmp(argv[1], "status") == 0 || strcmp(argv[1], "targets") == 0 ||
	    strcmp(argv[1], "show") == 0 || strcmp(argv[1], "history") == 0 ||
	    strcmp(argv[1], "probe") == 0 || strcmp(argv[1], "follow") == 0 ||
	    strcmp(argv[1], "reload") == 0)
		return client_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		usage();
	fprintf(stderr, "smtprobe: unknown command \"%s\"\n", argv[1]);
	usage();
}
