/* Time for the kernel and libraries: the platform's clocks, in ns. */
#include <graft/platform.h>
#include <graft/time.h>
#include <graft/module.h>

uint64_t graft_now(void)
{
	return plat_clock_monotonic();
}
GRAFT_EXPORT(graft_now);

uint64_t graft_wall(void)
{
	return plat_clock_wall();
}
GRAFT_EXPORT(graft_wall);
