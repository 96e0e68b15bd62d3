/*
 * The DHCP client (RFC 2131): DISCOVER, OFFER, REQUEST, ACK, then renew at
 * T1 (unicast), rebind at T2 (broadcast), drop the address at lease end.
 * It sits on the UDP socket API like any application; the interface layer
 * accepts UDP for any destination while the stack has no address, which is
 * how offers sent to the new address reach it.
 */
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "iface.h"

#define DHCP_FIRST_BACKOFF (2000 * NET_MS)
#define DHCP_MAX_BACKOFF   (16000 * NET_MS)
#define DHCP_TRIES	   6

enum dhcp_state {
	DHCP_SELECTING,
	DHCP_REQUESTING,
	DHCP_BOUND,
	DHCP_RENEWING,
	DHCP_REBINDING,
	DHCP_FAILED,
};

struct net_dhcp {
	struct net_stack *s;
	struct net_udp *u;
	enum dhcp_state state;
	uint32_t xid, offered, server;
	uint64_t t_next, backoff, t_renew, t_rebind, t_expire;
	unsigned tries;
	void (*done)(void *ctx, int err);
	void *ctx;
	bool reported;
};

static void dhcp_send(struct net_dhcp *d, uint8_t type)
{
	struct net_stack *s = d->s;
	struct wire_dhcp m;
	uint8_t buf[WIRE_DHCP_MAX_EMIT];
	size_t n;
	bool unicast = d->state == DHCP_RENEWING;

	memset(&m, 0, sizeof(m));
	m.xid = d->xid;
	m.msg_type = type;
	memcpy(m.chaddr, s->mac, 6);
	if (d->state == DHCP_RENEWING || d->state == DHCP_REBINDING) {
		m.ciaddr = s->ip;
	} else {
		m.flags = 0x8000; /* answer by broadcast */
		if (type == WIRE_DHCP_REQUEST) {
			m.requested_ip = d->offered;
			m.server_id = d->server;
		}
	}
	n = wire_dhcp_emit(buf, &m);
	net_udp_sendto(d->u, unicast ? d->server : 0xffffffff,
		       WIRE_DHCP_SERVER_PORT, buf, n);
}

static void report(struct net_dhcp *d, int err)
{
	if (d->reported)
		return;
	d->reported = true;
	if (d->done)
		d->done(d->ctx, err);
}

static void arm_retry(struct net_dhcp *d)
{
	d->t_next = d->s->now + d->backoff;
	d->backoff = d->backoff * 2 > DHCP_MAX_BACKOFF ? DHCP_MAX_BACKOFF
						       : d->backoff * 2;
}

static void start_discover(struct net_dhcp *d)
{
	d->state = DHCP_SELECTING;
	d->xid = net_random(d->s);
	d->tries = 1;
	d->backoff = DHCP_FIRST_BACKOFF;
	dhcp_send(d, WIRE_DHCP_DISCOVER);
	arm_retry(d);
}

static void bound(struct net_dhcp *d, const struct wire_dhcp *m)
{
	struct net_stack *s = d->s;
	uint64_t lease = m->lease_s ? m->lease_s : 3600;
	uint64_t t1 = m->t1_s ? m->t1_s : lease / 2;
	uint64_t t2 = m->t2_s ? m->t2_s : lease * 7 / 8;

	if (m->server_id)
		d->server = m->server_id;
	net_set_addr(s, m->yiaddr, m->mask, m->router, m->dns);
	d->state = DHCP_BOUND;
	d->t_next = UINT64_MAX;
	d->t_renew = s->now + t1 * 1000 * NET_MS;
	d->t_rebind = s->now + t2 * 1000 * NET_MS;
	d->t_expire = s->now + lease * 1000 * NET_MS;
	report(d, 0);
}

