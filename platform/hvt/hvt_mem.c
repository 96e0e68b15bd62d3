/*
 * Page protection and seal on hvt.  The guest owns its page tables (built
 * by the tender, identity-mapped).  plat_mem_protect() changes 4 KiB pages,
 * splitting a 2 MiB page into a page table taken from a small pool reserved
 * at the start of the heap (platform/x86/x86_pages.c; the TLB hooks go
 * through the TLB gate).  plat_seal() hands the tender every executable
 * page and every page-table page, which the tender then maps read-only in
 * the hypervisor: from then on no guest code, at any privilege level, can
 * change code or a mapping.
 */
#include <graft/error.h>
#include <graft/platform.h>
#include <abi/x86_pte.h>
#include "hvt_guest.h"
#include "../x86/x86_pages.h"

#define POOL_PAGES 32

static struct x86_pages pages;
static int sealed;

void hvt_mem_init(uintptr_t *heap_start, uint64_t mem_size)
{
	pages.pdpt = (uint64_t *)HVT_PDPT_ADDR;
	pages.pool = *heap_start;
	pages.pool_pages = POOL_PAGES;
	*heap_start += POOL_PAGES * PLAT_PAGE_SIZE;
	pages.lo = *heap_start;
	pages.hi = mem_size - HVT_STACK_SIZE;
	/* As the tender's: every page user-accessible (the kernel runs in
	 * ring 3), accessed and dirty preset (see include/abi/hvt.h). */
	pages.table_flags =
	    X86_PTE_P | X86_PTE_W | X86_PTE_U | X86_PTE_A | X86_PTE_D;
	pages.page_flags = X86_PTE_P | X86_PTE_U | X86_PTE_A | X86_PTE_D;
}

/* TLB maintenance from ring 3, through the gate in hvt_start.S. */
void x86_tlb_invalidate(uintptr_t addr)
{
	__asm__ __volatile__("call hvt_tlb_gate"
			     : "+a"((uint64_t){1})
			     : "D"(addr)
			     : "memory");
}

void x86_tlb_flush(void)
{
	__asm__ __volatile__("call hvt_tlb_gate"
			     : "+a"((uint64_t){2})
			     :
			     : "memory");
}

int plat_mem_protect(uintptr_t addr, size_t len, int prot)
{
	int rc;

	if (sealed)
		return GRAFT_ESEALED;
	rc = x86_pages_check(&pages, addr, len, prot);
	if (rc)
		return rc;
	return x86_pages_protect(&pages, addr, len, prot);
}

struct ranges {
	uint64_t r[2 * HVT_SEAL_MAX_RANGES];
	unsigned n;
};

static int add_range(struct ranges *rs, uint64_t start, uint64_t end)
{
	if (rs->n && rs->r[2 * rs->n - 1] == start) {
		rs->r[2 * rs->n - 1] = end;
		return 0;
	}
	if (rs->n == HVT_SEAL_MAX_RANGES)
		return GRAFT_ENOMEM;
	rs->r[2 * rs->n] = start;
	rs->r[2 * rs->n + 1] = end;
	rs->n++;
	return 0;
}

/* Executable 4 KiB pages in [from, to), in address order. */
static int add_exec_pages(struct ranges *rs, uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to;) {
		uint64_t pde = *x86_pd_entry(&pages, a), *pt;
		int rc;

		if (!(pde & X86_PTE_P) || (pde & X86_PTE_PS)) {
			if ((pde & X86_PTE_P) && !(pde & X86_PTE_NX))
				return GRAFT_ENOTSUP; /* never made by us */
			a = (a | (X86_LARGE_SIZE - 1)) + 1;
			continue;
		}
		pt = (uint64_t *)(uintptr_t)(pde & X86_PTE_ADDR);
		for (int i = (a >> 12) & 511; i < X86_PT_ENTRIES && a < to;
		     i++, a += PLAT_PAGE_SIZE) {
			if ((pt[i] & X86_PTE_P) && !(pt[i] & X86_PTE_NX)) {
				rc = add_range(rs, a, a + PLAT_PAGE_SIZE);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

int plat_seal(void)
{
	static struct ranges rs;
	struct hvt_hc_seal a;
	int rc;

	if (sealed)
		return GRAFT_ESEALED;
	rs.n = 0;
	/* Page tables: the tender's (GDT page up to the boot information),
	 * the image's, then the split pool; executable pages in between and
	 * after, all in address order as the tender requires. */
	rc = add_range(&rs, HVT_GDT_ADDR, HVT_BOOT_INFO_ADDR);
	if (!rc)
		rc = add_range(&rs, HVT_PT_IMAGE_ADDR,
			       HVT_PT_IMAGE_ADDR +
				   HVT_PT_IMAGE_MAX * PLAT_PAGE_SIZE);
	if (!rc)
		rc = add_exec_pages(&rs, HVT_IMAGE_BASE, pages.pool);
	if (!rc)
		rc = add_range(&rs, pages.pool,
			       pages.pool + POOL_PAGES * PLAT_PAGE_SIZE);
	if (!rc)
		rc = add_exec_pages(&rs, pages.lo, pages.hi);
	if (rc)
		return rc;
	a.ranges = (uintptr_t)rs.r;
	a.nranges = rs.n;
	a.ret = GRAFT_EIO;
	hvt_hypercall(HVT_HC_SEAL, &a);
	if (a.ret == 0)
		sealed = 1;
	return a.ret;
}
