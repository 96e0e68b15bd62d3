/*
 * Mounting a FAT volume: the boot sector checked field by field in
 * fat_boot_validate() (after it passes, the geometry is trusted everywhere),
 * FSInfo read and kept, and fat_commit(), which writes back in the order
 * fat_internal.h explains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fs/fat/fat_internal.h"

extern const struct fs_ops fat_ops;

#define FAT_DEFAULT_CACHE 128

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int bad(char *why, size_t n, const char *field)
{
	if (why)
		snprintf(why, n, "fat: boot sector: bad %s", field);
	return GRAFT_EFORMAT;
}

/*
 * Checks, in order: jump instruction, 0x55aa signature, bytes per sector
 * (512..4096, a power of two, a multiple of the device's), sectors per
 * cluster (power of two, cluster at most 64 KiB), reserved sectors (>= 1),
 * FAT count (1..4), media byte, total sectors (non-zero, within the device),
 * FAT size (non-zero, large enough for every cluster), the data area (starts
 * inside the volume, holds a cluster), the FAT type's own fields (FAT32:
 * no fixed root, version 0, root cluster valid, FSInfo and active FAT in
 * range; FAT12/16: a fixed root, a 16-bit FAT size).
 */
int fat_boot_validate(const uint8_t *bs, uint32_t dev_sector_size,
		      uint64_t dev_sectors, struct fat_geom *g, char *why,
		      size_t whylen)
{
	uint32_t total, fat16, need;
	uint64_t data, nent;

	memset(g, 0, sizeof(*g));
	if (!(bs[0] == 0xeb && bs[2] == 0x90) && bs[0] != 0xe9)
		return bad(why, whylen, "jump instruction");
	if (bs[510] != 0x55 || bs[511] != 0xaa)
		return bad(why, whylen, "signature");
	g->bps = fat_le16(bs + 11);
	if (!pow2(g->bps) || g->bps < 512 || g->bps > 4096 ||
	    g->bps < dev_sector_size || g->bps % dev_sector_size)
		return bad(why, whylen, "bytes per sector");
	g->spc = bs[13];
	if (!pow2(g->spc) || g->bps * g->spc > 65536)
		return bad(why, whylen, "sectors per cluster");
	g->cluster_size = g->bps * g->spc;
	g->reserved = fat_le16(bs + 14);
	if (g->reserved < 1)
		return bad(why, whylen, "reserved sector count");
	g->nfats = bs[16];
	if (g->nfats < 1 || g->nfats > 4)
		return bad(why, whylen, "number of FATs");
	if (bs[21] != 0xf0 && bs[21] < 0xf8)
		return bad(why, whylen, "media byte");
	g->root_entries = fat_le16(bs + 17);
	total = fat_le16(bs + 19) ? fat_le16(bs + 19) : fat_le32(bs + 32);
	if (total == 0 ||
	    (uint64_t)total * (g->bps / dev_sector_size) > dev_sectors)
		return bad(why, whylen, "total sectors (beyond the device?)");
	g->total_sectors = total;
	fat16 = fat_le16(bs + 22);
	g->fat_sectors = fat16 ? fat16 : fat_le32(bs + 36);
	if (g->fat_sectors == 0)
		return bad(why, whylen, "sectors per FAT");
	g->root_sectors =
	    (uint32_t)(((uint64_t)g->root_entries * FAT_SLOT + g->bps - 1) /
		       g->bps);
	g->root_start = g->reserved + g->nfats * g->fat_sectors;
	data = (uint64_t)g->reserved + (uint64_t)g->nfats * g->fat_sectors +
	       g->root_sectors;
	if (data >= total || (total - data) / g->spc < 1)
		return bad(why, whylen, "layout (no room for data)");
	g->data_start = (uint32_t)data;
	g->clusters = (uint32_t)((total - data) / g->spc);
	/* A 32-bit FAT size marks FAT32 whatever the count (mkfs.fat makes
	 * small ones, Linux reads them); otherwise the count decides. */
	g->type = fat16 == 0 ? 32 : g->clusters < 4085 ? 12 : 16;
	if (g->type == 16 && g->clusters >= 65525)
		return bad(why, whylen, "cluster count (too many for FAT16)");
	g->active_fat = -1;
	if (g->type == 32) {
		uint16_t ext = fat_le16(bs + 40);
		if (g->root_entries)
			return bad(why, whylen, "FAT32 fields (fixed root?)");
		if (fat_le16(bs + 42) != 0)
			return bad(why, whylen, "FAT32 version");
		if (g->clusters > 0x0ffffff5)
			g->clusters = 0x0ffffff5;
		g->root_cluster = fat_le32(bs + 44);
		if (g->root_cluster < 2 || g->root_cluster > g->clusters + 1)
			return bad(why, whylen, "root cluster");
		g->fsinfo = fat_le16(bs + 48);
		if (g->fsinfo == 0xffff)
			g->fsinfo = 0;
		if (g->fsinfo >= g->reserved)
			return bad(why, whylen, "FSInfo sector");
		if (ext & 0x80) {
			if ((ext & 0x0f) >= g->nfats)
				return bad(why, whylen, "active FAT");
			g->active_fat = ext & 0x0f;
		}
	} else if (g->root_entries == 0 || fat16 == 0) {
		return bad(why, whylen, "FAT12/16 fields (no fixed root?)");
	}
	nent = (uint64_t)g->clusters + 2;
	need = (uint32_t)(g->type == 12	  ? (nent * 3 + 1) / 2
			  : g->type == 16 ? nent * 2
					  : nent * 4);
	if ((uint64_t)g->fat_sectors * g->bps < need)
		return bad(why, whylen, "sectors per FAT (too few)");
	g->fat_start =
	    g->reserved +
	    (uint32_t)(g->active_fat > 0 ? g->active_fat : 0) * g->fat_sectors;
	return 0;
}

