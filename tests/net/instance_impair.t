#!/usr/bin/env bash
# examples/echo booted on unix, hvt and virtio, with Linux's side of the
# tap losing 5% of the frames, reordering 10% of the packets, duplicating
# 5% of the frames, and all three at once, in both directions: a TCP
# transfer each way through the echo (socat) must arrive intact (sha256),
# and the counters must show that Linux really made each fault.  This
# kernel has no tc netem; the faults come from nftables and NFQUEUE in the
# same Linux kernel (tests/net/impair.sh).  virtio runs under QEMU, slow
# without KVM, so it moves less data.
NET_PREFIX=${NET_PREFIX:-gi}
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/impair.sh"
inst_require echo socat sha256sum
impair_require
net_setup

head -c $((4 << 20)) /dev/urandom >"$WORK/data.4"
head -c $((1 << 20)) "$WORK/data.4" >"$WORK/data.1"

# transfer target MiB name faults...: one connection, MiB each way
transfer() {
	local T=$1 mib=$2 name="$1: $3" got want start end
	shift 3
	want=$(sha256sum <"$WORK/data.$mib")
	check "$name: faults set up" impair_start "$@"
	start=$(date +%s.%N)
	got=$(in_ns timeout 60 socat -t 30 -T 30 -b 131072 STDIO \
		TCP:$NODE:7 <"$WORK/data.$mib" | sha256sum)
	end=$(date +%s.%N)
	impair_stop
	check "$name: $mib MiB each way intact" test "$got" = "$want"
	echo "# $name: $(awk "BEGIN { print $end - $start }") s; $IMPAIR_SUMMARY"
	impair_check "$name" "${@%%=*}"
}

for T in $INST_TARGETS; do
	mib=4
	[ $T = virtio ] && mib=1
	inst_start $T echo -- graft.ip=$NODE/24
	check "$T: echo boots and listens" inst_wait "echo: listening" 60
	transfer $T $mib "loss 5%" loss=5
	transfer $T $mib "reordering 10%" reorder=10
	transfer $T $mib "duplication 5%" dup=5
	transfer $T $mib "loss 5%, reordering 10%, duplication 5%" \
		loss=5 reorder=10 dup=5
	check "$T: the instance is still running" kill -0 "$NODE_PID"
	inst_stop
done
finish
