/*
 * Page protection and seal on virtio.  The guest owns its page tables
 * (virtio_start.S: identity, 4 GiB, 2 MiB pages but for the first 2 MiB)
 * and runs in ring 0 with CR0.WP set, so read-only pages hold against the
 * kernel too.  At boot, virtio_mem_init() maps the image W^X (text
 * read+execute, everything else no-execute, read-only data read-only) and
 * every other page no-execute.  plat_mem_protect() changes 4 KiB pages of
 * the heap, splitting a 2 MiB page into a page table from a pool at the
 * heap's start.
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
#include "virtio_guest.h"

#define PTE_P	   (1ULL << 0)
#define PTE_W	   (1ULL << 1)
#define PTE_PS	   (1ULL << 7)
#define PTE_NX	   (1ULL << 63)
#define PTE_ADDR   0x000ffffffffff000ULL
#define LARGE	   (2UL << 20)
#define POOL_PAGES 64

extern char __rodata_end[];

static uintptr_t pool_start;
static unsigned pool_used;
static uintptr_t heap_lo, heap_hi;
static int sealed;

static inline void invlpg(uintptr_t a)
{
	__asm__ __volatile__("invlpg (%0)" ::"r"(a) : "memory");
}

static inline void flush_tlb(void)
{
	uint64_t cr3;

	__asm__ __volatile__("mov %%cr3, %0; mov %0, %%cr3"
			     : "=r"(cr3)::"memory");
}

static uint64_t *pd_entry(uintptr_t addr)
{
	return &virtio_pd[addr >> 21];
}

/* The 4 KiB entry for addr, splitting its 2 MiB page if need be; NULL
 * when the pool is used up. */
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
		*pde = (uintptr_t)pt | PTE_P | PTE_W;
		flush_tlb();
	}
	pt = (uint64_t *)(uintptr_t)(*pde & PTE_ADDR);
	return &pt[(addr >> 12) & 511];
}

static void set_page(uintptr_t a, uint64_t flags)
{
	uint64_t *pte = pt_entry(a);

	*pte = (*pte & PTE_ADDR) | flags;
	invlpg(a);
}

void virtio_mem_init(uintptr_t *heap_start, uintptr_t heap_end)
{
	uintptr_t text = (uintptr_t)_stext, etext = (uintptr_t)_etext;
	uintptr_t rodata_end = (uintptr_t)__rodata_end;

	pool_start = *heap_start;
	*heap_start += POOL_PAGES * PLAT_PAGE_SIZE;
	heap_lo = *heap_start;
	heap_hi = heap_end;
	/* Every 2 MiB page no-execute; the first 2 MiB page by page. */
	for (unsigned i = 1; i < 4 * 512; i++)
		virtio_pd[i] |= PTE_NX;
	for (unsigned i = 1; i < 512; i++)
		virtio_pt0[i] |= PTE_NX;
	for (uintptr_t a = text; a < etext; a += PLAT_PAGE_SIZE)
		set_page(a, PTE_P);
	for (uintptr_t a = etext; a < rodata_end; a += PLAT_PAGE_SIZE)
		set_page(a, PTE_P | PTE_NX);
	flush_tlb();
}

/* Whether any page of [addr, addr + len) is executable now. */
static int any_exec(uintptr_t addr, size_t len)
{
	for (uintptr_t a = addr; a < addr + len; a += PLAT_PAGE_SIZE) {
		uint64_t pde = *pd_entry(a), e = pde;

		if (!(pde & PTE_PS))
			e = ((
			    uint64_t *)(uintptr_t)(pde &
						   PTE_ADDR))[(a >> 12) & 511];
		if ((e & PTE_P) && !(e & PTE_NX))
			return 1;
	}
	return 0;
}

int plat_mem_protect(uintptr_t addr, size_t len, int prot)
{
	uint64_t flags = PTE_P;

	if ((addr | len) & (PLAT_PAGE_SIZE - 1) || addr < heap_lo ||
	    addr > heap_hi || len > heap_hi - addr)
		return GRAFT_EINVAL;
	if ((prot & PLAT_PROT_WRITE) && (prot & PLAT_PROT_EXEC))
		return GRAFT_EINVAL;
	if (sealed && ((prot & PLAT_PROT_EXEC) || any_exec(addr, len)))
		return GRAFT_ESEALED;
	if (prot & PLAT_PROT_WRITE)
		flags |= PTE_W;
	if (!(prot & PLAT_PROT_EXEC))
		flags |= PTE_NX;
	if (!prot)
		flags = 0;
	/* Split first, so that running out of pool changes nothing. */
	for (uintptr_t a = addr; a < addr + len; a += PLAT_PAGE_SIZE)
		if (!pt_entry(a))
			return GRAFT_ENOMEM;
	for (uintptr_t a = addr; a < addr + len; a += PLAT_PAGE_SIZE)
		set_page(a, flags);
	return 0;
}

int plat_seal(void)
{
	if (sealed)
		return GRAFT_ESEALED;
	sealed = 1;
	return 0;
}
