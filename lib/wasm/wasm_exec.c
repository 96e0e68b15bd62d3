/*
 * The interpreter: runs compiled threaded code with computed goto.
 *
 * The loop keeps pc, sp, fp, the memory base and size and the fuel in
 * locals so they live in registers.  Operand slots are 64-bit wasm_val
 * cells on the store's value stack; a frame's params and locals sit at
 * fp[0..), its operands above.  A call to a function of the same instance
 * stays in the loop (frames on the store's frame array); calls to host
 * functions or other instances go through wasm_exec_invoke, which recurses
 * once per such call, bounded by the same depth limit.
 *
 * Invariants: a function entry checks that its whole frame (max_height
 * slots) fits on the stack, so pushes need no checks; memory accesses
 * check the effective address (computed in 64 bits, so it cannot wrap)
 * against the memory size, reloaded after anything that can grow it;
 * fuel is charged per call and per loop iteration.
 */
#include <graft/error.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_internal.h"

typedef wasm_val slot;

static uint32_t popcnt64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

static uint32_t f32_bits(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

static float f32_from(uint32_t u)
{
	float f;
	memcpy(&f, &u, 4);
	return f;
}

static uint64_t f64_bits(double f)
{
	uint64_t u;
	memcpy(&u, &f, 8);
	return u;
}

static double f64_from(uint64_t u)
{
	double f;
	memcpy(&f, &u, 8);
	return f;
}

/* min/max per spec: NaN if either is NaN, and -0 is below +0. */
static float fmin32(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f32_bits(a) & 0x80000000u ? a : b;
	return a < b ? a : b;
}

static float fmax32(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f32_bits(a) & 0x80000000u ? b : a;
	return a > b ? a : b;
}

static double fmin64(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f64_bits(a) >> 63 ? a : b;
	return a < b ? a : b;
}

static double fmax64(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f64_bits(a) >> 63 ? b : a;
	return a > b ? a : b;
}

static uint32_t pc_offset(const struct wasm_fcode *c, const wasm_cell *pc)
{
	uint32_t at = (uint32_t)(pc - c->cells), lo = 0, hi = c->npcmap;
	/* the last entry at or before `at` */
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (c->pcmap[mid].cell <= at)
			lo = mid;
		else
			hi = mid;
	}
	return c->npcmap ? c->pcmap[lo].offset : 0;
}

static int64_t memory_grow(wasm_store *st, struct wasm_memory *m,
			   uint32_t delta)
{
	uint32_t old = m->pages;
	uint64_t pages = (uint64_t)old + delta;
	uint8_t *nd;
	if (pages > m->max || pages > st->lim.memory_pages)
		return -1;
	if (delta == 0)
		return old;
	nd = realloc(m->data, pages * WASM_PAGE_SIZE);
	if (!nd)
		return -1;
	memset(nd + m->size, 0, (size_t)delta * WASM_PAGE_SIZE);
	m->data = nd;
	m->pages = (uint32_t)pages;
	m->size = pages * WASM_PAGE_SIZE;
	return old;
}

int wasm_memory_grow(wasm_store *st, wasm_memory *mem, uint32_t delta,
		     uint32_t *old)
{
	int64_t was = memory_grow(st, mem, delta);
	if (was < 0)
		return GRAFT_ENOSPC;
	if (old)
		*old = (uint32_t)was;
	return 0;
}

static int64_t table_grow(wasm_store *st, struct wasm_table *t, uint32_t n,
			  void *init)
{
	uint32_t old = t->size;
	uint64_t size = (uint64_t)old + n;
	void **ne;
	if (size > t->max || size > st->lim.table_elems)
		return -1;
	ne = realloc(t->elems, (size ? size : 1) * sizeof(void *));
	if (!ne)
		return -1;
	for (uint64_t i = old; i < size; i++)
		ne[i] = init;
	t->elems = ne;
	t->size = (uint32_t)size;
	return old;
}

static const void *const *handler_table;

#define NEXT(n)                                                            \
	do {                                                               \
		pc += (n);                                                 \
		PIN();                                                     \
		goto *pc->h;                                               \
	} while (0)
#define TRAP(c)                                                            \
	do {                                                               \
		tcode = (c);                                               \
		goto trap;                                                 \
	} while (0)

#define U32(x) ((uint32_t)(x).i32)
#define U64(x) ((uint64_t)(x).i64)

#define BIN32(lbl, expr)                                                   \
	lbl : {                                                            \
		uint32_t b = U32(sp[-1]), a = U32(sp[-2]);                 \
		sp--;                                                      \
		sp[-1].i32 = (int32_t)(expr);                              \
		NEXT(1);                                                   \
	}
#define BIN64(lbl, expr)                                                   \
	lbl : {                                                            \
		uint64_t b = U64(sp[-1]), a = U64(sp[-2]);                 \
		sp--;                                                      \
		sp[-1].i64 = (int64_t)(expr);                              \
		NEXT(1);                                                   \
	}
#define CMP64(lbl, expr)                                                   \
	lbl : {                                                            \
		uint64_t b = U64(sp[-1]), a = U64(sp[-2]);                 \
		sp--;                                                      \
		sp[-1].i32 = (expr);                                       \
		NEXT(1);                                                   \
	}
#define FBIN(lbl, T, F, R, expr)                                           \
	lbl : {                                                            \
		T b = sp[-1].F, a = sp[-2].F;                              \
		sp--;                                                      \
		sp[-1].R = (expr);                                         \
		NEXT(1);                                                   \
	}
#define UN(lbl, IF, OF, expr)                                              \
	lbl : {                                                            \
		__typeof__(sp[-1].IF) a = sp[-1].IF;                       \
		sp[-1].OF = (expr);                                        \
		NEXT(1);                                                   \
	}
#define LOAD(lbl, T, F, R)                                                 \
	lbl : {                                                            \
		uint64_t ea = (uint64_t)U32(sp[-1]) + pc[1].u;             \
		T v;                                                       \
		if (ea + sizeof(T) > msize)                                \
			TRAP(WASM_TRAP_MEMORY_OOB);                        \
		memcpy(&v, mem + ea, sizeof(T));                           \
		sp[-1].F = (R)v;                                           \
		NEXT(2);                                                   \
	}
#define STORE(lbl, T, F)                                                   \
	lbl : {                                                            \
		uint64_t ea = (uint64_t)U32(sp[-2]) + pc[1].u;             \
		T v = (T)sp[-1].F;                                         \
		if (ea + sizeof(T) > msize)                                \
			TRAP(WASM_TRAP_MEMORY_OOB);                        \
		memcpy(mem + ea, &v, sizeof(T));                           \
		sp -= 2;                                                   \
		NEXT(2);                                                   \
	}
/* float -> int, trapping: NaN is invalid, out of (lo, hi) overflows */
#define TRUNC(lbl, IF, OF, T, lo, hi)                                      \
	lbl : {                                                            \
		__typeof__(sp[-1].IF) a = sp[-1].IF;                       \
		if (a != a)                                                \
			TRAP(WASM_TRAP_INVALID_CONVERSION);                \
		if (!(a > (lo) && a < (hi)))                               \
			TRAP(WASM_TRAP_INT_OVERFLOW);                      \
		sp[-1].OF = (T)a;                                          \
		NEXT(1);                                                   \
	}
