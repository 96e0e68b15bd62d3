/*
 * graft-virtio: runs a virtio image under QEMU.  virtio_main.c parses the
 * options and runs QEMU; virtio_qemu.c builds its command line;
 * virtio_ctl.c relays the instance's control socket to the guest's
 * virtio-console port while QEMU runs.
 */
#ifndef GRAFT_TENDER_VIRTIO_H
#define GRAFT_TENDER_VIRTIO_H

#include <stddef.h>
#include <stdint.h>

#include <abi/virtio.h>
#include "../common/host.h"

#define VIRTIO_MAX_NET	8
#define VIRTIO_MAX_DISK 8
/* Descriptors QEMU inherits: the control stream, the exit channel and
 * the module bundle (memory files it opens as /proc/self/fd/N, so that no
 * file outlives the run), then the taps. */
#define VIRTIO_FD_CTL	 3
#define VIRTIO_FD_EXIT	 4
#define VIRTIO_FD_BUNDLE 5
#define VIRTIO_FD_TAP0	 6

enum virtio_machine { MACHINE_Q35, MACHINE_MICROVM };

struct virtio_launch {
	const char *qemu; /* the QEMU binary */
	enum virtio_machine machine;
	int kvm;       /* 0: TCG */
	int print_cmd; /* --print-cmd: print QEMU's command line, run nothing */
	int verbose;   /* --verbose: say the accelerator off a terminal too */
	uint64_t mem;
	const char *image;
	int argc; /* the guest's argv, argv[0] the image */
	char **argv;
	const char *tap[VIRTIO_MAX_NET];
	int tap_fd[VIRTIO_MAX_NET];
	unsigned ntap;
	const char *disk[VIRTIO_MAX_DISK];
	int disk_ro[VIRTIO_MAX_DISK];
	unsigned ndisk;
	int ctl; /* a control channel */
	const char *gdb; /* --gdb/--gdb-listen: a TCP port or a socket path */
	int gdb_wait;	 /* --gdb: the guest waits for gdb's first continue */
	const char *module[VIRTIO_MAX_MODULES];
	unsigned nmodule;
	int exit_fd;	    /* the exit channel's memory file */
	int bundle_fd;	    /* the modules' bundle, -1 if none */
	char exit_path[64]; /* as QEMU opens them */
	char bundle_path[64];
	struct host_instance inst;
};

/* virtio_qemu_argv - QEMU's argument vector for l, NULL-terminated, or
 * NULL on allocation failure.  The caller frees it with
 * virtio_qemu_argv_free. */
char **virtio_qemu_argv(const struct virtio_launch *l);
void virtio_qemu_argv_free(char **argv);

/* virtio_module_bundle - write the modules named in l into one memory
 * file, l->bundle_fd (include/abi/virtio.h).  Returns 0, or -1 after a
 * one-line warning naming the module. */
int virtio_module_bundle(struct virtio_launch *l);

/* virtio_ctl_relay - until QEMU (pid, through a pidfd) ends: accept
 * clients on the instance's control socket and pass each request to the
 * guest over stream (a socket QEMU holds as the console port's backend;
 * -1 for none, else closed here) and each response back.  Returns QEMU's
 * wait status. */
int virtio_ctl_relay(struct virtio_launch *l, int pid, int stream);

#endif
