/*
 * The module API (<graft/modapi.h>): log, time, timers, messages and
 * granted devices, for modules of every format.  The mod_api_* functions
 * take the calling module explicitly and trusted pointers; native modules
 * reach them through the exported graft_mod_* wrappers at the end of this
 * file (the caller is mod_current()), bytecode modules through the import
 * glue of fmt_wasm_imports.c, which checks every guest range first.
 *
 * What a module holds here lives in one struct mod_svc, created at its
 * first call and tracked as a module resource: at unload (or when a trap
 * stops the module) its release cancels the timers, drops the mailbox,
 * closes the handles and tells the net pollers to end.
 *
 * Invariants: a callback runs only from a kernel timer or a poller fiber,
 * never inside another module's call, so modules never reenter each other;
 * once mod_callback returns GRAFT_ETRAP the svc is gone and its caller
 * returns without touching it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graft/device.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/init.h>
#include <graft/log.h>
#include <graft/modapi.h>
#include <graft/module.h>
#include <graft/time.h>
#include <graft/timer.h>
#include "mod_internal.h"

#define MOD_MAX_GRANTS	32u
#define NET_POLL_PERIOD GRAFT_NSEC_PER_SEC /* bounds a poller's life */
#define NET_POLL_STACK	0 /* the default: a callback may run deep */

struct grant {
	char module[GRAFT_MODULE_NAME_MAX];
	char device[GRAFT_MODULE_NAME_MAX];
	uint64_t first, count;
};

static struct grant grants[MOD_MAX_GRANTS];
static unsigned ngrants;
static void (*host_msg_fn)(const char *from, const void *data, size_t len);

struct msg {
	struct msg *next;
	char from[GRAFT_MODULE_NAME_MAX];
	size_t len;
	uint8_t data[];
};

/* A fiber that waits for frames on one net handle and runs the module's
 * net callback.  It outlives the svc: release sets stop, the fiber frees
 * the poller when it next wakes. */
struct net_poller {
	struct mod *m; /* NULL once stopped */
	bool stop;
	struct graft_netdev *dev;
	int handle;
};

struct handle {
	int kind; /* GRAFT_DEVICE_BLOCK, GRAFT_DEVICE_NET; 0: free */
	void *dev;
	uint64_t first, count; /* block: the granted sectors */
	struct net_poller *poller;
};

struct mod_svc {
	struct mod_resource res;
	struct mod *m;
	struct graft_timer timers[GRAFT_MOD_TIMERS];
	uint64_t periods[GRAFT_MOD_TIMERS];
	struct graft_timer deliver; /* runs the message callback */
	struct msg *head, *tail;
	unsigned nmsgs;
	struct handle handles[GRAFT_MOD_HANDLES];
};

/* ---- the svc ---- */

static void svc_release(struct mod_resource *r)
{
	struct mod_svc *svc = (struct mod_svc *)r;
	struct msg *msg, *next;
	unsigned i;

	for (i = 0; i < GRAFT_MOD_TIMERS; i++)
		graft_timer_cancel(&svc->timers[i]);
	graft_timer_cancel(&svc->deliver);
	for (msg = svc->head; msg; msg = next) {
		next = msg->next;
		free(msg);
	}
	for (i = 0; i < GRAFT_MOD_HANDLES; i++)
		if (svc->handles[i].poller) {
			svc->handles[i].poller->stop = true;
			svc->handles[i].poller->m = NULL;
		}
	svc->m->svc = NULL;
	free(svc);
}

static void timer_fire(struct graft_timer *t, void *arg);
static void deliver_fire(struct graft_timer *t, void *arg);
static void svc_hand_over(struct mod_resource *r, struct mod *to);

/* m's svc, created (and owned by m) at the first call that needs it. */
static struct mod_svc *svc_of(struct mod *m)
{
	struct mod_svc *svc;
	struct mod *prev;
	unsigned i;

