/*
 * graft's TCP/IP stack (lib/net): the public API.
 *
 * One struct net_stack per network device.  The stack never blocks and owns
 * no thread: whoever drives it hands it received frames with net_input(),
 * calls net_poll() with the current monotonic time, and sleeps until
 * net_poll_at() or until the device has input.  Frames go out through the
 * struct graft_netdev given at creation.
 *
 * Addresses and ports are in host byte order (192.0.2.1 is 0xc0000201).
 *
 * Sockets come in two styles over the same objects:
 *  - non-blocking calls returning GRAFT_EAGAIN, plus callbacks (struct
 *    net_callbacks) run from inside net_input()/net_poll();
 *  - blocking calls with timeouts for fibers (net_blocking_*, guest builds
 *    only: lib/net/net_block.c).
 *
 * Memory stays bounded under any input: every queue has a cap given by
 * struct net_config.
 */
#ifndef GRAFT_NET_H
#define GRAFT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <graft/device.h>

#define NET_IP4(a, b, c, d)                                                    \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) |                       \
	 ((uint32_t)(c) << 8) | (uint32_t)(d))

struct net_stack;
struct net_tcp;
struct net_udp;

/* Limits and addresses.  Zero fields take the default in brackets. */
struct net_config {
	uint32_t ip;	     /* 0: no address yet (use net_dhcp_start) */
	uint32_t netmask;    /* [255.255.255.0 if ip is set] */
	uint32_t gateway;    /* 0: local subnet only */
	uint32_t dns;	     /* DNS server, 0: none (DHCP may set it) */
	uint64_t seed;	     /* randomness for ISNs, ports, ids (mix in time) */
	uint32_t tcp_max;    /* sockets of every state [256] */
	uint32_t tcp_sndbuf; /* bytes per connection [256 KiB] */
	uint32_t tcp_rcvbuf; /* bytes per connection [256 KiB] */
	uint32_t tcp_min_rto_ms;  /* [200] */
	uint32_t tcp_msl_ms;	  /* TIME-WAIT lasts 2 MSL [30000] */
	bool tcp_no_sack;	  /* offer no SACK (RFC 2018) [offered] */
	uint32_t udp_queue_max;	  /* datagrams queued per socket [64] */
	uint32_t arp_ttl_ms;	  /* ARP entry lifetime [60000] */
	uint32_t frag_timeout_ms; /* reassembly timeout [30000] */
};

/* net_stack_new - a stack over dev with cfg (copied), clock at now_ns.
 * Sends a gratuitous ARP when cfg->ip is set.  GRAFT_EINVAL, GRAFT_ENOMEM. */
int net_stack_new(struct graft_netdev *dev, const struct net_config *cfg,
		  uint64_t now_ns, struct net_stack **out);
/* net_stack_free - drop every socket (without sending) and free. */
void net_stack_free(struct net_stack *s);

/* net_input - process one received Ethernet frame.  The frame is not kept
 * after the call returns.  Bad frames are counted and dropped.  Time is
 * that of the last net_poll(). */
void net_input(struct net_stack *s, const void *frame, size_t len);
/* net_poll - set the clock to now_ns (monotonic) and run due timers. */
void net_poll(struct net_stack *s, uint64_t now_ns);
/* net_poll_at - the earliest time net_poll() has work, or UINT64_MAX. */
uint64_t net_poll_at(struct net_stack *s);

/* net_set_default / net_default - the stack applications use when they do
 * not choose one (the boot step sets it, guest builds only); NULL if none.
 * Set it to NULL before freeing that stack. */
void net_set_default(struct net_stack *s);
struct net_stack *net_default(void);

/* net_set_addr - (re)configure the address; sends a gratuitous ARP. */
void net_set_addr(struct net_stack *s, uint32_t ip, uint32_t netmask,
		  uint32_t gateway, uint32_t dns);
void net_get_addr(struct net_stack *s, uint32_t *ip, uint32_t *netmask,
		  uint32_t *gateway, uint32_t *dns);

/* Counters for tests and statistics. */
struct net_stats {
	uint64_t rx_frames, tx_frames, rx_dropped, rx_bad;
	uint64_t tcp_retransmits, tcp_fast_retransmits, tcp_rst_sent;
	uint64_t tcp_challenge_acks, tcp_syn_dropped;
	uint64_t tcp_timeouts;	   /* retransmission timer expiries */
	uint64_t tcp_sack_sent;	   /* segments sent with SACK blocks */
	uint64_t tcp_sack_recv;	   /* segments received with SACK blocks */
	uint64_t tcp_sack_bad;	   /* SACK blocks ignored: outside the flight */
	uint64_t tcp_sack_rexmits; /* holes resent in SACK recovery */
	uint64_t tcp_sack_lost_rexmits; /* of those, resent again */
	uint64_t tcp_sack_undos; /* recoveries D-SACKs showed spurious */
	uint64_t frag_reassembled, frag_dropped;
	uint64_t arp_entries;
	uint32_t tcp_sockets;	 /* allocated now, every state */
	uint32_t frag_slots;	 /* datagrams being reassembled now */
	uint64_t mem_bytes;	 /* bytes the stack holds in buffers now */
	uint64_t tx_gso, rx_gso; /* large TCP segments the device cut or
				    merged (offloads, graft/nethdr.h) */
};
void net_get_stats(struct net_stack *s, struct net_stats *st);