#define TRUNC_SAT(lbl, IF, OF, T, lo, hi, min, max)                        \
	lbl : {                                                            \
		__typeof__(sp[-1].IF) a = sp[-1].IF;                       \
		if (a != a)                                                \
			sp[-1].OF = 0;                                     \
		else if (!(a > (lo)))                                      \
			sp[-1].OF = (min);                                 \
		else if (!(a < (hi)))                                      \
			sp[-1].OF = (max);                                 \
		else                                                       \
			sp[-1].OF = (T)a;                                  \
		NEXT(1);                                                   \
	}

#define FUSED_BINOPS(X) \
	X(0x46, uint32_t, i32, i32, int32_t, a == b) \
	X(0x47, uint32_t, i32, i32, int32_t, a != b) \
	X(0x48, uint32_t, i32, i32, int32_t, (int32_t)a < (int32_t)b) \
	X(0x49, uint32_t, i32, i32, int32_t, a < b) \
	X(0x4a, uint32_t, i32, i32, int32_t, (int32_t)a > (int32_t)b) \
	X(0x4b, uint32_t, i32, i32, int32_t, a > b) \
	X(0x4c, uint32_t, i32, i32, int32_t, (int32_t)a <= (int32_t)b) \
	X(0x4d, uint32_t, i32, i32, int32_t, a <= b) \
	X(0x4e, uint32_t, i32, i32, int32_t, (int32_t)a >= (int32_t)b) \
	X(0x4f, uint32_t, i32, i32, int32_t, a >= b) \
	X(0x51, uint64_t, i64, i32, int32_t, a == b) \
	X(0x52, uint64_t, i64, i32, int32_t, a != b) \
	X(0x53, uint64_t, i64, i32, int32_t, (int64_t)a < (int64_t)b) \
	X(0x54, uint64_t, i64, i32, int32_t, a < b) \
	X(0x55, uint64_t, i64, i32, int32_t, (int64_t)a > (int64_t)b) \
	X(0x56, uint64_t, i64, i32, int32_t, a > b) \
	X(0x57, uint64_t, i64, i32, int32_t, (int64_t)a <= (int64_t)b) \
	X(0x58, uint64_t, i64, i32, int32_t, a <= b) \
	X(0x59, uint64_t, i64, i32, int32_t, (int64_t)a >= (int64_t)b) \
	X(0x5a, uint64_t, i64, i32, int32_t, a >= b) \
	X(0x6a, uint32_t, i32, i32, int32_t, a + b) \
	X(0x6b, uint32_t, i32, i32, int32_t, a - b) \
	X(0x6c, uint32_t, i32, i32, int32_t, a * b) \
	X(0x71, uint32_t, i32, i32, int32_t, a & b) \
	X(0x72, uint32_t, i32, i32, int32_t, a | b) \
	X(0x73, uint32_t, i32, i32, int32_t, a ^ b) \
	X(0x74, uint32_t, i32, i32, int32_t, a << (b & 31)) \
	X(0x75, uint32_t, i32, i32, int32_t, (int32_t)a >> (b & 31)) \
	X(0x76, uint32_t, i32, i32, int32_t, a >> (b & 31)) \
	X(0x77, uint32_t, i32, i32, int32_t, (a << (b & 31)) | (a >> ((32 - b) & 31))) \
	X(0x78, uint32_t, i32, i32, int32_t, (a >> (b & 31)) | (a << ((32 - b) & 31))) \
	X(0x7c, uint64_t, i64, i64, int64_t, a + b) \
	X(0x7d, uint64_t, i64, i64, int64_t, a - b) \
	X(0x7e, uint64_t, i64, i64, int64_t, a * b) \
	X(0x83, uint64_t, i64, i64, int64_t, a & b) \
	X(0x84, uint64_t, i64, i64, int64_t, a | b) \
	X(0x85, uint64_t, i64, i64, int64_t, a ^ b) \
	X(0x86, uint64_t, i64, i64, int64_t, a << (b & 63)) \
	X(0x87, uint64_t, i64, i64, int64_t, (int64_t)a >> (b & 63)) \
	X(0x88, uint64_t, i64, i64, int64_t, a >> (b & 63)) \
	X(0x89, uint64_t, i64, i64, int64_t, (a << (b & 63)) | (a >> ((64 - b) & 63))) \
	X(0x8a, uint64_t, i64, i64, int64_t, (a >> (b & 63)) | (a << ((64 - b) & 63))) \
	X(0x92, float, f32, f32, float, a + b) \
	X(0x93, float, f32, f32, float, a - b) \
	X(0x94, float, f32, f32, float, a * b) \
	X(0x95, float, f32, f32, float, a / b) \
	X(0xa0, double, f64, f64, double, a + b) \
	X(0xa1, double, f64, f64, double, a - b) \
	X(0xa2, double, f64, f64, double, a * b) \
	X(0xa3, double, f64, f64, double, a / b)

#define FUSED_LOADS(X) \
	X(0x28, uint32_t, i32, int32_t) \
	X(0x29, uint64_t, i64, int64_t) \
	X(0x2a, float, f32, float) \
	X(0x2b, double, f64, double) \
	X(0x2c, int8_t, i32, int32_t) \
	X(0x2d, uint8_t, i32, int32_t) \
	X(0x2e, int16_t, i32, int32_t) \
	X(0x2f, uint16_t, i32, int32_t) \
	X(0x30, int8_t, i64, int64_t) \
	X(0x31, uint8_t, i64, int64_t) \
	X(0x32, int16_t, i64, int64_t) \
	X(0x33, uint16_t, i64, int64_t) \
	X(0x34, int32_t, i64, int64_t) \
	X(0x35, uint32_t, i64, int64_t)

/* The fused forms of each binary operator (see WFUSE_* in the header). */
#define FUSED_HANDLERS(op, T, IN, OUT, OT, expr)                           \
	op_l_##op : {                                                      \
		T a = (T)sp[-1].IN, b = (T)fp[pc[1].u].IN;                 \
		sp[-1].OUT = (OT)(expr);                                   \
		NEXT(2);                                                   \
	}                                                                  \
	op_c_##op : {                                                      \
		T a = (T)sp[-1].IN, b = (T)pc[1].v.IN;                     \
		sp[-1].OUT = (OT)(expr);                                   \
		NEXT(2);                                                   \
	}                                                                  \
	op_ll_##op : {                                                     \
		T a = (T)fp[pc[1].u].IN, b = (T)fp[pc[2].u].IN;            \
		(sp++)->OUT = (OT)(expr);                                  \
		NEXT(3);                                                   \
	}                                                                  \
	op_lc_##op : {                                                     \
		T a = (T)fp[pc[1].u].IN, b = (T)pc[2].v.IN;                \
		(sp++)->OUT = (OT)(expr);                                  \
		NEXT(3);                                                   \
	}
