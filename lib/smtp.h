/*
 * smtp.h - one instrumented SMTP session probe on a libevent loop.
 *
 * connect -> greeting -> EHLO (HELO fallback) -> STARTTLS (or implicit
 * TLS) -> EHLO -> MAIL FROM -> RCPT TO per test, RSET between -> QUIT.
 * An address with a UTF-8 local part is sent only to a server offering
 * SMTPUTF8, in a transaction declared with it (RFC 6531).
 * Never DATA, never pipelining. Every phase has its own deadline and is
 * timed in microseconds; every reply is parsed strictly and kept bounded.
 * Problems become findings in the session's own list.
 */
#ifndef SMTPROBE_SMTP_H
#define SMTPROBE_SMTP_H

#include <sys/socket.h>
#include <stdint.h>

#include "ehlo.h"
#include "finding.h"
#include "reply.h"
#include "tls.h"

struct event_base;

/* Timed phases; the names (smtp_phase_name) are the --timeout keys. */
enum smtp_phase {
	PH_CONNECT,
	PH_BANNER,
	PH_EHLO,
	PH_HELO,
	PH_STARTTLS,
	PH_TLS,		/* the handshake */
	PH_EHLO2,	/* EHLO again inside TLS */
	PH_MAIL,
	PH_RCPT,
	PH_RSET,
	PH_QUIT,
	PH_COUNT
};

enum tls_policy {
	TLSPOL_NONE,	/* never STARTTLS */
	TLSPOL_MAY,	/* STARTTLS when offered, certificate not required valid */
	TLSPOL_ENCRYPT,	/* TLS required, certificate not verified */
	TLSPOL_VERIFY,	/* TLS required, chain and name verified */
	TLSPOL_DANE,	/* DANE required (DNS work; treated as verify here) */
};

enum rcpt_expect {
	RCPT_EXPECT_ACCEPT,
	RCPT_EXPECT_REJECT,
	RCPT_EXPECT_RELAY_REJECT,	/* the open-relay test */
};

struct smtp_rcpt_test {
	const char	*addr;		/* without angle brackets */
	enum rcpt_expect expect;
};

/* What to probe and how. Strings are borrowed for the session's life. */
struct smtp_params {
	struct sockaddr_storage	 ss;		/* address and port to connect to */
	socklen_t		 sslen;
	const char		*host;		/* name probed: SNI and certificate check */
	const char		*helo;		/* EHLO/HELO argument */
	const char		*mail_from;	/* "" for the null sender <> */
	const struct smtp_rcpt_test *rcpts;
	int			 nrcpts;
	enum tls_policy		 tls_policy;
	int			 implicit_tls;	/* TLS before the greeting (465) */
	int			 submission;	/* submission port: TLS required */
	struct tls_ctx		*tls;		/* shared context; NULL disables TLS */
	const struct tls_tlsa	*tlsa;		/* DNSSEC-validated TLSA records, or NULL */
	int			 ntlsa;
	int			 expiry_warn_days;
	int			 expiry_crit_days;
	int			 timeout_ms[PH_COUNT];	/* deadline per phase */
	int64_t			 session_timeout_ms; /* of the whole session,
						   from its start; 0: none */
	int			 slow_ms[PH_COUNT];	/* "slow" threshold per phase */
};

/* One timed step of the session. */
struct smtp_step {
	enum smtp_phase	 phase;
	int64_t		 start_us;	/* from the session's start */
	int64_t		 dur_us;
	int		 code;		/* reply code, 0 when none */
	struct enhcode	 enh;
	char		*cmd;		/* the command sent (sanitised), or NULL */
	char		*text;		/* reply text (sanitised, bounded), or NULL */
	const char	*error;		/* "timeout", "refused", ... or NULL */
};

/* How the session ended. */
enum smtp_outcome {
	SMTP_OK,		/* reached QUIT */
	SMTP_NET,		/* connection failed or dropped */
	SMTP_TIMEOUT,		/* a phase timed out */
	SMTP_PROTOCOL,		/* malformed or oversized reply */
	SMTP_TLS,		/* TLS was required and failed */
	SMTP_REFUSED,		/* the server ended the session with 4xx/5xx */
	SMTP_CUT,		/* stopped by its caller (the check's deadline)
				   before it ended: not the server's doing */
};

#define SMTP_TRANSCRIPT_MAX	4096

struct smtp_result {
	char		 local[64];	/* "addr port" of our end */
	char		 remote[64];	/* numeric address of the peer */
	int		 port;
	enum smtp_outcome outcome;
	int64_t		 total_us;
	struct smtp_step *steps;
	int		 nsteps;
	int		 capsteps;
	int		 helo_fallback;	/* EHLO refused, HELO used */
	struct ehlo_caps caps;		/* last EHLO (inside TLS when used) */
	struct ehlo_caps caps_plain;	/* EHLO before STARTTLS */
	int		 tls_used;
	struct tls_info	 tls;
	struct finding_list findings;
	char		*transcript;	/* C:/S: lines, bounded by
					   SMTP_TRANSCRIPT_MAX; NULL if none */
	size_t		 transcript_len;
	size_t		 transcript_cap;
};

struct smtp_session;

/* Called once when the session has ended; result stays valid until free. */
typedef void (*smtp_done_cb)(struct smtp_session *, void *arg);

/* Fill params with the defaults (RFC 5321 4.5.3.2 timeouts, policy may). */
void		 smtp_params_defaults(struct smtp_params *);

/*
 * Start a session on base. Returns NULL with *cause set (static string)
 * when it cannot even start (no memory, no socket). done is always called
 * later, never from inside smtp_session_start.
 */
struct smtp_session *smtp_session_start(struct event_base *base,
		    const struct smtp_params *, smtp_done_cb done, void *arg,
		    const char **cause);

const struct smtp_result *smtp_session_result(const struct smtp_session *);

/* Has the session ended (its done callback is due or has run)? */
int		 smtp_session_ended(const struct smtp_session *);
const struct smtp_params *smtp_session_params(const struct smtp_session *);

/* Take the findings out of the result (the caller owns them after). */
void		 smtp_session_take_findings(struct smtp_session *,
		    struct finding_list *dst);

/*
 * End a running session now, as SMTP_CUT, without a callback: its step
 * in progress is closed with the error "cut" and its result and findings
 * so far stay (smtp_session_ended() is true after). Nothing for an ended
 * session.
 */
void		 smtp_session_cut(struct smtp_session *);

/*
 * The same when the whole check's deadline (described by why, e.g. "the
 * check's deadline, 10s") cuts a session that has waited at least
 * min_wait_us in its phase on the server alone (the TCP answer, the
 * greeting, the TLS handshake, a reply): that silence is the server's,
 * so the phase's timeout finding is raised as if its own deadline had
 * come, and the outcome is SMTP_TIMEOUT. Returns 1 then; else 0 and
 * the session is cut as by smtp_session_cut().
 */
int		 smtp_session_cut_waiting(struct smtp_session *,
		    int64_t min_wait_us, const char *why);

/* Abort a running session (no callback) or free an ended one. */
void		 smtp_session_free(struct smtp_session *);

const char	*smtp_phase_name(enum smtp_phase);
int		 smtp_phase_lookup(const char *);	/* -1 when unknown */
const char	*smtp_outcome_name(enum smtp_outcome);
const char	*smtp_tls_policy_name(enum tls_policy);
int		 smtp_tls_policy_lookup(const char *);	/* -1 when unknown */

/* Severity for "TLS unavailable" on this probe: crit when required. */
enum severity	 smtp_tls_missing_severity(const struct smtp_params *);

#endif
