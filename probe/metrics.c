/*
 * metrics.c - /metrics over evhttp.
 *
 * GET (and HEAD) of /metrics, and of / for a page that links to it, as
 * the Prometheus exporters have; another method there is 405 with the
 * methods allowed, another path 404. The port may be reachable by more
 * than the Prometheus server, so a connection is bounded as a whole,
 * not only byte by byte (evhttp's own timeout is renewed by every byte a
 * slow client sends):
 *
 *	- METRICS_DEADLINE_MS from accept to the end of the reply, then
 *	  it is shut down, whatever it is doing;
 *	- at most conns_max at once: one more closes the oldest (a client
 *	  that sends its request at once is served at once, however many
 *	  others trickle);
 *	- 4 KiB of request headers, no body; every reply closes the
 *	  connection (a scrape is one request).
 *
 * evhttp owns each connection. It lets us make the bufferevent (which
 * we hold, by a reference, only until the descriptor is known) and
 * nothing else: a connection is known to us by its descriptor and the
 * socket's inode, so that one closed by evhttp, and a descriptor number
 * reused since, is never taken for it.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/queue.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "accept.h"
#include "log.h"
#include "metrics.h"
#include "util.h"

/* One connection evhttp has accepted. */
struct mconn {
	struct metrics		*m;
	struct bufferevent	*bev;	/* referenced until adopted, then NULL */
	int			 fd;	/* -1 until adopted */
	dev_t			 dev;	/* the socket's identity */
	ino_t			 ino;
	int64_t			 start;	/* monotonic ms */
	struct event		*ev;	/* adopt, then the deadline */
	int			 armed;	/* ev is the deadline */
	TAILQ_ENTRY(mconn)	 entry;	/* oldest first */
};
TAILQ_HEAD(mconn_list, mconn);

struct metrics {
	struct evhttp		*http;
	struct accept_guard	*guard;		/* pauses on EMFILE */
	metrics_render_cb	 render;
	void			*arg;
	unsigned long		 scrapes;
	struct mconn_list	 conns;
	int			 nconns;
	int			 conns_max;
	unsigned long		 evicted;	/* closed to make room */
	int64_t			 evicted_said;	/* wall, last logged */
};

static void
mconn_free(struct mconn *c)
{
	TAILQ_REMOVE(&c->m->conns, c, entry);
	c->m->nconns--;
	if (c->bev != NULL)
		bufferevent_decref(c->bev);
	event_free(c->ev);
	free(c);
}

/*
 * Learn the descriptor evhttp gave the bufferevent and let go of our
 * reference. -1 when the connection is gone already.
 */
static int
mconn_adopt(struct mconn *c)
{
	struct stat	 st;
	int		 fd;

	if (c->bev == NULL)
		return 0;
	fd = bufferevent_getfd(c->bev);
	if (fd >= 0 && fstat(fd, &st) == 0) {
		c->fd = fd;
		c->dev = st.st_dev;
		c->ino = st.st_ino;
	}
	/* 1: evhttp had freed it already, ours was the last reference */
	if (bufferevent_decref(c->bev) == 1)
		c->fd = -1;
	c->bev = NULL;
	return c->fd == -1 ? -1 : 0;
}

/* Is the connection still open (its descriptor still that socket)? */
static int
mconn_alive(struct mconn *c)
{
	struct stat	 st;

	if (mconn_adopt(c) == -1)
		return 0;
	return fstat(c->fd, &st) == 0 && st.st_dev == c->dev &&
	    st.st_ino == c->ino;
}

/*
 * End a connection evhttp still has: shut down, its next read or write
 * fails and evhttp frees it (and closes the descriptor) on its own.
 */
static void
mconn_end(struct mconn *c)
{
	if (mconn_alive(c))
		shutdown(c->fd, SHUT_RDWR);
	mconn_free(c);
}

static void
mconn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct mconn	*c = arg;
	struct timeval	 tv;
	int64_t		 left;

	(void)fd;
	(void)what;
	if (!c->armed) {
		/* just accepted: evhttp has set the descriptor by now (a
		 * newer connection may have had us adopted already) */
		if (mconn_adopt(c) == -1) {
			mconn_free(c);
			return;
		}
		left = c->start + METRICS_DEADLINE_MS - util_now_us() / 1000;
		if (left < 0)
			left = 0;
		tv.tv_sec = left / 1000;
		tv.tv_usec = (left % 1000) * 1000;
		c->armed = 1;
		evtimer_add(c->ev, &tv);
		return;
	}
	mconn_end(c);
}

/*
 * evhttp's maker of bufferevents, called for each connection it
 * accepts, just before it gives the bufferevent the descriptor.
 */
static struct bufferevent *
mconn_new(struct event_base *base, void *arg)
{
	struct metrics		*m = arg;
	struct mconn		*c, *o, *next;
	struct bufferevent	*bev;

	if ((bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) ==
	    NULL)
		return NULL;	/* evhttp tries to make its own */
	/* forget the connections evhttp has closed */
	for (o = TAILQ_FIRST(&m->conns); o != NULL; o = next) {
		next = TAILQ_NEXT(o, entry);
		if (!mconn_alive(o))
			mconn_free(o);
	}
	while (m->nconns >= m->conns_max) {
		o = TAILQ_FIRST(&m->conns);
		m->evicted++;
		if (util_wall() - m->evicted_said >= 60) {
			m->evicted_said = util_wall();
			log_warnx("metrics: %d connections at once, the most "
			    "allowed: the oldest closed to make room (%lu so "
			    "far)", m->nconns, m->evicted);
		}
		mconn_end(o);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->ev = evtimer_new(base, mconn_timer, c)) == NULL) {
		free(c);
		return bev;	/* served, only not bounded: out of memory */
	}
	c->m = m;
	c->bev = bev;
	c->fd = -1;
	c->start = util_now_us() / 1000;
	bufferevent_incref(bev);
	TAILQ_INSERT_TAIL(&m->conns, c, entry);
	m->nconns++;
	event_active(c->ev, EV_TIMEOUT, 0);
	return bev;
}

