/*
 * The FAT metadata cache: FAT and directory sectors, write-back, LRU.  File
 * data never lives here (it goes straight to the device), so the cache stays
 * small.  Invariants: a dirty directory sector reaches the device only after
 * every dirty FAT sector has, with a device flush between (the order in
 * fat_internal.h); a FAT sector is written to every FAT copy; a direct write
 * to the device drops any cached copy of the sectors it covers.  FAT sectors
 * move in runs: a miss reads the uncached sectors after it too, and a dirty
 * one is written back with its dirty neighbours, one device call per run
 * and copy.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/fs/fat/fat_internal.h"

#define FAT_DEV_MAX_RUN (1u << 20) /* device sectors per call, at most */

int fat_dev_read(struct fat_fs *fs, uint64_t sec, void *buf, uint32_t n)
{
	uint8_t *p = buf;

	while (n) {
		uint32_t k = n;
		if ((uint64_t)k * fs->dev_per_sec > FAT_DEV_MAX_RUN)
			k = FAT_DEV_MAX_RUN / fs->dev_per_sec;
		int err = fs->dev->read(fs->dev, sec * fs->dev_per_sec, p,
					k * fs->dev_per_sec);
		if (err)
			return fs_fail(&fs->fs, err,
				       "fat: reading sector %llu of '%s'",
				       (unsigned long long)sec, fs->dev->name);
		sec += k;
		p += (size_t)k * fs->g.bps;
		n -= k;
	}
	return 0;
}

int fat_dev_write(struct fat_fs *fs, uint64_t sec, const void *buf, uint32_t n)
{
	const uint8_t *p = buf;

	if (fs->fs.read_only)
		return fs_fail(&fs->fs, GRAFT_EROFS, "fat: '%s' is read-only",
			       fs->dev->name);
	while (n) {
		uint32_t k = n;
		if ((uint64_t)k * fs->dev_per_sec > FAT_DEV_MAX_RUN)
			k = FAT_DEV_MAX_RUN / fs->dev_per_sec;
		int err = fs->dev->write(fs->dev, sec * fs->dev_per_sec, p,
					 k * fs->dev_per_sec);
		if (err)
			return fs_fail(&fs->fs, err,
				       "fat: writing sector %llu of '%s'",
				       (unsigned long long)sec, fs->dev->name);
		sec += k;
		p += (size_t)k * fs->g.bps;
		n -= k;
	}
	return 0;
}

int fat_dev_flush(struct fat_fs *fs)
{
	int err;

	if (!fs->dev->flush)
		return 0;
	err = fs->dev->flush(fs->dev);
	if (err)
		return fs_fail(&fs->fs, err, "fat: flushing '%s'",
			       fs->dev->name);
	fs->data_unflushed = false;
	return 0;
}

int fat_cache_init(struct fat_fs *fs, unsigned nbufs)
{
	if (nbufs < 8)
		nbufs = 8;
	fs->bufs = calloc(nbufs, sizeof(*fs->bufs));
	if (!fs->bufs)
		return GRAFT_ENOMEM;
	fs->nbufs = nbufs;
	fs->run_max = FAT_CACHE_RUN / fs->g.bps;
	if (fs->run_max > nbufs / 4)
		fs->run_max = nbufs / 4;
	fs->run_in = malloc((size_t)fs->run_max * fs->g.bps);
	fs->run_out = malloc((size_t)fs->run_max * fs->g.bps);
	if (!fs->run_in || !fs->run_out)
		return GRAFT_ENOMEM; /* fat_cache_free cleans up */
	for (unsigned i = 0; i < nbufs; i++) {
		fs->bufs[i].data = malloc(fs->g.bps);
		if (!fs->bufs[i].data)
			return GRAFT_ENOMEM; /* fat_cache_free cleans up */
	}
	return 0;
}

