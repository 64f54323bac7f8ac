/*
 * fetch.c - HTTPS GET with evhttp over an OpenSSL bufferevent.
 *
 * evhttp is given a numeric address, so it never calls a blocking
 * resolver; the caller resolves names with lib/dns. The certificate is
 * checked with the same inspection as SMTP sessions (tls.c) and judged
 * strictly: MTA-STS requires a valid chain and name (RFC 8461 3.3).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>

#include <openssl/err.h>

#include "fetch.h"
#include "util.h"

struct fetch {
	struct event_base		*base;
	struct fetch_params		 p;
	char				 host[256];
	fetch_cb			 cb;
	void				*arg;
	struct evhttp_connection	*conn;
	struct bufferevent		*bev;
	SSL				*ssl;
	struct event			*ev_timer;
	struct event			*ev_done;
	int				 ended;
	int				 inspected;
	struct fetch_result		 res;
};

static const char *status_names[] = {
	[FETCH_OK] = "ok",
	[FETCH_CONNECT] = "connect",
	[FETCH_TLS] = "tls",
	[FETCH_CERT] = "certificate",
	[FETCH_HTTP] = "http",
	[FETCH_TOO_BIG] = "too-big",
	[FETCH_TIMEOUT] = "timeout",
};

const char *
fetch_status_name(enum fetch_status s)
{
	return (unsigned)s <= FETCH_TIMEOUT ? status_names[s] : "?";
}

static void
fetch_end(struct fetch *f, enum fetch_status st)
{
	if (f->ended)
		return;
	f->ended = 1;
	f->res.status = st;
	evtimer_del(f->ev_timer);
	event_active(f->ev_done, EV_TIMEOUT, 0);
}

static void
fetch_done_ev(evutil_socket_t fd, short what, void *arg)
{
	struct fetch	*f = arg;

	(void)fd;
	(void)what;
	f->cb(f, &f->res, f->arg);
}

static void
fetch_timer(evutil_socket_t fd, short what, void *arg)
{
	struct fetch	*f = arg;

	(void)fd;
	(void)what;
	snprintf(f->res.error, sizeof(f->res.error),
	    "no complete response within %d ms", f->p.timeout_ms);
	fetch_end(f, FETCH_TIMEOUT);
}

/*
 * Inspect the certificate when the handshake completes: by the time
 * evhttp hands us the response the connection may already be closed
 * and the SSL reset, so afterwards is too late.
 */
static void
info_cb(const SSL *ssl, int where, int ret)
{
	struct fetch	*f = SSL_get_app_data(ssl);

	(void)ret;
	if (f == NULL || !(where & SSL_CB_HANDSHAKE_DONE) || f->inspected)
		return;
	tls_inspect((SSL *)(uintptr_t)ssl, f->host, &f->res.tls);
	f->inspected = 1;
}

/* After the handshake: is the certificate good for the host? */
static int
cert_ok(struct fetch *f)
{
	struct tls_info	*t = &f->res.tls;

	if (!f->inspected) {
		snprintf(f->res.error, sizeof(f->res.error),
		    "certificate of %.100s could not be inspected", f->host);
		return 0;
	}
	if (!t->verified || !t->hostname_ok ||
	    (t->verify_flags & (TLS_V_EXPIRED | TLS_V_NOT_YET_VALID))) {
		snprintf(f->res.error, sizeof(f->res.error),
		    "certificate of %.100s not valid: %.100s%s%s", f->host,
		    t->verify_error[0] ? t->verify_error : "",
		    t->verify_error[0] && !t->hostname_ok ? "; " : "",
		    !t->hostname_ok ? "name does not match" : "");
		return 0;
	}
	return 1;
}

static void
fetch_response(struct evhttp_request *req, void *arg)
{
	struct fetch	*f = arg;
	struct evbuffer	*in;
	const char	*ct;
	size_t		 len;

	if (f->ended)
		return;
	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		/* the error callback has said why, or will */
		if (f->res.error[0] == '\0')
			snprintf(f->res.error, sizeof(f->res.error),
			    "connection to %.100s failed", f->host);
		fetch_end(f, FETCH_CONNECT);
		return;
	}
	if (!cert_ok(f)) {
		fetch_end(f, FETCH_CERT);
		return;
	}
	f->res.http_code = evhttp_request_get_response_code(req);
	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if (ct != NULL)
		util_sanitize_buf(f->res.content_type,
		    sizeof(f->res.content_type), ct, strlen(ct));
	if (f->res.http_code != 200) {
		/* RFC 8461 3.3: redirects are not followed */
		snprintf(f->res.error, sizeof(f->res.error), "HTTP status %d%s",
		    f->res.http_code, f->res.http_code / 100 == 3 ?
		    " (redirects are not followed)" : "");
		fetch_end(f, FETCH_HTTP);
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	if (len > f->p.max_body) {
		snprintf(f->res.error, sizeof(f->res.error),
		    "body over %zu bytes", f->p.max_body);
		fetch_end(f, FETCH_TOO_BIG);
		return;
	}
	if ((f->res.body = malloc(len + 1)) == NULL) {
		snprintf(f->res.error, sizeof(f->res.error), "out of memory");
		fetch_end(f, FETCH_CONNECT);
		return;
	}
	evbuffer_remove(in, f->res.body, len);
	f->res.body[len] = '\0';
	f->res.len = len;
	fetch_end(f, FETCH_OK);
}

