/*
 * Proves that bytecode modules go through the module manager like native
 * ones: the example modules (modules/) load, run their timers and message
 * callbacks, talk to each other and the host, serve a granted block range,
 * upgrade with their state and their queued messages handed over (the
 * inbox module of tests/integration/modules) and unload with their timers
 * released; a module that traps or loops is stopped and reported while the
 * manager and the other modules carry on; malformed binaries are refused
 * with a one-line message; and after seal, bytecode modules still load
 * while native ones are refused.  The kernel core (timers, log, devices)
 * is the hosted one over the fake platform, whose clock the test drives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graft/device.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/modapi.h>
#include <graft/platform.h>
#include <graft/time.h>
#include <graft/timer.h>
#include "kernel/kheap.h"
#include "harness.h"
#include "kernel/mod/mod_internal.h"
#include "tests/unit/fakeplat.h"
#include "../tap.h"

extern const struct mod_export wasm_test_exports[];
extern const size_t wasm_test_exports_n;

static char err[256];
static char dir[512];

/* ---- what the host sees ---- */

static char host_msgs[8192];
static char reports[2048];

static void host_msg(const char *from, const void *data, size_t len)
{
	size_t n = strlen(host_msgs);

	snprintf(host_msgs + n, sizeof(host_msgs) - n, "%s: %.*s\n", from,
		 (int)len, (const char *)data);
}

static void report(const char *line)
{
	size_t n = strlen(reports);

	snprintf(reports + n, sizeof(reports) - n, "%s\n", line);
}

static void reset_seen(void)
{
	host_msgs[0] = reports[0] = '\0';
	fakeplat_console_reset();
}

/* Let time pass in steps of 1 ms, running due timers. */
static void run_for(uint64_t ns)
{
	uint64_t end = graft_now() + ns;

	do {
		fakeplat_advance(GRAFT_NSEC_PER_MSEC);
		graft_timers_run(graft_now());
	} while (graft_now() < end);
}

/* ---- files ---- */

static uint8_t *slurp(const char *name, size_t *len)
{
	char path[700];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		diag("cannot open %s", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int load(const char *name, struct mod **m)
{
	struct mod_load_opts opts = {.source = name};
	size_t len;
	uint8_t *buf = slurp(name, &len);
	int rc;

	if (!buf)
		return GRAFT_ENOENT;
	rc = mod_load(buf, len, &opts, m, err, sizeof(err));
	free(buf);
	return rc;
}

static int upgrade(const char *name, bool *fresh)
{
	struct mod_load_opts opts = {.source = name};
	size_t len;
	uint8_t *buf = slurp(name, &len);
	int rc;

	if (!buf)
		return GRAFT_ENOENT;
	rc = mod_upgrade(buf, len, &opts, NULL, fresh, err, sizeof(err));
	free(buf);
	return rc;
}

static bool contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		diag("'%s' not in:\n%s", needle, hay);
		return false;
	}
	return true;
}

/* ---- the tests ---- */

static void test_hello_both_formats(void)
{
	struct mod *m = NULL;
	struct mod_info info;

	reset_seen();
	is_int(load("modules/hello.wasm", &m), 0, "bytecode hello loads");
	if (!m)
		return;
	mod_get_info(m, &info);
	is_str(info.name, "hello", "its name comes from graft_module_info");
	is_str(info.version, "1.0", "and its version");
	is_str(info.format, "wasm", "its format is wasm");
	is_int(info.state, MOD_LIVE, "it is live");
	ok(info.size >= 65536, "its size is its linear memory (%zu)",
	   info.size);
	ok(contains(fakeplat_console(),
		    "module 'hello': hello from a bytecode module at "),
	   "its init logged through graft.log");
	is_int(load("modules/hello.o", NULL), GRAFT_EEXIST,
	       "the native hello is refused while the bytecode one is live");
	is_int(mod_unload("hello", err, sizeof(err)), 0, "it unloads");
	ok(contains(fakeplat_console(), "module 'hello': goodbye"),
	   "its exit ran");
	is_int(load("modules/hello.o", &m), 0,
	       "the native hello, from the same source, loads");
	ok(contains(fakeplat_console(),
		    "module 'hello': hello from a native module at "),
	   "and greets through the same API");
	mod_get_info(m, &info);
	is_str(info.format, "native", "its format is native");
	is_int(mod_unload("hello", err, sizeof(err)), 0, "and unloads");
	is_int(mod_count(), 0, "nothing is loaded");
}

