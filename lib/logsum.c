/*
 * logsum.c - sum up MTA log lines per direction, domain and cause.
 *
 * Memory is bounded whatever the log's length: domains and rows are
 * capped (the rest goes to the domain "other"), the queue-id join is a
 * direct-mapped table that forgets old ids (Postfix logs a message's
 * sender and its deliveries within minutes of each other, a retry's
 * lines are each self-contained), and the set that tells a message from
 * a repeated attempt stops growing at LOGSUM_SET_MAX entries (counts are
 * then marked "at least").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logsum.h"
#include "replydb.h"
#include "util.h"
#include "value.h"

#define QMAP_SIZE	(1u << 16)	/* queue ids remembered */
#define SET_MIN		(1u << 12)
#define LOGSUM_SET_MAX	(1u << 21)	/* 16 MiB of message keys */
#define TAB_MIN		256

struct qslot {
	uint64_t	 h;		/* 0: empty */
	uint32_t	 sender;	/* interned domain + 1, 0: none */
	uint32_t	 row;		/* last failure's row + 1, 0: none */
};

/* An open-addressing table of 64-bit keys to 32-bit values. */
struct tab {
	uint64_t	*keys;		/* 0 marks an empty slot */
	uint32_t	*vals;
	size_t		 cap;		/* a power of two */
	size_t		 n;
};

struct logsum {
	struct logsum_params	 p;
	struct logsum_lines	 lines;

	char			**names;	/* interned domains */
	size_t			 nnames;
	struct tab		 name_tab;	/* hash -> name index */

	struct logsum_row	**rows;
	size_t			 nrows, rows_cap;
	struct tab		 row_tab;	/* (dir, name, cause) -> row */
	int			 rows_sorted;

	struct logsum_domain	**doms;
	size_t			 ndoms, doms_cap;
	struct tab		 dom_tab;	/* (dir, name) -> domain */
	int			 doms_sorted;

	struct tab		 msgs;		/* (message, row) seen */
	int			 msgs_full;

	struct qslot		*qmap;

	/* the last stamp converted, to skip mktime on most lines */
	struct maillog_stamp	 ts_key;
	time_t			 ts_val;
	int			 ts_ok;
};

static uint64_t
fnv(const void *p, size_t len, uint64_t h)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
fnv_lower(const char *s, size_t len, uint64_t h)
{
	size_t	 i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h ^= c;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV0	0xcbf29ce484222325ULL

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1;	/* 0 marks an empty slot */
}

static int
tab_init(struct tab *t, size_t cap)
{
	t->keys = calloc(cap, sizeof(*t->keys));
	t->vals = calloc(cap, sizeof(*t->vals));
	t->cap = cap;
	t->n = 0;
	return t->keys && t->vals ? 0 : -1;
}

static void
tab_free(struct tab *t)
{
	free(t->keys);
	free(t->vals);
}

/* Find key: its slot index; *found says whether it is there. */
static size_t
tab_slot(const struct tab *t, uint64_t key, int *found)
{
	size_t	 i = (size_t)key & (t->cap - 1);

	while (t->keys[i] != 0) {
		if (t->keys[i] == key) {
			*found = 1;
			return i;
		}
		i = (i + 1) & (t->cap - 1);
	}
	*found = 0;
	return i;
}

/* Insert (key, val) unless present; grows up to max entries. Returns 1
   new, 0 present, -1 full or out of memory. */
static int
tab_put(struct tab *t, uint64_t key, uint32_t val, size_t max)
{
	size_t		 i;
	int		 found;

	i = tab_slot(t, key, &found);
	if (found)
		return 0;
	if ((t->n + 1) * 2 > t->cap) {
		struct tab	 g;
		size_t		 j;

		if (t->cap * 2 > max * 2 || tab_init(&g, t->cap * 2) == -1)
			return -1;
		for (j = 0; j < t->cap; j++)
			if (t->keys[j] != 0) {
				i = tab_slot(&g, t->keys[j], &found);
				g.keys[i] = t->keys[j];
				g.vals[i] = t->vals[j];
			}
		g.n = t->n;
		tab_free(t);
		*t = g;
		i = tab_slot(t, key, &found);
	}
	t->keys[i] = key;
	t->vals[i] = val;
	t->n++;
	return 1;
}

