/*
 * What every graft image carries so that host programs can tell what it is:
 * an ELF note (owner "graft") naming the target the image was built for.
 * The tender and the unix launcher refuse an image for another target.
 */
#ifndef GRAFT_ABI_IMAGE_H
#define GRAFT_ABI_IMAGE_H

#define GRAFT_NOTE_OWNER "graft"
#define GRAFT_NOTE_TARGET 1 /* descriptor: the target name, NUL-padded */

#endif
