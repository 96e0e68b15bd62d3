/*
 * lib/fs/moddir: native modules loaded from a filesystem.  A module file is
 * read whole into memory and handed to the module manager's buffer API
 * (kernel/mod/mod.h, mod_load), which keeps nothing of the buffer.
 *
 * Linked into an image (`libs fs fat moddir` in the manifest), it also
 * registers a boot step: with the kernel option graft.module-dir=DIR
 * (`graft run --module-dir DIR`), every module in DIR on the FAT volume of
 * the first block device is loaded, in name order, before main() runs.
 * A module that fails is logged with its file name and the rest still load.
 */
#ifndef GRAFT_LIB_FS_MODDIR_H
#define GRAFT_LIB_FS_MODDIR_H

#include <stddef.h>

#include "kernel/mod/mod.h"
#include "lib/fs/fs.h"

#define MODDIR_FILE_MAX (16u << 20) /* bytes of one module file */
#define MODDIR_MAX	256	    /* modules in one directory */

/*
 * moddir_load_file - load the module in the file at path on fs.  *out (may
 * be NULL) receives the module.  On failure err (errlen bytes) holds one
 * line naming the file and the problem.  Errors: those of fs_open and
 * fs_read, GRAFT_ERANGE (larger than MODDIR_FILE_MAX), GRAFT_ENOMEM, and
 * every error of mod_load.
 */
int moddir_load_file(struct fs *fs, const char *path, struct mod **out,
		     char *err, size_t errlen);

/*
 * moddir_load_all - load every module in directory dir of fs: the regular
 * files whose names end in ".o" (any case), in name order, at most
 * MODDIR_MAX.  Each failure is logged (graft_log) and loading goes on.  *loaded
 * (may be NULL) receives how many loaded.  Returns 0 if all did, else the first
 * error (err describes it): those of moddir_load_file, or of reading dir.
 */
int moddir_load_all(struct fs *fs, const char *dir, unsigned *loaded, char *err,
		    size_t errlen);

#endif