void fat_cache_free(struct fat_fs *fs)
{
	if (!fs->bufs)
		return;
	for (unsigned i = 0; i < fs->nbufs; i++)
		free(fs->bufs[i].data);
	free(fs->bufs);
	fs->bufs = NULL;
	free(fs->run_in);
	free(fs->run_out);
	fs->run_in = fs->run_out = NULL;
}

/* The slot holding sector sec, or NULL. */
static struct fat_buf *lookup(struct fat_fs *fs, uint64_t sec)
{
	for (unsigned i = 0; i < fs->nbufs; i++)
		if (fs->bufs[i].state != FAT_BUF_EMPTY &&
		    fs->bufs[i].sector == sec)
			return &fs->bufs[i];
	return NULL;
}

static bool dirty_fat(const struct fat_buf *b)
{
	return b && b->state == FAT_BUF_DIRTY && b->is_fat;
}

/* Write the dirty FAT sector in b with the dirty FAT sectors around it
 * (run_max at most) to every copy they belong in; all become clean. */
static int write_fat_run(struct fat_fs *fs, struct fat_buf *b)
{
	struct fat_buf *run[FAT_CACHE_RUN / 512];
	uint64_t first = b->sector, rel;
	unsigned n = 0;

	while (first > fs->g.fat_start && b->sector - first + 1 < fs->run_max &&
	       dirty_fat(lookup(fs, first - 1)))
		first--;
	for (struct fat_buf *r;
	     n < fs->run_max && (r = lookup(fs, first + n)) && dirty_fat(r);
	     n++) {
		memcpy(fs->run_out + (size_t)n * fs->g.bps, r->data, fs->g.bps);
		run[n] = r;
	}
	rel = first - fs->g.fat_start;
	for (uint32_t i = 0; i < fs->g.nfats; i++) {
		if (fs->g.active_fat >= 0 && (int)i != fs->g.active_fat)
			continue;
		int err = fat_dev_write(
		    fs, fs->g.reserved + (uint64_t)i * fs->g.fat_sectors + rel,
		    fs->run_out, n);
		if (err)
			return err;
	}
	for (unsigned i = 0; i < n; i++)
		run[i]->state = FAT_BUF_CLEAN;
	return 0;
}

static int write_buf(struct fat_fs *fs, struct fat_buf *b)
{
	int err;

	if (b->is_fat)
		return write_fat_run(fs, b);
	err = fat_dev_write(fs, b->sector, b->data, 1);
	if (!err)
		b->state = FAT_BUF_CLEAN;
	return err;
}

/*
 * Write back dirty sectors in the safe order: FAT sectors, flush, then (if
 * !fat_only) directory sectors, flush.  Data written before goes first
 * through the flush that precedes the FAT.
 */
int fat_cache_writeback(struct fat_fs *fs, bool fat_only)
{
	bool wrote = false;
	int err;

	for (unsigned i = 0; i < fs->nbufs; i++) {
		struct fat_buf *b = &fs->bufs[i];
		if (b->state != FAT_BUF_DIRTY || !b->is_fat)
			continue;
		if (!wrote && fs->data_unflushed) {
			err = fat_dev_flush(fs);
			if (err)
				return err;
		}
		err = write_buf(fs, b);
		if (err)
			return err;
		wrote = true;
	}
	if (fat_only)
		return 0;
	for (unsigned i = 0; i < fs->nbufs; i++) {
		struct fat_buf *b = &fs->bufs[i];
		if (b->state != FAT_BUF_DIRTY)
			continue;
		if (wrote || fs->data_unflushed) {
			err = fat_dev_flush(fs);
			if (err)
				return err;
			wrote = false;
		}
		err = write_buf(fs, b);
		if (err)
			return err;
	}
	return 0;
}