static void dhcp_message(struct net_dhcp *d, const struct wire_dhcp *m)
{
	if (m->op != 2 || m->xid != d->xid ||
	    memcmp(m->chaddr, d->s->mac, 6) != 0)
		return;
	if (d->state == DHCP_SELECTING && m->msg_type == WIRE_DHCP_OFFER &&
	    m->yiaddr && m->server_id) {
		d->offered = m->yiaddr;
		d->server = m->server_id;
		d->state = DHCP_REQUESTING;
		d->tries = 1;
		d->backoff = DHCP_FIRST_BACKOFF;
		dhcp_send(d, WIRE_DHCP_REQUEST);
		arm_retry(d);
		return;
	}
	if (d->state != DHCP_REQUESTING && d->state != DHCP_RENEWING &&
	    d->state != DHCP_REBINDING)
		return;
	if (m->msg_type == WIRE_DHCP_ACK && m->yiaddr)
		bound(d, m);
	else if (m->msg_type == WIRE_DHCP_NAK) {
		net_set_addr(d->s, 0, 0, 0, 0);
		start_discover(d);
	}
}

static void dhcp_readable(void *sock, void *ctx)
{
	struct net_dhcp *d = ctx;
	uint8_t buf[1500];
	struct wire_dhcp m;
	uint16_t port;
	long n;

	while ((n = net_udp_recvfrom(sock, buf, sizeof(buf), NULL, &port)) >=
	       0) {
		if (port != WIRE_DHCP_SERVER_PORT || (size_t)n > sizeof(buf))
			continue;
		if (wire_dhcp_parse(buf, (size_t)n, &m) == 0)
			dhcp_message(d, &m);
	}
}

int net_dhcp_start(struct net_stack *s, void (*done)(void *ctx, int err),
		   void *ctx)
{
	static const struct net_callbacks cb = {.on_readable = dhcp_readable};
	struct net_dhcp *d;
	int err;

	net_app_enter(s);
	if (s->dhcp)
		return GRAFT_EBUSY;
	d = calloc(1, sizeof(*d));
	if (!d)
		return GRAFT_ENOMEM;
	err = net_udp_bind(s, WIRE_DHCP_CLIENT_PORT, &cb, d, &d->u);
	if (err) {
		free(d);
		return err;
	}
	d->s = s;
	d->done = done;
	d->ctx = ctx;
	s->dhcp = d;
	start_discover(d);
	net_app_done(s);
	return 0;
}

bool net_dhcp_bound(struct net_stack *s)
{
	return s->dhcp && (s->dhcp->state == DHCP_BOUND ||
			   s->dhcp->state == DHCP_RENEWING ||
			   s->dhcp->state == DHCP_REBINDING);
}

static void retry(struct net_dhcp *d)
{
	if (++d->tries > DHCP_TRIES) {
		if (d->state == DHCP_SELECTING || d->state == DHCP_REQUESTING) {
			d->state = DHCP_FAILED;
			d->t_next = UINT64_MAX;
			report(d, GRAFT_ETIMEDOUT);
			return;
		}
	}
	dhcp_send(d, d->state == DHCP_SELECTING ? WIRE_DHCP_DISCOVER
						: WIRE_DHCP_REQUEST);
	arm_retry(d);
}

void net_dhcp_poll(struct net_stack *s)
{
	struct net_dhcp *d = s->dhcp;

	if (!d || d->state == DHCP_FAILED)
		return;
	if (d->state != DHCP_SELECTING && d->state != DHCP_REQUESTING) {
		if (s->now >= d->t_expire) {
			net_set_addr(s, 0, 0, 0, 0);
			start_discover(d);
			return;
		}
		if (d->state == DHCP_BOUND && s->now >= d->t_renew) {
			d->state = DHCP_RENEWING;
			d->tries = 0;
			d->backoff = DHCP_FIRST_BACKOFF;
			d->t_next = s->now;
		}
		if (d->state == DHCP_RENEWING && s->now >= d->t_rebind) {
			d->state = DHCP_REBINDING;
			d->t_next = s->now;
		}
	}
	if (s->now >= d->t_next)
		retry(d);
}

uint64_t net_dhcp_poll_at(struct net_stack *s)
{
	struct net_dhcp *d = s->dhcp;
	uint64_t t;

	if (!d || d->state == DHCP_FAILED)
		return UINT64_MAX;
	t = d->t_next;
	if (d->state == DHCP_BOUND)
		t = net_min64(t, d->t_renew);
	if (d->state != DHCP_SELECTING && d->state != DHCP_REQUESTING)
		t = net_min64(net_min64(t, d->t_rebind), d->t_expire);
	return t;
}

void net_dhcp_free(struct net_stack *s)
{
	free(s->dhcp); /* its UDP socket goes with the others */
	s->dhcp = NULL;
}
