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
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "check.h"
#include "log.h"
#include "util.h"
#include "value.h"

/*
 * Egress: when port 25 timed out at the TCP connect on every address
 * probed, a bare connect to 587 and 465 of the same addresses tells a
 * port filtered on the probing network (cloud providers block outbound
 * 25 by default) from servers that are down. Bounded: a few addresses,
 * one short deadline.
 */
#define EGRESS_ADDRS_MAX	4
#define EGRESS_WAIT_MS		3000

static const int egress_ports[] = { 587, 465 };

struct ctlprobe {
	struct check		*c;
	int			 fd;
	int			 port;
	char			 addr[INET6_ADDRSTRLEN];
	struct event		*ev;
	int			 answered;	/* connected, or refused: a reply */
	int			 open;
};

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
	/* the egress check, after the sessions */
	int			 egress_started;
	struct ctlprobe		 ctl[EGRESS_ADDRS_MAX * 2];
	int			 nctl;
	int			 ctl_pending;
	struct event		*ev_ctl;	/* its deadline */
	struct event		*ev_deadline;	/* the whole check's */
};

static void	start_more(struct check *);

const char *
check_status(const struct check_report *r)
{
	if (r->incomplete || (r->unknown && r->worst < SEV_WARN))
		return "unknown";
	return finding_status_name(r->worst);
}

int
check_exit(const struct check_report *r)
{
	if (r->incomplete)
		return 3;
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
 * only over TLS with a certificate valid for the MX host (and a server
 * of TLS 1.0 or 1.1 only completes no handshake with an OpenSSL 3
 * sender at its default security level). Sessions do not
 * wait for the policy (it comes over HTTPS); what a policy-following
 * sender would refuse is made crit here, once both are known.
 */
static void
mtasts_enforce(struct check_report *rep)
{
	static const enum finding_id ids[] = { F_TLS_STARTTLS_MISSING,
	    F_TLS_STARTTLS_REFUSED, F_TLS_HANDSHAKE, F_TLS_CERT_EXPIRED,
	    F_TLS_CERT_NOT_YET_VALID, F_TLS_CERT_HOSTNAME,
	    F_TLS_CERT_UNTRUSTED, F_TLS_PROTOCOL_OLD };
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

/* Did this session fail at the TCP connect by a timeout? */
static int
connect_timed_out(const struct smtp_result *r)
{
	return r->outcome == SMTP_TIMEOUT && r->nsteps >= 1 &&
	    r->steps[r->nsteps - 1].phase == PH_CONNECT;
}

/*
 * Port 25 timed out at the connect on every address probed (and there
 * was at least one): the egress check is worth making.
 */
static int
egress_candidate(const struct check *c)
{
	int	 i, n25 = 0;

	for (i = 0; i < c->rep.nsessions; i++) {
		const struct smtp_result *r =
		    smtp_session_result(c->rep.sessions[i]);

		if (r->port != 25)
			continue;
		if (!connect_timed_out(r))
			return 0;
		n25++;
	}
	return n25 > 0;
}

static void	finish(struct check *);

static void
ctl_close(struct ctlprobe *p)
{
	if (!p->open)
		return;
	p->open = 0;
	event_free(p->ev);
	close(p->fd);
	p->c->ctl_pending--;
}

static void
ctl_end(struct check *c)
{
	int	 i;

	for (i = 0; i < c->nctl; i++)
		ctl_close(&c->ctl[i]);
	evtimer_del(c->ev_ctl);
	finish(c);
}

static void
ctl_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctlprobe	*p = arg;
	struct check	*c = p->c;
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	(void)what;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	/* a SYN-ACK or a RST: the path to the host is open for this port */
	p->answered = err == 0 || err == ECONNREFUSED;
	ctl_close(p);
	if (c->ctl_pending == 0)
		ctl_end(c);
}

static void
ctl_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ctl_end(arg);
}

