/*
 * FAT against the real tools: images made by mkfs.fat (FAT12, FAT16,
 * FAT32, several cluster sizes) and filled by mcopy/mmd read back through
 * graft byte for byte; trees written by graft (long names, nested
 * directories, large files, renames, deletes) read back by mtools
 * identically, and fsck.fat -n finds nothing to fix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fs/fat/fat.h"
#include "tests/fs/fstest.h"
#include "tests/tap.h"

struct config {
	const char *name;
	const char *mkfs; /* mkfs.fat options */
	unsigned mib;
};

static const struct config configs[] = {
    {"FAT12, 512-byte clusters", "-F 12 -s 1", 2},
    {"FAT12, 4 KiB clusters", "-F 12 -s 8", 8},
    {"FAT16, 1 KiB clusters", "-F 16 -s 2", 16},
    {"FAT16, 8 KiB clusters", "-F 16 -s 16", 64},
    {"FAT32, 512-byte clusters", "-F 32 -s 1", 40},
    {"FAT32, 1 KiB clusters, one FAT", "-F 32 -s 2 -f 1", 80},
    {"FAT32, 4 KiB sectors, 8 KiB clusters", "-F 32 -S 4096 -s 2", 600},
};

/* The tree mtools puts on the image: long names, odd sizes, depth. */
static void make_source(const char *src)
{
	char p[512];
	static const size_t sizes[] = {0, 1, 511, 512, 513, 4103, 70001};

	test_sh("mkdir -p '%s/Sub Dir/deeper/deepest' '%s/docs'", src, src);
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(p, sizeof(p), "%s/file%u.bin", src, i);
		test_random_file(p, sizes[i], i + 1);
	}
	snprintf(p, sizeof(p), "%s/A long file name with spaces.txt", src);
	test_random_file(p, 3000, 11);
	snprintf(p, sizeof(p), "%s/Sub Dir/MixedCase.Data", src);
	test_random_file(p, 9000, 12);
	snprintf(p, sizeof(p), "%s/Sub Dir/deeper/deepest/x", src);
	test_random_file(p, 100, 13);
	snprintf(p, sizeof(p), "%s/docs/README", src);
	test_random_file(p, 600, 14);
	snprintf(p, sizeof(p), "%s/docs/caf\xc3\xa9 \xe2\x82\xac.txt", src);
	test_random_file(p, 77, 15);
}

/* What graft adds: a big file, long and short names, nested directories. */
static int graft_writes(struct fs *fs, const char *mirror, size_t big)
{
	char tmp[512];
	int err;

	snprintf(tmp, sizeof(tmp), "%s/new", mirror);
	test_sh("rm -rf '%s' && mkdir -p '%s/Nested Directory/level two'", tmp,
		tmp);
	snprintf(tmp, sizeof(tmp), "%s/new/big.bin", mirror);
	test_random_file(tmp, big, 21);
	snprintf(tmp, sizeof(tmp),
		 "%s/new/Nested Directory/level two/"
		 "A rather long name, with punctuation (and more).text",
		 mirror);
	test_random_file(tmp, 5000, 22);
	snprintf(tmp, sizeof(tmp), "%s/new/SHORT.TXT", mirror);
	test_random_file(tmp, 10, 23);
	snprintf(tmp, sizeof(tmp), "%s/new/lower.txt", mirror);
	test_random_file(tmp, 10, 24);
	for (int i = 0; i < 12; i++) {
		snprintf(tmp, sizeof(tmp), "%s/new/similar name %d.txt", mirror,
			 i);
		test_random_file(tmp, (size_t)i * 100, 30 + (uint32_t)i);
	}
	snprintf(tmp, sizeof(tmp), "%s/new", mirror);
	err = fs_mkdir(fs, "/new");
	if (!err)
		err = test_import(fs, tmp, "/new");
	if (err)
		return err;
	/* renames and deletes, mirrored on the host */
	err = fs_rename(fs, "/new/similar name 3.txt",
			"/new/Nested Directory/moved here.txt");
	if (!err)
		err = fs_rename(fs, "/file1.bin", "/renamed with a long name");
	if (!err)
		err = fs_rename(fs, "/Sub Dir/deeper", "/new/deeper moved");
	if (!err)
		err = fs_unlink(fs, "/file5.bin");
	if (!err)
		err = fs_unlink(fs, "/new/similar name 7.txt");
	if (!err)
		err = fs_unlink(fs, "/docs/README");
	if (!err)
		err = fs_rename(fs, "/new/lower.txt", "/new/LOWER.TXT");
	if (err)
		return err;
	test_sh("cd '%s' && mv 'new/similar name 3.txt' "
		"'new/Nested Directory/moved here.txt' && "
		"mv file1.bin 'renamed with a long name' && "
		"mv 'Sub Dir/deeper' 'new/deeper moved' && "
		"rm file5.bin 'new/similar name 7.txt' docs/README && "
		"mv new/lower.txt new/LOWER.TXT",
		mirror);
	return fs_sync(fs);
}

