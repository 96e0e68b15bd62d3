/*
 * An in-memory Ethernet link between two stacks for hosted tests, with a
 * simulated clock and a fault injector (loss, duplication, reordering,
 * delay).  Frames are delivered in time order; nl_run() advances the clock
 * event by event, so a test of minutes of TCP time runs in milliseconds.
 */
#ifndef NET_TEST_NETLINK_H
#define NET_TEST_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <graft/device.h>
#include <graft/net.h>

#define NL_MS 1000000ULL

struct nl_frame;

struct netlink {
	struct graft_netdev dev[2];
	struct net_stack *s[2];
	uint64_t now;
	uint64_t rng;
	struct nl_frame *queue;
	/* faults, per million frames */
	uint32_t loss_ppm, dup_ppm, reorder_ppm;
	uint64_t delay_ns, reorder_ns;
	/* optional: look at (and return false to drop) each frame sent */
	bool (*filter)(struct netlink *l, int from, const uint8_t *f,
		       size_t len, void *ctx);
	void *filter_ctx;
	uint64_t frames, dropped, max_queued, queued;
	/* offloads (graft/nethdr.h): with nl_init_offloads, both devices
	 * take the header, and the link plays the host: it cuts a large
	 * segment into gso_size pieces (or, with pass_gso, hands it over
	 * whole as Linux's tap does) and completes partial checksums */
	bool pass_gso;
	uint64_t gso_frames;	 /* large segments sent */
	uint64_t gso_pieces;	 /* segments cut from them */
	uint64_t partial_csums;	 /* checksums the link completed */
	uint64_t offload_errors; /* bad headers, pieces above the MTU */
	uint32_t max_gso_size, min_gso_size;
	size_t max_frame; /* largest frame sent, header cut */
};

/* two stacks, 192.0.2.1 (s[0]) and 192.0.2.2 (s[1]) on a /24, with
 * cfg (may be NULL) as the base of both configurations */
void nl_init(struct netlink *l, const struct net_config *cfg);
/* the same over devices with offloads (GRAFT_NET_OFF_*) */
void nl_init_offloads(struct netlink *l, const struct net_config *cfg,
		      uint32_t offloads);
void nl_free(struct netlink *l);
/* run until cond(ctx) holds or the clock passes now + max_ns; returns
 * whether cond held */
bool nl_run(struct netlink *l, bool (*cond)(void *ctx), void *ctx,
	    uint64_t max_ns);
/* inject a raw frame to stack i as if received */
void nl_inject(struct netlink *l, int to, const void *f, size_t len);

#endif
