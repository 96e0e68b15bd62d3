/*
 * libFuzzer target for lib/wasm: decode and validate the input; if it is a
 * module, instantiate it (every import resolved to a do-nothing host
 * object of the right kind where possible) with a small store, then call
 * every exported function that takes no parameters, with a little fuel.
 * Anything but a clean refusal, a trap or a result is a bug.
 */
#include <graft/error.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/wasm/wasm.h"

struct fuzz_ctx {
	wasm_store *st;
};

static int host_nop(void *ctx, wasm_instance *caller, const wasm_val *args,
		    wasm_val *results)
{
	(void)ctx;
	(void)caller;
	(void)args;
	(void)results;
	return 0;
}

static int resolve(void *ctx, const char *module, const char *name,
		   enum wasm_extern_kind kind, struct wasm_extern *out)
{
	struct fuzz_ctx *c = ctx;
	wasm_val zero;
	(void)module;
	(void)name;
	zero.bits = 0;
	out->kind = kind;
	switch (kind) {
	case WASM_EXTERN_FUNC:
		/* only [] -> [] links; other types are refused by the check */
		out->u.func = wasm_func_new_host(c->st, NULL, 0, NULL, 0,
						 host_nop, NULL);
		break;
	case WASM_EXTERN_TABLE:
		out->u.table = wasm_table_new(c->st, WASM_FUNCREF, 10, 20);
		break;
	case WASM_EXTERN_MEMORY:
		out->u.memory = wasm_memory_new(c->st, 1, 2);
		break;
	default:
		out->u.global = wasm_global_new(c->st, WASM_I32, 0, zero);
	}
	return out->u.func ? 0 : GRAFT_ENOMEM;
}

static const char *const probe_names[] = {"", "f", "main", "_start", "run",
					  "0", "1", "2", "a", "b"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wasm_store_limits lim = {
		.memory_pages = 16,
		.table_elems = 1 << 16,
		.stack_slots = 1 << 16,
		.call_depth = 500,
		.fuel = 20000,
	};
	struct fuzz_ctx c;
	wasm_module *m;
	wasm_instance *inst;
	struct wasm_trap trap;
	char err[256];

	if (wasm_module_new(data, size, &m, err, sizeof(err)))
		return 0;
	c.st = wasm_store_new(&lim);
	if (c.st && wasm_instantiate(c.st, m, resolve, &c, &inst, &trap, err,
				     sizeof(err)) == 0) {
		for (size_t i = 0; i < sizeof(probe_names) / sizeof(*probe_names);
		     i++) {
			struct wasm_extern ex;
			uint32_t np, nr;
			wasm_val res[16];
			if (wasm_instance_export(inst, probe_names[i], &ex) ||
			    ex.kind != WASM_EXTERN_FUNC)
				continue;
			wasm_func_arity(ex.u.func, &np, &nr);
			if (np == 0 && nr <= 16)
				wasm_func_call(c.st, ex.u.func, NULL, 0, res, nr,
					       &trap);
		}
	}
	wasm_store_free(c.st);
	wasm_module_free(m);
	return 0;
}
