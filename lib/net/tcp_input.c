/*
 * TCP segment arrival (RFC 9293 3.10.7) with the RFC 5961 defences: a RST
 * or SYN that is in the window but not exactly at rcv_nxt, and an ACK for
 * data never sent, earn a (rate-limited) challenge ACK instead of acting.
 * PAWS and timestamp bookkeeping follow RFC 7323; acknowledgements drive
 * RTT estimation and NewReno congestion control (RFC 5681, RFC 6582), with
 * Limited Transmit (RFC 3042) and Early Retransmit (RFC 5827) so that a
 * small flight recovers a loss without the timer.  Where both ends offered
 * SACK, the scoreboard (tcp_sack.c) drives recovery instead (RFC 6675):
 * any ACK that SACKs new data counts as a duplicate, even one carrying
 * data, and recovery starts as soon as the first hole is known lost.
 */
#include <string.h>
#include <graft/error.h>
#include "tcp.h"

#define TCP_CHALLENGE_PER_SEC 100

static struct net_tcp *lookup(struct net_stack *s, uint32_t lip, uint32_t rip,
			      uint16_t lport, uint16_t rport)
{
	struct net_tcp *t;

	for (t = s->tcp_list; t; t = t->next)
		if (!t->dead && t->lport == lport && t->rport == rport &&
		    t->rip == rip && t->lip == lip && t->state != TCP_LISTEN)
			return t;
	return tcp_tw_lookup(s, lip, rip, lport, rport);
}

static struct net_tcp *listener(struct net_stack *s, uint16_t lport)
{
	struct net_tcp *t;

	for (t = s->tcp_list; t; t = t->next)
		if (!t->dead && t->lport == lport && t->state == TCP_LISTEN)
			return t;
	return NULL;
}

/* A SYN for a four-tuple in TIME-WAIT may open a new incarnation when it
 * cannot be an old duplicate (RFC 9293 3.10.7.4 and RFC 6191): its
 * timestamp is newer than the last one seen when both ends use
 * timestamps, else its sequence number lies beyond the old connection's. */
static bool time_wait_reusable(const struct net_tcp *t,
			       const struct wire_tcp *h)
{
	if ((h->flags & (WIRE_TCP_SYN | WIRE_TCP_ACK | WIRE_TCP_RST)) !=
	    WIRE_TCP_SYN)
		return false;
	if (t->ts_ok && h->ts)
		return seq_gt(h->tsval, t->ts_recent);
	return seq_gt(h->seq, t->rcv_nxt);
}

static uint32_t seg_len(const struct wire_tcp *h)
{
	return (uint32_t)h->payload_len + !!(h->flags & WIRE_TCP_SYN) +
	       !!(h->flags & WIRE_TCP_FIN);
}

static void reset_unknown(struct net_stack *s, const struct wire_ipv4 *ip,
			  const struct wire_tcp *h)
{
	if (h->flags & WIRE_TCP_RST)
		return;
	if (h->flags & WIRE_TCP_ACK)
		tcp_send_rst(s, ip->dst, ip->src, h->dport, h->sport, h->ack, 0,
			     0);
	else
		tcp_send_rst(s, ip->dst, ip->src, h->dport, h->sport, 0,
			     h->seq + seg_len(h), WIRE_TCP_ACK);
}

static void challenge_ack(struct net_tcp *t)
{
	struct net_stack *s = t->s;

	if (s->now >= s->chal_window + 1000 * NET_MS) {
		s->chal_window = s->now;
		s->chal_sent = 0;
	}
	if (++s->chal_sent > TCP_CHALLENGE_PER_SEC)
		return;
	s->st.tcp_challenge_acks++;
	tcp_send_ack(t);
}

static void negotiate(struct net_tcp *t, const struct wire_tcp *h)
{
	uint32_t peer_mss = h->mss ? h->mss : TCP_DEFAULT_MSS;
	uint32_t mss = min32(peer_mss, (uint32_t)t->s->mtu - 40);

	if (h->wscale >= 0) {
		t->snd_wscale = (uint8_t)h->wscale;
		t->rcv_wscale = tcp_wscale_for(t->s->cfg.tcp_rcvbuf);
	} else {
		t->snd_wscale = t->rcv_wscale = 0;
	}
	t->ts_ok = h->ts;
	t->sack_ok = h->sack_perm && !t->s->cfg.tcp_no_sack;
	if (h->ts)
		t->ts_recent = h->tsval;
	if (t->ts_ok)
		mss -= 12;
	t->mss = (uint16_t)max32(mss, 64);
	t->seg_max = tcp_seg_max(t->s, t->mss);
}

