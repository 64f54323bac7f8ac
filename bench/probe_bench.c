/*
 * probe_bench.c - smtprobe's session engine (lib/smtp.c) measured from
 * the inside: many sessions on one libevent loop, as the daemon will run
 * them.
 *
 *	probe_bench cpu -p PORT -c CA [-a ADDR] [-H NAME] [-n N] [-j CONC]
 *			[-w WARM] [-t TAG] [-S FILE]
 *		N full STARTTLS probes (greeting, EHLO, STARTTLS, handshake,
 *		EHLO, MAIL, RCPT, QUIT; certificate verified against CA for
 *		NAME) against a real server, CONC at a time. Reports the CPU
 *		this process used per probe (getrusage user + system) and the
 *		wall time of each probe from smtp_session_start() to its done
 *		callback (median, p99), the median of every phase and the
 *		steps slow enough to be a Nagle/delayed-ACK stall. With the
 *		malloc_count.so shim preloaded, also allocations per probe,
 *		OpenSSL's share apart. -S appends each probe's wall time
 *		(us) to FILE. PROBE_BENCH_RCPT in the environment names
 *		another recipient than user@test.example (one the server
 *		refuses, to time the refusal path).
 *
 *	probe_bench mem -k K [-T -c CA -C CERT -K KEY]
 *		K sessions held open at once against a tarpit (a child
 *		process that accepts and never writes; with -T it completes a
 *		TLS handshake first and the sessions use implicit TLS).
 *		Reports heap bytes (mallinfo2) and RSS per held session, and
 *		the part of the heap that OpenSSL allocated (counted through
 *		CRYPTO_set_mem_functions).
 *
 *	probe_bench lines [-n N]
 *		Allocations per plain-text probe against a scripted server
 *		whose EHLO reply grows from 1 short line to 100 lines of 16
 *		bytes to 100 lines of 1000 bytes (needs the shim): a per-line
 *		or per-byte allocation on the read path shows as a slope.
 *
 * Output: key=value lines, prefixed with the tag (default "eng",
 * "memplain", "memtls", "lines").
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/event.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include "smtp.h"
#include "tls.h"
#include "stats.h"

/* A step this long is what a Nagle + delayed-ACK stall (40 ms) looks like. */
#define STALL_US	35000
#define RCPT_ADDR	"user@test.example"

/* One session of a run. */
struct slot {
	struct bench		*b;
	struct smtp_session	*s;
	int64_t			 t0;		/* when it was started */
	int			 done;		/* its done callback ran */
};

struct bench {
	struct event_base	*base;
	struct smtp_params	 params;
	struct smtp_rcpt_test	 rcpt;
	struct tls_ctx		*tls;
	struct event		*kick;		/* frees ended sessions, starts more */
	int			 want_tls;	/* a probe is good only with verified TLS */
	int			 hold;		/* mem: keep sessions, never stop */

	/* the current run */
	struct slot		*slots;
	int			 nslots;
	int			 next;		/* next slot to start */
	int			 ended;
	int			 inflight;
	int			 conc;
	struct smtp_session	**reap;		/* ended, freed by the kick */
	int			 nreap;

	/* what the run measured */
	int			 ok;
	int64_t			*wall;
	int64_t			*phase_us[PH_COUNT];
	int			 nphase[PH_COUNT];
	int			 stalls;
	int64_t			 worst_us;
	enum smtp_phase		 worst_ph;
	char			 tlsdesc[128];
	int			 bad_shown;
};

/* ---- OpenSSL's share of the heap ----------------------------------- */

/*
 * Every OpenSSL allocation goes through these once installed, so the
 * bytes OpenSSL holds can be told apart from the engine's and
 * libevent's. Sizes are chunk sizes as mallinfo2 counts them: usable
 * size plus the 8-byte chunk header of glibc on 64-bit.
 */
static int64_t	 ossl_live;
static uint64_t	 ossl_allocs;

static size_t
chunk(void *p)
{
	return p ? malloc_usable_size(p) + sizeof(size_t) : 0;
}

static void *
ossl_malloc(size_t n, const char *file, int line)
{
	void	*p = malloc(n);

	(void)file;
	(void)line;
	ossl_allocs++;
	ossl_live += (int64_t)chunk(p);
	return p;
}

