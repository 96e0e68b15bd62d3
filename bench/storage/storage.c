/*
 * Storage benchmark (hosted for now): sequential write and read of one
 * large file through lib/fs/fat on a file-backed device, beside the raw
 * device's sequential throughput over the same number of bytes, in the same
 * run, so the ratio is what counts.  Writes end with a flush (fdatasync),
 * inside the timing; reads come from the host's page cache for both, so
 * they measure what FAT adds on top of the device.  Later: the same on hvt, and
 *Linux vfat on a loop device over the same image.
 *
 *	storage IMAGE MIB
 * IMAGE must hold a fresh FAT volume with room for MIB MiB.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/fs/fat/fat.h"

#define CHUNK (1u << 20)

static int fd;

static int dev_read(struct graft_blkdev *d, uint64_t lba, void *buf, uint32_t n)
{
	size_t len = (size_t)n * 512;
	return pread(fd, buf, len, (off_t)lba * 512) == (ssize_t)len
		   ? 0
		   : GRAFT_EIO;
}

static int dev_write(struct graft_blkdev *d, uint64_t lba, const void *buf,
		     uint32_t n)
{
	size_t len = (size_t)n * 512;
	return pwrite(fd, buf, len, (off_t)lba * 512) == (ssize_t)len
		   ? 0
		   : GRAFT_EIO;
}

static int dev_flush(struct graft_blkdev *d)
{
	return fdatasync(fd) ? GRAFT_EIO : 0;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct graft_blkdev dev = {
	    .name = "bench",
	    .sector_size = 512,
	    .read = dev_read,
	    .write = dev_write,
	    .flush = dev_flush,
	};
	struct stat st;
	struct fs *fs;
	struct fs_file *f;
	char why[160];
	uint8_t *buf = malloc(CHUNK);
	unsigned mib;
	double t, raw_w, raw_r, fat_w, fat_r;

	if (argc != 3 || !buf)
		return fprintf(stderr, "usage: storage IMAGE MIB\n"), 2;
	mib = (unsigned)atoi(argv[2]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || fstat(fd, &st))
		return perror(argv[1]), 1;
	dev.sectors = (uint64_t)st.st_size / 512;
	dev.priv = &fd;
	for (size_t i = 0; i < CHUNK; i++)
		buf[i] = (uint8_t)(i * 31);

	/* raw: the device's last MIB MiB, which the fresh volume leaves free */
	off_t base = st.st_size - (off_t)mib * CHUNK;
	t = now();
	for (unsigned i = 0; i < mib; i++)
		dev_write(&dev, (uint64_t)(base / 512) + (uint64_t)i * 2048,
			  buf, 2048);
	dev_flush(&dev);
	raw_w = mib / (now() - t);
	t = now();
	for (unsigned i = 0; i < mib; i++)
		dev_read(&dev, (uint64_t)(base / 512) + (uint64_t)i * 2048, buf,
			 2048);
	raw_r = mib / (now() - t);

	if (fat_mount(&dev, NULL, &fs, why, sizeof(why)))
		return fprintf(stderr, "%s\n", why), 1;
	t = now();
	if (fs_open(fs, "/bench.bin", FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC,
		    &f))
		return fprintf(stderr, "%s\n", fs_error_detail(fs)), 1;
	for (unsigned i = 0; i < mib; i++)
		if (fs_write(f, buf, CHUNK, NULL))
			return fprintf(stderr, "%s\n", fs_error_detail(fs)), 1;
	fs_close(f);
	fs_sync(fs);
	fat_w = mib / (now() - t);
	t = now();
	fs_open(fs, "/bench.bin", FS_O_READ, &f);
	size_t n, total = 0;
	while (!fs_read(f, buf, CHUNK, &n) && n)
		total += n;
	fs_close(f);
	fat_r = mib / (now() - t);
	fs_unmount(fs);
	if (total != (size_t)mib * CHUNK)
		return fprintf(stderr, "read back %zu bytes\n", total), 1;

	printf(
	    "| sequential write, %u MiB | %.0f MiB/s | %.0f MiB/s | %.2f |\n",
	    mib, fat_w, raw_w, fat_w / raw_w);
	printf("| sequential read, %u MiB | %.0f MiB/s | %.0f MiB/s | %.2f |\n",
	       mib, fat_r, raw_r, fat_r / raw_r);
	return 0;
}
