/*
 * TCP over devices with offloads (graft/nethdr.h), on the in-memory link
 * playing the host: graft must hand the device segments of up to 64 KiB
 * whose gso_size is the connection's mss (less the room of any SACK
 * blocks in the header), with partial checksums, such
 * that cutting them as a host's TSO does gives valid mss-sized segments
 * (the receiving stack verifies every checksum of the pieces); and it
 * must take large segments with partial checksums whole, as Linux's tap
 * hands them over.  Bad headers from the host are dropped and counted.
 */
#include <stdio.h>
#include "../../lib/net/wire.h"
#include "../tap.h"
#include "peer.h"

#define SIZE	 (3u << 20)
#define OFFLOADS (GRAFT_NET_OFF_CSUM | GRAFT_NET_OFF_TSO4)

static struct netlink L;
static uint8_t *data[2];

static bool done(void *ctx)
{
	struct peer *p = ctx;
	return p[0].rx_len == SIZE && p[1].rx_len == SIZE && p[0].eof &&
	       p[1].eof;
}

static bool both_connected(void *ctx)
{
	struct peer *p = ctx;
	return p[0].connected && p[1].connected;
}

/* Both ways at once, SIZE bytes each, over a link with offloads. */
static void bulk(const char *name, bool pass_gso, uint32_t loss)
{
	struct peer p[2];
	struct acceptor a;
	struct net_stats st0, st1;
	bool ok_;

	nl_init_offloads(&L, NULL, OFFLOADS);
	L.pass_gso = pass_gso;
	L.loss_ppm = loss;
	memset(p, 0, sizeof(p));
	memset(&a, 0, sizeof(a));
	a.into = &p[1];
	net_tcp_listen(L.s[1], 5001, 4, &acceptor_cb, &a, &a.l);
	net_tcp_connect(L.s[0], NET_IP4(192, 0, 2, 2), 5001, &peer_cb, &p[0],
			&p[0].t);
	nl_run(&L, both_connected, p, 30000 * NL_MS);
	p[0].tx = data[0];
	p[1].tx = data[1];
	p[0].tx_len = p[1].tx_len = SIZE;
	p[0].close_after_send = p[1].close_after_send = true;
	peer_pump(&p[0]);
	peer_pump(&p[1]);
	ok_ = nl_run(&L, done, p, 600000 * NL_MS);
	ok(ok_, "%s: %u KiB each way arrive with FINs", name, SIZE / 1024);
	ok(p[1].rx_len == SIZE && memcmp(p[1].rx, data[0], SIZE) == 0 &&
	       p[0].rx_len == SIZE && memcmp(p[0].rx, data[1], SIZE) == 0,
	   "%s: data intact both ways", name);
	net_get_stats(L.s[0], &st0);
	net_get_stats(L.s[1], &st1);
	diag("%s: %llu frames, %llu large (gso_size %u..%u), %llu pieces, "
	     "largest frame %zu, %llu partial checksums completed",
	     name, (unsigned long long)L.frames,
	     (unsigned long long)L.gso_frames, L.min_gso_size, L.max_gso_size,
	     (unsigned long long)L.gso_pieces, L.max_frame,
	     (unsigned long long)L.partial_csums);
	ok(L.offload_errors == 0, "%s: every header the host took", name);
	ok(st0.tx_gso > 0 && st1.tx_gso > 0,
	   "%s: both ends sent large segments (%llu, %llu)", name,
	   (unsigned long long)st0.tx_gso, (unsigned long long)st1.tx_gso);
	ok(L.max_frame > 4u * p[0].t->mss, "%s: the largest was %zu bytes",
	   name, L.max_frame);
	if (pass_gso) {
		ok(st0.rx_gso > 0 && st1.rx_gso > 0,
		   "%s: both ends took large segments whole", name);
	} else {
		/* less the room of the SACK blocks (3 beside timestamps)
		 * that the header carries while data is missing */
		ok(L.min_gso_size + 4 + 3 * 8 >= p[0].t->mss &&
		       L.max_gso_size == p[0].t->mss,
		   "%s: gso_size is the mss (%u), less SACK blocks (%u..%u)",
		   name, p[0].t->mss, L.min_gso_size, L.max_gso_size);
		ok(L.gso_pieces >= 2 * L.gso_frames,
		   "%s: the host cut each into mss pieces", name);
		ok(L.partial_csums > 0, "%s: checksums left to the host", name);
	}
	ok(st0.rx_bad + st1.rx_bad == 0,
	   "%s: no bad frame (every piece's checksum right)", name);
	net_tcp_close(p[0].t);
	net_tcp_close(p[1].t);
	net_tcp_close(a.l);
	nl_run(&L, NULL, NULL, 100 * NL_MS);
	free(p[0].rx);
	free(p[1].rx);
	nl_free(&L);
}

/* An offload header before a minimal frame for stack 1's address. */
static size_t bad_frame(uint8_t *f, const struct wire_nethdr *h, size_t len)
{
	memset(f, 0, len);
	wire_nethdr_emit(f, h);
	memcpy(f + WIRE_NETHDR_LEN, (uint8_t[]){2, 0, 0, 0, 0, 2}, 6);
	f[WIRE_NETHDR_LEN + 12] = 0x08; /* IPv4 */
	return len;
}

static void bad_headers(void)
{
	static uint8_t f[WIRE_NETHDR_LEN + 14 + 65535 + 16];
	struct net_stats st;
	uint64_t before;
	struct {
		const char *what;
		struct wire_nethdr h;
		size_t len;
	} cases[] = {
	    {"an unknown flag", {.flags = 0x80}, 100},
	    {"an unknown gso type", {.gso_type = 3, .gso_size = 100}, 100},
	    {"a large segment with gso_size 0",
	     {.gso_type = GRAFT_NET_GSO_TCPV4},
	     100},
	    {"a checksum field past the frame",
	     {.flags = GRAFT_NET_HDR_F_NEEDS_CSUM,
	      .csum_start = 80,
	      .csum_offset = 16},
	     100},
	    {"a frame above the MTU without gso", {0}, WIRE_NETHDR_LEN + 3000},
	    {"a large segment that is not IPv4/TCP",
	     {.gso_type = GRAFT_NET_GSO_TCPV4, .gso_size = 1448},
	     WIRE_NETHDR_LEN + 3000},
	    {"a frame shorter than the header", {0}, WIRE_NETHDR_LEN - 2},
	};

	nl_init_offloads(&L, NULL, OFFLOADS);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		net_get_stats(L.s[1], &st);
		before = st.rx_bad;
		nl_inject(&L, 1, f, bad_frame(f, &cases[i].h, cases[i].len));
		net_get_stats(L.s[1], &st);
		ok(st.rx_bad == before + 1, "%s is dropped as bad",
		   cases[i].what);
	}
	nl_free(&L);
}

int main(void)
{
	uint32_t x = 4242;
	unsigned i, k;

	for (k = 0; k < 2; k++) {
		data[k] = malloc(SIZE);
		for (i = 0; i < SIZE; i++) {
			x = x * 1103515245 + 12345;
			data[k][i] = (uint8_t)(x >> 16);
		}
	}
	bulk("host cuts", false, 0);
	bulk("host passes large segments", true, 0);
	bulk("host cuts, 1% loss", false, 10000);
	bad_headers();
	free(data[0]);
	free(data[1]);
	return done_testing();
}