static void listen_input(struct net_tcp *l, const struct wire_ipv4 *ip,
			 const struct wire_tcp *h)
{
	struct net_stack *s = l->s;
	struct net_tcp *c, *oldest;

	if (h->flags & WIRE_TCP_RST)
		return;
	if (h->flags & WIRE_TCP_ACK) {
		reset_unknown(s, ip, h);
		return;
	}
	if (!(h->flags & WIRE_TCP_SYN))
		return;
	if (tcp_count_children(l, true) >= l->backlog) {
		s->st.tcp_syn_dropped++;
		return;
	}
	/* At the half-open limit only a stale one gives way (a burst's
	 * real peers may have ACKs queued behind this SYN). */
	if (tcp_count_children(l, false) >= l->backlog) {
		s->st.tcp_syn_dropped++;
		oldest = tcp_stale_half_open(s, l);
		if (!oldest)
			return;
		tcp_kill(oldest);
	}
	c = tcp_alloc(s);
	if (!c) {
		s->st.tcp_syn_dropped++;
		return;
	}
	c->parent = l;
	c->lip = ip->dst;
	c->rip = ip->src;
	c->lport = h->dport;
	c->rport = h->sport;
	c->irs = h->seq;
	c->rcv_nxt = h->seq + 1;
	c->iss = net_random(s) + (uint32_t)(s->now / 4000);
	c->snd_una = c->iss;
	c->snd_nxt = c->snd_max = c->iss + 1;
	negotiate(c, h);
	c->snd_wnd = h->window;
	c->snd_wl1 = h->seq;
	c->state = TCP_SYN_RCVD;
	tcp_send_syn(c);
}

static void established(struct net_tcp *t, const struct wire_tcp *h)
{
	struct net_stack *s = t->s;

	t->snd_una = h->ack;
	if (seq_lt(t->snd_nxt, t->snd_una))
		t->snd_nxt = t->snd_una;
	t->snd_wl1 = h->seq;
	t->snd_wl2 = h->ack;
	t->max_snd_wnd = t->snd_wnd;
	t->rcv_adv = t->rcv_nxt;
	tcp_init_cc(t);
	t->t_rexmit = TCP_NEVER;
	if (t->ts_ok && h->ts && h->tsecr)
		tcp_rtt_sample(t,
			       (uint64_t)(tcp_ts_now(s) - h->tsecr) * NET_MS);
	else if (t->retries == 0)
		tcp_rtt_sample(t, s->now - t->created);
	t->retries = 0;
	t->rto = t->rto ? t->rto : TCP_INIT_RTO_NS;
	tcp_set_state(t, TCP_ESTABLISHED);
	if (t->ka_idle)
		t->t_keep = s->now + t->ka_idle;
}

static void syn_sent_input(struct net_tcp *t, const struct wire_ipv4 *ip,
			   const struct wire_tcp *h)
{
	if ((h->flags & WIRE_TCP_ACK) &&
	    (seq_le(h->ack, t->iss) || seq_gt(h->ack, t->snd_max))) {
		reset_unknown(t->s, ip, h);
		return;
	}
	if (h->flags & WIRE_TCP_RST) {
		if (h->flags & WIRE_TCP_ACK)
			tcp_finish(t, GRAFT_ECONNREFUSED);
		return;
	}
	if (!(h->flags & WIRE_TCP_SYN))
		return;
	t->irs = h->seq;
	t->rcv_nxt = h->seq + 1;
	negotiate(t, h);
	t->snd_wnd = h->window; /* never scaled in a SYN (RFC 7323 2.2) */
	if (!(h->flags & WIRE_TCP_ACK)) {
		/* simultaneous open */
		t->snd_wl1 = h->seq;
		t->state = TCP_SYN_RCVD;
		t->t_rexmit = TCP_NEVER;
		tcp_send_syn(t);
		return;
	}
	established(t, h);
	tcp_send_ack(t);
	tcp_notify(t, t->cb.on_connected);
}

/* the window is what we advertised, even where the buffer has less room
 * now (tcp_adv_window rounds up to the scale, and never shrinks it): a
 * peer that filled it sends its ACKs from the right edge, and dropping
 * those would leave our data unacknowledged for as long as it waits */
