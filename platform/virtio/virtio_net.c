/*
 * virtio-net: queue 0 receives, queue 1 transmits.  RX_BUFS receive
 * buffers stay posted; a frame read is copied out and its buffer posted
 * again.  A frame sent is copied into one of TX_BUFS transmit buffers
 * (the caller's buffer may change as soon as we return); buffers come back
 * as the device uses them.  Every buffer starts with the 12-byte
 * virtio_net_hdr (virtio 1.x: with num_buffers), which we send zeroed:
 * no offloads are negotiated.
 */
#include <stdio.h>
#include <string.h>
#include <graft/error.h>
#include "virtio_dev.h"

#define VIRTIO_NET_F_MTU (1u << 3)
#define VIRTIO_NET_F_MAC (1u << 5)
#define NET_HDR		 12
#define ETH_HDR		 14
#define BUF_SIZE	 2048
#define RX_BUFS		 32
#define TX_BUFS		 32
#define RXQ		 0
#define TXQ		 1

struct net {
	uint8_t *rx[RX_BUFS];
	uint8_t *tx_free[TX_BUFS];
	unsigned ntx_free;
};

static struct net nets[VDEV_MAX];
static unsigned nnets;

static int post_rx(struct vdev *d, uint8_t *buf)
{
	struct virtq_buf b = {(uintptr_t)buf, BUF_SIZE};
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

	d->info.kind = PLAT_DEV_NET;
	snprintf(d->info.name, sizeof(d->info.name), "net%u", index);
	d->drv = n;
	if (virtio_dev_start(d, VIRTIO_NET_F_MAC | VIRTIO_NET_F_MTU, 2,
			     1u << RXQ) < 0)
		return GRAFT_EIO;
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
	for (int i = 0; i < RX_BUFS; i++) {
		n->rx[i] = virtio_dev_alloc(BUF_SIZE, 64);
		if (!n->rx[i])
			return virtio_dev_fail(d, "out of device memory");
		if (post_rx(d, n->rx[i]) < 0)
			return GRAFT_EIO;
	}
	for (int i = 0; i < TX_BUFS; i++) {
		n->tx_free[i] = virtio_dev_alloc(BUF_SIZE, 64);
		if (!n->tx_free[i])
			return virtio_dev_fail(d, "out of device memory");
	}
	n->ntx_free = TX_BUFS;
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
	if (len < ETH_HDR || len > d->info.mtu + (size_t)ETH_HDR)
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
	memcpy(buf + NET_HDR, frame, len);
	b = (struct virtq_buf){(uintptr_t)buf, (uint32_t)(NET_HDR + len)};
	if (virtq_add(&d->q[TXQ], &b, 1, 0, buf) < 0)
		return virtio_dev_queue_error(d, TXQ);
	d->ops->notify(d, TXQ);
	return 0;
}

int plat_net_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	struct vdev *d;
	uint8_t *rx;
	uint32_t got;
	int rc;

	d = virtio_dev_get(h, PLAT_DEV_NET, &rc);
	if (!d)
		return rc;
	if (size < d->info.mtu + (size_t)ETH_HDR)
		return GRAFT_EINVAL;
	for (;;) {
		rc = virtq_get(&d->q[RXQ], (void **)&rx, &got);
		if (rc < 0)
			return virtio_dev_queue_error(d, RXQ);
		if (rc == 0)
			return GRAFT_EAGAIN;
		/* A runt or a frame larger than we can take: dropped. */
		if (got >= NET_HDR + ETH_HDR && got - NET_HDR <= size)
			break;
		if (post_rx(d, rx) < 0)
			return GRAFT_EIO;
		d->ops->notify(d, RXQ);
	}
	*len = got - NET_HDR;
	memcpy(buf, rx + NET_HDR, *len);
	if (post_rx(d, rx) < 0)
		return GRAFT_EIO;
	d->ops->notify(d, RXQ);
	return 0;
}
