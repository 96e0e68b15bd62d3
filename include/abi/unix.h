/*
 * The unix target's launcher-to-image ABI.  The launcher (tender/unix)
 * opens the devices, builds the seccomp filters with libseccomp, and execs
 * the image with a boot description on file descriptor UNIX_BOOT_FD: a
 * struct unix_boot, then boot_len - sizeof(struct unix_boot) bytes holding
 * the two filters (struct sock_filter arrays) at the offsets it names.
 * The image reads it, maps its memory, installs the run filter and only
 * then enters the kernel; the seal filter is installed by plat_seal().
 */
#ifndef GRAFT_ABI_UNIX_H
#define GRAFT_ABI_UNIX_H

#include <stdint.h>
#include <abi/hvt.h> /* struct hvt_device: the same device description */

#define UNIX_BOOT_FD 3
#define UNIX_BOOT_MAGIC 0x54554752u /* "RGUT" */
#define UNIX_BOOT_VERSION 2
#define UNIX_MAX_MODULES 16
#define UNIX_MAX_DEVICES 32
#define UNIX_MAX_FILTER 4096 /* instructions per filter */

struct unix_device {
	struct hvt_device info;
	int32_t fd;       /* the descriptor in the image's process */
	uint32_t pad;
};

/* A module handed over at boot (--module): a read-only descriptor the
 * image maps before it installs its filter, then closes. */
struct unix_module {
	int32_t fd;
	uint32_t pad;
	uint64_t len;
	char name[48];
};

struct unix_boot {
	uint32_t magic;          /* UNIX_BOOT_MAGIC */
	uint32_t version;        /* UNIX_BOOT_VERSION */
	uint64_t boot_len;       /* bytes in all, this header included */
	uint64_t mem_size;       /* heap to map */
	uint32_t ndevices;
	uint32_t run_filter_len;  /* instructions */
	uint64_t run_filter_off;  /* from the start of this struct */
	uint32_t seal_filter_len;
	uint32_t pad;
	uint64_t seal_filter_off;
	struct unix_device devices[UNIX_MAX_DEVICES];
	uint32_t nmodules;
	uint32_t pad2;
	struct unix_module modules[UNIX_MAX_MODULES];
};

#endif
