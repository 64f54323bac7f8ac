/*
 * smtp.c - the SMTP session probe: an explicit state machine over conn.c.
 *
 * smtp_enter() starts a phase: it sends the phase's command (if any),
 * opens a step record and arms the phase's own deadline. smtp_reply()
 * gets the complete reply of the phase and picks the next one. Every way
 * a session can end goes through smtp_finish(), which reports from the
 * loop, never from inside a callback of the caller.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "conn.h"
#include "replydb.h"
#include "smtp.h"
#include "util.h"
#include "value.h"

struct smtp_session {
	struct event_base	*base;
	struct smtp_params	 p;
	smtp_done_cb		 done;
	void			*arg;
	struct conn		*conn;
	enum smtp_phase		 phase;		/* the phase in progress */
	int			 ended;		/* smtp_finish() ran */
	int			 in_tls;
	int			 rcpt_idx;	/* next RCPT test to run */
	int			 utf8_ok;	/* the server takes SMTPUTF8 */
	int			 mail_ok;	/* a transaction is open */
	int64_t			 t0;		/* session start, us */
	int64_t			 phase_t0;	/* phase start, us */
	struct event		*ev_timer;	/* the phase deadline */
	struct event		*ev_done;	/* reports the end from the loop */
	struct reply		 reply;		/* the reply being read */
	struct ehlo_caps	*caps;		/* where EHLO lines go */
	char			 addr[INET6_ADDRSTRLEN];
	char			 cmd[600];	/* the command of the phase */
	uint32_t		 slow_seen;	/* phases already reported slow */
	/* is a silent greeting an implicit-TLS listener's? (sniff_*) */
	enum { SNIFF_NONE, SNIFF_WAIT, SNIFF_SIDE, SNIFF_DONE } sniff;
	struct conn		*side;		/* its second connection, or NULL */
	struct tls_info		 side_tls;
	int			 session_armed;	/* the timer is the session's
						   deadline, not the phase's */
	struct smtp_result	 res;
};

static const char *phase_names[PH_COUNT] = {
	[PH_CONNECT] = "connect",
	[PH_BANNER] = "banner",
	[PH_EHLO] = "ehlo",
	[PH_HELO] = "helo",
	[PH_STARTTLS] = "starttls",
	[PH_TLS] = "tls",
	[PH_EHLO2] = "ehlo2",
	[PH_MAIL] = "mail",
	[PH_RCPT] = "rcpt",
	[PH_RSET] = "rset",
	[PH_QUIT] = "quit",
};

static const char *outcome_names[] = {
	[SMTP_OK] = "ok",
	[SMTP_NET] = "net",
	[SMTP_TIMEOUT] = "timeout",
	[SMTP_PROTOCOL] = "protocol",
	[SMTP_TLS] = "tls",
	[SMTP_REFUSED] = "refused",
	[SMTP_CUT] = "cut",
};

static const char *policy_names[] = {
	[TLSPOL_NONE] = "none",
	[TLSPOL_MAY] = "may",
	[TLSPOL_ENCRYPT] = "encrypt",
	[TLSPOL_VERIFY] = "verify",
	[TLSPOL_DANE] = "dane",
};

/*
 * A listener that speaks TLS from the first byte (implicit TLS, as on
 * port 465) says nothing to a plain client: it waits for a ClientHello,
 * and the greeting's deadline (minutes) runs out. When the greeting has
 * not begun after SNIFF_MS, a second connection sends a ClientHello: if
 * the server answers it in TLS (a handshake, or a TLS alert) the port is
 * named for what it is at once. Only when the greeting's deadline leaves
 * room for it, and never on the first connection, which stays a polite
 * client that waits for the server to speak first.
 */
#define SNIFF_MS	2000
#define SNIFF_SIDE_MS	3000

static void	smtp_enter(struct smtp_session *, enum smtp_phase);
static void	smtp_reply(struct smtp_session *);
static void	smtp_finish(struct smtp_session *, enum smtp_outcome);
static void	smtp_conn_cb(struct conn *, enum conn_event, const char *,
		    size_t, int, void *);

const char *
smtp_phase_name(enum smtp_phase ph)
{
	return (unsigned)ph < PH_COUNT ? phase_names[ph] : "?";
}

int
smtp_phase_lookup(const char *s)
{
	int	 i;

	for (i = 0; i < PH_COUNT; i++)
		if (strcasecmp(s, phase_names[i]) == 0)
			return i;
	return -1;
}

const char *
smtp_outcome_name(enum smtp_outcome o)
{
	return (unsigned)o <= SMTP_CUT ? outcome_names[o] : "?";
}

const char *
smtp_tls_policy_name(enum tls_policy p)
{
	return (unsigned)p <= TLSPOL_DANE ? policy_names[p] : "?";
}

int
smtp_tls_policy_lookup(const char *s)
{
	int	 i;

	for (i = 0; i <= TLSPOL_DANE; i++)
		if (strcasecmp(s, policy_names[i]) == 0)
			return i;
	return -1;
}

void
smtp_params_defaults(struct smtp_params *p)
{
	int	 i;

	memset(p, 0, sizeof(*p));
	p->helo = "localhost";
	p->mail_from = "";
	p->tls_policy = TLSPOL_MAY;
	p->expiry_warn_days = 21;
	p->expiry_crit_days = 7;
	/*
	 * RFC 5321 4.5.3.2 gives 5 minutes for the greeting, MAIL and RCPT;
	 * we use it for every command, as Postfix's smtp(8) does, and
	 * Postfix's 30 s for the TCP connection, which the RFC leaves open.
	 */
	for (i = 0; i < PH_COUNT; i++) {
		p->timeout_ms[i] = 300 * 1000;
		p->slow_ms[i] = 5 * 1000;
	}
	p->timeout_ms[PH_CONNECT] = 30 * 1000;
	p->slow_ms[PH_BANNER] = 10 * 1000;
	/*
	 * And the whole session: without it a server answering every
	 * command just before its deadline holds a probe for hours (64
	 * RCPT tests at 5 minutes each). Ten minutes leave room for one
	 * phase that uses all of its five and a normal rest.
	 */
	p->session_timeout_ms = 10 * 60 * 1000;
}

enum severity
smtp_tls_missing_severity(const struct smtp_params *p)
{
	if (p->tls_policy >= TLSPOL_ENCRYPT || p->submission)
		return SEV_CRIT;
	return SEV_WARN;
}

/* TLS is required: without it (or with a bad one) the session stops. */
static int
tls_required(const struct smtp_session *s)
{
	return s->p.tls_policy >= TLSPOL_ENCRYPT || s->p.submission;
}

