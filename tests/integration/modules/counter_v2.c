/* A module with state, version 2: a timer bumps a count every 50 ms and
 * prints it; upgrade hands the count to version 2. */
#include <stdio.h>
#include <stdlib.h>

#include <graft/error.h>
#include <graft/module.h>
#include <graft/time.h>
#include <graft/timer.h>

GRAFT_MODULE("counter", "2.0", "MIT");

static struct graft_timer tick;
static int count;

static void on_tick(struct graft_timer *t, void *arg)
{
	count++;
	graft_timer_arm(t, graft_now() + 50 * GRAFT_NSEC_PER_MSEC);
}

static int counter_init(void)
{
	printf("counter 2.0: counting from %d\n", count);
	graft_timer_init(&tick, on_tick, NULL);
	return graft_timer_arm(&tick, graft_now() + 50 * GRAFT_NSEC_PER_MSEC);
}
GRAFT_MODULE_INIT(counter_init);

static void counter_exit(void)
{
	graft_timer_cancel(&tick);
	printf("counter 2.0: stopped at %d\n", count);
}
GRAFT_MODULE_EXIT(counter_exit);

static int counter_restore(void *state, size_t len)
{
	if (len != sizeof(int)) {
		free(state);
		return GRAFT_EINVAL;
	}
	count = *(int *)state;
	free(state);
	return 0;
}
GRAFT_MODULE_RESTORE(counter_restore);
