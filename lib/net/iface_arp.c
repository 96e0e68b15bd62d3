/*
 * The ARP cache (RFC 826): a fixed table of NET_ARP_ENTRIES.  Resolved
 * entries expire after arp_ttl_ms; unresolved ones are retried every second
 * up to NET_ARP_TRIES times and hold at most one frame, the latest, so a
 * host that never answers costs one frame of memory.  When the table is
 * full the least recently used entry is evicted.  We learn only from ARP
 * packets addressed to us (or gratuitous ones for entries we already have).
 */
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "iface.h"

static void arp_clear(struct net_arp_entry *e)
{
	free(e->pending);
	memset(e, 0, sizeof(*e));
}

static struct net_arp_entry *arp_find(struct net_stack *s, uint32_t ip)
{
	unsigned i;

	for (i = 0; i < NET_ARP_ENTRIES; i++)
		if (s->arp[i].ip == ip)
			return &s->arp[i];
	return NULL;
}

static struct net_arp_entry *arp_alloc(struct net_stack *s, uint32_t ip)
{
	struct net_arp_entry *victim = &s->arp[0];
	unsigned i;

	for (i = 0; i < NET_ARP_ENTRIES; i++) {
		if (!s->arp[i].ip) {
			victim = &s->arp[i];
			break;
		}
		if (s->arp[i].used < victim->used)
			victim = &s->arp[i];
	}
	arp_clear(victim);
	victim->ip = ip;
	victim->used = s->now;
	return victim;
}

static void arp_send(struct net_stack *s, uint16_t op, const uint8_t *eth_dst,
		     const uint8_t *tha, uint32_t tpa)
{
	struct wire_arp a;
	uint8_t buf[WIRE_NETHDR_LEN + WIRE_ETH_HLEN + WIRE_ARP_LEN + 18];
	size_t room = net_hdr_room(s);
	uint8_t *frame = buf + WIRE_NETHDR_LEN;

	a.op = op;
	memcpy(a.sha, s->mac, 6);
	a.spa = s->ip;
	memcpy(a.tha, tha, 6);
	a.tpa = tpa;
	memset(buf, 0, sizeof(buf)); /* and an empty offload header */
	wire_eth_emit(frame, eth_dst, s->mac, WIRE_ETH_ARP);
	wire_arp_emit(frame + WIRE_ETH_HLEN, &a);
	/* padded to the Ethernet minimum of 60 bytes */
	if (s->dev->send(s->dev, frame - room, room + 60) == 0)
		s->st.tx_frames++;
}

static void arp_request(struct net_stack *s, struct net_arp_entry *e)
{
	static const uint8_t zero[6];

	arp_send(s, WIRE_ARP_REQUEST, wire_eth_broadcast, zero, e->ip);
	e->tries++;
	e->retry_at = s->now + NET_ARP_RETRY_NS;
}

/* a gratuitous ARP request: announces our address (RFC 5227 style) */
void net_arp_announce(struct net_stack *s)
{
	static const uint8_t zero[6];

	arp_send(s, WIRE_ARP_REQUEST, wire_eth_broadcast, zero, s->ip);
}

static void arp_resolved(struct net_stack *s, struct net_arp_entry *e,
			 const uint8_t *mac)
{
	memcpy(e->mac, mac, 6);
	e->resolved = true;
	e->tries = 0;
	e->expires = s->now + s->cfg.arp_ttl_ms * NET_MS;
	if (e->pending) {
		memcpy(e->pending + net_hdr_room(s), mac, 6);
		if (s->dev->send(s->dev, e->pending, e->pending_len) == 0)
			s->st.tx_frames++;
		free(e->pending);
		e->pending = NULL;
	}
}

void net_arp_input(struct net_stack *s, const uint8_t *payload, size_t len)
{
	struct wire_arp a;
	struct net_arp_entry *e;
	bool for_us;

	if (wire_arp_parse(payload, len, &a)) {
		s->st.rx_bad++;
		return;
	}
	if (a.spa == 0 || a.spa == 0xffffffff || (a.sha[0] & 1)) {
		s->st.rx_dropped++;
		return;
	}
	for_us = s->ip && a.tpa == s->ip;
	e = arp_find(s, a.spa);
	if (e)
		arp_resolved(s, e, a.sha);
	else if (for_us)
		arp_resolved(s, arp_alloc(s, a.spa), a.sha);
	if (for_us && a.op == WIRE_ARP_REQUEST && a.spa != s->ip)
		arp_send(s, WIRE_ARP_REPLY, a.sha, a.sha, a.spa);
}

int net_arp_send(struct net_stack *s, uint32_t next_hop, uint8_t *frame,
		 size_t len)
{
	struct net_arp_entry *e;

	if (next_hop == 0xffffffff ||
	    (s->mask && (next_hop | s->mask) == 0xffffffff)) {
		memcpy(frame, wire_eth_broadcast, 6);
		goto send;
	}
	e = arp_find(s, next_hop);
	if (e && e->resolved) {
		/* past its lifetime the entry is still used while we ask
		 * again, so a busy connection does not stall every minute */
		if (s->now >= e->expires && s->now >= e->retry_at &&
		    e->tries < NET_ARP_TRIES)
			arp_request(s, e);
		e->used = s->now;
		memcpy(frame, e->mac, 6);
		goto send;
	}
	if (!e)
		e = arp_alloc(s, next_hop);
	free(e->pending);
	e->pending = malloc(net_hdr_room(s) + len);
	if (e->pending) {
		memcpy(e->pending, frame - net_hdr_room(s),
		       net_hdr_room(s) + len);
		e->pending_len = net_hdr_room(s) + len;
	}
	if (e->tries == 0 || s->now >= e->retry_at)
		arp_request(s, e);
	return GRAFT_EAGAIN;
send:
	if (s->dev->send(s->dev, frame - net_hdr_room(s),
			 net_hdr_room(s) + len))
		return GRAFT_EIO;
	s->st.tx_frames++;
	return 0;
}

void net_arp_poll(struct net_stack *s)
{
	unsigned i;

	for (i = 0; i < NET_ARP_ENTRIES; i++) {
		struct net_arp_entry *e = &s->arp[i];
		if (!e->ip)
			continue;
		if (e->resolved) {
			/* expired and not confirmed by the requests since */
			if (s->now >= e->expires + NET_ARP_GRACE_NS)
				arp_clear(e);
			continue;
		}
		if (s->now < e->retry_at)
			continue;
		if (e->tries >= NET_ARP_TRIES)
			arp_clear(e);
		else
			arp_request(s, e);
	}
}

uint64_t net_arp_poll_at(struct net_stack *s)
{
	uint64_t t = UINT64_MAX;
	unsigned i;

	for (i = 0; i < NET_ARP_ENTRIES; i++) {
		const struct net_arp_entry *e = &s->arp[i];
		if (e->ip)
			t = net_min64(t, e->resolved ? e->expires + NET_ARP_GRACE_NS
						    : e->retry_at);
	}
	return t;
}

void net_arp_free(struct net_stack *s)
{
	unsigned i;

	for (i = 0; i < NET_ARP_ENTRIES; i++)
		arp_clear(&s->arp[i]);
}
