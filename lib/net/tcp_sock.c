/*
 * TCP sockets: the application's calls, allocation and reaping, and the
 * pieces of connection management shared by input and timers (RTO
 * estimation per RFC 6298, the initial congestion window per RFC 6928).
 *
 * Ownership: the application owns a socket from connect/listen/accept to
 * close/abort; the stack owns it before accept and after close, and frees
 * it when it reaches CLOSED.  tcp_count counts sockets not yet dead; when
 * it reaches tcp_max a new connection first evicts an orphaned TIME-WAIT
 * socket or the oldest half-open one.
 */
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "tcp.h"

static const char *const state_names[] = {
    "CLOSED",	   "LISTEN",	 "SYN-SENT",   "SYN-RECEIVED",
    "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT",
    "CLOSING",	   "LAST-ACK",	 "TIME-WAIT",
};

const char *net_tcp_state_name(const struct net_tcp *t)
{
	return state_names[t->state];
}

void tcp_kill(struct net_tcp *t)
{
	if (t->dead)
		return;
	tcp_tw_leave(t);
	t->dead = true;
	t->state = TCP_CLOSED;
	t->s->tcp_count--;
	t->s->tcp_dead++;
}

/*
 * The oldest half-open child (of l, or of any listener when l is NULL)
 * whose SYN-ACK went a whole retransmission timeout unanswered: likely a
 * SYN flood's, so it may give way at a limit.  One still within its
 * first timeout may be a real peer's whose ACK is queued behind the
 * segment that wants the room; killing it would answer that ACK with a
 * reset, so it never gives way (the new SYN is dropped and resent).
 */
struct net_tcp *tcp_stale_half_open(struct net_stack *s,
				    const struct net_tcp *l)
{
	struct net_tcp *t, *oldest = NULL;

	for (t = s->tcp_list; t; t = t->next)
		if (!t->dead && !t->queued && t->state == TCP_SYN_RCVD &&
		    t->parent && (!l || t->parent == l) && t->retries > 0 &&
		    (!oldest || t->created < oldest->created))
			oldest = t;
	return oldest;
}

/* At the socket cap: the oldest orphaned TIME-WAIT socket gives way, else
 * a stale half-open connection (tcp_stale_half_open). */
int tcp_make_room(struct net_stack *s)
{
	struct net_tcp *t;

	if (s->tcp_count < s->cfg.tcp_max)
		return 0;
	t = tcp_tw_oldest_orphan(s);
	if (!t)
		t = tcp_stale_half_open(s, NULL);
	if (!t)
		return GRAFT_ENOSPC;
	tcp_kill(t);
	return 0;
}

struct net_tcp *tcp_alloc(struct net_stack *s)
{
	struct net_tcp *t;

	if (tcp_make_room(s))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->s = s;
	t->created = s->now;
	t->rto = TCP_INIT_RTO_NS;
	t->persist_backoff = TCP_INIT_RTO_NS;
	t->mss = TCP_DEFAULT_MSS;
	t->seg_max = TCP_DEFAULT_MSS;
	t->t_rexmit = t->t_persist = t->t_delack = t->t_keep = t->t_close =
	    TCP_NEVER;
	t->next = s->tcp_list;
	s->tcp_list = t;
	s->tcp_count++;
	return t;
}

static void tcp_release(struct net_tcp *t)
{
	struct net_stack *s = t->s;

	s->st.mem_bytes -= t->sndbuf.cap + t->rcvbuf.cap;
	tcp_ring_free(&t->sndbuf);
	tcp_ring_free(&t->rcvbuf);
	free(t);
}

void net_tcp_reap(struct net_stack *s)
{
	struct net_tcp **pp = &s->tcp_list, *t;

	if (!s->tcp_dead)
		return;
	s->tcp_dead = 0;
	while ((t = *pp)) {
		if (t->dead) {
			*pp = t->next;
			tcp_release(t);
		} else {
			pp = &t->next;
		}
	}
}

