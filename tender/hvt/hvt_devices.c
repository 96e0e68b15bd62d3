/*
 * The hypercalls: console, clock, yield, net (tap, one frame or a batch
 * of frames per exit), block (file), the control channel (relayed to the
 * instance's control socket) and seal. Each handler finds its struct in guest
 * memory through hvt_gpa_out(), checks every guest address and length in it,
 * and answers in its OUT fields.  Whatever the tender writes into the guest
 * goes through hvt_gpa_out(), so that after seal the guest cannot have the
 * tender write its code or page tables for it.
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <graft/error.h>
#include <graft/platform.h>
#include "hvt.h"

#define HC_STRUCT(h, gpa, type) ((type *)hvt_gpa_out((h), (gpa), sizeof(type)))

static int bad_address(struct hvt *h, const char *what, uint64_t addr,
		       uint64_t len)
{
	char why[128];

	snprintf(why, sizeof(why), "%s: bad guest address 0x%llx+0x%llx%s",
		 what, (unsigned long long)addr, (unsigned long long)len,
		 hvt_vm_sealed(h, addr, len) ? " (sealed memory is read-only)"
					     : "");
	hvt_vm_dump(h, why);
	return -1;
}

/* The sizes a net device's frames may have (include/abi/hvt.h). */
static uint64_t frame_min(const struct hvt_dev *d)
{
	return 14u + (d->info.net_offloads ? GRAFT_NET_HDR_LEN : 0);
}

static uint64_t frame_max(const struct hvt_dev *d)
{
	return d->info.net_offloads ? GRAFT_NET_FRAME_MAX : d->info.mtu + 14u;
}

static struct hvt_dev *dev_of(struct hvt *h, uint32_t handle, uint32_t kind)
{
	if (handle >= h->ndevs || h->devs[handle].info.kind != kind)
		return NULL;
	return &h->devs[handle];
}

static int hc_console_write(struct hvt *h, uint64_t gpa)
{
	struct hvt_hc_console_write *a =
	    HC_STRUCT(h, gpa, struct hvt_hc_console_write);
	const void *data;

	if (!a)
		return bad_address(h, "console write", gpa, sizeof(*a));
	data = hvt_gpa(h, a->data, a->len);
	if (!data)
		return bad_address(h, "console write", a->data, a->len);
	if (write(STDOUT_FILENO, data, a->len) < 0 && errno != EPIPE)
		warn("console");
	return 0;
}

static int hc_clock(struct hvt *h, uint64_t gpa)
{
	struct hvt_hc_clock *a = HC_STRUCT(h, gpa, struct hvt_hc_clock);
	struct timespec ts;

	if (!a)
		return bad_address(h, "clock", gpa, sizeof(*a));
	a->monotonic_ns = hvt_now_ns() - h->start_ns;
	clock_gettime(CLOCK_REALTIME, &ts);
	a->wall_ns = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	return 0;
}

static void ctl_close_client(struct hvt *h)
{
	if (h->ctl_client >= 0)
		close(h->ctl_client);
	h->ctl_client = -1;
}

static void ctl_accept(struct hvt *h)
{
	int fd;

	if (h->ctl_client >= 0 || h->inst.listen_fd < 0)
		return;
	fd = accept4(h->inst.listen_fd, NULL, NULL,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd >= 0)
		h->ctl_client = fd;
}

static int net_batch(struct hvt *h, struct hvt_hc_net_batch *a, int is_write);

/* A batch the yield moves for the guest (struct hvt_hc_yield), checked and
 * done as net_batch does; *count becomes the frames moved, *ret the error.
 * Non-zero: a bad address, which ends the run. */
static int yield_batch(struct hvt *h, uint32_t handle, uint32_t *count,
		       uint64_t data, uint64_t size, uint64_t lens,
		       int is_write, int32_t *ret)
{
	struct hvt_hc_net_batch b = {
	    .handle = handle,
	    .count = *count,
	    .data = data,
	    .size = size,
	    .lens = lens,
	};
	int rc = net_batch(h, &b, is_write);

	*count = b.count;
	*ret = b.ret;
	return rc;
}

