# lib/fs/moddir: native modules from a filesystem, and the boot step behind
# graft.module-dir; built for the guest into libmoddir.a (needs libfs.a,
# libfat.a and the module manager).  Images link it whole (see
# examples/build.mk), so that its boot step is kept.
MODDIR_SRCS := lib/fs/moddir/moddir.c
MODDIR_GUEST_A := $(BUILD)/guest/libmoddir.a
$(foreach s,$(MODDIR_SRCS),$(eval CFLAGS_$(s) := -I.))

$(MODDIR_GUEST_A): $(call guest_objs,$(MODDIR_SRCS))
	$(Q)$(GUEST_AR) rcs $@ $^

ALL += $(MODDIR_GUEST_A)
