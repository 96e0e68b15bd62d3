/*
 * TCP connection management between two stacks over the in-memory link:
 * handshake and option negotiation, both close orders, simultaneous open
 * and close, TIME-WAIT expiry and reuse, connection per request beyond
 * the socket limit, an answer and its close in one segment, refused and reset
 * connections (also data sent to an application that has closed), the RFC 5961
 * challenge ACK for blind RST and SYN, keep-alive timing out, a SYN flood
 * that leaves memory bounded and the listener usable, and a burst of more
 * connections than the backlog in which none is reset.
 */
#include <stdio.h>
#include "../tap.h"
#include "peer.h"

static struct netlink L;

static bool both_eof_closed(void *ctx)
{
	struct peer *p = ctx;
	return p[0].closed && p[1].closed;
}
static bool one_closed(void *ctx)
{
	return ((struct peer *)ctx)->closed;
}
static bool one_eof(void *ctx)
{
	return ((struct peer *)ctx)->eof;
}

static void test_handshake_and_data(void)
{
	struct peer p[2];
	struct acceptor a;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 80);
	ok(p[0].connected && p[1].connected, "three-way handshake completes");
	is_str(net_tcp_state_name(p[0].t), "ESTABLISHED", "client state");
	ok(p[0].t->ts_ok && p[1].t->ts_ok, "timestamps negotiated");
	ok(p[0].t->snd_wscale == p[1].t->rcv_wscale && p[1].t->rcv_wscale > 0,
	   "window scale negotiated (shift %u)", p[1].t->rcv_wscale);
	is_int(p[0].t->mss, 1500 - 40 - 12, "MSS from the MTU less timestamps");
	p[0].tx = (const uint8_t *)"hello, server";
	p[0].tx_len = 13;
	peer_pump(&p[0]);
	p[1].tx = (const uint8_t *)"hello, client!";
	p[1].tx_len = 14;
	peer_pump(&p[1]);
	nl_run(&L, NULL, NULL, 100 * NL_MS);
	ok(p[1].rx_len == 13 && memcmp(p[1].rx, "hello, server", 13) == 0,
	   "server received the client's bytes");
	ok(p[0].rx_len == 14 && memcmp(p[0].rx, "hello, client!", 14) == 0,
	   "client received the server's bytes");

	/* client closes first: it ends in TIME-WAIT, the server in CLOSED */
	net_tcp_shutdown(p[0].t);
	nl_run(&L, one_eof, &p[1], 1000 * NL_MS);
	ok(p[1].eof, "server sees end of stream");
	nl_run(&L, NULL, NULL, 10 * NL_MS);
	is_str(net_tcp_state_name(p[1].t), "CLOSE-WAIT", "server CLOSE-WAIT");
	is_str(net_tcp_state_name(p[0].t), "FIN-WAIT-2", "client FIN-WAIT-2");
	net_tcp_close(p[1].t);
	nl_run(&L, NULL, NULL, 1000 * NL_MS);
	is_str(net_tcp_state_name(p[0].t), "TIME-WAIT", "client TIME-WAIT");
	nl_run(&L, one_closed, &p[0], 61000 * NL_MS);
	ok(p[0].closed && p[0].closed_err == 0,
	   "TIME-WAIT ends after 2 MSL, orderly");
	net_tcp_close(p[0].t);
	struct net_stats st;
	net_get_stats(L.s[0], &st);
	is_int(st.tcp_sockets, 0, "client socket freed");
	net_get_stats(L.s[1], &st);
	is_int(st.tcp_sockets, 1, "only the listener is left on the server");
	net_tcp_close(a.l);
	nl_free(&L);
}

static void test_server_closes_first(void)
{
	struct peer p[2];
	struct acceptor a;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 81);
	p[1].tx = (const uint8_t *)"bye";
	p[1].tx_len = 3;
	p[1].close_after_send = true;
	peer_pump(&p[1]);
	nl_run(&L, one_eof, &p[0], 1000 * NL_MS);
	ok(p[0].eof && p[0].rx_len == 3, "client reads data then EOF");
	net_tcp_close(p[0].t);
	nl_run(&L, NULL, NULL, 1000 * NL_MS);
	is_str(net_tcp_state_name(p[1].t), "TIME-WAIT",
	       "server that closed first is in TIME-WAIT");
	struct net_stats st;
	net_get_stats(L.s[0], &st);
	is_int(st.tcp_sockets, 0, "client freed after LAST-ACK");
	nl_free(&L);
}

