/*
 * The bytecode module format: a WebAssembly binary, run by lib/wasm in a
 * store of its own (bounded memory, value stack and call depth; a fuel
 * budget per call), so that whatever the module does traps that module
 * only.  Linked into images that link lib/wasm; a boot step registers it
 * with the manager, which sends it every buffer that starts "\0asm".
 *
 * The pipeline, each step refusing with a one-line message:
 *   parse  - decode, validate and compile (wasm_module_new); every import
 *            must be a function of the "graft" namespace; read the INFO
 *            record at the address the exported global graft_module_info
 *            holds, from the data segments (no code runs);
 *   link   - a store with the module limits, instantiation against the
 *            graft imports, the entry exports (graft_module_init...) found
 *            and their types checked;
 *   entry points and callbacks - wasm_func_call; a trap is reported with
 *            its reason, function index and byte offset (and, for a bad
 *            import call, what was wrong with it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include <graft/init.h>
#include <graft/module.h>
#include "fmt_wasm.h"

/* The entry exports and their types: parameter and result letters (i:
 * i32, I: i64), as <graft/module.h> defines them for wasm. */
static const struct {
	const char *export, *params, *results;
} entry_exports[MOD_NENTRY] = {
    [MOD_ENTRY_INIT] = {"graft_module_init", "", "i"},
    [MOD_ENTRY_EXIT] = {"graft_module_exit", "", ""},
    [MOD_ENTRY_SAVE] = {"graft_module_save", "", "I"},
    [MOD_ENTRY_RESTORE] = {"graft_module_restore", "ii", "i"},
    [MOD_ENTRY_TIMER] = {"graft_module_timer", "i", ""},
    [MOD_ENTRY_MESSAGE] = {"graft_module_message", "", ""},
    [MOD_ENTRY_NET] = {"graft_module_net", "i", ""},
};

struct wasm_parsed {
	wasm_module *module;
	struct graft_module_rec info;
};

static bool wasm_match(const void *buf, size_t len)
{
	return len >= 4 && memcmp(buf, "\0asm", 4) == 0;
}

/* Every import is a graft function this kernel provides. */
static int check_imports(const wasm_module *module, struct mod_err *e)
{
	struct wasm_import_desc d;
	uint32_t i, n = wasm_module_import_count(module);
	int rc;

	for (i = 0; i < n; i++) {
		wasm_module_import(module, i, &d);
		rc = mod_wasm_import_check(d.module, d.name, e);
		if (rc)
			return rc;
		if (d.kind != WASM_EXTERN_FUNC)
			return mod_fail(e, GRAFT_ENOSYM,
					"imports '%s.%s' as something other "
					"than a function",
					d.module, d.name);
	}
	return 0;
}

/* The INFO record: at the address graft_module_info holds, whole inside
 * the initial memory, magic, ABI version, kind and strings well formed. */
static int read_info(const wasm_module *module, struct graft_module_rec *r,
		     struct mod_err *e)
{
	uint32_t addr;

	if (wasm_module_export_const(module, "graft_module_info", &addr))
		return mod_fail(e, GRAFT_EFORMAT,
				"no graft_module_info export (not a graft "
				"module: use GRAFT_MODULE() and build with "
				"graft-module-build.sh --wasm)");
	if (wasm_module_data_read(module, addr, r, sizeof(*r)))
		return mod_fail(e, GRAFT_EFORMAT,
				"graft_module_info (address %u) is outside "
				"the module's initial memory",
				addr);
	if (r->magic != GRAFT_MODULE_MAGIC || r->kind != GRAFT_MREC_INFO)
		return mod_fail(e, GRAFT_EFORMAT,
				"graft_module_info is not a GRAFT_MODULE "
				"record");
	if (r->abi_version != GRAFT_ABI_VERSION)
		return mod_fail(e, GRAFT_EABI,
				"built for module ABI version %u, this kernel "
				"has version %u",
				r->abi_version, GRAFT_ABI_VERSION);
	if (!mod_name_valid(r->name, sizeof(r->name)) ||
	    !mod_field_terminated(r->version, sizeof(r->version)) ||
	    !mod_field_terminated(r->licence, sizeof(r->licence)))
		return mod_fail(e, GRAFT_EFORMAT,
				"malformed name, version or licence in "
				"GRAFT_MODULE record");
	return 0;
}

static int wasm_parse(const void *buf, size_t len, void **parsed,
		      char name[GRAFT_MODULE_NAME_MAX], struct mod_err *e)
{
	struct wasm_parsed *p = calloc(1, sizeof(*p));
	char msg[160];
	int rc;

	if (!p)
		return mod_fail(e, GRAFT_ENOMEM, "out of memory");
	rc = wasm_module_new(buf, len, &p->module, msg, sizeof(msg));
	if (rc) {
		free(p);
		return mod_fail(e, rc, "not a valid WebAssembly module: %s",
				msg);
	}
	rc = check_imports(p->module, e);
	if (!rc)
		rc = read_info(p->module, &p->info, e);
	if (rc) {
		wasm_module_free(p->module);
		free(p);
		return rc;
	}
	memcpy(name, p->info.name, GRAFT_MODULE_NAME_MAX);
	*parsed = p;
	return 0;
}

