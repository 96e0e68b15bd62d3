/*
 * Stores, modules and instances: the public API of the engine.
 *
 * A store owns every runtime object through one list of allocations, so
 * objects may point at each other across instances (linking) and all go
 * away together.  Instantiation follows the spec's order: imports are
 * resolved and type-checked, functions, tables, memories and globals are
 * created, then active element segments and data segments are applied in
 * order (a segment out of bounds traps and leaves earlier writes in place)
 * and finally the start function runs.
 */
#include <graft/error.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_internal.h"

static const char *const trap_names[] = {
#define WASM_TRAP_TEXT(name, text) text,
	WASM_TRAPS(WASM_TRAP_TEXT)
#undef WASM_TRAP_TEXT
};

const char *wasm_trap_name(enum wasm_trap_code code)
{
	if ((unsigned)code >= sizeof(trap_names) / sizeof(trap_names[0]))
		return "unknown trap";
	return trap_names[code];
}

void wasm_functype_hash(struct wasm_functype *t)
{
	uint32_t h = 2166136261u;
	h = (h ^ t->nparams) * 16777619u;
	h = (h ^ t->nresults) * 16777619u;
	for (uint32_t i = 0; i < t->nparams + t->nresults; i++)
		h = (h ^ t->types[i]) * 16777619u;
	t->hash = h;
}

bool wasm_functype_eq(const struct wasm_functype *a,
		      const struct wasm_functype *b)
{
	return a->nparams == b->nparams && a->nresults == b->nresults &&
	       memcmp(a->types, b->types, a->nparams + a->nresults) == 0;
}

/* Store allocations: a header in front of each object. */
enum { ALLOC_PLAIN, ALLOC_MEMORY, ALLOC_TABLE };

struct wasm_alloc {
	struct wasm_alloc *next;
	int kind;
	long long align_pad;
};

static void *store_alloc_kind(wasm_store *st, size_t size, int kind)
{
	struct wasm_alloc *a = calloc(1, sizeof(*a) + size);
	if (!a)
		return NULL;
	a->kind = kind;
	a->next = st->allocs;
	st->allocs = a;
	return a + 1;
}

void *wasm_store_alloc(wasm_store *st, size_t size)
{
	return store_alloc_kind(st, size, ALLOC_PLAIN);
}

wasm_store *wasm_store_new(const struct wasm_store_limits *lim)
{
	wasm_store *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	if (lim)
		st->lim = *lim;
	if (!st->lim.memory_pages || st->lim.memory_pages > WASM_MAX_PAGES)
		st->lim.memory_pages = WASM_DEFAULT_MEMORY_PAGES;
	if (!st->lim.table_elems)
		st->lim.table_elems = WASM_DEFAULT_TABLE_ELEMS;
	if (!st->lim.stack_slots)
		st->lim.stack_slots = WASM_DEFAULT_STACK_SLOTS;
	if (!st->lim.call_depth)
		st->lim.call_depth = WASM_DEFAULT_CALL_DEPTH;
	if (!st->lim.fuel)
		st->lim.fuel = WASM_DEFAULT_FUEL;
	st->fuel_per_call = st->lim.fuel;
	/*
	 * Not zeroed: a slot is read only after it is written (arguments are
	 * copied in, locals zeroed on entry, operands pushed before they are
	 * popped, as validated), and a frame only below depth.
	 */
	st->stack = malloc((size_t)st->lim.stack_slots * sizeof(wasm_val));
	st->frames =
	    malloc(((size_t)st->lim.call_depth + 1) * sizeof(*st->frames));
	if (!st->stack || !st->frames) {
		wasm_store_free(st);
		return NULL;
	}
	st->stack_end = st->stack + st->lim.stack_slots;
	st->sp = st->stack;
	return st;
}

void wasm_store_free(wasm_store *st)
{
	struct wasm_alloc *a, *next;
	if (!st)
		return;
	for (a = st->allocs; a; a = next) {
		next = a->next;
		if (a->kind == ALLOC_MEMORY)
			free(((struct wasm_memory *)(a + 1))->data);
		else if (a->kind == ALLOC_TABLE)
			free(((struct wasm_table *)(a + 1))->elems);
		free(a);
	}
	free(st->stack);
	free(st->frames);
	free(st);
}