/* A server that closes first keeps TIME-WAIT without its rings, and a
 * client that comes back on the same port gets a new connection at once
 * when its timestamp is newer (RFC 6191); with an older one the server
 * keeps the old connection and the client gets in only by its retry. */
static void test_time_wait_reuse(void)
{
	struct peer p[2], q[2];
	struct acceptor a;
	struct net_stats st0, st1;
	uint16_t port;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 83);
	port = net_tcp_local_port(p[0].t);
	p[1].tx = (const uint8_t *)"bye";
	p[1].tx_len = 3;
	peer_pump(&p[1]);
	net_tcp_close(p[1].t);
	nl_run(&L, one_eof, &p[0], 1000 * NL_MS);
	net_tcp_close(p[0].t);
	nl_run(&L, NULL, NULL, 1000 * NL_MS);
	net_get_stats(L.s[1], &st1);
	ok(p[0].rx_len == 3 && st1.tcp_sockets == 2 && st1.mem_bytes == 0,
	   "server in TIME-WAIT holds no rings (%u sockets, %llu bytes)",
	   st1.tcp_sockets, (unsigned long long)st1.mem_bytes);

	memset(q, 0, sizeof(q));
	a.into = &q[1];
	L.s[0]->next_port = port;
	net_get_stats(L.s[0], &st0);
	net_tcp_connect(L.s[0], NET_IP4(192, 0, 2, 2), 83, &peer_cb, &q[0],
			&q[0].t);
	nl_run(&L, peer_both_connected, q, 100 * NL_MS);
	ok(q[0].connected && q[1].connected &&
	       net_tcp_local_port(q[0].t) == port,
	   "a SYN with a newer timestamp opens a new incarnation at once");
	net_get_stats(L.s[0], &st0);
	net_get_stats(L.s[1], &st1);
	ok(st0.tcp_rst_sent == 0 && st1.tcp_rst_sent == 0 &&
	       st1.tcp_sockets == 2,
	   "without a reset, the old TIME-WAIT gone");

	net_tcp_close(q[1].t);
	nl_run(&L, one_eof, &q[0], 1000 * NL_MS);
	net_tcp_close(q[0].t);
	nl_run(&L, NULL, NULL, 1000 * NL_MS);
	memset(p, 0, sizeof(p));
	a.into = &p[1];
	L.s[0]->next_port = port;
	L.s[0]->ts_offset -= 1000000; /* its clock went back */
	net_tcp_connect(L.s[0], NET_IP4(192, 0, 2, 2), 83, &peer_cb, &p[0],
			&p[0].t);
	nl_run(&L, peer_both_connected, p, 50 * NL_MS);
	ok(!p[0].connected, "a SYN with an older timestamp is not taken");
	nl_run(&L, peer_both_connected, p, 5000 * NL_MS);
	ok(p[0].connected && p[1].connected, "the client's retry gets in");
	nl_free(&L);
}

/* Connection per request with the server closing first, many more
 * connections than sockets: TIME-WAITs make room for new connections
 * (oldest first), none is refused or reset, and memory comes back. */
