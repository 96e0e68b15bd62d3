/*
 * The static filesystem: a table made by tools/mkstatic, checked once at
 * mount (fs_static_validate), then served without copying.  Invariants
 * after the check: entries are strictly sorted by path with the root
 * first, every directory's children range lies inside the children array
 * and names valid entries, so lookups are binary searches and reads are
 * memcpy from the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fs/static/static.h"

struct static_fs {
	struct fs fs;
	const struct fs_static_image *img;
};

struct static_file {
	struct fs_file h;
	const struct fs_static_entry *e;
};

static const struct fs_ops static_ops;

/* Checks: magic, a root entry first, paths strictly sorted, directories'
 * children ranges inside the children array, child indices in range. */
static int fs_static_validate(const struct fs_static_image *img)
{
	const struct fs_static_entry *e = img->entries;

	if (img->magic != FS_STATIC_MAGIC || img->nentries == 0 || !e ||
	    !e[0].path || e[0].path[0] != '\0' || !e[0].is_dir)
		return GRAFT_EFORMAT;
	for (uint32_t i = 0; i < img->nentries; i++) {
		if (!e[i].path || (e[i].size && !e[i].data))
			return GRAFT_EFORMAT;
		if (i && strcmp(e[i - 1].path, e[i].path) >= 0)
			return GRAFT_EFORMAT;
		if (!e[i].is_dir)
			continue;
		if (e[i].first_child > img->nchildren ||
		    e[i].nchildren > img->nchildren - e[i].first_child)
			return GRAFT_EFORMAT;
	}
	for (uint32_t i = 0; i < img->nchildren; i++)
		if (img->children[i] >= img->nentries)
			return GRAFT_EFORMAT;
	return 0;
}

int fs_static_mount(const struct fs_static_image *img, struct fs **out)
{
	struct static_fs *s;

	if (!img || !out)
		return GRAFT_EINVAL;
	if (fs_static_validate(img))
		return GRAFT_EFORMAT;
	s = calloc(1, sizeof(*s));
	if (!s)
		return GRAFT_ENOMEM;
	s->fs.ops = &static_ops;
	s->fs.read_only = true;
	s->img = img;
	*out = &s->fs;
	return 0;
}

static int cmp_path(const void *key, const void *elem)
{
	return strcmp(key, ((const struct fs_static_entry *)elem)->path);
}

static const struct fs_static_entry *lookup(struct fs *f, const char *path)
{
	const struct fs_static_image *img = ((struct static_fs *)f)->img;

	return bsearch(path, img->entries, img->nentries,
		       sizeof(img->entries[0]), cmp_path);
}

static int st_open(struct fs *f, const char *path, int flags,
		   struct fs_file **out)
{
	const struct fs_static_entry *e = lookup(f, path);
	struct static_file *sf;

	(void)flags;
	if (!e)
		return fs_fail(f, GRAFT_ENOENT, "static: no '%s'", path);
	sf = calloc(1, sizeof(*sf));
	if (!sf)
		return GRAFT_ENOMEM;
	sf->e = e;
	sf->h.is_dir = e->is_dir;
	*out = &sf->h;
	return 0;
}

static int st_close(struct fs_file *f)
{
	free(f);
	return 0;
}

static int st_read(struct fs_file *f, uint64_t pos, void *buf, size_t len,
		   size_t *done)
{
	const struct fs_static_entry *e = ((struct static_file *)f)->e;

	*done = 0;
	if (pos >= e->size)
		return 0;
	if (len > e->size - pos)
		len = (size_t)(e->size - pos);
	memcpy(buf, e->data + pos, len);
	*done = len;
	return 0;
}

static int st_write(struct fs_file *f, uint64_t pos, const void *buf,
		    size_t len, size_t *done)
{
	(void)pos, (void)buf, (void)len;
	*done = 0;
	return fs_fail(f->fs, GRAFT_EROFS, "static: read-only");
}

static void fill(const struct fs_static_entry *e, struct fs_stat *st)
{
	st->type = e->is_dir ? FS_TYPE_DIR : FS_TYPE_FILE;
	st->size = e->is_dir ? 0 : e->size;
	st->mtime = e->mtime;
	st->attr = 0;
}

static int st_fstat(struct fs_file *f, struct fs_stat *st)
{
	fill(((struct static_file *)f)->e, st);
	return 0;
}

static int st_readdir(struct fs_file *f, struct fs_dirent *ent)
{
	const struct fs_static_image *img = ((struct static_fs *)f->fs)->img;
	const struct fs_static_entry *d = ((struct static_file *)f)->e, *c;
	const char *slash;

	if (f->pos >= d->nchildren)
		return GRAFT_ENOENT;
	c = &img->entries[img->children[d->first_child + f->pos++]];
	slash = strrchr(c->path, '/');
	snprintf(ent->name, sizeof(ent->name), "%s",
		 slash ? slash + 1 : c->path);
	fill(c, &ent->st);
	return 0;
}

static int st_stat(struct fs *f, const char *path, struct fs_stat *st)
{
	const struct fs_static_entry *e = lookup(f, path);

	if (!e)
		return fs_fail(f, GRAFT_ENOENT, "static: no '%s'", path);
	fill(e, st);
	return 0;
}

static int st_change(struct fs *f, const char *path)
{
	return fs_fail(f, GRAFT_EROFS, "static: '%s' is read-only", path);
}

static int st_rename(struct fs *f, const char *from, const char *to)
{
	(void)to;
	return st_change(f, from);
}

static int st_sync(struct fs *f)
{
	(void)f;
	return 0;
}

static int st_statfs(struct fs *f, struct fs_statfs *st)
{
	const struct fs_static_image *img = ((struct static_fs *)f)->img;
	uint64_t bytes = 0;

	for (uint32_t i = 0; i < img->nentries; i++)
		bytes += img->entries[i].size;
	st->block_size = 1;
	st->blocks = bytes;
	st->free_blocks = 0;
	st->name_max = FS_NAME_MAX;
	st->read_only = true;
	st->type = "static";
	return 0;
}

static int st_unmount(struct fs *f)
{
	free(f);
	return 0;
}

static const struct fs_ops static_ops = {
    .open = st_open,
    .close = st_close,
    .read = st_read,
    .write = st_write,
    .fstat = st_fstat,
    .readdir = st_readdir,
    .stat = st_stat,
    .mkdir = st_change,
    .unlink = st_change,
    .rename = st_rename,
    .sync = st_sync,
    .statfs = st_statfs,
    .unmount = st_unmount,
};
