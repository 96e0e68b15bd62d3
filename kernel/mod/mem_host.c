/*
 * Module memory in hosted programs (tests, benchmarks): whole pages from
 * mmap, protected with mprotect.  The kernel's counterpart is mem_plat.c.
 */
#include <sys/mman.h>
#include <graft/error.h>
#include <graft/platform.h>
#include "mod.h"

static void *host_pages_alloc(size_t npages)
{
	void *p = mmap(NULL, npages * PLAT_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void host_pages_free(void *p, size_t npages)
{
	munmap(p, npages * PLAT_PAGE_SIZE);
}

static int host_pages_protect(void *p, size_t len, int prot)
{
	int host = (prot & PLAT_PROT_READ ? PROT_READ : 0) |
		   (prot & PLAT_PROT_WRITE ? PROT_WRITE : 0) |
		   (prot & PLAT_PROT_EXEC ? PROT_EXEC : 0);

	if ((prot & PLAT_PROT_WRITE) && (prot & PLAT_PROT_EXEC))
		return GRAFT_EINVAL;
	return mprotect(p, len, host) ? GRAFT_EINVAL : 0;
}

const struct mod_mem_ops mod_mem_host = {
    .alloc = host_pages_alloc,
    .free = host_pages_free,
    .protect = host_pages_protect,
};
