/*
 * IPv4 input and output for a host (RFC 1122): no forwarding.  Routes are
 * the local subnet and one default gateway.  Output fragments datagrams
 * larger than the MTU; input hands fragments to iface_frag.c and dispatches
 * whole datagrams to ICMP, UDP and TCP.  With no address yet (DHCP), UDP to
 * any destination is accepted so that offers sent to the new address come
 * in.
 */
#include <string.h>
#include <graft/error.h>
#include "iface.h"

static bool is_broadcast(struct net_stack *s, uint32_t a)
{
	return a == 0xffffffff ||
	       (s->ip && s->mask && (a & s->mask) == (s->ip & s->mask) &&
		(a | s->mask) == 0xffffffff);
}

bool net_ipv4_is_local(struct net_stack *s, uint32_t dst)
{
	return (s->ip && dst == s->ip) || is_broadcast(s, dst);
}

bool net_ipv4_route(struct net_stack *s, uint32_t dst, uint32_t *next_hop)
{
	if (dst == 0xffffffff ||
	    (s->ip && (dst & s->mask) == (s->ip & s->mask))) {
		*next_hop = dst;
		return true;
	}
	if (s->gw && s->ip) {
		*next_hop = s->gw;
		return true;
	}
	return false;
}

static void dispatch(struct net_stack *s, const struct wire_ipv4 *ip,
		     const uint8_t *p, size_t len, bool bcast)
{
	switch (ip->proto) {
	case WIRE_IP_ICMP:
		if (!bcast)
			net_icmp_input(s, ip, p, len);
		break;
	case WIRE_IP_UDP:
		net_udp_input(s, ip, p, len);
		break;
	case WIRE_IP_TCP:
		if (!bcast)
			net_tcp_input(s, ip, p, len);
		break;
	default:
		s->st.rx_dropped++;
		if (!bcast)
			net_icmp_error(s, WIRE_ICMP_UNREACH,
				       WIRE_ICMP_PROTO_UNREACH, ip);
	}
}

void net_ipv4_input(struct net_stack *s, const uint8_t *pkt, size_t len,
		    bool link_broadcast)
{
	struct wire_ipv4 ip;
	const uint8_t *p;
	size_t plen;
	bool bcast;

	if (wire_ipv4_parse(pkt, len, &ip)) {
		s->st.rx_bad++;
		return;
	}
	bcast = is_broadcast(s, ip.dst) || link_broadcast;
	if (!net_ipv4_is_local(s, ip.dst) &&
	    !(s->ip == 0 && ip.proto == WIRE_IP_UDP)) {
		s->st.rx_dropped++;
		return;
	}
	p = ip.payload;
	plen = ip.payload_len;
	if (ip.mf || ip.frag_off) {
		p = net_frag_input(s, &ip, &plen);
		if (!p)
			return;
		ip.payload = p;
		ip.payload_len = plen;
		ip.mf = false;
		ip.frag_off = 0;
	}
	dispatch(s, &ip, p, plen, bcast);
}

static int send_one(struct net_stack *s, uint32_t next_hop,
		    const struct wire_ipv4 *h, size_t len)
{
	int err;

	wire_eth_emit(s->tx, wire_eth_broadcast, s->mac, WIRE_ETH_IPV4);
	wire_ipv4_emit(s->tx + WIRE_ETH_HLEN, h, len);
	err = net_arp_send(s, next_hop, s->tx,
			   WIRE_ETH_HLEN + WIRE_IPV4_HLEN + len);
	return err == GRAFT_EAGAIN ? 0 : err;
}

int net_ipv4_output(struct net_stack *s, uint32_t src, uint32_t dst,
		    uint8_t proto, const uint8_t *payload, size_t len)
{
	struct wire_ipv4 h;
	uint32_t next_hop;
	size_t max = (size_t)s->mtu - WIRE_IPV4_HLEN, chunk, off;
	uint8_t *room = net_tx_payload(s);
	int err;

	if (!net_ipv4_route(s, dst, &next_hop))
		return GRAFT_EHOSTUNREACH;
	if (len > 65535 - WIRE_IPV4_HLEN)
		return GRAFT_EMSGSIZE;
	memset(&h, 0, sizeof(h));
	h.ttl = NET_IP_TTL;
	h.proto = proto;
	h.src = src ? src : s->ip;
	h.dst = dst;
	h.id = s->ip_id++;
	if (len <= max) {
		if (payload != room)
			memmove(room, payload, len);
		return send_one(s, next_hop, &h, len);
	}
	/* fragments carry multiples of 8 bytes except the last */
	max &= ~(size_t)7;
	for (off = 0; off < len; off += chunk) {
		chunk = len - off < max ? len - off : max;
		memcpy(room, payload + off, chunk);
		h.frag_off = (uint16_t)off;
		h.mf = off + chunk < len;
		err = send_one(s, next_hop, &h, chunk);
		if (err)
			return err;
	}
	return 0;
}
