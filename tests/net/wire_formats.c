/*
 * Wire formats: every emitter's output parses back to what went in, and
 * every parser rejects truncated, oversized, bad-checksum, bogus-length and
 * bad-option input.
 */
#include <stdio.h>
#include <string.h>
#include <graft/error.h>
#include "../tap.h"
#include "../../lib/net/wire.h"

static uint8_t b[2048];
static const uint32_t A = 0xc0000201, B = 0xc0000202;

static void test_eth_arp(void)
{
	struct wire_eth e;
	struct wire_arp a = { .op = WIRE_ARP_REQUEST, .spa = A, .tpa = B }, r;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };

	wire_eth_emit(b, wire_eth_broadcast, mac, WIRE_ETH_ARP);
	memcpy(a.sha, mac, 6);
	wire_arp_emit(b + 14, &a);
	ok(wire_eth_parse(b, 42, &e) == 0 && e.type == WIRE_ETH_ARP &&
		   e.payload_len == 28,
	   "Ethernet round trip");
	is_int(wire_eth_parse(b, 13, &e), GRAFT_EFORMAT, "Ethernet truncated");
	ok(wire_arp_parse(e.payload, e.payload_len, &r) == 0 && r.spa == A &&
		   r.tpa == B && memcmp(r.sha, mac, 6) == 0,
	   "ARP round trip");
	is_int(wire_arp_parse(e.payload, 27, &r), GRAFT_EFORMAT, "ARP truncated");
	b[14 + 4] = 8;
	is_int(wire_arp_parse(e.payload, 28, &r), GRAFT_EFORMAT,
	       "ARP with a bad hardware length");
	wire_wr16(b + 12, 100);
	is_int(wire_eth_parse(b, 42, &e), GRAFT_EFORMAT,
	       "802.3 length instead of a type rejected");
}

static size_t make_ip(uint8_t proto, size_t plen)
{
	struct wire_ipv4 h = { .ttl = 64, .proto = proto, .src = A, .dst = B,
			       .id = 7 };
	wire_ipv4_emit(b, &h, plen);
	return 20 + plen;
}

static void test_ipv4(void)
{
	struct wire_ipv4 ip;
	size_t n = make_ip(WIRE_IP_UDP, 100);

	ok(wire_ipv4_parse(b, n, &ip) == 0 && ip.src == A && ip.dst == B &&
		   ip.payload_len == 100 && ip.ttl == 64 && ip.id == 7,
	   "IPv4 round trip");
	ok(wire_ipv4_parse(b, n + 30, &ip) == 0 && ip.payload_len == 100,
	   "IPv4 ignores Ethernet padding after total length");
	is_int(wire_ipv4_parse(b, n - 1, &ip), GRAFT_EFORMAT,
	       "IPv4 total length beyond the frame");
	is_int(wire_ipv4_parse(b, 19, &ip), GRAFT_EFORMAT, "IPv4 truncated");
	b[10] ^= 1;
	is_int(wire_ipv4_parse(b, n, &ip), GRAFT_EFORMAT, "IPv4 bad checksum");
	b[10] ^= 1;
	b[0] = 0x44;
	is_int(wire_ipv4_parse(b, n, &ip), GRAFT_EFORMAT,
	       "IPv4 header length below 20");
	b[0] = 0x65;
	is_int(wire_ipv4_parse(b, n, &ip), GRAFT_EFORMAT, "IPv6 version refused");
	make_ip(WIRE_IP_UDP, 100);
	wire_wr16(b + 2, 10);
	is_int(wire_ipv4_parse(b, n, &ip), GRAFT_EFORMAT,
	       "IPv4 total length below header length");
	struct wire_ipv4 h = { .ttl = 1, .proto = 17, .src = A, .dst = B,
			       .frag_off = 65528, .mf = true };
	wire_ipv4_emit(b, &h, 100);
	is_int(wire_ipv4_parse(b, 120, &ip), GRAFT_EFORMAT,
	       "IPv4 fragment ending past 65535");
}

