/*
 * Splitting 2 MiB pages and changing 4 KiB ones (see x86_pages.h).  Every
 * change is split first and written second, so that running out of pool
 * leaves the tables as they were.  TLB maintenance is costly on hvt (each
 * operation is an exception into emulated ring 0, tens of microseconds):
 * entries that already hold the bits are skipped, and a change of more
 * than one page flushes the whole TLB once.
 */
#include <graft/error.h>
#include <graft/platform.h>
#include <abi/x86_pte.h>
#include "x86_pages.h"

uint64_t *x86_pd_entry(const struct x86_pages *pg, uintptr_t addr)
{
	uint64_t pdpte = pg->pdpt[(addr >> 30) & (X86_PT_ENTRIES - 1)];
	uint64_t *pd = (uint64_t *)(uintptr_t)(pdpte & X86_PTE_ADDR);

	return &pd[(addr >> 21) & (X86_PT_ENTRIES - 1)];
}

uint64_t *x86_pt_entry(struct x86_pages *pg, uintptr_t addr)
{
	uint64_t *pde = x86_pd_entry(pg, addr), *pt;

	if (*pde & X86_PTE_PS) {
		uint64_t flags = *pde & ~X86_PTE_ADDR & ~X86_PTE_PS;
		uint64_t base = *pde & X86_PTE_ADDR;

		if (pg->pool_used == pg->pool_pages)
			return NULL;
		pt = (uint64_t *)(pg->pool + pg->pool_used++ * X86_PAGE_SIZE);
		for (int i = 0; i < X86_PT_ENTRIES; i++)
			pt[i] = (base + i * X86_PAGE_SIZE) | flags;
		*pde = (uintptr_t)pt | pg->table_flags;
		x86_tlb_flush();
	}
	pt = (uint64_t *)(uintptr_t)(*pde & X86_PTE_ADDR);
	return &pt[(addr >> 12) & (X86_PT_ENTRIES - 1)];
}

int x86_pages_check(const struct x86_pages *pg, uintptr_t addr, size_t len,
		    int prot)
{
	if ((addr | len) & (X86_PAGE_SIZE - 1) || addr < pg->lo ||
	    addr > pg->hi || len > pg->hi - addr)
		return GRAFT_EINVAL;
	if ((prot & PLAT_PROT_WRITE) && (prot & PLAT_PROT_EXEC))
		return GRAFT_EINVAL;
	return 0;
}

int x86_pages_set(struct x86_pages *pg, uintptr_t addr, size_t len,
		  uint64_t flags)
{
	uintptr_t changed = 0, last = 0;

	for (uintptr_t a = addr; a < addr + len; a += X86_PAGE_SIZE)
		if (!x86_pt_entry(pg, a))
			return GRAFT_ENOMEM;
	for (uintptr_t a = addr; a < addr + len; a += X86_PAGE_SIZE) {
		uint64_t *pte = x86_pt_entry(pg, a);
		uint64_t want = (*pte & X86_PTE_ADDR) | flags;

		if (*pte == want)
			continue;
		*pte = want;
		changed++;
		last = a;
	}
	if (changed == 1)
		x86_tlb_invalidate(last);
	else if (changed > 1)
		x86_tlb_flush();
	return 0;
}

int x86_pages_protect(struct x86_pages *pg, uintptr_t addr, size_t len,
		      int prot)
{
	uint64_t flags = pg->page_flags;

	if (prot & PLAT_PROT_WRITE)
		flags |= X86_PTE_W;
	if (!(prot & PLAT_PROT_EXEC))
		flags |= X86_PTE_NX;
	if (!prot)
		flags &= ~X86_PTE_P;
	return x86_pages_set(pg, addr, len, flags);
}
