/*
 * dsn.c - reading bounces: RFC 3464 delivery-status reports (in RFC 6522
 * multipart/report messages, RFC 6533's global form too) and the plain
 * text that MTAs write for people.
 *
 * A report's per-recipient fields (Final-Recipient, Action, Status,
 * Remote-MTA, Diagnostic-Code) say the most; the human-readable part
 * adds the command the reply answered ("in reply to RCPT TO command"),
 * which the report leaves out. A bounce without a report is read for the
 * replies it quotes ("said: 550 ...", "<<< 550 ...", "Remote Server
 * returned '550 ...'", Exim's "SMTP error from remote mail server after
 * RCPT TO:<...>:") and the recipient and server each one belongs to.
 *
 * Everything is bounded: depth of nested multiparts, recipients, copied
 * text; decoded parts are as large as their encoded form at most.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "dsn.h"
#include "util.h"

/* A slice of the input. */
struct span {
	const char	*p;
	size_t		 n;
};

static int	parse_entity(struct span, struct dsn_report *, int depth,
		    struct span *text_out, int *have_status);

static void
cpy(char *dst, size_t sz, const char *s, size_t n)
{
	if (sz == 0)
		return;
	if (n > sz - 1)
		n = sz - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static struct span
trim(struct span s)
{
	while (s.n > 0 && (*s.p == ' ' || *s.p == '\t' || *s.p == '\r' ||
	    *s.p == '\n')) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' ||
	    s.p[s.n - 1] == '\r' || s.p[s.n - 1] == '\n'))
		s.n--;
	return s;
}

static int
starts_ci(struct span s, const char *w)
{
	size_t	 n = strlen(w);

	return s.n >= n && strncasecmp(s.p, w, n) == 0;
}

static const char *
memmem_ci(const char *h, size_t hn, const char *needle)
{
	size_t	 n = strlen(needle), i;

	if (n == 0 || hn < n)
		return NULL;
	for (i = 0; i + n <= hn; i++)
		if (strncasecmp(h + i, needle, n) == 0)
			return h + i;
	return NULL;
}

/* The next line of s from *off (without its CR LF), or -1 at the end. */
/* strcspn() within [p, end): the text may not end in a NUL. */
static size_t
cspn(const char *p, const char *end, const char *reject)
{
	const char	*q;

	for (q = p; q < end && *q != '\0' && strchr(reject, *q) == NULL; q++)
		;
	return (size_t)(q - p);
}

/* Whether [p, end) starts with w, without regard to case. */
static int
at_ci(const char *p, const char *end, const char *w)
{
	size_t	 n = strlen(w);

	return p <= end && (size_t)(end - p) >= n && strncasecmp(p, w, n) == 0;
}

static int
next_line(struct span s, size_t *off, struct span *line)
{
	const char	*nl;

	if (*off >= s.n)
		return -1;
	line->p = s.p + *off;
	nl = memchr(line->p, '\n', s.n - *off);
	line->n = nl ? (size_t)(nl - line->p) : s.n - *off;
	*off += line->n + (nl ? 1 : 0);
	if (line->n > 0 && line->p[line->n - 1] == '\r')
		line->n--;
	return 0;
}

/* ---- header blocks ---- */

/*
 * Iterate the fields of a header block: name and value (unfolded into
 * buf, continuation lines joined by one space). Returns 0 per field,
 * -1 at the empty line or the end; *off is left after the block.
 */
static int
next_field(struct span blk, size_t *off, struct span *name, char *buf,
    size_t sz, size_t *vlen)
{
	struct span	 line, v;
	size_t		 save, n;
	const char	*colon;

	for (;;) {
		if (next_line(blk, off, &line) == -1 || line.n == 0)
			return -1;
		if (line.p[0] == ' ' || line.p[0] == '\t')
			continue;	/* stray continuation */
		if ((colon = memchr(line.p, ':', line.n)) != NULL)
			break;
	}
	name->p = line.p;
	name->n = (size_t)(colon - line.p);
	*name = trim(*name);
	v.p = colon + 1;
	v.n = line.n - (size_t)(v.p - line.p);
	v = trim(v);
	n = v.n < sz - 1 ? v.n : sz - 1;
	memcpy(buf, v.p, n);
	for (;;) {
		save = *off;
		if (next_line(blk, off, &line) == -1)
			break;
		if (line.n == 0 || (line.p[0] != ' ' && line.p[0] != '\t')) {
			*off = save;
			break;
		}
		line = trim(line);
		if (n + 1 + line.n < sz) {
			buf[n++] = ' ';
			memcpy(buf + n, line.p, line.n);
			n += line.n;
		}
	}
	buf[n] = '\0';
	*vlen = n;
	return 0;
}

