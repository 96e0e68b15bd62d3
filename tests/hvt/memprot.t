#!/usr/bin/env bash
# Page protection and seal on hvt, one guest case per boot of
# build/images/test-memprot.hvt (tests/hvt/memprot/): protection faults
# are reported with the faulting address and end the run non-zero; W+X is
# refused; code can be made executable and run; fiber stacks have real
# guard pages; after seal, writes to text and page tables fault (the
# latter in the hypervisor's read-only slots) and exec is refused.
cd "$(dirname "$0")/../.."
B=build
img=$B/images/test-memprot.hvt
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; printf '# %s\n' "$out" | head -20; fi; }
if ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then echo "1..0 # SKIP no usable /dev/kvm"; exit 0; fi
export GRAFT_RUNTIME_DIR=$(mktemp -d)
trap 'rm -rf "$GRAFT_RUNTIME_DIR"' EXIT
run() { out=$(timeout 20 $B/bin/graft-hvt --no-ctl "$img" -- "$1" 2>&1); rc=$?; }
# fault_at OUTPUT: the address the guest's trap report names.
fault_at() { sed -n 's/.*#PF page fault at rip [0-9a-fx]* address \(0x[0-9a-f]*\).*/\1/p' <<<"$out"; }
printed() { sed -n "s/.*$1 \(0x[0-9a-f]*\).*/\1/p" <<<"$out" | head -1; }

run ro-write
ok "write to a read-only page faults, non-zero exit" '[ $rc -eq 255 ] && grep -q "(write, protection)" <<<"$out"'
ok "the fault report names the written address" '[ $(( $(fault_at) )) -eq $(( $(printed "writing read-only page") + 8 )) ]'
ok "the fault report has registers and a backtrace" 'grep -q "rip 0x" <<<"$out" && grep -q "cr2=0x" <<<"$out" && grep -q "backtrace: 0x" <<<"$out"'
run ro-write-split
ok "a read-only page inside a 2 MiB mapping faults, its neighbours do not" '[ $rc -eq 255 ] && grep -q "(write, protection)" <<<"$out" && [ $(( $(fault_at) )) -eq $(( $(printed "writing read-only page") + 8 )) ]'
run none-read
ok "read of an inaccessible page faults" '[ $rc -eq 255 ] && grep -q "(read, not present)" <<<"$out" && [ "$(fault_at)" != "" ]'
run restore
ok "a page made read-only can be made writable again" '[ $rc -eq 0 ] && grep -qx ok <<<"$out"'
run wx
ok "W+X, misaligned and out-of-heap protection are refused" '[ $rc -eq 0 ] && grep -qx ok <<<"$out"'
run exec
ok "a heap page made read+exec runs" '[ $rc -eq 0 ] && grep -qx ok <<<"$out"'
run nx
ok "running a writable page faults (no-execute)" '[ $rc -eq 255 ] && grep -q "instruction fetch" <<<"$out"'
run guard
ok "a fiber stack overflow faults in its guard page" '[ $rc -eq 255 ] && grep -q "#PF page fault.*(write, not present): stack overflow in fiber .deep." <<<"$out" && ! grep -qi "canary\|overflowed" <<<"$out"'
run seal-text
ok "after seal, a write to text faults, non-zero exit" '[ $rc -eq 255 ] && [ $(( $(fault_at) )) -eq $(( $(printed "writing own text at") )) ]'
ok "the tender says the fault is in sealed memory" 'grep -q "graft-hvt: the last page fault, at $(printed "writing own text at"), is in sealed memory" <<<"$out"'
run seal-protect
ok "after seal, exec protection and a second seal are refused" '[ $rc -eq 0 ] && grep -qx ok <<<"$out"'
run seal-pte-exec
ok "after seal, a page-table write for exec is stopped by the tender" '[ $rc -eq 255 ] && grep -q "guest fault: write at $(printed "clearing NX in the entry at") (sealed memory is read-only)" <<<"$out" && ! grep -q "code returned" <<<"$out"'
ok "the tender reports the vCPU registers" 'grep -q "rip 0000" <<<"$out" && grep -q "cr3 0000000000002000" <<<"$out"'
run seal-pte-write
ok "after seal, a page-table write for writable text is stopped" '[ $rc -eq 255 ] && grep -q "guest fault: write at $(printed "writable in the entry at") (sealed memory is read-only)" <<<"$out"'
run seal-hypercall
ok "after seal, the tender will not write a hypercall answer into text" '[ $rc -eq 255 ] && grep -q "clock: bad guest address $(printed "write the clock at")+0x10 (sealed memory is read-only)" <<<"$out"'
run seal-short
ok "the tender refuses a seal that leaves executable pages out" '[ $rc -eq 0 ] && grep -qx ok <<<"$out" && grep -q "graft-hvt: seal refused: executable page at 0x100000 is not sealed" <<<"$out"'
echo "1..$n"
