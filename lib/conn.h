/*
 * conn.h - the transport under SMTP: a non-blocking TCP connection on a
 * libevent loop, optionally upgraded to TLS in place, delivering whole
 * lines. The protocol code above never sees sockets, bufferevents or
 * SSL_ERROR_WANT_*; it gets a handful of events.
 *
 * Under TLS, OpenSSL writes to the socket with write(2): a program using
 * this ignores SIGPIPE (a peer that closes first must not kill it).
 */
#ifndef SMTPROBE_CONN_H
#define SMTPROBE_CONN_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

struct event_base;
struct conn;

/* Bytes in one line, CRLF excluded; a longer line is CONN_LINE_TOO_LONG. */
#define CONN_LINE_MAX	4096

enum conn_event {
	CONN_CONNECTED,		/* TCP is up */
	CONN_TLS_READY,		/* TLS handshake completed */
	CONN_LINE,		/* a line (without CR LF) arrived */
	CONN_LINE_TOO_LONG,	/* more than CONN_LINE_MAX bytes without LF */
	CONN_EOF,		/* the peer closed the connection */
	CONN_ERROR,		/* a socket error; err holds errno */
	CONN_TLS_ERROR,		/* the TLS layer failed; text holds why (an
				   alert from the peer by its RFC name) */
};

/*
 * The single callback. For CONN_LINE, text/len is the line (valid only
 * during the call); for CONN_TLS_ERROR, text is the reason; err is the
 * errno for CONN_ERROR. The callback may call conn_stop() (but not
 * conn_free()) on its own connection.
 */
typedef void (*conn_cb)(struct conn *, enum conn_event, const char *text,
    size_t len, int err, void *arg);

/*
 * Start connecting to ss. Sets TCP_NODELAY. Returns NULL with *err set
 * to errno when no socket could be made; a connect failure arrives as
 * CONN_ERROR, always from the loop, never from inside conn_new.
 */
struct conn	*conn_new(struct event_base *, const struct sockaddr *,
		    socklen_t, conn_cb, void *arg, int *err);

/* Queue bytes for sending. */
int		 conn_write(struct conn *, const char *, size_t);

/*
 * Start TLS on the connection (client side). The connection takes
 * ownership of ssl. Unread plain-text bytes are discarded first and
 * their count returned in *discarded (data sent before the handshake is
 * an injection attempt, RFC 3207 6). CONN_TLS_READY or CONN_TLS_ERROR
 * follows.
 */
int		 conn_starttls(struct conn *, SSL *, size_t *discarded);

/* The SSL in use, or NULL before conn_starttls. */
SSL		*conn_ssl(struct conn *);

/* Bytes waiting in the input buffer (a partial line). */
size_t		 conn_pending(struct conn *);

/* Copy up to n of those bytes into buf; returns how many. */
size_t		 conn_peek(struct conn *, unsigned char *buf, size_t n);

/*
 * Bytes read over TLS since the handshake completed: 0 until the server
 * has sent any data (a TLS 1.3 server refuses the client only then).
 */
uint64_t	 conn_tls_in(const struct conn *);

/* Local and remote end as "addr port" / "addr". */
void		 conn_local(struct conn *, char *, size_t);

/* Stop delivering events (the session is over); safe inside the callback. */
void		 conn_stop(struct conn *);

void		 conn_free(struct conn *);

/* errno values that mean "no route" (net.unreachable). */
int		 conn_err_unreachable(int);

#endif
