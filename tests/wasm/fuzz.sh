#!/usr/bin/env bash
# Runs the lib/wasm libFuzzer target for $1 seconds (default 60), seeded
# with the modules of a few spec test scripts (converted by wast2json).
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
bin=${BUILD:-build}/fuzz/wasm-fuzz
suite=${WASM_TESTSUITE:-../shared/wasm-testsuite}
[ -d "$suite" ] || suite=/work/shared/wasm-testsuite
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds"
if command -v wast2json >/dev/null && [ -d "$suite" ]; then
	for n in call_indirect br_table loop memory_grow table_grow bulk \
		ref_func global fac block; do
		[ -f "$suite/$n.wast" ] &&
			wast2json "$suite/$n.wast" -o "$work/seeds/$n.json" \
				>/dev/null 2>&1 || true
	done
	cp "$work"/seeds/*.wasm "$work/corpus/" 2>/dev/null || true
fi
"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=8192 \
	-print_final_stats=1 "$work/corpus" 2>&1 | tail -n 25
