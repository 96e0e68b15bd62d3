/* The batching of the platform's net devices (kernel/platdev.c), over a
 * scripted platform: received batches are handed out frame by frame and
 * their lengths checked against the buffer (a bad batch is an error, not a
 * crash); a wait lends the buffer to the yield, which reads ahead; sends
 * are queued until the batch fills or platdev_net_flush, and
 * go out laid out as plat_net_write_batch says; a turn that sends and
 * waits lends its frames to the yield (plat_net_write_behind), and no
 * frame is lost, sent twice or reordered when the yield fails, takes no
 * loan, or the platform takes none. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include <graft/device.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/platform.h>
#include <graft/time.h>
#include "kheap.h"
#include "kplatdev.h"

#define MTU 1500

/* What the next plat_net_read_batch returns. */
static uint8_t rx_frames[PLAT_NET_BATCH_MAX][MTU + 14];
static uint32_t rx_lens[PLAT_NET_BATCH_MAX];
static unsigned rx_count;
static int rx_rc;
static unsigned rx_calls;

/* The buffer lent by plat_net_read_ahead, filled by the next plat_yield
 * from the same script when yield_ready is set, as hvt's yield does. */
static void *ahead_buf;
static uint32_t *ahead_lens;
static unsigned *ahead_count, ahead_max;
static int ahead_lent, yield_ready;

/* What plat_net_write_batch was given, and what the yields sent for the
 * caller (the frames of both in one order: tx_order). */
static unsigned tx_calls, tx_frames, tx_behind_frames;
static uint8_t tx_last[MTU + 14];
static size_t tx_last_len;
static int tx_layout_ok = 1;
static uint8_t tx_order[4 * PLAT_NET_BATCH_MAX];
static unsigned tx_ordered;

/* The frames lent by plat_net_write_behind (behind_lent 1), or taken by a
 * yield (2) with behind_rc its outcome; behind_ok 0: the platform has no
 * such loans (GRAFT_ENOTSUP); behind_fail: the yield's write stops at that
 * frame with GRAFT_EIO. */
static const void *behind_buf;
static size_t behind_size;
static const uint32_t *behind_lens;
static unsigned behind_count, *behind_sent, behind_fail = ~0u;
static int behind_lent, behind_rc, behind_ok = 1, yield_takes = 1;
static uint8_t tx_order_base;

/* Record frames 0..count-1 of a batch as gone out. */
static void tx_record(const void *buf, size_t size, const uint32_t *lens,
		      unsigned count)
{
	size_t off = 0;

	for (unsigned i = 0; i < count; i++) {
		if (off % PLAT_NET_BATCH_ALIGN || off + lens[i] > size)
			tx_layout_ok = 0;
		memcpy(tx_last, (const uint8_t *)buf + off, lens[i]);
		tx_last_len = lens[i];
		if (tx_ordered < sizeof(tx_order))
			tx_order[tx_ordered++] = tx_last[0];
		off = plat_net_batch_next(off, lens[i]);
	}
}

int plat_device_info(plat_handle_t h, struct plat_device_info *info)
{
	if (h != 0)
		return GRAFT_EBADF;
	memset(info, 0, sizeof(*info));
	info->kind = PLAT_DEV_NET;
	strcpy(info->name, "net0");
	info->mtu = MTU;
	return 0;
}

int plat_net_read_batch(plat_handle_t h, void *buf, size_t size, uint32_t *lens,
			unsigned max, unsigned *count)
{
	size_t off = 0;

	rx_calls++;
	*count = rx_count;
	for (unsigned i = 0; i < rx_count && i < max; i++) {
		if (off + rx_lens[i] <= size)
			memcpy((uint8_t *)buf + off, rx_frames[i], rx_lens[i]);
		lens[i] = rx_lens[i];
		off = plat_net_batch_next(off, rx_lens[i]);
	}
	rx_count = 0;
	return rx_rc;
}

int plat_net_write_batch(plat_handle_t h, const void *buf, size_t size,
			 const uint32_t *lens, unsigned count, unsigned *sent)
{
	tx_calls++;
	tx_record(buf, size, lens, count);
	tx_frames += count;
	*sent = count;
	return 0;
}

