/*
 * Selective acknowledgements (RFC 2018, D-SACK per RFC 2883) and the
 * sender's scoreboard for SACK-based loss recovery (RFC 6675).
 *
 * Receiving, the blocks come straight from the out-of-order queue, which
 * keeps its most recently changed range first.  Sending, sacked[] records
 * what the peer said it holds above snd_una: sorted, disjoint, bounded
 * (a block that would need more ranges is dropped, which only makes the
 * sender more cautious), and only ever fed blocks that lie inside the
 * flight, so a hostile or confused peer can make it neither wrap nor
 * claim data never sent.  A peer may still drop what it SACKed (reneging,
 * RFC 2018 8): the timer's go-back-N clears the scoreboard, and nothing
 * is freed from the send ring before the cumulative ACK covers it.
 *
 * RFC 6675 alone leaves a lost retransmission to the timer.  As Linux's
 * lost-retransmit detection did, each retransmission remembers snd_max
 * when it went out; once DupThresh segments' worth sent after it are
 * SACKed while it is still a hole, it was lost too and goes again.
 *
 * Reordering deep enough looks like loss.  When D-SACKs (RFC 2883) come
 * back for every segment a recovery resent, the originals had all
 * arrived: the recovery is undone, cwnd and ssthresh restored (as Linux
 * does; RFC 2883 4.2).
 */
#include <string.h>
#include "tcp.h"

unsigned tcp_sack_blocks(const struct net_tcp *t, struct wire_tcp_sack *out)
{
	/* 3 blocks beside timestamps fill the 40 option bytes */
	unsigned max = t->ts_ok ? 3 : 4, n = 0, i;

	if (!t->sack_ok)
		return 0;
	if (t->dsack_pending && n < max) {
		out[n].lo = t->dsack.lo;
		out[n].hi = t->dsack.hi;
		n++;
	}
	for (i = 0; i < t->n_ooo && n < max; i++) {
		out[n].lo = t->ooo[i].lo;
		out[n].hi = t->ooo[i].hi;
		n++;
	}
	return n;
}

uint32_t tcp_sack_opt_len(const struct net_tcp *t)
{
	struct wire_tcp_sack b[WIRE_TCP_SACK_MAX];
	unsigned n = tcp_sack_blocks(t, b);

	return n ? 4 + 8 * n : 0;
}

void tcp_sack_clear(struct net_tcp *t)
{
	t->n_sacked = 0;
	t->n_rexmits = 0;
}

/* forget what the cumulative ACK now covers */
static void sack_trim(struct net_tcp *t)
{
	unsigned i = 0;

	while (i < t->n_sacked && seq_le(t->sacked[i].hi, t->snd_una))
		i++;
	t->n_sacked -= i;
	memmove(t->sacked, t->sacked + i, t->n_sacked * sizeof(t->sacked[0]));
	if (t->n_sacked && seq_lt(t->sacked[0].lo, t->snd_una))
		t->sacked[0].lo = t->snd_una;
}

/* a block from the wire, checked against the flight: false if it is to
 * be ignored, with *bad set when it could not have come from an honest
 * peer.  A block wholly below snd_una is old news or a D-SACK; one that
 * straddles snd_una keeps its part above. */
static bool sack_block_ok(const struct net_tcp *t,
			  const struct wire_tcp_sack *b, struct tcp_range *r,
			  bool *bad)
{
	uint32_t flight = t->snd_max - t->snd_una;
	uint32_t lo = b->lo, hi = b->hi;

	*bad = false;
	if (!seq_lt(lo, hi) || hi - lo > flight + t->max_snd_wnd) {
		*bad = true; /* empty, reversed or wrapped */
		return false;
	}
	if (seq_le(hi, t->snd_una))
		return false;
	if (seq_lt(lo, t->snd_una))
		lo = t->snd_una;
	if (hi - t->snd_una > flight) {
		*bad = true; /* beyond anything we sent */
		return false;
	}
	r->lo = lo;
	r->hi = hi;
	return true;
}

/* the bytes of [lo, hi) not yet in the scoreboard */
static uint32_t sack_new_bytes(const struct net_tcp *t, uint32_t lo,
			       uint32_t hi)
{
	uint32_t n = hi - lo;
	unsigned i;

	for (i = 0; i < t->n_sacked; i++) {
		const struct tcp_range *g = &t->sacked[i];
		uint32_t a = seq_gt(g->lo, lo) ? g->lo : lo;
		uint32_t b = seq_lt(g->hi, hi) ? g->hi : hi;
		if (seq_lt(a, b))
			n -= b - a;
	}
	return n;
}

