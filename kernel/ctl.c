/*
 * The control service: the kernel's side of the host's `graft` commands
 * (load, unload, upgrade, ls, seal, stop, stats, ping, send, recv), over the
 * platform's control channel (include/abi/ctl.h).  One fiber, one request at a
 * time: read a whole message, check its header, act, answer with one response
 * whose payload is text for a person to read.
 *
 * It also starts the module manager and loads the modules the host handed
 * over at boot, before the application's main() runs.
 *
 * Invariant: every request gets exactly one response, whatever it holds;
 * a malformed request is answered with GRAFT_EFORMAT and a reason.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <abi/ctl.h>
#include <graft/error.h>
#include <graft/fiber.h>
#include <graft/heap.h>
#include <graft/init.h>
#include <graft/log.h>
#include <graft/module.h>
#include <graft/platform.h>
#include <graft/time.h>

#include "kctl.h"
#include "kplatdev.h"
#include "mod/mod.h"

#define CTL_BUF_MIN  (64u << 10) /* grown on demand up to CTL_MAX_MESSAGE */
#define CTL_TEXT_MAX (16u << 10)

struct ctl_reply {
	char text[CTL_TEXT_MAX];
	size_t len;
	int status;
};

/* Messages modules sent to the host, kept until `graft recv` takes them;
 * past HOST_MSG_MAX the oldest go. */
#define HOST_MSG_MAX 64
struct host_msg {
	struct host_msg *next;
	char from[GRAFT_MODULE_NAME_MAX];
	size_t len;
	char data[];
};
static struct host_msg *host_head, *host_tail;
static unsigned host_count, host_dropped;

static plat_handle_t ctl_handle;
static const char *ctl_target = "?";
static bool ctl_sealed;

