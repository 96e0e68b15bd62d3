#!/usr/bin/env bash
# A brief run of the module manager's fuzzer (tests/mod/fuzz_manager.c)
# over the example modules, both formats (make fuzz-manager runs it
# longer): no crash, no sanitizer report, no module, page, timer or heap
# byte left behind after any input.
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
fuzz=$build/tests/mod/fuzz_manager
seeds=$build/tests/mod/fuzz-manager-seeds
if [ ! -x "$fuzz" ] || [ ! -d "$seeds" ]; then
	echo "1..0 # SKIP $fuzz not built (needs clang with libFuzzer)"
	exit 0
fi
echo "1..1"
corpus=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$corpus" "$log"' EXIT
if timeout 120 "$fuzz" -max_total_time=15 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$build/tests/mod/fuzz-manager-" "$corpus" "$seeds" \
	>"$log" 2>&1; then
	echo "ok 1 - 15 s of fuzzing the manager's load, run, upgrade and unload: $(ls "$corpus" | wc -l) inputs kept"
else
	echo "not ok 1 - the manager fuzzer found a failure"
	tail -n 30 "$log" | sed 's/^/# /'
fi
