/*
 * maillog.c - parse one MTA log line into a delivery event.
 *
 * Formats, as the programs write them:
 *
 *  syslog:   "Dec  6 09:58:16 host postfix/smtp[27487]: TEXT" (classic,
 *            RFC 3164; Postfix's own maillog_file writes "Dec 06"), or
 *            "2026-12-06T09:58:16.123456+00:00 host postfix/smtp[1]: TEXT"
 *            (RFC 3339, rsyslog's default on Debian 12; journalctl -o
 *            short-iso writes "+0000").
 *  Postfix:  "QUEUEID: to=<r>, [orig_to=<o>,] relay=H[A]:P, ..., dsn=X.Y.Z,
 *            status=WORD (EXPLANATION)" from the delivery agents (smtp(8),
 *            lmtp, local, virtual, pipe, error ...); "QUEUEID: from=<s>,
 *            size=N, nrcpt=N (queue active)" and "from=<s>, status=expired,
 *            returned to sender" from qmgr(8); "NOQUEUE: reject: RCPT from
 *            H[A]: REPLY; from=<s> to=<r> proto=P helo=<h>" from smtpd(8)
 *            (postscreen(8) writes "[A]:PORT" and ", " between the fields;
 *            cleanup(8) puts the reply after the fields).
 *  Exim:     "2026-12-06 09:58:16 [+0100] [PID] MSGID FLAG ADDRESS FIELDS"
 *            with the flags of the Exim specification's chapter "Log
 *            files": <= arrival, => delivery, -> further address of the
 *            same delivery, ** failed, == deferred; refusals without a
 *            message id: "H=host [A] F=<s> rejected RCPT <r>: TEXT".
 *  Milters:  opendkim and opendmarc ("QUEUEID: TEXT"), policyd-spf
 *            ("Received-SPF: RESULT ..."), rspamd's task line.
 *
 * Everything here is a bounded scan over [p, e): no NUL is assumed (a
 * line may contain one), nothing is copied or allocated.
 */
#include <string.h>
#include <time.h>

#include "maillog.h"

/* A cursor over the line. */
struct cur {
	const char	*p;
	const char	*e;
};

static struct maillog_str
mkstr(const char *p, const char *e)
{
	struct maillog_str s;

	s.p = p;
	s.len = (size_t)(e - p);
	return s;
}

/*
 * The small helpers are always inlined: called with string literals,
 * their strlen() folds away (the parser's hot path on a big log).
 */
#define INLINE	static inline __attribute__((always_inline))

/* Does [p, e) start with lit? Returns its length, or 0. */
INLINE size_t
sw(const char *p, const char *e, const char *lit)
{
	size_t	 n = strlen(lit);

	if (e < p || (size_t)(e - p) < n || memcmp(p, lit, n) != 0)
		return 0;
	return n;
}

/* Take lit at the cursor. */
INLINE int
take(struct cur *c, const char *lit)
{
	size_t	 n = sw(c->p, c->e, lit);

	c->p += n;
	return n != 0;
}

/* First lit in [p, e), or NULL. */
INLINE const char *
find(const char *p, const char *e, const char *lit)
{
	if (p >= e)
		return NULL;
	return memmem(p, (size_t)(e - p), lit, strlen(lit));
}

/* Last lit in [p, e), or NULL. */
static const char *
rfind(const char *p, const char *e, const char *lit)
{
	const char	*q, *last = NULL;

	while ((q = find(p, e, lit)) != NULL) {
		last = q;
		p = q + 1;
	}
	return last;
}

static int
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int
is_alnum(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z');
}

static char
lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Case-insensitive find. */
static const char *
ifind(const char *p, const char *e, const char *lit)
{
	size_t	 n = strlen(lit), i;

	for (; p <= e && (size_t)(e - p) >= n; p++) {
		for (i = 0; i < n; i++)
			if (lower(p[i]) != lower(lit[i]))
				break;
		if (i == n)
			return p;
	}
	return NULL;
}

/* Exactly n digits at the cursor, as a number. */
static int
digits(struct cur *c, int n, int *out)
{
	int	 v = 0, i;

	if (c->e - c->p < n)
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(c->p[i]))
			return 0;
		v = v * 10 + (c->p[i] - '0');
	}
	c->p += n;
	*out = v;
	return 1;
}

/* A decimal number of at most 5 digits. */
static int
number(struct cur *c, int *out)
{
	int	 v = 0, n = 0;

	while (c->p < c->e && is_digit(*c->p) && n < 5) {
		v = v * 10 + (*c->p++ - '0');
		n++;
	}
	if (n == 0 || (c->p < c->e && is_digit(*c->p)))
		return 0;
	*out = v;
	return 1;
}

/* The token at the cursor, up to a space (or the end). */
static struct maillog_str
word(struct cur *c)
{
	const char	*s = c->p;

	while (c->p < c->e && *c->p != ' ')
		c->p++;
	return mkstr(s, c->p);
}

static void
skip_spaces(struct cur *c)
{
	while (c->p < c->e && *c->p == ' ')
		c->p++;
}

/* --- timestamps ------------------------------------------------------ */

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* "HH:MM:SS" and an optional fraction. */
static int
clock_time(struct cur *c, struct maillog_stamp *ts)
{
	if (!digits(c, 2, &ts->hour) || !take(c, ":") ||
	    !digits(c, 2, &ts->min) || !take(c, ":") ||
	    !digits(c, 2, &ts->sec))
		return 0;
	if (ts->hour > 23 || ts->min > 59 || ts->sec > 60)
		return 0;
	if (c->p < c->e && (*c->p == '.' || *c->p == ',')) {
		c->p++;
		if (c->p >= c->e || !is_digit(*c->p))
			return 0;
		while (c->p < c->e && is_digit(*c->p))
			c->p++;
	}
	return 1;
}

/* "Z", "+HH:MM" or "+HHMM". */
static int
tz_offset(struct cur *c, struct maillog_stamp *ts)
{
	int	 sign, h, m;

	if (take(c, "Z")) {
		ts->has_tz = 1;
		ts->tz_min = 0;
		return 1;
	}
	if (c->p >= c->e || (*c->p != '+' && *c->p != '-'))
		return 0;
	sign = *c->p++ == '-' ? -1 : 1;
	if (!digits(c, 2, &h))
		return 0;
	(void)take(c, ":");
	if (!digits(c, 2, &m) || h > 23 || m > 59)
		return 0;
	ts->has_tz = 1;
	ts->tz_min = sign * (h * 60 + m);
	return 1;
}

/* "Dec  6 09:58:16" or "Dec 06 09:58:16". */
static int
stamp_classic(struct cur *c, struct maillog_stamp *ts)
{
	const char	*m;

	if (c->e - c->p < 4 || c->p[3] != ' ')
		return 0;
	for (m = months; *m; m += 3)
		if (memcmp(c->p, m, 3) == 0)
			break;
	if (*m == '\0')
		return 0;
	ts->mon = (int)(m - months) / 3 + 1;
	c->p += 4;
	if (take(c, " ")) {
		if (!digits(c, 1, &ts->mday))
			return 0;
	} else if (!digits(c, 2, &ts->mday))
		return 0;
	if (ts->mday < 1 || ts->mday > 31 || !take(c, " "))
		return 0;
	return clock_time(c, ts);
}

