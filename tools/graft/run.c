/*
 * graft run: start an image in the foreground with its target's tender
 * (BUILD/bin/graft-TARGET), by exec, so that the console is this
 * process's stdout and the exit status is the instance's.
 *
 * The guest's arguments are the kernel's options first (graft.ip=...,
 * graft.gw=..., graft.dns=..., graft.dhcp, graft.module-dir=...), then the
 * application's, after "--".
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graft.h"
#include "tender/common/host.h"

static int cmd_run(const struct graft_cmd *self, int argc, char **argv);

GRAFT_COMMAND(
    run, .name = "run",
    .synopsis =
	"run [-t TARGET] [--mem SIZE] [--net TAP[:plain]]... [--disk "
	"FILE[:ro]]...\n"
	"                 [--name NAME] [--module FILE]... [--module-dir DIR]\n"
	"                 [--ip ADDR/LEN] [--gw ADDR] [--dns ADDR] [--dhcp]\n"
	"                 [--seal-after-boot] [--machine q35|microvm] "
	"[--print-cmd]\n"
	"                 [--gdb PORT|PATH | --gdb-listen PORT|PATH]\n"
	"                 IMAGE [-- ARGS...]",
    .summary = "run an image in the foreground",
    .options =
	"Runs IMAGE with its target's tender; the console is on stdout and "
	"the\n"
	"exit status is the instance's.\n"
	"  -t, --target TARGET  the image's target (default: the one its note "
	"names)\n"
	"  --mem SIZE           memory, e.g. 64M or 1G\n"
	"  --net TAP[:plain]    attach an existing tap interface (repeatable;\n"
	"                       :plain without checksum and segmentation "
	"offloads)\n"
	"  --disk FILE[:ro]     attach a disk image (repeatable)\n"
	"  --name NAME          the instance's name (graft ps, graft load...)\n"
	"  --module FILE        load a module at boot, before main "
	"(repeatable)\n"
	"  --module-dir DIR     kernel option graft.module-dir=DIR\n"
	"  --ip ADDR/LEN        kernel option graft.ip: a static IPv4 address\n"
	"  --gw ADDR            kernel option graft.gw: the default gateway\n"
	"  --dns ADDR           kernel option graft.dns: the DNS server\n"
	"  --dhcp               kernel option graft.dhcp: configure by DHCP\n"
	"  --seal-after-boot    kernel option graft.seal-after-boot: seal "
	"once\n"
	"                       the boot modules are in, before main\n"
	"  --machine M          virtio: QEMU machine q35 (default) or microvm\n"
	"  --print-cmd          virtio: print QEMU's command line, do not run\n"
	"  --gdb PORT|PATH      hvt, virtio: serve gdb on 127.0.0.1:PORT (hvt: "
	"0 any)\n"
	"                       or a unix socket; wait for gdb before the "
	"instance\n"
	"                       starts (virtio: QEMU's own gdb stub)\n"
	"  --gdb-listen PORT|PATH  the same without waiting (gdb attaches "
	"later)\n"
	"  -h, --help           this text\n",
    .run = cmd_run);

/* "a.b.c.d", with "/len" when prefix is set. */
static int valid_ipv4(const char *s, int prefix)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct in_addr in;
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char *end;
	long len;

	if (!slash != !prefix || n >= sizeof(addr))
		return 0;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, &in) != 1)
		return 0;
	if (!prefix)
		return 1;
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	return slash[1] && !*end && !errno && len >= 0 && len <= 32;
}

struct run_opts {
	struct graft_argv tender; /* options passed to the tender */
	struct graft_argv kernel; /* graft.* options for the guest */
	const char *target, *ip, *gw, *dns, *module_dir;
	int dhcp, seal;
	const char *virtio_only; /* a virtio option given, for the check */
	const char *vm_only;	 /* an hvt or virtio option, likewise */
};

static void kernel_options(struct run_opts *o)
{
	if (o->ip && !valid_ipv4(o->ip, 1))
		errx(1,
		     "--ip '%s': not an IPv4 address with a prefix length "
		     "(e.g. 192.0.2.2/24)",
		     o->ip);
	if (o->gw && !valid_ipv4(o->gw, 0))
		errx(1, "--gw '%s': not an IPv4 address", o->gw);
	if (o->dns && !valid_ipv4(o->dns, 0))
		errx(1, "--dns '%s': not an IPv4 address", o->dns);
	if (o->dhcp && o->ip)
		errx(1, "--dhcp and --ip '%s': choose one", o->ip);
	if (o->ip)
		graft_argv_addf(&o->kernel, "graft.ip=%s", o->ip);
	if (o->gw)
		graft_argv_addf(&o->kernel, "graft.gw=%s", o->gw);
	if (o->dns)
		graft_argv_addf(&o->kernel, "graft.dns=%s", o->dns);
	if (o->dhcp)
		graft_argv_add(&o->kernel, "graft.dhcp");
	if (o->module_dir)
		graft_argv_addf(&o->kernel, "graft.module-dir=%s",
				o->module_dir);
	if (o->seal)
		graft_argv_add(&o->kernel, "graft.seal-after-boot");
}

