/*
 * fuzz_conf.c - libFuzzer harness for lib/conf.c (and the settings of
 * lib/target.c under it).
 *
 * The input is a whole smtprobed.conf, read through a stream over an
 * exact-size heap copy. A conf that loads is checked against what
 * conf.h promises (ids, hashes and the index agree, counts within their
 * limits, values in range, the section port wins, RCPT tests add up) and
 * mapped to session and audit parameters; an error must name the file
 * and a line and be printable. Invariant breaks abort().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_str(const char *s)
{
	if (s == NULL)
		abort();
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			abort();
}

static void
check_target(const struct conf *c, const struct target *t)
{
	struct check_params	 p;
	int			 i;

	check_str(t->id);
	check_str(t->host);
	if (strncmp(t->id, t->kind == TARGET_DOMAIN ? "domain:" : "host:",
	    t->kind == TARGET_DOMAIN ? 7 : 5) != 0)
		abort();
	if (t->hash != conf_hash(t->id, strlen(t->id)) ||
	    conf_target_find(c, t->id) != t)
		abort();
	if (t->nports < 1 || t->nports > TARGET_PORTS_MAX)
		abort();
	for (i = 0; i < t->nports; i++)
		if (t->ports[i] < 1 || t->ports[i] > 65535)
			abort();
	if (t->port != 0 && (t->nports != 1 || t->ports[0] != t->port))
		abort();
	if (t->ntests != t->nrcpt + t->nrcpt_reject + (t->relay_test != NULL) ||
	    t->ntests > TARGET_VALUES_MAX)
		abort();
	for (i = 0; i < t->ntests; i++)
		check_str(t->tests[i].addr);
	if (t->nselectors > AUDIT_SELECTORS_MAX ||
	    t->nselectors > t->ndkim_selectors + t->ndkim_keys)
		abort();
	for (i = 0; i < t->nselectors; i++)
		check_str(t->selectors[i]);
	for (i = 0; i < t->naddrs; i++)
		check_str(t->addrs[i]);
	for (i = 0; i < t->ndnsbl; i++)
		check_str(t->dnsbl[i]);
	for (i = 0; i < PH_COUNT; i++)
		if (t->timeout_ms[i] < 1 || t->timeout_ms[i] > 3600000 ||
		    t->slow_ms[i] < 1 || t->slow_ms[i] > 3600000)
			abort();
	if (t->interval_ms < 1000 || t->dns_interval_ms < 1000 ||
	    t->alert_after < 1 || t->clear_after < 1 ||
	    (t->dns_only && t->no_dns) || (t->naddrs > 0 &&
	    t->kind != TARGET_HOST))
		abort();
	if (t->helo != NULL)
		check_str(t->helo);
	check_str(t->mail_from);

	target_check_params(t, NULL, &p);
	if (p.proto.nrcpts != t->ntests || p.proto.tls_policy != t->tls ||
	    p.name != t->host || p.nports != t->nports ||
	    p.naddrs > t->naddrs + t->literal)
		abort();
}

/*
 * Every line of the input as a name a user gives the control commands:
 * a target's own id and its section name find it, matches are targets of
 * c, and a suggestion only comes with no match.
 */
static void
match_names(const struct conf *c, const uint8_t *data, size_t size)
{
	const struct target	*found[4], *closest;
	char			 name[600];
	size_t			 i, o, len;
	int			 n, j;

	for (o = 0; o < size; o += len + 1) {
		for (len = 0; o + len < size && data[o + len] != '\n'; len++)
			;
		if (len >= sizeof(name))
			continue;
		memcpy(name, data + o, len);
		name[len] = '\0';
		n = conf_target_match(c, name, NULL, NULL, found, 4, &closest);
		for (j = 0; j < n && j < 4; j++)
			if (found[j] < c->targets ||
			    found[j] >= c->targets + c->ntargets)
				abort();
		if (n > 0 && closest != NULL)
			abort();
	}
	for (i = 0; i < c->ntargets; i++) {
		n = conf_target_match(c, c->targets[i].id, NULL, NULL, found, 4,
		    &closest);
		if (n != 1 || found[0] != &c->targets[i])
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	*c = NULL;
	char		*buf, *cause = NULL;
	FILE		*fp;
	size_t		 i;

	if (size == 0)
		return 0;	/* fmemopen wants a buffer */
	if ((buf = malloc(size)) == NULL)
		abort();
	memcpy(buf, data, size);
	if ((fp = fmemopen(buf, size, "r")) == NULL)
		abort();
	if (conf_load_file(fp, "fuzz.conf", &c, &cause) == 0) {
		if (cause != NULL || c == NULL ||
		    c->ntargets > CONF_TARGETS_MAX ||
		    c->daemon.shard_index < 1 ||
		    c->daemon.shard_index > c->daemon.shard_count ||
		    c->daemon.nresolvers > DNS_MAX_SERVERS)
			abort();
		for (i = 0; i < c->ntargets; i++)
			check_target(c, &c->targets[i]);
		match_names(c, data, size);
		conf_free(c);
	} else {
		if (c != NULL || cause == NULL ||
		    strncmp(cause, "fuzz.conf:", 10) != 0 ||
		    cause[10] < '1' || cause[10] > '9' || strlen(cause) > 2048)
			abort();
		check_str(cause);
		free(cause);
	}
	fclose(fp);
	free(buf);
	return 0;
}
