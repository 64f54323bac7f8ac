/*
 * accept.h - a listening socket that survives running out of descriptors.
 *
 * When accept(2) fails for want of a descriptor (EMFILE, ENFILE) or of
 * kernel memory, the connection stays in the backlog and the socket stays
 * readable: the loop would call accept(2) again at once, forever, at 100%
 * CPU, and libevent would log every failure. A guard set on a listener
 * pauses it instead (ACCEPT_PAUSE_MS), tries again, and says so twice per
 * episode: the first failure, and the end (with how many pauses it took).
 */
#ifndef SMTPROBE_ACCEPT_H
#define SMTPROBE_ACCEPT_H

struct event_base;
struct evconnlistener;
struct accept_guard;

#define ACCEPT_PAUSE_MS		500	/* no accept(2) for this long after a
					   failure */

/*
 * Guard lst (its error callback from now on). name says which in the
 * log ("control", "metrics"). NULL when out of memory.
 */
struct accept_guard *accept_guard_new(struct event_base *,
		    struct evconnlistener *lst, const char *name);

/* Failures of accept(2) since start, and whether accepting is paused. */
unsigned long	 accept_guard_failures(const struct accept_guard *);
int		 accept_guard_paused(const struct accept_guard *);

/* Stop guarding (before the listener is freed). NULL is fine. */
void		 accept_guard_free(struct accept_guard *);

#endif
