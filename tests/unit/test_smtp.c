/*
 * test_smtp.c - the session state machine of lib/smtp.c, row by row,
 * through a fake transport.
 *
 * This file links its own conn_* (the seam lib/conn.h is), so the
 * library's conn.o is never pulled in: no socket is opened. A row plays
 * the server: it hands the session lines and transport events and reads
 * back what the client wrote; deadlines are fired directly (the armed
 * one is found on the event base and checked to be the phase's own), so
 * a timeout costs no time. TLS is a real handshake with an in-memory
 * server over a BIO pair, with certificates made here.
 *
 * The script language of a row, one action per line:
 *
 *	S: TEXT		the server sends the line TEXT
 *	C: TEXT		the client must have written exactly the command
 *			TEXT (one line) since the last check
 *	~refused ~unreachable ~timedout ~error ~timeout
 *			the connection fails (or its deadline fires); without
 *			a ~ line first the connection comes up at once
 *	!timeout PHASE	fire the deadline, which must be PHASE's own
 *	!deadline	fire the deadline, which must be the whole session's
 *			(session=MS: what is left of it is less than the
 *			phase's own)
 *	!eof !reset	the server closes / resets the connection
 *	!tls		the TLS handshake completes (in memory)
 *	!tls-error TEXT	the TLS layer fails with TEXT
 *	!too-long	the transport saw a line over CONN_LINE_MAX
 *	!long N		the server sends a 250 line of N bytes
 *	!lines N TEXT	the server sends the line TEXT N times
 *	!partial N	N bytes of a partial line are waiting
 *	!cut		the caller cuts the session (smtp_session_cut)
 *
 * Before every server line or event nothing may be left unread of what
 * the client wrote (no pipelining, and every command is in the row);
 * after the last action the session must have ended, exactly once, with
 * the row's outcome, exactly the row's findings (id, severity, a piece
 * of the evidence) in order, and no deadline left armed. The info that
 * a server lacks SMTPUTF8, which every session reaching MAIL without it
 * reports, counts only in the rows that name smtp.smtputf8.missing.
 *
 * The scripted-server scenarios (tests/scenario/scripted.sh) are the
 * end-to-end layer over real sockets; this is the exhaustive one.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "conn.h"
#include "finding.h"
#include "smtp.h"
#include "tls.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* The fake transport: one connection at a time. */
struct conn {
	conn_cb		 cb;
	void		*arg;
	char		 out[8192];	/* what the client wrote, unread */
	size_t		 outlen;
	SSL		*ssl;		/* given by conn_starttls */
	int		 starttls;	/* conn_starttls was called */
	size_t		 junk;		/* plain bytes conn_starttls discards */
	size_t		 pending;	/* partial line waiting */
	uint64_t	 tls_in;	/* bytes read since the handshake */
	int		 tls_up;
	int		 stopped;
	int		 freed;
};

static struct conn	*fake;		/* the live connection, or NULL */
static size_t		 fake_junk;	/* what the next conn_starttls discards */
static int		 fake_tls_fails; /* the next conn_starttls fails */
static int		 fake_new_err;	/* the next conn_new fails with it */

struct conn *
conn_new(struct event_base *base, const struct sockaddr *sa, socklen_t len,
    conn_cb cb, void *arg, int *err)
{
	(void)base;
	(void)sa;
	(void)len;
	*err = 0;
	if (fake_new_err != 0) {
		*err = fake_new_err;
		return NULL;
	}
	if ((fake = calloc(1, sizeof(*fake))) == NULL) {
		*err = ENOMEM;
		return NULL;
	}
	fake->cb = cb;
	fake->arg = arg;
	fake->junk = fake_junk;
	return fake;
}

int
conn_write(struct conn *c, const char *buf, size_t len)
{
	assert_false(c->stopped);
	assert_true(c->outlen + len < sizeof(c->out));
	memcpy(c->out + c->outlen, buf, len);
	c->outlen += len;
	return 0;
}

int
conn_starttls(struct conn *c, SSL *ssl, size_t *discarded)
{
	assert_null(c->ssl);
	/* as lib/conn.c: the SSL is the connection's, even on failure */
	if (fake_tls_fails) {
		SSL_free(ssl);
		return -1;
	}
	c->ssl = ssl;
	c->starttls = 1;
	*discarded = c->junk;
	c->pending = 0;
	return 0;
}

SSL *
conn_ssl(struct conn *c)
{
	return c->ssl;
}

size_t
conn_pending(struct conn *c)
{
	return c->pending;
}

/* The partial line is plain text here (no row sends TLS records). */
size_t
conn_peek(struct conn *c, unsigned char *buf, size_t n)
{
	if (n > c->pending)
		n = c->pending;
	memset(buf, 'x', n);
	return n;
}

uint64_t
conn_tls_in(const struct conn *c)
{
	return c->tls_in;
}

void
conn_local(struct conn *c, char *buf, size_t sz)
{
	(void)c;
	snprintf(buf, sz, "127.0.0.1 40025");
}

void
conn_stop(struct conn *c)
{
	c->stopped = 1;
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	if (c == fake)
		fake = NULL;
	free(c);
}

/* As lib/conn.c: the errno values that mean "no route". */
int
conn_err_unreachable(int err)
{
	return err == ENETUNREACH || err == EHOSTUNREACH || err == EADDRNOTAVAIL;
}

/*
 * The certificates: the server's (EC P-256, SAN mx.test, self-signed)
 * and an unrelated one. A client context trusting the first verifies
 * the server; one trusting the second does not.
 */
static EVP_PKEY		*srv_key;
static X509		*srv_cert;
static SSL_CTX		*srv_ctx;
static struct tls_ctx	*cli_trust;	/* trusts srv_cert */
static struct tls_ctx	*cli_other;	/* trusts another certificate */
static unsigned char	 srv_spki[32];	/* SHA-256 of its public key */

static X509 *
make_cert(EVP_PKEY *key, const char *cn, const char *san)
{
	X509		*x = X509_new();
	X509_NAME	*n;
	X509_EXTENSION	*e;
	X509V3_CTX	 v3;

	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	X509_set_pubkey(x, key);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, n);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
	assert_non_null(e);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	return x;
}

/* A client context trusting cert, through a file as smtprobe reads it. */
static struct tls_ctx *
trusting(X509 *cert)
{
	char		 path[] = "/tmp/test_smtp.XXXXXX";
	struct tls_ctx	*t;
	char		*cause;
	FILE		*f;
	int		 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_non_null(f = fdopen(fd, "w"));
	assert_true(PEM_write_X509(f, cert) == 1);
	fclose(f);
	t = tls_ctx_new(path, &cause);
	unlink(path);
	if (t == NULL)
		fail_msg("tls_ctx_new: %s", cause);
	return t;
}

static int
group_setup(void **state)
{
	EVP_PKEY	*okey;
	X509		*ocert;
	unsigned char	*der = NULL;
	unsigned int	 mdlen;
	int		 len;

	(void)state;
	assert_non_null(srv_key = EVP_EC_gen("P-256"));
	srv_cert = make_cert(srv_key, "mx.test", "DNS:mx.test");
	assert_non_null(okey = EVP_EC_gen("P-256"));
	ocert = make_cert(okey, "other CA", "DNS:ca.other.test");
	assert_non_null(srv_ctx = SSL_CTX_new(TLS_server_method()));
	assert_true(SSL_CTX_use_certificate(srv_ctx, srv_cert) == 1);
	assert_true(SSL_CTX_use_PrivateKey(srv_ctx, srv_key) == 1);
	cli_trust = trusting(srv_cert);
	cli_other = trusting(ocert);
	/* the data of a "3 1 1" TLSA record for the server */
	len = i2d_PUBKEY(srv_key, &der);
	assert_true(len > 0);
	assert_true(EVP_Digest(der, (size_t)len, srv_spki, &mdlen,
	    EVP_sha256(), NULL) == 1);
	OPENSSL_free(der);
	X509_free(ocert);
	EVP_PKEY_free(okey);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	tls_ctx_free(cli_trust);
	tls_ctx_free(cli_other);
	SSL_CTX_free(srv_ctx);
	X509_free(srv_cert);
	EVP_PKEY_free(srv_key);
	return 0;
}

/* Run the client's handshake against an in-memory server to the end. */
static void
handshake(SSL *cli)
{
	SSL	*srv;
	BIO	*bc, *bs;
	int	 i, cdone = 0, sdone = 0, r;

	assert_non_null(srv = SSL_new(srv_ctx));
	assert_true(BIO_new_bio_pair(&bc, 0, &bs, 0) == 1);
	SSL_set_bio(cli, bc, bc);
	SSL_set_bio(srv, bs, bs);
	SSL_set_connect_state(cli);
	SSL_set_accept_state(srv);
	for (i = 0; i < 64 && !(cdone && sdone); i++) {
		if (!cdone) {
			r = SSL_do_handshake(cli);
			if (r == 1)
				cdone = 1;
			else
				assert_true(SSL_get_error(cli, r) ==
				    SSL_ERROR_WANT_READ);
		}
		if (!sdone) {
			r = SSL_do_handshake(srv);
			if (r == 1)
				sdone = 1;
			else
				assert_true(SSL_get_error(srv, r) ==
				    SSL_ERROR_WANT_READ);
		}
	}
	assert_true(cdone && sdone);
	SSL_free(srv);
}

