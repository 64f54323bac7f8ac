/*
 * conn.c - a socket and OpenSSL on a libevent loop, turned into line
 * events.
 *
 * Two events per connection, nothing buffered twice. The socket is read
 * (or SSL_read) straight into one fixed input buffer, allocated once at
 * the first read; lines are handed over in place from it, so there is no
 * allocation per read, line or byte. A command goes out with send() (or
 * SSL_write) at once, from the caller: the write event is armed only
 * while connecting, during the handshake and when the kernel would
 * block, so a round trip costs one wait, one read and one write, with no
 * epoll changes in between. TLS uses OpenSSL's socket BIO on the same
 * descriptor, with read-ahead so a record is one read.
 *
 * Events reach the callback from the loop only, never from inside a
 * conn_* call made by the callback (a failed send is reported on the
 * next turn of the loop).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/event_struct.h>

#include <openssl/bio.h>
#include <openssl/err.h>

#include "conn.h"

/* One line and its CR LF, plus room for the start of the next. */
#define CONN_IN_SIZE	(CONN_LINE_MAX + 512)

enum conn_state {
	CS_CONNECTING,
	CS_OPEN,		/* plain text, or TLS established */
	CS_HANDSHAKE,		/* SSL_connect in progress */
	CS_DONE,		/* EOF or error reported: no more reading */
};

struct conn {
	struct event_base	*base;
	evutil_socket_t		 fd;
	SSL			*ssl;
	enum conn_state		 state;
	conn_cb			 cb;
	void			*arg;
	int			 stopped;	/* no more events to the callback */
	struct event		 ev_read;	/* persistent, once connected */
	struct event		 ev_write;	/* connect, handshake, blocked send */
	struct event		 ev_fail;	/* reports a failure from the loop */
	int			 fail_err;	/* errno for ev_fail, 0: TLS */
	unsigned long		 fail_tls;	/* the OpenSSL error, for 0 */
	char			*in;		/* CONN_IN_SIZE bytes, or NULL */
	size_t			 in_off;	/* first unconsumed byte */
	size_t			 in_len;	/* end of the data */
	size_t			 delivering;	/* bytes of the line being handed
						   over, still in the input */
	char			*out;		/* what the kernel would not take */
	size_t			 out_len;
	size_t			 out_cap;
	int			 write_wants_read;	/* SSL_write: WANT_READ */
	uint64_t		 sent;		/* plain-text bytes sent */
	uint64_t		 tls_in;	/* plain-text bytes read over TLS */
};

static void	conn_on_read(evutil_socket_t, short, void *);
static void	conn_fill(struct conn *);
static void	conn_on_write(evutil_socket_t, short, void *);

static void
conn_emit(struct conn *c, enum conn_event ev, const char *t, size_t len,
    int err)
{
	if (!c->stopped)
		c->cb(c, ev, t, len, err, c->arg);
}

/* The end of the stream: no more reading or writing, one event. */
static void
conn_done(struct conn *c, enum conn_event ev, const char *t, size_t len,
    int err)
{
	if (c->state == CS_DONE)
		return;
	c->state = CS_DONE;
	event_del(&c->ev_read);
	event_del(&c->ev_write);
	conn_emit(c, ev, t, len, err);
}

/* The alerts of RFC 8446 6 and RFC 5246 7.2 by their names there. */
static const char *
conn_alert_name(int a)
{
	static const struct {
		int		 a;
		const char	*name;
	} t[] = {
		{ 0, "close_notify" }, { 10, "unexpected_message" },
		{ 20, "bad_record_mac" }, { 21, "decryption_failed" },
		{ 22, "record_overflow" }, { 30, "decompression_failure" },
		{ 40, "handshake_failure" }, { 41, "no_certificate" },
		{ 42, "bad_certificate" }, { 43, "unsupported_certificate" },
		{ 44, "certificate_revoked" }, { 45, "certificate_expired" },
		{ 46, "certificate_unknown" }, { 47, "illegal_parameter" },
		{ 48, "unknown_ca" }, { 49, "access_denied" },
		{ 50, "decode_error" }, { 51, "decrypt_error" },
		{ 60, "export_restriction" }, { 70, "protocol_version" },
		{ 71, "insufficient_security" }, { 80, "internal_error" },
		{ 86, "inappropriate_fallback" }, { 90, "user_canceled" },
		{ 100, "no_renegotiation" }, { 109, "missing_extension" },
		{ 110, "unsupported_extension" }, { 112, "unrecognized_name" },
		{ 113, "bad_certificate_status_response" },
		{ 115, "unknown_psk_identity" }, { 116, "certificate_required" },
		{ 120, "no_application_protocol" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].a == a)
			return t[i].name;
	return "unknown";
}