	if (m->svc)
		return m->svc;
	svc = calloc(1, sizeof(*svc));
	if (!svc)
		return NULL;
	svc->m = m;
	for (i = 0; i < GRAFT_MOD_TIMERS; i++)
		graft_timer_init(&svc->timers[i], timer_fire, svc);
	graft_timer_init(&svc->deliver, deliver_fire, svc);
	prev = mod_enter(m);
	mod_resource_track(&svc->res, svc_release);
	svc->res.hand_over = svc_hand_over;
	mod_leave(prev);
	m->svc = svc;
	return svc;
}

/* ---- log and time ---- */

/* A module's bytes as one log line: at most GRAFT_MOD_LOG_MAX of them,
 * anything but printable ASCII shown as '?', so that a module cannot forge
 * lines of its own. */
static void printable(char line[GRAFT_MOD_LOG_MAX + 1], const char *s,
		      size_t len)
{
	size_t i;

	if (len > GRAFT_MOD_LOG_MAX)
		len = GRAFT_MOD_LOG_MAX;
	for (i = 0; i < len; i++)
		line[i] = s[i] >= ' ' && s[i] < 0x7f ? s[i] : '?';
	line[len] = '\0';
}

void mod_api_log(struct mod *m, int level, const char *msg, size_t len)
{
	char line[GRAFT_MOD_LOG_MAX + 1];

	printable(line, msg, len);
	if (level < GRAFT_LOG_ERROR)
		level = GRAFT_LOG_ERROR;
	if (level > GRAFT_LOG_DEBUG)
		level = GRAFT_LOG_DEBUG;
	graft_log(level, "mod", "module '%s': %s", m ? m->name : "?", line);
}

/* ---- timers ---- */

static void timer_fire(struct graft_timer *t, void *arg)
{
	struct mod_svc *svc = arg;
	uint32_t id = (uint32_t)(t - svc->timers);
	uint64_t now;

	if (svc->periods[id]) {
		now = graft_now();
		t->deadline += svc->periods[id];
		graft_timer_arm(t, t->deadline > now ? t->deadline
						     : now + svc->periods[id]);
	}
	mod_callback(svc->m, MOD_ENTRY_TIMER, id);
}

int mod_api_timer_start(struct mod *m, uint32_t id, uint64_t delay,
			uint64_t period)
{
	struct mod_svc *svc;
	uint64_t now = graft_now();

	if (id >= GRAFT_MOD_TIMERS ||
	    !(m->entries & MOD_ENTRY_BIT(MOD_ENTRY_TIMER)))
		return GRAFT_EINVAL;
	svc = svc_of(m);
	if (!svc)
		return GRAFT_ENOMEM;
	if (period && period < GRAFT_MOD_TIMER_MIN_PERIOD)
		period = GRAFT_MOD_TIMER_MIN_PERIOD;
	svc->periods[id] = period;
	return graft_timer_arm(&svc->timers[id], delay > UINT64_MAX - now
						     ? UINT64_MAX
						     : now + delay);
}

int mod_api_timer_stop(struct mod *m, uint32_t id)
{
	if (id >= GRAFT_MOD_TIMERS)
		return GRAFT_EINVAL;
	if (m->svc) {
		graft_timer_cancel(&m->svc->timers[id]);
		m->svc->periods[id] = 0;
	}
	return 0;
}

/* ---- messages ---- */

static void deliver_fire(struct graft_timer *t, void *arg)
{
	struct mod_svc *svc = arg;

	mod_callback(svc->m, MOD_ENTRY_MESSAGE, 0);
}

void mod_set_host_msg(void (*fn)(const char *from, const void *data,
				 size_t len))
{
	host_msg_fn = fn;
}

/* Without a listener, messages to the host go to the log. */
static void log_to_host(struct mod *m, const char *data, size_t len)
{
	char line[GRAFT_MOD_LOG_MAX + 1];

	printable(line, data, len);
	graft_log(GRAFT_LOG_INFO, "mod", "module '%s' to host: %s", m->name,
		  line);
}