/* A header block followed by its body: where the body starts. */
static size_t
body_offset(struct span s)
{
	struct span	 line;
	size_t		 off = 0;

	while (next_line(s, &off, &line) == 0)
		if (line.n == 0)
			return off;
	return s.n;
}

int
dsn_is_message(const char *buf, size_t len)
{
	struct span	 s = { buf, len }, line;
	size_t		 off = 0;
	int		 fields = 0;

	while (next_line(s, &off, &line) == 0) {
		size_t	 i;

		if (line.n == 0)
			break;
		if (line.p[0] == ' ' || line.p[0] == '\t') {
			if (fields == 0)
				return 0;
			continue;
		}
		for (i = 0; i < line.n && line.p[i] != ':'; i++)
			if (line.p[i] <= ' ' || line.p[i] > '~')
				return 0;
		if (i == 0 || i == line.n)
			return 0;
		fields++;
	}
	return fields >= 1;
}

/* ---- MIME ---- */

struct mime {
	char	 type[64];		/* "multipart/report", lower case */
	char	 boundary[128];
	char	 cte[32];		/* content-transfer-encoding */
};

/* A parameter of a Content-Type value: boundary="...". */
static void
param(const char *v, const char *name, char *out, size_t sz)
{
	const char	*p = v;
	size_t		 n = strlen(name), k = 0;

	out[0] = '\0';
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, name, n) != 0 || p[n] != '=')
			continue;
		p += n + 1;
		if (*p == '"') {
			p++;
			while (*p != '\0' && *p != '"' && k + 1 < sz)
				out[k++] = *p++;
		} else
			while (*p != '\0' && *p != ';' && *p != ' ' &&
			    *p != '\t' && k + 1 < sz)
				out[k++] = *p++;
		out[k] = '\0';
		return;
	}
}

