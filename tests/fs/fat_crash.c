/*
 * Crashes mid-write: a device that stops taking writes after N of them (the
 * instance dies there) under a workload of appends, new files, directories,
 * renames and deletes, for many N.  Every crashed image must be repaired by
 * fsck.fat -a (and be clean to fsck.fat -n after), never hold cross-linked
 * files, and still hold every file that was synced before the crash and not
 * touched after, byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fs/fstest.h"
#include "tests/tap.h"

static uint8_t pattern[300000];
static bool synced_mid; /* the workload's middle sync returned 0 */

static int put(struct fs *fs, const char *path, size_t off, size_t len,
	       int flags)
{
	struct fs_file *f;
	int err = fs_open(fs, path, FS_O_WRITE | FS_O_CREATE | flags, &f);

	if (err)
		return err;
	err = fs_seek(f, (int64_t)off, FS_SEEK_SET, NULL);
	if (!err)
		err = fs_write(f, pattern + off, len, NULL);
	fs_close(f);
	return err;
}

/* Does path hold exactly len bytes of the pattern from offset 0? */
static bool holds(struct fs *fs, const char *path, size_t len, bool prefix)
{
	static uint8_t buf[sizeof(pattern)];
	struct fs_file *f;
	size_t got;

	if (fs_open(fs, path, FS_O_READ, &f))
		return false;
	int err = fs_read(f, buf, sizeof(buf), &got);
	fs_close(f);
	if (err || got < len || (!prefix && got != len))
		return false;
	return memcmp(buf, pattern, len) == 0;
}

static void baseline(struct fs *fs)
{
	fs_mkdir(fs, "/keep");
	put(fs, "/keep/A file with a long name.bin", 0, 100000, 0);
	put(fs, "/keep/B.BIN", 0, 3000, 0);
	put(fs, "/keep/C", 0, 0, 0);
	put(fs, "/D.TXT", 0, 700, 0);
	put(fs, "/E to delete.txt", 0, 5000, 0);
	fs_sync(fs);
}

/* Errors are ignored: after the crash point every call may fail. */
static void workload(struct fs *fs)
{
	synced_mid = false;
	put(fs, "/keep/B.BIN", 3000, 50000, 0); /* append */
	fs_mkdir(fs, "/new");
	fs_mkdir(fs, "/new/deeper directory");
	put(fs, "/new/first synced file.dat", 0, 120000, 0);
	put(fs, "/new/deeper directory/small", 0, 10, 0);
	synced_mid = fs_sync(fs) == 0;
	put(fs, "/new/unsynced big.dat", 0, 250000, 0);
	fs_rename(fs, "/new/deeper directory/small", "/new/small moved");
	fs_unlink(fs, "/E to delete.txt");
	for (int i = 0; i < 20; i++) {
		char p[64];
		snprintf(p, sizeof(p), "/new/many files number %d", i);
		put(fs, p, 0, (size_t)i * 500, 0);
	}
	put(fs, "/new/unsynced big.dat", 0, 4000, FS_O_TRUNC);
	fs_sync(fs);
}

static long count_writes(const char *img)
{
	struct test_blk b;
	struct fs *fs;

	if (test_fat_mount(&b, img, false, &fs))
		return -1;
	workload(fs);
	fs_unmount(fs);
	test_blk_close(&b);
	return b.writes;
}

struct tally {
	int points, repaired, clean, no_share, mounted, kept, fixed;
};