void net_tcp_free_all(struct net_stack *s)
{
	struct net_tcp *t, *n;

	while (s->tcp_tw_head)
		tcp_tw_leave(s->tcp_tw_head);
	for (t = s->tcp_list; t; t = n) {
		n = t->next;
		tcp_release(t);
	}
	s->tcp_list = NULL;
	s->tcp_count = 0;
	s->tcp_dead = 0;
}

uint8_t tcp_wscale_for(uint32_t cap)
{
	uint8_t ws = 0;

	while (ws < 14 && (65535u << ws) < cap)
		ws++;
	return ws;
}

int tcp_establish_buffers(struct net_tcp *t)
{
	struct net_stack *s = t->s;

	if (t->sndbuf.buf)
		return 0;
	if (tcp_ring_init(&t->sndbuf, s->cfg.tcp_sndbuf))
		return GRAFT_ENOMEM;
	if (tcp_ring_init(&t->rcvbuf, s->cfg.tcp_rcvbuf)) {
		tcp_ring_free(&t->sndbuf);
		return GRAFT_ENOMEM;
	}
	s->st.mem_bytes += t->sndbuf.cap + t->rcvbuf.cap;
	return 0;
}

/* An orphan (closed by the application, not waiting for accept) reads
 * nothing more: data that arrives for it is answered with a reset.  Once
 * its FIN is acknowledged it sends nothing more either.  So its rings go
 * as soon as they are idle, and a connection lingering in FIN-WAIT-2 or
 * TIME-WAIT costs only its struct. */
void tcp_release_buffers(struct net_tcp *t)
{
	struct net_stack *s = t->s;

	if (t->app_owned || t->parent)
		return;
	if (t->rcvbuf.buf) {
		s->st.mem_bytes -= t->rcvbuf.cap;
		tcp_ring_free(&t->rcvbuf);
	}
	if (t->sndbuf.buf && t->fin_queued && seq_gt(t->snd_una, t->fin_seq)) {
		s->st.mem_bytes -= t->sndbuf.cap;
		tcp_ring_free(&t->sndbuf);
	}
}

void tcp_init_cc(struct net_tcp *t)
{
	/* RFC 6928 initial window */
	t->cwnd = min32(10 * t->mss, max32(2 * t->mss, 14600));
	t->ssthresh = 0x7fffffff;
	t->recover = t->iss;
	/* echoes of anything sent from now on may time the round trip */
	t->rexmit_tsval = tcp_ts_now(t->s) - 1;
}

void tcp_rtt_sample(struct net_tcp *t, uint64_t r)
{
	uint64_t min_rto = t->s->cfg.tcp_min_rto_ms * NET_MS, var;

	if (!t->have_rtt) {
		t->srtt = r;
		t->rttvar = r / 2;
		t->have_rtt = true;
	} else {
		uint64_t d = t->srtt > r ? t->srtt - r : r - t->srtt;
		t->rttvar = (3 * t->rttvar + d) / 4;
		t->srtt = (7 * t->srtt + r) / 8;
	}
	var = 4 * t->rttvar;
	if (var < NET_MS)
		var = NET_MS; /* clock granularity G */
	t->rto = t->srtt + var;
	if (t->rto < min_rto)
		t->rto = min_rto;
	if (t->rto > TCP_MAX_RTO_NS)
		t->rto = TCP_MAX_RTO_NS;
}

void tcp_set_state(struct net_tcp *t, enum tcp_state st)
{
	t->state = st;
	if (st == TCP_TIME_WAIT) {
		t->t_rexmit = t->t_persist = t->t_keep = t->t_delack =
		    TCP_NEVER;
		t->t_close = t->s->now + 2ULL * t->s->cfg.tcp_msl_ms * NET_MS;
		tcp_tw_enter(t);
	}
}

void tcp_notify(struct net_tcp *t, void (*fn)(void *, void *))
{
	if (fn && t->app_owned)
		fn(t, t->ctx);
}

