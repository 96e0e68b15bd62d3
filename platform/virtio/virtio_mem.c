/*
 * Page protection and seal on virtio.  The guest owns its page tables
 * (virtio_start.S: identity, 4 GiB, 2 MiB pages but for the first 2 MiB)
 * and runs in ring 0 with CR0.WP set, so read-only pages hold against the
 * kernel too.  At boot, virtio_mem_init() maps the image W^X (text
 * read+execute, everything else no-execute, read-only data read-only) and
 * every other page no-execute.  plat_mem_protect() changes 4 KiB pages of
 * the heap, splitting a 2 MiB page into a page table from a pool at the
 * heap's start (platform/x86/x86_pages.c).
 *
 * plat_seal() refuses, from then on, any executable page and any change to
 * a page that is executable: code stays read-only.  This is weaker than
 * hvt's seal: there the hypervisor maps code and page tables read-only,
 * out of the guest's reach; here the page tables are the guest's own, so
 * code already running in ring 0 could rewrite them (or clear CR0.WP).
 * It stops stray writes and graft's own loader, not a hostile guest.
 */
#include <graft/error.h>
#include <graft/platform.h>
#include <abi/x86_pte.h>
#include "virtio_guest.h"
#include "../x86/x86_pages.h"

#define POOL_PAGES 64

extern char __rodata_end[];

static struct x86_pages pages = {
    .pdpt = virtio_pdpt,
    .pool_pages = POOL_PAGES,
    .table_flags = X86_PTE_P | X86_PTE_W,
    .page_flags = X86_PTE_P,
};
static int sealed;

void x86_tlb_invalidate(uintptr_t addr)
{
	__asm__ __volatile__("invlpg (%0)" ::"r"(addr) : "memory");
}

void x86_tlb_flush(void)
{
	uint64_t cr3;

	__asm__ __volatile__("mov %%cr3, %0; mov %0, %%cr3"
			     : "=r"(cr3)::"memory");
}

/* Every page but text's no-execute: 2 MiB pages whole, the ones split
 * (the first 2 MiB, and any the image reaches into) page by page. */
static void no_exec_but(uintptr_t text, uintptr_t etext)
{
	for (uintptr_t i = 0; i < 4 * X86_PT_ENTRIES; i++) {
		uint64_t *pt;

		if (virtio_pd[i] & X86_PTE_PS) {
			virtio_pd[i] |= X86_PTE_NX;
			continue;
		}
		pt = (uint64_t *)(uintptr_t)(virtio_pd[i] & X86_PTE_ADDR);
		for (uintptr_t j = 0; j < X86_PT_ENTRIES; j++) {
			uintptr_t a = i * X86_LARGE_SIZE + j * X86_PAGE_SIZE;

			if (a < text || a >= etext)
				pt[j] |= X86_PTE_NX;
		}
	}
}

void virtio_mem_init(uintptr_t *heap_start, uintptr_t heap_end)
{
	uintptr_t text = (uintptr_t)_stext, etext = (uintptr_t)_etext;
	uintptr_t rodata_end = (uintptr_t)__rodata_end;

	pages.pool = *heap_start;
	*heap_start += POOL_PAGES * PLAT_PAGE_SIZE;
	pages.lo = *heap_start;
	pages.hi = heap_end;
	/* Text first, then no-execute around it: this code runs from text,
	 * and a page of it not yet in the TLB must never be seen
	 * no-execute. */
	if (x86_pages_set(&pages, text, etext - text, X86_PTE_P) ||
	    x86_pages_set(&pages, etext, rodata_end - etext,
			  X86_PTE_P | X86_PTE_NX))
		plat_abort("virtio: no page tables left to map the image W^X");
	no_exec_but(text, etext);
	x86_tlb_flush();
}

/* Whether any page of [addr, addr + len) is executable now. */
static int any_exec(uintptr_t addr, size_t len)
{
	for (uintptr_t a = addr; a < addr + len; a += PLAT_PAGE_SIZE) {
		uint64_t pde = *x86_pd_entry(&pages, a), e = pde;

		if (!(pde & X86_PTE_PS))
			e = ((uint64_t *)(uintptr_t)(pde & X86_PTE_ADDR))
			    [(a >> 12) & (X86_PT_ENTRIES - 1)];
		if ((e & X86_PTE_P) && !(e & X86_PTE_NX))
			return 1;
	}
	return 0;
}

int plat_mem_protect(uintptr_t addr, size_t len, int prot)
{
	int rc = x86_pages_check(&pages, addr, len, prot);

	if (rc)
		return rc;
	if (sealed && ((prot & PLAT_PROT_EXEC) || any_exec(addr, len)))
		return GRAFT_ESEALED;
	return x86_pages_protect(&pages, addr, len, prot);
}

int plat_seal(void)
{
	if (sealed)
		return GRAFT_ESEALED;
	sealed = 1;
	return 0;
}
