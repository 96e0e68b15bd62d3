/*
 * An application's manifest: APPDIR/manifest, one "key value..." line per
 * setting, '#' starts a comment.
 *
 *   name NAME        the application's name (letters, digits, '-', '_', '.')
 *   libs LIB...      link BUILD/guest/libLIB.a for each LIB
 *   static DIR       embed DIR (relative to APPDIR) as the read-only
 *                    filesystem fs_static_root (lib/fs/static)
 */
#ifndef GRAFT_TOOL_MANIFEST_H
#define GRAFT_TOOL_MANIFEST_H

#include "graft.h"

struct manifest {
	char *name;
	struct graft_argv libs;
	char *static_dir; /* NULL, or as written (relative to APPDIR) */
};

/* manifest_read - parse APPDIR/manifest into m.  Returns 0, or -1 after
 * warning "manifest 'PATH' line N: reason". */
int manifest_read(const char *appdir, struct manifest *m);
void manifest_free(struct manifest *m);

#endif
