#!/bin/sh
# graft-decls.sh CC ROOT OUT [HEADER...]: preprocess every public header
# (include/graft), the kernel's libc headers and any further HEADERs (those
# of libraries that export symbols) into OUT, the text mkexports takes
# declaration hashes from.  The kernel's export table and every module build
# use this one script so that both sides hash the same text.
set -eu
cc=$1 root=$(cd "$2" && pwd) out=$3
shift 3
gccinc=$(gcc -print-file-name=include)
src=$out.c
: >"$src"
for h in "$root"/kernel/libc/include/*.h "$root"/include/graft/*.h "$@"; do
	case $h in /*) ;; *) h=$root/$h ;; esac
	echo "#include \"$h\"" >>"$src"
done
$cc -std=gnu11 -E -w -ffreestanding -nostdinc -isystem "$root/kernel/libc/include" \
	-isystem "$gccinc" -I"$root/include" -D__graft__ "$src" -o "$out"
rm -f "$src"
