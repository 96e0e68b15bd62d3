/*
 * Module memory in the kernel: whole pages from the page allocator, their
 * protection set by the platform (which refuses W+X and, after seal, any
 * new executable page).  Hosted tests supply their own struct mod_mem_ops.
 */
#include <graft/heap.h>
#include <graft/platform.h>
#include <graft/log.h>

#include "../kfault.h"
#include "../krange.h"
#include "mod.h"

static void *plat_pages_alloc(size_t npages)
{
	return graft_page_alloc(npages);
}

/* Before the pages go back: nothing in the kernel may point into them. */
static void plat_pages_free(void *p, size_t npages)
{
	uintptr_t lo = (uintptr_t)p, hi = lo + npages * PLAT_PAGE_SIZE;
	unsigned fibers = fiber_end_range(lo, hi);
	unsigned timers = timer_cancel_range(lo, hi);
	unsigned devices = device_unregister_range(lo, hi);

	if (fibers || timers || devices)
		graft_log(GRAFT_LOG_INFO, "mod",
			  "unloaded module left %u fibers, %u timers, %u "
			  "devices behind: dropped",
			  fibers, timers, devices);
	graft_page_free(p, npages);
}

static int plat_pages_protect(void *p, size_t len, int prot)
{
	return plat_mem_protect((uintptr_t)p, len, prot);
}

const struct mod_mem_ops mod_mem_platform = {
    .alloc = plat_pages_alloc,
    .free = plat_pages_free,
    .protect = plat_pages_protect,
    .guard = kfault_call,
};