static int deliver(struct mod *to, const char *from, const void *data,
		   size_t len)
{
	struct mod_svc *svc;
	struct msg *msg;

	if (!(to->entries & MOD_ENTRY_BIT(MOD_ENTRY_MESSAGE)) ||
	    to->state != MOD_LIVE)
		return GRAFT_ENOENT;
	svc = svc_of(to);
	if (!svc)
		return GRAFT_ENOMEM;
	if (svc->nmsgs >= GRAFT_MOD_MAILBOX)
		return GRAFT_EAGAIN;
	msg = malloc(sizeof(*msg) + len);
	if (!msg)
		return GRAFT_ENOMEM;
	msg->next = NULL;
	snprintf(msg->from, sizeof(msg->from), "%s", from);
	msg->len = len;
	memcpy(msg->data, data, len);
	if (svc->tail)
		svc->tail->next = msg;
	else
		svc->head = msg;
	svc->tail = msg;
	svc->nmsgs++;
	if (!graft_timer_armed(&svc->deliver) &&
	    graft_timer_arm(&svc->deliver, graft_now()) != 0) {
		/* the message stays queued; the next send arms it again */
		return GRAFT_ENOMEM;
	}
	return 0;
}

/* At upgrade: the messages the old version has not taken go to the new
 * one (its svc is made here), in order and ahead of any it has, and its
 * message callback is scheduled.  A new version without a message
 * callback cannot take them: the old version's release frees them. */
static void svc_hand_over(struct mod_resource *r, struct mod *to)
{
	struct mod_svc *from = (struct mod_svc *)r, *svc = NULL;

	if (!from->head)
		return;
	if (to->entries & MOD_ENTRY_BIT(MOD_ENTRY_MESSAGE))
		svc = svc_of(to);
	if (!svc) {
		graft_log(GRAFT_LOG_WARN, "mod",
			  "module '%s': %u queued messages dropped at upgrade: "
			  "version %s %s",
			  to->name, from->nmsgs, to->version,
			  to->entries & MOD_ENTRY_BIT(MOD_ENTRY_MESSAGE)
			      ? "is out of memory"
			      : "has no message callback");
		return;
	}
	from->tail->next = svc->head;
	if (!svc->tail)
		svc->tail = from->tail;
	svc->head = from->head;
	svc->nmsgs += from->nmsgs;
	from->head = from->tail = NULL;
	from->nmsgs = 0;
	graft_timer_cancel(&from->deliver);
	if (!graft_timer_armed(&svc->deliver))
		graft_timer_arm(&svc->deliver, graft_now());
}

int mod_api_send(struct mod *m, const char *to, const void *data, size_t len)
{
	struct mod *dst;

	if (len > GRAFT_MOD_MSG_MAX)
		return GRAFT_EMSGSIZE;
	if (strcmp(to, GRAFT_MOD_HOST) == 0) {
		if (host_msg_fn)
			host_msg_fn(m->name, data, len);
		else
			log_to_host(m, data, len);
		return 0;
	}
	dst = mod_find(to);
	if (!dst)
		return GRAFT_ENOENT;
	return deliver(dst, m->name, data, len);
}

int mod_msg_send(const char *to, const void *data, size_t len)
{
	struct mod *dst = mod_find(to);

	if (len > GRAFT_MOD_MSG_MAX)
		return GRAFT_EMSGSIZE;
	if (!dst)
		return GRAFT_ENOENT;
	return deliver(dst, GRAFT_MOD_HOST, data, len);
}

int mod_api_recv(struct mod *m, char *from, void *buf, size_t size)
{
	struct mod_svc *svc = m->svc;
	struct msg *msg = svc ? svc->head : NULL;
	int len;

	if (!msg)
		return GRAFT_EAGAIN;
	if (msg->len > size)
		return GRAFT_EMSGSIZE;
	memcpy(buf, msg->data, msg->len);
	memcpy(from, msg->from, strlen(msg->from) + 1);
	len = (int)msg->len;
	svc->head = msg->next;
	if (!svc->head)
		svc->tail = NULL;
	svc->nmsgs--;
	free(msg);
	return len;
}

