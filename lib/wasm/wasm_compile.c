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

void wasm_cg_init(struct wasm_cg *cg, uint32_t nslots)
{
	memset(cg, 0, sizeof(*cg));
	cg->handlers = wasm_exec_handlers();
	cg->nslots = nslots;
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

static void emit(struct wasm_cg *cg, wasm_cell c)
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

void wasm_cg_op(struct wasm_cg *cg, unsigned op, uint32_t offset)
{
	wasm_cell c;
	if (!cg->nomem && grow((void **)&cg->pcmap, &cg->pcap,
			       cg->npcmap + 1, sizeof(*cg->pcmap))) {
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
		t->p = &cg->cells[t->u];
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