static void
mime_read(struct span hdr, struct mime *m, struct dsn_report *r)
{
	struct span	 name;
	char		 v[1024];
	size_t		 off = 0, vl, i;

	memset(m, 0, sizeof(*m));
	util_strlcpy(m->type, "text/plain", sizeof(m->type));
	while (next_field(hdr, &off, &name, v, sizeof(v), &vl) == 0) {
		if (name.n == 12 && strncasecmp(name.p, "Content-Type", 12) == 0) {
			for (i = 0; v[i] == ' ' || v[i] == '\t'; i++)
				;
			cpy(m->type, sizeof(m->type), v + i, strcspn(v + i, "; \t"));
			for (i = 0; m->type[i] != '\0'; i++)
				m->type[i] = (char)tolower((unsigned char)m->type[i]);
			param(v, "boundary", m->boundary, sizeof(m->boundary));
		} else if (name.n == 25 && strncasecmp(name.p,
		    "Content-Transfer-Encoding", 25) == 0) {
			struct span t = trim((struct span){ v, vl });

			cpy(m->cte, sizeof(m->cte), t.p, t.n);
		} else if (r != NULL && name.n == 16 &&
		    strncasecmp(name.p, "X-Postfix-Sender", 16) == 0 &&
		    r->env_from[0] == '\0') {
			const char *s = strchr(v, ';');
			struct span t = trim((struct span){ s ? s + 1 : v,
			    strlen(s ? s + 1 : v) });

			cpy(r->env_from, sizeof(r->env_from), t.p, t.n);
		}
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The decoded body (malloc'd, no larger than the encoded), or NULL. */
static char *
decode(struct span b, const char *cte, size_t *outlen)
{
	char		*o;
	size_t		 i, n = 0;
	unsigned	 acc = 0;
	int		 bits = 0, v, h, l;

	if ((o = malloc(b.n + 1)) == NULL)
		return NULL;
	if (strcasecmp(cte, "base64") == 0) {
		for (i = 0; i < b.n; i++) {
			if ((v = util_b64_value((unsigned char)b.p[i])) < 0)
				continue;
			acc = (acc << 6) | (unsigned)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				o[n++] = (char)((acc >> bits) & 0xff);
			}
		}
	} else if (strcasecmp(cte, "quoted-printable") == 0) {
		for (i = 0; i < b.n; i++) {
			if (b.p[i] != '=') {
				o[n++] = b.p[i];
				continue;
			}
			if (i + 1 < b.n && b.p[i + 1] == '\n') {
				i++;		/* soft line break */
				continue;
			}
			if (i + 2 < b.n && b.p[i + 1] == '\r' &&
			    b.p[i + 2] == '\n') {
				i += 2;
				continue;
			}
			if (i + 2 < b.n && (h = hexval((unsigned char)b.p[i + 1]))
			    >= 0 && (l = hexval((unsigned char)b.p[i + 2])) >= 0) {
				o[n++] = (char)(h * 16 + l);
				i += 2;
				continue;
			}
			o[n++] = '=';
		}
	} else {
		memcpy(o, b.p, b.n);
		n = b.n;
	}
	o[n] = '\0';
	*outlen = n;
	return o;
}

/* ---- the returned message's headers ---- */

static void
domain_of(const char *addr, char *out, size_t sz)
{
	const char	*at = strrchr(addr, '@');
	size_t		 n;

	out[0] = '\0';
	if (at == NULL)
		return;
	at++;
	n = strcspn(at, "> \t;\"");
	cpy(out, sz, at, n);
}

/* A tag of a DKIM-Signature value: d=..., s=... */
static void
dkim_tag(const char *v, char tag, char *out, size_t sz)
{
	const char	*p = v;

	out[0] = '\0';
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (*p == '\0')
			return;
		if (p[0] == tag && (p[1] == '=' || p[1] == ' ')) {
			p = strchr(p, '=');
			if (p == NULL)
				return;
			p++;
			while (*p == ' ')
				p++;
			cpy(out, sz, p, strcspn(p, "; \t"));
			return;
		}
		p = strchr(p, ';');
		if (p == NULL)
			return;
	}
}

static void
orig_headers(struct span hdr, struct dsn_report *r)
{
	struct span	 name;
	char		 v[2048];
	size_t		 off = 0, vl;

	while (next_field(hdr, &off, &name, v, sizeof(v), &vl) == 0) {
		if (name.n == 4 && strncasecmp(name.p, "From", 4) == 0 &&
		    r->from_domain[0] == '\0')
			domain_of(v, r->from_domain, sizeof(r->from_domain));
		else if (name.n == 11 && strncasecmp(name.p, "Return-Path",
		    11) == 0 && r->env_from[0] == '\0') {
			char	*a = strchr(v, '<');

			if (a != NULL)
				cpy(r->env_from, sizeof(r->env_from), a + 1,
				    strcspn(a + 1, ">"));
		} else if (name.n == 14 && strncasecmp(name.p,
		    "DKIM-Signature", 14) == 0 && r->dkim_domain[0] == '\0') {
			dkim_tag(v, 'd', r->dkim_domain, sizeof(r->dkim_domain));
			dkim_tag(v, 's', r->dkim_selector,
			    sizeof(r->dkim_selector));
		}
	}
}

/* ---- the delivery-status part ---- */

/* "type; value" -> value; the type into type when asked. */
static struct span
typed(const char *v, char *type, size_t tsz)
{
	const char	*semi = strchr(v, ';');
	struct span	 t;

	if (semi == NULL) {
		if (type != NULL)
			type[0] = '\0';
		return trim((struct span){ v, strlen(v) });
	}
	if (type != NULL) {
		t = trim((struct span){ v, (size_t)(semi - v) });
		cpy(type, tsz, t.p, t.n);
	}
	return trim((struct span){ semi + 1, strlen(semi + 1) });
}

static struct dsn_rcpt *
rcpt_new(struct dsn_report *r)
{
	struct dsn_rcpt	*d;

	if (r->nrcpts >= DSN_RCPTS_MAX) {
		r->truncated = 1;
		return NULL;
	}
	d = &r->rcpts[r->nrcpts++];
	memset(d, 0, sizeof(*d));
	return d;
}

/* Set the diagnostic: a reply as text, its basic code read. */
static void
set_diag(struct dsn_rcpt *d, const char *s, size_t n)
{
	struct span	 t = trim((struct span){ s, n });

	cpy(d->diag, sizeof(d->diag), t.p, t.n);
	d->diaglen = strlen(d->diag);
	if (t.n >= 3 && (t.p[0] == '4' || t.p[0] == '5') &&
	    isdigit((unsigned char)t.p[1]) && isdigit((unsigned char)t.p[2]) &&
	    (t.n == 3 || t.p[3] == ' ' || t.p[3] == '-'))
		d->code = (t.p[0] - '0') * 100 + (t.p[1] - '0') * 10 +
		    (t.p[2] - '0');
}

static int
field_is(struct span name, const char *w)
{
	return name.n == strlen(w) && strncasecmp(name.p, w, name.n) == 0;
}

/*
 * The fields of a delivery-status part: the per-message block, then one
 * block per recipient, separated by empty lines. A block is taken for a
 * recipient when it has a recipient's fields.
 */
static void
status_part(struct span body, struct dsn_report *r)
{
	struct span	 name, val;
	struct dsn_rcpt	*d;
	char		 v[DSN_TEXT_MAX];
	size_t		 off = 0, vl;

	while (off < body.n) {
		d = NULL;
		while (next_field(body, &off, &name, v, sizeof(v), &vl) == 0) {
			val = typed(v, NULL, 0);
			if (field_is(name, "Reporting-MTA"))
				cpy(r->reporting_mta, sizeof(r->reporting_mta),
				    val.p, val.n);
			else if (field_is(name, "X-Postfix-Sender") &&
			    r->env_from[0] == '\0')
				cpy(r->env_from, sizeof(r->env_from), val.p,
				    val.n);
			if (!field_is(name, "Final-Recipient") &&
			    !field_is(name, "Original-Recipient") &&
			    !field_is(name, "Action") &&
			    !field_is(name, "Status") &&
			    !field_is(name, "Remote-MTA") &&
			    !field_is(name, "Diagnostic-Code"))
				continue;
			if (d == NULL && (d = rcpt_new(r)) == NULL)
				return;
			if (field_is(name, "Final-Recipient"))
				cpy(d->rcpt, sizeof(d->rcpt), val.p, val.n);
			else if (field_is(name, "Original-Recipient") &&
			    d->rcpt[0] == '\0')
				cpy(d->rcpt, sizeof(d->rcpt), val.p, val.n);
			else if (field_is(name, "Action")) {
				val = trim((struct span){ v, vl });
				cpy(d->action, sizeof(d->action), val.p,
				    strcspn(val.p, " \t("));
			} else if (field_is(name, "Status")) {
				val = trim((struct span){ v, vl });
				cpy(d->status, sizeof(d->status), val.p,
				    strcspn(val.p, " \t("));
			} else if (field_is(name, "Remote-MTA"))
				cpy(d->remote_mta, sizeof(d->remote_mta), val.p,
				    val.n);
			else if (field_is(name, "Diagnostic-Code")) {
				val = typed(v, d->diag_type,
				    sizeof(d->diag_type));
				set_diag(d, val.p, val.n);
			}
		}
	}
}

/* ---- plain text ---- */

/* An address at s: local@domain, returned without brackets. */
static size_t
addr_at(const char *s, size_t n, char *out, size_t sz)
{
	size_t	 i = 0, at = 0, start;

	while (i < n && (s[i] == '<' || s[i] == ' ' || s[i] == '\t'))
		i++;
	start = i;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '@' && at == 0)
			at = i;
		else if (c <= ' ' || c == '>' || c == '<' || c == '(' ||
		    c == ')' || c == ',' || c == ';' || c == '"' || c == '\'' ||
		    c >= 0x7f || (c == ':' ))
			break;
	}
	while (i > start && s[i - 1] == '.')
		i--;
	if (at == 0 || at == start || at + 1 >= i)
		return 0;
	cpy(out, sz, s + start, i - start);
	return i - start;
}

