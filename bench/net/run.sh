#!/usr/bin/env bash
# Network benchmark: graft's stack in an instance (unix and hvt, over a tap
# device) beside Linux's own stack (over a veth pair into a second
# namespace), in the same run:
#   - TCP echo: NET_BENCH_MIB MiB each way through examples/echo, and
#     through socat running cat on Linux; MiB/s each way; graft with the
#     tap's offloads (the default) and without (--net TAP:plain);
#   - HTTP: wrk against examples/httpd and against nginx (one worker)
#     serving the same directory, with keep-alive and with a new
#     connection per request; requests/s.
# Ratios are graft / Linux.  The table replaces the "net" section of
# docs/PERFORMANCE.md.  Needs root, socat, wrk and nginx (Debian's wrk and
# nginx-light); says what is missing and stops otherwise.
set -u
cd "$(dirname "$0")/../.."
. bench/lib.sh
build=${BUILD:-build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
mib=${NET_BENCH_MIB:-64}
hvt_mib=${NET_BENCH_HVT_MIB:-64}
secs=${NET_BENCH_SECONDS:-3}
rounds=${NET_BENCH_ROUNDS:-3}
C=gn-bc$$ S=gn-bs$$ TAP=gntap0
GRAFT=192.0.2.2 LINUX=198.51.100.2
work=$(mktemp -d /tmp/graft-bench-net.XXXXXX)
inst=

cleanup() {
	[ -n "$inst" ] && kill -TERM "$inst" 2>/dev/null && wait "$inst" 2>/dev/null
	for ns in $C $S; do
		for p in $(ip netns pids $ns 2>/dev/null); do kill -KILL "$p"; done
		ip netns del $ns 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "bench/net: needs root" >&2; exit 0; }
for tool in socat wrk nginx; do
	command -v $tool >/dev/null ||
		{ echo "bench/net: $tool missing (make bench installs it: scripts/packages-bench.txt)" >&2; exit 0; }
done
targets=unix
[ -r /dev/kvm ] && [ -w /dev/kvm ] && targets="unix hvt"
export GRAFT_RUNTIME_DIR=$work/run
mkdir -p "$GRAFT_RUNTIME_DIR"

# The client namespace C holds the tap (graft at .2) and one end of a veth
# pair whose other end is in S, where Linux's servers run.
ip netns add $C && ip netns add $S || exit 1
ip -n $C link set lo up
ip -n $S link set lo up
ip -n $C tuntap add dev $TAP mode tap
ip -n $C addr add 192.0.2.1/24 dev $TAP
ip -n $C link set $TAP up
ip -n $C link add gnveth0 type veth peer name gnveth1 netns $S
ip -n $C addr add 198.51.100.1/24 dev gnveth0
ip -n $S addr add $LINUX/24 dev gnveth1
ip -n $C link set gnveth0 up
ip -n $S link set gnveth1 up

head -c $((mib << 20)) /dev/urandom >"$work/big"

# echo_rate host MiB: MiB/s each way through the echo service at host:7
echo_rate() {
	local start end
	head -c $(($2 << 20)) "$work/big" >"$work/in"
	start=$(date +%s.%N)
	ip netns exec $C timeout 300 socat -t 60 -T 60 -b 131072 STDIO \
		TCP:$1:7 <"$work/in" | cmp -s - "$work/in" || { echo 0; return; }
	end=$(date +%s.%N)
	awk "BEGIN { printf \"%.1f\", $2 / ($end - $start) }"
}

# wrk_rate url [header]: requests/s over secs seconds, 16 connections
wrk_rate() {
	ip netns exec $C timeout $((secs + 30)) wrk -t1 -c16 -d${secs}s \
		${2:+-H "$2"} "$1" 2>/dev/null |
		awk '/^Requests\/sec:/ { printf "%.0f", $2 }'
}

wait_for() { # wait_for file pattern
	for _ in $(seq 1 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

boot() { # boot target app [tap suffix]
	ip netns exec $C timeout 600 "$build/bin/graft-$1" --mem 256M \
		--net $TAP${3:-} "$build/images/$2.$1" -- graft.ip=$GRAFT/24 \
		>"$work/inst.out" 2>&1 &
	inst=$!
	wait_for "$work/inst.out" "$2: \(listening\|serving\)"
}

halt() {
	kill -TERM "$inst" 2>/dev/null
	wait "$inst" 2>/dev/null
	inst=
	ip -n $C neigh flush dev $TAP
}

# Linux's side: socat's echo and nginx (one worker) on the same files,
# started outside this shell's job table (cleanup kills them quietly).
(ip netns exec $S socat -b 131072 TCP-LISTEN:7,reuseaddr,fork EXEC:cat &)
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	include /etc/nginx/mime.types;
	server {
		listen $LINUX:80;
		root $PWD/examples/httpd/www;
	}
}
EOF
(ip netns exec $S nginx -c "$work/nginx.conf" -p "$work" &)
for port in 7 80; do
	for _ in $(seq 1 100); do
		ip netns exec $C socat -T 1 /dev/null TCP:$LINUX:$port \
			2>/dev/null && break
		sleep 0.1
	done
done

# Rounds alternate Linux and graft (Linux first, then the instance, then
# Linux again ...), so that both see the same load; a ratio is the
# median of the rounds' ratios, a rate the median of its rounds.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }
ratio() { awk "BEGIN { if ($2 > 0) printf \"%.2f\", $1 / $2; else print \"-\" }"; }

# pairs kind target cmd-linux cmd-graft: rounds of both; sets
# rate[kind,linux,target], rate[kind,target] and ratio[kind,target]
declare -A rate rat
pairs() {
	local kind=$1 t=$2 lin=$3 gra=$4 i l g ls= gs= rs=
	for ((i = 0; i < rounds; i++)); do
		l=$($lin)
		g=$($gra)
		l=${l:-0} g=${g:-0}
		ls+="$l"$'\n'
		gs+="$g"$'\n'
		rs+="$(ratio "$g" "$l")"$'\n'
	done
	rate[$kind,linux,$t]=$(printf '%s' "$ls" | median)
	rate[$kind,$t]=$(printf '%s' "$gs" | median)
	rat[$kind,$t]=$(printf '%s' "$rs" | grep -v -- - | median)
}

echo_linux() { echo_rate $LINUX $n; }
echo_graft() { echo_rate $GRAFT $n; }
ka_linux() { wrk_rate "http://$LINUX/"; }
ka_graft() { wrk_rate "http://$GRAFT/"; }
close_linux() { wrk_rate "http://$LINUX/" "Connection: close"; }
close_graft() { wrk_rate "http://$GRAFT/" "Connection: close"; }

for t in $targets; do
	n=$mib
	[ $t = hvt ] && n=$hvt_mib
	boot $t echo || { echo "bench/net: echo.$t did not start" >&2; exit 1; }
	pairs echo $t echo_linux echo_graft
	halt
	boot $t echo :plain || { echo "bench/net: echo.$t did not start" >&2; exit 1; }
	pairs plain $t echo_linux echo_graft
	halt
	boot $t httpd || { echo "bench/net: httpd.$t did not start" >&2; exit 1; }
	pairs ka $t ka_linux ka_graft
	pairs close $t close_linux close_graft
	halt
done

# row kind title: Linux's figure (beside the first target) and each
# target's with its ratio
row() {
	local kind=$1 t first=${targets%% *} r
	r="| $2 | ${rate[$kind,linux,$first]} |"
	for t in unix hvt; do
		if [ -n "${rate[$kind,$t]:-}" ]; then
			r+=" ${rate[$kind,$t]} | ${rat[$kind,$t]} |"
		else
			r+=" - | - |"
		fi
	done
	echo "$r"
}
rows="$(row echo "TCP echo, MiB/s each way")
$(row plain "TCP echo without offloads (:plain), MiB/s each way")
$(row ka "HTTP keep-alive, requests/s")
$(row close "HTTP connection per request, requests/s")"

table="## Network ($(date -u +%Y-%m-%d), $(nproc) cores, shared)

graft's stack in an instance over a tap device beside Linux's over a veth
pair, same run (\`bash bench/net/run.sh\`).  Echo: $mib MiB each way
($hvt_mib MiB on hvt) through examples/echo and through socat running cat.
HTTP: wrk, one thread, 16 connections, ${secs} s, GET / (451 bytes) from
examples/httpd and from nginx (one worker) serving the same directory.
Each figure is the median of $rounds rounds that alternate Linux and
graft, so both meet the same load; the Linux column is from the rounds
beside the first target.  Ratio = graft / Linux, the median of the
rounds' ratios.

| test | Linux | graft unix | ratio | graft hvt | ratio |
| --- | --- | --- | --- | --- | --- |
$rows

Instances run with --mem 256M (256 KiB TCP buffers a direction).
Linux's veth moves 64 KiB segments (GSO, no checksums computed); so does
the tap to and from graft, which opens it with virtio-net headers and
checksum and TCP segmentation offloads (graft/nethdr.h): TCP segments of
up to 64 KiB with partial checksums each way, one system call each on
unix.  Without them (\`--net TAP:plain\`, the row so marked) frames are
1500 bytes and graft computes and checks every checksum.  On hvt frames
cross in batches of up to 64 (at most 1 MiB), one hypercall (an MMIO
exit of about 70 us under this machine's KVM: PVM, no hardware
virtualization) per batch, and one yield carries both ways: it sends
the frames the kernel's loop queued in the turn that ends in it, then
waits, then reads what arrived (a full batch goes out in an exit of its
own).  So a turn that answers and waits costs one exit, and the exits
per wakeup still bound what hvt reaches.  With a connection per request the
server closes first and keeps each connection in TIME-WAIT (nginx's host
does too).  The machine is shared
(load average $(cut -d' ' -f1 /proc/loadavg) when the run ended), so
figures move from run to run."
perf_doc_section net "$table"
