/*
 * conn.c - libevent + OpenSSL turned into line events.
 *
 * Lines are cut out of the input evbuffer into one fixed buffer per
 * connection: no allocation per line or byte on the read path. The read
 * high-watermark bounds what libevent buffers for a peer that never sends
 * a newline.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include <openssl/err.h>

#include "conn.h"
#include "util.h"

struct conn {
	struct event_base	*base;
	struct bufferevent	*bev;		/* socket, or the TLS filter over it */
	struct bufferevent	*sock;		/* the socket bufferevent itself */
	SSL			*ssl;		/* owned by the filter once set */
	evutil_socket_t		 fd;
	conn_cb			 cb;
	void			*arg;
	int			 stopped;	/* no more events to the callback */
	int			 connected;
	struct event		*ev_fail;	/* reports an immediate connect failure */
	int			 fail_err;
	size_t			 delivering;	/* bytes of the line being handed
						   over, still in the input */
};

static void	conn_read(struct bufferevent *, void *);
static void	conn_event(struct bufferevent *, short, void *);

static void
conn_emit(struct conn *c, enum conn_event ev, const char *t, size_t len,
    int err)
{
	if (!c->stopped)
		c->cb(c, ev, t, len, err, c->arg);
}

static void
conn_fail_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	(void)what;
	conn_emit(c, CONN_ERROR, NULL, 0, c->fail_err);
}

/*
 * Bytes left for the socket: ask for immediate ACKs again. TCP_NODELAY
 * keeps our own writes from waiting, but a server with Nagle on (Postfix
 * smtpd) holds its next segment until we ACK the last, and our delayed
 * ACK would make that 40 ms: after the TLS 1.3 handshake Postfix writes
 * two session tickets then the EHLO reply. Linux leaves quick-ACK mode
 * whenever we send, so it is set again after every send.
 */
static void
conn_sent(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn	*c = arg;
	int		 one = 1;

	(void)buf;
	if (info->n_deleted > 0)
		setsockopt(c->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

struct conn *
conn_new(struct event_base *base, const struct sockaddr *sa, socklen_t salen,
    conn_cb cb, void *arg, int *err)
{
	struct conn	*c;
	int		 one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		*err = errno;
		return NULL;
	}
	c->base = base;
	c->cb = cb;
	c->arg = arg;
	c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (c->fd == -1) {
		*err = errno;
		free(c);
		return NULL;
	}
	/* Nagle on the server plus delayed ACK here stalls 40 ms a turn. */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->bev = bufferevent_socket_new(base, c->fd, BEV_OPT_CLOSE_ON_FREE);
	c->ev_fail = evtimer_new(base, conn_fail_cb, c);
	if (c->bev == NULL || c->ev_fail == NULL) {
		*err = ENOMEM;
		if (c->bev)
			bufferevent_free(c->bev);
		else
			close(c->fd);
		if (c->ev_fail)
			event_free(c->ev_fail);
		free(c);
		return NULL;
	}
	bufferevent_setcb(c->bev, conn_read, NULL, conn_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, CONN_LINE_MAX * 4);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->sock = c->bev;
	evbuffer_add_cb(bufferevent_get_output(c->sock), conn_sent, c);
	if (bufferevent_socket_connect(c->bev, sa, (int)salen) == -1) {
		/* failed at once (ENETUNREACH...): report from the loop */
		c->fail_err = errno ? errno : ECONNREFUSED;
		event_active(c->ev_fail, EV_TIMEOUT, 0);
	}
	return c;
}

int
conn_write(struct conn *c, const char *buf, size_t len)
{
	return bufferevent_write(c->bev, buf, len);
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	struct evbuffer_ptr p;
	const char	*line;
	size_t		 eol, n;

	while (!c->stopped) {
		p = evbuffer_search_eol(in, NULL, &eol, EVBUFFER_EOL_CRLF);
		if (p.pos == -1) {
			if (evbuffer_get_length(in) > CONN_LINE_MAX) {
				evbuffer_drain(in, evbuffer_get_length(in));
				conn_emit(c, CONN_LINE_TOO_LONG, NULL, 0, 0);
			}
			return;
		}
		n = (size_t)p.pos;
		if (n > CONN_LINE_MAX) {
			evbuffer_drain(in, n + eol);
			conn_emit(c, CONN_LINE_TOO_LONG, NULL, 0, 0);
			return;
		}
		/*
		 * The line, contiguous inside the input buffer (it mostly is
		 * already: then this copies nothing), handed over in place and
		 * dropped after: no line buffer per connection, no copy.
		 */
		line = (const char *)evbuffer_pullup(in, (ev_ssize_t)n);
		if (line == NULL && n > 0)
			return;
		c->delivering = n + eol;
		conn_emit(c, CONN_LINE, line ? line : "", n, 0);
		c->delivering = 0;
		/* stopped, or TLS started on this line: nothing more here */
		if (c->stopped || bufferevent_get_input(c->bev) != in)
			return;
		evbuffer_drain(in, n + eol);
	}
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;
	unsigned long	 e;
	char		 buf[256];
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		if (c->ssl != NULL)
			conn_emit(c, CONN_TLS_READY, NULL, 0, 0);
		else {
			c->connected = 1;
			conn_emit(c, CONN_CONNECTED, NULL, 0, 0);
		}
		return;
	}
	if (what & BEV_EVENT_EOF) {
		/* deliver what is buffered before the close */
		conn_read(c->bev, c);
		conn_emit(c, CONN_EOF, NULL, 0, 0);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		if (c->ssl != NULL &&
		    (e = bufferevent_get_openssl_error(c->bev)) != 0) {
			ERR_error_string_n(e, buf, sizeof(buf));
			while (bufferevent_get_openssl_error(c->bev) != 0)
				;
			conn_emit(c, CONN_TLS_ERROR, buf, strlen(buf), 0);
			return;
		}
		if (err == 0) {
			socklen_t	 l = sizeof(err);

			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		}
		if (c->ssl != NULL && err == 0) {
			conn_emit(c, CONN_TLS_ERROR, "TLS layer error", 15, 0);
			return;
		}
		conn_emit(c, CONN_ERROR, NULL, 0, err ? err : ECONNRESET);
	}
}

