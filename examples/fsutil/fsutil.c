/*
 * fsutil: commands over the FAT volume on the first block device, run in
 * the order given, stopping at the first that fails:
 *
 *	ls PATH        list a directory (or one file)
 *	cat PATH       print a text file
 *	sum PATH       its POSIX cksum CRC and size, as cksum(1) prints them
 *	write PATH TEXT    create or replace a file holding TEXT
 *	fill PATH BYTES    create or replace a file holding the first BYTES
 *	               bytes of the lines 0000000, 0000001, ...
 *	               (as `seq -f %07g 0 N | head -c BYTES` prints them)
 *	cp FROM TO     copy a file, also from /static to the disk
 *	mkdir PATH   rm PATH   mv FROM TO
 *	sync           make everything so far durable on the disk
 *	load PATH      load the native module in PATH (lib/fs/moddir)
 *	df             size and free space of each volume
 *
 * e.g. graft-hvt --disk vol.img fsutil.hvt -- mkdir /docs \
 *	write "/docs/A long name.txt" hello cat "/docs/A long name.txt"
 * The directory the manifest's `static` line names is embedded in the
 * image and served read-only under /static.  The volume is synced and
 * unmounted at the end, whatever happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graft/device.h>
#include <graft/error.h>
#include <graft/time.h>

#include "lib/fs/fat/fat.h"
#include "lib/fs/fs.h"
#include "lib/fs/moddir/moddir.h"
#include "lib/fs/static/static.h"

/* Made by tools/mkstatic when the manifest has a `static` line. */
extern const struct fs_static_image fs_static_root __attribute__((weak));

#define STATIC_DIR "static" /* where it appears, normalized */

static struct fs *disk_fs, *static_fs;
static char buf[64 * 1024];

static int64_t wall_clock(void *arg)
{
	(void)arg;
	return (int64_t)(graft_wall() / GRAFT_NSEC_PER_SEC);
}

/* Report cmd's failure on path; fs NULL: before any filesystem saw it. */
static int fail(struct fs *fs, const char *cmd, const char *path, int err)
{
	if (fs)
		printf("fsutil: %s %s: %s (%s)\n", cmd, path,
		       graft_strerror(err), fs_error_detail(fs));
	else
		printf("fsutil: %s %s: %s%s\n", cmd, path, graft_strerror(err),
		       err == GRAFT_ENOENT && !disk_fs
			   ? " (no disk: run with --disk FILE)"
			   : "");
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
		const char *inside = rel + n + (rel[n] == '/');
		memmove(rel, inside, strlen(inside) + 1);
		return static_fs;
	}
	if (!disk_fs)
		*err = GRAFT_ENOENT;
	return disk_fs;
}

/* Open path for cmd, saying why not. */
static int open_path(const char *cmd, const char *path, int flags,
		     struct fs_file **f)
{
	char rel[FS_PATH_MAX];
	int err;
	struct fs *fs = resolve(path, rel, &err);

	if (!fs)
		return fail(NULL, cmd, path, err);
	err = fs_open(fs, rel, flags, f);
	return err ? fail(fs, cmd, path, err) : 0;
}

/* Close f; an error while reading or writing (err) is reported first. */
static int close_path(const char *cmd, const char *path, struct fs_file *f,
		      int err)
{
	struct fs *fs = f->fs;

	fs_close(f);
	return err ? fail(fs, cmd, path, err) : 0;
}

static int cmd_ls(char **a)
{
	struct fs_file *d;
	struct fs_dirent e;
	struct fs_stat st;
	int err = open_path("ls", a[0], FS_O_READ, &d);

	if (err)
		return err;
	err = fs_fstat(d, &st);
	if (!err && st.type == FS_TYPE_FILE) {
		printf("%10llu  %s\n", (unsigned long long)st.size, a[0]);
		return close_path("ls", a[0], d, 0);
	}
	while (!err && !(err = fs_readdir(d, &e)))
		printf("%10llu  %s%s\n", (unsigned long long)e.st.size, e.name,
		       e.st.type == FS_TYPE_DIR ? "/" : "");
	return close_path("ls", a[0], d, err == GRAFT_ENOENT ? 0 : err);
}

static int cmd_cat(char **a)
{
	struct fs_file *f;
	size_t n;
	int err = open_path("cat", a[0], FS_O_READ, &f);

	if (err)
		return err;
	while (!(err = fs_read(f, buf, sizeof(buf) - 1, &n)) && n) {
		buf[n] = '\0';
		printf("%s", buf); /* text: a NUL ends it early, as cat -v */
	}
	return close_path("cat", a[0], f, err);
}

/* The CRC of POSIX cksum: polynomial 0x04c11db7, most significant bit
 * first, over the data and then the length's bytes, inverted. */
static uint32_t cksum_update(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n--) {
		crc ^= (uint32_t)*p++ << 24;
		for (int k = 0; k < 8; k++)
			crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u
						: crc << 1;
	}
	return crc;
}

