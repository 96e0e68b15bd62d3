/* The in-memory link for tests: see netlink.h. */
#include <stdlib.h>
#include <string.h>
#include "../../lib/net/wire.h"
#include "netlink.h"

struct nl_frame {
	struct nl_frame *next;
	uint64_t at;
	int to;
	size_t len;
	uint8_t data[];
};

static uint32_t nl_rand(struct netlink *l)
{
	l->rng ^= l->rng << 13;
	l->rng ^= l->rng >> 7;
	l->rng ^= l->rng << 17;
	return (uint32_t)(l->rng >> 16) % 1000000;
}

static void enqueue(struct netlink *l, int to, const void *f, size_t len,
		    uint64_t at)
{
	struct nl_frame *fr = malloc(sizeof(*fr) + len), **pp;

	if (!fr)
		abort();
	fr->at = at;
	fr->to = to;
	fr->len = len;
	memcpy(fr->data, f, len);
	for (pp = &l->queue; *pp && (*pp)->at <= at; pp = &(*pp)->next)
		;
	fr->next = *pp;
	*pp = fr;
	if (++l->queued > l->max_queued)
		l->max_queued = l->queued;
}

static int nl_deliver(struct netlink *l, int from, const uint8_t *frame,
		      size_t len);

/* The TCP checksum of the segment in an IPv4 packet, complete. */
static void tcp_csum(uint8_t *ip, size_t tcp_len)
{
	uint8_t *tcp = ip + WIRE_IPV4_HLEN;

	wire_wr16(tcp + 16, 0);
	wire_wr16(tcp + 16,
		  wire_csum_fold(wire_csum_add(
		      wire_csum_pseudo(wire_rd32(ip + 12), wire_rd32(ip + 16),
				       WIRE_IP_TCP, (uint16_t)tcp_len),
		      tcp, tcp_len)));
}

/* Cut a large TCP/IPv4 segment (eth + 20-byte IP + TCP + payload, as
 * graft builds them) into gso_size pieces, as a host's TSO does: each
 * with the headers copied, the IP length, id and checksum, the sequence
 * number and the TCP checksum redone, FIN and PSH on the last only. */
static int nl_cut(struct netlink *l, int from, const struct wire_nethdr *h,
		  const uint8_t *f, size_t len)
{
	size_t hl = h->hdr_len, off;
	uint8_t piece[WIRE_NETHDR_LEN + 1514];
	uint8_t *p = piece + WIRE_NETHDR_LEN;
	size_t tcp_hl;

	if (hl < WIRE_ETH_HLEN + WIRE_IPV4_HLEN + WIRE_TCP_HLEN || hl >= len ||
	    f[14] != 0x45)
		return -1;
	tcp_hl = hl - WIRE_ETH_HLEN - WIRE_IPV4_HLEN;
	if ((size_t)(f[WIRE_ETH_HLEN + WIRE_IPV4_HLEN + 12] >> 4) * 4 != tcp_hl)
		return -1;
	l->gso_frames++;
	if (h->gso_size > l->max_gso_size)
		l->max_gso_size = h->gso_size;
	if (!l->min_gso_size || h->gso_size < l->min_gso_size)
		l->min_gso_size = h->gso_size;
	memset(piece, 0, WIRE_NETHDR_LEN);
	for (off = hl; off < len; off += h->gso_size) {
		size_t n = len - off < h->gso_size ? len - off : h->gso_size;
		uint8_t *ip = p + WIRE_ETH_HLEN, *tcp = ip + WIRE_IPV4_HLEN;
		uint16_t id =
		    wire_rd16(f + 18) + (uint16_t)((off - hl) / h->gso_size);

		if (hl + n > sizeof(piece) - WIRE_NETHDR_LEN)
			return -1;
		memcpy(p, f, hl);
		memcpy(p + hl, f + off, n);
		wire_wr16(ip + 2, (uint16_t)(WIRE_IPV4_HLEN + tcp_hl + n));
		wire_wr16(ip + 4, id);
		wire_wr16(ip + 10, 0);
		wire_wr16(ip + 10,
			  wire_csum_fold(wire_csum_add(0, ip, WIRE_IPV4_HLEN)));
		wire_wr32(tcp + 4, wire_rd32(tcp + 4) + (uint32_t)(off - hl));
		if (off + n < len)
			tcp[13] &= (uint8_t) ~(WIRE_TCP_FIN | WIRE_TCP_PSH);
		tcp_csum(ip, tcp_hl + n);
		l->gso_pieces++;
		if (nl_deliver(l, from, piece, WIRE_NETHDR_LEN + hl + n) < 0)
			return -1;
	}
	return 0;
}

/* A frame from a device with offloads, header first: act on the header
 * as the host would, then pass plain frames (an empty header) on. */
