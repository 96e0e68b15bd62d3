/*
 * The helpers of fstest.h.  Hosted C: files, processes, directories.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fs/fat/fat.h"
#include "tests/fs/fstest.h"

static int blk_read(struct graft_blkdev *d, uint64_t lba, void *buf,
		    uint32_t count)
{
	struct test_blk *b = d->priv;
	size_t len = (size_t)count * d->sector_size;

	if (lba > d->sectors || count > d->sectors - lba)
		return GRAFT_EINVAL;
	if (pread(b->fd, buf, len, (off_t)(lba * d->sector_size)) !=
	    (ssize_t)len)
		return GRAFT_EIO;
	return 0;
}

static int blk_write(struct graft_blkdev *d, uint64_t lba, const void *buf,
		     uint32_t count)
{
	struct test_blk *b = d->priv;
	size_t len = (size_t)count * d->sector_size;

	if (d->read_only)
		return GRAFT_EROFS;
	if (lba > d->sectors || count > d->sectors - lba)
		return GRAFT_EINVAL;
	if (b->write_limit >= 0 && b->writes >= b->write_limit) {
		b->crashed = true;
		return GRAFT_EIO;
	}
	b->writes++;
	if (pwrite(b->fd, buf, len, (off_t)(lba * d->sector_size)) !=
	    (ssize_t)len)
		return GRAFT_EIO;
	return 0;
}

static int blk_flush(struct graft_blkdev *d)
{
	struct test_blk *b = d->priv;

	if (b->crashed)
		return GRAFT_EIO;
	if (b->sync && fdatasync(b->fd))
		return GRAFT_EIO;
	return 0;
}

int test_blk_open(struct test_blk *b, const char *path, uint32_t sector_size,
		  bool read_only)
{
	struct stat st;

	memset(b, 0, sizeof(*b));
	b->write_limit = -1;
	b->fd = open(path, read_only ? O_RDONLY : O_RDWR);
	if (b->fd < 0 || fstat(b->fd, &st))
		return GRAFT_EIO;
	b->dev.name = path;
	b->dev.sector_size = sector_size;
	b->dev.sectors = (uint64_t)st.st_size / sector_size;
	b->dev.read_only = read_only;
	b->dev.read = blk_read;
	b->dev.write = blk_write;
	b->dev.flush = blk_flush;
	b->dev.priv = b;
	return 0;
}

void test_blk_close(struct test_blk *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

int test_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

bool test_have(const char *prog)
{
	return test_sh("command -v %s >/dev/null 2>&1", prog) == 0;
}

char *test_tmpdir(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "/tmp/graft-fs-XXXXXX");
	if (!mkdtemp(buf)) {
		perror("mkdtemp");
		exit(1);
	}
	return buf;
}

void test_random_file(const char *path, size_t len, uint32_t seed)
{
	FILE *f = fopen(path, "wb");
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; f && i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		fputc((int)(x & 0xff), f);
	}
	if (f)
		fclose(f);
}

static int import_file(struct fs *fs, const char *host, const char *path)
{
	static char buf[1 << 16];
	struct fs_file *f;
	FILE *in = fopen(host, "rb");
	size_t n;
	int err;

	if (!in)
		return GRAFT_EIO;
	err = fs_open(fs, path, FS_O_WRITE | FS_O_CREATE | FS_O_TRUNC, &f);
	while (!err && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		err = fs_write(f, buf, n, NULL);
	fclose(in);
	fs_close(f);
	return err;
}

int test_import(struct fs *fs, const char *hostdir, const char *path)
{
	DIR *d = opendir(hostdir);
	struct dirent *de;
	int err = 0;

	if (!d)
		return GRAFT_EIO;
	while (!err && (de = readdir(d))) {
		char h[2048], p[2048];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(h, sizeof(h), "%s/%s", hostdir, de->d_name);
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		if (stat(h, &st))
			err = GRAFT_EIO;
		else if (S_ISDIR(st.st_mode)) {
			err = fs_mkdir(fs, p);
			if (!err)
				err = test_import(fs, h, p);
		} else {
			err = import_file(fs, h, p);
		}
		if (err)
			fprintf(stderr, "# import %s: %s (%s)\n", p,
				graft_strerror(err), fs_error_detail(fs));
	}
	closedir(d);
	return err;
}

static int export_file(struct fs *fs, const char *path, const char *host)
{
	static char buf[1 << 16];
	struct fs_file *f;
	FILE *out;
	size_t n;
	int err = fs_open(fs, path, FS_O_READ, &f);

	if (err)
		return err;
	out = fopen(host, "wb");
	if (!out) {
		fs_close(f);
		return GRAFT_EIO;
	}
	while (!(err = fs_read(f, buf, sizeof(buf), &n)) && n)
		fwrite(buf, 1, n, out);
	fclose(out);
	fs_close(f);
	return err;
}

int test_export(struct fs *fs, const char *path, const char *hostdir)
{
	struct fs_file *d;
	struct fs_dirent ent;
	int err;

	if (mkdir(hostdir, 0755) && errno != EEXIST)
		return GRAFT_EIO;
	err = fs_open(fs, path, FS_O_READ, &d);
	if (err)
		return err;
	while (!(err = fs_readdir(d, &ent))) {
		char h[2048], p[2048];
		snprintf(h, sizeof(h), "%s/%s", hostdir, ent.name);
		snprintf(p, sizeof(p), "%s/%s", path, ent.name);
		if (ent.st.type == FS_TYPE_DIR)
			err = test_export(fs, p, h);
		else
			err = export_file(fs, p, h);
		if (err) {
			fprintf(stderr, "# export %s: %s (%s)\n", p,
				graft_strerror(err), fs_error_detail(fs));
			break;
		}
	}
	fs_close(d);
	return err == GRAFT_ENOENT ? 0 : err;
}

int test_fat_mount(struct test_blk *b, const char *img, bool read_only,
		   struct fs **fs)
{
	char why[160] = "";
	struct fs_mount_opts o = {.read_only = read_only};
	int err = test_blk_open(b, img, 512, read_only);

	if (err)
		return err;
	err = fat_mount(&b->dev, &o, fs, why, sizeof(why));
	if (err) {
		printf("# mount %s: %s: %s\n", img, graft_strerror(err), why);
		test_blk_close(b);
	}
	return err;
}
