/*
 * timetable.h - the daemon's timetable: a binary min-heap of due times, so
 * finding the next due job, rescheduling it or moving it to the front
 * costs O(log n) whatever the number of targets.
 */
#ifndef SMTPROBE_TIMETABLE_H
#define SMTPROBE_TIMETABLE_H

#include <stddef.h>
#include <stdint.h>

/* One scheduled job; embed it in the caller's own struct. */
struct timetable_item {
	int64_t		 due;		/* when, in the caller's clock (ms) */
	uint64_t	 seq;		/* FIFO order among equal due times */
	size_t		 pos;		/* heap index; SIZE_MAX when not queued */
	void		*data;		/* the caller's */
};

struct timetable {
	struct timetable_item **heap;
	size_t		 n;
	size_t		 cap;
	uint64_t	 seq;
};

void		 timetable_init(struct timetable *);
void		 timetable_item_init(struct timetable_item *, void *data);

/* Queue it at due, or move it there if queued. -1 when memory runs out. */
int		 timetable_put(struct timetable *, struct timetable_item *, int64_t due);

/* Take it out of the queue (no-op if not queued). */
void		 timetable_remove(struct timetable *, struct timetable_item *);

/* The earliest item, or NULL when empty. */
struct timetable_item *timetable_peek(const struct timetable *);

/* Take out and return the earliest item if due <= now, else NULL. */
struct timetable_item *timetable_pop_due(struct timetable *, int64_t now);

int		 timetable_queued(const struct timetable_item *);
void		 timetable_free(struct timetable *);

#endif
