/*
 * Containing faults in module code.  The module manager runs a module's
 * entry points (init, exit, save, restore) through kfault_call(); if the
 * code faults, the platform's fault path asks kernel_fault() first, which
 * turns the fault into GRAFT_ETRAP returned from kfault_call(), and the
 * manager refuses or unloads the module with a message naming the fault.
 * Faults anywhere else still end the instance.
 *
 * Limits: the module ran in the kernel's address space, so what it wrote
 * before faulting stays written; a fault inside a kernel function it
 * called is contained too, and the kernel state that function was changing
 * may be left half-changed.  Only synchronous faults on the calling fiber
 * are contained.
 */
#ifndef GRAFT_KFAULT_H
#define GRAFT_KFAULT_H

#include <stddef.h>

/* kfault_call - *ret = fn(arg), or GRAFT_ETRAP when fn faulted: then why
 * (whylen bytes) describes the fault ("page fault at 0x0 (write), rip
 * 0x...").  Returns 0 or GRAFT_ETRAP.  Calls may nest. */
int kfault_call(int (*fn)(void *), void *arg, int *ret, char *why,
		size_t whylen);

#endif
