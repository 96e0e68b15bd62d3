/* unix entry: the kernel's initial stack holds argc, argv, envp, auxv. */
	.text
	.global _start
_start:
	xorl %ebp, %ebp
	movq %rsp, %rdi
	andq $~15, %rsp
	call unix_boot_main
1:	jmp 1b

/* The return from a signal handler: the kernel restores the interrupted
 * (or rewritten) context. */
	.global unix_sigreturn
unix_sigreturn:
	movq $15, %rax           /* SYS_rt_sigreturn */
	syscall
	hlt

	.section .note.graft, "a", @note
	.p2align 2
	.long 6          /* namesz: "graft\0" */
	.long 5          /* descsz */
	.long 1          /* GRAFT_NOTE_TARGET */
	.asciz "graft"
	.p2align 2
	.asciz "unix"
	.p2align 2

	.section .note.GNU-stack, "", @progbits
