/*
 * check.c - audit, then sessions, then one report.
 *
 * Sessions start as soon as the audit knows what they need (MX hosts,
 * addresses, TLSA, the MTA-STS policy) while the rest of the audit goes
 * on; the check ends when both have ended. Admission of each session
 * goes through the caller's gate, retried on a timer when it says wait.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "check.h"
#include "log.h"
#include "util.h"

struct job {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 port;
	const char		*host;
	const struct tls_tlsa	*tlsa;
	int			 ntlsa;
	enum tls_policy		 policy;
};

struct check {
	struct event_base	*base;
	struct dns_resolver	*res;
	struct tls_ctx		*tls;
	struct check_params	 p;
	struct check_gate	 gate;
	check_done_cb		 done;
	void			*arg;
	struct check_report	 rep;
	struct job		*jobs;
	int			 njobs;
	int			 next;		/* next job to start */
	int			 inflight;
	int			 sessions_ready; /* the job list is final */
	struct audit		*audit;
	int			 audit_done;
	int			 ended;
	int64_t			 t0;
	struct event		*ev_retry;	/* the gate said wait */
	struct event		*ev_done;
};

static void	start_more(struct check *);

const char *
check_status(const struct check_report *r)
{
	if (r->unknown && r->worst < SEV_WARN)
		return "unknown";
	return finding_status_name(r->worst);
}

int
check_exit(const struct check_report *r)
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

/*
 * net.ipv6.broken: for one host and port, every IPv6 address failed at
 * the network level while an IPv4 address connected.
 */
static void
check_ipv6(struct check_report *rep)
{
	int	 i, j;

	for (i = 0; i < rep->nsessions; i++) {
		const struct smtp_params *pi = smtp_session_params(rep->sessions[i]);
		const struct smtp_result *ri = smtp_session_result(rep->sessions[i]);
		int	 v4ok = 0, v6 = 0, v6bad = 0, first = 1;
		char	 ev[300] = "", bad6[64] = "";

		/* judge each (host, port) once, at its first session */
		for (j = 0; j < i; j++)
			if (strcmp(smtp_session_params(rep->sessions[j])->host,
			    pi->host) == 0 &&
			    smtp_session_result(rep->sessions[j])->port == ri->port)
				first = 0;
		if (!first)
			continue;
		for (j = 0; j < rep->nsessions; j++) {
			const struct smtp_params *p =
			    smtp_session_params(rep->sessions[j]);
			const struct smtp_result *r =
			    smtp_session_result(rep->sessions[j]);
			int	 netfail;

			if (r->port != ri->port || strcmp(p->host, pi->host))
				continue;
			netfail = r->outcome == SMTP_NET ||
			    (r->outcome == SMTP_TIMEOUT && r->nsteps <= 1);
			if (p->ss.ss_family == AF_INET && !netfail)
				v4ok = 1;
			if (p->ss.ss_family != AF_INET6)
				continue;
			v6++;
			if (!netfail)
				continue;
			if (v6bad++ == 0)
				util_strlcpy(bad6, r->remote, sizeof(bad6));
			if (strlen(ev) + strlen(r->remote) + 4 < sizeof(ev)) {
				strcat(ev, ev[0] ? ", " : "");
				strcat(ev, r->remote);
			}
		}
		if (v4ok && v6 > 0 && v6bad == v6)
			finding_add(&rep->findings, F_NET_IPV6_BROKEN, -1,
			    pi->host, bad6, ri->port, "port %d: IPv6 %s failed "
			    "to connect while IPv4 works", ri->port, ev);
	}
}

/*
 * RFC 8461 5: under an MTA-STS policy in enforce mode a sender delivers
 * only over TLS with a certificate valid for the MX host. Sessions do not
 * wait for the policy (it comes over HTTPS); what a policy-following
 * sender would refuse is made crit here, once both are known.
 */
