#!/usr/bin/env bash
# Debugging a running hvt instance with Debian's gdb through graft-hvt's
# stub (tender/hvt/hvt_gdb.c): gdb is there before the first instruction,
# stops in a kernel function, walks the stack, prints a variable, steps
# and detaches; then it attaches to the running instance, stops in a
# function of a module loaded live (symbols from `graft ls --gdb`), and
# detaches again; ^C stops it; raw malformed packets and random bytes
# get errors; after seal, code cannot be written; gdb's kill ends it.
# A second instance waits for no one and is reached by `graft debug`
# over a unix socket; there an int3 hit with no gdb attached is reported
# by the guest as before.  hello's exit reaches gdb.  The instances
# answer after each step.
cd "$(dirname "$0")/../.."
B=build
G=$B/bin/graft
M=$B/tests/integration/modules
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }
if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
	echo "1..0 # SKIP /dev/kvm is not usable"
	exit 0
fi
if ! command -v gdb >/dev/null || ! command -v socat >/dev/null; then
	echo "1..0 # SKIP gdb or socat is not installed"
	exit 0
fi
export GRAFT_RUNTIME_DIR=$(mktemp -d)
R=$GRAFT_RUNTIME_DIR
pid= pid2=
trap 'kill $pid $pid2 2>/dev/null; rm -rf "$R"' EXIT

# One gdb remote packet, checksum and all.
pkt() {
	local s=$1 sum=0 c
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		sum=$(((sum + c) % 256))
	done
	printf '$%s#%02x' "$s" "$sum"
}
# Send raw bytes to the stub; print what it answers.
raw() { printf '%s' "$1" | timeout 10 socat -t 2 - "TCP:127.0.0.1:$port" 2>&1; }

timeout 120 $G run -t hvt --name dbgh --gdb 0 $B/images/modhost.hvt \
	>"$R/out" 2>"$R/err" &
pid=$!
for _ in $(seq 100); do grep -q "waiting for gdb" "$R/err" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's/.*gdb: listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$R/err")
ok "the tender waits for gdb before the guest starts" '[ -n "$port" ] && ! grep -q ready "$R/out"'

# A ping pokes the idle instance so that its loop runs timers again.
(sleep 3; $G ping --timeout 20 dbgh >/dev/null 2>&1) &
poke=$!
out=$(timeout 60 gdb -batch -nx $B/images/modhost.hvt \
	-ex "target remote 127.0.0.1:$port" -ex "info registers rip" \
	-ex "break graft_timers_run" -ex continue -ex bt -ex "print next_seq" \
	-ex step -ex "info registers rip" -ex continue -ex "delete" \
	-ex detach 2>&1)
ok "gdb starts at the image's entry point" 'grep -q "^rip .*<_stext>" <<<"$out"'
ok "a breakpoint in a kernel function is hit, at its source line" \
	'grep -q "Breakpoint 1, graft_timers_run (now=[^)]*) at kernel/timer.c:" <<<"$out"'
ok "the backtrace goes down to the boot code" \
	'grep -q "in kernel_main" <<<"$out" && grep -q "hvt_boot_main" <<<"$out"'
ok "gdb prints a kernel variable" 'grep -Eq "^\\\$1 = [0-9]+" <<<"$out"'
ok "a step moves to the next source line" \
	'grep -Eq "^1(5[6-9]|6[0-9])[[:space:]]" <<<"$out"'
ok "continue from there hits the breakpoint again" \
	'[ "$(grep -c "^Breakpoint 1, graft_timers_run" <<<"$out")" = 2 ]'
ok "gdb detaches" 'grep -q "detached\]" <<<"$out"'
wait $poke
ok "the instance runs on and answers" '$G ping --timeout 10 dbgh >/dev/null'

$G load dbgh $M/counter_v1.o >/dev/null 2>&1
cmd=$($G ls --gdb dbgh)
ok "ls --gdb prints add-symbol-file for the module loaded live" \
	'grep -q "^add-symbol-file counter.o -s \.text 0x" <<<"$cmd"'
