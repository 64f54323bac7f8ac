/*
 * ctl.c - the control socket, server and client.
 *
 * Every client is hostile until proven otherwise: its credentials are
 * checked at accept (SO_PEERCRED), its request lines are bounded (a
 * longer line gets an error and the connection is closed), its unread
 * output is bounded (a client that never reads is dropped, never
 * buffered without end), and silence past CTL_IDLE_SECONDS ends it.
 * Clients are known by id, so a late reply to a departed client is
 * simply dropped.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "accept.h"
#include "ctl.h"
#include "log.h"
#include "util.h"

struct ctl_client {
	struct ctl_server	*srv;
	struct bufferevent	*bev;
	uint64_t		 id;
	int			 follow;
	int			 pending;	/* requests not yet answered */
	int			 closing;	/* flush, then close */
	uid_t			 uid;
	struct ctl_client	*next;
};

/* A line logged at most once a minute, with how many were not. */
struct ratelog {
	int64_t			 said;		/* wall seconds */
	unsigned long		 quiet;		/* since then, not logged */
};

struct ctl_server {
	struct event_base	*base;
	struct evconnlistener	*lst;
	struct accept_guard	*guard;		/* pauses on EMFILE */
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	gid_t			 gid;
	int			 clients_max;
	int			 inherited;	/* systemd's: not ours to remove */
	ctl_request_cb		 cb;
	void			*arg;
	struct ctl_client	*clients;
	int			 nclients;
	uint64_t		 next_id;
	struct ratelog		 denied;	/* credentials refused */
	struct ratelog		 busy;		/* too many clients */
};

/*
 * Is it time to log again? Then more says how many were not (or is
 * empty) and the count starts over. A flood of refused connections costs
 * a line a minute, not one each.
 */
static int
ratelog_due(struct ratelog *r, char *more, size_t sz)
{
	int64_t	 now = util_wall();

	if (r->said != 0 && now - r->said < 60) {
		r->quiet++;
		return 0;
	}
	more[0] = '\0';
	if (r->quiet > 0)
		snprintf(more, sz, " (and %lu more in the last minute, not "
		    "logged)", r->quiet);
	r->said = now;
	r->quiet = 0;
	return 1;
}

static void
client_free(struct ctl_client *c)
{
	struct ctl_server	*s = c->srv;
	struct ctl_client	**pp;

	for (pp = &s->clients; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	s->nclients--;
	bufferevent_free(c->bev);
	free(c);
}

static struct ctl_client *
client_find(struct ctl_server *s, uint64_t id)
{
	struct ctl_client	*c;

	for (c = s->clients; c != NULL; c = c->next)
		if (c->id == id && !c->closing)
			return c;
	return NULL;
}

/*
 * Queue o for the client, a reply or an event. The unread output never
 * goes over CTL_OUTPUT_MAX: a reply that alone would is replaced by an
 * error saying so, and a client whose unread output would is dropped
 * (it does not read). -1 when the client is gone (freed).
 */
static int
client_send(struct ctl_client *c, json_t *o, int reply)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	json_t		*err = NULL;
	char		*s, why[128];
	size_t		 n, unread = evbuffer_get_length(out);

	json_object_set_new(o, "version", json_integer(CTL_VERSION));
	/* the size first: a reply too large is never laid out in memory */
	n = json_dumpb(o, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER) + 1;
	if (reply && n > CTL_OUTPUT_MAX) {
		snprintf(why, sizeof(why), "reply too large (%zu bytes, the "
		    "limit is %d): ask for less", n, CTL_OUTPUT_MAX);
		log_warnx("control: client %llu: %s", (unsigned long long)c->id,
		    why);
		if ((err = json_pack("{s:b,s:s,s:i}", "ok", 0, "error", why,
		    "version", CTL_VERSION)) == NULL)
			return 0;
		o = err;
		n = json_dumpb(o, NULL, 0, JSON_COMPACT |
		    JSON_PRESERVE_ORDER) + 1;
	}
	if (unread + n > CTL_OUTPUT_MAX) {
		/* it never reads: drop it rather than buffer without end */
		log_warnx("control: client %llu does not read (%zu bytes "
		    "unread, at most %d), dropped", (unsigned long long)c->id,
		    unread, CTL_OUTPUT_MAX);
		json_decref(err);
		client_free(c);
		return -1;
	}
	if ((s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) != NULL) {
		/* out of memory: the reply is lost, the client stays */
		if (evbuffer_add(out, s, strlen(s)) == 0)
			evbuffer_add(out, "\n", 1);
		free(s);
	}
	json_decref(err);
	return 0;
}