static void *
ossl_realloc(void *p, size_t n, const char *file, int line)
{
	int64_t	 old = (int64_t)chunk(p);
	void	*q;

	(void)file;
	(void)line;
	if (p != NULL && n == 0) {
		ossl_live -= old;
		free(p);
		return NULL;
	}
	ossl_allocs++;
	if ((q = realloc(p, n)) != NULL)
		ossl_live += (int64_t)chunk(q) - old;
	return q;
}

static void
ossl_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	ossl_live -= (int64_t)chunk(p);
	free(p);
}

static void
ossl_count(void)
{
	if (!CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free))
		errx(1, "CRYPTO_set_mem_functions: OpenSSL allocated already");
}

/* ---- running sessions ---------------------------------------------- */

static void	bench_kick(evutil_socket_t, short, void *);

static void
bench_init(struct bench *b)
{
	signal(SIGPIPE, SIG_IGN);
	if ((b->base = event_base_new()) == NULL)
		errx(1, "event_base_new failed");
	if ((b->kick = evtimer_new(b->base, bench_kick, b)) == NULL)
		errx(1, "evtimer_new failed");
}

static void
bench_params(struct bench *b, const char *addr, int port, const char *host)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&b->params.ss;

	smtp_params_defaults(&b->params);
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", addr);
	b->params.sslen = sizeof(*sin);
	b->params.host = host;
	b->params.helo = "bench.test.example";
	/* PROBE_BENCH_RCPT: another recipient, e.g. one that is refused */
	b->rcpt.addr = getenv("PROBE_BENCH_RCPT") != NULL ?
	    getenv("PROBE_BENCH_RCPT") : RCPT_ADDR;
	b->rcpt.expect = RCPT_EXPECT_ACCEPT;
	b->params.rcpts = &b->rcpt;
	b->params.nrcpts = 1;
}

/* A probe reached QUIT (and, when TLS is measured, verified TLS). */
static int
probe_good(const struct bench *b, const struct smtp_result *r)
{
	if (r->outcome != SMTP_OK)
		return 0;
	return !b->want_tls || (r->tls_used && r->tls.verified &&
	    r->tls.hostname_ok);
}

static void
bench_record(struct bench *b, struct slot *sl, const struct smtp_result *r)
{
	int	 i, k;

	b->wall[sl - b->slots] = stats_now_us() - sl->t0;
	if (!probe_good(b, r)) {
		if (b->bad_shown++ == 0)
			fprintf(stderr, "probe_bench: a probe ended %s:\n%s",
			    smtp_outcome_name(r->outcome), r->transcript ? r->transcript : "");
		return;
	}
	b->ok++;
	if (b->tlsdesc[0] == '\0' && r->tls_used)
		snprintf(b->tlsdesc, sizeof(b->tlsdesc), "%s %s %s",
		    r->tls.version, r->tls.cipher, r->tls.group);
	for (i = 0; i < r->nsteps; i++) {
		const struct smtp_step	*st = &r->steps[i];

		k = (int)st->phase;
		if (b->nphase[k] < b->nslots)
			b->phase_us[k][b->nphase[k]++] = st->dur_us;
		if (st->dur_us >= STALL_US)
			b->stalls++;
		if (st->dur_us > b->worst_us) {
			b->worst_us = st->dur_us;
			b->worst_ph = st->phase;
		}
	}
}

static void
bench_done(struct smtp_session *s, void *arg)
{
	struct slot	*sl = arg;
	struct bench	*b = sl->b;

	sl->done = 1;
	b->inflight--;
	b->ended++;
	if (b->hold)
		return;
	bench_record(b, sl, smtp_session_result(s));
	/*
	 * Not freed here, inside the engine's own callback: the kick does
	 * it from the loop, then starts the next session.
	 */
	b->reap[b->nreap++] = s;
	sl->s = NULL;
	event_active(b->kick, EV_TIMEOUT, 0);
}