static void
mtasts_enforce(struct check_report *rep)
{
	static const enum finding_id ids[] = { F_TLS_STARTTLS_MISSING,
	    F_TLS_STARTTLS_REFUSED, F_TLS_HANDSHAKE, F_TLS_CERT_EXPIRED,
	    F_TLS_CERT_NOT_YET_VALID, F_TLS_CERT_HOSTNAME,
	    F_TLS_CERT_UNTRUSTED };
	static const char note[] = "; MTA-STS policy in enforce mode: "
	    "senders will not deliver here";
	size_t		 i, k, l;
	char		*ev;

	for (i = 0; i < rep->findings.n; i++) {
		struct finding *f = &rep->findings.v[i];

		for (k = 0; k < sizeof(ids) / sizeof(ids[0]); k++)
			if (f->id == ids[k])
				break;
		if (k == sizeof(ids) / sizeof(ids[0]) || f->severity == SEV_CRIT)
			continue;
		f->severity = SEV_CRIT;
		l = strlen(f->evidence);
		if (l + sizeof(note) <= FINDING_EVIDENCE_MAX + 1 &&
		    (ev = realloc(f->evidence, l + sizeof(note))) != NULL) {
			memcpy(ev + l, note, sizeof(note));
			f->evidence = ev;
		}
	}
}

/* Everything has ended: gather the findings and report from the loop. */
static void
finish(struct check *c)
{
	struct check_report	*rep = &c->rep;
	int			 i;

	if (c->ended)
		return;
	c->ended = 1;
	for (i = 0; i < rep->nsessions; i++) {
		const struct smtp_result *r = smtp_session_result(rep->sessions[i]);

		if (c->audit != NULL && r->caps.name[0] != '\0')
			audit_check_greeting(c->audit, r->remote, r->port,
			    r->caps.name);
	}
	if (c->audit != NULL)
		finding_list_move(&rep->findings, &rep->audit->findings);
	for (i = 0; i < rep->nsessions; i++)
		smtp_session_take_findings(rep->sessions[i], &rep->findings);
	check_ipv6(rep);
	if (rep->audit != NULL && rep->audit->mtasts_valid ?
	    rep->audit->mtasts.mode == MTASTS_MODE_ENFORCE : c->p.sts_enforce)
		mtasts_enforce(rep);
	if (c->audit != NULL && rep->nsessions == 0 && !c->p.dns_only &&
	    !rep->audit->null_mx && rep->findings.n == 0) {
		rep->unknown = 1;
		snprintf(rep->error, sizeof(rep->error), "%s: no address to "
		    "probe", c->p.name);
	}
	finding_list_sort(&rep->findings);
	rep->worst = finding_worst(&rep->findings);
	rep->ms = (util_now_us() - c->t0) / 1000;
	event_active(c->ev_done, EV_TIMEOUT, 0);
}

static void
maybe_finish(struct check *c)
{
	if (c->inflight == 0 && c->sessions_ready && c->next >= c->njobs &&
	    (c->audit == NULL || c->audit_done))
		finish(c);
}

static void
session_done(struct smtp_session *s, void *arg)
{
	struct check	*c = arg;

	c->inflight--;
	if (c->gate.release != NULL)
		c->gate.release(c->gate.arg, &smtp_session_params(s)->ss);
	start_more(c);
	maybe_finish(c);
}

static void
retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	start_more(arg);
}