static void test_icmp_udp(void)
{
	struct wire_icmp m = { .type = 8, .rest = 0x12345678 }, r;
	struct wire_udp u;

	memcpy(b + 8, "pingdata", 8);
	wire_icmp_emit(b, &m, 8);
	ok(wire_icmp_parse(b, 16, &r) == 0 && r.type == 8 &&
		   r.rest == 0x12345678 && r.data_len == 8,
	   "ICMP round trip");
	is_int(wire_icmp_parse(b, 7, &r), GRAFT_EFORMAT, "ICMP truncated");
	b[9] ^= 0xff;
	is_int(wire_icmp_parse(b, 16, &r), GRAFT_EFORMAT, "ICMP bad checksum");

	memcpy(b + 8, "hello", 5);
	wire_udp_emit(b, A, B, 1000, 53, 5);
	ok(wire_udp_parse(b, 13, A, B, false, &u) == 0 && u.sport == 1000 &&
	       u.dport == 53 && u.payload_len == 5 &&
	       memcmp(u.payload, "hello", 5) == 0,
	   "UDP round trip");
	is_int(wire_udp_parse(b, 13, A, A, false, &u), GRAFT_EFORMAT,
	       "UDP checksum covers the pseudo header");
	is_int(wire_udp_parse(b, 12, A, B, false, &u), GRAFT_EFORMAT,
	       "UDP length beyond the packet");
	wire_wr16(b + 6, 0);
	ok(wire_udp_parse(b, 13, A, B, false, &u) == 0,
	   "UDP without checksum taken");
	wire_wr16(b + 4, 7);
	is_int(wire_udp_parse(b, 13, A, B, false, &u), GRAFT_EFORMAT,
	       "UDP length below 8");
}

static size_t make_tcp(void)
{
	struct wire_tcp t;

	memset(&t, 0, sizeof(t));
	t.sport = 40000;
	t.dport = 80;
	t.seq = 0xfffffff0;
	t.ack = 5;
	t.flags = WIRE_TCP_SYN | WIRE_TCP_ACK;
	t.window = 1234;
	t.mss = 1460;
	t.wscale = 7;
	t.sack_perm = true;
	t.ts = true;
	t.tsval = 111;
	t.tsecr = 222;
	t.payload_len = 3;
	memcpy(b + wire_tcp_hlen(&t), "abc", 3);
	return wire_tcp_emit(b, A, B, &t) + 3;
}

static void test_tcp(void)
{
	struct wire_tcp t;
	size_t n = make_tcp();

	ok(wire_tcp_parse(b, n, A, B, false, &t) == 0 && t.sport == 40000 &&
	       t.seq == 0xfffffff0 && t.mss == 1460 && t.wscale == 7 &&
	       t.sack_perm && t.ts && t.tsval == 111 && t.tsecr == 222 &&
	       t.payload_len == 3 && memcmp(t.payload, "abc", 3) == 0,
	   "TCP round trip with MSS, window scale, SACK-permitted, timestamps");
	is_int(wire_tcp_parse(b, n, B, A, false, &t) == 0, 1,
	       "TCP checksum is symmetric in the addresses");
	is_int(wire_tcp_parse(b, n, A, A, false, &t), GRAFT_EFORMAT,
	       "TCP bad pseudo-header checksum");
	is_int(wire_tcp_parse(b, 19, A, B, false, &t), GRAFT_EFORMAT,
	       "TCP truncated");
	b[12] = 4 << 4;
	is_int(wire_tcp_parse(b, n, A, B, false, &t), GRAFT_EFORMAT,
	       "TCP data offset below 5");
	n = make_tcp();
	b[12] = 15 << 4;
	is_int(wire_tcp_parse(b, 40, A, B, false, &t), GRAFT_EFORMAT,
	       "TCP data offset beyond the segment");
	/* options with bad lengths: rebuild the checksum each time */
	struct {
		uint8_t opt[4];
		const char *what;
	} bad[] = {
		{ { 2, 0, 0, 0 }, "option length 0" },
		{ { 2, 3, 5, 0 }, "MSS of length 3" },
		{ { 3, 40, 0, 0 }, "option running past the header" },
		{ { 8, 4, 0, 0 }, "timestamps of length 4" },
	};
	for (unsigned i = 0; i < 4; i++) {
		n = make_tcp();
		memcpy(b + 20, bad[i].opt, 4);
		wire_wr16(b + 16, 0);
		wire_wr16(b + 16, wire_csum_fold(wire_csum_add(
					  wire_csum_pseudo(A, B, 6, (uint16_t)n),
					  b, n)));
		is_int(wire_tcp_parse(b, n, A, B, false, &t), GRAFT_EFORMAT,
		       bad[i].what);
	}
	n = make_tcp();
	b[20 + 4 + 3] = 30; /* window scale 30 */
	wire_wr16(b + 16, 0);
	wire_wr16(b + 16, wire_csum_fold(wire_csum_add(
				  wire_csum_pseudo(A, B, 6, (uint16_t)n), b, n)));
	ok(wire_tcp_parse(b, n, A, B, false, &t) == 0 && t.wscale == 14,
	   "window scale above 14 is taken as 14 (RFC 7323)");
}

