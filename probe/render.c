/*
 * render.c - the three faces of a report: human, JSON, Nagios.
 */
#include <stdarg.h>
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

/*
 * The monitoring-plugins guidelines' output ("Plugin Output for
 * Nagios"): a status line naming the worst finding, its host and a
 * short evidence; perfdata after its '|'; the other findings as long
 * output, one a line. No '|' may stand in the text (it would start
 * perfdata), and every label is unique.
 */

#define NAG_SHORT	100	/* bytes of evidence on the status line */

/* Text for the plugin: no '|', no line break; at most max bytes. */
static void
nag_text(FILE *f, const char *s, size_t max)
{
	size_t	 n;

	for (n = 0; s[n] != '\0' && n < max; n++)
		fputc(s[n] == '|' ? '/' : s[n] == '\n' || s[n] == '\r' ?
		    ' ' : s[n], f);
	if (s[n] != '\0')
		fputs("...", f);
}

/* "host [addr]:port" of a finding, as much as it has. */
static void
nag_where(FILE *f, const struct finding *fd)
{
	if (fd->host != NULL)
		nag_text(f, fd->host, 255);
	if (fd->addr != NULL && (fd->host == NULL ||
	    strcmp(fd->host, fd->addr) != 0)) {
		fputs(fd->host != NULL ? " [" : "[", f);
		nag_text(f, fd->addr, 64);
		fputc(']', f);
	}
	if (fd->port != 0)
		fprintf(f, ":%d", fd->port);
}

static void
nag_finding(FILE *f, const struct finding *fd, size_t max)
{
	fprintf(f, "%s ", finding_def(fd->id)->id);
	if (fd->host != NULL || fd->addr != NULL || fd->port != 0) {
		nag_where(f, fd);
		fputs(": ", f);
	}
	nag_text(f, fd->evidence, max);
}

/* Perfdata labels seen so far, to make each unique. */
struct nag_labels {
	char	**v;
	size_t	  n, cap;
};

/*
 * One perfdata value: 'BASE WHAT'=VALUE... with BASE made of what the
 * guidelines forbid in a label (= and ') replaced, and " #2", " #3" ...
 * after a label already used.
 */
static void
nag_perf(FILE *f, struct nag_labels *l, const char *base, const char *what,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
nag_perf(FILE *f, struct nag_labels *l, const char *base, const char *what,
    const char *fmt, ...)
{
	char	 label[400], try[420], *p, **nv;
	va_list	 ap;
	size_t	 i;
	int	 k = 1;

	snprintf(label, sizeof(label), "%s%s%s", base, *base ? " " : "",
	    what);
	for (p = label; *p != '\0'; p++)
		if (*p == '=' || *p == '\'' || *p == '|' ||
		    (unsigned char)*p < 0x20)
			*p = '_';
	util_strlcpy(try, label, sizeof(try));
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], try) == 0) {
			snprintf(try, sizeof(try), "%s #%d", label, ++k);
			i = (size_t)-1;		/* again from the start */
		}
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 32;

		if ((nv = reallocarray(l->v, ncap, sizeof(*nv))) != NULL) {
			l->v = nv;
			l->cap = ncap;
		}
	}
	if (l->n < l->cap && (l->v[l->n] = strdup(try)) != NULL)
		l->n++;
	fprintf(f, " '%s'=", try);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

/* A threshold in seconds, from milliseconds; "" for none. */
static const char *
nag_secs(int64_t ms, char *buf, size_t sz)
{
	if (ms <= 0)
		buf[0] = '\0';
	else
		snprintf(buf, sz, "%g", ms / 1000.0);
	return buf;
}

/* The duration of a session's first step of phase ph, or -1. */
static int64_t
step_us(const struct smtp_result *r, enum smtp_phase ph)
{
	int	 i;

	for (i = 0; i < r->nsteps; i++)
		if (r->steps[i].phase == ph && r->steps[i].error == NULL)
			return r->steps[i].dur_us;
	return -1;
}

