#!/usr/bin/env bash
# examples/fsutil (hosted build) over an mkfs.fat volume: each command does
# what it says, as mtools and fsck.fat see it afterwards.
cd "$(dirname "$0")/../.." || exit 1
fsutil=${BUILD:-build}/host/examples/fsutil/fsutil-host
for p in mkfs.fat mtype fsck.fat; do
	command -v $p >/dev/null || { echo "1..0 # SKIP $p missing"; exit 0; }
done
[ -x "$fsutil" ] || { echo "1..0 # SKIP $fsutil not built"; exit 0; }
export MTOOLS_SKIP_CHECK=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
img=$tmp/vol.img
mkfs.fat -C -F 32 "$img" 40960 >/dev/null
n=0
check() { # description, command...
	local what=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		sed 's/^/# /' "$tmp/out"
	fi
}
out=$("$fsutil" "$img" mkdir /docs write "/docs/A long name.txt" hello \
	cat "/docs/A long name.txt")
check "mkdir, write and cat in one run" test "$out" = hello
check "mtools reads what fsutil wrote" \
	sh -c "mtype -i '$img' '::/docs/A long name.txt' | grep -qx hello"
check "ls lists it" sh -c "'$fsutil' '$img' ls /docs | grep -q ' A long name.txt\$'"
check "mv renames" "$fsutil" "$img" mv "/docs/A long name.txt" /docs/b.txt
check "the old name is gone" sh -c "! '$fsutil' '$img' cat '/docs/A long name.txt'"
check "rm removes" "$fsutil" "$img" rm /docs/b.txt rm /docs
check "df reports the volume" sh -c "'$fsutil' '$img' df | grep -q '^fat32: '"
check "a failing command stops the run with a reason" \
	sh -c "'$fsutil' '$img' cat /nope mkdir /never | grep -q 'no such entry' && ! '$fsutil' '$img' ls /never"
check "fsck.fat -n finds the volume clean" fsck.fat -n "$img"
echo "1..$n"