static void test_connection_per_request(void)
{
	struct net_config cfg = {.tcp_max = 16};
	struct peer p[2];
	struct acceptor a;
	struct net_stats st0, st1;
	unsigned i, served = 0;

	nl_init(&L, &cfg);
	memset(&a, 0, sizeof(a));
	net_tcp_listen(L.s[1], 84, 8, &acceptor_cb, &a, &a.l);
	for (i = 0; i < 2000; i++) {
		memset(p, 0, sizeof(p));
		a.into = &p[1];
		net_tcp_connect(L.s[0], NET_IP4(192, 0, 2, 2), 84, &peer_cb,
				&p[0], &p[0].t);
		p[0].tx = (const uint8_t *)"GET /";
		p[0].tx_len = 5;
		nl_run(&L, peer_both_connected, p, 5000 * NL_MS);
		nl_run(&L, NULL, NULL, 2 * NL_MS);
		if (p[1].rx_len != 5)
			break;
		net_tcp_send(p[1].t, "200", 3);
		net_tcp_close(p[1].t);
		nl_run(&L, one_eof, &p[0], 1000 * NL_MS);
		net_tcp_close(p[0].t);
		if (p[0].rx_len == 3)
			served++;
	}
	nl_run(&L, NULL, NULL, 1000 * NL_MS);
	net_get_stats(L.s[0], &st0);
	net_get_stats(L.s[1], &st1);
	is_int(served, 2000, "2000 connections, one request each");
	ok(st0.tcp_rst_sent == 0 && st1.tcp_rst_sent == 0 &&
	       st1.tcp_syn_dropped == 0,
	   "none reset or dropped (%llu, %llu resets, %llu SYNs dropped)",
	   (unsigned long long)st0.tcp_rst_sent,
	   (unsigned long long)st1.tcp_rst_sent,
	   (unsigned long long)st1.tcp_syn_dropped);
	ok(st1.tcp_sockets == 16 && st1.mem_bytes == 0 && st0.tcp_sockets == 0,
	   "server: the listener and TIME-WAITs up to tcp_max, no rings "
	   "(%u sockets, %llu bytes); client: none",
	   st1.tcp_sockets, (unsigned long long)st1.mem_bytes);
	nl_run(&L, NULL, NULL, 61000 * NL_MS);
	net_get_stats(L.s[1], &st1);
	is_int(st1.tcp_sockets, 1, "after 2 MSL only the listener is left");
	nl_free(&L);
}

struct seg_count {
	unsigned data, data_fin, fin;
};

/* count the server's (stack 1) segments with data, with a FIN, both */
static bool count_server_segments(struct netlink *l, int from, const uint8_t *f,
				  size_t len, void *ctx)
{
	struct seg_count *c = ctx;
	const uint8_t *ip = f + WIRE_ETH_HLEN, *tcp;
	size_t ihl, payload;

	if (from != 1 || len < WIRE_ETH_HLEN + 40 || ip[9] != WIRE_IP_TCP)
		return true;
	ihl = (size_t)(ip[0] & 15) * 4;
	tcp = ip + ihl;
	payload =
	    ((size_t)ip[2] << 8 | ip[3]) - ihl - (size_t)(tcp[12] >> 4) * 4;
	if (payload && (tcp[13] & WIRE_TCP_FIN))
		c->data_fin++;
	else if (payload)
		c->data++;
	else if (tcp[13] & WIRE_TCP_FIN)
		c->fin++;
	return true;
}

/* An answer written and closed in one turn leaves as one segment with
 * the FIN on it; with unread data the close resets, after the answer. */
static void test_answer_and_close(void)
{
	struct peer p[2];
	struct acceptor a;
	struct seg_count c = {0, 0, 0};
	struct net_tcp *srv;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 85);
	L.filter = count_server_segments;
	L.filter_ctx = &c;
	net_tcp_send(p[1].t, "answer", 6);
	net_tcp_close(p[1].t);
	nl_run(&L, one_eof, &p[0], 1000 * NL_MS);
	ok(p[0].eof && p[0].rx_len == 6 && c.data_fin == 1 && c.data == 0 &&
	       c.fin == 0,
	   "answer and FIN in one segment (%u with FIN, %u data, %u FIN)",
	   c.data_fin, c.data, c.fin);
	net_tcp_close(p[0].t);
	nl_run(&L, NULL, NULL, 1000 * NL_MS);

	peer_connect_pair(&L, p, &a, 86);
	srv = p[1].t;
	p[1].t = NULL; /* its callbacks read nothing now */
	p[0].tx = (const uint8_t *)"unread";
	p[0].tx_len = 6;
	peer_pump(&p[0]);
	nl_run(&L, NULL, NULL, 10 * NL_MS);
	net_tcp_send(srv, "431", 3);
	net_tcp_close(srv);
	nl_run(&L, one_closed, &p[0], 1000 * NL_MS);
	ok(p[0].rx_len == 3 && p[0].closed &&
	       p[0].closed_err == GRAFT_ECONNRESET,
	   "with unread data: the answer, then a reset");
	nl_free(&L);
}

