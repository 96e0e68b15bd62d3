/* Internals of the hvt platform binding (guest side). */
#ifndef GRAFT_PLATFORM_HVT_GUEST_H
#define GRAFT_PLATFORM_HVT_GUEST_H

#include <stdint.h>
#include <abi/hvt.h>

/* One hypercall: the tender reads the struct at arg (guest-physical ==
 * virtual) and writes its OUT fields before the store retires. */
static inline void hvt_hypercall(unsigned nr, void *arg)
{
	volatile uint32_t *port =
		(volatile uint32_t *)(HVT_HYPERCALL_MMIO + 4 * nr);

	__asm__ __volatile__("movl %1, %0"
			     : "=m"(*port)
			     : "r"((uint32_t)(uintptr_t)arg)
			     : "memory");
}

extern const struct hvt_boot_info *hvt_bi;

void hvt_clock_init(void);

void hvt_mem_init(uintptr_t *heap_start, uint64_t mem_size);

/* Linker-script symbols. */
extern char _stext[], _etext[], _end[];

#endif
