#!/usr/bin/env bash
# The network boot step's kernel options on unix and hvt: graft.dhcp gets
# a lease from dnsmasq in the test's namespace (address, gateway and DNS
# server logged, ping answered at the leased address), graft.gw and
# graft.dns are taken as given, and every bad option ends the instance
# with exit status 1 and one line naming the option.
. "$(dirname "$0")/lib.sh"
inst_require echo dnsmasq ping socat
net_setup
check "dnsmasq serves DHCP in the namespace" dnsmasq_start

# bad target name options...: a refused boot, exit status 1 and one line
# that names the option
bad() {
	local target=$1 name=$2 out rc
	shift 2
	out=$(in_ns timeout 20 "$NET_BUILD/bin/graft-$target" --net "$TAP" \
		"$NET_BUILD/images/echo.$target" -- "$@" 2>&1)
	rc=$?
	echo "$out" >>"$WORK/log"
	[ $rc -eq 1 ] && [ "$(wc -l <<<"$out")" -eq 1 ] &&
		grep -qF "$name" <<<"$out"
}

for T in $INST_TARGETS; do
	inst_start $T echo -- graft.dhcp
	# dnsmasq leases from 192.0.2.50 to 192.0.2.60 (tests/net/lib.sh)
	check "$T: graft.dhcp: a lease from dnsmasq" \
		inst_wait "net0: 192.0.2.\(5[0-9]\|60\)/24 gw $HOST dns $HOST (dhcp)" 30
	addr=$(sed -n 's/.*net0: \(192\.0\.2\.[0-9]*\)\/24.*/\1/p' "$WORK/inst.out")
	check "$T: dnsmasq recorded the lease" \
		timeout 5 sh -c "until grep -q ' $addr ' '$WORK/leases'; do sleep 0.1; done"
	check "$T: ping answered at the leased address ($addr)" \
		in_ns timeout 10 ping -c 2 -i 0.2 -W 2 "$addr"
	got=$(echo leased | in_ns timeout 5 socat -t 5 - TCP:$addr:7 2>&1)
	check "$T: TCP echo at the leased address" test "$got" = leased
	inst_stop

	inst_start $T echo -- graft.ip=$NODE graft.gw=192.0.2.254 \
		graft.dns=198.51.100.53
	check "$T: graft.ip without a prefix means /24; gw and dns as given" \
		inst_wait "net0: $NODE/24 gw 192.0.2.254 dns 198.51.100.53 (static)" 20
	inst_stop
	inst_start $T echo -- graft.ip=198.51.100.7/30 graft.gw=198.51.100.5
	check "$T: a /30 with a gateway inside it" \
		inst_wait "net0: 198.51.100.7/30 gw 198.51.100.5" 20
	inst_stop

	check "$T: graft.ip=300.1.2.3/24 refused" bad $T graft.ip=300 graft.ip=300.1.2.3/24
	check "$T: graft.ip=$NODE/33 refused" bad $T /33 graft.ip=$NODE/33
	check "$T: graft.ip=$NODE/ refused" bad $T graft.ip= graft.ip=$NODE/
	check "$T: graft.gw=nowhere refused" bad $T graft.gw=nowhere graft.ip=$NODE/24 graft.gw=nowhere
	check "$T: graft.gw outside the subnet refused" \
		bad $T graft.gw=198.51.100.1 graft.ip=$NODE/24 graft.gw=198.51.100.1
	check "$T: graft.dns=1.2.3 refused" bad $T graft.dns=1.2.3 graft.ip=$NODE/24 graft.dns=1.2.3
	check "$T: graft.dhcp=yes refused" bad $T graft.dhcp=yes graft.dhcp=yes
	check "$T: graft.ip and graft.dhcp together refused" \
		bad $T "graft.ip and graft.dhcp" graft.ip=$NODE/24 graft.dhcp
	out=$(timeout 20 "$NET_BUILD/bin/graft-$T" "$NET_BUILD/images/echo.$T" \
		-- graft.ip=$NODE/24 2>&1)
	rc=$?
	check "$T: graft.ip without a network device refused" \
		sh -c "[ $rc -eq 1 ] && echo '$out' | grep -q 'no network device net0'"
	out=$(timeout 20 "$NET_BUILD/bin/graft-$T" "$NET_BUILD/images/echo.$T" 2>&1)
	rc=$?
	check "$T: echo without a network says so and exits 1" \
		sh -c "[ $rc -eq 1 ] && echo '$out' | grep -q 'no network stack'"
done
finish
