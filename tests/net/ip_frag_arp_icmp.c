/*
 * The interface layer between two stacks: UDP datagrams larger than the
 * MTU are fragmented and reassembled; overlapping fragments with different
 * bytes are dropped while exact duplicates are fine; endless streams of
 * fragments never hold more than the reassembly slots and time out with an
 * ICMP time exceeded; a closed UDP port earns ICMP port unreachable; the
 * gratuitous ARP goes out at start and ARP entries expire.
 */
#include <stdio.h>
#include "../tap.h"
#include "peer.h"

static struct netlink L;
static unsigned icmp_seen[256];

static bool sniff(struct netlink *l, int from, const uint8_t *f, size_t len,
		  void *ctx)
{
	if (len >= 14 + 20 + 8 && wire_rd16(f + 12) == 0x800 && f[23] == 1)
		icmp_seen[f[14 + (f[14] & 0xf) * 4]]++;
	return true;
}

static size_t frag_frame(uint8_t *f, uint16_t id, uint16_t off, bool mf,
			 const uint8_t *data, size_t len)
{
	uint8_t to[6] = { 2, 0, 0, 0, 0, 2 }, from[6] = { 2, 0, 0, 0, 0, 1 };
	struct wire_ipv4 ip = { .ttl = 64, .proto = WIRE_IP_UDP, .id = id,
				.frag_off = off, .mf = mf,
				.src = NET_IP4(192, 0, 2, 1),
				.dst = NET_IP4(192, 0, 2, 2) };

	wire_eth_emit(f, to, from, WIRE_ETH_IPV4);
	memcpy(f + 34, data, len);
	wire_ipv4_emit(f + 14, &ip, len);
	return 34 + len;
}

static void test_fragmentation(void)
{
	static uint8_t big[20000], got[20000];
	struct net_udp *a, *b;
	struct net_stats st;
	uint32_t ip;
	uint16_t port;
	long n;
	unsigned i;

	nl_init(&L, NULL);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	net_udp_bind(L.s[0], 0, NULL, NULL, &a);
	net_udp_bind(L.s[1], 9000, NULL, NULL, &b);
	is_int(net_udp_sendto(a, NET_IP4(192, 0, 2, 2), 9000, big, sizeof(big)),
	       0, "20000-byte datagram sent");
	nl_run(&L, NULL, NULL, 1000 * NL_MS);
	/* the first send went out while ARP resolved: only the last piece
	 * was queued; the second goes through whole */
	while (net_udp_recvfrom(b, got, sizeof(got), &ip, &port) >= 0)
		;
	net_udp_sendto(a, NET_IP4(192, 0, 2, 2), 9000, big, sizeof(big));
	nl_run(&L, NULL, NULL, 1000 * NL_MS);
	n = net_udp_recvfrom(b, got, sizeof(got), &ip, &port);
	ok(n == (long)sizeof(big) && memcmp(got, big, sizeof(big)) == 0,
	   "fragmented datagram reassembled intact (%ld bytes)", n);
	net_get_stats(L.s[1], &st);
	ok(st.frag_reassembled >= 1, "reassembly counted");
	is_int(net_udp_sendto(a, NET_IP4(192, 0, 2, 2), 9000, big, 70000),
	       GRAFT_EMSGSIZE, "datagram over 64 KiB refused");
	nl_free(&L);
}

