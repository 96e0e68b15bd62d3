#!/usr/bin/env bash
# lib/net against Linux's ping and arping over a tap device: echo replies,
# large pings that fragment both ways, the gratuitous ARP at start and
# answers to ARP requests.
. "$(dirname "$0")/lib.sh"
net_require ping arping tcpdump
net_setup
in_ns timeout 15 tcpdump -n -i "$TAP" -c 1 arp and src host $NODE \
	>"$WORK/garp" 2>/dev/null &
dump=$!
sleep 0.5
node_start -i $NODE/24
wait $dump
check "gratuitous ARP seen at start" grep -q "Request who-has $NODE tell $NODE" "$WORK/garp"
check "ping answered" in_ns timeout 10 ping -c 3 -i 0.2 -W 2 $NODE
check "large ping (fragmented, 8000 bytes) answered" \
	in_ns timeout 10 ping -c 2 -i 0.2 -s 8000 -W 2 $NODE
check "largest ping (65507 bytes) answered" \
	in_ns timeout 10 ping -c 1 -s 65507 -W 3 $NODE
check "ping flood of 500 answered without loss" \
	in_ns timeout 20 sh -c "ping -f -c 500 -W 2 $NODE | grep -q ' 0% packet loss'"
in_ns ip neigh flush dev "$TAP"
check "arping gets replies" in_ns timeout 10 arping -c 2 -w 5 -I "$TAP" $NODE
check "no reply for an address the node does not hold" \
	sh -c "! ip netns exec $NS timeout 5 arping -c 1 -w 2 -I $TAP 192.0.2.3 >/dev/null"
finish
