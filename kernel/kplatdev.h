/* Boot-time wrapping of the platform's devices (platdev.c). */
#ifndef GRAFT_KERNEL_KPLATDEV_H
#define GRAFT_KERNEL_KPLATDEV_H

#include <stdint.h>

/* platdev_register_all - register handles 0..ndevices-1 that are block or
 * net devices as graft devices under their platform names; failures are
 * logged and the device skipped. */
void platdev_register_all(uint32_t ndevices);

/* platdev_net_flush - send the frames net devices have queued (the end of
 * every turn of the loop does; so must whatever ends the instance). */
void platdev_net_flush(void);

/* platdev_net_stats - what the i-th net device (0-based, newest first)
 * moved: frames each way, and of them those larger than mtu + 14 bytes
 * (segments the host cut or merged, graft/nethdr.h).  GRAFT_ENOENT past
 * the last device. */
struct platdev_net_stats {
	const char *name;
	uint32_t offloads; /* GRAFT_NET_OFF_* */
	uint64_t rx_frames, rx_large, tx_frames, tx_large;
};
int platdev_net_stats(unsigned i, struct platdev_net_stats *st);

#endif
