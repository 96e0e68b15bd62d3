/*
 * Devices on virtio: none yet.
 */
#include <graft/error.h>
#include <graft/platform.h>
#include "virtio_guest.h"

void virtio_devices_init(void)
{
}

unsigned virtio_ndevices(void)
{
	return 0;
}

uint64_t virtio_devices_ready(uint64_t watch)
{
	return 0;
}

int plat_device_info(plat_handle_t h, struct plat_device_info *info)
{
	return GRAFT_EBADF;
}

int plat_net_write(plat_handle_t h, const void *frame, size_t len)
{
	return GRAFT_EBADF;
}

int plat_net_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	return GRAFT_EBADF;
}

int plat_block_read(plat_handle_t h, uint64_t offset, void *buf, size_t len)
{
	return GRAFT_EBADF;
}

int plat_block_write(plat_handle_t h, uint64_t offset, const void *buf,
		     size_t len)
{
	return GRAFT_EBADF;
}

int plat_block_flush(plat_handle_t h)
{
	return GRAFT_EBADF;
}

int plat_ctl_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	return GRAFT_EBADF;
}

int plat_ctl_write(plat_handle_t h, const void *buf, size_t len)
{
	return GRAFT_EBADF;
}
