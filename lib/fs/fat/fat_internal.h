/*
 * lib/fs/fat internals, shared by the fat_*.c files.
 *
 * Order of writes (the crash-safety invariant).  A crash at any moment must
 * leave at worst lost clusters (allocated in the FAT, referenced by no
 * directory entry) or orphaned long-name entries, both of which fsck.fat
 * reclaims; never a directory entry whose chain runs through a cluster that
 * the on-disk FAT calls free, because a later allocation would hand that
 * cluster to a second file (a cross-link).  So:
 *
 *  1. Clusters are allocated and linked in the FAT in memory (the metadata
 *     cache) before anything refers to them.
 *  2. File data goes straight to the device, into those clusters.  On disk
 *     they are still free and referenced by nothing, so the data is invisible
 *     until step 4; the in-memory FAT keeps anyone else from taking them.
 *  3. The FAT sectors are written back (every copy), then a device flush.
 *  4. The directory sectors (entries, sizes, first clusters) are written
 *     back, then a device flush.  Now the entries refer only to clusters the
 *     on-disk FAT has allocated.
 *  5. Clusters released by unlink, truncate or rename-over are freed in the
 *     FAT only now (they sit on the pending-free list until then: nobody can
 *     reuse them, and on disk they stay allocated until the entries that
 *     referred to them are gone), written back, flushed.  FSInfo last.
 *
 * fat_commit() runs 3-5; the cache may run 3-4 early when it must evict a
 * dirty directory sector (that is always safe, since no free is ever in the
 * cache before its commit).  Rename removes the old entry and commits before
 * writing the new one, so a crash loses the name (clusters reclaimable), never
 * leaves two entries sharing a chain.  New directory clusters are zeroed on
 * the device before they are linked.
 *
 * Every value read from the medium is checked before use: the boot sector in
 * fat_boot_validate(), cluster numbers in fat_next(), chains (loops, early
 * ends, free or bad clusters) in fat_chain_walk(), entries and names in
 * fat_dir_next().
 */
#ifndef GRAFT_LIB_FS_FAT_INTERNAL_H
#define GRAFT_LIB_FS_FAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/fs/fat/fat.h"
#include "lib/fs/fs.h"

#define FAT_SLOT	  32
#define FAT_DIR_MAX_SLOTS 65536 /* the most entries a directory may hold */
#define FAT_FILE_MAX	  0xffffffffull
#define FAT_ATTR_RO	  0x01
#define FAT_ATTR_HIDDEN	  0x02
#define FAT_ATTR_SYSTEM	  0x04
#define FAT_ATTR_VOLUME	  0x08
#define FAT_ATTR_DIR	  0x10
#define FAT_ATTR_ARCHIVE  0x20
#define FAT_ATTR_LFN	  0x0f
#define FAT_LFN_MAX	  20 /* long-name entries for 255 UTF-16 units */

/* Geometry read from the boot sector, all checked by fat_boot_validate. */
struct fat_geom {
	int type;	       /* 12, 16 or 32 */
	uint32_t bps;	       /* bytes per sector */
	uint32_t spc;	       /* sectors per cluster */
	uint32_t cluster_size; /* bytes */
	uint32_t reserved;     /* sectors before the first FAT */
	uint32_t nfats;
	uint32_t fat_sectors;  /* per copy */
	uint32_t root_entries; /* FAT12/16 fixed root */
	uint32_t root_start;   /* sector of the fixed root */
	uint32_t root_sectors;
	uint32_t data_start; /* sector of cluster 2 */
	uint32_t total_sectors;
	uint32_t clusters;     /* valid cluster numbers: 2 .. clusters + 1 */
	uint32_t root_cluster; /* FAT32 */
	uint32_t fsinfo;       /* FAT32 FSInfo sector, 0 if none */
	int active_fat;	       /* -1: mirror to every copy */
	uint32_t fat_start;    /* first sector of the FAT copy read */
};

