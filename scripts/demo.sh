#!/usr/bin/env bash
# make run: boot hello and timers on hvt (or unix where /dev/kvm is absent).
# Live module loading is not wired into instances yet (issue 3).
set -eu
cd "$(dirname "$0")/.."
t=hvt
[ -w /dev/kvm ] || { t=unix; echo "(no usable /dev/kvm: running on the unix target)"; }
echo "== hello on $t"
build/bin/graft-$t --no-ctl build/images/hello.$t -- from make run
echo "== timers on $t"
build/bin/graft-$t --no-ctl build/images/timers.$t