static void
start_more(struct check *c)
{
	struct smtp_params	 p;
	struct smtp_session	*s;
	struct job		*j;
	const char		*cause;
	int			 max = c->p.max_inflight > 0 ? c->p.max_inflight : 16;
	int			 wait;

	while (c->inflight < max && c->next < c->njobs) {
		j = &c->jobs[c->next];
		if (c->gate.acquire != NULL &&
		    (wait = c->gate.acquire(c->gate.arg, &j->ss)) > 0) {
			struct timeval tv = { wait / 1000, (wait % 1000) * 1000 };

			if (c->inflight == 0 || !evtimer_pending(c->ev_retry, NULL))
				evtimer_add(c->ev_retry, &tv);
			return;
		}
		c->next++;
		p = c->p.proto;
		memcpy(&p.ss, &j->ss, sizeof(p.ss));
		p.sslen = j->sslen;
		p.host = j->host;
		p.tlsa = j->tlsa;
		p.ntlsa = j->ntlsa;
		p.tls_policy = j->policy;
		p.tls = c->tls;
		p.implicit_tls = c->p.implicit_all || j->port == 465;
		/* 465 is submissions, RFC 8314; 587 is submission, RFC 6409 */
		p.submission = j->port == 587 || j->port == 465;
		s = smtp_session_start(c->base, &p, session_done, c, &cause);
		if (s == NULL) {
			log_warnx("%s: cannot start a session: %s", c->p.name,
			    cause);
			if (c->gate.release != NULL)
				c->gate.release(c->gate.arg, &j->ss);
			continue;
		}
		c->rep.sessions[c->rep.nsessions++] = s;
		c->inflight++;
	}
}

static void
job_add(struct check *c, const struct sockaddr_storage *ss, socklen_t len,
    int port, const char *host, const struct tls_tlsa *tlsa, int ntlsa,
    enum tls_policy pol)
{
	struct job	*j = &c->jobs[c->njobs++];

	memset(j, 0, sizeof(*j));
	memcpy(&j->ss, ss, len);
	j->sslen = len;
	j->port = port;
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)&j->ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&j->ss)->sin6_port = htons((uint16_t)port);
	j->host = host;
	j->tlsa = tlsa;
	j->ntlsa = ntlsa;
	j->policy = pol;
}

static int
jobs_alloc(struct check *c, int n)
{
	c->jobs = calloc((size_t)n + 1, sizeof(*c->jobs));
	c->rep.sessions = calloc((size_t)n + 1, sizeof(*c->rep.sessions));
	return c->jobs != NULL && c->rep.sessions != NULL ? 0 : -1;
}

/* Sessions for every address of every MX host the audit found. */
static void
jobs_from_audit(struct check *c, struct audit_result *r)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	enum tls_policy		 pol;
	int			 m, a, k, t, n = 0;

	for (m = 0; m < r->nmx; m++)
		n += r->mx[m].naddrs * c->p.nports;
	if (jobs_alloc(c, n) == -1) {
		log_warnx("%s: out of memory", c->p.name);
		c->sessions_ready = 1;
		return;
	}
	pol = c->p.proto.tls_policy;
	for (m = 0; m < r->nmx; m++) {
		struct audit_mx *mx = &r->mx[m];

		for (a = 0; a < mx->naddrs; a++) {
			memset(&ss, 0, sizeof(ss));
			if (mx->addrs[a].family == AF_INET) {
				struct sockaddr_in *s4 = (void *)&ss;

				s4->sin_family = AF_INET;
				inet_pton(AF_INET, mx->addrs[a].addr,
				    &s4->sin_addr);
				len = sizeof(*s4);
			} else {
				struct sockaddr_in6 *s6 = (void *)&ss;

				s6->sin6_family = AF_INET6;
				inet_pton(AF_INET6, mx->addrs[a].addr,
				    &s6->sin6_addr);
				len = sizeof(*s6);
			}
			for (k = 0; k < c->p.nports; k++) {
				const struct tls_tlsa	*tv = NULL;
				int			 tn = 0;

				/* RFC 7672 2.2: only validated TLSA counts */
				for (t = 0; t < mx->ntlsa; t++)
					if (mx->tlsa[t].port == c->p.ports[k] &&
					    mx->tlsa[t].secure &&
					    mx->tlsa[t].n > 0) {
						tv = mx->tlsa[t].v;
						tn = mx->tlsa[t].n;
					}
				/* RFC 7672 2.2: usable TLSA makes TLS mandatory */
				job_add(c, &ss, len, c->p.ports[k],
				    c->p.host_mode && c->p.cert_name ?
				    c->p.cert_name : mx->host, tv, tn,
				    tn > 0 && pol < TLSPOL_ENCRYPT ?
				    TLSPOL_ENCRYPT : pol);
			}
		}
	}
	c->sessions_ready = 1;
}

