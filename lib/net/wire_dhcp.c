/*
 * DHCP messages (RFC 2131, options RFC 2132).  Only what a client needs:
 * parse server replies, emit DISCOVER/REQUEST/RELEASE.
 */
#include <string.h>
#include <graft/error.h>
#include "wire.h"

#define DHCP_MAGIC 0x63825363

static uint32_t opt_addr(const uint8_t *p, size_t olen)
{
	return olen >= 4 ? wire_rd32(p) : 0;
}

/* checks: each option inside the buffer; address options at least 4 bytes
 * (only the first address is used); message type 1 byte */
static int dhcp_parse_options(const uint8_t *p, size_t len,
			      struct wire_dhcp *d)
{
	size_t i = 0, olen;

	while (i < len) {
		uint8_t code = p[i];

		if (code == 255)
			return 0;
		if (code == 0) {
			i++;
			continue;
		}
		if (i + 2 > len)
			return GRAFT_EFORMAT;
		olen = p[i + 1];
		if (i + 2 + olen > len)
			return GRAFT_EFORMAT;
		const uint8_t *v = p + i + 2;
		switch (code) {
		case 1:
			d->mask = opt_addr(v, olen);
			break;
		case 3:
			d->router = opt_addr(v, olen);
			break;
		case 6:
			d->dns = opt_addr(v, olen);
			break;
		case 50:
			d->requested_ip = opt_addr(v, olen);
			break;
		case 51:
			d->lease_s = opt_addr(v, olen);
			break;
		case 53:
			if (olen != 1)
				return GRAFT_EFORMAT;
			d->msg_type = v[0];
			break;
		case 54:
			d->server_id = opt_addr(v, olen);
			break;
		case 58:
			d->t1_s = opt_addr(v, olen);
			break;
		case 59:
			d->t2_s = opt_addr(v, olen);
			break;
		default:
			break;
		}
		i += 2 + olen;
	}
	return 0;
}

/* checks: fixed part and magic cookie present; Ethernet hardware type with
 * 6-byte addresses; options as above */
int wire_dhcp_parse(const uint8_t *buf, size_t len, struct wire_dhcp *d)
{
	memset(d, 0, sizeof(*d));
	if (len < WIRE_DHCP_MIN)
		return GRAFT_EFORMAT;
	if (buf[1] != 1 || buf[2] != 6 || wire_rd32(buf + 236) != DHCP_MAGIC)
		return GRAFT_EFORMAT;
	d->op = buf[0];
	d->xid = wire_rd32(buf + 4);
	d->flags = wire_rd16(buf + 10);
	d->ciaddr = wire_rd32(buf + 12);
	d->yiaddr = wire_rd32(buf + 16);
	memcpy(d->chaddr, buf + 28, 6);
	return dhcp_parse_options(buf + WIRE_DHCP_MIN, len - WIRE_DHCP_MIN, d);
}

static size_t put_addr(uint8_t *p, uint8_t code, uint32_t a)
{
	p[0] = code;
	p[1] = 4;
	wire_wr32(p + 2, a);
	return 6;
}

size_t wire_dhcp_emit(uint8_t *buf, const struct wire_dhcp *d)
{
	size_t i = WIRE_DHCP_MIN;

	memset(buf, 0, WIRE_DHCP_MAX_EMIT);
	buf[0] = 1; /* BOOTREQUEST */
	buf[1] = 1;
	buf[2] = 6;
	wire_wr32(buf + 4, d->xid);
	wire_wr16(buf + 10, d->flags);
	wire_wr32(buf + 12, d->ciaddr);
	memcpy(buf + 28, d->chaddr, 6);
	wire_wr32(buf + 236, DHCP_MAGIC);
	buf[i++] = 53;
	buf[i++] = 1;
	buf[i++] = d->msg_type;
	if (d->requested_ip)
		i += put_addr(buf + i, 50, d->requested_ip);
	if (d->server_id)
		i += put_addr(buf + i, 54, d->server_id);
	buf[i++] = 55; /* parameter request list */
	buf[i++] = 3;
	buf[i++] = 1;
	buf[i++] = 3;
	buf[i++] = 6;
	buf[i++] = 255;
	while (i < 300)
		buf[i++] = 0; /* BOOTP minimum size */
	return i;
}
