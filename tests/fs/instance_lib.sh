# Shared setup for the tests that boot instances over disk images (sourced,
# not run): the targets to test (tests/lib/targets.sh: hvt only where
# /dev/kvm is usable, virtio where QEMU is installed), a
# scratch directory and runtime directory removed on exit, TAP helpers.
# Needs IMAGES (the images the test boots, without the .target suffix) and
# TOOLS (host commands it needs) set before it is sourced.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/targets.sh
B=${BUILD:-build}
for p in $TOOLS; do
	command -v "$p" >/dev/null || { echo "1..0 # SKIP $p missing"; exit 0; }
done
targets_available
targets=$TARGETS
if missing=$(targets_missing "$B" $IMAGES); then
	echo "1..0 # SKIP $missing"
	exit 0
fi
export MTOOLS_SKIP_CHECK=1 GRAFT_RUNTIME_DIR=$(mktemp -d)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$GRAFT_RUNTIME_DIR"' EXIT
n=0

ok() { # description, condition (eval'd); on failure shows $tmp/out
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		[ -f "$tmp/out" ] && sed 's/^/# /' "$tmp/out" | head -n 20
		return 1
	fi
}

# kill_instance PID - SIGKILL an instance started in the background: on
# unix the process the launcher forked first (killing the launcher alone
# leaves it running), then the launcher or tender; reaps it.
kill_instance() {
	kill -KILL $(cat /proc/"$1"/task/*/children 2>/dev/null) "$1" \
		2>/dev/null
	wait "$1" 2>/dev/null
}

# wait_for_line FILE PATTERN - until a line of FILE matches (10 s at most).
wait_for_line() {
	for _ in $(seq 1000); do
		grep -qs "$2" "$1" && return 0
		sleep 0.01
	done
	return 1
}

# lines BYTES - what `fsutil fill PATH BYTES` writes.
lines() { seq -f %07g 0 $(($1 / 8 + 1)) | head -c "$1"; }
