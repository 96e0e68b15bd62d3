/*
 * hvt entry, the TLB gate (the one ring-0 service) and the #UD stub that
 * serves it; the other exception stubs are platform/x86's.
 *
 * The tender starts us in ring 3 (include/abi/hvt.h), long mode, %rdi =
 * boot information and %rsp at the top of guest memory, on its GDT and TSS
 * with IDTR at an empty page.  We fill in the gates and the TSS's stacks
 * (hvt_traps_init, plain stores) and go on in ring 3 for good.  Why ring 3:
 * a KVM without hardware virtualization extensions (PVM) runs guest ring-3
 * code natively but emulates ring-0 code one instruction at a time,
 * roughly a thousand times slower; setting up descriptor tables from
 * ring 0 cost most of a millisecond of boot.  Ring 0 is kept for what
 * needs it: exceptions (fatal anyway) and the two TLB operations page
 * protection needs, reached through the TLB gate below.
 */
	.section .text.boot, "ax"
	.global _start
_start:
	andq $~15, %rsp
	movq %rdi, %rbx           /* boot information, kept across calls */
	xorl %ebp, %ebp
	call hvt_traps_init
	movq %rbx, %rdi
	call hvt_boot_main
2:	jmp 2b

/* The TLB gate, called from ring 3 with %rax = 1 to invalidate the page at
 * %rdi, %rax = 2 to reload %cr3 (flush the TLB); clobbers %rax.  Its ud2
 * raises #UD, whose stub (hvt_trap_ud, below) recognises the address,
 * does the work in ring 0 and returns past it.  A software interrupt would be the usual
 * gate, but PVM's instruction emulator handles `int n` only in real mode
 * and answers #UD; an exception is the one way into ring 0 it honours. */
	.text
	.global hvt_tlb_gate
hvt_tlb_gate:
	ud2
	ret

/* #UD, in front of the shared stub (platform/x86/x86_stubs.S): the TLB
 * gate's, or a real one. */
	.global hvt_trap_ud
hvt_trap_ud:
	cmpq $hvt_tlb_gate, (%rsp)
	jne x86_trap_6
	cmpq $1, %rax
	jne 1f
	invlpg (%rdi)
	jmp 2f
1:	movq %cr3, %rax
	movq %rax, %cr3
2:	addq $2, (%rsp)           /* past the ud2, to its ret */
	iretq

	.section .note.GNU-stack, "", @progbits
