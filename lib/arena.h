/*
 * arena.h - storage freed all at once: the strings and arrays of one
 * configuration, or of one command line. Whatever is allocated lives
 * until arena_free(), so a target can share what it inherits.
 */
#ifndef SMTPROBE_ARENA_H
#define SMTPROBE_ARENA_H

#include <stddef.h>

struct arena;

/* A new, empty arena, or NULL when memory runs out. */
struct arena	*arena_new(void);

/* n bytes (zeroed, aligned for any type), or NULL when memory runs out. */
void		*arena_alloc(struct arena *, size_t n);

/* A copy of s, or NULL when memory runs out. */
char		*arena_strdup(struct arena *, const char *s);

/* Free the arena and everything allocated from it; NULL is ignored. */
void		 arena_free(struct arena *);

#endif
