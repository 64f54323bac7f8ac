/*
 * finding.c - the one table of finding ids, and the finding list.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "util.h"

#define N	LAYER_NET
#define D	LAYER_DNS
#define T	LAYER_TLS
#define S	LAYER_SMTP
#define P	LAYER_POLICY
#define R	LAYER_PROBE
#define C	BLAME_CLIENT
#define TG	BLAME_TARGET

/*
 * The catalogue. Severity is the usual one; checks raise or lower it
 * where the context decides (see smtp.c and the man page).
 * man/smtprobe-findings.7 documents every row; a test keeps them in step.
 */
static const struct finding_def table[F_COUNT] = {
	[F_NET_CONNECT_REFUSED] = { "net.connect.refused", N, SEV_CRIT,
	    "the connection was refused (TCP RST): nothing listens on the port",
	    "start the MTA or open the listener on this address and port", TG },
	[F_NET_CONNECT_TIMEOUT] = { "net.connect.timeout", N, SEV_CRIT,
	    "no answer to the TCP connection: the port is filtered or the host is down",
	    "check firewalls and provider port-25 blocks between the sender and this address", TG },
	[F_NET_UNREACHABLE] = { "net.unreachable", N, SEV_CRIT,
	    "no route to the address (network or host unreachable)",
	    "check routing and that the address in DNS is the one the host really has", TG },
	[F_NET_RESET] = { "net.reset", N, SEV_CRIT,
	    "the connection was reset or closed by the server during the session",
	    "look at the MTA's log for the session: a crash, a limit or a filter dropped it", TG },
	[F_NET_IPV6_BROKEN] = { "net.ipv6.broken", N, SEV_WARN,
	    "the IPv6 addresses fail while the IPv4 ones work",
	    "fix IPv6 connectivity or the listener on IPv6, or remove the AAAA records", TG },

	[F_DNS_TIMEOUT] = { "dns.timeout", D, SEV_CRIT,
	    "a DNS query got no answer in time",
	    "check that the domain's nameservers answer over UDP and TCP", TG },
	[F_DNS_SERVFAIL] = { "dns.servfail", D, SEV_CRIT,
	    "a DNS query answered SERVFAIL (broken delegation or DNSSEC failure)",
	    "check the delegation and DNSSEC signatures of the zone", TG },
	[F_DNS_NXDOMAIN] = { "dns.nxdomain", D, SEV_CRIT,
	    "a name that should exist does not (NXDOMAIN)",
	    "create the record or fix the name that points to it", TG },
	[F_DNS_REFUSED] = { "dns.refused", D, SEV_CRIT,
	    "a nameserver refused the query (REFUSED)",
	    "make the authoritative servers answer for the zone", TG },
	[F_MX_NONE] = { "mx.none", D, SEV_WARN,
	    "the domain has no MX record; senders fall back to its A/AAAA (RFC 5321 5.1)",
	    "publish an MX record naming the mail host", TG },
	[F_MX_NULL] = { "mx.null", D, SEV_INFO,
	    "the domain publishes a null MX: it accepts no mail (RFC 7505)",
	    "remove the null MX if the domain should receive mail", TG },
	[F_MX_CNAME] = { "mx.cname", D, SEV_WARN,
	    "an MX target is an alias (CNAME), forbidden by RFC 2181 10.3",
	    "point the MX at the canonical host name", TG },
	[F_MX_NO_ADDRESS] = { "mx.no-address", D, SEV_CRIT,
	    "an MX target has no A or AAAA record",
	    "add address records for the MX host or fix the MX target", TG },
	[F_MX_IP_LITERAL] = { "mx.ip-literal", D, SEV_CRIT,
	    "an MX target is an IP address, not a host name",
	    "publish a host name with A/AAAA records as the MX target", TG },
	[F_MX_PRIVATE_ADDRESS] = { "mx.private-address", D, SEV_CRIT,
	    "an MX address is private, loopback or otherwise not reachable from the Internet",
	    "publish the public address of the mail host", TG },
	[F_MX_TTL_MISMATCH] = { "mx.ttl-mismatch", D, SEV_INFO,
	    "the records of one set carry different TTLs (RFC 2181 5.2)",
	    "give every record of the set the same TTL", TG },
	[F_PTR_MISSING] = { "ptr.missing", D, SEV_WARN,
	    "an MX address has no reverse DNS (PTR)",
	    "ask the address owner to publish a PTR naming the mail host", TG },
	[F_PTR_MISMATCH] = { "ptr.mismatch", D, SEV_WARN,
	    "the PTR name does not resolve back to the address, or differs from the server's name",
	    "make the PTR name resolve to the address and match the EHLO name", TG },
	[F_SPF_NONE] = { "spf.none", D, SEV_WARN,
	    "the domain publishes no SPF record",
	    "publish a v=spf1 TXT record listing the domain's senders", TG },
	[F_SPF_MULTIPLE] = { "spf.multiple", D, SEV_CRIT,
	    "the domain publishes more than one SPF record (permerror)",
	    "merge the records into one v=spf1 record", TG },
	[F_SPF_SYNTAX] = { "spf.syntax", D, SEV_CRIT,
	    "the SPF record does not parse (permerror)",
	    "fix the named term of the SPF record", TG },
	[F_SPF_LOOKUP_LIMIT] = { "spf.lookup-limit", D, SEV_CRIT,
	    "SPF evaluation needs more than 10 DNS-querying terms (permerror)",
	    "flatten includes or remove unused mechanisms", TG },
	[F_SPF_VOID_LIMIT] = { "spf.void-limit", D, SEV_CRIT,
	    "SPF evaluation hit more than 2 void lookups (permerror)",
	    "remove mechanisms that name domains without records", TG },
	[F_SPF_PERMISSIVE] = { "spf.permissive", D, SEV_WARN,
	    "the SPF record ends in +all or ?all and authorises everyone",
	    "end the record with -all or ~all", TG },
	[F_SPF_PTR] = { "spf.ptr", D, SEV_INFO,
	    "the SPF record uses the ptr mechanism (RFC 7208 5.5: do not use)",
	    "replace ptr with ip4/ip6 or a mechanisms", TG },
	[F_SPF_NOT_AUTHORIZED] = { "spf.not-authorized", D, SEV_CRIT,
	    "a configured sending address is not authorised by SPF (fail or softfail)",
	    "add the sending address to the SPF record", TG },
	[F_SPF_TEMPERROR] = { "spf.temperror", D, SEV_WARN,
	    "SPF evaluation hit a DNS error (temperror)",
	    "check the nameservers of the domains the record names", TG },
	[F_DMARC_NONE] = { "dmarc.none", D, SEV_WARN,
	    "the domain publishes no DMARC record",
	    "publish _dmarc.DOMAIN TXT \"v=DMARC1; p=none; rua=mailto:...\" and move to p=quarantine", TG },
	[F_DMARC_MULTIPLE] = { "dmarc.multiple", D, SEV_CRIT,
	    "more than one DMARC record: receivers ignore them all",
	    "keep exactly one v=DMARC1 record", TG },
	[F_DMARC_SYNTAX] = { "dmarc.syntax", D, SEV_CRIT,
	    "the DMARC record does not parse",
	    "fix the named tag of the DMARC record", TG },
	[F_DMARC_POLICY_NONE] = { "dmarc.policy-none", D, SEV_INFO,
	    "the DMARC policy that applies is none (p=none, sp=none for a subdomain) or pct=0: monitoring only, no protection",
	    "move to p=quarantine or p=reject (sp= too) without pct=0 once reports are clean", TG },
	[F_DMARC_RUA_UNAUTHORIZED] = { "dmarc.rua-unauthorized", D, SEV_WARN,
	    "an external report destination has not authorised the domain (RFC 7489 7.1)",
	    "publish DOMAIN._report._dmarc.DEST TXT \"v=DMARC1\" at the destination", TG },
	[F_DKIM_MISSING] = { "dkim.missing", D, SEV_CRIT,
	    "no DKIM key at the selector",
	    "publish the selector's public key or fix the selector name", TG },
	[F_DKIM_SYNTAX] = { "dkim.syntax", D, SEV_CRIT,
	    "the DKIM key record does not parse",
	    "fix the named tag of the key record", TG },
	[F_DKIM_REVOKED] = { "dkim.revoked", D, SEV_WARN,
	    "the DKIM key is revoked (empty p=)",
	    "stop signing with this selector or publish its key", TG },
	[F_DKIM_WEAK_KEY] = { "dkim.weak-key", D, SEV_WARN,
	    "the DKIM RSA key is too short",
	    "rotate to a 2048-bit RSA or an ed25519 key", TG },
	[F_DKIM_TESTING] = { "dkim.testing", D, SEV_INFO,
	    "the DKIM key is in testing mode (t=y)",
	    "remove t=y once signing works", TG },
	[F_DKIM_KEY_MISMATCH] = { "dkim.key-mismatch", D, SEV_CRIT,
	    "the key in DNS does not match the signing key",
	    "publish the public half of the key the signer uses", TG },
	[F_MTASTS_SYNTAX] = { "mtasts.syntax", D, SEV_CRIT,
	    "the _mta-sts TXT record does not parse",
	    "publish \"v=STSv1; id=...\" at _mta-sts.DOMAIN", TG },
	[F_MTASTS_POLICY_FETCH] = { "mtasts.policy-fetch", D, SEV_CRIT,
	    "the MTA-STS policy could not be fetched over HTTPS",
	    "serve https://mta-sts.DOMAIN/.well-known/mta-sts.txt with a valid certificate", TG },
	[F_MTASTS_POLICY_SYNTAX] = { "mtasts.policy-syntax", D, SEV_CRIT,
	    "the MTA-STS policy does not parse",
	    "fix the named line of the policy file", TG },
	[F_MTASTS_MX_MISMATCH] = { "mtasts.mx-mismatch", D, SEV_CRIT,
	    "an MX host matches no mx: pattern of the MTA-STS policy",
	    "add the MX host to the policy's mx: lines", TG },
	[F_MTASTS_TESTING] = { "mtasts.testing", D, SEV_INFO,
	    "the MTA-STS policy is in testing mode",
	    "switch to mode: enforce once TLS reports are clean", TG },
	[F_TLSRPT_NONE] = { "tlsrpt.none", D, SEV_INFO,
	    "the domain publishes no TLS-RPT record",
	    "publish _smtp._tls.DOMAIN TXT \"v=TLSRPTv1; rua=mailto:...\"", TG },
	[F_TLSRPT_SYNTAX] = { "tlsrpt.syntax", D, SEV_WARN,
	    "the TLS-RPT record does not parse",
	    "fix the record: v=TLSRPTv1 and rua with mailto: or https:", TG },
	[F_DANE_MISMATCH] = { "dane.mismatch", D, SEV_CRIT,
	    "no TLSA record matches the certificate the server presents",
	    "publish TLSA records for the current key before rotating certificates", TG },
	[F_DANE_INSECURE] = { "dane.insecure", D, SEV_WARN,
	    "TLSA records are published but not DNSSEC-validated",
	    "sign the zone, or remove the TLSA records", TG },
	[F_DNSBL_LISTED] = { "dnsbl.listed", D, SEV_CRIT,
	    "an MX address is listed on a DNS blocklist",
	    "find the cause and request delisting from the list operator", TG },
	[F_DNSBL_ZONE_ERROR] = { "dnsbl.zone-error", D, SEV_WARN,
	    "a blocklist zone answered an error code or an address outside 127/8",
	    "check the blocklist's usage terms or stop querying it", TG },
	[F_DNS_CHANGED] = { "dns.changed", D, SEV_INFO,
	    "a record set differs from the previous audit",
	    "confirm the change was intended", TG },

	[F_TLS_STARTTLS_MISSING] = { "tls.starttls.missing", T, SEV_WARN,
	    "the server does not offer STARTTLS",
	    "configure a certificate and enable STARTTLS (Postfix: smtpd_tls_security_level = may)", TG },
	[F_TLS_STARTTLS_REFUSED] = { "tls.starttls.refused", T, SEV_CRIT,
	    "STARTTLS was advertised but the command was refused",
	    "check the MTA's TLS key and certificate files and its log", TG },
	[F_TLS_HANDSHAKE] = { "tls.handshake", T, SEV_CRIT,
	    "the TLS handshake failed",
	    "check the server's certificate, key and TLS protocol settings", TG },
	[F_TLS_CERT_EXPIRED] = { "tls.cert.expired", T, SEV_CRIT,
	    "the server certificate has expired",
	    "renew the certificate and reload the MTA", TG },
	[F_TLS_CERT_NOT_YET_VALID] = { "tls.cert.not-yet-valid", T, SEV_CRIT,
	    "the server certificate is not valid yet",
	    "check the server clock and the certificate's notBefore", TG },
	[F_TLS_CERT_EXPIRING] = { "tls.cert.expiring", T, SEV_WARN,
	    "the server certificate expires soon",
	    "renew the certificate; check that automatic renewal reloads the MTA", TG },
	[F_TLS_CERT_HOSTNAME] = { "tls.cert.hostname", T, SEV_WARN,
	    "the certificate does not name the host that was probed",
	    "issue a certificate whose SAN lists the MX host name", TG },
	[F_TLS_CERT_UNTRUSTED] = { "tls.cert.untrusted", T, SEV_WARN,
	    "the certificate chain does not verify against the trust store",
	    "use a certificate from a public CA and serve the full chain", TG },
	[F_TLS_PROTOCOL_OLD] = { "tls.protocol.old", T, SEV_WARN,
	    "the server negotiated a TLS version older than 1.2",
	    "enable TLS 1.2 and 1.3 on the server", TG },
	[F_TLS_KEY_WEAK] = { "tls.key.weak", T, SEV_WARN,
	    "the certificate's key is too small",
	    "use an RSA key of at least 2048 bits or an ECDSA key", TG },

	[F_SMTP_BANNER_4XX] = { "smtp.banner.4xx", S, SEV_CRIT,
	    "the server greets with a temporary refusal (4xx)",
	    "look at why the MTA refuses connections: load, limits, maintenance", TG },
	[F_SMTP_BANNER_5XX] = { "smtp.banner.5xx", S, SEV_CRIT,
	    "the server greets with a permanent refusal (5xx): no mail from this client",
	    "check the MTA's client restrictions and blocklists for the probing address", TG },
	[F_SMTP_BANNER_TIMEOUT] = { "smtp.banner.timeout", S, SEV_CRIT,
	    "the server accepted the connection but sent no complete greeting in time",
	    "check the MTA's process limits, tarpitting and postscreen settings", TG },
	[F_SMTP_BANNER_SLOW] = { "smtp.banner.slow", S, SEV_WARN,
	    "the greeting took longer than the slow threshold",
	    "check DNS lookups and load on the MTA, or greet delays (postscreen)", TG },
	[F_SMTP_REPLY_MALFORMED] = { "smtp.reply.malformed", S, SEV_CRIT,
	    "a reply does not follow RFC 5321 4.2 syntax",
	    "fix the server or the middlebox that rewrites SMTP replies", TG },
	[F_SMTP_REPLY_TOO_LONG] = { "smtp.reply.too-long", S, SEV_CRIT,
	    "a reply line is over 4 KiB or a reply over 100 lines",
	    "fix the server or the middlebox that sends unbounded replies", TG },
	[F_SMTP_EHLO_REJECTED] = { "smtp.ehlo.rejected", S, SEV_WARN,
	    "the server refused EHLO (and HELO, if crit)",
	    "check the MTA's HELO restrictions", TG },
	[F_SMTP_AUTH_PLAINTEXT] = { "smtp.auth.plaintext", S, SEV_WARN,
	    "AUTH is offered before TLS: passwords may cross the network in clear",
	    "offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes)", TG },
	[F_SMTP_PHASE_TIMEOUT] = { "smtp.phase.timeout", S, SEV_CRIT,
	    "the server did not answer a command in time",
	    "look at the MTA's log: slow filters, DNS checks or policy services", TG },
	[F_SMTP_PHASE_SLOW] = { "smtp.phase.slow", S, SEV_WARN,
	    "a command took longer than the slow threshold to answer",
	    "look for slow milters, DNS or policy lookups on the MTA", TG },
	[F_SMTP_SMTPUTF8_MISSING] = { "smtp.smtputf8.missing", S, SEV_WARN,
	    "the server does not offer SMTPUTF8 (RFC 6531): addresses with a non-ASCII local part cannot be delivered to it",
	    "enable SMTPUTF8 on the MTA (Postfix: smtputf8_enable = yes)", TG },

	[F_POLICY_MAIL_REJECTED] = { "policy.mail.rejected", P, SEV_CRIT,
	    "the server rejects the envelope sender (MAIL FROM)",
	    "check sender restrictions; the null sender <> must be accepted (RFC 5321 4.5.5)", TG },
	[F_POLICY_RCPT_REJECTED] = { "policy.rcpt.rejected", P, SEV_CRIT,
	    "a recipient expected to be accepted was rejected",
	    "check the recipient maps, relay domains and access rules", TG },
	[F_POLICY_RCPT_UNKNOWN_USER] = { "policy.rcpt.unknown-user", P, SEV_CRIT,
	    "a recipient expected to exist is unknown to the server (5.1.1)",
	    "add the mailbox or alias, or fix the recipient map", TG },
	[F_POLICY_RCPT_ACCEPTED] = { "policy.rcpt.accepted", P, SEV_WARN,
	    "a recipient expected to be rejected was accepted (catch-all: backscatter)",
	    "reject unknown recipients at RCPT time instead of bouncing later", TG },
	[F_POLICY_GREYLISTED] = { "policy.greylisted", P, SEV_WARN,
	    "the server greylists: a temporary refusal a retrying MTA gets past",
	    "nothing to do if expected; whitelist known senders to cut delays", TG },
	[F_POLICY_DEFERRED] = { "policy.deferred", P, SEV_WARN,
	    "the server defers with a temporary error (4xx)",
	    "look at the MTA's log: a lookup or a policy service fails", TG },
	[F_POLICY_RATE_LIMITED] = { "policy.rate-limited", P, SEV_WARN,
	    "the server limits or throttles the client's connections, rate or volume",
	    "raise the limit for legitimate senders or probe less often", C },
	[F_POLICY_OPEN_RELAY] = { "policy.open-relay", P, SEV_CRIT,
	    "the server accepts mail for a foreign domain from an unauthenticated client",
	    "restrict relaying (Postfix: smtpd_relay_restrictions ... reject_unauth_destination)", TG },
	[F_POLICY_CLIENT_REJECTED] = { "policy.client-rejected", P, SEV_WARN,
	    "the server refused the probe's own address (reverse DNS, a blocklist, a client rule), not the mail",
	    "give the probing host a PTR that resolves back to it, or allow its address; then probe again",
	    C },
	[F_POLICY_REJECTED] = { "policy.rejected", P, SEV_CRIT,
	    "the server refused the mail by policy and said no more precise cause",
	    "ask the receiving domain's postmaster which rule refused it; the reply names the rule", TG },
	[F_POLICY_CLIENT_BLOCKLISTED] = { "policy.client.blocklisted", P, SEV_WARN,
	    "the connecting address is on a blocklist (a DNSBL or the receiver's own list)",
	    "find out why the address was listed, fix that, then request delisting from the list named", C },
	[F_POLICY_CLIENT_REPUTATION] = { "policy.client.reputation", P, SEV_WARN,
	    "the receiver refuses or throttles the connecting address or domain for poor reputation",
	    "check the address at the receiver's postmaster tools, cut complaints and volume, then ask for mitigation", C },
	[F_POLICY_CLIENT_REVERSE_DNS] = { "policy.client.reverse-dns", P, SEV_WARN,
	    "the connecting address has no reverse DNS, or its PTR name does not resolve back to it",
	    "have the address owner publish a PTR whose name resolves back to the address", C },
	[F_POLICY_HELO_REJECTED] = { "policy.helo.rejected", P, SEV_WARN,
	    "the server refused the client's HELO/EHLO name (not fully qualified, invalid or unknown)",
	    "use a fully qualified HELO name that resolves to the sending address (smtprobe: --helo)", C },
	[F_POLICY_SENDER_UNKNOWN_DOMAIN] = { "policy.sender.unknown-domain", P, SEV_WARN,
	    "the envelope sender's domain does not exist or cannot receive mail",
	    "send from a domain with MX or address records, so that bounces can be returned", C },
	[F_POLICY_NULL_SENDER_REJECTED] = { "policy.null-sender.rejected", P, SEV_CRIT,
	    "the server refuses the null sender MAIL FROM:<>: bounces and DSNs to it are lost",
	    "accept MAIL FROM:<> (RFC 5321 4.5.5); refuse unwanted bounces by recipient or content instead", TG },
	[F_POLICY_RCPT_MAILBOX_FULL] = { "policy.rcpt.mailbox-full", P, SEV_WARN,
	    "the recipient's mailbox is over its quota (X.2.2)",
	    "the mailbox owner must free space or get a larger quota; the sender can only retry later", TG },
	[F_POLICY_RCPT_MAILBOX_DISABLED] = { "policy.rcpt.mailbox-disabled", P, SEV_CRIT,
	    "the recipient's mailbox exists but is disabled, inactive or suspended (X.2.1)",
	    "reactivate the mailbox, or stop sending to the address", TG },
	[F_POLICY_RCPT_RELAY_DENIED] = { "policy.rcpt.relay-denied", P, SEV_CRIT,
	    "the server does not take mail for the recipient's domain (relay access denied)",
	    "add the domain to the server's local, virtual or relay domains, or point the MX at the right server", TG },
	[F_POLICY_AUTH_SPF] = { "policy.auth.spf", P, SEV_CRIT,
	    "the receiver refused the mail because SPF of the sender failed (X.7.23, X.7.24)",
	    "list the sending address in the sender domain's SPF record (smtprobe check --spf-ip ADDR DOMAIN)", C },
	[F_POLICY_AUTH_DKIM] = { "policy.auth.dkim", P, SEV_CRIT,
	    "the receiver refused the mail for a missing or failing DKIM signature (X.7.20-X.7.22)",
	    "sign with a key published at the selector and aligned with the From domain", C },
	[F_POLICY_AUTH_DMARC] = { "policy.auth.dmarc", P, SEV_CRIT,
	    "the receiver refused the mail under the From domain's DMARC policy",
	    "make SPF or DKIM pass aligned with the From domain before tightening p=", C },
	[F_POLICY_AUTH_FAILED] = { "policy.auth.failed", P, SEV_CRIT,
	    "the receiver refused the mail as unauthenticated (several checks, or ARC: X.7.26, X.7.29)",
	    "publish SPF, sign with DKIM and publish DMARC for the sending domain", C },
	[F_POLICY_CONTENT_SPAM] = { "policy.content.spam", P, SEV_CRIT,
	    "the receiver judged the message's content as spam, phishing or bulk",
	    "check the message for links, attachments and wording that filters flag; authenticate it", C },
	[F_POLICY_CONTENT_REJECTED] = { "policy.content.rejected", P, SEV_CRIT,
	    "the receiver refused the message's content (a virus, an attachment type, media, a content rule)",
	    "remove what the rule names (attachment, link, encoding) and send again", C },
	[F_POLICY_MESSAGE_TOO_LARGE] = { "policy.message.too-large", P, SEV_CRIT,
	    "the message is larger than the receiver accepts (X.3.4, X.2.3)",
	    "send a smaller message, or a link instead of the attachment", C },
	[F_SMTP_SERVER_ERROR] = { "smtp.server.error", S, SEV_WARN,
	    "the server reports trouble of its own: resources, a local error, load or its configuration",
	    "look at the MTA's log at that time: disk space, a failing lookup table, milter or back-end", TG },
	[F_SMTP_COMMAND_REJECTED] = { "smtp.command.rejected", S, SEV_WARN,
	    "the server refused a command as a protocol error (syntax, sequence, arguments)",
	    "compare the command in the transcript with RFC 5321; a middlebox may rewrite SMTP", TG },
	[F_SMTP_AUTH_FAILED] = { "smtp.auth.failed", S, SEV_CRIT,
	    "SMTP authentication failed (X.7.8): wrong credentials or mechanism",
	    "check the SASL user name and password configured for this relay", C },
	[F_TLS_STARTTLS_REQUIRED] = { "tls.starttls.required", T, SEV_WARN,
	    "the server requires TLS and the client had not started it",
	    "use STARTTLS with this server (smtprobe: --tls may or stricter)", C },

	[F_PROBE_RESOURCE] = { "probe.resource", R, SEV_WARN,
	    "the probe could not start work for lack of a resource of its own (descriptors, memory, sockets)",
	    "raise the probing host's descriptor limit (ulimit -n, LimitNOFILE=) or lower the concurrency", C },
	[F_PROBE_RESOLVER] = { "probe.resolver", R, SEV_WARN,
	    "the probe's own resolver did not answer: every query timed out or was refused",
	    "give the probe a resolver that answers it (--resolver, resolver = in smtprobed.conf)", C },
	[F_PROBE_HELO_NOT_FQDN] = { "probe.helo-not-fqdn", R, SEV_WARN,
	    "the probe's HELO name is not fully qualified: servers may refuse the session for it",
	    "give the probing host a fully qualified name, or set helo to one (--helo, helo =)", C },
	[F_PROBE_EGRESS_25_BLOCKED] = { "probe.egress-25-blocked", R, SEV_WARN,
	    "outbound port 25 seems filtered on the probing network: 25 timed out where another port answered",
	    "ask the network's provider to open outbound port 25, or probe from another network", C },

	[F_SMTP_BANNER_TLS] = { "smtp.banner.tls", S, SEV_CRIT,
	    "the port speaks TLS from the first byte (implicit TLS), not SMTP: a plain client gets no greeting",
	    "probe it with implicit-tls = yes (--implicit-tls); or, for STARTTLS, set smtpd_tls_wrappermode = no", TG },
	[F_SMTP_SESSION_TIMEOUT] = { "smtp.session.timeout", S, SEV_CRIT,
	    "the whole session outlasted its deadline: each reply came in time, all of them too slowly",
	    "find in the MTA's log what delays every reply (a tarpit, filters, lookups); or raise timeout session=", TG },
};

