#!/usr/bin/env bash
# The directory examples/fsutil's manifest names (`static static`) is
# embedded in the image by tools/mkstatic and served read-only under
# /static, with or without a disk: its files read back byte for byte, it
# refuses changes, and its files can be copied to the FAT disk.
IMAGES=fsutil TOOLS="mkfs.fat mtype cksum"
. "$(dirname "$0")/instance_lib.sh"
src=examples/fsutil/static
sum_of() { cksum <"$src/$1" | awk -v p="/static/$1" '{print $1, $2, p}'; }

for t in $targets; do
	run() { timeout 30 $B/bin/graft-$t "$@" >"$tmp/out" 2>&1; }
	run $B/images/fsutil.$t -- ls /static ls /static/docs
	ok "$t: ls lists the embedded directory, no disk needed" \
		'[ "$(cat "$tmp/out")" = "$(printf "%10s  README.txt\n%10s  docs/\n%10s  A long name.txt\n%10s  hello.txt" \
			$(stat -c %s $src/README.txt) 0 \
			$(stat -c %s "$src/docs/A long name.txt") \
			$(stat -c %s $src/docs/hello.txt))" ]'
	run $B/images/fsutil.$t -- sum /static/README.txt \
		sum "/static/docs/A long name.txt" cat /static/docs/hello.txt
	ok "$t: its files read back as they are in the source tree" \
		'[ "$(cat "$tmp/out")" = "$(sum_of README.txt; sum_of "docs/A long name.txt"; cat $src/docs/hello.txt)" ]'
	run $B/images/fsutil.$t -- write /static/new text
	rc=$?
	ok "$t: a write to it is refused as read-only" \
		'[ $rc -eq 1 ] && grep -qx "fsutil: write /static/new: read-only (.*)" "$tmp/out"'
	run $B/images/fsutil.$t -- rm /static/README.txt
	ok "$t: so is removing a file" \
		'grep -q "^fsutil: rm /static/README.txt: read-only" "$tmp/out"'
	run $B/images/fsutil.$t -- cat /static/nope
	ok "$t: a missing file is named" \
		'grep -qx "fsutil: cat /static/nope: no such entry (.*)" "$tmp/out"'
	run $B/images/fsutil.$t -- cat /on-disk.txt
	ok "$t: without a disk, a path outside /static says so" \
		'grep -qx "fsutil: cat /on-disk.txt: no such entry (no disk: run with --disk FILE)" "$tmp/out"'
	rm -f "$tmp/vol.img"
	mkfs.fat -C -F 16 "$tmp/vol.img" 16384 >/dev/null
	run --disk "$tmp/vol.img" $B/images/fsutil.$t -- \
		cp "/static/docs/A long name.txt" /copied.txt
	ok "$t: cp copies from it to the disk" \
		'cmp -s <(mtype -i "$tmp/vol.img" ::/copied.txt) "$src/docs/A long name.txt"'
done
echo "1..$n"
