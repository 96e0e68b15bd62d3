# kernel/: the portable core, built for the guest into libkernel.a and
# hosted (for unit tests) into libkernel-host.a.
KERNEL_SRCS := kernel/error.c
KERNEL_GUEST_A := $(BUILD)/guest/libkernel.a

$(KERNEL_GUEST_A): $(call guest_objs,$(KERNEL_SRCS))
	$(Q)$(GUEST_AR) rcs $@ $^
