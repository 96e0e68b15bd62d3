#!/usr/bin/env bash
# tests/lib/targets.sh: a target that cannot run here is left out and says
# why; what is not built of what the targets need is named.  QEMU's absence
# is made with a PATH of the test's own, /dev/kvm's with an empty /dev in a
# mount namespace (root and unshare only).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/targets.sh
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; echo "# got: $out"; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/none" "$tmp/build/bin" "$tmp/build/images"

out=$(PATH=$tmp/none; targets_available unix virtio; echo "TARGETS=$TARGETS")
ok "without qemu-system-x86_64, virtio is left out and says why" \
	'[ "$out" = "# virtio skipped: no qemu-system-x86_64
TARGETS=unix" ]'
printf '#!/bin/sh\n' >"$tmp/bin/qemu-system-x86_64"
chmod +x "$tmp/bin/qemu-system-x86_64"
out=$(PATH=$tmp/bin; targets_available unix virtio; echo "TARGETS=$TARGETS")
ok "with it, virtio is kept, in the order asked" '[ "$out" = "TARGETS=unix virtio" ]'
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	out=$(unshare -m bash -c 'mount -t tmpfs none /dev &&
		. tests/lib/targets.sh && targets_available hvt unix &&
		echo "TARGETS=$TARGETS"' 2>&1)
	ok "without /dev/kvm, hvt is left out and says why" \
		'[ "$out" = "# hvt skipped: no usable /dev/kvm
TARGETS=unix" ]'
else
	n=$((n + 1))
	echo "ok $n # SKIP hiding /dev/kvm needs root and unshare"
fi

TARGETS="unix"
touch "$tmp/build/images/hello.unix"
printf '#!/bin/sh\n' >"$tmp/build/bin/graft-unix"
chmod +x "$tmp/build/bin/graft-unix"
out=$(targets_missing "$tmp/build" hello); rc=$?
ok "all built: targets_missing fails and prints nothing" '[ $rc -ne 0 ] && [ -z "$out" ]'
out=$(targets_missing "$tmp/build" hello httpd); rc=$?
ok "an image not built is named, with its path" \
	'[ $rc -eq 0 ] && [ "$out" = "httpd.unix not built ($tmp/build/images/httpd.unix)" ]'
chmod -x "$tmp/build/bin/graft-unix"
out=$(targets_missing "$tmp/build" hello); rc=$?
ok "a launcher not built (or not executable) is named" \
	'[ $rc -eq 0 ] && [ "$out" = "graft-unix not built ($tmp/build/bin/graft-unix)" ]'
echo "1..$n"
