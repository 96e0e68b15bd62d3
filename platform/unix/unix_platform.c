/*
 * The platform interface over Linux system calls, on descriptors the
 * launcher opened.  Every call here is one the launcher's seccomp filter
 * allows (tender/unix/unix_filter.c); keep the two in step.
 */
#include <string.h>
#include <graft/error.h>
#include <graft/init.h>
#include <graft/log.h>
#include <graft/platform.h>
#include "unix_guest.h"
#include "unix_syscall.h"
#include "unix_vdso.h"

#define EAGAIN 11
#define EINTR 4
#define POLLIN 1
#define MSG_DONTWAIT 0x40
#define MSG_TRUNC 0x20
#define MSG_PEEK 0x02
#define MSG_NOSIGNAL 0x4000
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4

struct kts {
	long sec, nsec;
};

struct pollfd {
	int fd;
	short events, revents;
};

static int ctl_client = -1;
static uint64_t mono_base;
static int sealed;

/* The vDSO's clock_gettime, or NULL: then the system call.  It is
 * ordinary SysV code running on the caller's stack (a fiber's, far larger
 * than the little it needs, and 16-byte aligned at calls as the compiler
 * keeps it); it may use the red zone, which no signal here tramples (the
 * fault handlers run on their own stack), and it makes no system call but
 * clock_gettime itself, when the host's clock source has no vDSO reading. */
static int (*vdso_clock_gettime)(int, struct kts *);
static const char *vdso_refused;

void unix_clock_init(const uint64_t *sp)
{
	const void *base = unix_vdso_auxv_find(sp);
	size_t size = unix_vdso_mapped_size(base, &vdso_refused);

	if (size)
		vdso_clock_gettime =
		    (int (*)(int, struct kts *))unix_vdso_lookup(
			base, size, "__vdso_clock_gettime", "LINUX_2.6",
			&vdso_refused);
}

static int unix_clock_report(void)
{
	if (vdso_clock_gettime)
		graft_log(GRAFT_LOG_DEBUG, "unix",
			  "clocks read through the vDSO");
	else
		graft_log(GRAFT_LOG_DEBUG, "unix",
			  "clocks read by system call: vDSO: %s", vdso_refused);
	return 0;
}
GRAFT_INIT(unix_clock_report, GRAFT_INIT_EARLY);

static uint64_t clock_ns(int which)
{
	struct kts ts;

	if (!vdso_clock_gettime || vdso_clock_gettime(which, &ts) != 0)
		unix_syscall(SYS_clock_gettime, which, &ts, 0);
	return (uint64_t)ts.sec * 1000000000ULL + ts.nsec;
}

uint64_t plat_clock_monotonic(void)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	if (!mono_base)
		mono_base = now;
	return now - mono_base;
}

uint64_t plat_clock_wall(void)
{
	return clock_ns(CLOCK_REALTIME);
}

