/* The image's target note (include/abi/image.h): owner "graft", type 1,
 * descriptor "hvt". */
	.section .note.graft, "a", @note
	.p2align 2
	.long 6          /* namesz: "graft\0" */
	.long 4          /* descsz */
	.long 1          /* GRAFT_NOTE_TARGET */
	.asciz "graft"
	.p2align 2
	.asciz "hvt"
	.p2align 2
	.section .note.GNU-stack, "", @progbits