static void test_ticker_upgrade(const char *v1, const char *v2)
{
	bool fresh = true;

	reset_seen();
	ok(load(v1, NULL) == 0, "ticker loads (%s)", v1);
	run_for(350 * GRAFT_NSEC_PER_MSEC);
	ok(contains(host_msgs, "ticker: tick 3 (v1)\n") &&
	       !strstr(host_msgs, "tick 4"),
	   "its timer called back every 100 ms (3 ticks in 350 ms)");
	ok(upgrade(v2, &fresh) == 0, "it upgrades to version 2 (%s)", v2);
	ok(!fresh, "the state was handed over");
	is_str(mod_find("ticker")->version, "2", "version 2 is live");
	run_for(100 * GRAFT_NSEC_PER_MSEC);
	ok(contains(host_msgs, "ticker: tick 4 (v2)\n"),
	   "version 2 counts on from 3");
	ok(!strstr(host_msgs, "(v1)\nticker: tick 4 (v1)"),
	   "version 1's timer is gone");
	is_int(mod_unload("ticker", err, sizeof(err)), 0, "ticker unloads");
	ok(graft_timers_next() == UINT64_MAX, "no timer is left armed");
	host_msgs[0] = '\0';
	run_for(300 * GRAFT_NSEC_PER_MSEC);
	is_str(host_msgs, "", "and nothing ticks after unload");
}

static void test_messages(void)
{
	reset_seen();
	is_int(load("modules/echo.wasm", NULL), 0, "echo loads");
	is_int(mod_msg_send("echo", "hi there", 8), 0,
	       "the host sends echo a message");
	run_for(GRAFT_NSEC_PER_MSEC);
	ok(contains(host_msgs, "echo: hi there\n"),
	   "echo sends it back to the host");
	is_int(load("tests/mod/wasm/pinger.wasm", NULL), 0,
	       "pinger loads and sends echo 'ping' from its init");
	run_for(2 * GRAFT_NSEC_PER_MSEC);
	ok(contains(host_msgs, "pinger: pinger got 'ping' from echo\n"),
	   "module to module and back: pinger got echo's reply");
	is_int(mod_msg_send("nosuch", "x", 1), GRAFT_ENOENT,
	       "a message to no module is refused");
	is_int(mod_msg_send("echo", host_msgs, GRAFT_MOD_MSG_MAX + 1),
	       GRAFT_EMSGSIZE, "an oversized message is refused");
	is_int(mod_unload("pinger", err, sizeof(err)), 0, "pinger unloads");
	is_int(mod_unload("echo", err, sizeof(err)), 0, "echo unloads");
	is_int(load("modules/echo.o", NULL), 0,
	       "the native echo, from the same source, loads");
	host_msgs[0] = '\0';
	mod_msg_send("echo", "native?", 7);
	run_for(GRAFT_NSEC_PER_MSEC);
	ok(contains(host_msgs, "echo: native?\n"),
	   "and answers through the same message API");
	is_int(mod_unload("echo", err, sizeof(err)), 0, "it unloads");
	is_int(load("modules/echo.wasm", NULL), 0,
	       "the bytecode echo is back for the tests below");
}

/* Messages queued for version 1 are taken by version 2 (inbox v1 leaves
 * them in its mailbox), whatever the formats. */
