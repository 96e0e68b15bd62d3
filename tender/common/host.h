/*
 * Pieces shared by the host programs that run graft instances (the hvt
 * tender, the unix and virtio launchers): option parsing, device opening,
 * image inspection, the runtime directory and the instance control socket.
 * Hosted C; errors are reported with warnx and returned as -1.
 */
#ifndef GRAFT_TENDER_HOST_H
#define GRAFT_TENDER_HOST_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

/* host_parse_size - "64M", "512MiB", "2G", "4096" (bytes) -> *out.
 * Returns -1 if s is not a size. */
int host_parse_size(const char *s, uint64_t *out);

/* host_tap_open - attach to the existing tap interface a --net argument
 * names, TAP or TAP:plain.  With offloads non-NULL and no ":plain", the
 * tap is opened with virtio-net headers and checksum and TCP segmentation
 * offloads (graft/nethdr.h), and *offloads receives them (GRAFT_NET_OFF_*);
 * otherwise frames are plain and *offloads is 0.  Returns an fd
 * (non-blocking) or -1 after warning "tap 'x': reason". */
#define HOST_TAP_PLAIN ":plain"
int host_tap_open(const char *spec, uint32_t *offloads);

/* host_tap_mac - a locally administered MAC address derived from seed. */
void host_tap_mac(unsigned seed, uint8_t mac[6]);

/* host_disk_open - open a disk image; *size receives its size in bytes and
 * *read_only whether it could only be opened read-only (or ro was asked).
 * Returns an fd or -1 after warning "disk 'x': reason". */
int host_disk_open(const char *path, int ro, uint64_t *size, int *read_only);

/* host_disk_open_spec - host_disk_open for a --disk argument, FILE or
 * FILE:ro; the ":ro" is cut off spec. */
int host_disk_open_spec(char *spec, uint64_t *size, int *read_only);

/* host_module_open - open a module file given with --module for reading;
 * *len receives its size, name (size bytes) its base name.  Returns an fd
 * or -1 after warning "module 'x': reason" (missing, not a regular file,
 * empty, larger than the control channel takes). */
int host_module_open(const char *path, uint64_t *len, char *name, size_t size);

/* host_image_target - read the target named by an image's graft note into
 * buf.  Returns 0, or -1 with a one-line reason in why (not an ELF file,
 * truncated, no graft note). */
int host_image_target(const char *path, char *buf, size_t size, char *why,
		      size_t whylen);

/* host_check_target - exit(1) with "image 'x': reason" unless image's
 * graft note names target. */
void host_check_target(const char *image, const char *target);

/* The command line all tenders share (host_opts.c). */
#define HOST_MAX_EXTRA_OPTS 8

/* An option of one target only: --name, or -c as well when short_name is
 * 'c'.  set gets the argument (NULL without one) and returns -1 to end the
 * program with status 1 (it has said why). */
struct host_extra_opt {
	const char *name;
	int has_arg; /* no_argument or required_argument */
	int short_name;
	int (*set)(void *ctx, const char *arg);
};

/* What the tender does with the shared options, each called with ctx as
 * they are met; a hook returns -1 to end the program with status 1. */
struct host_opt_hooks {
	int (*net)(void *ctx, const char *tap, unsigned index);
	int (*disk)(void *ctx, char *spec, unsigned index);
	int (*module)(void *ctx, const char *path);
	void (*usage)(FILE *f);
	const struct host_extra_opt *extra;
	unsigned nextra; /* at most HOST_MAX_EXTRA_OPTS */
	void *ctx;
};

struct host_opts {
	uint64_t mem;	  /* set to the default before parsing */
	const char *name; /* --name, NULL without */
	int ctl;	  /* 0 after --no-ctl */
	unsigned nnet, ndisk;
	const char *image;
	int argc; /* the guest's: the image name, then what follows "--" */
	char **argv;
};

/* host_parse_options - parse argv into o, handing devices, modules and the
 * target's options to hk as they come.  Does not return on --help (usage
 * on stdout, status 0), on a bad option or a missing IMAGE (usage on
 * stderr, status 1), on a bad --mem or when a hook fails (status 1).
 * Rewrites argv in place for the guest's argv. */
void host_parse_options(struct host_opts *o, const struct host_opt_hooks *hk,
			int argc, char **argv);

/* host_usage_common - the --help lines of the options every tender
 * shares, from --net to --help, in the hvt and unix wording. */
void host_usage_common(FILE *f);

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
			 const char *image, const char *target, uint64_t mem);
/* host_instance_destroy - remove the socket and info file. */
void host_instance_destroy(struct host_instance *in);

#endif