/* a data segment with n_sack SACK blocks (and timestamps if ts) */
static size_t make_tcp_sack(unsigned n_sack, bool ts)
{
	struct wire_tcp t;
	unsigned i;

	memset(&t, 0, sizeof(t));
	t.sport = 40000;
	t.dport = 80;
	t.seq = 1000;
	t.ack = 0xfffffff0;
	t.flags = WIRE_TCP_ACK;
	t.wscale = -1;
	t.ts = ts;
	t.n_sack = (uint8_t)n_sack;
	for (i = 0; i < n_sack; i++) {
		t.sack[i].lo = 0xfffffff0 + 100 * i + 10; /* wraps past 0 */
		t.sack[i].hi = 0xfffffff0 + 100 * i + 60;
	}
	t.payload_len = 3;
	memcpy(b + wire_tcp_hlen(&t), "abc", 3);
	return wire_tcp_emit(b, A, B, &t) + 3;
}

static void tcp_fix_csum(size_t n)
{
	wire_wr16(b + 16, 0);
	wire_wr16(b + 16, wire_csum_fold(wire_csum_add(
				  wire_csum_pseudo(A, B, 6, (uint16_t)n), b, n)));
}

static void test_tcp_sack(void)
{
	struct wire_tcp t;
	size_t n = make_tcp_sack(3, true);

	ok(n == 60 + 3 && wire_tcp_parse(b, n, A, B, false, &t) == 0 &&
		   t.ts && t.n_sack == 3 && t.sack[0].lo == 0xfffffffa &&
		   t.sack[0].hi == 44 && t.sack[2].lo == 0xc2 &&
		   t.sack[2].hi == 0xf4 && t.payload_len == 3 &&
		   memcmp(t.payload, "abc", 3) == 0,
	   "TCP round trip with 3 SACK blocks and timestamps: 60-byte header");
	n = make_tcp_sack(4, false);
	ok(n == 56 + 3 && wire_tcp_parse(b, n, A, B, false, &t) == 0 && !t.ts &&
		   t.n_sack == 4 && t.sack[3].hi == 0x158,
	   "TCP round trip with 4 SACK blocks, no timestamps");
	n = make_tcp_sack(1, false);
	ok(wire_tcp_parse(b, n, A, B, false, &t) == 0 && t.n_sack == 1,
	   "TCP one SACK block");
	/* the option is at 22 (after NOP NOP): kind 5, length, 8 bytes */
	struct {
		uint8_t len;
		const char *what;
	} bad[] = {
		{ 2, "SACK option without blocks" },
		{ 9, "SACK option of 9 bytes (a block and a byte)" },
		{ 11, "SACK option of 11 bytes, running past the header" },
		{ 18, "SACK option of 18 bytes, past the header" },
		{ 42, "SACK option longer than any header" },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = make_tcp_sack(1, false);
		b[23] = bad[i].len;
		tcp_fix_csum(n);
		is_int(wire_tcp_parse(b, n, A, B, false, &t), GRAFT_EFORMAT,
		       bad[i].what);
	}
	/* a 12-byte header area: NOP NOP 5 10 + one block, then kind 5
	 * with length 10 but only 2 bytes left: past the header */
	n = make_tcp_sack(1, false);
	b[22] = 1;
	b[23] = 1;
	b[24] = 5;
	b[25] = 2 + 8;
	tcp_fix_csum(n);
	is_int(wire_tcp_parse(b, n, A, B, false, &t), GRAFT_EFORMAT,
	       "SACK option shifted to run past the header");
}

