/*
 * TCP output: segments are built straight in the stack's transmit frame
 * (payload copied once from the send ring) and handed to IPv4.  On a
 * device with offloads the checksum is left for the device to complete,
 * and with TSO a segment carries up to seg_max bytes (a multiple of the
 * mss, up to 64 KiB) that the device cuts into mss-sized ones.
 * tcp_output() sends what the peer's window, the congestion window and
 * sender silly-window avoidance allow, then the FIN, and otherwise a pure
 * ACK if one is owed.  In SACK recovery (RFC 6675) the pipe, not the
 * flight, is held to cwnd, and lost holes go before new data.  Every ACK
 * carries the SACK blocks the receive side owes; a data segment gives
 * them room out of its payload, to stay within the MSS.
 */
#include <string.h>
#include "tcp.h"

uint32_t tcp_ts_now(const struct net_stack *s)
{
	return (uint32_t)(s->now / NET_MS) + s->ts_offset;
}

uint16_t tcp_adv_window(struct net_tcp *t, bool syn)
{
	uint32_t space =
	    t->rcvbuf.buf ? tcp_rcv_space(t) : t->s->cfg.tcp_rcvbuf;
	uint32_t w;

	if (syn)
		return (uint16_t)min32(space, 65535);
	w = min32(space >> t->rcv_wscale, 65535);
	/* never move the right edge back (RFC 9293 3.8.6.2.2) */
	if (seq_lt(t->rcv_nxt + (w << t->rcv_wscale), t->rcv_adv)) {
		uint32_t keep = t->rcv_adv - t->rcv_nxt;
		w = min32((keep + (1u << t->rcv_wscale) - 1) >> t->rcv_wscale,
			  65535);
	}
	return (uint16_t)w;
}

static void emit(struct net_tcp *t, uint32_t seq, uint8_t flags,
		 uint32_t data_off, uint32_t len)
{
	struct net_stack *s = t->s;
	struct wire_tcp h;
	struct net_tx_offload off = {0};
	uint8_t *p = net_tx_payload(s);
	bool syn = flags & WIRE_TCP_SYN;
	uint32_t piece;
	size_t hl;

	memset(&h, 0, sizeof(h));
	h.sport = t->lport;
	h.dport = t->rport;
	h.seq = seq;
	h.flags = flags;
	h.wscale = -1;
	if (flags & WIRE_TCP_ACK)
		h.ack = t->rcv_nxt;
	if (syn) {
		h.mss = (uint16_t)(s->mtu - 40);
		if (t->state == TCP_SYN_SENT || t->rcv_wscale || t->snd_wscale)
			h.wscale = (int8_t)t->rcv_wscale;
		if (t->state == TCP_SYN_SENT)
			h.sack_perm = !s->cfg.tcp_no_sack;
		else
			h.sack_perm = t->sack_ok;
	} else if (flags & WIRE_TCP_ACK) {
		h.n_sack = (uint8_t)tcp_sack_blocks(t, h.sack);
	}
	if (t->ts_ok || (syn && t->state == TCP_SYN_SENT)) {
		h.ts = true;
		h.tsval = tcp_ts_now(s);
		h.tsecr = t->ts_recent;
	}
	h.window = tcp_adv_window(t, syn);
	h.payload_len = len;
	if (len)
		tcp_ring_read_at(&t->sndbuf, data_off, p + wire_tcp_hlen(&h),
				 len);
	if (s->dev->offloads & GRAFT_NET_OFF_CSUM) {
		hl = wire_tcp_emit_partial(p, t->lip, t->rip, &h);
		off.csum_offset = 16;
	} else {
		hl = wire_tcp_emit(p, t->lip, t->rip, &h);
	}
	/* the device repeats the header, SACK blocks too, on every piece */
	piece = t->mss - (h.n_sack ? 4 + 8 * (uint32_t)h.n_sack : 0);
	if (len > piece) {
		off.gso_size = (uint16_t)piece;
		off.hdr_len = (uint16_t)hl;
	}
	if (flags & WIRE_TCP_ACK) {
		t->last_ack_sent = t->rcv_nxt;
		if (!syn)
			t->rcv_adv =
			    t->rcv_nxt + ((uint32_t)h.window << t->rcv_wscale);
		t->ack_now = false;
		t->unacked_segs = 0;
		t->t_delack = TCP_NEVER;
		t->dsack_pending = false;
		if (h.n_sack)
			s->st.tcp_sack_sent++;
	}
	net_ipv4_output_off(s, t->lip, t->rip, WIRE_IP_TCP, p, hl + len, &off);
}

