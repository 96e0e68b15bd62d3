#!/usr/bin/env bash
# Runs the libFuzzer target over raw frames (build/fuzz/net-frames) for a
# few seconds: no crash, no sanitizer report, memory within the caps.
# Seeds: ACKs aimed at the live connection (record step bit 1) carrying
# SACK blocks, honest and bogus, so that mutations start from the
# scoreboard and SACK recovery rather than from the checksum.
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
mkdir "$dir/corpus" "$dir/seeds"

# sack_ack blocks...: one record, an ACK aimed at the connection with the
# given SACK blocks, each "lo hi" as offsets from snd_una
sack_ack() {
	local n=$(($# / 2)) tl olen
	olen=$((2 + 8 * n))
	tl=$((20 + 4 + 8 * n))
	printf '%04x02' $((14 + 20 + tl))
	printf '020000000002020000000001''0800'
	printf '4500%04x000000004006000000000000''00000000' $((20 + tl))
	printf '0000000000000000''00000000%02x10ffff00000000' $((tl / 4 << 4))
	printf '0101''05%02x' $olen
	while [ $# -ge 2 ]; do
		printf '%08x%08x' $(($1 & 0xffffffff)) $(($2 & 0xffffffff))
		shift 2
	done
}
seed() { # seed name records...: a first byte of 0 (no offloads)
	local name=$1
	shift
	printf "$(printf '00%s' "$*" | tr -d ' ' | sed 's/../\\x&/g')" \
		>"$dir/seeds/$name"
}
seed sack-one "$(sack_ack 1448 2896)"
seed sack-recovery "$(sack_ack 1448 2896)" "$(sack_ack 1448 5792)" \
	"$(sack_ack 1448 5792 7240 8688)"
seed sack-bogus "$(sack_ack 2896 1448 -100 -50 0x80000000 1000)" \
	"$(sack_ack 0 0 12000 13000 1 0x7fffffff)"

echo "1..1"
if timeout 60 "$fuzz" -max_total_time=10 -max_len=4096 -seed=1 \
	"$dir/corpus" "$dir/seeds" >"$dir/log" 2>&1; then
	echo "ok 1 - raw frames for 10 s: no crash ($(grep -o 'cov: [0-9]*' "$dir/log" | tail -n 1))"
else
	echo "not ok 1 - fuzzing raw frames found a problem"
	grep -E 'ERROR|SUMMARY|==' "$dir/log" | head -n 20 | sed 's/^/# /'
	exit 1
fi