static void mailbox_upgrade(const char *v1, const char *v2)
{
	bool fresh;

	reset_seen();
	ok(load(v1, NULL) == 0, "inbox 1 loads (%s)", v1);
	mod_msg_send("inbox", "one", 3);
	mod_msg_send("inbox", "two", 3);
	run_for(GRAFT_NSEC_PER_MSEC);
	mod_msg_send("inbox", "three", 5); /* its callback has not run yet */
	is_str(host_msgs, "", "version 1 keeps its messages");
	ok(upgrade(v2, &fresh) == 0, "it upgrades to version 2 (%s)", v2);
	run_for(GRAFT_NSEC_PER_MSEC);
	is_str(host_msgs,
	       "inbox: v2 got: one\ninbox: v2 got: two\ninbox: v2 got: three\n",
	       "version 2 takes the three, in order");
	host_msgs[0] = '\0';
	mod_msg_send("inbox", "four", 4);
	run_for(GRAFT_NSEC_PER_MSEC);
	is_str(host_msgs, "inbox: v2 got: four\n", "and the next one too");
	is_int(mod_unload("inbox", err, sizeof(err)), 0, "inbox unloads");
}

static void test_mailbox_upgrade(void)
{
	const char *d = "tests/integration/modules/";
	char v1[80], v2[80];

	snprintf(v1, sizeof(v1), "%sinbox-v1.wasm", d);
	snprintf(v2, sizeof(v2), "%sinbox-v2.wasm", d);
	mailbox_upgrade(v1, v2);
	snprintf(v1, sizeof(v1), "%sinbox-v1.o", d);
	mailbox_upgrade(v1, v2);
	snprintf(v2, sizeof(v2), "%sinbox-v2.o", d);
	mailbox_upgrade(v1, v2);
	reset_seen();
	load("tests/integration/modules/inbox-v1.wasm", NULL);
	mod_msg_send("inbox", "lost", 4);
	is_int(upgrade("tests/integration/modules/inbox-v1.wasm", NULL), 0,
	       "inbox 1 upgrades to itself");
	is_str(host_msgs, "", "and still keeps its message");
	is_int(mod_unload("inbox", err, sizeof(err)), 0, "inbox unloads");
}

/* A new version without a message callback cannot take the old one's
 * messages: they are freed, and the log says so. */
static void test_mailbox_dropped(void)
{
	struct harness_heap before, after;

	reset_seen();
	harness_heap(&before);
	load("tests/integration/modules/inbox-v1.wasm", NULL);
	mod_msg_send("inbox", "a", 1);
	mod_msg_send("inbox", "b", 1);
	is_int(upgrade("tests/integration/modules/inbox-v3.wasm", NULL), 0,
	       "inbox 1 upgrades to version 3, which has no message callback");
	ok(contains(fakeplat_console(),
		    "module 'inbox': 2 queued messages dropped at upgrade: "
		    "version 3 has no message callback"),
	   "the log says how many messages were dropped, and why");
	is_int(mod_msg_send("inbox", "c", 1), GRAFT_ENOENT,
	       "version 3 takes no new message either");
	is_int(mod_unload("inbox", err, sizeof(err)), 0, "inbox unloads");
	harness_heap(&after);
	ok(after.live == before.live && after.bytes == before.bytes,
	   "the dropped messages were freed (%ld, %zu bytes; before %ld, %zu)",
	   after.live, after.bytes, before.live, before.bytes);
}