/* "2026-12-06" then sep then the clock. */
static int
stamp_iso(struct cur *c, struct maillog_stamp *ts, char sep)
{
	if (!digits(c, 4, &ts->year) || !take(c, "-") ||
	    !digits(c, 2, &ts->mon) || !take(c, "-") ||
	    !digits(c, 2, &ts->mday))
		return 0;
	if (ts->year < 1970 || ts->mon < 1 || ts->mon > 12 ||
	    ts->mday < 1 || ts->mday > 31)
		return 0;
	if (c->p >= c->e || *c->p != sep)
		return 0;
	c->p++;
	return clock_time(c, ts);
}

/* --- small field parsers --------------------------------------------- */

/*
 * "host[addr]" or "host[addr]:port" (Postfix), at the cursor, ending at
 * a delimiter the caller checks. A "[addr]:port" without host (postscreen)
 * leaves host empty.
 */
static int
host_addr(struct cur *c, struct maillog_event *ev)
{
	const char	*s = c->p, *lb, *rb;
	int		 port;

	lb = memchr(c->p, '[', (size_t)(c->e - c->p));
	if (lb == NULL)
		return 0;
	rb = memchr(lb, ']', (size_t)(c->e - lb));
	if (rb == NULL || memchr(s, ' ', (size_t)(rb - s)) != NULL)
		return 0;
	/* the first host named wins; "relay=none" names none */
	if (ev->peer_addr.p == NULL) {
		ev->peer = mkstr(s, lb);
		ev->peer_addr = mkstr(lb + 1, rb);
	}
	c->p = rb + 1;
	if (c->p + 1 < c->e && *c->p == ':' && is_digit(c->p[1])) {
		c->p++;
		if (!number(c, &port) || port > 65535)
			return 0;
		if (ev->peer_port == 0)
			ev->peer_port = port;
	}
	return 1;
}

/* An address in angle brackets at the cursor (quoted local parts may
   hold '>'); the cursor ends after the '>'. */
static int
angle_addr(struct cur *c, struct maillog_str *out)
{
	const char	*s, *q;
	int		 quoted = 0;

	if (!take(c, "<"))
		return 0;
	for (s = q = c->p; q < c->e; q++) {
		if (*q == '"')
			quoted = !quoted;
		else if (*q == '>' && !quoted)
			break;
	}
	if (q >= c->e)
		return 0;
	*out = mkstr(s, q);
	c->p = q + 1;
	return 1;
}

/*
 * A reply at [p, e): "550 5.1.1 text" or "550-5.1.1 text" or, from a
 * milter or Exim's C="...", only part of it. Sets code, enh, reply.
 */
static int
reply_at(const char *p, const char *e, struct maillog_event *ev)
{
	struct cur	 c = { p, e };
	const char	*s;
	int		 code;

	if (!digits(&c, 3, &code) || code < 200 || code > 599)
		return 0;
	if (c.p < c.e && *c.p != ' ' && *c.p != '-')
		return 0;
	if (c.p < c.e)
		c.p++;
	ev->code = code;
	s = c.p;
	/* class.subject.detail: 1 digit, 1-3 digits, 1-3 digits */
	if (c.p < c.e && (*c.p == '2' || *c.p == '4' || *c.p == '5') &&
	    c.p + 1 < c.e && c.p[1] == '.') {
		const char	*q = c.p + 2;
		int		 n = 0, dots = 0;

		while (q < c.e && (is_digit(*q) || *q == '.') && n < 9) {
			if (*q == '.')
				dots++;
			q++;
			n++;
		}
		if (dots == 1 && q > s + 2 && is_digit(q[-1]) &&
		    (q == c.e || *q == ' ')) {
			ev->enh = mkstr(s, q);
			c.p = q < c.e ? q + 1 : q;
		}
	}
	ev->reply = mkstr(c.p, e);
	return 1;
}

/* "5.7.1 text" (a milter-reject: no basic code). */
static int
enh_only_at(const char *p, const char *e, struct maillog_event *ev)
{
	const char	*q = p;
	int		 n = 0, dots = 0;

	if (e - p < 5 || (*p != '4' && *p != '5') || p[1] != '.')
		return 0;
	for (q = p + 2; q < e && (is_digit(*q) || *q == '.') && n < 9; q++) {
		if (*q == '.')
			dots++;
		n++;
	}
	if (dots != 1 || !is_digit(q[-1]) || (q < e && *q != ' '))
		return 0;
	ev->enh = mkstr(p, q);
	/* no basic code is logged: take the enhanced code's class */
	ev->code = *p == '4' ? 450 : 550;
	ev->reply = mkstr(q < e ? q + 1 : q, e);
	return 1;
}

struct phase_word {
	const char		*word;
	enum maillog_phase	 phase;
};

/* The command a Postfix "(in reply to X command)" names. */
static const struct phase_word reply_phases[] = {
	{ "RCPT TO",		MAILLOG_PH_RCPT },
	{ "MAIL FROM",		MAILLOG_PH_MAIL },
	{ "end of DATA",	MAILLOG_PH_EOD },
	{ "DATA",		MAILLOG_PH_DATA },
	{ "BDAT",		MAILLOG_PH_EOD },
	{ "EHLO",		MAILLOG_PH_HELO },
	{ "HELO",		MAILLOG_PH_HELO },
	{ "LHLO",		MAILLOG_PH_HELO },
	{ "STARTTLS",		MAILLOG_PH_STARTTLS },
	{ "XFORWARD",		MAILLOG_PH_OTHER },
	{ NULL,			MAILLOG_PH_NONE },
};

/* What Postfix was doing ("while X") or Exim answered ("after X"). */
static const struct phase_word step_phases[] = {
	{ "receiving the initial server greeting", MAILLOG_PH_BANNER },
	{ "initial connection",		MAILLOG_PH_BANNER },
	{ "performing the EHLO",	MAILLOG_PH_HELO },
	{ "performing the HELO",	MAILLOG_PH_HELO },
	{ "performing the LHLO",	MAILLOG_PH_HELO },
	{ "EHLO",			MAILLOG_PH_HELO },
	{ "HELO",			MAILLOG_PH_HELO },
	{ "LHLO",			MAILLOG_PH_HELO },
	{ "performing the TLS handshake", MAILLOG_PH_TLS },
	{ "sending STARTTLS",		MAILLOG_PH_STARTTLS },
	{ "receiving the STARTTLS",	MAILLOG_PH_STARTTLS },
	{ "STARTTLS",			MAILLOG_PH_STARTTLS },
	{ "sending MAIL FROM",		MAILLOG_PH_MAIL },
	{ "MAIL FROM",			MAILLOG_PH_MAIL },
	{ "sending RCPT TO",		MAILLOG_PH_RCPT },
	{ "RCPT TO",			MAILLOG_PH_RCPT },
	{ "sending DATA",		MAILLOG_PH_DATA },
	{ "sending message body",	MAILLOG_PH_EOD },
	{ "sending end of data",	MAILLOG_PH_EOD },
	{ "end of data",		MAILLOG_PH_EOD },
	{ "DATA",			MAILLOG_PH_DATA },
	{ NULL,				MAILLOG_PH_NONE },
};

