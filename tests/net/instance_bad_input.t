#!/usr/bin/env bash
# Hostile frames against examples/echo in an instance on every target:
# truncated and malformed headers at every layer, bad checksums, bogus
# lengths and options, seeded garbage, frames longer than the MTU,
# overlapping and endless fragments, a SYN flood from spoofed addresses,
# and resets, SYNs and data outside a live connection's window
# (tests/net/inject_frames.py writes them to the tap raw).  After each,
# the instance must still be running, answer ping, echo over a new TCP
# connection, and its heap (graft stats) must stay within a bound.
# Frames longer than the MTU never reach the stack's protocols: the
# launcher, tender or device drops them, or, on a tap with offloads
# (where 64 KiB segments may cross), net_input does.
. "$(dirname "$0")/lib.sh"
inst_require echo ping socat python3
net_setup
GRAFT=$NET_BUILD/bin/graft
INJECT=$NET_ROOT/tests/net/inject_frames.py
BOUND=$((1 << 20)) # bytes of heap the attacks may leave in use

heap_in_use() { # name
	"$GRAFT" stats --timeout 10 "$1" | awk '$1 == "heap_in_use" { print $2 }'
}

echo_works() {
	echo "$1" | in_ns timeout 10 socat -t 5 - TCP:$NODE:7 | grep -qx "$1"
}

for T in $INST_TARGETS; do
	name=gbad-$T
	synflood=20000
	[ $T = virtio ] && synflood=3000 # TCG: every SYN costs far more
	inst_start $T echo --name $name -- graft.ip=$NODE/24
	check "$T: echo boots" inst_wait "echo: listening" 60
	in_ns timeout 10 ping -c 1 -W 2 $NODE >/dev/null
	node_mac=$(in_ns ip neigh show $NODE dev "$TAP" | awk '{ print $3 }')
	host_mac=$(in_ns cat /sys/class/net/$TAP/address)
	check "$T: the instance's MAC is known ($node_mac)" \
		test -n "$node_mac"
	echo_works warm-up
	base=$(heap_in_use $name)
	check "$T: graft stats reports the heap in use ($base bytes)" \
		test -n "$base"
	for attack in malformed oversized fragments synflood window; do
		[ $attack = oversized ] && in_ns ip link set "$TAP" mtu 16000
		SYNFLOOD_COUNT=$synflood in_ns timeout 300 python3 "$INJECT" \
			$attack "$TAP" "$host_mac" "$node_mac" $HOST $NODE 7 \
			>"$WORK/inject.out" 2>&1
		rc=$?
		[ $attack = oversized ] && in_ns ip link set "$TAP" mtu 1500
		echo "# $(tail -n 1 "$WORK/inject.out")"
		check "$T: $attack: the frames went out" test $rc -eq 0
		check "$T: $attack: the instance is still running" \
			kill -0 "$NODE_PID"
		check "$T: $attack: ping answered" \
			in_ns timeout 20 ping -c 2 -i 0.5 -W 5 $NODE
		check "$T: $attack: a new connection echoes" echo_works "$attack"
		used=$(heap_in_use $name)
		check "$T: $attack: heap in use $used bytes, within $BOUND of $base" \
			test -n "$used" -a "$((${used:-0} - base))" -le $BOUND
	done
	check "$T: no receive errors: frames too long were dropped below" \
		sh -c "! grep -q 'receive failed' '$WORK/inst.out'"
	inst_stop
done
finish
