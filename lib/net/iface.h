/*
 * The interface layer: one struct net_stack per device holding the
 * address, the ARP cache, the IPv4 reassembly slots and the lists of
 * sockets, and the functions the protocol layers above use to send.
 *
 * Invariants: every table here has a fixed size or a cap from net_config;
 * s->now only moves forward; nothing in the stack is freed while a callback
 * into the application is running (sockets are reaped after input/poll).
 */
#ifndef NET_IFACE_H
#define NET_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <graft/net.h>
#include "wire.h"

#define NET_MS		    1000000ULL
#define NET_ARP_ENTRIES	    64
#define NET_ARP_RETRY_NS    (1000 * NET_MS)
#define NET_ARP_TRIES	    3
#define NET_ARP_GRACE_NS    (NET_ARP_TRIES * NET_ARP_RETRY_NS)
#define NET_FRAG_SLOTS	    4
#define NET_FRAG_MAX_PIECES 128
#define NET_IP_TTL	    64
#define NET_FRAME_MAX	    (WIRE_ETH_HLEN + 9000)
#define NET_TX_MAX	    (WIRE_ETH_HLEN + 65535) /* a TSO segment */
#define NET_EPHEMERAL_LO    49152
#define NET_TCP_TW_BUCKETS  256 /* a power of two */

struct net_arp_entry {
	uint32_t ip; /* 0: free */
	uint8_t mac[6];
	bool resolved;
	uint8_t tries;
	uint64_t expires;   /* resolved: when it goes stale */
	uint64_t retry_at;  /* unresolved: next request */
	uint64_t used;	    /* for eviction */
	uint8_t *pending;   /* one frame waiting for the address, with */
	size_t pending_len; /* its offload header (net_hdr_room) */
};

struct net_frag_slot {
	bool used;
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint64_t deadline;
	uint8_t *buf;		  /* 65535 + header bytes once used */
	uint8_t bitmap[8192 / 8]; /* one bit per 8-byte block received */
	uint32_t total;		  /* payload length once the last piece came */
	uint32_t pieces;
	bool have_first;
	uint8_t first_hdr[60 + 8]; /* for the ICMP time exceeded error */
	size_t first_hdr_len;
};

struct net_tcp;
struct net_udp;
struct net_dhcp;
struct net_dns_query;

struct net_stack {
	struct graft_netdev *dev;
	struct net_config cfg;
	uint8_t mac[6];
	uint16_t mtu;
	uint32_t ip, mask, gw, dns;
	uint64_t now;
	uint64_t rng;
	uint16_t ip_id;
	uint16_t next_port;
	uint32_t ts_offset; /* TCP timestamp clock offset */
	uint8_t *tx;	    /* one outgoing frame, NET_TX_MAX, with */
	uint8_t *tx_room;   /* WIRE_NETHDR_LEN bytes before it here */
	bool tso;	    /* the device takes TCP segments to cut */
	/* the frame net_input() is taking came with (graft/nethdr.h) a
	 * checksum the device vouches for, or is a large segment */
	bool rx_csum_valid, rx_gso;
	uint8_t *big; /* 64 KiB scratch for large datagrams */
	struct net_arp_entry arp[NET_ARP_ENTRIES];
	struct net_frag_slot frag[NET_FRAG_SLOTS];
	struct net_tcp *tcp_list; /* every socket not in TIME-WAIT */
	uint32_t tcp_count;	  /* sockets not dead */
	uint32_t tcp_dead;	  /* dead sockets on tcp_list, to reap */
	struct net_tcp *tcp_tw_head, *tcp_tw_tail; /* TIME-WAIT, oldest first */
	struct net_tcp *tcp_tw_hash[NET_TCP_TW_BUCKETS];
	struct net_udp *udp_list;
	struct net_dhcp *dhcp;
	struct net_dns_query *dns_list;
	uint64_t icmp_window; /* ICMP error rate limit */
	uint32_t icmp_sent;
	uint64_t chal_window; /* TCP challenge ACK rate limit */
	uint32_t chal_sent;
	int busy; /* depth of input/poll: reap when 0 */
	struct net_stats st;
	/* Set by a driver that runs the stack beside application fibers.
	 * clock: read at the start of an application's call, so that what
	 * the call arms counts from now and not from the last poll;
	 * app_called: after the call, which may have moved net_poll_at()
	 * earlier (the driver re-arms its timer). */
	uint64_t (*clock)(void);
	void (*app_called)(void *arg);
	void *app_called_arg;
};

uint32_t net_random(struct net_stack *s);
/* net_app_enter / net_app_done - the start and the end of every
 * application call that may send or arm a timer.  Outside input/poll,
 * enter brings the clock up to date and done reaps closed sockets and
 * tells the driver. */
