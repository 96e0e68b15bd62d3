/*
 * Byte rings for TCP send and receive data, and the receive side's
 * out-of-order bookkeeping.  Out-of-order bytes are written straight into
 * the receive ring at their final place, so reordering costs no extra
 * memory; at most TCP_OOO_MAX separate ranges are tracked (a segment that
 * would need more is dropped and the peer resends it), the most recently
 * changed first, the order in which SACK reports them (RFC 2018 4).
 */
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "tcp.h"

int tcp_ring_init(struct tcp_ring *r, uint32_t cap)
{
	r->buf = malloc(cap);
	if (!r->buf)
		return GRAFT_ENOMEM;
	r->cap = cap;
	r->head = r->len = 0;
	return 0;
}

void tcp_ring_free(struct tcp_ring *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

void tcp_ring_write_at(struct tcp_ring *r, uint32_t off, const uint8_t *p,
		       uint32_t n)
{
	uint32_t pos = (r->head + off) % r->cap;
	uint32_t first = min32(n, r->cap - pos);

	memcpy(r->buf + pos, p, first);
	memcpy(r->buf, p + first, n - first);
}

void tcp_ring_read_at(const struct tcp_ring *r, uint32_t off, uint8_t *p,
		      uint32_t n)
{
	uint32_t pos = (r->head + off) % r->cap;
	uint32_t first = min32(n, r->cap - pos);

	memcpy(p, r->buf + pos, first);
	memcpy(p + first, r->buf, n - first);
}

void tcp_ring_drop(struct tcp_ring *r, uint32_t n)
{
	if (!n)
		return; /* a released ring has no capacity */
	r->head = (r->head + n) % r->cap;
	r->len -= n;
}

uint32_t tcp_rcv_space(const struct net_tcp *t)
{
	return t->rcvbuf.cap - t->rcvbuf.len;
}

static void ooo_remove(struct net_tcp *t, unsigned i)
{
	t->n_ooo--;
	memmove(t->ooo + i, t->ooo + i + 1, (t->n_ooo - i) * sizeof(t->ooo[0]));
}

/* add [lo, hi) to the ranges, merging what touches it; false if full */
static bool ooo_add(struct net_tcp *t, uint32_t lo, uint32_t hi)
{
	unsigned i = 0;

	while (i < t->n_ooo) {
		struct tcp_range *g = &t->ooo[i];
		if (seq_lt(hi, g->lo) || seq_gt(lo, g->hi)) {
			i++;
			continue;
		}
		if (seq_lt(g->lo, lo))
			lo = g->lo;
		if (seq_gt(g->hi, hi))
			hi = g->hi;
		ooo_remove(t, i);
	}
	if (t->n_ooo == TCP_OOO_MAX)
		return false;
	memmove(t->ooo + 1, t->ooo, t->n_ooo * sizeof(t->ooo[0]));
	t->ooo[0].lo = lo;
	t->ooo[0].hi = hi;
	t->n_ooo++;
	return true;
}

/* after rcv_nxt moved: swallow ranges it reached */
static void ooo_advance(struct net_tcp *t)
{
	unsigned i;
	bool again = true;

	while (again) {
		again = false;
		for (i = 0; i < t->n_ooo; i++) {
			struct tcp_range *g = &t->ooo[i];
			if (seq_gt(g->lo, t->rcv_nxt))
				continue;
			if (seq_gt(g->hi, t->rcv_nxt)) {
				t->rcvbuf.len += g->hi - t->rcv_nxt;
				t->rcv_nxt = g->hi;
			}
			ooo_remove(t, i);
			again = true;
			break;
		}
	}
}

bool tcp_rcv_store(struct net_tcp *t, uint32_t seq, const uint8_t *p,
		   uint32_t n)
{
	uint32_t off = t->rcvbuf.len + (seq - t->rcv_nxt);

	if (seq != t->rcv_nxt) {
		/* keep the bytes only if the range can be tracked */
		struct tcp_range saved[TCP_OOO_MAX];
		unsigned saved_n = t->n_ooo;
		memcpy(saved, t->ooo, sizeof(saved));
		if (!ooo_add(t, seq, seq + n)) {
			memcpy(t->ooo, saved, sizeof(saved));
			t->n_ooo = saved_n;
			return false;
		}
		tcp_ring_write_at(&t->rcvbuf, off, p, n);
		return false;
	}
	tcp_ring_write_at(&t->rcvbuf, off, p, n);
	t->rcvbuf.len += n;
	t->rcv_nxt += n;
	ooo_advance(t);
	return true;
}