static enum maillog_phase
phase_of(const struct phase_word *t, const char *p, const char *e)
{
	for (; t->word != NULL; t++)
		if (sw(p, e, t->word))
			return t->phase;
	return MAILLOG_PH_OTHER;
}

struct fail_word {
	const char		*text;
	enum maillog_failure	 failure;
};

/* The errno texts after "connect to H[A]:P: " (and Exim's). */
static const struct fail_word connect_fails[] = {
	{ "Connection refused",		MAILLOG_FAIL_CONNECT_REFUSED },
	{ "Connection timed out",	MAILLOG_FAIL_CONNECT_TIMEOUT },
	{ "No route to host",		MAILLOG_FAIL_NO_ROUTE },
	{ "Network is unreachable",	MAILLOG_FAIL_NO_ROUTE },
	{ "Connection reset by peer",	MAILLOG_FAIL_LOST_CONNECTION },
	{ NULL,				MAILLOG_FAIL_OTHER },
};

static enum maillog_failure
connect_fail(const char *p, const char *e)
{
	const struct fail_word *f;

	for (f = connect_fails; f->text != NULL; f++)
		if (find(p, e, f->text) != NULL)
			return f->failure;
	return MAILLOG_FAIL_OTHER;
}

/* --- Postfix ---------------------------------------------------------- */

/*
 * The explanation of a Postfix delivery status (the text in parentheses)
 * or of an expired or refused message: the remote reply and the command
 * it answered, or the failure before any reply (smtp(8)'s smtp_trouble.c
 * and smtp_connect.c texts).
 */
static void
pf_detail(const char *p, const char *e, struct maillog_event *ev)
{
	struct cur	 c;
	const char	*q, *r;
	size_t		 n;

	ev->detail = mkstr(p, e);
	while ((n = sw(p, e, "delivery temporarily suspended: ")) != 0)
		p += n;
	c.p = p;
	c.e = e;

	if (take(&c, "host ")) {
		(void)host_addr(&c, ev);
		if (take(&c, " said: ")) {
			/* "(in reply to X command)" closes the text */
			q = rfind(c.p, e, " (in reply to ");
			if (q != NULL && e[-1] == ')' &&
			    (r = find(q + 14, e, " command)")) != NULL &&
			    r + 9 == e) {
				ev->command = mkstr(q + 14, r);
				ev->phase = phase_of(reply_phases, q + 14, r);
				e = q;
			}
			(void)reply_at(c.p, e, ev);
		} else if (take(&c, " refused to talk to me: ")) {
			ev->phase = MAILLOG_PH_BANNER;
			(void)reply_at(c.p, e, ev);
		} else
			ev->failure = MAILLOG_FAIL_OTHER;
		return;
	}
	if (take(&c, "connect to ")) {
		(void)host_addr(&c, ev);
		ev->phase = MAILLOG_PH_CONNECT;
		ev->failure = connect_fail(c.p, e);
		return;
	}
	if (take(&c, "lost connection with ") ||
	    take(&c, "conversation with ")) {
		ev->failure = sw(p, e, "lost") ? MAILLOG_FAIL_LOST_CONNECTION :
		    MAILLOG_FAIL_TIMEOUT;
		(void)host_addr(&c, ev);
		if ((q = find(c.p, e, " while ")) != NULL) {
			ev->command = mkstr(q + 7, e);
			ev->phase = phase_of(step_phases, q + 7, e);
		}
		return;
	}
	if (sw(p, e, "Host or domain name not found") ||
	    sw(p, e, "Name service error")) {
		ev->failure = MAILLOG_FAIL_HOST_NOT_FOUND;
		return;
	}
	if (take(&c, "TLS is required, but ")) {
		ev->failure = MAILLOG_FAIL_TLS_REQUIRED;
		ev->phase = MAILLOG_PH_STARTTLS;
		if (take(&c, "host "))
			(void)host_addr(&c, ev);
		else if ((q = find(c.p, e, " by host ")) != NULL) {
			c.p = q + 9;
			(void)host_addr(&c, ev);
		}
		if ((q = find(c.p, e, "refused to start TLS: ")) != NULL)
			(void)reply_at(q + 22, e, ev);
		return;
	}
	if (sw(p, e, "Server certificate not") ||
	    find(p, e, "certificate verification failed") != NULL ||
	    find(p, e, "certificate verify failed") != NULL) {
		ev->failure = MAILLOG_FAIL_TLS_CERT;
		ev->phase = MAILLOG_PH_TLS;
		return;
	}
	if (sw(p, e, "Cannot start TLS") ||
	    find(p, e, "TLS handshake") != NULL) {
		ev->failure = MAILLOG_FAIL_TLS_HANDSHAKE;
		ev->phase = MAILLOG_PH_TLS;
		return;
	}
	/* a bare reply: "250 2.0.0 Ok: queued as X" (sent), lmtp's too */
	if (reply_at(p, e, ev))
		return;
	if (ev->status != MAILLOG_ST_SENT)
		ev->failure = MAILLOG_FAIL_OTHER;
}

/* A Postfix queue id: short (hex) or long (base 52), then ": ". */
static int
pf_qid(struct cur *c, struct maillog_str *qid)
{
	const char	*s = c->p;

	if (take(c, "NOQUEUE: "))
		return 1;
	while (c->p < c->e && is_alnum(*c->p) && c->p - s < 24)
		c->p++;
	if (c->p - s < 5 || !take(c, ": ")) {
		c->p = s;
		return 0;
	}
	*qid = mkstr(s, c->p - 2);
	return 1;
}

/* Key=value fields of a delivery line up to status=; the status ends
   the line. */
static enum maillog_parse
pf_delivery(struct cur *c, struct maillog_event *ev, const char **why)
{
	struct maillog_str	 key, val;
	const char		*s, *q;

	ev->kind = MAILLOG_KIND_DELIVERY;
	ev->dir = MAILLOG_DIR_OUT;
	while (c->p < c->e) {
		s = c->p;
		while (c->p < c->e && *c->p != '=' && *c->p != ' ' &&
		    *c->p != ',')
			c->p++;
		if (c->p >= c->e || *c->p != '=') {
			*why = "delivery line: expected key=value";
			return MAILLOG_BAD;
		}
		key = mkstr(s, c->p++);
		if (maillog_str_eq(key, "status"))
			break;
		if (c->p < c->e && *c->p == '<') {
			if (!angle_addr(c, &val)) {
				*why = "delivery line: unterminated <address>";
				return MAILLOG_BAD;
			}
		} else {
			s = c->p;
			q = find(c->p, c->e, ", ");
			c->p = q ? q : c->e;
			val = mkstr(s, c->p);
		}
		if (maillog_str_eq(key, "to"))
			ev->rcpt = val;
		else if (maillog_str_eq(key, "orig_to"))
			ev->orig_rcpt = val;
		else if (maillog_str_eq(key, "dsn"))
			ev->dsn = val;
		else if (maillog_str_eq(key, "relay")) {
			struct cur	 r = { val.p, val.p + val.len };

			if (!host_addr(&r, ev))
				ev->peer = val;	/* none, local, virtual ... */
		}
		if (!take(c, ", ")) {
			*why = "delivery line: no status=";
			return MAILLOG_BAD;
		}
	}
	if (c->p >= c->e && !maillog_str_eq(key, "status")) {
		*why = "delivery line: no status=";
		return MAILLOG_BAD;
	}
	if (ev->rcpt.p == NULL) {
		*why = "delivery line: no to=";
		return MAILLOG_BAD;
	}
	val = word(c);
	if (maillog_str_eq(val, "sent"))
		ev->status = MAILLOG_ST_SENT;
	else if (maillog_str_eq(val, "deferred"))
		ev->status = MAILLOG_ST_DEFERRED;
	else if (maillog_str_eq(val, "bounced"))
		ev->status = MAILLOG_ST_BOUNCED;
	else if (maillog_str_eq(val, "expired"))
		ev->status = MAILLOG_ST_EXPIRED;
	else if (val.len > 0)
		ev->status = MAILLOG_ST_OTHER;
	else {
		*why = "delivery line: empty status";
		return MAILLOG_BAD;
	}
	if (take(c, " (")) {
		q = c->e;
		if (q > c->p && q[-1] == ')')
			q--;		/* a cut line keeps what it has */
		pf_detail(c->p, q, ev);
	}
	return MAILLOG_OK;
}

