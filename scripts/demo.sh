#!/usr/bin/env bash
# make run: boot an instance, change its code while it runs, then seal it.
# On hvt (graft's KVM monitor), or on unix where /dev/kvm is absent.
set -eu
cd "$(dirname "$0")/.."
G=build/bin/graft
M=build/modules
t=hvt
[ -w /dev/kvm ] || { t=unix; echo "(no usable /dev/kvm: running on the unix target)"; }
export GRAFT_RUNTIME_DIR=${GRAFT_RUNTIME_DIR:-$(mktemp -d)}
out=$GRAFT_RUNTIME_DIR/demo.out
shown=0
trap '$G stop demo >/dev/null 2>&1 || true' EXIT

# Print what the instance wrote since the last call, indented.
console() {
	sleep "${1:-0.2}"
	tail -n +$((shown + 1)) "$out" | sed 's/^/    | /'
	shown=$(wc -l <"$out")
}
step() { printf '\n$ %s\n' "$*"; "$@"; }

echo "== hello, booted and gone"
step $G run -t $t build/images/hello.$t -- from make run

echo
echo "== an instance that stays up: modhost on $t, named 'demo'"
$G run -t $t --name demo build/images/modhost.$t >"$out" 2>&1 &
for _ in $(seq 100); do $G ping demo >/dev/null 2>&1 && break; sleep 0.05; done
step $G ps
console

echo
echo "== a native module (ELF object), linked into the running instance"
step $G load demo $M/hello.o
console
step $G ls demo

echo
echo "== the same C file as a bytecode module (WebAssembly)"
step $G unload demo hello
step $G load demo $M/hello.wasm
console
step $G load demo $M/echo.wasm
step $G send demo echo "are you there?"
sleep 0.1
step $G recv demo

echo
echo "== a ticker, upgraded in place from native v1 to bytecode v2, count kept"
step $G load demo $M/ticker.o
sleep 0.35
step $G recv demo
step $G upgrade demo $M/ticker-v2.wasm
sleep 0.25
step $G recv demo
step $G ls demo

echo
echo "== seal: code can no longer change"
step $G seal demo
step $G load demo $M/hello.o || true
echo "   (bytecode adds no code, so it still loads)"
step $G unload demo hello
step $G load demo $M/hello.wasm
console
step $G stats demo
step $G stop demo
wait
console 0
trap - EXIT
