#!/usr/bin/env bash
# Boots hello and timers on unix and hvt and checks output and exit status;
# then the launchers' error paths, each a one-line error and a non-zero exit.
cd "$(dirname "$0")/../.."
B=build
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }
export GRAFT_RUNTIME_DIR=$(mktemp -d)
trap 'rm -rf "$GRAFT_RUNTIME_DIR" /tmp/graft-t-$$*' EXIT
. tests/lib/targets.sh
targets_available unix hvt
targets=$TARGETS
for t in $targets; do
	L=$B/bin/graft-$t
	out=$(timeout 20 $L $B/images/hello.$t -- one "two words" 2>&1); rc=$?
	ok "$t: hello exits 0" '[ $rc -eq 0 ]'
	ok "$t: hello greets" 'grep -q "^Hello from graft!" <<<"$out"'
	ok "$t: hello prints its arguments" 'grep -q "argv\[2\] = two words" <<<"$out"'
	out=$(timeout 20 $L $B/images/timers.$t 2>&1); rc=$?
	ok "$t: timers exits 0" '[ $rc -eq 0 ]'
	# In deadline order, but for what a stall of the host explains.
	ok "$t: timers interleave by deadline" 'awk -f tests/lib/deadline_order.awk <<<"$out" && [ "$(grep -c " tick " <<<"$out")" -eq 9 ] && [ "$(tail -n 1 <<<"$out")" = "timers done" ]'
	err=$(timeout 10 $L /etc/passwd 2>&1); rc=$?
	ok "$t: not an ELF is refused" '[ $rc -ne 0 ] && grep -q "not an ELF file" <<<"$err" && [ $(wc -l <<<"$err") -eq 1 ]'
	head -c 30 $B/images/hello.$t > /tmp/graft-t-$$.trunc; chmod +x /tmp/graft-t-$$.trunc
	err=$(timeout 10 $L /tmp/graft-t-$$.trunc 2>&1); rc=$?
	ok "$t: a truncated ELF is refused" '[ $rc -ne 0 ] && grep -q "truncated" <<<"$err"'
	other=$([ $t = unix ] && echo hvt || echo unix)
	err=$(timeout 10 $L $B/images/hello.$other 2>&1); rc=$?
	ok "$t: an image for the other target is refused" '[ $rc -ne 0 ] && grep -q "built for target .$other., not $t" <<<"$err"'
	err=$(timeout 10 $L --net graft-no-such0 $B/images/hello.$t 2>&1); rc=$?
	ok "$t: a missing tap device is refused" '[ $rc -ne 0 ] && grep -q "graft-no-such0" <<<"$err"'
	err=$(timeout 10 $L --disk /nonexistent/disk.img $B/images/hello.$t 2>&1); rc=$?
	ok "$t: a missing disk file is refused" '[ $rc -ne 0 ] && grep -q "disk ./nonexistent/disk.img." <<<"$err"'
done
if [[ $targets == *hvt* ]]; then
	err=$(timeout 10 $B/bin/graft-hvt --mem 1M $B/images/hello.hvt 2>&1); rc=$?
	ok "hvt: too little memory is refused" '[ $rc -ne 0 ] && grep -q "between 2M and 4G" <<<"$err"'
fi
# No /dev/kvm: a mount namespace of the test's own hides it (an empty /dev),
# or puts /dev/null in its place.
if [[ $targets == *hvt* ]] && command -v unshare >/dev/null && [ "$(id -u)" -eq 0 ]; then
	err=$(unshare -m bash -c "mount -t tmpfs none /dev && timeout 10 $B/bin/graft-hvt --no-ctl $B/images/hello.hvt" 2>&1); rc=$?
	ok "hvt: no /dev/kvm is one line naming it" '[ $rc -ne 0 ] && [ $(wc -l <<<"$err") -eq 1 ] && grep -q "/dev/kvm: No such file" <<<"$err"'
	err=$(unshare -m bash -c "mount --bind /dev/null /dev/kvm && timeout 10 $B/bin/graft-hvt --no-ctl $B/images/hello.hvt" 2>&1); rc=$?
	ok "hvt: a /dev/kvm that is not KVM is one line naming it" '[ $rc -ne 0 ] && [ $(wc -l <<<"$err") -eq 1 ] && grep -q "/dev/kvm: " <<<"$err"'
else
	echo "# no-/dev/kvm checks skipped: they need root, unshare and hvt"
fi
echo "1..$n"
