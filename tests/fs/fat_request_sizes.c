/*
 * FAT moves data in large device requests, not sector by sector: writing
 * or reading a 16 MiB file in 1 MiB calls takes at most two device calls
 * per MiB and a few more (file data in runs of clusters, FAT sectors read
 * ahead and written back in runs; sector by sector it would be 2048 per
 * MiB), on FAT12, FAT16 and FAT32.  On hvt each device call is a
 * VM exit, so this is what keeps large transfers fast there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fs/fat/fat.h"
#include "tests/fs/fstest.h"
#include "tests/tap.h"

#define MIB	 (1u << 20)
#define FILE_MIB 16

static struct test_blk blk;
static int (*real_read)(struct graft_blkdev *, uint64_t, void *, uint32_t);
static int (*real_write)(struct graft_blkdev *, uint64_t, const void *,
			 uint32_t);
static long reads, writes;
static uint32_t largest; /* sectors in the largest request */

static int count_read(struct graft_blkdev *d, uint64_t lba, void *buf,
		      uint32_t n)
{
	reads++;
	largest = n > largest ? n : largest;
	return real_read(d, lba, buf, n);
}

static int count_write(struct graft_blkdev *d, uint64_t lba, const void *buf,
		       uint32_t n)
{
	writes++;
	largest = n > largest ? n : largest;
	return real_write(d, lba, buf, n);
}

static struct fs *mount_counted(const char *img)
{
	struct fs *fs;
	char why[160];

	if (test_blk_open(&blk, img, 512, false))
		return NULL;
	real_read = blk.dev.read;
	real_write = blk.dev.write;
	blk.dev.read = count_read;
	blk.dev.write = count_write;
	if (fat_mount(&blk.dev, NULL, &fs, why, sizeof(why))) {
		diag("%s: %s", img, why);
		return NULL;
	}
	reads = writes = largest = 0;
	return fs;
}

static void check(const char *name, const char *mkfs, unsigned kib)
{
	char *dir = test_tmpdir(), img[512];
	uint8_t *buf = malloc(MIB);
	struct fs_file *f;
	struct fs *fs;
	size_t n, total = 0;
	int err = 0;

	snprintf(img, sizeof(img), "%s/vol.img", dir);
	if (!buf ||
	    test_sh("mkfs.fat -C %s '%s' %u >/dev/null", mkfs, img, kib) ||
	    !(fs = mount_counted(img))) {
		ok(0, "%s: set up", name);
		free(buf);
		return;
	}
	memset(buf, 0x5a, MIB);
	err = fs_open(fs, "/big.bin", FS_O_WRITE | FS_O_CREATE, &f);
	for (unsigned i = 0; i < FILE_MIB && !err; i++)
		err = fs_write(f, buf, MIB, NULL);
	fs_close(f);
	if (!err)
		err = fs_sync(fs);
	ok(!err && writes <= 2 * FILE_MIB + 8 && reads <= 2 * FILE_MIB + 8,
	   "%s: writing %u MiB takes %ld writes and %ld reads", name, FILE_MIB,
	   writes, reads);
	ok(largest >= MIB / 512, "%s: the largest request is %u sectors", name,
	   largest);
	fs_unmount(fs);
	test_blk_close(&blk);

	fs = mount_counted(img); /* a cold cache */
	err = fs ? fs_open(fs, "/big.bin", FS_O_READ, &f) : GRAFT_EIO;
	if (!err) {
		while (!(err = fs_read(f, buf, MIB, &n)) && n)
			total += n;
		fs_close(f);
	}
	if (err || total != (size_t)FILE_MIB * MIB)
		diag("%s: read %zu bytes: %s (%s)", name, total,
		     graft_strerror(err), fs ? fs_error_detail(fs) : "");
	ok(!err && total == (size_t)FILE_MIB * MIB &&
	       reads <= 2 * FILE_MIB + 8 && writes == 0,
	   "%s: reading it back takes %ld reads, %ld writes", name, reads,
	   writes);
	if (fs)
		fs_unmount(fs);
	test_blk_close(&blk);
	test_sh("rm -rf '%s'", dir);
	free(buf);
}

int main(void)
{
	if (!test_have("mkfs.fat")) {
		printf("1..0 # SKIP mkfs.fat missing\n");
		return 0;
	}
	check("FAT12, 8 KiB clusters", "-F 12 -s 16", 24 * 1024);
	check("FAT16, 2 KiB clusters", "-F 16 -s 4", 40 * 1024);
	check("FAT32, 512-byte clusters", "-F 32 -s 1", 40 * 1024);
	check("FAT32, 4 KiB clusters", "-F 32 -s 8", 300 * 1024);
	return done_testing();
}