#undef N
#undef D
#undef T
#undef S
#undef P
#undef R
#undef C
#undef TG

const struct finding_def *
finding_def(enum finding_id id)
{
	if ((unsigned)id >= F_COUNT)
		return NULL;
	return &table[id];
}

const struct finding_def *
finding_table(void)
{
	return table;
}

enum finding_id
finding_lookup(const char *name)
{
	int	 i;

	for (i = 0; i < F_COUNT; i++)
		if (strcmp(table[i].id, name) == 0)
			return (enum finding_id)i;
	return F_COUNT;
}

const char *
finding_layer_name(enum layer l)
{
	static const char *names[] = { "net", "dns", "tls", "smtp", "policy",
	    "probe" };

	if ((unsigned)l >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[l];
}

const char *
finding_blame_name(enum blame b)
{
	return b == BLAME_CLIENT ? "client" : "target";
}

const char *
finding_hint(const struct finding *f)
{
	const struct finding_def *d = finding_def(f->id);

	if (f->hint != NULL)
		return f->hint;
	return d != NULL ? d->hint : "";
}

const char *
finding_severity_name(enum severity s)
{
	static const char *names[] = { "ok", "info", "warn", "crit" };

	if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[s];
}

const char *
finding_status_name(enum severity s)
{
	switch (s) {
	case SEV_CRIT:
		return "crit";
	case SEV_WARN:
		return "warn";
	default:
		return "ok";
	}
}

static int
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Compare stored (sanitised) evidence with raw text as it would be stored. */
static int
evidence_cmp(const char *stored, const char *raw)
{
	char	 tmp[FINDING_EVIDENCE_MAX + 1];

	util_sanitize_buf(tmp, sizeof(tmp), raw, strlen(raw));
	return strcmp(stored, tmp);
}

struct finding *
finding_add(struct finding_list *fl, enum finding_id id, int sev,
    const char *host, const char *addr, int port, const char *fmt, ...)
{
	struct finding	*f, *nv;
	char		 buf[FINDING_EVIDENCE_MAX * 2];
	va_list		 ap;
	size_t		 ncap, i;

	if ((unsigned)id >= F_COUNT)
		return NULL;
	buf[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
	}
	/* the same finding twice (two names for one address) is one */
	for (i = 0; i < fl->n; i++) {
		f = &fl->v[i];
		if (f->id == id && f->port == port &&
		    streq_null(f->host, host) && streq_null(f->addr, addr) &&
		    evidence_cmp(f->evidence, buf) == 0)
			return f;
	}
	if (fl->n == fl->cap) {
		ncap = fl->cap ? fl->cap * 2 : 8;
		if ((nv = reallocarray(fl->v, ncap, sizeof(*nv))) == NULL)
			return NULL;
		fl->v = nv;
		fl->cap = ncap;
	}
	f = &fl->v[fl->n];
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->severity = sev < 0 ? table[id].severity : (enum severity)sev;
	f->port = port;
	f->evidence = util_sanitize(buf, strlen(buf), FINDING_EVIDENCE_MAX);
	f->host = host ? strdup(host) : NULL;
	f->addr = addr ? strdup(addr) : NULL;
	if (f->evidence == NULL || (host && f->host == NULL) ||
	    (addr && f->addr == NULL)) {
		free(f->evidence);
		free(f->host);
		free(f->addr);
		return NULL;
	}
	fl->n++;
	return f;
}

const struct finding *
finding_find(const struct finding_list *fl, enum finding_id id)
{
	size_t	 i;

	for (i = 0; i < fl->n; i++)
		if (fl->v[i].id == id)
			return &fl->v[i];
	return NULL;
}

enum severity
finding_worst(const struct finding_list *fl)
{
	enum severity	 w = SEV_OK;
	size_t		 i;

	for (i = 0; i < fl->n; i++)
		if (fl->v[i].severity > w)
			w = fl->v[i].severity;
	return w;
}

int
finding_list_move(struct finding_list *dst, struct finding_list *src)
{
	struct finding	*nv;
	size_t		 ncap;

	if (src->n == 0) {
		/* emptied (finding_list_drop) but maybe still allocated */
		free(src->v);
		memset(src, 0, sizeof(*src));
		return 0;
	}
	if (dst->n + src->n > dst->cap) {
		ncap = dst->n + src->n;
		if ((nv = reallocarray(dst->v, ncap, sizeof(*nv))) == NULL)
			return -1;
		dst->v = nv;
		dst->cap = ncap;
	}
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	free(src->v);
	memset(src, 0, sizeof(*src));
	return 0;
}

void
finding_list_drop(struct finding_list *fl,
    int (*drop)(const struct finding *, const void *), const void *arg)
{
	size_t	 i, o = 0;

	for (i = 0; i < fl->n; i++) {
		struct finding	*f = &fl->v[i];

		if (drop(f, arg)) {
			free(f->host);
			free(f->addr);
			free(f->evidence);
			continue;
		}
		fl->v[o++] = *f;
	}
	fl->n = o;
}

void
finding_list_sort(struct finding_list *fl)
{
	struct finding	 t;
	size_t		 i, j;

	/* insertion sort: stable, and lists are short */
	for (i = 1; i < fl->n; i++) {
		t = fl->v[i];
		for (j = i; j > 0 && fl->v[j - 1].severity < t.severity; j--)
			fl->v[j] = fl->v[j - 1];
		fl->v[j] = t;
	}
}

void
finding_list_free(struct finding_list *fl)
{
	size_t	 i;

	for (i = 0; i < fl->n; i++) {
		free(fl->v[i].host);
		free(fl->v[i].addr);
		free(fl->v[i].evidence);
	}
	free(fl->v);
	memset(fl, 0, sizeof(*fl));
}