/* Unused by these tests, but linked. */
int plat_net_read(plat_handle_t h, void *b, size_t s, size_t *l)
{
	return GRAFT_EBADF;
}
int plat_net_write(plat_handle_t h, const void *f, size_t l)
{
	return GRAFT_EBADF;
}
int plat_block_read(plat_handle_t h, uint64_t o, void *b, size_t l)
{
	return GRAFT_EBADF;
}
int plat_block_write(plat_handle_t h, uint64_t o, const void *b, size_t l)
{
	return GRAFT_EBADF;
}
int plat_block_flush(plat_handle_t h)
{
	return GRAFT_EBADF;
}
int plat_mem_protect(uintptr_t addr, size_t len, int prot)
{
	return GRAFT_EINVAL;
}
void plat_console_write(const char *buf, size_t len)
{
}
uint64_t plat_clock_monotonic(void)
{
	return 0;
}
uint64_t plat_clock_wall(void)
{
	return 0;
}
int plat_net_read_ahead(plat_handle_t h, void *buf, size_t size, uint32_t *lens,
			unsigned max, unsigned *count)
{
	if (!buf) {
		ahead_lent = 0;
		return 0;
	}
	if (ahead_lent)
		return GRAFT_EBUSY;
	ahead_buf = buf;
	ahead_lens = lens;
	ahead_max = max;
	ahead_count = count;
	*count = 0;
	ahead_lent = 1;
	return 0;
}
int plat_net_write_behind(plat_handle_t h, const void *buf, size_t size,
			  const uint32_t *lens, unsigned count, unsigned *sent)
{
	int rc;

	if (!buf) {
		rc = behind_lent == 1 ? GRAFT_EAGAIN : behind_rc;
		behind_lent = 0;
		return rc;
	}
	if (!behind_ok)
		return GRAFT_ENOTSUP;
	if (behind_lent)
		return GRAFT_EBUSY;
	behind_buf = buf;
	behind_size = size;
	behind_lens = lens;
	behind_count = count;
	behind_sent = sent;
	*sent = 0;
	behind_lent = 1;
	return 0;
}

/* The yield's write of the frames lent to it, first thing. */
static void yield_writes(void)
{
	unsigned n = behind_count < behind_fail ? behind_count : behind_fail;

	if (behind_lent != 1 || !yield_takes)
		return;
	tx_record(behind_buf, behind_size, behind_lens, n);
	tx_behind_frames += n;
	*behind_sent = n;
	behind_rc = n < behind_count ? GRAFT_EIO : 0;
	behind_lent = 2;
}

void plat_yield(uint64_t deadline, plat_handle_set_t *ready)
{
	size_t off = 0;

	yield_writes();
	if (!yield_ready) {
		*ready = 0;
		return;
	}
	*ready &= 1;
	if (ahead_lent && *ready) {
		for (unsigned i = 0; i < rx_count && i < ahead_max; i++) {
			memcpy((uint8_t *)ahead_buf + off, rx_frames[i],
			       rx_lens[i]);
			ahead_lens[i] = rx_lens[i];
			off = plat_net_batch_next(off, rx_lens[i]);
		}
		*ahead_count = rx_count;
		rx_count = 0;
		ahead_lent = 0;
	}
}
void plat_exit(int status)
{
	exit(status);
}
void plat_abort(const char *msg)
{
	abort();
}

static void script_frame(unsigned i, uint16_t len, uint8_t fill)
{
	memset(rx_frames[i], fill, sizeof(rx_frames[i]));
	rx_lens[i] = len;
}

