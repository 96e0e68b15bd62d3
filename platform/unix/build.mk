# platform/unix: the binding for a hosted Linux process (guest side).
PLAT_UNIX_SRCS := platform/unix/unix_start.S platform/unix/unix_boot.c \
	platform/unix/unix_platform.c platform/net_batch_loop.c
PLAT_UNIX_A := $(BUILD)/guest/libplat-unix.a
PLAT_UNIX_LDS :=

$(PLAT_UNIX_A): $(call guest_objs,$(PLAT_UNIX_SRCS))
	$(Q)rm -f $@ && $(GUEST_AR) rcs $@ $^

ALL += $(PLAT_UNIX_A)
