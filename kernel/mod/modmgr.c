/*
 * The module registry and lifecycle: loading -> live -> stopping -> gone.
 *
 * Invariants:
 *  - the registry lists every module from the moment it is linked until
 *    its memory is returned, in load order;
 *  - at most one visible (not hidden) module per name;
 *  - m->refs counts the live modules whose uses[] include m; a module with
 *    refs > 0 is never unloaded or upgraded;
 *  - a module's resources list holds what it created and still owns; it is
 *    empty when the module's memory is returned;
 *  - every failure path leaves the registry, the heap and module memory as
 *    they were before the call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "mod_internal.h"

static struct mod *registry;
static const struct mod_mem_ops *mem_ops;
static bool sealed;
static struct mod *current;
static const struct mod_format *formats[MOD_MAX_FORMATS];
static unsigned nformats;
static void (*report_fn)(const char *line);
static char last_stop[MOD_REPORT_MAX + 200]; /* the report and what was done */

struct mod *mod_registry_first(void)
{
	return registry;
}

const struct mod_mem_ops *mod_mem(void)
{
	return mem_ops;
}

int mod_manager_init(const struct mod_mem_ops *mem,
		     const struct mod_export *table, size_t n)
{
	if (registry)
		return GRAFT_EBUSY;
	if (!mem || !mem->alloc || !mem->free || !mem->protect)
		return GRAFT_EINVAL;
	mem_ops = mem;
	sealed = false;
	current = NULL;
	return mod_exports_init(table, n);
}

void mod_manager_seal(void)
{
	sealed = true;
}

int mod_format_register(const struct mod_format *f)
{
	unsigned i;

	for (i = 0; i < nformats; i++)
		if (formats[i] == f)
			return 0;
	if (nformats == MOD_MAX_FORMATS)
		return GRAFT_ENOSPC;
	formats[nformats++] = f;
	return 0;
}

void mod_set_report(void (*report)(const char *line))
{
	report_fn = report;
}

const char *mod_last_stop(void)
{
	return last_stop;
}

/* The format of buf: a registered one that recognises it, else native
 * (whose validator names what is wrong with anything else).  A bytecode
 * module in an image without the bytecode format is refused by name. */
static int format_of(const void *buf, size_t len, const struct mod_format **fmt,
		     struct mod_err *e)
{
	unsigned i;

	for (i = 0; i < nformats; i++)
		if (formats[i]->match(buf, len)) {
			*fmt = formats[i];
			return 0;
		}
	if (len >= 4 && memcmp(buf, "\0asm", 4) == 0)
		return mod_fail(e, GRAFT_ENOTSUP,
				"a WebAssembly module, but this image has no "
				"bytecode module support (link lib/wasm)");
	*fmt = &mod_format_native;
	return 0;
}

const char *mod_state_name(enum mod_state s)
{
	switch (s) {
	case MOD_LOADING:
		return "loading";
	case MOD_LIVE:
		return "live";
	case MOD_STOPPING:
		return "stopping";
	case MOD_GONE:
		return "gone";
	}
	return "?";
}

static void registry_add(struct mod *m)
{
	struct mod **p = &registry;

	while (*p)
		p = &(*p)->next;
	m->next = NULL;
	*p = m;
}

static void registry_remove(struct mod *m)
{
	struct mod **p = &registry;

	while (*p && *p != m)
		p = &(*p)->next;
	if (*p)
		*p = m->next;
}

struct mod *mod_find(const char *name)
{
	struct mod *m;

