#!/usr/bin/env bash
# The wasm benchmark: builds kernels.c natively (gcc -O2) and to wasm32
# (clang -O2, wasm-ld), runs it natively, under lib/wasm (graft-wasm-bench)
# and under node (V8) in the same run, checks that the checksums match,
# prints per-kernel ratios to native and their geometric mean, and writes
# them to docs/PERFORMANCE.md under "## wasm".
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
build=${BUILD:-build}
out=$build/bench/wasm
mkdir -p "$out"
gcc -O2 -o "$out/native" bench/wasm/native.c
clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export-dynamic \
	-o "$out/kernels.wasm" bench/wasm/kernels.c
# A module of about 100 KiB of code for the load and instantiate time:
# 480 generated functions of integer mixing, all exported.
awk 'BEGIN {
	for (i = 0; i < 480; i++) {
		printf "__attribute__((export_name(\"f%d\"))) unsigned f%d(unsigned x, unsigned y)\n{\n", i, i
		for (j = 0; j < 6; j++)
			printf "\tif (x & %d) y += x * %uu; else y ^= x >> %d;\n\tx = (x << %d) | (x >> %d);\n",
				2 ^ j, 2654435761 + i * 7 + j, j + 1, j + 3, 29 - j
		printf "\treturn x ^ y;\n}\n"
	}
}' >"$out/big.c"
clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o "$out/big.wasm" "$out/big.c"
runner=$build/bin/graft-wasm-bench
"$runner" --load "$out/big.wasm" >"$out/load.txt"
"$out/native" >"$out/native.txt"
"$runner" "$out/kernels.wasm" >"$out/graft.txt" 2>"$out/graft.err"
have_node=0
if command -v node >/dev/null; then
	node bench/wasm/node_runner.js "$out/kernels.wasm" >"$out/node.txt"
	have_node=1
fi
table=$(awk -v have_node=$have_node '
	FILENAME ~ /native/ { nsum[$1] = $2; nt[$1] = $3; order[++n] = $1 }
	FILENAME ~ /graft/ { gsum[$1] = $2; gt[$1] = $3 }
	FILENAME ~ /node/ { vsum[$1] = $2; vt[$1] = $3 }
	END {
		printf "| kernel | native s | graft s | graft/native | node s | node/native |\n"
		printf "| --- | --- | --- | --- | --- | --- |\n"
		lg = 0; lv = 0; bad = 0
		for (i = 1; i <= n; i++) {
			k = order[i]
			if (gsum[k] != nsum[k] || (have_node && vsum[k] != nsum[k])) {
				printf "checksum mismatch in %s: native %s graft %s node %s\n", k, nsum[k], gsum[k], vsum[k] > "/dev/stderr"
				bad = 1
			}
			rg = gt[k] / nt[k]; lg += log(rg)
			rv = have_node ? vt[k] / nt[k] : 0; if (have_node) lv += log(rv)
			printf "| %s | %.4f | %.4f | %.1fx | %s | %s |\n", k, nt[k], gt[k], rg,
				have_node ? sprintf("%.4f", vt[k]) : "-", have_node ? sprintf("%.1fx", rv) : "-"
		}
		printf "| **geometric mean** | | | **%.1fx** | | %s |\n", exp(lg / n),
			have_node ? sprintf("**%.1fx**", exp(lv / n)) : "-"
		exit bad
	}' "$out/native.txt" "$out/graft.txt" ${have_node:+"$out/node.txt"})
echo "$table"
section=$(cat <<EOS
## wasm

CPU kernels in C (bench/wasm/kernels.c), built natively with gcc -O2 and to
wasm32 with clang -O2; time of the best run, lower is better; checksums
checked equal across all three.  Produced by \`bash bench/wasm/run.sh\`
(part of \`make bench\`) on $(date -u +%Y-%m-%d), $(nproc) cores.
Module load (decode+validate+compile): $(sed -n 's/^load \(.*\)$/\1/p' "$out/graft.err").
A module of $(awk '{printf "%.0f KiB", $2 / 1024}' "$out/load.txt") of generated code
($out/big.c): decode, validate, compile and instantiate in
$(awk '{print $3}' "$out/load.txt") ms (best of at least 20 runs over half a second; goal: under 1 ms).

$table
EOS
)
perf_doc_section wasm "$section"