/* ---- grants and devices ---- */

int mod_grant(const char *module, const char *device, uint64_t first,
	      uint64_t count)
{
	struct grant *g;

	if (strlen(module) >= GRAFT_MODULE_NAME_MAX ||
	    strlen(device) >= GRAFT_MODULE_NAME_MAX)
		return GRAFT_EINVAL;
	if (ngrants == MOD_MAX_GRANTS)
		return GRAFT_ENOSPC;
	g = &grants[ngrants++];
	snprintf(g->module, sizeof(g->module), "%s", module);
	snprintf(g->device, sizeof(g->device), "%s", device);
	g->first = first;
	g->count = count;
	return 0;
}

void mod_grants_clear(void)
{
	ngrants = 0;
}

/* One "MODULE:DEVICE[:FIRST:COUNT]" of graft.grant, len bytes at s. */
static int grant_parse(const char *s, size_t len)
{
	char buf[2 * GRAFT_MODULE_NAME_MAX + 48], *dev, *first, *count, *end;
	uint64_t f = 0, c = 0;

	if (len >= sizeof(buf))
		return GRAFT_EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	dev = strchr(buf, ':');
	if (!dev || dev == buf || !dev[1])
		return GRAFT_EINVAL;
	*dev++ = '\0';
	first = strchr(dev, ':');
	if (first) {
		*first++ = '\0';
		count = strchr(first, ':');
		if (!count)
			return GRAFT_EINVAL;
		*count++ = '\0';
		f = strtoull(first, &end, 10);
		if (end == first || *end)
			return GRAFT_EINVAL;
		c = strtoull(count, &end, 10);
		if (end == count || *end)
			return GRAFT_EINVAL;
	}
	return mod_grant(buf, dev, f, c);
}

static void report_to_log(const char *line)
{
	graft_log(GRAFT_LOG_ERROR, "mod", "%s", line);
}

/* Boot: what the manager reports (a module stopped after a trap) goes to
 * the log; the grants of the kernel option graft.grant, a comma-separated
 * list of MODULE:DEVICE (a whole device) or MODULE:DEVICE:FIRST:COUNT (a
 * block range), are made.  A malformed entry is reported and skipped. */
static int mod_api_boot(void)
{
	const char *opt = graft_option("grant"), *end;
	size_t len;
	int rc;

	mod_set_report(report_to_log);
	for (; opt && *opt; opt = *end ? end + 1 : end) {
		end = strchr(opt, ',');
		if (!end)
			end = opt + strlen(opt);
		len = (size_t)(end - opt);
		rc = grant_parse(opt, len);
		if (rc)
			graft_log(GRAFT_LOG_ERROR, "mod",
				  "graft.grant: '%.*s' ignored: %s (want "
				  "MODULE:DEVICE or MODULE:DEVICE:FIRST:COUNT)",
				  (int)len, opt, graft_strerror(rc));
	}
	return 0;
}
GRAFT_INIT(mod_api_boot, GRAFT_INIT_SERVICES);

static const struct grant *grant_find(const char *module, const char *device)
{
	unsigned i;

	for (i = 0; i < ngrants; i++)
		if (strcmp(grants[i].module, module) == 0 &&
		    strcmp(grants[i].device, device) == 0)
			return &grants[i];
	return NULL;
}

static void net_poll(void *arg)
{
	struct net_poller *p = arg;

	while (!p->stop) {
		int rc = p->dev->wait(p->dev, graft_now() + NET_POLL_PERIOD);

		if (p->stop)
			break;
		if (rc == 0)
			mod_callback(p->m, MOD_ENTRY_NET, (uint32_t)p->handle);
	}
	free(p);
}

