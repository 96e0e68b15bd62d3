/*
 * What a module author includes.  A native module is an ELF64 relocatable
 * object (built by tools/graft-module-build.sh, `graft module build`); the
 * same C file builds as a WebAssembly module too (graft-module-build.sh
 * --wasm), so everything here is a plain declaration macro that each format
 * maps to its own form.  The services a module may call, in both formats,
 * are in <graft/modapi.h>.
 *
 *	#include <graft/module.h>
 *
 *	GRAFT_MODULE("hello", "1.0", "MIT");
 *	GRAFT_MODULE_DEPENDS("pair-lib");	// zero or more
 *	static int hello_init(void) { ... return 0; }
 *	static void hello_exit(void) { ... }
 *	GRAFT_MODULE_INIT(hello_init);
 *	GRAFT_MODULE_EXIT(hello_exit);
 *
 *	int hello_greet(int n) { ... }		// declared in a header
 *	GRAFT_EXPORT(hello_greet);		// callable by later modules
 *
 * Native form: each macro places one fixed-layout struct graft_module_rec in
 * the section ".graft_module"; the loader reads them (exactly one INFO
 * record, at most one of each entry point, any number of DEPENDS).
 *
 * The kernel and its libraries use GRAFT_EXPORT beside a definition too: the
 * build collects the names (section ".graft_exports") and generates the
 * export table with a hash of each symbol's declaration (tools/mkexports).
 * An exported symbol must be declared in a header; that declaration, as the
 * preprocessor leaves it, is what is hashed.
 */
#ifndef GRAFT_MODULE_H
#define GRAFT_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include <graft/abi_version.h>

#define GRAFT_MODULE_MAGIC	 0x4d465247u /* "GRFM" */
#define GRAFT_MODULE_NAME_MAX	 32	     /* bytes, with the NUL */
#define GRAFT_MODULE_VERSION_MAX 16
#define GRAFT_MODULE_LICENCE_MAX 16

enum graft_module_rec_kind {
	GRAFT_MREC_INFO = 1,	/* name, version, licence */
	GRAFT_MREC_DEPENDS = 2, /* name: a module that must be live first */
	GRAFT_MREC_INIT = 3,
	GRAFT_MREC_EXIT = 4,
	GRAFT_MREC_SAVE = 5,
	GRAFT_MREC_RESTORE = 6,
	GRAFT_MREC_TIMER = 7, /* callbacks: see <graft/modapi.h> */
	GRAFT_MREC_MESSAGE = 8,
	GRAFT_MREC_NET = 9,
};

/*
 * Entry points.
 *
 * init: called once after the module is linked and protected, before it is
 *   registered.  Return 0, or a negative GRAFT_E* code to refuse: the loader
 *   then releases everything the module registered and frees it; exit is not
 *   called.
 * exit: called once at unload, before the module's remaining timers, fibers
 *   and devices are released and its memory is returned.
 *
 * Upgrade (graft upgrade): the new version is loaded beside the old one.
 * save (old version): at a quiescent point (no fiber of the module running),
 *   export the module's state as one heap buffer: *state = malloc'd bytes,
 *   *len = their length; return 0 or a negative code (the upgrade is then
 *   refused and the old version keeps running).  save must not change the
 *   old version's own state: if the upgrade fails later, the old version
 *   carries on as if nothing happened.  The buffer's format is the module's
 *   own business; put a version field in it.
 * restore (new version): called before the new version's init with the
 *   buffer from save.  It takes ownership of state whatever it returns (it
 *   must free() it or keep it).  Return 0 or a negative code (the new version
 *   is unloaded, the old one keeps running).  If the old version has no save
 *   or the new one no restore, the new version starts fresh and the manager
 *   logs that it did.
 */
typedef int (*graft_module_init_fn)(void);
typedef void (*graft_module_exit_fn)(void);
typedef int (*graft_module_save_fn)(void **state, size_t *len);
typedef int (*graft_module_restore_fn)(void *state, size_t len);

/*
 * Callbacks, run by the kernel's event loop on the module's behalf (never
 * inside another module's call), each at most once per module:
 * timer(id): a timer the module started with graft_mod_timer_start fired;
 * message(): messages wait in the module's mailbox (graft_mod_recv);
 * net(handle): frames may be pending on a granted net device.
 */
typedef void (*graft_module_timer_fn)(uint32_t id);
typedef void (*graft_module_message_fn)(void);
typedef void (*graft_module_net_fn)(int handle);

