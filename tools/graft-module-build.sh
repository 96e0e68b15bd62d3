#!/bin/sh
# graft-module-build.sh: build a loadable native module (what `graft module
# build` runs).
#
# usage: graft-module-build.sh [-c cc] [-I dir]... [-D name[=value]]...
#                              [-d decls.i]... -o module.o source.c...
#
# Compiles each source for the guest, links them with `ld -r` into one
# ELF64 relocatable object, and adds the .graft_symver records (the
# declaration hash of every symbol the module imports or exports, computed
# by mkexports from the module's own preprocessed sources, then from the
# standard declarations of include/graft and the kernel's libc).
#
# Environment: GRAFT_ROOT (the source tree; default: this script's parent),
# GRAFT_MKEXPORTS (default: $GRAFT_ROOT/build/bin/mkexports), GRAFT_CC
# (default gcc; -c overrides).
#
# The flags, and why:
#   -ffreestanding -nostdinc -isystem kernel/libc/include -Iinclude
#       guest code: only the kernel's libc subset and graft's API;
#   -fpic -fvisibility=hidden
#       calls to other modules and the kernel become PLT32 (linked directly
#       when in reach, else through a trampoline the loader writes into the
#       module's own text: on unix the image is far more than 2 GiB from
#       the heap), external data goes through the module's own GOT
#       (GOTPCREL*), and the module's own symbols stay PC-relative;
#       -mcmodel=large would work too, at the cost of an indirect call and
#       a 10-byte movabs on every external reference, near or far;
#   -fno-common            the loader refuses common symbols;
#   -mno-red-zone          the hvt platform takes exceptions on the current
#                          stack;
#   -fno-asynchronous-unwind-tables -fno-unwind-tables
#                          no .eh_frame: nothing unwinds module code;
#   -fcf-protection=none -fno-stack-protector
#                          the kernel has no CET or stack guard runtime;
#   -fno-omit-frame-pointer  backtraces through module code;
#   -g                     gdb: `graft ls --gdb` prints add-symbol-file.
set -eu

root=${GRAFT_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
mkexports=${GRAFT_MKEXPORTS:-$root/build/bin/mkexports}
cc=${GRAFT_CC:-gcc}
out=
extra=
decls=

usage() {
	echo "usage: graft-module-build.sh [-c cc] [-I dir]... [-D def]..." \
		"[-d decls.i]... -o module.o source.c..." >&2
	exit 2
}

while getopts c:I:D:d:o:h opt; do
	case $opt in
	c) cc=$OPTARG ;;
	I) extra="$extra -I$OPTARG" ;;
	D) extra="$extra -D$OPTARG" ;;
	d) decls="$decls -d $OPTARG" ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$out" ] && [ $# -gt 0 ] || usage
[ -x "$mkexports" ] || {
	echo "graft-module-build.sh: $mkexports not built (run make)" >&2
	exit 1
}

gccinc=$(gcc -print-file-name=include)
cflags="-std=gnu11 -O2 -g -Wall -ffreestanding -fno-stack-protector \
 -fpic -fvisibility=hidden -fno-common -mcmodel=small -mno-red-zone \
 -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables \
 -fcf-protection=none -nostdinc -isystem $root/kernel/libc/include \
 -isystem $gccinc -I$root/include -D__graft__"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
objs=
ifiles=
for src in "$@"; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	$cc $cflags $extra -c "$src" -o "$tmp/$n.o"
	# shellcheck disable=SC2086
	$cc $cflags $extra -E "$src" -o "$tmp/$n.i"
	objs="$objs $tmp/$n.o"
	ifiles="$ifiles -d $tmp/$n.i"
done
sh "$root/tools/graft-decls.sh" "$cc" "$root" "$tmp/std.i"
# shellcheck disable=SC2086
ld -r -o "$tmp/mod.o" $objs
# shellcheck disable=SC2086
"$mkexports" module $ifiles $decls -d "$tmp/std.i" -o "$tmp/symver.s" \
	"$tmp/mod.o"
$cc -c "$tmp/symver.s" -o "$tmp/symver.o"
ld -r -o "$out" "$tmp/mod.o" "$tmp/symver.o"