static void
bench_kick(evutil_socket_t fd, short what, void *arg)
{
	struct bench	*b = arg;
	struct slot	*sl;
	const char	*cause;

	(void)fd;
	(void)what;
	while (b->nreap > 0)
		smtp_session_free(b->reap[--b->nreap]);
	while (b->inflight < b->conc && b->next < b->nslots) {
		sl = &b->slots[b->next++];
		sl->b = b;
		sl->t0 = stats_now_us();
		sl->s = smtp_session_start(b->base, &b->params, bench_done, sl,
		    &cause);
		if (sl->s == NULL)
			errx(1, "smtp_session_start: %s", cause);
		b->inflight++;
	}
	if (!b->hold && b->ended == b->nslots)
		event_base_loopexit(b->base, NULL);
}

/* Set up a run of n sessions, conc at a time; dispatch runs it. */
static void
bench_prepare(struct bench *b, int n, int conc)
{
	int	 k;

	free(b->slots);
	free(b->reap);
	free(b->wall);
	for (k = 0; k < PH_COUNT; k++) {
		free(b->phase_us[k]);
		if ((b->phase_us[k] = calloc((size_t)n, sizeof(int64_t))) ==
		    NULL)
			err(1, "calloc");
		b->nphase[k] = 0;
	}
	b->slots = calloc((size_t)n, sizeof(*b->slots));
	b->reap = calloc((size_t)n, sizeof(*b->reap));
	b->wall = calloc((size_t)n, sizeof(*b->wall));
	if (b->slots == NULL || b->reap == NULL || b->wall == NULL)
		err(1, "calloc");
	b->nslots = n;
	b->conc = conc;
	b->next = b->ended = b->inflight = b->nreap = 0;
	b->ok = b->stalls = 0;
	b->worst_us = 0;
	b->worst_ph = PH_CONNECT;
	event_active(b->kick, EV_TIMEOUT, 0);
}

/* Free what the runs and the loop hold (sessions are the caller's). */
static void
bench_free(struct bench *b)
{
	int	 k;

	while (b->nreap > 0)
		smtp_session_free(b->reap[--b->nreap]);
	for (k = 0; k < PH_COUNT; k++)
		free(b->phase_us[k]);
	free(b->slots);
	free(b->reap);
	free(b->wall);
	event_free(b->kick);
	event_base_free(b->base);
	tls_ctx_free(b->tls);
}

static void
bench_run(struct bench *b, int n, int conc)
{
	bench_prepare(b, n, conc);
	event_base_dispatch(b->base);
}

/* ---- cpu ----------------------------------------------------------- */

