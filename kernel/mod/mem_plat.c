/*
 * Module memory in the kernel: whole pages from the page allocator, their
 * protection set by the platform (which refuses W+X and, after seal, any
 * new executable page).  Hosted tests supply their own struct mod_mem_ops.
 */
#include <graft/heap.h>
#include <graft/platform.h>
#include "mod.h"

static void *plat_pages_alloc(size_t npages)
{
	return graft_page_alloc(npages);
}

static int plat_pages_protect(void *p, size_t len, int prot)
{
	return plat_mem_protect((uintptr_t)p, len, prot);
}

const struct mod_mem_ops mod_mem_platform = {
    .alloc = plat_pages_alloc,
    .free = graft_page_free,
    .protect = plat_pages_protect,
};
