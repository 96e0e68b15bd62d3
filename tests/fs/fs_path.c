/*
 * lib/fs path handling: normalization ("." and "..", repeated and trailing
 * slashes, ".." above the root), splitting, iteration, containment, and
 * the refusals (over-long names and paths, control characters, bad UTF-8).
 */
#include <string.h>

#include "lib/fs/fs.h"
#include "tests/tap.h"

static const char *norm(const char *in)
{
	static char out[FS_PATH_MAX];
	int err = fs_path_normalize(in, out);
	return err ? graft_strerror(err) : out;
}

int main(void)
{
	char parent[FS_PATH_MAX], longname[300], longpath[1100];
	const char *name, *c;
	size_t pos = 0, len;
	int n = 0;

	is_str(norm("/"), "", "the root is the empty path");
	is_str(norm(""), "", "so is the empty string");
	is_str(norm("/a/b/c"), "a/b/c", "leading slash dropped");
	is_str(norm("a//b///c/"), "a/b/c", "repeated and trailing slashes");
	is_str(norm("/a/./b/../c"), "a/c", ". and .. resolve");
	is_str(norm("/../../x"), "x", ".. above the root stays at the root");
	is_str(norm("/a/b/../../.."), "", "back to the root");
	is_str(norm("/A long name.txt"), "A long name.txt", "spaces kept");
	is_str(norm("/caf\xc3\xa9"), "caf\xc3\xa9", "UTF-8 kept");
	is_str(norm("/bad\x01name"), "invalid argument", "control characters");
	is_str(norm("/bad\xc3"), "invalid argument", "truncated UTF-8");
	is_str(norm("/bad\xff"), "invalid argument", "invalid UTF-8 byte");
	memset(longname, 'x', 256);
	longname[256] = 0;
	is_str(norm(longname), "name too long", "a 256-character name");
	longname[255] = 0;
	ok(strlen(norm(longname)) == 255, "a 255-character name is fine");
	for (int i = 0; i < 1090; i += 2)
		memcpy(longpath + i, "a/", 2);
	longpath[1090] = 0;
	is_str(norm(longpath), "name too long", "a path past FS_PATH_MAX");

	is_int(fs_path_split("a/b/c", parent, &name), 0, "split");
	is_str(parent, "a/b", "parent");
	is_str(name, "c", "last component");
	fs_path_split("top", parent, &name);
	ok(parent[0] == 0 && !strcmp(name, "top"), "split at the root");
	is_int(fs_path_split("", parent, &name), GRAFT_EINVAL,
	       "the root has no last component");

	while (fs_path_next("one/two/three", &pos, &c, &len))
		n++;
	is_int(n, 3, "three components");
	ok(fs_path_inside("a/b", "a"), "a/b lies inside a");
	ok(fs_path_inside("a", "a"), "a lies inside itself");
	ok(!fs_path_inside("ab", "a"), "ab does not lie inside a");
	ok(fs_path_inside("x", ""), "everything lies inside the root");
	return done_testing();
}
