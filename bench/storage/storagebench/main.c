/*
 * storagebench: sequential throughput inside an instance, for
 * bench/storage/run.sh.  On the first disk, which must hold a fresh FAT
 * volume and MIB MiB to spare after it: the raw device (its last MIB MiB,
 * which the volume leaves free), then one MIB MiB file through lib/fs/fat,
 * both in 1 MiB calls.  Writes are timed up to and including the flush;
 * reads are the best of READ_PASSES (the host is shared and noisy).
 * Prints one line per figure, "raw-write 1234.5" (MiB/s), for the script.
 *
 *	storagebench MIB
 */
#include <stdio.h>
#include <stdlib.h>

#include <graft/device.h>
#include <graft/error.h>
#include <graft/time.h>

#include "lib/fs/fat/fat.h"
#include "lib/fs/fs.h"

#define CHUNK	    (1u << 20)
#define READ_PASSES 3

static double rate(unsigned mib, uint64_t start)
{
	return mib / ((double)(graft_now() - start) / GRAFT_NSEC_PER_SEC);
}

static int bench_raw(struct graft_blkdev *d, unsigned mib, uint8_t *buf)
{
	uint32_t per = CHUNK / d->sector_size;
	uint64_t base = d->sectors - (uint64_t)mib * per, t = graft_now();
	double best = 0;
	int err = 0;

	for (unsigned i = 0; i < mib && !err; i++)
		err = d->write(d, base + (uint64_t)i * per, buf, per);
	if (!err)
		err = d->flush(d);
	if (err)
		return err;
	printf("raw-write %.1f\n", rate(mib, t));
	for (int pass = 0; pass < READ_PASSES && !err; pass++) {
		t = graft_now();
		for (unsigned i = 0; i < mib && !err; i++)
			err = d->read(d, base + (uint64_t)i * per, buf, per);
		if (rate(mib, t) > best)
			best = rate(mib, t);
	}
	if (!err)
		printf("raw-read %.1f\n", best);
	return err;
}

static int bench_fat(struct fs *fs, unsigned mib, uint8_t *buf)
{
	struct fs_file *f;
	uint64_t t = graft_now(), total;
	double best = 0;
	size_t n;
	int err = fs_open(fs, "/bench.dat", FS_O_WRITE | FS_O_CREATE, &f);

	for (unsigned i = 0; i < mib && !err; i++)
		err = fs_write(f, buf, CHUNK, NULL);
	fs_close(f);
	if (!err)
		err = fs_sync(fs);
	if (err)
		return err;
	printf("fat-write %.1f\n", rate(mib, t));
	for (int pass = 0; pass < READ_PASSES && !err; pass++) {
		t = graft_now();
		total = 0;
		err = fs_open(fs, "/bench.dat", FS_O_READ, &f);
		while (!err && !(err = fs_read(f, buf, CHUNK, &n)) && n)
			total += n;
		fs_close(f);
		if (!err && total != (uint64_t)mib * CHUNK)
			err = GRAFT_EIO;
		if (rate(mib, t) > best)
			best = rate(mib, t);
	}
	if (!err)
		printf("fat-read %.1f\n", best);
	return err;
}

int main(int argc, char **argv)
{
	struct graft_blkdev *d = graft_device_nth(GRAFT_DEVICE_BLOCK, 0, NULL);
	unsigned mib = argc == 2 ? (unsigned)atoi(argv[1]) : 0;
	uint8_t *buf = malloc(CHUNK);
	struct fs *fs;
	char why[160];
	int err;

	if (!d || !mib || !buf ||
	    d->sectors * d->sector_size < 2ULL * mib * CHUNK) {
		printf("usage: storagebench MIB (a disk of 2 * MIB MiB and "
		       "more, holding a fresh FAT volume)\n");
		return 2;
	}
	for (size_t i = 0; i < CHUNK; i++)
		buf[i] = (uint8_t)(i * 31);
	err = bench_raw(d, mib, buf);
	if (err) {
		printf("storagebench: %s: %s\n", d->name, graft_strerror(err));
		return 1;
	}
	err = fat_mount(d, NULL, &fs, why, sizeof(why));
	if (err) {
		printf("storagebench: %s: %s (%s)\n", d->name,
		       graft_strerror(err), why);
		return 1;
	}
	err = bench_fat(fs, mib, buf);
	if (err)
		printf("storagebench: %s (%s)\n", graft_strerror(err),
		       fs_error_detail(fs));
	fs_unmount(fs);
	return err ? 1 : 0;
}