/* "from=<s> to=<r> proto=P helo=<h>" (smtpd) or with ", " (postscreen). */
static void
pf_reject_fields(struct cur *c, struct maillog_event *ev)
{
	struct maillog_str	*dst;
	const char		*s;

	while (c->p < c->e) {
		while (c->p < c->e && (*c->p == ' ' || *c->p == ',' ||
		    *c->p == ';'))
			c->p++;
		if (take(c, "from="))
			dst = &ev->sender;
		else if (take(c, "to="))
			dst = &ev->rcpt;
		else if (take(c, "helo="))
			dst = &ev->helo;
		else if (take(c, "proto=")) {
			s = c->p;
			while (c->p < c->e && *c->p != ' ' && *c->p != ',' &&
			    *c->p != ':')
				c->p++;
			ev->proto = mkstr(s, c->p);
			continue;
		} else
			return;
		if (!angle_addr(c, dst))
			return;
	}
}

/*
 * "reject: CMD from H[A]: REPLY; from=<s> to=<r> ..." and the
 * milter-reject and postscreen forms; cleanup(8)'s header and body
 * rejections put the reply last: "reject: header TEXT from H[A]; from=<s>
 * to=<r> proto=P helo=<h>: 5.7.1 REPLY".
 */
static enum maillog_parse
pf_reject(struct cur *c, struct maillog_event *ev, const char **why)
{
	struct maillog_str	 cmd;
	const char		*fields, *rs, *re, *q, *e0 = c->e;

	ev->kind = MAILLOG_KIND_REJECT;
	ev->dir = MAILLOG_DIR_IN;
	ev->status = MAILLOG_ST_REJECTED;
	cmd = word(c);
	ev->command = cmd;
	skip_spaces(c);
	fields = rfind(c->p, c->e, "; from=<");
	if (maillog_str_eq(cmd, "header") || maillog_str_eq(cmd, "body")) {
		ev->phase = MAILLOG_PH_EOD;
		if (fields == NULL) {
			*why = "cleanup reject: no from=";
			return MAILLOG_BAD;
		}
		if ((q = rfind(c->p, fields, " from ")) != NULL) {
			struct cur	 h = { q + 6, fields };

			(void)host_addr(&h, ev);
		}
		c->p = fields + 2;
		/* the fields end with helo=<...>: the reply follows ": " */
		q = find(c->p, e0, "helo=<");
		rs = q ? find(q, e0, ">: ") : NULL;
		c->e = rs ? rs + 1 : e0;
		pf_reject_fields(c, ev);
		if (rs != NULL) {
			ev->detail = mkstr(rs + 3, e0);
			if (!reply_at(rs + 3, e0, ev))
				(void)enh_only_at(rs + 3, e0, ev);
		}
		c->p = c->e = e0;
		return MAILLOG_OK;
	}
	if (maillog_str_eq(cmd, "RCPT"))
		ev->phase = MAILLOG_PH_RCPT;
	else if (maillog_str_eq(cmd, "MAIL"))
		ev->phase = MAILLOG_PH_MAIL;
	else if (maillog_str_eq(cmd, "CONNECT"))
		ev->phase = MAILLOG_PH_CONNECT;
	else if (maillog_str_eq(cmd, "EHLO") || maillog_str_eq(cmd, "HELO"))
		ev->phase = MAILLOG_PH_HELO;
	else if (maillog_str_eq(cmd, "DATA"))
		ev->phase = MAILLOG_PH_DATA;
	else if (maillog_str_eq(cmd, "END-OF-MESSAGE"))
		ev->phase = MAILLOG_PH_EOD;
	else if (maillog_str_eq(cmd, "STARTTLS"))
		ev->phase = MAILLOG_PH_STARTTLS;
	else
		ev->phase = MAILLOG_PH_OTHER;
	if (!take(c, "from ") || !host_addr(c, ev) || !take(c, ": ")) {
		*why = "reject line: expected \"CMD from host[addr]: \"";
		return MAILLOG_BAD;
	}
	rs = c->p;
	if (fields != NULL && fields < rs)
		fields = NULL;		/* the "host[addr]" ran past it */
	re = fields ? fields : c->e;
	ev->detail = mkstr(rs, re);
	if (!reply_at(rs, re, ev))
		(void)enh_only_at(rs, re, ev);
	if (fields != NULL) {
		c->p = fields + 2;
		pf_reject_fields(c, ev);
	}
	return MAILLOG_OK;
}

static enum maillog_parse
pf_body(struct cur *c, struct maillog_event *ev, const char **why)
{
	struct maillog_str	 from;
	const char		*q;

	if (sw(c->p, c->e, "warning: ") || sw(c->p, c->e, "error: ") ||
	    sw(c->p, c->e, "fatal: ") || sw(c->p, c->e, "panic: ") ||
	    sw(c->p, c->e, "statistics: "))
		return MAILLOG_OK;
	if (!pf_qid(c, &ev->qid))
		return MAILLOG_OK;	/* connect from, TLS established ... */
	if (sw(c->p, c->e, "to=<"))
		return pf_delivery(c, ev, why);
	if (take(c, "reject: ") || take(c, "milter-reject: "))
		return pf_reject(c, ev, why);
	if (take(c, "from=")) {
		if (!angle_addr(c, &from)) {
			*why = "from= line: unterminated <address>";
			return MAILLOG_BAD;
		}
		ev->sender = from;
		if (take(c, ", status=expired")) {
			ev->kind = MAILLOG_KIND_EXPIRED;
			ev->dir = MAILLOG_DIR_OUT;
			ev->status = MAILLOG_ST_EXPIRED;
			if ((q = find(c->p, c->e, ", ")) != NULL)
				ev->detail = mkstr(q + 2, c->e);
		} else if (sw(c->p, c->e, ", size="))
			ev->kind = MAILLOG_KIND_SENDER;
		return MAILLOG_OK;
	}
	return MAILLOG_OK;
}

/* --- milters and policy services ------------------------------------- */

struct result_word {
	const char		*word;
	enum maillog_result	 result;
};