static bool acceptable(struct net_tcp *t, uint32_t seq, uint32_t len)
{
	uint32_t wnd = t->rcvbuf.buf ? tcp_rcv_space(t) : t->s->cfg.tcp_rcvbuf;
	uint32_t end;

	if (t->rcvbuf.buf && seq_gt(t->rcv_adv, t->rcv_nxt + wnd))
		wnd = t->rcv_adv - t->rcv_nxt;
	end = t->rcv_nxt + wnd;
	if (len == 0)
		return seq_ge(seq, t->rcv_nxt) && seq_le(seq, end);
	if (wnd == 0)
		return seq == t->rcv_nxt; /* ACK processed, data dropped */
	return (seq_ge(seq, t->rcv_nxt) && seq_lt(seq, end)) ||
	       (seq_ge(seq + len - 1, t->rcv_nxt) &&
		seq_lt(seq + len - 1, end));
}

static void reset_received(struct net_tcp *t)
{
	if (t->state == TCP_SYN_RCVD && t->parent) {
		tcp_kill(t); /* back to LISTEN: only the child goes */
		return;
	}
	if (t->state == TCP_TIME_WAIT || t->state == TCP_CLOSING ||
	    t->state == TCP_LAST_ACK)
		tcp_finish(t, 0);
	else
		tcp_finish(t, GRAFT_ECONNRESET);
}

static void new_ack(struct net_tcp *t, const struct wire_tcp *h)
{
	struct net_stack *s = t->s;
	uint32_t acked = h->ack - t->snd_una;
	uint32_t mss = t->mss;

	tcp_ring_drop(&t->sndbuf, min32(acked, t->sndbuf.len));
	t->snd_una = h->ack;
	if (seq_lt(t->snd_nxt, t->snd_una))
		t->snd_nxt = t->snd_una;
	t->retries = 0;
	if (t->ts_ok && h->ts && h->tsecr) {
		/* Karn's rule in timestamps: an echo older than our last
		 * retransmission may time the wait for the timer too, and
		 * such samples would feed back into ever larger RTOs */
		uint32_t ms = tcp_ts_now(s) - h->tsecr;
		if (ms < 60000 && seq_ge(h->tsecr, t->rexmit_tsval))
			tcp_rtt_sample(t, (uint64_t)ms * NET_MS);
	} else if (t->rtt_timing && seq_gt(h->ack, t->rtt_seq)) {
		tcp_rtt_sample(t, s->now - t->rtt_start);
		t->rtt_timing = false;
	}
	if (t->in_recovery) {
		if (seq_ge(h->ack, t->recover)) {
			/* full acknowledgement: leave fast recovery */
			t->in_recovery = false;
			t->cwnd =
			    min32(t->ssthresh,
				  max32(t->snd_max - t->snd_una, mss) + mss);
		} else if (t->sack_ok) {
			/* the scoreboard picks what to resend (tcp_output) */
			if (seq_lt(t->high_rxt, t->snd_una))
				t->high_rxt = t->snd_una;
		} else {
			/* partial: the next hole is lost too */
			tcp_retransmit_first(t);
			t->cwnd = t->cwnd > acked ? t->cwnd - acked + mss : mss;
		}
	} else if (t->cwnd < t->ssthresh) {
		t->cwnd += min32(acked, t->seg_max);
	} else {
		/* an ACK for a large segment counts as one per mss in it */
		t->cwnd += max32(1, mss * max32(min32(acked, t->seg_max), mss) /
					t->cwnd);
	}
	if (t->cwnd > (1u << 30))
		t->cwnd = 1u << 30;
	t->dupacks = 0;
	t->t_rexmit = t->snd_una == t->snd_max ? TCP_NEVER : s->now + t->rto;
	t->persist_backoff = t->rto;
	if (t->want_write && t->sndbuf.len < t->sndbuf.cap) {
		t->want_write = false;
		tcp_notify(t, t->cb.on_writable);
	}
}

/* duplicate ACKs that start fast retransmit: three, or fewer for a
 * flight too small to earn three with nothing new to send (Early
 * Retransmit, RFC 5827) */