static int
verify_required(const struct smtp_session *s)
{
	return s->p.tls_policy >= TLSPOL_VERIFY || s->p.submission;
}

static void
transcript(struct smtp_session *s, const char *dir, const char *t, size_t n)
{
	struct smtp_result	*r = &s->res;
	size_t			 room, ncap;
	char			*nb;

	if (n > 200)
		n = 200;
	/* grows by doubling, so a short session keeps a short buffer */
	if (r->transcript_cap - r->transcript_len < n + 8 &&
	    r->transcript_cap < SMTP_TRANSCRIPT_MAX + 1) {
		ncap = r->transcript_cap ? r->transcript_cap * 2 : 512;
		if (ncap > SMTP_TRANSCRIPT_MAX + 1)
			ncap = SMTP_TRANSCRIPT_MAX + 1;
		if ((nb = realloc(r->transcript, ncap)) == NULL)
			return;
		r->transcript = nb;
		r->transcript_cap = ncap;
	}
	if (r->transcript_len + 8 >= r->transcript_cap)
		return;
	room = r->transcript_cap - r->transcript_len;
	memcpy(r->transcript + r->transcript_len, dir, 3);
	r->transcript_len += 3;
	room -= 3;
	r->transcript_len += util_sanitize_buf(r->transcript + r->transcript_len,
	    room - 1, t, n);
	r->transcript[r->transcript_len++] = '\n';
	r->transcript[r->transcript_len] = '\0';
}

static struct smtp_step *
step_cur(struct smtp_session *s)
{
	return s->res.nsteps > 0 ? &s->res.steps[s->res.nsteps - 1] : NULL;
}

static int
step_open(struct smtp_session *s, enum smtp_phase ph, const char *cmd)
{
	struct smtp_result	*r = &s->res;
	struct smtp_step	*st, *nv;
	int			 ncap;

	if (r->nsteps == r->capsteps) {
		ncap = r->capsteps ? r->capsteps * 2 : 8;
		nv = reallocarray(r->steps, (size_t)ncap, sizeof(*nv));
		if (nv == NULL)
			return -1;
		r->steps = nv;
		r->capsteps = ncap;
	}
	st = &r->steps[r->nsteps++];
	memset(st, 0, sizeof(*st));
	st->phase = ph;
	st->start_us = s->phase_t0 - s->t0;
	if (cmd != NULL)
		st->cmd = util_sanitize(cmd, strlen(cmd), 200);
	return 0;
}

/* Close the current step with the reply read so far (or none). */
static void
step_close(struct smtp_session *s, const char *error)
{
	struct smtp_step	*st = step_cur(s);

	if (st == NULL || st->dur_us != 0 || st->error != NULL)
		return;
	st->dur_us = util_now_us() - s->phase_t0;
	if (st->dur_us == 0)
		st->dur_us = 1;
	st->error = error;
	if (s->reply.nlines > 0 && s->reply.code != 0) {
		st->code = s->reply.code;
		st->enh = s->reply.enh;
		st->text = strdup(s->reply.text);
	}
}

