/*
 * Cooperative fibers and the event loop.
 *
 * One CPU, no preemption: a fiber runs until it blocks (on a wait queue, a
 * device or a deadline) or yields.  When every fiber is blocked, the loop
 * runs due timers, then asks the platform to sleep until the earliest
 * deadline or until a watched device has input.
 */
#ifndef GRAFT_FIBER_H
#define GRAFT_FIBER_H

#include <stddef.h>
#include <stdint.h>
#include <graft/platform.h>
#include <graft/time.h>

struct graft_fiber;
typedef void (*graft_fiber_fn)(void *arg);

#define GRAFT_FIBER_STACK_DEFAULT (64 * 1024)

/* graft_fiber_spawn - create a runnable fiber that calls fn(arg) and ends
 * when fn returns.  stack_size 0 means the default; it is rounded up to
 * whole pages, below which sits a guard page (unmapped where the platform
 * can, else a canary checked at every switch: overflow panics naming the
 * fiber).  *out (may be NULL) receives it; the loop frees it after it ends,
 * so the pointer is valid only while it lives.  It first runs at the loop's
 * next round.  GRAFT_EINVAL (fn NULL), GRAFT_ENOMEM. */
int graft_fiber_spawn(const char *name, graft_fiber_fn fn, void *arg,
		      size_t stack_size, struct graft_fiber **out);

/* graft_fiber_self - the running fiber. graft_fiber_name - its name. */
struct graft_fiber *graft_fiber_self(void);
const char *graft_fiber_name(const struct graft_fiber *f);

/* graft_fiber_yield - let every other runnable fiber run once. */
void graft_fiber_yield(void);

/* graft_sleep_until - block until monotonic time reaches deadline. */
void graft_sleep_until(uint64_t deadline);
void graft_sleep_ns(uint64_t ns);

/* A wait queue: fibers block on it until woken or until a deadline. */
struct graft_waitq {
	struct graft_fiber *head, *tail;
};
#define GRAFT_WAITQ_INIT { 0, 0 }

/* graft_wait - block on q until woken (returns 0) or until deadline passes
 * (GRAFT_ETIMEDOUT); GRAFT_FOREVER waits without a deadline.  A deadline
 * already passed returns GRAFT_ETIMEDOUT at once, without yielding.
 * GRAFT_ENOMEM if the deadline's timer cannot be armed.  Only from a fiber
 * (elsewhere it panics).  Waiters wake in the order they began waiting. */
int graft_wait(struct graft_waitq *q, uint64_t deadline);
/* graft_wake_one / graft_wake_all - make waiters runnable; they run later. */
void graft_wake_one(struct graft_waitq *q);
void graft_wake_all(struct graft_waitq *q);

/* graft_wait_device - block until device h may have input pending (0) or
 * deadline passes (GRAFT_ETIMEDOUT).  Wakeups may be spurious.  The loop
 * watches h (passes it to plat_yield) only while a fiber waits on it, and
 * polls watched devices between rounds even while fibers are busy.
 * GRAFT_EBADF if h >= PLAT_MAX_DEVICES. */
int graft_wait_device(plat_handle_t h, uint64_t deadline);

/* graft_loop_run - run fibers and timers until graft_loop_stop() is called
 * or nothing can ever run again (no runnable fiber, no armed timer, which
 * includes every deadline of a wait or sleep, and no device waiter); the
 * kernel calls this once at boot.  Each round runs every fiber that was
 * runnable when it began, once, in order; then due timers run; when no
 * fiber is runnable the loop calls plat_yield until the next deadline.
 * graft_loop_stop - make the loop return at the next switch back to it. */
void graft_loop_run(void);
void graft_loop_stop(void);

/* graft_fiber_count - live fibers (for statistics and tests). */
unsigned graft_fiber_count(void);

#endif
