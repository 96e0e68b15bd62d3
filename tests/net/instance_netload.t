#!/usr/bin/env bash
# Modules over the network: examples/netload fetches modules over HTTP from
# a server on the Linux side of the test's namespace (python3's
# http.server) and loads them through the module manager, on unix and hvt:
# a native and a bytecode module load; a 404, a file that is not a module
# and an unreachable port each give one line naming the URL or the module,
# and the instance carries on.
. "$(dirname "$0")/lib.sh"
inst_require netload python3
net_setup
MODS=$NET_BUILD/modules
[ -f "$MODS/hello.o" ] && [ -f "$MODS/ticker.wasm" ] || skip_all "modules not built"
mkdir -p "$WORK/www"
cp "$MODS/hello.o" "$MODS/ticker.wasm" "$WORK/www/"
head -c 3000 /dev/urandom >"$WORK/www/junk.o"
in_ns timeout 300 python3 -m http.server -b $HOST -d "$WORK/www" 8000 \
	>"$WORK/http.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; net_cleanup' EXIT
for _ in $(seq 50); do
	in_ns timeout 2 bash -c "echo >/dev/tcp/$HOST/8000" 2>/dev/null && break
	sleep 0.1
done
U=http://$HOST:8000

for T in $INST_TARGETS; do
	inst_start $T netload -- graft.ip=$NODE/24 $U/hello.o $U/ticker.wasm \
		$U/missing.o $U/junk.o http://$HOST:8001/hello.o
	check "$T: netload gets through its list" inst_wait "netload: ready" 60
	check "$T: a native module fetched over HTTP loads and runs" \
		grep -q "module 'hello' loaded" "$WORK/inst.out"
	check "$T: ... its init ran" grep -q "hello from a native module" "$WORK/inst.out"
	check "$T: a bytecode module fetched over HTTP loads" \
		grep -q "module 'ticker' loaded" "$WORK/inst.out"
	check "$T: a 404 is one line naming the URL" \
		grep -q "'$U/missing.o': the server did not answer 200 with a body ('HTTP/1.0 404" "$WORK/inst.out"
	check "$T: a file that is not a module is refused by the loader" \
		grep -q "module '$U/junk.o': " "$WORK/inst.out"
	check "$T: an unreachable port is one line" \
		grep -q "'http://$HOST:8001/hello.o': connection refused" "$WORK/inst.out"
	inst_stop
done
finish
