/*
 * Timers: a callback run by the event loop (outside any fiber's stack
 * frame, so it must not block) once monotonic time reaches its deadline.
 * The caller owns the struct; it must stay valid while armed.
 */
#ifndef GRAFT_TIMER_H
#define GRAFT_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct graft_timer;
typedef void (*graft_timer_fn)(struct graft_timer *t, void *arg);

struct graft_timer {
	uint64_t deadline;
	graft_timer_fn fn;
	void *arg;
	uint32_t slot;  /* index in the timer heap, or UINT32_MAX: not armed */
	uint64_t seq;   /* arming order: ties fire first-armed first */
};

void graft_timer_init(struct graft_timer *t, graft_timer_fn fn, void *arg);
/* graft_timer_arm - (re)arm t for deadline.  GRAFT_ENOMEM if the timer heap
 * cannot grow. */
int graft_timer_arm(struct graft_timer *t, uint64_t deadline);
void graft_timer_cancel(struct graft_timer *t);
bool graft_timer_armed(const struct graft_timer *t);

/* graft_timers_next - the earliest armed deadline, or UINT64_MAX.
 * graft_timers_run - call every timer due at now; returns how many. */
uint64_t graft_timers_next(void);
unsigned graft_timers_run(uint64_t now);

#endif
