/*
 * hvt entry, the ring-0 service gate and exception stubs.
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
 * raises #UD, whose stub (below) recognises the address, does the work in
 * ring 0 and returns past it.  A software interrupt would be the usual
 * gate, but PVM's instruction emulator handles `int n` only in real mode
 * and answers #UD; an exception is the one way into ring 0 it honours. */
	.text
	.global hvt_tlb_gate
hvt_tlb_gate:
	ud2
	ret

/* Exception stubs: push a dummy error code where the CPU pushes none, then
 * the vector, then the general registers, and call hvt_trap(frame). */
.macro TRAP_NOERR n
	.global hvt_trap_\n
hvt_trap_\n:
	pushq $0
	pushq $\n
	jmp trap_common
.endm
.macro TRAP_ERR n
	.global hvt_trap_\n
hvt_trap_\n:
	pushq $\n
	jmp trap_common
.endm

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21

/* #UD: the TLB gate's, or a real one. */
	.global hvt_trap_6
hvt_trap_6:
	cmpq $hvt_tlb_gate, (%rsp)
	jne 3f
	cmpq $1, %rax
	jne 1f
	invlpg (%rdi)
	jmp 2f
1:	movq %cr3, %rax
	movq %rax, %cr3
2:	addq $2, (%rsp)           /* past the ud2, to its ret */
	iretq
3:	pushq $0
	pushq $6
	jmp trap_common

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	movq %rsp, %rbx
	andq $~15, %rsp
	call hvt_trap
	/* The kernel contained the fault and rewrote the frame: resume. */
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp           /* vector, error code */
	iretq

	.section .note.GNU-stack, "", @progbits
