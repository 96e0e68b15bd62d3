#!/usr/bin/env bash
# TCP transfers between Linux and lib/net (tapnode) that must complete
# intact, 2 MiB each way with matching sha256, while Linux's side of the
# tap loses 5%, reorders or duplicates packets, and all three at once:
# the node's retransmission and reassembly of Linux's data, and Linux's of
# the node's.  Where the kernel has tc netem, netem makes the faults on
# frames to the node.  This machine's kernel has none, so they come from
# nftables and NFQUEUE in the same Linux kernel, in both directions
# (tests/net/impair.sh), and each case also checks from their counters
# that the faults really happened.  tapnode's own injector (-f) then runs
# the same cases once more: its reordering holds a frame back behind just
# the next one, and it also reorders the node's ARP and pure ACKs.
NET_PREFIX=gi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/impair.sh"
net_require socat sha256sum tc
net_setup
head -c $((2 << 20)) /dev/urandom >"$WORK/data"
want=$(sha256sum <"$WORK/data")

netem=yes
if ! in_ns timeout 5 tc qdisc add dev "$TAP" root netem delay 1ms 2>/dev/null; then
	netem=no
	echo "# no tc netem in this kernel: nftables and NFQUEUE make the faults"
	impair_require
else
	in_ns timeout 5 tc qdisc del dev "$TAP" root
fi

# echo_intact name: 2 MiB each way through the node's TCP echo
echo_intact() {
	local got
	got=$(in_ns timeout 60 socat -t 30 -T 30 STDIO TCP:$NODE:7 \
		<"$WORK/data" | sha256sum)
	check "$1: 2 MiB each way intact" test "$got" = "$want"
}

node_stop() {
	kill -TERM "$NODE_PID"
	wait "$NODE_PID"
	NODE_PID=
	echo "# $(tr -d '\n' <"$WORK/node.err")"
	rm -f "$WORK/node.out"
}

# linux name impair-args -- netem-args...
linux() {
	local name=$1 faults=()
	shift
	while [ "$1" != -- ]; do
		faults+=("$1")
		shift
	done
	shift
	node_start -i $NODE/24
	if [ $netem = yes ]; then
		in_ns timeout 5 tc qdisc replace dev "$TAP" root netem "$@"
		echo_intact "$name (netem)"
		in_ns timeout 5 tc qdisc del dev "$TAP" root
	else
		check "$name: faults set up" impair_start "${faults[@]}"
		echo_intact "$name (Linux's nftables)"
		impair_stop
		echo "# $name: $IMPAIR_SUMMARY"
		impair_check "$name" "${faults[@]%%=*}"
	fi
	node_stop
}

# node name loss,dup,reorder: the same, with tapnode's injector
node() {
	node_start -i $NODE/24 -f "$2"
	echo_intact "$1 (tapnode -f $2)"
	node_stop
}

linux "loss 5%" loss=5 -- loss 5%
linux "reordering" reorder=10 -- delay 2ms reorder 25% 50%
linux "duplication 5%" dup=5 -- duplicate 5%
linux "loss, reordering and duplication" loss=3 dup=3 reorder=10 -- \
	delay 1ms loss 3% duplicate 3% reorder 10% 50%
node "loss 5%" 5,0,0
node "reordering" 0,0,20
node "duplication 5%" 0,5,0
node "loss, reordering and duplication" 3,3,10
finish
