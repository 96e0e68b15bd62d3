/*
 * TCP internals shared by tcp_*.c: the connection block, the byte rings
 * that hold send and receive data, and the helpers between input, output
 * and timers.
 *
 * Invariants:
 *  - once the SYN is acked, sndbuf byte 0 is sequence snd_una; the FIN,
 *    when queued, is sequence fin_seq = snd_una + sndbuf.len;
 *  - rcvbuf holds in-order bytes [0, len) ending at rcv_nxt; out-of-order
 *    bytes sit beyond len at their sequence offset, described by ooo[],
 *    most recently changed range first (the order SACK reports them in);
 *  - sacked[] holds disjoint, non-touching ranges inside [snd_una, snd_max],
 *    in ascending order; only checked SACK blocks ever enter it;
 *  - buffers exist only in synchronized states, so a half-open connection
 *    costs one struct (SYN floods cost at most tcp_max of them), and an
 *    orphan gives them up when idle (tcp_release_buffers), so does one in
 *    FIN-WAIT-2 or TIME-WAIT;
 *  - a socket is freed only by net_tcp_reap(), outside any callback.
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include "iface.h"

enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

#define TCP_OOO_MAX	   16
#define TCP_SACK_MAX	   16 /* ranges in the sender's scoreboard */
#define TCP_SACK_DUPTHRESH 3  /* RFC 6675's DupThresh */
#define TCP_REXMIT_LOG	   32 /* retransmissions watched per recovery */
#define TCP_NEVER	   UINT64_MAX
#define TCP_INIT_RTO_NS	   (1000 * NET_MS)
#define TCP_MAX_RTO_NS	   (60000 * NET_MS)
#define TCP_DELACK_NS	   (40 * NET_MS)
#define TCP_SYN_RETRIES	   6
#define TCP_DATA_RETRIES   15
#define TCP_FIN_WAIT_2_NS  (60000 * NET_MS)
#define TCP_DEFAULT_MSS	   536

struct tcp_ring {
	uint8_t *buf;
	uint32_t cap, head, len;
};

struct tcp_range {
	uint32_t lo, hi; /* sequence numbers, [lo, hi) */
};

/* a retransmission in SACK recovery, and snd_max when it went out */
struct tcp_rexmit {
	uint32_t lo, hi, mark;
};

struct net_tcp {
	struct net_tcp *next;
	struct net_stack *s;
	enum tcp_state state;
	uint32_t lip, rip;
	uint16_t lport, rport;
	struct net_callbacks cb;
	void *ctx;
	bool app_owned; /* the application holds the handle */
	bool dead;	/* freed at the next reap */
	bool closed_notified;
	bool want_write; /* a send found the buffer full */
	int err;
	uint64_t created;

	/* listener, and children waiting for accept */
	struct net_tcp *parent;
	unsigned backlog;
	bool queued;

	/* TIME-WAIT (tcp_timewait.c): off tcp_list, on the queue and hash */
	bool in_tw;
	struct net_tcp *tw_prev, *tw_next, *tw_hnext;

	/* send side */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t max_snd_wnd;
	struct tcp_ring sndbuf;
	/* SACK scoreboard (RFC 6675): what the peer holds above snd_una */
	struct tcp_range sacked[TCP_SACK_MAX];
	unsigned n_sacked;
	uint32_t high_rxt; /* resent in this recovery up to here */
	struct tcp_rexmit rexmits[TCP_REXMIT_LOG]; /* oldest first */
	unsigned n_rexmits;
	/* undoing a recovery that D-SACKs show was for reordering: the
	 * window before it, and its resends not yet D-SACKed */
	uint32_t prior_cwnd, prior_ssthresh;
	struct tcp_range undo[TCP_REXMIT_LOG];
	unsigned n_undo;
	bool undo_ok;
	bool fin_queued;
	uint32_t fin_seq;

