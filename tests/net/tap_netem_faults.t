#!/usr/bin/env bash
# TCP transfers between Linux and lib/net that must complete intact while
# tc netem on Linux's side of the tap loses 5%, reorders or duplicates
# packets (the node's own retransmission and reassembly of Linux's data,
# and Linux's of the node's).  Where the kernel has no netem, the same
# faults are injected by tapnode itself (-f), in both directions.
. "$(dirname "$0")/lib.sh"
net_require socat sha256sum tc
net_setup
head -c $((2 << 20)) /dev/urandom >"$WORK/data"
want=$(sha256sum <"$WORK/data")

netem=yes
if ! in_ns timeout 5 tc qdisc add dev "$TAP" root netem delay 1ms 2>/dev/null; then
	netem=no
	echo "# no tc netem in this kernel: tapnode injects the faults"
else
	in_ns timeout 5 tc qdisc del dev "$TAP" root
fi

transfer() { # name tapnode-faults netem-args...
	local name=$1 faults=$2 got
	shift 2
	if [ $netem = yes ]; then
		node_start -i $NODE/24
		in_ns timeout 5 tc qdisc replace dev "$TAP" root netem "$@"
	else
		node_start -i $NODE/24 -f "$faults"
	fi
	got=$(in_ns timeout 60 socat -t 30 -T 30 STDIO TCP:$NODE:7 \
		<"$WORK/data" | sha256sum)
	check "$name: 2 MiB each way intact" test "$got" = "$want"
	[ $netem = yes ] && in_ns timeout 5 tc qdisc del dev "$TAP" root
	kill -TERM "$NODE_PID"
	wait "$NODE_PID"
	NODE_PID=
	echo "# $(tr -d '\n' <"$WORK/node.err")"
	rm -f "$WORK/node.out"
}
transfer "loss 5%" 5,0,0 loss 5%
transfer "reordering" 0,0,20 delay 2ms reorder 25% 50%
transfer "duplication 5%" 0,5,0 duplicate 5%
transfer "loss, reordering and duplication" 3,3,10 \
	delay 1ms loss 3% duplicate 3% reorder 10% 50%
finish
