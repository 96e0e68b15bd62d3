#!/usr/bin/env bash
# Installs the Debian packages of a list that are missing: by default
# scripts/packages.txt (what building and testing graft need); `make bench`
# passes scripts/packages-bench.txt too.  Needs root (as on CI and a fresh
# Debian 12 machine); without root it only lists what is missing.
#
# Services that a package would start on install (nginx) are kept from
# starting: the benchmarks run their own servers in their own namespaces.
set -eu
cd "$(dirname "$0")"
[ $# -gt 0 ] || set -- packages.txt
missing=()
for list in "$@"; do
	[ -r "$list" ] || { echo "install-deps: no package list $list" >&2; exit 2; }
	while read -r pkg; do
		case "$pkg" in '' | '#'*) continue ;; esac
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$pkg")
	done <"$list"
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages (run as root to install): ${missing[*]}" >&2
	exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e $policy ]; then
	printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy && own_policy=yes
fi
trap '[ -z "$own_policy" ] || rm -f $policy' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