void wasm_store_set_fuel(wasm_store *st, uint64_t fuel)
{
	st->fuel_per_call = fuel;
}

uint64_t wasm_store_fuel_left(const wasm_store *st)
{
	return st->fuel > 0 ? (uint64_t)st->fuel : 0;
}

/* Modules. */

void wasm_module_release(struct wasm_module *m)
{
	for (uint32_t i = 0; i < m->ntypes; i++)
		free(m->types[i].types);
	for (uint32_t i = 0; i < m->nimports; i++) {
		free(m->imports[i].module);
		free(m->imports[i].name);
	}
	for (uint32_t i = 0; i < m->nexports; i++)
		free(m->exports[i].name);
	for (uint32_t i = 0; i < m->nelems; i++)
		free(m->elems[i].items);
	for (uint32_t i = 0; m->codes && i < m->ncodes; i++) {
		free(m->codes[i].local_types);
		free(m->codes[i].cells);
		free(m->codes[i].pcmap);
	}
	free(m->types);
	free(m->imports);
	free(m->func_types);
	free(m->tables);
	free(m->mems);
	free(m->globals);
	free(m->exports);
	free(m->elems);
	free(m->datas);
	free(m->codes);
	free(m->func_declared);
	free(m->bytes);
}

int wasm_module_new(const uint8_t *bytes, size_t len, wasm_module **out,
		    char *err, size_t errlen)
{
	struct wasm_err e = {err, errlen, 0};
	struct wasm_module *m;
	int rc;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (len > WASM_MAX_MODULE_BYTES)
		return wasm_errf(&e, GRAFT_ENOTSUP, "module too large (%zu bytes)",
				 len);
	m = calloc(1, sizeof(*m));
	if (!m)
		return wasm_errf(&e, GRAFT_ENOMEM, "out of memory");
	m->bytes = malloc(len ? len : 1);
	if (!m->bytes) {
		free(m);
		return wasm_errf(&e, GRAFT_ENOMEM, "out of memory");
	}
	if (len)
		memcpy(m->bytes, bytes, len);
	m->len = len;
	rc = wasm_decode(m, &e);
	if (!rc)
		rc = wasm_validate(m, &e);
	if (rc) {
		wasm_module_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void wasm_module_free(wasm_module *m)
{
	if (!m)
		return;
	wasm_module_release(m);
	free(m);
}

int wasm_module_export_const(const wasm_module *m, const char *name,
			     uint32_t *value)
{
	size_t len = strlen(name);
	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct wasm_export *ex = &m->exports[i];
		const struct wasm_global_def *g;
		if (ex->kind != WASM_EXTERN_GLOBAL || ex->name_len != len ||
		    memcmp(ex->name, name, len) != 0)
			continue;
		if (ex->idx < m->nglobal_imports)
			return GRAFT_ENOENT;
		g = &m->globals[ex->idx];
		if (g->type.type != WASM_I32 || g->type.mut ||
		    g->init.op != 0x41)
			return GRAFT_ENOENT;
		*value = (uint32_t)g->init.val;
		return 0;
	}
	return GRAFT_ENOENT;
}

int wasm_module_data_read(const wasm_module *m, uint32_t addr, void *buf,
			  size_t len)
{
	uint64_t end = (uint64_t)addr + len;
	if (m->nmems == 0 || m->nmem_imports > 0 ||
	    end > (uint64_t)m->mems[0].min * WASM_PAGE_SIZE)
		return GRAFT_ERANGE;
	memset(buf, 0, len);
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const struct wasm_data *d = &m->datas[i];
		uint64_t at, lo, hi;
		if (d->mode != WASM_SEG_ACTIVE || d->offset.op != 0x41)
			continue;
		at = (uint32_t)d->offset.val;
		lo = at > addr ? at : addr;
		hi = at + d->len < end ? at + d->len : end;
		if (lo < hi)
			memcpy((uint8_t *)buf + (lo - addr),
			       d->bytes + (lo - at), (size_t)(hi - lo));
	}
	return 0;
}

uint32_t wasm_module_import_count(const wasm_module *m)
{
	return m->nimports;
}

