/*
 * A tiny TAP producer for C unit tests.  Each test program prints a plan at
 * the end (done_testing), one "ok N - name" or "not ok N - name" per check,
 * and exits non-zero if anything failed.  Hosted only.
 */
#ifndef GRAFT_TESTS_TAP_H
#define GRAFT_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failed;

static inline int tap_ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)
#define is_int(got, want, name)                                             \
	do {                                                                \
		long long g_ = (long long)(got), w_ = (long long)(want);    \
		if (!tap_ok(g_ == w_, "%s", name))                          \
			printf("#   got %lld, want %lld\n", g_, w_);        \
	} while (0)
#define is_str(got, want, name)                                             \
	do {                                                                \
		const char *g_ = (got), *w_ = (want);                       \
		if (!tap_ok(g_ && w_ && strcmp(g_, w_) == 0, "%s", name))   \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                         \
	} while (0)
#define diag(...) (printf("# "), printf(__VA_ARGS__), printf("\n"))

static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
