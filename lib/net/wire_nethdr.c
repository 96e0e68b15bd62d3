/*
 * The offload header before every frame on a device with offloads
 * (graft/nethdr.h: virtio's virtio_net_hdr_v1, little-endian).  Parse
 * checks what the host wrote; emit writes what graft asks of the host.
 */
#include <graft/error.h>
#include "wire.h"

static uint16_t rd_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void wr_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* checks: the header and an Ethernet header fit; only the NEEDS_CSUM and
 * DATA_VALID flags; gso_type NONE or TCPV4 (with or without ECN), and
 * then gso_size nonzero; with NEEDS_CSUM, the checksum field
 * (csum_start + csum_offset, two bytes) inside the frame */
int wire_nethdr_parse(const uint8_t *buf, size_t len, struct wire_nethdr *h)
{
	size_t frame_len;

	if (len < WIRE_NETHDR_LEN + WIRE_ETH_HLEN)
		return GRAFT_EFORMAT;
	frame_len = len - WIRE_NETHDR_LEN;
	h->flags = buf[0];
	h->gso_type = buf[1];
	h->hdr_len = rd_le16(buf + 2);
	h->gso_size = rd_le16(buf + 4);
	h->csum_start = rd_le16(buf + 6);
	h->csum_offset = rd_le16(buf + 8);
	if (h->flags &
	    ~(GRAFT_NET_HDR_F_NEEDS_CSUM | GRAFT_NET_HDR_F_DATA_VALID))
		return GRAFT_EFORMAT;
	switch (h->gso_type & ~GRAFT_NET_GSO_ECN) {
	case GRAFT_NET_GSO_NONE:
		break;
	case GRAFT_NET_GSO_TCPV4:
		if (!h->gso_size)
			return GRAFT_EFORMAT;
		break;
	default:
		return GRAFT_EFORMAT;
	}
	if ((h->flags & GRAFT_NET_HDR_F_NEEDS_CSUM) &&
	    ((size_t)h->csum_start + h->csum_offset + 2 > frame_len))
		return GRAFT_EFORMAT;
	return 0;
}

void wire_nethdr_emit(uint8_t *buf, const struct wire_nethdr *h)
{
	buf[0] = h->flags;
	buf[1] = h->gso_type;
	wr_le16(buf + 2, h->hdr_len);
	wr_le16(buf + 4, h->gso_size);
	wr_le16(buf + 6, h->csum_start);
	wr_le16(buf + 8, h->csum_offset);
	wr_le16(buf + 10, 0);
}

bool wire_nethdr_gso(const struct wire_nethdr *h)
{
	return (h->gso_type & ~GRAFT_NET_GSO_ECN) != GRAFT_NET_GSO_NONE;
}
