/*
 * arena.c - chunks of 64 KiB (or one of the size asked for, when that is
 * more), handed out front to back, freed together.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_CHUNK	(64 * 1024)

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;
	size_t			 used;
	_Alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct arena_chunk	*head;
};

struct arena *
arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk	*c = a->head;
	size_t			 al = _Alignof(max_align_t), sz;
	void			*r;

	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + al - 1) & ~(al - 1);
	if (n == 0)
		n = al;
	if (c == NULL || c->size - c->used < n) {
		sz = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		if ((c = calloc(1, sizeof(*c) + sz)) == NULL)
			return NULL;
		c->size = sz;
		c->next = a->head;
		a->head = c;
	}
	r = c->data + c->used;
	c->used += n;
	return r;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	size_t	 len = strlen(s);
	char	*d;

	if ((d = arena_alloc(a, len + 1)) != NULL)
		memcpy(d, s, len + 1);
	return d;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}