static int
cmd_cpu(int argc, char **argv)
{
	struct bench		 b;
	struct stats_cpu	 c0, c1, cd;
	const char		*ca = NULL, *addr = "127.0.0.1", *tag = "eng";
	const char		*host = "mx.test.example", *samples = NULL;
	char			*cause;
	int64_t			 t0, elapsed;
	uint64_t		 a0 = 0, f0 = 0, a1 = 0, f1 = 0, o0;
	int			 ch, n = 500, conc = 1, warm = 20, port = 0, k;
	int			 counting;

	while ((ch = getopt(argc, argv, "a:c:H:j:n:p:S:t:w:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'c':
			ca = optarg;
			break;
		case 'H':
			host = optarg;
			break;
		case 'j':
			conc = atoi(optarg);
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'S':
			samples = optarg;
			break;
		case 't':
			tag = optarg;
			break;
		case 'w':
			warm = atoi(optarg);
			break;
		default:
			return -1;
		}
	}
	if (ca == NULL || port <= 0 || port > 65535 || n <= 0 || conc <= 0 ||
	    warm < 0)
		return -1;

	/* with the shim loaded, split allocations into OpenSSL's and the rest */
	counting = stats_malloc_calls(&a0, &f0) == 0;
	if (counting)
		ossl_count();
	memset(&b, 0, sizeof(b));
	bench_init(&b);
	bench_params(&b, addr, port, host);
	if ((b.tls = tls_ctx_new(ca, &cause)) == NULL)
		errx(1, "tls_ctx_new: %s", cause);
	b.params.tls = b.tls;
	b.params.tls_policy = TLSPOL_VERIFY;
	b.want_tls = 1;

	/* warm-up: Postfix's smtpd processes forked, lazy OpenSSL set-up */
	if (warm > 0)
		bench_run(&b, warm, conc);

	/* the run's own arrays are allocated outside what is measured */
	bench_prepare(&b, n, conc);
	stats_malloc_calls(&a0, &f0);
	o0 = ossl_allocs;
	stats_cpu(RUSAGE_SELF, &c0);
	t0 = stats_now_us();
	event_base_dispatch(b.base);
	elapsed = stats_now_us() - t0;
	stats_cpu(RUSAGE_SELF, &c1);
	stats_malloc_calls(&a1, &f1);
	stats_cpu_sub(&c1, &c0, &cd);

	if (samples != NULL && stats_save(samples, b.wall, (size_t)n) == -1)
		err(1, "%s", samples);
	printf("%s.n=%d\n%s.conc=%d\n%s.ok=%d\n", tag, n, tag, conc, tag,
	    b.ok);
	printf("%s.tls=%s\n", tag, b.tlsdesc);
	printf("%s.cpu_user_us=%.1f\n", tag, (double)cd.user_us / n);
	printf("%s.cpu_sys_us=%.1f\n", tag, (double)cd.sys_us / n);
	printf("%s.cpu_us=%.1f\n", tag, (double)(cd.user_us + cd.sys_us) / n);
	printf("%s.wakeups=%.1f\n", tag, (double)cd.wakeups / n);
	printf("%s.wall_med_us=%lld\n", tag,
	    (long long)stats_percentile(b.wall, (size_t)n, 50));
	printf("%s.wall_p99_us=%lld\n", tag,
	    (long long)stats_percentile(b.wall, (size_t)n, 99));
	printf("%s.probes_per_s=%.0f\n", tag, n * 1e6 / (double)elapsed);
	printf("%s.phase_med_us=", tag);
	for (k = 0; k < PH_COUNT; k++)
		if (b.nphase[k] > 0)
			printf("%s%s:%lld", k ? " " : "", smtp_phase_name(k),
			    (long long)stats_percentile(b.phase_us[k],
			    (size_t)b.nphase[k], 50));
	printf("\n%s.stalls=%d\n", tag, b.stalls);
	printf("%s.worst_step=%s:%lld\n", tag, smtp_phase_name(b.worst_ph),
	    (long long)b.worst_us);
	if (counting) {
		printf("%s.allocs=%.1f\n", tag, (double)(a1 - a0) / n);
		printf("%s.allocs_openssl=%.1f\n", tag,
		    (double)(ossl_allocs - o0) / n);
		printf("%s.allocs_other=%.1f\n", tag,
		    (double)(a1 - a0 - (ossl_allocs - o0)) / n);
		printf("%s.frees=%.1f\n", tag, (double)(f1 - f0) / n);
	}
	bench_free(&b);
	return b.ok == n ? 0 : 1;
}

/* ---- mem ----------------------------------------------------------- */

/* What the tarpit's pipe has reported, and when to stop waiting. */
struct hold {
	struct bench	*b;
	int		 held;		/* connections the tarpit holds */
	int		 failed;	/* handshakes the tarpit saw fail */
	int		 target;
	int		 settle_ms;
};

static void
hold_read(evutil_socket_t fd, short what, void *arg)
{
	struct hold	*h = arg;
	struct timeval	 tv;
	char		 buf[4096];
	ssize_t		 n, i;

	(void)what;
	if ((n = read(fd, buf, sizeof(buf))) <= 0) {
		event_base_loopexit(h->b->base, NULL);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '+')
			h->held++;
		else
			h->failed++;
	}
	if (h->held + h->failed >= h->target) {
		/* let the client side finish what the last bytes started */
		tv.tv_sec = h->settle_ms / 1000;
		tv.tv_usec = (h->settle_ms % 1000) * 1000;
		event_base_loopexit(h->b->base, &tv);
	}
}

/*
 * The tarpit (a child process): accept n connections, complete a TLS
 * handshake on each when sctx is set, report each on wfd ('+' held,
 * '-' handshake failed), keep everything open and wait to be killed.
 */