static void test_dhcp(void)
{
	struct wire_dhcp d, r;
	size_t n;

	memset(&d, 0, sizeof(d));
	d.xid = 0xabcdef01;
	d.msg_type = WIRE_DHCP_REQUEST;
	d.requested_ip = B;
	d.server_id = A;
	memcpy(d.chaddr, "\2\0\0\0\0\2", 6);
	n = wire_dhcp_emit(b, &d);
	ok(wire_dhcp_parse(b, n, &r) == 0 && r.xid == d.xid &&
		   r.msg_type == WIRE_DHCP_REQUEST && r.requested_ip == B &&
		   r.server_id == A && memcmp(r.chaddr, d.chaddr, 6) == 0,
	   "DHCP round trip");
	is_int(wire_dhcp_parse(b, 239, &r), GRAFT_EFORMAT, "DHCP truncated");
	b[240 + 1] = 200; /* message type option claims 200 bytes */
	is_int(wire_dhcp_parse(b, 300, &r), GRAFT_EFORMAT,
	       "DHCP option running past the message");
	b[236] = 0;
	is_int(wire_dhcp_parse(b, n, &r), GRAFT_EFORMAT, "DHCP bad magic cookie");
}

/* a response to a query for name with answers appended by the caller */
static size_t dns_response(uint16_t id, const char *name, uint8_t rcode,
			   uint16_t ancount)
{
	int n = wire_dns_emit_query(b, sizeof(b), id, name);
	b[2] = 0x81;
	b[3] = 0x80 | rcode;
	wire_wr16(b + 6, ancount);
	return (size_t)n;
}

static size_t add_rr(size_t n, const uint8_t *owner, size_t olen,
		     uint16_t type, const uint8_t *data, uint16_t dlen)
{
	memcpy(b + n, owner, olen);
	n += olen;
	wire_wr16(b + n, type);
	wire_wr16(b + n + 2, 1);
	wire_wr32(b + n + 4, 60);
	wire_wr16(b + n + 8, dlen);
	memcpy(b + n + 10, data, dlen);
	return n + 10 + dlen;
}

static void test_dns(void)
{
	static const uint8_t ptr_q[2] = { 0xc0, 12 };
	uint8_t addr[4] = { 192, 0, 2, 77 };
	uint32_t ip = 0;
	size_t n, cname_at;
	char out[300];
	size_t next;

	n = dns_response(0x4242, "www.example", 0, 1);
	n = add_rr(n, ptr_q, 2, 1, addr, 4);
	ok(wire_dns_parse_response(b, n, 0x4242, "www.example", &ip) == 0 &&
		   ip == 0xc000024d,
	   "DNS answer with a compressed owner name");
	is_int(wire_dns_parse_response(b, n, 0x4243, "www.example", &ip),
	       GRAFT_EFORMAT, "DNS answer with the wrong id");
	is_int(wire_dns_parse_response(b, n, 0x4242, "ftp.example", &ip),
	       GRAFT_EFORMAT, "DNS answer to another question");
	is_int(wire_dns_parse_response(b, n - 1, 0x4242, "www.example", &ip),
	       GRAFT_EFORMAT, "DNS answer truncated");
	n = dns_response(1, "nope.example", 3, 0);
	is_int(wire_dns_parse_response(b, n, 1, "nope.example", &ip),
	       GRAFT_ENOENT, "NXDOMAIN");
	n = dns_response(1, "nope.example", 5, 0);
	is_int(wire_dns_parse_response(b, n, 1, "nope.example", &ip),
	       GRAFT_EIO, "REFUSED reported as the server's failure");
	/* www -> CNAME web.example -> A */
	n = dns_response(2, "www.example", 0, 2);
	cname_at = n + 12;
	n = add_rr(n, ptr_q, 2, 5, (const uint8_t *)"\3web\300\20", 6);
	uint8_t ptr_c[2] = { 0xc0, (uint8_t)cname_at };
	n = add_rr(n, ptr_c, 2, 1, addr, 4);
	ip = 0;
	ok(wire_dns_parse_response(b, n, 2, "www.example", &ip) == 0 &&
		   ip == 0xc000024d,
	   "DNS CNAME chain followed");
	/* a pointer to itself */
	b[100] = 0xc0;
	b[101] = 100;
	is_int(wire_dns_read_name(b, 200, 100, out, sizeof(out), &next),
	       GRAFT_EFORMAT, "DNS compression loop refused");
	b[100] = 70; /* label running past the buffer */
	is_int(wire_dns_read_name(b, 120, 100, out, sizeof(out), &next),
	       GRAFT_EFORMAT, "DNS label past the end refused");
	is_int(wire_dns_emit_query(b, sizeof(b), 1, "a..b"), GRAFT_EINVAL,
	       "empty label refused in a query");
}

