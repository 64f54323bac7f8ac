/*
 * explain.c - naming the cause of a refusal read from a reply, a log or
 * a bounce, and the smtprobe check that proves it.
 */
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "explain.h"
#include "util.h"

/*
 * Failures stated in words, without a reply: Postfix's and Exim's
 * wordings for what happened before (or instead of) a reply. Order
 * matters: the first that the text holds decides.
 */
static const struct {
	const char	*words;
	enum finding_id	 id;
} failures[] = {
	{ "Connection timed out", F_NET_CONNECT_TIMEOUT },
	{ "connection timed out", F_NET_CONNECT_TIMEOUT },
	{ "Connection refused", F_NET_CONNECT_REFUSED },
	{ "Can not connect to", F_NET_CONNECT_TIMEOUT },
	{ "No route to host", F_NET_UNREACHABLE },
	{ "Network is unreachable", F_NET_UNREACHABLE },
	{ "TLS is required, but was not offered", F_TLS_STARTTLS_MISSING },
	{ "TLS is required, but host", F_TLS_STARTTLS_MISSING },
	{ "certificate verification failed", F_TLS_CERT_UNTRUSTED },
	{ "Server certificate not trusted", F_TLS_CERT_UNTRUSTED },
	{ "Server certificate not verified", F_TLS_CERT_UNTRUSTED },
	{ "Cannot start TLS", F_TLS_HANDSHAKE },
	{ "TLS handshake", F_TLS_HANDSHAKE },
	{ "lost connection with", F_NET_RESET },
	{ "conversation with", F_SMTP_PHASE_TIMEOUT },
	{ "Connection reset by peer", F_NET_RESET },
	/* first match wins: Postfix says "try again" for a lookup that
	   failed (SERVFAIL, timeout), within the same wording as NXDOMAIN */
	{ "Host not found, try again", F_DNS_SERVFAIL },
	{ "Host or domain name not found", F_DNS_NXDOMAIN },
	{ "Name service error", F_DNS_SERVFAIL },
	/* Exim's dnslookup router when the lookup failed (HOST_FIND_AGAIN) */
	{ "host lookup did not complete", F_DNS_SERVFAIL },
	{ "all relevant MX records point to non-existent hosts", F_MX_NO_ADDRESS },
	{ "does not accept mail (nullMX)", F_MX_NULL },
};

enum finding_id
explain_failure(const char *text, size_t len, int permanent)
{
	char	 buf[EXPLAIN_TEXT_MAX];
	size_t	 i;

	(void)permanent;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++)
		if (util_strcasestr(buf, failures[i].words) != NULL)
			return failures[i].id;
	return F_COUNT;
}

/* The domain of an address, into out. */
static const char *
domain(const char *addr, char *out, size_t sz)
{
	const char	*at = strrchr(addr, '@');

	util_strlcpy(out, at != NULL ? at + 1 : "", sz);
	out[strcspn(out, "> ")] = '\0';
	return out;
}

/*
 * The smtprobe command that checks the cause: the sender's DNS for
 * authentication, the sending address for the client's standing, the
 * recipient's domain or server for everything on the receiving side.
 */