static void
add(struct smtp_session *s, enum finding_id id, int sev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
add(struct smtp_session *s, enum finding_id id, int sev, const char *fmt, ...)
{
	char	 buf[FINDING_EVIDENCE_MAX];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	finding_add(&s->res.findings, id, sev, s->p.host, s->addr,
	    s->res.port, "%s", buf);
}

/* "421 4.7.0 text" for evidence. */
static const char *
reply_str(const struct reply *r, char *buf, size_t sz)
{
	char	 e[16];

	reply_enhcode_str(&r->enh, e, sizeof(e));
	snprintf(buf, sz, "%d%s%s %s", r->code, e[0] ? " " : "", e, r->text);
	return buf;
}

/* Do these bytes begin a TLS record (RFC 8446 5.1: type, version 3.x)? */
static int
tls_record(const unsigned char *b, size_t n)
{
	return n >= 3 && b[0] >= 20 && b[0] <= 23 && b[1] == 3 && b[2] <= 4;
}

static const char *
tls_record_type(unsigned char t)
{
	switch (t) {
	case 21:
		return "an alert";
	case 22:
		return "a handshake message";
	default:
		return "a record";
	}
}

/* The side connection is of no more use: free it (never from its own
 * callback) and let the greeting's deadline run alone. */
static void
sniff_stop(struct smtp_session *s)
{
	if (s->sniff != SNIFF_NONE)
		s->sniff = SNIFF_DONE;
	conn_free(s->side);
	s->side = NULL;
	tls_info_free(&s->side_tls);
}

/*
 * Arm the timer for us microseconds, or for what is left of the whole
 * session's deadline when that comes first (session_armed says which).
 */
static void
arm_us(struct smtp_session *s, int64_t us)
{
	struct timeval	 tv;
	int64_t		 left;

	s->session_armed = 0;
	if (s->p.session_timeout_ms > 0) {
		left = s->p.session_timeout_ms * 1000 -
		    (util_now_us() - s->t0);
		if (left < us) {
			us = left;
			s->session_armed = 1;
		}
	}
	if (us < 1)
		us = 1;
	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	evtimer_add(s->ev_timer, &tv);
}

/* The greeting's deadline, again, for what is left of it. */
static void
arm_rest(struct smtp_session *s, enum smtp_phase ph)
{
	arm_us(s, s->p.timeout_ms[ph] * 1000LL - (util_now_us() -
	    s->phase_t0));
}

/* The port speaks TLS first: say so and end the session. */
static void
sniff_found(struct smtp_session *s, const char *how)
{
	step_close(s, "tls");
	add(s, F_SMTP_BANNER_TLS, -1, "port %d speaks TLS from the first "
	    "byte (implicit TLS, as port 465 does), not SMTP: %s", s->res.port,
	    how);
	s->sniff = SNIFF_DONE;
	smtp_finish(s, SMTP_PROTOCOL);
}

/* What arrived of the greeting so far: a TLS record? 1 if said so. */
static int
sniff_bytes(struct smtp_session *s)
{
	unsigned char	 b[3];
	char		 how[160];
	size_t		 n;

	if (s->conn == NULL || (n = conn_peek(s->conn, b, sizeof(b))) < 3 ||
	    !tls_record(b, n))
		return 0;
	snprintf(how, sizeof(how), "the server sent %s of TLS 1.%d instead of "
	    "a greeting", tls_record_type(b[0]), b[2] > 0 ? b[2] - 1 : 0);
	sniff_found(s, how);
	return 1;
}

static void
side_cb(struct conn *c, enum conn_event ev, const char *text, size_t len,
    int err, void *arg)
{
	struct smtp_session	*s = arg;
	char			 how[300];
	size_t			 junk = 0;
	SSL			*ssl;

	(void)err;
	if (s->ended || s->sniff != SNIFF_SIDE)
		return;
	switch (ev) {
	case CONN_CONNECTED:
		/* plain bytes before our hello: the server speaks SMTP */
		if ((ssl = tls_ssl_new(s->p.tls, s->p.host, &s->side_tls)) !=
		    NULL && conn_starttls(c, ssl, &junk) == 0 && junk == 0)
			return;
		break;
	case CONN_TLS_READY:
		tls_inspect(conn_ssl(c), s->p.host, &s->side_tls);
		snprintf(how, sizeof(how), "no greeting after %.1f s, and a "
		    "second connection's TLS ClientHello was answered (a %s "
		    "handshake completed)", SNIFF_MS / 1000.0,
		    s->side_tls.version);
		conn_stop(c);
		sniff_found(s, how);
		return;
	case CONN_TLS_ERROR:
		/* an alert is TLS spoken back; anything else is not */
		if (memmem(text, len, "alert", 5) != NULL) {
			snprintf(how, sizeof(how), "no greeting after %.1f s, "
			    "and a second connection's TLS ClientHello was "
			    "answered with a TLS alert (%.*s)", SNIFF_MS /
			    1000.0, (int)(len > 120 ? 120 : len), text);
			conn_stop(c);
			sniff_found(s, how);
			return;
		}
		break;
	default:
		break;
	}
	conn_stop(c);
	s->sniff = SNIFF_DONE;
	arm_rest(s, PH_BANNER);
}

/*
 * The banner phase's timer fired: a step of the sniff (1), or the
 * greeting's own deadline (0).
 */
static int
sniff_timer(struct smtp_session *s)
{
	int	 err;

	switch (s->sniff) {
	case SNIFF_WAIT:
		s->sniff = SNIFF_DONE;
		if (sniff_bytes(s))
			return 1;
		/* a greeting begun, in lines or a partial one: SMTP */
		if (s->reply.nlines > 0 || conn_pending(s->conn) > 0 ||
		    (s->side = conn_new(s->base, (const struct sockaddr *)
		    &s->p.ss, s->p.sslen, side_cb, s, &err)) == NULL) {
			arm_rest(s, PH_BANNER);
			return 1;
		}
		s->sniff = SNIFF_SIDE;
		arm_us(s, SNIFF_SIDE_MS * 1000LL);
		return 1;
	case SNIFF_SIDE:
		/* no answer on the side either: nothing learnt */
		sniff_stop(s);
		arm_rest(s, PH_BANNER);
		return 1;
	default:
		return 0;
	}
}

/*
 * The whole session's deadline came before its phase's: every reply came
 * in its own time, but together too slowly (a server that answers each
 * command just before the deadline would hold the probe for hours).
 */
static void
session_over(struct smtp_session *s)
{
	char	 d[32], doing[sizeof(s->cmd) + 32];
	int	 i, rcpts = 0;

	sniff_stop(s);
	step_close(s, "deadline");
	/* at QUIT everything that mattered is done */
	if (s->phase == PH_QUIT) {
		smtp_finish(s, s->res.outcome);
		return;
	}
	for (i = 0; i < s->res.nsteps; i++)
		rcpts += s->res.steps[i].phase == PH_RCPT &&
		    s->res.steps[i].code != 0;
	if (s->phase == PH_BANNER)
		util_strlcpy(doing, "waiting for the greeting", sizeof(doing));
	else if (s->phase == PH_CONNECT || s->phase == PH_TLS)
		snprintf(doing, sizeof(doing), "in %s",
		    smtp_phase_name(s->phase));
	else
		snprintf(doing, sizeof(doing), "waiting for the reply to %s",
		    s->cmd[0] ? s->cmd : smtp_phase_name(s->phase));
	add(s, F_SMTP_SESSION_TIMEOUT, -1, "the session did not end within %s "
	    "(timeout session=): cut %s, with %d of %d RCPT test(s) answered",
	    value_duration_str(s->p.session_timeout_ms, d, sizeof(d)), doing,
	    rcpts, s->p.nrcpts);
	smtp_finish(s, SMTP_TIMEOUT);
}

/*
 * The finding of a phase whose wait ran out after secs (why: what cut
 * it when that was not the phase's own deadline, or NULL). 0 at QUIT:
 * everything that mattered is done, a slow QUIT is no fault.
 */
static int
phase_timeout(struct smtp_session *s, double secs, const char *why)
{
	char	 w[96] = "";

	if (why != NULL)
		snprintf(w, sizeof(w), " (cut there by %s)", why);
	switch (s->phase) {
	case PH_CONNECT:
		add(s, F_NET_CONNECT_TIMEOUT, -1,
		    "no TCP answer from %s port %d within %.1f s%s", s->addr,
		    s->res.port, secs, w);
		return 1;
	case PH_BANNER:
		add(s, F_SMTP_BANNER_TIMEOUT, -1,
		    "no complete greeting within %.1f s%s (%d line(s), %zu "
		    "byte(s) of a partial line received)", secs, w,
		    s->reply.nlines, s->conn ? conn_pending(s->conn) : 0);
		return 1;
	case PH_TLS:
		add(s, F_TLS_HANDSHAKE, smtp_tls_missing_severity(&s->p),
		    "TLS handshake not completed within %.1f s%s", secs, w);
		return 1;
	case PH_QUIT:
		return 0;
	default:
		add(s, F_SMTP_PHASE_TIMEOUT, -1,
		    "no reply to %s within %.1f s%s", s->cmd[0] ? s->cmd :
		    smtp_phase_name(s->phase), secs, w);
		return 1;
	}
}

static void
smtp_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_session	*s = arg;
	double			 secs = s->p.timeout_ms[s->phase] / 1000.0;

	(void)fd;
	(void)what;
	if (s->session_armed) {
		session_over(s);
		return;
	}
	if (s->phase == PH_BANNER && sniff_timer(s))
		return;
	sniff_stop(s);
	step_close(s, "timeout");
	if (!phase_timeout(s, secs, NULL)) {
		smtp_finish(s, s->res.outcome);
		return;
	}
	smtp_finish(s, SMTP_TIMEOUT);
}

static void
smtp_done_cb_ev(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_session	*s = arg;

	(void)fd;
	(void)what;
	s->done(s, s->arg);
}

