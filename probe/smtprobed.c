/*
 * smtprobed.c - the daemon: every target of the configuration checked on
 * its interval, on one libevent loop; history in the rolling store;
 * alerts with hysteresis to syslog; a control socket; sd_notify. This
 * file is its life cycle: start, the generations of the configuration
 * (a reload makes a new one), signals, the watchdog and the stop. The
 * targets and their runs are runs.c's, the control commands control.c's,
 * /metrics exporter.c's (smtprobed.h).
 */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include <openssl/rand.h>

#include "check.h"
#include "dns.h"
#include "log.h"
#include "metrics.h"
#include "smtprobed.h"
#include "store.h"
#include "tls.h"
#include "util.h"
#include "version.h"

/* make install's $(SYSCONFDIR), where it puts the configuration */
#ifndef DEFAULT_CONF
#define DEFAULT_CONF	"/etc/smtprobed/smtprobed.conf"
#endif
#define STOP_MS		4000		/* SIGTERM: flush the store within */

/*
 * Descriptors kept back besides those held at start: a reload (the file,
 * then its ca-files and keys, one at a time), SQLite's temporary files,
 * a connection being refused on each listener, syslog reconnecting.
 */
#define FD_RESERVE	24
/* A run at once may hold a session, an MTA-STS fetch and the two
 * connections that tell a filtered port 25 from a dead host. */
#define FD_PER_RUN	4
#define FD_DNS_MAX	256		/* DNS queries at once, at most */

/* The daemon's clock and random source, for admission and the schedule. */
static int64_t
now_ms(void *arg)
{
	(void)arg;
	return util_now_us() / 1000;
}

static uint64_t
rnd(void *arg)
{
	uint64_t	 v = 0;

	(void)arg;
	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		v = (uint64_t)util_now_us() * 6364136223846793005ULL;
	return v;
}

static void
keys_free(struct audit_dkim_key *keys, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		dkim_pubkey_free(&keys[i].key);
	free(keys);
}

/*
 * Read the key file of every dkim-key of conf, target after target: a
 * key that cannot be read is an error of the configuration, like a bad
 * line (a comparison is never skipped in silence). Only public keys are
 * kept; a file named by many targets is read once.
 */
static int
keys_load(const char *path, const struct conf *conf,
    struct audit_dkim_key **keysp, size_t *np, char **cause)
{
	struct audit_dkim_key	*keys;
	const struct target *ct;
	const struct target_dkim_key *dk;
	char			*why;
	size_t			 i, j, k, n = 0;
	int			 m;

	*keysp = NULL;
	*np = 0;
	for (i = 0; i < conf->ntargets; i++)
		n += (size_t)conf->targets[i].ndkim_keys;
	if (n == 0)
		return 0;
	if ((keys = calloc(n, sizeof(*keys))) == NULL) {
		*cause = strdup("out of memory");
		return -1;
	}
	for (i = 0, k = 0; i < conf->ntargets; i++) {
		ct = &conf->targets[i];
		for (m = 0; m < ct->ndkim_keys; m++, k++) {
			dk = &ct->dkim_keys[m];
			keys[k].selector = dk->selector;
			keys[k].path = dk->path;
			for (j = 0; j < k; j++)
				if (strcmp(keys[j].path, dk->path) == 0)
					break;
			if (j < k) {
				dkim_pubkey_share(&keys[k].key, &keys[j].key);
				continue;
			}
			if (dkim_pubkey_read_file(dk->path, &keys[k].key,
			    &why) == -1) {
				if (asprintf(cause, "%s:%d: dkim-key: %s", path,
				    dk->line, why != NULL ? why :
				    "out of memory") == -1)
					*cause = NULL;
				free(why);
				keys_free(keys, k);
				return -1;
			}
			if (keys[k].key.from_private)
				log_info("%s:%d: dkim-key: %s is a private key: "
				    "only its public half is kept; the public "
				    "key is enough (openssl pkey -pubout)", path,
				    dk->line, dk->path);
		}
	}
	*keysp = keys;
	*np = n;
	return 0;
}

/*
 * The trust anchors of every ca-file of conf, each file once: one that
 * is missing, unreadable or holds no certificate is an error of the
 * configuration, in plain words ("FILE:LINE: ca-file: PATH: No such
 * file or directory"), at start-up, -n and reload alike; a run would
 * otherwise verify with another trust store than the one asked for.
 */