/*
 * The reason of OpenSSL error e (0: fallback), the queue emptied. An
 * alert the peer sent is named as the RFCs name it, with OpenSSL's words.
 */
static void
conn_tls_fail(struct conn *c, unsigned long e, const char *fallback)
{
	char		 buf[256], why[200];
	int		 r = ERR_GET_REASON(e);

	if (e == 0) {
		conn_done(c, CONN_TLS_ERROR, fallback, strlen(fallback), 0);
		return;
	}
	ERR_error_string_n(e, why, sizeof(why));
	ERR_clear_error();
	/* OpenSSL reports a received alert as SSL_AD_REASON_OFFSET + it */
	if (ERR_GET_LIB(e) == ERR_LIB_SSL && r >= SSL_AD_REASON_OFFSET &&
	    r < SSL_AD_REASON_OFFSET + 256)
		snprintf(buf, sizeof(buf), "the server sent the TLS alert %s "
		    "(%d): %s", conn_alert_name(r - SSL_AD_REASON_OFFSET),
		    r - SSL_AD_REASON_OFFSET, why);
	else
		snprintf(buf, sizeof(buf), "%s", why);
	conn_done(c, CONN_TLS_ERROR, buf, strlen(buf), 0);
}

/*
 * An SSL call returned r and failed with e (not WANT_*): the end of the
 * stream. A close without close_notify is an EOF (SMTP has QUIT), the
 * reset a socket error, anything OpenSSL queued a TLS error.
 */
static void
conn_ssl_end(struct conn *c, int r, int e)
{
	if (e == SSL_ERROR_ZERO_RETURN ||
	    (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 &&
	    (r == 0 || errno == 0)))
		conn_done(c, CONN_EOF, NULL, 0, 0);
	else if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
		conn_done(c, CONN_ERROR, NULL, 0, errno);
	else
		conn_tls_fail(c, ERR_get_error(), "TLS layer error");
}

/*
 * A TLS 1.3 server that refuses the handshake (certificate_required)
 * sends its alert and closes once the client has finished: the client's
 * first write may then fail (EPIPE, ECONNRESET) before it reads anything.
 * The alert may still wait in the socket: when it does, it says why.
 */
static int
conn_tls_alert_waiting(struct conn *c)
{
	unsigned long	 e;
	char		 b;
	int		 r, reason;

	if (c->ssl == NULL || c->state != CS_OPEN || c->tls_in > 0)
		return 0;
	ERR_clear_error();
	r = SSL_peek(c->ssl, &b, 1);
	if (r <= 0 && SSL_get_error(c->ssl, r) == SSL_ERROR_SSL &&
	    ERR_GET_LIB(e = ERR_peek_error()) == ERR_LIB_SSL &&
	    (reason = ERR_GET_REASON(e)) >= SSL_AD_REASON_OFFSET &&
	    reason < SSL_AD_REASON_OFFSET + 256) {
		conn_tls_fail(c, ERR_get_error(), "TLS alert");
		return 1;
	}
	ERR_clear_error();
	return 0;
}

static void
conn_fail_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	(void)what;
	if (c->fail_err == 0)
		conn_tls_fail(c, c->fail_tls, "TLS write failed");
	else if (!conn_tls_alert_waiting(c))
		conn_done(c, CONN_ERROR, NULL, 0, c->fail_err);
}

/*
 * Report err (0: the first queued OpenSSL error) on the next turn of the
 * loop: the error queue is the thread's, so it is read now.
 */