static void
check_cmd(struct explain_item *it, const struct explain_ctx *c)
{
	char		 rd[256], sd[256], fd[256];
	const char	*ip = c != NULL && c->client_ip != NULL &&
			    c->client_ip[0] ? c->client_ip : "SENDING-IP";
	const char	*sel = c != NULL && c->dkim_selector != NULL &&
			    c->dkim_selector[0] ? c->dkim_selector : "SELECTOR";
	const char	*target;

	domain(it->rcpt, rd, sizeof(rd));
	domain(it->sender[0] && strcmp(it->sender, "<>") ? it->sender :
	    c != NULL && c->env_from != NULL ? c->env_from : "", sd,
	    sizeof(sd));
	if (c != NULL && c->from_domain != NULL && c->from_domain[0])
		util_strlcpy(fd, c->from_domain, sizeof(fd));
	else if (c != NULL && c->dkim_domain != NULL && c->dkim_domain[0])
		util_strlcpy(fd, c->dkim_domain, sizeof(fd));
	else
		util_strlcpy(fd, sd, sizeof(fd));
	if (sd[0] == '\0')
		util_strlcpy(sd, fd[0] ? fd : "SENDER-DOMAIN", sizeof(sd));
	if (fd[0] == '\0')
		util_strlcpy(fd, "FROM-DOMAIN", sizeof(fd));
	/* the receiving side: its server as named, else the domain's MX */
	target = rd[0] ? rd : NULL;
	it->check[0] = '\0';
	switch (it->id) {
	case F_POLICY_AUTH_SPF:
		snprintf(it->check, sizeof(it->check),
		    "smtprobe check --dns-only --spf-ip %s %s", ip, sd);
		break;
	case F_POLICY_AUTH_DKIM:
		snprintf(it->check, sizeof(it->check),
		    "smtprobe check --dns-only --dkim-selector %s %s", sel,
		    c != NULL && c->dkim_domain != NULL && c->dkim_domain[0] ?
		    c->dkim_domain : fd);
		break;
	case F_POLICY_AUTH_DMARC:
	case F_POLICY_AUTH_FAILED:
		snprintf(it->check, sizeof(it->check),
		    "smtprobe check --dns-only --spf-ip %s --dkim-selector %s %s",
		    ip, sel, fd);
		break;
	case F_POLICY_CLIENT_BLOCKLISTED:
	case F_POLICY_CLIENT_REPUTATION:
	case F_POLICY_CLIENT_REVERSE_DNS:
	case F_POLICY_CLIENT_REJECTED:
		snprintf(it->check, sizeof(it->check),
		    "smtprobe check --dns-only --dnsbl zen.spamhaus.org "
		    "--dnsbl b.barracudacentral.org %s", ip);
		break;
	case F_POLICY_HELO_REJECTED:
		snprintf(it->check, sizeof(it->check),
		    "smtprobe check --helo YOUR-HOST-FQDN %s%s",
		    it->remote[0] ? "-H " : "", it->remote[0] ? it->remote :
		    target ? target : "RECIPIENT-DOMAIN");
		break;
	case F_POLICY_SENDER_UNKNOWN_DOMAIN:
		snprintf(it->check, sizeof(it->check),
		    "smtprobe check --dns-only %s", sd);
		break;
	case F_TLS_STARTTLS_MISSING:
	case F_TLS_STARTTLS_REQUIRED:
	case F_TLS_HANDSHAKE:
	case F_TLS_CERT_UNTRUSTED:
	case F_TLS_CERT_HOSTNAME:
	case F_TLS_CERT_EXPIRED:
	case F_TLS_PROTOCOL_OLD:
		if (it->remote[0] && strcmp(it->remote, "none") != 0)
			snprintf(it->check, sizeof(it->check),
			    "smtprobe check --tls verify -H %s", it->remote);
		else if (target != NULL)
			snprintf(it->check, sizeof(it->check),
			    "smtprobe check --tls verify %s", target);
		break;
	case F_POLICY_CONTENT_SPAM:
	case F_POLICY_CONTENT_REJECTED:
	case F_POLICY_MESSAGE_TOO_LARGE:
	case F_SMTP_AUTH_FAILED:
		break;		/* the message or the login: nothing to probe */
	case F_POLICY_RCPT_UNKNOWN_USER:
	case F_POLICY_RCPT_MAILBOX_FULL:
	case F_POLICY_RCPT_MAILBOX_DISABLED:
	case F_POLICY_RCPT_RELAY_DENIED:
	case F_POLICY_RCPT_REJECTED:
	case F_POLICY_GREYLISTED:
	case F_POLICY_RATE_LIMITED:
	case F_POLICY_DEFERRED:
	case F_POLICY_REJECTED:
		if (target != NULL)
			snprintf(it->check, sizeof(it->check),
			    "smtprobe check --rcpt %s %s", it->rcpt, target);
		break;
	default:
		if (target != NULL)
			snprintf(it->check, sizeof(it->check),
			    "smtprobe check %s", target);
		else if (it->remote[0] && strcmp(it->remote, "none") != 0)
			snprintf(it->check, sizeof(it->check),
			    "smtprobe check -H %s", it->remote);
		break;
	}
}

