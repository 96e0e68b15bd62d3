/*
 * The virtio device table (see virtio_dev.h): discovery through both
 * transports at boot, the common start-up sequence (virtio 1.x, 3.1.1),
 * the memory set aside for rings and buffers, and the plat_* calls that
 * are not specific to one kind of device.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <graft/error.h>
#include <graft/log.h>
#include "virtio_dev.h"
#include "virtio_guest.h"

#define RESET_SPIN_MAX 1000000
#define WAIT_NS	       5000000000ULL /* a device that takes longer is failed */

_Static_assert(VDEV_MAX <= 64, "handles must fit a plat_handle_set_t");

static struct vdev devs[VDEV_MAX];
static unsigned ndevs;
static uintptr_t arena_next, arena_end;

struct vdev *virtio_dev_add(void)
{
	if (ndevs == VDEV_MAX) {
		graft_log(GRAFT_LOG_WARN, "virtio",
			  "more than %d devices; the rest are ignored",
			  VDEV_MAX);
		return NULL;
	}
	memset(&devs[ndevs], 0, sizeof(devs[0]));
	return &devs[ndevs++];
}

void *virtio_dev_alloc(size_t size, size_t align)
{
	uintptr_t p = (arena_next + align - 1) & ~(uintptr_t)(align - 1);

	if (p > arena_end || size > arena_end - p)
		return NULL;
	arena_next = p + size;
	memset((void *)p, 0, size);
	return (void *)p;
}

size_t virtio_dev_room(void)
{
	return arena_end - arena_next;
}

int virtio_dev_fail(struct vdev *d, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	graft_log(GRAFT_LOG_ERROR, "virtio", "%s (%s): %s; device disabled",
		  d->info.name[0] ? d->info.name : "device", d->where, msg);
	if (d->ops && !d->failed)
		d->ops->set_status(d, d->ops->status(d) | VIRTIO_STATUS_FAILED);
	d->failed = 1;
	return GRAFT_EIO;
}

int virtio_dev_queue_error(struct vdev *d, unsigned qi)
{
	return virtio_dev_fail(d, "queue %u: %s", qi, d->q[qi].why);
}

static unsigned pick_size(unsigned max)
{
	unsigned size = VDEV_QUEUE_SIZE;

	while (size > max)
		size >>= 1;
	return size;
}

