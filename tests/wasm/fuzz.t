#!/usr/bin/env bash
# The lib/wasm fuzz target runs for 20 seconds without a crash, leak or
# sanitizer report.
cd "$(dirname "$0")/../.."
bin=${BUILD:-build}/fuzz/wasm-fuzz
if [ ! -x "$bin" ]; then
	echo "1..0 # SKIP $bin not built (needs clang with libFuzzer)"
	exit 0
fi
echo "1..1"
out=$(bash tests/wasm/fuzz.sh 20 2>&1)
if printf '%s\n' "$out" | grep -q 'Done [0-9]* runs'; then
	echo "ok 1 - fuzzing decode+validate+instantiate+run finds nothing" \
		"($(printf '%s\n' "$out" | grep -o 'Done [0-9]* runs'))"
else
	printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
	echo "not ok 1 - fuzzing decode+validate+instantiate+run"
fi