static const struct result_word spf_results[] = {
	{ "Pass",	MAILLOG_RES_PASS },
	{ "Fail",	MAILLOG_RES_FAIL },
	{ "Softfail",	MAILLOG_RES_SOFTFAIL },
	{ "SoftFail",	MAILLOG_RES_SOFTFAIL },
	{ "Neutral",	MAILLOG_RES_NEUTRAL },
	{ "None",	MAILLOG_RES_NONE },
	{ "Temperror",	MAILLOG_RES_TEMPERROR },
	{ "TempError",	MAILLOG_RES_TEMPERROR },
	{ "Permerror",	MAILLOG_RES_PERMERROR },
	{ "PermError",	MAILLOG_RES_PERMERROR },
	{ NULL,		MAILLOG_RES_NONE },
};

/* The value after "key" up to one of the stop bytes. */
static struct maillog_str
kv(const char *p, const char *e, const char *key, const char *stop)
{
	const char	*q, *s;

	if ((q = find(p, e, key)) == NULL)
		return mkstr(NULL, NULL);
	s = q = q + strlen(key);
	while (q < e && strchr(stop, *q) == NULL)
		q++;
	return mkstr(s, q);
}

/*
 * policyd-spf (the Python and Perl ones): "prepend Received-SPF: Pass
 * (mailfrom) identity=mailfrom; client-ip=A; helo=H; envelope-from=S;
 * receiver=R" and its rejections "550 5.7.23 Message rejected due to:
 * SPF fail - not authorized ...".
 */
static void
spf_line(struct cur *c, struct maillog_event *ev)
{
	const struct result_word *r;
	const char	*q;
	struct maillog_str from;

	ev->auth = MAILLOG_AUTH_SPF;
	if ((q = find(c->p, c->e, "Received-SPF: ")) != NULL) {
		ev->kind = MAILLOG_KIND_VERDICT;
		ev->dir = MAILLOG_DIR_IN;
		q += 14;
		for (r = spf_results; r->word != NULL; r++)
			if (sw(q, c->e, r->word))
				break;
		if (r->word == NULL) {
			ev->kind = MAILLOG_KIND_OTHER;
			return;
		}
		ev->result = r->result;
	} else if (reply_at(c->p, c->e, ev) && ev->code >= 400) {
		ev->kind = MAILLOG_KIND_VERDICT;
		ev->dir = MAILLOG_DIR_IN;
		ev->result = ifind(c->p, c->e, "softfail") ? MAILLOG_RES_SOFTFAIL :
		    ev->code < 500 ? MAILLOG_RES_TEMPERROR : MAILLOG_RES_FAIL;
		ev->detail = mkstr(c->p, c->e);
	} else
		return;
	ev->client_ip = kv(c->p, c->e, "client-ip=", "; ");
	ev->helo = kv(c->p, c->e, "helo=", "; ");
	from = kv(c->p, c->e, "envelope-from=", "; ");
	if (from.len == 0)
		from = kv(c->p, c->e, "id=", "; ");
	ev->sender = from;
	ev->domain = maillog_domain(from);
	if (ev->domain.len == 0)
		ev->domain = ev->helo;
}

/* opendkim: "QUEUEID: DKIM verification successful", "bad signature
   data", "no signature data", "key retrieval failed (s=S, d=D)" ... */
static void
opendkim_line(struct cur *c, struct maillog_event *ev)
{
	ev->auth = MAILLOG_AUTH_DKIM;
	if (!pf_qid(c, &ev->qid))
		return;
	ev->kind = MAILLOG_KIND_VERDICT;
	ev->dir = MAILLOG_DIR_IN;
	ev->detail = mkstr(c->p, c->e);
	ev->domain = kv(c->p, c->e, "d=", ",) ");
	if (sw(c->p, c->e, "DKIM verification successful"))
		ev->result = MAILLOG_RES_PASS;
	else if (sw(c->p, c->e, "bad signature data") ||
	    find(c->p, c->e, "signature verification failed") ||
	    sw(c->p, c->e, "s=") )
		ev->result = MAILLOG_RES_FAIL;
	else if (sw(c->p, c->e, "key retrieval failed"))
		ev->result = MAILLOG_RES_TEMPERROR;
	else if (sw(c->p, c->e, "no signature data"))
		ev->result = MAILLOG_RES_NONE;
	else
		ev->kind = MAILLOG_KIND_OTHER;	/* signing, not internal ... */
}

/* opendmarc: "QUEUEID: example.com pass" (or fail, none). */
static void
opendmarc_line(struct cur *c, struct maillog_event *ev)
{
	struct maillog_str	 dom, res;

	ev->auth = MAILLOG_AUTH_DMARC;
	if (!pf_qid(c, &ev->qid))
		return;
	dom = word(c);
	if (!take(c, " "))
		return;
	res = word(c);
	if (c->p != c->e || memchr(dom.p, '.', dom.len) == NULL)
		return;		/* "SPF(mailfrom): ...", other notes */
	if (maillog_str_eq(res, "pass") || maillog_str_eq(res, "bestguesspass"))
		ev->result = MAILLOG_RES_PASS;
	else if (maillog_str_eq(res, "fail"))
		ev->result = MAILLOG_RES_FAIL;
	else if (maillog_str_eq(res, "none"))
		ev->result = MAILLOG_RES_NONE;
	else if (maillog_str_eq(res, "temperror"))
		ev->result = MAILLOG_RES_TEMPERROR;
	else if (maillog_str_eq(res, "permerror"))
		ev->result = MAILLOG_RES_PERMERROR;
	else
		return;
	ev->kind = MAILLOG_KIND_VERDICT;
	ev->dir = MAILLOG_DIR_IN;
	ev->domain = dom;
}

/*
 * rspamd's task line: "... rspamd_task_write_log: id: <MID>, qid: <QID>,
 * ip: A, from: <S>, (default: F (no action): [1.20/15.00] [...]), ...".
 */
static void
rspamd_line(struct cur *c, struct maillog_event *ev)
{
	const char	*q, *a;
	struct maillog_str act;

	ev->auth = MAILLOG_AUTH_SPAM;
	if ((q = find(c->p, c->e, "(default: ")) == NULL ||
	    (a = find(q, c->e, " (")) == NULL)
		return;
	a += 2;
	act = mkstr(a, a);
	while (act.p + act.len < c->e && act.p[act.len] != ')')
		act.len++;
	if (maillog_str_eq(act, "no action"))
		ev->result = MAILLOG_RES_PASS;
	else if (maillog_str_eq(act, "reject"))
		ev->result = MAILLOG_RES_FAIL;
	else
		ev->result = MAILLOG_RES_SOFTFAIL;	/* add header, greylist,
							   soft reject ... */
	ev->kind = MAILLOG_KIND_VERDICT;
	ev->dir = MAILLOG_DIR_IN;
	ev->detail = act;
	ev->qid = kv(c->p, c->e, "qid: <", ">");
	ev->client_ip = kv(c->p, c->e, "ip: ", ", ");
	ev->sender = kv(c->p, c->e, "from: <", ">");
	ev->rcpt = kv(c->p, c->e, "rcpts: <", ">,");
	ev->domain = maillog_domain(ev->sender);
}

/* --- Exim ----------------------------------------------------------- */

