/*
 * virtio devices on the virtio platform: one struct vdev per device found,
 * whatever its transport (PCI on q35/pc, virtio-mmio on microvm), whose
 * handle is its index in discovery order.  The transports fill in the
 * register access (struct vdev_ops); virtio_dev.c negotiates features and
 * sets up queues for every driver; the drivers (virtio_blk.c,
 * virtio_net.c, virtio_cons.c) answer the plat_* calls.
 *
 * A device that misbehaves (an impossible queue size, a ring entry that
 * breaks the rules of virtq.h, a request it never answers) is failed: it
 * is marked so with a logged message, and every later call on it returns
 * GRAFT_EIO.  Guest memory is identity-mapped, so buffers are given to
 * the device by their addresses.
 */
#ifndef GRAFT_PLATFORM_VIRTIO_DEV_H
#define GRAFT_PLATFORM_VIRTIO_DEV_H

#include <stdint.h>
#include <graft/platform.h>
#include "virtq.h"

#define VDEV_MAX	16
#define VDEV_MAX_QUEUES 2
#define VDEV_QUEUE_SIZE 64 /* what we ask for, at most */

#define VIRTIO_ID_NET	  1
#define VIRTIO_ID_BLOCK	  2
#define VIRTIO_ID_CONSOLE 3

#define VIRTIO_STATUS_ACK	  1
#define VIRTIO_STATUS_DRIVER	  2
#define VIRTIO_STATUS_DRIVER_OK	  4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED	  128
#define VIRTIO_F_VERSION_1_WORD1  (1u << 0) /* feature bit 32 */

struct vdev;

struct vdev_ops {
	uint32_t (*features)(struct vdev *d, unsigned word);
	void (*set_features)(struct vdev *d, unsigned word, uint32_t v);
	uint8_t (*status)(struct vdev *d);
	void (*set_status)(struct vdev *d, uint8_t s);
	/* the largest size queue qi may have; 0 if there is no such queue */
	unsigned (*queue_max)(struct vdev *d, unsigned qi);
	/* give the device queue qi's size and rings and enable it; with wake,
	 * ask for an interrupt when it uses a buffer: returns 1 if it will */
	int (*queue_enable)(struct vdev *d, unsigned qi, const struct virtq *q,
			    int wake);
	void (*notify)(struct vdev *d, unsigned qi);
	/* acknowledge an interrupt (virtio-mmio's level interrupt) */
	void (*ack)(struct vdev *d);
};

struct vdev {
	const struct vdev_ops *ops;
	uint32_t type;	/* VIRTIO_ID_* */
	char where[32]; /* "pci 0:3.0", "mmio 0xfeb00000" */
	int failed;
	/* transport registers, in the identity map */
	uintptr_t regs;	      /* mmio: the register block; pci: common cfg */
	uintptr_t cfg;	      /* the device-specific configuration */
	uintptr_t notify;     /* pci: notify base */
	uint32_t notify_mult; /* pci */
	uintptr_t isr;	      /* pci */
	uint32_t features0;   /* negotiated, bits 0..31 */
	uint32_t wakes;	      /* queues whose use interrupts (bit per queue) */
	uintptr_t msix;	      /* pci: the MSI-X table, 0 if none */
	int irq_routed;	      /* mmio: its interrupt line reaches the CPU */
	struct virtq q[VDEV_MAX_QUEUES];
	unsigned nq;
	struct plat_device_info info;
	void *drv; /* the driver's state */
};

/* The transports: add every device they find with virtio_dev_add. */
void virtio_pci_probe(void);
void virtio_mmio_probe(void);
/* virtio_mmio_cmdline - take note of a "virtio_mmio.device=SIZE@BASE:IRQ"
 * argument; 1 if arg is one (to be kept from the application), else 0. */
int virtio_mmio_cmdline(const char *arg);
/* virtio_dev_add - a new device slot (zeroed, ops and type to be filled
 * by the caller), or NULL when VDEV_MAX are taken. */
struct vdev *virtio_dev_add(void);

/* virtio_dev_alloc - size bytes of zeroed device memory, aligned to
 * align (a power of two), from the region set aside at boot; NULL when
 * it is used up. */
void *virtio_dev_alloc(size_t size, size_t align);
/* virtio_dev_room - bytes of device memory left */
size_t virtio_dev_room(void);

/* virtio_dev_start - reset d, negotiate VERSION_1 plus the wanted
 * device-specific features (bits 0..31), set up nq queues, those in the
 * wake mask interrupting (waking a halted CPU) where the transport can;
 * d->wakes says which do, the others are polled.  The driver
 * then fills its receive queues and calls virtio_dev_ready.  Returns 0 or
 * fails the device (GRAFT_EIO). */
int virtio_dev_start(struct vdev *d, uint32_t wanted, unsigned nq,
		     uint32_t wake);
void virtio_dev_ready(struct vdev *d);

/* virtio_dev_fail - mark d failed with a message naming it; GRAFT_EIO. */
int virtio_dev_fail(struct vdev *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* virtio_dev_queue_error - fail d after queue qi broke (see virtq.h). */
int virtio_dev_queue_error(struct vdev *d, unsigned qi);

/* virtio_dev_wait - spin until queue qi has a used chain, taking it;
 * fails the device after a few seconds or a broken ring.  For requests
 * whose answer the caller needs now (block I/O, transmit space). */
int virtio_dev_wait(struct vdev *d, unsigned qi, void **token, uint32_t *len);

/* virtio_dev_get - d by handle if it is of kind and working: NULL and
 * *rc = GRAFT_EBADF or GRAFT_EIO otherwise. */
struct vdev *virtio_dev_get(plat_handle_t h, uint32_t kind, int *rc);

/* Config space reads (little-endian, in the identity map). */
static inline uint8_t vdev_cfg8(struct vdev *d, unsigned off)
{
	return *(volatile uint8_t *)(d->cfg + off);
}

static inline uint32_t vdev_cfg32(struct vdev *d, unsigned off)
{
	return *(volatile uint32_t *)(d->cfg + off);
}

/* The drivers: set up d (already started) and fill in d->info. */
int virtio_blk_init(struct vdev *d, unsigned index);
int virtio_net_init(struct vdev *d, unsigned index);
/* virtio_net_cmdline - take note of a "virtio_net.bufs=N" argument (the
 * buffers each way, 2 to 32, for every net device; a bad
 * count is said at start-up and ignored); 1 if arg is one (to be kept
 * from the application), else 0. */
int virtio_net_cmdline(const char *arg);
int virtio_cons_init(struct vdev *d);
int virtio_net_ready(struct vdev *d);
int virtio_cons_ready(struct vdev *d);

#endif
