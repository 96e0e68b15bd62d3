/*
 * Bulk TCP transfers between two stacks, both directions at once, with the
 * data checked byte for byte: over a clean link (where the window must
 * scale past 64 KiB), and with loss, reordering, duplication and all three
 * together (where retransmission, fast retransmit and the out-of-order
 * queue must recover everything); and losses that must be repaired
 * without waiting for the retransmission timer: in a flight too small for
 * three duplicate ACKs (Limited Transmit, Early Retransmit), and of the
 * first segment after a fast recovery.  With SACK (the default) and
 * without: SACK recovery must repair several holes of one window in one
 * recovery, and under loss both ways leave fewer losses to the timer.
 */
#include <stdio.h>
#include "../tap.h"
#include "peer.h"

#define SIZE (3u << 20)

static struct netlink L;
static uint8_t *data[2];

static bool done(void *ctx)
{
	struct peer *p = ctx;
	return p[0].rx_len == SIZE && p[1].rx_len == SIZE && p[0].eof &&
	       p[1].eof;
}

/* returns the retransmission timeouts both ends took */
static uint64_t run_seed(const char *name, uint32_t loss, uint32_t reorder,
			 uint32_t dup, uint64_t seed, bool no_sack)
{
	struct net_config cfg = { .tcp_no_sack = no_sack };
	struct peer p[2];
	struct acceptor a;
	struct net_stats st0, st1;
	uint32_t max_wnd;
	bool ok_;
	uint64_t timeouts;

	nl_init(&L, &cfg);
	if (seed)
		L.rng = seed;
	L.loss_ppm = loss;
	L.reorder_ppm = reorder;
	L.dup_ppm = dup;
	peer_connect_pair(&L, p, &a, 5001);
	p[0].tx = data[0];
	p[1].tx = data[1];
	p[0].tx_len = p[1].tx_len = SIZE;
	p[0].close_after_send = p[1].close_after_send = true;
	peer_pump(&p[0]);
	peer_pump(&p[1]);
	ok_ = nl_run(&L, done, p, 600000 * NL_MS);
	ok(ok_, "%s: %u KiB each way arrive with FINs", name, SIZE / 1024);
	if (!ok_)
		diag("%s: stuck in %s / %s", name, net_tcp_state_name(p[0].t),
		     net_tcp_state_name(p[1].t));
	ok(p[1].rx_len == SIZE && memcmp(p[1].rx, data[0], SIZE) == 0,
	   "%s: client to server data intact", name);
	ok(p[0].rx_len == SIZE && memcmp(p[0].rx, data[1], SIZE) == 0,
	   "%s: server to client data intact", name);
	net_get_stats(L.s[0], &st0);
	net_get_stats(L.s[1], &st1);
	max_wnd = p[0].t->max_snd_wnd;
	timeouts = st0.tcp_timeouts + st1.tcp_timeouts;
	diag("%s: %.1f s simulated, %llu frames, %llu dropped, retransmits "
	     "%llu+%llu (fast %llu+%llu, timeouts %llu, undone %llu), max "
	     "queued %llu, peer window %u",
	     name, (double)(L.now - 1000 * NL_MS) / 1e9,
	     (unsigned long long)L.frames, (unsigned long long)L.dropped,
	     (unsigned long long)st0.tcp_retransmits,
	     (unsigned long long)st1.tcp_retransmits,
	     (unsigned long long)st0.tcp_fast_retransmits,
	     (unsigned long long)st1.tcp_fast_retransmits,
	     (unsigned long long)timeouts,
	     (unsigned long long)(st0.tcp_sack_undos + st1.tcp_sack_undos),
	     (unsigned long long)L.max_queued,
	     max_wnd);
	ok(p[0].t->sack_ok == !no_sack, "%s: SACK %s", name,
	   no_sack ? "off" : "on");
	if (!loss && !reorder && !dup) {
		ok(max_wnd > 65535, "window scaling: peer window %u > 64 KiB",
		   max_wnd);
		is_int(st0.tcp_retransmits + st1.tcp_retransmits, 0,
		       "clean link: no retransmissions");
	}
	if (loss)
		ok(st0.tcp_fast_retransmits + st1.tcp_fast_retransmits > 0,
		   "%s: fast retransmit used", name);
	net_tcp_close(p[0].t);
	net_tcp_close(p[1].t);
	net_tcp_close(a.l);
	nl_run(&L, NULL, NULL, 100 * NL_MS);
	free(p[0].rx);
	free(p[1].rx);
	nl_free(&L);
	return timeouts;
}

static void run(const char *name, uint32_t loss, uint32_t reorder,
		uint32_t dup)
{
	run_seed(name, loss, reorder, dup, 0, false);
}

/* what the filter below drops of the client's data segments: the first,
 * and with at_recover, the first sent at recover once fast recovery has
 * set it */
