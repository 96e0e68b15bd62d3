/*
 * The virtio PCI transport (virtio 1.x, "modern"): devices 0x1040 + type
 * of vendor 0x1af4 on bus 0, found through configuration mechanism 1
 * (ports 0xcf8/0xcfc, on q35 and pc alike).  Their registers are reached
 * through vendor capabilities naming a BAR, an offset and a length; each
 * is checked to lie in an assigned memory BAR below the mapped 4 GiB
 * before use.  The firmware has assigned the BARs; we enable memory
 * decoding and bus mastering.  Receive queues interrupt through MSI-X
 * entry 0, sent to VIRTIO_VEC_DEVICE, which only wakes a halted CPU.
 */
#include <stdio.h>
#include <graft/log.h>
#include "virtio_dev.h"
#include "virtio_guest.h"

#define PCI_VENDOR_VIRTIO     0x1af4
#define PCI_DEVICE_MODERN     0x1040
#define PCI_DEVICE_MODERN_END 0x107f
#define PCI_COMMAND	      0x04
#define PCI_STATUS	      0x06
#define PCI_HEADER_TYPE	      0x0e
#define PCI_BAR0	      0x10
#define PCI_CAP_PTR	      0x34
#define PCI_STATUS_CAPS	      0x10
#define PCI_COMMAND_MEMORY    0x02
#define PCI_COMMAND_MASTER    0x04
#define PCI_CAP_VENDOR	      0x09
#define PCI_MAX_CAPS	      48

#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR	   3
#define CAP_DEVICE 4

/* struct virtio_pci_common_cfg */
#define C_DFSELECT    0x00
#define C_DF	      0x04
#define C_GFSELECT    0x08
#define C_GF	      0x0c
#define C_STATUS      0x14
#define C_Q_SELECT    0x16
#define C_Q_SIZE      0x18
#define C_Q_MSIX      0x1a
#define C_Q_ENABLE    0x1c
#define C_Q_NOFF      0x1e
#define C_Q_DESC      0x20
#define C_Q_AVAIL     0x28
#define C_Q_USED      0x30
#define C_SIZE	      0x38
#define C_MSIX_CONFIG 0x10

#define PCI_CAP_MSIX  0x11
#define PCI_NO_VECTOR 0xffff
#define MSIX_ENABLE   (1u << 31) /* message control bit 15, in its dword */
#define MSIX_MASK_ALL (1u << 30)
#define MSI_ADDRESS   0xfee00000u /* the LAPIC of CPU 0, fixed delivery */

static uint32_t cfg_read(unsigned bdf, unsigned off)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (off & 0xfc));
	return inl(0xcfc);
}

static void cfg_write(unsigned bdf, unsigned off, uint32_t v)
{
	outl(0xcf8, 0x80000000u | bdf << 8 | (off & 0xfc));
	outl(0xcfc, v);
}

static volatile uint8_t *c8(struct vdev *d, unsigned off)
{
	return (volatile uint8_t *)(d->regs + off);
}

static volatile uint16_t *c16(struct vdev *d, unsigned off)
{
	return (volatile uint16_t *)(d->regs + off);
}

static volatile uint32_t *c32(struct vdev *d, unsigned off)
{
	return (volatile uint32_t *)(d->regs + off);
}

static void c64(struct vdev *d, unsigned off, uint64_t v)
{
	*c32(d, off) = (uint32_t)v;
	*c32(d, off + 4) = (uint32_t)(v >> 32);
}

static uint32_t p_features(struct vdev *d, unsigned word)
{
	*c32(d, C_DFSELECT) = word;
	return *c32(d, C_DF);
}

static void p_set_features(struct vdev *d, unsigned word, uint32_t v)
{
	*c32(d, C_GFSELECT) = word;
	*c32(d, C_GF) = v;
}

static uint8_t p_status(struct vdev *d)
{
	return *c8(d, C_STATUS);
}

static void p_set_status(struct vdev *d, uint8_t s)
{
	*c8(d, C_STATUS) = s;
}

static unsigned p_queue_max(struct vdev *d, unsigned qi)
{
	*c16(d, C_Q_SELECT) = (uint16_t)qi;
	return *c16(d, C_Q_SIZE);
}

static int p_queue_enable(struct vdev *d, unsigned qi, const struct virtq *q,
			  int wake)
{
	uint16_t vector = wake && d->msix ? 0 : PCI_NO_VECTOR;

	*c16(d, C_Q_SELECT) = (uint16_t)qi;
	*c16(d, C_Q_SIZE) = q->size;
	*c16(d, C_Q_MSIX) = vector;
	c64(d, C_Q_DESC, virtq_desc_addr(q));
	c64(d, C_Q_AVAIL, virtq_avail_addr(q));
	c64(d, C_Q_USED, virtq_used_addr(q));
	*c16(d, C_Q_ENABLE) = 1;
	/* The device says PCI_NO_VECTOR back if it could not take it. */
	return vector != PCI_NO_VECTOR && *c16(d, C_Q_MSIX) == vector;
}

static void p_notify(struct vdev *d, unsigned qi)
{
	uint16_t off;

	*c16(d, C_Q_SELECT) = (uint16_t)qi;
	off = *c16(d, C_Q_NOFF);
	*(volatile uint16_t *)(d->notify + (uintptr_t)off * d->notify_mult) =
	    (uint16_t)qi;
}

static void p_ack(struct vdev *d)
{
	(void)*(volatile uint8_t *)d->isr; /* reading clears it */
}

