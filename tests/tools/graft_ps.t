#!/usr/bin/env bash
# graft ps lists running instances (modhost, which serves until stopped)
# with name, target, pid, memory and control socket, and skips instances
# whose process is gone; the control commands reach a real instance, and
# graft stop ends it with status 0.
. "$(dirname "$0")/lib.sh"
pids=()
cleanup_hooks+=('for p in "${pids[@]}"; do kill -9 $p 2>/dev/null; done')
for t in $TARGETS; do
	timeout 30 $GRAFT run --mem 64M --name "ps-$t" $B/images/modhost.$t >"$T/$t.out" 2>&1 &
	pids+=($!)
	eval "pid_$t=$!"
done
for t in $TARGETS; do
	for i in $(seq 50); do
		$GRAFT ping --timeout 2 "ps-$t" >/dev/null 2>&1 && break
		sleep 0.1
	done
done
# A tender killed with SIGKILL leaves its info file behind: a ghost.
sh -c 'exit 0' & ghost=$!
wait $ghost
printf 'name=ghost\ntarget=unix\npid=%d\nmem=1024\nimage=x\nctl=%s/ghost.sock\n' \
	$ghost "$GRAFT_RUNTIME_DIR" >"$GRAFT_RUNTIME_DIR/ghost.info"
out=$($GRAFT ps 2>&1); rc=$?
ok "graft ps exits 0 with a header" '[ $rc -eq 0 ] && grep -q "^NAME *TARGET *PID *MEMORY *CONTROL-SOCKET$" <<<"$out"'
for t in $TARGETS; do
	# timeout's child: graft run execs the tender, which writes its pid.
	pid=$(pgrep -P "$(eval echo \$pid_$t)")
	ok "$t: graft ps shows the instance: name, target, pid, memory, socket" \
		'grep -Eq "^ps-$t +$t +$pid +64M +$GRAFT_RUNTIME_DIR/ps-$t.sock$" <<<"$out"' || echo "# $out"
	o=$($GRAFT ping "ps-$t" 2>&1); rc=$?
	ok "$t: graft ping answers with the target" '[ $rc -eq 0 ] && grep -q "graft instance on $t" <<<"$o"'
	o=$($GRAFT stats "$GRAFT_RUNTIME_DIR/ps-$t.sock" 2>&1); rc=$?
	ok "$t: graft stats by socket path" '[ $rc -eq 0 ] && grep -q "heap_in_use" <<<"$o"'
	o=$($GRAFT ls "ps-$t" 2>&1); rc=$?
	ok "$t: graft ls prints the module table" '[ $rc -eq 0 ] && grep -q "^NAME" <<<"$o"'
	e=$($GRAFT unload "ps-$t" nosuch 2>&1 >/dev/null); rc=$?
	ok "$t: a refusal goes to stderr as graft: INSTANCE: TEXT, status 1" '[ $rc -eq 1 ] && one_line "$e" && grep -q "^graft: ps-$t: .*nosuch" <<<"$e"'
done
ok "graft ps skips an instance whose process is gone" '! grep -q "^ghost" <<<"$out"'
for t in $TARGETS; do
	o=$($GRAFT stop "ps-$t" 2>&1); rc=$?
	ok "$t: graft stop is answered" '[ $rc -eq 0 ] && grep -q "stopping" <<<"$o"'
	wait $(eval echo \$pid_$t); rc=$?
	ok "$t: the stopped instance exits 0" '[ $rc -eq 0 ]'
done
out=$($GRAFT ps 2>&1)
ok "stopped instances are gone from graft ps" '[ "$(wc -l <<<"$out")" -eq 1 ]'
echo "1..$n"
