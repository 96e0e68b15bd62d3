/* timers: three fibers sleeping with different periods; their lines
 * interleave in deadline order, which shows the event loop at work.  The
 * deadlines are absolute (start + period * i), so a slow host delays the
 * lines but never reorders them. */
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
		graft_sleep_until(start +
				  t->period_ms * i * GRAFT_NSEC_PER_MSEC);
		printf("%s tick %d at %lu ms\n", t->name, i,
		       (unsigned long)(t->period_ms * i));
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
