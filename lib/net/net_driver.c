/*
 * The driver that runs a stack inside an instance, on the kernel's event
 * loop (guest builds only).  Two pieces, neither of which ever polls:
 *
 *  - a receive fiber sleeps on the device until the platform says a frame
 *    is pending, then feeds frames to net_input() in batches of RX_BATCH
 *    (one wakeup pays for every frame that arrived meanwhile; between
 *    batches it yields, so that readers drain their sockets and the window
 *    stays open under a flood);
 *  - one kernel timer stands for net_poll_at(): when it fires, net_poll()
 *    runs from the loop and the timer is re-armed at the stack's next
 *    deadline.
 *
 * Applications call into the stack from their own fibers, which can arm
 * an earlier deadline (a retransmission after a send, an ARP retry, a DNS
 * timeout).  Such a call first reads the clock (s->clock), so that the
 * deadline counts from now even after a long idle time, and then reports
 * itself (net_app_done() calls app_called); the driver arms its timer for
 * now, so the loop polls the stack once after the round, however many
 * calls the round made.
 * The instance therefore sleeps in plat_yield until a frame arrives or the
 * stack's earliest deadline, and nowhere else.
 */
#include <stdlib.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/log.h>
#include <graft/net.h>
#include <graft/time.h>
#include <graft/timer.h>
#include "iface.h"

#define RX_BATCH	    64
#define RX_ERROR_BACKOFF_NS (100 * GRAFT_NSEC_PER_MSEC)

struct net_driver {
	struct net_stack *s;
	struct graft_timer timer;
	uint8_t *frame;
	size_t frame_size; /* with offloads, a 64 KiB segment and header */
	bool rx_error_logged;
};

/* Arm the timer at the stack's next deadline (or disarm it). */
static void driver_rearm(struct net_driver *d)
{
	uint64_t at = net_poll_at(d->s);

	if (at == UINT64_MAX) {
		graft_timer_cancel(&d->timer);
		return;
	}
	if (graft_timer_armed(&d->timer) && d->timer.deadline == at)
		return;
	if (graft_timer_arm(&d->timer, at) < 0)
		graft_log(GRAFT_LOG_WARN, "net",
			  "%s: cannot arm the stack's timer: out of memory",
			  d->s->dev->name);
}

static void driver_timer(struct graft_timer *t, void *arg)
{
	struct net_driver *d = arg;

	net_poll(d->s, graft_now());
	driver_rearm(d);
}

/* An application called into the stack: poll once after this round. */
static void driver_app_called(void *arg)
{
	struct net_driver *d = arg;
	uint64_t now = graft_now();

	if (graft_timer_armed(&d->timer) && d->timer.deadline <= now)
		return;
	if (graft_timer_arm(&d->timer, now) < 0)
		graft_log(GRAFT_LOG_WARN, "net",
			  "%s: cannot arm the stack's timer: out of memory",
			  d->s->dev->name);
}

/* Feed at most RX_BATCH pending frames to the stack: how many were taken,
 * or a negative error from the device (not GRAFT_EAGAIN). */
static int driver_rx_batch(struct net_driver *d)
{
	struct graft_netdev *dev = d->s->dev;
	size_t len;
	int n, rc;

	for (n = 0; n < RX_BATCH; n++) {
		rc = dev->recv(dev, d->frame, d->frame_size, &len);
		if (rc == GRAFT_EAGAIN)
			break;
		if (rc < 0)
			return n ? n : rc;
		net_input(d->s, d->frame, len);
	}
	return n;
}

static void driver_rx_fiber(void *arg)
{
	struct net_driver *d = arg;
	struct graft_netdev *dev = d->s->dev;
	int n;

	for (;;) {
		/* the clock input is stamped with, and timers due by now */
		net_poll(d->s, graft_now());
		n = driver_rx_batch(d);
		driver_rearm(d);
		if (n == RX_BATCH) {
			graft_fiber_yield();
		} else if (n >= 0) {
			dev->wait(dev, GRAFT_FOREVER);
		} else {
			if (!d->rx_error_logged)
				graft_log(GRAFT_LOG_WARN, "net",
					  "%s: receive failed: %s", dev->name,
					  graft_strerror(n));
			d->rx_error_logged = true;
			graft_sleep_ns(RX_ERROR_BACKOFF_NS);
		}
	}
}

int net_driver_start(struct net_stack *s)
{
	struct net_driver *d;
	int rc;

	if (!s->dev->recv || !s->dev->wait)
		return GRAFT_EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return GRAFT_ENOMEM;
	d->s = s;
	d->frame_size = s->dev->offloads ? GRAFT_NET_FRAME_MAX : NET_FRAME_MAX;
	d->frame = malloc(d->frame_size);
	if (!d->frame) {
		rc = GRAFT_ENOMEM;
		goto fail;
	}
	graft_timer_init(&d->timer, driver_timer, d);
	rc = graft_fiber_spawn("net-rx", driver_rx_fiber, d, 0, NULL);
	if (rc < 0)
		goto fail;
	s->clock = graft_now;
	s->app_called = driver_app_called;
	s->app_called_arg = d;
	driver_rearm(d);
	return 0;
fail:
	free(d->frame);
	free(d);
	return rc;
}