static void
smtp_finish(struct smtp_session *s, enum smtp_outcome o)
{
	if (s->ended)
		return;
	s->ended = 1;
	step_close(s, NULL);
	s->res.outcome = o;
	s->res.total_us = util_now_us() - s->t0;
	evtimer_del(s->ev_timer);
	if (s->conn != NULL)
		conn_stop(s->conn);
	if (s->side != NULL)
		conn_stop(s->side);
	event_active(s->ev_done, EV_TIMEOUT, 0);
}

struct smtp_session *
smtp_session_start(struct event_base *base, const struct smtp_params *p,
    smtp_done_cb done, void *arg, const char **cause)
{
	struct smtp_session	*s;
	int			 err;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	s->base = base;
	s->p = *p;
	s->done = done;
	s->arg = arg;
	s->ev_timer = evtimer_new(base, smtp_timer_cb, s);
	s->ev_done = evtimer_new(base, smtp_done_cb_ev, s);
	if (s->ev_timer == NULL || s->ev_done == NULL) {
		*cause = "out of memory";
		smtp_session_free(s);
		return NULL;
	}
	if (p->ss.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)&p->ss;

		inet_ntop(AF_INET, &s4->sin_addr, s->addr, sizeof(s->addr));
		s->res.port = ntohs(s4->sin_port);
	} else if (p->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)&p->ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, s->addr, sizeof(s->addr));
		s->res.port = ntohs(s6->sin6_port);
	} else {
		*cause = "unsupported address family";
		smtp_session_free(s);
		return NULL;
	}
	util_strlcpy(s->res.remote, s->addr, sizeof(s->res.remote));
	ehlo_init(&s->res.caps);
	ehlo_init(&s->res.caps_plain);
	s->t0 = util_now_us();
	s->phase = PH_CONNECT;
	s->phase_t0 = s->t0;
	step_open(s, PH_CONNECT, NULL);
	s->conn = conn_new(base, (const struct sockaddr *)&p->ss, p->sslen,
	    smtp_conn_cb, s, &err);
	if (s->conn == NULL) {
		/* out of descriptors or memory here: the prober's trouble */
		*cause = err != 0 ? strerror(err) : "cannot create a socket";
		smtp_session_free(s);
		return NULL;
	}
	arm_us(s, p->timeout_ms[PH_CONNECT] * 1000LL);
	return s;
}

static void
arm(struct smtp_session *s, enum smtp_phase ph)
{
	int		 ms = s->p.timeout_ms[ph];

	if (ph == PH_BANNER && s->sniff == SNIFF_NONE && !s->p.implicit_tls &&
	    s->p.tls != NULL && ms > SNIFF_MS + SNIFF_SIDE_MS) {
		s->sniff = SNIFF_WAIT;
		ms = SNIFF_MS;
	}
	arm_us(s, ms * 1000LL);
}

/*
 * Does the transaction about to start carry a non-ASCII address (a UTF-8
 * local part; domains are A-labels already), so that it needs SMTPUTF8?
 */
static int
need_utf8(const struct smtp_session *s)
{
	return value_mailbox_utf8(s->p.mail_from) ||
	    (s->rcpt_idx < s->p.nrcpts &&
	    value_mailbox_utf8(s->p.rcpts[s->rcpt_idx].addr));
}

/* Past the recipients a server without SMTPUTF8 cannot be asked about. */
static void
skip_utf8(struct smtp_session *s)
{
	while (!s->utf8_ok && s->rcpt_idx < s->p.nrcpts &&
	    value_mailbox_utf8(s->p.rcpts[s->rcpt_idx].addr))
		s->rcpt_idx++;
}

/* Enter a phase: send its command, start its clock and deadline. */
static void
smtp_enter(struct smtp_session *s, enum smtp_phase ph)
{
	const struct smtp_rcpt_test	*t;
	int				 n = 0;

	s->phase = ph;
	s->phase_t0 = util_now_us();
	s->cmd[0] = '\0';
	reply_init(&s->reply);
	s->caps = NULL;
	switch (ph) {
	case PH_BANNER:
	case PH_TLS:
		break;
	case PH_EHLO:
		n = snprintf(s->cmd, sizeof(s->cmd), "EHLO %s", s->p.helo);
		s->caps = &s->res.caps_plain;
		ehlo_init(s->caps);
		break;
	case PH_EHLO2:
		n = snprintf(s->cmd, sizeof(s->cmd), "EHLO %s", s->p.helo);
		s->caps = &s->res.caps;
		ehlo_init(s->caps);
		break;
	case PH_HELO:
		n = snprintf(s->cmd, sizeof(s->cmd), "HELO %s", s->p.helo);
		break;
	case PH_STARTTLS:
		n = snprintf(s->cmd, sizeof(s->cmd), "STARTTLS");
		break;
	case PH_MAIL:
		/* RFC 6531: declared in the transactions that need it */
		n = snprintf(s->cmd, sizeof(s->cmd), "MAIL FROM:<%s>%s",
		    s->p.mail_from, s->utf8_ok && need_utf8(s) ?
		    " SMTPUTF8" : "");
		break;
	case PH_RCPT:
		t = &s->p.rcpts[s->rcpt_idx];
		n = snprintf(s->cmd, sizeof(s->cmd), "RCPT TO:<%s>", t->addr);
		break;
	case PH_RSET:
		n = snprintf(s->cmd, sizeof(s->cmd), "RSET");
		break;
	case PH_QUIT:
		n = snprintf(s->cmd, sizeof(s->cmd), "QUIT");
		break;
	default:
		break;
	}
	if (n < 0 || (size_t)n >= sizeof(s->cmd) - 2) {
		/* an argument too long for a command line (RFC 5321 4.5.3.1.4) */
		smtp_finish(s, SMTP_PROTOCOL);
		return;
	}
	if (step_open(s, ph, s->cmd[0] ? s->cmd : NULL) == -1) {
		smtp_finish(s, SMTP_PROTOCOL);
		return;
	}
	if (s->cmd[0] != '\0') {
		transcript(s, "C: ", s->cmd, (size_t)n);
		memcpy(s->cmd + n, "\r\n", 3);
		conn_write(s->conn, s->cmd, (size_t)n + 2);
		s->cmd[n] = '\0';
	}
	if (ph == PH_TLS) {
		SSL	*ssl;
		size_t	 junk = 0;

		ssl = tls_ssl_new(s->p.tls, s->p.host, &s->res.tls);
		if (ssl != NULL && s->p.ntlsa > 0)
			tls_ssl_dane(ssl, s->p.host, s->p.tlsa, s->p.ntlsa,
			    &s->res.tls);
		if (ssl == NULL || conn_starttls(s->conn, ssl, &junk) == -1) {
			add(s, F_TLS_HANDSHAKE, smtp_tls_missing_severity(&s->p),
			    "cannot set up TLS: out of memory");
			smtp_finish(s, SMTP_TLS);
			return;
		}
		if (junk > 0)
			add(s, F_SMTP_REPLY_MALFORMED, -1, "%zu byte(s) sent "
			    "after the 220 to STARTTLS, before the TLS "
			    "handshake (discarded; RFC 3207 6)", junk);
	}
	arm(s, ph);
}

