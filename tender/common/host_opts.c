/*
 * The command line the tenders share:
 *
 *   [--mem SIZE] [--net TAP[:plain]]... [--disk FILE[:ro]]... [--name NAME]
 *   [--no-ctl] [--module FILE]... [target's options] IMAGE [-- ARGS...]
 *
 * One getopt_long loop for all of them.  Devices and modules go to the
 * tender's hooks in command-line order, as they are met, so the tender
 * opens them (and names the first bad one) before anything starts; a
 * target's own options come from a small table.  Anything wrong ends the
 * program with status 1, --help with 0, as each tender always did.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define OPT_EXTRA 0x100 /* getopt value of extra[i]: OPT_EXTRA + i */

static const struct option common_opts[] = {
    {"mem", required_argument, NULL, 'm'},
    {"net", required_argument, NULL, 'n'},
    {"disk", required_argument, NULL, 'd'},
    {"name", required_argument, NULL, 'N'},
    {"no-ctl", no_argument, NULL, 'C'},
    {"module", required_argument, NULL, 'M'},
    {"help", no_argument, NULL, 'h'},
};

#define NCOMMON (sizeof(common_opts) / sizeof(common_opts[0]))

/* getopt_long's table and short-option string: the target's options (a
 * target option with a short letter answers to it too), then the common
 * ones.  That order is graft-virtio's of old, which getopt_long shows when
 * it names the options an ambiguous prefix could mean. */
static void build_tables(const struct host_opt_hooks *hk, struct option *opts,
			 char *shorts)
{
	size_t ns = 0;

	shorts[ns++] = '+';
	shorts[ns++] = 'h';
	for (unsigned i = 0; i < hk->nextra; i++) {
		const struct host_extra_opt *x = &hk->extra[i];

		opts[i] = (struct option){x->name, x->has_arg, NULL,
					  OPT_EXTRA + (int)i};
		if (x->short_name)
			shorts[ns++] = (char)x->short_name;
	}
	memcpy(&opts[hk->nextra], common_opts, sizeof(common_opts));
	memset(&opts[hk->nextra + NCOMMON], 0, sizeof(*opts));
	shorts[ns] = '\0';
}

/* The index in hk->extra of the option getopt returned as c, or -1. */
static int extra_index(const struct host_opt_hooks *hk, int c)
{
	if (c >= OPT_EXTRA && c < OPT_EXTRA + (int)hk->nextra)
		return c - OPT_EXTRA;
	for (unsigned i = 0; i < hk->nextra; i++)
		if (hk->extra[i].short_name && hk->extra[i].short_name == c)
			return (int)i;
	return -1;
}

static void parse_one(struct host_opts *o, const struct host_opt_hooks *hk,
		      int c)
{
	int x;

	switch (c) {
	case 'm':
		if (host_parse_size(optarg, &o->mem) < 0)
			errx(1, "--mem '%s': not a size (try 64M or 1G)",
			     optarg);
		return;
	case 'n':
		if (hk->net(hk->ctx, optarg, o->nnet++) < 0)
			exit(1);
		return;
	case 'd':
		if (hk->disk(hk->ctx, optarg, o->ndisk++) < 0)
			exit(1);
		return;
	case 'N':
		o->name = optarg;
		return;
	case 'C':
		o->ctl = 0;
		return;
	case 'M':
		if (hk->module(hk->ctx, optarg) < 0)
			exit(1);
		return;
	case 'h':
		hk->usage(stdout);
		exit(0);
	}
	x = extra_index(hk, c);
	if (x < 0) {
		hk->usage(stderr);
		exit(1);
	}
	if (hk->extra[x].set(hk->ctx, optarg) < 0)
		exit(1);
}

/* The guest's argv[0] is the image name, then what followed "--" (or,
 * without "--", the words after the image). */
static void guest_argv(struct host_opts *o, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	o->argc = argc;
	o->argv = argv;
}

void host_parse_options(struct host_opts *o, const struct host_opt_hooks *hk,
			int argc, char **argv)
{
	struct option opts[NCOMMON + HOST_MAX_EXTRA_OPTS + 1];
	char shorts[3 + HOST_MAX_EXTRA_OPTS];
	int c;

	if (hk->nextra > HOST_MAX_EXTRA_OPTS)
		errx(1, "too many target options (at most %d)",
		     HOST_MAX_EXTRA_OPTS);
	o->name = NULL;
	o->ctl = 1;
	o->nnet = 0;
	o->ndisk = 0;
	build_tables(hk, opts, shorts);
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1)
		parse_one(o, hk, c);
	if (optind >= argc) {
		hk->usage(stderr);
		exit(1);
	}
	o->image = argv[optind];
	guest_argv(o, argc - optind, argv + optind);
}

void host_check_target(const char *image, const char *target)
{
	char found[32], why[128];

	if (host_image_target(image, found, sizeof(found), why, sizeof(why)) <
	    0)
		errx(1, "image '%s': %s", image, why);
	if (strcmp(found, target) != 0)
		errx(1, "image '%s' is built for target '%s', not %s", image,
		     found, target);
}

void host_usage_common(FILE *f)
{
	fputs("  --net TAP      attach an existing tap interface as the next "
	      "net device,\n"
	      "                 with checksum and segmentation offloads "
	      "(:plain for none)\n"
	      "  --disk FILE    attach a disk image as the next block device "
	      "(:ro for read-only)\n"
	      "  --name NAME    the instance's name for graft ps and the "
	      "control socket\n"
	      "  --no-ctl       no control socket\n"
	      "  --module FILE  load this module at boot, before main "
	      "(repeatable)\n"
	      "  -h, --help     this text\n",
	      f);
}
