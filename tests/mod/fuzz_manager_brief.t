#!/usr/bin/env bash
# A brief run of the module manager's fuzzer (tests/mod/fuzz_manager.c)
# over the example modules, both formats (make fuzz-manager runs it
# longer): no crash, no sanitizer report, no module, page, timer or heap
# byte left behind after any input.  On failure the reason (the target's
# "fuzz_manager: ..." line or the sanitizer's summary) is in the test's
# description, and the reason, the failing input's path and the kept log's
# path are also on stderr, which prove shows.
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
fuzz=$build/tests/mod/fuzz_manager
seeds=$build/tests/mod/fuzz-manager-seeds
if [ ! -x "$fuzz" ] || [ ! -d "$seeds" ]; then
	echo "1..0 # SKIP $fuzz not built (needs clang with libFuzzer)"
	exit 0
fi
. tests/lib/fuzz_report.sh
echo "1..1"
corpus=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$corpus" "$log"' EXIT

timeout 120 "$fuzz" -max_total_time=15 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$build/tests/mod/fuzz-manager-" \
	"$corpus" "$seeds" >"$log" 2>&1
status=$?
if [ "$status" -eq 0 ]; then
	echo "ok 1 - 15 s of fuzzing the manager's load, run, upgrade and unload: $(ls "$corpus" | wc -l) inputs kept"
	exit 0
fi
fuzz_fail "$log" "$status" "the manager fuzzer" \
	"$build/tests/mod/fuzz-manager-failed-$(date +%Y%m%dT%H%M%S)-$$.log" \
	fuzz_manager