struct planned_loss {
	struct net_tcp *t;
	bool at_recover;
	bool first_lost, recover_lost;
};

static bool lose_planned(struct netlink *l, int from, const uint8_t *f,
			 size_t len, void *ctx)
{
	struct planned_loss *d = ctx;
	const uint8_t *tcp = f + WIRE_ETH_HLEN + WIRE_IPV4_HLEN;
	uint32_t seq;

	if (from != 0 || len <= 100)
		return true;
	if (!d->first_lost) {
		d->first_lost = true;
		return false;
	}
	seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
	      (uint32_t)tcp[6] << 8 | tcp[7];
	if (d->at_recover && !d->recover_lost && d->t->in_recovery &&
	    seq == d->t->recover) {
		d->recover_lost = true;
		return false;
	}
	return true;
}

/* close both ends and the listener, and free the link */
static void close_pair(struct peer *p, struct acceptor *a)
{
	L.filter = NULL;
	net_tcp_close(p[0].t);
	net_tcp_close(p[1].t);
	net_tcp_close(a->l);
	nl_run(&L, NULL, NULL, 100 * NL_MS);
	free(p[0].rx);
	free(p[1].rx);
	nl_free(&L);
}

static bool received(void *ctx)
{
	struct peer *p = ctx;
	return p[1].rx_len == p[0].tx_len;
}

/* the client sends size bytes with a congestion window of cwnd_segs
 * segments; its first data segment is lost, and with at_recover also the
 * segment at recover */
static void small_flight(const char *name, size_t size, uint32_t cwnd_segs,
			 bool at_recover)
{
	struct planned_loss loss = {.at_recover = at_recover};
	struct peer p[2];
	struct acceptor a;
	struct net_stats st;
	bool ok_;
	uint64_t start;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 5002);
	p[0].t->cwnd = p[0].t->ssthresh = cwnd_segs * p[0].t->mss;
	loss.t = p[0].t;
	L.filter = lose_planned;
	L.filter_ctx = &loss;
	p[0].tx = data[0];
	p[0].tx_len = size;
	start = L.now;
	peer_pump(&p[0]);
	/* the minimum RTO is 200 ms: done in less, the timer played no part */
	ok_ = nl_run(&L, received, p, 150 * NL_MS);
	net_get_stats(L.s[0], &st);
	ok(loss.first_lost && loss.recover_lost == at_recover && ok_ &&
	       memcmp(p[1].rx, data[0], size) == 0,
	   "%s: %zu bytes intact in %.1f ms, under the minimum RTO", name, size,
	   (double)(L.now - start) / 1e6);
	ok(st.tcp_fast_retransmits == 1u + at_recover,
	   "%s: by fast retransmits (%llu)", name,
	   (unsigned long long)st.tcp_fast_retransmits);
	close_pair(p, &a);
}

/* drops the client's 20th, 23rd and 26th data frames: three holes in
 * one window */
static bool lose_three(struct netlink *l, int from, const uint8_t *f,
		       size_t len, void *ctx)
{
	unsigned *n = ctx;

	if (from != 0 || len <= 100)
		return true;
	++*n;
	return *n != 20 && *n != 23 && *n != 26;
}

/* the client sends 256 KiB with a window of 40 segments, 10 ms each way,
 * losing three segments of one window; returns the time it took */
static uint64_t three_holes(bool no_sack)
{
	struct net_config cfg = { .tcp_no_sack = no_sack };
	const char *name = no_sack ? "3 holes in a window, no SACK"
				   : "3 holes in a window, SACK";
	struct peer p[2];
	struct acceptor a;
	struct net_stats st;
	unsigned frames = 0;
	uint64_t start, took;
	bool ok_;

	nl_init(&L, &cfg);
	L.delay_ns = 10 * NL_MS;
	peer_connect_pair(&L, p, &a, 5003);
	p[0].t->cwnd = p[0].t->ssthresh = 40 * p[0].t->mss;
	L.filter = lose_three;
	L.filter_ctx = &frames;
	p[0].tx = data[0];
	p[0].tx_len = 256 << 10;
	start = L.now;
	peer_pump(&p[0]);
	ok_ = nl_run(&L, received, p, 10000 * NL_MS);
	took = L.now - start;
	net_get_stats(L.s[0], &st);
	ok(ok_ && memcmp(p[1].rx, data[0], p[0].tx_len) == 0,
	   "%s: intact in %.0f ms", name, (double)took / 1e6);
	ok(st.tcp_timeouts == 0, "%s: no timeout (%llu)", name,
	   (unsigned long long)st.tcp_timeouts);
	if (!no_sack) {
		ok(st.tcp_fast_retransmits == 1 && st.tcp_sack_rexmits == 3 &&
			   st.tcp_retransmits == 3,
		   "%s: one recovery resends the three holes, nothing else "
		   "(%llu recoveries, %llu resent)",
		   name, (unsigned long long)st.tcp_fast_retransmits,
		   (unsigned long long)st.tcp_retransmits);
	} else {
		diag("%s: %llu recoveries, %llu resent", name,
		     (unsigned long long)st.tcp_fast_retransmits,
		     (unsigned long long)st.tcp_retransmits);
	}
	close_pair(p, &a);
	return took;
}