static void test_simultaneous_close(void)
{
	struct peer p[2];
	struct acceptor a;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 82);
	net_tcp_shutdown(p[0].t);
	net_tcp_shutdown(p[1].t);
	is_str(net_tcp_state_name(p[0].t), "FIN-WAIT-1", "both in FIN-WAIT-1");
	nl_run(&L, NULL, NULL, 50 * NL_MS);
	ok(p[0].t->state == TCP_TIME_WAIT && p[1].t->state == TCP_TIME_WAIT,
	   "simultaneous close: both through CLOSING to TIME-WAIT (%s, %s)",
	   net_tcp_state_name(p[0].t), net_tcp_state_name(p[1].t));
	nl_run(&L, both_eof_closed, p, 70000 * NL_MS);
	ok(p[0].closed && p[1].closed, "both TIME-WAITs end");
	nl_free(&L);
}

static void test_simultaneous_open(void)
{
	struct peer p[2];
	uint16_t port0, port1;

	nl_init(&L, NULL);
	memset(p, 0, sizeof(p));
	port0 = L.s[0]->next_port;
	port1 = L.s[1]->next_port;
	net_tcp_connect(L.s[0], NET_IP4(192, 0, 2, 2), port1, &peer_cb, &p[0],
			&p[0].t);
	net_tcp_connect(L.s[1], NET_IP4(192, 0, 2, 1), port0, &peer_cb, &p[1],
			&p[1].t);
	nl_run(&L, peer_both_connected, p, 5000 * NL_MS);
	ok(p[0].connected && p[1].connected,
	   "simultaneous open connects both (%s, %s)",
	   net_tcp_state_name(p[0].t), net_tcp_state_name(p[1].t));
	p[0].tx = (const uint8_t *)"x";
	p[0].tx_len = 1;
	peer_pump(&p[0]);
	nl_run(&L, NULL, NULL, 100 * NL_MS);
	is_int(p[1].rx_len, 1, "data flows after simultaneous open");
	nl_free(&L);
}

static void test_refused_and_reset(void)
{
	struct peer p[2];
	struct acceptor a;

	nl_init(&L, NULL);
	memset(p, 0, sizeof(p));
	net_tcp_connect(L.s[0], NET_IP4(192, 0, 2, 2), 9999, &peer_cb, &p[0],
			&p[0].t);
	nl_run(&L, one_closed, &p[0], 5000 * NL_MS);
	is_int(p[0].closed_err, GRAFT_ECONNREFUSED,
	       "connect to a closed port is refused");
	net_tcp_close(p[0].t);

	peer_connect_pair(&L, p, &a, 83);
	net_tcp_abort(p[1].t);
	p[1].t = NULL;
	nl_run(&L, one_closed, &p[0], 1000 * NL_MS);
	is_int(p[0].closed_err, GRAFT_ECONNRESET, "abort resets the peer");
	is_int(net_tcp_send(p[0].t, "x", 1), GRAFT_ECONNRESET,
	       "send after reset reports it");
	net_tcp_close(p[0].t);

	peer_connect_pair(&L, p, &a, 84);
	net_tcp_close(p[1].t);
	p[1].t = NULL;
	nl_run(&L, one_eof, &p[0], 1000 * NL_MS);
	is_int(net_tcp_send(p[0].t, "late", 4), 4,
	       "the client may still send after the server's FIN");
	nl_run(&L, one_closed, &p[0], 1000 * NL_MS);
	is_int(p[0].closed_err, GRAFT_ECONNRESET,
	       "data the closed server will never read is reset (RFC 1122)");
	net_tcp_close(p[0].t);
	nl_free(&L);
}

