/*
 * The virtio target's guest-host ABI: what the launcher (tender/virtio)
 * and the guest's platform binding (platform/virtio) agree on beyond the
 * PVH boot protocol and the virtio devices, which are standard.
 *
 * Ports.  The launcher attaches QEMU's isa-debugcon at
 * VIRTIO_PORT_DEBUGCON (the console: a read there returns 0xe9, so the
 * guest knows to use it instead of COM1), another isa-debugcon at
 * VIRTIO_PORT_EXIT_CHANNEL whose bytes go to a file, and isa-debug-exit at
 * VIRTIO_PORT_DEBUG_EXIT.
 *
 * The exit channel.  isa-debug-exit makes QEMU exit with (v << 1) | 1 for
 * a write of v, which loses v's top bit and cannot be told from QEMU's own
 * failures, so before that write the guest sends its status as text on
 * the exit channel: "exit N\n" (N in 0..255), after "abort: MESSAGE\n"
 * when it aborts.  The launcher exits with the last N it finds; no status
 * line means the guest did not end through plat_exit or plat_abort.
 *
 * Boot modules.  Modules given with --module travel as the one PVH module
 * (QEMU's -initrd): a struct virtio_module_bundle, its entries, then the
 * modules' bytes, each at its offset from the bundle's start.  The guest
 * checks magic, count and every offset and length against the bundle's
 * size before use.
 */
#ifndef GRAFT_ABI_VIRTIO_H
#define GRAFT_ABI_VIRTIO_H

#define VIRTIO_PORT_DEBUGCON 0xe9
#define VIRTIO_PORT_EXIT_CHANNEL 0x4e9
#define VIRTIO_PORT_DEBUG_EXIT 0xf4

#define VIRTIO_MODULE_MAGIC "GRAFTMOD"
#define VIRTIO_MAX_MODULES 16

#ifndef __ASSEMBLY__
#include <stdint.h>

struct virtio_module_entry {
	uint64_t offset; /* from the bundle's start */
	uint64_t len;
	char name[48];   /* the host's file name, NUL-terminated */
};

struct virtio_module_bundle {
	char magic[8];   /* VIRTIO_MODULE_MAGIC, not NUL-terminated */
	uint32_t count;  /* entries that follow, at most VIRTIO_MAX_MODULES */
	uint32_t pad;
	struct virtio_module_entry entries[];
};
#endif

#endif