/* The last address in the text before at (within the window). */
static int
addr_before(struct span text, const char *at, char *out, size_t sz)
{
	const char	*p;

	for (p = at; p > text.p; p--) {
		const char *q = p - 1;

		if (*q != '@')
			continue;
		/* back to the start of the local part */
		while (q > text.p && q[-1] > ' ' && q[-1] != '<' &&
		    q[-1] != '(' && q[-1] != '\'' && q[-1] != '"' && q[-1] != ':')
			q--;
		if (addr_at(q, (size_t)(text.p + text.n - q), out, sz) > 0)
			return 0;
	}
	return -1;
}

/* "host mx.example.com[192.0.2.1]" or "host mx [192.0.2.1]" before at. */
static void
host_before(struct span text, const char *at, struct dsn_rcpt *d)
{
	const char	*p, *best = NULL, *from = text.p;
	size_t		 win = (size_t)(at - text.p);

	/* within the paragraph of the reply: not another recipient's */
	for (p = at; p > text.p + 1; p--)
		if (p[-1] == '\n' && (p[-2] == '\n' || (p[-2] == '\r' &&
		    p - 2 > text.p && p[-3] == '\n'))) {
			from = p;
			break;
		}
	for (p = from; p + 5 <= at; p++)
		if (strncasecmp(p, "host ", 5) == 0 &&
		    (p == text.p || p[-1] == ' ' || p[-1] == '\n' ||
		    p[-1] == '\t') && !at_ci(p + 5, at, "said"))
			best = p;	/* not qmail's "Remote host said:" */
	if (best == NULL) {
		const char *w = memmem_ci(text.p, win, "while talking to ");

		if (w != NULL) {
			w += 17;
			cpy(d->remote_mta, sizeof(d->remote_mta), w,
			    cspn(w, text.p + text.n, ":\n "));
			if (d->remote_mta[0] != '\0' &&
			    d->remote_mta[strlen(d->remote_mta) - 1] == '.')
				d->remote_mta[strlen(d->remote_mta) - 1] = '\0';
		}
		return;
	}
	best += 5;
	{
		const char *end = text.p + text.n;
		size_t	 n = cspn(best, end, "[ \n\t");
		const char *lb;

		cpy(d->remote_mta, sizeof(d->remote_mta), best, n);
		lb = best + n;
		while (lb < end && *lb == ' ')
			lb++;
		if (lb < end && *lb == '[')
			cpy(d->remote_addr, sizeof(d->remote_addr), lb + 1,
			    cspn(lb + 1, end, "]\n"));
	}
}

