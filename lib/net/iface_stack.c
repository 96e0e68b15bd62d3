/*
 * The stack object and its two entry points: net_input() for a received
 * frame and net_poll() for the clock.  Frames are dispatched by EtherType;
 * only frames for our MAC or broadcast are taken.  Sockets closed during a
 * call are freed when the outermost call ends (s->busy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "iface.h"

static void config_defaults(struct net_config *c)
{
	if (c->ip && !c->netmask)
		c->netmask = NET_IP4(255, 255, 255, 0);
	if (!c->tcp_max)
		c->tcp_max = 256;
	if (!c->tcp_sndbuf)
		c->tcp_sndbuf = 256 * 1024;
	if (!c->tcp_rcvbuf)
		c->tcp_rcvbuf = 256 * 1024;
	if (!c->tcp_min_rto_ms)
		c->tcp_min_rto_ms = 200;
	if (!c->tcp_msl_ms)
		c->tcp_msl_ms = 30000;
	if (!c->udp_queue_max)
		c->udp_queue_max = 64;
	if (!c->arp_ttl_ms)
		c->arp_ttl_ms = 60000;
	if (!c->frag_timeout_ms)
		c->frag_timeout_ms = 30000;
}

int net_stack_new(struct graft_netdev *dev, const struct net_config *cfg,
		  uint64_t now_ns, struct net_stack **out)
{
	struct net_stack *s;

	if (!dev || !dev->send || !cfg || dev->mtu < 576 || dev->mtu > 9000)
		return GRAFT_EINVAL;
	if (cfg->tcp_sndbuf > (1u << 30) || cfg->tcp_rcvbuf > (1u << 30))
		return GRAFT_EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return GRAFT_ENOMEM;
	s->tx_room = malloc(WIRE_NETHDR_LEN + NET_TX_MAX);
	s->big = malloc(65536 + 64);
	if (!s->tx_room || !s->big)
		goto fail;
	s->tx = s->tx_room + WIRE_NETHDR_LEN;
	s->dev = dev;
	s->cfg = *cfg;
	config_defaults(&s->cfg);
	memcpy(s->mac, dev->mac, 6);
	s->mtu = dev->mtu;
	s->tso = (dev->offloads & GRAFT_NET_OFF_TSO4) &&
		 (dev->offloads & GRAFT_NET_OFF_CSUM);
	s->now = now_ns;
	s->rng = cfg->seed ^ 0x9e3779b97f4a7c15ULL ^ now_ns;
	s->ip_id = (uint16_t)net_random(s);
	s->next_port = (uint16_t)(NET_EPHEMERAL_LO + net_random(s) % 16384);
	s->ts_offset = net_random(s);
	s->ip = s->cfg.ip;
	s->mask = s->cfg.netmask;
	s->gw = s->cfg.gateway;
	s->dns = s->cfg.dns;
	if (s->ip)
		net_arp_announce(s);
	*out = s;
	return 0;
fail:
	free(s->tx_room);
	free(s->big);
	free(s);
	return GRAFT_ENOMEM;
}

void net_stack_free(struct net_stack *s)
{
	if (!s)
		return;
	net_tcp_free_all(s);
	net_udp_free_all(s);
	net_dhcp_free(s);
	net_dns_free(s);
	net_arp_free(s);
	net_frag_free(s);
	free(s->tx_room);
	free(s->big);
	free(s);
}

uint32_t net_random(struct net_stack *s)
{
	/* xorshift64*: not cryptographic; mixed with time for ISNs */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (uint32_t)((s->rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static void leave(struct net_stack *s)
{
	if (--s->busy == 0)
		net_tcp_reap(s);
}

void net_app_done(struct net_stack *s)
{
	if (s->busy)
		return; /* inside input/poll: their caller asks poll_at after */
	net_tcp_reap(s);
	if (s->app_called)
		s->app_called(s->app_called_arg);
}

/* Take the offload header off a frame from a device with offloads:
 * false if it is bad.  Sets what the stack may skip for this frame. */
static bool input_offload(struct net_stack *s, const uint8_t **frame,
			  size_t *len)
{
	struct wire_nethdr h;

	s->rx_csum_valid = s->rx_gso = false;
	if (!s->dev->offloads)
		return true;
	if (wire_nethdr_parse(*frame, *len, &h))
		return false;
	s->rx_csum_valid =
	    h.flags & (GRAFT_NET_HDR_F_NEEDS_CSUM | GRAFT_NET_HDR_F_DATA_VALID);
	s->rx_gso = wire_nethdr_gso(&h);
	s->st.rx_gso += s->rx_gso;
	*frame += WIRE_NETHDR_LEN;
	*len -= WIRE_NETHDR_LEN;
	return true;
}

void net_input(struct net_stack *s, const void *frame_in, size_t len)
{
	const uint8_t *frame = frame_in;
	struct wire_eth e;
	bool bcast;

	s->busy++;
	s->st.rx_frames++;
	if (!input_offload(s, &frame, &len) ||
	    len >
		(s->rx_gso ? NET_TX_MAX : (size_t)s->mtu + WIRE_ETH_HLEN + 4) ||
	    wire_eth_parse(frame, len, &e)) {
		s->st.rx_bad++;
		goto out;
	}
	bcast = memcmp(e.dst, wire_eth_broadcast, 6) == 0;
	if (!bcast && memcmp(e.dst, s->mac, 6) != 0) {
		s->st.rx_dropped++;
		goto out;
	}
	if (s->rx_gso && e.type != WIRE_ETH_IPV4)
		s->st.rx_bad++;
	else if (e.type == WIRE_ETH_ARP)
		net_arp_input(s, e.payload, e.payload_len);
	else if (e.type == WIRE_ETH_IPV4)
		net_ipv4_input(s, e.payload, e.payload_len, bcast);
	else
		s->st.rx_dropped++;
out:
	leave(s);
}

void net_poll(struct net_stack *s, uint64_t now_ns)
{
	s->busy++;
	if (now_ns > s->now)
		s->now = now_ns;
	net_arp_poll(s);
	net_frag_poll(s);
	net_tcp_poll(s);
	net_dhcp_poll(s);
	net_dns_poll(s);
	leave(s);
}

uint64_t net_poll_at(struct net_stack *s)
{
	uint64_t t = net_arp_poll_at(s);

	t = net_min64(t, net_frag_poll_at(s));
	t = net_min64(t, net_tcp_poll_at(s));
	t = net_min64(t, net_dhcp_poll_at(s));
	t = net_min64(t, net_dns_poll_at(s));
	return t;
}

void net_set_addr(struct net_stack *s, uint32_t ip, uint32_t netmask,
		  uint32_t gateway, uint32_t dns)
{
	net_app_enter(s);
	s->ip = ip;
	s->mask = netmask ? netmask : NET_IP4(255, 255, 255, 0);
	s->gw = gateway;
	if (dns)
		s->dns = dns;
	if (ip)
		net_arp_announce(s);
	net_app_done(s);
}

void net_get_addr(struct net_stack *s, uint32_t *ip, uint32_t *netmask,
		  uint32_t *gateway, uint32_t *dns)
{
	if (ip)
		*ip = s->ip;
	if (netmask)
		*netmask = s->mask;
	if (gateway)
		*gateway = s->gw;
	if (dns)
		*dns = s->dns;
}

void net_get_stats(struct net_stack *s, struct net_stats *st)
{
	unsigned i;

	*st = s->st;
	st->arp_entries = 0;
	for (i = 0; i < NET_ARP_ENTRIES; i++)
		st->arp_entries += s->arp[i].ip != 0;
	st->frag_slots = 0;
	for (i = 0; i < NET_FRAG_SLOTS; i++)
		st->frag_slots += s->frag[i].used;
	st->tcp_sockets = s->tcp_count;
}

uint16_t net_ephemeral_port(struct net_stack *s)
{
	uint16_t p = s->next_port;

	s->next_port = p == 65535 ? NET_EPHEMERAL_LO : p + 1;
	return p;
}

int net_ip4_parse(const char *str, uint32_t *ip)
{
	uint32_t v = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned n = 0, digits = 0;
		while (*str >= '0' && *str <= '9' && digits < 4) {
			n = n * 10 + (unsigned)(*str++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || n > 255)
			return GRAFT_EINVAL;
		v = v << 8 | n;
		if (part < 3 && *str++ != '.')
			return GRAFT_EINVAL;
	}
	if (*str)
		return GRAFT_EINVAL;
	*ip = v;
	return 0;
}

char *net_ip4_format(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255);
	return buf;
}