static __attribute__((noreturn)) void
tarpit_serve(int lfd, int n, SSL_CTX *sctx, int wfd)
{
	struct timeval	 tv = { 30, 0 };
	SSL		*ssl;
	char		 c;
	int		 i, fd;

	for (i = 0; i < n; i++) {
		if ((fd = accept(lfd, NULL, NULL)) == -1) {
			if (errno == EINTR) {
				i--;
				continue;
			}
			_exit(1);
		}
		c = '+';
		if (sctx != NULL) {
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
			if ((ssl = SSL_new(sctx)) == NULL)
				_exit(1);
			SSL_set_fd(ssl, fd);
			if (SSL_accept(ssl) != 1)
				c = '-';
		}
		if (write(wfd, &c, 1) != 1)
			_exit(1);
	}
	for (;;)
		pause();
}

static SSL_CTX *
tarpit_ctx(const char *cert, const char *key)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		errx(1, "SSL_CTX_new failed");
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		errx(1, "%s, %s: cannot load the certificate and key", cert,
		    key);
	/* nothing after the handshake: the client waits for a greeting */
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	return ctx;
}

static int
cmd_mem(int argc, char **argv)
{
	struct bench		 b;
	struct hold		 h;
	struct event		*ev;
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	SSL_CTX			*sctx = NULL;
	const char		*ca = NULL, *cert = NULL, *key = NULL, *tag;
	char			*cause;
	size_t			 heap0, rss0, heap1, rss1;
	int64_t			 ossl0, ossl1;
	pid_t			 pid;
	int			 ch, k = 1000, tls = 0, lfd, pfd[2], i, held = 0;

	while ((ch = getopt(argc, argv, "C:c:K:k:T")) != -1) {
		switch (ch) {
		case 'C':
			cert = optarg;
			break;
		case 'c':
			ca = optarg;
			break;
		case 'K':
			key = optarg;
			break;
		case 'k':
			k = atoi(optarg);
			break;
		case 'T':
			tls = 1;
			break;
		default:
			return -1;
		}
	}
	if (k <= 0 || (tls && (ca == NULL || cert == NULL || key == NULL)))
		return -1;
	tag = tls ? "memtls" : "memplain";
	/* before anything in OpenSSL allocates */
	ossl_count();
	if (stats_nofile(k + 64) == -1)
		err(1, "RLIMIT_NOFILE %d", k + 64);

	/* the tarpit listens before any client connects */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, k + 16) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sl) == -1)
		err(1, "tarpit listener");
	if (pipe(pfd) == -1)
		err(1, "pipe");
	/* made here so that a bad certificate stops us at once */
	if (tls)
		sctx = tarpit_ctx(cert, key);
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		close(pfd[0]);
		tarpit_serve(lfd, k + 1, sctx, pfd[1]);
	}
	close(pfd[1]);
	close(lfd);

	memset(&b, 0, sizeof(b));
	bench_init(&b);
	bench_params(&b, "127.0.0.1", ntohs(sin.sin_port), "mx.test.example");
	b.hold = 1;
	if (tls) {
		if ((b.tls = tls_ctx_new(ca, &cause)) == NULL)
			errx(1, "tls_ctx_new: %s", cause);
		b.params.tls = b.tls;
		b.params.tls_policy = TLSPOL_VERIFY;
		b.params.implicit_tls = 1;
	} else
		b.params.tls_policy = TLSPOL_NONE;

	memset(&h, 0, sizeof(h));
	h.b = &b;
	h.settle_ms = 300;
	if ((ev = event_new(b.base, pfd[0], EV_READ | EV_PERSIST, hold_read,
	    &h)) == NULL || event_add(ev, NULL) == -1)
		errx(1, "event_new failed");

	/*
	 * One session first, so that what is allocated once (OpenSSL's
	 * algorithm tables, libevent's first epoll set) is in the baseline.
	 */
	/* a tarpit that stops answering must not hang the benchmark */
	{
		struct timeval	 limit = { 120, 0 };

		event_base_loopexit(b.base, &limit);
	}
	h.target = 1;
	bench_run(&b, 1, 1);

	/* the first slot array is kept: its session is still held */
	{
		struct slot	*keep = b.slots;

		b.slots = NULL;
		h.target = 1 + k;
		bench_prepare(&b, k, k);
		heap0 = stats_heap_bytes();
		rss0 = stats_rss_bytes();
		ossl0 = ossl_live;
		event_base_dispatch(b.base);
		heap1 = stats_heap_bytes();
		rss1 = stats_rss_bytes();
		ossl1 = ossl_live;
		smtp_session_free(keep[0].s);
		free(keep);
	}
	for (i = 0; i < k; i++) {
		const struct smtp_result *r;

		if (b.slots[i].done || b.slots[i].s == NULL)
			continue;
		r = smtp_session_result(b.slots[i].s);
		if (r->nsteps > 0 &&
		    r->steps[r->nsteps - 1].phase == PH_BANNER &&
		    r->steps[r->nsteps - 1].dur_us == 0 &&
		    (!tls || r->tls_used))
			held++;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	SSL_CTX_free(sctx);

	printf("%s.k=%d\n%s.held=%d\n", tag, k, tag, held);
	printf("%s.tarpit_failed=%d\n", tag, h.failed);
	printf("%s.heap_per_session=%.0f\n", tag,
	    ((double)heap1 - (double)heap0) / k);
	printf("%s.openssl_per_session=%.0f\n", tag,
	    (double)(ossl1 - ossl0) / k);
	printf("%s.beyond_openssl_per_session=%.0f\n", tag,
	    (((double)heap1 - (double)heap0) - (double)(ossl1 - ossl0)) / k);
	printf("%s.rss_per_session=%.0f\n", tag,
	    ((double)rss1 - (double)rss0) / k);
	printf("%s.sizeof_smtp_result=%zu\n", tag, sizeof(struct smtp_result));

	for (i = 0; i < k; i++)
		smtp_session_free(b.slots[i].s);
	event_free(ev);
	close(pfd[0]);
	bench_free(&b);
	return held == k ? 0 : 1;
}

