/*
 * render.c - the three faces of a report: human, JSON, Nagios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ehlo.h"
#include "report.h"
#include "util.h"

const char *
report_status(const struct report *r)
{
	if (r->unknown && r->worst < SEV_WARN)
		return "unknown";
	return finding_status_name(r->worst);
}

int
report_exit(const struct report *r)
{
	switch (r->worst) {
	case SEV_CRIT:
		return 2;
	case SEV_WARN:
		return 1;
	default:
		return r->unknown ? 3 : 0;
	}
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
human_session(FILE *f, const struct report *rep, const struct smtp_session *s,
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

static void
human_record(FILE *f, const char *what, const char *rec)
{
	fprintf(f, "  %-9s %s\n", what, rec != NULL ? rec : "(none)");
}

static void
human_dns(FILE *f, const struct audit_result *a, const struct colours *k)
{
	int	 m, i, t;

	fprintf(f, "%sDNS %s%s  (%lld ms)\n", k->bold, a->domain, k->off,
	    (long long)a->ms);
	if (a->null_mx)
		fprintf(f, "  MX        0 . (null MX: no mail accepted)\n");
	for (m = 0; m < a->nmx; m++) {
		const struct audit_mx *mx = &a->mx[m];

		if (mx->implicit)
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
	human_record(f, "SPF", a->spf);
	human_record(f, "DMARC", a->dmarc);
	for (i = 0; i < a->ndkim; i++) {
		char	 w[80];

		snprintf(w, sizeof(w), "DKIM %s", a->dkim[i].selector);
		human_record(f, w, a->dkim[i].record);
	}
	human_record(f, "MTA-STS", a->mtasts_txt);
	if (a->mtasts_valid)
		fprintf(f, "            policy: mode %s, max_age %u, %zu mx "
		    "pattern(s)\n", mtasts_mode_name(a->mtasts.mode),
		    a->mtasts.max_age, a->mtasts.nmx);
	human_record(f, "TLS-RPT", a->tlsrpt);
	fprintf(f, "\n");
}

void
render_human(FILE *f, const struct report *rep, int colour)
{
	const struct colours	*k = colour ? &ansi : &plain;
	const char		*st = report_status(rep);
	size_t			 i;
	int			 j;

	fprintf(f, "%ssmtprobe check %s%s: %s%s%s\n\n", k->bold, rep->target,
	    k->off, sev_colour(k, rep->worst), st, k->off);
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
		    k->dim, def->hint, k->off);
	}
}

/* ---- JSON ---- */

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
words_array(const char *s)
{
	json_t		*a = json_array();
	const char	*p = s, *q;
	char		 w[128];

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		for (q = p; *q != '\0' && *q != ' ' && *q != ','; q++)
			;
		if (q > p && (size_t)(q - p) < sizeof(w)) {
			memcpy(w, p, (size_t)(q - p));
			w[q - p] = '\0';
			json_array_append_new(a, json_string(w));
		}
		p = q;
	}
	return a;
}

static json_t *
json_tls(const struct tls_info *t)
{
	json_t	*o = json_object(), *chain = json_array();
	int	 i;

	json_object_set_new(o, "version", json_string(t->version));
	json_object_set_new(o, "cipher", json_string(t->cipher));
	json_object_set_new(o, "group", json_string(t->group));
	json_object_set_new(o, "verified", json_boolean(t->verified));
	json_object_set_new(o, "verify_error", json_string(t->verify_error));
	json_object_set_new(o, "hostname", json_string(t->hostname));
	json_object_set_new(o, "hostname_ok", json_boolean(t->hostname_ok));
	json_object_set_new(o, "days_left", json_integer(t->days_left));
	for (i = 0; i < t->nchain; i++) {
		const struct tls_cert	*c = &t->chain[i];
		json_t			*jc = json_object();

		json_object_set_new(jc, "subject", json_string(c->subject));
		json_object_set_new(jc, "issuer", json_string(c->issuer));
		json_object_set_new(jc, "sans", words_array(c->sans));
		json_object_set_new(jc, "not_before", json_integer(c->not_before));
		json_object_set_new(jc, "not_after", json_integer(c->not_after));
		json_object_set_new(jc, "key_type", json_string(c->key_type));
		json_object_set_new(jc, "key_bits", json_integer(c->key_bits));
		json_array_append_new(chain, jc);
	}
	json_object_set_new(o, "chain", chain);
	return o;
}

