/*
 * sleeper: a native module with a fiber of its own that sleeps on a timer
 * and logs each time it wakes.  It uses the kernel's own API (fibers,
 * printf), so it is native only.  Its exit need not stop the fiber: at
 * unload the kernel ends every fiber that runs the module's code.
 */
#include <stdio.h>

#include <graft/fiber.h>
#include <graft/module.h>
#include <graft/time.h>

GRAFT_MODULE("sleeper", "1.0", "MIT");

static unsigned wakeups;

static void sleeper_loop(void *arg)
{
	for (;;) {
		graft_sleep_ns(100 * GRAFT_NSEC_PER_MSEC);
		printf("sleeper: awake %u\n", ++wakeups);
	}
}

static int sleeper_init(void)
{
	return graft_fiber_spawn("sleeper", sleeper_loop, NULL, 0, NULL);
}
GRAFT_MODULE_INIT(sleeper_init);

static void sleeper_exit(void)
{
	printf("sleeper: leaving after %u wakeups\n", wakeups);
}
GRAFT_MODULE_EXIT(sleeper_exit);
