/* Once the instance is sealed, writes into its own code.  Its timer
 * callback is plain kernel-timer code, not a guarded entry point, so the
 * fault ends the instance, and the platform reports it with the address. */
#include <stdint.h>

#include <graft/init.h>
#include <graft/module.h>
#include <graft/time.h>
#include <graft/timer.h>

GRAFT_MODULE("scribbler", "1.0", "MIT");

static struct graft_timer poll;

static void on_poll(struct graft_timer *t, void *arg)
{
	if (graft_sealed())
		*(volatile uint8_t *)(uintptr_t)on_poll = 0xc3;
	graft_timer_arm(t, graft_now() + 10 * GRAFT_NSEC_PER_MSEC);
}

static int scribbler_init(void)
{
	graft_timer_init(&poll, on_poll, NULL);
	return graft_timer_arm(&poll, graft_now() + 10 * GRAFT_NSEC_PER_MSEC);
}
GRAFT_MODULE_INIT(scribbler_init);
