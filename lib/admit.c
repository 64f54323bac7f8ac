/*
 * admit.c - admission and the delays of a schedule (admit.h).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <string.h>

#include "admit.h"
#include "util.h"

void
admit_init(struct admit *a, const struct admit_params *p,
    const struct admit_env *env)
{
	memset(a, 0, sizeof(*a));
	a->p = *p;
	a->env = *env;
}

void
admit_set_params(struct admit *a, const struct admit_params *p)
{
	a->p = *p;
}

int64_t
admit_now(const struct admit *a)
{
	return a->env.now_ms(a->env.arg);
}

/* The spacing slot of the address of ss (its bytes, not its port). */
static int64_t *
slot_of(struct admit *a, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)ss;
	uint64_t			 h;

	if (ss->ss_family == AF_INET6)
		h = util_hash64(&s6->sin6_addr, sizeof(s6->sin6_addr));
	else
		h = util_hash64(&s4->sin_addr, sizeof(s4->sin_addr));
	return &a->next[h % ADMIT_SLOTS];
}

int
admit_acquire(struct admit *a, struct admit_owner *o,
    const struct sockaddr_storage *ss)
{
	int64_t		 now, *next;

	if (a->sessions >= a->p.concurrency ||
	    (a->p.per_target > 0 && o->sessions >= a->p.per_target))
		return ADMIT_RETRY_MS;
	now = admit_now(a);
	next = slot_of(a, ss);
	if (now < *next)
		return (int)(*next - now);
	*next = now + a->p.spacing_ms;
	a->sessions++;
	o->sessions++;
	return 0;
}

void
admit_release(struct admit *a, struct admit_owner *o)
{
	if (a->sessions > 0)
		a->sessions--;
	if (o->sessions > 0)
		o->sessions--;
}

int64_t
admit_next_delay(struct admit *a, int64_t interval_ms)
{
	int64_t	 j;

	j = a->p.jitter_pct >= 0 ? interval_ms * a->p.jitter_pct / 100 :
	    a->p.jitter_ms;
	if (j <= 0)
		return interval_ms;
	return interval_ms + (int64_t)(a->env.random(a->env.arg) % (uint64_t)j);
}

int64_t
admit_first_delay(struct admit *a, int64_t interval_ms)
{
	uint64_t	 span = (uint64_t)(interval_ms > 1000 ? interval_ms : 1000);

	return (int64_t)(a->env.random(a->env.arg) % span / 10);
}