static int
cafiles_check(const char *path, const struct conf *conf, char **cause)
{
	const struct target	*t;
	const char		**seen = NULL, **ns;
	char			 why[256];
	size_t			 i, j, nseen = 0;
	int			 rv = 0;

	for (i = 0; rv == 0 && i < conf->ntargets; i++) {
		t = &conf->targets[i];
		if (t->ca_file == NULL)
			continue;
		/* targets that inherit it share the string */
		for (j = 0; j < nseen; j++)
			if (seen[j] == t->ca_file ||
			    strcmp(seen[j], t->ca_file) == 0)
				break;
		if (j < nseen)
			continue;
		if ((ns = reallocarray(seen, nseen + 1, sizeof(*ns))) == NULL) {
			*cause = strdup("out of memory");
			rv = -1;
			break;
		}
		seen = ns;
		seen[nseen++] = t->ca_file;
		if (tls_ca_file_check(t->ca_file, why, sizeof(why)) == -1) {
			if (asprintf(cause, "%s:%d: ca-file: %s: %s", path,
			    t->ca_file_line, t->ca_file, why) == -1)
				*cause = NULL;
			rv = -1;
		}
	}
	free(seen);
	return rv;
}

/*
 * Does the group of control-group exist (a name, or a number)? 0, or -1
 * with *cause: -n says so as an error of the configuration, where the
 * daemon would stop at start.
 */
static int
control_group_check(const struct conf_daemon *cd, char **cause)
{
	char	*end;
	long	 g;

	if (cd->control_group == NULL || getgrnam(cd->control_group) != NULL)
		return 0;
	g = strtol(cd->control_group, &end, 10);
	if (*end == '\0' && end != cd->control_group && g >= 0)
		return 0;
	if (asprintf(cause, "[daemon] control-group: no group \"%s\" on "
	    "this system", cd->control_group) == -1)
		*cause = NULL;
	return -1;
}

/*
 * Hold state-dir/smtprobed.lock for as long as the daemon runs, as
 * Postfix's master.lock: two daemons on one store would each think the
 * history and the alert state theirs. The file says whose it is (a
 * pid); a daemon that died left a lock nobody holds any more.
 */
static int
state_lock(const char *dir, char **cause)
{
	char	 path[PATH_MAX], buf[32];
	ssize_t	 n;
	int	 fd, len;

	*cause = NULL;
	snprintf(path, sizeof(path), "%s/smtprobed.lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) == -1) {
		if (asprintf(cause, "%s: %s", path, strerror(errno)) == -1)
			*cause = NULL;
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK) {
			if (asprintf(cause, "%s: %s", path, strerror(errno)) ==
			    -1)
				*cause = NULL;
			close(fd);
			return -1;
		}
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (asprintf(cause, "state-dir %s is in use by another smtprobed"
		    "%s%s%s: %s is locked", dir, buf[0] ? " (pid " : "", buf,
		    buf[0] ? ")" : "", path) == -1)
			*cause = NULL;
		close(fd);
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)len, 0) != len)
		log_warn("%s", path);	/* held all the same */
	return fd;
}

void
smtprobed_confref_put(struct confref *r)
{
	int	 i;

	if (r != NULL && --r->refs == 0) {
		for (i = 0; i < r->ntls; i++) {
			tls_ctx_free(r->tls[i].tls);
			free(r->tls[i].ca_file);
		}
		free(r->tls);
		keys_free(r->keys, r->nkeys);
		free(r->watch);
		conf_free(r->conf);
		free(r);
	}
}

/* The context verifying with ca_file, read once per configuration. */
struct tls_ctx *
smtprobed_tls(struct daemon *d, struct confref *r, const char *ca_file)
{
	struct tls_pool	*np;
	struct tls_ctx	*t;
	char		*cause;
	int		 i;

	if (ca_file == NULL)
		return d->tls_default;
	for (i = 0; i < r->ntls; i++)
		if (strcmp(r->tls[i].ca_file, ca_file) == 0)
			return r->tls[i].tls != NULL ? r->tls[i].tls :
			    d->tls_default;
	if ((t = tls_ctx_new(ca_file, &cause)) == NULL) {
		char	 why[256];

		/*
		 * Checked when the configuration was read; gone or changed
		 * since. Said once for this configuration, in plain words,
		 * and remembered (a NULL context), not again every run.
		 */
		if (tls_ca_file_check(ca_file, why, sizeof(why)) == 0)
			util_strlcpy(why, cause, sizeof(why));
		log_warnx("ca-file %s: %s; runs verify with the system trust "
		    "store until it is fixed and smtprobed reloaded", ca_file,
		    why);
	}
	if ((np = reallocarray(r->tls, (size_t)r->ntls + 1, sizeof(*np))) ==
	    NULL) {
		tls_ctx_free(t);
		return d->tls_default;
	}
	r->tls = np;
	r->tls[r->ntls].ca_file = strdup(ca_file);
	r->tls[r->ntls].tls = t;
	if (r->tls[r->ntls].ca_file == NULL) {
		tls_ctx_free(t);
		return d->tls_default;
	}
	r->ntls++;
	return t != NULL ? t : d->tls_default;
}