/* Start the bare connects; 0 when none could start (finish now). */
static int
egress_start(struct check *c)
{
	struct timeval	 tv = { EGRESS_WAIT_MS / 1000,
			    (EGRESS_WAIT_MS % 1000) * 1000 };
	int		 i, k, naddr = 0;

	if ((c->ev_ctl = evtimer_new(c->base, ctl_deadline, c)) == NULL)
		return 0;
	for (i = 0; i < c->rep.nsessions && naddr < EGRESS_ADDRS_MAX; i++) {
		const struct smtp_params *sp =
		    smtp_session_params(c->rep.sessions[i]);
		const struct smtp_result *r =
		    smtp_session_result(c->rep.sessions[i]);
		struct sockaddr_storage	 ss;
		int			 seen = 0;

		for (k = 0; k < c->nctl; k++)
			if (strcmp(c->ctl[k].addr, r->remote) == 0)
				seen = 1;
		if (seen || r->port != 25)
			continue;
		naddr++;
		for (k = 0; k < (int)(sizeof(egress_ports) /
		    sizeof(egress_ports[0])); k++) {
			struct ctlprobe	*p = &c->ctl[c->nctl];

			memcpy(&ss, &sp->ss, sizeof(ss));
			if (ss.ss_family == AF_INET)
				((struct sockaddr_in *)&ss)->sin_port =
				    htons((uint16_t)egress_ports[k]);
			else
				((struct sockaddr_in6 *)&ss)->sin6_port =
				    htons((uint16_t)egress_ports[k]);
			memset(p, 0, sizeof(*p));
			p->c = c;
			p->port = egress_ports[k];
			util_strlcpy(p->addr, r->remote, sizeof(p->addr));
			p->fd = socket(ss.ss_family, SOCK_STREAM |
			    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (p->fd == -1)
				continue;
			if (connect(p->fd, (struct sockaddr *)&ss,
			    sp->sslen) == -1 && errno != EINPROGRESS) {
				p->answered = errno == ECONNREFUSED;
				close(p->fd);
				c->nctl++;
				continue;
			}
			if ((p->ev = event_new(c->base, p->fd, EV_WRITE,
			    ctl_cb, p)) == NULL || event_add(p->ev, NULL) == -1) {
				if (p->ev != NULL)
					event_free(p->ev);
				close(p->fd);
				continue;
			}
			p->open = 1;
			c->ctl_pending++;
			c->nctl++;
		}
	}
	if (c->ctl_pending == 0)
		return 0;
	evtimer_add(c->ev_ctl, &tv);
	return 1;
}

/* A connect timeout of port 25 (egress_judge's finding_list_drop). */
static int
timeout_25(const struct finding *f, const void *arg)
{
	(void)arg;
	return f->id == F_NET_CONNECT_TIMEOUT && f->port == 25;
}

/*
 * After the control connects: if one answered, port 25's timeouts are
 * the probing network's filter, not the servers': one finding that
 * blames it instead of net.connect.timeout on every address.
 */
static void
egress_judge(struct check *c)
{
	struct check_report	*rep = &c->rep;
	char			 addrs[200] = "", *host = NULL;
	int			 i, n25 = 0, k = -1;

	for (i = 0; i < c->nctl; i++)
		if (c->ctl[i].answered && k == -1)
			k = i;
	if (k == -1)
		return;
	for (i = 0; i < rep->nsessions; i++) {
		const struct smtp_result *r =
		    smtp_session_result(rep->sessions[i]);

		if (r->port != 25)
			continue;
		if (n25++ < 4 && strlen(addrs) + strlen(r->remote) + 3 <
		    sizeof(addrs)) {
			strcat(addrs, addrs[0] ? ", " : "");
			strcat(addrs, r->remote);
		}
		if (host == NULL)
			host = (char *)(uintptr_t)
			    smtp_session_params(rep->sessions[i])->host;
	}
	finding_list_drop(&rep->findings, timeout_25, NULL);
	finding_add(&rep->findings, F_PROBE_EGRESS_25_BLOCKED, -1, host, NULL,
	    25, "port 25 timed out at the TCP connect on every address "
	    "probed (%d: %s%s) while port %d of %s answered: outbound port "
	    "25 is most likely filtered on the probing network; the servers "
	    "were not tested", n25, addrs, n25 > 4 ? ", ..." : "",
	    c->ctl[k].port, c->ctl[k].addr);
	rep->incomplete = 1;
	snprintf(rep->error, sizeof(rep->error), "%s: outbound port 25 "
	    "seems filtered on this network: nothing was tested", c->p.name);
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
	evtimer_del(c->ev_deadline);
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
	if (c->egress_started)
		egress_judge(c);
	if (c->p.note_helo && !c->p.dns_only && rep->nsessions > 0 &&
	    c->p.proto.helo != NULL && strchr(c->p.proto.helo, '.') == NULL &&
	    c->p.proto.helo[0] != '[')
		finding_add(&rep->findings, F_PROBE_HELO_NOT_FQDN, -1, NULL, NULL,
		    0, "HELO name \"%s\" has no dot: servers that require a "
		    "fully qualified HELO (Postfix reject_non_fqdn_helo_hostname"
		    ") refuse this probe, whatever the target's health",
		    c->p.proto.helo);
	if (rep->audit != NULL && (rep->audit->resolver_dead ||
	    rep->audit->local_trouble)) {
		rep->incomplete = 1;
		snprintf(rep->error, sizeof(rep->error), "%s: %s", c->p.name,
		    rep->audit->resolver_dead ? "the resolver does not answer: "
		    "nothing was looked up" : "a lookup could not be made on "
		    "this host: the result is incomplete");
	}
	if (rep->audit != NULL && rep->audit->mtasts_valid ?
	    rep->audit->mtasts.mode == MTASTS_MODE_ENFORCE : c->p.sts_enforce)
		mtasts_enforce(rep);
	if (c->audit != NULL && rep->nsessions == 0 && !c->p.dns_only &&
	    !rep->audit->null_mx && rep->findings.n == 0 && !rep->overran) {
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
	    (c->audit == NULL || c->audit_done)) {
		if (c->egress_started)
			return;		/* the control connects decide */
		if (egress_candidate(c)) {
			c->egress_started = 1;
			if (egress_start(c))
				return;
		}
		finish(c);
	}
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

/* A job's address as text. */
static const char *
job_addr(const struct job *j, char *buf, size_t sz)
{
	const void	*a = j->ss.ss_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)&j->ss)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)&j->ss)->sin_addr;

	if (inet_ntop(j->ss.ss_family, a, buf, (socklen_t)sz) == NULL)
		util_strlcpy(buf, "?", sz);
	return buf;
}

