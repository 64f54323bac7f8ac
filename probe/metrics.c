/*
 * metrics.c - /metrics over evhttp.
 *
 * Only GET /metrics is served; everything else is 404 or 405. Requests
 * are bounded (headers, body, time) since the port may be reachable by
 * more than the Prometheus server.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "accept.h"
#include "metrics.h"

struct metrics {
	struct evhttp		*http;
	struct accept_guard	*guard;		/* pauses on EMFILE */
	metrics_render_cb	 render;
	void			*arg;
	unsigned long		 scrapes;
};

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

static void
handle(struct evhttp_request *req, void *arg)
{
	struct metrics	*m = arg;
	struct evbuffer	*out;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		evhttp_send_error(req, 405, "Method Not Allowed");
		return;
	}
	if ((out = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, "Internal Server Error");
		return;
	}
	m->scrapes++;
	m->render(out, m->arg);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
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
    socklen_t len, metrics_render_cb render, void *arg, char **cause)
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
	evhttp_set_max_headers_size(m->http, 8192);
	evhttp_set_max_body_size(m->http, 1024);
	evhttp_set_timeout(m->http, 10);
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_cb(m->http, "/metrics", handle, m);
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
	evhttp_free(m->http);
	free(m);
}

unsigned long
metrics_scrapes(const struct metrics *m)
{
	return m->scrapes;
}
