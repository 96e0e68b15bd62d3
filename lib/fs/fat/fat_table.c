/*
 * The file allocation table: reading and writing entries (12, 16 and 32
 * bits), walking and checking chains, allocating from a moving hint, and the
 * pending-free list that delays every free until the entries that referred
 * to the clusters are on disk (fat_internal.h).  Invariant: no entry value is
 * followed as a cluster number unless fat_valid_cluster() accepted it.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/fs/fat/fat_internal.h"

bool fat_valid_cluster(struct fat_fs *fs, uint32_t c)
{
	return c >= 2 && c <= fs->g.clusters + 1;
}

bool fat_is_eoc(struct fat_fs *fs, uint32_t v)
{
	switch (fs->g.type) {
	case 12:
		return v >= 0xff8;
	case 16:
		return v >= 0xfff8;
	default:
		return v >= 0x0ffffff8;
	}
}

uint32_t fat_eoc(struct fat_fs *fs)
{
	return fs->g.type == 12	  ? 0xfff
	       : fs->g.type == 16 ? 0xffff
				  : 0x0fffffff;
}

/* The cached byte at offset off of the first FAT. */
static int fat_byte(struct fat_fs *fs, uint32_t off, uint8_t **p)
{
	uint8_t *data;
	uint64_t sec = fs->g.fat_start + off / fs->g.bps;
	int err = fat_cache_get(fs, sec, true, &data);

	if (err)
		return err;
	*p = data + off % fs->g.bps;
	return 0;
}

int fat_get(struct fat_fs *fs, uint32_t c, uint32_t *v)
{
	uint8_t *p, *q;
	int err;

	if (c > fs->g.clusters + 1)
		return fs_fail(&fs->fs, GRAFT_EFORMAT,
			       "fat: cluster %u past the end", c);
	switch (fs->g.type) {
	case 12: {
		uint32_t off = c + c / 2;
		uint8_t lo;
		err = fat_byte(fs, off, &p);
		if (err)
			return err;
		lo = *p; /* the next byte may live in another sector */
		err = fat_byte(fs, off + 1, &q);
		if (err)
			return err;
		uint32_t w = lo | (uint32_t)*q << 8;
		*v = (c & 1) ? w >> 4 : w & 0xfff;
		return 0;
	}
	case 16:
		err = fat_byte(fs, c * 2, &p);
		if (!err)
			*v = fat_le16(p);
		return err;
	default:
		err = fat_byte(fs, c * 4, &p);
		if (!err)
			*v = fat_le32(p) & 0x0fffffff;
		return err;
	}
}

static void dirty_at(struct fat_fs *fs, uint32_t off)
{
	fat_cache_dirty(fs, fs->g.fat_start + off / fs->g.bps);
}

int fat_set(struct fat_fs *fs, uint32_t c, uint32_t v)
{
	uint8_t *p;
	int err;

	if (!fat_valid_cluster(fs, c))
		return fs_fail(&fs->fs, GRAFT_EFORMAT,
			       "fat: setting bad cluster %u", c);
	switch (fs->g.type) {
	case 12: {
		uint32_t off = c + c / 2;
		err = fat_byte(fs, off, &p);
		if (err)
			return err;
		if (c & 1)
			*p = (uint8_t)((*p & 0x0f) | (v & 0x0f) << 4);
		else
			*p = (uint8_t)v;
		dirty_at(fs, off);
		err = fat_byte(fs, off + 1, &p);
		if (err)
			return err;
		if (c & 1)
			*p = (uint8_t)(v >> 4);
		else
			*p = (uint8_t)((*p & 0xf0) | ((v >> 8) & 0x0f));
		dirty_at(fs, off + 1);
		return 0;
	}
	case 16:
		err = fat_byte(fs, c * 2, &p);
		if (err)
			return err;
		fat_put16(p, (uint16_t)v);
		dirty_at(fs, c * 2);
		return 0;
	default:
		err = fat_byte(fs, c * 4, &p);
		if (err)
			return err;
		/* the top four bits are reserved: keep them */
		fat_put32(p, (fat_le32(p) & 0xf0000000) | (v & 0x0fffffff));
		dirty_at(fs, c * 4);
		return 0;
	}
}

/* The cluster after c: *next is a valid cluster or 0 at the end of the
 * chain; a free, bad or out-of-range link is GRAFT_EFORMAT. */
int fat_next(struct fat_fs *fs, uint32_t c, uint32_t *next)
{
	uint32_t v;
	int err = fat_get(fs, c, &v);

	if (err)
		return err;
	if (fat_is_eoc(fs, v)) {
		*next = 0;
		return 0;
	}
	if (!fat_valid_cluster(fs, v))
		return fs_fail(&fs->fs, GRAFT_EFORMAT,
			       "fat: cluster %u links to bad cluster %#x", c,
			       v);
	*next = v;
	return 0;
}