struct fat_buf {
	uint64_t sector;
	uint32_t stamp; /* last use, for LRU */
	uint8_t state;	/* FAT_BUF_EMPTY, CLEAN, DIRTY */
	bool is_fat;
	uint8_t *data;
};

enum { FAT_BUF_EMPTY, FAT_BUF_CLEAN, FAT_BUF_DIRTY };

/* An open file or directory; handles to the same entry share it. */
struct fat_node {
	struct fat_node *next;
	unsigned refs;
	bool is_root;
	bool is_dir;
	uint64_t ent_sector; /* where its short entry lives */
	uint32_t ent_off;
	uint32_t first; /* first cluster, 0 if none */
	uint32_t size;
	uint32_t nclus; /* clusters in the chain (checked at open) */
	uint32_t last;	/* last cluster of the chain */
	uint32_t gen;	/* bumped when the chain is replaced */
	char name[16];	/* short name, for messages */
};

struct fat_file {
	struct fs_file h;
	struct fat_node *node;
	uint32_t gen; /* cursor valid while gen == node->gen */
	uint32_t cur_idx;
	uint32_t cur_clus; /* 0: no cursor */
};

struct fat_fs {
	struct fs fs;
	struct graft_blkdev *dev;
	struct fat_geom g;
	uint32_t dev_per_sec; /* device sectors per FAT sector */
	uint32_t free_count;  /* UINT32_MAX while unknown */
	uint32_t next_free;   /* where the free-cluster search starts */
	bool fsinfo_valid;
	bool fsinfo_dirty;
	bool data_unflushed; /* data written since the last device flush */
	fs_clock_fn clock;
	void *clock_arg;
	struct fat_buf *bufs;
	unsigned nbufs;
	uint8_t *run_in;  /* run_max sectors each: FAT sectors read ahead, */
	uint8_t *run_out; /* and written back together */
	unsigned run_max; /* FAT_CACHE_RUN bytes, a quarter of the cache */
	unsigned last_hit;
	uint32_t stamp;
	uint32_t *pending; /* chain heads to free at the next commit */
	unsigned npending, cap_pending;
	struct fat_node *nodes;
	uint8_t *scratch; /* one sector */
};

/* A directory: its first cluster, or 0 for the FAT12/16 fixed root. */
struct fat_dir {
	uint32_t first;
	uint32_t cur_idx; /* chain cursor */
	uint32_t cur_clus;
};

/* One entry as found by fat_dir_next. */
struct fat_entry {
	char name[FS_NAME_BUF]; /* long name, or the short one */
	char short_name[13];
	uint8_t raw[FAT_SLOT]; /* the short entry */
	uint8_t attr;
	uint32_t first;
	uint32_t size;
	uint32_t slot;	     /* index of the short entry */
	uint32_t first_slot; /* of its long-name entries, or slot */
	uint64_t sector;     /* of the short entry */
	uint32_t off;
};

/* fat_boot.c */
int fat_boot_validate(const uint8_t *bs, uint32_t dev_sector_size,
		      uint64_t dev_sectors, struct fat_geom *g, char *why,
		      size_t whylen);
int fat_commit(struct fat_fs *fs);
uint64_t fat_clus2sec(struct fat_fs *fs, uint32_t c);
int64_t fat_now(struct fat_fs *fs);

/* fat_cache.c: FAT sectors are read ahead and written back in runs of up
 * to this many bytes of consecutive sectors, one device call each (on hvt
 * each call is a VM exit, tens of microseconds). */
#define FAT_CACHE_RUN 16384
int fat_dev_read(struct fat_fs *fs, uint64_t sec, void *buf, uint32_t n);
int fat_dev_write(struct fat_fs *fs, uint64_t sec, const void *buf, uint32_t n);
int fat_dev_flush(struct fat_fs *fs);
int fat_cache_init(struct fat_fs *fs, unsigned nbufs);
void fat_cache_free(struct fat_fs *fs);
int fat_cache_get(struct fat_fs *fs, uint64_t sec, bool is_fat, uint8_t **data);
void fat_cache_dirty(struct fat_fs *fs, uint64_t sec);
void fat_cache_invalidate(struct fat_fs *fs, uint64_t sec, uint64_t n);
int fat_cache_writeback(struct fat_fs *fs, bool fat_only);

