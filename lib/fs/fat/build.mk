# lib/fs/fat: FAT12/16/32 over a struct graft_blkdev, built for the guest
# into libfat.a (needs libfs.a); hosted objects feed the tests.
FAT_SRCS := lib/fs/fat/fat_boot.c lib/fs/fat/fat_cache.c \
	lib/fs/fat/fat_table.c lib/fs/fat/fat_name.c lib/fs/fat/fat_dir.c \
	lib/fs/fat/fat_ops.c
FAT_GUEST_A := $(BUILD)/guest/libfat.a
FAT_HOST_OBJS := $(call host_objs,$(FAT_SRCS))
$(foreach s,$(FAT_SRCS),$(eval CFLAGS_$(s) := -I.))

$(FAT_GUEST_A): $(call guest_objs,$(FAT_SRCS))
	$(Q)$(GUEST_AR) rcs $@ $^

ALL += $(FAT_GUEST_A)
