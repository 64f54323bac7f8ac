/*
 * render.c - the three faces of a report: human, JSON, Nagios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ehlo.h"
#include "render.h"
#include "report.h"
#include "util.h"
#include "value.h"

int
render_json(FILE *f, const struct check_report *rep)
{
	json_t	*o = report_json(rep);
	int	 rv;

	rv = json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(o);
	return rv;
}

/* ---- human ---- */

struct colours {
	const char	*crit, *warn, *info, *ok, *dim, *bold, *off;
};

static const struct colours plain = { "", "", "", "", "", "", "" };
static const struct colours ansi = { "\033[1;31m", "\033[1;33m", "\033[36m",
	"\033[1;32m", "\033[2m", "\033[1m", "\033[0m" };

static const char *
sev_colour(const struct colours *k, enum severity s)
{
	switch (s) {
	case SEV_CRIT:
		return k->crit;
	case SEV_WARN:
		return k->warn;
	case SEV_INFO:
		return k->info;
	default:
		return k->ok;
	}
}

static const char *
date_str(int64_t t, char *buf, size_t sz)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL)
		util_strlcpy(buf, "?", sz);
	else
		strftime(buf, sz, "%Y-%m-%d", &tm);
	return buf;
}

static void
human_session(FILE *f, const struct check_report *rep, const struct smtp_session *s,
    const struct colours *k)
{
	const struct smtp_result	*r = smtp_session_result(s);
	const struct smtp_params	*p = smtp_session_params(s);
	char				 e[16], caps[256], d[16];
	int				 i;

	(void)rep;
	fprintf(f, "%s%s [%s]:%d%s  %s%s%s  %.1f ms  from %s\n", k->bold,
	    p->host, r->remote, r->port, k->off,
	    r->outcome == SMTP_OK ? k->ok : k->crit,
	    smtp_outcome_name(r->outcome), k->off, r->total_us / 1000.0,
	    r->local[0] ? r->local : "-");
	for (i = 0; i < r->nsteps; i++) {
		const struct smtp_step *st = &r->steps[i];

		fprintf(f, "  %-9s %8.1f ms  ", smtp_phase_name(st->phase),
		    st->dur_us / 1000.0);
		if (st->code != 0)
			fprintf(f, "%d%s%s ", st->code,
			    st->enh.cls ? " " : "",
			    reply_enhcode_str(&st->enh, e, sizeof(e)));
		if (st->text != NULL)
			fprintf(f, "%s", st->text);
		if (st->error != NULL)
			fprintf(f, "%s(%s)%s", k->crit, st->error, k->off);
		if (st->cmd != NULL)
			fprintf(f, "  %s<- %s%s", k->dim, st->cmd, k->off);
		fprintf(f, "\n");
	}
	if (r->caps.nlines > 0 && !r->helo_fallback)
		fprintf(f, "  extensions: %s%s%s\n",
		    ehlo_flags_str(r->caps.flags, caps, sizeof(caps)),
		    r->caps.auth[0] ? "  AUTH " : "", r->caps.auth);
	if (r->tls_used) {
		const struct tls_info *t = &r->tls;

		fprintf(f, "  TLS: %s %s%s%s\n", t->version, t->cipher,
		    t->group[0] ? " group " : "", t->group);
		if (t->nchain > 0) {
			const struct tls_cert *c = &t->chain[0];

			fprintf(f, "       subject %s\n       issuer  %s\n",
			    c->subject, c->issuer);
			fprintf(f, "       SAN %s\n", c->sans[0] ? c->sans :
			    "(none)");
			fprintf(f, "       expires %s (%d days)  key %s %d bits\n",
			    date_str(c->not_after, d, sizeof(d)), t->days_left,
			    c->key_type, c->key_bits);
		}
		fprintf(f, "       chain %s%s%s  name %s %s\n",
		    t->verified ? "verified" : "NOT verified",
		    t->verify_error[0] ? ": " : "", t->verify_error,
		    t->hostname, t->hostname_ok ? "matches" : "does NOT match");
	} else if (p->tls_policy != TLSPOL_NONE && r->outcome == SMTP_OK)
		fprintf(f, "  TLS: none\n");
	fprintf(f, "\n");
}