/*
 * One expected finding: id, severity and a piece of its evidence, where
 * '*' stands for any text (a duration measured).
 */
struct want {
	const char	*id;
	const char	*sev;
	const char	*evidence;
};

struct row {
	const char	*name;
	/*
	 * Settings, words: tls=POLICY, notls (no TLS context), trust (the
	 * context trusts the server), host=NAME, implicit, submission,
	 * from=ADDR, rcpt=ADDR/accept|reject|relay, slow=PHASE (its
	 * threshold 0), helo=long (over a command line), tlsa=good|bad,
	 * junk=N (plain bytes discarded at STARTTLS), starttls=fail (the
	 * transport cannot start TLS), addr=ADDRESS (default 127.0.0.1),
	 * session=MS (the whole session's deadline; default none).
	 */
	const char	*params;
	const char	*script;
	enum smtp_outcome outcome;
	struct want	 f[4];
	const char	*steps;		/* "phase[:code|:error] ...", or NULL */
};


/* Settings and state of the row being run. */
struct run {
	const struct row	*row;
	struct smtp_params	 p;
	struct smtp_rcpt_test	 rcpts[4];
	char			 rcptbuf[4][64];
	char			 host[64];
	char			 from[64];
	char			 addr[64];
	char			 helo[700];	/* over a command line */
	struct tls_tlsa		 tlsa;
	unsigned char		 tlsa_data[32];
	struct event_base	*base;
	struct smtp_session	*s;
	int			 done;		/* done callbacks seen */
	int			 lineno;	/* script line being run */
};

/* Fail with the row and script line named. */
#define row_fail(r, ...) do {						\
	char	 m_[512];						\
	snprintf(m_, sizeof(m_), __VA_ARGS__);				\
	fail_msg("%s, script line %d: %s", (r)->row->name, (r)->lineno, m_); \
} while (0)

static void
on_done(struct smtp_session *s, void *arg)
{
	struct run	*r = arg;

	assert_ptr_equal(s, r->s);
	r->done++;
}

/* The address to probe, port 25. */
static void
addr_set(struct smtp_params *p, const char *addr)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&p->ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&p->ss;

	memset(&p->ss, 0, sizeof(p->ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(25);
		p->sslen = sizeof(*s4);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(25);
		p->sslen = sizeof(*s6);
	} else
		fail_msg("addr=%s: not an address", addr);
}

static void
parse_params(struct run *r, const char *params)
{
	char		 buf[512], *w, *save, *v, *e;
	struct tls_ctx	*tctx = cli_other;
	int		 i, notls = 0;

	smtp_params_defaults(&r->p);
	r->p.helo = "probe.test";
	snprintf(r->host, sizeof(r->host), "mx.test");
	/* every phase its own deadline, so the phase can be told from it */
	for (i = 0; i < PH_COUNT; i++)
		r->p.timeout_ms[i] = (i + 1) * 1000;
	fake_junk = 0;
	fake_tls_fails = 0;
	snprintf(r->addr, sizeof(r->addr), "127.0.0.1");
	snprintf(buf, sizeof(buf), "%s", params);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if ((v = strchr(w, '=')) != NULL)
			*v++ = '\0';
		if (strcmp(w, "tls") == 0) {
			assert_true((i = smtp_tls_policy_lookup(v)) >= 0);
			r->p.tls_policy = (enum tls_policy)i;
		} else if (strcmp(w, "notls") == 0)
			notls = 1;
		else if (strcmp(w, "trust") == 0)
			tctx = cli_trust;
		else if (strcmp(w, "host") == 0)
			snprintf(r->host, sizeof(r->host), "%s", v);
		else if (strcmp(w, "implicit") == 0)
			r->p.implicit_tls = 1;
		else if (strcmp(w, "submission") == 0)
			r->p.submission = 1;
		else if (strcmp(w, "from") == 0) {
			snprintf(r->from, sizeof(r->from), "%s", v);
			r->p.mail_from = r->from;
		} else if (strcmp(w, "rcpt") == 0) {
			assert_non_null(e = strchr(v, '/'));
			*e++ = '\0';
			assert_true(r->p.nrcpts < (int)N(r->rcpts));
			i = r->p.nrcpts++;
			snprintf(r->rcptbuf[i], sizeof(r->rcptbuf[i]), "%s", v);
			r->rcpts[i].addr = r->rcptbuf[i];
			if (strcmp(e, "accept") == 0)
				r->rcpts[i].expect = RCPT_EXPECT_ACCEPT;
			else if (strcmp(e, "reject") == 0)
				r->rcpts[i].expect = RCPT_EXPECT_REJECT;
			else if (strcmp(e, "relay") == 0)
				r->rcpts[i].expect = RCPT_EXPECT_RELAY_REJECT;
			else
				fail_msg("rcpt=%s/%s: accept, reject or relay",
				    v, e);
			r->p.rcpts = r->rcpts;
		} else if (strcmp(w, "slow") == 0) {
			assert_true((i = smtp_phase_lookup(v)) >= 0);
			r->p.slow_ms[i] = 0;
		} else if (strcmp(w, "helo") == 0 && strcmp(v, "long") == 0) {
			memset(r->helo, 'h', sizeof(r->helo) - 1);
			r->helo[sizeof(r->helo) - 1] = '\0';
			r->p.helo = r->helo;
		} else if (strcmp(w, "tlsa") == 0) {
			memcpy(r->tlsa_data, srv_spki, sizeof(r->tlsa_data));
			if (strcmp(v, "bad") == 0)
				r->tlsa_data[0] ^= 0xff;
			r->tlsa = (struct tls_tlsa){ 3, 1, 1, r->tlsa_data,
			    sizeof(r->tlsa_data) };
			r->p.tlsa = &r->tlsa;
			r->p.ntlsa = 1;
		} else if (strcmp(w, "junk") == 0)
			fake_junk = (size_t)atoi(v);
		else if (strcmp(w, "starttls") == 0 && strcmp(v, "fail") == 0)
			fake_tls_fails = 1;
		else if (strcmp(w, "addr") == 0)
			snprintf(r->addr, sizeof(r->addr), "%s", v);
		else if (strcmp(w, "session") == 0)
			r->p.session_timeout_ms = atoi(v);
		else
			fail_msg("%s: unknown row setting %s", r->row->name, w);
	}
	r->p.tls = notls ? NULL : tctx;
	r->p.host = r->host;
	addr_set(&r->p, r->addr);
}

/* Run what the loop has to run now (the timer callback, the report). */
static void
spin(struct run *r)
{
	int	 i;

	for (i = 0; i < 4; i++)
		event_base_loop(r->base, EVLOOP_NONBLOCK);
}

struct armed {
	struct event	*ev;
	int		 n;
};

static int
find_armed(const struct event_base *b, const struct event *ev, void *arg)
{
	struct armed	*a = arg;

	(void)b;
	if (event_pending(ev, EV_TIMEOUT, NULL)) {
		/* the loop hands out const events; this test fires them */
		a->ev = (struct event *)(uintptr_t)ev;
		a->n++;
	}
	return 0;
}

/* The one deadline armed, or NULL; the ms left on it in *left. */
static struct event *
armed(struct run *r, int64_t *left)
{
	struct armed	 a = { NULL, 0 };
	struct timeval	 tv, now;

	event_base_foreach_event(r->base, find_armed, &a);
	if (a.n > 1)
		row_fail(r, "%d deadlines armed at once", a.n);
	if (a.ev == NULL)
		return NULL;
	event_pending(a.ev, EV_TIMEOUT, &tv);
	evutil_gettimeofday(&now, NULL);
	*left = ((int64_t)tv.tv_sec - now.tv_sec) * 1000 +
	    ((int64_t)tv.tv_usec - now.tv_usec) / 1000;
	return a.ev;
}

/* Fire the deadline armed now, which must be phase ph's own. */
static void
fire(struct run *r, const char *phase)
{
	struct event	*ev;
	int64_t		 left = 0, want;
	int		 ph = smtp_phase_lookup(phase);

	if (ph < 0)
		row_fail(r, "no phase %s", phase);
	if ((ev = armed(r, &left)) == NULL)
		row_fail(r, "no deadline armed to fire");
	want = r->p.timeout_ms[ph];
	/*
	 * The deadline runs from the phase's start: all of it is left (give
	 * or take libevent's conversion of its monotonic clock).
	 */
	if (left > want + 250 || left < want - 250)
		row_fail(r, "the deadline armed has %lld ms left, not the "
		    "%s phase's %lld ms", (long long)left, phase,
		    (long long)want);
	event_active(ev, EV_TIMEOUT, 1);
	spin(r);
}

/*
 * Fire the deadline armed now, which must be the whole session's: what is
 * left of it, no more than session=MS from the start (the row spends no
 * time) and less than the phase's own.
 */