static void test_blind_rst_and_syn(void)
{
	struct peer p[2];
	struct acceptor a;
	uint8_t f[128];
	struct net_stats before, after;
	size_t n;
	struct net_tcp *c;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 84);
	c = p[1].t;
	net_get_stats(L.s[1], &before);
	/* a RST inside the window but not at rcv_nxt */
	n = make_tcp_frame(f, 0, p[0].t->lport, 84, c->rcv_nxt + 100, 0,
			   WIRE_TCP_RST, NULL, 0);
	nl_inject(&L, 1, f, n);
	/* a SYN on an established connection */
	n = make_tcp_frame(f, 0, p[0].t->lport, 84, c->rcv_nxt + 5, 0,
			   WIRE_TCP_SYN, NULL, 0);
	nl_inject(&L, 1, f, n);
	net_get_stats(L.s[1], &after);
	is_int(after.tcp_challenge_acks - before.tcp_challenge_acks, 2,
	       "in-window RST and SYN earn challenge ACKs");
	is_str(net_tcp_state_name(c), "ESTABLISHED",
	       "the connection survives them");
	/* a RST outside the window is ignored silently */
	n = make_tcp_frame(f, 0, p[0].t->lport, 84, c->rcv_nxt + 0x40000000, 0,
			   WIRE_TCP_RST, NULL, 0);
	nl_inject(&L, 1, f, n);
	is_str(net_tcp_state_name(c), "ESTABLISHED",
	       "out-of-window RST ignored");
	/* the exact RST resets */
	n = make_tcp_frame(f, 0, p[0].t->lport, 84, c->rcv_nxt, 0, WIRE_TCP_RST,
			   NULL, 0);
	nl_inject(&L, 1, f, n);
	is_int(p[1].closed_err, GRAFT_ECONNRESET, "RST at rcv_nxt resets");
	nl_free(&L);
}

static bool drop_all(struct netlink *l, int from, const uint8_t *f, size_t len,
		     void *ctx)
{
	return false;
}

static void test_keepalive(void)
{
	struct peer p[2];
	struct acceptor a;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 85);
	net_tcp_set_keepalive(p[0].t, 10000, 1000, 3);
	nl_run(&L, NULL, NULL, 15000 * NL_MS);
	ok(!p[0].closed, "keep-alive probes answered keep it open");
	L.filter = drop_all;
	nl_run(&L, one_closed, &p[0], 20000 * NL_MS);
	is_int(p[0].closed_err, GRAFT_ETIMEDOUT,
	       "unanswered keep-alives time out");
	nl_free(&L);
}

/* SACK-permitted is offered on the SYN and agreed only if both ends do */
static void sack_negotiation(const char *name, bool off0, bool off1)
{
	struct peer p[2];
	struct acceptor a;
	bool want = !off0 && !off1;

	nl_init(&L, NULL);
	L.s[0]->cfg.tcp_no_sack = off0;
	L.s[1]->cfg.tcp_no_sack = off1;
	peer_connect_pair(&L, p, &a, 87);
	ok(p[0].connected && p[1].connected && p[0].t->sack_ok == want &&
		   p[1].t->sack_ok == want,
	   "SACK %s: %s on both ends", name, want ? "agreed" : "not used");
	nl_free(&L);
}

static void test_sack_negotiation(void)
{
	sack_negotiation("offered by both", false, false);
	sack_negotiation("turned off on the server", false, true);
	sack_negotiation("turned off on the client", true, false);
}

/* what the last segment stack 1 sent said in SACK blocks (stack 0 never
 * sees it) */
struct sack_seen {
	struct wire_tcp_sack b[WIRE_TCP_SACK_MAX];
	unsigned n, acks;
};

static bool watch_sack(struct netlink *l, int from, const uint8_t *f,
		       size_t len, void *ctx)
{
	struct sack_seen *w = ctx;
	struct wire_tcp h;
	size_t off = WIRE_ETH_HLEN + WIRE_IPV4_HLEN;

	if (from != 1 || len < off ||
	    wire_tcp_parse(f + off, len - off, NET_IP4(192, 0, 2, 2),
			   NET_IP4(192, 0, 2, 1), false, &h))
		return true;
	w->acks++;
	w->n = h.n_sack;
	memcpy(w->b, h.sack, sizeof(w->b));
	return false; /* stack 0 sent none of that data, and would answer */
}

/* the receiver's blocks: most recent first, three beside timestamps,
 * then a D-SACK for a duplicate (RFC 2883) */