static void
client_error_close(struct ctl_client *c, const char *msg)
{
	json_t	*o = json_pack("{s:b,s:s}", "ok", 0, "error", msg);

	if (o != NULL && client_send(c, o, 1) == -1) {
		json_decref(o);
		return;		/* freed */
	}
	json_decref(o);
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		client_free(c);
}

const struct ctl_command ctl_commands[CTL_NCMDS] = {
	{ CTL_STATUS, "status", 0, CTL_TIMEOUT_MS,
	    "uptime, targets, runs, open alerts, the store" },
	{ CTL_TARGETS, "targets", CTL_PAGED, CTL_TIMEOUT_MS,
	    "every target, its status and next run" },
	{ CTL_SHOW, "show", CTL_TARGET, CTL_TIMEOUT_MS,
	    "a target's alerts and last run" },
	{ CTL_HISTORY, "history", CTL_TARGET | CTL_RANGE | CTL_PAGED,
	    CTL_TIMEOUT_MS,
	    "a target's sessions, audits and alert events from the store" },
	{ CTL_PROBE, "probe", CTL_TARGET, CTL_PROBE_TIMEOUT_MS,
	    "run a target's full check now and wait for it" },
	{ CTL_FOLLOW, "follow", CTL_STREAM, 0,
	    "results and alerts as they happen" },
	{ CTL_RELOAD, "reload", 0, CTL_TIMEOUT_MS,
	    "read the configuration again" },
	{ CTL_LOGS, "logs", 0, CTL_TIMEOUT_MS,
	    "the MTA logs followed ([log]): failures per domain and cause "
	    "in the window" },
};

const struct ctl_command *
ctl_command_find(const char *name)
{
	int	 i;

	for (i = 0; i < CTL_NCMDS; i++)
		if (strcmp(ctl_commands[i].name, name) == 0)
			return &ctl_commands[i];
	return NULL;
}

/* "unknown command (status, targets, ... or reload)", from the table. */
static const char *
unknown_command(void)
{
	static char	 buf[256];
	size_t		 o;
	int		 i;

	if (buf[0] != '\0')
		return buf;
	o = (size_t)snprintf(buf, sizeof(buf), "unknown command (");
	for (i = 0; i < CTL_NCMDS && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
		    i == 0 ? "" : i == CTL_NCMDS - 1 ? " or " : ", ",
		    ctl_commands[i].name);
	if (o < sizeof(buf))
		snprintf(buf + o, sizeof(buf) - o, ")");
	return buf;
}

