#!/usr/bin/env bash
# examples/echo booted on unix and hvt with graft.ip, against Linux's tools
# in the test's namespace: no CPU used while idle, ping (also large pings
# that fragment both ways), arping, UDP echo with socat (also a fragmented
# datagram), TCP echo, 64 MiB each way with matching sha256 (with
# segments above the MTU in the device counters each way: the tap's, or
# virtio-net's, offloads at work), 100 concurrent connections, a refused
# connection, the instance still answering after, and a reset for a
# connection of its previous run; on virtio also 100 concurrent
# connections and 8 MiB each way through a 2-buffer ring
# (virtio_net.bufs=2).
. "$(dirname "$0")/lib.sh"
inst_require echo ping arping socat sha256sum
net_setup

head -c $((64 << 20)) /dev/urandom >"$WORK/big"
want_big=$(sha256sum <"$WORK/big")
head -c 30000 /dev/urandom >"$WORK/udp.in"
want_udp=$(sha256sum <"$WORK/udp.in")

for T in $INST_TARGETS; do
	inst_start $T echo --name echo -- graft.ip=$NODE/24
	check "$T: echo boots with graft.ip and listens" \
		inst_wait "echo: listening" 30
	check "$T: the boot log names the address" \
		grep -q "net0: $NODE/24 gw none" "$WORK/inst.out"
	before=$(ns_cpu_ticks)
	sleep 2
	used=$(($(ns_cpu_ticks) - before))
	check "$T: idle, the instance sleeps ($used ticks of CPU in 2 s)" \
		test $used -le 10
	check "$T: ping answered" in_ns timeout 10 ping -c 3 -i 0.2 -W 2 $NODE
	check "$T: 8000-byte ping (fragmented both ways) answered" \
		in_ns timeout 10 ping -c 2 -i 0.2 -s 8000 -W 2 $NODE
	check "$T: largest ping (65507 bytes) answered" \
		in_ns timeout 10 ping -c 1 -s 65507 -W 5 $NODE
	in_ns ip neigh flush dev "$TAP"
	check "$T: arping gets replies" \
		in_ns timeout 10 arping -c 2 -w 5 -I "$TAP" $NODE

	got=$(echo "graft udp" | in_ns timeout 5 socat -T 2 - UDP:$NODE:7 2>&1)
	check "$T: UDP echo with socat" test "$got" = "graft udp"
	got=$(in_ns timeout 5 socat -T 2 -b 65000 - UDP:$NODE:7 \
		<"$WORK/udp.in" | sha256sum)
	check "$T: UDP echo of a 30000-byte datagram (fragmented)" \
		test "$got" = "$want_udp"
	got=$(echo "graft tcp" | in_ns timeout 5 socat -t 5 - TCP:$NODE:7 2>&1)
	check "$T: TCP echo with socat" test "$got" = "graft tcp"

	start=$(date +%s.%N)
	got=$(in_ns timeout 120 socat -t 60 -T 60 -b 131072 STDIO TCP:$NODE:7 \
		<"$WORK/big" | sha256sum)
	end=$(date +%s.%N)
	check "$T: 64 MiB each way through TCP echo, sha256 matches" \
		test "$got" = "$want_big"
	echo "# $T: 64 MiB each way in $(awk "BEGIN { print $end - $start }") s"
	stats=$("$NET_BUILD/bin/graft" stats echo 2>&1)
	grep '^net0_' <<<"$stats" | tr '\n' ' ' | sed 's/^/# /;s/$/\n/'
	check "$T: offloads in use: segments above the MTU crossed each way" \
		awk '/^net0_(rx|tx)_large / && $2 > 0 { n++ } END { exit n != 2 }' <<<"$stats"

	check "$T: 100 concurrent TCP connections all echoed" \
		echo_concurrent 100

	out=$(in_ns timeout 5 socat -T 2 - TCP:$NODE:1 </dev/null 2>&1)
	check "$T: connect to a closed port is refused" \
		grep -q "Connection refused" <<<"$out"
	check "$T: echo still answers after all that" \
		sh -c "echo again | ip netns exec $NS timeout 5 socat -t 5 - TCP:$NODE:7 | grep -q again"
	check "$T: the instance is still running" kill -0 "$NODE_PID"

	# A connection that outlives its instance: the next one, which has
	# never heard of it, answers its data with a reset.
	rm -f "$WORK/restarted"
	in_ns timeout 90 bash -c "exec 3<>/dev/tcp/$NODE/7 && echo one >&3 &&
		read -r l <&3 && echo \"\$l\" &&
		until [ -e '$WORK/restarted' ]; do sleep 0.1; done &&
		echo two >&3 && cat <&3" >"$WORK/reset.out" 2>&1 &
	client=$!
	timeout 10 sh -c "until grep -q one '$WORK/reset.out'; do sleep 0.1; done"
	inst_stop
	inst_start $T echo -- graft.ip=$NODE/24
	inst_wait "echo: listening" 30
	touch "$WORK/restarted"
	wait $client
	sed 's/^/client: /' "$WORK/reset.out" >>"$WORK/log"
	check "$T: data for a connection the instance does not know is reset" \
		grep -q "Connection reset" "$WORK/reset.out"
	inst_stop

	[ $T = virtio ] || continue
	# The smallest receive ring: frames wait in the tap, SYNs of the
	# burst pile up before the handshakes' ACKs, and yet no connection
	# is reset and no data is lost.
	inst_start $T echo -- graft.ip=$NODE/24 virtio_net.bufs=2
	check "$T: echo boots with virtio_net.bufs=2" \
		inst_wait "echo: listening" 30
	check "$T: virtio_net.bufs=2 taken, not warned about" \
		sh -c "! grep -q 'virtio_net.bufs' '$WORK/inst.out'"
	check "$T: 2 buffers a way: 100 concurrent TCP connections all echoed" \
		echo_concurrent 100
	got=$(head -c $((8 << 20)) "$WORK/big" |
		in_ns timeout 120 socat -t 60 -T 60 -b 131072 STDIO TCP:$NODE:7 |
		sha256sum)
	check "$T: 2 buffers a way: 8 MiB each way through TCP echo, sha256 matches" \
		test "$got" = "$(head -c $((8 << 20)) "$WORK/big" | sha256sum)"
	inst_stop
done
finish