static void test_sack_blocks_sent(void)
{
	struct peer p[2];
	struct acceptor a;
	struct sack_seen w = { 0 };
	uint8_t f[1600], data[200] = { 0 };
	uint32_t base;
	size_t n;
	unsigned i;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 88);
	L.filter = watch_sack;
	L.filter_ctx = &w;
	base = p[1].t->rcv_nxt;
	for (i = 0; i < 4; i++) {
		n = make_tcp_frame(f, 0, p[0].t->lport, 88, base + 200 * (i + 1),
				   p[1].t->snd_nxt, WIRE_TCP_ACK, data, 100);
		nl_inject(&L, 1, f, n);
		nl_run(&L, NULL, NULL, NL_MS);
	}
	ok(w.acks == 4 && w.n == 3 && w.b[0].lo == base + 800 &&
		   w.b[0].hi == base + 900 && w.b[1].lo == base + 600 &&
		   w.b[2].lo == base + 400,
	   "out-of-order data ACKed at once with 3 SACK blocks, newest "
	   "first (%u acks, %u blocks)",
	   w.acks, w.n);
	/* fill the first hole: the block at 200 joins rcv_nxt */
	n = make_tcp_frame(f, 0, p[0].t->lport, 88, base, p[1].t->snd_nxt,
			   WIRE_TCP_ACK, data, 200);
	nl_inject(&L, 1, f, n);
	nl_run(&L, NULL, NULL, NL_MS);
	ok(p[1].t->rcv_nxt == base + 300 && w.n == 3 &&
		   w.b[0].lo == base + 800 && w.b[2].lo == base + 400,
	   "a filled hole leaves the blocks above it");
	n = make_tcp_frame(f, 0, p[0].t->lport, 88, base + 50, p[1].t->snd_nxt,
			   WIRE_TCP_ACK, data, 100);
	nl_inject(&L, 1, f, n);
	nl_run(&L, NULL, NULL, NL_MS);
	ok(w.n == 3 && w.b[0].lo == base + 50 && w.b[0].hi == base + 150 &&
		   w.b[1].lo == base + 800,
	   "a duplicate is reported first, as a D-SACK");
	n = make_tcp_frame(f, 0, p[0].t->lport, 88, base + 1000,
			   p[1].t->snd_nxt, WIRE_TCP_ACK, data, 100);
	nl_inject(&L, 1, f, n);
	nl_run(&L, NULL, NULL, NL_MS);
	ok(w.n == 3 && w.b[0].lo == base + 1000 && w.b[1].lo == base + 800,
	   "and only once");
	L.filter = NULL;
	free(p[1].rx);
	nl_free(&L);
}

/* ACKs carrying SACK blocks that no honest peer sends: outside the
 * flight, reversed, empty, wrapped.  They are ignored and counted; the
 * honest ones still drive recovery, and the data still arrives. */
