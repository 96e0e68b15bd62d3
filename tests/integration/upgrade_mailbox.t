#!/usr/bin/env bash
# Messages the host sent a module that it has not taken yet are delivered
# to its new version after `graft upgrade`, in order, in unix and hvt
# instances, through the graft tool: bytecode to bytecode and native to
# native.  The module is tests/integration/modules/inbox.c, whose version 1
# leaves its messages queued and whose version 2 sends each to the host.
cd "$(dirname "$0")/../.."
B=build
G=$B/bin/graft
M=$B/tests/integration/modules
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }
export GRAFT_RUNTIME_DIR=$(mktemp -d)
tmp=$(mktemp -d)
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$GRAFT_RUNTIME_DIR" "$tmp"' EXIT
for f in $G $B/images/modhost.unix $M/inbox-v1.wasm $M/inbox-v2.wasm $M/inbox-v1.o $M/inbox-v2.o; do
	[ -e $f ] || { echo "1..0 # SKIP $f not built (make test-build)"; exit 0; }
done
. tests/lib/targets.sh
targets_available unix hvt
targets=$TARGETS

req() { local cmd=$1; shift; timeout 40 $G $cmd "$name" "$@" 2>&1; }
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -q "$1" "$out" && return 0
		sleep 0.1
	done
	return 1
}
want="inbox: v2 got: one
inbox: v2 got: two
inbox: v2 got: three"

# upgrade_case TARGET EXT: load version 1, send three messages, upgrade.
upgrade_case() {
	local t=$1 ext=$2 r rc
	r=$(req load $M/inbox-v1.$ext); rc=$?
	ok "$t: inbox 1 ($ext) loads" '[ $rc -eq 0 ]'
	for m in one two three; do req send inbox $m >/dev/null; done
	sleep 0.3
	r=$(req recv)
	ok "$t: version 1 keeps the three messages queued" '! grep -q "^inbox:" <<<"$r"'
	r=$(req upgrade $M/inbox-v2.$ext); rc=$?
	ok "$t: upgrade to version 2 ($ext)" '[ $rc -eq 0 ]'
	sleep 0.3
	r=$(req recv)
	ok "$t: version 2 received the three, in order" '[ "$(grep "^inbox:" <<<"$r")" = "$want" ]'
	[ "$(grep "^inbox:" <<<"$r")" = "$want" ] || sed 's/^/# /' <<<"$r"
	req send inbox four >/dev/null
	sleep 0.3
	r=$(req recv)
	ok "$t: and the next message too" 'grep -q "^inbox: v2 got: four$" <<<"$r"'
	r=$(req unload inbox); rc=$?
	ok "$t: inbox unloads" '[ $rc -eq 0 ]'
}

for t in $targets; do
	name=gm-inbox-$$-$t
	out=$tmp/$t.out
	timeout 120 $B/bin/graft-$t --name $name $B/images/modhost.$t >"$out" 2>&1 &
	pid=$!
	pids="$pids $pid"
	wait_for "modhost: ready for modules" 20
	upgrade_case $t wasm
	upgrade_case $t o
	req stop >/dev/null
	wait $pid; rc=$?
	ok "$t: the instance stops cleanly" '[ $rc -eq 0 ]'
	[ $rc -eq 0 ] || sed 's/^/# /' "$out"
done
echo "1..$n"
