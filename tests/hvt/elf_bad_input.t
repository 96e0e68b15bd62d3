#!/usr/bin/env bash
# graft-hvt's image loader (tender/hvt/hvt_elf.c) against malformed ELF
# images: each is hello.hvt with one header field broken, and each must be
# refused before the VM runs, with one line that names the image and the
# problem, and a non-zero exit.
cd "$(dirname "$0")/../.."
B=build
n=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; printf '# %s\n' "$err"; fi; }
if ! { [ -r /dev/kvm ] && [ -w /dev/kvm ]; }; then echo "1..0 # SKIP no usable /dev/kvm"; exit 0; fi
export GRAFT_RUNTIME_DIR=$(mktemp -d)
tmp=$(mktemp -d)
trap 'rm -rf "$GRAFT_RUNTIME_DIR" "$tmp"' EXIT

# le64 VALUE: VALUE as 8 little-endian bytes, for printf.
le64() { local v=$1 s=; for i in 0 1 2 3 4 5 6 7; do s+=$(printf '\\x%02x' $(((v >> (8 * i)) & 255))); done; echo "$s"; }
le16() { printf '\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)); }
# broken NAME OFFSET BYTES: a copy of hello.hvt with BYTES written at OFFSET.
broken() {
	img=$tmp/$1.hvt
	cp $B/images/hello.hvt "$img"
	printf "$3" | dd of="$img" bs=1 seek=$(($2)) conv=notrunc status=none
}
# refused PATTERN: the last run failed with one line naming the image and PATTERN.
run() { err=$(timeout 10 $B/bin/graft-hvt --no-ctl "$img" 2>&1 >/dev/null); rc=$?; }
refused() { [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ "$(wc -l <<<"$err")" -eq 1 ] && grep -q "image '$img'" <<<"$err" && grep -q "$1" <<<"$err"; }

phoff=$(od -An -t u8 -j 32 -N 8 $B/images/hello.hvt | tr -d ' ')
ph0=$phoff # the first program header: the text segment (platform/hvt/hvt.ld)

broken machine 18 "$(le16 3)"; run
ok "a non-x86_64 image is refused" 'refused "x86_64 ELF64"'
broken phentsize 54 "$(le16 32)"; run
ok "a wrong program-header size is refused" 'refused "program headers"'
broken phoff 32 "$(le64 $((1 << 40)))"; run
ok "program headers past the end of the file are refused" 'refused "program headers\|note"'
broken filesz $((ph0 + 32)) "$(le64 $((1 << 31)))"; run
ok "a segment past the end of the file is refused" 'refused "segment past the end of the file"'
broken vaddr $((ph0 + 16)) "$(le64 4096)"; run
ok "a segment below 1 MiB is refused" 'refused "not in guest memory between 1 MiB and the boot stack"'
broken memsz $((ph0 + 40)) "$(le64 $((1 << 62)))"; run
ok "a segment larger than memory is refused" 'refused "not in guest memory between 1 MiB and the boot stack"'
broken entry 24 "$(le64 16)"; run
ok "an entry point outside the image is refused" 'refused "entry point 0x10 is outside the image"'
echo "1..$n"
