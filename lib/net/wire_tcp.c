/*
 * TCP headers and the options graft understands: MSS (RFC 9293), window
 * scale and timestamps (RFC 7323), SACK-permitted and SACK blocks (RFC
 * 2018).  Block edges are only copied out here: whether they make sense is
 * for the connection to judge against its own sequence space.
 */
#include <graft/error.h>
#include "wire.h"

/* the blocks of a SACK option of olen bytes at p; checks: 1 to 4 blocks
 * of 8 bytes each, nothing left over */
static int tcp_parse_sack(const uint8_t *p, size_t olen, struct wire_tcp *t)
{
	size_t n = (olen - 2) / 8, i;

	if (olen < 10 || (olen - 2) % 8 || n > WIRE_TCP_SACK_MAX)
		return GRAFT_EFORMAT;
	for (i = 0; i < n; i++) {
		t->sack[i].lo = wire_rd32(p + 2 + 8 * i);
		t->sack[i].hi = wire_rd32(p + 6 + 8 * i);
	}
	t->n_sack = (uint8_t)n;
	return 0;
}

/* checks: each option's length is >= 2 and inside the header; known
 * options have their exact length (SACK: as tcp_parse_sack checks); the
 * window shift is capped at 14 */
static int tcp_parse_options(const uint8_t *p, size_t len, struct wire_tcp *t)
{
	size_t i = 0, olen;

	while (i < len) {
		uint8_t kind = p[i];

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 2 > len)
			return GRAFT_EFORMAT;
		olen = p[i + 1];
		if (olen < 2 || i + olen > len)
			return GRAFT_EFORMAT;
		switch (kind) {
		case 2:
			if (olen != 4)
				return GRAFT_EFORMAT;
			t->mss = wire_rd16(p + i + 2);
			break;
		case 3:
			if (olen != 3)
				return GRAFT_EFORMAT;
			t->wscale = (int8_t)(p[i + 2] > 14 ? 14 : p[i + 2]);
			break;
		case 4:
			if (olen != 2)
				return GRAFT_EFORMAT;
			t->sack_perm = true;
			break;
		case 5:
			if (tcp_parse_sack(p + i, olen, t))
				return GRAFT_EFORMAT;
			break;
		case 8:
			if (olen != 10)
				return GRAFT_EFORMAT;
			t->ts = true;
			t->tsval = wire_rd32(p + i + 2);
			t->tsecr = wire_rd32(p + i + 6);
			break;
		default:
			break;
		}
		i += olen;
	}
	return 0;
}

/* checks: 20 <= data offset <= buffer; checksum (unless csum_valid);
 * options as above; ports not 0 */
int wire_tcp_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
		   bool csum_valid, struct wire_tcp *t)
{
	size_t hl;
	uint32_t sum;

	if (len < WIRE_TCP_HLEN || len > 0xffff)
		return GRAFT_EFORMAT;
	hl = (size_t)(buf[12] >> 4) * 4;
	if (hl < WIRE_TCP_HLEN || hl > len)
		return GRAFT_EFORMAT;
	sum = wire_csum_pseudo(src, dst, WIRE_IP_TCP, (uint16_t)len);
	if (!csum_valid && wire_csum_fold(wire_csum_add(sum, buf, len)) != 0)
		return GRAFT_EFORMAT;
	t->sport = wire_rd16(buf);
	t->dport = wire_rd16(buf + 2);
	if (t->sport == 0 || t->dport == 0)
		return GRAFT_EFORMAT;
	t->seq = wire_rd32(buf + 4);
	t->ack = wire_rd32(buf + 8);
	t->flags = buf[13] & 0x3f;
	t->window = wire_rd16(buf + 14);
	t->urg = wire_rd16(buf + 18);
	t->mss = 0;
	t->wscale = -1;
	t->sack_perm = false;
	t->ts = false;
	t->tsval = t->tsecr = 0;
	t->n_sack = 0;
	if (tcp_parse_options(buf + WIRE_TCP_HLEN, hl - WIRE_TCP_HLEN, t))
		return GRAFT_EFORMAT;
	t->payload = buf + hl;
	t->payload_len = len - hl;
	return 0;
}

size_t wire_tcp_hlen(const struct wire_tcp *t)
{
	size_t n = WIRE_TCP_HLEN;

	if (t->mss)
		n += 4;
	if (t->wscale >= 0)
		n += 4; /* NOP + 3 */
	if (t->sack_perm)
		n += 4; /* NOP NOP + 2 */
	if (t->ts)
		n += 12; /* NOP NOP + 10 */
	if (t->n_sack)
		n += 4 + 8 * (size_t)t->n_sack; /* NOP NOP + 2 + 8 per block */
	return n;
}

/* the header with a zero checksum; returns its length */
static size_t tcp_emit_header(uint8_t *buf, const struct wire_tcp *t)
{
	size_t hl = wire_tcp_hlen(t), i = WIRE_TCP_HLEN;

	wire_wr16(buf, t->sport);
	wire_wr16(buf + 2, t->dport);
	wire_wr32(buf + 4, t->seq);
	wire_wr32(buf + 8, t->ack);
	buf[12] = (uint8_t)(hl / 4) << 4;
	buf[13] = t->flags;
	wire_wr16(buf + 14, t->window);
	wire_wr16(buf + 16, 0);
	wire_wr16(buf + 18, t->urg);
	if (t->mss) {
		buf[i] = 2;
		buf[i + 1] = 4;
		wire_wr16(buf + i + 2, t->mss);
		i += 4;
	}
	if (t->wscale >= 0) {
		buf[i] = 1;
		buf[i + 1] = 3;
		buf[i + 2] = 3;
		buf[i + 3] = (uint8_t)t->wscale;
		i += 4;
	}
	if (t->sack_perm) {
		buf[i] = buf[i + 1] = 1;
		buf[i + 2] = 4;
		buf[i + 3] = 2;
		i += 4;
	}
	if (t->ts) {
		buf[i] = buf[i + 1] = 1;
		buf[i + 2] = 8;
		buf[i + 3] = 10;
		wire_wr32(buf + i + 4, t->tsval);
		wire_wr32(buf + i + 8, t->tsecr);
		i += 12;
	}
	if (t->n_sack) {
		unsigned k;
		buf[i] = buf[i + 1] = 1;
		buf[i + 2] = 5;
		buf[i + 3] = (uint8_t)(2 + 8 * t->n_sack);
		for (k = 0; k < t->n_sack; k++) {
			wire_wr32(buf + i + 4 + 8 * k, t->sack[k].lo);
			wire_wr32(buf + i + 8 + 8 * k, t->sack[k].hi);
		}
	}
	return hl;
}

size_t wire_tcp_emit(uint8_t *buf, uint32_t src, uint32_t dst,
		     const struct wire_tcp *t)
{
	size_t hl = tcp_emit_header(buf, t), len = hl + t->payload_len;

	wire_wr16(buf + 16,
		  wire_csum_fold(wire_csum_add(
			  wire_csum_pseudo(src, dst, WIRE_IP_TCP,
					   (uint16_t)len),
			  buf, len)));
	return hl;
}

size_t wire_tcp_emit_partial(uint8_t *buf, uint32_t src, uint32_t dst,
			     const struct wire_tcp *t)
{
	size_t hl = tcp_emit_header(buf, t), len = hl + t->payload_len;

	wire_wr16(buf + 16, (uint16_t)~wire_csum_fold(wire_csum_pseudo(
				src, dst, WIRE_IP_TCP, (uint16_t)len)));
	return hl;
}