#define FUSED_HANDLERS2(op, T, IN, OUT, OT, expr)                          \
	op_set_##op : {                                                    \
		T b = (T)sp[-1].IN, a = (T)sp[-2].IN;                      \
		sp -= 2;                                                   \
		fp[pc[1].u].OUT = (OT)(expr);                              \
		NEXT(2);                                                   \
	}                                                                  \
	op_lset_##op : {                                                   \
		T a = (T)sp[-1].IN, b = (T)fp[pc[1].u].IN;                 \
		sp--;                                                      \
		fp[pc[2].u].OUT = (OT)(expr);                              \
		NEXT(3);                                                   \
	}                                                                  \
	op_cset_##op : {                                                   \
		T a = (T)sp[-1].IN, b = (T)pc[1].v.IN;                     \
		sp--;                                                      \
		fp[pc[2].u].OUT = (OT)(expr);                              \
		NEXT(3);                                                   \
	}                                                                  \
	op_llset_##op : {                                                  \
		T a = (T)fp[pc[1].u].IN, b = (T)fp[pc[2].u].IN;            \
		fp[pc[3].u].OUT = (OT)(expr);                              \
		NEXT(4);                                                   \
	}                                                                  \
	op_lcset_##op : {                                                  \
		T a = (T)fp[pc[1].u].IN, b = (T)pc[2].v.IN;                \
		fp[pc[3].u].OUT = (OT)(expr);                              \
		NEXT(4);                                                   \
	}                                                                  \
	op_llbr_##op : {                                                   \
		T a = (T)fp[pc[1].u].IN, b = (T)fp[pc[2].u].IN;            \
		if ((OT)(expr) != 0) {                                        \
			pc = pc[3].p;                                      \
			goto *pc->h;                                       \
		}                                                          \
		NEXT(4);                                                   \
	}                                                                  \
	op_lcbr_##op : {                                                   \
		T a = (T)fp[pc[1].u].IN, b = (T)pc[2].v.IN;                \
		if ((OT)(expr) != 0) {                                        \
			pc = pc[3].p;                                      \
			goto *pc->h;                                       \
		}                                                          \
		NEXT(4);                                                   \
	}                                                                  \
	op_llbu_##op : {                                                   \
		T a = (T)fp[pc[1].u].IN, b = (T)fp[pc[2].u].IN;            \
		if ((OT)(expr) == 0) {                                        \
			pc = pc[3].p;                                      \
			goto *pc->h;                                       \
		}                                                          \
		NEXT(4);                                                   \
	}                                                                  \
	op_lcbu_##op : {                                                   \
		T a = (T)fp[pc[1].u].IN, b = (T)pc[2].v.IN;                \
		if ((OT)(expr) == 0) {                                        \
			pc = pc[3].p;                                      \
			goto *pc->h;                                       \
		}                                                          \
		NEXT(4);                                                   \
	}
#define FUSED_HANDLERS3(op, T, IN, OUT, OT, expr)                          \
	op_tee_##op : {                                                    \
		T b = (T)sp[-1].IN, a = (T)sp[-2].IN;                      \
		OT r = (OT)(expr);                                         \
		sp--;                                                      \
		sp[-1].OUT = r;                                            \
		fp[pc[1].u].OUT = r;                                       \
		NEXT(2);                                                   \
	}                                                                  \
	op_ltee_##op : {                                                   \
		T a = (T)sp[-1].IN, b = (T)fp[pc[1].u].IN;                 \
		OT r = (OT)(expr);                                         \
		sp[-1].OUT = r;                                            \
		fp[pc[2].u].OUT = r;                                       \
		NEXT(3);                                                   \
	}                                                                  \
	op_ctee_##op : {                                                   \
		T a = (T)sp[-1].IN, b = (T)pc[1].v.IN;                     \
		OT r = (OT)(expr);                                         \
		sp[-1].OUT = r;                                            \
		fp[pc[2].u].OUT = r;                                       \
		NEXT(3);                                                   \
	}                                                                  \
	op_lltee_##op : {                                                  \
		T a = (T)fp[pc[1].u].IN, b = (T)fp[pc[2].u].IN;            \
		OT r = (OT)(expr);                                         \
		(sp++)->OUT = r;                                           \
		fp[pc[3].u].OUT = r;                                       \
		NEXT(4);                                                   \
	}                                                                  \
	op_lctee_##op : {                                                  \
		T a = (T)fp[pc[1].u].IN, b = (T)pc[2].v.IN;                \
		OT r = (OT)(expr);                                         \
		(sp++)->OUT = r;                                           \
		fp[pc[3].u].OUT = r;                                       \
		NEXT(4);                                                   \
	}                                                                  \
	op_lbr_##op : {                                                    \
		T a = (T)(--sp)->IN, b = (T)fp[pc[1].u].IN;                \
		if ((OT)(expr) != 0) {                                     \
			pc = pc[2].p;                                      \
			goto *pc->h;                                       \
		}                                                          \
		NEXT(3);                                                   \
	}                                                                  \
	op_cbr_##op : {                                                    \
		T a = (T)(--sp)->IN, b = (T)pc[1].v.IN;                    \
		if ((OT)(expr) != 0) {                                     \
			pc = pc[2].p;                                      \
			goto *pc->h;                                       \
		}                                                          \
		NEXT(3);                                                   \
	}                                                                  \
	op_lbu_##op : {                                                    \
		T a = (T)(--sp)->IN, b = (T)fp[pc[1].u].IN;                \
		if ((OT)(expr) == 0) {                                     \
			pc = pc[2].p;                                      \
			goto *pc->h;                                       \
		}                                                          \
		NEXT(3);                                                   \
	}                                                                  \
	op_cbu_##op : {                                                    \
		T a = (T)(--sp)->IN, b = (T)pc[1].v.IN;                    \
		if ((OT)(expr) == 0) {                                     \
			pc = pc[2].p;                                      \
			goto *pc->h;                                       \
		}                                                          \
		NEXT(3);                                                   \
	}
#define FUSED_ENTRIES3(op, T, IN, OUT, OT, expr)                           \
	[WOP_FUSED(WFUSE_TEE, op)] = &&op_tee_##op,                        \
	[WOP_FUSED(WFUSE_LTEE, op)] = &&op_ltee_##op,                      \
	[WOP_FUSED(WFUSE_CTEE, op)] = &&op_ctee_##op,                      \
	[WOP_FUSED(WFUSE_LLTEE, op)] = &&op_lltee_##op,                    \
	[WOP_FUSED(WFUSE_LCTEE, op)] = &&op_lctee_##op,                    \
	[WOP_FUSED(WFUSE_LBR, op)] = &&op_lbr_##op,                        \
	[WOP_FUSED(WFUSE_CBR, op)] = &&op_cbr_##op,                        \
	[WOP_FUSED(WFUSE_LBU, op)] = &&op_lbu_##op,                        \
	[WOP_FUSED(WFUSE_CBU, op)] = &&op_cbu_##op,
#define FUSED_ENTRIES(op, T, IN, OUT, OT, expr)                            \
	[WOP_FUSED(WFUSE_SET, op)] = &&op_set_##op,                        \
	[WOP_FUSED(WFUSE_LSET, op)] = &&op_lset_##op,                      \
	[WOP_FUSED(WFUSE_CSET, op)] = &&op_cset_##op,                      \
	[WOP_FUSED(WFUSE_LLSET, op)] = &&op_llset_##op,                    \
	[WOP_FUSED(WFUSE_LCSET, op)] = &&op_lcset_##op,                    \
	[WOP_FUSED(WFUSE_LLBR, op)] = &&op_llbr_##op,                      \
	[WOP_FUSED(WFUSE_LCBR, op)] = &&op_lcbr_##op,                      \
	[WOP_FUSED(WFUSE_LLBU, op)] = &&op_llbu_##op,                      \
	[WOP_FUSED(WFUSE_LCBU, op)] = &&op_lcbu_##op,                      \
	[WOP_FUSED(WFUSE_L, op)] = &&op_l_##op,                            \
	[WOP_FUSED(WFUSE_C, op)] = &&op_c_##op,                            \
	[WOP_FUSED(WFUSE_LL, op)] = &&op_ll_##op,                          \
	[WOP_FUSED(WFUSE_LC, op)] = &&op_lc_##op,
