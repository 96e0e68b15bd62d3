/* ARP (RFC 826) for IPv4 over Ethernet only. */
#include <string.h>
#include <graft/error.h>
#include "wire.h"

/* checks: length, hardware Ethernet/6, protocol IPv4/4, op request/reply */
int wire_arp_parse(const uint8_t *buf, size_t len, struct wire_arp *a)
{
	if (len < WIRE_ARP_LEN)
		return GRAFT_EFORMAT;
	if (wire_rd16(buf) != 1 || wire_rd16(buf + 2) != WIRE_ETH_IPV4 ||
	    buf[4] != 6 || buf[5] != 4)
		return GRAFT_EFORMAT;
	a->op = wire_rd16(buf + 6);
	if (a->op != WIRE_ARP_REQUEST && a->op != WIRE_ARP_REPLY)
		return GRAFT_EFORMAT;
	memcpy(a->sha, buf + 8, 6);
	a->spa = wire_rd32(buf + 14);
	memcpy(a->tha, buf + 18, 6);
	a->tpa = wire_rd32(buf + 24);
	return 0;
}

void wire_arp_emit(uint8_t *buf, const struct wire_arp *a)
{
	wire_wr16(buf, 1);
	wire_wr16(buf + 2, WIRE_ETH_IPV4);
	buf[4] = 6;
	buf[5] = 4;
	wire_wr16(buf + 6, a->op);
	memcpy(buf + 8, a->sha, 6);
	wire_wr32(buf + 14, a->spa);
	memcpy(buf + 18, a->tha, 6);
	wire_wr32(buf + 24, a->tpa);
}
