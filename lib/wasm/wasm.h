/*
 * graft's WebAssembly engine: the public interface.
 *
 * A module is decoded, validated and compiled once (wasm_module_new) into a
 * pre-decoded form; it can then be instantiated any number of times into a
 * store.  A store owns everything that instances create or share (functions,
 * tables, memories, globals, the value stack and call stack) and frees it
 * all in wasm_store_free: objects of one store may reference each other
 * freely, which is what linking between instances needs.
 *
 * Every call into WebAssembly runs with a fuel budget and a bounded call
 * depth; a trap is a return value (GRAFT_ETRAP) with its reason and place in
 * a struct wasm_trap, never a crash.  Errors are 0 or negative GRAFT_E* codes
 * from include/graft/error.h.
 *
 * Not thread safe: one store is used by one thread at a time.
 */
#ifndef GRAFT_WASM_H
#define GRAFT_WASM_H

#include <stddef.h>
#include <stdint.h>

/* Value types, with their binary encodings. */
enum wasm_valtype {
	WASM_I32 = 0x7f,
	WASM_I64 = 0x7e,
	WASM_F32 = 0x7d,
	WASM_F64 = 0x7c,
	WASM_FUNCREF = 0x70,
	WASM_EXTERNREF = 0x6f,
};

/*
 * One value.  i32 lives in the low half; references are pointers (a funcref
 * is a struct wasm_func *, an externref whatever the host put there; NULL is
 * the null reference).
 */
typedef union wasm_val {
	int32_t i32;
	int64_t i64;
	float f32;
	double f64;
	void *ref;
	uint64_t bits;
} wasm_val;

enum wasm_extern_kind {
	WASM_EXTERN_FUNC = 0,
	WASM_EXTERN_TABLE = 1,
	WASM_EXTERN_MEMORY = 2,
	WASM_EXTERN_GLOBAL = 3,
};

/* Why a call trapped. */
#define WASM_TRAPS(X)                                                      \
	X(WASM_TRAP_NONE, "no trap")                                       \
	X(WASM_TRAP_UNREACHABLE, "unreachable")                            \
	X(WASM_TRAP_MEMORY_OOB, "out of bounds memory access")             \
	X(WASM_TRAP_TABLE_OOB, "out of bounds table access")               \
	X(WASM_TRAP_DIV_ZERO, "integer divide by zero")                    \
	X(WASM_TRAP_INT_OVERFLOW, "integer overflow")                      \
	X(WASM_TRAP_INVALID_CONVERSION, "invalid conversion to integer")   \
	X(WASM_TRAP_INDIRECT_TYPE, "indirect call type mismatch")          \
	X(WASM_TRAP_UNDEFINED_ELEMENT, "undefined element")                \
	X(WASM_TRAP_UNINITIALIZED_ELEMENT, "uninitialized element")        \
	X(WASM_TRAP_STACK_EXHAUSTED, "call stack exhausted")               \
	X(WASM_TRAP_OUT_OF_FUEL, "out of fuel")                            \
	X(WASM_TRAP_HOST, "host function failed")

enum wasm_trap_code {
#define WASM_TRAP_ENUM(name, text) name,
	WASM_TRAPS(WASM_TRAP_ENUM)
#undef WASM_TRAP_ENUM
};

/*
 * Where and why a call trapped.  func is the function index in its module
 * (imports counted first, as in the binary format); offset is the byte
 * offset of the trapping instruction from the start of the module's bytes,
 * 0 when the trap did not happen in bytecode (a host function, the start of
 * a call).
 */
struct wasm_trap {
	enum wasm_trap_code code;
	uint32_t func;
	uint32_t offset;
};

/* wasm_trap_name - the text of a trap code ("integer divide by zero"). */
const char *wasm_trap_name(enum wasm_trap_code code);

typedef struct wasm_store wasm_store;
typedef struct wasm_module wasm_module;
typedef struct wasm_instance wasm_instance;
typedef struct wasm_func wasm_func;
typedef struct wasm_table wasm_table;
typedef struct wasm_memory wasm_memory;
typedef struct wasm_global wasm_global;

/* An import or export's object. */
struct wasm_extern {
	enum wasm_extern_kind kind;
	union {
		wasm_func *func;
		wasm_table *table;
		wasm_memory *memory;
		wasm_global *global;
	} u;
};