/* local.get x; load: cells are op, x, offset */
#define FUSED_LOAD_HANDLER(op, T, F, R)                                    \
	op_ld_##op : {                                                     \
		uint64_t ea = (uint64_t)U32(fp[pc[1].u]) + pc[2].u;        \
		T v;                                                       \
		if (ea + sizeof(T) > msize)                                \
			TRAP(WASM_TRAP_MEMORY_OOB);                        \
		memcpy(&v, mem + ea, sizeof(T));                           \
		(sp++)->F = (R)v;                                          \
		NEXT(3);                                                   \
	}
/* local.get x; i32.const c; i32.add; load: cells are op, x, c, offset */
#define FUSED_LCLOAD_HANDLER(op, T, F, R)                                  \
	op_lcld_##op : {                                                   \
		uint64_t ea = (uint64_t)(uint32_t)(U32(fp[pc[1].u]) +      \
						   (uint32_t)pc[2].u) +     \
			      pc[3].u;                                     \
		T v;                                                       \
		if (ea + sizeof(T) > msize)                                \
			TRAP(WASM_TRAP_MEMORY_OOB);                        \
		memcpy(&v, mem + ea, sizeof(T));                           \
		(sp++)->F = (R)v;                                          \
		NEXT(4);                                                   \
	}
#define FUSED_LOAD_ENTRY(op, T, F, R)                                      \
	[WOP_FUSED(WFUSE_LD, op)] = &&op_ld_##op,                          \
	[WOP_FUSED(WFUSE_LCLD, op)] = &&op_lcld_##op,

static int run(wasm_store *st, struct wasm_instance *inst,
	       const struct wasm_fcode *code, slot *fp);

const void *const *wasm_exec_handlers(void)
{
	if (!handler_table)
		run(NULL, NULL, NULL, NULL);
	return handler_table;
}

static void load_memory(struct wasm_instance *inst, uint8_t **mem,
			uint64_t *msize)
{
	if (inst->mod->nmems) {
		*mem = inst->mems[0]->data;
		*msize = inst->mems[0]->size;
	} else {
		*mem = NULL;
		*msize = 0;
	}
}

/*
 * Keep the interpreter's hottest state in registers at every dispatch: in
 * a function this large gcc otherwise spills fp to the stack, and every
 * local.get would pay a load for it.
 */
#define PIN() __asm__ volatile("" : "+r"(pc), "+r"(sp), "+r"(fp))

