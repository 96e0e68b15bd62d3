/*
 * The native module format: ELF64 x86_64 relocatable objects, validated by
 * elf_validate.c and linked by elf_load.c.  Entry points are plain C
 * functions at the addresses the linker resolved, called through the
 * memory operations' guard: in an instance a fault in one (a null pointer
 * in init, say) fails that call with GRAFT_ETRAP instead of ending the
 * instance (kernel/kfault.h says what that can and cannot undo).  Native
 * code the module runs any other way (a kernel timer it armed itself) is
 * trusted: a fault there ends the instance.
 */
#include <stdlib.h>
#include <string.h>
#include <graft/error.h>
#include "mod_internal.h"

const char *const mod_entry_names[MOD_NENTRY] = {
    "init", "exit", "save", "restore", "timer", "message", "net"};

static bool native_match(const void *buf, size_t len)
{
	return len >= 4 && memcmp(buf, "\177ELF", 4) == 0;
}

static int native_parse(const void *buf, size_t len, void **parsed,
			char name[GRAFT_MODULE_NAME_MAX], struct mod_err *e)
{
	struct mod_elf *elf = malloc(sizeof(*elf));
	int rc;

	if (!elf)
		return mod_fail(e, GRAFT_ENOMEM, "out of memory");
	rc = mod_elf_validate(buf, len, elf, e);
	if (rc) {
		free(elf);
		return rc;
	}
	memcpy(name, elf->meta.name, GRAFT_MODULE_NAME_MAX);
	*parsed = elf;
	return 0;
}

static void native_parse_free(void *parsed)
{
	mod_elf_release(parsed);
	free(parsed);
}

static int native_link(void *parsed, struct mod *m,
		       const struct mod_mem_ops *mem, struct mod_err *e)
{
	return mod_elf_link(parsed, m, mem, e);
}

/* One call of an entry point, whatever its signature. */
struct native_call {
	struct mod *m;
	enum mod_entry_kind k;
	void **state; /* save */
	size_t *len;
	void *in; /* restore */
	size_t in_len;
	uint32_t arg; /* callbacks */
};

static int native_enter(void *p)
{
	struct native_call *c = p;
	void *fn = (void *)c->m->entry[c->k];

	switch (c->k) {
	case MOD_ENTRY_INIT:
		return ((graft_module_init_fn)fn)();
	case MOD_ENTRY_EXIT:
		((graft_module_exit_fn)fn)();
		return 0;
	case MOD_ENTRY_SAVE:
		return ((graft_module_save_fn)fn)(c->state, c->len);
	case MOD_ENTRY_RESTORE:
		return ((graft_module_restore_fn)fn)(c->in, c->in_len);
	case MOD_ENTRY_TIMER:
		((graft_module_timer_fn)fn)(c->arg);
		return 0;
	case MOD_ENTRY_MESSAGE:
		((graft_module_message_fn)fn)();
		return 0;
	case MOD_ENTRY_NET:
		((graft_module_net_fn)fn)((int)c->arg);
		return 0;
	default:
		return GRAFT_EINVAL;
	}
}

/* *rc = the entry point's result; fails (GRAFT_ETRAP) if it faulted. */
static int native_call(struct native_call *c, int *rc, struct mod_err *e)
{
	const struct mod_mem_ops *mem = mod_mem();
	char why[160];

	if (!mem || !mem->guard) {
		*rc = native_enter(c);
		return 0;
	}
	if (mem->guard(native_enter, c, rc, why, sizeof(why)) == 0)
		return 0;
	return mod_fail(e, GRAFT_ETRAP, "faulted in %s: %s",
			mod_entry_names[c->k], why);
}

static int native_init(struct mod *m, struct mod_err *e)
{
	struct native_call c = {.m = m, .k = MOD_ENTRY_INIT};
	int rc, trap = native_call(&c, &rc, e);

	if (trap)
		return trap;
	if (rc > 0)
		rc = GRAFT_EINVAL;
	if (rc)
		return mod_fail(e, rc, "init failed: %s", graft_strerror(rc));
	return 0;
}

static void native_exit(struct mod *m, struct mod_err *e)
{
	struct native_call c = {.m = m, .k = MOD_ENTRY_EXIT};
	int rc;

	native_call(&c, &rc, e);
}

static int native_save(struct mod *m, void **state, size_t *len,
		       struct mod_err *e)
{
	struct native_call c = {
	    .m = m, .k = MOD_ENTRY_SAVE, .state = state, .len = len};
	int rc, trap = native_call(&c, &rc, e);

	if (trap)
		return trap;
	if (rc)
		return mod_fail(e, rc < 0 ? rc : GRAFT_EINVAL,
				"the old version's save failed: %s",
				graft_strerror(rc));
	return 0;
}

static int native_restore(struct mod *m, void *state, size_t len,
			  struct mod_err *e)
{
	struct native_call c = {
	    .m = m, .k = MOD_ENTRY_RESTORE, .in = state, .in_len = len};
	int rc, trap = native_call(&c, &rc, e);

	if (trap)
		return trap;
	if (rc)
		return mod_fail(e, rc < 0 ? rc : GRAFT_EINVAL,
				"the new version's restore failed: %s",
				graft_strerror(rc));
	return 0;
}

static int native_callback(struct mod *m, enum mod_entry_kind k, uint32_t arg,
			   struct mod_err *e)
{
	struct native_call c = {.m = m, .k = k, .arg = arg};
	int rc;

	if (k != MOD_ENTRY_TIMER && k != MOD_ENTRY_MESSAGE &&
	    k != MOD_ENTRY_NET)
		return mod_fail(e, GRAFT_EINVAL, "no callback %u", k);
	return native_call(&c, &rc, e);
}

static size_t native_size(const struct mod *m)
{
	return m->npages * MOD_PAGE;
}

const struct mod_format mod_format_native = {
    .name = "native",
    .native_code = true,
    .match = native_match,
    .parse = native_parse,
    .parse_free = native_parse_free,
    .link = native_link,
    .unlink = mod_image_free,
    .init = native_init,
    .exit = native_exit,
    .save = native_save,
    .restore = native_restore,
    .callback = native_callback,
    .size = native_size,
};
