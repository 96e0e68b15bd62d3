/*
 * The lib/fs operations for FAT: path resolution, open nodes, file data I/O
 * and the tree-changing calls.  File data moves between the caller's buffer
 * and the device directly, one device call per contiguous run of clusters;
 * only partial sectors pass through a one-sector scratch buffer.
 * Invariants: a node's chain was checked (fat_chain_walk) when it was
 * opened and node->nclus/last track it since; node->size never exceeds
 * nclus * cluster_size; an entry that is open is never removed or moved.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/fs/fat/fat_internal.h"

#define FAT_RUN_MAX (16u << 20) /* bytes per device call, at most */

int fat_unmount_fs(struct fs *f);
int fat_statfs_fs(struct fs *f, struct fs_statfs *st);

static const uint8_t zeros[4096];

static struct fat_fs *FS(struct fs *f)
{
	return (struct fat_fs *)f;
}

static uint32_t root_first(struct fat_fs *fs)
{
	return fs->g.type == 32 ? fs->g.root_cluster : 0;
}

/* Enter the directory of entry e; its first cluster must be valid. */
static int enter_dir(struct fat_fs *fs, const struct fat_entry *e,
		     struct fat_dir *d)
{
	if (!(e->attr & FAT_ATTR_DIR))
		return fs_fail(&fs->fs, GRAFT_ENOTDIR, "fat: '%s' is a file",
			       e->name);
	if (!fat_valid_cluster(fs, e->first))
		return fs_fail(&fs->fs, GRAFT_EFORMAT,
			       "fat: directory '%s' starts at bad cluster %u",
			       e->name, e->first);
	fat_dir_init(fs, d, e->first);
	return 0;
}

/* The directory at normalized path dir; GRAFT_EINVAL if it passes through
 * cluster avoid (a directory being moved into itself). */
static int resolve_dir(struct fat_fs *fs, const char *dir, struct fat_dir *d,
		       uint32_t avoid)
{
	struct fat_entry e;
	const char *name;
	size_t pos = 0, len;
	int err;

	fat_dir_init(fs, d, root_first(fs));
	while (fs_path_next(dir, &pos, &name, &len)) {
		err = fat_dir_lookup(fs, d, name, len, &e);
		if (err == GRAFT_ENOENT)
			return fs_fail(&fs->fs, err, "fat: no directory '%.*s'",
				       (int)len, name);
		if (err)
			return err;
		err = enter_dir(fs, &e, d);
		if (err)
			return err;
		if (avoid && e.first == avoid)
			return fs_fail(&fs->fs, GRAFT_EINVAL,
				       "fat: cannot move a directory into "
				       "itself");
	}
	return 0;
}

/* Resolve path's parent into d and look its last component up in e.
 * Returns the lookup's result (GRAFT_ENOENT if only the last is absent). */
static int resolve(struct fat_fs *fs, const char *path, struct fat_dir *d,
		   struct fat_entry *e, const char **name)
{
	char parent[FS_PATH_MAX];
	int err = fs_path_split(path, parent, name);

	if (err)
		return err;
	err = resolve_dir(fs, parent, d, 0);
	if (err)
		return err;
	return fat_dir_lookup(fs, d, *name, strlen(*name), e);
}

static struct fat_node *node_find(struct fat_fs *fs, uint64_t sector,
				  uint32_t off)
{
	for (struct fat_node *n = fs->nodes; n; n = n->next)
		if (!n->is_root && n->ent_sector == sector && n->ent_off == off)
			return n;
	return NULL;
}

static bool entry_busy(struct fat_fs *fs, const struct fat_entry *e)
{
	return node_find(fs, e->sector, e->off) != NULL;
}

/* Take a reference on the node for e (NULL e: the root), creating it and
 * checking its chain the first time. */
static int node_get(struct fat_fs *fs, const struct fat_entry *e,
		    struct fat_node **out)
{
	struct fat_node *n;
	int err;

