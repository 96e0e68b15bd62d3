#!/usr/bin/env bash
# The control-channel client against a fake instance (fake_instance.py):
# request framing (header, op, payload bytes for load, unload, send;
# messages larger than the default socket buffer), answers printed on
# stdout, refusals on stderr as
# "graft: INSTANCE: TEXT" with status 1, malformed answers, timeouts; and
# the one-line errors for a missing instance, a dead socket, an unreadable
# file and a module larger than the channel takes.
. "$(dirname "$0")/lib.sh"
err=$($GRAFT load nosuch "$B/images/hello.unix" 2>&1); rc=$?
ok "load into a missing instance: one line naming it" '[ $rc -ne 0 ] && one_line "$err" && grep -q "instance .nosuch.: not running" <<<"$err"'
err=$($GRAFT ping "$T/no.sock" 2>&1); rc=$?
ok "a missing socket path is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "control socket .*no.sock.: No such file" <<<"$err"'
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.bind(sys.argv[1])' "$GRAFT_RUNTIME_DIR/dead.sock"
err=$($GRAFT ping dead 2>&1); rc=$?
ok "a dead socket (nobody listening) is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "instance .dead.: control socket .*refuses connections" <<<"$err"'
: >"$T/plain"
err=$($GRAFT ping "$T/plain" 2>&1); rc=$?
ok "a file that is not a socket is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "is not a socket" <<<"$err"'

if ! command -v python3 >/dev/null; then
	skip "python3 absent: no fake instance"
	echo "1..$n"
	exit 0
fi
sock=$GRAFT_RUNTIME_DIR/fake.sock
timeout 60 python3 "$(dirname "$0")/fake_instance.py" "$sock" &
fake=$!
cleanup_hooks+=('kill $fake 2>/dev/null')
for i in $(seq 50); do [ -e "$sock.ready" ] && break; sleep 0.1; done

out=$($GRAFT ping fake 2>&1); rc=$?
ok "ping by name: the answer's text on stdout" '[ $rc -eq 0 ] && [ "$out" = "op 1 length 0 framing ok crc 00000000" ]' || echo "# $out"
head -c 100000 /dev/urandom >"$T/small.o"
out=$($GRAFT load "$sock" "$T/small.o" 2>&1); rc=$?
crc=$(python3 -c 'import sys,zlib; print("%08x" % zlib.crc32(open(sys.argv[1],"rb").read()))' "$T/small.o")
ok "load sends the file's bytes as the payload" '[ $rc -eq 0 ] && [ "$out" = "op 2 length 100000 framing ok crc $crc" ]' || echo "# $out"
head -c 3000000 /dev/urandom >"$T/big.o"
crc=$(python3 -c 'import sys,zlib; print("%08x" % zlib.crc32(open(sys.argv[1],"rb").read()))' "$T/big.o")
out=$($GRAFT upgrade fake "$T/big.o" 2>&1); rc=$?
ok "a 3 MB module goes in one message (send buffer raised)" '[ $rc -eq 0 ] && [ "$out" = "op 4 length 3000000 framing ok crc $crc" ]' || echo "# $out"
out=$($GRAFT unload fake counter 2>&1); rc=$?
ok "unload sends the name" '[ $rc -eq 0 ] && grep -q "^op 3 length 7 framing ok" <<<"$out"'
out=$($GRAFT ls fake 2>&1)
ok "ls is CTL_OP_LIST" 'grep -q "^op 5 length 0 framing ok" <<<"$out"'
out=$($GRAFT ls --gdb fake 2>&1)
ok "ls --gdb is CTL_OP_LIST_GDB" 'grep -q "^op 9 length 0 framing ok" <<<"$out"'
crc=$(printf 'echo\0hi there' | python3 -c 'import sys,zlib; print("%08x" % zlib.crc32(sys.stdin.buffer.read()))')
out=$($GRAFT send fake echo "hi there" 2>&1)
ok "send is op 10 with MODULE NUL MESSAGE" '[ "$out" = "op 10 length 13 framing ok crc $crc" ]' || echo "# $out"
for c in seal:6 stop:7 stats:8 recv:11; do
	cmd=${c%:*} op=${c#*:}
	out=$($GRAFT $cmd fake 2>&1)
	ok "$cmd is op $op" 'grep -q "^op $op length 0 framing ok" <<<"$out"'
done
out=$($GRAFT unload fake refuse 2>"$T/err"); rc=$?
err=$(cat "$T/err")
ok "a refusal: status 1, nothing on stdout" '[ $rc -eq 1 ] && [ -z "$out" ]'
ok "a refusal: graft: INSTANCE: TEXT on stderr" '[ "$err" = "graft: fake: module '\''x'\'': refused for the test" ]' || echo "# $err"
for m in badmagic badop short; do
	err=$($GRAFT unload fake $m 2>&1); rc=$?
	ok "a malformed answer ($m) is one line" '[ $rc -ne 0 ] && one_line "$err" && grep -q "instance .fake.: malformed answer" <<<"$err"' || echo "# $err"
done
start=$(date +%s)
err=$($GRAFT unload --timeout 1 fake silent 2>&1); rc=$?
ok "no answer: a timeout error after --timeout" '[ $rc -ne 0 ] && one_line "$err" && grep -q "no answer within 1 s" <<<"$err" && [ $(($(date +%s) - start)) -le 2 ]' || echo "# $err"
err=$($GRAFT unload fake close 2>&1); rc=$?
ok "a connection closed without answer is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "closed without an answer" <<<"$err"'
err=$($GRAFT ping --timeout soon fake 2>&1); rc=$?
ok "a bad --timeout is refused" '[ $rc -ne 0 ] && one_line "$err" && grep -q "\-\-timeout .soon." <<<"$err"'

err=$($GRAFT load fake "$T/nofile.o" 2>&1); rc=$?
ok "a missing module file is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "module .*nofile.o.: No such file" <<<"$err"'
err=$($GRAFT load fake "$T" 2>&1); rc=$?
ok "a directory is not a module" '[ $rc -ne 0 ] && one_line "$err" && grep -q "not a regular file" <<<"$err"'
: >"$T/empty.o"
err=$($GRAFT load fake "$T/empty.o" 2>&1); rc=$?
ok "an empty module is refused" '[ $rc -ne 0 ] && one_line "$err" && grep -q "empty file" <<<"$err"'
head -c 4194304 /dev/urandom >"$T/4mb.o"
crc=$(python3 -c 'import sys,zlib; print("%08x" % zlib.crc32(open(sys.argv[1],"rb").read()))' "$T/4mb.o")
out=$($GRAFT upgrade fake "$T/4mb.o" 2>&1); rc=$?
ok "a module of CTL_MAX_MESSAGE bytes goes in one message" '[ $rc -eq 0 ] && [ "$out" = "op 4 length 4194304 framing ok crc $crc" ]' || echo "# $out"
truncate -s 5M "$T/huge.o"
err=$($GRAFT load fake "$T/huge.o" 2>&1); rc=$?
ok "a module larger than CTL_MAX_MESSAGE is refused" '[ $rc -ne 0 ] && one_line "$err" && grep -q "more than the control channel takes" <<<"$err"'
if [ "$(id -u)" -ne 0 ]; then
	chmod 000 "$T/small.o"
	err=$($GRAFT load fake "$T/small.o" 2>&1); rc=$?
	ok "an unreadable module is named" '[ $rc -ne 0 ] && one_line "$err" && grep -q "Permission denied" <<<"$err"'
else
	skip "root reads any file: no unreadable-file check"
fi
echo "1..$n"
