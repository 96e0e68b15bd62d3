/*
 * FAT directories: addressing 32-byte slots in the fixed root or along a
 * cluster chain, reading entries with their long names (checked: sequence,
 * checksum, characters; a bad long name falls back to the short one, a bad
 * short entry is skipped), lookup, reserving slots for a new name (with a
 * generated short name and growing the directory when full), writing and
 * removing entries.  Invariants: a directory never holds more than
 * FAT_DIR_MAX_SLOTS slots, so walking one always ends, even along a looping
 * chain; a short entry is written after its long-name entries and removed
 * before them, so a crash leaves at worst orphaned long-name entries.
 */
#include <string.h>

#include "lib/fs/fat/fat_internal.h"

/* Offsets of the 13 UTF-16 units in a long-name entry. */
static const uint8_t lfn_pos[13] = {1,	3,  5,	7,  9,	14, 16,
				    18, 20, 22, 24, 28, 30};

uint32_t fat_entry_first(const uint8_t raw[FAT_SLOT], int type)
{
	uint32_t hi = type == 32 ? fat_le16(raw + 20) : 0;

	return hi << 16 | fat_le16(raw + 26);
}

void fat_entry_set_first(uint8_t raw[FAT_SLOT], uint32_t c)
{
	fat_put16(raw + 20, (uint16_t)(c >> 16));
	fat_put16(raw + 26, (uint16_t)c);
}

void fat_dir_init(struct fat_fs *fs, struct fat_dir *d, uint32_t first)
{
	(void)fs;
	d->first = first;
	d->cur_idx = 0;
	d->cur_clus = 0;
}

int fat_dir_slot(struct fat_fs *fs, struct fat_dir *d, uint32_t idx,
		 uint64_t *sector, uint32_t *off)
{
	uint64_t byte = (uint64_t)idx * FAT_SLOT;
	uint32_t ci, c, i;
	int err;

	if (idx >= FAT_DIR_MAX_SLOTS)
		return GRAFT_ENOENT;
	if (d->first == 0) {
		if (idx >= fs->g.root_entries)
			return GRAFT_ENOENT;
		*sector = fs->g.root_start + byte / fs->g.bps;
		*off = (uint32_t)(byte % fs->g.bps);
		return 0;
	}
	ci = (uint32_t)(byte / fs->g.cluster_size);
	if (d->cur_clus && d->cur_idx <= ci) {
		c = d->cur_clus;
		i = d->cur_idx;
	} else {
		c = d->first;
		i = 0;
	}
	while (i < ci) {
		uint32_t next;
		err = fat_next(fs, c, &next);
		if (err)
			return err;
		if (!next)
			return GRAFT_ENOENT;
		c = next;
		i++;
	}
	d->cur_idx = ci;
	d->cur_clus = c;
	*sector = fat_clus2sec(fs, c) + (byte % fs->g.cluster_size) / fs->g.bps;
	*off = (uint32_t)(byte % fs->g.bps);
	return 0;
}

static int read_slot(struct fat_fs *fs, struct fat_dir *d, uint32_t idx,
		     uint8_t raw[FAT_SLOT], uint64_t *sector, uint32_t *off)
{
	uint8_t *data;
	int err = fat_dir_slot(fs, d, idx, sector, off);

	if (err)
		return err;
	err = fat_cache_get(fs, *sector, false, &data);
	if (err)
		return err;
	memcpy(raw, data + *off, FAT_SLOT);
	return 0;
}

static int write_slot(struct fat_fs *fs, struct fat_dir *d, uint32_t idx,
		      const uint8_t raw[FAT_SLOT])
{
	uint64_t sector;
	uint32_t off;
	uint8_t *data;
	int err = fat_dir_slot(fs, d, idx, &sector, &off);

	if (err)
		return err == GRAFT_ENOENT ? GRAFT_EIO : err;
	err = fat_cache_get(fs, sector, false, &data);
	if (err)
		return err;
	memcpy(data + off, raw, FAT_SLOT);
	fat_cache_dirty(fs, sector);
	return 0;
}

/* Long-name state while reading a directory. */
struct lfn_state {
	int expect; /* next sequence number wanted; 0 when complete */
	int count;
	uint8_t sum;
	uint32_t start;
	bool active;
	uint16_t u16[FAT_LFN_MAX * 13];
};

static void lfn_take(struct lfn_state *s, const uint8_t *raw, uint32_t idx)
{
	int seq = raw[0] & 0x1f;

	if (raw[0] & 0x40) {
		s->active = seq >= 1 && seq <= FAT_LFN_MAX;
		s->count = seq;
		s->expect = seq;
		s->sum = raw[13];
		s->start = idx;
	}
	if (!s->active || seq != s->expect || raw[13] != s->sum ||
	    fat_le16(raw + 26) != 0) {
		s->active = false;
		return;
	}
	for (int i = 0; i < 13; i++)
		s->u16[(seq - 1) * 13 + i] = fat_le16(raw + lfn_pos[i]);
	s->expect--;
}