static void trap_case(const char *what, const char *reason)
{
	char want[160];

	reset_seen();
	if (load("tests/mod/wasm/trapper.wasm", NULL))
		diag("trapper: %s", err);
	mod_msg_send("trapper", what, strlen(what));
	run_for(GRAFT_NSEC_PER_MSEC);
	ok(mod_find("trapper") == NULL, "%s: the module is stopped", what);
	snprintf(want, sizeof(want),
		 "module 'trapper': trapped in its message callback: %s",
		 reason);
	ok(contains(reports, want) &&
	       contains(reports, "stopped and unloaded") &&
	       contains(reports, ", offset 0x"),
	   "%s: reported with reason, function and offset", what);
	ok(contains(mod_last_stop(), want), "%s: mod_last_stop says so too",
	   what);
	mod_msg_send("echo", "still here", 10);
	run_for(GRAFT_NSEC_PER_MSEC);
	ok(contains(host_msgs, "echo: still here\n"), "%s: echo still answers",
	   what);
}

static void test_traps(void)
{
	struct mod *m = NULL;

	trap_case("oob", "out of bounds memory access");
	trap_case("div", "integer divide by zero");
	trap_case("unreachable", "unreachable");
	trap_case("loop", "out of fuel");
	trap_case("recurse", "call stack exhausted");
	trap_case("badptr", "host function failed: graft.log: bytes "
			    "4294963200..+100 are outside its memory");
	reset_seen();
	is_int(load("tests/mod/wasm/trapper.wasm", NULL), 0, "trapper loads");
	mod_msg_send("trapper", "grow", 4);
	run_for(GRAFT_NSEC_PER_MSEC);
	ok(contains(host_msgs, "trapper: grow -1\n"),
	   "memory.grow past the module limit returns -1");
	ok(mod_find("trapper") != NULL, "and does not stop it");
	is_int(mod_unload("trapper", err, sizeof(err)), 0, "trapper unloads");

	reset_seen();
	is_int(load("tests/mod/wasm/init_trap.wasm", &m), GRAFT_ETRAP,
	       "a module whose init traps is refused");
	ok(contains(err, "module 'init-trap': trapped in its init entry "
			 "point: unreachable"),
	   "with the reason");
	ok(mod_find("init-trap") == NULL && graft_timers_next() == UINT64_MAX,
	   "and the timer its init started is released");
}

/* A RAM disk of 64 sectors of 512 bytes. */
static uint8_t disk[64 * 512];

static int disk_read(struct graft_blkdev *d, uint64_t lba, void *buf,
		     uint32_t count)
{
	if (lba + count > 64)
		return GRAFT_EINVAL;
	memcpy(buf, disk + lba * 512, count * 512);
	return 0;
}

static int disk_write(struct graft_blkdev *d, uint64_t lba, const void *buf,
		      uint32_t count)
{
	if (lba + count > 64)
		return GRAFT_EINVAL;
	memcpy(disk + lba * 512, buf, count * 512);
	return 0;
}

static struct graft_blkdev ramdisk = {
    .name = "disk0",
    .sector_size = 512,
    .sectors = 64,
    .read = disk_read,
    .write = disk_write,
};

static void ask(const char *to, const char *req)
{
	host_msgs[0] = '\0';
	mod_msg_send(to, req, strlen(req));
	run_for(GRAFT_NSEC_PER_MSEC);
}

static void test_blkserve(void)
{
	reset_seen();
	graft_device_register(GRAFT_DEVICE_BLOCK, "disk0", &ramdisk);
	graft_device_register(GRAFT_DEVICE_BLOCK, "disk1", &ramdisk);
	is_int(mod_grant("blkserve", "disk0", 8, 16), 0,
	       "blkserve is granted sectors 8..23 of disk0");
	is_int(load("modules/blkserve.wasm", NULL), 0, "blkserve loads");
	ask("blkserve", "open disk1");
	is_str(host_msgs, "blkserve: error -16\n",
	       "a device it was not granted: GRAFT_EPERM");
	ask("blkserve", "open disk0");
	is_str(host_msgs, "blkserve: ok 16\n",
	       "the granted device opens, 16 sectors");
	ask("blkserve", "write 3 hello, disk");
	is_str(host_msgs, "blkserve: ok 0\n", "a write succeeds");
	ok(memcmp(disk + 11 * 512, "hello, disk", 11) == 0,
	   "and lands in sector 8 + 3 of the device");
	ask("blkserve", "read 3");
	ok(strncmp(host_msgs, "blkserve: hello, disk", 21) == 0,
	   "a read returns it");
	ask("blkserve", "read 16");
	is_str(host_msgs, "blkserve: error -12\n",
	       "past the granted range: GRAFT_ERANGE");
	ask("blkserve", "write 99999999999 x");
	is_str(host_msgs, "blkserve: error -12\n",
	       "far past it too, and nothing outside was written");
	is_int(mod_unload("blkserve", err, sizeof(err)), 0, "blkserve unloads");
	mod_grants_clear();
}

