/*
 * graft module build: compile sources into a loadable module with
 * tools/graft-module-build.sh (native ELF relocatable object, or with
 * --wasm bytecode), which holds the flags and says why each is there.
 */
#include <err.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graft.h"

static int cmd_module(const struct graft_cmd *self, int argc, char **argv);

GRAFT_COMMAND(
    module, .name = "module",
    .synopsis = "module build [--wasm] [-v] [-I DIR]... [-D NAME[=VALUE]]... "
		"-o OUT SRC...",
    .summary = "build a loadable module from C sources",
    .options = "Builds a module for graft load, graft upgrade and graft run "
	       "--module.\n"
	       "  --wasm            WebAssembly bytecode instead of a native "
	       "object\n"
	       "  -I DIR            add DIR to the include path\n"
	       "  -D NAME[=VALUE]   define a macro\n"
	       "  -o OUT            the module to write\n"
	       "  -v, --verbose     print the command\n"
	       "  -h, --help        this text\n",
    .run = cmd_module);

static int cmd_module(const struct graft_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"wasm", no_argument, NULL, 'w'},
	    {"output", required_argument, NULL, 'o'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct graft_argv a = {0}, flags = {0};
	const char *out = NULL;
	char *script, *mkexports;
	int c, wasm = 0, verbose = 0, rc;

	if (argc >= 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		graft_usage(self, stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "build") != 0)
		return graft_bad_usage(self);
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "I:D:o:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			wasm = 1;
			break;
		case 'I':
		case 'D':
			graft_argv_addf(&flags, "-%c", c);
			graft_argv_add(&flags, optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			graft_usage(self, stdout);
			return 0;
		default:
			return graft_bad_usage(self);
		}
	}
	if (!out || optind >= argc)
		return graft_bad_usage(self);
	for (int i = optind; i < argc; i++)
		if (access(argv[i], R_OK) < 0)
			err(1, "source '%s'", argv[i]);
	script = graft_path(graft_root(), "tools/graft-module-build.sh");
	mkexports = graft_path(graft_bin_dir(), "mkexports");
	if (setenv("GRAFT_ROOT", graft_root(), 1) < 0 ||
	    setenv("GRAFT_MKEXPORTS", mkexports, 0) < 0)
		err(1, "setenv");
	graft_argv_add(&a, "sh");
	graft_argv_add(&a, script);
	if (wasm)
		graft_argv_add(&a, "--wasm");
	for (size_t i = 0; i < flags.n; i++)
		graft_argv_add(&a, flags.v[i]);
	graft_argv_add(&a, "-o");
	graft_argv_add(&a, out);
	for (int i = optind; i < argc; i++)
		graft_argv_add(&a, argv[i]);
	rc = graft_spawn(&a, NULL, verbose);
	if (rc != 0)
		errx(1, "module '%s' not built", out);
	return 0;
}