/*
 * The HELO of targets that give none is this host's name, as Postfix's
 * myhostname. One without a dot is said once per configuration, with
 * how many targets greet with it; when every target names its own, the
 * host's name is used by none and there is nothing to say.
 */
static void
helo_check(const struct daemon *d, const struct conf *conf)
{
	size_t	 i, n = 0;

	if (strchr(d->hostname, '.') != NULL)
		return;
	for (i = 0; i < conf->ntargets; i++)
		if (conf->targets[i].helo == NULL &&
		    !conf->targets[i].dns_only &&
		    conf_target_in_shard(conf, &conf->targets[i]))
			n++;
	if (n > 0)
		log_warnx("probe.helo-not-fqdn: this host's name \"%s\" is not "
		    "fully qualified; %zu target(s) without a helo setting "
		    "greet with it and servers may refuse them for it (set "
		    "helo, in [defaults] for all)", d->hostname, n);
}

int
smtprobed_reload(struct daemon *d, char **why)
{
	struct conf		*conf = NULL;
	struct audit_dkim_key	*keys;
	size_t			 nkeys;
	char			*cause = NULL;

	sd_notify(0, "RELOADING=1");
	if (conf_load(d->conf_path, &conf, &cause) == -1 ||
	    cafiles_check(d->conf_path, conf, &cause) == -1 ||
	    keys_load(d->conf_path, conf, &keys, &nkeys, &cause) == -1) {
		conf_free(conf);
		log_warnx("reload: %s; keeping the running configuration",
		    cause);
		if (why != NULL)
			*why = cause;
		else
			free(cause);
		sd_notify(0, "READY=1");
		return -1;
	}
	if (runs_install(d, conf, keys, nkeys) == -1) {
		keys_free(keys, nkeys);
		conf_free(conf);
		if (why != NULL)
			*why = strdup("out of memory");
		sd_notify(0, "READY=1");
		return -1;
	}
	store_set_retention(d->store, conf->daemon.store_retention_ms / 1000,
	    (int64_t)conf->daemon.store_max_size);
	(void)logwatch_install(d, conf);
	log_info("reloaded %s: %zu targets", d->conf_path, d->ntargets);
	helo_check(d, conf);
	sd_notify(0, "READY=1");
	runs_schedule(d);
	return 0;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon	*d = arg;

	(void)what;
	if (sig == SIGHUP) {
		smtprobed_reload(d, NULL);
		return;
	}
	log_info("stopping on signal %d", (int)sig);
	sd_notify(0, "STOPPING=1");
	d->stopping = 1;
	runs_stop(d);
	event_base_loopexit(d->base, NULL);
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sd_notify(0, "WATCHDOG=1");
}

/*
 * systemd starts services with a soft limit of 1024 descriptors (for
 * programs that still use select(2)) and a hard limit far above; this
 * daemon uses epoll and takes the hard one. *was is the soft limit it
 * found.
 */
static unsigned long long
fd_raise(unsigned long long *was)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		*was = 1024;
		return 1024;
	}
	*was = rl.rlim_cur;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
			log_warn("cannot raise the descriptor limit from %llu "
			    "to %llu", *was, (unsigned long long)rl.rlim_max);
			return *was;
		}
	}
	return rl.rlim_cur;
}

/* Descriptors open now: /proc/self/fd, else a guess. */
static int
fd_count(void)
{
	DIR		*dir;
	struct dirent	*de;
	int		 n = 0;

	if ((dir = opendir("/proc/self/fd")) == NULL)
		return 32;
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1;	/* the directory's own */
}

static int
clamp(long v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : (int)v;
}

/*
 * Share out the descriptors of limit, held of them being open already.
 * What is left after a reserve goes first to clients, a capped slice each
 * (an eighth to the control socket, a sixteenth to /metrics): whatever
 * they do, the rest stays for the probes, as DNS queries (a quarter) and
 * runs (FD_PER_RUN each).
 */
