/*
 * Helpers shared by the filesystem tests (hosted): a struct graft_blkdev
 * over a file (with a write limit that simulates a crash: after it, every
 * write fails and nothing more reaches the file), running the real tools
 * (mkfs.fat, mtools, fsck.fat), and copying trees between the host and a
 * mounted filesystem.
 */
#ifndef GRAFT_TESTS_FS_FSTEST_H
#define GRAFT_TESTS_FS_FSTEST_H

#include <stdbool.h>
#include <stdint.h>

#include <graft/device.h>

#include "lib/fs/fs.h"

struct test_blk {
	struct graft_blkdev dev;
	int fd;
	long writes;	  /* write calls so far */
	long write_limit; /* -1: none; else writes after this many fail */
	bool crashed;
	bool sync; /* fdatasync on flush */
};

/* Open path as a device of sector_size-byte sectors. */
int test_blk_open(struct test_blk *b, const char *path, uint32_t sector_size,
		  bool read_only);
void test_blk_close(struct test_blk *b);

/* Run a shell command (printf-style); its exit status, or -1. */
int test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True if every named program is on PATH. */
bool test_have(const char *prog);
/* A fresh temporary directory (static buffer per call site: copy it). */
char *test_tmpdir(void);

/* Copy the host tree at hostdir into the filesystem under path. */
int test_import(struct fs *fs, const char *hostdir, const char *path);
/* Copy the filesystem's tree under path out to hostdir (created). */
int test_export(struct fs *fs, const char *path, const char *hostdir);
/* Write len pseudo-random bytes from seed to the host file path. */
void test_random_file(const char *path, size_t len, uint32_t seed);
/* Mount a FAT image file; prints the reason on failure. */
int test_fat_mount(struct test_blk *b, const char *img, bool read_only,
		   struct fs **fs);

#endif
