# lib/fs: the shared filesystem interface (fs.h), built for the guest into
# libfs.a; hosted objects feed the tests.  Sources include "lib/fs/...",
# hence -I. for every file of the area.
FS_SRCS := lib/fs/fs.c
FS_GUEST_A := $(BUILD)/guest/libfs.a
FS_HOST_OBJS := $(call host_objs,$(FS_SRCS))
$(foreach s,$(FS_SRCS),$(eval CFLAGS_$(s) := -I.))

$(FS_GUEST_A): $(call guest_objs,$(FS_SRCS))
	$(Q)$(GUEST_AR) rcs $@ $^

ALL += $(FS_GUEST_A)
