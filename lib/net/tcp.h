/*
 * TCP internals shared by tcp_*.c: the connection block, the byte rings
 * that hold send and receive data, and the helpers between input, output
 * and timers.
 *
 * Invariants:
 *  - once the SYN is acked, sndbuf byte 0 is sequence snd_una; the FIN,
 *    when queued, is sequence fin_seq = snd_una + sndbuf.len;
 *  - rcvbuf holds in-order bytes [0, len) ending at rcv_nxt; out-of-order
 *    bytes sit beyond len at their sequence offset, described by ooo[];
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

#define TCP_OOO_MAX	  16
#define TCP_NEVER	  UINT64_MAX
#define TCP_INIT_RTO_NS	  (1000 * NET_MS)
#define TCP_MAX_RTO_NS	  (60000 * NET_MS)
#define TCP_DELACK_NS	  (40 * NET_MS)
#define TCP_SYN_RETRIES	  6
#define TCP_DATA_RETRIES  15
#define TCP_FIN_WAIT_2_NS (60000 * NET_MS)
#define TCP_DEFAULT_MSS	  536

struct tcp_ring {
	uint8_t *buf;
	uint32_t cap, head, len;
};

struct tcp_range {
	uint32_t lo, hi; /* sequence numbers, [lo, hi) */
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

	/* options */
	uint16_t mss;          /* payload bytes per segment we send */
	uint32_t seg_max;      /* per segment handed to the device: mss, or
				  with TSO a multiple of it up to 64 KiB */
	uint8_t snd_wscale, rcv_wscale;
	bool ts_ok;
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

/* output (tcp_output.c) */
void tcp_output(struct net_tcp *t);
void tcp_send_ack(struct net_tcp *t);
void tcp_send_syn(struct net_tcp *t);
/* resend the first unacknowledged segment */
void tcp_retransmit_first(struct net_tcp *t);
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
