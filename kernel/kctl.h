/*
 * The control service (kernel/ctl.c), started by kernel_main.
 */
#ifndef GRAFT_KCTL_H
#define GRAFT_KCTL_H

#include <graft/platform.h>

/* ctl_start - start the module manager, load the modules handed over at
 * boot (failures are logged, the boot goes on) and, when the host attached
 * a control channel, the fiber that serves it.  Panics if the manager
 * cannot start. */
void ctl_start(const struct plat_boot_info *bi);

#endif
