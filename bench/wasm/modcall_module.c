/*
 * modcall: the module bench/wasm/modcall.c calls, built both ways from
 * this file.  Its timer callback does almost nothing, so that the time of
 * a call is the cost of calling into a module.
 */
#include <graft/modapi.h>
#include <graft/module.h>

GRAFT_MODULE("modcall", "1.0", "MIT");

static volatile uint32_t sum;

static void modcall_timer(uint32_t id)
{
	sum += id;
}

GRAFT_MODULE_TIMER(modcall_timer);
