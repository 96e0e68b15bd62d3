/* The unix launcher (tender/unix): state shared by its files. */
#ifndef GRAFT_TENDER_UNIX_LAUNCH_H
#define GRAFT_TENDER_UNIX_LAUNCH_H

#include <stddef.h>
#include <abi/unix.h>
#include "../common/host.h"

struct unix_launch {
	struct unix_boot boot;
	/* the launcher's descriptors: devices and modules, in the order of
	 * their numbers in the image (CHILD_FD_BASE + i) */
	int host_fd[UNIX_MAX_DEVICES + UNIX_MAX_MODULES];
	unsigned nfds;
	struct host_instance inst;
};

int unix_filter_run(const struct unix_launch *l, void **bpf, size_t *len);
int unix_filter_seal(void **bpf, size_t *len);

#endif
