#!/usr/bin/env bash
# bench/storage: FAT32 sequential throughput of a 256 MiB file beside the raw
# device, hosted, in the same run; the table goes to docs/PERFORMANCE.md
# between the storage markers.
set -eu
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
mib=${STORAGE_MIB:-256}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
img=$tmp/vol.img
mkfs.fat -C -F 32 -s 8 "$img" $(((mib * 2 + 64) * 1024)) >/dev/null
rows=$("$build/host/bench/storage/storage" "$img" "$mib")
table="<!-- storage:begin -->
## Storage (hosted: file-backed device, $(date -u +%Y-%m-%d))

FAT32, 4 KiB clusters, 1 MiB calls, reads from the page cache;
ratio = FAT / raw device, same run.
hvt and Linux vfat (loop device) columns come with the hvt block device.

| test | FAT | raw device | ratio |
| --- | --- | --- | --- |
$rows
<!-- storage:end -->"
echo "$table"
doc=docs/PERFORMANCE.md
[ -f "$doc" ] || printf '# Performance\n' >"$doc"
if grep -q '<!-- storage:begin -->' "$doc"; then
	awk -v t="$table" '/<!-- storage:begin -->/ {print t; skip=1}
		/<!-- storage:end -->/ {skip=0; next} !skip' "$doc" >"$doc.new"
	mv "$doc.new" "$doc"
else
	printf '\n%s\n' "$table" >>"$doc"
fi
