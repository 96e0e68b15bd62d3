#!/usr/bin/env bash
# The control channel on virtio: requests from the instance's socket reach
# the guest over virtio-console and its answers come back whole, small and
# large (beyond a receive buffer, a request and a stream read), on q35 and
# microvm; CTL_OP_STOP ends the instance.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 absent"
D=$B/tests/virtio/devtest.virtio
C=tests/virtio/ctlclient.py
for m in q35 microvm; do
	timeout 60 $L --machine $m --name gv-ctl-$m $D -- ctl >"$gv_tmp/out" 2>&1 &
	pid=$!
	sock=$GRAFT_RUNTIME_DIR/gv-ctl-$m.sock
	for i in $(seq 100); do grep -q "ctl: serving" "$gv_tmp/out" 2>/dev/null && break; sleep 0.1; done
	r=$(timeout 20 python3 $C "$sock" 1 10 2>&1)
	ok "$m: a small request is answered" '[ "$r" = "op 0x101 status 0 length 10 same" ]'
	r=$(timeout 20 python3 $C "$sock" 8 150000 2>&1)
	ok "$m: a 150 kB request comes back whole" '[ "$r" = "op 0x108 status 0 length 150000 same" ]'
	r=$(timeout 20 python3 $C "$sock" 7 0 2>&1)
	ok "$m: stop is answered" '[ "$r" = "op 0x107 status 0 length 0 same" ]'
	wait $pid; rc=$?
	ok "$m: the instance ends with 0 after stop" '[ $rc -eq 0 ] && grep -q "ctl: stopped" "$gv_tmp/out"'
	ok "$m: its socket and info file are gone" '[ ! -e "$sock" ] && [ ! -e "$GRAFT_RUNTIME_DIR/gv-ctl-$m.info" ]'
done
echo "1..$n"