/* ---- lines --------------------------------------------------------- */

static const char greeting[] = "220 bench.test.example ESMTP scripted\r\n";
static const char r_mail[] = "250 2.1.0 Ok\r\n";
static const char r_rcpt[] = "250 2.1.5 Ok\r\n";
static const char r_quit[] = "221 2.0.0 Bye\r\n";
static const char r_other[] = "502 5.5.2 Error: command not recognized\r\n";

/* The EHLO reply: nlines lines, all but the last padded to len bytes. */
static char *
script_ehlo(int nlines, int len, size_t *outlen)
{
	char	*buf, *p;
	int	 i;

	if ((buf = malloc((size_t)nlines * ((size_t)len + 8) + 32)) == NULL)
		err(1, "malloc");
	p = buf;
	for (i = 0; i < nlines - 1; i++) {
		memcpy(p, "250-X", 5);
		memset(p + 5, 'A' + i % 26, (size_t)len - 1);
		memcpy(p + 4 + len, "\r\n", 2);
		p += len + 6;
	}
	p += sprintf(p, "250 SIZE 10240000\r\n");
	*outlen = (size_t)(p - buf);
	return buf;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A scripted SMTP server (child process), one connection at a time. */
static __attribute__((noreturn)) void
script_serve(int lfd, int nlines, int len)
{
	char		 buf[4096], *eol;
	const char	*rep;
	size_t		 have, elen, rlen;
	ssize_t		 r;
	char		*ehlo = script_ehlo(nlines, len, &elen);
	int		 fd, quit;

	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		have = 0;
		quit = 0;
		if (write_all(fd, greeting, sizeof(greeting) - 1) == -1)
			quit = 1;
		while (!quit && (r = read(fd, buf + have, sizeof(buf) - have)) > 0) {
			have += (size_t)r;
			while (!quit && (eol = memchr(buf, '\n', have)) != NULL) {
				if (strncasecmp(buf, "EHLO", 4) == 0) {
					rep = ehlo;
					rlen = elen;
				} else if (strncasecmp(buf, "MAIL", 4) == 0) {
					rep = r_mail;
					rlen = sizeof(r_mail) - 1;
				} else if (strncasecmp(buf, "RCPT", 4) == 0) {
					rep = r_rcpt;
					rlen = sizeof(r_rcpt) - 1;
				} else if (strncasecmp(buf, "QUIT", 4) == 0) {
					rep = r_quit;
					rlen = sizeof(r_quit) - 1;
					quit = 1;
				} else {
					rep = r_other;
					rlen = sizeof(r_other) - 1;
				}
				if (write_all(fd, rep, rlen) == -1)
					quit = 1;
				have -= (size_t)(eol + 1 - buf);
				memmove(buf, eol + 1, have);
			}
			if (have == sizeof(buf))
				break;
		}
		close(fd);
	}
}