/* An Exim message id: 6-6-2 (before 4.97) or 6-11-4 base 62. */
static int
exim_msgid(struct cur *c, struct maillog_str *id)
{
	const char	*s = c->p, *q = c->p;
	int		 part, n;

	for (part = 0; part < 3; part++) {
		for (n = 0; q < c->e && is_alnum(*q); q++)
			n++;
		if ((part == 0 && n != 6) || (part == 1 && n != 6 && n != 11) ||
		    (part == 2 && n != 2 && n != 4))
			return 0;
		if (part < 2) {
			if (q >= c->e || *q != '-')
				return 0;
			q++;
		}
	}
	if (q < c->e && *q != ' ')
		return 0;
	*id = mkstr(s, q);
	c->p = q < c->e ? q + 1 : q;
	return 1;
}

/* "H=name [addr]:port" or "H=(helo) [addr]" or "H=name (helo) [addr]". */
static void
exim_host(const char *p, const char *e, struct maillog_event *ev)
{
	const char	*h = find(p, e, " H="), *q, *lb, *rb;
	struct cur	 c;
	int		 port;

	if (h == NULL && sw(p, e, "H="))
		h = p - 1;
	if (h == NULL)
		return;
	c.p = h + 3;
	c.e = e;
	if (c.p < e && *c.p == '(') {
		q = memchr(c.p, ')', (size_t)(e - c.p));
		if (q == NULL)
			return;
		ev->helo = mkstr(c.p + 1, q);
		ev->peer = mkstr(c.p, c.p);
		c.p = q + 1;
	} else
		ev->peer = word(&c);
	skip_spaces(&c);
	if (c.p < e && *c.p == '(' &&
	    (q = memchr(c.p, ')', (size_t)(e - c.p))) != NULL) {
		ev->helo = mkstr(c.p + 1, q);
		c.p = q + 1;
		skip_spaces(&c);
	}
	if (c.p >= e || *c.p != '[' ||
	    (rb = memchr(c.p, ']', (size_t)(e - c.p))) == NULL)
		return;
	lb = c.p;
	ev->peer_addr = mkstr(lb + 1, rb);
	c.p = rb + 1;
	if (c.p + 1 < e && *c.p == ':' && is_digit(c.p[1])) {
		c.p++;
		if (number(&c, &port) && port <= 65535)
			ev->peer_port = port;
	}
}

/* The message of a ** or == line: what the remote said or what failed. */
static void
exim_message(const char *p, const char *e, struct maillog_event *ev)
{
	const char	*q;
	size_t		 n;

	/*
	 * "retry time not reached [for any host]": Exim tried nothing,
	 * the reason is the last attempt's (ERRNO_HRETRY, ERRNO_LRETRY).
	 */
	if (find(p, e, "retry time not reached") != NULL) {
		ev->failure = MAILLOG_FAIL_NO_ATTEMPT;
		return;
	}
	if ((n = sw(p, e, "SMTP error from remote mail server after ")) ||
	    (n = sw(p, e, "SMTP error from remote mailer after "))) {
		p += n;
		if ((n = sw(p, e, "pipelined ")) != 0)
			p += n;
		/* "RCPT TO:<r@x>: 550 ..." - the reply follows ": " */
		q = find(p, e, ": ");
		while (q != NULL && !reply_at(q + 2, e, ev))
			q = find(q + 2, e, ": ");
		ev->command = mkstr(p, q ? q : e);
		ev->phase = phase_of(step_phases, p, e);
		return;
	}
	if ((n = sw(p, e, "SMTP timeout after ")) != 0) {
		ev->failure = MAILLOG_FAIL_TIMEOUT;
		ev->phase = phase_of(step_phases, p + n, e);
		ev->command = mkstr(p + n, e);
		return;
	}
	/* "Remote host H [A] closed connection in response to EHLO x" */
	if (sw(p, e, "Remote host ") &&
	    ((q = find(p, e, "closed connection in response to ")) != NULL ||
	    (q = find(p, e, "closed connection after ")) != NULL)) {
		ev->failure = MAILLOG_FAIL_LOST_CONNECTION;
		q += sw(q, e, "closed connection in response to ") ?
		    strlen("closed connection in response to ") :
		    strlen("closed connection after ");
		ev->phase = phase_of(step_phases, q, e);
		ev->command = mkstr(q, e);
		return;
	}
	if (find(p, e, "TLS session is required") != NULL ||
	    find(p, e, "did not offer TLS") != NULL) {
		ev->failure = MAILLOG_FAIL_TLS_REQUIRED;
		ev->phase = MAILLOG_PH_STARTTLS;
		return;
	}
	if (find(p, e, "certificate verif") != NULL) {
		ev->failure = MAILLOG_FAIL_TLS_CERT;
		ev->phase = MAILLOG_PH_TLS;
		return;
	}
	if (sw(p, e, "TLS session") || find(p, e, "TLS error") != NULL) {
		ev->failure = MAILLOG_FAIL_TLS_HANDSHAKE;
		ev->phase = MAILLOG_PH_TLS;
		return;
	}
	if (sw(p, e, "Unrouteable address") ||
	    find(p, e, "MX records point to non-existent hosts") != NULL ||
	    find(p, e, "host lookup did not complete") != NULL) {
		ev->failure = MAILLOG_FAIL_HOST_NOT_FOUND;
		return;
	}
	ev->failure = connect_fail(p, e);
	if (ev->failure != MAILLOG_FAIL_OTHER)
		ev->phase = MAILLOG_PH_CONNECT;
}

/*
 * The error text of a ** or == line. When the failure set errno, Exim
 * (deliver.c, deferral_log and failure_log) writes its strerror() before
 * the message: "defer (110): Connection timed out H=h [a]: SMTP timeout
 * after initial connection" (the host fields between them in a deferral),
 * "H=h [a]: Connection timed out: SMTP timeout after ..." in a bounce. An
 * ETIMEDOUT is any timeout, also a silent server's after the connection
 * was made: the message says which, the errno alone only when there is
 * none or it names nothing known.
 */
static void
exim_detail(const char *p, const char *e, struct maillog_event *ev)
{
	const struct fail_word	*f;
	const char		*m, *h;
	size_t			 n = 0;

	ev->detail = mkstr(p, e);
	for (f = connect_fails; f->text != NULL; f++)
		if ((n = sw(p, e, f->text)) != 0)
			break;
	if (f->text == NULL) {
		exim_message(p, e, ev);
		return;
	}
	m = p + n;
	if ((h = find(m, e, " H=")) == m) {
		m = find(h, e, ": ");
		exim_host(h, m != NULL ? m : e, ev);
	}
	if (m != NULL && sw(m, e, ": ")) {
		exim_message(m + 2, e, ev);
		if (ev->failure != MAILLOG_FAIL_OTHER || ev->code != 0)
			return;
	}
	ev->failure = f->failure;
	ev->phase = MAILLOG_PH_CONNECT;
}

/* "... F=<s> [temporarily ]rejected RCPT <r>: TEXT" (no message id, or
   one for a refusal after DATA). */
static enum maillog_parse
exim_reject(const char *p, const char *e, const char *rj,
    struct maillog_event *ev)
{
	struct cur	 c;
	const char	*q;