/* A poller for a net handle, if the module has a net callback. */
static int net_poller_start(struct mod *m, struct handle *h, int handle)
{
	struct net_poller *p;
	int rc;

	if (!(m->entries & MOD_ENTRY_BIT(MOD_ENTRY_NET)))
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return GRAFT_ENOMEM;
	p->m = m;
	p->dev = h->dev;
	p->handle = handle;
	rc = graft_fiber_spawn(m->name, net_poll, p, NET_POLL_STACK, NULL);
	if (rc) {
		free(p);
		return rc;
	}
	h->poller = p;
	return 0;
}

static int open_block(struct handle *h, const struct grant *g,
		      struct graft_blkdev *d)
{
	if (g->first > d->sectors)
		return GRAFT_ERANGE;
	h->first = g->first;
	h->count = d->sectors - g->first;
	if (g->count && g->count < h->count)
		h->count = g->count;
	return 0;
}

int mod_api_dev_open(struct mod *m, const char *name)
{
	const struct grant *g = grant_find(m->name, name);
	struct mod_svc *svc;
	struct handle *h = NULL;
	void *dev;
	unsigned i;
	int rc;

	if (!g)
		return GRAFT_EPERM;
	svc = svc_of(m);
	if (!svc)
		return GRAFT_ENOMEM;
	for (i = 0; i < GRAFT_MOD_HANDLES && !h; i++)
		if (!svc->handles[i].kind)
			h = &svc->handles[i];
	if (!h)
		return GRAFT_ENOSPC;
	if ((dev = graft_device_find(GRAFT_DEVICE_BLOCK, name)) != NULL) {
		rc = open_block(h, g, dev);
		if (rc)
			return rc;
		h->kind = GRAFT_DEVICE_BLOCK;
	} else if ((dev = graft_device_find(GRAFT_DEVICE_NET, name)) != NULL) {
		h->kind = GRAFT_DEVICE_NET;
	} else {
		return GRAFT_ENOENT;
	}
	h->dev = dev;
	i = (unsigned)(h - svc->handles);
	if (h->kind == GRAFT_DEVICE_NET) {
		rc = net_poller_start(m, h, (int)i + 1);
		if (rc) {
			h->kind = 0;
			return rc;
		}
	}
	return (int)i + 1;
}

static struct handle *handle_of(struct mod *m, int handle, int kind)
{
	struct handle *h;

	if (!m->svc || handle < 1 || handle > (int)GRAFT_MOD_HANDLES)
		return NULL;
	h = &m->svc->handles[handle - 1];
	return h->kind == kind ? h : NULL;
}

int mod_api_blk_info(struct mod *m, int handle, uint64_t *sectors,
		     uint32_t *sector_size)
{
	struct handle *h = handle_of(m, handle, GRAFT_DEVICE_BLOCK);

	if (!h)
		return GRAFT_EBADF;
	*sectors = h->count;
	*sector_size = ((struct graft_blkdev *)h->dev)->sector_size;
	return 0;
}

int mod_api_blk_io(struct mod *m, int handle, uint64_t lba, void *buf,
		   uint32_t count, bool write)
{
	struct handle *h = handle_of(m, handle, GRAFT_DEVICE_BLOCK);
	struct graft_blkdev *d;

	if (!h)
		return GRAFT_EBADF;
	if (lba > h->count || count > h->count - lba)
		return GRAFT_ERANGE;
	d = h->dev;
	if (write)
		return d->write(d, h->first + lba, buf, count);
	return d->read(d, h->first + lba, buf, count);
}

int mod_api_net_mac(struct mod *m, int handle, uint8_t *mac)
{
	struct handle *h = handle_of(m, handle, GRAFT_DEVICE_NET);

	if (!h)
		return GRAFT_EBADF;
	memcpy(mac, ((struct graft_netdev *)h->dev)->mac, 6);
	return 0;
}

