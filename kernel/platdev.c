/*
 * The platform's devices as graft devices: at boot, each block and net
 * handle is wrapped in a graft_blkdev or graft_netdev and registered under
 * its platform name.  Sector numbers become byte offsets here; range checks
 * happen here too, so a library's bad request never reaches the platform.
 * Control-channel handles are left to the control service.
 *
 * Net devices move frames in batches (plat_net_read_batch/write_batch),
 * which on hvt costs one exit per batch instead of one per frame:
 *  - recv hands out the frames of the last batch read, one per call, and
 *    reads the next batch when they are used up; wait returns at once
 *    while some are left, so that no frame waits for the next one.  A
 *    batch that stopped short of both its count and its buffer emptied
 *    the platform's queue, so the first recv after it says GRAFT_EAGAIN
 *    without asking again (on hvt that question is an exit); the wait
 *    that follows asks the platform anyway, and the next recv reads.  A
 *    wait with the batch used up lends its buffer to that yield
 *    (plat_net_read_ahead), which on hvt reads the next batch in its own
 *    exit;
 *  - send queues the frame; the queue goes out when it is full and when
 *    the kernel's loop is about to yield to the platform
 *    (fiber_set_turn_end): before it sleeps, at most every millisecond
 *    while fibers keep it busy, and before the instance exits.  So a
 *    frame waits at most for the busy stretch that sent it, and a
 *    stretch's frames go out together.  When the loop yields next, the
 *    queue is lent to that yield (plat_net_write_behind), which on hvt
 *    sends it in its own exit: a turn that sends and waits costs one.
 *    The loan ends at the next send or turn end, before the queue is
 *    touched; frames no yield took are written then, ahead of later ones.
 * A batch's lengths come from the platform and are checked against the
 * buffer before use.
 *
 * On a device with offloads (graft/nethdr.h) frames carry their header
 * through here untouched, and may be 64 KiB TCP segments: the buffers
 * then hold NET_BATCH_BYTES, a receive batch as many frames as fit with
 * room for a largest one.  Frames longer than mtu + 14 (with the header)
 * are counted each way, so that the host can see offloads at work
 * (platdev_net_stats).
 */
#include <stdlib.h>
#include <string.h>

#include <graft/device.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/log.h>
#include <graft/platform.h>

#include "kfiber.h"
#include "kplatdev.h"

struct platblk {
	struct graft_blkdev dev;
	plat_handle_t h;
	char name[32];
};

#define NET_BATCH	64	   /* frames, at most PLAT_NET_BATCH_MAX */
#define NET_BATCH_BYTES (1u << 20) /* with offloads, a batch's buffer */

/* Frames in a batch buffer (see plat_net_read_batch). */
struct net_batch {
	uint8_t *buf;
	size_t size;
	size_t off;	 /* of frame next */
	unsigned count;	 /* frames in the batch */
	unsigned next;	 /* rx: the next to hand out */
	bool drained;	 /* rx: the batch emptied the platform's queue */
	bool lent;	 /* buf is lent to the next yield */
	unsigned ahead;	 /* rx: frames that yield read into buf */
	unsigned behind; /* tx: frames that yield sent from buf */
	uint32_t lens[NET_BATCH];
	uint64_t frames, large; /* frames moved, and those above mtu + 14 */
};

struct platnet {
	struct graft_netdev dev;
	plat_handle_t h;
	char name[32];
	struct net_batch rx, tx;
	size_t frame_min, frame_max, frame_large; /* with the header */
	bool tx_error_logged;
	struct platnet *next; /* all net devices, for the end of a turn */
};

static struct platnet *all_nets;

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

/* The queue has been handed to the platform, which returned rc: frames it
 * refused are dropped (the first failure is logged), as a wire would drop
 * them. */
static void net_sent(struct platnet *n, int rc)
{
	struct net_batch *b = &n->tx;

	if (rc < 0 && !n->tx_error_logged) {
		graft_log(GRAFT_LOG_WARN, "dev", "%s: send failed: %s", n->name,
			  graft_strerror(rc));
		n->tx_error_logged = true;
	}
	b->count = 0;
	b->off = 0;
}

/* Send the queued frames now. */
static void net_write(struct platnet *n)
{
	struct net_batch *b = &n->tx;
	unsigned sent;

	if (b->count)
		net_sent(n, plat_net_write_batch(n->h, b->buf, b->size, b->lens,
						 b->count, &sent));
}

/* End the queue's loan to the yield (plat_net_write_behind): what it sent
 * is done; what no yield took goes now, ahead of any later frame. */
static void net_settle(struct platnet *n)
{
	int rc;

	if (!n->tx.lent)
		return;
	n->tx.lent = false;
	rc = plat_net_write_behind(n->h, NULL, 0, NULL, 0, NULL);
	if (rc == GRAFT_EAGAIN)
		net_write(n);
	else
		net_sent(n, rc);
}

static void net_flush(struct platnet *n)
{
	net_settle(n);
	net_write(n);
}

/* Lend the queue to the yield that follows; write it where that saves
 * nothing or another device holds the loan. */
static void net_lend(struct platnet *n)
{
	struct net_batch *b = &n->tx;

	net_settle(n);
	if (!b->count)
		return;
	if (plat_net_write_behind(n->h, b->buf, b->size, b->lens, b->count,
				  &b->behind) == 0)
		b->lent = true;
	else
		net_write(n);
}

