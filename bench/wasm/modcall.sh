#!/usr/bin/env bash
# The cost of one callback into a module: the same source
# (bench/wasm/modcall_module.c) as a native and as a bytecode module,
# called through the module manager as a timer firing calls it; a plain
# indirect C call and a bare wasm_func_call for reference.  Writes the
# figures to docs/PERFORMANCE.md under "## Module callbacks".
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
build=${BUILD:-build}
bin=$build/bin/graft-modcall-bench
res=$("$bin" "$build/bench/wasm/modcall.o" "$build/bench/wasm/modcall.wasm")
table=$(awk '
	{ ns[$1] = $2 }
	END {
		printf "| call | ns per call | / native module callback |\n"
		printf "| --- | --- | --- |\n"
		split("c-indirect native bytecode engine", k, " ")
		split("indirect C call (baseline)|native module callback (mod_callback)|bytecode module callback (mod_callback)|bare wasm_func_call, same function", d, "|")
		for (i = 1; i <= 4; i++)
			printf "| %s | %.1f | %.1fx |\n", d[i], ns[k[i]], ns[k[i]] / ns["native"]
	}' <<<"$res")
echo "$table"
section=$(cat <<EOS
## Module callbacks

One callback into a module whose callback only adds its argument to a
global, native against bytecode from the same C file, through the module
manager (\`mod_callback\`, what a timer firing does); best of 5 runs of 2 M
calls, hosted.  Produced by \`bash bench/wasm/modcall.sh\` (part of
\`make bench\`) on $(date -u +%Y-%m-%d), $(nproc) cores, load average
$(cut -d' ' -f1 /proc/loadavg) (the figures scale with it; the ratios less).

$table
EOS
)
perf_doc_section modcall "$section"
