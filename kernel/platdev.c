/*
 * The platform's devices as graft devices: at boot, each block and net
 * handle is wrapped in a graft_blkdev or graft_netdev and registered under
 * its platform name.  Sector numbers become byte offsets here; range checks
 * happen here too, so a library's bad request never reaches the platform.
 * Control-channel handles are left to the control service.
 */
#include <stdlib.h>
#include <string.h>

#include <graft/device.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/log.h>
#include <graft/platform.h>

#include "kplatdev.h"

struct platblk {
	struct graft_blkdev dev;
	plat_handle_t h;
	char name[32];
};

struct platnet {
	struct graft_netdev dev;
	plat_handle_t h;
	char name[32];
};

/* Whether [lba, lba + count) lies within the device. */
static int blk_check_range(const struct graft_blkdev *d, uint64_t lba,
			   uint32_t count)
{
	if (lba > d->sectors || count > d->sectors - lba)
		return GRAFT_EINVAL;
	return 0;
}

static int blk_read(struct graft_blkdev *d, uint64_t lba, void *buf,
		    uint32_t count)
{
	struct platblk *b = d->priv;
	int rc = blk_check_range(d, lba, count);

	if (rc < 0 || !count)
		return rc;
	return plat_block_read(b->h, lba * d->sector_size, buf,
			       (size_t)count * d->sector_size);
}

static int blk_write(struct graft_blkdev *d, uint64_t lba, const void *buf,
		     uint32_t count)
{
	struct platblk *b = d->priv;
	int rc = blk_check_range(d, lba, count);

	if (rc < 0 || !count)
		return rc;
	if (d->read_only)
		return GRAFT_EROFS;
	return plat_block_write(b->h, lba * d->sector_size, buf,
				(size_t)count * d->sector_size);
}

static int blk_flush(struct graft_blkdev *d)
{
	struct platblk *b = d->priv;

	return plat_block_flush(b->h);
}

static int net_send(struct graft_netdev *d, const void *frame, size_t len)
{
	struct platnet *n = d->priv;

	return plat_net_write(n->h, frame, len);
}

static int net_recv(struct graft_netdev *d, void *buf, size_t size, size_t *len)
{
	struct platnet *n = d->priv;

	return plat_net_read(n->h, buf, size, len);
}

static int net_wait(struct graft_netdev *d, uint64_t deadline)
{
	struct platnet *n = d->priv;

	return graft_wait_device(n->h, deadline);
}

static int add_block(plat_handle_t h, const struct plat_device_info *info)
{
	struct platblk *b;
	int rc;

	if (info->sector_size < 512 ||
	    (info->sector_size & (info->sector_size - 1))) {
		graft_log(GRAFT_LOG_ERROR, "dev",
			  "block device '%s': bad sector size %u", info->name,
			  info->sector_size);
		return GRAFT_EINVAL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return GRAFT_ENOMEM;
	b->h = h;
	strlcpy(b->name, info->name, sizeof(b->name));
	b->dev.name = b->name;
	b->dev.sector_size = info->sector_size;
	b->dev.sectors = info->sectors;
	b->dev.read_only = info->read_only != 0;
	b->dev.read = blk_read;
	b->dev.write = blk_write;
	b->dev.flush = blk_flush;
	b->dev.priv = b;
	rc = graft_device_register(GRAFT_DEVICE_BLOCK, b->name, &b->dev);
	if (rc < 0)
		free(b);
	return rc;
}

static int add_net(plat_handle_t h, const struct plat_device_info *info)
{
	struct platnet *n = calloc(1, sizeof(*n));
	int rc;

	if (!n)
		return GRAFT_ENOMEM;
	n->h = h;
	strlcpy(n->name, info->name, sizeof(n->name));
	n->dev.name = n->name;
	memcpy(n->dev.mac, info->mac, sizeof(n->dev.mac));
	n->dev.mtu = info->mtu;
	n->dev.send = net_send;
	n->dev.recv = net_recv;
	n->dev.wait = net_wait;
	n->dev.priv = n;
	rc = graft_device_register(GRAFT_DEVICE_NET, n->name, &n->dev);
	if (rc < 0)
		free(n);
	return rc;
}

void platdev_register_all(uint32_t ndevices)
{
	if (ndevices > PLAT_MAX_DEVICES)
		ndevices = PLAT_MAX_DEVICES;
	for (plat_handle_t h = 0; h < ndevices; h++) {
		struct plat_device_info info;
		int rc;

		memset(&info, 0, sizeof(info));
		if (plat_device_info(h, &info) < 0)
			continue;
		info.name[sizeof(info.name) - 1] = '\0';
		if (info.kind == PLAT_DEV_BLOCK)
			rc = add_block(h, &info);
		else if (info.kind == PLAT_DEV_NET)
			rc = add_net(h, &info);
		else
			continue;
		if (rc < 0)
			graft_log(GRAFT_LOG_ERROR, "dev",
				  "device '%s' (handle %u) not registered: %s",
				  info.name, h, graft_strerror(rc));
	}
}
