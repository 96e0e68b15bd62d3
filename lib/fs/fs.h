/*
 * lib/fs: the interface every graft filesystem serves.  A filesystem is
 * mounted into a struct fs (FAT over a struct graft_blkdev, the static
 * filesystem over a table compiled into the image); files and directories are
 * opened into struct fs_file handles.  Every call returns 0 or a negative
 * GRAFT_E* code; results go out through pointers.
 *
 * Paths are UTF-8, '/'-separated, relative to the filesystem's root whether
 * or not they start with '/'.  "." and ".." are resolved here, textually,
 * before a filesystem sees the path (".." above the root stays at the root),
 * so a filesystem receives a normalized path: "" for the root, otherwise
 * components joined by single '/', none empty, none "." or "..".
 *
 * After an error, fs_error_detail() tells which thing was wrong
 * ("fat: cluster chain of 'LOG.TXT' loops").
 *
 * Not thread-safe: one fiber at a time per mounted filesystem.
 */
#ifndef GRAFT_LIB_FS_H
#define GRAFT_LIB_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <graft/device.h>
#include <graft/error.h>

#define FS_PATH_MAX 1024 /* bytes, including the final NUL */
#define FS_NAME_MAX 255	 /* characters of one component */
#define FS_NAME_BUF 768	 /* bytes: FS_NAME_MAX UTF-8 characters and a NUL */

/* fs_open flags; exactly one of READ, WRITE or RDWR. */
enum {
	FS_O_READ = 1,
	FS_O_WRITE = 2,
	FS_O_RDWR = 3,
	FS_O_CREATE = 4, /* create a file if it is absent */
	FS_O_EXCL = 8,	 /* with CREATE: GRAFT_EEXIST if present */
	FS_O_TRUNC = 16, /* cut a file to length 0 */
	FS_O_APPEND = 32 /* every write goes to the end */
};

enum { FS_SEEK_SET = 0, FS_SEEK_CUR = 1, FS_SEEK_END = 2 };

enum fs_type { FS_TYPE_FILE = 1, FS_TYPE_DIR = 2 };

struct fs_stat {
	enum fs_type type;
	uint64_t size; /* bytes; 0 for directories */
	int64_t mtime; /* seconds since 1970-01-01, filesystem's clock */
	uint32_t attr; /* filesystem-specific attribute bits (FAT: 0x3f) */
};

struct fs_dirent {
	char name[FS_NAME_BUF];
	struct fs_stat st;
};

struct fs_statfs {
	uint32_t block_size; /* allocation unit in bytes */
	uint64_t blocks;     /* data blocks in all */
	uint64_t free_blocks;
	uint32_t name_max;
	bool read_only;
	const char *type; /* "fat12", "fat16", "fat32", "static" */
};

/* The clock a writable filesystem stamps files with: seconds since
 * 1970-01-01 UTC.  NULL means every stamp reads 1980-01-01. */
typedef int64_t (*fs_clock_fn)(void *arg);

struct fs_mount_opts {
	bool read_only;
	fs_clock_fn clock;
	void *clock_arg;
	unsigned cache_sectors; /* metadata cache size; 0: the default */
};

struct fs;
struct fs_file;

/* The operations a filesystem implements.  Paths arrive normalized (see
 * above); handles arrive checked (not NULL, right filesystem, right kind). */
struct fs_ops {
	int (*open)(struct fs *fs, const char *path, int flags,
		    struct fs_file **out);
	int (*close)(struct fs_file *f);
	int (*read)(struct fs_file *f, uint64_t pos, void *buf, size_t len,
		    size_t *done);
	int (*write)(struct fs_file *f, uint64_t pos, const void *buf,
		     size_t len, size_t *done);
	int (*fstat)(struct fs_file *f, struct fs_stat *st);
	/* the next entry after f->pos (opaque to this layer); GRAFT_ENOENT at
	 * the end */
	int (*readdir)(struct fs_file *f, struct fs_dirent *ent);
	int (*stat)(struct fs *fs, const char *path, struct fs_stat *st);
	int (*mkdir)(struct fs *fs, const char *path);
	int (*unlink)(struct fs *fs, const char *path);
	int (*rename)(struct fs *fs, const char *from, const char *to);
	int (*sync)(struct fs *fs);
	int (*statfs)(struct fs *fs, struct fs_statfs *st);
	int (*unmount)(struct fs *fs); /* also frees fs */
};

/* The head of every mounted filesystem; implementations embed it first. */
struct fs {
	const struct fs_ops *ops;
	bool read_only;
	unsigned open_files;
	char detail[160];
};

/* The head of every open handle; implementations embed it first. */
struct fs_file {
	struct fs *fs;
	uint64_t pos; /* files: byte offset; directories: the fs's cursor */
	int flags;
	bool is_dir;
};

