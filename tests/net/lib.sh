# Shared setup for the tap script tests (sourced, not run).  Creates a
# network namespace with a tap device, Linux as 192.0.2.1/24 on it, and
# runs build/tests/net/tapnode, or a graft instance (inst_*), as 192.0.2.2;
# everything is removed on exit.  Every step has a timeout; nothing talks
# outside the namespace.

NET_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$NET_ROOT/tests/lib/targets.sh"
NET_BUILD=${BUILD:-build}
case $NET_BUILD in /*) ;; *) NET_BUILD=$NET_ROOT/$NET_BUILD ;; esac
TAPNODE=$NET_BUILD/tests/net/tapnode
# a test may set NET_PREFIX first, to name its namespace and tap its own way
NET_PREFIX=${NET_PREFIX:-gn}
NS=$NET_PREFIX-$$
TAP=${NET_PREFIX}tap0
NODE=192.0.2.2
HOST=192.0.2.1
WORK=$(mktemp -d /tmp/graft-net.XXXXXX)
NODE_PID=
t=0
failed=0

ok() { t=$((t + 1)); echo "ok $t - $*"; }
nok() { t=$((t + 1)); failed=$((failed + 1)); echo "not ok $t - $*"; }
check() { # check "name" command...
	local name=$1
	shift
	if "$@" >>"$WORK/log" 2>&1; then ok "$name"; else
		nok "$name"
		tail -n 5 "$WORK/log" | sed 's/^/# /'
	fi
}
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
finish() { echo "1..$t"; [ "$failed" -eq 0 ]; }

net_require() {
	[ -x "$TAPNODE" ] || skip_all "tapnode not built ($TAPNODE)"
	net_require_tools "$@"
}

net_require_tools() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"
	local tool
	for tool in ip timeout "$@"; do
		command -v "$tool" >/dev/null 2>&1 || skip_all "no $tool"
	done
}

in_ns() { ip netns exec "$NS" "$@"; }

net_cleanup() {
	if [ -n "$NODE_PID" ]; then
		kill -TERM "$NODE_PID" 2>/dev/null
		wait "$NODE_PID" 2>/dev/null
	fi
	for p in $(ip netns pids "$NS" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$WORK"
}

# net_setup [host address/prefix]: the namespace, the tap, Linux's side
net_setup() {
	trap net_cleanup EXIT
	timeout 10 ip netns add "$NS" || skip_all "cannot create a netns"
	timeout 10 ip -n "$NS" link set lo up
	timeout 10 ip -n "$NS" tuntap add dev "$TAP" mode tap
	if [ "${1:-}" != none ]; then
		timeout 10 ip -n "$NS" addr add "${1:-$HOST/24}" dev "$TAP"
	fi
	timeout 10 ip -n "$NS" link set "$TAP" up
}

# node_start args...: run tapnode in the namespace; waits for "ready"
node_start() {
	ip netns exec "$NS" "$TAPNODE" -t "$TAP" "$@" >"$WORK/node.out" \
		2>"$WORK/node.err" &
	NODE_PID=$!
	node_wait ready 10
}

# node_wait pattern seconds: wait for a line on tapnode's stdout
node_wait() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -q "$1" "$WORK/node.out" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# echo_concurrent n: n TCP connections to $NODE:7 at once, each echoing
# one line; true if every answer came back right
echo_concurrent() {
	local i pids=()
	seq 1 "$1" | sed 's/$/ graft/' >"$WORK/expect"
	for i in $(seq 1 "$1"); do
		(echo "$i graft" | in_ns timeout 30 socat -t 20 - TCP:$NODE:7 \
			>"$WORK/c.$i" 2>&1) &
		pids+=($!)
	done
	wait "${pids[@]}"
	for i in $(seq 1 "$1"); do cat "$WORK/c.$i"; done >"$WORK/got"
	cmp -s "$WORK/got" "$WORK/expect"
}

# dnsmasq_start options...: dnsmasq serving DHCP (192.0.2.50-60, router
# $HOST) and DNS on $TAP in the namespace, plus the options given
dnsmasq_start() {
	in_ns timeout 120 dnsmasq --no-daemon --conf-file=/dev/null --no-hosts \
		--no-resolv --no-ping --bind-interfaces --interface="$TAP" \
		--except-interface=lo --listen-address=$HOST \
		--dhcp-range=192.0.2.50,192.0.2.60,255.255.255.0,2m \
		--dhcp-option=option:router,$HOST \
		--dhcp-leasefile="$WORK/leases" --pid-file="$WORK/dnsmasq.pid" \
		"$@" >"$WORK/dnsmasq.log" 2>&1 &
	for _ in $(seq 1 30); do
		grep -q "started" "$WORK/dnsmasq.log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Graft instances: build/images/<app>.<target> booted by the target's
# launcher on the namespace's tap device.

# inst_require "app..." tool...: skip unless root, the tools, the
# launchers and the images are there; sets INST_TARGETS
# (tests/lib/targets.sh: hvt needs a usable /dev/kvm, virtio QEMU, and
# each says so when it is left out)
inst_require() {
	local apps=$1 missing
	shift
	net_require_tools "$@"
	targets_available
	INST_TARGETS=$TARGETS
	missing=$(targets_missing "$NET_BUILD" $apps) && skip_all "$missing"
	export GRAFT_RUNTIME_DIR=$WORK/run
	mkdir -p "$GRAFT_RUNTIME_DIR"
}

# inst_start target app [launcher options] -- kernel options...: boot
# build/images/<app>.<target> (or /path/app.<target>) in the namespace on
# $TAP; its output goes to $WORK/inst.out
inst_start() {
	local target=$1 app=$2 opts=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	case $app in /*) ;; *) app=$NET_BUILD/images/$app ;; esac
	# Empty the output now: the background job's own redirection may come
	# after the caller's first inst_wait, which would read the last
	# instance's output.
	: >"$WORK/inst.out"
	ip netns exec "$NS" timeout 600 "$NET_BUILD/bin/graft-$target" \
		"${opts[@]}" --net "$TAP" "$app.$target" \
		-- "$@" >"$WORK/inst.out" 2>&1 &
	NODE_PID=$!
}

# inst_wait pattern seconds: wait for a line of the instance's output
inst_wait() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -q "$1" "$WORK/inst.out" 2>/dev/null && return 0
		kill -0 "$NODE_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "$1" "$WORK/inst.out" 2>/dev/null
}

# inst_stop: end the instance, show its output as TAP comments, and make
# Linux forget its MAC (the next instance may reuse the address)
inst_stop() {
	[ -n "$NODE_PID" ] || return 0
	kill -TERM "$NODE_PID" 2>/dev/null
	wait "$NODE_PID" 2>/dev/null
	NODE_PID=
	sed 's/^/#   /' "$WORK/inst.out"
	in_ns ip neigh flush dev "$TAP" 2>/dev/null
	return 0
}

# ns_cpu_ticks: CPU time (clock ticks) of every process in the namespace
ns_cpu_ticks() {
	local p sum=0
	for p in $(ip netns pids "$NS" 2>/dev/null); do
		[ -r /proc/$p/stat ] || continue
		sum=$((sum + $(sed 's/.*) //' /proc/$p/stat | awk '{print $12 + $13}')))
	done
	echo $sum
}
