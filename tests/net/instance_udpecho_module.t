#!/usr/bin/env bash
# A driver-style bytecode module on a granted net device: modhost (which
# has no network stack of its own) boots with modules/udpecho.wasm and
# graft.grant=udpecho:net0; the module answers ARP and echoes UDP port 7
# itself, from its net callback.  Linux's socat checks it in the test's
# namespace, on unix and hvt; then the native build of the same C file.
. "$(dirname "$0")/lib.sh"
inst_require modhost socat
net_setup
MODS=$NET_BUILD/modules
[ -f "$MODS/udpecho.wasm" ] && [ -f "$MODS/udpecho.o" ] || skip_all "modules not built"

for T in $INST_TARGETS; do
	for F in wasm o; do
		inst_start $T modhost --module "$MODS/udpecho.$F" -- graft.grant=udpecho:net0
		check "$T: modhost boots with udpecho.$F" inst_wait "modhost: ready" 30
		got=$(in_ns timeout 10 socat -T 5 - UDP:$NODE:7 <<<"echo from Linux via $F" 2>>"$WORK/log")
		check "$T: udpecho.$F answers a UDP datagram with the same bytes" test "$got" = "echo from Linux via $F"
		check "$T: ... after answering ARP for $NODE" bash -c "ip netns exec $NS ip neigh show $NODE | grep -q lladdr"
		inst_stop
	done
done
finish
