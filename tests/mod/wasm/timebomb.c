/*
 * timebomb: loads fine, then traps in its timer callback 200 ms later (an
 * out-of-bounds store): the instance must stop and report it, and carry on.
 */
#include <graft/log.h>
#include <graft/modapi.h>
#include <graft/module.h>

GRAFT_MODULE("timebomb", "1.0", "MIT");

static int timebomb_init(void)
{
	graft_mod_logs(GRAFT_LOG_INFO, "armed");
	return graft_mod_timer_start(0, 200000000ull, 0);
}

static void timebomb_timer(uint32_t id)
{
	*(volatile int *)0xfffffff0u = 1;
}

GRAFT_MODULE_INIT(timebomb_init);
GRAFT_MODULE_TIMER(timebomb_timer);
