/*
 * DNS messages (RFC 1035): emit an A query, parse a response.  Names in
 * responses may be compressed; following pointers is bounded so that a loop
 * cannot spin.
 */
#include <string.h>
#include <graft/error.h>
#include "wire.h"

#define DNS_HLEN 12
#define DNS_MAX_POINTERS 32

int wire_dns_read_name(const uint8_t *buf, size_t len, size_t off, char *out,
		       size_t out_size, size_t *next)
{
	size_t o = 0, pos = off;
	int jumps = 0;
	bool jumped = false;

	if (out_size == 0)
		return GRAFT_EFORMAT;
	for (;;) {
		if (pos >= len)
			return GRAFT_EFORMAT;
		uint8_t l = buf[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 2 > len || ++jumps > DNS_MAX_POINTERS)
				return GRAFT_EFORMAT;
			if (!jumped)
				*next = pos + 2;
			jumped = true;
			pos = (size_t)(l & 0x3f) << 8 | buf[pos + 1];
			continue;
		}
		if (l & 0xc0)
			return GRAFT_EFORMAT;
		if (l == 0) {
			if (!jumped)
				*next = pos + 1;
			break;
		}
		if (pos + 1 + l > len || o + l + 2 > out_size)
			return GRAFT_EFORMAT;
		if (o)
			out[o++] = '.';
		memcpy(out + o, buf + pos + 1, l);
		o += l;
		pos += 1 + l;
	}
	out[o] = 0;
	return 0;
}

int wire_dns_emit_query(uint8_t *buf, size_t size, uint16_t id,
			const char *name)
{
	size_t n = strlen(name), i = DNS_HLEN;
	const char *p = name;

	if (n == 0 || n > WIRE_DNS_NAME_MAX)
		return GRAFT_EINVAL;
	if (size < DNS_HLEN + n + 2 + 4)
		return GRAFT_ENOSPC;
	memset(buf, 0, DNS_HLEN);
	wire_wr16(buf, id);
	buf[2] = 0x01; /* recursion desired */
	wire_wr16(buf + 4, 1);
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		if (l == 0 || l > 63)
			return GRAFT_EINVAL;
		buf[i++] = (uint8_t)l;
		memcpy(buf + i, p, l);
		i += l;
		p += l;
		if (*p == '.')
			p++;
	}
	buf[i++] = 0;
	wire_wr16(buf + i, 1); /* A */
	wire_wr16(buf + i + 2, 1); /* IN */
	return (int)(i + 4);
}

/* checks: header; id; response bit; question echoes name; every record
 * inside the buffer; A data exactly 4 bytes */
int wire_dns_parse_response(const uint8_t *buf, size_t len, uint16_t id,
			    const char *name, uint32_t *addr)
{
	char want[WIRE_DNS_NAME_MAX + 2], owner[WIRE_DNS_NAME_MAX + 2];
	size_t off = DNS_HLEN;
	unsigned qd, an, i;

	if (len < DNS_HLEN || wire_rd16(buf) != id || !(buf[2] & 0x80))
		return GRAFT_EFORMAT;
	if (strlen(name) > WIRE_DNS_NAME_MAX)
		return GRAFT_EINVAL;
	qd = wire_rd16(buf + 4);
	an = wire_rd16(buf + 6);
	if (qd != 1)
		return GRAFT_EFORMAT;
	if (wire_dns_read_name(buf, len, off, owner, sizeof(owner), &off) ||
	    strcasecmp(owner, name) != 0 || off + 4 > len)
		return GRAFT_EFORMAT;
	off += 4;
	if ((buf[3] & 0x0f) == 3)
		return GRAFT_ENOENT;
	if (buf[3] & 0x0f)
		return GRAFT_EIO; /* SERVFAIL, REFUSED...: the server says no */
	strcpy(want, name);
	for (i = 0; i < an; i++) {
		uint16_t type, rdlen;
		if (wire_dns_read_name(buf, len, off, owner, sizeof(owner),
				       &off) ||
		    off + 10 > len)
			return GRAFT_EFORMAT;
		type = wire_rd16(buf + off);
		rdlen = wire_rd16(buf + off + 8);
		off += 10;
		if (off + rdlen > len)
			return GRAFT_EFORMAT;
		if (strcasecmp(owner, want) == 0) {
			if (type == 1) {
				if (rdlen != 4)
					return GRAFT_EFORMAT;
				*addr = wire_rd32(buf + off);
				return 0;
			}
			if (type == 5) { /* CNAME: follow to its target */
				size_t dummy;
				if (wire_dns_read_name(buf, len, off, want,
						       sizeof(want), &dummy))
					return GRAFT_EFORMAT;
			}
		}
		off += rdlen;
	}
	return GRAFT_ENOENT;
}