	for (n = fs->nodes; n; n = n->next) {
		if (e ? (!n->is_root && n->ent_sector == e->sector &&
			 n->ent_off == e->off)
		      : n->is_root) {
			n->refs++;
			*out = n;
			return 0;
		}
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return GRAFT_ENOMEM;
	if (e) {
		n->ent_sector = e->sector;
		n->ent_off = e->off;
		n->is_dir = e->attr & FAT_ATTR_DIR;
		n->first = e->first;
		n->size = n->is_dir ? 0 : e->size;
		memcpy(n->name, e->short_name, sizeof(e->short_name));
	} else {
		n->is_root = n->is_dir = true;
		n->first = root_first(fs);
		strcpy(n->name, "/");
	}
	if (n->is_dir && !n->is_root && !fat_valid_cluster(fs, n->first)) {
		err = fs_fail(&fs->fs, GRAFT_EFORMAT,
			      "fat: directory '%s' starts at bad cluster %u",
			      n->name, n->first);
		goto fail;
	}
	if (n->first) {
		err =
		    fat_chain_walk(fs, n->first, &n->nclus, &n->last, n->name);
		if (err)
			goto fail;
	}
	if ((uint64_t)n->size > (uint64_t)n->nclus * fs->g.cluster_size) {
		err = fs_fail(&fs->fs, GRAFT_EFORMAT,
			      "fat: '%s' is larger than its cluster chain",
			      n->name);
		goto fail;
	}
	n->refs = 1;
	n->next = fs->nodes;
	fs->nodes = n;
	*out = n;
	return 0;
fail:
	free(n);
	return err;
}

static void node_put(struct fat_fs *fs, struct fat_node *n)
{
	struct fat_node **pp;

	if (--n->refs)
		return;
	for (pp = &fs->nodes; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	}
	free(n);
}

/* Copy the node's first cluster and size into its entry (in the cache). */
static int node_store(struct fat_fs *fs, struct fat_node *n, bool touch)
{
	uint8_t *data, *raw;
	int err;

	if (n->is_root)
		return 0;
	err = fat_cache_get(fs, n->ent_sector, false, &data);
	if (err)
		return err;
	raw = data + n->ent_off;
	fat_entry_set_first(raw, n->first);
	fat_put32(raw + 28, n->is_dir ? 0 : n->size);
	if (touch) {
		uint16_t date, time;
		fat_time_encode(fat_now(fs), &date, &time);
		fat_put16(raw + 22, time);
		fat_put16(raw + 24, date);
		fat_put16(raw + 18, date);
		raw[11] |= FAT_ATTR_ARCHIVE;
	}
	fat_cache_dirty(fs, n->ent_sector);
	return 0;
}

/* A fresh short entry: attributes, all three stamps now, cluster, size. */
static void entry_template(struct fat_fs *fs, uint8_t raw[FAT_SLOT],
			   uint8_t attr, uint32_t first, uint8_t case_bits)
{
	uint16_t date, time;

	memset(raw, 0, FAT_SLOT);
	fat_time_encode(fat_now(fs), &date, &time);
	raw[11] = attr;
	raw[12] = case_bits;
	fat_put16(raw + 14, time);
	fat_put16(raw + 16, date);
	fat_put16(raw + 18, date);
	fat_put16(raw + 22, time);
	fat_put16(raw + 24, date);
	fat_entry_set_first(raw, first);
}

static int create_entry(struct fat_fs *fs, struct fat_dir *d, const char *name,
			uint8_t attr, uint32_t first, struct fat_entry *e)
{
	uint8_t sfn[11], case_bits, raw[FAT_SLOT];
	uint32_t slot, nslots;
	size_t len = strlen(name);
	int err =
	    fat_dir_reserve(fs, d, name, len, sfn, &case_bits, &slot, &nslots);

	if (err)
		return err;
	entry_template(fs, raw, attr, first, case_bits);
	return fat_dir_write(fs, d, name, len, sfn, slot, nslots, raw, e);
}

static int truncate_node(struct fat_fs *fs, struct fat_node *n)
{
	int err = fat_free_later(fs, n->first);

	if (err)
		return err;
	n->first = n->nclus = n->last = n->size = 0;
	n->gen++;
	return node_store(fs, n, true);
}

static int open_entry(struct fat_fs *fs, const char *path, int flags,
		      struct fat_node **node)
{
	struct fat_dir d;
	struct fat_entry e;
	const char *name;
	int err;