static json_t *
json_session(const struct report *rep, const struct smtp_session *s)
{
	const struct smtp_result	*r = smtp_session_result(s);
	json_t				*o = json_object(), *phases = json_array();
	json_t				*ehlo, *caps;
	char				 e[16];
	uint32_t			 bit;
	int				 i;

	(void)rep;
	json_object_set_new(o, "host",
	    json_string(smtp_session_params(s)->host));
	json_object_set_new(o, "addr", json_string(r->remote));
	json_object_set_new(o, "port", json_integer(r->port));
	json_object_set_new(o, "local", json_string(r->local));
	json_object_set_new(o, "outcome",
	    json_string(smtp_outcome_name(r->outcome)));
	json_object_set_new(o, "ms", json_real(r->total_us / 1000.0));
	if (r->caps.nlines > 0) {
		ehlo = json_object();
		caps = json_array();
		for (bit = 1; bit != 0 && bit <= EHLO_DSN; bit <<= 1)
			if ((r->caps.flags & bit) && ehlo_flag_name(bit))
				json_array_append_new(caps,
				    json_string(ehlo_flag_name(bit)));
		json_object_set_new(ehlo, "name", json_string(r->caps.name));
		json_object_set_new(ehlo, "capabilities", caps);
		json_object_set_new(ehlo, "size", r->caps.size_given ?
		    json_integer((json_int_t)r->caps.size) : json_null());
		json_object_set_new(ehlo, "auth", words_array(r->caps.auth));
		json_object_set_new(ehlo, "helo_fallback",
		    json_boolean(r->helo_fallback));
		json_object_set_new(o, "ehlo", ehlo);
	} else
		json_object_set_new(o, "ehlo", json_null());
	json_object_set_new(o, "tls", r->tls_used ? json_tls(&r->tls) :
	    json_null());
	for (i = 0; i < r->nsteps; i++) {
		const struct smtp_step	*st = &r->steps[i];
		json_t			*ph = json_object();

		json_object_set_new(ph, "name",
		    json_string(smtp_phase_name(st->phase)));
		json_object_set_new(ph, "ms", json_real(st->dur_us / 1000.0));
		json_object_set_new(ph, "reply", st->code ?
		    json_integer(st->code) : json_null());
		json_object_set_new(ph, "enhanced", json_string(
		    reply_enhcode_str(&st->enh, e, sizeof(e))));
		json_object_set_new(ph, "text", jstr(st->text));
		json_object_set_new(ph, "command", jstr(st->cmd));
		json_object_set_new(ph, "error", jstr(st->error));
		json_array_append_new(phases, ph);
	}
	json_object_set_new(o, "phases", phases);
	if (r->outcome != SMTP_OK)
		json_object_set_new(o, "transcript", json_string(r->transcript));
	return o;
}

