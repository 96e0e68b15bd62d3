/*
 * The platform interface over hvt hypercalls (include/abi/hvt.h).  The
 * clock reads the TSC, scaled by the frequency the tender measured, so that
 * time costs no exit; only if the tender knows no frequency does every
 * reading become a hypercall.
 */
#include <stdbool.h>
#include <string.h>
#include <graft/error.h>
#include <graft/platform.h>
#include "hvt_guest.h"

static uint64_t tsc_base, tsc_mult; /* ns = (delta * mult) >> 32 */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

void hvt_clock_init(void)
{
	if (hvt_bi->tsc_hz) {
		tsc_mult = (uint64_t)(((unsigned __int128)1000000000ULL << 32) /
				      hvt_bi->tsc_hz);
		tsc_base = rdtsc();
	}
}

uint64_t plat_clock_monotonic(void)
{
	struct hvt_hc_clock c;

	if (tsc_mult)
		return (uint64_t)(((unsigned __int128)(rdtsc() - tsc_base) *
				   tsc_mult) >>
				  32);
	hvt_hypercall(HVT_HC_CLOCK, &c);
	return c.monotonic_ns;
}

uint64_t plat_clock_wall(void)
{
	struct hvt_hc_clock c;

	if (tsc_mult)
		return hvt_bi->wall_ns + plat_clock_monotonic();
	hvt_hypercall(HVT_HC_CLOCK, &c);
	return c.wall_ns;
}

void plat_console_write(const char *buf, size_t len)
{
	struct hvt_hc_console_write a = {(uintptr_t)buf, len};

	hvt_hypercall(HVT_HC_CONSOLE_WRITE, &a);
}

/* A batch lent to the next yield (plat_net_read_ahead's buffer,
 * plat_net_write_behind's frames), in the hypercall's terms. */
struct net_loan {
	plat_handle_t h;
	uintptr_t buf, lens;
	size_t size;
	unsigned n;	/* frames at most (read) or to send (write) */
	unsigned *done; /* frames read or sent, for the caller */
};

/* plat_net_frame_max for a device of the boot information, without
 * filling a whole plat_device_info on the way to every yield. */
static size_t frame_max(const struct hvt_device *d)
{
	return d->net_offloads ? GRAFT_NET_FRAME_MAX : d->mtu + 14u;
}

/* The checks both loans make; 0 or the error. */
static int loan_check(plat_handle_t h, const void *lens, const unsigned *done,
		      unsigned n)
{
	if (h >= hvt_bi->ndevices || hvt_bi->devices[h].kind != PLAT_DEV_NET)
		return GRAFT_EBADF;
	if (!lens || !done || !n || n > PLAT_NET_BATCH_MAX)
		return GRAFT_EINVAL;
	return 0;
}

static void loan_make(struct net_loan *l, plat_handle_t h, const void *buf,
		      size_t size, const uint32_t *lens, unsigned n,
		      unsigned *done)
{
	*l = (struct net_loan){h,   (uintptr_t)buf, (uintptr_t)lens, size, n,
			       done};
	*done = 0;
}

/* The read-ahead loan, taken by the next yield that finds h ready. */
static struct {
	bool lent;
	struct net_loan l;
} ahead;

int plat_net_read_ahead(plat_handle_t h, void *buf, size_t size, uint32_t *lens,
			unsigned max, unsigned *count)
{
	int rc;

	if (!buf) {
		if (ahead.lent && ahead.l.h == h)
			ahead.lent = false;
		return 0;
	}
	if ((rc = loan_check(h, lens, count, max)) < 0)
		return rc;
	if (size < frame_max(&hvt_bi->devices[h]))
		return GRAFT_EINVAL;
	if (ahead.lent)
		return GRAFT_EBUSY;
	loan_make(&ahead.l, h, buf, size, lens, max, count);
	ahead.lent = true;
	return 0;
}

/* The write-behind loan, and once a yield took it, its outcome until the
 * caller asks. */
static struct {
	enum { BEHIND_NONE, BEHIND_LENT, BEHIND_TAKEN } state;
	struct net_loan l;
	int rc;
} behind;

int plat_net_write_behind(plat_handle_t h, const void *buf, size_t size,
			  const uint32_t *lens, unsigned count, unsigned *sent)
{
	int rc;

	if (!buf) {
		if (behind.state == BEHIND_NONE || behind.l.h != h)
			return 0;
		rc = behind.state == BEHIND_LENT ? GRAFT_EAGAIN : behind.rc;
		behind.state = BEHIND_NONE;
		return rc;
	}
	if ((rc = loan_check(h, lens, sent, count)) < 0)
		return rc;
	if (behind.state != BEHIND_NONE)
		return GRAFT_EBUSY;
	loan_make(&behind.l, h, buf, size, lens, count, sent);
	behind.state = BEHIND_LENT;
	return 0;
}