static void
escape(struct evbuffer *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			evbuffer_add(out, "\\\\", 2);
		else if (*s == '"')
			evbuffer_add(out, "\\\"", 2);
		else if (*s == '\n')
			evbuffer_add(out, "\\n", 2);
		else
			evbuffer_add(out, s, 1);
	}
}

void
metrics_family(struct evbuffer *out, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

void
metrics_sample(struct evbuffer *out, const char *name,
    const char *const *labels, double v)
{
	int	 i;

	evbuffer_add_printf(out, "%s", name);
	if (labels != NULL && labels[0] != NULL) {
		evbuffer_add(out, "{", 1);
		for (i = 0; labels[i] != NULL && labels[i + 1] != NULL; i += 2) {
			evbuffer_add_printf(out, "%s%s=\"", i ? "," : "",
			    labels[i]);
			escape(out, labels[i + 1]);
			evbuffer_add(out, "\"", 1);
		}
		evbuffer_add(out, "}", 1);
	}
	if (isnan(v))
		evbuffer_add_printf(out, " NaN\n");
	else if (v == (double)(long long)v && fabs(v) < 1e15)
		evbuffer_add_printf(out, " %lld\n", (long long)v);
	else
		evbuffer_add_printf(out, " %.9g\n", v);
}

/*
 * GET and HEAD only: 405 says so, with Allow (RFC 9110 15.5.6), which
 * evhttp_send_error() would drop with the other headers.
 */
static int
method_ok(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*out;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET ||
	    evhttp_request_get_command(req) == EVHTTP_REQ_HEAD)
		return 1;
	if ((out = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 405, "Method Not Allowed");
		return 0;
	}
	evbuffer_add_printf(out, "405 Method Not Allowed: GET or HEAD\n");
	evhttp_add_header(h, "Allow", "GET, HEAD");
	evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(h, "Connection", "close");
	evhttp_send_reply(req, 405, "Method Not Allowed", out);
	evbuffer_free(out);
	return 0;
}

static void
index_page(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*out;

	(void)arg;
	if (!method_ok(req))
		return;
	if ((out = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, "Internal Server Error");
		return;
	}
	evbuffer_add_printf(out, "<!DOCTYPE html>\n<html><head><title>smtprobed"
	    "</title></head>\n<body><h1>smtprobed</h1>\n<p>Mail delivery "
	    "probes: <a href=\"/metrics\">metrics</a></p>\n</body></html>\n");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/html; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

static void
handle(struct evhttp_request *req, void *arg)
{
	struct metrics	*m = arg;
	struct evbuffer	*out;

	if (!method_ok(req))
		return;
	if ((out = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, "Internal Server Error");
		return;
	}
	m->scrapes++;
	m->render(out, m->arg);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Connection", "close");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

static void
notfound(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, 404, "Not Found");
}

struct metrics *
metrics_listen(struct event_base *base, const struct sockaddr_storage *ss,
    socklen_t len, int conns_max, metrics_render_cb render, void *arg,
    char **cause)
{
	struct metrics	*m;
	struct evhttp_bound_socket *bound;
	char		 addr[INET6_ADDRSTRLEN];
	uint16_t	 port;
	static char	 buf[256];

	(void)len;
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->http = evhttp_new(base)) == NULL) {
		free(m);
		*cause = "out of memory";
		return NULL;
	}
	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
		    addr, sizeof(addr));
		port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	} else {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		    addr, sizeof(addr));
		port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	}
	m->render = render;
	m->arg = arg;
	TAILQ_INIT(&m->conns);
	m->conns_max = conns_max > 0 && conns_max < METRICS_CONNS_MAX ?
	    conns_max : METRICS_CONNS_MAX;
	evhttp_set_bevcb(m->http, mconn_new, m);
	evhttp_set_max_headers_size(m->http, METRICS_HEADERS_MAX);
	evhttp_set_max_body_size(m->http, 0);
	/* between two reads or writes; the deadline bounds the whole */
	evhttp_set_timeout(m->http, METRICS_DEADLINE_MS / 1000);
	/* evhttp answers 501 to what it does not allow: we answer 405 */
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_cb(m->http, "/metrics", handle, m);
	evhttp_set_cb(m->http, "/", index_page, m);
	evhttp_set_gencb(m->http, notfound, NULL);
	if ((bound = evhttp_bind_socket_with_handle(m->http, addr, port)) ==
	    NULL) {
		snprintf(buf, sizeof(buf), "metrics: cannot listen on %s port "
		    "%u", addr, port);
		*cause = buf;
		evhttp_free(m->http);
		free(m);
		return NULL;
	}
	if ((m->guard = accept_guard_new(base,
	    evhttp_bound_socket_get_listener(bound), "metrics")) == NULL) {
		*cause = "out of memory";
		evhttp_free(m->http);
		free(m);
		return NULL;
	}
	return m;
}

void
metrics_close(struct metrics *m)
{
	if (m == NULL)
		return;
	accept_guard_free(m->guard);
	/* evhttp_free closes the connections: ours are only bookkeeping */
	while (!TAILQ_EMPTY(&m->conns))
		mconn_free(TAILQ_FIRST(&m->conns));
	evhttp_free(m->http);
	free(m);
}

unsigned long
metrics_scrapes(const struct metrics *m)
{
	return m->scrapes;
}
