#!/usr/bin/env bash
# graft run boots hello and timers on each target, with -t or from the
# image's note; hands the tender its options and the guest the kernel's
# options before the application's arguments; passes the exit status
# through; refuses unknown targets, missing images and images built for
# another target with one-line errors.
. "$(dirname "$0")/lib.sh"
for t in $TARGETS; do
	out=$(timeout 20 $GRAFT run -t $t $B/images/hello.$t -- one "two words" 2>&1); rc=$?
	ok "$t: hello exits 0" '[ $rc -eq 0 ]'
	ok "$t: hello greets" 'grep -q "^Hello from graft!" <<<"$out"'
	ok "$t: hello prints its arguments" 'grep -q "^argv\[2\] = two words" <<<"$out"'
	out=$(timeout 20 $GRAFT run $B/images/hello.$t --mem 64M -- x 2>&1); rc=$?
	ok "$t: without -t the image's note names the target" '[ $rc -eq 0 ] && grep -q "^argv\[1\] = x" <<<"$out"'
	out=$(timeout 20 $GRAFT run -t $t $B/images/timers.$t 2>&1); rc=$?
	ok "$t: timers interleave and finish" '[ $rc -eq 0 ] && grep -q "timers done" <<<"$out"'
	other=$([ $t = unix ] && echo hvt || echo unix)
	err=$(timeout 10 $GRAFT run -t $t $B/images/hello.$other 2>&1); rc=$?
	ok "$t: an image for $other is refused" '[ $rc -ne 0 ] && one_line "$err" && grep -q "built for target .$other., not $t" <<<"$err"'
done
err=$(timeout 10 $GRAFT run -t nosuch $B/images/hello.unix 2>&1); rc=$?
ok "an unknown target is refused, listing the targets" '[ $rc -ne 0 ] && one_line "$err" && grep -q "unknown target .nosuch. (targets: .*hvt.*unix" <<<"$err"'
err=$(timeout 10 $GRAFT run -t unix "$T/missing.unix" 2>&1); rc=$?
ok "a missing image is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "image .*missing.unix.: No such file" <<<"$err"'
err=$(timeout 10 $GRAFT run /etc/hostname 2>&1); rc=$?
ok "a file that is no image is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "image ./etc/hostname.: not an ELF file" <<<"$err"'
err=$(timeout 10 $GRAFT run --mem lots $B/images/hello.unix 2>&1); rc=$?
ok "a bad --mem is refused" '[ $rc -ne 0 ] && one_line "$err" && grep -q "\-\-mem .lots.: not a size" <<<"$err"'
err=$(timeout 10 $GRAFT run --ip 192.0.2.2 $B/images/hello.unix 2>&1); rc=$?
ok "--ip without a prefix length is refused" '[ $rc -ne 0 ] && one_line "$err" && grep -q "\-\-ip .192.0.2.2.: not an IPv4 address with a prefix" <<<"$err"'
err=$(timeout 10 $GRAFT run --gw 300.1.1.1 $B/images/hello.unix 2>&1); rc=$?
ok "a bad --gw is refused" '[ $rc -ne 0 ] && one_line "$err" && grep -q "\-\-gw .300.1.1.1." <<<"$err"'
err=$(timeout 10 $GRAFT run --dhcp --ip 192.0.2.2/24 $B/images/hello.unix 2>&1); rc=$?
ok "--dhcp with --ip is refused" '[ $rc -ne 0 ] && one_line "$err"'
err=$(timeout 10 $GRAFT run -t unix 2>&1); rc=$?
ok "no image prints the usage" '[ $rc -ne 0 ] && grep -q "^usage: graft run" <<<"$err"'

# What the tender is given: a copy of graft beside a stand-in tender that
# prints its arguments and exits 7.
mkdir -p "$T/bin"
cp "$GRAFT" "$T/bin/graft"
printf '#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\nexit 7\n' >"$T/bin/graft-unix"
chmod +x "$T/bin/graft-unix"
out=$(GRAFT_BUILD=$B GRAFT_ROOT=$ROOT timeout 10 "$T/bin/graft" run \
	--mem 64M --net tapA --net tapB --disk d.img:ro --name web \
	--module m1.o --module m2.o --module-dir /mods --ip 192.0.2.2/24 \
	--gw 192.0.2.1 --dns 192.0.2.53 $B/images/hello.unix -- app1 --app2 2>&1); rc=$?
want="[--mem] [64M] [--net] [tapA] [--net] [tapB] [--disk] [d.img:ro] [--name] [web] [--module] [m1.o] [--module] [m2.o] [$B/images/hello.unix] [--] [graft.ip=192.0.2.2/24] [graft.gw=192.0.2.1] [graft.dns=192.0.2.53] [graft.module-dir=/mods] [app1] [--app2]"
ok "the tender gets its options, the image, kernel options, then the arguments" '[ "$(echo $out)" = "$want" ]' || echo "# got: $(echo $out)"
ok "the tender's exit status is passed through" '[ $rc -eq 7 ]'
out=$(GRAFT_BUILD=$B GRAFT_ROOT=$ROOT timeout 10 "$T/bin/graft" run --dhcp $B/images/hello.unix 2>&1)
ok "--dhcp becomes graft.dhcp" '[ "$(echo $out)" = "[$B/images/hello.unix] [--] [graft.dhcp]" ]' || echo "# got: $(echo $out)"
out=$(GRAFT_BUILD=$B GRAFT_ROOT=$ROOT timeout 10 "$T/bin/graft" run $B/images/hello.unix 2>&1)
ok "no arguments: no '--'" '[ "$(echo $out)" = "[$B/images/hello.unix]" ]' || echo "# got: $(echo $out)"
err=$(GRAFT_BUILD=$B GRAFT_ROOT=$ROOT timeout 10 "$T/bin/graft" run $B/images/hello.hvt 2>&1); rc=$?
ok "a target whose tender is not built is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "target .hvt.: tender .*graft-hvt." <<<"$err"'
out=$(GRAFT_BUILD=$B GRAFT_ROOT=$ROOT timeout 10 "$T/bin/graft" run --seal-after-boot $B/images/hello.unix 2>&1)
ok "--seal-after-boot becomes graft.seal-after-boot" '[ "$(echo $out)" = "[$B/images/hello.unix] [--] [graft.seal-after-boot]" ]' || echo "# got: $(echo $out)"
err=$($B/bin/graft run --machine microvm $B/images/hello.unix 2>&1); rc=$?
ok "--machine on a target other than virtio is refused" '[ $rc -ne 0 ] && one_line "$err" && grep -q "only the virtio target" <<<"$err"'
if [ -e $B/images/hello.virtio ]; then
	out=$($B/bin/graft run --print-cmd --machine microvm $B/images/hello.virtio 2>&1); rc=$?
	ok "--machine and --print-cmd reach graft-virtio" '[ $rc -eq 0 ] && grep -q "^qemu-system-x86_64 -machine microvm" <<<"$out"'
fi
echo "1..$n"
