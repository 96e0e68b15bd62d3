/*
 * The validator: the spec's validation rules for a decoded module, and the
 * algorithm of the spec's appendix (an operand stack of types and a control
 * stack) for every function body.  The body walk also drives the compiler
 * (wasm_compile.h): each reachable instruction is emitted as it is checked,
 * with the exact operand heights that branch resolution needs.
 *
 * Invariant: after wasm_validate succeeds, every index in the module is in
 * range and every function has its compiled code.
 */
#include <stdlib.h>
#include <string.h>

#include "wasm_compile.h"
#include "wasm_read.h"

#define T_ANY 0 /* the spec's Unknown: fits any type */

struct vstate {
	struct wasm_module *m;
	struct wasm_fcode *code;
	struct wasm_reader r;
	struct wasm_err *e;
	uint8_t *vals;
	uint32_t nvals, vcap, max_vals;
	struct wasm_ctl *ctls;
	uint32_t nctls, ccap;
	struct wasm_cg cg;
	uint32_t op_off; /* offset of the instruction being checked */
};

static int verr(struct vstate *v, const char *what)
{
	if (!v->r.failed) {
		v->r.failed = true;
		wasm_errf(v->e, GRAFT_EINVAL, "%s (function %u, offset %u)",
			  what, v->code->func_index, v->op_off);
	}
	return -1;
}

static bool is_num(uint8_t t)
{
	return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 ||
	       t == WASM_F64;
}

