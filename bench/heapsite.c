/*
 * heapsite.c - an LD_PRELOAD shim that accounts live heap bytes by
 * allocation site (the call stack), for "where do the bytes of a held
 * session go".
 *
 * Every allocation entry point is wrapped (as in malloc_count.c, over
 * glibc's __libc_* implementations), its call stack taken with
 * backtrace() and its chunk size (malloc_usable_size + the 8-byte chunk
 * header, as mallinfo2 counts) added to the site's live bytes; free
 * takes them off again. Each call of mallinfo2() - which is how
 * bench/stats.c reads the heap, before and after the sessions are held -
 * also writes the live bytes of every site, and glibc's own totals, to
 * $HEAPSITE_OUT.N (N = 1, 2, ...), so the difference of two dumps is exactly what the held
 * sessions account for, by site. bench/heapsite.py reads the dumps.
 *
 * Tables live in mmap()ed memory, so the accounting never allocates from
 * the heap it measures. Slow (a backtrace per allocation): for the
 * attribution only, never for the figures themselves. Allocations made
 * while a backtrace is being taken (libgcc's first load) are not
 * accounted. Single-threaded programs only (the benchmark's case); a
 * forked child (the tarpit) stops accounting.
 */
#include <sys/mman.h>
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void	*__libc_malloc(size_t);
extern void	*__libc_calloc(size_t, size_t);
extern void	*__libc_realloc(void *, size_t);
extern void	 __libc_free(void *);
extern void	*__libc_memalign(size_t, size_t);

void		*malloc(size_t);
void		*calloc(size_t, size_t);
void		*realloc(void *, size_t);
void		*reallocarray(void *, size_t, size_t);
void		 free(void *);
void		*memalign(size_t, size_t);
void		*aligned_alloc(size_t, size_t);
int		 posix_memalign(void **, size_t, size_t);
struct mallinfo2 mallinfo2(void);

#define DEPTH		24		/* frames kept per site */
#define PTR_BITS	22		/* 4 M live allocations */
#define SITE_BITS	16		/* 64 K distinct stacks */

struct ptr_ent {
	uintptr_t	 p;		/* 0: empty */
	uint32_t	 site;
	uint32_t	 bytes;
};

struct site {
	uint64_t	 hash;		/* 0: empty */
	int		 depth;
	void		*frames[DEPTH];
	int64_t		 bytes;
	int64_t		 count;
};

static struct ptr_ent	*ptrs;
static struct site	*sites;
static int		 broken;	/* a table is full: stop accounting */
static __thread int	 inside;	/* taking a backtrace */
static int		 dumps;
static pid_t		 owner;		/* the process that accounts */