	ev->kind = MAILLOG_KIND_REJECT;
	ev->dir = MAILLOG_DIR_IN;
	ev->status = MAILLOG_ST_REJECTED;
	exim_host(p - 1, rj, ev);
	if ((q = find(p, rj, " F=<")) != NULL) {
		c.p = q + 3;
		c.e = rj;
		(void)angle_addr(&c, &ev->sender);
	}
	/* Exim logs no code: a temporary refusal is a 4xx, else a 5xx */
	ev->code = sw(rj, e, " temporarily rejected ") ? 450 : 550;
	c.p = rj + (ev->code == 450 ? 22 : 10);
	c.e = e;
	if (take(&c, "RCPT ")) {
		ev->phase = MAILLOG_PH_RCPT;
		(void)angle_addr(&c, &ev->rcpt);
	} else if (take(&c, "MAIL ")) {
		ev->phase = MAILLOG_PH_MAIL;
		(void)angle_addr(&c, &ev->sender);
	} else if (take(&c, "after DATA"))
		ev->phase = MAILLOG_PH_EOD;
	else if (take(&c, "EHLO or HELO") || take(&c, "HELO") ||
	    take(&c, "EHLO"))
		ev->phase = MAILLOG_PH_HELO;
	else if (take(&c, "connection"))
		ev->phase = MAILLOG_PH_CONNECT;
	else
		ev->phase = MAILLOG_PH_OTHER;
	if ((q = find(c.p, e, ": ")) != NULL) {
		ev->detail = mkstr(q + 2, e);
		if (!reply_at(q + 2, e, ev))
			ev->reply = ev->detail;
	}
	return MAILLOG_OK;
}

static enum maillog_parse
exim_body(struct cur *c, struct maillog_event *ev, const char **why)
{
	struct maillog_str	 flag, addr;
	const char		*q, *rj;

	ev->mta = MAILLOG_MTA_EXIM;
	if (c->p < c->e && *c->p == '[') {	/* log_selector +pid */
		q = memchr(c->p, ']', (size_t)(c->e - c->p));
		if (q == NULL) {
			*why = "exim: unterminated [pid]";
			return MAILLOG_BAD;
		}
		c->p = q + 1;
		skip_spaces(c);
	}
	(void)exim_msgid(c, &ev->qid);
	flag = mkstr(c->p, c->p + (c->e - c->p >= 2 ? 2 : c->e - c->p));
	if (ev->qid.p != NULL && (c->e - c->p == 2 || (c->e - c->p > 2 &&
	    c->p[2] == ' ')) && (maillog_str_eq(flag, "<=") ||
	    maillog_str_eq(flag, "=>") || maillog_str_eq(flag, "->") ||
	    maillog_str_eq(flag, "**") || maillog_str_eq(flag, "==") ||
	    maillog_str_eq(flag, "*>") || maillog_str_eq(flag, ">>"))) {
		c->p += 2;
		(void)take(c, " ");
	} else {
		if ((rj = find(c->p, c->e, " rejected ")) != NULL &&
		    (sw(c->p, c->e, "H=") || find(c->p, rj, " H=") != NULL)) {
			if (rj - 12 >= c->p && sw(rj - 12, c->e, " temporarily"))
				rj -= 12;
			return exim_reject(c->p, c->e, rj, ev);
		}
		return MAILLOG_OK;	/* Completed, queue runs, SMTP ... */
	}
	if (maillog_str_eq(flag, "<=")) {
		ev->kind = MAILLOG_KIND_SENDER;
		ev->dir = MAILLOG_DIR_IN;
		addr = word(c);
		if (maillog_str_eq(addr, "<>"))
			addr.len = 0, addr.p++;
		ev->sender = addr;
		exim_host(c->p, c->e, ev);
		return MAILLOG_OK;
	}
	if (maillog_str_eq(flag, "=>") || maillog_str_eq(flag, "->"))
		ev->status = MAILLOG_ST_SENT;
	else if (maillog_str_eq(flag, "**"))
		ev->status = MAILLOG_ST_BOUNCED;
	else if (maillog_str_eq(flag, "=="))
		ev->status = MAILLOG_ST_DEFERRED;
	else
		return MAILLOG_OK;	/* *> (suppressed), >> (cutthrough) */
	ev->kind = MAILLOG_KIND_DELIVERY;
	ev->dir = MAILLOG_DIR_OUT;
	addr = word(c);
	if (addr.len == 0) {
		*why = "exim: delivery line without an address";
		return MAILLOG_BAD;
	}
	if (addr.p[addr.len - 1] == ':')	/* "** x@y: Unrouteable" */
		addr.len--;
	ev->rcpt = addr;
	skip_spaces(c);
	if (c->p < c->e && *c->p == '(') {	/* "(parent)" variant */
		q = memchr(c->p, ')', (size_t)(c->e - c->p));
		if (q == NULL) {
			*why = "exim: unterminated (parent)";
			return MAILLOG_BAD;
		}
		c->p = q + 1;
		skip_spaces(c);
	}
	if (c->p < c->e && *c->p == '<') {
		(void)angle_addr(c, &ev->orig_rcpt);
		skip_spaces(c);
	}
	if (ev->status == MAILLOG_ST_SENT) {
		exim_host(c->p - 1, c->e, ev);
		if ((q = find(c->p, c->e, " C=\"")) != NULL) {
			const char *end = memchr(q + 4, '"',
			    (size_t)(c->e - q - 4));

			(void)reply_at(q + 4, end ? end : c->e, ev);
		}
		return MAILLOG_OK;
	}
	/* the fields end at the first ": " (an H= address has ":port") */
	q = find(c->p - 1, c->e, ": ");
	if (addr.p + addr.len < c->e && addr.p[addr.len] == ':')
		q = addr.p + addr.len;
	if (q != NULL && q >= c->p - 1)
		exim_host(c->p - 1, q, ev);
	if (q != NULL)
		exim_detail(q + 2 <= c->e ? q + 2 : c->e, c->e, ev);
	else
		ev->failure = MAILLOG_FAIL_OTHER;
	return MAILLOG_OK;
}

/* --- the line -------------------------------------------------------- */

struct program {
	const char		*name;
	enum maillog_mta	 mta;
};

static const struct program programs[] = {
	{ "opendkim",		MAILLOG_MTA_MILTER },
	{ "opendmarc",		MAILLOG_MTA_MILTER },
	{ "policyd-spf",	MAILLOG_MTA_MILTER },
	{ "postfix-policyd-spf-perl", MAILLOG_MTA_MILTER },
	{ "rspamd",		MAILLOG_MTA_MILTER },
	{ "exim",		MAILLOG_MTA_EXIM },
	{ "exim4",		MAILLOG_MTA_EXIM },
	{ NULL,			MAILLOG_MTA_NONE },
};