static inline void net_app_enter(struct net_stack *s)
{
	uint64_t now;

	if (s->busy || !s->clock)
		return;
	now = s->clock();
	if (now > s->now)
		s->now = now;
}
void net_app_done(struct net_stack *s);
uint16_t net_ephemeral_port(struct net_stack *s);

/* ARP (iface_arp.c) */
void net_arp_input(struct net_stack *s, const uint8_t *payload, size_t len);
/* send the IPv4 packet in frame (Ethernet header space at the front, and
 * net_hdr_room() bytes before it holding the offload header) to next
 * hop; queues it while resolving.  0, GRAFT_EAGAIN (queued). */
int net_arp_send(struct net_stack *s, uint32_t next_hop, uint8_t *frame,
		 size_t len);
void net_arp_announce(struct net_stack *s);
void net_arp_poll(struct net_stack *s);
uint64_t net_arp_poll_at(struct net_stack *s);
void net_arp_free(struct net_stack *s);

/* Bytes of offload header before each frame the device moves. */
static inline size_t net_hdr_room(const struct net_stack *s)
{
	return s->dev->offloads ? WIRE_NETHDR_LEN : 0;
}

/* What a transport asks of a device with offloads for one packet: the
 * checksum field's offset in the transport header (0: the checksum is
 * complete), and the segment size for a large TCP segment (0: none). */
struct net_tx_offload {
	uint16_t csum_offset;
	uint16_t gso_size;
	uint16_t hdr_len; /* transport header bytes, with gso_size */
};

/* IPv4 (iface_ipv4.c) */
void net_ipv4_input(struct net_stack *s, const uint8_t *pkt, size_t len,
		    bool link_broadcast);
/* the payload may live anywhere; if it sits at s->tx + 34 and fits the MTU
 * it is sent without a copy.  src 0: our address.  0, GRAFT_EHOSTUNREACH,
 * GRAFT_EMSGSIZE, GRAFT_EIO. */
int net_ipv4_output(struct net_stack *s, uint32_t src, uint32_t dst,
		    uint8_t proto, const uint8_t *payload, size_t len);
/* the same with offloads asked for (off may be NULL); the payload must
 * sit at net_tx_payload() with off->gso_size, and may then be up to
 * 65535 - 20 bytes without being fragmented */
int net_ipv4_output_off(struct net_stack *s, uint32_t src, uint32_t dst,
			uint8_t proto, const uint8_t *payload, size_t len,
			const struct net_tx_offload *off);
/* where transport layers build payloads for a zero-copy send */
static inline uint8_t *net_tx_payload(struct net_stack *s)
{
	return s->tx + WIRE_ETH_HLEN + WIRE_IPV4_HLEN;
}
bool net_ipv4_is_local(struct net_stack *s, uint32_t dst);
bool net_ipv4_route(struct net_stack *s, uint32_t dst, uint32_t *next_hop);

/* fragment reassembly (iface_frag.c): returns the whole datagram's payload
 * when ip completes one (valid until the next call), else NULL */
const uint8_t *net_frag_input(struct net_stack *s, const struct wire_ipv4 *ip,
			      size_t *len);
void net_frag_poll(struct net_stack *s);
uint64_t net_frag_poll_at(struct net_stack *s);
void net_frag_free(struct net_stack *s);

/* ICMP (iface_icmp.c) */
void net_icmp_input(struct net_stack *s, const struct wire_ipv4 *ip,
		    const uint8_t *payload, size_t len);
/* an error about the packet whose IP header and payload start at orig */
void net_icmp_error(struct net_stack *s, uint8_t type, uint8_t code,
		    const struct wire_ipv4 *orig);

/* the protocol layers above (sock_udp.c, tcp_input.c, app_*.c) */
void net_udp_input(struct net_stack *s, const struct wire_ipv4 *ip,
		   const uint8_t *payload, size_t len);
void net_tcp_input(struct net_stack *s, const struct wire_ipv4 *ip,
		   const uint8_t *payload, size_t len);
void net_tcp_poll(struct net_stack *s);
uint64_t net_tcp_poll_at(struct net_stack *s);
void net_tcp_reap(struct net_stack *s);
void net_tcp_free_all(struct net_stack *s);
void net_udp_free_all(struct net_stack *s);
void net_dhcp_poll(struct net_stack *s);
uint64_t net_dhcp_poll_at(struct net_stack *s);
void net_dhcp_free(struct net_stack *s);
void net_dns_poll(struct net_stack *s);
uint64_t net_dns_poll_at(struct net_stack *s);
void net_dns_free(struct net_stack *s);

static inline uint64_t net_min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

#endif
