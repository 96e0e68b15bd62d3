/* A careless module: its exit leaves a timer armed and a fiber waiting, both
 * pointing into its own code.  Unloading it must not crash the instance:
 * the kernel drops them before the module's memory is freed. */
#include <stdio.h>

#include <graft/fiber.h>
#include <graft/module.h>
#include <graft/time.h>
#include <graft/timer.h>

GRAFT_MODULE("leaky", "1.0", "MIT");

static struct graft_timer tick;
static unsigned ticks;

static void on_tick(struct graft_timer *t, void *arg)
{
	ticks++;
	graft_timer_arm(t, graft_now() + 10 * GRAFT_NSEC_PER_MSEC);
}

static void sleeper(void *arg)
{
	for (;;)
		graft_sleep_ns(20 * GRAFT_NSEC_PER_MSEC);
}

static int leaky_init(void)
{
	int rc;

	graft_timer_init(&tick, on_tick, NULL);
	rc = graft_timer_arm(&tick, graft_now() + 10 * GRAFT_NSEC_PER_MSEC);
	if (rc == 0)
		rc = graft_fiber_spawn("leaky", sleeper, NULL, 0, NULL);
	printf("leaky: started\n");
	return rc;
}
GRAFT_MODULE_INIT(leaky_init);
