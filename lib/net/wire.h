/*
 * Wire formats: stateless parse and emit for Ethernet, ARP, IPv4, ICMP,
 * UDP, TCP, DHCP and DNS.  Nothing here keeps state or knows a stack.
 *
 * Every wire_*_parse() is the one place where bytes from the network are
 * checked: it lists its checks, returns GRAFT_EFORMAT on any failure and on
 * success fills a struct whose pointers and lengths lie inside the input.
 * Code above this layer may trust a parsed struct.  Emitters write into a
 * caller's buffer that is known to be large enough (sizes given here).
 */
#ifndef NET_WIRE_H
#define NET_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <graft/nethdr.h>

static inline uint16_t wire_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t wire_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}
static inline void wire_wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}
static inline void wire_wr32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Internet checksum (RFC 1071): add bytes into a 32-bit sum, fold last. */
uint32_t wire_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t wire_csum_fold(uint32_t sum);
/* the IPv4 pseudo header for UDP/TCP */
uint32_t wire_csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto,
			  uint16_t len);

/* The offload header before frames on a device with offloads
 * (graft/nethdr.h).  csum_start counts from the Ethernet header. */
#define WIRE_NETHDR_LEN GRAFT_NET_HDR_LEN
struct wire_nethdr {
	uint8_t flags;	  /* GRAFT_NET_HDR_F_* */
	uint8_t gso_type; /* GRAFT_NET_GSO_* */
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
};
/* buf holds the header and the frame after it (len bytes in all) */
int wire_nethdr_parse(const uint8_t *buf, size_t len, struct wire_nethdr *h);
void wire_nethdr_emit(uint8_t *buf, const struct wire_nethdr *h);
/* whether the frame is a large segment (gso_type other than NONE) */
bool wire_nethdr_gso(const struct wire_nethdr *h);

/* Ethernet II */
#define WIRE_ETH_HLEN 14
#define WIRE_ETH_IPV4 0x0800
#define WIRE_ETH_ARP 0x0806
struct wire_eth {
	const uint8_t *dst, *src;
	uint16_t type;
	const uint8_t *payload;
	size_t payload_len;
};
int wire_eth_parse(const uint8_t *buf, size_t len, struct wire_eth *e);
void wire_eth_emit(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
		   uint16_t type);
extern const uint8_t wire_eth_broadcast[6];

/* ARP for IPv4 over Ethernet */
#define WIRE_ARP_LEN 28
#define WIRE_ARP_REQUEST 1
#define WIRE_ARP_REPLY 2
struct wire_arp {
	uint16_t op;
	uint8_t sha[6], tha[6];
	uint32_t spa, tpa;
};
int wire_arp_parse(const uint8_t *buf, size_t len, struct wire_arp *a);
void wire_arp_emit(uint8_t *buf, const struct wire_arp *a);

/* IPv4 */
#define WIRE_IPV4_HLEN 20
#define WIRE_IP_ICMP 1
#define WIRE_IP_TCP 6
#define WIRE_IP_UDP 17
struct wire_ipv4 {
	const uint8_t *hdr;
	size_t hdr_len;
	uint8_t tos, ttl, proto;
	uint16_t id;
	uint16_t frag_off; /* bytes */
	bool mf, df;
	uint32_t src, dst;
	const uint8_t *payload;
	size_t payload_len; /* from total length, Ethernet padding cut */
};
int wire_ipv4_parse(const uint8_t *buf, size_t len, struct wire_ipv4 *ip);
/* a 20-byte header with checksum; frag_off in bytes (multiple of 8) */
void wire_ipv4_emit(uint8_t *buf, const struct wire_ipv4 *ip,
		    size_t payload_len);

/* ICMP */
#define WIRE_ICMP_HLEN 8
#define WIRE_ICMP_ECHO_REPLY 0
#define WIRE_ICMP_UNREACH 3
#define WIRE_ICMP_ECHO 8
#define WIRE_ICMP_TIME_EXCEEDED 11
#define WIRE_ICMP_PORT_UNREACH 3
#define WIRE_ICMP_PROTO_UNREACH 2
#define WIRE_ICMP_FRAG_NEEDED 4
struct wire_icmp {
	uint8_t type, code;
	uint32_t rest; /* id and sequence for echo */
	const uint8_t *data;
	size_t data_len;
};
int wire_icmp_parse(const uint8_t *buf, size_t len, struct wire_icmp *m);
/* writes the 8-byte header and the checksum over header + data, which must
 * already follow the header in buf */
void wire_icmp_emit(uint8_t *buf, const struct wire_icmp *m, size_t data_len);

/* UDP */
#define WIRE_UDP_HLEN 8
struct wire_udp {
	uint16_t sport, dport;
	const uint8_t *payload;
	size_t payload_len;
};
/* csum_valid: the device vouched for the checksum (graft/nethdr.h), which
 * is then not verified (it may hold only the pseudo-header's sum) */
