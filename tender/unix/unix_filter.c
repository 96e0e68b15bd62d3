/*
 * The unix instance's seccomp filters, built with libseccomp.
 *
 * The run filter allows exactly the system calls platform/unix makes, on
 * the descriptors it was given; anything else kills the process.  The seal
 * filter is stacked on top by plat_seal() and kills on any mprotect, so
 * that no page can become executable (or code writable) after seal.
 */
#include <err.h>
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <graft/platform.h>
#include "unix_launch.h"

#define ALLOW(ctx, call, ...)                                                \
	seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(call), __VA_ARGS__)

static int allow_fd(scmp_filter_ctx ctx, int call, int fd)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, call, 1,
				SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fd));
}

/* Export ctx as a raw BPF program into a malloc'd buffer. */
static int export(scmp_filter_ctx ctx, void **out, size_t *len)
{
	int fd = memfd_create("graft-filter", MFD_CLOEXEC);
	off_t size;

	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0)
		goto fail;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || !(*out = malloc(size)) ||
	    pread(fd, *out, size, 0) != size)
		goto fail;
	*len = size;
	close(fd);
	return 0;
fail:
	warnx("cannot build the seccomp filter");
	if (fd >= 0)
		close(fd);
	return -1;
}

int unix_filter_run(const struct unix_launch *l, void **bpf, size_t *len)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	const scmp_datum_t wx = PROT_WRITE | PROT_EXEC;
	int rc = 0;

	if (!ctx)
		return -1;
	rc |= allow_fd(ctx, SCMP_SYS(write), 1);
	rc |= allow_fd(ctx, SCMP_SYS(write), 2);
	for (unsigned i = 0; i < l->boot.ndevices; i++) {
		const struct unix_device *d = &l->boot.devices[i];

		switch (d->info.kind) {
		case PLAT_DEV_NET:
			rc |= allow_fd(ctx, SCMP_SYS(read), d->fd);
			rc |= allow_fd(ctx, SCMP_SYS(write), d->fd);
			break;
		case PLAT_DEV_BLOCK:
			rc |= allow_fd(ctx, SCMP_SYS(pread64), d->fd);
			rc |= allow_fd(ctx, SCMP_SYS(pwrite64), d->fd);
			rc |= allow_fd(ctx, SCMP_SYS(fdatasync), d->fd);
			break;
		case PLAT_DEV_CTL:
			rc |= allow_fd(ctx, SCMP_SYS(accept4), d->fd);
			/* the accepted client's descriptor is not known yet */
			rc |= ALLOW(ctx, recvfrom, 0);
			rc |= ALLOW(ctx, sendto, 0);
			rc |= ALLOW(ctx, close, 0);
			break;
		}
	}
	rc |= ALLOW(ctx, ppoll, 0);
	rc |= ALLOW(ctx, clock_gettime, 0);
	rc |= ALLOW(ctx, exit_group, 0);
	rc |= ALLOW(ctx, restart_syscall, 0);
	/* the return from a fault the kernel contained (kernel_fault) */
	rc |= ALLOW(ctx, rt_sigreturn, 0);
	/* mprotect, but never writable and executable at once */
	rc |= ALLOW(ctx, mprotect, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, wx, 0));
	rc |= ALLOW(ctx, mprotect, 1,
		    SCMP_A2(SCMP_CMP_MASKED_EQ, wx, PROT_WRITE));
	rc |= ALLOW(ctx, mprotect, 1,
		    SCMP_A2(SCMP_CMP_MASKED_EQ, wx, PROT_EXEC));
	/* seal stacks a second, stricter filter */
	rc |= ALLOW(ctx, seccomp, 1, SCMP_A0(SCMP_CMP_EQ, 1));
	if (rc == 0)
		rc = export(ctx, bpf, len);
	else
		warnx("cannot build the seccomp filter: %s", strerror(-rc));
	seccomp_release(ctx);
	return rc;
}

int unix_filter_seal(void **bpf, size_t *len)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc;

	if (!ctx)
		return -1;
	rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(mprotect),
			      0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(mmap), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS,
			       SCMP_SYS(pkey_mprotect), 0);
	if (rc == 0)
		rc = export(ctx, bpf, len);
	seccomp_release(ctx);
	return rc;
}
