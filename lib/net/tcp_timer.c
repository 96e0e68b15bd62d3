/*
 * TCP timers: retransmission (RFC 6298 with exponential backoff, go-back-N
 * from snd_una with a one-segment loss window per RFC 5681, forgetting the
 * SACK scoreboard, for the peer may have reneged), zero-window
 * probes, delayed ACKs, keep-alive (RFC 9293 3.8.4), TIME-WAIT and the
 * orphaned FIN-WAIT-2 limit.  Each socket keeps absolute deadlines; the
 * stack's poll_at is their minimum.
 */
#include <graft/error.h>
#include "tcp.h"

static void backoff(struct net_tcp *t)
{
	t->rto *= 2;
	if (t->rto > TCP_MAX_RTO_NS)
		t->rto = TCP_MAX_RTO_NS;
}

static void rexmit_timeout(struct net_tcp *t)
{
	struct net_stack *s = t->s;
	uint32_t flight = t->snd_max - t->snd_una;

	t->t_rexmit = TCP_NEVER;
	if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RCVD) {
		if (++t->retries > TCP_SYN_RETRIES) {
			tcp_finish(t, GRAFT_ETIMEDOUT);
			return;
		}
		backoff(t);
		tcp_send_syn(t);
		return;
	}
	if (t->snd_una == t->snd_max)
		return;
	if (++t->retries > TCP_DATA_RETRIES) {
		tcp_send_rst(s, t->lip, t->rip, t->lport, t->rport, t->snd_max,
			     0, 0);
		tcp_finish(t, GRAFT_ETIMEDOUT);
		return;
	}
	t->ssthresh = max32(flight / 2, 2 * t->mss);
	t->cwnd = t->mss;
	t->snd_nxt = t->snd_una;
	/* the peer may have dropped what it SACKed (RFC 2018 8) */
	tcp_sack_clear(t);
	t->undo_ok = false;
	s->st.tcp_timeouts++;
	t->in_recovery = false;
	t->dupacks = 0;
	t->recover = t->snd_max;
	t->recover_by_timer = true;
	t->rtt_timing = false;
	t->rexmit_tsval = tcp_ts_now(s);
	backoff(t);
	s->st.tcp_retransmits++;
	if (t->snd_wnd == 0)
		tcp_send_window_probe(t);
	else
		tcp_output(t);
	if (t->t_rexmit == TCP_NEVER)
		t->t_rexmit = s->now + t->rto;
}

static void keepalive_timeout(struct net_tcp *t)
{
	struct net_stack *s = t->s;

	if (t->state != TCP_ESTABLISHED && t->state != TCP_CLOSE_WAIT) {
		t->t_keep = TCP_NEVER;
		return;
	}
	if (t->ka_probes >= t->ka_count) {
		tcp_send_rst(s, t->lip, t->rip, t->lport, t->rport, t->snd_max,
			     0, 0);
		tcp_finish(t, GRAFT_ETIMEDOUT);
		return;
	}
	tcp_send_keepalive(t);
	t->ka_probes++;
	t->t_keep = s->now + t->ka_intvl;
}

static void tcp_timers(struct net_tcp *t)
{
	uint64_t now = t->s->now;

	if (t->t_close <= now) {
		t->t_close = TCP_NEVER;
		tcp_finish(t, 0);
		return;
	}
	if (t->t_rexmit <= now) {
		rexmit_timeout(t);
		if (t->state == TCP_CLOSED)
			return;
	}
	if (t->t_persist <= now) {
		t->t_persist = TCP_NEVER;
		tcp_send_window_probe(t);
		t->persist_backoff *= 2;
		if (t->persist_backoff > TCP_MAX_RTO_NS)
			t->persist_backoff = TCP_MAX_RTO_NS;
	}
	if (t->output_due)
		tcp_output(t);
	if (t->t_delack <= now)
		tcp_send_ack(t);
	if (t->t_keep <= now)
		keepalive_timeout(t);
}

void net_tcp_poll(struct net_stack *s)
{
	struct net_tcp *t;

	for (t = s->tcp_list; t; t = t->next)
		if (!t->dead && t->state != TCP_CLOSED &&
		    t->state != TCP_LISTEN)
			tcp_timers(t);
	tcp_tw_expire(s);
}

uint64_t net_tcp_poll_at(struct net_stack *s)
{
	uint64_t at = tcp_tw_poll_at(s);
	struct net_tcp *t;

	for (t = s->tcp_list; t; t = t->next) {
		if (t->dead || t->state == TCP_CLOSED)
			continue;
		at = net_min64(at, t->t_rexmit);
		at = net_min64(at, t->t_persist);
		at = net_min64(at, t->t_delack);
		at = net_min64(at, t->t_keep);
		at = net_min64(at, t->t_close);
		if (t->output_due)
			at = net_min64(at, t->s->now);
	}
	return at;
}
