# fuzz_fail LOG STATUS WHAT KEEP [TARGET-PREFIX]: report a failed brief
# libFuzzer run as TAP test 1.  The description carries the reason in one
# line: the target's own abort reason ("TARGET-PREFIX: ..."), else the
# first sanitizer or libFuzzer summary.  The reason, the input libFuzzer
# wrote and a kept copy of the log (KEEP) go out as comments and also on
# stderr, which prove shows for a failing script where it hides comments.
fuzz_fail() {
	local log=$1 status=$2 what=$3 keep=$4 prefix=${5:-} why artifact diag
	why=$( { [ -n "$prefix" ] && grep -a -m1 "^$prefix: " "$log"; } ||
		grep -a -m1 '^SUMMARY: ' "$log" ||
		grep -a -m1 'ERROR: ' "$log" ||
		tail -n 1 "$log")
	[ "$status" -eq 124 ] && why="did not end in time; $why"
	artifact=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log" |
		head -n 1)
	cp "$log" "$keep"
	echo "not ok 1 - $what failed (exit $status): $why"
	diag=$(
		echo "# failed: $why"
		echo "# input: ${artifact:-none written}"
		echo "# log: $keep"
		tail -n 30 "$log" | sed 's/^/# /'
	)
	printf '%s\n' "$diag"
	printf '%s\n' "$diag" >&2
}