static unsigned dupack_threshold(const struct net_tcp *t)
{
	uint32_t flight = t->snd_max - t->snd_una;
	uint32_t segs = (flight + t->mss - 1) / t->mss;
	uint32_t unsent = t->sndbuf.len - min32(flight, t->sndbuf.len);
	bool more = unsent && flight + min32(unsent, t->mss) <= t->snd_wnd;

	if (segs >= 2 && segs < 4 && !more)
		return segs - 1;
	return 3;
}

/* RFC 6582 starts no fast retransmit before the ACKs pass recover, for
 * duplicates that resending what the peer already held provokes.  Only
 * the go-back-N after a timeout does that; after a fast recovery nothing
 * beyond recover was sent twice, so duplicates of an ACK for exactly
 * recover tell of a new loss, the first segment after it. */
static bool may_fast_retransmit(const struct net_tcp *t)
{
	if (t->in_recovery)
		return false;
	if (t->recover_by_timer)
		return seq_gt(t->snd_una, t->recover);
	return seq_ge(t->snd_una, t->recover);
}

static void enter_recovery(struct net_tcp *t)
{
	uint32_t flight = t->snd_max - t->snd_una, seq, len;

	if (t->sack_ok)
		tcp_sack_recovery_start(t);
	t->ssthresh = max32(flight / 2, 2 * t->mss);
	t->recover = t->snd_max;
	t->recover_by_timer = false;
	t->in_recovery = true;
	t->s->st.tcp_fast_retransmits++;
	if (!t->sack_ok) {
		tcp_retransmit_first(t);
		t->cwnd = t->ssthresh + t->dupacks * t->mss;
		return;
	}
	/* RFC 6675 5 (4): the first hole goes at once, whatever the pipe */
	t->cwnd = t->ssthresh;
	t->high_rxt = t->snd_una;
	if (tcp_sack_next_hole(t, true, &seq, &len))
		tcp_retransmit_at(t, seq, len);
	else
		tcp_retransmit_first(t);
}

static void dup_ack(struct net_tcp *t)
{
	t->dupacks++;
	if (t->dupacks >= dupack_threshold(t) && may_fast_retransmit(t))
		enter_recovery(t);
	else if (t->in_recovery && !t->sack_ok)
		t->cwnd += t->mss;
}

/* false: drop the rest of the segment */
static bool process_ack(struct net_tcp *t, const struct wire_tcp *h)
{
	uint32_t wnd = (uint32_t)h->window << t->snd_wscale;
	uint32_t newly_sacked;
	bool advanced;

	if (seq_gt(h->ack, t->snd_max)) {
		tcp_send_ack(t);
		return false;
	}
	if (seq_lt(h->ack, t->snd_una - t->max_snd_wnd)) {
		challenge_ack(t);
		return false;
	}
	advanced = seq_gt(h->ack, t->snd_una);
	if (advanced)
		new_ack(t, h);
	newly_sacked = tcp_sack_input(t, h);
	if (!advanced && h->ack == t->snd_una && t->snd_max != t->snd_una &&
	    (newly_sacked || (h->payload_len == 0 &&
			      !(h->flags & WIRE_TCP_FIN) && !t->sack_ok)))
		/* RFC 5681 also asks for an unchanged window, but Linux
		 * moves its window with every ACK while autotuning; with
		 * SACK, only an ACK that tells something new (RFC 6675 2) */
		dup_ack(t);
	if (t->sack_ok && newly_sacked && !t->in_recovery &&
	    may_fast_retransmit(t) && tcp_sack_is_lost(t, t->snd_una))
		enter_recovery(t);
	else if (t->sack_ok && t->in_recovery)
		tcp_sack_lost_rexmits(t);
	if (seq_lt(t->snd_wl1, h->seq) ||
	    (t->snd_wl1 == h->seq && seq_le(t->snd_wl2, h->ack))) {
		t->snd_wnd = wnd;
		t->snd_wl1 = h->seq;
		t->snd_wl2 = h->ack;
		t->max_snd_wnd = max32(t->max_snd_wnd, wnd);
	}
	return true;
}

static bool fin_acked(const struct net_tcp *t)
{
	return t->fin_queued && seq_gt(t->snd_una, t->fin_seq);
}

/* bytes [seq, seq + n) arrived again: tell the peer once (D-SACK, RFC
 * 2883), so that it can tell a spurious retransmission */