static void reply_add(struct ctl_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void reply_add(struct ctl_reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->len >= sizeof(r->text) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->text + r->len, sizeof(r->text) - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n;
	if (r->len > sizeof(r->text) - 1)
		r->len = sizeof(r->text) - 1;
}

/* Loads and upgrades share their report. */
static void describe_module(struct ctl_reply *r, const struct mod *m,
			    const char *verb, uint64_t ns)
{
	struct mod_info in;

	mod_get_info(m, &in);
	reply_add(r, "module '%s' %s version %s", in.name, verb, in.version);
	if (in.base) /* native code has an address, bytecode none */
		reply_add(r, " at %#lx", (unsigned long)in.base);
	reply_add(r, " (%zu KiB) in %llu us\n", in.size >> 10,
		  (unsigned long long)(ns / 1000));
}

static void op_load(struct ctl_reply *r, const void *p, size_t len,
		    bool upgrade)
{
	struct mod_load_opts opts = {.source = "(control channel)"};
	char err[256] = "";
	struct mod *m = NULL;
	bool fresh = false;
	uint64_t start = graft_now();

	if (upgrade)
		r->status =
		    mod_upgrade(p, len, &opts, &m, &fresh, err, sizeof(err));
	else
		r->status = mod_load(p, len, &opts, &m, err, sizeof(err));
	if (r->status < 0) {
		reply_add(r, "%s\n", err[0] ? err : graft_strerror(r->status));
		return;
	}
	describe_module(
	    r, m, upgrade ? "upgraded to" : "loaded:", graft_now() - start);
	if (upgrade)
		reply_add(r, "%s\n",
			  fresh ? "started fresh: no state handed over"
				: "state handed over from the old version");
}

/* A text payload as a NUL-terminated name, refused if it is not one. */
static int payload_name(const void *p, size_t len, char *name, size_t size)
{
	if (len == 0 || len >= size || memchr(p, '\0', len))
		return GRAFT_EINVAL;
	memcpy(name, p, len);
	name[len] = '\0';
	return 0;
}

static void op_unload(struct ctl_reply *r, const void *p, size_t len)
{
	char name[64], err[256] = "";

	r->status = payload_name(p, len, name, sizeof(name));
	if (r->status < 0) {
		reply_add(r,
			  "unload: the request does not hold a module name\n");
		return;
	}
	r->status = mod_unload(name, err, sizeof(err));
	if (r->status < 0)
		reply_add(r, "%s\n", err[0] ? err : graft_strerror(r->status));
	else
		reply_add(r, "module '%s' unloaded\n", name);
}

static void host_msg_drop_oldest(void)
{
	struct host_msg *m = host_head;

	host_head = m->next;
	if (!host_head)
		host_tail = NULL;
	host_count--;
	free(m);
}

static void host_msg_queue(const char *from, const void *data, size_t len)
{
	struct host_msg *m = malloc(sizeof(*m) + len);

	if (!m) {
		host_dropped++;
		return;
	}
	if (host_count == HOST_MSG_MAX) {
		host_msg_drop_oldest();
		host_dropped++;
	}
	m->next = NULL;
	strlcpy(m->from, from, sizeof(m->from));
	m->len = len;
	memcpy(m->data, data, len);
	if (host_tail)
		host_tail->next = m;
	else
		host_head = m;
	host_tail = m;
	host_count++;
}

static void op_send(struct ctl_reply *r, const char *p, size_t len)
{
	const char *nul = memchr(p, '\0', len);

	if (!nul || nul == p || nul - p >= GRAFT_MODULE_NAME_MAX) {
		r->status = GRAFT_EINVAL;
		reply_add(r, "send: the request does not start with a module "
			     "name\n");
		return;
	}
	r->status = mod_msg_send(p, nul + 1, len - (size_t)(nul + 1 - p));
	if (r->status == GRAFT_ENOENT)
		reply_add(r,
			  "module '%s': message not delivered: no such "
			  "module, or it takes no messages\n",
			  p);
	else if (r->status < 0)
		reply_add(r, "module '%s': message not delivered: %s\n", p,
			  graft_strerror(r->status));
	else
		reply_add(r, "message queued for module '%s'\n", p);
}

/* Oldest first, while they fit; the rest wait for the next request.
 * Bytes that are not printable are shown as '.'. */
static void op_recv(struct ctl_reply *r)
{
	if (host_dropped) {
		reply_add(r, "(%u messages dropped: nobody took them)\n",
			  host_dropped);
		host_dropped = 0;
	}
	while (host_head &&
	       r->len + host_head->len + GRAFT_MODULE_NAME_MAX + 4 <
		   sizeof(r->text)) {
		struct host_msg *m = host_head;

		reply_add(r, "%s: ", m->from);
		for (size_t i = 0; i < m->len; i++) {
			char c = m->data[i];

			r->text[r->len++] = c >= 0x20 && c < 0x7f ? c : '.';
		}
		reply_add(r, "\n");
		host_msg_drop_oldest();
	}
}

static void op_list(struct ctl_reply *r)
{
	unsigned n = mod_count();

	reply_add(r, "%-24s %-10s %-8s %8s %18s %4s %s\n", "NAME", "VERSION",
		  "STATE", "SIZE", "ADDRESS", "REFS", "FORMAT");
	for (unsigned i = 0; i < n; i++) {
		struct mod_info in;

		mod_get_info(mod_nth(i), &in);
		reply_add(r, "%-24s %-10s %-8s %7zuK ", in.name, in.version,
			  mod_state_name(in.state), in.size >> 10);
		/* Bytecode lives in no address of its own. */
		if (in.base)
			reply_add(r, "%#18lx", (unsigned long)in.base);
		else
			reply_add(r, "%18s", "-");
		reply_add(r, " %4u %s\n", in.refs, in.format);
	}
}

/* gdb's add-symbol-file command for each module, its sections placed where
 * they were loaded; the host substitutes the object's path for NAME.o. */
static void op_list_gdb(struct ctl_reply *r)
{
	unsigned n = mod_count();

	for (unsigned i = 0; i < n; i++) {
		const struct mod *m = mod_nth(i);
		struct mod_info in;
		const char *sec;
		uintptr_t addr;
		size_t size;

		mod_get_info(m, &in);
		if (strcmp(in.format, "native") != 0)
			continue; /* bytecode: nothing for gdb to map */
		reply_add(r, "add-symbol-file %s.o", mod_name(m));
		for (unsigned s = 0; mod_section_nth(m, s, &sec, &addr, &size);
		     s++)
			reply_add(r, " -s %s %#lx", sec, (unsigned long)addr);
		reply_add(r, "\n");
	}
}

static void op_seal(struct ctl_reply *r)
{
	if (ctl_sealed) {
		r->status = GRAFT_ESEALED;
		reply_add(r, "already sealed\n");
		return;
	}
	/* The manager first: from here on no native load can begin, even if
	 * the platform's half fails below. */
	mod_manager_seal();
	ctl_sealed = true;
	r->status = plat_seal();
	if (r->status < 0) {
		reply_add(
		    r,
		    "native module loading is closed, but the %s platform "
		    "could not seal its code: %s\n",
		    ctl_target, graft_strerror(r->status));
		return;
	}
	reply_add(r, "sealed: code is read-only and no new code can be "
		     "loaded\n");
}

bool graft_sealed(void)
{
	return ctl_sealed;
}
GRAFT_EXPORT(graft_sealed);

/* Per net device: frames each way, and the large ones (offloads at work). */
static void op_stats_net(struct ctl_reply *r)
{
	struct platdev_net_stats st;

	for (unsigned i = 0; platdev_net_stats(i, &st) == 0; i++) {
		reply_add(r, "%s_offloads %s%s%s\n", st.name,
			  st.offloads ? "" : "none",
			  st.offloads & GRAFT_NET_OFF_CSUM ? "csum " : "",
			  st.offloads & GRAFT_NET_OFF_TSO4 ? "tso4" : "");
		reply_add(r, "%s_rx_frames %llu\n%s_rx_large %llu\n", st.name,
			  (unsigned long long)st.rx_frames, st.name,
			  (unsigned long long)st.rx_large);
		reply_add(r, "%s_tx_frames %llu\n%s_tx_large %llu\n", st.name,
			  (unsigned long long)st.tx_frames, st.name,
			  (unsigned long long)st.tx_large);
	}
}

static void op_stats(struct ctl_reply *r)
{
	struct graft_heap_stats st;

	graft_heap_get_stats(&st);
	reply_add(r, "target %s\nuptime_ms %llu\n", ctl_target,
		  (unsigned long long)(graft_now() / 1000000));
	reply_add(r, "heap_total %zu\nheap_in_use %zu\nheap_peak %zu\n",
		  st.total, st.in_use, st.peak);
	reply_add(r, "heap_allocs %llu\nheap_frees %llu\nheap_failures %llu\n",
		  (unsigned long long)st.allocs, (unsigned long long)st.frees,
		  (unsigned long long)st.failures);
	reply_add(r, "fibers %u\nmodules %u\nsealed %s\n", graft_fiber_count(),
		  mod_count(), ctl_sealed ? "yes" : "no");
	op_stats_net(r);
}

/* Check the request, act on it; r receives the answer.  Returns true when
 * the instance must stop once the answer is out. */
static bool handle(const void *msg, size_t len, struct ctl_reply *r,
		   uint32_t *op)
{
	struct ctl_header h;
	const char *payload = (const char *)msg + sizeof(h);

	*op = 0;
	if (len < sizeof(h)) {
		r->status = GRAFT_EFORMAT;
		reply_add(r,
			  "request of %zu bytes is shorter than its header\n",
			  len);
		return false;
	}
	memcpy(&h, msg, sizeof(h));
	*op = h.op;
	if (h.magic != CTL_MAGIC || h.length != len - sizeof(h)) {
		r->status = GRAFT_EFORMAT;
		reply_add(r,
			  "request with a bad magic or length (%u payload "
			  "bytes claimed, %zu sent)\n",
			  h.length, len - sizeof(h));
		return false;
	}
	switch (h.op) {
	case CTL_OP_PING:
		reply_add(r, "graft instance on %s, up %llu ms\n", ctl_target,
			  (unsigned long long)(graft_now() / 1000000));
		return false;
	case CTL_OP_LOAD:
	case CTL_OP_UPGRADE:
		op_load(r, payload, h.length, h.op == CTL_OP_UPGRADE);
		return false;
	case CTL_OP_UNLOAD:
		op_unload(r, payload, h.length);
		return false;
	case CTL_OP_LIST:
		op_list(r);
		return false;
	case CTL_OP_LIST_GDB:
		op_list_gdb(r);
		return false;
	case CTL_OP_SEAL:
		op_seal(r);
		return false;
	case CTL_OP_STATS:
		op_stats(r);
		return false;
	case CTL_OP_SEND:
		op_send(r, payload, h.length);
		return false;
	case CTL_OP_RECV:
		op_recv(r);
		return false;
	case CTL_OP_STOP:
		reply_add(r, "stopping\n");
		return true;
	default:
		r->status = GRAFT_ENOTSUP;
		reply_add(r, "unknown request %u\n", h.op);
		return false;
	}
}

static void respond(uint32_t op, const struct ctl_reply *r)
{
	struct {
		struct ctl_header h;
		char text[CTL_TEXT_MAX];
	} *msg = malloc(sizeof(*msg));
	int rc;

	if (!msg) {
		graft_log(GRAFT_LOG_ERROR, "ctl", "no memory for a response");
		return;
	}
	msg->h.magic = CTL_MAGIC;
	msg->h.op = op | CTL_OP_RESPONSE;
	msg->h.status = r->status;
	msg->h.length = (uint32_t)r->len;
	memcpy(msg->text, r->text, r->len);
	rc = plat_ctl_write(ctl_handle, msg, sizeof(msg->h) + r->len);
	if (rc < 0)
		graft_log(GRAFT_LOG_WARN, "ctl", "response lost: %s",
			  graft_strerror(rc));
	free(msg);
}

/* The next whole message into *buf (grown as needed); its length, or a
 * negative code: GRAFT_EAGAIN when none is pending. */
static int ctl_receive(void **buf, size_t *cap, size_t *len)
{
	int rc = plat_ctl_read(ctl_handle, *buf, *cap, len);
	void *bigger;

	if (rc != GRAFT_EMSGSIZE)
		return rc;
	if (*len > CTL_MAX_MESSAGE + sizeof(struct ctl_header))
		return GRAFT_EMSGSIZE;
	bigger = realloc(*buf, *len);
	if (!bigger)
		return GRAFT_ENOMEM;
	*buf = bigger;
	*cap = *len;
	return plat_ctl_read(ctl_handle, *buf, *cap, len);
}

static void ctl_fiber(void *arg)
{
	size_t cap = CTL_BUF_MIN, len;
	void *buf = malloc(cap);

	if (!buf) {
		graft_log(GRAFT_LOG_ERROR, "ctl", "no memory: service stopped");
		return;
	}
	for (;;) {
		struct ctl_reply *r;
		uint32_t op;
		bool stop;
		int rc = ctl_receive(&buf, &cap, &len);

		if (rc == GRAFT_EAGAIN) {
			graft_wait_device(ctl_handle, GRAFT_FOREVER);
			continue;
		}
		r = calloc(1, sizeof(*r));
		if (!r) {
			graft_log(GRAFT_LOG_ERROR, "ctl",
				  "no memory for a "
				  "request; dropped");
			continue;
		}
		if (rc < 0) {
			/* Too big or no memory: the message is still queued
			 * (its header is in buf); drop it and refuse. */
			struct ctl_header h;

			memcpy(&h, buf, sizeof(h));
			r->status = rc;
			reply_add(r,
				  "request of %zu bytes refused: %s (at "
				  "most %u payload bytes)\n",
				  len, graft_strerror(rc), CTL_MAX_MESSAGE);
			plat_ctl_read(ctl_handle, NULL, 0, &len);
			respond(h.magic == CTL_MAGIC ? h.op : 0, r);
			free(r);
			continue;
		}
		stop = handle(buf, len, r, &op);
		respond(op, r);
		free(r);
		if (stop)
			graft_shutdown(0);
		/* Give back memory a big module needed. */
		if (cap > CTL_BUF_MIN) {
			void *small = realloc(buf, CTL_BUF_MIN);

			if (small) {
				buf = small;
				cap = CTL_BUF_MIN;
			}
		}
	}
}

static void load_boot_modules(const struct plat_boot_info *bi)
{
	for (uint32_t i = 0; i < bi->nmodules; i++) {
		const struct plat_boot_module *bm = &bi->modules[i];
		struct mod_load_opts opts = {.source = bm->name};
		char err[256] = "";
		struct mod *m;
		int rc =
		    mod_load(bm->data, bm->len, &opts, &m, err, sizeof(err));

		if (rc < 0)
			graft_log(GRAFT_LOG_ERROR, "mod", "%s: %s", bm->name,
				  err[0] ? err : graft_strerror(rc));
		else
			graft_log(GRAFT_LOG_INFO, "mod",
				  "%s: module '%s' loaded", bm->name,
				  mod_name(m));
	}
}

void ctl_init(const struct plat_boot_info *bi)
{
	int rc;

	if (bi->target)
		ctl_target = bi->target;
	rc = mod_manager_init(&mod_mem_platform, mod_kernel_exports,
			      mod_kernel_nexports);
	if (rc < 0)
		graft_panic("module manager: %s", graft_strerror(rc));
	mod_set_host_msg(host_msg_queue);
}

void ctl_start(const struct plat_boot_info *bi)
{
	int rc;

	load_boot_modules(bi);
	if (graft_option("seal-after-boot")) {
		struct ctl_reply *r = calloc(1, sizeof(*r));

		if (!r)
			graft_panic("seal after boot: out of memory");
		op_seal(r);
		graft_log(r->status < 0 ? GRAFT_LOG_ERROR : GRAFT_LOG_INFO,
			  "seal", "after boot: %.*s", (int)r->len - 1, r->text);
		free(r);
	}
	for (plat_handle_t h = 0; h < bi->ndevices; h++) {
		struct plat_device_info info;

		if (plat_device_info(h, &info) < 0 || info.kind != PLAT_DEV_CTL)
			continue;
		ctl_handle = h;
		rc = graft_fiber_spawn("ctl", ctl_fiber, NULL, 0, NULL);
		if (rc < 0)
			graft_panic("control service: %s", graft_strerror(rc));
		return;
	}
}
