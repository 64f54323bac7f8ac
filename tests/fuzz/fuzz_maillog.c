/*
 * fuzz_maillog.c - libFuzzer harness for lib/maillog.c.
 *
 * The input is a log: split on LF, each line parsed from an exact-size
 * heap copy so that any read past its end trips ASan. Invariants of the
 * result are checked (every slice lies inside the line, enums in range,
 * a BAD result has a reason); a break abort()s. maillog_time runs on
 * every stamp with a fixed reference. Every line is also fed to a
 * logsum (lib/logsum.c), whose rows and domains are read at the end.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logsum.h"
#include "maillog.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
inside(struct maillog_str s, const char *line, size_t len)
{
	if (s.p == NULL) {
		if (s.len != 0)
			abort();
		return;
	}
	if (s.p < line || s.p + s.len > line + len)
		abort();
}

static void
one_line(const char *line, size_t len)
{
	struct maillog_event	 ev;
	enum maillog_parse	 r;
	const char		*why = NULL;

	r = maillog_parse_line(line, len, &ev, &why);
	switch (r) {
	case MAILLOG_BAD:
	case MAILLOG_TOO_LONG:
		if (why == NULL)
			abort();
		return;
	case MAILLOG_FOREIGN:
		return;
	case MAILLOG_OK:
		break;
	default:
		abort();
	}
	inside(ev.node, line, len);
	inside(ev.program, line, len);
	inside(ev.qid, line, len);
	inside(ev.rcpt, line, len);
	inside(ev.orig_rcpt, line, len);
	inside(ev.sender, line, len);
	inside(ev.peer, line, len);
	inside(ev.peer_addr, line, len);
	inside(ev.helo, line, len);
	inside(ev.proto, line, len);
	inside(ev.dsn, line, len);
	inside(ev.detail, line, len);
	inside(ev.enh, line, len);
	inside(ev.reply, line, len);
	inside(ev.command, line, len);
	inside(ev.domain, line, len);
	inside(ev.client_ip, line, len);
	inside(maillog_domain(ev.rcpt), line, len);
	if (ev.status >= MAILLOG_ST_COUNT || ev.phase >= MAILLOG_PH_COUNT ||
	    ev.failure >= MAILLOG_FAIL_COUNT || ev.result >= MAILLOG_RES_COUNT)
		abort();
	if (ev.code != 0 && (ev.code < 200 || ev.code > 599))
		abort();
	if (ev.peer_port < 0 || ev.peer_port > 65535)
		abort();
	(void)maillog_time(&ev.ts, 1796551096);
	(void)maillog_status_name(ev.status);
	(void)maillog_phase_name(ev.phase);
	(void)maillog_failure_name(ev.failure);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*p = data, *end = data + size, *nl;
	char		*line;
	size_t		 len, n, i;
	struct logsum_params sp;
	struct logsum	*sum;
	const struct logsum_row *const *rows;
	const struct logsum_domain *const *doms;

	memset(&sp, 0, sizeof(sp));
	sp.now = 1796551096;
	if ((sum = logsum_new(&sp)) == NULL)
		abort();
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl ? nl : end) - p);
		if ((line = malloc(len ? len : 1)) == NULL)
			abort();
		memcpy(line, p, len);
		one_line(line, len);
		(void)logsum_feed(sum, line, len);
		free(line);
		p = nl ? nl + 1 : end;
	}
	rows = logsum_rows(sum, &n);
	for (i = 0; i < n; i++)
		if (rows[i]->attempts == 0 || rows[i]->cause >= F_COUNT ||
		    strlen(rows[i]->sample) > LOGSUM_SAMPLE_MAX)
			abort();
	doms = logsum_domains(sum, &n);
	for (i = 0; i < n; i++)
		if (doms[i]->domain == NULL)
			abort();
	logsum_free(sum);
	return 0;
}
