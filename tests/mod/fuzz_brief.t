#!/usr/bin/env bash
# A brief run of the module validator/linker fuzzer over the real fixture
# objects (make fuzz-mod runs it longer): no crash, no leak, no W+X.
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
fuzz=$build/tests/mod/fuzz_mod
seeds=$build/tests/mod/fuzz-seeds
if [ ! -x "$fuzz" ] || [ ! -d "$seeds" ]; then
	echo "1..0 # SKIP $fuzz not built (needs clang with libFuzzer)"
	exit 0
fi
. tests/lib/fuzz_report.sh
echo "1..1"
corpus=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$corpus" "$log"' EXIT
timeout 120 "$fuzz" -max_total_time=15 -timeout=5 \
	-artifact_prefix="$build/tests/mod/fuzz-" "$corpus" "$seeds" >"$log" 2>&1
status=$?
if [ "$status" -eq 0 ]; then
	echo "ok 1 - 15 s of fuzzing the module validator and linker: $(ls "$corpus" | wc -l) inputs kept"
else
	fuzz_fail "$log" "$status" "the module fuzzer" \
		"$build/tests/mod/fuzz-failed-$(date +%Y%m%dT%H%M%S)-$$.log"
fi
