/*
 * Timers: a binary min-heap of armed timers ordered by (deadline, seq).
 * seq grows with every arming, so timers with equal deadlines fire in the
 * order they were armed.  Each timer knows its slot in the heap, so cancel
 * and re-arm are O(log n) without a search.
 */
#include <stdlib.h>

#include <graft/error.h>
#include <graft/timer.h>
#include <graft/module.h>

#include "krange.h"

#define NOT_ARMED UINT32_MAX

static struct graft_timer **heap;
static uint32_t count, capacity;
static uint64_t next_seq;

static bool before(const struct graft_timer *a, const struct graft_timer *b)
{
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline;
	return a->seq < b->seq;
}

static void place(uint32_t i, struct graft_timer *t)
{
	heap[i] = t;
	t->slot = i;
}

static void sift_up(uint32_t i)
{
	struct graft_timer *t = heap[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!before(t, heap[parent]))
			break;
		place(i, heap[parent]);
		i = parent;
	}
	place(i, t);
}

static void sift_down(uint32_t i)
{
	struct graft_timer *t = heap[i];

	for (;;) {
		uint32_t child = 2 * i + 1;

		if (child >= count)
			break;
		if (child + 1 < count && before(heap[child + 1], heap[child]))
			child++;
		if (!before(heap[child], t))
			break;
		place(i, heap[child]);
		i = child;
	}
	place(i, t);
}

void graft_timer_init(struct graft_timer *t, graft_timer_fn fn, void *arg)
{
	t->deadline = 0;
	t->fn = fn;
	t->arg = arg;
	t->slot = NOT_ARMED;
	t->seq = 0;
}
GRAFT_EXPORT(graft_timer_init);

bool graft_timer_armed(const struct graft_timer *t)
{
	return t->slot != NOT_ARMED;
}
GRAFT_EXPORT(graft_timer_armed);

static int grow(void)
{
	uint32_t cap = capacity ? capacity * 2 : 64;
	struct graft_timer **h = realloc(heap, cap * sizeof(*h));

	if (!h)
		return GRAFT_ENOMEM;
	heap = h;
	capacity = cap;
	return 0;
}

void graft_timer_cancel(struct graft_timer *t)
{
	uint32_t i = t->slot;
	struct graft_timer *last;

	if (i == NOT_ARMED)
		return;
	t->slot = NOT_ARMED;
	last = heap[--count];
	if (i == count)
		return;
	place(i, last);
	if (i > 0 && before(last, heap[(i - 1) / 2]))
		sift_up(i);
	else
		sift_down(i);
}
GRAFT_EXPORT(graft_timer_cancel);

int graft_timer_arm(struct graft_timer *t, uint64_t deadline)
{
	graft_timer_cancel(t);
	if (count == capacity && grow() < 0)
		return GRAFT_ENOMEM;
	t->deadline = deadline;
	t->seq = next_seq++;
	place(count++, t);
	sift_up(t->slot);
	return 0;
}
GRAFT_EXPORT(graft_timer_arm);

unsigned timer_cancel_range(uintptr_t lo, uintptr_t hi)
{
	unsigned dropped = 0;

	/* Cancelling moves the last timer into slot i: look at i again. */
	for (uint32_t i = 0; i < count;) {
		uintptr_t t = (uintptr_t)heap[i], fn = (uintptr_t)heap[i]->fn;

		if ((t >= lo && t < hi) || (fn >= lo && fn < hi)) {
			graft_timer_cancel(heap[i]);
			dropped++;
			continue;
		}
		i++;
	}
	return dropped;
}

uint64_t graft_timers_next(void)
{
	return count ? heap[0]->deadline : UINT64_MAX;
}

/* Timers armed while this runs wait for the next call, even if already due,
 * so that a callback re-arming itself for "now" cannot starve the loop. */
unsigned graft_timers_run(uint64_t now)
{
	uint64_t limit = next_seq;
	unsigned ran = 0;

	while (count && heap[0]->deadline <= now && heap[0]->seq < limit) {
		struct graft_timer *t = heap[0];

		graft_timer_cancel(t);
		t->fn(t, t->arg);
		ran++;
	}
	return ran;
}