static void
check_slow(struct smtp_session *s)
{
	const struct smtp_step	*st = step_cur(s);
	int64_t			 ms;

	if (st == NULL || st->dur_us / 1000 < s->p.slow_ms[s->phase])
		return;
	if (s->slow_seen & (1u << s->phase))
		return;
	s->slow_seen |= 1u << s->phase;
	ms = st->dur_us / 1000;
	if (s->phase == PH_BANNER)
		add(s, F_SMTP_BANNER_SLOW, -1, "greeting took %lld ms "
		    "(threshold %d ms)", (long long)ms, s->p.slow_ms[s->phase]);
	else
		add(s, F_SMTP_PHASE_SLOW, -1, "%s answered in %lld ms "
		    "(threshold %d ms)", s->cmd[0] ? s->cmd :
		    smtp_phase_name(s->phase), (long long)ms,
		    s->p.slow_ms[s->phase]);
}

/* The command a phase sends, as the knowledge base names commands. */
static enum replydb_cmd
phase_cmd(enum smtp_phase ph)
{
	switch (ph) {
	case PH_BANNER:
		return REPLYDB_CMD_BANNER;
	case PH_EHLO:
	case PH_HELO:
	case PH_EHLO2:
		return REPLYDB_CMD_HELO;
	case PH_MAIL:
		return REPLYDB_CMD_MAIL;
	case PH_RCPT:
		return REPLYDB_CMD_RCPT;
	default:
		return REPLYDB_CMD_OTHER;
	}
}

static enum finding_id
refusal_id(const struct smtp_session *s, const struct replydb_match *m)
{
	return replydb_finding(m, phase_cmd(s->phase),
	    s->p.mail_from[0] == '\0');
}

/*
 * Report the phase's refusal (4xx or 5xx) to what ("greeting", the
 * command): the cause's finding with the reply as evidence, the
 * knowledge base's label and, for a row, the row's remedy as the hint.
 * sev < 0: the catalogue's, lowered to warn for a temporary refusal
 * (unless its words say it is permanent).
 */
static void
add_refusal(struct smtp_session *s, const char *what, int sev)
{
	struct replydb_match	 m;
	struct finding		*f;
	enum finding_id		 id;
	char			 rb[REPLY_TEXT_MAX + 32], label[160], a[64];
	char			 tail[400];

	reply_str(&s->reply, rb, sizeof(rb));
	if (replydb_classify_reply(&s->reply, &m) == -1) {
		add(s, F_SMTP_REPLY_MALFORMED, -1, "%s: unexpected reply %s",
		    what, rb);
		return;
	}
	id = refusal_id(s, &m);
	if (sev < 0 && !m.permanent && !m.says_permanent &&
	    finding_def(id)->severity == SEV_CRIT && id != F_SMTP_BANNER_4XX)
		sev = SEV_WARN;
	tail[0] = '\0';
	if (m.level != REPLYDB_BASIC)
		snprintf(tail, sizeof(tail), " [%s]",
		    replydb_label(&m, label, sizeof(label)));
	if (m.inconsistent)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail),
		    " (the enhanced code's class disagrees with %d: the "
		    "basic code decides, the refusal is %s)", s->reply.code,
		    m.permanent ? "permanent" : "temporary");
	if (m.says_permanent)
		snprintf(tail + strlen(tail), sizeof(tail) - strlen(tail),
		    " (%d is temporary but the text says permanent: senders "
		    "retry, in vain until the cause is fixed)", s->reply.code);
	if (replydb_refuses_client(id)) {
		util_strlcpy(a, s->res.local, sizeof(a));
		a[strcspn(a, " ")] = '\0';
		f = finding_add(&s->res.findings, id, sev, s->p.host, s->addr,
		    s->res.port, "%s: %s; the refusal is of this probe's "
		    "address %s (HELO %s), not of the mail: other senders "
		    "may be served%s", what, rb, a[0] ? a : "(unknown)",
		    s->p.helo, tail);
	} else
		f = finding_add(&s->res.findings, id, sev, s->p.host, s->addr,
		    s->res.port, "%s: %s%s", what, rb, tail);
	/* the row's own remedy is more precise than the catalogue's */
	if (f != NULL && m.level == REPLYDB_ROW && id == m.cause)
		f->hint = m.remedy;
}

/*
 * Does the phase's refusal blame this client's policy standing (its
 * address, HELO name, sender, missing TLS) rather than the server?
 */
static int
refusal_blames_client(const struct smtp_session *s)
{
	struct replydb_match		 m;
	const struct finding_def	*d;

	if (replydb_classify_reply(&s->reply, &m) == -1)
		return 0;
	d = finding_def(refusal_id(s, &m));
	return d->blame == BLAME_CLIENT &&
	    (d->layer == LAYER_POLICY || d->layer == LAYER_TLS);
}

static void
quit(struct smtp_session *s)
{
	smtp_enter(s, PH_QUIT);
}

/* The extensions of the last EHLO, for evidence. */
static void
ehlo_ext(const struct smtp_session *s, const struct ehlo_caps *c, char *ext,
    size_t sz)
{
	if (s->res.helo_fallback)
		util_strlcpy(ext, "HELO session, no extensions", sz);
	else
		ehlo_flags_str(c->flags, ext, sz);
	if (ext[0] == '\0')
		util_strlcpy(ext, "no extensions", sz);
}

/*
 * After the last EHLO, the first transaction. A server without SMTPUTF8
 * cannot be given a non-ASCII address (RFC 6531): those tests are
 * left out and the absence is a finding, warn when such an address is
 * configured, info otherwise (mail to such addresses cannot reach it).
 */
