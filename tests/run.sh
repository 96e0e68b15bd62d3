#!/usr/bin/env bash
# Runs every test under prove and ends with the line "N passed, N failed",
# counting individual checks.  --quick runs the unit tests only.
set -u
cd "$(dirname "$0")/.."
build=${BUILD:-build}
if [ "${1:-}" = --quick ]; then
	dirs=("$build/tests")
else
	dirs=("$build/tests" tests)
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
prove -r -j2 --timer "${dirs[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log" | tail -n 1)
total=${total:-0}
failed=$(sed -n 's/.*Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' "$log" |
	awk '{s += $1} END {print s + 0}')
# A file that died or exited non-zero without a failed check still counts.
dead=$(grep -cE '(Wstat: [1-9]|No plan found|Bad plan)' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=$((dead > 0 ? dead : 1))
fi
echo "$((total - failed < 0 ? 0 : total - failed)) passed, $failed failed"
exit "$status"
