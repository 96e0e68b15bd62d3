/*
 * blkcheck: the block device path of an instance, checked from inside it
 * (tests/fs/instance_blkdev.t drives it).  Each check prints "ok - what"
 * or "not ok - what"; the script numbers them.
 *
 *	blkcheck errors      refusals on disk0 (and on disk1, attached
 *	                     read-only): misaligned, out of range, bad handle,
 *	                     read-only
 *	blkcheck pattern     writes a known pattern to disk0 in overlapping
 *	                     passes, flushes, prints "flushed", then sleeps
 *	                     until killed; the script compares the file
 *
 * The pattern: pass 1 writes sectors 0..2047 in one 1 MiB call, pass 2
 * rewrites sectors 100..199 one call each, pass 3 rewrites sector 150.
 * Byte i of sector s written by pass p is (s * 7 + i + p * 13) & 0xff, so a
 * reordered or lost write shows in the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graft/device.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/time.h>
#include <graft/platform.h>

#define SECTOR 512

static int failures;

static void check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	failures += !cond;
}

static void fill(uint8_t *buf, uint64_t first, uint32_t count, int pass)
{
	for (uint64_t s = first; s < first + count; s++)
		for (int i = 0; i < SECTOR; i++)
			buf[(s - first) * SECTOR + i] =
			    (uint8_t)(s * 7 + i + pass * 13);
}

/* The platform handle of the block device called name, or -1. */
static int handle_of(const char *name, struct plat_device_info *info)
{
	for (plat_handle_t h = 0; h < PLAT_MAX_DEVICES; h++)
		if (!plat_device_info(h, info) &&
		    info->kind == PLAT_DEV_BLOCK && !strcmp(info->name, name))
			return (int)h;
	return -1;
}

static int run_errors(void)
{
	static uint8_t buf[4 * SECTOR];
	struct plat_device_info info;
	int h = handle_of("disk0", &info);
	uint64_t size = info.sectors * info.sector_size;
	struct graft_blkdev *d = graft_device_find(GRAFT_DEVICE_BLOCK, "disk0");

	if (h < 0 || !d) {
		printf("blkcheck: no disk0\n");
		return 1;
	}
	check(info.sector_size == SECTOR && !info.read_only,
	      "disk0: 512-byte sectors, writable");
	check(plat_block_read(h, 0, buf, sizeof(buf)) == 0,
	      "an aligned multi-sector read succeeds");
	check(plat_block_read(h, size - SECTOR, buf, SECTOR) == 0,
	      "the last sector can be read");
	check(plat_block_read(h, 1, buf, SECTOR) == GRAFT_EINVAL,
	      "a misaligned offset is refused");
	check(plat_block_read(h, 0, buf, 100) == GRAFT_EINVAL,
	      "a misaligned length is refused");
	check(plat_block_write(h, 3, buf, SECTOR) == GRAFT_EINVAL,
	      "a misaligned write is refused");
	check(plat_block_read(h, size, buf, SECTOR) == GRAFT_EINVAL,
	      "a read past the end is refused");
	check(plat_block_write(h, size - SECTOR, buf, 2 * SECTOR) ==
		  GRAFT_EINVAL,
	      "a write across the end is refused");
	check(plat_block_read(h, UINT64_MAX - SECTOR + 1, buf, SECTOR) ==
		  GRAFT_EINVAL,
	      "an offset near 2^64 is refused");
	check(d->read(d, info.sectors, buf, 1) == GRAFT_EINVAL,
	      "the graft device refuses a sector past the end");
	check(d->write(d, info.sectors - 1, buf, 2) == GRAFT_EINVAL,
	      "the graft device refuses a run across the end");
	check(plat_block_read(PLAT_MAX_DEVICES - 1, 0, buf, SECTOR) ==
		  GRAFT_EBADF,
	      "a handle that is no device is refused");
	check(plat_block_flush(h) == 0, "flush succeeds");

	h = handle_of("disk1", &info);
	d = graft_device_find(GRAFT_DEVICE_BLOCK, "disk1");
	if (h < 0 || !d) {
		printf("blkcheck: no disk1\n");
		return 1;
	}
	check(info.read_only && d->read_only, "disk1 is read-only");
	check(plat_block_read(h, 0, buf, SECTOR) == 0,
	      "a read-only disk can be read");
	check(plat_block_write(h, 0, buf, SECTOR) == GRAFT_EROFS,
	      "the platform refuses a write to it with EROFS");
	check(d->write(d, 0, buf, 1) == GRAFT_EROFS,
	      "the graft device refuses a write to it with EROFS");
	return failures ? 1 : 0;
}

static int run_pattern(void)
{
	struct graft_blkdev *d = graft_device_find(GRAFT_DEVICE_BLOCK, "disk0");
	uint8_t *buf = malloc(2048 * SECTOR);
	int err = 0;

	if (!d || !buf || d->sectors < 2048) {
		printf("blkcheck: no disk0 of 1 MiB or more\n");
		return 1;
	}
	fill(buf, 0, 2048, 1);
	err = d->write(d, 0, buf, 2048);
	for (uint64_t s = 100; s < 200 && !err; s++) {
		fill(buf, s, 1, 2);
		err = d->write(d, s, buf, 1);
	}
	fill(buf, 150, 1, 3);
	if (!err)
		err = d->write(d, 150, buf, 1);
	if (!err)
		err = d->flush(d);
	if (err) {
		printf("blkcheck: disk0: %s\n", graft_strerror(err));
		return 1;
	}
	printf("flushed\n");
	for (;;)
		graft_sleep_ns(GRAFT_NSEC_PER_SEC);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "errors"))
		return run_errors();
	if (argc == 2 && !strcmp(argv[1], "pattern"))
		return run_pattern();
	printf("usage: blkcheck errors|pattern\n");
	return 2;
}