static void
mail_begin(struct smtp_session *s)
{
	char	 ext[200], addrs[300] = "";
	size_t	 len = 0;
	int	 i, n = 0, sender;

	s->utf8_ok = !s->res.helo_fallback &&
	    (s->res.caps.flags & EHLO_SMTPUTF8) != 0;
	if (!s->utf8_ok) {
		ehlo_ext(s, &s->res.caps, ext, sizeof(ext));
		sender = value_mailbox_utf8(s->p.mail_from);
		for (i = 0; i < s->p.nrcpts; i++) {
			if (!value_mailbox_utf8(s->p.rcpts[i].addr))
				continue;
			if (len < sizeof(addrs))
				len += (size_t)snprintf(addrs + len,
				    sizeof(addrs) - len, "%s<%s>", n ? ", " :
				    "", s->p.rcpts[i].addr);
			n++;
		}
		if (sender)
			add(s, F_SMTP_SMTPUTF8_MISSING, -1, "SMTPUTF8 not "
			    "offered (EHLO: %s): MAIL FROM:<%s> needs it (RFC "
			    "6531), no recipient tested", ext, s->p.mail_from);
		else if (n > 0)
			add(s, F_SMTP_SMTPUTF8_MISSING, -1, "SMTPUTF8 not "
			    "offered (EHLO: %s): %d recipient(s) not tested, "
			    "they need it (RFC 6531): RCPT TO:%s", ext, n, addrs);
		else
			add(s, F_SMTP_SMTPUTF8_MISSING, SEV_INFO, "SMTPUTF8 not "
			    "offered (EHLO: %s): mail to an address with a "
			    "non-ASCII local part cannot be delivered here (RFC "
			    "6531)", ext);
		if (sender) {
			quit(s);
			return;
		}
	}
	skip_utf8(s);
	smtp_enter(s, PH_MAIL);
}

/* After the (last) EHLO/HELO: STARTTLS, or straight to MAIL. */
static void
after_ehlo(struct smtp_session *s)
{
	if (!s->in_tls && s->p.tls_policy != TLSPOL_NONE && s->p.tls != NULL) {
		if (s->res.caps_plain.flags & EHLO_STARTTLS) {
			smtp_enter(s, PH_STARTTLS);
			return;
		}
		char	 ext[200];

		if (s->res.helo_fallback)
			util_strlcpy(ext, "HELO session, no extensions",
			    sizeof(ext));
		else
			ehlo_flags_str(s->res.caps_plain.flags, ext,
			    sizeof(ext));
		add(s, F_TLS_STARTTLS_MISSING, smtp_tls_missing_severity(&s->p),
		    "STARTTLS not offered (EHLO: %s); TLS policy %s%s",
		    ext[0] ? ext : "no extensions",
		    smtp_tls_policy_name(s->p.tls_policy),
		    s->p.submission ? ", submission port" : "");
		if (tls_required(s)) {
			s->res.outcome = SMTP_TLS;
			quit(s);
			return;
		}
	}
	mail_begin(s);
}

static void
rcpt_result(struct smtp_session *s)
{
	const struct smtp_rcpt_test	*t = &s->p.rcpts[s->rcpt_idx];
	char				 rb[REPLY_TEXT_MAX + 32];
	char				 what[300];
	int				 cls = s->reply.code / 100;

	reply_str(&s->reply, rb, sizeof(rb));
	snprintf(what, sizeof(what), "RCPT TO:<%s>", t->addr);
	if (cls == 4) {
		add_refusal(s, what, -1);
		return;
	}
	switch (t->expect) {
	case RCPT_EXPECT_ACCEPT:
		if (cls == 5)
			add_refusal(s, what, -1);
		break;
	case RCPT_EXPECT_REJECT:
	case RCPT_EXPECT_RELAY_REJECT:
		if (cls == 2 && t->expect == RCPT_EXPECT_REJECT)
			add(s, F_POLICY_RCPT_ACCEPTED, -1, "%s expected to be "
			    "rejected: %s", what, rb);
		else if (cls == 2)
			add(s, F_POLICY_OPEN_RELAY, -1, "relaying to a foreign "
			    "domain accepted without authentication: %s: %s",
			    what, rb);
		/*
		 * Refused as expected, unless the refusal was of this
		 * client (its address, name, sender): then the test says
		 * nothing about the recipient.
		 */
		else if (cls == 5 && refusal_blames_client(s))
			add_refusal(s, what, -1);
		break;
	}
}

/* The phase's reply is complete: decide what comes next. */
static void
smtp_reply(struct smtp_session *s)
{
	struct reply	*r = &s->reply;
	char		 rb[REPLY_TEXT_MAX + 32];
	int		 cls = r->code / 100;

	evtimer_del(s->ev_timer);
	sniff_stop(s);
	step_close(s, NULL);
	check_slow(s);
	reply_str(r, rb, sizeof(rb));

	/* 421 anywhere: the server is closing the channel (RFC 5321 3.8). */
	if (r->code == 421 && s->phase != PH_BANNER && s->phase != PH_QUIT) {
		add_refusal(s, s->cmd[0] ? s->cmd : smtp_phase_name(s->phase),
		    -1);
		smtp_finish(s, SMTP_REFUSED);
		return;
	}

	switch (s->phase) {
	case PH_BANNER:
		if (cls == 2 && s->res.outcome == SMTP_TLS)
			quit(s);
		else if (cls == 2)
			smtp_enter(s, PH_EHLO);
		if (cls == 2)
			return;
		if (cls == 4 || cls == 5)
			add_refusal(s, "greeting", -1);
		else
			add(s, F_SMTP_REPLY_MALFORMED, -1,
			    "greeting with code %d: %s", r->code, rb);
		/*
		 * The first refusal ends the probe at once: a 421 server is
		 * closing, and a 554 one answers nothing but QUIT anyway.
		 */
		smtp_finish(s, cls == 3 ? SMTP_PROTOCOL : SMTP_REFUSED);
		return;
	case PH_EHLO:
		if (cls == 2) {
			if (!s->in_tls && ehlo_auth_plaintext(&s->res.caps_plain))
				add(s, F_SMTP_AUTH_PLAINTEXT, -1, "AUTH %s "
				    "offered before TLS", s->res.caps_plain.auth);
			s->res.caps = s->res.caps_plain;
			after_ehlo(s);
			return;
		}
		if (cls == 5 && !refusal_blames_client(s)) {
			smtp_enter(s, PH_HELO);
			return;
		}
		if (refusal_blames_client(s))
			add_refusal(s, s->cmd, -1);
		else
			add(s, F_SMTP_EHLO_REJECTED, -1, "%s: %s", s->cmd, rb);
		if (cls == 5)
			quit(s);
		else
			smtp_finish(s, SMTP_REFUSED);
		return;
	case PH_HELO:
		if (cls == 2) {
			struct smtp_step *st = &s->res.steps[s->res.nsteps - 2];
			char		  e[16];

			s->res.helo_fallback = 1;
			reply_enhcode_str(&st->enh, e, sizeof(e));
			add(s, F_SMTP_EHLO_REJECTED, SEV_WARN,
			    "EHLO refused with %d%s%s %s, HELO accepted: no "
			    "ESMTP extensions (no STARTTLS)", st->code,
			    e[0] ? " " : "", e, st->text ? st->text : "");
			after_ehlo(s);
			return;
		}
		if (refusal_blames_client(s))
			add_refusal(s, s->cmd, -1);
		else
			add(s, F_SMTP_EHLO_REJECTED, SEV_CRIT, "EHLO and HELO "
			    "refused; HELO: %s", rb);
		quit(s);
		return;
	case PH_STARTTLS:
		if (r->code == 220) {
			smtp_enter(s, PH_TLS);
			return;
		}
		add(s, F_TLS_STARTTLS_REFUSED, smtp_tls_missing_severity(&s->p),
		    "STARTTLS advertised but answered %s", rb);
		if (tls_required(s)) {
			s->res.outcome = SMTP_TLS;
			quit(s);
		} else
			mail_begin(s);
		return;
	case PH_EHLO2:
		if (cls == 2) {
			mail_begin(s);
			return;
		}
		if (refusal_blames_client(s))
			add_refusal(s, "EHLO inside TLS", -1);
		else
			add(s, F_SMTP_EHLO_REJECTED, SEV_CRIT,
			    "EHLO inside TLS: %s", rb);
		quit(s);
		return;
	case PH_MAIL:
		if (cls == 2) {
			if (s->rcpt_idx < s->p.nrcpts)
				smtp_enter(s, PH_RCPT);
			else
				quit(s);
			return;
		}
		add_refusal(s, s->cmd, -1);
		quit(s);
		return;
	case PH_RCPT:
		rcpt_result(s);
		s->rcpt_idx++;
		skip_utf8(s);
		if (s->rcpt_idx < s->p.nrcpts)
			smtp_enter(s, PH_RSET);
		else
			quit(s);
		return;
	case PH_RSET:
		if (cls == 2)
			smtp_enter(s, PH_MAIL);
		else {
			char	 what[96];

			/*
			 * RFC 5321 4.1.1.5: RSET without arguments is
			 * always answered 250. The recipients left are
			 * not tested: say so rather than end quietly.
			 */
			snprintf(what, sizeof(what), "RSET (%d recipient "
			    "test%s not run)", s->p.nrcpts - s->rcpt_idx,
			    s->p.nrcpts - s->rcpt_idx == 1 ? "" : "s");
			add_refusal(s, what, -1);
			quit(s);
		}
		return;
	case PH_QUIT:
		smtp_finish(s, s->res.outcome);
		return;
	default:
		return;
	}
}