void plat_console_write(const char *buf, size_t len)
{
	while (len) {
		long n = unix_syscall(SYS_write, 1, buf, len);

		if (n == -EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

static const struct unix_device *dev(plat_handle_t h, uint32_t kind)
{
	if (!unix_bi || h >= unix_bi->ndevices ||
	    unix_bi->devices[h].info.kind != kind)
		return NULL;
	return &unix_bi->devices[h];
}

static void ctl_accept(const struct unix_device *d)
{
	long fd;

	if (ctl_client >= 0)
		return;
	fd = unix_syscall6(SYS_accept4, d->fd, 0, 0,
			   SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 0);
	if (fd >= 0)
		ctl_client = (int)fd;
}

void plat_yield(uint64_t deadline, plat_handle_set_t *ready)
{
	struct pollfd fds[UNIX_MAX_DEVICES];
	plat_handle_t handle_of[UNIX_MAX_DEVICES];
	uint64_t now = plat_clock_monotonic(), watch = *ready, out = 0;
	uint64_t wait = deadline > now ? deadline - now : 0;
	struct kts ts = { (long)(wait / 1000000000ULL),
			  (long)(wait % 1000000000ULL) };
	unsigned n = 0;

	for (uint32_t i = 0; unix_bi && i < unix_bi->ndevices; i++) {
		const struct unix_device *d = &unix_bi->devices[i];

		if (!(watch & (1ULL << i)) || d->info.kind == PLAT_DEV_BLOCK)
			continue;
		fds[n].fd = d->info.kind == PLAT_DEV_CTL && ctl_client >= 0
				    ? ctl_client
				    : d->fd;
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		handle_of[n++] = i;
	}
	if (unix_syscall6(SYS_ppoll, (long)fds, n, (long)&ts, 0, 8, 0) > 0) {
		for (unsigned i = 0; i < n; i++) {
			const struct unix_device *d =
				&unix_bi->devices[handle_of[i]];

			if (!fds[i].revents)
				continue;
			if (d->info.kind == PLAT_DEV_CTL && fds[i].fd == d->fd) {
				ctl_accept(d);
				if (ctl_client < 0)
					continue;
			}
			out |= 1ULL << handle_of[i];
		}
	}
	*ready = out;
}

int plat_device_info(plat_handle_t h, struct plat_device_info *info)
{
	const struct hvt_device *d;

	if (!unix_bi || h >= unix_bi->ndevices)
		return GRAFT_EBADF;
	d = &unix_bi->devices[h].info;
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

int plat_net_write(plat_handle_t h, const void *frame, size_t len)
{
	const struct unix_device *d = dev(h, PLAT_DEV_NET);
	size_t hdr;

	if (!d)
		return GRAFT_EBADF;
	hdr = d->info.net_offloads ? GRAFT_NET_HDR_LEN : 0;
	if (len < hdr + 14 ||
	    len > (hdr ? GRAFT_NET_FRAME_MAX : d->info.mtu + 14u))
		return GRAFT_EINVAL;
	return unix_syscall(SYS_write, d->fd, frame, len) == (long)len
		       ? 0
		       : GRAFT_EIO;
}

int plat_net_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	const struct unix_device *d = dev(h, PLAT_DEV_NET);
	long n;

	if (!d)
		return GRAFT_EBADF;
	n = unix_syscall(SYS_read, d->fd, buf, size);
	if (n == -EAGAIN)
		return GRAFT_EAGAIN;
	if (n < 0)
		return GRAFT_EIO;
	*len = n;
	return 0;
}

static int block_check(const struct unix_device *d, uint64_t off, size_t len)
{
	uint64_t size = d->info.sectors * d->info.sector_size;

	if (off % d->info.sector_size || len % d->info.sector_size ||
	    off > size || len > size - off)
		return GRAFT_EINVAL;
	return 0;
}

int plat_block_read(plat_handle_t h, uint64_t offset, void *buf, size_t len)
{
	const struct unix_device *d = dev(h, PLAT_DEV_BLOCK);
	int rc;

	if (!d)
		return GRAFT_EBADF;
	if ((rc = block_check(d, offset, len)))
		return rc;
	return unix_syscall6(SYS_pread64, d->fd, (long)buf, len, offset, 0,
			     0) == (long)len
		       ? 0
		       : GRAFT_EIO;
}

int plat_block_write(plat_handle_t h, uint64_t offset, const void *buf,
		     size_t len)
{
	const struct unix_device *d = dev(h, PLAT_DEV_BLOCK);
	int rc;

	if (!d)
		return GRAFT_EBADF;
	if (d->info.read_only)
		return GRAFT_EROFS;
	if ((rc = block_check(d, offset, len)))
		return rc;
	return unix_syscall6(SYS_pwrite64, d->fd, (long)buf, len, offset, 0,
			     0) == (long)len
		       ? 0
		       : GRAFT_EIO;
}

int plat_block_flush(plat_handle_t h)
{
	const struct unix_device *d = dev(h, PLAT_DEV_BLOCK);

	if (!d)
		return GRAFT_EBADF;
	return unix_syscall(SYS_fdatasync, d->fd, 0, 0) == 0 ? 0 : GRAFT_EIO;
}

int plat_ctl_read(plat_handle_t h, void *buf, size_t size, size_t *len)
{
	const struct unix_device *d = dev(h, PLAT_DEV_CTL);
	long n;

	if (!d)
		return GRAFT_EBADF;
	ctl_accept(d);
	if (ctl_client < 0)
		return GRAFT_EAGAIN;
	if (!buf && !size) {
		unix_syscall6(SYS_recvfrom, ctl_client, 0, 0,
			      MSG_DONTWAIT | MSG_TRUNC, 0, 0);
		return 0;
	}
	/* Peek first: a message too big for buf stays queued, so that the
	 * caller can come back with a bigger one. */
	n = unix_syscall6(SYS_recvfrom, ctl_client, (long)buf, size,
			  MSG_DONTWAIT | MSG_TRUNC | MSG_PEEK, 0, 0);
	if (n == -EAGAIN)
		return GRAFT_EAGAIN;
	if (n <= 0) { /* the client went away */
		unix_syscall(SYS_close, ctl_client, 0, 0);
		ctl_client = -1;
		return GRAFT_EAGAIN;
	}
	*len = n;
	if ((size_t)n > size)
		return GRAFT_EMSGSIZE;
	unix_syscall6(SYS_recvfrom, ctl_client, (long)buf, size, MSG_DONTWAIT,
		      0, 0);
	return 0;
}

int plat_ctl_write(plat_handle_t h, const void *buf, size_t len)
{
	if (!dev(h, PLAT_DEV_CTL))
		return GRAFT_EBADF;
	if (ctl_client < 0)
		return GRAFT_ENOTCONN;
	return unix_syscall6(SYS_sendto, ctl_client, (long)buf, len,
			     MSG_NOSIGNAL, 0, 0) == (long)len
		       ? 0
		       : GRAFT_ENOTCONN;
}

int plat_mem_protect(uintptr_t addr, size_t len, int prot)
{
	int p = 0;

	if (sealed)
		return GRAFT_ESEALED;
	if ((addr | len) & (PLAT_PAGE_SIZE - 1) || addr < unix_heap_start ||
	    addr > unix_heap_start + unix_heap_size ||
	    len > unix_heap_start + unix_heap_size - addr)
		return GRAFT_EINVAL;
	if ((prot & PLAT_PROT_WRITE) && (prot & PLAT_PROT_EXEC))
		return GRAFT_EINVAL;
	p |= prot & PLAT_PROT_READ ? PROT_READ : 0;
	p |= prot & PLAT_PROT_WRITE ? PROT_WRITE : 0;
	p |= prot & PLAT_PROT_EXEC ? PROT_EXEC : 0;
	return unix_syscall(SYS_mprotect, addr, len, p) == 0 ? 0 : GRAFT_EIO;
}

int plat_seal(void)
{
	if (sealed)
		return GRAFT_ESEALED;
	if (!unix_bi)
		return GRAFT_ENOTSUP; /* no launcher, no filter to tighten */
	if (unix_install_filter(unix_bi->seal_filter_len,
				unix_bi->seal_filter_off) != 0)
		return GRAFT_EIO;
	sealed = 1;
	return 0;
}

void plat_exit(int status)
{
	for (;;)
		unix_syscall(SYS_exit_group, status & 0xff, 0, 0);
}

void plat_abort(const char *msg)
{
	static const char prefix[] = "graft-unix: guest aborted: ";

	unix_syscall(SYS_write, 2, prefix, sizeof(prefix) - 1);
	unix_syscall(SYS_write, 2, msg, strlen(msg));
	unix_syscall(SYS_write, 2, "\n", 1);
	plat_exit(255);
}
