/*
 * Pieces shared by the host programs that run graft instances (the hvt
 * tender and the unix launcher): option parsing helpers, device opening,
 * image inspection, the runtime directory and the instance control socket.
 * Hosted C; errors are reported with warnx and returned as -1.
 */
#ifndef GRAFT_TENDER_HOST_H
#define GRAFT_TENDER_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* host_parse_size - "64M", "512MiB", "2G", "4096" (bytes) -> *out.
 * Returns -1 if s is not a size. */
int host_parse_size(const char *s, uint64_t *out);

/* host_tap_open - attach to the existing tap interface ifname.  Returns an
 * fd (non-blocking) or -1 after warning "tap 'x': reason". */
int host_tap_open(const char *ifname);

/* host_tap_mac - a locally administered MAC address derived from seed. */
void host_tap_mac(unsigned seed, uint8_t mac[6]);

/* host_disk_open - open a disk image; *size receives its size in bytes and
 * *read_only whether it could only be opened read-only (or ro was asked).
 * Returns an fd or -1 after warning "disk 'x': reason". */
int host_disk_open(const char *path, int ro, uint64_t *size, int *read_only);

/* host_module_open - open a module file given with --module for reading;
 * *len receives its size, name (size bytes) its base name.  Returns an fd
 * or -1 after warning "module 'x': reason" (missing, not a regular file,
 * empty, larger than the control channel takes). */
int host_module_open(const char *path, uint64_t *len, char *name,
		     size_t size);

/* host_image_target - read the target named by an image's graft note into
 * buf.  Returns 0, or -1 with a one-line reason in why (not an ELF file,
 * truncated, no graft note). */
int host_image_target(const char *path, char *buf, size_t size, char *why,
		      size_t whylen);

/* The runtime directory and instances (for `graft ps` and the control
 * socket): $GRAFT_RUNTIME_DIR, else /run/graft as root, else
 * $XDG_RUNTIME_DIR/graft, else /tmp/graft-UID. */
const char *host_runtime_dir(void);

struct host_instance {
	char name[64];
	char ctl_path[108];
	char info_path[4096];
	int listen_fd; /* SOCK_SEQPACKET, non-blocking */
};

/* host_instance_create - claim the name (refused if a live instance has
 * it), create its control socket and info file.  NULL name picks one from
 * the image name and pid. */
int host_instance_create(struct host_instance *in, const char *name,
			 const char *image, const char *target,
			 uint64_t mem);
/* host_instance_destroy - remove the socket and info file. */
void host_instance_destroy(struct host_instance *in);

#endif