/*
 * Check the chain from first: every link valid, no loop (no chain is longer
 * than the volume has clusters).  *count and *last describe it.
 */
int fat_chain_walk(struct fat_fs *fs, uint32_t first, uint32_t *count,
		   uint32_t *last, const char *what)
{
	uint32_t c = first, n = 0, next;
	int err;

	*count = 0;
	*last = 0;
	if (first == 0)
		return 0;
	if (!fat_valid_cluster(fs, first))
		return fs_fail(&fs->fs, GRAFT_EFORMAT,
			       "fat: '%s' starts at bad cluster %u", what,
			       first);
	for (;;) {
		if (++n > fs->g.clusters)
			return fs_fail(&fs->fs, GRAFT_EFORMAT,
				       "fat: cluster chain of '%s' loops",
				       what);
		err = fat_next(fs, c, &next);
		if (err)
			return fs_fail(&fs->fs, err,
				       "fat: cluster chain of '%s' is broken "
				       "at cluster %u",
				       what, c);
		if (!next)
			break;
		c = next;
	}
	*count = n;
	*last = c;
	return 0;
}

int fat_alloc(struct fat_fs *fs, uint32_t hint, uint32_t *out)
{
	uint32_t n = fs->g.clusters, c, v;
	int err;

	if (fs->free_count == 0)
		goto full;
	if (!fat_valid_cluster(fs, hint))
		hint = fat_valid_cluster(fs, fs->next_free) ? fs->next_free : 2;
	c = hint;
	for (uint32_t i = 0; i < n; i++) {
		err = fat_get(fs, c, &v);
		if (err)
			return err;
		if (v == 0) {
			err = fat_set(fs, c, fat_eoc(fs));
			if (err)
				return err;
			if (fs->free_count != UINT32_MAX)
				fs->free_count--;
			fs->next_free = c + 1 > n + 1 ? 2 : c + 1;
			fs->fsinfo_dirty = true;
			*out = c;
			return 0;
		}
		c = c + 1 > n + 1 ? 2 : c + 1;
	}
	fs->free_count = 0;
full:
	return fs_fail(&fs->fs, GRAFT_ENOSPC, "fat: no free cluster on '%s'",
		       fs->dev->name);
}

int fat_free_later(struct fat_fs *fs, uint32_t first)
{
	if (first == 0)
		return 0;
	if (fs->npending == fs->cap_pending) {
		unsigned cap = fs->cap_pending ? fs->cap_pending * 2 : 16;
		uint32_t *p = realloc(fs->pending, cap * sizeof(*p));
		if (!p)
			return GRAFT_ENOMEM;
		fs->pending = p;
		fs->cap_pending = cap;
	}
	fs->pending[fs->npending++] = first;
	return 0;
}

/* Free one chain, stopping quietly at anything odd: the entry that pointed
 * here is already gone, so a damaged tail only stays lost. */
static int free_chain(struct fat_fs *fs, uint32_t c)
{
	for (uint32_t n = 0; n < fs->g.clusters && fat_valid_cluster(fs, c);
	     n++) {
		uint32_t v;
		int err = fat_get(fs, c, &v);
		if (err)
			return err;
		if (v == 0)
			return 0;
		err = fat_set(fs, c, 0);
		if (err)
			return err;
		if (fs->free_count != UINT32_MAX)
			fs->free_count++;
		fs->fsinfo_dirty = true;
		if (fat_is_eoc(fs, v))
			return 0;
		c = v;
	}
	return 0;
}

int fat_free_pending(struct fat_fs *fs)
{
	while (fs->npending) {
		int err = free_chain(fs, fs->pending[fs->npending - 1]);
		if (err)
			return err;
		fs->npending--;
	}
	return 0;
}

int fat_count_free(struct fat_fs *fs)
{
	uint32_t n = 0, v;

	for (uint32_t c = 2; c <= fs->g.clusters + 1; c++) {
		int err = fat_get(fs, c, &v);
		if (err)
			return err;
		n += v == 0;
	}
	fs->free_count = n;
	return 0;
}

int fat_zero_cluster(struct fat_fs *fs, uint32_t c)
{
	uint64_t sec = fat_clus2sec(fs, c);
	int err;

	memset(fs->scratch, 0, fs->g.bps);
	for (uint32_t i = 0; i < fs->g.spc; i++) {
		err = fat_dev_write(fs, sec + i, fs->scratch, 1);
		if (err)
			return err;
	}
	fat_cache_invalidate(fs, sec, fs->g.spc);
	fs->data_unflushed = true;
	return 0;
}
