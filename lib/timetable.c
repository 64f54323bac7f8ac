/*
 * timetable.c - binary min-heap keyed by (due, seq).
 */
#include <stdint.h>
#include <stdlib.h>

#include "timetable.h"

void
timetable_init(struct timetable *s)
{
	s->heap = NULL;
	s->n = s->cap = 0;
	s->seq = 0;
}

void
timetable_item_init(struct timetable_item *it, void *data)
{
	it->due = 0;
	it->seq = 0;
	it->pos = SIZE_MAX;
	it->data = data;
}

static int
before(const struct timetable_item *a, const struct timetable_item *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void
set(struct timetable *s, size_t i, struct timetable_item *it)
{
	s->heap[i] = it;
	it->pos = i;
}

static void
up(struct timetable *s, size_t i)
{
	struct timetable_item	*it = s->heap[i];

	while (i > 0 && before(it, s->heap[(i - 1) / 2])) {
		set(s, i, s->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	set(s, i, it);
}

static void
down(struct timetable *s, size_t i)
{
	struct timetable_item	*it = s->heap[i];
	size_t			 c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= s->n)
			break;
		if (c + 1 < s->n && before(s->heap[c + 1], s->heap[c]))
			c++;
		if (!before(s->heap[c], it))
			break;
		set(s, i, s->heap[c]);
		i = c;
	}
	set(s, i, it);
}

int
timetable_put(struct timetable *s, struct timetable_item *it, int64_t due)
{
	struct timetable_item	**nh;
	size_t			  ncap;

	if (it->pos != SIZE_MAX) {
		int64_t	 old = it->due;

		it->due = due;
		it->seq = s->seq++;
		if (due < old)
			up(s, it->pos);
		else
			down(s, it->pos);
		return 0;
	}
	if (s->n == s->cap) {
		ncap = s->cap ? s->cap * 2 : 64;
		if ((nh = reallocarray(s->heap, ncap, sizeof(*nh))) == NULL)
			return -1;
		s->heap = nh;
		s->cap = ncap;
	}
	it->due = due;
	it->seq = s->seq++;
	set(s, s->n++, it);
	up(s, it->pos);
	return 0;
}

void
timetable_remove(struct timetable *s, struct timetable_item *it)
{
	size_t	 i = it->pos;

	if (i == SIZE_MAX)
		return;
	it->pos = SIZE_MAX;
	if (--s->n == i)
		return;
	set(s, i, s->heap[s->n]);
	if (i > 0 && before(s->heap[i], s->heap[(i - 1) / 2]))
		up(s, i);
	else
		down(s, i);
}

struct timetable_item *
timetable_peek(const struct timetable *s)
{
	return s->n > 0 ? s->heap[0] : NULL;
}

struct timetable_item *
timetable_pop_due(struct timetable *s, int64_t now)
{
	struct timetable_item	*it = timetable_peek(s);

	if (it == NULL || it->due > now)
		return NULL;
	timetable_remove(s, it);
	return it;
}

int
timetable_queued(const struct timetable_item *it)
{
	return it->pos != SIZE_MAX;
}

void
timetable_free(struct timetable *s)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		s->heap[i]->pos = SIZE_MAX;
	free(s->heap);
	timetable_init(s);
}
