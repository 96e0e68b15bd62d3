#!/usr/bin/env bash
# The block path of real instances on unix and hvt (tests/fs/blkcheck runs
# inside): misaligned, out-of-range and read-only requests are refused with
# the right error; writes reach the disk file in the order made, and all of
# them are in the file once the guest's flush returns (the instance is then
# killed with SIGKILL, so nothing after the flush can help).
IMAGES=blkcheck TOOLS="perl cmp"
. "$(dirname "$0")/instance_lib.sh"

# The file blkcheck's pattern should leave (see blkcheck.c), 4 MiB.
perl -e 'sub sec { my ($s, $p) = @_;
		join "", map { chr(($s * 7 + $_ + $p * 13) & 255) } 0 .. 511 }
	for my $s (0 .. 2047) {
		print sec($s, $s == 150 ? 3 : $s >= 100 && $s < 200 ? 2 : 1) }
	print "\0" x (3 * 1024 * 1024)' >"$tmp/expect"

for t in $targets; do
	L=$B/bin/graft-$t
	truncate -s 4M "$tmp/a.img" "$tmp/b.img"
	out=$(timeout 20 $L --disk "$tmp/a.img" --disk "$tmp/b.img:ro" \
		$B/images/blkcheck.$t -- errors 2>&1)
	rc=$?
	while read -r line; do
		case $line in
		"ok - "* | "not ok - "*)
			n=$((n + 1))
			echo "${line%% - *} $n - $t: ${line#* - }"
			;;
		*) echo "# $line" ;;
		esac
	done <<<"$out"
	ok "$t: blkcheck errors exits 0" '[ $rc -eq 0 ]'

	rm -f "$tmp/a.img" "$tmp/out.$t" && truncate -s 4M "$tmp/a.img"
	$L --disk "$tmp/a.img" $B/images/blkcheck.$t -- pattern \
		>"$tmp/out.$t" 2>&1 &
	pid=$!
	wait_for_line "$tmp/out.$t" '^flushed'
	kill_instance $pid
	ok "$t: the guest flushed" 'grep -q "^flushed" "$tmp/out.$t"' ||
		sed 's/^/# /' "$tmp/out.$t"
	ok "$t: every write is in the file, in order, after SIGKILL" \
		'cmp -s "$tmp/a.img" "$tmp/expect"'
done
echo "1..$n"
