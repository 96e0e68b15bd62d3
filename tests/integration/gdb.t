#!/usr/bin/env bash
# Debugging a loaded module with Debian's gdb: on unix the instance is a
# Linux process, so gdb attaches to it, reads the module's symbols at the
# addresses `graft ls --gdb` prints, stops in a module function and prints
# a module variable; the instance runs on after gdb detaches.  (On hvt
# the tender serves gdb itself: tests/hvt/gdb.t.)
cd "$(dirname "$0")/../.."
B=build
G=$B/bin/graft
M=$B/tests/integration/modules
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }
if ! command -v gdb >/dev/null; then
	echo "1..0 # SKIP gdb is not installed"
	exit 0
fi
export GRAFT_RUNTIME_DIR=$(mktemp -d)
trap '$G stop dbg >/dev/null 2>&1; rm -rf "$GRAFT_RUNTIME_DIR"' EXIT

timeout 60 $G run -t unix --name dbg --module $M/counter_v1.o \
	$B/images/modhost.unix >/dev/null 2>&1 &
for _ in $(seq 100); do $G ping dbg >/dev/null 2>&1 && break; sleep 0.05; done
cmd=$($G ls --gdb dbg)
ok "ls --gdb prints add-symbol-file with the module's sections" 'grep -Eq "^add-symbol-file counter.o -s \.text 0x[0-9a-f]+ .*-s \.bss 0x[0-9a-f]+" <<<"$cmd"'
child=$(pgrep -P "$(sed -n 's/^pid=//p' "$GRAFT_RUNTIME_DIR/dbg.info")")
out=$(timeout 60 gdb -batch -nx -p "$child" \
	-ex "${cmd/counter.o/$M/counter_v1.o}" -ex "break on_tick" \
	-ex continue -ex "print count" -ex "bt 2" -ex detach 2>&1)
ok "gdb stops in the module's function, at its source line" 'grep -q "Breakpoint 1, on_tick .* at tests/integration/modules/counter.c:" <<<"$out"'
ok "gdb prints the module's variable" 'grep -Eq "^\\\$1 = [0-9]+" <<<"$out"'
ok "the backtrace goes on into the kernel" 'grep -q "graft_timers_run" <<<"$out"'
ok "the instance runs on after gdb detaches" '$G ping dbg >/dev/null'
echo "1..$n"
