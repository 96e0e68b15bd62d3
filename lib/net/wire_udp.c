/* UDP (RFC 768) with the pseudo-header checksum. */
#include <graft/error.h>
#include "wire.h"

/* checks: 8 <= length field <= buffer; checksum unless it is 0 (absent)
 * or csum_valid; destination port not 0 */
int wire_udp_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
		   bool csum_valid, struct wire_udp *u)
{
	size_t ulen;
	uint32_t sum;

	if (len < WIRE_UDP_HLEN)
		return GRAFT_EFORMAT;
	ulen = wire_rd16(buf + 4);
	if (ulen < WIRE_UDP_HLEN || ulen > len)
		return GRAFT_EFORMAT;
	if (!csum_valid && wire_rd16(buf + 6) != 0) {
		sum = wire_csum_pseudo(src, dst, WIRE_IP_UDP, (uint16_t)ulen);
		if (wire_csum_fold(wire_csum_add(sum, buf, ulen)) != 0)
			return GRAFT_EFORMAT;
	}
	u->sport = wire_rd16(buf);
	u->dport = wire_rd16(buf + 2);
	if (u->dport == 0)
		return GRAFT_EFORMAT;
	u->payload = buf + WIRE_UDP_HLEN;
	u->payload_len = ulen - WIRE_UDP_HLEN;
	return 0;
}

void wire_udp_emit(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport,
		   uint16_t dport, size_t payload_len)
{
	uint16_t ulen = (uint16_t)(WIRE_UDP_HLEN + payload_len);
	uint16_t c;

	wire_wr16(buf, sport);
	wire_wr16(buf + 2, dport);
	wire_wr16(buf + 4, ulen);
	wire_wr16(buf + 6, 0);
	c = wire_csum_fold(wire_csum_add(
		wire_csum_pseudo(src, dst, WIRE_IP_UDP, ulen), buf, ulen));
	wire_wr16(buf + 6, c ? c : 0xffff);
}