void platdev_net_flush(void)
{
	for (struct platnet *n = all_nets; n; n = n->next)
		net_flush(n);
}

/* The end of the loop's turn: the queues go out, in the yield's own exit
 * when one follows. */
static void net_turn_end(bool yielding)
{
	for (struct platnet *n = all_nets; n; n = n->next) {
		if (yielding)
			net_lend(n);
		else
			net_flush(n);
	}
}

int platdev_net_stats(unsigned i, struct platdev_net_stats *st)
{
	struct platnet *n = all_nets;

	while (n && i--)
		n = n->next;
	if (!n)
		return GRAFT_ENOENT;
	st->name = n->name;
	st->offloads = n->dev.offloads;
	st->rx_frames = n->rx.frames;
	st->rx_large = n->rx.large;
	st->tx_frames = n->tx.frames;
	st->tx_large = n->tx.large;
	return 0;
}

static int net_send(struct graft_netdev *d, const void *frame, size_t len)
{
	struct platnet *n = d->priv;
	struct net_batch *b = &n->tx;

	if (len < n->frame_min || len > n->frame_max)
		return GRAFT_EINVAL;
	net_settle(n);
	if (b->count == NET_BATCH || len > b->size - b->off)
		net_flush(n);
	memcpy(b->buf + b->off, frame, len);
	b->lens[b->count++] = (uint32_t)len;
	b->frames++;
	b->large += len > n->frame_large;
	b->off = plat_net_batch_next(b->off, len);
	if (b->count == NET_BATCH || b->off >= b->size)
		net_flush(n);
	return 0;
}

/* Read the next batch, or take the one a yield read ahead; GRAFT_EAGAIN
 * if nothing is pending. */
static int net_refill(struct platnet *n)
{
	struct net_batch *b = &n->rx;
	unsigned count = 0;
	size_t end = 0;
	int rc = 0;

	b->count = b->next = 0;
	b->off = 0;
	if (b->lent) {
		plat_net_read_ahead(n->h, NULL, 0, NULL, 0, NULL); /* ends it */
		b->lent = false;
		count = b->ahead;
	}
	if (!count)
		rc = plat_net_read_batch(n->h, b->buf, b->size, b->lens,
					 NET_BATCH, &count);
	if (rc < 0)
		return rc;
	if (!count)
		return GRAFT_EAGAIN;
	if (count > NET_BATCH)
		return GRAFT_EIO;
	b->count = count;
	/* short of its count with room left for a largest frame: the
	 * platform had no more (the lengths are checked as frames go out) */
	for (unsigned i = 0; i < count && end <= b->size; i++)
		end = plat_net_batch_next(end, b->lens[i]);
	b->drained = count < NET_BATCH && end <= b->size &&
		     b->size - end >= n->frame_max;
	return 0;
}

static int net_recv(struct graft_netdev *d, void *buf, size_t size, size_t *len)
{
	struct platnet *n = d->priv;
	struct net_batch *b = &n->rx;
	size_t flen;
	int rc;

	if (b->next == b->count && b->drained && !(b->lent && b->ahead)) {
		b->drained = false;
		return GRAFT_EAGAIN;
	}
	if (b->next == b->count && (rc = net_refill(n)) < 0)
		return rc;
	flen = b->lens[b->next];
	if (b->off > b->size || flen > b->size - b->off || flen > size) {
		b->next =
		    b->count; /* the rest of the batch cannot be trusted */
		return GRAFT_EIO;
	}
	memcpy(buf, b->buf + b->off, flen);
	*len = flen;
	b->frames++;
	b->large += flen > n->frame_large;
	b->off = plat_net_batch_next(b->off, flen);
	b->next++;
	return 0;
}

static int net_wait(struct graft_netdev *d, uint64_t deadline)
{
	struct platnet *n = d->priv;
	struct net_batch *b = &n->rx;

	if (b->next < b->count || (b->lent && b->ahead))
		return 0;
	if (!b->lent && plat_net_read_ahead(n->h, b->buf, b->size, b->lens,
					    NET_BATCH, &b->ahead) == 0)
		b->lent = true;
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

static int batch_init(struct net_batch *b, size_t frame_max)
{
	b->size = (size_t)NET_BATCH * plat_net_batch_next(0, frame_max);
	if (b->size > NET_BATCH_BYTES)
		b->size = NET_BATCH_BYTES;
	b->buf = malloc(b->size);
	return b->buf ? 0 : GRAFT_ENOMEM;
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
	n->dev.offloads = info->net_offloads;
	n->frame_max = plat_net_frame_max(info);
	n->frame_large = info->mtu + 14u;
	n->frame_min = 14;
	if (info->net_offloads) {
		n->frame_min += GRAFT_NET_HDR_LEN;
		n->frame_large += GRAFT_NET_HDR_LEN;
	}
	n->dev.send = net_send;
	n->dev.recv = net_recv;
	n->dev.wait = net_wait;
	n->dev.priv = n;
	if ((rc = batch_init(&n->rx, n->frame_max)) < 0 ||
	    (rc = batch_init(&n->tx, n->frame_max)) < 0)
		goto fail;
	rc = graft_device_register(GRAFT_DEVICE_NET, n->name, &n->dev);
	if (rc < 0)
		goto fail;
	n->next = all_nets;
	all_nets = n;
	fiber_set_turn_end(net_turn_end);
	return 0;
fail:
	free(n->rx.buf);
	free(n->tx.buf);
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
