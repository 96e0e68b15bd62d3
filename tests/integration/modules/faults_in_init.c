/* Arms a timer, then writes through a null pointer in its init.  The
 * instance must survive: the load is refused naming the fault, the timer
 * is dropped with the module, nothing is left on the heap. */
#include <graft/module.h>
#include <graft/time.h>
#include <graft/timer.h>

GRAFT_MODULE("faulty", "1.0", "MIT");

static struct graft_timer t;
static void never(struct graft_timer *timer, void *arg)
{
}

static int faulty_init(void)
{
	volatile int *nowhere = (volatile int *)0;

	graft_timer_init(&t, never, 0);
	graft_timer_arm(&t, graft_now() + GRAFT_NSEC_PER_SEC);
	*nowhere = 42;
	return 0;
}
GRAFT_MODULE_INIT(faulty_init);
