/*
 * A fake platform for hosted unit tests of the kernel core: a monotonic
 * clock the test controls, a console that captures output, a yield that
 * jumps the clock to the deadline, and device readiness the test sets.
 */
#ifndef GRAFT_TESTS_FAKEPLAT_H
#define GRAFT_TESTS_FAKEPLAT_H

#include <stddef.h>
#include <stdint.h>
#include <graft/platform.h>

void fakeplat_set_time(uint64_t ns);
void fakeplat_advance(uint64_t ns);

/* Everything written to the console since the last reset, NUL-terminated. */
const char *fakeplat_console(void);
void fakeplat_console_reset(void);

/* The next plat_yield reports these handles ready (those watched), once. */
void fakeplat_set_ready(plat_handle_set_t ready);

/* Calls to plat_yield so far, and the last watch set and deadline. */
extern unsigned fakeplat_yields;
extern plat_handle_set_t fakeplat_last_watch;
extern uint64_t fakeplat_last_deadline;

#endif