static void
fire_session(struct run *r)
{
	struct event	*ev;
	int64_t		 left = 0, want = r->p.session_timeout_ms;

	if ((ev = armed(r, &left)) == NULL)
		row_fail(r, "no deadline armed to fire");
	if (want <= 0 || left > want + 250 || left < want - 250)
		row_fail(r, "the deadline armed has %lld ms left, not the "
		    "session's %lld ms", (long long)left, (long long)want);
	event_active(ev, EV_TIMEOUT, 1);
	spin(r);
}

/* The client's next command must be want (one line, CR LF). */
static void
expect_cmd(struct run *r, const char *want)
{
	struct conn	*c = fake;
	char		*eol;
	size_t		 n;

	if (c == NULL || c->outlen == 0)
		row_fail(r, "the client wrote nothing, expected \"%s\"", want);
	if ((eol = memchr(c->out, '\n', c->outlen)) == NULL || eol == c->out ||
	    eol[-1] != '\r')
		row_fail(r, "the client wrote \"%.*s\", not a CR LF line",
		    (int)c->outlen, c->out);
	n = (size_t)(eol - c->out) - 1;
	if (n != strlen(want) || memcmp(c->out, want, n) != 0)
		row_fail(r, "the client wrote \"%.*s\", expected \"%s\"",
		    (int)n, c->out, want);
	n += 2;
	memmove(c->out, c->out + n, c->outlen - n);
	c->outlen -= n;
}

/* The server may act: the connection is live, every command was read. */
static struct conn *
server_turn(struct run *r, const char *what)
{
	struct conn	*c = fake;

	if (c == NULL || c->stopped || r->done)
		row_fail(r, "%s after the session ended", what);
	if (c->outlen > 0)
		row_fail(r, "%s while the client's \"%.*s\" is unread (the "
		    "row must say C: first)", what, (int)c->outlen, c->out);
	return c;
}

static void
send_line(struct run *r, const char *line, size_t len)
{
	struct conn	*c = server_turn(r, "a server line");

	if (c->tls_up)
		c->tls_in += len + 2;
	c->pending = 0;
	c->cb(c, CONN_LINE, line, len, 0, c->arg);
	spin(r);
}

static void
event(struct run *r, enum conn_event ev, const char *text, int err)
{
	struct conn	*c = server_turn(r, "an event");

	c->cb(c, ev, text, text != NULL ? strlen(text) : 0, err, c->arg);
	spin(r);
}

static void
action(struct run *r, char *a)
{
	struct conn	*c;
	char		*arg = strchr(a, ' ');
	char		 buf[CONN_LINE_MAX * 2];
	int		 n, i;

	if (arg != NULL)
		*arg++ = '\0';
	if (strcmp(a, "S:") == 0)
		send_line(r, arg, strlen(arg));
	else if (strcmp(a, "C:") == 0)
		expect_cmd(r, arg);
	else if (strcmp(a, "~refused") == 0)
		event(r, CONN_ERROR, NULL, ECONNREFUSED);
	else if (strcmp(a, "~unreachable") == 0)
		event(r, CONN_ERROR, NULL, EHOSTUNREACH);
	else if (strcmp(a, "~timedout") == 0)
		event(r, CONN_ERROR, NULL, ETIMEDOUT);
	else if (strcmp(a, "~error") == 0)
		event(r, CONN_ERROR, NULL, EACCES);
	else if (strcmp(a, "~timeout") == 0)
		fire(r, "connect");
	else if (strcmp(a, "!timeout") == 0)
		fire(r, arg);
	else if (strcmp(a, "!deadline") == 0)
		fire_session(r);
	else if (strcmp(a, "!eof") == 0)
		event(r, CONN_EOF, NULL, 0);
	else if (strcmp(a, "!reset") == 0)
		event(r, CONN_ERROR, NULL, ECONNRESET);
	else if (strcmp(a, "!too-long") == 0)
		event(r, CONN_LINE_TOO_LONG, NULL, 0);
	else if (strcmp(a, "!tls-error") == 0)
		event(r, CONN_TLS_ERROR, arg, 0);
	else if (strcmp(a, "!tls") == 0) {
		c = server_turn(r, "the handshake");
		if (c->ssl == NULL)
			row_fail(r, "handshake without conn_starttls");
		handshake(c->ssl);
		c->tls_up = 1;
		event(r, CONN_TLS_READY, NULL, 0);
	} else if (strcmp(a, "!cut") == 0) {
		/* the caller's deadline: the session ends with no callback */
		smtp_session_cut(r->s);
		if (!smtp_session_ended(r->s))
			row_fail(r, "smtp_session_cut did not end the session");
		r->done++;
		spin(r);
	} else if (strcmp(a, "!partial") == 0) {
		c = server_turn(r, "a partial line");
		c->pending = (size_t)atoi(arg);
	} else if (strcmp(a, "!long") == 0) {
		n = atoi(arg);
		assert_true(n > 4 && (size_t)n < sizeof(buf));
		memset(buf, 'x', (size_t)n);
		memcpy(buf, "250 ", 4);
		send_line(r, buf, (size_t)n);
	} else if (strcmp(a, "!lines") == 0) {
		n = atoi(arg);
		arg = strchr(arg, ' ') + 1;
		for (i = 0; i < n && !r->done; i++)
			send_line(r, arg, strlen(arg));
	} else
		row_fail(r, "unknown action %s", a);
}

/* Do the pieces of want, split at '*', appear in text in order? */
static int
evidence_has(const char *text, const char *want)
{
	char	 piece[FINDING_EVIDENCE_MAX];
	size_t	 n;

	for (;;) {
		n = strcspn(want, "*");
		if (n >= sizeof(piece))
			return 0;
		memcpy(piece, want, n);
		piece[n] = '\0';
		if ((text = strstr(text, piece)) == NULL)
			return 0;
		text += n;
		if (want[n] == '\0')
			return 1;
		want += n + 1;
	}
}

static void
print_result(const struct smtp_result *res)
{
	size_t	 i;

	print_message("    outcome %s\n", smtp_outcome_name(res->outcome));
	for (i = 0; i < res->findings.n; i++)
		print_message("    finding %s %s: %s\n",
		    finding_def(res->findings.v[i].id)->id,
		    finding_severity_name(res->findings.v[i].severity),
		    res->findings.v[i].evidence);
}

static void
check_steps(struct run *r, const struct smtp_result *res)
{
	char	 buf[512], got[64], *w, *save;
	int	 i = 0;

	snprintf(buf, sizeof(buf), "%s", r->row->steps);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save), i++) {
		const struct smtp_step *st;

		if (i >= res->nsteps)
			row_fail(r, "%d steps, the row has more (%s)",
			    res->nsteps, w);
		st = &res->steps[i];
		if (st->error != NULL)
			snprintf(got, sizeof(got), "%s:%s",
			    smtp_phase_name(st->phase), st->error);
		else if (st->code != 0)
			snprintf(got, sizeof(got), "%s:%d",
			    smtp_phase_name(st->phase), st->code);
		else
			snprintf(got, sizeof(got), "%s",
			    smtp_phase_name(st->phase));
		if (strcmp(got, w) != 0)
			row_fail(r, "step %d is %s, not %s", i, got, w);
		if (st->dur_us <= 0)
			row_fail(r, "step %d (%s) not timed", i, got);
	}
	if (i != res->nsteps)
		row_fail(r, "%d steps, the row has %d", res->nsteps, i);
}

