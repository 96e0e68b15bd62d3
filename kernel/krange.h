/*
 * Dropping what a departing module left behind.  Before the memory of an
 * unloaded module, [lo, hi), goes back to the page allocator
 * (kernel/mod/mem_plat.c), every registry that could still point into it
 * lets go, so that no timer fires, no fiber resumes and no device is
 * called in freed memory.  A module's exit should have done this itself;
 * these are the safety net, and each returns how many it had to drop.
 */
#ifndef GRAFT_KRANGE_H
#define GRAFT_KRANGE_H

#include <stdint.h>

/* Fibers whose entry function lies in [lo, hi): ended where they wait or
 * wait to run (never the calling fiber), their stacks freed. */
unsigned fiber_end_range(uintptr_t lo, uintptr_t hi);

/* Armed timers whose struct or callback lies in [lo, hi): cancelled. */
unsigned timer_cancel_range(uintptr_t lo, uintptr_t hi);

/* Devices whose struct lies in [lo, hi): unregistered. */
unsigned device_unregister_range(uintptr_t lo, uintptr_t hi);

#endif