out=$(timeout 60 gdb -batch -nx $B/images/modhost.hvt \
	-ex "target remote 127.0.0.1:$port" \
	-ex "${cmd/counter.o/$M/counter_v1.o}" -ex "break on_tick" \
	-ex continue -ex "print count" -ex "bt 3" -ex next \
	-ex "print count" -ex "set var count = 1000" -ex continue \
	-ex "print count" -ex detach 2>&1)
ok "gdb attaches to the running instance" 'grep -q "^Breakpoint 1 at 0x" <<<"$out"'
ok "a breakpoint in the module's function is hit, at its source line" \
	'grep -q "Breakpoint 1, on_tick .* at tests/integration/modules/counter.c:" <<<"$out"'
ok "the backtrace goes on into the kernel" 'grep -q "graft_timers_run" <<<"$out"'
read -r c1 c2 c3 < <(grep -E '^\$[0-9]+ = ' <<<"$out" | sed 's/.* = //' | tr '\n' ' ')
ok "the module's variable counts on across a next ($c1 $c2)" \
	'[ -n "$c2" ] && [ "$c2" = $((c1 + 1)) ]'
ok "gdb sets the module's variable, and the module counts from there ($c3)" \
	'[ "$c3" = 1000 ]'
ok "the instance runs on after gdb detaches" '$G ping --timeout 10 dbgh >/dev/null'
ok "the module is still loaded" 'sleep 0.3; $G ls dbgh | grep -q counter'

text=$(nm $B/images/modhost.hvt | awk '$3 == "kernel_main" {print $1}')
long=$(printf 'g%.0s' $(seq 5000))
ans=$(raw "$(pkt g)$(printf '$g#00')$(pkt m0,ffffffff)$(pkt mffffffffffff0000,10)$(pkt m1000,zz)$(pkt M10000,1:00)$(pkt M$text,2:c)$(pkt Z0,0,1)$(pkt Z0,$text,4)$(pkt p9999)$(pkt P10=12)$(pkt Hg7)$(pkt T5)\$$long#00$(pkt vCont\;x)$(pkt D)")
ok "a bad checksum and an overlong packet are refused with -" \
	'[ "$(tr -cd - <<<"$ans" | wc -c)" = 2 ]'
errs=$(grep -o '\$E[0-9a-f][0-9a-f]' <<<"$ans" | wc -l)
ok "bad addresses, lengths, registers and threads get Exx ($errs)" '[ "$errs" = 12 ]'
ok "the stub answers good packets among them and detaches" \
	'grep -q "\$OK#9a" <<<"$ans" && [ -n "$(grep -o "\$[0-9a-f]\{200,\}" <<<"$ans")" ]'
ok "the instance survives them and answers" '$G ping --timeout 10 dbgh >/dev/null'
# 256 KiB of pseudo-random bytes (seeded: the same every run), '$' and
# '#' among them often enough to make packets of every length.
python3 -c 'import random, sys; r = random.Random(7)
sys.stdout.buffer.write(bytes(r.choice(b"$#$#0123456789abcdef,:;mMgGpPZzcsHT?qv\x03") if r.random() < .5 else r.randrange(256) for _ in range(1 << 18)))' >"$R/noise"
timeout 20 socat -t 2 "OPEN:$R/noise" "TCP:127.0.0.1:$port" >/dev/null 2>&1
ok "the stub survives random bytes, and so does the instance" \
	'$G ping --timeout 10 dbgh >/dev/null && ! grep -q "fault\|abort" "$R/err"'

ans=$({ printf '%s' "$(pkt c)"; sleep 0.5; printf '\003'; sleep 0.5
	printf '%s' "$(pkt c)$(printf '\003')"; sleep 0.5; printf '%s' "$(pkt D)"
	} | timeout 10 socat -t 2 - "TCP:127.0.0.1:$port" 2>&1)
ok "^C stops the running guest, also right behind a continue" \
	'[ "$(grep -o "\$T02thread:01;#" <<<"$ans" | wc -l)" = 2 ]'
