/*
 * fuzz_dns.c - libFuzzer harness for the answer path of lib/dns.c.
 *
 * The input is a DNS message as a server would send it, copied to an
 * exact-size heap buffer so a read past its end trips ASan. It is matched
 * twice with dns_answer_check(): against the question it carries itself
 * (with its own id, so the extraction is reached) and against a fixed
 * question. Every accepted answer goes through dns_result_fill() and
 * dns_result_evidence(), as the resolver does. Invariant breaks abort().
 * The message's own question is read with dns_wire_parse(), which refuses
 * what ldns would leak on (several TSIG records: corpus/dns/tsig-twice).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
extract(ldns_pkt *pkt, const ldns_rdf *qname, uint16_t qtype)
{
	struct dns_result	 res;
	const ldns_rr		*rr;
	char			 ev[256];
	const char		*p;
	size_t			 i, n;
	int			 len;

	memset(&res, 0, sizeof(res));
	res.name = "fuzz.";
	res.type = qtype;
	res.server = "127.0.0.1:53";
	if (dns_result_fill(&res, pkt, qname, qtype) == -1) {
		if (res.status != DNS_ERROR || res.rrs != NULL ||
		    res.cname != NULL)
			abort();
		return;
	}
	if ((unsigned)res.status >= DNS_STATUS_COUNT)
		abort();
	n = res.rrs != NULL ? ldns_rr_list_rr_count(res.rrs) : 0;
	if ((res.status == DNS_OK) != (n > 0))
		abort();
	for (i = 0; i < n; i++) {
		rr = ldns_rr_list_rr(res.rrs, i);
		if (ldns_rr_get_type(rr) != qtype ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
		    ldns_rr_ttl(rr) < res.ttl)
			abort();
	}
	if (res.cname != NULL) {
		for (p = res.cname; *p != '\0'; p++)
			if (*p < 0x20 || *p > 0x7e || (*p >= 'A' && *p <= 'Z'))
				abort();
		if (qtype == LDNS_RR_TYPE_CNAME)
			abort();
	}
	if (res.status != DNS_OK && res.status != DNS_NODATA &&
	    res.status != DNS_NXDOMAIN && res.ttl != 0)
		abort();
	len = dns_result_evidence(&res, ev, sizeof(ev));
	if (len < 0 || strlen(ev) >= sizeof(ev) ||
	    ((size_t)len < sizeof(ev) && strlen(ev) != (size_t)len))
		abort();
	dns_result_release(&res);
}

static void
check(const uint8_t *buf, size_t len, uint16_t id, const ldns_rdf *qname,
    uint16_t qtype)
{
	ldns_pkt	*pkt = NULL;
	enum dns_check	 c;

	c = dns_answer_check(buf, len, id, qname, qtype, &pkt);
	if ((c == DNS_CHECK_OK) != (pkt != NULL))
		abort();
	if (pkt == NULL)
		return;
	if (ldns_pkt_id(pkt) != id || !ldns_pkt_qr(pkt))
		abort();
	extract(pkt, qname, qtype);
	ldns_pkt_free(pkt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ldns_rdf	*fixed;
	ldns_pkt	*pkt = NULL;
	ldns_rr_list	*qs;
	ldns_rr		*q;
	uint8_t		*buf;
	uint16_t	 id;

	if (fixed == NULL && (fixed = ldns_dname_new_frm_str("example.com."))
	    == NULL)
		abort();
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	id = size >= 2 ? (uint16_t)(buf[0] << 8 | buf[1]) : 0;

	check(buf, size, id, fixed, LDNS_RR_TYPE_MX);
	check(buf, size, id, fixed, LDNS_RR_TYPE_A);

	/* The message's own question, so the answer is accepted. */
	if (dns_wire_parse(buf, size, &pkt) == DNS_CHECK_OK) {
		qs = ldns_pkt_question(pkt);
		if (qs != NULL && ldns_rr_list_rr_count(qs) == 1) {
			q = ldns_rr_list_rr(qs, 0);
			if (ldns_rr_owner(q) != NULL)
				check(buf, size, id, ldns_rr_owner(q),
				    (uint16_t)ldns_rr_get_type(q));
		}
		ldns_pkt_free(pkt);
	}
	free(buf);
	return 0;
}
