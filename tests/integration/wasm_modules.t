#!/usr/bin/env bash
# Bytecode modules in real instances (unix and hvt), through the control
# channel: one at boot (--module), then load, upgrade with state handed
# over, a module that traps (stopped and reported, the instance carries
# on), seal (native refused, bytecode still loads), a malformed module
# refused, messages both ways, unload, and `graft ls` at each step, all
# through the graft tool.
cd "$(dirname "$0")/../.."
B=build
G=$B/bin/graft
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }
export GRAFT_RUNTIME_DIR=$(mktemp -d)
tmp=$(mktemp -d)
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$GRAFT_RUNTIME_DIR" "$tmp"' EXIT
for f in $G $B/images/modhost.unix $B/modules/ticker-v2.wasm $B/tests/mod/wasm/timebomb.wasm; do
	[ -e $f ] || { echo "1..0 # SKIP $f not built (make test-build)"; exit 0; }
done
. tests/lib/targets.sh
targets_available unix hvt
targets=$TARGETS
head -c 100 $B/modules/echo.wasm > $tmp/short.wasm

req() { local cmd=$1; shift; timeout 40 $G $cmd "$name" "$@" 2>&1; }
# wait_for PATTERN SECONDS: until the console shows PATTERN
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -q "$1" "$out" && return 0
		sleep 0.1
	done
	return 1
}

for t in $targets; do
	name=wasmt-$$-$t
	out=$tmp/$t.out
	timeout 120 $B/bin/graft-$t --name $name --module $B/modules/hello.wasm \
		$B/images/modhost.$t >"$out" 2>&1 &
	pid=$!
	pids="$pids $pid"
	wait_for "modhost: ready for modules" 20
	ok "$t: a bytecode module loads at boot (--module)" 'grep -q "module .hello.: hello from a bytecode module" "$out"'
	r=$(req ls)
	ok "$t: ls lists it" 'grep -q "^hello  *1.0  *live" <<<"$r"'
	r=$(req load $B/modules/ticker.wasm); rc=$?
	ok "$t: load ticker.wasm through the control channel" '[ $rc -eq 0 ] && grep -q "module .ticker. loaded" <<<"$r"'
	sleep 0.5
	ticks=$(req recv)
	ok "$t: its timer calls back; graft recv shows its messages" 'grep -q "^ticker: tick 2 (v1)$" <<<"$ticks"'
	r=$(req upgrade $B/modules/ticker-v2.wasm); rc=$?
	ok "$t: upgrade to version 2" '[ $rc -eq 0 ] && grep -q "state handed over from the old version" <<<"$r"'
	sleep 0.5
	ticks="$ticks
$(req recv)"
	last_v1=$(sed -n 's/^ticker: tick \([0-9]*\) (v1)$/\1/p' <<<"$ticks" | tail -n 1)
	first_v2=$(sed -n 's/^ticker: tick \([0-9]*\) (v2)$/\1/p' <<<"$ticks" | head -n 1)
	ok "$t: version 2 counts on from version 1 ($last_v1, then $first_v2)" '[ -n "$first_v2" ] && [ "$first_v2" -eq $((last_v1 + 1)) ]'
	r=$(req load $B/modules/echo.wasm); rc=$?
	req send echo "hello, echo" >/dev/null
	sleep 0.3
	r=$(req recv)
	ok "$t: graft send reaches echo, whose answer graft recv shows" 'grep -q "^echo: hello, echo$" <<<"$r"'
	r=$(req ls)
	ok "$t: ls shows ticker version 2, a bytecode module" 'grep -q "^ticker  *2  *live .* wasm$" <<<"$r"'
	r=$(req load $B/tests/mod/wasm/timebomb.wasm); rc=$?
	ok "$t: a module that will trap loads" '[ $rc -eq 0 ] && wait_for "module .timebomb.: armed" 5'
	ok "$t: its trap is reported with reason and place, and it is stopped" 'wait_for "module .timebomb.: trapped in its timer callback: out of bounds memory access (function [0-9]*, offset 0x[0-9a-f]*); stopped and unloaded" 5'
	r=$(req ls)
	ok "$t: ls no longer lists it, the others live on" '! grep -q timebomb <<<"$r" && grep -q "^ticker" <<<"$r" && grep -q "^hello" <<<"$r"'
	r=$(req ping); rc=$?
	ok "$t: the instance still answers" '[ $rc -eq 0 ]'
	r=$(req load $tmp/short.wasm); rc=$?
	ok "$t: a truncated module is refused with one line" '[ $rc -ne 0 ] && grep -q "not a valid WebAssembly module" <<<"$r" && [ $(wc -l <<<"$r") -eq 1 ]'
	req seal >/dev/null
	r=$(req load $B/modules/hello.o); rc=$?
	ok "$t: after seal a native module is refused" '[ $rc -ne 0 ] && grep -q "native modules cannot be loaded" <<<"$r"'
	r=$(req load $B/tests/mod/wasm/trapper.wasm); rc=$?
	ok "$t: after seal a bytecode module loads" '[ $rc -eq 0 ] && grep -q "module .trapper. loaded" <<<"$r"'
	req send trapper loop >/dev/null
	ok "$t: a module that loops is stopped when its fuel runs out" 'wait_for "module .trapper.: trapped in its message callback: out of fuel" 10'
	r=$(req unload ticker); rc=$?
	ok "$t: unload ticker" '[ $rc -eq 0 ]'
	req recv >/dev/null
	sleep 0.5
	r=$(req recv)
	ok "$t: its timer is gone with it" '! grep -q "^ticker:" <<<"$r"'
	req unload hello >/dev/null
	ok "$t: hello's exit ran at unload" 'wait_for "module .hello.: goodbye" 5'
	req stop >/dev/null
	wait $pid; rc=$?
	ok "$t: the instance stops cleanly" '[ $rc -eq 0 ]'
	[ $rc -eq 0 ] || sed 's/^/# /' "$out"
	# an image without lib/wasm: the module is refused by name, boot goes on
	r=$(timeout 20 $B/bin/graft-$t --no-ctl --module $B/modules/hello.wasm $B/images/hello.$t 2>&1); rc=$?
	ok "$t: an image without the bytecode format refuses a .wasm, and runs" '[ $rc -eq 0 ] && grep -q "a WebAssembly module, but this image has no bytecode module support" <<<"$r" && grep -q "^Hello from graft!" <<<"$r"'
done
echo "1..$n"