static void crash_at(const char *tmp, long n, struct tally *t)
{
	char img[256];
	struct test_blk b;
	struct fs *fs;

	snprintf(img, sizeof(img), "%s/crash.img", tmp);
	test_sh("cp --sparse=always '%s/base.img' '%s'", tmp, img);
	t->points++;
	if (test_fat_mount(&b, img, false, &fs))
		return;
	b.write_limit = n;
	workload(fs);
	bool mid = synced_mid;
	fs_unmount(fs);
	test_blk_close(&b);

	int rc = test_sh("fsck.fat -a '%s' >'%s/fsck.log' 2>&1", img, tmp);
	t->fixed += rc == 1;
	if (rc == 0 || rc == 1)
		t->repaired++;
	else
		diag("crash after %ld writes: fsck.fat -a exits %d", n, rc);
	if (test_sh("grep -qi 'share\\|cross' '%s/fsck.log'", tmp) != 0)
		t->no_share++;
	else
		diag("crash after %ld writes: cross-linked files", n);
	if (test_sh("fsck.fat -n '%s' >/dev/null 2>&1", img) == 0)
		t->clean++;
	else
		diag("crash after %ld writes: not clean after repair", n);

	if (test_fat_mount(&b, img, true, &fs))
		return;
	t->mounted++;
	bool kept =
	    holds(fs, "/keep/A file with a long name.bin", 100000, false) &&
	    holds(fs, "/keep/C", 0, false) && holds(fs, "/D.TXT", 700, false) &&
	    holds(fs, "/keep/B.BIN", 3000, true);
	if (mid)
		kept = kept &&
		       holds(fs, "/new/first synced file.dat", 120000, false) &&
		       holds(fs, "/keep/B.BIN", 53000, false);
	if (!kept) {
		const char *ps[] = {"/keep/A file with a long name.bin",
				    "/keep/C", "/D.TXT", "/keep/B.BIN",
				    "/new/first synced file.dat"};
		for (int i = 0; i < 5; i++) {
			struct fs_stat st;
			int e = fs_stat(fs, ps[i], &st);
			diag("  %s: %s size %llu", ps[i], graft_strerror(e),
			     (unsigned long long)st.size);
		}
	}
	if (kept)
		t->kept++;
	else
		diag("crash after %ld writes: a synced file was lost", n);
	fs_unmount(fs);
	test_blk_close(&b);
}

static void run(const char *mkfs, unsigned kib, const char *tmp)
{
	char img[256];
	struct test_blk b;
	struct fs *fs;
	struct tally t = {0};
	long total;

	snprintf(img, sizeof(img), "%s/base.img", tmp);
	test_sh("rm -f '%s' && mkfs.fat -C %s '%s' %u >/dev/null", img, mkfs,
		img, kib);
	if (test_fat_mount(&b, img, false, &fs)) {
		ok(0, "mount");
		return;
	}
	baseline(fs);
	fs_unmount(fs);
	test_blk_close(&b);
	test_sh("cp '%s' '%s/count.img'", img, tmp);
	snprintf(img, sizeof(img), "%s/count.img", tmp);
	total = count_writes(img);
	ok(total > 10, "the workload makes %ld device writes", total);
	for (long n = 0; n <= total; n += total / 40 + 1)
		crash_at(tmp, n, &t);
	for (long n = 1; n < 12; n++) /* the first writes, one by one */
		crash_at(tmp, n, &t);
	diag("%d crash points, %d of them left something for fsck.fat to fix",
	     t.points, t.fixed);
	is_int(t.repaired, t.points, "fsck.fat -a repairs every crash point");
	is_int(t.no_share, t.points, "no crash point cross-links files");
	is_int(t.clean, t.points, "every repaired volume is clean");
	is_int(t.mounted, t.points, "graft mounts every repaired volume");
	is_int(t.kept, t.points, "files synced before the crash survive");
}

int main(void)
{
	char tmp[64];

	if (!test_have("mkfs.fat") || !test_have("fsck.fat")) {
		printf("1..0 # SKIP dosfstools missing\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + i / 251);
	strcpy(tmp, test_tmpdir());
	diag("FAT16, 2 KiB clusters");
	run("-F 16 -s 4", 16 * 1024, tmp);
	diag("FAT32, 512-byte clusters");
	run("-F 32 -s 1", 40 * 1024, tmp);
	diag("FAT12, 1 KiB clusters");
	run("-F 12 -s 2", 3 * 1024, tmp);
	test_sh("rm -rf '%s'", tmp);
	return done_testing();
}