/* A net device with one queued frame at most each way; wait blocks the
 * poller fiber on a wait queue that inject() wakes. */
static uint8_t rx[1600], tx[1600];
static size_t rx_len, tx_len;
static unsigned tx_count;
static struct graft_waitq rx_wait = GRAFT_WAITQ_INIT;

static int net_send(struct graft_netdev *d, const void *frame, size_t len)
{
	memcpy(tx, frame, len);
	tx_len = len;
	tx_count++;
	return 0;
}

static int net_recv(struct graft_netdev *d, void *buf, size_t size, size_t *len)
{
	if (!rx_len)
		return GRAFT_EAGAIN;
	if (rx_len > size)
		return GRAFT_EINVAL;
	memcpy(buf, rx, rx_len);
	*len = rx_len;
	rx_len = 0;
	return 0;
}

static int net_wait(struct graft_netdev *d, uint64_t deadline)
{
	if (rx_len)
		return 0;
	return graft_wait(&rx_wait, deadline);
}

static struct graft_netdev netdev = {
    .name = "net0",
    .mac = {2, 0, 0, 0, 0, 1},
    .mtu = 1500,
    .send = net_send,
    .recv = net_recv,
    .wait = net_wait,
};

static const uint8_t peer_mac[6] = {2, 0, 0, 0, 0, 9};

static void inject(const void *frame, size_t len)
{
	memcpy(rx, frame, len);
	rx_len = len;
	tx_len = 0;
	graft_wake_all(&rx_wait);
	graft_sleep_ns(GRAFT_NSEC_PER_MSEC);
}

static size_t eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

/* Runs as a fiber: ARP and UDP echo through udpecho, then its unload. */
static void net_driver(void *arg)
{
	static const uint8_t bcast[6] = {255, 255, 255, 255, 255, 255};
	static const uint8_t arp_req[28] = {0, 1, 8, 0, 6,   4, 0, 1, 2, 0,
					    0, 0, 0, 9, 192, 0, 2, 9, 0, 0,
					    0, 0, 0, 0, 192, 0, 2, 2};
	/* 192.0.2.9:5000 -> 192.0.2.2:7, "ping!", header checksum 0xf6c0 */
	static const uint8_t udp_req[33] = {
	    0x45, 0,   0, 33, 0, 0,   0,   0,	64,  17,   0xf6,
	    0xc0, 192, 0, 2,  9, 192, 0,   2,	2,   0x13, 0x88,
	    0,	  7,   0, 13, 0, 0,   'p', 'i', 'n', 'g',  '!'};
	uint8_t f[128];
	size_t n;

	n = eth(f, bcast, 0x0806);
	memcpy(f + n, arp_req, sizeof(arp_req));
	inject(f, n + sizeof(arp_req));
	ok(tx_len == 42 && memcmp(tx, peer_mac, 6) == 0 && tx[21] == 2 &&
	       memcmp(tx + 22, netdev.mac, 6) == 0 &&
	       memcmp(tx + 28, "\xc0\x00\x02\x02", 4) == 0,
	   "udpecho answers an ARP request for its address");
	n = eth(f, netdev.mac, 0x0800);
	memcpy(f + n, udp_req, sizeof(udp_req));
	inject(f, n + sizeof(udp_req));
	ok(tx_len == 47 && memcmp(tx, peer_mac, 6) == 0 &&
	       memcmp(tx + 26, "\xc0\x00\x02\x02\xc0\x00\x02\x09", 8) == 0 &&
	       tx[34] == 0 && tx[35] == 7 && tx[36] == 0x13 &&
	       memcmp(tx + 42, "ping!", 5) == 0,
	   "and echoes a UDP datagram to port 7 back to its sender");
	f[n + 19] = 3; /* to 192.0.2.3: not for it */
	inject(f, n + sizeof(udp_req));
	is_int(tx_len, 0, "a datagram for another address gets no answer");
	inject(f, 10);
	is_int(tx_len, 0, "nor does a runt frame");
	is_int(mod_unload("udpecho", err, sizeof(err)), 0, "udpecho unloads");
	graft_sleep_ns(2 * GRAFT_NSEC_PER_SEC);
	graft_loop_stop();
}