static json_t *
json_dns(const struct audit_result *a)
{
	json_t	*o = json_object(), *mxs = json_array(), *dk = json_object();
	int	 m, i, t;

	json_object_set_new(o, "domain", json_string(a->domain));
	json_object_set_new(o, "ms", json_integer(a->ms));
	json_object_set_new(o, "mx_status",
	    json_string(dns_status_name(a->mx_status)));
	json_object_set_new(o, "null_mx", json_boolean(a->null_mx));
	for (m = 0; m < a->nmx; m++) {
		const struct audit_mx	*mx = &a->mx[m];
		json_t			*jm = json_object(), *ja = json_array();
		json_t			*jt = json_array();

		json_object_set_new(jm, "host", json_string(mx->host));
		json_object_set_new(jm, "pref", mx->implicit ? json_null() :
		    json_integer(mx->pref));
		json_object_set_new(jm, "implicit", json_boolean(mx->implicit));
		json_object_set_new(jm, "cname", mx->cname[0] ?
		    json_string(mx->cname) : json_null());
		for (i = 0; i < mx->naddrs; i++) {
			const struct audit_addr	*ad = &mx->addrs[i];
			json_t			*x = json_object();

			json_object_set_new(x, "addr", json_string(ad->addr));
			json_object_set_new(x, "ptr", ad->ptr[0] ?
			    json_string(ad->ptr) : json_null());
			json_object_set_new(x, "fcrdns", json_boolean(ad->fcrdns));
			json_object_set_new(x, "dnsbl_listings",
			    json_integer(ad->listed));
			json_array_append_new(ja, x);
		}
		json_object_set_new(jm, "addrs", ja);
		for (t = 0; t < mx->ntlsa; t++) {
			const struct audit_tlsa	*tl = &mx->tlsa[t];
			json_t			*x = json_object(), *rr = json_array();

			json_object_set_new(x, "port", json_integer(tl->port));
			json_object_set_new(x, "status",
			    json_string(dns_status_name(tl->status)));
			json_object_set_new(x, "secure", json_boolean(tl->secure));
			for (i = 0; i < tl->n; i++) {
				char	 hex[140];
				size_t	 b, l = tl->v[i].len;

				if (l > 64)
					l = 64;
				for (b = 0; b < l; b++)
					snprintf(hex + 2 * b, 3, "%02x",
					    tl->v[i].data[b]);
				hex[2 * l] = '\0';
				json_array_append_new(rr, json_pack("{s:i,s:i,s:i,s:s}",
				    "usage", tl->v[i].usage, "selector",
				    tl->v[i].selector, "mtype", tl->v[i].mtype,
				    "data", hex));
			}
			json_object_set_new(x, "records", rr);
			json_array_append_new(jt, x);
		}
		json_object_set_new(jm, "tlsa", jt);
		json_array_append_new(mxs, jm);
	}
	json_object_set_new(o, "mx", mxs);
	json_object_set_new(o, "spf", jstr(a->spf));
	json_object_set_new(o, "dmarc", jstr(a->dmarc));
	for (i = 0; i < a->ndkim; i++)
		json_object_set_new(dk, a->dkim[i].selector,
		    jstr(a->dkim[i].record));
	json_object_set_new(o, "dkim", dk);
	json_object_set_new(o, "mta_sts", jstr(a->mtasts_txt));
	if (a->mtasts_valid) {
		json_t	*p = json_object(), *pm = json_array();
		size_t	 x;

		json_object_set_new(p, "mode",
		    json_string(mtasts_mode_name(a->mtasts.mode)));
		json_object_set_new(p, "max_age", json_integer(a->mtasts.max_age));
		for (x = 0; x < a->mtasts.nmx; x++)
			json_array_append_new(pm, json_string(a->mtasts.mx[x]));
		json_object_set_new(p, "mx", pm);
		json_object_set_new(o, "mta_sts_policy", p);
	} else
		json_object_set_new(o, "mta_sts_policy", json_null());
	json_object_set_new(o, "tls_rpt", jstr(a->tlsrpt));
	return o;
}

int
render_json(FILE *f, const struct report *rep)
{
	json_t	*o = json_object(), *fa = json_array(), *sa = json_array();
	size_t	 i;
	int	 j, rv;

	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "status", json_string(report_status(rep)));
	json_object_set_new(o, "target", json_string(rep->target));
	if (rep->unknown)
		json_object_set_new(o, "error", json_string(rep->error));
	for (i = 0; i < rep->findings.n; i++) {
		const struct finding	 *fd = &rep->findings.v[i];
		const struct finding_def *def = finding_def(fd->id);
		json_t			 *jf = json_object();

		json_object_set_new(jf, "id", json_string(def->id));
		json_object_set_new(jf, "layer",
		    json_string(finding_layer_name(def->layer)));
		json_object_set_new(jf, "severity",
		    json_string(finding_severity_name(fd->severity)));
		json_object_set_new(jf, "host", jstr(fd->host));
		json_object_set_new(jf, "addr", jstr(fd->addr));
		json_object_set_new(jf, "port", fd->port ?
		    json_integer(fd->port) : json_null());
		json_object_set_new(jf, "evidence", json_string(fd->evidence));
		json_object_set_new(jf, "hint", json_string(def->hint));
		json_array_append_new(fa, jf);
	}
	json_object_set_new(o, "findings", fa);
	for (j = 0; j < rep->nsessions; j++)
		json_array_append_new(sa, json_session(rep, rep->sessions[j]));
	json_object_set_new(o, "sessions", sa);
	json_object_set_new(o, "dns", rep->audit ? json_dns(rep->audit) :
	    json_null());
	rv = json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(o);
	return rv;
}

/* ---- Nagios ---- */

void
render_nagios(FILE *f, const struct report *rep)
{
	static const char *words[] = { "OK", "OK", "WARNING", "CRITICAL" };
	const char	*w;
	size_t		 i, shown = 0;
	int		 j;

	w = rep->unknown && rep->worst < SEV_WARN ? "UNKNOWN" :
	    words[rep->worst];
	fprintf(f, "SMTPROBE %s - %s", w, rep->target);
	if (rep->unknown)
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
