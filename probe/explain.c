/*
 * explain.c - `smtprobe explain`: the cause of a refusal the user
 * already has.
 *
 *	smtprobe explain [--json] [-v] [TEXT ...]
 *
 * TEXT, or standard input when none is given, is one of:
 *	a reply ("550 5.1.1 ...", one or more lines, with or without the
 *	code on every line);
 *	lines of an MTA's log (Postfix, Exim): each delivery that failed;
 *	a bounce: an RFC 3464 delivery status notification, or the plain
 *	text an MTA writes for people.
 * Each refused recipient gets its cause (a finding id of the knowledge
 * base), layer, severity, blame, source and reference, remedy and the
 * smtprobe command that checks it further. The exit status follows the
 * worst severity (0 1 2), 3 when nothing could be read.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dsn.h"
#include "explain.h"
#include "maillog.h"
#include "explain_cmd.h"
#include "util.h"
#include "version.h"

#define INPUT_MAX	(32L * 1024 * 1024)	/* bytes of standard input */
#define ITEMS_MAX	256			/* refusals explained */

struct run {
	struct explain_item	*items;
	int			 n;
	int			 dropped;	/* over ITEMS_MAX */
	const char		*input;		/* what the input was read as */
	struct explain_ctx	 ctx;
	struct dsn_report	 dsn;
	int			 unread;	/* log lines not understood */
};

static __attribute__((noreturn)) void
explain_usage(int rc)
{
	fprintf(rc == 0 ? stdout : stderr,
	    "usage: smtprobe explain [--json] [-v] [TEXT ...]\n"
	    "\n"
	    "Explain a refusal you already have: TEXT, or standard input, is\n"
	    "an SMTP reply, lines of a Postfix or Exim log, or a bounce (a\n"
	    "delivery status notification or a plain-text bounce message).\n"
	    "\n"
	    "  --json         one JSON object: status and the refusals\n"
	    "  -v             also list log lines that were not understood\n"
	    "  -V, --version  the version, and exit\n"
	    "  -h, --help     this help\n");
	exit(rc);
}

static __attribute__((noreturn, format(printf, 1, 2))) void
die3(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "smtprobe explain: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(3);
}

