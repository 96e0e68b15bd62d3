#!/usr/bin/env bash
# lib/net's TCP and UDP against Linux's over a tap device with socat: UDP
# echo, TCP echo, 64 MiB each way through the echo service with matching
# sha256, 100 concurrent connections, and the refused and reset paths.
. "$(dirname "$0")/lib.sh"
net_require socat sha256sum
net_setup
node_start -i $NODE/24

got=$(echo "graft udp" | in_ns timeout 5 socat -T 2 - UDP:$NODE:7 2>&1)
check "UDP echo with socat" test "$got" = "graft udp"
got=$(head -c 30000 /dev/urandom | tee "$WORK/udp.in" |
	in_ns timeout 5 socat -T 2 -b 65000 - UDP:$NODE:7 | sha256sum)
check "UDP echo of a 30000-byte datagram (fragmented)" \
	test "$got" = "$(sha256sum <"$WORK/udp.in")"
got=$(echo "graft tcp" | in_ns timeout 5 socat -t 5 - TCP:$NODE:7 2>&1)
check "TCP echo with socat" test "$got" = "graft tcp"

# bash's /dev/tcp reports the reset whether it comes at connect() or at
# the first read (socat stays silent about the latter)
out=$(in_ns timeout 5 bash -c "exec 3<>/dev/tcp/$NODE/13 && sleep 0.3 &&
	cat <&3" 2>&1)
reset=no
grep -q "Connection reset" <<<"$out" && reset=yes
check "connection reset by the node is seen as reset" test $reset = yes

head -c $((64 << 20)) /dev/urandom >"$WORK/big"
want=$(sha256sum <"$WORK/big")
start=$(date +%s.%N)
got=$(in_ns timeout 60 socat -t 30 -T 30 -b 131072 STDIO TCP:$NODE:7 \
	<"$WORK/big" | sha256sum)
end=$(date +%s.%N)
check "64 MiB each way through TCP echo, sha256 matches" test "$got" = "$want"
echo "# 64 MiB each way in $(echo "$end - $start" | bc 2>/dev/null || echo ?) s"

check "100 concurrent TCP connections all echoed" echo_concurrent 100

out=$(in_ns timeout 5 socat -T 2 - TCP:$NODE:1 </dev/null 2>&1)
check "connect to a closed port is refused" grep -q "Connection refused" <<<"$out"
check "node still answers after all that" in_ns timeout 5 ping -c 1 -W 2 $NODE
kill -TERM "$NODE_PID"; wait "$NODE_PID"; NODE_PID=
sed 's/^/# /' "$WORK/node.err"
finish
