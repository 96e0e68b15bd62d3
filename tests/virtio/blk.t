#!/usr/bin/env bash
# virtio-blk on q35 (PCI) and microvm (MMIO): the guest reads what the host
# wrote, writes and reads back a pattern spanning several requests, marks
# a sector the host then finds in the file, and is refused a read past the
# end; a read-only disk refuses writes.
. "$(dirname "$0")/lib.sh"
D=$B/tests/virtio/devtest.virtio
for m in q35 microvm; do
	img=$gv_tmp/disk-$m.img
	truncate -s 1M "$img"
	printf 'host marker 1234' | dd of="$img" conv=notrunc status=none
	out=$(timeout 60 $L --machine $m --no-ctl --disk "$img" $D -- blk 2>&1); rc=$?
	ok "$m: the blk run exits 0" '[ $rc -eq 0 ]'
	ok "$m: the disk has the file's size" 'grep -q "^disk0: 2048 sectors$" <<<"$out"'
	ok "$m: the guest reads what the host wrote" 'grep -q "^sector 0: host marker 1234$" <<<"$out"'
	ok "$m: a pattern over several requests reads back the same" 'grep -q "^write pattern: ok$" <<<"$out" && grep -q "^read pattern back: same$" <<<"$out"'
	ok "$m: the host finds the guest's mark" '[ "$(dd if="$img" bs=512 skip=200 count=1 status=none | tr -d "\0")" = "guest was here" ]'
	ok "$m: a read past the end is refused" 'grep -q "^read past the end: invalid argument$" <<<"$out"'
	out=$(timeout 60 $L --machine $m --no-ctl --disk "$img:ro" $D -- blk 2>&1); rc=$?
	ok "$m: a read-only disk says so and refuses writes" 'grep -q "^disk0: 2048 sectors, read-only$" <<<"$out" && grep -q "^write pattern: read-only$" <<<"$out"'
done
echo "1..$n"
