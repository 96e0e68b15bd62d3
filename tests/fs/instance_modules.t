#!/usr/bin/env bash
# Native modules from an instance's FAT volume (lib/fs/moddir): with
# graft.module-dir=DIR every *.o in DIR loads at boot, in name order, before
# main(); a broken one is named and the rest still load; fsutil's `load
# PATH` loads one on command.
IMAGES=fsutil TOOLS="mkfs.fat mmd mcopy"
. "$(dirname "$0")/instance_lib.sh"
mods=$B/tests/fs/modules
for m in alpha beta greet; do
	[ -f $mods/$m.o ] || { echo "1..0 # SKIP $mods/$m.o not built"; exit 0; }
done
img=$tmp/vol.img
mkfs.fat -C -F 16 "$img" 16384 >/dev/null
mmd -i "$img" ::/modules ::/modules/sub.o
mcopy -i "$img" $mods/beta.o $mods/alpha.o ::/modules/
mcopy -i "$img" $mods/greet.o "::/A greeting module.o"
printf 'not a module\n' >"$tmp/junk.o"
printf 'notes\n' >"$tmp/README"
mcopy -i "$img" "$tmp/junk.o" ::/modules/zz-junk.o
mcopy -i "$img" "$tmp/README" ::/modules/README

for t in $targets; do
	run() { timeout 30 $B/bin/graft-$t --disk "$img:ro" \
		$B/images/fsutil.$t -- "$@" >"$tmp/out" 2>&1; }
	run graft.module-dir=/modules ls /
	rc=$?
	ok "$t: module-dir loads every module, in name order, before main" \
		'[ $rc -eq 0 ] &&
		 [ "$(grep -E "module (alpha|beta): hello|modules/" "$tmp/out" | head -n 3)" = "module alpha: hello
[info] mod: /modules/alpha.o: module '"'alpha'"' loaded
module beta: hello" ] &&
		 [ "$(grep -n "A greeting module.o" "$tmp/out" | cut -d: -f1)" -gt "$(grep -n "module-dir ./modules.: 2 loaded" "$tmp/out" | cut -d: -f1)" ]'
	ok "$t: a broken module is named, the others are still tried" \
		'grep -q "^\[error\] mod: /modules/zz-junk.o: .*shorter than an ELF header" "$tmp/out"'
	ok "$t: files without .o and directories are left alone" \
		'! grep -qE "README|sub.o" "$tmp/out"'
	run graft.module-dir=/nowhere ls /
	rc=$?
	ok "$t: a missing module directory is named, main still runs" \
		'[ $rc -eq 0 ] && grep -q "module directory ./nowhere.: no such entry" "$tmp/out" &&
		 grep -q "A greeting module.o" "$tmp/out"'
	run load "/A greeting module.o" load /modules/zz-junk.o
	rc=$?
	ok "$t: fsutil load loads a module from the volume" \
		'grep -qx "module greet: hello" "$tmp/out" &&
		 grep -qx "fsutil: load /A greeting module.o: module .greet. loaded" "$tmp/out"'
	ok "$t: fsutil load of a broken file says why, exits 1" \
		'[ $rc -eq 1 ] && grep -q "^fsutil: load /modules/zz-junk.o: .*shorter than an ELF header" "$tmp/out"'
	timeout 30 $B/bin/graft run -t $t --disk "$img:ro" --module-dir /modules \
		$B/images/fsutil.$t -- ls / >"$tmp/out" 2>&1
	ok "$t: graft run --module-dir passes the option on" \
		'grep -q "module-dir ./modules.: 2 loaded" "$tmp/out"'
	run load /missing.o
	ok "$t: fsutil load of a missing file names it" \
		'grep -q "^fsutil: load /missing.o: module file .missing.o.: no such entry" "$tmp/out"'
done
echo "1..$n"
