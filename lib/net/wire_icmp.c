/* ICMP for IPv4 (RFC 792): an 8-byte header and data. */
#include <graft/error.h>
#include "wire.h"

/* checks: a whole header; checksum over the message */
int wire_icmp_parse(const uint8_t *buf, size_t len, struct wire_icmp *m)
{
	if (len < WIRE_ICMP_HLEN)
		return GRAFT_EFORMAT;
	if (wire_csum_fold(wire_csum_add(0, buf, len)) != 0)
		return GRAFT_EFORMAT;
	m->type = buf[0];
	m->code = buf[1];
	m->rest = wire_rd32(buf + 4);
	m->data = buf + WIRE_ICMP_HLEN;
	m->data_len = len - WIRE_ICMP_HLEN;
	return 0;
}

void wire_icmp_emit(uint8_t *buf, const struct wire_icmp *m, size_t data_len)
{
	buf[0] = m->type;
	buf[1] = m->code;
	wire_wr16(buf + 2, 0);
	wire_wr32(buf + 4, m->rest);
	wire_wr16(buf + 2, wire_csum_fold(wire_csum_add(
				   0, buf, WIRE_ICMP_HLEN + data_len)));
}
