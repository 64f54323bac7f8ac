/*
 * admit.h - admission of sessions shared by many checks, and the delays
 * of a schedule: a cap on sessions at once, a cap per target, a least
 * time between two sessions to one address, jittered intervals and a
 * first run spread over the start of the interval, so 10 000 targets
 * never fire at once and no server sees a burst.
 *
 * Time and chance come in from outside: the clock and the random source
 * are the caller's (struct admit_env), so tests run admission on
 * virtual time. Nothing here knows about a loop; check.h's check_gate
 * calls admit_acquire() and admit_release().
 */
#ifndef SMTPROBE_ADMIT_H
#define SMTPROBE_ADMIT_H

#include <sys/socket.h>
#include <stdint.h>

#define ADMIT_SLOTS	4096	/* addresses remembered for spacing: one
				   slot per hash, a collision only spaces
				   two addresses more */
#define ADMIT_RETRY_MS	50	/* the wait when a cap is full: a session
				   ending frees a place at any moment */

struct admit_params {
	int		 concurrency;	/* sessions at once, all targets */
	int		 per_target;	/* sessions at once of one target;
					   0: no cap */
	int64_t		 spacing_ms;	/* least time between the starts of
					   two sessions to one address; 0:
					   none */
	int		 jitter_pct;	/* random delay on top of an interval,
					   in percent of it; -1: jitter_ms */
	int64_t		 jitter_ms;	/* the delay's bound when jitter_pct
					   is -1 */
};

struct admit_env {
	int64_t		(*now_ms)(void *arg);	/* a monotonic clock */
	uint64_t	(*random)(void *arg);	/* 64 uniform bits */
	void		*arg;
};

/* One target's sessions now, for the per-target cap. */
struct admit_owner {
	int		 sessions;
};

struct admit {
	struct admit_params p;
	struct admit_env env;
	int		 sessions;	/* sessions now, all targets */
	int64_t		 next[ADMIT_SLOTS]; /* when a session to an address
					   of this slot may start again */
};

/* Start with params and the clock and random source of env. */
void		 admit_init(struct admit *, const struct admit_params *,
		    const struct admit_env *);

/*
 * New parameters (a reload): the sessions stay, and so do the times
 * sessions to an address may start again, as the old spacing set them.
 */
void		 admit_set_params(struct admit *, const struct admit_params *);

/* The caller's clock, as admission reads it. */
int64_t		 admit_now(const struct admit *);

/*
 * May a session of owner to the address of ss start now? 0: yes, and it
 * counts (for the caps and the spacing) until admit_release(); else the
 * milliseconds to wait before asking again, and nothing counts. The
 * port is not part of the address.
 */
int		 admit_acquire(struct admit *, struct admit_owner *,
		    const struct sockaddr_storage *);

/* A session admitted for owner has ended. */
void		 admit_release(struct admit *, struct admit_owner *);

/*
 * When the next run starts after one ends: interval_ms plus a random
 * delay, uniform in [0, jitter), jitter being jitter_pct of the
 * interval or jitter_ms.
 */
int64_t		 admit_next_delay(struct admit *, int64_t interval_ms);

/*
 * When a new target's first run starts: at random within the first
 * tenth of its interval (of a second at least), so a start or a reload
 * never fires every target at once.
 */
int64_t		 admit_first_delay(struct admit *, int64_t interval_ms);

#endif
