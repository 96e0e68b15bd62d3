# kernel/mod/: the module manager (validator, linker, registry, formats).
# Guest archives: $(BUILD)/guest/libmod.a (the manager, the native format
# and the module API; always built, so that the guest build is checked) and
# $(BUILD)/guest/libmod-wasm.a (the bytecode format, for images that link
# lib/wasm too; it registers itself by a boot step, so link it whole).
# The tests link the hosted objects of MOD_SRCS (and MOD_API_SRCS,
# MOD_WASM_SRCS for bytecode modules).
MOD_SRCS := kernel/mod/elf_validate.c kernel/mod/elf_load.c \
	kernel/mod/reloc_x86_64.c kernel/mod/exports.c kernel/mod/modmgr.c \
	kernel/mod/mod_err.c kernel/mod/fmt_native.c
MOD_API_SRCS := kernel/mod/modapi.c kernel/mod/modnet.c
MOD_WASM_SRCS := kernel/mod/fmt_wasm.c kernel/mod/fmt_wasm_imports.c
MOD_GUEST_SRCS := $(MOD_SRCS) $(MOD_API_SRCS) kernel/mod/mem_plat.c
MOD_GUEST_A := $(BUILD)/guest/libmod.a
MOD_WASM_GUEST_A := $(BUILD)/guest/libmod-wasm.a

CFLAGS_kernel/mod/fmt_wasm.c := -I.
CFLAGS_kernel/mod/fmt_wasm_imports.c := -I.

$(MOD_GUEST_A): $(call guest_objs,$(MOD_GUEST_SRCS))
	$(if $(Q),@echo "  AR      $@")
	$(Q)$(GUEST_AR) rcs $@ $^

$(MOD_WASM_GUEST_A): $(call guest_objs,$(MOD_WASM_SRCS))
	$(if $(Q),@echo "  AR      $@")
	$(Q)$(GUEST_AR) rcs $@ $^

# Hosted: the manager with both formats and the module API, for programs
# that run modules on the hosted kernel core (bench/wasm/modcall.c).
MOD_HOST_A := $(BUILD)/host/libmod-host.a
$(MOD_HOST_A): $(call host_objs,$(MOD_SRCS) $(MOD_API_SRCS) $(MOD_WASM_SRCS) \
		kernel/mod/mem_host.c)
	$(Q)rm -f $@ && ar rcs $@ $^

ALL += $(MOD_GUEST_A) $(MOD_WASM_GUEST_A) $(MOD_HOST_A)

# The export tool and the standard declarations (rules in
# tools/mkexports/build.mk), defined here because this fragment is read
# before every fragment that uses them.
MOD_MKEXPORTS := $(BUILD)/bin/mkexports
MOD_DECLS := $(BUILD)/mod/graft-decls.i

# The manager runs when a module loads, not per event: built for size, so
# that it costs every image (each links it) as little as it can.
$(foreach f,$(MOD_GUEST_SRCS),$(eval CFLAGS_$(f) += -Os))
