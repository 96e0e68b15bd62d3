/*
 * netbatch: a guest that hands the tender bad net batches (include/abi/
 * hvt.h, HVT_HC_NET_*_BATCH, and the write and read a yield makes for
 * the guest),
 * one case per run, named by argv[1], on net device 0.  Cases the tender
 * answers with an error print "ok" when the error is the documented one; cases
 * whose addresses are bad must end the run (netbatch.t checks the tender's
 * message and the status).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <graft/error.h>
#include <graft/platform.h>
#include <abi/hvt.h>

static uint8_t frames[4 * 1536] __attribute__((aligned(16)));
static uint32_t lens[HVT_NET_BATCH_MAX + 1];

static void hypercall(unsigned nr, void *arg)
{
	volatile uint32_t *port =
	    (volatile uint32_t *)(HVT_HYPERCALL_MMIO + 4 * nr);

	__asm__ __volatile__("movl %1, %0"
			     : "=m"(*port)
			     : "r"((uint32_t)(uintptr_t)arg)
			     : "memory");
}

static struct hvt_hc_net_batch batch(uint32_t count, uint64_t data,
				     uint64_t size, uint64_t lens_at)
{
	return (struct hvt_hc_net_batch){.handle = 0,
					 .count = count,
					 .data = data,
					 .size = size,
					 .lens = lens_at};
}

static int expect(unsigned nr, struct hvt_hc_net_batch a, int ret,
		  uint32_t count)
{
	hypercall(nr, &a);
	if (a.ret != ret || a.count != count) {
		printf("FAIL: ret %d count %u, want %d %u\n", a.ret, a.count,
		       ret, count);
		return 1;
	}
	return 0;
}

/* Yield with a read ahead into data/lens until net device 0 has input
 * (netbatch.t makes Linux send some); the frames read, or -1 if none came
 * within about ten seconds. */
static int yield_ahead(uint64_t data, uint64_t size, uint64_t lens_at)
{
	for (int i = 0; i < 100; i++) {
		struct hvt_hc_yield y = {
		    .timeout_ns = 100000000,
		    .ready = 1,
		    .rx_handle = 0,
		    .rx_count = 4,
		    .rx_data = data,
		    .rx_size = size,
		    .rx_lens = lens_at,
		};
		hypercall(HVT_HC_YIELD, &y);
		if (y.ready & 1)
			return (int)y.rx_count;
	}
	return -1;
}

/* Yield (no wait) with count frames lent from data/lens on handle; the
 * yield's answer. */
static struct hvt_hc_yield yield_behind(uint32_t handle, uint32_t count,
					uint64_t data, uint64_t size,
					uint64_t lens_at)
{
	struct hvt_hc_yield y = {
	    .tx_handle = handle,
	    .tx_count = count,
	    .tx_data = data,
	    .tx_size = size,
	    .tx_lens = lens_at,
	    .tx_ret = 1,
	};

	hypercall(HVT_HC_YIELD, &y);
	return y;
}

static int expect_behind(struct hvt_hc_yield y, int ret, uint32_t count)
{
	if (y.tx_ret != ret || y.tx_count != count) {
		printf("FAIL: yield tx_ret %d tx_count %u, want %d %u\n",
		       y.tx_ret, y.tx_count, ret, count);
		return 1;
	}
	return 0;
}

/* Frames a yield writes behind: the good ones go out (netbatch.t counts
 * three at the tap), the bad ones are answered as a batch would be. */
static int behind_cases(uint64_t f, uint64_t l)
{
	int bad = 0;

	lens[0] = 60;
	lens[1] = 61;
	bad |= expect_behind(yield_behind(0, 2, f, sizeof(frames), l), 0, 2);
	lens[1] = 13;
	bad |= expect_behind(yield_behind(0, 2, f, sizeof(frames), l),
			     GRAFT_EINVAL, 1); /* a runt after a good frame */
	bad |= expect_behind(yield_behind(7, 1, f, 64, l), GRAFT_EBADF, 0);
	bad |= expect_behind(
	    yield_behind(0, HVT_NET_BATCH_MAX + 1, f, sizeof(frames), l),
	    GRAFT_EINVAL, 0);
	bad |= expect_behind(yield_behind(0, 0, f, sizeof(frames), l), 0, 0);
	return bad;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	uint64_t f = (uintptr_t)frames, l = (uintptr_t)lens;
	unsigned wr = HVT_HC_NET_WRITE_BATCH, rd = HVT_HC_NET_READ_BATCH;
	int bad = 0;

	memset(frames, 0xff, sizeof(frames));
	if (!strcmp(c, "errors")) {
		lens[0] = 60;
		lens[1] = 13;
		bad |= expect(wr, batch(HVT_NET_BATCH_MAX + 1, f, 64, l),
			      GRAFT_EINVAL, 0);
		bad |= expect(wr, batch(2, f, sizeof(frames), l), GRAFT_EINVAL,
			      1); /* a runt after a good frame */
		lens[1] = 1515;
		bad |= expect(wr, batch(2, f, sizeof(frames), l), GRAFT_EINVAL,
			      1); /* above mtu + 14 */
		lens[1] = 60;
		bad |= expect(wr, batch(2, f, 100, l), GRAFT_EINVAL,
			      1); /* the second lies past size */
		bad |= expect(rd, batch(4, f, 1000, l), GRAFT_EINVAL,
			      0); /* no room for one frame */
		bad |=
		    expect(rd, batch(0, f, sizeof(frames), l), GRAFT_EINVAL, 0);
		bad |= expect(wr,
			      (struct hvt_hc_net_batch){.handle = 7,
							.count = 1,
							.data = f,
							.size = 64,
							.lens = l},
			      GRAFT_EBADF, 0);
		bad |= expect(wr, batch(2, f, sizeof(frames), l), 0, 2);
		printf(bad ? "FAIL\n" : "ok\n");
		return bad;
	}
	if (!strcmp(c, "yield-behind")) {
		bad = behind_cases(f, l);
		printf(bad ? "FAIL\n" : "ok\n");
		return bad;
	}
	if (!strcmp(c, "yield-ahead")) {
		int n = yield_ahead(f, sizeof(frames), l);
		bad = n < 1 || n > 4 || lens[0] < 42 || lens[0] > 1514;
		printf(bad ? "FAIL: %d frames\n" : "ok\n", n);
		return bad;
	}
	printf("sending a bad batch\n");
	if (!strcmp(c, "bad-data"))
		expect(wr, batch(1, 1ULL << 40, 64, l), 0, 1);
	else if (!strcmp(c, "bad-lens"))
		expect(wr, batch(1, f, 64, 1ULL << 40), 0, 1);
	else if (!strcmp(c, "odd-lens"))
		expect(wr, batch(1, f, 64, l + 1), 0, 1);
	else if (!strcmp(c, "yield-bad-data"))
		yield_ahead(1ULL << 40, sizeof(frames), l);
	else if (!strcmp(c, "yield-behind-bad-data"))
		yield_behind(0, 1, 1ULL << 40, 64, l);
	else if (!strcmp(c, "yield-behind-bad-lens"))
		yield_behind(0, 1, f, 64, 1ULL << 40);
	else if (!strcmp(c, "sealed-read")) {
		plat_seal();
		expect(rd, batch(1, (uintptr_t)main & ~15UL, 4096, l), 0, 0);
	}
	printf("the tender took it\n");
	return 0;
}