	for (m = registry; m; m = m->next)
		if (!m->hidden && strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

struct mod *mod_nth(unsigned n)
{
	struct mod *m;

	for (m = registry; m && n; m = m->next)
		n--;
	return m;
}

unsigned mod_count(void)
{
	struct mod *m;
	unsigned n = 0;

	for (m = registry; m; m = m->next)
		n++;
	return n;
}

const char *mod_name(const struct mod *m)
{
	return m->name;
}

void mod_get_info(const struct mod *m, struct mod_info *info)
{
	info->name = m->name;
	info->version = m->version;
	info->licence = m->licence;
	info->state = m->state;
	info->format = m->fmt->name;
	info->base = (uintptr_t)m->base;
	info->size = m->fmt->size(m);
	info->refs = m->refs;
	info->trampolines = m->trampolines;
	info->got_entries = m->got_entries;
}

bool mod_section_nth(const struct mod *m, unsigned n, const char **name,
		     uintptr_t *addr, size_t *size)
{
	if (n >= m->nsections)
		return false;
	*name = m->sections[n].name;
	*addr = m->sections[n].addr;
	*size = m->sections[n].size;
	return true;
}

struct mod *mod_owner_of(uintptr_t addr)
{
	struct mod *m;

	for (m = registry; m; m = m->next)
		if (addr >= (uintptr_t)m->base &&
		    addr - (uintptr_t)m->base < m->npages * MOD_PAGE)
			return m;
	return NULL;
}

/* Resources. */

struct mod *mod_current(void)
{
	return current;
}

struct mod *mod_enter(struct mod *m)
{
	struct mod *prev = current;

	current = m;
	return prev;
}

void mod_leave(struct mod *prev)
{
	current = prev;
}

void mod_resource_track(struct mod_resource *r,
			void (*release)(struct mod_resource *r))
{
	struct mod_resource *head;

	r->release = release;
	r->hand_over = NULL;
	r->owner = current;
	if (!current) {
		r->next = r->prev = r;
		return;
	}
	head = &current->resources;
	r->prev = head->prev;
	r->next = head;
	head->prev->next = r;
	head->prev = r;
}

void mod_resource_untrack(struct mod_resource *r)
{
	if (!r->owner)
		return;
	r->prev->next = r->next;
	r->next->prev = r->prev;
	r->next = r->prev = r;
	r->owner = NULL;
}

/* Release what m still owns, newest first. */
static void release_resources(struct mod *m)
{
	struct mod_resource *head = &m->resources;

	while (head->prev != head) {
		struct mod_resource *r = head->prev;

		mod_resource_untrack(r);
		if (r->release)
			r->release(r);
	}
}

/* At the quiescent point of an upgrade (new live, old not yet stopped),
 * what old owns for its name rather than its version goes to new. */
static void hand_over_resources(struct mod *old, struct mod *new)
{
	struct mod_resource *r;

	for (r = old->resources.next; r != &old->resources; r = r->next)
		if (r->hand_over)
			r->hand_over(r, new);
}

/* Lifecycle. */

static void discard(struct mod *m)
{
	release_resources(m);
	registry_remove(m);
	m->state = MOD_GONE;
	m->fmt->unlink(m, mem_ops);
	free(m);
}

/* Which format buf is in, and whether this instance may load it now. */
static int check_ready(const void *buf, size_t len,
		       const struct mod_format **fmt, struct mod_err *e)
{
	int rc;

	if (!mem_ops)
		return mod_fail(e, GRAFT_EINVAL,
				"the module manager is not initialised");
	rc = format_of(buf, len, fmt, e);
	if (rc)
		return rc;
	if (sealed && (*fmt)->native_code)
		return mod_fail(e, GRAFT_ESEALED,
				"instance is sealed: native modules cannot be "
				"loaded");
	return 0;
}

/* Parse and link buf into a new registered module in state LOADING;
 * init is not called. */
static int load_object(const void *buf, size_t len,
		       const struct mod_format *fmt, struct mod_err *e,
		       struct mod **out)
{
	char name[GRAFT_MODULE_NAME_MAX];
	void *parsed;
	struct mod *m, *old;
	int rc;

	rc = fmt->parse(buf, len, &parsed, name, e);
	if (rc)
		return rc;
	e->label = name;
	old = mod_find(name);
	if (old) {
		rc = mod_fail(e, GRAFT_EEXIST,
			      "a module of that name is already loaded "
			      "(version %s)",
			      old->version);
		goto out;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		rc = mod_fail(e, GRAFT_ENOMEM, "out of memory");
		goto out;
	}
	m->resources.next = m->resources.prev = &m->resources;
	m->fmt = fmt;
	memcpy(m->name, name, sizeof(m->name));
	e->label = m->name;
	rc = fmt->link(parsed, m, mem_ops, e);
	if (rc) {
		release_resources(m);
		free(m);
		goto out;
	}
	m->state = MOD_LOADING;
	registry_add(m);
	*out = m;
out:
	fmt->parse_free(parsed);
	return rc;
}

static void make_live(struct mod *m)
{
	unsigned i;

	for (i = 0; i < m->nuses; i++)
		m->uses[i]->refs++;
	m->state = MOD_LIVE;
}

/* Run entry point k of m (init, exit, save, restore) as m. */
static int run_init(struct mod *m, struct mod_err *e)
{
	struct mod *prev;
	int rc;

	if (!(m->entries & MOD_ENTRY_BIT(MOD_ENTRY_INIT)))
		return 0;
	prev = mod_enter(m);
	rc = m->fmt->init(m, e);
	mod_leave(prev);
	return rc;
}

static void start_err(struct mod_err *e, char *err, size_t errlen,
		      const struct mod_load_opts *opts)
{
	e->buf = err;
	e->len = errlen;
	e->label = opts && opts->source ? opts->source : "(unnamed)";
	if (err && errlen)
		err[0] = '\0';
}

int mod_load(const void *buf, size_t len, const struct mod_load_opts *opts,
	     struct mod **out, char *err, size_t errlen)
{
	const struct mod_format *fmt;
	struct mod_err e;
	struct mod *m;
	int rc;

	start_err(&e, err, errlen, opts);
	rc = check_ready(buf, len, &fmt, &e);
	if (!rc)
		rc = load_object(buf, len, fmt, &e, &m);
	if (rc)
		return rc;
	rc = run_init(m, &e);
	if (rc) {
		discard(m);
		return rc;
	}
	make_live(m);
	if (out)
		*out = m;
	return 0;
}

/* "'a', 'b'": the live modules that use m. */
static void list_users(const struct mod *m, char *buf, size_t size)
{
	const struct mod *u;
	size_t n = 0;
	unsigned i;

	buf[0] = '\0';
	for (u = registry; u; u = u->next)
		for (i = 0; i < u->nuses; i++)
			if (u->uses[i] == m && u->state == MOD_LIVE &&
			    n < size) {
				n += (size_t)snprintf(buf + n, size - n,
						      "%s'%s'", n ? ", " : "",
						      u->name);
				break;
			}
}

static int check_unused(const struct mod *m, struct mod_err *e,
			const char *what)
{
	char users[160];

	if (m->state != MOD_LIVE)
		return mod_fail(e, GRAFT_EBUSY, "cannot %s: it is %s", what,
				mod_state_name(m->state));
	if (!m->refs)
		return 0;
	list_users(m, users, sizeof(users));
	return mod_fail(e, GRAFT_EBUSY, "cannot %s: in use by %s", what, users);
}

/* exit, release resources, drop references, return memory. */
static void unload_live(struct mod *m)
{
	struct mod *prev;
	unsigned i;

	m->state = MOD_STOPPING;
	if (m->entries & MOD_ENTRY_BIT(MOD_ENTRY_EXIT)) {
		char msg[MOD_REPORT_MAX] = "";
		struct mod_err e = {msg, sizeof(msg), m->name};

		prev = mod_enter(m);
		m->fmt->exit(m, &e);
		mod_leave(prev);
		if (msg[0] && report_fn)
			report_fn(msg);
	}
	for (i = 0; i < m->nuses; i++)
		m->uses[i]->refs--;
	discard(m);
}

/* A module that trapped (bytecode) or faulted (native, where guarded) in a
 * callback is stopped at once: no exit (its state is not to be trusted),
 * its resources released, its memory returned.  A native module that
 * others link against keeps its memory, so that their calls still land:
 * it only loses its resources and callbacks, and stays listed until they
 * are gone and it is unloaded. */
static void stop_trapped(struct mod *m, const char *why)
{
	const unsigned callbacks = MOD_ENTRY_BIT(MOD_ENTRY_TIMER) |
				   MOD_ENTRY_BIT(MOD_ENTRY_MESSAGE) |
				   MOD_ENTRY_BIT(MOD_ENTRY_NET);
	char users[160];
	unsigned i;

	if (m->refs) {
		list_users(m, users, sizeof(users));
		snprintf(last_stop, sizeof(last_stop),
			 "%s; callbacks stopped (in use by %s)", why, users);
		if (report_fn)
			report_fn(last_stop);
		release_resources(m);
		m->entries &= ~callbacks;
		return;
	}
	snprintf(last_stop, sizeof(last_stop), "%s; stopped and unloaded", why);
	if (report_fn)
		report_fn(last_stop);
	m->state = MOD_STOPPING;
	for (i = 0; i < m->nuses; i++)
		m->uses[i]->refs--;
	discard(m);
}

int mod_callback(struct mod *m, enum mod_entry_kind k, uint32_t arg)
{
	char msg[MOD_REPORT_MAX]; /* written only if the callback fails */
	struct mod_err e = {msg, sizeof(msg), m->name};
	struct mod *prev;
	int rc;

	if (m->state != MOD_LIVE || !(m->entries & MOD_ENTRY_BIT(k)))
		return GRAFT_ENOENT;
	prev = mod_enter(m);
	rc = m->fmt->callback(m, k, arg, &e);
	mod_leave(prev);
	if (rc == GRAFT_ETRAP)
		stop_trapped(m, msg);
	return rc;
}

int mod_unload(const char *name, char *err, size_t errlen)
{
	struct mod_err e;
	struct mod *m;
	int rc;

	start_err(&e, err, errlen, NULL);
	e.label = name;
	m = mod_find(name);
	if (!m)
		return mod_fail(&e, GRAFT_ENOENT, "not loaded");
	rc = check_unused(m, &e, "unload");
	if (rc)
		return rc;
	unload_live(m);
	return 0;
}

/* Hand old's state to new: save then restore, each as its own module. */
static int hand_over(struct mod *old, struct mod *new, bool *fresh,
		     struct mod_err *e)
{
	struct mod *prev;
	void *state = NULL;
	size_t n = 0;
	int rc;

	*fresh = !(old->entries & MOD_ENTRY_BIT(MOD_ENTRY_SAVE)) ||
		 !(new->entries &MOD_ENTRY_BIT(MOD_ENTRY_RESTORE));
	if (*fresh)
		return 0;
	prev = mod_enter(old);
	rc = old->fmt->save(old, &state, &n, e);
	mod_leave(prev);
	if (rc)
		return rc;
	prev = mod_enter(new);
	rc = new->fmt->restore(new, state, n, e);
	mod_leave(prev);
	return rc;
}

int mod_upgrade(const void *buf, size_t len, const struct mod_load_opts *opts,
		struct mod **out, bool *fresh, char *err, size_t errlen)
{
	const struct mod_format *fmt;
	struct mod_err e;
	char name[GRAFT_MODULE_NAME_MAX];
	void *parsed;
	struct mod *old, *new;
	bool started_fresh = true;
	int rc;

	start_err(&e, err, errlen, opts);
	rc = check_ready(buf, len, &fmt, &e);
	if (rc)
		return rc;
	rc = fmt->parse(buf, len, &parsed, name, &e);
	if (rc)
		return rc;
	fmt->parse_free(parsed);
	e.label = name;
	old = mod_find(name);
	if (!old)
		return mod_fail(&e, GRAFT_ENOENT,
				"no version is loaded to "
				"upgrade");
	rc = check_unused(old, &e, "upgrade");
	if (rc)
		return rc;
	old->hidden = true;
	rc = load_object(buf, len, fmt, &e, &new);
	if (!rc) {
		rc = hand_over(old, new, &started_fresh, &e);
		if (!rc)
			rc = run_init(new, &e);
		if (rc)
			discard(new);
	}
	old->hidden = false;
	if (rc)
		return rc;
	make_live(new);
	hand_over_resources(old, new);
	unload_live(old);
	if (started_fresh)
		mod_fail(&e, 0,
			 "started fresh: no state handed over (the old "
			 "version has no save hook or the new one no restore "
			 "hook)");
	if (fresh)
		*fresh = started_fresh;
	if (out)
		*out = new;
	return 0;
}