static void
fetch_error(enum evhttp_request_error e, void *arg)
{
	struct fetch	*f = arg;
	unsigned long	 ssl_err;
	char		 buf[160];
	int		 err = EVUTIL_SOCKET_ERROR();

	if (f->ended)
		return;
	ssl_err = f->bev ? bufferevent_get_openssl_error(f->bev) : 0;
	if (e == EVREQ_HTTP_DATA_TOO_LONG) {
		snprintf(f->res.error, sizeof(f->res.error),
		    "body over %zu bytes", f->p.max_body);
		fetch_end(f, FETCH_TOO_BIG);
	} else if (e == EVREQ_HTTP_TIMEOUT) {
		snprintf(f->res.error, sizeof(f->res.error), "HTTP timeout");
		fetch_end(f, FETCH_TIMEOUT);
	} else if (ssl_err != 0) {
		ERR_error_string_n(ssl_err, buf, sizeof(buf));
		snprintf(f->res.error, sizeof(f->res.error),
		    "TLS handshake with %.100s failed: %.120s", f->host, buf);
		fetch_end(f, FETCH_TLS);
	} else if (f->inspected && !cert_ok(f)) {
		fetch_end(f, FETCH_CERT);
	} else {
		snprintf(f->res.error, sizeof(f->res.error),
		    "request to %.100s failed (%s)", f->host,
		    e == EVREQ_HTTP_INVALID_HEADER ? "invalid response header" :
		    e == EVREQ_HTTP_EOF ? (err ? strerror(err) :
		    "connection closed") : "connection error");
		fetch_end(f, err == ECONNREFUSED || err == ENETUNREACH ||
		    err == EHOSTUNREACH || !f->inspected ? FETCH_CONNECT :
		    FETCH_HTTP);
	}
}

struct fetch *
fetch_start(struct event_base *base, const struct fetch_params *p,
    fetch_cb cb, void *arg, const char **cause)
{
	struct fetch		*f;
	struct evhttp_request	*req;
	char			 addr[INET6_ADDRSTRLEN];
	uint16_t		 port;
	struct timeval		 tv;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	f->base = base;
	f->p = *p;
	f->cb = cb;
	f->arg = arg;
	util_strlcpy(f->host, p->host, sizeof(f->host));
	f->p.host = f->host;
	if (p->ss.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)&p->ss;

		inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
		port = ntohs(s4->sin_port);
	} else {
		const struct sockaddr_in6 *s6 = (const void *)&p->ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
		port = ntohs(s6->sin6_port);
	}
	f->ev_timer = evtimer_new(base, fetch_timer, f);
	f->ev_done = evtimer_new(base, fetch_done_ev, f);
	f->ssl = tls_ssl_new(p->tls, f->host, &f->res.tls);
	if (f->ev_timer == NULL || f->ev_done == NULL || f->ssl == NULL)
		goto fail;
	SSL_set_app_data(f->ssl, f);
	SSL_set_info_callback(f->ssl, info_cb);
	f->bev = bufferevent_openssl_socket_new(base, -1, f->ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS);
	if (f->bev == NULL)
		goto fail;
	bufferevent_openssl_set_allow_dirty_shutdown(f->bev, 1);
	f->conn = evhttp_connection_base_bufferevent_new(base, NULL, f->bev,
	    addr, port);
	if (f->conn == NULL)
		goto fail;
	evhttp_connection_set_max_body_size(f->conn, (ev_ssize_t)p->max_body);
	evhttp_connection_set_max_headers_size(f->conn, 16384);
	evhttp_connection_set_retries(f->conn, 0);
	if ((req = evhttp_request_new(fetch_response, f)) == NULL)
		goto fail;
	evhttp_request_set_error_cb(req, fetch_error);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    f->host);
	evhttp_add_header(evhttp_request_get_output_headers(req), "User-Agent",
	    "smtprobe");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Connection",
	    "close");
	if (evhttp_make_request(f->conn, req, EVHTTP_REQ_GET, p->path) != 0)
		goto fail;
	tv.tv_sec = p->timeout_ms / 1000;
	tv.tv_usec = (p->timeout_ms % 1000) * 1000;
	evtimer_add(f->ev_timer, &tv);
	return f;
fail:
	*cause = "cannot start the HTTPS request";
	if (f->conn == NULL && f->bev != NULL)
		bufferevent_free(f->bev);	/* frees the SSL too */
	else if (f->bev == NULL && f->ssl != NULL)
		SSL_free(f->ssl);
	f->bev = NULL;
	fetch_free(f);
	return NULL;
}

void
fetch_free(struct fetch *f)
{
	if (f == NULL)
		return;
	if (f->conn != NULL)
		evhttp_connection_free(f->conn);	/* frees bev and SSL */
	if (f->ev_timer)
		event_free(f->ev_timer);
	if (f->ev_done)
		event_free(f->ev_done);
	free(f->res.body);
	tls_info_free(&f->res.tls);
	free(f);
}