/* net_ip4_parse - "a.b.c.d" into *ip; GRAFT_EINVAL.
 * net_ip4_format - into buf (at least 16 bytes); returns buf. */
int net_ip4_parse(const char *str, uint32_t *ip);
char *net_ip4_format(uint32_t ip, char *buf);

/* Callbacks.  Each may be NULL.  They run inside net_input()/net_poll() and
 * may call any socket function, including net_tcp_close() on sock. */
struct net_callbacks {
	/* data (or EOF, or an error) can be read; on a listener: a connection
	 * can be accepted; on UDP: a datagram is queued */
	void (*on_readable)(void *sock, void *ctx);
	/* send buffer space opened */
	void (*on_writable)(void *sock, void *ctx);
	/* active open completed */
	void (*on_connected)(void *sock, void *ctx);
	/* the connection is over: err is 0 (orderly), GRAFT_ECONNRESET,
	 * GRAFT_ECONNREFUSED or GRAFT_ETIMEDOUT */
	void (*on_closed)(void *sock, void *ctx, int err);
};

/*
 * TCP.  A struct net_tcp belongs to the caller from connect/listen/accept
 * until net_tcp_close() or net_tcp_abort(); after that the stack finishes
 * the connection and frees it by itself.
 */

/* net_tcp_connect - start an active open to ip:port from an ephemeral port.
 * Completion: on_connected, or on_closed with an error.
 * GRAFT_EHOSTUNREACH (no route), GRAFT_ENOMEM, GRAFT_ENOSPC (tcp_max). */
int net_tcp_connect(struct net_stack *s, uint32_t ip, uint16_t port,
		    const struct net_callbacks *cb, void *ctx,
		    struct net_tcp **out);
/* net_tcp_listen - a listener on port (every local address) with at most
 * backlog connections waiting for accept and as many half-open ones.  A
 * SYN beyond either is dropped (its sender retransmits it), except that
 * a half-open connection whose SYN-ACK has gone unanswered for a
 * retransmission timeout gives way to it (SYN floods).
 * GRAFT_EADDRINUSE, GRAFT_ENOMEM, GRAFT_ENOSPC. */
int net_tcp_listen(struct net_stack *s, uint16_t port, unsigned backlog,
		   const struct net_callbacks *cb, void *ctx,
		   struct net_tcp **out);
/* net_tcp_accept - take an established connection; it gets cb/ctx.
 * GRAFT_EAGAIN if none is waiting, GRAFT_EINVAL if l is not a listener. */
int net_tcp_accept(struct net_tcp *l, const struct net_callbacks *cb, void *ctx,
		   struct net_tcp **out);
/* net_tcp_send - queue up to len bytes; returns how many were taken (> 0),
 * GRAFT_EAGAIN (buffer full), GRAFT_ENOTCONN, GRAFT_ECLOSED (after
 * shutdown), GRAFT_ECONNRESET, GRAFT_ETIMEDOUT. */
long net_tcp_send(struct net_tcp *t, const void *buf, size_t len);
/* net_tcp_recv - copy out up to len bytes; returns how many (> 0), 0 at
 * end of stream, GRAFT_EAGAIN, GRAFT_ENOTCONN, GRAFT_ECONNRESET... */
long net_tcp_recv(struct net_tcp *t, void *buf, size_t len);
/* net_tcp_shutdown - send FIN once queued data is out (half close). */
int net_tcp_shutdown(struct net_tcp *t);
/* net_tcp_close - shutdown, and give the socket back to the stack. */
void net_tcp_close(struct net_tcp *t);
/* net_tcp_abort - send RST (if synchronized) and free. */
void net_tcp_abort(struct net_tcp *t);
/* net_tcp_set_keepalive - probe after idle_ms without input, every
 * interval_ms, give up after count probes (idle_ms 0: off). */
void net_tcp_set_keepalive(struct net_tcp *t, uint32_t idle_ms,
			   uint32_t interval_ms, uint32_t count);
/* net_tcp_sendable - free bytes in the send buffer; net_tcp_readable -
 * bytes waiting to be read; net_tcp_state_name - "ESTABLISHED"... */
