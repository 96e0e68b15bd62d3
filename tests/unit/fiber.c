/* Fibers and the event loop (kernel/fiber.c) on the fake platform: yield
 * interleaving, wait and wake, deadlines on the fake clock, sleep order,
 * device waits, many fibers, loop end and stop, fibers ended from outside
 * by the address of their entry (a module's unload), and the stack
 * canary. */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "fakeplat.h"
#include "kfiber.h"
#include "kheap.h"
#include "krange.h"
#include <graft/error.h>
#include <graft/fiber.h>

static char trace[256];

static void note(char c)
{
	size_t n = strlen(trace);

	trace[n] = c;
	trace[n + 1] = '\0';
}

static void yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		note(*(const char *)arg);
		graft_fiber_yield();
	}
}

static void test_yield_interleaving(void)
{
	trace[0] = '\0';
	graft_fiber_spawn("a", yielder, "a", 0, NULL);
	graft_fiber_spawn("b", yielder, "b", 0, NULL);
	graft_fiber_spawn("c", yielder, "c", 0, NULL);
	is_int(graft_fiber_count(), 3, "three fibers live");
	graft_loop_run();
	is_str(trace, "abcabcabc", "yield runs fibers round-robin");
	is_int(graft_fiber_count(), 0, "ended fibers are gone");
}

static struct graft_waitq q = GRAFT_WAITQ_INIT;
static int wait_rc[4];

static void waiter(void *arg)
{
	int i = (int)(intptr_t)arg;

	note('0' + i);
	wait_rc[i] = graft_wait(&q, GRAFT_FOREVER);
	note('W');
}

static void waker(void *arg)
{
	note('k');
	graft_wake_one(&q);
	graft_fiber_yield();
	note('K');
	graft_wake_all(&q);
}

static void test_wait_wake(void)
{
	trace[0] = '\0';
	wait_rc[0] = wait_rc[1] = wait_rc[2] = 99;
	for (intptr_t i = 0; i < 3; i++)
		graft_fiber_spawn("w", waiter, (void *)i, 0, NULL);
	graft_fiber_spawn("k", waker, NULL, 0, NULL);
	graft_loop_run();
	is_str(trace, "012kWKWW",
	       "wake_one wakes the first; wake_all the rest");
	ok(wait_rc[0] == 0 && wait_rc[1] == 0 && wait_rc[2] == 0,
	   "woken waits return 0");
	ok(!q.head && !q.tail, "the queue is empty again");
}

static uint64_t woke_at;
static int timeout_rc;

static void timed_waiter(void *arg)
{
	struct graft_waitq mine = GRAFT_WAITQ_INIT;

	timeout_rc = graft_wait(&mine, graft_now() + 500);
	woke_at = graft_now();
}

static void test_wait_deadline(void)
{
	fakeplat_set_time(1000);
	graft_fiber_spawn("t", timed_waiter, NULL, 0, NULL);
	graft_loop_run();
	is_int(timeout_rc, GRAFT_ETIMEDOUT,
	       "a wait past its deadline times out");
	is_int(woke_at, 1500, "at the deadline on the fake clock");
	is_int(fakeplat_last_deadline, 1500,
	       "the loop slept until exactly that deadline");
}

static void sleeper(void *arg)
{
	int ms = (int)(intptr_t)arg;

	graft_sleep_ns(ms * GRAFT_NSEC_PER_MSEC);
	note('0' + ms);
}

static void test_sleep_order(void)
{
	static const int order[] = {3, 1, 2, 1, 5, 4};
	uint64_t start;

	trace[0] = '\0';
	fakeplat_set_time(0);
	start = graft_now();
	for (int i = 0; i < 6; i++)
		graft_fiber_spawn("s", sleeper, (void *)(intptr_t)order[i], 0,
				  NULL);
	graft_loop_run();
	is_str(trace, "112345", "sleepers wake in deadline order");
	is_int(graft_now() - start, 5 * GRAFT_NSEC_PER_MSEC,
	       "the loop took exactly the longest sleep");
}

static int dev_rc[2];

static void dev_waiter(void *arg)
{
	int i = (int)(intptr_t)arg;

	dev_rc[i] = graft_wait_device(3 + i, graft_now() + 1000000);
}

static void test_device_wait(void)
{
	fakeplat_set_time(0);
	fakeplat_set_ready((plat_handle_set_t)1 << 3);
	graft_fiber_spawn("d3", dev_waiter, (void *)0, 0, NULL);
	graft_fiber_spawn("d4", dev_waiter, (void *)1, 0, NULL);
	graft_loop_run();
	is_int(dev_rc[0], 0, "a ready device wakes its waiter");
	is_int(dev_rc[1], GRAFT_ETIMEDOUT, "an idle device's waiter times out");
	is_int(graft_now(), 1000000, "at its deadline");
	is_int(graft_wait_device(PLAT_MAX_DEVICES, 0), GRAFT_EBADF,
	       "a handle beyond the set is refused");
}

