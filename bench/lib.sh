# bench/lib.sh: what the benchmark scripts share.  Source it.

# perf_doc_section NAME TEXT: print TEXT and put it into
# docs/PERFORMANCE.md between the lines <!-- NAME:begin --> and
# <!-- NAME:end -->, in place of what was there, or at the end of the
# file the first time; the rest of the file is kept as it is.
perf_doc_section() {
	local name=$1 doc=docs/PERFORMANCE.md
	local b="<!-- $name:begin -->" e="<!-- $name:end -->"
	local text="$b
$2
$e"
	echo "$2"
	[ -f "$doc" ] || printf '# Performance\n' >"$doc"
	if grep -qF "$b" "$doc"; then
		awk -v t="$text" -v b="$b" -v e="$e" \
			'$0 == b {print t; skip=1} $0 == e {skip=0; next} !skip' \
			"$doc" >"$doc.new"
		mv "$doc.new" "$doc"
	else
		printf '\n%s\n' "$text" >>"$doc"
	fi
}
