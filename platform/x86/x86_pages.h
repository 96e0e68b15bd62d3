/*
 * 4 KiB page protection over an identity map of 2 MiB pages, shared by
 * the hvt and virtio platforms: a 2 MiB page is split into a page table
 * taken from a small pool of pages the target sets aside (at its heap's
 * start), the first time one of its 4 KiB pages is changed.  Split tables
 * are never merged back.  The target owns the tables and says, in struct
 * x86_pages, where they are and which bits its entries carry; it provides
 * the two TLB hooks at the end.
 */
#ifndef GRAFT_PLATFORM_X86_PAGES_H
#define GRAFT_PLATFORM_X86_PAGES_H

#include <stddef.h>
#include <stdint.h>

struct x86_pages {
	uint64_t *pdpt; /* the map's PDPT (PML4 entry 0) */
	uintptr_t pool; /* pool_pages pages for split tables */
	unsigned pool_pages;
	unsigned pool_used;
	uintptr_t lo, hi;     /* what x86_pages_protect may change */
	uint32_t table_flags; /* a PD entry's bits over a split table */
	uint32_t page_flags;  /* a present page's bits, but W and NX */
};

/* x86_pd_entry - the PD entry mapping addr. */
uint64_t *x86_pd_entry(const struct x86_pages *pg, uintptr_t addr);

/* x86_pt_entry - the 4 KiB entry mapping addr, splitting its 2 MiB page
 * first if need be; NULL when the pool is used up. */
uint64_t *x86_pt_entry(struct x86_pages *pg, uintptr_t addr);

/* x86_pages_check - GRAFT_EINVAL unless [addr, addr + len) is page-aligned
 * and inside [lo, hi], and prot (PLAT_PROT_*) is not both writable and
 * executable; else 0. */
int x86_pages_check(const struct x86_pages *pg, uintptr_t addr, size_t len,
		    int prot);

/* x86_pages_set - give the 4 KiB pages of [addr, addr + len) the entry
 * bits flags, splitting 2 MiB pages first, and bring the TLB up to date.
 * GRAFT_ENOMEM, with nothing changed, when the pool runs out. */
int x86_pages_set(struct x86_pages *pg, uintptr_t addr, size_t len,
		  uint64_t flags);

/* x86_pages_protect - x86_pages_set with the bits for prot (PLAT_PROT_*,
 * checked by x86_pages_check): page_flags, W for write, NX unless exec,
 * not present for none. */
int x86_pages_protect(struct x86_pages *pg, uintptr_t addr, size_t len,
		      int prot);

/* Hooks each target defines: invalidate the TLB entry for one page;
 * flush the whole TLB. */
void x86_tlb_invalidate(uintptr_t addr);
void x86_tlb_flush(void);

#endif
