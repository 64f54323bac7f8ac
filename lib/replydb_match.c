/*
 * replydb_match.c - classifying a reply against the knowledge base of
 * refusals (replydb.h); the rows themselves are in replydb.c.
 *
 * Speed: a refusal is matched against every pattern of the table at
 * once. On first use the patterns are lower-cased and hashed by their
 * first four bytes into a small bucket table; a reply is then scanned
 * once, four bytes at a time, and only the patterns of a hit bucket are
 * compared. No allocation per reply, a few hundred nanoseconds for the
 * usual reply (bench/replydb_bench.c measures it).
 *
 * GBK: Chinese providers (QQ, NetEase) may answer in GBK rather than
 * UTF-8. A pattern with 8-bit bytes is indexed twice, as written (UTF-8)
 * and converted to GBK with iconv(3), so either encoding matches.
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "replydb.h"
#include "util.h"

#define NBUCKET		4096
#define PAT_MIN		4	/* bytes: the bucket key */
#define SCAN_MAX	8192	/* bytes of a reply scanned */
#define ROWS_MAX	2048	/* rows the candidate bitmap can hold */

/* One indexed pattern: lower-cased bytes and the row it belongs to. */
struct pat {
	const unsigned char	*s;
	size_t			 len;
	int			 row;
	int			 next;	/* next pattern in the bucket, -1 */
};

static struct {
	struct pat	*pats;
	int		 npats;
	int		 bucket[NBUCKET];	/* first pattern, -1 */
	int		*coderows;		/* rows without a pattern */
	int		 ncoderows;
	struct privrow {			/* rows of an unregistered */
		int	 row;			/* enhanced code (Exchange */
		int	 subject, detail;	/* Online's 5.7.606) */
	}		*privrows;
	int		 nprivrows;
	unsigned char	*kind;			/* per row: K_* and mark */
	int		 ok;
} idx;

#define K_MTA		0x01	/* an MTA's (or generic) wording */
#define K_LIST		0x02	/* a block list's operator */
#define K_MARK(k)	((k) >> 4)	/* source_marks[] index + 1, 0 */

static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

struct enhdef;
static const struct enhdef *enh_find(int, int);

static inline unsigned char
lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static inline unsigned
key4(uint32_t v)
{
	return (unsigned)((v * 2654435761u) >> 20) & (NBUCKET - 1);
}

static uint32_t
word4(const unsigned char *s)
{
	return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 |
	    (uint32_t)s[3] << 24;
}

