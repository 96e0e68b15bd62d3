# Shared by tests/virtio/*.t: TAP helpers, the launcher, and the skip when
# QEMU is absent.  Every QEMU run goes through `timeout`.
cd "$(dirname "$0")/../.." || exit 1
B=${BUILD:-build}
L=$B/bin/graft-virtio
n=0
ok() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}
command -v qemu-system-x86_64 >/dev/null ||
	skip_all "qemu-system-x86_64 absent (package qemu-system-x86)"
export GRAFT_RUNTIME_DIR=$(mktemp -d)
gv_tmp=$(mktemp -d)
trap 'rm -rf "$GRAFT_RUNTIME_DIR" "$gv_tmp"' EXIT
