/*
 * Fault containment for module entry points (see kfault.h).
 *
 * kernel_fault() runs on the platform's fault path: a signal handler on
 * unix, ring 0 on hvt, where a KVM without hardware virtualization cannot
 * run SSE code.  So this file is built with -mgeneral-regs-only and
 * kernel_fault() only copies numbers; the text is formatted by
 * kfault_call() once the fiber has resumed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/platform.h>

#include "kfault.h"

struct kfault_regs {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

struct kfault_guard {
	struct kfault_regs regs; /* first: kfault_enter stores here */
	struct kfault_guard *prev;
	struct graft_fiber *fiber;
	struct plat_fault fault; /* what kernel_fault saw */
	bool faulted;
};

int kfault_enter(struct kfault_guard *g, int (*fn)(void *), void *arg);

static struct kfault_guard *guard;

int kernel_fault(struct plat_fault *f)
{
	struct kfault_guard *g = guard;

	/* Only the fiber that entered the guard, and only while it runs
	 * below the guard's frame. */
	if (!g || g->faulted || g->fiber != graft_fiber_self() ||
	    f->rsp >= g->regs.rsp)
		return 0;
	g->faulted = true;
	g->fault = *f;
	f->rbx = g->regs.rbx;
	f->rbp = g->regs.rbp;
	f->r12 = g->regs.r12;
	f->r13 = g->regs.r13;
	f->r14 = g->regs.r14;
	f->r15 = g->regs.r15;
	f->rsp = g->regs.rsp;
	f->rip = g->regs.rip;
	f->rax = (uint64_t)(int64_t)GRAFT_ETRAP;
	return 1;
}

int kfault_call(int (*fn)(void *), void *arg, int *ret, char *why,
		size_t whylen)
{
	struct kfault_guard g = {.prev = guard, .fiber = graft_fiber_self()};
	int rc;

	guard = &g;
	rc = kfault_enter(&g, fn, arg);
	guard = g.prev;
	if (!g.faulted) {
		*ret = rc;
		return 0;
	}
	if (g.fault.kind == PLAT_FAULT_PAGE)
		snprintf(why, whylen, "%s at %#llx (%s), rip %#llx",
			 g.fault.what, (unsigned long long)g.fault.addr,
			 g.fault.write ? "write" : "read",
			 (unsigned long long)g.fault.rip);
	else
		snprintf(why, whylen, "%s, rip %#llx", g.fault.what,
			 (unsigned long long)g.fault.rip);
	*ret = GRAFT_ETRAP;
	return GRAFT_ETRAP;
}