	if (path[0] == '\0') {
		if (flags & (FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC))
			return fs_fail(&fs->fs, GRAFT_EISDIR,
				       "fat: the root is a directory");
		return node_get(fs, NULL, node);
	}
	err = resolve(fs, path, &d, &e, &name);
	if (err == GRAFT_ENOENT && (flags & FS_O_CREATE)) {
		err = create_entry(fs, &d, name, FAT_ATTR_ARCHIVE, 0, &e);
		if (err)
			return err;
		return node_get(fs, &e, node);
	}
	if (err == GRAFT_ENOENT)
		return fs_fail(&fs->fs, err, "fat: no '%s'", path);
	if (err)
		return err;
	if ((flags & FS_O_CREATE) && (flags & FS_O_EXCL))
		return fs_fail(&fs->fs, GRAFT_EEXIST, "fat: '%s' exists", path);
	if ((e.attr & FAT_ATTR_DIR) && (flags & (FS_O_WRITE | FS_O_TRUNC)))
		return fs_fail(&fs->fs, GRAFT_EISDIR,
			       "fat: '%s' is a directory", path);
	if ((e.attr & FAT_ATTR_RO) && (flags & (FS_O_WRITE | FS_O_TRUNC)))
		return fs_fail(&fs->fs, GRAFT_EPERM, "fat: '%s' is read-only",
			       path);
	err = node_get(fs, &e, node);
	if (err)
		return err;
	if ((flags & FS_O_TRUNC) && ((*node)->size || (*node)->first)) {
		err = truncate_node(fs, *node);
		if (err) {
			node_put(fs, *node);
			return err;
		}
	}
	return 0;
}

static int fat_open(struct fs *f, const char *path, int flags,
		    struct fs_file **out)
{
	struct fat_fs *fs = FS(f);
	struct fat_file *ff = calloc(1, sizeof(*ff));
	int err;

