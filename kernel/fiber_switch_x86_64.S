/*
 * Context switch for cooperative fibers (x86_64 System V).
 *
 * fiber_switch(uint64_t *save_rsp, uint64_t new_rsp): push the callee-saved
 * registers and the SSE/x87 control words on the current stack, store rsp in
 * *save_rsp, load new_rsp and pop the same frame from it.  Everything else
 * is caller-saved, so the C caller has already spilled it.
 *
 * Frame, from the saved rsp upward:
 *   0: mxcsr (4 bytes)   4: x87 control word (2 bytes, 2 unused)
 *   8: r15  16: r14  24: r13  32: r12  40: rbx  48: rbp  56: return address
 * fiber.c builds the same frame for a new fiber, with fiber_trampoline as
 * the return address and the fiber in r12.
 */
	.text
	.globl	fiber_switch
	.type	fiber_switch, @function
fiber_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	fiber_switch, . - fiber_switch

/* A new fiber's first instructions: a zero frame pointer ends backtraces,
 * and the call leaves the stack aligned as the ABI asks. */
	.globl	fiber_trampoline
	.type	fiber_trampoline, @function
fiber_trampoline:
	movq	%r12, %rdi
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	call	fiber_main
	ud2
	.size	fiber_trampoline, . - fiber_trampoline

	.section .note.GNU-stack, "", @progbits
