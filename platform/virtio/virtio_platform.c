/*
 * The rest of the platform interface on virtio: yield (halt until the
 * LAPIC timer or a device interrupt, then look at the devices), page
 * protection and seal (not yet: the kernel falls back), and the device
 * calls, which virtio_dev.c answers.
 */
#include <graft/error.h>
#include <graft/platform.h>
#include "virtio_guest.h"

void plat_yield(uint64_t deadline, plat_handle_set_t *ready)
{
	uint64_t watch = *ready, now = plat_clock_monotonic();

	*ready = virtio_devices_ready(watch);
	if (*ready || deadline <= now)
		return;
	virtio_timer_wait(deadline - now);
	*ready = virtio_devices_ready(watch);
}

int plat_mem_protect(uintptr_t addr, size_t len, int prot)
{
	return GRAFT_ENOTSUP;
}

int plat_seal(void)
{
	return GRAFT_ENOTSUP;
}
