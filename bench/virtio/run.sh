#!/usr/bin/env bash
# bench/virtio: boot-to-exit time of examples/hello under QEMU (microvm and
# q35, TCG) beside hvt's and unix's, measured in the same run: the median
# of RUNS wall-clock runs of each launcher, from exec to exit.  Also the
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

# median_ms LAUNCHER ARGS...: median wall time of runs runs, in ms.
median_ms() {
	local t0 t1 times=()
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "bench/virtio: '$*' failed" >&2; exit 1; }
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n |
		awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] / 1000}'
}

base= base_name=
rows=
row() { # name ms image
	local ratio=-
	[ -n "$base" ] && ratio=$(awk -v a="$2" -v b="$base" 'BEGIN {printf "%.1fx", a / b}')
	rows+="| $1 | $2 ms | $ratio | $(stat -c %s "$3") B | $(size -A "$3" | awk '$1 == ".text" {print $2}') B |
"
}
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && $build/bin/graft-hvt --no-ctl $build/images/hello.hvt >/dev/null 2>&1; then
	base=$(median_ms $build/bin/graft-hvt --no-ctl $build/images/hello.hvt)
	base_name=hvt
	row "hvt (graft's KVM tender)" "$base" $build/images/hello.hvt
fi
unix=$(median_ms $build/bin/graft-unix --no-ctl $build/images/hello.unix)
if [ -z "$base" ]; then base=$unix base_name=unix; fi
row "unix (sandboxed process)" "$unix" $build/images/hello.unix
row "virtio, QEMU microvm, TCG" "$(median_ms $build/bin/graft-virtio --machine microvm --no-ctl $build/images/hello.virtio)" $build/images/hello.virtio
row "virtio, QEMU q35, TCG" "$(median_ms $build/bin/graft-virtio --machine q35 --no-ctl $build/images/hello.virtio)" $build/images/hello.virtio

table="## Boot to exit: virtio beside hvt and unix ($(date -u +%Y-%m-%d))

examples/hello from the launcher's exec to its exit, median of $runs runs
each in the same run; ratio against $base_name.  $(nproc) cores, shared.
QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9.]*\).*/\1/p')
with TCG (its KVM fails on these hosts), so the virtio rows include
QEMU's own start-up and firmware (qboot on microvm, SeaBIOS and the PVH
option ROM on q35) under emulation.

| target | boot to exit | ratio | image file | .text |
| --- | --- | --- | --- | --- |
${rows%
}"
perf_doc_section virtio "$table"
