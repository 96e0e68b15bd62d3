#!/usr/bin/env bash
# Runs the libFuzzer target over raw frames (build/fuzz/net-frames) for a
# few seconds: no crash, no sanitizer report, memory within the caps.
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
fuzz=$build/fuzz/net-frames
if [ ! -x "$fuzz" ]; then
	echo "1..0 # SKIP fuzz target not built ($fuzz; needs clang)"
	exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "1..1"
if timeout 60 "$fuzz" -max_total_time=10 -max_len=4096 -seed=1 \
	"$dir" >"$dir/log" 2>&1; then
	echo "ok 1 - raw frames for 10 s: no crash ($(grep -o 'cov: [0-9]*' "$dir/log" | tail -n 1))"
else
	echo "not ok 1 - fuzzing raw frames found a problem"
	grep -E 'ERROR|SUMMARY|==' "$dir/log" | head -n 20 | sed 's/^/# /'
	exit 1
fi
