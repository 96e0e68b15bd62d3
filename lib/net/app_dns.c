/*
 * The DNS stub resolver: one A query over UDP to the configured server,
 * resent after 1, 2 and 4 seconds; each query has its own ephemeral port
 * and a random id, and only an answer from the server's address and port
 * 53 with that id and question is believed.
 */
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "iface.h"

#define DNS_TRIES	  3
#define DNS_FIRST_TIMEOUT (1000 * NET_MS)

struct net_dns_query {
	struct net_dns_query *next;
	struct net_stack *s;
	struct net_udp *u;
	char name[WIRE_DNS_NAME_MAX + 1];
	uint16_t id;
	uint32_t server;
	uint64_t deadline, timeout;
	unsigned tries;
	bool finished;
	int err;
	uint32_t ip;
	void (*done)(void *ctx, int err, uint32_t ip);
	void *ctx;
};

static void unlink_query(struct net_dns_query *q)
{
	struct net_dns_query **pp;

	for (pp = &q->s->dns_list; *pp; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			return;
		}
	}
}

static void complete(struct net_dns_query *q, int err, uint32_t ip)
{
	unlink_query(q);
	if (q->u)
		net_udp_close(q->u);
	q->done(q->ctx, err, ip);
	free(q);
}

static int send_query(struct net_dns_query *q)
{
	uint8_t buf[WIRE_DNS_NAME_MAX + 32];
	int n = wire_dns_emit_query(buf, sizeof(buf), q->id, q->name);

	if (n < 0)
		return n;
	q->tries++;
	q->deadline = q->s->now + q->timeout;
	q->timeout *= 2;
	return net_udp_sendto(q->u, q->server, WIRE_DNS_PORT, buf, (size_t)n);
}

static void dns_readable(void *sock, void *ctx)
{
	struct net_dns_query *q = ctx;
	uint8_t buf[1500];
	uint32_t from, ip;
	uint16_t port;
	long n;
	int err;

	while ((n = net_udp_recvfrom(sock, buf, sizeof(buf), &from, &port)) >=
	       0) {
		if (from != q->server || port != WIRE_DNS_PORT ||
		    (size_t)n > sizeof(buf))
			continue;
		err = wire_dns_parse_response(buf, (size_t)n, q->id, q->name,
					      &ip);
		if (err == 0 || err == GRAFT_ENOENT || err == GRAFT_EIO) {
			complete(q, err, err ? 0 : ip);
			return;
		}
	}
}

int net_dns_resolve(struct net_stack *s, const char *name,
		    void (*done)(void *ctx, int err, uint32_t ip), void *ctx)
{
	static const struct net_callbacks cb = {.on_readable = dns_readable};
	struct net_dns_query *q;
	uint8_t probe[WIRE_DNS_NAME_MAX + 32];
	uint32_t ip;
	int err;

	net_app_enter(s);
	if (!name || !done || strlen(name) > WIRE_DNS_NAME_MAX)
		return GRAFT_EINVAL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return GRAFT_ENOMEM;
	q->s = s;
	q->done = done;
	q->ctx = ctx;
	strcpy(q->name, name);
	q->next = s->dns_list;
	s->dns_list = q;
	if (net_ip4_parse(name, &ip) == 0) {
		/* answered at the next poll, never from inside this call */
		q->finished = true;
		q->ip = ip;
		q->deadline = s->now;
		net_app_done(s);
		return 0;
	}
	err = wire_dns_emit_query(probe, sizeof(probe), 0, name);
	if (err < 0 || !s->dns) {
		unlink_query(q);
		free(q);
		return err < 0 ? GRAFT_EINVAL : GRAFT_EHOSTUNREACH;
	}
	q->server = s->dns;
	q->id = (uint16_t)net_random(s);
	q->timeout = DNS_FIRST_TIMEOUT;
	err = net_udp_bind(s, 0, &cb, q, &q->u);
	if (!err)
		err = send_query(q);
	if (err) {
		unlink_query(q);
		if (q->u)
			net_udp_close(q->u);
		free(q);
		return err;
	}
	net_app_done(s);
	return 0;
}

void net_dns_poll(struct net_stack *s)
{
	struct net_dns_query *q, *next;

	for (q = s->dns_list; q; q = next) {
		next = q->next;
		if (s->now < q->deadline)
			continue;
		if (q->finished)
			complete(q, q->err, q->ip);
		else if (q->tries >= DNS_TRIES || send_query(q))
			complete(q, GRAFT_ETIMEDOUT, 0);
	}
}

uint64_t net_dns_poll_at(struct net_stack *s)
{
	uint64_t t = UINT64_MAX;
	struct net_dns_query *q;

	for (q = s->dns_list; q; q = q->next)
		t = net_min64(t, q->deadline);
	return t;
}

void net_dns_free(struct net_stack *s)
{
	struct net_dns_query *q, *next;

	for (q = s->dns_list; q; q = next) {
		next = q->next;
		free(q); /* sockets are freed with the others */
	}
	s->dns_list = NULL;
}
