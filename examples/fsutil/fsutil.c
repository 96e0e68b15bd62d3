/*
 * fsutil: commands over the FAT volume on the first block device, run in
 * the order given, stopping at the first that fails:
 *
 *	ls PATH   cat PATH   write PATH TEXT   mkdir PATH   rm PATH
 *	mv FROM TO   df
 *
 * e.g. graft run -t hvt fsutil.hvt --disk vol.img -- mkdir /docs \
 *	write "/docs/A long name.txt" hello cat "/docs/A long name.txt"
 * The volume is synced and unmounted at the end, whatever happened.
 */
#include <stdio.h>
#include <string.h>

#include <graft/device.h>
#include <graft/error.h>
#include <graft/time.h>

#include "lib/fs/fat/fat.h"
#include "lib/fs/fs.h"

static int64_t wall_clock(void *arg)
{
	(void)arg;
	return (int64_t)(graft_wall() / GRAFT_NSEC_PER_SEC);
}

static int fail(struct fs *fs, const char *cmd, const char *path, int err)
{
	printf("fsutil: %s %s: %s (%s)\n", cmd, path, graft_strerror(err),
	       fs_error_detail(fs));
	return err;
}

static int cmd_ls(struct fs *fs, const char *path)
{
	struct fs_file *d;
	struct fs_dirent e;
	struct fs_stat st;
	int err = fs_stat(fs, path, &st);

	if (err)
		return fail(fs, "ls", path, err);
	if (st.type == FS_TYPE_FILE) {
		printf("%10llu  %s\n", (unsigned long long)st.size, path);
		return 0;
	}
	err = fs_open(fs, path, FS_O_READ, &d);
	if (err)
		return fail(fs, "ls", path, err);
	while (!(err = fs_readdir(d, &e)))
		printf("%10llu  %s%s\n", (unsigned long long)e.st.size, e.name,
		       e.st.type == FS_TYPE_DIR ? "/" : "");
	fs_close(d);
	return err == GRAFT_ENOENT ? 0 : fail(fs, "ls", path, err);
}

static int cmd_cat(struct fs *fs, const char *path)
{
	static char buf[4096];
	struct fs_file *f;
	size_t n;
	int err = fs_open(fs, path, FS_O_READ, &f);

	if (err)
		return fail(fs, "cat", path, err);
	while (!(err = fs_read(f, buf, sizeof(buf) - 1, &n)) && n) {
		buf[n] = '\0';
		printf("%s", buf); /* text: a NUL ends it early, as cat -v */
	}
	fs_close(f);
	return err ? fail(fs, "cat", path, err) : 0;
}

static int cmd_write(struct fs *fs, const char *path, const char *text)
{
	struct fs_file *f;
	int err = fs_open(fs, path, FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC, &f);

	if (err)
		return fail(fs, "write", path, err);
	err = fs_write(f, text, strlen(text), NULL);
	fs_close(f);
	return err ? fail(fs, "write", path, err) : 0;
}

static int cmd_df(struct fs *fs)
{
	struct fs_statfs st;
	int err = fs_statfs(fs, &st);

	if (err)
		return fail(fs, "df", "", err);
	printf("%s: %llu KiB, %llu KiB free, %u-byte clusters%s\n", st.type,
	       (unsigned long long)(st.blocks * st.block_size / 1024),
	       (unsigned long long)(st.free_blocks * st.block_size / 1024),
	       st.block_size, st.read_only ? ", read-only" : "");
	return 0;
}

/* Run the command at argv[*i], advancing *i past its arguments. */
static int run_one(struct fs *fs, int argc, char **argv, int *i)
{
	const char *cmd = argv[(*i)++];
	int need = !strcmp(cmd, "df")				 ? 0
		   : !strcmp(cmd, "write") || !strcmp(cmd, "mv") ? 2
								 : 1;

	if (*i + need > argc) {
		printf("fsutil: %s: missing argument\n", cmd);
		return GRAFT_EINVAL;
	}
	char **a = argv + *i;
	*i += need;
	if (!strcmp(cmd, "ls"))
		return cmd_ls(fs, a[0]);
	if (!strcmp(cmd, "cat"))
		return cmd_cat(fs, a[0]);
	if (!strcmp(cmd, "write"))
		return cmd_write(fs, a[0], a[1]);
	if (!strcmp(cmd, "df"))
		return cmd_df(fs);
	int err;
	if (!strcmp(cmd, "mkdir"))
		err = fs_mkdir(fs, a[0]);
	else if (!strcmp(cmd, "rm"))
		err = fs_unlink(fs, a[0]);
	else if (!strcmp(cmd, "mv"))
		err = fs_rename(fs, a[0], a[1]);
	else {
		printf("fsutil: unknown command '%s' (ls cat write mkdir rm "
		       "mv df)\n",
		       cmd);
		return GRAFT_EINVAL;
	}
	return err ? fail(fs, cmd, a[0], err) : 0;
}

int main(int argc, char **argv)
{
	struct fs_mount_opts opts = {.clock = wall_clock};
	const char *name = NULL;
	struct graft_blkdev *dev =
	    graft_device_nth(GRAFT_DEVICE_BLOCK, 0, &name);
	struct fs *fs;
	char why[160];
	int err, i = 1;

	if (!dev) {
		printf("fsutil: no block device (graft run --disk FILE)\n");
		return 1;
	}
	err = fat_mount(dev, &opts, &fs, why, sizeof(why));
	if (err) {
		printf("fsutil: %s: %s (%s)\n", name, graft_strerror(err), why);
		return 1;
	}
	while (!err && i < argc)
		err = run_one(fs, argc, argv, &i);
	int err2 = fs_unmount(fs);
	if (err2)
		printf("fsutil: unmount: %s\n", graft_strerror(err2));
	return err || err2 ? 1 : 0;
}