/* A lookup that ended without an answer about the name. */
static int
lookup_failed(enum dns_status st)
{
	return st == DNS_TIMEOUT || st == DNS_SERVFAIL || st == DNS_REFUSED ||
	    st == DNS_FORMERR || st == DNS_ERROR;
}

/* A record, "(none)" when there is none, or why its lookup failed. */
static void
human_record(FILE *f, const char *what, const char *rec, enum dns_status st)
{
	if (rec == NULL && lookup_failed(st))
		fprintf(f, "  %-9s (lookup failed: %s)\n", what,
		    dns_status_name(st));
	else
		fprintf(f, "  %-9s %s\n", what, rec != NULL ? rec : "(none)");
}

static void
human_dns(FILE *f, const struct audit_result *a, const struct colours *k)
{
	char	 u[4 * VALUE_NAME_MAX + 1];
	int	 m, i, t, idn;

	idn = value_name_unicode(a->domain, u, sizeof(u));
	fprintf(f, "%sDNS %s%s%s%s  (%lld ms)\n", k->bold, a->domain,
	    idn ? " = " : "", idn ? u : "", k->off, (long long)a->ms);
	if (a->null_mx)
		fprintf(f, "  MX        0 . (null MX: no mail accepted)\n");
	if (a->nmx == 0 && !a->null_mx && lookup_failed(a->mx_status))
		fprintf(f, "  MX        (lookup failed: %s)\n",
		    dns_status_name(a->mx_status));
	for (m = 0; m < a->nmx; m++) {
		const struct audit_mx *mx = &a->mx[m];

		if (a->host_mode)
			fprintf(f, "  host      %s%s%s\n", mx->host,
			    mx->cname[0] ? " -> CNAME " : "", mx->cname);
		else if (mx->implicit)
			fprintf(f, "  MX        (none: the domain itself, %s)\n",
			    mx->host);
		else
			fprintf(f, "  MX        %d %s%s%s\n", mx->pref, mx->host,
			    mx->cname[0] ? " -> CNAME " : "", mx->cname);
		if (mx->naddrs == 0)
			fprintf(f, "            no address (A %s, AAAA %s)\n",
			    dns_status_name(mx->a_status),
			    dns_status_name(mx->aaaa_status));
		for (i = 0; i < mx->naddrs; i++) {
			const struct audit_addr *ad = &mx->addrs[i];

			fprintf(f, "            %-39s PTR %s%s%s\n", ad->addr,
			    ad->ptr[0] ? ad->ptr : "-",
			    ad->ptr[0] && !ad->fcrdns ? " (not confirmed)" : "",
			    ad->listed ? "  LISTED" : "");
		}
		for (t = 0; t < mx->ntlsa; t++) {
			const struct audit_tlsa *tl = &mx->tlsa[t];

			if (tl->n == 0)
				continue;
			fprintf(f, "            TLSA _%d._tcp: %d record(s)%s\n",
			    tl->port, tl->n, tl->secure ? " (DNSSEC)" :
			    " (not validated)");
			for (i = 0; i < tl->n; i++)
				fprintf(f, "              %u %u %u (%zu bytes)\n",
				    tl->v[i].usage, tl->v[i].selector,
				    tl->v[i].mtype, tl->v[i].len);
		}
	}
	if (a->host_mode) {
		fprintf(f, "\n");
		return;
	}
	human_record(f, "SPF", a->spf, a->spf_status);
	human_record(f, "DMARC", a->dmarc, a->dmarc_status);
	if (a->dmarc != NULL && strcmp(a->dmarc_domain, a->domain) != 0)
		fprintf(f, "            at _dmarc.%s, the organisational "
		    "domain's\n", a->dmarc_domain);
	for (i = 0; i < a->ndkim; i++) {
		char	 w[80];

		snprintf(w, sizeof(w), "DKIM %s", a->dkim[i].selector);
		human_record(f, w, a->dkim[i].record, a->dkim_status[i]);
	}
	human_record(f, "MTA-STS", a->mtasts_txt, a->mtasts_status);
	if (a->mtasts_valid)
		fprintf(f, "            policy: mode %s, max_age %u, %zu mx "
		    "pattern(s)\n", mtasts_mode_name(a->mtasts.mode),
		    a->mtasts.max_age, a->mtasts.nmx);
	human_record(f, "TLS-RPT", a->tlsrpt, a->tlsrpt_status);
	fprintf(f, "\n");
}

