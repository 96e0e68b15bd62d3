#!/usr/bin/env bash
# Runs the FAT libFuzzer target (make fuzz-fs) for a short while over its
# seed corpus: mounting, walking and changing mutated images must never
# crash, leak or overrun (AddressSanitizer).
cd "$(dirname "$0")/../.." || exit 1
build=${BUILD:-build}
fuzz=$build/fuzz/fat_fuzz
seeds=$build/fuzz/fat-seeds
if [ ! -x "$fuzz" ] || [ ! -d "$seeds" ]; then
	echo "1..0 # SKIP $fuzz not built (make test-build)"
	exit 0
fi
echo "1..2"
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp "$seeds"/fat* "$corpus"/
if "$fuzz" -runs=0 "$corpus" >"$corpus.log" 2>&1; then
	echo "ok 1 - the seed images mount and walk cleanly"
else
	echo "not ok 1 - the seed images mount and walk cleanly"
	sed 's/^/# /' "$corpus.log" | tail -30
fi
if "$fuzz" -max_total_time="${FS_FUZZ_BRIEF:-20}" -timeout=10 \
	-max_len=524288 -seed=1 "$corpus" >"$corpus.log" 2>&1; then
	echo "ok 2 - $(grep -o 'Done [0-9]* runs' "$corpus.log" | head -1) of mutated images without a fault"
else
	echo "not ok 2 - mutated images fault the FAT code"
	grep -A40 'ERROR\|==ERROR' "$corpus.log" | sed 's/^/# /' | head -60
fi
rm -f "$corpus.log"
