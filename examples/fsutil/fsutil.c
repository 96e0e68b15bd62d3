/*
 * fsutil: commands over the FAT volume on the first block device, run in
 * the order given, stopping at the first that fails:
 *
 *	ls PATH   cat PATH   write PATH TEXT   mkdir PATH   rm PATH
 *	mv FROM TO   df [PATH]
 *
 * e.g. graft-hvt --disk vol.img fsutil.hvt -- mkdir /docs \
 *	write "/docs/A long name.txt" hello cat "/docs/A long name.txt"
 * The directory the manifest's `static` line names is embedded in the
 * image and served read-only under /static.  The volume is synced and
 * unmounted at the end, whatever happened.
 */
#include <stdio.h>
#include <string.h>

#include <graft/device.h>
#include <graft/error.h>
#include <graft/time.h>

#include "lib/fs/fat/fat.h"
#include "lib/fs/fs.h"
#include "lib/fs/static/static.h"

/* Made by tools/mkstatic when the manifest has a `static` line. */
extern const struct fs_static_image fs_static_root __attribute__((weak));

#define STATIC_DIR "static" /* where it appears, normalized */

static struct fs *disk_fs, *static_fs;

static int64_t wall_clock(void *arg)
{
	(void)arg;
	return (int64_t)(graft_wall() / GRAFT_NSEC_PER_SEC);
}

static int fail(struct fs *fs, const char *cmd, const char *path, int err)
{
	if (fs)
		printf("fsutil: %s %s: %s (%s)\n", cmd, path,
		       graft_strerror(err), fs_error_detail(fs));
	else
		printf("fsutil: %s %s: %s\n", cmd, path, graft_strerror(err));
	return err;
}

/*
 * The filesystem path lies on, and in rel (FS_PATH_MAX bytes) the path
 * within it: /static/... on the embedded directory, the rest on the disk.
 * NULL, with *err set, if the path is bad or names a missing volume.
 */
static struct fs *resolve(const char *path, char *rel, int *err)
{
	size_t n = strlen(STATIC_DIR);

	*err = fs_path_normalize(path, rel);
	if (*err)
		return NULL;
	if (static_fs && !strncmp(rel, STATIC_DIR, n) &&
	    (rel[n] == '\0' || rel[n] == '/')) {
		memmove(rel, rel + n + (rel[n] == '/'), strlen(rel + n) + 1);
		return static_fs;
	}
	if (!disk_fs) {
		printf("fsutil: %s: no disk (run with --disk FILE)\n", path);
		*err = GRAFT_ENOENT;
	}
	return disk_fs;
}

static int cmd_ls(const char *path)
{
	char rel[FS_PATH_MAX];
	struct fs_file *d;
	struct fs_dirent e;
	struct fs_stat st;
	int err;
	struct fs *fs = resolve(path, rel, &err);

	if (!fs)
		return fail(NULL, "ls", path, err);
	err = fs_stat(fs, rel, &st);
	if (err)
		return fail(fs, "ls", path, err);
	if (st.type == FS_TYPE_FILE) {
		printf("%10llu  %s\n", (unsigned long long)st.size, path);
		return 0;
	}
	err = fs_open(fs, rel, FS_O_READ, &d);
	if (err)
		return fail(fs, "ls", path, err);
	while (!(err = fs_readdir(d, &e)))
		printf("%10llu  %s%s\n", (unsigned long long)e.st.size, e.name,
		       e.st.type == FS_TYPE_DIR ? "/" : "");
	fs_close(d);
	return err == GRAFT_ENOENT ? 0 : fail(fs, "ls", path, err);
}

static int cmd_cat(const char *path)
{
	static char buf[4096];
	char rel[FS_PATH_MAX];
	struct fs_file *f;
	size_t n;
	int err;
	struct fs *fs = resolve(path, rel, &err);

	if (!fs)
		return fail(NULL, "cat", path, err);
	err = fs_open(fs, rel, FS_O_READ, &f);
	if (err)
		return fail(fs, "cat", path, err);
	while (!(err = fs_read(f, buf, sizeof(buf) - 1, &n)) && n) {
		buf[n] = '\0';
		printf("%s", buf); /* text: a NUL ends it early, as cat -v */
	}
	fs_close(f);
	return err ? fail(fs, "cat", path, err) : 0;
}