json_t *
ctl_parse_request(const char *line, size_t len, const char **cmd,
    const char **why)
{
	json_error_t	 jerr;
	json_t		*req;
	size_t		 i;

	*cmd = NULL;
	if (len > CTL_LINE_MAX) {
		*why = "request line too long";
		return NULL;
	}
	if ((req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		*why = "not JSON";
		return NULL;
	}
	if (!json_is_object(req) ||
	    (*cmd = json_string_value(json_object_get(req, "cmd"))) == NULL) {
		*why = "expected an object with \"cmd\"";
		json_decref(req);
		return NULL;
	}
	for (i = 0; (*cmd)[i] != '\0'; i++)
		if ((*cmd)[i] < 'a' || (*cmd)[i] > 'z' || i > 16) {
			*why = "\"cmd\" is not a command name";
			json_decref(req);
			*cmd = NULL;
			return NULL;
		}
	return req;
}

static void
client_read(struct bufferevent *bev, void *arg)
{
	struct ctl_client	*c = arg;
	struct ctl_server	*s = c->srv;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 p;
	const struct ctl_command *cc;
	json_t			*req;
	const char		*cmd, *why;
	char			*line;
	size_t			 eol, n;
	uint64_t		 id = c->id;

	while (client_find(s, id) == c) {
		p = evbuffer_search_eol(in, NULL, &eol, EVBUFFER_EOL_LF);
		if (p.pos == -1) {
			if (evbuffer_get_length(in) > CTL_LINE_MAX)
				client_error_close(c, "request line too long");
			return;
		}
		n = (size_t)p.pos;
		if (n > CTL_LINE_MAX) {
			client_error_close(c, "request line too long");
			return;
		}
		if ((line = malloc(n + 1)) == NULL) {
			client_error_close(c, "out of memory");
			return;
		}
		evbuffer_remove(in, line, n);
		evbuffer_drain(in, eol);
		line[n] = '\0';
		req = ctl_parse_request(line, n, &cmd, &why);
		free(line);
		if (req == NULL) {
			ctl_reply_error(s, id, why);
			continue;
		}
		if ((cc = ctl_command_find(cmd)) == NULL)
			ctl_reply_error(s, id, unknown_command());
		else if ((cc->flags & CTL_TARGET) &&
		    !json_is_string(json_object_get(req, "target")))
			ctl_reply_error(s, id, "\"target\" missing");
		else {
			c->pending++;
			s->cb(s, id, cc, req, s->arg);
		}
		json_decref(req);
	}
}

static void
client_write(struct bufferevent *bev, void *arg)
{
	struct ctl_client	*c = arg;

	if (c->closing &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		client_free(c);
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client	*c = arg;

	(void)bev;
	if ((what & BEV_EVENT_TIMEOUT) && !(what & BEV_EVENT_WRITING) &&
	    (c->follow || c->pending > 0)) {
		/* followers, and clients waiting for a probe, may stay silent */
		bufferevent_enable(c->bev, EV_READ);
		return;
	}
	client_free(c);
}

/* A last word before closing; nothing to do if it does not get through. */
static void
best_effort_write(int fd, const char *s, size_t n)
{
	ssize_t	 w = write(fd, s, n);

	(void)w;
}

/*
 * Is gid among the peer's supplementary groups? SO_PEERGROUPS (Linux
 * 4.13) gives them as they were when the peer connected, from the
 * socket: nothing is read from /proc, which a sandboxed daemon may not
 * see (systemd's ProtectProc=invisible) and which would race the peer
 * anyway. An older kernel gives none: only the primary group counts.
 */
static int
peer_in_group(int fd, gid_t gid)
{
	gid_t		 few[64], *g = few;
	socklen_t	 len = sizeof(few);
	size_t		 i, n;
	int		 found = 0;

#ifdef SO_PEERGROUPS
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == -1) {
		/* more than 64: the kernel says how much room they need */
		if (errno != ERANGE || len == 0 || len > 65536 * sizeof(gid_t) ||
		    (g = malloc(len)) == NULL)
			return 0;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == -1) {
			free(g);
			return 0;
		}
	}
	n = len / sizeof(gid_t);
	for (i = 0; i < n && !found; i++)
		found = g[i] == gid;
	if (g != few)
		free(g);
#else
	(void)fd;
	(void)gid;
	(void)g;
	(void)len;
	(void)i;
	(void)n;
#endif
	return found;
}

/*
 * Root, our own user, and members of the control group (by the primary
 * group SO_PEERCRED gives, or a supplementary one) are served.
 */
static int
cred_ok(struct ctl_server *s, int fd, uid_t *uid)
{
	struct ucred	 cr;
	socklen_t	 l = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) == -1)
		return 0;
	*uid = cr.uid;
	if (cr.uid == 0 || cr.uid == geteuid())
		return 1;
	if (s->gid == (gid_t)-1)
		return 0;
	return cr.gid == s->gid || peer_in_group(fd, s->gid);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct ctl_server	*s = arg;
	struct ctl_client	*c;
	struct timeval		 idle = { CTL_IDLE_SECONDS, 0 };
	char			 more[80];
	uid_t			 uid = (uid_t)-1;
	static const char	 busy[] = "{\"ok\":false,\"error\":\"too many "
				    "clients\",\"version\":1}\n";
	static const char	 denied[] = "{\"ok\":false,\"error\":\"permission "
				    "denied\",\"version\":1}\n";

	(void)l;
	(void)sa;
	(void)salen;
	if (!cred_ok(s, fd, &uid)) {
		best_effort_write(fd, denied, sizeof(denied) - 1);
		if (ratelog_due(&s->denied, more, sizeof(more)))
			log_warnx("control: uid %ld refused%s", (long)uid, more);
		close(fd);
		return;
	}
	if (s->nclients >= s->clients_max) {
		best_effort_write(fd, busy, sizeof(busy) - 1);
		if (ratelog_due(&s->busy, more, sizeof(more)))
			log_warnx("control: %d clients, the most allowed: one "
			    "more refused%s", s->nclients, more);
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		close(fd);
		free(c);
		return;
	}
	c->srv = s;
	c->uid = uid;
	c->id = ++s->next_id;
	c->next = s->clients;
	s->clients = c;
	s->nclients++;
	bufferevent_setcb(c->bev, client_read, client_write, client_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, CTL_LINE_MAX * 2);
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* Is something answering on path? */
static int
socket_alive(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd, rv;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	util_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	rv = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return rv;
}