int virtio_dev_start(struct vdev *d, uint32_t wanted, unsigned nq,
		     uint32_t wake)
{
	const struct vdev_ops *o = d->ops;
	int spin = 0;

	o->set_status(d, 0);
	while (o->status(d) != 0 && spin++ < RESET_SPIN_MAX)
		;
	if (o->status(d) != 0)
		return virtio_dev_fail(d, "does not reset");
	o->set_status(d, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
	if (!(o->features(d, 1) & VIRTIO_F_VERSION_1_WORD1))
		return virtio_dev_fail(d, "not a virtio 1.x device");
	d->features0 = o->features(d, 0) & wanted;
	o->set_features(d, 0, d->features0);
	o->set_features(d, 1, VIRTIO_F_VERSION_1_WORD1);
	o->set_status(d, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER |
			     VIRTIO_STATUS_FEATURES_OK);
	if (!(o->status(d) & VIRTIO_STATUS_FEATURES_OK))
		return virtio_dev_fail(d, "refuses our features");
	for (unsigned i = 0; i < nq; i++) {
		unsigned max = o->queue_max(d, i), size = pick_size(max);
		size_t bytes = virtq_mem_size(size);
		void *mem;

		if (max == 0 || size == 0)
			return virtio_dev_fail(d, "queue %u has size %u", i,
					       max);
		mem = virtio_dev_alloc(bytes, PLAT_PAGE_SIZE);
		if (!mem)
			return virtio_dev_fail(d, "out of device memory");
		if (virtq_init(&d->q[i], size, mem, bytes) < 0)
			return virtio_dev_fail(d, "queue %u: bad size %u", i,
					       size);
		if (o->queue_enable(d, i, &d->q[i], !!(wake & (1u << i))))
			d->wakes |= 1u << i;
	}
	d->nq = nq;
	return 0;
}

void virtio_dev_ready(struct vdev *d)
{
	d->ops->set_status(d, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER |
				  VIRTIO_STATUS_FEATURES_OK |
				  VIRTIO_STATUS_DRIVER_OK);
}

int virtio_dev_wait(struct vdev *d, unsigned qi, void **token, uint32_t *len)
{
	uint64_t start = plat_clock_monotonic();

	for (;;) {
		int rc = virtq_get(&d->q[qi], token, len);

		if (rc < 0)
			return virtio_dev_queue_error(d, qi);
		if (rc > 0)
			return 0;
		if (plat_clock_monotonic() - start > WAIT_NS)
			return virtio_dev_fail(d,
					       "queue %u: no answer in "
					       "%llu s",
					       qi, WAIT_NS / 1000000000ULL);
		__asm__ __volatile__("pause");
	}
}

struct vdev *virtio_dev_get(plat_handle_t h, uint32_t kind, int *rc)
{
	if (h >= ndevs || devs[h].info.kind != kind) {
		*rc = GRAFT_EBADF;
		return NULL;
	}
	if (devs[h].failed) {
		*rc = GRAFT_EIO;
		return NULL;
	}
	return &devs[h];
}

static void start_driver(struct vdev *d, unsigned counts[4])
{
	switch (d->type) {
	case VIRTIO_ID_NET:
		virtio_net_init(d, counts[VIRTIO_ID_NET]++);
		break;
	case VIRTIO_ID_BLOCK:
		virtio_blk_init(d, counts[VIRTIO_ID_BLOCK]++);
		break;
	case VIRTIO_ID_CONSOLE:
		if (counts[VIRTIO_ID_CONSOLE]++ == 0) {
			virtio_cons_init(d);
			break;
		}
		graft_log(GRAFT_LOG_WARN, "virtio",
			  "%s: a second console ignored (one control channel)",
			  d->where);
		d->failed = 1;
		break;
	default:
		graft_log(GRAFT_LOG_WARN, "virtio",
			  "%s: device type %u not supported", d->where,
			  (unsigned)d->type);
		d->failed = 1;
	}
}

void virtio_devices_init(uintptr_t arena, size_t size)
{
	unsigned counts[4] = {0};

	arena_next = arena;
	arena_end = arena + size;
	virtio_pci_probe();
	virtio_mmio_probe();
	for (unsigned i = 0; i < ndevs; i++)
		if (!devs[i].failed)
			start_driver(&devs[i], counts);
}

unsigned virtio_ndevices(void)
{
	return ndevs;
}

uint64_t virtio_devices_ready(uint64_t watch)
{
	uint64_t ready = 0;

	for (unsigned i = 0; i < ndevs; i++) {
		struct vdev *d = &devs[i];
		int r = 0;

		if (!(watch & (1ULL << i)) || d->failed)
			continue;
		d->ops->ack(d);
		if (d->info.kind == PLAT_DEV_NET)
			r = virtio_net_ready(d);
		else if (d->info.kind == PLAT_DEV_CTL)
			r = virtio_cons_ready(d);
		if (r)
			ready |= 1ULL << i;
	}
	return ready;
}

int virtio_devices_polled(uint64_t watch)
{
	for (unsigned i = 0; i < ndevs; i++)
		if ((watch & (1ULL << i)) && !devs[i].failed &&
		    devs[i].info.kind != PLAT_DEV_BLOCK && !(devs[i].wakes & 1))
			return 1;
	return 0;
}

int plat_device_info(plat_handle_t h, struct plat_device_info *info)
{
	if (h >= ndevs)
		return GRAFT_EBADF;
	*info = devs[h].info;
	return 0;
}
