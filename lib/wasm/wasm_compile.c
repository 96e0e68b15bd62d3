/*
 * The compiler: emits threaded code for one function while the validator
 * walks it.  Code is an array of cells; each instruction is a handler
 * address followed by its immediates, so the dispatch loop is one indirect
 * jump per instruction.  Branch targets are resolved here: a branch holds
 * the address of its target and, when the operand stack must shrink, the
 * number of slots to drop under the carried values, all computed from the
 * validator's static stack heights.  Targets are kept as cell indices while
 * the buffer grows and become addresses in wasm_cg_finish.
 */
#include <graft/error.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_compile.h"

/*
 * Code takes about 0.6 cells and 0.3 pcmap entries per bytecode byte
 * (measured on clang -O2 output): size the buffers from the body so they
 * rarely grow.  A failed allocation here is left to grow() to report.
 */
void wasm_cg_init(struct wasm_cg *cg, uint32_t nslots, uint32_t body_len)
{
	memset(cg, 0, sizeof(*cg));
	cg->handlers = wasm_exec_handlers();
	cg->nslots = nslots;
	cg->cap = body_len / 8 * 5 + 16;
	cg->cells = malloc((size_t)cg->cap * sizeof(*cg->cells));
	if (!cg->cells)
		cg->cap = 0;
	cg->pcap = body_len / 3 + 16;
	cg->pcmap = malloc((size_t)cg->pcap * sizeof(*cg->pcmap));
	if (!cg->pcmap)
		cg->pcap = 0;
}

void wasm_cg_free(struct wasm_cg *cg)
{
	free(cg->cells);
	free(cg->targets);
	free(cg->pcmap);
	cg->cells = NULL;
	cg->targets = NULL;
	cg->pcmap = NULL;
}

static bool grow(void **p, uint32_t *cap, uint32_t need, size_t size)
{
	uint32_t ncap;
	void *np;
	if (need <= *cap)
		return true;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, (size_t)ncap * size);
	if (!np)
		return false;
	*p = np;
	*cap = ncap;
	return true;
}

static void __attribute__((noinline)) emit_slow(struct wasm_cg *cg, wasm_cell c)
{
	if (cg->nomem)
		return;
	if (!grow((void **)&cg->cells, &cg->cap, cg->ncells + 1,
		  sizeof(wasm_cell))) {
		cg->nomem = true;
		return;
	}
	cg->cells[cg->ncells++] = c;
}

/* Called for every cell: the common case is one compare and a store. */
static inline void emit(struct wasm_cg *cg, wasm_cell c)
{
	if (__builtin_expect(cg->ncells < cg->cap && !cg->nomem, 1))
		cg->cells[cg->ncells++] = c;
	else
		emit_slow(cg, c);
}

void wasm_cg_barrier(struct wasm_cg *cg)
{
	cg->barrier = cg->ncells;
}

/* What fuse() may do with an operator, looked up once per instruction. */
enum { FK_NONE, FK_BINOP, FK_LOAD, FK_CONSUMER };

static const uint8_t fuse_kind[WOP_COUNT] = {
	/* binary operators that have fused forms (none of them can trap) */
	[0x46 ... 0x4f] = FK_BINOP,
	[0x51 ... 0x5a] = FK_BINOP,
	[0x6a ... 0x6c] = FK_BINOP,
	[0x71 ... 0x78] = FK_BINOP,
	[0x7c ... 0x7e] = FK_BINOP,
	[0x83 ... 0x8a] = FK_BINOP,
	[0x92 ... 0x95] = FK_BINOP,
	[0xa0 ... 0xa3] = FK_BINOP,
	[0x28 ... 0x35] = FK_LOAD,
	[WOP_LOCAL_SET] = FK_CONSUMER,
	[WOP_LOCAL_TEE] = FK_CONSUMER,
	[WOP_BR_IF] = FK_CONSUMER,
	[WOP_BR_UNLESS] = FK_CONSUMER,
};

static bool fusable_binop(unsigned op)
{
	return op < WOP_COUNT && fuse_kind[op] == FK_BINOP;
}

static bool is_operand(const struct wasm_cg *cg, int k)
{
	return (cg->prev_op[k] == WOP_LOCAL_GET ||
		cg->prev_op[k] == WOP_CONST) &&
	       cg->prev_cell[k] >= cg->barrier && cg->ncells;
}

/* Drop the code from cell `at` on, to re-emit it in a fused form. */
static void cut(struct wasm_cg *cg, uint32_t at)
{
	cg->ncells = at;
	cg->prev_op[0] = cg->prev_op[1] = WOP_NOP;
	while (cg->npcmap && cg->pcmap[cg->npcmap - 1].cell >= at)
		cg->npcmap--;
}

static inline void emit_op(struct wasm_cg *cg, unsigned op, uint32_t offset);

