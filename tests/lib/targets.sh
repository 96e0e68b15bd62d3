# Which targets can boot instances here, and whether their launchers and
# images are built (sourced, not run; bash).  Used by tests/fs/
# instance_lib.sh, tests/net/lib.sh and the scripts of tests/integration.
#
# targets_available [TARGET...]
#	Sets TARGETS to the targets given (default: unix hvt virtio), in
#	that order, less those that cannot run here; each one left out says
#	why on a TAP comment line ("# hvt skipped: no usable /dev/kvm").
#	unix runs everywhere, hvt needs a usable /dev/kvm, virtio needs
#	qemu-system-x86_64.
#
# targets_missing BUILD IMAGE...
#	Prints what is not built of what TARGETS need, the first launcher
#	(BUILD/bin/graft-TARGET) or image (BUILD/images/IMAGE.TARGET)
#	missing, and succeeds; fails, printing nothing, when all are there.
#	For the caller's skip line:
#	    missing=$(targets_missing build hello) && skip "$missing"

# target_unavailable TARGET - why TARGET cannot run here, or nothing.
target_unavailable() {
	case $1 in
	hvt) [ -r /dev/kvm ] && [ -w /dev/kvm ] || echo "no usable /dev/kvm" ;;
	virtio)
		command -v qemu-system-x86_64 >/dev/null ||
			echo "no qemu-system-x86_64"
		;;
	esac
}

targets_available() {
	local t why
	[ $# -gt 0 ] || set -- unix hvt virtio
	TARGETS=
	for t in "$@"; do
		why=$(target_unavailable "$t")
		if [ -n "$why" ]; then
			echo "# $t skipped: $why"
		else
			TARGETS=${TARGETS:+$TARGETS }$t
		fi
	done
}

targets_missing() {
	local build=$1 t image
	shift
	for t in $TARGETS; do
		if [ ! -x "$build/bin/graft-$t" ]; then
			echo "graft-$t not built ($build/bin/graft-$t)"
			return 0
		fi
		for image in "$@"; do
			if [ ! -f "$build/images/$image.$t" ]; then
				echo "$image.$t not built ($build/images/$image.$t)"
				return 0
			fi
		done
	done
	return 1
}