/* The long name collected in s, if it is whole and fits the short entry. */
static bool lfn_finish(struct lfn_state *s, const uint8_t *raw, char *out)
{
	size_t n = 0, max = (size_t)s->count * 13;

	if (!s->active || s->expect != 0 || fat_lfn_checksum(raw) != s->sum)
		return false;
	while (n < max && s->u16[n] != 0)
		n++;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint16_t c = s->u16[i];
		if (c < 0x20 || c == '/' || c == '\\')
			return false;
	}
	if (n <= 2 && s->u16[0] == '.' && (n == 1 || s->u16[1] == '.'))
		return false;
	fat_utf16_to_utf8(s->u16, n, out, FS_NAME_BUF);
	return true;
}

int fat_dir_next(struct fat_fs *fs, struct fat_dir *d, uint32_t *idx,
		 struct fat_entry *e)
{
	struct lfn_state lfn;
	uint8_t raw[FAT_SLOT];
	int err;

	lfn.active = false;
	for (uint32_t i = *idx;; i++) {
		err = read_slot(fs, d, i, raw, &e->sector, &e->off);
		if (err)
			return err;
		if (raw[0] == 0x00) {
			*idx = i;
			return GRAFT_ENOENT;
		}
		if (raw[0] == 0xe5) {
			lfn.active = false;
			continue;
		}
		if ((raw[11] & 0x3f) == FAT_ATTR_LFN) {
			lfn_take(&lfn, raw, i);
			continue;
		}
		if ((raw[11] & FAT_ATTR_VOLUME) || raw[0] == '.' ||
		    !fat_sfn_to_name(raw, e->short_name)) {
			lfn.active = false;
			continue; /* labels, dot entries, bad names */
		}
		if (lfn_finish(&lfn, raw, e->name)) {
			e->first_slot = lfn.start;
		} else {
			strcpy(e->name, e->short_name);
			e->first_slot = i;
		}
		memcpy(e->raw, raw, FAT_SLOT);
		e->attr = raw[11];
		e->first = fat_entry_first(raw, fs->g.type);
		e->size = fat_le32(raw + 28);
		e->slot = i;
		*idx = i + 1;
		return 0;
	}
}

int fat_dir_lookup(struct fat_fs *fs, struct fat_dir *d, const char *name,
		   size_t len, struct fat_entry *e)
{
	uint32_t idx = 0;
	int err;

	for (;;) {
		err = fat_dir_next(fs, d, &idx, e);
		if (err)
			return err;
		if (fat_name_equal(name, len, e->name) ||
		    fat_name_equal(name, len, e->short_name))
			return 0;
	}
}

/* Grow directory d (never the fixed root) by one zeroed cluster. */
static int dir_extend(struct fat_fs *fs, struct fat_dir *d, uint32_t last)
{
	uint32_t c;
	int err;

	if (d->first == 0)
		return fs_fail(&fs->fs, GRAFT_ENOSPC,
			       "fat: root directory full");
	err = fat_alloc(fs, last + 1, &c);
	if (err)
		return err;
	err = fat_zero_cluster(fs, c);
	if (err)
		return err;
	return fat_set(fs, last, c);
}

/* Scan state for fat_dir_reserve. */
struct reserve_scan {
	uint32_t need, run_start, run_len;
	int64_t found;
	bool want_tails;
	uint8_t basis[11];
	uint8_t used[1024 / 8]; /* ~N tails taken, N < 1024 */
};

static void scan_slot(struct reserve_scan *s, uint32_t i, const uint8_t *raw,
		      bool free)
{
	unsigned n;

	if (free) {
		if (s->run_len == 0)
			s->run_start = i;
		if (++s->run_len >= s->need && s->found < 0)
			s->found = s->run_start;
		return;
	}
	s->run_len = 0;
	if (s->want_tails && (raw[11] & 0x3f) != FAT_ATTR_LFN &&
	    fat_sfn_tail_number(s->basis, raw, &n) && n < 1024)
		s->used[n / 8] |= (uint8_t)(1 << (n % 8));
}