static void
fd_budget(struct fd_budget *b, unsigned long long limit, int held)
{
	long	 left, probes;

	b->limit = limit;
	b->held = held;
	left = (long)(limit > 1UL << 30 ? 1UL << 30 : limit) - held -
	    FD_RESERVE;
	b->ctl_clients = clamp(left / 8, 4, CTL_CLIENTS_MAX);
	b->metrics_conns = clamp(left / 16, 2, METRICS_CONNS_MAX);
	probes = left - b->ctl_clients - b->metrics_conns;
	b->dns = clamp(probes / 4, 4, FD_DNS_MAX);
	b->concurrency = clamp((probes - b->dns) / FD_PER_RUN, 1, 1 << 20);
	if (probes - b->dns < FD_PER_RUN)
		log_warnx("descriptor limit %llu: %ld left for probes, too few "
		    "to start a run: runs will be unknown (probe.resource); "
		    "raise the limit (systemd: LimitNOFILE=)", limit,
		    probes < 0 ? 0 : probes);
}

/* control-group as a gid: a group name, else a number. */
static gid_t
control_gid(const char *name)
{
	struct group	*gr = getgrnam(name);
	char		*end;
	long		 g = strtol(name, &end, 10);

	if (gr != NULL)
		return gr->gr_gid;
	if (*end == '\0' && end != name && g >= 0)
		return (gid_t)g;
	fatalx("control-group: no group \"%s\"", name);
}

/*
 * Where the control socket comes from. Under systemd, smtprobed.socket
 * makes it (socket activation): as root, with SocketMode= and
 * SocketGroup=, which the service's own user, unprivileged, could not
 * give it; the daemon takes it as it is. Its group is then the one whose
 * members are served: control-group, when set, must name the same one,
 * and need not be set. Without systemd the daemon makes the socket.
 */
static void
control_config(const struct conf_daemon *cd, struct ctl_config *cc)
{
	struct stat	 st;
	int		 n;

	memset(cc, 0, sizeof(*cc));
	cc->path = cd->control_socket;
	cc->mode = cd->control_mode;
	cc->gid = cd->control_group != NULL ? control_gid(cd->control_group) :
	    (gid_t)-1;
	if ((n = sd_listen_fds(1)) <= 0) {
		char	*dir = strdup(cd->control_socket), *sl;

		/* ours to make, in a directory made if need be */
		if (dir != NULL && (sl = strrchr(dir, '/')) != NULL &&
		    sl != dir) {
			*sl = '\0';
			if (mkdir(dir, 0755) == -1 && errno != EEXIST)
				log_warn("%s", dir);
		}
		free(dir);
		return;
	}
	if (n > 1 || sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1,
	    cd->control_socket, 0) <= 0)
		fatalx("control socket: systemd passed %d socket%s, not one "
		    "listening on %s (control-socket and ListenStream= of "
		    "smtprobed.socket must agree)", n, n == 1 ? "" : "s",
		    cd->control_socket);
	cc->fd = SD_LISTEN_FDS_START;
	if (stat(cd->control_socket, &st) == -1)
		fatal("control socket: %s", cd->control_socket);
	if (cd->control_group == NULL) {
		/* the group systemd gave it, unless it is no group of note */
		if (st.st_gid != 0 && st.st_gid != getegid())
			cc->gid = st.st_gid;
	} else if (st.st_gid != cc->gid)
		fatalx("control-group %s: the socket systemd made (%s) has "
		    "group %ld instead; give it that group with SocketGroup= "
		    "in smtprobed.socket (systemctl edit smtprobed.socket)",
		    cd->control_group, cd->control_socket, (long)st.st_gid);
	if ((st.st_mode & 0777) != cd->control_mode)
		log_warnx("control-mode %03o does not apply: the socket systemd "
		    "made (%s) has mode %03o (SocketMode= of smtprobed.socket "
		    "says)", (unsigned)cd->control_mode, cd->control_socket,
		    (unsigned)(st.st_mode & 0777));
	log_info("control socket %s from systemd, mode %03o, group %ld%s",
	    cd->control_socket, (unsigned)(st.st_mode & 0777),
	    (long)st.st_gid, cc->gid != (gid_t)-1 ? ": its members are "
	    "served" : "");
}

#define USAGE	"usage: smtprobed [-dnv] [-f file]\n" \
		"       smtprobed -h | --help | -V | --version\n"

static __attribute__((noreturn)) void
usage(void)
{
	fputs(USAGE, stderr);
	exit(2);
}

