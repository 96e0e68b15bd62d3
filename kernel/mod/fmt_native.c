/*
 * The native module format: ELF64 x86_64 relocatable objects, validated by
 * elf_validate.c and linked by elf_load.c.  Entry points are plain C
 * functions at the addresses the linker resolved; a fault in one is a
 * fault of the instance (native code is trusted once loaded).
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

static int native_init(struct mod *m, struct mod_err *e)
{
	int rc = ((graft_module_init_fn)m->entry[MOD_ENTRY_INIT])();

	if (rc > 0)
		rc = GRAFT_EINVAL;
	if (rc)
		return mod_fail(e, rc, "init failed: %s", graft_strerror(rc));
	return 0;
}

static void native_exit(struct mod *m, struct mod_err *e)
{
	((graft_module_exit_fn)m->entry[MOD_ENTRY_EXIT])();
}

static int native_save(struct mod *m, void **state, size_t *len,
		       struct mod_err *e)
{
	int rc = ((graft_module_save_fn)m->entry[MOD_ENTRY_SAVE])(state, len);

	if (rc)
		return mod_fail(e, rc < 0 ? rc : GRAFT_EINVAL,
				"the old version's save failed: %s",
				graft_strerror(rc));
	return 0;
}

static int native_restore(struct mod *m, void *state, size_t len,
			  struct mod_err *e)
{
	int rc =
	    ((graft_module_restore_fn)m->entry[MOD_ENTRY_RESTORE])(state, len);

	if (rc)
		return mod_fail(e, rc < 0 ? rc : GRAFT_EINVAL,
				"the new version's restore failed: %s",
				graft_strerror(rc));
	return 0;
}

static int native_callback(struct mod *m, enum mod_entry_kind k, uint32_t arg,
			   struct mod_err *e)
{
	switch (k) {
	case MOD_ENTRY_TIMER:
		((graft_module_timer_fn)m->entry[k])(arg);
		break;
	case MOD_ENTRY_MESSAGE:
		((graft_module_message_fn)m->entry[k])();
		break;
	case MOD_ENTRY_NET:
		((graft_module_net_fn)m->entry[k])((int)arg);
		break;
	default:
		return mod_fail(e, GRAFT_EINVAL, "no callback %u", k);
	}
	return 0;
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
