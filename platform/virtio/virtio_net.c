/*
 * virtio-net: queue 0 receives, queue 1 transmits.  nbufs receive
 * buffers stay posted; a frame read is copied out and its buffer posted
 * again.  A frame sent is copied into one of nbufs transmit buffers
 * (the caller's buffer may change as soon as we return); buffers come back
 * as the device uses them.  Every buffer starts with the 12-byte
 * virtio_net_hdr (virtio 1.x: with num_buffers).
 *
 * Offloads: when the device offers checksums and TSO4 both ways (QEMU's
 * tap backend does when the tap has virtio-net headers) and device
 * memory has room for buffers of a 64 KiB segment, they are negotiated
 * and the device reports them (net_offloads, graft/nethdr.h): the header
 * then passes between the buffers and the kernel as it is, and the
 * buffers are fewer and larger (no mergeable buffers).  Otherwise the
 * header is sent zeroed and cut on receive, as before.
 *
 * A frame that finds no receive buffer waits in the host (a tap's queue
 * drops it when full, as a wire would): how many buffers we post decides
 * speed, never correctness.  8 large ones a way move TCP as fast as 16
 * or 32 under TCG (platform/virtio/README.md) in less memory;
 * virtio_boot.c's device memory holds two nets' worth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include <graft/log.h>
#include "virtio_dev.h"

#define VIRTIO_NET_F_CSUM	(1u << 0)
#define VIRTIO_NET_F_GUEST_CSUM (1u << 1)
#define VIRTIO_NET_F_MTU	(1u << 3)
#define VIRTIO_NET_F_MAC	(1u << 5)
#define VIRTIO_NET_F_GUEST_TSO4 (1u << 7)
#define VIRTIO_NET_F_HOST_TSO4	(1u << 11)
#define NET_OFFLOAD_FEATURES                                                   \
	(VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM |                         \
	 VIRTIO_NET_F_GUEST_TSO4 | VIRTIO_NET_F_HOST_TSO4)
#define NET_HDR	 12
#define ETH_HDR	 14
#define BUF_SIZE 2048
#define BUFS	 32 /* each way */
/* with offloads: buffers of a largest frame, fewer of them (see above) */
#define BIG_BUF_SIZE GRAFT_NET_FRAME_MAX
#define BIG_BUFS     8
#define BUFS_MIN     2
#define BUFS_MAX     32 /* what struct net holds, and virtio_net.bufs= */
#define RXQ	     0
#define TXQ	     1
_Static_assert(BUFS <= BUFS_MAX && BIG_BUFS <= BUFS_MAX,
	       "struct net holds BUFS_MAX buffers each way");

struct net {
	uint8_t *rx[BUFS_MAX];
	uint8_t *tx_free[BUFS_MAX];
	unsigned ntx_free;
	unsigned nbufs;	   /* each way */
	uint32_t buf_size; /* bytes per buffer */
	size_t hdr_kept;   /* NET_HDR with offloads: the kernel's */
};

static struct net nets[VDEV_MAX];
static unsigned nnets;
/* virtio_net.bufs=N on the command line: 0 if absent, BUFS_BAD if bad */
#define BUFS_BAD (~0u)
static unsigned bufs_asked;

int virtio_net_cmdline(const char *arg)
{
	static const char key[] = "virtio_net.bufs=";
	const char *p = arg + sizeof(key) - 1;
	unsigned long n;
	char *end;

	if (strncmp(arg, key, sizeof(key) - 1) != 0)
		return 0;
	n = strtoul(p, &end, 10);
	if (end == p || *end || n < BUFS_MIN || n > BUFS_MAX)
		bufs_asked = BUFS_BAD;
	else
		bufs_asked = (unsigned)n;
	return 1;
}

/* Buffers each way: the command line's count, or ours. */
static unsigned net_bufs(unsigned ours)
{
	return bufs_asked && bufs_asked != BUFS_BAD ? bufs_asked : ours;
}

static int post_rx(struct vdev *d, uint8_t *buf)
{
	struct net *n = d->drv;
	struct virtq_buf b = {(uintptr_t)buf, n->buf_size};
	int rc = virtq_add(&d->q[RXQ], &b, 0, 1, buf);

	if (rc < 0)
		return virtio_dev_fail(d, "receive queue: %s",
				       d->q[RXQ].broken ? d->q[RXQ].why
							: "full");
	return 0;
}