/* What the yield did with the frames lent to it. */
static void behind_taken(const struct hvt_hc_yield *a)
{
	unsigned sent = a->tx_count <= behind.l.n ? a->tx_count : 0;

	*behind.l.done = sent;
	behind.rc = a->tx_ret;
	if (!behind.rc && sent < behind.l.n)
		behind.rc = GRAFT_EIO;
	behind.state = BEHIND_TAKEN;
}

void plat_yield(uint64_t deadline, plat_handle_set_t *ready)
{
	uint64_t now = plat_clock_monotonic();
	struct hvt_hc_yield a = {
	    .timeout_ns = deadline > now ? deadline - now : 0,
	    .ready = *ready,
	};
	bool lend = ahead.lent && (*ready & (1ULL << ahead.l.h));

	if (lend) {
		a.rx_handle = ahead.l.h;
		a.rx_count = ahead.l.n;
		a.rx_data = ahead.l.buf;
		a.rx_size = ahead.l.size;
		a.rx_lens = ahead.l.lens;
	}
	if (behind.state == BEHIND_LENT) {
		a.tx_handle = behind.l.h;
		a.tx_count = behind.l.n;
		a.tx_data = behind.l.buf;
		a.tx_size = behind.l.size;
		a.tx_lens = behind.l.lens;
	}
	hvt_hypercall(HVT_HC_YIELD, &a);
	if (behind.state == BEHIND_LENT)
		behind_taken(&a);
	*ready = a.ready;
	if (lend && (a.ready & (1ULL << ahead.l.h))) {
		*ahead.l.done = a.rx_count <= ahead.l.n ? a.rx_count : 0;
		ahead.lent = false;
	}
}

int plat_device_info(plat_handle_t h, struct plat_device_info *info)
{
	const struct hvt_device *d;

	if (h >= hvt_bi->ndevices)
		return GRAFT_EBADF;
	d = &hvt_bi->devices[h];
	memset(info, 0, sizeof(*info));
	info->kind = d->kind;
	memcpy(info->name, d->name, sizeof(info->name));
	info->name[sizeof(info->name) - 1] = '\0';
	memcpy(info->mac, d->mac, 6);
	info->mtu = d->mtu;
	info->net_offloads = d->net_offloads;
	info->sector_size = d->sector_size;
	info->read_only = d->read_only;
	info->sectors = d->sectors;
	return 0;
}

static int io(unsigned nr, plat_handle_t h, uint64_t off, const void *buf,
	      size_t len, size_t *out_len)
{
	struct hvt_hc_io a = {h, 0, off, (uintptr_t)buf, len};

	hvt_hypercall(nr, &a);
	if (out_len)
		*out_len = a.len;
	return a.ret;
}

int plat_net_write(plat_handle_t h, const void *frame, size_t len)
{
	return io(HVT_HC_NET_WRITE, h, 0, frame, len, NULL);
}

int plat_net_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	return io(HVT_HC_NET_READ, h, 0, buf, size, len);
}

static int net_batch(unsigned nr, plat_handle_t h, const void *buf, size_t size,
		     const uint32_t *lens, unsigned count, unsigned *done)
{
	struct hvt_hc_net_batch a = {
	    .handle = h,
	    .count = count,
	    .data = (uintptr_t)buf,
	    .size = size,
	    .lens = (uintptr_t)lens,
	};

	hvt_hypercall(nr, &a);
	*done = a.count <= count ? a.count : 0;
	return a.ret;
}

int plat_net_read_batch(plat_handle_t h, void *buf, size_t size, uint32_t *lens,
			unsigned max, unsigned *count)
{
	return net_batch(HVT_HC_NET_READ_BATCH, h, buf, size, lens, max, count);
}

int plat_net_write_batch(plat_handle_t h, const void *buf, size_t size,
			 const uint32_t *lens, unsigned count, unsigned *sent)
{
	return net_batch(HVT_HC_NET_WRITE_BATCH, h, buf, size, lens, count,
			 sent);
}

int plat_block_read(plat_handle_t h, uint64_t offset, void *buf, size_t len)
{
	return io(HVT_HC_BLOCK_READ, h, offset, buf, len, NULL);
}

int plat_block_write(plat_handle_t h, uint64_t offset, const void *buf,
		     size_t len)
{
	return io(HVT_HC_BLOCK_WRITE, h, offset, buf, len, NULL);
}

int plat_block_flush(plat_handle_t h)
{
	return io(HVT_HC_BLOCK_FLUSH, h, 0, NULL, 0, NULL);
}

int plat_ctl_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	return io(HVT_HC_CTL_READ, h, 0, buf, size, len);
}

int plat_ctl_write(plat_handle_t h, const void *buf, size_t len)
{
	return io(HVT_HC_CTL_WRITE, h, 0, buf, len, NULL);
}

void plat_exit(int status)
{
	struct hvt_hc_exit a = {status};

	for (;;)
		hvt_hypercall(HVT_HC_EXIT, &a);
}

void plat_abort(const char *msg)
{
	struct hvt_hc_abort a = {(uintptr_t)msg, strlen(msg)};

	for (;;)
		hvt_hypercall(HVT_HC_ABORT, &a);
}