static int
has_8bit(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* s lower-cased into a new buffer (8-bit bytes as they are). */
static unsigned char *
lower_dup(const char *s, size_t len)
{
	unsigned char	*d;
	size_t		 i;

	if ((d = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		d[i] = lc((unsigned char)s[i]);
	d[len] = '\0';
	return d;
}

/* The GBK form of a UTF-8 pattern, or NULL (no converter, no GBK form). */
static unsigned char *
gbk_dup(const char *s, size_t *outlen)
{
	iconv_t		 cd;
	char		 buf[512];
	char		*in = (char *)(uintptr_t)s, *out = buf;
	size_t		 inleft = strlen(s), outleft = sizeof(buf) - 1;

	if ((cd = iconv_open("GBK", "UTF-8")) == (iconv_t)-1)
		return NULL;
	if (iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1 ||
	    inleft != 0) {
		iconv_close(cd);
		return NULL;
	}
	iconv_close(cd);
	*outlen = (size_t)(out - buf);
	return lower_dup(buf, *outlen);
}

/*
 * Sources that frame another party's verdict in their own words: an
 * MTA's "blocked using zen.spamhaus.org" is Spamhaus's listing, and
 * Spamhaus's row says more about it than Postfix's.
 */
static const char *const mta_sources[] = {
	"generic", "postfix", "exim", "sendmail", "exchange", "opensmtpd",
	"qmail",
};

/* The parties such a framing names: the block lists' operators. */
static const char *const list_sources[] = {
	"spamhaus", "barracuda", "proofpoint", "cisco", "spamcop",
};

/*
 * Words a provider's every reply carries: without them a row of that
 * provider is only a shared wording (Postfix also says "Must issue a
 * STARTTLS command first").
 */
static const struct {
	const char	*source;
	const char	*mark;
} source_marks[] = {
	{ "gmail", "gsmtp" },
};

static int
in_list(const char *src, const char *const *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(src, v[i]) == 0)
			return 1;
	return 0;
}

static unsigned char
source_kind(const char *src)
{
	unsigned char	 k = 0;
	size_t		 i;

	if (in_list(src, mta_sources, sizeof(mta_sources) /
	    sizeof(mta_sources[0])))
		k |= K_MTA;
	if (in_list(src, list_sources, sizeof(list_sources) /
	    sizeof(list_sources[0])))
		k |= K_LIST;
	for (i = 0; i < sizeof(source_marks) / sizeof(source_marks[0]); i++)
		if (strcmp(src, source_marks[i].source) == 0)
			k |= (unsigned char)((i + 1) << 4);
	return k;
}

/* Does the reply lack the mark of row r's source (one it has)? */
static int
lacks_mark(int r, const char *text, size_t len)
{
	const char	*mark;
	size_t		 j, k, ml;

	if (K_MARK(idx.kind[r]) == 0)
		return 0;
	mark = source_marks[K_MARK(idx.kind[r]) - 1].mark;
	ml = strlen(mark);
	for (j = 0; j + ml <= len; j++) {
		for (k = 0; k < ml; k++)
			if (lc((unsigned char)text[j + k]) !=
			    (unsigned char)mark[k])
				break;
		if (k == ml)
			return 0;
	}
	return 1;
}

static void
index_add(const unsigned char *s, size_t len, int row)
{
	struct pat	*p = &idx.pats[idx.npats];
	unsigned	 k = key4(word4(s));

	p->s = s;
	p->len = len;
	p->row = row;
	p->next = idx.bucket[k];
	idx.bucket[k] = idx.npats++;
}

static void
index_build(void)
{
	const struct replydb_row *t;
	size_t			  n, i, len, glen;
	unsigned char		 *l, *g;

	t = replydb_table(&n);
	for (i = 0; i < NBUCKET; i++)
		idx.bucket[i] = -1;
	if (n > ROWS_MAX ||
	    (idx.pats = calloc(2 * n + 1, sizeof(*idx.pats))) == NULL ||
	    (idx.coderows = calloc(n + 1, sizeof(*idx.coderows))) == NULL ||
	    (idx.privrows = calloc(n + 1, sizeof(*idx.privrows))) == NULL ||
	    (idx.kind = calloc(n + 1, 1)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		struct enhcode	 e;

		idx.kind[i] = source_kind(t[i].source);
		if (t[i].pattern != NULL && t[i].enh != NULL &&
		    reply_enhcode_parse(t[i].enh, strlen(t[i].enh), 0, &e) > 0 &&
		    enh_find(e.subject, e.detail) == NULL) {
			idx.privrows[idx.nprivrows].row = (int)i;
			idx.privrows[idx.nprivrows].subject = e.subject;
			idx.privrows[idx.nprivrows++].detail = e.detail;
		}
		if (t[i].pattern == NULL) {
			idx.coderows[idx.ncoderows++] = (int)i;
			continue;
		}
		len = strlen(t[i].pattern);
		if (len < PAT_MIN || (l = lower_dup(t[i].pattern, len)) == NULL)
			continue;	/* the unit test refuses such rows */
		index_add(l, len, (int)i);
		if (has_8bit(t[i].pattern) &&
		    (g = gbk_dup(t[i].pattern, &glen)) != NULL) {
			if (glen >= PAT_MIN && (glen != len ||
			    memcmp(g, l, len) != 0))
				index_add(g, glen, (int)i);
			else
				free(g);
		}
	}
	idx.ok = 1;
}

/* ---- the enhanced-code registry and the basic codes ---- */

struct enhdef {
	int		 subject, detail;
	const char	*title;		/* the IANA registry's */
	enum finding_id	 cause;
	int		 generic;
};

#define G	1
/*
 * The network codes X.4.1-X.4.4 name what the sending MTA met on its
 * way to the next hop (no answer, a broken connection, a failed lookup,
 * no route). In its own DSN that is the cause; in a reply that a server
 * wrote, the hop that failed was that server's next one (or the code is
 * used loosely, as Exchange Online's 5.4.1 for an unknown recipient):
 * nothing in the connection to it, so they name no cause of their own.
 */
#define HOP(x)	((x) == 1 || (x) == 2 || (x) == 3 || (x) == 4)

/*
 * The IANA "SMTP Enhanced Status Codes" registry (RFC 3463, 3886, 4468,
 * 4954, 5248, 6531, 6710, 7293, 7372, 7504, 7505, 8617, 8689 and
 * draft-levine-mailbomb-header), each with the cause it means when no
 * row of the knowledge base says more. "generic" codes say only that
 * something was refused or deferred: the caller names the command.
 */
static const struct enhdef enhdefs[] = {
	{ 0, 0, "Other undefined status", F_POLICY_REJECTED, G },
	{ 1, 0, "Other address status", F_POLICY_REJECTED, G },
	{ 1, 1, "Bad destination mailbox address", F_POLICY_RCPT_UNKNOWN_USER, 0 },
	{ 1, 2, "Bad destination system address", F_DNS_NXDOMAIN, 0 },
	{ 1, 3, "Bad destination mailbox address syntax", F_SMTP_COMMAND_REJECTED, 0 },
	{ 1, 4, "Destination mailbox address ambiguous", F_POLICY_RCPT_REJECTED, 0 },
	{ 1, 5, "Destination address valid", F_POLICY_REJECTED, G },
	{ 1, 6, "Destination mailbox has moved, no forwarding address", F_POLICY_RCPT_UNKNOWN_USER, 0 },
	{ 1, 7, "Bad sender's mailbox address syntax", F_SMTP_COMMAND_REJECTED, 0 },
	{ 1, 8, "Bad sender's system address", F_POLICY_SENDER_UNKNOWN_DOMAIN, 0 },
	{ 1, 9, "Message relayed to non-compliant mailer", F_POLICY_REJECTED, G },
	{ 1, 10, "Recipient address has null MX", F_MX_NULL, 0 },
	{ 2, 0, "Other or undefined mailbox status", F_POLICY_RCPT_REJECTED, 0 },
	{ 2, 1, "Mailbox disabled, not accepting messages", F_POLICY_RCPT_MAILBOX_DISABLED, 0 },
	{ 2, 2, "Mailbox full", F_POLICY_RCPT_MAILBOX_FULL, 0 },
	{ 2, 3, "Message length exceeds administrative limit", F_POLICY_MESSAGE_TOO_LARGE, 0 },
	{ 2, 4, "Mailing list expansion problem", F_POLICY_RCPT_REJECTED, 0 },
	{ 3, 0, "Other or undefined mail system status", F_SMTP_SERVER_ERROR, 0 },
	{ 3, 1, "Mail system full", F_SMTP_SERVER_ERROR, 0 },
	{ 3, 2, "System not accepting network messages", F_SMTP_SERVER_ERROR, 0 },
	{ 3, 3, "System not capable of selected features", F_SMTP_SERVER_ERROR, 0 },
	{ 3, 4, "Message too big for system", F_POLICY_MESSAGE_TOO_LARGE, 0 },
	{ 3, 5, "System incorrectly configured", F_SMTP_SERVER_ERROR, 0 },
	{ 3, 6, "Requested priority was changed", F_POLICY_REJECTED, G },
	{ 4, 0, "Other or undefined network or routing status", F_POLICY_REJECTED, G },
	{ 4, 1, "No answer from host", F_NET_CONNECT_TIMEOUT, 0 },
	{ 4, 2, "Bad connection", F_NET_RESET, 0 },
	{ 4, 3, "Directory server failure", F_DNS_SERVFAIL, 0 },
	{ 4, 4, "Unable to route", F_DNS_NXDOMAIN, 0 },
	{ 4, 5, "Mail system congestion", F_SMTP_SERVER_ERROR, 0 },
	{ 4, 6, "Routing loop detected", F_SMTP_SERVER_ERROR, 0 },
	{ 4, 7, "Delivery time expired", F_POLICY_DEFERRED, G },
	{ 5, 0, "Other or undefined protocol status", F_SMTP_COMMAND_REJECTED, 0 },
	{ 5, 1, "Invalid command", F_SMTP_COMMAND_REJECTED, 0 },
	{ 5, 2, "Syntax error", F_SMTP_COMMAND_REJECTED, 0 },
	{ 5, 3, "Too many recipients", F_POLICY_RATE_LIMITED, 0 },
	{ 5, 4, "Invalid command arguments", F_SMTP_COMMAND_REJECTED, 0 },
	{ 5, 5, "Wrong protocol version", F_SMTP_COMMAND_REJECTED, 0 },
	{ 5, 6, "Authentication exchange line is too long", F_SMTP_AUTH_FAILED, 0 },
	{ 6, 0, "Other or undefined media error", F_POLICY_CONTENT_REJECTED, 0 },
	{ 6, 1, "Media not supported", F_POLICY_CONTENT_REJECTED, 0 },
	{ 6, 2, "Conversion required and prohibited", F_POLICY_CONTENT_REJECTED, 0 },
	{ 6, 3, "Conversion required but not supported", F_POLICY_CONTENT_REJECTED, 0 },
	{ 6, 4, "Conversion with loss performed", F_POLICY_CONTENT_REJECTED, 0 },
	{ 6, 5, "Conversion failed", F_POLICY_CONTENT_REJECTED, 0 },
	{ 6, 6, "Message content not available", F_POLICY_CONTENT_REJECTED, 0 },
	{ 6, 7, "Non-ASCII addresses not permitted for that sender/recipient", F_POLICY_CONTENT_REJECTED, 0 },
	{ 6, 8, "UTF-8 string reply is required, but not permitted by the SMTP client", F_POLICY_CONTENT_REJECTED, 0 },
	{ 6, 9, "UTF-8 header message cannot be transferred to one or more recipients", F_POLICY_CONTENT_REJECTED, 0 },
	{ 6, 10, "UTF-8 string reply required (deprecated duplicate of X.6.8)", F_POLICY_CONTENT_REJECTED, 0 },
	{ 7, 0, "Other or undefined security status", F_POLICY_REJECTED, G },
	{ 7, 1, "Delivery not authorized, message refused", F_POLICY_REJECTED, G },
	{ 7, 2, "Mailing list expansion prohibited", F_POLICY_REJECTED, G },
	{ 7, 3, "Security conversion required but not possible", F_POLICY_CONTENT_REJECTED, 0 },
	{ 7, 4, "Security features not supported", F_POLICY_CONTENT_REJECTED, 0 },
	{ 7, 5, "Cryptographic failure", F_POLICY_CONTENT_REJECTED, 0 },
	{ 7, 6, "Cryptographic algorithm not supported", F_POLICY_CONTENT_REJECTED, 0 },
	{ 7, 7, "Message integrity failure", F_POLICY_CONTENT_REJECTED, 0 },
	{ 7, 8, "Authentication credentials invalid", F_SMTP_AUTH_FAILED, 0 },
	{ 7, 9, "Authentication mechanism is too weak", F_SMTP_AUTH_FAILED, 0 },
	{ 7, 10, "Encryption needed", F_TLS_STARTTLS_REQUIRED, 0 },
	{ 7, 11, "Encryption required for requested authentication mechanism", F_TLS_STARTTLS_REQUIRED, 0 },
	{ 7, 12, "A password transition is needed", F_SMTP_AUTH_FAILED, 0 },
	{ 7, 13, "User account disabled", F_POLICY_RCPT_MAILBOX_DISABLED, 0 },
	{ 7, 14, "Trust relationship required", F_SMTP_AUTH_FAILED, 0 },
	{ 7, 15, "Priority level is too low", F_POLICY_REJECTED, G },
	{ 7, 16, "Message is too big for the specified priority", F_POLICY_MESSAGE_TOO_LARGE, 0 },
	{ 7, 17, "Mailbox owner has changed", F_POLICY_RCPT_UNKNOWN_USER, 0 },
	{ 7, 18, "Domain owner has changed", F_POLICY_RCPT_UNKNOWN_USER, 0 },
	{ 7, 19, "RRVS test cannot be completed", F_POLICY_REJECTED, G },
	{ 7, 20, "No passing DKIM signature found", F_POLICY_AUTH_DKIM, 0 },
	{ 7, 21, "No acceptable DKIM signature found", F_POLICY_AUTH_DKIM, 0 },
	{ 7, 22, "No valid author-matched DKIM signature found", F_POLICY_AUTH_DKIM, 0 },
	{ 7, 23, "SPF validation failed", F_POLICY_AUTH_SPF, 0 },
	{ 7, 24, "SPF validation error", F_POLICY_AUTH_SPF, 0 },
	{ 7, 25, "Reverse DNS validation failed", F_POLICY_CLIENT_REVERSE_DNS, 0 },
	{ 7, 26, "Multiple authentication checks failed", F_POLICY_AUTH_FAILED, 0 },
	{ 7, 27, "Sender address has null MX", F_POLICY_SENDER_UNKNOWN_DOMAIN, 0 },
	{ 7, 28, "Mail flood detected", F_POLICY_RATE_LIMITED, 0 },
	{ 7, 29, "ARC validation failure", F_POLICY_AUTH_FAILED, 0 },
	{ 7, 30, "REQUIRETLS support required", F_TLS_STARTTLS_REQUIRED, 0 },
};

/* The subjects' own titles, for a detail the registry does not know. */
static const char *const subject_titles[8] = {
	"Other or undefined status",
	"Addressing status",
	"Mailbox status",
	"Mail system status",
	"Network and routing status",
	"Mail delivery protocol status",
	"Message content or media status",
	"Security or policy status",
};

struct basicdef {
	int		 code;
	const char	*title;		/* RFC 5321 4.2.2 / 4.2.3, RFC 7504 */
	enum finding_id	 cause;
	int		 generic;
};

static const struct basicdef basicdefs[] = {
	{ 421, "Service not available, closing transmission channel", F_POLICY_DEFERRED, G },
	{ 450, "Requested mail action not taken: mailbox unavailable", F_POLICY_DEFERRED, G },
	{ 451, "Requested action aborted: local error in processing", F_POLICY_DEFERRED, G },
	{ 452, "Requested action not taken: insufficient system storage", F_SMTP_SERVER_ERROR, 0 },
	{ 455, "Server unable to accommodate parameters", F_SMTP_COMMAND_REJECTED, 0 },
	{ 500, "Syntax error, command unrecognized", F_SMTP_COMMAND_REJECTED, 0 },
	{ 501, "Syntax error in parameters or arguments", F_SMTP_COMMAND_REJECTED, 0 },
	{ 502, "Command not implemented", F_SMTP_COMMAND_REJECTED, 0 },
	{ 503, "Bad sequence of commands", F_SMTP_COMMAND_REJECTED, 0 },
	{ 504, "Command parameter not implemented", F_SMTP_COMMAND_REJECTED, 0 },
	{ 521, "Host does not accept mail", F_POLICY_REJECTED, G },
	{ 550, "Requested action not taken: mailbox unavailable", F_POLICY_REJECTED, G },
	{ 551, "User not local", F_POLICY_RCPT_REJECTED, 0 },
	{ 552, "Requested mail action aborted: exceeded storage allocation", F_POLICY_REJECTED, G },
	{ 553, "Requested action not taken: mailbox name not allowed", F_POLICY_REJECTED, G },
	{ 554, "Transaction failed", F_POLICY_REJECTED, G },
	{ 555, "MAIL FROM/RCPT TO parameters not recognized or not implemented", F_SMTP_COMMAND_REJECTED, 0 },
	{ 556, "Domain does not accept mail", F_MX_NULL, 0 },
};

#undef G

static const struct enhdef *
enh_find(int subject, int detail)
{
	size_t	 i;

	for (i = 0; i < sizeof(enhdefs) / sizeof(enhdefs[0]); i++)
		if (enhdefs[i].subject == subject && enhdefs[i].detail == detail)
			return &enhdefs[i];
	return NULL;
}

const char *
replydb_enh_meaning(int subject, int detail)
{
	const struct enhdef	*e = enh_find(subject, detail);

	if (e != NULL)
		return e->title;
	return NULL;
}

/* ---- matching ---- */

/*
 * "5.7.1" of a row against the code written: subject and detail; the
 * class is the basic code's business (a row of 4.7.25 is the same cause
 * as a 5.7.25).
 */
static int
enh_eq(const char *row, const struct enhcode *e)
{
	char	 b[16];

	if (e->cls == 0)
		return 0;
	reply_enhcode_str(e, b, sizeof(b));
	return strcmp(row + 1, b + 1) == 0;
}

/*
 * How well a row fits: a matched pattern counts most, then an enhanced
 * code and a basic code that are the ones the row names, then a row of
 * a named source over a generic wording. A row without a pattern must
 * match its codes exactly. -1: the row does not apply.
 */
static int
row_score(const struct replydb_row *r, int pattern_hit, int code,
    const struct enhcode *e)
{
	int	 s = 0, enh_ok, code_ok;

	/* greylisting is temporary by nature: a 5xx is something else */
	if (r->cause == F_POLICY_GREYLISTED && code >= 500)
		return -1;
	enh_ok = r->enh != NULL && enh_eq(r->enh, e);
	code_ok = r->code != 0 && r->code == code;
	if (r->pattern == NULL) {
		if ((r->enh == NULL && r->code == 0) ||
		    (r->enh != NULL && !enh_ok) || (r->code != 0 && !code_ok))
			return -1;
	} else if (!pattern_hit)
		return -1;
	else if (!(r->enh == NULL && r->code == 0) && !enh_ok && !code_ok) {
		/*
		 * The words, but under other codes than the row's. With an
		 * enhanced code of its own, the reply is better read by the
		 * registry; without one, the words are weak evidence that
		 * any exact code-only row beats.
		 */
		if (r->enh != NULL && e->cls != 0)
			return -1;
		return strcmp(r->source, "generic") != 0 ? 2 : 1;
	}
	else
		s += 8;
	if (enh_ok)
		s += 4;
	else if (r->enh != NULL)
		s -= 3;	/* the row names another enhanced code */
	if (code_ok)
		s += 2;
	else if (r->code != 0)
		s -= 1;
	if (strcmp(r->source, "generic") != 0)
		s += 1;
	return s;
}

static int
better(const struct replydb_row *t, int a, int sa, int b, int sb)
{
	size_t	 la, lb;

	if (b < 0)
		return 1;
	if (sa != sb)
		return sa > sb;
	la = t[a].pattern ? strlen(t[a].pattern) : 0;
	lb = t[b].pattern ? strlen(t[b].pattern) : 0;
	if (la != lb)
		return la > lb;
	return a < b;
}

/*
 * Among the rows whose words matched with the cause of the best one, a
 * better source for it: the block list named over an MTA's framing, and
 * a wording as long over a provider's whose mark the reply lacks. The
 * cause stays.
 */
static int
better_source(const struct replydb_row *t, const uint64_t *seen, int best,
    int code, const struct enhcode *e, const char *text, size_t len)
{
	uint64_t bits;
	size_t	 wi;
	int	 mta, nomark, p, s, alt = -1, as = -1;

	if (best < 0 || !(seen[best / 64] >> (best % 64) & 1))
		return best;
	mta = idx.kind[best] & K_MTA;
	nomark = lacks_mark(best, text, len);
	if (!mta && !nomark)
		return best;
	for (wi = 0; wi < ROWS_MAX / 64; wi++) {
		for (bits = seen[wi]; bits != 0; bits &= bits - 1) {
			p = (int)(wi * 64) + __builtin_ctzll(bits);
			if (p == best || t[p].cause != t[best].cause ||
			    strcmp(t[p].source, t[best].source) == 0)
				continue;
			if (mta && !(idx.kind[p] & K_LIST))
				continue;
			/* a provider's own words need no mark: only a
			 * wording as long (a shared one) takes its place */
			if (!mta && (lacks_mark(p, text, len) ||
			    t[p].pattern == NULL || t[best].pattern == NULL ||
			    strlen(t[p].pattern) < strlen(t[best].pattern)))
				continue;
			s = row_score(&t[p], 1, code, e);
			if (s >= 0 && better(t, p, s, alt, as)) {
				alt = p;
				as = s;
			}
		}
	}
	return alt >= 0 ? alt : best;
}

/* The best row for the reply, or -1. */
static int
best_row(int code, const struct enhcode *e, const char *text, size_t len)
{
	const struct replydb_row *t;
	const unsigned char	 *u = (const unsigned char *)text;
	uint64_t		  seen[ROWS_MAX / 64];
	size_t			  n, i, j;
	uint32_t		  w = 0;
	int			  best = -1, bs = -1, p, s;

	t = replydb_table(&n);
	memset(seen, 0, sizeof(seen));
	if (len > SCAN_MAX)
		len = SCAN_MAX;
	for (i = 0; i < len; i++) {
		w = w >> 8 | (uint32_t)lc(u[i]) << 24;
		if (i + 1 < PAT_MIN)
			continue;
		for (p = idx.bucket[key4(w)]; p != -1; p = idx.pats[p].next) {
			const struct pat *pt = &idx.pats[p];
			size_t		  at = i + 1 - PAT_MIN;

			if (at + pt->len > len || word4(pt->s) != w ||
			    (seen[pt->row / 64] >> (pt->row % 64) & 1))
				continue;
			for (j = PAT_MIN; j < pt->len; j++)
				if (lc(u[at + j]) != pt->s[j])
					break;
			if (j < pt->len)
				continue;
			seen[pt->row / 64] |= (uint64_t)1 << (pt->row % 64);
			s = row_score(&t[pt->row], 1, code, e);
			if (s >= 0 && better(t, pt->row, s, best, bs)) {
				best = pt->row;
				bs = s;
			}
		}
	}
	for (i = 0; i < (size_t)idx.ncoderows; i++) {
		p = idx.coderows[i];
		s = row_score(&t[p], 0, code, e);
		if (s >= 0 && better(t, p, s, best, bs)) {
			best = p;
			bs = s;
		}
	}
	/*
	 * A code outside the registry is its source's own (Exchange
	 * Online's 5.7.606, 5.2.122): a row that names it applies though
	 * the words differ (another version, another language), as a row
	 * whose words matched would.
	 */
	if (e->cls != 0 && enh_find(e->subject, e->detail) == NULL)
		for (i = 0; i < (size_t)idx.nprivrows; i++) {
			p = idx.privrows[i].row;
			if (idx.privrows[i].subject != e->subject ||
			    idx.privrows[i].detail != e->detail ||
			    (seen[p / 64] >> (p % 64) & 1))
				continue;
			s = row_score(&t[p], 1, code, e);
			if (s >= 0 && better(t, p, s, best, bs)) {
				best = p;
				bs = s;
			}
		}
	return better_source(t, seen, best, code, e, text, len);
}

static void
fill_generic_remedy(struct replydb_match *m)
{
	const struct finding_def *d = finding_def(m->cause);

	m->remedy = d != NULL ? d->hint : "";
}

/* The enhanced code at the start of text (any class), and its length. */
static size_t
lead_enh(const char *text, size_t len, struct enhcode *e)
{
	memset(e, 0, sizeof(*e));
	if (text == NULL)
		return 0;
	return reply_enhcode_parse(text, len, 0, e);
}

static int
generic_cause(enum finding_id id)
{
	return id == F_POLICY_REJECTED || id == F_POLICY_DEFERRED;
}

/*
 * Whether a row that says only "refused" or "deferred" gives way to the
 * enhanced code written: to a registered code of another cause (5.1.1
 * after Sendmail's words "Access denied" is an unknown mailbox), and to
 * a code outside the registry when the row names another one (Exchange
 * Online's 5.7.520 "Access denied, ..." is not Sendmail's 5.7.1 access
 * map). A row that names the very code written keeps its say (Gmail's
 * 451 4.3.0 is a deferral, not the server's trouble).
 */
static int
row_yields(const struct replydb_row *row, const struct enhcode *e,
    const struct enhdef *ed, int local)
{
	if (!generic_cause(row->cause) || e->cls == 0 ||
	    (row->enh != NULL && enh_eq(row->enh, e)))
		return 0;
	if (ed == NULL)
		return row->enh != NULL;
	return !ed->generic && !(!local && ed->subject == 4 &&
	    HOP(ed->detail));
}

/*
 * Do the words of a reply say that the refusal is permanent ("permanent",
 * "permanently deferred"), other than to deny it ("not permanent",
 * "non-permanent")? Senders act on the basic code (RFC 5321 4.2.1), so a
 * 4xx that says so is retried all the same, in vain.
 */
static int
words_permanent(const char *text, size_t len)
{
	static const char	 w[] = "permanent";
	const size_t		 wl = sizeof(w) - 1;
	size_t			 i, j;

	for (i = 0; i + wl <= len; i++) {
		for (j = 0; j < wl; j++)
			if (lc((unsigned char)text[i + j]) != (unsigned char)w[j])
				break;
		if (j < wl)
			continue;
		if (i > 0 && ((lc((unsigned char)text[i - 1]) >= 'a' &&
		    lc((unsigned char)text[i - 1]) <= 'z') ||
		    text[i - 1] == '-'))
			continue;	/* impermanent, non-permanent */
		if ((i >= 4 && strncasecmp(text + i - 4, "not ", 4) == 0) ||
		    (i >= 6 && strncasecmp(text + i - 6, "not a ", 6) == 0))
			continue;
		return 1;
	}
	return 0;
}

static int
classify(int code, const struct enhcode *e, const char *text, size_t len,
    int local, struct replydb_match *m)
{
	const struct replydb_row *t;
	const struct enhdef	 *ed = NULL;
	const struct basicdef	 *bd = NULL;
	size_t			  n, i;
	int			  r;

	if (code < 400 || code > 599)
		return -1;
	pthread_once(&idx_once, index_build);
	memset(m, 0, sizeof(*m));
	m->permanent = code >= 500;
	m->inconsistent = e->cls != 0 && e->cls != code / 100;
	m->says_permanent = code < 500 && text != NULL &&
	    words_permanent(text, len > SCAN_MAX ? SCAN_MAX : len);
	reply_enhcode_str(e, m->enh, sizeof(m->enh));
	if (e->cls != 0) {
		ed = enh_find(e->subject, e->detail);
		m->meaning = ed != NULL ? ed->title :
		    e->subject < 8 ? subject_titles[e->subject] : NULL;
	}
	for (i = 0; i < sizeof(basicdefs) / sizeof(basicdefs[0]); i++)
		if (basicdefs[i].code == code)
			bd = &basicdefs[i];
	if (m->meaning == NULL)
		m->meaning = bd != NULL ? bd->title : code >= 500 ?
		    "Permanent negative completion" :
		    "Transient negative completion";
	t = replydb_table(&n);
	/* a row that only says refused may give way to the code written */
	if (idx.ok && (r = best_row(code, e, text != NULL ? text : "",
	    text != NULL ? len : 0)) >= 0 && !row_yields(&t[r], e, ed, local)) {
		m->level = REPLYDB_ROW;
		m->row = &t[r];
		m->cause = t[r].cause;
		m->source = t[r].source;
		m->remedy = t[r].remedy;
		m->url = t[r].url;
		m->generic = generic_cause(m->cause);
		return 0;
	}
	if (ed != NULL) {
		m->level = REPLYDB_ENHANCED;
		m->cause = ed->cause;
		m->generic = ed->generic;
		m->source = "rfc3463";
		if (!local && ed->subject == 4 && HOP(ed->detail)) {
			/* the server's own lookups failing are its trouble */
			if (ed->detail == 3)
				m->cause = F_SMTP_SERVER_ERROR;
			else
				m->generic = 1;
		}
	} else {
		m->level = REPLYDB_BASIC;
		m->source = "rfc5321";
		m->cause = bd != NULL ? bd->cause : F_POLICY_REJECTED;
		m->generic = bd != NULL ? bd->generic : 1;
	}
	/* a generic cause follows the basic code: 4xx defers, 5xx refuses */
	if (m->generic)
		m->cause = m->permanent ? F_POLICY_REJECTED : F_POLICY_DEFERRED;
	fill_generic_remedy(m);
	return 0;
}

/* The basic code at the start of s ("550 ", "550-", "550"), or 0. */
static int
lead_code(const char *s, size_t len, size_t *used)
{
	if (len < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '9' ||
	    s[2] < '0' || s[2] > '9' || (len > 3 && s[3] != ' ' &&
	    s[3] != '-'))
		return 0;
	*used = len > 3 ? 4 : 3;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/*
 * At s, the reply's own codes again: "550-5.7.27 " or "550 5.7.27 "
 * (the same basic and enhanced code), or "550-" alone. *used gets their
 * length.
 */
static int
repeated_code(const char *s, size_t len, int code, const struct enhcode *e,
    size_t *used)
{
	struct enhcode	 x;
	size_t		 n, k;

	if (lead_code(s, len, &n) != code || n < 4)
		return 0;
	if (e->cls != 0 && (k = reply_enhcode_parse(s + n, len - n, 0, &x)) > 0 &&
	    x.subject == e->subject && x.detail == e->detail) {
		*used = n + k;
		return 1;
	}
	if (s[3] == '-') {
		*used = n;
		return 1;
	}
	return 0;
}

static int
classify_text(int code, const char *text, size_t len, int local,
    struct replydb_match *m)
{
	struct enhcode	 e;
	char		 norm[SCAN_MAX];
	size_t		 off = 0, n = 0, used, end;
	int		 c;

	if (text == NULL) {
		text = "";
		len = 0;
	}
	if (code == 0) {
		code = lead_code(text, len, &used);
		if (code != 0) {
			text += used;
			len -= used;
		}
	}
	lead_enh(text, len, &e);
	/*
	 * The text as the session engine keeps it (reply.h, raw): every
	 * line without the codes that start it, lines joined by a space,
	 * so that a pattern matches a reply copied from a log or a bounce
	 * as it matches one read. Postfix logs a multi-line reply as one
	 * line ("550-5.7.27 first. 550 5.7.27 second"): the codes repeated
	 * inside are taken out too.
	 */
	while (off < len && n < sizeof(norm) - 1) {
		for (end = off; end < len && text[end] != '\n'; end++)
			;
		while (off < end && (text[off] == ' ' || text[off] == '\t' ||
		    text[off] == '\r'))
			off++;
		if ((c = lead_code(text + off, end - off, &used)) != 0)
			off += used;
		if (c != 0 || n == 0)
			off += lead_enh(text + off, end - off, &(struct enhcode){ 0 });
		if (n > 0)
			norm[n++] = ' ';
		while (off < end && n < sizeof(norm) - 1) {
			if (text[off] == ' ' && code != 0 &&
			    repeated_code(text + off + 1, end - off - 1, code,
			    &e, &used)) {
				off += 1 + used;
				norm[n++] = ' ';
				continue;
			}
			norm[n++] = text[off++];
		}
		off = end + 1;
	}
	norm[n] = '\0';
	return classify(code, &e, norm, n, local, m);
}

int
replydb_classify(int code, const char *text, size_t len,
    struct replydb_match *m)
{
	return classify_text(code, text, len, 0, m);
}

int
replydb_classify_local(int code, const char *text, size_t len,
    struct replydb_match *m)
{
	return classify_text(code, text, len, 1, m);
}

int
replydb_classify_reply(const struct reply *r, struct replydb_match *m)
{
	struct enhcode	 e;

	lead_enh(r->enh_written, strlen(r->enh_written), &e);
	return classify(r->code, &e, r->raw, r->rawlen, 0, m);
}

const char *
replydb_label(const struct replydb_match *m, char *buf, size_t sz)
{
	const char	*sep = m->enh[0] ? " " : "";

	/*
	 * A row's pattern is the source's own words for the cause; words
	 * outside ASCII would not survive sanitising: the cause instead.
	 */
	if (m->row != NULL && m->row->pattern != NULL && !has_8bit(m->row->pattern))
		snprintf(buf, sz, "%s%s%s: \"%s\"", m->source, sep, m->enh,
		    m->row->pattern);
	else if (m->row != NULL)
		snprintf(buf, sz, "%s%s%s: %s", m->source, sep, m->enh,
		    finding_def(m->cause)->summary);
	else
		snprintf(buf, sz, "%s%s%s: %s", m->source, sep, m->enh,
		    m->meaning);
	return buf;
}

/* ---- naming a refusal after its command ---- */

/* A cause about the recipient's mailbox or domain: RCPT only. */
static int
recipient_cause(enum finding_id id)
{
	switch (id) {
	case F_POLICY_RCPT_UNKNOWN_USER:
	case F_POLICY_RCPT_REJECTED:
	case F_POLICY_RCPT_MAILBOX_FULL:
	case F_POLICY_RCPT_MAILBOX_DISABLED:
	case F_POLICY_RCPT_RELAY_DENIED:
	case F_DNS_NXDOMAIN:
	case F_MX_NULL:
		return 1;
	default:
		return 0;
	}
}

int
replydb_refuses_client(enum finding_id id)
{
	switch (id) {
	case F_POLICY_CLIENT_REJECTED:
	case F_POLICY_CLIENT_BLOCKLISTED:
	case F_POLICY_CLIENT_REPUTATION:
	case F_POLICY_CLIENT_REVERSE_DNS:
	case F_POLICY_HELO_REJECTED:
		return 1;
	default:
		return 0;
	}
}

enum finding_id
replydb_finding(const struct replydb_match *m, enum replydb_cmd cmd,
    int null_sender)
{
	enum finding_id	 id = m->cause;
	int		 perm = m->permanent;
	int		 client = finding_def(id)->blame == BLAME_CLIENT;

	switch (cmd) {
	case REPLYDB_CMD_BANNER:
		if (client || id == F_POLICY_RATE_LIMITED ||
		    id == F_POLICY_GREYLISTED)
			return id;
		return perm ? F_SMTP_BANNER_5XX : F_SMTP_BANNER_4XX;
	case REPLYDB_CMD_HELO:
		if (client || id == F_POLICY_RATE_LIMITED)
			return id;
		return F_SMTP_EHLO_REJECTED;
	case REPLYDB_CMD_MAIL:
		if (client && id != F_POLICY_SENDER_UNKNOWN_DOMAIN)
			return id;
		if (!perm && (m->generic || recipient_cause(id)))
			return F_POLICY_DEFERRED;
		/* RFC 5321 4.5.5: the null sender must be accepted */
		if (perm && null_sender && (m->generic ||
		    recipient_cause(id) || id == F_POLICY_MAIL_REJECTED ||
		    id == F_POLICY_SENDER_UNKNOWN_DOMAIN))
			return F_POLICY_NULL_SENDER_REJECTED;
		if (m->generic || recipient_cause(id))
			return F_POLICY_MAIL_REJECTED;
		return id;
	case REPLYDB_CMD_RCPT:
		if (m->generic)
			return perm ? F_POLICY_RCPT_REJECTED : F_POLICY_DEFERRED;
		return id;
	default:
		if (m->generic)
			return perm ? F_POLICY_REJECTED : F_POLICY_DEFERRED;
		return id;
	}
}

enum replydb_cmd
replydb_cmd_lookup(const char *c)
{
	static const struct {
		const char	*word;
		enum replydb_cmd cmd;
	} words[] = {
		{ "RCPT", REPLYDB_CMD_RCPT }, { "MAIL", REPLYDB_CMD_MAIL },
		{ "DATA", REPLYDB_CMD_DATA }, { "BDAT", REPLYDB_CMD_DATA },
		{ "end of data", REPLYDB_CMD_DATA },
		{ "end of message", REPLYDB_CMD_DATA },
		{ "message body", REPLYDB_CMD_DATA },
		{ "EHLO", REPLYDB_CMD_HELO }, { "HELO", REPLYDB_CMD_HELO },
		{ "LHLO", REPLYDB_CMD_HELO }, { "greeting", REPLYDB_CMD_BANNER },
		{ "banner", REPLYDB_CMD_BANNER },
		{ "initial server greeting", REPLYDB_CMD_BANNER },
	};
	size_t	 i;

	if (c == NULL || *c == '\0')
		return REPLYDB_CMD_NONE;
	while (*c == ' ')
		c++;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strncasecmp(c, words[i].word, strlen(words[i].word)) == 0)
			return words[i].cmd;
	return REPLYDB_CMD_OTHER;
}