void tcp_send_syn(struct net_tcp *t)
{
	uint8_t flags = WIRE_TCP_SYN;

	if (t->state == TCP_SYN_RCVD)
		flags |= WIRE_TCP_ACK;
	emit(t, t->iss, flags, 0, 0);
	if (t->t_rexmit == TCP_NEVER)
		t->t_rexmit = t->s->now + t->rto;
}

/* a pure ACK carries the highest sequence sent, not the go-back-N
 * pointer: after a timeout snd_nxt may lie below what the peer already
 * holds, and the peer would drop the ACK as an old duplicate (both ends
 * doing so at once deadlocks them) */
void tcp_send_ack(struct net_tcp *t)
{
	emit(t, t->snd_max, WIRE_TCP_ACK, 0, 0);
}

void tcp_send_keepalive(struct net_tcp *t)
{
	bool now = t->ack_now;

	emit(t, t->snd_una - 1, WIRE_TCP_ACK, 0, 0);
	t->ack_now = now;
}

void tcp_send_rst(struct net_stack *s, uint32_t lip, uint32_t rip,
		  uint16_t lport, uint16_t rport, uint32_t seq, uint32_t ack,
		  uint8_t flags)
{
	struct wire_tcp h;
	uint8_t *p = net_tx_payload(s);

	memset(&h, 0, sizeof(h));
	h.sport = lport;
	h.dport = rport;
	h.seq = seq;
	h.ack = ack;
	h.flags = flags | WIRE_TCP_RST;
	h.wscale = -1;
	wire_tcp_emit(p, lip, rip, &h);
	s->st.tcp_rst_sent++;
	net_ipv4_output(s, lip, rip, WIRE_IP_TCP, p, WIRE_TCP_HLEN);
}

/* bytes of data from snd_una that are in the send ring */
static uint32_t data_end(const struct net_tcp *t)
{
	return t->sndbuf.len;
}

static bool fin_state(const struct net_tcp *t)
{
	return t->state == TCP_FIN_WAIT_1 || t->state == TCP_CLOSING ||
	       t->state == TCP_LAST_ACK;
}

/* send one segment starting at seq (>= snd_una); returns its length in
 * sequence space (data + FIN), 0 if nothing could go */
static uint32_t send_at(struct net_tcp *t, uint32_t seq, uint32_t room)
{
	uint32_t off = seq - t->snd_una, n = 0;
	uint8_t flags = WIRE_TCP_ACK;
	bool fin = false;

	if (off < data_end(t))
	if (off < data_end(t)) {
		/* SACK blocks take their room out of every mss */
		uint32_t mss = t->mss - tcp_sack_opt_len(t);
		n = min32(min32(data_end(t) - off, t->seg_max / t->mss * mss),
			  room);
		/* a large segment is cut into whole mss, but for the data's
		 * end */
		if (n > mss && off + n < data_end(t))
			n -= n % mss;
	}
	if (t->fin_queued && fin_state(t) && seq + n == t->fin_seq)
		fin = true;
	if (n == 0 && !fin)
		return 0;
	if (n && off + n == data_end(t))
		flags |= WIRE_TCP_PSH;
	if (fin)
		flags |= WIRE_TCP_FIN;
	emit(t, seq, flags, off, n);
	return n + fin;
}

uint32_t tcp_retransmit_at(struct net_tcp *t, uint32_t seq, uint32_t len)
{
	uint32_t n;

	t->s->st.tcp_retransmits++;
	t->s->st.tcp_sack_rexmits++;
	t->rexmit_tsval = tcp_ts_now(t->s);
	n = send_at(t, seq, len);
	if (seq_lt(t->high_rxt, seq + n))
		t->high_rxt = seq + n;
	tcp_sack_log_rexmit(t, seq, n);
	t->rtt_timing = false;
	return n;
}

void tcp_retransmit_first(struct net_tcp *t)
{
	if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RCVD) {
		tcp_send_syn(t);
		return;
	}
	t->s->st.tcp_retransmits++;
	t->rexmit_tsval = tcp_ts_now(t->s);
	send_at(t, t->snd_una, t->mss);
	t->rtt_timing = false;
}

static bool can_send_data(const struct net_tcp *t)
{
	return t->state == TCP_ESTABLISHED || t->state == TCP_CLOSE_WAIT ||
	       fin_state(t);
}

