#!/usr/bin/env bash
# Malformed control requests sent straight to an instance's socket (past
# the graft tool, which would not send them): each gets one answer that
# says what was wrong, and the instance keeps serving, on unix and hvt.
cd "$(dirname "$0")/../.."
B=build
G=$B/bin/graft
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi; }
export GRAFT_RUNTIME_DIR=$(mktemp -d)
trap 'for s in "$GRAFT_RUNTIME_DIR"/*.sock; do $G stop "$s" >/dev/null 2>&1; done; rm -rf "$GRAFT_RUNTIME_DIR"' EXIT

# ask SOCKET HEX: send the bytes, print "STATUS TEXT" of the answer.
ask() {
	perl -MIO::Socket::UNIX -MSocket=SOCK_SEQPACKET -e '
		my $s = IO::Socket::UNIX->new(Type => SOCK_SEQPACKET, Peer => $ARGV[0])
			or die "connect: $!\n";
		$s->send(pack("H*", $ARGV[1])) or die "send: $!\n";
		my $r;
		defined($s->recv($r, 1 << 16)) or die "recv: $!\n";
		my ($magic, $op, $status, $len) = unpack("VVlV", $r);
		printf "%d %s", $status, substr($r, 16, $len);' "$1" "$2"
}
hdr() { perl -e 'print unpack("H*", pack("VVlV", @ARGV))' "$@"; }
MAGIC=1280590663 # CTL_MAGIC

. tests/lib/targets.sh
targets_available unix hvt
targets=$TARGETS
for t in $targets; do
	timeout 60 $G run -t $t --name bad-$t $B/images/modhost.$t >/dev/null 2>&1 &
	for _ in $(seq 100); do $G ping bad-$t >/dev/null 2>&1 && break; sleep 0.05; done
	S=$GRAFT_RUNTIME_DIR/bad-$t.sock
	out=$(ask $S 0102030405)
	ok "$t: a request shorter than its header is refused" 'grep -q "^-13 request of 5 bytes is shorter than its header" <<<"$out"'
	out=$(ask $S "$(hdr 305419896 1 0 0)")
	ok "$t: a bad magic is refused" 'grep -q "^-13 request with a bad magic" <<<"$out"'
	out=$(ask $S "$(hdr $MAGIC 1 0 100)")
	ok "$t: a length that is not the payload's is refused" 'grep -q "^-13 .*100 payload bytes claimed, 0 sent" <<<"$out"'
	out=$(ask $S "$(hdr $MAGIC 77 0 0)")
	ok "$t: an unknown request is refused naming it" 'grep -q "^-11 unknown request 77" <<<"$out"'
	out=$(ask $S "$(hdr $MAGIC 3 0 3)610062")
	ok "$t: an unload whose name holds a NUL is refused" 'grep -q "^-1 unload: the request does not hold a module name" <<<"$out"'
	out=$(ask $S "$(hdr $MAGIC 10 0 2)6869")
	ok "$t: a send without a module name is refused" 'grep -q "^-1 send: the request does not start with a module name" <<<"$out"'
	out=$(ask $S "$(hdr $MAGIC 2 0 4)7f454c46")
	ok "$t: a load of four bytes of ELF magic is refused by the loader" 'grep -q "^-13 module" <<<"$out"'
	ok "$t: the instance still answers" '$G ping bad-$t >/dev/null && $G ls bad-$t | grep -q "^NAME"'
	$G stop bad-$t >/dev/null
	wait
done
echo "1..$n"