static void test_recv(struct graft_netdev *d)
{
	uint8_t buf[MTU + 14];
	size_t len = 0;
	int good = 1;

	rx_rc = 0;
	rx_count = 3;
	script_frame(0, 60, 0xa1);
	script_frame(1, 1514, 0xb2);
	script_frame(2, 77, 0xc3);
	rx_calls = 0;
	for (unsigned i = 0; i < 3; i++) {
		if (d->recv(d, buf, sizeof(buf), &len) < 0 ||
		    len != rx_lens[i] || buf[0] != rx_frames[i][0] ||
		    buf[len - 1] != rx_frames[i][0])
			good = 0;
		if (i == 0)
			is_int(d->wait(d, GRAFT_FOREVER), 0,
			       "wait returns at once while frames are left");
	}
	ok(good, "a batch of three is handed out in order, whole");
	is_int(rx_calls, 1, "with one platform read");
	rx_rc = GRAFT_EAGAIN;
	is_int(d->recv(d, buf, sizeof(buf), &len), GRAFT_EAGAIN,
	       "then EAGAIN when nothing is pending");
	is_int(rx_calls, 1,
	       "a short batch emptied the queue: no read to learn");
	is_int(d->recv(d, buf, sizeof(buf), &len), GRAFT_EAGAIN,
	       "the next recv asks the platform");
	is_int(rx_calls, 2, "with a read");

	rx_rc = 0;
	rx_count = PLAT_NET_BATCH_MAX + 1;
	is_int(d->recv(d, buf, sizeof(buf), &len), GRAFT_EIO,
	       "a count above the batch asked for is refused");

	rx_count = 2;
	script_frame(0, 1514, 1);
	script_frame(1, 1514, 2);
	is_int(d->recv(d, buf, 100, &len), GRAFT_EIO,
	       "a frame larger than the caller's buffer is refused");
	rx_rc = GRAFT_EAGAIN;
	is_int(d->recv(d, buf, sizeof(buf), &len), GRAFT_EAGAIN,
	       "and the rest of that batch dropped");

	rx_rc = 0;
	rx_count = PLAT_NET_BATCH_MAX;
	for (unsigned i = 0; i < PLAT_NET_BATCH_MAX; i++)
		script_frame(i, 1514, (uint8_t)i);
	rx_lens[PLAT_NET_BATCH_MAX - 1] = 0xffff;
	good = 1;
	for (unsigned i = 0; i < PLAT_NET_BATCH_MAX - 1; i++)
		if (d->recv(d, buf, sizeof(buf), &len) < 0 || len != 1514 ||
		    buf[0] != i)
			good = 0;
	ok(good, "a full batch's good frames are handed out");
	is_int(d->recv(d, buf, 0xffff, &len), GRAFT_EIO,
	       "a length past the batch's buffer is refused");
}

static void test_send(struct graft_netdev *d)
{
	uint8_t frame[MTU + 14];

	memset(frame, 0x5a, sizeof(frame));
	is_int(d->send(d, frame, 13), GRAFT_EINVAL, "a runt is refused");
	is_int(d->send(d, frame, MTU + 15), GRAFT_EINVAL,
	       "a frame above mtu + 14 is refused");
	is_int(d->send(d, frame, 60), 0, "a send is accepted");
	frame[0] = 0x77;
	is_int(d->send(d, frame, 61), 0, "a second one too");
	is_int(tx_calls, 0, "both wait in the queue");
	platdev_net_flush();
	ok(tx_calls == 1 && tx_frames == 2,
	   "a flush sends both in one platform call");
	ok(tx_last_len == 61 && tx_last[0] == 0x77,
	   "the last one whole, in order");
	platdev_net_flush();
	is_int(tx_calls, 1, "a flush with nothing queued calls nobody");
	for (unsigned i = 0; i < PLAT_NET_BATCH_MAX; i++)
		d->send(d, frame, MTU + 14);
	ok(tx_calls == 2 && tx_frames == 2 + PLAT_NET_BATCH_MAX,
	   "%d full-size frames go out as soon as the batch is full",
	   PLAT_NET_BATCH_MAX);
	ok(tx_layout_ok, "every batch laid out at aligned offsets in bounds");
}

/* A fiber that waits with the batch used up, then takes a frame. */
static void wait_then_recv(void *arg)
{
	struct graft_netdev *d = arg;
	uint8_t buf[MTU + 14];
	size_t len = 0;
	int rc;

	d->wait(d, GRAFT_FOREVER);
	rc = d->recv(d, buf, sizeof(buf), &len);
	ok(rc == 0 && len == 99 && buf[0] == 0xd4,
	   "after the wait, the frame the yield read comes out");
}

static void test_read_ahead(struct graft_netdev *d)
{
	uint8_t buf[MTU + 14];
	size_t len = 0;

	rx_rc = GRAFT_EAGAIN;
	while (d->recv(d, buf, sizeof(buf), &len) == 0)
		;
	is_int(graft_fiber_spawn("waiter", wait_then_recv, d, 0, NULL), 0,
	       "a fiber to wait");
	rx_rc = 0;
	rx_count = 1;
	script_frame(0, 99, 0xd4);
	rx_calls = 0;
	yield_ready = 1;
	graft_loop_run();
	yield_ready = 0;
	is_int(rx_calls, 0, "the wait lent its buffer: no read of its own");
	ok(!ahead_lent, "and the loan ended with that yield");
}

