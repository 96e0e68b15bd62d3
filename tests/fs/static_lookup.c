/*
 * lib/fs/static with tools/mkstatic: a committed tree and a generated one of
 * 3000 entries, compiled in, read back through lib/fs: every file byte for
 * byte, every directory listed whole and in order, absent names refused,
 * every change refused with GRAFT_EROFS, corrupt tables refused at mount.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fs/static/static.h"
#include "tests/fs/fstest.h"
#include "tests/tap.h"

extern const struct fs_static_image fs_static_small, fs_static_big;

static void small_tree(void)
{
	struct fs *fs;
	struct fs_file *f;
	struct fs_stat st;
	char tmp[64];

	is_int(fs_static_mount(&fs_static_small, &fs), 0, "mount the tree");
	strcpy(tmp, test_tmpdir());
	char out[128];
	snprintf(out, sizeof(out), "%s/out", tmp);
	is_int(test_export(fs, "/", out), 0, "export it through lib/fs");
	is_int(test_sh("diff -r tests/fs/static-tree '%s'", out), 0,
	       "it equals the directory it was made from");
	test_sh("rm -rf '%s'", tmp);
	is_int(fs_stat(fs, "/docs/../docs/./A long name.txt", &st), 0,
	       "paths with . and .. resolve");
	is_int(st.size, 24, "the size is right");
	is_int(fs_stat(fs, "/docs/a long name.txt", &st), GRAFT_ENOENT,
	       "lookups are case-sensitive");
	is_int(fs_stat(fs, "/nope", &st), GRAFT_ENOENT, "absent: ENOENT");
	is_int(fs_open(fs, "/index.html", FS_O_RDWR, &f), GRAFT_EROFS,
	       "open for writing: GRAFT_EROFS");
	is_int(fs_mkdir(fs, "/x"), GRAFT_EROFS, "mkdir: GRAFT_EROFS");
	is_int(fs_unlink(fs, "/index.html"), GRAFT_EROFS,
	       "unlink: GRAFT_EROFS");
	is_int(fs_open(fs, "/index.html", FS_O_READ, &f), 0, "open a file");
	char buf[64];
	size_t n;
	uint64_t pos;
	fs_seek(f, 4, FS_SEEK_SET, NULL);
	fs_read(f, buf, 5, &n);
	buf[n] = 0;
	is_str(buf, "graft", "seek and read");
	fs_seek(f, -2, FS_SEEK_END, &pos);
	is_int(pos, 13, "seek from the end");
	is_int(fs_unmount(fs), GRAFT_EBUSY, "no unmount while a file is open");
	fs_close(f);
	is_int(fs_unmount(fs), 0, "unmount");
}

static void big_tree(void)
{
	struct fs *fs;
	struct fs_file *f, *d;
	struct fs_dirent de;
	char path[64], buf[64], prev[FS_NAME_BUF] = "";
	int bad = 0, listed = 0, sorted = 1;
	size_t n;

	is_int(fs_static_mount(&fs_static_big, &fs), 0, "mount 3000 entries");
	for (int dir = 0; dir < 3; dir++) {
		for (int i = 0; i < 1000; i++) {
			snprintf(path, sizeof(path), "/d%d/file %04d", dir, i);
			if (fs_open(fs, path, FS_O_READ, &f)) {
				bad++;
				continue;
			}
			fs_read(f, buf, sizeof(buf) - 1, &n);
			buf[n] = 0;
			char want[64];
			snprintf(want, sizeof(want), "%d %d\n", dir, i);
			bad += strcmp(buf, want) != 0;
			fs_close(f);
		}
	}
	is_int(bad, 0, "all 3000 files found with the right contents");
	fs_open(fs, "/d1", FS_O_READ, &d);
	while (fs_readdir(d, &de) == 0) {
		sorted &= strcmp(prev, de.name) < 0;
		strcpy(prev, de.name);
		listed++;
	}
	fs_close(d);
	is_int(listed, 1000, "a directory lists all 1000 children");
	ok(sorted, "in name order");
	struct fs_stat st;
	is_int(fs_stat(fs, "/d1/file 1000", &st), GRAFT_ENOENT,
	       "a name just past the end is absent");
	fs_unmount(fs);
}

static void corrupt_tables(void)
{
	struct fs_static_entry e[2] = {fs_static_small.entries[1],
				       fs_static_small.entries[0]};
	struct fs_static_image img = fs_static_small;
	struct fs *fs;

	img.magic = 0;
	is_int(fs_static_mount(&img, &fs), GRAFT_EFORMAT, "bad magic");
	img = fs_static_small;
	img.entries = e;
	img.nentries = 2;
	is_int(fs_static_mount(&img, &fs), GRAFT_EFORMAT,
	       "root not first / unsorted");
	img = fs_static_small;
	uint32_t kids[1] = {99999};
	img.children = kids;
	img.nchildren = 1;
	is_int(fs_static_mount(&img, &fs), GRAFT_EFORMAT,
	       "child index out of range");
}

int main(void)
{
	small_tree();
	big_tree();
	corrupt_tables();
	return done_testing();
}