static int nl_send_offload(struct netlink *l, int from, uint8_t *f, size_t len)
{
	struct wire_nethdr h;

	if (wire_nethdr_parse(f, len, &h) ||
	    len - WIRE_NETHDR_LEN > WIRE_ETH_HLEN + 65535) {
		l->offload_errors++;
		return -1;
	}
	if (len - WIRE_NETHDR_LEN > l->max_frame)
		l->max_frame = len - WIRE_NETHDR_LEN;
	if ((h.flags & GRAFT_NET_HDR_F_NEEDS_CSUM) && !l->pass_gso) {
		uint8_t *start = f + WIRE_NETHDR_LEN + h.csum_start;
		size_t n = len - WIRE_NETHDR_LEN - h.csum_start;

		wire_wr16(start + h.csum_offset, 0);
		wire_wr16(
		    start + h.csum_offset,
		    wire_csum_fold(wire_csum_add(
			wire_csum_pseudo(wire_rd32(f + 38), wire_rd32(f + 42),
					 WIRE_IP_TCP, (uint16_t)n),
			start, n)));
		l->partial_csums++;
		f[0] = 0;
	}
	if (!wire_nethdr_gso(&h) || l->pass_gso)
		return nl_deliver(l, from, f, len);
	if (nl_cut(l, from, &h, f + WIRE_NETHDR_LEN, len - WIRE_NETHDR_LEN) <
	    0) {
		l->offload_errors++;
		return -1;
	}
	return 0;
}

static int nl_send(struct graft_netdev *d, const void *frame, size_t len)
{
	struct netlink *l = d->priv;
	int from = d == &l->dev[0] ? 0 : 1;
	uint8_t *copy;
	int rc;

	l->frames++;
	if (!d->offloads)
		return nl_deliver(l, from, frame, len);
	/* the host works on its own copy */
	copy = malloc(len);
	if (!copy)
		abort();
	memcpy(copy, frame, len);
	rc = nl_send_offload(l, from, copy, len);
	free(copy);
	return rc;
}

static int nl_deliver(struct netlink *l, int from, const uint8_t *frame,
		      size_t len)
{
	struct graft_netdev *d = &l->dev[from];
	size_t room = d->offloads ? WIRE_NETHDR_LEN : 0;
	uint64_t at = l->now + l->delay_ns;

	if (len > room + (l->pass_gso ? 14 + 65535 : (size_t)d->mtu + 14)) {
		l->offload_errors += room != 0;
		return -1;
	}
	if (l->filter && !l->filter(l, from, frame, len, l->filter_ctx)) {
		l->dropped++;
		return 0;
	}
	if (l->loss_ppm && nl_rand(l) < l->loss_ppm) {
		l->dropped++;
		return 0;
	}
	if (l->reorder_ppm && nl_rand(l) < l->reorder_ppm)
		at += l->reorder_ns;
	enqueue(l, !from, frame, len, at);
	if (l->dup_ppm && nl_rand(l) < l->dup_ppm)
		enqueue(l, !from, frame, len, at + 1000);
	return 0;
}

void nl_inject(struct netlink *l, int to, const void *f, size_t len)
{
	net_poll(l->s[to], l->now);
	net_input(l->s[to], f, len);
}

void nl_init(struct netlink *l, const struct net_config *cfg)
{
	nl_init_offloads(l, cfg, 0);
}

void nl_init_offloads(struct netlink *l, const struct net_config *cfg,
		      uint32_t offloads)
{
	struct net_config c;
	int i;

	memset(l, 0, sizeof(*l));
	l->rng = 0x1234567890abcdefULL;
	l->delay_ns = 100000; /* 0.1 ms each way */
	l->reorder_ns = 3 * NL_MS;
	l->now = 1000 * NL_MS;
	for (i = 0; i < 2; i++) {
		struct graft_netdev *d = &l->dev[i];
		d->name = i ? "nl1" : "nl0";
		memcpy(d->mac, (uint8_t[]){ 2, 0, 0, 0, 0, (uint8_t)(i + 1) },
		       6);
		d->mtu = 1500;
		d->offloads = offloads;
		d->send = nl_send;
		d->priv = l;
		if (cfg)
			c = *cfg;
		else
			memset(&c, 0, sizeof(c));
		c.ip = NET_IP4(192, 0, 2, i + 1);
		c.seed = (uint64_t)(i + 7) * 1000003;
		if (net_stack_new(d, &c, l->now, &l->s[i]))
			abort();
	}
}

void nl_free(struct netlink *l)
{
	struct nl_frame *f, *n;

	for (f = l->queue; f; f = n) {
		n = f->next;
		free(f);
	}
	net_stack_free(l->s[0]);
	net_stack_free(l->s[1]);
}

bool nl_run(struct netlink *l, bool (*cond)(void *ctx), void *ctx,
	    uint64_t max_ns)
{
	uint64_t end = l->now + max_ns;

	for (;;) {
		struct nl_frame *f;
		uint64_t next;

		net_poll(l->s[0], l->now);
		net_poll(l->s[1], l->now);
		while ((f = l->queue) && f->at <= l->now) {
			l->queue = f->next;
			l->queued--;
			net_input(l->s[f->to], f->data, f->len);
			free(f);
		}
		if (cond && cond(ctx))
			return true;
		next = net_poll_at(l->s[0]);
		if (net_poll_at(l->s[1]) < next)
			next = net_poll_at(l->s[1]);
		if (l->queue && l->queue->at < next)
			next = l->queue->at;
		if (next > end || next == UINT64_MAX) {
			l->now = end;
			net_poll(l->s[0], l->now);
			net_poll(l->s[1], l->now);
			return cond ? cond(ctx) : true;
		}
		if (next > l->now)
			l->now = next;
	}
}
