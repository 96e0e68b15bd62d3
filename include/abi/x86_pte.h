/*
 * x86-64 page-table entry bits, for the code that builds and edits the
 * identity-mapped tables of an x86 guest: the hvt tender (which builds
 * them), the hvt and virtio platforms (which build or edit them).  Usable
 * from C and from assembly: the values carry no suffix, and the ones that
 * do not fit in 32 bits are written out in hex (C gives them a 64-bit
 * type).
 */
#ifndef GRAFT_ABI_X86_PTE_H
#define GRAFT_ABI_X86_PTE_H

#define X86_PTE_P    0x1		/* present */
#define X86_PTE_W    0x2		/* writable */
#define X86_PTE_U    0x4		/* user (ring 3) accessible */
#define X86_PTE_PCD  0x10		/* cache disabled */
#define X86_PTE_A    0x20		/* accessed */
#define X86_PTE_D    0x40		/* dirty */
#define X86_PTE_PS   0x80		/* a 2 MiB (PD) or 1 GiB (PDPT) page */
#define X86_PTE_NX   0x8000000000000000 /* bit 63: no execute */
#define X86_PTE_ADDR 0x000ffffffffff000 /* the frame's physical address */

#define X86_PAGE_SIZE  0x1000
#define X86_LARGE_SIZE 0x200000 /* a 2 MiB page */
#define X86_PT_ENTRIES 512

#endif