static int run(wasm_store *st, struct wasm_instance *inst,
	       const struct wasm_fcode *code, slot *fp_arg)
{
	static const void *const table[WOP_TABLE_SIZE] = {
		/* cppcheck-suppress internalAstError ; labels as values */
		FUSED_BINOPS(FUSED_ENTRIES)
		FUSED_BINOPS(FUSED_ENTRIES3)
		FUSED_LOADS(FUSED_LOAD_ENTRY)
		[0x00] = &&op_0x00,
		[0x10] = &&op_0x10,
		[0x11] = &&op_0x11,
		[0x23] = &&op_0x23,
		[0x24] = &&op_0x24,
		[0x25] = &&op_0x25,
		[0x26] = &&op_0x26,
		[0x28] = &&op_0x28,
		[0x29] = &&op_0x29,
		[0x2a] = &&op_0x2a,
		[0x2b] = &&op_0x2b,
		[0x2c] = &&op_0x2c,
		[0x2d] = &&op_0x2d,
		[0x2e] = &&op_0x2e,
		[0x2f] = &&op_0x2f,
		[0x30] = &&op_0x30,
		[0x31] = &&op_0x31,
		[0x32] = &&op_0x32,
		[0x33] = &&op_0x33,
		[0x34] = &&op_0x34,
		[0x35] = &&op_0x35,
		[0x36] = &&op_0x36,
		[0x37] = &&op_0x37,
		[0x38] = &&op_0x38,
		[0x39] = &&op_0x39,
		[0x3a] = &&op_0x3a,
		[0x3b] = &&op_0x3b,
		[0x3c] = &&op_0x3c,
		[0x3d] = &&op_0x3d,
		[0x3e] = &&op_0x3e,
		[0x3f] = &&op_0x3f,
		[0x40] = &&op_0x40,
		[0x45] = &&op_0x45,
		[0x46] = &&op_0x46,
		[0x47] = &&op_0x47,
		[0x48] = &&op_0x48,
		[0x49] = &&op_0x49,
		[0x4a] = &&op_0x4a,
		[0x4b] = &&op_0x4b,
		[0x4c] = &&op_0x4c,
		[0x4d] = &&op_0x4d,
		[0x4e] = &&op_0x4e,
		[0x4f] = &&op_0x4f,
		[0x50] = &&op_0x50,
		[0x51] = &&op_0x51,
		[0x52] = &&op_0x52,
		[0x53] = &&op_0x53,
		[0x54] = &&op_0x54,
		[0x55] = &&op_0x55,
		[0x56] = &&op_0x56,
		[0x57] = &&op_0x57,
		[0x58] = &&op_0x58,
		[0x59] = &&op_0x59,
		[0x5a] = &&op_0x5a,
		[0x5b] = &&op_0x5b,
		[0x5c] = &&op_0x5c,
		[0x5d] = &&op_0x5d,
		[0x5e] = &&op_0x5e,
		[0x5f] = &&op_0x5f,
		[0x60] = &&op_0x60,
		[0x61] = &&op_0x61,
		[0x62] = &&op_0x62,
		[0x63] = &&op_0x63,
		[0x64] = &&op_0x64,
		[0x65] = &&op_0x65,
		[0x66] = &&op_0x66,
		[0x67] = &&op_0x67,
		[0x68] = &&op_0x68,
		[0x69] = &&op_0x69,
		[0x6a] = &&op_0x6a,
		[0x6b] = &&op_0x6b,
		[0x6c] = &&op_0x6c,
		[0x6d] = &&op_0x6d,
		[0x6e] = &&op_0x6e,
		[0x6f] = &&op_0x6f,
		[0x70] = &&op_0x70,
		[0x71] = &&op_0x71,
		[0x72] = &&op_0x72,
		[0x73] = &&op_0x73,
		[0x74] = &&op_0x74,
		[0x75] = &&op_0x75,
		[0x76] = &&op_0x76,
		[0x77] = &&op_0x77,
		[0x78] = &&op_0x78,
		[0x79] = &&op_0x79,
		[0x7a] = &&op_0x7a,
		[0x7b] = &&op_0x7b,
		[0x7c] = &&op_0x7c,
		[0x7d] = &&op_0x7d,
		[0x7e] = &&op_0x7e,
		[0x7f] = &&op_0x7f,
		[0x80] = &&op_0x80,
		[0x81] = &&op_0x81,
		[0x82] = &&op_0x82,
		[0x83] = &&op_0x83,
		[0x84] = &&op_0x84,
		[0x85] = &&op_0x85,
		[0x86] = &&op_0x86,
		[0x87] = &&op_0x87,
		[0x88] = &&op_0x88,
		[0x89] = &&op_0x89,
		[0x8a] = &&op_0x8a,
		[0x8b] = &&op_0x8b,
		[0x8c] = &&op_0x8c,
		[0x8d] = &&op_0x8d,
		[0x8e] = &&op_0x8e,
		[0x8f] = &&op_0x8f,
		[0x90] = &&op_0x90,
		[0x91] = &&op_0x91,
		[0x92] = &&op_0x92,
		[0x93] = &&op_0x93,
		[0x94] = &&op_0x94,
		[0x95] = &&op_0x95,
		[0x96] = &&op_0x96,
		[0x97] = &&op_0x97,
		[0x98] = &&op_0x98,
		[0x99] = &&op_0x99,
		[0x9a] = &&op_0x9a,
		[0x9b] = &&op_0x9b,
		[0x9c] = &&op_0x9c,
		[0x9d] = &&op_0x9d,
		[0x9e] = &&op_0x9e,
		[0x9f] = &&op_0x9f,
		[0xa0] = &&op_0xa0,
		[0xa1] = &&op_0xa1,
		[0xa2] = &&op_0xa2,
		[0xa3] = &&op_0xa3,
		[0xa4] = &&op_0xa4,
		[0xa5] = &&op_0xa5,
		[0xa6] = &&op_0xa6,
		[0xa7] = &&op_0xa7,
		[0xa8] = &&op_0xa8,
		[0xa9] = &&op_0xa9,
		[0xaa] = &&op_0xaa,
		[0xab] = &&op_0xab,
		[0xac] = &&op_0xac,
		[0xad] = &&op_0xad,
		[0xae] = &&op_0xae,
		[0xaf] = &&op_0xaf,
		[0xb0] = &&op_0xb0,
		[0xb1] = &&op_0xb1,
		[0xb2] = &&op_0xb2,
		[0xb3] = &&op_0xb3,
		[0xb4] = &&op_0xb4,
		[0xb5] = &&op_0xb5,
		[0xb6] = &&op_0xb6,
		[0xb7] = &&op_0xb7,
		[0xb8] = &&op_0xb8,
		[0xb9] = &&op_0xb9,
		[0xba] = &&op_0xba,
		[0xbb] = &&op_0xbb,
		[0xc0] = &&op_0xc0,
		[0xc1] = &&op_0xc1,
		[0xc2] = &&op_0xc2,
		[0xc3] = &&op_0xc3,
		[0xc4] = &&op_0xc4,
		[0xd1] = &&op_0xd1,
		[0xd2] = &&op_0xd2,
		[WOP_BR] = &&op_br,
		[WOP_BR_DROP] = &&op_br_drop,
		[WOP_BR_IF] = &&op_br_if,
		[WOP_BR_IF_DROP] = &&op_br_if_drop,
		[WOP_BR_TABLE] = &&op_br_table,
		[WOP_BR_UNLESS] = &&op_br_unless,
		[WOP_CALL_IMPORT] = &&op_call_import,
		[WOP_CONST] = &&op_const,
		[WOP_DROP] = &&op_drop,
		[WOP_FC + 0] = &&op_fc0,
		[WOP_FC + 1] = &&op_fc1,
		[WOP_FC + 10] = &&op_fc10,
		[WOP_FC + 11] = &&op_fc11,
		[WOP_FC + 12] = &&op_fc12,
		[WOP_FC + 13] = &&op_fc13,
		[WOP_FC + 14] = &&op_fc14,
		[WOP_FC + 15] = &&op_fc15,
		[WOP_FC + 16] = &&op_fc16,
		[WOP_FC + 17] = &&op_fc17,
		[WOP_FC + 2] = &&op_fc2,
		[WOP_FC + 3] = &&op_fc3,
		[WOP_FC + 4] = &&op_fc4,
		[WOP_FC + 5] = &&op_fc5,
		[WOP_FC + 6] = &&op_fc6,
		[WOP_FC + 7] = &&op_fc7,
		[WOP_FC + 8] = &&op_fc8,
		[WOP_FC + 9] = &&op_fc9,
		[WOP_LOCAL_GET] = &&op_local_get,
		[WOP_LOCAL_SET] = &&op_local_set,
		[WOP_LOCAL_TEE] = &&op_local_tee,
		[WOP_LOOP_FUEL] = &&op_loop_fuel,
		[WOP_NOP] = &&op_nop,
		[0xbc] = &&op_nop,
		[0xbd] = &&op_nop,
		[0xbe] = &&op_nop,
		[0xbf] = &&op_nop,
		[WOP_RETURN] = &&op_return,
		[WOP_SELECT] = &&op_select,
	};
	const wasm_cell *pc;
	slot *sp;
	slot *fp = fp_arg;
	uint8_t *mem;
	uint64_t msize;
	int64_t fuel;
	uint32_t base_depth;
	enum wasm_trap_code tcode;
	struct wasm_func *callee;
	const struct wasm_fcode *callc;
	int rc;

	if (!st) {
		handler_table = table;
		return 0;
	}
	base_depth = st->depth;
	fuel = st->fuel;
	load_memory(inst, &mem, &msize);
	sp = fp + code->nparams;
	memset(sp, 0, code->nlocals * sizeof(slot));
	sp += code->nlocals;
	pc = code->cells;
	goto *pc->h;

op_0x00:
	TRAP(WASM_TRAP_UNREACHABLE);

op_br:
	pc = pc[1].p;
	goto *pc->h;
op_br_drop: {
	uint64_t drop = pc[2].u, n = pc[3].u;
	memmove(sp - n - drop, sp - n, n * sizeof(slot));
	sp -= drop;
	pc = pc[1].p;
	goto *pc->h;
}
op_br_if:
	if ((--sp)->i32) {
		pc = pc[1].p;
		goto *pc->h;
	}
	NEXT(2);
op_br_if_drop:
	if ((--sp)->i32)
		goto op_br_drop;
	NEXT(4);
op_br_unless:
	if (!(--sp)->i32) {
		pc = pc[1].p;
		goto *pc->h;
	}
	NEXT(2);
op_br_table: {
	uint32_t i = U32(*--sp);
	uint64_t n = pc[1].u, arity = pc[2].u, drop;
	const wasm_cell *e;
	if (i > n)
		i = (uint32_t)n;
	e = pc + 3 + 2 * (uint64_t)i;
	drop = e[1].u;
	if (drop) {
		memmove(sp - arity - drop, sp - arity, arity * sizeof(slot));
		sp -= drop;
	}
	pc = e[0].p;
	goto *pc->h;
}
op_loop_fuel:
	if (--fuel < 0)
		TRAP(WASM_TRAP_OUT_OF_FUEL);
	NEXT(1);

op_return: {
	uint32_t n = code->nresults;
	const struct wasm_frame *f;
	memmove(fp, sp - n, n * sizeof(slot));
	sp = fp + n;
	if (st->depth == base_depth)
		goto done;
	f = &st->frames[--st->depth];
	pc = f->pc;
	fp = f->fp;
	code = f->code;
	goto *pc->h;
}

op_0x10:
	callc = pc[1].p;
	pc += 2;
	goto enter;
op_0x11: {
	uint32_t i = U32(*--sp);
	const struct wasm_table *t = inst->tables[pc[1].u];
	const struct wasm_functype *want = pc[2].p;
	if (i >= t->size)
		TRAP(WASM_TRAP_UNDEFINED_ELEMENT);
	callee = t->elems[i];
	if (!callee)
		TRAP(WASM_TRAP_UNINITIALIZED_ELEMENT);
	if (callee->type.hash != want->hash ||
	    !wasm_functype_eq(&callee->type, want))
		TRAP(WASM_TRAP_INDIRECT_TYPE);
	pc += 3;
	if (callee->inst != inst)
		goto call_out;
	callc = callee->code;
	goto enter;
}
enter: {
	slot *nfp = sp - callc->nparams;
	if (st->depth >= st->lim.call_depth ||
	    (size_t)(st->stack_end - nfp) < callc->max_height) {
		tcode = WASM_TRAP_STACK_EXHAUSTED;
		goto call_trap;
	}
	if (--fuel < 0) {
		tcode = WASM_TRAP_OUT_OF_FUEL;
		goto call_trap;
	}
	st->frames[st->depth].pc = pc;
	st->frames[st->depth].fp = fp;
	st->frames[st->depth].code = code;
	st->depth++;
	for (uint32_t k = callc->nlocals; k; k--)
		(sp++)->bits = 0;
	fp = nfp;
	code = callc;
	pc = callc->cells;
	goto *pc->h;
}
call_trap:
	/* pc is past the call: point back into it for the trap offset */
	pc--;
	goto trap;

op_call_import:
	callee = inst->funcs[pc[1].u];
	pc += 2;
call_out: {
	slot *base = sp - callee->type.nparams;
	st->fuel = fuel;
	st->frames[st->depth].pc = pc;
	st->frames[st->depth].fp = fp;
	st->frames[st->depth].code = code;
	st->depth++;
	st->sp = sp;
	rc = wasm_exec_invoke(st, callee, base, inst);
	st->depth--;
	fuel = st->fuel;
	if (rc) {
		pc--;
		if (st->trap.offset != UINT32_MAX)
			goto propagate;
		tcode = st->trap.code;
		goto trap;
	}
	sp = base + callee->type.nresults;
	load_memory(inst, &mem, &msize);
	NEXT(0);
}

op_drop:
	sp--;
	NEXT(1);
op_select: {
	int32_t c = (--sp)->i32;
	if (!c)
		sp[-2] = sp[-1];
	sp--;
	NEXT(1);
}
op_local_get:
	*sp++ = fp[pc[1].u];
	NEXT(2);
op_local_set:
	fp[pc[1].u] = *--sp;
	NEXT(2);
op_local_tee:
	fp[pc[1].u] = sp[-1];
	NEXT(2);
op_0x23:
	*sp++ = inst->globals[pc[1].u]->val;
	NEXT(2);
op_0x24:
	inst->globals[pc[1].u]->val = *--sp;
	NEXT(2);
op_0x25: {
	const struct wasm_table *t = inst->tables[pc[1].u];
	uint32_t i = U32(sp[-1]);
	if (i >= t->size)
		TRAP(WASM_TRAP_TABLE_OOB);
	sp[-1].ref = t->elems[i];
	NEXT(2);
}
op_0x26: {
	struct wasm_table *t = inst->tables[pc[1].u];
	uint32_t i = U32(sp[-2]);
	if (i >= t->size)
		TRAP(WASM_TRAP_TABLE_OOB);
	t->elems[i] = sp[-1].ref;
	sp -= 2;
	NEXT(2);
}
op_const:
	(sp++)->bits = pc[1].u;
	NEXT(2);

	LOAD(op_0x28, uint32_t, i32, int32_t)
	LOAD(op_0x29, uint64_t, i64, int64_t)
	LOAD(op_0x2a, float, f32, float)
	LOAD(op_0x2b, double, f64, double)
	LOAD(op_0x2c, int8_t, i32, int32_t)
	LOAD(op_0x2d, uint8_t, i32, int32_t)
	LOAD(op_0x2e, int16_t, i32, int32_t)
	LOAD(op_0x2f, uint16_t, i32, int32_t)
	LOAD(op_0x30, int8_t, i64, int64_t)
	LOAD(op_0x31, uint8_t, i64, int64_t)
	LOAD(op_0x32, int16_t, i64, int64_t)
	LOAD(op_0x33, uint16_t, i64, int64_t)
	LOAD(op_0x34, int32_t, i64, int64_t)
	LOAD(op_0x35, uint32_t, i64, int64_t)
	STORE(op_0x36, uint32_t, i32)
	STORE(op_0x37, uint64_t, i64)
	STORE(op_0x38, float, f32)
	STORE(op_0x39, double, f64)
	STORE(op_0x3a, uint8_t, i32)
	STORE(op_0x3b, uint16_t, i32)
	STORE(op_0x3c, uint8_t, i64)
	STORE(op_0x3d, uint16_t, i64)
	STORE(op_0x3e, uint32_t, i64)

op_0x3f:
	(sp++)->i32 = (int32_t)(msize / WASM_PAGE_SIZE);
	NEXT(1);
op_0x40:
	sp[-1].i32 = (int32_t)memory_grow(st, inst->mems[0], U32(sp[-1]));
	load_memory(inst, &mem, &msize);
	NEXT(1);

	UN(op_0x45, i32, i32, a == 0)
	BIN32(op_0x46, a == b)
	BIN32(op_0x47, a != b)
	BIN32(op_0x48, (int32_t)a < (int32_t)b)
	BIN32(op_0x49, a < b)
	BIN32(op_0x4a, (int32_t)a > (int32_t)b)
	BIN32(op_0x4b, a > b)
	BIN32(op_0x4c, (int32_t)a <= (int32_t)b)
	BIN32(op_0x4d, a <= b)
	BIN32(op_0x4e, (int32_t)a >= (int32_t)b)
	BIN32(op_0x4f, a >= b)
	UN(op_0x50, i64, i32, a == 0)
	CMP64(op_0x51, a == b)
	CMP64(op_0x52, a != b)
	CMP64(op_0x53, (int64_t)a < (int64_t)b)
	CMP64(op_0x54, a < b)
	CMP64(op_0x55, (int64_t)a > (int64_t)b)
	CMP64(op_0x56, a > b)
	CMP64(op_0x57, (int64_t)a <= (int64_t)b)
	CMP64(op_0x58, a <= b)
	CMP64(op_0x59, (int64_t)a >= (int64_t)b)
	CMP64(op_0x5a, a >= b)
	FBIN(op_0x5b, float, f32, i32, a == b)
	FBIN(op_0x5c, float, f32, i32, a != b)
	FBIN(op_0x5d, float, f32, i32, a < b)
	FBIN(op_0x5e, float, f32, i32, a > b)
	FBIN(op_0x5f, float, f32, i32, a <= b)
	FBIN(op_0x60, float, f32, i32, a >= b)
	FBIN(op_0x61, double, f64, i32, a == b)
	FBIN(op_0x62, double, f64, i32, a != b)
	FBIN(op_0x63, double, f64, i32, a < b)
	FBIN(op_0x64, double, f64, i32, a > b)
	FBIN(op_0x65, double, f64, i32, a <= b)
	FBIN(op_0x66, double, f64, i32, a >= b)

	UN(op_0x67, i32, i32, a ? __builtin_clz((uint32_t)a) : 32)
	UN(op_0x68, i32, i32, a ? __builtin_ctz((uint32_t)a) : 32)
	UN(op_0x69, i32, i32, (int32_t)popcnt64((uint32_t)a))
	BIN32(op_0x6a, a + b)
	BIN32(op_0x6b, a - b)
	BIN32(op_0x6c, a * b)
op_0x6d: {
	int32_t b = sp[-1].i32, a = sp[-2].i32;
	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	if (a == INT32_MIN && b == -1)
		TRAP(WASM_TRAP_INT_OVERFLOW);
	sp--;
	sp[-1].i32 = a / b;
	NEXT(1);
}
op_0x6e: {
	uint32_t b = U32(sp[-1]), a = U32(sp[-2]);
	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	sp--;
	sp[-1].i32 = (int32_t)(a / b);
	NEXT(1);
}
op_0x6f: {
	int32_t b = sp[-1].i32, a = sp[-2].i32;
	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	sp--;
	sp[-1].i32 = b == -1 ? 0 : a % b;
	NEXT(1);
}
op_0x70: {
	uint32_t b = U32(sp[-1]), a = U32(sp[-2]);
	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	sp--;
	sp[-1].i32 = (int32_t)(a % b);
	NEXT(1);
}
	BIN32(op_0x71, a & b)
	BIN32(op_0x72, a | b)
	BIN32(op_0x73, a ^ b)
	BIN32(op_0x74, a << (b & 31))
	BIN32(op_0x75, (int32_t)a >> (b & 31))
	BIN32(op_0x76, a >> (b & 31))
	BIN32(op_0x77, (a << (b & 31)) | (a >> ((32 - b) & 31)))
	BIN32(op_0x78, (a >> (b & 31)) | (a << ((32 - b) & 31)))

	UN(op_0x79, i64, i64, a ? __builtin_clzll((uint64_t)a) : 64)
	UN(op_0x7a, i64, i64, a ? __builtin_ctzll((uint64_t)a) : 64)
	UN(op_0x7b, i64, i64, popcnt64((uint64_t)a))
	BIN64(op_0x7c, a + b)
	BIN64(op_0x7d, a - b)
	BIN64(op_0x7e, a * b)
op_0x7f: {
	int64_t b = sp[-1].i64, a = sp[-2].i64;
	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	if (a == INT64_MIN && b == -1)
		TRAP(WASM_TRAP_INT_OVERFLOW);
	sp--;
	sp[-1].i64 = a / b;
	NEXT(1);
}
op_0x80: {
	uint64_t b = U64(sp[-1]), a = U64(sp[-2]);
	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	sp--;
	sp[-1].i64 = (int64_t)(a / b);
	NEXT(1);
}
op_0x81: {
	int64_t b = sp[-1].i64, a = sp[-2].i64;
	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	sp--;
	sp[-1].i64 = b == -1 ? 0 : a % b;
	NEXT(1);
}
op_0x82: {
	uint64_t b = U64(sp[-1]), a = U64(sp[-2]);
	if (b == 0)
		TRAP(WASM_TRAP_DIV_ZERO);
	sp--;
	sp[-1].i64 = (int64_t)(a % b);
	NEXT(1);
}
	BIN64(op_0x83, a & b)
	BIN64(op_0x84, a | b)
	BIN64(op_0x85, a ^ b)
	BIN64(op_0x86, a << (b & 63))
	BIN64(op_0x87, (int64_t)a >> (b & 63))
	BIN64(op_0x88, a >> (b & 63))
	BIN64(op_0x89, (a << (b & 63)) | (a >> ((64 - b) & 63)))
	BIN64(op_0x8a, (a >> (b & 63)) | (a << ((64 - b) & 63)))

	UN(op_0x8b, f32, i32, (int32_t)(f32_bits(a) & 0x7fffffffu))
	UN(op_0x8c, f32, i32, (int32_t)(f32_bits(a) ^ 0x80000000u))
	UN(op_0x8d, f32, f32, a != a ? a + a : ceilf(a))
	UN(op_0x8e, f32, f32, a != a ? a + a : floorf(a))
	UN(op_0x8f, f32, f32, a != a ? a + a : truncf(a))
	UN(op_0x90, f32, f32, a != a ? a + a : nearbyintf(a))
	UN(op_0x91, f32, f32, __builtin_sqrtf(a))
	FBIN(op_0x92, float, f32, f32, a + b)
	FBIN(op_0x93, float, f32, f32, a - b)
	FBIN(op_0x94, float, f32, f32, a * b)
	FBIN(op_0x95, float, f32, f32, a / b)
	FBIN(op_0x96, float, f32, f32, fmin32(a, b))
	FBIN(op_0x97, float, f32, f32, fmax32(a, b))
	FBIN(op_0x98, float, f32, f32,
	     f32_from((f32_bits(a) & 0x7fffffffu) |
		      (f32_bits(b) & 0x80000000u)))
	UN(op_0x99, f64, i64,
	   (int64_t)(f64_bits(a) & 0x7fffffffffffffffull))
	UN(op_0x9a, f64, i64,
	   (int64_t)(f64_bits(a) ^ 0x8000000000000000ull))
	UN(op_0x9b, f64, f64, a != a ? a + a : ceil(a))
	UN(op_0x9c, f64, f64, a != a ? a + a : floor(a))
	UN(op_0x9d, f64, f64, a != a ? a + a : trunc(a))
	UN(op_0x9e, f64, f64, a != a ? a + a : nearbyint(a))
	UN(op_0x9f, f64, f64, __builtin_sqrt(a))
	FBIN(op_0xa0, double, f64, f64, a + b)
	FBIN(op_0xa1, double, f64, f64, a - b)
	FBIN(op_0xa2, double, f64, f64, a * b)
	FBIN(op_0xa3, double, f64, f64, a / b)
	FBIN(op_0xa4, double, f64, f64, fmin64(a, b))
	FBIN(op_0xa5, double, f64, f64, fmax64(a, b))
	FBIN(op_0xa6, double, f64, f64,
	     f64_from((f64_bits(a) & 0x7fffffffffffffffull) |
		      (f64_bits(b) & 0x8000000000000000ull)))

	UN(op_0xa7, i64, i32, (int32_t)a)
	TRUNC(op_0xa8, f32, i32, int32_t, -2147483904.0f, 2147483648.0f)
	TRUNC(op_0xa9, f32, i32, uint32_t, -1.0f, 4294967296.0f)
	TRUNC(op_0xaa, f64, i32, int32_t, -2147483649.0, 2147483648.0)
	TRUNC(op_0xab, f64, i32, uint32_t, -1.0, 4294967296.0)
	UN(op_0xac, i32, i64, (int64_t)a)
	UN(op_0xad, i32, i64, (int64_t)(uint32_t)a)
	TRUNC(op_0xae, f32, i64, int64_t, -9223373136366403584.0f,
	      9223372036854775808.0f)
	TRUNC(op_0xaf, f32, i64, uint64_t, -1.0f, 18446744073709551616.0f)
	TRUNC(op_0xb0, f64, i64, int64_t, -9223372036854777856.0,
	      9223372036854775808.0)
	TRUNC(op_0xb1, f64, i64, uint64_t, -1.0, 18446744073709551616.0)
	UN(op_0xb2, i32, f32, (float)a)
	UN(op_0xb3, i32, f32, (float)(uint32_t)a)
	UN(op_0xb4, i64, f32, (float)a)
	UN(op_0xb5, i64, f32, (float)(uint64_t)a)
	UN(op_0xb6, f64, f32, (float)a)
	UN(op_0xb7, i32, f64, (double)a)
	UN(op_0xb8, i32, f64, (double)(uint32_t)a)
	UN(op_0xb9, i64, f64, (double)a)
	UN(op_0xba, i64, f64, (double)(uint64_t)a)
	UN(op_0xbb, f32, f64, (double)a)
op_nop:
	NEXT(1);
	UN(op_0xc0, i32, i32, (int32_t)(int8_t)a)
	UN(op_0xc1, i32, i32, (int32_t)(int16_t)a)
	UN(op_0xc2, i64, i64, (int64_t)(int8_t)a)
	UN(op_0xc3, i64, i64, (int64_t)(int16_t)a)
	UN(op_0xc4, i64, i64, (int64_t)(int32_t)a)

op_0xd1:
	sp[-1].i32 = sp[-1].ref == NULL;
	NEXT(1);
op_0xd2:
	(sp++)->ref = inst->funcs[pc[1].u];
	NEXT(2);

	TRUNC_SAT(op_fc0, f32, i32, int32_t, -2147483904.0f, 2147483648.0f,
		  INT32_MIN, INT32_MAX)
	TRUNC_SAT(op_fc1, f32, i32, uint32_t, -1.0f, 4294967296.0f, 0,
		  (int32_t)UINT32_MAX)
	TRUNC_SAT(op_fc2, f64, i32, int32_t, -2147483649.0, 2147483648.0,
		  INT32_MIN, INT32_MAX)
	TRUNC_SAT(op_fc3, f64, i32, uint32_t, -1.0, 4294967296.0, 0,
		  (int32_t)UINT32_MAX)
	TRUNC_SAT(op_fc4, f32, i64, int64_t, -9223373136366403584.0f,
		  9223372036854775808.0f, INT64_MIN, INT64_MAX)
	TRUNC_SAT(op_fc5, f32, i64, uint64_t, -1.0f, 18446744073709551616.0f,
		  0, (int64_t)UINT64_MAX)
	TRUNC_SAT(op_fc6, f64, i64, int64_t, -9223372036854777856.0,
		  9223372036854775808.0, INT64_MIN, INT64_MAX)
	TRUNC_SAT(op_fc7, f64, i64, uint64_t, -1.0, 18446744073709551616.0, 0,
		  (int64_t)UINT64_MAX)

op_fc8: { /* memory.init */
	const struct wasm_seg *s = &inst->datas[pc[1].u];
	uint64_t n = U32(sp[-1]), src = U32(sp[-2]), dst = U32(sp[-3]);
	if (src + n > s->len || dst + n > msize)
		TRAP(WASM_TRAP_MEMORY_OOB);
	memcpy(mem + dst, (uint8_t *)s->p + src, n);
	sp -= 3;
	NEXT(2);
}
op_fc9:
	inst->datas[pc[1].u].len = 0;
	NEXT(2);
op_fc10: { /* memory.copy */
	uint64_t n = U32(sp[-1]), src = U32(sp[-2]), dst = U32(sp[-3]);
	if (src + n > msize || dst + n > msize)
		TRAP(WASM_TRAP_MEMORY_OOB);
	memmove(mem + dst, mem + src, n);
	sp -= 3;
	NEXT(1);
}
op_fc11: { /* memory.fill */
	uint64_t n = U32(sp[-1]), dst = U32(sp[-3]);
	if (dst + n > msize)
		TRAP(WASM_TRAP_MEMORY_OOB);
	memset(mem + dst, sp[-2].i32 & 0xff, n);
	sp -= 3;
	NEXT(1);
}
op_fc12: { /* table.init elem table */
	const struct wasm_seg *s = &inst->elems[pc[1].u];
	struct wasm_table *t = inst->tables[pc[2].u];
	uint64_t n = U32(sp[-1]), src = U32(sp[-2]), dst = U32(sp[-3]);
	if (src + n > s->len || dst + n > t->size)
		TRAP(WASM_TRAP_TABLE_OOB);
	memcpy(t->elems + dst, (void **)s->p + src, n * sizeof(void *));
	sp -= 3;
	NEXT(3);
}
op_fc13:
	inst->elems[pc[1].u].len = 0;
	NEXT(2);
op_fc14: { /* table.copy dst src */
	struct wasm_table *d = inst->tables[pc[1].u];
	const struct wasm_table *s = inst->tables[pc[2].u];
	uint64_t n = U32(sp[-1]), src = U32(sp[-2]), dst = U32(sp[-3]);
	if (src + n > s->size || dst + n > d->size)
		TRAP(WASM_TRAP_TABLE_OOB);
	memmove(d->elems + dst, s->elems + src, n * sizeof(void *));
	sp -= 3;
	NEXT(3);
}
op_fc15: { /* table.grow */
	struct wasm_table *t = inst->tables[pc[1].u];
	sp--;
	sp[-1].i32 = (int32_t)table_grow(st, t, U32(sp[0]), sp[-1].ref);
	NEXT(2);
}
op_fc16:
	(sp++)->i32 = (int32_t)inst->tables[pc[1].u]->size;
	NEXT(2);
op_fc17: { /* table.fill */
	struct wasm_table *t = inst->tables[pc[1].u];
	uint64_t n = U32(sp[-1]), dst = U32(sp[-3]);
	void *v = sp[-2].ref;
	if (dst + n > t->size)
		TRAP(WASM_TRAP_TABLE_OOB);
	for (uint64_t k = 0; k < n; k++)
		t->elems[dst + k] = v;
	sp -= 3;
	NEXT(2);
}

	FUSED_BINOPS(FUSED_HANDLERS)
	FUSED_BINOPS(FUSED_HANDLERS2)
	FUSED_BINOPS(FUSED_HANDLERS3)
	FUSED_LOADS(FUSED_LOAD_HANDLER)
	FUSED_LOADS(FUSED_LCLOAD_HANDLER)

trap:
	st->trap.code = tcode;
	st->trap.func = code->func_index;
	st->trap.offset = pc_offset(code, pc);
propagate:
	st->depth = base_depth;
	st->fuel = fuel;
	return GRAFT_ETRAP;
done:
	st->fuel = fuel;
	return 0;
}

