/*
 * Long random sequences of operations (seeded, reproducible) run against
 * graft's FAT and against a simple in-memory model of a case-insensitive
 * tree: every call must give the model's result code, every read the
 * model's bytes, and at the end both trees must be identical and fsck.fat
 * must find the volume clean.  Syncs and remounts are mixed in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/fs/fat/fat.h"
#include "tests/fs/fstest.h"
#include "tests/tap.h"

#define MAX_NODES 400
#define MAX_FILE  24000

struct mnode {
	char name[80];
	int parent;
	bool dir, alive;
	uint8_t *data;
	size_t len;
};

static struct mnode nodes[MAX_NODES];
static int nnodes;
static uint64_t rng;
static int mismatches;

static const char *names[] = {
    "a.txt",
    "A.TXT",
    "b",
    "Long Name One.dat",
    "long name one.DAT",
    "readme.md",
    "dir",
    "DIR",
    "Some Directory",
    "x y z",
    "file.with.dots.txt",
    "UPPER",
    "lower",
    "MiXeD.TxT",
    "n1",
    "N1",
    "caf\xc3\xa9.txt",
    "12345678.123",
    "123456789.1234",
    ".hidden",
    "another rather long name that goes on and on.bin",
    "e",
};

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void path_of(int i, char *out, size_t n)
{
	if (i == 0) {
		snprintf(out, n, "/");
		return;
	}
	path_of(nodes[i].parent, out, n);
	if (nodes[i].parent)
		strncat(out, "/", n - strlen(out) - 1);
	strncat(out, nodes[i].name, n - strlen(out) - 1);
}

static int child(int dir, const char *name)
{
	for (int i = 1; i < nnodes; i++)
		if (nodes[i].alive && nodes[i].parent == dir &&
		    strcasecmp(nodes[i].name, name) == 0)
			return i;
	return -1;
}

static bool has_children(int dir)
{
	for (int i = 1; i < nnodes; i++)
		if (nodes[i].alive && nodes[i].parent == dir)
			return true;
	return false;
}

static bool inside(int a, int b) /* a is b or below it */
{
	for (; a; a = nodes[a].parent)
		if (a == b)
			return true;
	return b == 0;
}

static bool full(void)
{
	int alive = 0;
	for (int i = 0; i < nnodes; i++)
		alive += nodes[i].alive;
	return alive >= MAX_NODES - 1;
}

static int pick(bool want_dir, bool allow_root)
{
	for (int tries = 0; tries < 50; tries++) {
		int i = (int)rnd((uint32_t)nnodes);
		if (!nodes[i].alive || nodes[i].dir != want_dir)
			continue;
		if (i == 0 && !allow_root)
			continue;
		return i;
	}
	return want_dir && allow_root ? 0 : -1;
}

static int add_node(int parent, const char *name, bool dir)
{
	int i = 1;
	while (i < nnodes && nodes[i].alive)
		i++; /* reuse a dead slot: nothing refers to it */
	struct mnode *m = &nodes[i];
	free(m->data);
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->parent = parent;
	m->dir = dir;
	m->alive = true;
	if (i == nnodes)
		nnodes++;
	return i;
}

static void expect(int got, int want, const char *op, const char *path)
{
	if (got == want)
		return;
	if (mismatches++ < 10)
		diag("%s '%s': got %s, want %s", op, path, graft_strerror(got),
		     graft_strerror(want));
}