static int done_count;

static void busy(void *arg)
{
	for (int i = 0; i < 5; i++)
		graft_fiber_yield();
	done_count++;
}

static void test_many(void)
{
	int spawned = 0;

	for (int i = 0; i < 500; i++)
		spawned += graft_fiber_spawn("m", busy, NULL, 16384, NULL) == 0;
	is_int(spawned, 500, "500 fibers spawned");
	graft_loop_run();
	is_int(done_count, 500, "all of them ran to the end");
	is_int(graft_fiber_count(), 0, "and are gone");
}

static struct graft_waitq never = GRAFT_WAITQ_INIT;
static int stuck_rc = 99;

static void stuck(void *arg)
{
	stuck_rc = graft_wait(&never, GRAFT_FOREVER);
}

static void stopper(void *arg)
{
	note('s');
	graft_loop_stop();
	graft_fiber_yield();
	note('S');
}

static void test_loop_end_and_stop(void)
{
	graft_fiber_spawn("stuck", stuck, NULL, 0, NULL);
	graft_loop_run();
	is_int(graft_fiber_count(), 1,
	       "the loop returns when its only fiber waits forever");
	trace[0] = '\0';
	graft_fiber_spawn("stopper", stopper, NULL, 0, NULL);
	graft_loop_run();
	is_str(trace, "s", "graft_loop_stop ends the loop at the next switch");
	graft_wake_all(&never);
	graft_loop_run();
	is_str(trace, "sS", "running the loop again resumes where it stopped");
	is_int(stuck_rc, 0, "the stuck fiber was woken");
	is_int(graft_fiber_count(), 0, "nothing left");
}

/* Three kinds of fiber a departing module can leave: waiting with a
 * deadline, waiting on a device, runnable.  The "module" is the section
 * their entry functions sit in. */
#define DOOMED __attribute__((section("doomed_text"), noinline))
extern const char __start_doomed_text[], __stop_doomed_text[];

DOOMED static void doomed_sleeper(void *arg)
{
	graft_sleep_ns(1000000);
	note('X');
}

DOOMED static void doomed_device(void *arg)
{
	graft_wait_device(5, GRAFT_FOREVER);
	note('Y');
}

DOOMED static void doomed_yielder(void *arg)
{
	for (;;)
		graft_fiber_yield();
}

static void survivor(void *arg)
{
	graft_sleep_ns(2000000);
	note('s');
}

static void killer(void *arg)
{
	*(unsigned *)arg = fiber_end_range((uintptr_t)__start_doomed_text,
					   (uintptr_t)__stop_doomed_text);
}

static void test_end_range(void)
{
	unsigned ended = 99;

	trace[0] = '\0';
	fakeplat_set_time(0);
	fakeplat_set_ready(0);
	graft_fiber_spawn("sleeper", doomed_sleeper, NULL, 0, NULL);
	graft_fiber_spawn("device", doomed_device, NULL, 0, NULL);
	graft_fiber_spawn("survivor", survivor, NULL, 0, NULL);
	graft_fiber_spawn("yielder", doomed_yielder, NULL, 0, NULL);
	graft_fiber_spawn("killer", killer, &ended, 0, NULL);
	graft_loop_run();
	is_int(ended, 3, "the three fibers of the range are ended");
	is_str(trace, "s", "none of them ran again; the other one did");
	is_int(graft_fiber_count(), 0, "nothing left, the loop ended");
}

static int recurse(int n)
{
	volatile char pad[200];

	for (int i = 0; i < 200; i++)
		pad[i] = (char)n;
	return n ? recurse(n - 1) + pad[0] : 0;
}

static void overflow(void *arg)
{
	recurse(20);
}

/* In a child process: a fiber with one page of stack recurses through
 * 4.5 KiB; the canary check must panic with its name. */
static void test_canary(void)
{
	int pipefd[2], status;
	char out[4096];
	ssize_t n, total = 0;
	pid_t pid;

	fflush(stdout);
	if (pipe(pipefd) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 2);
		fiber_set_boot_stack_top((uintptr_t)__builtin_frame_address(0));
		graft_fiber_spawn("deep", overflow, NULL, 4096, NULL);
		graft_loop_run();
		_exit(0);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + total, sizeof(out) - 1 - total)) > 0)
		total += n;
	out[total] = '\0';
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	   "a stack overflow aborts the instance");
	ok(strstr(out, "PANIC at ") && strstr(out, "fiber 'deep' overflowed"),
	   "with a panic that names the fiber");
	ok(strstr(out, "backtrace (loop):") != NULL,
	   "and a backtrace of the loop's stack");
}

int main(void)
{
	static char region[16 << 20] __attribute__((aligned(4096)));

	heap_init(region, sizeof(region));
	test_yield_interleaving();
	test_wait_wake();
	test_wait_deadline();
	test_sleep_order();
	test_device_wait();
	test_many();
	test_loop_end_and_stop();
	test_end_range();
	test_canary();
	return done_testing();
}