static struct ctl_server *
server_new(struct event_base *base, const struct ctl_config *cfg,
    ctl_request_cb cb, void *arg)
{
	struct ctl_server	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->base = base;
	s->gid = cfg->gid;
	s->clients_max = cfg->clients_max > 0 && cfg->clients_max <
	    CTL_CLIENTS_MAX ? cfg->clients_max : CTL_CLIENTS_MAX;
	s->cb = cb;
	s->arg = arg;
	util_strlcpy(s->path, cfg->path, sizeof(s->path));
	return s;
}

/*
 * The socket systemd made (smtprobed.socket): it listens already, with
 * the mode and group the socket unit gave it, and stays when we stop.
 */
static struct ctl_server *
listen_inherited(struct event_base *base, const struct ctl_config *cfg,
    ctl_request_cb cb, void *arg, char **cause)
{
	struct ctl_server	*s;
	static char		 buf[512];
	int			 fl;

	if ((s = server_new(base, cfg, cb, arg)) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	s->inherited = 1;
	if ((fl = fcntl(cfg->fd, F_GETFL)) == -1 ||
	    fcntl(cfg->fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(cfg->fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    (s->lst = evconnlistener_new(base, accept_cb, s,
	    LEV_OPT_CLOSE_ON_FREE, -1, cfg->fd)) == NULL) {
		snprintf(buf, sizeof(buf), "%s (from systemd): %s", cfg->path,
		    strerror(errno));
		*cause = buf;
		free(s);
		return NULL;
	}
	if ((s->guard = accept_guard_new(base, s->lst, "control")) == NULL) {
		evconnlistener_free(s->lst);
		free(s);
		*cause = "out of memory";
		return NULL;
	}
	return s;
}

struct ctl_server *
ctl_listen(struct event_base *base, const struct ctl_config *cfg,
    ctl_request_cb cb, void *arg, char **cause)
{
	struct ctl_server	*s;
	struct sockaddr_un	 sun;
	struct stat		 st;
	static char		 buf[512];
	mode_t			 old;
	int			 fd;

	*cause = NULL;
	if (strlen(cfg->path) >= sizeof(sun.sun_path)) {
		snprintf(buf, sizeof(buf), "%s: path too long", cfg->path);
		*cause = buf;
		return NULL;
	}
	if (cfg->fd > 2)
		return listen_inherited(base, cfg, cb, arg, cause);
	if (lstat(cfg->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(buf, sizeof(buf), "%s: exists and is not a "
			    "socket", cfg->path);
			*cause = buf;
			return NULL;
		}
		if (socket_alive(cfg->path)) {
			snprintf(buf, sizeof(buf), "%s: another daemon answers "
			    "there", cfg->path);
			*cause = buf;
			return NULL;
		}
		unlink(cfg->path);	/* stale */
	}
	if ((s = server_new(base, cfg, cb, arg)) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		goto fail;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	util_strlcpy(sun.sun_path, cfg->path, sizeof(sun.sun_path));
	/* no window in which the socket has looser permissions */
	old = umask(0777 & ~cfg->mode);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		close(fd);
		goto fail;
	}
	umask(old);
	if (chmod(cfg->path, cfg->mode) == -1) {
		close(fd);
		unlink(cfg->path);
		goto fail;
	}
	if (cfg->gid != (gid_t)-1 && chown(cfg->path, (uid_t)-1, cfg->gid) ==
	    -1) {
		/* not root and not a member: say what would do */
		snprintf(buf, sizeof(buf), "%s: cannot give it group %ld (%s): "
		    "the daemon must run as root or as a member of the group "
		    "(systemd: let smtprobed.socket make the socket, with "
		    "SocketGroup=, or give the service SupplementaryGroups=)",
		    cfg->path, (long)cfg->gid, strerror(errno));
		*cause = buf;
		close(fd);
		unlink(cfg->path);
		free(s);
		return NULL;
	}
	s->lst = evconnlistener_new(base, accept_cb, s, LEV_OPT_CLOSE_ON_FREE,
	    128, fd);
	if (s->lst == NULL) {
		close(fd);
		unlink(cfg->path);
		goto fail;
	}
	if ((s->guard = accept_guard_new(base, s->lst, "control")) == NULL) {
		evconnlistener_free(s->lst);
		unlink(cfg->path);
		errno = ENOMEM;
		goto fail;
	}
	return s;
fail:
	snprintf(buf, sizeof(buf), "%s: %s", cfg->path, strerror(errno));
	*cause = buf;
	free(s);
	return NULL;
}

int
ctl_reply(struct ctl_server *s, uint64_t id, json_t *reply)
{
	struct ctl_client	*c = client_find(s, id);
	int			 rv;

	if (c == NULL || reply == NULL) {
		json_decref(reply);
		return -1;
	}
	if (c->pending > 0)
		c->pending--;
	rv = client_send(c, reply, 1);
	json_decref(reply);
	return rv;
}

int
ctl_reply_error(struct ctl_server *s, uint64_t id, const char *msg)
{
	return ctl_reply(s, id, json_pack("{s:b,s:s}", "ok", 0, "error", msg));
}

int
ctl_follow(struct ctl_server *s, uint64_t id)
{
	struct ctl_client	*c = client_find(s, id);

	if (c == NULL)
		return -1;
	c->follow = 1;
	return 0;
}

void
ctl_broadcast(struct ctl_server *s, json_t *ev)
{
	struct ctl_client	*c, *next;

	if (ev == NULL)
		return;
	for (c = s->clients; c != NULL; c = next) {
		next = c->next;
		if (c->follow && !c->closing)
			client_send(c, ev, 0);	/* may free c */
	}
	json_decref(ev);
}

int
ctl_clients(const struct ctl_server *s, int *followers)
{
	const struct ctl_client	*c;
	int			 f = 0;

	for (c = s->clients; c != NULL; c = c->next)
		f += c->follow;
	if (followers != NULL)
		*followers = f;
	return s->nclients;
}

void
ctl_close(struct ctl_server *s)
{
	if (s == NULL)
		return;
	while (s->clients != NULL)
		client_free(s->clients);
	accept_guard_free(s->guard);
	evconnlistener_free(s->lst);
	if (!s->inherited)
		unlink(s->path);
	free(s);
}

/* ---- client ---- */

int
ctl_request(const char *path, json_t *req, int timeout_ms, ctl_line_cb cb,
    void *arg, char *errbuf, size_t errsz)
{
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	json_error_t		 jerr;
	json_t			*o;
	char			*s, *buf = NULL, *nl;
	size_t			 len = 0, cap = 0, off;
	ssize_t			 n;
	int			 fd, done = 0, rv = -1, nreplies = 0;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(errbuf, errsz, "%s: path too long", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(errbuf, errsz, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	util_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(errbuf, errsz, "%s: %s (is smtprobed running?)", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if ((s = json_dumps(req, JSON_COMPACT)) == NULL) {
		snprintf(errbuf, errsz, "cannot encode the request");
		close(fd);
		return -1;
	}
	off = strlen(s);
	/*
	 * A refusing daemon (credentials, too many clients) answers and
	 * closes at once, maybe before our request is through: a failed
	 * write still leaves its answer to read.
	 */
	if (write(fd, s, off) != (ssize_t)off || write(fd, "\n", 1) != 1)
		shutdown(fd, SHUT_WR);
	free(s);
	while (!done) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		n = poll(&pfd, 1, timeout_ms > 0 ? timeout_ms : -1);
		if (n == 0) {
			snprintf(errbuf, errsz, "no answer from %s within %d ms",
			    path, timeout_ms);
			goto out;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(errbuf, errsz, "poll: %s", strerror(errno));
			goto out;
		}
		if (cap - len < 65536) {
			char *nb;

			if (cap > 64 * 1024 * 1024 ||
			    (nb = realloc(buf, cap + 65536)) == NULL) {
				snprintf(errbuf, errsz, "reply too large");
				goto out;
			}
			buf = nb;
			cap += 65536;
		}
		if ((n = read(fd, buf + len, cap - len - 1)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (len > 0)
				snprintf(errbuf, errsz, "%s closed mid-line", path);
			else if (nreplies == 0)
				snprintf(errbuf, errsz, "%s closed the connection "
				    "without a reply", path);
			else
				rv = 0;
			goto out;
		}
		len += (size_t)n;
		buf[len] = '\0';
		while (!done && (nl = memchr(buf, '\n', len)) != NULL) {
			*nl = '\0';
			o = json_loads(buf, 0, &jerr);
			off = (size_t)(nl - buf) + 1;
			memmove(buf, buf + off, len - off);
			len -= off;
			if (o == NULL) {
				snprintf(errbuf, errsz, "bad reply: %s", jerr.text);
				goto out;
			}
			nreplies++;
			done = cb(o, arg);
			json_decref(o);
		}
	}
	rv = 0;
out:
	free(buf);
	close(fd);
	return rv;
}
