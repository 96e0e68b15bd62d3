#!/usr/bin/env bash
# examples/httpd on each target under a connection per request: 2400
# requests with "Connection: close" from four clients at once, so the
# server closes every connection first and keeps it in TIME-WAIT.  Every
# answer is right and comes on its own connection; afterwards the
# instance's heap in use (graft stats) is where it was after a warm-up
# that filled the socket table and the fiber stack cache, so a
# connection leaves nothing behind,
# and within 1 MiB of where it was before the first request, so a
# connection in TIME-WAIT holds no buffers.
. "$(dirname "$0")/lib.sh"
inst_require httpd curl
net_setup
GRAFT=$NET_BUILD/bin/graft
[ -x "$GRAFT" ] || skip_all "graft not built"
export GRAFT_RUNTIME_DIR=$WORK/run
mkdir -p "$GRAFT_RUNTIME_DIR"
URL=http://$NODE/hello.txt

# stat name target: one figure from graft stats
stat() {
	timeout 10 "$GRAFT" stats "gc-churn-$2" 2>/dev/null |
		awk -v k="$1" '$1 == k { print $2 }'
}

# clients n each: n clients at once, each making `each` requests on a
# new connection apiece; true if every answer was 200 on its own
# connection and the body right
clients() {
	local i j pids=() args=()
	for ((j = 0; j < $2; j++)); do args+=(-o /dev/null "$URL"); done
	for ((i = 0; i < $1; i++)); do
		in_ns timeout 300 curl -s -H 'Connection: close' \
			-w '%{http_code} %{num_connects}\n' "${args[@]}" \
			>"$WORK/churn.$i" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	for ((i = 0; i < $1; i++)); do
		[ "$(grep -c '^200 1$' "$WORK/churn.$i")" = "$2" ] || return 1
	done
	[ "$(in_ns timeout 10 curl -s "$URL")" = "hello, world" ]
}

for T in $INST_TARGETS; do
	inst_start $T httpd --mem 256M --name gc-churn-$T -- graft.ip=$NODE/24
	check "$T: httpd boots" inst_wait "httpd: serving" 30
	boot_heap=$(stat heap_in_use $T)
	# more clients than below, so that caches sized by the peak number
	# of connections at once (fiber stacks) have grown already
	check "$T: warm-up, 8 clients x 50 connections" clients 8 50
	warm_heap=$(stat heap_in_use $T)
	check "$T: 4 clients x 600 connections, one request each, all right" \
		clients 4 600
	sleep 1
	end_heap=$(stat heap_in_use $T)
	echo "# $T: heap in use: $boot_heap at boot, $warm_heap after" \
		"the warm-up, $end_heap at the end"
	check "$T: heap in use back to where it was after the warm-up" \
		test -n "$end_heap" -a "${end_heap:-1}" -le "$((${warm_heap:-0} + 4096))"
	check "$T: within 1 MiB of the heap at boot (no buffers in TIME-WAIT)" \
		test -n "$end_heap" -a "${end_heap:-0}" -le "$((${boot_heap:-0} + 1048576))"
	check "$T: the instance is still running" kill -0 "$NODE_PID"
	inst_stop
done
finish