static void test_sack_bad_blocks(void)
{
	static uint8_t tx[20000];
	struct peer p[2];
	struct acceptor a;
	struct net_stats before, after;
	struct net_tcp *c;
	uint8_t f[256];
	uint32_t una, max, mss;
	size_t n;

	nl_init(&L, NULL);
	peer_connect_pair(&L, p, &a, 89);
	c = p[0].t;
	for (n = 0; n < sizeof(tx); n++)
		tx[n] = (uint8_t)(n * 7);
	L.filter = drop_all;
	p[0].tx = tx;
	p[0].tx_len = sizeof(tx);
	peer_pump(&p[0]);
	net_poll(L.s[0], L.now); /* sends what the sends queued */
	una = c->snd_una;
	max = c->snd_max;
	mss = c->mss;
	net_get_stats(L.s[0], &before);
	struct wire_tcp_sack first[4] = {
		{ una + mss, una + 2 * mss },	  /* honest */
		{ max, max + 1000 },		  /* beyond what was sent */
		{ una + 3000, una + 2000 },	  /* reversed */
		{ una + 100, una + 100 },	  /* empty */
	};
	struct wire_tcp_sack second[3] = {
		{ una + 0x80000000u, una + 1000 }, /* wrapped */
		{ una - 5000, una - 1000 },	   /* old: ignored quietly */
		{ una + 0x40000000, una + 0x40000100 }, /* far beyond */
	};
	n = make_tcp_frame_sack(f, 1, 89, c->lport, c->rcv_nxt, una,
				WIRE_TCP_ACK, first, 4, NULL, 0);
	nl_inject(&L, 0, f, n);
	n = make_tcp_frame_sack(f, 1, 89, c->lport, c->rcv_nxt, una,
				WIRE_TCP_ACK, second, 3, NULL, 0);
	nl_inject(&L, 0, f, n);
	net_get_stats(L.s[0], &after);
	ok(max - una > 4 * mss && c->n_sacked == 1 &&
		   c->sacked[0].lo == una + mss &&
		   c->sacked[0].hi == una + 2 * mss,
	   "only the honest block enters the scoreboard");
	is_int(after.tcp_sack_bad - before.tcp_sack_bad, 5,
	       "five bogus blocks counted, the old one ignored quietly");
	ok(!c->in_recovery && c->snd_una == una, "nothing resent yet");
	/* three segments SACKed above the first: it is lost (RFC 6675) */
	first[0].lo = una + 2 * mss;
	first[0].hi = una + 4 * mss + 1;
	n = make_tcp_frame_sack(f, 1, 89, c->lport, c->rcv_nxt, una,
				WIRE_TCP_ACK, first, 1, NULL, 0);
	nl_inject(&L, 0, f, n);
	net_get_stats(L.s[0], &after);
	ok(c->in_recovery && c->n_sacked == 1 &&
		   after.tcp_fast_retransmits == before.tcp_fast_retransmits + 1 &&
		   after.tcp_sack_rexmits > before.tcp_sack_rexmits,
	   "honest blocks show the first segment lost: SACK recovery");
	L.filter = NULL;
	nl_run(&L, NULL, NULL, 5000 * NL_MS);
	ok(p[1].rx_len == sizeof(tx) && memcmp(p[1].rx, tx, sizeof(tx)) == 0,
	   "the data arrives intact after all");
	free(p[1].rx);
	nl_free(&L);
}

static void test_syn_flood(void)
{
	struct net_config cfg = {.tcp_max = 64};
	struct peer p[2];
	struct acceptor a;
	struct net_stats st;
	uint8_t f[128];
	unsigned i;
	size_t n;

	nl_init(&L, &cfg);
	memset(p, 0, sizeof(p));
	memset(&a, 0, sizeof(a));
	a.into = &p[1];
	net_tcp_listen(L.s[1], 86, 16, &acceptor_cb, &a, &a.l);
	L.filter = drop_all; /* SYN-ACKs go nowhere */
	for (i = 0; i < 5000; i++) {
		n = make_tcp_frame(f, 0, (uint16_t)(1024 + i), 86, i * 7919, 0,
				   WIRE_TCP_SYN, NULL, 0);
		nl_inject(&L, 1, f, n);
	}
	net_get_stats(L.s[1], &st);
	ok(st.tcp_sockets <= 17, "5000 SYNs leave %u sockets (cap 16 + 1)",
	   st.tcp_sockets);
	ok(st.mem_bytes == 0, "half-open connections hold no buffers");
	L.filter = NULL;
	net_tcp_connect(L.s[0], NET_IP4(192, 0, 2, 2), 86, &peer_cb, &p[0],
			&p[0].t);
	nl_run(&L, peer_both_connected, p, 5000 * NL_MS);
	ok(p[0].connected && p[1].connected,
	   "a real client still connects after the flood");
	nl_free(&L);
}

/* A listener that accepts every connection into the next free peer. */
struct burst {
	struct net_tcp *l;
	struct peer *into;
	unsigned n, accepted;
};

static void burst_readable(void *sock, void *ctx)
{
	struct burst *b = ctx;

	while (b->accepted < b->n &&
	       net_tcp_accept(b->l, &peer_cb, &b->into[b->accepted],
			      &b->into[b->accepted].t) == 0) {
		b->into[b->accepted].connected = true;
		peer_pump(&b->into[b->accepted++]);
	}
}

static const struct net_callbacks burst_cb = {.on_readable = burst_readable};

static bool burst_echoed(void *ctx)
{
	struct peer *c = ctx;

	for (unsigned i = 0; i < 24; i++)
		if (c[i].rx_len < 1 && !c[i].closed)
			return false;
	return true;
}

