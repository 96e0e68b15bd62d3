#!/usr/bin/env bash
# lib/net's DHCP client and DNS stub resolver against dnsmasq running in
# the test's own namespace: the node gets its address, gateway and DNS
# server by DHCP, answers ping at the leased address, and resolves a name
# that dnsmasq serves from a hosts file (and learns that another does not
# exist).
. "$(dirname "$0")/lib.sh"
net_require dnsmasq ping
net_setup
cat >"$WORK/hosts" <<HOSTS
192.0.2.77 graft-test.example
HOSTS
check "dnsmasq serves DHCP and DNS in the namespace" \
	dnsmasq_start --addn-hosts="$WORK/hosts" --local=/example/
ip netns exec "$NS" "$TAPNODE" -t "$TAP" -d -r graft-test.example \
	>"$WORK/node.out" 2>"$WORK/node.err" &
NODE_PID=$!
check "DHCP lease obtained from dnsmasq" node_wait "ready ip=192.0.2.5" 20
addr=$(sed -n 's/^ready ip=\([0-9.]*\).*/\1/p' "$WORK/node.out")
check "gateway and DNS server from the lease" \
	grep -q "gw=$HOST dns=$HOST" "$WORK/node.out"
check "dnsmasq recorded the lease" grep -q "02:00:00:00:00:02" "$WORK/leases"
check "node answers ping at its leased address ($addr)" \
	in_ns timeout 10 ping -c 2 -i 0.2 -W 2 "$addr"
check "name resolved by dnsmasq" \
	node_wait "resolved graft-test.example ip=192.0.2.77" 10
kill -TERM "$NODE_PID"; wait "$NODE_PID"
ip netns exec "$NS" "$TAPNODE" -t "$TAP" -i $NODE/24 -n $HOST \
	-r no-such-name.example >"$WORK/node.out" 2>"$WORK/node.err" &
NODE_PID=$!
check "a missing name is reported as such" \
	node_wait "resolve no-such-name.example error=no such entry" 10
finish