int virtio_net_init(struct vdev *d, unsigned index)
{
	struct net *n = &nets[nnets++];
	unsigned big_bufs;
	uint32_t wanted =
	    VIRTIO_NET_F_MAC | VIRTIO_NET_F_MTU | NET_OFFLOAD_FEATURES;

	d->info.kind = PLAT_DEV_NET;
	snprintf(d->info.name, sizeof(d->info.name), "net%u", index);
	d->drv = n;
	if (bufs_asked == BUFS_BAD && index == 0)
		graft_log(GRAFT_LOG_WARN, "virtio",
			  "virtio_net.bufs: not a count from %u to %u; "
			  "ignored",
			  BUFS_MIN, BUFS_MAX);
	/* rings come first; then room for the large buffers, or none */
	big_bufs = net_bufs(BIG_BUFS);
	if (virtio_dev_room() < 2u * big_bufs * BIG_BUF_SIZE + (128u << 10))
		wanted &= ~NET_OFFLOAD_FEATURES;
	if (virtio_dev_start(d, wanted, 2, 1u << RXQ) < 0)
		return GRAFT_EIO;
	n->nbufs = net_bufs(BUFS);
	n->buf_size = BUF_SIZE;
	if ((d->features0 & NET_OFFLOAD_FEATURES) == NET_OFFLOAD_FEATURES) {
		d->info.net_offloads = GRAFT_NET_OFF_CSUM | GRAFT_NET_OFF_TSO4;
		n->nbufs = big_bufs;
		n->buf_size = BIG_BUF_SIZE;
		n->hdr_kept = NET_HDR;
	}
	for (int i = 0; i < 6; i++)
		d->info.mac[i] = d->features0 & VIRTIO_NET_F_MAC
				     ? vdev_cfg8(d, i)
				     : (uint8_t)(i == 0 ? 0x02 : i);
	d->info.mtu = 1500;
	if (d->features0 & VIRTIO_NET_F_MTU) {
		uint16_t mtu = vdev_cfg8(d, 10) | vdev_cfg8(d, 11) << 8;

		if (mtu >= 68 && mtu < d->info.mtu)
			d->info.mtu = mtu;
	}
	for (unsigned i = 0; i < n->nbufs; i++) {
		n->rx[i] = virtio_dev_alloc(n->buf_size, 64);
		if (!n->rx[i])
			return virtio_dev_fail(d, "out of device memory");
		if (post_rx(d, n->rx[i]) < 0)
			return GRAFT_EIO;
	}
	for (unsigned i = 0; i < n->nbufs; i++) {
		n->tx_free[i] = virtio_dev_alloc(n->buf_size, 64);
		if (!n->tx_free[i])
			return virtio_dev_fail(d, "out of device memory");
	}
	n->ntx_free = n->nbufs;
	virtio_dev_ready(d);
	d->ops->notify(d, RXQ);
	return 0;
}

int virtio_net_ready(struct vdev *d)
{
	return virtq_pending(&d->q[RXQ]);
}

/* Take back the transmit buffers the device is done with. */
static int reclaim_tx(struct vdev *d, struct net *n)
{
	void *tok;
	uint32_t len;
	int rc;

	while ((rc = virtq_get(&d->q[TXQ], &tok, &len)) > 0)
		n->tx_free[n->ntx_free++] = tok;
	return rc < 0 ? virtio_dev_queue_error(d, TXQ) : 0;
}

int plat_net_write(plat_handle_t h, const void *frame, size_t len)
{
	struct virtq_buf b;
	struct vdev *d;
	struct net *n;
	uint8_t *buf;
	void *tok;
	uint32_t got;
	int rc;

	d = virtio_dev_get(h, PLAT_DEV_NET, &rc);
	if (!d)
		return rc;
	n = d->drv;
	if (len < n->hdr_kept + ETH_HDR || len > plat_net_frame_max(&d->info))
		return GRAFT_EINVAL;
	if ((rc = reclaim_tx(d, n)) < 0)
		return rc;
	if (n->ntx_free == 0) {
		if ((rc = virtio_dev_wait(d, TXQ, &tok, &got)) < 0)
			return rc;
		n->tx_free[n->ntx_free++] = tok;
	}
	buf = n->tx_free[--n->ntx_free];
	memset(buf, 0, NET_HDR);
	memcpy(buf + NET_HDR - n->hdr_kept, frame, len);
	b = (struct virtq_buf){(uintptr_t)buf,
			       (uint32_t)(NET_HDR - n->hdr_kept + len)};
	if (virtq_add(&d->q[TXQ], &b, 1, 0, buf) < 0)
		return virtio_dev_queue_error(d, TXQ);
	d->ops->notify(d, TXQ);
	return 0;
}

int plat_net_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	struct net *n;
	struct vdev *d;
	uint8_t *rx;
	uint32_t got;
	int rc;

	d = virtio_dev_get(h, PLAT_DEV_NET, &rc);
	if (!d)
		return rc;
	n = d->drv;
	if (size < plat_net_frame_max(&d->info))
		return GRAFT_EINVAL;
	for (;;) {
		rc = virtq_get(&d->q[RXQ], (void **)&rx, &got);
		if (rc < 0)
			return virtio_dev_queue_error(d, RXQ);
		if (rc == 0)
			return GRAFT_EAGAIN;
		/* A runt or a frame larger than we can take: dropped. */
		if (got >= NET_HDR + ETH_HDR && got <= n->buf_size &&
		    got - NET_HDR + n->hdr_kept <= size)
			break;
		if (post_rx(d, rx) < 0)
			return GRAFT_EIO;
		d->ops->notify(d, RXQ);
	}
	*len = got - NET_HDR + n->hdr_kept;
	memcpy(buf, rx + NET_HDR - n->hdr_kept, *len);
	if (post_rx(d, rx) < 0)
		return GRAFT_EIO;
	d->ops->notify(d, RXQ);
	return 0;
}