static int hc_yield(struct hvt *h, uint64_t gpa)
{
	struct hvt_hc_yield *a = HC_STRUCT(h, gpa, struct hvt_hc_yield);
	struct pollfd fds[HVT_MAX_DEVICES + 1];
	uint32_t handle_of[HVT_MAX_DEVICES + 1];
	uint64_t watch, ready = 0;
	struct timespec ts;
	unsigned n = 0;
	int32_t ret = 0;

	if (!a)
		return bad_address(h, "yield", gpa, sizeof(*a));
	/* The frames the guest's turn sent leave before it waits. */
	if (a->tx_count &&
	    yield_batch(h, a->tx_handle, &a->tx_count, a->tx_data, a->tx_size,
			a->tx_lens, 1, &ret))
		return -1; /* a bad address ends the run */
	a->tx_ret = ret;
	watch = a->ready;
	for (unsigned i = 0; i < h->ndevs; i++) {
		struct hvt_dev *d = &h->devs[i];
		int fd = d->fd;

		if (!(watch & (1ULL << i)))
			continue;
		if (d->info.kind == PLAT_DEV_CTL)
			fd = h->ctl_client >= 0 ? h->ctl_client
						: h->inst.listen_fd;
		else if (d->info.kind != PLAT_DEV_NET)
			continue;
		fds[n].fd = fd;
		fds[n].events = POLLIN;
		handle_of[n++] = i;
	}
	ts.tv_sec = a->timeout_ns / 1000000000ULL;
	ts.tv_nsec = a->timeout_ns % 1000000000ULL;
	if (ppoll(fds, n, &ts, NULL) > 0) {
		for (unsigned i = 0; i < n; i++) {
			if (!fds[i].revents)
				continue;
			if (fds[i].fd == h->inst.listen_fd) {
				ctl_accept(h);
				if (h->ctl_client < 0)
					continue;
			}
			ready |= 1ULL << handle_of[i];
		}
	}
	a->ready = ready;
	if (a->rx_count && a->rx_handle < h->ndevs &&
	    (ready & (1ULL << a->rx_handle))) {
		if (yield_batch(h, a->rx_handle, &a->rx_count, a->rx_data,
				a->rx_size, a->rx_lens, 0, &ret))
			return -1; /* a bad address ends the run */
		if (ret)
			a->rx_count = 0;
	} else {
		a->rx_count = 0;
	}
	return 0;
}

static int hc_net(struct hvt *h, uint64_t gpa, int is_write)
{
	struct hvt_hc_io *a = HC_STRUCT(h, gpa, struct hvt_hc_io);
	struct hvt_dev *d;
	void *buf;
	ssize_t n;

	if (!a)
		return bad_address(h, "net", gpa, sizeof(*a));
	buf = is_write ? hvt_gpa(h, a->data, a->len)
		       : hvt_gpa_out(h, a->data, a->len);
	if (!buf)
		return bad_address(h, "net", a->data, a->len);
	d = dev_of(h, a->handle, PLAT_DEV_NET);
	if (!d) {
		a->ret = GRAFT_EBADF;
		return 0;
	}
	if (is_write) {
		if (a->len < frame_min(d) || a->len > frame_max(d)) {
			a->ret = GRAFT_EINVAL;
			return 0;
		}
		n = write(d->fd, buf, a->len);
		a->ret = n == (ssize_t)a->len ? 0 : GRAFT_EIO;
		return 0;
	}
	n = read(d->fd, buf, a->len);
	if (n < 0) {
		a->ret = (errno == EAGAIN || errno == EWOULDBLOCK)
			     ? GRAFT_EAGAIN
			     : GRAFT_EIO;
		a->len = 0;
		return 0;
	}
	a->len = n;
	a->ret = 0;
	return 0;
}

