#!/usr/bin/env bash
# The tender's checks on net batches (HVT_HC_NET_*_BATCH), one guest case
# per boot of build/images/test-netbatch.hvt (tests/hvt/netbatch/) on a
# tap device in a private namespace: bad counts, runts, oversized frames,
# frames past the buffer, a bad handle and a read buffer too small for a
# frame are refused with the documented error (and the good frames before
# the bad one sent); a buffer or lengths array outside guest memory, an
# odd lengths array and a read into sealed memory end the run with a line
# naming the batch.  A yield that writes behind sends its good frames (the
# tap counts them) and answers bad ones as a batch; one whose frames or
# lengths lie outside guest memory ends the run the same way.  A yield that reads ahead (Linux pings the guest, so
# ARP requests arrive) returns the frames, and one whose buffer lies
# outside guest memory ends the run the same way.
cd "$(dirname "$0")/../.."
B=build
img=$B/images/test-netbatch.hvt
NS=gb-nb$$
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; printf '# %s\n' "$out" | head -20; fi; }
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (a namespace and a tap)"; exit 0; }
if ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then echo "1..0 # SKIP no usable /dev/kvm"; exit 0; fi
export GRAFT_RUNTIME_DIR=$(mktemp -d)
trap 'ip netns del $NS 2>/dev/null; rm -rf "$GRAFT_RUNTIME_DIR"' EXIT
ip netns add $NS && ip -n $NS tuntap add dev gbtap0 mode tap &&
	ip -n $NS link set gbtap0 up || { echo "1..0 # SKIP cannot make a tap"; exit 0; }
run() { out=$(ip netns exec $NS timeout 20 $B/bin/graft-hvt --no-ctl --net gbtap0:plain "$img" -- "$1" 2>&1); rc=$?; }

run errors
ok "bad batches are answered with the documented errors" '[ $rc -eq 0 ] && grep -qx ok <<<"$out"'
# tap_rx: the frames the tap has received from the guest so far
tap_rx() { ip netns exec $NS cat /sys/class/net/gbtap0/statistics/rx_packets; }
before=$(tap_rx)
run yield-behind
ok "a yield that writes behind sends the frames, answering bad ones as a batch" '[ $rc -eq 0 ] && grep -qx ok <<<"$out"'
ok "the tap got its three good frames" '[ $(($(tap_rx) - before)) -eq 3 ]'
for c in bad-data bad-lens odd-lens yield-behind-bad-data yield-behind-bad-lens; do
	run $c
	ok "$c: the run ends, naming the batch" '[ $rc -ne 0 ] && grep -q "net batch.*bad guest address" <<<"$out" && ! grep -q "the tender took it" <<<"$out"'
done
# Linux asks for 192.0.2.2 meanwhile: ARP requests reach the guest
ip -n $NS addr add 192.0.2.1/24 dev gbtap0
ip netns exec $NS timeout 30 ping -q -c 100 -i 0.2 192.0.2.2 >/dev/null 2>&1 &
ping_pid=$!
run yield-ahead
ok "a yield that reads ahead returns the frames" '[ $rc -eq 0 ] && grep -qx ok <<<"$out"'
run yield-bad-data
ok "yield-bad-data: the run ends, naming the batch" '[ $rc -ne 0 ] && grep -q "net batch.*bad guest address" <<<"$out" && ! grep -q "the tender took it" <<<"$out"'
kill $ping_pid 2>/dev/null
run sealed-read
ok "a read into sealed memory ends the run, saying so" '[ $rc -ne 0 ] && grep -q "net batch.*sealed memory is read-only" <<<"$out"'
echo "1..$n"
