# Reads examples/timers' output ("NAME tick I at D ms, L us late") and
# checks that its lines come in deadline order, allowing for stalls: a
# line may come after one with a later deadline only if its own fiber
# woke at least that much later than its deadline (the host stalled the
# instance past both, and the fibers then ran in turn).  Exits 1 and
# names the first pair that breaks this; exits 2 if no tick was seen.
$2 == "tick" && $4 == "at" {
	d = $5 + 0          # deadline, ms from start
	late = $7 / 1000.0  # ms
	if (n && maxd > d && late + 1 < maxd - d) {
		printf "%s (deadline %d ms, %.1f ms late) after %s (deadline %d ms)\n",
		    $1 " tick " $3, d, late, maxname, maxd
		bad = 1
		exit 1
	}
	if (!n || d > maxd) {
		maxd = d
		maxname = $1 " tick " $3
	}
	n++
}
END {
	if (bad)
		exit 1
	if (!n) {
		print "no tick lines"
		exit 2
	}
}
