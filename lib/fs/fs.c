/*
 * lib/fs: the shared front of every filesystem.  Checks handles and flags,
 * keeps file positions, and normalizes paths in one place so that no
 * filesystem ever sees ".", "..", empty components or an over-long name.
 * Invariant: a path handed to an fs_ops call is normalized (fs.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/fs/fs.h"

int fs_fail(struct fs *fs, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fs->detail, sizeof(fs->detail), fmt, ap);
	va_end(ap);
	return err;
}

const char *fs_error_detail(struct fs *fs)
{
	return fs ? fs->detail : "";
}

long fs_utf8_length(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	long chars = 0;
	size_t i = 0;

	while (i < n) {
		unsigned c = p[i], more;
		if (c < 0x80)
			more = 0;
		else if (c >= 0xc2 && c < 0xe0)
			more = 1;
		else if (c >= 0xe0 && c < 0xf0)
			more = 2;
		else if (c >= 0xf0 && c < 0xf5)
			more = 3;
		else
			return -1;
		if (more && i + more >= n)
			return -1;
		for (unsigned k = 1; k <= more; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return -1;
		i += more + 1;
		chars++;
	}
	return chars;
}

/* Append one component to out (length *olen), resolving "." and "..". */
static int path_push(char *out, size_t *olen, const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return 0;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		char *slash;
		out[*olen] = '\0';
		slash = strrchr(out, '/');
		*olen = slash ? (size_t)(slash - out) : 0;
		out[*olen] = '\0';
		return 0;
	}
	long chars = fs_utf8_length(c, n);
	if (chars < 0)
		return GRAFT_EINVAL;
	if (chars > FS_NAME_MAX)
		return GRAFT_ENAMETOOLONG;
	if (*olen + (*olen ? 1 : 0) + n + 1 > FS_PATH_MAX)
		return GRAFT_ENAMETOOLONG;
	if (*olen)
		out[(*olen)++] = '/';
	memcpy(out + *olen, c, n);
	*olen += n;
	out[*olen] = '\0';
	return 0;
}

int fs_path_normalize(const char *path, char *out)
{
	size_t olen = 0, i = 0, len;

	if (!path)
		return GRAFT_EINVAL;
	len = strnlen(path, FS_PATH_MAX * 4);
	if (len == FS_PATH_MAX * 4)
		return GRAFT_ENAMETOOLONG;
	out[0] = '\0';
	while (i < len) {
		size_t start = i;
		while (i < len && path[i] != '/') {
			if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f)
				return GRAFT_EINVAL;
			i++;
		}
		int err = path_push(out, &olen, path + start, i - start);
		if (err)
			return err;
		i++;
	}
	return 0;
}

int fs_path_split(const char *path, char *parent, const char **name)
{
	const char *slash = strrchr(path, '/');

	if (path[0] == '\0')
		return GRAFT_EINVAL;
	if (!slash) {
		parent[0] = '\0';
		*name = path;
		return 0;
	}
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = '\0';
	*name = slash + 1;
	return 0;
}

bool fs_path_next(const char *path, size_t *pos, const char **name, size_t *len)
{
	size_t i = *pos;

	if (path[i] == '/')
		i++;
	if (path[i] == '\0')
		return false;
	*name = path + i;
	while (path[i] && path[i] != '/')
		i++;
	*len = (size_t)(path + i - *name);
	*pos = i;
	return true;
}

