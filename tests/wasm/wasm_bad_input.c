/*
 * lib/wasm refuses malformed and hostile modules without crashing or
 * allocating without bound, and traps (never crashes) on bad behaviour at
 * run time: truncation at every byte, bad LEB128, sections past the end,
 * out-of-range indices, huge counts, deep nesting, endless loops, deep
 * recursion, memory growth past the store's limit, failing host calls.
 */
#include <graft/error.h>
#include <stdint.h>
#include <string.h>

#include "lib/wasm/wasm.h"
#include "tests/tap.h"

struct buf {
	uint8_t b[1 << 16];
	size_t n;
};

static void put(struct buf *b, const uint8_t *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void byte(struct buf *b, uint8_t v)
{
	b->b[b->n++] = v;
}

static void leb(struct buf *b, uint32_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		byte(b, c | (v ? 0x80 : 0));
	} while (v);
}

static void header(struct buf *b)
{
	static const uint8_t h[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
	b->n = 0;
	put(b, h, sizeof(h));
}

static void section(struct buf *b, uint8_t id, const struct buf *body)
{
	byte(b, id);
	leb(b, (uint32_t)body->n);
	put(b, body->b, body->n);
}

/*
 * A module with one function type [params] -> [i32], one memory of 1 page
 * (max 2), one exported function "f" with the given body (locals
 * included), and optionally an import of "env" "host" of type [] -> [i32].
 */
static void module(struct buf *m, uint32_t nparams, const uint8_t *code,
		   size_t ncode, int with_import)
{
	static struct buf s;
	header(m);
	s.n = 0; /* types: 0 = [i32 x nparams] -> [i32], 1 = [] -> [i32] */
	leb(&s, 2);
	byte(&s, 0x60);
	leb(&s, nparams);
	for (uint32_t i = 0; i < nparams; i++)
		byte(&s, 0x7f);
	byte(&s, 1);
	byte(&s, 0x7f);
	byte(&s, 0x60);
	byte(&s, 0);
	byte(&s, 1);
	byte(&s, 0x7f);
	section(m, 1, &s);
	if (with_import) {
		s.n = 0;
		leb(&s, 1);
		leb(&s, 3);
		put(&s, (const uint8_t *)"env", 3);
		leb(&s, 4);
		put(&s, (const uint8_t *)"host", 4);
		byte(&s, 0);
		leb(&s, 1);
		section(m, 2, &s);
	}
	s.n = 0;
	leb(&s, 1);
	leb(&s, 0);
	section(m, 3, &s);
	s.n = 0;
	leb(&s, 1);
	byte(&s, 1);
	leb(&s, 1);
	leb(&s, 2);
	section(m, 5, &s);
	s.n = 0;
	leb(&s, 1);
	leb(&s, 1);
	byte(&s, 'f');
	byte(&s, 0);
	leb(&s, with_import ? 1 : 0);
	section(m, 7, &s);
	s.n = 0;
	leb(&s, 1);
	leb(&s, (uint32_t)ncode);
	put(&s, code, ncode);
	section(m, 10, &s);
}

static int load(const struct buf *m, wasm_module **out, char *err,
		size_t errlen)
{
	return wasm_module_new(m->b, m->n, out, err, errlen);
}

static int host_calls;

static int host_fail(void *ctx, wasm_instance *caller, const wasm_val *args,
		     wasm_val *results)
{
	(void)ctx;
	(void)caller;
	(void)args;
	(void)results;
	host_calls++;
	return -1;
}

static wasm_func *host_fn;
static int reenter_calls, reenter_inner_trap;

/* Calls back into the caller's "f", which calls us again: unbounded. */
static int host_reenter(void *ctx, wasm_instance *caller,
			const wasm_val *args, wasm_val *results)
{
	struct wasm_trap trap;
	(void)ctx;
	(void)args;
	reenter_calls++;
	if (wasm_call(caller, "f", NULL, 0, results, 1, &trap)) {
		if (trap.code == WASM_TRAP_STACK_EXHAUSTED)
			reenter_inner_trap = 1;
		return -1;
	}
	return 0;
}

static int resolve(void *ctx, const char *module, const char *name,
		   enum wasm_extern_kind kind, struct wasm_extern *out)
{
	(void)ctx;
	if (strcmp(module, "env") || strcmp(name, "host") ||
	    kind != WASM_EXTERN_FUNC)
		return GRAFT_ENOENT;
	out->kind = WASM_EXTERN_FUNC;
	out->u.func = host_fn;
	return 0;
}

/* Instantiate m and call "f"; returns wasm_call's result. */
static int run(const struct buf *m, const struct wasm_store_limits *lim,
	       const wasm_val *args, uint32_t nargs, wasm_val *res,
	       struct wasm_trap *trap)
{
	static const uint8_t i32 = WASM_I32;
	wasm_module *mod;
	wasm_instance *inst;
	wasm_store *st;
	char err[200];
	int rc = load(m, &mod, err, sizeof(err));
	if (rc) {
		diag("load failed: %s", err);
		return rc;
	}
	st = wasm_store_new(lim);
	host_fn = wasm_func_new_host(st, NULL, 0, &i32, 1, host_fail, NULL);
	rc = wasm_instantiate(st, mod, resolve, NULL, &inst, trap, err,
			      sizeof(err));
	if (!rc)
		rc = wasm_call(inst, "f", args, nargs, res, 1, trap);
	else
		diag("instantiate failed: %s", err);
	wasm_store_free(st);
	wasm_module_free(mod);
	return rc;
}

static const uint8_t add_body[] = {
	0x00,		  /* no locals */
	0x20, 0x00,	  /* local.get 0 */
	0x20, 0x01,	  /* local.get 1 */
	0x6a,		  /* i32.add */
	0x0b,		  /* end */
};

static void test_valid_module_runs(void)
{
	struct buf m;
	wasm_val args[2], res;
	struct wasm_trap trap;
	module(&m, 2, add_body, sizeof(add_body), 0);
	args[0].i32 = 40;
	args[1].i32 = 2;
	is_int(run(&m, NULL, args, 2, &res, &trap), 0, "a valid module runs");
	is_int(res.i32, 42, "and returns the sum");
}

static void test_truncated_everywhere(void)
{
	struct buf m;
	wasm_module *mod;
	char err[200];
	size_t full, refused = 0;
	module(&m, 2, add_body, sizeof(add_body), 0);
	full = m.n;
	for (size_t n = 0; n < full; n++) {
		m.n = n;
		if (load(&m, &mod, err, sizeof(err)) != 0)
			refused++;
		else
			wasm_module_free(mod);
	}
	/*
	 * Two prefixes are valid modules: the bare header, and the header
	 * with the type section (nothing after it is required).
	 */
	is_int(refused, full - 2, "every other truncation is refused");
	m.n = 7;
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EFORMAT,
	       "a truncated header is malformed");
	ok(err[0] != 0, "with a message: %s", err);
}

