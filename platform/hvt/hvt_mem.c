/*
 * Page protection and seal on hvt.  The guest owns its page tables (built
 * by the tender, identity-mapped).  plat_mem_protect() changes 4 KiB pages,
 * splitting a 2 MiB page into a page table taken from a small pool reserved
 * at the start of the heap.  plat_seal() hands the tender every executable
 * page and every page-table page, which the tender then maps read-only in
 * the hypervisor: from then on no guest code, at any privilege level, can
 * change code or a mapping.
 */
#include <string.h>
#include <graft/error.h>
#include <graft/platform.h>
#include "hvt_guest.h"

#define PTE_P	 (1ULL << 0)
#define PTE_W	 (1ULL << 1)
#define PTE_U	 (1ULL << 2)
#define PTE_A	 (1ULL << 5)
#define PTE_D	 (1ULL << 6)
#define PTE_PS	 (1ULL << 7)
#define PTE_NX	 (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

#define POOL_PAGES 32

static uintptr_t pool_start;
static unsigned pool_used;
static uintptr_t heap_lo;
static uint64_t mem_top;
static int sealed;

void hvt_mem_init(uintptr_t *heap_start, uint64_t mem_size)
{
	pool_start = *heap_start;
	*heap_start += POOL_PAGES * PLAT_PAGE_SIZE;
	heap_lo = *heap_start;
	mem_top = mem_size - HVT_STACK_SIZE;
}

static uint64_t *pd_entry(uintptr_t addr)
{
	uint64_t *pdpt = (uint64_t *)HVT_PDPT_ADDR;
	uint64_t *pd = (uint64_t *)(uintptr_t)(pdpt[addr >> 30] & PTE_ADDR);

	return &pd[(addr >> 21) & 511];
}

/* The 4 KiB entry for addr, splitting its 2 MiB page if need be. */
static uint64_t *pt_entry(uintptr_t addr)
{
	uint64_t *pde = pd_entry(addr), *pt;

	if (*pde & PTE_PS) {
		uint64_t flags = *pde & ~PTE_ADDR & ~PTE_PS;
		uint64_t base = *pde & PTE_ADDR;

		if (pool_used == POOL_PAGES)
			return NULL;
		pt = (uint64_t *)(pool_start + pool_used++ * PLAT_PAGE_SIZE);
		for (int i = 0; i < 512; i++)
			pt[i] = (base + i * PLAT_PAGE_SIZE) | flags;
		*pde = (uintptr_t)pt | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D;
		hvt_flush_tlb();
	}
	pt = (uint64_t *)(uintptr_t)(*pde & PTE_ADDR);
	return &pt[(addr >> 12) & 511];
}

int plat_mem_protect(uintptr_t addr, size_t len, int prot)
{
	uint64_t flags = PTE_P | PTE_U | PTE_A | PTE_D;

	if (sealed)
		return GRAFT_ESEALED;
	if ((addr | len) & (PLAT_PAGE_SIZE - 1) || addr < heap_lo ||
	    addr > mem_top || len > mem_top - addr)
		return GRAFT_EINVAL;
	if ((prot & PLAT_PROT_WRITE) && (prot & PLAT_PROT_EXEC))
		return GRAFT_EINVAL;
	if (prot & PLAT_PROT_WRITE)
		flags |= PTE_W;
	if (!(prot & PLAT_PROT_EXEC))
		flags |= PTE_NX;
	if (!prot)
		flags &= ~PTE_P;
	/* Split first, so that running out of pool changes nothing. */
	for (uintptr_t a = addr; a < addr + len; a += PLAT_PAGE_SIZE)
		if (!pt_entry(a))
			return GRAFT_ENOMEM;
	/* Each trip through the TLB gate is an exception into emulated ring
	 * 0, tens of microseconds: skip entries that already say this, and
	 * flush everything once rather than page by page. */
	uintptr_t changed = 0, last = 0;

	for (uintptr_t a = addr; a < addr + len; a += PLAT_PAGE_SIZE) {
		uint64_t *pte = pt_entry(a), want = (*pte & PTE_ADDR) | flags;

		if (*pte == want)
			continue;
		*pte = want;
		changed++;
		last = a;
	}
	if (changed == 1)
		hvt_invlpg(last);
	else if (changed > 1)
		hvt_flush_tlb();
	return 0;
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

/* Executable 4 KiB pages below mem_top, in address order. */
static int add_exec_pages(struct ranges *rs, uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to;) {
		uint64_t pde = *pd_entry(a), *pt;
		int rc;

		if (!(pde & PTE_P) || (pde & PTE_PS)) {
			if ((pde & PTE_P) && !(pde & PTE_NX))
				return GRAFT_ENOTSUP; /* never made by us */
			a = (a | ((2UL << 20) - 1)) + 1;
			continue;
		}
		pt = (uint64_t *)(uintptr_t)(pde & PTE_ADDR);
		for (int i = (a >> 12) & 511; i < 512 && a < to;
		     i++, a += PLAT_PAGE_SIZE) {
			if ((pt[i] & PTE_P) && !(pt[i] & PTE_NX)) {
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
		rc = add_exec_pages(&rs, HVT_IMAGE_BASE, pool_start);
	if (!rc)
		rc = add_range(&rs, pool_start,
			       pool_start + POOL_PAGES * PLAT_PAGE_SIZE);
	if (!rc)
		rc = add_exec_pages(&rs, heap_lo, mem_top);
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