/*
 * A session that could not even start (no descriptor, no memory): the
 * prober's trouble. It is a finding of its own and makes the run
 * UNKNOWN: what was not looked at must not pass for health.
 */
static void
start_failed(struct check *c, const struct job *j, const char *cause)
{
	static struct timespec	 last;
	static unsigned		 quiet;
	struct timespec		 now;
	char			 a[INET6_ADDRSTRLEN];

	job_addr(j, a, sizeof(a));
	/*
	 * Out of descriptors, every attempt fails the same way: said at
	 * most once a minute (each run still has its finding).
	 */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last.tv_sec == 0 || now.tv_sec - last.tv_sec >= 60) {
		if (quiet > 0)
			log_warnx("%s: cannot start a session to %s port %d: "
			    "%s (%u more such failures since the last line)",
			    c->p.name, a, j->port, cause, quiet);
		else
			log_warnx("%s: cannot start a session to %s port %d: "
			    "%s", c->p.name, a, j->port, cause);
		last = now;
		quiet = 0;
	} else
		quiet++;
	finding_add(&c->rep.findings, F_PROBE_RESOURCE, -1, j->host, a,
	    j->port, "cannot start a session to %s port %d: %s; nothing was "
	    "probed there", a, j->port, cause);
	c->rep.incomplete = 1;
	snprintf(c->rep.error, sizeof(c->rep.error), "%s: a session could not "
	    "start on this host (%s): the result is incomplete", c->p.name,
	    cause);
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
			start_failed(c, j, cause);
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

