#!/usr/bin/env bash
# Power cut in an instance: fsutil writes and syncs some files, then keeps
# creating, filling, renaming and removing files beside them until the test
# kills the instance with SIGKILL at a random moment (kill_instance in
# instance_lib.sh).  fsck.fat must then repair the volume to a clean state
# without losing the synced files, and graft must mount the volume,
# repaired or not, without crashing.
# Unsynced work may be lost; that is what sync is for.
IMAGES=fsutil TOOLS="mkfs.fat mtype fsck.fat"
. "$(dirname "$0")/instance_lib.sh"
ROUNDS=${FS_CRASH_ROUNDS:-6}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Synced first, then the work a kill interrupts, in the same directory.
cmds=(mkdir /keep fill /keep/synced 300000 write /keep/marker $'SYNCED\n'
	sync cat /keep/marker)
for i in $(seq 1 30); do
	cmds+=(fill "/keep/tmp $i" 400000 mv "/keep/tmp $i" "/keep/moved $i"
		mkdir "/keep/d$i")
	[ "$i" -gt 1 ] && cmds+=(rm "/keep/moved $((i - 1))")
done
want_sum=$(lines 300000 | cksum)
mkvol() { # round: FAT12, 16 and 32 in turn
	rm -f "$tmp/vol.img"
	case $(($1 % 3)) in
	0) mkfs.fat -C -F 12 -s 8 "$tmp/vol.img" 8192 ;;
	1) mkfs.fat -C -F 16 -s 4 "$tmp/vol.img" 32768 ;;
	2) mkfs.fat -C -F 32 -s 1 "$tmp/vol.img" 65536 ;;
	esac >/dev/null
}
fsutil() { # target, commands...; output in $tmp/out
	local t=$1
	shift
	timeout 30 $B/bin/graft-$t --disk "$tmp/vol.img" $B/images/fsutil.$t \
		-- "$@" >"$tmp/out" 2>&1
}

for t in $targets; do
	# How long the interrupted part takes uninterrupted, to kill within it.
	mkvol 2
	start=$(now_ms)
	fsutil $t "${cmds[@]}"
	rc=$?
	span=$(($(now_ms) - start))
	ok "$t: the whole run completes (${span} ms)" '[ $rc -eq 0 ]'
	for round in $(seq 1 "$ROUNDS"); do
		mkvol "$round"
		rm -f "$tmp/run.out"
		$B/bin/graft-$t --disk "$tmp/vol.img" $B/images/fsutil.$t -- \
			"${cmds[@]}" >"$tmp/run.out" 2>&1 &
		pid=$!
		wait_for_line "$tmp/run.out" '^SYNCED'
		delay=$((RANDOM % (span * 9 / 10 + 1)))
		sleep "$(printf '0.%03d' "$delay")"
		alive=$(kill -0 $pid 2>/dev/null && echo yes || echo no)
		kill_instance $pid
		what="$t: round $round, killed ${delay} ms after sync"
		[ "$alive" = yes ] || what="$what (it had finished)"
		cp "$tmp/vol.img" "$tmp/out"
		fsutil $t ls /keep
		rc=$?
		ok "$what: graft mounts the unrepaired volume, no crash" \
			'[ $rc -le 1 ] && ! grep -qiE "panic|trap|fault|abort" "$tmp/out"'
		fsck.fat -a -w "$tmp/vol.img" >"$tmp/out" 2>&1
		rc=$?
		fsck.fat -n "$tmp/vol.img" >>"$tmp/out" 2>&1
		ok "$what: fsck.fat repairs it to a clean volume" \
			'[ $rc -le 1 ] && [ $? -eq 0 ]'
		fsck.fat -n "$tmp/vol.img" >"$tmp/out" 2>&1
		rc=$?
		ok "$what: fsck.fat -n then finds it clean" '[ $rc -eq 0 ]'
		ok "$what: the synced files are intact (mtools)" \
			'[ "$(mtype -i "$tmp/vol.img" ::/keep/synced | cksum)" = "$want_sum" ] &&
			 [ "$(mtype -i "$tmp/vol.img" ::/keep/marker)" = SYNCED ]'
		fsutil $t sum /keep/synced cat /keep/marker
		ok "$what: graft reads them back" \
			'[ "$(head -n 1 "$tmp/out" | cut -d" " -f1,2)" = "$want_sum" ] &&
			 grep -qx SYNCED "$tmp/out"'
	done
done
echo "1..$n"