/* add r, merging what it touches; returns the bytes it added */
static uint32_t sack_add(struct net_tcp *t, struct tcp_range r)
{
	uint32_t added = sack_new_bytes(t, r.lo, r.hi);
	unsigned i = 0, j;

	if (!added)
		return 0;
	while (i < t->n_sacked && seq_lt(t->sacked[i].hi, r.lo))
		i++;
	/* sacked[i..j) touch r */
	for (j = i; j < t->n_sacked && seq_le(t->sacked[j].lo, r.hi); j++) {
		if (seq_lt(t->sacked[j].lo, r.lo))
			r.lo = t->sacked[j].lo;
		if (seq_gt(t->sacked[j].hi, r.hi))
			r.hi = t->sacked[j].hi;
	}
	if (j == i && t->n_sacked == TCP_SACK_MAX)
		return 0; /* no room: forget the block */
	memmove(t->sacked + i + 1, t->sacked + j,
		(t->n_sacked - j) * sizeof(t->sacked[0]));
	t->sacked[i] = r;
	t->n_sacked = t->n_sacked - (j - i) + 1;
	return added;
}

void tcp_sack_recovery_start(struct net_tcp *t)
{
	t->prior_cwnd = t->cwnd;
	t->prior_ssthresh = t->ssthresh;
	t->n_undo = 0;
	t->undo_ok = true;
	t->n_rexmits = 0;
}

/* the first block reports a duplicate (RFC 2883 4): below the ACK, or
 * inside the second block */
static bool is_dsack(const struct wire_tcp *h)
{
	const struct wire_tcp_sack *b = h->sack;

	if (!seq_lt(b[0].lo, b[0].hi))
		return false;
	return seq_le(b[0].hi, h->ack) ||
	       (h->n_sack >= 2 && seq_ge(b[0].lo, b[1].lo) &&
		seq_le(b[0].hi, b[1].hi));
}

/* a D-SACK for something the last recovery resent: that resend was not
 * needed; none left that may have been, and the recovery is undone */
static void sack_dsack(struct net_tcp *t, const struct wire_tcp_sack *b)
{
	unsigned i;

	if (!t->undo_ok)
		return;
	for (i = 0; i < t->n_undo; i++)
		if (seq_lt(b->lo, t->undo[i].hi) &&
		    seq_lt(t->undo[i].lo, b->hi))
			break;
	if (i == t->n_undo)
		return;
	t->undo[i] = t->undo[--t->n_undo];
	if (t->n_undo)
		return;
	t->undo_ok = false;
	t->cwnd = max32(t->cwnd, t->prior_cwnd);
	t->ssthresh = max32(t->ssthresh, t->prior_ssthresh);
	t->s->st.tcp_sack_undos++;
}

uint32_t tcp_sack_input(struct net_tcp *t, const struct wire_tcp *h)
{
	uint32_t added = 0;
	unsigned i;

	sack_trim(t);
	if (!t->sack_ok || !h->n_sack)
		return 0;
	t->s->st.tcp_sack_recv++;
	if (is_dsack(h))
		sack_dsack(t, &h->sack[0]);
	for (i = 0; i < h->n_sack; i++) {
		struct tcp_range r;
		bool bad;
		if (sack_block_ok(t, &h->sack[i], &r, &bad))
			added += sack_add(t, r);
		else if (bad)
			t->s->st.tcp_sack_bad++;
	}
	return added;
}

static uint32_t sack_total(const struct net_tcp *t)
{
	uint32_t n = 0;
	unsigned i;

	for (i = 0; i < t->n_sacked; i++)
		n += t->sacked[i].hi - t->sacked[i].lo;
	return n;
}

/* RFC 6675 IsLost: more than DupThresh - 1 segments' worth of bytes
 * above seq are SACKed */
static bool lost_above(const struct net_tcp *t, uint32_t sacked_above)
{
	return sacked_above > (TCP_SACK_DUPTHRESH - 1) * (uint32_t)t->mss;
}