static void note_duplicate(struct net_tcp *t, uint32_t seq, uint32_t n)
{
	if (!t->sack_ok || !n)
		return;
	t->dsack.lo = seq;
	t->dsack.hi = seq + n;
	t->dsack_pending = true;
}

static void receive_data(struct net_tcp *t, const struct wire_tcp *h)
{
	uint32_t seq = h->seq, n = (uint32_t)h->payload_len, off, space;
	const uint8_t *p = h->payload;
	unsigned holes = t->n_ooo;

	if (seq_lt(seq, t->rcv_nxt)) {
		uint32_t skip = t->rcv_nxt - seq;
		note_duplicate(t, seq, min32(skip, n));
		if (skip >= n) {
			t->ack_now = true;
			return;
		}
		p += skip;
		n -= skip;
		seq = t->rcv_nxt;
	}
	off = seq - t->rcv_nxt;
	space = tcp_rcv_space(t);
	if (off >= space) {
		t->ack_now = true;
		return;
	}
	n = min32(n, space - off);
	if (!tcp_rcv_store(t, seq, p, n) || holes || t->n_ooo) {
		t->ack_now = true; /* out of order, or a hole being filled */
	} else if (t->s->rx_gso || ++t->unacked_segs >= 2) {
		t->ack_now = true;
	} else if (t->t_delack == TCP_NEVER) {
		t->t_delack = t->s->now + TCP_DELACK_NS;
	}
	if (off == 0)
		tcp_notify(t, t->cb.on_readable);
}

