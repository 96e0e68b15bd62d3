/*
 * Internals shared by the stages of the WebAssembly pipeline:
 *
 *   wasm_decode.c    bytes -> struct wasm_module (structure only)
 *   wasm_validate.c  type rules of every function body; drives the compiler
 *   wasm_compile.c   emits the threaded code that wasm_exec.c runs
 *   wasm_exec.c      the dispatch loop
 *   wasm_instance.c  stores, instances, linking, the public API
 *
 * Invariants: a struct wasm_module that wasm_module_new returned is fully
 * validated, so the later stages never re-check indices or types; every
 * compiled function knows its maximum operand height, so the interpreter
 * checks stack room once per call, not per push.
 */
#ifndef GRAFT_WASM_INTERNAL_H
#define GRAFT_WASM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"
#include "wasm_config.h"

/* A function type: params then results in types[]. */
struct wasm_functype {
	uint32_t nparams, nresults;
	uint8_t *types;
	uint32_t hash;
};

struct wasm_limits {
	uint32_t min, max;
	bool has_max;
};

struct wasm_tabletype {
	uint8_t elem;
	struct wasm_limits lim;
};

struct wasm_globaltype {
	uint8_t type;
	bool mut;
};

/* A constant expression: one instruction (then end). */
struct wasm_constexpr {
	uint8_t op; /* 0x41 0x42 0x43 0x44 0xd0 0xd2 0x23 */
	uint64_t val; /* the constant, the ref.null type, or an index */
};

struct wasm_import {
	char *module, *name;
	uint8_t kind;
	union {
		uint32_t type; /* func: type index */
		struct wasm_tabletype table;
		struct wasm_limits mem;
		struct wasm_globaltype global;
	} u;
};

struct wasm_export {
	char *name; /* NUL-terminated, but may hold NULs: see name_len */
	uint32_t name_len;
	uint8_t kind;
	uint32_t idx;
};

struct wasm_global_def {
	struct wasm_globaltype type;
	struct wasm_constexpr init;
};

enum { WASM_SEG_ACTIVE, WASM_SEG_PASSIVE, WASM_SEG_DECLARATIVE };

struct wasm_elem {
	uint8_t mode;
	uint8_t type;
	uint32_t table;
	struct wasm_constexpr offset;
	uint32_t count;
	struct wasm_constexpr *items;
};

struct wasm_data {
	uint8_t mode;
	struct wasm_constexpr offset;
	uint32_t len;
	const uint8_t *bytes; /* into the module's copy of its binary */
};

/* One cell of threaded code: a handler address or an immediate. */
typedef union wasm_cell {
	const void *h;
	uint64_t u;
	int64_t i;
	const void *p;
	wasm_val v; /* a constant operand */
} wasm_cell;

/* Maps a compiled instruction back to its bytecode offset, for traps. */
struct wasm_pcmap {
	uint32_t cell;
	uint32_t offset;
};

/* A function body: where it is in the binary, then its compiled form. */
struct wasm_fcode {
	uint32_t func_index;
	uint32_t type;
	uint32_t body_start, body_end; /* expression bytes, after locals */
	uint32_t nlocals; /* beyond the params */
	uint8_t *local_types; /* params then locals */
	uint32_t nparams, nresults;
	uint32_t max_height; /* locals + operand slots */
	wasm_cell *cells;
	uint32_t ncells;
	struct wasm_pcmap *pcmap;
	uint32_t npcmap;
};

struct wasm_module {
	uint8_t *bytes;
	size_t len;

	struct wasm_functype *types;
	uint32_t ntypes;
	struct wasm_import *imports;
	uint32_t nimports;
	uint32_t nfunc_imports, ntable_imports, nmem_imports, nglobal_imports;

	uint32_t *func_types; /* type index of every function, imports first */
	uint32_t nfuncs;
	struct wasm_tabletype *tables; /* imports first */
	uint32_t ntables;
	struct wasm_limits *mems;
	uint32_t nmems;
	struct wasm_global_def *globals; /* imports first (init unused) */
	uint32_t nglobals;
	struct wasm_export *exports;
	uint32_t nexports;
	bool has_start;
	uint32_t start;
	struct wasm_elem *elems;
	uint32_t nelems;
	bool has_datacount;
	uint32_t datacount;
	struct wasm_data *datas;
	uint32_t ndatas;
	struct wasm_fcode *codes; /* defined functions only */
	uint32_t ncodes;
	bool *func_declared; /* may be named by ref.func */
};