int mod_api_net_send(struct mod *m, int handle, const void *frame, size_t len)
{
	struct handle *h = handle_of(m, handle, GRAFT_DEVICE_NET);
	struct graft_netdev *d;

	if (!h)
		return GRAFT_EBADF;
	d = h->dev;
	if (len < 14 || len > (size_t)d->mtu + 14)
		return GRAFT_EINVAL;
	return modnet_send(d, frame, len);
}

int mod_api_net_recv(struct mod *m, int handle, void *buf, size_t size)
{
	struct handle *h = handle_of(m, handle, GRAFT_DEVICE_NET);
	struct graft_netdev *d;
	size_t len = 0;
	int rc;

	if (!h)
		return GRAFT_EBADF;
	d = h->dev;
	rc = modnet_recv(d, buf, size, &len);
	return rc ? rc : (int)len;
}

/* ---- what native modules link against ---- */

void graft_mod_log(int level, const char *msg, size_t len)
{
	mod_api_log(mod_current(), level, msg, len);
}
GRAFT_EXPORT(graft_mod_log);

uint64_t graft_mod_now(void)
{
	return graft_now();
}
GRAFT_EXPORT(graft_mod_now);

void *graft_mod_state_copy(const void *p, size_t len)
{
	void *copy = malloc(len ? len : 1);

	if (copy)
		memcpy(copy, p, len);
	return copy;
}
GRAFT_EXPORT(graft_mod_state_copy);

void graft_mod_state_free(void *p)
{
	free(p);
}
GRAFT_EXPORT(graft_mod_state_free);

/* The rest need a calling module: kernel code has none (GRAFT_EPERM). */

int graft_mod_timer_start(uint32_t id, uint64_t delay_ns, uint64_t period_ns)
{
	struct mod *m = mod_current();

	return m ? mod_api_timer_start(m, id, delay_ns, period_ns)
		 : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_timer_start);

int graft_mod_timer_stop(uint32_t id)
{
	struct mod *m = mod_current();

	return m ? mod_api_timer_stop(m, id) : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_timer_stop);

int graft_mod_send(const char *to, const void *data, size_t len)
{
	struct mod *m = mod_current();

	return m ? mod_api_send(m, to, data, len) : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_send);

int graft_mod_recv(char *from, void *buf, size_t size)
{
	struct mod *m = mod_current();

	return m ? mod_api_recv(m, from, buf, size) : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_recv);

int graft_mod_dev_open(const char *name)
{
	struct mod *m = mod_current();

	return m ? mod_api_dev_open(m, name) : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_dev_open);

int graft_mod_blk_info(int handle, uint64_t *sectors, uint32_t *sector_size)
{
	struct mod *m = mod_current();

	return m ? mod_api_blk_info(m, handle, sectors, sector_size)
		 : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_blk_info);

int graft_mod_blk_read(int handle, uint64_t lba, void *buf, uint32_t count)
{
	struct mod *m = mod_current();

	return m ? mod_api_blk_io(m, handle, lba, buf, count, false)
		 : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_blk_read);

int graft_mod_blk_write(int handle, uint64_t lba, const void *buf,
			uint32_t count)
{
	struct mod *m = mod_current();

	return m ? mod_api_blk_io(m, handle, lba, (void *)buf, count, true)
		 : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_blk_write);

int graft_mod_net_mac(int handle, uint8_t *mac)
{
	struct mod *m = mod_current();

	return m ? mod_api_net_mac(m, handle, mac) : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_net_mac);

int graft_mod_net_send(int handle, const void *frame, size_t len)
{
	struct mod *m = mod_current();

	return m ? mod_api_net_send(m, handle, frame, len) : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_net_send);

int graft_mod_net_recv(int handle, void *buf, size_t size)
{
	struct mod *m = mod_current();

	return m ? mod_api_net_recv(m, handle, buf, size) : GRAFT_EPERM;
}
GRAFT_EXPORT(graft_mod_net_recv);