static void fin_received(struct net_tcp *t)
{
	t->rcv_nxt++;
	t->rcv_fin = true;
	t->fin_pending = false;
	t->ack_now = true;
	switch (t->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		tcp_set_state(t, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT_1:
		tcp_set_state(t, fin_acked(t) ? TCP_TIME_WAIT : TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		tcp_set_state(t, TCP_TIME_WAIT);
		break;
	default:
		break;
	}
	tcp_notify(t, t->cb.on_readable);
}

static void handle_fin(struct net_tcp *t, const struct wire_tcp *h)
{
	uint32_t fseq = h->seq + (uint32_t)h->payload_len;

	if (t->rcv_fin) {
		t->ack_now = true; /* a retransmitted FIN */
		if (t->state == TCP_TIME_WAIT)
			tcp_set_state(t, TCP_TIME_WAIT);
		return;
	}
	if (fseq == t->rcv_nxt) {
		fin_received(t);
	} else if (seq_gt(fseq, t->rcv_nxt)) {
		t->fin_pending = true;
		t->fin_pending_seq = fseq;
		t->ack_now = true;
	}
}

/* after the ACK: move on in the closing states; false if t is gone */
static bool closing_transitions(struct net_tcp *t)
{
	if (!fin_acked(t))
		return true;
	switch (t->state) {
	case TCP_FIN_WAIT_1:
		tcp_set_state(t, TCP_FIN_WAIT_2);
		if (!t->app_owned)
			t->t_close = t->s->now + TCP_FIN_WAIT_2_NS;
		tcp_release_buffers(t);
		break;
	case TCP_CLOSING:
		tcp_set_state(t, TCP_TIME_WAIT);
		tcp_release_buffers(t);
		break;
	case TCP_LAST_ACK:
		tcp_finish(t, 0);
		return false;
	default:
		break;
	}
	return true;
}

static bool syn_rcvd_ack(struct net_tcp *t, const struct wire_ipv4 *ip,
			 const struct wire_tcp *h)
{
	if (seq_le(h->ack, t->snd_una) || seq_gt(h->ack, t->snd_max)) {
		reset_unknown(t->s, ip, h);
		return false;
	}
	if (tcp_establish_buffers(t)) {
		tcp_send_rst(t->s, t->lip, t->rip, t->lport, t->rport, h->ack,
			     0, 0);
		tcp_finish(t, GRAFT_ENOMEM);
		return false;
	}
	t->snd_wnd = (uint32_t)h->window << t->snd_wscale;
	established(t, h);
	if (t->parent) {
		t->queued = true;
		if (t->parent->app_owned && t->parent->cb.on_readable)
			t->parent->cb.on_readable(t->parent, t->parent->ctx);
	} else {
		tcp_notify(t, t->cb.on_connected);
	}
	return true;
}

static void synced_input(struct net_tcp *t, const struct wire_ipv4 *ip,
			 struct wire_tcp *h)
{
	struct net_stack *s = t->s;
	uint32_t len = seg_len(h);

	if (t->state == TCP_SYN_RCVD && (h->flags & WIRE_TCP_SYN) &&
	    h->seq == t->irs) {
		if (!(h->flags & WIRE_TCP_ACK)) {
			tcp_send_syn(t); /* our SYN-ACK was lost */
			return;
		}
		/* simultaneous open: their SYN-ACK; the SYN is old news */
		h->flags &= (uint8_t)~WIRE_TCP_SYN;
		h->seq++;
		len--;
	}
	if (t->ts_ok && h->ts && !(h->flags & WIRE_TCP_RST) &&
	    seq_lt(h->tsval, t->ts_recent)) {
		tcp_send_ack(t); /* PAWS: an old duplicate */
		return;
	}
	if (!acceptable(t, h->seq, len)) {
		if (h->payload_len && tcp_synchronized(t) &&
		    seq_le(h->seq + (uint32_t)h->payload_len, t->rcv_nxt) &&
		    t->rcv_nxt - h->seq <= t->rcvbuf.cap)
			note_duplicate(t, h->seq, (uint32_t)h->payload_len);
		if (!(h->flags & WIRE_TCP_RST))
			tcp_send_ack(t);
		return;
	}
	if (h->flags & WIRE_TCP_RST) {
		if (h->seq == t->rcv_nxt)
			reset_received(t);
		else
			challenge_ack(t);
		return;
	}
	if (h->flags & WIRE_TCP_SYN) {
		challenge_ack(t);
		return;
	}
	if (!(h->flags & WIRE_TCP_ACK))
		return;
	if (t->ts_ok && h->ts && seq_le(h->seq, t->last_ack_sent))
		t->ts_recent = h->tsval;
	if (t->state == TCP_SYN_RCVD) {
		if (!syn_rcvd_ack(t, ip, h))
			return;
	} else if (!process_ack(t, h)) {
		return;
	}
	if (!closing_transitions(t))
		return;
	if (t->state == TCP_TIME_WAIT && !(h->flags & WIRE_TCP_FIN))
		return;
	t->ka_probes = 0;
	if (t->ka_idle)
		t->t_keep = s->now + t->ka_idle;
	if (h->payload_len && !t->rcv_fin && !t->app_owned && !t->parent &&
	    seq_gt(h->seq + (uint32_t)h->payload_len, t->rcv_nxt)) {
		/* new data after the application closed: nobody will read
		 * it, and the peer must learn so (RFC 1122 4.2.2.13) */
		tcp_send_rst(s, t->lip, t->rip, t->lport, t->rport, t->snd_max,
			     0, 0);
		tcp_finish(t, GRAFT_ECONNRESET);
		return;
	}
	if (h->payload_len && !t->rcv_fin &&
	    (t->state == TCP_ESTABLISHED || t->state == TCP_FIN_WAIT_1 ||
	     t->state == TCP_FIN_WAIT_2))
		receive_data(t, h);
	if (h->flags & WIRE_TCP_FIN)
		handle_fin(t, h);
	if (t->fin_pending && t->fin_pending_seq == t->rcv_nxt)
		fin_received(t);
	if (t->state != TCP_CLOSED)
		tcp_output(t);
}

void net_tcp_input(struct net_stack *s, const struct wire_ipv4 *ip,
		   const uint8_t *payload, size_t len)
{
	struct wire_tcp h;
	struct net_tcp *t, *l;

	if (!s->ip || ip->dst != s->ip) {
		s->st.rx_dropped++;
		return;
	}
	if (wire_tcp_parse(payload, len, ip->src, ip->dst, s->rx_csum_valid,
			   &h)) {
		s->st.rx_bad++;
		return;
	}
	t = lookup(s, ip->dst, ip->src, h.dport, h.sport);
	if (t && t->state == TCP_TIME_WAIT && time_wait_reusable(t, &h) &&
	    listener(s, h.dport)) {
		tcp_finish(t, 0);
		t = NULL;
	}
	if (t && t->state == TCP_CLOSED)
		t = NULL;
	if (!t) {
		l = listener(s, h.dport);
		if (l)
			listen_input(l, ip, &h);
		else
			reset_unknown(s, ip, &h);
		return;
	}
	if (t->state == TCP_SYN_SENT)
		syn_sent_input(t, ip, &h);
	else
		synced_input(t, ip, &h);
}
