#!/usr/bin/env bash
# Runs the WebAssembly spec test suite through graft-spectest: converts each
# .wast with wast2json into a temporary directory, runs it, prints the
# per-file lines and ends with "spectest: P passed, F failed, S skipped".
# simd_*.wast files are not supported: each counts as one skipped file.
# --tap prints one TAP line per file instead.  Arguments after the options
# select files by name (e.g. i32 br_table).
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
runner=$build/bin/graft-spectest
suite=${WASM_TESTSUITE:-../shared/wasm-testsuite}
[ -d "$suite" ] || suite=/work/shared/wasm-testsuite
tap=0
if [ "${1:-}" = --tap ]; then
	tap=1
	shift
fi
if [ ! -d "$suite" ] || ! command -v wast2json >/dev/null || [ ! -x "$runner" ]; then
	if [ $tap = 1 ]; then
		echo "1..0 # SKIP needs $suite, wast2json and $runner"
		exit 0
	fi
	echo "spectest: cannot run (suite, wast2json or $runner missing)" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=()
if [ $# -gt 0 ]; then
	for n in "$@"; do files+=("$suite/${n%.wast}.wast"); done
else
	files=("$suite"/*.wast)
fi
[ $tap = 1 ] && echo "1..${#files[@]}"
P=0 F=0 S=0 n=0 status=0
for w in "${files[@]}"; do
	n=$((n + 1))
	name=$(basename "$w" .wast)
	case $name in simd_*)
		S=$((S + 1))
		if [ $tap = 1 ]; then
			echo "ok $n - $name # SKIP SIMD not supported"
		else
			echo "$name: not supported (SIMD), skipped"
		fi
		continue ;;
	esac
	d=$tmp/$name
	mkdir -p "$d"
	if ! wast2json --disable-simd "$w" -o "$d/$name.json" >"$d/err" 2>&1 &&
	   ! wast2json "$w" -o "$d/$name.json" >"$d/err" 2>&1; then
		F=$((F + 1)); status=1
		echo "$name: wast2json failed: $(head -n 3 "$d/err")" |
			sed "$([ $tap = 1 ] && echo 's/^/# /')"
		[ $tap = 1 ] && echo "not ok $n - $name"
		continue
	fi
	out=$(timeout 120 "$runner" "$d/$name.json" 2>&1)
	rc=$?
	line=$(printf '%s\n' "$out" | tail -n 1)
	p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\1/p')
	f=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\2/p')
	s=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\3/p')
	if [ -z "$p" ]; then
		p=0 f=1 s=0
		out="$out
$name: runner died (status $rc)"
	fi
	P=$((P + p)) F=$((F + f)) S=$((S + s))
	if [ $tap = 1 ]; then
		if [ "$f" = 0 ] && [ $rc = 0 ]; then
			echo "ok $n - $name ($p passed, $s skipped)"
		else
			printf '%s\n' "$out" | sed 's/^/# /' | tail -n 40
			echo "not ok $n - $name ($f failed)"
		fi
	else
		printf '%s\n' "$out" | sed "s|$d/||"
	fi
	[ "$f" = 0 ] && [ $rc = 0 ] || status=1
	rm -rf "$d"
done
if [ $tap = 1 ]; then
	echo "# spectest: $P passed, $F failed, $S skipped"
	exit 0
fi
echo "spectest: $P passed, $F failed, $S skipped"
exit $status
