/* IPv4 headers (RFC 791).  Options are skipped, never interpreted. */
#include <graft/error.h>
#include "wire.h"

/* checks: version 4; 20 <= header length <= total length <= buffer; header
 * checksum; fragment end within 65535; source not broadcast/multicast */
int wire_ipv4_parse(const uint8_t *buf, size_t len, struct wire_ipv4 *ip)
{
	size_t hl, total;
	uint16_t frag;

	if (len < WIRE_IPV4_HLEN || buf[0] >> 4 != 4)
		return GRAFT_EFORMAT;
	hl = (size_t)(buf[0] & 0xf) * 4;
	total = wire_rd16(buf + 2);
	if (hl < WIRE_IPV4_HLEN || total < hl || total > len)
		return GRAFT_EFORMAT;
	if (wire_csum_fold(wire_csum_add(0, buf, hl)) != 0)
		return GRAFT_EFORMAT;
	frag = wire_rd16(buf + 6);
	ip->hdr = buf;
	ip->hdr_len = hl;
	ip->tos = buf[1];
	ip->id = wire_rd16(buf + 4);
	ip->df = frag & 0x4000;
	ip->mf = frag & 0x2000;
	ip->frag_off = (uint16_t)((frag & 0x1fff) * 8);
	ip->ttl = buf[8];
	ip->proto = buf[9];
	ip->src = wire_rd32(buf + 12);
	ip->dst = wire_rd32(buf + 16);
	ip->payload = buf + hl;
	ip->payload_len = total - hl;
	if ((frag & 0x8000) || (size_t)ip->frag_off + ip->payload_len > 65535)
		return GRAFT_EFORMAT;
	if (ip->src == 0xffffffff || (ip->src >> 28) == 0xe)
		return GRAFT_EFORMAT;
	return 0;
}

void wire_ipv4_emit(uint8_t *buf, const struct wire_ipv4 *ip,
		    size_t payload_len)
{
	uint16_t frag = ip->frag_off / 8;

	if (ip->df)
		frag |= 0x4000;
	if (ip->mf)
		frag |= 0x2000;
	buf[0] = 0x45;
	buf[1] = ip->tos;
	wire_wr16(buf + 2, (uint16_t)(WIRE_IPV4_HLEN + payload_len));
	wire_wr16(buf + 4, ip->id);
	wire_wr16(buf + 6, frag);
	buf[8] = ip->ttl;
	buf[9] = ip->proto;
	wire_wr16(buf + 10, 0);
	wire_wr32(buf + 12, ip->src);
	wire_wr32(buf + 16, ip->dst);
	wire_wr16(buf + 10, wire_csum_fold(wire_csum_add(0, buf, 20)));
}
