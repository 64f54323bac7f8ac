/*
 * smtprobe.c - the command line: `smtprobe check TARGET`, and the
 * commands that talk to a running smtprobed (client.c).
 *
 * A domain target is audited (lib/audit.c: MX, addresses, TLSA, the
 * mail-DNS records) and every address of every MX host gets a session
 * probe on every port; a host target (-H, "host:", HOST:PORT, an
 * address, addr or name) is probed directly. Everything runs on one
 * libevent loop with the asynchronous resolver: nothing blocks.
 *
 * What a check does is a target's settings (lib/target.c): each is an
 * option of its own name (--tls verify), and -o takes any of them
 * (-o tls=verify), as smtprobed.conf takes them as keys. Only -4, -6,
 * -H, -n, -p, -v, --json, --nagios and --resolver belong to the command
 * line itself.
 */
#include <sys/socket.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/event.h>

#include "arena.h"
#include "audit.h"
#include "check.h"
#include "client.h"
#include "ctl.h"
#include "dkim.h"
#include "dns.h"
#include "explain_cmd.h"
#include "log.h"
#include "logs.h"
#include "render.h"
#include "target.h"
#include "tls.h"
#include "util.h"
#include "version.h"

#define RESOLV_CONF	"/etc/resolv.conf"

enum out_mode { OUT_HUMAN, OUT_JSON, OUT_NAGIOS };

/* Long options of check's own; a setting's is O_SETTING + its row. */
enum {
	O_JSON = 256, O_NAGIOS, O_RESOLVER, O_SETTING,
};

static const struct option own_options[] = {
	{ "host",	no_argument,		NULL, 'H' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "json",	no_argument,		NULL, O_JSON },
	{ "nagios",	no_argument,		NULL, O_NAGIOS },
	{ "resolver",	required_argument,	NULL, O_RESOLVER },
	{ "version",	no_argument,		NULL, 'V' },
};

#define CHECK_SYNOPSIS \
    "smtprobe check [-46Hnv] [-p ports] [-t seconds] [-o setting=value]\n" \
    "                      [--setting=value ...] [--json | --nagios]\n" \
    "                      [--resolver addr[:port]] domain | host[:port]\n"
#define CHECK_USAGE	"usage: " CHECK_SYNOPSIS

/* The deadline of a whole check under --nagios, as the monitoring plugins'. */
#define NAGIOS_TIMEOUT	"10s"

static __attribute__((noreturn)) void check_usage(void);

/*
 * --nagios, seen before the options are parsed: whatever ends the plugin
 * with UNKNOWN then also prints a status line on standard output, as
 * the monitoring-plugins guidelines want (Nagios shows stdout only).
 */
static int	 nagios_mode;
#define NAGIOS_UNKNOWN	"SMTPROBE UNKNOWN - "

static __attribute__((noreturn)) void
check_usage(void)
{
	if (nagios_mode)
		printf("%swrong usage (smtprobe check --help)\n",
		    NAGIOS_UNKNOWN);
	fputs(CHECK_USAGE "       smtprobe check --help (every setting)\n",
	    stderr);
	exit(3);
}

static __attribute__((noreturn, format(printf, 1, 2))) void
die_usage(const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (nagios_mode) {
		/* no '|' in a status line: it starts the perfdata */
		msg[strcspn(msg, "|\n")] = '\0';
		printf("%s%s\n", NAGIOS_UNKNOWN, msg);
		fflush(stdout);
	}
	fprintf(stderr, "smtprobe: %s\n", msg);
	exit(3);
}

