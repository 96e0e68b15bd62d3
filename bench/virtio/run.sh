#!/usr/bin/env bash
# bench/virtio: boot-to-exit time of examples/hello under QEMU (microvm and
# q35, TCG) beside hvt's and unix's, measured in the same run: the median
# of RUNS wall-clock runs of each launcher, from exec to exit.  Beside them
# QEMU's floor, the same machine booting a PVH image that exits at once
# (bench/virtio/floor.S), so that graft's own share shows.  Also the
# images' sizes.  The table goes to docs/PERFORMANCE.md between the virtio
# markers.
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
build=${BUILD:-build}
runs=${VIRTIO_BENCH_RUNS:-15}
export GRAFT_RUNTIME_DIR=$(mktemp -d)
trap 'rm -rf "$GRAFT_RUNTIME_DIR"' EXIT
command -v qemu-system-x86_64 >/dev/null || {
	echo "bench/virtio: qemu-system-x86_64 absent, skipped"
	exit 0
}

# measure NAME COMMAND...: register a command; run_all times them all,
# round-robin (so that the shared machine's load falls on all alike);
# median NAME then says the median wall time in ms.
names=() cmds=()
measure() {
	names+=("$1")
	shift
	cmds+=("$*")
}
run_all() {
	local t0 t1
	for _ in $(seq "$runs"); do
		for i in "${!cmds[@]}"; do
			t0=$(date +%s%N)
			eval "${cmds[$i]}" >/dev/null 2>&1 ||
				{ echo "bench/virtio: '${cmds[$i]}' failed" >&2; exit 1; }
			t1=$(date +%s%N)
			echo "${names[$i]} $(((t1 - t0) / 1000))"
		done
	done >"$GRAFT_RUNTIME_DIR/times"
}
median() {
	awk -v n="$1" '$1 == n {print $2}' "$GRAFT_RUNTIME_DIR/times" | sort -n |
		awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] / 1000}'
}

# floor MACHINE: QEMU as graft-virtio runs it, with the floor image; its
# isa-debug-exit status 1 is success.
floor() {
	qemu-system-x86_64 -machine "$1" -accel tcg -m 32M -nodefaults \
		-no-user-config -display none -no-reboot \
		-kernel $build/bench/virtio/floor.elf \
		-device isa-debug-exit,iobase=0xf4,iosize=4
	[ $? -eq 1 ]
}

base= base_name=
rows=
row() { # name ms image [floor ms]
	local ratio=- above=-
	[ -n "$base" ] && ratio=$(awk -v a="$2" -v b="$base" 'BEGIN {printf "%.1fx", a / b}')
	[ -n "${4:-}" ] && above="$(awk -v a="$2" -v b="$4" 'BEGIN {printf "%.1f", a - b}') ms"
	rows+="| $1 | $2 ms | $ratio | $above | $(stat -c %s "$3") B | $(size -A "$3" | awk '$1 == ".text" {print $2}') B |
"
}
hvt=
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && $build/bin/graft-hvt --no-ctl $build/images/hello.hvt >/dev/null 2>&1; then
	hvt=1
	measure hvt $build/bin/graft-hvt --no-ctl $build/images/hello.hvt
fi
measure unix $build/bin/graft-unix --no-ctl $build/images/hello.unix
measure mfloor floor microvm,x-option-roms=off,isa-serial=off,acpi=off
measure microvm $build/bin/graft-virtio --machine microvm --no-ctl $build/images/hello.virtio
measure qfloor floor q35
measure q35 $build/bin/graft-virtio --machine q35 --no-ctl $build/images/hello.virtio
run_all
if [ -n "$hvt" ]; then base=$(median hvt) base_name=hvt; else base=$(median unix) base_name=unix; fi
[ -n "$hvt" ] && row "hvt (graft's KVM tender)" "$(median hvt)" $build/images/hello.hvt
row "unix (sandboxed process)" "$(median unix)" $build/images/hello.unix
row "QEMU microvm floor (PVH image that exits at once)" "$(median mfloor)" $build/bench/virtio/floor.elf
row "virtio, QEMU microvm, TCG" "$(median microvm)" $build/images/hello.virtio "$(median mfloor)"
row "QEMU q35 floor (PVH image that exits at once)" "$(median qfloor)" $build/bench/virtio/floor.elf
row "virtio, QEMU q35, TCG" "$(median q35)" $build/images/hello.virtio "$(median qfloor)"

table="## Boot to exit: virtio beside hvt and unix ($(date -u +%Y-%m-%d))

examples/hello from the launcher's exec to its exit, median of $runs runs
each, round-robin in the same run; ratio against $base_name.  $(nproc) cores, shared.
QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9.]*\).*/\1/p')
with TCG (its KVM fails on these hosts), so the virtio rows include
QEMU's own start-up and firmware (qboot on microvm, SeaBIOS and the PVH
option ROM on q35) under emulation: the floor rows are that alone, and
'above floor' is graft's share (long mode, 10 ms of clock calibration,
device discovery, the kernel, hello, the launcher).

| run | boot to exit | ratio | above floor | image file | .text |
| --- | --- | --- | --- | --- | --- |
${rows%
}"
perf_doc_section virtio "$table"