int
conn_starttls(struct conn *c, SSL *ssl, size_t *discarded)
{
	struct bufferevent	*f;
	struct evbuffer		*in = bufferevent_get_input(c->bev);

	/* the line that asked for TLS (the 220) may still be in the buffer */
	*discarded = evbuffer_get_length(in);
	*discarded -= *discarded >= c->delivering ? c->delivering : *discarded;
	evbuffer_drain(in, evbuffer_get_length(in));
	/*
	 * Deferred callbacks: libevent 2.1 reports a TLS close that comes
	 * in the same read as the last reply before the reply itself (fixed
	 * upstream only in 2.2); deferring delivers the data first.
	 */
	f = bufferevent_openssl_filter_new(c->base, c->bev, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS);
	if (f == NULL) {
		SSL_free(ssl);
		return -1;
	}
	c->bev = f;
	c->ssl = ssl;
	bufferevent_openssl_set_allow_dirty_shutdown(f, 1);
	/* SMTP lines are short: no 16 KiB read reservation per session */
	bufferevent_set_max_single_read(f, 4096);
	bufferevent_setcb(f, conn_read, NULL, conn_event, c);
	bufferevent_setwatermark(f, EV_READ, 0, CONN_LINE_MAX * 4);
	bufferevent_enable(f, EV_READ | EV_WRITE);
	return 0;
}

SSL *
conn_ssl(struct conn *c)
{
	return c->ssl;
}

size_t
conn_pending(struct conn *c)
{
	return evbuffer_get_length(bufferevent_get_input(c->bev));
}

void
conn_local(struct conn *c, char *buf, size_t sz)
{
	struct sockaddr_storage	 ss;
	socklen_t		 l = sizeof(ss);
	char			 a[INET6_ADDRSTRLEN];
	int			 port = 0;

	buf[0] = '\0';
	if (getsockname(c->fd, (struct sockaddr *)&ss, &l) == -1)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		port = ntohs(s4->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		port = ntohs(s6->sin6_port);
	} else
		return;
	snprintf(buf, sz, "%s %d", a, port);
}

void
conn_stop(struct conn *c)
{
	c->stopped = 1;
	if (c->bev != NULL)
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	/* the filter owns the SSL and the socket bufferevent, which owns fd */
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	event_free(c->ev_fail);
	free(c);
}

int
conn_err_unreachable(int err)
{
	return err == ENETUNREACH || err == EHOSTUNREACH || err == EADDRNOTAVAIL;
}
