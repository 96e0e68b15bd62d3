# platform/x86: what the hvt and virtio targets share (guest side).  Not
# an archive of its own: its objects go into each target's archive.  A
# target opts in by adding its archive to PLAT_X86_USERS in its own
# fragment; this one sorts after platform/hvt and platform/virtio, so the
# list is complete when the rule below is read.
PLAT_X86_SRCS := platform/x86/x86_stubs.S platform/x86/x86_trap.c \
	platform/x86/x86_pages.c

$(if $(PLAT_X86_USERS),,$(error platform/x86: no target links it))
$(PLAT_X86_USERS): $(call guest_objs,$(PLAT_X86_SRCS))

CFLAGS_platform/x86/x86_trap.c := -mgeneral-regs-only -Os
CFLAGS_platform/x86/x86_pages.c := -Os