static void
audit_cb_fn(struct audit *au, enum audit_stage st, void *arg)
{
	struct check	*c = arg;

	if (st == AUDIT_MX_READY) {
		if (c->p.dns_only) {
			if (jobs_alloc(c, 0) == -1)
				log_warnx("%s: out of memory", c->p.name);
			c->sessions_ready = 1;
		} else
			jobs_from_audit(c, audit_result(au));
		start_more(c);
	} else
		c->audit_done = 1;
	maybe_finish(c);
}

static void
done_ev(evutil_socket_t fd, short what, void *arg)
{
	struct check	*c = arg;

	(void)fd;
	(void)what;
	c->done(c, c->arg);
}

struct check *
check_start(struct event_base *base, struct dns_resolver *res,
    struct tls_ctx *tls, const struct check_params *p,
    const struct check_gate *gate, check_done_cb done, void *arg,
    const char **cause)
{
	struct check	*c;
	int		 i, k;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	c->base = base;
	c->res = res;
	c->tls = tls;
	c->p = *p;
	if (gate != NULL)
		c->gate = *gate;
	c->done = done;
	c->arg = arg;
	c->t0 = util_now_us();
	c->rep.target = p->target;
	c->rep.name = p->name;
	c->ev_retry = evtimer_new(base, retry_cb, c);
	c->ev_done = evtimer_new(base, done_ev, c);
	if (c->ev_retry == NULL || c->ev_done == NULL) {
		*cause = "out of memory";
		check_free(c);
		return NULL;
	}
	if (p->use_addrs) {
		if (p->naddrs == 0) {
			c->rep.unknown = 1;
			snprintf(c->rep.error, sizeof(c->rep.error),
			    "%s: no address left to probe", p->name);
		}
		if (jobs_alloc(c, p->naddrs * p->nports) == -1) {
			*cause = "out of memory";
			check_free(c);
			return NULL;
		}
		for (i = 0; i < p->naddrs; i++)
			for (k = 0; k < p->nports; k++)
				job_add(c, &p->addrs[i], p->addrlens[i],
				    p->ports[k], p->cert_name ? p->cert_name :
				    p->name, NULL, 0,
				    p->proto.tls_policy);
		c->sessions_ready = 1;
		start_more(c);
		maybe_finish(c);
		return c;
	}
	if (res == NULL) {
		*cause = "no resolver";
		check_free(c);
		return NULL;
	}
	c->p.audit.domain = p->name;
	c->p.audit.ports = c->p.ports;
	c->p.audit.nports = p->nports;
	c->p.audit.tls = tls;
	c->p.audit.host_mode = p->host_mode;
	c->p.audit.dane_required = p->proto.tls_policy == TLSPOL_DANE;
	c->audit = audit_start(base, res, &c->p.audit, audit_cb_fn, c, cause);
	if (c->audit == NULL) {
		check_free(c);
		return NULL;
	}
	c->rep.audit = audit_result(c->audit);
	return c;
}

struct check_report *
check_report(struct check *c)
{
	return &c->rep;
}

void
check_free(struct check *c)
{
	int	 i;

	if (c == NULL)
		return;
	/* sessions cut short still hold their admission */
	if (!c->ended && c->gate.release != NULL)
		for (i = 0; i < c->rep.nsessions; i++)
			if (!smtp_session_ended(c->rep.sessions[i]))
				c->gate.release(c->gate.arg,
				    &smtp_session_params(c->rep.sessions[i])->ss);
	for (i = 0; i < c->rep.nsessions; i++)
		smtp_session_free(c->rep.sessions[i]);
	free(c->rep.sessions);
	free(c->jobs);
	finding_list_free(&c->rep.findings);
	audit_free(c->audit);
	if (c->ev_retry)
		event_free(c->ev_retry);
	if (c->ev_done)
		event_free(c->ev_done);
	free(c);
}
