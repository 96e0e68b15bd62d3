/*
 * devtest: the guest the virtio platform's test scripts boot.
 *   devtest exit N        exit with status N
 *   devtest fault null|ud|text  a NULL write, an invalid opcode, a write
 *                         into the image's own code
 *   devtest blk           print disk0's first bytes, write and read back a
 *                         pattern across request chunks, mark sector 200,
 *                         check the range errors
 *   devtest ctl           answer control-channel requests with their own
 *                         payload until a CTL_OP_STOP
 *   devtest net IP SECS   a lib/net stack at IP/24 on net0 for SECS s
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <abi/ctl.h>
#include <graft/device.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/net.h>
#include <graft/platform.h>
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

static int ctl_handle(plat_handle_t *h)
{
	struct plat_device_info info;

	for (*h = 0; plat_device_info(*h, &info) == 0; (*h)++)
		if (info.kind == PLAT_DEV_CTL)
			return 0;
	return -1;
}

static int ctl(void)
{
	static uint8_t msg[1 << 20];
	struct ctl_header *hd = (struct ctl_header *)msg;
	plat_handle_t h;

	if (ctl_handle(&h) < 0) {
		printf("no control channel\n");
		return 1;
	}
	printf("ctl: serving\n");
	for (;;) {
		plat_handle_set_t ready = 1ULL << h;
		size_t len;
		int rc;

		plat_yield(plat_clock_monotonic() + GRAFT_NSEC_PER_SEC, &ready);
		rc = plat_ctl_read(h, msg, sizeof(msg), &len);
		if (rc == GRAFT_EAGAIN)
			continue;
		if (rc < 0) {
			printf("ctl read: %s\n", graft_strerror(rc));
			return 1;
		}
		hd->op |= CTL_OP_RESPONSE;
		hd->status = 0;
		rc = plat_ctl_write(h, msg, len);
		if (rc < 0) {
			printf("ctl write: %s\n", graft_strerror(rc));
			return 1;
		}
		if (hd->op == (CTL_OP_STOP | CTL_OP_RESPONSE)) {
			printf("ctl: stopped\n");
			return 0;
		}
	}
}

static int net(const char *ip, const char *secs)
{
	struct graft_netdev *d = graft_device_find(GRAFT_DEVICE_NET, "net0");
	struct net_config cfg = {0};
	struct net_stack *s;
	const char *p = ip;
	int rc;

	for (int i = 0; i < 4; i++) {
		char *end;

		cfg.ip = cfg.ip << 8 | (strtoul(p, &end, 10) & 0xff);
		p = end + (*end == '.');
	}
	if (!d || *p) {
		printf("no net0 or a bad address\n");
		return 1;
	}
	cfg.netmask = 0xffffff00;
	rc = net_stack_new(d, &cfg, graft_now(), &s);
	if (rc < 0) {
		printf("net: %s\n", graft_strerror(rc));
		return 1;
	}
	printf("net0: %02x:%02x:%02x:%02x:%02x:%02x at %s\n", d->mac[0],
	       d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5], ip);
	rc = net_driver_start(s);
	if (rc < 0) {
		printf("net: %s\n", graft_strerror(rc));
		return 1;
	}
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
	if (argc >= 2 && strcmp(argv[1], "ctl") == 0)
		return ctl();
	if (argc >= 4 && strcmp(argv[1], "net") == 0)
		return net(argv[2], argv[3]);
	printf("usage: devtest exit N | fault null|ud | blk | ctl | net IP "
	       "SECS\n");
	return 2;
}
