# lib/fs/static: the read-only filesystem compiled into the image, built
# for the guest into libstatic.a (needs libfs.a).  tools/mkstatic makes the
# table it serves.
STATIC_SRCS := lib/fs/static/static.c
STATIC_GUEST_A := $(BUILD)/guest/libstatic.a
STATIC_HOST_OBJS := $(call host_objs,$(STATIC_SRCS))
$(foreach s,$(STATIC_SRCS),$(eval CFLAGS_$(s) := -I.))

$(STATIC_GUEST_A): $(call guest_objs,$(STATIC_SRCS))
	$(Q)$(GUEST_AR) rcs $@ $^

ALL += $(STATIC_GUEST_A)
