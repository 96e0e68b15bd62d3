/*
 * Bad input and hard conditions: corrupt boot sectors are refused with the
 * field named; looping, broken and over-long chains, out-of-range clusters
 * and bad directory entries give errors (never a crash) and leave the other
 * files readable; a full disk gives GRAFT_ENOSPC and stays consistent; a
 * read-only device gives GRAFT_EROFS.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fs/fat/fat.h"
#include "tests/fs/fstest.h"
#include "tests/tap.h"

static char tmp[64], img[128], good[128];

static void patch(const char *path, long off, const void *bytes, size_t n)
{
	int fd = open(path, O_RDWR);
	if (fd < 0 || pwrite(fd, bytes, n, off) != (ssize_t)n)
		diag("patch %s failed", path);
	close(fd);
}

static void patch16(long off, unsigned v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	patch(img, off, b, 2);
}

static void patch32(long off, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			(uint8_t)(v >> 24)};
	patch(img, off, b, 4);
}

static long find(const char *path, const void *needle, size_t n)
{
	FILE *f = fopen(path, "rb");
	static uint8_t buf[1 << 20];
	size_t got = f ? fread(buf, 1, sizeof(buf), f) : 0;
	if (f)
		fclose(f);
	uint8_t *p = memmem(buf, got, needle, n);
	return p ? (long)(p - buf) : -1;
}

static void fresh(void)
{
	test_sh("cp '%s' '%s'", good, img);
}

static int try_mount(char *why, size_t n)
{
	struct test_blk b;
	struct fs *fs;
	int err = test_blk_open(&b, img, 512, false);
	if (err)
		return err;
	why[0] = '\0';
	err = fat_mount(&b.dev, NULL, &fs, why, n);
	if (!err)
		fs_unmount(fs);
	test_blk_close(&b);
	return err;
}

static void boot_field(const char *what, long off, int width, uint32_t v)
{
	char why[160];
	fresh();
	if (width == 1)
		patch(img, off, &(uint8_t){(uint8_t)v}, 1);
	else if (width == 2)
		patch16(off, v);
	else
		patch32(off, v);
	int err = try_mount(why, sizeof(why));
	ok(err == GRAFT_EFORMAT && strstr(why, "boot sector"),
	   "boot sector with bad %s is refused (%s)", what, why);
}

static int write_file(struct fs *fs, const char *path, size_t len, int seed)
{
	static uint8_t buf[1 << 16];
	struct fs_file *f;
	int err = fs_open(fs, path, FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC, &f);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * seed);
	while (!err && len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf), done;
		err = fs_write(f, buf, n, &done);
		len -= done;
	}
	fs_close(f);
	return err;
}

static int read_file(struct fs *fs, const char *path, size_t *len)
{
	static uint8_t buf[1 << 16];
	struct fs_file *f;
	size_t n;
	int err = fs_open(fs, path, FS_O_READ, &f);
	*len = 0;
	while (!err && !(err = fs_read(f, buf, sizeof(buf), &n)) && n)
		*len += n;
	fs_close(f);
	return err;
}

static void boot_sectors(void)
{
	boot_field("bytes per sector 0", 11, 2, 0);
	boot_field("bytes per sector 100", 11, 2, 100);
	boot_field("bytes per sector 8192", 11, 2, 8192);
	boot_field("sectors per cluster 0", 13, 1, 0);
	boot_field("sectors per cluster 3", 13, 1, 3);
	boot_field("reserved sectors 0", 14, 2, 0);
	boot_field("FAT count 0", 16, 1, 0);
	boot_field("root entries 0", 17, 2, 0);
	boot_field("total sectors 0", 19, 2, 0);
	boot_field("media byte", 21, 1, 0x12);
	boot_field("sectors per FAT 0", 22, 2, 0);
	boot_field("sectors per FAT 1", 22, 2, 1);
	boot_field("signature", 510, 2, 0);
	boot_field("jump", 0, 1, 0);
	/* total sectors beyond the device: the 16-bit field off, 32 huge */
	fresh();
	patch16(19, 0);
	patch32(32, 0xfffffff0);
	char why[160];
	ok(try_mount(why, sizeof(why)) == GRAFT_EFORMAT,
	   "a volume larger than its device is refused (%s)", why);
}

