/* The floor for bench/virtio: a PVH image that only leaves through
 * isa-debug-exit, so that QEMU's and the firmware's share of a boot can
 * be told from graft's. */
	.section .note.pvh, "a", @note
	.p2align 2
	.long 4, 8, 18           /* "Xen", XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.p2align 2
	.quad floor_start

	.text
	.code32
	.global floor_start
floor_start:
	movw $0xf4, %dx
	xorl %eax, %eax
	outl %eax, %dx
1:	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