/*
 * More clients than the backlog connect at once, so that every SYN is
 * queued before the first handshake's ACK (a receive path that drains
 * slowly): the SYNs beyond the half-open limit must be dropped, for their
 * senders to retransmit, and not push out half-open connections whose
 * ACKs are on their way, which would be answered with resets.
 */
static void test_connection_burst(void)
{
	struct peer c[24], srv[24];
	struct burst b = {.into = srv, .n = 24};
	struct net_stats st;
	unsigned connected = 0, reset = 0, echoed = 0;

	nl_init(&L, NULL);
	memset(c, 0, sizeof(c));
	memset(srv, 0, sizeof(srv));
	for (unsigned i = 0; i < 24; i++) {
		c[i].tx = (const uint8_t *)"x";
		c[i].tx_len = 1;
		srv[i].tx = (const uint8_t *)"y";
		srv[i].tx_len = 1;
	}
	net_tcp_listen(L.s[1], 87, 8, &burst_cb, &b, &b.l);
	for (unsigned i = 0; i < 24; i++)
		net_tcp_connect(L.s[0], NET_IP4(192, 0, 2, 2), 87, &peer_cb,
				&c[i], &c[i].t);
	nl_run(&L, burst_echoed, c, 30000 * NL_MS);
	net_get_stats(L.s[1], &st);
	ok(st.tcp_syn_dropped > 0,
	   "the burst overflows the half-open limit (%llu SYNs dropped)",
	   (unsigned long long)st.tcp_syn_dropped);
	for (unsigned i = 0; i < 24; i++) {
		connected += c[i].connected;
		reset += c[i].closed && c[i].closed_err == GRAFT_ECONNRESET;
		echoed += c[i].rx_len == 1 && srv[i].rx_len == 1;
	}
	is_int(reset, 0, "no client of the burst is reset");
	is_int(connected, 24, "every client connects (SYNs retransmitted)");
	is_int(b.accepted, 24, "the server accepts all 24");
	is_int(echoed, 24, "a byte crosses each way on every connection");
	nl_free(&L);
}

/*
 * The same burst against the stack's socket cap rather than the
 * listener's backlog: with every socket taken, a new SYN is dropped, not
 * given room by killing a half-open connection whose ACK is on its way.
 */
static void test_connection_burst_at_cap(void)
{
	struct peer c[24], srv[24];
	struct burst b = {.into = srv, .n = 24};
	struct net_stats st;
	unsigned connected = 0, reset = 0;

	nl_init(&L, NULL);
	L.s[1]->cfg.tcp_max = 13; /* the listener and 12 connections */
	memset(c, 0, sizeof(c));
	memset(srv, 0, sizeof(srv));
	net_tcp_listen(L.s[1], 88, 64, &burst_cb, &b, &b.l);
	for (unsigned i = 0; i < 24; i++)
		net_tcp_connect(L.s[0], NET_IP4(192, 0, 2, 2), 88, &peer_cb,
				&c[i], &c[i].t);
	nl_run(&L, NULL, NULL, 3000 * NL_MS);
	net_get_stats(L.s[1], &st);
	for (unsigned i = 0; i < 24; i++) {
		connected += c[i].connected;
		reset += c[i].closed && c[i].closed_err == GRAFT_ECONNRESET;
	}
	ok(st.tcp_syn_dropped > 0, "the burst meets the socket cap (%llu SYNs "
	   "dropped)", (unsigned long long)st.tcp_syn_dropped);
	is_int(reset, 0, "no client of the burst is reset at the cap");
	is_int(b.accepted, 12, "the server holds as many as the cap allows");
	ok(connected >= 12, "%u clients connected", connected);
	nl_free(&L);
}

int main(void)
{
	test_handshake_and_data();
	test_server_closes_first();
	test_time_wait_reuse();
	test_connection_per_request();
	test_answer_and_close();
	test_simultaneous_close();
	test_simultaneous_open();
	test_refused_and_reset();
	test_blind_rst_and_syn();
	test_keepalive();
	test_syn_flood();
	test_connection_burst();
	test_connection_burst_at_cap();
	test_sack_negotiation();
	test_sack_blocks_sent();
	test_sack_bad_blocks();
	return done_testing();
}
