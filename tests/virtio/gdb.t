#!/usr/bin/env bash
# gdb on the virtio target through QEMU's own gdb stub (graft-virtio
# --gdb/--gdb-listen, graft debug): the guest waits for gdb, which stops
# it in a kernel function, reads the backtrace and an argument, and
# detaches, after which the instance runs on to its exit; --gdb-listen
# does not wait; graft debug finds a running instance's stub; bad
# arguments are one-line errors.
. "$(dirname "$0")/lib.sh"
command -v gdb >/dev/null || skip_all "gdb absent (package gdb)"
G=$B/bin/graft
img=$B/images/timers.virtio
sock=$gv_tmp/gdb.sock

# --gdb: nothing runs until gdb continues.
$L --gdb "$sock" "$img" >"$gv_tmp/out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
sleep 1
ok "--gdb: QEMU's stub listens on the socket" '[ -S "$sock" ]'
ok "--gdb: the guest waits for gdb (no output yet)" '[ ! -s "$gv_tmp/out" ]'
gdbout=$(timeout 120 gdb -batch -nx -ex "target remote $sock" \
	-ex 'break graft_timers_run' -ex continue -ex bt -ex 'print now' \
	-ex delete -ex detach "$img" 2>&1)
ok "gdb stops in a kernel function" 'grep -q "graft_timers_run (now=" <<<"$gdbout"'
ok "its backtrace reaches kernel_main" 'grep -q "in kernel_main" <<<"$gdbout"'
ok "an argument is read" 'grep -q "^\$1 = [0-9]" <<<"$gdbout"'
timeout 60 tail --pid=$pid -f /dev/null
wait $pid
rc=$?
ok "after detach the instance runs to its exit (status $rc)" \
	'[ $rc -eq 0 ] && [ "$(tail -n 1 "$gv_tmp/out")" = "timers done" ]'

# --gdb-listen: the guest does not wait.
out=$(timeout 60 $L --gdb-listen "$sock" "$img" 2>&1)
rc=$?
ok "--gdb-listen: the guest runs without gdb" \
	'[ $rc -eq 0 ] && grep -q "timers done" <<<"$out"'

# graft debug on a running instance, named.
$G run -t virtio --name gdbv --gdb-listen "$sock" \
	$B/images/modhost.virtio >"$gv_tmp/modhost.out" 2>&1 &
for _ in $(seq 1 100); do $G ping gdbv >/dev/null 2>&1 && break; sleep 0.1; done
ok "the info file names the stub" \
	'grep -qx "gdb=$sock" "$GRAFT_RUNTIME_DIR/gdbv.info"'
dbg=$(timeout 120 $G debug gdbv -batch -ex bt -ex detach </dev/null 2>&1)
ok "graft debug connects to the running instance" \
	'grep -q "^#0 " <<<"$dbg" && grep -q "Detaching\|detached" <<<"$dbg"'
ok "and it answers afterwards" '$G ping gdbv >/dev/null'
$G stop gdbv >/dev/null 2>&1
wait

# Bad arguments: one line each, nothing started.
for bad in 0 70000 "a,b" ""; do
	err=$(timeout 10 $L --gdb "$bad" "$img" 2>&1)
	rc=$?
	ok "--gdb '$bad' is refused in one line" \
		'[ $rc -ne 0 ] && [ "$(wc -l <<<"$err")" -eq 1 ] && grep -q -- "--gdb" <<<"$err"'
done
err=$(timeout 10 $G run -t unix --gdb 1234 $B/images/timers.unix 2>&1)
rc=$?
ok "graft run refuses --gdb on unix" \
	'[ $rc -ne 0 ] && grep -q "only the hvt and virtio targets" <<<"$err"'
echo "1..$n"