static void test_bad_fragments(void)
{
	uint8_t f[1600], d1[1000], d2[1000], udp[8 + 1992];
	struct net_udp *b;
	struct net_stats st;
	unsigned i;
	size_t n;

	nl_init(&L, NULL);
	L.filter = sniff;
	net_udp_bind(L.s[1], 9000, NULL, NULL, &b);
	memset(udp + 8, 'x', 1992);
	wire_udp_emit(udp, NET_IP4(192, 0, 2, 1), NET_IP4(192, 0, 2, 2), 5,
		      9000, 1992);
	/* an exact duplicate of the first piece is harmless */
	n = frag_frame(f, 1, 0, true, udp, 1000);
	nl_inject(&L, 1, f, n);
	nl_inject(&L, 1, f, n);
	n = frag_frame(f, 1, 1000, false, udp + 1000, 1000);
	nl_inject(&L, 1, f, n);
	uint8_t got[4000];
	ok(net_udp_recvfrom(b, got, sizeof(got), NULL, NULL) == 1992,
	   "duplicate fragment tolerated, datagram delivered");
	/* overlap with different bytes: the datagram is dropped */
	memset(d1, 'a', sizeof(d1));
	memset(d2, 'z', sizeof(d2));
	n = frag_frame(f, 2, 0, true, udp, 1000);
	nl_inject(&L, 1, f, n);
	n = frag_frame(f, 2, 504, false, d2, 1000);
	nl_inject(&L, 1, f, n);
	is_int(net_udp_recvfrom(b, got, sizeof(got), NULL, NULL), GRAFT_EAGAIN,
	       "overlapping fragment with other bytes: nothing delivered");
	net_get_stats(L.s[1], &st);
	ok(st.frag_dropped >= 1, "the conflicting datagram was dropped");

	/* endless fragments: many datagrams, none ever complete */
	for (i = 0; i < 5000; i++) {
		n = frag_frame(f, (uint16_t)(100 + i % 997), (uint16_t)(8 * (i % 50) + 8),
			       true, d1, 8);
		nl_inject(&L, 1, f, n);
	}
	net_get_stats(L.s[1], &st);
	ok(st.frag_slots <= 4 && st.mem_bytes <= 4 * 65536,
	   "5000 stray fragments hold %u slots, %llu bytes", st.frag_slots,
	   (unsigned long long)st.mem_bytes);
	/* a first piece that never completes: time exceeded after 30 s */
	n = frag_frame(f, 4000, 0, true, udp, 1000);
	nl_inject(&L, 1, f, n);
	nl_run(&L, NULL, NULL, 31000 * NL_MS);
	net_get_stats(L.s[1], &st);
	is_int(st.frag_slots, 0, "incomplete datagrams time out");
	is_int(st.mem_bytes, 0, "and their buffers are freed");
	ok(icmp_seen[WIRE_ICMP_TIME_EXCEEDED] >= 1,
	   "ICMP time exceeded sent for the timed-out datagram");
	nl_free(&L);
}

static void test_icmp_and_arp(void)
{
	struct net_udp *a;
	struct net_stats st;

	nl_init(&L, NULL);
	net_get_stats(L.s[0], &st);
	is_int(st.tx_frames, 1, "gratuitous ARP sent at start");
	L.filter = sniff;
	memset(icmp_seen, 0, sizeof(icmp_seen));
	net_udp_bind(L.s[0], 0, NULL, NULL, &a);
	net_udp_sendto(a, NET_IP4(192, 0, 2, 2), 4444, "x", 1);
	nl_run(&L, NULL, NULL, 100 * NL_MS);
	net_udp_sendto(a, NET_IP4(192, 0, 2, 2), 4444, "x", 1);
	nl_run(&L, NULL, NULL, 100 * NL_MS);
	ok(icmp_seen[WIRE_ICMP_UNREACH] >= 1,
	   "UDP to a closed port earns port unreachable");
	net_get_stats(L.s[0], &st);
	is_int(st.arp_entries, 1, "the peer's address is cached");
	is_int(net_udp_sendto(a, NET_IP4(198, 51, 100, 1), 1, "x", 1),
	       GRAFT_EHOSTUNREACH, "no route off-link without a gateway");
	nl_run(&L, NULL, NULL, 64000 * NL_MS);
	net_get_stats(L.s[0], &st);
	is_int(st.arp_entries, 0, "unused ARP entry expires");
	nl_free(&L);
}

int main(void)
{
	test_fragmentation();
	test_bad_fragments();
	test_icmp_and_arp();
	return done_testing();
}