	/* receive side */
	uint32_t irs, rcv_nxt, rcv_adv;
	struct tcp_ring rcvbuf;
	struct tcp_range ooo[TCP_OOO_MAX];
	unsigned n_ooo;
	bool rcv_fin;	  /* FIN consumed: rcv_nxt is past it */
	bool fin_pending; /* FIN seen out of order at fin_pending_seq */
	uint32_t fin_pending_seq;
	bool dsack_pending; /* report dsack once (RFC 2883) */
	struct tcp_range dsack;

	/* options */
	uint16_t mss;	  /* payload bytes per segment we send */
	uint32_t seg_max; /* per segment handed to the device: mss, or
			     with TSO a multiple of it up to 64 KiB */
	uint8_t snd_wscale, rcv_wscale;
	bool ts_ok;
	bool sack_ok; /* both ends offered SACK */
	uint32_t ts_recent, last_ack_sent;

	/* round trip (RFC 6298), ns */
	uint64_t srtt, rttvar, rto;
	bool have_rtt, rtt_timing;
	uint32_t rtt_seq;
	uint32_t rexmit_tsval; /* our timestamp at the last retransmission */
	uint64_t rtt_start;
	unsigned retries;

	/* congestion control (RFC 5681, NewReno RFC 6582) */
	uint32_t cwnd, ssthresh, recover;
	unsigned dupacks;
	bool in_recovery;
	bool recover_by_timer; /* recover was set by a timeout */

	/* timers: absolute ns or TCP_NEVER */
	uint64_t t_rexmit, t_persist, t_delack, t_keep, t_close;
	uint64_t persist_backoff;

	/* the application queued data: send at the next poll (corking) */
	bool output_due;

	/* acknowledgement */
	bool ack_now;
	unsigned unacked_segs;

	/* keep-alive */
	uint64_t ka_idle, ka_intvl;
	uint32_t ka_count, ka_probes;
};

/* rings (tcp_buf.c) */
int tcp_ring_init(struct tcp_ring *r, uint32_t cap);
void tcp_ring_free(struct tcp_ring *r);
void tcp_ring_write_at(struct tcp_ring *r, uint32_t off, const uint8_t *p,
		       uint32_t n);
void tcp_ring_read_at(const struct tcp_ring *r, uint32_t off, uint8_t *p,
		      uint32_t n);
void tcp_ring_drop(struct tcp_ring *r, uint32_t n);
/* store a segment's bytes [seq, seq + n) (already trimmed to the window);
 * advances rcv_nxt over in-order data.  Returns true if it was in order. */
bool tcp_rcv_store(struct net_tcp *t, uint32_t seq, const uint8_t *p,
		   uint32_t n);
uint32_t tcp_rcv_space(const struct net_tcp *t);

/* SACK (tcp_sack.c) */
/* the blocks our next ACK carries: a D-SACK first, then out-of-order
 * ranges most recent first; returns how many (at most 3 beside
 * timestamps, 4 without) */
unsigned tcp_sack_blocks(const struct net_tcp *t, struct wire_tcp_sack *out);
/* option bytes those blocks take in a segment of ours */
uint32_t tcp_sack_opt_len(const struct net_tcp *t);
/* take an ACK's blocks into the scoreboard (after snd_una moved); returns
 * the bytes newly SACKed */
uint32_t tcp_sack_input(struct net_tcp *t, const struct wire_tcp *h);
void tcp_sack_clear(struct net_tcp *t);
bool tcp_sack_is_lost(const struct net_tcp *t, uint32_t seq);
uint32_t tcp_sack_pipe(const struct net_tcp *t);
/* the next stretch to resend in recovery, [*seq, *seq + *len): lost
 * holes first (rule 1); with rule3, holes not yet lost too */
bool tcp_sack_next_hole(const struct net_tcp *t, bool rule3, uint32_t *seq,
			uint32_t *len);