/* Open each name, then check that TWO.BIN still reads whole. */
static void chain_case(const char *what, int want)
{
	struct test_blk b;
	struct fs *fs;
	size_t len;

	if (test_fat_mount(&b, img, false, &fs)) {
		ok(0, "%s: mount", what);
		return;
	}
	int err = read_file(fs, "/ONE.BIN", &len);
	ok(err == want, "%s: reading gives %s (%s)", what, graft_strerror(err),
	   fs_error_detail(fs));
	err = write_file(fs, "/ONE.BIN", 100, 1);
	ok(err != 0 || want == 0, "%s: writing gives an error too (%s)", what,
	   graft_strerror(err));
	err = read_file(fs, "/TWO.BIN", &len);
	ok(!err && len == 10000, "%s: the other file still reads whole", what);
	fs_unmount(fs);
	test_blk_close(&b);
}

static void chains(void)
{
	long ent = find(good, "ONE     BIN", 11);
	uint8_t raw[32];
	FILE *f = fopen(good, "rb");
	fseek(f, ent, SEEK_SET);
	if (fread(raw, 1, 32, f) != 32)
		diag("short read");
	fclose(f);
	unsigned first = raw[26] | raw[27] << 8;
	long fat = 4 * 512; /* mkfs.fat -R 4 below */
	diag("ONE.BIN at cluster %u", first);

	fresh();
	patch16(fat + (first + 4) * 2, first);
	chain_case("a looping chain", GRAFT_EFORMAT);
	fresh();
	patch16(fat + (first + 1) * 2, 0xfff0);
	chain_case("a chain past the end", GRAFT_EFORMAT);
	fresh();
	patch16(fat + (first + 1) * 2, 0);
	chain_case("a chain through a free cluster", GRAFT_EFORMAT);
	fresh();
	patch32(ent + 28, 1000000);
	chain_case("a size beyond the chain", GRAFT_EFORMAT);
	fresh();
	patch16(ent + 26, 0xfff0);
	chain_case("a first cluster past the end", GRAFT_EFORMAT);
}

static void entries(void)
{
	struct test_blk b;
	struct fs *fs;
	struct fs_stat st;
	struct fs_file *d;
	struct fs_dirent de;
	long ent;
	int n = 0, err;

	fresh();
	ent = find(good, "TWO     BIN", 11);
	patch(img, ent, "T/O", 3);
	ent = find(good, "DIR        ", 11);
	patch16(ent + 26, 1);
	ent = find(good, "O\0n\0e\0 \0l\0", 10);
	patch(img, ent - 1 + 13, "\x01", 1); /* break the checksum */
	if (test_fat_mount(&b, img, false, &fs)) {
		ok(0, "mount with bad entries");
		return;
	}
	is_int(fs_stat(fs, "/T/O.BIN", &st), GRAFT_ENOENT,
	       "an entry with '/' in its short name is skipped");
	err = fs_open(fs, "/dir", FS_O_READ, &d);
	ok(err == GRAFT_EFORMAT, "a directory at cluster 1 gives %s (%s)",
	   graft_strerror(err), fs_error_detail(fs));
	if (!err)
		fs_close(d);
	is_int(fs_stat(fs, "/ONELON~1.TXT", &st), 0,
	       "a long name with a bad checksum falls back to the short one");
	is_int(fs_stat(fs, "/One long name.txt", &st), GRAFT_ENOENT,
	       "and the long name is not believed");
	is_int(fs_open(fs, "/", FS_O_READ, &d), 0, "the root opens");
	while (fs_readdir(d, &de) == 0)
		n++;
	fs_close(d);
	is_int(n, 3, "readdir lists the three good entries");

	/* garbage over the whole root directory: no crash, whatever comes */
	fs_unmount(fs);
	test_blk_close(&b);
	fresh();
	int fd = open(img, O_RDWR);
	uint8_t junk[512 * 32];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 131 + (i >> 5) * 17);
	if (pwrite(fd, junk, sizeof(junk), ent - ent % 512 - 512) < 0)
		diag("pwrite");
	close(fd);
	if (test_fat_mount(&b, img, false, &fs) == 0) {
		n = 0;
		if (fs_open(fs, "/", FS_O_READ, &d) == 0) {
			while (fs_readdir(d, &de) == 0 && n < 100000) {
				struct fs_file *f;
				char p[FS_PATH_MAX];
				snprintf(p, sizeof(p), "/%.500s", de.name);
				if (fs_open(fs, p, FS_O_READ, &f) == 0)
					fs_close(f);
				n++;
			}
			fs_close(d);
		}
		ok(1,
		   "a garbage root directory walks without a crash (%d "
		   "entries)",
		   n);
		fs_unmount(fs);
		test_blk_close(&b);
	}
}