void
render_human(FILE *f, const struct check_report *rep, int colour)
{
	const struct colours	*k = colour ? &ansi : &plain;
	const char		*st = check_status(rep);
	char			 u[4 * VALUE_NAME_MAX + 1];
	char			 other[sizeof(u) + 4];
	size_t			 i;
	int			 j;

	/* an internationalized name in its other form too (RFC 5890) */
	other[0] = '\0';
	if (rep->name != NULL && value_name_unicode(rep->name, u,
	    sizeof(u)) == 1)
		snprintf(other, sizeof(other), " (%s)",
		    strstr(rep->target, rep->name) != NULL ? u : rep->name);
	fprintf(f, "%ssmtprobe check %s%s%s: %s%s%s\n\n", k->bold, rep->target,
	    other, k->off, sev_colour(k, rep->worst), st, k->off);
	if (rep->unknown)
		fprintf(f, "%s\n\n", rep->error);
	if (rep->audit != NULL)
		human_dns(f, rep->audit, k);
	for (j = 0; j < rep->nsessions; j++)
		human_session(f, rep, rep->sessions[j], k);
	if (rep->findings.n == 0) {
		fprintf(f, "No findings.\n");
		return;
	}
	fprintf(f, "Findings\n");
	for (i = 0; i < rep->findings.n; i++) {
		const struct finding	 *fd = &rep->findings.v[i];
		const struct finding_def *def = finding_def(fd->id);

		fprintf(f, "  %s%-4s%s %s", sev_colour(k, fd->severity),
		    finding_severity_name(fd->severity), k->off, def->id);
		if (fd->addr != NULL)
			fprintf(f, "  [%s]", fd->addr);
		if (fd->port != 0)
			fprintf(f, ":%d", fd->port);
		fprintf(f, "\n       %s\n       %shint: %s%s\n", fd->evidence,
		    k->dim, finding_hint(fd), k->off);
	}
}

/* ---- Nagios ---- */

void
render_nagios(FILE *f, const struct check_report *rep)
{
	static const char *words[] = { "OK", "OK", "WARNING", "CRITICAL" };
	const char	*w;
	size_t		 i, shown = 0;
	int		 j;

	w = rep->incomplete || (rep->unknown && rep->worst < SEV_WARN) ?
	    "UNKNOWN" : words[rep->worst];
	fprintf(f, "SMTPROBE %s - %s", w, rep->target);
	if (rep->unknown || rep->incomplete)
		fprintf(f, ": %s", rep->error);
	for (i = 0; i < rep->findings.n; i++) {
		const struct finding *fd = &rep->findings.v[i];

		if (fd->severity != rep->worst || fd->severity < SEV_WARN)
			continue;
		if (shown++ < 3)
			fprintf(f, "%s %s", shown == 1 ? ":" : ",",
			    finding_def(fd->id)->id);
	}
	if (shown > 3)
		fprintf(f, " (+%zu more)", shown - 3);
	if (rep->findings.n == 0 && !rep->unknown)
		fprintf(f, ": %d session(s) ok", rep->nsessions);
	fprintf(f, " |");
	for (j = 0; j < rep->nsessions; j++) {
		const struct smtp_result *r = smtp_session_result(rep->sessions[j]);

		fprintf(f, " 'time_%s_%d'=%.6fs;;;0", r->remote, r->port,
		    r->total_us / 1e6);
		if (r->tls_used && r->tls.nchain > 0)
			fprintf(f, " 'cert_days_%s_%d'=%d;;;", r->remote,
			    r->port, r->tls.days_left);
	}
	fprintf(f, "\n");
}
