#!/usr/bin/env bash
# Every subcommand answers --help with a manual-page usage line and status
# 0; bad usage and unknown commands are refused with a non-zero status.
. "$(dirname "$0")/lib.sh"
out=$($GRAFT --help); rc=$?
ok "graft --help exits 0 and lists commands" '[ $rc -eq 0 ] && grep -q "^  run " <<<"$out"'
cmds=$(sed -n 's/^  \([a-z]*\) .*/\1/p' <<<"$out")
for c in build run ps module load unload upgrade ls seal stop stats ping; do
	ok "graft --help lists $c" 'grep -qx "$c" <<<"$cmds"'
done
for c in $cmds; do
	out=$($GRAFT $c --help 2>&1); rc=$?
	ok "graft $c --help exits 0 with its usage line" '[ $rc -eq 0 ] && grep -q "^usage: graft $c" <<<"$out"'
done
out=$($GRAFT module build --help 2>&1); rc=$?
ok "graft module build --help exits 0" '[ $rc -eq 0 ] && grep -q "^usage: graft module build" <<<"$out"'
err=$($GRAFT frobnicate 2>&1); rc=$?
ok "an unknown command is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "unknown command .frobnicate." <<<"$err"'
err=$($GRAFT build 2>&1); rc=$?
ok "graft build without arguments prints its usage" '[ $rc -ne 0 ] && grep -q "^usage: graft build" <<<"$err"'
err=$($GRAFT load 2>&1); rc=$?
ok "graft load without arguments prints its usage" '[ $rc -ne 0 ] && grep -q "^usage: graft load" <<<"$err"'
echo "1..$n"