static int
cmd_lines(int argc, char **argv)
{
	static const struct { int nlines, len; } cfg[] = {
		{ 1, 0 }, { 100, 16 }, { 100, 1000 },
	};
	struct bench		 b;
	struct sockaddr_in	 sin;
	socklen_t		 sl;
	uint64_t		 a0, f0, a1, f1;
	double			 allocs[3], bytes[3];
	size_t			 elen;
	pid_t			 pid;
	int			 ch, n = 200, i, lfd, bad = 0, counted;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		switch (ch) {
		case 'n':
			n = atoi(optarg);
			break;
		default:
			return -1;
		}
	}
	if (n <= 0)
		return -1;
	/* without the shim the probes still run (for a profiler), uncounted */
	counted = stats_malloc_calls(&a0, &f0) == 0;
	memset(&b, 0, sizeof(b));
	bench_init(&b);
	for (i = 0; i < 3; i++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(sin);
		if ((lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
		    -1 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
		    listen(lfd, 64) == -1 ||
		    getsockname(lfd, (struct sockaddr *)&sin, &sl) == -1)
			err(1, "scripted server listener");
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0)
			script_serve(lfd, cfg[i].nlines, cfg[i].len);
		close(lfd);
		bench_params(&b, "127.0.0.1", ntohs(sin.sin_port),
		    "mx.test.example");
		b.params.tls_policy = TLSPOL_NONE;
		free(script_ehlo(cfg[i].nlines, cfg[i].len, &elen));

		bench_run(&b, 10, 1);		/* warm-up */
		bench_prepare(&b, n, 1);
		stats_malloc_calls(&a0, &f0);
		event_base_dispatch(b.base);
		stats_malloc_calls(&a1, &f1);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (b.ok != n)
			bad++;
		allocs[i] = (double)(a1 - a0) / n;
		bytes[i] = (double)(sizeof(greeting) - 1 + elen +
		    sizeof(r_mail) - 1 + sizeof(r_rcpt) - 1 + sizeof(r_quit) - 1);
		printf("lines.%d.ehlo_lines=%d\n", i, cfg[i].nlines);
		printf("lines.%d.bytes_in=%.0f\n", i, bytes[i]);
		printf("lines.%d.ok=%d\n", i, b.ok);
		if (counted)
			printf("lines.%d.allocs=%.2f\n", i, allocs[i]);
	}
	printf("lines.counted=%d\nlines.n=%d\n", counted, n);
	bench_free(&b);
	if (!counted)
		return bad ? 1 : 0;
	printf("lines.allocs_per_line=%.3f\n", (allocs[1] - allocs[0]) /
	    (cfg[1].nlines - cfg[0].nlines));
	printf("lines.allocs_per_kib=%.3f\n", (allocs[2] - allocs[1]) /
	    ((bytes[2] - bytes[1]) / 1024));
	return bad ? 1 : 0;
}

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr,
	    "usage: probe_bench cpu -p port -c ca-file [-a addr] [-H name] "
	    "[-n count]\n"
	    "                       [-j concurrency] [-w warm-up] [-t tag]\n"
	    "                       [-S samples-file]\n"
	    "       probe_bench mem [-k sessions] [-T -c ca-file -C cert -K key]\n"
	    "       probe_bench lines [-n count]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	int	 rv = -1;

	if (argc < 2)
		usage();
	optind = 2;
	if (strcmp(argv[1], "cpu") == 0)
		rv = cmd_cpu(argc, argv);
	else if (strcmp(argv[1], "mem") == 0)
		rv = cmd_mem(argc, argv);
	else if (strcmp(argv[1], "lines") == 0)
		rv = cmd_lines(argc, argv);
	if (rv == -1)
		usage();
	return rv;
}
