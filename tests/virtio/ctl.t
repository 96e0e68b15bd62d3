#!/usr/bin/env bash
# The control channel on virtio: the kernel's control service in modhost
# answers over virtio-console through the launcher's relay, on q35 and
# microvm: a module given at boot, ping, native modules loaded, listed, upgraded and unloaded,
# seal (then loads are refused), stats; requests that are not well-framed are refused by the launcher
# without disturbing the channel; stop ends the instance with 0.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 absent"
C="timeout 30 python3 tests/virtio/ctlclient.py"
V1=$B/tests/integration/modules/counter_v1.o
V2=$B/tests/integration/modules/counter_v2.o
for m in q35 microvm; do
	timeout 90 $L --machine $m --name gv-ctl-$m --module $V1 $B/images/modhost.virtio >"$gv_tmp/out" 2>&1 &
	pid=$!
	s=$GRAFT_RUNTIME_DIR/gv-ctl-$m.sock
	for i in $(seq 100); do grep -q "ready for modules" "$gv_tmp/out" 2>/dev/null && break; sleep 0.1; done
	ok "$m: a module given with --module is loaded before main" 'grep -q "module .counter. loaded" "$gv_tmp/out" && $C "$s" ls | grep -q "^counter *1.0"'
	r=$($C "$s" unload counter 2>&1)
	ok "$m: and unloads" 'head -n 1 <<<"$r" | grep -qx "status 0"' || echo "# $r"
	r=$($C "$s" ping 2>&1)
	ok "$m: ping is answered by the virtio instance" 'head -n 1 <<<"$r" | grep -qx "status 0" && grep -q virtio <<<"$r"'
	r=$($C "$s" load $V1 2>&1)
	ok "$m: a native module loads" 'head -n 1 <<<"$r" | grep -qx "status 0"' || echo "# $r"
	r=$($C "$s" ls 2>&1)
	ok "$m: ls shows it" 'grep -q "^counter *1.0" <<<"$r"' || echo "# $r"
	r=$($C "$s" upgrade $V2 2>&1)
	ok "$m: it upgrades" 'head -n 1 <<<"$r" | grep -qx "status 0" && $C "$s" ls | grep -q "^counter *2.0"' || echo "# $r"
	r=$($C "$s" unload counter 2>&1)
	ok "$m: it unloads" 'head -n 1 <<<"$r" | grep -qx "status 0" && ! $C "$s" ls | grep -q "^counter"' || echo "# $r"
	r=$($C "$s" seal 2>&1)
	ok "$m: seal succeeds" 'head -n 1 <<<"$r" | grep -qx "status 0"' || echo "# $r"
	r=$($C "$s" load $V1 2>&1)
	ok "$m: after seal a native module is refused" '! head -n 1 <<<"$r" | grep -qx "status 0" && ! $C "$s" ls | grep -q "^counter"' || echo "# $r"
	head -c 150000 /dev/urandom >"$gv_tmp/junk.o"
	r=$($C "$s" load "$gv_tmp/junk.o" 2>&1)
	ok "$m: a 150 kB request that is no module gets an error answer" '! head -n 1 <<<"$r" | grep -qx "status 0" && [ $(wc -l <<<"$r") -ge 2 ]' || echo "# $r"
	r=$($C "$s" bad-magic 2>&1)
	ok "$m: a request without a header is refused by the launcher" 'head -n 1 <<<"$r" | grep -qx "status -13" && grep -q "malformed request" <<<"$r"'
	r=$($C "$s" bad-length 2>&1)
	ok "$m: a request whose length lies is refused by the launcher" 'head -n 1 <<<"$r" | grep -qx "status -13" && grep -q "length does not match" <<<"$r"'
	r=$($C "$s" stats 2>&1)
	ok "$m: and the channel still works (stats)" 'head -n 1 <<<"$r" | grep -qx "status 0" && grep -q "^target virtio" <<<"$r"'
	r=$($C "$s" stop 2>&1)
	ok "$m: stop is answered" 'head -n 1 <<<"$r" | grep -qx "status 0"'
	wait $pid; rc=$?
	ok "$m: the instance ends with 0 after stop" '[ $rc -eq 0 ]'
	ok "$m: its socket and info file are gone" '[ ! -e "$s" ] && [ ! -e "$GRAFT_RUNTIME_DIR/gv-ctl-$m.info" ]'
done
echo "1..$n"
