/*
 * lib/fs/fat: FAT12, FAT16 and FAT32 over a struct graft_blkdev, served
 * through the lib/fs interface (lib/fs/fs.h).  Read and write on all three,
 * VFAT long names, both FAT copies, FSInfo.  See fat_internal.h for the
 * crash-safety order of writes.
 */
#ifndef GRAFT_LIB_FS_FAT_H
#define GRAFT_LIB_FS_FAT_H

#include <stddef.h>

#include "lib/fs/fs.h"

/*
 * fat_mount - mount the FAT volume on dev (from its sector 0).  opts may be
 * NULL (read-write, no clock, default cache).  The volume is read-only if
 * opts asks or dev->read_only is set.  On success *out is the caller's until
 * fs_unmount; dev must outlive it.  On failure why (may be NULL, whylen
 * bytes) says what was wrong: GRAFT_EFORMAT (not a valid FAT volume: the
 * field is named), GRAFT_EINVAL (bad arguments or device geometry),
 * GRAFT_ENOMEM, GRAFT_EIO.
 */
int fat_mount(struct graft_blkdev *dev, const struct fs_mount_opts *opts,
	      struct fs **out, char *why, size_t whylen);

#endif
