/*
 * The rest of the platform interface on virtio: yield (halt until the
 * LAPIC timer, then look at the devices).  Page protection and seal are
 * in virtio_mem.c, the device calls in virtio_dev.c and the drivers.
 */
#include <graft/error.h>
#include <graft/platform.h>
#include "virtio_guest.h"

/* Receive queues wake the CPU through MSI-X (PCI) or an IOAPIC line
 * (virtio-mmio named on the command line).  A device whose queue cannot
 * (virtio-mmio found by probing) is polled: while one is watched, a halt
 * lasts at most POLL_NS. */
#define POLL_NS 1000000ULL

void plat_yield(uint64_t deadline, plat_handle_set_t *ready)
{
	uint64_t watch = *ready, now = plat_clock_monotonic(), wait;

	*ready = virtio_devices_ready(watch);
	if (*ready || deadline <= now)
		return;
	wait = deadline - now;
	if (wait > POLL_NS && virtio_devices_polled(watch))
		wait = POLL_NS;
	virtio_timer_wait(wait);
	*ready = virtio_devices_ready(watch);
}