int wasm_module_import(const wasm_module *m, uint32_t i,
		       struct wasm_import_desc *out)
{
	if (i >= m->nimports)
		return GRAFT_ERANGE;
	out->module = m->imports[i].module;
	out->name = m->imports[i].name;
	out->kind = m->imports[i].kind;
	return 0;
}

/* Runtime objects. */

wasm_func *wasm_func_new_host(wasm_store *st, const uint8_t *params,
			      uint32_t nparams, const uint8_t *results,
			      uint32_t nresults, wasm_host_fn fn, void *ctx)
{
	struct wasm_func *f =
		wasm_store_alloc(st, sizeof(*f) + nparams + nresults + 1);
	uint8_t *types;
	if (!f)
		return NULL;
	types = (uint8_t *)(f + 1);
	if (nparams)
		memcpy(types, params, nparams);
	if (nresults)
		memcpy(types + nparams, results, nresults);
	f->type.nparams = nparams;
	f->type.nresults = nresults;
	f->type.types = types;
	wasm_functype_hash(&f->type);
	f->host = fn;
	f->host_ctx = ctx;
	return f;
}

void wasm_func_arity(const wasm_func *f, uint32_t *nparams,
		     uint32_t *nresults)
{
	*nparams = f->type.nparams;
	*nresults = f->type.nresults;
}

enum wasm_valtype wasm_func_param_type(const wasm_func *f, uint32_t i)
{
	return (enum wasm_valtype)f->type.types[i];
}

enum wasm_valtype wasm_func_result_type(const wasm_func *f, uint32_t i)
{
	return (enum wasm_valtype)f->type.types[f->type.nparams + i];
}

wasm_table *wasm_table_new(wasm_store *st, enum wasm_valtype elemtype,
			   uint32_t min, uint32_t max)
{
	struct wasm_table *t;
	if (min > st->lim.table_elems)
		return NULL;
	t = store_alloc_kind(st, sizeof(*t), ALLOC_TABLE);
	if (!t)
		return NULL;
	t->elems = calloc(min ? min : 1, sizeof(void *));
	if (!t->elems)
		return NULL;
	t->size = min;
	t->max = max;
	t->type = (uint8_t)elemtype;
	return t;
}

uint32_t wasm_table_size(const wasm_table *t)
{
	return t->size;
}

wasm_memory *wasm_memory_new(wasm_store *st, uint32_t min, uint32_t max)
{
	struct wasm_memory *m;
	if (min > st->lim.memory_pages)
		return NULL;
	m = store_alloc_kind(st, sizeof(*m), ALLOC_MEMORY);
	if (!m)
		return NULL;
	m->data = calloc(min ? (size_t)min * WASM_PAGE_SIZE : 1, 1);
	if (!m->data)
		return NULL;
	m->pages = min;
	m->size = (uint64_t)min * WASM_PAGE_SIZE;
	m->has_max = max != UINT32_MAX;
	m->max = max > WASM_MAX_PAGES ? WASM_MAX_PAGES : max;
	return m;
}

uint8_t *wasm_memory_data(const wasm_memory *mem, uint64_t *size)
{
	*size = mem->size;
	return mem->data;
}

wasm_global *wasm_global_new(wasm_store *st, enum wasm_valtype type, int mut,
			     wasm_val init)
{
	struct wasm_global *g = wasm_store_alloc(st, sizeof(*g));
	if (!g)
		return NULL;
	g->type = (uint8_t)type;
	g->mut = mut != 0;
	g->val = init;
	return g;
}

wasm_val wasm_global_get(const wasm_global *g)
{
	return g->val;
}

void wasm_global_set(wasm_global *g, wasm_val v)
{
	g->val = v;
}

/* Calls from C. */

int wasm_func_call(wasm_store *st, wasm_func *f, const wasm_val *args,
		   uint32_t nargs, wasm_val *results, uint32_t nresults,
		   struct wasm_trap *trap)
{
	uint32_t np = f->type.nparams, nr = f->type.nresults;
	bool top = st->depth == 0;
	wasm_val *base = top ? st->stack : st->sp, *saved_sp = st->sp;
	int rc;