static void wasm_parse_free(void *parsed)
{
	struct wasm_parsed *p = parsed;

	if (p->module)
		wasm_module_free(p->module);
	free(p);
}

static bool types_are(const wasm_func *f, const char *params,
		      const char *results)
{
	uint32_t np, nr, i;

	wasm_func_arity(f, &np, &nr);
	if (np != strlen(params) || nr != strlen(results))
		return false;
	for (i = 0; i < np; i++)
		if (wasm_func_param_type(f, i) !=
		    (params[i] == 'I' ? WASM_I64 : WASM_I32))
			return false;
	for (i = 0; i < nr; i++)
		if (wasm_func_result_type(f, i) !=
		    (results[i] == 'I' ? WASM_I64 : WASM_I32))
			return false;
	return true;
}

static int find_entries(struct mod_wasm *w, struct mod *m, struct mod_err *e)
{
	struct wasm_extern ex;
	unsigned k;

	for (k = 0; k < MOD_NENTRY; k++) {
		if (wasm_instance_export(w->inst, entry_exports[k].export,
					 &ex) != 0)
			continue;
		if (ex.kind != WASM_EXTERN_FUNC ||
		    !types_are(ex.u.func, entry_exports[k].params,
			       entry_exports[k].results))
			return mod_fail(e, GRAFT_EFORMAT,
					"export '%s' is not the %s entry point "
					"<graft/module.h> defines",
					entry_exports[k].export,
					mod_entry_names[k]);
		w->entry[k] = ex.u.func;
		m->entries |= MOD_ENTRY_BIT(k);
	}
	return 0;
}

static void wasm_unlink(struct mod *m, const struct mod_mem_ops *mem)
{
	struct mod_wasm *w = m->priv;

	if (!w)
		return;
	wasm_store_free(w->store);
	wasm_module_free(w->module);
	free(w);
	m->priv = NULL;
}

static int wasm_link(void *parsed, struct mod *m, const struct mod_mem_ops *mem,
		     struct mod_err *e)
{
	static const struct wasm_store_limits limits = {
	    .memory_pages = MOD_WASM_MAX_PAGES,
	    .table_elems = MOD_WASM_TABLE,
	    .stack_slots = MOD_WASM_STACK,
	    .call_depth = MOD_WASM_CALL_DEPTH,
	    .fuel = MOD_WASM_FUEL,
	};
	struct wasm_parsed *p = parsed;
	struct mod_wasm *w = calloc(1, sizeof(*w));
	struct wasm_trap trap;
	struct mod *prev;
	char msg[160];
	int rc;

	if (!w)
		return mod_fail(e, GRAFT_ENOMEM, "out of memory");
	memcpy(m->version, p->info.version, sizeof(m->version));
	memcpy(m->licence, p->info.licence, sizeof(m->licence));
	w->m = m;
	w->module = p->module;
	p->module = NULL;
	m->priv = w;
	w->store = wasm_store_new(&limits);
	if (!w->store) {
		rc = mod_fail(e, GRAFT_ENOMEM, "out of memory for its store");
		goto fail;
	}
	prev = mod_enter(m);
	rc = wasm_instantiate(w->store, w->module, mod_wasm_resolve, w,
			      &w->inst, &trap, msg, sizeof(msg));
	mod_leave(prev);
	if (rc) {
		rc = mod_fail(e, rc, "cannot instantiate: %s", msg);
		goto fail;
	}
	rc = find_entries(w, m, e);
	if (rc)
		goto fail;
	return 0;
fail:
	wasm_unlink(m, mem);
	m->entries = 0;
	return rc;
}

/* Call entry k of w; a trap becomes GRAFT_ETRAP with "<what> trapped: ...". */
static int call(struct mod_wasm *w, enum mod_entry_kind k, const wasm_val *args,
		uint32_t nargs, wasm_val *res, uint32_t nres, struct mod_err *e)
{
	struct wasm_trap trap;
	int rc;

	w->fault[0] = '\0';
	rc = wasm_func_call(w->store, w->entry[k], args, nargs, res, nres,
			    &trap);
	if (rc != GRAFT_ETRAP)
		return rc;
	return mod_fail(e, GRAFT_ETRAP,
			"trapped in its %s %s: %s%s%s (function %u, offset "
			"0x%x)",
			mod_entry_names[k],
			k >= MOD_ENTRY_TIMER ? "callback" : "entry point",
			wasm_trap_name(trap.code), w->fault[0] ? ": " : "",
			w->fault, trap.func, trap.offset);
}