static void
conn_fail_later(struct conn *c, int err)
{
	c->fail_err = err;
	if (err == 0) {
		c->fail_tls = ERR_get_error();
		ERR_clear_error();
	}
	event_del(&c->ev_write);
	event_active(&c->ev_fail, EV_TIMEOUT, 0);
}

/* Bytes handed to the kernel so far, plain and TLS. */
static uint64_t
conn_out_bytes(struct conn *c)
{
	return c->sent + (c->ssl != NULL ?
	    BIO_number_written(SSL_get_wbio(c->ssl)) : 0);
}

/*
 * Something arrived and we sent nothing back: acknowledge it now.
 * TCP_NODELAY keeps our own writes from waiting, but a server with Nagle
 * on (Postfix smtpd) holds its next small segment until we ACK the last,
 * and our delayed ACK would make that 40 ms: after the TLS 1.3 handshake
 * Postfix writes two session tickets then the EHLO reply; other servers
 * write a multi-line reply a line at a time. When we answer (the usual
 * turn) the ACK rides on the command. TCP_QUICKACK with an ACK pending
 * sends it at once.
 */
static void
conn_quickack(struct conn *c)
{
	int	 one = 1;

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
	c->state = CS_CONNECTING;
	c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (c->fd == -1) {
		*err = errno;
		free(c);
		return NULL;
	}
	/* Nagle on the server plus delayed ACK here stalls 40 ms a turn. */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (event_assign(&c->ev_read, base, c->fd, EV_READ | EV_PERSIST,
	    conn_on_read, c) == -1 ||
	    event_assign(&c->ev_write, base, c->fd, EV_WRITE, conn_on_write,
	    c) == -1 ||
	    event_assign(&c->ev_fail, base, -1, 0, conn_fail_cb, c) == -1) {
		*err = ENOMEM;
		close(c->fd);
		free(c);
		return NULL;
	}
	if (connect(c->fd, sa, salen) == 0 || errno == EINPROGRESS) {
		/* writable once connected (or failed): see conn_on_write */
		if (event_add(&c->ev_write, NULL) == -1)
			conn_fail_later(c, ENOMEM);
	} else
		/* failed at once (ENETUNREACH...): report from the loop */
		conn_fail_later(c, errno ? errno : ECONNREFUSED);
	return c;
}

/* Keep what the kernel would not take, and wait until it would. */
static int
conn_queue(struct conn *c, const char *buf, size_t len)
{
	char	*p;
	size_t	 cap;

	if (len > SIZE_MAX / 2 - c->out_len)
		return -1;
	if (c->out_len + len > c->out_cap) {
		cap = c->out_cap ? c->out_cap : 256;
		while (cap < c->out_len + len)
			cap *= 2;
		if ((p = realloc(c->out, cap)) == NULL)
			return -1;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	return 0;
}

/*
 * Send the queued bytes. SSL_write is retried with the same bytes
 * (without SSL_MODE_ENABLE_PARTIAL_WRITE it writes all or nothing).
 */
static void
conn_flush(struct conn *c)
{
	ssize_t	 n;
	int	 r;

	c->write_wants_read = 0;
	while (c->out_len > 0) {
		if (c->ssl == NULL) {
			n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK)) {
				event_add(&c->ev_write, NULL);
				return;
			}
			if (n == -1) {
				conn_fail_later(c, errno);
				return;
			}
		} else {
			ERR_clear_error();
			r = SSL_write(c->ssl, c->out, (int)c->out_len);
			if (r <= 0) {
				switch (SSL_get_error(c->ssl, r)) {
				case SSL_ERROR_WANT_WRITE:
					event_add(&c->ev_write, NULL);
					return;
				case SSL_ERROR_WANT_READ:
					c->write_wants_read = 1;
					return;
				case SSL_ERROR_SYSCALL:
					if (ERR_peek_error() == 0) {
						conn_fail_later(c, errno ?
						    errno : EPIPE);
						return;
					}
					/* FALLTHROUGH */
				default:
					conn_fail_later(c, 0);
					return;
				}
			}
			n = r;
		}
		if (c->ssl == NULL)
			c->sent += (uint64_t)n;
		c->out_len -= (size_t)n;
		memmove(c->out, c->out + n, c->out_len);
	}
}

