/* timers: three fibers sleeping with different periods; their lines
 * interleave in deadline order, which shows the event loop at work.  The
 * deadlines are absolute (start + period * i).  A host that stalls the
 * instance past several deadlines wakes their fibers together, and the
 * lines then come in the order the fibers run: each line says how late
 * its fiber woke, so a reader (tests/lib/deadline_order.awk) can tell a
 * stall from a timer out of order. */
#include <stdio.h>
#include <graft/fiber.h>
#include <graft/time.h>

static uint64_t start;

struct ticker {
	const char *name;
	uint64_t period_ms;
	int count;
};

static void tick(void *arg)
{
	struct ticker *t = arg;

	for (int i = 1; i <= t->count; i++) {
		uint64_t deadline =
		    start + t->period_ms * i * GRAFT_NSEC_PER_MSEC;

		graft_sleep_until(deadline);
		printf("%s tick %d at %lu ms, %lu us late\n", t->name, i,
		       (unsigned long)(t->period_ms * i),
		       (unsigned long)((graft_now() - deadline) / 1000));
	}
}

int main(int argc, char **argv)
{
	static struct ticker t[] = {
	    {"fast", 10, 6},
	    {"medium", 25, 2},
	    {"slow", 45, 1},
	};

	start = graft_now();
	for (int i = 0; i < 3; i++)
		graft_fiber_spawn(t[i].name, tick, &t[i], 0, NULL);
	graft_sleep_until(start + 80 * GRAFT_NSEC_PER_MSEC);
	printf("timers done\n");
	return 0;
}
