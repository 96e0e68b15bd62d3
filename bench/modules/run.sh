#!/usr/bin/env bash
# bench/modules: what a live load saves.  For bigmod (about 16 KiB of code)
# on each target: the round trip of `graft load` as a user runs it (from
# starting the command to having the answer, the module's init run), the
# in-guest part alone (validate, link, protect, init: the instance reports
# it in its answer), and, in the same run, the loop graft removes: rebuild
# the application with the same code linked in and boot it to its exit.
# Medians; the table goes to docs/PERFORMANCE.md between the modules
# markers.
set -eu
cd "$(dirname "$0")/../.."
. bench/lib.sh
G=build/bin/graft
N=${MODULES_RUNS:-41}
R=${MODULES_REBUILDS:-7}
tmp=$(mktemp -d)
export GRAFT_RUNTIME_DIR=$tmp
trap 'for i in $tmp/*.sock; do [ -e "$i" ] && $G stop "$i" >/dev/null 2>&1; done; rm -rf "$tmp"' EXIT

sh tools/graft-module-build.sh -o "$tmp/bigmod.o" bench/modules/bigmod.c
mkdir -p "$tmp/app"
cp bench/modules/bigmod.c "$tmp/app/bigmod.inc"
printf '#define BIGMOD_APP\n#include "bigmod.inc"\n' >"$tmp/app/main.c"
printf 'name bigmod\nlibs\n' >"$tmp/app/manifest"

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# Times (ms) of N `graft load` + `graft unload` pairs; the load's wall
# time on stdout, the in-guest microseconds it reports on fd 3.
load_times() {
	perl -MTime::HiRes=time -e '
		my ($g, $i, $m, $n, $us) = @ARGV;
		open(my $f, ">", $us) or die;
		for (1 .. $n) {
			my $t = time;
			my $out = `$g load $i $m`;
			my $dt = (time - $t) * 1000;
			die "load failed: $out" if $?;
			system("$g unload $i bigmod >/dev/null") == 0 or die;
			printf "%.3f\n", $dt;
			printf $f "%s\n", $1 if $out =~ / in (\d+) us/;
		}' "$G" "$1" "$tmp/bigmod.o" "$N" "$tmp/us"
}

rows=
for t in unix hvt; do
	if [ $t = hvt ] && ! [ -w /dev/kvm ]; then
		echo "# hvt skipped: no usable /dev/kvm"
		continue
	fi
	$G run -t $t --name b-$t build/images/modhost.$t >/dev/null 2>&1 &
	for _ in $(seq 100); do $G ping b-$t >/dev/null 2>&1 && break; sleep 0.05; done
	rtt=$(load_times b-$t | median)
	guest=$(median <"$tmp/us")
	$G stop b-$t >/dev/null
	wait
	# Rebuild (touch the source: one compile, the export table, the link)
	# and reboot to exit, R times.
	rebuild=$(for _ in $(seq "$R"); do
		touch "$tmp/app/bigmod.inc" "$tmp/app/main.c"
		perl -MTime::HiRes=time -e '
			my $t = time;
			system($ARGV[0]) == 0 or die "build failed\n";
			system($ARGV[1]) == 0 or die "run failed\n";
			printf "%.3f\n", (time - $t) * 1000;' \
			"$G build -t $t -o $tmp/bigmod.$t $tmp/app" \
			"$G run -t $t $tmp/bigmod.$t >/dev/null" || exit 1
	done | median)
	[ -n "$rebuild" ] || { echo "bench/modules: rebuild failed" >&2; exit 1; }
	ratio=$(awk -v a="$rebuild" -v b="$rtt" 'BEGIN { printf "%.0fx", a / b }')
	rows="$rows| $t | $guest µs | $rtt ms | $rebuild ms | $ratio |
"
done

table="## Live modules ($(date -u +%Y-%m-%d), $(nproc) cores)

bench/modules/bigmod.c as a native module ($(size -A "$tmp/bigmod.o" |
	awk '$1 == ".text" {printf "%.1f KiB", $2 / 1024}') of text).  In guest:
validate, link, protect and init, as the instance reports it; round trip:
\`graft load\` from exec to answer; rebuild and reboot: \`graft build\` of
the same code linked into an application, then \`graft run\` to its exit.
Medians of $N loads and $R rebuilds, same run.  Produced by
\`bash bench/modules/run.sh\` (part of \`make bench\`).

| target | in guest | round trip | rebuild and reboot | rebuild / round trip |
| --- | --- | --- | --- | --- |
${rows%
}"
perf_doc_section modules "$table"
