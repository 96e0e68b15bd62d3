/*
 * Connections in TIME-WAIT, kept apart from s->tcp_list.  A server that
 * closes first holds one for every connection it served (2 MSL, tcp_max
 * at most), so under a connection per request they outnumber the live
 * ones many times; here they cost nothing to the walks that run for
 * every segment and every poll (lookup, timers, poll_at, reaping):
 *
 *  - a queue, oldest first: every entry arms t_close at now + 2 MSL, and
 *    a re-entry (a retransmitted FIN) moves the socket to the tail, so
 *    the queue is in t_close order: poll_at is the head's, expiry pops
 *    heads, and eviction takes the oldest orphan from the head;
 *  - a hash by four-tuple for the lookup of arriving segments.
 *
 * Invariant: t->in_tw exactly when t is on the queue and in the hash, and
 * then it is not on s->tcp_list; a socket leaves TIME-WAIT only through
 * tcp_kill() or tcp_finish(), which put it back on the list.
 */
#include <stdlib.h>
#include "tcp.h"

static struct net_tcp **bucket(struct net_stack *s, uint32_t rip,
			       uint16_t lport, uint16_t rport)
{
	uint32_t h = rip ^ ((uint32_t)rport << 16 | lport);

	h ^= h >> 16;
	h *= 0x45d9f3bu;
	h ^= h >> 16;
	return &s->tcp_tw_hash[h & (NET_TCP_TW_BUCKETS - 1)];
}

static void list_unlink(struct net_stack *s, struct net_tcp *t)
{
	struct net_tcp **pp;

	for (pp = &s->tcp_list; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			t->next = NULL;
			return;
		}
	}
}

static void queue_unlink(struct net_stack *s, struct net_tcp *t)
{
	if (t->tw_prev)
		t->tw_prev->tw_next = t->tw_next;
	else
		s->tcp_tw_head = t->tw_next;
	if (t->tw_next)
		t->tw_next->tw_prev = t->tw_prev;
	else
		s->tcp_tw_tail = t->tw_prev;
	t->tw_prev = t->tw_next = NULL;
}

static void queue_append(struct net_stack *s, struct net_tcp *t)
{
	t->tw_prev = s->tcp_tw_tail;
	t->tw_next = NULL;
	if (s->tcp_tw_tail)
		s->tcp_tw_tail->tw_next = t;
	else
		s->tcp_tw_head = t;
	s->tcp_tw_tail = t;
}

void tcp_tw_enter(struct net_tcp *t)
{
	struct net_stack *s = t->s;
	struct net_tcp **b;

	if (t->in_tw) {
		queue_unlink(s, t);
		queue_append(s, t);
		return;
	}
	list_unlink(s, t);
	queue_append(s, t);
	b = bucket(s, t->rip, t->lport, t->rport);
	t->tw_hnext = *b;
	*b = t;
	t->in_tw = true;
}

void tcp_tw_leave(struct net_tcp *t)
{
	struct net_stack *s = t->s;
	struct net_tcp **pp;

	if (!t->in_tw)
		return;
	queue_unlink(s, t);
	for (pp = bucket(s, t->rip, t->lport, t->rport); *pp;
	     pp = &(*pp)->tw_hnext) {
		if (*pp == t) {
			*pp = t->tw_hnext;
			break;
		}
	}
	t->tw_hnext = NULL;
	t->in_tw = false;
	t->next = s->tcp_list;
	s->tcp_list = t;
}

struct net_tcp *tcp_tw_lookup(struct net_stack *s, uint32_t lip, uint32_t rip,
			      uint16_t lport, uint16_t rport)
{
	struct net_tcp *t;

	for (t = *bucket(s, rip, lport, rport); t; t = t->tw_hnext)
		if (t->rip == rip && t->rport == rport && t->lport == lport &&
		    t->lip == lip)
			return t;
	return NULL;
}

struct net_tcp *tcp_tw_oldest_orphan(struct net_stack *s)
{
	struct net_tcp *t;

	for (t = s->tcp_tw_head; t; t = t->tw_next)
		if (!t->app_owned)
			return t;
	return NULL;
}

bool tcp_tw_port_in_use(struct net_stack *s, uint16_t port)
{
	struct net_tcp *t;

	for (t = s->tcp_tw_head; t; t = t->tw_next)
		if (t->lport == port)
			return true;
	return false;
}

void tcp_tw_expire(struct net_stack *s)
{
	while (s->tcp_tw_head && s->tcp_tw_head->t_close <= s->now)
		tcp_finish(s->tcp_tw_head, 0);
}

uint64_t tcp_tw_poll_at(const struct net_stack *s)
{
	return s->tcp_tw_head ? s->tcp_tw_head->t_close : TCP_NEVER;
}
