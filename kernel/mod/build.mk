# kernel/mod/: the native module manager (validator, linker, registry).
# Guest archive $(BUILD)/guest/libmod.a (always built, so that the guest
# build is checked); the tests link the hosted objects of MOD_SRCS.
MOD_SRCS := kernel/mod/elf_validate.c kernel/mod/elf_load.c \
	kernel/mod/reloc_x86_64.c kernel/mod/exports.c kernel/mod/modmgr.c \
	kernel/mod/mod_err.c kernel/mod/fmt_native.c
MOD_GUEST_SRCS := $(MOD_SRCS) kernel/mod/mem_plat.c
MOD_GUEST_A := $(BUILD)/guest/libmod.a

$(MOD_GUEST_A): $(call guest_objs,$(MOD_GUEST_SRCS))
	$(if $(Q),@echo "  AR      $@")
	$(Q)$(GUEST_AR) rcs $@ $^

ALL += $(MOD_GUEST_A)

# The export tool and the standard declarations (rules in
# tools/mkexports/build.mk), defined here because this fragment is read
# before every fragment that uses them.
MOD_MKEXPORTS := $(BUILD)/bin/mkexports
MOD_DECLS := $(BUILD)/mod/graft-decls.i
