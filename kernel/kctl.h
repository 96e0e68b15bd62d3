/*
 * The control service (kernel/ctl.c), started by kernel_main.
 */
#ifndef GRAFT_KCTL_H
#define GRAFT_KCTL_H

#include <graft/platform.h>

/* ctl_init - start the module manager, before the boot steps (so that
 * they may load modules).  Panics if it cannot start. */
void ctl_init(const struct plat_boot_info *bi);

/* ctl_start - after the boot steps: load the modules handed over at boot
 * (failures are logged, the boot goes on), seal if the kernel option
 * graft.seal-after-boot says so, and, when the host attached a control
 * channel, start the fiber that serves it. */
void ctl_start(const struct plat_boot_info *bi);

#endif
