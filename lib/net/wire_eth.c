/* Ethernet II frames: a 14-byte header, no VLAN tags, no FCS. */
#include <string.h>
#include <graft/error.h>
#include "wire.h"

const uint8_t wire_eth_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* checks: at least a header; the type is an EtherType, not a length */
int wire_eth_parse(const uint8_t *buf, size_t len, struct wire_eth *e)
{
	if (len < WIRE_ETH_HLEN)
		return GRAFT_EFORMAT;
	e->dst = buf;
	e->src = buf + 6;
	e->type = wire_rd16(buf + 12);
	if (e->type < 0x0600)
		return GRAFT_EFORMAT;
	e->payload = buf + WIRE_ETH_HLEN;
	e->payload_len = len - WIRE_ETH_HLEN;
	return 0;
}

void wire_eth_emit(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
		   uint16_t type)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	wire_wr16(buf + 12, type);
}
