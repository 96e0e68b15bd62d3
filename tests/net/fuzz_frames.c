/*
 * libFuzzer target: raw frames into a stack that has a listener, a UDP
 * socket and an established connection (made over the in-memory link
 * first), with the clock moved between frames.  Input: a byte whose low
 * bit puts the stacks on devices with offloads (each frame then starts
 * with the offload header of graft/nethdr.h), then records of a 2-byte
 * length, a 1-byte clock step (ms) and the frame.  Checks that
 * nothing crashes (ASan/UBSan) and that the stack's memory stays within
 * its caps.
 *
 * The connection's server end has data in flight that nothing else
 * acknowledges: the other stack's frames no longer reach it.  A record
 * whose step has bit 1 set is aimed at it: its TCP ports become the
 * connection's, its sequence, acknowledgement and SACK block edges are
 * taken as offsets from rcv_nxt and snd_una, so that the fuzzer reaches
 * the window checks, the scoreboard and SACK recovery.
 */
#include <stdlib.h>
#include <string.h>
#include "netlink.h"
#include "peer.h"

/* most random frames die at a checksum; fix the checksums (and the
 * addresses) of IPv4 frames so the fuzzer reaches the protocols */
static void fix_frame(uint8_t *f, size_t len)
{
	uint8_t *ip = f + WIRE_ETH_HLEN;
	size_t hl, total;
	uint32_t src = NET_IP4(192, 0, 2, 1), dst = NET_IP4(192, 0, 2, 2);

	if (len < WIRE_ETH_HLEN + WIRE_IPV4_HLEN || wire_rd16(f + 12) != 0x800)
		return;
	hl = (size_t)(ip[0] & 0xf) * 4;
	total = wire_rd16(ip + 2);
	if (hl < 20 || total < hl || total > len - WIRE_ETH_HLEN)
		return;
	wire_wr32(ip + 12, src);
	wire_wr32(ip + 16, dst);
	wire_wr16(ip + 10, 0);
	wire_wr16(ip + 10, wire_csum_fold(wire_csum_add(0, ip, hl)));
	if (wire_rd16(ip + 6) & 0x3fff)
		return; /* fragments: leave the payload alone */
	uint8_t *p = ip + hl;
	size_t n = total - hl;
	uint32_t sum = wire_csum_pseudo(src, dst, ip[9], (uint16_t)n);
	if (ip[9] == WIRE_IP_TCP && n >= 20) {
		wire_wr16(p + 16, 0);
		wire_wr16(p + 16, wire_csum_fold(wire_csum_add(sum, p, n)));
	} else if (ip[9] == WIRE_IP_UDP && n >= 8) {
		wire_wr16(p + 6, 0);
	} else if (ip[9] == WIRE_IP_ICMP && n >= 8) {
		wire_wr16(p + 2, 0);
		wire_wr16(p + 2, wire_csum_fold(wire_csum_add(0, p, n)));
	}
}

/* make the TCP segment in an IPv4 frame address the connection t */
static void aim_frame(uint8_t *f, size_t len, const struct net_tcp *t)
{
	uint8_t *ip = f + WIRE_ETH_HLEN, *tcp, *o;
	size_t hl, total, thl, i, olen, k;

	if (!t || len < WIRE_ETH_HLEN + WIRE_IPV4_HLEN ||
	    wire_rd16(f + 12) != 0x800 || ip[9] != WIRE_IP_TCP)
		return;
	hl = (size_t)(ip[0] & 0xf) * 4;
	total = wire_rd16(ip + 2);
	if (hl < 20 || total > len - WIRE_ETH_HLEN || total < hl + 20)
		return;
	tcp = ip + hl;
	wire_wr16(tcp, t->rport);
	wire_wr16(tcp + 2, t->lport);
	wire_wr32(tcp + 4, t->rcv_nxt + wire_rd32(tcp + 4));
	wire_wr32(tcp + 8, t->snd_una + wire_rd32(tcp + 8));
	thl = (size_t)(tcp[12] >> 4) * 4;
	if (thl < 20 || thl > total - hl)
		return;
	o = tcp + 20;
	for (i = 0; i + 2 <= thl - 20;) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		olen = o[i + 1];
		if (olen < 2 || i + olen > thl - 20)
			break;
		for (k = 2; o[i] == 5 && k + 4 <= olen; k += 4)
			wire_wr32(o + i + k, t->snd_una + wire_rd32(o + i + k));
		i += olen;
	}
}

static bool only_from_1(struct netlink *l, int from, const uint8_t *f,
			size_t len, void *ctx)
{
	return from == 1;
}

static bool connected(void *ctx)
{
	struct peer *p = ctx;
	return p[0].connected && p[1].connected;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_config cfg = { .tcp_max = 32, .tcp_sndbuf = 16384,
				  .tcp_rcvbuf = 16384 };
	struct netlink l;
	struct peer p[2];
	struct acceptor a;
	struct net_udp *u;
	struct net_stats st;
	uint8_t frame[8192];
	size_t off = 1, room;

	if (!size)
		return 0;
	nl_init_offloads(&l, &cfg,
			 data[0] & 1 ? GRAFT_NET_OFF_CSUM | GRAFT_NET_OFF_TSO4
				     : 0);
	room = data[0] & 1 ? WIRE_NETHDR_LEN : 0;
	memset(p, 0, sizeof(p));
	memset(&a, 0, sizeof(a));
	a.into = &p[1];
	net_tcp_listen(l.s[1], 80, 8, &acceptor_cb, &a, &a.l);
	net_udp_bind(l.s[1], 53, NULL, NULL, &u);
	net_tcp_connect(l.s[0], NET_IP4(192, 0, 2, 2), 80, &peer_cb, &p[0],
			&p[0].t);
	nl_run(&l, connected, p, 5000 * NL_MS);
	if (p[1].t) {
		static uint8_t tx[12000];
		l.filter = only_from_1;
		p[1].tx = tx;
		p[1].tx_len = sizeof(tx);
		peer_pump(&p[1]);
	}
	while (off + 3 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		uint8_t step = data[off + 2];
		off += 3;
		if (len > size - off)
			len = size - off;
		if (len > sizeof(frame))
			len = sizeof(frame);
		memcpy(frame, data + off, len);
		/* aim at the stack's MAC so frames get past Ethernet */
		if (len >= room + 6 && !(frame[room] & 1))
			memcpy(frame + room, l.dev[1].mac, 6);
		if ((step & 2) && len >= room)
			aim_frame(frame + room, len - room, p[1].t);
		if ((step & 3) && len >= room)
			fix_frame(frame + room, len - room);
		off += len;
		l.now += (uint64_t)step * NL_MS;
		nl_inject(&l, 1, frame, len);
		nl_run(&l, NULL, NULL, 1 * NL_MS);
	}
	nl_run(&l, NULL, NULL, 100000 * NL_MS);
	net_get_stats(l.s[1], &st);
	if (st.tcp_sockets > cfg.tcp_max ||
	    st.mem_bytes > 4 * 65536 + 32 * 2 * 16384 + 256 * 1024)
		abort();
	nl_free(&l);
	free(p[0].rx);
	free(p[1].rx);
	return 0;
}
