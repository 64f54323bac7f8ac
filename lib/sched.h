/*
 * sched.h - the daemon's timetable: a binary min-heap of due times, so
 * finding the next due job, rescheduling it or moving it to the front
 * costs O(log n) whatever the number of targets.
 */
#ifndef SMTPROBE_SCHED_H
#define SMTPROBE_SCHED_H

#include <stddef.h>
#include <stdint.h>

/* One scheduled job; embed it in the caller's own struct. */
struct sched_item {
	int64_t		 due;		/* when, in the caller's clock (ms) */
	uint64_t	 seq;		/* FIFO order among equal due times */
	size_t		 pos;		/* heap index; SIZE_MAX when not queued */
	void		*data;		/* the caller's */
};

struct sched {
	struct sched_item **heap;
	size_t		 n;
	size_t		 cap;
	uint64_t	 seq;
};

void		 sched_init(struct sched *);
void		 sched_item_init(struct sched_item *, void *data);

/* Queue it at due, or move it there if queued. -1 when memory runs out. */
int		 sched_put(struct sched *, struct sched_item *, int64_t due);

/* Take it out of the queue (no-op if not queued). */
void		 sched_remove(struct sched *, struct sched_item *);

/* The earliest item, or NULL when empty. */
struct sched_item *sched_peek(const struct sched *);

/* Take out and return the earliest item if due <= now, else NULL. */
struct sched_item *sched_pop_due(struct sched *, int64_t now);

int		 sched_queued(const struct sched_item *);
void		 sched_free(struct sched *);

#endif