struct logsum *
logsum_new(const struct logsum_params *p)
{
	struct logsum	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->p = *p;
	if (tab_init(&s->name_tab, TAB_MIN) == -1 ||
	    tab_init(&s->row_tab, TAB_MIN) == -1 ||
	    tab_init(&s->dom_tab, TAB_MIN) == -1 ||
	    tab_init(&s->msgs, SET_MIN) == -1 ||
	    (s->qmap = calloc(QMAP_SIZE, sizeof(*s->qmap))) == NULL) {
		logsum_free(s);
		return NULL;
	}
	return s;
}

void
logsum_free(struct logsum *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	for (i = 0; i < s->nrows; i++)
		free(s->rows[i]);
	free(s->rows);
	for (i = 0; i < s->ndoms; i++)
		free(s->doms[i]);
	free(s->doms);
	tab_free(&s->name_tab);
	tab_free(&s->row_tab);
	tab_free(&s->dom_tab);
	tab_free(&s->msgs);
	free(s->qmap);
	free(s);
}

/* The interned, lower-cased, sanitised copy of a domain; "other" once
   the table is full; NULL when out of memory. */
static int
intern(struct logsum *s, const char *p, size_t len, uint32_t *idx)
{
	uint64_t	 h;
	size_t		 slot, i;
	int		 found;
	char		*copy, **nv;
	char		 u[LOGSUM_NAME_MAX + 1], a[VALUE_NAME_MAX + 1];

	if (len > LOGSUM_NAME_MAX)
		len = LOGSUM_NAME_MAX;
	for (i = 0; i < len && (unsigned char)p[i] < 0x80; i++)
		;
	if (i < len) {
		/*
		 * Written with U-labels (the sender used SMTPUTF8): kept
		 * with its A-labels, as the other form of the same domain
		 * and as --domain and the configuration have it.
		 */
		memcpy(u, p, len);
		u[len] = '\0';
		if (value_name(u, a, NULL) == 0) {
			p = a;
			len = strlen(a);
		}
	}
	if (s->nnames >= LOGSUM_DOMAINS_MAX) {
		p = "other";
		len = 5;
	}
	h = mix(fnv_lower(p, len, FNV0));
	slot = tab_slot(&s->name_tab, h, &found);
	if (found) {
		*idx = s->name_tab.vals[slot];
		return 0;
	}
	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	util_sanitize_buf(copy, len + 1, p, len);
	for (i = 0; copy[i]; i++)
		if (copy[i] >= 'A' && copy[i] <= 'Z')
			copy[i] = (char)(copy[i] - 'A' + 'a');
	if ((nv = realloc(s->names, (s->nnames + 1) * sizeof(*nv))) == NULL) {
		free(copy);
		return -1;
	}
	s->names = nv;
	if (tab_put(&s->name_tab, h, (uint32_t)s->nnames,
	    LOGSUM_DOMAINS_MAX * 2) == -1) {
		free(copy);
		return -1;
	}
	s->names[s->nnames] = copy;
	*idx = (uint32_t)s->nnames++;
	return 0;
}

/* Is name the filter domain or below it? */
static int
domain_match(const char *name, const char *want)
{
	size_t	 n = strlen(name), w = strlen(want);

	if (n < w || strcasecmp(name + n - w, want) != 0)
		return 0;
	return n == w || name[n - w - 1] == '.';
}

/* Whether name is the domain asked for or under it. */
static int
wanted(const struct logsum *s, const char *name)
{
	return s->p.domain == NULL || domain_match(name, s->p.domain);
}

static time_t
event_time(struct logsum *s, const struct maillog_stamp *ts)
{
	struct maillog_stamp	 k = *ts;
	time_t			 t;

	/* one mktime per hour of log, not per line */
	k.min = k.sec = 0;
	if (!s->ts_ok || memcmp(&k, &s->ts_key, sizeof(k)) != 0) {
		t = maillog_time(&k, s->p.now);
		if (t == (time_t)-1)
			return t;
		s->ts_key = k;
		s->ts_val = t;
		s->ts_ok = 1;
	}
	return s->ts_val + ts->min * 60 + ts->sec;
}

/* --- causes ---------------------------------------------------------- */

/*
 * The cause of a refusal that says no more than "refused" or
 * "deferred": named after the command refused.
 */
