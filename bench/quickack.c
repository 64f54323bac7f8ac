/*
 * quickack.c - a diagnostic LD_PRELOAD shim, not part of smtprobe: after
 * every readv() and writev() (the calls libevent makes on a socket) it
 * sets TCP_QUICKACK, so the process acknowledges what it receives at
 * once instead of delaying the ACK.
 *
 * Linux clears quick-ACK mode again on its own, which is why it is set
 * after every call. Run the engine under it to see whether a stall in
 * a phase is the peer's Nagle algorithm waiting for our delayed ACK: if
 * the stall goes away under this shim, it is. Errors are ignored (the
 * descriptor may not be a TCP socket).
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

ssize_t		 readv(int, const struct iovec *, int);
ssize_t		 writev(int, const struct iovec *, int);

typedef ssize_t	(*iov_fn)(int, const struct iovec *, int);

static void
quickack(int fd)
{
	int	 one = 1, saved = errno;

	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	errno = saved;
}

/* The next definition of name (libc's); a data pointer cast as dlsym needs. */
static iov_fn
next_fn(const char *name)
{
	iov_fn	 f;

	*(void **)&f = dlsym(RTLD_NEXT, name);
	return f;
}

ssize_t
readv(int fd, const struct iovec *iov, int n)
{
	static iov_fn	 real;
	ssize_t		 r;

	if (real == NULL && (real = next_fn("readv")) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	r = real(fd, iov, n);
	quickack(fd);
	return r;
}

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	static iov_fn	 real;
	ssize_t		 r;

	if (real == NULL && (real = next_fn("writev")) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	r = real(fd, iov, n);
	quickack(fd);
	return r;
}