/* past a SACKed range starting at seq: where sending should go on */
uint32_t tcp_sack_skip(const struct net_tcp *t, uint32_t seq);
/* remember a retransmission of [seq, seq + n) in recovery */
void tcp_sack_log_rexmit(struct net_tcp *t, uint32_t seq, uint32_t n);
/* resend what was resent in this recovery and is lost again */
void tcp_sack_lost_rexmits(struct net_tcp *t);
/* a SACK recovery begins: remember what undoing it would restore */
void tcp_sack_recovery_start(struct net_tcp *t);

/* output (tcp_output.c) */
void tcp_output(struct net_tcp *t);
void tcp_send_ack(struct net_tcp *t);
void tcp_send_syn(struct net_tcp *t);
/* resend the first unacknowledged segment */
void tcp_retransmit_first(struct net_tcp *t);
/* resend up to len bytes at seq (a hole in SACK recovery); returns the
 * sequence space sent */
uint32_t tcp_retransmit_at(struct net_tcp *t, uint32_t seq, uint32_t len);
void tcp_send_rst(struct net_stack *s, uint32_t lip, uint32_t rip,
		  uint16_t lport, uint16_t rport, uint32_t seq, uint32_t ack,
		  uint8_t flags);
void tcp_send_keepalive(struct net_tcp *t);
void tcp_send_window_probe(struct net_tcp *t);
uint32_t tcp_ts_now(const struct net_stack *s);
uint16_t tcp_adv_window(struct net_tcp *t, bool syn);

/* connection management (tcp_sock.c) */
struct net_tcp *tcp_alloc(struct net_stack *s);
/* dead at once, freed at the next reap; the app is not told */
void tcp_kill(struct net_tcp *t);
int tcp_make_room(struct net_stack *s);
struct net_tcp *tcp_stale_half_open(struct net_stack *s,
				    const struct net_tcp *l);
int tcp_establish_buffers(struct net_tcp *t);
/* free the rings an orphaned connection no longer needs */
void tcp_release_buffers(struct net_tcp *t);
void tcp_set_state(struct net_tcp *t, enum tcp_state st);
/* end the connection with err (0: orderly); notifies the app once */
void tcp_finish(struct net_tcp *t, int err);
void tcp_notify(struct net_tcp *t, void (*fn)(void *, void *));
void tcp_init_cc(struct net_tcp *t);
void tcp_rtt_sample(struct net_tcp *t, uint64_t rtt);
unsigned tcp_count_children(struct net_tcp *l, bool queued);
uint8_t tcp_wscale_for(uint32_t cap);

/* TIME-WAIT (tcp_timewait.c) */
/* t entered TIME-WAIT, or its timer restarted: to the queue's tail */
void tcp_tw_enter(struct net_tcp *t);
/* t leaves TIME-WAIT: back on tcp_list */
void tcp_tw_leave(struct net_tcp *t);
struct net_tcp *tcp_tw_lookup(struct net_stack *s, uint32_t lip, uint32_t rip,
			      uint16_t lport, uint16_t rport);
struct net_tcp *tcp_tw_oldest_orphan(struct net_stack *s);
bool tcp_tw_port_in_use(struct net_stack *s, uint16_t port);
/* end those whose 2 MSL are over */
void tcp_tw_expire(struct net_stack *s);
uint64_t tcp_tw_poll_at(const struct net_stack *s);

static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static inline bool seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
static inline bool seq_ge(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}
static inline uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}
static inline uint32_t max32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}
/* The payload of one segment handed to the device: mss, or on a device
 * that cuts TCP segments (TSO) as many mss as fit an IP packet. */
static inline uint32_t tcp_seg_max(const struct net_stack *s, uint32_t mss)
{
	if (!s->tso)
		return mss;
	return (65535 - WIRE_IPV4_HLEN - WIRE_TCP_MAX_HLEN) / mss * mss;
}
static inline bool tcp_synchronized(const struct net_tcp *t)
{
	return t->state >= TCP_ESTABLISHED;
}

#endif