static int
tables(void)
{
	if (ptrs != NULL)
		return 0;
	if (broken)
		return -1;
	ptrs = mmap(NULL, sizeof(*ptrs) << PTR_BITS, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	sites = mmap(NULL, sizeof(*sites) << SITE_BITS, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ptrs == MAP_FAILED || sites == MAP_FAILED) {
		ptrs = NULL;
		broken = 1;
		return -1;
	}
	owner = getpid();
	return 0;
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint32_t
site_of(void **frames, int depth)
{
	uint64_t	 h = 0x9e3779b97f4a7c15ULL;
	size_t		 mask = ((size_t)1 << SITE_BITS) - 1, i, n;
	int		 k;

	for (k = 0; k < depth; k++)
		h = mix(h ^ (uint64_t)(uintptr_t)frames[k]);
	if (h == 0)
		h = 1;
	for (i = h & mask, n = 0; n <= mask; i = (i + 1) & mask, n++) {
		struct site	*s = &sites[i];

		if (s->hash == 0) {
			s->hash = h;
			s->depth = depth;
			memcpy(s->frames, frames, sizeof(void *) * (size_t)depth);
			return (uint32_t)i;
		}
		if (s->hash == h && s->depth == depth &&
		    memcmp(s->frames, frames, sizeof(void *) * (size_t)depth) == 0)
			return (uint32_t)i;
	}
	broken = 1;
	return 0;
}

static size_t
ptr_slot(uintptr_t p)
{
	return mix(p) & (((size_t)1 << PTR_BITS) - 1);
}

static void
track(void *p)
{
	void		*frames[DEPTH + 1];
	size_t		 mask = ((size_t)1 << PTR_BITS) - 1, i, n;
	uint32_t	 site, bytes;
	int		 depth;

	if (p == NULL || inside || tables() == -1 || broken)
		return;
	/* a forked child (the tarpit) is not what is measured */
	if (getpid() != owner)
		return;
	inside = 1;
	depth = backtrace(frames, DEPTH + 1);
	inside = 0;
	if (depth < 2)
		return;
	/* frames[0] is this shim's wrapper */
	site = site_of(frames + 1, depth - 1);
	if (broken)
		return;
	bytes = (uint32_t)(malloc_usable_size(p) + sizeof(size_t));
	for (i = ptr_slot((uintptr_t)p), n = 0; n <= mask; i = (i + 1) & mask,
	    n++) {
		if (ptrs[i].p == 0 || ptrs[i].p == (uintptr_t)p) {
			ptrs[i].p = (uintptr_t)p;
			ptrs[i].site = site;
			ptrs[i].bytes = bytes;
			sites[site].bytes += bytes;
			sites[site].count++;
			return;
		}
	}
	broken = 1;
}

/* Forget p (linear probing, backward-shift deletion). */
static void
untrack(void *p)
{
	size_t		 mask = ((size_t)1 << PTR_BITS) - 1, i, j, k;

	if (p == NULL || ptrs == NULL)
		return;
	for (i = ptr_slot((uintptr_t)p); ptrs[i].p != 0; i = (i + 1) & mask)
		if (ptrs[i].p == (uintptr_t)p)
			break;
	if (ptrs[i].p == 0)
		return;		/* not accounted */
	sites[ptrs[i].site].bytes -= ptrs[i].bytes;
	sites[ptrs[i].site].count--;
	ptrs[i].p = 0;
	for (j = (i + 1) & mask; ptrs[j].p != 0; j = (j + 1) & mask) {
		k = ptr_slot(ptrs[j].p);
		/* move j back to i unless its home lies cyclically in (i, j] */
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			ptrs[i] = ptrs[j];
			ptrs[j].p = 0;
			i = j;
		}
	}
}

void *
malloc(size_t n)
{
	void	*p = __libc_malloc(n);

	track(p);
	return p;
}

void *
calloc(size_t n, size_t sz)
{
	void	*p = __libc_calloc(n, sz);

	track(p);
	return p;
}

void *
realloc(void *p, size_t n)
{
	void	*q;

	if (p != NULL && n == 0) {
		untrack(p);
		return __libc_realloc(p, n);
	}
	/* the old block is forgotten only once the new one exists */
	if ((q = __libc_realloc(p, n)) != NULL) {
		untrack(p);
		track(q);
	}
	return q;
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
	untrack(p);
	__libc_free(p);
}

void *
memalign(size_t align, size_t n)
{
	void	*p = __libc_memalign(align, n);

	track(p);
	return p;
}

void *
aligned_alloc(size_t align, size_t n)
{
	return memalign(align, n);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	void	*p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	if ((p = __libc_memalign(align, n)) == NULL)
		return ENOMEM;
	track(p);
	*out = p;
	return 0;
}

/* One frame as "MODULE OFFSET SYMBOL" (SYMBOL "-" when unknown). */
static int
frame_text(char *buf, size_t len, void *addr)
{
	Dl_info		 di;

	if (dladdr(addr, &di) == 0 || di.dli_fname == NULL)
		return snprintf(buf, len, " ? %#lx -", (unsigned long)addr);
	return snprintf(buf, len, " %s %#lx %s", di.dli_fname,
	    (unsigned long)((uintptr_t)addr - (uintptr_t)di.dli_fbase),
	    di.dli_sname ? di.dli_sname : "-");
}

/*
 * $HEAPSITE_OUT.N: a line per site with live blocks: "BYTES COUNT" then
 * DEPTH frames (caller first), each as "MODULE OFFSET SYMBOL".
 */
static void
dump(const struct mallinfo2 *mi)
{
	char		 path[4096], line[8192];
	const char	*base = getenv("HEAPSITE_OUT");
	size_t		 i, off;
	int		 fd, k;

	if (base == NULL || sites == NULL)
		return;
	inside = 1;
	snprintf(path, sizeof(path), "%s.%d", base, ++dumps);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		inside = 0;
		return;
	}
	if (broken) {
		off = (size_t)snprintf(line, sizeof(line), "# broken\n");
		(void)!write(fd, line, off);
	}
	off = (size_t)snprintf(line, sizeof(line), "# mallinfo2 arena %zu "
	    "uordblks %zu fordblks %zu hblkhd %zu keepcost %zu\n", mi->arena,
	    mi->uordblks, mi->fordblks, mi->hblkhd, mi->keepcost);
	(void)!write(fd, line, off);
	for (i = 0; i < (size_t)1 << SITE_BITS; i++) {
		struct site	*s = &sites[i];

		if (s->hash == 0 || s->count == 0)
			continue;
		off = (size_t)snprintf(line, sizeof(line), "%lld %lld",
		    (long long)s->bytes, (long long)s->count);
		for (k = 0; k < s->depth && off < sizeof(line) - 600; k++)
			off += (size_t)frame_text(line + off, sizeof(line) - off,
			    s->frames[k]);
		line[off++] = '\n';
		(void)!write(fd, line, off);
	}
	close(fd);
	inside = 0;
}

struct mallinfo2
mallinfo2(void)
{
	static struct mallinfo2 (*real)(void);
	struct mallinfo2	 mi;

	if (real == NULL)
		real = (struct mallinfo2 (*)(void))dlsym(RTLD_NEXT, "mallinfo2");
	if (real == NULL)
		memset(&mi, 0, sizeof(mi));
	else
		mi = real();
	dump(&mi);
	return mi;
}
