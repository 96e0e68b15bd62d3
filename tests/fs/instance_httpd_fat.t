#!/usr/bin/env bash
# examples/httpd serving a FAT volume made by mkfs.fat and filled by mtools,
# read-only under /disk/, beside its embedded directory, on unix and hvt,
# against curl in the test's own namespace.
. "$(dirname "$0")/../net/lib.sh"
inst_require httpd curl mkfs.fat mcopy mmd
net_setup
IMG=$WORK/vol.img
URL=http://$NODE
truncate -s 33M "$IMG"
mkfs.fat -F 32 -n WEB "$IMG" >/dev/null
head -c 200000 /dev/urandom >"$WORK/data.bin"
printf '<h1>from the disk</h1>\n' >"$WORK/index.html"
printf 'a long name\n' >"$WORK/long.txt"
mmd -i "$IMG" ::/site
mcopy -i "$IMG" "$WORK/data.bin" ::/data.bin
mcopy -i "$IMG" "$WORK/index.html" ::/site/index.html
mcopy -i "$IMG" "$WORK/long.txt" "::/site/A long file name.txt"
sum_before=$(sha256sum "$IMG")

for T in $INST_TARGETS; do
	inst_start $T httpd --disk "$IMG" -- graft.ip=$NODE/24
	check "$T: httpd mounts the volume and listens" inst_wait "httpd: serving [0-9]" 30
	in_ns timeout 30 curl -s -o "$WORK/got.bin" "$URL/disk/data.bin"
	check "$T: a file from the FAT volume, byte for byte" cmp "$WORK/got.bin" "$WORK/data.bin"
	in_ns timeout 30 curl -s -o "$WORK/got.html" "$URL/disk/site/"
	check "$T: a directory on the volume serves its index.html" cmp "$WORK/got.html" "$WORK/index.html"
	in_ns timeout 30 curl -s -o "$WORK/got.txt" "$URL/disk/site/A%20long%20file%20name.txt"
	check "$T: a long file name" cmp "$WORK/got.txt" "$WORK/long.txt"
	code=$(in_ns timeout 30 curl -s -o /dev/null -w '%{http_code}' "$URL/disk/nothing.txt")
	check "$T: a missing file on the volume is 404" test "$code" = 404
	in_ns timeout 30 curl -s -o "$WORK/root.html" "$URL/"
	check "$T: / is still the embedded index" cmp "$WORK/root.html" "$NET_ROOT/examples/httpd/www/index.html"
	inst_stop
	check "$T: the volume is untouched (mounted read-only)" test "$(sha256sum "$IMG")" = "$sum_before"
done
finish