static void
run_row(void **state)
{
	const struct row	*row = *state;
	const struct smtp_result *res;
	struct run		*r;
	const char		*cause = NULL;
	const struct finding	*got[64];
	char			 script[16384], *line, *save;
	size_t			 i, j, nwant, ngot;
	int64_t			 left;
	int			 utf8;

	assert_non_null(r = calloc(1, sizeof(*r)));
	r->row = row;
	parse_params(r, row->params);
	assert_non_null(r->base = event_base_new());
	r->s = smtp_session_start(r->base, &r->p, on_done, r, &cause);
	if (r->s == NULL)
		fail_msg("%s: smtp_session_start: %s", row->name, cause);
	assert_non_null(fake);
	snprintf(script, sizeof(script), "%s", row->script);
	if (script[0] != '~')
		event(r, CONN_CONNECTED, NULL, 0);
	for (line = strtok_r(script, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		r->lineno++;
		action(r, line);
	}
	spin(r);
	res = smtp_session_result(r->s);
	if (r->done != 1) {
		print_result(res);
		row_fail(r, "the session ended %d times, not once (the client"
		    " has \"%.*s\" unread)", r->done, fake ? (int)fake->outlen :
		    0, fake ? fake->out : "");
	}
	if (fake != NULL && fake->outlen > 0)
		row_fail(r, "the client wrote \"%.*s\" after the row's last "
		    "C: line", (int)fake->outlen, fake->out);
	if (fake == NULL || !fake->stopped)
		row_fail(r, "the transport was not stopped");
	if (armed(r, &left) != NULL)
		row_fail(r, "a deadline is still armed after the end");
	if (res->outcome != row->outcome) {
		print_result(res);
		row_fail(r, "outcome %s, not %s", smtp_outcome_name(res->outcome),
		    smtp_outcome_name(row->outcome));
	}
	utf8 = 0;
	for (nwant = 0; nwant < N(row->f) && row->f[nwant].id != NULL; nwant++)
		if (strcmp(row->f[nwant].id, "smtp.smtputf8.missing") == 0)
			utf8 = 1;
	for (i = 0, j = 0; j < res->findings.n && i < N(got); j++)
		if (utf8 || res->findings.v[j].id != F_SMTP_SMTPUTF8_MISSING ||
		    res->findings.v[j].severity != SEV_INFO)
			got[i++] = &res->findings.v[j];
	ngot = i;
	for (i = 0; i < nwant || i < ngot; i++) {
		const struct want	*w = &row->f[i];
		const struct finding	*f = i < ngot ? got[i] : NULL;

		if (i >= nwant || i >= ngot ||
		    strcmp(finding_def(f->id)->id, w->id) != 0 ||
		    strcmp(finding_severity_name(f->severity), w->sev) != 0 ||
		    !evidence_has(f->evidence, w->evidence)) {
			print_result(res);
			if (i < nwant && finding_lookup(w->id) == F_COUNT)
				row_fail(r, "no finding id %s", w->id);
			row_fail(r, "finding %zu is not %s %s \"...%s...\"", i,
			    i < nwant ? w->id : "(none)", i < nwant ? w->sev :
			    "", i < nwant ? w->evidence : "");
		}
	}
	if (row->steps != NULL)
		check_steps(r, res);
	smtp_session_free(r->s);
	assert_null(fake);
	event_base_free(r->base);
	free(r);
}

/* Pieces of scripts most rows share. */
#define GREET	"S: 220 mx.test ESMTP\nC: EHLO probe.test\n"
#define EHLO_OK	"S: 250-mx.test\nS: 250 8BITMIME\n"
#define EHLO_TLS "S: 250-mx.test\nS: 250 STARTTLS\n"
#define TO_MAIL	GREET EHLO_OK "C: MAIL FROM:<>\n"
#define TLS_UP	GREET EHLO_TLS "C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n!tls\n"
#define BYE	"C: QUIT\nS: 221 2.0.0 Bye\n"

static const struct row rows[] = {
/* ---- the whole dialogue ---- */
{ "ok.plain", "notls rcpt=user@mx.test/accept",
  GREET EHLO_OK "C: MAIL FROM:<>\nS: 250 2.1.0 Ok\n"
  "C: RCPT TO:<user@mx.test>\nS: 250 2.1.5 Ok\n" BYE,
  SMTP_OK, { { NULL, NULL, NULL } },
  "connect banner:220 ehlo:250 mail:250 rcpt:250 quit:221" },
{ "ok.starttls", "tls=verify trust from=probe@probe.test "
  "rcpt=user@mx.test/accept rcpt=nobody@mx.test/reject",
  TLS_UP "C: EHLO probe.test\nS: 250 mx.test\n"
  "C: MAIL FROM:<probe@probe.test>\nS: 250 2.1.0 Ok\n"
  "C: RCPT TO:<user@mx.test>\nS: 250 2.1.5 Ok\n"
  "C: RSET\nS: 250 2.0.0 Ok\n"
  "C: MAIL FROM:<probe@probe.test>\nS: 250 2.1.0 Ok\n"
  "C: RCPT TO:<nobody@mx.test>\n"
  "S: 550 5.1.1 <nobody@mx.test>: Recipient address rejected: User unknown"
  " in local recipient table\n" BYE,
  SMTP_OK, { { NULL, NULL, NULL } },
  "connect banner:220 ehlo:250 starttls:220 tls ehlo2:250 mail:250 rcpt:250"
  " rset:250 mail:250 rcpt:550 quit:221" },
{ "ok.multiline-greeting", "notls",
  /* the whole greeting is read before EHLO (postscreen's pregreet test) */
  "S: 220-mx.test ESMTP\nS: 220-wait for it\nS: 220 go ahead\n"
  "C: EHLO probe.test\n" EHLO_OK "C: MAIL FROM:<>\nS: 250 Ok\n" BYE,
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },

/* ---- the greeting ---- */
{ "banner.421", "notls",
  /* the first refusal ends the probe: no EHLO, no QUIT */
  "S: 421 4.3.2 mx.test Service not available, closing channel\n",
  SMTP_REFUSED, { { "smtp.banner.4xx", "crit", "greeting: 421 4.3.2 mx.test" } },
  "connect banner:421" },
{ "banner.554", "notls",
  "S: 554 mx.test ESMTP not accepting messages\n",
  SMTP_REFUSED, { { "smtp.banner.5xx", "crit", "greeting: 554 mx.test" } },
  NULL },
{ "banner.client-blocklisted", "notls",
  "S: 554-gmx.net (mxgmx104) Nemesis ESMTP Service not available\n"
  "S: 554-No SMTP service\nS: 554-IP address is block listed.\n"
  "S: 554 For explanation visit https://postmaster.gmx.net/en/case?c=r0201"
  "&i=ip&v=127.0.0.1&r=1MNcgj\n",
  SMTP_REFUSED, { { "policy.client.blocklisted", "warn",
  "the refusal is of this probe's address 127.0.0.1 (HELO probe.test)" } },
  NULL },
{ "banner.client-reputation", "notls",
  "S: 421 4.7.0 [TSS04] Messages from 127.0.0.1 temporarily deferred due "
  "to unexpected volume or user complaints - 4.16.55.1; see "
  "https://postmaster.yahooinc.com/error-codes\n",
  SMTP_REFUSED, { { "policy.client.reputation", "warn", "the refusal is of "
  "this probe's address 127.0.0.1 (HELO probe.test), not of the mail: other"
  " senders may be served [yahoo 4.7.0: \"[TSS04]\"]" } }, NULL },
{ "banner.3xx", "notls",
  "S: 354 mx.test go ahead\n",
  SMTP_PROTOCOL, { { "smtp.reply.malformed", "crit",
  "greeting with code 354: 354 mx.test go ahead" } }, NULL },
{ "banner.timeout", "notls",
  "!partial 7\n!timeout banner\n",
  SMTP_TIMEOUT, { { "smtp.banner.timeout", "crit", "no complete greeting "
  "within 2.0 s (0 line(s), 7 byte(s) of a partial line received)" } },
  "connect banner:timeout" },
{ "banner.tls-record", "notls",
  /* a TLS handshake record where the greeting should be: implicit TLS */
  "S: \x16\x03\x03\x01\x2c\x02\x01garbage\n",
  SMTP_PROTOCOL, { { "smtp.banner.tls", "crit", "port 25 speaks TLS from "
  "the first byte (implicit TLS, as port 465 does), not SMTP: the server "
  "sent a handshake message of TLS 1.2 instead of a greeting" } },
  "connect banner:tls" },
/* ---- the whole session's deadline (before the phase's own) ---- */
{ "session.rcpt", "notls session=2500 rcpt=a@mx.test/accept "
  "rcpt=b@mx.test/accept rcpt=c@mx.test/accept",
  /* RCPT's own deadline is 9 s: the session's 2.5 s come first */
  GREET EHLO_OK "C: MAIL FROM:<>\nS: 250 2.1.0 Ok\nC: RCPT TO:<a@mx.test>\n"
  "S: 250 2.1.5 Ok\nC: RSET\nS: 250 Ok\nC: MAIL FROM:<>\nS: 250 Ok\n"
  "C: RCPT TO:<b@mx.test>\n!deadline\n",
  SMTP_TIMEOUT, { { "smtp.session.timeout", "crit", "the session did not "
  "end within 2500ms (timeout session=): cut waiting for the reply to RCPT "
  "TO:<b@mx.test>, with 1 of 3 RCPT test(s) answered" } },
  "connect banner:220 ehlo:250 mail:250 rcpt:250 rset:250 mail:250 "
  "rcpt:deadline" },
{ "session.banner", "notls session=1500",
  /* the greeting's deadline is 2 s, the session's 1.5 s */
  "!partial 4\n!deadline\n",
  SMTP_TIMEOUT, { { "smtp.session.timeout", "crit", "cut waiting for the "
  "greeting, with 0 of 0" } }, "connect banner:deadline" },
{ "session.longer", "notls session=600000 rcpt=a@mx.test/accept",
  /* a deadline longer than the phases': each phase keeps its own */
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<a@mx.test>\n!timeout rcpt\n",
  SMTP_TIMEOUT, { { "smtp.phase.timeout", "crit", "no reply to RCPT" } },
  NULL },
{ "cut.rcpt", "notls rcpt=user@mx.test/accept",
  /* cut by the check's deadline: what was seen stays, no finding of it */
  GREET EHLO_OK "C: MAIL FROM:<>\nS: 250 2.1.0 Ok\nC: RCPT TO:<user@mx.test>\n"
  "!cut\n",
  SMTP_CUT, { { NULL, NULL, NULL } },
  "connect banner:220 ehlo:250 mail:250 rcpt:cut" },
{ "cut.banner-partial", "notls",
  /* cut with half a greeting read */
  "!partial 3\n!cut\n",
  SMTP_CUT, { { NULL, NULL, NULL } }, "connect banner:cut" },
{ "banner.timeout-mid-reply", "notls",
  "S: 220-mx.test ESMTP\n!timeout banner\n",
  SMTP_TIMEOUT, { { "smtp.banner.timeout", "crit", "(1 line(s), 0 byte(s)" } },
  NULL },
{ "banner.slow", "notls slow=banner",
  TO_MAIL "S: 250 Ok\n" BYE,
  SMTP_OK, { { "smtp.banner.slow", "warn", "greeting took * ms (threshold 0 ms)" } },
  NULL },

/* ---- EHLO and the HELO fallback ---- */
{ "ehlo.slow", "notls slow=ehlo",
  TO_MAIL "S: 250 Ok\n" BYE,
  SMTP_OK, { { "smtp.phase.slow", "warn", "EHLO probe.test answered in * ms "
  "(threshold 0 ms)" } }, NULL },
{ "ehlo.auth-plaintext", "notls",
  GREET "S: 250-mx.test\nS: 250 AUTH PLAIN LOGIN\nC: MAIL FROM:<>\n"
  "S: 250 Ok\n" BYE,
  SMTP_OK, { { "smtp.auth.plaintext", "warn", "AUTH PLAIN LOGIN offered "
  "before TLS" } }, NULL },
{ "ehlo.refused-helo-accepted", "tls=may",
  GREET "S: 502 5.5.2 Error: command not recognized\nC: HELO probe.test\n"
  "S: 250 mx.test\nC: MAIL FROM:<>\nS: 250 Ok\n" BYE,
  SMTP_OK, { { "smtp.ehlo.rejected", "warn", "EHLO refused with 502 5.5.2 "
  "Error: command not recognized, HELO accepted" },
  { "tls.starttls.missing", "warn", "(EHLO: HELO session, no extensions); "
  "TLS policy may" } },
  "connect banner:220 ehlo:502 helo:250 mail:250 quit:221" },
{ "ehlo.refused-helo-refused", "notls",
  GREET "S: 500 5.5.1 Command unrecognized\nC: HELO probe.test\n"
  "S: 501 5.5.4 Syntax error\n" BYE,
  SMTP_OK, { { "smtp.ehlo.rejected", "crit", "EHLO and HELO refused; HELO: "
  "501 5.5.4 Syntax error" } }, NULL },
{ "ehlo.helo-name-refused", "notls",
  /* a refusal of our name is not a server without ESMTP: no HELO */
  GREET "S: 501 5.5.2 <probe.test>: Helo command rejected: Invalid name\n"
  BYE,
  SMTP_OK, { { "policy.helo.rejected", "warn", "EHLO probe.test: 501 5.5.2 "
  "<probe.test>: Helo command rejected: Invalid name; the refusal is of "
  "this probe's address 127.0.0.1" } }, NULL },
{ "ehlo.3xx", "notls",
  GREET "S: 354 Go ahead\n",
  SMTP_REFUSED, { { "smtp.ehlo.rejected", "warn", "EHLO probe.test: 354 Go "
  "ahead" } }, NULL },
{ "ehlo.starttls-required", "notls",
  /* a refusal that blames this client's missing TLS: no HELO either */
  GREET "S: 530 5.7.0 Must issue a STARTTLS command first\n" BYE,
  SMTP_OK, { { "tls.starttls.required", "warn", "EHLO probe.test: 530 5.7.0"
  } }, NULL },
{ "ehlo.4xx", "notls",
  GREET "S: 451 4.3.0 Temporary failure, try later\n",
  SMTP_REFUSED, { { "smtp.ehlo.rejected", "warn", "EHLO probe.test: 451 "
  "4.3.0 Temporary failure" } }, NULL },
{ "ehlo.4xx-client", "notls",
  GREET "S: 450 4.7.25 Client host rejected: cannot find your hostname, "
  "[127.0.0.1]\n",
  SMTP_REFUSED, { { "policy.client.reverse-dns", "warn", "EHLO probe.test: "
  "450 4.7.25 Client host rejected" } }, NULL },
{ "helo.name-refused", "notls",
  GREET "S: 502 5.5.2 Error: command not recognized\nC: HELO probe.test\n"
  "S: 504 5.5.2 <probe.test>: Helo command rejected: need fully-qualified"
  " hostname\n" BYE,
  SMTP_OK, { { "policy.helo.rejected", "warn", "HELO probe.test: 504 5.5.2"
  } }, NULL },
{ "helo.too-long", "notls helo=long",
  /* the command would not fit a command line: nothing is sent */
  "S: 220 mx.test ESMTP\n",
  SMTP_PROTOCOL, { { NULL, NULL, NULL } }, NULL },

/* ---- STARTTLS ---- */
{ "starttls.not-offered-may", "tls=may",
  TO_MAIL "S: 250 Ok\n" BYE,
  SMTP_OK, { { "tls.starttls.missing", "warn", "STARTTLS not offered (EHLO: "
  "8BITMIME); TLS policy may" } }, NULL },
{ "starttls.not-offered-bare-ehlo", "tls=may",
  GREET "S: 250 mx.test\nC: MAIL FROM:<>\nS: 250 Ok\n" BYE,
  SMTP_OK, { { "tls.starttls.missing", "warn", "STARTTLS not offered (EHLO: "
  "no extensions); TLS policy may" } }, NULL },
{ "starttls.not-offered-encrypt", "tls=encrypt",
  GREET EHLO_OK BYE,
  SMTP_TLS, { { "tls.starttls.missing", "crit", "TLS policy encrypt" } },
  NULL },
{ "starttls.not-offered-submission", "tls=may submission",
  GREET EHLO_OK BYE,
  SMTP_TLS, { { "tls.starttls.missing", "crit", "TLS policy may, "
  "submission port" } }, NULL },
{ "starttls.policy-none", "tls=none",
  GREET EHLO_TLS "C: MAIL FROM:<>\nS: 250 Ok\n" BYE,
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },
{ "starttls.no-context", "notls tls=verify",
  /* without a TLS context nothing is asked of TLS */
  GREET EHLO_TLS "C: MAIL FROM:<>\nS: 250 Ok\n" BYE,
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },
{ "starttls.refused-may", "tls=may",
  GREET EHLO_TLS "C: STARTTLS\nS: 454 4.7.0 TLS not available due to local"
  " problem\nC: MAIL FROM:<>\nS: 250 Ok\n" BYE,
  SMTP_OK, { { "tls.starttls.refused", "warn", "STARTTLS advertised but "
  "answered 454 4.7.0 TLS not available" } }, NULL },
{ "starttls.refused-verify", "tls=verify",
  GREET EHLO_TLS "C: STARTTLS\nS: 454 4.7.0 TLS not available due to local"
  " problem\n" BYE,
  SMTP_TLS, { { "tls.starttls.refused", "crit", "answered 454 4.7.0" } },
  NULL },
{ "starttls.answered-250", "tls=may",
  /* only 220 starts TLS (RFC 3207 4) */
  GREET EHLO_TLS "C: STARTTLS\nS: 250 2.0.0 Ok\nC: MAIL FROM:<>\n"
  "S: 250 Ok\n" BYE,
  SMTP_OK, { { "tls.starttls.refused", "warn", "STARTTLS advertised but "
  "answered 250 2.0.0 Ok" } }, NULL },
{ "starttls.injection", "tls=may trust junk=12",
  /* bytes sent after the 220 and before the handshake: RFC 3207 6 */
  TLS_UP "C: EHLO probe.test\nS: 250 mx.test\nC: MAIL FROM:<>\nS: 250 Ok\n"
  BYE,
  SMTP_OK, { { "smtp.reply.malformed", "crit", "12 byte(s) sent after the "
  "220 to STARTTLS, before the TLS handshake" } }, NULL },
{ "starttls.cannot-start", "tls=may starttls=fail",
  GREET EHLO_TLS "C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n",
  SMTP_TLS, { { "tls.handshake", "warn", "cannot set up TLS" } }, NULL },
{ "starttls.stray-line", "tls=may trust",
  /* nothing is read as a reply while the handshake runs */
  GREET EHLO_TLS "C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n"
  "S: 250 injected\n!tls\nC: EHLO probe.test\nS: 250 mx.test\n"
  "C: MAIL FROM:<>\nS: 250 Ok\n" BYE,
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },
{ "starttls.slow-handshake", "tls=may trust slow=tls",
  TLS_UP "C: EHLO probe.test\nS: 250 mx.test\nC: MAIL FROM:<>\nS: 250 Ok\n"
  BYE,
  SMTP_OK, { { "smtp.phase.slow", "warn", "tls answered in * ms (threshold 0 ms)" } }, NULL },

/* ---- the handshake and what it showed ---- */
{ "tls.untrusted-may", "tls=may",
  TLS_UP "C: EHLO probe.test\nS: 250 mx.test\nC: MAIL FROM:<>\nS: 250 Ok\n"
  BYE,
  SMTP_OK, { { "tls.cert.untrusted", "warn", "issuer=CN=mx.test" } }, NULL },
{ "tls.untrusted-verify", "tls=verify",
  /* a verifying client stops at the certificate */
  TLS_UP BYE,
  SMTP_TLS, { { "tls.cert.untrusted", "crit", "issuer=CN=mx.test" } },
  "connect banner:220 ehlo:250 starttls:220 tls quit:221" },
{ "tls.hostname-verify", "tls=verify trust host=other.test",
  TLS_UP BYE,
  SMTP_TLS, { { "tls.cert.hostname", "crit", "other.test" } }, NULL },
{ "tls.handshake-failed", "tls=may",
  GREET EHLO_TLS "C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n"
  "!tls-error handshake failure\n",
  SMTP_TLS, { { "tls.handshake", "warn", "handshake failed: handshake "
  "failure" } }, "connect banner:220 ehlo:250 starttls:220 tls:tls" },
{ "tls.handshake-closed", "tls=encrypt",
  GREET EHLO_TLS "C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n!eof\n",
  SMTP_TLS, { { "tls.handshake", "crit", "connection closed by the server "
  "during the TLS handshake" } }, NULL },
{ "tls.handshake-reset", "tls=may",
  GREET EHLO_TLS "C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n!reset\n",
  SMTP_TLS, { { "tls.handshake", "warn", "connection Connection reset by "
  "peer during the TLS handshake" } }, NULL },
{ "tls.refused-after-finished", "tls=may trust",
  /* TLS 1.3: certificate_required comes on the first read */
  TLS_UP "C: EHLO probe.test\n!tls-error certificate required\n",
  SMTP_TLS, { { "tls.handshake", "warn", "handshake refused by the server "
  "after the client's Finished, before any data (TLSv1.3, during ehlo2): "
  "certificate required" } }, NULL },
{ "tls.error-after-data", "tls=may trust",
  TLS_UP "C: EHLO probe.test\nS: 250 mx.test\nC: MAIL FROM:<>\n"
  "!tls-error bad record mac\n",
  SMTP_NET, { { "net.reset", "crit", "TLS error during mail: bad record "
  "mac" } }, NULL },
{ "tls.error-plain", "notls",
  /* a TLS error outside TLS cannot come from a handshake of ours */
  GREET "!tls-error unexpected\n",
  SMTP_NET, { { "net.reset", "crit", "TLS error during ehlo: unexpected" } },
  NULL },
{ "dane.match", "tls=dane tlsa=good",
  /* DANE-EE matches the key: the trust store does not count */
  TLS_UP "C: EHLO probe.test\nS: 250 mx.test\nC: MAIL FROM:<>\nS: 250 Ok\n"
  BYE,
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },
{ "dane.mismatch", "tls=dane trust tlsa=bad",
  TLS_UP BYE,
  SMTP_TLS, { { "dane.mismatch", "crit", "none of 1 usable TLSA record(s) "
  "matches" } }, NULL },
{ "ehlo2.refused", "tls=may trust",
  TLS_UP "C: EHLO probe.test\nS: 550 5.5.1 Not now\n" BYE,
  SMTP_OK, { { "smtp.ehlo.rejected", "crit", "EHLO inside TLS: 550 5.5.1 "
  "Not now" } }, NULL },
{ "ehlo2.client-refused", "tls=may trust",
  TLS_UP "C: EHLO probe.test\nS: 550 5.7.1 <probe.test>: Helo command "
  "rejected: Host not found\n" BYE,
  SMTP_OK, { { "policy.helo.rejected", "warn", "EHLO inside TLS: 550 5.7.1"
  } }, NULL },

/* ---- implicit TLS (port 465) ---- */
{ "implicit.ok", "implicit tls=verify trust",
  "!tls\nS: 220 mx.test ESMTP\nC: EHLO probe.test\n"
  "S: 250-mx.test\nS: 250 AUTH PLAIN\nC: MAIL FROM:<>\nS: 250 Ok\n" BYE,
  SMTP_OK, { { NULL, NULL, NULL } },
  "connect tls banner:220 ehlo:250 mail:250 quit:221" },
{ "implicit.untrusted-verify", "implicit tls=verify",
  /* the greeting is still read: nothing is said before the server spoke */
  "!tls\nS: 220 mx.test ESMTP\n" BYE,
  SMTP_TLS, { { "tls.cert.untrusted", "crit", "issuer=CN=mx.test" } },
  NULL },
{ "implicit.no-context", "implicit notls",
  "",
  SMTP_TLS, { { "tls.handshake", "crit", "implicit TLS without a TLS "
  "context" } }, NULL },
{ "implicit.timeout", "implicit",
  "!timeout tls\n",
  SMTP_TIMEOUT, { { "tls.handshake", "warn", "TLS handshake not completed "
  "within 6.0 s" } }, NULL },

/* ---- MAIL FROM ---- */
{ "mail.null-sender-refused", "notls",
  TO_MAIL "S: 553 Requested action not taken: NULL sender is not allowed\n"
  BYE,
  SMTP_OK, { { "policy.null-sender.rejected", "crit", "MAIL FROM:<>: 553 "
  "Requested action not taken" } }, NULL },
{ "mail.sender-refused", "notls from=probe@probe.test",
  GREET EHLO_OK "C: MAIL FROM:<probe@probe.test>\n"
  "S: 554 5.7.1 <probe@probe.test>: Sender address rejected: Access denied\n"
  BYE,
  SMTP_OK, { { "policy.mail.rejected", "crit", "MAIL FROM:<probe@probe.test>:"
  " 554 5.7.1" } }, NULL },
{ "mail.null-sender-generic", "notls",
  /* RFC 5321 4.5.5: a permanent refusal of <> is its own finding */
  TO_MAIL "S: 550 5.7.1 Access denied\n" BYE,
  SMTP_OK, { { "policy.null-sender.rejected", "crit", "MAIL FROM:<>: 550 "
  "5.7.1 Access denied" } }, NULL },
{ "mail.deferred", "notls rcpt=user@mx.test/accept",
  TO_MAIL "S: 451 Not now\n" BYE,
  SMTP_OK, { { "policy.deferred", "warn", "MAIL FROM:<>: 451 Not now" } },
  NULL },
{ "mail.server-error", "notls rcpt=user@mx.test/accept",
  /* the server's own trouble (a Postfix table lookup), not a policy */
  TO_MAIL "S: 451 4.3.0 Temporary lookup failure\n" BYE,
  SMTP_OK, { { "smtp.server.error", "warn", "MAIL FROM:<>: 451 4.3.0 "
  "Temporary lookup failure [postfix 4.3.0" } }, NULL },
{ "mail.starttls-required", "tls=none",
  GREET EHLO_OK "C: MAIL FROM:<>\nS: 451 5.7.3 STARTTLS is required to send"
  " mail\n" BYE,
  SMTP_OK, { { "tls.starttls.required", "warn", "the enhanced code's class "
  "disagrees with 451" } }, NULL },
{ "mail.3xx", "notls",
  TO_MAIL "S: 354 Go ahead\n" BYE,
  SMTP_OK, { { "smtp.reply.malformed", "crit", "MAIL FROM:<>: unexpected "
  "reply 354 Go ahead" } }, NULL },
{ "mail.slow", "notls slow=mail",
  TO_MAIL "S: 250 Ok\n" BYE,
  SMTP_OK, { { "smtp.phase.slow", "warn", "MAIL FROM:<> answered in * ms" } },
  NULL },

/* ---- RCPT TO and what each test expects ---- */
{ "rcpt.unknown-user", "notls rcpt=user@mx.test/accept",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<user@mx.test>\n"
  "S: 550 5.1.1 <user@mx.test>: Recipient address rejected: User unknown "
  "in local recipient table\n" BYE,
  SMTP_OK, { { "policy.rcpt.unknown-user", "crit", "RCPT TO:<user@mx.test>:"
  " 550 5.1.1" } }, NULL },
{ "rcpt.rejected", "notls rcpt=user@mx.test/accept",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<user@mx.test>\nS: 554 Rejected\n" BYE,
  SMTP_OK, { { "policy.rcpt.rejected", "crit", "RCPT TO:<user@mx.test>: 554"
  " Rejected" } }, NULL },
{ "rcpt.unknown-user-temporary", "notls rcpt=user@mx.test/accept",
  /* a crit cause, refused for now: warn (soft_bounce, a verify probe) */
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<user@mx.test>\n"
  "S: 450 4.1.1 <user@mx.test>: Recipient address rejected: User unknown "
  "in local recipient table\n" BYE,
  SMTP_OK, { { "policy.rcpt.unknown-user", "warn", "RCPT TO:<user@mx.test>:"
  " 450 4.1.1" } }, NULL },
{ "rcpt.inconsistent-class", "notls rcpt=user@mx.test/accept",
  /* RFC 3463 2: the basic code decides */
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<user@mx.test>\nS: 550 4.2.2 mailbox "
  "full\n" BYE,
  SMTP_OK, { { "policy.rcpt.mailbox-full", "warn", "(the enhanced code's "
  "class disagrees with 550: the basic code decides, the refusal is "
  "permanent)" } }, NULL },
{ "rcpt.greylisted", "notls rcpt=user@mx.test/accept",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<user@mx.test>\n"
  "S: 450 4.2.0 <user@mx.test>: Recipient address rejected: Greylisted, "
  "see http://postgrey.schweikert.ch/help/mx.test.html\n" BYE,
  SMTP_OK, { { "policy.greylisted", "warn", "450 4.2.0" } }, NULL },
{ "rcpt.mailbox-full", "notls rcpt=user@mx.test/accept",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<user@mx.test>\n"
  "S: 452-4.2.2 The recipient's inbox is out of storage space. Please "
  "direct\nS: 452 4.2.2 the recipient to Manage files in your Google Drive"
  " storage.\n" BYE,
  SMTP_OK, { { "policy.rcpt.mailbox-full", "warn", "[gmail 4.2.2" } },
  NULL },
{ "rcpt.accepted-expected-reject", "notls rcpt=nobody@mx.test/reject",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<nobody@mx.test>\nS: 250 2.1.5 Ok\n" BYE,
  SMTP_OK, { { "policy.rcpt.accepted", "warn", "RCPT TO:<nobody@mx.test> "
  "expected to be rejected: 250 2.1.5 Ok" } }, NULL },
{ "rcpt.reject-deferred", "notls rcpt=nobody@mx.test/reject",
  /* a temporary refusal says nothing of the expectation */
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<nobody@mx.test>\n"
  "S: 451 Not now\n" BYE,
  SMTP_OK, { { "policy.deferred", "warn", "RCPT TO:<nobody@mx.test>: 451" } },
  NULL },
{ "rcpt.reject-of-client", "notls rcpt=nobody@mx.test/reject",
  /* refused, but for this client's address: no word on the recipient */
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<nobody@mx.test>\n"
  "S: 554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using"
  " zen.spamhaus.org\n" BYE,
  SMTP_OK, { { "policy.client.blocklisted", "warn", "the refusal is of this"
  " probe's address 127.0.0.1" } }, NULL },
{ "rcpt.open-relay", "notls rcpt=relay@elsewhere.test/relay",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<relay@elsewhere.test>\nS: 250 Ok\n" BYE,
  SMTP_OK, { { "policy.open-relay", "crit", "relaying to a foreign domain "
  "accepted without authentication: RCPT TO:<relay@elsewhere.test>" } },
  NULL },
{ "rcpt.relay-denied", "notls rcpt=relay@elsewhere.test/relay",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<relay@elsewhere.test>\n"
  "S: 554 5.7.1 <relay@elsewhere.test>: Relay access denied\n" BYE,
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },
{ "rcpt.rset-refused", "notls rcpt=a@mx.test/accept rcpt=b@mx.test/accept",
  /* without a clean transaction the next test is not run: said */
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<a@mx.test>\nS: 250 Ok\nC: RSET\n"
  "S: 502 5.5.2 Error: command not recognized\n" BYE,
  SMTP_OK, { { "smtp.command.rejected", "warn", "RSET (1 recipient test "
  "not run): 502 5.5.2 Error: command not recognized" } }, NULL },
{ "rcpt.slow-once", "notls slow=rcpt rcpt=a@mx.test/accept "
  "rcpt=b@mx.test/accept",
  /* a phase is reported slow once per session */
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<a@mx.test>\nS: 250 Ok\nC: RSET\n"
  "S: 250 Ok\nC: MAIL FROM:<>\nS: 250 Ok\nC: RCPT TO:<b@mx.test>\n"
  "S: 250 Ok\n" BYE,
  SMTP_OK, { { "smtp.phase.slow", "warn", "RCPT TO:<a@mx.test> answered in * ms" } },
  NULL },

/* ---- SMTPUTF8 (RFC 6531): addresses with a UTF-8 local part ---- */
{ "smtputf8.offered", "notls rcpt=用户@xn--fsqu00a.test/accept "
  "rcpt=user@mx.test/accept",
  /* declared in the transaction that needs it, not in the other */
  GREET "S: 250-mx.test\nS: 250 SMTPUTF8\n"
  "C: MAIL FROM:<> SMTPUTF8\nS: 250 2.1.0 Ok\n"
  "C: RCPT TO:<用户@xn--fsqu00a.test>\nS: 250 2.1.5 Ok\n"
  "C: RSET\nS: 250 2.0.0 Ok\nC: MAIL FROM:<>\nS: 250 2.1.0 Ok\n"
  "C: RCPT TO:<user@mx.test>\nS: 250 2.1.5 Ok\n" BYE,
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },
{ "smtputf8.offered-sender", "notls from=发件人@xn--fsqu00a.test "
  "rcpt=user@mx.test/accept",
  GREET "S: 250-mx.test\nS: 250 SMTPUTF8\n"
  "C: MAIL FROM:<发件人@xn--fsqu00a.test> SMTPUTF8\nS: 250 2.1.0 Ok\n"
  "C: RCPT TO:<user@mx.test>\nS: 250 2.1.5 Ok\n" BYE,
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },
{ "smtputf8.missing", "notls rcpt=用户@xn--fsqu00a.test/accept "
  "rcpt=user@mx.test/accept",
  /* the UTF-8 recipient is not sent, the other is tested */
  GREET EHLO_OK "C: MAIL FROM:<>\nS: 250 2.1.0 Ok\n"
  "C: RCPT TO:<user@mx.test>\nS: 250 2.1.5 Ok\n" BYE,
  SMTP_OK, { { "smtp.smtputf8.missing", "warn", "SMTPUTF8 not offered "
  "(EHLO: 8BITMIME): 1 recipient(s) not tested, they need it (RFC 6531): "
  "RCPT TO:<?@xn--fsqu00a.test>" } },
  "connect banner:220 ehlo:250 mail:250 rcpt:250 quit:221" },
{ "smtputf8.missing-last", "notls rcpt=user@mx.test/accept "
  "rcpt=aÃ©@mx.test/reject rcpt=bÃ©@mx.test/reject",
  /* nothing left to test after the ASCII one: no RSET */
  GREET EHLO_OK "C: MAIL FROM:<>\nS: 250 2.1.0 Ok\n"
  "C: RCPT TO:<user@mx.test>\nS: 250 2.1.5 Ok\n" BYE,
  SMTP_OK, { { "smtp.smtputf8.missing", "warn", "2 recipient(s) not "
  "tested, they need it (RFC 6531): RCPT TO:<a?@mx.test>, <b?@mx.test>" } },
  NULL },
{ "smtputf8.missing-sender", "notls from=发件人@xn--fsqu00a.test "
  "rcpt=user@mx.test/accept",
  /* no transaction at all */
  GREET EHLO_OK BYE,
  SMTP_OK, { { "smtp.smtputf8.missing", "warn", "MAIL FROM:<?@xn--fsqu00a."
  "test> needs it (RFC 6531), no recipient tested" } },
  "connect banner:220 ehlo:250 quit:221" },
{ "smtputf8.missing-info", "notls",
  GREET EHLO_OK "C: MAIL FROM:<>\nS: 250 2.1.0 Ok\n" BYE,
  SMTP_OK, { { "smtp.smtputf8.missing", "info", "SMTPUTF8 not offered "
  "(EHLO: 8BITMIME): mail to an address with a non-ASCII local part "
  "cannot be delivered here" } }, NULL },
{ "smtputf8.helo-fallback", "notls rcpt=用户@xn--fsqu00a.test/accept",
  /* a HELO session has no extensions */
  GREET "S: 502 5.5.2 Error: command not recognized\nC: HELO probe.test\n"
  "S: 250 mx.test\nC: MAIL FROM:<>\nS: 250 2.1.0 Ok\n" BYE,
  SMTP_OK, { { "smtp.ehlo.rejected", "warn", "HELO accepted" },
  { "smtp.smtputf8.missing", "warn", "(EHLO: HELO session, no "
  "extensions): 1 recipient(s) not tested" } }, NULL },
{ "smtputf8.tls-ehlo", "tls=verify trust rcpt=用户@xn--fsqu00a.test/accept",
  /* the EHLO inside TLS decides, not the one before */
  GREET "S: 250-mx.test\nS: 250-SMTPUTF8\nS: 250 STARTTLS\n"
  "C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n!tls\n"
  "C: EHLO probe.test\nS: 250 mx.test\n"
  "C: MAIL FROM:<>\nS: 250 2.1.0 Ok\n" BYE,
  SMTP_OK, { { "smtp.smtputf8.missing", "warn", "(EHLO: no extensions): 1 "
  "recipient(s) not tested" } }, NULL },

/* ---- 421 anywhere: the server is closing (RFC 5321 3.8) ---- */
{ "421.ehlo", "notls",
  GREET "S: 421 4.3.0 mx.test shutting down\n",
  SMTP_REFUSED, { { "smtp.ehlo.rejected", "warn", "EHLO probe.test: 421 "
  "4.3.0" } }, "connect banner:220 ehlo:421" },
{ "421.helo", "notls",
  GREET "S: 502 5.5.2 Error\nC: HELO probe.test\nS: 421 4.3.0 closing\n",
  SMTP_REFUSED, { { "smtp.ehlo.rejected", "warn", "HELO probe.test: 421" } },
  NULL },
{ "421.starttls", "tls=may",
  GREET EHLO_TLS "C: STARTTLS\nS: 421 4.3.0 closing\n",
  SMTP_REFUSED, { { "smtp.server.error", "warn", "STARTTLS: 421 4.3.0" } },
  NULL },
{ "421.ehlo2", "tls=may trust",
  TLS_UP "C: EHLO probe.test\nS: 421 4.3.0 closing\n",
  SMTP_REFUSED, { { "smtp.ehlo.rejected", "warn", "EHLO probe.test: 421" } },
  NULL },
{ "421.mail", "notls",
  TO_MAIL "S: 421 4.4.5 Server busy, try again later.\n",
  SMTP_REFUSED, { { "smtp.server.error", "warn", "MAIL FROM:<>: 421 4.4.5" } },
  NULL },
{ "421.rcpt-rate-limited", "notls rcpt=user@mx.test/accept",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<user@mx.test>\n"
  "S: 421-4.7.28 Gmail has detected an unusual rate of email originating "
  "from your IP address\nS: 421 4.7.28 127.0.0.1. To protect our users from"
  " spam, email sent from your IP address has been temporarily rate "
  "limited.\n",
  SMTP_REFUSED, { { "policy.rate-limited", "warn", "RCPT TO:<user@mx.test>: "
  "421 4.7.28" } }, NULL },
{ "421.rset", "notls rcpt=a@mx.test/accept rcpt=b@mx.test/accept",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<a@mx.test>\nS: 250 Ok\nC: RSET\n"
  "S: 421 closing\n",
  SMTP_REFUSED, { { "policy.deferred", "warn", "RSET: 421 closing" } }, NULL },
{ "421.quit", "notls",
  /* after QUIT a 421 changes nothing */
  TO_MAIL "S: 250 Ok\nC: QUIT\nS: 421 4.3.0 closing\n",
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },

/* ---- deadlines, one per phase ---- */
{ "timeout.connect", "notls",
  "~timeout\n",
  SMTP_TIMEOUT, { { "net.connect.timeout", "crit", "no TCP answer from "
  "127.0.0.1 port 25 within 1.0 s" } }, "connect:timeout" },
{ "timeout.ehlo", "notls",
  GREET "!timeout ehlo\n",
  SMTP_TIMEOUT, { { "smtp.phase.timeout", "crit", "no reply to EHLO "
  "probe.test within 3.0 s" } }, "connect banner:220 ehlo:timeout" },
{ "timeout.helo", "notls",
  GREET "S: 502 5.5.2 Error\nC: HELO probe.test\n!timeout helo\n",
  SMTP_TIMEOUT, { { "smtp.phase.timeout", "crit", "no reply to HELO "
  "probe.test within 4.0 s" } }, NULL },
{ "timeout.starttls", "tls=may",
  GREET EHLO_TLS "C: STARTTLS\n!timeout starttls\n",
  SMTP_TIMEOUT, { { "smtp.phase.timeout", "crit", "no reply to STARTTLS "
  "within 5.0 s" } }, NULL },
{ "timeout.tls", "tls=may",
  GREET EHLO_TLS "C: STARTTLS\nS: 220 Ready\n!timeout tls\n",
  SMTP_TIMEOUT, { { "tls.handshake", "warn", "TLS handshake not completed "
  "within 6.0 s" } }, NULL },
{ "timeout.ehlo2", "tls=may trust",
  TLS_UP "C: EHLO probe.test\n!timeout ehlo2\n",
  SMTP_TIMEOUT, { { "smtp.phase.timeout", "crit", "no reply to EHLO "
  "probe.test within 7.0 s" } }, NULL },
{ "timeout.mail", "notls",
  TO_MAIL "!timeout mail\n",
  SMTP_TIMEOUT, { { "smtp.phase.timeout", "crit", "no reply to MAIL "
  "FROM:<> within 8.0 s" } }, NULL },
{ "timeout.rcpt", "notls rcpt=a@mx.test/accept",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<a@mx.test>\n!timeout rcpt\n",
  SMTP_TIMEOUT, { { "smtp.phase.timeout", "crit", "no reply to RCPT "
  "TO:<a@mx.test> within 9.0 s" } }, NULL },
{ "timeout.rset", "notls rcpt=a@mx.test/accept rcpt=b@mx.test/accept",
  TO_MAIL "S: 250 Ok\nC: RCPT TO:<a@mx.test>\nS: 250 Ok\nC: RSET\n"
  "!timeout rset\n",
  SMTP_TIMEOUT, { { "smtp.phase.timeout", "crit", "no reply to RSET within "
  "10.0 s" } }, NULL },
{ "timeout.quit", "notls",
  /* everything that mattered is done: a slow QUIT is no fault */
  TO_MAIL "S: 250 Ok\nC: QUIT\n!timeout quit\n",
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },

/* ---- the connection ---- */
{ "connect.refused", "notls",
  "~refused\n",
  SMTP_NET, { { "net.connect.refused", "crit", "connect to 127.0.0.1 port "
  "25: Connection refused" } }, "connect:refused" },
{ "connect.refused-v6", "notls addr=::1",
  "~refused\n",
  SMTP_NET, { { "net.connect.refused", "crit", "connect to ::1 port 25: "
  "Connection refused" } }, NULL },
{ "connect.unreachable", "notls",
  "~unreachable\n",
  SMTP_NET, { { "net.unreachable", "crit", "No route to host" } }, NULL },
{ "connect.timedout", "notls",
  /* the kernel gave up (SYN retries): a filtered port, not a refusal */
  "~timedout\n",
  SMTP_NET, { { "net.connect.timeout", "crit", "Connection timed out" } },
  NULL },
{ "connect.other-error", "notls",
  "~error\n",
  SMTP_NET, { { "net.reset", "crit", "Permission denied" } }, NULL },
{ "closed.banner", "notls",
  "S: 220-mx.test\n!eof\n",
  SMTP_NET, { { "net.reset", "crit", "connection closed by the server "
  "during banner (1 reply line(s) read)" } }, "connect banner:closed" },
{ "reset.mail", "notls",
  TO_MAIL "!reset\n",
  SMTP_NET, { { "net.reset", "crit", "Connection reset by peer during mail"
  } }, "connect banner:220 ehlo:250 mail:reset" },
{ "closed.quit", "notls",
  TO_MAIL "S: 250 Ok\nC: QUIT\n!eof\n",
  SMTP_OK, { { NULL, NULL, NULL } }, NULL },

/* ---- replies that break RFC 5321 4.2 or the bounds ---- */
{ "malformed.code", "notls",
  "S: 22O mx.test\n",
  SMTP_PROTOCOL, { { "smtp.reply.malformed", "crit", "banner reply: reply "
  "code is not three digits" } }, "connect banner:malformed" },
{ "malformed.mixed-codes", "notls",
  GREET "S: 250-mx.test\nS: 251 8BITMIME\n",
  SMTP_PROTOCOL, { { "smtp.reply.malformed", "crit", "ehlo reply: lines of "
  "a multi-line reply carry different codes" } }, NULL },
{ "malformed.no-separator", "notls",
  TO_MAIL "S: 250Ok\n",
  SMTP_PROTOCOL, { { "smtp.reply.malformed", "crit", "mail reply: no space "
  "or hyphen after the reply code: \"250Ok\"" } }, NULL },
{ "malformed.control-byte", "notls",
  TO_MAIL "S: 250 O\033k\n",
  SMTP_PROTOCOL, { { "smtp.reply.malformed", "crit", "control byte in reply"
  " text" } }, NULL },
{ "too-long.line", "notls",
  GREET "!long 5000\n",
  SMTP_PROTOCOL, { { "smtp.reply.too-long", "crit", "ehlo reply: line over "
  "4096 bytes" } }, "connect banner:220 ehlo:too-long" },
{ "too-long.lines", "notls",
  GREET "!lines 101 250-PIPELINING\n",
  SMTP_PROTOCOL, { { "smtp.reply.too-long", "crit", "ehlo reply: over 100 "
  "lines" } }, NULL },
{ "too-long.no-line-end", "notls",
  "!too-long\n",
  SMTP_PROTOCOL, { { "smtp.reply.too-long", "crit", "banner reply: line "
  "over 4096 bytes without a line end" } }, NULL },
};

/* A session that cannot start says why at once and reports nothing. */
static void
test_start_fails(void **state)
{
	struct event_base	*base;
	struct smtp_params	 p;
	const char		*cause = NULL;
	int			 done = 0;

	(void)state;
	assert_non_null(base = event_base_new());
	smtp_params_defaults(&p);
	p.ss.ss_family = AF_UNIX;
	assert_null(smtp_session_start(base, &p, NULL, &done, &cause));
	assert_string_equal(cause, "unsupported address family");
	/* out of descriptors: the prober's trouble, named by errno */
	addr_set(&p, "127.0.0.1");
	fake_new_err = EMFILE;
	assert_null(smtp_session_start(base, &p, NULL, &done, &cause));
	fake_new_err = 0;
	assert_string_equal(cause, strerror(EMFILE));
	assert_null(fake);
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_free(base);
}

int
main(void)
{
	struct CMUnitTest	 t[N(rows) + 1];
	size_t			 i;

	for (i = 0; i < N(rows); i++)
		t[i] = (struct CMUnitTest){ .name = rows[i].name,
		    .test_func = run_row,
		    .initial_state = (void *)(uintptr_t)&rows[i] };
	t[i] = (struct CMUnitTest){ .name = "start-fails",
	    .test_func = test_start_fails };
	return _cmocka_run_group_tests("smtp", t, N(t), group_setup,
	    group_teardown);
}
