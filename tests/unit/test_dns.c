/*
 * test_dns.c - unit tests of lib/dns.c and lib/dnsname.c: nameserver and
 * resolv.conf parsing, reverse and DNSBL names, answer matching and
 * result extraction on packets built here, status names and findings,
 * and that callbacks only ever run from the loop. Tables first, one test
 * function per table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "dns.h"
#include "dnsname.h"
#include "finding.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * dns_server_parse / dns_server_str
 */

struct server_case {
	const char	*in;
	const char	*want;		/* dns_server_str(), NULL: must fail */
};

static const struct server_case server_cases[] = {
	{ "127.0.0.1", "127.0.0.1:53" },
	{ "127.0.0.1:5353", "127.0.0.1:5353" },
	{ "192.0.2.1:65535", "192.0.2.1:65535" },
	{ "::1", "[::1]:53" },
	{ "[::1]", "[::1]:53" },
	{ "[::1]:5353", "[::1]:5353" },
	{ "2001:db8::53", "[2001:db8::53]:53" },
	{ "[2001:DB8::53]:1", "[2001:db8::53]:1" },
	{ "fe80::1%1", "[fe80::1%1]:53" },
	{ "[fe80::1%1]:54", "[fe80::1%1]:54" },
	{ "", NULL },
	{ "localhost", NULL },
	{ "ns.example.com:53", NULL },
	{ "127.0.0.1:", NULL },
	{ "127.0.0.1:0", NULL },
	{ "127.0.0.1:65536", NULL },
	{ "127.0.0.1:53x", NULL },
	{ "127.0.0.1:+53", NULL },
	{ "127.0.0.1:-1", NULL },
	{ "127.1", NULL },
	{ "256.0.0.1", NULL },
	{ "[127.0.0.1]:53", NULL },
	{ "[::1]53", NULL },
	{ "[::1", NULL },
	{ "[::1]:", NULL },
	{ "::1:53:", NULL },
	{ "fe80::1%", NULL },
	{ "fe80::1%no-such-interface0", NULL },
	{ "1.2.3.4:53:53", NULL },
};

static void
test_server_parse(void **state)
{
	struct dns_server	 srv;
	char			 buf[DNS_SERVER_STRLEN], *cause;
	size_t			 i;
	int			 rc;

	(void)state;
	for (i = 0; i < N(server_cases); i++) {
		const struct server_case *c = &server_cases[i];

		cause = NULL;
		rc = dns_server_parse(c->in, &srv, &cause);
		if (c->want == NULL) {
			if (rc != -1 || cause == NULL)
				fail_msg("\"%s\": accepted", c->in);
			free(cause);
			continue;
		}
		if (rc != 0)
			fail_msg("\"%s\": %s", c->in, cause);
		dns_server_str(&srv, buf, sizeof(buf));
		if (strcmp(buf, c->want) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", c->in, buf,
			    c->want);
	}
}

