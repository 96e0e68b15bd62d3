/*
 * The batch net calls (include/graft/platform.h) as loops over the
 * single-frame ones, for targets where a frame costs no exit to the host
 * (unix: one system call either way; virtio: a queue the host reads
 * itself).  hvt has its own, one hypercall per batch, and reads ahead and
 * writes behind in its yield.
 */
#include <graft/error.h>
#include <graft/platform.h>

int plat_net_read_batch(plat_handle_t h, void *buf, size_t size, uint32_t *lens,
			unsigned max, unsigned *count)
{
	struct plat_device_info info;
	size_t off = 0, len, frame_max;
	unsigned n = 0;
	int rc;

	*count = 0;
	rc = plat_device_info(h, &info);
	if (rc < 0)
		return rc;
	if (info.kind != PLAT_DEV_NET)
		return GRAFT_EBADF;
	frame_max = plat_net_frame_max(&info);
	if (!max || max > PLAT_NET_BATCH_MAX || size < frame_max)
		return GRAFT_EINVAL;
	while (n < max && off <= size && size - off >= frame_max) {
		rc = plat_net_read(h, (char *)buf + off, size - off, &len);
		if (rc < 0)
			break;
		if (len > frame_max)
			continue; /* longer than the MTU allows: dropped */
		lens[n++] = (uint32_t)len;
		off = plat_net_batch_next(off, len);
	}
	*count = n;
	return n ? 0 : rc;
}

int plat_net_write_batch(plat_handle_t h, const void *buf, size_t size,
			 const uint32_t *lens, unsigned count, unsigned *sent)
{
	size_t off = 0;
	unsigned n;
	int rc = 0;

	*sent = 0;
	if (count > PLAT_NET_BATCH_MAX)
		return GRAFT_EINVAL;
	for (n = 0; n < count; n++) {
		if (off > size || lens[n] > size - off) {
			rc = GRAFT_EINVAL;
			break;
		}
		rc = plat_net_write(h, (const char *)buf + off, lens[n]);
		if (rc < 0)
			break;
		off = plat_net_batch_next(off, lens[n]);
	}
	*sent = n;
	return rc;
}

/* A read during the yield would cost what a read after it does. */
int plat_net_read_ahead(plat_handle_t h, void *buf, size_t size, uint32_t *lens,
			unsigned max, unsigned *count)
{
	return GRAFT_ENOTSUP;
}

/* Nor would a write during the yield save anything. */
int plat_net_write_behind(plat_handle_t h, const void *buf, size_t size,
			  const uint32_t *lens, unsigned count, unsigned *sent)
{
	return GRAFT_ENOTSUP;
}