/* The offset of the frame after one of len bytes at off (include/abi/hvt.h). */
static uint64_t batch_next(uint64_t off, uint64_t len)
{
	return (off + len + HVT_NET_BATCH_ALIGN - 1) &
	       ~(uint64_t)(HVT_NET_BATCH_ALIGN - 1);
}

static int net_read_batch(struct hvt_dev *d, struct hvt_hc_net_batch *a,
			  uint8_t *buf, uint32_t *lens)
{
	uint64_t off = 0, max = frame_max(d);
	uint32_t n = 0;
	ssize_t got;

	a->ret = 0;
	if (!a->count || a->size < max)
		a->ret = GRAFT_EINVAL;
	while (!a->ret && n < a->count && off <= a->size &&
	       a->size - off >= max) {
		got = read(d->fd, buf + off, a->size - off);
		if (got < 0) {
			if (!n)
				a->ret =
				    (errno == EAGAIN || errno == EWOULDBLOCK)
					? GRAFT_EAGAIN
					: GRAFT_EIO;
			break;
		}
		if ((uint64_t)got > max) {
			/* Longer than the device's MTU allows (the tap's MTU
			 * was raised on the host): never the guest's to see. */
			if (!d->rx_oversized++)
				warnx("%s: dropped a %zd-byte frame, longer "
				      "than mtu %u allows (reported once)",
				      d->info.name, got, d->info.mtu);
			continue;
		}
		lens[n++] = (uint32_t)got;
		off = batch_next(off, got);
	}
	a->count = n;
	return 0;
}

static int net_write_batch(struct hvt_dev *d, struct hvt_hc_net_batch *a,
			   const uint8_t *buf, const uint32_t *lens)
{
	uint64_t off = 0;
	uint32_t n;

	a->ret = 0;
	for (n = 0; n < a->count; n++) {
		if (lens[n] < frame_min(d) || lens[n] > frame_max(d) ||
		    off > a->size || lens[n] > a->size - off) {
			a->ret = GRAFT_EINVAL;
			break;
		}
		if (write(d->fd, buf + off, lens[n]) != (ssize_t)lens[n]) {
			a->ret = GRAFT_EIO;
			break;
		}
		off = batch_next(off, lens[n]);
	}
	a->count = n;
	return 0;
}

static int net_batch(struct hvt *h, struct hvt_hc_net_batch *a, int is_write)
{
	struct hvt_dev *d;
	uint32_t *lens;
	void *buf;

	if (a->count > HVT_NET_BATCH_MAX) {
		a->ret = GRAFT_EINVAL;
		a->count = 0;
		return 0;
	}
	buf = is_write ? hvt_gpa(h, a->data, a->size)
		       : hvt_gpa_out(h, a->data, a->size);
	if (!buf)
		return bad_address(h, "net batch", a->data, a->size);
	lens = a->lens % sizeof(*lens) ? NULL
	       : is_write ? hvt_gpa(h, a->lens, a->count * sizeof(*lens))
			  : hvt_gpa_out(h, a->lens, a->count * sizeof(*lens));
	if (!lens)
		return bad_address(h, "net batch lengths", a->lens,
				   a->count * sizeof(*lens));
	d = dev_of(h, a->handle, PLAT_DEV_NET);
	if (!d) {
		a->ret = GRAFT_EBADF;
		a->count = 0;
		return 0;
	}
	return is_write ? net_write_batch(d, a, buf, lens)
			: net_read_batch(d, a, buf, lens);
}

static int hc_net_batch(struct hvt *h, uint64_t gpa, int is_write)
{
	struct hvt_hc_net_batch *a = HC_STRUCT(h, gpa, struct hvt_hc_net_batch);

	if (!a)
		return bad_address(h, "net batch", gpa, sizeof(*a));
	return net_batch(h, a, is_write);
}

