/* unix entry: the kernel's initial stack holds argc, argv, envp, auxv. */
#include <abi/image.h>

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

/* The image's target note (include/abi/image.h). */
	GRAFT_TARGET_NOTE "unix"

	.section .note.GNU-stack, "", @progbits