/*
 * Resource limits of a store.  Zero fields take the defaults from
 * wasm_config.h.  memory_pages caps every memory the store creates or
 * grows (a module asking for more at instantiation is refused, memory.grow
 * past it returns -1), fuel is the budget of each top-level call.
 */
struct wasm_store_limits {
	uint32_t memory_pages;
	uint32_t table_elems;
	uint32_t stack_slots;
	uint32_t call_depth;
	uint64_t fuel;
};

/*
 * wasm_store_new - a new, empty store.
 * lim may be NULL for the defaults.  Returns NULL when out of memory.
 */
wasm_store *wasm_store_new(const struct wasm_store_limits *lim);

/* wasm_store_free - free the store and every object and instance in it. */
void wasm_store_free(wasm_store *st);

/*
 * wasm_store_set_fuel - the fuel each later top-level call starts with.
 * Fuel is charged per function entry and per loop iteration, so it bounds
 * the running time of a call without costing a check per instruction.
 */
void wasm_store_set_fuel(wasm_store *st, uint64_t fuel);

/* wasm_store_fuel_left - the fuel the last top-level call had left. */
uint64_t wasm_store_fuel_left(const wasm_store *st);

/*
 * wasm_module_new - decode, validate and compile a binary module.
 * The bytes are copied; the caller may free them afterwards.  On failure
 * returns GRAFT_EFORMAT (malformed binary), GRAFT_EINVAL (fails validation),
 * GRAFT_ENOTSUP (beyond an engine limit) or GRAFT_ENOMEM, with a message
 * naming what was wrong in err (errlen bytes, may be 0).
 */
int wasm_module_new(const uint8_t *bytes, size_t len, wasm_module **out,
		    char *err, size_t errlen);

/* wasm_module_free - free a module.  Instances made from it must be gone. */
void wasm_module_free(wasm_module *m);

/*
 * wasm_module_export_const - the value of an exported immutable i32 global
 * whose initialiser is a constant (what wasm-ld makes of an exported data
 * symbol: its address).  GRAFT_ENOENT if there is no such export.
 */
int wasm_module_export_const(const wasm_module *m, const char *name,
			     uint32_t *value);

/*
 * wasm_module_data_read - the len bytes at addr of memory 0 as the active
 * data segments with constant offsets initialise it (later segments over
 * earlier ones, zero elsewhere), without instantiating anything.
 * GRAFT_ERANGE if the range is not inside the memory's initial size or the
 * module has no memory of its own.
 */
int wasm_module_data_read(const wasm_module *m, uint32_t addr, void *buf,
			  size_t len);

/* One import of a module, as wasm_module_import() describes it. */
struct wasm_import_desc {
	const char *module;
	const char *name;
	enum wasm_extern_kind kind;
};

/* wasm_module_import_count - how many imports the module declares. */
uint32_t wasm_module_import_count(const wasm_module *m);

/* wasm_module_import - describe import i; GRAFT_ERANGE if out of range. */
int wasm_module_import(const wasm_module *m, uint32_t i,
		       struct wasm_import_desc *out);

/*
 * The import resolver that wasm_instantiate calls once per import: fill
 * *out with the object for (module, name) and return 0, or return a
 * negative code (the import is then reported unresolved).  The kind and
 * type are checked by wasm_instantiate afterwards.
 */
typedef int (*wasm_resolve_fn)(void *ctx, const char *module,
			       const char *name, enum wasm_extern_kind kind,
			       struct wasm_extern *out);

/*
 * wasm_instantiate - instantiate a module into a store: resolve and
 * type-check imports, create its functions, tables, memories and globals,
 * apply the active element and data segments and run the start function.
 * Returns 0 and the instance in *out, GRAFT_ENOSYM (an import is missing or
 * of the wrong type: "unlinkable"), GRAFT_ETRAP (a segment was out of bounds
 * or the start function trapped: *trap says why; objects already written
 * stay written, as the spec requires), GRAFT_ENOSPC (over a store limit)
 * or GRAFT_ENOMEM, with a message in err.  The instance belongs to the
 * store; the module must outlive it.
 */
int wasm_instantiate(wasm_store *st, const wasm_module *m,
		     wasm_resolve_fn resolve, void *ctx, wasm_instance **out,
		     struct wasm_trap *trap, char *err, size_t errlen);