/* Free a slot: the least recently used clean one, else write back. */
static int evict(struct fat_fs *fs, struct fat_buf **out)
{
	struct fat_buf *best = NULL, *best_fat = NULL;
	int err;

	for (unsigned i = 0; i < fs->nbufs; i++) {
		struct fat_buf *b = &fs->bufs[i];
		if (b->state == FAT_BUF_EMPTY) {
			*out = b;
			return 0;
		}
		if (b->state == FAT_BUF_CLEAN &&
		    (!best || b->stamp < best->stamp))
			best = b;
		if (b->state == FAT_BUF_DIRTY && b->is_fat &&
		    (!best_fat || b->stamp < best_fat->stamp))
			best_fat = b;
	}
	if (best) {
		*out = best;
		return 0;
	}
	if (best_fat) {
		/* A FAT sector alone may go at any time: it only ever holds
		 * allocations (frees wait for fat_commit). */
		if (fs->data_unflushed) {
			err = fat_dev_flush(fs);
			if (err)
				return err;
		}
		err = write_buf(fs, best_fat);
		*out = best_fat;
		return err;
	}
	err = fat_cache_writeback(fs, false);
	if (err)
		return err;
	return evict(fs, out); /* everything is clean now */
}

/* Take a slot for sector sec, holding data. */
static int fill(struct fat_fs *fs, uint64_t sec, bool is_fat,
		const uint8_t *data, struct fat_buf **out)
{
	struct fat_buf *b;
	int err = evict(fs, &b);

	if (err)
		return err;
	memcpy(b->data, data, fs->g.bps);
	b->sector = sec;
	b->is_fat = is_fat;
	b->state = FAT_BUF_CLEAN;
	b->stamp = ++fs->stamp;
	*out = b;
	return 0;
}

/* Read sec into the cache, a FAT sector with the uncached FAT sectors
 * after it; sec's slot is the most recently used. */
static int load(struct fat_fs *fs, uint64_t sec, bool is_fat,
		struct fat_buf **out)
{
	uint64_t end = fs->g.fat_start + fs->g.fat_sectors;
	struct fat_buf *b;
	unsigned n = 1;
	int err;

	while (is_fat && n < fs->run_max && sec + n < end &&
	       !lookup(fs, sec + n))
		n++;
	err = fat_dev_read(fs, sec, fs->run_in, n);
	while (!err && --n)
		err = fill(fs, sec + n, true,
			   fs->run_in + (size_t)n * fs->g.bps, &b);
	if (!err)
		err = fill(fs, sec, is_fat, fs->run_in, out);
	return err;
}

int fat_cache_get(struct fat_fs *fs, uint64_t sec, bool is_fat, uint8_t **data)
{
	struct fat_buf *b = &fs->bufs[fs->last_hit];
	int err;

	if (b->state == FAT_BUF_EMPTY || b->sector != sec)
		b = lookup(fs, sec);
	if (!b) {
		err = load(fs, sec, is_fat, &b);
		if (err)
			return err;
	}
	fs->last_hit = (unsigned)(b - fs->bufs);
	b->stamp = ++fs->stamp;
	*data = b->data;
	return 0;
}

void fat_cache_dirty(struct fat_fs *fs, uint64_t sec)
{
	struct fat_buf *hit = &fs->bufs[fs->last_hit];

	if (hit->state != FAT_BUF_EMPTY && hit->sector == sec) {
		hit->state = FAT_BUF_DIRTY; /* the usual case: just fetched */
		return;
	}
	for (unsigned i = 0; i < fs->nbufs; i++) {
		struct fat_buf *b = &fs->bufs[i];
		if (b->state != FAT_BUF_EMPTY && b->sector == sec) {
			b->state = FAT_BUF_DIRTY;
			return;
		}
	}
}

void fat_cache_invalidate(struct fat_fs *fs, uint64_t sec, uint64_t n)
{
	for (unsigned i = 0; i < fs->nbufs; i++) {
		struct fat_buf *b = &fs->bufs[i];
		if (b->state != FAT_BUF_EMPTY && b->sector >= sec &&
		    b->sector < sec + n)
			b->state = FAT_BUF_EMPTY;
	}
}
