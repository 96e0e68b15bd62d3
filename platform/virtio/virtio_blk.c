/*
 * virtio-blk: plat_block_* over one request queue.  Requests are
 * synchronous (the platform interface is): a header, the caller's buffer
 * (identity-mapped, so handed over as it is), a status byte; then we wait
 * for the device's answer.  Transfers are split at MAX_CHUNK.
 */
#include <stdio.h>
#include <graft/error.h>
#include "virtio_dev.h"

#define VIRTIO_BLK_F_RO	   (1u << 5)
#define VIRTIO_BLK_F_FLUSH (1u << 9)
#define VIRTIO_BLK_T_IN	   0
#define VIRTIO_BLK_T_OUT   1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK	   0
#define SECTOR		   512
#define MAX_CHUNK	   (64u << 10)

struct blk_req {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
	uint8_t status;
};

static struct blk_req reqs[VDEV_MAX];

int virtio_blk_init(struct vdev *d, unsigned index)
{
	d->info.kind = PLAT_DEV_BLOCK;
	snprintf(d->info.name, sizeof(d->info.name), "disk%u", index);
	if (virtio_dev_start(d, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH, 1, 0) < 0)
		return GRAFT_EIO;
	d->info.sector_size = SECTOR;
	d->info.sectors =
	    (uint64_t)vdev_cfg32(d, 0) | (uint64_t)vdev_cfg32(d, 4) << 32;
	d->info.read_only = !!(d->features0 & VIRTIO_BLK_F_RO);
	d->drv = &reqs[index % VDEV_MAX];
	virtio_dev_ready(d);
	return 0;
}

/* One request: header, then data (if len), then the status byte. */
static int request(struct vdev *d, uint32_t type, uint64_t sector, void *buf,
		   uint32_t len)
{
	struct blk_req *r = d->drv;
	struct virtq_buf b[3];
	unsigned n = 0, nout;
	void *tok;
	uint32_t got;
	int rc;

	r->type = type;
	r->reserved = 0;
	r->sector = sector;
	r->status = 0xff;
	b[n++] = (struct virtq_buf){(uintptr_t)r, 16};
	if (len)
		b[n++] = (struct virtq_buf){(uintptr_t)buf, len};
	b[n++] = (struct virtq_buf){(uintptr_t)&r->status, 1};
	nout = type == VIRTIO_BLK_T_OUT ? 2 : 1;
	rc = virtq_add(&d->q[0], b, nout, n - nout, r);
	if (rc < 0)
		return rc == GRAFT_EIO ? virtio_dev_queue_error(d, 0) : rc;
	d->ops->notify(d, 0);
	rc = virtio_dev_wait(d, 0, &tok, &got);
	if (rc < 0)
		return rc;
	if (tok != r || got < 1)
		return virtio_dev_fail(d, "answered another request");
	return r->status == VIRTIO_BLK_S_OK ? 0 : GRAFT_EIO;
}

static int transfer(plat_handle_t h, uint64_t offset, void *buf, size_t len,
		    uint32_t type)
{
	struct vdev *d;
	uint64_t size;
	int rc;

	d = virtio_dev_get(h, PLAT_DEV_BLOCK, &rc);
	if (!d)
		return rc;
	size = d->info.sectors * SECTOR;
	if (offset % SECTOR || len % SECTOR || offset > size ||
	    len > size - offset)
		return GRAFT_EINVAL;
	if (type == VIRTIO_BLK_T_OUT && d->info.read_only)
		return GRAFT_EROFS;
	while (len) {
		uint32_t n = len > MAX_CHUNK ? MAX_CHUNK : (uint32_t)len;

		rc = request(d, type, offset / SECTOR, buf, n);
		if (rc < 0)
			return rc;
		buf = (char *)buf + n;
		offset += n;
		len -= n;
	}
	return 0;
}

int plat_block_read(plat_handle_t h, uint64_t offset, void *buf, size_t len)
{
	return transfer(h, offset, buf, len, VIRTIO_BLK_T_IN);
}

int plat_block_write(plat_handle_t h, uint64_t offset, const void *buf,
		     size_t len)
{
	return transfer(h, offset, (void *)buf, len, VIRTIO_BLK_T_OUT);
}

int plat_block_flush(plat_handle_t h)
{
	struct vdev *d;
	int rc;

	d = virtio_dev_get(h, PLAT_DEV_BLOCK, &rc);
	if (!d)
		return rc;
	if (!(d->features0 & VIRTIO_BLK_F_FLUSH))
		return 0; /* without it the device writes through */
	return request(d, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}