/* The fused variant and base operator of an emitted op, or false. */
static bool fused_parts(unsigned fop, unsigned *variant, unsigned *base)
{
	if (fop < WOP_COUNT) {
		if (!fusable_binop(fop))
			return false;
		*variant = WFUSE_COUNT; /* plain, operands on the stack */
		*base = fop;
		return true;
	}
	*variant = (fop - WOP_COUNT) / 256;
	*base = (fop - WOP_COUNT) % 256;
	return true;
}

/*
 * A binary operator (plain or with fused operands) followed by local.set,
 * br_if or the branch of an if: fold it into one instruction.  The caller
 * emits the last immediate (the local or the branch target) afterwards.
 */
static bool fuse_consumer(struct wasm_cg *cg, unsigned op, uint32_t offset)
{
	unsigned v, base, nv;
	uint32_t at = cg->prev_cell[0];
	wasm_cell imm[2];
	if (at < cg->barrier || !fused_parts(cg->prev_op[0], &v, &base))
		return false;
	if (op == WOP_LOCAL_SET || op == WOP_LOCAL_TEE) {
		static const unsigned set[] = {WFUSE_LSET, WFUSE_CSET,
					       WFUSE_LLSET, WFUSE_LCSET};
		static const unsigned tee[] = {WFUSE_LTEE, WFUSE_CTEE,
					       WFUSE_LLTEE, WFUSE_LCTEE};
		bool is_set = op == WOP_LOCAL_SET;
		if (v == WFUSE_COUNT)
			nv = is_set ? WFUSE_SET : WFUSE_TEE;
		else if (v <= WFUSE_LC)
			nv = is_set ? set[v] : tee[v];
		else
			return false;
	} else if (v <= WFUSE_LC) {
		static const unsigned br[] = {WFUSE_LBR, WFUSE_CBR, WFUSE_LLBR,
					      WFUSE_LCBR};
		static const unsigned bu[] = {WFUSE_LBU, WFUSE_CBU, WFUSE_LLBU,
					      WFUSE_LCBU};
		nv = op == WOP_BR_IF ? br[v] : bu[v];
	} else {
		return false;
	}
	/* the operator has 0, 1 or 2 immediates: read only those emitted */
	imm[0].u = at + 1 < cg->ncells ? cg->cells[at + 1].u : 0;
	imm[1].u = at + 2 < cg->ncells ? cg->cells[at + 2].u : 0;
	cut(cg, at);
	emit_op(cg, WOP_FUSED(nv, base), offset);
	if (v == WFUSE_L || v == WFUSE_C || v == WFUSE_LL || v == WFUSE_LC)
		wasm_cg_imm(cg, imm[0].u);
	if (v == WFUSE_LL || v == WFUSE_LC)
		wasm_cg_imm(cg, imm[1].u);
	return true;
}

/*
 * Try to fuse op with the operands just emitted; returns true if done.
 * prev 0 is the last instruction, prev 1 the one before.
 */
static bool fuse(struct wasm_cg *cg, unsigned op, unsigned kind,
		 uint32_t offset)
{
	bool is_load = kind == FK_LOAD;
	bool is_const;
	uint64_t x, y;
	if (cg->nomem)
		return false;
	if (kind == FK_CONSUMER)
		return fuse_consumer(cg, op, offset);
	if (is_load && cg->prev_cell[0] >= cg->barrier &&
	    cg->prev_op[0] == WOP_FUSED(WFUSE_LC, 0x6a)) {
		uint32_t at = cg->prev_cell[0];
		x = cg->cells[at + 1].u;
		y = cg->cells[at + 2].u;
		cut(cg, at);
		emit_op(cg, WOP_FUSED(WFUSE_LCLD, op), offset);
		wasm_cg_imm(cg, x);
		wasm_cg_imm(cg, y);
		return true;
	}
	if (!is_operand(cg, 0))
		return false;
	is_const = cg->prev_op[0] == WOP_CONST;
	y = cg->cells[cg->prev_cell[0] + 1].u;
	if (is_load) {
		if (is_const)
			return false;
		cut(cg, cg->prev_cell[0]);
		emit_op(cg, WOP_FUSED(WFUSE_LD, op), offset);
		wasm_cg_imm(cg, y);
		return true;
	}
	if (is_operand(cg, 1) && cg->prev_op[1] == WOP_LOCAL_GET &&
	    cg->prev_cell[1] + 2 == cg->prev_cell[0]) {
		x = cg->cells[cg->prev_cell[1] + 1].u;
		cut(cg, cg->prev_cell[1]);
		emit_op(cg, WOP_FUSED(is_const ? WFUSE_LC : WFUSE_LL, op),
			offset);
		wasm_cg_imm(cg, x);
		wasm_cg_imm(cg, y);
		return true;
	}
	cut(cg, cg->prev_cell[0]);
	emit_op(cg, WOP_FUSED(is_const ? WFUSE_C : WFUSE_L, op), offset);
	wasm_cg_imm(cg, y);
	return true;
}

