#!/usr/bin/env bash
# bench/boot: boot-to-exit of examples/hello on hvt (default memory and
# 512 MiB) and on unix, beside two baselines measured in the same run,
# round-robin: a bare KVM VM whose vCPU runs two instructions to its halt
# (kvmfloor.c) and the exec of a trivial static process (trivial.c).  Also
# the hello image's size.  The table goes to docs/PERFORMANCE.md between
# the boot markers.
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
build=${BUILD:-build}
runs=${BOOT_RUNS:-40}
bin=$build/bin/bench-boot
hvt=$build/bin/graft-hvt
unix=$build/bin/graft-unix
img=$build/images/hello
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GRAFT_RUNTIME_DIR=$tmp

if ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then
	echo "bench/boot: skipped: /dev/kvm is not usable (figures left as they were)" >&2
	exit 0
fi

load=$(cut -d' ' -f1 /proc/loadavg)
mapfile -t t < <("$bin/boottime" "$runs" \
	"$bin/kvmfloor" :: \
	"$hvt" --no-ctl "$img.hvt" :: \
	"$hvt" --no-ctl --mem 512M "$img.hvt" :: \
	"$bin/trivial" :: \
	"$unix" --no-ctl "$img.unix")

# row NAME TIMES [BASE]: median, min, cpu (ms) and ratios to BASE's.
row() {
	local name=$1 a=($2) b=(${3:-})
	if [ -n "${3:-}" ]; then
		awk -v n="$name" -v m="${a[0]}" -v l="${a[1]}" -v c="${a[2]}" \
			-v bm="${b[0]}" -v bl="${b[1]}" -v bc="${b[2]}" 'BEGIN {
			printf "| %s | %.2f | %.2f | %.2f | %.2fx | %.2fx | %.2fx |\n",
				n, m, l, c, m / bm, l / bl, c / bc }'
	else
		printf '| %s | %.2f | %.2f | %.2f | | | |\n' "$name" "${a[0]}" "${a[1]}" "${a[2]}"
	fi
}

# size FILE: file size, stripped size, and the PT_LOAD file and memory
# sizes (what the tender copies and what the image occupies).
loads() {
	local f=0 m=0 type off va pa fsz msz rest
	while read -r type off va pa fsz msz rest; do
		[ "$type" = LOAD ] || continue
		f=$((f + fsz)) m=$((m + msz))
	done < <(readelf -lW "$1")
	echo "$f $m"
}
strip -o "$tmp/hello.stripped" "$img.hvt"
read -r ld_file ld_mem < <(loads "$img.hvt")
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

table="## Boot ($(date -u +%Y-%m-%d), $(nproc) cores, load average $load)

Boot-to-exit wall time of examples/hello, exec to exit of the whole
process, $runs runs each, round-robin with the baselines; median and
minimum wall time and the median CPU time (user + system) of the process,
in ms.  hvt is compared with a bare KVM VM running two instructions to
its halt (bench/boot/kvmfloor.c), unix with the exec of a trivial static
process.  The machine is shared, so medians move from run to run; the
CPU column and the minima are steadier.  Produced by
\`bash bench/boot/run.sh\` (part of \`make bench\`; BOOT_RUNS=$runs).

| run | median | min | CPU | median ratio | min ratio | CPU ratio |
| --- | --- | --- | --- | --- | --- | --- |
$(row "bare KVM floor" "${t[0]}")
$(row "hvt hello, default memory (32 MiB)" "${t[1]}" "${t[0]}")
$(row "hvt hello, --mem 512M" "${t[2]}" "${t[0]}")
$(row "trivial static process" "${t[3]}")
$(row "unix hello" "${t[4]}" "${t[3]}")

hello.hvt: file $(kib "$(stat -c %s "$img.hvt")") (with debug information),
stripped $(kib "$(stat -c %s "$tmp/hello.stripped")"); loaded (PT_LOAD):
$(kib "$ld_file") from the file, $(kib "$ld_mem") in memory with .bss."
perf_doc_section boot "$table"