/* `smtprobe check --help`: the options, then every setting of the table. */
static __attribute__((noreturn)) void
check_help(void)
{
	char	 opt[96];
	int	 i;

	printf("%s\n"
	    "A domain is audited and its mail servers probed; -H, host:NAME,\n"
	    "NAME:PORT or an address make the target one mail server.\n\n"
	    "Options:\n"
	    "  -4, -6                 only IPv4 or only IPv6 (-o family=ipv4, "
	    "ipv6)\n"
	    "  -H, --host             the target is one mail host, not a "
	    "domain\n"
	    "  -n                     print the settings as a smtprobed.conf "
	    "section, and exit\n"
	    "  -o SETTING=VALUE       a setting, as --SETTING=VALUE\n"
	    "  -p PORTS               the ports setting (-o ports=PORTS)\n"
	    "  -t SECONDS             the whole check's deadline (-o timeout="
	    "SECONDS; 10\n"
	    "                         with --nagios)\n"
	    "  -v                     debugging messages on standard error\n"
	    "  --json                 one JSON object instead of the report\n"
	    "  --nagios               one monitoring-plugins line with "
	    "perfdata\n"
	    "  --resolver ADDR[:PORT] the resolver to ask (repeatable; "
	    "default /etc/resolv.conf)\n"
	    "  -V, --version          the version, and exit\n"
	    "  -h, --help             this help\n"
	    "\n"
	    "Settings, as in smtprobed.conf(5) (defaults in brackets):\n",
	    CHECK_USAGE);
	for (i = 0; i < target_nsettings; i++) {
		const struct target_setting *s = &target_settings[i];

		if (s->flags & TS_DAEMON)
			continue;
		snprintf(opt, sizeof(opt), "--%s%s%s%s", s->name,
		    s->flags & TS_BOOL ? "[=" : "=", s->arg,
		    s->flags & TS_BOOL ? "]" : "");
		printf("  %s\n      %s%s [%s]\n", opt, s->help, s->max > 0 ?
		    " (repeatable)" : "", s->dflt);
	}
	exit(0);
}

static void
check_done(struct check *chk, void *arg)
{
	(void)chk;
	event_base_loopexit(arg, NULL);
}

/*
 * Can this check use TLS at all? With --tls none a session still speaks
 * TLS on port 465 and with implicit-tls, and a domain's audit fetches
 * the MTA-STS policy over HTTPS. When none of that can happen no TLS
 * context is made: OpenSSL's start-up is a good part of what a one-shot
 * check costs.
 */
static int
tls_wanted(const struct target *t)
{
	int	 i;

	if (t->tls != TLSPOL_NONE || t->implicit_tls)
		return 1;
	for (i = 0; i < t->nports; i++)
		if (t->ports[i] == 465)
			return 1;
	return t->kind == TARGET_DOMAIN && !t->no_dns && !t->literal &&
	    t->naddrs == 0;
}

/* A setting as the command line gave it, applied once the target is known. */
struct given {
	const char			*opt;	/* "--tls", "-o tls", "-p" */
	const struct target_setting	*s;
	const char			*value;
};

/* How messages name an option: prefix and name ("--tls", "-o tls"). */
static const char *
opt_name(struct arena *a, const char *prefix, const char *name)
{
	char	 buf[128];
	char	*d;

	snprintf(buf, sizeof(buf), "%s%s", prefix, name);
	if ((d = arena_strdup(a, buf)) == NULL)
		fatalx("out of memory");
	return d;
}

/*
 * libevent's own messages, and its fatal errors (no descriptor left for
 * its signal pipe): the prober's trouble, said as such, exit UNKNOWN; a
 * plugin always prints its status line.
 */
static const char	*ev_target = "";
static int		 ev_nagios;
static char		 ev_last[200];

static void
ev_log(int severity, const char *msg)
{
	(void)severity;
	util_strlcpy(ev_last, msg, sizeof(ev_last));
	log_debug("libevent: %s", msg);
}

static __attribute__((noreturn)) void
ev_fatal(int err)
{
	(void)err;
	if (ev_nagios)
		printf("SMTPROBE UNKNOWN - %s: the event loop cannot start on "
		    "this host: %s\n", ev_target, ev_last[0] ? ev_last :
		    "out of resources");
	fprintf(stderr, "smtprobe: the event loop cannot start: %s\n",
	    ev_last[0] ? ev_last : "out of resources");
	exit(3);
}

