# section.sh: sourced by the bench scripts.  write_section TITLE TEXT puts
# TEXT (which starts with "## TITLE") into docs/PERFORMANCE.md in place of
# the section of that title, up to the next "## ", or at the end; other
# sections are kept as they are.
write_section() {
	local doc=docs/PERFORMANCE.md
	mkdir -p docs
	[ -f "$doc" ] || printf '# Performance\n\nFigures written by the benchmarks (`make bench`).\n' >"$doc"
	awk -v title="## $1" -v sec="$2" '
		/^## / { if (skip) skip = 0; if ($0 == title) { skip = 1; print sec; print ""; done = 1; next } }
		!skip { print }
		END { if (!done) { print ""; print sec } }' "$doc" >"$doc.tmp"
	mv "$doc.tmp" "$doc"
}