int
conn_write(struct conn *c, const char *buf, size_t len)
{
	if (c->state == CS_DONE || len == 0)
		return 0;
	if (conn_queue(c, buf, len) == -1)
		return -1;
	/* not yet open, or still waiting for the kernel: it goes later */
	if (c->state == CS_OPEN && c->out_len == len && !c->write_wants_read)
		conn_flush(c);
	return 0;
}

/* Hand over every complete line in the input. */
static void
conn_lines(struct conn *c)
{
	SSL	*ssl = c->ssl;
	char	*start, *lf;
	size_t	 avail, n;

	while (!c->stopped && c->state != CS_DONE && c->in_len > c->in_off) {
		start = c->in + c->in_off;
		avail = c->in_len - c->in_off;
		if ((lf = memchr(start, '\n', avail)) == NULL) {
			/* CONN_LINE_MAX bytes and a CR may wait for the LF */
			if (avail > CONN_LINE_MAX + 1) {
				c->in_off = c->in_len = 0;
				conn_emit(c, CONN_LINE_TOO_LONG, NULL, 0, 0);
			}
			break;
		}
		n = (size_t)(lf - start);
		c->delivering = n + 1;
		if (n > 0 && start[n - 1] == '\r')
			n--;
		if (n > CONN_LINE_MAX) {
			c->in_off += c->delivering;
			c->delivering = 0;
			conn_emit(c, CONN_LINE_TOO_LONG, NULL, 0, 0);
			continue;
		}
		conn_emit(c, CONN_LINE, start, n, 0);
		/* TLS started on this line: the rest was dropped with it */
		if (c->ssl != ssl) {
			c->delivering = 0;
			return;
		}
		c->in_off += c->delivering;
		c->delivering = 0;
	}
	/* keep the partial line at the front, for the next read */
	if (c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
	else if (c->in_off > 0) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
}

static void
conn_handshake(struct conn *c)
{
	int	 r, e;

	ERR_clear_error();
	if ((r = SSL_connect(c->ssl)) == 1) {
		event_del(&c->ev_write);
		c->state = CS_OPEN;
		conn_emit(c, CONN_TLS_READY, NULL, 0, 0);
		if (!c->stopped && c->state == CS_OPEN && c->out_len > 0)
			conn_flush(c);
		/*
		 * Records read with the last handshake message (the greeting
		 * on port 465, session tickets): the socket may be drained,
		 * so no read event would come for them.
		 */
		if (!c->stopped && c->state == CS_OPEN &&
		    SSL_has_pending(c->ssl))
			conn_fill(c);
		return;
	}
	switch ((e = SSL_get_error(c->ssl, r))) {
	case SSL_ERROR_WANT_READ:
		event_del(&c->ev_write);
		return;
	case SSL_ERROR_WANT_WRITE:
		event_add(&c->ev_write, NULL);
		return;
	default:
		/* the peer closed, reset or refused mid-handshake */
		conn_ssl_end(c, r, e);
		return;
	}
}

/* Read once (plain) or until OpenSSL has nothing buffered (TLS). */
static void
conn_fill(struct conn *c)
{
	SSL	*ssl = c->ssl;
	ssize_t	 n;
	size_t	 room;
	int	 r, e;

	if (c->in == NULL && (c->in = malloc(CONN_IN_SIZE)) == NULL) {
		conn_done(c, CONN_ERROR, NULL, 0, ENOMEM);
		return;
	}
	do {
		room = CONN_IN_SIZE - c->in_len;
		if (ssl == NULL) {
			n = recv(c->fd, c->in + c->in_len, room, 0);
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK || errno == EINTR))
				return;
			if (n == -1) {
				conn_done(c, CONN_ERROR, NULL, 0, errno);
				return;
			}
			if (n == 0) {
				conn_done(c, CONN_EOF, NULL, 0, 0);
				return;
			}
			c->in_len += (size_t)n;
			conn_lines(c);
			/* a full read may have left more behind */
			if ((size_t)n < room)
				return;
			continue;
		}
		ERR_clear_error();
		r = SSL_read(ssl, c->in + c->in_len, (int)room);
		if (r > 0) {
			c->tls_in += (uint64_t)r;
			c->in_len += (size_t)r;
			conn_lines(c);
			continue;
		}
		switch ((e = SSL_get_error(ssl, r))) {
		case SSL_ERROR_WANT_READ:
			return;
		case SSL_ERROR_WANT_WRITE:
			/* renegotiation or key update: wait until writable */
			event_add(&c->ev_write, NULL);
			return;
		default:
			conn_ssl_end(c, r, e);
			return;
		}
	} while (!c->stopped && c->state == CS_OPEN && c->ssl == ssl &&
	    (ssl == NULL || SSL_has_pending(ssl)));
}