static void send_fill(struct graft_netdev *d, uint8_t fill)
{
	uint8_t frame[60];

	memset(frame, fill, sizeof(frame));
	d->send(d, frame, sizeof(frame));
}

/* What a turn's sends did, seen from a fiber of that loop. */
static unsigned seen_calls, seen_behind;
static int seen_lent;

/* Send two frames (fills base, base + 1), wait for a frame, note what the
 * yield did, then send a third (base + 2) and end. */
static void send_wait_send(void *arg)
{
	struct graft_netdev *d = arg;
	uint8_t buf[MTU + 14];
	size_t len;

	send_fill(d, tx_order_base);
	send_fill(d, tx_order_base + 1);
	d->wait(d, GRAFT_FOREVER);
	d->recv(d, buf, sizeof(buf), &len);
	seen_calls = tx_calls;
	seen_behind = tx_behind_frames;
	seen_lent = behind_lent;
	send_fill(d, tx_order_base + 2);
}

/* Run send_wait_send in the loop, with a frame for it to wait for. */
static void run_turn(struct graft_netdev *d, uint8_t base)
{
	uint8_t buf[MTU + 14];
	size_t len;

	rx_rc = GRAFT_EAGAIN;
	while (d->recv(d, buf, sizeof(buf), &len) == 0)
		;
	tx_order_base = base;
	tx_ordered = 0;
	graft_fiber_spawn("sender", send_wait_send, d, 0, NULL);
	rx_rc = 0;
	rx_count = 1;
	script_frame(0, 99, 0xd5);
	yield_ready = 1;
	graft_loop_run();
	yield_ready = 0;
}

static int in_order(uint8_t base, unsigned n)
{
	if (tx_ordered != n)
		return 0;
	for (unsigned i = 0; i < n; i++)
		if (tx_order[i] != (uint8_t)(base + i))
			return 0;
	return 1;
}

static void test_write_behind(struct graft_netdev *d)
{
	unsigned calls = tx_calls, behind = tx_behind_frames;

	run_turn(d, 0x30);
	is_int(seen_calls, calls,
	       "a turn that sends and waits writes nothing "
	       "itself");
	is_int(seen_behind - behind, 2, "its yield sends both frames");
	is_int(seen_lent, 2, "and the loan stays until the next send");
	ok(behind_lent == 0, "which ends it");
	is_int(tx_calls - calls, 1,
	       "the frame after it goes out when the loop ends, no yield");
	ok(in_order(0x30, 3), "all three in the order sent");

	calls = tx_calls;
	behind = tx_behind_frames;
	behind_fail = 1;
	run_turn(d, 0x40);
	behind_fail = ~0u;
	is_int(seen_behind - behind, 1,
	       "a yield whose write fails stops at the failing frame");
	ok(tx_calls - calls == 1 && tx_ordered == 2 && tx_order[0] == 0x40 &&
	       tx_order[1] == 0x42,
	   "which is dropped, not sent again; the next frame goes out");

	calls = tx_calls;
	behind = tx_behind_frames;
	yield_takes = 0;
	run_turn(d, 0x50);
	yield_takes = 1;
	is_int(seen_behind - behind, 0,
	       "a yield that takes no loan sends "
	       "nothing");
	ok(tx_calls - calls == 2 && in_order(0x50, 3),
	   "the lent frames go out before the next one, all in order");

	calls = tx_calls;
	behind_ok = 0;
	run_turn(d, 0x60);
	behind_ok = 1;
	ok(seen_calls - calls == 1 && tx_behind_frames == behind,
	   "where the platform takes no loans, the turn writes its frames");
	ok(in_order(0x60, 3), "in order too");
	ok(tx_layout_ok, "every batch laid out at aligned offsets in bounds");
}

int main(void)
{
	static char region[4 << 20] __attribute__((aligned(4096)));
	struct graft_netdev *d;

	heap_init(region, sizeof(region));
	platdev_register_all(1);
	d = graft_device_find(GRAFT_DEVICE_NET, "net0");
	ok(d != NULL, "net0 registered");
	if (!d)
		return done_testing();
	test_recv(d);
	test_read_ahead(d);
	test_send(d);
	test_write_behind(d);
	return done_testing();
}
