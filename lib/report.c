/*
 * report.c - a check's report as JSON (report.h): the object of the
 * output contract, its "dns" part, and a daemon's summary of a run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "ehlo.h"
#include "util.h"
#include "value.h"

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* A name with A-labels as its U-labels, or null when it has none. */
static json_t *
jname_unicode(const char *name)
{
	char	 u[4 * VALUE_NAME_MAX + 1];

	if (name == NULL || value_name_unicode(name, u, sizeof(u)) != 1)
		return json_null();
	return json_string(u);
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

/* One finding; the remediation hint too when hint is set. */
static json_t *
json_finding(const struct finding *fd, int hint)
{
	const struct finding_def *def = finding_def(fd->id);
	json_t			 *jf = json_object();

	json_object_set_new(jf, "id", json_string(def->id));
	json_object_set_new(jf, "layer",
	    json_string(finding_layer_name(def->layer)));
	json_object_set_new(jf, "severity",
	    json_string(finding_severity_name(fd->severity)));
	json_object_set_new(jf, "host", jstr(fd->host));
	json_object_set_new(jf, "addr", jstr(fd->addr));
	json_object_set_new(jf, "port", fd->port ? json_integer(fd->port) :
	    json_null());
	json_object_set_new(jf, "evidence", jstr(fd->evidence));
	json_object_set_new(jf, "blame",
	    json_string(finding_blame_name(def->blame)));
	if (hint)
		json_object_set_new(jf, "hint", json_string(finding_hint(fd)));
	return jf;
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
	json_object_set_new(o, "dane", t->dane_checked ? json_pack(
	    "{s:i,s:b,s:i}", "usable", t->dane_usable, "ok", t->dane_ok,
	    "depth", t->dane_depth) : json_null());
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
json_session(const struct check_report *rep, const struct smtp_session *s)
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
		json_object_set_new(o, "transcript",
		    json_string(r->transcript ? r->transcript : ""));
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
	json_object_set_new(o, "host_mode", json_boolean(a->host_mode));
	json_object_set_new(o, "minimal", json_boolean(a->minimal));
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
	json_object_set_new(o, "dmarc_domain",
	    jstr(a->dmarc_domain[0] != '\0' ? a->dmarc_domain : NULL));
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
	/* a record that is null because its lookup failed says so */
	{
		json_t	*ls = json_object(), *dks = json_object();

		json_object_set_new(ls, "spf",
		    json_string(dns_status_name(a->spf_status)));
		json_object_set_new(ls, "dmarc",
		    json_string(dns_status_name(a->dmarc_status)));
		json_object_set_new(ls, "mta_sts",
		    json_string(dns_status_name(a->mtasts_status)));
		json_object_set_new(ls, "tls_rpt",
		    json_string(dns_status_name(a->tlsrpt_status)));
		for (i = 0; i < a->ndkim; i++)
			json_object_set_new(dks, a->dkim[i].selector,
			    json_string(dns_status_name(a->dkim_status[i])));
		json_object_set_new(ls, "dkim", dks);
		json_object_set_new(o, "lookups", ls);
	}
	json_object_set_new(o, "resolver_answered", json_boolean(!a->resolver_dead));
	return o;
}

json_t *
report_json(const struct check_report *rep)
{
	json_t	*o = json_object(), *fa = json_array(), *sa = json_array();
	size_t	 i;
	int	 j;

	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "status", json_string(check_status(rep)));
	json_object_set_new(o, "target", json_string(rep->target));
	json_object_set_new(o, "name", jstr(rep->name));
	json_object_set_new(o, "name_unicode", jname_unicode(rep->name));
	if (rep->unknown)
		json_object_set_new(o, "error", json_string(rep->error));
	if (rep->overran)
		json_object_set_new(o, "overran", json_true());
	for (i = 0; i < rep->findings.n; i++)
		json_array_append_new(fa, json_finding(&rep->findings.v[i], 1));
	json_object_set_new(o, "findings", fa);
	for (j = 0; j < rep->nsessions; j++)
		json_array_append_new(sa, json_session(rep, rep->sessions[j]));
	json_object_set_new(o, "sessions", sa);
	json_object_set_new(o, "dns", rep->audit ? json_dns(rep->audit) :
	    json_null());
	json_object_set_new(o, "ms", json_integer(rep->ms));
	return o;
}

json_t *
report_dns_json(const struct check_report *rep)
{
	return rep->audit != NULL ? json_dns(rep->audit) : NULL;
}

/*
 * The few fields a daemon keeps of a run, built from the report itself
 * (not from report_json: a scheduled run has nobody to send the
 * whole of it to).
 */
json_t *
report_summary_json(const struct check_report *rep)
{
	json_t	*o = json_object(), *fa = json_array(), *sa = json_array();
	json_t	*x;
	size_t	 i;
	int	 j, k, code;

	json_object_set_new(o, "target", json_string(rep->target));
	json_object_set_new(o, "status", json_string(check_status(rep)));
	json_object_set_new(o, "ms", json_integer(rep->ms));
	if (rep->unknown)
		json_object_set_new(o, "error", json_string(rep->error));
	if (rep->overran)
		json_object_set_new(o, "overran", json_true());
	for (i = 0; i < rep->findings.n; i++)
		json_array_append_new(fa, json_finding(&rep->findings.v[i], 0));
	for (j = 0; j < rep->nsessions; j++) {
		const struct smtp_session	*s = rep->sessions[j];
		const struct smtp_result	*r = smtp_session_result(s);
		const struct tls_info		*t = &r->tls;

		code = 0;
		for (k = 0; k < r->nsteps; k++)
			if (r->steps[k].code)
				code = r->steps[k].code;
		x = json_pack("{s:s?,s:s,s:i,s:s,s:f,s:i}", "host",
		    smtp_session_params(s)->host, "addr", r->remote, "port",
		    r->port, "outcome", smtp_outcome_name(r->outcome), "ms",
		    r->total_us / 1000.0, "code", code);
		if (x == NULL)
			continue;
		json_object_set_new(x, "tls", r->tls_used ? json_pack(
		    "{s:s,s:b,s:b,s:I,s:o}", "version", t->version, "verified",
		    t->verified, "hostname_ok", t->hostname_ok, "not_after",
		    (json_int_t)(t->nchain > 0 ? t->chain[0].not_after : 0),
		    "dane", t->dane_checked ? json_pack("{s:i,s:b,s:i}",
		    "usable", t->dane_usable, "ok", t->dane_ok, "depth",
		    t->dane_depth) : json_null()) : json_null());
		json_array_append_new(sa, x);
	}
	json_object_set_new(o, "sessions", sa);
	json_object_set_new(o, "findings", fa);
	/* ms with microseconds, as the sessions': the metrics want them */
	json_object_set_new(o, "dns", rep->audit != NULL ? json_pack(
	    "{s:f,s:b,s:o}", "ms", (double)rep->audit->us / 1000.0, "minimal",
	    rep->audit->minimal, "mta_sts_mode",
	    rep->audit->mtasts_valid ?
	    json_string(mtasts_mode_name(rep->audit->mtasts.mode)) :
	    json_null()) : json_null());
	return o;
}
