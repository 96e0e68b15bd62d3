/*
 * IPv4 fragment reassembly.  At most NET_FRAG_SLOTS datagrams at once, each
 * with one 64 KiB buffer, a bitmap of the 8-byte blocks received, at most
 * NET_FRAG_MAX_PIECES pieces, and a deadline fixed when its first piece
 * arrives (later pieces do not extend it, so an endless trickle of pieces
 * cannot hold a slot).  A new datagram when all slots are busy evicts the
 * oldest.  Overlapping pieces must carry the same bytes as what is already
 * there (duplicates are fine); otherwise the whole datagram is dropped, as
 * overlaps with different data are only ever an attack.
 */
#include <stdlib.h>
#include <string.h>
#include "iface.h"

#define FRAG_BUF 65536

static void slot_drop(struct net_stack *s, struct net_frag_slot *f)
{
	uint8_t *buf = f->buf;

	memset(f, 0, sizeof(*f));
	f->buf = buf; /* kept for reuse; freed by net_frag_poll when idle */
}

static struct net_frag_slot *slot_get(struct net_stack *s,
				      const struct wire_ipv4 *ip)
{
	struct net_frag_slot *f, *oldest = NULL;
	unsigned i;

	for (i = 0; i < NET_FRAG_SLOTS; i++) {
		f = &s->frag[i];
		if (f->used && f->src == ip->src && f->dst == ip->dst &&
		    f->id == ip->id && f->proto == ip->proto)
			return f;
	}
	for (i = 0; i < NET_FRAG_SLOTS; i++) {
		f = &s->frag[i];
		if (!f->used)
			goto take;
		if (!oldest || f->deadline < oldest->deadline)
			oldest = f;
	}
	f = oldest;
	s->st.frag_dropped++;
	slot_drop(s, f);
take:
	if (!f->buf) {
		f->buf = malloc(FRAG_BUF);
		if (!f->buf)
			return NULL;
		s->st.mem_bytes += FRAG_BUF;
	}
	f->used = true;
	f->src = ip->src;
	f->dst = ip->dst;
	f->id = ip->id;
	f->proto = ip->proto;
	f->deadline = s->now + s->cfg.frag_timeout_ms * NET_MS;
	return f;
}

static bool bit(const struct net_frag_slot *f, size_t b)
{
	return f->bitmap[b / 8] & (1u << (b % 8));
}

/* false if the piece overlaps received data with different bytes */
static bool piece_consistent(const struct net_frag_slot *f, size_t off,
			     const uint8_t *data, size_t len)
{
	size_t b;

	for (b = off / 8; b * 8 < off + len; b++) {
		size_t lo = b * 8, hi = lo + 8;
		if (!bit(f, b))
			continue;
		if (hi > off + len)
			hi = off + len;
		if (f->total && hi > f->total)
			hi = f->total;
		if (hi > lo && memcmp(f->buf + lo, data + (lo - off), hi - lo))
			return false;
	}
	return true;
}

static bool complete(const struct net_frag_slot *f)
{
	size_t b;

	if (!f->total)
		return false;
	for (b = 0; b * 8 < f->total; b++)
		if (!bit(f, b))
			return false;
	return true;
}

const uint8_t *net_frag_input(struct net_stack *s, const struct wire_ipv4 *ip,
			      size_t *len)
{
	struct net_frag_slot *f;
	size_t off = ip->frag_off, n = ip->payload_len, end = off + n, b;

	/* a middle piece must be a multiple of 8 and not empty */
	if (n == 0 || (ip->mf && (n & 7))) {
		s->st.rx_bad++;
		return NULL;
	}
	f = slot_get(s, ip);
	if (!f)
		return NULL;
	if ((!ip->mf && f->total && f->total != end) ||
	    (f->total && end > f->total) ||
	    ++f->pieces > NET_FRAG_MAX_PIECES ||
	    !piece_consistent(f, off, ip->payload, n))
		goto drop;
	if (!ip->mf) {
		/* blocks already received past the end would be bogus */
		for (b = (end + 7) / 8; b < 8192; b++)
			if (bit(f, b))
				goto drop;
		f->total = (uint32_t)end;
	}
	memcpy(f->buf + off, ip->payload, n);
	for (b = off / 8; b * 8 < end; b++)
		f->bitmap[b / 8] |= (uint8_t)(1u << (b % 8));
	if (off == 0 && !f->have_first) {
		size_t h = ip->hdr_len + (n < 8 ? n : 8);
		memcpy(f->first_hdr, ip->hdr, h);
		f->first_hdr_len = h;
		f->have_first = true;
	}
	if (!complete(f))
		return NULL;
	*len = f->total;
	s->st.frag_reassembled++;
	slot_drop(s, f);
	return f->buf;
drop:
	s->st.frag_dropped++;
	slot_drop(s, f);
	return NULL;
}

static void time_exceeded(struct net_stack *s, struct net_frag_slot *f)
{
	struct wire_ipv4 orig;

	if (!f->have_first)
		return;
	memset(&orig, 0, sizeof(orig));
	orig.hdr = f->first_hdr;
	orig.hdr_len = (size_t)(f->first_hdr[0] & 0xf) * 4;
	orig.src = f->src;
	orig.dst = f->dst;
	orig.proto = f->proto;
	orig.payload = f->first_hdr + orig.hdr_len;
	orig.payload_len = f->first_hdr_len - orig.hdr_len;
	net_icmp_error(s, WIRE_ICMP_TIME_EXCEEDED, 1, &orig);
}

void net_frag_poll(struct net_stack *s)
{
	unsigned i;

	for (i = 0; i < NET_FRAG_SLOTS; i++) {
		struct net_frag_slot *f = &s->frag[i];
		if (f->used && s->now >= f->deadline) {
			s->st.frag_dropped++;
			time_exceeded(s, f);
			slot_drop(s, f);
		}
		if (!f->used && f->buf) {
			free(f->buf);
			f->buf = NULL;
			s->st.mem_bytes -= FRAG_BUF;
		}
	}
}

uint64_t net_frag_poll_at(struct net_stack *s)
{
	uint64_t t = UINT64_MAX;
	unsigned i;

	for (i = 0; i < NET_FRAG_SLOTS; i++) {
		if (s->frag[i].used)
			t = net_min64(t, s->frag[i].deadline);
		else if (s->frag[i].buf)
			t = net_min64(t, s->now); /* free the idle buffer */
	}
	return t;
}

void net_frag_free(struct net_stack *s)
{
	unsigned i;

	for (i = 0; i < NET_FRAG_SLOTS; i++)
		free(s->frag[i].buf);
}