static void test_bad_leb(void)
{
	struct buf m;
	wasm_module *mod;
	char err[200];
	/* a type count encoded in 6 bytes */
	static const uint8_t too_long[] = {1, 7, 0x81, 0x80, 0x80, 0x80, 0x80,
					   0x00, 0};
	/* 5th byte with bits above 32 set */
	static const uint8_t too_big[] = {1, 6, 0x80, 0x80, 0x80, 0x80, 0x70,
					  0};
	header(&m);
	put(&m, too_long, sizeof(too_long));
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EFORMAT,
	       "an over-long LEB128 is malformed");
	diag("%s", err);
	header(&m);
	put(&m, too_big, sizeof(too_big));
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EFORMAT,
	       "a LEB128 with unused bits set is malformed");
	diag("%s", err);
}

static void test_section_past_end(void)
{
	struct buf m;
	wasm_module *mod;
	char err[200];
	header(&m);
	byte(&m, 1);
	leb(&m, 1000);
	byte(&m, 0);
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EFORMAT,
	       "a section size past the end is malformed");
	diag("%s", err);
	header(&m);
	byte(&m, 1);
	leb(&m, 3); /* claims 3 bytes, holds an empty vector + 2 extra */
	byte(&m, 0);
	byte(&m, 0);
	byte(&m, 0);
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EFORMAT,
	       "a section with bytes left over is malformed");
}

