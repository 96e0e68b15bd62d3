/*
 * Runs examples/fsutil hosted: the first argument is a disk image, which
 * becomes the first block device (as `graft run --disk` makes it); the rest
 * are fsutil's commands.  fsutil.c is compiled with main renamed.
 */
#include <stdio.h>
#include <time.h>

#include <graft/device.h>
#include <graft/time.h>

#include "lib/fs/moddir/moddir.h"
#include "tests/fs/fstest.h"

int fsutil_main(int argc, char **argv);

uint64_t graft_wall(void)
{
	return (uint64_t)time(NULL) * GRAFT_NSEC_PER_SEC;
}

int main(int argc, char **argv)
{
	static struct test_blk b;

	if (argc < 2) {
		fprintf(stderr, "usage: fsutil-host image [command...]\n");
		return 2;
	}
	if (test_blk_open(&b, argv[1], 512, false) ||
	    graft_device_register(GRAFT_DEVICE_BLOCK, "disk0", &b.dev)) {
		perror(argv[1]);
		return 1;
	}
	argv[1] = argv[0];
	return fsutil_main(argc - 1, argv + 1);
}

/* Hosted, there is no module manager: fsutil's load command says so. */
int moddir_load_file(struct fs *fs, const char *path, struct mod **out,
		     char *err, size_t errlen)
{
	snprintf(err, errlen, "module file '%s': %s (hosted fsutil)", path,
		 graft_strerror(GRAFT_ENOTSUP));
	return GRAFT_ENOTSUP;
}

const char *mod_name(const struct mod *m)
{
	return "?";
}