static const struct vdev_ops pci_ops = {
    .features = p_features,
    .set_features = p_set_features,
    .status = p_status,
    .set_status = p_set_status,
    .queue_max = p_queue_max,
    .queue_enable = p_queue_enable,
    .notify = p_notify,
    .ack = p_ack,
};

/* The address of [off, off + len) in BAR bar, or 0 if it is not a memory
 * BAR the firmware assigned below the mapped top. */
static uintptr_t bar_range(unsigned bdf, unsigned bar, uint32_t off,
			   uint32_t len)
{
	uint32_t lo, hi = 0;
	uint64_t base;

	if (bar > 5)
		return 0;
	lo = cfg_read(bdf, PCI_BAR0 + 4 * bar);
	if (lo & 1)
		return 0; /* an I/O BAR */
	if ((lo & 6) == 4) {
		if (bar == 5)
			return 0;
		hi = cfg_read(bdf, PCI_BAR0 + 4 * (bar + 1));
	}
	base = ((uint64_t)hi << 32) | (lo & ~0xfu);
	if (!base || base + off + len > VIRTIO_MAPPED_TOP || base + off < base)
		return 0;
	return (uintptr_t)(base + off);
}

/* MSI-X entry 0 to our one device vector; config changes interrupt
 * nobody.  Queues then choose it (p_queue_enable). */
static void msix_setup(struct vdev *d, unsigned bdf, unsigned cap)
{
	uint32_t ctl = cfg_read(bdf, cap), tbl = cfg_read(bdf, cap + 4);
	uintptr_t t = bar_range(bdf, tbl & 7, tbl & ~7u, 16);

	if (!t)
		return;
	mmio_write32(t + 0, MSI_ADDRESS);
	mmio_write32(t + 4, 0);
	mmio_write32(t + 8, VIRTIO_VEC_DEVICE);
	mmio_write32(t + 12, 0); /* unmasked */
	cfg_write(bdf, cap, (ctl | MSIX_ENABLE) & ~MSIX_MASK_ALL);
	*c16(d, C_MSIX_CONFIG) = PCI_NO_VECTOR;
	d->msix = t;
}

/* Find the four capabilities; 0, or a message naming what is missing. */
static const char *parse_caps(struct vdev *d, unsigned bdf)
{
	unsigned ptr, n = 0, msix = 0;

	if (!(cfg_read(bdf, PCI_COMMAND) >> 16 & PCI_STATUS_CAPS))
		return "no capability list";
	ptr = cfg_read(bdf, PCI_CAP_PTR) & 0xfc;
	for (; ptr >= 0x40 && n < PCI_MAX_CAPS; n++) {
		uint32_t h = cfg_read(bdf, ptr);
		uint32_t off = cfg_read(bdf, ptr + 8);
		uint32_t len = cfg_read(bdf, ptr + 12);
		unsigned bar = cfg_read(bdf, ptr + 4) & 0xff;
		unsigned type = h >> 24;
		uintptr_t a;

		if ((h & 0xff) == PCI_CAP_MSIX)
			msix = ptr;
		if ((h & 0xff) == PCI_CAP_VENDOR && type >= CAP_COMMON &&
		    type <= CAP_DEVICE) {
			a = bar_range(bdf, bar, off, len);
			if (!a)
				return "a capability outside its BAR or above "
				       "4 GiB";
			if (type == CAP_COMMON && len >= C_SIZE)
				d->regs = a;
			else if (type == CAP_NOTIFY) {
				d->notify = a;
				d->notify_mult = cfg_read(bdf, ptr + 16);
			} else if (type == CAP_ISR)
				d->isr = a;
			else if (type == CAP_DEVICE)
				d->cfg = a;
		}
		ptr = (h >> 8) & 0xfc;
	}
	if (!d->regs || !d->notify || !d->isr || !d->cfg)
		return "missing virtio capabilities";
	if (msix)
		msix_setup(d, bdf, msix);
	return NULL;
}

static void probe_function(unsigned bdf)
{
	uint32_t id = cfg_read(bdf, 0);
	unsigned vendor = id & 0xffff, device = id >> 16;
	const char *why;
	struct vdev *d;

	if (vendor != PCI_VENDOR_VIRTIO || device < PCI_DEVICE_MODERN ||
	    device > PCI_DEVICE_MODERN_END)
		return;
	d = virtio_dev_add();
	if (!d)
		return;
	d->ops = &pci_ops;
	d->type = device - PCI_DEVICE_MODERN;
	snprintf(d->where, sizeof(d->where), "pci %u:%u.%u", bdf >> 8,
		 (bdf >> 3) & 31, bdf & 7);
	cfg_write(bdf, PCI_COMMAND,
		  (cfg_read(bdf, PCI_COMMAND) & 0xffff) | PCI_COMMAND_MEMORY |
		      PCI_COMMAND_MASTER);
	why = parse_caps(d, bdf);
	if (why) {
		d->ops = NULL;
		virtio_dev_fail(d, "%s", why);
	}
}

void virtio_pci_probe(void)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		unsigned bdf = dev << 3;
		uint32_t id = cfg_read(bdf, 0);
		unsigned nfn;

		if ((id & 0xffff) == 0xffff)
			continue;
		nfn = (cfg_read(bdf, PCI_HEADER_TYPE & 0xfc) >> 16 & 0x80) ? 8
									   : 1;
		for (unsigned fn = 0; fn < nfn; fn++)
			probe_function(bdf | fn);
	}
}