static void
conn_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	uint64_t	 out = conn_out_bytes(c);

	(void)fd;
	(void)what;
	if (c->stopped)
		return;
	switch (c->state) {
	case CS_HANDSHAKE:
		conn_handshake(c);
		break;
	case CS_OPEN:
		if (c->write_wants_read) {
			conn_flush(c);
			if (c->state != CS_OPEN)
				return;
		}
		conn_fill(c);
		break;
	default:
		return;
	}
	if (!c->stopped && (c->state == CS_OPEN || c->state ==
	    CS_HANDSHAKE) && conn_out_bytes(c) == out)
		conn_quickack(c);
}

static void
conn_on_write(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;
	socklen_t	 l = sizeof(int);
	int		 err = 0;

	(void)fd;
	(void)what;
	if (c->stopped)
		return;
	switch (c->state) {
	case CS_CONNECTING:
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l) == -1)
			err = errno;
		if (err != 0) {
			conn_done(c, CONN_ERROR, NULL, 0, err);
			return;
		}
		c->state = CS_OPEN;
		if (event_add(&c->ev_read, NULL) == -1) {
			conn_done(c, CONN_ERROR, NULL, 0, ENOMEM);
			return;
		}
		conn_emit(c, CONN_CONNECTED, NULL, 0, 0);
		if (!c->stopped && c->state == CS_OPEN && c->ssl == NULL &&
		    c->out_len > 0)
			conn_flush(c);
		return;
	case CS_HANDSHAKE:
		conn_handshake(c);
		return;
	case CS_OPEN:
		conn_flush(c);
		/* an SSL_read that wanted to write: read again */
		if (c->ssl != NULL && c->state == CS_OPEN && !c->stopped)
			conn_fill(c);
		return;
	default:
		return;
	}
}

int
conn_starttls(struct conn *c, SSL *ssl, size_t *discarded)
{
	size_t	 left = c->in_len - c->in_off;

	/* the line that asked for TLS (the 220) may still be in the buffer */
	*discarded = left >= c->delivering ? left - c->delivering : 0;
	c->in_off = c->in_len = 0;
	c->delivering = 0;
	if (c->ssl != NULL || c->state != CS_OPEN ||
	    SSL_set_fd(ssl, c->fd) != 1) {
		SSL_free(ssl);
		return -1;
	}
	c->ssl = ssl;
	/* a record is one read, not a header read then a body read */
	SSL_set_read_ahead(ssl, 1);
	/* a blocked SSL_write is retried from a buffer that may grow */
	SSL_set_mode(ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_set_connect_state(ssl);
	c->state = CS_HANDSHAKE;
	/*
	 * The ClientHello goes out from the loop, like every event; a
	 * fresh connection can take it, so no need to wait for writable.
	 */
	event_active(&c->ev_write, EV_WRITE, 0);
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
	return c->in_len - c->in_off;
}

size_t
conn_peek(struct conn *c, unsigned char *buf, size_t n)
{
	if (n > c->in_len - c->in_off)
		n = c->in_len - c->in_off;
	if (n > 0)
		memcpy(buf, c->in + c->in_off, n);
	return n;
}

uint64_t
conn_tls_in(const struct conn *c)
{
	return c->tls_in;
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
	event_del(&c->ev_read);
	event_del(&c->ev_write);
	event_del(&c->ev_fail);
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	event_del(&c->ev_read);
	event_del(&c->ev_write);
	event_del(&c->ev_fail);
	SSL_free(c->ssl);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

int
conn_err_unreachable(int err)
{
	return err == ENETUNREACH || err == EHOSTUNREACH || err == EADDRNOTAVAIL;
}