bool tcp_sack_is_lost(const struct net_tcp *t, uint32_t seq)
{
	uint32_t above = 0;
	unsigned i;

	for (i = 0; i < t->n_sacked; i++) {
		const struct tcp_range *g = &t->sacked[i];
		if (seq_ge(seq, g->hi))
			continue;
		above += g->hi - (seq_gt(seq, g->lo) ? seq : g->lo);
	}
	return lost_above(t, above);
}

/* a hole's share of the pipe: its bytes unless lost, and again the part
 * resent in this recovery */
static uint32_t hole_pipe(const struct net_tcp *t, uint32_t lo, uint32_t hi,
			  bool lost)
{
	uint32_t n = lost ? 0 : hi - lo;

	if (seq_lt(lo, t->high_rxt))
		n += (seq_lt(t->high_rxt, hi) ? t->high_rxt : hi) - lo;
	return n;
}

/* RFC 6675 SetPipe, hole by hole: within one hole every byte has the
 * same SACKed bytes above it, so is lost or not alike */
uint32_t tcp_sack_pipe(const struct net_tcp *t)
{
	uint32_t cur = t->snd_una, above = sack_total(t), pipe = 0;
	unsigned i;

	for (i = 0; i < t->n_sacked; i++) {
		const struct tcp_range *g = &t->sacked[i];
		if (seq_lt(cur, g->lo))
			pipe += hole_pipe(t, cur, g->lo, lost_above(t, above));
		above -= g->hi - g->lo;
		cur = g->hi;
	}
	if (seq_lt(cur, t->snd_max))
		pipe += hole_pipe(t, cur, t->snd_max, false);
	return pipe;
}

bool tcp_sack_next_hole(const struct net_tcp *t, bool rule3, uint32_t *seq,
			uint32_t *len)
{
	uint32_t cur = t->snd_una, above = sack_total(t);
	unsigned i;

	for (i = 0; i < t->n_sacked; i++) {
		const struct tcp_range *g = &t->sacked[i];
		uint32_t from = seq_gt(t->high_rxt, cur) ? t->high_rxt : cur;
		if (seq_lt(from, g->lo) && (rule3 || lost_above(t, above))) {
			*seq = from;
			*len = min32(g->lo - from, t->mss);
			return true;
		}
		above -= g->hi - g->lo;
		cur = g->hi;
	}
	return false;
}

uint32_t tcp_sack_skip(const struct net_tcp *t, uint32_t seq)
{
	unsigned i;

	for (i = 0; i < t->n_sacked; i++)
		if (seq_ge(seq, t->sacked[i].lo) &&
		    seq_lt(seq, t->sacked[i].hi))
			return t->sacked[i].hi;
	return seq;
}

void tcp_sack_log_rexmit(struct net_tcp *t, uint32_t seq, uint32_t n)
{
	if (!n)
		return;
	if (t->n_undo == TCP_REXMIT_LOG) {
		t->undo_ok = false; /* too many to tell */
	} else {
		t->undo[t->n_undo].lo = seq;
		t->undo[t->n_undo].hi = seq + n;
		t->n_undo++;
	}
	if (t->n_rexmits == TCP_REXMIT_LOG)
		return; /* the oldest hold snd_una back: keep them */
	t->rexmits[t->n_rexmits].lo = seq;
	t->rexmits[t->n_rexmits].hi = seq + n;
	t->rexmits[t->n_rexmits].mark = t->snd_max;
	t->n_rexmits++;
}

void tcp_sack_lost_rexmits(struct net_tcp *t)
{
	unsigned i = 0;

	while (i < t->n_rexmits) {
		struct tcp_rexmit r = t->rexmits[i];
		uint32_t lo = seq_lt(r.lo, t->snd_una) ? t->snd_una : r.lo;

		lo = tcp_sack_skip(t, lo);
		if (seq_lt(lo, r.hi) && !tcp_sack_is_lost(t, r.mark)) {
			i++;
			continue;
		}
		/* acknowledged, or lost again: drop the record (a resend
		 * logs itself anew, at the end) */
		t->n_rexmits--;
		memmove(t->rexmits + i, t->rexmits + i + 1,
			(t->n_rexmits - i) * sizeof(t->rexmits[0]));
		if (seq_lt(lo, r.hi)) {
			t->s->st.tcp_sack_lost_rexmits++;
			tcp_retransmit_at(t, lo, min32(r.hi - lo, t->mss));
		}
	}
}