static void
on_line(struct smtp_session *s, const char *line, size_t len)
{
	enum reply_status	 st;
	const char		*why;
	char			 head[81];

	transcript(s, "S: ", line, len);
	if (s->phase == PH_CONNECT || s->phase == PH_TLS)
		return;		/* cannot happen; ignore stray bytes */
	if (s->phase == PH_BANNER && s->reply.nlines == 0 &&
	    tls_record((const unsigned char *)line, len)) {
		snprintf(head, sizeof(head), "the server sent %s of TLS 1.%d "
		    "instead of a greeting", tls_record_type((unsigned char)
		    line[0]), line[2] > 0 ? line[2] - 1 : 0);
		sniff_found(s, head);
		return;
	}
	st = reply_feed(&s->reply, line, len, &why);
	switch (st) {
	case REPLY_MORE:
		if (s->caps != NULL && s->reply.code / 100 == 2)
			ehlo_feed(s->caps, line, len);
		return;
	case REPLY_DONE:
		if (s->caps != NULL && s->reply.code / 100 == 2)
			ehlo_feed(s->caps, line, len);
		smtp_reply(s);
		return;
	case REPLY_MALFORMED:
		util_sanitize_buf(head, sizeof(head), line, len);
		step_close(s, "malformed");
		add(s, F_SMTP_REPLY_MALFORMED, -1, "%s reply: %s: \"%s\"",
		    smtp_phase_name(s->phase), why, head);
		smtp_finish(s, SMTP_PROTOCOL);
		return;
	case REPLY_TOO_LONG:
		step_close(s, "too-long");
		add(s, F_SMTP_REPLY_TOO_LONG, -1, "%s reply: line over %d bytes",
		    smtp_phase_name(s->phase), REPLY_LINE_MAX);
		smtp_finish(s, SMTP_PROTOCOL);
		return;
	case REPLY_TOO_MANY:
		step_close(s, "too-long");
		add(s, F_SMTP_REPLY_TOO_LONG, -1, "%s reply: over %d lines",
		    smtp_phase_name(s->phase), REPLY_LINES_MAX);
		smtp_finish(s, SMTP_PROTOCOL);
		return;
	}
}

static void
on_error(struct smtp_session *s, int err, int eof)
{
	const char	*ph = smtp_phase_name(s->phase);

	if (s->phase == PH_QUIT) {
		step_close(s, NULL);
		smtp_finish(s, s->res.outcome);
		return;
	}
	if (s->phase == PH_CONNECT) {
		step_close(s, err == ECONNREFUSED ? "refused" : "error");
		if (err == ECONNREFUSED)
			add(s, F_NET_CONNECT_REFUSED, -1, "connect to %s port %d: "
			    "%s", s->addr, s->res.port, strerror(err));
		else if (conn_err_unreachable(err))
			add(s, F_NET_UNREACHABLE, -1, "connect to %s port %d: %s",
			    s->addr, s->res.port, strerror(err));
		else if (err == ETIMEDOUT)
			add(s, F_NET_CONNECT_TIMEOUT, -1, "connect to %s port "
			    "%d: %s", s->addr, s->res.port, strerror(err));
		else
			add(s, F_NET_RESET, -1, "connect to %s port %d: %s",
			    s->addr, s->res.port, strerror(err));
		smtp_finish(s, SMTP_NET);
		return;
	}
	/* an implicit-TLS listener's alert before any greeting */
	if (s->phase == PH_BANNER && s->reply.nlines == 0 && sniff_bytes(s))
		return;
	step_close(s, eof ? "closed" : "reset");
	if (s->phase == PH_TLS) {
		add(s, F_TLS_HANDSHAKE, smtp_tls_missing_severity(&s->p),
		    "connection %s during the TLS handshake",
		    eof ? "closed by the server" : strerror(err));
		smtp_finish(s, SMTP_TLS);
		return;
	}
	if (eof)
		add(s, F_NET_RESET, -1, "connection closed by the server "
		    "during %s (%d reply line(s) read)", ph, s->reply.nlines);
	else
		add(s, F_NET_RESET, -1, "%s during %s (%d reply line(s) read)",
		    strerror(err), ph, s->reply.nlines);
	smtp_finish(s, SMTP_NET);
}

