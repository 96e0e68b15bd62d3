/*
 * The virtio-mmio transport (virtio 1.x, "version 2" registers), as QEMU's
 * microvm machine offers it: VIRTIO_MMIO_SLOTS register blocks of 512
 * bytes from VIRTIO_MMIO_BASE, each with a device or none (device id 0).
 * Where the command line names the transports and their interrupt lines
 * ("virtio_mmio.device=512@0xfeb00e00:12", as QEMU's microvm with
 * auto-kernel-cmdline and Firecracker write it), we take those, in that
 * order, and route each line through the IOAPIC to wake the CPU.  Else we
 * probe the slots, from the top down since QEMU fills them so in
 * command-line order, and the devices are polled.
 * Legacy blocks (version 1) are skipped with a message: the launcher asks
 * QEMU for modern ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graft/log.h>
#include "virtio_dev.h"
#include "virtio_guest.h"

#define VIRTIO_MMIO_BASE	0xfeb00000UL
#define VIRTIO_MMIO_STRIDE	0x200
#define VIRTIO_MMIO_SLOTS	24
#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976 /* "virt" */

#define R_MAGIC		      0x000
#define R_VERSION	      0x004
#define R_DEVICE_ID	      0x008
#define R_DEVICE_FEATURES     0x010
#define R_DEVICE_FEATURES_SEL 0x014
#define R_DRIVER_FEATURES     0x020
#define R_DRIVER_FEATURES_SEL 0x024
#define R_QUEUE_SEL	      0x030
#define R_QUEUE_NUM_MAX	      0x034
#define R_QUEUE_NUM	      0x038
#define R_QUEUE_READY	      0x044
#define R_QUEUE_NOTIFY	      0x050
#define R_INTERRUPT_STATUS    0x060
#define R_INTERRUPT_ACK	      0x064
#define R_STATUS	      0x070
#define R_QUEUE_DESC	      0x080
#define R_QUEUE_DRIVER	      0x090
#define R_QUEUE_DEVICE	      0x0a0
#define R_CONFIG	      0x100

#define IOAPIC_BASE 0xfec00000UL
#define IOAPIC_SEL  0x00
#define IOAPIC_WIN  0x10
#define IOAPIC_PINS 24

static uint32_t rd(struct vdev *d, unsigned r)
{
	return mmio_read32(d->regs + r);
}

static void wr(struct vdev *d, unsigned r, uint32_t v)
{
	mmio_write32(d->regs + r, v);
}

static void wr64(struct vdev *d, unsigned r, uint64_t v)
{
	wr(d, r, (uint32_t)v);
	wr(d, r + 4, (uint32_t)(v >> 32));
}

static uint32_t m_features(struct vdev *d, unsigned word)
{
	wr(d, R_DEVICE_FEATURES_SEL, word);
	return rd(d, R_DEVICE_FEATURES);
}

static void m_set_features(struct vdev *d, unsigned word, uint32_t v)
{
	wr(d, R_DRIVER_FEATURES_SEL, word);
	wr(d, R_DRIVER_FEATURES, v);
}

static uint8_t m_status(struct vdev *d)
{
	return (uint8_t)rd(d, R_STATUS);
}

static void m_set_status(struct vdev *d, uint8_t s)
{
	wr(d, R_STATUS, s);
}

static unsigned m_queue_max(struct vdev *d, unsigned qi)
{
	wr(d, R_QUEUE_SEL, qi);
	if (rd(d, R_QUEUE_READY))
		return 0; /* in use before we set it up: not ours to take */
	return rd(d, R_QUEUE_NUM_MAX);
}

static int m_queue_enable(struct vdev *d, unsigned qi, const struct virtq *q,
			  int wake)
{
	wr(d, R_QUEUE_SEL, qi);
	wr(d, R_QUEUE_NUM, q->size);
	wr64(d, R_QUEUE_DESC, virtq_desc_addr(q));
	wr64(d, R_QUEUE_DRIVER, virtq_avail_addr(q));
	wr64(d, R_QUEUE_DEVICE, virtq_used_addr(q));
	wr(d, R_QUEUE_READY, 1);
	return wake && d->irq_routed;
}