/* One metadata record: 80 bytes, 8-aligned, little-endian.  Strings are
 * NUL-terminated within their fields; unused bytes are zero. */
struct graft_module_rec {
	uint32_t magic;	      /* GRAFT_MODULE_MAGIC */
	uint16_t abi_version; /* GRAFT_ABI_VERSION */
	uint16_t kind;	      /* enum graft_module_rec_kind */
	char name[GRAFT_MODULE_NAME_MAX];
	char version[GRAFT_MODULE_VERSION_MAX];
	char licence[GRAFT_MODULE_LICENCE_MAX];
	union {
		graft_module_init_fn init;
		graft_module_exit_fn exit;
		graft_module_save_fn save;
		graft_module_restore_fn restore;
		graft_module_timer_fn timer;
		graft_module_message_fn message;
		graft_module_net_fn net;
		uint64_t raw;
	} entry; /* INIT..RESTORE: the function (relocated by the loader) */
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct graft_module_rec) == 80,
	       "struct graft_module_rec is part of the module ABI");

/* Symbol version records, section ".graft_symver", generated by the module
 * build (tools/mkexports), never written by hand: one per imported symbol
 * (the declaration hash the module was compiled against) and one per symbol
 * the module exports. */
#define GRAFT_SYMBOL_MAX 55 /* longest importable or exportable name */
enum graft_symver_kind {
	GRAFT_SYMVER_IMPORT = 1,
	GRAFT_SYMVER_EXPORT = 2,
};
struct graft_symver {
	uint64_t hash; /* tools/mkexports: FNV-1a 64 of the declaration */
	uint8_t kind;  /* enum graft_symver_kind */
	char name[GRAFT_SYMBOL_MAX];
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct graft_symver) == 64,
	       "struct graft_symver is part of the module ABI");

#define GRAFT_CAT2_(a, b) a##b
#define GRAFT_CAT_(a, b)  GRAFT_CAT2_(a, b)

#if defined(__wasm__)
/*
 * WebAssembly (tools/graft-module-build.sh --wasm).  GRAFT_MODULE's record
 * is the data symbol graft_module_info, which the build exports as a global
 * holding its address: the loader reads the record from the module's data
 * segments without running any of its code.  Entry points and callbacks
 * are wasm exports of fixed names (graft_module_init, graft_module_exit,
 * graft_module_save, graft_module_restore, graft_module_timer,
 * graft_module_message, graft_module_net) that wrap the author's functions.
 * The save export returns the state as one i64, (address << 32) | length,
 * or a negative code: the state stays in the old version's memory and the
 * loader copies it.  The restore export receives the address and length of
 * a copy the loader placed in pages it added to the new version's memory;
 * it must not free it.  GRAFT_MODULE_DEPENDS and GRAFT_EXPORT have no
 * bytecode form: a bytecode module links against the graft imports only
 * and talks to other modules by messages (<graft/modapi.h>).
 */
#define GRAFT_MODULE_INFO_REC_                                                 \
	const struct graft_module_rec graft_module_info __attribute__((used))
#define GRAFT_MODULE_DEPENDS_REC_                                              \
	_Static_assert(0, "GRAFT_MODULE_DEPENDS: not for bytecode modules");   \
	static const struct graft_module_rec __attribute__((unused))           \
	GRAFT_CAT_(graft_mrec_, __COUNTER__)
