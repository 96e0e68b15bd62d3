#!/usr/bin/env bash
# examples/fsutil in real instances (unix and hvt) over volumes made by
# mkfs.fat: FAT12, FAT16 and FAT32 at several cluster sizes.  What mtools
# writes graft reads; what graft writes mtools reads back byte for byte and
# fsck.fat finds clean; a read-only disk and corrupt volumes give a one-line
# error naming the problem, never a crash.
IMAGES=fsutil TOOLS="mkfs.fat mcopy mmd mtype mshowfat fsck.fat"
. "$(dirname "$0")/instance_lib.sh"

fsutil() { # target, disk spec, commands...; output in $tmp/out
	local t=$1 disk=$2
	shift 2
	timeout 30 $B/bin/graft-$t --disk "$disk" $B/images/fsutil.$t -- "$@" \
		>"$tmp/out" 2>&1
}

# Files for mtools to put on each volume: a long name with spaces, an
# 8.3 name, an empty file, a multi-cluster file and a deep directory.
lines 300001 >"$tmp/big.txt"
printf 'short\n' >"$tmp/SHORT.TXT"
: >"$tmp/empty"
sum_of() { cksum <"$1" | awk -v p="$2" '{print $1, $2, p}'; }

# fat type, volume size in KiB, sectors per cluster
configs="12:1440:1 12:8192:8 16:32768:4 16:131072:32 32:40960:1 32:307200:8"
for cfg in $configs; do
	IFS=: read -r fat kib spc <<<"$cfg"
	name="FAT$fat, $((spc * 512))-byte clusters"
	img=$tmp/vol.img
	rm -f "$img"
	mkfs.fat -C -F "$fat" -s "$spc" "$img" "$kib" >"$tmp/out" 2>&1
	rc=$?
	ok "$name: mkfs.fat makes the volume" '[ $rc -eq 0 ]'
	mmd -i "$img" "::/a dir" "::/a dir/deeper still"
	mcopy -i "$img" "$tmp/big.txt" "::/a dir/deeper still/Big file.txt"
	mcopy -i "$img" "$tmp/SHORT.TXT" "$tmp/empty" ::/
	for t in $targets; do
		fsutil $t "$img:ro" sum "/a dir/deeper still/Big file.txt" \
			cat /SHORT.TXT sum /empty ls "/a dir"
		expect="$(sum_of "$tmp/big.txt" "/a dir/deeper still/Big file.txt")
short
$(sum_of "$tmp/empty" /empty)
         0  deeper still/"
		ok "$t: $name: reads what mtools wrote" \
			'[ "$(cat "$tmp/out")" = "$expect" ]'

		fsutil $t "$img" mkdir "/from $t" \
			fill "/from $t/Lines of text.txt" 200003 \
			write "/from $t/note" "written by $t" \
			cp "/a dir/deeper still/Big file.txt" "/from $t/copy" \
			mv "/from $t/note" "/from $t/A renamed note.txt" \
			rm /SHORT.TXT
		rc=$?
		ok "$t: $name: writes, copies, renames and removes" \
			'[ $rc -eq 0 ] && [ ! -s "$tmp/out" ]'
		ok "$t: $name: mtools reads back what graft wrote" \
			'[ "$(mtype -i "$img" "::/from $t/Lines of text.txt" | cksum)" = "$(lines 200003 | cksum)" ] &&
			 [ "$(mtype -i "$img" "::/from $t/A renamed note.txt")" = "written by $t" ] &&
			 cmp -s <(mtype -i "$img" "::/from $t/copy") "$tmp/big.txt" &&
			 ! mtype -i "$img" ::/SHORT.TXT >/dev/null 2>&1'
		fsck.fat -n "$img" >"$tmp/out" 2>&1
		rc=$?
		ok "$t: $name: fsck.fat -n finds no errors" '[ $rc -eq 0 ]'
		mcopy -i "$img" "$tmp/SHORT.TXT" ::/
	done
done

img=$tmp/vol.img
for t in $targets; do
	fsutil $t "$img:ro" cat /SHORT.TXT write /new text
	rc=$?
	ok "$t: a read-only disk reads, refuses a write in one line" \
		'[ $rc -ne 0 ] && grep -qx short "$tmp/out" &&
		 grep -qx "fsutil: write /new: read-only (.*)" "$tmp/out" &&
		 [ $(wc -l <"$tmp/out") -eq 2 ]'
done

# Corrupt volumes: each must give one line naming what is wrong, a non-zero
# exit and no crash (a crash would print a trap, panic or backtrace).
corrupt() { # description, bytes (printf), offset, what the error names
	cp "$img" "$tmp/bad.img"
	printf "$2" | dd of="$tmp/bad.img" bs=1 seek="$3" conv=notrunc 2>/dev/null
	for t in $targets; do
		fsutil $t "$tmp/bad.img" ls / cat "/a dir/deeper still/Big file.txt"
		rc=$?
		ok "$t: $1: a clear error, no crash" \
			'[ $rc -eq 1 ] && ! grep -qiE "panic|trap|fault|abort" "$tmp/out" &&
			 grep -qE "^fsutil: .*(malformed|input/output).*$4" "$tmp/out" && echo "# $(grep -m1 ^fsutil $tmp/out)"'
	done
}
# $img is FAT32 now: make the big file's second cluster point back to its
# first, a loop.
first=$(mshowfat -i "$img" "::/a dir/deeper still/Big file.txt" |
	sed -n 's/.*<\([0-9]*\)-.*/\1/p')
reserved=$(od -An -tu2 -j14 -N2 "$img" | tr -d ' ')
corrupt "a cluster chain that loops" \
	"$(printf '\\%03o\\%03o\\0\\0' $((first & 255)) $((first >> 8)))" \
	$((reserved * 512 + (first + 1) * 4)) "loop"
corrupt "no boot signature" '\0\0' 510 "signature"
corrupt "bytes per sector 100" '\144\0' 11 "sector"
corrupt "no FATs" '\0' 16 "FAT"
corrupt "a garbage boot sector" "$(head -c 90 /dev/urandom | od -An -v -to1 | tr -d ' \n' | sed 's/\([0-7]\{3\}\)/\\\1/g')" 0 "."
echo "1..$n"