static void __attribute__((noinline))
fuse_or_emit(struct wasm_cg *cg, unsigned op, unsigned kind, uint32_t offset)
{
	if (!fuse(cg, op, kind, offset))
		emit_op(cg, op, offset);
}

void wasm_cg_op(struct wasm_cg *cg, unsigned op, uint32_t offset)
{
	unsigned kind = fuse_kind[op];
	if (kind == FK_NONE)
		emit_op(cg, op, offset);
	else
		fuse_or_emit(cg, op, kind, offset);
}

static inline void emit_op(struct wasm_cg *cg, unsigned op, uint32_t offset)
{
	wasm_cell c;
	cg->prev_cell[1] = cg->prev_cell[0];
	cg->prev_op[1] = cg->prev_op[0];
	cg->prev_cell[0] = cg->ncells;
	cg->prev_op[0] = op;
	if (!cg->nomem && (cg->npcmap < cg->pcap ||
			   grow((void **)&cg->pcmap, &cg->pcap, cg->npcmap + 1,
				sizeof(*cg->pcmap)))) {
		cg->pcmap[cg->npcmap].cell = cg->ncells;
		cg->pcmap[cg->npcmap].offset = offset;
		cg->npcmap++;
	} else {
		cg->nomem = true;
	}
	c.h = cg->handlers[op];
	emit(cg, c);
}

void wasm_cg_imm(struct wasm_cg *cg, uint64_t v)
{
	wasm_cell c;
	c.u = v;
	emit(cg, c);
}

void wasm_cg_ptr(struct wasm_cg *cg, const void *p)
{
	wasm_cell c;
	c.p = p;
	emit(cg, c);
}

/* A cell that will hold the address of cell `dest` once code is final. */
static void emit_target(struct wasm_cg *cg, uint32_t dest)
{
	if (!cg->nomem && !grow((void **)&cg->targets, &cg->tcap,
				cg->ntargets + 1, sizeof(uint32_t)))
		cg->nomem = true;
	if (cg->nomem)
		return;
	cg->targets[cg->ntargets++] = cg->ncells;
	wasm_cg_imm(cg, dest);
}

uint32_t wasm_cg_hole(struct wasm_cg *cg)
{
	uint32_t at = cg->ncells;
	emit_target(cg, 0);
	return at;
}

void wasm_cg_fix(struct wasm_cg *cg, uint32_t hole, uint32_t dest)
{
	if (!cg->nomem)
		cg->cells[hole].u = dest;
	if (dest >= cg->barrier)
		cg->barrier = dest;
}

/* Forward branches chain through their own target cells until landed. */
static void emit_label_ref(struct wasm_cg *cg, struct wasm_ctl *to)
{
	if (to->op == 0x03) {
		emit_target(cg, to->loop_start);
		return;
	}
	uint32_t at = cg->ncells;
	emit_target(cg, to->chain);
	if (!cg->nomem)
		to->chain = at + 1;
}

void wasm_cg_land(struct wasm_cg *cg, struct wasm_ctl *ctl)
{
	uint32_t link = ctl->chain;
	while (link && !cg->nomem) {
		uint32_t at = link - 1;
		link = (uint32_t)cg->cells[at].u;
		cg->cells[at].u = cg->ncells;
	}
	ctl->chain = 0;
	cg->barrier = cg->ncells;
}

static uint32_t label_arity(const struct wasm_ctl *to)
{
	return to->op == 0x03 ? to->np : to->nr;
}

void wasm_cg_branch(struct wasm_cg *cg, unsigned kind, struct wasm_ctl *to,
		    uint32_t height, uint32_t offset)
{
	uint32_t n = label_arity(to);
	uint32_t drop = height - n - to->height;
	if (drop == 0) {
		wasm_cg_op(cg, kind, offset);
		emit_label_ref(cg, to);
		return;
	}
	wasm_cg_op(cg, kind == WOP_BR ? WOP_BR_DROP : WOP_BR_IF_DROP, offset);
	emit_label_ref(cg, to);
	wasm_cg_imm(cg, drop);
	wasm_cg_imm(cg, n);
}

void wasm_cg_table_entry(struct wasm_cg *cg, struct wasm_ctl *to,
			 uint32_t height, uint32_t arity)
{
	emit_label_ref(cg, to);
	wasm_cg_imm(cg, height - arity - to->height);
}

int wasm_cg_finish(struct wasm_cg *cg, struct wasm_fcode *c)
{
	if (cg->nomem)
		return GRAFT_ENOMEM;
	for (uint32_t i = 0; i < cg->ntargets; i++) {
		wasm_cell *t = &cg->cells[cg->targets[i]];
		uint64_t dest = t->u;
		t->p = &cg->cells[dest];
	}
	c->cells = cg->cells;
	c->ncells = cg->ncells;
	c->pcmap = cg->pcmap;
	c->npcmap = cg->npcmap;
	cg->cells = NULL;
	cg->pcmap = NULL;
	free(cg->targets);
	cg->targets = NULL;
	return 0;
}