static int cmd_write(const char *path, const char *text)
{
	char rel[FS_PATH_MAX];
	struct fs_file *f;
	int err;
	struct fs *fs = resolve(path, rel, &err);

	if (!fs)
		return fail(NULL, "write", path, err);
	err = fs_open(fs, rel, FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC, &f);
	if (err)
		return fail(fs, "write", path, err);
	err = fs_write(f, text, strlen(text), NULL);
	fs_close(f);
	return err ? fail(fs, "write", path, err) : 0;
}

static int df_one(struct fs *fs)
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

static int cmd_df(void)
{
	int err = disk_fs ? df_one(disk_fs) : 0;

	return !err && static_fs ? df_one(static_fs) : err;
}

/* mkdir, rm and mv: one call on the filesystem both paths lie on. */
static int cmd_change(const char *cmd, const char *path, const char *to)
{
	char rel[FS_PATH_MAX], rel_to[FS_PATH_MAX];
	int err;
	struct fs *fs = resolve(path, rel, &err);

	if (!fs)
		return fail(NULL, cmd, path, err);
	if (!strcmp(cmd, "mkdir"))
		err = fs_mkdir(fs, rel);
	else if (!strcmp(cmd, "rm"))
		err = fs_unlink(fs, rel);
	else if (resolve(to, rel_to, &err) != fs)
		return fail(NULL, cmd, to, err ? err : GRAFT_ENOTSUP);
	else
		err = fs_rename(fs, rel, rel_to);
	return err ? fail(fs, cmd, path, err) : 0;
}

/* Run the command at argv[*i], advancing *i past its arguments. */
static int run_one(int argc, char **argv, int *i)
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
		return cmd_ls(a[0]);
	if (!strcmp(cmd, "cat"))
		return cmd_cat(a[0]);
	if (!strcmp(cmd, "write"))
		return cmd_write(a[0], a[1]);
	if (!strcmp(cmd, "df"))
		return cmd_df();
	if (!strcmp(cmd, "mkdir") || !strcmp(cmd, "rm") || !strcmp(cmd, "mv"))
		return cmd_change(cmd, a[0], need == 2 ? a[1] : NULL);
	printf("fsutil: unknown command '%s' (ls cat write mkdir rm mv df)\n",
	       cmd);
	return GRAFT_EINVAL;
}

/* Mount what there is: the first disk as FAT, the embedded directory. */
static int mount_all(void)
{
	struct fs_mount_opts opts = {.clock = wall_clock};
	const char *name = NULL;
	struct graft_blkdev *dev =
	    graft_device_nth(GRAFT_DEVICE_BLOCK, 0, &name);
	char why[160];
	int err;

	if (&fs_static_root) {
		err = fs_static_mount(&fs_static_root, &static_fs);
		if (err) {
			printf("fsutil: embedded directory: %s\n",
			       graft_strerror(err));
			return err;
		}
	}
	if (!dev) {
		if (static_fs)
			return 0;
		printf("fsutil: no block device (run with --disk FILE)\n");
		return GRAFT_ENOENT;
	}
	err = fat_mount(dev, &opts, &disk_fs, why, sizeof(why));
	if (err)
		printf("fsutil: %s: %s (%s)\n", name, graft_strerror(err), why);
	return err;
}

int main(int argc, char **argv)
{
	int err = mount_all(), err2 = 0, i = 1;

	while (!err && i < argc)
		err = run_one(argc, argv, &i);
	if (disk_fs && (err2 = fs_unmount(disk_fs)))
		printf("fsutil: unmount: %s\n", graft_strerror(err2));
	if (static_fs)
		fs_unmount(static_fs);
	return err || err2 ? 1 : 0;
}