int wire_udp_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
		   bool csum_valid, struct wire_udp *u);
/* header + checksum; payload must already follow the header in buf */
void wire_udp_emit(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport,
		   uint16_t dport, size_t payload_len);

/* TCP */
#define WIRE_TCP_HLEN 20
#define WIRE_TCP_MAX_HLEN 60
#define WIRE_TCP_FIN 0x01
#define WIRE_TCP_SYN 0x02
#define WIRE_TCP_RST 0x04
#define WIRE_TCP_PSH 0x08
#define WIRE_TCP_ACK 0x10
#define WIRE_TCP_URG 0x20
/* SACK blocks one option can carry (RFC 2018 3: 40 option bytes) */
#define WIRE_TCP_SACK_MAX 4
struct wire_tcp_sack {
	uint32_t lo, hi; /* left and right edge: sequence numbers [lo, hi) */
};
struct wire_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	uint16_t urg;
	/* options: mss 0 when absent, wscale -1 when absent */
	uint16_t mss;
	int8_t wscale;
	bool sack_perm;
	bool ts;
	uint32_t tsval, tsecr;
	/* SACK blocks as the option carried them, not checked against any
	 * window (edges may wrap or lie anywhere) */
	uint8_t n_sack;
	struct wire_tcp_sack sack[WIRE_TCP_SACK_MAX];
	const uint8_t *payload;
	size_t payload_len;
};
int wire_tcp_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst,
		   bool csum_valid, struct wire_tcp *t);
/* header with the options set in t (mss if nonzero, wscale if >= 0,
 * sack_perm, ts, n_sack blocks) and checksum; the caller keeps the
 * options within 40 bytes (at most 3 blocks beside timestamps); the payload
 * (t->payload_len bytes) must already follow the header at buf +
 * wire_tcp_hlen(t).  Returns the header length. */
size_t wire_tcp_hlen(const struct wire_tcp *t);
size_t wire_tcp_emit(uint8_t *buf, uint32_t src, uint32_t dst,
		     const struct wire_tcp *t);
/* the same with only the pseudo header's sum in the checksum field, for
 * a device that completes it (GRAFT_NET_HDR_F_NEEDS_CSUM) */
size_t wire_tcp_emit_partial(uint8_t *buf, uint32_t src, uint32_t dst,
			     const struct wire_tcp *t);

/* DHCP (BOOTP with options) */
#define WIRE_DHCP_MIN 240 /* fixed part and magic cookie */
#define WIRE_DHCP_CLIENT_PORT 68
#define WIRE_DHCP_SERVER_PORT 67
enum wire_dhcp_type {
	WIRE_DHCP_DISCOVER = 1,
	WIRE_DHCP_OFFER = 2,
	WIRE_DHCP_REQUEST = 3,
	WIRE_DHCP_DECLINE = 4,
	WIRE_DHCP_ACK = 5,
	WIRE_DHCP_NAK = 6,
	WIRE_DHCP_RELEASE = 7,
};
struct wire_dhcp {
	uint8_t op;
	uint32_t xid;
	uint16_t flags;
	uint32_t ciaddr, yiaddr;
	uint8_t chaddr[6];
	uint8_t msg_type;          /* 0 if the option is absent */
	uint32_t server_id, mask, router, dns, requested_ip;
	uint32_t lease_s, t1_s, t2_s; /* 0 if absent */
};
int wire_dhcp_parse(const uint8_t *buf, size_t len, struct wire_dhcp *d);
/* a client message (DISCOVER/REQUEST...) with the options that are set in
 * d; buf must hold WIRE_DHCP_MAX_EMIT bytes; returns the length */
#define WIRE_DHCP_MAX_EMIT 300
size_t wire_dhcp_emit(uint8_t *buf, const struct wire_dhcp *d);

/* DNS */
#define WIRE_DNS_PORT 53
#define WIRE_DNS_NAME_MAX 253
/* a query for name's A record; returns the length or GRAFT_EINVAL (bad
 * name) / GRAFT_ENOSPC (buffer) */
int wire_dns_emit_query(uint8_t *buf, size_t size, uint16_t id,
			const char *name);
/* the first A record answering name (following CNAMEs) from a response with
 * id; GRAFT_EFORMAT (malformed, wrong id or question), GRAFT_ENOENT
 * (NXDOMAIN or no address), GRAFT_EIO (any other error code) */
int wire_dns_parse_response(const uint8_t *buf, size_t len, uint16_t id,
			    const char *name, uint32_t *addr);
/* name at off (with compression) into out as dotted text; *next gets the
 * offset after the name in place.  GRAFT_EFORMAT on loops, overruns, bad
 * labels. */
int wire_dns_read_name(const uint8_t *buf, size_t len, size_t off, char *out,
		       size_t out_size, size_t *next);

#endif