static void op_write(struct fs *fs)
{
	int dir = pick(true, true), i, want = 0;
	const char *name = names[rnd(sizeof(names) / sizeof(names[0]))];
	char path[1024];
	struct fs_file *f;
	static uint8_t buf[MAX_FILE];

	if (dir < 0 || full())
		return;
	i = child(dir, name);
	if (i >= 0) {
		path_of(i, path, sizeof(path));
		if (nodes[i].dir)
			want = GRAFT_EISDIR;
	} else {
		path_of(dir, path, sizeof(path));
		strcat(path, dir ? "/" : "");
		strcat(path, name);
	}
	bool trunc = rnd(4) == 0, append = !trunc && rnd(4) == 0;
	int flags = FS_O_RDWR | FS_O_CREATE | (trunc ? FS_O_TRUNC : 0) |
		    (append ? FS_O_APPEND : 0);
	int err = fs_open(fs, path, flags, &f);
	expect(err, want, "open", path);
	if (err)
		return;
	if (i < 0)
		i = add_node(dir, name, false);
	struct mnode *m = &nodes[i];
	if (trunc)
		m->len = 0;
	size_t off = rnd(
	    (uint32_t)(m->len + 2000 < MAX_FILE ? m->len + 2000 : MAX_FILE));
	size_t len = rnd((uint32_t)(MAX_FILE - off));
	if (append) { /* the seek below is overridden: writes go to the end */
		off = m->len;
		len = len < MAX_FILE - off ? len : MAX_FILE - off;
	}
	for (size_t k = 0; k < len; k++)
		buf[k] = (uint8_t)rnd(256);
	expect(fs_seek(f, (int64_t)off, FS_SEEK_SET, NULL), 0, "seek", path);
	size_t done;
	expect(fs_write(f, buf, len, &done), 0, "write", path);
	fs_close(f);
	if (off + len > m->len) {
		m->data = realloc(m->data, off + len);
		if (off > m->len)
			memset(m->data + m->len, 0, off - m->len);
		m->len = off + len;
	}
	memcpy(m->data + off, buf, len);
}

static void op_read(struct fs *fs)
{
	int i = pick(false, false);
	char path[1024];
	static uint8_t buf[MAX_FILE + 10];
	struct fs_file *f;
	size_t got;

	if (i < 0)
		return;
	path_of(i, path, sizeof(path));
	int err = fs_open(fs, path, FS_O_READ, &f);
	expect(err, 0, "open", path);
	if (err)
		return;
	expect(fs_read(f, buf, sizeof(buf), &got), 0, "read", path);
	fs_close(f);
	if (got != nodes[i].len || memcmp(buf, nodes[i].data, got) != 0) {
		if (mismatches++ < 10)
			diag("read '%s': %zu bytes, want %zu", path, got,
			     nodes[i].len);
	}
}

static void op_mkdir(struct fs *fs)
{
	int dir = pick(true, true);
	const char *name = names[rnd(sizeof(names) / sizeof(names[0]))];
	char path[1024];

	if (dir < 0 || full())
		return;
	path_of(dir, path, sizeof(path));
	strcat(path, dir ? "/" : "");
	strcat(path, name);
	int want = child(dir, name) >= 0 ? GRAFT_EEXIST : 0;
	expect(fs_mkdir(fs, path), want, "mkdir", path);
	if (!want)
		add_node(dir, name, true);
}

static void op_unlink(struct fs *fs)
{
	int i = pick(rnd(3) == 0, false);
	char path[1024];

	if (i < 0)
		return;
	path_of(i, path, sizeof(path));
	int want = nodes[i].dir && has_children(i) ? GRAFT_ENOTEMPTY : 0;
	expect(fs_unlink(fs, path), want, "unlink", path);
	if (!want)
		nodes[i].alive = false;
}

static void op_rename(struct fs *fs)
{
	int src = pick(rnd(3) == 0, false), dir = pick(true, true);
	const char *name = names[rnd(sizeof(names) / sizeof(names[0]))];
	char from[1024], to[1024];
	int want = 0, t;

	if (src < 0 || dir < 0)
		return;
	path_of(src, from, sizeof(from));
	path_of(dir, to, sizeof(to));
	strcat(to, dir ? "/" : "");
	strcat(to, name);
	t = child(dir, name);
	if (nodes[src].dir && inside(dir, src))
		want = GRAFT_EINVAL;
	else if (t >= 0 && t != src && (nodes[src].dir || nodes[t].dir))
		want = GRAFT_EEXIST;
	expect(fs_rename(fs, from, to), want, "rename", from);
	if (want)
		return;
	if (t >= 0 && t != src)
		nodes[t].alive = false;
	nodes[src].parent = dir;
	snprintf(nodes[src].name, sizeof(nodes[src].name), "%s", name);
}

