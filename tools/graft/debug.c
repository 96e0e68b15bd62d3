/*
 * graft debug: gdb on a running hvt or virtio instance.  The tender,
 * started with --gdb or --gdb-listen, wrote where its stub (virtio:
 * QEMU's) listens into the instance's info file (gdb=ADDR); this runs gdb on
 * the instance's image, connects it there and adds the symbols of the live
 * modules (graft ls --gdb), whose object files gdb looks for by name in the
 * current directory.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <abi/ctl.h>
#include "ctl.h"
#include "graft.h"
#include "tender/common/host.h"

static int cmd_debug(const struct graft_cmd *self, int argc, char **argv);

GRAFT_COMMAND(
    debug, .name = "debug", .synopsis = "debug INSTANCE [GDB-ARGS...]",
    .summary = "run gdb on a running hvt or virtio instance",
    .options =
	"Runs gdb on the instance's image, connected to its tender's gdb "
	"stub\n"
	"(graft run -t hvt|virtio --gdb or --gdb-listen), with the symbols\n"
	"of its live modules added from the object files of the same name in\n"
	"the current directory.  GDB-ARGS go to gdb after those.\n"
	"  -h, --help  this text\n",
    .run = cmd_debug);

/* The values of keys image and gdb in the instance's info file. */
static void read_info(const char *name, char **image, char **addr)
{
	char *path, line[4200];
	FILE *f;

	if (strchr(name, '/'))
		errx(1, "instance '%s': give its name, not a path", name);
	if (asprintf(&path, "%s/%s.info", host_runtime_dir(), name) < 0)
		err(1, "asprintf");
	f = fopen(path, "r");
	if (!f)
		errx(1, "instance '%s': no such instance (%s)", name, path);
	*image = *addr = NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "image=", 6) && !*image)
			*image = graft_xstrdup(line + 6);
		else if (!strncmp(line, "gdb=", 4) && !*addr)
			*addr = graft_xstrdup(line + 4);
	}
	fclose(f);
	free(path);
	if (!*image)
		errx(1, "instance '%s': its info file names no image", name);
	if (!*addr)
		errx(1,
		     "instance '%s': no gdb stub (start it with graft run -t "
		     "hvt|virtio --gdb-listen PORT)",
		     name);
}

static int cmd_debug(const struct graft_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	char *image, *addr;
	struct graft_argv a = {0};
	struct ctl_response r;
	char *line, *save;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c != 'h')
			return graft_bad_usage(self);
		graft_usage(self, stdout);
		return 0;
	}
	if (optind >= argc)
		return graft_bad_usage(self);
	read_info(argv[optind], &image, &addr);
	ctl_request(argv[optind], CTL_OP_LIST_GDB, NULL, 0, 10, &r);
	if (r.status != 0)
		errx(1, "instance '%s': cannot list its modules", argv[optind]);
	graft_argv_add(&a, "gdb");
	graft_argv_add(&a, image);
	graft_argv_add(&a, "-ex");
	graft_argv_addf(&a, "target remote %s", addr);
	for (line = strtok_r(r.text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		graft_argv_add(&a, "-ex");
		graft_argv_add(&a, line);
	}
	for (int i = optind + 1; i < argc; i++)
		graft_argv_add(&a, argv[i]);
	fflush(NULL);
	execvp("gdb", a.v);
	err(1, "gdb");
}