/* holds the client's 5th data frame back (it is dropped here, and
 * delivered late by the test) */
struct late_frame {
	unsigned n;
	uint8_t f[2048];
	size_t len;
};

static bool hold_fifth(struct netlink *l, int from, const uint8_t *f,
		       size_t len, void *ctx)
{
	struct late_frame *d = ctx;

	if (from != 0 || len <= 100 || ++d->n != 5 || len > sizeof(d->f))
		return true;
	memcpy(d->f, f, len);
	d->len = len;
	return false;
}

/* reordering, not loss: the 5th segment arrives after its resend; the
 * D-SACK for it undoes the recovery (cwnd and ssthresh come back) */
static void late_original(void)
{
	struct late_frame late = { 0 };
	struct peer p[2];
	struct acceptor a;
	struct net_stats st;
	uint32_t cwnd;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 5004);
	cwnd = p[0].t->cwnd = p[0].t->ssthresh = 20 * p[0].t->mss;
	L.filter = hold_fifth;
	L.filter_ctx = &late;
	p[0].tx = data[0];
	p[0].tx_len = 20 * p[0].t->mss;
	peer_pump(&p[0]);
	nl_run(&L, received, p, 1000 * NL_MS);
	net_get_stats(L.s[0], &st);
	ok(late.len && st.tcp_fast_retransmits == 1 &&
		   p[0].t->ssthresh < cwnd,
	   "late segment: taken for lost, one recovery (ssthresh %u)",
	   p[0].t->ssthresh);
	nl_inject(&L, 1, late.f, late.len);
	nl_run(&L, NULL, NULL, 10 * NL_MS);
	net_get_stats(L.s[0], &st);
	ok(st.tcp_sack_undos == 1 && p[0].t->ssthresh == cwnd &&
		   p[0].t->cwnd >= cwnd,
	   "its D-SACK undoes the recovery (cwnd %u, ssthresh %u)",
	   p[0].t->cwnd, p[0].t->ssthresh);
	ok(p[1].rx_len == p[0].tx_len &&
		   memcmp(p[1].rx, data[0], p[0].tx_len) == 0,
	   "late segment: data intact");
	close_pair(p, &a);
}

int main(void)
{
	uint32_t x = 12345;
	uint64_t to_sack = 0, to_reno = 0, t_sack, t_reno;
	unsigned i, k;

	for (k = 0; k < 2; k++) {
		data[k] = malloc(SIZE);
		for (i = 0; i < SIZE; i++) {
			x = x * 1103515245 + 12345;
			data[k][i] = (uint8_t)(x >> 16);
		}
	}
	run("clean", 0, 0, 0);
	run("loss 2%", 20000, 0, 0);
	run("reorder 5%", 0, 50000, 0);
	run("duplicate 5%", 0, 0, 50000);
	run("loss+reorder+dup", 10000, 20000, 20000);
	/* 5% loss both ways once left both ends' timeouts rewinding below
	 * what the other held, each dropping the other's ACKs: several
	 * seeds guard against that deadlock coming back */
	for (i = 1; i <= 6; i++) {
		char name[48];
		snprintf(name, sizeof(name), "loss 5%% seed %u", i);
		to_sack += run_seed(name, 50000, 0, 0, 0x9e3779b9ULL * i, false);
		snprintf(name, sizeof(name), "loss 5%% seed %u, no SACK", i);
		to_reno += run_seed(name, 50000, 0, 0, 0x9e3779b9ULL * i, true);
	}
	ok(to_sack * 2 < to_reno,
	   "loss 5%% both ways: SACK leaves under half the timeouts NewReno "
	   "does (%llu against %llu in 6 runs)",
	   (unsigned long long)to_sack, (unsigned long long)to_reno);
	run_seed("loss+reorder+dup, no SACK", 10000, 20000, 20000, 0, true);
	small_flight("early retransmit: 2 segments, nothing more to send", 2000,
		     10, false);
	small_flight("limited transmit: cwnd of 2 segments, more to send",
		     64 << 10, 2, false);
	small_flight("after fast recovery, the segment at recover lost",
		     256 << 10, 10, true);
	late_original();
	t_sack = three_holes(false);
	t_reno = three_holes(true);
	ok(t_sack < t_reno,
	   "3 holes in a window: SACK repairs them sooner than NewReno "
	   "(%.0f ms against %.0f ms)",
	   (double)t_sack / 1e6, (double)t_reno / 1e6);
	free(data[0]);
	free(data[1]);
	return done_testing();
}