static enum finding_id
by_phase(int code, enum maillog_phase ph)
{
	int	 temp = code < 500;

	switch (ph) {
	case MAILLOG_PH_BANNER:
	case MAILLOG_PH_CONNECT:
		return temp ? F_SMTP_BANNER_4XX : F_SMTP_BANNER_5XX;
	case MAILLOG_PH_HELO:
		return F_SMTP_EHLO_REJECTED;
	case MAILLOG_PH_STARTTLS:
		return F_TLS_STARTTLS_REFUSED;
	case MAILLOG_PH_MAIL:
		return temp ? F_POLICY_DEFERRED : F_POLICY_MAIL_REJECTED;
	case MAILLOG_PH_RCPT:
		return temp ? F_POLICY_DEFERRED : F_POLICY_RCPT_REJECTED;
	default:
		return temp ? F_POLICY_DEFERRED :
		    F_POLICY_REJECTED;
	}
}

/*
 * The one call into the knowledge base of refusals (replydb.h): the
 * provider's row, else the enhanced code, else the basic code; a cause
 * that only says "refused" is named after the command refused.
 */
static enum finding_id
classify_reply(const struct maillog_event *ev, const char **source,
    const char **remedy, const char **url)
{
	struct replydb_match	 m;
	const char		*text = ev->reply.p;
	size_t			 len = ev->reply.len;

	/* the enhanced code and the text are one stretch of the line */
	if (ev->enh.len > 0 && ev->reply.p != NULL &&
	    ev->reply.p >= ev->enh.p) {
		text = ev->enh.p;
		len = (size_t)(ev->reply.p + ev->reply.len - ev->enh.p);
	}
	if (replydb_classify(ev->code, text, len, &m) == -1)
		return by_phase(ev->code, ev->phase);
	*source = m.level == REPLYDB_ROW ? m.source : NULL;
	*remedy = m.remedy;
	*url = m.url;
	if (m.generic) {
		*remedy = NULL;		/* the catalogue's, for the id below */
		return by_phase(ev->code, ev->phase);
	}
	return m.cause;
}

static enum finding_id
classify_failure(const struct maillog_event *ev)
{
	switch (ev->failure) {
	case MAILLOG_FAIL_CONNECT_REFUSED:
		return F_NET_CONNECT_REFUSED;
	case MAILLOG_FAIL_CONNECT_TIMEOUT:
		return F_NET_CONNECT_TIMEOUT;
	case MAILLOG_FAIL_NO_ROUTE:
		return F_NET_UNREACHABLE;
	case MAILLOG_FAIL_LOST_CONNECTION:
		return F_NET_RESET;
	case MAILLOG_FAIL_TIMEOUT:
		return ev->phase == MAILLOG_PH_BANNER ? F_SMTP_BANNER_TIMEOUT :
		    F_SMTP_PHASE_TIMEOUT;
	case MAILLOG_FAIL_HOST_NOT_FOUND:
		return F_DNS_NXDOMAIN;
	case MAILLOG_FAIL_TLS_REQUIRED:
		return ev->code ? F_TLS_STARTTLS_REFUSED : F_TLS_STARTTLS_MISSING;
	case MAILLOG_FAIL_TLS_CERT:
		return F_TLS_CERT_UNTRUSTED;
	case MAILLOG_FAIL_TLS_HANDSHAKE:
		return F_TLS_HANDSHAKE;
	default:
		return ev->status == MAILLOG_ST_DEFERRED ? F_POLICY_DEFERRED :
		    F_POLICY_REJECTED;
	}
}

static enum finding_id
classify_verdict(const struct maillog_event *ev)
{
	switch (ev->auth) {
	case MAILLOG_AUTH_SPF:
		if (ev->result == MAILLOG_RES_TEMPERROR)
			return F_SPF_TEMPERROR;
		if (ev->result == MAILLOG_RES_PERMERROR)
			return F_SPF_SYNTAX;
		if (ev->result == MAILLOG_RES_FAIL ||
		    ev->result == MAILLOG_RES_SOFTFAIL)
			return F_POLICY_AUTH_SPF;
		break;
	case MAILLOG_AUTH_DKIM:
		if (ev->result == MAILLOG_RES_TEMPERROR)
			return F_DKIM_MISSING;
		if (ev->result == MAILLOG_RES_FAIL)
			return F_POLICY_AUTH_DKIM;
		break;
	case MAILLOG_AUTH_DMARC:
		if (ev->result == MAILLOG_RES_FAIL)
			return F_POLICY_AUTH_DMARC;
		if (ev->result == MAILLOG_RES_TEMPERROR)
			return F_DNS_TIMEOUT;
		break;
	case MAILLOG_AUTH_SPAM:
		if (ev->result == MAILLOG_RES_FAIL)
			return F_POLICY_CONTENT_SPAM;
		break;
	default:
		break;
	}
	return F_COUNT;
}

