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

#endif