int fat_dir_reserve(struct fat_fs *fs, struct fat_dir *d, const char *name,
		    size_t len, uint8_t sfn[11], uint8_t *case_bits,
		    uint32_t *slot, uint32_t *nslots)
{
	struct reserve_scan s;
	uint16_t u16[FAT_LFN_MAX * 13];
	size_t nu16;
	uint8_t raw[FAT_SLOT];
	uint64_t sector;
	uint32_t off, i, last = 0;
	bool ended = false;
	int err = fat_name_check(name, len, u16, &nu16);

	if (err)
		return fs_fail(&fs->fs, err, "fat: bad name '%.*s'", (int)len,
			       name);
	memset(&s, 0, sizeof(s));
	s.found = -1;
	if (fat_name_fits_83(name, len, sfn, case_bits)) {
		s.need = 1;
	} else {
		s.need = (uint32_t)(nu16 + 12) / 13 + 1;
		s.want_tails = true;
		fat_sfn_basis(name, len, s.basis);
		*case_bits = 0;
	}
	for (i = 0;; i++) {
		err = read_slot(fs, d, i, raw, &sector, &off);
		if (err == GRAFT_ENOENT)
			break;
		if (err)
			return err;
		if (d->first)
			last = d->cur_clus;
		ended = ended || raw[0] == 0;
		scan_slot(&s, i, raw, ended || raw[0] == 0xe5);
		if (s.found >= 0 && (ended || !s.want_tails))
			break;
	}
	while (s.found < 0) {
		if ((uint64_t)i + fs->g.cluster_size / FAT_SLOT >
		    FAT_DIR_MAX_SLOTS)
			return fs_fail(&fs->fs, GRAFT_ENOSPC,
				       "fat: directory full");
		err = dir_extend(fs, d, last);
		if (err)
			return err;
		for (uint32_t k = 0; k < fs->g.cluster_size / FAT_SLOT; k++)
			scan_slot(&s, i++, NULL, true);
		d->cur_clus = 0; /* the chain grew: re-walk */
		err = fat_dir_slot(fs, d, i - 1, &sector, &off);
		if (err)
			return err;
		last = d->cur_clus;
	}
	if (s.want_tails) {
		unsigned n = 1;
		while (n < 1024 && (s.used[n / 8] & (1 << (n % 8))))
			n++;
		if (n == 1024)
			return fs_fail(&fs->fs, GRAFT_EEXIST,
				       "fat: no short name left for '%.*s'",
				       (int)len, name);
		fat_sfn_tail(s.basis, n, sfn);
	}
	*slot = (uint32_t)s.found;
	*nslots = s.need;
	return 0;
}

int fat_dir_write(struct fat_fs *fs, struct fat_dir *d, const char *name,
		  size_t len, const uint8_t sfn[11], uint32_t slot,
		  uint32_t nslots, const uint8_t raw[FAT_SLOT],
		  struct fat_entry *e)
{
	uint16_t u16[FAT_LFN_MAX * 13];
	uint8_t ent[FAT_SLOT], sum = fat_lfn_checksum(sfn);
	size_t nu16;
	uint32_t nlfn = nslots - 1;
	int err = fat_name_check(name, len, u16, &nu16);

	if (err)
		return err;
	for (uint32_t k = nlfn; k >= 1; k--) {
		memset(ent, 0, sizeof(ent));
		ent[0] = (uint8_t)(k | (k == nlfn ? 0x40 : 0));
		ent[11] = FAT_ATTR_LFN;
		ent[13] = sum;
		for (int j = 0; j < 13; j++) {
			size_t u = (k - 1) * 13 + (size_t)j;
			uint16_t v = u < nu16 ? u16[u] : u == nu16 ? 0 : 0xffff;
			fat_put16(ent + lfn_pos[j], v);
		}
		err = write_slot(fs, d, slot + (nlfn - k), ent);
		if (err)
			return err;
	}
	memcpy(ent, raw, FAT_SLOT);
	memcpy(ent, sfn, 11);
	err = write_slot(fs, d, slot + nlfn, ent);
	if (err)
		return err;
	if (e) {
		uint32_t idx = slot;
		return fat_dir_next(fs, d, &idx, e);
	}
	return 0;
}

int fat_dir_remove(struct fat_fs *fs, struct fat_dir *d,
		   const struct fat_entry *e)
{
	uint8_t raw[FAT_SLOT];
	uint64_t sector;
	uint32_t off;
	int err;

	/* the short entry first: a crash then leaves only orphaned long-name
	 * entries, never a short entry missing half its name */
	for (int64_t i = e->slot; i >= (int64_t)e->first_slot; i--) {
		err = read_slot(fs, d, (uint32_t)i, raw, &sector, &off);
		if (err)
			return err;
		raw[0] = 0xe5;
		err = write_slot(fs, d, (uint32_t)i, raw);
		if (err)
			return err;
	}
	return 0;
}

int fat_dir_is_empty(struct fat_fs *fs, uint32_t first)
{
	struct fat_dir d;
	struct fat_entry e;
	uint32_t idx = 0;
	int err;

	fat_dir_init(fs, &d, first);
	err = fat_dir_next(fs, &d, &idx, &e);
	if (err == GRAFT_ENOENT)
		return 1;
	return err ? err : 0;
}
