/*
 * log.h - logging to stderr or syslog, OpenBSD daemon style.
 */
#ifndef SMTPROBE_LOG_H
#define SMTPROBE_LOG_H

#include <stdarg.h>

/* to_stderr: 1 logs to stderr, 0 to syslog with ident and facility. */
void	log_init(int to_stderr, const char *ident, int facility);

/*
 * A monitoring plugin (smtprobe check --nagios): fatal() and fatalx()
 * also print a status line on standard output, start followed by the
 * message ("SMTPROBE UNKNOWN - "). NULL: no more.
 */
void	log_plugin_status(const char *start);
void	log_setverbose(int);
int	log_getverbose(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
