# bench/lib.sh: what the benchmark scripts share.  Source it.

# perf_doc_section NAME TABLE: put TABLE (which starts with the line
# <!-- NAME:begin --> and ends with <!-- NAME:end -->) into
# docs/PERFORMANCE.md in place of the section between those markers, or
# at the end if there is none yet.
perf_doc_section() {
	local name=$1 table=$2 doc=docs/PERFORMANCE.md
	[ -f "$doc" ] || printf '# Performance\n' >"$doc"
	if grep -q "<!-- $name:begin -->" "$doc"; then
		awk -v t="$table" -v b="<!-- $name:begin -->" -v e="<!-- $name:end -->" \
			'$0 == b {print t; skip=1} $0 == e {skip=0; next} !skip' \
			"$doc" >"$doc.new"
		mv "$doc.new" "$doc"
	else
		printf '\n%s\n' "$table" >>"$doc"
	fi
}
