/*
 * The control channel over virtio-console: port 0 of a console device
 * without the multiport feature, so just two queues (0 receives, 1
 * transmits) carrying a byte stream.  The launcher (tender/virtio) writes
 * each request from the graft tool into it whole; we cut messages out of
 * the stream by their header (include/abi/ctl.h), which is checked: a bad
 * magic or a length beyond CTL_MAX_MESSAGE loses the stream's framing for
 * good, so the channel is failed with a message.
 *
 * A message being assembled lives in a heap buffer sized from its header;
 * a receive buffer is posted again once every byte of it has been taken.
 */
#include <stdlib.h>
#include <string.h>
#include <abi/ctl.h>
#include <graft/error.h>
#include "virtio_dev.h"

#define BUF_SIZE 4096
#define RX_BUFS	 16
#define RXQ	 0
#define TXQ	 1
#define HDR	 sizeof(struct ctl_header)

struct cons {
	uint8_t *rx[RX_BUFS];
	uint8_t *cur; /* receive buffer being taken from, or NULL */
	uint32_t cur_len, cur_off;
	struct ctl_header hdr;
	uint8_t *msg; /* HDR + hdr.length bytes once the header is in */
	size_t have;  /* bytes of the message so far */
};

static struct cons cons;

int virtio_cons_init(struct vdev *d)
{
	d->info.kind = PLAT_DEV_CTL;
	memcpy(d->info.name, "ctl", 4);
	d->drv = &cons;
	if (virtio_dev_start(d, 0, 2, 1u << RXQ) < 0)
		return GRAFT_EIO;
	for (int i = 0; i < RX_BUFS; i++) {
		struct virtq_buf b;

		cons.rx[i] = virtio_dev_alloc(BUF_SIZE, 64);
		if (!cons.rx[i])
			return virtio_dev_fail(d, "out of device memory");
		b = (struct virtq_buf){(uintptr_t)cons.rx[i], BUF_SIZE};
		if (virtq_add(&d->q[RXQ], &b, 0, 1, cons.rx[i]) < 0)
			return virtio_dev_queue_error(d, RXQ);
	}
	virtio_dev_ready(d);
	d->ops->notify(d, RXQ);
	return 0;
}

static int message_complete(const struct cons *c)
{
	return c->msg && c->have == HDR + c->hdr.length;
}

int virtio_cons_ready(struct vdev *d)
{
	struct cons *c = d->drv;

	return message_complete(c) || c->cur || virtq_pending(&d->q[RXQ]);
}

/* Move bytes from the current receive buffer into the message. */
static int take_bytes(struct vdev *d, struct cons *c)
{
	uint32_t avail = c->cur_len - c->cur_off;
	size_t want = c->msg ? HDR + c->hdr.length - c->have : HDR - c->have;
	size_t n = avail < want ? avail : want;

	memcpy((c->msg ? c->msg : (uint8_t *)&c->hdr) + c->have,
	       c->cur + c->cur_off, n);
	c->cur_off += n;
	c->have += n;
	if (!c->msg && c->have == HDR) {
		if (c->hdr.magic != CTL_MAGIC ||
		    c->hdr.length > CTL_MAX_MESSAGE)
			return virtio_dev_fail(d, "bad message header from "
						  "the host");
		c->msg = malloc(HDR + c->hdr.length);
		if (!c->msg)
			return virtio_dev_fail(d,
					       "no memory for a %u-byte "
					       "message",
					       (unsigned)c->hdr.length);
		memcpy(c->msg, &c->hdr, HDR);
	}
	return 0;
}

/* Assemble until a message is complete or the device has nothing more. */
static int pump(struct vdev *d, struct cons *c)
{
	while (!message_complete(c)) {
		int rc;

		if (!c->cur) {
			void *tok;
			uint32_t len;

			rc = virtq_get(&d->q[RXQ], &tok, &len);
			if (rc < 0)
				return virtio_dev_queue_error(d, RXQ);
			if (rc == 0)
				return 0;
			c->cur = tok;
			c->cur_len = len;
			c->cur_off = 0;
		}
		if ((rc = take_bytes(d, c)) < 0)
			return rc;
		if (c->cur_off == c->cur_len) {
			struct virtq_buf b = {(uintptr_t)c->cur, BUF_SIZE};

			if (virtq_add(&d->q[RXQ], &b, 0, 1, c->cur) < 0)
				return virtio_dev_queue_error(d, RXQ);
			d->ops->notify(d, RXQ);
			c->cur = NULL;
		}
	}
	return 0;
}

int plat_ctl_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	struct vdev *d;
	struct cons *c;
	int rc;

	d = virtio_dev_get(h, PLAT_DEV_CTL, &rc);
	if (!d)
		return rc;
	c = d->drv;
	if ((rc = pump(d, c)) < 0)
		return rc;
	if (!message_complete(c))
		return GRAFT_EAGAIN;
	*len = c->have;
	/* Too big for buf: its first size bytes, and it stays queued for a
	 * bigger buffer, unless buf is NULL and size 0 (drop it). */
	if (c->have > size && (buf || size)) {
		memcpy(buf, c->msg, size);
		return GRAFT_EMSGSIZE;
	}
	if (buf)
		memcpy(buf, c->msg, c->have);
	free(c->msg);
	c->msg = NULL;
	c->have = 0;
	return 0;
}

int plat_ctl_write(plat_handle_t h, const void *buf, size_t len)
{
	struct vdev *d;
	int rc;

	d = virtio_dev_get(h, PLAT_DEV_CTL, &rc);
	if (!d)
		return rc;
	/* The caller's buffer goes to the device as it is; we wait. */
	while (len) {
		uint32_t n = len > (64u << 10) ? (64u << 10) : (uint32_t)len;
		struct virtq_buf b = {(uintptr_t)buf, n};
		void *tok;
		uint32_t got;

		if (virtq_add(&d->q[TXQ], &b, 1, 0, (void *)buf) < 0)
			return virtio_dev_queue_error(d, TXQ);
		d->ops->notify(d, TXQ);
		if ((rc = virtio_dev_wait(d, TXQ, &tok, &got)) < 0)
			return rc;
		buf = (const char *)buf + n;
		len -= n;
	}
	return 0;
}
