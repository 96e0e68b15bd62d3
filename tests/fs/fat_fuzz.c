/*
 * libFuzzer target: the input is the start of a disk (the rest of a 512 MiB
 * device reads as zeros; writes land in a sparse overlay), mounted by FAT,
 * walked (every directory listed, every file read), then changed (create,
 * write, mkdir, rename, unlink, sync) and unmounted.  Anything but a clean
 * error is a bug.  Built with clang -fsanitize=fuzzer,address (make fuzz-fs).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fs/fat/fat.h"

#define DEV_BYTES (512ull << 20)
#define CHUNK	  (64u << 10)
#define NCHUNKS	  (DEV_BYTES / CHUNK)

struct sparse {
	const uint8_t *data;
	size_t size;
	uint8_t *chunk[NCHUNKS];
};

static void chunk_read(struct sparse *s, uint64_t off, uint8_t *out, size_t n)
{
	uint8_t *c = s->chunk[off / CHUNK];

	if (c) {
		memcpy(out, c + off % CHUNK, n);
		return;
	}
	memset(out, 0, n);
	if (off < s->size)
		memcpy(out, s->data + off,
		       s->size - off < n ? s->size - off : n);
}

static int dev_read(struct graft_blkdev *d, uint64_t lba, void *buf,
		    uint32_t count)
{
	struct sparse *s = d->priv;
	uint64_t off = lba * 512, len = (uint64_t)count * 512;

	if (lba > d->sectors || count > d->sectors - lba)
		return GRAFT_EINVAL;
	for (uint64_t k = 0; k < len;) {
		size_t n = CHUNK - (off + k) % CHUNK;
		if (n > len - k)
			n = (size_t)(len - k);
		chunk_read(s, off + k, (uint8_t *)buf + k, n);
		k += n;
	}
	return 0;
}

static int dev_write(struct graft_blkdev *d, uint64_t lba, const void *buf,
		     uint32_t count)
{
	struct sparse *s = d->priv;
	uint64_t off = lba * 512, len = (uint64_t)count * 512;

	if (lba > d->sectors || count > d->sectors - lba)
		return GRAFT_EINVAL;
	for (uint64_t k = 0; k < len;) {
		uint64_t at = off + k;
		size_t n = CHUNK - at % CHUNK;
		uint8_t **c = &s->chunk[at / CHUNK];
		if (n > len - k)
			n = (size_t)(len - k);
		if (!*c) {
			*c = malloc(CHUNK);
			chunk_read(s, at - at % CHUNK, *c, CHUNK);
			s->chunk[at / CHUNK] = *c;
		}
		memcpy(*c + at % CHUNK, (const uint8_t *)buf + k, n);
		k += n;
	}
	return 0;
}

static int budget;

static void walk(struct fs *fs, const char *path, int depth)
{
	static uint8_t buf[8192];
	struct fs_file *d, *f;
	struct fs_dirent *e = malloc(sizeof(*e));
	char *p = malloc(FS_PATH_MAX);
	size_t got;

	if (depth > 6 || fs_open(fs, path, FS_O_READ, &d))
		goto out;
	while (budget-- > 0 && fs_readdir(d, e) == 0) {
		snprintf(p, FS_PATH_MAX, "%s/%s", path, e->name);
		if (e->st.type == FS_TYPE_DIR) {
			walk(fs, p, depth + 1);
			continue;
		}
		if (fs_open(fs, p, FS_O_READ, &f))
			continue;
		for (int i = 0;
		     i < 8 && !fs_read(f, buf, sizeof(buf), &got) && got; i++)
			;
		fs_close(f);
	}
	fs_close(d);
out:
	free(p);
	free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "graft was here, with a long name";
	struct sparse *s = calloc(1, sizeof(*s));
	struct graft_blkdev dev = {
	    .name = "fuzz",
	    .sector_size = 512,
	    .sectors = DEV_BYTES / 512,
	    .read = dev_read,
	    .write = dev_write,
	    .priv = s,
	};
	struct fs_mount_opts o = {.cache_sectors = 8};
	struct fs *fs;
	struct fs_file *f;
	struct fs_statfs st;

	s->data = data;
	s->size = size;
	if (fat_mount(&dev, &o, &fs, NULL, 0) == 0) {
		budget = 3000;
		walk(fs, "", 0);
		if (fs_open(fs, "/Fuzzed file name.txt",
			    FS_O_RDWR | FS_O_CREATE, &f) == 0) {
			for (int i = 0; i < 100; i++)
				fs_write(f, text, sizeof(text), NULL);
			fs_close(f);
		}
		fs_mkdir(fs, "/fz");
		fs_rename(fs, "/Fuzzed file name.txt", "/fz/moved.txt");
		fs_unlink(fs, "/fz/moved.txt");
		fs_unlink(fs, "/fz");
		fs_statfs(fs, &st);
		budget = 3000;
		walk(fs, "", 0);
		fs_unmount(fs);
	}
	for (size_t i = 0; i < NCHUNKS; i++)
		free(s->chunk[i]);
	free(s);
	return 0;
}