static void
nag_perfdata(FILE *f, const struct check_report *rep)
{
	static const enum smtp_phase phases[] = { PH_CONNECT, PH_BANNER,
	    PH_TLS };
	struct nag_labels	 l = { NULL, 0, 0 };
	char			 base[300], w[32], c[32];
	size_t			 k;
	int			 j;
	int64_t			 us;

	fputs(" |", f);
	nag_perf(f, &l, "", "check", "%.3fs;;%s;0", rep->ms / 1000.0,
	    nag_secs(rep->timeout_ms, c, sizeof(c)));
	for (j = 0; j < rep->nsessions; j++) {
		const struct smtp_result *r = smtp_session_result(rep->sessions[j]);
		const struct smtp_params *p = smtp_session_params(rep->sessions[j]);

		if (p->host != NULL && strcmp(p->host, r->remote) != 0)
			snprintf(base, sizeof(base), "%s[%s]:%d", p->host,
			    r->remote, r->port);
		else if (strchr(r->remote, ':') != NULL)
			snprintf(base, sizeof(base), "[%s]:%d", r->remote,
			    r->port);
		else
			snprintf(base, sizeof(base), "%s:%d", r->remote,
			    r->port);
		/* a phase: warn at its slow threshold, crit at its deadline */
		for (k = 0; k < sizeof(phases) / sizeof(phases[0]); k++) {
			if ((us = step_us(r, phases[k])) < 0)
				continue;
			nag_perf(f, &l, base, smtp_phase_name(phases[k]),
			    "%.6fs;%s;%s;0", us / 1e6,
			    nag_secs(p->slow_ms[phases[k]], w, sizeof(w)),
			    nag_secs(p->timeout_ms[phases[k]], c, sizeof(c)));
		}
		/* the whole session: crit at its deadline */
		nag_perf(f, &l, base, "time", "%.6fs;;%s;0", r->total_us / 1e6,
		    nag_secs(p->session_timeout_ms, c, sizeof(c)));
		/* alert at DAYS or fewer: inside -inf..DAYS */
		if (r->tls_used && r->tls.nchain > 0)
			nag_perf(f, &l, base, "cert days", "%d;@~:%d;@~:%d",
			    r->tls.days_left, p->expiry_warn_days,
			    p->expiry_crit_days);
	}
	for (k = 0; k < l.n; k++)
		free(l.v[k]);
	free(l.v);
}

void
render_nagios(FILE *f, const struct check_report *rep)
{
	static const char *words[] = { "OK", "WARNING", "CRITICAL",
	    "UNKNOWN" };
	static const char *sevs[] = { "OK", "INFO", "WARNING", "CRITICAL" };
	const struct finding	*top = NULL;
	size_t			 i, more = 0;
	int			 st = check_exit(rep), j, ok = 0;

	/* the worst finding heads the line, unless the run is UNKNOWN */
	if (st != 3 && rep->findings.n > 0 &&
	    rep->findings.v[0].severity >= SEV_WARN)
		top = &rep->findings.v[0];
	fprintf(f, "SMTPROBE %s - ", words[st]);
	if (top != NULL) {
		nag_text(f, rep->target, 255);
		fputs(": ", f);
		nag_finding(f, top, NAG_SHORT);
		for (i = 1; i < rep->findings.n; i++)
			more += rep->findings.v[i].severity >= SEV_WARN;
		if (more > 0)
			fprintf(f, " (+%zu more)", more);
	} else if (st == 3) {
		nag_text(f, rep->error[0] != '\0' ? rep->error :
		    "the check could not be made", 400);
	} else {
		nag_text(f, rep->target, 255);
		for (j = 0; j < rep->nsessions; j++)
			ok += smtp_session_result(rep->sessions[j])->outcome ==
			    SMTP_OK;
		fprintf(f, ": %d of %d session(s) ok", ok, rep->nsessions);
		if (rep->findings.n > 0)
			fprintf(f, ", %zu note(s)", rep->findings.n);
	}
	nag_perfdata(f, rep);
	fputc('\n', f);

	/* long output: what to do about the top finding, then why a run
	 * with findings is still UNKNOWN or cut, then the other findings */
	if (top != NULL) {
		fputs("hint: ", f);
		nag_text(f, finding_hint(top), 400);
		fputc('\n', f);
	}
	if (top != NULL && (rep->unknown || rep->incomplete) &&
	    rep->error[0] != '\0') {
		fputs("UNKNOWN: ", f);
		nag_text(f, rep->error, 1000);
		fputc('\n', f);
	}
	for (i = 0; i < rep->findings.n; i++) {
		const struct finding *fd = &rep->findings.v[i];

		if (fd == top)
			continue;
		fprintf(f, "%s: ", sevs[fd->severity]);
		nag_finding(f, fd, FINDING_EVIDENCE_MAX);
		fputs(" (hint: ", f);
		nag_text(f, finding_hint(fd), 400);
		fputs(")\n", f);
	}
}
