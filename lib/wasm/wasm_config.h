/*
 * Every limit of the WebAssembly engine in one place.  The decoder refuses
 * modules beyond the structural limits (GRAFT_ENOTSUP or GRAFT_EFORMAT, as
 * the spec's implementation limits allow); the store limits are defaults
 * that wasm_store_new's caller may lower or raise.
 */
#ifndef GRAFT_WASM_CONFIG_H
#define GRAFT_WASM_CONFIG_H

/* Structural limits of one module. */
#define WASM_MAX_MODULE_BYTES (64u << 20)
#define WASM_MAX_TYPES 100000u
#define WASM_MAX_FUNCS 1000000u
#define WASM_MAX_IMPORTS 100000u
#define WASM_MAX_EXPORTS 100000u
#define WASM_MAX_GLOBALS 1000000u
#define WASM_MAX_TABLES 100000u
#define WASM_MAX_ELEM_SEGMENTS 100000u
#define WASM_MAX_DATA_SEGMENTS 100000u
#define WASM_MAX_PARAMS 1000u
#define WASM_MAX_RESULTS 1000u
#define WASM_MAX_LOCALS 50000u
#define WASM_MAX_NAME_BYTES 100000u
#define WASM_MAX_BR_TABLE 100000u
/* Nesting of blocks and operand stack height inside one function. */
#define WASM_MAX_CONTROL_DEPTH 10000u
#define WASM_MAX_OPERAND_HEIGHT 100000u

/*
 * Calls that leave the dispatch loop (to another instance's function, or
 * from a host function back into wasm) recurse on the C stack: bound them
 * separately so a chain of them cannot overflow a small kernel stack.
 */
#define WASM_MAX_NESTED_RUNS 64u

/* Memory pages are 64 KiB; a 32-bit memory has at most 65536 of them. */
#define WASM_PAGE_SIZE 65536u
#define WASM_MAX_PAGES 65536u

/* Store defaults (struct wasm_store_limits fields left 0). */
#define WASM_DEFAULT_MEMORY_PAGES 65536u
#define WASM_DEFAULT_TABLE_ELEMS 10000000u
#define WASM_DEFAULT_STACK_SLOTS (1u << 20)
#define WASM_DEFAULT_CALL_DEPTH 20000u
#define WASM_DEFAULT_FUEL 2000000000ull

#endif
