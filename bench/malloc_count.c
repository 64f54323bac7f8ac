/*
 * malloc_count.c - an LD_PRELOAD shim that counts allocation calls.
 *
 * Every entry point that hands out heap memory is wrapped and counted,
 * then passed to glibc's own implementation (the __libc_* names glibc
 * exports for exactly this), so no dlsym() is needed and nothing here
 * allocates. A benchmark reads the counters with malloc_count_get(),
 * found at run time with dlsym(RTLD_DEFAULT, ...): without the shim it
 * simply reports nothing. Counts are process-wide; the benchmarks are
 * single-threaded.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* glibc's implementations, exported for interposers like this one */
extern void	*__libc_malloc(size_t);
extern void	*__libc_calloc(size_t, size_t);
extern void	*__libc_realloc(void *, size_t);
extern void	 __libc_free(void *);
extern void	*__libc_memalign(size_t, size_t);

void		 malloc_count_get(uint64_t *, uint64_t *);
void		*malloc(size_t);
void		*calloc(size_t, size_t);
void		*realloc(void *, size_t);
void		*reallocarray(void *, size_t, size_t);
void		 free(void *);
void		*memalign(size_t, size_t);
void		*aligned_alloc(size_t, size_t);
int		 posix_memalign(void **, size_t, size_t);

static uint64_t	 n_allocs;	/* calls that may return new memory */
static uint64_t	 n_frees;	/* free() of a non-NULL pointer */

static void
count_alloc(void)
{
	__atomic_add_fetch(&n_allocs, 1, __ATOMIC_RELAXED);
}

void
malloc_count_get(uint64_t *allocs, uint64_t *frees)
{
	*allocs = __atomic_load_n(&n_allocs, __ATOMIC_RELAXED);
	*frees = __atomic_load_n(&n_frees, __ATOMIC_RELAXED);
}

void *
malloc(size_t n)
{
	count_alloc();
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t sz)
{
	count_alloc();
	return __libc_calloc(n, sz);
}

void *
realloc(void *p, size_t n)
{
	/* realloc(p, 0) is a free; anything else may allocate */
	if (p != NULL && n == 0)
		__atomic_add_fetch(&n_frees, 1, __ATOMIC_RELAXED);
	else
		count_alloc();
	return __libc_realloc(p, n);
}

void *
reallocarray(void *p, size_t n, size_t sz)
{
	if (sz != 0 && n > SIZE_MAX / sz) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * sz);
}

void
free(void *p)
{
	if (p != NULL)
		__atomic_add_fetch(&n_frees, 1, __ATOMIC_RELAXED);
	__libc_free(p);
}

void *
memalign(size_t align, size_t n)
{
	count_alloc();
	return __libc_memalign(align, n);
}

void *
aligned_alloc(size_t align, size_t n)
{
	count_alloc();
	return __libc_memalign(align, n);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	void	*p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	count_alloc();
	if ((p = __libc_memalign(align, n)) == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}
