#!/usr/bin/env bash
# bench/virtio/net.sh: what virtio-net's buffer count buys.  examples/echo
# on graft-virtio (q35, TCG) over a tap in a private namespace, booted
# with virtio_net.bufs=N for each count in VIRTIO_NET_BENCH_BUFS: the time
# of NET_BENCH_MIB MiB each way through TCP echo (with offloads: 64 KiB
# buffers), and of 100 concurrent connections each echoing a line.
# Medians of VIRTIO_NET_BENCH_RUNS runs, the counts taken round-robin
# (so that the shared machine's load falls on all alike); ratios against
# the default, 8 buffers, measured in the same run.  32 is not in the
# list: their 4 MiB do not fit device memory, and the device would run
# without offloads.  The table replaces the
# "virtio-net" section of docs/PERFORMANCE.md.  Needs root, socat and
# qemu-system-x86_64; says what is missing and stops otherwise.
set -u
cd "$(dirname "$0")/../.."
. bench/lib.sh
build=${BUILD:-build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
mib=${NET_BENCH_MIB:-64}
runs=${VIRTIO_NET_BENCH_RUNS:-3}
counts=${VIRTIO_NET_BENCH_BUFS:-2 4 8 16}
NS=gq-bv$$ TAP=gqbvtap0 NODE=192.0.2.2
work=$(mktemp -d /tmp/graft-bench-vnet.XXXXXX)
inst=

cleanup() {
	[ -n "$inst" ] && kill -TERM "$inst" 2>/dev/null && wait "$inst" 2>/dev/null
	for p in $(ip netns pids $NS 2>/dev/null); do kill -KILL "$p"; done
	ip netns del $NS 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
skip() {
	echo "bench/virtio/net.sh: $*, skipped"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root"
for tool in socat qemu-system-x86_64 sha256sum; do
	command -v $tool >/dev/null || skip "no $tool"
done
[ -x $build/bin/graft-virtio ] && [ -f $build/images/echo.virtio ] ||
	skip "graft-virtio or echo.virtio not built"
export GRAFT_RUNTIME_DIR=$work/run
mkdir -p "$GRAFT_RUNTIME_DIR"
timeout 10 ip netns add $NS || skip "cannot create a network namespace"
ip -n $NS link set lo up
ip -n $NS tuntap add dev $TAP mode tap
ip -n $NS addr add 192.0.2.1/24 dev $TAP
ip -n $NS link set $TAP up
head -c $((mib << 20)) /dev/urandom >"$work/big"
want=$(sha256sum <"$work/big")

now() { date +%s%N; }
# one_run N: boot with N buffers, time bulk echo and the burst (ms)
one_run() {
	local t0 t1 t2 got i pids=()
	ip netns exec $NS timeout 600 $build/bin/graft-virtio --net $TAP \
		$build/images/echo.virtio -- graft.ip=$NODE/24 \
		virtio_net.bufs=$1 >"$work/inst.out" 2>&1 &
	inst=$!
	for _ in $(seq 600); do
		grep -q "echo: listening" "$work/inst.out" && break
		sleep 0.1
	done
	t0=$(now)
	got=$(ip netns exec $NS timeout 300 socat -t 60 -T 60 -b 131072 \
		STDIO TCP:$NODE:7 <"$work/big" | sha256sum)
	t1=$(now)
	[ "$got" = "$want" ] || {
		echo "bench/virtio/net.sh: bufs=$1: echo came back wrong" >&2
		exit 1
	}
	for i in $(seq 100); do
		(echo "$i" | ip netns exec $NS timeout 30 socat -t 20 - \
			TCP:$NODE:7 >"$work/c.$i" 2>&1) &
		pids+=($!)
	done
	wait "${pids[@]}"
	t2=$(now)
	for i in $(seq 100); do
		[ "$(cat "$work/c.$i")" = "$i" ] || {
			echo "bench/virtio/net.sh: bufs=$1: connection $i not echoed" >&2
			exit 1
		}
	done
	kill -TERM $inst
	wait $inst 2>/dev/null
	inst=
	ip -n $NS neigh flush dev $TAP
	echo "$1 $(((t1 - t0) / 1000000)) $(((t2 - t1) / 1000000))"
}

for _ in $(seq "$runs"); do
	for n in $counts; do one_run $n; done
done >"$work/times"
median() { # count field
	awk -v n="$1" -v f="$2" '$1 == n {print $f}' "$work/times" | sort -n |
		awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}
base_bulk=$(median 8 2) base_burst=$(median 8 3)
rows=
for n in $counts; do
	bulk=$(median $n 2) burst=$(median $n 3)
	rows+="| $n | $((n * 128)) KiB | $(awk -v m=$mib -v t=$bulk 'BEGIN {printf "%.1f", m * 1000 / t}') MiB/s | $(awk -v a=$bulk -v b=$base_bulk 'BEGIN {printf "%.2f", b / a}') | $burst ms | $(awk -v a=$burst -v b=$base_burst 'BEGIN {printf "%.2f", a / b}') |
"
done
table="## virtio-net: buffers a way ($(date -u +%Y-%m-%d))

examples/echo on graft-virtio (q35, TCG, offloads: 64 KiB buffers)
booted with \`virtio_net.bufs=N\`; median of $runs runs each, counts
round-robin in the same run; $(nproc) cores, shared.  Bulk: $mib MiB each
way through TCP echo, throughput each way and its ratio to 8 buffers,
the default (above 1 is faster).  Burst: 100 concurrent connections each
echoing a line, wall time and its ratio to 8 buffers (above 1 is slower; SYNs
beyond the listener's 64 half-open connections wait for their
retransmission).  Device memory is the net's buffers both ways; 32 a
way (4 MiB) no longer fit it and would run without offloads.

| buffers a way | device memory | bulk each way | ratio | burst of 100 | ratio |
| --- | --- | --- | --- | --- | --- |
${rows%
}"
perf_doc_section virtio-net "$table"