static __attribute__((noreturn)) void
help(void)
{
	printf(USAGE "\n"
	    "Probe the targets of the configuration on their intervals, keep "
	    "their history\nand raise alerts in syslog; smtprobe(1) asks it "
	    "over its control socket.\n\n"
	    "Options:\n"
	    "  -d             debug: log to standard error, not syslog\n"
	    "  -f FILE        the configuration [%s]\n"
	    "  -n             check the configuration, then exit\n"
	    "  -v             debugging messages too\n"
	    "  -h, --help     this help\n"
	    "  -V, --version  the version and the libraries\n", DEFAULT_CONF);
	exit(0);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL, 'h' },
		{ "version",	no_argument,	NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static struct daemon	 d;
	struct admit_env	 env = { now_ms, rnd, NULL };
	struct store_params	 sp;
	struct ctl_config	 cc;
	struct dns_config	 dc;
	struct conf		*conf = NULL;
	const struct conf_daemon *cd;
	struct audit_dkim_key	*keys;
	char			*cause = NULL, path[4096];
	uint64_t		 wd_usec = 0;
	unsigned long long	 fd_limit, fd_was;
	size_t			 i, nkeys;
	const char		*unhandled;
	int			 ch, check_only = 0, lockfd;

	tls_init(0);
	d.conf_path = DEFAULT_CONF;
	while ((ch = getopt_long(argc, argv, "df:hnVv", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'h':
			help();
		case 'V':
			version_print(stdout, "smtprobed");
			exit(0);
		case 'd':
			d.debug = 1;
			break;
		case 'f':
			d.conf_path = optarg;
			break;
		case 'n':
			check_only = 1;
			break;
		case 'v':
			log_setverbose(1);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	/* until the configuration says where: what reading it logs */
	log_init(1, "smtprobed", LOG_DAEMON);
	/*
	 * What the daemon cannot use is found here, as postfix check finds
	 * it: the file, then the files it names (trust anchors, DKIM keys),
	 * then the group of the control socket.
	 */
	if (conf_load(d.conf_path, &conf, &cause) == -1 ||
	    cafiles_check(d.conf_path, conf, &cause) == -1 ||
	    keys_load(d.conf_path, conf, &keys, &nkeys, &cause) == -1) {
		fprintf(stderr, "smtprobed: %s\n", cause ? cause :
		    "out of memory");
		free(cause);
		conf_free(conf);
		return 1;
	}
	if (control_group_check(&conf->daemon, &cause) == -1) {
		fprintf(stderr, "smtprobed: %s: %s\n", d.conf_path, cause ?
		    cause : "out of memory");
		free(cause);
		keys_free(keys, nkeys);
		conf_free(conf);
		return 1;
	}
	/* the HELO of targets that give none: as Postfix's myhostname */
	if (util_fqdn(d.hostname, sizeof(d.hostname), NULL) == -1)
		util_strlcpy(d.hostname, "localhost", sizeof(d.hostname));
	if (conf->ntargets == 0 && check_only)
		log_warnx("%s: no targets: there is nothing to probe (add a "
		    "[domain NAME] or [host NAME] section)", d.conf_path);
	if (check_only) {
		helo_check(&d, conf);
		printf("%s: configuration ok, %zu target(s)\n", d.conf_path,
		    conf->ntargets);
		keys_free(keys, nkeys);
		conf_free(conf);
		return 0;
	}
	cd = &conf->daemon;
	log_init(d.debug, "smtprobed", cd->syslog_facility);
	if (!d.debug)
		openlog("smtprobed", LOG_PID | LOG_NDELAY, cd->syslog_facility);
	if (conf->ntargets == 0)
		log_warnx("%s: no targets: there is nothing to probe (add a "
		    "[domain NAME] or [host NAME] section)", d.conf_path);
	helo_check(&d, conf);
	signal(SIGPIPE, SIG_IGN);
	fd_limit = fd_raise(&fd_was);
	d.started = util_wall();
	if ((d.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	runs_init(&d, &env);
	if ((d.tls_default = tls_ctx_new(NULL, &cause)) == NULL)
		fatalx("%s", cause);

	if (mkdir(cd->state_dir, 0750) == -1 && errno != EEXIST)
		fatal("%s", cd->state_dir);
	if ((lockfd = state_lock(cd->state_dir, &cause)) == -1)
		fatalx("%s", cause ? cause : "out of memory");
	store_params_defaults(&sp);
	snprintf(path, sizeof(path), "%s/smtprobed.db", cd->state_dir);
	sp.path = path;
	sp.retain_age = cd->store_retention_ms / 1000;
	sp.retain_bytes = (int64_t)cd->store_max_size;
	if ((d.store = store_open(&sp, &cause)) == NULL)
		fatalx("store: %s", cause);

	/* what is open now, and what is still to come: the two listeners,
	 * the files of the [log] sections (two each across a rotation) */
	fd_budget(&d.fds, fd_limit, fd_count() + 2 + logwatch_fds(conf));
	log_info("descriptors: limit %llu%s, %d held: at most %d runs, %d DNS "
	    "queries, %d control clients and %d metrics connections at once",
	    fd_limit, fd_limit > fd_was ? " (raised)" : "", d.fds.held,
	    d.fds.concurrency < cd->concurrency ? d.fds.concurrency :
	    cd->concurrency, d.fds.dns, d.fds.ctl_clients,
	    d.fds.metrics_conns);

	dns_config_init(&dc);
	for (i = 0; i < (size_t)cd->nresolvers; i++)
		dc.servers[dc.nservers++] = cd->resolvers[i];
	if (dc.nservers == 0 &&
	    dns_config_resolv_conf(&dc, "/etc/resolv.conf", &cause) == -1)
		fatalx("%s", cause);
	dc.max_inflight = (size_t)d.fds.dns;
	if ((d.res = dns_resolver_new(d.base, &dc, &cause)) == NULL)
		fatalx("resolver: %s", cause);

	if (runs_install(&d, conf, keys, nkeys) == -1)
		fatalx("out of memory");
	if (logwatch_install(&d, conf) == -1)
		fatalx("out of memory");
	if (store_alerts_load(d.store, runs_restore_alert, &d, &cause) == -1) {
		log_warnx("store: cannot load the alert state: %s", cause);
		free(cause);
	}

	control_config(cd, &cc);
	cc.clients_max = d.fds.ctl_clients;
	if ((unhandled = control_unhandled()) != NULL)
		fatalx("control command %s has no handler", unhandled);
	if ((d.ctl = ctl_listen(d.base, &cc, control_request, &d,
	    &cause)) == NULL)
		fatalx("control socket: %s", cause);

	if (cd->metrics != NULL && (d.metrics = metrics_listen(d.base,
	    &cd->metrics_ss, cd->metrics_sslen, d.fds.metrics_conns,
	    exporter_render, &d, &cause)) == NULL)
		fatalx("%s", cause);

	d.ev_sighup = evsignal_new(d.base, SIGHUP, on_signal, &d);
	d.ev_sigterm = evsignal_new(d.base, SIGTERM, on_signal, &d);
	d.ev_sigint = evsignal_new(d.base, SIGINT, on_signal, &d);
	if (d.ev_sighup == NULL || d.ev_sigterm == NULL || d.ev_sigint == NULL)
		fatalx("out of memory");
	evsignal_add(d.ev_sighup, NULL);
	evsignal_add(d.ev_sigterm, NULL);
	evsignal_add(d.ev_sigint, NULL);
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0) {
		struct timeval tv = { (time_t)(wd_usec / 2000000),
		    (suseconds_t)((wd_usec / 2) % 1000000) };

		d.ev_watchdog = event_new(d.base, -1, EV_PERSIST, watchdog_cb,
		    &d);
		if (d.ev_watchdog != NULL)
			event_add(d.ev_watchdog, &tv);
	}
	log_info("started: %zu target(s), control %s, store %s", d.ntargets,
	    cd->control_socket, path);
	sd_notify(0, "READY=1");
	runs_schedule(&d);
	event_base_dispatch(d.base);

	/* SIGTERM: the store gets what was queued, within the deadline */
	if (store_flush(d.store, STOP_MS) == -1)
		log_warnx("store: not everything was written before the "
		    "deadline");
	ctl_close(d.ctl);
	d.ctl = NULL;		/* nobody to answer from here on */
	metrics_close(d.metrics);
	d.metrics = NULL;
	logwatch_free(&d);
	runs_free(&d);
	store_close(d.store);
	smtprobed_confref_put(d.cref);
	dns_resolver_free(d.res);
	tls_ctx_free(d.tls_default);
	event_free(d.ev_sighup);
	event_free(d.ev_sigterm);
	event_free(d.ev_sigint);
	if (d.ev_watchdog)
		event_free(d.ev_watchdog);
	event_base_free(d.base);
	log_info("stopped");
	close(lockfd);
	return 0;
}
