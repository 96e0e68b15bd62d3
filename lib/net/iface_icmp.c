/*
 * ICMP for a host: answer echo requests (any size, also reassembled ones)
 * and send the errors RFC 1122 asks of a host: protocol and port
 * unreachable, fragment reassembly time exceeded.  Never an error about an
 * ICMP error, a broadcast, a non-first fragment or a bogus source (RFC 1122
 * 3.2.2), and at most NET_ICMP_ERR_BURST errors per 100 ms.
 */
#include <string.h>
#include "iface.h"

#define NET_ICMP_ERR_BURST 20
#define NET_ICMP_ERR_QUOTE 520 /* keeps the error within 576 bytes */

static void echo_reply(struct net_stack *s, const struct wire_ipv4 *ip,
		       const struct wire_icmp *m, const uint8_t *payload,
		       size_t len)
{
	struct wire_icmp r = { .type = WIRE_ICMP_ECHO_REPLY, .code = 0 };
	uint8_t *out;

	if (ip->dst != s->ip || !s->ip)
		return;
	out = len + WIRE_IPV4_HLEN <= s->mtu ? net_tx_payload(s) : s->big;
	memmove(out + WIRE_ICMP_HLEN, payload + WIRE_ICMP_HLEN,
		len - WIRE_ICMP_HLEN);
	r.rest = m->rest;
	wire_icmp_emit(out, &r, len - WIRE_ICMP_HLEN);
	net_ipv4_output(s, s->ip, ip->src, WIRE_IP_ICMP, out, len);
}

void net_icmp_input(struct net_stack *s, const struct wire_ipv4 *ip,
		    const uint8_t *payload, size_t len)
{
	struct wire_icmp m;

	if (wire_icmp_parse(payload, len, &m)) {
		s->st.rx_bad++;
		return;
	}
	if (m.type == WIRE_ICMP_ECHO && m.code == 0)
		echo_reply(s, ip, &m, payload, len);
}

static bool error_allowed(struct net_stack *s, const struct wire_ipv4 *orig)
{
	static const uint8_t info_types[] = { 0, 8, 13, 14, 15, 16, 17, 18 };
	unsigned i;

	if (orig->frag_off || orig->src == 0 || orig->dst == 0xffffffff ||
	    (orig->src >> 28) == 0xe || (orig->dst >> 28) == 0xe ||
	    net_ipv4_is_local(s, orig->src) ||
	    (orig->dst != s->ip && s->ip))
		return false;
	if (orig->proto == WIRE_IP_ICMP) {
		if (orig->payload_len < 1)
			return false;
		for (i = 0; i < sizeof(info_types); i++)
			if (orig->payload[0] == info_types[i])
				goto rate;
		return false;
	}
rate:
	if (s->now >= s->icmp_window + 100 * NET_MS) {
		s->icmp_window = s->now;
		s->icmp_sent = 0;
	}
	return ++s->icmp_sent <= NET_ICMP_ERR_BURST;
}

void net_icmp_error(struct net_stack *s, uint8_t type, uint8_t code,
		    const struct wire_ipv4 *orig)
{
	struct wire_icmp e = { .type = type, .code = code, .rest = 0 };
	uint8_t *out = net_tx_payload(s);
	size_t q = orig->payload_len;

	if (!s->ip || !error_allowed(s, orig))
		return;
	if (orig->hdr_len + q > NET_ICMP_ERR_QUOTE)
		q = NET_ICMP_ERR_QUOTE - orig->hdr_len;
	/* the payload may sit in s->tx already (it came from a frame we
	 * received, never from tx): copy header then payload */
	memmove(out + WIRE_ICMP_HLEN + orig->hdr_len, orig->payload, q);
	memmove(out + WIRE_ICMP_HLEN, orig->hdr, orig->hdr_len);
	wire_icmp_emit(out, &e, orig->hdr_len + q);
	net_ipv4_output(s, s->ip, orig->src, WIRE_IP_ICMP, out,
			WIRE_ICMP_HLEN + orig->hdr_len + q);
}
