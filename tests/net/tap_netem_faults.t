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
# Under 5% loss both ways the node runs once with SACK and once without
# (tapnode -S): the SACK run shows blocks flowing both ways (the node's
# counters, and Linux's own: its SACK recoveries driven by the node's
# blocks, none of them discarded as invalid), and both print the node's
# retransmission timeouts and the time taken, to compare.
NET_PREFIX=${NET_PREFIX:-gi}
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
# linux_mib name: a TcpExt counter of Linux's in the namespace
linux_mib() {
	in_ns nstat -asz "$1" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'
}

# node_counter name: a counter from the tapnode's last report
node_counter() {
	sed -n "s/.*[;:] .*\b$1 \([0-9]*\).*/\1/p" "$WORK/node.err" |
		head -n 1
}

# sack_case name faults tapnode-args...: 2 MiB each way under the faults
# (impair.sh's, or netem's loss and reordering where netem exists)
sack_case() {
	local name=$1 faults=$2 rec0 dsack0 disc0 start end
	shift 2
	node_start -i $NODE/24 "$@"
	# Linux's neighbour entry first, so that lost ARP cannot fail it
	in_ns timeout 5 ping -c 1 -W 2 $NODE >/dev/null
	rec0=$(linux_mib TcpExtTCPSackRecovery)
	dsack0=$(linux_mib TcpExtTCPDSACKRecv)
	disc0=$(linux_mib TcpExtTCPSACKDiscard)
	if [ $netem = yes ]; then
		in_ns timeout 5 tc qdisc replace dev "$TAP" root netem delay 1ms \
			$(echo "$faults" | sed 's/loss=\([0-9]*\)/loss \1%/;
				s/reorder=\([0-9]*\)/reorder \1% 50%/')
	else
		# shellcheck disable=SC2086
		check "$name: faults set up" impair_start $faults
	fi
	start=$(date +%s.%N)
	echo_intact "$name"
	end=$(date +%s.%N)
	if [ $netem = yes ]; then
		in_ns timeout 5 tc qdisc del dev "$TAP" root
	else
		impair_stop
	fi
	node_stop
	SACK_SENT=$(node_counter "sack sent")
	SACK_RECV=$(node_counter received)
	SACK_RTO=$(node_counter timeouts)
	SACK_LINUX_REC=$(($(linux_mib TcpExtTCPSackRecovery) - rec0))
	SACK_LINUX_DSACK=$(($(linux_mib TcpExtTCPDSACKRecv) - dsack0))
	SACK_LINUX_DISCARD=$(($(linux_mib TcpExtTCPSACKDiscard) - disc0))
	SACK_SECONDS=$(awk "BEGIN { printf \"%.2f\", $end - $start }")
	echo "# $name: $SACK_SECONDS s, node timeouts $SACK_RTO; node sent" \
		"$SACK_SENT segments with SACK blocks, received $SACK_RECV;" \
		"Linux: $SACK_LINUX_REC SACK recoveries, $SACK_LINUX_DSACK" \
		"D-SACKs received, $SACK_LINUX_DISCARD blocks discarded"
}

# Under loss alone the node's own sending is the bottleneck of the echo,
# its receive window stays nearly closed and Linux's data rarely arrives
# out of order; reordering on top makes the node SACK too.
sack_case "loss 3%, reordering 10%, SACK" "loss=3 reorder=10"
check "loss and reordering: the node sent SACK blocks, Linux recovered" \
	test "${SACK_SENT:-0}" -gt 0 -a "$SACK_LINUX_REC" -gt 0
check "loss and reordering: Linux's SACK blocks reached the node" \
	test "${SACK_RECV:-0}" -gt 0
check "loss and reordering: Linux discarded none of the node's blocks" \
	test "$SACK_LINUX_DISCARD" -eq 0
sack_case "loss 5%, SACK" "loss=5"
check "loss 5%, SACK: Linux's SACK blocks reached the node" \
	test "${SACK_RECV:-0}" -gt 0
rto_sack=$SACK_RTO s_sack=$SACK_SECONDS
sack_case "loss 5%, no SACK (tapnode -S)" "loss=5" -S
check "loss 5%, no SACK: no blocks either way, none for Linux to use" \
	test "${SACK_SENT:-1}" -eq 0 -a "${SACK_RECV:-1}" -eq 0 \
	-a "$SACK_LINUX_REC" -eq 0
echo "# loss 5% both ways, the node's timeouts: $rto_sack with SACK" \
	"($s_sack s), $SACK_RTO without ($SACK_SECONDS s)"

node "loss 5%" 5,0,0
node "reordering" 0,0,20
node "duplication 5%" 0,5,0
node "loss, reordering and duplication" 3,3,10
finish