static void run_config(const struct config *c, const char *tmp)
{
	char img[256], src[256], out[256];
	struct test_blk b;
	struct fs *fs;
	int err;

	snprintf(img, sizeof(img), "%s/img", tmp);
	snprintf(src, sizeof(src), "%s/src", tmp);
	snprintf(out, sizeof(out), "%s/out", tmp);
	test_sh("rm -rf '%s' '%s' '%s'", img, src, out);
	make_source(src);
	is_int(test_sh("mkfs.fat -C %s '%s' %u >/dev/null", c->mkfs, img,
		       c->mib * 1024),
	       0, "mkfs.fat makes the image");
	is_int(test_sh("cd '%s' && mcopy -s -i '%s' * ::/", src, img), 0,
	       "mcopy fills it");
	test_sh("mmd -i '%s' '::/made by mmd'", img);
	test_sh("mkdir -p '%s/made by mmd'", src);

	err = test_fat_mount(&b, img, false, &fs);
	is_int(err, 0, "graft mounts it");
	if (err)
		return;
	is_int(test_export(fs, "/", out), 0, "graft reads the whole tree");
	is_int(test_sh("diff -r '%s' '%s'", src, out), 0,
	       "what graft reads equals what mcopy wrote");

	/* a third of the volume, at most 3 MiB: many clusters, still fits */
	err = graft_writes(fs, src,
			   c->mib > 9 ? 3 * 1024 * 1024 + 123
				      : c->mib * 1024 * 1024 / 3 + 123);
	is_int(err, 0, "graft writes, renames and deletes");
	if (err)
		diag("%s", fs_error_detail(fs));
	is_int(fs_unmount(fs), 0, "unmount");
	test_blk_close(&b);

	is_int(test_sh("fsck.fat -n '%s' >%s/fsck.log 2>&1", img, tmp), 0,
	       "fsck.fat -n finds no errors");
	test_sh("sed 's/^/# /' %s/fsck.log | grep -v '^# [^ ]*fsck.fat\\|"
		"^# Checking\\|^# /\\|^# $' | head -20",
		tmp);
	test_sh("rm -rf '%s'", out);
	is_int(test_sh("mkdir '%s' && mcopy -s -n -i '%s' '::/*' '%s/'", out,
		       img, out),
	       0, "mcopy copies the tree out");
	is_int(test_sh("diff -r '%s' '%s'", src, out), 0,
	       "what mtools reads equals what graft wrote");
	is_int(test_sh("mtype -i '%s' '::/new/Nested Directory/level two/"
		       "A rather long name, with punctuation (and more).text'"
		       " | cmp - '%s/new/Nested Directory/level two/"
		       "A rather long name, with punctuation (and more).text'",
		       img, src),
	       0, "mtype reads a long-named file graft wrote");
	is_int(test_sh("mdir -b -i '%s' ::/new | grep -q '/LOWER.TXT$'", img),
	       0, "mdir lists the case-changed name");
}

static int64_t fixed_clock(void *arg)
{
	return *(int64_t *)arg;
}

/* Stamps come from the caller's clock, in two-second steps, and mtools
 * reads the same date and time. */
static void timestamps(const char *tmp)
{
	int64_t t = 1714979291; /* 2024-05-06 07:08:11 UTC */
	struct fs_mount_opts o = {.clock = fixed_clock, .clock_arg = &t};
	char img[256], why[160];
	struct test_blk b;
	struct fs *fs;
	struct fs_file *f;
	struct fs_stat st;

	snprintf(img, sizeof(img), "%s/time.img", tmp);
	test_sh("mkfs.fat -C -F 16 -s 1 '%s' 8192 >/dev/null", img);
	test_blk_open(&b, img, 512, false);
	if (fat_mount(&b.dev, &o, &fs, why, sizeof(why))) {
		ok(0, "mount: %s", why);
		return;
	}
	fs_open(fs, "/stamped.txt", FS_O_WRITE | FS_O_CREATE, &f);
	fs_write(f, "x", 1, NULL);
	fs_close(f);
	fs_mkdir(fs, "/stamped dir");
	is_int(fs_stat(fs, "/stamped.txt", &st), 0, "stat a stamped file");
	is_int(st.mtime, t - 1, "its time is the clock's, to two seconds");
	fs_unmount(fs);
	test_blk_close(&b);
	is_int(test_sh("mdir -i '%s' ::/ | grep -i '^stamped *txt' | grep -c "
		       "'2024-05-06 *7:08' | grep -qx 1",
		       img),
	       0, "mdir shows the same date and time");
	is_int(test_sh("mdir -i '%s' ::/ | grep 'stamped dir' | grep -q "
		       "'2024-05-06 *7:08'",
		       img),
	       0, "and for the directory");
}

int main(void)
{
	char tmp[64];

	if (!test_have("mkfs.fat") || !test_have("mcopy") ||
	    !test_have("fsck.fat")) {
		printf("1..0 # SKIP dosfstools or mtools missing\n");
		return 0;
	}
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	strcpy(tmp, test_tmpdir());
	for (unsigned i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		diag("%s", configs[i].name);
		run_config(&configs[i], tmp);
	}
	timestamps(tmp);
	test_sh("rm -rf '%s'", tmp);
	return done_testing();
}
