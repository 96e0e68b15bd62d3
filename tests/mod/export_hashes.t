#!/usr/bin/env bash
# Proves what the declaration hash of tools/mkexports sees: the same
# declaration hashes the same however it is laid out; a changed return
# type, parameter type or qualifier changes it; definitions, calls in
# inline bodies, parameters and struct members of the same name are not
# taken for the declaration; a symbol without a declaration is an error.
set -u
cd "$(dirname "$0")/../.."
mk=${BUILD:-build}/bin/mkexports
if [ ! -x "$mk" ]; then
	echo "1..0 # SKIP $mk not built"
	exit 0
fi
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0
check() { # check COND DESCRIPTION
	n=$((n + 1))
	if eval "$1"; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
hash() { "$mk" hash -d "$1" "$2" 2>/dev/null | cut -d' ' -f1; }

printf 'int graft_f(struct x *p, unsigned long n);\n' >"$t/a.i"
printf 'extern int\n  graft_f( struct x*p,\n\tunsigned long n ) ;\n' >"$t/b.i"
printf 'int graft_f(struct x *p, unsigned int n);\n' >"$t/c.i"
printf 'long graft_f(struct x *p, unsigned long n);\n' >"$t/d.i"
printf 'int graft_f(const struct x *p, unsigned long n);\n' >"$t/e.i"
cat >"$t/f.i" <<'X'
# 1 "decoy.h"
struct s { int (*graft_f)(int); int graft_f2; };
void other(int graft_f);
static inline int wrap(void) { return graft_f(0, 1); }
int graft_f(struct x *p, unsigned long n) { return 0; }
int graft_f(struct x *p, unsigned long n);
X
a=$(hash "$t/a.i" graft_f)
check '[ -n "$a" ]' "a declaration is found and hashed"
check '[ "$(hash "$t/b.i" graft_f)" = "$a" ]' \
	"layout, line breaks and a leading extern do not change the hash"
check '[ "$(hash "$t/c.i" graft_f)" != "$a" ]' \
	"a changed parameter type changes it"
check '[ "$(hash "$t/d.i" graft_f)" != "$a" ]' \
	"a changed return type changes it"
check '[ "$(hash "$t/e.i" graft_f)" != "$a" ]' \
	"an added qualifier changes it"
check '[ "$(hash "$t/f.i" graft_f)" = "$a" ]' \
	"members, parameters, calls and definitions are not the declaration"
printf 'extern __typeof__(graft_f) graft_f;\n' >"$t/g.i"
check '! "$mk" hash -d "$t/g.i" graft_f >/dev/null 2>"$t/err"' \
	"GRAFT_EXPORT's own redeclaration does not count as a declaration"
check 'grep -q "no declaration of '"'"'graft_f'"'"'" "$t/err"' \
	"and the missing declaration is named"
check '[ "$("$mk" hash -d "$t/g.i" -d "$t/a.i" graft_f | cut -d" " -f1)" = "$a" ]' \
	"declaration files are searched in order"
echo "1..$n"
