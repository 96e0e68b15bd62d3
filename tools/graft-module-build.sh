#!/bin/sh
# graft-module-build.sh: build a loadable module, native or bytecode (what
# `graft module build [--wasm]` runs).
#
# usage: graft-module-build.sh [-c cc] [-I dir]... [-D name[=value]]...
#                              [-d decls.i]... -o module.o source.c...
#        graft-module-build.sh --wasm [-c cc] [-I dir]... [-D name[=value]]...
#                              -o module.wasm source.c...
#
# --wasm (or -w) builds a WebAssembly module instead: each source compiled
# with clang --target=wasm32 -O2 against the same headers, linked by
# wasm-ld (Debian's lld) with no entry point and graft_module_info
# exported (the loader reads the module's name and version from it).  The
# module may import only the "graft" functions of <graft/modapi.h>: an
# undefined symbol (memcpy, a kernel function) stops the link.
#   -mbulk-memory          memcpy/memset become memory.copy/fill, since a
#                          bytecode module has no C library;
#   -fvisibility=hidden    only the entry points are exported;
#   --stack-first -z stack-size=16384
#                          a small shadow stack (the default is 64 KiB) at
#                          the bottom of memory, so that overflowing it
#                          traps (out of bounds) instead of overwriting data.
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

wasm=

usage() {
	echo "usage: graft-module-build.sh [--wasm] [-c cc] [-I dir]..." \
		"[-D def]... [-d decls.i]... -o module.o|module.wasm" \
		"source.c..." >&2
	exit 2
}

if [ "${1:-}" = --wasm ]; then
	wasm=1
	shift
fi
while getopts wc:I:D:d:o:h opt; do
	case $opt in
	w) wasm=1 ;;
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

if [ -n "$wasm" ]; then
	[ "$cc" = gcc ] && cc=${GRAFT_WASM_CC:-clang}
	command -v wasm-ld >/dev/null || {
		echo "graft-module-build.sh: wasm-ld not found (install lld)" >&2
		exit 1
	}
	clanginc=$($cc -print-resource-dir)/include
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	n=0
	objs=
	for src in "$@"; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		$cc --target=wasm32 -std=gnu11 -O2 -Wall -ffreestanding \
			-nostdlib -mbulk-memory -fvisibility=hidden -nostdinc \
			-isystem "$root/kernel/libc/include" -isystem "$clanginc" \
			-I"$root/include" -D__graft__ $extra -c "$src" \
			-o "$tmp/$n.o"
		objs="$objs $tmp/$n.o"
	done
	# shellcheck disable=SC2086
	wasm-ld --no-entry --export-if-defined=graft_module_info \
		--stack-first -z stack-size=16384 -o "$out" $objs
	exit 0
fi
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
