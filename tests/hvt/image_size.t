#!/usr/bin/env bash
# The size goal for hvt images (issue 2): examples/hello, which like every
# image carries the kernel core, the module manager, the control service
# and an export table, loads at most 64 KiB from its file (the PT_LOAD
# segments' file sizes; .bss is not in the file).  Deterministic, so a
# test rather than a benchmark: a change that pushes hello past the goal
# fails here, saying by how much.
cd "$(dirname "$0")/../.."
img=${BUILD:-build}/images/hello.hvt
goal=$((64 << 10))
if [ ! -f "$img" ]; then echo "1..0 # SKIP $img not built"; exit 0; fi
command -v readelf >/dev/null || { echo "1..0 # SKIP no readelf"; exit 0; }
echo "1..1"
size=0
for hex in $(readelf -lW "$img" | awk '$1 == "LOAD" { print $5 }'); do
	size=$((size + hex))
done
if [ "$size" -gt 0 ] && [ "$size" -le $goal ]; then
	echo "ok 1 - hello.hvt loads $size bytes from its file (goal $goal)"
else
	echo "not ok 1 - hello.hvt loads $size bytes from its file, $((size - goal)) over the $goal-byte goal"
fi