/* "5.1.1" at the start of s, or a DSN status, into an enhanced code. */
static int
status_class(const char *st)
{
	if ((st[0] == '4' || st[0] == '5') && st[1] == '.')
		return st[0] - '0';
	return 0;
}

void
explain_classify(struct explain_item *it, const struct explain_ctx *c)
{
	char		 buf[EXPLAIN_TEXT_MAX + 32];
	int		 code = it->code, cls;
	size_t		 n;
	const struct finding_def *d;

	it->ok = 0;
	it->known = 0;
	it->id = F_COUNT;
	it->remedy = NULL;
	it->check[0] = '\0';
	memset(&it->m, 0, sizeof(it->m));
	cls = status_class(it->status);
	if (code >= 200 && code < 400) {
		it->ok = 1;
		return;
	}
	if (code == 0 && (strcasecmp(it->action, "delivered") == 0 ||
	    strcasecmp(it->action, "relayed") == 0 ||
	    strcasecmp(it->action, "expanded") == 0 || it->status[0] == '2' ||
	    strcasecmp(it->action, "sent") == 0)) {
		it->ok = 1;
		return;
	}
	if (code == 0) {
		enum finding_id	 id = explain_failure(it->text, strlen(it->text),
		    cls == 5);

		if (id != F_COUNT) {
			it->known = 1;
			it->id = id;
			goto named;
		}
		/* no code, no known words: the DSN status stands in */
		code = cls == 5 ? 550 : cls == 4 ? 450 :
		    strcasecmp(it->action, "failed") == 0 ||
		    strcasecmp(it->action, "bounced") == 0 ? 550 :
		    strcasecmp(it->action, "delayed") == 0 ||
		    strcasecmp(it->action, "deferred") == 0 ? 450 : 0;
		/*
		 * Nothing says how bad: only a row of the knowledge base
		 * (a provider's own words, NetEase's in Chinese) may name
		 * it, read as permanent.
		 */
		if (code == 0) {
			n = strlen(it->text);
			if (replydb_classify(550, it->text, n, &it->m) == -1 ||
			    it->m.level != REPLYDB_ROW) {
				memset(&it->m, 0, sizeof(it->m));
				return;
			}
			code = 550;
			goto classified;
		}
		/* the status as the enhanced code of the words */
		n = (size_t)snprintf(buf, sizeof(buf), "%s%s%s", it->status,
		    it->status[0] ? " " : "", it->text);
	} else {
		/* the enhanced code may be only in the status (Exim) */
		if (it->status[0] != '\0' &&
		    !(it->text[0] >= '2' && it->text[0] <= '5' &&
		    it->text[1] == '.'))
			n = (size_t)snprintf(buf, sizeof(buf), "%s %s",
			    it->status, it->text);
		else
			n = (size_t)snprintf(buf, sizeof(buf), "%s", it->text);
	}
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if ((it->code == 0 ? replydb_classify_local(code, buf, n, &it->m) :
	    replydb_classify(code, buf, n, &it->m)) == -1)
		return;
classified:
	it->known = 1;
	it->id = replydb_finding(&it->m, replydb_cmd_lookup(it->command),
	    strcmp(it->sender, "<>") == 0);
	if (it->m.level == REPLYDB_ROW && it->id == it->m.cause)
		it->remedy = it->m.remedy;
named:
	d = finding_def(it->id);
	if (it->remedy == NULL)
		it->remedy = d->hint;
	if (it->m.source != NULL)
		it->sev = it->m.permanent || it->m.says_permanent ?
		    SEV_CRIT : SEV_WARN;
	else
		it->sev = cls == 4 || strcasecmp(it->action, "delayed") == 0 ||
		    strcasecmp(it->action, "deferred") == 0 ? SEV_WARN :
		    SEV_CRIT;
	check_cmd(it, c);
}

