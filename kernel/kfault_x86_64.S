/*
 * kfault_enter(struct kfault_guard *g, int (*fn)(void *), void *arg):
 * save the callee-saved registers, the stack pointer and a resume address
 * in g (struct kfault_regs, its first member), then call fn(arg) and return
 * what it returns.  When kernel_fault() contains a fault inside fn, the
 * platform resumes at 1: with the saved registers and %rax = -29
 * (GRAFT_ETRAP), as if fn had returned that.  Layout of struct kfault_regs:
 *   0: rbx  8: rbp  16: r12  24: r13  32: r14  40: r15  48: rsp  56: rip
 */
	.text
	.globl	kfault_enter
	.type	kfault_enter, @function
kfault_enter:
	pushq	%rbp
	movq	%rsp, %rbp
	movq	%rbx, 0(%rdi)
	movq	%rbp, 8(%rdi)
	movq	%r12, 16(%rdi)
	movq	%r13, 24(%rdi)
	movq	%r14, 32(%rdi)
	movq	%r15, 40(%rdi)
	movq	%rsp, 48(%rdi)
	leaq	1f(%rip), %rax
	movq	%rax, 56(%rdi)
	movq	%rsi, %rax
	movq	%rdx, %rdi
	call	*%rax
1:	popq	%rbp
	ret
	.size	kfault_enter, . - kfault_enter

	.section .note.GNU-stack, "", @progbits
