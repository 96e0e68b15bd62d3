/* The image's target note (include/abi/image.h). */
#include <abi/image.h>

	GRAFT_TARGET_NOTE "hvt"

	.section .note.GNU-stack, "", @progbits