const char *
explain_text_line(const struct explain_item *it, char *buf, size_t sz)
{
	const char	*p = it->text, *nl;
	size_t		 n = 0, l;
	int		 first = 1;

	buf[0] = '\0';
	while (*p != '\0' && n + 4 < sz) {
		nl = strchr(p, '\n');
		l = nl ? (size_t)(nl - p) : strlen(p);
		if (!first) {
			/* the code each line repeats: "550-5.7.1 ", "550 " */
			while (l > 0 && (*p == ' ' || *p == '\t')) {
				p++;
				l--;
			}
			if (l >= 4 && (p[0] == '4' || p[0] == '5') &&
			    (p[3] == ' ' || p[3] == '-') && p[1] >= '0' &&
			    p[1] <= '9' && p[2] >= '0' && p[2] <= '9') {
				p += 4;
				l -= 4;
				if (it->m.enh[0] != '\0' &&
				    strncmp(p, it->m.enh, strlen(it->m.enh)) == 0 &&
				    p[strlen(it->m.enh)] == ' ') {
					p += strlen(it->m.enh) + 1;
					l -= strlen(it->m.enh) + 1;
				}
			}
			if (l == 0)
				goto next;
			memcpy(buf + n, " / ", 3);
			n += 3;
		}
		if (n + l >= sz)
			l = sz - n - 1;
		memcpy(buf + n, p, l);
		n += l;
		first = 0;
next:
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	buf[n] = '\0';
	return buf;
}

const char *
explain_evidence(const struct explain_item *it, char *buf, size_t sz)
{
	char	 label[200], t[EXPLAIN_TEXT_MAX], code[8];

	explain_text_line(it, t, sizeof(t));
	label[0] = '\0';
	if (it->m.source != NULL && it->m.level != REPLYDB_BASIC)
		replydb_label(&it->m, label, sizeof(label));
	code[0] = '\0';
	if (it->code != 0)
		snprintf(code, sizeof(code), "%d ", it->code);
	snprintf(buf, sz, "%s%s%s%s%s%s%s", it->command[0] ? it->command : "",
	    it->command[0] ? ": " : "", code, t, label[0] ? " [" : "", label,
	    label[0] ? "]" : "");
	return buf;
}

/* Is s valid UTF-8 (RFC 3629: no overlongs, no surrogates)? */
static int
valid_utf8(const unsigned char *s)
{
	while (*s != '\0') {
		unsigned	 c = *s, n, cp, i;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		s += n + 1;
	}
	return 1;
}

const char *
explain_utf8(const char *in, char *out, size_t sz)
{
	iconv_t	 cd;
	char	*ip = (char *)(uintptr_t)in, *op = out;
	size_t	 il = strlen(in), ol = sz - 1, i;

	out[0] = '\0';
	if (sz == 0)
		return out;
	if (valid_utf8((const unsigned char *)in)) {
		util_strlcpy(out, in, sz);
		/* a cut may split a sequence: drop the partial one */
		if (!valid_utf8((const unsigned char *)out)) {
			i = strlen(out);
			while (i > 0 && ((unsigned char)out[i - 1] & 0xc0) == 0x80)
				i--;
			if (i > 0 && (unsigned char)out[i - 1] >= 0xc0)
				i--;
			out[i] = '\0';
		}
	} else if ((cd = iconv_open("UTF-8", "GB18030")) != (iconv_t)-1) {
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && il > 0) {
			iconv_close(cd);
			goto ascii;
		}
		iconv_close(cd);
		*op = '\0';
	} else
		goto ascii;
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
	return out;
ascii:
	for (i = 0; in[i] != '\0' && i + 1 < sz; i++)
		out[i] = (unsigned char)in[i] < 0x20 || (unsigned char)in[i] >= 0x7f ?
		    ((unsigned char)in[i] >= 0x80 ? '?' : ' ') : in[i];
	out[i] = '\0';
	return out;
}
