/*
 * What every graft image carries so that host programs can tell what it is:
 * an ELF note (owner "graft") naming the target the image was built for.
 * The tender and the unix launcher refuse an image for another target.
 */
#ifndef GRAFT_ABI_IMAGE_H
#define GRAFT_ABI_IMAGE_H

#define GRAFT_NOTE_OWNER "graft"
#define GRAFT_NOTE_TARGET 1 /* descriptor: the target name, NUL-padded */

#ifdef __ASSEMBLY__
/* GRAFT_TARGET_NOTE "name": the note, in one assembly file of each
 * target's platform (the name quoted: the preprocessor defines `unix`).
 * An ELF note: the sizes of owner and descriptor, the type, then owner
 * and descriptor, each padded to 4 bytes. */
.macro GRAFT_TARGET_NOTE name
	.pushsection .note.graft, "a", @note
	.p2align 2
	.long 6          /* namesz: "graft\0" */
	.long .Lgraft_note_end\@ - .Lgraft_note_desc\@
	.long GRAFT_NOTE_TARGET
	.asciz GRAFT_NOTE_OWNER
	.p2align 2
.Lgraft_note_desc\@:
	.asciz "\name"
.Lgraft_note_end\@:
	.p2align 2
	.popsection
.endm
#endif

#endif