static void
test_config_add_bound(void **state)
{
	struct dns_config	 cfg;
	char			*cause = NULL;
	int			 i;

	(void)state;
	dns_config_init(&cfg);
	for (i = 0; i < DNS_MAX_SERVERS; i++)
		assert_int_equal(dns_config_add_server(&cfg, "127.0.0.1",
		    &cause), 0);
	assert_int_equal(dns_config_add_server(&cfg, "127.0.0.1", &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(cfg.nservers, DNS_MAX_SERVERS);
}

/*
 * dns_config_resolv_conf
 */

struct resolv_case {
	const char	*name;
	const char	*text;
	const char	*servers;	/* space-separated dns_server_str()s */
	int		 try_ms;
	int		 tries;
	const char	*error;		/* substring of the cause, or NULL */
};

static const struct resolv_case resolv_cases[] = {
	{ "plain", "nameserver 192.0.2.53\n", "192.0.2.53:53", 2000, 2, NULL },
	{ "several and comments",
	    "# generated\n; also a comment\n"
	    "search example.com\ndomain example.com\n"
	    "nameserver 192.0.2.1\n\tnameserver\t2001:db8::1  # trailing\n"
	    "nameserver [::1]:5353\n",
	    "192.0.2.1:53 [2001:db8::1]:53 [::1]:5353", 2000, 2, NULL },
	{ "options", "options ndots:2 timeout:3 attempts:4 rotate\n"
	    "nameserver 192.0.2.1\n", "192.0.2.1:53", 3000, 4, NULL },
	{ "options clamped", "options timeout:0 attempts:99\n"
	    "nameserver 192.0.2.1\n", "192.0.2.1:53", 1000, 5, NULL },
	{ "options garbage", "options timeout:x attempts:\n"
	    "nameserver 192.0.2.1\n", "192.0.2.1:53", 2000, 2, NULL },
	{ "empty: loopback", "", "127.0.0.1:53", 2000, 2, NULL },
	{ "only search: loopback", "search example.com\n", "127.0.0.1:53",
	    2000, 2, NULL },
	{ "no newline at end", "nameserver 192.0.2.9", "192.0.2.9:53", 2000, 2,
	    NULL },
	{ "crlf", "nameserver 192.0.2.9\r\n", "192.0.2.9:53", 2000, 2, NULL },
	{ "more than the bound",
	    "nameserver 192.0.2.1\nnameserver 192.0.2.2\n"
	    "nameserver 192.0.2.3\nnameserver 192.0.2.4\n"
	    "nameserver 192.0.2.5\nnameserver 192.0.2.6\n"
	    "nameserver 192.0.2.7\nnameserver 192.0.2.8\n"
	    "nameserver 192.0.2.9\nnameserver bogus\n",
	    "192.0.2.1:53 192.0.2.2:53 192.0.2.3:53 192.0.2.4:53 "
	    "192.0.2.5:53 192.0.2.6:53 192.0.2.7:53 192.0.2.8:53",
	    2000, 2, NULL },
	{ "host name", "nameserver 192.0.2.1\nnameserver ns.example.com\n",
	    NULL, 0, 0, ":2: nameserver \"ns.example.com\"" },
	{ "missing address", "nameserver\n", NULL, 0, 0,
	    ":1: nameserver without an address" },
	{ "line too long", NULL, NULL, 0, 0, ":1: line too long" },
};

static void
test_resolv_conf(void **state)
{
	struct dns_config	 cfg;
	char			 path[] = "/tmp/test_dns.XXXXXX";
	char			 got[1024], one[DNS_SERVER_STRLEN], *cause;
	char			 longline[3000];
	size_t			 i, j;
	int			 fd, rc;
	FILE			*f;

	(void)state;
	memset(longline, 'x', sizeof(longline) - 2);
	memcpy(longline, "nameserver ", 11);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	for (i = 0; i < N(resolv_cases); i++) {
		const struct resolv_case *c = &resolv_cases[i];

		strcpy(path, "/tmp/test_dns.XXXXXX");
		assert_true((fd = mkstemp(path)) != -1);
		assert_non_null(f = fdopen(fd, "w"));
		fputs(c->text != NULL ? c->text : longline, f);
		fclose(f);
		dns_config_init(&cfg);
		cause = NULL;
		rc = dns_config_resolv_conf(&cfg, path, &cause);
		unlink(path);
		if (c->error != NULL) {
			if (rc != -1 || cause == NULL ||
			    strstr(cause, c->error) == NULL ||
			    strncmp(cause, path, strlen(path)) != 0)
				fail_msg("%s: want error \"%s\", got %s",
				    c->name, c->error, cause ? cause : "none");
			free(cause);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: %s", c->name, cause);
		got[0] = '\0';
		for (j = 0; j < cfg.nservers; j++) {
			dns_server_str(&cfg.servers[j], one, sizeof(one));
			if (j > 0)
				strcat(got, " ");
			strcat(got, one);
		}
		if (strcmp(got, c->servers) != 0)
			fail_msg("%s: servers \"%s\", want \"%s\"", c->name,
			    got, c->servers);
		if (cfg.try_ms != c->try_ms || cfg.tries != c->tries)
			fail_msg("%s: try_ms %d tries %d, want %d %d", c->name,
			    cfg.try_ms, cfg.tries, c->try_ms, c->tries);
	}
	dns_config_init(&cfg);
	cause = NULL;
	assert_int_equal(dns_config_resolv_conf(&cfg, "/nonexistent/resolv.conf",
	    &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/resolv.conf"));
	free(cause);
}

/*
 * dnsname
 */

struct reverse_case {
	const char	*addr;
	const char	*want;		/* NULL: must fail */
};

static const struct reverse_case reverse_cases[] = {
	{ "192.0.2.1", "1.2.0.192.in-addr.arpa." },
	{ "10.0.0.255", "255.0.0.10.in-addr.arpa." },
	{ "0.0.0.0", "0.0.0.0.in-addr.arpa." },
	{ "2001:db8::1",
	    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
	    "ip6.arpa." },
	{ "::ffff:192.0.2.1",
	    "1.0.2.0.0.0.0.c.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "ip6.arpa." },
	{ "2001:DB8:ABCD::",
	    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.b.d.0.1.0.0.2."
	    "ip6.arpa." },
	{ "", NULL },
	{ "192.0.2", NULL },
	{ "192.0.2.1.", NULL },
	{ "mx.example.com", NULL },
	{ "[::1]", NULL },
};

static void
test_reverse(void **state)
{
	char	 buf[DNSNAME_BUFSZ], small[20];
	size_t	 i;

	(void)state;
	for (i = 0; i < N(reverse_cases); i++) {
		const struct reverse_case *c = &reverse_cases[i];
		int	 rc = dnsname_reverse(c->addr, buf, sizeof(buf));

		if (c->want == NULL) {
			if (rc != -1)
				fail_msg("\"%s\": accepted", c->addr);
			continue;
		}
		if (rc != 0 || strcmp(buf, c->want) != 0)
			fail_msg("\"%s\": got \"%s\"", c->addr,
			    rc == 0 ? buf : "error");
	}
	assert_int_equal(dnsname_reverse("192.0.2.1", small, sizeof(small)), -1);
	assert_int_equal(dnsname_reverse("2001:db8::1", small, sizeof(small)),
	    -1);
	assert_int_equal(dnsname_reverse(NULL, buf, sizeof(buf)), -1);
}

struct dnsbl_case {
	const char	*addr;
	const char	*zone;
	const char	*want;		/* NULL: must fail */
};

static const struct dnsbl_case dnsbl_cases[] = {
	/* RFC 5782 2.1's own example */
	{ "192.168.42.23", "dnsbl.example.net",
	    "23.42.168.192.dnsbl.example.net." },
	{ "127.0.0.2", "zen.example.", "2.0.0.127.zen.example." },
	/* RFC 5782 2.4's own example */
	{ "2001:db8:1:2:3:4:567:89ab", "ugly.example.com",
	    "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2."
	    "ugly.example.com." },
	{ "192.0.2.1", "bl_test.example-1.org", "1.2.0.192.bl_test.example-1.org." },
	{ "192.0.2.1", "", NULL },
	{ "192.0.2.1", ".", NULL },
	{ "192.0.2.1", ".example.net", NULL },
	{ "192.0.2.1", "a..example.net", NULL },
	{ "192.0.2.1", "example.net..", NULL },
	{ "192.0.2.1", "bad zone.example", NULL },
	{ "192.0.2.1", "x\n.example", NULL },
	{ "192.0.2.1",
	    "a23456789012345678901234567890123456789012345678901234567890123"
	    "4.example", NULL },
	{ "example.com", "dnsbl.example.net", NULL },
};

static void
test_dnsbl(void **state)
{
	char	 buf[DNSNAME_BUFSZ], zone[300];
	size_t	 i;
	int	 rc;

	(void)state;
	for (i = 0; i < N(dnsbl_cases); i++) {
		const struct dnsbl_case *c = &dnsbl_cases[i];

		rc = dnsname_dnsbl(c->addr, c->zone, buf, sizeof(buf));
		if (c->want == NULL) {
			if (rc != -1)
				fail_msg("%s in \"%s\": accepted", c->addr,
				    c->zone);
			continue;
		}
		if (rc != 0 || strcmp(buf, c->want) != 0)
			fail_msg("%s in %s: got \"%s\"", c->addr, c->zone,
			    rc == 0 ? buf : "error");
	}
	/* 64 nibble characters plus a zone: at most 253 in all. */
	memset(zone, 'a', sizeof(zone));
	for (i = 63; i < sizeof(zone); i += 64)
		zone[i] = '.';
	zone[253 - 64] = '\0';
	assert_int_equal(dnsname_dnsbl("2001:db8::1", zone, buf, sizeof(buf)),
	    0);
	assert_int_equal(strlen(buf), 254);
	zone[253 - 64] = 'a';
	zone[254 - 64] = '\0';
	assert_int_equal(dnsname_dnsbl("2001:db8::1", zone, buf, sizeof(buf)),
	    -1);
	assert_int_equal(dnsname_dnsbl("192.0.2.1", "example.net", buf, 10), -1);
}

static void
test_name_equal(void **state)
{
	(void)state;
	assert_true(dnsname_equal("MX.Example.COM", "mx.example.com."));
	assert_true(dnsname_equal("mx.example.com.", "mx.example.com"));
	assert_true(dnsname_equal(".", "."));
	assert_false(dnsname_equal("mx.example.com", "mx.example.co"));
	assert_false(dnsname_equal("mx.example.com..", "mx.example.com"));
	assert_false(dnsname_equal("a", ""));
	assert_false(dnsname_equal(NULL, "a"));
}

/*
 * dns_answer_check / dns_result_fill on packets built with ldns
 */

#define RRS_MAX	6

struct answer_case {
	const char	*name;
	uint16_t	 id;		/* in the answer; ours is 0x1234 */
	int		 rcode;
	int		 ad;
	const char	*question;	/* NULL: none */
	const char	*an[RRS_MAX];
	const char	*ns[RRS_MAX];
	const char	*qname;		/* what we asked */
	uint16_t	 qtype;
	enum dns_check	 check;
	enum dns_status	 status;
	int		 nrrs;
	uint32_t	 ttl;
	const char	*cname;
};

#define SOA	"test. 120 IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60"

static const struct answer_case answer_cases[] = {
	{ "ok", 0x1234, 0, 0, "ok.test. IN A",
	    { "ok.test. 300 IN A 192.0.2.1", "ok.test. 200 IN A 192.0.2.2" },
	    { NULL }, "ok.test", LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_OK, 2, 200,
	    NULL },
	{ "question case differs", 0x1234, 0, 1, "OK.Test. IN A",
	    { "Ok.TEST. 300 IN A 192.0.2.1" }, { NULL }, "ok.test.",
	    LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_OK, 1, 300, NULL },
	{ "other types filtered", 0x1234, 0, 0, "ok.test. IN MX",
	    { "ok.test. 300 IN A 192.0.2.1", "ok.test. 300 IN MX 10 mx.test.",
	    "other.test. 5 IN MX 10 mx.test." },
	    { NULL }, "ok.test", LDNS_RR_TYPE_MX, DNS_CHECK_OK, DNS_OK, 1, 300,
	    NULL },
	{ "cname chain", 0x1234, 0, 0, "a.test. IN A",
	    { "a.test. 100 IN CNAME b.test.", "b.test. 50 IN CNAME C.test.",
	    "c.test. 300 IN A 192.0.2.3", "a.test. 300 IN A 192.0.2.66" },
	    { NULL }, "a.test", LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_OK, 1, 50,
	    "c.test." },
	{ "cname asked", 0x1234, 0, 0, "a.test. IN CNAME",
	    { "a.test. 100 IN CNAME b.test.", "b.test. 50 IN CNAME c.test." },
	    { NULL }, "a.test", LDNS_RR_TYPE_CNAME, DNS_CHECK_OK, DNS_OK, 1,
	    100, NULL },
	{ "cname to nothing", 0x1234, 0, 0, "a.test. IN A",
	    { "a.test. 100 IN CNAME b.test." }, { SOA }, "a.test",
	    LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_NODATA, 0, 60, "b.test." },
	{ "cname to nxdomain", 0x1234, 3, 0, "a.test. IN A",
	    { "a.test. 30 IN CNAME b.test." }, { SOA }, "a.test",
	    LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_NXDOMAIN, 0, 30, "b.test." },
	{ "cname loop", 0x1234, 0, 0, "a.test. IN A",
	    { "a.test. 100 IN CNAME b.test.", "b.test. 100 IN CNAME a.test." },
	    { NULL }, "a.test", LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_NODATA, 0, 0,
	    "a.test." },
	{ "nodata with soa", 0x1234, 0, 0, "a.test. IN AAAA", { NULL }, { SOA },
	    "a.test", LDNS_RR_TYPE_AAAA, DNS_CHECK_OK, DNS_NODATA, 0, 60, NULL },
	{ "nodata soa ttl lower", 0x1234, 0, 0, "a.test. IN AAAA", { NULL },
	    { "test. 20 IN SOA ns.test. h.test. 1 3600 600 86400 60" },
	    "a.test", LDNS_RR_TYPE_AAAA, DNS_CHECK_OK, DNS_NODATA, 0, 20, NULL },
	{ "nodata without soa", 0x1234, 0, 0, "a.test. IN AAAA", { NULL },
	    { NULL }, "a.test", LDNS_RR_TYPE_AAAA, DNS_CHECK_OK, DNS_NODATA, 0,
	    0, NULL },
	{ "nxdomain", 0x1234, 3, 0, "nx.test. IN A", { NULL }, { SOA },
	    "nx.test", LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_NXDOMAIN, 0, 60, NULL },
	{ "servfail", 0x1234, 2, 0, "a.test. IN A", { NULL }, { NULL },
	    "a.test", LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_SERVFAIL, 0, 0, NULL },
	{ "refused", 0x1234, 5, 0, "a.test. IN A", { NULL }, { NULL },
	    "a.test", LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_REFUSED, 0, 0, NULL },
	{ "notimp", 0x1234, 4, 0, "a.test. IN A", { NULL }, { NULL },
	    "a.test", LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_ERROR, 0, 0, NULL },
	{ "formerr without question", 0x1234, 1, 0, NULL, { NULL }, { NULL },
	    "a.test", LDNS_RR_TYPE_A, DNS_CHECK_OK, DNS_FORMERR, 0, 0, NULL },
	{ "noerror without question", 0x1234, 0, 0, NULL,
	    { "a.test. 300 IN A 192.0.2.1" }, { NULL }, "a.test",
	    LDNS_RR_TYPE_A, DNS_CHECK_QUESTION, 0, 0, 0, NULL },
	{ "servfail without question", 0x1234, 2, 0, NULL, { NULL }, { NULL },
	    "a.test", LDNS_RR_TYPE_A, DNS_CHECK_QUESTION, 0, 0, 0, NULL },
	{ "wrong id", 0x1235, 0, 0, "a.test. IN A",
	    { "a.test. 300 IN A 192.0.2.1" }, { NULL }, "a.test",
	    LDNS_RR_TYPE_A, DNS_CHECK_ID, 0, 0, 0, NULL },
	{ "wrong name", 0x1234, 0, 0, "b.test. IN A",
	    { "b.test. 300 IN A 192.0.2.1" }, { NULL }, "a.test",
	    LDNS_RR_TYPE_A, DNS_CHECK_QUESTION, 0, 0, 0, NULL },
	{ "wrong type", 0x1234, 0, 0, "a.test. IN AAAA", { NULL }, { NULL },
	    "a.test", LDNS_RR_TYPE_A, DNS_CHECK_QUESTION, 0, 0, 0, NULL },
	{ "wrong class", 0x1234, 0, 0, "a.test. CH A", { NULL }, { NULL },
	    "a.test", LDNS_RR_TYPE_A, DNS_CHECK_QUESTION, 0, 0, 0, NULL },
	{ "suffix is not the name", 0x1234, 0, 0, "xa.test. IN A", { NULL },
	    { NULL }, "a.test", LDNS_RR_TYPE_A, DNS_CHECK_QUESTION, 0, 0, 0,
	    NULL },
	{ "ad kept", 0x1234, 0, 1, "a.test. IN TLSA",
	    { "a.test. 300 IN TLSA 3 1 1 "
	    "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" },
	    { NULL }, "a.test", LDNS_RR_TYPE_TLSA, DNS_CHECK_OK, DNS_OK, 1, 300,
	    NULL },
};

/* Wire bytes of a case's answer; free() them. */
static uint8_t *
build_answer(const struct answer_case *c, size_t *len)
{
	ldns_pkt	*p;
	ldns_rr		*rr;
	uint8_t		*w = NULL;
	size_t		 i;

	assert_non_null(p = ldns_pkt_new());
	ldns_pkt_set_id(p, c->id);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rcode(p, (uint8_t)c->rcode);
	ldns_pkt_set_ad(p, c->ad != 0);
	if (c->question != NULL) {
		if (ldns_rr_new_question_frm_str(&rr, c->question, NULL, NULL) !=
		    LDNS_STATUS_OK)
			fail_msg("%s: bad question", c->name);
		ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, rr);
	}
	for (i = 0; i < RRS_MAX && c->an[i] != NULL; i++) {
		if (ldns_rr_new_frm_str(&rr, c->an[i], 0, NULL, NULL) !=
		    LDNS_STATUS_OK)
			fail_msg("%s: bad rr %s", c->name, c->an[i]);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	for (i = 0; i < RRS_MAX && c->ns[i] != NULL; i++) {
		if (ldns_rr_new_frm_str(&rr, c->ns[i], 0, NULL, NULL) !=
		    LDNS_STATUS_OK)
			fail_msg("%s: bad rr %s", c->name, c->ns[i]);
		ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
	}
	assert_int_equal(ldns_pkt2wire(&w, p, len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
	return w;
}

static void
test_answers(void **state)
{
	struct dns_result	 res;
	ldns_pkt		*pkt;
	ldns_rdf		*qname;
	enum dns_check		 chk;
	uint8_t			*w;
	size_t			 i, len, n;

	(void)state;
	for (i = 0; i < N(answer_cases); i++) {
		const struct answer_case *c = &answer_cases[i];

		w = build_answer(c, &len);
		assert_non_null(qname = ldns_dname_new_frm_str(c->qname));
		chk = dns_answer_check(w, len, 0x1234, qname, c->qtype, &pkt);
		if (chk != c->check)
			fail_msg("%s: check %d, want %d", c->name, chk, c->check);
		if (chk != DNS_CHECK_OK) {
			assert_null(pkt);
			goto next;
		}
		memset(&res, 0, sizeof(res));
		assert_int_equal(dns_result_fill(&res, pkt, qname, c->qtype), 0);
		n = res.rrs != NULL ? ldns_rr_list_rr_count(res.rrs) : 0;
		if (res.status != c->status || n != (size_t)c->nrrs ||
		    res.ttl != c->ttl || res.ad != c->ad)
			fail_msg("%s: status %s rrs %zu ttl %u ad %d, want %s "
			    "%d %u %d", c->name, dns_status_name(res.status), n,
			    res.ttl, res.ad, dns_status_name(c->status),
			    c->nrrs, c->ttl, c->ad);
		if ((res.status == DNS_OK) != (res.rrs != NULL))
			fail_msg("%s: rrs must be set exactly for OK", c->name);
		if ((c->cname == NULL) != (res.cname == NULL) ||
		    (c->cname != NULL && strcmp(c->cname, res.cname) != 0))
			fail_msg("%s: cname %s, want %s", c->name,
			    res.cname ? res.cname : "none",
			    c->cname ? c->cname : "none");
		dns_result_release(&res);
		ldns_pkt_free(pkt);
next:
		ldns_rdf_deep_free(qname);
		free(w);
	}
}

static void
test_answer_malformed(void **state)
{
	static const uint8_t	 shorty[] = { 0x12, 0x34, 0x80 };
	static const uint8_t	 query[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0,
	    0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1 };
	static const uint8_t	 cut[] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0,
	    1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1, 0xc0 };
	static const uint8_t	 notify[] = { 0x12, 0x34, 0xa0, 0x00, 0, 1, 0,
	    0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1 };
	ldns_pkt		*pkt = (ldns_pkt *)1;
	ldns_rdf		*qname;

	(void)state;
	assert_non_null(qname = ldns_dname_new_frm_str("a."));
	assert_int_equal(dns_answer_check(shorty, sizeof(shorty), 0x1234, qname,
	    LDNS_RR_TYPE_A, &pkt), DNS_CHECK_MALFORMED);
	assert_null(pkt);
	assert_int_equal(dns_answer_check(query, sizeof(query), 0x1234, qname,
	    LDNS_RR_TYPE_A, &pkt), DNS_CHECK_MALFORMED);
	assert_int_equal(dns_answer_check(cut, sizeof(cut), 0x1234, qname,
	    LDNS_RR_TYPE_A, &pkt), DNS_CHECK_MALFORMED);
	assert_int_equal(dns_answer_check(notify, sizeof(notify), 0x1234, qname,
	    LDNS_RR_TYPE_A, &pkt), DNS_CHECK_MALFORMED);
	assert_null(pkt);
	ldns_rdf_deep_free(qname);
}

/*
 * A TSIG record is refused before ldns parses the message: ldns 1.8.3
 * loses all but the last of several (ldns_pkt_set_tsig() replaces without
 * freeing), which ASan reports as a leak when this test is built with it.
 */

/* owner "k.", TSIG, class ANY, TTL 0, RDLENGTH 19, then the RDATA */
#define TSIG_RR	1, 'k', 0, 0x00, 0xfa, 0x00, 0xff, 0, 0, 0, 0, 0, 19, \
	1, 'h', 0, 0, 0, 0, 0, 0, 1, 0x01, 0x2c, 0, 0, 0x12, 0x34, 0, 0, 0, 0
#define A_QUESTION	1, 'a', 0, 0, 1, 0, 1

static void
test_answer_tsig(void **state)
{
	/* ARCOUNT 4: ldns stops after two, it counts a TSIG off as it reads */
	static const uint8_t	 twice[] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0,
	    0, 0, 0, 0, 4, A_QUESTION, TSIG_RR, TSIG_RR };
	static const uint8_t	 once[] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0,
	    0, 0, 0, 0, 1, A_QUESTION, TSIG_RR };
	/* an answer whose owner is a compression pointer, then the TSIG */
	static const uint8_t	 after[] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0,
	    1, 0, 0, 0, 1, A_QUESTION, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4,
	    127, 0, 0, 1, TSIG_RR };
	/* the same answer, its RDLENGTH past the end: malformed, not TSIG */
	static const uint8_t	 past[] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0,
	    1, 0, 0, 0, 1, A_QUESTION, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0,
	    200, 127, 0, 0, 1, TSIG_RR };
	/* the same answer alone is fine */
	static const uint8_t	 plain[] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0,
	    1, 0, 0, 0, 0, A_QUESTION, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4,
	    127, 0, 0, 1 };
	static const struct {
		const uint8_t	*wire;
		size_t		 len;
		enum dns_check	 want;
	} t[] = {
		{ twice, sizeof(twice), DNS_CHECK_TSIG },
		{ once, sizeof(once), DNS_CHECK_TSIG },
		{ after, sizeof(after), DNS_CHECK_TSIG },
		{ past, sizeof(past), DNS_CHECK_MALFORMED },
		{ plain, sizeof(plain), DNS_CHECK_OK },
	};
	ldns_pkt		*pkt;
	ldns_rdf		*qname;
	size_t			 i;

	(void)state;
	assert_non_null(qname = ldns_dname_new_frm_str("a."));
	for (i = 0; i < N(t); i++) {
		pkt = (ldns_pkt *)1;
		assert_int_equal(dns_wire_parse(t[i].wire, t[i].len, &pkt),
		    t[i].want);
		assert_true((t[i].want == DNS_CHECK_OK) == (pkt != NULL));
		ldns_pkt_free(pkt);
		pkt = (ldns_pkt *)1;
		assert_int_equal(dns_answer_check(t[i].wire, t[i].len, 0x1234,
		    qname, LDNS_RR_TYPE_A, &pkt), t[i].want);
		assert_true((t[i].want == DNS_CHECK_OK) == (pkt != NULL));
		ldns_pkt_free(pkt);
	}
	ldns_rdf_deep_free(qname);
}

/*
 * Status names, findings, evidence
 */

static void
test_status(void **state)
{
	static const struct {
		enum dns_status	 s;
		const char	*name;
		const char	*finding;	/* NULL: none */
	} t[] = {
		{ DNS_OK, "OK", NULL },
		{ DNS_NODATA, "NODATA", NULL },
		{ DNS_NXDOMAIN, "NXDOMAIN", "dns.nxdomain" },
		{ DNS_SERVFAIL, "SERVFAIL", "dns.servfail" },
		{ DNS_REFUSED, "REFUSED", "dns.refused" },
		{ DNS_FORMERR, "FORMERR", NULL },
		{ DNS_TIMEOUT, "TIMEOUT", "dns.timeout" },
		{ DNS_ERROR, "ERROR", NULL },
	};
	struct dns_result	 res;
	enum finding_id		 f;
	char			 buf[256], tiny[8];
	size_t			 i;
	int			 n;

	(void)state;
	assert_int_equal(N(t), DNS_STATUS_COUNT);
	for (i = 0; i < N(t); i++) {
		assert_string_equal(dns_status_name(t[i].s), t[i].name);
		f = dns_status_finding(t[i].s);
		if (t[i].finding == NULL)
			assert_int_equal(f, F_COUNT);
		else
			assert_string_equal(finding_def(f)->id, t[i].finding);
	}
	assert_string_equal(dns_status_name(DNS_STATUS_COUNT), "?");

	memset(&res, 0, sizeof(res));
	res.status = DNS_SERVFAIL;
	res.name = "mx.test.";
	res.type = LDNS_RR_TYPE_MX;
	res.rcode = 2;
	res.server = "192.0.2.53:53";
	res.ms = 12;
	n = dns_result_evidence(&res, buf, sizeof(buf));
	assert_string_equal(buf, "name=mx.test. type=MX status=SERVFAIL "
	    "server=192.0.2.53:53 ms=12 rcode=2");
	assert_int_equal(n, (int)strlen(buf));
	assert_int_equal(dns_result_evidence(&res, tiny, sizeof(tiny)), n);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	res.status = DNS_TIMEOUT;
	res.rcode = -1;
	res.why = "no-answer";
	dns_result_evidence(&res, buf, sizeof(buf));
	assert_string_equal(buf, "name=mx.test. type=MX status=TIMEOUT "
	    "server=192.0.2.53:53 ms=12 why=no-answer");
}

/*
 * Callbacks from the loop only; cancel; free with requests outstanding
 */

struct seen {
	int		 calls;
	enum dns_status	 status;
	char		 why[32];
};

static void
seen_cb(const struct dns_result *res, void *arg)
{
	struct seen	*s = arg;

	s->calls++;
	s->status = res->status;
	snprintf(s->why, sizeof(s->why), "%s", res->why ? res->why : "");
}

static void
test_loop_only(void **state)
{
	struct event_base	*base;
	struct dns_resolver	*r;
	struct dns_config	 cfg;
	struct dns_req		*req;
	struct seen		 bad = { 0 }, type = { 0 }, gone = { 0 };
	struct seen		 late = { 0 };
	char			*cause = NULL;
	char			 longname[1200];

	(void)state;
	dns_config_init(&cfg);
	/* TEST-NET-1: nothing answers, and nothing must be sent there */
	assert_int_equal(dns_config_add_server(&cfg, "192.0.2.1:53", &cause), 0);
	cfg.try_ms = 50;
	cfg.tries = 1;
	assert_non_null(base = event_base_new());
	assert_non_null(r = dns_resolver_new(base, &cfg, &cause));

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_non_null(dns_lookup(r, "bad..name", LDNS_RR_TYPE_A, seen_cb,
	    &bad));
	assert_non_null(dns_lookup(r, longname, LDNS_RR_TYPE_A, seen_cb, &bad));
	assert_non_null(dns_lookup(r, "ok.test", LDNS_RR_TYPE_AXFR, seen_cb,
	    &type));
	assert_non_null(req = dns_lookup(r, "x.test", LDNS_RR_TYPE_A, seen_cb,
	    &gone));
	dns_req_cancel(req);
	assert_non_null(req = dns_lookup(r, "", LDNS_RR_TYPE_A, seen_cb, &gone));
	dns_req_cancel(req);
	/* nothing may run inside dns_lookup() */
	assert_int_equal(bad.calls + type.calls + gone.calls, 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(bad.calls, 2);
	assert_int_equal(bad.status, DNS_ERROR);
	assert_string_equal(bad.why, "invalid-name");
	assert_int_equal(type.calls, 1);
	assert_string_equal(type.why, "bad-type");
	assert_int_equal(gone.calls, 0);
	assert_int_equal(dns_resolver_stats(r)->sent, 0);

	/* outstanding at free: no callback, no leak (ASan) */
	assert_non_null(dns_lookup(r, "y.test", LDNS_RR_TYPE_A, seen_cb, &late));
	assert_non_null(dns_lookup(r, "y.test", LDNS_RR_TYPE_A, seen_cb, &late));
	assert_non_null(dns_lookup(r, "bad..name", LDNS_RR_TYPE_A, seen_cb,
	    &late));
	assert_int_equal(dns_resolver_stats(r)->coalesced, 1);
	dns_resolver_free(r);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(late.calls, 0);
	event_base_free(base);
}

/*
 * More queries than the resolver may hold: the one over the bound is
 * refused from the loop as a local failure ("queue-full"), which the
 * audit names the prober's own trouble (probe.resource), never the
 * domain's. Nothing listens on the server given (loopback, port 1).
 */
static void
test_queue_full(void **state)
{
	struct event_base	*base;
	struct dns_resolver	*r;
	struct dns_config	 cfg;
	struct seen		 a = { 0 }, b = { 0 }, c = { 0 };
	char			*cause = NULL;

	(void)state;
	dns_config_init(&cfg);
	assert_int_equal(dns_config_add_server(&cfg, "127.0.0.1:1", &cause), 0);
	cfg.max_inflight = 1;
	cfg.max_waiting = 1;
	assert_non_null(base = event_base_new());
	assert_non_null(r = dns_resolver_new(base, &cfg, &cause));
	assert_non_null(dns_lookup(r, "a.test", LDNS_RR_TYPE_A, seen_cb, &a));
	assert_non_null(dns_lookup(r, "b.test", LDNS_RR_TYPE_A, seen_cb, &b));
	assert_non_null(dns_lookup(r, "c.test", LDNS_RR_TYPE_A, seen_cb, &c));
	assert_int_equal(c.calls, 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.status, DNS_ERROR);
	assert_string_equal(c.why, "queue-full");
	assert_int_equal(dns_resolver_stats(r)->queued, 1);
	dns_resolver_free(r);
	event_base_free(base);
}

static void
test_resolver_config(void **state)
{
	struct event_base	*base;
	struct dns_config	 cfg;
	char			*cause = NULL;

	(void)state;
	assert_non_null(base = event_base_new());
	dns_config_init(&cfg);
	assert_null(dns_resolver_new(base, &cfg, &cause));
	assert_non_null(strstr(cause, "no nameserver"));
	free(cause);
	assert_int_equal(dns_config_add_server(&cfg, "::1", &cause), 0);
	cfg.udp_size = 100;
	assert_null(dns_resolver_new(base, &cfg, &cause));
	free(cause);
	cfg.udp_size = 1232;
	cfg.tries = 0;
	assert_null(dns_resolver_new(base, &cfg, &cause));
	free(cause);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_parse),
		cmocka_unit_test(test_config_add_bound),
		cmocka_unit_test(test_resolv_conf),
		cmocka_unit_test(test_reverse),
		cmocka_unit_test(test_dnsbl),
		cmocka_unit_test(test_name_equal),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_answer_malformed),
		cmocka_unit_test(test_answer_tsig),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_loop_only),
		cmocka_unit_test(test_queue_full),
		cmocka_unit_test(test_resolver_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
