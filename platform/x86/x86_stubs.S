/*
 * Exception stubs for vectors 0..21, shared by hvt and virtio.  Each
 * pushes a dummy error code where the CPU pushes none, then its vector;
 * x86_trap_common pushes the general registers (struct x86_trap_frame,
 * x86_trap.h) and calls x86_trap(frame) on an aligned stack.  x86_trap()
 * returns only when the kernel contained the fault and rewrote the frame:
 * then the stub resumes from the frame.  A target may put its own stub in
 * front of one of these (hvt's #UD, which serves its TLB gate) and jump
 * on to x86_trap_<vector>.
 */
	.text
.macro TRAP_NOERR n
	.global x86_trap_\n
x86_trap_\n:
	pushq $0
	pushq $\n
	jmp x86_trap_common
.endm
.macro TRAP_ERR n
	.global x86_trap_\n
x86_trap_\n:
	pushq $\n
	jmp x86_trap_common
.endm

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
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

x86_trap_common:
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
	call x86_trap
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

/* The stubs' addresses by vector, for the targets' IDTs. */
	.section .rodata
	.p2align 3
	.global x86_trap_stubs
x86_trap_stubs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21
	.quad x86_trap_\n
	.endr

	.section .note.GNU-stack, "", @progbits