static int cmd_sum(char **a)
{
	struct fs_file *f;
	uint64_t size = 0;
	uint32_t crc = 0;
	size_t n;
	int err = open_path("sum", a[0], FS_O_READ, &f);

	if (err)
		return err;
	while (!(err = fs_read(f, buf, sizeof(buf), &n)) && n) {
		crc = cksum_update(crc, (const uint8_t *)buf, n);
		size += n;
	}
	for (uint64_t len = size; len; len >>= 8) {
		uint8_t byte = (uint8_t)len;
		crc = cksum_update(crc, &byte, 1);
	}
	if (!err)
		printf("%u %llu %s\n", (unsigned)~crc, (unsigned long long)size,
		       a[0]);
	return close_path("sum", a[0], f, err);
}

static int cmd_write(char **a)
{
	struct fs_file *f;
	int err =
	    open_path("write", a[0], FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC, &f);

	if (err)
		return err;
	return close_path("write", a[0], f,
			  fs_write(f, a[1], strlen(a[1]), NULL));
}

static int cmd_fill(char **a)
{
	char *end;
	unsigned long long left = strtoull(a[1], &end, 10), line = 0;
	struct fs_file *f;
	int err;

	if (*end || end == a[1]) {
		printf("fsutil: fill %s: '%s' is not a byte count\n", a[0],
		       a[1]);
		return GRAFT_EINVAL;
	}
	err =
	    open_path("fill", a[0], FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC, &f);
	if (err)
		return err;
	while (!err && left) {
		size_t n = 0;
		while (n + 9 <= sizeof(buf)) /* 8 and snprintf's NUL */
			n +=
			    snprintf(buf + n, 9, "%07llu\n", line++ % 10000000);
		if (n > left)
			n = left;
		err = fs_write(f, buf, n, NULL);
		left -= n;
	}
	return close_path("fill", a[0], f, err);
}

static int cmd_cp(char **a)
{
	struct fs_file *from, *to;
	size_t n;
	int rerr, werr = 0;
	int err = open_path("cp", a[0], FS_O_READ, &from);

	if (err)
		return err;
	err = open_path("cp", a[1], FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC, &to);
	if (err) {
		fs_close(from);
		return err;
	}
	while (!(rerr = fs_read(from, buf, sizeof(buf), &n)) && n &&
	       !(werr = fs_write(to, buf, n, NULL)))
		;
	rerr = close_path("cp", a[0], from, rerr);
	werr = close_path("cp", a[1], to, werr);
	return rerr ? rerr : werr;
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

static int cmd_df(char **a)
{
	(void)a;
	int err = disk_fs ? df_one(disk_fs) : 0;

	return !err && static_fs ? df_one(static_fs) : err;
}

static int cmd_sync(char **a)
{
	(void)a;
	int err = disk_fs ? fs_sync(disk_fs) : 0;

	return err ? fail(disk_fs, "sync", "", err) : 0;
}

static int cmd_load(char **a)
{
	char rel[FS_PATH_MAX], why[256];
	struct mod *m;
	int err;
	struct fs *fs = resolve(a[0], rel, &err);

	if (!fs)
		return fail(NULL, "load", a[0], err);
	err = moddir_load_file(fs, rel, &m, why, sizeof(why));
	if (err) {
		printf("fsutil: load %s: %s\n", a[0], why);
		return err;
	}
	printf("fsutil: load %s: module '%s' loaded\n", a[0], mod_name(m));
	return 0;
}

/* mkdir, rm and mv: one call on the filesystem the paths lie on. */
static int change(const char *cmd, const char *path, const char *to)
{
	char rel[FS_PATH_MAX], rel_to[FS_PATH_MAX];
	int err;
	struct fs *fs = resolve(path, rel, &err);

	if (!fs)
		return fail(NULL, cmd, path, err);
	if (!to)
		err = !strcmp(cmd, "mkdir") ? fs_mkdir(fs, rel)
					    : fs_unlink(fs, rel);
	else if (resolve(to, rel_to, &err) != fs)
		return fail(NULL, cmd, to, err ? err : GRAFT_ENOTSUP);
	else
		err = fs_rename(fs, rel, rel_to);
	return err ? fail(fs, cmd, path, err) : 0;
}

static int cmd_mkdir(char **a)
{
	return change("mkdir", a[0], NULL);
}
static int cmd_rm(char **a)
{
	return change("rm", a[0], NULL);
}
static int cmd_mv(char **a)
{
	return change("mv", a[0], a[1]);
}

static const struct command {
	const char *name;
	int nargs;
	int (*run)(char **args);
} commands[] = {
    {"ls", 1, cmd_ls},	     {"cat", 1, cmd_cat},   {"sum", 1, cmd_sum},
    {"write", 2, cmd_write}, {"fill", 2, cmd_fill}, {"cp", 2, cmd_cp},
    {"mkdir", 1, cmd_mkdir}, {"rm", 1, cmd_rm},	    {"mv", 2, cmd_mv},
    {"sync", 0, cmd_sync},   {"df", 0, cmd_df},	    {"load", 1, cmd_load},
};

/* Run the command at argv[*i], advancing *i past its arguments. */
static int run_one(int argc, char **argv, int *i)
{
	const char *name = argv[(*i)++];

	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		const struct command *c = &commands[k];
		if (strcmp(name, c->name))
			continue;
		if (*i + c->nargs > argc) {
			printf("fsutil: %s: missing argument\n", name);
			return GRAFT_EINVAL;
		}
		*i += c->nargs;
		return c->run(argv + *i - c->nargs);
	}
	printf("fsutil: unknown command '%s' (ls cat sum write fill cp mkdir "
	       "rm mv sync df load)\n",
	       name);
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