/* A reply code at p: [45]dd then space, '-' or the end of the line. */
static int
code_at(const char *p, const char *end)
{
	if (end - p < 3 || (p[0] != '4' && p[0] != '5') ||
	    !isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]))
		return 0;
	if (end - p > 3 && p[3] != ' ' && p[3] != '-' && p[3] != '\n' &&
	    p[3] != '\r' && p[3] != '\'')
		return 0;
	return 1;
}

/* Where the reply a bounce quotes on this line starts, or NULL. */
static const char *
reply_start(struct span line)
{
	static const char *const lead[] = {
		"said: ", "said:", "<<< ", "Remote host said: ",
		"returned '", "returned \"", "(reason: ", "was:", "error: ",
		"Reported error: ", "said:\t",
	};
	const char	*end = line.p + line.n, *p;
	size_t		 i;
	struct span	 t = trim(line);

	/* the reply alone on its line, the way most bounces quote it */
	if (t.n > 0 && code_at(t.p, end) && (t.n == 3 || t.p[3] == ' ' ||
	    t.p[3] == '-'))
		return t.p;
	for (i = 0; i < sizeof(lead) / sizeof(lead[0]); i++) {
		p = memmem_ci(line.p, line.n, lead[i]);
		if (p == NULL)
			continue;
		p += strlen(lead[i]);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (code_at(p, end))
			return p;
	}
	return NULL;
}

/* Take "(in reply to RCPT TO command)" off the end of a reply. */
static void
in_reply_to(struct dsn_rcpt *d)
{
	char	*p = strstr(d->diag, "(in reply to ");
	char	*q;

	if (p == NULL)
		return;
	q = strstr(p, " command)");
	if (q == NULL)
		return;
	cpy(d->command, sizeof(d->command), p + 13, (size_t)(q - p - 13));
	while (p > d->diag && (p[-1] == ' ' || p[-1] == '\n'))
		p--;
	*p = '\0';
	d->diaglen = strlen(d->diag);
}

/* Exim: "SMTP error from remote mail server after RCPT TO:<x>:" */
static void
exim_after(struct span text, const char *at, struct dsn_rcpt *d)
{
	const char	*p = NULL, *q, *end = text.p + text.n;
	size_t		 win = (size_t)(at - text.p);

	for (q = text.p; (q = memmem_ci(q, win - (size_t)(q - text.p),
	    "error from remote mail server after ")) != NULL; q++)
		p = q;
	if (p == NULL || d->command[0] != '\0')
		return;
	p += 36;
	if (at_ci(p, end, "RCPT TO"))
		util_strlcpy(d->command, "RCPT TO", sizeof(d->command));
	else if (at_ci(p, end, "MAIL FROM"))
		util_strlcpy(d->command, "MAIL FROM", sizeof(d->command));
	else if (at_ci(p, end, "end of data"))
		util_strlcpy(d->command, "end of data", sizeof(d->command));
	else
		cpy(d->command, sizeof(d->command), p, cspn(p, end, ":\n<"));
}

/* Sendmail: ">>> RCPT To:<x>" right before "<<< 550 ...". */
static void
sendmail_cmd(struct span text, const char *at, struct dsn_rcpt *d)
{
	const char	*p = NULL, *q;
	char		*c;
	size_t		 win = (size_t)(at - text.p);

	for (q = text.p; (q = memmem_ci(q, win - (size_t)(q - text.p),
	    ">>> ")) != NULL; q++)
		p = q;
	if (p == NULL || d->command[0] != '\0' || at - p > 400)
		return;
	p += 4;
	cpy(d->command, sizeof(d->command), p, cspn(p, text.p + text.n, ":\n"));
	if (strncasecmp(d->command, "RCPT TO", 7) == 0 ||
	    strncasecmp(d->command, "MAIL FROM", 9) == 0)
		d->command[strcspn(d->command, ":")] = '\0';
	for (c = d->command; *c != '\0'; c++)
		*c = (char)toupper((unsigned char)*c);
}