void tcp_finish(struct net_tcp *t, int err)
{
	bool owned = t->app_owned;

	tcp_tw_leave(t);
	if (!t->err)
		t->err = err;
	t->t_rexmit = t->t_persist = t->t_delack = t->t_keep = t->t_close =
	    TCP_NEVER;
	t->state = TCP_CLOSED;
	if (!owned) {
		tcp_kill(t);
		return;
	}
	if (!t->closed_notified) {
		t->closed_notified = true;
		if (t->cb.on_readable)
			t->cb.on_readable(t, t->ctx);
		if (t->cb.on_closed && t->app_owned)
			t->cb.on_closed(t, t->ctx, err);
	}
}

unsigned tcp_count_children(struct net_tcp *l, bool queued)
{
	struct net_tcp *t;
	unsigned n = 0;

	for (t = l->s->tcp_list; t; t = t->next)
		if (t->parent == l && !t->dead && t->queued == queued &&
		    (queued || t->state == TCP_SYN_RCVD))
			n++;
	return n;
}

static bool port_in_use(struct net_stack *s, const struct net_tcp *self,
			uint16_t port)
{
	struct net_tcp *t;

	for (t = s->tcp_list; t; t = t->next)
		if (t != self && !t->dead && t->lport == port)
			return true;
	return tcp_tw_port_in_use(s, port);
}

int net_tcp_connect(struct net_stack *s, uint32_t ip, uint16_t port,
		    const struct net_callbacks *cb, void *ctx,
		    struct net_tcp **out)
{
	struct net_tcp *t;
	uint32_t hop;
	unsigned tries;

	net_app_enter(s);
	if (!net_ipv4_route(s, ip, &hop) || !s->ip)
		return GRAFT_EHOSTUNREACH;
	if (port == 0)
		return GRAFT_EINVAL;
	t = tcp_alloc(s);
	if (!t)
		return s->tcp_count >= s->cfg.tcp_max ? GRAFT_ENOSPC
						      : GRAFT_ENOMEM;
	if (tcp_establish_buffers(t)) {
		tcp_kill(t);
		net_tcp_reap(s);
		return GRAFT_ENOMEM;
	}
	for (tries = 0; tries < 16384; tries++) {
		t->lport = net_ephemeral_port(s);
		if (!port_in_use(s, t, t->lport))
			break;
	}
	t->app_owned = true;
	if (cb)
		t->cb = *cb;
	t->ctx = ctx;
	t->lip = s->ip;
	t->rip = ip;
	t->rport = port;
	t->iss = net_random(s) + (uint32_t)(s->now / 4000);
	t->snd_una = t->iss;
	t->snd_nxt = t->snd_max = t->iss + 1;
	t->rcv_wscale = tcp_wscale_for(s->cfg.tcp_rcvbuf);
	t->state = TCP_SYN_SENT;
	tcp_send_syn(t);
	*out = t;
	net_app_done(s);
	return 0;
}

int net_tcp_listen(struct net_stack *s, uint16_t port, unsigned backlog,
		   const struct net_callbacks *cb, void *ctx,
		   struct net_tcp **out)
{
	struct net_tcp *t, *o;

	if (port == 0)
		return GRAFT_EINVAL;
	for (o = s->tcp_list; o; o = o->next)
		if (!o->dead && o->state == TCP_LISTEN && o->lport == port)
			return GRAFT_EADDRINUSE;
	t = tcp_alloc(s);
	if (!t)
		return GRAFT_ENOMEM;
	t->state = TCP_LISTEN;
	t->lport = port;
	t->backlog = backlog ? backlog : 1;
	t->app_owned = true;
	if (cb)
		t->cb = *cb;
	t->ctx = ctx;
	*out = t;
	return 0;
}

int net_tcp_accept(struct net_tcp *l, const struct net_callbacks *cb, void *ctx,
		   struct net_tcp **out)
{
	struct net_tcp *t, *best = NULL;