uint64_t fat_clus2sec(struct fat_fs *fs, uint32_t c)
{
	return fs->g.data_start + (uint64_t)(c - 2) * fs->g.spc;
}

int64_t fat_now(struct fat_fs *fs)
{
	return fs->clock ? fs->clock(fs->clock_arg) : 315532800;
}

static void read_fsinfo(struct fat_fs *fs)
{
	uint8_t *p = fs->scratch;

	if (!fs->g.fsinfo || fat_dev_read(fs, fs->g.fsinfo, p, 1))
		return;
	if (fat_le32(p) != 0x41615252 || fat_le32(p + 484) != 0x61417272 ||
	    fat_le32(p + 508) != 0xaa550000)
		return;
	fs->fsinfo_valid = true;
	if (fat_le32(p + 488) <= fs->g.clusters)
		fs->free_count = fat_le32(p + 488);
	if (fat_valid_cluster(fs, fat_le32(p + 492)))
		fs->next_free = fat_le32(p + 492);
}

static int write_fsinfo(struct fat_fs *fs)
{
	uint8_t *p = fs->scratch;
	int err;

	if (!fs->fsinfo_valid || !fs->fsinfo_dirty)
		return 0;
	err = fat_dev_read(fs, fs->g.fsinfo, p, 1);
	if (err)
		return err;
	fat_put32(p + 488, fs->free_count);
	fat_put32(p + 492, fs->next_free);
	err = fat_dev_write(fs, fs->g.fsinfo, p, 1);
	if (err)
		return err;
	fs->fsinfo_dirty = false;
	return fat_dev_flush(fs);
}

int fat_commit(struct fat_fs *fs)
{
	int err;

	if (fs->fs.read_only)
		return 0;
	err = fat_cache_writeback(fs, false);
	if (!err)
		err = fat_dev_flush(fs);
	if (!err && fs->npending) {
		err = fat_free_pending(fs);
		if (!err)
			err = fat_cache_writeback(fs, true);
		if (!err)
			err = fat_dev_flush(fs);
	}
	if (!err)
		err = write_fsinfo(fs);
	return err;
}

static int check_device(struct graft_blkdev *dev, char *why, size_t whylen)
{
	if (!dev || !dev->read || dev->sectors == 0 ||
	    !pow2(dev->sector_size) || dev->sector_size < 512 ||
	    dev->sector_size > 4096) {
		if (why)
			snprintf(why, whylen, "fat: bad device geometry");
		return GRAFT_EINVAL;
	}
	return 0;
}

static void fat_destroy(struct fat_fs *fs)
{
	while (fs->nodes) {
		struct fat_node *n = fs->nodes;
		fs->nodes = n->next;
		free(n);
	}
	fat_cache_free(fs);
	free(fs->pending);
	free(fs->scratch);
	free(fs);
}

int fat_mount(struct graft_blkdev *dev, const struct fs_mount_opts *opts,
	      struct fs **out, char *why, size_t whylen)
{
	struct fs_mount_opts none = {0};
	struct fat_fs *fs = NULL;
	uint8_t *boot;
	int err;

	if (!out)
		return GRAFT_EINVAL;
	*out = NULL;
	if (!opts)
		opts = &none;
	err = check_device(dev, why, whylen);
	if (err)
		return err;
	boot = malloc(dev->sector_size);
	fs = calloc(1, sizeof(*fs));
	if (!boot || !fs) {
		err = GRAFT_ENOMEM;
		goto fail;
	}
	err = dev->read(dev, 0, boot, 1);
	if (err) {
		if (why)
			snprintf(why, whylen,
				 "fat: reading the boot sector "
				 "of '%s'",
				 dev->name);
		goto fail;
	}
	err = fat_boot_validate(boot, dev->sector_size, dev->sectors, &fs->g,
				why, whylen);
	if (err)
		goto fail;
	fs->fs.ops = &fat_ops;
	fs->fs.read_only = opts->read_only || dev->read_only || !dev->write;
	fs->dev = dev;
	fs->dev_per_sec = fs->g.bps / dev->sector_size;
	fs->clock = opts->clock;
	fs->clock_arg = opts->clock_arg;
	fs->free_count = UINT32_MAX;
	fs->next_free = 2;
	fs->scratch = malloc(fs->g.bps);
	if (!fs->scratch) {
		err = GRAFT_ENOMEM;
		goto fail;
	}
	err = fat_cache_init(fs, opts->cache_sectors ? opts->cache_sectors
						     : FAT_DEFAULT_CACHE);
	if (err)
		goto fail;
	read_fsinfo(fs);
	free(boot);
	*out = &fs->fs;
	return 0;
fail:
	free(boot);
	if (fs)
		fat_destroy(fs);
	return err;
}

int fat_unmount_fs(struct fs *f)
{
	struct fat_fs *fs = (struct fat_fs *)f;
	int err = fat_commit(fs);

	fat_destroy(fs);
	return err;
}

int fat_statfs_fs(struct fs *f, struct fs_statfs *st)
{
	struct fat_fs *fs = (struct fat_fs *)f;
	int err;

	if (fs->free_count == UINT32_MAX) {
		err = fat_count_free(fs);
		if (err)
			return err;
	}
	st->block_size = fs->g.cluster_size;
	st->blocks = fs->g.clusters;
	st->free_blocks = fs->free_count;
	st->name_max = FS_NAME_MAX;
	st->read_only = fs->fs.read_only;
	st->type = fs->g.type == 12   ? "fat12"
		   : fs->g.type == 16 ? "fat16"
				      : "fat32";
	return 0;
}
