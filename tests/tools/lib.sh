# Shared by the graft tool's tests: TAP counting, the tool, a private
# runtime directory and scratch space removed on exit, and which targets
# this machine can run (TARGETS, from tests/lib/targets.sh).
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
B=$ROOT/build
GRAFT=$B/bin/graft
n=0
failed=0
ok() {
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		failed=$((failed + 1))
		return 1
	fi
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
# one_line TEXT: a single line, the error rule.
one_line() { [ -n "$1" ] && [ "$(wc -l <<<"$1")" -eq 1 ]; }
export GRAFT_RUNTIME_DIR=$(mktemp -d)
T=$(mktemp -d)
cleanup_hooks=()
cleanup() {
	for h in "${cleanup_hooks[@]}"; do eval "$h"; done
	rm -rf "$GRAFT_RUNTIME_DIR" "$T"
}
trap cleanup EXIT
. tests/lib/targets.sh
targets_available unix hvt
[ -x "$GRAFT" ] || { echo "1..0 # SKIP $GRAFT not built"; exit 0; }
