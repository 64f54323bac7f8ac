/*
 * mtasts.h - audit of MTA-STS (RFC 8461): the TXT record at
 * _mta-sts.DOMAIN (3.1), the policy file served at
 * https://mta-sts.DOMAIN/.well-known/mta-sts.txt (3.2), and the MX hosts
 * against the policy's mx patterns (4.1).
 *
 * Pure logic: the caller resolves the TXT records (each one's strings
 * joined) and fetches the policy body. Findings go to a finding_list
 * with host = DOMAIN and evidence naming the record or the policy line,
 * the field and the value.
 */
#ifndef SMTPROBE_MTASTS_H
#define SMTPROBE_MTASTS_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "txtrec.h"

#define MTASTS_RECORD_MAX	4096		/* longer TXT records are refused */
#define MTASTS_ID_MAX		32		/* id=: 1*32 ALPHA / DIGIT */
#define MTASTS_POLICY_MAX	65536		/* bytes of policy; a larger body is refused */
#define MTASTS_MX_MAX		64		/* mx lines kept; more are refused */
#define MTASTS_MAX_AGE_MAX	31557600	/* max_age ceiling, one year (3.2) */

/* The TXT record. */
struct mtasts_record {
	char		 id[MTASTS_ID_MAX + 1];	/* policy instance id */
};

enum mtasts_mode {
	MTASTS_MODE_UNSET,	/* no valid mode line */
	MTASTS_MODE_ENFORCE,
	MTASTS_MODE_TESTING,
	MTASTS_MODE_NONE,
};

/* The policy file. */
struct mtasts_policy {
	enum mtasts_mode mode;		/* mode: */
	uint32_t	 max_age;	/* max_age:, seconds */
	size_t		 nmx;		/* mx patterns in mx[] */
	char		 mx[MTASTS_MX_MAX][TXTREC_HOST_MAX + 3];	/* lowercase, with any "*." */
};

/*
 * Audit the n TXT records (txt[i] has len[i] bytes) at _mta-sts.DOMAIN.
 * Only records starting "v=STSv1" count. Returns 0 when there is none
 * (MTA-STS is not deployed: no finding), 1 with *rec filled when there
 * is exactly one valid record, -1 otherwise: mtasts.syntax for more
 * than one (senders then use none, 3.1) or an invalid one.
 */
int		 mtasts_check_record(const char *domain, const char *const *txt,
		    const size_t *len, size_t n, struct mtasts_record *rec,
		    struct finding_list *fl);

/*
 * Parse one TXT record: v=STSv1 first, exactly one id= of 1 to 32
 * letters and digits, extensions per the 3.1 grammar. Each error is an
 * mtasts.syntax naming the field. Returns 0 when valid, -1 otherwise.
 */
int		 mtasts_parse_record(const char *domain, const char *s,
		    size_t len, struct mtasts_record *rec,
		    struct finding_list *fl);

/*
 * Parse a policy body (len bytes, LF or CRLF lines of "key: value"):
 * version STSv1, mode enforce|testing|none, max_age 0..31557600 and
 * mx patterns ("*." then a host name, or a host name) each exactly once
 * but mx, which enforce and testing need at least once; unknown keys are
 * ignored. Each error is an mtasts.policy-syntax (crit) naming the line,
 * a blank line one at warn; a body over MTASTS_POLICY_MAX is refused
 * whole, and findings stop at TXTREC_FINDINGS_MAX. mtasts.testing for
 * mode testing. Returns 0 when valid, -1 otherwise.
 */
int		 mtasts_parse_policy(const char *domain, const char *body,
		    size_t len, struct mtasts_policy *pol,
		    struct finding_list *fl);

/*
 * Does mxhost (a trailing dot ignored, any case) match one of the
 * policy's mx patterns (4.1)? "*.example.com" matches exactly one more
 * label: "a.example.com", not "example.com" nor "a.b.example.com".
 */
int		 mtasts_mx_match(const struct mtasts_policy *pol,
		    const char *mxhost);

/*
 * Check the domain's n MX hosts against a valid policy: mtasts.mx-mismatch
 * for each that matches no pattern, crit in enforce mode (senders will not
 * deliver to it) and warn in testing; nothing for mode none. Returns the
 * number of hosts that match no pattern.
 */
size_t		 mtasts_check_mx(const char *domain,
		    const struct mtasts_policy *pol, const char *const *mx,
		    size_t n, struct finding_list *fl);

const char	*mtasts_mode_name(enum mtasts_mode);

#endif
