/*
 * Internals of the module manager: the validated view of an object
 * (elf_validate.c), the linker (elf_load.c, reloc_x86_64.c), export lookup
 * (exports.c) and the registry (modmgr.c).
 *
 * The pipeline: mod_elf_validate() checks every byte it will later read and
 * fills struct mod_elf; after it returns 0 the linker may trust the
 * structure (indices in range, strings terminated, relocations inside their
 * sections) and only checks what depends on addresses (relocation reach).
 */
#ifndef GRAFT_KERNEL_MOD_INTERNAL_H
#define GRAFT_KERNEL_MOD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <graft/module.h>
#include "elf64.h"
#include "mod.h"

/* Limits on what an object may contain (beyond them: GRAFT_EFORMAT). */
#define MOD_MAX_OBJECT_SIZE (64u << 20)
#define MOD_MAX_SECTIONS    4096u
#define MOD_MAX_SYMBOLS	    65536u
#define MOD_MAX_DEPS	    16u
#define MOD_MAX_EXPORTS	    4096u
#define MOD_MAX_ALIGN	    4096u
#define MOD_PAGE	    4096u
#define MOD_MAX_FORMATS	    4u
#define MOD_REPORT_MAX	    256u /* bytes of one report line */

/* Where error messages go: "module '<label>': ...". */
struct mod_err {
	char *buf;
	size_t len;
	const char *label;
};
int mod_fail(struct mod_err *e, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

enum mod_entry_kind {
	MOD_ENTRY_INIT,
	MOD_ENTRY_EXIT,
	MOD_ENTRY_SAVE,
	MOD_ENTRY_RESTORE,
	MOD_ENTRY_TIMER, /* callbacks */
	MOD_ENTRY_MESSAGE,
	MOD_ENTRY_NET,
	MOD_NENTRY
};
#define MOD_ENTRY_BIT(k) (1u << (k))

/* An entry point as the object names it: an offset in an executable
 * section. */
struct mod_entry_ref {
	bool set;
	uint16_t shndx;
	uint64_t off;
};

struct mod_meta {
	char name[GRAFT_MODULE_NAME_MAX];
	char version[GRAFT_MODULE_VERSION_MAX];
	char licence[GRAFT_MODULE_LICENCE_MAX];
	unsigned ndeps;
	char deps[MOD_MAX_DEPS][GRAFT_MODULE_NAME_MAX];
	struct mod_entry_ref entry[MOD_NENTRY];
};

/* The validated object.  Pointers into buf are only to bytes checked to be
 * inside it; sh and syms are copies (so buf need not be aligned). */
struct mod_elf {
	const uint8_t *buf;
	size_t len;
	struct elf64_ehdr eh;
	struct elf64_shdr *sh; /* [shnum] */
	unsigned shnum;
	const char *shstr; /* section names, NUL-terminated at the end */
	size_t shstr_len;
	unsigned symtab;	/* section index */
	struct elf64_sym *syms; /* [nsyms] */
	unsigned nsyms;
	const char *str; /* symbol names, NUL-terminated at the end */
	size_t str_len;
	struct mod_meta meta;
	struct graft_symver *symver; /* [nsymver] */
	unsigned nsymver;
	const char **exports; /* [nexports] names (into buf) */
	unsigned nexports;
};

int mod_elf_validate(const void *buf, size_t len, struct mod_elf *elf,
		     struct mod_err *e);
void mod_elf_release(struct mod_elf *elf);
const char *mod_elf_secname(const struct mod_elf *elf, unsigned idx);
const char *mod_elf_symname(const struct mod_elf *elf, unsigned idx);
/* whether relocations of section idx are applied (its target is loaded) */
bool mod_elf_loaded(const struct mod_elf *elf, unsigned idx);
/* A module name field: 1..size-1 bytes of [A-Za-z0-9._-], then NUL.  A
 * string field: NUL within size bytes.  (Every format checks its metadata
 * with these.) */
bool mod_name_valid(const char *field, size_t size);
bool mod_field_terminated(const char *field, size_t size);
const struct graft_symver *mod_elf_symver(const struct mod_elf *elf,
					  const char *name, uint8_t kind);

/* Relocation types: width in bytes of the field (0: unsupported), name. */
unsigned mod_reloc_width(uint32_t type);
const char *mod_reloc_name(uint32_t type);
bool mod_reloc_uses_got(uint32_t type);

/* The addresses one relocation needs: P (the field), S (the symbol), A,
 * G (its GOT entry, when it has one), T (its trampoline or 0). */
struct mod_reloc_ctx {
	uint64_t p, s, g, t;
	int64_t a;
};
/* mod_reloc_apply - write one relocation at where.  GRAFT_ERANGE if the
 * value does not fit its field. */
int mod_reloc_apply(uint32_t type, void *where, const struct mod_reloc_ctx *c);

struct mod_section {
	const char *name;
	uintptr_t addr;
	size_t size;
};

struct mod_export_entry {
	char name[GRAFT_SYMBOL_MAX];
	uintptr_t addr;
	uint64_t hash;
};

struct mod {
	struct mod *next;
	char name[GRAFT_MODULE_NAME_MAX];
	char version[GRAFT_MODULE_VERSION_MAX];
	char licence[GRAFT_MODULE_LICENCE_MAX];
	enum mod_state state;
	bool hidden;   /* the old version during an upgrade: no lookups */
	uint8_t *base; /* npages of memory: text, then rodata, then data */
	size_t npages;
	size_t text_len, ro_len, data_len; /* bytes, whole pages */
	struct mod_section *sections;	   /* loaded sections */
	unsigned nsections;
	char *secnames;
	const struct mod_format *fmt;
	void *priv;	  /* the format's own state (bytecode: the engine's) */
	unsigned entries; /* MOD_ENTRY_BIT()s of the entry points it has */
	uintptr_t entry[MOD_NENTRY]; /* native: their addresses */
	struct mod_svc *svc; /* modapi.c: timers, mailbox, handles; or NULL */
	struct mod_export_entry *exports;
	unsigned nexports;
	struct mod **uses; /* modules this one links against or depends on */
	unsigned nuses;
	unsigned refs; /* live modules whose uses include this one */
	unsigned trampolines, got_entries;
	struct mod_resource resources; /* list head */
};

/*
 * A module format: how the manager reads, links, enters and frees one kind
 * of module.  fmt_native.c (ELF objects) is built in; fmt_wasm.c registers
 * the bytecode format at boot in images that link lib/wasm.
 *
 * The manager calls parse, then (if the name is free) link, then
 * parse_free; a linked module is given back with unlink.  The entry calls
 * run with the module current (mod_enter) and return 0 or a negative code
 * with the message in e ("init failed: ..."); a bytecode module that traps
 * returns GRAFT_ETRAP with the trap's reason and place.
 */
struct mod_format {
	const char *name; /* "native", "wasm" (struct mod_info.format) */
	bool native_code; /* loads machine code: refused after seal */
	bool (*match)(const void *buf, size_t len);
	/* validate buf completely and read its name; *parsed is for link */
	int (*parse)(const void *buf, size_t len, void **parsed,
		     char name[GRAFT_MODULE_NAME_MAX], struct mod_err *e);
	void (*parse_free)(void *parsed);
	/* fill m (version, licence, entries, uses, memory, priv) */
	int (*link)(void *parsed, struct mod *m, const struct mod_mem_ops *mem,
		    struct mod_err *e);
	void (*unlink)(struct mod *m, const struct mod_mem_ops *mem);
	int (*init)(struct mod *m, struct mod_err *e);
	void (*exit)(struct mod *m, struct mod_err *e);
	/* save: the state as one malloc'd buffer, owned by the caller;
	 * restore: takes ownership of state whatever it returns */
	int (*save)(struct mod *m, void **state, size_t *len,
		    struct mod_err *e);
	int (*restore)(struct mod *m, void *state, size_t len,
		       struct mod_err *e);
	/* a callback (MOD_ENTRY_TIMER...) with its argument */
	int (*callback)(struct mod *m, enum mod_entry_kind k, uint32_t arg,
			struct mod_err *e);
	/* bytes the module occupies, for mod_get_info */
	size_t (*size)(const struct mod *m);
};
extern const struct mod_format mod_format_native;
extern const char *const mod_entry_names[MOD_NENTRY];

/* exports.c: look a symbol up among the kernel's and live modules'
 * exports.  *provider receives the module (NULL: the kernel). */
const struct mod_export *mod_kernel_export(const char *name);
int mod_exports_init(const struct mod_export *table, size_t n);
bool mod_export_find(const char *name, uintptr_t *addr, uint64_t *hash,
		     struct mod **provider);

/* elf_load.c: link elf into fresh memory described by m (name, exports and
 * uses filled in too); on failure m holds nothing. mod_image_free gives it
 * all back. */
int mod_elf_link(const struct mod_elf *elf, struct mod *m,
		 const struct mod_mem_ops *mem, struct mod_err *e);
void mod_image_free(struct mod *m, const struct mod_mem_ops *mem);

/* modmgr.c: the memory operations the manager was started with. */
const struct mod_mem_ops *mod_mem(void);

/* modmgr.c: the registry, for exports.c */
struct mod *mod_registry_first(void);

/* mod_callback - run callback k (MOD_ENTRY_TIMER...) of m with arg, as m.
 * GRAFT_ENOENT if m is not live or has no such callback.  If it traps, m
 * is reported, stopped and unloaded before this returns GRAFT_ETRAP: the
 * caller must not touch m (or anything m owned) afterwards. */
int mod_callback(struct mod *m, enum mod_entry_kind k, uint32_t arg);

/* modapi.c: the module API for a given caller, pointers trusted (the
 * bytecode glue checks guest ranges before calling these). */
struct mod_svc;
void mod_api_log(struct mod *m, int level, const char *msg, size_t len);
int mod_api_timer_start(struct mod *m, uint32_t id, uint64_t delay,
			uint64_t period);
int mod_api_timer_stop(struct mod *m, uint32_t id);
int mod_api_send(struct mod *m, const char *to, const void *data, size_t len);
int mod_api_recv(struct mod *m, char *from, void *buf, size_t size);
int mod_api_dev_open(struct mod *m, const char *name);
int mod_api_blk_info(struct mod *m, int handle, uint64_t *sectors,
		     uint32_t *sector_size);
int mod_api_blk_io(struct mod *m, int handle, uint64_t lba, void *buf,
		   uint32_t count, bool write);
int mod_api_net_mac(struct mod *m, int handle, uint8_t *mac);
/* modnet.c: a net device's frames as modules see them, plain even on a
 * device with offloads (send and recv of struct graft_netdev). */
struct graft_netdev;
int modnet_send(struct graft_netdev *d, const void *frame, size_t len);
int modnet_recv(struct graft_netdev *d, void *buf, size_t size, size_t *len);
int mod_api_net_send(struct mod *m, int handle, const void *frame, size_t len);
int mod_api_net_recv(struct mod *m, int handle, void *buf, size_t size);

#endif