static void full_disk(void)
{
	struct test_blk b;
	struct fs *fs;
	struct fs_file *f;
	size_t len, total = 0, done;
	static uint8_t buf[50000];
	int err = 0;

	test_sh("rm -f '%s' && mkfs.fat -C -F 12 -r 16 '%s' 1024 >/dev/null",
		img, img);
	if (test_fat_mount(&b, img, false, &fs)) {
		ok(0, "mount");
		return;
	}
	write_file(fs, "/keep.bin", 30000, 3);
	fs_open(fs, "/big.bin", FS_O_WRITE | FS_O_CREATE, &f);
	while (!err) {
		err = fs_write(f, buf, sizeof(buf), &done);
		total += done;
	}
	fs_close(f);
	is_int(err, GRAFT_ENOSPC, "filling the disk gives GRAFT_ENOSPC");
	read_file(fs, "/big.bin", &len);
	ok(len == total && total > 900000,
	   "the file holds all %zu bytes written", total);
	int files = 0;
	for (err = 0; !err && files < 40; files++) {
		char p[32];
		snprintf(p, sizeof(p), "/F%d", files);
		err = fs_mkdir(fs, p);
	}
	is_int(err, GRAFT_ENOSPC, "a full root directory gives GRAFT_ENOSPC");
	is_int(fs_sync(fs), 0, "sync on a full disk");
	is_int(test_sh("fsck.fat -n '%s' >/dev/null 2>&1", img), 0,
	       "the full volume is consistent");
	is_int(fs_unlink(fs, "/big.bin"), 0, "unlink the big file");
	is_int(write_file(fs, "/again.bin", 500000, 5), 0,
	       "its space can be written again before a sync");
	read_file(fs, "/keep.bin", &len);
	is_int(len, 30000, "the other file is intact");
	fs_unmount(fs);
	test_blk_close(&b);
	is_int(test_sh("fsck.fat -n '%s' >/dev/null 2>&1", img), 0,
	       "the volume is consistent after all that");
}

static void read_only(void)
{
	struct test_blk b;
	struct fs *fs;
	struct fs_file *f;
	struct fs_statfs sf;
	size_t len;

	fresh();
	if (test_fat_mount(&b, img, true, &fs)) {
		ok(0, "mount read-only");
		return;
	}
	is_int(fs_open(fs, "/ONE.BIN", FS_O_RDWR, &f), GRAFT_EROFS,
	       "open for writing on a read-only device: GRAFT_EROFS");
	is_int(fs_open(fs, "/new", FS_O_WRITE | FS_O_CREATE, &f), GRAFT_EROFS,
	       "create: GRAFT_EROFS");
	is_int(fs_mkdir(fs, "/d"), GRAFT_EROFS, "mkdir: GRAFT_EROFS");
	is_int(fs_unlink(fs, "/ONE.BIN"), GRAFT_EROFS, "unlink: GRAFT_EROFS");
	is_int(fs_rename(fs, "/ONE.BIN", "/X"), GRAFT_EROFS,
	       "rename: GRAFT_EROFS");
	is_int(read_file(fs, "/ONE.BIN", &len), 0, "reading still works");
	fs_statfs(fs, &sf);
	ok(sf.read_only, "statfs says read-only");
	is_int(fs_unmount(fs), 0, "unmount read-only");
	test_blk_close(&b);
}

int main(void)
{
	struct test_blk b;
	struct fs *fs;

	if (!test_have("mkfs.fat") || !test_have("fsck.fat")) {
		printf("1..0 # SKIP dosfstools missing\n");
		return 0;
	}
	strcpy(tmp, test_tmpdir());
	snprintf(img, sizeof(img), "%s/img", tmp);
	snprintf(good, sizeof(good), "%s/good", tmp);
	test_sh("mkfs.fat -C -F 16 -s 4 -R 4 '%s' 16384 >/dev/null", good);
	if (test_fat_mount(&b, good, false, &fs))
		return 1;
	write_file(fs, "/ONE.BIN", 10000, 1);
	write_file(fs, "/TWO.BIN", 10000, 2);
	write_file(fs, "/One long name.txt", 10, 3);
	fs_mkdir(fs, "/dir");
	fs_unmount(fs);
	test_blk_close(&b);

	boot_sectors();
	chains();
	entries();
	read_only();
	full_disk();
	test_sh("rm -rf '%s'", tmp);
	return done_testing();
}
