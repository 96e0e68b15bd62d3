# platform/hvt: the binding for graft's KVM tender (guest side).  With
# platform/x86's objects (it adds them to the archives in PLAT_X86_USERS).
PLAT_HVT_SRCS := platform/hvt/hvt_start.S platform/hvt/hvt_note.S \
	platform/hvt/hvt_boot.c platform/hvt/hvt_platform.c \
	platform/hvt/hvt_trap.c platform/hvt/hvt_mem.c
PLAT_HVT_A := $(BUILD)/guest/libplat-hvt.a
PLAT_HVT_LDS := platform/hvt/hvt.ld
PLAT_X86_USERS += $(PLAT_HVT_A)

$(PLAT_HVT_A): $(call guest_objs,$(PLAT_HVT_SRCS))
	$(Q)rm -f $@ && $(GUEST_AR) rcs $@ $^

ALL += $(PLAT_HVT_A)
CFLAGS_platform/hvt/hvt_trap.c := -mgeneral-regs-only -Os
CFLAGS_platform/hvt/hvt_boot.c := -Os
CFLAGS_platform/hvt/hvt_mem.c := -Os
