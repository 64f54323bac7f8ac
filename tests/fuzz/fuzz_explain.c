/*
 * fuzz_explain.c - libFuzzer harness for what `smtprobe explain` reads:
 * bounces (lib/dsn.c: RFC 3464 reports, nested multiparts, base64 and
 * quoted-printable parts, plain-text bounces) and the classification of
 * every recipient found (lib/explain.c, lib/replydb.c), from an
 * exact-size heap copy so that a read past the end trips ASan.
 * Invariant breaks abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "explain.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct dsn_report r;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct explain_item	 it;
	struct explain_ctx	 ctx;
	char			*buf, ev[EXPLAIN_TEXT_MAX + 300];
	char			 u[EXPLAIN_TEXT_MAX * 2];
	int			 n, i;

	if ((buf = malloc(size ? size : 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	(void)dsn_is_message(buf, size);
	n = dsn_parse(buf, size, &r);
	if (n < 0 || n > DSN_RCPTS_MAX || n != (r.kind ? r.nrcpts : 0))
		abort();
	memset(&ctx, 0, sizeof(ctx));
	ctx.from_domain = r.from_domain;
	ctx.env_from = r.env_from;
	ctx.dkim_domain = r.dkim_domain;
	ctx.dkim_selector = r.dkim_selector;
	for (i = 0; i < n; i++) {
		const struct dsn_rcpt *d = &r.rcpts[i];

		if (strlen(d->diag) != d->diaglen || d->diaglen >= DSN_TEXT_MAX ||
		    strlen(d->rcpt) >= sizeof(d->rcpt))
			abort();
		memset(&it, 0, sizeof(it));
		it.input = "fuzz";
		memcpy(it.rcpt, d->rcpt, sizeof(it.rcpt));
		memcpy(it.remote, d->remote_mta, sizeof(it.remote));
		memcpy(it.command, d->command, sizeof(it.command));
		memcpy(it.status, d->status, sizeof(it.status));
		memcpy(it.action, d->action, sizeof(it.action));
		it.code = d->code;
		memcpy(it.text, d->diag, sizeof(it.text) < sizeof(d->diag) ?
		    sizeof(it.text) : sizeof(d->diag));
		it.text[sizeof(it.text) - 1] = '\0';
		explain_classify(&it, &ctx);
		if (it.known && ((unsigned)it.id >= F_COUNT || it.remedy == NULL))
			abort();
		explain_evidence(&it, ev, sizeof(ev));
		explain_utf8(ev, u, sizeof(u));
	}
	free(buf);
	return 0;
}
