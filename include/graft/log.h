/*
 * Console output, the log and panic.  printf-family formatting lives in
 * <stdio.h> (printf, snprintf, vsnprintf); this header adds levels.
 */
#ifndef GRAFT_LOG_H
#define GRAFT_LOG_H

#include <stdarg.h>

enum graft_log_level {
	GRAFT_LOG_ERROR = 0,
	GRAFT_LOG_WARN = 1,
	GRAFT_LOG_INFO = 2,
	GRAFT_LOG_DEBUG = 3,
};

/* graft_log - print "[level] subsystem: message\n" if level is at or below
 * the current threshold (GRAFT_LOG_INFO unless the command line says
 * graft.log=debug). */
void graft_log(int level, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* graft_log_set_level - set the threshold (clamped to ERROR..DEBUG).
 * graft_log_get_level - the current one. */
void graft_log_set_level(int level);
int graft_log_get_level(void);

/* graft_panic - print "PANIC at file:line: message", then a backtrace of
 * return addresses (frame-pointer walk within the current stack), then end
 * the instance through plat_abort(message).  A panic during a panic aborts
 * at once. */
void graft_panic_at(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
#define graft_panic(...) graft_panic_at(__FILE__, __LINE__, __VA_ARGS__)

#endif
