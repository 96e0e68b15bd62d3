#!/usr/bin/env bash
# hello and timers boot under QEMU on q35 and microvm through graft-virtio:
# output, arguments, exit statuses; a guest fault is reported with its
# registers and ends the run with 255, and so does a write into code; the
# least memory allowed boots; the launcher's errors are one line.
. "$(dirname "$0")/lib.sh"
D=$B/tests/virtio/devtest.virtio
for m in q35 microvm; do
	out=$(timeout 30 $L --verbose --machine $m $B/images/hello.virtio -- one "two words" 'q"uote' 2>&1); rc=$?
	ok "$m: hello exits 0" '[ $rc -eq 0 ]'
	ok "$m: hello greets" 'grep -q "^Hello from graft!" <<<"$out"'
	ok "$m: hello gets its arguments" 'grep -q "argv\[2\] = two words" <<<"$out" && grep -q "argv\[3\] = q\"uote" <<<"$out"'
	ok "$m: the launcher says TCG is in use (--verbose)" 'grep -q "accelerator TCG" <<<"$out"'
	out=$(timeout 30 $L --machine $m $B/images/hello.virtio 2>&1)
	ok "$m: and without --verbose, off a terminal, only the guest speaks" '[ "$out" = "Hello from graft!" ]'
	out=$(timeout 30 $L --machine $m $B/images/timers.virtio 2>&1); rc=$?
	ok "$m: timers exits 0" '[ $rc -eq 0 ]'
	# Deadlines 15 ms or more apart keep their order even on a loaded host.
	line() { grep -n "^$1 tick $2 " <<<"$out" | cut -d: -f1; }
	ok "$m: timers fire in deadline order" '[ "$(line medium 1)" -gt "$(line fast 1)" ] && [ "$(line slow 1)" -gt "$(line fast 2)" ] && [ "$(tail -n 1 <<<"$out")" = "timers done" ]'
	timeout 30 $L --machine $m --no-ctl $D -- exit 7 >/dev/null 2>&1; rc=$?
	ok "$m: exit status 7 passes through" '[ $rc -eq 7 ]'
	timeout 30 $L --machine $m --no-ctl $D -- exit 200 >/dev/null 2>&1; rc=$?
	ok "$m: exit status 200 passes through" '[ $rc -eq 200 ]'
	out=$(timeout 30 $L --machine $m --no-ctl $D -- fault null 2>&1); rc=$?
	ok "$m: a NULL write ends the run with 255" '[ $rc -eq 255 ]'
	ok "$m: the page fault is named with its address" 'grep -q "trap #PF page fault at rip 0x[0-9a-f]* address 0x0000000000000003 (write, not present)" <<<"$out"'
	ok "$m: registers and a backtrace are printed" 'grep -q "rax=0x" <<<"$out" && grep -q "cr2=0x0000000000000003" <<<"$out" && grep -q "backtrace: 0x" <<<"$out"'
	ok "$m: the launcher reports the abort" 'grep -q "aborted: trap #PF" <<<"$out"'
	out=$(timeout 30 $L --machine $m --no-ctl $D -- fault text 2>&1); rc=$?
	ok "$m: code is read-only: a write into it faults" '[ $rc -eq 255 ] && grep -q "trap #PF page fault at rip 0x[0-9a-f]* address 0x[0-9a-f]* (write, protection)" <<<"$out"'
	out=$(timeout 30 $L --machine $m --no-ctl $D -- fault ud 2>&1); rc=$?
	ok "$m: an invalid opcode ends the run with 255" '[ $rc -eq 255 ] && grep -q "trap #UD invalid opcode" <<<"$out"'
done
out=$($L --print-cmd --machine microvm --mem 64M $B/images/hello.virtio -- a 2>&1); rc=$?
ok "--print-cmd prints QEMU's command line" '[ $rc -eq 0 ] && grep -q "^qemu-system-x86_64 -machine microvm" <<<"$out" && grep -q -- "-m 64M" <<<"$out" && grep -q -- "-append .*hello.virtio a" <<<"$out"'
ok "--print-cmd starts nothing" '[ -z "$(ls "$GRAFT_RUNTIME_DIR")" ]'
err=$(timeout 10 $L /etc/passwd 2>&1); rc=$?
ok "not an ELF is refused" '[ $rc -ne 0 ] && grep -q "not an ELF file" <<<"$err" && [ $(wc -l <<<"$err") -eq 1 ]'
err=$(timeout 10 $L $B/images/hello.hvt 2>&1); rc=$?
ok "an image for another target is refused" '[ $rc -ne 0 ] && grep -q "built for target .hvt., not virtio" <<<"$err"'
err=$(timeout 10 $L --machine pc98 $B/images/hello.virtio 2>&1); rc=$?
ok "an unknown machine is refused" '[ $rc -ne 0 ] && grep -q "machine .pc98." <<<"$err"'
out=$(timeout 30 $L --mem 4M $B/images/hello.virtio 2>&1); rc=$?
ok "the least memory the launcher allows, 4M, boots hello" '[ $rc -eq 0 ] && grep -q "^Hello from graft!" <<<"$out"'
err=$(timeout 10 $L --mem 1M $B/images/hello.virtio 2>&1); rc=$?
ok "too little memory is refused" '[ $rc -ne 0 ] && grep -q "between 4M and 3G" <<<"$err"'
err=$(timeout 10 $L --disk /nonexistent/disk.img $B/images/hello.virtio 2>&1); rc=$?
ok "a missing disk file is refused" '[ $rc -ne 0 ] && grep -q "disk ./nonexistent/disk.img." <<<"$err"'
err=$(timeout 10 $L --module /nonexistent/m.o $B/images/hello.virtio 2>&1); rc=$?
ok "a missing module file is refused" '[ $rc -ne 0 ] && grep -q "module ./nonexistent/m.o." <<<"$err" && [ $(wc -l <<<"$err") -eq 1 ]'
err=$(timeout 10 $L --net gv-no-such0 $B/images/hello.virtio 2>&1); rc=$?
ok "a missing tap device is refused" '[ $rc -ne 0 ] && grep -q "gv-no-such0" <<<"$err"'
err=$(GRAFT_QEMU=/nonexistent/qemu timeout 10 $L $B/images/hello.virtio 2>&1); rc=$?
ok "a QEMU that cannot run gives status 1" '[ $rc -eq 1 ] && grep -q "/nonexistent/qemu" <<<"$err"'
ok "no instance files are left behind" '[ -z "$(ls "$GRAFT_RUNTIME_DIR")" ]'
echo "1..$n"
