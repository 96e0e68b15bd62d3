/* Timers (kernel/timer.c): deadline order, ties in arming order, cancel,
 * re-arm, many timers in a shuffled order, and cancelling by address range
 * (what a module's unload does). */
#include <stdint.h>

#include "tap.h"
#include <graft/timer.h>
#include "krange.h"

static char fired[64];
static int nfired;

static void record(struct graft_timer *t, void *arg)
{
	fired[nfired++] = *(const char *)arg;
	fired[nfired] = '\0';
}

static void reset(void)
{
	nfired = 0;
	fired[0] = '\0';
}

static void test_order_and_ties(void)
{
	struct graft_timer t[5];
	static const char names[] = "abcde";

	reset();
	for (int i = 0; i < 5; i++)
		graft_timer_init(&t[i], record, (void *)&names[i]);
	ok(!graft_timer_armed(&t[0]), "an initialised timer is not armed");
	graft_timer_arm(&t[0], 300);
	graft_timer_arm(&t[1], 100);
	graft_timer_arm(&t[2], 200);
	graft_timer_arm(&t[3], 100);
	graft_timer_arm(&t[4], 100);
	ok(graft_timer_armed(&t[0]), "arming marks it armed");
	is_int(graft_timers_next(), 100, "next is the earliest deadline");
	is_int(graft_timers_run(99), 0, "nothing due before the deadline");
	is_int(graft_timers_run(100), 3, "three due at 100");
	is_str(fired, "bde", "equal deadlines fire in arming order");
	is_int(graft_timers_run(1000), 2, "the rest later");
	is_str(fired, "bdeca", "then by deadline");
	ok(!graft_timer_armed(&t[0]), "a fired timer is no longer armed");
	is_int((long long)(graft_timers_next() == UINT64_MAX), 1,
	       "no timer left: next is UINT64_MAX");
}

static void test_cancel_rearm(void)
{
	struct graft_timer a, b, c;

	reset();
	graft_timer_init(&a, record, "a");
	graft_timer_init(&b, record, "b");
	graft_timer_init(&c, record, "c");
	graft_timer_arm(&a, 10);
	graft_timer_arm(&b, 20);
	graft_timer_arm(&c, 30);
	graft_timer_cancel(&b);
	graft_timer_cancel(&b);
	ok(!graft_timer_armed(&b), "cancel disarms (twice is harmless)");
	graft_timer_arm(&a, 40); /* re-arm later */
	graft_timer_arm(&c, 40); /* re-armed after a: fires after a */
	is_int(graft_timers_next(), 40, "re-arming moves the deadline");
	graft_timers_run(100);
	is_str(fired, "ac", "cancelled timer never fires; re-armed ones do");
	reset();
	graft_timer_arm(&a, 5);
	graft_timer_arm(&b, 6);
	graft_timer_arm(&a, 7);
	graft_timers_run(100);
	is_str(fired, "ba", "re-arming an armed timer replaces its deadline");
}

static struct graft_timer self_timer;
static int self_runs;

static void rearm_self(struct graft_timer *t, void *arg)
{
	self_runs++;
	graft_timer_arm(t, 0);
}

static void test_rearm_from_callback(void)
{
	graft_timer_init(&self_timer, rearm_self, NULL);
	graft_timer_arm(&self_timer, 1);
	is_int(graft_timers_run(10), 1,
	       "a callback re-arming itself as due waits for the next run");
	is_int(graft_timers_run(10), 1, "and runs then");
	graft_timer_cancel(&self_timer);
	is_int(self_runs, 2, "two runs in all");
}

/* 1000 timers armed in a scrambled order fire sorted; cancelling every
 * third keeps the rest in order. */
static struct graft_timer many[1000];
static uint64_t last_deadline;
static int out_of_order, many_fired;

static void check_order(struct graft_timer *t, void *arg)
{
	if (t->deadline < last_deadline)
		out_of_order++;
	last_deadline = t->deadline;
	many_fired++;
}

static void test_many(void)
{
	for (int i = 0; i < 1000; i++) {
		graft_timer_init(&many[i], check_order, NULL);
		graft_timer_arm(&many[i], (i * 7919) % 1000 + 1000);
	}
	for (int i = 0; i < 1000; i += 3)
		graft_timer_cancel(&many[i]);
	graft_timers_run(UINT64_MAX - 1);
	is_int(many_fired, 666, "every timer not cancelled fired once");
	is_int(out_of_order, 0, "in deadline order");
}

static void test_cancel_range(void)
{
	static struct graft_timer in_range[10], outside[10];
	uintptr_t lo = (uintptr_t)in_range, hi = (uintptr_t)(in_range + 10);

	reset();
	for (int i = 0; i < 10; i++) {
		graft_timer_init(&in_range[i], record, "x");
		graft_timer_init(&outside[i], record, "o");
		graft_timer_arm(&in_range[i], 100 + i);
		graft_timer_arm(&outside[i], 100 + i);
	}
	graft_timer_init(&many[0], record, "f");
	graft_timer_arm(&many[0], 50);
	is_int(timer_cancel_range(lo, hi), 10, "the timers inside the range");
	is_int(timer_cancel_range((uintptr_t)record, (uintptr_t)record + 1), 11,
	       "and by callback: every timer calling into the range");
	is_int(graft_timers_run(UINT64_MAX - 1), 0, "none of them fires");
	is_int(timer_cancel_range(lo, hi), 0, "nothing left to cancel");
}

int main(void)
{
	test_order_and_ties();
	test_cancel_rearm();
	test_rearm_from_callback();
	test_many();
	test_cancel_range();
	return done_testing();
}
