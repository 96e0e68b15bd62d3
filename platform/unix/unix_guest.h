/* Internals of the unix platform binding. */
#ifndef GRAFT_PLATFORM_UNIX_GUEST_H
#define GRAFT_PLATFORM_UNIX_GUEST_H

#include <abi/unix.h>

extern struct unix_boot *unix_bi;
extern uintptr_t unix_heap_start;
extern uint64_t unix_heap_size;

int unix_install_filter(uint32_t len, uint64_t off);

/* unix_clock_init - find the vDSO's clock_gettime from the auxiliary
 * vector on the initial stack (sp at argc); without it the clocks are
 * read by system call. */
void unix_clock_init(const uint64_t *sp);

#endif
