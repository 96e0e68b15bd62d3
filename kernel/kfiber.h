/* Fiber internals other kernel files need: the scheduler's view of stacks
 * (for backtraces), the boot stack's top and the end-of-turn hook. */
#ifndef GRAFT_KERNEL_KFIBER_H
#define GRAFT_KERNEL_KFIBER_H

#include <stdbool.h>
#include <stdint.h>

/* fiber_stack_bounds - the stack the caller runs on: the current fiber's,
 * or the boot stack from the caller's frame up to the top kernel_main
 * recorded.  Returns 0 when bounds are known, -1 otherwise. */
int fiber_stack_bounds(uintptr_t *lo, uintptr_t *hi);

/* fiber_set_boot_stack_top - the highest address of the boot stack that
 * backtraces may read (kernel_main's frame). */
void fiber_set_boot_stack_top(uintptr_t top);

/* fiber_set_turn_end - fn runs before the loop yields to the platform
 * (sleeps, or looks at the devices while fibers are busy, at most every
 * millisecond then) and when the loop ends; kernel/platdev.c flushes the
 * frames queued since.  yielding: plat_yield follows at once, with
 * nothing run in between (so that fn may lend it the frames). */
void fiber_set_turn_end(void (*fn)(bool yielding));

#endif
