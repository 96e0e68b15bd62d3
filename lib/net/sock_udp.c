/*
 * UDP sockets: a port, the application's callbacks, and a queue of received
 * datagrams capped at udp_queue_max datagrams and NET_UDP_QUEUE_BYTES bytes
 * (further datagrams are dropped, as UDP allows).  A datagram for a port
 * nobody holds earns an ICMP port unreachable.
 */
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "iface.h"

#define NET_UDP_QUEUE_BYTES (256 * 1024)

struct udp_dgram {
	struct udp_dgram *next;
	uint32_t ip;
	uint16_t port;
	uint32_t len;
	uint8_t data[];
};

struct net_udp {
	struct net_udp *next;
	struct net_stack *s;
	uint16_t port;
	struct net_callbacks cb;
	void *ctx;
	struct udp_dgram *head, *tail;
	uint32_t count, bytes;
};

static struct net_udp *udp_find(struct net_stack *s, uint16_t port)
{
	struct net_udp *u;

	for (u = s->udp_list; u; u = u->next)
		if (u->port == port)
			return u;
	return NULL;
}

void net_udp_input(struct net_stack *s, const struct wire_ipv4 *ip,
		   const uint8_t *payload, size_t len)
{
	struct wire_udp h;
	struct net_udp *u;
	struct udp_dgram *d;

	if (wire_udp_parse(payload, len, ip->src, ip->dst, s->rx_csum_valid,
			   &h)) {
		s->st.rx_bad++;
		return;
	}
	u = udp_find(s, h.dport);
	if (!u) {
		s->st.rx_dropped++;
		if (ip->dst == s->ip)
			net_icmp_error(s, WIRE_ICMP_UNREACH,
				       WIRE_ICMP_PORT_UNREACH, ip);
		return;
	}
	if (u->count >= s->cfg.udp_queue_max ||
	    u->bytes + h.payload_len > NET_UDP_QUEUE_BYTES) {
		s->st.rx_dropped++;
		return;
	}
	d = malloc(sizeof(*d) + h.payload_len);
	if (!d) {
		s->st.rx_dropped++;
		return;
	}
	d->next = NULL;
	d->ip = ip->src;
	d->port = h.sport;
	d->len = (uint32_t)h.payload_len;
	memcpy(d->data, h.payload, h.payload_len);
	if (u->tail)
		u->tail->next = d;
	else
		u->head = d;
	u->tail = d;
	u->count++;
	u->bytes += d->len;
	s->st.mem_bytes += d->len;
	if (u->cb.on_readable)
		u->cb.on_readable(u, u->ctx);
}

int net_udp_bind(struct net_stack *s, uint16_t port,
		 const struct net_callbacks *cb, void *ctx,
		 struct net_udp **out)
{
	struct net_udp *u;
	unsigned tries;

	if (port && udp_find(s, port))
		return GRAFT_EADDRINUSE;
	for (tries = 0; !port && tries < 16384; tries++) {
		uint16_t p = net_ephemeral_port(s);
		if (!udp_find(s, p))
			port = p;
	}
	if (!port)
		return GRAFT_EADDRINUSE;
	u = calloc(1, sizeof(*u));
	if (!u)
		return GRAFT_ENOMEM;
	u->s = s;
	u->port = port;
	if (cb)
		u->cb = *cb;
	u->ctx = ctx;
	u->next = s->udp_list;
	s->udp_list = u;
	*out = u;
	return 0;
}

int net_udp_sendto(struct net_udp *u, uint32_t ip, uint16_t port,
		   const void *buf, size_t len)
{
	struct net_stack *s = u->s;
	uint8_t *p;
	int err;

	net_app_enter(s);
	if (port == 0)
		return GRAFT_EINVAL;
	if (len > 65535 - WIRE_IPV4_HLEN - WIRE_UDP_HLEN)
		return GRAFT_EMSGSIZE;
	p = len + WIRE_UDP_HLEN + WIRE_IPV4_HLEN <= s->mtu ? net_tx_payload(s)
							   : s->big;
	memmove(p + WIRE_UDP_HLEN, buf, len);
	wire_udp_emit(p, s->ip, ip, u->port, port, len);
	err =
	    net_ipv4_output(s, s->ip, ip, WIRE_IP_UDP, p, len + WIRE_UDP_HLEN);
	net_app_done(s); /* address resolution may have armed a retry */
	return err;
}

long net_udp_recvfrom(struct net_udp *u, void *buf, size_t len, uint32_t *ip,
		      uint16_t *port)
{
	struct udp_dgram *d = u->head;
	long n;

	if (!d)
		return GRAFT_EAGAIN;
	u->head = d->next;
	if (!u->head)
		u->tail = NULL;
	u->count--;
	u->bytes -= d->len;
	u->s->st.mem_bytes -= d->len;
	memcpy(buf, d->data, d->len < len ? d->len : len);
	if (ip)
		*ip = d->ip;
	if (port)
		*port = d->port;
	n = d->len;
	free(d);
	return n;
}

uint16_t net_udp_local_port(const struct net_udp *u)
{
	return u->port;
}

static void udp_free(struct net_udp *u)
{
	struct udp_dgram *d, *n;

	for (d = u->head; d; d = n) {
		n = d->next;
		u->s->st.mem_bytes -= d->len;
		free(d);
	}
	free(u);
}

void net_udp_close(struct net_udp *u)
{
	struct net_udp **pp;

	for (pp = &u->s->udp_list; *pp; pp = &(*pp)->next) {
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	}
	udp_free(u);
}

void net_udp_free_all(struct net_stack *s)
{
	struct net_udp *u, *n;

	for (u = s->udp_list; u; u = n) {
		n = u->next;
		udp_free(u);
	}
	s->udp_list = NULL;
}
