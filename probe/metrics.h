/*
 * metrics.h - Prometheus text exposition (format 0.0.4) over evhttp on
 * /metrics. The daemon supplies the content through a callback; this
 * file knows HTTP, the format and label escaping, nothing of the daemon.
 */
#ifndef SMTPROBE_METRICS_H
#define SMTPROBE_METRICS_H

#include <sys/socket.h>

struct event_base;
struct evbuffer;
struct metrics;

typedef void (*metrics_render_cb)(struct evbuffer *, void *arg);

#define METRICS_CONNS_MAX	32	/* connections at once, at most */
#define METRICS_DEADLINE_MS	10000	/* accept to the end of the reply */
#define METRICS_HEADERS_MAX	4096	/* bytes of request headers */

/*
 * Serve /metrics on ss, with at most conns_max connections at once (0 or
 * more than METRICS_CONNS_MAX: that). NULL with *cause when the address
 * cannot be bound.
 */
struct metrics	*metrics_listen(struct event_base *,
		    const struct sockaddr_storage *, socklen_t, int conns_max,
		    metrics_render_cb, void *arg, char **cause);
void		 metrics_close(struct metrics *);

/* "# HELP name help" and "# TYPE name type". */
void		 metrics_family(struct evbuffer *, const char *name,
		    const char *type, const char *help);

/*
 * One sample: name{k1="v1",...} value. labels is a NULL-terminated list
 * of key, value pairs; values are escaped (backslash, quote, newline).
 */
void		 metrics_sample(struct evbuffer *, const char *name,
		    const char *const *labels, double value);

/* Scrapes served, for the daemon's own counters. */
unsigned long	 metrics_scrapes(const struct metrics *);


#endif