static int hc_block(struct hvt *h, uint64_t gpa, unsigned nr)
{
	struct hvt_hc_io *a = HC_STRUCT(h, gpa, struct hvt_hc_io);
	struct hvt_dev *d;
	void *buf;
	ssize_t n;

	if (!a)
		return bad_address(h, "block", gpa, sizeof(*a));
	d = dev_of(h, a->handle, PLAT_DEV_BLOCK);
	if (!d) {
		a->ret = GRAFT_EBADF;
		return 0;
	}
	if (nr == HVT_HC_BLOCK_FLUSH) {
		a->ret = fdatasync(d->fd) == 0 ? 0 : GRAFT_EIO;
		return 0;
	}
	buf = nr == HVT_HC_BLOCK_WRITE ? hvt_gpa(h, a->data, a->len)
				       : hvt_gpa_out(h, a->data, a->len);
	if (!buf)
		return bad_address(h, "block", a->data, a->len);
	if (a->offset % d->info.sector_size || a->len % d->info.sector_size ||
	    a->offset > d->size || a->len > d->size - a->offset) {
		a->ret = GRAFT_EINVAL;
		return 0;
	}
	if (nr == HVT_HC_BLOCK_WRITE) {
		if (d->info.read_only) {
			a->ret = GRAFT_EROFS;
			return 0;
		}
		n = pwrite(d->fd, buf, a->len, a->offset);
	} else {
		n = pread(d->fd, buf, a->len, a->offset);
	}
	a->ret = n == (ssize_t)a->len ? 0 : GRAFT_EIO;
	return 0;
}

static int hc_ctl(struct hvt *h, uint64_t gpa, int is_write)
{
	struct hvt_hc_io *a = HC_STRUCT(h, gpa, struct hvt_hc_io);
	void *buf;
	ssize_t n;

	if (!a)
		return bad_address(h, "ctl", gpa, sizeof(*a));
	if (a->len)
		buf = is_write ? hvt_gpa(h, a->data, a->len)
			       : hvt_gpa_out(h, a->data, a->len);
	else
		buf = NULL;
	if (!buf && a->len)
		return bad_address(h, "ctl", a->data, a->len);
	if ((int)a->handle != h->ctl_handle) {
		a->ret = GRAFT_EBADF;
		return 0;
	}
	ctl_accept(h);
	if (h->ctl_client < 0) {
		a->ret = is_write ? GRAFT_ENOTCONN : GRAFT_EAGAIN;
		a->len = 0;
		return 0;
	}
	if (is_write) {
		n = send(h->ctl_client, buf, a->len, MSG_NOSIGNAL);
		a->ret = n == (ssize_t)a->len ? 0 : GRAFT_ENOTCONN;
		return 0;
	}
	if (!a->len) { /* drop the next message */
		recv(h->ctl_client, NULL, 0, MSG_DONTWAIT | MSG_TRUNC);
		a->ret = 0;
		return 0;
	}
	/* Peek first: a message too big for the guest's buffer stays queued
	 * until it comes back with a bigger one. */
	n = recv(h->ctl_client, buf, a->len,
		 MSG_DONTWAIT | MSG_TRUNC | MSG_PEEK);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
		ctl_close_client(h); /* the client went away */
		a->ret = GRAFT_EAGAIN;
		a->len = 0;
	} else if (n < 0) {
		a->ret = GRAFT_EAGAIN;
		a->len = 0;
	} else if ((uint64_t)n > a->len) {
		a->ret = GRAFT_EMSGSIZE;
		a->len = n;
	} else {
		a->ret = 0;
		a->len = recv(h->ctl_client, buf, a->len, MSG_DONTWAIT);
	}
	return 0;
}

