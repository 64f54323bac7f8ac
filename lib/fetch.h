/*
 * fetch.h - one HTTPS GET on the libevent loop (evhttp over OpenSSL),
 * with certificate verification, a size cap and a deadline. Used for the
 * MTA-STS policy (RFC 8461 3.3): no redirects are followed.
 */
#ifndef SMTPROBE_FETCH_H
#define SMTPROBE_FETCH_H

#include <sys/socket.h>
#include <stddef.h>

#include "tls.h"

struct event_base;
struct fetch;

enum fetch_status {
	FETCH_OK,		/* 200 with a body within the cap */
	FETCH_CONNECT,		/* TCP connection failed */
	FETCH_TLS,		/* TLS handshake failed */
	FETCH_CERT,		/* certificate not valid for the host */
	FETCH_HTTP,		/* a status other than 200 (redirects included) */
	FETCH_TOO_BIG,		/* body over the cap */
	FETCH_TIMEOUT,		/* the deadline passed */
};

struct fetch_params {
	struct sockaddr_storage	 ss;		/* address and port */
	socklen_t		 sslen;
	const char		*host;		/* Host header, SNI, certificate name */
	const char		*path;		/* e.g. "/.well-known/mta-sts.txt" */
	struct tls_ctx		*tls;
	int			 timeout_ms;	/* whole request */
	size_t			 max_body;	/* bytes */
};

struct fetch_result {
	enum fetch_status	 status;
	int			 http_code;	/* 0 when no response */
	char			*body;		/* NUL-terminated, owned by the fetch */
	size_t			 len;
	char			 content_type[128];
	char			 error[256];	/* what went wrong, for evidence */
	struct tls_info		 tls;		/* the handshake, when it happened */
};

typedef void (*fetch_cb)(struct fetch *, const struct fetch_result *,
    void *arg);

/*
 * Start the request. The callback runs once, from the loop. Returns NULL
 * with *cause set when nothing could be started.
 */
struct fetch	*fetch_start(struct event_base *, const struct fetch_params *,
		    fetch_cb, void *arg, const char **cause);

/* Cancel (no callback) or release after the callback. */
void		 fetch_free(struct fetch *);

const char	*fetch_status_name(enum fetch_status);

#endif