enum finding_id
logsum_cause(const struct maillog_event *ev, const char **source,
    const char **remedy, const char **url)
{
	enum finding_id	 id;

	*source = NULL;
	*remedy = NULL;
	*url = NULL;
	switch (ev->kind) {
	case MAILLOG_KIND_DELIVERY:
		if (ev->status != MAILLOG_ST_DEFERRED &&
		    ev->status != MAILLOG_ST_BOUNCED &&
		    ev->status != MAILLOG_ST_EXPIRED)
			return F_COUNT;
		/* no attempt: no cause of its own, the last attempt's */
		if (ev->failure == MAILLOG_FAIL_NO_ATTEMPT)
			return F_COUNT;
		/* fall through */
	case MAILLOG_KIND_REJECT:
		if (ev->code >= 400 && ev->code <= 599 &&
		    ev->failure != MAILLOG_FAIL_TLS_REQUIRED)
			id = classify_reply(ev, source, remedy, url);
		else
			id = classify_failure(ev);
		break;
	case MAILLOG_KIND_VERDICT:
		id = classify_verdict(ev);
		break;
	default:
		return F_COUNT;
	}
	if (id != F_COUNT && *remedy == NULL)
		*remedy = finding_def(id)->hint;
	return id;
}

/* --- rows ------------------------------------------------------------ */