static int wasm_init(struct mod *m, struct mod_err *e)
{
	wasm_val res;
	int rc = call(m->priv, MOD_ENTRY_INIT, NULL, 0, &res, 1, e);

	if (rc)
		return rc;
	rc = res.i32 > 0 ? GRAFT_EINVAL : res.i32;
	if (rc)
		return mod_fail(e, rc, "init failed: %s", graft_strerror(rc));
	return 0;
}

static void wasm_exit(struct mod *m, struct mod_err *e)
{
	call(m->priv, MOD_ENTRY_EXIT, NULL, 0, NULL, 0, e);
}

/* The save export returns (address << 32) | length, or a negative code;
 * the bytes are copied out of the old version's memory. */
static int wasm_save(struct mod *m, void **state, size_t *len,
		     struct mod_err *e)
{
	struct mod_wasm *w = m->priv;
	wasm_memory *mem = wasm_instance_memory(w->inst);
	uint64_t size = 0;
	uint8_t *base = mem ? wasm_memory_data(mem, &size) : NULL;
	uint32_t addr, n;
	wasm_val res;
	int rc;

	rc = call(w, MOD_ENTRY_SAVE, NULL, 0, &res, 1, e);
	if (rc)
		return rc;
	if (res.i64 < 0) {
		rc = res.i64 < INT32_MIN ? GRAFT_EINVAL : (int)res.i64;
		return mod_fail(e, rc, "the old version's save failed: %s",
				graft_strerror(rc));
	}
	addr = (uint32_t)((uint64_t)res.i64 >> 32);
	n = (uint32_t)res.i64;
	if (!base || addr > size || n > size - addr)
		return mod_fail(e, GRAFT_EINVAL,
				"the old version's save returned bytes "
				"%u..+%u, outside its memory",
				addr, n);
	*state = malloc(n ? n : 1);
	if (!*state)
		return mod_fail(e, GRAFT_ENOMEM, "out of memory for the state");
	memcpy(*state, base + addr, n);
	*len = n;
	return 0;
}

/* The state goes into pages added to the new version's memory (it has no
 * allocator the host could call), then restore(address, length). */
static int wasm_restore(struct mod *m, void *state, size_t len,
			struct mod_err *e)
{
	struct mod_wasm *w = m->priv;
	wasm_memory *mem = wasm_instance_memory(w->inst);
	uint32_t old,
	    pages = (uint32_t)((len + MOD_WASM_PAGE - 1) / MOD_WASM_PAGE);
	uint64_t size;
	wasm_val args[2], res;
	int rc;

	if (!mem || len > UINT32_MAX ||
	    wasm_memory_grow(w->store, mem, pages ? pages : 1, &old) != 0) {
		free(state);
		return mod_fail(e, GRAFT_ENOSPC,
				"no room in the new version's memory for the "
				"state (%zu bytes)",
				len);
	}
	memcpy(wasm_memory_data(mem, &size) + (size_t)old * MOD_WASM_PAGE,
	       state, len);
	free(state);
	args[0].i32 = (int32_t)(old * MOD_WASM_PAGE);
	args[1].i32 = (int32_t)len;
	rc = call(w, MOD_ENTRY_RESTORE, args, 2, &res, 1, e);
	if (rc)
		return rc;
	rc = res.i32 > 0 ? GRAFT_EINVAL : res.i32;
	if (rc)
		return mod_fail(e, rc, "the new version's restore failed: %s",
				graft_strerror(rc));
	return 0;
}

static int wasm_callback(struct mod *m, enum mod_entry_kind k, uint32_t arg,
			 struct mod_err *e)
{
	wasm_val a = {.i32 = (int32_t)arg};
	uint32_t nargs = k == MOD_ENTRY_MESSAGE ? 0 : 1;

	return call(m->priv, k, &a, nargs, NULL, 0, e);
}

static size_t wasm_size(const struct mod *m)
{
	struct mod_wasm *w = m->priv;
	wasm_memory *mem = wasm_instance_memory(w->inst);
	uint64_t size = 0;

	if (mem)
		wasm_memory_data(mem, &size);
	return (size_t)size;
}

static const struct mod_format mod_format_wasm = {
    .name = "wasm",
    .native_code = false,
    .match = wasm_match,
    .parse = wasm_parse,
    .parse_free = wasm_parse_free,
    .link = wasm_link,
    .unlink = wasm_unlink,
    .init = wasm_init,
    .exit = wasm_exit,
    .save = wasm_save,
    .restore = wasm_restore,
    .callback = wasm_callback,
    .size = wasm_size,
};

int mod_wasm_register(void)
{
	return mod_format_register(&mod_format_wasm);
}

/* Boot: bytecode modules become loadable. */
static int mod_wasm_boot(void)
{
	return mod_wasm_register();
}
GRAFT_INIT(mod_wasm_boot, GRAFT_INIT_LIBS);
