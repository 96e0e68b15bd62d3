/*
 * graft-hvt: run one graft image in a KVM virtual machine.
 *
 *   graft-hvt [--mem SIZE] [--net TAP[:plain]]... [--disk FILE[:ro]]...
 *             [--name NAME] [--no-ctl] [--module FILE]...
 *             [--gdb PORT|PATH | --gdb-listen PORT|PATH] IMAGE [-- ARGS...]
 *
 * Usually started by `graft run -t hvt`.  The console goes to stdout; the
 * exit status is the guest's, or 255 after a guest fault or abort, or 1 when
 * the tender itself could not start the guest (the reason on stderr).
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <graft/platform.h>
#include "hvt.h"

#define HVT_MEM_DEFAULT (32ULL << 20)

static void usage(FILE *f)
{
	fputs("usage: graft-hvt [--mem SIZE] [--net TAP[:plain]]... "
	      "[--disk FILE[:ro]]...\n"
	      "                 [--name NAME] [--no-ctl] [--module FILE]...\n"
	      "                 [--gdb PORT|PATH | --gdb-listen PORT|PATH] "
	      "IMAGE [-- ARGS...]\n"
	      "\n"
	      "Runs a graft image built for the hvt target in a KVM virtual "
	      "machine.\n"
	      "  --mem SIZE     guest memory, e.g. 64M or 1G (default 32M, at "
	      "most 4G)\n"
	      "  --gdb PORT|PATH  serve gdb on 127.0.0.1:PORT (0: any free "
	      "port) or a unix\n"
	      "                 socket, and wait for gdb before the guest "
	      "starts\n"
	      "  --gdb-listen PORT|PATH  the same without waiting: gdb stops "
	      "the guest\n"
	      "                 where it is when it attaches\n",
	      f);
	host_usage_common(f);
}

static int add_dev(struct hvt *h, uint32_t kind, const char *prefix,
		   unsigned index)
{
	struct hvt_dev *d;

	if (h->ndevs >= HVT_MAX_DEVICES) {
		warnx("too many devices (at most %d)", HVT_MAX_DEVICES);
		return -1;
	}
	d = &h->devs[h->ndevs];
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->info.kind = kind;
	snprintf(d->info.name, sizeof(d->info.name), "%s%u", prefix, index);
	return h->ndevs++;
}

/* The hooks host_parse_options calls with the tender's state as ctx. */
static int attach_net(void *ctx, const char *tap, unsigned index)
{
	struct hvt *h = ctx;
	int i = add_dev(h, PLAT_DEV_NET, "net", index);

	if (i < 0)
		return -1;
	h->devs[i].fd = host_tap_open(tap, &h->devs[i].info.net_offloads);
	if (h->devs[i].fd < 0)
		return -1;
	h->devs[i].info.mtu = 1500;
	host_tap_mac(index, h->devs[i].info.mac);
	return 0;
}

static int attach_module(void *ctx, const char *path)
{
	struct hvt *h = ctx;
	unsigned i = h->nmods;

	if (i >= HVT_MAX_MODULES) {
		warnx("module '%s': too many modules (at most %d)", path,
		      HVT_MAX_MODULES);
		return -1;
	}
	h->mods[i].fd = host_module_open(path, &h->mods[i].len, h->mods[i].name,
					 sizeof(h->mods[i].name));
	if (h->mods[i].fd < 0)
		return -1;
	h->mods_len += (h->mods[i].len + 4095) & ~4095ULL;
	h->nmods++;
	return 0;
}

static int attach_disk(void *ctx, char *spec, unsigned index)
{
	struct hvt *h = ctx;
	int i = add_dev(h, PLAT_DEV_BLOCK, "disk", index), is_ro;
	uint64_t size;

	if (i < 0)
		return -1;
	h->devs[i].fd = host_disk_open_spec(spec, &size, &is_ro);
	if (h->devs[i].fd < 0)
		return -1;
	h->devs[i].size = size;
	h->devs[i].info.sector_size = 512;
	h->devs[i].info.sectors = size / 512;
	h->devs[i].info.read_only = is_ro;
	return 0;
}

static const char *gdb_spec;
static int gdb_wait;

static int opt_gdb(void *ctx, const char *arg)
{
	(void)ctx;
	gdb_spec = arg;
	gdb_wait = 1;
	return 0;
}

static int opt_gdb_listen(void *ctx, const char *arg)
{
	(void)ctx;
	gdb_spec = arg;
	gdb_wait = 0;
	return 0;
}

static const struct host_extra_opt hvt_opts[] = {
    {"gdb", required_argument, 0, opt_gdb},
    {"gdb-listen", required_argument, 0, opt_gdb_listen},
};

int main(int argc, char **argv)
{
	static struct hvt h;
	const struct host_opt_hooks hooks = {
	    .net = attach_net,
	    .disk = attach_disk,
	    .module = attach_module,
	    .usage = usage,
	    .extra = hvt_opts,
	    .nextra = sizeof(hvt_opts) / sizeof(hvt_opts[0]),
	    .ctx = &h,
	};
	struct host_opts o = {.mem = HVT_MEM_DEFAULT};
	const char *image;
	int rc;

	h.ctl_handle = -1;
	h.ctl_client = -1;
	h.inst.listen_fd = -1;
	host_parse_options(&o, &hooks, argc, argv);
	image = o.image;
	h.mem_size = o.mem;
	if (h.mem_size < HVT_MEM_MIN || h.mem_size > HVT_MEM_MAX ||
	    h.mem_size % (2ULL << 20))
		errx(1,
		     "--mem: %llu bytes: guest memory must be a multiple of "
		     "2M between 2M and 4G",
		     (unsigned long long)h.mem_size);
	host_check_target(image, "hvt");
	if (hvt_vm_create(&h) < 0 || hvt_elf_load(&h, image) < 0)
		exit(1);
	if (h.image_end + h.mods_len + (64 << 10) > h.mem_size - HVT_STACK_SIZE)
		errx(1,
		     "--mem %lluM is too small for image '%s'%s (it needs "
		     "at least %lluM)",
		     (unsigned long long)(h.mem_size >> 20), image,
		     h.nmods ? " and its modules" : "",
		     (unsigned long long)((h.image_end + h.mods_len +
					   HVT_STACK_SIZE + (64 << 10) +
					   (2 << 20) - 1) >>
					  20));
	if (o.ctl) {
		h.ctl_handle = add_dev(&h, PLAT_DEV_CTL, "ctl", 0);
		if (h.ctl_handle < 0)
			exit(1);
		snprintf(h.devs[h.ctl_handle].info.name,
			 sizeof(h.devs[0].info.name), "ctl");
		if (host_instance_create(&h.inst, o.name, image, "hvt",
					 h.mem_size) < 0)
			exit(1);
	}
	if (hvt_vm_boot_setup(&h, o.argc, o.argv) < 0) {
		host_instance_destroy(&h.inst);
		exit(1);
	}
	if (gdb_spec && (hvt_gdb_init(&h, gdb_spec, gdb_wait) < 0 ||
			 hvt_gdb_boot(&h) < 0)) {
		hvt_gdb_close(&h, 1);
		host_instance_destroy(&h.inst);
		exit(1);
	}
	h.start_ns = hvt_now_ns();
	rc = hvt_vm_run(&h);
	hvt_gdb_close(&h, rc < 0 ? 255 : h.exit_status);
	host_instance_destroy(&h.inst);
	if (rc < 0)
		return 255;
	return h.exit_status;
}