/* Error reporting shared by the stages. */
struct wasm_err {
	char *buf;
	size_t len;
	int code; /* the first error's code; later ones are dropped */
};
int wasm_errf(struct wasm_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int wasm_decode(struct wasm_module *m, struct wasm_err *e);
int wasm_validate(struct wasm_module *m, struct wasm_err *e);
void wasm_module_release(struct wasm_module *m);
bool wasm_functype_eq(const struct wasm_functype *a,
		      const struct wasm_functype *b);
void wasm_functype_hash(struct wasm_functype *t);

/*
 * Runtime objects.  Everything is owned by the store and linked into its
 * list of allocations, freed together.
 */
struct wasm_memory {
	uint8_t *data;
	uint64_t size; /* bytes */
	uint32_t pages, max;
	bool has_max;
};

struct wasm_table {
	void **elems;
	uint32_t size, max;
	uint8_t type;
};

struct wasm_global {
	wasm_val val;
	uint8_t type;
	bool mut;
};

struct wasm_func {
	struct wasm_functype type;
	struct wasm_instance *inst; /* NULL for host functions */
	const struct wasm_fcode *code;
	wasm_host_fn host;
	void *host_ctx;
};

struct wasm_seg {
	uint32_t len;
	void *p; /* elem: void *refs[len]; data: bytes */
};

struct wasm_instance {
	wasm_store *store;
	const struct wasm_module *mod;
	struct wasm_func **funcs;
	struct wasm_table **tables;
	struct wasm_memory **mems;
	struct wasm_global **globals;
	struct wasm_seg *elems;
	struct wasm_seg *datas;
};

struct wasm_frame {
	const wasm_cell *pc;
	wasm_val *fp;
	const struct wasm_fcode *code;
};

struct wasm_alloc;

struct wasm_store {
	struct wasm_store_limits lim;
	struct wasm_alloc *allocs;
	wasm_val *stack, *stack_end, *sp;
	struct wasm_frame *frames;
	uint32_t depth; /* frames in use, across nested runs */
	uint32_t nested; /* dispatch loops running, one per C recursion */
	int64_t fuel;
	uint64_t fuel_per_call;
	struct wasm_trap trap;
};

/* Compiler hooks the validator calls; see wasm_compile.c. */
struct wasm_cg;
struct wasm_ctl;

/* Internal opcode numbers: bytecode ops, 0xfc ops at 0x100+, our own. */
enum {
	WOP_FC = 0x100,
	WOP_INTERNAL = 0x120,
	WOP_BR = WOP_INTERNAL,
	WOP_BR_DROP,
	WOP_BR_IF,
	WOP_BR_IF_DROP,
	WOP_BR_UNLESS,
	WOP_BR_TABLE,
	WOP_CALL_IMPORT,
	WOP_LOOP_FUEL,
	WOP_RETURN,
	WOP_SELECT,
	WOP_LOCAL_GET,
	WOP_LOCAL_SET,
	WOP_LOCAL_TEE,
	WOP_CONST,
	WOP_DROP,
	WOP_NOP,
	WOP_COUNT
};

/*
 * Fused instructions (superinstructions) the compiler forms from common
 * sequences; each takes operands straight from locals or immediates:
 *   L   local.get y; OP        -> a from the stack, b = local y
 *   C   CONST c; OP            -> a from the stack, b = c
 *   LL  local.get x; local.get y; OP -> push(local x OP local y)
 *   LC  local.get x; CONST c; OP     -> push(local x OP c)
 *   LD  local.get x; LOAD            -> push(load(local x + offset))
 * and those followed by local.set d (the result goes to local d) or by
 * br_if / the branch of an if (the result is the condition):
 *   SET LSET CSET LLSET LCSET   LLBR LCBR (br_if)   LLBU LCBU (if)
 */
enum {
	WFUSE_L,
	WFUSE_C,
	WFUSE_LL,
	WFUSE_LC,
	WFUSE_LD,
	WFUSE_SET,
	WFUSE_LSET,
	WFUSE_CSET,
	WFUSE_LLSET,
	WFUSE_LCSET,
	WFUSE_LLBR,
	WFUSE_LCBR,
	WFUSE_LLBU,
	WFUSE_LCBU,
	WFUSE_LCLD, /* local.get x; CONST c; i32.add; LOAD */
	WFUSE_TEE, /* ... followed by local.tee */
	WFUSE_LTEE,
	WFUSE_CTEE,
	WFUSE_LLTEE,
	WFUSE_LCTEE,
	WFUSE_LBR, /* one operand from the stack, then br_if / if */
	WFUSE_CBR,
	WFUSE_LBU,
	WFUSE_CBU,
	WFUSE_COUNT
};
#define WOP_FUSED(v, op) (WOP_COUNT + (v)*256 + (op))
#define WOP_TABLE_SIZE (WOP_COUNT + WFUSE_COUNT * 256)

/* wasm_exec_handlers - the handler address of every opcode. */
const void *const *wasm_exec_handlers(void);

/*
 * wasm_exec_invoke - call f with its arguments at base[0..nparams); the
 * results replace them at base[0..nresults).  Returns 0 or GRAFT_ETRAP with
 * st->trap set; a trap whose place is not known yet (a host function)
 * has trap.offset UINT32_MAX for the caller to fill in.  caller is passed
 * to host functions.
 */
int wasm_exec_invoke(wasm_store *st, struct wasm_func *f, wasm_val *base,
		     struct wasm_instance *caller);

void *wasm_store_alloc(wasm_store *st, size_t size);

#endif
