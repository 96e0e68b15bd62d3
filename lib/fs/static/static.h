/*
 * lib/fs/static: a read-only filesystem compiled into the image.  The host
 * tool tools/mkstatic turns a directory into C source defining one
 * struct fs_static_image; fs_static_mount() serves it through lib/fs.
 * Lookups are binary searches over the entries, sorted by path; each
 * directory lists its children (sorted by name) in the children array.
 */
#ifndef GRAFT_LIB_FS_STATIC_H
#define GRAFT_LIB_FS_STATIC_H

#include <stdint.h>

#include "lib/fs/fs.h"

#define FS_STATIC_MAGIC 0x67667331u /* "gfs1": the layout below */

struct fs_static_entry {
	const char *path; /* normalized (lib/fs/fs.h); "" for the root */
	const uint8_t *data;
	uint64_t size;
	int64_t mtime;
	uint32_t is_dir;
	uint32_t first_child; /* directories: index into children */
	uint32_t nchildren;
};

struct fs_static_image {
	uint32_t magic;
	uint32_t nentries;
	const struct fs_static_entry *entries; /* sorted by strcmp of path */
	uint32_t nchildren;
	const uint32_t *children; /* entry indices */
};

/*
 * fs_static_mount - serve img (which must outlive the mount) read-only.
 * GRAFT_EFORMAT if the table is inconsistent (wrong magic, unsorted, no
 * root first, child indices out of range), GRAFT_ENOMEM.
 */
int fs_static_mount(const struct fs_static_image *img, struct fs **out);

#endif