	if (!ff)
		return GRAFT_ENOMEM;
	err = open_entry(fs, path, flags, &ff->node);
	if (err) {
		free(ff);
		return err;
	}
	ff->h.is_dir = ff->node->is_dir;
	ff->gen = ff->node->gen;
	*out = &ff->h;
	return 0;
}

static int fat_close(struct fs_file *f)
{
	struct fat_file *ff = (struct fat_file *)f;

	node_put(FS(f->fs), ff->node);
	free(ff);
	return 0;
}

/* The cluster holding cluster index ci of the file, via the handle's
 * cursor so that sequential access never re-walks the chain. */
static int file_cluster(struct fat_fs *fs, struct fat_file *ff, uint32_t ci,
			uint32_t *out)
{
	struct fat_node *n = ff->node;
	uint32_t c, i;
	int err;

	if (ci >= n->nclus)
		return fs_fail(&fs->fs, GRAFT_EFORMAT,
			       "fat: '%s' chain too short", n->name);
	if (ff->cur_clus && ff->gen == n->gen && ff->cur_idx <= ci) {
		c = ff->cur_clus;
		i = ff->cur_idx;
	} else if (ci == n->nclus - 1) {
		c = n->last;
		i = ci;
	} else {
		c = n->first;
		i = 0;
	}
	while (i < ci) {
		err = fat_next(fs, c, &c);
		if (err)
			return err;
		if (!c)
			return fs_fail(&fs->fs, GRAFT_EFORMAT,
				       "fat: '%s' chain too short", n->name);
		i++;
	}
	ff->cur_idx = ci;
	ff->cur_clus = c;
	ff->gen = n->gen;
	*out = c;
	return 0;
}

/* How many bytes from cluster c (index ci, offset off) on are contiguous on
 * the device, up to want; moves the cursor to the run's last cluster. */
static int contiguous(struct fat_fs *fs, struct fat_file *ff, uint32_t c,
		      uint32_t off, size_t want, size_t *avail)
{
	uint32_t cs = fs->g.cluster_size, run = 1, next;
	uint64_t need = ((uint64_t)off + want + cs - 1) / cs;
	int err;

	if (need > FAT_RUN_MAX / cs)
		need = FAT_RUN_MAX / cs;
	while (run < need) {
		err = fat_next(fs, c, &next);
		if (err)
			return err;
		if (next != c + 1)
			break;
		c = next;
		run++;
	}
	ff->cur_idx += run - 1;
	ff->cur_clus = c;
	*avail = (size_t)run * cs - off;
	if (*avail > want)
		*avail = want;
	return 0;
}

/* Move len bytes at pos between buf and the file's clusters. */
static int data_io(struct fat_fs *fs, struct fat_file *ff, uint64_t pos,
		   uint8_t *buf, size_t len, bool write, size_t *done)
{
	uint32_t bps = fs->g.bps, cs = fs->g.cluster_size;
	int err;

	*done = 0;
	while (len) {
		uint32_t c = 0, off = (uint32_t)(pos % cs);
		size_t avail, n;
		err = file_cluster(fs, ff, (uint32_t)(pos / cs), &c);
		if (err)
			return err;
		err = contiguous(fs, ff, c, off, len, &avail);
		if (err)
			return err;
		uint64_t sec = fat_clus2sec(fs, c) + off / bps;
		uint32_t soff = off % bps;
		if (soff || avail < bps) {
			n = bps - soff < avail ? bps - soff : avail;
			err = fat_dev_read(fs, sec, fs->scratch, 1);
			if (!err && write) {
				memcpy(fs->scratch + soff, buf, n);
				err = fat_dev_write(fs, sec, fs->scratch, 1);
			} else if (!err) {
				memcpy(buf, fs->scratch + soff, n);
			}
		} else {
			uint32_t k = (uint32_t)(avail / bps);
			n = (size_t)k * bps;
			err = write ? fat_dev_write(fs, sec, buf, k)
				    : fat_dev_read(fs, sec, buf, k);
		}
		if (err)
			return err;
		if (write) {
			fat_cache_invalidate(fs, sec,
					     (n + soff + bps - 1) / bps);
			fs->data_unflushed = true;
		}
		pos += n;
		buf += n;
		len -= n;
		*done += n;
	}
	return 0;
}

static int fat_read(struct fs_file *f, uint64_t pos, void *buf, size_t len,
		    size_t *done)
{
	struct fat_file *ff = (struct fat_file *)f;
	struct fat_node *n = ff->node;

	*done = 0;
	if (pos >= n->size)
		return 0;
	if (len > n->size - pos)
		len = (size_t)(n->size - pos);
	return data_io(FS(f->fs), ff, pos, buf, len, false, done);
}

/* Grow the node's chain to cover end bytes, as far as space allows. */
static int ensure_clusters(struct fat_fs *fs, struct fat_node *n, uint64_t end)
{
	uint64_t need = (end + fs->g.cluster_size - 1) / fs->g.cluster_size;
	uint32_t c;
	int err;

	while (n->nclus < need) {
		err = fat_alloc(fs, n->last ? n->last + 1 : 0, &c);
		if (err == GRAFT_ENOSPC && fs->npending) {
			/* frees waiting for a commit: commit, then retry */
			err = fat_commit(fs);
			if (!err)
				err = fat_alloc(fs, n->last + 1, &c);
		}
		if (err)
			return err;
		if (n->nclus == 0)
			n->first = c;
		else if ((err = fat_set(fs, n->last, c)))
			return err;
		n->last = c;
		n->nclus++;
	}
	return 0;
}

static int write_at(struct fat_fs *fs, struct fat_file *ff, uint64_t pos,
		    const void *buf, size_t len, size_t *done)
{
	struct fat_node *n = ff->node;
	uint64_t cap;
	int err = ensure_clusters(fs, n, pos + len), err2;

	*done = 0;
	cap = (uint64_t)n->nclus * fs->g.cluster_size;
	if (cap < pos + len)
		len = cap > pos ? (size_t)(cap - pos) : 0;
	err2 = data_io(fs, ff, pos, (uint8_t *)buf, len, true, done);
	if (pos + *done > n->size)
		n->size = (uint32_t)(pos + *done);
	if (*done || n->first) {
		int e3 = node_store(fs, n, true);
		if (!err2)
			err2 = e3;
	}
	return err2 ? err2 : err;
}

static int fat_write(struct fs_file *f, uint64_t pos, const void *buf,
		     size_t len, size_t *done)
{
	struct fat_fs *fs = FS(f->fs);
	struct fat_file *ff = (struct fat_file *)f;
	struct fat_node *n = ff->node;
	int err = 0;
	size_t put;

	*done = 0;
	if (pos >= FAT_FILE_MAX && len)
		return fs_fail(&fs->fs, GRAFT_ERANGE, "fat: '%s' too large",
			       n->name);
	if (len > FAT_FILE_MAX - pos) {
		len = (size_t)(FAT_FILE_MAX - pos);
		err = fs_fail(&fs->fs, GRAFT_ERANGE, "fat: '%s' too large",
			      n->name);
	}
	while (n->size < pos) {
		size_t gap = pos - n->size > sizeof(zeros) ? sizeof(zeros)
							   : pos - n->size;
		int e = write_at(fs, ff, n->size, zeros, gap, &put);
		if (e)
			return e;
	}
	int e = write_at(fs, ff, pos, buf, len, done);
	return e ? e : err;
}

static void fill_stat(struct fat_fs *fs, const uint8_t *raw, bool is_dir,
		      uint32_t size, struct fs_stat *st)
{
	(void)fs;
	st->type = is_dir ? FS_TYPE_DIR : FS_TYPE_FILE;
	st->size = is_dir ? 0 : size;
	st->attr = raw ? raw[11] & 0x3f : FAT_ATTR_DIR;
	st->mtime =
	    raw ? fat_time_decode(fat_le16(raw + 24), fat_le16(raw + 22))
		: 315532800;
}

static int fat_fstat(struct fs_file *f, struct fs_stat *st)
{
	struct fat_fs *fs = FS(f->fs);
	struct fat_node *n = ((struct fat_file *)f)->node;
	uint8_t *data;
	int err;

	if (n->is_root) {
		fill_stat(fs, NULL, true, 0, st);
		return 0;
	}
	err = fat_cache_get(fs, n->ent_sector, false, &data);
	if (err)
		return err;
	fill_stat(fs, data + n->ent_off, n->is_dir, n->size, st);
	return 0;
}

static int fat_readdir(struct fs_file *f, struct fs_dirent *ent)
{
	struct fat_fs *fs = FS(f->fs);
	struct fat_file *ff = (struct fat_file *)f;
	struct fat_entry e;
	struct fat_dir d;
	uint32_t idx = (uint32_t)f->pos;
	int err;

	fat_dir_init(fs, &d, ff->node->first);
	d.cur_idx = ff->cur_idx;
	d.cur_clus = ff->cur_clus;
	err = fat_dir_next(fs, &d, &idx, &e);
	ff->cur_idx = d.cur_idx;
	ff->cur_clus = d.cur_clus;
	if (err)
		return err;
	f->pos = idx;
	memcpy(ent->name, e.name, sizeof(ent->name));
	fill_stat(fs, e.raw, e.attr & FAT_ATTR_DIR, e.size, &ent->st);
	return 0;
}

static int fat_stat(struct fs *f, const char *path, struct fs_stat *st)
{
	struct fat_fs *fs = FS(f);
	struct fat_dir d;
	struct fat_entry e;
	const char *name;
	int err;

	if (path[0] == '\0') {
		fill_stat(fs, NULL, true, 0, st);
		return 0;
	}
	err = resolve(fs, path, &d, &e, &name);
	if (err == GRAFT_ENOENT)
		return fs_fail(f, err, "fat: no '%s'", path);
	if (err)
		return err;
	fill_stat(fs, e.raw, e.attr & FAT_ATTR_DIR, e.size, st);
	return 0;
}

/* Write a new directory's first cluster: "." and "..", the rest zero.
 * Straight to the device, before any entry refers to it. */
static int init_dir_cluster(struct fat_fs *fs, uint32_t c, uint32_t parent)
{
	uint8_t *p = fs->scratch;
	int err = fat_zero_cluster(fs, c);

	if (err)
		return err;
	memset(p, 0, fs->g.bps);
	entry_template(fs, p, FAT_ATTR_DIR, c, 0);
	memcpy(p, ".          ", 11);
	entry_template(fs, p + FAT_SLOT, FAT_ATTR_DIR, parent, 0);
	memcpy(p + FAT_SLOT, "..         ", 11);
	return fat_dev_write(fs, fat_clus2sec(fs, c), p, 1);
}

static int fat_mkdir(struct fs *f, const char *path)
{
	struct fat_fs *fs = FS(f);
	struct fat_dir d;
	struct fat_entry e;
	uint8_t sfn[11], case_bits, raw[FAT_SLOT];
	uint32_t slot, nslots, c;
	const char *name;
	int err = resolve(fs, path, &d, &e, &name);

	if (err == 0)
		return fs_fail(f, GRAFT_EEXIST, "fat: '%s' exists", path);
	if (err != GRAFT_ENOENT)
		return err;
	err = fat_dir_reserve(fs, &d, name, strlen(name), sfn, &case_bits,
			      &slot, &nslots);
	if (err)
		return err;
	err = fat_alloc(fs, 0, &c);
	if (err)
		return err;
	err = init_dir_cluster(fs, c, d.first == root_first(fs) ? 0 : d.first);
	if (err)
		return err;
	entry_template(fs, raw, FAT_ATTR_DIR, c, case_bits);
	return fat_dir_write(fs, &d, name, strlen(name), sfn, slot, nslots, raw,
			     NULL);
}

static int fat_unlink(struct fs *f, const char *path)
{
	struct fat_fs *fs = FS(f);
	struct fat_dir d;
	struct fat_entry e;
	const char *name;
	int err = resolve(fs, path, &d, &e, &name);

	if (err == GRAFT_ENOENT)
		return fs_fail(f, err, "fat: no '%s'", path);
	if (err)
		return err;
	if (entry_busy(fs, &e))
		return fs_fail(f, GRAFT_EBUSY, "fat: '%s' is open", path);
	if (e.attr & FAT_ATTR_DIR) {
		if (!fat_valid_cluster(fs, e.first))
			return fs_fail(f, GRAFT_EFORMAT,
				       "fat: directory '%s' starts at bad "
				       "cluster %u",
				       path, e.first);
		err = fat_dir_is_empty(fs, e.first);
		if (err < 0)
			return err;
		if (err == 0)
			return fs_fail(f, GRAFT_ENOTEMPTY,
				       "fat: '%s' is not empty", path);
	}
	err = fat_dir_remove(fs, &d, &e);
	if (err)
		return err;
	return fat_valid_cluster(fs, e.first) ? fat_free_later(fs, e.first) : 0;
}

/* Point the ".." entry of the directory starting at c at parent. */
static int set_dotdot(struct fat_fs *fs, uint32_t c, uint32_t parent)
{
	uint64_t sec = fat_clus2sec(fs, c);
	uint8_t *data;
	int err = fat_cache_get(fs, sec, false, &data);

	if (err)
		return err;
	if (memcmp(data + FAT_SLOT, "..         ", 11) != 0)
		return 0; /* no ".." to fix: leave the directory be */
	fat_entry_set_first(data + FAT_SLOT, parent);
	fat_cache_dirty(fs, sec);
	return 0;
}

static int fat_rename(struct fs *f, const char *from, const char *to)
{
	struct fat_fs *fs = FS(f);
	struct fat_dir da, db;
	struct fat_entry ea, eb;
	char parent[FS_PATH_MAX];
	uint8_t sfn[11], case_bits, raw[FAT_SLOT];
	uint32_t slot, nslots;
	const char *name_a, *name_b;
	bool replace = false;
	int err = resolve(fs, from, &da, &ea, &name_a);

	if (err == GRAFT_ENOENT)
		return fs_fail(f, err, "fat: no '%s'", from);
	if (err)
		return err;
	if (entry_busy(fs, &ea))
		return fs_fail(f, GRAFT_EBUSY, "fat: '%s' is open", from);
	fs_path_split(to, parent, &name_b);
	err = resolve_dir(fs, parent, &db,
			  (ea.attr & FAT_ATTR_DIR) ? ea.first : 0);
	if (err)
		return err;
	err = fat_dir_lookup(fs, &db, name_b, strlen(name_b), &eb);
	if (err && err != GRAFT_ENOENT)
		return err;
	if (!err && !(eb.sector == ea.sector && eb.off == ea.off)) {
		if ((ea.attr | eb.attr) & FAT_ATTR_DIR)
			return fs_fail(f, GRAFT_EEXIST, "fat: '%s' exists", to);
		if (entry_busy(fs, &eb))
			return fs_fail(f, GRAFT_EBUSY, "fat: '%s' is open", to);
		replace = true;
	}
	/* Everything that can fail for want of room happens first. */
	err = fat_dir_reserve(fs, &db, name_b, strlen(name_b), sfn, &case_bits,
			      &slot, &nslots);
	if (err)
		return err;
	memcpy(raw, ea.raw, FAT_SLOT);
	raw[12] = (uint8_t)((raw[12] & ~0x18) | case_bits);
	if (replace) {
		err = fat_dir_remove(fs, &db, &eb);
		if (!err)
			err = fat_free_later(fs, eb.first);
		if (err)
			return err;
	}
	err = fat_dir_remove(fs, &da, &ea);
	if (err)
		return err;
	/* The old entry reaches the disk before the new one: a crash in
	 * between loses the name, never shares a chain between two. */
	err = fat_commit(fs);
	if (err)
		return err;
	err = fat_dir_write(fs, &db, name_b, strlen(name_b), sfn, slot, nslots,
			    raw, NULL);
	if (err)
		return err;
	if ((ea.attr & FAT_ATTR_DIR) && da.first != db.first &&
	    fat_valid_cluster(fs, ea.first))
		err = set_dotdot(fs, ea.first,
				 db.first == root_first(fs) ? 0 : db.first);
	return err;
}

static int fat_sync(struct fs *f)
{
	return fat_commit(FS(f));
}

const struct fs_ops fat_ops = {
    .open = fat_open,
    .close = fat_close,
    .read = fat_read,
    .write = fat_write,
    .fstat = fat_fstat,
    .readdir = fat_readdir,
    .stat = fat_stat,
    .mkdir = fat_mkdir,
    .unlink = fat_unlink,
    .rename = fat_rename,
    .sync = fat_sync,
    .statfs = fat_statfs_fs,
    .unmount = fat_unmount_fs,
};