enum maillog_parse
maillog_parse_line(const char *line, size_t len, struct maillog_event *ev,
    const char **why)
{
	struct cur		 c;
	const struct program	*pg;
	const char		*ident, *q = NULL;
	const char		*dummy;

	memset(ev, 0, sizeof(*ev));
	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (len > MAILLOG_LINE_MAX) {
		*why = "line too long";
		return MAILLOG_TOO_LONG;
	}
	c.p = line;
	c.e = line + len;
	if (c.e > c.p && c.e[-1] == '\r')
		c.e--;

	/* Exim's own mainlog: "2026-12-06 09:58:16 ..." */
	if (c.e - c.p > 19 && c.p[10] == ' ' && c.p[4] == '-') {
		if (!stamp_iso(&c, &ev->ts, ' ')) {
			*why = "bad timestamp";
			return MAILLOG_BAD;
		}
		if (take(&c, " ") && c.p < c.e &&
		    (*c.p == '+' || *c.p == '-') && !tz_offset(&c, &ev->ts)) {
			*why = "bad time zone";
			return MAILLOG_BAD;
		}
		skip_spaces(&c);
		/* rspamd's own log file: "... #45015(normal) <tag>; task; ..." */
		if (c.p < c.e && *c.p == '#' &&
		    (q = find(c.p, c.e, " ")) != NULL && q[-1] == ')') {
			ev->mta = MAILLOG_MTA_MILTER;
			ev->program = mkstr(c.p, c.p);
			rspamd_line(&c, ev);
			return MAILLOG_OK;
		}
		return exim_body(&c, ev, why);
	}

	if (c.p < c.e && is_digit(*c.p)) {
		if (!stamp_iso(&c, &ev->ts, 'T') ||
		    (c.p < c.e && *c.p != ' ' && !tz_offset(&c, &ev->ts))) {
			*why = "bad timestamp";
			return MAILLOG_BAD;
		}
	} else if (!stamp_classic(&c, &ev->ts)) {
		*why = "no timestamp";
		return MAILLOG_BAD;
	}
	if (!take(&c, " ")) {
		*why = "no host after the timestamp";
		return MAILLOG_BAD;
	}
	ev->node = word(&c);
	if (!take(&c, " ") || ev->node.len == 0) {
		*why = "no program after the host";
		return MAILLOG_BAD;
	}
	ident = c.p;
	while (c.p < c.e && *c.p != '[' && *c.p != ':' && *c.p != ' ')
		c.p++;
	if (c.p == ident) {
		*why = "empty program name";
		return MAILLOG_BAD;
	}
	q = c.p;
	if (take(&c, "[")) {
		while (c.p < c.e && is_digit(*c.p))
			c.p++;
		if (!take(&c, "]")) {
			*why = "bad [pid]";
			return MAILLOG_BAD;
		}
	}
	if (!take(&c, ":")) {
		*why = "no ':' after the program";
		return MAILLOG_BAD;
	}
	(void)take(&c, " ");

	if (sw(ident, q, "postfix")) {
		const char	*slash = ident;

		ev->mta = MAILLOG_MTA_POSTFIX;
		for (dummy = ident; dummy < q; dummy++)
			if (*dummy == '/')
				slash = dummy + 1;
		ev->program = mkstr(slash, q);
		return pf_body(&c, ev, why);
	}
	ev->program = mkstr(ident, q);
	for (pg = programs; pg->name != NULL; pg++)
		if (maillog_str_eq(ev->program, pg->name))
			break;
	ev->mta = pg->mta;
	switch (pg->mta) {
	case MAILLOG_MTA_EXIM:
		/* syslog_timestamp (the default) repeats Exim's own stamp */
		if (c.e - c.p > 19 && c.p[4] == '-' && c.p[10] == ' ') {
			struct maillog_stamp st;

			memset(&st, 0, sizeof(st));
			if (stamp_iso(&c, &st, ' '))
				skip_spaces(&c);
		}
		return exim_body(&c, ev, why);
	case MAILLOG_MTA_MILTER:
		if (pg->name[0] == 'o' && pg->name[4] == 'd' &&
		    pg->name[5] == 'k')
			opendkim_line(&c, ev);
		else if (pg->name[0] == 'o')
			opendmarc_line(&c, ev);
		else if (pg->name[0] == 'r')
			rspamd_line(&c, ev);
		else
			spf_line(&c, ev);
		return MAILLOG_OK;
	default:
		return MAILLOG_FOREIGN;
	}
}

/* --- helpers --------------------------------------------------------- */

time_t
maillog_time(const struct maillog_stamp *ts, time_t ref)
{
	struct tm	 tm, rtm;
	time_t		 t, best = (time_t)-1;
	int		 y, y0;

	if (ts->mon < 1 || ts->mon > 12 || ts->mday < 1 || ts->mday > 31)
		return (time_t)-1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_mon = ts->mon - 1;
	tm.tm_mday = ts->mday;
	tm.tm_hour = ts->hour;
	tm.tm_min = ts->min;
	tm.tm_sec = ts->sec;
	tm.tm_isdst = -1;
	if (ts->year != 0) {
		tm.tm_year = ts->year - 1900;
		if (ts->has_tz) {
			t = timegm(&tm);
			return t == (time_t)-1 ? t : t - ts->tz_min * 60;
		}
		return mktime(&tm);
	}
	/* no year: this year's date, or last year's if that is in the
	   future by more than a day (a log read after New Year) */
	if (localtime_r(&ref, &rtm) == NULL)
		return (time_t)-1;
	y0 = rtm.tm_year;
	for (y = y0; y >= y0 - 1; y--) {
		struct tm	 x = tm;

		x.tm_year = y;
		t = mktime(&x);
		if (t == (time_t)-1)
			continue;
		best = t;
		if (t <= ref + 86400)
			break;
	}
	return best;
}

struct maillog_str
maillog_domain(struct maillog_str addr)
{
	const char	*at;

	if (addr.p == NULL || addr.len == 0 ||
	    (at = memrchr(addr.p, '@', addr.len)) == NULL)
		return mkstr(NULL, NULL);
	return mkstr(at + 1, addr.p + addr.len);
}

int
maillog_str_eq(struct maillog_str s, const char *w)
{
	size_t	 i;

	if (s.p == NULL || strlen(w) != s.len)
		return 0;
	for (i = 0; i < s.len; i++)
		if (lower(s.p[i]) != lower(w[i]))
			return 0;
	return 1;
}

static const char *const status_names[] = {
	"none", "sent", "deferred", "bounced", "expired", "rejected", "other",
};

static const char *const phase_names[] = {
	"none", "connect", "banner", "helo", "starttls", "tls", "mail",
	"rcpt", "data", "end-of-data", "other",
};

static const char *const failure_names[] = {
	"none", "connect-refused", "connect-timeout", "no-route",
	"lost-connection", "timeout", "host-not-found", "tls-required",
	"tls-certificate", "tls-handshake", "other", "no-attempt",
};

static const char *const kind_names[] = {
	"other", "delivery", "sender", "expired", "reject", "verdict",
};

static const char *const mta_names[] = {
	"none", "postfix", "exim", "milter",
};

static const char *const auth_names[] = {
	"none", "spf", "dkim", "dmarc", "spam",
};

static const char *const result_names[] = {
	"none", "pass", "fail", "softfail", "neutral", "temperror",
	"permerror",
};

#define NAME(t, v) ((size_t)(v) < sizeof(t) / sizeof((t)[0]) ? (t)[v] : "?")

const char *
maillog_status_name(enum maillog_status v)
{
	return NAME(status_names, v);
}

const char *
maillog_phase_name(enum maillog_phase v)
{
	return NAME(phase_names, v);
}

const char *
maillog_failure_name(enum maillog_failure v)
{
	return NAME(failure_names, v);
}

const char *
maillog_kind_name(enum maillog_kind v)
{
	return NAME(kind_names, v);
}

const char *
maillog_mta_name(enum maillog_mta v)
{
	return NAME(mta_names, v);
}

const char *
maillog_auth_name(enum maillog_auth v)
{
	return NAME(auth_names, v);
}

const char *
maillog_result_name(enum maillog_result v)
{
	return NAME(result_names, v);
}
