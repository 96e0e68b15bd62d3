/* The in-memory link for tests: see netlink.h. */
#include <stdlib.h>
#include <string.h>
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

static int nl_send(struct graft_netdev *d, const void *frame, size_t len)
{
	struct netlink *l = d->priv;
	int from = d == &l->dev[0] ? 0 : 1;
	uint64_t at = l->now + l->delay_ns;

	l->frames++;
	if (len > (size_t)d->mtu + 14)
		return -1;
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