	if (nargs != np || nresults != nr)
		return GRAFT_EINVAL;
	if ((size_t)(st->stack_end - base) < (np > nr ? np : nr) + 1) {
		st->trap.code = WASM_TRAP_STACK_EXHAUSTED;
		st->trap.func = 0;
		st->trap.offset = 0;
		goto trapped;
	}
	if (top)
		st->fuel = (int64_t)(st->fuel_per_call > INT64_MAX
					     ? INT64_MAX
					     : st->fuel_per_call);
	if (np)
		memcpy(base, args, np * sizeof(wasm_val));
	rc = wasm_exec_invoke(st, f, base, NULL);
	st->sp = saved_sp;
	if (top)
		st->depth = 0;
	if (rc)
		goto trapped;
	if (nr)
		memcpy(results, base, nr * sizeof(wasm_val));
	return 0;
trapped:
	if (st->trap.offset == UINT32_MAX)
		st->trap.offset = 0;
	if (trap)
		*trap = st->trap;
	return GRAFT_ETRAP;
}

int wasm_instance_export(const wasm_instance *inst, const char *name,
			 struct wasm_extern *out)
{
	return wasm_instance_export_n(inst, name, strlen(name), out);
}

int wasm_instance_export_n(const wasm_instance *inst, const char *name,
			   size_t len, struct wasm_extern *out)
{
	const struct wasm_module *m = inst->mod;
	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct wasm_export *ex = &m->exports[i];
		if (ex->name_len != len || memcmp(ex->name, name, len) != 0)
			continue;
		out->kind = (enum wasm_extern_kind)ex->kind;
		switch (ex->kind) {
		case WASM_EXTERN_FUNC:
			out->u.func = inst->funcs[ex->idx];
			break;
		case WASM_EXTERN_TABLE:
			out->u.table = inst->tables[ex->idx];
			break;
		case WASM_EXTERN_MEMORY:
			out->u.memory = inst->mems[ex->idx];
			break;
		default:
			out->u.global = inst->globals[ex->idx];
		}
		return 0;
	}
	return GRAFT_ENOENT;
}

wasm_memory *wasm_instance_memory(const wasm_instance *inst)
{
	return inst->mod->nmems ? inst->mems[0] : NULL;
}

int wasm_call(wasm_instance *inst, const char *name, const wasm_val *args,
	      uint32_t nargs, wasm_val *results, uint32_t nresults,
	      struct wasm_trap *trap)
{
	struct wasm_extern ex;
	if (wasm_instance_export(inst, name, &ex) ||
	    ex.kind != WASM_EXTERN_FUNC)
		return GRAFT_ENOENT;
	return wasm_func_call(inst->store, ex.u.func, args, nargs, results,
			      nresults, trap);
}

/* Instantiation. */

struct inst_ctx {
	wasm_store *st;
	const struct wasm_module *m;
	struct wasm_instance *inst;
	struct wasm_err *e;
};

static bool limits_match(uint32_t min, uint32_t max, bool has_max,
			 const struct wasm_limits *want)
{
	if (min < want->min)
		return false;
	if (want->has_max && (!has_max || max > want->max))
		return false;
	return true;
}

static int check_import(struct inst_ctx *c, const struct wasm_import *im,
			const struct wasm_extern *ex)
{
	const char *why = NULL;
	if ((uint8_t)ex->kind != im->kind) {
		why = "incompatible import type (kind)";
	} else if (im->kind == WASM_EXTERN_FUNC) {
		if (!wasm_functype_eq(&ex->u.func->type,
				      &c->m->types[im->u.type]))
			why = "incompatible import type (function type)";
	} else if (im->kind == WASM_EXTERN_TABLE) {
		const struct wasm_table *t = ex->u.table;
		if (t->type != im->u.table.elem ||
		    !limits_match(t->size, t->max, t->max != UINT32_MAX,
				  &im->u.table.lim))
			why = "incompatible import type (table)";
	} else if (im->kind == WASM_EXTERN_MEMORY) {
		const struct wasm_memory *mm = ex->u.memory;
		if (!limits_match(mm->pages, mm->max, mm->has_max,
				  &im->u.mem))
			why = "incompatible import type (memory)";
	} else {
		const struct wasm_global *g = ex->u.global;
		if (g->type != im->u.global.type || g->mut != im->u.global.mut)
			why = "incompatible import type (global)";
	}
	if (why)
		return wasm_errf(c->e, GRAFT_ENOSYM, "%s: '%s' '%s'", why,
				 im->module, im->name);
	return 0;
}