size_t net_tcp_sendable(const struct net_tcp *t);
size_t net_tcp_readable(const struct net_tcp *t);
const char *net_tcp_state_name(const struct net_tcp *t);
/* net_tcp_error - the error that ended the connection, or 0. */
int net_tcp_error(const struct net_tcp *t);
void net_tcp_peer(const struct net_tcp *t, uint32_t *ip, uint16_t *port);
uint16_t net_tcp_local_port(const struct net_tcp *t);

/*
 * UDP.
 */

/* net_udp_bind - a socket on port (0: ephemeral).  GRAFT_EADDRINUSE,
 * GRAFT_ENOMEM. */
int net_udp_bind(struct net_stack *s, uint16_t port,
		 const struct net_callbacks *cb, void *ctx,
		 struct net_udp **out);
/* net_udp_sendto - send one datagram (fragmented if larger than the MTU);
 * GRAFT_EMSGSIZE, GRAFT_EHOSTUNREACH, GRAFT_EAGAIN (address resolution in
 * progress and its queue full), GRAFT_EIO. */
int net_udp_sendto(struct net_udp *u, uint32_t ip, uint16_t port,
		   const void *buf, size_t len);
/* net_udp_recvfrom - take the oldest queued datagram (truncated to len);
 * returns its full length, GRAFT_EAGAIN if none.  ip/port may be NULL. */
long net_udp_recvfrom(struct net_udp *u, void *buf, size_t len, uint32_t *ip,
		      uint16_t *port);
uint16_t net_udp_local_port(const struct net_udp *u);
void net_udp_close(struct net_udp *u);

/*
 * DHCP client and DNS stub resolver.
 */

/* net_dhcp_start - obtain an address; done(ctx, 0) once bound (the stack's
 * address is set), done(ctx, GRAFT_ETIMEDOUT) after giving up.  Renews the
 * lease by itself.  GRAFT_EBUSY if already running, GRAFT_ENOMEM. */
int net_dhcp_start(struct net_stack *s, void (*done)(void *ctx, int err),
		   void *ctx);
/* net_dhcp_bound - whether a lease is held. */
bool net_dhcp_bound(struct net_stack *s);

/* net_dns_resolve - look up name's IPv4 address at the configured server;
 * done(ctx, 0, ip) or done(ctx, GRAFT_ENOENT (no such name) /
 * GRAFT_EIO (the server refused or failed) / GRAFT_ETIMEDOUT, 0) is called
 * exactly once, never from inside this call.
 * A dotted-quad name resolves without a query.  GRAFT_EINVAL (bad name),
 * GRAFT_EHOSTUNREACH (no server), GRAFT_ENOMEM. */
int net_dns_resolve(struct net_stack *s, const char *name,
		    void (*done)(void *ctx, int err, uint32_t ip), void *ctx);

/*
 * Running a stack in an instance (lib/net/net_driver.c, net_boot.c; guest
 * builds).  At boot, an image that links lib/net brings a stack up on the
 * device net0 from the kernel options graft.ip=A.B.C.D[/N], graft.gw=,
 * graft.dns= or graft.dhcp, and makes it the default.
 */

/* net_driver_start - drive s from the kernel's event loop until the
 * instance ends: a fiber feeds it received frames, a kernel timer runs
 * net_poll() at net_poll_at(), and the instance sleeps in between.  The
 * device needs recv and wait.  GRAFT_EINVAL, GRAFT_ENOMEM. */
int net_driver_start(struct net_stack *s);

/*
 * Blocking layer for fibers (lib/net/net_block.c, guest builds).  Each
 * deadline is an absolute monotonic time (GRAFT_FOREVER: none).  A
 * struct net_conn wraps a TCP socket with the wait queues fibers sleep on.
 */
struct net_conn;

int net_blocking_connect(struct net_stack *s, uint32_t ip, uint16_t port,
			 uint64_t deadline, struct net_conn **out);
int net_blocking_listen(struct net_stack *s, uint16_t port, unsigned backlog,
			struct net_conn **out);
int net_blocking_accept(struct net_conn *l, uint64_t deadline,
			struct net_conn **out);
/* read: bytes (> 0), 0 at end of stream, or an error (GRAFT_ETIMEDOUT) */
long net_blocking_read(struct net_conn *c, void *buf, size_t len,
		       uint64_t deadline);
/* write: all of len, or an error; *done (may be NULL) gets bytes queued */
int net_blocking_write(struct net_conn *c, const void *buf, size_t len,
		       uint64_t deadline, size_t *done);
void net_blocking_close(struct net_conn *c);
struct net_tcp *net_blocking_socket(struct net_conn *c);
int net_blocking_resolve(struct net_stack *s, const char *name,
			 uint64_t deadline, uint32_t *ip);

#endif
