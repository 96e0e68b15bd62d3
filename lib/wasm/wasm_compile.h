/*
 * The compiler's interface to the validator.  Validation and compilation
 * share one walk over each function body: wasm_validate.c owns the type
 * rules and the control stack, and at every reachable instruction calls
 * these helpers to emit threaded code.  Code after an unconditional branch
 * (unreachable in the spec's sense) is validated but never emitted.
 */
#ifndef GRAFT_WASM_COMPILE_H
#define GRAFT_WASM_COMPILE_H

#include "wasm_internal.h"

/* One entry of the validator's control stack, with the code it needs. */
struct wasm_ctl {
	uint8_t op; /* 0x02 block, 0x03 loop, 0x04 if, 0x05 else, 0 func */
	bool unreachable; /* the spec's flag: stack is polymorphic */
	bool dead; /* the whole frame is in unreachable code */
	uint32_t np, nr;
	const uint8_t *params, *results;
	uint32_t height; /* operand height at entry, params excluded */
	uint32_t loop_start; /* loop: cell index of its first instruction */
	uint32_t chain; /* forward branches to patch at end, +1; 0: none */
	uint32_t else_fix; /* if: cell index of the false branch target */
};

struct wasm_cg {
	const void *const *handlers;
	wasm_cell *cells;
	uint32_t ncells, cap;
	uint32_t *targets; /* cells holding a cell index to relocate */
	uint32_t ntargets, tcap;
	struct wasm_pcmap *pcmap;
	uint32_t npcmap, pcap;
	uint32_t nslots; /* params + locals: operand height 0 is this slot */
	bool nomem;
	/* the last two instructions, for fusing; none before barrier */
	uint32_t prev_cell[2];
	unsigned prev_op[2];
	uint32_t barrier;
};

/* nslots: params + locals; body_len: bytecode bytes, to size buffers. */
void wasm_cg_init(struct wasm_cg *cg, uint32_t nslots, uint32_t body_len);
void wasm_cg_free(struct wasm_cg *cg);
/* Emit an instruction's handler (op < WOP_COUNT); offset is its place in
 * the bytecode. */
void wasm_cg_op(struct wasm_cg *cg, unsigned op, uint32_t offset);
void wasm_cg_imm(struct wasm_cg *cg, uint64_t v);
void wasm_cg_ptr(struct wasm_cg *cg, const void *p);
/* Emit a branch from operand height `height` to the label of `to`. */
void wasm_cg_branch(struct wasm_cg *cg, unsigned kind, struct wasm_ctl *to,
		    uint32_t height, uint32_t offset);
/* The (target, drop) pair of one br_table entry; arity is emitted once. */
void wasm_cg_table_entry(struct wasm_cg *cg, struct wasm_ctl *to,
			 uint32_t height, uint32_t arity);
/* A forward target cell to fix later with wasm_cg_fix. */
uint32_t wasm_cg_hole(struct wasm_cg *cg);
void wasm_cg_fix(struct wasm_cg *cg, uint32_t hole, uint32_t dest);
/* A branch may land here: never fuse across this point. */
void wasm_cg_barrier(struct wasm_cg *cg);
/* Patch every forward branch to ctl to land at the current end. */
void wasm_cg_land(struct wasm_cg *cg, struct wasm_ctl *ctl);
/* Move the finished code into c; returns 0 or GRAFT_ENOMEM. */
int wasm_cg_finish(struct wasm_cg *cg, struct wasm_fcode *c);

#endif
