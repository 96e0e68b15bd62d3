/*
 * The bytecode module format's state, shared by fmt_wasm.c (loading,
 * entry points, traps) and fmt_wasm_imports.c (the "graft" imports).
 */
#ifndef GRAFT_KERNEL_MOD_FMT_WASM_H
#define GRAFT_KERNEL_MOD_FMT_WASM_H

#include "lib/wasm/wasm.h"
#include "mod_internal.h"

/* Limits of every bytecode module (beyond them: refused, or a trap). */
#define MOD_WASM_MAX_PAGES 256u /* 16 MiB of linear memory */
#ifndef MOD_WASM_FUEL /* the fuzz build gives less (tests/mod/build.mk) */
#define MOD_WASM_FUEL 10000000ull /* per call into the module */
#endif
#define MOD_WASM_STACK	    65536u /* value stack slots */
#define MOD_WASM_CALL_DEPTH 1000u
#define MOD_WASM_TABLE	    10000u /* table elements */
#define MOD_WASM_FAULT_MAX  96u
#define MOD_WASM_PAGE	    65536u /* bytes in a wasm page */

struct mod_wasm {
	struct mod *m;
	wasm_module *module;
	wasm_store *store;
	wasm_instance *inst;
	wasm_func *entry[MOD_NENTRY];
	/* why a graft import trapped its caller (bad guest range...) */
	char fault[MOD_WASM_FAULT_MAX];
};

/* mod_wasm_import_check - whether (module, name) is a graft import this
 * kernel provides; the message names it otherwise. */
int mod_wasm_import_check(const char *module, const char *name,
			  struct mod_err *e);

/* mod_wasm_resolve - the wasm_resolve_fn of instantiation: a host function
 * of w's store for each graft import (ctx is w). */
int mod_wasm_resolve(void *ctx, const char *module, const char *name,
		     enum wasm_extern_kind kind, struct wasm_extern *out);

#endif