/* The offload header: little-endian fields, and what parse refuses. */
static void test_nethdr(void)
{
	uint8_t b[WIRE_NETHDR_LEN + 60];
	struct wire_nethdr h = {.flags = GRAFT_NET_HDR_F_NEEDS_CSUM,
				.gso_type = GRAFT_NET_GSO_TCPV4,
				.hdr_len = 66,
				.gso_size = 1448,
				.csum_start = 34,
				.csum_offset = 16},
			   g;

	memset(b, 0xaa, sizeof(b));
	wire_nethdr_emit(b, &h);
	ok(b[0] == 1 && b[1] == 1 && b[2] == 66 && b[3] == 0 &&
	       b[4] == (1448 & 255) && b[5] == 1448 >> 8 && b[6] == 34 &&
	       b[8] == 16 && b[10] == 0 && b[11] == 0,
	   "offload header emitted little-endian, num_buffers 0");
	ok(wire_nethdr_parse(b, sizeof(b), &g) == 0 && g.flags == h.flags &&
	       g.gso_type == h.gso_type && g.hdr_len == 66 &&
	       g.gso_size == 1448 && g.csum_start == 34 &&
	       g.csum_offset == 16 && wire_nethdr_gso(&g),
	   "offload header parsed back");
	is_int(wire_nethdr_parse(b, WIRE_NETHDR_LEN + 13, &g), GRAFT_EFORMAT,
	       "offload header: no room for an Ethernet header");
	h.csum_start = 60 - 17;
	wire_nethdr_emit(b, &h);
	is_int(wire_nethdr_parse(b, sizeof(b), &g), GRAFT_EFORMAT,
	       "offload header: checksum field past the frame");
	h.csum_start = 60 - 18;
	wire_nethdr_emit(b, &h);
	ok(wire_nethdr_parse(b, sizeof(b), &g) == 0,
	   "offload header: checksum field at the frame's end taken");
	h.gso_size = 0;
	wire_nethdr_emit(b, &h);
	is_int(wire_nethdr_parse(b, sizeof(b), &g), GRAFT_EFORMAT,
	       "offload header: gso_size 0 with a large segment");
	h.gso_size = 1448;
	h.gso_type = 4; /* UDP: not taken */
	wire_nethdr_emit(b, &h);
	is_int(wire_nethdr_parse(b, sizeof(b), &g), GRAFT_EFORMAT,
	       "offload header: unknown gso type");
	h.gso_type = GRAFT_NET_GSO_TCPV4 | GRAFT_NET_GSO_ECN;
	wire_nethdr_emit(b, &h);
	ok(wire_nethdr_parse(b, sizeof(b), &g) == 0 && wire_nethdr_gso(&g),
	   "offload header: TCPv4 with ECN taken");
	h.flags = 4;
	wire_nethdr_emit(b, &h);
	is_int(wire_nethdr_parse(b, sizeof(b), &g), GRAFT_EFORMAT,
	       "offload header: unknown flag");
}

/* A partial TCP checksum, completed over the segment as a device does,
 * is the full one. */
static void test_tcp_partial(void)
{
	uint8_t b[64], c[64];
	struct wire_tcp t;
	size_t hl;

	memset(&t, 0, sizeof(t));
	t.sport = 40000;
	t.dport = 80;
	t.seq = 7;
	t.flags = WIRE_TCP_ACK;
	t.wscale = -1;
	t.payload_len = 5;
	memcpy(b + WIRE_TCP_HLEN, "hello", 5);
	memcpy(c + WIRE_TCP_HLEN, "hello", 5);
	hl = wire_tcp_emit(b, A, B, &t);
	wire_tcp_emit_partial(c, A, B, &t);
	wire_wr16(c + 16, wire_csum_fold(wire_csum_add(0, c, hl + 5)));
	ok(memcmp(b, c, hl + 5) == 0,
	   "partial TCP checksum completed equals the full one");
	ok(wire_tcp_parse(c, hl + 5, A, B, false, &t) == 0, "and it verifies");
	c[16] ^= 1;
	ok(wire_tcp_parse(c, hl + 5, A, B, true, &t) == 0,
	   "a checksum the device vouched for is not verified");
}

int main(void)
{
	test_nethdr();
	test_tcp_partial();
	test_eth_arp();
	test_ipv4();
	test_icmp_udp();
	test_tcp();
	test_tcp_sack();
	test_dhcp();
	test_dns();
	return done_testing();
}
