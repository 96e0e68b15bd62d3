#!/usr/bin/env bash
# Live native modules in running instances, on unix, hvt and virtio, through the
# graft tool and the instance's control channel: a module given at boot,
# load, ls, upgrade with state handed over, references between modules,
# refusals that name the problem, a careless module's leftovers dropped,
# every byte back after unload, then seal.
cd "$(dirname "$0")/../.."
B=build
G=$B/bin/graft
M=$B/tests/integration/modules
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }
export GRAFT_RUNTIME_DIR=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; [ -n "$KEEP" ] || rm -rf "$GRAFT_RUNTIME_DIR"' EXIT

# Start modhost in the background as instance $1 on target $2, output in
# $GRAFT_RUNTIME_DIR/$1.out, and wait until it answers.
start() {
	local name=$1 t=$2
	shift 2
	timeout 60 $G run -t "$t" --name "$name" "$@" $B/images/modhost.$t \
		>"$GRAFT_RUNTIME_DIR/$name.out" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		$G ping "$name" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}
# Wait until the instance's output matches $2.
wait_out() {
	for _ in $(seq 100); do
		grep -q "$2" "$GRAFT_RUNTIME_DIR/$1.out" && return 0
		sleep 0.05
	done
	return 1
}
in_use() { $G stats "$1" | sed -n 's/^heap_in_use //p'; }

. tests/lib/targets.sh
targets_available
targets=$TARGETS
for t in $targets; do
	i=mod-$t
	start $i $t --module $M/counter_v1.o
	ok "$t: instance with a boot module answers" '[ $? -eq 0 ]'
	ok "$t: the boot module ran before main" 'wait_out $i "modhost: ready" && [ "$(grep -n "counter 1.0: counting from 0" $GRAFT_RUNTIME_DIR/$i.out | cut -d: -f1)" -lt "$(grep -n "modhost: ready" $GRAFT_RUNTIME_DIR/$i.out | cut -d: -f1)" ]'
	out=$($G ls $i)
	ok "$t: ls shows it live" 'grep -Eq "^counter +1.0 +live" <<<"$out"'
	sleep 0.2
	out=$($G upgrade $i $M/counter_v2.o); rc=$?
	ok "$t: upgrade succeeds and hands the state over" '[ $rc -eq 0 ] && grep -q "state handed over" <<<"$out"'
	ok "$t: version 2 counts on from version 1" 'wait_out $i "counter 2.0: counting from [1-9]"'
	ok "$t: ls shows only version 2" '$G ls $i | grep -Eq "^counter +2.0 +live" && [ $($G ls $i | grep -c "^counter") -eq 1 ]'

	base=$(in_use $i)
	out=$($G load $i $B/modules/greeter.o) && out=$($G load $i $B/modules/greeter-user.o); rc=$?
	ok "$t: a module links against an earlier module's export" '[ $rc -eq 0 ] && wait_out $i "greeter: hello, greeter-user"'
	ok "$t: ls counts the reference" '$G ls $i | grep -Eq "^greeter +1.0 +live +[0-9]+K +0x[0-9a-f]+ +1 +native$"'
	err=$($G unload $i greeter 2>&1); rc=$?
	ok "$t: unloading a module in use is refused, naming the user" '[ $rc -ne 0 ] && grep -q "greeter-user" <<<"$err"'
	$G unload $i greeter-user >/dev/null && $G unload $i greeter >/dev/null; rc=$?
	ok "$t: unload in dependency order" '[ $rc -eq 0 ] && ! $G ls $i | grep -q greeter'
	ok "$t: every byte is back on the heap after unload" '[ "$(in_use $i)" = "$base" ]'

	after=$(perl tests/integration/ctl_cycles.pl $GRAFT_RUNTIME_DIR/$i.sock $B/modules/greeter.o greeter 1000)
	ok "$t: 1000 load/unload cycles leave the heap where it was" '[ -n "$after" ] && [ "$after" = "$base" ]'

	err=$($G load $i $M/needs_missing.o 2>&1); rc=$?
	ok "$t: a missing symbol is refused, naming it" '[ $rc -ne 0 ] && grep -q "graft_no_such_function" <<<"$err" && [ $(wc -l <<<"$err") -eq 1 ]'
	head -c 700 $B/modules/greeter.o >$GRAFT_RUNTIME_DIR/trunc.o
	err=$($G load $i $GRAFT_RUNTIME_DIR/trunc.o 2>&1); rc=$?
	ok "$t: a truncated object is refused" '[ $rc -ne 0 ] && grep -qi "module .*:" <<<"$err"'
	err=$($G load $i /etc/hostname 2>&1); rc=$?
	ok "$t: a file that is not an object is refused" '[ $rc -ne 0 ] && [ -n "$err" ]'
	err=$($G load $i $M/faults_in_init.o 2>&1); rc=$?
	ok "$t: a module that faults in init is refused, naming the fault" '[ $rc -ne 0 ] && grep -q "module .faulty.: faulted in init: .*page fault at 0 (write)" <<<"$err"'
	ok "$t: the instance is unharmed by bad modules" '[ "$(in_use $i)" = "$base" ] && $G ping $i >/dev/null && ! $G ls $i | grep -q faulty'

	$G load $i $M/leaky.o >/dev/null && wait_out $i "leaky: started" && sleep 0.1
	$G unload $i leaky >/dev/null; rc=$?
	sleep 0.1
	ok "$t: a module's leftover timer and fiber are dropped at unload" '[ $rc -eq 0 ] && wait_out $i "left 1 fibers, 1 timers" && $G ping $i >/dev/null'

	out=$($G seal $i); rc=$?
	ok "$t: seal" '[ $rc -eq 0 ] && grep -q sealed <<<"$out"'
	err=$($G load $i $B/modules/greeter.o 2>&1); rc=$?
	ok "$t: a native load after seal is refused" '[ $rc -ne 0 ] && grep -q "sealed" <<<"$err"'
	ok "$t: the boot module still runs after seal" '$G ls $i | grep -Eq "^counter +2.0 +live"'
	$G stop $i >/dev/null
	wait "${pids[-1]}"; rc=$?
	ok "$t: stop ends the instance with status 0" '[ $rc -eq 0 ]'