int wasm_exec_invoke(wasm_store *st, struct wasm_func *f, wasm_val *base,
		     struct wasm_instance *caller)
{
	uint32_t np = f->type.nparams, nr = f->type.nresults;
	int rc;

	if (st->depth >= st->lim.call_depth) {
		st->trap.code = WASM_TRAP_STACK_EXHAUSTED;
		st->trap.func = 0;
		st->trap.offset = UINT32_MAX;
		return GRAFT_ETRAP;
	}
	if (f->host) {
		wasm_val *res = base + np;
		if ((size_t)(st->stack_end - res) < nr) {
			st->trap.code = WASM_TRAP_STACK_EXHAUSTED;
			st->trap.offset = UINT32_MAX;
			return GRAFT_ETRAP;
		}
		if (f->host(f->host_ctx, caller, base, res)) {
			st->trap.code = WASM_TRAP_HOST;
			st->trap.func = 0;
			st->trap.offset = UINT32_MAX;
			return GRAFT_ETRAP;
		}
		memmove(base, res, nr * sizeof(wasm_val));
		return 0;
	}
	if ((size_t)(st->stack_end - base) < f->code->max_height) {
		st->trap.code = WASM_TRAP_STACK_EXHAUSTED;
		st->trap.func = f->code->func_index;
		st->trap.offset = UINT32_MAX;
		return GRAFT_ETRAP;
	}
	if (--st->fuel < 0) {
		st->trap.code = WASM_TRAP_OUT_OF_FUEL;
		st->trap.func = f->code->func_index;
		st->trap.offset = UINT32_MAX;
		return GRAFT_ETRAP;
	}
	if (st->nested >= WASM_MAX_NESTED_RUNS) {
		st->trap.code = WASM_TRAP_STACK_EXHAUSTED;
		st->trap.func = f->code->func_index;
		st->trap.offset = UINT32_MAX;
		return GRAFT_ETRAP;
	}
	st->nested++;
	rc = run(st, f->inst, f->code, base);
	st->nested--;
	return rc;
}