static int
cmd_check(int argc, char **argv)
{
	static struct check_params c;
	static struct dns_config dcfg;
	/* static: the usage and error paths exit from deeper down, and
	 * what the process exits with must stay reachable (LeakSanitizer) */
	static struct option	*longopts;
	static struct given	*given;
	static struct arena	*arena;
	struct target	 t;
	struct target_input in;
	struct dns_resolver *res = NULL;
	struct event_base *base;
	struct check	*chk;
	struct check_report *rep;
	struct audit_dkim_key *keys = NULL;
	struct tls_ctx	*tls = NULL;
	const struct target_setting *s;
	enum out_mode	 out = OUT_HUMAN;
	const char	*acause, *target, *v;
	const char	*apart_opt = NULL, *apart_val = NULL;
	char		*cause, *eq, helo[256], cwd[PATH_MAX];
	int		 ch, i, n = 0, ngiven = 0, nresolvers = 0, rv;
	int		 host_mode = 0, print_only = 0, nown, domain_id = 0;

	if ((arena = arena_new()) == NULL ||
	    (given = calloc((size_t)argc + 1, sizeof(*given))) == NULL ||
	    (longopts = calloc((size_t)target_nsettings + 8,
	    sizeof(*longopts))) == NULL)
		fatalx("out of memory");
	nown = (int)(sizeof(own_options) / sizeof(own_options[0]));
	memcpy(longopts, own_options, sizeof(own_options));
	for (i = 0; i < target_nsettings; i++) {
		s = &target_settings[i];
		if (s->flags & TS_DAEMON)
			continue;
		longopts[nown + n].name = s->name;
		longopts[nown + n].has_arg = s->flags & TS_BOOL ?
		    optional_argument : required_argument;
		longopts[nown + n++].val = O_SETTING + i;
	}
	dns_config_init(&dcfg);
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--nagios") == 0) {
			nagios_mode = 1;
			log_plugin_status(NAGIOS_UNKNOWN);
		}
		/*
		 * A yes/no setting's value is optional, so it must follow
		 * "=": "--relay-test x@example.org mx.example.net" gives
		 * getopt two targets. Noted here, before getopt reorders
		 * argv, to say so if it comes to that.
		 */
		if (apart_opt == NULL && i + 1 < argc &&
		    strncmp(argv[i], "--", 2) == 0 &&
		    strchr(argv[i], '=') == NULL && argv[i + 1][0] != '-' &&
		    (s = target_setting_find(argv[i] + 2)) != NULL &&
		    (s->flags & TS_BOOL) && !(s->flags & TS_DAEMON)) {
			apart_opt = argv[i];
			apart_val = argv[i + 1];
		}
	}

	optind = 1;
	while ((ch = getopt_long(argc, argv, "46HhnVo:p:t:v", longopts,
	    NULL)) != -1) {
		struct given	*g = &given[ngiven];

		switch (ch) {
		case '4':
		case '6':
			g->opt = ch == '4' ? "-4 (family)" : "-6 (family)";
			g->s = target_setting_find("family");
			g->value = ch == '4' ? "ipv4" : "ipv6";
			ngiven++;
			break;
		case 'H':
			host_mode = 1;
			break;
		case 'h':
			check_help();
		case 'V':
			version_print(stdout, "smtprobe");
			exit(0);
		case 'n':
			print_only = 1;
			break;
		case 'o':
			if ((eq = strchr(optarg, '=')) == NULL)
				die_usage("-o: \"%s\" is not SETTING=VALUE",
				    optarg);
			*eq = '\0';
			if ((g->s = target_setting_find(optarg)) == NULL)
				die_usage("-o %s: unknown setting (smtprobe "
				    "check --help lists them)", optarg);
			if (g->s->flags & TS_DAEMON)
				die_usage("-o %s: a setting of smtprobed.conf "
				    "(the daemon's schedule and alerts), not of "
				    "smtprobe check", g->s->name);
			g->opt = opt_name(arena, "-o ", g->s->name);
			g->value = eq + 1;
			ngiven++;
			break;
		case 'p':
			g->opt = "-p (ports)";
			g->s = target_setting_find("ports");
			g->value = optarg;
			ngiven++;
			break;
		case 't':
			g->opt = "-t (timeout)";
			g->s = target_setting_find("timeout");
			g->value = optarg;
			ngiven++;
			break;
		case 'v':
			log_setverbose(1);
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
		default:
			if (ch < O_SETTING || ch >= O_SETTING +
			    target_nsettings)
				check_usage();
			g->s = &target_settings[ch - O_SETTING];
			g->opt = opt_name(arena, "--", g->s->name);
			/* --implicit-tls alone is --implicit-tls=yes */
			g->value = optarg != NULL ? optarg : "yes";
			ngiven++;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 && apart_opt != NULL)
		die_usage("%s takes its value after \"=\" (%s=%s): apart, "
		    "\"%s\" is read as a second target", apart_opt, apart_opt,
		    apart_val, apart_val);
	if (argc > 1)
		die_usage("one target at a time: \"%s\" and \"%s\" were given",
		    argv[0], argv[1]);
	if (argc != 1)
		check_usage();

	/*
	 * The target: host:NAME, NAME:PORT, [IPV6]:PORT, a bare address, or
	 * a domain (domain:NAME says so); a setting only a host has (addr,
	 * name) makes it a host.
	 */
	target = argv[0];
	/* the prefixes in any case, as the daemon's commands take them */
	if (strncasecmp(target, "host:", 5) == 0) {
		host_mode = 1;
		target += 5;
	} else if (strncasecmp(target, "domain:", 7) == 0) {
		/* an id as smtprobed and its commands show it */
		for (i = 0; i < ngiven; i++)
			if (given[i].s->flags & TS_HOST)
				die_usage("%s: a setting of a host, not of "
				    "domain:%s", given[i].opt, target + 7);
		if (host_mode)
			die_usage("-H and domain:%s exclude each other",
			    target + 7);
		target += 7;
		domain_id = 1;
	}
	if (!domain_id) {
		const char	*colon = strchr(target, ':');
		char		 a[VALUE_ADDR_STRLEN];
		int		 fam;

		if (target[0] == '[' || value_addr(target, a, &fam) == 0 ||
		    (colon != NULL && strchr(colon + 1, ':') == NULL))
			host_mode = 1;
	}
	for (i = 0; i < ngiven; i++)
		if (given[i].s->flags & TS_HOST)
			host_mode = 1;
	target_input_init(&in, arena, getcwd(cwd, sizeof(cwd)));
	in.whole = 1;
	target_defaults(&t);
	if (target_ident(&t, &in, host_mode ? TARGET_HOST : TARGET_DOMAIN,
	    target) == -1)
		die_usage("%s", in.why);
	for (i = 0; i < ngiven; i++) {
		v = given[i].value;
		switch (target_set(&t, &in, given[i].s->name, v)) {
		case TARGET_OK:
			break;
		case TARGET_UNKNOWN:
			fatalx("%s: not in the table", given[i].s->name);
		default:
			die_usage("%s: %s", given[i].opt, in.why);
		}
	}
	/* a plugin is bounded as a whole, as -t of the monitoring plugins */
	if (out == OUT_NAGIOS && !in.tmo_check &&
	    target_set(&t, &in, "timeout", NAGIOS_TIMEOUT) != TARGET_OK)
		fatalx("timeout %s: %s", NAGIOS_TIMEOUT, in.why);
	if (target_end(&t, &in) == -1)
		die_usage("%s", in.why);
	if (print_only) {
		size_t	 kl = t.kind == TARGET_DOMAIN ? 6 : 4;

		printf("[%.*s %s]\n", (int)kl, t.id, t.id + kl + 1);
		target_print(stdout, &t);
		return fflush(stdout) == 0 ? 0 : 3;
	}

	/* the default HELO is this host's FQDN, as Postfix's myhostname */
	if (util_fqdn(helo, sizeof(helo), NULL) == -1)
		helo[0] = '\0';
	target_check_params(&t, helo[0] != '\0' ? helo : NULL, &c);
	c.target = argv[0];
	c.note_helo = 1;

	/* a signer's key that cannot be read is a usage error */
	if (t.ndkim_keys > 0 &&
	    (keys = calloc((size_t)t.ndkim_keys, sizeof(*keys))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < t.ndkim_keys; i++) {
		keys[i].selector = t.dkim_keys[i].selector;
		keys[i].path = t.dkim_keys[i].path;
		cause = NULL;
		if (dkim_pubkey_read_file(keys[i].path, &keys[i].key,
		    &cause) == -1)
			die_usage("--dkim-key: %s", cause != NULL ? cause :
			    "out of memory");
	}
	c.audit.dkim_keys = keys;
	c.audit.ndkim_keys = t.ndkim_keys;

	if (tls_wanted(&t) && (tls = tls_ctx_new(t.ca_file, &cause)) == NULL)
		die_usage("%s", cause);

	signal(SIGPIPE, SIG_IGN);
	ev_target = argv[0];
	ev_nagios = out == OUT_NAGIOS;
	event_set_log_callback(ev_log);
	event_set_fatal_callback(ev_fatal);
	if ((base = event_base_new()) == NULL)
		ev_fatal(0);
	if (!c.use_addrs || c.dns_only) {	/* an address audited alone needs one */
		if (nresolvers == 0 &&
		    dns_config_resolv_conf(&dcfg, RESOLV_CONF, &cause) == -1)
			die_usage("%s", cause);
		if ((res = dns_resolver_new(base, &dcfg, &cause)) == NULL)
			die_usage("resolver: %s", cause);
	}
	if ((chk = check_start(base, res, tls, &c, NULL, check_done, base,
	    &acause)) == NULL)
		die_usage("%s", acause);
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
	/* the prober's own trouble: one line that says so */
	if (rep->incomplete && rep->error[0] != '\0')
		fprintf(stderr, "smtprobe: %s\n", rep->error);

	check_free(chk);
	dns_resolver_free(res);
	tls_ctx_free(tls);
	event_base_free(base);
	for (i = 0; i < t.ndkim_keys; i++)
		dkim_pubkey_free(&keys[i].key);
	free(keys);
	free(given);
	free(longopts);
	arena_free(arena);
	return rv;
}

/*
 * The commands: check, explain and logs, then one per control command
 * of a running smtprobed (lib/ctl.h's table, run by client.c).
 */
static const struct command {
	const char	*name;
	int		(*run)(int argc, char **argv);
	const char	*usage;
	const char	*help;		/* one line */
} commands[] = {
	{ "check", cmd_check, "       " CHECK_SYNOPSIS,
	    "diagnose a mail domain or one mail server now (no daemon)" },
	{ "explain", cmd_explain,
	    "       smtprobe explain [--json] [-v] [reply ...]\n",
	    "name the cause of a refusal, bounce or log line you have" },
	{ "logs", logs_main, LOGS_USAGE,
	    "what real mail saw, from the MTA's log, by domain and cause" },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* Every command's usage, then what each does. */
static void
usage_all(FILE *fp)
{
	size_t	 i;
	int	 j;

	fprintf(fp, "usage: smtprobe [-s socket] command [argument ...]\n"
	    "       smtprobe help [command] | -h | --help\n"
	    "       smtprobe -V | --version\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "%s", commands[i].usage);
	client_usage(fp, "logs");	/* logs --daemon is logs' */
	fprintf(fp, "\nCommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-9s %s\n", commands[i].name, commands[i].help);
	for (j = 0; j < CTL_NCMDS; j++)
		if (strcmp(ctl_commands[j].name, "logs") != 0)
			fprintf(fp, "  %-9s %s\n", ctl_commands[j].name,
			    ctl_commands[j].help);
	fprintf(fp, "\nThe commands after logs, and logs --daemon, ask a "
	    "running smtprobed over its\ncontrol socket: -s SOCKET (before "
	    "or after the command), else\n$SMTPROBED_SOCKET, else "
	    "/run/smtprobed/control.sock.\n"
	    "`smtprobe COMMAND --help` shows the options of a command.\n");
}

static __attribute__((noreturn)) void
usage(void)
{
	usage_all(stderr);
	exit(3);
}

/*
 * "smtprobe COMMAND ...": the options before the command are smtprobe's
 * own (-s, the help, the version); the command takes the rest.
 */
int
main(int argc, char *argv[])
{
	const struct ctl_command *cc;
	const char	*sock = NULL, *name, *a;
	static char	 prog[32];
	char		*hargv[3];
	size_t		 i;

	tls_init(1);
	log_init(1, "smtprobe", 0);
	/*
	 * By hand, not with getopt: it would have to stop at the command
	 * ("+"), a mode glibc keeps for the command's own getopt after.
	 */
	while (argc > 1 && argv[1][0] == '-') {
		a = argv[1];
		if (strcmp(a, "--") == 0) {
			argc--;
			argv++;
			break;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage_all(stdout);
			exit(0);
		}
		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			version_print(stdout, "smtprobe");
			exit(0);
		}
		if (strncmp(a, "--socket=", 9) == 0 || (strncmp(a, "-s", 2) ==
		    0 && a[2] != '\0'))
			sock = a[1] == '-' ? a + 9 : a + 2;
		else if (strcmp(a, "-s") == 0 || strcmp(a, "--socket") == 0) {
			if (argc < 3) {
				fprintf(stderr, "smtprobe: %s needs a socket\n", a);
				usage();
			}
			sock = argv[2];
			argc--;
			argv++;
		} else {
			fprintf(stderr, "smtprobe: unknown option \"%s\" before "
			    "the command\n", a);
			usage();
		}
		argc--;
		argv++;
	}
	if (argc < 2)
		usage();
	argc--;
	argv++;		/* argv[0] is the command */
	name = argv[0];
	if (strcmp(name, "help") == 0) {
		if (argc == 1) {
			usage_all(stdout);
			exit(0);
		}
		/* "smtprobe help CMD" is "smtprobe CMD --help" */
		hargv[0] = argv[1];
		hargv[1] = (char *)(uintptr_t)"--help";
		hargv[2] = NULL;
		name = argv[1];
		argc = 2;
		argv = hargv;
	}
	/* getopt's complaints name the command: "smtprobe status: ..." */
	if (strlen(name) < sizeof(prog) - sizeof("smtprobe ")) {
		snprintf(prog, sizeof(prog), "smtprobe %s", name);
		argv[0] = prog;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0) {
			/* logs --daemon asks the daemon: it reads the variable */
			if (sock != NULL && strcmp(name, "logs") == 0)
				setenv("SMTPROBED_SOCKET", sock, 1);
			else if (sock != NULL) {
				fprintf(stderr, "smtprobe: -s: %s does not talk "
				    "to the daemon\n", name);
				exit(3);
			}
			return commands[i].run(argc, argv);
		}
	if ((cc = ctl_command_find(name)) != NULL)
		return client_main(cc, argc, argv, sock);
	fprintf(stderr, "smtprobe: unknown command \"%s\"; smtprobe --help "
	    "lists them\n", name);
	exit(3);
}
