#!/usr/bin/env bash
# A clock read on the unix target: the vDSO against the system call, in one
# process; writes its line to docs/PERFORMANCE.md.
set -e
cd "$(dirname "$0")/../.."
. bench/lib.sh
line=$(build/host/bench/unix/clock)
perf_doc_section unix-clock "## unix: clock reads ($(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))

\`bash bench/unix/run.sh\` (part of \`make bench\`): one clock_gettime,
monotonic and wall clock alternately, 1e6 calls, best of 5 runs, both
ways in the same process (bench/unix/clock.c, through the unix target's
own vDSO lookup).  The unix target reads its clocks through the vDSO and
falls back to the system call only without one.

$line"