static void test_udpecho(void)
{
	unsigned fibers;

	graft_device_register(GRAFT_DEVICE_NET, "net0", &netdev);
	is_int(load("modules/udpecho.wasm", NULL), GRAFT_EPERM,
	       "udpecho refuses to start without a grant for net0");
	ok(contains(fakeplat_console(), "graft.grant=udpecho:net0"),
	   "and says how to grant it");
	is_int(mod_grant("udpecho", "net0", 0, 0), 0, "net0 is granted");
	fibers = graft_fiber_count();
	is_int(load("modules/udpecho.wasm", NULL), 0, "udpecho loads");
	is_int(graft_fiber_count(), fibers + 1,
	       "a poller fiber waits for its frames");
	graft_fiber_spawn("net-driver", net_driver, NULL, 0, NULL);
	graft_loop_run();
	is_int(graft_fiber_count(), fibers,
	       "the poller ended after the unload");
	mod_grants_clear();
}

static void malformed(const char *name, int want_rc, const char *want_msg)
{
	int rc = load(name, NULL);

	is_int(rc, want_rc, name);
	ok(contains(err, want_msg) && !strchr(err, '\n'),
	   "%s: one line naming the problem", name);
}

static void test_malformed(void)
{
	size_t len;
	uint8_t *buf = slurp("modules/hello.wasm", &len);
	struct mod_load_opts opts = {.source = "short.wasm"};
	int rc;

	rc = mod_load(buf, len / 2, &opts, NULL, err, sizeof(err));
	ok(rc == GRAFT_EFORMAT &&
	       contains(err, "module 'short.wasm': not a valid WebAssembly "
			     "module: "),
	   "a truncated module is refused: %s", err);
	buf[len - 1] ^= 0xff;
	free(buf);
	malformed("tests/mod/wasm/noinfo.wasm", GRAFT_EFORMAT,
		  "module 'tests/mod/wasm/noinfo.wasm': no graft_module_info "
		  "export");
	malformed("tests/mod/wasm/badimport.wasm", GRAFT_ENOSYM,
		  "imports 'env.memcpy', which is not in the graft namespace");
	malformed("tests/mod/wasm/badentry.wasm", GRAFT_EFORMAT,
		  "module 'badentry': export 'graft_module_init' is not the "
		  "init entry point");
	malformed("tests/mod/wasm/bigmem.wasm", GRAFT_ENOSPC,
		  "module 'bigmem': cannot instantiate");
	is_int(mod_count(), 1, "nothing but echo stays loaded");
}