static void test_huge_counts(void)
{
	struct buf m;
	wasm_module *mod;
	char err[200];
	static const uint8_t kinds[] = {1, 2, 3, 6, 7, 9, 11};
	for (size_t i = 0; i < sizeof(kinds); i++) {
		header(&m);
		byte(&m, kinds[i]);
		leb(&m, 5);
		leb(&m, 0xffffffffu);
		is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EFORMAT,
		       "a count of 2^32-1 in a 5-byte section is refused "
		       "before allocating");
	}
	/* locals: 2^32-1 of them in one group */
	static const uint8_t body[] = {1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f,
				       0x41, 0, 0x0b};
	module(&m, 0, body, sizeof(body), 0);
	ok(load(&m, &mod, err, sizeof(err)) != 0, "4 billion locals refused");
	diag("%s", err);
}

static void test_bad_indices(void)
{
	struct buf m;
	wasm_module *mod;
	char err[200];
	static const uint8_t bad_local[] = {0, 0x20, 5, 0x0b};
	static const uint8_t bad_call[] = {0, 0x10, 9, 0x0b};
	static const uint8_t bad_global[] = {0, 0x23, 0, 0x0b};
	static const uint8_t bad_label[] = {0, 0x0c, 3, 0x0b};
	static const uint8_t bad_op[] = {0, 0xff, 0x0b};
	module(&m, 0, bad_local, sizeof(bad_local), 0);
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EINVAL,
	       "an unknown local is invalid");
	diag("%s", err);
	module(&m, 0, bad_call, sizeof(bad_call), 0);
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EINVAL,
	       "an unknown function is invalid");
	module(&m, 0, bad_global, sizeof(bad_global), 0);
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EINVAL,
	       "an unknown global is invalid");
	module(&m, 0, bad_label, sizeof(bad_label), 0);
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EINVAL,
	       "an unknown label is invalid");
	module(&m, 0, bad_op, sizeof(bad_op), 0);
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EFORMAT,
	       "an illegal opcode is malformed");
}

static void nested(struct buf *code, uint32_t depth)
{
	code->n = 0;
	byte(code, 0);
	for (uint32_t i = 0; i < depth; i++) {
		byte(code, 0x02);
		byte(code, 0x40);
	}
	for (uint32_t i = 0; i < depth; i++)
		byte(code, 0x0b);
	byte(code, 0x41);
	byte(code, 7);
	byte(code, 0x0b);
}

static void test_deep_nesting(void)
{
	static struct buf m, code;
	wasm_module *mod;
	wasm_val res;
	struct wasm_trap trap;
	char err[200];
	nested(&code, 5000);
	module(&m, 0, code.b, code.n, 0);
	is_int(run(&m, NULL, NULL, 0, &res, &trap), 0,
	       "5000 nested blocks validate and run");
	nested(&code, 20000);
	module(&m, 0, code.b, code.n, 0);
	is_int(load(&m, &mod, err, sizeof(err)), GRAFT_EINVAL,
	       "20000 nested blocks are refused");
	diag("%s", err);
}

static void expect_trap(const uint8_t *body, size_t n, uint32_t nparams,
			const struct wasm_store_limits *lim,
			enum wasm_trap_code want, const char *name)
{
	struct buf m;
	wasm_val args[1] = {{0}}, res;
	struct wasm_trap trap;
	int rc;
	memset(&trap, 0, sizeof(trap));
	module(&m, nparams, body, n, 1);
	rc = run(&m, lim, args, nparams, &res, &trap);
	is_int(rc, GRAFT_ETRAP, name);
	is_str(wasm_trap_name(trap.code), wasm_trap_name(want),
	       "with the right reason");
	ok(trap.func == 1, "in function 1 (got %u)", trap.func);
	ok(trap.offset > 0 && trap.offset < m.n,
	   "at an offset inside the module (got %u)", trap.offset);
}

