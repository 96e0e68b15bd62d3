/*
 * devtest: the guest the virtio platform's test scripts boot.
 *   devtest exit N        exit with status N
 *   devtest fault null|ud|text  a NULL write, an invalid opcode, a write
 *                         into the image's own code
 *   devtest blk           print disk0's first bytes, write and read back a
 *                         pattern across request chunks, mark sector 200,
 *                         check the range errors
 *   devtest net SECS      show net0, stay up SECS s (with graft.ip=, the
 *                         kernel's network step runs lib/net on it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graft/device.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/time.h>

#define PATTERN_SECTORS 130 /* more than one 64 KiB request */

static int blk(void)
{
	struct graft_blkdev *d = graft_device_find(GRAFT_DEVICE_BLOCK, "disk0");
	static uint8_t buf[PATTERN_SECTORS * 512], back[PATTERN_SECTORS * 512];
	int rc;

	if (!d) {
		printf("no disk0\n");
		return 1;
	}
	printf("disk0: %llu sectors%s\n", (unsigned long long)d->sectors,
	       d->read_only ? ", read-only" : "");
	if ((rc = d->read(d, 0, buf, 1)) < 0) {
		printf("read sector 0: %s\n", graft_strerror(rc));
		return 1;
	}
	printf("sector 0: %.16s\n", (char *)buf);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + i / 512);
	rc = d->write(d, 1, buf, PATTERN_SECTORS);
	printf("write pattern: %s\n", rc ? graft_strerror(rc) : "ok");
	if (rc == 0) {
		rc = d->read(d, 1, back, PATTERN_SECTORS);
		printf("read pattern back: %s\n",
		       rc				? graft_strerror(rc)
		       : memcmp(buf, back, sizeof(buf)) ? "differs"
							: "same");
		memset(buf, 0, 512);
		strcpy((char *)buf, "guest was here");
		rc = d->write(d, 200, buf, 1);
		if (!rc)
			rc = d->flush(d);
		printf("mark sector 200: %s\n", rc ? graft_strerror(rc) : "ok");
	}
	rc = d->read(d, d->sectors, buf, 1);
	printf("read past the end: %s\n", graft_strerror(rc));
	return 0;
}

/* The kernel's network step runs lib/net on net0 (graft.ip=...); we only
 * show the device and stay up for secs. */
static int net(const char *secs)
{
	struct graft_netdev *d = graft_device_find(GRAFT_DEVICE_NET, "net0");

	if (!d) {
		printf("no net0\n");
		return 1;
	}
	printf("net0: %02x:%02x:%02x:%02x:%02x:%02x\n", d->mac[0], d->mac[1],
	       d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
	graft_sleep_ns(strtoul(secs, NULL, 10) * GRAFT_NSEC_PER_SEC);
	printf("net: done\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "exit") == 0)
		return (int)strtoul(argv[2], NULL, 10);
	if (argc >= 3 && strcmp(argv[1], "fault") == 0) {
		if (strcmp(argv[2], "null") == 0)
			*(volatile int *)(uintptr_t)argc = 0; /* page 0 */
		if (strcmp(argv[2], "text") == 0)
			*(volatile uint8_t *)(uintptr_t)main = 0xc3;
		__builtin_trap();
	}
	if (argc >= 2 && strcmp(argv[1], "blk") == 0)
		return blk();
	if (argc >= 3 && strcmp(argv[1], "net") == 0)
		return net(argv[2]);
	printf("usage: devtest exit N | fault null|ud|text | blk | "
	       "net SECS\n");
	return 2;
}
