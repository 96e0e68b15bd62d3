/*
 * virtio entry: the PVH boot protocol (the x86/HVM direct boot ABI that
 * QEMU, Firecracker, cloud-hypervisor and Xen share).  The loader puts the
 * image at its physical addresses and enters _start32 in 32-bit protected
 * mode, paging off, flat segments, %ebx = the hvm_start_info.  We zero the
 * bss, build identity page tables for the first 4 GiB (4 KiB pages for the
 * first 2 MiB, so that page 0 can be taken away once the start information
 * that may lie there has been read, and NULL faults; 2 MiB pages beyond),
 * enable PAE, SSE, long mode and no-execute, and jump to 64-bit code on
 * our own stack.  Then virtio_boot_main(start_info).
 *
 * Also here: the one interrupt stub every vector from 32 up uses (the
 * exception stubs are platform/x86's).  The LAPIC timer and device
 * interrupts only wake a halted CPU, so the stub acknowledges the LAPIC
 * and returns.
 */
#include <abi/image.h>
#include <abi/x86_pte.h>
#include "virtio_layout.h"

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

/* The PVH note: Xen's XEN_ELFNOTE_PHYS32_ENTRY (18), the 32-bit entry. */
	.section .note.pvh, "a", @note
	.p2align 2
	.long 4          /* namesz: "Xen\0" */
	.long 8          /* descsz */
	.long 18         /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.p2align 2
	.quad _start32

/* The image's target note (include/abi/image.h). */
	GRAFT_TARGET_NOTE "virtio"

	.section .text.boot, "ax"
	.code32
	.global _start32
_start32:
	cli
	cld
	movl %ebx, %esi                 /* start info, kept in %esi */
	/* Zero the bss (the loader need not). */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	/* PML4[0] -> PDPT; PDPT[0..3] -> the four page directories. */
	movl $virtio_pdpt + (X86_PTE_P | X86_PTE_W), virtio_pml4
	movl $virtio_pd + (X86_PTE_P | X86_PTE_W), %eax
	xorl %ecx, %ecx
1:	movl %eax, virtio_pdpt(, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jne 1b
	/* 2048 PD entries of 2 MiB; the top GiB (MMIO) uncached. */
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(X86_PTE_P | X86_PTE_W | X86_PTE_PS), %eax
	cmpl $1536, %ecx
	jb 3f
	orl $X86_PTE_PCD, %eax
3:	movl %eax, virtio_pd(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 2b
	/* The first 2 MiB in 4 KiB pages. */
	movl $virtio_pt0 + (X86_PTE_P | X86_PTE_W), virtio_pd
	xorl %ecx, %ecx
4:	movl %ecx, %eax
	shll $12, %eax
	orl $(X86_PTE_P | X86_PTE_W), %eax
	movl %eax, virtio_pt0(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jne 4b
	/* Long mode. */
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $virtio_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	andl $~CR0_EM, %eax
	orl $(CR0_PE | CR0_MP | CR0_WP | CR0_PG), %eax
	movl %eax, %cr0
	lgdt boot_gdtr
	ljmp $VIRTIO_GDT_CODE, $start64

	.code64
start64:
	movl $VIRTIO_GDT_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	leaq virtio_boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	movl %esi, %edi
	call virtio_boot_main
5:	cli
	hlt
	jmp 5b

	.section .rodata
	.p2align 3
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08 code, 64-bit */
	.quad 0x00cf92000000ffff        /* 0x10 data */
boot_gdt_end:
boot_gdtr:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.bss
	.p2align 12
	.global virtio_pml4, virtio_pdpt, virtio_pd, virtio_pt0
virtio_pml4:	.skip 4096
virtio_pdpt:	.skip 4096
virtio_pd:	.skip 4 * 4096
virtio_pt0:	.skip 4096
	.p2align 4
virtio_boot_stack:
	.skip VIRTIO_BOOT_STACK_SIZE
virtio_boot_stack_top:

	.text
/* Every vector from 32 up: acknowledge the LAPIC and return; the halted
 * CPU has been woken, which is all an interrupt is for here. */
	.global virtio_intr
virtio_intr:
	pushq %rax
	movabsq $(VIRTIO_LAPIC_BASE + 0xb0), %rax
	movl $0, (%rax)
	popq %rax
	iretq

	.section .note.GNU-stack, "", @progbits