/*
 * The reply quoted from start: its line, then the lines that go on with
 * it (indented continuations, the same code on the next line), until an
 * empty line or the next part of the bounce.
 */
static void
reply_span(struct span text, const char *start, struct dsn_rcpt *d)
{
	char		 buf[DSN_TEXT_MAX];
	const char	*p = start, *end = text.p + text.n, *eol;
	size_t		 n = 0;
	int		 first = 1;
	char		 code[3];

	memcpy(code, start, 3);
	while (p < end) {
		struct span	 l;

		eol = memchr(p, '\n', (size_t)(end - p));
		l.p = p;
		l.n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		l = trim(l);
		if (!first) {
			if (l.n == 0 || starts_ci(l, "Giving up") ||
			    starts_ci(l, "-----") || starts_ci(l, "Reporting-MTA") ||
			    starts_ci(l, "Final-Recipient") ||
			    (l.n > 0 && l.p[0] == '<' && l.p[l.n - 1] == ':') ||
			    starts_ci(l, "host ") || starts_ci(l, "<<< ") ||
			    starts_ci(l, ">>> "))
				break;
			/* a continuation of Postfix's or Exim's wrapping, or
			 * the same reply's next line */
			if (!(p < end && (*p == ' ' || *p == '\t')) &&
			    !(l.n >= 3 && memcmp(l.p, code, 3) == 0))
				break;
		}
		/* a wrapped line goes on with a space, a reply line with
		 * its own line */
		if (n > 0 && n < sizeof(buf) - 1)
			buf[n++] = (p < end && (*p == ' ' || *p == '\t')) ?
			    ' ' : '\n';
		if (n + l.n >= sizeof(buf))
			l.n = sizeof(buf) - 1 - n;
		memcpy(buf + n, l.p, l.n);
		n += l.n;
		first = 0;
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	/* Microsoft quotes the reply: Remote Server returned '550 ...' */
	while (n > 0 && (buf[n - 1] == '\'' || buf[n - 1] == '"'))
		n--;
	set_diag(d, buf, n);
	in_reply_to(d);
}

static struct dsn_rcpt *
rcpt_find(struct dsn_report *r, const char *rcpt)
{
	int	 i;

	for (i = 0; i < r->nrcpts; i++)
		if (strcasecmp(r->rcpts[i].rcpt, rcpt) == 0)
			return &r->rcpts[i];
	return NULL;
}

/*
 * A failure Postfix or a provider states without a reply: "connect to
 * ...: Connection timed out", "Host or domain name not found",
 * NetEase's "退信原因" (bounce reason) block.
 */
static const char *const failure_words[] = {
	"Connection timed out", "Connection refused", "No route to host",
	"Network is unreachable", "Host or domain name not found",
	"lost connection with", "conversation with", "TLS is required",
	"certificate verification failed", "Name service error",
	"Bounce reason", "退信原因", "delivery temporarily suspended",
	"retry timeout exceeded", "all hosts for", "Unrouteable address",
};

/*
 * qmail-send's bounce: per recipient, a line "<address>:" and a
 * paragraph that ends in the status as qmail writes it, "(#5.1.1)"
 * (qmail-local's "Sorry, no mailbox here by that name. (#5.1.1)").
 * A paragraph that quotes a server's reply was taken above.
 */
static int
qmail_status(const char *p, const char *end, char *out, size_t sz)
{
	const char	*q = p + 2;
	int		 dots = 0;

	if (end - p < 8 || p[0] != '(' || p[1] != '#' ||
	    (q[0] != '4' && q[0] != '5') || q[1] != '.')
		return 0;
	for (q = p + 2; q < end && (isdigit((unsigned char)*q) ||
	    *q == '.'); q++)
		dots += *q == '.';
	if (dots != 2 || q >= end || (*q != ')' && *q != ' ') ||
	    q[-1] == '.' || (size_t)(q - p - 2) >= sz)
		return 0;
	cpy(out, sz, p + 2, (size_t)(q - p - 2));
	return 1;
}

static int
qmail_paragraphs(struct span text, struct dsn_report *r)
{
	struct span	 line;
	struct dsn_rcpt	*d;
	char		 rcpt[256], st[16];
	const char	*para = NULL, *start, *p, *end;
	size_t		 off = 0;
	int		 n = 0;

	while (next_line(text, &off, &line) == 0) {
		struct span	 t = trim(line);

		if (t.n > 2 && t.p[0] == '<' && t.p[t.n - 1] == ':' &&
		    t.p[t.n - 2] == '>') {
			para = text.p + off;
			continue;
		}
		if (para == NULL)
			continue;
		end = line.p + line.n;
		for (p = line.p; p < end && (p = memchr(p, '(',
		    (size_t)(end - p))) != NULL; p++) {
			if (!qmail_status(p, end, st, sizeof(st)))
				continue;
			start = para;
			if (addr_before(text, para, rcpt, sizeof(rcpt)) != 0)
				rcpt[0] = '\0';
			para = NULL;
			/* its server's reply, quoted, was taken already */
			if (rcpt[0] != '\0' && rcpt_find(r, rcpt) != NULL)
				break;
			if ((d = rcpt_new(r)) == NULL)
				return n;
			util_strlcpy(d->rcpt, rcpt, sizeof(d->rcpt));
			util_strlcpy(d->status, st, sizeof(d->status));
			util_strlcpy(d->action, st[0] == '5' ? "failed" :
			    "delayed", sizeof(d->action));
			set_diag(d, start, (size_t)(line.p + line.n - start));
			n++;
			break;
		}
	}
	return n;
}

int
dsn_parse_text(const char *buf, size_t len, struct dsn_report *r)
{
	struct span	 text = { buf, len }, line;
	struct dsn_rcpt	*d, tmp;
	char		 rcpt[256];
	size_t		 off = 0, i;
	const char	*st;
	int		 before = r->nrcpts;

	while (next_line(text, &off, &line) == 0) {
		if ((st = reply_start(line)) == NULL)
			continue;
		memset(&tmp, 0, sizeof(tmp));
		if (addr_before(text, st, rcpt, sizeof(rcpt)) == 0)
			util_strlcpy(tmp.rcpt, rcpt, sizeof(tmp.rcpt));
		host_before(text, st, &tmp);
		reply_span(text, st, &tmp);
		exim_after(text, st, &tmp);
		sendmail_cmd(text, st, &tmp);
		/* the reply's own address beats one further up */
		if (addr_at(tmp.diag + strcspn(tmp.diag, "<"),
		    strlen(tmp.diag + strcspn(tmp.diag, "<")), rcpt,
		    sizeof(rcpt)) > 0 && tmp.diag[strcspn(tmp.diag, "<")] == '<' &&
		    tmp.rcpt[0] == '\0')
			util_strlcpy(tmp.rcpt, rcpt, sizeof(tmp.rcpt));
		/* one reply per recipient: Sendmail quotes it twice */
		if ((d = rcpt_find(r, tmp.rcpt)) != NULL) {
			if (d->diag[0] == '\0')
				*d = tmp;
			else if (d->command[0] == '\0' && tmp.command[0] != '\0')
				util_strlcpy(d->command, tmp.command,
				    sizeof(d->command));
			continue;
		}
		if ((d = rcpt_new(r)) == NULL)
			break;
		*d = tmp;
		util_strlcpy(d->action, d->code >= 500 ? "failed" :
		    d->code >= 400 ? "delayed" : "", sizeof(d->action));
	}
	qmail_paragraphs(text, r);
	if (r->nrcpts > before)
		return r->nrcpts - before;
	/* no reply quoted: a failure stated in words, if any */
	for (i = 0; i < sizeof(failure_words) / sizeof(failure_words[0]); i++) {
		const char	*w = memmem_ci(buf, len, failure_words[i]);
		const char	*s, *e;

		if (w == NULL)
			continue;
		if ((d = rcpt_new(r)) == NULL)
			break;
		if (addr_before(text, w, rcpt, sizeof(rcpt)) == 0)
			util_strlcpy(d->rcpt, rcpt, sizeof(d->rcpt));
		host_before(text, w, d);
		/* the paragraph the words stand in */
		for (s = w; s > buf && !(s[-1] == '\n' && s - 1 > buf &&
		    s[-2] == '\n'); s--)
			;
		e = w;
		while (e < buf + len && !(e[0] == '\n' && e + 1 < buf + len &&
		    (e[1] == '\n' || (e[1] == '\r' && e + 2 < buf + len &&
		    e[2] == '\n'))))
			e++;
		set_diag(d, s, (size_t)(e - s));
		in_reply_to(d);
		break;
	}
	return r->nrcpts - before;
}

/* ---- the message ---- */

static int
parse_multipart(struct span body, const struct mime *m, struct dsn_report *r,
    int depth, struct span *text_out, int *have_status)
{
	char		 delim[140];
	size_t		 dl, off = 0;
	const char	*part = NULL;
	struct span	 line;
	int		 n = 0;

	if (m->boundary[0] == '\0')
		return 0;
	dl = (size_t)snprintf(delim, sizeof(delim), "--%s", m->boundary);
	while (next_line(body, &off, &line) == 0) {
		if (line.n < dl || memcmp(line.p, delim, dl) != 0)
			continue;
		if (part != NULL) {
			size_t	 plen = (size_t)(line.p - part);

			n += parse_entity((struct span){ part, plen }, r,
			    depth + 1, text_out, have_status);
		}
		if (line.n >= dl + 2 && line.p[dl] == '-' && line.p[dl + 1] == '-')
			break;
		part = body.p + off;
	}
	return n;
}

static int
parse_entity(struct span e, struct dsn_report *r, int depth,
    struct span *text_out, int *have_status)
{
	struct mime	 m;
	struct span	 hdr, body;
	size_t		 bo, dlen;
	char		*dec;
	int		 n = 0;

	if (depth > DSN_DEPTH_MAX)
		return 0;
	bo = body_offset(e);
	hdr.p = e.p;
	hdr.n = bo;
	body.p = e.p + bo;
	body.n = e.n - bo;
	mime_read(hdr, &m, r);
	if (strncmp(m.type, "multipart/", 10) == 0)
		return parse_multipart(body, &m, r, depth, text_out,
		    have_status);
	if ((dec = decode(body, m.cte, &dlen)) == NULL)
		return 0;
	if (strcmp(m.type, "message/delivery-status") == 0 ||
	    strcmp(m.type, "message/global-delivery-status") == 0) {
		int	 before = r->nrcpts;

		status_part((struct span){ dec, dlen }, r);
		*have_status = 1;
		n = r->nrcpts - before;
	} else if (strcmp(m.type, "text/rfc822-headers") == 0 ||
	    strcmp(m.type, "text/rfc822-header") == 0 ||
	    strcmp(m.type, "message/global-headers") == 0)
		orig_headers((struct span){ dec, dlen }, r);
	else if (strcmp(m.type, "message/rfc822") == 0 ||
	    strcmp(m.type, "message/global") == 0)
		orig_headers((struct span){ dec, body_offset((struct span){
		    dec, dlen }) }, r);
	else if (strncmp(m.type, "text/", 5) == 0 && text_out->p == NULL) {
		/* kept for the text reading; freed by dsn_parse */
		text_out->p = dec;
		text_out->n = dlen;
		return 0;
	}
	free(dec);
	return n;
}

int
dsn_parse(const char *buf, size_t len, struct dsn_report *r)
{
	struct span	 text = { NULL, 0 };
	struct dsn_report tr;
	int		 have_status = 0, i;

	memset(r, 0, sizeof(*r));
	if (!dsn_is_message(buf, len))
		return dsn_parse_text(buf, len, r) > 0 ?
		    (r->kind = DSN_KIND_TEXT, r->nrcpts) : 0;
	parse_entity((struct span){ buf, len }, r, 0, &text, &have_status);
	if (have_status && r->nrcpts > 0) {
		r->kind = DSN_KIND_REPORT;
		/* the text part says which command each reply answered */
		if (text.p != NULL) {
			memset(&tr, 0, sizeof(tr));
			dsn_parse_text(text.p, text.n, &tr);
			for (i = 0; i < r->nrcpts; i++) {
				struct dsn_rcpt	*d = &r->rcpts[i];
				struct dsn_rcpt	*t = rcpt_find(&tr, d->rcpt);

				if (t == NULL && tr.nrcpts == 1 && r->nrcpts == 1)
					t = &tr.rcpts[0];
				if (t == NULL)
					continue;
				if (d->command[0] == '\0')
					util_strlcpy(d->command, t->command,
					    sizeof(d->command));
				if (d->remote_addr[0] == '\0')
					util_strlcpy(d->remote_addr,
					    t->remote_addr,
					    sizeof(d->remote_addr));
				if (d->diag[0] == '\0' && t->diag[0] != '\0') {
					memcpy(d->diag, t->diag, sizeof(d->diag));
					d->diaglen = t->diaglen;
					d->code = t->code;
				}
			}
		}
	} else if (text.p != NULL && dsn_parse_text(text.p, text.n, r) > 0)
		r->kind = DSN_KIND_TEXT;
	else if (dsn_parse_text(buf + body_offset((struct span){ buf, len }),
	    len - body_offset((struct span){ buf, len }), r) > 0)
		r->kind = DSN_KIND_TEXT;
	free((void *)(uintptr_t)text.p);
	return r->kind == DSN_KIND_NONE ? 0 : r->nrcpts;
}
