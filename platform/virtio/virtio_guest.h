/* Internals of the virtio platform binding (guest side). */
#ifndef GRAFT_PLATFORM_VIRTIO_GUEST_H
#define GRAFT_PLATFORM_VIRTIO_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include "virtio_layout.h"

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

/* virtio_console.c: COM1, or isa-debugcon where the launcher attached it. */
void virtio_console_init(void);
/* virtio_console_emergency - write on the console from the trap path. */
void virtio_console_emergency(const char *s, size_t len);

/* virtio_clock.c: TSC and LAPIC timer calibrated against the PIT. */
void virtio_clock_init(void);
/* virtio_timer_wait - halt until an interrupt or timeout_ns (capped). */
void virtio_timer_wait(uint64_t timeout_ns);

/* virtio_mem.c: W^X for the image; the page-table pool comes off the
 * heap's start. */
void virtio_mem_init(uintptr_t *heap_start, uintptr_t heap_end);

/* virtio_trap.c */
void virtio_cpu_init(void);

/* virtio_dev.c: device discovery and the plat_* device calls.  The
 * drivers' rings and buffers come from [arena, arena + size). */
void virtio_devices_init(uintptr_t arena, size_t size);
unsigned virtio_ndevices(void);
/* virtio_devices_ready - the handles in watch with input pending. */
uint64_t virtio_devices_ready(uint64_t watch);
/* virtio_devices_polled - whether watch holds a device with input whose
 * receive queue cannot wake the CPU, so that a halt must be short. */
int virtio_devices_polled(uint64_t watch);

/* virtio_exit.c: the exit channel and the end of the run. */
void virtio_shutdown(int status) __attribute__((noreturn));

/* virtio_start.S: the page tables; virtio_pt0 maps the first 2 MiB. */
extern uint64_t virtio_pml4[512], virtio_pdpt[512], virtio_pd[4 * 512],
    virtio_pt0[512];

/* Linker-script symbols. */
extern char _stext[], _etext[], _end[];

#endif
