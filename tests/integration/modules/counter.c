/* A module with state: a timer bumps a count every 50 ms.  Built twice
 * (tests/integration/build.mk): version 1 saves the count at upgrade,
 * version 2 (-DCOUNTER_V2) restores it and counts on. */
#include <stdio.h>
#include <stdlib.h>

#include <graft/error.h>
#include <graft/module.h>
#include <graft/time.h>
#include <graft/timer.h>

#ifdef COUNTER_V2
#define COUNTER_VERSION "2.0"
#else
#define COUNTER_VERSION "1.0"
#endif

GRAFT_MODULE("counter", COUNTER_VERSION, "MIT");

static struct graft_timer tick;
static int count;

static void on_tick(struct graft_timer *t, void *arg)
{
	count++;
	graft_timer_arm(t, graft_now() + 50 * GRAFT_NSEC_PER_MSEC);
}

static int counter_init(void)
{
	printf("counter " COUNTER_VERSION ": counting from %d\n", count);
	graft_timer_init(&tick, on_tick, NULL);
	return graft_timer_arm(&tick, graft_now() + 50 * GRAFT_NSEC_PER_MSEC);
}
GRAFT_MODULE_INIT(counter_init);

static void counter_exit(void)
{
	graft_timer_cancel(&tick);
	printf("counter " COUNTER_VERSION ": stopped at %d\n", count);
}
GRAFT_MODULE_EXIT(counter_exit);

#ifdef COUNTER_V2
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
#else
static int counter_save(void **state, size_t *len)
{
	int *s = malloc(sizeof(*s));

	if (!s)
		return GRAFT_ENOMEM;
	*s = count;
	*state = s;
	*len = sizeof(*s);
	return 0;
}
GRAFT_MODULE_SAVE(counter_save);
#endif
