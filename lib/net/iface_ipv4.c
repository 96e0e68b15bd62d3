/*
 * IPv4 input and output for a host (RFC 1122): no forwarding.  Routes are
 * the local subnet and one default gateway.  Output fragments datagrams
 * larger than the MTU; input hands fragments to iface_frag.c and dispatches
 * whole datagrams to ICMP, UDP and TCP.  With no address yet (DHCP), UDP to
 * any destination is accepted so that offers sent to the new address come
 * in.  On a device with offloads (graft/nethdr.h) TCP may ask for a large
 * segment, which goes out whole for the device to cut; one that comes in
 * whole must be TCP and unfragmented.
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

	if (wire_ipv4_parse(pkt, len, &ip) ||
	    (s->rx_gso && (ip.proto != WIRE_IP_TCP || ip.mf || ip.frag_off))) {
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
		s->rx_csum_valid = false; /* vouched for one piece at most */
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

/* The offload header before s->tx: what off asks, or nothing. */
static void emit_offload(struct net_stack *s, const struct net_tx_offload *off,
			 size_t len)
{
	struct wire_nethdr vh = {0};
	const size_t start = WIRE_ETH_HLEN + WIRE_IPV4_HLEN;

	if (!s->dev->offloads)
		return;
	if (off && off->csum_offset) {
		vh.flags = GRAFT_NET_HDR_F_NEEDS_CSUM;
		vh.csum_start = start;
		vh.csum_offset = off->csum_offset;
	}
	if (off && off->gso_size && len > off->hdr_len + off->gso_size) {
		vh.gso_type = GRAFT_NET_GSO_TCPV4;
		vh.gso_size = off->gso_size;
		vh.hdr_len = (uint16_t)(start + off->hdr_len);
		s->st.tx_gso++;
	}
	wire_nethdr_emit(s->tx - WIRE_NETHDR_LEN, &vh);
}

static int send_one(struct net_stack *s, uint32_t next_hop,
		    const struct wire_ipv4 *h, size_t len,
		    const struct net_tx_offload *off)
{
	int err;

	emit_offload(s, off, len);
	wire_eth_emit(s->tx, wire_eth_broadcast, s->mac, WIRE_ETH_IPV4);
	wire_ipv4_emit(s->tx + WIRE_ETH_HLEN, h, len);
	err = net_arp_send(s, next_hop, s->tx,
			   WIRE_ETH_HLEN + WIRE_IPV4_HLEN + len);
	return err == GRAFT_EAGAIN ? 0 : err;
}

int net_ipv4_output(struct net_stack *s, uint32_t src, uint32_t dst,
		    uint8_t proto, const uint8_t *payload, size_t len)
{
	return net_ipv4_output_off(s, src, dst, proto, payload, len, NULL);
}

int net_ipv4_output_off(struct net_stack *s, uint32_t src, uint32_t dst,
			uint8_t proto, const uint8_t *payload, size_t len,
			const struct net_tx_offload *off)
{
	struct wire_ipv4 h;
	uint32_t next_hop;
	size_t max = (size_t)s->mtu - WIRE_IPV4_HLEN, chunk, at;
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
	if (len <= max || (off && off->gso_size && payload == room)) {
		if (payload != room)
			memmove(room, payload, len);
		return send_one(s, next_hop, &h, len, off);
	}
	/* fragments carry multiples of 8 bytes except the last */
	max &= ~(size_t)7;
	for (at = 0; at < len; at += chunk) {
		chunk = len - at < max ? len - at : max;
		memcpy(room, payload + at, chunk);
		h.frag_off = (uint16_t)at;
		h.mf = at + chunk < len;
		err = send_one(s, next_hop, &h, chunk, NULL);
		if (err)
			return err;
	}
	return 0;
}