	if (l->state != TCP_LISTEN)
		return GRAFT_EINVAL;
	for (t = l->s->tcp_list; t; t = t->next)
		if (t->parent == l && t->queued && !t->dead &&
		    (!best || t->created < best->created))
			best = t;
	if (!best)
		return GRAFT_EAGAIN;
	best->queued = false;
	best->parent = NULL;
	best->app_owned = true;
	if (cb)
		best->cb = *cb;
	best->ctx = ctx;
	*out = best;
	/* it may have ended while it waited */
	if (best->state == TCP_CLOSED && !best->closed_notified)
		tcp_finish(best, best->err);
	return 0;
}

static int conn_error(const struct net_tcp *t)
{
	if (t->err)
		return t->err;
	return GRAFT_ENOTCONN;
}

long net_tcp_send(struct net_tcp *t, const void *buf, size_t len)
{
	uint32_t n;

	net_app_enter(t->s);
	if (t->state != TCP_ESTABLISHED && t->state != TCP_CLOSE_WAIT) {
		if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RCVD)
			return GRAFT_EAGAIN;
		if (t->fin_queued && t->state != TCP_CLOSED)
			return GRAFT_ECLOSED;
		return conn_error(t);
	}
	if (t->fin_queued)
		return GRAFT_ECLOSED;
	n = (uint32_t)(len < UINT32_MAX ? len : UINT32_MAX);
	n = min32(n, t->sndbuf.cap - t->sndbuf.len);
	if (n == 0) {
		t->want_write = true;
		return GRAFT_EAGAIN;
	}
	tcp_ring_write_at(&t->sndbuf, t->sndbuf.len, buf, n);
	t->sndbuf.len += n;
	if (n < len)
		t->want_write = true;
	/* Sent at the next poll, right after the application's turn: what
	 * it writes meanwhile joins the same segments, and a close after an
	 * answer puts the FIN on the answer's last segment. */
	t->output_due = true;
	net_app_done(t->s);
	return n;
}

/* The window grew by a step worth announcing: the update is due now, but
 * leaves with the stack's next poll, after the application's turn, so
 * that an answer written meanwhile carries it (a request read and
 * answered costs one segment, not two). */
static void maybe_window_update(struct net_tcp *t)
{
	uint32_t space = tcp_rcv_space(t);
	uint32_t adv = t->rcv_adv - t->rcv_nxt;
	uint32_t step = min32(t->rcvbuf.cap / 2, 2 * t->mss);

	if (!tcp_synchronized(t) || t->rcv_fin)
		return;
	if (space >= adv + step && t->t_delack > t->s->now)
		t->t_delack = t->s->now;
}

long net_tcp_recv(struct net_tcp *t, void *buf, size_t len)
{
	uint32_t n;

	net_app_enter(t->s);
	if (t->state == TCP_LISTEN)
		return GRAFT_EINVAL;
	if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RCVD)
		return GRAFT_EAGAIN;
	if (!t->rcvbuf.buf)
		return t->err ? t->err : 0;
	n = min32((uint32_t)(len < UINT32_MAX ? len : UINT32_MAX),
		  t->rcvbuf.len);
	if (n == 0) {
		if (t->err)
			return t->err;
		if (t->rcv_fin)
			return 0;
		return t->state == TCP_CLOSED ? 0 : GRAFT_EAGAIN;
	}
	tcp_ring_read_at(&t->rcvbuf, 0, buf, n);
	tcp_ring_drop(&t->rcvbuf, n);
	if (t->state != TCP_CLOSED) {
		t->s->busy++;
		maybe_window_update(t);
		t->s->busy--;
		net_app_done(t->s);
	}
	return n;
}

