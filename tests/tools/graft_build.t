#!/usr/bin/env bash
# graft build turns an application directory made here (a main.c and a
# manifest) into images that graft run boots on unix and hvt: output,
# arguments and exit status; 'static DIR' embeds a directory the app reads;
# bad manifests, unknown targets and compile errors are one-line errors.
. "$(dirname "$0")/lib.sh"
app=$T/greeter
mkdir -p "$app"
cat >"$app/main.c" <<'C'
#include <stdio.h>
int greeter_count(int argc);
int main(int argc, char **argv)
{
	printf("greeter says hi\n");
	for (int i = 1; i < argc; i++)
		printf("arg %d: %s\n", i, argv[i]);
	return greeter_count(argc);
}
C
cat >"$app/count.c" <<'C'
int greeter_count(int argc)
{
	return 40 + argc;
}
C
printf '# a test application\nname greeter\nlibs\n' >"$app/manifest"
for t in $TARGETS; do
	err=$(cd "$T" && timeout 60 $GRAFT build -t $t greeter 2>&1); rc=$?
	ok "$t: graft build of an app directory succeeds" '[ $rc -eq 0 ] && [ -z "$err" ] && [ -x "$T/greeter.$t" ]'
	out=$(timeout 20 $GRAFT run "$T/greeter.$t" -- one "two words" 2>&1); rc=$?
	ok "$t: the image runs its main" 'grep -q "^greeter says hi" <<<"$out"'
	ok "$t: the image gets its arguments" 'grep -q "^arg 2: two words" <<<"$out"'
	ok "$t: the exit status is that of main (43)" '[ $rc -eq 43 ]'
done
mkdir -p "$T/out"
out=$(timeout 60 $GRAFT build -t unix -o "$T/out/g.img" "$app" 2>&1); rc=$?
ok "-o names the image" '[ $rc -eq 0 ] && [ -x "$T/out/g.img" ]'
err=$(timeout 60 $GRAFT build -t unix -o "$T/nodir/g.img" "$app" 2>&1); rc=$?
ok "-o into a missing directory is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "image .*nodir/g.img.: No such file" <<<"$err"'
timeout 60 $GRAFT build -t unix --objdir "$T/obj" -o "$T/g2" "$app" >/dev/null 2>&1
ok "--objdir keeps objects and dependency files naming the image" 'grep -q "^$T/g2:" "$T/obj/main.d" && [ -f "$T/obj/count.o" ]'
nm "$T/greeter.unix" >"$T/syms"
ok "every image carries the module manager's export table" 'grep -q " mod_kernel_exports$" "$T/syms" && grep -q " mod_kernel_nexports$" "$T/syms"'

# static DIR: the directory is in the image as fs_static_root.
sapp=$T/site
mkdir -p "$sapp/www/sub"
printf 'hello from a static file\n' >"$sapp/www/sub/note.txt"
cat >"$sapp/main.c" <<'C'
#include <stdio.h>
#include <graft/error.h>
#include "lib/fs/fs.h"
#include "lib/fs/static/static.h"
extern const struct fs_static_image fs_static_root;
int main(void)
{
	struct fs *fs;
	struct fs_file *f;
	char buf[64];
	size_t n;
	int rc = fs_static_mount(&fs_static_root, &fs);

	if (rc == 0)
		rc = fs_open(fs, "/sub/note.txt", FS_O_READ, &f);
	if (rc == 0)
		rc = fs_read(f, buf, sizeof(buf) - 1, &n);
	if (rc < 0) {
		printf("static: %s\n", graft_strerror(rc));
		return 1;
	}
	buf[n] = '\0';
	printf("read: %s", buf);
	return 0;
}
C
printf 'name site\nstatic www\n' >"$sapp/manifest"
err=$(timeout 60 $GRAFT build -t unix -o "$T/site.unix" "$sapp" 2>&1); rc=$?
ok "an app with 'static DIR' builds" '[ $rc -eq 0 ]' || echo "# $err"
out=$(timeout 20 $GRAFT run "$T/site.unix" 2>&1); rc=$?
ok "the app reads the embedded directory" '[ $rc -eq 0 ] && grep -q "^read: hello from a static file" <<<"$out"'

# Errors: one line, naming what was wrong, non-zero status.
bad() { # bad NAME MANIFEST-TEXT PATTERN
	mkdir -p "$T/$1"
	cp "$app/main.c" "$app/count.c" "$T/$1/"
	printf "$2" >"$T/$1/manifest"
	err=$(timeout 60 $GRAFT build -t unix -o "$T/$1.img" "$T/$1" 2>&1); rc=$?
	ok "refused: $1" '[ $rc -ne 0 ] && one_line "$err" && grep -q "$3" <<<"$err" && [ ! -e "$T/$1.img" ]' || echo "# $err"
}
bad unknown-key 'name x\nflavour vanilla\n' "manifest .*line 2: .flavour.: unknown key"
bad missing-lib 'name x\nlibs nosuchlib\n' "library .nosuchlib.: no .*libnosuchlib.a"
bad no-name 'libs\n' "no .name. line"
bad bad-name 'name ../x\n' "line 1: .name."
bad static-missing 'name x\nstatic nowhere\n' "static .*nowhere.*No such file"
err=$(timeout 10 $GRAFT build -t nosuch "$app" 2>&1); rc=$?
ok "an unknown target is refused, listing the targets" '[ $rc -ne 0 ] && one_line "$err" && grep -q "unknown target .nosuch. (targets: .*unix" <<<"$err"'
err=$(timeout 10 $GRAFT build -t unix "$T/nowhere" 2>&1); rc=$?
ok "a missing app directory is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "application .*nowhere.: No such file" <<<"$err"'
mkdir -p "$T/nomanifest"
err=$(timeout 10 $GRAFT build -t unix "$T/nomanifest" 2>&1); rc=$?
ok "a missing manifest is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "manifest .*nomanifest/manifest.: No such file" <<<"$err"'
mkdir -p "$T/broken"
printf 'name broken\n' >"$T/broken/manifest"
printf 'int main(void) { return nosuch; }\n' >"$T/broken/main.c"
err=$(timeout 60 $GRAFT build -t unix -o "$T/broken.img" "$T/broken" 2>&1); rc=$?
ok "a compile error fails the build, naming the source" '[ $rc -ne 0 ] && grep -q "nosuch" <<<"$err" && grep -q "compiling .*broken/main.c. failed" <<<"$err" && [ ! -e "$T/broken.img" ]'
echo "1..$n"