/* All of standard input, bounded, NUL-terminated; *len without it. */
static char *
read_input(size_t *len)
{
	char	*buf = NULL, *nb;
	size_t	 n = 0, cap = 0;
	ssize_t	 r;

	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			if (cap > (size_t)INPUT_MAX + 65536)
				cap = (size_t)INPUT_MAX + 65536;
			if ((nb = realloc(buf, cap + 1)) == NULL)
				die3("out of memory");
			buf = nb;
		}
		r = read(STDIN_FILENO, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			die3("reading standard input: %s", strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > (size_t)INPUT_MAX)
			die3("the input is over %ld MiB: give the bounce's "
			    "report (its first parts) or the log lines, not "
			    "the whole message", INPUT_MAX / 1024 / 1024);
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static struct explain_item *
item_new(struct run *r, const char *input)
{
	struct explain_item	*it;

	if (r->n >= ITEMS_MAX) {
		r->dropped++;
		return NULL;
	}
	it = &r->items[r->n++];
	memset(it, 0, sizeof(*it));
	it->input = input;
	return it;
}

static void
copy_str(char *dst, size_t sz, struct maillog_str s)
{
	size_t	 n = s.len < sz - 1 ? s.len : sz - 1;

	if (s.p != NULL)
		memcpy(dst, s.p, n);
	dst[s.p != NULL ? n : 0] = '\0';
}

/* The text of a reply after its basic code ("550 5.1.1 x" -> "5.1.1 x"). */
static const char *
after_code(const char *s, int *code)
{
	*code = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if ((s[0] == '4' || s[0] == '5') && s[1] >= '0' && s[1] <= '9' &&
	    s[2] >= '0' && s[2] <= '9' && (s[3] == ' ' || s[3] == '-' ||
	    s[3] == '\0' || s[3] == '\n')) {
		*code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
		return s[3] == '\0' ? s + 3 : s + 4;
	}
	return s;
}

/* ---- the three kinds of input ---- */

/*
 * Postfix logs a message's sender once (qmgr "from=<...>") and each
 * delivery attempt apart: the two are joined by queue id.
 */
#define SENDERS_MAX	65536

struct sender {
	char	 qid[24];
	char	 from[256];
};

static struct sender *senders;

static unsigned
qid_hash(const char *s, size_t n)
{
	unsigned	 h = 2166136261u;

	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct sender *
sender_slot(struct maillog_str qid, int add)
{
	unsigned	 h, i;
	struct sender	*s;

	if (senders == NULL || qid.len == 0 || qid.len >= sizeof(s->qid))
		return NULL;
	h = qid_hash(qid.p, qid.len);
	for (i = 0; i < 64; i++) {
		s = &senders[(h + i) % SENDERS_MAX];
		if (s->qid[0] == '\0') {
			if (!add)
				return NULL;
			memcpy(s->qid, qid.p, qid.len);
			s->qid[qid.len] = '\0';
			return s;
		}
		if (strlen(s->qid) == qid.len &&
		    memcmp(s->qid, qid.p, qid.len) == 0)
			return s;
	}
	return NULL;
}

static void
senders_read(const char *buf, size_t len)
{
	struct maillog_event	 ev;
	struct sender		*s;
	const char		*line = buf, *nl, *why;

	if ((senders = calloc(SENDERS_MAX, sizeof(*senders))) == NULL)
		return;
	while (line < buf + len) {
		size_t	 n;

		nl = memchr(line, '\n', (size_t)(buf + len - line));
		n = nl ? (size_t)(nl - line) : (size_t)(buf + len - line);
		if (maillog_parse_line(line, n, &ev, &why) == MAILLOG_OK &&
		    ev.kind == MAILLOG_KIND_SENDER &&
		    (s = sender_slot(ev.qid, 1)) != NULL) {
			copy_str(s->from, sizeof(s->from), ev.sender);
			if (s->from[0] == '\0')
				util_strlcpy(s->from, "<>", sizeof(s->from));
		}
		line = nl ? nl + 1 : buf + len;
	}
}

static int
read_log(struct run *r, char *buf, size_t len, int verbose)
{
	struct maillog_event	 ev;
	struct explain_item	*it;
	struct sender		*snd;
	char			*line = buf, *nl;
	const char		*why;
	int			 found = 0, mta = 0;

	senders_read(buf, len);
	while (line < buf + len) {
		size_t	 n;

		nl = memchr(line, '\n', (size_t)(buf + len - line));
		n = nl ? (size_t)(nl - line) : (size_t)(buf + len - line);
		switch (maillog_parse_line(line, n, &ev, &why)) {
		case MAILLOG_OK:
			mta = 1;
			if (ev.kind != MAILLOG_KIND_DELIVERY &&
			    ev.kind != MAILLOG_KIND_REJECT)
				break;
			if (ev.status == MAILLOG_ST_SENT)
				break;
			if ((it = item_new(r, ev.mta == MAILLOG_MTA_EXIM ?
			    "exim" : "postfix")) == NULL)
				break;
			copy_str(it->rcpt, sizeof(it->rcpt), ev.rcpt);
			copy_str(it->sender, sizeof(it->sender), ev.sender);
			if (ev.sender.p != NULL && ev.sender.len == 0)
				util_strlcpy(it->sender, "<>", sizeof(it->sender));
			if (it->sender[0] == '\0' &&
			    (snd = sender_slot(ev.qid, 0)) != NULL)
				util_strlcpy(it->sender, snd->from,
				    sizeof(it->sender));
			copy_str(it->remote, sizeof(it->remote), ev.peer);
			copy_str(it->remote_addr, sizeof(it->remote_addr),
			    ev.peer_addr);
			copy_str(it->command, sizeof(it->command), ev.command);
			if (it->command[0] == '\0' && ev.phase != MAILLOG_PH_NONE)
				util_strlcpy(it->command,
				    maillog_phase_name(ev.phase),
				    sizeof(it->command));
			copy_str(it->status, sizeof(it->status), ev.dsn);
			if (it->status[0] == '\0')
				copy_str(it->status, sizeof(it->status), ev.enh);
			util_strlcpy(it->action, maillog_status_name(ev.status),
			    sizeof(it->action));
			it->code = ev.code;
			if (ev.code != 0) {
				/* the enhanced code, then the text */
				char	 e[16];

				copy_str(e, sizeof(e), ev.enh);
				snprintf(it->text, sizeof(it->text), "%s%s%.*s",
				    e, e[0] ? " " : "", (int)ev.reply.len,
				    ev.reply.p ? ev.reply.p : "");
			} else
				copy_str(it->text, sizeof(it->text), ev.detail);
			found++;
			break;
		case MAILLOG_FOREIGN:
			break;
		case MAILLOG_BAD:
		case MAILLOG_TOO_LONG:
			r->unread++;
			if (verbose)
				fprintf(stderr, "not understood: %.*s%s\n",
				    (int)(n > 200 ? 200 : n), line,
				    n > 200 ? "..." : "");
			break;
		}
		line = nl ? nl + 1 : buf + len;
	}
	free(senders);
	senders = NULL;
	return mta ? found : -1;
}

static int
read_bounce(struct run *r, const char *buf, size_t len)
{
	struct explain_item	*it;
	int			 i;

	if (dsn_parse(buf, len, &r->dsn) == 0)
		return 0;
	r->ctx.from_domain = r->dsn.from_domain;
	r->ctx.env_from = r->dsn.env_from;
	r->ctx.dkim_domain = r->dsn.dkim_domain;
	r->ctx.dkim_selector = r->dsn.dkim_selector;
	for (i = 0; i < r->dsn.nrcpts; i++) {
		const struct dsn_rcpt	*d = &r->dsn.rcpts[i];
		const char		*t;
		int			 code;

		if ((it = item_new(r, r->dsn.kind == DSN_KIND_REPORT ?
		    "dsn" : "bounce")) == NULL)
			break;
		util_strlcpy(it->rcpt, d->rcpt, sizeof(it->rcpt));
		util_strlcpy(it->sender, r->dsn.env_from[0] ?
		    r->dsn.env_from : "", sizeof(it->sender));
		util_strlcpy(it->remote, d->remote_mta, sizeof(it->remote));
		util_strlcpy(it->remote_addr, d->remote_addr,
		    sizeof(it->remote_addr));
		util_strlcpy(it->command, d->command, sizeof(it->command));
		util_strlcpy(it->status, d->status, sizeof(it->status));
		util_strlcpy(it->action, d->action, sizeof(it->action));
		t = after_code(d->diag, &code);
		it->code = code;
		util_strlcpy(it->text, code ? t : d->diag, sizeof(it->text));
	}
	return r->dsn.nrcpts;
}

static int
read_reply(struct run *r, const char *buf)
{
	struct explain_item	*it;
	const char		*t;
	int			 code;

	t = after_code(buf, &code);
	while (*t == '\n')
		t++;
	if ((it = item_new(r, "reply")) == NULL)
		return 0;
	it->code = code;
	util_strlcpy(it->text, t, sizeof(it->text));
	/* trailing line ends are not part of the reply */
	while (it->text[0] != '\0' && (it->text[strlen(it->text) - 1] == '\n' ||
	    it->text[strlen(it->text) - 1] == '\r' ||
	    it->text[strlen(it->text) - 1] == ' '))
		it->text[strlen(it->text) - 1] = '\0';
	if (code == 0) {
		/* words without a code: read as a permanent refusal */
		it->code = 550;
		util_strlcpy(it->action, "assumed", sizeof(it->action));
	}
	return 1;
}

/* Drop CRs so that CRLF input reads as LF input. */
static size_t
strip_cr(char *buf, size_t len)
{
	size_t	 i, o = 0;

	for (i = 0; i < len; i++)
		if (buf[i] != '\r' || (i + 1 < len && buf[i + 1] != '\n'))
			buf[o++] = buf[i];
	buf[o] = '\0';
	return o;
}

static int
looks_like_bounce(const char *buf, size_t len)
{
	static const char *const marks[] = {
		"said: ", "<<< ", "Remote Server returned",
		"SMTP error from remote", "Diagnostic-Code:", "Final-Recipient:",
		"Remote host said:", "The response from the remote server",
		"Reporting-MTA:", "Bounce reason",
		"This is the qmail-send program",
	};
	size_t	 i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (memmem(buf, len, marks[i], strlen(marks[i])) != NULL)
			return 1;
	return 0;
}

/* ---- output ---- */

static const char *
level_name(enum replydb_level l)
{
	switch (l) {
	case REPLYDB_ROW:
		return "row";
	case REPLYDB_ENHANCED:
		return "enhanced";
	default:
		return "basic";
	}
}

static json_t *
jstr(const char *s)
{
	return s != NULL && s[0] ? json_string(s) : json_null();
}

/*
 * Permanent as senders act on it: by the basic code when there is one (a
 * 421 that says "permanently deferred" is still retried), else by what
 * the report says.
 */
static int
item_permanent(const struct explain_item *it)
{
	if (it->m.source != NULL)
		return it->m.permanent;
	return it->sev == SEV_CRIT;
}

static json_t *
item_json(const struct explain_item *it)
{
	const struct finding_def *d = finding_def(it->id);
	json_t			 *o = json_object(), *rep = json_object();
	char			  ev[EXPLAIN_TEXT_MAX + 300];
	char			  clean[EXPLAIN_TEXT_MAX * 2];

	json_object_set_new(o, "id", json_string(d->id));
	json_object_set_new(o, "layer",
	    json_string(finding_layer_name(d->layer)));
	json_object_set_new(o, "severity",
	    json_string(finding_severity_name(it->sev)));
	json_object_set_new(o, "blame",
	    json_string(finding_blame_name(d->blame)));
	json_object_set_new(o, "host", jstr(it->remote));
	json_object_set_new(o, "addr", jstr(it->remote_addr));
	json_object_set_new(o, "port", json_null());
	explain_evidence(it, clean, sizeof(clean));
	util_sanitize_buf(ev, sizeof(ev), clean, strlen(clean));
	json_object_set_new(o, "evidence", json_string(ev));
	json_object_set_new(o, "hint", json_string(it->remedy));
	json_object_set_new(o, "summary", json_string(d->summary));
	json_object_set_new(o, "recipient", jstr(it->rcpt));
	json_object_set_new(o, "sender", jstr(it->sender));
	json_object_set_new(o, "command", jstr(it->command));
	json_object_set_new(o, "action", jstr(it->action));
	json_object_set_new(o, "status_code", jstr(it->status));
	json_object_set_new(rep, "code", it->code && strcmp(it->action,
	    "assumed") != 0 ? json_integer(it->code) : json_null());
	json_object_set_new(rep, "enhanced", jstr(it->m.enh));
	explain_text_line(it, ev, sizeof(ev));
	explain_utf8(ev, clean, sizeof(clean));
	json_object_set_new(rep, "text", json_string(clean));
	json_object_set_new(o, "reply", rep);
	json_object_set_new(o, "permanent", json_boolean(item_permanent(it)));
	json_object_set_new(o, "source", jstr(it->m.source));
	json_object_set_new(o, "level", it->m.source ?
	    json_string(level_name(it->m.level)) : json_null());
	json_object_set_new(o, "meaning", jstr(it->m.meaning));
	json_object_set_new(o, "reference", jstr(it->m.url));
	json_object_set_new(o, "input", json_string(it->input));
	json_object_set_new(o, "check", jstr(it->check));
	return o;
}

static void
item_human(FILE *f, const struct explain_item *it)
{
	const struct finding_def *d = finding_def(it->id);
	char			  t[EXPLAIN_TEXT_MAX * 2], label[EXPLAIN_TEXT_MAX];

	explain_text_line(it, label, sizeof(label));
	explain_utf8(label, t, sizeof(t));
	fprintf(f, "%s", it->rcpt[0] ? it->rcpt : "(recipient not named)");
	if (it->remote[0] && strcmp(it->remote, "none") != 0)
		fprintf(f, ": %s by %s%s%s%s", item_permanent(it) ?
		    "refused" : "deferred", it->remote,
		    it->remote_addr[0] ? " [" : "", it->remote_addr,
		    it->remote_addr[0] ? "]" : "");
	else
		fprintf(f, ": %s", item_permanent(it) ? "refused" :
		    "deferred");
	if (it->command[0])
		fprintf(f, " after %s", it->command);
	fprintf(f, "\n");
	if (it->code != 0 && strcmp(it->action, "assumed") != 0)
		fprintf(f, "  reply    %d %s\n", it->code, t);
	else
		fprintf(f, "  said     %s%s\n", t,
		    strcmp(it->action, "assumed") == 0 ?
		    "  (no reply code given: read as a permanent refusal)" : "");
	fprintf(f, "  cause    %s (%s, %s, blame: %s)\n           %s\n", d->id,
	    finding_layer_name(d->layer), finding_severity_name(it->sev),
	    finding_blame_name(d->blame), d->summary);
	if (it->m.source != NULL) {
		replydb_label(&it->m, label, sizeof(label));
		fprintf(f, "  source   %s%s%s\n", label,
		    it->m.url ? "\n           " : "", it->m.url ? it->m.url : "");
	}
	if (it->m.inconsistent)
		fprintf(f, "  note     the enhanced code's class disagrees with "
		    "%d: senders act on the basic code, so this is %s\n",
		    it->code, it->m.permanent ? "permanent" : "temporary");
	if (it->m.says_permanent)
		fprintf(f, "  note     %d is a temporary code, but the text says "
		    "the refusal is permanent: the sender retries, in vain "
		    "until the cause is fixed\n", it->code);
	fprintf(f, "  remedy   %s\n", it->remedy);
	if (it->check[0])
		fprintf(f, "  check    %s\n", it->check);
}

int
cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct run	 r;
	char		*buf;
	size_t		 len, i;
	int		 ch, json = 0, verbose = 0, found = 0, k;
	enum severity	 worst = SEV_OK;

	while ((ch = getopt_long(argc, argv, "hjvV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			explain_usage(0);
		case 'V':
			version_print(stdout, "smtprobe");
			exit(0);
		default:
			explain_usage(3);
		}
	}
	argc -= optind;
	argv += optind;
	memset(&r, 0, sizeof(r));
	if ((r.items = calloc(ITEMS_MAX, sizeof(*r.items))) == NULL)
		die3("out of memory");
	if (argc > 0) {
		size_t	 n = 0;

		for (k = 0; k < argc; k++)
			n += strlen(argv[k]) + 1;
		if ((buf = malloc(n + 1)) == NULL)
			die3("out of memory");
		buf[0] = '\0';
		for (k = 0; k < argc; k++) {
			strcat(buf, argv[k]);
			if (k + 1 < argc)
				strcat(buf, " ");
		}
		len = strlen(buf);
	} else {
		if (isatty(STDIN_FILENO))
			fprintf(stderr, "smtprobe explain: reading the refusal "
			    "from standard input (end with Ctrl-D)\n");
		buf = read_input(&len);
	}
	if (memchr(buf, '\0', len) != NULL)
		die3("binary input (a NUL byte at offset %zu): give a reply, "
		    "log lines or a bounce message as text",
		    (size_t)((char *)memchr(buf, '\0', len) - buf));
	len = strip_cr(buf, len);
	for (i = 0; i < len && (buf[i] == ' ' || buf[i] == '\t' ||
	    buf[i] == '\n'); i++)
		;
	if (i == len)
		die3("empty input: give a reply, log lines or a bounce");

	/* the kind of input, from the most structured to the least */
	if ((found = read_log(&r, buf + i, len - i, verbose)) >= 0)
		r.input = "log";
	else if ((r.unread = 0), dsn_is_message(buf + i, len - i) ||
	    looks_like_bounce(buf + i, len - i)) {
		r.n = 0;
		found = read_bounce(&r, buf + i, len - i);
		r.input = r.dsn.kind == DSN_KIND_REPORT ? "dsn" : "bounce";
	} else {
		found = read_reply(&r, buf + i);
		r.input = "reply";
	}
	for (k = 0; k < r.n; k++) {
		explain_classify(&r.items[k], &r.ctx);
		/* words without a code: only what the knowledge base knows */
		if (strcmp(r.items[k].action, "assumed") == 0 &&
		    r.items[k].m.level != REPLYDB_ROW)
			r.items[k].known = 0;
		if (r.items[k].known && r.items[k].sev > worst)
			worst = r.items[k].sev;
	}
	if (json) {
		json_t	*o = json_object(), *a = json_array();

		for (k = 0; k < r.n; k++)
			if (r.items[k].known)
				json_array_append_new(a,
				    item_json(&r.items[k]));
		json_object_set_new(o, "status", json_string(found > 0 &&
		    json_array_size(a) > 0 ? finding_status_name(worst) :
		    "unknown"));
		json_object_set_new(o, "input", json_string(r.input));
		json_object_set_new(o, "refusals", a);
		json_object_set_new(o, "lines_not_understood",
		    json_integer(r.unread));
		if (r.dropped)
			json_object_set_new(o, "dropped",
			    json_integer(r.dropped));
		if (r.dsn.truncated)
			json_object_set_new(o, "recipients_not_read",
			    json_true());
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		int	 shown = 0;

		for (k = 0; k < r.n; k++) {
			if (!r.items[k].known)
				continue;
			if (shown++)
				fputc('\n', stdout);
			item_human(stdout, &r.items[k]);
		}
		if (r.dropped)
			printf("\n(%d more refusals not shown)\n", r.dropped);
		if (r.dsn.truncated)
			printf("\n(the bounce names more than %d recipients: "
			    "the rest were not read)\n", DSN_RCPTS_MAX);
	}
	{
		int	 known = 0;

		for (k = 0; k < r.n; k++)
			known += r.items[k].known;
		if (known == 0) {
			struct stat	 st;

			fprintf(stderr, "smtprobe explain: no refusal found in "
			    "the input (read as %s%s)\n", r.input, r.unread ?
			    ", some lines not understood: see -v" : "");
			/* the arguments are the text, not a file to read */
			if (argc == 1 && stat(argv[0], &st) == 0 &&
			    S_ISREG(st.st_mode))
				fprintf(stderr, "smtprobe explain: %s is a file: "
				    "give it on standard input (smtprobe explain "
				    "< %s)\n", argv[0], argv[0]);
			free(buf);
			free(r.items);
			return 3;
		}
	}
	free(buf);
	free(r.items);
	return worst == SEV_CRIT ? 2 : worst == SEV_WARN ? 1 : 0;
}
