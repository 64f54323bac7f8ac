/*
 * accept.c - pause a listener whose accept(2) fails instead of spinning.
 *
 * libevent calls the error callback for every failure it does not retry
 * by itself (it retries EINTR, EAGAIN and ECONNABORTED). Whatever the
 * failure, retrying at once would find the same: the listener is
 * disabled, re-enabled ACCEPT_PAUSE_MS later, and watched for as long
 * again; an episode ends when a watch passes without a failure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "accept.h"
#include "log.h"

enum guard_state {
	GUARD_IDLE,		/* accepting, no trouble */
	GUARD_PAUSED,		/* disabled until the timer */
	GUARD_WATCH,		/* accepting again, not yet trusted */
};

struct accept_guard {
	struct accept_guard	*next;
	struct evconnlistener	*lst;
	struct event		*timer;
	const char		*name;
	enum guard_state	 state;
	unsigned long		 failures;	/* since start */
	unsigned long		 pauses;	/* in this episode */
};

/*
 * libevent hands the error callback the listener and the argument of its
 * accept callback (evhttp's own, for the metrics): guards are found by
 * their listener, among the few a process has.
 */
static struct accept_guard *guards;

static void
arm(struct accept_guard *g)
{
	struct timeval	 tv = { ACCEPT_PAUSE_MS / 1000,
			    (ACCEPT_PAUSE_MS % 1000) * 1000 };

	evtimer_add(g->timer, &tv);
}

static void
on_error(struct evconnlistener *lst, void *arg)
{
	struct accept_guard	*g;
	int			 err = errno;

	(void)arg;
	for (g = guards; g != NULL && g->lst != lst; g = g->next)
		;
	if (g == NULL) {
		evconnlistener_disable(lst);	/* cannot happen */
		return;
	}
	g->failures++;
	if (g->state == GUARD_IDLE) {
		g->pauses = 0;
		log_warnx("%s: cannot accept a connection: %s; accepting "
		    "paused, tried again every %d ms", g->name, strerror(err),
		    ACCEPT_PAUSE_MS);
	}
	g->pauses++;
	g->state = GUARD_PAUSED;
	evconnlistener_disable(lst);
	arm(g);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct accept_guard	*g = arg;

	(void)fd;
	(void)what;
	switch (g->state) {
	case GUARD_PAUSED:
		g->state = GUARD_WATCH;
		evconnlistener_enable(g->lst);
		arm(g);
		break;
	case GUARD_WATCH:
		g->state = GUARD_IDLE;
		log_info("%s: accepting connections again (paused %lu time%s)",
		    g->name, g->pauses, g->pauses == 1 ? "" : "s");
		break;
	case GUARD_IDLE:
		break;
	}
}

struct accept_guard *
accept_guard_new(struct event_base *base, struct evconnlistener *lst,
    const char *name)
{
	struct accept_guard	*g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	if ((g->timer = evtimer_new(base, on_timer, g)) == NULL) {
		free(g);
		return NULL;
	}
	g->lst = lst;
	g->name = name;
	g->next = guards;
	guards = g;
	evconnlistener_set_error_cb(lst, on_error);
	return g;
}

unsigned long
accept_guard_failures(const struct accept_guard *g)
{
	return g->failures;
}

int
accept_guard_paused(const struct accept_guard *g)
{
	return g->state == GUARD_PAUSED;
}

void
accept_guard_free(struct accept_guard *g)
{
	struct accept_guard	**pp;

	if (g == NULL)
		return;
	for (pp = &guards; *pp != NULL; pp = &(*pp)->next)
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	evconnlistener_set_error_cb(g->lst, NULL);
	event_free(g->timer);
	free(g);
}