static void
on_tls_ready(struct smtp_session *s)
{
	SSL	*ssl = conn_ssl(s->conn);
	int	 req = verify_required(s);

	evtimer_del(s->ev_timer);
	step_close(s, NULL);
	s->in_tls = 1;
	s->res.tls_used = 1;
	tls_inspect(ssl, s->p.host, &s->res.tls);
	{
		struct smtp_step *st = step_cur(s);

		if (st != NULL) {
			char	 t[128];

			snprintf(t, sizeof(t), "%s %s", s->res.tls.version,
			    s->res.tls.cipher);
			st->text = strdup(t);
		}
	}
	tls_findings(&s->res.tls, req ? TLS_NEED_VERIFY : tls_required(s) ?
	    TLS_NEED_ENCRYPT : TLS_NEED_NONE, s->p.expiry_warn_days,
	    s->p.expiry_crit_days, s->p.host, s->addr, s->res.port,
	    &s->res.findings);
	check_slow(s);
	/*
	 * A verifying client stops here. With implicit TLS the greeting is
	 * still read first: nothing is said before the server has spoken.
	 */
	if (req && (!s->res.tls.verified || !s->res.tls.hostname_ok))
		s->res.outcome = SMTP_TLS;
	/* RFC 7672 2.2: with usable TLSA records, DANE decides */
	if (s->res.tls.dane_usable > 0 && !s->res.tls.dane_ok)
		s->res.outcome = SMTP_TLS;
	if (s->p.implicit_tls)
		smtp_enter(s, PH_BANNER);
	else if (s->res.outcome == SMTP_TLS)
		quit(s);
	else
		smtp_enter(s, PH_EHLO2);
}

static void
smtp_conn_cb(struct conn *c, enum conn_event ev, const char *text, size_t len,
    int err, void *arg)
{
	struct smtp_session	*s = arg;

	if (s->ended)
		return;
	switch (ev) {
	case CONN_CONNECTED:
		evtimer_del(s->ev_timer);
		step_close(s, NULL);
		conn_local(c, s->res.local, sizeof(s->res.local));
		if (s->p.implicit_tls) {
			if (s->p.tls == NULL) {
				add(s, F_TLS_HANDSHAKE, SEV_CRIT, "implicit TLS "
				    "without a TLS context");
				smtp_finish(s, SMTP_TLS);
				return;
			}
			smtp_enter(s, PH_TLS);
		} else
			smtp_enter(s, PH_BANNER);
		return;
	case CONN_TLS_READY:
		on_tls_ready(s);
		return;
	case CONN_LINE:
		on_line(s, text, len);
		return;
	case CONN_LINE_TOO_LONG:
		step_close(s, "too-long");
		add(s, F_SMTP_REPLY_TOO_LONG, -1, "%s reply: line over %d bytes "
		    "without a line end", smtp_phase_name(s->phase),
		    CONN_LINE_MAX);
		smtp_finish(s, SMTP_PROTOCOL);
		return;
	case CONN_EOF:
		on_error(s, 0, 1);
		return;
	case CONN_ERROR:
		on_error(s, err, 0);
		return;
	case CONN_TLS_ERROR:
		step_close(s, "tls");
		if (s->phase == PH_TLS)
			add(s, F_TLS_HANDSHAKE, smtp_tls_missing_severity(&s->p),
			    "handshake failed: %.*s", (int)len, text);
		else if (s->in_tls && conn_tls_in(c) == 0)
			/*
			 * TLS 1.3 ends the handshake on the client's side
			 * before the server has judged it: its refusal, e.g.
			 * certificate_required (RFC 8446 4.4.2.4), comes on
			 * the first read, before any data.
			 */
			add(s, F_TLS_HANDSHAKE, smtp_tls_missing_severity(&s->p),
			    "handshake refused by the server after the client's"
			    " Finished, before any data (%s, during %s): %.*s",
			    s->res.tls.version, smtp_phase_name(s->phase),
			    (int)len, text);
		else
			add(s, F_NET_RESET, -1, "TLS error during %s: %.*s",
			    smtp_phase_name(s->phase), (int)len, text);
		smtp_finish(s, s->phase == PH_TLS || (s->in_tls &&
		    conn_tls_in(c) == 0) ? SMTP_TLS : SMTP_NET);
		return;
	}
}

const struct smtp_result *
smtp_session_result(const struct smtp_session *s)
{
	return &s->res;
}

int
smtp_session_ended(const struct smtp_session *s)
{
	return s->ended;
}

const struct smtp_params *
smtp_session_params(const struct smtp_session *s)
{
	return &s->p;
}

void
smtp_session_take_findings(struct smtp_session *s, struct finding_list *dst)
{
	finding_list_move(dst, &s->res.findings);
}

int
smtp_session_cut_waiting(struct smtp_session *s, int64_t min_wait_us,
    const char *why)
{
	int64_t	 waited;

	if (s->ended)
		return 0;
	waited = util_now_us() - s->phase_t0;
	if (waited < min_wait_us || s->phase == PH_QUIT) {
		smtp_session_cut(s);
		return 0;
	}
	s->ended = 1;
	step_close(s, "timeout");
	(void)phase_timeout(s, waited / 1e6, why);
	s->res.outcome = SMTP_TIMEOUT;
	s->res.total_us = util_now_us() - s->t0;
	evtimer_del(s->ev_timer);
	if (s->conn != NULL)
		conn_stop(s->conn);
	sniff_stop(s);
	return 1;
}

void
smtp_session_cut(struct smtp_session *s)
{
	if (s->ended)
		return;
	s->ended = 1;
	step_close(s, "cut");
	s->res.outcome = SMTP_CUT;
	s->res.total_us = util_now_us() - s->t0;
	evtimer_del(s->ev_timer);
	if (s->conn != NULL)
		conn_stop(s->conn);
	sniff_stop(s);
}

void
smtp_session_free(struct smtp_session *s)
{
	int	 i;

	if (s == NULL)
		return;
	if (s->ev_timer)
		event_free(s->ev_timer);
	if (s->ev_done)
		event_free(s->ev_done);
	conn_free(s->conn);
	conn_free(s->side);
	tls_info_free(&s->side_tls);
	for (i = 0; i < s->res.nsteps; i++) {
		free(s->res.steps[i].cmd);
		free(s->res.steps[i].text);
	}
	free(s->res.steps);
	free(s->res.transcript);
	tls_info_free(&s->res.tls);
	finding_list_free(&s->res.findings);
	free(s);
}
