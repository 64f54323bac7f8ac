/*
 * raw_tls.c - the baseline: N full TLS handshakes with a minimal
 * blocking OpenSSL client, nothing else.
 *
 *	raw_tls -p PORT -c CA [-a ADDR] [-H NAME] [-n N] [-w WARM] [-t TAG]
 *		[-s MS] [-S FILE]
 *
 * Each handshake: socket, connect, SSL_connect with certificate and
 * host name verification against CA, then SSL_free and close. No
 * session cache, no tickets: every handshake is a full one, as in
 * smtprobe's engine. The CPU this process uses for the N handshakes
 * (getrusage, user + system) divided by N is the figure the engine is
 * compared against. -s pauses MS milliseconds between handshakes
 * (outside the wall times, inside the CPU window, where a pause costs no
 * CPU): it shows what idle gaps alone do to the CPU cost of the work
 * between them on this machine (cold caches, a descheduled virtual
 * CPU). -S appends the wall time of every handshake (us) to FILE.
 * Output: key=value lines prefixed with TAG (default "raw").
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "stats.h"

struct raw {
	struct sockaddr_in	 sin;
	SSL_CTX			*ctx;
	int			 resumed;	/* handshakes that were not full */
	char			 host[256];	/* SNI and the name verified */
	char			 version[16];
	char			 cipher[64];
	char			 group[32];
};

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: raw_tls -p port -c ca-file [-a addr] "
	    "[-H name] [-n count] [-w warm-up] [-t tag] [-s ms]\n"
	    "               [-S samples-file]\n");
	exit(2);
}

/* One full handshake; 0 when it completed and verified. */
static int
raw_handshake(struct raw *r)
{
	SSL	*ssl;
	int	 fd, one = 1, rv = -1, nid;
	const char *g;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* as the engine does: no Nagle on either side of the comparison */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&r->sin, sizeof(r->sin)) == -1) {
		close(fd);
		return -1;
	}
	if ((ssl = SSL_new(r->ctx)) == NULL) {
		close(fd);
		return -1;
	}
	SSL_set_fd(ssl, fd);
	SSL_set_tlsext_host_name(ssl, r->host);
	SSL_set1_host(ssl, r->host);
	if (SSL_connect(ssl) == 1 && SSL_get_verify_result(ssl) == X509_V_OK) {
		rv = 0;
		if (SSL_session_reused(ssl))
			r->resumed++;
		if (r->version[0] == '\0') {
			snprintf(r->version, sizeof(r->version), "%s",
			    SSL_get_version(ssl));
			snprintf(r->cipher, sizeof(r->cipher), "%s",
			    SSL_get_cipher_name(ssl));
			nid = SSL_get_negotiated_group(ssl);
			g = nid ? SSL_group_to_name(ssl, nid) : NULL;
			snprintf(r->group, sizeof(r->group), "%s", g ? g : "?");
		}
	}
	ERR_clear_error();
	SSL_free(ssl);
	close(fd);
	return rv;
}

int
main(int argc, char *argv[])
{
	struct raw		 r;
	struct stats_cpu	 c0, c1, cd;
	const char		*ca = NULL, *addr = "127.0.0.1", *tag = "raw";
	const char		*samples = NULL;
	int64_t			*wall, t0;
	uint64_t		 a0 = 0, f0 = 0, a1 = 0, f1 = 0;
	int			 ch, n = 500, warm = 20, port = 0, i, ok = 0;
	int			 counting, pause_ms = 0;

	memset(&r, 0, sizeof(r));
	snprintf(r.host, sizeof(r.host), "mx.test.example");
	while ((ch = getopt(argc, argv, "a:c:H:n:p:S:s:t:w:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'c':
			ca = optarg;
			break;
		case 'H':
			if (strlen(optarg) >= sizeof(r.host))
				usage();
			snprintf(r.host, sizeof(r.host), "%s", optarg);
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
		case 's':
			pause_ms = atoi(optarg);
			break;
		case 't':
			tag = optarg;
			break;
		case 'w':
			warm = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (ca == NULL || port <= 0 || port > 65535 || n <= 0 || warm < 0 ||
	    pause_ms < 0)
		usage();
	r.sin.sin_family = AF_INET;
	r.sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &r.sin.sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", addr);

	if ((r.ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		errx(1, "SSL_CTX_new failed");
	SSL_CTX_set_session_cache_mode(r.ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(r.ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_verify(r.ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_load_verify_locations(r.ctx, ca, NULL) != 1)
		errx(1, "%s: cannot load the CA file", ca);
	if ((wall = calloc((size_t)n, sizeof(*wall))) == NULL)
		err(1, "calloc");

	/* warm-up: server processes started, lazy OpenSSL set-up done */
	for (i = 0; i < warm; i++)
		raw_handshake(&r);

	counting = stats_malloc_calls(&a0, &f0) == 0;
	stats_cpu(RUSAGE_SELF, &c0);
	for (i = 0; i < n; i++) {
		if (pause_ms > 0)
			usleep((useconds_t)pause_ms * 1000);
		t0 = stats_now_us();
		if (raw_handshake(&r) == 0)
			ok++;
		wall[i] = stats_now_us() - t0;
	}
	stats_cpu(RUSAGE_SELF, &c1);
	if (counting)
		stats_malloc_calls(&a1, &f1);
	stats_cpu_sub(&c1, &c0, &cd);

	if (samples != NULL && stats_save(samples, wall, (size_t)n) == -1)
		err(1, "%s", samples);
	printf("%s.n=%d\n%s.ok=%d\n", tag, n, tag, ok);
	printf("%s.tls=%s %s %s\n", tag, r.version, r.cipher, r.group);
	printf("%s.resumed=%d\n", tag, r.resumed);
	printf("%s.cpu_user_us=%.1f\n", tag, (double)cd.user_us / n);
	printf("%s.cpu_sys_us=%.1f\n", tag, (double)cd.sys_us / n);
	printf("%s.cpu_us=%.1f\n", tag, (double)(cd.user_us + cd.sys_us) / n);
	printf("%s.wakeups=%.1f\n", tag, (double)cd.wakeups / n);
	printf("%s.wall_med_us=%lld\n", tag,
	    (long long)stats_percentile(wall, (size_t)n, 50));
	printf("%s.wall_p99_us=%lld\n", tag,
	    (long long)stats_percentile(wall, (size_t)n, 99));
	if (counting)
		printf("%s.allocs=%.1f\n", tag, (double)(a1 - a0) / n);
	free(wall);
	SSL_CTX_free(r.ctx);
	return ok == n ? 0 : 1;
}
