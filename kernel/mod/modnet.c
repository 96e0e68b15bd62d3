/*
 * Plain frames for modules on a net device with offloads.  The module API
 * promises modules Ethernet frames of at most mtu + 14 bytes; a device
 * with offloads (graft/nethdr.h) moves each with a header in front and
 * may hand over partial checksums and 64 KiB TCP segments.  So, for
 * modules only: a send gets an empty header (no offload asked); a
 * received frame loses its header, a partial checksum is completed, and
 * a merged segment, which no module could take, is dropped.  The header's
 * fields come from the host and are checked before use.
 */
#include <stdlib.h>
#include <string.h>

#include <graft/device.h>
#include <graft/error.h>

#include "mod_internal.h"

static uint8_t *rx_scratch; /* GRAFT_NET_FRAME_MAX, once a module asks */

static uint16_t rd_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* The Internet checksum (RFC 1071) of len bytes, folded, complemented. */
static uint16_t inet_csum(const uint8_t *p, size_t len)
{
	uint64_t sum = 0;

	for (; len >= 2; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Make frame (header first, len bytes) plain in place: 0, or
 * GRAFT_EFORMAT when it must be dropped.  Checks: the header fits; no
 * segment to cut; a partial checksum's start and field lie in the
 * frame. */
static int modnet_plain(uint8_t *frame, size_t len)
{
	size_t start, field;
	uint16_t c;

	if (len < GRAFT_NET_HDR_LEN + 14)
		return GRAFT_EFORMAT;
	if ((frame[1] & ~GRAFT_NET_GSO_ECN) != GRAFT_NET_GSO_NONE)
		return GRAFT_EFORMAT;
	if (!(frame[0] & GRAFT_NET_HDR_F_NEEDS_CSUM))
		return 0;
	start = GRAFT_NET_HDR_LEN + (size_t)rd_le16(frame + 6);
	field = start + rd_le16(frame + 8);
	if (start >= len || field > len - 2)
		return GRAFT_EFORMAT;
	c = inet_csum(frame + start, len - start);
	frame[field] = (uint8_t)(c >> 8);
	frame[field + 1] = (uint8_t)c;
	return 0;
}

int modnet_send(struct graft_netdev *d, const void *frame, size_t len)
{
	uint8_t *buf;
	int rc;

	if (!d->offloads)
		return d->send(d, frame, len);
	buf = malloc(GRAFT_NET_HDR_LEN + len);
	if (!buf)
		return GRAFT_ENOMEM;
	memset(buf, 0, GRAFT_NET_HDR_LEN);
	memcpy(buf + GRAFT_NET_HDR_LEN, frame, len);
	rc = d->send(d, buf, GRAFT_NET_HDR_LEN + len);
	free(buf);
	return rc;
}

int modnet_recv(struct graft_netdev *d, void *buf, size_t size, size_t *len)
{
	size_t n;
	int rc;

	if (!d->offloads)
		return d->recv(d, buf, size, len);
	if (!rx_scratch && !(rx_scratch = malloc(GRAFT_NET_FRAME_MAX)))
		return GRAFT_ENOMEM;
	for (;;) {
		rc = d->recv(d, rx_scratch, GRAFT_NET_FRAME_MAX, &n);
		if (rc < 0)
			return rc;
		if (modnet_plain(rx_scratch, n) == 0)
			break;
	}
	n -= GRAFT_NET_HDR_LEN;
	if (n > size)
		return GRAFT_EIO; /* as a device does with a short buffer */
	memcpy(buf, rx_scratch + GRAFT_NET_HDR_LEN, n);
	*len = n;
	return 0;
}
