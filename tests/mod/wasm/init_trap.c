/* init_trap: its init hits unreachable; the load must fail, cleanly. */
#include <graft/modapi.h>
#include <graft/module.h>

GRAFT_MODULE("init-trap", "1.0", "MIT");

static int init_trap_init(void)
{
	graft_mod_timer_start(0, 1000, 1000); /* must be released */
	__builtin_trap();
}

static void init_trap_timer(uint32_t id)
{
}

GRAFT_MODULE_INIT(init_trap_init);
GRAFT_MODULE_TIMER(init_trap_timer);