static void model_export(int dir, const char *host)
{
	char p[2048];

	test_sh("mkdir -p '%s'", host);
	for (int i = 1; i < nnodes; i++) {
		if (!nodes[i].alive || nodes[i].parent != dir)
			continue;
		snprintf(p, sizeof(p), "%s/%s", host, nodes[i].name);
		if (nodes[i].dir) {
			model_export(i, p);
		} else {
			FILE *f = fopen(p, "wb");
			if (f) {
				fwrite(nodes[i].data, 1, nodes[i].len, f);
				fclose(f);
			}
		}
	}
}

static void run(const char *mkfs, unsigned kib, uint64_t seed, int ops,
		const char *tmp)
{
	char img[256], a[256], b[256];
	struct test_blk blk;
	struct fs *fs;

	snprintf(img, sizeof(img), "%s/img", tmp);
	snprintf(a, sizeof(a), "%s/model", tmp);
	snprintf(b, sizeof(b), "%s/graft", tmp);
	test_sh("rm -rf '%s' '%s' '%s'", img, a, b);
	test_sh("mkfs.fat -C %s '%s' %u >/dev/null", mkfs, img, kib);
	for (int i = 0; i < MAX_NODES; i++)
		free(nodes[i].data);
	memset(nodes, 0, sizeof(nodes));
	nnodes = 1;
	nodes[0].alive = nodes[0].dir = true;
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	mismatches = 0;
	if (test_fat_mount(&blk, img, false, &fs)) {
		ok(0, "mount");
		return;
	}
	for (int n = 0; n < ops; n++) {
		uint32_t r = rnd(100);
		if (r < 35)
			op_write(fs);
		else if (r < 55)
			op_read(fs);
		else if (r < 67)
			op_mkdir(fs);
		else if (r < 80)
			op_unlink(fs);
		else if (r < 95)
			op_rename(fs);
		else if (r < 98)
			expect(fs_sync(fs), 0, "sync", "/");
		else {
			expect(fs_unmount(fs), 0, "unmount", "/");
			test_blk_close(&blk);
			if (test_fat_mount(&blk, img, false, &fs)) {
				ok(0, "remount");
				return;
			}
		}
	}
	int files = 0, dirs = 0;
	for (int i = 1; i < nnodes; i++)
		if (nodes[i].alive)
			nodes[i].dir ? dirs++ : files++;
	diag("%d operations, %d files and %d directories at the end", ops,
	     files, dirs);
	is_int(mismatches, 0, "every call gives the model's result");
	is_int(test_export(fs, "/", b), 0, "graft's tree exports");
	model_export(0, a);
	is_int(test_sh("diff -r '%s' '%s' >&2", a, b), 0,
	       "graft's tree equals the model's");
	is_int(fs_unmount(fs), 0, "unmount");
	test_blk_close(&blk);
	is_int(test_sh("fsck.fat -n '%s' >/dev/null 2>&1", img), 0,
	       "fsck.fat -n finds the volume clean");
}

int main(void)
{
	char tmp[64];
	static const struct {
		const char *mkfs;
		unsigned kib;
	} vols[] = {
	    {"-F 12 -s 8 -r 1024", 12 * 1024},
	    {"-F 16 -s 4", 24 * 1024},
	    {"-F 32 -s 1", 40 * 1024},
	};

	if (!test_have("mkfs.fat") || !test_have("fsck.fat")) {
		printf("1..0 # SKIP dosfstools missing\n");
		return 0;
	}
	strcpy(tmp, test_tmpdir());
	for (unsigned v = 0; v < 3; v++) {
		for (uint64_t seed = 1; seed <= 2; seed++) {
			diag("%s, seed %llu", vols[v].mkfs,
			     (unsigned long long)seed);
			run(vols[v].mkfs, vols[v].kib, seed * 7 + v, 5000, tmp);
		}
	}
	test_sh("rm -rf '%s'", tmp);
	return done_testing();
}