done

# --seal-after-boot: boot modules in, then sealed before main.
for t in $targets; do
	start sab-$t $t --seal-after-boot --module $B/modules/greeter.o
	err=$($G load sab-$t $M/counter_v1.o 2>&1); rc=$?
	ok "$t: --seal-after-boot keeps the boot module and refuses later loads" '$G ls sab-$t | grep -Eq "^greeter +1.0 +live" && [ $rc -ne 0 ] && grep -q sealed <<<"$err"'
	$G stop sab-$t >/dev/null
done

# A write to sealed code faults and is reported with its address (the
# scribbler's timer callback is not a guarded entry point, so the fault
# ends the instance).
for t in $targets; do
	start scr-$t $t
	$G load scr-$t $M/scribbler.o >/dev/null
	addr=$($G ls scr-$t | awk '$1 == "scribbler" {print $5}')
	page=${addr#0x}
	page=${page%???} # the module's first page, without the offset
	$G seal scr-$t >/dev/null
	wait "${pids[-1]}"; rc=$?
	ok "$t: a write to sealed code faults and is reported" '[ $rc -ne 0 ] && grep -Eiq "fault.*(address|at rip) " $GRAFT_RUNTIME_DIR/scr-$t.out && [ -n "$page" ] && grep -q "$page" $GRAFT_RUNTIME_DIR/scr-$t.out'
done

# unix: the seal holds below the guest.  A module loaded before seal tries,
# after it, to make its own text writable with a raw system call; the
# seal's seccomp filter kills the instance and the launcher says why.
start rogue unix
$G load rogue $M/rogue_unix.o >/dev/null
sleep 0.1
ok "unix: before seal the rogue module runs harmlessly" '$G ping rogue >/dev/null'
$G seal rogue >/dev/null
wait "${pids[-1]}"; rc=$?
ok "unix: after seal, changing code kills the instance" '[ $rc -ne 0 ] && grep -q "seccomp filter forbids" $GRAFT_RUNTIME_DIR/rogue.out'
echo "1..$n"