/*
 * fs_open - open the file or directory at path.  Directories open for
 * reading only (GRAFT_EISDIR otherwise) and are read with fs_readdir.
 * GRAFT_ENOENT (absent, or a parent absent), GRAFT_ENOTDIR (a parent is a
 * file), GRAFT_EEXIST (CREATE|EXCL), GRAFT_EROFS, GRAFT_ENOSPC,
 * GRAFT_ENAMETOOLONG, GRAFT_EINVAL (bad flags or name), GRAFT_ENOMEM,
 * GRAFT_EFORMAT or GRAFT_EIO (the medium).  *out is the caller's until
 * fs_close.
 */
int fs_open(struct fs *fs, const char *path, int flags, struct fs_file **out);
/* fs_close - release a handle (NULL is ignored); data written through it is
 * in the filesystem's cache, durable only after fs_sync. */
int fs_close(struct fs_file *f);
/* fs_read - up to len bytes from the current position; *done (may be NULL)
 * gets the count, 0 at the end of the file.  GRAFT_EISDIR, GRAFT_EBADF
 * (not open for reading), GRAFT_EFORMAT, GRAFT_EIO. */
int fs_read(struct fs_file *f, void *buf, size_t len, size_t *done);
/* fs_write - len bytes at the current position (the end with APPEND),
 * zero-filling any gap.  When the medium fills, writes what fits, sets
 * *done and returns GRAFT_ENOSPC.  GRAFT_EBADF, GRAFT_EROFS, GRAFT_ERANGE
 * (past the largest file the filesystem holds), GRAFT_EIO. */
int fs_write(struct fs_file *f, const void *buf, size_t len, size_t *done);
/* fs_seek - move the position; *newpos (may be NULL) gets it.  Seeking past
 * the end is allowed (a later write fills the gap).  GRAFT_EINVAL for a
 * negative result or bad whence, GRAFT_EISDIR for directories (use
 * fs_rewinddir). */
int fs_seek(struct fs_file *f, int64_t off, int whence, uint64_t *newpos);
int fs_fstat(struct fs_file *f, struct fs_stat *st);
/* fs_readdir - the next entry of a directory handle, "." and ".." left out;
 * GRAFT_ENOENT after the last.  GRAFT_ENOTDIR for a file handle. */
int fs_readdir(struct fs_file *dir, struct fs_dirent *ent);
int fs_rewinddir(struct fs_file *dir);

int fs_stat(struct fs *fs, const char *path, struct fs_stat *st);
/* fs_mkdir - GRAFT_EEXIST if anything has that name. */
int fs_mkdir(struct fs *fs, const char *path);
/* fs_unlink - remove a file or an empty directory (GRAFT_ENOTEMPTY);
 * GRAFT_EBUSY if it is open; GRAFT_EINVAL for the root. */
int fs_unlink(struct fs *fs, const char *path);
/* fs_rename - move from to to.  An existing file at to is replaced when from
 * is a file; anything else at to gives GRAFT_EEXIST.  GRAFT_EINVAL when to
 * lies inside from; GRAFT_EBUSY if from or to is open. */
int fs_rename(struct fs *fs, const char *from, const char *to);
/* fs_sync - make everything written so far durable on the medium. */
int fs_sync(struct fs *fs);
int fs_statfs(struct fs *fs, struct fs_statfs *st);
/* fs_unmount - sync and free the filesystem (also after a failed sync,
 * whose error is returned).  GRAFT_EBUSY, and nothing freed, while handles
 * are open. */
int fs_unmount(struct fs *fs);
/* fs_error_detail - what the last failed call on fs found wrong, or "". */
const char *fs_error_detail(struct fs *fs);

/* For filesystems: record the detail of an error and return err. */
int fs_fail(struct fs *fs, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * fs_path_normalize - the normalized form of path (see above) in out
 * (FS_PATH_MAX bytes).  GRAFT_ENAMETOOLONG for a component longer than
 * FS_NAME_MAX characters or a path longer than FS_PATH_MAX, GRAFT_EINVAL
 * for NUL-less or control characters.
 */
int fs_path_normalize(const char *path, char *out);
/*
 * fs_path_split - split a normalized path into its parent (a normalized
 * path, in parent, FS_PATH_MAX bytes) and its last component (a pointer
 * into path).  GRAFT_EINVAL for the root, which has no last component.
 */
int fs_path_split(const char *path, char *parent, const char **name);
/*
 * fs_path_next - iterate over the components of a normalized path: *pos
 * starts at 0; each call sets *name and *len to the next component and
 * returns true, or returns false at the end.
 */
bool fs_path_next(const char *path, size_t *pos, const char **name,
		  size_t *len);
/* fs_path_inside - true if normalized path a is b or lies below b. */
bool fs_path_inside(const char *a, const char *b);
/* fs_utf8_length - characters in a UTF-8 string of n bytes, or -1 if it is
 * not well-formed UTF-8. */
long fs_utf8_length(const char *s, size_t n);

#endif