static int resolve_imports(struct inst_ctx *c, wasm_resolve_fn resolve,
			   void *ctx)
{
	uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
	for (uint32_t i = 0; i < c->m->nimports; i++) {
		const struct wasm_import *im = &c->m->imports[i];
		struct wasm_extern ex;
		int rc;
		memset(&ex, 0, sizeof(ex));
		if (!resolve ||
		    resolve(ctx, im->module, im->name,
			    (enum wasm_extern_kind)im->kind, &ex) ||
		    !ex.u.func)
			return wasm_errf(c->e, GRAFT_ENOSYM,
					 "unknown import '%s' '%s'",
					 im->module, im->name);
		if ((rc = check_import(c, im, &ex)))
			return rc;
		switch (im->kind) {
		case WASM_EXTERN_FUNC:
			c->inst->funcs[nf++] = ex.u.func;
			break;
		case WASM_EXTERN_TABLE:
			c->inst->tables[nt++] = ex.u.table;
			break;
		case WASM_EXTERN_MEMORY:
			c->inst->mems[nm++] = ex.u.memory;
			break;
		default:
			c->inst->globals[ng++] = ex.u.global;
		}
	}
	return 0;
}

static wasm_val eval_const(struct inst_ctx *c, const struct wasm_constexpr *e)
{
	wasm_val v;
	v.bits = 0;
	switch (e->op) {
	case 0x41:
	case 0x42:
	case 0x43:
	case 0x44:
		v.bits = e->val;
		break;
	case 0xd2:
		v.ref = c->inst->funcs[e->val];
		break;
	case 0x23:
		v = c->inst->globals[e->val]->val;
		break;
	default: /* ref.null */
		break;
	}
	return v;
}

static int create_objects(struct inst_ctx *c)
{
	const struct wasm_module *m = c->m;
	struct wasm_instance *inst = c->inst;
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
		struct wasm_func *f = wasm_store_alloc(c->st, sizeof(*f));
		if (!f)
			return wasm_errf(c->e, GRAFT_ENOMEM, "out of memory");
		f->type = m->types[m->func_types[i]];
		f->inst = inst;
		f->code = &m->codes[i - m->nfunc_imports];
		inst->funcs[i] = f;
	}
	for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
		const struct wasm_tabletype *tt = &m->tables[i];
		inst->tables[i] = wasm_table_new(c->st, tt->elem, tt->lim.min,
						 tt->lim.max);
		if (!inst->tables[i])
			return wasm_errf(c->e, GRAFT_ENOSPC,
					 "table %u of %u elements is over the "
					 "limit or out of memory",
					 i, tt->lim.min);
	}
	for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
		const struct wasm_limits *l = &m->mems[i];
		inst->mems[i] = wasm_memory_new(c->st, l->min,
						l->has_max ? l->max
							   : UINT32_MAX);
		if (!inst->mems[i])
			return wasm_errf(c->e, GRAFT_ENOSPC,
					 "memory %u of %u pages is over the "
					 "limit or out of memory",
					 i, l->min);
	}
	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
		const struct wasm_global_def *g = &m->globals[i];
		inst->globals[i] =
			wasm_global_new(c->st, g->type.type, g->type.mut,
					eval_const(c, &g->init));
		if (!inst->globals[i])
			return wasm_errf(c->e, GRAFT_ENOMEM, "out of memory");
	}
	return 0;
}

