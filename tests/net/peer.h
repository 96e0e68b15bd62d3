/*
 * Test helpers: an application endpoint over a TCP socket that records
 * what its callbacks saw and collects received bytes, and a builder for
 * hand-made TCP frames.
 */
#ifndef NET_TEST_PEER_H
#define NET_TEST_PEER_H

#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "netlink.h"
#include "../../lib/net/tcp.h"

struct peer {
	struct net_tcp *t;
	bool connected, closed, eof;
	int closed_err;
	uint8_t *rx;
	size_t rx_len, rx_cap;
	/* bytes to send from tx */
	const uint8_t *tx;
	size_t tx_len, tx_off;
	bool close_after_send;
	unsigned readable_calls;
};

static inline void peer_pump(struct peer *p)
{
	uint8_t buf[16384];
	long n = -1;

	while (p->t && p->tx_off < p->tx_len) {
		n = net_tcp_send(p->t, p->tx + p->tx_off, p->tx_len - p->tx_off);
		if (n <= 0)
			break;
		p->tx_off += (size_t)n;
	}
	if (p->t && p->close_after_send && p->tx_off == p->tx_len) {
		p->close_after_send = false;
		net_tcp_shutdown(p->t);
	}
	while (p->t && (n = net_tcp_recv(p->t, buf, sizeof(buf))) > 0) {
		if (p->rx_len + (size_t)n > p->rx_cap) {
			p->rx_cap = (p->rx_len + (size_t)n) * 2;
			p->rx = realloc(p->rx, p->rx_cap);
		}
		memcpy(p->rx + p->rx_len, buf, (size_t)n);
		p->rx_len += (size_t)n;
	}
	if (n == 0)
		p->eof = true;
}

static void peer_readable(void *sock, void *ctx)
{
	struct peer *p = ctx;
	p->readable_calls++;
	peer_pump(p);
}
static void peer_writable(void *sock, void *ctx)
{
	peer_pump(ctx);
}
static void peer_connected(void *sock, void *ctx)
{
	struct peer *p = ctx;
	p->connected = true;
	peer_pump(p);
}
static void peer_closed(void *sock, void *ctx, int err)
{
	struct peer *p = ctx;
	p->closed = true;
	p->closed_err = err;
}

static const struct net_callbacks peer_cb = {
	.on_readable = peer_readable,
	.on_writable = peer_writable,
	.on_connected = peer_connected,
	.on_closed = peer_closed,
};

/* a listener context that accepts into a struct peer */
struct acceptor {
	struct net_tcp *l;
	struct peer *into;
	unsigned accepted;
};
static void acceptor_readable(void *sock, void *ctx)
{
	struct acceptor *a = ctx;
	if (a->into && !a->into->t &&
	    net_tcp_accept(a->l, &peer_cb, a->into, &a->into->t) == 0) {
		a->accepted++;
		a->into->connected = true;
		peer_pump(a->into);
	}
}
static const struct net_callbacks acceptor_cb = {
	.on_readable = acceptor_readable,
};

static inline bool peer_both_connected(void *ctx)
{
	struct peer *p = ctx;
	return p[0].connected && p[1].connected;
}

/* p[0] on l's stack 0 connects to p[1], accepted on stack 1's port */
static inline void peer_connect_pair(struct netlink *l, struct peer *p,
				     struct acceptor *a, uint16_t port)
{
	memset(p, 0, 2 * sizeof(*p));
	memset(a, 0, sizeof(*a));
	a->into = &p[1];
	net_tcp_listen(l->s[1], port, 8, &acceptor_cb, a, &a->l);
	net_tcp_connect(l->s[0], NET_IP4(192, 0, 2, 2), port, &peer_cb, &p[0],
			&p[0].t);
	nl_run(l, peer_both_connected, p, 30000 * NL_MS);
}

/* a TCP frame from stack `from`'s address to the other's, as if sent,
 * with n_sack SACK blocks (no timestamps: up to 4) */
static inline size_t make_tcp_frame_sack(uint8_t *f, int from, uint16_t sport,
					 uint16_t dport, uint32_t seq,
					 uint32_t ack, uint8_t flags,
					 const struct wire_tcp_sack *sack,
					 unsigned n_sack, const void *data,
					 size_t len)
{
	uint8_t mac_from[6] = { 2, 0, 0, 0, 0, (uint8_t)(from + 1) };
	uint8_t mac_to[6] = { 2, 0, 0, 0, 0, (uint8_t)(2 - from) };
	uint32_t src = NET_IP4(192, 0, 2, from + 1);
	uint32_t dst = NET_IP4(192, 0, 2, 2 - from);
	struct wire_ipv4 ip;
	struct wire_tcp h;
	uint8_t *tcp = f + WIRE_ETH_HLEN + WIRE_IPV4_HLEN;

	memset(&h, 0, sizeof(h));
	h.sport = sport;
	h.dport = dport;
	h.seq = seq;
	h.ack = ack;
	h.flags = flags;
	h.window = 65535;
	h.wscale = -1;
	h.n_sack = (uint8_t)n_sack;
	if (n_sack)
		memcpy(h.sack, sack, n_sack * sizeof(*sack));
	h.payload_len = len;
	if (len)
		memcpy(tcp + wire_tcp_hlen(&h), data, len);
	wire_tcp_emit(tcp, src, dst, &h);
	memset(&ip, 0, sizeof(ip));
	ip.ttl = 64;
	ip.proto = WIRE_IP_TCP;
	ip.src = src;
	ip.dst = dst;
	wire_ipv4_emit(f + WIRE_ETH_HLEN, &ip, wire_tcp_hlen(&h) + len);
	wire_eth_emit(f, mac_to, mac_from, WIRE_ETH_IPV4);
	return WIRE_ETH_HLEN + WIRE_IPV4_HLEN + wire_tcp_hlen(&h) + len;
}

static inline size_t make_tcp_frame(uint8_t *f, int from, uint16_t sport,
				    uint16_t dport, uint32_t seq, uint32_t ack,
				    uint8_t flags, const void *data,
				    size_t len)
{
	return make_tcp_frame_sack(f, from, sport, dport, seq, ack, flags,
				   NULL, 0, data, len);
}

#endif