#define GRAFT_WASM_ENTRY_(name, ret, params, call)                             \
	__attribute__((export_name("graft_module_" #name)))                    \
	ret graft_module_##name##_entry params                                 \
	{                                                                      \
		call;                                                          \
	}                                                                      \
	_Static_assert(1, #name)
#define GRAFT_MODULE_ENTRY_(k, field, fn) GRAFT_WASM_##field##_(fn)
#define GRAFT_WASM_init_(fn)		  GRAFT_WASM_ENTRY_(init, int, (void), return fn())
#define GRAFT_WASM_exit_(fn)		  GRAFT_WASM_ENTRY_(exit, void, (void), fn())
#define GRAFT_WASM_save_(fn)                                                   \
	GRAFT_WASM_ENTRY_(                                                     \
	    save, long long, (void), void *s_ = 0; size_t n_ = 0;              \
	    int rc_ = fn(&s_, &n_);                                            \
	    return rc_ ? (rc_ < 0 ? rc_ : -1)                                  \
		       : (long long)((unsigned long long)(uintptr_t)s_ << 32 | \
				     n_))
#define GRAFT_WASM_restore_(fn)                                                \
	GRAFT_WASM_ENTRY_(restore, int, (void *s, size_t n), return fn(s, n))
#define GRAFT_WASM_timer_(fn)                                                  \
	GRAFT_WASM_ENTRY_(timer, void, (uint32_t id), fn(id))
#define GRAFT_WASM_message_(fn) GRAFT_WASM_ENTRY_(message, void, (void), fn())
#define GRAFT_WASM_net_(fn)	GRAFT_WASM_ENTRY_(net, void, (int h), fn(h))
#define GRAFT_EXPORT(sym)                                                      \
	_Static_assert(0, "GRAFT_EXPORT: not for bytecode modules")
#else
#define GRAFT_MODULE_INFO_REC_	  GRAFT_MODULE_REC_
#define GRAFT_MODULE_DEPENDS_REC_ GRAFT_MODULE_REC_
#define GRAFT_MODULE_REC_                                                      \
	static const struct graft_module_rec                                   \
	    __attribute__((used, section(".graft_module"), aligned(8)))        \
	    GRAFT_CAT_(graft_mrec_, __COUNTER__)
#define GRAFT_MODULE_ENTRY_(k, field, fn)                                      \
	GRAFT_MODULE_REC_ = {.magic = GRAFT_MODULE_MAGIC,                      \
			     .abi_version = GRAFT_ABI_VERSION,                 \
			     .kind = (k),                                      \
			     .entry.field = (fn)}
/* GRAFT_EXPORT - make sym (a global function or variable, declared in a
 * header) callable by modules loaded later.  Records only the name, in a
 * section that is never loaded; the build does the rest. */
#define GRAFT_EXPORT(sym)                                                      \
	extern __typeof__(sym) sym;                                            \
	__asm__(".pushsection .graft_exports,\"\",@progbits\n\t.asciz \"" #sym \
		"\"\n\t.popsection")
#endif

/* GRAFT_MODULE - name (at most 31 bytes: letters, digits, '-', '_', '.'),
 * version and licence strings (at most 15 bytes each).  Exactly once. */
#define GRAFT_MODULE(n, v, l)                                                  \
	_Static_assert(sizeof(n) <= GRAFT_MODULE_NAME_MAX, "name too long");   \
	_Static_assert(sizeof(v) <= GRAFT_MODULE_VERSION_MAX,                  \
		       "version too long");                                    \
	_Static_assert(sizeof(l) <= GRAFT_MODULE_LICENCE_MAX,                  \
		       "licence too long");                                    \
	GRAFT_MODULE_INFO_REC_ = {.magic = GRAFT_MODULE_MAGIC,                 \
				  .abi_version = GRAFT_ABI_VERSION,            \
				  .kind = GRAFT_MREC_INFO,                     \
				  .name = n,                                   \
				  .version = v,                                \
				  .licence = l}

/* GRAFT_MODULE_DEPENDS - a module that must be live before this one loads
 * (and that cannot be unloaded while this one is). */
#define GRAFT_MODULE_DEPENDS(n)                                                \
	_Static_assert(sizeof(n) <= GRAFT_MODULE_NAME_MAX, "name too long");   \
	GRAFT_MODULE_DEPENDS_REC_ = {.magic = GRAFT_MODULE_MAGIC,              \
				     .abi_version = GRAFT_ABI_VERSION,         \
				     .kind = GRAFT_MREC_DEPENDS,               \
				     .name = n}

#define GRAFT_MODULE_INIT(fn) GRAFT_MODULE_ENTRY_(GRAFT_MREC_INIT, init, fn)
#define GRAFT_MODULE_EXIT(fn) GRAFT_MODULE_ENTRY_(GRAFT_MREC_EXIT, exit, fn)
#define GRAFT_MODULE_SAVE(fn) GRAFT_MODULE_ENTRY_(GRAFT_MREC_SAVE, save, fn)
#define GRAFT_MODULE_RESTORE(fn)                                               \
	GRAFT_MODULE_ENTRY_(GRAFT_MREC_RESTORE, restore, fn)
#define GRAFT_MODULE_TIMER(fn) GRAFT_MODULE_ENTRY_(GRAFT_MREC_TIMER, timer, fn)
#define GRAFT_MODULE_MESSAGE(fn)                                               \
	GRAFT_MODULE_ENTRY_(GRAFT_MREC_MESSAGE, message, fn)
#define GRAFT_MODULE_NET(fn) GRAFT_MODULE_ENTRY_(GRAFT_MREC_NET, net, fn)

#endif