static int hc_seal(struct hvt *h, uint64_t gpa)
{
	struct hvt_hc_seal *a = HC_STRUCT(h, gpa, struct hvt_hc_seal);
	const uint64_t *r;
	char why[128];
	uint64_t prev = 0;

	if (!a)
		return bad_address(h, "seal", gpa, sizeof(*a));
	if (h->sealed) {
		a->ret = GRAFT_ESEALED;
		return 0;
	}
	if (a->nranges == 0 || a->nranges > HVT_SEAL_MAX_RANGES) {
		a->ret = GRAFT_EINVAL;
		return 0;
	}
	r = hvt_gpa(h, a->ranges, (uint64_t)a->nranges * 16);
	if (!r)
		return bad_address(h, "seal", a->ranges, a->nranges * 16ULL);
	for (unsigned i = 0; i < a->nranges; i++) {
		uint64_t s = r[2 * i], e = r[2 * i + 1];

		if ((s | e) & 4095 || s < prev || e <= s || e > h->mem_size ||
		    s < 4096) {
			a->ret = GRAFT_EINVAL;
			return 0;
		}
		prev = e;
	}
	/* The guest names the ranges; the tender does not take its word
	 * for it. */
	if (hvt_vm_seal_check(h, r, a->nranges, why, sizeof(why)) < 0) {
		warnx("seal refused: %s", why);
		a->ret = GRAFT_EINVAL;
		return 0;
	}
	if (hvt_vm_seal(h, r, a->nranges) < 0) {
		warn("seal: KVM_SET_USER_MEMORY_REGION");
		return -1; /* memory is half-split: cannot go on safely */
	}
	h->sealed = 1;
	a->ret = 0;
	return 0;
}

static int hc_abort(struct hvt *h, uint64_t gpa)
{
	struct hvt_hc_abort *a = HC_STRUCT(h, gpa, struct hvt_hc_abort);
	const char *msg;

	if (!a)
		return bad_address(h, "abort", gpa, sizeof(*a));
	msg = hvt_gpa(h, a->msg, a->len);
	if (!msg)
		return bad_address(h, "abort", a->msg, a->len);
	fprintf(stderr, "graft-hvt: guest aborted: %.*s\n",
		(int)strnlen(msg, a->len), msg);
	/* The guest's own page tables stop most writes to sealed memory
	 * before the read-only slots do; say so from what the vCPU holds,
	 * not from what the guest wrote. */
	if (h->sealed) {
		uint64_t cr2 = hvt_vm_fault_address(h);

		if (hvt_vm_sealed(h, cr2, 1))
			fprintf(stderr,
				"graft-hvt: the last page fault, at 0x%llx, is "
				"in sealed memory (code or page tables)\n",
				(unsigned long long)cr2);
	}
	h->exit_status = 255;
	return 1;
}

int hvt_hypercall(struct hvt *h, unsigned nr, uint64_t gpa)
{
	struct hvt_hc_exit *ex;

	switch (nr) {
	case HVT_HC_CONSOLE_WRITE:
		return hc_console_write(h, gpa);
	case HVT_HC_CLOCK:
		return hc_clock(h, gpa);
	case HVT_HC_YIELD:
		return hc_yield(h, gpa);
	case HVT_HC_NET_WRITE:
	case HVT_HC_NET_READ:
		return hc_net(h, gpa, nr == HVT_HC_NET_WRITE);
	case HVT_HC_NET_WRITE_BATCH:
	case HVT_HC_NET_READ_BATCH:
		return hc_net_batch(h, gpa, nr == HVT_HC_NET_WRITE_BATCH);
	case HVT_HC_BLOCK_WRITE:
	case HVT_HC_BLOCK_READ:
	case HVT_HC_BLOCK_FLUSH:
		return hc_block(h, gpa, nr);
	case HVT_HC_CTL_WRITE:
	case HVT_HC_CTL_READ:
		return hc_ctl(h, gpa, nr == HVT_HC_CTL_WRITE);
	case HVT_HC_SEAL:
		return hc_seal(h, gpa);
	case HVT_HC_EXIT:
		ex = HC_STRUCT(h, gpa, struct hvt_hc_exit);
		if (!ex)
			return bad_address(h, "exit", gpa, sizeof(*ex));
		h->exit_status = (int)(ex->status & 0xff);
		return 1;
	case HVT_HC_ABORT:
		return hc_abort(h, gpa);
	case HVT_HC_DEBUG:
		return hvt_gdb_trap(h, gpa);
	}
	return bad_address(h, "unknown hypercall", nr, 0);
}
