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
runner=$build/bin/graft-wasm-bench
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

$table
EOS
)
perf_doc_section wasm "$section"
