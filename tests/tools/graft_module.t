#!/usr/bin/env bash
# graft module build makes a loadable module (an ELF relocatable object
# with its symbol-version records), which graft load, ls and unload then
# take through a running unix instance; a missing source is one line.
. "$(dirname "$0")/lib.sh"
src=$ROOT/tests/integration/modules/counter.c
err=$(cd "$T" && timeout 60 $GRAFT module build -o counter.o "$src" 2>&1); rc=$?
ok "graft module build succeeds" '[ $rc -eq 0 ] && [ -s "$T/counter.o" ]' || echo "# $err"
hdr=$(readelf -hS "$T/counter.o" 2>&1)
ok "the module is an ELF relocatable object" 'grep -q "Type: *REL " <<<"$hdr"'
ok "the module carries .graft_symver" 'grep -q "\.graft_symver" <<<"$hdr"'
err=$(timeout 10 $GRAFT module build -o "$T/x.o" "$T/nosuch.c" 2>&1); rc=$?
ok "a missing source is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "source .*nosuch.c.: No such file" <<<"$err"'
err=$(timeout 10 $GRAFT module build "$src" 2>&1); rc=$?
ok "no -o prints the usage" '[ $rc -ne 0 ] && grep -q "^usage: graft module build" <<<"$err"'
err=$(timeout 10 $GRAFT module frob 2>&1); rc=$?
ok "graft module without build prints the usage" '[ $rc -ne 0 ] && grep -q "^usage: graft module build" <<<"$err"'

timeout 30 $GRAFT run --name mod-unix $B/images/modhost.unix >"$T/out" 2>&1 &
inst=$!
cleanup_hooks+=('kill $inst 2>/dev/null')
for i in $(seq 50); do
	$GRAFT ping --timeout 2 mod-unix >/dev/null 2>&1 && break
	sleep 0.1
done
out=$($GRAFT load mod-unix "$T/counter.o" 2>&1); rc=$?
ok "graft load: the module is loaded" '[ $rc -eq 0 ] && grep -q "module .counter. loaded" <<<"$out"' || echo "# $out"
out=$($GRAFT ls mod-unix 2>&1)
ok "graft ls lists it live" 'grep -Eq "^counter +1\.0 +live" <<<"$out"' || echo "# $out"
out=$($GRAFT ls --gdb mod-unix 2>&1)
ok "graft ls --gdb prints add-symbol-file" 'grep -q "^add-symbol-file counter.o -s .text 0x" <<<"$out"' || echo "# $out"
out=$($GRAFT unload mod-unix counter 2>&1); rc=$?
ok "graft unload: the module is gone" '[ $rc -eq 0 ] && grep -q "unloaded" <<<"$out" && ! $GRAFT ls mod-unix | grep -q "^counter"'
$GRAFT stop mod-unix >/dev/null 2>&1
wait $inst; rc=$?
ok "the instance stops with 0" '[ $rc -eq 0 ]'
echo "1..$n"