ok "the instance answers after that" '$G ping --timeout 10 dbgh >/dev/null'

$G seal dbgh >/dev/null
ans=$(raw "$(pkt M$text,1:cc)$(pkt Z0,$text,1)$(pkt m$text,1)$(pkt D)")
ok "after seal, code cannot be written nor breakpoints set in it" \
	'[ "$(grep -o "\$E0e" <<<"$ans" | wc -l)" = 2 ]'
ok "after seal, code can still be read" 'grep -q "\$[0-9a-f]\{2\}#" <<<"$ans"'
ok "the sealed instance answers" '$G ping --timeout 10 dbgh >/dev/null'
ok "no fault was reported" '! grep -q "fault\|abort" "$R/err"'
raw "$(pkt k)" >/dev/null
wait $pid
rc=$?
pid=
ok "gdb's kill ends the instance, and the tender says so ($rc)" \
	'[ $rc = 255 ] && grep -q "gdb killed the guest" "$R/err"'

# --gdb-listen on a unix socket: the instance starts at once, and
# `graft debug` finds the stub through the instance's info file.
timeout 60 $G run -t hvt --name dbgu --gdb-listen "$R/gdb.sock" \
	$B/images/modhost.hvt >"$R/out2" 2>"$R/err2" &
pid2=$!
for _ in $(seq 100); do $G ping dbgu >/dev/null 2>&1 && break; sleep 0.05; done
out=$(timeout 30 $G debug dbgu -nx -batch -ex "info registers rip" \
	-ex "bt 1" -ex detach 2>&1)
ok "graft debug attaches through the unix socket and detaches" \
	'grep -q "^rip " <<<"$out" && grep -q "^#0 " <<<"$out" && grep -q "detached\]" <<<"$out"'
ok "that instance runs on and answers" '$G ping --timeout 10 dbgu >/dev/null'
# An int3 written as plain memory (not a breakpoint gdb removes) and
# hit with no gdb attached is the guest's: it reports it as a fault.
timeout 30 $G debug dbgu -nx -batch -ex "set var *(char *)graft_timers_run = 0xcc" \
	-ex detach >/dev/null 2>&1
$G ping --timeout 5 dbgu >/dev/null 2>&1
wait $pid2
rc=$?
pid2=
ok "without gdb, a #BP is reported by the guest as before ($rc)" \
	'[ $rc = 255 ] && grep -q "#BP breakpoint" "$R/out2" "$R/err2"'
ok "the unix socket is removed at exit" '! [ -e "$R/gdb.sock" ]'
# The guest's exit reaches gdb.
timeout 60 $B/bin/graft-hvt --no-ctl --gdb 0 $B/images/hello.hvt \
	>"$R/out3" 2>"$R/err3" &
pid=$!
for _ in $(seq 100); do grep -q "waiting for gdb" "$R/err3" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's/.*gdb: listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$R/err3")
out=$(timeout 30 gdb -batch -nx $B/images/hello.hvt \
	-ex "target remote 127.0.0.1:$port" -ex continue 2>&1)
wait $pid
rc=$?
pid=
ok "gdb learns that the guest exited ($rc)" \
	'[ $rc = 0 ] && grep -q "exited normally" <<<"$out" && grep -q "Hello" "$R/out3"'

err=$(timeout 10 $B/bin/graft-hvt --no-ctl --gdb 70000 $B/images/hello.hvt 2>&1); rc=$?
ok "a bad port is refused in one line naming it" \
	'[ $rc = 1 ] && [ "$err" = "graft-hvt: --gdb '"'"'70000'"'"': not a port number" ]'
err=$(timeout 10 $B/bin/graft-hvt --no-ctl --gdb "$R/no/such/dir" $B/images/hello.hvt 2>&1); rc=$?
ok "a socket path that cannot be bound is refused in one line naming it" \
	'[ $rc = 1 ] && [ $(wc -l <<<"$err") = 1 ] && grep -q "no/such/dir" <<<"$err"'
echo "1..$n"