static void test_traps(void)
{
	struct wasm_store_limits lim;
	/* loop br 0 end: an endless loop */
	static const uint8_t endless[] = {0, 0x03, 0x40, 0x0c, 0, 0x0b,
					  0x41, 0, 0x0b};
	/* call 1 (itself) forever */
	static const uint8_t recurse[] = {0, 0x10, 1, 0x0b};
	static const uint8_t divzero[] = {0, 0x41, 1, 0x41, 0, 0x6d, 0x0b};
	static const uint8_t oob[] = {0, 0x41, 0xfd, 0xff, 0x03, 0x28, 2, 0,
				      0x0b};
	static const uint8_t unreach[] = {0, 0x00, 0x0b};
	static const uint8_t host[] = {0, 0x10, 0, 0x0b};
	memset(&lim, 0, sizeof(lim));
	lim.fuel = 100000;
	expect_trap(endless, sizeof(endless), 0, &lim,
		    WASM_TRAP_OUT_OF_FUEL, "an endless loop runs out of fuel");
	lim.call_depth = 1000;
	expect_trap(recurse, sizeof(recurse), 0, &lim,
		    WASM_TRAP_STACK_EXHAUSTED,
		    "endless recursion exhausts the call stack");
	expect_trap(divzero, sizeof(divzero), 0, NULL, WASM_TRAP_DIV_ZERO,
		    "division by zero traps");
	expect_trap(oob, sizeof(oob), 0, NULL, WASM_TRAP_MEMORY_OOB,
		    "a load past the end of memory traps");
	expect_trap(unreach, sizeof(unreach), 0, NULL, WASM_TRAP_UNREACHABLE,
		    "unreachable traps");
	host_calls = 0;
	expect_trap(host, sizeof(host), 0, NULL, WASM_TRAP_HOST,
		    "a failing host function traps its caller");
	is_int(host_calls, 1, "the host function ran once");
}

static void test_memory_limit(void)
{
	struct buf m;
	struct wasm_store_limits lim;
	wasm_val res;
	struct wasm_trap trap;
	/* memory.grow 1: to 2 pages (the module's max) */
	static const uint8_t grow[] = {0, 0x41, 1, 0x40, 0, 0x0b};
	memset(&lim, 0, sizeof(lim));
	module(&m, 0, grow, sizeof(grow), 1);
	is_int(run(&m, &lim, NULL, 0, &res, &trap), 0, "memory.grow runs");
	is_int(res.i32, 1, "and grows within the module's max");
	lim.memory_pages = 1;
	is_int(run(&m, &lim, NULL, 0, &res, &trap), 0,
	       "memory.grow past the store limit runs");
	is_int(res.i32, -1, "and returns -1");
}

static void test_host_reentry_bounded(void)
{
	static const uint8_t i32 = WASM_I32;
	static const uint8_t body[] = {0, 0x10, 0, 0x0b};
	struct buf m;
	wasm_module *mod;
	wasm_instance *inst;
	wasm_store *st;
	wasm_val res;
	struct wasm_trap trap;
	char err[200];
	module(&m, 0, body, sizeof(body), 1);
	if (load(&m, &mod, err, sizeof(err))) {
		ok(0, "re-entry module loads: %s", err);
		return;
	}
	st = wasm_store_new(NULL);
	host_fn = wasm_func_new_host(st, NULL, 0, &i32, 1, host_reenter, NULL);
	is_int(wasm_instantiate(st, mod, resolve, NULL, &inst, &trap, err,
				sizeof(err)),
	       0, "re-entry module instantiates");
	is_int(wasm_call(inst, "f", NULL, 0, &res, 1, &trap), GRAFT_ETRAP,
	       "endless host re-entry traps instead of overflowing the C "
	       "stack");
	ok(reenter_inner_trap, "the innermost call ran out of call stack");
	ok(reenter_calls > 1 && reenter_calls <= 64,
	   "after a bounded number of nested calls (%d)", reenter_calls);
	wasm_store_free(st);
	wasm_module_free(mod);
}

int main(void)
{
	test_valid_module_runs();
	test_truncated_everywhere();
	test_bad_leb();
	test_section_past_end();
	test_huge_counts();
	test_bad_indices();
	test_deep_nesting();
	test_traps();
	test_memory_limit();
	test_host_reentry_bounded();
	return done_testing();
}