static bool is_ref(uint8_t t)
{
	return t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

static void __attribute__((noinline)) push_slow(struct vstate *v, uint8_t t)
{
	if (v->r.failed)
		return;
	if (v->nvals >= WASM_MAX_OPERAND_HEIGHT) {
		verr(v, "operand stack too deep");
		return;
	}
	if (v->nvals >= v->vcap) {
		uint32_t ncap = v->vcap ? v->vcap * 2 : 64;
		uint8_t *nv = realloc(v->vals, ncap);
		if (!nv) {
			rd_fail(&v->r, GRAFT_ENOMEM, "out of memory");
			return;
		}
		v->vals = nv;
		v->vcap = ncap;
	}
	v->vals[v->nvals++] = t;
	if (v->nvals > v->max_vals)
		v->max_vals = v->nvals;
}

/* push and pop run for every operand: the common case inline. */
static inline void push(struct vstate *v, uint8_t t)
{
	bool room = v->nvals < v->vcap && v->nvals < WASM_MAX_OPERAND_HEIGHT;
	if (__builtin_expect(room && !v->r.failed, 1)) {
		v->vals[v->nvals++] = t;
		if (v->nvals > v->max_vals)
			v->max_vals = v->nvals;
		return;
	}
	push_slow(v, t);
}

static struct wasm_ctl *top(struct vstate *v)
{
	return &v->ctls[v->nctls - 1];
}

static uint8_t pop_any(struct vstate *v)
{
	struct wasm_ctl *c = top(v);
	if (v->r.failed)
		return T_ANY;
	if (v->nvals == c->height) {
		if (c->unreachable)
			return T_ANY;
		verr(v, "type mismatch (operand stack underflow)");
		return T_ANY;
	}
	return v->vals[--v->nvals];
}

static void pop_mismatch(struct vstate *v)
{
	verr(v, "type mismatch");
}

static inline uint8_t pop(struct vstate *v, uint8_t want)
{
	uint8_t t;
	if (__builtin_expect(v->nvals > top(v)->height && !v->r.failed, 1))
		t = v->vals[--v->nvals];
	else
		t = pop_any(v);
	if (t != want && t != T_ANY && want != T_ANY)
		pop_mismatch(v);
	return t;
}

static void pop_n(struct vstate *v, const uint8_t *ts, uint32_t n)
{
	while (n--)
		pop(v, ts[n]);
}

static void push_n(struct vstate *v, const uint8_t *ts, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		push(v, ts[i]);
}

static bool live(struct vstate *v)
{
	struct wasm_ctl *c = top(v);
	return !c->unreachable && !c->dead && !v->r.failed;
}

static uint32_t height(struct vstate *v)
{
	return v->nvals;
}

static void mark_unreachable(struct vstate *v)
{
	struct wasm_ctl *c = top(v);
	v->nvals = c->height;
	c->unreachable = true;
}

static struct wasm_ctl *push_ctl(struct vstate *v, uint8_t op,
				 const uint8_t *params, uint32_t np,
				 const uint8_t *results, uint32_t nr)
{
	struct wasm_ctl *c;
	bool dead = v->nctls ? !live(v) : false;
	if (v->nctls >= WASM_MAX_CONTROL_DEPTH) {
		verr(v, "blocks nested too deeply");
		return NULL;
	}
	if (v->nctls >= v->ccap) {
		uint32_t ncap = v->ccap ? v->ccap * 2 : 16;
		struct wasm_ctl *nc = realloc(v->ctls, ncap * sizeof(*nc));
		if (!nc) {
			rd_fail(&v->r, GRAFT_ENOMEM, "out of memory");
			return NULL;
		}
		v->ctls = nc;
		v->ccap = ncap;
	}
	c = &v->ctls[v->nctls++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->dead = dead;
	c->params = params;
	c->np = np;
	c->results = results;
	c->nr = nr;
	c->height = v->nvals;
	push_n(v, params, np);
	return c;
}

static struct wasm_ctl pop_ctl(struct vstate *v)
{
	struct wasm_ctl c = *top(v);
	pop_n(v, c.results, c.nr);
	if (v->nvals != c.height)
		verr(v, "type mismatch (values left on the stack at end)");
	v->nctls--;
	return c;
}

static void label_types(const struct wasm_ctl *c, const uint8_t **ts,
			uint32_t *n)
{
	if (c->op == 0x03) {
		*ts = c->params;
		*n = c->np;
	} else {
		*ts = c->results;
		*n = c->nr;
	}
}

static struct wasm_ctl *label(struct vstate *v, uint32_t depth)
{
	if (depth >= v->nctls) {
		verr(v, "unknown label");
		return NULL;
	}
	return &v->ctls[v->nctls - 1 - depth];
}

/* Block types: empty, one value type, or a type index (s33). */
static const uint8_t one_type[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64,
				   WASM_FUNCREF, WASM_EXTERNREF};

static const uint8_t *single(uint8_t t)
{
	for (unsigned i = 0; i < sizeof(one_type); i++)
		if (one_type[i] == t)
			return &one_type[i];
	return NULL;
}

static int blocktype(struct vstate *v, const uint8_t **params, uint32_t *np,
		     const uint8_t **results, uint32_t *nr)
{
	struct wasm_reader *r = &v->r;
	int64_t idx;
	*params = *results = NULL;
	*np = *nr = 0;
	if (r->p < r->end && *r->p == 0x40) {
		r->p++;
		return 0;
	}
	if (r->p < r->end && single(*r->p)) {
		*results = single(*r->p++);
		*nr = 1;
		return 0;
	}
	idx = rd_s33(r);
	if (r->failed)
		return -1;
	if (idx < 0 || (uint64_t)idx >= v->m->ntypes)
		return verr(v, "unknown type (block type)");
	*params = v->m->types[idx].types;
	*np = v->m->types[idx].nparams;
	*results = *params + *np;
	*nr = v->m->types[idx].nresults;
	return 0;
}

static uint8_t local_type(struct vstate *v, uint32_t idx)
{
	const struct wasm_functype *t = &v->m->types[v->code->type];
	if (idx < t->nparams)
		return t->types[idx];
	idx -= t->nparams;
	if (idx < v->code->nlocals)
		return v->code->local_types[idx];
	verr(v, "unknown local");
	return T_ANY;
}

/* Numeric instructions 0x45..0xc4 as "operands:result" type letters. */
static const char *const numeric_sigs[0xc5 - 0x45] = {
	[0x45 - 0x45] = "i:i",
	[0x46 - 0x45 ... 0x4f - 0x45] = "ii:i",
	[0x50 - 0x45] = "I:i",
	[0x51 - 0x45 ... 0x5a - 0x45] = "II:i",
	[0x5b - 0x45 ... 0x60 - 0x45] = "ff:i",
	[0x61 - 0x45 ... 0x66 - 0x45] = "FF:i",
	[0x67 - 0x45 ... 0x69 - 0x45] = "i:i",
	[0x6a - 0x45 ... 0x78 - 0x45] = "ii:i",
	[0x79 - 0x45 ... 0x7b - 0x45] = "I:I",
	[0x7c - 0x45 ... 0x8a - 0x45] = "II:I",
	[0x8b - 0x45 ... 0x91 - 0x45] = "f:f",
	[0x92 - 0x45 ... 0x98 - 0x45] = "ff:f",
	[0x99 - 0x45 ... 0x9f - 0x45] = "F:F",
	[0xa0 - 0x45 ... 0xa6 - 0x45] = "FF:F",
	"I:i", "f:i", "f:i", "F:i", "F:i", "i:I", "i:I", "f:I", "f:I", "F:I",
	"F:I", "i:f", "i:f", "I:f", "I:f", "F:f", "i:F", "i:F", "I:F", "I:F",
	"f:F", "f:i", "F:I", "i:f", "I:F", "i:i", "i:i", "I:I", "I:I", "I:I"};

static const char *numeric_sig(unsigned op)
{
	return numeric_sigs[op - 0x45];
}

static uint8_t letter_type(char c)
{
	switch (c) {
	case 'i':
		return WASM_I32;
	case 'I':
		return WASM_I64;
	case 'f':
		return WASM_F32;
	default:
		return WASM_F64;
	}
}

/* sig is "a:r" or "ab:r": one or two operands, one result. */
static void check_sig(struct vstate *v, const char *sig)
{
	if (sig[1] == ':') {
		pop(v, letter_type(sig[0]));
		push(v, letter_type(sig[2]));
		return;
	}
	pop(v, letter_type(sig[1]));
	pop(v, letter_type(sig[0]));
	push(v, letter_type(sig[3]));
}

/* Loads and stores: natural alignment (log2) and value type. */
static void memop_info(unsigned op, unsigned *align, uint8_t *t)
{
	static const uint8_t al[] = {2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1,
				     2, 2, 2, 3, 2, 3, 0, 1, 0, 1, 2};
	static const char ty[] = "iIfFiiiiIIIIIIiIfFiiIII";
	*align = al[op - 0x28];
	*t = letter_type(ty[op - 0x28]);
}

static int need_mem(struct vstate *v)
{
	if (v->m->nmems == 0)
		return verr(v, "unknown memory");
	return 0;
}

static void memop(struct vstate *v, unsigned op)
{
	unsigned natural;
	uint8_t t;
	uint32_t align = rd_u32(&v->r);
	uint32_t offset = rd_u32(&v->r);
	if (v->r.failed || need_mem(v))
		return;
	memop_info(op, &natural, &t);
	if (align > natural) {
		verr(v, "alignment must not be larger than natural");
		return;
	}
	if (op <= 0x35) {
		pop(v, WASM_I32);
		push(v, t);
	} else {
		pop(v, t);
		pop(v, WASM_I32);
	}
	if (live(v)) {
		wasm_cg_op(&v->cg, op, v->op_off);
		wasm_cg_imm(&v->cg, offset);
	}
}

static void emit0(struct vstate *v, unsigned op)
{
	if (live(v))
		wasm_cg_op(&v->cg, op, v->op_off);
}

static void emit1(struct vstate *v, unsigned op, uint64_t imm)
{
	if (live(v)) {
		wasm_cg_op(&v->cg, op, v->op_off);
		wasm_cg_imm(&v->cg, imm);
	}
}

static void emit2(struct vstate *v, unsigned op, uint64_t a, uint64_t b)
{
	if (live(v)) {
		wasm_cg_op(&v->cg, op, v->op_off);
		wasm_cg_imm(&v->cg, a);
		wasm_cg_imm(&v->cg, b);
	}
}

static uint8_t table_type(struct vstate *v, uint32_t idx)
{
	if (idx >= v->m->ntables) {
		verr(v, "unknown table");
		return T_ANY;
	}
	return v->m->tables[idx].elem;
}

static void op_call(struct vstate *v, uint32_t fidx)
{
	const struct wasm_functype *t;
	if (fidx >= v->m->nfuncs) {
		verr(v, "unknown function");
		return;
	}
	t = &v->m->types[v->m->func_types[fidx]];
	pop_n(v, t->types, t->nparams);
	if (live(v)) {
		if (fidx < v->m->nfunc_imports) {
			emit1(v, WOP_CALL_IMPORT, fidx);
		} else {
			wasm_cg_op(&v->cg, 0x10, v->op_off);
			wasm_cg_ptr(&v->cg,
				    &v->m->codes[fidx - v->m->nfunc_imports]);
		}
	}
	push_n(v, t->types + t->nparams, t->nresults);
}

static void op_call_indirect(struct vstate *v)
{
	uint32_t tidx = rd_u32(&v->r), table = rd_u32(&v->r);
	const struct wasm_functype *t;
	if (v->r.failed)
		return;
	if (table_type(v, table) != WASM_FUNCREF) {
		verr(v, "type mismatch (call_indirect table not funcref)");
		return;
	}
	if (tidx >= v->m->ntypes) {
		verr(v, "unknown type");
		return;
	}
	t = &v->m->types[tidx];
	pop(v, WASM_I32);
	pop_n(v, t->types, t->nparams);
	if (live(v)) {
		wasm_cg_op(&v->cg, 0x11, v->op_off);
		wasm_cg_imm(&v->cg, table);
		wasm_cg_ptr(&v->cg, t);
	}
	push_n(v, t->types + t->nparams, t->nresults);
}

static void op_br(struct vstate *v, unsigned kind)
{
	uint32_t depth = rd_u32(&v->r);
	struct wasm_ctl *to;
	const uint8_t *ts;
	uint32_t n;
	if (v->r.failed)
		return;
	to = label(v, depth);
	if (!to)
		return;
	label_types(to, &ts, &n);
	if (kind == WOP_BR_IF)
		pop(v, WASM_I32);
	pop_n(v, ts, n);
	if (live(v))
		wasm_cg_branch(&v->cg, kind, to, height(v) + n, v->op_off);
	if (kind == WOP_BR)
		mark_unreachable(v);
	else
		push_n(v, ts, n);
}

static void op_br_table(struct vstate *v)
{
	struct wasm_reader *r = &v->r;
	uint32_t n = rd_u32(r), arity;
	const uint8_t *at = r->p;
	struct wasm_ctl *dflt;
	const uint8_t *ts;
	bool emit;
	if (r->failed)
		return;
	if (n > WASM_MAX_BR_TABLE || n > rd_left(r)) {
		verr(v, "br_table too large");
		return;
	}
	/* the default label comes last in the encoding */
	for (uint32_t i = 0; i < n; i++)
		rd_u32(r);
	dflt = label(v, rd_u32(r));
	if (r->failed || !dflt)
		return;
	pop(v, WASM_I32);
	label_types(dflt, &ts, &arity);
	emit = live(v);
	if (emit) {
		wasm_cg_op(&v->cg, WOP_BR_TABLE, v->op_off);
		wasm_cg_imm(&v->cg, n);
		wasm_cg_imm(&v->cg, arity);
	}
	r->p = at;
	for (uint32_t i = 0; i <= n && !r->failed; i++) {
		struct wasm_ctl *to = label(v, rd_u32(r));
		const uint8_t *lt;
		uint32_t ln;
		uint8_t tmp[64];
		if (!to)
			return;
		label_types(to, &lt, &ln);
		if (ln != arity) {
			verr(v, "type mismatch (br_table arity)");
			return;
		}
		/* check the label against the stack, then restore it */
		if (ln > sizeof(tmp)) {
			pop_n(v, lt, ln);
			push_n(v, lt, ln);
		} else {
			for (uint32_t k = ln; k-- > 0;)
				tmp[k] = pop(v, lt[k]);
			push_n(v, tmp, ln);
		}
		if (emit)
			wasm_cg_table_entry(&v->cg, to, height(v), arity);
	}
	mark_unreachable(v);
}

static void op_block(struct vstate *v, uint8_t op)
{
	const uint8_t *params, *results;
	uint32_t np, nr;
	struct wasm_ctl *c;
	if (blocktype(v, &params, &np, &results, &nr))
		return;
	if (op == 0x04)
		pop(v, WASM_I32);
	pop_n(v, params, np);
	if (op == 0x04 && live(v))
		wasm_cg_op(&v->cg, WOP_BR_UNLESS, v->op_off);
	c = push_ctl(v, op, params, np, results, nr);
	if (!c)
		return;
	if (op == 0x04 && !c->dead)
		c->else_fix = wasm_cg_hole(&v->cg);
	if (op == 0x03) {
		c->loop_start = v->cg.ncells;
		wasm_cg_barrier(&v->cg);
		if (!c->dead)
			wasm_cg_op(&v->cg, WOP_LOOP_FUEL, v->op_off);
	}
}

static void op_else(struct vstate *v)
{
	struct wasm_ctl c, *n;
	if (top(v)->op != 0x04) {
		verr(v, "else without if");
		return;
	}
	/* the true branch jumps over the false one */
	if (live(v))
		wasm_cg_branch(&v->cg, WOP_BR, top(v), height(v), v->op_off);
	c = pop_ctl(v);
	if (v->r.failed)
		return;
	n = push_ctl(v, 0x05, c.params, c.np, c.results, c.nr);
	if (!n)
		return;
	n->dead = c.dead;
	n->chain = c.chain;
	if (!c.dead)
		wasm_cg_fix(&v->cg, c.else_fix, v->cg.ncells);
}

static void op_end(struct vstate *v)
{
	struct wasm_ctl c = pop_ctl(v);
	if (v->r.failed)
		return;
	if (c.op == 0x04 && c.np != c.nr) {
		verr(v, "type mismatch (if without else)");
		return;
	}
	if (c.op == 0x04 && c.np) {
		for (uint32_t i = 0; i < c.np; i++)
			if (c.params[i] != c.results[i]) {
				verr(v, "type mismatch (if without else)");
				return;
			}
	}
	if (!c.dead) {
		if (c.op == 0x04)
			wasm_cg_fix(&v->cg, c.else_fix, v->cg.ncells);
		wasm_cg_land(&v->cg, &c);
	}
	if (c.op == 0) {
		if (!c.dead)
			wasm_cg_op(&v->cg, WOP_RETURN, v->op_off);
		return;
	}
	push_n(v, c.results, c.nr);
}

static void op_select(struct vstate *v, bool typed)
{
	uint8_t t1, t2;
	pop(v, WASM_I32);
	if (typed) {
		uint32_t n = rd_u32(&v->r);
		uint8_t t;
		if (v->r.failed)
			return;
		if (n != 1) {
			verr(v, "invalid result arity (select)");
			return;
		}
		t = rd_u8(&v->r);
		if (!is_num(t) && !is_ref(t)) {
			rd_fail(&v->r, GRAFT_EFORMAT, "malformed value type");
			return;
		}
		pop(v, t);
		pop(v, t);
		push(v, t);
		emit0(v, WOP_SELECT);
		return;
	}
	t1 = pop_any(v);
	t2 = pop_any(v);
	if ((t1 != T_ANY && !is_num(t1)) || (t2 != T_ANY && !is_num(t2))) {
		verr(v, "type mismatch (select needs numeric operands)");
		return;
	}
	if (t1 != t2 && t1 != T_ANY && t2 != T_ANY) {
		verr(v, "type mismatch (select)");
		return;
	}
	push(v, t1 == T_ANY ? t2 : t1);
	emit0(v, WOP_SELECT);
}

static void op_local(struct vstate *v, uint8_t op)
{
	uint32_t idx = rd_u32(&v->r);
	uint8_t t;
	if (v->r.failed)
		return;
	t = local_type(v, idx);
	if (v->r.failed)
		return;
	if (op == 0x20) {
		push(v, t);
		emit1(v, WOP_LOCAL_GET, idx);
	} else if (op == 0x21) {
		pop(v, t);
		emit1(v, WOP_LOCAL_SET, idx);
	} else {
		pop(v, t);
		push(v, t);
		emit1(v, WOP_LOCAL_TEE, idx);
	}
}

static void op_global(struct vstate *v, uint8_t op)
{
	uint32_t idx = rd_u32(&v->r);
	const struct wasm_globaltype *g;
	if (v->r.failed)
		return;
	if (idx >= v->m->nglobals) {
		verr(v, "unknown global");
		return;
	}
	g = &v->m->globals[idx].type;
	if (op == 0x23) {
		push(v, g->type);
	} else {
		if (!g->mut) {
			verr(v, "global is immutable");
			return;
		}
		pop(v, g->type);
	}
	emit1(v, op, idx);
}

static void op_const(struct vstate *v, uint8_t op)
{
	uint64_t val;
	uint8_t t;
	switch (op) {
	case 0x41:
		val = (uint32_t)rd_s32(&v->r);
		t = WASM_I32;
		break;
	case 0x42:
		val = (uint64_t)rd_s64(&v->r);
		t = WASM_I64;
		break;
	case 0x43:
		val = rd_fixed32(&v->r);
		t = WASM_F32;
		break;
	default:
		val = rd_fixed64(&v->r);
		t = WASM_F64;
		break;
	}
	push(v, t);
	emit1(v, WOP_CONST, val);
}

static int need_data(struct vstate *v, uint32_t idx)
{
	if (!v->m->has_datacount) {
		rd_fail(&v->r, GRAFT_EFORMAT, "data count section required");
		return -1;
	}
	if (idx >= v->m->datacount)
		return verr(v, "unknown data segment");
	return 0;
}

static int need_elem(struct vstate *v, uint32_t idx)
{
	if (idx >= v->m->nelems)
		return verr(v, "unknown elem segment");
	return 0;
}

static void op_zero_byte(struct vstate *v)
{
	if (rd_u8(&v->r) != 0 && !v->r.failed)
		rd_fail(&v->r, GRAFT_EFORMAT, "zero byte expected");
}

static void op_fc(struct vstate *v)
{
	uint32_t sub = rd_u32(&v->r), a, b;
	if (v->r.failed)
		return;
	if (sub <= 7) {
		static const char *sigs[] = {"f:i", "f:i", "F:i", "F:i",
					     "f:I", "f:I", "F:I", "F:I"};
		check_sig(v, sigs[sub]);
		emit0(v, WOP_FC + sub);
		return;
	}
	switch (sub) {
	case 8: /* memory.init */
		a = rd_u32(&v->r);
		op_zero_byte(v);
		if (v->r.failed || need_data(v, a) || need_mem(v))
			return;
		pop(v, WASM_I32);
		pop(v, WASM_I32);
		pop(v, WASM_I32);
		emit1(v, WOP_FC + sub, a);
		return;
	case 9: /* data.drop */
		a = rd_u32(&v->r);
		if (v->r.failed || need_data(v, a))
			return;
		emit1(v, WOP_FC + sub, a);
		return;
	case 10: /* memory.copy */
		op_zero_byte(v);
		op_zero_byte(v);
		/* fall through */
	case 11: /* memory.fill */
		if (sub == 11)
			op_zero_byte(v);
		if (v->r.failed || need_mem(v))
			return;
		pop(v, WASM_I32);
		pop(v, sub == 11 ? WASM_I32 : WASM_I32);
		pop(v, WASM_I32);
		emit0(v, WOP_FC + sub);
		return;
	case 12: /* table.init elem table */
		a = rd_u32(&v->r);
		b = rd_u32(&v->r);
		if (v->r.failed || need_elem(v, a))
			return;
		if (table_type(v, b) != v->m->elems[a].type) {
			verr(v, "type mismatch (table.init)");
			return;
		}
		pop(v, WASM_I32);
		pop(v, WASM_I32);
		pop(v, WASM_I32);
		emit2(v, WOP_FC + sub, a, b);
		return;
	case 13: /* elem.drop */
		a = rd_u32(&v->r);
		if (v->r.failed || need_elem(v, a))
			return;
		emit1(v, WOP_FC + sub, a);
		return;
	case 14: /* table.copy dst src */
		a = rd_u32(&v->r);
		b = rd_u32(&v->r);
		if (v->r.failed)
			return;
		if (table_type(v, a) != table_type(v, b)) {
			verr(v, "type mismatch (table.copy)");
			return;
		}
		pop(v, WASM_I32);
		pop(v, WASM_I32);
		pop(v, WASM_I32);
		emit2(v, WOP_FC + sub, a, b);
		return;
	case 15: /* table.grow */
	case 17: /* table.fill */
		a = rd_u32(&v->r);
		if (v->r.failed)
			return;
		{
			uint8_t t = table_type(v, a);
			if (sub == 17)
				pop(v, WASM_I32);
			else
				pop(v, WASM_I32);
			pop(v, t);
			if (sub == 17)
				pop(v, WASM_I32);
			else
				push(v, WASM_I32);
		}
		emit1(v, WOP_FC + sub, a);
		return;
	case 16: /* table.size */
		a = rd_u32(&v->r);
		if (v->r.failed)
			return;
		table_type(v, a);
		push(v, WASM_I32);
		emit1(v, WOP_FC + sub, a);
		return;
	}
	rd_fail(&v->r, GRAFT_EFORMAT, "illegal opcode (0xfc prefix)");
}

static void op_ref(struct vstate *v, uint8_t op)
{
	uint32_t idx;
	uint8_t t;
	switch (op) {
	case 0xd0:
		t = rd_u8(&v->r);
		if (!v->r.failed && !is_ref(t)) {
			rd_fail(&v->r, GRAFT_EFORMAT, "malformed reference type");
			return;
		}
		push(v, t);
		emit1(v, WOP_CONST, 0);
		return;
	case 0xd1:
		t = pop_any(v);
		if (t != T_ANY && !is_ref(t)) {
			verr(v, "type mismatch (ref.is_null)");
			return;
		}
		push(v, WASM_I32);
		emit0(v, op);
		return;
	default:
		idx = rd_u32(&v->r);
		if (v->r.failed)
			return;
		if (idx >= v->m->nfuncs) {
			verr(v, "unknown function");
			return;
		}
		if (!v->m->func_declared[idx]) {
			verr(v, "undeclared function reference");
			return;
		}
		push(v, WASM_FUNCREF);
		emit1(v, op, idx);
	}
}

static void op_table(struct vstate *v, uint8_t op)
{
	uint32_t idx = rd_u32(&v->r);
	uint8_t t;
	if (v->r.failed)
		return;
	t = table_type(v, idx);
	if (op == 0x25) {
		pop(v, WASM_I32);
		push(v, t);
	} else {
		pop(v, t);
		pop(v, WASM_I32);
	}
	emit1(v, op, idx);
}

static void instr(struct vstate *v, uint8_t op)
{
	switch (op) {
	case 0x00:
		emit0(v, op);
		mark_unreachable(v);
		return;
	case 0x01:
		return;
	case 0x02:
	case 0x03:
	case 0x04:
		op_block(v, op);
		return;
	case 0x05:
		op_else(v);
		return;
	case 0x0b:
		op_end(v);
		return;
	case 0x0c:
		op_br(v, WOP_BR);
		return;
	case 0x0d:
		op_br(v, WOP_BR_IF);
		return;
	case 0x0e:
		op_br_table(v);
		return;
	case 0x0f: {
		struct wasm_ctl *fn = &v->ctls[0];
		pop_n(v, fn->results, fn->nr);
		emit0(v, WOP_RETURN);
		mark_unreachable(v);
		return;
	}
	case 0x10: {
		uint32_t idx = rd_u32(&v->r);
		if (!v->r.failed)
			op_call(v, idx);
		return;
	}
	case 0x11:
		op_call_indirect(v);
		return;
	case 0x1a:
		pop_any(v);
		emit0(v, WOP_DROP);
		return;
	case 0x1b:
		op_select(v, false);
		return;
	case 0x1c:
		op_select(v, true);
		return;
	case 0x20:
	case 0x21:
	case 0x22:
		op_local(v, op);
		return;
	case 0x23:
	case 0x24:
		op_global(v, op);
		return;
	case 0x25:
	case 0x26:
		op_table(v, op);
		return;
	case 0x3f:
	case 0x40:
		op_zero_byte(v);
		if (v->r.failed || need_mem(v))
			return;
		if (op == 0x40)
			pop(v, WASM_I32);
		push(v, WASM_I32);
		emit0(v, op);
		return;
	case 0x41:
	case 0x42:
	case 0x43:
	case 0x44:
		op_const(v, op);
		return;
	case 0xd0:
	case 0xd1:
	case 0xd2:
		op_ref(v, op);
		return;
	case 0xfc:
		op_fc(v);
		return;
	}
	if (op >= 0x28 && op <= 0x3e) {
		memop(v, op);
		return;
	}
	if (op >= 0x45 && op <= 0xc4) {
		check_sig(v, numeric_sig(op));
		emit0(v, op);
		return;
	}
	rd_fail(&v->r, GRAFT_EFORMAT, "illegal opcode");
}

static int validate_body(struct vstate *v)
{
	const struct wasm_functype *t = &v->m->types[v->code->type];
	struct wasm_reader *r = &v->r;

	v->code->nparams = t->nparams;
	v->code->nresults = t->nresults;
	wasm_cg_init(&v->cg, t->nparams + v->code->nlocals,
		     v->code->body_end - v->code->body_start);
	v->nvals = v->nctls = v->max_vals = 0;
	push_ctl(v, 0, NULL, 0, t->types + t->nparams, t->nresults);
	r->p = r->base + v->code->body_start;
	r->end = r->base + v->code->body_end;
	while (!r->failed && v->nctls) {
		v->op_off = rd_off(r);
		instr(v, rd_u8(r));
	}
	if (!r->failed && r->p != r->end)
		rd_fail(r, GRAFT_EFORMAT, "section size mismatch (code after "
					  "the function's end)");
	if (!r->failed && v->nctls)
		rd_fail(r, GRAFT_EFORMAT, "unexpected end of function");
	if (r->failed) {
		wasm_cg_free(&v->cg);
		return -1;
	}
	v->code->max_height = t->nparams + v->code->nlocals + v->max_vals + 1;
	if (wasm_cg_finish(&v->cg, v->code)) {
		wasm_cg_free(&v->cg);
		return wasm_errf(v->e, GRAFT_ENOMEM, "out of memory");
	}
	return 0;
}

/* Module-level rules: indices, limits, constant expressions. */

static int check_limits(struct wasm_err *e, const struct wasm_limits *l,
			uint64_t bound, const char *what)
{
	if (l->min > bound)
		return wasm_errf(e, GRAFT_EINVAL, "%s size must be at most %llu",
				 what, (unsigned long long)bound);
	if (l->has_max && l->max > bound)
		return wasm_errf(e, GRAFT_EINVAL, "%s size must be at most %llu",
				 what, (unsigned long long)bound);
	if (l->has_max && l->max < l->min)
		return wasm_errf(e, GRAFT_EINVAL,
				 "size minimum must not be greater than "
				 "maximum (%s)",
				 what);
	return 0;
}

static int check_const(const struct wasm_module *m,
		       const struct wasm_constexpr *c, uint8_t want,
		       uint32_t nglobals_visible, struct wasm_err *e)
{
	uint8_t t;
	switch (c->op) {
	case 0x41:
		t = WASM_I32;
		break;
	case 0x42:
		t = WASM_I64;
		break;
	case 0x43:
		t = WASM_F32;
		break;
	case 0x44:
		t = WASM_F64;
		break;
	case 0xd0:
		t = (uint8_t)c->val;
		break;
	case 0xd2:
		if (c->val >= m->nfuncs)
			return wasm_errf(e, GRAFT_EINVAL, "unknown function %llu",
					 (unsigned long long)c->val);
		t = WASM_FUNCREF;
		break;
	default: /* global.get */
		if (c->val >= nglobals_visible)
			return wasm_errf(e, GRAFT_EINVAL, "unknown global %llu",
					 (unsigned long long)c->val);
		if (m->globals[c->val].type.mut)
			return wasm_errf(e, GRAFT_EINVAL,
					 "constant expression required "
					 "(mutable global)");
		t = m->globals[c->val].type.type;
	}
	if (t != want)
		return wasm_errf(e, GRAFT_EINVAL,
				 "type mismatch (constant expression)");
	return 0;
}

static int check_imports(const struct wasm_module *m, struct wasm_err *e)
{
	for (uint32_t i = 0; i < m->nimports; i++) {
		const struct wasm_import *im = &m->imports[i];
		int err = 0;
		if (im->kind == WASM_EXTERN_FUNC && im->u.type >= m->ntypes)
			err = wasm_errf(e, GRAFT_EINVAL, "unknown type %u",
					im->u.type);
		else if (im->kind == WASM_EXTERN_TABLE)
			err = check_limits(e, &im->u.table.lim, UINT32_MAX,
					   "table");
		else if (im->kind == WASM_EXTERN_MEMORY)
			err = check_limits(e, &im->u.mem, WASM_MAX_PAGES,
					   "memory");
		if (err)
			return err;
	}
	return 0;
}

static int check_defs(const struct wasm_module *m, struct wasm_err *e)
{
	int err;
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
		if (m->func_types[i] >= m->ntypes)
			return wasm_errf(e, GRAFT_EINVAL, "unknown type %u",
					 m->func_types[i]);
	for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
		if ((err = check_limits(e, &m->tables[i].lim, UINT32_MAX,
					"table")))
			return err;
	if (m->nmems > 1)
		return wasm_errf(e, GRAFT_EINVAL, "multiple memories");
	for (uint32_t i = m->nmem_imports; i < m->nmems; i++)
		if ((err = check_limits(e, &m->mems[i], WASM_MAX_PAGES,
					"memory")))
			return err;
	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
		if ((err = check_const(m, &m->globals[i].init,
				       m->globals[i].type.type,
				       m->nglobal_imports, e)))
			return err;
	return 0;
}

static uint32_t name_hash(const char *name, uint32_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

/* Export names must be distinct: one pass over an open-addressed table. */
static int check_export_names(const struct wasm_module *m, struct wasm_err *e)
{
	uint32_t size = 16, *slot;
	int err = 0;
	while (size < 2 * m->nexports)
		size *= 2;
	slot = calloc(size, sizeof(*slot)); /* export index + 1; 0: free */
	if (!slot)
		return wasm_errf(e, GRAFT_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < m->nexports && !err; i++) {
		const struct wasm_export *ex = &m->exports[i];
		uint32_t h = name_hash(ex->name, ex->name_len) & (size - 1);
		for (; slot[h]; h = (h + 1) & (size - 1)) {
			const struct wasm_export *o = &m->exports[slot[h] - 1];
			if (o->name_len == ex->name_len &&
			    memcmp(o->name, ex->name, ex->name_len) == 0) {
				err = wasm_errf(e, GRAFT_EINVAL,
						"duplicate export name '%s'",
						ex->name);
				break;
			}
		}
		slot[h] = i + 1;
	}
	free(slot);
	return err;
}

static int check_exports(const struct wasm_module *m, struct wasm_err *e)
{
	static const char *kinds[] = {"function", "table", "memory",
				      "global"};
	int err;
	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct wasm_export *ex = &m->exports[i];
		uint32_t bound[] = {m->nfuncs, m->ntables, m->nmems,
				    m->nglobals};
		if (ex->idx >= bound[ex->kind])
			return wasm_errf(e, GRAFT_EINVAL, "unknown %s %u",
					 kinds[ex->kind], ex->idx);
	}
	if (m->nexports > 1 && (err = check_export_names(m, e)))
		return err;
	if (m->has_start) {
		const struct wasm_functype *t;
		if (m->start >= m->nfuncs)
			return wasm_errf(e, GRAFT_EINVAL, "unknown function %u",
					 m->start);
		t = &m->types[m->func_types[m->start]];
		if (t->nparams || t->nresults)
			return wasm_errf(e, GRAFT_EINVAL,
					 "start function must be [] -> []");
	}
	return 0;
}

static int check_segments(const struct wasm_module *m, struct wasm_err *e)
{
	int err;
	for (uint32_t i = 0; i < m->nelems; i++) {
		const struct wasm_elem *el = &m->elems[i];
		if (el->mode == WASM_SEG_ACTIVE) {
			if (el->table >= m->ntables)
				return wasm_errf(e, GRAFT_EINVAL,
						 "unknown table %u", el->table);
			if (m->tables[el->table].elem != el->type)
				return wasm_errf(e, GRAFT_EINVAL,
						 "type mismatch (element "
						 "segment %u)",
						 i);
			if ((err = check_const(m, &el->offset, WASM_I32,
					       m->nglobal_imports, e)))
				return err;
		}
		for (uint32_t k = 0; k < el->count; k++)
			if ((err = check_const(m, &el->items[k], el->type,
					       m->nglobal_imports, e)))
				return err;
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		if (m->datas[i].mode != WASM_SEG_ACTIVE)
			continue;
		if (m->nmems == 0)
			return wasm_errf(e, GRAFT_EINVAL, "unknown memory 0");
		if ((err = check_const(m, &m->datas[i].offset, WASM_I32,
				       m->nglobal_imports, e)))
			return err;
	}
	return 0;
}

/* The functions that ref.func may name: the spec's C.refs. */
static int collect_refs(struct wasm_module *m, struct wasm_err *e)
{
	m->func_declared = calloc(m->nfuncs ? m->nfuncs : 1, 1);
	if (!m->func_declared)
		return wasm_errf(e, GRAFT_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < m->nexports; i++)
		if (m->exports[i].kind == WASM_EXTERN_FUNC)
			m->func_declared[m->exports[i].idx] = true;
	for (uint32_t i = 0; i < m->nelems; i++)
		for (uint32_t k = 0; k < m->elems[i].count; k++)
			if (m->elems[i].items[k].op == 0xd2)
				m->func_declared[m->elems[i].items[k].val] =
					true;
	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
		if (m->globals[i].init.op == 0xd2)
			m->func_declared[m->globals[i].init.val] = true;
	return 0;
}

int wasm_validate(struct wasm_module *m, struct wasm_err *e)
{
	struct vstate v;
	int err;

	if ((err = check_imports(m, e)) || (err = check_defs(m, e)) ||
	    (err = check_exports(m, e)) || (err = check_segments(m, e)) ||
	    (err = collect_refs(m, e)))
		return err;
	memset(&v, 0, sizeof(v));
	v.m = m;
	v.e = e;
	v.r.base = m->bytes;
	v.r.e = e;
	for (uint32_t i = 0; i < m->ncodes; i++) {
		v.code = &m->codes[i];
		v.code->type = m->func_types[m->nfunc_imports + i];
		if (validate_body(&v))
			break;
	}
	free(v.vals);
	free(v.ctls);
	return v.r.failed ? (e->code ? e->code : GRAFT_EINVAL) : 0;
}