/*
 * The whole check's deadline (timeout_ms) has come: what still runs is
 * cut, what was found so far is the report, and the run is UNKNOWN
 * unless that is worse. A session cut here is not the server's fault
 * (it may just be one of many queued behind slow ones): it gets no
 * finding, the report's error names it. Unless it has waited on the
 * server alone for half the check's time or more (no TCP answer, no
 * greeting, no reply): that silence is the server's, and is named as
 * its phase's timeout would name it (what check_smtp -t calls a
 * CRITICAL socket timeout), not left UNKNOWN.
 */
static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct check	*c = arg;
	char		 first[200] = "", d[32], audit[64] = "", why[64];
	int		 i, cut = 0, unstarted;

	(void)fd;
	(void)what;
	if (c->ended)
		return;
	snprintf(why, sizeof(why), "the check's deadline of %s",
	    value_duration_str(c->p.timeout_ms, d, sizeof(d)));
	for (i = 0; i < c->rep.nsessions; i++) {
		struct smtp_session		*s = c->rep.sessions[i];
		const struct smtp_result	*r = smtp_session_result(s);
		const struct smtp_params	*sp = smtp_session_params(s);

		if (smtp_session_ended(s))
			continue;
		if (smtp_session_cut_waiting(s, c->p.timeout_ms * 500LL,
		    why) == 0 && cut++ == 0)
			snprintf(first, sizeof(first), ": %s [%s]:%d in %s",
			    sp->host, r->remote, r->port, r->nsteps > 0 ?
			    smtp_phase_name(r->steps[r->nsteps - 1].phase) :
			    "connect");
		c->inflight--;
		if (c->gate.release != NULL)
			c->gate.release(c->gate.arg, &sp->ss);
	}
	unstarted = c->sessions_ready ? c->njobs - c->next : 0;
	c->next = c->njobs;
	c->sessions_ready = 1;
	evtimer_del(c->ev_retry);
	if (c->audit != NULL && !c->audit_done) {
		audit_stop(c->audit);
		c->audit_done = 1;
		snprintf(audit, sizeof(audit), "; the DNS audit unfinished%s",
		    c->rep.nsessions == 0 && unstarted == 0 ?
		    " (no session known yet)" : "");
	}
	/* port 25's control connects, if running, decide nothing now */
	if (c->egress_started) {
		for (i = 0; i < c->nctl; i++)
			ctl_close(&c->ctl[i]);
		evtimer_del(c->ev_ctl);
		c->egress_started = 0;
	}
	/* every session looked and was met with silence: nothing unknown */
	if (cut == 0 && unstarted == 0 && audit[0] == '\0') {
		finish(c);
		return;
	}
	c->rep.unknown = 1;
	c->rep.overran = 1;
	snprintf(c->rep.error, sizeof(c->rep.error), "%s: the check did not "
	    "end within %s: %d session(s) cut%s, %d not started%s", c->p.name,
	    value_duration_str(c->p.timeout_ms, d, sizeof(d)), cut, first,
	    unstarted, audit);
	finish(c);
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
	c->rep.timeout_ms = p->timeout_ms;
	c->ev_retry = evtimer_new(base, retry_cb, c);
	c->ev_done = evtimer_new(base, done_ev, c);
	c->ev_deadline = evtimer_new(base, deadline_cb, c);
	if (c->ev_retry == NULL || c->ev_done == NULL ||
	    c->ev_deadline == NULL) {
		*cause = "out of memory";
		check_free(c);
		return NULL;
	}
	if (p->timeout_ms > 0) {
		struct timeval	 tv = { (time_t)(p->timeout_ms / 1000),
				    (suseconds_t)(p->timeout_ms % 1000) * 1000 };

		evtimer_add(c->ev_deadline, &tv);
	}
	if (p->use_addrs && !p->dns_only) {
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
	/* an address audited alone (dns-only): a host of its own */
	c->p.audit.host_mode = p->host_mode || p->use_addrs;
	c->p.audit.literal = p->use_addrs;
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
	if (c->ev_deadline)
		event_free(c->ev_deadline);
	for (i = 0; i < c->nctl; i++)
		ctl_close(&c->ctl[i]);
	if (c->ev_ctl)
		event_free(c->ev_ctl);
	free(c);
}