static void m_notify(struct vdev *d, unsigned qi)
{
	wr(d, R_QUEUE_NOTIFY, qi);
}

static void m_ack(struct vdev *d)
{
	uint32_t s = rd(d, R_INTERRUPT_STATUS);

	if (s)
		wr(d, R_INTERRUPT_ACK, s);
}

static const struct vdev_ops mmio_ops = {
    .features = m_features,
    .set_features = m_set_features,
    .status = m_status,
    .set_status = m_set_status,
    .queue_max = m_queue_max,
    .queue_enable = m_queue_enable,
    .notify = m_notify,
    .ack = m_ack,
};

/* Transports the command line named, in its order. */
static struct {
	uintptr_t base;
	unsigned irq;
} named[VDEV_MAX];
static unsigned nnamed;

int virtio_mmio_cmdline(const char *arg)
{
	static const char key[] = "virtio_mmio.device=";
	const char *p = arg + sizeof(key) - 1;
	unsigned long size, base, irq;
	char *end;

	if (strncmp(arg, key, sizeof(key) - 1) != 0)
		return 0;
	size = strtoul(p, &end, 0);
	if (*end == 'K' || *end == 'k') {
		size <<= 10;
		end++;
	}
	if (*end != '@' || size < R_CONFIG)
		return 1;
	base = strtoul(end + 1, &end, 0);
	if (*end != ':' || base < VIRTIO_MAPPED_TOP / 2 ||
	    base > VIRTIO_MAPPED_TOP - size)
		return 1;
	irq = strtoul(end + 1, &end, 10);
	if (*end || nnamed == VDEV_MAX)
		return 1;
	named[nnamed].base = base;
	named[nnamed++].irq = irq;
	return 1;
}

/* Route IOAPIC pin irq to our device vector, edge-triggered: the line is
 * level, but we acknowledge it (m_ack) every time we look at the device,
 * so each new event is a new edge and no level can hold an interrupt
 * storm over a halted CPU. */
static int ioapic_route(unsigned irq)
{
	if (irq >= IOAPIC_PINS)
		return 0;
	mmio_write32(IOAPIC_BASE + IOAPIC_SEL, 0x10 + 2 * irq + 1);
	mmio_write32(IOAPIC_BASE + IOAPIC_WIN, 0); /* to APIC 0 */
	mmio_write32(IOAPIC_BASE + IOAPIC_SEL, 0x10 + 2 * irq);
	mmio_write32(IOAPIC_BASE + IOAPIC_WIN, VIRTIO_VEC_DEVICE);
	return 1;
}

static void add_transport(uintptr_t base, int irq)
{
	uint32_t type;
	struct vdev *d;

	if (mmio_read32(base + R_MAGIC) != VIRTIO_MMIO_MAGIC_VALUE)
		return;
	type = mmio_read32(base + R_DEVICE_ID);
	if (type == 0)
		return;
	if (mmio_read32(base + R_VERSION) != 2) {
		graft_log(GRAFT_LOG_WARN, "virtio",
			  "mmio 0x%lx: legacy virtio device skipped",
			  (unsigned long)base);
		return;
	}
	d = virtio_dev_add();
	if (!d)
		return;
	d->ops = &mmio_ops;
	d->type = type;
	d->regs = base;
	d->cfg = base + R_CONFIG;
	d->irq_routed = irq >= 0 && ioapic_route((unsigned)irq);
	snprintf(d->where, sizeof(d->where), "mmio 0x%lx", (unsigned long)base);
}

void virtio_mmio_probe(void)
{
	if (nnamed) {
		for (unsigned i = 0; i < nnamed; i++)
			add_transport(named[i].base, (int)named[i].irq);
		return;
	}
	for (unsigned i = VIRTIO_MMIO_SLOTS; i-- > 0;)
		add_transport(VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE, -1);
}
