/*
 * The blocking layer for fibers: connect/accept/read/write with deadlines
 * over the non-blocking sockets.  Each struct net_conn wraps a socket with
 * a wait queue; the socket's callbacks wake it and the waiting fiber
 * rechecks.  The stack itself is driven by net_driver.c.  Guest builds
 * only.
 */
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/net.h>
#include <graft/time.h>
#include "iface.h"

struct net_conn {
	struct net_tcp *t;
	struct graft_waitq wq;
	bool connected;
	int err;
};

static void wake(void *sock, void *ctx)
{
	struct net_conn *c = ctx;

	graft_wake_all(&c->wq);
}

static void on_connected(void *sock, void *ctx)
{
	struct net_conn *c = ctx;

	c->connected = true;
	graft_wake_all(&c->wq);
}

static void on_closed(void *sock, void *ctx, int err)
{
	struct net_conn *c = ctx;

	c->err = err ? err : GRAFT_ECLOSED;
	graft_wake_all(&c->wq);
}

static const struct net_callbacks conn_cb = {
    .on_readable = wake,
    .on_writable = wake,
    .on_connected = on_connected,
    .on_closed = on_closed,
};

static struct net_conn *conn_new(void)
{
	struct net_conn *c = calloc(1, sizeof(*c));

	return c;
}

int net_blocking_connect(struct net_stack *s, uint32_t ip, uint16_t port,
			 uint64_t deadline, struct net_conn **out)
{
	struct net_conn *c = conn_new();
	int err;

	if (!c)
		return GRAFT_ENOMEM;
	err = net_tcp_connect(s, ip, port, &conn_cb, c, &c->t);
	if (err)
		goto fail;
	while (!c->connected && !c->err) {
		if (graft_wait(&c->wq, deadline) == GRAFT_ETIMEDOUT) {
			err = GRAFT_ETIMEDOUT;
			goto fail_sock;
		}
	}
	if (!c->connected) {
		err = c->err;
		goto fail_sock;
	}
	*out = c;
	return 0;
fail_sock:
	net_tcp_abort(c->t);
fail:
	free(c);
	return err;
}

int net_blocking_listen(struct net_stack *s, uint16_t port, unsigned backlog,
			struct net_conn **out)
{
	struct net_conn *c = conn_new();
	int err;

	if (!c)
		return GRAFT_ENOMEM;
	err = net_tcp_listen(s, port, backlog, &conn_cb, c, &c->t);
	if (err) {
		free(c);
		return err;
	}
	*out = c;
	return 0;
}

int net_blocking_accept(struct net_conn *l, uint64_t deadline,
			struct net_conn **out)
{
	struct net_conn *c = conn_new();
	int err;

	if (!c)
		return GRAFT_ENOMEM;
	while ((err = net_tcp_accept(l->t, &conn_cb, c, &c->t)) ==
	       GRAFT_EAGAIN) {
		if (graft_wait(&l->wq, deadline) == GRAFT_ETIMEDOUT) {
			free(c);
			return GRAFT_ETIMEDOUT;
		}
	}
	if (err) {
		free(c);
		return err;
	}
	c->connected = true;
	*out = c;
	return 0;
}

long net_blocking_read(struct net_conn *c, void *buf, size_t len,
		       uint64_t deadline)
{
	long n;

	while ((n = net_tcp_recv(c->t, buf, len)) == GRAFT_EAGAIN)
		if (graft_wait(&c->wq, deadline) == GRAFT_ETIMEDOUT)
			return GRAFT_ETIMEDOUT;
	return n;
}

int net_blocking_write(struct net_conn *c, const void *buf, size_t len,
		       uint64_t deadline, size_t *done)
{
	const uint8_t *p = buf;
	size_t sent = 0;
	long n;
	int err = 0;

	while (sent < len) {
		n = net_tcp_send(c->t, p + sent, len - sent);
		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n != GRAFT_EAGAIN) {
			err = (int)n;
			break;
		}
		if (graft_wait(&c->wq, deadline) == GRAFT_ETIMEDOUT) {
			err = GRAFT_ETIMEDOUT;
			break;
		}
	}
	if (done)
		*done = sent;
	return err;
}

void net_blocking_close(struct net_conn *c)
{
	if (!c)
		return;
	net_tcp_close(c->t);
	free(c);
}

struct net_tcp *net_blocking_socket(struct net_conn *c)
{
	return c->t;
}

struct resolve_wait {
	struct graft_waitq wq;
	bool done;
	int err;
	uint32_t ip;
};

static void resolved(void *ctx, int err, uint32_t ip)
{
	struct resolve_wait *w = ctx;

	w->done = true;
	w->err = err;
	w->ip = ip;
	graft_wake_all(&w->wq);
}

int net_blocking_resolve(struct net_stack *s, const char *name,
			 uint64_t deadline, uint32_t *ip)
{
	struct resolve_wait *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return GRAFT_ENOMEM;
	err = net_dns_resolve(s, name, resolved, w);
	if (err) {
		free(w);
		return err;
	}
	while (!w->done) {
		if (graft_wait(&w->wq, deadline) == GRAFT_ETIMEDOUT) {
			/* the query still holds w: leave it to the resolver,
			 * which will write to it once; leaking one small
			 * struct beats a use after free */
			return GRAFT_ETIMEDOUT;
		}
	}
	err = w->err;
	*ip = w->ip;
	free(w);
	return err;
}
