/*
 * report.h - a check's report as JSON: the object of the output contract
 * (DESIGN.md: status, target, findings, sessions, dns), its "dns" part,
 * and the summary a daemon keeps of a run. Shared by `smtprobe check
 * --json`, the daemon's control socket and the store.
 */
#ifndef SMTPROBE_REPORT_H
#define SMTPROBE_REPORT_H

#include <jansson.h>

#include "check.h"

/* The report as the JSON object of the output contract. */
json_t		*report_json(const struct check_report *);

/* Its "dns" object alone, or NULL when the run made no audit. */
json_t		*report_dns_json(const struct check_report *);

/*
 * What a daemon keeps of a run: target, status, ms, error; per finding
 * id, layer, severity, host, addr, port, evidence; per session host,
 * addr, port, outcome, ms, the last reply code and a TLS summary
 * (version, verified, hostname_ok, the leaf's not_after, dane); dns as
 * {ms, mta_sts_mode}.
 */
json_t		*report_summary_json(const struct check_report *);

#endif