bool fs_path_inside(const char *a, const char *b)
{
	size_t n = strlen(b);

	if (n == 0)
		return true;
	return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

static int check_flags(struct fs *fs, int flags)
{
	int mode = flags & FS_O_RDWR;

	if (mode == 0 || (flags & ~63))
		return fs_fail(fs, GRAFT_EINVAL, "open: bad flags %#x", flags);
	if ((flags & FS_O_EXCL) && !(flags & FS_O_CREATE))
		return fs_fail(fs, GRAFT_EINVAL, "open: EXCL without CREATE");
	if (fs->read_only &&
	    ((mode & FS_O_WRITE) || (flags & (FS_O_CREATE | FS_O_TRUNC))))
		return fs_fail(fs, GRAFT_EROFS, "open: read-only filesystem");
	return 0;
}

int fs_open(struct fs *fs, const char *path, int flags, struct fs_file **out)
{
	char norm[FS_PATH_MAX];
	int err;

	if (!fs || !out)
		return GRAFT_EINVAL;
	*out = NULL;
	err = check_flags(fs, flags);
	if (err)
		return err;
	err = fs_path_normalize(path, norm);
	if (err)
		return fs_fail(fs, err, "open: bad path");
	err = fs->ops->open(fs, norm, flags, out);
	if (err)
		return err;
	(*out)->fs = fs;
	(*out)->pos = 0;
	(*out)->flags = flags;
	fs->open_files++;
	return 0;
}

int fs_close(struct fs_file *f)
{
	if (!f)
		return 0;
	f->fs->open_files--;
	return f->fs->ops->close(f);
}

int fs_read(struct fs_file *f, void *buf, size_t len, size_t *done)
{
	size_t got = 0;
	int err;

	if (done)
		*done = 0;
	if (!f || (!buf && len))
		return GRAFT_EINVAL;
	if (f->is_dir)
		return fs_fail(f->fs, GRAFT_EISDIR, "read: is a directory");
	if (!(f->flags & FS_O_READ))
		return fs_fail(f->fs, GRAFT_EBADF,
			       "read: not open for reading");
	err = f->fs->ops->read(f, f->pos, buf, len, &got);
	f->pos += got;
	if (done)
		*done = got;
	return err;
}

int fs_write(struct fs_file *f, const void *buf, size_t len, size_t *done)
{
	size_t put = 0;
	int err;

	if (done)
		*done = 0;
	if (!f || (!buf && len))
		return GRAFT_EINVAL;
	if (f->is_dir)
		return fs_fail(f->fs, GRAFT_EISDIR, "write: is a directory");
	if (!(f->flags & FS_O_WRITE))
		return fs_fail(f->fs, GRAFT_EBADF,
			       "write: not open for writing");
	if (f->fs->read_only)
		return fs_fail(f->fs, GRAFT_EROFS, "write: read-only");
	if (f->flags & FS_O_APPEND) {
		struct fs_stat st;
		err = f->fs->ops->fstat(f, &st);
		if (err)
			return err;
		f->pos = st.size;
	}
	err = f->fs->ops->write(f, f->pos, buf, len, &put);
	f->pos += put;
	if (done)
		*done = put;
	return err;
}

int fs_seek(struct fs_file *f, int64_t off, int whence, uint64_t *newpos)
{
	struct fs_stat st;
	int64_t base;
	int err;

	if (!f)
		return GRAFT_EINVAL;
	if (f->is_dir)
		return fs_fail(f->fs, GRAFT_EISDIR, "seek: is a directory");
	switch (whence) {
	case FS_SEEK_SET:
		base = 0;
		break;
	case FS_SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case FS_SEEK_END:
		err = f->fs->ops->fstat(f, &st);
		if (err)
			return err;
		base = (int64_t)st.size;
		break;
	default:
		return fs_fail(f->fs, GRAFT_EINVAL, "seek: bad whence %d",
			       whence);
	}
	if ((off < 0 && base + off < 0) || (off > 0 && base > INT64_MAX - off))
		return fs_fail(f->fs, GRAFT_EINVAL, "seek: bad offset");
	f->pos = (uint64_t)(base + off);
	if (newpos)
		*newpos = f->pos;
	return 0;
}

int fs_fstat(struct fs_file *f, struct fs_stat *st)
{
	if (!f || !st)
		return GRAFT_EINVAL;
	return f->fs->ops->fstat(f, st);
}

int fs_readdir(struct fs_file *dir, struct fs_dirent *ent)
{
	if (!dir || !ent)
		return GRAFT_EINVAL;
	if (!dir->is_dir)
		return fs_fail(dir->fs, GRAFT_ENOTDIR,
			       "readdir: not a directory");
	return dir->fs->ops->readdir(dir, ent);
}

int fs_rewinddir(struct fs_file *dir)
{
	if (!dir)
		return GRAFT_EINVAL;
	if (!dir->is_dir)
		return fs_fail(dir->fs, GRAFT_ENOTDIR,
			       "rewinddir: not a directory");
	dir->pos = 0;
	return 0;
}

int fs_stat(struct fs *fs, const char *path, struct fs_stat *st)
{
	char norm[FS_PATH_MAX];
	int err;

	if (!fs || !st)
		return GRAFT_EINVAL;
	err = fs_path_normalize(path, norm);
	if (err)
		return fs_fail(fs, err, "stat: bad path");
	return fs->ops->stat(fs, norm, st);
}

/* Common front of the calls that change the tree. */
static int prepare_change(struct fs *fs, const char *what, const char *path,
			  char *norm)
{
	int err;

	if (!fs)
		return GRAFT_EINVAL;
	if (fs->read_only)
		return fs_fail(fs, GRAFT_EROFS, "%s: read-only filesystem",
			       what);
	err = fs_path_normalize(path, norm);
	if (err)
		return fs_fail(fs, err, "%s: bad path", what);
	if (norm[0] == '\0')
		return fs_fail(fs, GRAFT_EINVAL, "%s: not on the root", what);
	return 0;
}

int fs_mkdir(struct fs *fs, const char *path)
{
	char norm[FS_PATH_MAX];
	int err = prepare_change(fs, "mkdir", path, norm);

	return err ? err : fs->ops->mkdir(fs, norm);
}

int fs_unlink(struct fs *fs, const char *path)
{
	char norm[FS_PATH_MAX];
	int err = prepare_change(fs, "unlink", path, norm);

	return err ? err : fs->ops->unlink(fs, norm);
}

int fs_rename(struct fs *fs, const char *from, const char *to)
{
	char a[FS_PATH_MAX], b[FS_PATH_MAX];
	int err = prepare_change(fs, "rename", from, a);

	if (err)
		return err;
	err = prepare_change(fs, "rename", to, b);
	if (err)
		return err;
	if (strcmp(a, b) == 0)
		return 0;
	if (fs_path_inside(b, a))
		return fs_fail(fs, GRAFT_EINVAL,
			       "rename: '%s' lies inside '%s'", b, a);
	return fs->ops->rename(fs, a, b);
}

int fs_sync(struct fs *fs)
{
	if (!fs)
		return GRAFT_EINVAL;
	return fs->ops->sync(fs);
}

int fs_statfs(struct fs *fs, struct fs_statfs *st)
{
	if (!fs || !st)
		return GRAFT_EINVAL;
	return fs->ops->statfs(fs, st);
}

int fs_unmount(struct fs *fs)
{
	if (!fs)
		return 0;
	if (fs->open_files)
		return fs_fail(fs, GRAFT_EBUSY, "unmount: %u handles open",
			       fs->open_files);
	return fs->ops->unmount(fs);
}