/* The target: the one asked for, which must be the image's, or the
 * image's own. */
static const char *image_target(const char *image, const char *asked)
{
	static char target[64];
	char why[256];

	if (asked && !graft_is_target(asked))
		errx(1, "unknown target '%s' (targets: %s)", asked,
		     graft_targets());
	if (access(image, F_OK) < 0)
		err(1, "image '%s'", image);
	if (host_image_target(image, target, sizeof(target), why, sizeof(why)) <
	    0)
		errx(1, "image '%s': %s", image, why);
	if (asked && strcmp(asked, target) != 0)
		errx(1, "image '%s' is built for target '%s', not %s", image,
		     target, asked);
	if (!graft_is_target(target))
		errx(1, "image '%s': unknown target '%s' (targets: %s)", image,
		     target, graft_targets());
	return target;
}

static void tender_option(struct run_opts *o, const char *opt, const char *arg)
{
	graft_argv_add(&o->tender, opt);
	graft_argv_add(&o->tender, arg);
}

static int cmd_run(const struct graft_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"target", required_argument, NULL, 't'},
	    {"mem", required_argument, NULL, 'm'},
	    {"net", required_argument, NULL, 'n'},
	    {"disk", required_argument, NULL, 'd'},
	    {"name", required_argument, NULL, 'N'},
	    {"module", required_argument, NULL, 'M'},
	    {"module-dir", required_argument, NULL, 'D'},
	    {"ip", required_argument, NULL, 'i'},
	    {"gw", required_argument, NULL, 'g'},
	    {"dns", required_argument, NULL, 's'},
	    {"dhcp", no_argument, NULL, 'c'},
	    {"seal-after-boot", no_argument, NULL, 'S'},
	    {"machine", required_argument, NULL, 'X'},
	    {"print-cmd", no_argument, NULL, 'P'},
	    {"gdb", required_argument, NULL, 'G'},
	    {"gdb-listen", required_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct run_opts o = {0};
	struct graft_argv a = {0};
	const char *image, *target;
	char *tender, *name;
	uint64_t size;
	int c;

	while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			o.target = optarg;
			break;
		case 'm':
			if (host_parse_size(optarg, &size) < 0)
				errx(1,
				     "--mem '%s': not a size (try 64M or "
				     "1G)",
				     optarg);
			tender_option(&o, "--mem", optarg);
			break;
		case 'n':
			tender_option(&o, "--net", optarg);
			break;
		case 'd':
			tender_option(&o, "--disk", optarg);
			break;
		case 'N':
			tender_option(&o, "--name", optarg);
			break;
		case 'M':
			tender_option(&o, "--module", optarg);
			break;
		case 'D':
			o.module_dir = optarg;
			break;
		case 'i':
			o.ip = optarg;
			break;
		case 'g':
			o.gw = optarg;
			break;
		case 's':
			o.dns = optarg;
			break;
		case 'c':
			o.dhcp = 1;
			break;
		case 'S':
			o.seal = 1;
			break;
		case 'X':
			tender_option(&o, "--machine", optarg);
			o.virtio_only = "--machine";
			break;
		case 'P':
			graft_argv_add(&o.tender, "--print-cmd");
			o.virtio_only = "--print-cmd";
			break;
		case 'G':
			tender_option(&o, "--gdb", optarg);
			o.vm_only = "--gdb";
			break;
		case 'L':
			tender_option(&o, "--gdb-listen", optarg);
			o.vm_only = "--gdb-listen";
			break;
		case 'h':
			graft_usage(self, stdout);
			printf("\ntargets: %s\n", graft_targets());
			return 0;
		default:
			return graft_bad_usage(self);
		}
	}
	if (optind >= argc)
		return graft_bad_usage(self);
	image = argv[optind++];
	target = image_target(image, o.target);
	if (o.virtio_only && strcmp(target, "virtio") != 0)
		errx(1, "%s: only the virtio target takes it, not '%s'",
		     o.virtio_only, target);
	if (o.vm_only && strcmp(target, "hvt") != 0 &&
	    strcmp(target, "virtio") != 0)
		errx(1, "%s: only the hvt and virtio targets take it, not '%s'",
		     o.vm_only, target);
	kernel_options(&o);
	if (asprintf(&name, "graft-%s", target) < 0)
		err(1, "asprintf");
	tender = graft_path(graft_bin_dir(), name);
	if (access(tender, X_OK) < 0)
		err(1, "target '%s': tender '%s' (run make)", target, tender);
	graft_argv_add(&a, tender);
	for (size_t i = 0; i < o.tender.n; i++)
		graft_argv_add(&a, o.tender.v[i]);
	graft_argv_add(&a, image);
	if (o.kernel.n || optind < argc)
		graft_argv_add(&a, "--");
	for (size_t i = 0; i < o.kernel.n; i++)
		graft_argv_add(&a, o.kernel.v[i]);
	for (int i = optind; i < argc; i++)
		graft_argv_add(&a, argv[i]);
	fflush(NULL);
	execv(tender, a.v);
	err(1, "%s", tender);
}