/* wasm_instance_export - look up an export by name; GRAFT_ENOENT if none. */
int wasm_instance_export(const wasm_instance *inst, const char *name,
			 struct wasm_extern *out);

/* wasm_instance_export_n - the same for a name of len bytes (may hold NUL). */
int wasm_instance_export_n(const wasm_instance *inst, const char *name,
			   size_t len, struct wasm_extern *out);

/* wasm_instance_memory - the instance's memory 0, or NULL if it has none. */
wasm_memory *wasm_instance_memory(const wasm_instance *inst);

/*
 * Host functions.  args holds the parameters, results receives the results
 * (they may alias: read all args before writing results).  caller is the
 * instance whose code made the call (NULL when called through the API).
 * Return 0, or any non-zero value to trap the caller with WASM_TRAP_HOST.
 */
typedef int (*wasm_host_fn)(void *ctx, wasm_instance *caller,
			    const wasm_val *args, wasm_val *results);

/*
 * wasm_func_new_host - a function implemented in C.  params and results
 * are arrays of enum wasm_valtype values.  Returns NULL if out of memory.
 */
wasm_func *wasm_func_new_host(wasm_store *st, const uint8_t *params,
			      uint32_t nparams, const uint8_t *results,
			      uint32_t nresults, wasm_host_fn fn, void *ctx);

/* wasm_func_arity - the number of parameters and results of a function. */
void wasm_func_arity(const wasm_func *f, uint32_t *nparams,
		     uint32_t *nresults);

/* wasm_func_param_type / result_type - type of parameter/result i. */
enum wasm_valtype wasm_func_param_type(const wasm_func *f, uint32_t i);
enum wasm_valtype wasm_func_result_type(const wasm_func *f, uint32_t i);

/*
 * wasm_func_call - call a function with nargs arguments, receiving nresults
 * results.  The counts must match the function's type (GRAFT_EINVAL).
 * Runs with the store's fuel budget.  Returns 0, or GRAFT_ETRAP with *trap
 * filled in (trap may be NULL).
 */
int wasm_func_call(wasm_store *st, wasm_func *f, const wasm_val *args,
		   uint32_t nargs, wasm_val *results, uint32_t nresults,
		   struct wasm_trap *trap);

/*
 * wasm_call - call an exported function by name: wasm_func_call on the
 * export, or GRAFT_ENOENT if there is no such function export.
 */
int wasm_call(wasm_instance *inst, const char *name, const wasm_val *args,
	      uint32_t nargs, wasm_val *results, uint32_t nresults,
	      struct wasm_trap *trap);

/*
 * wasm_table_new - a table of elemtype (WASM_FUNCREF or WASM_EXTERNREF)
 * with min elements (all null) and at most max (UINT32_MAX: unbounded).
 * Returns NULL when out of memory or over the store's limit.
 */
wasm_table *wasm_table_new(wasm_store *st, enum wasm_valtype elemtype,
			   uint32_t min, uint32_t max);

/* wasm_table_size - the current number of elements. */
uint32_t wasm_table_size(const wasm_table *t);

/* wasm_memory_new - a memory of min pages, at most max (UINT32_MAX: none). */
wasm_memory *wasm_memory_new(wasm_store *st, uint32_t min, uint32_t max);

/*
 * wasm_memory_data - the memory's bytes and size.  The pointer is valid
 * until the memory next grows.
 */
uint8_t *wasm_memory_data(const wasm_memory *mem, uint64_t *size);

/*
 * wasm_memory_grow - grow mem by delta pages, as memory.grow would (within
 * its maximum and the store's limit).  *old (may be NULL) receives the size
 * before, in pages.  GRAFT_ENOSPC if it cannot grow.
 */
int wasm_memory_grow(wasm_store *st, wasm_memory *mem, uint32_t delta,
		     uint32_t *old);

/* wasm_global_new - a global of type, mutable if mut, holding init. */
wasm_global *wasm_global_new(wasm_store *st, enum wasm_valtype type, int mut,
			     wasm_val init);

/* wasm_global_get / wasm_global_set - read or write a global's value. */
wasm_val wasm_global_get(const wasm_global *g);
void wasm_global_set(wasm_global *g, wasm_val v);

#endif