/* Limited Transmit (RFC 3042): each of the first two duplicate ACKs lets
 * one new segment out beyond cwnd, so that a small flight with a loss
 * still earns the three duplicates fast retransmit needs instead of
 * waiting for the timer */
static uint32_t limited_transmit(const struct net_tcp *t)
{
	if (t->in_recovery || t->snd_nxt != t->snd_max)
		return 0;
	return min32(t->dupacks, 2) * t->mss;
}

/* send one segment at snd_nxt of at most room bytes; false if nothing
 * (more) may go */
static bool send_next(struct net_tcp *t, uint32_t room)
{
	struct net_stack *s = t->s;
	uint32_t inflight = t->snd_nxt - t->snd_una;
	uint32_t avail = inflight < data_end(t) ? data_end(t) - inflight : 0;
	uint32_t n;

	/* sender SWS avoidance: no small segment while data is in flight
	 * unless it ends the data */
	if (avail && room < avail && room < t->mss && inflight)
		return false;
	if (t->fin_queued && seq_gt(t->snd_nxt, t->fin_seq))
		return false; /* FIN already out */
	n = send_at(t, t->snd_nxt, room);
	if (!n)
		return false;
	if (!t->rtt_timing && !t->ts_ok) {
		t->rtt_timing = true;
		t->rtt_seq = t->snd_nxt;
		t->rtt_start = s->now;
	}
	t->snd_nxt += n;
	if (seq_gt(t->snd_nxt, t->snd_max))
		t->snd_max = t->snd_nxt;
	if (t->t_rexmit == TCP_NEVER)
		t->t_rexmit = s->now + t->rto;
	return true;
}

/* RFC 6675 5 (C): while the pipe leaves cwnd a segment's room, NextSeg:
 * a lost hole, else new data the peer's window takes, else a hole not
 * yet lost (rule 3) */
static bool sack_recovery_output(struct net_tcp *t)
{
	bool sent = false;
	uint32_t seq, len;

	while (tcp_sack_pipe(t) + t->mss <= t->cwnd) {
		uint32_t wnd_end = t->snd_una + t->snd_wnd;
		uint32_t room = 0;

		if (seq_gt(wnd_end, t->snd_nxt))
			room = min32(wnd_end - t->snd_nxt, t->mss);
		if (tcp_sack_next_hole(t, false, &seq, &len)) {
			if (!tcp_retransmit_at(t, seq, len))
				break;
		} else if (!send_next(t, room)) {
			if (!tcp_sack_next_hole(t, true, &seq, &len) ||
			    !tcp_retransmit_at(t, seq, len))
				break;
		}
		sent = true;
	}
	return sent;
}

/* the usual way: cwnd (and Limited Transmit) over the flight */
static bool window_output(struct net_tcp *t)
{
	bool sent = false;

	for (;;) {
		uint32_t wnd = min32(t->snd_wnd, t->cwnd + limited_transmit(t));
		uint32_t inflight;

		/* resending after a timeout: skip what the peer holds */
		if (t->sack_ok)
			t->snd_nxt = tcp_sack_skip(t, t->snd_nxt);
		inflight = t->snd_nxt - t->snd_una;
		if (!send_next(t, wnd > inflight ? wnd - inflight : 0))
			break;
		sent = true;
	}
	return sent;
}

void tcp_output(struct net_tcp *t)
{
	struct net_stack *s = t->s;
	bool sent;

	t->output_due = false;
	if (!can_send_data(t)) {
		if (t->ack_now && t->state >= TCP_ESTABLISHED)
			tcp_send_ack(t);
		return;
	}
	if (t->sack_ok && t->in_recovery)
		sent = sack_recovery_output(t);
	else
		sent = window_output(t);
	/* zero window with data waiting: probe it (RFC 9293 3.8.6.1) */
	if (t->snd_wnd == 0 && t->snd_una == t->snd_max &&
	    data_end(t) > t->snd_nxt - t->snd_una) {
		if (t->t_persist == TCP_NEVER)
			t->t_persist = s->now + t->persist_backoff;
	} else {
		t->t_persist = TCP_NEVER;
	}
	if (!sent && t->ack_now)
		tcp_send_ack(t);
}

void tcp_send_window_probe(struct net_tcp *t)
{
	uint32_t n = send_at(t, t->snd_nxt, 1);

	t->snd_nxt += n;
	if (seq_gt(t->snd_nxt, t->snd_max))
		t->snd_max = t->snd_nxt;
	if (n && t->t_rexmit == TCP_NEVER)
		t->t_rexmit = t->s->now + t->rto;
}