static void test_sealed(void)
{
	bool fresh = true;

	mod_manager_seal();
	is_int(load("modules/hello.o", NULL), GRAFT_ESEALED,
	       "after seal a native module is refused");
	ok(contains(err, "native modules cannot be loaded"), "and says why");
	is_int(load("modules/hello.wasm", NULL), 0,
	       "a bytecode module still loads");
	is_int(load("modules/ticker.wasm", NULL), 0, "ticker loads too");
	run_for(100 * GRAFT_NSEC_PER_MSEC);
	is_int(upgrade("modules/ticker-v2.wasm", &fresh), 0,
	       "and upgrades after seal");
	ok(!fresh, "with its state");
	is_int(upgrade("modules/ticker-v2.o", &fresh), GRAFT_ESEALED,
	       "but not to a native version");
	is_int(mod_unload("ticker", err, sizeof(err)), 0, "ticker unloads");
	is_int(mod_unload("hello", err, sizeof(err)), 0, "hello unloads");
}

static void test_no_bytecode_support(void)
{
	int rc;

	/* A manager without the bytecode format: an image that does not
	 * link lib/wasm behaves so. */
	rc = load("modules/hello.wasm", NULL);
	is_int(rc, GRAFT_ENOTSUP,
	       "without the bytecode format, a .wasm is "
	       "refused");
	ok(contains(err, "module 'modules/hello.wasm': a WebAssembly module, "
			 "but this image has no bytecode module support"),
	   "by name");
}

static void load_run_unload(void)
{
	load("modules/ticker.wasm", NULL);
	load("modules/echo.wasm", NULL);
	mod_msg_send("echo", "x", 1);
	mod_msg_send("echo", "y", 1);
	run_for(200 * GRAFT_NSEC_PER_MSEC);
	mod_msg_send("echo", "queued", 6); /* never delivered */
	mod_unload("ticker", err, sizeof(err));
	mod_unload("echo", err, sizeof(err));
}

/* Heap use is counted exactly by the -Wl,--wrap allocator of harness.c. */
static void test_heap_returned(void)
{
	struct harness_heap before, after;

	load_run_unload(); /* warm up: the timer heap grows once, and stays */
	harness_heap(&before);
	for (int i = 0; i < 3; i++)
		load_run_unload();
	harness_heap(&after);
	ok(after.live == before.live && after.bytes == before.bytes,
	   "load, run, unload (3 times): every allocation is given back "
	   "(%ld, %zu bytes; before %ld, %zu)",
	   after.live, after.bytes, before.live, before.bytes);
}

/* The kernel heap: fiber stacks come from it. */
static uint8_t kernel_heap[4 << 20] __attribute__((aligned(4096)));

int main(int argc, char **argv)
{
	const char *at = strstr(argv[0], "/tests/mod/");

	/* the build tree: argv[0] is <build>/tests/mod/wasm_modules.t */
	snprintf(dir, sizeof(dir), "%.*s", at ? (int)(at - argv[0]) : 5,
		 at ? argv[0] : "build");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (heap_init(kernel_heap, sizeof(kernel_heap)))
		printf("Bail out! heap_init failed\n");
	fakeplat_set_time(GRAFT_NSEC_PER_SEC);
	if (mod_manager_init(&mod_mem_host, wasm_test_exports,
			     wasm_test_exports_n))
		printf("Bail out! mod_manager_init failed\n");
	test_no_bytecode_support();
	is_int(mod_wasm_register(), 0, "the bytecode format registers");
	mod_set_report(report);
	mod_set_host_msg(host_msg);
	test_hello_both_formats();
	test_ticker_upgrade("modules/ticker.wasm", "modules/ticker-v2.wasm");
	test_ticker_upgrade("modules/ticker.o", "modules/ticker-v2.wasm");
	test_ticker_upgrade("modules/ticker.wasm", "modules/ticker-v2.o");
	test_messages();
	test_mailbox_upgrade();
	test_mailbox_dropped();
	test_traps();
	test_blkserve();
	test_udpecho();
	test_malformed();
	is_int(mod_unload("echo", err, sizeof(err)), 0, "echo unloads");
	test_heap_returned();
	test_sealed();
	is_int(mod_count(), 0, "nothing is left loaded");
	return done_testing();
}