int net_tcp_shutdown(struct net_tcp *t)
{
	net_app_enter(t->s);
	switch (t->state) {
	case TCP_ESTABLISHED:
		tcp_set_state(t, TCP_FIN_WAIT_1);
		break;
	case TCP_CLOSE_WAIT:
		tcp_set_state(t, TCP_LAST_ACK);
		break;
	case TCP_SYN_SENT:
	case TCP_LISTEN:
		tcp_finish(t, 0);
		return 0;
	default:
		return t->fin_queued ? 0 : GRAFT_ENOTCONN;
	}
	t->fin_queued = true;
	t->fin_seq = t->snd_una + t->sndbuf.len;
	t->s->busy++;
	tcp_output(t);
	t->s->busy--;
	net_app_done(t->s);
	return 0;
}

static void abort_children(struct net_tcp *l)
{
	struct net_tcp *t;

	for (t = l->s->tcp_list; t; t = t->next) {
		if (t->parent != l || t->dead)
			continue;
		if (tcp_synchronized(t))
			tcp_send_rst(t->s, t->lip, t->rip, t->lport, t->rport,
				     t->snd_max, 0, 0);
		tcp_kill(t);
	}
}

void net_tcp_abort(struct net_tcp *t)
{
	struct net_stack *s = t->s;

	net_app_enter(s);
	if (t->state == TCP_LISTEN)
		abort_children(t);
	else if (tcp_synchronized(t) && t->state != TCP_TIME_WAIT)
		tcp_send_rst(s, t->lip, t->rip, t->lport, t->rport, t->snd_max,
			     0, 0);
	t->app_owned = false;
	tcp_kill(t);
	net_app_done(s);
}

void net_tcp_close(struct net_tcp *t)
{
	struct net_stack *s = t->s;

	net_app_enter(s);
	if (t->state == TCP_LISTEN || t->state == TCP_SYN_SENT ||
	    t->state == TCP_CLOSED) {
		net_tcp_abort(t);
		return;
	}
	/* unread data: the peer must learn it was not delivered (RFC 9293
	 * 3.6, RFC 2525 2.17); what was written before still goes first,
	 * as it would have without the corking in net_tcp_send */
	if (t->rcvbuf.len) {
		if (t->output_due) {
			s->busy++;
			tcp_output(t);
			s->busy--;
		}
		net_tcp_abort(t);
		return;
	}
	t->app_owned = false;
	memset(&t->cb, 0, sizeof(t->cb));
	net_tcp_shutdown(t);
	tcp_release_buffers(t);
	if (t->state == TCP_FIN_WAIT_2 && t->t_close == TCP_NEVER)
		t->t_close = s->now + TCP_FIN_WAIT_2_NS;
	net_app_done(s);
}

void net_tcp_set_keepalive(struct net_tcp *t, uint32_t idle_ms,
			   uint32_t interval_ms, uint32_t count)
{
	net_app_enter(t->s);
	t->ka_idle = (uint64_t)idle_ms * NET_MS;
	t->ka_intvl = (uint64_t)(interval_ms ? interval_ms : 1000) * NET_MS;
	t->ka_count = count ? count : 1;
	t->ka_probes = 0;
	t->t_keep = idle_ms ? t->s->now + t->ka_idle : TCP_NEVER;
	net_app_done(t->s);
}

size_t net_tcp_sendable(const struct net_tcp *t)
{
	if (t->state != TCP_ESTABLISHED && t->state != TCP_CLOSE_WAIT)
		return 0;
	return t->fin_queued ? 0 : t->sndbuf.cap - t->sndbuf.len;
}

size_t net_tcp_readable(const struct net_tcp *t)
{
	return t->rcvbuf.len;
}

int net_tcp_error(const struct net_tcp *t)
{
	return t->err;
}

void net_tcp_peer(const struct net_tcp *t, uint32_t *ip, uint16_t *port)
{
	if (ip)
		*ip = t->rip;
	if (port)
		*port = t->rport;
}

uint16_t net_tcp_local_port(const struct net_tcp *t)
{
	return t->lport;
}