/* fat_table.c */
bool fat_valid_cluster(struct fat_fs *fs, uint32_t c);
bool fat_is_eoc(struct fat_fs *fs, uint32_t v);
int fat_get(struct fat_fs *fs, uint32_t c, uint32_t *v);
int fat_set(struct fat_fs *fs, uint32_t c, uint32_t v);
uint32_t fat_eoc(struct fat_fs *fs);
int fat_next(struct fat_fs *fs, uint32_t c, uint32_t *next);
int fat_chain_walk(struct fat_fs *fs, uint32_t first, uint32_t *count,
		   uint32_t *last, const char *what);
int fat_alloc(struct fat_fs *fs, uint32_t hint, uint32_t *out);
int fat_free_later(struct fat_fs *fs, uint32_t first);
int fat_free_pending(struct fat_fs *fs);
int fat_count_free(struct fat_fs *fs);
int fat_zero_cluster(struct fat_fs *fs, uint32_t c);

/* fat_name.c */
uint8_t fat_lfn_checksum(const uint8_t sfn[11]);
bool fat_sfn_to_name(const uint8_t raw[FAT_SLOT], char out[13]);
int fat_name_check(const char *name, size_t len, uint16_t *u16, size_t *nu16);
bool fat_name_fits_83(const char *name, size_t len, uint8_t sfn[11],
		      uint8_t *case_bits);
void fat_sfn_basis(const char *name, size_t len, uint8_t basis[11]);
void fat_sfn_tail(const uint8_t basis[11], unsigned n, uint8_t out[11]);
bool fat_sfn_tail_number(const uint8_t basis[11], const uint8_t sfn[11],
			 unsigned *n);
size_t fat_utf16_to_utf8(const uint16_t *u, size_t n, char *out,
			 size_t outsize);
bool fat_name_equal(const char *a, size_t alen, const char *b);
void fat_time_encode(int64_t t, uint16_t *date, uint16_t *time);
int64_t fat_time_decode(uint16_t date, uint16_t time);

/* fat_dir.c */
void fat_dir_init(struct fat_fs *fs, struct fat_dir *d, uint32_t first);
int fat_dir_slot(struct fat_fs *fs, struct fat_dir *d, uint32_t idx,
		 uint64_t *sector, uint32_t *off);
int fat_dir_next(struct fat_fs *fs, struct fat_dir *d, uint32_t *idx,
		 struct fat_entry *e);
int fat_dir_lookup(struct fat_fs *fs, struct fat_dir *d, const char *name,
		   size_t len, struct fat_entry *e);
int fat_dir_reserve(struct fat_fs *fs, struct fat_dir *d, const char *name,
		    size_t len, uint8_t sfn[11], uint8_t *case_bits,
		    uint32_t *slot, uint32_t *nslots);
int fat_dir_write(struct fat_fs *fs, struct fat_dir *d, const char *name,
		  size_t len, const uint8_t sfn[11], uint32_t slot,
		  uint32_t nslots, const uint8_t raw[FAT_SLOT],
		  struct fat_entry *e);
int fat_dir_remove(struct fat_fs *fs, struct fat_dir *d,
		   const struct fat_entry *e);
int fat_dir_is_empty(struct fat_fs *fs, uint32_t first);
uint32_t fat_entry_first(const uint8_t raw[FAT_SLOT], int type);
void fat_entry_set_first(uint8_t raw[FAT_SLOT], uint32_t c);

/* little-endian access */
static inline uint16_t fat_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t fat_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline void fat_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void fat_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif
