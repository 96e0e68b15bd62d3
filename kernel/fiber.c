/*
 * Cooperative fibers and the event loop.
 *
 * The loop runs on the boot stack (the scheduler context); each fiber runs
 * on its own stack and comes back to the loop with fiber_switch whenever it
 * yields, blocks or ends.  Invariants:
 *   - a fiber is in exactly one of: running (current), the run queue,
 *     a wait queue (maybe with its deadline timer armed), or dead;
 *   - only the scheduler frees a dead fiber's stack, never the fiber itself;
 *   - dev_watch has bit h set while fibers wait on device h.
 *
 * A stack is one allocation: a guard page at the bottom (unmapped through
 * plat_mem_protect where the platform can, else filled with a canary that
 * is checked after every switch), the stack, and the struct graft_fiber at
 * its top.  Stacks of ended fibers are kept in a small cache, so spawning
 * rarely costs a page-table change.
 */
#include <stdbool.h>
#include <string.h>

#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/log.h>
#include <graft/time.h>
#include <graft/timer.h>

#include "kfiber.h"
#include "kheap.h"
#include "krange.h"
#include <graft/module.h>

#define PAGE		PLAT_PAGE_SIZE
#define CANARY_WORDS	8
#define CANARY		0x6772616674c0ffeeULL
#define STACK_CACHE_MAX 32
/* While there is more to run at once, the loop flushes and looks at the
 * devices at most this often: on hvt each is an exit to the tender (tens
 * of microseconds), and the work that input woke mostly ends sooner. */
#define BUSY_POLL_NS  (1000 * 1000)
#define MXCSR_DEFAULT 0x1f80
#define FCW_DEFAULT   0x037f

enum fiber_state { F_RUNNABLE, F_RUNNING, F_WAITING, F_DEAD };

struct graft_fiber {
	uint64_t rsp; /* saved while not running */
	enum fiber_state state;
	graft_fiber_fn fn;
	void *arg;
	struct graft_fiber *anext, *aprev; /* every live fiber */
	struct graft_fiber *rnext;	   /* run queue */
	struct graft_fiber *wnext, *wprev; /* wait queue */
	struct graft_waitq *waitq;
	struct graft_timer timer; /* the deadline of a wait */
	int wait_result;
	uintptr_t stack_lo, stack_hi;
	void *mem; /* guard page + stack */
	size_t pages;
	bool guarded; /* guard page unmapped */
	char name[24];
};

/* A cached stack: the memory of an ended fiber, guard state kept. */
struct stack_cache_entry {
	struct stack_cache_entry *next;
	size_t pages;
	bool guarded;
};

void fiber_switch(uint64_t *save_rsp, uint64_t new_rsp);
void fiber_trampoline(void);
void fiber_main(struct graft_fiber *f) __attribute__((noreturn));

static struct graft_fiber *current;
static uint64_t sched_rsp;
static struct graft_fiber *runq_head, *runq_tail;
static struct graft_fiber *all_fibers;
static unsigned runq_len, live_fibers;
static bool loop_stopped;
static struct graft_waitq dev_q[PLAT_MAX_DEVICES];
static plat_handle_set_t dev_watch;
static struct stack_cache_entry *stack_cache;
static unsigned stack_cache_len;
static uintptr_t boot_stack_top;

/* ---- run queue ---- */

static void runq_push(struct graft_fiber *f)
{
	f->state = F_RUNNABLE;
	f->rnext = NULL;
	if (runq_tail)
		runq_tail->rnext = f;
	else
		runq_head = f;
	runq_tail = f;
	runq_len++;
}

static struct graft_fiber *runq_pop(void)
{
	struct graft_fiber *f = runq_head;

	if (!f)
		return NULL;
	runq_head = f->rnext;
	if (!runq_head)
		runq_tail = NULL;
	runq_len--;
	return f;
}

/* ---- stacks ---- */

static uint64_t *canary_words(struct graft_fiber *f)
{
	return (uint64_t *)f->stack_lo - CANARY_WORDS;
}

/* The memory of a cached stack starts one page below its entry (the entry
 * sits in the first stack page, above the guard). */
static void *stack_get(size_t pages, bool *guarded)
{
	struct stack_cache_entry **pp, *e;
	void *mem;

	for (pp = &stack_cache; (e = *pp); pp = &e->next) {
		if (e->pages != pages)
			continue;
		*pp = e->next;
		stack_cache_len--;
		*guarded = e->guarded;
		return (char *)e - PAGE;
	}
	mem = heap_pages_alloc(pages);
	if (!mem)
		return NULL;
	*guarded = plat_mem_protect((uintptr_t)mem, PAGE, 0) == 0;
	return mem;
}

static void stack_put(void *mem, size_t pages, bool guarded)
{
	struct stack_cache_entry *e;

	if (stack_cache_len >= STACK_CACHE_MAX &&
	    (!guarded ||
	     plat_mem_protect((uintptr_t)mem, PAGE,
			      PLAT_PROT_READ | PLAT_PROT_WRITE) == 0)) {
		heap_pages_free(mem, pages);
		return;
	}
	/* Cache it; also when the guard cannot be lifted (after seal): such
	 * a stack is only ever reused, never given back. */
	e = (struct stack_cache_entry *)((char *)mem + PAGE);
	e->pages = pages;
	e->guarded = guarded;
	e->next = stack_cache;
	stack_cache = e;
	stack_cache_len++;
}

/* ---- fibers ---- */

static void fiber_timeout(struct graft_timer *t, void *arg);

