/*
 * lib/net's driver (net_driver.c) on the kernel's event loop over the fake
 * platform (tests/unit/fakeplat.c, whose yield jumps the clock to the
 * deadline): frames that arrive together are read in batches, with one
 * read finding the queue empty; a deadline armed by an application's call
 * (an ARP retry after a connect) is kept without any input, and counts
 * from the call even after a long idle time; and the instance sleeps in
 * plat_yield meanwhile instead of polling.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "fakeplat.h"
#include "kheap.h"
#include "wire.h"
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/net.h>
#include <graft/time.h>

#define HANDLE	0
#define RXQ_MAX 64
#define FRAME	64

struct fakedev {
	struct graft_netdev dev;
	uint8_t rx[RXQ_MAX][FRAME];
	unsigned rx_head, rx_len;
	unsigned recv_calls, recv_empty;
	unsigned arp_requests, arp_replies;
};

static const uint8_t our_mac[6] = {2, 0, 0, 0, 0, 2};
static struct fakedev fd;

static int dev_send(struct graft_netdev *d, const void *frame, size_t len)
{
	struct wire_eth e;
	struct wire_arp a;

	if (wire_eth_parse(frame, len, &e) == 0 && e.type == WIRE_ETH_ARP &&
	    wire_arp_parse(e.payload, e.payload_len, &a) == 0) {
		fd.arp_requests += a.op == WIRE_ARP_REQUEST;
		fd.arp_replies += a.op == WIRE_ARP_REPLY;
	}
	return 0;
}

static int dev_recv(struct graft_netdev *d, void *buf, size_t size, size_t *len)
{
	fd.recv_calls++;
	if (!fd.rx_len) {
		fd.recv_empty++;
		return GRAFT_EAGAIN;
	}
	memcpy(buf, fd.rx[fd.rx_head], FRAME);
	*len = FRAME;
	fd.rx_head = (fd.rx_head + 1) % RXQ_MAX;
	fd.rx_len--;
	return 0;
}

static int dev_wait(struct graft_netdev *d, uint64_t deadline)
{
	return graft_wait_device(HANDLE, deadline);
}

/* Queue an ARP request for 192.0.2.2 from 192.0.2.<host>. */
static void queue_arp_request(unsigned host)
{
	uint8_t *f = fd.rx[(fd.rx_head + fd.rx_len) % RXQ_MAX];
	struct wire_arp a = {.op = WIRE_ARP_REQUEST,
			     .sha = {2, 0, 0, 0, 1, (uint8_t)host},
			     .spa = NET_IP4(192, 0, 2, host),
			     .tpa = NET_IP4(192, 0, 2, 2)};

	memset(f, 0, FRAME);
	wire_eth_emit(f, wire_eth_broadcast, a.sha, WIRE_ETH_ARP);
	wire_arp_emit(f + WIRE_ETH_HLEN, &a);
	fd.rx_len++;
}

static struct net_stack *stack;

static void burst_fiber(void *arg)
{
	for (unsigned i = 0; i < 40; i++)
		queue_arp_request(10 + i);
	fd.recv_calls = fd.recv_empty = fd.arp_replies = 0;
	fakeplat_set_ready((plat_handle_set_t)1 << HANDLE);
	graft_sleep_ns(GRAFT_NSEC_PER_MSEC);
	is_int(fd.arp_replies, 40, "40 queued ARP requests all answered");
	is_int(fd.recv_calls, 41, "read in batches: 40 frames, 41 reads");
	is_int(fd.recv_empty, 1, "one read found the queue empty");
	graft_loop_stop();
}

static void test_rx_batches(void)
{
	graft_fiber_spawn("burst", burst_fiber, NULL, 0, NULL);
	graft_loop_run();
}

static void connect_fiber(void *arg)
{
	struct net_tcp *t;
	unsigned yields;
	int err;

	fd.arp_requests = 0;
	err = net_tcp_connect(stack, NET_IP4(192, 0, 2, 1), 80, NULL, NULL, &t);
	is_int(err, 0, "connect from an application fiber starts");
	is_int(fd.arp_requests, 1, "the first ARP request leaves at once");
	yields = fakeplat_yields;
	graft_sleep_ns(2500 * GRAFT_NSEC_PER_MSEC);
	is_int(fd.arp_requests, 3,
	       "retries at 1 s and 2 s with no input (the driver's timer "
	       "follows the application's call)");
	ok(fakeplat_yields - yields <= 8,
	   "the loop slept through it (%u yields in 2.5 s)",
	   fakeplat_yields - yields);
	net_tcp_abort(t);
	graft_loop_stop();
}

static void test_app_deadline(void)
{
	graft_fiber_spawn("connect", connect_fiber, NULL, 0, NULL);
	graft_loop_run();
}

static void idle_send_fiber(void *arg)
{
	struct net_udp *u;

	graft_sleep_ns(100 * GRAFT_NSEC_PER_SEC); /* nothing polls the stack */
	is_int(net_udp_bind(stack, 0, NULL, NULL, &u), 0, "UDP socket bound");
	fd.arp_requests = 0;
	net_udp_sendto(u, NET_IP4(192, 0, 2, 9), 9, "x", 1);
	graft_sleep_ns(GRAFT_NSEC_PER_MSEC);
	is_int(fd.arp_requests, 1,
	       "after 100 s idle, a send's ARP retry counts from now, not "
	       "from the last poll");
	graft_sleep_ns(1100 * GRAFT_NSEC_PER_MSEC);
	is_int(fd.arp_requests, 2, "and comes 1 s later");
	net_udp_close(u);
	graft_loop_stop();
}

static void test_stale_clock(void)
{
	graft_fiber_spawn("idle-send", idle_send_fiber, NULL, 0, NULL);
	graft_loop_run();
}

int main(void)
{
	static char region[16 << 20] __attribute__((aligned(4096)));
	struct net_config cfg = {.ip = NET_IP4(192, 0, 2, 2)};

	heap_init(region, sizeof(region));
	fakeplat_set_time(GRAFT_NSEC_PER_SEC);
	fd.dev.name = "net0";
	memcpy(fd.dev.mac, our_mac, 6);
	fd.dev.mtu = 1500;
	fd.dev.send = dev_send;
	fd.dev.recv = dev_recv;
	fd.dev.wait = dev_wait;
	if (net_stack_new(&fd.dev, &cfg, graft_now(), &stack) ||
	    net_driver_start(stack))
		return 1;
	test_rx_batches();
	test_app_deadline();
	test_stale_clock();
	return done_testing();
}