static int create_segments(struct inst_ctx *c)
{
	const struct wasm_module *m = c->m;
	for (uint32_t i = 0; i < m->nelems; i++) {
		const struct wasm_elem *el = &m->elems[i];
		void **refs = wasm_store_alloc(c->st, (el->count + 1) *
							      sizeof(void *));
		if (!refs)
			return wasm_errf(c->e, GRAFT_ENOMEM, "out of memory");
		for (uint32_t k = 0; k < el->count; k++)
			refs[k] = eval_const(c, &el->items[k]).ref;
		c->inst->elems[i].p = refs;
		c->inst->elems[i].len =
			el->mode == WASM_SEG_PASSIVE ? el->count : 0;
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		c->inst->datas[i].p = (void *)m->datas[i].bytes;
		c->inst->datas[i].len = m->datas[i].mode == WASM_SEG_PASSIVE
						? m->datas[i].len
						: 0;
	}
	return 0;
}

static int trap_at_init(struct inst_ctx *c, enum wasm_trap_code code)
{
	c->st->trap.code = code;
	c->st->trap.func = 0;
	c->st->trap.offset = 0;
	return wasm_errf(c->e, GRAFT_ETRAP, "instantiation trapped: %s",
			 wasm_trap_name(code));
}

static int apply_segments(struct inst_ctx *c)
{
	const struct wasm_module *m = c->m;
	for (uint32_t i = 0; i < m->nelems; i++) {
		const struct wasm_elem *el = &m->elems[i];
		struct wasm_table *t;
		uint64_t off;
		if (el->mode != WASM_SEG_ACTIVE)
			continue;
		t = c->inst->tables[el->table];
		off = (uint32_t)eval_const(c, &el->offset).i32;
		if (off + el->count > t->size)
			return trap_at_init(c, WASM_TRAP_TABLE_OOB);
		/* cppcheck-suppress pointerSize ; elems are pointers */
		memcpy(t->elems + off, c->inst->elems[i].p,
		       el->count * sizeof(void *));
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const struct wasm_data *d = &m->datas[i];
		struct wasm_memory *mem;
		uint64_t off;
		if (d->mode != WASM_SEG_ACTIVE)
			continue;
		mem = c->inst->mems[0];
		off = (uint32_t)eval_const(c, &d->offset).i32;
		if (off + d->len > mem->size)
			return trap_at_init(c, WASM_TRAP_MEMORY_OOB);
		if (d->len)
			memcpy(mem->data + off, d->bytes, d->len);
	}
	return 0;
}

static void *alloc_array(wasm_store *st, uint32_t n, size_t size)
{
	return wasm_store_alloc(st, ((size_t)n + 1) * size);
}

int wasm_instantiate(wasm_store *st, const wasm_module *m,
		     wasm_resolve_fn resolve, void *ctx, wasm_instance **out,
		     struct wasm_trap *trap, char *err, size_t errlen)
{
	struct wasm_err e = {err, errlen, 0};
	struct inst_ctx c = {st, m, NULL, &e};
	struct wasm_instance *inst;
	int rc;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	inst = wasm_store_alloc(st, sizeof(*inst));
	if (!inst)
		return wasm_errf(&e, GRAFT_ENOMEM, "out of memory");
	inst->store = st;
	inst->mod = m;
	inst->funcs = alloc_array(st, m->nfuncs, sizeof(void *));
	inst->tables = alloc_array(st, m->ntables, sizeof(void *));
	inst->mems = alloc_array(st, m->nmems, sizeof(void *));
	inst->globals = alloc_array(st, m->nglobals, sizeof(void *));
	inst->elems = alloc_array(st, m->nelems, sizeof(struct wasm_seg));
	inst->datas = alloc_array(st, m->ndatas, sizeof(struct wasm_seg));
	if (!inst->funcs || !inst->tables || !inst->mems || !inst->globals ||
	    !inst->elems || !inst->datas)
		return wasm_errf(&e, GRAFT_ENOMEM, "out of memory");
	c.inst = inst;
	if ((rc = resolve_imports(&c, resolve, ctx)) ||
	    (rc = create_objects(&c)) || (rc = create_segments(&c)))
		return rc;
	rc = apply_segments(&c);
	if (!rc && m->has_start) {
		rc = wasm_func_call(st, inst->funcs[m->start], NULL, 0, NULL, 0,
				    NULL);
		if (rc)
			wasm_errf(&e, rc, "start function trapped: %s",
				  wasm_trap_name(st->trap.code));
	}
	if (rc && trap)
		*trap = st->trap;
	if (!rc)
		*out = inst;
	return rc;
}