static void copy_name(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

int graft_fiber_spawn(const char *name, graft_fiber_fn fn, void *arg,
		      size_t stack_size, struct graft_fiber **out)
{
	size_t stack_pages, pages;
	bool guarded;
	struct graft_fiber *f;
	uint64_t *sp;
	void *mem;

	if (!fn)
		return GRAFT_EINVAL;
	if (stack_size == 0)
		stack_size = GRAFT_FIBER_STACK_DEFAULT;
	stack_pages = (stack_size + PAGE - 1) / PAGE;
	pages = stack_pages + 1;
	mem = stack_get(pages, &guarded);
	if (!mem)
		return GRAFT_ENOMEM;
	f = (struct graft_fiber *)((uintptr_t)mem + pages * PAGE - sizeof(*f));
	f = (struct graft_fiber *)((uintptr_t)f & ~(uintptr_t)63);
	memset(f, 0, sizeof(*f));
	f->mem = mem;
	f->pages = pages;
	f->guarded = guarded;
	f->fn = fn;
	f->arg = arg;
	f->stack_lo = (uintptr_t)mem + PAGE;
	f->stack_hi = (uintptr_t)f;
	copy_name(f->name, name ? name : "fiber", sizeof(f->name));
	graft_timer_init(&f->timer, fiber_timeout, f);
	if (!guarded)
		for (int i = 0; i < CANARY_WORDS; i++)
			canary_words(f)[i] = CANARY;
	/* The frame fiber_switch pops (see fiber_switch_x86_64.S). */
	sp = (uint64_t *)f->stack_hi;
	*--sp = 0;			    /* padding */
	*--sp = (uint64_t)fiber_trampoline; /* return address */
	*--sp = 0;			    /* rbp */
	*--sp = 0;			    /* rbx */
	*--sp = (uint64_t)f;		    /* r12 */
	*--sp = 0;			    /* r13 */
	*--sp = 0;			    /* r14 */
	*--sp = 0;			    /* r15 */
	*--sp = (uint64_t)FCW_DEFAULT << 32 | MXCSR_DEFAULT;
	f->rsp = (uint64_t)sp;
	f->anext = all_fibers;
	if (all_fibers)
		all_fibers->aprev = f;
	all_fibers = f;
	live_fibers++;
	runq_push(f);
	if (out)
		*out = f;
	return 0;
}
GRAFT_EXPORT(graft_fiber_spawn);

struct graft_fiber *graft_fiber_self(void)
{
	return current;
}
GRAFT_EXPORT(graft_fiber_self);

const char *graft_fiber_name(const struct graft_fiber *f)
{
	return f ? f->name : "loop";
}
GRAFT_EXPORT(graft_fiber_name);

unsigned graft_fiber_count(void)
{
	return live_fibers;
}

/* Back to the scheduler; returns when the scheduler runs us again. */
static void schedule(void)
{
	struct graft_fiber *f = current;

	fiber_switch(&f->rsp, sched_rsp);
}

void fiber_main(struct graft_fiber *f)
{
	f->fn(f->arg);
	f->state = F_DEAD;
	schedule();
	graft_panic("fiber '%s' resumed after it ended", f->name);
}

static void check_canary(struct graft_fiber *f)
{
	if (f->guarded)
		return;
	for (int i = 0; i < CANARY_WORDS; i++)
		if (canary_words(f)[i] != CANARY)
			graft_panic("fiber '%s' overflowed its stack", f->name);
}

static void fiber_free(struct graft_fiber *f)
{
	if (f->aprev)
		f->aprev->anext = f->anext;
	else
		all_fibers = f->anext;
	if (f->anext)
		f->anext->aprev = f->aprev;
	live_fibers--;
	stack_put(f->mem, f->pages, f->guarded);
}

static void run_fiber(struct graft_fiber *f)
{
	current = f;
	f->state = F_RUNNING;
	fiber_switch(&sched_rsp, f->rsp);
	current = NULL;
	check_canary(f);
	if (f->state == F_DEAD)
		fiber_free(f);
}

void graft_fiber_yield(void)
{
	if (!current)
		return;
	runq_push(current);
	schedule();
}
GRAFT_EXPORT(graft_fiber_yield);

/* ---- wait queues ---- */

static void waitq_append(struct graft_waitq *q, struct graft_fiber *f)
{
	f->waitq = q;
	f->wnext = NULL;
	f->wprev = q->tail;
	if (q->tail)
		q->tail->wnext = f;
	else
		q->head = f;
	q->tail = f;
}

static void waitq_remove(struct graft_fiber *f)
{
	struct graft_waitq *q = f->waitq;

	if (f->wprev)
		f->wprev->wnext = f->wnext;
	else
		q->head = f->wnext;
	if (f->wnext)
		f->wnext->wprev = f->wprev;
	else
		q->tail = f->wprev;
	f->waitq = NULL;
}

static void wake(struct graft_fiber *f, int result)
{
	waitq_remove(f);
	graft_timer_cancel(&f->timer);
	f->wait_result = result;
	runq_push(f);
}

static void fiber_timeout(struct graft_timer *t, void *arg)
{
	wake(arg, GRAFT_ETIMEDOUT);
}

int graft_wait(struct graft_waitq *q, uint64_t deadline)
{
	struct graft_fiber *f = current;

	if (!f)
		graft_panic("graft_wait called outside a fiber");
	if (deadline != GRAFT_FOREVER) {
		if (deadline <= graft_now())
			return GRAFT_ETIMEDOUT;
		if (graft_timer_arm(&f->timer, deadline) < 0)
			return GRAFT_ENOMEM;
	}
	waitq_append(q, f);
	f->state = F_WAITING;
	schedule();
	return f->wait_result;
}
GRAFT_EXPORT(graft_wait);

void graft_wake_one(struct graft_waitq *q)
{
	if (q->head)
		wake(q->head, 0);
}
GRAFT_EXPORT(graft_wake_one);

void graft_wake_all(struct graft_waitq *q)
{
	while (q->head)
		wake(q->head, 0);
}
GRAFT_EXPORT(graft_wake_all);

void graft_sleep_until(uint64_t deadline)
{
	struct graft_waitq q = GRAFT_WAITQ_INIT;

	if (deadline <= graft_now()) {
		graft_fiber_yield();
		return;
	}
	while (graft_wait(&q, deadline) == GRAFT_ENOMEM)
		graft_fiber_yield();
}
GRAFT_EXPORT(graft_sleep_until);

void graft_sleep_ns(uint64_t ns)
{
	uint64_t now = graft_now();

	graft_sleep_until(ns > GRAFT_FOREVER - now ? GRAFT_FOREVER : now + ns);
}
GRAFT_EXPORT(graft_sleep_ns);

int graft_wait_device(plat_handle_t h, uint64_t deadline)
{
	int rc;

	if (h >= PLAT_MAX_DEVICES)
		return GRAFT_EBADF;
	dev_watch |= (plat_handle_set_t)1 << h;
	rc = graft_wait(&dev_q[h], deadline);
	if (!dev_q[h].head)
		dev_watch &= ~((plat_handle_set_t)1 << h);
	return rc;
}
GRAFT_EXPORT(graft_wait_device);

/* ---- ending fibers from outside ---- */

static void runq_remove(struct graft_fiber *f)
{
	struct graft_fiber **pp = &runq_head, *prev = NULL;

	while (*pp && *pp != f) {
		prev = *pp;
		pp = &(*pp)->rnext;
	}
	if (!*pp)
		return;
	*pp = f->rnext;
	if (runq_tail == f)
		runq_tail = prev;
	runq_len--;
}

/* End f, which is not running: out of its queue, its stack freed. */
static void fiber_end(struct graft_fiber *f)
{
	struct graft_waitq *q = f->waitq;

	if (f->state == F_RUNNABLE)
		runq_remove(f);
	if (q) {
		waitq_remove(f);
		if (q >= dev_q && q < dev_q + PLAT_MAX_DEVICES && !q->head)
			dev_watch &= ~((plat_handle_set_t)1 << (q - dev_q));
	}
	graft_timer_cancel(&f->timer);
	f->state = F_DEAD;
	fiber_free(f);
}

unsigned fiber_end_range(uintptr_t lo, uintptr_t hi)
{
	struct graft_fiber *f = all_fibers, *next;
	unsigned ended = 0;

	for (; f; f = next) {
		next = f->anext;
		if (f == current || (uintptr_t)f->fn < lo ||
		    (uintptr_t)f->fn >= hi)
			continue;
		graft_log(GRAFT_LOG_WARN, "fiber",
			  "ending fiber '%s': its "
			  "module is gone",
			  f->name);
		fiber_end(f);
		ended++;
	}
	return ended;
}

/* ---- the loop ---- */

static void (*turn_end)(bool yielding);

/* Yield to the platform until deadline or input on a watched device, then
 * wake the fibers waiting on the devices that have some. */
static void poll_devices(uint64_t deadline)
{
	plat_handle_set_t ready = dev_watch;

	plat_yield(deadline, &ready);
	ready &= dev_watch;
	while (ready) {
		unsigned h = __builtin_ctzll(ready);

		ready &= ready - 1;
		graft_wake_all(&dev_q[h]);
		dev_watch &= ~((plat_handle_set_t)1 << h);
	}
}

/* Run each fiber that was runnable when the round began, once (fewer if
 * fiber_end_range took some out meanwhile). */
static void run_round(void)
{
	struct graft_fiber *f;

	for (unsigned n = runq_len; n && !loop_stopped && (f = runq_pop()); n--)
		run_fiber(f);
}

void fiber_set_turn_end(void (*fn)(bool yielding))
{
	turn_end = fn;
}

static void end_turn(bool yielding)
{
	if (turn_end)
		turn_end(yielding);
}

/* Each turn runs the due timers and a round of fibers.  The loop talks to
 * the platform (end_turn's flush, then a look at the devices) only before
 * it sleeps, and, while there is more to run at once, at most every
 * BUSY_POLL_NS: the frames of a busy stretch of rounds leave together,
 * in the yield itself where one follows (end_turn(true)). */
void graft_loop_run(void)
{
	uint64_t next, now, polled = 0;

	if (current)
		graft_panic("graft_loop_run called from fiber '%s'",
			    current->name);
	loop_stopped = false;
	while (!loop_stopped) {
		now = graft_now();
		if (!polled)
			polled = now;
		graft_timers_run(now);
		run_round();
		if (loop_stopped)
			break;
		next = runq_head ? now : graft_timers_next();
		if (runq_head || next <= graft_now()) {
			/* Busy fibers must not starve device waiters. */
			if (now - polled >= BUSY_POLL_NS) {
				end_turn(dev_watch != 0);
				if (dev_watch)
					poll_devices(0);
				polled = now;
			}
			continue;
		}
		if (next == GRAFT_FOREVER && !dev_watch)
			break; /* nothing can ever run again */
		end_turn(true);
		poll_devices(next);
		polled = 0; /* stamped by the next turn's clock */
	}
	end_turn(false);
}

void graft_loop_stop(void)
{
	loop_stopped = true;
}

/* ---- stacks, for backtraces ---- */

void fiber_set_boot_stack_top(uintptr_t top)
{
	boot_stack_top = top;
}

int fiber_stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
	if (current) {
		*lo = current->stack_lo;
		*hi = current->stack_hi;
		return 0;
	}
	if (!boot_stack_top)
		return -1;
	*lo = (uintptr_t)__builtin_frame_address(0);
	*hi = boot_stack_top;
	return 0;
}