static struct logsum_domain *
domain_get(struct logsum *s, enum maillog_dir dir, uint32_t name)
{
	uint64_t		 key = mix(((uint64_t)dir << 32) | name);
	struct logsum_domain	*d, **nv;
	size_t			 slot;
	int			 found;

	slot = tab_slot(&s->dom_tab, key, &found);
	if (found)
		return s->doms[s->dom_tab.vals[slot]];
	if (s->ndoms == s->doms_cap) {
		size_t	 cap = s->doms_cap ? s->doms_cap * 2 : 64;

		if ((nv = realloc(s->doms, cap * sizeof(*nv))) == NULL)
			return NULL;
		s->doms = nv;
		s->doms_cap = cap;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if (tab_put(&s->dom_tab, key, (uint32_t)s->ndoms,
	    LOGSUM_DOMAINS_MAX * 4) == -1) {
		free(d);
		return NULL;
	}
	d->dir = dir;
	d->domain = s->names[name];
	s->doms[s->ndoms++] = d;
	return d;
}

static struct logsum_row *
row_get(struct logsum *s, enum maillog_dir dir, uint32_t name,
    enum finding_id cause, uint32_t *idx)
{
	uint64_t		 key;
	struct logsum_row	*r, **nv;
	size_t			 slot;
	int			 found;

	if (s->nrows >= LOGSUM_ROWS_MAX &&
	    intern(s, "other", 5, &name) == -1)
		return NULL;
	key = mix(((uint64_t)dir << 56) ^ ((uint64_t)cause << 32) ^ name);
	slot = tab_slot(&s->row_tab, key, &found);
	if (found) {
		*idx = s->row_tab.vals[slot];
		return s->rows[*idx];
	}
	if (s->nrows == s->rows_cap) {
		size_t	 cap = s->rows_cap ? s->rows_cap * 2 : 64;

		if ((nv = realloc(s->rows, cap * sizeof(*nv))) == NULL)
			return NULL;
		s->rows = nv;
		s->rows_cap = cap;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (tab_put(&s->row_tab, key, (uint32_t)s->nrows,
	    LOGSUM_ROWS_MAX * 2) == -1) {
		free(r);
		return NULL;
	}
	r->dir = dir;
	r->domain = s->names[name];
	r->cause = cause;
	*idx = (uint32_t)s->nrows;
	s->rows[s->nrows++] = r;
	return r;
}

static void
copy_str(char *dst, size_t sz, struct maillog_str v)
{
	util_sanitize_buf(dst, sz, v.p ? v.p : "", v.len);
}

static void
stamp(time_t *first, time_t *last, time_t t)
{
	if (*first == 0 || t < *first)
		*first = t;
	if (t > *last)
		*last = t;
}

static struct qslot *
qslot(struct logsum *s, struct maillog_str qid)
{
	uint64_t	 h;

	if (qid.len == 0)
		return NULL;
	h = mix(fnv(qid.p, qid.len, FNV0));
	return &s->qmap[h & (QMAP_SIZE - 1)];
}

static uint64_t
qkey(struct maillog_str qid)
{
	return mix(fnv(qid.p, qid.len, FNV0));
}

/* The domain an event is counted under. */
static struct maillog_str
event_domain(const struct maillog_event *ev)
{
	struct maillog_str	 d = { NULL, 0 };

	switch (ev->kind) {
	case MAILLOG_KIND_DELIVERY:
		d = maillog_domain(ev->rcpt);
		break;
	case MAILLOG_KIND_REJECT:
	case MAILLOG_KIND_VERDICT:
		d = ev->domain;
		if (d.len == 0)
			d = maillog_domain(ev->sender);
		if (d.len == 0 && ev->peer.len > 0 &&
		    !maillog_str_eq(ev->peer, "unknown"))
			d = ev->peer;
		if (d.len == 0)
			d = ev->peer_addr.len ? ev->peer_addr : ev->client_ip;
		break;
	default:
		break;
	}
	return d;
}

/* Count one failure in its row. */
static void
count_failure(struct logsum *s, const struct maillog_event *ev,
    uint32_t name, time_t t, struct qslot *q, uint64_t qh)
{
	struct logsum_row	*r;
	const char		*source, *remedy, *url;
	enum finding_id		 cause;
	uint32_t		 idx;
	uint64_t		 mkey;
	int			 rv;

	cause = logsum_cause(ev, &source, &remedy, &url);
	if (cause == F_COUNT)
		return;
	if ((r = row_get(s, ev->dir, name, cause, &idx)) == NULL)
		return;
	s->rows_sorted = 0;
	r->attempts++;
	r->status[ev->status < MAILLOG_ST_COUNT ? ev->status : 0]++;
	stamp(&r->first, &r->last, t);
	if (r->remedy == NULL) {
		r->source = source;
		r->remedy = remedy;
		r->url = url;
	}
	if (r->sample[0] == '\0' || r->last == t) {
		/* the latest sample: what the server says now */
		if (ev->code != 0) {
			char	 head[16];
			int	 n;

			n = snprintf(head, sizeof(head), "%d ", ev->code);
			memcpy(r->sample, head, (size_t)n);
			if (ev->enh.len > 0 && ev->enh.len < 12) {
				memcpy(r->sample + n, ev->enh.p, ev->enh.len);
				n += (int)ev->enh.len;
				r->sample[n++] = ' ';
			}
			copy_str(r->sample + n, sizeof(r->sample) - (size_t)n,
			    ev->reply);
		} else
			copy_str(r->sample, sizeof(r->sample), ev->detail.len ?
			    ev->detail : ev->reply);
		r->phase = ev->phase;
		r->failure = ev->failure;
		copy_str(r->peer, sizeof(r->peer), ev->peer);
		copy_str(r->peer_addr, sizeof(r->peer_addr), ev->peer_addr);
		if (ev->client_ip.len)
			copy_str(r->client_ip, sizeof(r->client_ip),
			    ev->client_ip);
		else if (ev->dir == MAILLOG_DIR_IN)
			copy_str(r->client_ip, sizeof(r->client_ip),
			    ev->peer_addr);
	}
	if (r->sender_domain[0] == '\0') {
		struct maillog_str sd = maillog_domain(ev->sender);

		if (sd.len > 0)
			copy_str(r->sender_domain, sizeof(r->sender_domain), sd);
		else if (q != NULL && q->h == qh && q->sender != 0)
			util_strlcpy(r->sender_domain, s->names[q->sender - 1],
			    sizeof(r->sender_domain));
	}
	/* a message: its queue id, or (inbound, no queue id) its envelope */
	if (ev->qid.len > 0)
		mkey = qh;
	else
		mkey = mix(fnv(ev->rcpt.p, ev->rcpt.len,
		    fnv(ev->sender.p, ev->sender.len,
		    fnv(ev->peer_addr.p, ev->peer_addr.len, FNV0))));
	mkey = mix(mkey ^ ((uint64_t)idx * 0x9e3779b97f4a7c15ULL));
	rv = s->msgs_full ? -1 : tab_put(&s->msgs, mkey, 0, LOGSUM_SET_MAX);
	if (rv == 1)
		r->messages++;
	else if (rv == -1) {
		s->msgs_full = 1;
		r->messages_capped = 1;
		if (r->messages == 0)
			r->messages = 1;
	}
	if (q != NULL && ev->dir == MAILLOG_DIR_OUT) {
		if (q->h != qh) {
			q->h = qh;
			q->sender = 0;
		}
		q->row = idx + 1;
	}
}

enum maillog_parse
logsum_feed(struct logsum *s, const char *line, size_t len)
{
	struct maillog_event	 ev;
	struct maillog_str	 dom;
	struct logsum_domain	*d;
	struct qslot		*q;
	enum maillog_parse	 pr;
	uint64_t		 qh = 0;
	uint32_t		 name;
	time_t			 t;

	s->lines.read++;
	pr = maillog_parse_line(line, len, &ev, NULL);
	switch (pr) {
	case MAILLOG_FOREIGN:
		s->lines.foreign++;
		return pr;
	case MAILLOG_BAD:
		s->lines.unparsable++;
		return pr;
	case MAILLOG_TOO_LONG:
		s->lines.too_long++;
		return pr;
	default:
		break;
	}
	if (ev.kind == MAILLOG_KIND_OTHER) {
		s->lines.other++;
		return pr;
	}
	t = event_time(s, &ev.ts);
	if (t == (time_t)-1) {
		s->lines.unparsable++;
		return MAILLOG_BAD;
	}
	if ((s->p.since && t < s->p.since) || (s->p.until && t > s->p.until)) {
		s->lines.out_of_range++;
		return pr;
	}
	q = qslot(s, ev.qid);
	if (q != NULL)
		qh = qkey(ev.qid);

	if (ev.kind == MAILLOG_KIND_SENDER) {
		/* remember who sent it, for the deliveries that follow */
		s->lines.other++;
		if (q == NULL)
			return pr;
		dom = maillog_domain(ev.sender);
		q->h = qh;
		q->row = 0;
		q->sender = 0;
		if (dom.len > 0 && intern(s, dom.p, dom.len, &name) == 0)
			q->sender = name + 1;
		return pr;
	}
	if (ev.kind == MAILLOG_KIND_EXPIRED) {
		struct logsum_row *r;

		/* the cause that kept it queued, if this run saw it */
		s->lines.events++;
		if (q == NULL || q->h != qh || q->row == 0)
			return pr;
		r = s->rows[q->row - 1];
		if (!wanted(s, r->domain))
			return pr;
		r->status[MAILLOG_ST_EXPIRED]++;
		stamp(&r->first, &r->last, t);
		if (intern(s, r->domain, strlen(r->domain), &name) == 0 &&
		    (d = domain_get(s, r->dir, name)) != NULL) {
			d->status[MAILLOG_ST_EXPIRED]++;
			stamp(&d->first, &d->last, t);
		}
		s->rows_sorted = s->doms_sorted = 0;
		return pr;
	}

	dom = event_domain(&ev);
	if (dom.len == 0) {
		dom.p = "unknown";
		dom.len = 7;
	}
	if (intern(s, dom.p, dom.len, &name) == -1)
		return pr;
	if (!wanted(s, s->names[name])) {
		s->lines.out_of_range++;
		return pr;
	}
	s->lines.events++;
	if (ev.kind != MAILLOG_KIND_VERDICT &&
	    (d = domain_get(s, ev.dir, name)) != NULL) {
		d->status[ev.status < MAILLOG_ST_COUNT ? ev.status : 0]++;
		stamp(&d->first, &d->last, t);
		s->doms_sorted = 0;
	}
	if (ev.failure == MAILLOG_FAIL_NO_ATTEMPT) {
		struct logsum_row *r;

		/* the row of the message's last attempt, if this run saw it */
		if (q == NULL || q->h != qh || q->row == 0 ||
		    ev.status >= MAILLOG_ST_COUNT)
			return pr;
		r = s->rows[q->row - 1];
		if (r->dir != ev.dir || strcmp(r->domain, s->names[name]) != 0)
			return pr;
		r->status[ev.status]++;
		stamp(&r->first, &r->last, t);
		s->rows_sorted = 0;
		return pr;
	}
	count_failure(s, &ev, name, t, q, qh);
	return pr;
}

void
logsum_too_long(struct logsum *s)
{
	s->lines.read++;
	s->lines.too_long++;
}

const struct logsum_lines *
logsum_lines(const struct logsum *s)
{
	return &s->lines;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct logsum_row	*x = *(const struct logsum_row *const *)a;
	const struct logsum_row	*y = *(const struct logsum_row *const *)b;

	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	if (x->attempts != y->attempts)
		return x->attempts > y->attempts ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	if (x->cause != y->cause)
		return x->cause < y->cause ? -1 : 1;
	return strcmp(x->domain, y->domain);
}

const struct logsum_row *const *
logsum_rows(struct logsum *s, size_t *n)
{
	if (!s->rows_sorted && s->nrows > 0) {
		qsort(s->rows, s->nrows, sizeof(*s->rows), row_cmp);
		/* the hash table's indexes follow the new order */
		memset(s->row_tab.keys, 0, s->row_tab.cap *
		    sizeof(*s->row_tab.keys));
		s->row_tab.n = 0;
		{
			size_t	 i;
			uint32_t name;

			for (i = 0; i < s->nrows; i++) {
				const struct logsum_row *r = s->rows[i];

				(void)intern(s, r->domain, strlen(r->domain),
				    &name);
				(void)tab_put(&s->row_tab, mix(((uint64_t)r->dir
				    << 56) ^ ((uint64_t)r->cause << 32) ^ name),
				    (uint32_t)i, LOGSUM_ROWS_MAX * 2);
			}
		}
		/* queue slots point at rows by index: forget them */
		memset(s->qmap, 0, QMAP_SIZE * sizeof(*s->qmap));
	}
	s->rows_sorted = 1;
	*n = s->nrows;
	return (const struct logsum_row *const *)s->rows;
}

static uint64_t
dom_total(const struct logsum_domain *d)
{
	uint64_t	 t = 0;
	size_t		 i;

	for (i = 0; i < MAILLOG_ST_COUNT; i++)
		t += d->status[i];
	return t;
}

static int
dom_cmp(const void *a, const void *b)
{
	const struct logsum_domain *x = *(const struct logsum_domain *const *)a;
	const struct logsum_domain *y = *(const struct logsum_domain *const *)b;

	if (x->failed_messages != y->failed_messages)
		return x->failed_messages > y->failed_messages ? -1 : 1;
	if (dom_total(x) != dom_total(y))
		return dom_total(x) > dom_total(y) ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir < y->dir ? -1 : 1;
	return strcmp(x->domain, y->domain);
}

const struct logsum_domain *const *
logsum_domains(struct logsum *s, size_t *n)
{
	size_t	 i, j;

	if (!s->doms_sorted && s->ndoms > 0) {
		for (i = 0; i < s->ndoms; i++)
			s->doms[i]->failed_messages = 0;
		for (j = 0; j < s->nrows; j++) {
			const struct logsum_row	*r = s->rows[j];
			struct logsum_domain	*d;
			uint32_t		 name;

			if (intern(s, r->domain, strlen(r->domain), &name) == 0 &&
			    (d = domain_get(s, r->dir, name)) != NULL)
				d->failed_messages += r->messages;
		}
		qsort(s->doms, s->ndoms, sizeof(*s->doms), dom_cmp);
		memset(s->dom_tab.keys, 0, s->dom_tab.cap *
		    sizeof(*s->dom_tab.keys));
		s->dom_tab.n = 0;
		for (i = 0; i < s->ndoms; i++) {
			uint32_t name;

			(void)intern(s, s->doms[i]->domain,
			    strlen(s->doms[i]->domain), &name);
			(void)tab_put(&s->dom_tab, mix(((uint64_t)s->doms[i]->dir
			    << 32) | name), (uint32_t)i, LOGSUM_DOMAINS_MAX * 4);
		}
	}
	s->doms_sorted = 1;
	*n = s->ndoms;
	return (const struct logsum_domain *const *)s->doms;
}

const char *
logsum_dir_name(enum maillog_dir d)
{
	return d == MAILLOG_DIR_OUT ? "out" : d == MAILLOG_DIR_IN ? "in" : "-";
}
