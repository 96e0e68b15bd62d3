#!/usr/bin/env bash
# Make the fuzz target's seed corpus in $1: small FAT12, FAT16 and FAT32
# images from mkfs.fat, filled by mtools, cut to their metadata and first
# files (the fuzz device reads zeros past the input).
set -eu
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MTOOLS_SKIP_CHECK=1
mkdir -p "$out" "$tmp/src/Sub Dir"
printf 'hello\n' >"$tmp/src/HELLO.TXT"
printf 'a long name\n' >"$tmp/src/A long file name.text"
head -c 3000 /dev/zero | tr '\0' x >"$tmp/src/Sub Dir/three clusters"
mk() { # name cut-size mkfs-options... size-KiB
	local name=$1 cut=$2
	shift 2
	mkfs.fat -C "$@" >/dev/null 2>&1
	local img=${*: -2:1}
	mcopy -s -i "$img" "$tmp"/src/* ::/
	mmd -i "$img" ::/empty
	truncate -s "$cut" "$img"
	mv "$img" "$out/$name"
}
mk fat12 64K -F 12 -s 1 "$tmp/a" 160
mk fat12-4k 64K -F 12 -s 8 -r 32 "$tmp/b" 1024
mk fat16 96K -F 16 -s 1 "$tmp/c" 4200
mk fat32-4k 448K -F 32 -S 4096 -s 1 -f 1 "$tmp/d" 266240
