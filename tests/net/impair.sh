# Faults made by Linux's own kernel on the test namespace's tap (sourced
# after lib.sh, not run).  This kernel has no tc netem (sch_netem is not
# built, and modules cannot be loaded), so the faults come from netfilter
# in the same kernel:
#
#   loss N%         nftables, netdev family: `numgen random mod 100 < N
#                   drop` on the tap's egress hook (frames to the node) and
#                   its ingress hook (frames from it);
#   duplication N%  the same numgen picks frames to the node that `dup to`
#                   the tap sends twice (netdev egress), and frames from the
#                   node that `dup to $HOST device lo` hands to Linux's IP
#                   input a second time (ip prerouting);
#   reordering N%   an iptables NFQUEUE rule queues every TCP packet, each
#                   direction to its own queue, to build/tests/net/
#                   nfqreorder, which holds back N% until three later ones
#                   have gone through (nft's own queue expression is not
#                   built in this kernel either; iptables' NFQUEUE target
#                   runs through nft_compat).
#
# The tap's gso_max_segs is set to 1 meanwhile, so that Linux hands it
# single frames and the percentages count frames, not 64 KiB bursts.
# impair_counts reads back what really happened, so a test can check that
# the faults were there as well as that the data survived them.

NFQREORDER=$NET_BUILD/tests/net/nfqreorder
IMPAIR_REORDER_PID=

# impair_require: skip unless nft, iptables and nfqreorder are there
impair_require() {
	local tool
	for tool in nft iptables; do
		command -v "$tool" >/dev/null 2>&1 || skip_all "no $tool"
	done
	[ -x "$NFQREORDER" ] || skip_all "nfqreorder not built ($NFQREORDER)"
}

# impair_start [loss=N] [dup=N] [reorder=N]: percentages, both directions
impair_start() {
	local loss=0 dup=0 reorder=0 arg
	for arg in "$@"; do
		case $arg in
		loss=*) loss=${arg#loss=} ;;
		dup=*) dup=${arg#dup=} ;;
		reorder=*) reorder=${arg#reorder=} ;;
		*) echo "impair_start: unknown fault '$arg'" >&2; return 1 ;;
		esac
	done
	in_ns timeout 5 ip link set "$TAP" gso_max_segs 1 || return 1
	impair_nft "$loss" "$dup" | in_ns timeout 5 nft -f - || return 1
	[ "$reorder" -gt 0 ] || return 0
	in_ns timeout 5 iptables -t mangle -A POSTROUTING -o "$TAP" -p tcp \
		-j NFQUEUE --queue-num 0 --queue-bypass || return 1
	in_ns timeout 5 iptables -t mangle -A PREROUTING -i "$TAP" -p tcp \
		-j NFQUEUE --queue-num 1 --queue-bypass || return 1
	: >"$WORK/reorder.out"
	ip netns exec "$NS" "$NFQREORDER" -p "$reorder" 0 1 \
		>"$WORK/reorder.out" 2>&1 &
	IMPAIR_REORDER_PID=$!
	for _ in $(seq 1 50); do
		grep -q ready "$WORK/reorder.out" && return 0
		sleep 0.1
	done
	return 1
}

# the nft ruleset for loss and duplication percentages $1 and $2
impair_nft() {
	echo "table netdev impair {"
	echo "counter lost_to_node {}; counter lost_from_node {}"
	echo "counter dup_to_node {}"
	echo "chain egress { type filter hook egress device \"$TAP\" priority 0;"
	[ "$1" -gt 0 ] && echo "numgen random mod 100 < $1 counter name lost_to_node drop"
	[ "$2" -gt 0 ] && echo "numgen random mod 100 < $2 counter name dup_to_node dup to \"$TAP\""
	echo "}"
	echo "chain ingress { type filter hook ingress device \"$TAP\" priority 0;"
	[ "$1" -gt 0 ] && echo "numgen random mod 100 < $1 counter name lost_from_node drop"
	printf "}\n}\n"
	echo "table ip impair { counter dup_from_node {}"
	echo "chain prerouting { type filter hook prerouting priority -300;"
	[ "$2" -gt 0 ] && echo "iifname \"$TAP\" numgen random mod 100 < $2" \
		"counter name dup_from_node dup to $HOST device \"lo\""
	printf "}\n}\n"
}

# impair_counter family name: packets the named nft counter has seen
impair_counter() {
	in_ns timeout 5 nft list counter "$1" impair "$2" 2>/dev/null |
		sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# impair_stop: remove every fault; sets IMPAIR_LOST_TO, IMPAIR_LOST_FROM,
# IMPAIR_DUP_TO, IMPAIR_DUP_FROM (frames to and from the node),
# IMPAIR_REORDERED and IMPAIR_QUEUED (packets nfqreorder let later ones
# overtake, of those it saw), and IMPAIR_SUMMARY, a line for a TAP comment
impair_stop() {
	IMPAIR_LOST_TO=$(impair_counter netdev lost_to_node)
	IMPAIR_LOST_FROM=$(impair_counter netdev lost_from_node)
	IMPAIR_DUP_TO=$(impair_counter netdev dup_to_node)
	IMPAIR_DUP_FROM=$(impair_counter ip dup_from_node)
	IMPAIR_REORDERED=0
	IMPAIR_QUEUED=0
	in_ns timeout 5 iptables -t mangle -F 2>/dev/null
	if [ -n "$IMPAIR_REORDER_PID" ]; then
		kill -TERM "$IMPAIR_REORDER_PID" 2>/dev/null
		wait "$IMPAIR_REORDER_PID" 2>/dev/null
		IMPAIR_REORDER_PID=
		read -r _ IMPAIR_REORDERED _ IMPAIR_QUEUED < <(grep reordered \
			"$WORK/reorder.out") || true
	fi
	in_ns timeout 5 nft delete table netdev impair 2>/dev/null
	in_ns timeout 5 nft delete table ip impair 2>/dev/null
	in_ns timeout 5 ip link set "$TAP" gso_max_segs 65535
	IMPAIR_SUMMARY="frames lost ${IMPAIR_LOST_TO:-0} to the node, \
${IMPAIR_LOST_FROM:-0} from it; duplicated ${IMPAIR_DUP_TO:-0} to, \
${IMPAIR_DUP_FROM:-0} from; reordered $IMPAIR_REORDERED of $IMPAIR_QUEUED"
}

# impair_check name [loss] [dup] [reorder]: a check per fault named, that
# Linux really made it (in both directions) in the last impair_start
impair_check() {
	local name=$1 fault
	shift
	for fault in "$@"; do
		case $fault in
		loss) check "$name: Linux dropped frames both ways" \
			test "${IMPAIR_LOST_TO:-0}" -gt 0 -a "${IMPAIR_LOST_FROM:-0}" -gt 0 ;;
		dup) check "$name: Linux duplicated frames both ways" \
			test "${IMPAIR_DUP_TO:-0}" -gt 0 -a "${IMPAIR_DUP_FROM:-0}" -gt 0 ;;
		reorder) check "$name: Linux reordered packets" \
			test "${IMPAIR_REORDERED:-0}" -gt 0 ;;
		esac
	done
}
